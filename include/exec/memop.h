/*
 * memop.h: how a guest memory access is described to TCG: size, sign,
 * byte order (MemOp), plus the MMU index it goes through (MemOpIdx, the
 * "oi" operand of qemu_ld/qemu_st and of the slow-path helpers). The
 * values follow QEMU's so that front ends read the same.
 */
#ifndef EXEC_MEMOP_H
#define EXEC_MEMOP_H

#include <stdint.h>
#include <stdbool.h>

typedef enum MemOp {
    MO_8     = 0,
    MO_16    = 1,
    MO_32    = 2,
    MO_64    = 3,
    MO_SIZE  = 3,               /* log2 of the access size in bytes */

    MO_SIGN  = 4,               /* sign-extend the loaded value */

    /*
     * Byte order relative to the host: MO_BSWAP set means swap. The host
     * and the only guest are little-endian, so MO_LE is 0 and MO_BE swaps.
     */
    MO_BSWAP = 8,
    MO_LE    = 0,
    MO_BE    = MO_BSWAP,
    MO_TE    = MO_LE,           /* the target's order */

    /*
     * Alignment: MO_ALIGN requires natural alignment (an unaligned access
     * takes the slow path, which calls the target's unaligned hook);
     * without it any alignment is allowed.
     */
    MO_ASHIFT = 5,
    MO_AMASK  = 0x7 << MO_ASHIFT,
    MO_UNALN  = 0,
    MO_ALIGN  = MO_AMASK,       /* align to the access size */

    MO_UB   = MO_8,
    MO_UW   = MO_16,
    MO_UL   = MO_32,
    MO_UQ   = MO_64,
    MO_SB   = MO_SIGN | MO_8,
    MO_SW   = MO_SIGN | MO_16,
    MO_SL   = MO_SIGN | MO_32,

    MO_LEUW = MO_LE | MO_UW,
    MO_LEUL = MO_LE | MO_UL,
    MO_LEUQ = MO_LE | MO_UQ,
    MO_LESW = MO_LE | MO_SW,
    MO_LESL = MO_LE | MO_SL,
    MO_BEUW = MO_BE | MO_UW,
    MO_BEUL = MO_BE | MO_UL,
    MO_BEUQ = MO_BE | MO_UQ,
    MO_BESW = MO_BE | MO_SW,
    MO_BESL = MO_BE | MO_SL,

    MO_TEUW = MO_TE | MO_UW,
    MO_TEUL = MO_TE | MO_UL,
    MO_TEUQ = MO_TE | MO_UQ,
    MO_TESW = MO_TE | MO_SW,
    MO_TESL = MO_TE | MO_SL,
} MemOp;

static inline unsigned memop_size(MemOp op)
{
    return 1u << (op & MO_SIZE);
}

/* The alignment the access needs in bytes (1: none). */
static inline unsigned memop_alignment(MemOp op)
{
    return (op & MO_AMASK) == MO_ALIGN ? memop_size(op) : 1;
}

/* A MemOp and an MMU index in one word: (op << 4) | mmu_idx. */
typedef uint32_t MemOpIdx;

static inline MemOpIdx make_memop_idx(MemOp op, unsigned mmu_idx)
{
    return ((uint32_t)op << 4) | mmu_idx;
}

static inline MemOp get_memop(MemOpIdx oi)
{
    return (MemOp)(oi >> 4);
}

static inline unsigned get_mmuidx(MemOpIdx oi)
{
    return oi & 15;
}

#endif
