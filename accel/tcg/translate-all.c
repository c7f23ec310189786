/*
 * translate-all.c: the TB cache: process set-up (code buffer, backend),
 * per-thread TCG contexts and per-vCPU set-up, translating a block
 * (tb_gen_code), finding the TB that holds a host pc and restoring guest
 * state from it (precise exceptions), and tb_flush. The lookup tables and
 * chaining live in tb-maint.c, the run loop in cpu-exec.c.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/log.h"
#include "exec/perf-map.h"
#include "internal.h"

const TCGBackend *tcg_exec_backend;
unsigned tb_flush_count;
bool tb_flush_pending;
GPtrArray *tcg_cpus;

__thread CPUState *current_cpu;
__thread bool current_in_tb_code;

/* Every TB since the last flush (invalid ones too), for freeing. */
static GPtrArray *all_tbs;
/* TBs by host code address, for cpu_restore_state. */
static GTree *tb_tc_tree;

/* ---- the TB lock ---- */

static GMutex tb_mutex;
static __thread int tb_lock_depth;

void tb_lock(void)
{
    if (tb_lock_depth++ == 0) {
        g_mutex_lock(&tb_mutex);
    }
}

void tb_unlock(void)
{
    g_assert(tb_lock_depth > 0);
    if (--tb_lock_depth == 0) {
        g_mutex_unlock(&tb_mutex);
    }
}

void tb_lock_reset(void)
{
    if (tb_lock_depth) {
        tb_lock_depth = 0;
        g_mutex_unlock(&tb_mutex);
    }
}

/* ---- set-up ---- */

static gint tb_tc_cmp(gconstpointer a, gconstpointer b, gpointer opaque)
{
    const TranslationBlock *x = a, *y = b;

    return x->tc.ptr < y->tc.ptr ? -1 : x->tc.ptr > y->tc.ptr;
}

/* Device and loader writes into RAM: translations of it are stale. */
static void tcg_ram_write_notify(hwaddr addr, hwaddr len)
{
    uint64_t end = addr + len;

    tb_invalidate_phys_range(addr, end < addr ? UINT64_MAX : end);
}

bool tcg_exec_initialized(void)
{
    return tcg_exec_backend != NULL;
}

bool tcg_exec_init(size_t tb_size, const struct TCGBackend *backend, Error **errp)
{
    g_assert(!tcg_exec_backend);
    if (!tcg_region_init(tb_size, errp)) {
        return false;
    }
    /* --enable-tcg-interpreter makes TCI the emulator's default. */
    tcg_exec_backend = backend ? backend
                       : CONFIG_TCG_INTERPRETER ? &tcg_backend_tci
                       : &tcg_backend_x86_64;
    tb_maint_init();
    all_tbs = g_ptr_array_new();
    tb_tc_tree = g_tree_new_full(tb_tc_cmp, NULL, NULL, NULL);
    tcg_cpus = g_ptr_array_new();
    physmem_ram_write_notify = tcg_ram_write_notify;
    return true;
}

static __thread TCGContext *thread_ctx;
/* The TCGCPUOps whose globals exist in thread_ctx, in creation order. */
static __thread GPtrArray *thread_ctx_ops;

/* A thread that translated ends (a vCPU thread, a test's thread). */
static void tcg_thread_context_free(gpointer data)
{
    TCGContext *s = data;

    tcg_context_destroy(s);
    g_free(s);
    g_ptr_array_free(thread_ctx_ops, true);
    thread_ctx_ops = NULL;
    thread_ctx = NULL;
}

static GPrivate thread_ctx_key = G_PRIVATE_INIT(tcg_thread_context_free);

TCGContext *tcg_thread_context(void)
{
    if (!thread_ctx) {
        g_assert(tcg_exec_backend);
        thread_ctx = g_new0(TCGContext, 1);
        thread_ctx_ops = g_ptr_array_new();
        tb_lock();
        tcg_context_init(thread_ctx, tcg_exec_backend);
        tb_unlock();
        g_private_set(&thread_ctx_key, thread_ctx);
    }
    tcg_set_current(thread_ctx);
    return thread_ctx;
}

/*
 * Globals are handles (offsets into the context), so every thread must
 * create a target's globals in the same order: one initialize per target
 * per context.
 */
void tcg_thread_context_add_ops(const TCGCPUOps *ops)
{
    tcg_thread_context();
    for (unsigned i = 0; i < thread_ctx_ops->len; i++) {
        if (g_ptr_array_index(thread_ctx_ops, i) == ops) {
            return;
        }
    }
    g_ptr_array_add(thread_ctx_ops, (gpointer)ops);
    if (ops->initialize) {
        ops->initialize();
    }
}

bool tcg_cpu_init(CPUState *cpu, void *env, CPUNegativeOffsetState *neg,
                  const TCGCPUOps *ops, AddressSpace *as, Error **errp)
{
    if (!tcg_exec_backend) {
        error_setg(errp, "TCG is not initialized (tcg_exec_init)");
        return false;
    }
    if ((char *)env != (char *)neg + sizeof(*neg)) {
        error_setg(errp, "CPU %d: env must follow CPUNegativeOffsetState",
                   cpu->cpu_index);
        return false;
    }
    cpu->env_ptr = env;
    cpu->neg = neg;
    neg->cpu = cpu;
    cpu->tcg_ops = ops;
    cpu->as = as;
    cpu->exception_index = -1;
    cpu->cflags_next_tb = -1;
    cpu->can_do_io = true;
    tlb_init(cpu);
    cpu->tb_jmp_cache = g_new0(TBJmpCache, 1);
    tcg_thread_context_add_ops(ops);
    tb_lock();
    g_ptr_array_add(tcg_cpus, cpu);
    tb_unlock();
    return true;
}

void tcg_cpu_destroy(CPUState *cpu)
{
    tb_lock();
    g_ptr_array_remove(tcg_cpus, cpu);
    tb_unlock();
    tlb_destroy(cpu);
    g_free(cpu->tb_jmp_cache);
    cpu->tb_jmp_cache = NULL;
}

/* ---- translation ---- */

static void tb_free(TranslationBlock *tb)
{
    g_free(tb->insn_end_off);
    g_free(tb->insn_data);
    g_free(tb->jmp_incoming);
    g_free(tb);
}

/* A TB whose translation was abandoned by a fault (freed on the next one). */
static __thread TranslationBlock *tb_in_progress;

__thread bool tb_gen_bql;
__thread bool tb_gen_want_bql;
__thread bool tb_gen_has_bql;

void tb_gen_release_bql(void)
{
    if (tb_gen_bql) {
        tb_gen_bql = false;
        tcg_io_unlock_fn();
    }
}

/* The BQL for a translation that reads code through the memory API. */
static void tb_gen_take_bql(void)
{
    tb_gen_bql = tcg_io_lock_fn && tcg_io_lock_fn();
    tb_gen_has_bql = true;
}

static void tb_log_in_asm(CPUState *cpu, TranslationBlock *tb, void *host_pc)
{
    FILE *f = qemu_log_lock();

    fprintf(f, "----------------\nIN: \n");
    if (cpu->tcg_ops->disas_log) {
        cpu->tcg_ops->disas_log(f, cpu, tb->pc, tb->size);
    } else if (host_pc) {
        /* Only the first page is at hand; that is enough for a trace. */
        size_t n = MIN((size_t)tb->size, TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK));

        for (size_t i = 0; i < n; i++) {
            if (i % 16 == 0) {
                fprintf(f, "%s0x%016" PRIx64 ":", i ? "\n" : "", tb->pc + i);
            }
            fprintf(f, " %02x", ((uint8_t *)host_pc)[i]);
        }
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
    qemu_log_unlock(f);
}

static void tb_log_out_asm(TranslationBlock *tb)
{
    FILE *f = qemu_log_lock();

    fprintf(f, "OUT: [size=%d]\n", (int)tb->tc.size);
    if (tcg_exec_backend->disas) {
        tcg_exec_backend->disas(f, tb->tc.ptr, tb->tc.size);
    } else {
        const uint8_t *p = tb->tc.ptr;

        for (size_t i = 0; i < tb->tc.size; i++) {
            if (i % 16 == 0) {
                fprintf(f, "%s0x%016" PRIxPTR ":", i ? "\n" : "", (uintptr_t)(p + i));
            }
            fprintf(f, " %02x", p[i]);
        }
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
    qemu_log_unlock(f);
}

/*
 * The code buffer is full (TB lock held once, by tb_gen_code). Other
 * vCPU threads may be running its code: the flush waits for them to
 * leave cpu_exec, which needs the TB lock dropped meanwhile (they may be
 * waiting for it). Another thread's flush in between does as well.
 */
static void tb_gen_flush(void)
{
    unsigned seen = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);

    bool bql = tb_gen_bql;

    if (tb_lock_depth != 1 || tcg_in_exclusive()) {
        tb_flush_locked();
        return;
    }
    tb_unlock();
    /* Other vCPUs may wait for the BQL in cpu_exec; retake in lock order. */
    tb_gen_release_bql();
    tcg_exclusive_flush_if(current_cpu, seen);
    if (bql) {
        tb_gen_take_bql();
    }
    tb_lock();
}

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                              uint32_t flags, uint32_t cflags)
{
    TCGContext *s;
    TranslationBlock *tb;
    void *host_pc = NULL;
    uint64_t phys_pc;
    int max_insns, n, ret, overflows = 0;

    if (tb_in_progress) {
        tb_free(tb_in_progress);
        tb_in_progress = NULL;
    }
    phys_pc = tlb_code_lookup(cpu, pc, &host_pc, false, 0);
    if (!host_pc) {
        /* Not RAM: one insn at a time, never cached (the device may change). */
        cflags = (cflags & ~CF_COUNT_MASK) | 1 | CF_NO_GOTO_TB;
    }
    max_insns = cflags & CF_COUNT_MASK;
    if (max_insns == 0 || max_insns > TCG_MAX_INSNS) {
        max_insns = TCG_MAX_INSNS;
    }

    tb = g_new0(TranslationBlock, 1);
    tb_in_progress = tb;
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->flags = flags;
    tb->cflags = cflags;
    tb->page_addr[0] = host_pc ? phys_pc & TARGET_PAGE_MASK : (uint64_t)-1;
    tb->page_addr[1] = -1;

    tb_gen_release_bql();       /* a previous translation that faulted */
    tb_gen_has_bql = !tcg_io_lock_fn;   /* no BQL to take (unit tests) */
    if (!host_pc || tb_gen_want_bql) {
        tb_gen_take_bql();
    }
    tb_gen_want_bql = false;
    tb_lock();
    s = tcg_thread_context();
    for (;;) {
        /* Other threads may fill a flushed buffer again before we relock. */
        for (int tries = 0; !tcg_region_alloc(s); tries++) {
            if (tries == 8) {
                g_error("tcg: the code buffer cannot hold one block");
            }
            tb_gen_flush();
        }
        for (int i = 0; i < 2; i++) {
            tb->jmp_reset_offset[i] = TB_JMP_OFFSET_INVALID;
            tb->jmp_insn_offset[i] = TB_JMP_OFFSET_INVALID;
            tb->jmp_target_addr[i] = 0;
        }
        tcg_func_start(s);
        s->gen_tb = tb;
        tb_in_asm_logged = false;
        n = max_insns;
        cpu->tcg_ops->translate_code(cpu, tb, &n, pc, host_pc);
        tb->icount = n;
        ret = tcg_gen_code(s, tb);
        if (ret >= 0) {
            break;
        }
        if (ret == -1 && overflows++ < 4) {
            /* The buffer filled up under this TB: start afresh. */
            tb_gen_flush();
            continue;
        }
        /* Too big for the backend's offsets (or a buffer too small). */
        g_assert(max_insns > 1);
        max_insns = (max_insns + 1) / 2;
        tb->page_addr[1] = -1;
    }
    tcg_region_commit(s, ret);
    tb_in_progress = NULL;

    /* The backend's count of insn_starts is what restoring state relies on. */
    tb->icount = s->gen_insn_count;
    tb->insn_end_off = g_new(uint32_t, MAX(1, tb->icount));
    tb->insn_data = g_malloc(sizeof(*tb->insn_data) * MAX(1, tb->icount));
    memcpy(tb->insn_end_off, s->gen_insn_end_off, sizeof(uint32_t) * tb->icount);
    memcpy(tb->insn_data, s->gen_insn_data,
           sizeof(uint64_t) * TCG_INSN_START_WORDS * tb->icount);

    if (host_pc && tb->page_addr[1] == (uint64_t)-1 && tb->size &&
        ((pc ^ (pc + tb->size - 1)) & TARGET_PAGE_MASK)) {
        /* A front end that read the second page without translator_ld*. */
        void *h;
        uint64_t p1 = tlb_code_lookup(cpu, (pc + tb->size - 1) & TARGET_PAGE_MASK,
                                      &h, true, 0);

        tb->page_addr[1] = p1 == (uint64_t)-1 ? p1 : p1 & TARGET_PAGE_MASK;
    }

    if (qemu_loglevel_mask(CPU_LOG_TB_IN_ASM) && !tb_in_asm_logged) {
        tb_log_in_asm(cpu, tb, host_pc);
    }
    if (qemu_loglevel_mask(CPU_LOG_TB_OUT_ASM)) {
        tb_log_out_asm(tb);
    }

    perf_map_add(tb->tc.ptr, tb->tc.size, pc);
    g_ptr_array_add(all_tbs, tb);
    g_tree_insert(tb_tc_tree, tb, tb);
    if (host_pc) {
        tb_link(tb);
    }
    tcg_stats_inc(tbs_translated);
    tb_unlock();
    tb_gen_release_bql();
    return tb;
}

/* ---- host pc -> TB -> guest state ---- */

static gint tb_tc_search(gconstpointer key, gconstpointer data)
{
    const TranslationBlock *tb = key;
    uintptr_t pc = *(const uintptr_t *)data;
    uintptr_t start = (uintptr_t)tb->tc.ptr;

    if (pc < start) {
        return -1;
    }
    return pc >= start + tb->tc.size ? 1 : 0;
}

TranslationBlock *tb_find_by_host_pc(uintptr_t retaddr)
{
    TranslationBlock *tb;
    /* A return address may sit just past the TB's last byte. */
    uintptr_t pc = retaddr - 1;

    if (!retaddr || !tb_tc_tree) {
        return NULL;
    }
    tb_lock();
    tb = g_tree_search(tb_tc_tree, tb_tc_search, &pc);
    tb_unlock();
    return tb;
}

bool cpu_restore_state(CPUState *cpu, uintptr_t retaddr)
{
    TranslationBlock *tb = tb_find_by_host_pc(retaddr);
    uintptr_t off;
    unsigned i;

    if (!tb || tb->icount == 0) {
        return false;
    }
    off = retaddr - (uintptr_t)tb->tc.ptr;
    for (i = 0; i + 1 < tb->icount; i++) {
        if (tb->insn_end_off[i] >= off) {
            break;
        }
    }
    cpu->tcg_ops->restore_state_to_opc(cpu, tb, tb->insn_data[i]);
    return true;
}

/* ---- flushing ---- */

void tb_flush_locked(void)
{
    tb_lock();
    tb_maint_flush();
    for (unsigned i = 0; i < tcg_cpus->len; i++) {
        tb_jmp_cache_reset(g_ptr_array_index(tcg_cpus, i));
    }
    g_tree_destroy(tb_tc_tree);
    tb_tc_tree = g_tree_new_full(tb_tc_cmp, NULL, NULL, NULL);
    for (unsigned i = 0; i < all_tbs->len; i++) {
        tb_free(g_ptr_array_index(all_tbs, i));
    }
    g_ptr_array_set_size(all_tbs, 0);
    tcg_region_reset_all();
    __atomic_fetch_add(&tb_flush_count, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&tb_flush_pending, false, __ATOMIC_RELEASE);
    tcg_stats_inc(tb_flushes);
    tb_unlock();
}

/*
 * From TB code (a helper), the calling vCPU must get back to cpu_exec
 * before its code disappears: the flush is left pending and the vCPU
 * leaves at the next block entry, the way QEMU defers it as safe work.
 * Elsewhere the flush runs in an exclusive section: other vCPU threads
 * are out of cpu_exec while their code goes away.
 */
void tb_flush(CPUState *cpu)
{
    if (!tcg_exec_backend) {
        return;
    }
    if (current_in_tb_code) {
        CPUState *c = cpu ? cpu : current_cpu;

        __atomic_store_n(&tb_flush_pending, true, __ATOMIC_RELEASE);
        __atomic_store_n(&c->neg->icount_decr.u16.high, 0xffff, __ATOMIC_SEQ_CST);
        return;
    }
    tcg_exclusive_flush_if(current_cpu, __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE));
}
