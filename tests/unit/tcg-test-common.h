/*
 * tcg-test-common.h: scaffolding for IR-level TCG tests, header only (a
 * test that includes it links libtcg; nothing here is built for tests that
 * do not). It provides a fake CPU (CPUNegativeOffsetState right before a
 * small env of registers and a scratch array, with TLB descriptors that
 * make every qemu_ld/st miss), one TCGContext per backend (x86-64 and
 * TCI, sharing one code buffer), and helpers to build a function in each
 * context, compile it into a fresh TranslationBlock and run it.
 *
 * Globals must be created in the same order in every context so that a
 * handle names the same global everywhere: tt_init() calls the test's
 * create_globals callback once per context, in the same order.
 */
#ifndef TCG_TEST_COMMON_H
#define TCG_TEST_COMMON_H

#include "qemu/osdep.h"
#include "qemu/error.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "tcg/tcg-ldst.h"
#include "exec/exec-all.h"

/* The env the tests' globals live in. */
typedef struct TestEnv {
    uint64_t r64[16];           /* i64 globals */
    uint32_t r32[16];           /* i32 globals */
    uint64_t ptr[8];            /* pointer globals (case arrays...) */
    uint64_t scratch[64];       /* for ld/st and helpers */
    uint64_t counters[8];       /* helpers count their calls here */
} TestEnv;

typedef struct TestCPU {
    CPUNegativeOffsetState neg;
    TestEnv env;
} TestCPU;

_Static_assert(offsetof(TestCPU, env) == sizeof(CPUNegativeOffsetState),
               "env follows the negative-offset state");

#define TT_ENV_OFS(field) ((intptr_t)offsetof(TestEnv, field))

/* One backend under test: its name, its table, its context. */
typedef struct TTBackend {
    const char *name;
    const TCGBackend *be;
    TCGContext *s;
    /*
     * The backend's tcg_code_gen_epilogue: one process-wide variable
     * that each backend's init sets, so switching backends restores it.
     */
    const void *epilogue;
} TTBackend;

#define TT_MAX_BACKENDS 2

typedef struct TTState {
    bool initialized;
    int nb;
    TTBackend backends[TT_MAX_BACKENDS];
    /* Every entry invalid: all fast-path TLB checks miss. */
    CPUTLBEntry invalid_tlb[1];
} TTState;

static inline TTState *tt_state(void)
{
    static TTState st;

    return &st;
}

/*
 * Set up the code buffer and one context per backend, calling
 * create_globals (which may be NULL) in each context in turn. Once per
 * process; later calls return at once.
 */
static inline void tt_init(void (*create_globals)(void))
{
    TTState *st = tt_state();
    const TCGBackend *bes[TT_MAX_BACKENDS];
    int nb = 0;

    if (st->initialized) {
        return;
    }
    st->initialized = true;
#ifndef TT_NO_X86
    bes[nb++] = &tcg_backend_x86_64;
#endif
    bes[nb++] = &tcg_backend_tci;

    if (!tcg_region_init(128 * MiB, NULL)) {
        g_error("tcg_region_init failed");
    }
    /* TCG_TEST_BACKENDS=tci (or x86_64) runs one backend, for debugging. */
    if (getenv("TCG_TEST_BACKENDS")) {
        const char *only = getenv("TCG_TEST_BACKENDS");
        int k = 0;

        for (int i = 0; i < nb; i++) {
            if (strstr(only, bes[i]->name)) {
                bes[k++] = bes[i];
            }
        }
        nb = k;
    }
    for (int i = 0; i < nb; i++) {
        TTBackend *b = &st->backends[i];

        b->be = bes[i];
        b->name = bes[i]->name;
        b->s = g_new0(TCGContext, 1);
        tcg_context_init(b->s, b->be);
        b->epilogue = tcg_code_gen_epilogue;
        if (create_globals) {
            create_globals();
        }
    }
    st->nb = nb;
    memset(st->invalid_tlb, 0xff, sizeof(st->invalid_tlb));
}

static inline int tt_nb_backends(void)
{
    return tt_state()->nb;
}

static inline TTBackend *tt_backend(int i)
{
    return &tt_state()->backends[i];
}

/* A zeroed fake CPU whose TLBs (every MMU index) always miss. */
static inline TestCPU *tt_cpu_new(void)
{
    TestCPU *cpu = g_malloc0(sizeof(*cpu));

    for (int i = 0; i < NB_MMU_MODES; i++) {
        cpu->neg.tlb_fast[i].mask = 0;
        cpu->neg.tlb_fast[i].table = tt_state()->invalid_tlb;
    }
    return cpu;
}

/* Start a function in b's context. */
static inline void tt_begin(TTBackend *b, bool optimize)
{
    tcg_set_current(b->s);
    tcg_code_gen_epilogue = b->epilogue;
    tcg_func_start(b->s);
    b->s->optimize = optimize;
}

static inline void tt_tb_free(TranslationBlock *tb)
{
    if (tb) {
        g_free(tb->insn_end_off);
        g_free(tb->insn_data);
        g_free(tb);
    }
}

/*
 * Compile the function just built in b's context into a fresh TB. On
 * failure returns NULL and the gen_code result in *ret (if ret is given).
 * A full buffer is flushed once (tests hold no TB across compilations
 * unless they say so with a large enough buffer).
 */
static inline TranslationBlock *tt_compile_ret(TTBackend *b, int *ret)
{
    TCGContext *s = b->s;
    TranslationBlock *tb = g_new0(TranslationBlock, 1);
    int r = -1;

    tb->page_addr[0] = tb->page_addr[1] = (uint64_t)-1;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!tcg_region_alloc(s)) {
            tcg_region_reset_all();
            continue;
        }
        r = tcg_gen_code(s, tb);
        if (r >= 0) {
            tcg_region_commit(s, r);
            break;
        }
        if (r != -1) {
            break;
        }
        tcg_region_reset_all();
    }
    if (ret) {
        *ret = r;
    }
    if (r < 0) {
        g_free(tb);
        return NULL;
    }
    return tb;
}

static inline TranslationBlock *tt_compile(TTBackend *b)
{
    int r;
    TranslationBlock *tb = tt_compile_ret(b, &r);

    if (!tb) {
        g_error("%s: tcg_gen_code failed (%d)", b->name, r);
    }
    return tb;
}

static inline uintptr_t tt_run(TTBackend *b, TranslationBlock *tb, TestCPU *cpu)
{
    tcg_code_gen_epilogue = b->epilogue;
    return b->be->exec(&cpu->env, tb->tc.ptr);
}

/* Dump a TB's ops and code (for failure reports). */
static inline void tt_dump(TTBackend *b, TranslationBlock *tb, FILE *f)
{
    tcg_dump_ops(b->s, f, false);
    if (tb && b->be->disas) {
        b->be->disas(f, tb->tc.ptr, tb->tc.size);
    }
}

/* Deterministic pseudo-random numbers (xorshift64*), seedable per test. */
static inline uint64_t tt_rand(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/*
 * Edge values for integer ops: 0, +-1, +-2, the signed/unsigned limits of
 * 8/16/32/64 bits, alternating patterns, powers of two +-1, and some
 * pseudo-random values. Returns the number written to out (max 128).
 */
static inline int tt_edge_values(uint64_t *out, int max, int nrandom)
{
    static const uint64_t fixed[] = {
        0, 1, 2, 3, (uint64_t)-1, (uint64_t)-2, 0x7f, 0x80, 0xff, 0x100,
        0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
        0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
        0xffffffff80000000ull, 0xffffffff7fffffffull, 0xffffffffffff8000ull,
        0xffffffffffffff80ull, 0xaaaaaaaaaaaaaaaaull, 0x5555555555555555ull,
        0xaaaaaaaaull, 0x55555555ull, 0x0f0f0f0f0f0f0f0full, 0xf0f0f0f0f0f0f0f0ull,
        0x00000000ffff0000ull, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
    };
    static const int pow2[] = { 4, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 62, 63 };
    uint64_t rs = 0x9e3779b97f4a7c15ull;
    int n = 0;

#define TT_ADD(v) do { if (n < max) { out[n++] = (v); } } while (0)
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
        TT_ADD(fixed[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(pow2); i++) {
        uint64_t p = 1ull << pow2[i];

        TT_ADD(p - 1);
        TT_ADD(p + 1);
        if (pow2[i] != 7 && pow2[i] != 8 && pow2[i] != 15 && pow2[i] != 16 &&
            pow2[i] != 31 && pow2[i] != 32 && pow2[i] != 63) {
            TT_ADD(p);
        }
    }
    for (int i = 0; i < nrandom; i++) {
        uint64_t r = tt_rand(&rs);

        /* Mix in narrow values too: they hit sign/zero-extension paths. */
        switch (i % 4) {
        case 1:
            r = (uint64_t)(int64_t)(int32_t)r;
            break;
        case 2:
            r = (uint32_t)r;
            break;
        case 3:
            r = (uint64_t)(int64_t)(int16_t)r;
            break;
        }
        TT_ADD(r);
    }
#undef TT_ADD
    return n;
}

/*
 * The EXEC layer's slow path and TB lookup, for links where accel/tcg is
 * not pulled in: the fake CPU has no memory behind its TLB, so a test
 * that reaches these has gone wrong. Weak: the real ones win when linked.
 */
__attribute__((weak)) uint64_t helper_ld_mmu(void *env, uint64_t addr, MemOpIdx oi,
                                             uintptr_t retaddr)
{
    g_error("tcg test: unexpected qemu_ld slow path at 0x%" PRIx64, addr);
}

__attribute__((weak)) void helper_st_mmu(void *env, uint64_t addr, uint64_t val,
                                         MemOpIdx oi, uintptr_t retaddr)
{
    g_error("tcg test: unexpected qemu_st slow path at 0x%" PRIx64, addr);
}

__attribute__((weak)) const void *helper_lookup_tb_ptr(void *env)
{
    return tcg_code_gen_epilogue;
}

#endif
