/*
 * test-tcg-call.c: helper calls on both backends: 0 to 6 arguments of
 * mixed i32/i64/ptr types (env among them), i32, i64 and void returns,
 * arguments from globals, temps and constants; pure helpers whose
 * unused result lets liveness drop the call; helpers that write globals
 * (later reads in the TB must see the new value) and read them (the
 * TB's pending value must be in env at the call); calls in loops and in
 * branch arms. Helpers are declared with exec/helper-gen.h.
 */
#include "qemu/osdep.h"
#include "tcg-test-common.h"
#include "exec/helper-gen.h"

DEF_HELPER_FLAGS_0(c0, TCG_CALL_NO_RWG, i64)
DEF_HELPER_FLAGS_1(c1, TCG_CALL_NO_RWG, i32, i32)
DEF_HELPER_FLAGS_2(c2, TCG_CALL_NO_RWG, i64, i64, i32)
DEF_HELPER_FLAGS_3(c3, TCG_CALL_NO_RWG, s32, env, s32, i64)
DEF_HELPER_FLAGS_4(c4, TCG_CALL_NO_RWG, void, env, i64, i32, ptr)
DEF_HELPER_FLAGS_5(c5, TCG_CALL_NO_RWG, i64, i64, i64, i64, i64, i64)
DEF_HELPER_FLAGS_6(c6, TCG_CALL_NO_RWG, i64, i32, i64, i32, i64, i32, i64)
DEF_HELPER_FLAGS_6(c6e, TCG_CALL_NO_RWG, i32, env, i64, i64, i64, i64, i64)
DEF_HELPER_FLAGS_1(pure, TCG_CALL_NO_RWG_SE, i64, i64)
DEF_HELPER_2(set_g0, void, env, i64)
DEF_HELPER_FLAGS_1(read_g2, TCG_CALL_NO_WG, i64, env)
DEF_HELPER_1(inc, void, env)
DEF_HELPER_FLAGS_1(getpc, TCG_CALL_NO_RWG, void, env)
DEF_HELPER_FLAGS_1(dirty32, TCG_CALL_NO_RWG_SE, i32, i32)

static unsigned pure_calls;

uint64_t helper_c0(void)
{
    return 0x0123456789abcdefull;
}

uint32_t helper_c1(uint32_t a)
{
    return a * 3 + 1;
}

uint64_t helper_c2(uint64_t a, uint32_t b)
{
    return a * 5 + b;
}

int32_t helper_c3(void *env, int32_t b, uint64_t c)
{
    TestEnv *e = env;

    e->scratch[0] = (uint64_t)(int64_t)b;
    return (int32_t)((uint32_t)b - 7 + (uint32_t)(c >> 7));
}

void helper_c4(void *env, uint64_t a, uint32_t b, void *p)
{
    TestEnv *e = env;

    e->scratch[1] = a ^ ((uint64_t)b << 13) ^ (uint64_t)(uintptr_t)p;
}

uint64_t helper_c5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e;
}

uint64_t helper_c6(uint32_t a, uint64_t b, uint32_t c, uint64_t d, uint32_t e,
                   uint64_t f)
{
    return ((((a * 31ull + b) * 31 + c) * 31 + d) * 31 + e) * 31 + f;
}

uint32_t helper_c6e(void *env, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                    uint64_t e)
{
    TestEnv *x = env;

    return (uint32_t)(a ^ (b >> 1) ^ (c >> 2) ^ (d >> 3) ^ (e >> 4) ^ x->scratch[2]);
}

uint64_t helper_pure(uint64_t a)
{
    pure_calls++;
    return a + 1;
}

void helper_set_g0(void *env, uint64_t v)
{
    ((TestEnv *)env)->r64[0] = v;
}

uint64_t helper_read_g2(void *env)
{
    TestEnv *e = env;

    return e->r64[2] + e->r32[0];
}

void helper_inc(void *env)
{
    TestEnv *e = env;

    e->counters[1]++;
    e->r64[3] += 1;
}

/*
 * An i32 result with garbage in bits 63..32 of the return register, which
 * the C ABI allows (a compiler returning the low half of a 64-bit value
 * may leave it there); written in assembly so that it surely does.
 */
#if defined(__x86_64__)
uint32_t helper_dirty32(uint32_t a);
__asm__(".text\n"
        ".globl helper_dirty32\n"
        ".type helper_dirty32, @function\n"
        "helper_dirty32:\n"
        "    movabs $0xdead000100000000, %rax\n"
        "    or %rdi, %rax\n"
        "    ret\n"
        ".size helper_dirty32, .-helper_dirty32\n");
#else
uint32_t helper_dirty32(uint32_t a)
{
    return a;
}
#endif

/* Where unwinding would start: a host (or bytecode) pc inside the TB. */
void helper_getpc(void *env)
{
    ((TestEnv *)env)->scratch[3] = GETPC();
}

static TCGv_i64 g64[8];
static TCGv_i32 g32[4];

static void create_globals(void)
{
    for (int i = 0; i < 8; i++) {
        g64[i] = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[i]), "g64");
    }
    for (int i = 0; i < 4; i++) {
        g32[i] = tcg_global_mem_new_i32(tcg_env, TT_ENV_OFS(r32[i]), "g32");
    }
}

typedef void (*BuildFn)(int variant);
typedef void (*CheckFn)(TestCPU *cpu, const TestEnv *init, int variant, const char *who);

/* Build with each backend and optimizer setting, run from init, check. */
static void run_all(BuildFn build, CheckFn check, const TestEnv *init, int nvariants)
{
    TestCPU *cpu = tt_cpu_new();

    for (int v = 0; v < nvariants; v++) {
        for (int bi = 0; bi < tt_nb_backends(); bi++) {
            for (int opt = 0; opt < 2; opt++) {
                TTBackend *b = tt_backend(bi);
                TranslationBlock *tb;
                g_autofree char *who = g_strdup_printf("%s opt=%d variant=%d", b->name,
                                                       opt, v);

                tt_begin(b, opt);
                build(v);
                tb = tt_compile(b);
                cpu->env = *init;
                tt_run(b, tb, cpu);
                check(cpu, init, v, who);
                tt_tb_free(tb);
            }
        }
    }
    g_free(cpu);
}

static const TestEnv arity_init = {
    .r64 = { 0x1111222233334444ull, 0xfedcba9876543210ull, 0x8000000000000001ull,
             0x7fffffffffffffffull, 3, 0, 0, 0 },
    .r32 = { 0x80000001u, 0xfffffffeu, 0x12345678u, 7 },
    .scratch = { 0, 0, 0xabcdef },
};

/*
 * Variant 0: arguments from globals; 1: from TB temps that hold values
 * with garbage above bit 31 for the i32 ones (extrl of an i64); 2: constants.
 */
static void build_arity(int v)
{
    TCGv_i64 a[6];
    TCGv_i32 w[4];

    for (int i = 0; i < 6; i++) {
        if (v == 0) {
            a[i] = g64[i % 4];
        } else if (v == 1) {
            a[i] = tcg_temp_new_i64();
            tcg_gen_mov_i64(a[i], g64[i % 4]);
        } else {
            a[i] = tcg_constant_i64((int64_t)arity_init.r64[i % 4]);
        }
    }
    for (int i = 0; i < 4; i++) {
        if (v == 0) {
            w[i] = g32[i];
        } else if (v == 1) {
            TCGv_i64 t = tcg_temp_new_i64();

            w[i] = tcg_temp_new_i32();
            /* The high half is garbage the helper must not see. */
            tcg_gen_concat_i32_i64(t, g32[i], g32[(i + 1) % 4]);
            tcg_gen_extrl_i64_i32(w[i], t);
        } else {
            w[i] = tcg_constant_i32((int32_t)arity_init.r32[i]);
        }
    }

    gen_helper_c0(g64[4]);
    gen_helper_c1(g32[3], w[0]);
    {
        TCGv_i64 r = tcg_temp_new_i64();

        gen_helper_c2(r, a[1], w[1]);
        tcg_gen_st_i64(r, tcg_env, TT_ENV_OFS(scratch[10]));
    }
    {
        TCGv_i32 r = tcg_temp_new_i32();

        gen_helper_c3(r, tcg_env, w[0], a[2]);
        tcg_gen_st_i32(r, tcg_env, TT_ENV_OFS(scratch[11]));
    }
    gen_helper_c4(tcg_env, a[3], w[2], tcg_env);
    gen_helper_c5(g64[5], a[0], a[1], a[2], a[3], a[4]);
    gen_helper_c6(g64[6], w[0], a[1], w[1], a[3], w[2], a[5]);
    {
        TCGv_i32 r = tcg_temp_new_i32();

        gen_helper_c6e(r, tcg_env, a[0], a[1], a[2], a[3], a[4]);
        tcg_gen_st_i32(r, tcg_env, TT_ENV_OFS(scratch[12]));
        /* The same temp six times over. */
        gen_helper_c6(g64[7], w[3], a[0], w[3], a[0], w[3], a[0]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static void check_arity(TestCPU *cpu, const TestEnv *init, int v, const char *who)
{
    TestEnv want = *init;
    const uint64_t *r = init->r64;
    const uint32_t *w = init->r32;

    g_test_message("arity: %s", who);
    want.r64[4] = helper_c0();
    want.r32[3] = helper_c1(w[0]);
    want.scratch[10] = helper_c2(r[1], w[1]);
    want.scratch[11] = (uint32_t)helper_c3(&want, (int32_t)w[0], r[2]);
    helper_c4(&want, r[3], w[2], &cpu->env);
    want.r64[5] = helper_c5(r[0], r[1], r[2], r[3], r[0]);
    want.r64[6] = helper_c6(w[0], r[1], w[1], r[3], w[2], r[1]);
    want.scratch[12] = helper_c6e(&want, r[0], r[1], r[2], r[3], r[0]);
    /* Variant 0 reads g32[3] after helper c1 wrote it. */
    {
        uint32_t w3 = v == 0 ? want.r32[3] : w[3];

        want.r64[7] = helper_c6(w3, r[0], w3, r[0], w3, r[0]);
    }

    g_assert_cmphex(cpu->env.r64[4], ==, want.r64[4]);
    g_assert_cmphex(cpu->env.r32[3], ==, want.r32[3]);
    g_assert_cmphex(cpu->env.scratch[10], ==, want.scratch[10]);
    g_assert_cmphex(cpu->env.scratch[0], ==, want.scratch[0]);
    g_assert_cmphex((uint32_t)cpu->env.scratch[11], ==, (uint32_t)want.scratch[11]);
    g_assert_cmphex(cpu->env.scratch[1], ==, want.scratch[1]);
    g_assert_cmphex(cpu->env.r64[5], ==, want.r64[5]);
    g_assert_cmphex(cpu->env.r64[6], ==, want.r64[6]);
    g_assert_cmphex((uint32_t)cpu->env.scratch[12], ==, (uint32_t)want.scratch[12]);
    g_assert_cmphex(cpu->env.r64[7], ==, want.r64[7]);
}

static void test_arity(void)
{
    run_all(build_arity, check_arity, &arity_init, 3);
}

/* ---- a pure helper whose result is unused is removed ---- */

static void build_pure(int v)
{
    TCGv_i64 t = tcg_temp_new_i64();

    gen_helper_pure(t, g64[0]);
    if (v == 1) {
        tcg_gen_mov_i64(g64[1], t);
    } else if (v == 2) {
        /* Used only by a dead op: both go. */
        tcg_gen_addi_i64(t, t, 5);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static void check_pure(TestCPU *cpu, const TestEnv *init, int v, const char *who)
{
    g_test_message("pure: %s", who);
    if (v == 1) {
        g_assert_cmpuint(pure_calls, ==, 1);
        g_assert_cmphex(cpu->env.r64[1], ==, init->r64[0] + 1);
    } else {
        g_assert_cmpuint(pure_calls, ==, 0);
        g_assert_cmphex(cpu->env.r64[1], ==, init->r64[1]);
    }
    pure_calls = 0;
}

static void test_pure_removed(void)
{
    TestEnv init = { .r64 = { 41, 99 } };

    pure_calls = 0;
    run_all(build_pure, check_pure, &init, 3);
}

/* ---- globals written and read by helpers ---- */

static void build_globals(int v)
{
    /* g0 has a pending value in the TB when the helper overwrites it. */
    tcg_gen_movi_i64(g64[0], 5);
    gen_helper_set_g0(tcg_env, v ? g64[4] : tcg_constant_i64(7));
    tcg_gen_addi_i64(g64[1], g64[0], 1);

    /* g2 and g32[0] pending when a helper reads them. */
    tcg_gen_addi_i64(g64[2], g64[2], 40);
    tcg_gen_movi_i32(g32[0], 9);
    gen_helper_read_g2(g64[3], tcg_env);
    /* And g2 still correct after the (NO_WG) call. */
    tcg_gen_addi_i64(g64[5], g64[2], 1);
    tcg_gen_exit_tb(NULL, 0);
}

static void check_globals(TestCPU *cpu, const TestEnv *init, int v, const char *who)
{
    uint64_t g0 = v ? init->r64[4] : 7;

    g_test_message("globals: %s", who);
    g_assert_cmphex(cpu->env.r64[0], ==, g0);
    g_assert_cmphex(cpu->env.r64[1], ==, g0 + 1);
    g_assert_cmphex(cpu->env.r64[2], ==, init->r64[2] + 40);
    g_assert_cmphex(cpu->env.r32[0], ==, 9);
    g_assert_cmphex(cpu->env.r64[3], ==, init->r64[2] + 40 + 9);
    g_assert_cmphex(cpu->env.r64[5], ==, init->r64[2] + 41);
}

static void test_globals(void)
{
    TestEnv init = { .r64 = { 1, 2, 1000, 4, 0x777, 6 }, .r32 = { 100 } };

    run_all(build_globals, check_globals, &init, 2);
}

/* ---- calls in a loop and in branch arms ---- */

static void build_loop(int v)
{
    TCGLabel *loop = gen_new_label(), *other = gen_new_label(), *done = gen_new_label();
    TCGv_i64 i = tcg_temp_new_i64();

    tcg_gen_movi_i64(i, 0);
    gen_set_label(loop);
    /* The TB updates g3 around a helper that updates it too. */
    tcg_gen_addi_i64(g64[3], g64[3], 2);
    gen_helper_inc(tcg_env);
    tcg_gen_addi_i64(i, i, 1);
    tcg_gen_brcondi_i64(TCG_COND_LTU, i, 10, loop);

    tcg_gen_brcondi_i64(TCG_COND_NE, g64[4], 0, other);
    gen_helper_set_g0(tcg_env, i);
    tcg_gen_br(done);
    gen_set_label(other);
    gen_helper_set_g0(tcg_env, g64[3]);
    gen_set_label(done);
    tcg_gen_add_i64(g64[5], g64[0], i);
    tcg_gen_exit_tb(NULL, 0);
}

static void check_loop(TestCPU *cpu, const TestEnv *init, int v, const char *who)
{
    uint64_t g3 = init->r64[3] + 30;
    uint64_t g0 = init->r64[4] ? g3 : 10;

    g_test_message("loop: %s", who);
    g_assert_cmpuint(cpu->env.counters[1], ==, 10);
    g_assert_cmphex(cpu->env.r64[3], ==, g3);
    g_assert_cmphex(cpu->env.r64[0], ==, g0);
    g_assert_cmphex(cpu->env.r64[5], ==, g0 + 10);
}

static void test_loop(void)
{
    TestEnv init0 = { .r64 = { 0, 0, 0, 100, 0 } };
    TestEnv init1 = { .r64 = { 0, 0, 0, 100, 1 } };

    run_all(build_loop, check_loop, &init0, 1);
    run_all(build_loop, check_loop, &init1, 1);
}

/*
 * GETPC() in a helper lies inside the calling TB, in the range of the
 * guest insn that made the call: what cpu_restore_state relies on.
 */
static void test_getpc(void)
{
    TestCPU *cpu = tt_cpu_new();

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);
        TranslationBlock *tb;
        uintptr_t start, ra;
        uint32_t end0, end1;

        tt_begin(b, true);
        tcg_gen_insn_start(0x100, 0);
        tcg_gen_addi_i64(g64[0], g64[0], 1);
        tcg_gen_insn_start(0x104, 0);
        tcg_gen_addi_i64(g64[1], g64[1], 1);
        gen_helper_getpc(tcg_env);
        tcg_gen_addi_i64(g64[1], g64[1], 1);
        tcg_gen_insn_start(0x108, 0);
        tcg_gen_addi_i64(g64[2], g64[0], 1);
        tcg_gen_exit_tb(NULL, 0);
        tb = tt_compile(b);
        end0 = b->s->gen_insn_end_off[0];
        end1 = b->s->gen_insn_end_off[1];
        memset(&cpu->env, 0, sizeof(cpu->env));
        tt_run(b, tb, cpu);
        start = (uintptr_t)tb->tc.ptr;
        ra = cpu->env.scratch[3];
        g_test_message("%s: ra at +%" PRIuPTR ", insn ends %u %u, size %zu", b->name,
                       ra - start, end0, end1, tb->tc.size);
        g_assert_cmpuint(ra, >, start + end0);
        g_assert_cmpuint(ra, <=, start + end1);
        g_assert_true(in_code_gen_buffer((const void *)ra));
        /* Nothing is left claiming to be inside TCI code. */
        g_assert_cmpuint(tci_tb_ptr, ==, 0);
        g_assert_cmpuint(cpu->env.r64[1], ==, 2);
        tt_tb_free(tb);
    }
    g_free(cpu);
}

/*
 * extu_i32_i64 of a helper's i32 result is zero-extended, in place or into
 * another register: the native backend emits nothing for an in-place
 * extu_i32_i64 because it keeps i32 values zero-extended, which it must
 * then do for call results too.
 */
static void build_dirty32(int v)
{
    TCGv_i32 w = tcg_temp_new_i32();
    TCGv_i64 t = tcg_temp_new_i64();

    gen_helper_dirty32(w, g32[v % 4]);
    if (v & 1) {
        tcg_gen_extu_i32_i64(g64[6], w);
    } else {
        tcg_gen_extu_i32_i64(t, w);
        tcg_gen_add_i64(g64[6], t, g64[4]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static void check_dirty32(TestCPU *cpu, const TestEnv *init, int v, const char *who)
{
    uint64_t want = (uint64_t)init->r32[v % 4] + (v & 1 ? 0 : init->r64[4]);

    g_test_message("dirty32: %s", who);
    g_assert_cmphex(cpu->env.r64[6], ==, want);
}

static void test_i32_result_extended(void)
{
    run_all(build_dirty32, check_dirty32, &arity_init, 4);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tt_init(create_globals);
    g_test_add_func("/tcg-call/arity", test_arity);
    g_test_add_func("/tcg-call/pure-removed", test_pure_removed);
    g_test_add_func("/tcg-call/globals", test_globals);
    g_test_add_func("/tcg-call/loop", test_loop);
    g_test_add_func("/tcg-call/getpc", test_getpc);
    g_test_add_func("/tcg-call/i32-result-extended", test_i32_result_extended);
    return g_test_run();
}
