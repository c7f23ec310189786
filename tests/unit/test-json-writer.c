/*
 * test-json-writer.c: unit tests for QObject -> JSON: QMP's exact compact
 * format, QEMU's pretty format, string escapes, doubles, and round trips
 * (parse, write, parse again: equal values).
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qobject/json.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static QDict *make_greeting(void)
{
    QDict *greeting = qdict_new();
    QDict *qmp = qdict_new();
    QDict *version = qdict_new();
    QDict *qemu = qdict_new();
    QList *caps = qlist_new();

    qdict_put_int(qemu, "micro", 0);
    qdict_put_int(qemu, "minor", 2);
    qdict_put_int(qemu, "major", 8);
    qdict_put(version, "qemu", qemu);
    qdict_put_str(version, "package", "");
    qdict_put(qmp, "version", version);
    qlist_append_str(caps, "oob");
    qdict_put(qmp, "capabilities", caps);
    qdict_put(greeting, "QMP", qmp);
    return greeting;
}

static void test_compact(void)
{
    g_autoptr(QDict) ret = qdict_new();
    g_autoptr(QDict) greeting = make_greeting();
    g_autoptr(QList) list = qlist_new();
    g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;

    qdict_put(ret, "return", qdict_new());
    s1 = qobject_to_json_str(QOBJECT(ret));
    g_assert_cmpstr(s1, ==, "{\"return\": {}}");

    s2 = qobject_to_json_str(QOBJECT(greeting));
    g_assert_cmpstr(s2, ==,
                    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, "
                    "\"minor\": 2, \"major\": 8}, \"package\": \"\"}, "
                    "\"capabilities\": [\"oob\"]}}");

    qlist_append_int(list, 1);
    qlist_append(list, qlist_new());
    qlist_append_bool(list, false);
    qlist_append_null(list);
    qlist_append(list, qnum_from_uint(UINT64_MAX));
    qlist_append(list, qnum_from_int(INT64_MIN));
    s3 = qobject_to_json_str(QOBJECT(list));
    g_assert_cmpstr(s3, ==, "[1, [], false, null, 18446744073709551615, "
                            "-9223372036854775808]");
}

static void test_pretty(void)
{
    g_autoptr(QDict) d = qdict_new();
    QList *l = qlist_new();
    QDict *inner = qdict_new();
    GString *out;

    qdict_put_int(d, "a", 1);
    qlist_append_int(l, 1);
    qlist_append(l, qdict_new());
    qlist_append(l, qlist_new());
    qdict_put(d, "b", l);
    qdict_put_str(inner, "k", "v");
    qdict_put(d, "c", inner);
    out = qobject_to_json_pretty(QOBJECT(d), true);
    /* QEMU's form: even an empty container gets its closing line */
    g_assert_cmpstr(out->str, ==,
                    "{\n"
                    "    \"a\": 1,\n"
                    "    \"b\": [\n"
                    "        1,\n"
                    "        {\n"
                    "        },\n"
                    "        [\n"
                    "        ]\n"
                    "    ],\n"
                    "    \"c\": {\n"
                    "        \"k\": \"v\"\n"
                    "    }\n"
                    "}");
    g_string_free(out, true);

    g_autoptr(QDict) empty = qdict_new();
    out = qobject_to_json_pretty(QOBJECT(empty), true);
    g_assert_cmpstr(out->str, ==, "{\n}");
    g_string_free(out, true);

    g_autoptr(QNum) n = qnum_from_int(5);
    out = qobject_to_json_pretty(QOBJECT(n), true);
    g_assert_cmpstr(out->str, ==, "5");
    g_string_free(out, true);
}

static void test_escapes(void)
{
    static const struct {
        const char *utf8;
        const char *json;
    } cases[] = {
        { "plain", "\"plain\"" },
        { "\"\\/", "\"\\\"\\\\/\"" },
        { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
        { "\x01\x1F\x7F", "\"\\u0001\\u001F\\u007F\"" },
        { "caf\xC3\xA9", "\"caf\\u00E9\"" },
        { "\xE2\x82\xAC", "\"\\u20AC\"" },
        { "\xF0\x9F\x98\x80", "\"\\uD83D\\uDE00\"" },
        { "\xF4\x8F\xBF\xBD", "\"\\uDBFF\\uDFFD\"" },
        { "a\xC0\x80" "b", "\"a\\u0000b\"" },
        /* invalid UTF-8 is replaced, one U+FFFD per bad sequence */
        { "\xFF", "\"\\uFFFD\"" },
        { "\x80\xBF", "\"\\uFFFD\\uFFFD\"" },
        { "\xE0\x80" "x", "\"\\uFFFDx\"" },
        { "\xC0\xAF", "\"\\uFFFD\"" },
        { "\xED\xA0\x80", "\"\\uFFFD\"" },
        { "\xF8\x88\x80\x80\x80", "\"\\uFFFD\"" },
        { "\xEF\xBF\xBF", "\"\\uFFFD\"" },
        { "'", "\"'\"" },
        { "", "\"\"" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(QString) s = qstring_from_str(cases[i].utf8);
        g_autofree char *out = qobject_to_json_str(QOBJECT(s));

        g_assert_cmpstr(out, ==, cases[i].json);

        /* valid strings come back unchanged */
        if (!strstr(cases[i].json, "FFFD")) {
            QObject *back = qobject_from_json(out, &error_abort);

            g_assert_cmpstr(qstring_get_str(qobject_to(QString, back)), ==,
                            cases[i].utf8);
            qobject_unref(back);
        }
    }

    g_autoptr(QDict) d = qdict_new();
    qdict_put_int(d, "k\"\xC3\xA9", 1);
    g_autofree char *out = qobject_to_json_str(QOBJECT(d));
    g_assert_cmpstr(out, ==, "{\"k\\\"\\u00E9\": 1}");
}

static void test_doubles(void)
{
    static const struct {
        double d;
        const char *json;
    } cases[] = {
        { 1.0, "1.0" }, { 0.0, "0.0" }, { -0.0, "-0.0" }, { 0.1, "0.1" },
        { 32.43, "32.43" }, { -32.12313, "-32.12313" }, { 1000.0, "1000.0" },
        { 1e16, "10000000000000000.0" }, { 1e17, "1e+17" }, { 1e300, "1e+300" },
        { 5e-324, "5e-324" }, { -3.22e-09, "-3.22e-09" },
        { 0.30000000000000004, "0.30000000000000004" },
        { INFINITY, "null" }, { -INFINITY, "null" }, { NAN, "null" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(QNum) n = qnum_from_double(cases[i].d);
        g_autofree char *out = qobject_to_json_str(QOBJECT(n));

        g_assert_cmpstr(out, ==, cases[i].json);
        if (isfinite(cases[i].d)) {
            QObject *back = qobject_from_json(out, &error_abort);
            QNum *bn = qobject_to(QNum, back);

            /* still a double, with exactly the same value and sign */
            g_assert(bn && bn->kind == QNUM_DOUBLE);
            g_assert(memcmp(&bn->u.dbl, &cases[i].d, sizeof(double)) == 0);
            qobject_unref(back);
        }
    }
}

static const char *const roundtrip_inputs[] = {
    "{}", "[]", "null", "true", "-0.5", "\"x\"",
    ("{\"execute\": \"query-block\", \"arguments\": {\"flat\": true}, "
     "\"id\": {\"tag\": [1, 2.5, \"three\", null, false]}}"),
    "[18446744073709551615, -9223372036854775808, 1e-300, 123456789.125]",
    "{'single': 'quoted \\'str\\'', 'u': '\\u00e9\\ud83d\\ude00\\u0000'}",
    "[[[[[[[[[[{\"deep\": [[[]]]}]]]]]]]]]]",
    "{\"\\n\\t\": \"\\\\\\\"\", \"\": {\"\": []}}",
    "{\"z\": 1, \"y\": 2, \"x\": 3, \"w\": 4, \"v\": 5, \"u\": 6}",
};

static void test_roundtrip(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(roundtrip_inputs); i++) {
        QObject *a = qobject_from_json(roundtrip_inputs[i], &error_abort);

        for (int pretty = 0; pretty <= 1; pretty++) {
            GString *out = qobject_to_json_pretty(a, pretty);
            QObject *b = qobject_from_json(out->str, &error_abort);
            GString *again = qobject_to_json_pretty(b, pretty);

            g_assert(qobject_is_equal(a, b));
            /* writing is deterministic, key order included */
            g_assert_cmpstr(out->str, ==, again->str);
            /* output is pure ASCII */
            for (const char *p = out->str; *p; p++) {
                g_assert_cmpint((unsigned char)*p, <, 0x80);
            }
            g_string_free(out, true);
            g_string_free(again, true);
            qobject_unref(b);
        }
        qobject_unref(a);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-writer/compact", test_compact);
    g_test_add_func("/json-writer/pretty", test_pretty);
    g_test_add_func("/json-writer/escapes", test_escapes);
    g_test_add_func("/json-writer/doubles", test_doubles);
    g_test_add_func("/json-writer/roundtrip", test_roundtrip);
    return g_test_run();
}
