/*
 * test-qapi-visit.c: the generated types and visitors of the test schema
 * (tests/qapi-schema/qapi-schema-test.json): QObject -> C -> QObject round
 * trips of every construct, the strict input visitor's errors with QEMU's
 * texts, and the free functions (leaks show under the ASan build).
 */
#include "qemu/osdep.h"
#include "qapi/dealloc-visitor.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qobject/json.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "test-qapi-visit.h"

static const char full_struct_json[] =
    "{\"base-int\": -7, \"integer\": 42, \"boolean\": true, \"string\": \"hello\","
    " \"opt-int\": 3, \"opt-str\": \"opt\", \"nested\": {\"n\": 1, \"s\": \"one\"},"
    " \"opt-nested\": {\"n\": 2}, \"list\": [1, 2, 3], \"str-list\": [\"a\", \"b\"],"
    " \"nested-list\": [{\"n\": 10}, {\"n\": 11, \"s\": \"x\"}],"
    " \"enum-list\": [\"value-two\", \"value-always\"], \"e\": \"value-two\","
    " \"any-val\": {\"k\": [1, \"v\", null]}, \"num\": 2.5, \"u8\": 255, \"i16\": -32768,"
    " \"sz\": 18446744073709551615, \"null-val\": null, \"sub\": {\"side\": \"right\"},"
    " \"alt\": {\"n\": 5}, \"union\": {\"kind\": \"b\", \"common\": \"c\", \"b-str\": \"bs\","
    " \"b-list\": [{\"n\": 7}]}, \"default\": \"kw\"}";

static QObject *from_json(const char *json)
{
    QObject *obj = qobject_from_json(json, &error_abort);

    g_assert(obj);
    return obj;
}

static TestStruct *input_struct(const char *json, Error **errp)
{
    QObject *obj = from_json(json);
    Visitor *v = qobject_input_visitor_new(obj);
    TestStruct *s = NULL;

    visit_type_TestStruct(v, NULL, &s, errp);
    visit_free(v);
    qobject_unref(obj);
    return s;
}

static QObject *output_struct(TestStruct *s)
{
    QObject *out = NULL;
    Visitor *v = qobject_output_visitor_new(&out);

    g_assert(visit_type_TestStruct(v, NULL, &s, &error_abort));
    visit_complete(v, &out);
    visit_free(v);
    return out;
}

/* Every member of TestStruct lands in the right C field. */
static void test_struct_fields(void)
{
    g_autoptr(TestStruct) s = input_struct(full_struct_json, &error_abort);
    intList *il;
    QDict *any;

    g_assert(s);
    g_assert_cmpint(s->base_int, ==, -7);
    g_assert_cmpint(qapi_TestStruct_base(s)->base_int, ==, -7);
    g_assert_cmpint(s->integer, ==, 42);
    g_assert_true(s->boolean);
    g_assert_cmpstr(s->string, ==, "hello");
    g_assert_true(s->has_opt_int);
    g_assert_cmpint(s->opt_int, ==, 3);
    g_assert_cmpstr(s->nested->s, ==, "one");
    g_assert_true(s->has_opt_nested);
    g_assert_false(s->opt_nested->has_s);
    il = s->list;
    g_assert_cmpint(il->value, ==, 1);
    g_assert_cmpint(il->next->next->value, ==, 3);
    g_assert_null(il->next->next->next);
    g_assert_cmpstr(s->str_list->next->value, ==, "b");
    g_assert_cmpint(s->nested_list->next->value->n, ==, 11);
    g_assert_cmpint(s->enum_list->value, ==, TEST_ENUM_VALUE_TWO);
    g_assert_cmpint(s->enum_list->next->value, ==, TEST_ENUM_VALUE_ALWAYS);
    g_assert_cmpint(s->e, ==, TEST_ENUM_VALUE_TWO);
    any = qobject_to(QDict, s->any_val);
    g_assert(any && qdict_haskey(any, "k"));
    g_assert_cmpfloat(s->num, ==, 2.5);
    g_assert_cmpuint(s->u8, ==, 255);
    g_assert_cmpint(s->i16, ==, -32768);
    g_assert_cmpuint(s->sz, ==, UINT64_MAX);
    g_assert_true(s->has_null_val);
    g_assert_cmpint(s->sub->side, ==, SUB_ENUM_RIGHT);
    g_assert_cmpint(s->alt->type, ==, QTYPE_QDICT);
    g_assert_cmpint(s->alt->u.n->n, ==, 5);
    g_assert_cmpint(s->q_union->kind, ==, TEST_UNION_KIND_B);
    g_assert_cmpstr(s->q_union->common, ==, "c");
    g_assert_cmpstr(s->q_union->u.b.b_str, ==, "bs");
    g_assert_cmpint(s->q_union->u.b.b_list->value->n, ==, 7);
    g_assert_true(s->has_default);
    g_assert_cmpstr(s->q_default, ==, "kw");
}

/* QObject -> C -> QObject gives back the same value. */
static void test_struct_round_trip(void)
{
    const char *cases[] = {
        full_struct_json,
        /* only the mandatory members */
        "{\"base-int\": 0, \"integer\": -1, \"boolean\": false, \"string\": \"\","
        " \"nested\": {\"n\": 0}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
        " \"enum-list\": [], \"e\": \"value-one\"}",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QObject *in = from_json(cases[i]);
        TestStruct *s = input_struct(cases[i], &error_abort);
        QObject *out = output_struct(s);

        if (!qobject_is_equal(in, out)) {
            g_autofree char *a = qobject_to_json_str(in);
            g_autofree char *b = qobject_to_json_str(out);

            g_test_message("in:  %s\nout: %s", a, b);
            g_assert_not_reached();
        }
        qapi_free_TestStruct(s);
        qobject_unref(in);
        qobject_unref(out);
    }
}

/* Each alternate branch is chosen by the JSON type of the value. */
static void test_alternate(void)
{
    static const struct {
        const char *json;
        QType type;
    } cases[] = {
        { "12", QTYPE_QNUM },
        { "\"str\"", QTYPE_QSTRING },
        { "{\"n\": 3, \"s\": \"t\"}", QTYPE_QDICT },
        { "false", QTYPE_QBOOL },
        { "null", QTYPE_QNULL },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QObject *in = from_json(cases[i].json);
        Visitor *v = qobject_input_visitor_new(in);
        TestAlt *alt = NULL;
        QObject *out = NULL;

        g_assert_true(visit_type_TestAlt(v, NULL, &alt, &error_abort));
        visit_free(v);
        g_assert_cmpint(alt->type, ==, cases[i].type);
        v = qobject_output_visitor_new(&out);
        g_assert_true(visit_type_TestAlt(v, NULL, &alt, &error_abort));
        visit_complete(v, &out);
        visit_free(v);
        g_assert_true(qobject_is_equal(in, out));
        qapi_free_TestAlt(alt);
        qobject_unref(in);
        qobject_unref(out);
    }
}

/* A union: base members, discriminator, branch members; a tag value
 * without a branch carries the base members only. */
static void test_union(void)
{
    static const char *const cases[] = {
        "{\"kind\": \"a\", \"a-int\": 5}",
        "{\"kind\": \"b\", \"b-str\": \"s\", \"common\": \"x\"}",
        "{\"kind\": \"c\"}",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QObject *in = from_json(cases[i]);
        Visitor *v = qobject_input_visitor_new(in);
        TestUnion *u = NULL;
        QObject *out = NULL;

        g_assert_true(visit_type_TestUnion(v, NULL, &u, &error_abort));
        visit_free(v);
        g_assert_cmpint(u->kind, ==, (int)i);
        if (u->kind == TEST_UNION_KIND_A) {
            g_assert_cmpint(u->u.a.a_int, ==, 5);
        }
        v = qobject_output_visitor_new(&out);
        visit_type_TestUnion(v, NULL, &u, &error_abort);
        visit_complete(v, &out);
        visit_free(v);
        g_assert_true(qobject_is_equal(in, out));
        qapi_free_TestUnion(u);
        qobject_unref(in);
        qobject_unref(out);
    }
}

/* Enum tables: names, the conditional value compiled out, the prefix. */
static void test_enums(void)
{
    Error *err = NULL;

    g_assert_cmpstr(TestEnum_str(TEST_ENUM_VALUE_ONE), ==, "value-one");
    g_assert_cmpstr(TestEnum_str(TEST_ENUM_VALUE_ALWAYS), ==, "value-always");
    g_assert_cmpint(TEST_ENUM__MAX, ==, 3);
    g_assert_cmpstr(TestEnum_str(TEST_ENUM__MAX), ==, "");
    g_assert_cmpstr(TestPrefixed_str(TP_X_Y), ==, "x-y");
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, "value-two", -1, &error_abort), ==,
                    TEST_ENUM_VALUE_TWO);
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, NULL, 7, &error_abort), ==, 7);
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, "value-never", -1, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==, "invalid parameter value: value-never");
    error_free(err);
}

/* Input that must be refused, and the message naming the member. */
static const struct {
    const char *json;
    const char *error;
} bad_structs[] = {
    { "{}", "Parameter 'base-int' is missing" },
    { "[]", "Invalid parameter type for 'null', expected: object" },
    { "{\"base-int\": 1, \"integer\": \"x\"}",
      "Invalid parameter type for 'integer', expected: integer" },
    { "{\"base-int\": 1, \"integer\": 1.5}",
      "Invalid parameter type for 'integer', expected: integer" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": 1}",
      "Invalid parameter type for 'boolean', expected: boolean" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": null}",
      "Invalid parameter type for 'string', expected: string" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\"}",
      "Parameter 'nested' is missing" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1, \"extra\": 2}}",
      "Parameter 'nested.extra' is unexpected" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": {}}",
      "Invalid parameter type for 'list', expected: array" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [1, \"2\"]}",
      "Invalid parameter type for 'list[1]', expected: integer" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [],"
      " \"nested-list\": [{\"n\": 1}, {\"s\": \"x\"}]}",
      "Parameter 'nested-list[1].n' is missing" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [\"value-one\", \"value-never\"]}",
      "Parameter 'enum-list[1]' does not accept value 'value-never'" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"bogus\": 1}",
      "Parameter 'bogus' is unexpected" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"u8\": 256}",
      "Parameter 'u8' expects uint8_t" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"i16\": -32769}",
      "Parameter 'i16' expects int16_t" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"num\": \"1\"}",
      "Invalid parameter type for 'num', expected: number" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"null-val\": 0}",
      "Invalid parameter type for 'null-val', expected: null" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"alt\": [1]}",
      "Invalid parameter type for 'alt', expected: TestAlt" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"alt\": {\"n\": \"x\"}}",
      "Invalid parameter type for 'alt.n', expected: integer" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"union\": {\"kind\": \"z\"}}",
      "Parameter 'union.kind' does not accept value 'z'" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"union\": {\"kind\": \"a\"}}",
      "Parameter 'union.a-int' is missing" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\","
      " \"union\": {\"kind\": \"b\", \"b-str\": \"x\", \"a-int\": 1}}",
      "Parameter 'union.a-int' is unexpected" },
    { "{\"base-int\": 1, \"integer\": 1, \"boolean\": true, \"string\": \"s\","
      " \"nested\": {\"n\": 1}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
      " \"enum-list\": [], \"e\": \"value-one\", \"never\": 1}",
      "Parameter 'never' is unexpected" },
};

static void test_strict_input(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad_structs); i++) {
        Error *err = NULL;
        TestStruct *s = input_struct(bad_structs[i].json, &err);

        g_assert_null(s);
        g_assert(err);
        if (strcmp(error_get_pretty(err), bad_structs[i].error)) {
            g_test_message("input %s\nwant %s\ngot  %s", bad_structs[i].json,
                           bad_structs[i].error, error_get_pretty(err));
            g_assert_not_reached();
        }
        g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
        error_free(err);
    }
}

/* Integers: the whole int64 and uint64 ranges pass through unchanged. */
static void test_integer_limits(void)
{
    QObject *in = from_json("[-9223372036854775808, 9223372036854775807]");
    Visitor *v = qobject_input_visitor_new(in);
    intList *l = NULL;
    QObject *out = NULL;

    g_assert_true(visit_type_intList(v, NULL, &l, &error_abort));
    visit_free(v);
    g_assert_cmpint(l->value, ==, INT64_MIN);
    g_assert_cmpint(l->next->value, ==, INT64_MAX);
    v = qobject_output_visitor_new(&out);
    visit_type_intList(v, NULL, &l, &error_abort);
    visit_complete(v, &out);
    visit_free(v);
    g_assert_true(qobject_is_equal(in, out));
    qapi_free_intList(l);
    qobject_unref(in);
    qobject_unref(out);
}

/* C -> QObject of a value built by hand: NULL strings read as "", absent
 * optional members are left out. */
static void test_output_from_c(void)
{
    TestStruct *s = g_new0(TestStruct, 1);
    QObject *out;
    QDict *d;

    s->nested = g_new0(Nested, 1);
    s->nested->has_s = false;
    s->string = NULL;
    s->e = TEST_ENUM_VALUE_ALWAYS;
    QAPI_LIST_PREPEND(s->list, 5);
    out = output_struct(s);
    d = qobject_to(QDict, out);
    g_assert_cmpstr(qdict_get_str(d, "string"), ==, "");
    g_assert_cmpstr(qdict_get_str(d, "e"), ==, "value-always");
    g_assert_false(qdict_haskey(d, "opt-int"));
    g_assert_false(qdict_haskey(qdict_get_qdict(d, "nested"), "s"));
    g_assert_cmpint(qlist_size(qdict_get_qlist(d, "list")), ==, 1);
    qobject_unref(out);
    qapi_free_TestStruct(s);
}

/* The free functions accept NULL and partially built values. */
static void test_free(void)
{
    TestStruct *s = g_new0(TestStruct, 1);
    TestUnion *u = g_new0(TestUnion, 1);
    TestAlt *alt = g_new0(TestAlt, 1);

    qapi_free_TestStruct(NULL);
    qapi_free_NestedList(NULL);
    s->string = g_strdup("x");
    s->has_opt_nested = true;       /* pointer still NULL */
    qapi_free_TestStruct(s);
    u->kind = TEST_UNION_KIND_B;
    u->u.b.b_str = g_strdup("y");
    qapi_free_TestUnion(u);
    alt->type = QTYPE_QSTRING;
    alt->u.s = g_strdup("z");
    qapi_free_TestAlt(alt);
}

/* An optional pointer member set without its has_ flag is not output, but
 * it is freed (the ASan build would report the leak). */
static void test_optional_without_flag(void)
{
    Nested *n = g_new0(Nested, 1);
    QObject *out = NULL;
    Visitor *v;

    n->n = 4;
    n->s = g_strdup("set, but has_s is false");
    v = qobject_output_visitor_new(&out);
    g_assert_true(visit_type_Nested(v, NULL, &n, &error_abort));
    visit_complete(v, &out);
    visit_free(v);
    g_assert_false(qdict_haskey(qobject_to(QDict, out), "s"));
    qobject_unref(out);
    qapi_free_Nested(n);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/visit/struct-fields", test_struct_fields);
    g_test_add_func("/qapi/visit/struct-round-trip", test_struct_round_trip);
    g_test_add_func("/qapi/visit/alternate", test_alternate);
    g_test_add_func("/qapi/visit/union", test_union);
    g_test_add_func("/qapi/visit/enums", test_enums);
    g_test_add_func("/qapi/visit/strict-input", test_strict_input);
    g_test_add_func("/qapi/visit/integer-limits", test_integer_limits);
    g_test_add_func("/qapi/visit/output-from-c", test_output_from_c);
    g_test_add_func("/qapi/visit/free", test_free);
    g_test_add_func("/qapi/visit/optional-without-flag", test_optional_without_flag);
    return g_test_run();
}
