/*
 * apic-tcg.c: the local APIC's glue to an X86TCGCPU: APICCpuOps that
 * raise the TCG interrupt requests, and the CPU hooks of the translator's
 * helpers (INTA, CR8, the APIC MSRs, the guest TSC). The APIC model itself
 * (apic.c) knows no accelerator.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/intc/apic.h"
#include "exec/exec-all.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/apic-msr.h"

/* accel/tcg's vCPU running on this thread (translate-all.c). */
extern __thread CPUState *current_cpu;

static void apic_tcg_set_intr(void *cpu, bool pending)
{
    X86TCGCPU *c = cpu;

    if (pending) {
        cpu_interrupt(&c->parent, CPU_INTERRUPT_HARD);
    } else {
        cpu_reset_interrupt(&c->parent, CPU_INTERRUPT_HARD);
    }
}

static void apic_tcg_nmi(void *cpu)
{
    cpu_interrupt(&((X86TCGCPU *)cpu)->parent, CPU_INTERRUPT_NMI);
}

static void apic_tcg_init(void *cpu)
{
    cpu_interrupt(&((X86TCGCPU *)cpu)->parent, CPU_INTERRUPT_INIT);
}

static void apic_tcg_sipi(void *cpu, uint8_t vector)
{
    X86TCGCPU *c = cpu;

    /* The target's thread reads it once it sees the request (ordered by cpu_interrupt). */
    __atomic_store_n(&c->env.sipi_vector, vector, __ATOMIC_RELEASE);
    cpu_interrupt(&c->parent, CPU_INTERRUPT_SIPI);
}

static uint64_t apic_tcg_read_tsc(void *cpu)
{
    return x86_tcg_read_tsc(&((X86TCGCPU *)cpu)->env);
}

/* cpu_interrupt() already kicks the vCPU out of a TB or a halt. */
static const APICCpuOps apic_tcg_ops = {
    .set_intr = apic_tcg_set_intr,
    .nmi = apic_tcg_nmi,
    .init = apic_tcg_init,
    .sipi = apic_tcg_sipi,
    .read_tsc = apic_tcg_read_tsc,
};

APICState *apic_of(X86TCGCPU *cpu)
{
    for (APICState *s = apic_next(NULL); s; s = apic_next(s)) {
        if (apic_get_cpu(s) == cpu) {
            return s;
        }
    }
    return NULL;
}

/* With no vCPU thread setting apic_set_current: the vCPU TCG runs here. */
static APICState *apic_tcg_current(void)
{
    return current_cpu ? apic_of((X86TCGCPU *)current_cpu) : NULL;
}

static int apic_tcg_get_interrupt(CPUX86State *env)
{
    return apic_ack_interrupt(apic_of(env_x86cpu(env)));
}

static int apic_tcg_get_cr8(CPUX86State *env)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));

    return s ? apic_get_tpr(s) >> 4 : -1;
}

static bool apic_tcg_set_cr8(CPUX86State *env, unsigned cr8)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));

    if (!s) {
        return false;
    }
    apic_set_tpr(s, (cr8 & 0xf) << 4);
    return true;
}

static bool apic_tcg_cpuid_ecx(CPUX86State *env, uint32_t bit)
{
    const X86CPUIDEntry *e = x86_cpuid(env, 1, 0);

    return e && (e->ecx & bit);
}

static int apic_tcg_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *val)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));

    if (!s) {
        return X86_APIC_MSR_UNHANDLED;
    }
    if (msr == APIC_MSR_BASE) {
        *val = env->apic_base = apic_get_base(s);
        return X86_APIC_MSR_OK;
    }
    if (msr == APIC_MSR_TSC_DEADLINE) {
        if (!apic_tcg_cpuid_ecx(env, CPUID_EXT_TSC_DEADLINE)) {
            return X86_APIC_MSR_GP;
        }
        *val = apic_get_tsc_deadline(s);
        return X86_APIC_MSR_OK;
    }
    if (msr >= APIC_MSR_X2APIC_FIRST && msr <= APIC_MSR_X2APIC_LAST) {
        return apic_msr_read(s, msr, val) ? X86_APIC_MSR_OK : X86_APIC_MSR_GP;
    }
    return X86_APIC_MSR_UNHANDLED;
}

static int apic_tcg_wrmsr(CPUX86State *env, uint32_t msr, uint64_t val)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));

    if (!s) {
        return X86_APIC_MSR_UNHANDLED;
    }
    if (msr == APIC_MSR_BASE) {
        /* Reserved: 0-7, 9, EXTD without x2APIC, above MAXPHYADDR. BSP is read-only. */
        uint64_t rsvd = 0x2ffULL | ~((1ULL << x86_phys_bits(env)) - 1);

        if (!apic_tcg_cpuid_ecx(env, CPUID_EXT_X2APIC)) {
            rsvd |= 1ULL << 10;
        }
        if ((val & rsvd) || !apic_set_base(s, val)) {
            return X86_APIC_MSR_GP;
        }
        env->apic_base = apic_get_base(s);
        return X86_APIC_MSR_OK;
    }
    if (msr == APIC_MSR_TSC_DEADLINE) {
        if (!apic_tcg_cpuid_ecx(env, CPUID_EXT_TSC_DEADLINE)) {
            return X86_APIC_MSR_GP;
        }
        apic_set_tsc_deadline(s, val);
        return X86_APIC_MSR_OK;
    }
    if (msr >= APIC_MSR_X2APIC_FIRST && msr <= APIC_MSR_X2APIC_LAST) {
        return apic_msr_write(s, msr, val) ? X86_APIC_MSR_OK : X86_APIC_MSR_GP;
    }
    return X86_APIC_MSR_UNHANDLED;
}

APICState *apic_new(X86TCGCPU *cpu, uint32_t apic_id)
{
    APICState *s = apic_new_cpu(cpu ? &apic_tcg_ops : NULL, cpu, apic_id, cpu && cpu->is_bsp);

    if (cpu) {
        cpu->env.apic_base = apic_get_base(s);
    }
    x86_get_pic_interrupt = apic_tcg_get_interrupt;
    x86_apic_get_cr8 = apic_tcg_get_cr8;
    x86_apic_set_cr8 = apic_tcg_set_cr8;
    x86_apic_rdmsr = apic_tcg_rdmsr;
    x86_apic_wrmsr = apic_tcg_wrmsr;
    apic_current_fallback = apic_tcg_current;
    return s;
}
