/*
 * test-chardev-prop.c: the "chardev" device property (DEFINE_PROP_CHR):
 * -device X,chardev=ID binds the device's CharBackend to that chardev,
 * with QEMU's errors for an unknown id and a chardev already in use.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "chardev/char.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "qom/object.h"
#include "test-helpers.h"

#define TYPE_TEST_UART "test-uart"

typedef struct TestUart {
    DeviceState parent_obj;
    CharBackend chr;
} TestUart;

#define TEST_UART(o) OBJECT_CHECK(TestUart, (o), TYPE_TEST_UART)

static Property test_uart_props[] = {
    DEFINE_PROP_CHR("chardev", TestUart, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_uart_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->user_creatable = true;
    device_class_set_props(dc, test_uart_props);
}

static const TypeInfo test_uart_info = {
    .name = TYPE_TEST_UART,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(TestUart),
    .class_init = test_uart_class_init,
};

static DeviceState *add_uart(const char *id, const char *chardev,
                             Error **errp)
{
    const char *kv[] = { "chardev", chardev, NULL };

    return qdev_device_add_kv(TYPE_TEST_UART, id, kv, errp);
}

/* Bytes the device writes reach the chardev it was given. */
static void test_bind_and_write(void)
{
    g_autofree char *path = tmp_path("out.txt");
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autofree char *contents = NULL;
    g_autofree char *printed = NULL;
    DeviceState *dev;

    g_assert_nonnull(qemu_chr_new("c0", spec, &error_abort));
    dev = add_uart("u0", "c0", &error_abort);
    g_assert_nonnull(dev);
    g_assert_true(qemu_chr_fe_backend_connected(&TEST_UART(dev)->chr));
    printed = object_property_print(OBJECT(dev), "chardev", &error_abort);
    g_assert_cmpstr(printed, ==, "c0");

    g_assert_cmpint(qemu_chr_fe_write_all(&TEST_UART(dev)->chr,
                                          (const uint8_t *)"hello", 5), ==, 5);
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "hello");
    g_assert_true(qdev_device_del("u0", &error_abort));
}

static void test_unknown_id(void)
{
    Error *err = NULL;

    g_assert_null(add_uart(NULL, "nope", &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-uart.chardev' can't find value 'nope'");
    error_free(err);
}

/* One frontend per chardev; removing the device frees the chardev. */
static void test_in_use_then_released(void)
{
    Error *err = NULL;

    g_assert_nonnull(qemu_chr_new("c1", "null", &error_abort));
    g_assert_nonnull(add_uart("u1", "c1", &error_abort));
    g_assert_null(add_uart("u2", "c1", &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-uart.chardev' can't take value 'c1': "
                    "Device 'c1' is in use");
    error_free(err);

    g_assert_true(qdev_device_del("u1", &error_abort));
    g_assert_nonnull(add_uart("u3", "c1", &error_abort));
    g_assert_true(qdev_device_del("u3", &error_abort));
}

/* An empty id leaves the device without a chardev, as QEMU allows. */
static void test_empty_id(void)
{
    DeviceState *dev = add_uart("u4", "", &error_abort);

    g_assert_false(qemu_chr_fe_backend_connected(&TEST_UART(dev)->chr));
    g_assert_true(qdev_device_del("u4", &error_abort));
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_uart_info);
    qemu_init_main_loop(&error_abort);
    qemu_chr_register_qdev_property();
    test_tmpdir_init("keel-chrprop");

    g_test_add_func("/chardev-prop/bind-and-write", test_bind_and_write);
    g_test_add_func("/chardev-prop/unknown-id", test_unknown_id);
    g_test_add_func("/chardev-prop/in-use-then-released",
                    test_in_use_then_released);
    g_test_add_func("/chardev-prop/empty-id", test_empty_id);
    ret = g_test_run();

    qemu_chr_cleanup();
    return test_tmpdir_cleanup(ret);
}
