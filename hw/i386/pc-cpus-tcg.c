/*
 * pc-cpus-tcg.c: the pc machine's vCPUs under TCG: one X86TCGCPU per
 * -smp CPU run by accel/tcg/tcg-cpus.c (round-robin on one thread, or a
 * thread each with thread=multi), the BSP at
 * the direct-boot plan's entry (as accel/kvm/kvm-pc-boot.c does for KVM),
 * machine reset, stop/cont and exit. The interrupt wiring under TCG:
 * the GSI lines (pcms->gsi) go to the user-space 8259 pair (ISA IRQ n ->
 * 8259 input n), whose INT goes to the LAPICs' LINT0, and to the IOAPIC
 * (ISA IRQ 0 -> pin 2); the 8254 PIT drives ISA IRQ 0 unless the HPET
 * (at 0xfed00000, as QEMU's pc has one; -machine hpet=off drops it) has
 * taken it in legacy mode.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/main-loop.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "hw/intc/i8259.h"
#include "hw/isa/isa.h"
#include "hw/timer/hpet.h"
#include "hw/timer/i8254.h"
#include "hw/i386/pc-tcg.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"
#include "system/runstate.h"
#include "system/tcg.h"
#include "target/i386/cpu.h"
#include "target/i386/tcg/tcg-cpu.h"

#define X86_TSS_BUSY_64 0xb

typedef struct PCTcgCpus {
    PCMachineState *pcms;
    unsigned count;
    X86TCGCPU **cpu;            /* [0] is the BSP */
} PCTcgCpus;

static PCTcgCpus pc_tcg;

/* ---- APIC block (owner: APIC, issue 6): local APICs and the IOAPIC ---- */

static IOAPICState *pc_tcg_ioapic;

/* One local APIC per vCPU, the IOAPIC at 0xfec00000, EOI broadcast. */
static void pc_tcg_apic_init(void)
{
    for (unsigned i = 0; i < pc_tcg.count; i++) {
        apic_new(pc_tcg.cpu[i], pc_tcg.cpu[i]->apic_id);
    }
    apic_mmio_init(get_system_memory());
    pc_tcg_ioapic = ioapic_new();
    ioapic_map(pc_tcg_ioapic, get_system_memory(), IOAPIC_DEFAULT_BASE);
    apic_set_eoi_hook(ioapic_eoi, pc_tcg_ioapic);
}

static void pc_tcg_apic_reset(void)
{
    for (unsigned i = 0; i < pc_tcg.count; i++) {
        apic_reset(apic_of(pc_tcg.cpu[i]));
    }
    if (pc_tcg_ioapic) {
        ioapic_reset(pc_tcg_ioapic);
    }
}

/* pc_tcg_ioapic_irqs: - the IOAPIC's 24 input pins (for the ISA wiring). */
qemu_irq *pc_tcg_ioapic_irqs(void)
{
    return pc_tcg_ioapic ? ioapic_get_irqs(pc_tcg_ioapic) : NULL;
}

/* ---- end of the APIC block ---- */

/* The user-space interrupt controllers and timers under TCG. */
typedef struct PCTcgChips {
    I8259State *pic;
    I8254State *pit;
    HPETState *hpet;
    bool pit_out;               /* the PIT's channel 0 OUT */
    bool pic_int;               /* the 8259 master's INT level */
    uint32_t gsi_level;         /* GSI n high */
} PCTcgChips;

static PCTcgChips pc_tcg_chips;

/* The TCG board's 8259 pair / IOAPIC for the monitor (info pic, info irq);
 * NULL before pc_irqchip_init / the vCPUs. */
I8259State *pc_tcg_get_pic(void)
{
    return pc_tcg_chips.pic;
}

IOAPICState *pc_tcg_get_ioapic(void)
{
    return pc_tcg_ioapic;
}

#define PC_TCG_GSI_COUNT 24     /* the IOAPIC's pins, as under KVM */

/* The 8259 master's INT: to LINT0 of the LAPICs (ExtINT on the BSP). */
static void pc_tcg_pic_out(void *opaque, int n, int level)
{
    pc_tcg_chips.pic_int = level;
    apic_deliver_pic_intr(level);
}

/*
 * GSI n: ISA IRQs 0-15 to the 8259 inputs, and every GSI to the IOAPIC
 * pin of the same number except ISA IRQ 0, which is pin 2 as the MADT's
 * interrupt source override says. Levels are kept to replay them into
 * the IOAPIC, which only exists once the vCPUs do.
 */
static void pc_tcg_gsi_set(void *opaque, int n, int level)
{
    qemu_irq *ioapic = pc_tcg_ioapic_irqs();

    if (n < 0 || n >= PC_TCG_GSI_COUNT) {
        return;
    }
    if (level) {
        pc_tcg_chips.gsi_level |= 1u << n;
    } else {
        pc_tcg_chips.gsi_level &= ~(1u << n);
    }
    /* IR2 of the master is the cascade, not an ISA input. */
    if (n < ISA_NUM_IRQS && n != 2) {
        qemu_set_irq(i8259_irq(pc_tcg_chips.pic, n), level);
    }
    if (ioapic) {
        qemu_set_irq(ioapic[n == 0 ? 2 : n], level);
    }
}

/* INTA of the 8259, from a vCPU thread that may not hold the BQL. */
static int pc_tcg_pic_read(void *opaque)
{
    bool locked = bql_locked();
    int vec;

    if (!locked) {
        bql_lock();
    }
    vec = i8259_ack(opaque);
    if (!locked) {
        bql_unlock();
    }
    return vec;
}

/* After pc_tcg_apic_init: the chips' current levels into the APICs. */
static void pc_tcg_chips_attach(void)
{
    qemu_irq *ioapic = pc_tcg_ioapic_irqs();

    if (!pc_tcg_chips.pic) {
        return;
    }
    apic_set_pic_hooks(pc_tcg_pic_read, pc_tcg_chips.pic);
    apic_deliver_pic_intr(pc_tcg_chips.pic_int);
    for (int n = 0; ioapic && n < PC_TCG_GSI_COUNT; n++) {
        if (pc_tcg_chips.gsi_level & (1u << n)) {
            qemu_set_irq(ioapic[n == 0 ? 2 : n], 1);
        }
    }
}

/* PIT channel 0 to ISA IRQ 0, unless the HPET's legacy replacement is on. */
static void pc_tcg_pit_irq(void *opaque, int n, int level)
{
    PCMachineState *pcms = opaque;

    pc_tcg_chips.pit_out = level;
    if (!pc_tcg_chips.hpet || !hpet_legacy(pc_tcg_chips.hpet)) {
        qemu_set_irq(pcms->gsi[0], level);
    }
}

/* The HPET's legacy replacement went on (PIT off IRQ 0) or off (back on). */
static void pc_tcg_hpet_legacy(void *opaque, int n, int level)
{
    PCMachineState *pcms = opaque;

    qemu_set_irq(pcms->gsi[0], level ? 0 : pc_tcg_chips.pit_out);
}

static void pc_tcg_chips_reset(void *opaque)
{
    i8259_reset(pc_tcg_chips.pic);
    if (pc_tcg_chips.hpet) {
        hpet_reset(pc_tcg_chips.hpet);
    }
    i8254_reset(pc_tcg_chips.pit);
}

static void pc_irqchip_tcg_init(PCMachineState *pcms)
{
    MemoryRegion *io = get_system_io();
    Object *owner = OBJECT(pcms);

    pc_tcg_chips.pic = i8259_init(io, owner,
                                  qemu_allocate_irq(pc_tcg_pic_out, NULL, 0));
    pcms->gsi = qemu_allocate_irqs(pc_tcg_gsi_set, pcms, PC_TCG_GSI_COUNT);
    /*
     * QEMU's pc-i440fx has an HPET by default (3 timers, IOAPIC pin 2);
     * -machine hpet=off leaves it out (and out of the ACPI tables).
     */
    if (pcms->hpet_enabled) {
        pc_tcg_chips.hpet = hpet_init(get_system_memory(), owner, HPET_BASE,
                                      pcms->gsi,
                                      qemu_allocate_irq(pc_tcg_hpet_legacy, pcms, 0));
    }
    pcms->hpet = pcms->hpet_enabled;
    pc_tcg_chips.pit = i8254_init(io, owner,
                                  qemu_allocate_irq(pc_tcg_pit_irq, pcms, 0));
    qemu_register_reset(pc_tcg_chips_reset, NULL);
}

static uint32_t pc_tcg_seg_flags(const X86BootSegment *s)
{
    return ((uint32_t)s->type << DESC_TYPE_SHIFT) |
           (s->s ? DESC_S_MASK : 0) |
           ((uint32_t)(s->dpl & 3) << DESC_DPL_SHIFT) |
           (s->present ? DESC_P_MASK : 0) |
           (s->l ? DESC_L_MASK : 0) |
           (s->db ? DESC_B_MASK : 0) |
           (s->g ? DESC_G_MASK : 0);
}

static void pc_tcg_put_seg(CPUX86State *env, int reg, const X86BootSegment *s)
{
    env->segs[reg].selector = s->selector;
    env->segs[reg].base = s->base;
    env->segs[reg].limit = s->limit;
    env->segs[reg].flags = pc_tcg_seg_flags(s);
}

void pc_tcg_put_boot_state(CPUX86State *env, const X86BootCpuState *st)
{
    /* Control registers first: the segment caches' meaning depends on them. */
    env->cr[0] = st->cr0 | CR0_ET_MASK;
    env->cr[3] = st->cr3;
    env->cr[4] = st->cr4;
    env->efer = st->efer;
    pc_tcg_put_seg(env, R_CS, &st->cs);
    pc_tcg_put_seg(env, R_DS, &st->ds);
    pc_tcg_put_seg(env, R_ES, &st->es);
    pc_tcg_put_seg(env, R_FS, &st->fs);
    pc_tcg_put_seg(env, R_GS, &st->gs);
    pc_tcg_put_seg(env, R_SS, &st->ss);
    if (st->tr.present) {
        env->tr.selector = st->tr.selector;
        env->tr.base = st->tr.base;
        env->tr.limit = st->tr.limit;
        env->tr.flags = pc_tcg_seg_flags(&st->tr);
    } else {
        /* The architectural reset TR, as under KVM. */
        env->tr.selector = 0;
        env->tr.base = 0;
        env->tr.limit = 0xffff;
        env->tr.flags = DESC_P_MASK | (X86_TSS_BUSY_64 << DESC_TYPE_SHIFT);
    }
    if (st->mode != X86_BOOT_REAL16) {
        env->gdt.base = st->gdt_base;
        env->gdt.limit = st->gdt_limit;
    }
    env->eip = st->rip;
    env->regs[R_ESP] = st->rsp;
    env->regs[R_EAX] = st->rax;
    env->regs[R_EBX] = st->rbx;
    env->regs[R_ESI] = st->rsi;
    /* Lazy flags: arithmetic bits to cc_src, DF to df, the rest stays. */
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = st->rflags & CC_ALL_MASK;
    env->df = (st->rflags & DF_MASK) ? -1 : 1;
    env->eflags = (st->rflags | 0x2) & ~(uint64_t)(CC_ALL_MASK | DF_MASK);
    x86_update_hflags(env);
}

static void G_GNUC_NORETURN pc_tcg_fatal(Error *err)
{
    error_report_err(err);
    exit(1);
}

/*
 * MTRRdefType = E | WB on every vCPU, as direct-boot VMMs (Firecracker,
 * Cloud Hypervisor) leave it in place of firmware: with the power-on 0
 * Linux reports "MTRRs disabled" and skips PAT set-up, where under QEMU
 * SeaBIOS enabled them. Fixed and variable ranges stay off: all RAM WB,
 * and Linux maps MMIO uncached through PAT.
 */
#define PC_TCG_BOOT_MTRR_DEFTYPE    0x806

static void pc_tcg_firmware_msrs(void)
{
    for (unsigned i = 0; i < pc_tcg.count; i++) {
        pc_tcg.cpu[i]->env.mtrr_deftype = PC_TCG_BOOT_MTRR_DEFTYPE;
    }
}

/* Every vCPU to power-on, TLBs flushed; the BSP to the boot plan's entry. */
static bool pc_tcg_reset_state(Error **errp)
{
    PCMachineState *pcms = pc_tcg.pcms;

    for (unsigned i = 0; i < pc_tcg.count; i++) {
        x86_tcg_cpu_reset(pc_tcg.cpu[i]);
    }
    pc_tcg_apic_reset();    /* APIC block */
    if (!pcms->booted) {
        return true;
    }
    if (!pc_boot_apply_plan(pcms, errp)) {
        return false;
    }
    pc_tcg_firmware_msrs();
    pc_tcg_put_boot_state(&pc_tcg.cpu[0]->env, &pcms->plan.cpu);
    return true;
}

static void pc_tcg_reset(void *opaque)
{
    Error *err = NULL;

    tcg_cpus_stop();
    if (!pc_tcg_reset_state(&err)) {
        error_report_err(err);
        qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
        return;
    }
    if (runstate_is_running()) {
        tcg_cpus_start();
    }
}

static void pc_tcg_vm_state_change(void *opaque, bool running, RunState state)
{
    if (running) {
        if (pc_tcg.pcms->booted) {
            tcg_cpus_start();
        }
    } else {
        tcg_cpus_stop();
    }
}

static void pc_tcg_exit_notify(void *opaque)
{
    tcg_cpus_shutdown();
}

void pc_cpus_tcg_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    X86CPUConfig cfg;
    Error *err = NULL;

    if (!x86_tcg_cpu_config(&cfg, ms->cpu_model, &err)) {
        pc_tcg_fatal(err);
    }
    pc_tcg.pcms = pcms;
    pc_tcg.cpu = g_new0(X86TCGCPU *, ms->smp.cpus);
    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        X86TCGCPU *cpu = x86_tcg_cpu_new(i, x86_cpu_apic_id(&ms->smp, i), i == 0,
                                         &cfg, &address_space_memory,
                                         &address_space_io, &err);

        if (!cpu) {
            pc_tcg_fatal(err);
        }
        cpu->machine_opaque = pcms;
        x86_tcg_cpu_build_cpuid(cpu, &cfg, &ms->smp, i);
        /* The signature in EDX comes from the table just built. */
        x86_tcg_cpu_reset(cpu);
        pc_tcg.cpu[i] = cpu;
        pc_tcg.count = i + 1;
        tcg_cpus_add(&cpu->parent);
    }
    pc_tcg_apic_init();     /* APIC block */
    pc_tcg_chips_attach();
    if (pcms->booted) {
        if (!pc_boot_apply_plan(pcms, &err)) {
            pc_tcg_fatal(err);
        }
        pc_tcg_firmware_msrs();
        pc_tcg_put_boot_state(&pc_tcg.cpu[0]->env, &pcms->plan.cpu);
    } else {
        warn_report("no -kernel given and Keel has no firmware yet: "
                    "the vCPUs will not run");
    }
    qemu_add_vm_change_state_handler(pc_tcg_vm_state_change, pcms);
    qemu_register_reset(pc_tcg_reset, pcms);
    qemu_add_exit_notifier(pc_tcg_exit_notify, pcms);
}

static bool pc_cpus_tcg_try(PCMachineState *pcms)
{
    if (!tcg_enabled()) {
        return false;
    }
    pc_cpus_tcg_init(pcms);
    return true;
}

static bool pc_tcg_accel_info(X86AccelInfo *info)
{
    if (!tcg_enabled()) {
        return false;
    }
    x86_tcg_accel_info(info);
    return true;
}

static bool pc_irqchip_tcg_try(PCMachineState *pcms)
{
    if (!tcg_enabled()) {
        return false;
    }
    pc_irqchip_tcg_init(pcms);
    return true;
}

static void __attribute__((constructor)) pc_cpus_tcg_register(void)
{
    pc_irqchip_tcg_hook = pc_irqchip_tcg_try;
    pc_cpus_tcg_hook = pc_cpus_tcg_try;
    pc_tcg_accel_info_hook = pc_tcg_accel_info;
}
