/*
 * tcg-op.h: the front-end API that emits TCG ops (tcg/tcg-op.c and
 * tcg/tcg-op-ldst.c), with QEMU's names and argument orders: results
 * first, then sources, then constants. Immediate forms ("...i") take a
 * host integer and use an interned constant temp; trivial cases (adding
 * 0, shifting by 0, and-ing with -1...) emit a mov or nothing.
 */
#ifndef TCG_TCG_OP_H
#define TCG_TCG_OP_H

#include "tcg/tcg.h"

/* ---- raw emission ---- */

static inline TCGArg tcgv_i32_arg(TCGv_i32 v)
{
    return temp_arg(tcgv_i32_temp(v));
}

static inline TCGArg tcgv_i64_arg(TCGv_i64 v)
{
    return temp_arg(tcgv_i64_temp(v));
}

static inline TCGArg tcgv_ptr_arg(TCGv_ptr v)
{
    return temp_arg(tcgv_ptr_temp(v));
}

TCGOp *tcg_gen_op1(TCGOpcode opc, TCGArg a1);
TCGOp *tcg_gen_op2(TCGOpcode opc, TCGArg a1, TCGArg a2);
TCGOp *tcg_gen_op3(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3);
TCGOp *tcg_gen_op4(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3, TCGArg a4);
TCGOp *tcg_gen_op5(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3, TCGArg a4,
                   TCGArg a5);
TCGOp *tcg_gen_op6(TCGOpcode opc, TCGArg a1, TCGArg a2, TCGArg a3, TCGArg a4,
                   TCGArg a5, TCGArg a6);

/*
 * A helper call: ret is NULL for a void helper, args has info->nargs
 * temps. Emits one call op (see tcg.h for its operand layout).
 */
void tcg_gen_callN(const TCGHelperInfo *info, TCGTemp *ret, TCGTemp **args);

/* ---- control flow and guest state ---- */

void gen_set_label(TCGLabel *l);
void tcg_gen_br(TCGLabel *l);
void tcg_gen_mb(unsigned bar);
/* Marks the start of a guest insn; the words are restored at a fault. */
void tcg_gen_insn_start(uint64_t pc, uint64_t word1);
/* Leave the TB returning (uintptr_t)tb + idx (0 when tb is NULL). */
void tcg_gen_exit_tb(const TranslationBlock *tb, unsigned idx);
/* Direct-jump slot idx (0 or 1), patched when chaining. */
void tcg_gen_goto_tb(unsigned idx);
void tcg_gen_goto_ptr(TCGv_ptr ptr);
/* Look up the TB for the current guest state and jump there. */
void tcg_gen_lookup_and_goto_ptr(void);

/* ---- guest memory (tcg-op-ldst.c) ---- */

void tcg_gen_qemu_ld_i32(TCGv_i32 ret, TCGv addr, TCGArg mmu_idx, MemOp memop);
void tcg_gen_qemu_ld_i64(TCGv_i64 ret, TCGv addr, TCGArg mmu_idx, MemOp memop);
void tcg_gen_qemu_st_i32(TCGv_i32 val, TCGv addr, TCGArg mmu_idx, MemOp memop);
void tcg_gen_qemu_st_i64(TCGv_i64 val, TCGv addr, TCGArg mmu_idx, MemOp memop);

/* ---- integer ops, both widths ---- */

#define TCG_OP_DECLS(W, T, IMM)                                               \
void tcg_gen_mov_##W(T ret, T arg);                                           \
void tcg_gen_movi_##W(T ret, IMM arg);                                        \
void tcg_gen_discard_##W(T arg);                                              \
void tcg_gen_add_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_addi_##W(T ret, T arg1, IMM arg2);                               \
void tcg_gen_sub_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_subi_##W(T ret, T arg1, IMM arg2);                               \
void tcg_gen_subfi_##W(T ret, IMM arg1, T arg2);                              \
void tcg_gen_mul_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_muli_##W(T ret, T arg1, IMM arg2);                               \
void tcg_gen_div_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_rem_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_divu_##W(T ret, T arg1, T arg2);                                 \
void tcg_gen_remu_##W(T ret, T arg1, T arg2);                                 \
void tcg_gen_and_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_andi_##W(T ret, T arg1, IMM arg2);                               \
void tcg_gen_or_##W(T ret, T arg1, T arg2);                                   \
void tcg_gen_ori_##W(T ret, T arg1, IMM arg2);                                \
void tcg_gen_xor_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_xori_##W(T ret, T arg1, IMM arg2);                               \
void tcg_gen_andc_##W(T ret, T arg1, T arg2);                                 \
void tcg_gen_orc_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_eqv_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_nand_##W(T ret, T arg1, T arg2);                                 \
void tcg_gen_nor_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_not_##W(T ret, T arg);                                           \
void tcg_gen_neg_##W(T ret, T arg);                                           \
void tcg_gen_shl_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_shli_##W(T ret, T arg1, unsigned arg2);                          \
void tcg_gen_shr_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_shri_##W(T ret, T arg1, unsigned arg2);                          \
void tcg_gen_sar_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_sari_##W(T ret, T arg1, unsigned arg2);                          \
void tcg_gen_rotl_##W(T ret, T arg1, T arg2);                                 \
void tcg_gen_rotli_##W(T ret, T arg1, unsigned arg2);                         \
void tcg_gen_rotr_##W(T ret, T arg1, T arg2);                                 \
void tcg_gen_rotri_##W(T ret, T arg1, unsigned arg2);                         \
void tcg_gen_deposit_##W(T ret, T arg1, T arg2, unsigned ofs, unsigned len);  \
void tcg_gen_deposit_z_##W(T ret, T arg, unsigned ofs, unsigned len);         \
void tcg_gen_extract_##W(T ret, T arg, unsigned ofs, unsigned len);           \
void tcg_gen_sextract_##W(T ret, T arg, unsigned ofs, unsigned len);          \
void tcg_gen_ext8s_##W(T ret, T arg);                                         \
void tcg_gen_ext8u_##W(T ret, T arg);                                         \
void tcg_gen_ext16s_##W(T ret, T arg);                                        \
void tcg_gen_ext16u_##W(T ret, T arg);                                        \
void tcg_gen_bswap16_##W(T ret, T arg, int flags);                            \
void tcg_gen_clz_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_clzi_##W(T ret, T arg1, IMM arg2);                               \
void tcg_gen_ctz_##W(T ret, T arg1, T arg2);                                  \
void tcg_gen_ctzi_##W(T ret, T arg1, IMM arg2);                               \
void tcg_gen_ctpop_##W(T ret, T arg);                                         \
void tcg_gen_add2_##W(T rl, T rh, T al, T ah, T bl, T bh);                    \
void tcg_gen_sub2_##W(T rl, T rh, T al, T ah, T bl, T bh);                    \
void tcg_gen_mulu2_##W(T rl, T rh, T arg1, T arg2);                           \
void tcg_gen_muls2_##W(T rl, T rh, T arg1, T arg2);                           \
void tcg_gen_muluh_##W(T ret, T arg1, T arg2);                                \
void tcg_gen_mulsh_##W(T ret, T arg1, T arg2);                                \
void tcg_gen_setcond_##W(TCGCond cond, T ret, T arg1, T arg2);                \
void tcg_gen_setcondi_##W(TCGCond cond, T ret, T arg1, IMM arg2);             \
void tcg_gen_negsetcond_##W(TCGCond cond, T ret, T arg1, T arg2);             \
void tcg_gen_negsetcondi_##W(TCGCond cond, T ret, T arg1, IMM arg2);          \
void tcg_gen_movcond_##W(TCGCond cond, T ret, T c1, T c2, T v1, T v2);        \
void tcg_gen_brcond_##W(TCGCond cond, T arg1, T arg2, TCGLabel *l);           \
void tcg_gen_brcondi_##W(TCGCond cond, T arg1, IMM arg2, TCGLabel *l);        \
/* Composites (movcond): signed/unsigned min and max, absolute value. */      \
void tcg_gen_smin_##W(T ret, T a, T b);                                       \
void tcg_gen_smax_##W(T ret, T a, T b);                                       \
void tcg_gen_umin_##W(T ret, T a, T b);                                       \
void tcg_gen_umax_##W(T ret, T a, T b);                                       \
void tcg_gen_abs_##W(T ret, T a);                                             \
void tcg_gen_ld8u_##W(T ret, TCGv_ptr base, intptr_t ofs);                    \
void tcg_gen_ld8s_##W(T ret, TCGv_ptr base, intptr_t ofs);                    \
void tcg_gen_ld16u_##W(T ret, TCGv_ptr base, intptr_t ofs);                   \
void tcg_gen_ld16s_##W(T ret, TCGv_ptr base, intptr_t ofs);                   \
void tcg_gen_ld_##W(T ret, TCGv_ptr base, intptr_t ofs);                      \
void tcg_gen_st8_##W(T arg, TCGv_ptr base, intptr_t ofs);                     \
void tcg_gen_st16_##W(T arg, TCGv_ptr base, intptr_t ofs);                    \
void tcg_gen_st_##W(T arg, TCGv_ptr base, intptr_t ofs);

TCG_OP_DECLS(i32, TCGv_i32, int32_t)
TCG_OP_DECLS(i64, TCGv_i64, int64_t)
#undef TCG_OP_DECLS

/* i32 only. */
void tcg_gen_bswap32_i32(TCGv_i32 ret, TCGv_i32 arg);

/* i64 only. */
void tcg_gen_ext32s_i64(TCGv_i64 ret, TCGv_i64 arg);
void tcg_gen_ext32u_i64(TCGv_i64 ret, TCGv_i64 arg);
void tcg_gen_bswap32_i64(TCGv_i64 ret, TCGv_i64 arg, int flags);
void tcg_gen_bswap64_i64(TCGv_i64 ret, TCGv_i64 arg);
void tcg_gen_ld32u_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t ofs);
void tcg_gen_ld32s_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t ofs);
void tcg_gen_st32_i64(TCGv_i64 arg, TCGv_ptr base, intptr_t ofs);

/* Between widths. */
void tcg_gen_extu_i32_i64(TCGv_i64 ret, TCGv_i32 arg);
void tcg_gen_ext_i32_i64(TCGv_i64 ret, TCGv_i32 arg);
void tcg_gen_extrl_i64_i32(TCGv_i32 ret, TCGv_i64 arg);
void tcg_gen_extrh_i64_i32(TCGv_i32 ret, TCGv_i64 arg);
/* ret = (uint64_t)hi << 32 | lo */
void tcg_gen_concat_i32_i64(TCGv_i64 ret, TCGv_i32 lo, TCGv_i32 hi);
void tcg_gen_extr_i64_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i64 arg);

/* ---- host pointers (the host is 64-bit: ptr ops are i64 ops) ---- */

static inline TCGv_i64 tcgv_ptr_as_i64(TCGv_ptr p)
{
    return (TCGv_i64)(uintptr_t)p;
}

static inline void tcg_gen_mov_ptr(TCGv_ptr ret, TCGv_ptr arg)
{
    tcg_gen_mov_i64(tcgv_ptr_as_i64(ret), tcgv_ptr_as_i64(arg));
}

static inline void tcg_gen_movi_ptr(TCGv_ptr ret, intptr_t arg)
{
    tcg_gen_movi_i64(tcgv_ptr_as_i64(ret), arg);
}

static inline void tcg_gen_add_ptr(TCGv_ptr ret, TCGv_ptr a, TCGv_ptr b)
{
    tcg_gen_add_i64(tcgv_ptr_as_i64(ret), tcgv_ptr_as_i64(a), tcgv_ptr_as_i64(b));
}

static inline void tcg_gen_addi_ptr(TCGv_ptr ret, TCGv_ptr a, intptr_t b)
{
    tcg_gen_addi_i64(tcgv_ptr_as_i64(ret), tcgv_ptr_as_i64(a), b);
}

static inline void tcg_gen_ld_ptr(TCGv_ptr ret, TCGv_ptr base, intptr_t ofs)
{
    tcg_gen_ld_i64(tcgv_ptr_as_i64(ret), base, ofs);
}

static inline void tcg_gen_st_ptr(TCGv_ptr arg, TCGv_ptr base, intptr_t ofs)
{
    tcg_gen_st_i64(tcgv_ptr_as_i64(arg), base, ofs);
}

static inline void tcg_gen_discard_ptr(TCGv_ptr arg)
{
    tcg_gen_discard_i64(tcgv_ptr_as_i64(arg));
}

/* ---- TCGv (guest address width = 64) ---- */

#define tcg_temp_new() tcg_temp_new_i64()
#define tcg_temp_free(x) tcg_temp_free_i64(x)
#define tcg_constant_tl(x) tcg_constant_i64(x)
#define tcg_global_mem_new(b, o, n) tcg_global_mem_new_i64(b, o, n)

#endif
