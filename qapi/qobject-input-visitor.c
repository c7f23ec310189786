/*
 * qobject-input-visitor.c: QObject -> C, strictly. The visitor keeps a
 * stack of the dicts and lists being read; a dict remembers which keys were
 * visited so that visit_check_struct() can reject the others. Errors name
 * the member by its path from the root ("backend.data.path",
 * "providers[0].names[0]"), with QEMU's texts.
 */
#include "qemu/osdep.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/visitor-impl.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

typedef struct StackEntry {
    const char *name;           /* member name in the parent, or NULL */
    QObject *obj;               /* QDict or QList being read */
    GHashTable *unvisited;      /* dict: keys not visited yet */
    const QListEntry *entry;    /* list: next element */
    int next_index;             /* list: index of entry */
    int index;                  /* list: index of the element being visited */
    void *qapi;                 /* the C object, to match end_* calls */
} StackEntry;

typedef struct QObjectInputVisitor {
    Visitor visitor;
    QObject *root;
    GArray *stack;              /* of StackEntry */
    GString *name_buf;
} QObjectInputVisitor;

static QObjectInputVisitor *to_qiv(Visitor *v)
{
    return container_of(v, QObjectInputVisitor, visitor);
}

static StackEntry *qiv_top(QObjectInputVisitor *qiv)
{
    if (!qiv->stack->len) {
        return NULL;
    }
    return &g_array_index(qiv->stack, StackEntry, qiv->stack->len - 1);
}

/* The path of NAME (a member of the innermost container) from the root. */
static const char *qiv_full_name(Visitor *v, const char *name)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    GString *s = qiv->name_buf;
    guint i;

    g_string_truncate(s, 0);
    /* stack[0] is the root: it has no name of its own. */
    for (i = 1; i <= qiv->stack->len; i++) {
        const StackEntry *parent = &g_array_index(qiv->stack, StackEntry, i - 1);
        const char *member = i < qiv->stack->len ?
            g_array_index(qiv->stack, StackEntry, i).name : name;

        if (qobject_type(parent->obj) == QTYPE_QLIST) {
            g_string_append_printf(s, "[%d]", parent->index);
        } else if (member) {
            if (s->len) {
                g_string_append_c(s, '.');
            }
            g_string_append(s, member);
        }
    }
    if (!s->len) {
        return name ? name : "null";
    }
    return s->str;
}

/*
 * The value of member NAME of the innermost dict, or the next element of
 * the innermost list, or the root. CONSUME marks it visited. NULL if there
 * is none.
 */
static QObject *qiv_get(QObjectInputVisitor *qiv, const char *name, bool consume)
{
    StackEntry *top = qiv_top(qiv);
    QObject *obj;

    if (!top) {
        return qiv->root;
    }
    if (qobject_type(top->obj) == QTYPE_QDICT) {
        obj = qdict_get(qobject_to(QDict, top->obj), name);
        if (obj && consume) {
            g_hash_table_remove(top->unvisited, name);
        }
        return obj;
    }
    if (!top->entry) {
        return NULL;
    }
    obj = qlist_entry_obj(top->entry);
    top->index = top->next_index;
    if (consume) {
        top->entry = qlist_next(top->entry);
        top->next_index++;
    }
    return obj;
}

static QObject *qiv_get_required(QObjectInputVisitor *qiv, const char *name,
                                 Error **errp)
{
    QObject *obj = qiv_get(qiv, name, true);

    if (!obj) {
        error_setg(errp, "Parameter '%s' is missing",
                   qiv_full_name(&qiv->visitor, name));
    }
    return obj;
}

static void qiv_type_error(QObjectInputVisitor *qiv, const char *name,
                           const char *expected, Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               qiv_full_name(&qiv->visitor, name), expected);
}

static void qiv_push(QObjectInputVisitor *qiv, const char *name, QObject *obj,
                     void *qapi)
{
    StackEntry e = { .name = name, .obj = obj, .qapi = qapi };

    if (qobject_type(obj) == QTYPE_QDICT) {
        const QDict *d = qobject_to(QDict, obj);
        const QDictEntry *de;

        e.unvisited = g_hash_table_new(g_str_hash, g_str_equal);
        for (de = qdict_first(d); de; de = qdict_next(d, de)) {
            g_hash_table_add(e.unvisited, (gpointer)qdict_entry_key(de));
        }
    } else {
        e.entry = qlist_first(qobject_to(QList, obj));
    }
    g_array_append_val(qiv->stack, e);
}

static void qiv_pop(QObjectInputVisitor *qiv)
{
    StackEntry *top = qiv_top(qiv);

    if (top->unvisited) {
        g_hash_table_destroy(top->unvisited);
    }
    g_array_set_size(qiv->stack, qiv->stack->len - 1);
}

static bool qiv_start_struct(Visitor *v, const char *name, void **obj, size_t size,
                             Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj;

    if (obj) {
        *obj = NULL;
    }
    qobj = qiv_get_required(qiv, name, errp);
    if (!qobj) {
        return false;
    }
    if (qobject_type(qobj) != QTYPE_QDICT) {
        qiv_type_error(qiv, name, "object", errp);
        return false;
    }
    qiv_push(qiv, name, qobj, obj);
    if (obj) {
        *obj = g_malloc0(size);
    }
    return true;
}

static bool qiv_check_struct(Visitor *v, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackEntry *top = qiv_top(qiv);
    const QDict *d = qobject_to(QDict, top->obj);
    const QDictEntry *de;

    /* The first unvisited key in input order, for a stable message. */
    for (de = qdict_first(d); de; de = qdict_next(d, de)) {
        if (g_hash_table_contains(top->unvisited, qdict_entry_key(de))) {
            error_setg(errp, "Parameter '%s' is unexpected",
                       qiv_full_name(v, qdict_entry_key(de)));
            return false;
        }
    }
    return true;
}

static void qiv_end_struct(Visitor *v, void **obj)
{
    qiv_pop(to_qiv(v));
}

static bool qiv_start_list(Visitor *v, const char *name, GenericList **list, size_t size,
                           Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj;

    if (list) {
        *list = NULL;
    }
    qobj = qiv_get_required(qiv, name, errp);
    if (!qobj) {
        return false;
    }
    if (qobject_type(qobj) != QTYPE_QLIST) {
        qiv_type_error(qiv, name, "array", errp);
        return false;
    }
    qiv_push(qiv, name, qobj, list);
    if (list && !qlist_empty(qobject_to(QList, qobj))) {
        *list = g_malloc0(size);
    }
    return true;
}

static GenericList *qiv_next_list(Visitor *v, GenericList *tail, size_t size)
{
    StackEntry *top = qiv_top(to_qiv(v));

    if (!top->entry) {
        return NULL;
    }
    tail->next = g_malloc0(size);
    return tail->next;
}

static bool qiv_check_list(Visitor *v, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackEntry *top = qiv_top(qiv);

    if (top->entry) {
        error_setg(errp, "Only %d list elements expected in %s", top->index + 1,
                   top->name ? top->name : "null");
        return false;
    }
    return true;
}

static void qiv_end_list(Visitor *v, void **obj)
{
    qiv_pop(to_qiv(v));
}

static bool qiv_start_alternate(Visitor *v, const char *name, GenericAlternate **obj,
                                size_t size, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qiv_get(qiv, name, false);

    *obj = NULL;
    if (!qobj) {
        error_setg(errp, "Parameter '%s' is missing", qiv_full_name(v, name));
        return false;
    }
    *obj = g_malloc0(size);
    (*obj)->type = qobject_type(qobj);
    return true;
}

/* Fetch a scalar member, reporting a missing one. */
static QObject *qiv_scalar(QObjectInputVisitor *qiv, const char *name, Error **errp)
{
    return qiv_get_required(qiv, name, errp);
}

static bool qiv_optional(Visitor *v, const char *name, bool *present)
{
    *present = qiv_get(to_qiv(v), name, false) != NULL;
    return *present;
}

static bool qiv_type_int64(Visitor *v, const char *name, int64_t *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qiv_scalar(qiv, name, errp);
    QNum *qn;

    if (!qobj) {
        return false;
    }
    qn = qobject_to(QNum, qobj);
    if (!qn || !qnum_get_try_int(qn, obj)) {
        qiv_type_error(qiv, name, "integer", errp);
        return false;
    }
    return true;
}

static bool qiv_type_uint64(Visitor *v, const char *name, uint64_t *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qiv_scalar(qiv, name, errp);
    QNum *qn;
    int64_t val;

    if (!qobj) {
        return false;
    }
    qn = qobject_to(QNum, qobj);
    if (qn && qnum_get_try_uint(qn, obj)) {
        return true;
    }
    /* Like QEMU: a negative integer is taken modulo 2^64. */
    if (qn && qnum_get_try_int(qn, &val)) {
        *obj = val;
        return true;
    }
    qiv_type_error(qiv, name, "integer", errp);
    return false;
}

static bool qiv_type_bool(Visitor *v, const char *name, bool *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qiv_scalar(qiv, name, errp);
    QBool *qb;

    if (!qobj) {
        return false;
    }
    qb = qobject_to(QBool, qobj);
    if (!qb) {
        qiv_type_error(qiv, name, "boolean", errp);
        return false;
    }
    *obj = qbool_get_bool(qb);
    return true;
}

static bool qiv_type_str(Visitor *v, const char *name, char **obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qiv_scalar(qiv, name, errp);
    QString *qs;

    *obj = NULL;
    if (!qobj) {
        return false;
    }
    qs = qobject_to(QString, qobj);
    if (!qs) {
        qiv_type_error(qiv, name, "string", errp);
        return false;
    }
    *obj = g_strdup(qstring_get_str(qs));
    return true;
}

static bool qiv_type_number(Visitor *v, const char *name, double *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qiv_scalar(qiv, name, errp);
    QNum *qn;

    if (!qobj) {
        return false;
    }
    qn = qobject_to(QNum, qobj);
    if (!qn) {
        qiv_type_error(qiv, name, "number", errp);
        return false;
    }
    *obj = qnum_get_double(qn);
    return true;
}

static bool qiv_type_any(Visitor *v, const char *name, QObject **obj, Error **errp)
{
    QObject *qobj = qiv_scalar(to_qiv(v), name, errp);

    *obj = NULL;
    if (!qobj) {
        return false;
    }
    *obj = qobject_ref(qobj);
    return true;
}

static bool qiv_type_null(Visitor *v, const char *name, QNull **obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qiv_scalar(qiv, name, errp);

    *obj = NULL;
    if (!qobj) {
        return false;
    }
    if (qobject_type(qobj) != QTYPE_QNULL) {
        qiv_type_error(qiv, name, "null", errp);
        return false;
    }
    *obj = qnull();
    return true;
}

static void qiv_free(Visitor *v)
{
    QObjectInputVisitor *qiv = to_qiv(v);

    while (qiv->stack->len) {
        qiv_pop(qiv);
    }
    g_array_free(qiv->stack, true);
    g_string_free(qiv->name_buf, true);
    qobject_unref(qiv->root);
    g_free(qiv);
}

Visitor *qobject_input_visitor_new(QObject *obj)
{
    QObjectInputVisitor *qiv = g_new0(QObjectInputVisitor, 1);

    qiv->visitor.type = VISITOR_INPUT;
    qiv->visitor.start_struct = qiv_start_struct;
    qiv->visitor.check_struct = qiv_check_struct;
    qiv->visitor.end_struct = qiv_end_struct;
    qiv->visitor.start_list = qiv_start_list;
    qiv->visitor.next_list = qiv_next_list;
    qiv->visitor.check_list = qiv_check_list;
    qiv->visitor.end_list = qiv_end_list;
    qiv->visitor.start_alternate = qiv_start_alternate;
    qiv->visitor.optional = qiv_optional;
    qiv->visitor.type_int64 = qiv_type_int64;
    qiv->visitor.type_uint64 = qiv_type_uint64;
    qiv->visitor.type_bool = qiv_type_bool;
    qiv->visitor.type_str = qiv_type_str;
    qiv->visitor.type_number = qiv_type_number;
    qiv->visitor.type_any = qiv_type_any;
    qiv->visitor.type_null = qiv_type_null;
    qiv->visitor.full_name = qiv_full_name;
    qiv->visitor.free = qiv_free;
    qiv->root = qobject_ref(obj);
    qiv->stack = g_array_new(false, true, sizeof(StackEntry));
    qiv->name_buf = g_string_new(NULL);
    return &qiv->visitor;
}
