/*
 * hpet: the HPET at 0xfed00000 (IA-PC HPET 1.0a) through the 8259, facts
 * that do not depend on speed: capabilities, the main counter halted and
 * running with ENABLE_CNF, legacy replacement taking IRQ0 from a PIT that
 * is still programmed (silent while the HPET is halted), timer 0 periodic
 * on IRQ0, timer 1 one-shot on IRQ8 (exactly one interrupt), the PIT back
 * on IRQ0 once legacy replacement is off. Waits are bounded by the TSC
 * (busy, IF=1). With -machine hpet=off it prints that there is none.
 * Exit: PASS (33).
 */
#include "lib.h"

#define HPET        0xfed00000ul
#define V_IRQ0      0x20        /* 8259 master base */
#define V_IRQ8      0x28        /* 8259 slave base */
#define PIT_HZ      1193182
#define TICK_HZ     1000

static volatile unsigned count[48];

static uint64_t hpet_read(unsigned r)
{
    return *(volatile uint64_t *)(HPET + r);
}

static void hpet_write(unsigned r, uint64_t v)
{
    *(volatile uint64_t *)(HPET + r) = v;
}

static void pic_handler(struct trap_frame *f)
{
    count[f->vector]++;
    if (f->vector >= V_IRQ8) {
        outb(0xa0, 0x20);
    }
    outb(0x20, 0x20);
}

/* Busy-wait with IF=1 until count[v] >= want or ~2^31 TSC cycles pass. */
static void wait_count(unsigned v, unsigned want)
{
    uint64_t t0 = rdtsc();

    __asm__ volatile("sti");
    while (count[v] < want && rdtsc() - t0 < (1ul << 31)) {
        __asm__ volatile("pause");
    }
    __asm__ volatile("cli");
}

/* Busy-wait with IF=1 for ~2^25 TSC cycles (10+ ms here): stray ticks land. */
static void settle(void)
{
    uint64_t t0 = rdtsc();

    __asm__ volatile("sti");
    while (rdtsc() - t0 < (1ul << 25)) {
        __asm__ volatile("pause");
    }
    __asm__ volatile("cli");
}

static void pic_init(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, V_IRQ0);
    outb(0xa1, V_IRQ8);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xfa);           /* IRQ0 and the cascade */
    outb(0xa1, 0xfe);           /* IRQ8 */
}

static void clear_counts(void)
{
    for (unsigned v = 0; v < 48; v++) {
        count[v] = 0;
    }
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint64_t cap = hpet_read(0);
    uint32_t period_fs = (uint32_t)(cap >> 32);
    uint16_t divisor = (PIT_HZ + TICK_HZ / 2) / TICK_HZ;

    if (cap == 0 || cap == ~0ull || !period_fs) {
        printf("hpet: none at %lx\n", HPET);
        return EXIT_PASS;
    }
    printf("hpet: rev %02x, %u timers, legacy capable %u, 64-bit %u, "
           "period %u fs\n", (unsigned)(cap & 0xff),
           (unsigned)((cap >> 8) & 0x1f) + 1, (unsigned)(cap >> 15 & 1),
           (unsigned)(cap >> 13 & 1), period_fs);
    for (unsigned v = V_IRQ0; v < V_IRQ8 + 8; v++) {
        idt_set_handler(v, pic_handler);
    }
    pic_init();

    /* The PIT at 1 kHz on IRQ0: it stays programmed to the end. */
    outb(0x43, 0x34);
    outb(0x40, divisor & 0xff);
    outb(0x40, divisor >> 8);
    wait_count(V_IRQ0, 3);
    printf("pit alone: irq0 >= 3: %s\n", count[V_IRQ0] >= 3 ? "yes" : "no");

    /* Legacy replacement, counter halted: nothing may drive IRQ0. */
    hpet_write(0x10, 2);                /* LEG_RT_CNF only */
    settle();                           /* a tick latched before it lands */
    clear_counts();
    settle();
    printf("legacy on, hpet halted: irq0 %u\n", count[V_IRQ0]);

    uint64_t c0 = hpet_read(0xf0);
    settle();
    printf("halted counter moves: %s\n", hpet_read(0xf0) != c0 ? "yes" : "no");

    /* Timer 0 periodic every 1 ms, in legacy mode on IRQ0. */
    uint64_t ticks = 1000000000000ull / period_fs;
    hpet_write(0xf0, 0);
    hpet_write(0x100, 1u << 2 | 1u << 3 | 1u << 6);
    hpet_write(0x108, ticks);
    hpet_write(0x108, ticks);
    hpet_write(0x10, 3);                /* ENABLE_CNF | LEG_RT_CNF */
    wait_count(V_IRQ0, 5);
    printf("timer 0 periodic -> irq0: >= 5: %s\n",
           count[V_IRQ0] >= 5 ? "yes" : "no");
    printf("running counter moves: %s\n", hpet_read(0xf0) != 0 ? "yes" : "no");
    hpet_write(0x100, 0);

    /*
     * Timer 1 one-shot, 1 ms ahead, in legacy mode on IRQ8: exactly once.
     * Set up with the counter halted, so that a slow or preempted vCPU
     * cannot let the counter pass the comparator first.
     */
    settle();
    clear_counts();
    hpet_write(0x10, 2);                /* halt; legacy stays on */
    hpet_write(0x128, hpet_read(0xf0) + ticks);
    hpet_write(0x120, 1u << 2);         /* enabled, one-shot, edge */
    hpet_write(0x10, 3);
    wait_count(V_IRQ8, 1);
    settle();
    printf("timer 1 one-shot -> irq8: %u interrupt(s), irq0 %u\n",
           count[V_IRQ8], count[V_IRQ0]);
    hpet_write(0x120, 0);

    /* Legacy replacement off: the PIT has IRQ0 again. */
    hpet_write(0x10, 0);
    clear_counts();
    wait_count(V_IRQ0, 3);
    printf("legacy off: pit irq0 >= 3: %s\n", count[V_IRQ0] >= 3 ? "yes" : "no");
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    return EXIT_PASS;
}
