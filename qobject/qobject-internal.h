/*
 * qobject-internal.h: what the value types tell qobject.c, so that the
 * last qobject_unref() can free any of them. Not for use outside qobject/.
 */
#ifndef QOBJECT_INTERNAL_H
#define QOBJECT_INTERNAL_H

#include "qobject/qobject.h"

static inline void qobject_init(QObject *obj, QType type)
{
    obj->base.type = type;
    obj->base.refcnt = 1;
}

void qbool_destroy_obj(QObject *obj);
void qnum_destroy_obj(QObject *obj);
void qstring_destroy_obj(QObject *obj);
void qlist_destroy_obj(QObject *obj);
void qdict_destroy_obj(QObject *obj);

#endif
