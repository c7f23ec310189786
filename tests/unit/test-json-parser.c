/*
 * test-json-parser.c: unit tests for JSON text -> QObject through
 * qobject_from_json(): a table of valid inputs with the structure they
 * must produce, a table of malformed inputs that must fail with a clear
 * message, strings and escapes, number kinds, nesting limits.
 */
#include "qemu/osdep.h"
#include "qobject/json.h"
#include "qobject/json-parser.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

/*
 * Valid input and its value in canonical form (our compact output, whose
 * exact format test-json-writer checks on values built by hand).
 */
static const struct {
    const char *in;
    const char *canon;
} valid_cases[] = {
    { "{}", "{}" },
    { "[]", "[]" },
    { " \t\r\n{ } ", "{}" },
    { "{\"a\":1}", "{\"a\": 1}" },
    { "{\"a\" : 1 , \"b\" : [ 1 , 2 ] }", "{\"a\": 1, \"b\": [1, 2]}" },
    { "[1,[2,[3,[4]]]]", "[1, [2, [3, [4]]]]" },
    { "[{}, [], {\"x\": []}]", "[{}, [], {\"x\": []}]" },
    { "{\"execute\": \"qmp_capabilities\"}",
      "{\"execute\": \"qmp_capabilities\"}" },
    { "{'execute': 'query-status', 'id': 'x\\'1'}",
      "{\"execute\": \"query-status\", \"id\": \"x'1\"}" },
    { "['a', \"b\", 'c\"d']", "[\"a\", \"b\", \"c\\\"d\"]" },
    { "[true, false, null]", "[true, false, null]" },
    { "true", "true" },
    { "null", "null" },
    { "\"top\"", "\"top\"" },
    { "0", "0" },
    { "-0", "0" },
    { "-1", "-1" },
    { "9223372036854775807", "9223372036854775807" },
    { "-9223372036854775808", "-9223372036854775808" },
    { "9223372036854775808", "9223372036854775808" },
    { "18446744073709551615", "18446744073709551615" },
    { "18446744073709551616", "1.8446744073709552e+19" },
    { "-9223372036854775809", "-9.223372036854776e+18" },
    { "1.5", "1.5" },
    { "-0.0", "-0.0" },
    { "1e3", "1000.0" },
    { "1E-2", "0.01" },
    { "2.5e+2", "250.0" },
    { "1e-400", "0.0" },
    { "{\"a\": {\"b\": {\"c\": [null]}}}", "{\"a\": {\"b\": {\"c\": [null]}}}" },
    { "{\"z\": 1, \"a\": 2, \"m\": 3}", "{\"z\": 1, \"a\": 2, \"m\": 3}" },
    { "[\"\\u00e9\", \"\xC3\xA9\"]", "[\"\\u00E9\", \"\\u00E9\"]" },
    { "{\"\": \"\"}", "{\"\": \"\"}" },
    { "[\"\\/\"]", "[\"/\"]" },
};

static void test_valid(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(valid_cases); i++) {
        Error *err = NULL;
        QObject *obj = qobject_from_json(valid_cases[i].in, &err);

        if (!obj) {
            g_test_message("'%s': %s", valid_cases[i].in,
                           error_get_pretty(err));
        }
        g_assert(obj);
        g_assert_null(err);
        g_autofree char *out = qobject_to_json_str(obj);
        g_assert_cmpstr(out, ==, valid_cases[i].canon);
        qobject_unref(obj);
    }
}

/* Malformed input and a piece of the message it must produce. */
static const struct {
    const char *in;
    const char *msg;
} invalid_cases[] = {
    /* empty, truncated, unbalanced */
    { "", "Expecting a JSON value" },
    { " \n ", "Expecting a JSON value" },
    { "{", "premature EOI" },
    { "[1, 2", "premature EOI" },
    { "{\"a\": 1", "premature EOI" },
    { "{\"a\":", "premature EOI" },
    { "[", "premature EOI" },
    { "]", "expecting value" },
    { "}", "expecting value" },
    { "[1}", "expected separator in list" },
    { "{\"a\": 1]", "expected separator in dict" },
    /* separators */
    { "[1 2]", "expected separator in list" },
    { "[1,]", "expecting value" },
    { "[,1]", "expecting value" },
    { "[1,,2]", "expecting value" },
    { "{\"a\": 1,}", "key is not a string in object" },
    { "{,}", "key is not a string in object" },
    { "{\"a\" 1}", "missing : in object pair" },
    { "{\"a\"}", "missing : in object pair" },
    { "{\"a\":: 1}", "expecting value" },
    { "{\"a\": }", "expecting value" },
    { "{1: 2}", "key is not a string in object" },
    { "{null: 2}", "key is not a string in object" },
    { "{\"a\": 1 \"b\": 2}", "expected separator in dict" },
    { ":", "expecting value" },
    /* duplicate keys */
    { "{\"a\": 1, \"a\": 2}", "duplicate key 'a'" },
    { "{\"a\": 1, 'a': 1}", "duplicate key 'a'" },
    /* more than one value */
    { "1 2", "Expecting at most one JSON value" },
    { "{}{}", "Expecting at most one JSON value" },
    { "{} x", "Expecting at most one JSON value" },
    { "false true", "Expecting at most one JSON value" },
    /* keywords */
    { "nul", "invalid keyword 'nul'" },
    { "truer", "invalid keyword 'truer'" },
    { "True", "stray 'T'" },
    { "NaN", "stray 'N'" },
    { "Infinity", "stray 'I'" },
    { "undefined", "invalid keyword 'undefined'" },
    /* numbers */
    { "01", "invalid number '01'" },
    { "00", "invalid number '00'" },
    { "-01", "invalid number '-01'" },
    { "+1", "stray '+'" },
    { ".5", "stray '.'" },
    { "1.", "invalid number '1.'" },
    { "[1.]", "invalid number '1.]'" },
    { "1.e5", "invalid number '1.e'" },
    { "1e", "invalid number '1e'" },
    { "1e+", "invalid number '1e+'" },
    { "-", "invalid number '-'" },
    { "--1", "invalid number '--'" },
    { "0x10", "Expecting at most one JSON value" },
    { "1e400", "number '1e400' out of range" },
    { "-1e400", "number '-1e400' out of range" },
    /* strings */
    { "\"abc", "unterminated string" },
    { "'abc", "unterminated string" },
    { "\"abc\\\"", "unterminated string" },
    { "\"\\x41\"", "invalid escape sequence in string" },
    { "\"\\a\"", "invalid escape sequence in string" },
    { "\"\\U0041\"", "invalid escape sequence in string" },
    { "\"\\u12\"", "invalid hex escape sequence in string" },
    { "\"\\u12x4\"", "invalid hex escape sequence in string" },
    { "\"tab\there\"", "control character in string" },
    { "\"nl\nhere\"", "control character in string" },
    { "\"\x1F\"", "control character in string" },
    /* surrogates and noncharacters in escapes */
    { "\"\\uD800\"", "unpaired surrogate \\uD800" },
    { "\"\\uD800x\"", "unpaired surrogate \\uD800" },
    { "\"\\uD800\\uCAFE\"", "unpaired surrogate \\uD800" },
    { "\"\\uD800\\uD801\\uDC02\"", "unpaired surrogate \\uD800" },
    { "\"\\uDC00\"", "unpaired surrogate \\uDC00" },
    { "\"\\uDC00\\uD800\"", "unpaired surrogate \\uDC00" },
    { "\"\\uFDD0\"", "U+FDD0 is not a valid Unicode character" },
    { "\"\\uFFFF\"", "U+FFFF is not a valid Unicode character" },
    { "\"\\uD83F\\uDFFE\"", "U+1FFFE is not a valid Unicode character" },
    /* invalid UTF-8 */
    { "\"\x80\"", "invalid UTF-8 sequence in string" },
    { "\"\xBF\"", "invalid UTF-8 sequence in string" },
    { "\"\xC3\"", "invalid UTF-8 sequence in string" },
    { "\"\xC3 \"", "invalid UTF-8 sequence in string" },
    { "\"\xE2\x82\"", "invalid UTF-8 sequence in string" },
    { "\"\xF0\x9F\x98\"", "invalid UTF-8 sequence in string" },
    { "\"\xC0\xAF\"", "invalid UTF-8 sequence in string" },
    { "\"\xC1\xBF\"", "invalid UTF-8 sequence in string" },
    { "\"\xE0\x80\xAF\"", "invalid UTF-8 sequence in string" },
    { "\"\xE0\x9F\xBF\"", "invalid UTF-8 sequence in string" },
    { "\"\xF0\x80\x80\xAF\"", "invalid UTF-8 sequence in string" },
    { "\"\xE0\x80\x80\"", "invalid UTF-8 sequence in string" },
    { "\"\xED\xA0\x80\"", "invalid UTF-8 sequence in string" },
    { "\"\xED\xBF\xBF\"", "invalid UTF-8 sequence in string" },
    { "\"\xF4\x90\x80\x80\"", "invalid UTF-8 sequence in string" },
    { "\"\xF8\x88\x80\x80\x80\"", "invalid UTF-8 sequence in string" },
    { "\"\xFC\x84\x80\x80\x80\x80\"", "invalid UTF-8 sequence in string" },
    { "\"\xEF\xBF\xBE\"", "invalid UTF-8 sequence in string" },
    { "\"\xEF\xB7\x90\"", "invalid UTF-8 sequence in string" },
    /* junk */
    { "@", "stray '@'" },
    { "{\x01", "stray '\\x01'" },
    { "[0\xFF]", "stray '\\xFF'" },
    { "[1] @", "Expecting at most one JSON value" },
    { "/* c */ 1", "stray '/'" },
};

static void test_invalid(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(invalid_cases); i++) {
        Error *err = NULL;
        QObject *obj = qobject_from_json(invalid_cases[i].in, &err);

        if (obj || !err ||
            !strstr(error_get_pretty(err), invalid_cases[i].msg)) {
            g_test_message("case %zu '%s' -> '%s'", i, invalid_cases[i].in,
                           err ? error_get_pretty(err) : "no error");
        }
        g_assert_null(obj);
        g_assert(err);
        g_assert(strstr(error_get_pretty(err), invalid_cases[i].msg));
        /* one line, no raw control characters */
        for (const char *p = error_get_pretty(err); *p; p++) {
            g_assert_cmpint((unsigned char)*p, >=, 0x20);
        }
        error_free(err);
    }
    g_assert_cmpuint(ARRAY_SIZE(invalid_cases), >=, 40);
}

static void test_error_prefix(void)
{
    Error *err = NULL;

    g_assert_null(qobject_from_json("[1 2]", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "JSON parse error, expected separator in list");
    error_free(err);
    err = NULL;
    g_assert_null(qobject_from_json("{'a': @}", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "JSON parse error, stray '@'");
    error_free(err);
}

static void test_strings(void)
{
    static const struct {
        const char *in;
        const char *utf8;
    } cases[] = {
        { "\"\\b\\f\\n\\r\\t\\\\\\\"\\/\"", "\b\f\n\r\t\\\"/" },
        { "'\\''", "'" },
        { "\"\\'\"", "'" },
        { "'\"'", "\"" },
        { "\"\\u0041\\u00A2\\u20AC\"", "A\xC2\xA2\xE2\x82\xAC" },
        { "\"\\ud834\\udd1e\"", "\xF0\x9D\x84\x9E" },
        { "\"\\uDBFF\\uDFFD\"", "\xF4\x8F\xBF\xBD" },
        { "\"\\u12345\"", "\xE1\x88\xB4" "5" },
        /* U+0000 becomes C0 80, as in QEMU: a C string cannot hold NUL */
        { "\"\\u0000x\"", "\xC0\x80x" },
        { "\"\xC0\x80\"", "\xC0\x80" },
        { "\"\xF0\x90\x80\x80\"", "\xF0\x90\x80\x80" },
        { "\"\xEF\xBF\xBD\"", "\xEF\xBF\xBD" },
        { "\"\x7F\"", "\x7F" },
        { "\"100%\"", "100%" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        QObject *obj = qobject_from_json(cases[i].in, &error_abort);
        QString *s = qobject_to(QString, obj);

        g_assert(s);
        g_assert_cmpstr(qstring_get_str(s), ==, cases[i].utf8);
        qobject_unref(obj);
    }
}

static void test_number_kinds(void)
{
    QObject *obj;
    QNum *n;
    int64_t i;
    uint64_t u;

    obj = qobject_from_json("-42", &error_abort);
    n = qobject_to(QNum, obj);
    g_assert(n->kind == QNUM_I64 && qnum_get_try_int(n, &i) && i == -42);
    qobject_unref(obj);

    obj = qobject_from_json("9223372036854775808", &error_abort);
    n = qobject_to(QNum, obj);
    g_assert(n->kind == QNUM_U64 && !qnum_get_try_int(n, &i));
    g_assert(qnum_get_try_uint(n, &u) && u == (UINT64_C(1) << 63));
    qobject_unref(obj);

    obj = qobject_from_json("18446744073709551616", &error_abort);
    n = qobject_to(QNum, obj);
    g_assert(n->kind == QNUM_DOUBLE);
    g_assert_cmpfloat(qnum_get_double(n), ==, 0x1p64);
    qobject_unref(obj);

    obj = qobject_from_json("1.0", &error_abort);
    n = qobject_to(QNum, obj);
    g_assert(n->kind == QNUM_DOUBLE && !qnum_get_try_int(n, &i));
    qobject_unref(obj);

    obj = qobject_from_json("-32.20e-10", &error_abort);
    g_assert_cmpfloat(qnum_get_double(qobject_to(QNum, obj)), ==, -32.20e-10);
    qobject_unref(obj);
}

static void test_keywords(void)
{
    QObject *t = qobject_from_json("true", &error_abort);
    QObject *f = qobject_from_json(" false ", &error_abort);
    QObject *n = qobject_from_json("null", &error_abort);

    g_assert(qbool_get_bool(qobject_to(QBool, t)));
    g_assert(!qbool_get_bool(qobject_to(QBool, f)));
    g_assert(n == QOBJECT(&qnull_));
    qobject_unref(t);
    qobject_unref(f);
    qobject_unref(n);
}

static void test_dict_access(void)
{
    g_autoptr(QDict) d = qdict_from_json(
        "{\"execute\": \"blockdev-add\", \"arguments\": "
        "{\"node-name\": \"n0\", \"size\": 1048576, \"ro\": true}}",
        &error_abort);
    QDict *args = qdict_get_qdict(d, "arguments");

    g_assert_cmpstr(qdict_get_str(d, "execute"), ==, "blockdev-add");
    g_assert(args);
    g_assert_cmpint(qdict_get_int(args, "size"), ==, 1048576);
    g_assert(qdict_get_bool(args, "ro"));

    Error *err = NULL;
    g_assert_null(qdict_from_json("[1]", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "JSON object expected");
    error_free(err);
}

static char *make_nest(int depth)
{
    GString *s = g_string_new("");

    for (int i = 0; i < depth - 1; i++) {
        g_string_append_c(s, '[');
    }
    g_string_append(s, "{}");
    for (int i = 0; i < depth - 1; i++) {
        g_string_append_c(s, ']');
    }
    return g_string_free(s, false);
}

static void test_nesting(void)
{
    g_autofree char *ok = make_nest(JSON_MAX_NESTING);
    g_autofree char *deep = make_nest(JSON_MAX_NESTING + 1);
    g_autofree char *deeper = make_nest(100000);
    Error *err = NULL;
    QObject *obj;

    g_assert_cmpint(JSON_MAX_NESTING, ==, 1024);
    obj = qobject_from_json(ok, &error_abort);
    g_assert(obj);
    qobject_unref(obj);

    g_assert_null(qobject_from_json(deep, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "JSON nesting depth limit exceeded");
    error_free(err);
    err = NULL;
    g_assert_null(qobject_from_json(deeper, &err));
    g_assert(err);
    error_free(err);
}

/* The push parser on its own: tokens in, one value out. */
static void test_push_parser(void)
{
    static const struct {
        JSONTokenType type;
        const char *text;
    } toks[] = {
        { JSON_LCURLY, "{" }, { JSON_STRING, "\"k\"" }, { JSON_COLON, ":" },
        { JSON_LSQUARE, "[" }, { JSON_INTEGER, "1" }, { JSON_COMMA, "," },
        { JSON_KEYWORD, "null" }, { JSON_RSQUARE, "]" }, { JSON_RCURLY, "}" },
    };
    JSONParser parser;
    QObject *result = NULL;
    Error *err = NULL;

    json_parser_init(&parser, 4);
    for (size_t i = 0; i < ARRAY_SIZE(toks); i++) {
        JSONParserStatus st = json_parser_push(&parser, toks[i].type,
                                               toks[i].text,
                                               strlen(toks[i].text),
                                               &result, &error_abort);

        g_assert_cmpint(st, ==, i + 1 < ARRAY_SIZE(toks) ? JSON_PARSER_MORE
                                                        : JSON_PARSER_DONE);
        g_assert(json_parser_in_value(&parser) == (i + 1 < ARRAY_SIZE(toks)));
    }
    g_autofree char *out = qobject_to_json_str(result);
    g_assert_cmpstr(out, ==, "{\"k\": [1, null]}");
    qobject_unref(result);

    /* an error drops the partial value; the parser is ready again */
    json_parser_push(&parser, JSON_LSQUARE, "[", 1, &result, &error_abort);
    g_assert_cmpint(json_parser_push(&parser, JSON_COLON, ":", 1, &result,
                                     &err), ==, JSON_PARSER_ERROR);
    g_assert(!json_parser_in_value(&parser));
    error_free(err);
    g_assert_cmpint(json_parser_push(&parser, JSON_INTEGER, "5", 1, &result,
                                     &error_abort), ==, JSON_PARSER_DONE);
    qobject_unref(result);
    json_parser_destroy(&parser);
}

/* Large input: many keys and elements, parsed and freed without leaks. */
static void test_large(void)
{
    GString *s = g_string_new("{");
    QDict *d;

    for (int i = 0; i < 5000; i++) {
        g_string_append_printf(s, "%s\"key%d\": [%d, \"v%d\", {\"n\": %d.5}]",
                               i ? ", " : "", i, i, i, i);
    }
    g_string_append_c(s, '}');
    d = qdict_from_json(s->str, &error_abort);
    g_assert_cmpuint(qdict_size(d), ==, 5000);
    g_assert_cmpint(qnum_get_int(qobject_to(QNum,
                    qlist_peek(qdict_get_qlist(d, "key4321")))), ==, 4321);
    g_autofree char *out = qobject_to_json_str(QOBJECT(d));
    g_assert_cmpstr(out, ==, s->str);
    qobject_unref(d);
    g_string_free(s, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-parser/valid", test_valid);
    g_test_add_func("/json-parser/invalid", test_invalid);
    g_test_add_func("/json-parser/error-prefix", test_error_prefix);
    g_test_add_func("/json-parser/strings", test_strings);
    g_test_add_func("/json-parser/numbers", test_number_kinds);
    g_test_add_func("/json-parser/keywords", test_keywords);
    g_test_add_func("/json-parser/dict-access", test_dict_access);
    g_test_add_func("/json-parser/nesting", test_nesting);
    g_test_add_func("/json-parser/push", test_push_parser);
    g_test_add_func("/json-parser/large", test_large);
    return g_test_run();
}
