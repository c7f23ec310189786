/*
 * tcg-op.c: the front-end emitters of include/tcg/tcg-op.h. Each call
 * appends one op (or a few, or none when the result is trivially a mov
 * or a constant) to tcg_ctx's op list. Guest memory ops are in
 * tcg-op-ldst.c. No optimization beyond the obvious: that is optimize.c.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "exec/exec-all.h"

/* ---- raw emission ---- */

TCGOp *tcg_gen_op1(TCGOpcode opc, TCGArg a1)
{
    TCGOp *op = tcg_emit_op(opc, 1);
    op->args[0] = a1;
    return op;
}

TCGOp *tcg_gen_op2(TCGOpcode opc, TCGArg a1, TCGArg a2)
{
    TCGOp *op = tcg_emit_op(opc, 2);
    op->args[0] = a1;
    op->args[1] = a2;
    return op;
}

TCGOp *tcg_gen_op3(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3)
{
    TCGOp *op = tcg_emit_op(opc, 3);
    op->args[0] = a1;
    op->args[1] = a2;
    op->args[2] = a3;
    return op;
}

TCGOp *tcg_gen_op4(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3, TCGArg a4)
{
    TCGOp *op = tcg_emit_op(opc, 4);
    op->args[0] = a1;
    op->args[1] = a2;
    op->args[2] = a3;
    op->args[3] = a4;
    return op;
}

TCGOp *tcg_gen_op5(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3, TCGArg a4,
                   TCGArg a5)
{
    TCGOp *op = tcg_emit_op(opc, 5);
    op->args[0] = a1;
    op->args[1] = a2;
    op->args[2] = a3;
    op->args[3] = a4;
    op->args[4] = a5;
    return op;
}

TCGOp *tcg_gen_op6(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3, TCGArg a4,
                   TCGArg a5, TCGArg a6)
{
    TCGOp *op = tcg_emit_op(opc, 6);
    op->args[0] = a1;
    op->args[1] = a2;
    op->args[2] = a3;
    op->args[3] = a4;
    op->args[4] = a5;
    op->args[5] = a6;
    return op;
}

void tcg_gen_callN(const TCGHelperInfo *info, TCGTemp *ret, TCGTemp **args)
{
    unsigned nout = ret ? 1 : 0;
    unsigned nin = info->nargs;

    g_assert(nin <= MAX_CALL_IARGS);
    g_assert((ret != NULL) == (info->ret != TCG_CALL_VOID));

    TCGOp *op = tcg_emit_op(INDEX_op_call, nout + nin + 2);
    unsigned pi = 0;

    TCGOP_CALLO(op) = nout;
    TCGOP_CALLI(op) = nin;
    if (ret) {
        op->args[pi++] = temp_arg(ret);
    }
    for (unsigned i = 0; i < nin; i++) {
        op->args[pi++] = temp_arg(args[i]);
    }
    op->args[pi++] = (TCGArg)info->func;
    op->args[pi++] = (TCGArg)info;
}

/* ---- control flow ---- */

void gen_set_label(TCGLabel *l)
{
    l->present = true;
    tcg_gen_op1(INDEX_op_set_label, label_arg(l));
}

void tcg_gen_br(TCGLabel *l)
{
    l->refs++;
    tcg_gen_op1(INDEX_op_br, label_arg(l));
}

void tcg_gen_mb(unsigned bar)
{
    tcg_gen_op1(INDEX_op_mb, bar);
}

void tcg_gen_insn_start(uint64_t pc, uint64_t word1)
{
    tcg_gen_op2(INDEX_op_insn_start, pc, word1);
}

void tcg_gen_exit_tb(const TranslationBlock *tb, unsigned idx)
{
    uintptr_t val = 0;

    if (tb) {
        g_assert(idx <= TB_EXIT_IDXMAX || idx == TB_EXIT_REQUESTED);
        val = (uintptr_t)tb + idx;
    } else {
        g_assert(idx == 0);
    }
    tcg_gen_op1(INDEX_op_exit_tb, val);
}

void tcg_gen_goto_tb(unsigned idx)
{
    g_assert(idx <= TB_EXIT_IDXMAX);
    tcg_gen_op1(INDEX_op_goto_tb, idx);
}

void tcg_gen_goto_ptr(TCGv_ptr ptr)
{
    tcg_gen_op1(INDEX_op_goto_ptr, tcgv_ptr_arg(ptr));
}

/* helper_lookup_tb_ptr only reads guest state: no global is written. */
static const TCGHelperInfo helper_info_lookup_tb_ptr = {
    .func = (void *)helper_lookup_tb_ptr,
    .name = "lookup_tb_ptr",
    .flags = TCG_CALL_NO_WG_SE,
    .nargs = 1,
    .ret = TCG_CALL_PTR,
    .args = { TCG_CALL_PTR },
};

void tcg_gen_lookup_and_goto_ptr(void)
{
    TranslationBlock *tb = tcg_ctx->gen_tb;

    /* A TB translated with CF_NO_GOTO_PTR returns to the main loop instead. */
    if (tb && (tb_cflags(tb) & CF_NO_GOTO_PTR)) {
        tcg_gen_exit_tb(NULL, 0);
        return;
    }

    TCGTemp *t = tcg_temp_new_internal(TCG_TYPE_PTR, TEMP_EBB);
    TCGTemp *args[1] = { tcgv_ptr_temp(tcg_env) };

    tcg_gen_callN(&helper_info_lookup_tb_ptr, t, args);
    tcg_gen_op1(INDEX_op_goto_ptr, temp_arg(t));
    tcg_temp_free_internal(t);
}

/* ---- integer ops, both widths ---- */

/*
 * One body for i32 and i64: W is the suffix, T the handle type, IMM the
 * immediate type, BITS the width. Ops are named INDEX_op_<name>_W.
 */
#define A(W, v) tcgv_##W##_arg(v)

#define GEN_BINOP(W, T, name)                                                  \
void tcg_gen_##name##_##W(T ret, T arg1, T arg2)                              \
{                                                                             \
    tcg_gen_op3(INDEX_op_##name##_##W, A(W, ret), A(W, arg1), A(W, arg2));    \
}

#define GEN_UNOP(W, T, name)                                                   \
void tcg_gen_##name##_##W(T ret, T arg)                                       \
{                                                                             \
    tcg_gen_op2(INDEX_op_##name##_##W, A(W, ret), A(W, arg));                 \
}

#define GEN_SHIFTI(W, T, BITS, name)                                           \
void tcg_gen_##name##i_##W(T ret, T arg1, unsigned arg2)                      \
{                                                                             \
    g_assert(arg2 < BITS);                                                    \
    if (arg2 == 0) {                                                          \
        tcg_gen_mov_##W(ret, arg1);                                           \
    } else {                                                                  \
        tcg_gen_##name##_##W(ret, arg1, tcg_constant_##W(arg2));              \
    }                                                                         \
}

#define GEN_LD(W, T, name)                                                     \
void tcg_gen_##name##_##W(T ret, TCGv_ptr base, intptr_t ofs)                 \
{                                                                             \
    tcg_gen_op3(INDEX_op_##name##_##W, A(W, ret), tcgv_ptr_arg(base), ofs);   \
}

#define GEN_ST(W, T, name)                                                     \
void tcg_gen_##name##_##W(T arg, TCGv_ptr base, intptr_t ofs)                 \
{                                                                             \
    tcg_gen_op3(INDEX_op_##name##_##W, A(W, arg), tcgv_ptr_arg(base), ofs);   \
}

#define GEN_INT_OPS(W, T, IMM, BITS)                                           \
void tcg_gen_mov_##W(T ret, T arg)                                            \
{                                                                             \
    if (ret != arg) {                                                         \
        tcg_gen_op2(INDEX_op_mov_##W, A(W, ret), A(W, arg));                  \
    }                                                                         \
}                                                                             \
void tcg_gen_movi_##W(T ret, IMM arg)                                         \
{                                                                             \
    tcg_gen_mov_##W(ret, tcg_constant_##W(arg));                              \
}                                                                             \
void tcg_gen_discard_##W(T arg)                                               \
{                                                                             \
    tcg_gen_op1(INDEX_op_discard, A(W, arg));                                 \
}                                                                             \
GEN_BINOP(W, T, add)                                                          \
GEN_BINOP(W, T, sub)                                                          \
GEN_BINOP(W, T, mul)                                                          \
GEN_BINOP(W, T, div)                                                          \
GEN_BINOP(W, T, rem)                                                          \
GEN_BINOP(W, T, divu)                                                         \
GEN_BINOP(W, T, remu)                                                         \
GEN_BINOP(W, T, and)                                                          \
GEN_BINOP(W, T, or)                                                           \
GEN_BINOP(W, T, xor)                                                          \
GEN_BINOP(W, T, andc)                                                         \
GEN_BINOP(W, T, orc)                                                          \
GEN_BINOP(W, T, eqv)                                                          \
GEN_BINOP(W, T, nand)                                                         \
GEN_BINOP(W, T, nor)                                                          \
GEN_BINOP(W, T, shl)                                                          \
GEN_BINOP(W, T, shr)                                                          \
GEN_BINOP(W, T, sar)                                                          \
GEN_BINOP(W, T, rotl)                                                         \
GEN_BINOP(W, T, rotr)                                                         \
GEN_BINOP(W, T, muluh)                                                        \
GEN_BINOP(W, T, mulsh)                                                        \
GEN_BINOP(W, T, clz)                                                          \
GEN_BINOP(W, T, ctz)                                                          \
GEN_UNOP(W, T, not)                                                           \
GEN_UNOP(W, T, neg)                                                           \
GEN_UNOP(W, T, ext8s)                                                         \
GEN_UNOP(W, T, ext8u)                                                         \
GEN_UNOP(W, T, ext16s)                                                        \
GEN_UNOP(W, T, ext16u)                                                        \
GEN_UNOP(W, T, ctpop)                                                         \
GEN_SHIFTI(W, T, BITS, shl)                                                   \
GEN_SHIFTI(W, T, BITS, shr)                                                   \
GEN_SHIFTI(W, T, BITS, sar)                                                   \
GEN_SHIFTI(W, T, BITS, rotl)                                                  \
GEN_SHIFTI(W, T, BITS, rotr)                                                  \
GEN_LD(W, T, ld8u)                                                            \
GEN_LD(W, T, ld8s)                                                            \
GEN_LD(W, T, ld16u)                                                           \
GEN_LD(W, T, ld16s)                                                           \
GEN_LD(W, T, ld)                                                              \
GEN_ST(W, T, st8)                                                             \
GEN_ST(W, T, st16)                                                            \
GEN_ST(W, T, st)                                                              \
void tcg_gen_addi_##W(T ret, T arg1, IMM arg2)                                \
{                                                                             \
    if (arg2 == 0) {                                                          \
        tcg_gen_mov_##W(ret, arg1);                                           \
    } else {                                                                  \
        tcg_gen_add_##W(ret, arg1, tcg_constant_##W(arg2));                   \
    }                                                                         \
}                                                                             \
void tcg_gen_subi_##W(T ret, T arg1, IMM arg2)                                \
{                                                                             \
    if (arg2 == 0) {                                                          \
        tcg_gen_mov_##W(ret, arg1);                                           \
    } else {                                                                  \
        tcg_gen_sub_##W(ret, arg1, tcg_constant_##W(arg2));                   \
    }                                                                         \
}                                                                             \
void tcg_gen_subfi_##W(T ret, IMM arg1, T arg2)                               \
{                                                                             \
    if (arg1 == 0) {                                                          \
        tcg_gen_neg_##W(ret, arg2);                                           \
    } else {                                                                  \
        tcg_gen_sub_##W(ret, tcg_constant_##W(arg1), arg2);                   \
    }                                                                         \
}                                                                             \
void tcg_gen_muli_##W(T ret, T arg1, IMM arg2)                                \
{                                                                             \
    if (arg2 == 0) {                                                          \
        tcg_gen_movi_##W(ret, 0);                                             \
    } else if (arg2 == 1) {                                                   \
        tcg_gen_mov_##W(ret, arg1);                                           \
    } else if (arg2 > 0 && (arg2 & (arg2 - 1)) == 0) {                       \
        tcg_gen_shli_##W(ret, arg1, __builtin_ctzll(arg2));                   \
    } else {                                                                  \
        tcg_gen_mul_##W(ret, arg1, tcg_constant_##W(arg2));                   \
    }                                                                         \
}                                                                             \
void tcg_gen_andi_##W(T ret, T arg1, IMM arg2)                                \
{                                                                             \
    if (arg2 == 0) {                                                          \
        tcg_gen_movi_##W(ret, 0);                                             \
    } else if (arg2 == -1) {                                                  \
        tcg_gen_mov_##W(ret, arg1);                                           \
    } else if (arg2 == 0xff) {                                                \
        tcg_gen_ext8u_##W(ret, arg1);                                         \
    } else if (arg2 == 0xffff) {                                              \
        tcg_gen_ext16u_##W(ret, arg1);                                        \
    } else {                                                                  \
        tcg_gen_and_##W(ret, arg1, tcg_constant_##W(arg2));                   \
    }                                                                         \
}                                                                             \
void tcg_gen_ori_##W(T ret, T arg1, IMM arg2)                                 \
{                                                                             \
    if (arg2 == -1) {                                                         \
        tcg_gen_movi_##W(ret, -1);                                            \
    } else if (arg2 == 0) {                                                   \
        tcg_gen_mov_##W(ret, arg1);                                           \
    } else {                                                                  \
        tcg_gen_or_##W(ret, arg1, tcg_constant_##W(arg2));                    \
    }                                                                         \
}                                                                             \
void tcg_gen_xori_##W(T ret, T arg1, IMM arg2)                                \
{                                                                             \
    if (arg2 == 0) {                                                          \
        tcg_gen_mov_##W(ret, arg1);                                           \
    } else if (arg2 == -1) {                                                  \
        tcg_gen_not_##W(ret, arg1);                                           \
    } else {                                                                  \
        tcg_gen_xor_##W(ret, arg1, tcg_constant_##W(arg2));                   \
    }                                                                         \
}                                                                             \
void tcg_gen_deposit_##W(T ret, T arg1, T arg2, unsigned ofs, unsigned len)  \
{                                                                             \
    g_assert(len > 0 && ofs < BITS && len <= BITS - ofs);                     \
    if (len == BITS) {                                                        \
        tcg_gen_mov_##W(ret, arg2);                                           \
    } else {                                                                  \
        tcg_gen_op5(INDEX_op_deposit_##W, A(W, ret), A(W, arg1), A(W, arg2),  \
                    ofs, len);                                                \
    }                                                                         \
}                                                                             \
void tcg_gen_deposit_z_##W(T ret, T arg, unsigned ofs, unsigned len)         \
{                                                                             \
    g_assert(len > 0 && ofs < BITS && len <= BITS - ofs);                     \
    if (ofs + len == BITS) {                                                  \
        tcg_gen_shli_##W(ret, arg, ofs);                                      \
    } else {                                                                  \
        tcg_gen_andi_##W(ret, arg, (IMM)((1ull << len) - 1));                 \
        tcg_gen_shli_##W(ret, ret, ofs);                                      \
    }                                                                         \
}                                                                             \
void tcg_gen_extract_##W(T ret, T arg, unsigned ofs, unsigned len)           \
{                                                                             \
    g_assert(len > 0 && ofs < BITS && len <= BITS - ofs);                     \
    if (len == BITS) {                                                        \
        tcg_gen_mov_##W(ret, arg);                                            \
    } else if (ofs + len == BITS) {                                           \
        tcg_gen_shri_##W(ret, arg, ofs);                                      \
    } else if (ofs == 0 && len == 8) {                                        \
        tcg_gen_ext8u_##W(ret, arg);                                          \
    } else if (ofs == 0 && len == 16) {                                       \
        tcg_gen_ext16u_##W(ret, arg);                                         \
    } else if (BITS == 64 && ofs == 0 && len == 32) {                         \
        tcg_gen_op2(INDEX_op_ext32u_i64, A(W, ret), A(W, arg));               \
    } else {                                                                  \
        tcg_gen_op4(INDEX_op_extract_##W, A(W, ret), A(W, arg), ofs, len);    \
    }                                                                         \
}                                                                             \
void tcg_gen_sextract_##W(T ret, T arg, unsigned ofs, unsigned len)          \
{                                                                             \
    g_assert(len > 0 && ofs < BITS && len <= BITS - ofs);                     \
    if (len == BITS) {                                                        \
        tcg_gen_mov_##W(ret, arg);                                            \
    } else if (ofs + len == BITS) {                                           \
        tcg_gen_sari_##W(ret, arg, ofs);                                      \
    } else if (ofs == 0 && len == 8) {                                        \
        tcg_gen_ext8s_##W(ret, arg);                                          \
    } else if (ofs == 0 && len == 16) {                                       \
        tcg_gen_ext16s_##W(ret, arg);                                         \
    } else if (BITS == 64 && ofs == 0 && len == 32) {                         \
        tcg_gen_op2(INDEX_op_ext32s_i64, A(W, ret), A(W, arg));               \
    } else {                                                                  \
        tcg_gen_op4(INDEX_op_sextract_##W, A(W, ret), A(W, arg), ofs, len);   \
    }                                                                         \
}                                                                             \
void tcg_gen_bswap16_##W(T ret, T arg, int flags)                             \
{                                                                             \
    tcg_gen_op3(INDEX_op_bswap16_##W, A(W, ret), A(W, arg), flags);           \
}                                                                             \
void tcg_gen_clzi_##W(T ret, T arg1, IMM arg2)                                \
{                                                                             \
    tcg_gen_clz_##W(ret, arg1, tcg_constant_##W(arg2));                       \
}                                                                             \
void tcg_gen_ctzi_##W(T ret, T arg1, IMM arg2)                                \
{                                                                             \
    tcg_gen_ctz_##W(ret, arg1, tcg_constant_##W(arg2));                       \
}                                                                             \
void tcg_gen_add2_##W(T rl, T rh, T al, T ah, T bl, T bh)                     \
{                                                                             \
    tcg_gen_op6(INDEX_op_add2_##W, A(W, rl), A(W, rh), A(W, al), A(W, ah),    \
                A(W, bl), A(W, bh));                                          \
}                                                                             \
void tcg_gen_sub2_##W(T rl, T rh, T al, T ah, T bl, T bh)                     \
{                                                                             \
    tcg_gen_op6(INDEX_op_sub2_##W, A(W, rl), A(W, rh), A(W, al), A(W, ah),    \
                A(W, bl), A(W, bh));                                          \
}                                                                             \
void tcg_gen_mulu2_##W(T rl, T rh, T arg1, T arg2)                            \
{                                                                             \
    tcg_gen_op4(INDEX_op_mulu2_##W, A(W, rl), A(W, rh), A(W, arg1),           \
                A(W, arg2));                                                  \
}                                                                             \
void tcg_gen_muls2_##W(T rl, T rh, T arg1, T arg2)                            \
{                                                                             \
    tcg_gen_op4(INDEX_op_muls2_##W, A(W, rl), A(W, rh), A(W, arg1),           \
                A(W, arg2));                                                  \
}                                                                             \
void tcg_gen_setcond_##W(TCGCond cond, T ret, T arg1, T arg2)                 \
{                                                                             \
    if (cond == TCG_COND_ALWAYS) {                                            \
        tcg_gen_movi_##W(ret, 1);                                             \
    } else if (cond == TCG_COND_NEVER) {                                      \
        tcg_gen_movi_##W(ret, 0);                                             \
    } else {                                                                  \
        tcg_gen_op4(INDEX_op_setcond_##W, A(W, ret), A(W, arg1), A(W, arg2),  \
                    cond);                                                    \
    }                                                                         \
}                                                                             \
void tcg_gen_setcondi_##W(TCGCond cond, T ret, T arg1, IMM arg2)              \
{                                                                             \
    tcg_gen_setcond_##W(cond, ret, arg1, tcg_constant_##W(arg2));             \
}                                                                             \
void tcg_gen_negsetcond_##W(TCGCond cond, T ret, T arg1, T arg2)              \
{                                                                             \
    if (cond == TCG_COND_ALWAYS) {                                            \
        tcg_gen_movi_##W(ret, -1);                                            \
    } else if (cond == TCG_COND_NEVER) {                                      \
        tcg_gen_movi_##W(ret, 0);                                             \
    } else {                                                                  \
        tcg_gen_op4(INDEX_op_negsetcond_##W, A(W, ret), A(W, arg1),           \
                    A(W, arg2), cond);                                        \
    }                                                                         \
}                                                                             \
void tcg_gen_negsetcondi_##W(TCGCond cond, T ret, T arg1, IMM arg2)           \
{                                                                             \
    tcg_gen_negsetcond_##W(cond, ret, arg1, tcg_constant_##W(arg2));          \
}                                                                             \
void tcg_gen_movcond_##W(TCGCond cond, T ret, T c1, T c2, T v1, T v2)         \
{                                                                             \
    if (cond == TCG_COND_ALWAYS) {                                            \
        tcg_gen_mov_##W(ret, v1);                                             \
    } else if (cond == TCG_COND_NEVER) {                                      \
        tcg_gen_mov_##W(ret, v2);                                             \
    } else {                                                                  \
        tcg_gen_op6(INDEX_op_movcond_##W, A(W, ret), A(W, c1), A(W, c2),      \
                    A(W, v1), A(W, v2), cond);                                \
    }                                                                         \
}                                                                             \
void tcg_gen_brcond_##W(TCGCond cond, T arg1, T arg2, TCGLabel *l)            \
{                                                                             \
    if (cond == TCG_COND_ALWAYS) {                                            \
        tcg_gen_br(l);                                                        \
    } else if (cond != TCG_COND_NEVER) {                                      \
        l->refs++;                                                            \
        tcg_gen_op4(INDEX_op_brcond_##W, A(W, arg1), A(W, arg2), cond,        \
                    label_arg(l));                                            \
    }                                                                         \
}                                                                             \
void tcg_gen_brcondi_##W(TCGCond cond, T arg1, IMM arg2, TCGLabel *l)         \
{                                                                             \
    tcg_gen_brcond_##W(cond, arg1, tcg_constant_##W(arg2), l);                \
}                                                                             \
void tcg_gen_smin_##W(T ret, T a, T b)                                        \
{                                                                             \
    tcg_gen_movcond_##W(TCG_COND_LT, ret, a, b, a, b);                        \
}                                                                             \
void tcg_gen_smax_##W(T ret, T a, T b)                                        \
{                                                                             \
    tcg_gen_movcond_##W(TCG_COND_LT, ret, a, b, b, a);                        \
}                                                                             \
void tcg_gen_umin_##W(T ret, T a, T b)                                        \
{                                                                             \
    tcg_gen_movcond_##W(TCG_COND_LTU, ret, a, b, a, b);                       \
}                                                                             \
void tcg_gen_umax_##W(T ret, T a, T b)                                        \
{                                                                             \
    tcg_gen_movcond_##W(TCG_COND_LTU, ret, a, b, b, a);                       \
}                                                                             \
void tcg_gen_abs_##W(T ret, T a)                                              \
{                                                                             \
    T t = tcg_temp_ebb_new_##W();                                             \
                                                                              \
    tcg_gen_neg_##W(t, a);                                                    \
    tcg_gen_movcond_##W(TCG_COND_LT, ret, a, tcg_constant_##W(0), t, a);      \
    tcg_temp_free_##W(t);                                                     \
}

GEN_INT_OPS(i32, TCGv_i32, int32_t, 32)
GEN_INT_OPS(i64, TCGv_i64, int64_t, 64)

/* ---- width-specific ---- */

void tcg_gen_bswap32_i32(TCGv_i32 ret, TCGv_i32 arg)
{
    tcg_gen_op3(INDEX_op_bswap32_i32, A(i32, ret), A(i32, arg), 0);
}

GEN_UNOP(i64, TCGv_i64, ext32s)
GEN_UNOP(i64, TCGv_i64, ext32u)
GEN_LD(i64, TCGv_i64, ld32u)
GEN_LD(i64, TCGv_i64, ld32s)
GEN_ST(i64, TCGv_i64, st32)

void tcg_gen_bswap32_i64(TCGv_i64 ret, TCGv_i64 arg, int flags)
{
    tcg_gen_op3(INDEX_op_bswap32_i64, A(i64, ret), A(i64, arg), flags);
}

void tcg_gen_bswap64_i64(TCGv_i64 ret, TCGv_i64 arg)
{
    tcg_gen_op3(INDEX_op_bswap64_i64, A(i64, ret), A(i64, arg), 0);
}

void tcg_gen_extu_i32_i64(TCGv_i64 ret, TCGv_i32 arg)
{
    tcg_gen_op2(INDEX_op_extu_i32_i64, A(i64, ret), A(i32, arg));
}

void tcg_gen_ext_i32_i64(TCGv_i64 ret, TCGv_i32 arg)
{
    tcg_gen_op2(INDEX_op_ext_i32_i64, A(i64, ret), A(i32, arg));
}

void tcg_gen_extrl_i64_i32(TCGv_i32 ret, TCGv_i64 arg)
{
    tcg_gen_op2(INDEX_op_extrl_i64_i32, A(i32, ret), A(i64, arg));
}

void tcg_gen_extrh_i64_i32(TCGv_i32 ret, TCGv_i64 arg)
{
    tcg_gen_op2(INDEX_op_extrh_i64_i32, A(i32, ret), A(i64, arg));
}

void tcg_gen_concat_i32_i64(TCGv_i64 ret, TCGv_i32 lo, TCGv_i32 hi)
{
    TCGv_i64 t = tcg_temp_ebb_new_i64();

    tcg_gen_extu_i32_i64(t, hi);
    tcg_gen_extu_i32_i64(ret, lo);
    tcg_gen_deposit_i64(ret, ret, t, 32, 32);
    tcg_temp_free_i64(t);
}

void tcg_gen_extr_i64_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i64 arg)
{
    tcg_gen_extrl_i64_i32(lo, arg);
    tcg_gen_extrh_i64_i32(hi, arg);
}
