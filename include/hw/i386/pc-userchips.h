/*
 * pc-userchips.h: the pc board's interrupt controllers and timers in user
 * space for any accelerator: the 8259 pair, the 8254 PIT, the HPET and
 * the IOAPIC, wired to the GSI lines as on a PIIX PC. Used under KVM with
 * kernel-irqchip=off. The LAPICs belong to the vCPUs (hw/intc/apic.h).
 */
#ifndef HW_I386_PC_USERCHIPS_H
#define HW_I386_PC_USERCHIPS_H

#include "hw/i386/pc.h"

/**
 * pc_userchips_init: - create the chips, set pcms->gsi to the 24 GSI
 * lines (ISA IRQ n -> 8259 input n and IOAPIC pin n, but IRQ 0 -> pin 2
 * as the MADT override says) and register their reset. The HPET only if
 * pcms->hpet_enabled (and then pcms->hpet is set); the PIT drives IRQ 0
 * while the HPET's legacy replacement is off. The 8259's INT goes to the
 * LAPICs' LINT0 (apic_deliver_pic_intr) and its INTA is
 * apic_set_pic_hooks'; the IOAPIC takes the APICs' EOIs.
 */
void pc_userchips_init(PCMachineState *pcms);

/* pc_userchips_reset: - every chip to its power-on state. */
void pc_userchips_reset(void);

#endif
