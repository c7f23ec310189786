/*
 * test-tcg-x86-lock.c: x86 LOCKed instructions under multi-threaded TCG.
 * Four x86 vCPUs in 64-bit mode, each on its own thread with CF_PARALLEL
 * (as -accel tcg,thread=multi runs them), hammer shared counters with
 * LOCK ADD/INC/DEC/XADD, CMPXCHG, CMPXCHG8B and CMPXCHG16B loops, and
 * XCHG; an operand that crosses a cache line runs through the exclusive
 * one-instruction step. Every total must be exact: a lost update shows as
 * a wrong count. No vCPU ever waits for another (no spinlock), so a host
 * that deschedules one only slows the others down.
 */
#include "qemu/osdep.h"
#include "test-x86-fixture.h"

#define NCPUS 4
#define PT_BASE 0x100000ull
#define CODE 0x10000ull
#define DATA 0x20000ull         /* RDI: the shared counters */

typedef struct LockMachine {
    MemoryRegion root, ram;
    AddressSpace as;
    X86TCGCPU *cpu[NCPUS];
} LockMachine;

static void lm_init(LockMachine *m)
{
    memset(m, 0, sizeof(*m));
    memory_region_init(&m->root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&m->ram, NULL, "ram", 4 * MiB, &error_abort);
    memory_region_add_subregion(&m->root, 0, &m->ram);
    address_space_init(&m->as, &m->root, "mem");
    for (int i = 0; i < NCPUS; i++) {
        m->cpu[i] = x86_tcg_cpu_new(i, i, i == 0, NULL, &m->as, NULL, &error_abort);
    }
}

static void lm_fini(LockMachine *m)
{
    for (int i = 0; i < NCPUS; i++) {
        x86_tcg_cpu_free(m->cpu[i]);
    }
    address_space_destroy(&m->as);
    memory_region_del_subregion(&m->root, &m->ram);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->root);
}

static uint64_t lm_rq(LockMachine *m, uint64_t pa)
{
    return address_space_ldq_le(&m->as, pa, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint32_t lm_rl(LockMachine *m, uint64_t pa)
{
    return address_space_ldl_le(&m->as, pa, MEMTXATTRS_UNSPECIFIED, NULL);
}

/* ---- running the vCPUs together ---- */

static int threads_ready;
static bool threads_go;

static gpointer vcpu_thread(gpointer opaque)
{
    CPUState *cs = opaque;
    int r;

    __atomic_fetch_add(&threads_ready, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&threads_go, __ATOMIC_SEQ_CST)) {
        g_usleep(100);
    }
    for (;;) {
        r = cpu_exec(cs);
        if (r == EXCP_ATOMIC) {
            cpu_exec_step_atomic(cs);
        } else if (r != EXCP_INTERRUPT && r != EXCP_YIELD) {
            return GINT_TO_POINTER(r);
        }
    }
}

/* Load code at CODE and run it on every vCPU (64-bit, RDI = DATA) to its HLT. */
static void lm_run(LockMachine *m, const uint8_t *code, size_t len)
{
    GThread *t[NCPUS];

    for (size_t i = 0; i < len; i++) {
        address_space_stb(&m->as, CODE + i, code[i], MEMTXATTRS_UNSPECIFIED, NULL);
    }
    for (int i = 0; i < NCPUS; i++) {
        CPUX86State *env = &m->cpu[i]->env;

        x86_tcg_cpu_set_flat_mode(m->cpu[i], 64, PT_BASE);
        env->eip = CODE;
        env->regs[R_EDI] = DATA;
        env->regs[R_ESP] = 0x8000 + i * 0x1000;
        env->regs[9] = 0;
        m->cpu[i]->parent.tcg_cflags |= CF_PARALLEL;
    }
    threads_ready = 0;
    threads_go = false;
    for (int i = 0; i < NCPUS; i++) {
        t[i] = g_thread_new("vcpu", vcpu_thread, &m->cpu[i]->parent);
    }
    while (__atomic_load_n(&threads_ready, __ATOMIC_SEQ_CST) < NCPUS) {
        g_usleep(100);
    }
    __atomic_store_n(&threads_go, true, __ATOMIC_SEQ_CST);
    for (int i = 0; i < NCPUS; i++) {
        g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(t[i])), ==, EXCP_HLT);
        /* Every vCPU ran its loop to the end (no fault on the way). */
        g_assert_cmphex(m->cpu[i]->env.eip, ==, CODE + len);
    }
}

/* ---- the programs ---- */

#define N 5000
#define N_SPLIT 200

static void test_lock_counters(void)
{
    /*
     * mov r8d, N
     * loop:
     *   lock add qword [rdi], 1          ; +0x00
     *   lock inc dword [rdi+8]           ; +0x08
     *   lock dec word [rdi+0x18]         ; +0x18 (counts down from 0)
     *   mov eax, 1; lock xadd [rdi+0x10], eax
     *   r1: mov rax, [rdi+0x20]; lea rdx, [rax+1]; lock cmpxchg [rdi+0x20], rdx; jne r1
     *   r2: mov eax, [rdi+0x48]; mov edx, [rdi+0x4c]; mov ebx, eax; mov ecx, edx;
     *       add ebx, 1; adc ecx, 0; lock cmpxchg8b [rdi+0x48]; jne r2
     *   r3: mov rax, [rdi+0x50]; mov rdx, [rdi+0x58]; lea rbx, [rax+1]; mov rcx, rdx;
     *       lock cmpxchg16b [rdi+0x50]; jne r3
     *   mov eax, r8d; xchg [rdi+0x60], eax; add r9, rax
     *                                    ; r9: the sum of what XCHG returned
     *   dec r8d; jnz loop
     * hlt
     */
    static const uint8_t code[] = {
        0x41, 0xb8, N & 0xff, (N >> 8) & 0xff, (N >> 16) & 0xff, 0x00,
        /* loop (offset 6): */
        0xf0, 0x48, 0x83, 0x07, 0x01,
        0xf0, 0xff, 0x47, 0x08,
        0xf0, 0x66, 0xff, 0x4f, 0x18,
        0xb8, 0x01, 0x00, 0x00, 0x00,
        0xf0, 0x0f, 0xc1, 0x47, 0x10,
        /* r1 */
        0x48, 0x8b, 0x47, 0x20,
        0x48, 0x8d, 0x50, 0x01,
        0xf0, 0x48, 0x0f, 0xb1, 0x57, 0x20,
        0x75, 0xf0,
        /* r2 */
        0x8b, 0x47, 0x48,
        0x8b, 0x57, 0x4c,
        0x89, 0xc3,
        0x89, 0xd1,
        0x83, 0xc3, 0x01,
        0x83, 0xd1, 0x00,
        0xf0, 0x0f, 0xc7, 0x4f, 0x48,
        0x75, 0xe9,
        /* r3 */
        0x48, 0x8b, 0x47, 0x50,
        0x48, 0x8b, 0x57, 0x58,
        0x48, 0x8d, 0x58, 0x01,
        0x48, 0x89, 0xd1,
        0xf0, 0x48, 0x0f, 0xc7, 0x4f, 0x50,
        0x75, 0xe9,
        /* xchg */
        0x44, 0x89, 0xc0,
        0x87, 0x47, 0x60,
        0x49, 0x01, 0xc1,
        /* dec r8d; jnz loop (rel32 back to offset 6) */
        0x41, 0xff, 0xc8,
        0x0f, 0x85, 0x00, 0x00, 0x00, 0x00,
        0xf4,
    };
    uint8_t prog[sizeof(code)];
    uint64_t xsum;
    int32_t rel;
    LockMachine m;

    /* Patch the loop's rel32: from the end of the JNZ to offset 6. */
    memcpy(prog, code, sizeof(code));
    rel = 6 - (int32_t)(sizeof(code) - 1);
    memcpy(&prog[sizeof(code) - 5], &rel, 4);

    lm_init(&m);
    lm_run(&m, prog, sizeof(prog));
    g_assert_cmpuint(lm_rq(&m, DATA), ==, (uint64_t)N * NCPUS);
    g_assert_cmpuint(lm_rl(&m, DATA + 8), ==, N * NCPUS);
    g_assert_cmpuint(lm_rq(&m, DATA + 0x18) & 0xffff, ==,
                     (uint16_t)(0x10000 - (N * NCPUS) % 0x10000));
    g_assert_cmpuint(lm_rl(&m, DATA + 0x10), ==, N * NCPUS);
    g_assert_cmpuint(lm_rq(&m, DATA + 0x20), ==, (uint64_t)N * NCPUS);
    g_assert_cmpuint(lm_rq(&m, DATA + 0x48), ==, (uint64_t)N * NCPUS);
    g_assert_cmpuint(lm_rq(&m, DATA + 0x50), ==, (uint64_t)N * NCPUS);
    g_assert_cmpuint(lm_rq(&m, DATA + 0x58), ==, 0);
    /*
     * Each vCPU stored N, N-1, ..., 1 with XCHG: what all of them got
     * back plus what is left equals what was stored (from 0). A lost or
     * duplicated value (a plain load + store) breaks the sum.
     */
    xsum = lm_rl(&m, DATA + 0x60);
    for (int i = 0; i < NCPUS; i++) {
        xsum += m.cpu[i]->env.regs[9];
    }
    g_assert_cmpuint(xsum, ==, (uint64_t)NCPUS * N * (N + 1) / 2);
    lm_fini(&m);
}

static void test_lock_split_line(void)
{
    /*
     * mov r8d, N_SPLIT
     * loop: lock add dword [rdi+0x3e], 1   ; bytes 0x3e..0x41: crosses a line
     *       dec r8d; jnz loop
     * hlt
     */
    static const uint8_t code[] = {
        0x41, 0xb8, N_SPLIT & 0xff, (N_SPLIT >> 8) & 0xff, 0x00, 0x00,
        0xf0, 0x83, 0x47, 0x3e, 0x01,
        0x41, 0xff, 0xc8,
        0x75, 0xf6,
        0xf4,
    };
    LockMachine m;

    lm_init(&m);
    lm_run(&m, code, sizeof(code));
    g_assert_cmpuint(lm_rl(&m, DATA + 0x3e), ==, N_SPLIT * NCPUS);
    lm_fini(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcg-x86-lock/counters", test_lock_counters);
    g_test_add_func("/tcg-x86-lock/split-line", test_lock_split_line);
    return g_test_run();
}
