/*
 * translate-0f.c: the system instructions of the x86 0F map: the 0F 00
 * and 0F 01 groups (descriptor tables, LDT/TR, MSW, INVLPG, SWAPGS...),
 * LAR/LSL, SYSCALL/SYSRET/SYSENTER/SYSEXIT, MOV CR/DR, MSRs, TSC, CPUID,
 * fences and cache hints, FS/GS pushes and far-pointer loads, RDRAND.
 * Feature-gated forms check the vCPU's CPUID words at translation time;
 * what depends on runtime state (CR4.TSD, CR4.DE, EFER.SCE, MSR numbers)
 * is the helpers' job.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate-sysinsn.h"

/* CPUID bits this file tests (beyond translate.h's). */
#define SYS_CPUID_CLFLUSH        (1u << 19)  /* 1.EDX */
#define SYS_CPUID_EXT_MONITOR    (1u << 3)   /* 1.ECX */
#define SYS_CPUID_EXT_RDRAND     (1u << 30)  /* 1.ECX */
#define SYS_CPUID_EXT2_RDTSCP    (1u << 27)  /* 8000_0001.EDX */
#define SYS_CPUID_EXT3_CR8LEG    (1u << 4)   /* 8000_0001.ECX */
#define SYS_CPUID_7_0_EBX_RDSEED (1u << 18)
#define SYS_CPUID_7_0_EBX_SMAP   (1u << 20)
#define SYS_CPUID_7_0_EBX_CLFLUSHOPT (1u << 23)

/* "Genu" of GenuineIntel in CPUID.0.EBX. */
#define SYS_VENDOR_INTEL_EBX 0x756e6547u

static bool sys_vendor_is_intel(DisasContext *s)
{
    const X86CPUIDEntry *e = x86_cpuid_find(&env_x86cpu(s->env)->cpuid, 0, 0);

    return e && e->ebx == SYS_VENDOR_INTEL_EBX;
}

/* A0 += n, wrapping at 4 GiB outside 64-bit mode. */
static void sys_add_A0(DisasContext *s, int n)
{
    tcg_gen_addi_i64(s->A0, s->A0, n);
    if (!s->code64) {
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
}

/* ---- 0F 00: SLDT STR LLDT LTR VERR VERW ---- */

static void sys_group_0f00(DisasContext *s)
{
    CPUX86State *env = s->env;
    int modrm = x86_ldub_code(env, s);
    int op = (modrm >> 3) & 7;
    bool reg_form = ((modrm >> 6) & 3) == 3;

    if (op >= 6 || !s->pe || s->vm86) {
        gen_illegal_opcode(s);
        return;
    }
    switch (op) {
    case 0: /* SLDT */
    case 1: /* STR */
        if (!sysinsn_check_umip(s)) {
            return;
        }
        tcg_gen_ld32u_i64(s->T0, tcg_env, op == 0 ? offsetof(CPUX86State, ldt.selector)
                                                  : offsetof(CPUX86State, tr.selector));
        gen_ldst_modrm(env, s, modrm, reg_form ? s->dflag : MO_16, OR_TMP0, true);
        break;
    case 2: /* LLDT */
    case 3: /* LTR */
        if (!sysinsn_check_cpl0(s)) {
            return;
        }
        gen_ldst_modrm(env, s, modrm, MO_16, OR_TMP0, false);
        sysinsn_sync(s);
        tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
        if (op == 2) {
            gen_helper_lldt(tcg_env, s->tmp2_i32);
        } else {
            gen_helper_ltr(tcg_env, s->tmp2_i32);
        }
        s->base.is_jmp = DISAS_EOB_NEXT;
        break;
    default: /* 4: VERR, 5: VERW (ZF only) */
        gen_ldst_modrm(env, s, modrm, MO_16, OR_TMP0, false);
        sysinsn_sync(s);
        if (op == 4) {
            gen_helper_verr(tcg_env, s->T0);
        } else {
            gen_helper_verw(tcg_env, s->T0);
        }
        set_cc_op(s, CC_OP_EFLAGS);
        break;
    }
}

/* ---- 0F 01 ---- */

/*
 * SGDT/SIDT (table = offset of gdt or idt): limit, then the base: 8
 * bytes in 64-bit mode, else 4. The SDM stores the full 32-bit base even
 * with a 16-bit operand size (QEMU 7.2 stores 24 bits and a zero byte).
 */
static void sys_store_dt(DisasContext *s, int modrm, size_t table)
{
    if (!sysinsn_check_umip(s)) {
        return;
    }
    gen_lea_modrm(s->env, s, modrm);
    tcg_gen_ld32u_i64(s->T0, tcg_env, table + offsetof(X86DescTable, limit));
    gen_op_st_v(s, MO_16, s->T0, s->A0);
    sys_add_A0(s, 2);
    tcg_gen_ld_i64(s->T0, tcg_env, table + offsetof(X86DescTable, base));
    gen_op_st_v(s, s->code64 ? MO_64 : MO_32, s->T0, s->A0);
}

/*
 * LGDT/LIDT: a 16-bit operand size loads a 24-bit base; 64-bit mode
 * always an 8-byte base. Both reads happen before the table changes.
 */
static void sys_load_dt(DisasContext *s, int modrm, size_t table)
{
    if (!sysinsn_check_cpl0(s)) {
        return;
    }
    gen_lea_modrm(s->env, s, modrm);
    gen_op_ld_v(s, MO_16, s->T1, s->A0);
    sys_add_A0(s, 2);
    gen_op_ld_v(s, s->code64 ? MO_64 : MO_32, s->T0, s->A0);
    if (!s->code64 && s->dflag == MO_16) {
        tcg_gen_andi_i64(s->T0, s->T0, 0xffffff);
    }
    tcg_gen_st_i64(s->T0, tcg_env, table + offsetof(X86DescTable, base));
    tcg_gen_st32_i64(s->T1, tcg_env, table + offsetof(X86DescTable, limit));
}

/* The register forms of 0F 01 (ModRM C0-FF) other than SMSW/LMSW. */
static void sys_group_0f01_reg(DisasContext *s, int modrm)
{
    TCGv t;

    switch (modrm) {
    case 0xc8: /* MONITOR */
    case 0xc9: /* MWAIT */
        if (!(s->cpuid_ext_features & SYS_CPUID_EXT_MONITOR)) {
            gen_illegal_opcode(s);
            return;
        }
        /* Armed or not, MWAIT may return at once (a spurious wake-up). */
        sysinsn_check_cpl0(s);
        return;
    case 0xca: /* CLAC */
    case 0xcb: /* STAC */
        if (!(s->cpuid_7_0_ebx_features & SYS_CPUID_7_0_EBX_SMAP)) {
            gen_illegal_opcode(s);
            return;
        }
        if (!sysinsn_check_cpl0(s)) {
            return;
        }
        t = tcg_temp_new();
        tcg_gen_ld_i64(t, tcg_env, offsetof(CPUX86State, eflags));
        if (modrm == 0xca) {
            tcg_gen_andi_i64(t, t, ~(int64_t)AC_MASK);
        } else {
            tcg_gen_ori_i64(t, t, AC_MASK);
        }
        tcg_gen_st_i64(t, tcg_env, offsetof(CPUX86State, eflags));
        tcg_temp_free(t);
        /* AC is in the TB key (it picks the MMU index). */
        s->base.is_jmp = DISAS_EOB_NEXT;
        return;
    case 0xf8: /* SWAPGS */
        if (!s->code64) {
            gen_illegal_opcode(s);
            return;
        }
        if (!sysinsn_check_cpl0(s)) {
            return;
        }
        tcg_gen_mov_i64(s->T0, cpu_seg_base[R_GS]);
        tcg_gen_ld_i64(cpu_seg_base[R_GS], tcg_env, offsetof(CPUX86State, kernelgsbase));
        tcg_gen_st_i64(s->T0, tcg_env, offsetof(CPUX86State, kernelgsbase));
        return;
    case 0xd0: /* XGETBV */
    case 0xd1: /* XSETBV */
        disas_fpu_xcr(s, modrm == 0xd1);
        return;
    case 0xf9: /* RDTSCP (CR4.TSD is checked by the helper) */
        if (!(s->cpuid_ext2_features & SYS_CPUID_EXT2_RDTSCP)) {
            gen_illegal_opcode(s);
            return;
        }
        sysinsn_sync(s);
        gen_helper_rdtscp(tcg_env);
        return;
    default:
        /* VMX, SVM, XGETBV/XSETBV (issue 6), ENCLS, RDPKRU...: not offered. */
        gen_illegal_opcode(s);
        return;
    }
}

static void sys_group_0f01(DisasContext *s)
{
    CPUX86State *env = s->env;
    int modrm = x86_ldub_code(env, s);
    int op = (modrm >> 3) & 7;
    bool reg_form = ((modrm >> 6) & 3) == 3;

    switch (op) {
    case 0: /* SGDT */
    case 1: /* SIDT */
        if (reg_form) {
            sys_group_0f01_reg(s, modrm);
        } else {
            sys_store_dt(s, modrm, op == 0 ? offsetof(CPUX86State, gdt)
                                           : offsetof(CPUX86State, idt));
        }
        break;
    case 2: /* LGDT */
    case 3: /* LIDT */
        if (reg_form) {
            sys_group_0f01_reg(s, modrm);
        } else {
            sys_load_dt(s, modrm, op == 2 ? offsetof(CPUX86State, gdt)
                                          : offsetof(CPUX86State, idt));
        }
        break;
    case 4: /* SMSW: memory 16 bits; a register gets CR0 at the operand size */
        if (!sysinsn_check_umip(s)) {
            return;
        }
        tcg_gen_ld_i64(s->T0, tcg_env, offsetof(CPUX86State, cr[0]));
        gen_ldst_modrm(env, s, modrm, reg_form ? s->dflag : MO_16, OR_TMP0, true);
        break;
    case 6: /* LMSW */
        if (!sysinsn_check_cpl0(s)) {
            return;
        }
        gen_ldst_modrm(env, s, modrm, MO_16, OR_TMP0, false);
        sysinsn_sync(s);
        gen_helper_lmsw(tcg_env, s->T0);
        s->base.is_jmp = DISAS_EOB_NEXT;
        break;
    case 7: /* INVLPG m, or SWAPGS / RDTSCP */
        if (reg_form) {
            sys_group_0f01_reg(s, modrm);
            break;
        }
        if (!sysinsn_check_cpl0(s)) {
            return;
        }
        gen_lea_modrm(env, s, modrm);
        sysinsn_sync(s);
        gen_helper_invlpg(tcg_env, s->A0);
        /* The mapping of this very code may have gone. */
        s->base.is_jmp = DISAS_EOB_NEXT;
        break;
    default: /* 5: RSTORSSP, RDPKRU...: not offered */
        gen_illegal_opcode(s);
        break;
    }
}

/* 0F 02 LAR / 0F 03 LSL: the register is written only when ZF is set. */
static void sys_lar_lsl(DisasContext *s, bool lar)
{
    CPUX86State *env = s->env;
    int modrm = x86_ldub_code(env, s);
    int reg = ((modrm >> 3) & 7) | s->rex_r;
    MemOp ot = s->dflag == MO_16 ? MO_16 : MO_32;
    TCGLabel *skip;

    if (!s->pe || s->vm86) {
        gen_illegal_opcode(s);
        return;
    }
    skip = gen_new_label();
    gen_ldst_modrm(env, s, modrm, MO_16, OR_TMP0, false);
    sysinsn_sync(s);
    if (lar) {
        gen_helper_lar(s->T1, tcg_env, s->T0);
    } else {
        gen_helper_lsl(s->T1, tcg_env, s->T0);
    }
    set_cc_op(s, CC_OP_EFLAGS);
    gen_update_cc_op(s);
    tcg_gen_andi_i64(s->tmp4, cpu_cc_src, CC_Z);
    tcg_gen_brcondi_i64(TCG_COND_EQ, s->tmp4, 0, skip);
    gen_op_mov_reg_v(s, ot, reg, s->T1);
    gen_set_label(skip);
}

/*
 * 0F 20-23: MOV to/from CRn and DRn. The ModRM is always a register
 * (the mod bits are ignored); 64-bit mode moves 64 bits, else 32.
 */
static void sys_mov_cr_dr(DisasContext *s, int b)
{
    CPUX86State *env = s->env;
    int modrm = x86_ldub_code(env, s);
    int rm = (modrm & 7) | s->rex_b;
    int reg = ((modrm >> 3) & 7) | s->rex_r;
    bool is_cr = !(b & 1);
    bool write = b & 2;
    MemOp ot = s->code64 ? MO_64 : MO_32;

    if (s->prefix & PREFIX_LOCK) {
        /* AMD's CR8 in 32-bit mode: LOCK MOV CR0 is MOV CR8. */
        if (!is_cr || reg != 0 || !(s->cpuid_ext3_features & SYS_CPUID_EXT3_CR8LEG)) {
            gen_illegal_opcode(s);
            return;
        }
        reg = 8;
    }
    if (!sysinsn_check_cpl0(s)) {
        return;
    }
    if (is_cr ? !(reg == 0 || reg == 2 || reg == 3 || reg == 4 || reg == 8) : reg >= 8) {
        gen_illegal_opcode(s);
        return;
    }
    /* The helpers check CR values, CR4.DE for DR4/DR5, and DR7.GD. */
    sysinsn_sync(s);
    if (write) {
        gen_op_mov_v_reg(s, ot, s->T0, rm);
        if (is_cr) {
            gen_helper_write_crN(tcg_env, tcg_constant_i32(reg), s->T0);
        } else {
            gen_helper_set_dr(tcg_env, tcg_constant_i32(reg), s->T0);
        }
        /* CR0/CR3/CR4/CR8 and DR7 change paging, hflags or interrupts. */
        s->base.is_jmp = DISAS_EOB_NEXT;
    } else {
        if (is_cr) {
            gen_helper_read_crN(s->T0, tcg_env, tcg_constant_i32(reg));
        } else {
            gen_helper_get_dr(s->T0, tcg_env, tcg_constant_i32(reg));
        }
        gen_op_mov_reg_v(s, ot, rm, s->T0);
    }
}

/* 0F 18-1E: prefetch hints and reserved NOPs (0F 1F is the decoder's). */
static void sys_hint_nop(DisasContext *s, int b)
{
    int modrm = x86_ldub_code(s->env, s);
    bool reg_form = ((modrm >> 6) & 3) == 3;

    if (b == 0x118 && reg_form && ((modrm >> 3) & 7) < 4) {
        /* PREFETCHh needs a memory operand. */
        gen_illegal_opcode(s);
        return;
    }
    gen_nop_modrm(s->env, s, modrm);
}

/* 0F AE: fences, CLFLUSH, and the FXSAVE/XSAVE family (translate-fpu.c). */
static void sys_group_0fae(DisasContext *s)
{
    int modrm = x86_ldub_code(s->env, s);
    int op = (modrm >> 3) & 7;
    bool reg_form = ((modrm >> 6) & 3) == 3;

    if (reg_form && !(s->prefix & (PREFIX_REPZ | PREFIX_REPNZ | PREFIX_DATA))) {
        /*
         * LFENCE / MFENCE / SFENCE order memory; the CPUID SSE/SSE2 bits
         * are not checked, since TCG may hide SSE until issue 6 while
         * guests use the fences unconditionally.
         */
        switch (op) {
        case 5:
            tcg_gen_mb(TCG_MO_LD_LD | TCG_BAR_SC);
            return;
        case 6:
            tcg_gen_mb(TCG_MO_ALL | TCG_BAR_SC);
            return;
        case 7:
            tcg_gen_mb(TCG_MO_ST_ST | TCG_BAR_SC);
            return;
        default:
            break;
        }
    } else if (!reg_form && disas_fpu_0fae_mem(s, modrm)) {
        return;
    } else if (!reg_form && op == 7 && !(s->prefix & (PREFIX_REPZ | PREFIX_REPNZ))) {
        /*
         * CLFLUSH / CLFLUSHOPT (66): no cache to flush, but the address is
         * checked as for a byte load (QEMU 7.2 does not fault here; the
         * SDM does).
         */
        bool opt = s->prefix & PREFIX_DATA;

        if (opt ? !(s->cpuid_7_0_ebx_features & SYS_CPUID_7_0_EBX_CLFLUSHOPT)
                : !(s->cpuid_features & SYS_CPUID_CLFLUSH)) {
            gen_illegal_opcode(s);
            return;
        }
        gen_lea_modrm(s->env, s, modrm);
        sysinsn_sync(s);
        gen_helper_clflush(tcg_env, s->A0);
        return;
    }
    gen_illegal_opcode(s);
}

/* 0F C7: RDRAND (/6) and RDSEED (/7) register forms; /1 is the decoder's. */
static bool sys_group_0fc7(DisasContext *s)
{
    uint64_t modrm_pc = s->pc;
    int modrm = x86_ldub_code(s->env, s);
    int op = (modrm >> 3) & 7;
    int rm = (modrm & 7) | s->rex_b;
    bool ok;

    if (op == 1) {
        s->pc = modrm_pc;
        return false;
    }
    if (gen_check_lock_illegal(s, false)) {
        return true;
    }
    ok = ((modrm >> 6) & 3) == 3 && !(s->prefix & (PREFIX_REPZ | PREFIX_REPNZ)) &&
         ((op == 6 && (s->cpuid_ext_features & SYS_CPUID_EXT_RDRAND)) ||
          (op == 7 && (s->cpuid_7_0_ebx_features & SYS_CPUID_7_0_EBX_RDSEED)));
    if (!ok) {
        gen_illegal_opcode(s);
        return true;
    }
    sysinsn_sync(s);
    gen_helper_rdrand(s->T0, tcg_env, tcg_constant_i32(1 << s->dflag));
    gen_op_mov_reg_v(s, s->dflag, rm, s->T0);
    set_cc_op(s, CC_OP_EFLAGS);
    return true;
}

/* Is 0F xx (b = 0x100 + xx) one of this file's, apart from 0F C7? */
static bool sys_0f_is_mine(int b)
{
    switch (b & 0xff) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x05: case 0x06: case 0x07:
    case 0x08: case 0x09: case 0x0d:
    case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e:
    case 0x20: case 0x21: case 0x22: case 0x23:
    case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35:
    case 0xa0: case 0xa1: case 0xa2: case 0xa8: case 0xa9: case 0xae:
    case 0xb2: case 0xb4: case 0xb5:
        return true;
    default:
        return false;
    }
}

bool sysinsn_disas_0f(DisasContext *s, CPUState *cpu, int b)
{
    if (b == 0x1c7) {
        return sys_group_0fc7(s);
    }
    if (!sys_0f_is_mine(b)) {
        return false;
    }
    if (b >= 0x120 && b <= 0x123) {
        /* LOCK MOV CR0 may mean CR8: decided there. */
        sys_mov_cr_dr(s, b);
        return true;
    }
    if (gen_check_lock_illegal(s, false)) {
        return true;
    }
    switch (b) {
    case 0x100:
        sys_group_0f00(s);
        break;
    case 0x101:
        sys_group_0f01(s);
        break;
    case 0x102:
    case 0x103:
        sys_lar_lsl(s, b == 0x102);
        break;
    case 0x105: /* SYSCALL (EFER.SCE and the mode are the helper's checks) */
        sysinsn_sync(s);
        gen_helper_syscall(tcg_env, tcg_constant_i32(cur_insn_len(s)));
        set_cc_op(s, CC_OP_DYNAMIC);
        gen_eob(s);
        break;
    case 0x107: /* SYSRET */
        if (!s->pe) {
            gen_exception_gpf(s);
            break;
        }
        sysinsn_sync(s);
        gen_helper_sysret(tcg_env, tcg_constant_i32(s->dflag - 1));
        set_cc_op(s, CC_OP_DYNAMIC);
        gen_eob(s);
        break;
    case 0x134: /* SYSENTER */
    case 0x135: /* SYSEXIT */
        /* Only Intel CPUs have them in long mode (QEMU 7.2 does the same). */
        if (s->lma && !sys_vendor_is_intel(s)) {
            gen_illegal_opcode(s);
            break;
        }
        if (!s->pe) {
            gen_exception_gpf(s);
            break;
        }
        sysinsn_sync(s);
        if (b == 0x134) {
            gen_helper_sysenter(tcg_env);
        } else {
            gen_helper_sysexit(tcg_env, tcg_constant_i32(s->dflag - 1));
        }
        set_cc_op(s, CC_OP_DYNAMIC);
        gen_eob(s);
        break;
    case 0x106: /* CLTS: CR0.TS is in hflags */
        if (sysinsn_check_cpl0(s)) {
            sysinsn_sync(s);
            gen_helper_clts(tcg_env);
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case 0x108: /* INVD */
    case 0x109: /* WBINVD: no caches to write back */
        sysinsn_check_cpl0(s);
        break;
    case 0x10d: { /* PREFETCH/PREFETCHW (3DNow!): memory operand only */
        int modrm = x86_ldub_code(s->env, s);

        if (((modrm >> 6) & 3) == 3) {
            gen_illegal_opcode(s);
        } else {
            gen_nop_modrm(s->env, s, modrm);
        }
        break;
    }
    case 0x118 ... 0x11e:
        sys_hint_nop(s, b);
        break;
    case 0x130: /* WRMSR: EFER, APIC base, GS base... may change anything */
        if (sysinsn_check_cpl0(s)) {
            sysinsn_sync(s);
            gen_helper_wrmsr(tcg_env);
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
        break;
    case 0x132: /* RDMSR */
        if (sysinsn_check_cpl0(s)) {
            sysinsn_sync(s);
            gen_helper_rdmsr(tcg_env);
        }
        break;
    case 0x131: /* RDTSC (CR4.TSD at CPL > 0 is the helper's #GP) */
        sysinsn_sync(s);
        gen_helper_rdtsc(tcg_env);
        break;
    case 0x133: /* RDPMC (CR4.PCE likewise) */
        sysinsn_sync(s);
        gen_helper_rdpmc(tcg_env);
        break;
    case 0x1a2: /* CPUID */
        sysinsn_sync(s);
        gen_helper_cpuid(tcg_env);
        break;
    case 0x1a0:
        sysinsn_push_seg(s, R_FS);
        break;
    case 0x1a8:
        sysinsn_push_seg(s, R_GS);
        break;
    case 0x1a1:
        sysinsn_pop_seg(s, R_FS);
        break;
    case 0x1a9:
        sysinsn_pop_seg(s, R_GS);
        break;
    case 0x1ae:
        sys_group_0fae(s);
        break;
    case 0x1b2:
        sysinsn_load_far_pointer(s, R_SS);
        break;
    case 0x1b4:
        sysinsn_load_far_pointer(s, R_FS);
        break;
    default: /* 0x1b5 */
        sysinsn_load_far_pointer(s, R_GS);
        break;
    }
    return true;
}
