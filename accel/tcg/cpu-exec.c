/*
 * cpu-exec.c: the execution loop. cpu_exec delivers pending exceptions
 * and interrupts, finds or translates the TB for the vCPU's state (jump
 * cache, then hash table, then tb_gen_code), chains it to the previous
 * one, runs it on the backend and decodes how it left. Also: leaving
 * guest code (cpu_loop_exit*, siglongjmp to cpu->jmp_env), cpu_exit and
 * cpu_interrupt from other threads, and the goto_ptr lookup helper.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "internal.h"

/* ---- jump cache ---- */

void tb_jmp_cache_clear(CPUState *cpu)
{
    TBJmpCache *jc = cpu->tb_jmp_cache;

    if (!jc) {
        return;
    }
    /* O(1): older entries stop matching. Only a wrap needs the real clear. */
    if (__atomic_add_fetch(&jc->gen, 1, __ATOMIC_RELAXED) == 0) {
        for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i++) {
            __atomic_store_n(&jc->e[i].tb, NULL, __ATOMIC_RELAXED);
        }
    }
}

void tb_jmp_cache_remove(TranslationBlock *tb)
{
    unsigned h = tb_jmp_cache_hash(tb->pc);

    for (unsigned c = 0; tcg_cpus && c < tcg_cpus->len; c++) {
        CPUState *cpu = g_ptr_array_index(tcg_cpus, c);

        for (unsigned w = 0; cpu->tb_jmp_cache && w < TB_JMP_CACHE_WAYS; w++) {
            TranslationBlock *expect = tb;

            /* Sequentially consistent: see tb_jmp_cache_fill. */
            __atomic_compare_exchange_n(&cpu->tb_jmp_cache->e[h + w].tb, &expect, NULL,
                                        false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
        }
    }
}

/* Drop every entry (tb_flush: the TBs they point to are freed). */
void tb_jmp_cache_reset(CPUState *cpu)
{
    TBJmpCache *jc = cpu->tb_jmp_cache;

    for (unsigned i = 0; jc && i < TB_JMP_CACHE_SIZE; i++) {
        __atomic_store_n(&jc->e[i].tb, NULL, __ATOMIC_RELAXED);
    }
}

static inline uint32_t curr_cflags_inline(CPUState *cpu)
{
    uint32_t cflags = cpu->tcg_cflags & ~CF_INVALID;

    if (unlikely(qemu_loglevel_mask(CPU_LOG_TB_NOCHAIN))) {
        cflags |= CF_NO_GOTO_TB;
    }
    return cflags;
}

uint32_t curr_cflags(CPUState *cpu)
{
    return curr_cflags_inline(cpu);
}

/*
 * The jump cache missed, or hit an entry e of an older generation (cached:
 * its TB). After a TLB flush (every context switch's CR3 write) most code
 * pages map where they did: if pc still lies in the physical page cached
 * was translated from, cached is what the hash table would return (one
 * valid TB per key), so the entry is renewed without the table. A TB on
 * two pages goes through the table, which checks the first page as well.
 */
static TranslationBlock * __attribute__((noinline))
tb_lookup_slow(CPUState *cpu, TBJmpCacheEntry *e, TranslationBlock *cached,
               uint64_t pc, uint64_t cs_base, uint32_t flags, uint32_t cflags)
{
    TranslationBlock *tb;
    void *host;
    uint64_t phys = tlb_code_lookup(cpu, pc, &host, true, 0);

    if (!host) {
        return NULL;    /* unmapped (tb_gen_code raises the fault) or not RAM */
    }
    if (cached && cached->page_addr[1] == (uint64_t)-1 &&
        cached->page_addr[0] == (phys & TARGET_PAGE_MASK) &&
        !(tb_cflags(cached) & CF_INVALID)) {
        /* An invalidation racing with this clears e->tb; gen alone does not revive it. */
        e->gen = __atomic_load_n(&cpu->tb_jmp_cache->gen, __ATOMIC_RELAXED);
        tcg_stats_inc(jmp_cache_renewed);
        return cached;
    }
    tb = tb_htable_lookup(pc, cs_base, flags, cflags, phys);
    if (tb) {
        tb_jmp_cache_set(cpu, pc, tb);
    }
    return tb;
}

/*
 * Per goto_ptr (every RET and indirect jump) and per cpu_exec round: a hit
 * reads one jump-cache entry and no TB. *tc_ptr: the TB's code.
 */
static inline bool tb_jmp_cache_match(const TBJmpCacheEntry *e, uint64_t pc,
                                      uint64_t cs_base, uint32_t flags, uint32_t cflags)
{
    return e->pc == pc && e->flags == flags && e->cs_base == cs_base && e->cflags == cflags;
}

static inline TranslationBlock *tb_lookup_inline(CPUState *cpu, uint64_t pc,
                                                 uint64_t cs_base, uint32_t flags,
                                                 uint32_t cflags, const void **tc_ptr)
{
    TBJmpCache *jc = cpu->tb_jmp_cache;
    TBJmpCacheEntry *e = &jc->e[tb_jmp_cache_hash(pc)];
    TranslationBlock *tb = __atomic_load_n(&e->tb, __ATOMIC_ACQUIRE);

    if (!likely(tb && tb_jmp_cache_match(e, pc, cs_base, flags, cflags))) {
        e++;            /* the set's second way */
        tb = __atomic_load_n(&e->tb, __ATOMIC_ACQUIRE);
        if (!(tb && tb_jmp_cache_match(e, pc, cs_base, flags, cflags))) {
            tb = NULL;
        }
    }
    if (likely(tb && e->gen == __atomic_load_n(&jc->gen, __ATOMIC_RELAXED))) {
        *tc_ptr = e->tc_ptr;
        return tb;
    }
    tb = tb_lookup_slow(cpu, e, tb, pc, cs_base, flags, cflags);
    *tc_ptr = tb ? tb->tc.ptr : NULL;
    return tb;
}

TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                            uint32_t flags, uint32_t cflags)
{
    const void *tc_ptr;

    return tb_lookup_inline(cpu, pc, cs_base, flags, cflags, &tc_ptr);
}

static void __attribute__((noinline)) cpu_log_exec_slow(CPUState *cpu,
                                                         const TranslationBlock *tb)
{
    if (qemu_loglevel_mask(CPU_LOG_EXEC)) {
        qemu_log("Trace %d: %p [%016" PRIx64 "/%016" PRIx64 "/%08x/%08x] \n",
                 cpu->cpu_index, tb->tc.ptr, tb->cs_base, tb->pc, tb->flags,
                 tb->cflags);
    }
    if (qemu_loglevel_mask(CPU_LOG_TB_CPU) && cpu->tcg_ops->dump_state) {
        FILE *f = qemu_log_lock();

        cpu->tcg_ops->dump_state(f, cpu);
        qemu_log_unlock(f);
    }
}

/* Per TB run: with logging off, one inline test and no call. */
static inline void cpu_log_exec(CPUState *cpu, const TranslationBlock *tb)
{
    if (unlikely(qemu_loglevel_mask(CPU_LOG_EXEC | CPU_LOG_TB_CPU))) {
        cpu_log_exec_slow(cpu, tb);
    }
}

/*
 * goto_ptr's target: the next TB's code if it is already translated,
 * else the epilogue (back to cpu_exec, which translates). A pending
 * exit request is seen by the next TB's entry check.
 */
const void *helper_lookup_tb_ptr(void *env)
{
    CPUState *cpu = env_cpu(env);
    TranslationBlock *tb;
    uint64_t pc, cs_base;
    uint32_t flags;
    const void *tc_ptr;

    /* The exclusive step runs one TB and must not go on without CF_PARALLEL. */
    if (unlikely(cpu->cflags_next_tb != (uint32_t)-1 || tcg_excl_owner)) {
        return tcg_code_gen_epilogue;
    }
    cpu->tcg_ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    tb = tb_lookup_inline(cpu, pc, cs_base, flags, curr_cflags_inline(cpu), &tc_ptr);
    if (unlikely(!tb)) {
        return tcg_code_gen_epilogue;
    }
    cpu_log_exec(cpu, tb);
    return tc_ptr;
}

/* ---- leaving guest code ---- */

void cpu_loop_exit(CPUState *cpu)
{
    current_in_tb_code = false;
    siglongjmp(cpu->jmp_env, 1);
}

void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr)
{
    if (retaddr) {
        cpu_restore_state(cpu, retaddr);
    }
    cpu_loop_exit(cpu);
}

void cpu_loop_exit_noexc(CPUState *cpu)
{
    cpu->exception_index = -1;
    cpu_loop_exit(cpu);
}

void cpu_exit(CPUState *cpu)
{
    __atomic_store_n(&cpu->exit_request, true, __ATOMIC_SEQ_CST);
    /* Seen by the entry check of the next TB the vCPU runs. */
    __atomic_store_n(&cpu->neg->icount_decr.u16.high, 0xffff, __ATOMIC_SEQ_CST);
}

void (*tcg_cpu_wake_fn)(CPUState *cpu);

void cpu_interrupt(CPUState *cpu, int mask)
{
    __atomic_fetch_or(&cpu->interrupt_request, (uint32_t)mask, __ATOMIC_SEQ_CST);
    cpu_exit(cpu);
    if (tcg_cpu_wake_fn) {
        tcg_cpu_wake_fn(cpu);
    }
}

void cpu_reset_interrupt(CPUState *cpu, int mask)
{
    __atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)mask, __ATOMIC_SEQ_CST);
}

/* ---- the loop ---- */

/* A halted vCPU stays out unless it has work. */
static bool cpu_handle_halt(CPUState *cpu)
{
    if (!cpu->halted) {
        return false;
    }
    if (cpu->tcg_ops->cpu_has_work && cpu->tcg_ops->cpu_has_work(cpu)) {
        cpu->halted = false;
        return false;
    }
    return true;
}

/* Deliver a guest exception, or say why cpu_exec returns (*ret). */
static bool cpu_handle_exception(CPUState *cpu, int *ret)
{
    int excp = cpu->exception_index;

    if (excp < 0) {
        return false;
    }
    if (excp >= EXCP_INTERRUPT) {
        *ret = excp;
        cpu->exception_index = -1;
        return true;
    }
    /* -d int is the target's to print (QEMU's x86 "v=.. e=.." lines). */
    cpu->tcg_ops->do_interrupt(cpu);
    cpu->exception_index = -1;
    return false;
}

/*
 * Before each TB: pending flush, interrupt requests, exit requests.
 * True: leave the inner loop (exception_index says what to do).
 */
static bool cpu_handle_interrupt(CPUState *cpu, TranslationBlock **last_tb)
{
    uint32_t ir;

    if (__atomic_load_n(&cpu->neg->icount_decr.u16.high, __ATOMIC_RELAXED)) {
        __atomic_store_n(&cpu->neg->icount_decr.u16.high, 0, __ATOMIC_RELAXED);
    }
    /* Reset before reading the requests: a new cpu_exit re-raises it. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    if (__atomic_load_n(&tb_flush_pending, __ATOMIC_ACQUIRE)) {
        unsigned seen = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);

        if (__atomic_load_n(&tb_flush_pending, __ATOMIC_ACQUIRE)) {
            tcg_exclusive_flush_if(cpu, seen);
        }
        *last_tb = NULL;
    }
    ir = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_SEQ_CST);
    if (ir) {
        if (ir & CPU_INTERRUPT_HALT) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_HALT);
            cpu->halted = true;
            cpu->exception_index = EXCP_HLT;
            return true;
        }
        if (ir & CPU_INTERRUPT_EXITTB) {
            /* Flags changed: the next TB must come from a fresh lookup. */
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXITTB);
            *last_tb = NULL;
        }
        ir &= ~(uint32_t)CPU_INTERRUPT_EXITTB;
        /*
         * No BQL here: the target's hooks take it where they touch device
         * state (the APIC, the 8259's INTA). Taking it for every TB while
         * an interrupt waits for IF=1 starved the main loop's timers.
         */
        if (ir && cpu->tcg_ops->cpu_exec_interrupt &&
            cpu->tcg_ops->cpu_exec_interrupt(cpu, ir)) {
            /* The target changed the pc: do not chain to what ran before. */
            *last_tb = NULL;
            if (cpu->exception_index >= 0) {
                return true;
            }
        }
    }
    if (__atomic_load_n(&cpu->exit_request, __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&cpu->exit_request, false, __ATOMIC_SEQ_CST);
        if (cpu->exception_index == -1) {
            cpu->exception_index = EXCP_INTERRUPT;
        }
        return true;
    }
    return false;
}

/*
 * Run tb and decode its exit value: tb | n for goto_tb n taken without a
 * chain (state is at the next TB: a chaining candidate), tb |
 * TB_EXIT_REQUESTED when the entry check of tb fired (nothing of tb ran),
 * 0 from exit_tb(NULL) or an unsuccessful goto_ptr lookup.
 */
static void cpu_loop_exec_tb(CPUState *cpu, TranslationBlock *tb,
                             TranslationBlock **last_tb, int *tb_exit)
{
    uintptr_t ret;
    TranslationBlock *exited;

    cpu_log_exec(cpu, tb);
    current_in_tb_code = true;
    ret = tcg_exec_backend->exec(cpu->env_ptr, tb->tc.ptr);
    current_in_tb_code = false;

    exited = (TranslationBlock *)(ret & ~(uintptr_t)TB_EXIT_MASK);
    *tb_exit = ret & TB_EXIT_MASK;
    if (!exited) {
        *last_tb = NULL;
        return;
    }
    if (*tb_exit == TB_EXIT_REQUESTED) {
        /*
         * exited was entered through a chained jump, which skips the pc
         * update of the jumping TB's exit path: targets that keep pc in
         * the translator put it back to exited->pc here.
         */
        if (cpu->tcg_ops->synchronize_from_tb) {
            cpu->tcg_ops->synchronize_from_tb(cpu, exited);
        }
        *last_tb = NULL;
        return;
    }
    *last_tb = exited;
}

static int cpu_exec_loop(CPUState *cpu)
{
    int ret = EXCP_INTERRUPT;

    while (!cpu_handle_exception(cpu, &ret)) {
        TranslationBlock *last_tb = NULL;
        int tb_exit = 0;
        unsigned last_gen = 0;

        while (!cpu_handle_interrupt(cpu, &last_tb)) {
            TranslationBlock *tb;
            uint64_t pc, cs_base;
            uint32_t flags, cflags = cpu->cflags_next_tb;

            cpu->tcg_ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
            if (cflags == (uint32_t)-1) {
                cflags = curr_cflags(cpu);
            } else {
                cpu->cflags_next_tb = -1;
            }
            const void *tc_ptr;

            tb = tb_lookup_inline(cpu, pc, cs_base, flags, cflags, &tc_ptr);
            if (!tb) {
                tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
                if (tb->page_addr[0] != (uint64_t)-1) {
                    tb_jmp_cache_set(cpu, pc, tb);
                }
            }
            /* A flush since last_tb ran freed it. */
            if (last_tb && last_gen == __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE)) {
                tb_add_jump(last_tb, tb_exit, tb);
            }
            last_gen = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);
            cpu_loop_exec_tb(cpu, tb, &last_tb, &tb_exit);
        }
    }
    return ret;
}

/* Back from cpu_loop_exit: drop what the unwound code held. */
static void cpu_exec_unwound(void)
{
    current_in_tb_code = false;
    tci_tb_ptr = 0;     /* TCI's helper-call marker if we left from a helper */
    tb_lock_reset();
    tb_gen_release_bql();
}

void tcg_cpu_exec_one(CPUState *cpu, uint32_t cflags)
{
    tcg_thread_context_add_ops(cpu->tcg_ops);
    current_cpu = cpu;
    if (sigsetjmp(cpu->jmp_env, 0) == 0) {
        TranslationBlock *tb, *last_tb;
        uint64_t pc, cs_base;
        uint32_t flags;
        int tb_exit;

        /* A guest exception it raises is delivered by the next cpu_exec. */
        cpu->tcg_ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
        tb = tb_lookup(cpu, pc, cs_base, flags, cflags);
        if (!tb) {
            tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
        }
        cpu_loop_exec_tb(cpu, tb, &last_tb, &tb_exit);
    } else {
        cpu_exec_unwound();
    }
    if (cpu->exception_index == EXCP_ATOMIC) {
        cpu->exception_index = -1;      /* cannot happen without CF_PARALLEL */
    }
    current_cpu = NULL;
}

int cpu_exec(CPUState *cpu)
{
    int ret;

    tcg_thread_context_add_ops(cpu->tcg_ops);
    current_cpu = cpu;
    if (cpu_handle_halt(cpu)) {
        current_cpu = NULL;
        return EXCP_HALTED;
    }
    cpu_exec_start(cpu);
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        /* Nothing of the loop's locals survives (cpu_exec_loop starts over). */
        cpu_exec_unwound();
    }
    ret = cpu_exec_loop(cpu);
    if (__atomic_load_n(&tb_flush_pending, __ATOMIC_ACQUIRE)) {
        /* Requested from TB code that then left without another TB entry. */
        unsigned seen = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);

        if (__atomic_load_n(&tb_flush_pending, __ATOMIC_ACQUIRE)) {
            tcg_exclusive_flush_if(cpu, seen);
        }
    }
    cpu_exec_end(cpu);
    current_cpu = NULL;
    return ret;
}
