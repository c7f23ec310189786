/*
 * qnum.c: JSON numbers. Integers stay exact in int64 or uint64; anything
 * else is a double. Conversions follow QEMU: a uint64 above INT64_MAX is
 * not an int, a negative int is not a uint, a double is neither.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qobject/qnum.h"
#include "qobject-internal.h"

static QNum *qnum_new(QNumKind kind)
{
    QNum *qn = g_new(QNum, 1);

    qobject_init((QObject *)qn, QTYPE_QNUM);
    qn->kind = kind;
    return qn;
}

QNum *qnum_from_int(int64_t value)
{
    QNum *qn = qnum_new(QNUM_I64);

    qn->u.i64 = value;
    return qn;
}

QNum *qnum_from_uint(uint64_t value)
{
    QNum *qn = qnum_new(QNUM_U64);

    qn->u.u64 = value;
    return qn;
}

QNum *qnum_from_double(double value)
{
    QNum *qn = qnum_new(QNUM_DOUBLE);

    qn->u.dbl = value;
    return qn;
}

bool qnum_get_try_int(const QNum *qn, int64_t *val)
{
    switch (qn->kind) {
    case QNUM_I64:
        *val = qn->u.i64;
        return true;
    case QNUM_U64:
        if (qn->u.u64 > INT64_MAX) {
            return false;
        }
        *val = (int64_t)qn->u.u64;
        return true;
    default:
        return false;
    }
}

int64_t qnum_get_int(const QNum *qn)
{
    int64_t val;
    bool ok = qnum_get_try_int(qn, &val);

    assert(ok);
    return val;
}

bool qnum_get_try_uint(const QNum *qn, uint64_t *val)
{
    switch (qn->kind) {
    case QNUM_I64:
        if (qn->u.i64 < 0) {
            return false;
        }
        *val = (uint64_t)qn->u.i64;
        return true;
    case QNUM_U64:
        *val = qn->u.u64;
        return true;
    default:
        return false;
    }
}

uint64_t qnum_get_uint(const QNum *qn)
{
    uint64_t val;
    bool ok = qnum_get_try_uint(qn, &val);

    assert(ok);
    return val;
}

double qnum_get_double(const QNum *qn)
{
    switch (qn->kind) {
    case QNUM_I64:
        return (double)qn->u.i64;
    case QNUM_U64:
        return (double)qn->u.u64;
    default:
        return qn->u.dbl;
    }
}

/*
 * QEMU prints "%.17g", which turns 0.1 into 0.10000000000000001 and 1.0
 * into 1 (an integer to the reader). We print the shortest digits that
 * read back to the same double and keep a '.' or an exponent, so that a
 * double stays a double across a round trip.
 */
static char *qnum_double_to_string(double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE + 4];
    char fmt[16];

    if (!isfinite(d)) {
        return g_strdup("null");
    }
    int prec;
    char *e;

    for (prec = 1; prec < 17; prec++) {
        snprintf(fmt, sizeof(fmt), "%%.%dg", prec);
        g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, fmt, d);
        if (g_ascii_strtod(buf, NULL) == d) {
            break;
        }
    }
    /* Few digits can mean an exponent where people expect 1000.0 */
    e = strchr(buf, 'e');
    if (e && atoi(e + 1) >= prec && atoi(e + 1) < 17) {
        prec = atoi(e + 1) + 1;
    }
    snprintf(fmt, sizeof(fmt), "%%.%dg", prec);
    g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, fmt, d);
    if (!strpbrk(buf, ".e")) {
        strcat(buf, ".0");
    }
    return g_strdup(buf);
}

char *qnum_to_string(const QNum *qn)
{
    switch (qn->kind) {
    case QNUM_I64:
        return g_strdup_printf("%" PRId64, qn->u.i64);
    case QNUM_U64:
        return g_strdup_printf("%" PRIu64, qn->u.u64);
    default:
        return qnum_double_to_string(qn->u.dbl);
    }
}

/* Exact comparison of an integer with a double: no rounding of either. */
static bool qnum_int_equals_double(const QNum *in, double d)
{
    if (!isfinite(d) || d != trunc(d)) {
        return false;
    }
    if (in->kind == QNUM_I64) {
        return d >= -0x1p63 && d < 0x1p63 && (int64_t)d == in->u.i64;
    }
    return d >= 0 && d < 0x1p64 && (uint64_t)d == in->u.u64;
}

bool qnum_is_equal(const QObject *x, const QObject *y)
{
    const QNum *a = qobject_to(QNum, x);
    const QNum *b = qobject_to(QNum, y);

    if (!a || !b) {
        return false;
    }
    if (a->kind == QNUM_DOUBLE && b->kind == QNUM_DOUBLE) {
        return a->u.dbl == b->u.dbl;
    }
    if (a->kind == QNUM_DOUBLE) {
        return qnum_int_equals_double(b, a->u.dbl);
    }
    if (b->kind == QNUM_DOUBLE) {
        return qnum_int_equals_double(a, b->u.dbl);
    }
    if (a->kind == b->kind) {
        return a->kind == QNUM_I64 ? a->u.i64 == b->u.i64
                                   : a->u.u64 == b->u.u64;
    }
    /* One signed, one unsigned: equal only if the signed one is >= 0. */
    if (a->kind == QNUM_I64) {
        return a->u.i64 >= 0 && (uint64_t)a->u.i64 == b->u.u64;
    }
    return b->u.i64 >= 0 && (uint64_t)b->u.i64 == a->u.u64;
}

void qnum_destroy_obj(QObject *obj)
{
    g_free(obj);
}
