/*
 * test-isa-misc.c: the small PC ports driven through port I/O:
 * isa-debug-exit's status mapping (through its hook, so the test lives),
 * pvpanic's event bits and the shutdown it requests, port 0x80, and
 * hostile writes of every size to all of them.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/misc/debugexit.h"
#include "hw/misc/ioport80.h"
#include "hw/misc/pvpanic.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "system/runstate.h"

static int exit_status = -1;
static int exit_calls;
static ShutdownCause shutdown_cause = SHUTDOWN_CAUSE_NONE;

static void record_exit(int status)
{
    exit_status = status;
    exit_calls++;
}

static void record_shutdown(void *opaque, ShutdownCause cause)
{
    shutdown_cause = cause;
}

static void outb(uint16_t port, uint8_t v)
{
    g_assert_cmpint(address_space_write(&address_space_io, port,
                                        MEMTXATTRS_UNSPECIFIED, &v, 1),
                    ==, MEMTX_OK);
}

static uint8_t inb(uint16_t port)
{
    uint8_t v = 0;

    address_space_read(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, &v,
                       1);
    return v;
}

static void test_debug_exit(void)
{
    static const struct {
        uint8_t v;
        int status;
    } cases[] = { { 0, 1 }, { 1, 3 }, { 0x7f, 0xff } };

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        exit_calls = 0;
        outb(0x501, cases[i].v);
        g_assert_cmpint(exit_calls, ==, 1);
        g_assert_cmpint(exit_status, ==, cases[i].status);
    }
    /* The second port of the default iosize=2 exits as well. */
    exit_calls = 0;
    outb(0x502, 0x10);
    g_assert_cmpint(exit_status, ==, 0x21);
    g_assert_cmpint(inb(0x501), ==, 0);
    g_assert_cmpint(exit_calls, ==, 1);
}

static void test_debug_exit_props(void)
{
    const char *kv[] = { "iobase", "0xf4", "iosize", "4", NULL };
    const char *bad[] = { "iobase", "0xffff", "iosize", "4", NULL };
    DeviceState *dev;
    uint16_t w = 0x0102;
    Error *err = NULL;

    dev = qdev_device_add_kv(TYPE_ISA_DEBUG_EXIT, "dx", kv, &error_abort);
    g_assert_nonnull(dev);
    exit_calls = 0;
    address_space_write(&address_space_io, 0xf4, MEMTXATTRS_UNSPECIFIED,
                        &w, 2);
    g_assert_cmpint(exit_calls, ==, 1);
    g_assert_cmpint(exit_status, ==, (0x0102 << 1) | 1);
    g_assert_true(qdev_device_del("dx", &error_abort));

    g_assert_null(qdev_device_add_kv(TYPE_ISA_DEBUG_EXIT, NULL, bad, &err));
    g_assert_nonnull(err);
    error_free(err);
}

static void test_pvpanic(void)
{
    int status = -1;

    g_assert_cmpint(pvpanic_port(), ==, 0x505);
    g_assert_cmphex(inb(0x505), ==, 0x03);

    /* Crash-loaded alone only logs. */
    outb(0x505, PVPANIC_CRASH_LOADED);
    g_assert_false(main_loop_should_exit(&status));
    g_assert_cmpint(shutdown_cause, ==, SHUTDOWN_CAUSE_NONE);

    /* Panicked: the default panic action shuts the VM down. */
    runstate_set(RUN_STATE_RUNNING);
    outb(0x505, PVPANIC_PANICKED);
    g_assert_true(main_loop_should_exit(&status));
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpint(shutdown_cause, ==, SHUTDOWN_CAUSE_GUEST_PANIC);
    g_assert_false(main_loop_should_exit(&status));
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_GUEST_PANICKED);

    /* -no-shutdown: stay stopped in guest-panicked. */
    shutdown_cause = SHUTDOWN_CAUSE_NONE;
    no_shutdown = true;
    runstate_set(RUN_STATE_RUNNING);
    outb(0x505, 0xff);
    g_assert_false(main_loop_should_exit(&status));
    g_assert_cmpint(shutdown_cause, ==, SHUTDOWN_CAUSE_NONE);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_GUEST_PANICKED);
    no_shutdown = false;
}

static void test_port80(void)
{
    outb(0x80, 0x12);
    g_assert_cmphex(inb(0x80), ==, 0xff);
}

/* Random accesses of every size around all the ports: no crash. */
static void test_hostile(void)
{
    static const uint16_t bases[] = { 0x80, 0x501, 0x505 };
    GRand *r = g_rand_new_with_seed(0x505);
    int status;

    no_shutdown = true;
    for (int i = 0; i < 50000; i++) {
        uint16_t port = bases[g_rand_int_range(r, 0, 3)] +
                        g_rand_int_range(r, -2, 4);
        uint32_t v = g_rand_int(r);
        unsigned len = 1u << g_rand_int_range(r, 0, 3);

        address_space_rw(&address_space_io, port, MEMTXATTRS_UNSPECIFIED,
                         &v, len, g_rand_boolean(r));
    }
    main_loop_should_exit(&status);
    no_shutdown = false;
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    static MemoryRegion port80;
    DeviceState *dx, *pv;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    memory_init();
    debug_exit_hook = record_exit;
    qemu_register_shutdown_notifier(record_shutdown, NULL);

    dx = qdev_device_add_kv(TYPE_ISA_DEBUG_EXIT, NULL, NULL, &error_abort);
    pv = qdev_device_add_kv(TYPE_PVPANIC_ISA_DEVICE, NULL, NULL,
                            &error_abort);
    g_assert_nonnull(dx);
    g_assert_nonnull(pv);
    ioport80_init(&port80, NULL, get_system_io());

    g_test_add_func("/isa-misc/debug-exit", test_debug_exit);
    g_test_add_func("/isa-misc/debug-exit-props", test_debug_exit_props);
    g_test_add_func("/isa-misc/pvpanic", test_pvpanic);
    g_test_add_func("/isa-misc/port80", test_port80);
    g_test_add_func("/isa-misc/hostile", test_hostile);
    return g_test_run();
}
