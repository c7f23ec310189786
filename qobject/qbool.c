/*
 * qbool.c: the JSON true/false value.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject-internal.h"

QBool *qbool_from_bool(bool value)
{
    QBool *qb = g_new(QBool, 1);

    qobject_init((QObject *)qb, QTYPE_QBOOL);
    qb->value = value;
    return qb;
}

bool qbool_get_bool(const QBool *qb)
{
    return qb->value;
}

void qbool_destroy_obj(QObject *obj)
{
    g_free(obj);
}
