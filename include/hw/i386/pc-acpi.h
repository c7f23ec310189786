/*
 * pc-acpi.h: the PC's ACPI: tables built for this machine and placed where
 * a guest without firmware finds them, and the PM block (power button,
 * S5 poweroff, PM timer) raising the SCI.
 */
#ifndef HW_I386_PC_ACPI_H
#define HW_I386_PC_ACPI_H

#include "hw/i386/pc.h"

/**
 * pc_acpi_setup: - build the ACPI tables for pcms (CPUs from -smp, the
 * devices present), copy them into guest RAM and create the "acpi-pm"
 * device, its SCI on pcms->gsi[9] when the machine has interrupt lines.
 * Call after the ISA devices, before the kernel is loaded.
 */
bool pc_acpi_setup(PCMachineState *pcms, Error **errp);

#endif
