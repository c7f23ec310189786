/*
 * pc-acpi.c: the PC's ACPI tables in guest RAM and its PM block.
 * (Being written: for now nothing is installed.)
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "hw/i386/pc-acpi.h"

bool pc_acpi_setup(PCMachineState *pcms, Error **errp)
{
    return true;
}
