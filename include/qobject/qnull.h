/*
 * qnull.h: the JSON null value. There is one QNull, shared; qnull()
 * returns a new reference to it.
 */
#ifndef QOBJECT_QNULL_H
#define QOBJECT_QNULL_H

#include "qobject/qobject.h"

struct QNull {
    QObjectBase base;
};

extern QNull qnull_;

/* qnull: a new reference to the null singleton. */
static inline QNull *qnull(void)
{
    return qobject_ref(&qnull_);
}

static inline void qobject_unref_qnull(QNull *n)
{
    qobject_unref(n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QNull, qobject_unref_qnull)

#endif
