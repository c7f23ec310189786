/*
 * test-tcg-optimize.c: unit tests for tcg/optimize.c. Functions are built
 * by hand, optimized, and the resulting op list is checked: constants
 * folded into movs, copies propagated (and forgotten where they must
 * be), algebraic identities, branches with known outcomes and the
 * unreachable code after them. Every foldable op is folded on edge values
 * and the constant compared with a reference written here in plain C
 * (bit loops, limb arithmetic), independent of the optimizer's own code.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "exec/exec-all.h"
#include "exec/helper-gen.h"

/* Keep region.c and accel/tcg out of the link: no code is generated. */
__attribute__((weak)) void tcg_region_keep_prologue(void)
{
}

__attribute__((weak)) const void *tcg_splitwx_to_rx(void *rw)
{
    return rw;
}

__attribute__((weak)) const void *helper_lookup_tb_ptr(void *env)
{
    return NULL;
}

static const TCGBackend null_backend = { .name = "none" };

typedef struct OptEnv {
    uint64_t r[4];
} OptEnv;

static TCGContext *ctx;
static TCGv_i64 g_r0, g_r1, g_r2, g_r3;

DEF_HELPER_1(opt_writes, void, env)
DEF_HELPER_FLAGS_1(opt_nowg, TCG_CALL_NO_WG, void, env)
DEF_HELPER_FLAGS_1(opt_pure, TCG_CALL_NO_RWG_SE, i64, i64)

void helper_opt_writes(void *env)
{
}

void helper_opt_nowg(void *env)
{
}

uint64_t helper_opt_pure(uint64_t x)
{
    return x;
}

static void setup(void)
{
    if (!ctx) {
        ctx = g_new0(TCGContext, 1);
        tcg_context_init(ctx, &null_backend);
        g_r0 = tcg_global_mem_new_i64(tcg_env, offsetof(OptEnv, r[0]), "r0");
        g_r1 = tcg_global_mem_new_i64(tcg_env, offsetof(OptEnv, r[1]), "r1");
        g_r2 = tcg_global_mem_new_i64(tcg_env, offsetof(OptEnv, r[2]), "r2");
        g_r3 = tcg_global_mem_new_i64(tcg_env, offsetof(OptEnv, r[3]), "r3");
    }
    tcg_set_current(ctx);
    tcg_func_start(ctx);
}

static int nb_ops(void)
{
    int n = 0;

    for (TCGOp *op = ctx->first_op; op; op = op->next) {
        n++;
    }
    g_assert_cmpint(n, ==, ctx->nb_ops);
    return n;
}

static int count_ops(TCGOpcode opc)
{
    int n = 0;

    for (TCGOp *op = ctx->first_op; op; op = op->next) {
        n += op->opc == opc;
    }
    return n;
}

static TCGOp *nth_op(int n)
{
    TCGOp *op = ctx->first_op;

    while (op && n--) {
        op = op->next;
    }
    g_assert_nonnull(op);
    return op;
}

static TCGTemp *T64(TCGv_i64 v)
{
    return tcgv_i64_temp(v);
}

/* op is "mov dst, src" */
static void assert_mov(TCGOp *op, TCGTemp *dst, TCGTemp *src)
{
    g_assert_true(op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64);
    g_assert_true(arg_temp(op->args[0]) == dst);
    g_assert_true(arg_temp(op->args[1]) == src);
}

/* op is "mov dst, $val" (val as the constant table keeps it) */
static void assert_movi(TCGOp *op, TCGTemp *dst, int64_t val)
{
    g_assert_true(op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64);
    g_assert_true(arg_temp(op->args[0]) == dst);
    g_assert_cmpint(arg_temp(op->args[1])->kind, ==, TEMP_CONST);
    g_assert_cmpint(arg_temp(op->args[1])->val, ==, val);
}

/* ---- structural tests ---- */

static void test_fold_chain(void)
{
    setup();
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();

    tcg_gen_movi_i64(t, 2);
    tcg_gen_add_i64(u, t, tcg_constant_i64(3));
    tcg_gen_mul_i64(u, u, u);
    tcg_gen_mov_i64(g_r0, u);
    tcg_optimize(ctx);

    g_assert_cmpint(nb_ops(), ==, 4);
    assert_movi(nth_op(0), T64(t), 2);
    assert_movi(nth_op(1), T64(u), 5);
    assert_movi(nth_op(2), T64(u), 25);
    assert_movi(nth_op(3), T64(g_r0), 25);
}

static void test_copy_propagation(void)
{
    setup();
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();
    TCGv_i64 e = tcg_temp_ebb_new_i64();

    tcg_gen_mov_i64(t, g_r0);
    tcg_gen_mov_i64(e, t);
    tcg_gen_add_i64(u, e, g_r1);        /* reads r0 */
    tcg_gen_mov_i64(t, e);              /* already equal: removed */
    tcg_gen_addi_i64(g_r0, g_r0, 1);    /* r0 changes: t, e keep the old value */
    tcg_gen_sub_i64(u, e, g_r0);
    tcg_optimize(ctx);

    g_assert_cmpint(nb_ops(), ==, 5);
    TCGOp *add = nth_op(2);
    g_assert_cmpint(add->opc, ==, INDEX_op_add_i64);
    g_assert_true(arg_temp(add->args[1]) == T64(g_r0));
    TCGOp *sub = nth_op(4);
    g_assert_cmpint(sub->opc, ==, INDEX_op_sub_i64);
    /* The old r0 value is in t (TB temp preferred to the EBB temp). */
    g_assert_true(arg_temp(sub->args[1]) == T64(t));
    g_assert_true(arg_temp(sub->args[2]) == T64(g_r0));
}

static void test_copies_and_labels(void)
{
    setup();
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();
    TCGLabel *l = gen_new_label();

    tcg_gen_movi_i64(t, 5);
    tcg_gen_brcondi_i64(TCG_COND_EQ, g_r0, 0, l);
    tcg_gen_addi_i64(u, t, 1);           /* fall-through: t still 5 */
    gen_set_label(l);
    tcg_gen_addi_i64(u, t, 1);           /* after a label: unknown */
    tcg_gen_mov_i64(g_r1, u);
    tcg_optimize(ctx);

    g_assert_cmpint(nb_ops(), ==, 6);
    assert_movi(nth_op(2), T64(u), 6);
    g_assert_cmpint(nth_op(3)->opc, ==, INDEX_op_set_label);
    TCGOp *add = nth_op(4);
    g_assert_cmpint(add->opc, ==, INDEX_op_add_i64);
    g_assert_true(arg_temp(add->args[1]) == T64(t));
}

static void test_copies_and_calls(void)
{
    setup();
    TCGv_i64 u = tcg_temp_new_i64(), t = tcg_temp_new_i64();

    tcg_gen_movi_i64(g_r0, 5);
    tcg_gen_movi_i64(t, 7);
    gen_helper_opt_nowg(tcg_env);
    tcg_gen_addi_i64(u, g_r0, 1);        /* r0 still 5 */
    gen_helper_opt_writes(tcg_env);
    tcg_gen_addi_i64(u, g_r0, 1);        /* r0 may have changed */
    tcg_gen_addi_i64(u, t, 1);           /* temps are not globals */
    tcg_optimize(ctx);

    g_assert_cmpint(nb_ops(), ==, 7);
    assert_movi(nth_op(3), T64(u), 6);
    TCGOp *add = nth_op(5);
    g_assert_cmpint(add->opc, ==, INDEX_op_add_i64);
    g_assert_true(arg_temp(add->args[1]) == T64(g_r0));
    assert_movi(nth_op(6), T64(u), 8);
}

static void test_identities(void)
{
    TCGv_i64 x, r;
    TCGv_i32 w, rw;
    TCGArg X, R, W, RW, c0, c1, cm1, w0, wm1;

#define NEW_FUNC() do { \
        setup(); \
        x = tcg_temp_new_i64(); \
        r = tcg_temp_new_i64(); \
        w = tcg_temp_new_i32(); \
        rw = tcg_temp_new_i32(); \
        X = tcgv_i64_arg(x); \
        R = tcgv_i64_arg(r); \
        W = tcgv_i32_arg(w); \
        RW = tcgv_i32_arg(rw); \
        c0 = tcgv_i64_arg(tcg_constant_i64(0)); \
        c1 = tcgv_i64_arg(tcg_constant_i64(1)); \
        cm1 = tcgv_i64_arg(tcg_constant_i64(-1)); \
        w0 = tcgv_i32_arg(tcg_constant_i32(0)); \
        wm1 = tcgv_i32_arg(tcg_constant_i32(-1)); \
    } while (0)

    /* Raw ops, so the front end's own simplifications do not interfere. */
    static const struct {
        TCGOpcode opc;
        int a, b;               /* 0: x, 1: $0, 2: $1, 3: $-1 */
        int expect;             /* 0: mov x, else 10 + constant */
    } cases[] = {
        { INDEX_op_add_i64, 0, 1, 0 },
        { INDEX_op_add_i64, 1, 0, 0 },
        { INDEX_op_sub_i64, 0, 1, 0 },
        { INDEX_op_sub_i64, 0, 0, 10 + 0 },
        { INDEX_op_mul_i64, 0, 2, 0 },
        { INDEX_op_mul_i64, 2, 0, 0 },
        { INDEX_op_mul_i64, 0, 1, 10 + 0 },
        { INDEX_op_and_i64, 0, 1, 10 + 0 },
        { INDEX_op_and_i64, 3, 0, 0 },
        { INDEX_op_and_i64, 0, 0, 0 },
        { INDEX_op_or_i64, 0, 1, 0 },
        { INDEX_op_or_i64, 0, 3, 10 - 1 },
        { INDEX_op_or_i64, 0, 0, 0 },
        { INDEX_op_xor_i64, 0, 1, 0 },
        { INDEX_op_xor_i64, 0, 0, 10 + 0 },
        { INDEX_op_andc_i64, 0, 0, 10 + 0 },
        { INDEX_op_andc_i64, 0, 1, 0 },
        { INDEX_op_orc_i64, 0, 0, 10 - 1 },
        { INDEX_op_eqv_i64, 0, 0, 10 - 1 },
        { INDEX_op_shl_i64, 0, 1, 0 },
        { INDEX_op_shr_i64, 1, 0, 10 + 0 },
        { INDEX_op_sar_i64, 3, 0, 10 - 1 },
        { INDEX_op_rotr_i64, 0, 1, 0 },
        { INDEX_op_divu_i64, 0, 2, 0 },
        { INDEX_op_rem_i64, 0, 2, 10 + 0 },
        { INDEX_op_clz_i64, 1, 0, 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        NEW_FUNC();
        TCGArg vals[] = { X, c0, c1, cm1 };
        tcg_gen_op3(cases[i].opc, R, vals[cases[i].a], vals[cases[i].b]);
        tcg_optimize(ctx);
        g_assert_cmpint(nb_ops(), ==, 1);
        if (cases[i].expect == 0) {
            assert_mov(ctx->first_op, T64(r), T64(x));
        } else {
            assert_movi(ctx->first_op, T64(r), cases[i].expect - 10);
        }
    }

    /* i32: -1 is the all-ones i32 constant. */
    NEW_FUNC();
    tcg_gen_op3(INDEX_op_or_i32, RW, W, wm1);
    tcg_gen_op3(INDEX_op_and_i32, RW, W, wm1);
    tcg_gen_op3(INDEX_op_xor_i32, RW, W, w0);
    tcg_optimize(ctx);
    assert_movi(nth_op(0), tcgv_i32_temp(rw), -1);
    assert_mov(nth_op(1), tcgv_i32_temp(rw), tcgv_i32_temp(w));
    /* The same mov again changes nothing and is dropped. */
    g_assert_cmpint(nb_ops(), ==, 2);

    /* Nothing to do: the op stays, with the constant moved second. */
    NEW_FUNC();
    tcg_gen_op3(INDEX_op_add_i64, R, tcgv_i64_arg(tcg_constant_i64(9)), X);
    tcg_optimize(ctx);
    g_assert_cmpint(nth_op(0)->opc, ==, INDEX_op_add_i64);
    g_assert_true(nth_op(0)->args[1] == X);
    g_assert_cmpint(arg_temp(nth_op(0)->args[2])->val, ==, 9);
    (void)c1;
#undef NEW_FUNC
}

static void test_setcond_movcond(void)
{
    setup();
    TCGv_i64 x = tcg_temp_new_i64(), r = tcg_temp_new_i64();
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();

    tcg_gen_setcond_i64(TCG_COND_EQ, r, x, x);                  /* 1 */
    tcg_gen_setcond_i64(TCG_COND_LTU, r, x, x);                 /* 0 */
    tcg_gen_negsetcond_i64(TCG_COND_GE, r, x, x);               /* -1 */
    tcg_gen_movcond_i64(TCG_COND_NE, r, x, x, a, b);            /* b */
    tcg_gen_movcond_i64(TCG_COND_LT, r, x, g_r0, a, a);         /* a */
    tcg_gen_setcond_i64(TCG_COND_LT, r, tcg_constant_i64(3), x); /* x gt 3 */
    tcg_optimize(ctx);

    g_assert_cmpint(nb_ops(), ==, 6);
    assert_movi(nth_op(0), T64(r), 1);
    assert_movi(nth_op(1), T64(r), 0);
    assert_movi(nth_op(2), T64(r), -1);
    assert_mov(nth_op(3), T64(r), T64(b));
    assert_mov(nth_op(4), T64(r), T64(a));
    TCGOp *sc = nth_op(5);
    g_assert_cmpint(sc->opc, ==, INDEX_op_setcond_i64);
    g_assert_true(arg_temp(sc->args[1]) == T64(x));
    g_assert_cmpint(arg_temp(sc->args[2])->val, ==, 3);
    g_assert_cmpint(sc->args[3], ==, TCG_COND_GT);
}

static void test_branch_always(void)
{
    setup();
    TCGv_i64 t = tcg_temp_new_i64();
    TCGLabel *l1 = gen_new_label(), *l2 = gen_new_label();

    tcg_gen_movi_i64(t, 4);
    tcg_gen_brcondi_i64(TCG_COND_EQ, t, 4, l1);     /* always: br */
    tcg_gen_addi_i64(g_r0, g_r0, 1);                /* dead */
    tcg_gen_insn_start(0x10, 0);                    /* kept: no code */
    gen_set_label(l2);                              /* unreferenced: dropped */
    tcg_gen_addi_i64(g_r0, g_r0, 2);                /* dead */
    gen_set_label(l1);
    tcg_gen_addi_i64(g_r1, g_r1, 3);
    tcg_gen_exit_tb(NULL, 0);
    tcg_gen_movi_i64(g_r1, 9);                      /* dead after exit_tb */
    tcg_optimize(ctx);

    g_assert_cmpint(nb_ops(), ==, 6);
    g_assert_cmpint(nth_op(1)->opc, ==, INDEX_op_br);
    g_assert_true(arg_label(nth_op(1)->args[0]) == l1);
    g_assert_cmpint(nth_op(2)->opc, ==, INDEX_op_insn_start);
    g_assert_cmpint(nth_op(3)->opc, ==, INDEX_op_set_label);
    g_assert_true(arg_label(nth_op(3)->args[0]) == l1);
    g_assert_cmpint(nth_op(4)->opc, ==, INDEX_op_add_i64);
    g_assert_cmpint(nth_op(5)->opc, ==, INDEX_op_exit_tb);
    g_assert_cmpint(l1->refs, ==, 1);
}

static void test_branch_never(void)
{
    setup();
    TCGv_i64 t = tcg_temp_new_i64();
    TCGLabel *l = gen_new_label();

    tcg_gen_movi_i64(t, 4);
    tcg_gen_brcondi_i64(TCG_COND_LTU, t, 4, l);     /* never: removed */
    tcg_gen_addi_i64(g_r0, g_r0, 1);
    gen_set_label(l);                               /* no refs left */
    tcg_gen_addi_i64(g_r0, t, 2);                   /* t still known */
    tcg_optimize(ctx);

    g_assert_cmpint(nb_ops(), ==, 3);
    g_assert_cmpint(count_ops(INDEX_op_brcond_i64), ==, 0);
    g_assert_cmpint(count_ops(INDEX_op_set_label), ==, 0);
    g_assert_cmpint(l->refs, ==, 0);
    assert_movi(nth_op(2), T64(g_r0), 6);
}

static void test_branch_misc(void)
{
    TCGLabel *l;

    /* A jump to the next op disappears (and then its label). */
    setup();
    l = gen_new_label();
    tcg_gen_br(l);
    gen_set_label(l);
    tcg_gen_movi_i64(g_r0, 1);
    tcg_optimize(ctx);
    g_assert_cmpint(nb_ops(), ==, 1);

    /* goto_tb falls through to its exit when unchained: not dead. */
    setup();
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(ctx);
    g_assert_cmpint(nb_ops(), ==, 2);

    /* An unknown condition stays; a backward branch keeps its label. */
    setup();
    l = gen_new_label();
    gen_set_label(l);
    tcg_gen_subi_i64(g_r0, g_r0, 1);
    tcg_gen_brcondi_i64(TCG_COND_NE, g_r0, 0, l);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(ctx);
    g_assert_cmpint(nb_ops(), ==, 4);

    /* Hand-emitted branches (no refs counted) keep their label. */
    setup();
    l = gen_new_label();
    TCGOp *op = tcg_emit_op(INDEX_op_brcond_i64, 4);
    op->args[0] = tcgv_i64_arg(g_r0);
    op->args[1] = tcgv_i64_arg(g_r1);
    op->args[2] = TCG_COND_EQ;
    op->args[3] = label_arg(l);
    tcg_emit_op(INDEX_op_set_label, 1)->args[0] = label_arg(l);
    tcg_optimize(ctx);
    g_assert_cmpint(nb_ops(), ==, 2);
}

static void test_double_word_fold(void)
{
    setup();
    TCGv_i32 lo = tcg_temp_new_i32(), hi = tcg_temp_new_i32();

    tcg_gen_add2_i32(lo, hi, tcg_constant_i32(-1), tcg_constant_i32(0),
                     tcg_constant_i32(1), tcg_constant_i32(0));
    tcg_gen_mov_i32(lo, hi);
    tcg_optimize(ctx);
    g_assert_cmpint(nb_ops(), ==, 3);
    assert_movi(nth_op(0), tcgv_i32_temp(lo), 0);
    assert_movi(nth_op(1), tcgv_i32_temp(hi), 1);
    assert_movi(nth_op(2), tcgv_i32_temp(lo), 1);
}

/* ---- folding semantics against a C reference ---- */

static uint64_t mask_of(int bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static int64_t sext_of(uint64_t v, int bits)
{
    uint64_t sign = 1ull << (bits - 1);

    v &= mask_of(bits);
    return (int64_t)((v ^ sign) - sign);
}

/* High half of the unsigned product, from 32-bit limbs. */
static uint64_t ref_umulh64(uint64_t a, uint64_t b)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static void ref_mul2(int bits, bool sign, uint64_t a, uint64_t b, uint64_t *lo,
                     uint64_t *hi)
{
    uint64_t m = mask_of(bits);

    a &= m;
    b &= m;
    if (bits == 32) {
        uint64_t p = a * b;
        *lo = p & m;
        *hi = p >> 32;
    } else {
        *lo = a * b;
        *hi = ref_umulh64(a, b);
    }
    if (sign) {
        /* signed high = unsigned high - (a < 0 ? b : 0) - (b < 0 ? a : 0) */
        if (sext_of(a, bits) < 0) {
            *hi -= b;
        }
        if (sext_of(b, bits) < 0) {
            *hi -= a;
        }
        *hi &= m;
    }
}

enum {
    R_ADD, R_SUB, R_MUL, R_AND, R_OR, R_XOR, R_ANDC, R_ORC, R_EQV, R_NAND, R_NOR,
    R_SHL, R_SHR, R_SAR, R_ROTL, R_ROTR, R_DIV, R_DIVU, R_REM, R_REMU,
    R_MULUH, R_MULSH, R_CLZ, R_CTZ,
};

/* Reference result of a binary op; false where the result is undefined. */
static bool ref_binary(int k, int bits, uint64_t x, uint64_t y, uint64_t *r)
{
    uint64_t m = mask_of(bits);
    unsigned n = y & (bits - 1);
    int64_t sx = sext_of(x, bits), sy = sext_of(y, bits);
    uint64_t lo;

    x &= m;
    y &= m;
    switch (k) {
    case R_ADD: *r = x + y; break;
    case R_SUB: *r = x - y; break;
    case R_MUL: *r = x * y; break;
    case R_AND: *r = x & y; break;
    case R_OR: *r = x | y; break;
    case R_XOR: *r = x ^ y; break;
    case R_ANDC: *r = x & ~y; break;
    case R_ORC: *r = x | ~y; break;
    case R_EQV: *r = ~(x ^ y); break;
    case R_NAND: *r = ~(x & y); break;
    case R_NOR: *r = ~(x | y); break;
    case R_SHL: *r = x << n; break;
    case R_SHR: *r = x >> n; break;
    case R_SAR:
        *r = x;
        for (unsigned i = 0; i < n; i++) {
            *r = (*r >> 1) | (*r & (1ull << (bits - 1)));
        }
        break;
    case R_ROTL:
        *r = x;
        for (unsigned i = 0; i < n; i++) {
            *r = ((*r << 1) | (*r >> (bits - 1))) & m;
        }
        break;
    case R_ROTR:
        *r = x;
        for (unsigned i = 0; i < n; i++) {
            *r = (*r >> 1) | ((*r & 1) << (bits - 1));
        }
        break;
    case R_DIV:
    case R_REM:
        if (sy == 0 || (sy == -1 && sx == sext_of(1ull << (bits - 1), bits))) {
            return false;
        }
        *r = k == R_DIV ? (uint64_t)(sx / sy) : (uint64_t)(sx % sy);
        break;
    case R_DIVU:
    case R_REMU:
        if (y == 0) {
            return false;
        }
        *r = k == R_DIVU ? x / y : x % y;
        break;
    case R_MULUH:
        ref_mul2(bits, false, x, y, &lo, r);
        break;
    case R_MULSH:
        ref_mul2(bits, true, x, y, &lo, r);
        break;
    case R_CLZ:
        if (x == 0) {
            *r = y;
        } else {
            *r = 0;
            for (int i = bits - 1; !(x & (1ull << i)); i--) {
                (*r)++;
            }
        }
        break;
    case R_CTZ:
        if (x == 0) {
            *r = y;
        } else {
            *r = 0;
            for (int i = 0; !(x & (1ull << i)); i++) {
                (*r)++;
            }
        }
        break;
    default:
        g_assert_not_reached();
    }
    *r &= m;
    return true;
}

static const struct {
    int kind;
    TCGOpcode opc32, opc64;
} binops[] = {
#define B(K, name) { K, INDEX_op_##name##_i32, INDEX_op_##name##_i64 }
    B(R_ADD, add), B(R_SUB, sub), B(R_MUL, mul), B(R_AND, and), B(R_OR, or),
    B(R_XOR, xor), B(R_ANDC, andc), B(R_ORC, orc), B(R_EQV, eqv),
    B(R_NAND, nand), B(R_NOR, nor), B(R_SHL, shl), B(R_SHR, shr),
    B(R_SAR, sar), B(R_ROTL, rotl), B(R_ROTR, rotr), B(R_DIV, div),
    B(R_DIVU, divu), B(R_REM, rem), B(R_REMU, remu), B(R_MULUH, muluh),
    B(R_MULSH, mulsh), B(R_CLZ, clz), B(R_CTZ, ctz),
#undef B
};

static const uint64_t edge[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
    0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffff80000000ull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, (uint64_t)-2, (uint64_t)-1,
};

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t tt_next(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static TCGType type_of(int bits)
{
    return bits == 32 ? TCG_TYPE_I32 : TCG_TYPE_I64;
}

static TCGArg cst(int bits, uint64_t v)
{
    return temp_arg(tcg_constant_internal(type_of(bits), (int64_t)v));
}

/* After optimizing, the only op must be "mov out, $ref" (ref of width bits). */
static void expect_folded(TCGTemp *out, int bits, uint64_t ref, const char *what,
                          uint64_t x, uint64_t y)
{
    TCGOp *op = ctx->first_op;
    int64_t want = sext_of(ref, bits);

    if (!op || op->next || (op->opc != INDEX_op_mov_i32 && op->opc != INDEX_op_mov_i64) ||
        arg_temp(op->args[0]) != out || arg_temp(op->args[1])->kind != TEMP_CONST ||
        arg_temp(op->args[1])->val != want) {
        g_test_message("%s/%d x=0x%" PRIx64 " y=0x%" PRIx64 ": expected $0x%" PRIx64,
                       what, bits, x, y, ref);
        tcg_dump_ops(ctx, stderr, false);
        g_assert_not_reached();
    }
    g_assert_true(arg_temp(op->args[1])->type == type_of(bits));
}

static TCGTemp *new_out(int bits)
{
    return tcg_temp_new_internal(type_of(bits), TEMP_TB);
}

static void test_fold_binary_semantics(void)
{
    for (int w = 0; w < 2; w++) {
        int bits = w ? 64 : 32;
        for (size_t o = 0; o < ARRAY_SIZE(binops); o++) {
            TCGOpcode opc = w ? binops[o].opc64 : binops[o].opc32;
            for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
                for (size_t j = 0; j < ARRAY_SIZE(edge); j++) {
                    uint64_t x = edge[i], y = edge[j], ref;

                    setup();
                    TCGTemp *out = new_out(bits);
                    tcg_gen_op3(opc, temp_arg(out), cst(bits, x), cst(bits, y));
                    tcg_optimize(ctx);
                    if (ref_binary(binops[o].kind, bits, x, y, &ref)) {
                        expect_folded(out, bits, ref, tcg_op_defs[opc].name, x, y);
                    } else {
                        /* Undefined result: left for run time. */
                        g_assert_cmpint(nb_ops(), ==, 1);
                        g_assert_cmpint(ctx->first_op->opc, ==, opc);
                    }
                }
            }
        }
    }
}

static uint64_t ref_bswap(uint64_t x, int bytes)
{
    uint64_t r = 0;

    for (int i = 0; i < bytes; i++) {
        r = (r << 8) | ((x >> (8 * i)) & 0xff);
    }
    return r;
}

static uint64_t ref_popcount(uint64_t x)
{
    uint64_t n = 0;

    for (; x; x >>= 1) {
        n += x & 1;
    }
    return n;
}

static void test_fold_unary_semantics(void)
{
    static const struct {
        TCGOpcode opc;
        int bits;
    } ops[] = {
        { INDEX_op_not_i32, 32 }, { INDEX_op_not_i64, 64 },
        { INDEX_op_neg_i32, 32 }, { INDEX_op_neg_i64, 64 },
        { INDEX_op_ext8s_i32, 32 }, { INDEX_op_ext8s_i64, 64 },
        { INDEX_op_ext8u_i32, 32 }, { INDEX_op_ext8u_i64, 64 },
        { INDEX_op_ext16s_i32, 32 }, { INDEX_op_ext16s_i64, 64 },
        { INDEX_op_ext16u_i32, 32 }, { INDEX_op_ext16u_i64, 64 },
        { INDEX_op_ext32s_i64, 64 }, { INDEX_op_ext32u_i64, 64 },
        { INDEX_op_ctpop_i32, 32 }, { INDEX_op_ctpop_i64, 64 },
    };

    for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
        int bits = ops[o].bits;
        TCGOpcode opc = ops[o].opc;
        for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
            uint64_t x = edge[i] & mask_of(bits), ref;

            if (opc == INDEX_op_not_i32 || opc == INDEX_op_not_i64) {
                ref = x ^ mask_of(bits);
            } else if (opc == INDEX_op_neg_i32 || opc == INDEX_op_neg_i64) {
                ref = (mask_of(bits) - x + 1) & mask_of(bits);
            } else if (opc == INDEX_op_ext8s_i32 || opc == INDEX_op_ext8s_i64) {
                ref = (uint64_t)sext_of(x, 8);
            } else if (opc == INDEX_op_ext8u_i32 || opc == INDEX_op_ext8u_i64) {
                ref = x & 0xff;
            } else if (opc == INDEX_op_ext16s_i32 || opc == INDEX_op_ext16s_i64) {
                ref = (uint64_t)sext_of(x, 16);
            } else if (opc == INDEX_op_ext16u_i32 || opc == INDEX_op_ext16u_i64) {
                ref = x & 0xffff;
            } else if (opc == INDEX_op_ext32s_i64) {
                ref = (uint64_t)sext_of(x, 32);
            } else if (opc == INDEX_op_ext32u_i64) {
                ref = x & 0xffffffff;
            } else {
                ref = ref_popcount(x);
            }
            setup();
            TCGTemp *out = new_out(bits);
            tcg_gen_op2(opc, temp_arg(out), cst(bits, x));
            tcg_optimize(ctx);
            expect_folded(out, bits, ref & mask_of(bits), tcg_op_defs[opc].name, x, 0);
        }
    }
}

/* Byte swaps with their extension flags, and the width-changing ops. */
static void test_fold_bswap_ext_semantics(void)
{
    static const int flag_sets[] = {
        0, TCG_BSWAP_IZ, TCG_BSWAP_OZ, TCG_BSWAP_OS,
        TCG_BSWAP_IZ | TCG_BSWAP_OZ, TCG_BSWAP_IZ | TCG_BSWAP_OS,
    };
    static const struct {
        TCGOpcode opc;
        int bits, bytes;
    } ops[] = {
        { INDEX_op_bswap16_i32, 32, 2 }, { INDEX_op_bswap16_i64, 64, 2 },
        { INDEX_op_bswap32_i32, 32, 4 }, { INDEX_op_bswap32_i64, 64, 4 },
        { INDEX_op_bswap64_i64, 64, 8 },
    };

    for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
        int bits = ops[o].bits, bytes = ops[o].bytes;
        for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++) {
            int flags = flag_sets[f];
            for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
                uint64_t x = edge[i] & mask_of(bits);
                uint64_t ref = ref_bswap(x, bytes);

                if ((flags & TCG_BSWAP_IZ) && (x & ~mask_of(8 * bytes))) {
                    continue;       /* IZ promises what x does not hold */
                }
                if (flags & TCG_BSWAP_OS) {
                    ref = (uint64_t)sext_of(ref, 8 * bytes);
                }
                setup();
                TCGTemp *out = new_out(bits);
                tcg_gen_op3(ops[o].opc, temp_arg(out), cst(bits, x), flags);
                tcg_optimize(ctx);
                TCGOp *op = ctx->first_op;
                g_assert_true(op && !op->next && op->opc == (bits == 32 ? INDEX_op_mov_i32
                                                                        : INDEX_op_mov_i64));
                uint64_t got = arg_temp(op->args[1])->val & mask_of(bits);
                if (8 * bytes == bits || (flags & (TCG_BSWAP_OZ | TCG_BSWAP_OS))) {
                    g_assert_cmphex(got, ==, ref & mask_of(bits));
                } else {
                    /* High bits undefined: only the swapped bytes count. */
                    g_assert_cmphex(got & mask_of(8 * bytes), ==, ref);
                }
            }
        }
    }

    for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
        uint64_t x = edge[i];

        setup();
        TCGTemp *o64 = new_out(64), *o32 = new_out(32);
        tcg_gen_op2(INDEX_op_ext_i32_i64, temp_arg(o64), cst(32, x));
        tcg_optimize(ctx);
        expect_folded(o64, 64, (uint64_t)sext_of(x, 32), "ext_i32_i64", x, 0);

        setup();
        o64 = new_out(64);
        tcg_gen_op2(INDEX_op_extu_i32_i64, temp_arg(o64), cst(32, x));
        tcg_optimize(ctx);
        expect_folded(o64, 64, x & 0xffffffff, "extu_i32_i64", x, 0);

        setup();
        o32 = new_out(32);
        tcg_gen_op2(INDEX_op_extrl_i64_i32, temp_arg(o32), cst(64, x));
        tcg_optimize(ctx);
        expect_folded(o32, 32, x & 0xffffffff, "extrl_i64_i32", x, 0);

        setup();
        o32 = new_out(32);
        tcg_gen_op2(INDEX_op_extrh_i64_i32, temp_arg(o32), cst(64, x));
        tcg_optimize(ctx);
        expect_folded(o32, 32, x >> 32, "extrh_i64_i32", x, 0);
    }
}

static const struct {
    unsigned ofs, len;
} fields[] = {
    { 0, 1 }, { 0, 8 }, { 3, 5 }, { 8, 8 }, { 16, 16 }, { 1, 31 }, { 31, 1 },
    { 0, 31 }, { 32, 32 }, { 0, 63 }, { 1, 63 }, { 40, 24 }, { 63, 1 }, { 20, 30 },
};

static void test_fold_field_semantics(void)
{
    for (int w = 0; w < 2; w++) {
        int bits = w ? 64 : 32;
        for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
            unsigned ofs = fields[f].ofs, len = fields[f].len;
            if (ofs + len > (unsigned)bits) {
                continue;
            }
            for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
                uint64_t x = edge[i] & mask_of(bits);
                uint64_t y = edge[(i * 7 + 3) % ARRAY_SIZE(edge)] & mask_of(bits);
                uint64_t ext = 0, dep = x;

                for (unsigned b = 0; b < len; b++) {
                    uint64_t bit = (x >> (ofs + b)) & 1;
                    ext |= bit << b;
                    dep &= ~(1ull << (ofs + b));
                    dep |= ((y >> b) & 1) << (ofs + b);
                }
                uint64_t sext = ext;
                if ((ext >> (len - 1)) & 1) {
                    for (unsigned b = len; b < 64; b++) {
                        sext |= 1ull << b;
                    }
                }

                setup();
                TCGTemp *out = new_out(bits);
                tcg_gen_op4(w ? INDEX_op_extract_i64 : INDEX_op_extract_i32,
                            temp_arg(out), cst(bits, x), ofs, len);
                tcg_optimize(ctx);
                expect_folded(out, bits, ext, "extract", x, ofs * 100 + len);

                setup();
                out = new_out(bits);
                tcg_gen_op4(w ? INDEX_op_sextract_i64 : INDEX_op_sextract_i32,
                            temp_arg(out), cst(bits, x), ofs, len);
                tcg_optimize(ctx);
                expect_folded(out, bits, sext & mask_of(bits), "sextract", x,
                              ofs * 100 + len);

                setup();
                out = new_out(bits);
                tcg_gen_op5(w ? INDEX_op_deposit_i64 : INDEX_op_deposit_i32,
                            temp_arg(out), cst(bits, x), cst(bits, y), ofs, len);
                tcg_optimize(ctx);
                expect_folded(out, bits, dep, "deposit", x, y);
            }
        }
    }
}

static bool ref_cond(TCGCond c, int bits, uint64_t x, uint64_t y)
{
    int64_t sx = sext_of(x, bits), sy = sext_of(y, bits);

    x &= mask_of(bits);
    y &= mask_of(bits);
    switch (c) {
    case TCG_COND_EQ: return x == y;
    case TCG_COND_NE: return x != y;
    case TCG_COND_LT: return sx < sy;
    case TCG_COND_GE: return sx >= sy;
    case TCG_COND_LE: return sx <= sy;
    case TCG_COND_GT: return sx > sy;
    case TCG_COND_LTU: return x < y;
    case TCG_COND_GEU: return x >= y;
    case TCG_COND_LEU: return x <= y;
    case TCG_COND_GTU: return x > y;
    default: g_assert_not_reached();
    }
}

static void test_fold_cond_semantics(void)
{
    static const TCGCond conds[] = {
        TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE,
        TCG_COND_GT, TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU,
    };

    for (int w = 0; w < 2; w++) {
        int bits = w ? 64 : 32;
        for (size_t c = 0; c < ARRAY_SIZE(conds); c++) {
            TCGCond cond = conds[c];
            for (size_t i = 0; i < ARRAY_SIZE(edge); i += 2) {
                for (size_t j = 0; j < ARRAY_SIZE(edge); j += 3) {
                    uint64_t x = edge[i], y = edge[j];
                    bool ref = ref_cond(cond, bits, x, y);

                    setup();
                    TCGTemp *out = new_out(bits);
                    tcg_gen_op4(w ? INDEX_op_setcond_i64 : INDEX_op_setcond_i32,
                                temp_arg(out), cst(bits, x), cst(bits, y), cond);
                    tcg_optimize(ctx);
                    expect_folded(out, bits, ref, "setcond", x, y);

                    setup();
                    out = new_out(bits);
                    tcg_gen_op4(w ? INDEX_op_negsetcond_i64 : INDEX_op_negsetcond_i32,
                                temp_arg(out), cst(bits, x), cst(bits, y), cond);
                    tcg_optimize(ctx);
                    expect_folded(out, bits, ref ? mask_of(bits) : 0, "negsetcond", x, y);

                    setup();
                    out = new_out(bits);
                    TCGTemp *v1 = new_out(bits), *v2 = new_out(bits);
                    tcg_gen_op6(w ? INDEX_op_movcond_i64 : INDEX_op_movcond_i32,
                                temp_arg(out), cst(bits, x), cst(bits, y),
                                temp_arg(v1), temp_arg(v2), cond);
                    tcg_optimize(ctx);
                    g_assert_cmpint(nb_ops(), ==, 1);
                    assert_mov(ctx->first_op, out, ref ? v1 : v2);

                    setup();
                    TCGLabel *l = gen_new_label();
                    if (w) {
                        tcg_gen_brcond_i64(cond, temp_tcgv_i64(arg_temp(cst(64, x))),
                                           temp_tcgv_i64(arg_temp(cst(64, y))), l);
                    } else {
                        tcg_gen_brcond_i32(cond, temp_tcgv_i32(arg_temp(cst(32, x))),
                                           temp_tcgv_i32(arg_temp(cst(32, y))), l);
                    }
                    tcg_gen_movi_i64(g_r0, 1);
                    gen_set_label(l);
                    tcg_gen_movi_i64(g_r1, 2);
                    tcg_optimize(ctx);
                    if (ref) {
                        /* br, its label, and the store after it. */
                        g_assert_cmpint(nb_ops(), ==, 3);
                        g_assert_cmpint(nth_op(0)->opc, ==, INDEX_op_br);
                        g_assert_cmpint(count_ops(INDEX_op_mov_i64), ==, 1);
                    } else {
                        g_assert_cmpint(nb_ops(), ==, 2);
                        g_assert_cmpint(count_ops(INDEX_op_set_label), ==, 0);
                    }
                }
            }
        }
    }
}

static void test_fold_double_semantics(void)
{
    for (int w = 0; w < 2; w++) {
        int bits = w ? 64 : 32;
        uint64_t m = mask_of(bits);
        for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
            for (size_t j = 0; j < ARRAY_SIZE(edge); j++) {
                uint64_t a = edge[i] & m, b = edge[j] & m;
                uint64_t ah = edge[(i + 5) % ARRAY_SIZE(edge)] & m;
                uint64_t bh = edge[(j + 11) % ARRAY_SIZE(edge)] & m;
                uint64_t lo, hi;

                for (int k = 0; k < 4; k++) {
                    TCGOpcode opc;
                    switch (k) {
                    case 0: {
                        lo = (a + b) & m;
                        uint64_t carry = lo < a;
                        hi = (ah + bh + carry) & m;
                        opc = w ? INDEX_op_add2_i64 : INDEX_op_add2_i32;
                        break;
                    }
                    case 1: {
                        lo = (a - b) & m;
                        uint64_t borrow = a < b;
                        hi = (ah - bh - borrow) & m;
                        opc = w ? INDEX_op_sub2_i64 : INDEX_op_sub2_i32;
                        break;
                    }
                    case 2:
                        ref_mul2(bits, false, a, b, &lo, &hi);
                        opc = w ? INDEX_op_mulu2_i64 : INDEX_op_mulu2_i32;
                        break;
                    default:
                        ref_mul2(bits, true, a, b, &lo, &hi);
                        opc = w ? INDEX_op_muls2_i64 : INDEX_op_muls2_i32;
                        break;
                    }
                    setup();
                    TCGTemp *rl = new_out(bits), *rh = new_out(bits);
                    if (k < 2) {
                        tcg_gen_op6(opc, temp_arg(rl), temp_arg(rh), cst(bits, a),
                                    cst(bits, ah), cst(bits, b), cst(bits, bh));
                    } else {
                        tcg_gen_op4(opc, temp_arg(rl), temp_arg(rh), cst(bits, a),
                                    cst(bits, b));
                    }
                    tcg_optimize(ctx);
                    g_assert_cmpint(nb_ops(), ==, 2);
                    assert_movi(nth_op(0), rl, sext_of(lo, bits));
                    assert_movi(nth_op(1), rh, sext_of(hi, bits));
                }
            }
        }
    }
}

/* The movcond composites fold to the right constant. */
static void test_fold_minmax(void)
{
    static const int64_t vals[] = {
        0, 1, -1, 5, -5, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX, 0x80000000ll,
    };

    for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(vals); j++) {
            int64_t a = vals[i], b = vals[j];
            uint64_t ua = a, ub = b;
            int32_t a32 = (int32_t)a, b32 = (int32_t)b;
            uint32_t ua32 = a32, ub32 = b32;
            int64_t want[5] = {
                a < b ? a : b, a > b ? a : b, ua < ub ? a : b, ua > ub ? a : b,
                a < 0 ? (int64_t)(0 - ua) : a,
            };
            int32_t want32[5] = {
                a32 < b32 ? a32 : b32, a32 > b32 ? a32 : b32,
                ua32 < ub32 ? a32 : b32, ua32 > ub32 ? a32 : b32,
                a32 < 0 ? (int32_t)(0 - ua32) : a32,
            };
            for (int k = 0; k < 5; k++) {
                setup();
                TCGv_i64 r = tcg_temp_new_i64();
                TCGv_i64 ca = tcg_constant_i64(a), cb = tcg_constant_i64(b);
                void (*f64[4])(TCGv_i64, TCGv_i64, TCGv_i64) = {
                    tcg_gen_smin_i64, tcg_gen_smax_i64, tcg_gen_umin_i64, tcg_gen_umax_i64,
                };
                if (k < 4) {
                    f64[k](r, ca, cb);
                } else {
                    tcg_gen_abs_i64(r, ca);
                }
                tcg_optimize(ctx);
                g_assert_true(ctx->last_op->opc == INDEX_op_mov_i64);
                g_assert_cmpint(arg_temp(ctx->last_op->args[1])->val, ==, want[k]);

                setup();
                TCGv_i32 r32 = tcg_temp_new_i32();
                TCGv_i32 ca32 = tcg_constant_i32(a32), cb32 = tcg_constant_i32(b32);
                void (*f32[4])(TCGv_i32, TCGv_i32, TCGv_i32) = {
                    tcg_gen_smin_i32, tcg_gen_smax_i32, tcg_gen_umin_i32, tcg_gen_umax_i32,
                };
                if (k < 4) {
                    f32[k](r32, ca32, cb32);
                } else {
                    tcg_gen_abs_i32(r32, ca32);
                }
                tcg_optimize(ctx);
                g_assert_true(ctx->last_op->opc == INDEX_op_mov_i32);
                g_assert_cmpint(arg_temp(ctx->last_op->args[1])->val, ==, want32[k]);
            }
        }
    }
}

/* ---- random programs: same results before and after optimization ---- */

static int binop_kind(TCGOpcode opc, int *bits)
{
    for (size_t o = 0; o < ARRAY_SIZE(binops); o++) {
        if (binops[o].opc32 == opc || binops[o].opc64 == opc) {
            *bits = binops[o].opc64 == opc ? 64 : 32;
            return binops[o].kind;
        }
    }
    return -1;
}

/*
 * A reference interpreter for the ops the random programs use. Values
 * are kept per temp index, i32 values zero-extended; returns after
 * exit_tb or the last op.
 */
static void interp(uint64_t *vals)
{
    TCGOp *op = ctx->first_op;
    int steps = 0;

#define V(i) (arg_temp(op->args[i])->kind == TEMP_CONST ?                    \
              (uint64_t)arg_temp(op->args[i])->val & mask_of(bits) :         \
              vals[arg_temp(op->args[i]) - ctx->temps] & mask_of(bits))
#define SET(i, v) (vals[arg_temp(op->args[i]) - ctx->temps] = (v) & mask_of(bits))

    while (op) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int bits = def->flags & TCG_OPF_64BIT ? 64 : 32;
        TCGOp *next = op->next;
        uint64_t r;
        int kind, kbits = 64;

        g_assert_cmpint(++steps, <, 10000);
        switch (op->opc) {
        case INDEX_op_insn_start:
        case INDEX_op_set_label:
            break;
        case INDEX_op_exit_tb:
            return;
        case INDEX_op_br:
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64: {
            TCGLabel *l = arg_label(op->args[op->opc == INDEX_op_br ? 0 : 3]);
            if (op->opc == INDEX_op_br || ref_cond(op->args[2], bits, V(0), V(1))) {
                for (next = ctx->first_op; next; next = next->next) {
                    if (next->opc == INDEX_op_set_label &&
                        arg_label(next->args[0]) == l) {
                        break;
                    }
                }
                g_assert_nonnull(next);
            }
            break;
        }
        case INDEX_op_mov_i32:
        case INDEX_op_mov_i64:
            SET(0, V(1));
            break;
        case INDEX_op_setcond_i32:
        case INDEX_op_setcond_i64:
            SET(0, ref_cond(op->args[3], bits, V(1), V(2)));
            break;
        case INDEX_op_negsetcond_i32:
        case INDEX_op_negsetcond_i64:
            SET(0, ref_cond(op->args[3], bits, V(1), V(2)) ? ~0ull : 0);
            break;
        case INDEX_op_movcond_i32:
        case INDEX_op_movcond_i64:
            SET(0, ref_cond(op->args[5], bits, V(1), V(2)) ? V(3) : V(4));
            break;
        case INDEX_op_not_i64:
            SET(0, ~V(1));
            break;
        case INDEX_op_neg_i64:
            SET(0, 0 - V(1));
            break;
        case INDEX_op_ext8s_i64:
            SET(0, (uint64_t)sext_of(V(1), 8));
            break;
        case INDEX_op_ext16u_i64:
            SET(0, V(1) & 0xffff);
            break;
        case INDEX_op_ext32s_i64:
            SET(0, (uint64_t)sext_of(V(1), 32));
            break;
        case INDEX_op_ctpop_i64:
            SET(0, ref_popcount(V(1)));
            break;
        case INDEX_op_bswap64_i64:
            SET(0, ref_bswap(V(1), 8));
            break;
        case INDEX_op_extract_i64: {
            unsigned ofs = op->args[2], len = op->args[3];
            SET(0, (V(1) >> ofs) & mask_of(len));
            break;
        }
        case INDEX_op_deposit_i64: {
            unsigned ofs = op->args[3], len = op->args[4];
            uint64_t m = mask_of(len) << ofs;
            SET(0, (V(1) & ~m) | ((V(2) << ofs) & m));
            break;
        }
        case INDEX_op_ext_i32_i64:
            bits = 32;
            r = (uint64_t)sext_of(V(1), 32);
            bits = 64;
            SET(0, r);
            break;
        case INDEX_op_extu_i32_i64:
            bits = 32;
            r = V(1);
            bits = 64;
            SET(0, r);
            break;
        case INDEX_op_extrl_i64_i32:
            bits = 64;
            r = V(1);
            bits = 32;
            SET(0, r);
            break;
        case INDEX_op_extrh_i64_i32:
            bits = 64;
            r = V(1) >> 32;
            bits = 32;
            SET(0, r);
            break;
        default:
            kind = binop_kind(op->opc, &kbits);
            g_assert_cmpint(kind, >=, 0);
            g_assert_true(ref_binary(kind, kbits, V(1), V(2), &r));
            SET(0, r);
            break;
        }
        op = next;
    }
#undef V
#undef SET
}

static void test_random_programs(void)
{
    static const TCGCond conds[] = {
        TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LEU, TCG_COND_GTU,
    };
    static const TCGOpcode bin64[] = {
        INDEX_op_add_i64, INDEX_op_sub_i64, INDEX_op_mul_i64, INDEX_op_and_i64,
        INDEX_op_or_i64, INDEX_op_xor_i64, INDEX_op_andc_i64, INDEX_op_eqv_i64,
        INDEX_op_shl_i64, INDEX_op_shr_i64, INDEX_op_sar_i64, INDEX_op_rotl_i64,
        INDEX_op_muluh_i64, INDEX_op_clz_i64,
    };
    static const TCGOpcode bin32[] = {
        INDEX_op_add_i32, INDEX_op_xor_i32, INDEX_op_shl_i32, INDEX_op_sar_i32,
        INDEX_op_mul_i32, INDEX_op_orc_i32, INDEX_op_ctz_i32,
    };
    static const TCGOpcode un64[] = {
        INDEX_op_not_i64, INDEX_op_neg_i64, INDEX_op_ext8s_i64, INDEX_op_ext16u_i64,
        INDEX_op_ext32s_i64, INDEX_op_ctpop_i64,
    };
    uint64_t rs = 0x243f6a8885a308d3ull;

#define RND(n) ((unsigned)(tt_next(&rs) % (n)))
    for (int iter = 0; iter < 3000; iter++) {
        setup();
        TCGTemp *t[6], *w[3], *g[2] = { T64(g_r0), T64(g_r1) };
        TCGLabel *labels[3];
        int label_pos[3];
        int nops = 10 + RND(40);

        for (int i = 0; i < 6; i++) {
            t[i] = tcg_temp_new_internal(TCG_TYPE_I64, TEMP_TB);
            tcg_gen_op2(INDEX_op_mov_i64, temp_arg(t[i]),
                        cst(64, edge[RND(ARRAY_SIZE(edge))]));
        }
        for (int i = 0; i < 3; i++) {
            w[i] = tcg_temp_new_internal(TCG_TYPE_I32, TEMP_TB);
            tcg_gen_op2(INDEX_op_mov_i32, temp_arg(w[i]),
                        cst(32, edge[RND(ARRAY_SIZE(edge))]));
            labels[i] = gen_new_label();
            label_pos[i] = RND(nops + 1);
        }

        /* Sources: temps, globals and constants; destinations: no constants. */
#define SRC64() (RND(4) == 0 ? cst(64, edge[RND(ARRAY_SIZE(edge))]) :        \
                 RND(5) == 0 ? temp_arg(g[RND(2)]) : temp_arg(t[RND(6)]))
#define DST64() (RND(5) == 0 ? temp_arg(g[RND(2)]) : temp_arg(t[RND(6)]))
#define SRC32() (RND(4) == 0 ? cst(32, edge[RND(ARRAY_SIZE(edge))]) : temp_arg(w[RND(3)]))
#define DST32() temp_arg(w[RND(3)])
        for (int i = 0; i <= nops; i++) {
            for (int k = 0; k < 3; k++) {
                if (label_pos[k] == i) {
                    gen_set_label(labels[k]);
                }
            }
            if (i == nops) {
                break;
            }
            switch (RND(12)) {
            case 0:
                tcg_gen_op2(INDEX_op_mov_i64, DST64(), SRC64());
                break;
            case 1:
            case 2:
            case 3: {
                TCGArg d = DST64(), a = SRC64(), b = SRC64();
                tcg_gen_op3(bin64[RND(ARRAY_SIZE(bin64))], d, a, b);
                break;
            }
            case 4: {
                TCGArg d = DST32(), a = SRC32(), b = SRC32();
                tcg_gen_op3(bin32[RND(ARRAY_SIZE(bin32))], d, a, b);
                break;
            }
            case 5: {
                TCGArg d = DST64(), a = SRC64();
                tcg_gen_op2(un64[RND(ARRAY_SIZE(un64))], d, a);
                break;
            }
            case 6: {
                TCGArg d = DST64(), a = SRC64(), b = SRC64(), c = SRC64(), e = SRC64();
                switch (RND(3)) {
                case 0:
                    tcg_gen_op4(INDEX_op_setcond_i64, d, a, b, conds[RND(6)]);
                    break;
                case 1:
                    tcg_gen_op4(INDEX_op_negsetcond_i64, d, a, b, conds[RND(6)]);
                    break;
                default:
                    tcg_gen_op6(INDEX_op_movcond_i64, d, a, b, c, e, conds[RND(6)]);
                    break;
                }
                break;
            }
            case 7: {
                TCGArg d = DST64(), a = SRC64(), b = SRC64();
                unsigned ofs = RND(60), len = 1 + RND(64 - ofs - 1);
                if (RND(2)) {
                    tcg_gen_op5(INDEX_op_deposit_i64, d, a, b, ofs, len);
                } else {
                    tcg_gen_op4(INDEX_op_extract_i64, d, a, ofs, len);
                }
                break;
            }
            case 8: {
                TCGArg a = SRC64(), d = DST32(), d2 = DST64(), b = SRC32();
                switch (RND(4)) {
                case 0:
                    tcg_gen_op2(INDEX_op_extrl_i64_i32, d, a);
                    break;
                case 1:
                    tcg_gen_op2(INDEX_op_extrh_i64_i32, d, a);
                    break;
                case 2:
                    tcg_gen_op2(INDEX_op_ext_i32_i64, d2, b);
                    break;
                default:
                    tcg_gen_op2(INDEX_op_extu_i32_i64, d2, b);
                    break;
                }
                break;
            }
            case 9:
            case 10: {
                /* Forward branches only, so every program terminates. */
                int k = RND(3);
                if (label_pos[k] > i) {
                    if (RND(4) == 0) {
                        tcg_gen_br(labels[k]);
                    } else if (RND(3) == 0) {
                        TCGArg a = SRC32(), b = SRC32();
                        labels[k]->refs++;
                        tcg_gen_op4(INDEX_op_brcond_i32, a, b, conds[RND(6)],
                                    label_arg(labels[k]));
                    } else {
                        TCGArg a = SRC64(), b = SRC64();
                        labels[k]->refs++;
                        tcg_gen_op4(INDEX_op_brcond_i64, a, b, conds[RND(6)],
                                    label_arg(labels[k]));
                    }
                }
                break;
            }
            default:
                if (RND(6) == 0) {
                    tcg_gen_exit_tb(NULL, 0);
                } else {
                    tcg_gen_op2(INDEX_op_mov_i64, DST64(), SRC64());
                }
                break;
            }
        }
#undef SRC64
#undef DST64
#undef SRC32
#undef DST32

        /* Run the original, the optimized and the liveness-trimmed list. */
        static uint64_t v0[TCG_MAX_TEMPS], v1[TCG_MAX_TEMPS], v2[TCG_MAX_TEMPS];
        uint64_t g0 = tt_next(&rs), g1 = tt_next(&rs);
        memset(v0, 0, sizeof(v0));
        v0[g[0] - ctx->temps] = g0;
        v0[g[1] - ctx->temps] = g1;
        memcpy(v1, v0, sizeof(v0));
        memcpy(v2, v0, sizeof(v0));

        interp(v0);
        tcg_optimize(ctx);
        interp(v1);
        tcg_liveness_analysis(ctx);
        interp(v2);
        for (int i = 0; i < 2; i++) {
            size_t gi = g[i] - ctx->temps;
            if (v0[gi] != v1[gi] || v0[gi] != v2[gi]) {
                g_test_message("iteration %d: global r%d 0x%" PRIx64 " / optimized 0x%"
                               PRIx64 " / after liveness 0x%" PRIx64,
                               iter, i, v0[gi], v1[gi], v2[gi]);
                tcg_dump_ops(ctx, stderr, false);
                g_assert_not_reached();
            }
        }
        /* Temps still hold the same values after the optimizer alone. */
        for (int i = 0; i < 6; i++) {
            g_assert_cmphex(v0[t[i] - ctx->temps], ==, v1[t[i] - ctx->temps]);
        }
        for (int i = 0; i < 3; i++) {
            g_assert_cmphex(v0[w[i] - ctx->temps], ==, v1[w[i] - ctx->temps]);
        }
    }
#undef RND
}

/*
 * Zero-extensions and masks of values whose high bits are known to be
 * zero become movs (the x86 front end extends a MOVZX result twice);
 * those that would clear a bit, and any after a label, stay.
 */
static void test_known_zero_bits(void)
{
    setup();
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64(), v = tcg_temp_new_i64();
    TCGv_i64 w = tcg_temp_new_i64();
    TCGLabel *l = gen_new_label();

    tcg_gen_ext8u_i64(t, g_r0);             /* kept: r0 is unknown */
    tcg_gen_ext8u_i64(u, t);                /* mov */
    tcg_gen_ext32u_i64(v, u);               /* mov */
    tcg_gen_mov_i64(g_r1, v);
    tcg_gen_shri_i64(w, g_r0, 56);          /* w < 256 */
    tcg_gen_ext16u_i64(u, w);               /* mov */
    tcg_gen_xor_i64(v, u, t);               /* still < 256 */
    tcg_gen_ext8u_i64(v, v);                /* mov (to itself: removed) */
    tcg_gen_ext8s_i64(u, v);                /* sign extension: kept */
    tcg_gen_mov_i64(g_r1, u);
    tcg_gen_shri_i64(w, g_r0, 60);          /* w < 16 */
    tcg_gen_brcondi_i64(TCG_COND_EQ, g_r1, 0, l);
    gen_set_label(l);
    tcg_gen_ext8u_i64(u, w);                /* after a label: kept */
    tcg_gen_mov_i64(g_r1, u);
    tcg_optimize(ctx);

    g_assert_cmpint(count_ops(INDEX_op_ext8u_i64) + count_ops(INDEX_op_and_i64), ==, 2);
    g_assert_cmpint(count_ops(INDEX_op_ext16u_i64), ==, 0);
    g_assert_cmpint(count_ops(INDEX_op_ext32u_i64), ==, 0);
    g_assert_cmpint(count_ops(INDEX_op_ext8s_i64), ==, 1);
}

/*
 * What is known about a guest register (a global) survives a call that
 * neither reads nor writes globals: the x86 front end's rotates call
 * cc_compute_all between a 32-bit result and its next use, and the
 * zero-extension of that use must still fold.
 */
static void test_zext_across_pure_call(void)
{
    setup();
    TCGv_i64 t = tcg_temp_new_i64(), f = tcg_temp_new_i64();
    TCGv_i32 t32 = tcg_temp_new_i32();

    tcg_gen_ext32u_i64(t, g_r0);
    tcg_gen_mov_i64(g_r1, t);               /* r1 < 2^32 */
    tcg_gen_extrl_i64_i32(t32, g_r0);
    tcg_gen_rotri_i32(t32, t32, 6);
    tcg_gen_extu_i32_i64(g_r2, t32);        /* r2 < 2^32 */
    gen_helper_opt_pure(f, g_r3);
    tcg_gen_mov_i64(g_r3, f);
    tcg_gen_ext32u_i64(t, g_r1);            /* mov */
    tcg_gen_mov_i64(g_r0, t);
    tcg_gen_ext32u_i64(t, g_r2);            /* mov */
    tcg_gen_mov_i64(g_r3, t);
    gen_helper_opt_writes(tcg_env);
    tcg_gen_ext32u_i64(t, g_r1);            /* kept: the helper may write r1 */
    tcg_gen_mov_i64(g_r0, t);
    tcg_optimize(ctx);

    g_assert_cmpint(count_ops(INDEX_op_ext32u_i64), ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcg/optimize/fold-chain", test_fold_chain);
    g_test_add_func("/tcg/optimize/zext-across-pure-call", test_zext_across_pure_call);
    g_test_add_func("/tcg/optimize/copy-propagation", test_copy_propagation);
    g_test_add_func("/tcg/optimize/copies-and-labels", test_copies_and_labels);
    g_test_add_func("/tcg/optimize/copies-and-calls", test_copies_and_calls);
    g_test_add_func("/tcg/optimize/identities", test_identities);
    g_test_add_func("/tcg/optimize/setcond-movcond", test_setcond_movcond);
    g_test_add_func("/tcg/optimize/branch-always", test_branch_always);
    g_test_add_func("/tcg/optimize/branch-never", test_branch_never);
    g_test_add_func("/tcg/optimize/branch-misc", test_branch_misc);
    g_test_add_func("/tcg/optimize/double-word", test_double_word_fold);
    g_test_add_func("/tcg/optimize/semantics/binary", test_fold_binary_semantics);
    g_test_add_func("/tcg/optimize/semantics/unary", test_fold_unary_semantics);
    g_test_add_func("/tcg/optimize/semantics/bswap-ext", test_fold_bswap_ext_semantics);
    g_test_add_func("/tcg/optimize/semantics/fields", test_fold_field_semantics);
    g_test_add_func("/tcg/optimize/semantics/conditions", test_fold_cond_semantics);
    g_test_add_func("/tcg/optimize/semantics/double-word", test_fold_double_semantics);
    g_test_add_func("/tcg/optimize/semantics/minmax", test_fold_minmax);
    g_test_add_func("/tcg/optimize/random-programs", test_random_programs);
    g_test_add_func("/tcg/optimize/known-zero-bits", test_known_zero_bits);
    return g_test_run();
}
