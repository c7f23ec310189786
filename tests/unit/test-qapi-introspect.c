/*
 * test-qapi-introspect.c: the generated introspection data (what
 * query-qmp-schema returns) of the test schema and of Keel's own schema:
 * it must read back strictly as QEMU's [SchemaInfo] (the visitors of
 * qapi/introspect.json check every member), list every command and event,
 * name non-built-in types by number, and leave out what 'if' removed.
 */
#include "qemu/osdep.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qapi-visit.h"
#include "qapi/qapi-introspect.h"
#include "test-qapi-introspect.h"

static SchemaInfoList *read_schema(QObject *obj)
{
    Visitor *v = qobject_input_visitor_new(obj);
    SchemaInfoList *list = NULL;

    g_assert_true(visit_type_SchemaInfoList(v, NULL, &list, &error_abort));
    visit_free(v);
    return list;
}

static SchemaInfo *find(SchemaInfoList *list, const char *name)
{
    for (; list; list = list->next) {
        if (!strcmp(list->value->name, name)) {
            return list->value;
        }
    }
    return NULL;
}

static bool str_in(strList *l, const char *s)
{
    for (; l; l = l->next) {
        if (!strcmp(l->value, s)) {
            return true;
        }
    }
    return false;
}

/* Every type name an entity refers to is described, exactly once. */
static void check_closed(SchemaInfoList *list)
{
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    SchemaInfoList *l;
    SchemaInfoObjectMemberList *m;

    for (l = list; l; l = l->next) {
        g_assert_false(g_hash_table_contains(names, l->value->name));
        g_hash_table_add(names, l->value->name);
    }
    for (l = list; l; l = l->next) {
        SchemaInfo *si = l->value;

        switch (si->meta_type) {
        case SCHEMA_META_TYPE_COMMAND:
            g_assert_true(g_hash_table_contains(names, si->u.command.arg_type));
            g_assert_true(g_hash_table_contains(names, si->u.command.ret_type));
            break;
        case SCHEMA_META_TYPE_EVENT:
            g_assert_true(g_hash_table_contains(names, si->u.event.arg_type));
            break;
        case SCHEMA_META_TYPE_ARRAY:
            g_assert_true(g_hash_table_contains(names, si->u.array.element_type));
            break;
        case SCHEMA_META_TYPE_OBJECT:
            for (m = si->u.object.members; m; m = m->next) {
                g_assert_true(g_hash_table_contains(names, m->value->type));
            }
            break;
        default:
            break;
        }
    }
}

static void test_test_schema(void)
{
    QObject *obj = test_qmp_schema_introspect();
    SchemaInfoList *list = read_schema(obj);
    SchemaInfo *cmd, *arg, *e, *ev;
    SchemaInfoObjectMemberList *m;
    int n;

    check_closed(list);
    cmd = find(list, "test-cmd");
    g_assert(cmd && cmd->meta_type == SCHEMA_META_TYPE_COMMAND);
    g_assert_false(cmd->u.command.has_allow_oob);
    /* type names are masked as numbers */
    g_assert_true(g_ascii_isdigit(cmd->u.command.arg_type[0]));
    arg = find(list, cmd->u.command.arg_type);
    g_assert(arg && arg->meta_type == SCHEMA_META_TYPE_OBJECT);
    n = 0;
    for (m = arg->u.object.members; m; m = m->next, n++) {
        bool optional = !strcmp(m->value->name, "b") || !strcmp(m->value->name, "d");

        g_assert_cmpint(m->value->has_default, ==, optional);
        if (!strcmp(m->value->name, "a")) {
            g_assert_cmpstr(m->value->type, ==, "int");
        }
        if (!strcmp(m->value->name, "d")) {
            g_assert_cmpint(m->value->type[0], ==, '[');
        }
    }
    g_assert_cmpint(n, ==, 4);
    g_assert_true(find(list, "test-any")->u.command.allow_oob);
    g_assert_true(str_in(find(list, "test-struct")->features, "unstable"));
    g_assert_null(find(list, "test-conditional"));
    g_assert_null(find(list, "TEST_EVENT_NEVER"));
    ev = find(list, "TEST_EVENT");
    g_assert(ev && ev->meta_type == SCHEMA_META_TYPE_EVENT);
    arg = find(list, ev->u.event.arg_type);
    /* the enum of member 'e': value-never is compiled out */
    for (m = arg->u.object.members; m; m = m->next) {
        if (!strcmp(m->value->name, "e")) {
            e = find(list, m->value->type);
            g_assert(e && e->meta_type == SCHEMA_META_TYPE_ENUM);
            g_assert_true(str_in(e->u.q_enum.values, "value-one"));
            g_assert_true(str_in(e->u.q_enum.values, "value-always"));
            g_assert_false(str_in(e->u.q_enum.values, "value-never"));
        }
    }
    /* test-boxed's argument is TestUnion: tagged by 'kind'; value 'c', which
     * has no branch, gets an empty one as in QEMU */
    arg = find(list, find(list, "test-boxed")->u.command.arg_type);
    g_assert_cmpstr(arg->u.object.tag, ==, "kind");
    n = 0;
    for (SchemaInfoObjectVariantList *vl = arg->u.object.variants; vl; vl = vl->next, n++) {
        if (!strcmp(vl->value->q_case, "c")) {
            SchemaInfo *empty = find(list, vl->value->type);

            g_assert(empty && empty->meta_type == SCHEMA_META_TYPE_OBJECT);
            g_assert_null(empty->u.object.members);
        }
    }
    g_assert_cmpint(n, ==, 3);
    g_assert(find(list, "int") && find(list, "int")->meta_type == SCHEMA_META_TYPE_BUILTIN);
    g_assert_cmpint(find(list, "int")->u.builtin.json_type, ==, JSON_TYPE_INT);
    qapi_free_SchemaInfoList(list);
    qobject_unref(obj);
}

/* Keel's own schema: every command and event of the QMP issue is there
 * with QEMU's names, and the union/alternate/array shapes read back. */
static void test_keel_schema(void)
{
    static const char *const entities[] = {
        "qmp_capabilities", "query-version", "query-commands", "query-qmp-schema",
        "query-status", "stop", "cont", "system_reset", "system_powerdown",
        "system_wakeup", "quit", "query-name", "query-uuid", "query-kvm",
        "query-machines", "query-current-machine", "query-target", "query-cpus-fast",
        "query-hotpluggable-cpus", "query-cpu-definitions", "query-memory-size-summary",
        "query-memdev", "query-chardev", "query-chardev-backends", "chardev-add",
        "chardev-remove", "qom-list", "qom-get", "qom-set", "qom-list-types",
        "device-list-properties", "qom-list-properties", "query-command-line-options",
        "query-events", "query-iothreads", "query-display-options", "getfd", "closefd",
        "add-fd", "human-monitor-command", "inject-nmi", "query-pci",
        "STOP", "RESUME", "RESET", "SHUTDOWN", "POWERDOWN", "GUEST_PANICKED",
        "query-block", "query-blockstats", "query-named-block-nodes",
        "RTC_CHANGE", "DEVICE_DELETED",
    };
    QObject *obj = qmp_schema_introspect();
    QObject *again = qmp_schema_introspect();
    SchemaInfoList *list = read_schema(obj);
    SchemaInfo *si, *arg;
    SchemaInfoObjectMemberList *m;
    size_t i;
    bool found = false;

    /* parsed once, shared */
    g_assert(obj == again);
    qobject_unref(again);
    check_closed(list);
    for (i = 0; i < ARRAY_SIZE(entities); i++) {
        if (!find(list, entities[i])) {
            g_test_message("missing: %s", entities[i]);
            g_assert_not_reached();
        }
    }
    /* SHUTDOWN carries guest: bool and reason: ShutdownCause */
    si = find(list, "SHUTDOWN");
    arg = find(list, si->u.event.arg_type);
    for (m = arg->u.object.members; m; m = m->next) {
        if (!strcmp(m->value->name, "reason")) {
            SchemaInfo *e = find(list, m->value->type);

            g_assert_true(str_in(e->u.q_enum.values, "host-qmp-quit"));
            found = true;
        }
    }
    g_assert_true(found);
    /* chardev-add's backend is a union tagged by 'type' */
    si = find(list, "chardev-add");
    arg = find(list, si->u.command.arg_type);
    for (m = arg->u.object.members; m; m = m->next) {
        if (!strcmp(m->value->name, "backend")) {
            SchemaInfo *u = find(list, m->value->type);

            g_assert_cmpstr(u->u.object.tag, ==, "type");
            g_assert_nonnull(u->u.object.variants);
        }
    }
    qapi_free_SchemaInfoList(list);
    qobject_unref(obj);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/introspect/test-schema", test_test_schema);
    g_test_add_func("/qapi/introspect/keel-schema", test_keel_schema);
    return g_test_run();
}
