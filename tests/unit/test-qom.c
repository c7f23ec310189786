/*
 * test-qom.c: unit tests of the object model core: registration order,
 * inheritance of classes and instances, interfaces, casts, reference
 * counting and finalize order, the composition tree and class lists.
 * Static properties are tested in test-qom-props.c.
 */
#include "qemu/osdep.h"
#include "qom/object.h"

#define TYPE_TEST_BASE "test-base"
#define TYPE_TEST_MID "test-mid"
#define TYPE_TEST_LEAF "test-leaf"
#define TYPE_TEST_OTHER "test-other"
#define TYPE_TEST_IFACE "test-iface"
#define TYPE_TEST_IFACE2 "test-iface2"

/* Which hooks ran, in order: "ci:test-base", "fin:test-leaf", ... */
static GString *trace;

static void trace_add(const char *what, const char *name)
{
    if (!trace) {
        trace = g_string_new("");
    }
    g_string_append_printf(trace, "%s%s:%s", trace->len ? " " : "", what,
                           name);
}

static char *trace_take(void)
{
    char *s = trace ? g_string_free(trace, false) : g_strdup("");

    trace = NULL;
    return s;
}

typedef struct TestIfaceClass {
    InterfaceClass parent_class;
    int (*answer)(Object *obj);
} TestIfaceClass;

#define TEST_IFACE_CLASS(k) \
    OBJECT_CLASS_CHECK(TestIfaceClass, (k), TYPE_TEST_IFACE)
#define TEST_IFACE_GET_CLASS(o) \
    OBJECT_GET_CLASS(TestIfaceClass, (o), TYPE_TEST_IFACE)

typedef struct TestBaseClass {
    ObjectClass parent_class;
    int value;
    int base_inits;     /* class_base_init calls seen by this class */
    const char *tag;
} TestBaseClass;

typedef struct TestBase {
    Object parent_obj;
    int base_field;
    GString *log;       /* owned by the test */
} TestBase;

typedef struct TestMid {
    TestBase parent_obj;
    int mid_field;
} TestMid;

typedef struct TestLeaf {
    TestMid parent_obj;
    int leaf_field;
} TestLeaf;

#define TEST_BASE(o) OBJECT_CHECK(TestBase, (o), TYPE_TEST_BASE)
#define TEST_BASE_CLASS(k) OBJECT_CLASS_CHECK(TestBaseClass, (k), TYPE_TEST_BASE)
#define TEST_BASE_GET_CLASS(o) \
    OBJECT_GET_CLASS(TestBaseClass, (o), TYPE_TEST_BASE)
#define TEST_MID(o) OBJECT_CHECK(TestMid, (o), TYPE_TEST_MID)
#define TEST_LEAF(o) OBJECT_CHECK(TestLeaf, (o), TYPE_TEST_LEAF)

static int iface_default_answer(Object *obj)
{
    return 1;
}

static int mid_answer(Object *obj)
{
    return 42;
}

static int leaf_answer(Object *obj)
{
    return 43;
}

static void iface_class_init(ObjectClass *oc, void *data)
{
    TEST_IFACE_CLASS(oc)->answer = iface_default_answer;
}

static void base_class_init(ObjectClass *oc, void *data)
{
    TestBaseClass *bc = TEST_BASE_CLASS(oc);

    trace_add("ci", object_class_get_name(oc));
    bc->value = 1;
    bc->tag = "base";
}

static void base_class_base_init(ObjectClass *oc, void *data)
{
    TEST_BASE_CLASS(oc)->base_inits++;
}

static void mid_class_init(ObjectClass *oc, void *data)
{
    TestBaseClass *bc = TEST_BASE_CLASS(oc);

    trace_add("ci", object_class_get_name(oc));
    g_assert_cmpint(bc->value, ==, 1);   /* the parent's value, copied */
    bc->value = 2;
    TEST_IFACE_CLASS(object_class_dynamic_cast(oc, TYPE_TEST_IFACE))
        ->answer = mid_answer;
}

static void leaf_class_init(ObjectClass *oc, void *data)
{
    trace_add("ci", object_class_get_name(oc));
}

static void base_init(Object *obj)
{
    trace_add("init", TYPE_TEST_BASE);
    TEST_BASE(obj)->base_field = 10;
}

static void mid_init(Object *obj)
{
    trace_add("init", TYPE_TEST_MID);
    /* The parent's instance_init has run. */
    TEST_MID(obj)->mid_field = TEST_BASE(obj)->base_field + 1;
}

static void leaf_init(Object *obj)
{
    trace_add("init", TYPE_TEST_LEAF);
    TEST_LEAF(obj)->leaf_field = TEST_MID(obj)->mid_field + 1;
}

static void base_finalize(Object *obj)
{
    trace_add("fin", TYPE_TEST_BASE);
}

static void mid_finalize(Object *obj)
{
    trace_add("fin", TYPE_TEST_MID);
}

static void leaf_finalize(Object *obj)
{
    trace_add("fin", TYPE_TEST_LEAF);
}

static void other_class_init(ObjectClass *oc, void *data)
{
    TEST_IFACE_CLASS(object_class_dynamic_cast(oc, TYPE_TEST_IFACE))
        ->answer = leaf_answer;
}

static const TypeInfo ti_leaf = {
    .name = TYPE_TEST_LEAF,
    .parent = TYPE_TEST_MID,
    .instance_size = sizeof(TestLeaf),
    .instance_init = leaf_init,
    .instance_finalize = leaf_finalize,
    .class_init = leaf_class_init,
};
static const TypeInfo ti_mid = {
    .name = TYPE_TEST_MID,
    .parent = TYPE_TEST_BASE,
    .instance_size = sizeof(TestMid),
    .instance_init = mid_init,
    .instance_finalize = mid_finalize,
    .class_init = mid_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_TEST_IFACE },
        { NULL },
    },
};
static const TypeInfo ti_base = {
    .name = TYPE_TEST_BASE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(TestBase),
    .instance_init = base_init,
    .instance_finalize = base_finalize,
    .class_size = sizeof(TestBaseClass),
    .class_init = base_class_init,
    .class_base_init = base_class_base_init,
};
static const TypeInfo ti_other = {
    .name = TYPE_TEST_OTHER,
    .parent = TYPE_TEST_BASE,
    .class_init = other_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_TEST_IFACE2 },   /* inherits from TYPE_TEST_IFACE */
        { NULL },
    },
};
static const TypeInfo ti_iface2 = {
    .name = TYPE_TEST_IFACE2,
    .parent = TYPE_TEST_IFACE,
};
static const TypeInfo ti_iface = {
    .name = TYPE_TEST_IFACE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(TestIfaceClass),
    .class_init = iface_class_init,
};

/* The declaration macros: casts generated for a type with its own class. */
#define TYPE_TEST_DECL "test-decl"
OBJECT_DECLARE_TYPE(TestDecl, TestDeclClass, TEST_DECL)

struct TestDeclClass {
    TestBaseClass parent_class;
    int decl_value;
};

struct TestDecl {
    TestBase parent_obj;
    int x;
};

static void decl_class_init(ObjectClass *oc, void *data)
{
    TEST_DECL_CLASS(oc)->decl_value = 7;
}

static const TypeInfo ti_decl = {
    .name = TYPE_TEST_DECL,
    .parent = TYPE_TEST_BASE,
    .instance_size = sizeof(TestDecl),
    .class_size = sizeof(TestDeclClass),
    .class_init = decl_class_init,
};

static void test_register_types(void)
{
    /* Children before parents on purpose: order must not matter. */
    type_register_static(&ti_leaf);
    type_register_static(&ti_mid);
    type_register_static(&ti_other);
    type_register_static(&ti_iface2);
    type_register_static(&ti_base);
    type_register_static(&ti_iface);
    type_register_static(&ti_decl);
}

type_init(test_register_types)

static void test_class_init_order(void)
{
    g_autofree char *log = NULL;
    ObjectClass *leaf;
    TestBaseClass *bc;

    g_free(trace_take());
    leaf = object_class_by_name(TYPE_TEST_LEAF);
    g_assert_nonnull(leaf);
    log = trace_take();
    /* Parents first; each class initialised once, lazily. */
    g_assert_cmpstr(log, ==, "ci:test-base ci:test-mid ci:test-leaf");
    g_assert_true(object_class_by_name(TYPE_TEST_LEAF) == leaf);
    g_free(trace_take());

    bc = TEST_BASE_CLASS(leaf);
    g_assert_cmpint(bc->value, ==, 2);          /* inherited from mid */
    g_assert_cmpstr(bc->tag, ==, "base");       /* inherited from base */
    g_assert_cmpint(bc->base_inits, ==, 2);     /* base_init ran in mid and leaf */
    g_assert_cmpint(TEST_BASE_CLASS(object_class_by_name(TYPE_TEST_BASE))
                    ->base_inits, ==, 0);
    g_assert_cmpstr(object_class_get_name(object_class_get_parent(leaf)), ==,
                    TYPE_TEST_MID);
    g_assert_true(object_class_is_abstract(
        object_class_by_name(TYPE_TEST_BASE)));
    g_assert_false(object_class_is_abstract(leaf));
    g_assert_null(object_class_by_name("no-such-type"));
}

static void test_instance_init_finalize(void)
{
    g_autofree char *log = NULL;
    Object *obj;
    TestLeaf *leaf;

    object_class_by_name(TYPE_TEST_LEAF);
    g_free(trace_take());
    obj = object_new(TYPE_TEST_LEAF);
    log = trace_take();
    g_assert_cmpstr(log, ==,
                    "init:test-base init:test-mid init:test-leaf");
    g_clear_pointer(&log, g_free);

    leaf = TEST_LEAF(obj);
    g_assert_cmpint(leaf->leaf_field, ==, 12);
    g_assert_cmpstr(object_get_typename(obj), ==, TYPE_TEST_LEAF);
    g_assert_cmpint(obj->ref, ==, 1);

    object_ref(obj);
    object_unref(obj);
    log = trace_take();
    g_assert_cmpstr(log, ==, "");   /* still one reference */
    g_clear_pointer(&log, g_free);

    object_unref(obj);
    log = trace_take();
    g_assert_cmpstr(log, ==, "fin:test-leaf fin:test-mid fin:test-base");
}

static void test_dynamic_cast(void)
{
    Object *obj = object_new(TYPE_TEST_LEAF);
    Object *other = object_new(TYPE_TEST_OTHER);

    g_assert_true(object_dynamic_cast(obj, TYPE_TEST_BASE) == obj);
    g_assert_true(object_dynamic_cast(obj, TYPE_TEST_MID) == obj);
    g_assert_true(object_dynamic_cast(obj, TYPE_OBJECT) == obj);
    g_assert_null(object_dynamic_cast(other, TYPE_TEST_MID));
    g_assert_null(object_dynamic_cast(obj, "no-such-type"));
    g_assert_null(object_dynamic_cast(NULL, TYPE_TEST_BASE));
    g_assert_null(object_class_dynamic_cast(object_get_class(other),
                                            TYPE_TEST_LEAF));
    /* A checked cast of NULL is NULL, as in QEMU. */
    g_assert_null(TEST_BASE(NULL));
    g_assert_true(TEST_BASE(other) == (TestBase *)other);
    object_unref(obj);
    object_unref(other);
}

static void test_cast_failure_aborts(void)
{
    if (g_test_subprocess()) {
        Object *other = object_new(TYPE_TEST_OTHER);

        TEST_LEAF(other);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*is not an instance of 'test-leaf'*");
}

static void test_declare_macros(void)
{
    Object *obj = object_new(TYPE_TEST_DECL);
    TestDecl *d = TEST_DECL(obj);

    d->x = 3;
    g_assert_cmpint(TEST_DECL_GET_CLASS(d)->decl_value, ==, 7);
    g_assert_cmpint(TEST_DECL_GET_CLASS(d)->parent_class.value, ==, 1);
    g_assert_true(TEST_BASE(d) == &d->parent_obj);
    object_unref(obj);
}

static void test_interfaces(void)
{
    Object *leaf = object_new(TYPE_TEST_LEAF);
    Object *other = object_new(TYPE_TEST_OTHER);
    ObjectClass *mid_class = object_class_by_name(TYPE_TEST_MID);
    TestIfaceClass *ic;

    /* An object implementing an interface casts to it (via its parent). */
    g_assert_true(object_dynamic_cast(leaf, TYPE_TEST_IFACE) == leaf);
    g_assert_true(object_dynamic_cast(leaf, TYPE_INTERFACE) == leaf);
    g_assert_null(object_dynamic_cast(leaf, TYPE_TEST_IFACE2));
    /* Interface inheritance: iface2 is a test-iface. */
    g_assert_true(object_dynamic_cast(other, TYPE_TEST_IFACE2) == other);
    g_assert_true(object_dynamic_cast(other, TYPE_TEST_IFACE) == other);

    /* Each class gets its own interface class, pointing back at it. */
    ic = TEST_IFACE_GET_CLASS(leaf);
    g_assert_cmpint(ic->answer(leaf), ==, 42);   /* mid's override */
    g_assert_true(ic->parent_class.concrete_class == object_get_class(leaf));
    g_assert_true(TEST_IFACE_CLASS(mid_class) != ic);
    ic = TEST_IFACE_GET_CLASS(other);
    g_assert_cmpint(ic->answer(other), ==, 43);
    ic = TEST_IFACE_CLASS(object_class_by_name(TYPE_TEST_IFACE));
    g_assert_cmpint(ic->answer(NULL), ==, 1);    /* defaults untouched */

    /* Interfaces are abstract: they are never instantiated. */
    g_assert_true(object_class_is_abstract(
        object_class_by_name(TYPE_TEST_IFACE)));
    object_unref(leaf);
    object_unref(other);
}

static char *class_list_names(const char *implements, bool abstract)
{
    GSList *list = object_class_get_list_sorted(implements, abstract);
    GString *s = g_string_new("");

    for (GSList *l = list; l; l = l->next) {
        g_string_append_printf(s, "%s%s", s->len ? "," : "",
                               object_class_get_name(l->data));
    }
    g_slist_free(list);
    return g_string_free(s, false);
}

static void test_class_list(void)
{
    g_autofree char *concrete = class_list_names(TYPE_TEST_BASE, false);
    g_autofree char *all = class_list_names(TYPE_TEST_BASE, true);
    g_autofree char *iface = class_list_names(TYPE_TEST_IFACE, false);
    g_autofree char *iface2 = class_list_names(TYPE_TEST_IFACE2, false);
    g_autofree char *none = class_list_names("no-such-type", true);
    GSList *every = object_class_get_list(NULL, true);

    g_assert_cmpstr(concrete, ==, "test-decl,test-leaf,test-mid,test-other");
    g_assert_cmpstr(all, ==,
                    "test-base,test-decl,test-leaf,test-mid,test-other");
    g_assert_cmpstr(iface, ==, "test-leaf,test-mid,test-other");
    g_assert_cmpstr(iface2, ==, "test-other");
    g_assert_cmpstr(none, ==, "");
    g_assert_nonnull(g_slist_find(every, object_class_by_name(TYPE_OBJECT)));
    g_slist_free(every);
}

static void test_new_checked(void)
{
    Error *err = NULL;

    g_assert_null(object_new_checked("no-such-type", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "invalid object type: no-such-type");
    g_clear_pointer(&err, error_free);
    g_assert_null(object_new_checked(TYPE_TEST_BASE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "object type 'test-base' is abstract");
    g_clear_pointer(&err, error_free);
}

static void test_tree_paths(void)
{
    Object *root = object_get_root();
    Object *a = object_new(TYPE_TEST_LEAF);
    Object *b = object_new(TYPE_TEST_OTHER);
    Object *c = object_new(TYPE_TEST_MID);
    Object *cont;
    Error *err = NULL;
    bool ambiguous;
    char *path;

    g_assert_true(object_get_root() == root);
    path = object_get_canonical_path(root);
    g_assert_cmpstr(path, ==, "/");
    g_free(path);

    cont = container_get(root, "/tree/sub");
    g_assert_true(container_get(root, "tree/sub/") == cont);
    g_assert_cmpstr(object_get_typename(cont), ==, TYPE_CONTAINER);
    g_assert_true(object_property_add_child(cont, "a", a, &error_abort));
    g_assert_true(object_property_add_child(a, "b", b, &error_abort));
    g_assert_cmpint(a->ref, ==, 2);
    object_unref(a);
    object_unref(b);

    path = object_get_canonical_path(b);
    g_assert_cmpstr(path, ==, "/tree/sub/a/b");
    g_free(path);
    g_assert_cmpstr(object_get_canonical_path_component(b), ==, "b");
    g_assert_null(object_get_canonical_path(c));   /* not in the tree */

    g_assert_true(object_resolve_path("/tree/sub/a/b", NULL) == b);
    g_assert_true(object_resolve_path("//tree//sub/a", NULL) == a);
    g_assert_null(object_resolve_path("/tree/sub/x", NULL));
    /* Partial paths match the tail of exactly one path. */
    g_assert_true(object_resolve_path("a/b", &ambiguous) == b);
    g_assert_false(ambiguous);
    g_assert_true(object_resolve_path("b", &ambiguous) == b);
    g_assert_true(object_resolve_path_type("sub", TYPE_CONTAINER, NULL) ==
                  cont);
    g_assert_null(object_resolve_path_type("b", TYPE_TEST_MID, &ambiguous));
    g_assert_false(ambiguous);

    /* A second "b" elsewhere makes "b" ambiguous, but not "a/b". */
    g_assert_true(object_property_add_child(cont, "b", c, &error_abort));
    g_assert_null(object_resolve_path("b", &ambiguous));
    g_assert_true(ambiguous);
    g_assert_true(object_resolve_path("a/b", &ambiguous) == b);
    /* The type filter can disambiguate. */
    g_assert_true(object_resolve_path_type("b", TYPE_TEST_MID, &ambiguous) ==
                  c);
    g_assert_false(ambiguous);

    /* Names are unique per parent; an object has one parent. */
    g_assert_false(object_property_add_child(cont, "a", c, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "attempt to add duplicate property 'a' to object "
                    "(type 'container')");
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_add_child(root, "c2", c, &err));
    g_clear_pointer(&err, error_free);
    /* No cycles. */
    g_assert_false(object_property_add_child(b, "loop", a, &err));
    g_clear_pointer(&err, error_free);

    /* Unparenting the subtree finalizes it, children first. */
    g_free(trace_take());
    object_unparent(object_resolve_path("/tree", NULL));
    path = trace_take();
    /* b (a test-other) goes before its parent a; c survives: we hold it. */
    g_assert_cmpstr(path, ==, "fin:test-base fin:test-leaf fin:test-mid "
                    "fin:test-base");
    g_free(path);
    g_assert_null(object_resolve_path("/tree", NULL));
    object_unref(c);
}

static void test_unparent_keeps_extra_refs(void)
{
    Object *cont = container_get(object_get_root(), "/keep");
    Object *a = object_new(TYPE_TEST_LEAF);
    g_autofree char *log = NULL;

    object_property_add_child(cont, "a", a, &error_abort);
    object_unparent(a);        /* we still hold our own reference */
    g_assert_null(a->parent);
    g_assert_null(object_resolve_path("/keep/a", NULL));
    g_free(trace_take());
    object_unref(a);
    log = trace_take();
    g_assert_cmpstr(log, ==, "fin:test-leaf fin:test-mid fin:test-base");
    object_unparent(cont);
}

static int count_child(Object *child, void *opaque)
{
    g_string_append_printf(opaque, "%s;", object_get_canonical_path_component(
                               child));
    return 0;
}

static void test_child_foreach(void)
{
    Object *cont = container_get(object_get_root(), "/each");
    g_autoptr(GString) s = g_string_new("");

    container_get(cont, "zeta");
    container_get(cont, "alpha");
    container_get(cont, "mid");
    g_assert_cmpint(object_child_foreach(cont, count_child, s), ==, 0);
    g_assert_cmpstr(s->str, ==, "alpha;mid;zeta;");
    object_unparent(cont);
}

static void test_objects_root(void)
{
    Object *objects = object_get_objects_root();
    char *path = object_get_canonical_path(objects);

    g_assert_cmpstr(path, ==, "/objects");
    g_assert_true(object_get_objects_root() == objects);
    g_free(path);
}

static void test_id_wellformed(void)
{
    g_assert_true(object_id_wellformed("serial0"));
    g_assert_true(object_id_wellformed("a-b.c_d"));
    g_assert_false(object_id_wellformed("0abc"));
    g_assert_false(object_id_wellformed(""));
    g_assert_false(object_id_wellformed("a/b"));
    g_assert_false(object_id_wellformed("_x"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qom/class/init-order", test_class_init_order);
    g_test_add_func("/qom/class/list", test_class_list);
    g_test_add_func("/qom/instance/init-finalize", test_instance_init_finalize);
    g_test_add_func("/qom/instance/new-checked", test_new_checked);
    g_test_add_func("/qom/cast/dynamic", test_dynamic_cast);
    g_test_add_func("/qom/cast/failure-aborts", test_cast_failure_aborts);
    g_test_add_func("/qom/cast/declare-macros", test_declare_macros);
    g_test_add_func("/qom/interface/cast", test_interfaces);
    g_test_add_func("/qom/tree/paths", test_tree_paths);
    g_test_add_func("/qom/tree/unparent-refs", test_unparent_keeps_extra_refs);
    g_test_add_func("/qom/tree/child-foreach", test_child_foreach);
    g_test_add_func("/qom/tree/objects-root", test_objects_root);
    g_test_add_func("/qom/tree/id-wellformed", test_id_wellformed);
    return g_test_run();
}
