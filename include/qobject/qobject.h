/*
 * qobject.h: the base of Keel's reference-counted value types (QNull, QBool,
 * QNum, QString, QList, QDict), as used by QMP and the JSON parser/writer.
 * This is not an object model for devices (that is qom/); values here are
 * plain data with a type tag.
 */
#ifndef QOBJECT_QOBJECT_H
#define QOBJECT_QOBJECT_H

typedef enum QType {
    QTYPE_NONE,
    QTYPE_QNULL,
    QTYPE_QNUM,
    QTYPE_QSTRING,
    QTYPE_QDICT,
    QTYPE_QLIST,
    QTYPE_QBOOL,
    QTYPE__MAX,
} QType;

/* Every value type embeds this as its first member, named "base". */
typedef struct QObjectBase {
    QType type;
    size_t refcnt;
} QObjectBase;

typedef struct QObject {
    QObjectBase base;
} QObject;

typedef struct QNull QNull;
typedef struct QBool QBool;
typedef struct QNum QNum;
typedef struct QString QString;
typedef struct QList QList;
typedef struct QDict QDict;

/* Tags that let qobject_to() map a type name to its QType. */
#define QTYPE_CAST_TO_QNull QTYPE_QNULL
#define QTYPE_CAST_TO_QBool QTYPE_QBOOL
#define QTYPE_CAST_TO_QNum QTYPE_QNUM
#define QTYPE_CAST_TO_QString QTYPE_QSTRING
#define QTYPE_CAST_TO_QList QTYPE_QLIST
#define QTYPE_CAST_TO_QDict QTYPE_QDICT

/* QOBJECT(x): any value pointer (or NULL) as a QObject pointer. */
#define QOBJECT(x) ({                                   \
    __typeof__(x) qobj_x_ = (x);                        \
    qobj_x_ ? (QObject *)&qobj_x_->base : NULL;         \
})

/* Internal: use the qobject_ref()/qobject_unref()/qobject_to() macros. */
void qobject_ref_impl(QObject *obj);
void qobject_unref_impl(QObject *obj);
QObject *qobject_check_type(const QObject *obj, QType type);

/*
 * qobject_ref: take a reference to @obj (any value type, may be NULL);
 * evaluates to @obj with its own type.
 */
#define qobject_ref(obj) ({                             \
    __typeof__(obj) qobj_r_ = (obj);                    \
    qobject_ref_impl(QOBJECT(qobj_r_));                 \
    qobj_r_;                                            \
})

/* qobject_unref: drop a reference to @obj (may be NULL); frees at zero. */
#define qobject_unref(obj) qobject_unref_impl(QOBJECT(obj))

/*
 * qobject_to: cast QObject *@obj to "type *" (QDict, QList, ...); NULL if
 * @obj is NULL or holds another type. Takes no reference.
 */
#define qobject_to(type, obj) \
    ((type *)qobject_check_type((obj), QTYPE_CAST_TO_##type))

/* qobject_type: the type tag of @obj (which must not be NULL). */
static inline QType qobject_type(const QObject *obj)
{
    return obj->base.type;
}

/*
 * qobject_is_equal: deep comparison. Numbers compare by mathematical
 * value (1, 1u and 1.0 are equal); dicts compare regardless of key order;
 * lists in order. Two NULLs are equal; NULL never equals a value.
 */
bool qobject_is_equal(const QObject *x, const QObject *y);

#endif
