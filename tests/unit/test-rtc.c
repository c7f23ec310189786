/*
 * test-rtc.c: unit tests of the MC146818 RTC / CMOS device through I/O
 * ports 0x70/0x71: host time in BCD, binary and 12-hour formats, the SET
 * bit, register C and IRQ 8, the periodic interrupt, UIP, CMOS RAM and
 * hostile register writes.
 */
#include "qemu/osdep.h"
#include "hw/rtc/mc146818rtc.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "test-helpers.h"

#define A MEMTXATTRS_UNSPECIFIED

static RTCState *rtc;
static qemu_irq rtc_irq;
static int irq_level;
static int irq_raises;

static void irq_handler(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        irq_raises++;
    }
    irq_level = level;
}

static uint8_t cmos_read(int idx)
{
    address_space_stb(&address_space_io, 0x70, idx, A, NULL);
    return address_space_ldub(&address_space_io, 0x71, A, NULL);
}

static void cmos_write(int idx, uint8_t val)
{
    address_space_stb(&address_space_io, 0x70, idx, A, NULL);
    address_space_stb(&address_space_io, 0x71, val, A, NULL);
}

static int from_bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 15);
}

static void rtc_fresh(QEMUClockType clock)
{
    if (rtc) {
        object_unparent(OBJECT(rtc));
        qemu_free_irq(rtc_irq);
        rtc = NULL;
    }
    if (clock == QEMU_CLOCK_MAX) {
        return;
    }
    rtc = MC146818_RTC(qdev_new(TYPE_MC146818_RTC));
    rtc_irq = qemu_allocate_irq(irq_handler, NULL, 0);
    isa_connect_irq(ISA_DEVICE(rtc), 0, rtc_irq);
    mc146818rtc_set_base(rtc, time(NULL), clock);
    g_assert_true(qdev_realize_and_unref(DEVICE(rtc), NULL, &error_abort));
    irq_level = 0;
    irq_raises = 0;
}

/* Read the time registers into a struct tm, twice if a second ticked. */
static void read_tm(struct tm *tm, bool bcd, bool h24)
{
    for (int tries = 0; tries < 3; tries++) {
        uint8_t r[10], sec2;
        int hour;

        for (int i = 0; i < 10; i++) {
            r[i] = cmos_read(i);
        }
        sec2 = cmos_read(RTC_SECONDS);
        if (sec2 != r[0]) {
            continue;
        }
#define CV(v) (bcd ? from_bcd(v) : (v))
        memset(tm, 0, sizeof(*tm));
        tm->tm_sec = CV(r[0]);
        tm->tm_min = CV(r[2]);
        hour = CV(r[4] & 0x7f);
        if (!h24) {
            hour = (hour % 12) + ((r[4] & 0x80) ? 12 : 0);
        }
        tm->tm_hour = hour;
        tm->tm_wday = CV(r[6]) - 1;
        tm->tm_mday = CV(r[7]);
        tm->tm_mon = CV(r[8]) - 1;
        tm->tm_year = CV(r[9]) + CV(cmos_read(RTC_CENTURY)) * 100 - 1900;
#undef CV
        return;
    }
    g_assert_not_reached();
}

static void check_host_time(bool bcd, bool h24)
{
    for (int tries = 0; tries < 3; tries++) {
        time_t before = time(NULL), after;
        struct tm got, want;

        read_tm(&got, bcd, h24);
        after = time(NULL);
        if (before != after) {
            continue;           /* raced a second boundary */
        }
        gmtime_r(&before, &want);
        g_assert_cmpint(got.tm_sec, ==, want.tm_sec);
        g_assert_cmpint(got.tm_min, ==, want.tm_min);
        g_assert_cmpint(got.tm_hour, ==, want.tm_hour);
        g_assert_cmpint(got.tm_wday, ==, want.tm_wday);
        g_assert_cmpint(got.tm_mday, ==, want.tm_mday);
        g_assert_cmpint(got.tm_mon, ==, want.tm_mon);
        g_assert_cmpint(got.tm_year, ==, want.tm_year);
        return;
    }
    g_assert_not_reached();
}

static void test_host_time(void)
{
    rtc_fresh(QEMU_CLOCK_HOST);
    g_assert_cmphex(cmos_read(RTC_REG_D), ==, RTC_REG_D_VRT);
    g_assert_cmphex(cmos_read(RTC_REG_B), ==, RTC_REG_B_24H);
    check_host_time(true, true);

    cmos_write(RTC_REG_B, RTC_REG_B_24H | RTC_REG_B_DM);
    check_host_time(false, true);

    cmos_write(RTC_REG_B, 0);
    check_host_time(true, false);
    cmos_write(RTC_REG_B, RTC_REG_B_DM);
    check_host_time(false, false);
}

static void test_12h_pm(void)
{
    rtc_fresh(QEMU_CLOCK_VIRTUAL);
    /* 2021-03-04 15:30:00 UTC; the virtual clock barely moves here. */
    mc146818rtc_set_base(rtc, 1614871800, QEMU_CLOCK_VIRTUAL);
    cmos_write(RTC_REG_B, 0);                   /* BCD, 12-hour */
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 0x83);
    g_assert_cmphex(cmos_read(RTC_MINUTES), ==, 0x30);
    cmos_write(RTC_REG_B, RTC_REG_B_24H);
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 0x15);
    cmos_write(RTC_REG_B, RTC_REG_B_DM);        /* binary, 12-hour */
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 0x83);
    /* Midnight is 12 AM, noon 12 PM. */
    mc146818rtc_set_base(rtc, 1614816000, QEMU_CLOCK_VIRTUAL);
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 12);
    mc146818rtc_set_base(rtc, 1614816000 + 12 * 3600, QEMU_CLOCK_VIRTUAL);
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 0x8c);
    /* A guest write in 12-hour mode: 1 PM. */
    cmos_write(RTC_REG_B, RTC_REG_B_SET | RTC_REG_B_DM);
    cmos_write(RTC_HOURS, 0x81);
    cmos_write(RTC_REG_B, RTC_REG_B_DM);
    cmos_write(RTC_REG_B, RTC_REG_B_DM | RTC_REG_B_24H);
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 13);
}

static void test_set_bit(void)
{
    time_t t;

    rtc_fresh(QEMU_CLOCK_REALTIME);
    cmos_write(RTC_REG_B, RTC_REG_B_SET | RTC_REG_B_24H);
    g_assert_cmphex(cmos_read(RTC_REG_A) & RTC_REG_A_UIP, ==, 0);
    cmos_write(RTC_SECONDS, 0x58);
    cmos_write(RTC_MINUTES, 0x59);
    cmos_write(RTC_HOURS, 0x23);
    cmos_write(RTC_DAY_OF_MONTH, 0x31);
    cmos_write(RTC_MONTH, 0x12);
    cmos_write(RTC_YEAR, 0x99);
    cmos_write(RTC_CENTURY, 0x19);
    /* Frozen: it stays while SET is up. */
    spin(1100);
    g_assert_cmphex(cmos_read(RTC_SECONDS), ==, 0x58);
    g_assert_cmphex(cmos_read(RTC_YEAR), ==, 0x99);

    cmos_write(RTC_REG_B, RTC_REG_B_24H);
    t = mc146818rtc_get_time(rtc);
    g_assert_cmpint(t, >=, 946684798);          /* 1999-12-31 23:59:58 */
    g_assert_cmpint(t, <=, 946684799);
    /* And it runs from there, into the next century. */
    for (int i = 0; i < 40 && cmos_read(RTC_CENTURY) != 0x20; i++) {
        spin(100);
    }
    g_assert_cmphex(cmos_read(RTC_CENTURY), ==, 0x20);
    g_assert_cmphex(cmos_read(RTC_YEAR), ==, 0x00);
    g_assert_cmphex(cmos_read(RTC_MONTH), ==, 0x01);
    g_assert_cmphex(cmos_read(RTC_DAY_OF_MONTH), ==, 0x01);
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 0x00);
}

static void test_reg_c_and_periodic(QEMUClockType clock)
{
    uint8_t c;

    rtc_fresh(clock);
    /* Rate 15: 2 Hz. */
    cmos_write(RTC_REG_A, 0x2f);
    cmos_write(RTC_REG_B, RTC_REG_B_24H | RTC_REG_B_PIE);
    WAIT_FOR(irq_level);
    c = cmos_read(RTC_REG_C);
    g_assert_cmphex(c & (RTC_REG_C_IRQF | RTC_REG_C_PF), ==,
                    RTC_REG_C_IRQF | RTC_REG_C_PF);
    g_assert_cmpint(irq_level, ==, 0);
    /* Cleared on read. */
    g_assert_cmphex(cmos_read(RTC_REG_C) & RTC_REG_C_IRQF, ==, 0);
    /* It keeps coming. */
    WAIT_FOR(irq_level);
    g_assert_cmpint(irq_raises, >=, 2);
    cmos_write(RTC_REG_B, RTC_REG_B_24H);
    cmos_read(RTC_REG_C);
    g_assert_cmpint(irq_level, ==, 0);
}

static void test_periodic_vm(void)
{
    test_reg_c_and_periodic(QEMU_CLOCK_VIRTUAL);
}

static void test_periodic_rt(void)
{
    test_reg_c_and_periodic(QEMU_CLOCK_REALTIME);
}

static void test_update_and_alarm(void)
{
    rtc_fresh(QEMU_CLOCK_HOST);
    cmos_write(RTC_REG_B, RTC_REG_B_24H | RTC_REG_B_UIE);
    WAIT_FOR(irq_level);
    g_assert_cmphex(cmos_read(RTC_REG_C) & RTC_REG_C_UF, ==, RTC_REG_C_UF);
    g_assert_cmpint(irq_level, ==, 0);

    /* An alarm with every field "don't care" fires each second. */
    cmos_write(RTC_SECONDS_ALARM, 0xc0);
    cmos_write(RTC_MINUTES_ALARM, 0xff);
    cmos_write(RTC_HOURS_ALARM, 0xc5);
    cmos_write(RTC_REG_B, RTC_REG_B_24H | RTC_REG_B_AIE);
    cmos_read(RTC_REG_C);
    WAIT_FOR(irq_level);
    g_assert_cmphex(cmos_read(RTC_REG_C) & (RTC_REG_C_AF | RTC_REG_C_IRQF),
                    ==, RTC_REG_C_AF | RTC_REG_C_IRQF);
    cmos_write(RTC_REG_B, RTC_REG_B_24H);
}

static void test_uip(void)
{
    int set = 0, clear = 0;

    rtc_fresh(QEMU_CLOCK_HOST);
    /*
     * UIP is the last 244 us of every host second. Sleep to just before
     * that window and poll across it; a loaded host may deschedule us
     * through one window, so try up to ten seconds.
     */
    for (int tries = 0; tries < 10 && (!clear || !set); tries++) {
        int64_t now = qemu_clock_get_ns(QEMU_CLOCK_HOST);
        int64_t next = now - now % NANOSECONDS_PER_SECOND +
                       NANOSECONDS_PER_SECOND;
        int64_t start = next - 1000 * SCALE_US;

        if (now < start) {
            g_usleep((start - now) / SCALE_US);
        }
        while (qemu_clock_get_ns(QEMU_CLOCK_HOST) < next + 200 * SCALE_US) {
            if (cmos_read(RTC_REG_A) & RTC_REG_A_UIP) {
                set++;
            } else {
                clear++;
            }
        }
    }
    g_assert_cmpint(clear, >, 0);
    g_assert_cmpint(set, >, 0);
    /* The rest of register A reads back. */
    g_assert_cmphex(cmos_read(RTC_REG_A) & 0x7f, ==, 0x26);
}

static void test_cmos_ram(void)
{
    rtc_fresh(QEMU_CLOCK_HOST);
    for (int i = 0x0e; i < 0x80; i++) {
        if (i != RTC_CENTURY) {
            cmos_write(i, i ^ 0x5a);
        }
    }
    for (int i = 0x0e; i < 0x80; i++) {
        if (i != RTC_CENTURY) {
            g_assert_cmphex(cmos_read(i), ==, i ^ 0x5a);
        }
    }
    /* Bit 7 of the index is the NMI mask, not part of the address. */
    cmos_write(0x80 | 0x40, 0x77);
    g_assert_cmphex(cmos_read(0x40), ==, 0x77);
    g_assert_cmphex(cmos_read(0x80 | 0x40), ==, 0x77);
    /* The machine's API, bounds-checked. */
    rtc_set_memory(rtc, 0x10, 0xab);
    g_assert_cmphex(cmos_read(0x10), ==, 0xab);
    rtc_set_memory(rtc, 128, 1);
    rtc_set_memory(rtc, -1, 1);
    g_assert_cmpint(rtc_get_memory(rtc, 128), ==, -1);
    g_assert_cmpint(rtc_get_memory(rtc, 0x10), ==, 0xab);
    /* Registers C and D are read-only. */
    cmos_write(RTC_REG_D, 0);
    g_assert_cmphex(cmos_read(RTC_REG_D), ==, 0x80);
}

static void test_parse_opts(void)
{
    time_t base;
    QEMUClockType clock;
    Error *err = NULL;

    g_assert_true(mc146818rtc_parse_opts("2006-06-17T16:01:21", "vm", &base,
                                         &clock, &error_abort));
    g_assert_cmpint(base, ==, 1150560081);
    g_assert_cmpint(clock, ==, QEMU_CLOCK_VIRTUAL);
    g_assert_true(mc146818rtc_parse_opts("2006-06-17", "rt", &base, &clock,
                                         &error_abort));
    g_assert_cmpint(base, ==, 1150502400);
    g_assert_cmpint(clock, ==, QEMU_CLOCK_REALTIME);
    g_assert_true(mc146818rtc_parse_opts(NULL, NULL, &base, &clock,
                                         &error_abort));
    g_assert_cmpint(clock, ==, QEMU_CLOCK_HOST);
    g_assert_false(mc146818rtc_parse_opts("2006-13-01", NULL, &base, &clock,
                                          &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "invalid datetime format");
    error_free(err);
    err = NULL;
    g_assert_false(mc146818rtc_parse_opts("utc", "foo", &base, &clock,
                                          &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "invalid option value 'foo'");
    error_free(err);
}

static void test_hostile(void)
{
    GRand *r = g_rand_new_with_seed(1234);

    rtc_fresh(QEMU_CLOCK_VIRTUAL);
    for (int i = 0; i < 200000; i++) {
        uint16_t port = 0x70 + g_rand_int_range(r, 0, 2);

        if (g_rand_boolean(r)) {
            address_space_stb(&address_space_io, port, g_rand_int(r), A,
                              NULL);
        } else {
            address_space_ldub(&address_space_io, port, A, NULL);
        }
        if ((i & 1023) == 0) {
            main_loop_wait(true);
        }
    }
    /* Wide accesses too. */
    address_space_stl_le(&address_space_io, 0x70, 0xffffffff, A, NULL);
    address_space_ldl_le(&address_space_io, 0x70, A, NULL);
    /* Garbage time, then SET cleared: still a valid clock. */
    cmos_write(RTC_REG_A, 0x26);
    cmos_write(RTC_REG_B, RTC_REG_B_SET);
    for (int i = 0; i < 10; i++) {
        cmos_write(i, 0xff);
    }
    cmos_write(RTC_CENTURY, 0xff);
    cmos_write(RTC_REG_B, 0);
    cmos_read(RTC_SECONDS);
    cmos_write(RTC_REG_B, RTC_REG_B_DM);
    cmos_write(RTC_CENTURY, 0xff);
    cmos_read(RTC_YEAR);
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/rtc/host-time", test_host_time);
    g_test_add_func("/rtc/12h-pm", test_12h_pm);
    g_test_add_func("/rtc/set-bit", test_set_bit);
    g_test_add_func("/rtc/periodic-vm", test_periodic_vm);
    g_test_add_func("/rtc/periodic-rt", test_periodic_rt);
    g_test_add_func("/rtc/update-alarm", test_update_and_alarm);
    g_test_add_func("/rtc/uip", test_uip);
    g_test_add_func("/rtc/cmos-ram", test_cmos_ram);
    g_test_add_func("/rtc/parse-opts", test_parse_opts);
    g_test_add_func("/rtc/hostile", test_hostile);
    ret = g_test_run();
    rtc_fresh(QEMU_CLOCK_MAX);      /* tear down */
    return ret;
}
