/*
 * qdict.h: a JSON object: string keys to values. Lookup is by hash;
 * iteration follows insertion order, so that QMP output reads in the order
 * the code built it. A dict owns one reference to each value.
 */
#ifndef QOBJECT_QDICT_H
#define QOBJECT_QDICT_H

#include "qobject/qobject.h"

typedef struct QDictEntry {
    char *key;
    QObject *value;
    struct QDictEntry *prev;
    struct QDictEntry *next;
} QDictEntry;

struct QDict {
    QObjectBase base;
    GHashTable *table;      /* key -> QDictEntry */
    QDictEntry *first;
    QDictEntry *last;
    size_t size;
};

/* qdict_new: a new empty dict (refcount 1). */
QDict *qdict_new(void);
/* qdict_clone_shallow: a new dict with the same keys (in the same order)
 * referencing the same values. */
QDict *qdict_clone_shallow(const QDict *src);

size_t qdict_size(const QDict *qdict);

/*
 * qdict_put_obj: set @key to @value, taking over the caller's reference.
 * Replacing an existing key keeps its place in the iteration order.
 */
void qdict_put_obj(QDict *qdict, const char *key, QObject *value);
/* qdict_put: qdict_put_obj() for any value type. */
#define qdict_put(qdict, key, obj) qdict_put_obj((qdict), (key), QOBJECT(obj))
void qdict_put_int(QDict *qdict, const char *key, int64_t value);
void qdict_put_uint(QDict *qdict, const char *key, uint64_t value);
void qdict_put_double(QDict *qdict, const char *key, double value);
void qdict_put_bool(QDict *qdict, const char *key, bool value);
void qdict_put_str(QDict *qdict, const char *key, const char *value);
void qdict_put_null(QDict *qdict, const char *key);

/* qdict_get: the value of @key (no reference taken), or NULL. */
QObject *qdict_get(const QDict *qdict, const char *key);
bool qdict_haskey(const QDict *qdict, const char *key);
/* qdict_del: remove @key (dropping the dict's reference); no-op if absent. */
void qdict_del(QDict *qdict, const char *key);

/*
 * Typed getters for values the caller knows are there: the key must exist
 * with the right type (a programming error otherwise; the program aborts).
 * Use the _try_ variants, or qobject_to() on qdict_get(), for values that
 * come from outside.
 */
int64_t qdict_get_int(const QDict *qdict, const char *key);
double qdict_get_double(const QDict *qdict, const char *key);
bool qdict_get_bool(const QDict *qdict, const char *key);
const char *qdict_get_str(const QDict *qdict, const char *key);

/* The value if @key holds one of that type, else NULL (no reference). */
QDict *qdict_get_qdict(const QDict *qdict, const char *key);
QList *qdict_get_qlist(const QDict *qdict, const char *key);

/* The value if @key holds one of that type (and range), else @def. */
int64_t qdict_get_try_int(const QDict *qdict, const char *key, int64_t def);
bool qdict_get_try_bool(const QDict *qdict, const char *key, bool def);
/* The string if @key holds a QString, else NULL. */
const char *qdict_get_try_str(const QDict *qdict, const char *key);

/*
 * Iteration in insertion order. It is safe to delete the current entry
 * when its successor was fetched first.
 */
const QDictEntry *qdict_first(const QDict *qdict);
const QDictEntry *qdict_next(const QDict *qdict, const QDictEntry *entry);

static inline const char *qdict_entry_key(const QDictEntry *entry)
{
    return entry->key;
}

static inline QObject *qdict_entry_value(const QDictEntry *entry)
{
    return entry->value;
}

/* qdict_is_equal: same keys, with qobject_is_equal() values. */
bool qdict_is_equal(const QObject *x, const QObject *y);

static inline void qobject_unref_qdict(QDict *d)
{
    qobject_unref(d);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QDict, qobject_unref_qdict)

#endif
