/*
 * test-qobject.c: unit tests for the QObject value types: reference
 * counts, checked casts, numbers, strings, lists, dicts (insertion order)
 * and deep equality. JSON has its own test programs.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static void test_refcount(void)
{
    QString *s = qstring_from_str("x");
    QString *r;

    g_assert_cmpuint(s->base.refcnt, ==, 1);
    r = qobject_ref(s);
    g_assert(r == s);
    g_assert_cmpuint(s->base.refcnt, ==, 2);
    qobject_unref(s);
    g_assert_cmpuint(s->base.refcnt, ==, 1);
    qobject_unref(s);

    /* NULL is accepted by both */
    s = NULL;
    g_assert(qobject_ref(s) == NULL);
    qobject_unref(s);
}

static void test_null_singleton(void)
{
    QNull *a = qnull();
    QNull *b = qnull();

    g_assert(a == b);
    g_assert(a == &qnull_);
    g_assert_cmpint(qobject_type(QOBJECT(a)), ==, QTYPE_QNULL);
    qobject_unref(a);
    qobject_unref(b);
    /* still alive: the singleton's own reference remains */
    g_assert_cmpuint(qnull_.base.refcnt, >=, 1);
}

static void test_casts(void)
{
    QObject *obj = QOBJECT(qbool_from_bool(true));

    g_assert(qobject_to(QBool, obj));
    g_assert(qbool_get_bool(qobject_to(QBool, obj)));
    g_assert_null(qobject_to(QDict, obj));
    g_assert_null(qobject_to(QString, obj));
    g_assert_null(qobject_to(QNum, obj));
    g_assert_null(qobject_to(QList, NULL));
    qobject_unref(obj);
}

static void test_qnum_int(void)
{
    g_autoptr(QNum) n = qnum_from_int(-42);
    int64_t i;
    uint64_t u;

    g_assert(qnum_get_try_int(n, &i));
    g_assert_cmpint(i, ==, -42);
    g_assert(!qnum_get_try_uint(n, &u));
    g_assert_cmpfloat(qnum_get_double(n), ==, -42.0);
    g_assert_cmpint(qnum_get_int(n), ==, -42);
}

static void test_qnum_uint(void)
{
    g_autoptr(QNum) big = qnum_from_uint(UINT64_MAX);
    g_autoptr(QNum) small = qnum_from_uint(7);
    int64_t i;
    uint64_t u;

    /* QEMU: a uint64 above INT64_MAX is not an int */
    g_assert(!qnum_get_try_int(big, &i));
    g_assert(qnum_get_try_uint(big, &u));
    g_assert_cmpuint(u, ==, UINT64_MAX);
    g_assert(qnum_get_try_int(small, &i));
    g_assert_cmpint(i, ==, 7);
    g_assert_cmpfloat(qnum_get_double(big), ==, 18446744073709551615.0);
}

static void test_qnum_double(void)
{
    g_autoptr(QNum) d = qnum_from_double(1.5);
    g_autoptr(QNum) whole = qnum_from_double(2.0);
    int64_t i;
    uint64_t u;

    g_assert(!qnum_get_try_int(d, &i));
    g_assert(!qnum_get_try_uint(d, &u));
    /* a double is never an int, even an integral one */
    g_assert(!qnum_get_try_int(whole, &i));
    g_assert_cmpfloat(qnum_get_double(d), ==, 1.5);
}

static void test_qnum_to_string(void)
{
    static const struct {
        double d;
        const char *s;
    } cases[] = {
        { 1.0, "1.0" }, { 0.1, "0.1" }, { -2.5, "-2.5" }, { 1e300, "1e+300" },
        { -0.0, "-0.0" }, { 32.43, "32.43" }, { 1.0 / 3, "0.3333333333333333" },
        { 18446744073709551616.0, "1.8446744073709552e+19" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(QNum) n = qnum_from_double(cases[i].d);
        g_autofree char *s = qnum_to_string(n);

        g_assert_cmpstr(s, ==, cases[i].s);
        g_assert(g_ascii_strtod(s, NULL) == cases[i].d);
    }

    g_autoptr(QNum) inf = qnum_from_double(INFINITY);
    g_autofree char *s = qnum_to_string(inf);
    g_assert_cmpstr(s, ==, "null");

    g_autoptr(QNum) i = qnum_from_int(INT64_MIN);
    g_autofree char *si = qnum_to_string(i);
    g_assert_cmpstr(si, ==, "-9223372036854775808");
}

static void test_qstring(void)
{
    g_autoptr(QString) s = qstring_new();
    g_autoptr(QString) sub = qstring_from_substr("hello world", 6, 11);

    g_assert_cmpstr(qstring_get_str(s), ==, "");
    qstring_append(s, "abc");
    qstring_append_chr(s, '-');
    qstring_append_int(s, -12);
    g_assert_cmpstr(qstring_get_str(s), ==, "abc--12");
    g_assert_cmpuint(qstring_get_length(s), ==, 7);
    g_assert_cmpstr(qstring_get_str(sub), ==, "world");
}

static void test_qlist(void)
{
    g_autoptr(QList) l = qlist_new();
    QListEntry *e;
    QObject *o;
    int n = 0;

    g_assert(qlist_empty(l));
    g_assert_null(qlist_pop(l));
    g_assert_null(qlist_peek(l));
    qlist_append_int(l, 1);
    qlist_append_str(l, "two");
    qlist_append_bool(l, true);
    qlist_append_null(l);
    qlist_append(l, qlist_new());
    g_assert_cmpuint(qlist_size(l), ==, 5);

    QLIST_FOREACH_ENTRY(l, e) {
        n++;
    }
    g_assert_cmpint(n, ==, 5);

    o = qlist_peek(l);
    g_assert_cmpint(qnum_get_int(qobject_to(QNum, o)), ==, 1);
    o = qlist_pop(l);
    g_assert_cmpint(qnum_get_int(qobject_to(QNum, o)), ==, 1);
    qobject_unref(o);
    o = qlist_pop(l);
    g_assert_cmpstr(qstring_get_str(qobject_to(QString, o)), ==, "two");
    qobject_unref(o);
    g_assert_cmpuint(qlist_size(l), ==, 3);
    e = qlist_first(l);
    g_assert(qobject_to(QBool, qlist_entry_obj(e)));
    g_assert(qobject_to(QNull, qlist_entry_obj(qlist_next(e))));

    /* pop until empty, then the list still works */
    while ((o = qlist_pop(l))) {
        qobject_unref(o);
    }
    g_assert(qlist_empty(l));
    qlist_append_int(l, 9);
    g_assert_cmpuint(qlist_size(l), ==, 1);
}

static void test_qlist_copy_shares(void)
{
    g_autoptr(QList) l = qlist_new();
    QString *s = qstring_from_str("shared");

    qlist_append(l, s);
    g_autoptr(QList) c = qlist_copy(l);
    g_assert(qlist_peek(c) == QOBJECT(s));
    g_assert_cmpuint(s->base.refcnt, ==, 2);
}

static void test_qdict_basic(void)
{
    g_autoptr(QDict) d = qdict_new();

    qdict_put_int(d, "i", -5);
    qdict_put_str(d, "s", "str");
    qdict_put_bool(d, "b", true);
    qdict_put_null(d, "n");
    qdict_put(d, "sub", qdict_new());
    qdict_put(d, "list", qlist_new());
    qdict_put_uint(d, "u", UINT64_MAX);
    qdict_put_double(d, "f", 0.5);

    g_assert_cmpuint(qdict_size(d), ==, 8);
    g_assert_cmpint(qdict_get_int(d, "i"), ==, -5);
    g_assert_cmpstr(qdict_get_str(d, "s"), ==, "str");
    g_assert(qdict_get_bool(d, "b"));
    g_assert(qobject_to(QNull, qdict_get(d, "n")));
    g_assert(qdict_get_qdict(d, "sub"));
    g_assert(qdict_get_qlist(d, "list"));
    g_assert_cmpfloat(qdict_get_double(d, "f"), ==, 0.5);
    g_assert_cmpfloat(qdict_get_double(d, "i"), ==, -5.0);

    /* wrong type or missing: NULL / default, never a crash */
    g_assert_null(qdict_get_qdict(d, "list"));
    g_assert_null(qdict_get_qlist(d, "nope"));
    g_assert_null(qdict_get(d, "nope"));
    g_assert_null(qdict_get_try_str(d, "i"));
    g_assert_cmpstr(qdict_get_try_str(d, "s"), ==, "str");
    g_assert_cmpint(qdict_get_try_int(d, "s", 77), ==, 77);
    g_assert_cmpint(qdict_get_try_int(d, "u", 78), ==, 78);
    g_assert_cmpint(qdict_get_try_int(d, "i", 79), ==, -5);
    g_assert(qdict_get_try_bool(d, "nope", true));
    g_assert(!qdict_get_try_bool(d, "s", false));

    g_assert(qdict_haskey(d, "s"));
    qdict_del(d, "s");
    g_assert(!qdict_haskey(d, "s"));
    qdict_del(d, "s");
    g_assert_cmpuint(qdict_size(d), ==, 7);
}

static char *keys_of(const QDict *d)
{
    GString *s = g_string_new("");
    const QDictEntry *e;

    for (e = qdict_first(d); e; e = qdict_next(d, e)) {
        g_string_append(s, qdict_entry_key(e));
    }
    return g_string_free(s, false);
}

static void test_qdict_order(void)
{
    g_autoptr(QDict) d = qdict_new();
    g_autofree char *k1 = NULL, *k2 = NULL, *k3 = NULL;

    /* enough keys that hash order would differ from insertion order */
    for (char c = 'z'; c >= 'a'; c--) {
        char key[2] = { c, 0 };
        qdict_put_int(d, key, c);
    }
    k1 = keys_of(d);
    g_assert_cmpstr(k1, ==, "zyxwvutsrqponmlkjihgfedcba");

    /* replacing keeps the place; deleting and re-adding moves to the end */
    qdict_put_int(d, "m", 1000);
    qdict_del(d, "z");
    qdict_del(d, "a");
    qdict_del(d, "p");
    qdict_put_int(d, "p", 1);
    k2 = keys_of(d);
    g_assert_cmpstr(k2, ==, "yxwvutsrqonmlkjihgfedcbp");
    g_assert_cmpint(qdict_get_int(d, "m"), ==, 1000);

    /* delete while iterating, fetching the successor first */
    const QDictEntry *e = qdict_first(d), *next;
    for (; e; e = next) {
        next = qdict_next(d, e);
        if (qdict_get_int(d, qdict_entry_key(e)) % 2 == 0) {
            qdict_del(d, qdict_entry_key(e));
        }
    }
    k3 = keys_of(d);
    g_assert_cmpstr(k3, ==, "ywusqokigecp");
}

static void test_qdict_clone(void)
{
    g_autoptr(QDict) d = qdict_new();
    QList *inner = qlist_new();

    qdict_put_int(d, "b", 1);
    qdict_put(d, "a", inner);
    g_autoptr(QDict) c = qdict_clone_shallow(d);
    g_autofree char *k = keys_of(c);

    g_assert_cmpstr(k, ==, "ba");
    g_assert(qdict_get(c, "a") == QOBJECT(inner));
    g_assert_cmpuint(inner->base.refcnt, ==, 2);
    qdict_del(c, "a");
    g_assert(qdict_haskey(d, "a"));
    g_assert_cmpuint(inner->base.refcnt, ==, 1);
}

static void test_equal_numbers(void)
{
    QObject *i1 = QOBJECT(qnum_from_int(1));
    QObject *u1 = QOBJECT(qnum_from_uint(1));
    QObject *d1 = QOBJECT(qnum_from_double(1.0));
    QObject *d15 = QOBJECT(qnum_from_double(1.5));
    QObject *im1 = QOBJECT(qnum_from_int(-1));
    QObject *umax = QOBJECT(qnum_from_uint(UINT64_MAX));
    QObject *dmax = QOBJECT(qnum_from_double(0x1p64));
    QObject *big = QOBJECT(qnum_from_int((INT64_C(1) << 53) + 1));
    QObject *dbig = QOBJECT(qnum_from_double(0x1p53));

    g_assert(qobject_is_equal(i1, u1));
    g_assert(qobject_is_equal(u1, i1));
    g_assert(qobject_is_equal(i1, d1));
    g_assert(qobject_is_equal(d1, u1));
    g_assert(!qobject_is_equal(i1, d15));
    g_assert(!qobject_is_equal(im1, umax));
    /* 2^64 as a double is not UINT64_MAX, though converting would say so */
    g_assert(!qobject_is_equal(umax, dmax));
    /* 2^53 + 1 is not 2^53, though the double of one is the other */
    g_assert(!qobject_is_equal(big, dbig));

    qobject_unref(i1);
    qobject_unref(u1);
    qobject_unref(d1);
    qobject_unref(d15);
    qobject_unref(im1);
    qobject_unref(umax);
    qobject_unref(dmax);
    qobject_unref(big);
    qobject_unref(dbig);
}

static void test_equal_deep(void)
{
    g_autoptr(QDict) a = qdict_new();
    g_autoptr(QDict) b = qdict_new();
    QList *la = qlist_new(), *lb = qlist_new();

    qlist_append_int(la, 1);
    qlist_append_str(la, "x");
    qlist_append_int(lb, 1);
    qlist_append_str(lb, "x");
    qdict_put(a, "l", la);
    qdict_put_null(a, "n");
    /* other order: dicts are equal regardless of key order */
    qdict_put_null(b, "n");
    qdict_put(b, "l", lb);
    g_assert(qobject_is_equal(QOBJECT(a), QOBJECT(b)));

    qlist_append_bool(lb, false);
    g_assert(!qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qlist_append_bool(la, true);
    g_assert(!qobject_is_equal(QOBJECT(a), QOBJECT(b)));

    /* same size, different key */
    g_autoptr(QDict) c = qdict_new();
    g_autoptr(QDict) d = qdict_new();
    qdict_put_int(c, "x", 1);
    qdict_put_int(d, "y", 1);
    g_assert(!qobject_is_equal(QOBJECT(c), QOBJECT(d)));

    /* types differ */
    g_autoptr(QString) s = qstring_from_str("1");
    g_autoptr(QNum) n = qnum_from_int(1);
    g_assert(!qobject_is_equal(QOBJECT(s), QOBJECT(n)));
    g_assert(!qobject_is_equal(QOBJECT(s), NULL));
    g_assert(qobject_is_equal(NULL, NULL));

    /* list order matters */
    g_autoptr(QList) l1 = qlist_new();
    g_autoptr(QList) l2 = qlist_new();
    qlist_append_int(l1, 1);
    qlist_append_int(l1, 2);
    qlist_append_int(l2, 2);
    qlist_append_int(l2, 1);
    g_assert(!qobject_is_equal(QOBJECT(l1), QOBJECT(l2)));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qobject/refcount", test_refcount);
    g_test_add_func("/qobject/null", test_null_singleton);
    g_test_add_func("/qobject/casts", test_casts);
    g_test_add_func("/qobject/qnum/int", test_qnum_int);
    g_test_add_func("/qobject/qnum/uint", test_qnum_uint);
    g_test_add_func("/qobject/qnum/double", test_qnum_double);
    g_test_add_func("/qobject/qnum/to-string", test_qnum_to_string);
    g_test_add_func("/qobject/qstring", test_qstring);
    g_test_add_func("/qobject/qlist", test_qlist);
    g_test_add_func("/qobject/qlist/copy", test_qlist_copy_shares);
    g_test_add_func("/qobject/qdict/basic", test_qdict_basic);
    g_test_add_func("/qobject/qdict/order", test_qdict_order);
    g_test_add_func("/qobject/qdict/clone", test_qdict_clone);
    g_test_add_func("/qobject/equal/numbers", test_equal_numbers);
    g_test_add_func("/qobject/equal/deep", test_equal_deep);
    return g_test_run();
}
