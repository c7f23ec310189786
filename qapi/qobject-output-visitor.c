/*
 * qobject-output-visitor.c: C -> QObject. A stack of the dicts and lists
 * being filled; each visited value is added to the innermost one under its
 * member name (dicts) or appended (lists). The first value is the root.
 */
#include "qemu/osdep.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/visitor-impl.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

typedef struct QObjectOutputVisitor {
    Visitor visitor;
    GPtrArray *stack;           /* QObject * containers (borrowed from root) */
    QObject *root;
    QObject **result;
} QObjectOutputVisitor;

static QObjectOutputVisitor *to_qov(Visitor *v)
{
    return container_of(v, QObjectOutputVisitor, visitor);
}

/* Add VALUE (a new reference, consumed) as member NAME of the innermost
 * container, or as the root. */
static void qov_add(QObjectOutputVisitor *qov, const char *name, QObject *value)
{
    QObject *top;

    if (!qov->stack->len) {
        /* A second root only happens on misuse; keep the first. */
        if (qov->root) {
            qobject_unref(value);
            return;
        }
        qov->root = value;
        return;
    }
    top = g_ptr_array_index(qov->stack, qov->stack->len - 1);
    if (qobject_type(top) == QTYPE_QDICT) {
        qdict_put_obj(qobject_to(QDict, top), name ? name : "", value);
    } else {
        qlist_append_obj(qobject_to(QList, top), value);
    }
}

static void qov_push(QObjectOutputVisitor *qov, const char *name, QObject *container)
{
    qov_add(qov, name, container);
    g_ptr_array_add(qov->stack, container);
}

static void qov_pop(QObjectOutputVisitor *qov)
{
    if (qov->stack->len) {
        g_ptr_array_set_size(qov->stack, qov->stack->len - 1);
    }
}

static bool qov_start_struct(Visitor *v, const char *name, void **obj, size_t size,
                             Error **errp)
{
    qov_push(to_qov(v), name, QOBJECT(qdict_new()));
    return true;
}

static void qov_end_struct(Visitor *v, void **obj)
{
    qov_pop(to_qov(v));
}

static bool qov_start_list(Visitor *v, const char *name, GenericList **list, size_t size,
                           Error **errp)
{
    qov_push(to_qov(v), name, QOBJECT(qlist_new()));
    return true;
}

static GenericList *qov_next_list(Visitor *v, GenericList *tail, size_t size)
{
    return tail->next;
}

static void qov_end_list(Visitor *v, void **list)
{
    qov_pop(to_qov(v));
}

static bool qov_start_alternate(Visitor *v, const char *name, GenericAlternate **obj,
                                size_t size, Error **errp)
{
    return true;
}

static bool qov_type_int64(Visitor *v, const char *name, int64_t *obj, Error **errp)
{
    qov_add(to_qov(v), name, QOBJECT(qnum_from_int(*obj)));
    return true;
}

static bool qov_type_uint64(Visitor *v, const char *name, uint64_t *obj, Error **errp)
{
    qov_add(to_qov(v), name, QOBJECT(qnum_from_uint(*obj)));
    return true;
}

static bool qov_type_bool(Visitor *v, const char *name, bool *obj, Error **errp)
{
    qov_add(to_qov(v), name, QOBJECT(qbool_from_bool(*obj)));
    return true;
}

static bool qov_type_str(Visitor *v, const char *name, char **obj, Error **errp)
{
    qov_add(to_qov(v), name, QOBJECT(qstring_from_str(*obj ? *obj : "")));
    return true;
}

static bool qov_type_number(Visitor *v, const char *name, double *obj, Error **errp)
{
    qov_add(to_qov(v), name, QOBJECT(qnum_from_double(*obj)));
    return true;
}

static bool qov_type_any(Visitor *v, const char *name, QObject **obj, Error **errp)
{
    /* A NULL 'any' (a handler that returned nothing) reads as JSON null. */
    qov_add(to_qov(v), name, *obj ? qobject_ref(*obj) : QOBJECT(qnull()));
    return true;
}

static bool qov_type_null(Visitor *v, const char *name, QNull **obj, Error **errp)
{
    qov_add(to_qov(v), name, QOBJECT(qnull()));
    return true;
}

static void qov_complete(Visitor *v, void *opaque)
{
    QObjectOutputVisitor *qov = to_qov(v);
    QObject **result = opaque;

    *result = qov->root;
    qov->root = NULL;
}

static void qov_free(Visitor *v)
{
    QObjectOutputVisitor *qov = to_qov(v);

    qobject_unref(qov->root);
    g_ptr_array_free(qov->stack, true);
    g_free(qov);
}

Visitor *qobject_output_visitor_new(QObject **result)
{
    QObjectOutputVisitor *qov = g_new0(QObjectOutputVisitor, 1);

    qov->visitor.type = VISITOR_OUTPUT;
    qov->visitor.start_struct = qov_start_struct;
    qov->visitor.end_struct = qov_end_struct;
    qov->visitor.start_list = qov_start_list;
    qov->visitor.next_list = qov_next_list;
    qov->visitor.end_list = qov_end_list;
    qov->visitor.start_alternate = qov_start_alternate;
    qov->visitor.type_int64 = qov_type_int64;
    qov->visitor.type_uint64 = qov_type_uint64;
    qov->visitor.type_bool = qov_type_bool;
    qov->visitor.type_str = qov_type_str;
    qov->visitor.type_number = qov_type_number;
    qov->visitor.type_any = qov_type_any;
    qov->visitor.type_null = qov_type_null;
    qov->visitor.complete = qov_complete;
    qov->visitor.free = qov_free;
    qov->stack = g_ptr_array_new();
    qov->result = result;
    *result = NULL;
    return &qov->visitor;
}
