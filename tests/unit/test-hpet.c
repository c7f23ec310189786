/*
 * test-hpet.c: the HPET through its MMIO registers on a clock the test
 * sets: capabilities, the main counter, one-shot and periodic comparators,
 * edge and level interrupts, legacy replacement routing, 32-bit mode and
 * FSB (MSI) delivery into a local APIC.
 * A timer is fired by moving the clock to its expiry and running it.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/timer/hpet.h"
#include "hw/intc/apic.h"

static HPETState *hpet;
static int64_t fake_ns;
static int levels[HPET_NUM_GSI];
static int edges[HPET_NUM_GSI];
static int legacy_level;

static int64_t fake_clock(void)
{
    return fake_ns;
}

static void gsi_handler(void *opaque, int n, int level)
{
    if (level && !levels[n]) {
        edges[n]++;
    }
    levels[n] = level;
}

static void legacy_handler(void *opaque, int n, int level)
{
    legacy_level = level;
}

static uint64_t rd(hwaddr off)
{
    uint64_t v = 0;

    address_space_read(&address_space_memory, HPET_BASE + off,
                       MEMTXATTRS_UNSPECIFIED, &v, 8);
    return v;
}

static uint32_t rd32(hwaddr off)
{
    uint32_t v = 0;

    address_space_read(&address_space_memory, HPET_BASE + off,
                       MEMTXATTRS_UNSPECIFIED, &v, 4);
    return v;
}

static void wr(hwaddr off, uint64_t v)
{
    address_space_write(&address_space_memory, HPET_BASE + off,
                        MEMTXATTRS_UNSPECIFIED, &v, 8);
}

static void wr32(hwaddr off, uint32_t v)
{
    address_space_write(&address_space_memory, HPET_BASE + off,
                        MEMTXATTRS_UNSPECIFIED, &v, 4);
}

static void fresh(void)
{
    hpet_reset(hpet);
    memset(edges, 0, sizeof(edges));
    /* Far ahead of the real clock, so re-armed timers wait for fire(). */
    fake_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + 1000 * NANOSECONDS_PER_SECOND;
}

/* Run timer n at its expiry; false if it is not armed. */
static bool fire(unsigned n)
{
    int64_t when = timer_expire_time_ns(hpet->t[n].timer);

    if (when < 0) {
        return false;
    }
    fake_ns = when;
    timer_mod(hpet->t[n].timer, 0);
    qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
    return true;
}

static void test_caps_counter(void)
{
    fresh();
    g_assert_cmphex(rd(0x000), ==, 0x0098968000000000ULL | 0x8086a201);
    g_assert_cmphex(rd(0x100) >> 32, ==, 0x4);
    g_assert_cmphex(rd(0x100) & 0x30, ==, 0x30);
    /* Halted: the counter stands still and can be written. */
    wr(0x0f0, 1000);
    fake_ns += 5000;
    g_assert_cmpuint(rd(0x0f0), ==, 1000);
    wr(0x010, 1);
    /* Reset's all-ones comparators are never reached: nothing armed. */
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        g_assert_false(timer_pending(hpet->t[n].timer));
    }
    fake_ns += 5000;
    g_assert_cmpuint(rd(0x0f0), ==, 1500);
    g_assert_cmpuint(rd32(0x0f4), ==, 0);
    wr(0x010, 0);
    fake_ns += 5000;
    g_assert_cmpuint(rd(0x0f0), ==, 1500);
}

static void test_oneshot_edge(void)
{
    fresh();
    wr(0x120 + 0x08, 300);                      /* timer 1 comparator */
    wr(0x120, (5ULL << 9) | 0x4);               /* route 5, enabled, edge */
    wr(0x010, 1);
    g_assert_true(fire(1));
    g_assert_cmpuint(rd(0x0f0), ==, 300);
    g_assert_cmpint(edges[5], ==, 1);
    g_assert_cmpint(levels[5], ==, 0);
    g_assert_cmpuint(rd(0x020), ==, 0);
    /* 64-bit one-shot: done. */
    g_assert_false(fire(1));
}

static void test_periodic_level(void)
{
    fresh();
    wr(0x100, 0x4 | 0x8 | 0x40 | 0x2 | (2ULL << 9));
    wr(0x108, 100);                             /* SETVAL: comparator 100 */
    wr(0x108, 100);                             /* then the period */
    wr(0x010, 1);
    g_assert_true(fire(0));
    g_assert_cmpint(levels[2], ==, 1);
    g_assert_cmpuint(rd(0x020), ==, 1);
    g_assert_cmpuint(rd(0x108), ==, 200);
    /* The status holds the line until written back. */
    wr(0x020, 1);
    g_assert_cmpint(levels[2], ==, 0);
    g_assert_true(fire(0));
    g_assert_cmpuint(rd(0x0f0), ==, 200);
    g_assert_cmpuint(rd(0x108), ==, 300);
    g_assert_cmpint(edges[2], ==, 2);
    wr(0x020, 1);
}

static void test_legacy(void)
{
    fresh();
    wr(0x108, 50);
    wr(0x100, 0x4 | (2ULL << 9));
    wr(0x128, 70);
    wr(0x120, 0x4 | (2ULL << 9));
    wr(0x010, 3);
    g_assert_cmpint(legacy_level, ==, 1);
    g_assert_true(fire(0));
    g_assert_cmpint(edges[0], ==, 1);
    g_assert_cmpint(edges[2], ==, 0);
    g_assert_true(fire(1));
    g_assert_cmpint(edges[8], ==, 1);
    wr(0x010, 1);
    g_assert_cmpint(legacy_level, ==, 0);
}

static void test_32bit(void)
{
    fresh();
    wr(0x0f0, 0xfffffff0ULL);
    wr32(0x148, 0x10);                          /* timer 2, low half */
    wr(0x140, 0x4 | 0x100 | (2ULL << 9));       /* 32-bit mode */
    g_assert_cmphex(rd(0x148), ==, 0x10);
    wr(0x010, 1);
    /* The 32-bit comparator matches after the low half wraps. */
    g_assert_true(fire(2));
    g_assert_cmphex(rd(0x0f0), ==, 0x100000010ULL);
    g_assert_cmpint(edges[2], ==, 1);
    /* A 32-bit one-shot matches again one wrap later. */
    g_assert_true(fire(2));
    g_assert_cmphex(rd(0x0f0), ==, 0x200000010ULL);
    /* Hostile values: no crash. */
    wr(0x140, ~0ULL);
    wr(0x148, 0);
    wr(0x020, ~0ULL);
    rd(0x3f8);
    wr(0x3f8, 1);
    fresh();
}

static uint64_t msi_addr;
static uint32_t msi_data;
static int msi_count;

static void fake_msi(uint64_t addr, uint32_t data)
{
    msi_addr = addr;
    msi_data = data;
    msi_count++;
}

static void test_fsb(void)
{
    APICState *apic;

    fresh();
    /* Off by default (QEMU's msi=off): no capability, nothing sticks. */
    g_assert_cmphex(rd(0x100) & (3 << 14), ==, 0);
    wr(0x100, 1u << 14);
    wr(0x110, 0xfee0100000000045ULL);
    g_assert_cmphex(rd(0x100) & (1 << 14), ==, 0);
    g_assert_cmphex(rd(0x110), ==, 0);

    hpet_set_fsb_capable(hpet, true);
    hpet->send_msi = fake_msi;
    msi_count = 0;
    g_assert_cmphex(rd(0x120) & (1 << 15), ==, 1 << 15);
    /* Timer 0: FSB on, level type (ignored for FSB), IOAPIC route 2 unused. */
    wr(0x110, 0xfee0100000000045ULL);
    wr32(0x114, 0xfee02000);                    /* the address half alone */
    g_assert_cmphex(rd(0x110), ==, 0xfee0200000000045ULL);
    wr(0x108, 100);
    wr(0x100, (1u << 14) | 0x4 | 0x2 | (2ULL << 9));
    wr(0x010, 1);
    g_assert_true(fire(0));
    g_assert_cmpint(msi_count, ==, 1);
    g_assert_cmphex(msi_addr, ==, 0xfee02000);
    g_assert_cmphex(msi_data, ==, 0x45);
    g_assert_cmpint(edges[2] + levels[2], ==, 0);
    g_assert_cmpuint(rd(0x020), ==, 0);         /* edge: no status bit */
    /* Legacy replacement takes timer 0 back to IRQ0. */
    wr(0x108, 200);
    wr(0x010, 3);
    g_assert_true(fire(0));
    g_assert_cmpint(msi_count, ==, 1);
    g_assert_cmpint(levels[0], ==, 1);
    wr(0x020, 1);
    wr(0x010, 0);

    /* Into a real local APIC (ID 1): the vector lands in its IRR. */
    hpet->send_msi = apic_send_msi;
    apic = apic_new_cpu(NULL, NULL, 1, false);
    apic_reg_write(apic, 0xf0, 0x1ff);
    wr(0x128, rd(0x0f0) + 50);
    wr(0x130, 0xfee0100000000051ULL);           /* dest 1, vector 0x51 */
    wr(0x120, (1u << 14) | 0x4);
    wr(0x010, 1);
    g_assert_true(fire(1));
    g_assert_cmphex(apic_reg_read(apic, 0x220), ==, 1u << 17);
    g_assert_cmpint(apic_get_interrupt(apic), ==, 0x51);
    apic_free(apic);
    hpet_set_fsb_capable(hpet, false);
    g_assert_cmphex(rd(0x120) & (3 << 14), ==, 0);
    fresh();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    memory_init();
    hpet = hpet_init(get_system_memory(), NULL, HPET_BASE,
                     qemu_allocate_irqs(gsi_handler, NULL, HPET_NUM_GSI),
                     qemu_allocate_irq(legacy_handler, NULL, 0));
    hpet->clock_ns = fake_clock;
    g_test_add_func("/hpet/caps-counter", test_caps_counter);
    g_test_add_func("/hpet/oneshot-edge", test_oneshot_edge);
    g_test_add_func("/hpet/periodic-level", test_periodic_level);
    g_test_add_func("/hpet/legacy", test_legacy);
    g_test_add_func("/hpet/32bit", test_32bit);
    g_test_add_func("/hpet/fsb", test_fsb);
    return g_test_run();
}
