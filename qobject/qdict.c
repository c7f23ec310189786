/*
 * qdict.c: JSON objects. A GHashTable finds entries by key; the entries
 * also form a linked list in insertion order, which is the order in which
 * they are iterated and written out.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qobject-internal.h"

QDict *qdict_new(void)
{
    QDict *qdict = g_new0(QDict, 1);

    qobject_init((QObject *)qdict, QTYPE_QDICT);
    /* Keys are owned by the entries, which outlive their table slots. */
    qdict->table = g_hash_table_new(g_str_hash, g_str_equal);
    return qdict;
}

QDict *qdict_clone_shallow(const QDict *src)
{
    QDict *dst = qdict_new();
    const QDictEntry *e;

    for (e = src->first; e; e = e->next) {
        qdict_put_obj(dst, e->key, qobject_ref(e->value));
    }
    return dst;
}

size_t qdict_size(const QDict *qdict)
{
    return qdict->size;
}

static QDictEntry *qdict_find(const QDict *qdict, const char *key)
{
    return g_hash_table_lookup(qdict->table, key);
}

void qdict_put_obj(QDict *qdict, const char *key, QObject *value)
{
    QDictEntry *e = qdict_find(qdict, key);

    if (e) {
        qobject_unref(e->value);
        e->value = value;
        return;
    }
    e = g_new(QDictEntry, 1);
    e->key = g_strdup(key);
    e->value = value;
    e->next = NULL;
    e->prev = qdict->last;
    if (qdict->last) {
        qdict->last->next = e;
    } else {
        qdict->first = e;
    }
    qdict->last = e;
    qdict->size++;
    g_hash_table_insert(qdict->table, e->key, e);
}

void qdict_put_int(QDict *qdict, const char *key, int64_t value)
{
    qdict_put(qdict, key, qnum_from_int(value));
}

void qdict_put_uint(QDict *qdict, const char *key, uint64_t value)
{
    qdict_put(qdict, key, qnum_from_uint(value));
}

void qdict_put_double(QDict *qdict, const char *key, double value)
{
    qdict_put(qdict, key, qnum_from_double(value));
}

void qdict_put_bool(QDict *qdict, const char *key, bool value)
{
    qdict_put(qdict, key, qbool_from_bool(value));
}

void qdict_put_str(QDict *qdict, const char *key, const char *value)
{
    qdict_put(qdict, key, qstring_from_str(value));
}

void qdict_put_null(QDict *qdict, const char *key)
{
    qdict_put(qdict, key, qnull());
}

QObject *qdict_get(const QDict *qdict, const char *key)
{
    QDictEntry *e = qdict_find(qdict, key);

    return e ? e->value : NULL;
}

bool qdict_haskey(const QDict *qdict, const char *key)
{
    return qdict_find(qdict, key) != NULL;
}

static void qdict_entry_free(QDictEntry *e)
{
    qobject_unref(e->value);
    g_free(e->key);
    g_free(e);
}

void qdict_del(QDict *qdict, const char *key)
{
    QDictEntry *e = qdict_find(qdict, key);

    if (!e) {
        return;
    }
    g_hash_table_remove(qdict->table, e->key);
    if (e->prev) {
        e->prev->next = e->next;
    } else {
        qdict->first = e->next;
    }
    if (e->next) {
        e->next->prev = e->prev;
    } else {
        qdict->last = e->prev;
    }
    qdict->size--;
    qdict_entry_free(e);
}

int64_t qdict_get_int(const QDict *qdict, const char *key)
{
    QNum *qn = qobject_to(QNum, qdict_get(qdict, key));

    assert(qn);
    return qnum_get_int(qn);
}

double qdict_get_double(const QDict *qdict, const char *key)
{
    QNum *qn = qobject_to(QNum, qdict_get(qdict, key));

    assert(qn);
    return qnum_get_double(qn);
}

bool qdict_get_bool(const QDict *qdict, const char *key)
{
    QBool *qb = qobject_to(QBool, qdict_get(qdict, key));

    assert(qb);
    return qbool_get_bool(qb);
}

const char *qdict_get_str(const QDict *qdict, const char *key)
{
    QString *qs = qobject_to(QString, qdict_get(qdict, key));

    assert(qs);
    return qstring_get_str(qs);
}

QDict *qdict_get_qdict(const QDict *qdict, const char *key)
{
    return qobject_to(QDict, qdict_get(qdict, key));
}

QList *qdict_get_qlist(const QDict *qdict, const char *key)
{
    return qobject_to(QList, qdict_get(qdict, key));
}

int64_t qdict_get_try_int(const QDict *qdict, const char *key, int64_t def)
{
    QNum *qn = qobject_to(QNum, qdict_get(qdict, key));
    int64_t val;

    if (!qn || !qnum_get_try_int(qn, &val)) {
        return def;
    }
    return val;
}

bool qdict_get_try_bool(const QDict *qdict, const char *key, bool def)
{
    QBool *qb = qobject_to(QBool, qdict_get(qdict, key));

    return qb ? qbool_get_bool(qb) : def;
}

const char *qdict_get_try_str(const QDict *qdict, const char *key)
{
    QString *qs = qobject_to(QString, qdict_get(qdict, key));

    return qs ? qstring_get_str(qs) : NULL;
}

const QDictEntry *qdict_first(const QDict *qdict)
{
    return qdict->first;
}

const QDictEntry *qdict_next(const QDict *qdict, const QDictEntry *entry)
{
    return entry->next;
}

bool qdict_is_equal(const QObject *x, const QObject *y)
{
    const QDict *a = qobject_to(QDict, x);
    const QDict *b = qobject_to(QDict, y);
    const QDictEntry *e;

    if (!a || !b || a->size != b->size) {
        return false;
    }
    for (e = a->first; e; e = e->next) {
        QDictEntry *other = qdict_find(b, e->key);

        if (!other || !qobject_is_equal(e->value, other->value)) {
            return false;
        }
    }
    return true;
}

void qdict_destroy_obj(QObject *obj)
{
    QDict *qdict = (QDict *)obj;
    QDictEntry *e, *next;

    g_hash_table_destroy(qdict->table);
    for (e = qdict->first; e; e = next) {
        next = e->next;
        qdict_entry_free(e);
    }
    g_free(qdict);
}
