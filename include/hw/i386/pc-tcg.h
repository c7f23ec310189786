/*
 * pc-tcg.h: the pc board's vCPUs under TCG (hw/i386/pc-cpus-tcg.c):
 * X86TCGCPUs for -smp, the BSP started from the direct-boot plan, reset
 * and run state. The KVM counterpart is in pc-cpus.c.
 */
#ifndef HW_I386_PC_TCG_H
#define HW_I386_PC_TCG_H

#include "hw/i386/pc.h"
#include "hw/irq.h"
#include "target/i386/cpu.h"

/*
 * Set by pc-cpus-tcg.c when it is linked in (TCG built): pc_cpus_init
 * calls it first; it returns true if TCG is the accelerator and it has
 * created the vCPUs. A hook, so that libhw users without TCG (unit
 * tests) do not need libtcg.
 */
extern bool (*pc_cpus_tcg_hook)(PCMachineState *pcms);
/*
 * Likewise, from pc_irqchip_init: true if TCG is the accelerator and it
 * has created the user-space interrupt controllers, timers and pcms->gsi.
 */
extern bool (*pc_irqchip_tcg_hook)(PCMachineState *pcms);
/* Likewise: fill info with what TCG implements if TCG is the accelerator. */
extern bool (*pc_tcg_accel_info_hook)(X86AccelInfo *info);

/*
 * pc_cpus_tcg_init: - create -smp's vCPUs under TCG (APIC IDs from the
 * topology, APs halted waiting for INIT-SIPI), put the BSP at the boot
 * plan's entry, and hook them to the run state, reset and exit. Exits
 * with a message on a bad -cpu.
 */
void pc_cpus_tcg_init(PCMachineState *pcms);

/*
 * pc_tcg_put_boot_state: - the plan's entry state (segments, control
 * registers, GDT, the registers it sets) into env, hflags updated.
 */
struct CPUX86State;
void pc_tcg_put_boot_state(struct CPUX86State *env, const X86BootCpuState *st);

/*
 * pc_tcg_ioapic_irqs: - the IOAPIC's 24 input pins under TCG (APIC,
 * issue 6): ISA IRQ n goes to pin n, IRQ0 to pin 2. NULL before init.
 */
qemu_irq *pc_tcg_ioapic_irqs(void);

/*
 * pc_tcg_get_pic, pc_tcg_get_ioapic: - the TCG board's 8259 pair and
 * IOAPIC, for the monitor's info pic / info irq; NULL before
 * pc_irqchip_init / the vCPUs exist.
 */
struct I8259State *pc_tcg_get_pic(void);
struct IOAPICState *pc_tcg_get_ioapic(void);

#endif
