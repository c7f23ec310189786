/*
 * test-tcg-mttcg.c: the TCG execution engine with several vCPU threads at
 * once (thread=multi), on the toy guest (toy-isa.h): atomic increments
 * summing exactly (host atomics, compare-and-swap retries, the exclusive
 * step), the same code translated by several threads, self-modifying code
 * invalidated while another thread runs it, tb_flush while others run,
 * and tcg-mttcg.c's threads: a halted vCPU woken by cpu_interrupt from
 * another thread, run_on_cpu, stop and restart. Each case runs per
 * backend in its own subprocess (tcg_exec_init is once per process).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg.h"
#include "system/tcg.h"
#include "toy-isa.h"

#define MAX_CPUS 4

static ToyMachine machine;

static ToyCPU *parallel_cpu(int index, uint64_t pc)
{
    ToyCPU *c = toy_cpu_new(&machine, index, pc);

    c->parent.tcg_cflags |= CF_PARALLEL;
    return c;
}

/* What a thread=multi vCPU thread does, until the vCPU halts. */
static int run_until_halt(ToyCPU *c)
{
    int r;

    for (;;) {
        r = cpu_exec(&c->parent);
        if (r == EXCP_ATOMIC) {
            cpu_exec_step_atomic(&c->parent);
        } else if (r != EXCP_INTERRUPT) {
            return r;
        }
    }
}

/* The vCPU threads start together, so that they really overlap. */
static int threads_ready;
static bool threads_go;

static gpointer vcpu_thread(gpointer opaque)
{
    ToyCPU *c = opaque;

    __atomic_fetch_add(&threads_ready, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&threads_go, __ATOMIC_SEQ_CST)) {
        g_usleep(100);
    }
    return GINT_TO_POINTER(run_until_halt(c));
}

/* Start n vCPUs at the given pcs on their own threads, wait until all halt. */
static void run_threads(ToyCPU **cpus, int n)
{
    GThread *t[MAX_CPUS];

    threads_ready = 0;
    threads_go = false;
    for (int i = 0; i < n; i++) {
        t[i] = g_thread_new("vcpu", vcpu_thread, cpus[i]);
    }
    while (__atomic_load_n(&threads_ready, __ATOMIC_SEQ_CST) < n) {
        g_usleep(100);
    }
    __atomic_store_n(&threads_go, true, __ATOMIC_SEQ_CST);
    for (int i = 0; i < n; i++) {
        g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(t[i])), ==, EXCP_HLT);
    }
}

/* ---- (1) atomic increments ---- */

#define INCS 100000
#define COUNTER_A 0x300000      /* XADD */
#define COUNTER_B 0x300040      /* CASADD: load + compare-and-swap */
#define COUNTER_C 0x30007c      /* XADD across a cache line: exclusive step */
#define INCS_SPLIT 2000

/*
 * r1 counts down from n; each round adds 1 to the counter at imm through
 * the atomic instruction given; r7 sums what XADD returned (all distinct
 * old values: checked by the total).
 */
static void load_inc_loop(uint64_t base, uint64_t insn, int n)
{
    const uint64_t prog[] = {
        T_LI(1, n), T_LI(2, 1), T_LI(3, 0), T_LI(0, 0),
        insn,                   /* base + 0x20 */
        T_SUB(1, 1, 2),
        T_BNE(1, 3, -16),
        T_HLT(),
    };

    toy_load(&machine, base, prog, G_N_ELEMENTS(prog));
}

static void atomic_case(uint64_t insn, uint64_t counter, int n, int ncpus)
{
    ToyCPU *c[MAX_CPUS];
    TCGStats a, b;

    toy_ram_stq(&machine, counter, 0);
    for (int i = 0; i < ncpus; i++) {
        load_inc_loop(0x40000 + i * 0x1000, insn, n);
        c[i] = parallel_cpu(i, 0x40000 + i * 0x1000);
    }
    tcg_get_stats(&a);
    run_threads(c, ncpus);
    tcg_get_stats(&b);
    /* Any lost update (a plain load/add/store) shows as a smaller total. */
    g_assert_cmpuint(toy_ram_ldq(&machine, counter), ==, (uint64_t)n * ncpus);
    for (int i = 0; i < ncpus; i++) {
        g_assert_cmpuint(c[i]->env.regs[1], ==, 0);
        toy_cpu_free(c[i]);
    }
    if (g_test_verbose()) {
        g_test_message("%d x %d: %" PRIu64 " compare-and-swap retries", ncpus, n,
                       b.atomic_retries - a.atomic_retries);
    }
}

static void case_atomic_xadd(void)
{
    atomic_case(T_XADD(4, 0, 2, COUNTER_A), COUNTER_A, INCS, MAX_CPUS);
}

static void case_atomic_cas(void)
{
    atomic_case(T_CASADD(0, 2, COUNTER_B), COUNTER_B, INCS, MAX_CPUS);
}

static void case_atomic_split(void)
{
    /* Host atomics refuse the split; every increment is an exclusive step. */
    atomic_case(T_XADD(4, 0, 2, COUNTER_C), COUNTER_C, INCS_SPLIT, 3);
}

/* ---- (2) the same code translated by several threads at once ---- */

#define BLOCKS 200

static void case_same_code(void)
{
    ToyCPU *c[MAX_CPUS];
    uint64_t prog[BLOCKS * 3 + 2];
    TCGStats a, b;

    /* BLOCKS blocks, each ending with a taken branch, adding 1..BLOCKS to r4. */
    prog[0] = T_LI(3, 1);
    for (int i = 0; i < BLOCKS; i++) {
        prog[1 + 3 * i] = T_LI(5, i + 1);
        prog[2 + 3 * i] = T_ADD(4, 4, 5);
        prog[3 + 3 * i] = T_BNE(3, 0, 8);
    }
    prog[BLOCKS * 3 + 1] = T_HLT();
    toy_load(&machine, 0x80000, prog, G_N_ELEMENTS(prog));
    for (int round = 0; round < 3; round++) {
        tb_flush(NULL);
        tcg_get_stats(&a);
        for (int i = 0; i < MAX_CPUS; i++) {
            c[i] = parallel_cpu(i, 0x80000);
        }
        run_threads(c, MAX_CPUS);
        tcg_get_stats(&b);
        for (int i = 0; i < MAX_CPUS; i++) {
            g_assert_cmpuint(c[i]->env.regs[4], ==, (uint64_t)BLOCKS * (BLOCKS + 1) / 2);
            toy_cpu_free(c[i]);
        }
        /* A racing translation may be done by each thread, never more. */
        g_assert_cmpuint(b.tbs_translated - a.tbs_translated, >=, BLOCKS);
        g_assert_cmpuint(b.tbs_translated - a.tbs_translated, <=,
                         (uint64_t)MAX_CPUS * (BLOCKS + 2));
    }
}

/* ---- (3) self-modifying code while another thread runs it ---- */

static void case_smc_concurrent(void)
{
    /* A: spins on "LI r5, 1" until r5 == 2. */
    const uint64_t spin[] = {
        T_LI(6, 2),
        T_LI(5, 1),             /* 0x50008: rewritten to LI r5, 2 */
        T_BNE(5, 6, -8),
        T_HLT(),
    };
    /* B: burns some time, then stores the new instruction over A's. */
    const uint64_t patch[] = {
        T_LI(1, 50000), T_LI(2, 1), T_LI(3, 0),
        T_SUB(1, 1, 2),
        T_BNE(1, 3, -8),
        T_LI(7, 0x50008),
        T_LD(4, 7, 0x1000),     /* the new insn, kept at 0x51008 */
        T_ST(4, 7, 0),
        T_HLT(),
    };
    const uint64_t newinsn = T_LI(5, 2);
    ToyCPU *c[2];

    toy_load(&machine, 0x50000, spin, G_N_ELEMENTS(spin));
    toy_load(&machine, 0x51008, &newinsn, 1);
    toy_load(&machine, 0x60000, patch, G_N_ELEMENTS(patch));
    c[0] = parallel_cpu(0, 0x50000);
    c[1] = parallel_cpu(1, 0x60000);
    run_threads(c, 2);
    g_assert_cmpuint(c[0]->env.regs[5], ==, 2);
    g_assert_cmphex(c[0]->env.pc, ==, 0x50020);
    toy_cpu_free(c[0]);
    toy_cpu_free(c[1]);
}

/* ---- (4) tb_flush while other threads run translated code ---- */

typedef struct Flusher {
    volatile bool stop;
    int flushes;
} Flusher;

/* Guest RAM word the flusher sets after its first flush: the vCPUs spin on
 * it before halting, so at least one flush lands while they run however
 * the host schedules the threads. */
#define FLUSH_SEEN_FLAG 0x9f000

static gpointer flusher_thread(gpointer opaque)
{
    Flusher *f = opaque;
    const uint64_t one = 1;

    while (!f->stop && f->flushes < 200) {
        tb_flush(NULL);
        f->flushes++;
        if (f->flushes == 1) {
            toy_load(&machine, FLUSH_SEEN_FLAG, &one, 1);
        }
        g_usleep(200);
    }
    return NULL;
}

static void case_flush_while_running(void)
{
    ToyCPU *c[3];
    Flusher f = { .stop = false };
    GThread *t;
    TCGStats a, b;
    const uint64_t n = 300000, zero = 0;

    toy_load(&machine, FLUSH_SEEN_FLAG, &zero, 1);
    for (int i = 0; i < 3; i++) {
        const uint64_t prog[] = {
            T_LI(1, 0), T_LI(2, n), T_LI(3, 1), T_LI(4, 0),
            T_ADD(1, 1, 3),
            T_ADD(4, 4, 1),
            T_BNE(1, 2, -16),
            /* then wait for the flusher's first flush */
            T_LI(6, FLUSH_SEEN_FLAG), T_LI(7, 0),
            T_LD(5, 6, 0),
            T_BNE(5, 7, 16),        /* flag set: to the HLT */
            T_BNE(6, 7, -16),       /* always taken: load again */
            T_HLT(),
        };

        toy_load(&machine, 0x90000 + i * 0x1000, prog, G_N_ELEMENTS(prog));
        c[i] = parallel_cpu(i, 0x90000 + i * 0x1000);
    }
    tcg_get_stats(&a);
    t = g_thread_new("flush", flusher_thread, &f);
    run_threads(c, 3);
    f.stop = true;
    g_thread_join(t);
    tcg_get_stats(&b);
    for (int i = 0; i < 3; i++) {
        g_assert_cmpuint(c[i]->env.regs[4], ==, n * (n + 1) / 2);
        toy_cpu_free(c[i]);
    }
    g_assert_cmpuint(b.tb_flushes - a.tb_flushes, >=, 1);
    g_assert_cmpuint(b.tb_flushes - a.tb_flushes, ==, (uint64_t)f.flushes);
}

/* ---- (5) tcg-mttcg.c: a thread per vCPU, halt and wake-up ---- */

static bool wait_for_ram(uint64_t paddr, uint64_t want)
{
    /* Bounded: 10 s. */
    for (int i = 0; i < 10000; i++) {
        if (toy_ram_ldq(&machine, paddr) == want) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

static void note_thread(CPUState *cpu, void *data)
{
    *(GThread **)data = g_thread_self();
}

static void case_threads_wake(void)
{
    ToyCPU *c0, *c1;
    /* c0 halts at once; its interrupt handler stores 77 and halts again. */
    const uint64_t halt[] = { T_HLT() };
    const uint64_t handler[] = {
        T_LI(1, 77), T_LI(2, 0xa1000), T_ST(1, 2, 0), T_HLT(),
    };
    /* c1 counts in RAM forever. */
    const uint64_t count[] = {
        T_LI(3, 1), T_LI(2, 0xa2000),
        T_ADD(1, 1, 3),
        T_ST(1, 2, 0),
        T_BNE(3, 0, -16),
    };
    uint64_t seen;
    GThread *who, *other;

    g_assert_true(tcg_accel_set_option("thread", "multi", &error_abort));
    toy_load(&machine, 0xa0000, halt, 1);
    toy_load(&machine, 0xa0800, handler, G_N_ELEMENTS(handler));
    toy_load(&machine, 0xa3000, count, G_N_ELEMENTS(count));
    toy_ram_stq(&machine, 0xa1000, 0);
    c0 = toy_cpu_new(&machine, 0, 0xa0000);
    c1 = toy_cpu_new(&machine, 1, 0xa3000);
    c0->irq_handler = 0xa0800;
    tcg_cpus_add(&c0->parent);
    tcg_cpus_add(&c1->parent);
    g_assert_true(c0->parent.tcg_cflags & CF_PARALLEL);
    tcg_cpus_start();

    /* c1 runs on its own thread while c0 sleeps halted. */
    for (int i = 0; i < 10000 && toy_ram_ldq(&machine, 0xa2000) < 1000; i++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(toy_ram_ldq(&machine, 0xa2000), >=, 1000);
    for (int i = 0; i < 10000 && !__atomic_load_n(&c0->parent.halted, __ATOMIC_SEQ_CST); i++) {
        g_usleep(1000);
    }
    g_assert_true(c0->parent.halted);
    g_assert_cmpuint(toy_ram_ldq(&machine, 0xa1000), ==, 0);

    /* An interrupt from this (non-vCPU) thread wakes c0's thread. */
    cpu_interrupt(&c0->parent, CPU_INTERRUPT_HARD);
    g_assert_true(wait_for_ram(0xa1000, 77));

    /* run_on_cpu: on the vCPU's own thread, the running one and the halted one. */
    who = NULL;
    run_on_cpu(&c1->parent, note_thread, &who);
    g_assert_true(who != NULL && who != g_thread_self());
    other = who;
    who = NULL;
    run_on_cpu(&c0->parent, note_thread, &who);
    g_assert_true(who != NULL && who != g_thread_self() && who != other);

    /* Stop: both threads out of guest code; c1's counter stands still. */
    tcg_cpus_stop();
    seen = toy_ram_ldq(&machine, 0xa2000);
    g_usleep(20 * 1000);
    g_assert_cmpuint(toy_ram_ldq(&machine, 0xa2000), ==, seen);
    /* Queued work still runs while stopped. */
    who = NULL;
    run_on_cpu(&c1->parent, note_thread, &who);
    g_assert_true(who == other);
    g_assert_cmpuint(toy_ram_ldq(&machine, 0xa2000), ==, seen);

    /* Restart: c1 counts on. */
    tcg_cpus_start();
    for (int i = 0; i < 10000 && toy_ram_ldq(&machine, 0xa2000) == seen; i++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(toy_ram_ldq(&machine, 0xa2000), >, seen);
    tcg_cpus_shutdown();
}

/* ---- registration ---- */

typedef struct MTCase {
    const char *name;
    void (*fn)(void);
} MTCase;

static const MTCase cases[] = {
    { "atomic-xadd", case_atomic_xadd },
    { "atomic-cas", case_atomic_cas },
    { "atomic-split", case_atomic_split },
    { "same-code", case_same_code },
    { "smc-concurrent", case_smc_concurrent },
    { "flush-while-running", case_flush_while_running },
    { "threads-wake", case_threads_wake },
};

typedef struct MTRun {
    const TCGBackend *backend;
    const MTCase *tc;
} MTRun;

static void run_case(gconstpointer data)
{
    const MTRun *r = data;

    if (g_test_subprocess()) {
        g_assert_true(tcg_exec_init(0, r->backend, &error_abort));
        toy_machine_init(&machine);
        r->tc->fn();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
    const TCGBackend *backends[] = { &tcg_backend_x86_64, &tcg_backend_tci };

    g_test_init(&argc, &argv, NULL);
    for (size_t b = 0; b < G_N_ELEMENTS(backends); b++) {
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
            MTRun *r = g_new(MTRun, 1);
            g_autofree char *path = g_strdup_printf("/tcg-mttcg/%s/%s", backends[b]->name,
                                                    cases[i].name);

            r->backend = backends[b];
            r->tc = &cases[i];
            g_test_add_data_func_full(path, r, run_case, g_free);
        }
    }
    return g_test_run();
}
