/*
 * test-i8254.c: the 8254 PIT through ports 0x40-0x43 and 0x61 on a clock
 * the test advances by whole PIT clocks: each mode's OUT waveform (read
 * through the status byte and port 0x61), counts, latch, read-back, BCD,
 * and channel 2's gate.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/timer/i8254.h"

static I8254State *pit;
static int64_t fake_ns;
static int64_t base_ns;

static int64_t fake_clock(void)
{
    return fake_ns;
}

/* The clock to the first ns at which clocks PIT clocks have passed. */
static void at_clock(uint64_t clocks)
{
    fake_ns = base_ns + (int64_t)((clocks * NANOSECONDS_PER_SECOND +
                                   I8254_FREQ - 1) / I8254_FREQ);
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

/* Program channel ch in mode with a 16-bit count; clock 0 is now. */
static void program(unsigned ch, unsigned mode, uint16_t count)
{
    base_ns += 1000000;
    fake_ns = base_ns;
    outb(0x43, (ch << 6) | 0x30 | (mode << 1));
    outb(0x40 + ch, count & 0xff);
    outb(0x40 + ch, count >> 8);
}

/* OUT through the read-back status byte. */
static int status_out(unsigned ch)
{
    outb(0x43, 0xe0 | (2u << ch));
    return inb(0x40 + ch) >> 7;
}

static uint16_t read_count(unsigned ch)
{
    uint16_t lo;

    outb(0x43, ch << 6);        /* counter latch */
    lo = inb(0x40 + ch);
    return lo | (inb(0x40 + ch) << 8);
}

static void check_wave(unsigned ch, const char *expect)
{
    for (unsigned d = 0; expect[d]; d++) {
        at_clock(d);
        g_assert_cmpint(status_out(ch), ==, expect[d] - '0');
    }
}

static void test_mode0(void)
{
    program(0, 0, 5);
    check_wave(0, "00000111");
    at_clock(3);
    g_assert_cmpint(read_count(0), ==, 2);
    /* Past terminal count the counter wraps and OUT stays high. */
    at_clock(7);
    g_assert_cmpint(read_count(0), ==, 0xfffe);
}

static void test_mode2(void)
{
    program(0, 2, 4);
    check_wave(0, "111011101110");
    at_clock(5);
    g_assert_cmpint(read_count(0), ==, 3);
}

static void test_mode3(void)
{
    program(0, 3, 4);
    check_wave(0, "110011001100");
    program(0, 3, 5);
    check_wave(0, "1110011100");
}

static void test_mode4(void)
{
    program(0, 4, 3);
    check_wave(0, "11101111");
}

static void test_gate_modes(void)
{
    /* Mode 1 on channel 2: nothing until the gate rises. */
    outb(0x61, 0x00);
    program(2, 1, 3);
    check_wave(2, "1111");
    outb(0x61, 0x01);           /* trigger at clock 3 */
    base_ns = fake_ns;
    check_wave(2, "00011");
    g_assert_cmpint(inb(0x61) & 0x21, ==, 0x21);
    /* Mode 5: a strobe three clocks after the trigger. */
    outb(0x61, 0x00);
    program(2, 5, 3);
    check_wave(2, "1111");
    outb(0x61, 0x01);
    base_ns = fake_ns;
    check_wave(2, "111011");
    /* Mode 2 with the gate low: OUT high, counting stopped. */
    outb(0x61, 0x00);
    program(2, 2, 4);
    check_wave(2, "1111111");
    outb(0x61, 0x01);
    base_ns = fake_ns;
    check_wave(2, "1110111");
    outb(0x61, 0x00);
}

static void test_port61(void)
{
    uint8_t a, b;

    outb(0x61, 0x02);
    a = inb(0x61);
    b = inb(0x61);
    g_assert_cmpint(a & 0x0f, ==, 0x02);
    g_assert_cmpint((a ^ b) & 0x10, ==, 0x10);    /* refresh toggles */
    /* Mode 0 on channel 2: OUT2 (bit 5) rises at terminal count. */
    outb(0x61, 0x01);
    program(2, 0, 2);
    at_clock(1);
    g_assert_cmpint(inb(0x61) & 0x20, ==, 0);
    at_clock(2);
    g_assert_cmpint(inb(0x61) & 0x20, ==, 0x20);
    outb(0x61, 0x00);
}

static void test_latch_readback(void)
{
    program(1, 2, 1000);
    at_clock(10);
    outb(0x43, 0x40);           /* latch channel 1 */
    at_clock(500);
    g_assert_cmpint(inb(0x41), ==, 990 & 0xff);
    g_assert_cmpint(inb(0x41), ==, 990 >> 8);
    /* Read-back of status and count: status first, then the count. */
    outb(0x43, 0xc4);
    g_assert_cmpint(inb(0x41), ==, 0x80 | 0x30 | (2 << 1));
    g_assert_cmpint(inb(0x41), ==, 500 & 0xff);
    g_assert_cmpint(inb(0x41), ==, 500 >> 8);
    /* After a control word: null count until the count is written. */
    outb(0x43, 0x74);
    outb(0x43, 0xe4);
    g_assert_cmpint(inb(0x41) & 0x40, ==, 0x40);
    /* LSB-only access. */
    program(1, 0, 0);
    outb(0x43, 0x50);
    outb(0x41, 50);
    at_clock(20);
    g_assert_cmpint(inb(0x41), ==, 30);
    g_assert_cmpint(inb(0x41), ==, 30);
}

static void test_bcd(void)
{
    base_ns += 1000000;
    fake_ns = base_ns;
    outb(0x43, 0x31);           /* channel 0, lo/hi, mode 0, BCD */
    outb(0x40, 0x00);
    outb(0x40, 0x01);           /* 100 */
    at_clock(1);
    g_assert_cmpint(read_count(0), ==, 0x0099);
    at_clock(100);
    g_assert_cmpint(status_out(0), ==, 1);
    /* Non-decimal digits are the guest's problem, not a crash. */
    outb(0x40, 0xff);
    outb(0x40, 0xff);
    at_clock(3);
    read_count(0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    memory_init();
    pit = i8254_init(get_system_io(), NULL, NULL);
    pit->clock_ns = fake_clock;
    i8254_reset(pit);
    g_test_add_func("/i8254/mode0", test_mode0);
    g_test_add_func("/i8254/mode2", test_mode2);
    g_test_add_func("/i8254/mode3", test_mode3);
    g_test_add_func("/i8254/mode4", test_mode4);
    g_test_add_func("/i8254/gate-modes", test_gate_modes);
    g_test_add_func("/i8254/port61", test_port61);
    g_test_add_func("/i8254/latch-readback", test_latch_readback);
    g_test_add_func("/i8254/bcd", test_bcd);
    return g_test_run();
}
