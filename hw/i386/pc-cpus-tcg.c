/*
 * pc-cpus-tcg.c: the pc machine's vCPUs under TCG: one X86TCGCPU per
 * -smp CPU on the round-robin thread of accel/tcg/tcg-cpus.c, the BSP at
 * the direct-boot plan's entry (as accel/kvm/kvm-pc-boot.c does for KVM),
 * machine reset, stop/cont and exit. No interrupt controller yet (issue
 * 6): x86_get_pic_interrupt stays NULL and APs wait for a SIPI that
 * nobody sends.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/i386/pc-tcg.h"
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

/* Every vCPU to power-on, TLBs flushed; the BSP to the boot plan's entry. */
static bool pc_tcg_reset_state(Error **errp)
{
    PCMachineState *pcms = pc_tcg.pcms;

    for (unsigned i = 0; i < pc_tcg.count; i++) {
        x86_tcg_cpu_reset(pc_tcg.cpu[i]);
    }
    if (!pcms->booted) {
        return true;
    }
    if (!pc_boot_apply_plan(pcms, errp)) {
        return false;
    }
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
    if (pcms->booted) {
        if (!pc_boot_apply_plan(pcms, &err)) {
            pc_tcg_fatal(err);
        }
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

static void __attribute__((constructor)) pc_cpus_tcg_register(void)
{
    pc_cpus_tcg_hook = pc_cpus_tcg_try;
    pc_tcg_accel_info_hook = pc_tcg_accel_info;
}
