/*
 * smp: start the second vCPU with INIT-SIPI-SIPI through the xAPIC and
 * wait (bounded by the TSC) for its trampoline (smp.S) to check in.
 * Run with -smp 2.  Exit: PASS (33) with 2 CPUs up, else FAIL (35).
 */
#include "lib.h"

#define LAPIC_BASE   0xfee00000ul
#define LAPIC_SVR    0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define TRAMP_BASE   0x8000
#define AP_APIC_ID   1

extern const char tramp_start[], tramp_end[];
extern volatile uint32_t ap_count;

static void lapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(LAPIC_BASE + reg, v);
}

/* Port 0x80 reads: the classic I/O delay, ~1 us each on real hardware. */
static void io_delay(unsigned n)
{
    while (n--) {
        inb(0x80);
    }
}

static void send_ipi(uint32_t apic_id, uint32_t icr_lo)
{
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, icr_lo);
    /* Wait for the delivery-status bit, bounded. */
    for (int i = 0; i < 1000 && (mmio_read32(LAPIC_BASE + LAPIC_ICR_LO) & 0x1000); i++) {
        io_delay(1);
    }
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    memcpy((void *)TRAMP_BASE, tramp_start, tramp_end - tramp_start);
    lapic_write(LAPIC_SVR, 0x1ff);      /* APIC on, spurious vector 0xff */

    printf("smp: INIT-SIPI-SIPI to apic %u, trampoline at %x\n",
           AP_APIC_ID, TRAMP_BASE);
    send_ipi(AP_APIC_ID, 0x00004500);               /* INIT, assert */
    io_delay(100);
    send_ipi(AP_APIC_ID, 0x00004600 | (TRAMP_BASE >> 12)); /* SIPI */
    io_delay(20);
    if (ap_count == 0) {
        send_ipi(AP_APIC_ID, 0x00004600 | (TRAMP_BASE >> 12));
    }

    /*
     * Bounded by time, not iterations: ~4e9 TSC cycles is a second or two
     * whether ring 0 runs natively, under TCG or emulated at 2 MIPS.
     */
    uint64_t start = rdtsc();
    while (ap_count == 0 && rdtsc() - start < (4ul << 30)) {
        __asm__ volatile("pause");
    }

    unsigned cpus = 1 + ap_count;
    printf("%u cpus\n", cpus);
    return cpus == 2 ? EXIT_PASS : EXIT_FAIL;
}
