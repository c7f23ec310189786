/*
 * x2apic: a self-checking test of the local APIC's x2APIC mode and timer
 * modes, asserting the Intel SDM (vol. 3 ch. 10) rather than an oracle's
 * recording: QEMU 7.2's TCG has no x2APIC. IA32_APIC_BASE transitions and
 * their #GP cases, the x2APIC MSR map (#GP on absent, read-only and
 * write-only registers), xAPIC MMIO ignored in x2APIC mode, SELF IPI and
 * ICR IPIs, then the LVT timer one-shot, periodic and TSC-deadline
 * (counting ticks, never timing them); with two or more CPUs, INIT-SIPI
 * by the x2APIC ICR and IPIs to the AP's 32-bit ID and logical cluster
 * (x2apic-ap.S). Prints one line per check.
 * Exit: PASS (33) when every check holds, else FAIL (35). Needs -cpu max.
 */
#include "lib.h"

#define LAPIC           0xfee00000ul
#define MSR_APIC_BASE   0x1b
#define MSR_TSC_DL      0x6e0
#define X2(reg)         (0x800 + ((reg) >> 4))
#define BASE_EXTD       (1ul << 10)
#define BASE_EN         (1ul << 11)
#define V_SELF          0x21
#define V_ICR           0x22
#define V_ONESHOT       0x23
#define V_PERIODIC      0x24
#define V_DEADLINE      0x25
#define V_SPURIOUS      0x2f

#define TRAMP_BASE      0x8000
#define V_AP_PHYS       0x26
#define V_AP_LOG        0x27

extern const char x2_tramp_start[], x2_tramp_end[];
extern volatile uint32_t x2_ap_up, x2_ap_id, x2_ap_ldr, x2_ap_got;

static volatile unsigned count[48];
static volatile unsigned gp_count;
static unsigned failures;

static void gp_handler(struct trap_frame *f)
{
    gp_count++;
    f->rip += 2;                        /* skip the RDMSR/WRMSR */
}

static void apic_handler(struct trap_frame *f)
{
    count[f->vector]++;
    if (f->vector != V_SPURIOUS) {
        __asm__ volatile("wrmsr" : : "c"(X2(0xb0)), "a"(0), "d"(0));    /* EOI */
    }
}

/* RDMSR/WRMSR that report whether they raised #GP. */
static int rdmsr_gp(uint32_t msr, uint64_t *val)
{
    unsigned before = gp_count;
    uint32_t lo = 0, hi = 0;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    *val = ((uint64_t)hi << 32) | lo;
    return gp_count != before;
}

static int wrmsr_gp(uint32_t msr, uint64_t val)
{
    unsigned before = gp_count;

    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                     : "memory");
    return gp_count != before;
}

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok) {
        failures++;
    }
}

static void check_val(const char *what, uint64_t got, uint64_t want)
{
    if (got == want) {
        printf("%s: ok (0x%lx)\n", what, got);
    } else {
        printf("%s: FAIL (0x%lx, want 0x%lx)\n", what, got, want);
        failures++;
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

/* Busy-wait with IF=1 for ~2^24 TSC cycles (lets stray interrupts land). */
static void settle(void)
{
    uint64_t t0 = rdtsc();

    __asm__ volatile("sti");
    while (rdtsc() - t0 < (1ul << 24)) {
        __asm__ volatile("pause");
    }
    __asm__ volatile("cli");
}

static void test_base_and_map(uint64_t base)
{
    uint64_t v;

    check("x2APIC MSR before x2APIC mode #GP", rdmsr_gp(X2(0x20), &v));
    check("EXTD without EN #GP", wrmsr_gp(MSR_APIC_BASE, (base & ~BASE_EN) | BASE_EXTD));
    check("enable x2APIC", !wrmsr_gp(MSR_APIC_BASE, base | BASE_EXTD));
    rdmsr_gp(MSR_APIC_BASE, &v);
    check_val("IA32_APIC_BASE in x2APIC mode", v, base | BASE_EXTD);
    check("x2APIC -> xAPIC #GP", wrmsr_gp(MSR_APIC_BASE, base));

    rdmsr_gp(X2(0x20), &v);
    check_val("x2APIC ID (BSP)", v, 0);
    rdmsr_gp(X2(0x30), &v);
    check("version: 6 LVT entries or more", ((v >> 16) & 0xff) >= 5);
    rdmsr_gp(X2(0xd0), &v);
    check_val("LDR from the ID (cluster 0, bit 0)", v, 1);
    check("DFR absent #GP", rdmsr_gp(X2(0xe0), &v));
    check("APR absent #GP", rdmsr_gp(X2(0x90), &v));
    check("ICR2 absent #GP", rdmsr_gp(X2(0x310), &v));
    check("ID read-only #GP", wrmsr_gp(X2(0x20), 5));
    check("LDR read-only #GP", wrmsr_gp(X2(0xd0), 5));
    check("EOI write-only #GP", rdmsr_gp(X2(0xb0), &v));
    check("SELF IPI write-only #GP", rdmsr_gp(X2(0x3f0), &v));
    check("EOI non-zero #GP", wrmsr_gp(X2(0xb0), 1));
    check("TPR reserved bits #GP", wrmsr_gp(X2(0x80), 0x100));
    check("TPR write", !wrmsr_gp(X2(0x80), 0x20));
    rdmsr_gp(X2(0x80), &v);
    check_val("TPR read", v, 0x20);

    /* The xAPIC page does not reach the APIC in x2APIC mode. */
    mmio_write32(LAPIC + 0x80, 0x70);
    rdmsr_gp(X2(0x80), &v);
    check_val("xAPIC MMIO write ignored (TPR)", v, 0x20);
    rdmsr_gp(X2(0x30), &v);
    check("xAPIC MMIO read is not the APIC", mmio_read32(LAPIC + 0x30) != (uint32_t)v);
    wrmsr_gp(X2(0x80), 0);
}

static void test_ipis(void)
{
    check("SVR enable", !wrmsr_gp(X2(0xf0), 0x100 | V_SPURIOUS));
    wrmsr_gp(X2(0x3f0), V_SELF);
    wait_count(V_SELF, 1);
    settle();
    check_val("SELF IPI interrupts", count[V_SELF], 1);
    /* ICR: physical destination 0 (this CPU), fixed, as one 64-bit MSR. */
    wrmsr_gp(X2(0x300), V_ICR);
    wait_count(V_ICR, 1);
    /* ICR: logical cluster 0 bitmap 1, and the self shorthand. */
    wrmsr_gp(X2(0x300), (1ul << 32) | (1u << 11) | V_ICR);
    wait_count(V_ICR, 2);
    wrmsr_gp(X2(0x300), (1u << 18) | V_ICR);
    wait_count(V_ICR, 3);
    settle();
    check_val("ICR IPIs (physical, logical, self)", count[V_ICR], 3);
    check("ICR reserved bits #GP", wrmsr_gp(X2(0x300), (1u << 13) | V_ICR));
}

static void test_timer(int has_deadline)
{
    uint64_t v;

    /* One-shot, divide by 1, 2^20 bus clocks. */
    wrmsr_gp(X2(0x3e0), 0xb);
    wrmsr_gp(X2(0x320), V_ONESHOT);
    wrmsr_gp(X2(0x380), 1u << 20);
    wait_count(V_ONESHOT, 1);
    settle();
    settle();
    check_val("one-shot ticks", count[V_ONESHOT], 1);
    rdmsr_gp(X2(0x390), &v);
    check_val("one-shot current count after expiry", v, 0);
    check("current count read-only #GP", wrmsr_gp(X2(0x390), 1));

    /* Periodic: count five ticks, then stop it. */
    wrmsr_gp(X2(0x320), (1u << 17) | V_PERIODIC);
    wrmsr_gp(X2(0x380), 1u << 19);
    wait_count(V_PERIODIC, 5);
    wrmsr_gp(X2(0x380), 0);
    check("periodic ticks >= 5", count[V_PERIODIC] >= 5);
    rdmsr_gp(X2(0x320), &v);
    check_val("LVT timer periodic", v, (1u << 17) | V_PERIODIC);

    if (!has_deadline) {
        check("TSC-deadline advertised", 0);
        return;
    }
    /* Outside TSC-deadline mode the MSR ignores writes. */
    wrmsr_gp(MSR_TSC_DL, rdtsc() + (1ul << 20));
    rdmsr_gp(MSR_TSC_DL, &v);
    check_val("TSC_DEADLINE outside its mode", v, 0);
    wrmsr_gp(X2(0x320), (2u << 17) | V_DEADLINE);
    wrmsr_gp(MSR_TSC_DL, rdtsc() + (1ul << 20));
    wait_count(V_DEADLINE, 1);
    settle();
    check_val("TSC-deadline ticks", count[V_DEADLINE], 1);
    rdmsr_gp(MSR_TSC_DL, &v);
    check_val("TSC_DEADLINE cleared after firing", v, 0);
    /* A deadline in the past fires at once; 0 disarms. */
    wrmsr_gp(MSR_TSC_DL, 1);
    wait_count(V_DEADLINE, 2);
    check_val("TSC-deadline in the past", count[V_DEADLINE], 2);
    wrmsr_gp(MSR_TSC_DL, rdtsc() + (1ul << 22));
    wrmsr_gp(MSR_TSC_DL, 0);
    settle();
    settle();
    check_val("TSC-deadline disarmed", count[V_DEADLINE], 2);
    rdmsr_gp(X2(0x390), &v);
    check_val("current count in TSC-deadline mode", v, 0);
    wrmsr_gp(X2(0x320), 1u << 16);
}

static unsigned fw_cfg_cpus(void)
{
    unsigned lo;

    outw(0x510, 0x05);                  /* FW_CFG_NB_CPUS, 16-bit little endian */
    lo = inb(0x511);
    return lo | (unsigned)inb(0x511) << 8;
}

/* Wait (bounded by ~2^31 TSC cycles) until *v reaches want. */
static void wait_for(volatile uint32_t *v, uint32_t want)
{
    uint64_t t0 = rdtsc();

    while (*v < want && rdtsc() - t0 < (1ul << 31)) {
        __asm__ volatile("pause");
    }
}

/* Another CPU in x2APIC mode: start it and reach it by 32-bit destinations. */
static void test_ap(void)
{
    memcpy((void *)TRAMP_BASE, x2_tramp_start, x2_tramp_end - x2_tramp_start);
    /* INIT, then SIPI, to all but self through the 64-bit ICR. */
    wrmsr_gp(X2(0x300), (3u << 18) | 0x4500);
    settle();
    wrmsr_gp(X2(0x300), (3u << 18) | 0x4600 | (TRAMP_BASE >> 12));
    wait_for(&x2_ap_up, 1);
    check_val("AP up in x2APIC mode", x2_ap_up, 1);
    check_val("AP x2APIC ID", x2_ap_id, 1);
    check_val("AP LDR (cluster 0, bit 1)", x2_ap_ldr, 2);
    wrmsr_gp(X2(0x300), ((uint64_t)x2_ap_id << 32) | V_AP_PHYS);
    wait_for(&x2_ap_got, 1);
    check_val("IPI to the AP's x2APIC ID", x2_ap_got, 1);
    wrmsr_gp(X2(0x300), ((uint64_t)x2_ap_ldr << 32) | (1u << 11) | V_AP_LOG);
    wait_for(&x2_ap_got, 2);
    check_val("IPI to the AP's logical cluster bit", x2_ap_got, 2);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint32_t r[4];
    uint64_t base, v;
    int has_x2apic, has_deadline;

    serial_init();
    /* The 8259s off: only the LAPIC interrupts here (LINT0 is ExtINT). */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    idt_init();
    idt_set_handler(13, gp_handler);
    for (unsigned vec = V_SELF; vec <= V_SPURIOUS; vec++) {
        idt_set_handler(vec, apic_handler);
    }
    printf("x2apic: LAPIC x2APIC mode and timers (SDM 10.12, 10.5.4)\n");
    cpuid(1, 0, r);
    has_x2apic = (r[2] >> 21) & 1;
    has_deadline = (r[2] >> 24) & 1;
    printf("cpuid: x2apic=%d tsc-deadline=%d\n", has_x2apic, has_deadline);
    if (!has_x2apic) {
        printf("FAIL: no x2APIC (run with -cpu max)\n");
        return EXIT_FAIL;
    }
    rdmsr_gp(MSR_APIC_BASE, &base);
    check_val("IA32_APIC_BASE at boot", base, 0xfee00000ul | BASE_EN | (1u << 8));

    test_base_and_map(base);
    test_ipis();
    test_timer(has_deadline);
    if (fw_cfg_cpus() >= 2) {
        test_ap();
    }

    /* x2APIC -> disabled is allowed, disabled -> x2APIC is not. */
    check("x2APIC -> disabled", !wrmsr_gp(MSR_APIC_BASE, base & ~(BASE_EN | BASE_EXTD)));
    check("x2APIC MSR when disabled #GP", rdmsr_gp(X2(0x20), &v));
    check("disabled -> x2APIC #GP", wrmsr_gp(MSR_APIC_BASE, base | BASE_EXTD));
    check("disabled -> xAPIC", !wrmsr_gp(MSR_APIC_BASE, base));
    check_val("xAPIC ID by MMIO again", mmio_read32(LAPIC + 0x20), 0);

    if (failures) {
        printf("FAIL: %u checks\n", failures);
        return EXIT_FAIL;
    }
    printf("PASS\n");
    return EXIT_PASS;
}
