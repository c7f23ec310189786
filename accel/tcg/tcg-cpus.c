/*
 * tcg-cpus.c: the thread that runs TCG vCPUs: one thread, every vCPU in
 * turn (tcg_rr_run), started and stopped with the run state, woken when
 * a halted vCPU gets work, and told to flush TLBs when the memory map
 * changes. Multi-threaded TCG is not here (thread=multi runs this too).
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

static TCGCpus tcg_cpus = { .parked = true };
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
    for (CPUState *cpu = tcg_cpus.first; cpu; cpu = cpu->next_cpu) {
        cpu_exit(cpu);
    }
}

/*
 * runstate_stop_current_vcpu: a reset or shutdown request from guest I/O
 * on the vCPU thread stops guest code now (QEMU's cpu_stop_current), so
 * the guest cannot run on while the main loop serves it. Atomics only:
 * also called from signal handlers.
 */
static void tcg_cpus_stop_current(void)
{
    if (!tcg_cpus_on_vcpu_thread) {
        return;
    }
    __atomic_store_n(&tcg_cpus.self_stop, true, __ATOMIC_SEQ_CST);
    tcg_cpus.stop_rr = true;
    tcg_cpus_kick_all();
}

static void tcg_cpus_wake(CPUState *cpu)
{
    g_mutex_lock(&tcg_cpus.lock);
    tcg_cpus.wake = true;
    g_cond_broadcast(&tcg_cpus.cond);
    g_mutex_unlock(&tcg_cpus.lock);
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

void tcg_cpus_add(CPUState *cpu)
{
    g_mutex_lock(&tcg_cpus.lock);
    cpu->next_cpu = NULL;
    if (tcg_cpus.last) {
        tcg_cpus.last->next_cpu = cpu;
    } else {
        tcg_cpus.first = cpu;
    }
    tcg_cpus.last = cpu;
    runstate_stop_current_vcpu = tcg_cpus_stop_current;
    tcg_io_lock_fn = tcg_cpus_io_lock;
    tcg_io_unlock_fn = tcg_cpus_io_unlock;
    tcg_cpu_wake_fn = tcg_cpus_wake;
    g_mutex_unlock(&tcg_cpus.lock);
}

void tcg_cpus_start(void)
{
    g_mutex_lock(&tcg_cpus.lock);
    if (!tcg_cpus.first || tcg_cpus.quit) {
        g_mutex_unlock(&tcg_cpus.lock);
        return;
    }
    tcg_cpus.run = true;
    tcg_cpus.wake = true;
    if (!tcg_cpus.thread) {
        tcg_cpus.parked = false;
        tcg_cpus.thread = g_thread_new("CPU 0/TCG", tcg_cpus_thread, &tcg_cpus);
    }
    g_cond_broadcast(&tcg_cpus.cond);
    g_mutex_unlock(&tcg_cpus.lock);
}

/* Wait (lock held) until the thread is parked; the BQL is not held. */
static void tcg_cpus_wait_parked(void)
{
    while (tcg_cpus.thread && !tcg_cpus.parked) {
        tcg_cpus.stop_rr = true;
        tcg_cpus_kick_all();
        g_cond_wait(&tcg_cpus.cond, &tcg_cpus.lock);
    }
}

void tcg_cpus_stop(void)
{
    bool locked = bql_locked();

    g_mutex_lock(&tcg_cpus.lock);
    if (tcg_cpus.thread && g_thread_self() == tcg_cpus.thread) {
        /* From guest I/O on the vCPU thread: it parks once back in the loop. */
        tcg_cpus.run = false;
        tcg_cpus.stop_rr = true;
        tcg_cpus_kick_all();
        g_mutex_unlock(&tcg_cpus.lock);
        return;
    }
    g_mutex_unlock(&tcg_cpus.lock);
    if (locked) {
        bql_unlock();
    }
    g_mutex_lock(&tcg_cpus.lock);
    tcg_cpus.run = false;
    tcg_cpus_wait_parked();
    g_mutex_unlock(&tcg_cpus.lock);
    if (locked) {
        bql_lock();
    }
}

void tcg_cpus_shutdown(void)
{
    GThread *t;
    bool locked = bql_locked();

    if (locked) {
        bql_unlock();
    }
    g_mutex_lock(&tcg_cpus.lock);
    tcg_cpus.run = false;
    tcg_cpus.quit = true;
    tcg_cpus.stop_rr = true;
    tcg_cpus_kick_all();
    g_cond_broadcast(&tcg_cpus.cond);
    t = tcg_cpus.thread;
    tcg_cpus.thread = NULL;
    g_mutex_unlock(&tcg_cpus.lock);
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
    g_mutex_lock(&tcg_cpus.lock);
    tcg_cpus.flush_tlbs = true;
    tcg_cpus.wake = true;
    if (tcg_cpus.thread && !tcg_cpus.parked) {
        /* Out of guest code so the flush happens before the next block. */
        tcg_cpus.stop_rr = true;
        tcg_cpus_kick_all();
    }
    g_cond_broadcast(&tcg_cpus.cond);
    g_mutex_unlock(&tcg_cpus.lock);
}
