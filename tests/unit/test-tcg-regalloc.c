/*
 * test-tcg-regalloc.c: register pressure on both backends. Random
 * programs over 48 TB temps (i32 and i64 mixed, more live values than
 * the host has registers) with long reuse distances, forward conditional
 * branches and labels, globals read and written around helper calls, ops
 * with fixed registers or two outputs (variable shifts, division,
 * mulu2/add2, movcond), copies and constants (for the optimizer), are
 * built as TCG ops and simulated in C; env and every temp must end up as
 * the simulation says, with the optimizer off and on. Also a TB with
 * hundreds of simultaneously live temps, which a backend must either
 * compile correctly or refuse cleanly (gen_code -2).
 */
#include "qemu/osdep.h"
#include "tcg-test-common.h"

#define NTEMPS 48
#define NG64 8
#define NG32 4

static TCGv_i64 g64[NG64];
static TCGv_i32 g32[NG32];
static TCGv_ptr g_res;

static void create_globals(void)
{
    for (int i = 0; i < NG64; i++) {
        g64[i] = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[i]), "g64");
    }
    for (int i = 0; i < NG32; i++) {
        g32[i] = tcg_global_mem_new_i32(tcg_env, TT_ENV_OFS(r32[i]), "g32");
    }
    g_res = tcg_global_mem_new_ptr(tcg_env, TT_ENV_OFS(ptr[0]), "res");
}

/* ---- a helper that reads and writes globals ---- */

static uint64_t helper_mix(void *env, uint64_t a)
{
    TestEnv *e = env;

    e->r64[0] = e->r64[0] * 3 + a + e->r64[1];
    e->r32[1] ^= (uint32_t)a;
    e->counters[0]++;
    return e->r64[0] ^ 0x5555;
}

static const TCGHelperInfo info_mix = {
    .func = (void *)helper_mix, .name = "mix", .flags = 0, .nargs = 2,
    .ret = TCG_CALL_I64, .args = { TCG_CALL_PTR, TCG_CALL_I64 },
};

/* ---- random programs ---- */

typedef enum PKind {
    K_ADD, K_SUB, K_XOR, K_MUL, K_AND, K_OR, K_ADDI, K_ROTLI, K_SHRI, K_NEG,
    K_LDG, K_STG, K_CALL, K_BRANCH,
    /* Ops with fixed-register or two-output forms on a real host. */
    K_SHIFTV, K_DIV, K_MUL2, K_ADDSUB2, K_MOVCOND, K_SETCOND, K_BITS,
    /* Copies and constants, for the optimizer's propagation and folding. */
    K_MOV, K_MOVI, K_IMMOP,
    K_NKINDS,
} PKind;

typedef struct PInsn {
    PKind kind;
    int d, a, b;
    int64_t imm;
    int64_t cst;            /* K_MOVI, K_IMMOP: one of special_imms */
    TCGCond cond;
    int skip;               /* K_BRANCH: insns skipped when taken */
} PInsn;

static bool is32(int t)
{
    return t % 3 == 0;
}

static uint64_t trunc_t(int t, uint64_t v)
{
    return is32(t) ? (uint32_t)v : v;
}

static bool ref_cond(TCGCond c, uint64_t a, uint64_t b, bool w32)
{
    switch (c) {
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT:
        return w32 ? (int32_t)a < (int32_t)b : (int64_t)a < (int64_t)b;
    case TCG_COND_GEU: return a >= b;
    default: return a < b;      /* LTU */
    }
}

/* Constants that optimizers and immediate encodings treat specially. */
static const int64_t special_imms[] = {
    0, 1, -1, 2, 3, 16, 0xff, 0x7fffffff, (int64_t)0x80000000ull,
    (int64_t)0xffffffffull, INT64_MIN, INT64_MAX, -0x80, 0x1234567890ll,
};

static const TCGCond branch_conds[] = {
    TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GEU, TCG_COND_LTU,
};

static int gen_program(PInsn *p, int max, uint64_t *rs)
{
    int n = 0, in_branch = 0;

    while (n < max) {
        PInsn *i = &p[n];

        i->kind = (PKind)(tt_rand(rs) % K_NKINDS);
        i->d = (int)(tt_rand(rs) % NTEMPS);
        /* Sources far back in the pool, so values stay live a long time. */
        i->a = (i->d + NTEMPS / 2 + (int)(tt_rand(rs) % 7)) % NTEMPS;
        i->b = (int)(tt_rand(rs) % NTEMPS);
        i->imm = (int64_t)tt_rand(rs);
        i->cst = special_imms[tt_rand(rs) % ARRAY_SIZE(special_imms)];
        i->cond = branch_conds[tt_rand(rs) % ARRAY_SIZE(branch_conds)];
        if (i->kind == K_BRANCH) {
            if (in_branch || n + 2 >= max) {
                i->kind = K_XOR;
            } else {
                i->skip = 1 + (int)(tt_rand(rs) % 6);
                in_branch = i->skip + 1;
            }
        }
        if (in_branch) {
            in_branch--;
        }
        n++;
    }
    return n;
}

/* Both the IR builder and the simulation use the same operand conversion. */
static TCGTemp *temps[NTEMPS];

/* src as a value of dst's type, in a fresh EBB temp if it must convert. */
static TCGTemp *as_type_of(int dst, int src, bool *scratch)
{
    *scratch = false;
    if (is32(dst) == is32(src)) {
        return temps[src];
    }
    *scratch = true;
    if (is32(dst)) {
        TCGv_i32 t = tcg_temp_ebb_new_i32();

        tcg_gen_extrl_i64_i32(t, temp_tcgv_i64(temps[src]));
        return tcgv_i32_temp(t);
    } else {
        TCGv_i64 t = tcg_temp_ebb_new_i64();

        tcg_gen_extu_i32_i64(t, temp_tcgv_i32(temps[src]));
        return tcgv_i64_temp(t);
    }
}

#define EMIT_BIN(fn, d, a, b) do { \
    if (is32(d)) { \
        tcg_gen_##fn##_i32(temp_tcgv_i32(temps[d]), temp_tcgv_i32(a), temp_tcgv_i32(b)); \
    } else { \
        tcg_gen_##fn##_i64(temp_tcgv_i64(temps[d]), temp_tcgv_i64(a), temp_tcgv_i64(b)); \
    } \
} while (0)

/* A second output of the same type as d (is32 depends on t % 3). */
static int second_out(int d)
{
    return (d + 3) % NTEMPS;
}

static unsigned width_of(int t)
{
    return is32(t) ? 32 : 64;
}

/* Deposit/extract field of insn i for a value of width w. */
static void field_of(const PInsn *i, unsigned w, unsigned *pos, unsigned *len)
{
    *pos = (unsigned)(i->imm >> 8) % w;
    *len = 1 + (unsigned)(i->imm >> 16) % (w - *pos);
}

/* The ops with constraints: both widths through one body. */
#define GEN_BOTH(W, T, CONV) do { \
    T d = CONV(temps[i->d]), x = CONV(a), y = CONV(b); \
    switch (i->kind) { \
    case K_SHIFTV: { \
        T c = tcg_temp_ebb_new_##W(); \
        tcg_gen_andi_##W(c, y, w - 1); \
        switch (i->imm & 3) { \
        case 0: tcg_gen_shl_##W(d, x, c); break; \
        case 1: tcg_gen_shr_##W(d, x, c); break; \
        case 2: tcg_gen_sar_##W(d, x, c); break; \
        default: tcg_gen_rotr_##W(d, x, c); break; \
        } \
        tcg_temp_free_##W(c); \
        break; \
    } \
    case K_DIV: { \
        T c = tcg_temp_ebb_new_##W(); \
        /* Divisors that are never 0 (nor -1 for the signed ones). */ \
        if (i->imm & 1) { \
            tcg_gen_andi_##W(c, y, 0xff); \
            tcg_gen_ori_##W(c, c, 1); \
        } else { \
            tcg_gen_ori_##W(c, y, 1); \
        } \
        switch (i->imm & 3) { \
        case 0: tcg_gen_divu_##W(d, x, c); break; \
        case 1: tcg_gen_div_##W(d, x, c); break; \
        case 2: tcg_gen_remu_##W(d, x, c); break; \
        default: tcg_gen_rem_##W(d, x, c); break; \
        } \
        tcg_temp_free_##W(c); \
        break; \
    } \
    case K_MUL2: \
        if (i->imm & 1) { \
            tcg_gen_muls2_##W(d, CONV(temps[second_out(i->d)]), x, y); \
        } else { \
            tcg_gen_mulu2_##W(d, CONV(temps[second_out(i->d)]), x, y); \
        } \
        break; \
    case K_ADDSUB2: \
        if (i->imm & 1) { \
            tcg_gen_sub2_##W(d, CONV(temps[second_out(i->d)]), x, y, CONV(c3), CONV(c4)); \
        } else { \
            tcg_gen_add2_##W(d, CONV(temps[second_out(i->d)]), x, y, CONV(c3), CONV(c4)); \
        } \
        break; \
    case K_MOVCOND: \
        tcg_gen_movcond_##W(i->cond, d, x, y, CONV(c3), d); \
        break; \
    case K_SETCOND: \
        if (i->imm & 1) { \
            tcg_gen_negsetcond_##W(i->cond, d, x, y); \
        } else { \
            tcg_gen_setcond_##W(i->cond, d, x, y); \
        } \
        break; \
    default: { \
        unsigned pos, len; \
        field_of(i, w, &pos, &len); \
        switch (i->imm % 6) { \
        case 0: tcg_gen_clz_##W(d, x, y); break; \
        case 1: tcg_gen_ctz_##W(d, x, y); break; \
        case 2: tcg_gen_ctpop_##W(d, x); break; \
        case 3: tcg_gen_deposit_##W(d, x, y, pos, len); break; \
        case 4: tcg_gen_extract_##W(d, x, pos, len); break; \
        default: GEN_BSWAP_##W(d, x); break; \
        } \
        break; \
    } \
    } \
} while (0)

#define GEN_BSWAP_i32(d, x) tcg_gen_bswap32_i32(d, x)
#define GEN_BSWAP_i64(d, x) tcg_gen_bswap64_i64(d, x)

static void build_constrained(const PInsn *i)
{
    bool sa, sb, s3 = false, s4 = false;
    TCGTemp *a = as_type_of(i->d, i->a, &sa);
    TCGTemp *b = as_type_of(i->d, i->b, &sb);
    TCGTemp *c3 = NULL, *c4 = NULL;
    unsigned w = width_of(i->d);

    if (i->kind == K_ADDSUB2 || i->kind == K_MOVCOND) {
        c3 = as_type_of(i->d, (i->b + 7) % NTEMPS, &s3);
        c4 = as_type_of(i->d, (i->a + 11) % NTEMPS, &s4);
    }
    if (is32(i->d)) {
        GEN_BOTH(i32, TCGv_i32, temp_tcgv_i32);
    } else {
        GEN_BOTH(i64, TCGv_i64, temp_tcgv_i64);
    }
    if (sa) {
        tcg_temp_free_internal(a);
    }
    if (sb) {
        tcg_temp_free_internal(b);
    }
    if (s3) {
        tcg_temp_free_internal(c3);
    }
    if (s4) {
        tcg_temp_free_internal(c4);
    }
}

#define GEN_CONST(W, T, CONV, IMM, SH) do { \
    T d = CONV(temps[i->d]), x = CONV(a); \
    IMM c = (IMM)i->cst; \
    if (i->kind == K_MOV) { \
        tcg_gen_mov_##W(d, x); \
        break; \
    } \
    if (i->kind == K_MOVI) { \
        tcg_gen_movi_##W(d, c); \
        break; \
    } \
    switch (i->imm & 7) { \
    case 0: tcg_gen_addi_##W(d, x, c); break; \
    case 1: tcg_gen_subi_##W(d, x, c); break; \
    case 2: tcg_gen_andi_##W(d, x, c); break; \
    case 3: tcg_gen_ori_##W(d, x, c); break; \
    case 4: tcg_gen_xori_##W(d, x, c); break; \
    case 5: tcg_gen_muli_##W(d, x, c); break; \
    case 6: tcg_gen_shli_##W(d, x, (unsigned)c & (SH - 1)); break; \
    default: tcg_gen_setcondi_##W(i->cond, d, x, c); break; \
    } \
} while (0)

/* Copies, constants and ops with a constant operand. */
static void build_const(const PInsn *i)
{
    bool sa;
    TCGTemp *a = as_type_of(i->d, i->a, &sa);

    if (is32(i->d)) {
        GEN_CONST(i32, TCGv_i32, temp_tcgv_i32, int32_t, 32);
    } else {
        GEN_CONST(i64, TCGv_i64, temp_tcgv_i64, int64_t, 64);
    }
    if (sa) {
        tcg_temp_free_internal(a);
    }
}

static void build_program(const PInsn *p, int n)
{
    TCGLabel *pending = NULL;
    int label_at = -1;

    /* 48 values live at once, each from a global. */
    for (int t = 0; t < NTEMPS; t++) {
        if (is32(t)) {
            TCGv_i32 v = tcg_temp_new_i32();

            tcg_gen_addi_i32(v, g32[t % NG32], t * 0x01010101);
            temps[t] = tcgv_i32_temp(v);
        } else {
            TCGv_i64 v = tcg_temp_new_i64();

            tcg_gen_muli_i64(v, g64[t % NG64], 2 * t + 1);
            temps[t] = tcgv_i64_temp(v);
        }
    }

    for (int k = 0; k < n; k++) {
        const PInsn *i = &p[k];
        bool sa, sb;
        TCGTemp *a, *b;

        if (k == label_at) {
            gen_set_label(pending);
            pending = NULL;
        }
        switch (i->kind) {
        case K_ADD: case K_SUB: case K_XOR: case K_MUL: case K_AND: case K_OR:
            a = as_type_of(i->d, i->a, &sa);
            b = as_type_of(i->d, i->b, &sb);
            switch (i->kind) {
            case K_ADD: EMIT_BIN(add, i->d, a, b); break;
            case K_SUB: EMIT_BIN(sub, i->d, a, b); break;
            case K_XOR: EMIT_BIN(xor, i->d, a, b); break;
            case K_MUL: EMIT_BIN(mul, i->d, a, b); break;
            case K_AND: EMIT_BIN(and, i->d, a, b); break;
            default: EMIT_BIN(or, i->d, a, b); break;
            }
            if (sa) {
                tcg_temp_free_internal(a);
            }
            if (sb) {
                tcg_temp_free_internal(b);
            }
            break;
        case K_ADDI: case K_ROTLI: case K_SHRI: case K_NEG:
            a = as_type_of(i->d, i->a, &sa);
            if (is32(i->d)) {
                TCGv_i32 d = temp_tcgv_i32(temps[i->d]), x = temp_tcgv_i32(a);

                switch (i->kind) {
                case K_ADDI: tcg_gen_addi_i32(d, x, (int32_t)i->imm); break;
                case K_ROTLI: tcg_gen_rotli_i32(d, x, i->imm & 31); break;
                case K_SHRI: tcg_gen_shri_i32(d, x, i->imm & 31); break;
                default: tcg_gen_neg_i32(d, x); break;
                }
            } else {
                TCGv_i64 d = temp_tcgv_i64(temps[i->d]), x = temp_tcgv_i64(a);

                switch (i->kind) {
                case K_ADDI: tcg_gen_addi_i64(d, x, i->imm); break;
                case K_ROTLI: tcg_gen_rotli_i64(d, x, i->imm & 63); break;
                case K_SHRI: tcg_gen_shri_i64(d, x, i->imm & 63); break;
                default: tcg_gen_neg_i64(d, x); break;
                }
            }
            if (sa) {
                tcg_temp_free_internal(a);
            }
            break;
        case K_LDG:
            if (is32(i->d)) {
                tcg_gen_xor_i32(temp_tcgv_i32(temps[i->d]), temp_tcgv_i32(temps[i->d]),
                                g32[i->b % NG32]);
            } else {
                tcg_gen_add_i64(temp_tcgv_i64(temps[i->d]), temp_tcgv_i64(temps[i->d]),
                                g64[i->b % NG64]);
            }
            break;
        case K_STG:
            if (is32(i->a)) {
                tcg_gen_add_i32(g32[i->b % NG32], g32[i->b % NG32],
                                temp_tcgv_i32(temps[i->a]));
            } else {
                tcg_gen_sub_i64(g64[i->b % NG64], temp_tcgv_i64(temps[i->a]),
                                g64[(i->b + 1) % NG64]);
            }
            break;
        case K_CALL: {
            bool s;
            TCGTemp *x = as_type_of(1, i->a, &s);     /* temp 1 is i64 */
            TCGTemp *args[2] = { tcgv_ptr_temp(tcg_env), x };

            if (is32(i->d)) {
                TCGv_i64 r = tcg_temp_ebb_new_i64();

                tcg_gen_callN(&info_mix, tcgv_i64_temp(r), args);
                tcg_gen_extrl_i64_i32(temp_tcgv_i32(temps[i->d]), r);
                tcg_temp_free_i64(r);
            } else {
                tcg_gen_callN(&info_mix, temps[i->d], args);
            }
            if (s) {
                tcg_temp_free_internal(x);
            }
            break;
        }
        case K_SHIFTV: case K_DIV: case K_MUL2: case K_ADDSUB2: case K_MOVCOND:
        case K_SETCOND: case K_BITS:
            build_constrained(i);
            break;
        case K_MOV: case K_MOVI: case K_IMMOP:
            build_const(i);
            break;
        case K_BRANCH: {
            bool s;
            TCGTemp *b2 = as_type_of(i->a, i->b, &s);

            pending = gen_new_label();
            label_at = k + 1 + i->skip;
            if (is32(i->a)) {
                tcg_gen_brcond_i32(i->cond, temp_tcgv_i32(temps[i->a]),
                                   temp_tcgv_i32(b2), pending);
            } else {
                tcg_gen_brcond_i64(i->cond, temp_tcgv_i64(temps[i->a]),
                                   temp_tcgv_i64(b2), pending);
            }
            if (s) {
                tcg_temp_free_internal(b2);
            }
            break;
        }
        default:
            g_assert_not_reached();
        }
    }
    if (pending) {
        gen_set_label(pending);
    }
    /* Every temp is still live here: store them all. */
    for (int t = 0; t < NTEMPS; t++) {
        if (is32(t)) {
            tcg_gen_st_i32(temp_tcgv_i32(temps[t]), g_res, t * 8);
        } else {
            tcg_gen_st_i64(temp_tcgv_i64(temps[t]), g_res, t * 8);
        }
    }
    tcg_gen_exit_tb(NULL, 0);
}

static uint64_t sim_conv(int dst, int src, const uint64_t *v)
{
    return trunc_t(dst, v[src]);
}

static uint64_t sext_w(uint64_t x, unsigned w)
{
    return w == 32 ? (uint64_t)(int64_t)(int32_t)x : x;
}

static bool sim_cond(TCGCond c, uint64_t a, uint64_t b, unsigned w)
{
    return ref_cond(c, a, b, w == 32);
}

/* The reference of build_constrained; writes v[d] (and a second output). */
static void sim_constrained(const PInsn *i, uint64_t *v)
{
    unsigned w = width_of(i->d);
    uint64_t m = w == 32 ? 0xffffffffull : ~0ull;
    uint64_t a = sim_conv(i->d, i->a, v), b = sim_conv(i->d, i->b, v);
    uint64_t c3 = sim_conv(i->d, (i->b + 7) % NTEMPS, v);
    uint64_t c4 = sim_conv(i->d, (i->a + 11) % NTEMPS, v);
    int d2 = second_out(i->d);
    uint64_t r = 0, hi = 0;
    bool two = false;

    switch (i->kind) {
    case K_SHIFTV: {
        unsigned c = b & (w - 1);

        switch (i->imm & 3) {
        case 0: r = a << c; break;
        case 1: r = a >> c; break;
        case 2: r = (uint64_t)((int64_t)sext_w(a, w) >> c); break;
        default: r = c ? (a >> c) | (a << (w - c)) : a; break;
        }
        break;
    }
    case K_DIV: {
        uint64_t c = i->imm & 1 ? (b & 0xff) | 1 : b | 1;
        int64_t sa = (int64_t)sext_w(a, w), sc = (int64_t)sext_w(c, w);

        switch (i->imm & 3) {
        case 0: r = a / c; break;
        case 1: r = (uint64_t)(sa / sc); break;
        case 2: r = a % c; break;
        default: r = (uint64_t)(sa % sc); break;
        }
        break;
    }
    case K_MUL2:
        two = true;
        if (w == 32) {
            uint64_t z = i->imm & 1 ? (uint64_t)((int64_t)sext_w(a, 32) *
                                                 (int64_t)sext_w(b, 32)) : a * b;

            r = z;
            hi = z >> 32;
        } else if (i->imm & 1) {
            __int128 z = (__int128)(int64_t)a * (int64_t)b;

            r = (uint64_t)z;
            hi = (uint64_t)((unsigned __int128)z >> 64);
        } else {
            unsigned __int128 z = (unsigned __int128)a * b;

            r = (uint64_t)z;
            hi = (uint64_t)(z >> 64);
        }
        break;
    case K_ADDSUB2: {
        unsigned __int128 x = (unsigned __int128)b << w | a;
        unsigned __int128 y = (unsigned __int128)c4 << w | c3;
        unsigned __int128 z = i->imm & 1 ? x - y : x + y;

        two = true;
        r = (uint64_t)z;
        hi = (uint64_t)(z >> w);
        break;
    }
    case K_MOVCOND:
        r = sim_cond(i->cond, a, b, w) ? c3 : v[i->d];
        break;
    case K_SETCOND:
        r = sim_cond(i->cond, a, b, w) ? (i->imm & 1 ? m : 1) : 0;
        break;
    default: {
        unsigned pos, len;
        uint64_t fm;

        field_of(i, w, &pos, &len);
        fm = len == 64 ? ~0ull : (1ull << len) - 1;
        switch (i->imm % 6) {
        case 0: r = a ? (uint64_t)(__builtin_clzll(a) - (64 - w)) : b; break;
        case 1: r = a ? (uint64_t)__builtin_ctzll(a) : b; break;
        case 2: r = __builtin_popcountll(a); break;
        case 3: r = (a & ~(fm << pos)) | ((b & fm) << pos); break;
        case 4: r = (a >> pos) & fm; break;
        default: r = w == 32 ? __builtin_bswap32((uint32_t)a) : __builtin_bswap64(a); break;
        }
        break;
    }
    }
    v[i->d] = r & m;
    if (two) {
        v[d2] = hi & m;
    }
}

static void simulate(const PInsn *p, int n, TestEnv *e, uint64_t *v)
{
    int skip = 0;

    for (int t = 0; t < NTEMPS; t++) {
        v[t] = is32(t) ? (uint32_t)(e->r32[t % NG32] + (uint32_t)(t * 0x01010101))
                       : e->r64[t % NG64] * (2 * t + 1);
    }
    for (int k = 0; k < n; k++) {
        const PInsn *i = &p[k];
        uint64_t a, b, r = 0;

        if (skip) {
            skip--;
            continue;
        }
        a = sim_conv(i->d, i->a, v);
        b = sim_conv(i->d, i->b, v);
        switch (i->kind) {
        case K_ADD: r = a + b; break;
        case K_SUB: r = a - b; break;
        case K_XOR: r = a ^ b; break;
        case K_MUL: r = a * b; break;
        case K_AND: r = a & b; break;
        case K_OR: r = a | b; break;
        case K_ADDI: r = a + (is32(i->d) ? (uint64_t)(int32_t)i->imm : (uint64_t)i->imm); break;
        case K_ROTLI: {
            unsigned w = is32(i->d) ? 32 : 64, c = i->imm & (w - 1);

            r = c ? (a << c) | (a >> (w - c)) : a;
            break;
        }
        case K_SHRI: r = a >> (i->imm & (is32(i->d) ? 31 : 63)); break;
        case K_NEG: r = -a; break;
        case K_LDG:
            r = is32(i->d) ? v[i->d] ^ e->r32[i->b % NG32] : v[i->d] + e->r64[i->b % NG64];
            break;
        case K_STG:
            if (is32(i->a)) {
                e->r32[i->b % NG32] += (uint32_t)v[i->a];
            } else {
                e->r64[i->b % NG64] = v[i->a] - e->r64[(i->b + 1) % NG64];
            }
            continue;
        case K_CALL:
            r = helper_mix(e, v[i->a] & (is32(i->a) ? 0xffffffffull : ~0ull));
            break;
        case K_SHIFTV: case K_DIV: case K_MUL2: case K_ADDSUB2: case K_MOVCOND:
        case K_SETCOND: case K_BITS:
            sim_constrained(i, v);
            continue;
        case K_MOV:
            r = a;
            break;
        case K_MOVI:
            r = (uint64_t)i->cst;
            break;
        case K_IMMOP: {
            unsigned w = is32(i->d) ? 32 : 64;
            uint64_t c = trunc_t(i->d, (uint64_t)i->cst);

            switch (i->imm & 7) {
            case 0: r = a + c; break;
            case 1: r = a - c; break;
            case 2: r = a & c; break;
            case 3: r = a | c; break;
            case 4: r = a ^ c; break;
            case 5: r = a * c; break;
            case 6: r = a << (c & (w - 1)); break;
            default: r = ref_cond(i->cond, a, c, w == 32); break;
            }
            break;
        }
        case K_BRANCH:
            if (ref_cond(i->cond, v[i->a], sim_conv(i->a, i->b, v), is32(i->a))) {
                skip = i->skip;
            }
            continue;
        default:
            break;
        }
        v[i->d] = trunc_t(i->d, r);
    }
}

static void test_pressure(void)
{
    enum { NPROG = 200, LEN = 400 };
    PInsn *prog = g_new0(PInsn, LEN);
    TestCPU *cpu = tt_cpu_new();
    int failures = 0;

    for (int seed = 1; seed <= NPROG; seed++) {
        uint64_t rs = 0x1234567ull * seed + 99;
        int n = gen_program(prog, LEN, &rs);
        TestEnv init = { 0 }, want;
        uint64_t wantv[NTEMPS];

        for (int i = 0; i < NG64; i++) {
            init.r64[i] = tt_rand(&rs);
        }
        for (int i = 0; i < NG32; i++) {
            init.r32[i] = (uint32_t)tt_rand(&rs);
        }
        want = init;
        simulate(prog, n, &want, wantv);

        for (int bi = 0; bi < tt_nb_backends(); bi++) {
            for (int opt = 0; opt < 2; opt++) {
                TTBackend *b = tt_backend(bi);
                TranslationBlock *tb;
                uint64_t res[NTEMPS];

                tt_begin(b, opt);
                build_program(prog, n);
                tb = tt_compile(b);
                cpu->env = init;
                memset(res, 0, sizeof(res));
                cpu->env.ptr[0] = (uintptr_t)res;
                tt_run(b, tb, cpu);
                cpu->env.ptr[0] = 0;
                for (int t = 0; t < NTEMPS; t++) {
                    if (res[t] != wantv[t]) {
                        failures++;
                        g_test_message("FAIL %s opt=%d seed=%d temp %d (%s): got 0x%"
                                       PRIx64 " want 0x%" PRIx64, b->name, opt, seed, t,
                                       is32(t) ? "i32" : "i64", res[t], wantv[t]);
                    }
                }
                if (memcmp(&cpu->env, &want, sizeof(want))) {
                    failures++;
                    g_test_message("FAIL %s opt=%d seed=%d: env differs", b->name, opt,
                                   seed);
                    for (int i = 0; i < NG64; i++) {
                        if (cpu->env.r64[i] != want.r64[i]) {
                            g_test_message("  r64[%d] got 0x%" PRIx64 " want 0x%" PRIx64,
                                           i, cpu->env.r64[i], want.r64[i]);
                        }
                    }
                    for (int i = 0; i < NG32; i++) {
                        if (cpu->env.r32[i] != want.r32[i]) {
                            g_test_message("  r32[%d] got 0x%x want 0x%x", i,
                                           cpu->env.r32[i], want.r32[i]);
                        }
                    }
                }
                tt_tb_free(tb);
            }
        }
    }
    g_free(prog);
    g_free(cpu);
    g_assert_cmpint(failures, ==, 0);
}

/*
 * Hundreds of temps live at the same time: t[i] = t[i-1] + g1, all summed
 * at the end in reverse order with a rotation so order matters.
 */
static void test_huge(void)
{
    TestCPU *cpu = tt_cpu_new();

    for (int nt = 100; nt <= 900; nt += 400) {
        uint64_t want = 0, x;

        cpu->env.r64[0] = 0x1111;
        cpu->env.r64[1] = 0x10203;
        x = cpu->env.r64[0];
        for (int i = 0; i < nt; i++) {
            x += cpu->env.r64[1];
            want = ((want << 1) | (want >> 63)) ^ x;
        }
        for (int bi = 0; bi < tt_nb_backends(); bi++) {
            TTBackend *b = tt_backend(bi);
            g_autofree TCGv_i64 *t = g_new(TCGv_i64, nt);
            TranslationBlock *tb;
            TCGv_i64 acc;
            int ret;

            tt_begin(b, false);
            for (int i = 0; i < nt; i++) {
                t[i] = tcg_temp_new_i64();
                tcg_gen_add_i64(t[i], i ? t[i - 1] : g64[0], g64[1]);
            }
            acc = tcg_temp_new_i64();
            tcg_gen_movi_i64(acc, 0);
            for (int i = 0; i < nt; i++) {
                tcg_gen_rotli_i64(acc, acc, 1);
                tcg_gen_xor_i64(acc, acc, t[i]);
            }
            tcg_gen_mov_i64(g64[2], acc);
            tcg_gen_exit_tb(NULL, 0);
            tb = tt_compile_ret(b, &ret);
            if (!tb) {
                /* Refusing is allowed, but only as "TB too large". */
                g_test_message("%s: %d live temps refused (%d)", b->name, nt, ret);
                g_assert_cmpint(ret, ==, -2);
                continue;
            }
            cpu->env.r64[2] = 0;
            tt_run(b, tb, cpu);
            g_assert_cmphex(cpu->env.r64[2], ==, want);
            tt_tb_free(tb);
        }
    }
    g_free(cpu);
}

/* EBB temps freed and reallocated inside one block, mixed with TB temps. */
static void test_ebb_reuse(void)
{
    TestCPU *cpu = tt_cpu_new();

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        for (int opt = 0; opt < 2; opt++) {
            TTBackend *b = tt_backend(bi);
            TCGv_i64 acc;
            TranslationBlock *tb;
            TCGLabel *l = gen_new_label();
            uint64_t want = 0;

            tt_begin(b, opt);
            acc = tcg_temp_new_i64();
            tcg_gen_mov_i64(acc, g64[0]);
            for (int i = 0; i < 200; i++) {
                TCGv_i64 e = tcg_temp_ebb_new_i64();
                TCGv_i32 f = tcg_temp_ebb_new_i32();

                tcg_gen_extrl_i64_i32(f, acc);
                tcg_gen_addi_i32(f, f, i);
                tcg_gen_ext_i32_i64(e, f);
                tcg_gen_xor_i64(acc, acc, e);
                tcg_gen_rotli_i64(acc, acc, 7);
                tcg_temp_free_i64(e);
                tcg_temp_free_i32(f);
                if (i == 100) {
                    /* acc (a TB temp) lives across the label. */
                    tcg_gen_brcondi_i64(TCG_COND_EQ, g64[1], 12345, l);
                    gen_set_label(l);
                }
            }
            tcg_gen_mov_i64(g64[2], acc);
            tcg_gen_exit_tb(NULL, 0);
            tb = tt_compile(b);

            cpu->env.r64[0] = 0xfeedface12345678ull;
            cpu->env.r64[1] = 0;
            want = cpu->env.r64[0];
            for (int i = 0; i < 200; i++) {
                int32_t f = (int32_t)((uint32_t)want + (uint32_t)i);

                want ^= (uint64_t)(int64_t)f;
                want = (want << 7) | (want >> 57);
            }
            tt_run(b, tb, cpu);
            g_assert_cmphex(cpu->env.r64[2], ==, want);
            tt_tb_free(tb);
        }
    }
    g_free(cpu);
}

/* ---- a global's value nobody reads ---- */

/* Records what env holds at the call: r64[0] and r64[3]. */
static uint64_t helper_peek(void *env, uint64_t a)
{
    TestEnv *e = env;

    e->scratch[0] = e->r64[0];
    e->scratch[1] = e->r64[3];
    return a;
}

static const TCGHelperInfo info_peek = {
    .func = (void *)helper_peek, .name = "peek", .flags = 0, .nargs = 2,
    .ret = TCG_CALL_I64, .args = { TCG_CALL_PTR, TCG_CALL_I64 },
};

/*
 * g0 = g1 + 1; g3 = g0 ^ 5; g0 = g3 * 3; peek(); g0 += 7; with the first
 * value of g0 either in the global or (via_temp) in a TB temp.
 */
static TranslationBlock *build_dead_global(TTBackend *b, bool opt, bool via_temp)
{
    TCGv_i64 first, r;
    TCGTemp *args[2];

    tt_begin(b, opt);
    first = via_temp ? tcg_temp_new_i64() : g64[0];
    r = tcg_temp_new_i64();
    tcg_gen_addi_i64(first, g64[1], 1);
    tcg_gen_xori_i64(g64[3], first, 5);
    tcg_gen_muli_i64(g64[0], g64[3], 3);
    args[0] = tcgv_ptr_temp(tcg_env);
    args[1] = tcgv_i64_temp(g64[3]);
    tcg_gen_callN(&info_peek, tcgv_i64_temp(r), args);
    tcg_gen_addi_i64(g64[0], g64[0], 7);
    tcg_gen_mov_i64(g64[4], r);
    tcg_gen_exit_tb(NULL, 0);
    return tt_compile(b);
}

/*
 * A global overwritten before anything reads env needs no store of its
 * old value (liveness syncs the last write before a reader): the code
 * is no larger than with a temp in its place, and a helper reading env
 * still sees every value written before it.
 */
static void test_dead_global(void)
{
    TestCPU *cpu = tt_cpu_new();

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        for (int opt = 0; opt < 2; opt++) {
            TTBackend *b = tt_backend(bi);
            size_t size[2];

            for (int via_temp = 0; via_temp < 2; via_temp++) {
                TranslationBlock *tb = build_dead_global(b, opt, via_temp);
                uint64_t x = (0x1234567890abcdefull + 1) ^ 5;

                memset(&cpu->env, 0, sizeof(cpu->env));
                cpu->env.r64[1] = 0x1234567890abcdefull;
                tt_run(b, tb, cpu);
                g_assert_cmphex(cpu->env.scratch[0], ==, x * 3);
                g_assert_cmphex(cpu->env.scratch[1], ==, x);
                g_assert_cmphex(cpu->env.r64[0], ==, x * 3 + 7);
                g_assert_cmphex(cpu->env.r64[3], ==, x);
                g_assert_cmphex(cpu->env.r64[4], ==, x);
                size[via_temp] = tb->tc.size;
                tt_tb_free(tb);
            }
            if (strcmp(b->name, "tci") != 0) {
                g_assert_cmpuint(size[0], <=, size[1]);
            }
        }
    }
    g_free(cpu);
}

/*
 * mulu2/muls2 whose high half is unused run as a plain multiply: the low
 * half is right for both signednesses and widths, and the high half is
 * still right where it is used.
 */
static void test_mul2_low_only(void)
{
    static const uint64_t vals[] = {
        0, 1, 3, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
        0x123456789abcdef1ull, 0xfedcba9876543210ull,
    };
    TestCPU *cpu = tt_cpu_new();

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);
        TCGv_i64 lo, hi, lo2, hi2;
        TCGv_i32 l32, h32;
        TranslationBlock *tb;

        tt_begin(b, false);
        lo = tcg_temp_new_i64();
        hi = tcg_temp_new_i64();
        lo2 = tcg_temp_new_i64();
        hi2 = tcg_temp_new_i64();
        l32 = tcg_temp_new_i32();
        h32 = tcg_temp_new_i32();
        tcg_gen_mulu2_i64(lo, hi, g64[0], g64[1]);      /* hi unused */
        tcg_gen_mov_i64(g64[2], lo);
        tcg_gen_muls2_i64(lo, hi, g64[0], g64[1]);      /* hi unused */
        tcg_gen_mov_i64(g64[3], lo);
        tcg_gen_muls2_i64(lo2, hi2, g64[0], g64[1]);    /* both used */
        tcg_gen_mov_i64(g64[4], lo2);
        tcg_gen_mov_i64(g64[5], hi2);
        tcg_gen_muls2_i32(l32, h32, g32[0], g32[1]);    /* hi unused */
        tcg_gen_mov_i32(g32[2], l32);
        tcg_gen_exit_tb(NULL, 0);
        tb = tt_compile(b);
        for (size_t i = 0; i < G_N_ELEMENTS(vals); i++) {
            for (size_t j = 0; j < G_N_ELEMENTS(vals); j++) {
                __int128 p = (__int128)(int64_t)vals[i] * (int64_t)vals[j];

                cpu->env.r64[0] = vals[i];
                cpu->env.r64[1] = vals[j];
                cpu->env.r32[0] = (uint32_t)vals[i];
                cpu->env.r32[1] = (uint32_t)(vals[j] >> 7);
                tt_run(b, tb, cpu);
                g_assert_cmphex(cpu->env.r64[2], ==, vals[i] * vals[j]);
                g_assert_cmphex(cpu->env.r64[3], ==, vals[i] * vals[j]);
                g_assert_cmphex(cpu->env.r64[4], ==, (uint64_t)p);
                g_assert_cmphex(cpu->env.r64[5], ==, (uint64_t)(p >> 64));
                g_assert_cmphex(cpu->env.r32[2], ==,
                                (uint32_t)vals[i] * (uint32_t)(vals[j] >> 7));
            }
        }
        tt_tb_free(tb);
    }
    g_free(cpu);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tt_init(create_globals);
    g_test_add_func("/tcg-regalloc/pressure", test_pressure);
    g_test_add_func("/tcg-regalloc/huge", test_huge);
    g_test_add_func("/tcg-regalloc/ebb-reuse", test_ebb_reuse);
    g_test_add_func("/tcg-regalloc/dead-global", test_dead_global);
    g_test_add_func("/tcg-regalloc/mul2-low-only", test_mul2_low_only);
    return g_test_run();
}
