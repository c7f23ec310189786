/*
 * apic-internal.h: the state of a local APIC shared by the files of the
 * model (apic.c: registers, priorities and the APIC bus; apic-timer.c:
 * the LVT timer in all three modes; apic-x2apic.c: IA32_APIC_BASE and
 * the x2APIC MSRs). Not for use outside hw/intc.
 */
#ifndef HW_INTC_APIC_INTERNAL_H
#define HW_INTC_APIC_INTERNAL_H

#include "qemu/timer.h"
#include "hw/intc/apic.h"

#define APIC_LVT_NB         6
#define APIC_LVT_TIMER      0
#define APIC_LVT_LINT0      3
#define APIC_LVT_LINT1      4
#define APIC_LVT_ERROR      5
#define APIC_LVT_MASKED     (1u << 16)
#define APIC_LVT_LEVEL      (1u << 15)
#define APIC_LVT_TIMER_MODE (3u << 17)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_TIMER_TSC_DL   (2u << 17)
#define APIC_SVR_ENABLE     (1u << 8)
#define APIC_ICR_LEVEL      (1u << 14)
#define APIC_ICR_TRIGGER    (1u << 15)
#define APIC_ICR_DESTMODE   (1u << 11)

/* IA32_APIC_BASE bits. */
#define APIC_BASE_BSP       (1ULL << 8)
#define APIC_BASE_EXTD      (1ULL << 10)
#define APIC_BASE_EN        (1ULL << 11)
#define APIC_BASE_ADDR      0x000ffffffffff000ULL

struct APICState {
    const APICCpuOps *ops;
    void *cpu;                  /* the accelerator's vCPU, NULL: tests */
    bool is_bsp;
    uint64_t base;              /* IA32_APIC_BASE */
    uint32_t initial_id;        /* the x2APIC ID; xAPIC ID at reset */
    uint32_t id;                /* xAPIC: 8 bits (writable); x2APIC: initial_id */
    uint8_t tpr;
    uint32_t ldr, dfr, svr, esr, esr_pending;
    uint32_t icr_lo, icr_hi;    /* x2APIC: icr_hi is the 32-bit destination */
    uint32_t lvt[APIC_LVT_NB];
    uint32_t divide;            /* the register as written */
    unsigned count_shift;       /* log2 of the divisor */
    uint32_t initial_count;
    int64_t load_time;          /* ns when initial_count was written */
    int64_t next_time;          /* -1: timer not armed */
    uint64_t tsc_deadline;      /* IA32_TSC_DEADLINE, 0: disarmed */
    uint32_t tsc_khz;           /* guest TSC rate for the deadline */
    uint32_t isr[8], tmr[8], irr[8];
    bool extint_pending;        /* an ExtINT message: read the 8259 */
    QEMUTimer *timer;
    MemoryRegion page;          /* the xAPIC page at a relocated base */
    bool page_mapped;
};

/* The system memory the APIC window lives in (apic_mmio_init). */
extern MemoryRegion *apic_sysmem;
extern const MemoryRegionOps apic_page_ops;

/* apic.c */
void apic_update_irq(APICState *s);
void apic_set_irq(APICState *s, int vector, bool level);
void apic_init_reset(APICState *s);
bool apic_hw_enabled(APICState *s);
bool apic_x2apic_mode(APICState *s);
void apic_eoi(APICState *s);
uint8_t apic_ppr(APICState *s);
/*
 * apic_bus_deliver: - a message on the APIC bus from src (NULL: a device)
 * to self/all/others (shorthand 1/2/3) or to dest, an 8-bit xAPIC
 * destination or (x2 true) a 32-bit x2APIC one.
 */
void apic_bus_deliver(APICState *src, unsigned shorthand, uint32_t dest, bool x2,
                      bool logical, uint8_t mode, uint8_t vector, bool level);
void apic_send_ipi(APICState *s);
/* apic_x2apic_reg_write: - register idx (offset >> 4) by MSR, already checked. */
void apic_x2apic_reg_write(APICState *s, unsigned idx, uint64_t val);

/* apic-timer.c */
void apic_timer_reset(APICState *s);
void apic_timer_arm(APICState *s, int64_t now);
uint32_t apic_current_count(APICState *s);
void apic_timer_write_lvt(APICState *s, uint32_t val);
void apic_timer_write_initial(APICState *s, uint32_t val);
void apic_timer_write_divide(APICState *s, uint32_t val);

/* apic-x2apic.c */
void apic_base_reset(APICState *s);
void apic_page_update(APICState *s);

#endif
