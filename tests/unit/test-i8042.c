/*
 * test-i8042.c: unit tests of the i8042 keyboard controller, its PS/2
 * keyboard and mouse, and port 0x92, through I/O ports: controller
 * commands, keyboard replies, IRQ 1 / IRQ 12, reset and A20 lines, a
 * bounded queue and hostile writes.
 */
#include "qemu/osdep.h"
#include "hw/input/i8042.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "exec/memory.h"

#define A MEMTXATTRS_UNSPECIFIED

static I8042State *kbd;
static Port92State *p92;
static qemu_irq lines[4];
static int irq_levels[2];
static int a20_level = -1;
static int resets;

static void irq_handler(void *opaque, int n, int level)
{
    irq_levels[n] = level;
}

static void a20_handler(void *opaque, int n, int level)
{
    a20_level = level;
}

static void reset_notifier(void *opaque, ShutdownCause cause)
{
    g_assert_cmpint(cause, ==, SHUTDOWN_CAUSE_GUEST_RESET);
    resets++;
}

/* Serve pending requests as the main loop would; count resets seen. */
static int take_resets(void)
{
    int status, n;

    g_assert_false(main_loop_should_exit(&status));
    n = resets;
    resets = 0;
    return n;
}

static uint8_t inb(uint16_t port)
{
    return address_space_ldub(&address_space_io, port, A, NULL);
}

static void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, A, NULL);
}

static void teardown(void)
{
    if (kbd) {
        object_unparent(OBJECT(kbd));
        object_unparent(OBJECT(p92));
        for (int i = 0; i < 4; i++) {
            qemu_free_irq(lines[i]);
        }
        kbd = NULL;
        p92 = NULL;
    }
}

static void fresh(void)
{
    DeviceState *dev;

    teardown();
    lines[0] = qemu_allocate_irq(irq_handler, NULL, 0);
    lines[1] = qemu_allocate_irq(irq_handler, NULL, 1);
    lines[2] = qemu_allocate_irq(a20_handler, NULL, 0);
    lines[3] = qemu_allocate_irq(a20_handler, NULL, 1);
    dev = qdev_new(TYPE_I8042);
    kbd = I8042(dev);
    isa_connect_irq(ISA_DEVICE(dev), 0, lines[0]);
    isa_connect_irq(ISA_DEVICE(dev), 1, lines[1]);
    i8042_set_a20_line(kbd, lines[2]);
    g_assert_true(qdev_realize_and_unref(dev, NULL, &error_abort));

    dev = qdev_new(TYPE_PORT92);
    p92 = PORT92(dev);
    port92_set_a20_line(p92, lines[3]);
    g_assert_true(qdev_realize_and_unref(dev, NULL, &error_abort));
    irq_levels[0] = irq_levels[1] = 0;
    a20_level = -1;
    take_resets();
}

/* The next byte from the output buffer; asserts there is one. */
static uint8_t read_data(void)
{
    g_assert_cmphex(inb(0x64) & 0x01, ==, 0x01);
    return inb(0x60);
}

static void expect_empty(void)
{
    g_assert_cmphex(inb(0x64) & 0x01, ==, 0);
}

static void test_selftest(void)
{
    fresh();
    g_assert_cmphex(inb(0x64), ==, 0x18);
    outb(0x64, 0xaa);
    g_assert_cmphex(inb(0x64) & 0x04, ==, 0x04);     /* SYS */
    g_assert_cmphex(read_data(), ==, 0x55);
    expect_empty();
    outb(0x64, 0xab);
    g_assert_cmphex(read_data(), ==, 0x00);
    outb(0x64, 0xa9);
    g_assert_cmphex(read_data(), ==, 0x00);
    /* A2 follows the last port written. */
    g_assert_cmphex(inb(0x64) & 0x08, ==, 0x08);
}

static void test_command_byte(void)
{
    fresh();
    outb(0x64, 0x20);
    g_assert_cmphex(read_data(), ==, 0x03);
    outb(0x64, 0x60);
    outb(0x60, 0x65);
    g_assert_cmphex(inb(0x64) & 0x08, ==, 0);
    outb(0x64, 0x20);
    g_assert_cmphex(read_data(), ==, 0x65);
    /* A7/A8 and AD/AE flip the disable bits. */
    outb(0x64, 0xa8);
    outb(0x64, 0xae);
    outb(0x64, 0x20);
    g_assert_cmphex(read_data(), ==, 0x45);
    outb(0x64, 0xa7);
    outb(0x64, 0xad);
    outb(0x64, 0x20);
    g_assert_cmphex(read_data(), ==, 0x75);
}

static void test_kbd_commands(void)
{
    fresh();
    /* Reset: ACK then self-test passed, with IRQ 1 while data waits. */
    outb(0x60, 0xff);
    g_assert_cmpint(irq_levels[0], ==, 1);
    g_assert_cmphex(inb(0x64) & 0x20, ==, 0);        /* not the mouse */
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmpint(irq_levels[0], ==, 1);
    g_assert_cmphex(read_data(), ==, 0xaa);
    g_assert_cmpint(irq_levels[0], ==, 0);
    expect_empty();

    /* Identify, untranslated and translated. */
    outb(0x60, 0xf2);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0xab);
    g_assert_cmphex(read_data(), ==, 0x83);
    outb(0x64, 0x60);
    outb(0x60, 0x43);
    outb(0x60, 0xf2);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0xab);
    g_assert_cmphex(read_data(), ==, 0x41);

    /* LEDs and typematic take an argument, each acknowledged. */
    outb(0x60, 0xed);
    g_assert_cmphex(read_data(), ==, 0xfa);
    outb(0x60, 0x07);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmpint(kbd->kbd.leds, ==, 7);
    outb(0x60, 0xf3);
    g_assert_cmphex(read_data(), ==, 0xfa);
    outb(0x60, 0x20);
    g_assert_cmphex(read_data(), ==, 0xfa);
    outb(0x60, 0xf5);
    g_assert_cmphex(read_data(), ==, 0xfa);
    outb(0x60, 0xf4);
    g_assert_cmphex(read_data(), ==, 0xfa);
    /* Scancode set: query reads the translated id. */
    outb(0x60, 0xf0);
    g_assert_cmphex(read_data(), ==, 0xfa);
    outb(0x60, 0x00);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0x41);
    /* Unknown command: resend. */
    outb(0x60, 0x01);
    g_assert_cmphex(read_data(), ==, 0xfe);
    expect_empty();
}

static void test_keys(void)
{
    fresh();
    /* Untranslated set 2: 'A' press and release. */
    i8042_put_keycode(kbd, 0x1e);
    i8042_put_keycode(kbd, 0x9e);
    g_assert_cmpint(irq_levels[0], ==, 1);
    g_assert_cmphex(read_data(), ==, 0x1c);
    g_assert_cmphex(read_data(), ==, 0xf0);
    g_assert_cmphex(read_data(), ==, 0x1c);
    expect_empty();
    /* Translated: set 1 comes out. */
    outb(0x64, 0x60);
    outb(0x60, 0x41);
    i8042_put_keycode(kbd, 0x1e);
    g_assert_cmphex(read_data(), ==, 0x1e);
    /* With the keyboard disabled (AD) the key waits; IRQ off in mode. */
    outb(0x64, 0xad);
    i8042_put_keycode(kbd, 0x9e);
    expect_empty();
    outb(0x64, 0xae);
    g_assert_cmphex(read_data(), ==, 0x9e);
}

static void test_mouse(void)
{
    fresh();
    outb(0x64, 0xd4);
    outb(0x60, 0xff);
    g_assert_cmpint(irq_levels[1], ==, 1);
    g_assert_cmpint(irq_levels[0], ==, 0);
    g_assert_cmphex(inb(0x64) & 0x21, ==, 0x21);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0xaa);
    g_assert_cmphex(read_data(), ==, 0x00);
    g_assert_cmpint(irq_levels[1], ==, 0);
    outb(0x64, 0xd4);
    outb(0x60, 0xf2);
    g_assert_cmphex(read_data(), ==, 0xfa);
    g_assert_cmphex(read_data(), ==, 0x00);
    static const uint8_t cmds[] = { 0xf4, 0xf5, 0xe6, 0xf3, 100, 0xe8, 3 };
    for (unsigned i = 0; i < sizeof(cmds); i++) {
        outb(0x64, 0xd4);
        outb(0x60, cmds[i]);
        g_assert_cmphex(read_data(), ==, 0xfa);
    }
    /* D3 loops a byte back as if from the mouse. */
    outb(0x64, 0xd3);
    outb(0x60, 0x5a);
    g_assert_cmphex(inb(0x64) & 0x20, ==, 0x20);
    g_assert_cmphex(read_data(), ==, 0x5a);
    /* D2 as if from the keyboard. */
    outb(0x64, 0xd2);
    outb(0x60, 0x33);
    g_assert_cmphex(inb(0x64) & 0x20, ==, 0);
    g_assert_cmphex(read_data(), ==, 0x33);
    /* Packets once reporting is on. */
    outb(0x64, 0xd4);
    outb(0x60, 0xf4);
    g_assert_cmphex(read_data(), ==, 0xfa);
    i8042_put_mouse_event(kbd, 5, -3, 1);
    g_assert_cmphex(read_data(), ==, 0x29);
    g_assert_cmphex(read_data(), ==, 5);
    g_assert_cmphex(read_data(), ==, 0xfd);
}

static void test_reset_and_a20(void)
{
    qemu_register_reset_notifier(reset_notifier, NULL);
    fresh();
    outb(0x64, 0xd0);
    g_assert_cmphex(read_data() & 0x03, ==, 0x03);
    /* A20 off then on through the output port, no reset. */
    outb(0x64, 0xd1);
    outb(0x60, 0xfd);
    g_assert_cmpint(a20_level, ==, 0);
    outb(0x64, 0xd1);
    outb(0x60, 0xdf);
    g_assert_cmpint(a20_level, ==, 1);
    g_assert_cmpint(take_resets(), ==, 0);
    /* Output port bit 0 low: reset. */
    outb(0x64, 0xd1);
    outb(0x60, 0xde);
    g_assert_cmpint(take_resets(), ==, 1);
    /* Pulse command FE. */
    outb(0x64, 0xfe);
    g_assert_cmpint(take_resets(), ==, 1);
    /* F0-FF pulses: only bit 0 clear resets. */
    outb(0x64, 0xff);
    outb(0x64, 0xf1);
    g_assert_cmpint(take_resets(), ==, 0);

    /* Port 0x92: A20 in bit 1, reset on a rising bit 0. */
    a20_level = -1;
    outb(0x92, 0x02);
    g_assert_cmpint(a20_level, ==, 1);
    g_assert_cmphex(inb(0x92), ==, 0x02);
    g_assert_cmpint(take_resets(), ==, 0);
    outb(0x92, 0x00);
    g_assert_cmpint(a20_level, ==, 0);
    outb(0x92, 0x03);
    g_assert_cmpint(take_resets(), ==, 1);
    outb(0x92, 0x03);
    g_assert_cmpint(take_resets(), ==, 0);
    qemu_unregister_request_notifier(reset_notifier, NULL);
}

static void test_queue_bounded(void)
{
    unsigned n = 0;

    fresh();
    for (int i = 0; i < 10000; i++) {
        i8042_put_keycode(kbd, 0x1e);
        outb(0x60, 0xf2);
    }
    g_assert_cmpuint(kbd->kbd.q.count, <=, PS2_QUEUE_SIZE);
    while ((inb(0x64) & 1) && n < 100000) {
        inb(0x60);
        n++;
    }
    g_assert_cmpuint(n, <=, PS2_QUEUE_SIZE + 1);
    g_assert_cmpuint(n, >, 0);
    /* Still working afterwards. */
    outb(0x60, 0xee);
    g_assert_cmphex(read_data(), ==, 0xee);
}

static void test_hostile(void)
{
    static const uint16_t ports[] = { 0x60, 0x64, 0x92 };
    GRand *r = g_rand_new_with_seed(4242);
    int status;

    fresh();
    for (int i = 0; i < 300000; i++) {
        uint16_t port = ports[g_rand_int_range(r, 0, 3)];

        if (g_rand_boolean(r)) {
            outb(port, g_rand_int(r));
        } else {
            inb(port);
        }
        if ((i & 255) == 0) {
            i8042_put_keycode(kbd, g_rand_int(r));
            i8042_put_mouse_event(kbd, g_rand_int(r), g_rand_int(r),
                                  g_rand_int(r));
        }
    }
    /* Wide accesses are refused without harm. */
    address_space_stl_le(&address_space_io, 0x60, 0xffffffff, A, NULL);
    address_space_ldl_le(&address_space_io, 0x64, A, NULL);
    main_loop_should_exit(&status);
    g_assert_cmpuint(kbd->kbd.q.count, <=, PS2_QUEUE_SIZE);
    g_assert_cmpuint(kbd->mouse.q.count, <=, PS2_QUEUE_SIZE);
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/i8042/selftest", test_selftest);
    g_test_add_func("/i8042/command-byte", test_command_byte);
    g_test_add_func("/i8042/kbd-commands", test_kbd_commands);
    g_test_add_func("/i8042/keys", test_keys);
    g_test_add_func("/i8042/mouse", test_mouse);
    g_test_add_func("/i8042/reset-a20", test_reset_and_a20);
    g_test_add_func("/i8042/queue-bounded", test_queue_bounded);
    g_test_add_func("/i8042/hostile", test_hostile);
    ret = g_test_run();
    teardown();
    return ret;
}
