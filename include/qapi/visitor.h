/*
 * visitor.h: the QAPI visitor interface. Generated visit_type_FOO()
 * functions walk a C value member by member and call these; the visitor
 * decides what a walk means: building C from a QObject (input), a QObject
 * from C (output) or freeing C (dealloc). QEMU's API and rules: every
 * visit_start_X() is paired with visit_end_X(), input visitors allocate,
 * and a failed input visit leaves nothing allocated.
 */
#ifndef QAPI_VISITOR_H
#define QAPI_VISITOR_H

#include "qemu/error.h"
#include "qapi/util.h"
#include "qobject/qobject.h"
#include "qobject/qnull.h"

typedef struct Visitor Visitor;

/* Layout shared by every generated FooList. */
typedef struct GenericList {
    struct GenericList *next;
    char padding[];
} GenericList;

/* Layout shared by every generated alternate. */
typedef struct GenericAlternate {
    QType type;
    char padding[];
} GenericAlternate;

typedef enum VisitorType {
    VISITOR_INPUT = 1,
    VISITOR_OUTPUT = 2,
    VISITOR_DEALLOC = 4,
} VisitorType;

/*
 * Objects. An input visitor allocates *OBJ (SIZE bytes, zeroed) when OBJ is
 * non-NULL; with OBJ NULL the members are visited into a caller's struct
 * (command arguments). NAME is the member name in the parent (NULL at the
 * top level and for list elements).
 */
bool visit_start_struct(Visitor *v, const char *name, void **obj, size_t size,
                        Error **errp);
/* Input: fail if the object had members nobody visited ("Parameter 'x' is
 * unexpected"). Call only after the members visited without error. */
bool visit_check_struct(Visitor *v, Error **errp);
void visit_end_struct(Visitor *v, void **obj);

/* Lists: *LIST is the first node (input: allocated, NULL when empty). */
bool visit_start_list(Visitor *v, const char *name, GenericList **list, size_t size,
                      Error **errp);
/* The node after TAIL (input: allocated; dealloc: TAIL is freed), or NULL. */
GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size);
bool visit_check_list(Visitor *v, Error **errp);
void visit_end_list(Visitor *v, void **list);

/* Alternates: the input visitor allocates *OBJ and sets its type to the
 * QType of the value it sees, without consuming the value. */
bool visit_start_alternate(Visitor *v, const char *name, GenericAlternate **obj,
                           size_t size, Error **errp);
void visit_end_alternate(Visitor *v, void **obj);

/* Optional members: input sets *PRESENT from the input; the others return
 * it unchanged. Visit the member only if this returns true. */
bool visit_optional(Visitor *v, const char *name, bool *present);

/* Scalars. Out-of-range integers fail with "Parameter 'x' expects uint8_t". */
bool visit_type_int(Visitor *v, const char *name, int64_t *obj, Error **errp);
bool visit_type_int8(Visitor *v, const char *name, int8_t *obj, Error **errp);
bool visit_type_int16(Visitor *v, const char *name, int16_t *obj, Error **errp);
bool visit_type_int32(Visitor *v, const char *name, int32_t *obj, Error **errp);
bool visit_type_int64(Visitor *v, const char *name, int64_t *obj, Error **errp);
bool visit_type_uint8(Visitor *v, const char *name, uint8_t *obj, Error **errp);
bool visit_type_uint16(Visitor *v, const char *name, uint16_t *obj, Error **errp);
bool visit_type_uint32(Visitor *v, const char *name, uint32_t *obj, Error **errp);
bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj, Error **errp);
bool visit_type_size(Visitor *v, const char *name, uint64_t *obj, Error **errp);
bool visit_type_bool(Visitor *v, const char *name, bool *obj, Error **errp);
/* Output writes "" for a NULL string. */
bool visit_type_str(Visitor *v, const char *name, char **obj, Error **errp);
bool visit_type_number(Visitor *v, const char *name, double *obj, Error **errp);
/* Any JSON value, by reference. */
bool visit_type_any(Visitor *v, const char *name, QObject **obj, Error **errp);
bool visit_type_null(Visitor *v, const char *name, QNull **obj, Error **errp);
bool visit_type_enum(Visitor *v, const char *name, int *obj, const QEnumLookup *lookup,
                     Error **errp);

/* Output visitors: store the result (see the visitor's constructor). */
void visit_complete(Visitor *v, void *opaque);
void visit_free(Visitor *v);

VisitorType visit_get_type(Visitor *v);
static inline bool visit_is_input(Visitor *v)
{
    return visit_get_type(v) == VISITOR_INPUT;
}
static inline bool visit_is_dealloc(Visitor *v)
{
    return visit_get_type(v) == VISITOR_DEALLOC;
}

/*
 * The path of member NAME for error messages ("backend.data.path",
 * "list[2]"); NAME alone for visitors that do not track one. The string
 * lives until the next call on V.
 */
const char *visit_full_name(Visitor *v, const char *name);

#endif
