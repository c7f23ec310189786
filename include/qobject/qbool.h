/*
 * qbool.h: the JSON true/false value.
 */
#ifndef QOBJECT_QBOOL_H
#define QOBJECT_QBOOL_H

#include "qobject/qobject.h"

struct QBool {
    QObjectBase base;
    bool value;
};

/* qbool_from_bool: a new QBool (refcount 1). */
QBool *qbool_from_bool(bool value);
/* qbool_get_bool: the value of @qb. */
bool qbool_get_bool(const QBool *qb);

static inline void qobject_unref_qbool(QBool *b)
{
    qobject_unref(b);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QBool, qobject_unref_qbool)

#endif
