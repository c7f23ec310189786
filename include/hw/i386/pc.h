/*
 * pc.h: the "pc" machine (i440FX + PIIX, as QEMU's pc-i440fx-8.2): guest
 * RAM split around the PCI hole, the legacy ISA devices and their IRQs,
 * fw_cfg, direct kernel boot (multiboot or Linux; pc-boot.c) and the
 * vCPUs with their interrupt controllers (pc-cpus.c, KVM's in-kernel
 * irqchip). No firmware or PCI yet.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "hw/boards.h"
#include "exec/memory.h"
#include "hw/irq.h"
#include "hw/i386/e820.h"
#include "hw/i386/x86-linux-boot.h"

#define TYPE_PC_MACHINE MACHINE_TYPE_NAME("pc-i440fx-8.2")

/* PIIX3's reset control register (hard reset when bit 2 goes 0 -> 1). */
#define PC_RESET_CONTROL_PORT 0xcf9

typedef struct PCMachineState {
    MachineState parent_obj;
    MemoryRegion ram;            /* unless -machine memory-backend= */
    MemoryRegion ram_below_4g;   /* aliases into the RAM */
    MemoryRegion ram_above_4g;
    MemoryRegion reset_control;
    uint8_t reset_control_val;
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    uint64_t above_4g_mem_start; /* where ram-above-4g is mapped: 4 GiB,
                                  * or 1 TiB (pc_ram_layout()) */
    E820Table e820;
    qemu_irq *gsi;               /* the GSI lines (KVM_PC_GSI_COUNT); NULL
                                  * until the machine has an irqchip */

    /* Direct boot: kept so that a reset can put the images back. */
    uint8_t *kernel;             /* the -kernel file (the plan points in) */
    size_t kernel_size;
    X86BootPlan plan;
    GPtrArray *images;           /* PCBootImage: initrd or modules */
    bool booted;                 /* the plan was built */
    bool hpet;                   /* the board made an HPET at 0xfed00000 */
    bool hpet_enabled;           /* -machine hpet= (on by default) */

    struct PCCpus *cpus;         /* the vCPUs (pc-cpus.c) */
} PCMachineState;

#define PC_MACHINE(obj) OBJECT_CHECK(PCMachineState, (obj), TYPE_PC_MACHINE)

/**
 * pc_cmos_init_memory: - fill the CMOS memory-size bytes as QEMU's pc
 * does (0x15-0x18, 0x30-0x31, 0x34-0x35, 0x5b-0x5d): cmos[] gets 128
 * bytes. Pure, for tests.
 */
void pc_cmos_memory_bytes(uint64_t below_4g, uint64_t above_4g,
                          uint8_t cmos[128]);

/**
 * pc_reserved_e820: - the reserved ranges QEMU 7.2's pc reports to a
 * multiboot kernel whatever the vCPU (SeaBIOS's top of low RAM, the BIOS
 * ROM), added to t before pc_e820_layout(). The AMD HyperTransport window
 * is added by the machine when pc_ram_layout() says so.
 */
bool pc_reserved_e820(E820Table *t, uint64_t below_4g, Error **errp);

/* ---- pc-boot.c: direct kernel boot ------------------------------------ */

/**
 * pc_boot_load_kernel: - read -kernel (and -initrd or the multiboot
 * modules) and build pcms->plan; exits with QEMU's message on bad input.
 * Needs the RAM layout (pc_memory_init).
 */
void pc_boot_load_kernel(PCMachineState *pcms);

/**
 * pc_boot_apply_plan: - copy the plan's blobs and the images into guest
 * RAM, at power-on and on every reset (there is no firmware to reload).
 */
bool pc_boot_apply_plan(PCMachineState *pcms, Error **errp);

/**
 * pc_boot_linux_fw_cfg: - add to fw the direct-boot items QEMU 7.2's
 * x86_load_linux gives its linuxboot ROM, from Keel's plan for the parsed
 * kernel k: CMDLINE_ADDR/SIZE/DATA; INITRD_ADDR/SIZE/DATA when the plan
 * has an initrd (initrd: its plan->initrd_size bytes); for a bzImage
 * KERNEL_ADDR/SIZE/DATA (the protected-mode part where the plan loads it)
 * and SETUP_ADDR/SIZE/DATA (the real-mode part, header patched as for the
 * boot). Pure apart from fw; false if fw refused an item (reported).
 * pc_boot_load_kernel() calls it, and for multiboot adds QEMU's items too.
 */
struct FWCfgState;
bool pc_boot_linux_fw_cfg(struct FWCfgState *fw, const X86LinuxKernel *k,
                          const X86BootPlan *plan, const uint8_t *initrd);

/* Free what pc_boot_load_kernel() kept. */
void pc_boot_cleanup(PCMachineState *pcms);

/* ---- pc-cpus.c: vCPUs and interrupt controllers ------------------------ */

/**
 * pc_irqchip_init: - the interrupt controllers (8259 pair, IOAPIC, LAPICs)
 * and the PIT, in the accelerator when it has them, and pcms->gsi, the
 * lines device models raise. Call after the RAM and before any device or
 * vCPU; leaves pcms->gsi NULL when there is no accelerator to provide
 * them (pc_cpus_init then reports it).
 */
void pc_irqchip_init(PCMachineState *pcms);

/**
 * pc_cpus_init: - create -smp's vCPUs: the BSP (APIC ID 0) starts at the
 * boot plan's entry, the APs wait for INIT-SIPI. They run while the VM
 * does (stop/cont), go back to their power-on state on reset, and their
 * threads are joined at exit. Call last in machine init.
 */
void pc_cpus_init(PCMachineState *pcms);

#endif
