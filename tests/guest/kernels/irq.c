/*
 * irq: interrupt delivery under the pc machine, deterministic facts only
 * (counts, vectors, order; never times).  PIT ticks through the 8259 and
 * through the IOAPIC (pin 2, as the MADT override says), RTC periodic
 * interrupts through IOAPIC pin 8, the LAPIC timer one-shot, periodic and
 * TSC-deadline (only when CPUID advertises it; QEMU 7.2's TCG cannot
 * offer it, even with -cpu qemu64,+tsc-deadline, so there is no such
 * run), HPET legacy replacement (timer 0 on
 * IRQ0), and the LAPIC's order for simultaneous pending vectors and TPR.
 * Waits are bounded by the TSC (busy, IF=1), so a missing interrupt prints
 * a short count instead of hanging.  lib.c's IDT has vectors 0-47, so
 * everything lives in 0x20-0x2f.
 * Exit: PASS (33).
 */
#include "lib.h"

#define LAPIC        0xfee00000ul
#define IOAPIC       0xfec00000ul
#define HPET         0xfed00000ul
#define V_PIC0       0x20       /* 8259 master base (IRQ0) */
#define V_IOAPIC_PIT 0x2a
#define V_IOAPIC_RTC 0x2b
#define V_LTIMER     0x2c
#define V_SPURIOUS   0x2f

static volatile unsigned count[48];
static volatile uint8_t order[16];
static volatile unsigned norder;
static volatile uint8_t pic_isr_seen;

static uint32_t lapic_read(unsigned r)
{
    return mmio_read32(LAPIC + r);
}

static void lapic_write(unsigned r, uint32_t v)
{
    mmio_write32(LAPIC + r, v);
}

static void ioapic_write(unsigned r, uint32_t v)
{
    mmio_write32(IOAPIC, r);
    mmio_write32(IOAPIC + 0x10, v);
}

static uint32_t ioapic_read(unsigned r)
{
    mmio_write32(IOAPIC, r);
    return mmio_read32(IOAPIC + 0x10);
}

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
    if (!count[f->vector]) {
        outb(0x20, 0x0b);               /* OCW3: read ISR */
        pic_isr_seen = inb(0x20);
    }
    count[f->vector]++;
    outb(0x20, 0x20);
}

static void lapic_handler(struct trap_frame *f)
{
    count[f->vector]++;
    if (norder < sizeof(order)) {
        order[norder++] = f->vector;
    }
    if (f->vector == V_IOAPIC_RTC) {
        outb(0x70, 0x0c);               /* read RTC register C: ack */
        inb(0x71);
    }
    if (f->vector != V_SPURIOUS) {
        lapic_write(0xb0, 0);           /* EOI */
    }
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

/* Busy-wait with IF=1 for ~2^26 TSC cycles (lets stray interrupts land). */
static void settle(void)
{
    uint64_t t0 = rdtsc();

    __asm__ volatile("sti");
    while (rdtsc() - t0 < (1ul << 26)) {
        __asm__ volatile("pause");
    }
    __asm__ volatile("cli");
}

static void pic_init(uint8_t master_mask)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, V_PIC0);
    outb(0xa1, V_PIC0 + 8);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, master_mask);
    outb(0xa1, 0xff);
}

static void pit_start(unsigned hz)
{
    uint16_t div = (uint16_t)((1193182 + hz / 2) / hz);

    outb(0x43, 0x34);
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
}

static void pit_stop(void)
{
    outb(0x43, 0x30);                   /* mode 0, count 1: one edge, then low */
    outb(0x40, 1);
    outb(0x40, 0);
}

static void test_pic(void)
{
    pic_init(0xfe);
    pit_start(1000);
    wait_count(V_PIC0, 10);
    pit_stop();
    outb(0x21, 0xff);
    printf("pic: pit ticks >= 10: %s, isr in first handler %02x\n",
           count[V_PIC0] >= 10 ? "yes" : "no", pic_isr_seen);
}

static void test_ioapic(void)
{
    uint32_t ver = ioapic_read(1);

    printf("ioapic: version %02x, %u pins\n", ver & 0xff, ((ver >> 16) & 0xff) + 1);
    /* PIT: ISA IRQ0 is IOAPIC pin 2 (MADT interrupt source override). */
    ioapic_write(0x10 + 2 * 2 + 1, 0);
    ioapic_write(0x10 + 2 * 2, V_IOAPIC_PIT);   /* fixed, edge, high, unmasked */
    pit_start(1000);
    wait_count(V_IOAPIC_PIT, 5);
    pit_stop();
    ioapic_write(0x10 + 2 * 2, 1u << 16);
    printf("ioapic pin 2 (pit): >= 5 on vector %x: %s\n", V_IOAPIC_PIT,
           count[V_IOAPIC_PIT] >= 5 ? "yes" : "no");

    /* RTC periodic interrupt (1024 Hz) on pin 8. */
    ioapic_write(0x10 + 8 * 2 + 1, 0);
    ioapic_write(0x10 + 8 * 2, V_IOAPIC_RTC);
    outb(0x70, 0x0a);
    outb(0x71, 0x26);                   /* 32.768 kHz base, rate 6: 1024 Hz */
    outb(0x70, 0x0b);
    uint8_t b = inb(0x71);
    outb(0x70, 0x0b);
    outb(0x71, b | 0x40);               /* PIE */
    outb(0x70, 0x0c);
    inb(0x71);
    wait_count(V_IOAPIC_RTC, 5);
    outb(0x70, 0x0b);
    outb(0x71, b & ~0x40);
    outb(0x70, 0x0c);
    inb(0x71);
    ioapic_write(0x10 + 8 * 2, 1u << 16);
    printf("ioapic pin 8 (rtc): >= 5 on vector %x: %s\n", V_IOAPIC_RTC,
           count[V_IOAPIC_RTC] >= 5 ? "yes" : "no");
}

static void test_lapic_timer(void)
{
    lapic_write(0x3e0, 0x0b);           /* divide by 1 */
    /* one-shot */
    count[V_LTIMER] = 0;
    lapic_write(0x320, V_LTIMER);
    lapic_write(0x380, 200000);
    wait_count(V_LTIMER, 1);
    settle();
    printf("lapic timer one-shot: %u interrupt(s), current count %u\n", count[V_LTIMER],
           lapic_read(0x390));
    /* periodic */
    count[V_LTIMER] = 0;
    lapic_write(0x320, V_LTIMER | 1u << 17);
    lapic_write(0x380, 100000);
    wait_count(V_LTIMER, 5);
    lapic_write(0x320, V_LTIMER | 1u << 16);    /* masked */
    lapic_write(0x380, 0);
    printf("lapic timer periodic: >= 5: %s, lvt %05x\n", count[V_LTIMER] >= 5 ? "yes" : "no",
           lapic_read(0x320));

    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 24))) {
        printf("lapic timer tsc-deadline: not advertised\n");
        return;
    }
    count[V_LTIMER] = 0;
    lapic_write(0x320, V_LTIMER | 2u << 17);
    uint64_t dl = rdtsc() + 1000000;
    __asm__ volatile("wrmsr" : : "c"(0x6e0), "a"((uint32_t)dl), "d"((uint32_t)(dl >> 32)));
    wait_count(V_LTIMER, 1);
    settle();
    printf("lapic timer tsc-deadline: %u interrupt(s), msr after %lx\n", count[V_LTIMER],
           rdmsr(0x6e0));
    lapic_write(0x320, V_LTIMER | 1u << 16);
}

static void self_ipi(unsigned v)
{
    lapic_write(0x310, 0);
    lapic_write(0x300, (1u << 18) | v);   /* shorthand self, fixed, edge */
}

static void test_order(void)
{
    /*
     * Three vectors pending at once: served highest first. Drain first: a
     * last LAPIC timer tick may have landed after the periodic test's
     * count (between its last tick and the CLI) and still sit in the IRR.
     */
    settle();
    norder = 0;
    self_ipi(0x28);
    self_ipi(0x2e);
    self_ipi(0x29);
    settle();
    printf("order of 28 2e 29:");
    for (unsigned i = 0; i < norder; i++) {
        printf(" %02x", order[i]);
    }
    printf("\n");
    /* TPR class 2 holds back vectors 0x20-0x2f until it drops. */
    norder = 0;
    lapic_write(0x80, 0x20);
    self_ipi(0x28);
    self_ipi(0x2d);
    settle();
    unsigned held = norder;
    uint32_t irr = lapic_read(0x210);   /* IRR, vectors 32-63 */
    lapic_write(0x80, 0);
    settle();
    printf("tpr 0x20: delivered %u while raised, irr %08x; then", held, irr);
    for (unsigned i = 0; i < norder; i++) {
        printf(" %02x", order[i]);
    }
    printf("\n");
}

static void test_hpet(void)
{
    uint64_t cap = hpet_read(0);
    uint32_t period_fs = (uint32_t)(cap >> 32);

    printf("hpet: rev %02x, %u timers, legacy capable %u, 64-bit %u\n",
           (unsigned)(cap & 0xff), (unsigned)((cap >> 8) & 0x1f) + 1,
           (unsigned)(cap >> 15 & 1), (unsigned)(cap >> 13 & 1));
    if (!period_fs) {
        return;
    }
    uint64_t ticks = 1000000000000ull / period_fs;   /* 1 ms */
    count[V_PIC0] = 0;
    pic_init(0xfe);
    hpet_write(0x10, 0);                /* halt */
    hpet_write(0xf0, 0);
    hpet_write(0x100, 1u << 2 | 1u << 3 | 1u << 6);  /* enable, periodic, set value */
    hpet_write(0x108, ticks);
    hpet_write(0x108, ticks);
    hpet_write(0x10, 3);                /* ENABLE_CNF | LEG_RT_CNF */
    wait_count(V_PIC0, 5);
    hpet_write(0x10, 0);
    hpet_write(0x100, 0);
    outb(0x21, 0xff);
    printf("hpet legacy timer 0 -> irq0: >= 5 ticks: %s\n", count[V_PIC0] >= 5 ? "yes" : "no");
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    /* 0x20-0x27: the 8259 master; 0x28-0x2f (slave, masked): the LAPIC's */
    for (unsigned v = 0x20; v < 0x30; v++) {
        idt_set_handler(v, v < 0x28 ? pic_handler : lapic_handler);
    }
    /* APIC on, spurious vector 0x2f; LINT0 (ExtINT from the 8259) as set by reset */
    lapic_write(0xf0, 0x100 | V_SPURIOUS);
    printf("irq: lapic version %02x, lvt entries %u\n", lapic_read(0x30) & 0xff,
           ((lapic_read(0x30) >> 16) & 0xff) + 1);
    test_pic();
    test_ioapic();
    test_lapic_timer();
    test_order();
    test_hpet();
    printf("spurious: %u\n", count[V_SPURIOUS]);
    return EXIT_PASS;
}
