/*
 * translate-alu.c: the integer arithmetic of the x86 translator: the
 * eight ALU operations (00-3F, 80-83), INC/DEC, TEST, the shift and
 * rotate group (C0/C1/D0-D3, SHLD/SHRD), group 3 (NOT/NEG/MUL/IMUL/
 * DIV/IDIV), IMUL forms, BCD adjustments, the bit instructions (BT*,
 * BSF/BSR/TZCNT/LZCNT, POPCNT, BSWAP), CMPXCHG/XADD/CMPXCHG8B/16B and
 * the flag instructions (CMC/CLC/STC/CLD/STD/SAHF/LAHF/SALC).
 *
 * Lazy flags are set after the last store of each instruction, so a
 * fault on the store leaves the flags as they were (see translate-cc.c).
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate.h"
#include "exec/helper-atomic.h"

/*
 * LOCK: every read-modify-write of guest memory loads with
 * gen_rmw_load and stores with gen_rmw_store. Round-robin (no
 * CF_PARALLEL) runs one vCPU at a time, so nothing else touches guest
 * memory between the two and the LOCKed forms are atomic as they are.
 * Under thread=multi a LOCKed memory form keeps the loaded value and
 * stores with a host compare-and-swap (helper_atomic_cas_retry): if
 * another vCPU wrote in between, guest state goes back to the start of
 * the instruction and it runs again. Every LOCKable instruction writes
 * registers and flags only after its memory store, so the restart sees
 * them unchanged. XADD and XCHG use host XADD/XCHG directly.
 */
static __thread TCGv rmw_old;

static bool rmw_atomic(DisasContext *s, int d)
{
    return d == OR_TMP0 && (s->prefix & PREFIX_LOCK) &&
           (s->base.tb->cflags & CF_PARALLEL);
}

static TCGv_i32 rmw_oi(DisasContext *s, MemOp ot)
{
    return tcg_constant_i32(make_memop_idx(ot | MO_LE | s->align_check, s->mem_index));
}

static void gen_rmw_load(DisasContext *s, MemOp ot, int d)
{
    if (d == OR_TMP0) {
        gen_op_ld_v(s, ot, s->T0, s->A0);
        if (rmw_atomic(s, d)) {
            rmw_old = tcg_temp_new();
            tcg_gen_mov_i64(rmw_old, s->T0);
        }
    } else {
        gen_op_mov_v_reg(s, ot, s->T0, d);
    }
}

/* Store val to A0: as a compare-and-swap against gen_rmw_load's value if LOCKed. */
static void gen_rmw_store_val(DisasContext *s, MemOp ot, TCGv val)
{
    if (rmw_atomic(s, OR_TMP0)) {
        gen_helper_atomic_cas_retry(tcg_env, s->A0, rmw_old, val, rmw_oi(s, ot));
        tcg_temp_free(rmw_old);
    } else {
        gen_op_st_v(s, ot, val, s->A0);
    }
}

static void gen_rmw_store(DisasContext *s, MemOp ot, int d)
{
    if (d == OR_TMP0) {
        gen_rmw_store_val(s, ot, s->T0);
    } else {
        gen_op_mov_reg_v(s, ot, d, s->T0);
    }
}

/* ---- ALU ---- */

void gen_op(DisasContext *s, int op, MemOp ot, int d)
{
    if (op == OP_CMPL) {
        gen_rmw_load(s, ot, d);
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        tcg_gen_sub_i64(cpu_cc_dst, s->T0, s->T1);
        set_cc_op(s, CC_OP_SUBB + ot);
        return;
    }
    if (op == OP_ADCL || op == OP_SBBL) {
        /* The carry in, read before anything changes. */
        gen_compute_eflags_c(s, s->tmp4);
    }
    gen_rmw_load(s, ot, d);
    switch (op) {
    case OP_ADDL:
        tcg_gen_add_i64(s->T0, s->T0, s->T1);
        break;
    case OP_ADCL:
        tcg_gen_add_i64(s->T0, s->T0, s->T1);
        tcg_gen_add_i64(s->T0, s->T0, s->tmp4);
        break;
    case OP_SUBL:
        tcg_gen_sub_i64(s->T0, s->T0, s->T1);
        break;
    case OP_SBBL:
        tcg_gen_sub_i64(s->T0, s->T0, s->T1);
        tcg_gen_sub_i64(s->T0, s->T0, s->tmp4);
        break;
    case OP_ANDL:
        tcg_gen_and_i64(s->T0, s->T0, s->T1);
        break;
    case OP_ORL:
        tcg_gen_or_i64(s->T0, s->T0, s->T1);
        break;
    default:
        tcg_gen_xor_i64(s->T0, s->T0, s->T1);
        break;
    }
    gen_rmw_store(s, ot, d);
    tcg_gen_mov_i64(cpu_cc_dst, s->T0);
    switch (op) {
    case OP_ADDL:
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        set_cc_op(s, CC_OP_ADDB + ot);
        break;
    case OP_SUBL:
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        set_cc_op(s, CC_OP_SUBB + ot);
        break;
    case OP_ADCL:
    case OP_SBBL:
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        tcg_gen_mov_i64(cpu_cc_src2, s->tmp4);
        set_cc_op(s, (op == OP_ADCL ? CC_OP_ADCB : CC_OP_SBBB) + ot);
        break;
    default:
        set_cc_op(s, CC_OP_LOGICB + ot);
        break;
    }
}

void gen_inc(DisasContext *s, MemOp ot, int d, int c)
{
    gen_rmw_load(s, ot, d);
    tcg_gen_addi_i64(s->T0, s->T0, c);
    gen_rmw_store(s, ot, d);
    /* INC/DEC keep CF: cc_src holds it. */
    gen_compute_eflags_c(s, cpu_cc_src);
    tcg_gen_mov_i64(cpu_cc_dst, s->T0);
    set_cc_op(s, (c > 0 ? CC_OP_INCB : CC_OP_DECB) + ot);
}

/* ---- shifts and rotates ---- */

static int shift_mask(MemOp ot)
{
    return ot == MO_64 ? 63 : 31;
}

/*
 * Flags after a shift by a run-time count: the new SHL/SAR state when
 * count != 0, the old one (whatever it was) when it is 0.
 */
static void gen_shift_flags(DisasContext *s, MemOp ot, TCGv result, TCGv shm1,
                            TCGv count, bool is_right)
{
    CCOp new_op = (is_right ? CC_OP_SARB : CC_OP_SHLB) + ot;
    TCGv zero = tcg_constant_i64(0);
    TCGv_i32 old_op;

    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_dst, count, zero, result, cpu_cc_dst);
    tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_src, count, zero, shm1, cpu_cc_src);
    old_op = s->cc_op == CC_OP_DYNAMIC ? cpu_cc_op : tcg_constant_i32(s->cc_op);
    tcg_gen_extrl_i64_i32(s->tmp2_i32, count);
    tcg_gen_movcond_i32(TCG_COND_NE, cpu_cc_op, s->tmp2_i32, tcg_constant_i32(0),
                        tcg_constant_i32(new_op), old_op);
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
}

/* CF and OF of ROL/ROR from the result in T0, merged into cc_src (EFLAGS). */
static TCGv gen_rot_flags_value(DisasContext *s, MemOp ot, bool is_right, TCGv out)
{
    int bits = 8 << ot;
    TCGv c = s->tmp0, o = s->tmp4;

    if (is_right) {
        tcg_gen_extract_i64(c, s->T0, bits - 1, 1);
        tcg_gen_extract_i64(o, s->T0, bits - 2, 1);
    } else {
        tcg_gen_andi_i64(c, s->T0, 1);
        tcg_gen_extract_i64(o, s->T0, bits - 1, 1);
    }
    tcg_gen_xor_i64(o, o, c);
    tcg_gen_andi_i64(out, cpu_cc_src, ~(int64_t)(CC_C | CC_O));
    tcg_gen_or_i64(out, out, c);
    tcg_gen_shli_i64(o, o, 11);     /* CC_O is bit 11 */
    tcg_gen_or_i64(out, out, o);
    return out;
}

/* T0 = rotate of T0 (size ot, zero-extended) by count (already masked). */
static void gen_rotate_T0(DisasContext *s, MemOp ot, bool is_right, TCGv count)
{
    switch (ot) {
    case MO_8:
        /* Replicate so that a 32-bit rotate gives the 8-bit one. */
        tcg_gen_ext8u_i64(s->T0, s->T0);
        tcg_gen_muli_i64(s->T0, s->T0, 0x01010101);
        goto rot32;
    case MO_16:
        tcg_gen_deposit_i64(s->T0, s->T0, s->T0, 16, 16);
        goto rot32;
    case MO_32:
    rot32:
        tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
        tcg_gen_extrl_i64_i32(s->tmp3_i32, count);
        if (is_right) {
            tcg_gen_rotr_i32(s->tmp2_i32, s->tmp2_i32, s->tmp3_i32);
        } else {
            tcg_gen_rotl_i32(s->tmp2_i32, s->tmp2_i32, s->tmp3_i32);
        }
        tcg_gen_extu_i32_i64(s->T0, s->tmp2_i32);
        break;
    default:
        if (is_right) {
            tcg_gen_rotr_i64(s->T0, s->T0, count);
        } else {
            tcg_gen_rotl_i64(s->T0, s->T0, count);
        }
        break;
    }
}

static void gen_rcl_rcr(DisasContext *s, MemOp ot, int d, bool is_right, TCGv count)
{
    TCGv flags = gen_eflags_value(s, s->tmp4);
    TCGv_i32 size = tcg_constant_i32(ot);

    /* Pure helpers: the result and the new flags, nothing stored yet. */
    if (is_right) {
        gen_helper_rcr_cc(s->tmp0, s->T0, count, flags, size);
        gen_helper_rcr(s->T0, s->T0, count, flags, size);
    } else {
        gen_helper_rcl_cc(s->tmp0, s->T0, count, flags, size);
        gen_helper_rcl(s->T0, s->T0, count, flags, size);
    }
    gen_rmw_store(s, ot, d);
    tcg_gen_mov_i64(cpu_cc_src, s->tmp0);
    set_cc_op(s, CC_OP_EFLAGS);
}

void gen_shift(DisasContext *s, int op, MemOp ot, int d)
{
    bool is_right = op == OP_SHR || op == OP_SAR || op == OP_ROR || op == OP_RCR;

    gen_rmw_load(s, ot, d);
    tcg_gen_andi_i64(s->T1, s->T1, shift_mask(ot));
    switch (op) {
    case OP_ROL:
    case OP_ROR:
        gen_rotate_T0(s, ot, is_right, s->T1);
        gen_rmw_store(s, ot, d);
    {
        TCGv nf = tcg_temp_new();

        gen_compute_eflags(s);
        gen_rot_flags_value(s, ot, is_right, nf);
        /* A zero count leaves the flags alone. */
        tcg_gen_movcond_i64(TCG_COND_NE, cpu_cc_src, s->T1, tcg_constant_i64(0),
                            nf, cpu_cc_src);
        tcg_temp_free(nf);
        return;
    }
    case OP_RCL:
    case OP_RCR:
        gen_rcl_rcr(s, ot, d, is_right, s->T1);
        return;
    default:
        break;
    }
    /* The operand shifted by count - 1 gives CF (and OF). */
    tcg_gen_subi_i64(s->tmp0, s->T1, 1);
    tcg_gen_andi_i64(s->tmp0, s->tmp0, 63);
    if (op == OP_SAR) {
        gen_ext_tl(s->T0, s->T0, ot, true);
        tcg_gen_sar_i64(s->tmp4, s->T0, s->tmp0);
        tcg_gen_sar_i64(s->T0, s->T0, s->T1);
    } else if (op == OP_SHR) {
        tcg_gen_shr_i64(s->tmp4, s->T0, s->tmp0);
        tcg_gen_shr_i64(s->T0, s->T0, s->T1);
    } else {
        tcg_gen_shl_i64(s->tmp4, s->T0, s->tmp0);
        tcg_gen_shl_i64(s->T0, s->T0, s->T1);
    }
    gen_rmw_store(s, ot, d);
    gen_shift_flags(s, ot, s->T0, s->tmp4, s->T1, is_right);
}

void gen_shifti(DisasContext *s, int op, MemOp ot, int d, int c)
{
    bool is_right = op == OP_SHR || op == OP_SAR || op == OP_ROR || op == OP_RCR;
    int bits = 8 << ot;

    c &= shift_mask(ot);
    if (op == OP_RCL || op == OP_RCR) {
        gen_rmw_load(s, ot, d);
        gen_rcl_rcr(s, ot, d, is_right, tcg_constant_i64(c));
        return;
    }
    gen_rmw_load(s, ot, d);
    if (c == 0) {
        /* Flags unchanged; the destination is still written (zero-extension). */
        gen_rmw_store(s, ot, d);
        return;
    }
    switch (op) {
    case OP_ROL:
    case OP_ROR: {
        int sh = c & (bits - 1);

        if (ot == MO_64) {
            is_right ? tcg_gen_rotri_i64(s->T0, s->T0, sh) : tcg_gen_rotli_i64(s->T0, s->T0, sh);
        } else if (ot == MO_32) {
            tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
            if (is_right) {
                tcg_gen_rotri_i32(s->tmp2_i32, s->tmp2_i32, sh);
            } else {
                tcg_gen_rotli_i32(s->tmp2_i32, s->tmp2_i32, sh);
            }
            tcg_gen_extu_i32_i64(s->T0, s->tmp2_i32);
        } else if (sh != 0) {
            int l = is_right ? bits - sh : sh;

            tcg_gen_shli_i64(s->tmp0, s->T0, l);
            tcg_gen_shri_i64(s->T0, s->T0, bits - l);
            tcg_gen_or_i64(s->T0, s->T0, s->tmp0);
        }
        gen_rmw_store(s, ot, d);
        gen_compute_eflags(s);
        gen_rot_flags_value(s, ot, is_right, cpu_cc_src);
        return;
    }
    case OP_SAR:
        gen_ext_tl(s->T0, s->T0, ot, true);
        tcg_gen_sari_i64(s->tmp4, s->T0, c - 1);
        tcg_gen_sari_i64(s->T0, s->T0, c);
        break;
    case OP_SHR:
        tcg_gen_shri_i64(s->tmp4, s->T0, c - 1);
        tcg_gen_shri_i64(s->T0, s->T0, c);
        break;
    default:
        tcg_gen_shli_i64(s->tmp4, s->T0, c - 1);
        tcg_gen_shli_i64(s->T0, s->T0, c);
        break;
    }
    gen_rmw_store(s, ot, d);
    tcg_gen_mov_i64(cpu_cc_src, s->tmp4);
    tcg_gen_mov_i64(cpu_cc_dst, s->T0);
    set_cc_op(s, (is_right ? CC_OP_SARB : CC_OP_SHLB) + ot);
}

void gen_shiftd_rm_T1(DisasContext *s, MemOp ot, int d, bool is_right, TCGv count_in)
{
    TCGv cnt = tcg_temp_new();
    TCGv cm1 = tcg_temp_new();
    TCGv v = tcg_temp_new();
    TCGv shm1 = s->tmp4;

    gen_rmw_load(s, ot, d);
    tcg_gen_andi_i64(cnt, count_in, shift_mask(ot));
    tcg_gen_subi_i64(cm1, cnt, 1);
    tcg_gen_andi_i64(cm1, cm1, 63);
    if (ot == MO_64) {
        TCGv inv = s->tmp0;

        /* 64 - cnt, masked: cnt == 0 is handled by the movcond below. */
        tcg_gen_subfi_i64(inv, 64, cnt);
        tcg_gen_andi_i64(inv, inv, 63);
        if (is_right) {
            tcg_gen_shr_i64(shm1, s->T0, cm1);
            tcg_gen_shr_i64(v, s->T0, cnt);
            tcg_gen_shl_i64(s->tmp0, s->T1, inv);
        } else {
            tcg_gen_shl_i64(shm1, s->T0, cm1);
            tcg_gen_shl_i64(v, s->T0, cnt);
            tcg_gen_shr_i64(s->tmp0, s->T1, inv);
        }
        tcg_gen_or_i64(v, v, s->tmp0);
    } else {
        /*
         * Build a 64-bit value and shift once. 32-bit: dst:src (SHLD) or
         * src:dst (SHRD). 16-bit: dst:src:dst, so that counts above 16
         * shift the destination back in as Intel processors (and QEMU) do.
         */
        if (ot == MO_32) {
            if (is_right) {
                tcg_gen_deposit_i64(v, s->T0, s->T1, 32, 32);
            } else {
                tcg_gen_deposit_i64(v, s->T1, s->T0, 32, 32);
            }
        } else {
            tcg_gen_deposit_i64(v, s->T0, s->T1, 16, 16);
            tcg_gen_deposit_i64(v, v, s->T0, 32, 16);
        }
        if (is_right) {
            tcg_gen_shr_i64(shm1, v, cm1);
            tcg_gen_shr_i64(v, v, cnt);
        } else {
            tcg_gen_shl_i64(shm1, v, cm1);
            tcg_gen_shl_i64(v, v, cnt);
            tcg_gen_shri_i64(shm1, shm1, 32);
            tcg_gen_shri_i64(v, v, 32);
        }
    }
    tcg_gen_movcond_i64(TCG_COND_NE, s->T0, cnt, tcg_constant_i64(0), v, s->T0);
    gen_rmw_store(s, ot, d);
    gen_shift_flags(s, ot, s->T0, shm1, cnt, is_right);
    tcg_temp_free(cnt);
    tcg_temp_free(cm1);
    tcg_temp_free(v);
}

/* ---- decoding helpers ---- */

static int modrm_rm_reg(DisasContext *s, int modrm)
{
    return (modrm & 7) | s->rex_b;
}

static int modrm_reg(DisasContext *s, int modrm)
{
    return ((modrm >> 3) & 7) | s->rex_r;
}

/* Immediate size in bytes of operand size ot (MO_64 takes 4). */
static int imm_size(MemOp ot)
{
    return ot == MO_8 ? 1 : ot == MO_16 ? 2 : 4;
}

/*
 * Decode the ModRM operand: the register number, or OR_TMP0 with its
 * address in A0 (imm_bytes follow the ModRM bytes, for RIP-relative).
 */
static int decode_rm_operand(CPUX86State *env, DisasContext *s, int modrm, int imm_bytes)
{
    if (((modrm >> 6) & 3) == 3) {
        return modrm_rm_reg(s, modrm);
    }
    s->rip_offset = imm_bytes;
    gen_lea_modrm(env, s, modrm);
    return OR_TMP0;
}

/* ---- group 3: TEST/NOT/NEG/MUL/IMUL/DIV/IDIV ---- */

static void gen_mul(DisasContext *s, MemOp ot, bool sign)
{
    TCGv lo = s->T0, hi = s->T1;

    switch (ot) {
    case MO_8:
        gen_ext_tl(s->T0, s->T0, MO_8, sign);
        gen_ext_tl(s->T1, cpu_regs[R_EAX], MO_8, sign);
        tcg_gen_mul_i64(s->T0, s->T0, s->T1);
        gen_op_mov_reg_v(s, MO_16, R_EAX, s->T0);
        tcg_gen_mov_i64(cpu_cc_dst, s->T0);
        if (sign) {
            tcg_gen_ext8s_i64(s->tmp0, s->T0);
            tcg_gen_sub_i64(cpu_cc_src, s->T0, s->tmp0);
        } else {
            tcg_gen_andi_i64(cpu_cc_src, s->T0, 0xff00);
        }
        break;
    case MO_16:
    case MO_32: {
        int bits = 8 << ot;

        gen_ext_tl(s->T0, s->T0, ot, sign);
        gen_ext_tl(s->T1, cpu_regs[R_EAX], ot, sign);
        tcg_gen_mul_i64(s->T0, s->T0, s->T1);
        gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
        tcg_gen_shri_i64(s->T1, s->T0, bits);
        gen_op_mov_reg_v(s, ot, R_EDX, s->T1);
        tcg_gen_mov_i64(cpu_cc_dst, s->T0);
        if (sign) {
            gen_ext_tl(s->tmp0, s->T0, ot, true);
            tcg_gen_sub_i64(cpu_cc_src, s->T0, s->tmp0);
        } else {
            gen_ext_tl(cpu_cc_src, s->T1, ot, false);
        }
        break;
    }
    default:
        if (sign) {
            tcg_gen_muls2_i64(lo, hi, s->T0, cpu_regs[R_EAX]);
        } else {
            tcg_gen_mulu2_i64(lo, hi, s->T0, cpu_regs[R_EAX]);
        }
        tcg_gen_mov_i64(cpu_regs[R_EAX], lo);
        tcg_gen_mov_i64(cpu_regs[R_EDX], hi);
        tcg_gen_mov_i64(cpu_cc_dst, lo);
        if (sign) {
            tcg_gen_sari_i64(s->tmp0, lo, 63);
            tcg_gen_sub_i64(cpu_cc_src, s->tmp0, hi);
        } else {
            tcg_gen_mov_i64(cpu_cc_src, hi);
        }
        break;
    }
    set_cc_op(s, CC_OP_MULB + ot);
}

static void gen_div(DisasContext *s, MemOp ot, bool sign)
{
    switch (ot) {
    case MO_8:
        sign ? gen_helper_idivb_AL(tcg_env, s->T0) : gen_helper_divb_AL(tcg_env, s->T0);
        break;
    case MO_16:
        sign ? gen_helper_idivw_AX(tcg_env, s->T0) : gen_helper_divw_AX(tcg_env, s->T0);
        break;
    case MO_32:
        sign ? gen_helper_idivl_EAX(tcg_env, s->T0) : gen_helper_divl_EAX(tcg_env, s->T0);
        break;
    default:
        sign ? gen_helper_idivq_EAX(tcg_env, s->T0) : gen_helper_divq_EAX(tcg_env, s->T0);
        break;
    }
}

static bool disas_group3(CPUX86State *env, DisasContext *s, int b)
{
    MemOp ot = mo_b_d(b, s->dflag);
    int modrm = x86_ldub_code(env, s);
    int op = (modrm >> 3) & 7;
    int d;

    if (op == 1) {
        /*
         * Reserved in the SDM's opcode map: #UD. (QEMU 7.2 also raises
         * #UD, but only after loading a memory operand, which can #PF
         * first; we follow the SDM.)
         */
        gen_nop_modrm(env, s, modrm);
        gen_illegal_opcode(s);
        return true;
    }
    d = decode_rm_operand(env, s, modrm, op == 0 ? imm_size(ot) : 0);
    switch (op) {
    case 0:
        tcg_gen_movi_i64(s->T1, insn_get(env, s, ot));
        gen_rmw_load(s, ot, d);
        tcg_gen_and_i64(cpu_cc_dst, s->T0, s->T1);
        set_cc_op(s, CC_OP_LOGICB + ot);
        break;
    case 2:
        gen_rmw_load(s, ot, d);
        tcg_gen_not_i64(s->T0, s->T0);
        gen_rmw_store(s, ot, d);
        break;
    case 3:
        gen_rmw_load(s, ot, d);
        tcg_gen_neg_i64(s->T0, s->T0);
        gen_rmw_store(s, ot, d);
        /* 0 - x: the subtrahend is the original operand. */
        tcg_gen_neg_i64(cpu_cc_src, s->T0);
        tcg_gen_mov_i64(cpu_cc_dst, s->T0);
        set_cc_op(s, CC_OP_SUBB + ot);
        break;
    case 4:
    case 5:
        gen_rmw_load(s, ot, d);
        gen_mul(s, ot, op == 5);
        break;
    default:
        gen_rmw_load(s, ot, d);
        gen_div(s, ot, op == 7);
        break;
    }
    return true;
}

/* IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69, 6B): T0 * T1 into reg. */
static void gen_imul_reg(DisasContext *s, MemOp ot, int reg)
{
    if (ot == MO_64) {
        tcg_gen_muls2_i64(s->T0, s->T1, s->T0, s->T1);
        tcg_gen_mov_i64(cpu_regs[reg], s->T0);
        tcg_gen_mov_i64(cpu_cc_dst, s->T0);
        tcg_gen_sari_i64(s->tmp0, s->T0, 63);
        tcg_gen_sub_i64(cpu_cc_src, s->tmp0, s->T1);
    } else {
        gen_ext_tl(s->T0, s->T0, ot, true);
        gen_ext_tl(s->T1, s->T1, ot, true);
        tcg_gen_mul_i64(s->T0, s->T0, s->T1);
        gen_op_mov_reg_v(s, ot, reg, s->T0);
        tcg_gen_mov_i64(cpu_cc_dst, s->T0);
        gen_ext_tl(s->tmp0, s->T0, ot, true);
        tcg_gen_sub_i64(cpu_cc_src, s->T0, s->tmp0);
    }
    set_cc_op(s, CC_OP_MULB + ot);
}

/* ---- bit instructions ---- */

/* BT/BTS/BTR/BTC (op 0..3): T0 = operand, T1 = bit offset (masked here). */
static void gen_bt_op(DisasContext *s, MemOp ot, int d, int op)
{
    tcg_gen_andi_i64(s->T1, s->T1, (8 << ot) - 1);
    tcg_gen_shr_i64(s->tmp4, s->T0, s->T1);
    if (op != 0) {
        tcg_gen_shl_i64(s->tmp0, tcg_constant_i64(1), s->T1);
        if (op == 1) {
            tcg_gen_or_i64(s->T0, s->T0, s->tmp0);
        } else if (op == 2) {
            tcg_gen_andc_i64(s->T0, s->T0, s->tmp0);
        } else {
            tcg_gen_xor_i64(s->T0, s->T0, s->tmp0);
        }
        gen_rmw_store(s, ot, d);
    }
    /*
     * CF is the bit, ZF unchanged, the rest undefined. As QEMU 7.2: when
     * ZF follows cc_dst, keep cc_dst and switch to SAR of that size (CF =
     * cc_src bit 0); otherwise materialise the flags and replace CF.
     */
    if (s->cc_op >= CC_OP_MULB && s->cc_op <= CC_OP_BMILGQ) {
        tcg_gen_mov_i64(cpu_cc_src, s->tmp4);
        set_cc_op(s, CC_OP_SARB + ((s->cc_op - CC_OP_MULB) & 3));
    } else {
        gen_compute_eflags(s);
        tcg_gen_andi_i64(s->tmp4, s->tmp4, 1);
        tcg_gen_deposit_i64(cpu_cc_src, cpu_cc_src, s->tmp4, 0, 1);
    }
}

static void gen_bt_insn(CPUX86State *env, DisasContext *s, int b)
{
    MemOp ot = s->dflag;
    int modrm = x86_ldub_code(env, s);
    int mod = (modrm >> 6) & 3;
    int d, op;

    if (b == 0x1ba) {
        op = (modrm >> 3) & 7;
        if (op < 4) {
            gen_illegal_opcode(s);
            return;
        }
        op -= 4;
        d = decode_rm_operand(env, s, modrm, 1);
        tcg_gen_movi_i64(s->T1, x86_ldub_code(env, s));
    } else {
        op = (b >> 3) & 3;
        gen_op_mov_v_reg(s, MO_64, s->T1, modrm_reg(s, modrm));
        if (mod != 3) {
            /* A register offset may address bits outside the operand. */
            AddressParts a = gen_lea_modrm_0(env, s, modrm);
            TCGv ea;

            gen_ext_tl(s->T1, s->T1, ot, true);
            tcg_gen_sari_i64(s->tmp0, s->T1, 3 + ot);
            tcg_gen_shli_i64(s->tmp0, s->tmp0, ot);
            ea = gen_lea_modrm_1(s, a);
            tcg_gen_add_i64(s->A0, ea, s->tmp0);
            gen_lea_v_seg(s, s->aflag, s->A0, a.def_seg, s->override);
            d = OR_TMP0;
        } else {
            d = modrm_rm_reg(s, modrm);
        }
    }
    gen_rmw_load(s, ot, d);
    gen_bt_op(s, ot, d, op);
}

/* 0F BC/BD: BSF/BSR, or TZCNT/LZCNT with F3 when CPUID has them. */
static void gen_bsf_bsr(CPUX86State *env, DisasContext *s, int b)
{
    MemOp ot = s->dflag;
    int modrm = x86_ldub_code(env, s);
    int reg = modrm_reg(s, modrm);
    bool is_bsr = b & 1;
    bool cnt = (s->prefix & PREFIX_REPZ) &&
               (is_bsr ? (s->cpuid_ext3_features & X86_CPUID_EXT3_ABM)
                       : (s->cpuid_7_0_ebx_features & X86_CPUID_7_0_EBX_BMI1));

    gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
    if (cnt) {
        int bits = 8 << ot;

        tcg_gen_mov_i64(s->tmp4, s->T0);
        if (is_bsr) {
            tcg_gen_clzi_i64(s->T0, s->T0, 64);
            tcg_gen_subi_i64(s->T0, s->T0, 64 - bits);
        } else {
            tcg_gen_ctzi_i64(s->T0, s->T0, bits);
        }
        gen_op_mov_reg_v(s, ot, reg, s->T0);
        tcg_gen_mov_i64(cpu_cc_src, s->tmp4);
        tcg_gen_mov_i64(cpu_cc_dst, s->T0);
        set_cc_op(s, CC_OP_BMILGB + ot);
        return;
    }
    /*
     * The SDM leaves the destination undefined for a zero source; real
     * processors (and QEMU) leave it unchanged, which programs rely on.
     * ZF is the only defined flag; the others follow LOGIC on the source.
     */
    tcg_gen_mov_i64(s->tmp4, s->T0);
    if (is_bsr) {
        tcg_gen_xori_i64(s->T1, cpu_regs[reg], 63);
        tcg_gen_clz_i64(s->T0, s->T0, s->T1);
        tcg_gen_xori_i64(s->T0, s->T0, 63);
    } else {
        tcg_gen_ctz_i64(s->T0, s->T0, cpu_regs[reg]);
    }
    gen_op_mov_reg_v(s, ot, reg, s->T0);
    tcg_gen_mov_i64(cpu_cc_dst, s->tmp4);
    set_cc_op(s, CC_OP_LOGICB + ot);
}

/* 0F B0/B1: CMPXCHG. */
static void gen_cmpxchg(CPUX86State *env, DisasContext *s, int b)
{
    MemOp ot = mo_b_d(b, s->dflag);
    int modrm = x86_ldub_code(env, s);
    int reg = modrm_reg(s, modrm);
    int d = decode_rm_operand(env, s, modrm, 0);
    TCGv oldv = s->T0, newv = s->T1, cmpv = s->tmp0;

    gen_rmw_load(s, ot, d);
    gen_op_mov_v_reg(s, ot, newv, reg);
    gen_ext_tl(cmpv, cpu_regs[R_EAX], ot, false);
    /*
     * Memory is always written (the old value back on failure); a register
     * destination only on success and the accumulator only on failure, so
     * a 32-bit CMPXCHG leaves the upper half of the register not written
     * alone (as processors do; QEMU 7.2 writes both, clearing RAX[63:32]
     * on success).
     */
    if (d == OR_TMP0) {
        tcg_gen_movcond_i64(TCG_COND_EQ, newv, oldv, cmpv, newv, oldv);
        gen_rmw_store_val(s, ot, newv);
    } else {
        gen_ext_tl(s->tmp4, cpu_regs[d], ot, false);
        tcg_gen_movcond_i64(TCG_COND_EQ, newv, oldv, cmpv, newv, s->tmp4);
        if (ot == MO_32) {
            tcg_gen_ext32u_i64(newv, newv);
            tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[d], oldv, cmpv, newv, cpu_regs[d]);
        } else {
            gen_op_mov_reg_v(s, ot, d, newv);
        }
    }
    if (ot == MO_32) {
        tcg_gen_ext32u_i64(s->tmp4, oldv);
        tcg_gen_movcond_i64(TCG_COND_EQ, cpu_regs[R_EAX], oldv, cmpv,
                            cpu_regs[R_EAX], s->tmp4);
    } else {
        gen_op_mov_reg_v(s, ot, R_EAX, oldv);
    }
    tcg_gen_mov_i64(cpu_cc_src, oldv);
    tcg_gen_sub_i64(cpu_cc_dst, cmpv, oldv);
    set_cc_op(s, CC_OP_SUBB + ot);
}

/* 0F C0/C1: XADD. */
static void gen_xadd(CPUX86State *env, DisasContext *s, int b)
{
    MemOp ot = mo_b_d(b, s->dflag);
    int modrm = x86_ldub_code(env, s);
    int reg = modrm_reg(s, modrm);
    int d = decode_rm_operand(env, s, modrm, 0);

    if (rmw_atomic(s, d)) {
        /* Host LOCK XADD: never retried, whatever the contention. */
        gen_op_mov_v_reg(s, ot, s->T1, reg);
        gen_helper_atomic_fetch_add(s->T0, tcg_env, s->A0, s->T1, rmw_oi(s, ot));
        tcg_gen_add_i64(s->tmp4, s->T0, s->T1);
        gen_op_mov_reg_v(s, ot, reg, s->T0);
        tcg_gen_mov_i64(cpu_cc_src, s->T1);
        tcg_gen_mov_i64(cpu_cc_dst, s->tmp4);
        set_cc_op(s, CC_OP_ADDB + ot);
        return;
    }
    gen_rmw_load(s, ot, d);
    gen_op_mov_v_reg(s, ot, s->T1, reg);
    tcg_gen_add_i64(s->tmp4, s->T0, s->T1);
    if (d == OR_TMP0) {
        gen_op_st_v(s, ot, s->tmp4, s->A0);
        gen_op_mov_reg_v(s, ot, reg, s->T0);
    } else {
        /* Source gets the old destination first: XADD r, r leaves the sum. */
        gen_op_mov_reg_v(s, ot, reg, s->T0);
        gen_op_mov_reg_v(s, ot, d, s->tmp4);
    }
    tcg_gen_mov_i64(cpu_cc_src, s->T1);
    tcg_gen_mov_i64(cpu_cc_dst, s->tmp4);
    set_cc_op(s, CC_OP_ADDB + ot);
}

/* 0F C7 /1: CMPXCHG8B / CMPXCHG16B (REX.W). */
static void gen_cmpxchg8b(CPUX86State *env, DisasContext *s, int modrm)
{
    if (s->dflag == MO_64) {
        if (!(s->cpuid_ext_features & CPUID_EXT_CX16)) {
            gen_illegal_opcode(s);
            return;
        }
        gen_lea_modrm(env, s, modrm);
        gen_update_cc_op(s);
        gen_helper_cmpxchg16b(tcg_env, s->A0);
    } else {
        if (!(s->cpuid_features & X86_CPUID_CX8)) {
            gen_illegal_opcode(s);
            return;
        }
        gen_lea_modrm(env, s, modrm);
        gen_update_cc_op(s);
        gen_helper_cmpxchg8b(tcg_env, s->A0);
    }
    set_cc_op(s, CC_OP_EFLAGS);
}

/* ---- flags ---- */

static void gen_flag_insn(DisasContext *s, int b)
{
    switch (b) {
    case 0xf5:  /* CMC */
        gen_compute_eflags(s);
        tcg_gen_xori_i64(cpu_cc_src, cpu_cc_src, CC_C);
        break;
    case 0xf8:  /* CLC */
        gen_compute_eflags(s);
        tcg_gen_andi_i64(cpu_cc_src, cpu_cc_src, ~(int64_t)CC_C);
        break;
    case 0xf9:  /* STC */
        gen_compute_eflags(s);
        tcg_gen_ori_i64(cpu_cc_src, cpu_cc_src, CC_C);
        break;
    case 0xfc:  /* CLD */
    case 0xfd:  /* STD */
        tcg_gen_st_i64(tcg_constant_i64(b == 0xfc ? 1 : -1), tcg_env,
                       offsetof(CPUX86State, df));
        break;
    case 0x9e:  /* SAHF */
        gen_compute_eflags(s);
        gen_op_mov_v_reg(s, MO_8, s->T0, R_ESP);    /* AH */
        tcg_gen_andi_i64(s->T0, s->T0, CC_S | CC_Z | CC_A | CC_P | CC_C);
        tcg_gen_andi_i64(cpu_cc_src, cpu_cc_src, CC_O);
        tcg_gen_or_i64(cpu_cc_src, cpu_cc_src, s->T0);
        break;
    case 0x9f:  /* LAHF: bit 1 always reads 1 */
        gen_compute_eflags(s);
        tcg_gen_ori_i64(s->T0, cpu_cc_src, 0x02);
        gen_op_mov_reg_v(s, MO_8, R_ESP, s->T0);
        break;
    default:    /* D6 SALC: AL = CF ? FF : 00 */
        gen_compute_eflags_c(s, s->T0);
        tcg_gen_neg_i64(s->T0, s->T0);
        gen_op_mov_reg_v(s, MO_8, R_EAX, s->T0);
        break;
    }
}

/* ---- the dispatcher ---- */

/*
 * XCHG r, m (86/87 with a memory operand) is locked with or without the
 * prefix. Round-robin leaves it to translate-ctl.c's load and store;
 * under thread=multi it is one host XCHG. Returns false to pass.
 */
static bool gen_xchg_mem_atomic(DisasContext *s, int b)
{
    CPUX86State *env = s->env;
    MemOp ot = mo_b_d(b, s->dflag);
    int modrm, reg;

    if (!(s->base.tb->cflags & CF_PARALLEL) ||
        (translator_ldub(env, &s->base, s->pc) & 0xc0) == 0xc0) {
        return false;
    }
    modrm = x86_ldub_code(env, s);
    reg = modrm_reg(s, modrm);
    gen_lea_modrm(env, s, modrm);
    gen_op_mov_v_reg(s, ot, s->T0, reg);
    gen_helper_atomic_xchg(s->T1, tcg_env, s->A0, s->T0, rmw_oi(s, ot));
    gen_op_mov_reg_v(s, ot, reg, s->T1);
    return true;
}

bool disas_insn_alu(DisasContext *s, CPUState *cpu, int b)
{
    CPUX86State *env = s->env;
    MemOp ot;
    int modrm, reg, d;

    switch (b) {
    case 0x86:
    case 0x87:
        return gen_xchg_mem_atomic(s, b);
    case 0x00 ... 0x3f:
        if ((b & 7) > 5) {
            /* 27/2F/37/3F: BCD; the other x6/x7 are segment push/pop. */
            if ((b & 7) != 7 || b < 0x27 || s->code64) {
                return false;
            }
            gen_update_cc_op(s);
            if (b == 0x27) {
                gen_helper_daa(tcg_env);
            } else if (b == 0x2f) {
                gen_helper_das(tcg_env);
            } else if (b == 0x37) {
                gen_helper_aaa(tcg_env);
            } else {
                gen_helper_aas(tcg_env);
            }
            set_cc_op(s, CC_OP_EFLAGS);
            return true;
        }
        {
            int op = (b >> 3) & 7;

            ot = mo_b_d(b, s->dflag);
            switch ((b >> 1) & 3) {
            case 0:     /* op r/m, r */
                modrm = x86_ldub_code(env, s);
                reg = modrm_reg(s, modrm);
                if (((modrm >> 6) & 3) == 3 && op == OP_XORL &&
                    modrm_rm_reg(s, modrm) == reg) {
                    /* xor r, r: a common zeroing idiom, flags constant. */
                    tcg_gen_movi_i64(s->T0, 0);
                    gen_op_mov_reg_v(s, ot, reg, s->T0);
                    set_cc_op(s, CC_OP_CLR);
                    return true;
                }
                d = decode_rm_operand(env, s, modrm, 0);
                gen_op_mov_v_reg(s, ot, s->T1, reg);
                gen_op(s, op, ot, d);
                return true;
            case 1:     /* op r, r/m */
                modrm = x86_ldub_code(env, s);
                reg = modrm_reg(s, modrm);
                d = decode_rm_operand(env, s, modrm, 0);
                if (d == OR_TMP0) {
                    gen_op_ld_v(s, ot, s->T1, s->A0);
                } else {
                    gen_op_mov_v_reg(s, ot, s->T1, d);
                }
                gen_op(s, op, ot, reg);
                return true;
            default:    /* op AL/eAX, imm */
                tcg_gen_movi_i64(s->T1, insn_get(env, s, ot));
                gen_op(s, op, ot, R_EAX);
                return true;
            }
        }
    case 0x40 ... 0x4f:     /* INC/DEC r (REX in 64-bit mode, never seen here) */
        if (s->code64) {
            return false;
        }
        gen_inc(s, s->dflag, b & 7, b < 0x48 ? 1 : -1);
        return true;
    case 0x69:
    case 0x6b:
        ot = s->dflag;
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        s->rip_offset = b == 0x69 ? imm_size(ot) : 1;
        gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
        tcg_gen_movi_i64(s->T1, b == 0x69 ? (int64_t)insn_get(env, s, ot)
                                          : (int64_t)x86_ldsb_code(env, s));
        gen_imul_reg(s, ot, reg);
        return true;
    case 0x80 ... 0x83:
        if (b == 0x82 && s->code64) {
            return false;
        }
        ot = mo_b_d(b, s->dflag);
        modrm = x86_ldub_code(env, s);
        d = decode_rm_operand(env, s, modrm, b == 0x83 ? 1 : imm_size(ot));
        tcg_gen_movi_i64(s->T1, b == 0x83 ? (int64_t)x86_ldsb_code(env, s)
                                          : (int64_t)insn_get(env, s, ot));
        gen_op(s, (modrm >> 3) & 7, ot, d);
        return true;
    case 0x84:
    case 0x85:
        ot = mo_b_d(b, s->dflag);
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
        gen_op_mov_v_reg(s, ot, s->T1, reg);
        tcg_gen_and_i64(cpu_cc_dst, s->T0, s->T1);
        set_cc_op(s, CC_OP_LOGICB + ot);
        return true;
    case 0xa8:
    case 0xa9:
        ot = mo_b_d(b, s->dflag);
        tcg_gen_movi_i64(s->T1, insn_get(env, s, ot));
        gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
        tcg_gen_and_i64(cpu_cc_dst, s->T0, s->T1);
        set_cc_op(s, CC_OP_LOGICB + ot);
        return true;
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
        int op;

        ot = mo_b_d(b, s->dflag);
        modrm = x86_ldub_code(env, s);
        op = (modrm >> 3) & 7;
        d = decode_rm_operand(env, s, modrm, b <= 0xc1 ? 1 : 0);
        if (op == OP_SHL1) {
            op = OP_SHL;    /* /6 is an alias of SHL */
        }
        if (b <= 0xc1) {
            gen_shifti(s, op, ot, d, x86_ldub_code(env, s));
        } else if (b <= 0xd1) {
            gen_shifti(s, op, ot, d, 1);
        } else {
            gen_op_mov_v_reg(s, MO_8, s->T1, R_ECX);
            gen_shift(s, op, ot, d);
        }
        return true;
    }
    case 0xd4:  /* AAM */
    case 0xd5:  /* AAD */
        if (s->code64) {
            return false;
        }
        {
            int base = x86_ldub_code(env, s);

            if (b == 0xd4) {
                gen_helper_aam(tcg_env, tcg_constant_i32(base));
            } else {
                gen_helper_aad(tcg_env, tcg_constant_i32(base));
            }
            set_cc_op(s, CC_OP_LOGICB);
        }
        return true;
    case 0xd6:
        if (s->code64) {
            return false;
        }
        gen_flag_insn(s, b);
        return true;
    case 0x9e:
    case 0x9f:
        if (s->code64 && !(s->cpuid_ext3_features & CPUID_EXT3_LAHF_LM)) {
            return false;
        }
        gen_flag_insn(s, b);
        return true;
    case 0xf5: case 0xf8: case 0xf9: case 0xfc: case 0xfd:
        gen_flag_insn(s, b);
        return true;
    case 0xf6:
    case 0xf7:
        return disas_group3(env, s, b);
    case 0xfe:
    case 0xff:
        /* INC/DEC r/m; the rest of FF is in translate-ctl.c. */
        modrm = translator_ldub(env, &s->base, s->pc);
        if (((modrm >> 3) & 7) > 1) {
            if (b == 0xfe) {
                x86_ldub_code(env, s);
                gen_illegal_opcode(s);
                return true;
            }
            return false;
        }
        x86_ldub_code(env, s);
        ot = mo_b_d(b, s->dflag);
        d = decode_rm_operand(env, s, modrm, 0);
        gen_inc(s, ot, d, (modrm & 0x08) ? -1 : 1);
        return true;

    /* ---- 0F map ---- */
    case 0x1a3: case 0x1ab: case 0x1b3: case 0x1bb: case 0x1ba:
        gen_bt_insn(env, s, b);
        return true;
    case 0x1a4: case 0x1a5: case 0x1ac: case 0x1ad:
        ot = s->dflag;
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        d = decode_rm_operand(env, s, modrm, (b & 1) ? 0 : 1);
        gen_op_mov_v_reg(s, ot, s->T1, reg);
        if (b & 1) {
            gen_shiftd_rm_T1(s, ot, d, b >= 0x1ac, cpu_regs[R_ECX]);
        } else {
            TCGv c = tcg_constant_i64(x86_ldub_code(env, s));

            gen_shiftd_rm_T1(s, ot, d, b >= 0x1ac, c);
        }
        return true;
    case 0x1af:
        ot = s->dflag;
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
        gen_op_mov_v_reg(s, ot, s->T1, reg);
        gen_imul_reg(s, ot, reg);
        return true;
    case 0x1b0:
    case 0x1b1:
        gen_cmpxchg(env, s, b);
        return true;
    case 0x1c0:
    case 0x1c1:
        gen_xadd(env, s, b);
        return true;
    case 0x1b8:     /* POPCNT (F3); without F3 it is JMPE: #UD */
        if ((s->prefix & (PREFIX_REPZ | PREFIX_REPNZ)) != PREFIX_REPZ ||
            !(s->cpuid_ext_features & CPUID_EXT_POPCNT)) {
            return false;
        }
        ot = s->dflag;
        modrm = x86_ldub_code(env, s);
        reg = modrm_reg(s, modrm);
        gen_ldst_modrm(env, s, modrm, ot, OR_TMP0, false);
        gen_ext_tl(s->T0, s->T0, ot, false);
        tcg_gen_mov_i64(cpu_cc_src, s->T0);
        tcg_gen_ctpop_i64(s->T0, s->T0);
        gen_op_mov_reg_v(s, ot, reg, s->T0);
        set_cc_op(s, CC_OP_POPCNT);
        return true;
    case 0x1bc:
    case 0x1bd:
        gen_bsf_bsr(env, s, b);
        return true;
    case 0x1c8 ... 0x1cf:
        reg = (b & 7) | s->rex_b;
        if (s->dflag == MO_64) {
            tcg_gen_bswap64_i64(cpu_regs[reg], cpu_regs[reg]);
        } else {
            /* 16-bit BSWAP is undefined; QEMU swaps the low 32 bits. */
            tcg_gen_bswap32_i64(cpu_regs[reg], cpu_regs[reg], TCG_BSWAP_OZ);
        }
        return true;
    case 0x1c7:
        modrm = translator_ldub(env, &s->base, s->pc);
        if (((modrm >> 3) & 7) != 1) {
            return false;   /* RDRAND, RDSEED, ...: the system half */
        }
        x86_ldub_code(env, s);
        if (((modrm >> 6) & 3) == 3) {
            gen_illegal_opcode(s);
            return true;
        }
        gen_cmpxchg8b(env, s, modrm);
        return true;
    default:
        break;
    }
    return false;
}
