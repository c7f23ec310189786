/*
 * apic.h: the local APIC of an x86 vCPU in user space (Intel SDM vol. 3
 * ch. 10), for any accelerator: xAPIC and x2APIC, the LVT timer in
 * one-shot, periodic and TSC-deadline modes, IPIs and MSIs. The vCPU is
 * reached only through APICCpuOps; apic-tcg.c supplies them under TCG.
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include "exec/memory.h"

typedef struct APICState APICState;

#define APIC_VERSION        0x50014     /* 6 LVT entries (max 5), version 0x14 */
#define APIC_SPACE_SIZE     0x100000
#define APIC_MMIO_DEFAULT   0xfee00000ULL  /* the APIC page and MSI window */

/* Delivery modes (ICR, LVT, IOAPIC redirection entries, MSI data). */
#define APIC_DM_FIXED       0
#define APIC_DM_LOWEST      1
#define APIC_DM_SMI         2
#define APIC_DM_NMI         4
#define APIC_DM_INIT        5
#define APIC_DM_SIPI        6
#define APIC_DM_EXTINT      7

/* MSRs the APIC implements (apic_msr_read/write, the TSC deadline). */
#define APIC_MSR_BASE       0x1b
#define APIC_MSR_TSC_DEADLINE 0x6e0
#define APIC_MSR_X2APIC_FIRST 0x800
#define APIC_MSR_X2APIC_LAST  0x8ff

/*
 * What the APIC needs from its vCPU. Called with the BQL held, from any
 * thread; each must only flag the vCPU and kick it.
 */
typedef struct APICCpuOps {
    void (*set_intr)(void *cpu, bool pending);  /* INTR: an interrupt to take */
    void (*nmi)(void *cpu);
    void (*init)(void *cpu);                    /* INIT IPI / INIT level */
    void (*sipi)(void *cpu, uint8_t vector);    /* start-up IPI */
    void (*kick)(void *cpu);                    /* wake a halted vCPU (may be NULL) */
    /*
     * The guest TSC now (for TSC-deadline mode; may be NULL: the TSC is
     * then the APIC clock, 1 tick per ns). Its rate is apic_set_tsc_khz.
     */
    uint64_t (*read_tsc)(void *cpu);
} APICCpuOps;

/*
 * apic_new_cpu: - a LAPIC for any accelerator at its power-on state,
 * IA32_APIC_BASE = 0xfee00000 | EN | BSP (is_bsp). ops and cpu may be
 * NULL (tests).
 */
APICState *apic_new_cpu(const APICCpuOps *ops, void *cpu, uint32_t apic_id, bool is_bsp);
/* apic_free: - unlink and free (tests; the board keeps its APICs). */
void apic_free(APICState *s);
/* apic_reset: - power-on / RESET state (initial ID kept, base as at creation). */
void apic_reset(APICState *s);
/* apic_next: - iterate every APIC: NULL starts, NULL ends. */
APICState *apic_next(APICState *prev);
/* apic_get_cpu: - the opaque vCPU given to apic_new_cpu. */
void *apic_get_cpu(APICState *s);

/* apic_get_base/apic_set_base: - IA32_APIC_BASE. false: invalid (#GP). */
uint64_t apic_get_base(APICState *s);
bool apic_set_base(APICState *s, uint64_t val);

/*
 * apic_set_current/apic_current: - the APIC of the vCPU running on this
 * thread, which MMIO and MSR accesses act on (thread-local). When unset,
 * apic_current_fallback (set by an accelerator's glue) is asked.
 */
void apic_set_current(APICState *s);
APICState *apic_current(void);
extern APICState *(*apic_current_fallback)(void);

/* apic_msr_read/apic_msr_write: - x2APIC MSRs 0x800-0x8ff; false: #GP. */
bool apic_msr_read(APICState *s, uint32_t msr, uint64_t *val);
bool apic_msr_write(APICState *s, uint32_t msr, uint64_t val);

/*
 * apic_get_tsc_deadline/apic_set_tsc_deadline: - IA32_TSC_DEADLINE
 * (0x6e0) in guest TSC units: 0 disarms; ignored unless the LVT timer is
 * in TSC-deadline mode; reads 0 once fired.
 */
uint64_t apic_get_tsc_deadline(APICState *s);
void apic_set_tsc_deadline(APICState *s, uint64_t tsc_deadline);
/* apic_set_tsc_khz: - the guest TSC rate (default 1 GHz, as under TCG). */
void apic_set_tsc_khz(APICState *s, uint32_t khz);

/*
 * apic_mmio_init: - map the APIC window (0xfee00000, 1 MiB) in sysmem:
 * the xAPIC page of the accessing vCPU's APIC at offset 0, MSI messages
 * elsewhere (and from threads with no current APIC). A relocated APIC
 * (IA32_APIC_BASE) gets its page mapped at the new base.
 */
void apic_mmio_init(MemoryRegion *sysmem);

/* apic_reg_read/apic_reg_write: - xAPIC register at page offset (0x20 = ID). */
uint32_t apic_reg_read(APICState *s, hwaddr offset);
void apic_reg_write(APICState *s, hwaddr offset, uint32_t val);

/*
 * apic_get_interrupt: - INTA: the highest-priority deliverable vector
 * (moved from IRR to ISR), the spurious vector when masked by the PPR,
 * -1 if none.
 */
int apic_get_interrupt(APICState *s);
/*
 * apic_ack_interrupt: - what the vCPU takes on INTR, for any
 * accelerator: an ExtINT (the 8259's vector), else the APIC's vector,
 * else the 8259 through LINT0; -1 if none. Takes the BQL.
 */
int apic_ack_interrupt(APICState *s);

/*
 * apic_deliver_irq: - an interrupt message on the APIC bus (from the
 * IOAPIC): destination, logical (1) or physical (0), delivery mode,
 * vector, level-triggered (1) or edge (0).
 */
void apic_deliver_irq(uint8_t dest, uint8_t dest_mode, uint8_t delivery_mode,
                      uint8_t vector, uint8_t trigger_mode);
/*
 * apic_send_msi: - a message signalled interrupt: a device's write of data
 * to addr in 0xfee00000-0xfeefffff (dest ID bits 19:12, DM bit 2; data:
 * vector 7:0, delivery mode 10:8, trigger 15).
 */
void apic_send_msi(uint64_t addr, uint32_t data);

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

/* apic_format_info: - QEMU's `info lapic` text for this APIC (apic_info: same). */
void apic_format_info(APICState *s, GString *out);
void apic_info(APICState *s, GString *out);

/*
 * Under TCG (hw/intc/apic-tcg.c): apic_new gives the vCPU an APIC with
 * the TCG ops and installs the CPU hooks (INTA, CR8, MSRs); apic_of finds
 * a vCPU's APIC.
 */
struct X86TCGCPU;
APICState *apic_new(struct X86TCGCPU *cpu, uint32_t apic_id);
APICState *apic_of(struct X86TCGCPU *cpu);

#endif
