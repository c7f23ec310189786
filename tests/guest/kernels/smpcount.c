/*
 * smpcount: start every AP with a broadcast INIT-SIPI-SIPI (all excluding
 * self); the APs (smpcount.S, real-mode trampoline) and the BSP each add 1
 * to one counter 100,000 times with LOCK XADD.  The number of CPUs comes
 * from fw_cfg (FW_CFG_NB_CPUS).  Prints the CPU count, which APIC IDs ran
 * and the final counter; waits are bounded by the TSC, not by time printed.
 * Exit: PASS (33) when the counter is 100,000 x CPUs, else FAIL (35).
 */
#include "lib.h"

#define LAPIC_BASE   0xfee00000ul
#define LAPIC_SVR    0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define TRAMP_BASE   0x8000
#define SC_ITERS     100000
#define ICR_ALL_BUT_SELF (3u << 18)

extern const char sc_tramp_start[], sc_tramp_end[];
extern volatile uint32_t sc_counter, sc_done, sc_go, sc_ran_mask, sc_up, sc_bad;

static void io_delay(unsigned n)
{
    while (n--) {
        inb(0x80);
    }
}

static void send_ipi(uint32_t icr_lo)
{
    mmio_write32(LAPIC_BASE + LAPIC_ICR_HI, 0);
    mmio_write32(LAPIC_BASE + LAPIC_ICR_LO, icr_lo);
    for (int i = 0; i < 1000 && (mmio_read32(LAPIC_BASE + LAPIC_ICR_LO) & 0x1000); i++) {
        io_delay(1);
    }
}

static unsigned fw_cfg_cpus(void)
{
    outw(0x510, 0x05);              /* FW_CFG_NB_CPUS, 16-bit little endian */
    unsigned lo = inb(0x511);
    return lo | (unsigned)inb(0x511) << 8;
}

/* Wait (bounded by ~4e9 TSC cycles) until *v reaches want. */
static void wait_for(volatile uint32_t *v, uint32_t want)
{
    uint64_t start = rdtsc();

    while (*v < want && rdtsc() - start < (4ul << 30)) {
        __asm__ volatile("pause");
    }
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    unsigned cpus = fw_cfg_cpus(), bad = 0;

    memcpy((void *)TRAMP_BASE, sc_tramp_start, sc_tramp_end - sc_tramp_start);
    mmio_write32(LAPIC_BASE + LAPIC_SVR, 0x1ff);
    printf("smpcount: fw_cfg says %u cpus; INIT-SIPI-SIPI to all but self\n", cpus);
    send_ipi(ICR_ALL_BUT_SELF | 0x4500);                    /* INIT */
    io_delay(100);
    send_ipi(ICR_ALL_BUT_SELF | 0x4600 | (TRAMP_BASE >> 12)); /* SIPI */
    io_delay(20);
    if (sc_up < cpus - 1) {
        send_ipi(ICR_ALL_BUT_SELF | 0x4600 | (TRAMP_BASE >> 12));
    }
    wait_for(&sc_up, cpus - 1);
    printf("aps up: %u, apic id mask %x\n", sc_up, sc_ran_mask);

    sc_go = 1;
    for (unsigned i = 0; i < SC_ITERS; i++) {
        uint32_t one = 1;
        __asm__ volatile("lock xaddl %0, %1" : "+r"(one), "+m"(sc_counter) : : "memory");
        bad += one >= SC_ITERS * 64;
    }
    wait_for(&sc_done, sc_up);
    printf("aps done: %u\n", sc_done);
    printf("counter: %u (want %u), bad xadd results %u\n", sc_counter, SC_ITERS * cpus,
           bad + sc_bad);
    return sc_counter == SC_ITERS * cpus && !bad && !sc_bad ? EXIT_PASS : EXIT_FAIL;
}
