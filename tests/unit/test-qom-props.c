/*
 * test-qom-props.c: unit tests of static properties (parsing each type
 * with QEMU's messages, defaults, help text), of -device creation and
 * listing, of -object (user-creatable) and of the machine list. The test
 * devices, objects and boards are registered here.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/boards.h"

#define TYPE_TEST_ABSTRACT_DEV "test-abstract-dev"
#define TYPE_TEST_DEV "test-dev"
#define TYPE_TEST_OBJ "test-obj"

/* ---- test objects (-object) ---- */

typedef struct TestObj {
    Object parent_obj;
    uint64_t size;
    bool fail;
    bool pinned;
    char *label;
    bool completed;
} TestObj;

#define TEST_OBJ(o) OBJECT_CHECK(TestObj, (o), TYPE_TEST_OBJ)

static Property test_obj_props[] = {
    DEFINE_PROP_SIZE("size", TestObj, size, 0,
                     .description = "Size of the thing (ex: 500M)"),
    DEFINE_PROP_BOOL("fail", TestObj, fail, false,
                     .description = "Fail in complete"),
    DEFINE_PROP_BOOL("pinned", TestObj, pinned, false),
    DEFINE_PROP_STRING("label", TestObj, label),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_obj_complete(Object *obj, Error **errp)
{
    TestObj *t = TEST_OBJ(obj);

    /* complete runs with the object already reachable by its id. */
    g_assert_nonnull(object_get_canonical_path_component(obj));
    if (t->fail) {
        error_setg(errp, "test-obj: told to fail");
        return;
    }
    t->completed = true;
}

static bool test_obj_can_be_deleted(Object *obj)
{
    return !TEST_OBJ(obj)->pinned;
}

static void test_obj_class_init(ObjectClass *oc, void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = test_obj_complete;
    ucc->can_be_deleted = test_obj_can_be_deleted;
    object_class_set_props(oc, test_obj_props);
}

/* ---- test devices ---- */

typedef struct TestNetPeer {
    const char *id;
} TestNetPeer;

typedef struct TestDev {
    DeviceState parent_obj;
    bool flag;
    uint8_t u8;
    uint16_t u16;
    uint32_t iobase;
    uint64_t u64;
    int32_t i32;
    int64_t i64;
    uint64_t size;
    char *name;
    char *mode;
    Object *backend;
    void *chr;            /* the chardev layer would put a CharBackend here */
    TestNetPeer net;
} TestDev;

#define TEST_DEV(o) OBJECT_CHECK(TestDev, (o), TYPE_TEST_DEV)

static Property test_dev_props[] = {
    DEFINE_PROP_BOOL("flag", TestDev, flag, false),
    DEFINE_PROP_UINT8("u8", TestDev, u8, 8),
    DEFINE_PROP_UINT16("u16", TestDev, u16, 16),
    DEFINE_PROP_UINT32("iobase", TestDev, iobase, 0x3f8),
    DEFINE_PROP_UINT64("u64", TestDev, u64, UINT64_MAX),
    DEFINE_PROP_INT32("i32", TestDev, i32, -1),
    DEFINE_PROP_INT64("i64", TestDev, i64, -5),
    DEFINE_PROP_SIZE("size", TestDev, size, 64 * KiB),
    DEFINE_PROP_STRING("name", TestDev, name),
    DEFINE_PROP_STRING_DEFAULT("mode", TestDev, mode, "auto",
                               .description = "auto/fast/slow"),
    DEFINE_PROP_LINK("backend", TestDev, backend, TYPE_TEST_OBJ, Object *),
    DEFINE_PROP_CHR("chardev", TestDev, chr),
    DEFINE_PROP_NETDEV("netdev", TestDev, net),
    DEFINE_PROP_END_OF_LIST(),
};

static int realize_count;
static int unrealize_count;
static int reset_count;

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    if (!TEST_DEV(dev)->iobase) {
        error_setg(errp, "iobase must not be 0");
        return;
    }
    realize_count++;
}

static void test_dev_unrealize(DeviceState *dev)
{
    unrealize_count++;
}

static void test_dev_reset(DeviceState *dev)
{
    reset_count++;
}

static void test_dev_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "A test device";
    dc->realize = test_dev_realize;
    dc->unrealize = test_dev_unrealize;
    dc->reset = test_dev_reset;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, test_dev_props);
}

static void test_nic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Test NIC";
    dc->alias = "tnic";
    dc->bus_type = "PCI";
    device_class_set_category(dc, DEVICE_CATEGORY_NETWORK);
}

static void test_multi_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = "ISA";
    device_class_set_category(dc, DEVICE_CATEGORY_NETWORK);
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
}

static void test_upper_class_init(ObjectClass *oc, void *data)
{
    device_class_set_category(DEVICE_CLASS(oc), DEVICE_CATEGORY_MISC);
}

static void test_internal_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->user_creatable = false;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
}

/* ---- test boards ---- */

static int board_inits;

static void test_board_init(MachineState *ms)
{
    board_inits++;
}

static void testboard2_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Test board";
    mc->family = "testboard";
    mc->alias = "testboard";
    mc->init = test_board_init;
    mc->max_cpus = 4;
    mc->default_ram_size = 128 * MiB;
}

static void testboard1_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Test board";
    mc->family = "testboard";
    mc->deprecation_reason = "too old";
}

static void aaa_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Another board";
    mc->is_default = true;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_TEST_ABSTRACT_DEV,
        .instance_size = sizeof(TestDev),
        .class_init = test_dev_class_init,
    }, {
        .name = TYPE_TEST_ABSTRACT_DEV,
        .parent = TYPE_DEVICE,
        .abstract = true,
    }, {
        .name = "test-nic",
        .parent = TYPE_DEVICE,
        .class_init = test_nic_class_init,
    }, {
        .name = "test-multi",
        .parent = TYPE_DEVICE,
        .class_init = test_multi_class_init,
    }, {
        .name = "Test-zz",
        .parent = TYPE_DEVICE,
        .class_init = test_upper_class_init,
    }, {
        .name = "test-plain",
        .parent = TYPE_DEVICE,
    }, {
        .name = "test-internal",
        .parent = TYPE_DEVICE,
        .class_init = test_internal_class_init,
    }, {
        .name = TYPE_TEST_OBJ,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestObj),
        .class_init = test_obj_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_USER_CREATABLE },
            { NULL },
        },
    }, {
        .name = "test-obj-sub",
        .parent = TYPE_TEST_OBJ,
    }, {
        .name = "test-abstract-obj",
        .parent = TYPE_TEST_OBJ,
        .abstract = true,
    }, {
        .name = "test-not-creatable",
        .parent = TYPE_OBJECT,
    }, {
        .name = MACHINE_TYPE_NAME("testboard-2.0"),
        .parent = TYPE_MACHINE,
        .class_init = testboard2_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("testboard-1.0"),
        .parent = TYPE_MACHINE,
        .class_init = testboard1_class_init,
    }, {
        .name = MACHINE_TYPE_NAME("aaa"),
        .parent = TYPE_MACHINE,
        .class_init = aaa_class_init,
    },
};

DEFINE_TYPES(test_types)

/* ---- helpers ---- */

/* Run fn(f) on a memory stream and return what it wrote. */
#define CAPTURE(out, call)                                   \
    do {                                                     \
        char *buf_ = NULL;                                   \
        size_t len_ = 0;                                     \
        FILE *f = open_memstream(&buf_, &len_);              \
        call;                                                \
        fclose(f);                                           \
        (out) = buf_;                                        \
    } while (0)

/* Check *errp's message, then free it and clear *errp for reuse. */
static void assert_error(Error **errp, const char *msg)
{
    g_assert_nonnull(*errp);
    g_assert_cmpstr(error_get_pretty(*errp), ==, msg);
    error_free(*errp);
    *errp = NULL;
}

static Object *new_test_dev(void)
{
    return object_new(TYPE_TEST_DEV);
}

/* Parse value into prop and expect the error msg (NULL: success). */
static void check_parse(Object *obj, const char *prop, const char *value,
                        const char *msg)
{
    Error *err = NULL;
    bool ok = object_property_parse(obj, prop, value, &err);

    if (msg) {
        g_assert_false(ok);
        assert_error(&err, msg);
    } else {
        g_assert_null(err);
        g_assert_true(ok);
    }
}

static void check_print(Object *obj, const char *prop, const char *expect)
{
    g_autofree char *s = object_property_print(obj, prop, &error_abort);

    g_assert_cmpstr(s, ==, expect);
}

/* ---- property tests ---- */

static void test_defaults(void)
{
    Object *obj = new_test_dev();
    TestDev *d = TEST_DEV(obj);

    g_assert_false(d->flag);
    g_assert_cmpuint(d->u8, ==, 8);
    g_assert_cmpuint(d->u16, ==, 16);
    g_assert_cmpuint(d->iobase, ==, 0x3f8);
    g_assert_cmpuint(d->u64, ==, UINT64_MAX);
    g_assert_cmpint(d->i32, ==, -1);
    g_assert_cmpint(d->i64, ==, -5);
    g_assert_cmpuint(d->size, ==, 65536);
    g_assert_null(d->name);
    g_assert_cmpstr(d->mode, ==, "auto");
    g_assert_null(d->backend);
    check_print(obj, "iobase", "1016");
    check_print(obj, "i32", "-1");
    check_print(obj, "flag", "false");
    check_print(obj, "name", "");
    check_print(obj, "mode", "auto");
    object_unref(obj);
}

static void test_parse_bool(void)
{
    Object *obj = new_test_dev();

    check_parse(obj, "flag", "on", NULL);
    g_assert_true(TEST_DEV(obj)->flag);
    check_parse(obj, "flag", "off", NULL);
    g_assert_false(TEST_DEV(obj)->flag);
    check_parse(obj, "flag", "yes", NULL);
    check_parse(obj, "flag", "true", NULL);
    check_print(obj, "flag", "true");
    check_parse(obj, "flag", "maybe",
                "Parameter 'flag' expects 'on' or 'off'");
    check_parse(obj, "flag", "", "Parameter 'flag' expects 'on' or 'off'");
    g_assert_true(TEST_DEV(obj)->flag);   /* unchanged by the failures */
    object_unref(obj);
}

static void test_parse_unsigned(void)
{
    Object *obj = new_test_dev();
    TestDev *d = TEST_DEV(obj);

    check_parse(obj, "iobase", "0x2f8", NULL);
    g_assert_cmpuint(d->iobase, ==, 0x2f8);
    check_parse(obj, "iobase", "4294967295", NULL);
    g_assert_cmpuint(d->iobase, ==, UINT32_MAX);
    check_parse(obj, "iobase", "010", NULL);           /* octal, as QEMU */
    g_assert_cmpuint(d->iobase, ==, 8);
    check_parse(obj, "iobase", "xyz", "Parameter 'iobase' expects integer");
    check_parse(obj, "iobase", "12abc", "Parameter 'iobase' expects integer");
    check_parse(obj, "iobase", "", "Parameter 'iobase' expects integer");
    check_parse(obj, "iobase", "4294967296",
                "Parameter 'iobase' expects uint32_t");
    check_parse(obj, "iobase", "-1", "Parameter 'iobase' expects uint32_t");
    g_assert_cmpuint(d->iobase, ==, 8);

    check_parse(obj, "u8", "255", NULL);
    g_assert_cmpuint(d->u8, ==, 255);
    check_parse(obj, "u8", "256", "Parameter 'u8' expects uint8_t");
    check_parse(obj, "u16", "0xffff", NULL);
    g_assert_cmpuint(d->u16, ==, 0xffff);
    check_parse(obj, "u16", "70000", "Parameter 'u16' expects uint16_t");
    /* Neighbouring fields are untouched by narrow stores. */
    g_assert_cmpuint(d->u8, ==, 255);

    check_parse(obj, "u64", "18446744073709551615", NULL);
    check_parse(obj, "u64", "18446744073709551616",
                "Parameter 'u64' expects integer");
    check_parse(obj, "u64", "-1", NULL);   /* wraps, as in QEMU */
    g_assert_cmpuint(d->u64, ==, UINT64_MAX);
    check_parse(obj, "u64", "0", NULL);
    check_print(obj, "u64", "0");
    object_unref(obj);
}

static void test_parse_signed(void)
{
    Object *obj = new_test_dev();
    TestDev *d = TEST_DEV(obj);

    check_parse(obj, "i32", "-2147483648", NULL);
    g_assert_cmpint(d->i32, ==, INT32_MIN);
    check_parse(obj, "i32", "2147483648", "Parameter 'i32' expects int32_t");
    check_parse(obj, "i32", "-2147483649", "Parameter 'i32' expects int32_t");
    check_parse(obj, "i32", "x", "Parameter 'i32' expects integer");
    check_parse(obj, "i32", "-0x10", NULL);
    g_assert_cmpint(d->i32, ==, -16);
    check_print(obj, "i32", "-16");
    check_parse(obj, "i64", "-9223372036854775808", NULL);
    g_assert_cmpint(d->i64, ==, INT64_MIN);
    check_parse(obj, "i64", "9223372036854775808",
                "Parameter 'i64' expects integer");
    object_unref(obj);
}

static void test_parse_size(void)
{
    static const struct {
        const char *in;
        uint64_t out;
    } good[] = {
        { "0", 0 }, { "4096", 4096 }, { "64K", 64 * KiB }, { "64k", 64 * KiB },
        { "2M", 2 * MiB }, { "1G", GiB }, { "1.5G", GiB + GiB / 2 },
        { "3T", 3 * TiB }, { "512B", 512 }, { "8KB", 8 * KiB },
        { "1E", UINT64_C(1) << 60 }, { "0x1000", 4096 },
    };
    static const char *const bad[] = {
        "x", "1Q", "-1", "", "1.5", "1.5B", "G", "1GG", " 1", "1.G",
        "16E", "18446744073709551616",
    };
    Object *obj = new_test_dev();

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        check_parse(obj, "size", good[i].in, NULL);
        g_assert_cmpuint(TEST_DEV(obj)->size, ==, good[i].out);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        check_parse(obj, "size", bad[i], "Parameter 'size' expects size");
    }
    check_parse(obj, "size", "1M", NULL);
    check_print(obj, "size", "1048576");
    object_unref(obj);
}

static void test_parse_string(void)
{
    Object *obj = new_test_dev();

    check_parse(obj, "name", "hello, world", NULL);
    check_print(obj, "name", "hello, world");
    check_parse(obj, "name", "again", NULL);     /* the old one is freed */
    check_parse(obj, "mode", "", NULL);
    g_assert_cmpstr(TEST_DEV(obj)->mode, ==, "");
    object_unref(obj);
}

static void test_unknown_property(void)
{
    Object *obj = new_test_dev();
    Error *err = NULL;

    check_parse(obj, "foo", "1", "Property 'test-dev.foo' not found");
    g_assert_null(object_property_print(obj, "foo", &err));
    assert_error(&err, "Property 'test-dev.foo' not found");
    object_unref(obj);
}

static void test_typed_setters(void)
{
    Object *obj = new_test_dev();
    TestDev *d = TEST_DEV(obj);
    Error *err = NULL;

    g_assert_true(object_property_set_uint(obj, "u16", 65535, &error_abort));
    g_assert_cmpuint(object_property_get_uint(obj, "u16", &error_abort), ==,
                     65535);
    g_assert_false(object_property_set_uint(obj, "u16", 65536, &err));
    assert_error(&err, "Property test-dev.u16 doesn't take value 65536 "
                 "(maximum: 65535)");
    g_assert_false(object_property_set_int(obj, "i32", INT64_C(1) << 40,
                                           &err));
    assert_error(&err, "Property test-dev.i32 doesn't take value 1099511627776 "
                 "(minimum: -2147483648, maximum: 2147483647)");
    g_assert_false(object_property_set_int(obj, "u8", -1, &err));
    assert_error(&err, "Property test-dev.u8 doesn't take value -1 "
                 "(maximum: 255)");
    g_assert_true(object_property_set_int(obj, "i64", -7, &error_abort));
    g_assert_cmpint(object_property_get_int(obj, "i64", &error_abort), ==, -7);
    g_assert_false(object_property_set_bool(obj, "u8", true, &err));
    assert_error(&err, "Invalid parameter type for 'u8', expected: uint8");
    g_assert_true(object_property_set_bool(obj, "flag", true, &error_abort));
    g_assert_true(object_property_get_bool(obj, "flag", &error_abort));
    g_assert_true(object_property_set_str(obj, "name", "n", &error_abort));
    g_assert_cmpstr(d->name, ==, "n");
    qdev_prop_set_uint32(DEVICE(obj), "iobase", 0x100);
    g_assert_cmpuint(d->iobase, ==, 0x100);
    qdev_prop_set_string(DEVICE(obj), "name", NULL);
    g_assert_null(d->name);
    object_unref(obj);
}

static void test_link(void)
{
    Object *dev = new_test_dev();
    Object *t1, *other;
    Error *err = NULL;

    t1 = user_creatable_add_kv(TYPE_TEST_OBJ, "lnk1", NULL, &error_abort);
    other = object_new("test-not-creatable");
    object_property_add_child(object_get_root(), "lnk2", other, &error_abort);
    object_unref(other);

    check_parse(dev, "backend", "lnk1", NULL);   /* by id */
    g_assert_true(TEST_DEV(dev)->backend == t1);
    g_assert_cmpint(t1->ref, ==, 2);             /* the tree and the link */
    check_print(dev, "backend", "/objects/lnk1");
    check_parse(dev, "backend", "/objects/lnk1", NULL);   /* by path */
    g_assert_cmpint(t1->ref, ==, 2);
    check_parse(dev, "backend", "nope", "Device 'nope' not found");
    check_parse(dev, "backend", "lnk2",
                "Invalid parameter type for 'backend', expected: test-obj");
    g_assert_true(TEST_DEV(dev)->backend == t1);
    g_assert_false(object_property_set_link(dev, "backend", other, &err));
    assert_error(&err, "Invalid parameter type for 'backend', expected: "
                 "test-obj");

    /* object-del drops the tree's reference; the link keeps it alive. */
    g_assert_true(user_creatable_del("lnk1", &error_abort));
    g_assert_cmpint(t1->ref, ==, 1);
    check_print(dev, "backend", "");   /* no longer in the tree */
    check_parse(dev, "backend", "", NULL);
    g_assert_null(TEST_DEV(dev)->backend);   /* and t1 is freed (ASan) */
    object_unparent(other);
    object_unref(dev);
}

static bool net_set(Object *obj, Property *prop, void *field, const char *id,
                    Error **errp)
{
    TestNetPeer *peer = field;

    if (*id && strcmp(id, "net0")) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), prop->name, id);
        return false;
    }
    peer->id = *id ? "net0" : NULL;
    return true;
}

static char *net_print(Object *obj, Property *prop, void *field)
{
    return g_strdup(((TestNetPeer *)field)->id);
}

static int net_releases;

static void net_release(Object *obj, Property *prop, void *field)
{
    if (((TestNetPeer *)field)->id) {
        net_releases++;
    }
}

static const PropertyResolver net_resolver = {
    .set = net_set, .print = net_print, .release = net_release,
};

static void test_backends(void)
{
    Object *obj = new_test_dev();

    /* No chardev layer here: only "no backend" is accepted. */
    check_parse(obj, "chardev", "", NULL);
    check_parse(obj, "chardev", "serial0",
                "Property 'test-dev.chardev' can't find value 'serial0'");
    check_print(obj, "chardev", "");

    g_assert_false(qdev_prop_set_resolver("floppy", &net_resolver));
    g_assert_true(qdev_prop_set_resolver("netdev", &net_resolver));
    check_parse(obj, "netdev", "net0", NULL);
    check_print(obj, "netdev", "net0");
    check_parse(obj, "netdev", "net1",
                "Property 'test-dev.netdev' can't find value 'net1'");
    net_releases = 0;
    object_unref(obj);
    g_assert_cmpint(net_releases, ==, 1);   /* released at finalize */
    qdev_prop_set_resolver("netdev", NULL);
}

static void test_props_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *out3 = NULL;
    Error *err = NULL;
    bool ok;

    CAPTURE(out, ok = qdev_print_device_props("test-dev", f, &error_abort));
    g_assert_true(ok);
    g_assert_cmpstr(out, ==,
        "test-dev options:\n"
        "  backend=<link<test-obj>>\n"
        "  chardev=<str>          - ID of a chardev to use as a backend\n"
        "  flag=<bool>            -  (default: false)\n"
        "  i32=<int32>            -  (default: -1)\n"
        "  i64=<int64>            -  (default: -5)\n"
        "  iobase=<uint32>        -  (default: 1016)\n"
        "  mode=<str>             - auto/fast/slow (default: \"auto\")\n"
        "  name=<str>\n"
        "  netdev=<str>           - ID of a netdev to use as a backend\n"
        "  size=<size>            -  (default: 65536)\n"
        "  u16=<uint16>           -  (default: 16)\n"
        "  u64=<uint64>           -  (default: 18446744073709551615)\n"
        "  u8=<uint8>             -  (default: 8)\n");

    /* By alias, and a device without properties. */
    CAPTURE(out2, ok = qdev_print_device_props("tnic", f, &error_abort));
    g_assert_cmpstr(out2, ==, "There are no options for test-nic.\n");
    /* Introspection needs no instance, but works for board-only parts. */
    CAPTURE(out3, ok = qdev_print_device_props("test-internal", f,
                                               &error_abort));
    g_assert_true(ok);

    g_assert_false(qdev_print_device_props("foo", stdout, &err));
    assert_error(&err, "Device 'foo' not found");
    g_assert_false(qdev_print_device_props(TYPE_TEST_ABSTRACT_DEV, stdout,
                                           &err));
    assert_error(&err, "Parameter 'typename' expects a non-abstract device "
                 "type");
    g_assert_false(qdev_print_device_props(TYPE_TEST_OBJ, stdout, &err));
    assert_error(&err, "Device 'test-obj' not found");
}

static void test_class_introspection(void)
{
    ObjectClass *oc = object_class_by_name(TYPE_TEST_DEV);
    Property *p = object_class_property_find(oc, "mode");
    g_autofree char *def = NULL;
    g_autofree char *type = NULL;

    g_assert_nonnull(p);
    def = object_property_default_string(p);
    g_assert_cmpstr(def, ==, "\"auto\"");
    g_assert_cmpstr(object_property_description(p), ==, "auto/fast/slow");
    type = object_property_type_name(
        object_class_property_find(oc, "backend"));
    g_assert_cmpstr(type, ==, "link<test-obj>");
    g_assert_null(object_class_property_find(oc, "nope"));
    /* Inherited by subclasses. */
    g_assert_nonnull(object_class_property_find(
        object_class_by_name("test-obj-sub"), "size"));
}

/* ---- -device ---- */

/* Only sections that have devices are printed, as QEMU does. */
static void test_device_list(void)
{
    g_autofree char *out = NULL;

    CAPTURE(out, qdev_print_device_list(f));
    g_assert_cmpstr(out, ==,
        "Network devices:\n"
        "name \"test-multi\", bus ISA\n"
        "name \"test-nic\", bus PCI, alias \"tnic\", desc \"Test NIC\"\n"
        "\n"
        "Misc devices:\n"
        "name \"test-dev\", desc \"A test device\"\n"
        "name \"test-multi\", bus ISA\n"
        "name \"Test-zz\"\n"
        "\n"
        "Uncategorized devices:\n"
        "name \"test-plain\"\n");
}

static void test_device_add_errors(void)
{
    static const char *const unknown_prop[] = { "foo", "1", NULL };
    static const char *const bad_value[] = { "iobase", "xyz", NULL };
    static const char *const bus[] = { "bus", "isa.0", NULL };
    static const char *const zero[] = { "iobase", "0", NULL };
    Error *err = NULL;
    g_autofree char *hint = NULL;

    g_assert_null(qdev_device_add_kv(NULL, NULL, NULL, &err));
    assert_error(&err, "Parameter 'driver' is missing");
    g_assert_null(qdev_device_add_kv("foo", NULL, NULL, &err));
    assert_error(&err, "'foo' is not a valid device model name");
    g_assert_null(qdev_device_add_kv(TYPE_TEST_OBJ, NULL, NULL, &err));
    assert_error(&err, "'test-obj' is not a valid device model name");
    g_assert_null(qdev_device_add_kv(TYPE_TEST_ABSTRACT_DEV, NULL, NULL, &err));
    assert_error(&err, "Parameter 'driver' expects a non-abstract device type");
    g_assert_null(qdev_device_add_kv("test-internal", NULL, NULL, &err));
    assert_error(&err, "Parameter 'driver' expects a pluggable device type");
    g_assert_null(qdev_device_add_kv("test-dev", NULL, unknown_prop, &err));
    assert_error(&err, "Property 'test-dev.foo' not found");
    g_assert_null(qdev_device_add_kv("test-dev", "d0", bad_value, &err));
    assert_error(&err, "Parameter 'iobase' expects integer");
    g_assert_null(qdev_device_add_kv("test-dev", NULL, bus, &err));
    assert_error(&err, "Bus 'isa.0' not found");
    g_assert_null(qdev_device_add_kv("test-dev", "1bad", NULL, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'id' expects an identifier");
    error_free(err);
    err = NULL;

    /* A failed realize leaves nothing behind. */
    realize_count = 0;
    g_assert_null(qdev_device_add_kv("test-dev", "d0", zero, &err));
    assert_error(&err, "iobase must not be 0");
    g_assert_cmpint(realize_count, ==, 0);
    g_assert_null(qdev_find_by_id("d0"));
    g_assert_null(object_resolve_path("/machine/peripheral/d0", NULL));
}

static void test_device_add(void)
{
    static const char *const props[] = {
        "iobase", "0x2f8", "flag", "on", "driver", "ignored", NULL,
    };
    Error *err = NULL;
    DeviceState *d1, *anon1, *anon2, *nic;
    char *path;

    realize_count = unrealize_count = 0;
    d1 = qdev_device_add_kv("test-dev", "d1", props, &error_abort);
    g_assert_true(d1->realized);
    g_assert_cmpint(realize_count, ==, 1);
    g_assert_cmpstr(d1->id, ==, "d1");
    g_assert_cmpuint(TEST_DEV(d1)->iobase, ==, 0x2f8);
    g_assert_true(TEST_DEV(d1)->flag);
    g_assert_true(qdev_find_by_id("d1") == d1);
    path = object_get_canonical_path(OBJECT(d1));
    g_assert_cmpstr(path, ==, "/machine/peripheral/d1");
    g_free(path);

    g_assert_null(qdev_device_add_kv("test-dev", "d1", NULL, &err));
    assert_error(&err, "Duplicate ID 'd1' for device");

    /* Properties are fixed once realized. */
    check_parse(OBJECT(d1), "iobase", "0x3f8",
                "Attempt to set property 'iobase' on device 'd1' "
                "(type 'test-dev') after it was realized");

    anon1 = qdev_device_add_kv("test-dev", NULL, NULL, &error_abort);
    anon2 = qdev_device_add_kv("test-dev", NULL, NULL, &error_abort);
    path = object_get_canonical_path(OBJECT(anon2));
    g_assert_cmpstr(path, ==, "/machine/peripheral-anon/device[1]");
    g_free(path);
    check_parse(OBJECT(anon1), "u8", "1",
                "Attempt to set property 'u8' on anonymous device "
                "(type 'test-dev') after it was realized");

    /* By alias. */
    nic = qdev_device_add_kv("tnic", "n1", NULL, &error_abort);
    g_assert_cmpstr(object_get_typename(OBJECT(nic)), ==, "test-nic");

    reset_count = 0;
    qdev_reset_all_under(qdev_get_machine());
    g_assert_cmpint(reset_count, ==, 3);

    /* device_del unrealizes and frees. */
    g_assert_true(qdev_device_del("d1", &error_abort));
    g_assert_cmpint(unrealize_count, ==, 1);
    g_assert_null(qdev_find_by_id("d1"));
    g_assert_false(qdev_device_del("d1", &err));
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    assert_error(&err, "Device 'd1' not found");
    object_unparent(OBJECT(anon1));
    object_unparent(OBJECT(anon2));
    object_unparent(OBJECT(nic));
    g_assert_cmpint(unrealize_count, ==, 3);
}

static void test_device_realize_unattached(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    Error *err = NULL;
    char *path;

    g_assert_true(qdev_realize(dev, NULL, &error_abort));
    path = object_get_canonical_path(OBJECT(dev));
    g_assert_true(g_str_has_prefix(path, "/machine/unattached/device["));
    g_free(path);
    g_assert_false(qdev_realize(dev, NULL, &err));
    error_free(err);
    object_unref(dev);             /* the tree still holds it */
    object_unparent(OBJECT(dev));
}

static QemuOptsList device_opts = {
    .name = "device",
    .implied_opt_name = "driver",
    .desc = { { NULL } },
};

static QemuOptsList object_opts = {
    .name = "object",
    .implied_opt_name = "qom-type",
    .desc = { { NULL } },
};

static void test_device_add_from_opts(void)
{
    QemuOpts *opts;
    DeviceState *dev;
    Error *err = NULL;

    opts = qemu_opts_parse(&device_opts, "test-dev,id=o1,iobase=0x2e8,"
                           "name=a,,b", true, &error_abort);
    dev = qdev_device_add_from_opts(opts, &error_abort);
    g_assert_cmpstr(dev->id, ==, "o1");
    g_assert_cmpuint(TEST_DEV(dev)->iobase, ==, 0x2e8);
    g_assert_cmpstr(TEST_DEV(dev)->name, ==, "a,b");
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&device_opts, "test-dev,wakeup=on", true,
                           &error_abort);
    g_assert_null(qdev_device_add_from_opts(opts, &err));
    assert_error(&err, "Property 'test-dev.wakeup' not found");
    qemu_opts_del(opts);
    object_unparent(OBJECT(dev));
}

/* ---- -object ---- */

static void test_object_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *props = NULL;
    Error *err = NULL;
    bool ok;

    CAPTURE(out, user_creatable_print_types(f));
    g_assert_cmpstr(out, ==,
                    "List of user creatable objects:\n"
                    "  test-obj\n"
                    "  test-obj-sub\n");
    CAPTURE(props, ok = user_creatable_print_props("test-obj-sub", f,
                                                   &error_abort));
    g_assert_true(ok);
    g_assert_cmpstr(props, ==,
        "test-obj-sub options:\n"
        "  fail=<bool>            - Fail in complete (default: false)\n"
        "  label=<str>\n"
        "  pinned=<bool>          -  (default: false)\n"
        "  size=<size>            - Size of the thing (ex: 500M) (default: 0)\n");
    g_assert_false(user_creatable_print_props("test-abstract-obj", stdout,
                                              &err));
    assert_error(&err, "Parameter 'qom-type' does not accept value "
                 "'test-abstract-obj'");
    g_assert_false(user_creatable_print_props("foo", stdout, &err));
    assert_error(&err, "Parameter 'qom-type' does not accept value 'foo'");
}

static void test_object_add_del(void)
{
    static const char *const props[] = {
        "size", "1M", "label", "x", "qom-type", "test-obj", NULL,
    };
    static const char *const bogus[] = { "bogus", "1", NULL };
    static const char *const badsize[] = { "size", "x", NULL };
    static const char *const fail[] = { "fail", "on", NULL };
    static const char *const pinned[] = { "pinned", "on", NULL };
    Error *err = NULL;
    Object *obj, *pin;
    char *path;

    obj = user_creatable_add_kv(TYPE_TEST_OBJ, "m1", props, &error_abort);
    g_assert_cmpuint(TEST_OBJ(obj)->size, ==, MiB);
    g_assert_cmpstr(TEST_OBJ(obj)->label, ==, "x");
    g_assert_true(TEST_OBJ(obj)->completed);
    path = object_get_canonical_path(obj);
    g_assert_cmpstr(path, ==, "/objects/m1");
    g_free(path);

    g_assert_null(user_creatable_add_kv(NULL, "x", NULL, &err));
    assert_error(&err, "Parameter 'qom-type' is missing");
    g_assert_null(user_creatable_add_kv(TYPE_TEST_OBJ, NULL, NULL, &err));
    assert_error(&err, "Parameter 'id' is missing");
    g_assert_null(user_creatable_add_kv("foo", NULL, NULL, &err));
    assert_error(&err, "Parameter 'qom-type' does not accept value 'foo'");
    g_assert_null(user_creatable_add_kv("test-not-creatable", "x", NULL,
                                        &err));
    assert_error(&err, "Parameter 'qom-type' does not accept value "
                 "'test-not-creatable'");
    g_assert_null(user_creatable_add_kv(TYPE_TEST_OBJ, "m1", NULL, &err));
    assert_error(&err, "Duplicate ID 'm1' for object");
    g_assert_null(user_creatable_add_kv(TYPE_TEST_OBJ, "m2", bogus, &err));
    assert_error(&err, "Invalid parameter 'bogus'");
    g_assert_null(user_creatable_add_kv(TYPE_TEST_OBJ, "m2", badsize, &err));
    assert_error(&err, "Parameter 'size' expects size");
    g_assert_null(user_creatable_add_kv(TYPE_TEST_OBJ, "2m", NULL, &err));
    assert_error(&err, "Parameter 'id' expects an identifier");
    /* A failing complete leaves nothing under /objects. */
    g_assert_null(user_creatable_add_kv(TYPE_TEST_OBJ, "m2", fail, &err));
    assert_error(&err, "test-obj: told to fail");
    g_assert_null(object_resolve_path("/objects/m2", NULL));

    pin = user_creatable_add_kv("test-obj-sub", "m3", pinned, &error_abort);
    g_assert_false(user_creatable_del("m3", &err));
    assert_error(&err, "object 'm3' is in use, can not be deleted");
    TEST_OBJ(pin)->pinned = false;
    g_assert_true(user_creatable_del("m3", &error_abort));

    g_assert_true(user_creatable_del("m1", &error_abort));
    g_assert_false(user_creatable_del("m1", &err));
    assert_error(&err, "object 'm1' not found");
}

static void test_object_add_from_opts(void)
{
    QemuOpts *opts;
    Object *obj;
    Error *err = NULL;

    opts = qemu_opts_parse(&object_opts, "test-obj,id=o2,size=2G", true,
                           &error_abort);
    obj = user_creatable_add_opts(opts, &error_abort);
    g_assert_cmpuint(TEST_OBJ(obj)->size, ==, 2 * GiB);
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&object_opts, "id=o3", true, &error_abort);
    g_assert_null(user_creatable_add_opts(opts, &err));
    assert_error(&err, "Parameter 'qom-type' is missing");
    qemu_opts_del(opts);
    g_assert_true(user_creatable_del("o2", &error_abort));
}

/* ---- machines ---- */

static void test_machine_list(void)
{
    g_autofree char *out = NULL;

    CAPTURE(out, machine_print_list(f));
    g_assert_cmpstr(out, ==,
        "Supported machines are:\n"
        "testboard            Test board (alias of testboard-2.0)\n"
        "testboard-2.0        Test board\n"
        "testboard-1.0        Test board (deprecated)\n"
        "aaa                  Another board (default)\n"
        "none                 empty machine\n");
}

static void test_machine_lookup(void)
{
    MachineClass *mc = machine_find_class("testboard");
    MachineClass *aaa = machine_find_class("aaa");

    g_assert_nonnull(mc);
    g_assert_cmpstr(object_class_get_name(OBJECT_CLASS(mc)), ==,
                    "testboard-2.0-machine");
    g_assert_true(machine_find_class("testboard-2.0") == mc);
    g_assert_null(machine_find_class("testboard-2.0-machine"));
    g_assert_null(machine_find_class("nope"));
    g_assert_null(machine_find_class(NULL));
    g_assert_cmpstr(machine_find_class("none")->desc, ==, "empty machine");

    g_assert_true(machine_default_class() == aaa);
    aaa->is_default = false;   /* without a default board: "none" */
    g_assert_cmpstr(machine_default_class()->name, ==, "none");
    aaa->is_default = true;
}

static void test_machine_props_help(void)
{
    g_autofree char *out = NULL;

    CAPTURE(out, machine_print_props(machine_find_class("none"), f));
    g_assert_cmpstr(out, ==,
        "none-machine options:\n"
        "  append=<string>        - Linux kernel command line\n"
        "  dtb=<string>           - Linux kernel device tree file\n"
        "  dump-guest-core=<bool> - Include guest memory in a core dump\n"
        "  dumpdtb=<string>       - Dump current dtb to a file and quit\n"
        "  firmware=<string>      - Firmware image\n"
        "  graphics=<bool>        - Set on/off to enable/disable graphics "
        "emulation\n"
        "  initrd=<string>        - Linux initial ramdisk file\n"
        "  kernel=<string>        - Linux kernel image file\n"
        "  mem-merge=<bool>       - Enable/disable memory merge support\n"
        "  memory-backend=<link<memory-backend>> - Set RAM backendValid "
        "value is ID of hostmem based backend\n"
        "  usb=<bool>             - Set on/off to enable/disable usb\n");
}

static void test_machine_create_init(void)
{
    MachineClass *mc = machine_find_class("testboard");
    MachineState *ms;
    Error *err = NULL;
    DeviceState *dev;
    char *path;

    ms = machine_create(mc, &error_abort);
    g_assert_true(machine_current() == ms);
    g_assert_cmpuint(ms->ram_size, ==, 128 * MiB);
    g_assert_cmpuint(ms->smp.cpus, ==, 1);
    g_assert_cmpstr(ms->boot_order, ==, "cad");
    g_assert_true(ms->mem_merge);
    g_assert_null(machine_create(mc, &err));
    error_free(err);
    err = NULL;

    /* -kernel and -append are machine properties. */
    check_parse(OBJECT(ms), "kernel", "/boot/vmlinuz", NULL);
    check_parse(OBJECT(ms), "append", "console=ttyS0", NULL);
    g_assert_cmpstr(ms->kernel_filename, ==, "/boot/vmlinuz");
    g_assert_cmpstr(ms->kernel_cmdline, ==, "console=ttyS0");

    ms->smp.cpus = ms->smp.max_cpus = 5;
    g_assert_false(machine_run_board_init(ms, &err));
    assert_error(&err, "Invalid SMP CPUs 5. The max CPUs supported by "
                 "machine 'testboard-2.0' is 4");
    ms->smp.cpus = ms->smp.max_cpus = 4;
    board_inits = 0;
    g_assert_true(machine_run_board_init(ms, &error_abort));
    g_assert_cmpint(board_inits, ==, 1);

    /* User devices go below the machine object. */
    dev = qdev_device_add_kv("test-plain", "p1", NULL, &error_abort);
    g_assert_true(OBJECT(dev)->parent->parent == OBJECT(ms));
    path = object_get_canonical_path(OBJECT(dev));
    g_assert_cmpstr(path, ==, "/machine/peripheral/p1");
    g_free(path);
    object_unparent(OBJECT(ms));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* The machine test must run first: it owns /machine. */
    g_test_add_func("/qom-props/machine/create-init", test_machine_create_init);
    g_test_add_func("/qom-props/machine/list", test_machine_list);
    g_test_add_func("/qom-props/machine/lookup", test_machine_lookup);
    g_test_add_func("/qom-props/machine/props-help", test_machine_props_help);
    g_test_add_func("/qom-props/prop/defaults", test_defaults);
    g_test_add_func("/qom-props/prop/bool", test_parse_bool);
    g_test_add_func("/qom-props/prop/unsigned", test_parse_unsigned);
    g_test_add_func("/qom-props/prop/signed", test_parse_signed);
    g_test_add_func("/qom-props/prop/size", test_parse_size);
    g_test_add_func("/qom-props/prop/string", test_parse_string);
    g_test_add_func("/qom-props/prop/unknown", test_unknown_property);
    g_test_add_func("/qom-props/prop/typed-setters", test_typed_setters);
    g_test_add_func("/qom-props/prop/link", test_link);
    g_test_add_func("/qom-props/prop/backends", test_backends);
    g_test_add_func("/qom-props/prop/help", test_props_help);
    g_test_add_func("/qom-props/prop/introspection", test_class_introspection);
    g_test_add_func("/qom-props/device/list", test_device_list);
    g_test_add_func("/qom-props/device/add-errors", test_device_add_errors);
    g_test_add_func("/qom-props/device/add", test_device_add);
    g_test_add_func("/qom-props/device/unattached",
                    test_device_realize_unattached);
    g_test_add_func("/qom-props/device/opts", test_device_add_from_opts);
    g_test_add_func("/qom-props/object/help", test_object_help);
    g_test_add_func("/qom-props/object/add-del", test_object_add_del);
    g_test_add_func("/qom-props/object/opts", test_object_add_from_opts);
    return g_test_run();
}
