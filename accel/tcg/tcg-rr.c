/*
 * tcg-rr.c: round-robin execution of several vCPUs on one thread, QEMU's
 * single-threaded TCG. Each vCPU runs until it returns on its own (halt,
 * exit request, yield) or until the kick timer, a helper thread that
 * calls cpu_exit on whichever vCPU is running every 10 ms, ends its
 * slice. Halted vCPUs without work are skipped.
 */
#include "qemu/osdep.h"
#include "internal.h"

#define TCG_RR_SLICE_US (10 * 1000)

typedef struct TCGRRKicker {
    GMutex lock;
    GCond cond;
    bool done;
    CPUState *running;          /* the vCPU in cpu_exec now, or NULL */
} TCGRRKicker;

/* The kicker of the tcg_rr_run in progress (one at a time), or NULL. */
static TCGRRKicker *tcg_rr_current;
static GMutex tcg_rr_current_lock;

/*
 * Another vCPU got work (an interrupt, queued work): end the running
 * vCPU's slice now rather than at the next 10 ms kick, so that the
 * interrupt is taken without waiting behind a vCPU that spins (QEMU's
 * round-robin kicks the same way). Any thread.
 */
void tcg_rr_kick(CPUState *woken)
{
    g_mutex_lock(&tcg_rr_current_lock);
    if (tcg_rr_current) {
        g_mutex_lock(&tcg_rr_current->lock);
        if (tcg_rr_current->running && tcg_rr_current->running != woken) {
            cpu_exit(tcg_rr_current->running);
        }
        g_mutex_unlock(&tcg_rr_current->lock);
    }
    g_mutex_unlock(&tcg_rr_current_lock);
}

static gpointer tcg_rr_kick_thread(gpointer opaque)
{
    TCGRRKicker *k = opaque;

    g_mutex_lock(&k->lock);
    while (!k->done) {
        gint64 deadline = g_get_monotonic_time() + TCG_RR_SLICE_US;

        while (!k->done && g_cond_wait_until(&k->cond, &k->lock, deadline)) {
            /* woken early: only "done" matters */
        }
        if (!k->done && k->running) {
            cpu_exit(k->running);
        }
    }
    g_mutex_unlock(&k->lock);
    return NULL;
}

static bool tcg_rr_cpu_idle(CPUState *cpu)
{
    return cpu->halted &&
           !(cpu->tcg_ops->cpu_has_work && cpu->tcg_ops->cpu_has_work(cpu));
}

int tcg_rr_run(CPUState *first, volatile bool *stop)
{
    TCGRRKicker k = { .done = false };
    GThread *thread;
    int ret = EXCP_HALTED;
    bool debug = false;

    g_mutex_init(&k.lock);
    g_cond_init(&k.cond);
    thread = g_thread_new("tcg-rr-kick", tcg_rr_kick_thread, &k);
    g_mutex_lock(&tcg_rr_current_lock);
    tcg_rr_current = &k;
    g_mutex_unlock(&tcg_rr_current_lock);

    while (!*stop && !debug) {
        bool ran = false;

        for (CPUState *cpu = first; cpu && !*stop && !debug; cpu = cpu->next_cpu) {
            if (tcg_rr_cpu_idle(cpu)) {
                continue;
            }
            g_mutex_lock(&k.lock);
            k.running = cpu;
            g_mutex_unlock(&k.lock);

            ret = cpu_exec(cpu);

            g_mutex_lock(&k.lock);
            k.running = NULL;
            g_mutex_unlock(&k.lock);
            /* A kick that landed after the vCPU left must not cut its next slice. */
            __atomic_store_n(&cpu->exit_request, false, __ATOMIC_SEQ_CST);
            ran = true;
            debug = ret == EXCP_DEBUG;     /* the debugger wants the machine */
        }
        if (!ran) {
            break;      /* everyone is halted with nothing to do */
        }
    }

    g_mutex_lock(&tcg_rr_current_lock);
    tcg_rr_current = NULL;
    g_mutex_unlock(&tcg_rr_current_lock);
    g_mutex_lock(&k.lock);
    k.done = true;
    g_cond_signal(&k.cond);
    g_mutex_unlock(&k.lock);
    g_thread_join(thread);
    g_mutex_clear(&k.lock);
    g_cond_clear(&k.cond);
    return ret;
}
