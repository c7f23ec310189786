/*
 * pc-acpi.h: the PC's ACPI: tables built for this machine and placed where
 * a guest without firmware finds them, and the PM block (power button,
 * S5 poweroff, PM timer) raising the SCI.
 */
#ifndef HW_I386_PC_ACPI_H
#define HW_I386_PC_ACPI_H

#include "hw/qdev-core.h"
#include "hw/i386/pc.h"

/*
 * Where the tables go: the bottom of the BIOS area, which the e820 map
 * reserves (so no guest takes it for RAM) and which an OS without
 * boot_params.acpi_rsdp_addr scans for "RSD PTR ". The rest of the BIOS
 * area, from PC_ACPI_TABLES_END up, is left for other firmware tables.
 */
#define PC_ACPI_TABLES_BASE     0xf0000ULL
#define PC_ACPI_TABLES_END      0xf8000ULL

/**
 * pc_acpi_setup: - build the ACPI tables for pcms (CPUs from -smp, the
 * devices present), copy them into guest RAM and create the "acpi-pm"
 * device, its SCI on pcms->gsi[9] when the machine has interrupt lines.
 * The tables are copied again at every system reset, as a firmware
 * would rebuild them. Call once, after the ISA devices, before the kernel
 * is loaded.
 */
bool pc_acpi_setup(PCMachineState *pcms, Error **errp);

/**
 * pc_acpi_rsdp_addr: - the guest address of the RSDP pc_acpi_setup
 * installed (for boot_params.acpi_rsdp_addr), or 0 before that.
 */
uint64_t pc_acpi_rsdp_addr(void);

/**
 * pc_acpi_pm: - the "acpi-pm" device pc_acpi_setup created, or NULL.
 */
DeviceState *pc_acpi_pm(void);

#endif
