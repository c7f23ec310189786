/*
 * qlist.h: a JSON array: an ordered list of values. A list owns one
 * reference to each element.
 */
#ifndef QOBJECT_QLIST_H
#define QOBJECT_QLIST_H

#include "qobject/qobject.h"

typedef struct QListEntry {
    QObject *value;
    struct QListEntry *next;
    struct QListEntry *prev;
} QListEntry;

struct QList {
    QObjectBase base;
    QListEntry *head;
    QListEntry *tail;
    size_t size;
};

/*
 * QLIST_FOREACH_ENTRY: iterate QListEntry *@var over @qlist; get the value
 * with qlist_entry_obj(). Do not change the list inside the loop.
 */
#define QLIST_FOREACH_ENTRY(qlist, var) \
    for ((var) = (qlist)->head; (var); (var) = (var)->next)

/* qlist_new: a new empty list (refcount 1). */
QList *qlist_new(void);
/* qlist_copy: a shallow copy: a new list referencing the same elements. */
QList *qlist_copy(const QList *src);

/* qlist_append_obj: append @obj, taking over the caller's reference. */
void qlist_append_obj(QList *qlist, QObject *obj);
/* qlist_append: qlist_append_obj() for any value type. */
#define qlist_append(qlist, obj) qlist_append_obj((qlist), QOBJECT(obj))
void qlist_append_int(QList *qlist, int64_t value);
void qlist_append_bool(QList *qlist, bool value);
void qlist_append_str(QList *qlist, const char *value);
void qlist_append_null(QList *qlist);

/* qlist_pop: remove the first element and return it (the caller now owns
 * the reference), or NULL if the list is empty. */
QObject *qlist_pop(QList *qlist);
/* qlist_peek: the first element (no reference taken), or NULL. */
QObject *qlist_peek(const QList *qlist);
size_t qlist_size(const QList *qlist);
bool qlist_empty(const QList *qlist);

/* Iteration without the macro: first entry, next entry (NULL at end). */
static inline QListEntry *qlist_first(const QList *qlist)
{
    return qlist->head;
}

static inline QListEntry *qlist_next(const QListEntry *entry)
{
    return entry->next;
}

static inline QObject *qlist_entry_obj(const QListEntry *entry)
{
    return entry->value;
}

/* qlist_is_equal: element-wise qobject_is_equal(), in order. */
bool qlist_is_equal(const QObject *x, const QObject *y);

static inline void qobject_unref_qlist(QList *l)
{
    qobject_unref(l);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QList, qobject_unref_qlist)

#endif
