/*
 * apic.h: the local APIC of an x86 vCPU under TCG (Intel SDM vol. 3
 * ch. 10), in user space. One APICState per vCPU; the xAPIC page is one
 * MemoryRegion that acts on the APIC of the vCPU doing the access.
 * Not modelled yet: x2APIC, TSC-deadline mode, APIC base relocation.
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include "exec/memory.h"
#include "target/i386/tcg/x86-tcg.h"

typedef struct APICState APICState;

#define APIC_VERSION        0x50014     /* 6 LVT entries (max 5), version 0x14 */
#define APIC_SPACE_SIZE     0x100000

/* Delivery modes (ICR, LVT, IOAPIC redirection entries). */
#define APIC_DM_FIXED       0
#define APIC_DM_LOWEST      1
#define APIC_DM_SMI         2
#define APIC_DM_NMI         4
#define APIC_DM_INIT        5
#define APIC_DM_SIPI        6
#define APIC_DM_EXTINT      7

/* apic_new: - the local APIC of cpu, at its reset state; NULL cpu: tests. */
APICState *apic_new(X86TCGCPU *cpu, uint32_t apic_id);
/* apic_free: - unlink and free (tests; the board keeps its APICs). */
void apic_free(APICState *s);
/* apic_reset: - power-on / RESET state (ID kept). */
void apic_reset(APICState *s);
/* apic_of: - the APIC of a vCPU, NULL if it has none. */
APICState *apic_of(X86TCGCPU *cpu);

/*
 * apic_mmio_init: - map the xAPIC page region at APIC_DEFAULT_ADDRESS in
 * sysmem and install the CPU hooks (x86_get_pic_interrupt, CR8/TPR).
 */
void apic_mmio_init(MemoryRegion *sysmem);

/* apic_reg_read/apic_reg_write: - register at page offset (0x20 = ID). */
uint32_t apic_reg_read(APICState *s, hwaddr offset);
void apic_reg_write(APICState *s, hwaddr offset, uint32_t val);

/*
 * apic_get_interrupt: - INTA: the highest-priority deliverable vector
 * (moved from IRR to ISR), the spurious vector when masked by the PPR,
 * -1 if none.
 */
int apic_get_interrupt(APICState *s);
/* apic_cpu_get_interrupt: - x86_get_pic_interrupt: the APIC, then ExtINT. */
int apic_cpu_get_interrupt(CPUX86State *env);

/*
 * apic_deliver_irq: - an interrupt message on the APIC bus (from the
 * IOAPIC): destination, logical (1) or physical (0), delivery mode,
 * vector, level-triggered (1) or edge (0).
 */
void apic_deliver_irq(uint8_t dest, uint8_t dest_mode, uint8_t delivery_mode,
                      uint8_t vector, uint8_t trigger_mode);

/*
 * apic_set_pic_hooks: - the 8259 behind LINT0 (ExtINT): read_irq
 * acknowledges and returns its vector. Set by the board.
 */
void apic_set_pic_hooks(int (*read_irq)(void *opaque), void *opaque);
/* apic_deliver_pic_intr: - the 8259's INT output changed level. */
void apic_deliver_pic_intr(int level);
/* apic_set_eoi_hook: - called with the vector of a level-triggered EOI. */
void apic_set_eoi_hook(void (*eoi)(void *opaque, int vector), void *opaque);

/* The timer: current clock (overridable by tests), expiry, firing. */
extern int64_t (*apic_clock_ns)(void);
int64_t apic_timer_deadline(APICState *s);      /* -1: not armed */
void apic_timer_fire(APICState *s);

/* apic_get_tpr/apic_set_tpr: - the 8-bit TPR (CR8 is bits 7:4). */
uint8_t apic_get_tpr(APICState *s);
void apic_set_tpr(APICState *s, uint8_t tpr);

/* apic_info: - QEMU's `info lapic` text for this APIC. */
void apic_info(APICState *s, GString *out);

#endif
