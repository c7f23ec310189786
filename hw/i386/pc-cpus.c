/*
 * pc-cpus.c: the pc machine's vCPUs and interrupt controllers. Under KVM
 * the 8259s, IOAPIC, LAPICs and PIT live in the kernel (created before
 * any vCPU, as KVM requires); the BSP starts at the direct-boot plan's
 * entry and the APs wait in KVM for INIT-SIPI. Here too: run state
 * (stop/cont), machine reset and exit. The only KVM-aware part of the
 * board; under TCG pc_cpus_init hands over to pc-cpus-tcg.c.
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
#include "system/kvm-irqchip.h"
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
} PCCpu;

struct PCCpus {
    KVMState *kvm;
    unsigned count;
    PCCpu *cpu;                 /* [0] is the BSP */
    KVMPCChipsState chips;      /* the in-kernel chips at power-on */
};

static void G_GNUC_NORETURN pc_cpus_fatal(Error *err)
{
    error_report_err(err);
    exit(1);
}

void pc_irqchip_init(PCMachineState *pcms)
{
    KVMState *s = kvm_state_get();
    Error *err = NULL;

    if (!s) {
        if (pc_irqchip_tcg_hook) {
            pc_irqchip_tcg_hook(pcms);
        }
        return;
    }
    if (!kvm_irqchip_create(s, &err) || !kvm_pit_create(s, &err)) {
        pc_cpus_fatal(err);
    }
    pcms->cpus = g_new0(struct PCCpus, 1);
    pcms->cpus->kvm = s;
    /* Before any device can raise a line, so this is the reset state. */
    if (!kvm_pc_save_chips_state(s, &pcms->cpus->chips, &err)) {
        pc_cpus_fatal(err);
    }
    pcms->gsi = kvm_pc_gsi_irqs(s);
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

    if (!kvm_pc_put_chips_state(cpus->kvm, &cpus->chips, errp)) {
        return false;
    }
    for (unsigned i = 0; i < cpus->count; i++) {
        if (!kvm_x86_put_reset_state(cpus->cpu[i].kvm, &cpus->cpu[i].reset,
                                     errp)) {
            return false;
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
