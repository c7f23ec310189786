/*
 * tcg-exclusive.c: what vCPU threads must agree on when several run at
 * once: exclusive sections (start_exclusive waits until every other vCPU
 * is outside cpu_exec, as QEMU's cpus-common.c), the per-vCPU work queue
 * (async_run_on_cpu / run_on_cpu) and the one-instruction exclusive step
 * that atomic operations fall back to (cpu_exec_step_atomic).
 */
#include "qemu/osdep.h"
#include "internal.h"

typedef struct TCGWorkItem {
    struct TCGWorkItem *next;
    run_on_cpu_func func;
    void *data;
    bool sync;              /* run_on_cpu: the caller waits for done */
    bool done;
} TCGWorkItem;

/* Guards every CPUState.running, the work queues and the exclusive state. */
static GMutex excl_lock;
static GCond excl_cond;         /* a running vCPU left cpu_exec */
static GCond excl_resume;       /* an exclusive section ended */
static GCond work_done_cond;    /* a synchronous work item finished */
static bool excl_pending;       /* an exclusive section started or is waiting */
__thread bool tcg_excl_owner;     /* internal.h: read inline on the goto_ptr path */
static __thread bool in_step_atomic;

bool tcg_in_exclusive(void)
{
    return tcg_excl_owner;
}

bool tcg_cpu_parallel(CPUState *cpu)
{
    return (cpu->tcg_cflags & CF_PARALLEL) && !in_step_atomic;
}

void cpu_exec_start(CPUState *cpu)
{
    if (tcg_excl_owner) {
        return;             /* the exclusive step runs inside its own section */
    }
    g_mutex_lock(&excl_lock);
    while (excl_pending) {
        g_cond_wait(&excl_resume, &excl_lock);
    }
    cpu->running = true;
    g_mutex_unlock(&excl_lock);
}

void cpu_exec_end(CPUState *cpu)
{
    if (tcg_excl_owner) {
        return;
    }
    g_mutex_lock(&excl_lock);
    cpu->running = false;
    if (excl_pending) {
        g_cond_broadcast(&excl_cond);
    }
    g_mutex_unlock(&excl_lock);
}

/*
 * The caller must be outside cpu_exec (cpu_exec_end) and hold neither
 * the TB lock nor the BQL: the vCPUs it waits for may need either to
 * get out of their current block.
 */
void start_exclusive(void)
{
    g_assert(!tcg_excl_owner);
    g_mutex_lock(&excl_lock);
    while (excl_pending) {
        g_cond_wait(&excl_resume, &excl_lock);
    }
    excl_pending = true;
    for (;;) {
        bool any = false;

        for (unsigned i = 0; tcg_cpus && i < tcg_cpus->len; i++) {
            CPUState *c = g_ptr_array_index(tcg_cpus, i);

            if (c->running) {
                any = true;
                cpu_exit(c);
            }
        }
        if (!any) {
            break;
        }
        g_cond_wait(&excl_cond, &excl_lock);
    }
    tcg_excl_owner = true;
    g_mutex_unlock(&excl_lock);
}

void end_exclusive(void)
{
    g_assert(tcg_excl_owner);
    g_mutex_lock(&excl_lock);
    tcg_excl_owner = false;
    excl_pending = false;
    g_cond_broadcast(&excl_resume);
    g_mutex_unlock(&excl_lock);
}

/*
 * tb_flush at a point where this thread runs no TB code (cpu is the vCPU
 * it is in cpu_exec for, or NULL): every other vCPU is brought out of
 * cpu_exec first, unless this thread already holds the machine.
 */
void tcg_exclusive_flush_if(CPUState *cpu, unsigned seen)
{
    bool was_running = cpu && cpu->running;

    if (tcg_excl_owner) {
        tb_flush_locked();
        return;
    }
    if (was_running) {
        cpu_exec_end(cpu);
    }
    start_exclusive();
    if (__atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE) == seen) {
        tb_flush_locked();
    }
    end_exclusive();
    if (was_running) {
        cpu_exec_start(cpu);
    }
}

/* ---- work queue ---- */

static void queue_work(CPUState *cpu, TCGWorkItem *wi)
{
    TCGWorkItem **p;

    g_mutex_lock(&excl_lock);
    for (p = &cpu->work_first; *p; p = &(*p)->next) {
        /* append: work runs in the order it was queued */
    }
    *p = wi;
    g_mutex_unlock(&excl_lock);
    cpu_exit(cpu);
    if (tcg_cpu_wake_fn) {
        tcg_cpu_wake_fn(cpu);
    }
}

void async_run_on_cpu(CPUState *cpu, run_on_cpu_func func, void *data)
{
    TCGWorkItem *wi = g_new0(TCGWorkItem, 1);

    wi->func = func;
    wi->data = data;
    queue_work(cpu, wi);
}

void tcg_run_on_cpu_wait(CPUState *cpu, run_on_cpu_func func, void *data)
{
    TCGWorkItem wi = { .func = func, .data = data, .sync = true };

    queue_work(cpu, &wi);
    g_mutex_lock(&excl_lock);
    while (!wi.done) {
        g_cond_wait(&work_done_cond, &excl_lock);
    }
    g_mutex_unlock(&excl_lock);
}

bool cpu_work_pending(CPUState *cpu)
{
    return __atomic_load_n(&cpu->work_first, __ATOMIC_ACQUIRE) != NULL;
}

void process_queued_cpu_work(CPUState *cpu)
{
    g_mutex_lock(&excl_lock);
    while (cpu->work_first) {
        TCGWorkItem *wi = cpu->work_first;

        cpu->work_first = wi->next;
        g_mutex_unlock(&excl_lock);
        wi->func(cpu, wi->data);
        g_mutex_lock(&excl_lock);
        if (wi->sync) {
            wi->done = true;
            g_cond_broadcast(&work_done_cond);
        } else {
            g_free(wi);
        }
    }
    g_mutex_unlock(&excl_lock);
}

/* ---- the exclusive step ---- */

void cpu_loop_exit_atomic(CPUState *cpu, uintptr_t retaddr)
{
    /* Not expected inside the step itself: its TB has no CF_PARALLEL. */
    if (retaddr) {
        cpu_restore_state(cpu, retaddr);
    }
    cpu->exception_index = EXCP_ATOMIC;
    cpu_loop_exit(cpu);
}

void cpu_exec_step_atomic(CPUState *cpu)
{
    start_exclusive();
    in_step_atomic = true;
    /* CF_NOIRQ: a pending kick must not make the step run nothing. */
    tcg_cpu_exec_one(cpu, (curr_cflags(cpu) & ~(CF_PARALLEL | CF_COUNT_MASK)) |
                          CF_NO_GOTO_TB | CF_NO_GOTO_PTR | CF_NOIRQ | 1);
    in_step_atomic = false;
    end_exclusive();
}
