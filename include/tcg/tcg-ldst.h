/*
 * tcg-ldst.h: the softmmu slow path, called by generated code (and by
 * TCI) when the inline TLB check of a qemu_ld/qemu_st fails: TLB miss
 * (tlb_fill), MMIO, a page with translated code, an access crossing a
 * page, a misaligned MO_ALIGN access. Implemented in accel/tcg/cputlb.c.
 *
 * env is the target's env (CPUNegativeOffsetState before it); oi the
 * MemOpIdx; retaddr the host return address inside the TB's main line
 * (not in an out-of-line stub), used to restore guest state on a fault.
 * Loads return the value already extended to 64 bits and byte-swapped as
 * the MemOp says; stores take the value in the low bits.
 */
#ifndef TCG_TCG_LDST_H
#define TCG_TCG_LDST_H

#include <stdint.h>
#include "exec/memop.h"

uint64_t helper_ld_mmu(void *env, uint64_t addr, MemOpIdx oi,
                       uintptr_t retaddr);
void helper_st_mmu(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                   uintptr_t retaddr);

#endif
