/*
 * test-qapi-commands.c: the generated command marshallers and event
 * senders of the test schema: registration with options, strict argument
 * checking with QEMU's messages, flattened/optional/boxed arguments, results
 * through the output visitor, and the event dictionaries.
 */
#include "qemu/osdep.h"
#include "qapi/qmp-registry.h"
#include "qobject/json.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "test-qapi-commands.h"
#include "test-qapi-events.h"
#include "test-qapi-visit.h"

/* --- handlers of the test schema's commands ----------------------------- */

Nested *qmp_test_cmd(int64_t a, bool has_b, const char *b, TestEnum c, bool has_d,
                     NestedList *d, Error **errp)
{
    Nested *ret = g_new0(Nested, 1);
    NestedList *l;

    /* n = a + the sum of d[].n; s = b + the enum name */
    ret->n = a;
    for (l = has_d ? d : NULL; l; l = l->next) {
        ret->n += l->value->n;
    }
    ret->has_s = true;
    ret->s = g_strdup_printf("%s/%s", has_b ? b : "-", TestEnum_str(c));
    return ret;
}

intList *qmp_test_boxed(TestUnion *arg, Error **errp)
{
    intList *ret = NULL;

    QAPI_LIST_PREPEND(ret, arg->kind == TEST_UNION_KIND_A ? arg->u.a.a_int : -1);
    QAPI_LIST_PREPEND(ret, arg->kind);
    return ret;
}

static int noargs_calls;

void qmp_test_noargs(Error **errp)
{
    noargs_calls++;
}

QObject *qmp_test_any(QObject *v, Error **errp)
{
    QList *l = qlist_new();

    qlist_append_obj(l, qobject_ref(v));
    return QOBJECT(l);
}

void qmp_test_fail(bool has_msg, const char *msg, Error **errp)
{
    error_setg(errp, "failed: %s", has_msg ? msg : "no message");
}

TestStruct *qmp_test_struct(TestStruct *s, Error **errp)
{
    /* Hand back a deep copy through the visitors' round trip: the caller
     * frees the argument, the marshaller the result. */
    TestStruct *copy = g_new0(TestStruct, 1);

    copy->base_int = s->base_int + 1;
    copy->string = g_strdup(s->string);
    copy->nested = g_new0(Nested, 1);
    copy->nested->n = s->nested->n;
    copy->e = s->e;
    return copy;
}

void qmp_test_no_response(Error **errp)
{
}

/* --- events --------------------------------------------------------------- */

static QDict *last_event;
static test_QAPIEvent last_event_id;

void test_qapi_event_emit(test_QAPIEvent event, QDict *qdict)
{
    qobject_unref(last_event);
    last_event = qobject_ref(qdict);
    last_event_id = event;
}

/* --- tests ---------------------------------------------------------------- */

static QmpCommandList cmds;

/* Call command NAME with JSON arguments (NULL: none); return the result
 * as JSON text or the error message prefixed by "error: ". */
static char *call(const char *name, const char *args_json)
{
    const QmpCommand *cmd = qmp_find_command(&cmds, name);
    QDict *args = args_json ? qdict_from_json(args_json, &error_abort) : NULL;
    QObject *ret = NULL;
    Error *err = NULL;
    char *out;

    g_assert(cmd);
    cmd->fn(args, &ret, &err);
    qobject_unref(args);
    if (err) {
        g_assert_null(ret);
        out = g_strdup_printf("error: %s", error_get_pretty(err));
        error_free(err);
        return out;
    }
    g_assert(ret);
    out = qobject_to_json_str(ret);
    qobject_unref(ret);
    return out;
}

static void check_call(const char *name, const char *args, const char *expect)
{
    g_autofree char *got = call(name, args);

    if (strcmp(got, expect)) {
        g_test_message("%s %s:\nwant %s\ngot  %s", name, args ? args : "", expect, got);
        g_assert_not_reached();
    }
}

static void collect(const QmpCommand *cmd, void *opaque)
{
    g_string_append_printf(opaque, "%s:%d ", cmd->name, cmd->options);
}

/* Every generated command is registered once, in schema order, with its
 * options; the one under a false 'if' is not. */
static void test_registry(void)
{
    g_autoptr(GString) s = g_string_new(NULL);
    char expect[256];

    qmp_for_each_command(&cmds, collect, s);
    snprintf(expect, sizeof(expect),
             "test-cmd:0 test-boxed:0 test-noargs:%d test-any:%d test-fail:0 "
             "test-struct:0 test-no-response:%d ",
             QCO_ALLOW_PRECONFIG, QCO_ALLOW_OOB, QCO_NO_SUCCESS_RESP);
    g_assert_cmpstr(s->str, ==, expect);
    g_assert_null(qmp_find_command(&cmds, "test-conditional"));
    g_assert_true(qmp_find_command(&cmds, "test-cmd")->enabled);
    qmp_disable_command(&cmds, "test-cmd", true);
    g_assert_false(qmp_find_command(&cmds, "test-cmd")->enabled);
    qmp_disable_command(&cmds, "test-cmd", false);
}

static void test_arguments(void)
{
    check_call("test-cmd", "{\"a\": 1, \"c\": \"value-two\"}",
               "{\"n\": 1, \"s\": \"-/value-two\"}");
    check_call("test-cmd",
               "{\"a\": 1, \"b\": \"bee\", \"c\": \"value-always\","
               " \"d\": [{\"n\": 10}, {\"n\": 100, \"s\": \"x\"}]}",
               "{\"n\": 111, \"s\": \"bee/value-always\"}");
    check_call("test-boxed", "{\"kind\": \"a\", \"a-int\": 9}", "[0, 9]");
    check_call("test-boxed", "{\"kind\": \"c\"}", "[2, -1]");
    check_call("test-any", "{\"v\": {\"deep\": [null, true]}}",
               "[{\"deep\": [null, true]}]");
    check_call("test-struct",
               "{\"s\": {\"base-int\": 1, \"integer\": 2, \"boolean\": true, \"string\": \"s\","
               " \"nested\": {\"n\": 3}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
               " \"enum-list\": [], \"e\": \"value-one\"}}",
               "{\"base-int\": 2, \"integer\": 0, \"boolean\": false, \"string\": \"s\","
               " \"nested\": {\"n\": 3}, \"list\": [], \"str-list\": [], \"nested-list\": [],"
               " \"enum-list\": [], \"e\": \"value-one\"}");
}

/* Commands without 'returns' answer {}, with or without "arguments". */
static void test_no_return(void)
{
    noargs_calls = 0;
    check_call("test-noargs", NULL, "{}");
    check_call("test-noargs", "{}", "{}");
    g_assert_cmpint(noargs_calls, ==, 2);
    check_call("test-noargs", "{\"x\": 1}", "error: Parameter 'x' is unexpected");
    g_assert_cmpint(noargs_calls, ==, 2);
}

static void test_errors(void)
{
    static const struct {
        const char *name, *args, *expect;
    } cases[] = {
        { "test-cmd", NULL, "error: Parameter 'a' is missing" },
        { "test-cmd", "{\"a\": 1}", "error: Parameter 'c' is missing" },
        { "test-cmd", "{\"a\": \"1\", \"c\": \"value-one\"}",
          "error: Invalid parameter type for 'a', expected: integer" },
        { "test-cmd", "{\"a\": 1, \"c\": \"value-one\", \"x\": 1}",
          "error: Parameter 'x' is unexpected" },
        { "test-cmd", "{\"a\": 1, \"c\": \"nope\"}",
          "error: Parameter 'c' does not accept value 'nope'" },
        { "test-cmd", "{\"a\": 1, \"c\": \"value-one\", \"d\": [{\"n\": 1}, 2]}",
          "error: Invalid parameter type for 'd[1]', expected: object" },
        { "test-cmd", "{\"a\": 1, \"c\": \"value-one\", \"b\": null}",
          "error: Invalid parameter type for 'b', expected: string" },
        { "test-boxed", "{\"kind\": \"b\"}", "error: Parameter 'b-str' is missing" },
        { "test-boxed", "{}", "error: Parameter 'kind' is missing" },
        { "test-any", "{}", "error: Parameter 'v' is missing" },
        { "test-struct", "{\"s\": {\"base-int\": 1}}", "error: Parameter 's.integer' is missing" },
        /* the handler's own error passes through */
        { "test-fail", "{\"msg\": \"boom\"}", "error: failed: boom" },
        { "test-fail", NULL, "error: failed: no message" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        check_call(cases[i].name, cases[i].args, cases[i].expect);
    }
}

/* Event dictionaries: "timestamp", "event", then "data" (absent when the
 * event has no members), as QEMU sends them. */
static void test_events(void)
{
    const QDictEntry *e;
    QDict *ts, *data;
    gint64 before = g_get_real_time() / G_USEC_PER_SEC;
    g_autofree char *json = NULL;

    qapi_event_send_test_event(5, true, "why", TEST_ENUM_VALUE_TWO);
    g_assert_cmpint(last_event_id, ==, TEST_QAPI_EVENT_TEST_EVENT);
    e = qdict_first(last_event);
    g_assert_cmpstr(qdict_entry_key(e), ==, "timestamp");
    e = qdict_next(last_event, e);
    g_assert_cmpstr(qdict_entry_key(e), ==, "event");
    e = qdict_next(last_event, e);
    g_assert_cmpstr(qdict_entry_key(e), ==, "data");
    g_assert_null(qdict_next(last_event, e));
    g_assert_cmpstr(qdict_get_str(last_event, "event"), ==, "TEST_EVENT");
    ts = qdict_get_qdict(last_event, "timestamp");
    g_assert_cmpint(qdict_get_int(ts, "seconds"), >=, before);
    g_assert_cmpint(qdict_get_int(ts, "microseconds"), <, 1000000);
    data = qdict_get_qdict(last_event, "data");
    json = qobject_to_json_str(QOBJECT(data));
    g_assert_cmpstr(json, ==, "{\"x\": 5, \"y\": \"why\", \"e\": \"value-two\"}");

    qapi_event_send_test_event(6, false, NULL, TEST_ENUM_VALUE_ONE);
    g_assert_false(qdict_haskey(qdict_get_qdict(last_event, "data"), "y"));

    qapi_event_send_test_event_empty();
    g_assert_cmpint(last_event_id, ==, TEST_QAPI_EVENT_TEST_EVENT_EMPTY);
    g_assert_false(qdict_haskey(last_event, "data"));
    g_assert_cmpuint(qdict_size(last_event), ==, 2);
    g_assert_cmpstr(test_QAPIEvent_str(TEST_QAPI_EVENT_TEST_EVENT_EMPTY), ==,
                    "TEST_EVENT_EMPTY");
    /* TEST_EVENT_NEVER is compiled out, TEST_EVENT_IF in */
    g_assert_cmpint(TEST_QAPI_EVENT__MAX, ==, 4);
    g_assert_cmpstr(test_QAPIEvent_str(TEST_QAPI_EVENT_TEST_EVENT_IF), ==, "TEST_EVENT_IF");
}

static void test_event_boxed(void)
{
    TestUnion u = { .kind = TEST_UNION_KIND_B, .has_common = true };
    g_autofree char *json = NULL;

    u.common = (char *)"c";
    u.u.b.b_str = (char *)"s";
    qapi_event_send_test_event_boxed(&u);
    json = qobject_to_json_str(qdict_get(last_event, "data"));
    g_assert_cmpstr(json, ==, "{\"kind\": \"b\", \"common\": \"c\", \"b-str\": \"s\"}");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_qmp_init_marshal(&cmds);
    g_test_add_func("/qapi/commands/registry", test_registry);
    g_test_add_func("/qapi/commands/arguments", test_arguments);
    g_test_add_func("/qapi/commands/no-return", test_no_return);
    g_test_add_func("/qapi/commands/errors", test_errors);
    g_test_add_func("/qapi/events/dict", test_events);
    g_test_add_func("/qapi/events/boxed", test_event_boxed);
    ret = g_test_run();
    qmp_command_list_clear(&cmds);
    qobject_unref(last_event);
    return ret;
}
