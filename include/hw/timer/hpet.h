/*
 * hpet.h: the IA-PC HPET (spec 1.0a) at 0xfed00000 as QEMU's pc has it:
 * 3 timers, a 64-bit main counter at 100 MHz (10 ns), legacy replacement
 * (timer 0 -> ISA IRQ 0 in place of the PIT, timer 1 -> IRQ 8 in place of
 * the RTC), IOAPIC routing from the capability mask, and FSB (MSI)
 * delivery when the board turns it on (off by default, as QEMU's msi=off).
 */
#ifndef HW_TIMER_HPET_H
#define HW_TIMER_HPET_H

#include "exec/memory.h"
#include "hw/irq.h"
#include "qemu/timer.h"

#define HPET_BASE       0xfed00000
#define HPET_NUM_TIMERS 3
#define HPET_PERIOD_FS  10000000ULL     /* 10 ns */
#define HPET_NUM_GSI    24
/* i440fx: the timers may only be routed to IOAPIC pin 2, as in QEMU. */
#define HPET_INTCAP     0x4

typedef struct HPETState HPETState;

typedef struct HPETTimer {
    HPETState *hpet;
    unsigned n;
    uint64_t config;
    uint64_t cmp;
    uint64_t period;
    QEMUTimer *timer;
    qemu_irq raised;            /* the line this timer holds high, if any */
    uint64_t fsb;               /* Tn_FSB_INT_ROUTE: address 63:32, data 31:0 */
} HPETTimer;

struct HPETState {
    HPETTimer t[HPET_NUM_TIMERS];
    uint64_t config;
    uint64_t isr;
    uint64_t counter;           /* while disabled; else counter at enable_ns */
    int64_t enable_ns;
    qemu_irq *gsi;              /* HPET_NUM_GSI lines; [0] is ISA IRQ 0 */
    qemu_irq legacy_out;        /* high while legacy replacement is on */
    /* Guest time in ns; QEMU_CLOCK_VIRTUAL unless a test replaces it. */
    int64_t (*clock_ns)(void);
    /* FSB delivery: advertised (Tn_FSB_INT_DEL_CAP), and where messages go. */
    bool fsb_capable;
    void (*send_msi)(uint64_t addr, uint32_t data);   /* apic_send_msi */
    MemoryRegion mmio;
};

/*
 * hpet_init: - the HPET mapped at base in sysmem, its timers on the lines
 * gsi[0..HPET_NUM_GSI-1] (ISA IRQ n on gsi[n]); legacy_out follows the
 * legacy replacement bit, for the board to mute the PIT.
 */
HPETState *hpet_init(MemoryRegion *sysmem, Object *owner, hwaddr base,
                     qemu_irq *gsi, qemu_irq legacy_out);

/* hpet_reset: - halted, counter 0, every timer disabled. */
void hpet_reset(HPETState *s);

/*
 * hpet_set_fsb_capable: - advertise FSB interrupt delivery in every timer
 * (QEMU's hpet msi=on); an enabled timer then writes Tn_FSB_INT_VAL to
 * Tn_FSB_INT_ADDR through send_msi instead of raising its line.
 */
void hpet_set_fsb_capable(HPETState *s, bool on);

/* hpet_legacy: - legacy replacement routing is on. */
bool hpet_legacy(HPETState *s);

#endif
