/*
 * qapi-visit-core.c: the visitor entry points that the generated
 * visit_type_FOO() functions call. They dispatch to the visitor's
 * callbacks and implement what is common: sized integers over 64-bit ones,
 * enums over strings.
 */
#include "qemu/osdep.h"
#include "qapi/visitor-impl.h"

VisitorType visit_get_type(Visitor *v)
{
    return v->type;
}

const char *visit_full_name(Visitor *v, const char *name)
{
    if (v->full_name) {
        return v->full_name(v, name);
    }
    return name ? name : "null";
}

bool visit_start_struct(Visitor *v, const char *name, void **obj, size_t size,
                        Error **errp)
{
    return v->start_struct(v, name, obj, size, errp);
}

bool visit_check_struct(Visitor *v, Error **errp)
{
    return v->check_struct ? v->check_struct(v, errp) : true;
}

void visit_end_struct(Visitor *v, void **obj)
{
    v->end_struct(v, obj);
}

bool visit_start_list(Visitor *v, const char *name, GenericList **list, size_t size,
                      Error **errp)
{
    return v->start_list(v, name, list, size, errp);
}

GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size)
{
    return v->next_list(v, tail, size);
}

bool visit_check_list(Visitor *v, Error **errp)
{
    return v->check_list ? v->check_list(v, errp) : true;
}

void visit_end_list(Visitor *v, void **list)
{
    v->end_list(v, list);
}

bool visit_start_alternate(Visitor *v, const char *name, GenericAlternate **obj,
                           size_t size, Error **errp)
{
    return v->start_alternate(v, name, obj, size, errp);
}

void visit_end_alternate(Visitor *v, void **obj)
{
    if (v->end_alternate) {
        v->end_alternate(v, obj);
    }
}

bool visit_optional(Visitor *v, const char *name, bool *present)
{
    if (v->optional) {
        return v->optional(v, name, present);
    }
    return *present;
}

bool visit_type_int64(Visitor *v, const char *name, int64_t *obj, Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_int(Visitor *v, const char *name, int64_t *obj, Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj, Error **errp)
{
    return v->type_uint64(v, name, obj, errp);
}

bool visit_type_size(Visitor *v, const char *name, uint64_t *obj, Error **errp)
{
    return v->type_uint64(v, name, obj, errp);
}

/* Sized integers travel as 64-bit ones; input checks the range and says
 * "Parameter 'x' expects uint8_t" as QEMU does. */
static bool visit_type_intN(Visitor *v, const char *name, int64_t *value,
                            int64_t min, int64_t max, const char *type, Error **errp)
{
    if (!v->type_int64(v, name, value, errp)) {
        return false;
    }
    if (*value < min || *value > max) {
        error_setg(errp, "Parameter '%s' expects %s", visit_full_name(v, name), type);
        return false;
    }
    return true;
}

static bool visit_type_uintN(Visitor *v, const char *name, uint64_t *value,
                             uint64_t max, const char *type, Error **errp)
{
    if (!v->type_uint64(v, name, value, errp)) {
        return false;
    }
    if (*value > max) {
        error_setg(errp, "Parameter '%s' expects %s", visit_full_name(v, name), type);
        return false;
    }
    return true;
}

#define VISIT_INT(bits)                                                         \
bool visit_type_int##bits(Visitor *v, const char *name, int##bits##_t *obj,      \
                          Error **errp)                                        \
{                                                                               \
    int64_t value = *obj;                                                       \
                                                                                \
    if (!visit_type_intN(v, name, &value, INT##bits##_MIN, INT##bits##_MAX,     \
                         "int" #bits "_t", errp)) {                             \
        return false;                                                           \
    }                                                                           \
    *obj = value;                                                               \
    return true;                                                                \
}                                                                               \
bool visit_type_uint##bits(Visitor *v, const char *name, uint##bits##_t *obj,    \
                           Error **errp)                                       \
{                                                                               \
    uint64_t value = *obj;                                                      \
                                                                                \
    if (!visit_type_uintN(v, name, &value, UINT##bits##_MAX, "uint" #bits "_t", \
                          errp)) {                                              \
        return false;                                                           \
    }                                                                           \
    *obj = value;                                                               \
    return true;                                                                \
}

VISIT_INT(8)
VISIT_INT(16)
VISIT_INT(32)

bool visit_type_bool(Visitor *v, const char *name, bool *obj, Error **errp)
{
    return v->type_bool(v, name, obj, errp);
}

bool visit_type_str(Visitor *v, const char *name, char **obj, Error **errp)
{
    return v->type_str(v, name, obj, errp);
}

bool visit_type_number(Visitor *v, const char *name, double *obj, Error **errp)
{
    return v->type_number(v, name, obj, errp);
}

bool visit_type_any(Visitor *v, const char *name, QObject **obj, Error **errp)
{
    return v->type_any(v, name, obj, errp);
}

bool visit_type_null(Visitor *v, const char *name, QNull **obj, Error **errp)
{
    return v->type_null(v, name, obj, errp);
}

bool visit_type_enum(Visitor *v, const char *name, int *obj, const QEnumLookup *lookup,
                     Error **errp)
{
    char *str = NULL;
    int i;

    switch (v->type) {
    case VISITOR_OUTPUT:
        if (*obj < 0 || *obj >= lookup->size || !lookup->array[*obj]) {
            error_setg(errp, "Parameter '%s' has an invalid value %d",
                       name ? name : "null", *obj);
            return false;
        }
        str = (char *)lookup->array[*obj];
        return v->type_str(v, name, &str, errp);
    case VISITOR_INPUT:
        if (!v->type_str(v, name, &str, errp)) {
            return false;
        }
        for (i = 0; i < lookup->size; i++) {
            if (lookup->array[i] && !strcmp(lookup->array[i], str)) {
                *obj = i;
                g_free(str);
                return true;
            }
        }
        /* QEMU 8.2's text, with the member's path ("enable[0]"). */
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   visit_full_name(v, name), str);
        g_free(str);
        return false;
    default:
        return true;
    }
}

void visit_complete(Visitor *v, void *opaque)
{
    if (v->complete) {
        v->complete(v, opaque);
    }
}

void visit_free(Visitor *v)
{
    if (v) {
        v->free(v);
    }
}
