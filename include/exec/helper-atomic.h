/*
 * helper-atomic.h: the guest-independent helpers that front ends call for
 * atomic read-modify-writes of guest memory under thread=multi
 * (implemented in accel/tcg/atomic-helper.c). oi is the MemOpIdx (size,
 * MO_LE, MMU index); the operand may be unaligned. When host atomics
 * cannot do the access (MMIO, a page or cache-line crossing) the helper
 * leaves with EXCP_ATOMIC and the instruction runs alone in an exclusive
 * section, translated without CF_PARALLEL.
 */
#ifndef EXEC_HELPER_ATOMIC_H
#define EXEC_HELPER_ATOMIC_H

#include "exec/helper-gen.h"

/*
 * Store newv if memory still holds cmpv (both truncated to the size);
 * otherwise restore guest state to the instruction and run it again:
 * front ends load, compute and then call this for "LOCK op [mem]".
 */
DEF_HELPER_FLAGS_5(atomic_cas_retry, 0, void, ptr, tl, i64, i64, i32)
/* Exchange: store val, return the old value (zero-extended). */
DEF_HELPER_FLAGS_4(atomic_xchg, 0, i64, ptr, tl, i64, i32)
/* Add val, return the old value (zero-extended). */
DEF_HELPER_FLAGS_4(atomic_fetch_add, 0, i64, ptr, tl, i64, i32)

#endif
