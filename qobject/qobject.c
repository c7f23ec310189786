/*
 * qobject.c: reference counting, checked casts and deep equality shared
 * by all QObject value types. Each type's own operations live in its file.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qobject-internal.h"

/*
 * Atomic counts because values cross threads (a monitor I/O thread parses
 * a command that the main loop runs), and qnull() is shared by everyone.
 */
void qobject_ref_impl(QObject *obj)
{
    if (obj) {
        __atomic_fetch_add(&obj->base.refcnt, 1, __ATOMIC_RELAXED);
    }
}

static void qobject_destroy(QObject *obj)
{
    switch (obj->base.type) {
    case QTYPE_QBOOL:
        qbool_destroy_obj(obj);
        break;
    case QTYPE_QNUM:
        qnum_destroy_obj(obj);
        break;
    case QTYPE_QSTRING:
        qstring_destroy_obj(obj);
        break;
    case QTYPE_QLIST:
        qlist_destroy_obj(obj);
        break;
    case QTYPE_QDICT:
        qdict_destroy_obj(obj);
        break;
    default:
        /* The null singleton is static: reaching zero is an unref too many. */
        fprintf(stderr, "qobject: bad unref of a type %d object\n",
                obj->base.type);
        abort();
    }
}

void qobject_unref_impl(QObject *obj)
{
    if (obj &&
        __atomic_sub_fetch(&obj->base.refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
        qobject_destroy(obj);
    }
}

QObject *qobject_check_type(const QObject *obj, QType type)
{
    if (!obj || obj->base.type != type) {
        return NULL;
    }
    return (QObject *)obj;
}

bool qobject_is_equal(const QObject *x, const QObject *y)
{
    if (x == y) {
        return true;
    }
    if (!x || !y || x->base.type != y->base.type) {
        return false;
    }
    switch (x->base.type) {
    case QTYPE_QNULL:
        return true;
    case QTYPE_QBOOL:
        return qbool_get_bool(qobject_to(QBool, x)) ==
               qbool_get_bool(qobject_to(QBool, y));
    case QTYPE_QNUM:
        return qnum_is_equal(x, y);
    case QTYPE_QSTRING:
        return qstring_is_equal(x, y);
    case QTYPE_QLIST:
        return qlist_is_equal(x, y);
    case QTYPE_QDICT:
        return qdict_is_equal(x, y);
    default:
        return false;
    }
}
