/*
 * pm.h: "acpi-pm", the fixed-hardware ACPI power management block of the
 * PC (PIIX4-style I/O ports): PM1a event and control registers, the
 * 24-bit PM timer, the fixed power button and S5 soft-off. No GPE block,
 * no sleep states other than S5.
 */
#ifndef HW_ACPI_PM_H
#define HW_ACPI_PM_H

#include "hw/isa/isa.h"
#include "qemu/timer.h"

#define TYPE_ACPI_PM "acpi-pm"

/* Register offsets from pm-base, as acpi-build.h advertises them. */
#define ACPI_PM_STS             0x00    /* PM1a_STS, 16 bits */
#define ACPI_PM_EN              0x02    /* PM1a_EN, 16 bits */
#define ACPI_PM_CNT             0x04    /* PM1a_CNT, 16 bits */
#define ACPI_PM_TMR             0x08    /* PM_TMR, 32-bit reads */
/* The decoded window: PIIX4's 64-byte PMBA range. */
#define ACPI_PM_IO_SIZE         0x40

#define ACPI_PM1_STS_TMR        (1 << 0)
#define ACPI_PM1_STS_PWRBTN     (1 << 8)
#define ACPI_PM1_STS_WAK        (1 << 15)
#define ACPI_PM1_EN_TMR         (1 << 0)
#define ACPI_PM1_EN_GBL         (1 << 5)
#define ACPI_PM1_EN_PWRBTN      (1 << 8)
#define ACPI_PM1_EN_SLPBTN      (1 << 9)
#define ACPI_PM1_EN_RTC         (1 << 10)
#define ACPI_PM_TMR_FREQ        3579545
#define ACPI_PM_TMR_MASK        0xffffff

typedef struct ACPIPMState {
    ISADevice parent_obj;
    /* properties */
    uint16_t pm_base;
    uint8_t sci_irq;            /* for the tables; the machine wires line 0 */

    uint16_t sts;
    uint16_t en;
    uint16_t cnt;               /* SCI_EN, BM_RLD, SLP_TYP; never SLP_EN */
    int64_t tmr_base_ns;        /* VIRTUAL time at which the counter was 0 */
    int64_t tmr_half_seen;      /* ticks >> 23 when TMR_STS was last due */
    QEMUTimer *tmr_timer;       /* armed only while TMR_EN is set */
    bool notifier_registered;
    MemoryRegion io;
} ACPIPMState;

#define ACPI_PM(obj) OBJECT_CHECK(ACPIPMState, (obj), TYPE_ACPI_PM)

/**
 * acpi_pm_create: - create and realize the PM block at I/O port base with
 * its SCI (ISA line 0) connected to sci, and register it for power button
 * requests (qemu_system_powerdown_request). Returns the device, owned by
 * the caller's composition tree, or NULL with errp set.
 */
DeviceState *acpi_pm_create(uint16_t base, qemu_irq sci, Error **errp);

/**
 * acpi_pm_timer_warp: - make the PM timer of dev run ns of VIRTUAL time
 * ahead, as if that much time had passed for it alone (TMR_STS and the SCI
 * follow). For tests and a future qtest clock_step; ns < 0 is ignored.
 */
void acpi_pm_timer_warp(DeviceState *dev, int64_t ns);

#endif
