/*
 * translate-ctl.c: the x86 translator's moves, stack and control flow:
 * MOV/LEA/XCHG/MOVZX/MOVSX/MOVSXD/CMOVcc/SETcc/MOVBE, PUSH/POP (r, r/m,
 * imm, PUSHA/POPA), CBW..CQO, XLAT, BOUND, ARPL, near
 * JMP/CALL/RET/Jcc/LOOP/JCXZ, NOP forms (PAUSE, hint NOPs), UD0/1/2 and
 * the x87 escape stubs.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate.h"

static int modrm_rm_reg(DisasContext *s, int modrm)
{
    return (modrm & 7) | s->rex_b;
}

static int modrm_reg(DisasContext *s, int modrm)
{
    return ((modrm >> 3) & 7) | s->rex_r;
}

static bool modrm_is_reg(int modrm)
{
    return ((modrm >> 6) & 3) == 3;
}

/*
 * Near branches in 64-bit mode are 64-bit whatever 66 says (Intel SDM;
 * QEMU 7.2 honours 66 there as AMD processors do).
 */
static void set_branch_dflag(DisasContext *s)
{
    if (s->code64) {
        s->dflag = MO_64;
    }
}

/* ---- stack instructions ---- */

static void gen_pusha(DisasContext *s)
{
    MemOp ot = s->dflag;
    int size = 1 << ot;

    /* EAX is stored highest; the stored ESP is the value before PUSHA. */
    for (int i = 0; i < 8; i++) {
        gen_stack_A0(s, (i - 8) * size);
        gen_op_st_v(s, ot, cpu_regs[7 - i], s->A0);
    }
    gen_op_add_reg_im(s, mo_stacksize(s), R_ESP, -8 * size);
}

static void gen_popa(DisasContext *s)
{
    MemOp ot = s->dflag;
    int size = 1 << ot;
    TCGv vals[8];

    /* Load everything first, so that a fault changes no register. */
    for (int i = 0; i < 8; i++) {
        if (7 - i == R_ESP) {
            continue;       /* the stored ESP is skipped */
        }
        vals[i] = tcg_temp_new();
        gen_stack_A0(s, i * size);
        gen_op_ld_v(s, ot, vals[i], s->A0);
    }
    for (int i = 0; i < 8; i++) {
        if (7 - i == R_ESP) {
            continue;
        }
        gen_op_mov_reg_v(s, ot, 7 - i, vals[i]);
        tcg_temp_free(vals[i]);
    }
    gen_op_add_reg_im(s, mo_stacksize(s), R_ESP, 8 * size);
}

/* 8F /0: POP r/m. With ESP as base the address uses the incremented ESP. */
static void gen_pop_rm(CPUX86State *env, DisasContext *s, int modrm)
{
    MemOp ot;

    if (((modrm >> 3) & 7) != 0) {
        gen_illegal_opcode(s);
        return;
    }
    ot = gen_pop_T0(s);
    if (modrm_is_reg(modrm)) {
        gen_pop_update(s, ot);
        gen_op_mov_reg_v(s, ot, modrm_rm_reg(s, modrm), s->T0);
        return;
    }
    {
        AddressParts a = gen_lea_modrm_0(env, s, modrm);

        if (a.base == R_ESP) {
            a.disp += 1 << ot;
        }
        gen_lea_v_seg(s, s->aflag, gen_lea_modrm_1(s, a), a.def_seg, s->override);
        gen_op_st_v(s, ot, s->T0, s->A0);
        gen_pop_update(s, ot);
    }
}

/* ---- control transfers ---- */

static void gen_loop(CPUX86State *env, DisasContext *s, int b)
{
    int64_t diff = x86_ldsb_code(env, s);
    TCGLabel *taken = gen_new_label();
    TCGLabel *not_taken = gen_new_label();
    uint64_t next = next_insn_eip(s);
    uint64_t dest = next + diff;

    set_branch_dflag(s);
    if (!s->code64) {
        dest = s->dflag == MO_16 ? dest & 0xffff : dest & 0xffffffffu;
    }
    /* Every path below must agree on env->cc_op. */
    gen_update_cc_op(s);
    switch (b) {
    case 0xe0:  /* LOOPNZ */
    case 0xe1:  /* LOOPZ */
        gen_op_add_reg_im(s, s->aflag, R_ECX, -1);
        gen_op_jz_ecx(s, not_taken);
        gen_jcc1(s, (JCC_Z << 1) | (b == 0xe0), taken);
        break;
    case 0xe2:  /* LOOP */
        gen_op_add_reg_im(s, s->aflag, R_ECX, -1);
        gen_op_jnz_ecx(s, taken);
        break;
    default:    /* JCXZ */
        gen_op_jz_ecx(s, taken);
        break;
    }
    gen_set_label(not_taken);
    gen_jmp_tb(s, next, 0);
    gen_set_label(taken);
    gen_jmp_tb(s, dest, 1);
}

static void gen_ret(CPUX86State *env, DisasContext *s, int b)
{
    int extra = b == 0xc2 ? x86_lduw_code(env, s) : 0;
    MemOp ot;

    set_branch_dflag(s);
    ot = gen_pop_T0(s);
    gen_op_add_reg_im(s, mo_stacksize(s), R_ESP, extra + (1 << ot));
    gen_ext_tl(s->T0, s->T0, ot, false);
    gen_op_jmp_v(s, s->T0);
    gen_jr(s);
}

/* FF /2 /4 /6: CALL/JMP near indirect, PUSH r/m. */
static void gen_ff_group(CPUX86State *env, DisasContext *s, int modrm)
{
    int op = (modrm >> 3) & 7;
    MemOp ot;

    if (op == 7) {
        gen_illegal_opcode(s);
        return;
    }
    if (op == 2 || op == 4) {
        set_branch_dflag(s);
        ot = s->dflag;
    } else {
        ot = mo_pushpop(s, s->dflag);
    }
    gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
    switch (op) {
    case 2:
        tcg_gen_movi_i64(s->T1, next_insn_eip(s));
        gen_push_v(s, s->T1);
        gen_op_jmp_v(s, s->T0);
        gen_jr(s);
        break;
    case 4:
        gen_op_jmp_v(s, s->T0);
        gen_jr(s);
        break;
    default:
        gen_push_v(s, s->T0);
        break;
    }
}

/* ---- misc ---- */

/* (the x87 escapes D8-DF and WAIT are translate-fpu.c's) */

static void gen_xlat(DisasContext *s)
{
    gen_op_mov_v_reg(s, MO_8, s->T0, R_EAX);
    tcg_gen_add_i64(s->A0, cpu_regs[R_EBX], s->T0);
    gen_lea_v_seg(s, s->aflag, s->A0, R_DS, s->override);
    gen_op_ld_v(s, MO_8, s->T0, s->A0);
    gen_op_mov_reg_v(s, MO_8, R_EAX, s->T0);
}

/* 98: CBW/CWDE/CDQE; 99: CWD/CDQ/CQO. */
static void gen_convert(DisasContext *s, int b)
{
    MemOp ot = s->dflag;

    if (b == 0x98) {
        gen_ext_tl(s->T0, cpu_regs[R_EAX], ot - 1, true);
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
    } else {
        gen_ext_tl(s->T0, cpu_regs[R_EAX], ot, true);
        tcg_gen_sari_i64(s->T0, s->T0, 63);
        gen_op_mov_reg_v(s, ot, R_EDX, s->T0);
    }
}

/* 63 outside 64-bit mode: ARPL r/m16, r16 (protected mode only). */
static void gen_arpl(CPUX86State *env, DisasContext *s)
{
    int modrm = x86_ldub_code(env, s);
    int d = OR_TMP0;
    TCGv z = tcg_temp_new();

    if (!s->pe || s->vm86) {
        gen_illegal_opcode(s);
        tcg_temp_free(z);
        return;
    }
    if (modrm_is_reg(modrm)) {
        d = modrm_rm_reg(s, modrm);
        gen_op_mov_v_reg(s, MO_16, s->T0, d);
    } else {
        gen_lea_modrm(env, s, modrm);
        gen_op_ld_v(s, MO_16, s->T0, s->A0);
    }
    gen_op_mov_v_reg(s, MO_16, s->T1, modrm_reg(s, modrm));
    /* if (dest.RPL < src.RPL) { dest.RPL = src.RPL; ZF = 1 } else ZF = 0 */
    tcg_gen_andi_i64(s->tmp0, s->T0, 3);
    tcg_gen_andi_i64(s->T1, s->T1, 3);
    tcg_gen_setcond_i64(TCG_COND_LTU, z, s->tmp0, s->T1);
    tcg_gen_andi_i64(s->tmp4, s->T0, ~3);
    tcg_gen_or_i64(s->tmp4, s->tmp4, s->T1);
    tcg_gen_movcond_i64(TCG_COND_NE, s->T0, z, tcg_constant_i64(0), s->tmp4, s->T0);
    if (d == OR_TMP0) {
        gen_op_st_v(s, MO_16, s->T0, s->A0);
    } else {
        gen_op_mov_reg_v(s, MO_16, d, s->T0);
    }
    gen_compute_eflags(s);
    tcg_gen_andi_i64(cpu_cc_src, cpu_cc_src, ~(int64_t)CC_Z);
    tcg_gen_shli_i64(z, z, 6);      /* CC_Z is bit 6 */
    tcg_gen_or_i64(cpu_cc_src, cpu_cc_src, z);
    tcg_temp_free(z);
}

/* 0F 38 F0/F1: MOVBE r, m / m, r. */
static bool gen_movbe(CPUX86State *env, DisasContext *s, int b)
{
    MemOp ot = s->dflag;
    int modrm;

    if (!(s->cpuid_ext_features & X86_CPUID_EXT_MOVBE) ||
        (s->prefix & (PREFIX_REPZ | PREFIX_REPNZ))) {
        return false;       /* F2 0F 38 F0/F1 is CRC32: translate-sse.c */
    }
    modrm = x86_ldub_code(env, s);
    if (modrm_is_reg(modrm)) {
        gen_illegal_opcode(s);
        return true;
    }
    gen_lea_modrm(env, s, modrm);
    if (b == 0x2f0) {
        tcg_gen_qemu_ld_i64(s->T0, s->A0, s->mem_index, ot | MO_BE | s->align_check);
        gen_op_mov_reg_v(s, ot, modrm_reg(s, modrm), s->T0);
    } else {
        tcg_gen_qemu_st_i64(cpu_regs[modrm_reg(s, modrm)], s->A0, s->mem_index,
                            ot | MO_BE | s->align_check);
    }
    return true;
}

/* A0-A3: MOV AL/eAX <-> moffs (an address of the address size). */
static void gen_mov_moffs(CPUX86State *env, DisasContext *s, int b)
{
    MemOp ot = mo_b_d(b, s->dflag);
    uint64_t off;

    if (s->aflag == MO_64) {
        off = x86_ldq_code(env, s);
    } else {
        off = insn_get(env, s, s->aflag);
    }
    tcg_gen_movi_i64(s->A0, off);
    gen_lea_v_seg(s, s->aflag, s->A0, R_DS, s->override);
    if (b & 2) {
        gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
        gen_op_st_v(s, ot, s->T0, s->A0);
    } else {
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
    }
}

/* ---- the dispatcher ---- */

bool disas_insn_ctl(DisasContext *s, CPUState *cpu, int b)
{
    CPUX86State *env = s->env;
    MemOp ot;
    int modrm, reg;

    switch (b) {
    case 0x50 ... 0x57:
        tcg_gen_mov_i64(s->T0, cpu_regs[(b & 7) | s->rex_b]);
        gen_push_v(s, s->T0);
        return true;
    case 0x58 ... 0x5f:
        ot = gen_pop_T0(s);
        /* Update ESP first: POP ESP loads the popped value. */
        gen_pop_update(s, ot);
        gen_op_mov_reg_v(s, ot, (b & 7) | s->rex_b, s->T0);
        return true;
    case 0x60:
    case 0x61:
        if (s->code64) {
            return false;
        }
        b == 0x60 ? gen_pusha(s) : gen_popa(s);
        return true;
    case 0x62:  /* BOUND (C4/C5-like EVEX in 64-bit mode: #UD) */
        if (s->code64) {
            return false;
        }
        modrm = x86_ldub_code(env, s);
        if (modrm_is_reg(modrm)) {
            gen_illegal_opcode(s);
            return true;
        }
        gen_op_mov_v_reg(s, s->dflag, s->T0, modrm_reg(s, modrm));
        gen_lea_modrm(env, s, modrm);
        tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
        if (s->dflag == MO_16) {
            gen_helper_boundw(tcg_env, s->A0, s->tmp2_i32);
        } else {
            gen_helper_boundl(tcg_env, s->A0, s->tmp2_i32);
        }
        return true;
    case 0x63:
        if (!s->code64) {
            gen_arpl(env, s);
            return true;
        }
        /* MOVSXD */
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        ot = s->dflag == MO_64 ? MO_32 : s->dflag;
        gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
        if (s->dflag == MO_64) {
            tcg_gen_ext32s_i64(s->T0, s->T0);
        }
        gen_op_mov_reg_v(s, s->dflag, reg, s->T0);
        return true;
    case 0x68:
    case 0x6a:
        ot = mo_pushpop(s, s->dflag);
        if (b == 0x68) {
            /* imm16 or imm32, sign-extended to a 64-bit push. */
            tcg_gen_movi_i64(s->T0, insn_get_signed(env, s, ot == MO_16 ? MO_16 : MO_32));
        } else {
            tcg_gen_movi_i64(s->T0, x86_ldsb_code(env, s));
        }
        gen_push_v(s, s->T0);
        return true;
    case 0x70 ... 0x7f: {
        int64_t diff = x86_ldsb_code(env, s);

        set_branch_dflag(s);
        gen_jcc(s, b & 0xf, diff);
        return true;
    }
    case 0x86:
    case 0x87:
        ot = mo_b_d(b, s->dflag);
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        gen_op_mov_v_reg(s, ot, s->T0, reg);
        if (modrm_is_reg(modrm)) {
            int rm = modrm_rm_reg(s, modrm);

            gen_op_mov_v_reg(s, ot, s->T1, rm);
            gen_op_mov_reg_v(s, ot, rm, s->T0);
        } else {
            /* Always locked; see gen_rmw_load in translate-alu.c. */
            gen_lea_modrm(env, s, modrm);
            gen_op_ld_v(s, ot, s->T1, s->A0);
            gen_op_st_v(s, ot, s->T0, s->A0);
        }
        gen_op_mov_reg_v(s, ot, reg, s->T1);
        return true;
    case 0x88:
    case 0x89:
        ot = mo_b_d(b, s->dflag);
        modrm = x86_ldub_code(env, s);
        gen_ldst_modrm(env, s, modrm, ot, modrm_reg(s, modrm), true);
        return true;
    case 0x8a:
    case 0x8b:
        ot = mo_b_d(b, s->dflag);
        modrm = x86_ldub_code(env, s);
        gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
        gen_op_mov_reg_v(s, ot, modrm_reg(s, modrm), s->T0);
        return true;
    case 0x8d: {
        AddressParts a;

        modrm = x86_ldub_code(env, s);
        if (modrm_is_reg(modrm)) {
            gen_illegal_opcode(s);
            return true;
        }
        a = gen_lea_modrm_0(env, s, modrm);
        gen_lea_v_seg(s, s->aflag, gen_lea_modrm_1(s, a), -1, -1);
        gen_op_mov_reg_v(s, s->dflag, modrm_reg(s, modrm), s->A0);
        return true;
    }
    case 0x8f:
        gen_pop_rm(env, s, x86_ldub_code(env, s));
        return true;
    case 0x90 ... 0x97:
        reg = (b & 7) | s->rex_b;
        if (reg == R_EAX) {
            if (b == 0x90 && (s->prefix & PREFIX_REPZ)) {
                /* PAUSE: give the other vCPUs a turn. */
                gen_update_cc_op(s);
                gen_update_eip_cur(s);
                gen_helper_pause(tcg_env, tcg_constant_i32(cur_insn_len(s)));
                gen_update_eip_next(s);
                gen_eob(s);
            }
            return true;    /* NOP (xchg eax, eax does not zero-extend) */
        }
        ot = s->dflag;
        gen_op_mov_v_reg(s, ot, s->T0, reg);
        gen_op_mov_v_reg(s, ot, s->T1, R_EAX);
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
        gen_op_mov_reg_v(s, ot, reg, s->T1);
        return true;
    case 0x98:
    case 0x99:
        gen_convert(s, b);
        return true;
    case 0x9b:
    case 0xd8 ... 0xdf:
        disas_insn_fpu(s, b);
        return true;
    case 0xa0 ... 0xa3:
        gen_mov_moffs(env, s, b);
        return true;
    case 0xb0 ... 0xb7:
        tcg_gen_movi_i64(s->T0, x86_ldub_code(env, s));
        gen_op_mov_reg_v(s, MO_8, (b & 7) | s->rex_b, s->T0);
        return true;
    case 0xb8 ... 0xbf:
        ot = s->dflag;
        tcg_gen_movi_i64(s->T0, ot == MO_64 ? x86_ldq_code(env, s) : insn_get(env, s, ot));
        gen_op_mov_reg_v(s, ot, (b & 7) | s->rex_b, s->T0);
        return true;
    case 0xc2:
    case 0xc3:
        gen_ret(env, s, b);
        return true;
    case 0xc6:
    case 0xc7:
        ot = mo_b_d(b, s->dflag);
        modrm = x86_ldub_code(env, s);
        if (((modrm >> 3) & 7) != 0) {
            gen_illegal_opcode(s);      /* XABORT/XBEGIN: no RTM */
            return true;
        }
        if (!modrm_is_reg(modrm)) {
            s->rip_offset = ot == MO_8 ? 1 : ot == MO_16 ? 2 : 4;
            gen_lea_modrm(env, s, modrm);
        }
        tcg_gen_movi_i64(s->T0, insn_get(env, s, ot));
        if (modrm_is_reg(modrm)) {
            gen_op_mov_reg_v(s, ot, modrm_rm_reg(s, modrm), s->T0);
        } else {
            gen_op_st_v(s, ot, s->T0, s->A0);
        }
        return true;
    case 0xd7:
        gen_xlat(s);
        return true;
    case 0xe0 ... 0xe3:
        gen_loop(env, s, b);
        return true;
    case 0xe8:
    case 0xe9: {
        int64_t diff;

        set_branch_dflag(s);
        diff = s->dflag == MO_16 ? x86_ldsw_code(env, s) : (int32_t)x86_ldl_code(env, s);
        if (b == 0xe8) {
            tcg_gen_movi_i64(s->T0, next_insn_eip(s));
            gen_push_v(s, s->T0);
        }
        gen_jmp_rel(s, s->dflag, diff, 0);
        return true;
    }
    case 0xeb: {
        int64_t diff = x86_ldsb_code(env, s);

        set_branch_dflag(s);
        gen_jmp_rel(s, s->dflag, diff, 0);
        return true;
    }
    case 0xff:
        modrm = translator_ldub(env, &s->base, s->pc);
        if (((modrm >> 3) & 7) == 3 || ((modrm >> 3) & 7) == 5) {
            return false;       /* far CALL/JMP: the system half */
        }
        x86_ldub_code(env, s);
        gen_ff_group(env, s, modrm);
        return true;

    /* ---- 0F map ---- */
    case 0x10b:     /* UD2 */
    case 0x1ff:     /* UD0 */
        gen_illegal_opcode(s);
        return true;
    case 0x1b9:     /* UD1 r, r/m */
        gen_nop_modrm(env, s, x86_ldub_code(env, s));
        gen_illegal_opcode(s);
        return true;
    case 0x11f:     /* NOP r/m (0F 0D and 18-1E are the system half's) */
        gen_nop_modrm(env, s, x86_ldub_code(env, s));
        return true;
    case 0x140 ... 0x14f:
        if (!(s->cpuid_features & X86_CPUID_CMOV)) {
            return false;
        }
        ot = s->dflag;
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        /* The source is read (and may fault) whatever the condition. */
        gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
        gen_op_mov_v_reg(s, ot, s->T1, reg);
        gen_cmovcc1(s, b & 0xf, s->T1, s->T0);
        /* A 32-bit CMOV zero-extends its destination even when false. */
        gen_op_mov_reg_v(s, ot, reg, s->T1);
        return true;
    case 0x180 ... 0x18f: {
        int64_t diff;

        set_branch_dflag(s);
        diff = s->dflag == MO_16 ? x86_ldsw_code(env, s) : (int32_t)x86_ldl_code(env, s);
        gen_jcc(s, b & 0xf, diff);
        return true;
    }
    case 0x190 ... 0x19f:
        modrm = x86_ldub_code(env, s);
        if (!modrm_is_reg(modrm)) {
            gen_lea_modrm(env, s, modrm);
        }
        gen_setcc1(s, b & 0xf, s->T0);
        if (modrm_is_reg(modrm)) {
            gen_op_mov_reg_v(s, MO_8, modrm_rm_reg(s, modrm), s->T0);
        } else {
            gen_op_st_v(s, MO_8, s->T0, s->A0);
        }
        return true;
    case 0x1b6: case 0x1b7: case 0x1be: case 0x1bf: {
        /* MOVZX / MOVSX r, r/m8 or r/m16. */
        MemOp s_ot = (b & 1) ? MO_16 : MO_8;
        bool sign = b >= 0x1be;

        ot = s->dflag;
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        if (modrm_is_reg(modrm)) {
            gen_op_mov_v_reg(s, s_ot, s->T0, modrm_rm_reg(s, modrm));
            gen_ext_tl(s->T0, s->T0, s_ot, sign);
        } else {
            gen_lea_modrm(env, s, modrm);
            gen_op_ld_v(s, s_ot | (sign ? MO_SIGN : 0), s->T0, s->A0);
        }
        gen_op_mov_reg_v(s, ot, reg, s->T0);
        return true;
    }
    case 0x2f0:
    case 0x2f1:
        return gen_movbe(env, s, b);
    default:
        break;
    }
    return false;
}
