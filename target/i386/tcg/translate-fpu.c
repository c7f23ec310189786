/*
 * translate-fpu.c: the x87 escapes D8-DF and WAIT (9B), and the state
 * instructions of 0F AE (FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE,
 * XRSTOR, XSAVEOPT) and 0F 01 D0/D1 (XGETBV/XSETBV). The decoding of
 * which encodings exist and the #NM/#UD rules are here; the arithmetic
 * is fpu_helper.c's, which runs each instruction on the host's x87.
 */

#include "qemu/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/seg_helper.h"

#define FPU_CPUID_FXSR (1u << 24)   /* 1.EDX */
#define FPU_CPUID_XSAVE (1u << 26)  /* 1.ECX */

/* Before a helper that may fault: EIP and cc_op of this instruction. */
static void fpu_sync(DisasContext *s)
{
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
}

/* Is the register form b, modrm (C0-FF) a defined x87 instruction? */
static bool fpu_reg_form_valid(int b, int modrm)
{
    switch (b) {
    case 0xd8: case 0xdc:
        return true;
    case 0xd9:
        if (modrm < 0xd0 || modrm >= 0xd8) {
            return modrm <= 0xe1 || modrm == 0xe4 || modrm == 0xe5 ||
                   (modrm >= 0xe8 && modrm <= 0xee) || modrm >= 0xf0;
        }
        return modrm == 0xd0;
    case 0xda:
        return modrm < 0xe0 || modrm == 0xe9;
    case 0xdb:
        return modrm < 0xe0 || (modrm >= 0xe8 && modrm < 0xf8);
    case 0xdd:
        return modrm < 0xf0;
    case 0xde:
        return modrm < 0xd8 || modrm == 0xd9 || modrm >= 0xe0;
    default: /* 0xdf */
        return modrm < 0xe0 || (modrm >= 0xe8 && modrm < 0xf8);
    }
}

static void fpu_reg_form(DisasContext *s, int b, int modrm)
{
    uint32_t code = (b - 0xd8) * 64 + (modrm - 0xc0);
    bool fcmov = (b == 0xda || b == 0xdb) && modrm < 0xe0;
    bool fcomi = (b == 0xdb || b == 0xdf) && modrm >= 0xe8 && modrm < 0xf8;

    /* The non-waiting controls, and the 8087/287 leftovers that are NOPs. */
    if (b == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) {
        if (modrm == 0xe2) {
            gen_helper_fnclex(tcg_env);
        } else if (modrm == 0xe3) {
            gen_helper_fninit(tcg_env);
        }
        return;
    }
    if (b == 0xdf && modrm == 0xe0) {
        gen_helper_fnstsw(s->T0, tcg_env);
        gen_op_mov_reg_v(s, MO_16, R_EAX, s->T0);
        return;
    }
    if (!fpu_reg_form_valid(b, modrm)) {
        gen_illegal_opcode(s);
        return;
    }
    if (fcmov) {
        gen_compute_eflags(s);
    }
    fpu_sync(s);
    gen_helper_fpu_reg(s->T0, tcg_env, tcg_constant_i32(code),
                       fcmov ? cpu_cc_src : tcg_constant_i64(0));
    if (fcomi) {
        /* FCOMI/FUCOMI write ZF PF CF and clear OF SF AF. */
        set_cc_op(s, CC_OP_EFLAGS);
        tcg_gen_andi_i64(cpu_cc_src, s->T0, CC_Z | CC_P | CC_C);
    }
}

/*
 * After a non-control memory form completed: FDP = the operand's offset
 * (real and virtual-8086 mode: its linear address, as the real-mode
 * environment layouts hold it) and FDS = its segment's selector.
 */
static void fpu_note_operand(DisasContext *s, TCGv fdp, int seg)
{
    TCGv sel = tcg_temp_new();

    tcg_gen_st_i64(fdp, tcg_env, offsetof(CPUX86State, fpdp));
    tcg_gen_ld32u_i64(sel, tcg_env, offsetof(CPUX86State, segs[seg].selector));
    tcg_gen_st16_i64(sel, tcg_env, offsetof(CPUX86State, fpds));
}

static void fpu_mem_form(DisasContext *s, int b, int modrm)
{
    int op = (modrm >> 3) & 7;
    uint32_t code = (b - 0xd8) * 8 + op;
    TCGv_i32 data32 = tcg_constant_i32(s->dflag != MO_16);
    AddressParts a = gen_lea_modrm_0(s->env, s, modrm);
    TCGv fdp = tcg_temp_new();
    bool real = !s->pe || s->vm86;

    /* The offset before the segment base goes in (protected mode FDP). */
    gen_ext_tl(fdp, gen_lea_modrm_1(s, a), s->aflag, false);
    gen_lea_v_seg(s, s->aflag, fdp, a.def_seg, s->override);
    if (real) {
        tcg_gen_mov_i64(fdp, s->A0);
    }
    switch (code) {
    case 1 * 8 + 1: case 3 * 8 + 4: case 3 * 8 + 6: case 5 * 8 + 5:
        gen_illegal_opcode(s);
        return;
    case 1 * 8 + 4:                 /* FLDENV */
        fpu_sync(s);
        gen_helper_fwait(tcg_env);
        gen_helper_fldenv(tcg_env, s->A0, data32);
        return;
    case 1 * 8 + 6:                 /* FNSTENV */
        fpu_sync(s);
        gen_helper_fnstenv(tcg_env, s->A0, data32);
        return;
    case 1 * 8 + 7:                 /* FNSTCW */
        tcg_gen_ld16u_i64(s->T0, tcg_env, offsetof(CPUX86State, fpuc));
        gen_op_st_v(s, MO_16, s->T0, s->A0);
        return;
    case 5 * 8 + 4:                 /* FRSTOR */
        fpu_sync(s);
        gen_helper_fwait(tcg_env);
        gen_helper_frstor(tcg_env, s->A0, data32);
        return;
    case 5 * 8 + 6:                 /* FNSAVE */
        fpu_sync(s);
        gen_helper_fnsave(tcg_env, s->A0, data32);
        return;
    case 5 * 8 + 7:                 /* FNSTSW m16 */
        gen_helper_fnstsw(s->T0, tcg_env);
        gen_op_st_v(s, MO_16, s->T0, s->A0);
        return;
    default:
        fpu_sync(s);
        gen_helper_fpu_mem(tcg_env, s->A0, tcg_constant_i32(code | modrm << 8));
        if (code != 1 * 8 + 5) {    /* FLDCW is a control instruction */
            fpu_note_operand(s, fdp, s->override >= 0 ? s->override : a.def_seg);
        }
        return;
    }
}

void disas_insn_fpu(DisasContext *s, int b)
{
    int modrm;

    if (b == 0x9b) {
        /* WAIT: #NM only when CR0.MP and CR0.TS are both set. */
        if ((s->flags & (HF_MP_MASK | HF_TS_MASK)) == (HF_MP_MASK | HF_TS_MASK)) {
            gen_exception(s, EXCP07_PREX);
            return;
        }
        fpu_sync(s);
        gen_helper_fwait(tcg_env);
        return;
    }
    modrm = x86_ldub_code(s->env, s);
    if (s->flags & (HF_EM_MASK | HF_TS_MASK)) {
        /* SDM vol. 3 2.5: CR0.EM or CR0.TS makes every escape #NM. */
        if (((modrm >> 6) & 3) != 3) {
            gen_nop_modrm(s->env, s, modrm);
        }
        gen_exception(s, EXCP07_PREX);
        return;
    }
    if (((modrm >> 6) & 3) == 3) {
        fpu_reg_form(s, b, modrm);
    } else {
        fpu_mem_form(s, b, modrm);
    }
}

/* CPUID.(EAX=0DH,ECX=1):EAX.XSAVEOPT[bit 0]. */
static bool fpu_has_xsaveopt(DisasContext *s)
{
    const X86CPUIDEntry *d = x86_cpuid(s->env, 0xd, 1);

    return (s->cpuid_ext_features & FPU_CPUID_XSAVE) && d && (d->eax & 1);
}

/* 0F AE memory forms /0../6: true if handled (else the caller goes on). */
bool disas_fpu_0fae_mem(DisasContext *s, int modrm)
{
    int op = (modrm >> 3) & 7;
    TCGv_i32 rex_w = tcg_constant_i32(s->rex_w);

    if (op == 7 || (s->prefix & (PREFIX_REPZ | PREFIX_REPNZ)) ||
        (op == 6 && (s->prefix & PREFIX_DATA))) {
        return false;   /* CLFLUSH, CLWB and the F2/F3 forms */
    }
    if (op == 6 && !fpu_has_xsaveopt(s)) {
        gen_illegal_opcode(s);
        return true;
    }
    if (op < 2 && !(s->cpuid_features & FPU_CPUID_FXSR)) {
        gen_illegal_opcode(s);
        return true;
    }
    if ((op == 2 || op == 3) && ((s->flags & HF_EM_MASK) || !(s->flags & HF_OSFXSR_MASK))) {
        gen_illegal_opcode(s);
        return true;
    }
    if (op < 4 && (s->flags & (HF_EM_MASK | HF_TS_MASK))) {
        gen_nop_modrm(s->env, s, modrm);
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    /* XSAVE/XRSTOR: CR4.OSXSAVE (#UD) and CR0.TS (#NM) are the helpers' checks. */
    gen_lea_modrm(s->env, s, modrm);
    fpu_sync(s);
    switch (op) {
    case 0:
        gen_helper_fxsave(tcg_env, s->A0, rex_w);
        break;
    case 1:
        gen_helper_fxrstor(tcg_env, s->A0, rex_w);
        break;
    case 2:
        gen_op_ld_v(s, MO_32, s->T0, s->A0);
        tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
        gen_helper_ldmxcsr(tcg_env, s->tmp2_i32);
        break;
    case 3:
        gen_helper_stmxcsr(s->T0, tcg_env);
        gen_op_st_v(s, MO_32, s->T0, s->A0);
        break;
    case 4:
    case 6:
        /* XSAVEOPT may always write everything XSAVE would. */
        gen_helper_xsave(tcg_env, s->A0, rex_w);
        break;
    default:
        gen_helper_xrstor(tcg_env, s->A0, rex_w);
        break;
    }
    return true;
}

/* 0F 01 D0 (XGETBV) / D1 (XSETBV): EDX:EAX <-> XCR[ECX]. */
void disas_fpu_xcr(DisasContext *s, bool set)
{
    fpu_sync(s);
    tcg_gen_extrl_i64_i32(s->tmp2_i32, cpu_regs[R_ECX]);
    if (set) {
        tcg_gen_deposit_i64(s->tmp1_i64, cpu_regs[R_EAX], cpu_regs[R_EDX], 32, 32);
        gen_helper_xsetbv(tcg_env, s->tmp2_i32, s->tmp1_i64);
        return;
    }
    gen_helper_xgetbv(s->tmp1_i64, tcg_env, s->tmp2_i32);
    tcg_gen_ext32u_i64(cpu_regs[R_EAX], s->tmp1_i64);
    tcg_gen_shri_i64(cpu_regs[R_EDX], s->tmp1_i64, 32);
}
