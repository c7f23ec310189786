/*
 * cpu-state.c: the architectural reset state of CPUX86State and its text
 * form, QEMU 7.2's `info registers` layout, which users and scripts read
 * in bug reports and KVM internal-error dumps. Guest memory (the Code=
 * bytes) is not known here; the accelerator appends it.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "target/i386/cpu-state.h"

/* LAPIC register offsets in the 1 KiB page. */
#define APIC_OFF_ID     0x20
#define APIC_OFF_LVR    0x30
#define APIC_OFF_DFR    0xe0
#define APIC_OFF_SVR    0xf0
#define APIC_OFF_LVTT   0x320   /* timer, thermal, perf, LINT0/1, error */
#define APIC_OFF_LVTERR 0x370
#define APIC_LVT_MASKED (1u << 16)
/* Version 0x14, 6 LVT entries (max LVT 5): what KVM's LAPIC reports. */
#define APIC_VERSION    0x00050014u

static void seg_set(SegmentCache *sc, uint32_t sel, uint64_t base,
                    uint32_t limit, uint32_t flags)
{
    sc->selector = sel;
    sc->base = base;
    sc->limit = limit;
    sc->flags = flags;
}

void x86_cpu_state_reset_signature(CPUX86State *env, bool is_bsp,
                                   uint64_t apic_base_addr,
                                   uint32_t cpuid_version)
{
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                          DESC_A_MASK;
    int i;

    memset(env, 0, sizeof(*env));

    env->regs[R_EDX] = cpuid_version;
    env->eip = 0xfff0;
    env->eflags = 0x2;
    /* CS.base is FFFF0000 until the first far jump: the reset vector. */
    seg_set(&env->segs[R_CS], 0xf000, 0xffff0000, 0xffff,
            DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
            DESC_A_MASK);
    seg_set(&env->segs[R_ES], 0, 0, 0xffff, data);
    seg_set(&env->segs[R_SS], 0, 0, 0xffff, data);
    seg_set(&env->segs[R_DS], 0, 0, 0xffff, data);
    seg_set(&env->segs[R_FS], 0, 0, 0xffff, data);
    seg_set(&env->segs[R_GS], 0, 0, 0xffff, data);
    seg_set(&env->ldt, 0, 0, 0xffff, DESC_P_MASK | 2 << DESC_TYPE_SHIFT);
    /* A busy 32-bit TSS, as VMX requires of TR. */
    seg_set(&env->tr, 0, 0, 0xffff, DESC_P_MASK | 11 << DESC_TYPE_SHIFT);
    env->gdt.limit = 0xffff;
    env->idt.limit = 0xffff;
    env->cr[0] = CR0_CD_MASK | CR0_NW_MASK | CR0_ET_MASK;
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    env->a20_mask = ~0ULL;

    env->apic_base = (apic_base_addr & MSR_IA32_APICBASE_BASE) |
                     MSR_IA32_APICBASE_ENABLE |
                     (is_bsp ? MSR_IA32_APICBASE_BSP : 0);
    env->pat = MSR_PAT_DEFAULT;
    env->msr_ia32_misc_enable = MSR_IA32_MISC_ENABLE_DEFAULT;

    env->fpuc = 0x37f;
    for (i = 0; i < 8; i++) {
        env->fptags[i] = 1;
    }
    env->mxcsr = 0x1f80;
    env->xcr0 = XSTATE_FP_MASK;

    env->exception_nr = -1;
    env->interrupt_injected = -1;
    env->mp_state = is_bsp ? X86_MP_STATE_RUNNABLE :
                             X86_MP_STATE_UNINITIALIZED;
    env->halted = !is_bsp;
}

void x86_cpu_state_reset(CPUX86State *env, bool is_bsp,
                         uint64_t apic_base_addr)
{
    x86_cpu_state_reset_signature(env, is_bsp, apic_base_addr,
                                  X86_CPUID_VERSION_QEMU64);
}

static void lapic_set_reg(CPUX86State *env, unsigned off, uint32_t val)
{
    env->lapic[off] = val;
    env->lapic[off + 1] = val >> 8;
    env->lapic[off + 2] = val >> 16;
    env->lapic[off + 3] = val >> 24;
}

void x86_lapic_regs_reset(CPUX86State *env, uint32_t apic_id)
{
    unsigned off;

    memset(env->lapic, 0, sizeof(env->lapic));
    lapic_set_reg(env, APIC_OFF_ID, apic_id << 24);
    lapic_set_reg(env, APIC_OFF_LVR, APIC_VERSION);
    lapic_set_reg(env, APIC_OFF_DFR, 0xffffffff);
    lapic_set_reg(env, APIC_OFF_SVR, 0xff);
    for (off = APIC_OFF_LVTT; off <= APIC_OFF_LVTERR; off += 0x10) {
        lapic_set_reg(env, off, APIC_LVT_MASKED);
    }
    env->lapic_valid = true;
}

int x86_cpu_state_cpl(const CPUX86State *env)
{
    return (env->segs[R_SS].flags & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
}

bool x86_cpu_state_cs64(const CPUX86State *env)
{
    return (env->efer & MSR_EFER_LMA) &&
           (env->segs[R_CS].flags & DESC_L_MASK);
}

/* The flags word as x86 prints it, with the letters of DOSZAPC. */
static void dump_eflags(GString *out, uint32_t fl)
{
    g_string_append_printf(out, "%08x [%c%c%c%c%c%c%c]", fl,
                           fl & DF_MASK ? 'D' : '-',
                           fl & CC_O ? 'O' : '-',
                           fl & CC_S ? 'S' : '-',
                           fl & CC_Z ? 'Z' : '-',
                           fl & CC_A ? 'A' : '-',
                           fl & CC_P ? 'P' : '-',
                           fl & CC_C ? 'C' : '-');
}

/* Names of system descriptor types, in legacy and in long mode. */
static const char *const sys_type_name[2][16] = {
    {
        "Reserved", "TSS16-avl", "LDT", "TSS16-busy",
        "CallGate16", "TaskGate", "IntGate16", "TrapGate16",
        "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
        "CallGate32", "Reserved", "IntGate32", "TrapGate32",
    },
    {
        "<hiword>", "Reserved", "LDT", "Reserved", "Reserved",
        "Reserved", "Reserved", "Reserved", "Reserved",
        "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64",
        "Reserved", "IntGate64", "TrapGate64",
    },
};

/* What the descriptor is, after the raw fields: " DPL=0 CS32 [-RA]". */
static void dump_seg_kind(const CPUX86State *env, GString *out,
                          uint32_t flags)
{
    bool lma = env->efer & MSR_EFER_LMA;

    g_string_append_printf(out, " DPL=%d ",
                           (flags & DESC_DPL_MASK) >> DESC_DPL_SHIFT);
    if (!(flags & DESC_S_MASK)) {
        g_string_append(out, sys_type_name[lma]
                        [(flags & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT]);
        return;
    }
    if (flags & DESC_CS_MASK) {
        g_string_append(out, flags & DESC_L_MASK ? "CS64" :
                             flags & DESC_B_MASK ? "CS32" : "CS16");
        g_string_append_printf(out, " [%c%c", flags & DESC_C_MASK ? 'C' : '-',
                               flags & DESC_R_MASK ? 'R' : '-');
    } else {
        g_string_append(out, (flags & DESC_B_MASK) || lma ? "DS  " : "DS16");
        g_string_append_printf(out, " [%c%c", flags & DESC_E_MASK ? 'E' : '-',
                               flags & DESC_W_MASK ? 'W' : '-');
    }
    g_string_append_printf(out, "%c]", flags & DESC_A_MASK ? 'A' : '-');
}

static void dump_seg(const CPUX86State *env, GString *out, const char *name,
                     const SegmentCache *sc)
{
    /* Only the attribute bits: the base/limit bits of the dword are 0. */
    uint32_t attrs = sc->flags & 0x00ffff00;

    if (x86_cpu_state_cs64(env)) {
        g_string_append_printf(out, "%-3s=%04x %016" PRIx64 " %08x %08x",
                               name, sc->selector, sc->base, sc->limit,
                               attrs);
    } else {
        g_string_append_printf(out, "%-3s=%04x %08x %08x %08x", name,
                               sc->selector, (uint32_t)sc->base, sc->limit,
                               attrs);
    }
    if ((env->cr[0] & CR0_PE_MASK) && (sc->flags & DESC_P_MASK)) {
        dump_seg_kind(env, out, sc->flags);
    }
    g_string_append_c(out, '\n');
}

static void dump_gprs(const CPUX86State *env, GString *out)
{
    static const char *const names64[CPU_NB_REGS] = {
        "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
        "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
    };
    static const char *const names32[8] = {
        "EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP",
    };
    /* The printed order is A B C D SI DI BP SP, not the encoding's. */
    static const int order[CPU_NB_REGS] = {
        R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP,
        8, 9, 10, 11, 12, 13, 14, 15,
    };
    int i;

    if (x86_cpu_state_cs64(env)) {
        for (i = 0; i < CPU_NB_REGS; i++) {
            g_string_append_printf(out, "%s=%016" PRIx64 "%c", names64[i],
                                   env->regs[order[i]],
                                   (i & 3) == 3 ? '\n' : ' ');
        }
        g_string_append_printf(out, "RIP=%016" PRIx64 " RFL=", env->eip);
    } else {
        for (i = 0; i < 8; i++) {
            g_string_append_printf(out, "%s=%08x%c", names32[i],
                                   (uint32_t)env->regs[order[i]],
                                   (i & 3) == 3 ? '\n' : ' ');
        }
        g_string_append_printf(out, "EIP=%08x EFL=", (uint32_t)env->eip);
    }
    dump_eflags(out, (uint32_t)env->eflags);
    g_string_append_printf(out, " CPL=%d II=%d A20=%d SMM=%d HLT=%d\n",
                           x86_cpu_state_cpl(env), env->interrupt_shadow,
                           (int)((env->a20_mask >> 20) & 1), env->smm,
                           env->halted);
}

void x86_cpu_dump_state(const CPUX86State *env, GString *out)
{
    static const char *const seg_name[6] = {
        "ES", "CS", "SS", "DS", "FS", "GS",
    };
    bool lma = env->efer & MSR_EFER_LMA;
    int i;

    dump_gprs(env, out);
    for (i = 0; i < 6; i++) {
        dump_seg(env, out, seg_name[i], &env->segs[i]);
    }
    dump_seg(env, out, "LDT", &env->ldt);
    dump_seg(env, out, "TR", &env->tr);
    if (lma) {
        g_string_append_printf(out, "GDT=     %016" PRIx64 " %08x\n",
                               env->gdt.base, env->gdt.limit);
        g_string_append_printf(out, "IDT=     %016" PRIx64 " %08x\n",
                               env->idt.base, env->idt.limit);
        g_string_append_printf(out, "CR0=%08x CR2=%016" PRIx64
                               " CR3=%016" PRIx64 " CR4=%08x\n",
                               (uint32_t)env->cr[0], env->cr[2], env->cr[3],
                               (uint32_t)env->cr[4]);
    } else {
        g_string_append_printf(out, "GDT=     %08x %08x\n",
                               (uint32_t)env->gdt.base, env->gdt.limit);
        g_string_append_printf(out, "IDT=     %08x %08x\n",
                               (uint32_t)env->idt.base, env->idt.limit);
        g_string_append_printf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n",
                               (uint32_t)env->cr[0], (uint32_t)env->cr[2],
                               (uint32_t)env->cr[3], (uint32_t)env->cr[4]);
    }
    /* The debug registers are full width in both modes (and end in ' '). */
    for (i = 0; i < 4; i++) {
        g_string_append_printf(out, "DR%d=%016" PRIx64 " ", i, env->dr[i]);
    }
    g_string_append_printf(out, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n",
                           env->dr[6], env->dr[7]);
    g_string_append_printf(out, "EFER=%016" PRIx64 "\n", env->efer);
}

static uint64_t xsave_ymmh_q(const CPUX86State *env, int reg, int half)
{
    return ldq_le_p(env->xsave_area + X86_XSAVE_OFF_YMMH + reg * 16 +
                    half * 8);
}

void x86_cpu_dump_fpu(const CPUX86State *env, GString *out)
{
    int nb = x86_cpu_state_cs64(env) ? CPU_NB_REGS : 8;
    unsigned ftw = 0;
    int i;

    for (i = 0; i < 8; i++) {
        ftw |= (unsigned)!env->fptags[i] << i;
    }
    g_string_append_printf(out,
                           "FCW=%04x FSW=%04x [ST=%u] FTW=%02x MXCSR=%08x\n",
                           env->fpuc,
                           (env->fpus & ~0x3800u) | (env->fpstt & 7) << 11,
                           env->fpstt, ftw, env->mxcsr);
    for (i = 0; i < 8; i++) {
        g_string_append_printf(out, "FPR%d=%016" PRIx64 " %04x%c", i,
                               env->fpregs[i].low, env->fpregs[i].high,
                               i & 1 ? '\n' : ' ');
    }
    if ((env->xcr0 & (XSTATE_YMM_MASK | XSTATE_SSE_MASK)) ==
        (XSTATE_YMM_MASK | XSTATE_SSE_MASK)) {
        for (i = 0; i < nb; i++) {
            g_string_append_printf(out, "YMM%02d=%016" PRIx64 " %016" PRIx64
                                   " %016" PRIx64 " %016" PRIx64 "\n", i,
                                   xsave_ymmh_q(env, i, 1),
                                   xsave_ymmh_q(env, i, 0),
                                   env->xmm_regs[i].q[1],
                                   env->xmm_regs[i].q[0]);
        }
        return;
    }
    for (i = 0; i < nb; i++) {
        g_string_append_printf(out, "XMM%02d=%016" PRIx64 " %016" PRIx64 "%c",
                               i, env->xmm_regs[i].q[1],
                               env->xmm_regs[i].q[0], i & 1 ? '\n' : ' ');
    }
}
