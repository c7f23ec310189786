/*
 * test-acpi-pm.c: unit tests of the ACPI PM block ("acpi-pm") through its
 * I/O ports at 0x600: SCI_EN, S5 soft-off, the PM timer and its carry SCI,
 * the fixed power button, byte access to sub-registers, reset, and hostile
 * accesses. Time is moved with acpi_pm_timer_warp, never measured.
 */
#include "qemu/osdep.h"
#include "hw/acpi/pm.h"
#include "hw/i386/acpi-build.h"
#include "hw/qdev-properties.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "exec/memory.h"
#include "test-helpers.h"

#define A MEMTXATTRS_UNSPECIFIED
#define BASE 0x600
#define STS (BASE + ACPI_PM_STS)
#define EN (BASE + ACPI_PM_EN)
#define CNT (BASE + ACPI_PM_CNT)
#define TMR (BASE + ACPI_PM_TMR)
#define SLP_TYP(t) ((t) << ACPI_PM1_CNT_SLP_TYP_SHIFT)

static DeviceState *pm;
static qemu_irq sci;
static int sci_level;
static int shutdowns;
static ShutdownCause last_cause;

static void sci_handler(void *opaque, int n, int level)
{
    sci_level = level;
}

static void shutdown_notifier(void *opaque, ShutdownCause cause)
{
    last_cause = cause;
    shutdowns++;
}

/* Serve pending requests as the main loop would; count shutdowns. */
static int take_shutdowns(void)
{
    int status, n;

    while (main_loop_should_exit(&status)) {
        g_assert_cmpint(status, ==, 0);
    }
    n = shutdowns;
    shutdowns = 0;
    return n;
}

static uint8_t inb(uint16_t port)
{
    return address_space_ldub(&address_space_io, port, A, NULL);
}

static uint16_t inw(uint16_t port)
{
    return address_space_lduw_le(&address_space_io, port, A, NULL);
}

static uint32_t inl(uint16_t port)
{
    return address_space_ldl_le(&address_space_io, port, A, NULL);
}

static void outb(uint16_t port, uint8_t v)
{
    address_space_stb(&address_space_io, port, v, A, NULL);
}

static void outw(uint16_t port, uint16_t v)
{
    address_space_stw_le(&address_space_io, port, v, A, NULL);
}

static void outl(uint16_t port, uint32_t v)
{
    address_space_stl_le(&address_space_io, port, v, A, NULL);
}

static void teardown(void)
{
    if (pm) {
        object_unparent(OBJECT(pm));
        qemu_free_irq(sci);
        pm = NULL;
    }
}

static void fresh(void)
{
    teardown();
    sci = qemu_allocate_irq(sci_handler, NULL, 0);
    sci_level = 0;
    pm = acpi_pm_create(BASE, sci, &error_abort);
    g_assert_nonnull(pm);
    take_shutdowns();
}

static uint32_t tmr_read(void)
{
    uint32_t v = inl(TMR);

    g_assert_cmphex(v, <=, ACPI_PM_TMR_MASK);
    return v;
}

/* Nanoseconds of PM timer time for ticks (rounded up). */
static int64_t ticks_ns(int64_t ticks)
{
    return (ticks * NANOSECONDS_PER_SECOND + ACPI_PM_TMR_FREQ - 1) /
           ACPI_PM_TMR_FREQ;
}

/* Warp the timer to about margin ticks before it reaches target. */
static void warp_to(uint32_t target, uint32_t margin)
{
    uint32_t now = tmr_read();

    g_assert_cmpuint(now + margin, <, target);
    acpi_pm_timer_warp(pm, ticks_ns(target - margin - now));
}

static void test_power_on(void)
{
    fresh();
    g_assert_cmphex(inw(STS), ==, 0);
    g_assert_cmphex(inw(EN), ==, 0);
    g_assert_cmphex(inw(CNT), ==, ACPI_PM1_CNT_SCI_EN);
    /* SCI_EN stays set whatever the OS writes. */
    outw(CNT, 0);
    g_assert_cmphex(inw(CNT), ==, ACPI_PM1_CNT_SCI_EN);
    outb(CNT, 0);
    g_assert_cmphex(inb(CNT), ==, ACPI_PM1_CNT_SCI_EN);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_cmpint(take_shutdowns(), ==, 0);
}

static void test_s5(void)
{
    fresh();
    qemu_register_shutdown_notifier(shutdown_notifier, NULL);
    /* SLP_TYP alone sleeps nothing and reads back; SLP_EN reads 0. */
    outw(CNT, SLP_TYP(ACPI_SLP_TYP_S5));
    g_assert_cmpint(take_shutdowns(), ==, 0);
    outw(CNT, SLP_TYP(ACPI_SLP_TYP_S5) | ACPI_PM1_CNT_SLP_EN);
    g_assert_cmpint(take_shutdowns(), ==, 1);
    g_assert_cmpint(last_cause, ==, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    g_assert_cmphex(inw(CNT) & ACPI_PM1_CNT_SLP_EN, ==, 0);

    /* Other sleep types are not implemented: nothing happens. */
    outw(CNT, SLP_TYP(1) | ACPI_PM1_CNT_SLP_EN);
    g_assert_cmpint(take_shutdowns(), ==, 0);
    g_assert_cmphex(inw(CNT), ==, SLP_TYP(1) | ACPI_PM1_CNT_SCI_EN);
    outw(CNT, SLP_TYP(5) | ACPI_PM1_CNT_SLP_EN);
    g_assert_cmpint(take_shutdowns(), ==, 0);

    /* ACPICA's order: SLP_TYP, then SLP_EN in a write of the high byte. */
    outw(CNT, SLP_TYP(ACPI_SLP_TYP_S5));
    outb(CNT + 1, ACPI_PM1_CNT_SLP_EN >> 8);
    g_assert_cmpint(take_shutdowns(), ==, 1);
    g_assert_cmpint(last_cause, ==, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    qemu_unregister_request_notifier(shutdown_notifier, NULL);
}

static void test_timer_counts(void)
{
    uint32_t a, b, prev;
    bool wrapped = false;

    fresh();
    a = tmr_read();
    g_usleep(1000);
    b = tmr_read();
    g_assert_cmpuint(b, >, a);
    /* Only dword reads reach the timer. */
    g_assert_cmphex(inw(TMR), ==, 0);
    g_assert_cmphex(inb(TMR + 1), ==, 0);
    outl(TMR, 0);
    g_assert_cmpuint(tmr_read(), >=, b);

    /* About 2 ms before the 24-bit wrap, then watch it go through. */
    warp_to(ACPI_PM_TMR_MASK + 1, 7000);
    prev = tmr_read();
    g_assert_cmpuint(prev, >, ACPI_PM_TMR_MASK - 8000);
    for (int i = 0; i < 100000 && !wrapped; i++) {
        uint32_t v = tmr_read();

        if (v < prev) {
            g_assert_cmpuint(v, <, 0x100000);
            wrapped = true;
        }
        prev = v;
        g_usleep(100);
    }
    g_assert_true(wrapped);
    /* Bit 23 went 1 -> 0 (and earlier 0 -> 1): TMR_STS is set. */
    g_assert_cmphex(inw(STS) & ACPI_PM1_STS_TMR, ==, ACPI_PM1_STS_TMR);
}

static void test_timer_sci(void)
{
    ACPIPMState *s;

    fresh();
    s = ACPI_PM(pm);
    /* No carry interrupt enabled: nothing is armed for an idle VM. */
    g_assert_false(timer_pending(s->tmr_timer));

    /* A carry with TMR_EN clear latches TMR_STS without an SCI. */
    warp_to(1 << 23, 0);
    acpi_pm_timer_warp(pm, ticks_ns(10));
    g_assert_cmphex(inw(STS), ==, ACPI_PM1_STS_TMR);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_false(timer_pending(s->tmr_timer));
    /* Enabling it with the status pending raises the SCI at once. */
    outw(EN, ACPI_PM1_EN_TMR);
    g_assert_cmpint(sci_level, ==, 1);
    g_assert_true(timer_pending(s->tmr_timer));
    /* Write 1 to clear; a 0 bit does nothing. */
    outw(STS, ACPI_PM1_STS_PWRBTN);
    g_assert_cmpint(sci_level, ==, 1);
    outw(STS, ACPI_PM1_STS_TMR);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_cmphex(inw(STS), ==, 0);

    /* The next carry (bit 23 1 -> 0) comes from the timer, not a read. */
    warp_to(ACPI_PM_TMR_MASK + 1, 3000);
    WAIT_FOR(sci_level == 1);
    g_assert_cmphex(inw(STS), ==, ACPI_PM1_STS_TMR);
    g_assert_cmpuint(tmr_read(), <, 1 << 23);
    outw(STS, ACPI_PM1_STS_TMR);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_true(timer_pending(s->tmr_timer));

    /* Disabled again: no timer, no SCI. */
    outw(EN, 0);
    g_assert_false(timer_pending(s->tmr_timer));
    g_assert_cmpint(sci_level, ==, 0);
}

static void test_power_button(void)
{
    fresh();
    /* Not enabled: the status is set, no SCI. */
    qemu_system_powerdown_request();
    take_shutdowns();
    g_assert_cmphex(inw(STS), ==, ACPI_PM1_STS_PWRBTN);
    g_assert_cmpint(sci_level, ==, 0);
    outw(STS, ACPI_PM1_STS_PWRBTN);
    g_assert_cmphex(inw(STS), ==, 0);

    outw(EN, ACPI_PM1_EN_PWRBTN);
    g_assert_cmpint(sci_level, ==, 0);
    qemu_system_powerdown_request();
    take_shutdowns();
    g_assert_cmphex(inw(STS), ==, ACPI_PM1_STS_PWRBTN);
    g_assert_cmpint(sci_level, ==, 1);
    outw(STS, ACPI_PM1_STS_PWRBTN);
    g_assert_cmpint(sci_level, ==, 0);

    /* Disabling the enable with the status set lowers the SCI too. */
    qemu_system_powerdown_request();
    take_shutdowns();
    g_assert_cmpint(sci_level, ==, 1);
    outw(EN, 0);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_cmpint(take_shutdowns(), ==, 0);
}

static void test_sub_registers(void)
{
    fresh();
    /* PWRBTN_EN is bit 0 of the high byte of PM1_EN. */
    outb(EN + 1, ACPI_PM1_EN_PWRBTN >> 8);
    g_assert_cmphex(inw(EN), ==, ACPI_PM1_EN_PWRBTN);
    g_assert_cmphex(inb(EN), ==, 0);
    g_assert_cmphex(inb(EN + 1), ==, 1);
    outb(EN, ACPI_PM1_EN_TMR);      /* the high byte is kept */
    g_assert_cmphex(inw(EN), ==, ACPI_PM1_EN_PWRBTN | ACPI_PM1_EN_TMR);
    outb(EN, 0);
    /* The enable bits ACPI defines read back (Linux checks GBL_EN, RTC_EN); reserved ones read 0. */
    outw(EN, 0xffff);
    g_assert_cmphex(inw(EN), ==, ACPI_PM1_EN_PWRBTN | ACPI_PM1_EN_TMR | ACPI_PM1_EN_GBL |
                    ACPI_PM1_EN_SLPBTN | ACPI_PM1_EN_RTC);
    outw(EN, ACPI_PM1_EN_PWRBTN);

    qemu_system_powerdown_request();
    take_shutdowns();
    g_assert_cmpint(sci_level, ==, 1);
    g_assert_cmphex(inb(STS + 1), ==, 1);
    /* The dword at the event block is PM1_STS | PM1_EN << 16. */
    g_assert_cmphex(inl(STS), ==,
                    ACPI_PM1_STS_PWRBTN | (ACPI_PM1_EN_PWRBTN << 16));
    /* Clearing through the wrong byte does nothing; the right one does. */
    outb(STS, 0xff);
    g_assert_cmphex(inw(STS), ==, ACPI_PM1_STS_PWRBTN);
    outb(STS + 1, 0x01);
    g_assert_cmphex(inw(STS), ==, 0);
    g_assert_cmpint(sci_level, ==, 0);

    /* A dword write sets PM1_EN and clears PM1_STS together. */
    qemu_system_powerdown_request();
    take_shutdowns();
    outl(STS, ACPI_PM1_STS_PWRBTN | (ACPI_PM1_EN_TMR << 16));
    g_assert_cmphex(inw(STS) & ACPI_PM1_STS_PWRBTN, ==, 0);
    g_assert_cmphex(inw(EN), ==, ACPI_PM1_EN_TMR);
    outw(EN, 0);

    /* SLP_TYP bit 10 is bit 2 of the high byte of PM1_CNT. */
    outb(CNT + 1, 0x04);
    g_assert_cmphex(inw(CNT), ==, SLP_TYP(1) | ACPI_PM1_CNT_SCI_EN);
    g_assert_cmphex(inl(CNT), ==, SLP_TYP(1) | ACPI_PM1_CNT_SCI_EN);
    outw(CNT, 0);

    /* Misaligned, wrong-size and out-of-block accesses are refused. */
    g_assert_cmphex(inw(STS + 1), ==, 0);
    g_assert_cmphex(inl(EN), ==, 0);
    g_assert_cmphex(inb(BASE + 0x0c), ==, 0);
    g_assert_cmphex(inl(BASE + 0x3c), ==, 0);
    outw(EN + 1, 0xffff);
    outl(EN, 0xffffffff);
    outb(BASE + 0x07, 0xff);
    g_assert_cmphex(inw(EN), ==, 0);
    g_assert_cmphex(inw(CNT), ==, ACPI_PM1_CNT_SCI_EN);
    g_assert_cmpint(take_shutdowns(), ==, 0);
}

static void test_reset(void)
{
    ACPIPMState *s;

    fresh();
    s = ACPI_PM(pm);
    outw(EN, ACPI_PM1_EN_PWRBTN | ACPI_PM1_EN_TMR);
    outw(CNT, SLP_TYP(3));
    qemu_system_powerdown_request();
    take_shutdowns();
    g_assert_cmpint(sci_level, ==, 1);
    g_assert_true(timer_pending(s->tmr_timer));

    device_cold_reset(pm);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_false(timer_pending(s->tmr_timer));
    g_assert_cmphex(inw(STS), ==, 0);
    g_assert_cmphex(inw(EN), ==, 0);
    g_assert_cmphex(inw(CNT), ==, ACPI_PM1_CNT_SCI_EN);
    g_assert_cmpuint(tmr_read(), <, 1 << 23);
}

static void test_bad_base(void)
{
    DeviceState *dev = qdev_new(TYPE_ACPI_PM);
    Error *err = NULL;

    qdev_prop_set_uint16(dev, "pm-base", 0xffe0);
    g_assert_false(qdev_realize(dev, NULL, &err));
    g_assert_nonnull(err);
    error_free(err);
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
}

static void test_hostile(void)
{
    GRand *r = g_rand_new_with_seed(0x5c1);
    static const unsigned sizes[] = { 1, 2, 4 };
    ACPIPMState *s;

    fresh();
    s = ACPI_PM(pm);
    for (int i = 0; i < 200000; i++) {
        uint16_t port = BASE + g_rand_int_range(r, 0, ACPI_PM_IO_SIZE);
        unsigned size = sizes[g_rand_int_range(r, 0, 3)];
        uint32_t val = g_rand_int(r);

        if (g_rand_boolean(r)) {
            address_space_write(&address_space_io, port, A, &val, size);
        } else {
            address_space_read(&address_space_io, port, A, &val, size);
        }
        if ((i & 1023) == 0) {
            qemu_system_powerdown_request();
            acpi_pm_timer_warp(pm, g_rand_int(r));
            take_shutdowns();
            main_loop_wait(true);
        }
        g_assert_cmphex(s->cnt & ACPI_PM1_CNT_SCI_EN, ==, ACPI_PM1_CNT_SCI_EN);
        g_assert_cmphex(s->cnt & ACPI_PM1_CNT_SLP_EN, ==, 0);
        g_assert_cmphex(s->en & ~(ACPI_PM1_EN_TMR | ACPI_PM1_EN_GBL | ACPI_PM1_EN_PWRBTN |
                                  ACPI_PM1_EN_SLPBTN | ACPI_PM1_EN_RTC), ==, 0);
        g_assert_cmpint(sci_level, ==, (s->sts & s->en) != 0);
    }
    take_shutdowns();
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/acpi-pm/power-on", test_power_on);
    g_test_add_func("/acpi-pm/s5", test_s5);
    g_test_add_func("/acpi-pm/timer-counts", test_timer_counts);
    g_test_add_func("/acpi-pm/timer-sci", test_timer_sci);
    g_test_add_func("/acpi-pm/power-button", test_power_button);
    g_test_add_func("/acpi-pm/sub-registers", test_sub_registers);
    g_test_add_func("/acpi-pm/reset", test_reset);
    g_test_add_func("/acpi-pm/bad-base", test_bad_base);
    g_test_add_func("/acpi-pm/hostile", test_hostile);
    ret = g_test_run();
    teardown();
    return ret;
}
