/*
 * misc_helper.c: x86 system instructions that are not about segments or
 * paging walks: CPUID (from the vCPU's X86CPUIDTable), the TSC, MSRs,
 * MOV to/from CR and DR, LMSW/CLTS/INVLPG, HLT/PAUSE, port I/O with the
 * TSS I/O permission bitmap, RDRAND. Privilege checks the translator
 * does (CPL 0, CR4.TSD/PCE) are repeated here where cheap: a helper must
 * be safe even when called from a TB translated in another mode.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/apic-msr.h"

int (*x86_apic_rdmsr)(CPUX86State *env, uint32_t msr, uint64_t *val);
int (*x86_apic_wrmsr)(CPUX86State *env, uint32_t msr, uint64_t val);

/* ---- CPUID ---- */

void helper_cpuid(CPUX86State *env)
{
    const X86CPUIDTable *t = &env_x86cpu(env)->cpuid;
    const X86CPUIDEntry *e0 = x86_cpuid_find(t, 0, 0);
    const X86CPUIDEntry *x0 = x86_cpuid_find(t, 0x80000000, 0);
    uint32_t fn = env->regs[R_EAX], idx = env->regs[R_ECX];
    uint32_t level = e0 ? e0->eax : 0, xlevel = x0 ? x0->eax : 0;
    const X86CPUIDEntry *e;

    /*
     * Leaves past the last one return the highest basic leaf (what the
     * SDM says for Intel; QEMU does it for every vendor). The KVM and
     * hypervisor leaves 0x4000xxxx are only there when the table has them.
     */
    if (fn >= 0x80000000) {
        if (fn > xlevel) {
            fn = level;
        }
    } else if (fn > level && !x86_cpuid_find(t, fn, idx)) {
        fn = level;
    }
    e = x86_cpuid_find(t, fn, idx);
    env->regs[R_EAX] = e ? e->eax : 0;
    env->regs[R_EBX] = e ? e->ebx : 0;
    env->regs[R_ECX] = e ? e->ecx : 0;
    env->regs[R_EDX] = e ? e->edx : 0;
    /* (X87) OSXSAVE mirrors CR4.OSXSAVE where XSAVE is offered. */
    if (fn == 1 && (env->regs[R_ECX] & CPUID_EXT_XSAVE)) {
        env->regs[R_ECX] &= ~(uint64_t)(1u << 27);
        if (env->cr[4] & CR4_OSXSAVE_MASK) {
            env->regs[R_ECX] |= 1u << 27;
        }
    }
}

/* ---- TSC ---- */

/* Ticks of the guest TSC at a fixed 1 GHz: host monotonic nanoseconds. */
static uint64_t misc_host_ticks(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t misc_read_tsc(CPUX86State *env)
{
    return misc_host_ticks() + env->tsc_offset;
}

uint64_t x86_tcg_read_tsc(CPUX86State *env)
{
    return misc_read_tsc(env);
}

static void misc_check_tsd(CPUX86State *env, uintptr_t ra)
{
    if ((env->cr[4] & CR4_TSD_MASK) && x86_cpl(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

static void misc_rdtsc(CPUX86State *env, uintptr_t ra)
{
    uint64_t tsc;

    misc_check_tsd(env, ra);
    tsc = misc_read_tsc(env);
    env->regs[R_EAX] = (uint32_t)tsc;
    env->regs[R_EDX] = tsc >> 32;
}

void helper_rdtsc(CPUX86State *env)
{
    misc_rdtsc(env, GETPC());
}

void helper_rdtscp(CPUX86State *env)
{
    misc_rdtsc(env, GETPC());
    env->regs[R_ECX] = (uint32_t)env->tsc_aux;
}

void helper_rdpmc(CPUX86State *env)
{
    qemu_log_mask(LOG_UNIMP, "x86: RDPMC not implemented\n");
    raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
}

/* ---- MSRs ---- */

#define MSR_IA32_PLATFORM_ID     0x17
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_UCODE_REV       0x8b
#define MSR_MTRRcap              0xfe
#define MSR_MCG_CAP              0x179
#define MSR_MCG_STATUS           0x17a
#define MSR_MCG_CTL              0x17b
#define MSR_MC0_CTL              0x400
#define MSR_FSBASE               0xc0000100
#define MSR_GSBASE               0xc0000101
#define MSR_AMD_SYSCFG           0xc0010010
#define MSR_AMD_INT_PENDING      0xc0010055
#define MISC_MCE_BANKS           10
/* QEMU's MCG_CAP: MCG_CTL_P | MCG_SER_P | 10 banks. */
#define MISC_MCG_CAP             ((1ULL << 8) | (1ULL << 24) | MISC_MCE_BANKS)

static bool misc_has(CPUX86State *env, uint32_t fn, X86CPUIDReg reg, uint32_t bit)
{
    const X86CPUIDEntry *e = x86_cpuid(env, fn, 0);
    uint32_t v;

    if (!e) {
        return false;
    }
    v = reg == X86_CPUID_EAX ? e->eax : reg == X86_CPUID_EBX ? e->ebx :
        reg == X86_CPUID_ECX ? e->ecx : e->edx;
    return v & bit;
}

static bool misc_is_amd(CPUX86State *env)
{
    const X86CPUIDEntry *e = x86_cpuid(env, 0, 0);

    return e && e->ebx == 0x68747541;   /* "Auth" */
}

/* The MSR value, or false for an unknown MSR. */
static bool misc_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *val)
{
    if (x86_apic_rdmsr) {
        int r = x86_apic_rdmsr(env, msr, val);

        if (r != X86_APIC_MSR_UNHANDLED) {
            return r == X86_APIC_MSR_OK;
        }
    }
    switch (msr) {
    case MSR_IA32_TSC:
        *val = misc_read_tsc(env);
        return true;
    case MSR_IA32_APICBASE:
        *val = env->apic_base;
        return true;
    case MSR_IA32_PLATFORM_ID:
    case MSR_IA32_FEATURE_CONTROL:
        *val = 0;
        return true;
    case MSR_IA32_UCODE_REV:
        *val = misc_is_amd(env) ? 0x01000065ULL : 0x100000000ULL;
        return true;
    case MSR_IA32_SYSENTER_CS:
        *val = env->sysenter_cs;
        return true;
    case MSR_IA32_SYSENTER_ESP:
        *val = env->sysenter_esp;
        return true;
    case MSR_IA32_SYSENTER_EIP:
        *val = env->sysenter_eip;
        return true;
    case MSR_IA32_MISC_ENABLE:
        *val = env->msr_ia32_misc_enable;
        return true;
    case MSR_MCG_CAP:
        *val = MISC_MCG_CAP;
        return true;
    case MSR_MCG_STATUS:
        *val = 0;
        return true;
    case MSR_MCG_CTL:
        *val = ~0ULL;
        return true;
    case MSR_PAT:
        *val = env->pat;
        return true;
    case MSR_MTRRcap:
        *val = misc_has(env, 1, X86_CPUID_EDX, 1u << 12) ? 0x508 : 0;
        return true;
    case MSR_MTRRdefType:
        *val = env->mtrr_deftype;
        return true;
    case MSR_MTRRfix64K_00000:
        *val = env->mtrr_fixed[0];
        return true;
    case MSR_MTRRfix16K_80000:
    case MSR_MTRRfix16K_A0000:
        *val = env->mtrr_fixed[1 + msr - MSR_MTRRfix16K_80000];
        return true;
    case MSR_EFER:
        *val = env->efer;
        return true;
    case MSR_STAR:
        *val = env->star;
        return true;
    case MSR_LSTAR:
        *val = env->lstar;
        return true;
    case MSR_CSTAR:
        *val = env->cstar;
        return true;
    case MSR_FMASK:
        *val = env->fmask;
        return true;
    case MSR_FSBASE:
        *val = env->segs[R_FS].base;
        return true;
    case MSR_GSBASE:
        *val = env->segs[R_GS].base;
        return true;
    case MSR_KERNELGSBASE:
        *val = env->kernelgsbase;
        return true;
    case MSR_TSC_AUX:
        *val = env->tsc_aux;
        return true;
    case MSR_AMD_SYSCFG:
        /* AMD only: no DRAM bits in the fixed MTRRs, no TOM2 (Linux reads it). */
    case MSR_AMD_INT_PENDING:
        /* AMD family 0fh: C1E never enabled (Linux's E400 idle reads it). */
        *val = 0;
        return misc_is_amd(env);
    }
    if (msr >= MSR_MTRRfix4K_C0000 && msr < MSR_MTRRfix4K_C0000 + 8) {
        *val = env->mtrr_fixed[3 + msr - MSR_MTRRfix4K_C0000];
        return true;
    }
    if (msr >= MSR_MTRRphysBase(0) && msr <= MSR_MTRRphysMask(MSR_MTRR_VAR_COUNT - 1)) {
        X86MTRRVar *v = &env->mtrr_var[(msr - MSR_MTRRphysBase(0)) / 2];

        *val = (msr & 1) ? v->mask : v->base;
        return true;
    }
    if (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MISC_MCE_BANKS) {
        /* No machine checks happen: banks enabled, status clear. */
        *val = (msr & 3) == 0 ? ~0ULL : 0;
        return true;
    }
    return false;
}

void helper_rdmsr(CPUX86State *env)
{
    uintptr_t ra = GETPC();
    uint32_t msr = env->regs[R_ECX];
    uint64_t val;

    if (x86_cpl(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!misc_rdmsr(env, msr, &val)) {
        qemu_log_mask(LOG_UNIMP, "x86: rdmsr of unknown MSR 0x%x\n", msr);
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    env->regs[R_EAX] = (uint32_t)val;
    env->regs[R_EDX] = val >> 32;
}

/* PAT entries may only hold UC, WC, WT, WP, WB, UC-. */
static bool misc_pat_valid(uint64_t val)
{
    for (int i = 0; i < 8; i++) {
        unsigned t = (val >> (8 * i)) & 0xff;

        if (t == 2 || t == 3 || t > 7) {
            return false;
        }
    }
    return true;
}

static bool misc_mtrr_type_valid(unsigned t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/* Write an MSR; false: #GP. */
static bool misc_wrmsr(CPUX86State *env, uint32_t msr, uint64_t val)
{
    uint64_t phys_rsvd = ~((1ULL << x86_phys_bits(env)) - 1);
    uint64_t old_apic_base;

    if (x86_apic_wrmsr) {
        int r = x86_apic_wrmsr(env, msr, val);

        if (r != X86_APIC_MSR_UNHANDLED) {
            return r == X86_APIC_MSR_OK;
        }
    }
    switch (msr) {
    case MSR_IA32_TSC:
        env->tsc_offset = val - misc_host_ticks();
        return true;
    case MSR_IA32_APICBASE:
        /* Bits 0-7, 9, 10 and above MAXPHYADDR are reserved; BSP is read-only. */
        if (val & (0x6ffULL | phys_rsvd)) {
            return false;
        }
        old_apic_base = env->apic_base;
        env->apic_base = (val & ~MSR_IA32_APICBASE_BSP) |
                         (env->apic_base & MSR_IA32_APICBASE_BSP);
        if (x86_apic_base_written) {
            x86_apic_base_written(env, old_apic_base);
        }
        return true;
    case MSR_IA32_FEATURE_CONTROL:
    case MSR_IA32_UCODE_REV:
        return true;    /* ignored, as QEMU's TCG does */
    case MSR_IA32_SYSENTER_CS:
        env->sysenter_cs = val & 0xffff;
        return true;
    case MSR_IA32_SYSENTER_ESP:
    case MSR_IA32_SYSENTER_EIP:
        if ((env->hflags & HF_LMA_MASK) && !x86_is_canonical(val)) {
            return false;
        }
        *(msr == MSR_IA32_SYSENTER_ESP ? &env->sysenter_esp : &env->sysenter_eip) = val;
        return true;
    case MSR_IA32_MISC_ENABLE:
        env->msr_ia32_misc_enable = val;
        return true;
    case MSR_MCG_STATUS:
        return val == 0;
    case MSR_MCG_CTL:
        return val == 0 || val == ~0ULL;
    case MSR_PAT:
        if (!misc_pat_valid(val)) {
            return false;
        }
        env->pat = val;
        return true;
    case MSR_MTRRdefType:
        if ((val & ~0xcffULL) || !misc_mtrr_type_valid(val & 0xff)) {
            return false;
        }
        env->mtrr_deftype = val;
        return true;
    case MSR_MTRRfix64K_00000:
        env->mtrr_fixed[0] = val;
        return true;
    case MSR_MTRRfix16K_80000:
    case MSR_MTRRfix16K_A0000:
        env->mtrr_fixed[1 + msr - MSR_MTRRfix16K_80000] = val;
        return true;
    case MSR_EFER: {
        uint64_t valid = MSR_EFER_LMA;

        if (misc_has(env, 0x80000001, X86_CPUID_EDX, CPUID_EXT2_SYSCALL)) {
            valid |= MSR_EFER_SCE;
        }
        if (misc_has(env, 0x80000001, X86_CPUID_EDX, CPUID_EXT2_LM)) {
            valid |= MSR_EFER_LME;
        }
        if (misc_has(env, 0x80000001, X86_CPUID_EDX, CPUID_EXT2_NX)) {
            valid |= MSR_EFER_NXE;
        }
        /* Reserved bits, and LME may not change while paging is on. */
        if ((val & ~valid) ||
            ((env->cr[0] & CR0_PG_MASK) && ((val ^ env->efer) & MSR_EFER_LME))) {
            return false;
        }
        /* LMA is read-only: it follows CR0.PG with LME. */
        cpu_x86_update_efer(env, (val & ~MSR_EFER_LMA) | (env->efer & MSR_EFER_LMA));
        return true;
    }
    case MSR_STAR:
        env->star = val;
        return true;
    case MSR_LSTAR:
    case MSR_CSTAR:
        if (!x86_is_canonical(val)) {
            return false;
        }
        *(msr == MSR_LSTAR ? &env->lstar : &env->cstar) = val;
        return true;
    case MSR_FMASK:
        env->fmask = (uint32_t)val;
        return true;
    case MSR_FSBASE:
    case MSR_GSBASE:
    case MSR_KERNELGSBASE:
        if (!x86_is_canonical(val)) {
            return false;
        }
        if (msr == MSR_KERNELGSBASE) {
            env->kernelgsbase = val;
        } else {
            env->segs[msr == MSR_FSBASE ? R_FS : R_GS].base = val;
        }
        return true;
    case MSR_TSC_AUX:
        if (val >> 32) {
            return false;
        }
        env->tsc_aux = val;
        return true;
    case MSR_AMD_SYSCFG:
    case MSR_AMD_INT_PENDING:
        return misc_is_amd(env);        /* ignored, reads 0 */
    }
    if (msr >= MSR_MTRRfix4K_C0000 && msr < MSR_MTRRfix4K_C0000 + 8) {
        env->mtrr_fixed[3 + msr - MSR_MTRRfix4K_C0000] = val;
        return true;
    }
    if (msr >= MSR_MTRRphysBase(0) && msr <= MSR_MTRRphysMask(MSR_MTRR_VAR_COUNT - 1)) {
        X86MTRRVar *v = &env->mtrr_var[(msr - MSR_MTRRphysBase(0)) / 2];

        if (msr & 1) {
            v->mask = val;
        } else {
            v->base = val;
        }
        return true;
    }
    if (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MISC_MCE_BANKS) {
        /*
         * CTL: any mask (only P6 insisted on 0 or all ones; Linux clears
         * bit 10 of MC4_CTL on AMD family 15h), ignored as no machine check
         * happens; STATUS: only 0; others ignored.
         */
        switch (msr & 3) {
        case 0:
            return true;
        case 1:
            return val == 0;
        default:
            return true;
        }
    }
    qemu_log_mask(LOG_UNIMP, "x86: wrmsr of unknown MSR 0x%x (0x%" PRIx64 ")\n", msr, val);
    return false;
}

void helper_wrmsr(CPUX86State *env)
{
    uintptr_t ra = GETPC();
    uint64_t val = (uint32_t)env->regs[R_EAX] | ((uint64_t)(uint32_t)env->regs[R_EDX] << 32);

    if (x86_cpl(env) != 0 || !misc_wrmsr(env, env->regs[R_ECX], val)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

/* ---- control and debug registers ---- */

uint64_t helper_read_crN(CPUX86State *env, uint32_t reg)
{
    switch (reg) {
    case 0: case 2: case 3: case 4:
        return env->cr[reg];
    case 8: {
        /* CR8 is the local APIC's TPR[7:4] when there is one. */
        int tpr = x86_apic_get_cr8 ? x86_apic_get_cr8(env) : -1;

        return tpr >= 0 ? (uint64_t)tpr : env->cr8;
    }
    default:
        raise_exception_ra(env, EXCP06_ILLOP, GETPC());
    }
}

void helper_write_crN(CPUX86State *env, uint32_t reg, uint64_t val)
{
    uintptr_t ra = GETPC();

    switch (reg) {
    case 0:
        x86_write_cr0_checked(env, val, ra);
        break;
    case 2:
        env->cr[2] = val;
        break;
    case 3:
        x86_write_cr3_checked(env, val, ra);
        break;
    case 4:
        x86_write_cr4_checked(env, val, ra);
        break;
    case 8:
        /* The TPR; the LAPIC (issue 6) will take it from here. */
        if (val & ~0xfULL) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        env->cr8 = val;
        if (x86_apic_set_cr8) {
            x86_apic_set_cr8(env, val);
        }
        break;
    default:
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
}

void helper_lmsw(CPUX86State *env, uint64_t t0)
{
    /* Only MP, EM, TS and setting PE: LMSW cannot leave protected mode. */
    uint64_t v = (env->cr[0] & ~0xeULL) | (t0 & 0xf);

    x86_write_cr0_checked(env, v, GETPC());
}

void helper_clts(CPUX86State *env)
{
    env->cr[0] &= ~CR0_TS_MASK;
    env->hflags &= ~HF_TS_MASK;
}

void helper_invlpg(CPUX86State *env, uint64_t addr)
{
    tlb_flush_page(env_cpustate(env), addr);
}

uint64_t helper_get_dr(CPUX86State *env, uint32_t reg)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        return env->dr[reg];
    case 4: case 6:
        return env->dr[6];
    case 5: case 7:
        return env->dr[7];
    default:
        raise_exception_ra(env, EXCP06_ILLOP, GETPC());
    }
}

void helper_set_dr(CPUX86State *env, uint32_t reg, uint64_t val)
{
    uintptr_t ra = GETPC();

    switch (reg) {
    case 0: case 1: case 2: case 3:
        env->dr[reg] = val;
        break;
    case 4: case 6:
        if (val >> 32) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        env->dr[6] = val | 0xffff0ff0ULL;
        break;
    case 5: case 7:
        if (val >> 32) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        env->dr[7] = (val | 0x400) & ~0xd800ULL;
        if (env->dr[7] & 0xff) {
            qemu_log_mask(LOG_UNIMP, "x86: hardware breakpoints (DR7=0x%" PRIx64
                          ") not implemented\n", env->dr[7]);
        }
        break;
    default:
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
}

/* ---- HLT, PAUSE ---- */

void helper_hlt(CPUX86State *env, uint32_t next_eip_addend)
{
    CPUState *cs = env_cpustate(env);

    env->eip += next_eip_addend;
    env->hflags &= ~HF_INHIBIT_IRQ_MASK;
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

/* PAUSE in a spin loop: let the other vCPUs of the round-robin run. */
void helper_pause(CPUX86State *env, uint32_t next_eip_addend)
{
    CPUState *cs = env_cpustate(env);

    env->eip += next_eip_addend;
    cs->exception_index = EXCP_YIELD;
    cpu_loop_exit(cs);
}

/* ---- port I/O ---- */

static uint64_t misc_in(CPUX86State *env, uint32_t port, unsigned size)
{
    struct AddressSpace *io = env_x86cpu(env)->io_as;
    uint8_t buf[4] = { 0xff, 0xff, 0xff, 0xff };
    uint32_t v = 0;

    if (io) {
        tcg_io_read(io, port & 0xffff, buf, size);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)buf[i] << (8 * i);
    }
    return v;
}

static void misc_out(CPUX86State *env, uint32_t port, uint32_t val, unsigned size)
{
    struct AddressSpace *io = env_x86cpu(env)->io_as;
    uint8_t buf[4];

    for (unsigned i = 0; i < 4; i++) {
        buf[i] = val >> (8 * i);
    }
    if (io) {
        tcg_io_write(io, port & 0xffff, buf, size);
    }
}

uint64_t helper_inb(CPUX86State *env, uint32_t port)
{
    return misc_in(env, port, 1);
}

uint64_t helper_inw(CPUX86State *env, uint32_t port)
{
    return misc_in(env, port, 2);
}

uint64_t helper_inl(CPUX86State *env, uint32_t port)
{
    return misc_in(env, port, 4);
}

void helper_outb(CPUX86State *env, uint32_t port, uint32_t val)
{
    misc_out(env, port, val, 1);
}

void helper_outw(CPUX86State *env, uint32_t port, uint32_t val)
{
    misc_out(env, port, val, 2);
}

void helper_outl(CPUX86State *env, uint32_t port, uint32_t val)
{
    misc_out(env, port, val, 4);
}

/*
 * The I/O permission bitmap of a 32/64-bit TSS (SDM vol. 1 §19.5.2):
 * every bit of the size bytes at port must be clear and inside the
 * TSS limit; otherwise #GP(0).
 */
static void misc_check_io(CPUX86State *env, uint32_t port, unsigned size, uintptr_t ra)
{
    unsigned type = desc_type(env->tr.flags);
    int idx = x86_kernel_idx(env);
    uint32_t off;
    uint16_t bits;

    port &= 0xffff;
    if (!(env->tr.flags & DESC_P_MASK) || (type != DT_TSS32_AVAIL && type != DT_TSS32_BUSY) ||
        env->tr.limit < 103) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    off = cpu_lduw_mmuidx_ra(env, env->tr.base + 0x66, idx, ra) + (port >> 3);
    /* Two bytes are read: an access may straddle a byte of the bitmap. */
    if ((uint64_t)off + 1 > env->tr.limit) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    bits = cpu_lduw_mmuidx_ra(env, env->tr.base + off, idx, ra);
    if ((bits >> (port & 7)) & ((1u << size) - 1)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

void helper_check_iob(CPUX86State *env, uint32_t port)
{
    misc_check_io(env, port, 1, GETPC());
}

void helper_check_iow(CPUX86State *env, uint32_t port)
{
    misc_check_io(env, port, 2, GETPC());
}

void helper_check_iol(CPUX86State *env, uint32_t port)
{
    misc_check_io(env, port, 4, GETPC());
}

/* ---- RDRAND ---- */

uint64_t helper_rdrand(CPUX86State *env, uint32_t size)
{
    uint64_t v;

    if (!misc_has(env, 1, X86_CPUID_ECX, 1u << 30)) {
        raise_exception_ra(env, EXCP06_ILLOP, GETPC());
    }
    v = ((uint64_t)g_random_int() << 32) | g_random_int();
    if (size < 8) {
        v &= (1ULL << (8 * size)) - 1;
    }
    /* Success: CF = 1, the other arithmetic flags clear. */
    env->cc_src = CC_C;
    env->cc_op = CC_OP_EFLAGS;
    return v;
}
