/*
 * internal.h: what the files of accel/tcg share and nobody else sees: the
 * TB lock, the per-vCPU TLB and jump cache, the TB tables of tb-maint.c,
 * statistics counters. The public API is include/exec/exec-all.h.
 */
#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include "exec/exec-all.h"
#include "tcg/tcg.h"

/* cflags bits that are part of a TB's key (everything but CF_INVALID). */
#define CF_HASH_MASK (~CF_INVALID)

/* ---- the TB lock (translate-all.c) ---- */

/*
 * One lock serialises translation, the TB tables, chaining and the
 * code-page marks. It nests on the same thread; cpu_exec drops it with
 * tb_lock_reset() when a fault unwinds through code that held it (for
 * example a page fault while the translator reads guest code).
 */
void tb_lock(void);
void tb_unlock(void);
void tb_lock_reset(void);

/* ---- process-wide state (translate-all.c) ---- */

extern const TCGBackend *tcg_exec_backend;
/* Bumped by every tb_flush: TB pointers from before it are stale. */
extern unsigned tb_flush_count;
/* All vCPUs set up by tcg_cpu_init (under the TB lock). */
extern GPtrArray *tcg_cpus;

/* The calling thread's TCG context, created on first use. */
TCGContext *tcg_thread_context(void);
/* ... with the globals of the target ops created in it. */
void tcg_thread_context_add_ops(const TCGCPUOps *ops);

/* The vCPU running on this thread (in cpu_exec), and whether it is in TB code. */
extern __thread CPUState *current_cpu;
extern __thread bool current_in_tb_code;

/* ---- the TB cache (translate-all.c) ---- */

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                              uint32_t flags, uint32_t cflags);
/* The TB whose host code contains host pc retaddr (invalid ones too). */
TranslationBlock *tb_find_by_host_pc(uintptr_t retaddr);
/* translator_loop printed -d in_asm already (tb_gen_code resets it). */
extern __thread bool tb_in_asm_logged;
/*
 * Lock order is the BQL before the TB lock. Code that is not RAM is read
 * through the memory API, which needs the BQL: tb_gen_code takes it
 * before the TB lock for such a TB (tb_gen_bql: it did, and must drop it,
 * also when a fault unwinds the translation; cpu_exec_unwound). A TB that
 * started in RAM and reaches non-RAM code sets tb_gen_want_bql and has
 * that insn translated again, alone, with the BQL (translator.c).
 */
extern __thread bool tb_gen_bql;
extern __thread bool tb_gen_want_bql;
/* The translation in progress runs with the BQL (taken here or before). */
extern __thread bool tb_gen_has_bql;
/* Drop the BQL tb_gen_code took (after a fault unwound the translation). */
void tb_gen_release_bql(void);
/* Flush now (caller checked that no vCPU runs TB code). */
void tb_flush_locked(void);
/* Is a tb_flush from TB code waiting for cpu_exec? */
extern bool tb_flush_pending;
/*
 * tb_flush where this thread runs no TB code, with the other vCPUs out of
 * cpu_exec (tcg-exclusive.c), unless tb_flush_count moved on from seen
 * meanwhile (someone else flushed). cpu: the vCPU this thread is in
 * cpu_exec for, or NULL. Holds no lock on entry.
 */
void tcg_exclusive_flush_if(CPUState *cpu, unsigned seen);
/* Run one TB of cpu with these cflags (the exclusive step; cpu-exec.c). */
void tcg_cpu_exec_one(CPUState *cpu, uint32_t cflags);

/* ---- the TB tables (tb-maint.c) ---- */

void tb_maint_init(void);
/* The valid TB with this key, or NULL. phys_pc: physical page of pc. */
TranslationBlock *tb_htable_lookup(uint64_t pc, uint64_t cs_base,
                                   uint32_t flags, uint32_t cflags,
                                   uint64_t phys_pc);
/* Enter tb in the hash table and its pages' lists; marks the pages as code. */
void tb_link(TranslationBlock *tb);
/* Remove tb from every table, unchain it, mark it CF_INVALID. */
void tb_phys_invalidate(TranslationBlock *tb);
/*
 * Invalidate the TBs overlapping [start, end) of guest physical memory.
 * Returns true if the TB "current" (may be NULL) was among them.
 */
bool tb_invalidate_phys_range_cur(uint64_t start, uint64_t end,
                                  TranslationBlock *current);
/* Does the guest physical page hold translated code? */
bool tb_page_has_code(uint64_t paddr);
/* Patch exit n of tb to jump to dest (if allowed); see tb-maint.c. */
void tb_add_jump(TranslationBlock *tb, int n, TranslationBlock *dest);
/* Drop every table (tb_flush). */
void tb_maint_flush(void);

/* ---- the jump cache (cpu-exec.c) ---- */

#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
/* Two ways per set: two hot pcs of one set (kernel and user code) both stay. */
#define TB_JMP_CACHE_WAYS 2

/*
 * Entries are valid only in the generation they were stored in: a TLB
 * flush (every CR3 write) bumps gen instead of clearing 4096 entries. An
 * entry holds a copy of its TB's key and code pointer, so a hit (the
 * goto_ptr lookup after every RET) reads one entry and never the TB
 * itself. The owning vCPU writes entries; other threads only CAS tb to
 * NULL (invalidation), and tb == NULL is a miss whatever the copies say.
 */
typedef struct TBJmpCacheEntry {
    uint64_t pc;
    uint64_t cs_base;
    TranslationBlock *tb;
    const void *tc_ptr;
    uint32_t flags;
    uint32_t cflags;
    uint32_t gen;
} TBJmpCacheEntry;

typedef struct TBJmpCache {
    uint32_t gen;
    TBJmpCacheEntry e[TB_JMP_CACHE_SIZE];
} TBJmpCache;

/* The first entry of pc's set (the set is e[i], e[i + 1]). */
static inline unsigned tb_jmp_cache_hash(uint64_t pc)
{
    unsigned sets = TB_JMP_CACHE_SIZE / TB_JMP_CACHE_WAYS;
    uint64_t h = pc ^ (pc >> TB_JMP_CACHE_BITS) ^ (pc >> 2 * TB_JMP_CACHE_BITS);

    return (unsigned)(h & (sets - 1)) * TB_JMP_CACHE_WAYS;
}

/* A TLB flush: entries of older generations need their page re-checked. */
void tb_jmp_cache_clear(CPUState *cpu);
/* tb_flush: drop every entry (their TBs are freed). */
void tb_jmp_cache_reset(CPUState *cpu);

/* This thread runs an exclusive section (tcg-exclusive.c). */
extern __thread bool tcg_excl_owner;

/*
 * Fill e with tb. A TB invalidated between its lookup and this store
 * would stay cached: the store and the CF_INVALID check below pair with
 * tb_phys_invalidate's CF_INVALID store and tb_jmp_cache_remove's CAS
 * (all sequentially consistent), so one side always sees the other and
 * drops the entry.
 */
static inline void tb_jmp_cache_fill(TBJmpCacheEntry *e, uint64_t pc, TranslationBlock *tb,
                                     const void *tc_ptr, uint32_t gen)
{
    TranslationBlock *expect = tb;

    e->pc = pc;
    e->cs_base = tb->cs_base;
    e->flags = tb->flags;
    e->cflags = tb->cflags & ~CF_INVALID;
    e->tc_ptr = tc_ptr;
    e->gen = gen;
    __atomic_store_n(&e->tb, tb, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&tb->cflags, __ATOMIC_SEQ_CST) & CF_INVALID) {
        __atomic_compare_exchange_n(&e->tb, &expect, NULL, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    }
}

/*
 * Remember tb as what cpu runs at pc (the current generation): it goes to
 * the set's first way, whose previous entry moves to the second unless it
 * had the same key (most recently stored first).
 */
static inline void tb_jmp_cache_set(CPUState *cpu, uint64_t pc, TranslationBlock *tb)
{
    TBJmpCache *jc = cpu->tb_jmp_cache;
    TBJmpCacheEntry *e = &jc->e[tb_jmp_cache_hash(pc)];
    TranslationBlock *old = __atomic_load_n(&e->tb, __ATOMIC_ACQUIRE);

    if (old && old != tb && !(e->pc == pc && e->cs_base == tb->cs_base &&
                              e->flags == tb->flags && e->cflags == (tb->cflags & ~CF_INVALID))) {
        tb_jmp_cache_fill(&e[1], e->pc, old, e->tc_ptr, e->gen);
    }
    tb_jmp_cache_fill(e, pc, tb, tb->tc.ptr, __atomic_load_n(&jc->gen, __ATOMIC_RELAXED));
}
/* Drop tb from every vCPU's jump cache. */
void tb_jmp_cache_remove(TranslationBlock *tb);
/* The cflags a TB for cpu gets now (cflags_next_tb not included). */
uint32_t curr_cflags(CPUState *cpu);
/* Find (not translate) the TB for this key, via the jump cache. */
TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                            uint32_t flags, uint32_t cflags);

/* ---- the softmmu (cputlb.c) ---- */

/* What the slow path needs to know about a TLB entry. */
typedef struct CPUTLBEntryFull {
    uint64_t paddr;             /* guest physical page */
    int prot;
    bool ram;                   /* host points at the page in RAM */
    bool readonly;              /* ROM: writes are dropped */
    uint8_t *host;              /* RAM: host address of the page */
} CPUTLBEntryFull;

#define TLB_FILL_LOG 128

typedef struct CPUTLBDesc {
    CPUTLBEntry *table;
    CPUTLBEntryFull *full;
    size_t n_entries;
    /* Range covered by pages larger than TARGET_PAGE_SIZE; mask 0: none. */
    uint64_t large_page_addr, large_page_mask;
    /* An entry was set since the last full flush (else the flush is a no-op). */
    bool dirty;
    /*
     * The entries set since the last flush, while there are at most
     * TLB_FILL_LOG of them (n_filled counts on, saturating, past that):
     * a flush then clears just those. A guest context switch writes CR3,
     * which flushes, and the process in between touches a few dozen
     * pages: clearing the whole table (64 KiB per MMU index) each time
     * cost more than the refills and pushed guest data out of the cache.
     */
    unsigned n_filled;
    uint16_t filled[TLB_FILL_LOG];
} CPUTLBDesc;


typedef struct CPUTLB {
    CPUTLBDesc d[NB_MMU_MODES];
    /* The RAM range the last fill found, for the next fills (a refill
     * after a flush walks many pages of the same RAM block). */
    AddressSpaceRam ram;
} CPUTLB;

void tlb_init(CPUState *cpu);
void tlb_destroy(CPUState *cpu);
/*
 * A guest physical page gained (code true) or lost its translations: set
 * or clear TLB_NOTDIRTY on the write entries of every vCPU that map it.
 */
void tlb_set_code_page(uint64_t paddr, bool code);
/*
 * Instruction fetch at addr: fills the code TLB (faults unwind unless
 * probe) and returns the physical address, with *hostp the host address
 * of addr when it is RAM (else NULL). probe: -1 instead of a fault.
 */
uint64_t tlb_code_lookup(CPUState *cpu, uint64_t addr, void **hostp,
                         bool probe, uintptr_t retaddr);
/* The MMU index for instruction fetches of cpu. */
int cpu_ifetch_mmu_index(CPUState *cpu);

/* ---- vCPU threads (tcg-cpus.c, tcg-mttcg.c, tcg-accel.c) ---- */

/* -accel tcg,thread=multi (set before the machine's vCPUs are added). */
extern bool tcg_accel_multi;
/* The calling thread runs vCPUs: a guest reset request stops them at once. */
void tcg_cpus_mark_vcpu_thread(void);
/* Round-robin: end the running vCPU's slice, woken has work (tcg-rr.c). */
void tcg_rr_kick(CPUState *woken);
/* thread=multi versions of tcg_cpus_* (system/tcg.h). */
void mttcg_add(CPUState *cpu);
void mttcg_start(void);
void mttcg_stop(void);
void mttcg_stop_current(void);
void mttcg_shutdown(void);
void mttcg_flush_tlbs(void);
void mttcg_wake(CPUState *cpu);
/* run_on_cpu's queue-and-wait (tcg-exclusive.c); the BQL is the caller's. */
void tcg_run_on_cpu_wait(CPUState *cpu, run_on_cpu_func func, void *data);

/* ---- statistics (tcg-stats.c) ---- */

extern TCGStats tcg_stats;
#define tcg_stats_inc(field) __atomic_fetch_add(&tcg_stats.field, 1, __ATOMIC_RELAXED)

#endif
