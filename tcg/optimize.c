/*
 * optimize.c: one forward pass over a function's ops before liveness:
 * copy propagation (a temp known to equal another, or a constant, is
 * replaced in uses by the best copy), constant folding of every op whose
 * inputs are constants, algebraic identities (x + 0, x & x, ...), folding
 * of setcond/movcond/brcond with known outcomes, removal of code made
 * unreachable by an unconditional branch, and extensions/masks of values
 * whose high bits are known zero turned into movs. Folding follows each
 * op's exact semantics on both widths (tcg-opc.h); nothing is folded where an op's
 * result is undefined (division by zero or INT_MIN / -1).
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"

/*
 * Copies: every temp belongs to a circular list of temps holding the same
 * value (just itself when nothing is known). A class holds at most one
 * constant temp; if it does, every member is known to be that constant.
 * Classes are valid within an extended basic block: they survive a
 * conditional branch (on the fall-through path the values are unchanged)
 * and are dropped at a label, which may be reached from elsewhere.
 */
typedef struct TempOptInfo {
    TCGTemp *next_copy, *prev_copy;
    /* The constant of the class (every member has it), or NULL. */
    TCGTemp *const_temp;
    /*
     * Bits that may be non-zero (i32 temps: only the low 32 bits mean
     * anything). Lets a zero-extension or mask of a value already narrow
     * enough become a mov: the x86 front end extends defensively
     * (MOVZX after an 8-bit load, 32-bit results extended twice).
     */
    uint64_t z_mask;
} TempOptInfo;

typedef struct OptContext {
    TCGContext *s;
    TempOptInfo *info;          /* indexed by temp index */
    int nb_init;                /* temps whose info is initialized */
} OptContext;

#define CASE_32_64(x) \
    case INDEX_op_##x##_i32: \
    case INDEX_op_##x##_i64

static void opt_init_temps(OptContext *ctx)
{
    TCGContext *s = ctx->s;

    for (int i = ctx->nb_init; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        ctx->info[i].next_copy = ctx->info[i].prev_copy = ts;
        ctx->info[i].const_temp = ts->kind == TEMP_CONST ? ts : NULL;
        ctx->info[i].z_mask = ts->kind == TEMP_CONST ? (uint64_t)ts->val : ~0ull;
    }
    ctx->nb_init = s->nb_temps;
}

static TempOptInfo *ts_info(OptContext *ctx, TCGTemp *ts)
{
    return &ctx->info[ts - ctx->s->temps];
}

/* Forget what is known about ts: it leaves its copy class. */
static void opt_reset_temp(OptContext *ctx, TCGTemp *ts)
{
    TempOptInfo *ti = ts_info(ctx, ts);

    ts_info(ctx, ti->next_copy)->prev_copy = ti->prev_copy;
    ts_info(ctx, ti->prev_copy)->next_copy = ti->next_copy;
    ti->next_copy = ti->prev_copy = ts;
    ti->const_temp = ts->kind == TEMP_CONST ? ts : NULL;
    ti->z_mask = ts->kind == TEMP_CONST ? (uint64_t)ts->val : ~0ull;
}

static void opt_reset_all(OptContext *ctx)
{
    ctx->nb_init = 0;
    opt_init_temps(ctx);
}

static void opt_reset_globals(OptContext *ctx)
{
    for (int i = 0; i < ctx->s->nb_globals; i++) {
        opt_reset_temp(ctx, &ctx->s->temps[i]);
    }
}

static bool opt_are_copies(OptContext *ctx, TCGTemp *a, TCGTemp *b)
{
    TCGTemp *ca = ts_info(ctx, a)->const_temp, *cb = ts_info(ctx, b)->const_temp;

    if (a == b) {
        return true;
    }
    /* Constant classes, which may be large, are known without a walk. */
    if (ca || cb) {
        return ca == cb;
    }
    for (TCGTemp *i = ts_info(ctx, a)->next_copy; i != a; i = ts_info(ctx, i)->next_copy) {
        if (i == b) {
            return true;
        }
    }
    return false;
}

/* Preference for the copy a use should read: constants, then globals. */
static int opt_copy_rank(const TCGTemp *ts)
{
    switch (ts->kind) {
    case TEMP_CONST:
        return 4;
    case TEMP_FIXED:
        return 3;
    case TEMP_GLOBAL:
        return 2;
    case TEMP_TB:
        return 1;
    case TEMP_EBB:
    default:
        return 0;
    }
}

static TCGTemp *opt_best_copy(OptContext *ctx, TCGTemp *ts)
{
    TCGTemp *best = ts;
    int rank = opt_copy_rank(ts);

    if (ts_info(ctx, ts)->const_temp) {
        return ts_info(ctx, ts)->const_temp;
    }

    for (TCGTemp *i = ts_info(ctx, ts)->next_copy; i != ts && rank < 4;
         i = ts_info(ctx, i)->next_copy) {
        int r = opt_copy_rank(i);
        if (r > rank) {
            best = i;
            rank = r;
        }
    }
    return best;
}

static TCGTemp *opt_const(OptContext *ctx, TCGType type, uint64_t val)
{
    TCGTemp *ts = tcg_constant_internal(type, (int64_t)val);

    opt_init_temps(ctx);
    return ts;
}

static bool arg_is_const(TCGArg a)
{
    return arg_temp(a)->kind == TEMP_CONST;
}

static uint64_t arg_const(TCGArg a)
{
    return (uint64_t)arg_temp(a)->val;
}

static bool arg_is_const_val(TCGArg a, int64_t v)
{
    return arg_is_const(a) && arg_temp(a)->val == v;
}

/*
 * Make op "mov dst, src" and record dst as a copy of src; a mov that
 * changes nothing (dst already a copy of src) is removed.
 */
static void opt_mov(OptContext *ctx, TCGOp *op, TCGTemp *dst, TCGTemp *src)
{
    g_assert(dst->type == src->type);
    if (opt_are_copies(ctx, dst, src)) {
        tcg_op_remove(ctx->s, op);
        return;
    }
    opt_reset_temp(ctx, dst);
    op->opc = dst->type == TCG_TYPE_I32 ? INDEX_op_mov_i32 : INDEX_op_mov_i64;
    op->nargs = 2;
    op->args[0] = temp_arg(dst);
    op->args[1] = temp_arg(src);

    /* Join src's class, right after src. */
    TempOptInfo *di = ts_info(ctx, dst), *si = ts_info(ctx, src);
    di->next_copy = si->next_copy;
    di->prev_copy = src;
    ts_info(ctx, si->next_copy)->prev_copy = dst;
    si->next_copy = dst;
    di->const_temp = si->const_temp;
    di->z_mask = si->z_mask;
}

static void opt_movi(OptContext *ctx, TCGOp *op, TCGTemp *dst, uint64_t val)
{
    opt_mov(ctx, op, dst, opt_const(ctx, dst->type, val));
}

/* ---- reference semantics of the foldable ops ---- */

static uint64_t opt_rotl64(uint64_t x, unsigned n)
{
    n &= 63;
    return n ? (x << n) | (x >> (64 - n)) : x;
}

static uint32_t opt_rotl32(uint32_t x, unsigned n)
{
    n &= 31;
    return n ? (x << n) | (x >> (32 - n)) : x;
}

/* Result of a two-input op on constants; false when not foldable. */
static bool opt_fold_binary(TCGOpcode opc, uint64_t x, uint64_t y, uint64_t *r)
{
    uint32_t x32 = x, y32 = y;

    switch (opc) {
    CASE_32_64(add):
        *r = x + y;
        return true;
    CASE_32_64(sub):
        *r = x - y;
        return true;
    CASE_32_64(mul):
        *r = x * y;
        return true;
    CASE_32_64(and):
        *r = x & y;
        return true;
    CASE_32_64(or):
        *r = x | y;
        return true;
    CASE_32_64(xor):
        *r = x ^ y;
        return true;
    CASE_32_64(andc):
        *r = x & ~y;
        return true;
    CASE_32_64(orc):
        *r = x | ~y;
        return true;
    CASE_32_64(eqv):
        *r = ~(x ^ y);
        return true;
    CASE_32_64(nand):
        *r = ~(x & y);
        return true;
    CASE_32_64(nor):
        *r = ~(x | y);
        return true;

    case INDEX_op_shl_i32:
        *r = x32 << (y & 31);
        return true;
    case INDEX_op_shl_i64:
        *r = x << (y & 63);
        return true;
    case INDEX_op_shr_i32:
        *r = x32 >> (y & 31);
        return true;
    case INDEX_op_shr_i64:
        *r = x >> (y & 63);
        return true;
    case INDEX_op_sar_i32:
        *r = (int32_t)x32 >> (y & 31);
        return true;
    case INDEX_op_sar_i64:
        *r = (int64_t)x >> (y & 63);
        return true;
    case INDEX_op_rotl_i32:
        *r = opt_rotl32(x32, y);
        return true;
    case INDEX_op_rotl_i64:
        *r = opt_rotl64(x, y);
        return true;
    case INDEX_op_rotr_i32:
        *r = opt_rotl32(x32, 32 - (y & 31));
        return true;
    case INDEX_op_rotr_i64:
        *r = opt_rotl64(x, 64 - (y & 63));
        return true;

    case INDEX_op_div_i32:
        if (y32 == 0 || ((int32_t)x32 == INT32_MIN && (int32_t)y32 == -1)) {
            return false;
        }
        *r = (int32_t)x32 / (int32_t)y32;
        return true;
    case INDEX_op_rem_i32:
        if (y32 == 0 || ((int32_t)x32 == INT32_MIN && (int32_t)y32 == -1)) {
            return false;
        }
        *r = (int32_t)x32 % (int32_t)y32;
        return true;
    case INDEX_op_divu_i32:
        if (y32 == 0) {
            return false;
        }
        *r = x32 / y32;
        return true;
    case INDEX_op_remu_i32:
        if (y32 == 0) {
            return false;
        }
        *r = x32 % y32;
        return true;
    case INDEX_op_div_i64:
        if (y == 0 || ((int64_t)x == INT64_MIN && (int64_t)y == -1)) {
            return false;
        }
        *r = (int64_t)x / (int64_t)y;
        return true;
    case INDEX_op_rem_i64:
        if (y == 0 || ((int64_t)x == INT64_MIN && (int64_t)y == -1)) {
            return false;
        }
        *r = (int64_t)x % (int64_t)y;
        return true;
    case INDEX_op_divu_i64:
        if (y == 0) {
            return false;
        }
        *r = x / y;
        return true;
    case INDEX_op_remu_i64:
        if (y == 0) {
            return false;
        }
        *r = x % y;
        return true;

    case INDEX_op_muluh_i32:
        *r = ((uint64_t)x32 * y32) >> 32;
        return true;
    case INDEX_op_mulsh_i32:
        *r = (uint64_t)((int64_t)(int32_t)x32 * (int32_t)y32) >> 32;
        return true;
    case INDEX_op_muluh_i64:
        *r = ((unsigned __int128)x * y) >> 64;
        return true;
    case INDEX_op_mulsh_i64:
        *r = (uint64_t)(((__int128)(int64_t)x * (int64_t)y) >> 64);
        return true;

    case INDEX_op_clz_i32:
        *r = x32 ? (uint64_t)__builtin_clz(x32) : y;
        return true;
    case INDEX_op_clz_i64:
        *r = x ? (uint64_t)__builtin_clzll(x) : y;
        return true;
    case INDEX_op_ctz_i32:
        *r = x32 ? (uint64_t)__builtin_ctz(x32) : y;
        return true;
    case INDEX_op_ctz_i64:
        *r = x ? (uint64_t)__builtin_ctzll(x) : y;
        return true;

    default:
        return false;
    }
}

static uint64_t opt_bswap16(uint64_t x, TCGArg flags)
{
    uint16_t v = __builtin_bswap16((uint16_t)x);

    /* Without OS or OZ the high bits are undefined: zero is as good. */
    return flags & TCG_BSWAP_OS ? (uint64_t)(int64_t)(int16_t)v : v;
}

/* Result of a one-input op (flags: its constant arg, if any). */
static bool opt_fold_unary(TCGOpcode opc, uint64_t x, TCGArg flags, uint64_t *r)
{
    switch (opc) {
    CASE_32_64(not):
        *r = ~x;
        return true;
    CASE_32_64(neg):
        *r = -x;
        return true;
    CASE_32_64(ext8s):
        *r = (int8_t)x;
        return true;
    CASE_32_64(ext8u):
        *r = (uint8_t)x;
        return true;
    CASE_32_64(ext16s):
        *r = (int16_t)x;
        return true;
    CASE_32_64(ext16u):
        *r = (uint16_t)x;
        return true;
    case INDEX_op_ext32s_i64:
    case INDEX_op_ext_i32_i64:
        *r = (int32_t)x;
        return true;
    case INDEX_op_ext32u_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
        *r = (uint32_t)x;
        return true;
    case INDEX_op_extrh_i64_i32:
        *r = x >> 32;
        return true;
    case INDEX_op_ctpop_i32:
        *r = __builtin_popcount((uint32_t)x);
        return true;
    case INDEX_op_ctpop_i64:
        *r = __builtin_popcountll(x);
        return true;
    CASE_32_64(bswap16):
        *r = opt_bswap16(x, flags);
        return true;
    case INDEX_op_bswap32_i32:
        *r = __builtin_bswap32((uint32_t)x);
        return true;
    case INDEX_op_bswap32_i64: {
        uint32_t v = __builtin_bswap32((uint32_t)x);
        *r = flags & TCG_BSWAP_OS ? (uint64_t)(int64_t)(int32_t)v : v;
        return true;
    }
    case INDEX_op_bswap64_i64:
        *r = __builtin_bswap64(x);
        return true;
    default:
        return false;
    }
}

static bool opt_eval_cond(bool is64, uint64_t x, uint64_t y, TCGCond c)
{
    if (!is64) {
        x = (uint32_t)x;
        y = (uint32_t)y;
    }
    int64_t sx = is64 ? (int64_t)x : (int32_t)x;
    int64_t sy = is64 ? (int64_t)y : (int32_t)y;

    switch (c) {
    case TCG_COND_ALWAYS:
        return true;
    case TCG_COND_NEVER:
        return false;
    case TCG_COND_EQ:
        return x == y;
    case TCG_COND_NE:
        return x != y;
    case TCG_COND_LT:
        return sx < sy;
    case TCG_COND_GE:
        return sx >= sy;
    case TCG_COND_LE:
        return sx <= sy;
    case TCG_COND_GT:
        return sx > sy;
    case TCG_COND_LTU:
        return x < y;
    case TCG_COND_GEU:
        return x >= y;
    case TCG_COND_LEU:
        return x <= y;
    case TCG_COND_GTU:
        return x > y;
    }
    g_assert_not_reached();
}

/*
 * The outcome of "a cond b" if it is known: 1 true, 0 false, -1 unknown.
 * Known when both are constants, or when a and b are the same value.
 */
static int opt_known_cond(OptContext *ctx, bool is64, TCGArg a, TCGArg b, TCGCond c)
{
    if (c == TCG_COND_ALWAYS) {
        return 1;
    }
    if (c == TCG_COND_NEVER) {
        return 0;
    }
    if (arg_is_const(a) && arg_is_const(b)) {
        return opt_eval_cond(is64, arg_const(a), arg_const(b), c);
    }
    if (opt_are_copies(ctx, arg_temp(a), arg_temp(b))) {
        return opt_eval_cond(is64, 0, 0, c);
    }
    return -1;
}

static uint64_t opt_field_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static bool opt_is_commutative(TCGOpcode opc)
{
    switch (opc) {
    CASE_32_64(add):
    CASE_32_64(mul):
    CASE_32_64(and):
    CASE_32_64(or):
    CASE_32_64(xor):
    CASE_32_64(eqv):
    CASE_32_64(nand):
    CASE_32_64(nor):
    CASE_32_64(muluh):
    CASE_32_64(mulsh):
        return true;
    default:
        return false;
    }
}

/* Put a constant operand second, so identities need only look there. */
static void opt_swap_args(TCGOp *op, int i, int j)
{
    TCGArg t = op->args[i];
    op->args[i] = op->args[j];
    op->args[j] = t;
}

/*
 * Identities of a two-input op "r = x op y" with x, y not both constant.
 * Returns true when op was replaced (by a mov or a constant).
 */
static bool opt_fold_identity(OptContext *ctx, TCGOp *op)
{
    TCGTemp *r = arg_temp(op->args[0]);
    TCGArg x = op->args[1], y = op->args[2];
    bool same = opt_are_copies(ctx, arg_temp(x), arg_temp(y));

    switch (op->opc) {
    CASE_32_64(add):
    CASE_32_64(or):
    CASE_32_64(xor):
    CASE_32_64(shl):
    CASE_32_64(shr):
    CASE_32_64(sar):
    CASE_32_64(rotl):
    CASE_32_64(rotr):
    CASE_32_64(andc):
    CASE_32_64(sub):
        if (arg_is_const_val(y, 0)) {
            opt_mov(ctx, op, r, arg_temp(x));
            return true;
        }
        break;
    default:
        break;
    }

    switch (op->opc) {
    CASE_32_64(and):
        if (arg_is_const_val(y, 0)) {
            opt_movi(ctx, op, r, 0);
            return true;
        }
        if (arg_is_const_val(y, -1) || same) {
            opt_mov(ctx, op, r, arg_temp(x));
            return true;
        }
        break;
    CASE_32_64(or):
        if (arg_is_const_val(y, -1)) {
            opt_movi(ctx, op, r, -1);
            return true;
        }
        if (same) {
            opt_mov(ctx, op, r, arg_temp(x));
            return true;
        }
        break;
    CASE_32_64(xor):
    CASE_32_64(sub):
        if (same) {
            opt_movi(ctx, op, r, 0);
            return true;
        }
        break;
    CASE_32_64(andc):
        if (arg_is_const_val(y, -1) || same) {
            opt_movi(ctx, op, r, 0);
            return true;
        }
        break;
    CASE_32_64(orc):
        if (arg_is_const_val(y, -1)) {
            opt_mov(ctx, op, r, arg_temp(x));
            return true;
        }
        if (arg_is_const_val(y, 0) || same) {
            opt_movi(ctx, op, r, -1);
            return true;
        }
        break;
    CASE_32_64(eqv):
        if (arg_is_const_val(y, -1)) {
            opt_mov(ctx, op, r, arg_temp(x));
            return true;
        }
        if (same) {
            opt_movi(ctx, op, r, -1);
            return true;
        }
        break;
    CASE_32_64(mul):
        if (arg_is_const_val(y, 0)) {
            opt_movi(ctx, op, r, 0);
            return true;
        }
        if (arg_is_const_val(y, 1)) {
            opt_mov(ctx, op, r, arg_temp(x));
            return true;
        }
        break;
    CASE_32_64(muluh):
    CASE_32_64(mulsh):
        if (arg_is_const_val(y, 0)) {
            opt_movi(ctx, op, r, 0);
            return true;
        }
        break;
    CASE_32_64(shl):
    CASE_32_64(shr):
        if (arg_is_const_val(x, 0)) {
            opt_movi(ctx, op, r, 0);
            return true;
        }
        break;
    CASE_32_64(sar):
    CASE_32_64(rotl):
    CASE_32_64(rotr):
        /* All-zero and all-one patterns are fixed points. */
        if (arg_is_const_val(x, 0) || arg_is_const_val(x, -1)) {
            opt_movi(ctx, op, r, arg_const(x));
            return true;
        }
        break;
    CASE_32_64(divu):
    CASE_32_64(div):
        if (arg_is_const_val(y, 1)) {
            opt_mov(ctx, op, r, arg_temp(x));
            return true;
        }
        break;
    CASE_32_64(remu):
    CASE_32_64(rem):
        if (arg_is_const_val(y, 1)) {
            opt_movi(ctx, op, r, 0);
            return true;
        }
        break;
    CASE_32_64(clz):
    CASE_32_64(ctz):
        /* A known zero input selects the fallback value. */
        if (arg_is_const_val(x, 0)) {
            opt_mov(ctx, op, r, arg_temp(y));
            return true;
        }
        if (arg_is_const(x)) {
            uint64_t v;
            opt_fold_binary(op->opc, arg_const(x), 0, &v);
            opt_movi(ctx, op, r, v);
            return true;
        }
        break;
    default:
        break;
    }
    return false;
}

/* Fold a double-word op whose inputs are all constants into two movs. */
static bool opt_fold_double(OptContext *ctx, TCGOp *op)
{
    TCGTemp *rl = arg_temp(op->args[0]), *rh = arg_temp(op->args[1]);
    bool is64 = tcg_op_defs[op->opc].flags & TCG_OPF_64BIT;
    uint64_t lo, hi;

    switch (op->opc) {
    CASE_32_64(add2):
    CASE_32_64(sub2): {
        for (int i = 2; i < 6; i++) {
            if (!arg_is_const(op->args[i])) {
                return false;
            }
        }
        uint64_t al = arg_const(op->args[2]), ah = arg_const(op->args[3]);
        uint64_t bl = arg_const(op->args[4]), bh = arg_const(op->args[5]);
        bool add = op->opc == INDEX_op_add2_i32 || op->opc == INDEX_op_add2_i64;
        if (is64) {
            unsigned __int128 a = ((unsigned __int128)ah << 64) | al;
            unsigned __int128 b = ((unsigned __int128)bh << 64) | bl;
            unsigned __int128 v = add ? a + b : a - b;
            lo = (uint64_t)v;
            hi = (uint64_t)(v >> 64);
        } else {
            uint64_t a = ((uint64_t)(uint32_t)ah << 32) | (uint32_t)al;
            uint64_t b = ((uint64_t)(uint32_t)bh << 32) | (uint32_t)bl;
            uint64_t v = add ? a + b : a - b;
            lo = (uint32_t)v;
            hi = v >> 32;
        }
        break;
    }
    CASE_32_64(mulu2):
    CASE_32_64(muls2): {
        if (!arg_is_const(op->args[2]) || !arg_is_const(op->args[3])) {
            return false;
        }
        uint64_t a = arg_const(op->args[2]), b = arg_const(op->args[3]);
        bool sign = op->opc == INDEX_op_muls2_i32 || op->opc == INDEX_op_muls2_i64;
        if (is64) {
            unsigned __int128 v = sign ? (unsigned __int128)((__int128)(int64_t)a * (int64_t)b)
                                       : (unsigned __int128)a * b;
            lo = (uint64_t)v;
            hi = (uint64_t)(v >> 64);
        } else {
            uint64_t v = sign ? (uint64_t)((int64_t)(int32_t)a * (int32_t)b)
                              : (uint64_t)(uint32_t)a * (uint32_t)b;
            lo = (uint32_t)v;
            hi = v >> 32;
        }
        break;
    }
    default:
        return false;
    }

    /* The second mov goes right after the first; both outputs are new. */
    TCGOp *op2 = tcg_op_insert_after(ctx->s, op, INDEX_op_mov_i32, 2);
    opt_reset_temp(ctx, rl);
    opt_reset_temp(ctx, rh);
    opt_movi(ctx, op, rl, lo);
    opt_movi(ctx, op2, rh, hi);
    return true;
}

/* Fold or simplify op (inputs already replaced by their best copies). */
static bool opt_fold(OptContext *ctx, TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    bool is64 = def->flags & TCG_OPF_64BIT;
    TCGArg *args = op->args;
    uint64_t v;

    if (def->nb_oargs == 2) {
        return opt_fold_double(ctx, op);
    }
    if (def->nb_oargs != 1) {
        return false;
    }
    TCGTemp *r = arg_temp(args[0]);

    switch (op->opc) {
    CASE_32_64(mov):
        opt_mov(ctx, op, r, arg_temp(args[1]));
        return true;

    CASE_32_64(setcond):
    CASE_32_64(negsetcond): {
        TCGCond c = args[3];
        if (arg_is_const(args[1]) && !arg_is_const(args[2])) {
            opt_swap_args(op, 1, 2);
            args[3] = c = tcg_swap_cond(c);
        }
        int k = opt_known_cond(ctx, is64, args[1], args[2], c);
        if (k < 0) {
            return false;
        }
        bool neg = op->opc == INDEX_op_negsetcond_i32 ||
                   op->opc == INDEX_op_negsetcond_i64;
        opt_movi(ctx, op, r, k ? (neg ? -1 : 1) : 0);
        return true;
    }
    CASE_32_64(movcond): {
        TCGCond c = args[5];
        if (arg_is_const(args[1]) && !arg_is_const(args[2])) {
            opt_swap_args(op, 1, 2);
            args[5] = c = tcg_swap_cond(c);
        }
        int k = opt_known_cond(ctx, is64, args[1], args[2], c);
        if (k >= 0) {
            opt_mov(ctx, op, r, arg_temp(args[k ? 3 : 4]));
            return true;
        }
        if (opt_are_copies(ctx, arg_temp(args[3]), arg_temp(args[4]))) {
            opt_mov(ctx, op, r, arg_temp(args[3]));
            return true;
        }
        return false;
    }
    CASE_32_64(deposit):
        if (arg_is_const(args[1]) && arg_is_const(args[2])) {
            uint64_t mask = opt_field_mask(args[4]) << args[3];
            v = (arg_const(args[1]) & ~mask) | ((arg_const(args[2]) << args[3]) & mask);
            opt_movi(ctx, op, r, v);
            return true;
        }
        return false;
    CASE_32_64(extract):
        if (arg_is_const(args[1])) {
            uint64_t x = arg_const(args[1]);
            if (!is64) {
                x = (uint32_t)x;
            }
            opt_movi(ctx, op, r, (x >> args[2]) & opt_field_mask(args[3]));
            return true;
        }
        return false;
    CASE_32_64(sextract):
        if (arg_is_const(args[1])) {
            unsigned bits = is64 ? 64 : 32;
            unsigned ofs = args[2], len = args[3];
            uint64_t x = arg_const(args[1]);
            /* Move the field to the top, then shift it down arithmetically. */
            int64_t t = (int64_t)(x << (64 - bits + (bits - ofs - len)));
            opt_movi(ctx, op, r, (uint64_t)(t >> (64 - len)));
            return true;
        }
        return false;
    default:
        break;
    }

    if (def->nb_iargs == 1 && arg_is_const(args[1])) {
        TCGArg flags = def->nb_cargs ? args[2] : 0;
        if (opt_fold_unary(op->opc, arg_const(args[1]), flags, &v)) {
            opt_movi(ctx, op, r, v);
            return true;
        }
        return false;
    }

    if (def->nb_iargs == 2 && def->nb_cargs == 0) {
        if (opt_is_commutative(op->opc) && arg_is_const(args[1]) &&
            !arg_is_const(args[2])) {
            opt_swap_args(op, 1, 2);
        }
        if (arg_is_const(args[1]) && arg_is_const(args[2])) {
            if (opt_fold_binary(op->opc, arg_const(args[1]), arg_const(args[2]), &v)) {
                opt_movi(ctx, op, r, v);
                return true;
            }
            return false;
        }
        return opt_fold_identity(ctx, op);
    }
    return false;
}

/*
 * A brcond with a known outcome becomes a br or disappears. Returns the
 * op that is left (NULL when removed).
 */
static TCGOp *opt_brcond(OptContext *ctx, TCGOp *op)
{
    bool is64 = op->opc == INDEX_op_brcond_i64;
    TCGCond c = op->args[2];

    if (arg_is_const(op->args[0]) && !arg_is_const(op->args[1])) {
        opt_swap_args(op, 0, 1);
        op->args[2] = c = tcg_swap_cond(c);
    }
    int k = opt_known_cond(ctx, is64, op->args[0], op->args[1], c);
    if (k == 0) {
        tcg_op_remove(ctx->s, op);
        return NULL;
    }
    if (k == 1) {
        TCGArg l = op->args[3];
        op->opc = INDEX_op_br;
        op->nargs = 1;
        memset(op->args, 0, sizeof(op->args));
        op->args[0] = l;
    }
    return op;
}

/* Branches counted from the op list itself, whoever emitted them. */
static void opt_count_label_refs(TCGContext *s)
{
    for (int i = 0; i < s->nb_labels; i++) {
        s->labels[i]->refs = 0;
    }
    for (TCGOp *op = s->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_br) {
            arg_label(op->args[0])->refs++;
        } else if (op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) {
            arg_label(op->args[3])->refs++;
        }
    }
}

/* ---- known-zero bits ---- */

static uint64_t opt_zmask(OptContext *ctx, TCGArg a)
{
    return ts_info(ctx, arg_temp(a))->z_mask;
}

/* The bits op's single output may have set, from what its inputs may have. */
static uint64_t opt_out_zmask(OptContext *ctx, const TCGOp *op)
{
    const TCGArg *args = op->args;

    switch (op->opc) {
    CASE_32_64(ext8u):
        return opt_zmask(ctx, args[1]) & 0xff;
    CASE_32_64(ext16u):
        return opt_zmask(ctx, args[1]) & 0xffff;
    case INDEX_op_ext32u_i64:
    case INDEX_op_extu_i32_i64:
        return opt_zmask(ctx, args[1]) & 0xffffffffu;
    CASE_32_64(and):
        return opt_zmask(ctx, args[1]) & opt_zmask(ctx, args[2]);
    CASE_32_64(or):
    CASE_32_64(xor):
        return opt_zmask(ctx, args[1]) | opt_zmask(ctx, args[2]);
    case INDEX_op_shr_i64:
        return arg_is_const(args[2]) ? opt_zmask(ctx, args[1]) >> (arg_const(args[2]) & 63)
                                     : ~0ull;
    case INDEX_op_shr_i32:
        return arg_is_const(args[2])
               ? (uint32_t)opt_zmask(ctx, args[1]) >> (arg_const(args[2]) & 31) : ~0ull;
    CASE_32_64(setcond):
        return 1;
    CASE_32_64(extract):
        return opt_field_mask(args[3]);
    default:
        return ~0ull;
    }
}

/*
 * An extension or AND that cannot clear a bit of its input (every bit it
 * would clear is already known zero) becomes a mov of the input.
 */
static bool opt_fold_zmask(OptContext *ctx, TCGOp *op)
{
    bool is64 = tcg_op_defs[op->opc].flags & TCG_OPF_64BIT;
    uint64_t keep, lost;

    switch (op->opc) {
    CASE_32_64(ext8u):
        keep = 0xff;
        break;
    CASE_32_64(ext16u):
        keep = 0xffff;
        break;
    case INDEX_op_ext32u_i64:
        keep = 0xffffffffu;
        break;
    CASE_32_64(and):
        if (!arg_is_const(op->args[2])) {
            return false;
        }
        keep = arg_const(op->args[2]);
        break;
    default:
        return false;
    }
    lost = opt_zmask(ctx, op->args[1]) & ~keep;
    if (is64 ? lost != 0 : (uint32_t)lost != 0) {
        return false;
    }
    opt_mov(ctx, op, arg_temp(op->args[0]), arg_temp(op->args[1]));
    return true;
}

void tcg_optimize(TCGContext *s)
{
    OptContext ctx = { .s = s };
    TCGOp *op, *next;
    bool dead = false;          /* after an unconditional jump: unreachable */

    g_assert(tcg_ctx == s);
    ctx.info = g_new(TempOptInfo, TCG_MAX_TEMPS);
    opt_init_temps(&ctx);
    opt_count_label_refs(s);

    for (op = s->first_op; op; op = next) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        unsigned nb_oargs, nb_iargs;

        next = op->next;

        if (op->opc == INDEX_op_set_label) {
            TCGLabel *l = arg_label(op->args[0]);
            if (l->refs == 0) {
                /* Nobody jumps here: the blocks around it merge. */
                l->present = false;
                tcg_op_remove(s, op);
                continue;
            }
            dead = false;
            opt_reset_all(&ctx);
            continue;
        }
        if (dead) {
            /* insn_start emits no code; keep the guest insn count exact. */
            if (op->opc != INDEX_op_insn_start) {
                tcg_op_remove(s, op);
            }
            continue;
        }

        if (op->opc == INDEX_op_call) {
            nb_oargs = TCGOP_CALLO(op);
            nb_iargs = TCGOP_CALLI(op);
        } else {
            nb_oargs = def->nb_oargs;
            nb_iargs = def->nb_iargs;
        }
        for (unsigned i = nb_oargs; i < nb_oargs + nb_iargs; i++) {
            op->args[i] = temp_arg(opt_best_copy(&ctx, arg_temp(op->args[i])));
        }

        switch (op->opc) {
        case INDEX_op_call: {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)op->args[nb_oargs + nb_iargs + 1];
            for (unsigned i = 0; i < nb_oargs; i++) {
                opt_reset_temp(&ctx, arg_temp(op->args[i]));
            }
            if (!(info->flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                opt_reset_globals(&ctx);
            }
            continue;
        }
        case INDEX_op_discard:
            opt_reset_temp(&ctx, arg_temp(op->args[0]));
            continue;
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            op = opt_brcond(&ctx, op);
            if (!op || op->opc != INDEX_op_br) {
                continue;
            }
            /* fall through */
        case INDEX_op_br:
            if (next && next->opc == INDEX_op_set_label &&
                next->args[0] == op->args[0]) {
                /* A jump to the very next op. */
                tcg_op_remove(s, op);
                continue;
            }
            dead = true;
            continue;
        default:
            break;
        }

        if (op->opc == INDEX_op_exit_tb || op->opc == INDEX_op_goto_ptr) {
            /* Not goto_tb: its unchained path continues with the next op. */
            dead = true;
            continue;
        }
        if (opt_fold(&ctx, op) || opt_fold_zmask(&ctx, op)) {
            continue;
        }
        uint64_t z = nb_oargs == 1 ? opt_out_zmask(&ctx, op) : ~0ull;
        for (unsigned i = 0; i < nb_oargs; i++) {
            opt_reset_temp(&ctx, arg_temp(op->args[i]));
        }
        if (nb_oargs == 1) {
            ts_info(&ctx, arg_temp(op->args[0]))->z_mask = z;
        }
    }

    g_free(ctx.info);
}
