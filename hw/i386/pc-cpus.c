/*
 * pc-cpus.c: the pc machine's vCPUs and interrupt controllers under KVM.
 * kernel-irqchip=on (the default): the 8259s, IOAPIC, LAPICs and PIT
 * live in the kernel (created before any vCPU, as KVM requires) and the
 * APs wait there for INIT-SIPI; the HPET is ours, on KVM's GSIs.
 * kernel-irqchip=off: every chip is in user space (pc-userchips.c, a
 * LAPIC per vCPU) and the vCPUs take their interrupts through
 * accel/kvm/kvm-userirq.c. The BSP starts at the direct-boot plan's
 * entry. Here too: run state (stop/cont), machine reset and exit. Under
 * TCG pc_cpus_init hands over to pc-cpus-tcg.c.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/error.h"
#include "qemu/main-loop.h"
#include "hw/i386/pc.h"
#include "system/runstate.h"
#include "hw/i386/pc-tcg.h"
#if CONFIG_KVM
#include "hw/i386/pc-kvm.h"
#include "hw/i386/pc-userchips.h"
#include "hw/intc/apic.h"
#include "hw/timer/hpet.h"
#include "qemu/log.h"
#include "system/kvm-irqchip.h"
#include "system/kvm-userirq.h"
#include "target/i386/cpu.h"
#include "target/i386/kvm/kvm-cpuid.h"
#endif

bool (*pc_cpus_tcg_hook)(PCMachineState *pcms);
bool (*pc_tcg_accel_info_hook)(X86AccelInfo *info);
bool (*pc_irqchip_tcg_hook)(PCMachineState *pcms);

#if CONFIG_KVM

typedef struct PCCpu {
    KVMCPU *kvm;
    KVMX86ResetState reset;     /* its power-on state */
    APICState *apic;            /* kernel-irqchip=off: its user-space LAPIC */
} PCCpu;

struct PCCpus {
    KVMState *kvm;
    bool user_chips;            /* kernel-irqchip=off */
    unsigned count;
    PCCpu *cpu;                 /* [0] is the BSP */
    KVMPCChipsState chips;      /* the in-kernel chips at power-on */
    HPETState *kvm_hpet;        /* the HPET beside the in-kernel chips */
};

/* The board's vCPUs, for the monitor (pc_kvm_get_cpu). */
static struct PCCpus *pc_kvm_board_cpus;

KVMCPU *pc_kvm_get_cpu(unsigned index)
{
    struct PCCpus *cpus = pc_kvm_board_cpus;

    return cpus && cpus->cpu && index < cpus->count ? cpus->cpu[index].kvm : NULL;
}

static void G_GNUC_NORETURN pc_cpus_fatal(Error *err)
{
    error_report_err(err);
    exit(1);
}

/*
 * The HPET's legacy replacement takes IRQ 0 from the in-kernel PIT: KVM
 * stops the PIT's timer while KVM_PIT_FLAGS_HPET_LEGACY is set. Ticks it
 * still owes the guest (KVM re-injects those lost while IF was clear, one
 * per EOI) would go on arriving on IRQ 0, so they are dropped: turning
 * re-injection off and on again empties that queue.
 */
static void pc_kvm_pit_drop_backlog(KVMState *s)
{
    struct kvm_reinject_control rc = { .pit_reinject = 0 };
    int ret = kvm_vm_ioctl(s, KVM_REINJECT_CONTROL, &rc);

    rc.pit_reinject = 1;
    if (ret < 0 || (ret = kvm_vm_ioctl(s, KVM_REINJECT_CONTROL, &rc)) < 0) {
        error_report("KVM_REINJECT_CONTROL failed: %s", strerror(-ret));
    }
}

static void pc_kvm_hpet_legacy(void *opaque, int n, int level)
{
    KVMState *s = opaque;
    struct kvm_pit_state2 pit;
    Error *err = NULL;

    if (!kvm_vm_ioctl_named(s, KVM_GET_PIT2, "KVM_GET_PIT2", &pit, &err)) {
        error_report_err(err);
        return;
    }
    if (level) {
        pit.flags |= KVM_PIT_FLAGS_HPET_LEGACY;
    } else {
        pit.flags &= ~KVM_PIT_FLAGS_HPET_LEGACY;
    }
    if (!kvm_vm_ioctl_named(s, KVM_SET_PIT2, "KVM_SET_PIT2", &pit, &err)) {
        error_report_err(err);
        return;
    }
    if (level) {
        pc_kvm_pit_drop_backlog(s);
    }
}

static void pc_kvm_hpet_reset(void *opaque)
{
    hpet_reset(opaque);
}

/* The in-kernel PICs, IOAPIC, LAPICs and PIT, and our HPET on their GSIs. */
static void pc_irqchip_kvm_init(PCMachineState *pcms, KVMState *s)
{
    struct PCCpus *cpus = pcms->cpus;
    Error *err = NULL;

    if (!kvm_irqchip_create(s, &err) || !kvm_pit_create(s, &err)) {
        pc_cpus_fatal(err);
    }
    /* Before any device can raise a line, so this is the reset state. */
    if (!kvm_pc_save_chips_state(s, &cpus->chips, &err)) {
        pc_cpus_fatal(err);
    }
    pcms->gsi = kvm_pc_gsi_irqs(s);
    if (pcms->hpet_enabled) {
        pcms->hpet = true;
        cpus->kvm_hpet = hpet_init(get_system_memory(), OBJECT(pcms),
                                   HPET_BASE, pcms->gsi,
                                   qemu_allocate_irq(pc_kvm_hpet_legacy, s,
                                                     0));
        qemu_register_reset(pc_kvm_hpet_reset, cpus->kvm_hpet);
    }
}

void pc_irqchip_init(PCMachineState *pcms)
{
    KVMState *s = kvm_state_get();

    if (!s) {
        if (pc_irqchip_tcg_hook) {
            pc_irqchip_tcg_hook(pcms);
        }
        return;
    }
    pcms->cpus = g_new0(struct PCCpus, 1);
    pcms->cpus->kvm = s;
    pc_kvm_board_cpus = pcms->cpus;
    switch (kvm_irqchip_mode(s)) {
    case KVM_IRQCHIP_MODE_OFF:
        /* QEMU 7.2's words, so that logs read the same. */
        warn_report("Userspace local APIC is deprecated for KVM.");
        warn_report("Do not use kernel-irqchip except for the -M isapc "
                    "machine type.");
        pcms->cpus->user_chips = true;
        pc_userchips_init(pcms);
        break;
    default:
        pc_irqchip_kvm_init(pcms, s);
        break;
    }
}

/*
 * QEMU numbers APIC IDs by socket/core/thread bit fields (-smp topology).
 * KVM's in-kernel LAPIC takes its ID from the vCPU id, so the vCPU id is
 * the APIC ID.
 */
static uint32_t pc_cpu_apic_id(PCMachineState *pcms, unsigned index)
{
    return x86_cpu_apic_id(&MACHINE(pcms)->smp, index);
}

/* ---- kernel-irqchip=off: a LAPIC per vCPU in user space ---------------- */

static void pc_kvm_apic_set_intr(void *opaque, bool pending)
{
    kvm_userirq_set_intr(((PCCpu *)opaque)->kvm, pending);
}

static void pc_kvm_apic_nmi(void *opaque)
{
    kvm_userirq_nmi(((PCCpu *)opaque)->kvm);
}

static void pc_kvm_apic_init(void *opaque)
{
    kvm_userirq_init(((PCCpu *)opaque)->kvm);
}

static void pc_kvm_apic_sipi(void *opaque, uint8_t vector)
{
    kvm_userirq_sipi(((PCCpu *)opaque)->kvm, vector);
}

static void pc_kvm_apic_kick(void *opaque)
{
    kvm_userirq_wake(((PCCpu *)opaque)->kvm);
}

static const APICCpuOps pc_kvm_apic_ops = {
    .set_intr = pc_kvm_apic_set_intr,
    .nmi = pc_kvm_apic_nmi,
    .init = pc_kvm_apic_init,
    .sipi = pc_kvm_apic_sipi,
    .kick = pc_kvm_apic_kick,
};

static int pc_kvm_uirq_ack(void *opaque)
{
    return apic_ack_interrupt(((PCCpu *)opaque)->apic);
}

static uint8_t pc_kvm_uirq_get_cr8(void *opaque)
{
    return apic_get_tpr(((PCCpu *)opaque)->apic) >> 4;
}

static void pc_kvm_uirq_set_cr8(void *opaque, uint8_t cr8)
{
    apic_set_tpr(((PCCpu *)opaque)->apic, cr8 << 4);
}

static void pc_kvm_uirq_set_apic_base(void *opaque, uint64_t val)
{
    PCCpu *c = opaque;

    /* KVM took the WRMSR already; a value the APIC refuses stays out. */
    if (!apic_set_base(c->apic, val)) {
        qemu_log_mask(LOG_GUEST_ERROR, "vCPU %d: IA32_APIC_BASE 0x%" PRIx64
                      " refused by the APIC\n", c->kvm->index, val);
    }
}

static bool pc_kvm_uirq_init_reset(void *opaque, Error **errp)
{
    PCCpu *c = opaque;

    return kvm_x86_put_reset_state(c->kvm, &c->reset, errp);
}

static const KVMUserIrqOps pc_kvm_uirq_ops = {
    .ack = pc_kvm_uirq_ack,
    .get_cr8 = pc_kvm_uirq_get_cr8,
    .set_cr8 = pc_kvm_uirq_set_cr8,
    .set_apic_base = pc_kvm_uirq_set_apic_base,
    .init_reset = pc_kvm_uirq_init_reset,
};

static struct PCCpus *pc_kvm_cpus;

/* The APIC of the vCPU whose thread this is: LAPIC page accesses (MMIO). */
static APICState *pc_kvm_apic_current(void)
{
    struct PCCpus *cpus = pc_kvm_cpus;
    pthread_t self = pthread_self();

    for (unsigned i = 0; cpus && i < cpus->count; i++) {
        KVMCPU *cpu = cpus->cpu[i].kvm;

        if (cpu->thread_started && pthread_equal(cpu->thread, self)) {
            return cpus->cpu[i].apic;
        }
    }
    return NULL;
}

static void pc_kvm_user_apics_init(PCMachineState *pcms)
{
    struct PCCpus *cpus = pcms->cpus;

    for (unsigned i = 0; i < cpus->count; i++) {
        PCCpu *c = &cpus->cpu[i];

        c->apic = apic_new_cpu(&pc_kvm_apic_ops, c,
                               pc_cpu_apic_id(pcms, i), i == 0);
        kvm_userirq_attach(c->kvm, &pc_kvm_uirq_ops, c, i == 0);
    }
    pc_kvm_cpus = cpus;
    apic_current_fallback = pc_kvm_apic_current;
    apic_mmio_init(get_system_memory());
}

/*
 * Threads are stopped and joined without the BQL: a vCPU may be waiting
 * for it to finish an exit before it can notice the stop request.
 */
static void pc_cpus_stop(PCMachineState *pcms)
{
    struct PCCpus *cpus = pcms->cpus;
    bool locked = bql_locked();

    if (locked) {
        bql_unlock();
    }
    for (unsigned i = 0; i < cpus->count; i++) {
        if (cpus->cpu[i].kvm->thread_started) {
            kvm_vcpu_stop(cpus->cpu[i].kvm);
        }
    }
    if (locked) {
        bql_lock();
    }
}

static void pc_cpus_start(PCMachineState *pcms)
{
    struct PCCpus *cpus = pcms->cpus;
    Error *err = NULL;

    if (!pcms->booted) {
        return;
    }
    for (unsigned i = 0; i < cpus->count; i++) {
        KVMCPU *cpu = cpus->cpu[i].kvm;

        if (!cpu->thread_started && !kvm_vcpu_start_thread(cpu, &err)) {
            pc_cpus_fatal(err);
        }
    }
}

/* The images and the BSP's entry state, at power-on and on every reset. */
static bool pc_cpus_boot_state(PCMachineState *pcms, Error **errp)
{
    return pc_boot_apply_plan(pcms, errp) &&
           kvm_x86_put_boot_state(pcms->cpus->cpu[0].kvm, &pcms->plan.cpu,
                                  errp);
}

static void pc_cpus_vm_state_change(void *opaque, bool running,
                                    RunState state)
{
    PCMachineState *pcms = opaque;

    if (running) {
        pc_cpus_start(pcms);
    } else {
        pc_cpus_stop(pcms);
    }
}

/*
 * Every vCPU and the interrupt chips go back to power-on (the APs to
 * waiting for INIT-SIPI); then, with no firmware to reload the kernel, do
 * what its option ROM would.
 */
static bool pc_cpus_reset_state(PCMachineState *pcms, Error **errp)
{
    struct PCCpus *cpus = pcms->cpus;

    /* User-space chips have reset handlers of their own. */
    if (!cpus->user_chips &&
        !kvm_pc_put_chips_state(cpus->kvm, &cpus->chips, errp)) {
        return false;
    }
    for (unsigned i = 0; i < cpus->count; i++) {
        PCCpu *c = &cpus->cpu[i];

        if (!kvm_x86_put_reset_state(c->kvm, &c->reset, errp)) {
            return false;
        }
        if (c->apic) {
            apic_reset(c->apic);
            kvm_userirq_reset(c->kvm, i == 0);
        }
    }
    return !pcms->booted || pc_cpus_boot_state(pcms, errp);
}

static void pc_cpus_reset(void *opaque)
{
    PCMachineState *pcms = opaque;
    Error *err = NULL;

    pc_cpus_stop(pcms);
    if (!pc_cpus_reset_state(pcms, &err)) {
        error_report_err(err);
        qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
        return;
    }
    if (runstate_is_running()) {
        pc_cpus_start(pcms);
    }
}

static void pc_cpus_exit_notify(void *opaque)
{
    pc_cpus_stop(opaque);
}

static KVMCPU *pc_cpu_create(PCMachineState *pcms, unsigned index,
                             Error **errp)
{
    struct PCCpus *cpus = pcms->cpus;
    uint32_t apic_id = pc_cpu_apic_id(pcms, index);
    KVMCPU *cpu = kvm_vcpu_create(cpus->kvm, apic_id, errp);

    if (!cpu) {
        return NULL;
    }
    cpus->cpu[index].kvm = cpu;
    cpus->count = index + 1;
    if (!kvm_x86_cpu_setup_cpuid(cpu, MACHINE(pcms)->cpu_model,
                                 &MACHINE(pcms)->smp, index, errp) ||
        !kvm_x86_save_reset_state(cpu, &cpus->cpu[index].reset, errp)) {
        return NULL;
    }
    return cpu;
}

void pc_cpus_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    Error *err = NULL;

    if (pc_cpus_tcg_hook && pc_cpus_tcg_hook(pcms)) {
        return;
    }
    if (!pcms->cpus) {
        error_report("machine '%s' needs the kvm accelerator",
                     MACHINE_GET_CLASS(pcms)->name);
        exit(1);
    }
    pcms->cpus->cpu = g_new0(PCCpu, ms->smp.cpus);
    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        if (!pc_cpu_create(pcms, i, &err)) {
            pc_cpus_fatal(err);
        }
    }
    if (pcms->cpus->user_chips) {
        pc_kvm_user_apics_init(pcms);
    }
    if (pcms->booted && !pc_cpus_boot_state(pcms, &err)) {
        pc_cpus_fatal(err);
    }
    if (!pcms->booted) {
        warn_report("no -kernel given and Keel has no firmware yet: "
                    "the vCPUs will not run");
    }
    qemu_add_vm_change_state_handler(pc_cpus_vm_state_change, pcms);
    qemu_register_reset(pc_cpus_reset, pcms);
    qemu_add_exit_notifier(pc_cpus_exit_notify, pcms);
}

#else /* !CONFIG_KVM */

void pc_irqchip_init(PCMachineState *pcms)
{
    if (pc_irqchip_tcg_hook) {
        pc_irqchip_tcg_hook(pcms);
    }
}

void pc_cpus_init(PCMachineState *pcms)
{
    if (pc_cpus_tcg_hook && pc_cpus_tcg_hook(pcms)) {
        return;
    }
    error_report("machine '%s' needs the kvm accelerator, which this build "
                 "of Keel lacks", MACHINE_GET_CLASS(pcms)->name);
    exit(1);
}

#endif
