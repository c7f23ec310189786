/*
 * property.c: the engine behind static class properties: lookup along the
 * class chain, defaults at instance init, parse/print by name, typed
 * setters and getters, and the help text. The value types themselves
 * (PropertyInfo parsers) are in hw/core/qdev-properties.c.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "hw/qdev-properties.h"
#include "qom-internal.h"

void object_class_set_props(ObjectClass *klass, Property *props)
{
    for (Property *p = props; p->name; p++) {
        if (!p->info) {
            g_error("type '%s': property '%s' has no PropertyInfo",
                    object_class_get_name(klass), p->name);
        }
    }
    klass->type->props = props;
}

Property *object_class_property_find(ObjectClass *klass, const char *name)
{
    for (Type t = klass->type; t; t = t->parent) {
        for (Property *p = t->props; p && p->name; p++) {
            if (!strcmp(p->name, name)) {
                return p;
            }
        }
    }
    return NULL;
}

Property *object_property_find(Object *obj, const char *name)
{
    return object_class_property_find(obj->class, name);
}

void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(Property *prop, void *opaque),
                                   void *opaque)
{
    /* A subclass may redefine a name; its entry hides the parent's. */
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (Type t = klass->type; t; t = t->parent) {
        for (Property *p = t->props; p && p->name; p++) {
            if (g_hash_table_add(seen, (gpointer)p->name)) {
                fn(p, opaque);
            }
        }
    }
}

void object_property_store_int(void *field, unsigned size, uint64_t v)
{
    switch (size) {
    case 1:
        *(uint8_t *)field = v;
        break;
    case 2:
        *(uint16_t *)field = v;
        break;
    case 4:
        *(uint32_t *)field = v;
        break;
    default:
        *(uint64_t *)field = v;
        break;
    }
}

uint64_t object_property_load_uint(const void *field, unsigned size)
{
    switch (size) {
    case 1:
        return *(const uint8_t *)field;
    case 2:
        return *(const uint16_t *)field;
    case 4:
        return *(const uint32_t *)field;
    default:
        return *(const uint64_t *)field;
    }
}

int64_t object_property_load_int(const void *field, unsigned size)
{
    switch (size) {
    case 1:
        return *(const int8_t *)field;
    case 2:
        return *(const int16_t *)field;
    case 4:
        return *(const int32_t *)field;
    default:
        return *(const int64_t *)field;
    }
}

static void prop_init_default(Property *prop, void *opaque)
{
    Object *obj = opaque;
    void *field = object_property_field(obj, prop);

    if (!prop->set_default) {
        return;
    }
    switch (prop->info->kind) {
    case PROP_KIND_BOOL:
        *(bool *)field = prop->defval.u != 0;
        break;
    case PROP_KIND_UINT:
        object_property_store_int(field, prop->info->size, prop->defval.u);
        break;
    case PROP_KIND_INT:
        object_property_store_int(field, prop->info->size,
                                  (uint64_t)prop->defval.i);
        break;
    case PROP_KIND_STRING:
        g_free(*(char **)field);
        *(char **)field = g_strdup(prop->defval_str);
        break;
    default:
        break;
    }
}

void qom_props_init_defaults(Object *obj)
{
    object_class_property_foreach(obj->class, prop_init_default, obj);
}

static void prop_release(Property *prop, void *opaque)
{
    if (prop->info->release) {
        prop->info->release(opaque, prop);
    }
}

void qom_props_release_all(Object *obj)
{
    object_class_property_foreach(obj->class, prop_release, obj);
}

/* Find a property that may be set now, or fail with QEMU's messages. */
static Property *prop_for_set(Object *obj, const char *name, Error **errp)
{
    Property *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
        return NULL;
    }
    if (obj->class->check_prop_set &&
        !obj->class->check_prop_set(obj, prop, errp)) {
        return NULL;
    }
    return prop;
}

static Property *prop_for_get(Object *obj, const char *name, Error **errp)
{
    Property *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

static bool prop_kind_mismatch(Property *prop, const char *expected,
                               Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               prop->name, expected);
    return false;
}

bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp)
{
    Property *prop = prop_for_set(obj, name, errp);

    if (!prop) {
        return false;
    }
    return prop->info->parse(obj, prop, value ? value : "", errp);
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    Property *prop = prop_for_get(obj, name, errp);

    return prop ? prop->info->print(obj, prop) : NULL;
}

/*
 * The property name of obj, if its kind is kind: for_set says whether it is
 * about to be set (which the class may refuse). Fails with QEMU's messages.
 */
static Property *prop_of_kind(Object *obj, const char *name, PropertyKind kind,
                              bool for_set, Error **errp)
{
    Property *prop = for_set ? prop_for_set(obj, name, errp)
                             : prop_for_get(obj, name, errp);

    if (prop && prop->info->kind != kind) {
        prop_kind_mismatch(prop, prop->info->name, errp);
        return NULL;
    }
    return prop;
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp)
{
    Property *prop = prop_of_kind(obj, name, PROP_KIND_BOOL, true, errp);

    if (!prop) {
        return false;
    }
    *(bool *)object_property_field(obj, prop) = value;
    return true;
}

static bool prop_range_error(Object *obj, Property *prop, const char *val,
                             Error **errp)
{
    const PropertyInfo *info = prop->info;

    if (info->kind == PROP_KIND_UINT) {
        error_setg(errp, "Property %s.%s doesn't take value %s "
                   "(maximum: %" PRIu64 ")", object_get_typename(obj),
                   prop->name, val, info->umax);
    } else {
        error_setg(errp, "Property %s.%s doesn't take value %s "
                   "(minimum: %" PRId64 ", maximum: %" PRId64 ")",
                   object_get_typename(obj), prop->name, val, info->imin,
                   info->imax);
    }
    return false;
}

/*
 * Set an integer property from v, which is an int64_t if is_signed and a
 * uint64_t otherwise; either kind of integer property takes either, if the
 * value is in its range.
 */
static bool prop_set_integer(Object *obj, const char *name, uint64_t v,
                             bool is_signed, Error **errp)
{
    Property *prop = prop_for_set(obj, name, errp);
    const PropertyInfo *info;
    bool negative = is_signed && (int64_t)v < 0;
    bool in_range;
    char buf[32];

    if (!prop) {
        return false;
    }
    info = prop->info;
    if (info->kind == PROP_KIND_UINT) {
        in_range = !negative && v <= info->umax;
    } else if (info->kind == PROP_KIND_INT) {
        in_range = negative ? (int64_t)v >= info->imin
                            : v <= (uint64_t)info->imax;
    } else {
        return prop_kind_mismatch(prop, info->name, errp);
    }
    if (!in_range) {
        if (is_signed) {
            snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)v);
        } else {
            snprintf(buf, sizeof(buf), "%" PRIu64, v);
        }
        return prop_range_error(obj, prop, buf, errp);
    }
    object_property_store_int(object_property_field(obj, prop), info->size,
                              v);
    return true;
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp)
{
    return prop_set_integer(obj, name, value, false, errp);
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp)
{
    return prop_set_integer(obj, name, (uint64_t)value, true, errp);
}

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp)
{
    Property *prop = prop_of_kind(obj, name, PROP_KIND_STRING, true, errp);
    char **field;

    if (!prop) {
        return false;
    }
    field = object_property_field(obj, prop);
    g_free(*field);
    *field = g_strdup(value);
    return true;
}

bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp)
{
    Property *prop = prop_of_kind(obj, name, PROP_KIND_LINK, true, errp);
    Object **field;
    Object *old;

    if (!prop) {
        return false;
    }
    if (value && prop->link_type &&
        !object_dynamic_cast(value, prop->link_type)) {
        return prop_kind_mismatch(prop, prop->link_type, errp);
    }
    field = object_property_field(obj, prop);
    old = *field;
    *field = object_ref(value);
    object_unref(old);
    return true;
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    Property *prop = prop_of_kind(obj, name, PROP_KIND_BOOL, false, errp);

    return prop && *(bool *)object_property_field(obj, prop);
}

/* An integer property of either kind, as the 64 bits of its value. */
static uint64_t prop_get_integer(Object *obj, const char *name, Error **errp)
{
    Property *prop = prop_for_get(obj, name, errp);
    void *field;

    if (!prop) {
        return 0;
    }
    field = object_property_field(obj, prop);
    switch (prop->info->kind) {
    case PROP_KIND_UINT:
        return object_property_load_uint(field, prop->info->size);
    case PROP_KIND_INT:
        return (uint64_t)object_property_load_int(field, prop->info->size);
    default:
        prop_kind_mismatch(prop, prop->info->name, errp);
        return 0;
    }
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp)
{
    return prop_get_integer(obj, name, errp);
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    return (int64_t)prop_get_integer(obj, name, errp);
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    Property *prop = prop_of_kind(obj, name, PROP_KIND_STRING, false, errp);

    return prop ? g_strdup(*(char **)object_property_field(obj, prop))
                : NULL;
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    Property *prop = prop_of_kind(obj, name, PROP_KIND_LINK, false, errp);

    return prop ? *(Object **)object_property_field(obj, prop) : NULL;
}

/* ---- introspection and help ---- */

char *object_property_type_name(const Property *prop)
{
    if (prop->info->kind == PROP_KIND_LINK) {
        return g_strdup_printf("link<%s>",
                               prop->link_type ? prop->link_type
                                               : TYPE_OBJECT);
    }
    return g_strdup(prop->info->name);
}

const char *object_property_description(const Property *prop)
{
    return prop->description ? prop->description : prop->info->description;
}

char *object_property_default_string(const Property *prop)
{
    if (!prop->set_default) {
        return NULL;
    }
    switch (prop->info->kind) {
    case PROP_KIND_BOOL:
        return g_strdup(prop->defval.u ? "true" : "false");
    case PROP_KIND_UINT:
        return g_strdup_printf("%" PRIu64, prop->defval.u);
    case PROP_KIND_INT:
        return g_strdup_printf("%" PRId64, prop->defval.i);
    case PROP_KIND_STRING:
        return prop->defval_str ? g_strdup_printf("\"%s\"", prop->defval_str)
                                : NULL;
    default:
        return NULL;
    }
}

/* The column where " - description" starts, as QEMU's help aligns it. */
#define PROP_HELP_COLUMN 24

char *object_property_help_line(const Property *prop)
{
    g_autofree char *type = object_property_type_name(prop);
    g_autofree char *def = object_property_default_string(prop);
    const char *desc = object_property_description(prop);
    GString *s = g_string_new("");

    g_string_append_printf(s, "  %s=<%s>", prop->name, type);
    if (desc || def) {
        while (s->len < PROP_HELP_COLUMN) {
            g_string_append_c(s, ' ');
        }
        g_string_append(s, " - ");
        if (desc) {
            g_string_append(s, desc);
        }
        if (def) {
            g_string_append_printf(s, " (default: %s)", def);
        }
    }
    return g_string_free(s, false);
}

static void collect_help_line(Property *prop, void *opaque)
{
    g_ptr_array_add(opaque, object_property_help_line(prop));
}

static gint help_line_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void object_class_print_props(ObjectClass *klass, FILE *f)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    const char *name = object_class_get_name(klass);

    object_class_property_foreach(klass, collect_help_line, lines);
    if (!lines->len) {
        fprintf(f, "There are no options for %s.\n", name);
        return;
    }
    /* QEMU sorts the formatted lines, so "a-b=" comes before "a=". */
    g_ptr_array_sort(lines, help_line_cmp);
    fprintf(f, "%s options:\n", name);
    for (guint i = 0; i < lines->len; i++) {
        fprintf(f, "%s\n", (char *)g_ptr_array_index(lines, i));
    }
}
