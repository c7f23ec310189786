/*
 * acpi-build.h: the ACPI tables of the firmware-less PC machine (RSDP, RSDT,
 * XSDT, FADT, FACS, MADT, DSDT, HPET), built as one blob for a given guest
 * address. A pure function of its configuration: it touches no device state.
 */
#ifndef HW_I386_ACPI_BUILD_H
#define HW_I386_ACPI_BUILD_H

#include "qemu/error.h"

/*
 * What the PM device (PIIX4-style, I/O ports) must implement for these
 * tables, with the defaults acpi_build_config_init_pc() picks (QEMU's PIIX4
 * layout, so guests see the ports they see under QEMU):
 *   0x600 PM1a_EVT_BLK, 4 bytes: PM1_STS (16 bits, write 1 to clear) at
 *         0x600 and PM1_EN at 0x602. Bit 0 TMR (timer carry), bit 8 PWRBTN:
 *         the power button is the fixed-feature one (FADT PWR_BUTTON clear),
 *         so system_powerdown sets PWRBTN_STS and raises the SCI.
 *   0x604 PM1a_CNT_BLK, 2 bytes: bit 0 SCI_EN must read as 1 from reset
 *         (there is no firmware and SMI_CMD is 0, so the OS assumes ACPI
 *         mode); SLP_TYP bits 12:10, SLP_EN bit 13. Writing SLP_EN with
 *         SLP_TYP == ACPI_SLP_TYP_S5 powers the machine off.
 *   0x608 PM_TMR_BLK, 4 bytes: 3.579545 MHz counter, 24 bits (FADT
 *         TMR_VAL_EXT clear), as PIIX4.
 *   SCI on ISA IRQ 9, level-triggered active-high (MADT override), asserted
 *         while (PM1_STS & PM1_EN) != 0.
 *   0xcf9 reset register: writing 6 resets the machine (FADT RESET_REG).
 *   No GPE block by default (gpe0_blk 0); set it when the device has one.
 */
#define ACPI_PC_PM1A_EVT_BLK    0x600
#define ACPI_PC_PM1A_CNT_BLK    0x604
#define ACPI_PC_PM_TMR_BLK      0x608
#define ACPI_PC_SCI_IRQ         9
#define ACPI_PC_RESET_PORT      0xcf9
#define ACPI_PC_RESET_VALUE     0x06
/* \_S5 package value; PIIX4 decodes SLP_TYP 0 as soft-off, as QEMU does. */
#define ACPI_SLP_TYP_S5         0
#define ACPI_PM1_CNT_SCI_EN     (1 << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_EN     (1 << 13)

#define ACPI_PC_IOAPIC_ADDR     0xfec00000u
#define ACPI_PC_LAPIC_ADDR      0xfee00000u
#define ACPI_PC_HPET_ADDR       0xfed00000u

#define ACPI_BUILD_MAX_CPUS     288
#define ACPI_BUILD_MAX_OVERRIDES 16
#define ACPI_BUILD_MAX_SERIAL   4

/* MADT interrupt source override flags (MPS INTI flags) */
#define ACPI_MADT_POLARITY_HIGH 0x1
#define ACPI_MADT_POLARITY_LOW  0x3
#define ACPI_MADT_TRIGGER_EDGE  (0x1 << 2)
#define ACPI_MADT_TRIGGER_LEVEL (0x3 << 2)

typedef struct AcpiIrqOverride {
    uint8_t source;             /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags;             /* ACPI_MADT_POLARITY_* | ACPI_MADT_TRIGGER_* */
} AcpiIrqOverride;

typedef struct AcpiBuildConfig {
    unsigned cpus;              /* -smp cpus: enabled LAPIC entries */
    unsigned max_cpus;          /* -smp maxcpus: the rest are disabled */
    const uint32_t *apic_ids;   /* max_cpus ids; NULL: id = CPU index */
    uint32_t lapic_addr;

    uint8_t ioapic_id;
    uint32_t ioapic_addr;
    uint32_t ioapic_gsi_base;
    AcpiIrqOverride overrides[ACPI_BUILD_MAX_OVERRIDES];
    unsigned n_overrides;

    uint16_t sci_irq;
    uint16_t pm1a_evt_blk;      /* 4 bytes: status, enable */
    uint16_t pm1a_cnt_blk;      /* 2 bytes */
    uint16_t pm_tmr_blk;        /* 4 bytes */
    uint16_t gpe0_blk;          /* 0: no GPE block */
    uint8_t gpe0_blk_len;
    uint16_t reset_port;        /* 0: no reset register */
    uint8_t reset_value;

    bool i8042;                 /* keyboard controller at 0x60/0x64 */
    bool rtc;                   /* MC146818 at 0x70 */
    unsigned n_serial;          /* COM1.. at 0x3f8, 0x2f8, 0x3e8, 0x2e8 */
    bool hpet;
    uint32_t hpet_addr;

    bool pci;                   /* i440fx host bridge \_SB.PCI0 */
    uint32_t pci_hole_start;    /* 32-bit MMIO window [start, end] */
    uint32_t pci_hole_end;
    uint64_t pci_hole64_start;  /* 64-bit window; size 0: none */
    uint64_t pci_hole64_size;
    /*
     * GSIs of PIRQ A-D; device in slot s, pin p (INTA = 0) uses PIRQ
     * (s + p - 1) & 3 as on PIIX. All 0: no _PRT (the guest then uses the
     * Interrupt Line register the machine programs).
     */
    uint8_t pci_pirq_gsi[4];
} AcpiBuildConfig;

/**
 * acpi_build_config_init_pc: - fill cfg with the PC machine's defaults for
 * cpus present and max_cpus possible CPUs: the ports and addresses above,
 * overrides IRQ0 -> GSI2 and SCI level/active-high, COM1 and COM2, RTC,
 * i8042, HPET, PCI with a hole from 0xe0000000 to the IOAPIC.
 */
void acpi_build_config_init_pc(AcpiBuildConfig *cfg, unsigned cpus,
                               unsigned max_cpus);

/**
 * acpi_build_tables: - build all tables into out (appended at its current
 * length), for out->data[0] to sit at guest-physical address base_addr
 * (below 4 GiB). On success *rsdp_addr is the guest address of the RSDP
 * (16-byte aligned, for boot_params.acpi_rsdp_addr or a scan of
 * 0xe0000-0xfffff). Fails if cfg is inconsistent.
 */
bool acpi_build_tables(const AcpiBuildConfig *cfg, uint64_t base_addr,
                       GByteArray *out, uint64_t *rsdp_addr, Error **errp);

#endif
