/*
 * tcg-cpus.c: the threads that run TCG vCPUs. thread=single: one thread,
 * every vCPU in turn (tcg_rr_run), started and stopped with the run
 * state, woken when a halted vCPU gets work, and told to flush TLBs when
 * the memory map changes. thread=multi hands each call to tcg-mttcg.c
 * (a thread per vCPU) under the same rules.
 *
 * Locking: the vCPU thread runs guest code and translates without the
 * BQL. It takes the BQL only around device access: MMIO (cputlb.c via
 * tcg_io_read/write) and port I/O (the target's helpers, same calls).
 * Board code that changes vCPU state (reset) first calls tcg_cpus_stop,
 * which returns once the thread is out of guest code and parked.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/exec-all.h"
#include "system/runstate.h"
#include "system/tcg.h"
#include "internal.h"

typedef struct TCGCpus {
    GMutex lock;
    GCond cond;             /* state changes, both directions */
    GThread *thread;
    CPUState *first, *last;
    bool run;               /* the board wants guest code to run */
    bool quit;              /* the thread must end */
    bool parked;            /* the thread is out of guest code and waiting */
    bool wake;              /* a vCPU may have got work */
    volatile bool stop_rr;  /* tells tcg_rr_run to return */
    bool self_stop;         /* the guest asked for a reset/shutdown: park */
    bool flush_tlbs;        /* memory map changed */
} TCGCpus;

static TCGCpus tcg_rr_state = { .parked = true };
static __thread bool tcg_cpus_on_vcpu_thread;

/* BQL for device access, only if this thread does not hold it already. */
static bool tcg_cpus_io_lock(void)
{
    if (bql_locked()) {
        return false;
    }
    bql_lock();
    return true;
}

static void tcg_cpus_io_unlock(void)
{
    bql_unlock();
}

static void tcg_cpus_kick_all(void)
{
    for (CPUState *cpu = tcg_rr_state.first; cpu; cpu = cpu->next_cpu) {
        cpu_exit(cpu);
    }
}

/*
 * runstate_stop_current_vcpu: a reset or shutdown request from guest I/O
 * on the vCPU thread stops guest code now (QEMU's cpu_stop_current), so
 * the guest cannot run on while the main loop serves it. Atomics only:
 * also called from signal handlers.
 */
void tcg_cpus_mark_vcpu_thread(void)
{
    tcg_cpus_on_vcpu_thread = true;
}

static void tcg_cpus_stop_current(void)
{
    if (!tcg_cpus_on_vcpu_thread) {
        return;
    }
    if (tcg_accel_multi) {
        mttcg_stop_current();
        return;
    }
    __atomic_store_n(&tcg_rr_state.self_stop, true, __ATOMIC_SEQ_CST);
    tcg_rr_state.stop_rr = true;
    tcg_cpus_kick_all();
}

static void tcg_cpus_wake(CPUState *cpu)
{
    if (tcg_accel_multi) {
        mttcg_wake(cpu);
        return;
    }
    g_mutex_lock(&tcg_rr_state.lock);
    tcg_rr_state.wake = true;
    g_cond_broadcast(&tcg_rr_state.cond);
    g_mutex_unlock(&tcg_rr_state.lock);
    tcg_rr_kick(cpu);
}

static gpointer tcg_cpus_thread(gpointer opaque)
{
    TCGCpus *s = opaque;

    tcg_cpus_on_vcpu_thread = true;
    g_mutex_lock(&s->lock);
    for (;;) {
        bool flush;

        while (!s->quit && (!s->run || !s->wake)) {
            s->parked = true;
            g_cond_broadcast(&s->cond);
            g_cond_wait(&s->cond, &s->lock);
        }
        if (s->quit) {
            break;
        }
        s->parked = false;
        s->wake = false;
        s->stop_rr = false;
        flush = s->flush_tlbs;
        s->flush_tlbs = false;
        g_mutex_unlock(&s->lock);

        if (flush) {
            for (CPUState *cpu = s->first; cpu; cpu = cpu->next_cpu) {
                tlb_flush(cpu);
            }
        }
        tcg_rr_run(s->first, &s->stop_rr);

        g_mutex_lock(&s->lock);
        if (__atomic_exchange_n(&s->self_stop, false, __ATOMIC_SEQ_CST)) {
            /* Parked until the main loop's reset (or exit) restarts us. */
            s->run = false;
        }
        /*
         * Either stopped, or every vCPU is halted without work: wait
         * for a wake-up (an interrupt, a start) before looking again.
         * A memory map change also needs a pass (to flush).
         */
        if (s->flush_tlbs) {
            s->wake = true;
        }
    }
    s->parked = true;
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
    return NULL;
}

/*
 * thread=multi with more than one vCPU: every TB knows that other vCPUs
 * run at the same time (LOCKed RMWs become host atomics). With a single
 * vCPU nothing else runs guest code (DMA is under the BQL, as with
 * round-robin), so it does without, as QEMU does for max_cpus 1. Keel has
 * no CPU hotplug: vCPUs are all added before the threads first start, so
 * the second one turns it on for every vCPU while none runs.
 */
static void tcg_cpus_set_parallel(void)
{
    if (!tcg_rr_state.first || !tcg_rr_state.first->next_cpu) {
        return;
    }
    for (CPUState *cpu = tcg_rr_state.first; cpu; cpu = cpu->next_cpu) {
        cpu->tcg_cflags |= CF_PARALLEL;
    }
}

void tcg_cpus_add(CPUState *cpu)
{
    g_mutex_lock(&tcg_rr_state.lock);
    cpu->next_cpu = NULL;
    if (tcg_rr_state.last) {
        tcg_rr_state.last->next_cpu = cpu;
    } else {
        tcg_rr_state.first = cpu;
    }
    tcg_rr_state.last = cpu;
    runstate_stop_current_vcpu = tcg_cpus_stop_current;
    tcg_io_lock_fn = tcg_cpus_io_lock;
    tcg_io_unlock_fn = tcg_cpus_io_unlock;
    tcg_cpu_wake_fn = tcg_cpus_wake;
    g_mutex_unlock(&tcg_rr_state.lock);
    if (tcg_accel_multi) {
        tcg_cpus_set_parallel();
        mttcg_add(cpu);
    }
}

void tcg_cpus_start(void)
{
    if (tcg_accel_multi) {
        mttcg_start();
        return;
    }
    g_mutex_lock(&tcg_rr_state.lock);
    if (!tcg_rr_state.first || tcg_rr_state.quit) {
        g_mutex_unlock(&tcg_rr_state.lock);
        return;
    }
    tcg_rr_state.run = true;
    tcg_rr_state.wake = true;
    if (!tcg_rr_state.thread) {
        tcg_rr_state.parked = false;
        tcg_rr_state.thread = g_thread_new("CPU 0/TCG", tcg_cpus_thread, &tcg_rr_state);
    }
    g_cond_broadcast(&tcg_rr_state.cond);
    g_mutex_unlock(&tcg_rr_state.lock);
}

/* Wait (lock held) until the thread is parked; the BQL is not held. */
static void tcg_cpus_wait_parked(void)
{
    while (tcg_rr_state.thread && !tcg_rr_state.parked) {
        tcg_rr_state.stop_rr = true;
        tcg_cpus_kick_all();
        g_cond_wait(&tcg_rr_state.cond, &tcg_rr_state.lock);
    }
}

void tcg_cpus_stop(void)
{
    bool locked = bql_locked();

    if (tcg_accel_multi) {
        mttcg_stop();
        return;
    }
    g_mutex_lock(&tcg_rr_state.lock);
    if (tcg_rr_state.thread && g_thread_self() == tcg_rr_state.thread) {
        /* From guest I/O on the vCPU thread: it parks once back in the loop. */
        tcg_rr_state.run = false;
        tcg_rr_state.stop_rr = true;
        tcg_cpus_kick_all();
        g_mutex_unlock(&tcg_rr_state.lock);
        return;
    }
    g_mutex_unlock(&tcg_rr_state.lock);
    if (locked) {
        bql_unlock();
    }
    g_mutex_lock(&tcg_rr_state.lock);
    tcg_rr_state.run = false;
    tcg_cpus_wait_parked();
    g_mutex_unlock(&tcg_rr_state.lock);
    if (locked) {
        bql_lock();
    }
}

void tcg_cpus_shutdown(void)
{
    GThread *t;
    bool locked = bql_locked();

    if (tcg_accel_multi) {
        mttcg_shutdown();
        return;
    }
    if (locked) {
        bql_unlock();
    }
    g_mutex_lock(&tcg_rr_state.lock);
    tcg_rr_state.run = false;
    tcg_rr_state.quit = true;
    tcg_rr_state.stop_rr = true;
    tcg_cpus_kick_all();
    g_cond_broadcast(&tcg_rr_state.cond);
    t = tcg_rr_state.thread;
    tcg_rr_state.thread = NULL;
    g_mutex_unlock(&tcg_rr_state.lock);
    /*
     * exit() may be called from the vCPU thread itself (isa-debug-exit):
     * it must not join itself.
     */
    if (t && t != g_thread_self()) {
        g_thread_join(t);
    } else if (t) {
        g_thread_unref(t);
    }
    if (locked) {
        bql_lock();
    }
}

void tcg_cpus_flush_tlbs(void)
{
    if (tcg_accel_multi) {
        mttcg_flush_tlbs();
        return;
    }
    g_mutex_lock(&tcg_rr_state.lock);
    tcg_rr_state.flush_tlbs = true;
    tcg_rr_state.wake = true;
    if (tcg_rr_state.thread && !tcg_rr_state.parked) {
        /* Out of guest code so the flush happens before the next block. */
        tcg_rr_state.stop_rr = true;
        tcg_cpus_kick_all();
    }
    g_cond_broadcast(&tcg_rr_state.cond);
    g_mutex_unlock(&tcg_rr_state.lock);
}
