/*
 * tcg-mttcg.c: -accel tcg,thread=multi: one host thread per vCPU, each
 * running cpu_exec on its own vCPU. A halted vCPU's thread sleeps on its
 * condition variable until cpu_interrupt, queued work or a state change
 * wakes it. tcg-cpus.c calls in here for start/stop/shutdown and memory
 * map changes when thread=multi is on; the locking rules are its own.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "internal.h"

typedef struct TCGCPUThread {
    CPUState *cpu;
    GThread *thread;
    GCond cond;             /* wakes this thread */
    bool parked;            /* waiting, out of guest code */
    bool wake;              /* an interrupt or work may be there */
    bool flush_tlb;         /* the memory map changed */
} TCGCPUThread;

static struct {
    GMutex lock;            /* everything here and in TCGCPUThread */
    GCond parked_cond;      /* a thread parked */
    GPtrArray *threads;
    bool run;               /* the board wants guest code to run */
    bool quit;
    bool self_stop;         /* guest reset/shutdown from a vCPU: atomic */
} mt;

static bool mttcg_idle(CPUState *cpu)
{
    return cpu->halted && !cpu_work_pending(cpu) &&
           !(cpu->tcg_ops->cpu_has_work && cpu->tcg_ops->cpu_has_work(cpu));
}

static void mttcg_kick_all(void)
{
    for (unsigned i = 0; mt.threads && i < mt.threads->len; i++) {
        TCGCPUThread *t = g_ptr_array_index(mt.threads, i);

        cpu_exit(t->cpu);
    }
}

static gpointer mttcg_thread(gpointer opaque)
{
    TCGCPUThread *t = opaque;
    CPUState *cpu = t->cpu;

    tcg_cpus_mark_vcpu_thread();
    g_mutex_lock(&mt.lock);
    for (;;) {
        bool flush, run;

        /* Queued work runs even while stopped (run_on_cpu waits for it). */
        while (!mt.quit && !cpu_work_pending(cpu) &&
               (!mt.run || (!t->wake && !t->flush_tlb && mttcg_idle(cpu)))) {
            t->parked = true;
            g_cond_broadcast(&mt.parked_cond);
            g_cond_wait(&t->cond, &mt.lock);
        }
        if (mt.quit) {
            break;
        }
        t->parked = false;
        run = mt.run;
        if (run) {
            t->wake = false;
        }
        flush = t->flush_tlb;
        t->flush_tlb = false;
        g_mutex_unlock(&mt.lock);

        if (flush) {
            tlb_flush(cpu);
        }
        process_queued_cpu_work(cpu);
        if (run && cpu_exec(cpu) == EXCP_ATOMIC) {
            cpu_exec_step_atomic(cpu);
        }
        /* We are back in the loop, which is what a kick asks for. */
        __atomic_store_n(&cpu->exit_request, false, __ATOMIC_SEQ_CST);

        g_mutex_lock(&mt.lock);
        if (__atomic_exchange_n(&mt.self_stop, false, __ATOMIC_SEQ_CST)) {
            /* Parked until the main loop's reset (or exit) restarts us. */
            mt.run = false;
            mttcg_kick_all();
        }
    }
    t->parked = true;
    g_cond_broadcast(&mt.parked_cond);
    g_mutex_unlock(&mt.lock);
    return NULL;
}

void run_on_cpu(CPUState *cpu, run_on_cpu_func func, void *data)
{
    bool locked;

    if (current_cpu == cpu) {
        func(cpu, data);
        return;
    }
    /* The vCPU may need the BQL to finish the I/O it is in. */
    locked = bql_locked();
    if (locked) {
        bql_unlock();
    }
    tcg_run_on_cpu_wait(cpu, func, data);
    if (locked) {
        bql_lock();
    }
}

void mttcg_wake(CPUState *cpu)
{
    TCGCPUThread *t = cpu->thread;

    if (!t) {
        return;
    }
    g_mutex_lock(&mt.lock);
    t->wake = true;
    g_cond_signal(&t->cond);
    g_mutex_unlock(&mt.lock);
}

void mttcg_add(CPUState *cpu)
{
    TCGCPUThread *t = g_new0(TCGCPUThread, 1);

    g_mutex_lock(&mt.lock);
    if (!mt.threads) {
        mt.threads = g_ptr_array_new();
    }
    t->cpu = cpu;
    t->parked = true;
    g_cond_init(&t->cond);
    cpu->thread = t;
    g_ptr_array_add(mt.threads, t);
    g_mutex_unlock(&mt.lock);
}

void mttcg_start(void)
{
    g_mutex_lock(&mt.lock);
    if (!mt.threads || mt.quit) {
        g_mutex_unlock(&mt.lock);
        return;
    }
    mt.run = true;
    for (unsigned i = 0; i < mt.threads->len; i++) {
        TCGCPUThread *t = g_ptr_array_index(mt.threads, i);

        t->wake = true;
        if (!t->thread) {
            g_autofree char *name = g_strdup_printf("CPU %d/TCG", t->cpu->cpu_index);

            t->parked = false;
            t->thread = g_thread_new(name, mttcg_thread, t);
        }
        g_cond_signal(&t->cond);
    }
    g_mutex_unlock(&mt.lock);
}

static bool mttcg_on_vcpu_thread(void)
{
    for (unsigned i = 0; mt.threads && i < mt.threads->len; i++) {
        TCGCPUThread *t = g_ptr_array_index(mt.threads, i);

        if (t->thread && t->thread == g_thread_self()) {
            return true;
        }
    }
    return false;
}

static bool mttcg_all_parked(void)
{
    for (unsigned i = 0; i < mt.threads->len; i++) {
        TCGCPUThread *t = g_ptr_array_index(mt.threads, i);

        if (t->thread && !t->parked) {
            return false;
        }
    }
    return true;
}

void mttcg_stop(void)
{
    bool locked;

    g_mutex_lock(&mt.lock);
    if (!mt.threads) {
        g_mutex_unlock(&mt.lock);
        return;
    }
    mt.run = false;
    mttcg_kick_all();
    if (mttcg_on_vcpu_thread()) {
        /* From guest I/O on a vCPU thread: they all park once back in the loop. */
        g_mutex_unlock(&mt.lock);
        return;
    }
    g_mutex_unlock(&mt.lock);
    /* A vCPU may need the BQL to finish the I/O it is in. */
    locked = bql_locked();
    if (locked) {
        bql_unlock();
    }
    g_mutex_lock(&mt.lock);
    while (!mttcg_all_parked()) {
        mttcg_kick_all();
        g_cond_wait(&mt.parked_cond, &mt.lock);
    }
    g_mutex_unlock(&mt.lock);
    if (locked) {
        bql_lock();
    }
}

void mttcg_stop_current(void)
{
    /* Atomics only: also called from signal handlers. */
    __atomic_store_n(&mt.self_stop, true, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; mt.threads && i < mt.threads->len; i++) {
        cpu_exit(((TCGCPUThread *)g_ptr_array_index(mt.threads, i))->cpu);
    }
}

void mttcg_shutdown(void)
{
    g_autoptr(GPtrArray) join = g_ptr_array_new();
    bool locked = bql_locked();

    if (locked) {
        bql_unlock();
    }
    if (current_cpu && current_cpu->running) {
        /*
         * exit() from guest I/O: this vCPU never goes back to its block,
         * and another one may be waiting for it in start_exclusive.
         */
        cpu_exec_end(current_cpu);
    }
    g_mutex_lock(&mt.lock);
    mt.run = false;
    mt.quit = true;
    for (unsigned i = 0; mt.threads && i < mt.threads->len; i++) {
        TCGCPUThread *t = g_ptr_array_index(mt.threads, i);

        cpu_exit(t->cpu);
        g_cond_signal(&t->cond);
        if (t->thread) {
            g_ptr_array_add(join, t->thread);
            t->thread = NULL;
        }
    }
    g_mutex_unlock(&mt.lock);
    /* exit() may come from a vCPU thread itself (isa-debug-exit). */
    for (unsigned i = 0; i < join->len; i++) {
        GThread *th = g_ptr_array_index(join, i);

        if (th != g_thread_self()) {
            g_thread_join(th);
        } else {
            g_thread_unref(th);
        }
    }
    if (locked) {
        bql_lock();
    }
}

void mttcg_flush_tlbs(void)
{
    g_mutex_lock(&mt.lock);
    for (unsigned i = 0; mt.threads && i < mt.threads->len; i++) {
        TCGCPUThread *t = g_ptr_array_index(mt.threads, i);

        t->flush_tlb = true;
        cpu_exit(t->cpu);
        g_cond_signal(&t->cond);
    }
    g_mutex_unlock(&mt.lock);
}
