/*
 * tcg-stats.c: counters of the execution engine (translations,
 * invalidations, flushes, chained jumps, TLB fills and flushes) for the
 * tests and "info jit". Updated with relaxed atomics from vCPU threads.
 */
#include "qemu/osdep.h"
#include "internal.h"

TCGStats tcg_stats;

void tcg_get_stats(TCGStats *st)
{
    st->tbs_translated = __atomic_load_n(&tcg_stats.tbs_translated, __ATOMIC_RELAXED);
    st->tbs_invalidated = __atomic_load_n(&tcg_stats.tbs_invalidated, __ATOMIC_RELAXED);
    st->tb_flushes = __atomic_load_n(&tcg_stats.tb_flushes, __ATOMIC_RELAXED);
    st->chains = __atomic_load_n(&tcg_stats.chains, __ATOMIC_RELAXED);
    st->tlb_fills = __atomic_load_n(&tcg_stats.tlb_fills, __ATOMIC_RELAXED);
    st->tlb_flushes = __atomic_load_n(&tcg_stats.tlb_flushes, __ATOMIC_RELAXED);
    st->atomic_retries = __atomic_load_n(&tcg_stats.atomic_retries, __ATOMIC_RELAXED);
    st->jmp_cache_renewed = __atomic_load_n(&tcg_stats.jmp_cache_renewed, __ATOMIC_RELAXED);
}
