/*
 * tcg-op-ldst.c: front-end emitters for guest memory accesses
 * (qemu_ld/qemu_st). The MemOp is canonicalized here so that backends
 * and the optimizer see one spelling per access: no sign bit on a full
 * width load or on stores.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"

static MemOp tcg_canonicalize_memop(MemOp op, bool is64, bool st)
{
    unsigned size = op & MO_SIZE;

    /* An i32 value cannot hold a 64-bit access: a translator bug. */
    g_assert(is64 || size <= MO_32);
    if (st || size == (is64 ? MO_64 : MO_32)) {
        op &= ~MO_SIGN;
    }
    /* A byte has no byte order. */
    if (size == MO_8) {
        op &= ~MO_BSWAP;
    }
    return op;
}

static void tcg_gen_ldst(TCGOpcode opc, TCGTemp *val, TCGv addr,
                         TCGArg mmu_idx, MemOp memop)
{
    g_assert(mmu_idx < NB_MMU_MODES);
    tcg_gen_op3(opc, temp_arg(val), tcgv_i64_arg(addr),
                make_memop_idx(memop, mmu_idx));
}

void tcg_gen_qemu_ld_i32(TCGv_i32 ret, TCGv addr, TCGArg mmu_idx, MemOp memop)
{
    memop = tcg_canonicalize_memop(memop, false, false);
    tcg_gen_ldst(INDEX_op_qemu_ld_i32, tcgv_i32_temp(ret), addr, mmu_idx, memop);
}

void tcg_gen_qemu_ld_i64(TCGv_i64 ret, TCGv addr, TCGArg mmu_idx, MemOp memop)
{
    memop = tcg_canonicalize_memop(memop, true, false);
    tcg_gen_ldst(INDEX_op_qemu_ld_i64, tcgv_i64_temp(ret), addr, mmu_idx, memop);
}

void tcg_gen_qemu_st_i32(TCGv_i32 val, TCGv addr, TCGArg mmu_idx, MemOp memop)
{
    memop = tcg_canonicalize_memop(memop, false, true);
    tcg_gen_ldst(INDEX_op_qemu_st_i32, tcgv_i32_temp(val), addr, mmu_idx, memop);
}

void tcg_gen_qemu_st_i64(TCGv_i64 val, TCGv addr, TCGArg mmu_idx, MemOp memop)
{
    memop = tcg_canonicalize_memop(memop, true, true);
    tcg_gen_ldst(INDEX_op_qemu_st_i64, tcgv_i64_temp(val), addr, mmu_idx, memop);
}
