/*
 * qnum.h: a JSON number, held as int64, uint64 or double. Integers keep
 * their exact value; only numbers written with a fraction or exponent, or
 * out of the 64-bit range, become doubles.
 */
#ifndef QOBJECT_QNUM_H
#define QOBJECT_QNUM_H

#include "qobject/qobject.h"

typedef enum QNumKind {
    QNUM_I64,
    QNUM_U64,
    QNUM_DOUBLE,
} QNumKind;

struct QNum {
    QObjectBase base;
    QNumKind kind;
    union {
        int64_t i64;
        uint64_t u64;
        double dbl;
    } u;
};

/* Constructors: a new QNum (refcount 1). */
QNum *qnum_from_int(int64_t value);
QNum *qnum_from_uint(uint64_t value);
QNum *qnum_from_double(double value);

/*
 * qnum_get_try_int: store the value in *@val and return true if it is an
 * integer representable as int64 (a uint64 above INT64_MAX or a double is
 * not); else return false.
 */
bool qnum_get_try_int(const QNum *qn, int64_t *val);
/* qnum_get_int: like qnum_get_try_int; the value must be representable. */
int64_t qnum_get_int(const QNum *qn);
/* qnum_get_try_uint: as qnum_get_try_int, for uint64 (no negatives). */
bool qnum_get_try_uint(const QNum *qn, uint64_t *val);
/* qnum_get_uint: like qnum_get_try_uint; the value must be representable. */
uint64_t qnum_get_uint(const QNum *qn);
/* qnum_get_double: the value as a double (any kind; integers may round). */
double qnum_get_double(const QNum *qn);

/*
 * qnum_to_string: the JSON text of @qn (caller frees). Doubles use the
 * shortest form that reads back to the same value and always contain '.'
 * or 'e'; non-finite doubles, which JSON cannot express, become "null".
 */
char *qnum_to_string(const QNum *qn);

/* qnum_is_equal: true if both are QNums with the same numeric value. */
bool qnum_is_equal(const QObject *x, const QObject *y);

static inline void qobject_unref_qnum(QNum *n)
{
    qobject_unref(n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QNum, qobject_unref_qnum)

#endif
