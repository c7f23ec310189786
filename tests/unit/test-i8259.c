/*
 * test-i8259.c: the cascaded 8259A pair through its I/O ports, as a guest
 * programs it: initialisation, masks, priorities and rotation, EOIs,
 * special mask, auto-EOI, level inputs via the ELCR, poll, the cascade
 * and spurious IRQ7.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/intc/i8259.h"

static I8259State *pic;
static int int_level;

static void int_out(void *opaque, int n, int level)
{
    int_level = level;
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

    address_space_read(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, &v, 1);
    return v;
}

/* The usual PC setup: vectors 0x20/0x28, cascade on IR2, 8086 mode. */
static void pic_setup(uint8_t icw4)
{
    i8259_reset(pic);
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, icw4);
    outb(0xa1, icw4);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
}

static void pulse(unsigned n)
{
    qemu_irq_pulse(i8259_irq(pic, n));
}

static void test_init_and_mask(void)
{
    pic_setup(0x01);
    g_assert_cmpint(int_level, ==, 0);
    outb(0x21, 0x5a);
    g_assert_cmpint(inb(0x21), ==, 0x5a);
    outb(0x21, 0xff);
    pulse(3);
    g_assert_cmpint(int_level, ==, 0);
    /* The masked request stays in IRR and fires once unmasked. */
    g_assert_cmpint(inb(0x20), ==, 0x08);
    outb(0x21, 0x00);
    g_assert_cmpint(int_level, ==, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x23);
    g_assert_cmpint(int_level, ==, 0);
    outb(0x20, 0x0b);           /* OCW3: read ISR */
    g_assert_cmpint(inb(0x20), ==, 0x08);
    outb(0x20, 0x20);
    g_assert_cmpint(inb(0x20), ==, 0x00);
    /* ICW1 clears the mask. */
    outb(0x21, 0xff);
    outb(0x20, 0x11);
    g_assert_cmpint(inb(0x21), ==, 0x00);
}

static void test_priority_and_nesting(void)
{
    pic_setup(0x01);
    pulse(5);
    g_assert_cmpint(i8259_ack(pic), ==, 0x25);
    /* Lower priority waits for the EOI, higher priority nests. */
    pulse(6);
    g_assert_cmpint(int_level, ==, 0);
    pulse(1);
    g_assert_cmpint(int_level, ==, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x21);
    outb(0x20, 0x20);           /* EOI for IR1, the highest in service */
    g_assert_cmpint(int_level, ==, 0);
    outb(0x20, 0x65);           /* specific EOI for IR5 */
    g_assert_cmpint(int_level, ==, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x26);
    outb(0x20, 0x20);
}

static void test_rotate(void)
{
    pic_setup(0x01);
    outb(0x20, 0xc4);           /* set priority: IR4 lowest, IR5 highest */
    pulse(1);
    pulse(6);
    g_assert_cmpint(i8259_ack(pic), ==, 0x26);
    outb(0x20, 0xa0);           /* rotate on non-specific EOI: IR6 lowest */
    g_assert_cmpint(i8259_ack(pic), ==, 0x21);
    outb(0x20, 0x20);
    /* rotate on specific EOI for IR3: IR4 now has the highest priority. */
    outb(0x20, 0xe3);
    pulse(0);
    pulse(4);
    g_assert_cmpint(i8259_ack(pic), ==, 0x24);
    outb(0x20, 0x20);
    g_assert_cmpint(i8259_ack(pic), ==, 0x20);
    outb(0x20, 0x20);
}

static void test_special_mask(void)
{
    pic_setup(0x01);
    pulse(2 + 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x23);
    pulse(5);
    g_assert_cmpint(int_level, ==, 0);
    /* Special mask mode with IR3 masked lets IR5 in. */
    outb(0x21, 0x08);
    outb(0x20, 0x68);
    g_assert_cmpint(int_level, ==, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x25);
    outb(0x20, 0x48);           /* reset special mask */
    outb(0x20, 0x65);
    outb(0x20, 0x63);
    g_assert_cmpint(int_level, ==, 0);
}

static void test_auto_eoi(void)
{
    pic_setup(0x03);
    pulse(4);
    g_assert_cmpint(i8259_ack(pic), ==, 0x24);
    outb(0x20, 0x0b);
    g_assert_cmpint(inb(0x20), ==, 0x00);
    /* Nothing in service: a lower priority request is taken at once. */
    pulse(7);
    g_assert_cmpint(i8259_ack(pic), ==, 0x27);
    /* Rotate in auto-EOI: the acknowledged IR becomes lowest. */
    outb(0x20, 0x80);
    pulse(1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x21);
    pulse(0);
    pulse(3);
    g_assert_cmpint(i8259_ack(pic), ==, 0x23);
    outb(0x20, 0x00);
}

static void test_level_elcr(void)
{
    qemu_irq line;

    pic_setup(0x01);
    outb(0x4d1, 0xff);
    g_assert_cmpint(inb(0x4d1), ==, 0xde);     /* IRQ8, 13 stay edge */
    outb(0x4d0, 0xff);
    g_assert_cmpint(inb(0x4d0), ==, 0xf8);
    line = i8259_irq(pic, 5);
    qemu_irq_raise(line);
    g_assert_cmpint(i8259_ack(pic), ==, 0x25);
    outb(0x20, 0x20);
    /* Still high: asserted again after the EOI. */
    g_assert_cmpint(int_level, ==, 1);
    qemu_irq_lower(line);
    g_assert_cmpint(int_level, ==, 0);
    /* An edge input keeps its request after the line drops. */
    outb(0x4d0, 0x00);
    pulse(5);
    g_assert_cmpint(int_level, ==, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x25);
    outb(0x20, 0x20);
    outb(0x4d1, 0x00);
}

static void test_poll(void)
{
    pic_setup(0x01);
    outb(0x20, 0x0c);
    g_assert_cmpint(inb(0x20), ==, 0x00);
    pulse(6);
    outb(0x20, 0x0c);
    g_assert_cmpint(inb(0x20), ==, 0x86);
    outb(0x20, 0x0b);
    g_assert_cmpint(inb(0x20), ==, 0x40);
    outb(0x20, 0x20);
    g_assert_cmpint(int_level, ==, 0);
}

static void test_cascade(void)
{
    pic_setup(0x01);
    pulse(12);
    g_assert_cmpint(int_level, ==, 1);
    g_assert_cmpint(i8259_ack(pic), ==, 0x2c);
    outb(0xa0, 0x0b);
    g_assert_cmpint(inb(0xa0), ==, 0x10);
    outb(0x20, 0x0b);
    g_assert_cmpint(inb(0x20), ==, 0x04);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    /* A masked slave input does not reach the master. */
    outb(0xa1, 0x01);
    pulse(8);
    g_assert_cmpint(int_level, ==, 0);
    outb(0xa1, 0x00);
    g_assert_cmpint(i8259_ack(pic), ==, 0x28);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

static void test_spurious(void)
{
    g_autoptr(GString) info = g_string_new("");

    pic_setup(0x01);
    /* INTA with nothing pending: IR7's vector, nothing in service. */
    g_assert_cmpint(i8259_ack(pic), ==, 0x27);
    outb(0x20, 0x0b);
    g_assert_cmpint(inb(0x20), ==, 0x00);
    i8259_format_info(pic, info);
    g_assert_cmpstr(info->str, ==,
                    "pic0: irr=00 imr=00 isr=00 hprio=0 irq_base=20 rr_sel=1 "
                    "elcr=00 fnm=0\n"
                    "pic1: irr=00 imr=00 isr=00 hprio=0 irq_base=28 rr_sel=0 "
                    "elcr=00 fnm=0\n");
    /* Hostile writes: no crash, a sane state after. */
    for (unsigned v = 0; v < 256; v++) {
        outb(0x20, v);
        outb(0x21, v);
        outb(0xa0, v);
        outb(0xa1, v);
        inb(0x20);
        inb(0xa1);
    }
    pic_setup(0x01);
    g_assert_cmpint(int_level, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    memory_init();
    pic = i8259_init(get_system_io(), NULL,
                     qemu_allocate_irq(int_out, NULL, 0));
    g_test_add_func("/i8259/init-mask", test_init_and_mask);
    g_test_add_func("/i8259/priority", test_priority_and_nesting);
    g_test_add_func("/i8259/rotate", test_rotate);
    g_test_add_func("/i8259/special-mask", test_special_mask);
    g_test_add_func("/i8259/auto-eoi", test_auto_eoi);
    g_test_add_func("/i8259/level-elcr", test_level_elcr);
    g_test_add_func("/i8259/poll", test_poll);
    g_test_add_func("/i8259/cascade", test_cascade);
    g_test_add_func("/i8259/spurious", test_spurious);
    return g_test_run();
}
