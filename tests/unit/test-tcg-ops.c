/*
 * test-tcg-ops.c: every integer opcode of tcg-opc.h, both widths, run on
 * both backends (x86-64 and TCI) with the optimizer off and on, checked
 * against a C reference on edge values and pseudo-random values crossed
 * pairwise. Each op is run three ways: operands in env globals (loaded
 * from memory after a label), the second operand a constant (immediate
 * encodings, optimizer identities), and all operands constant (folding).
 * One TB loops over a table of cases, so a TB runs thousands of cases.
 * Also: host loads/stores, qemu_ld/st through a TLB hit, and the control
 * ops (exit_tb, goto_tb chaining, goto_ptr, insn_start).
 */
#include "qemu/osdep.h"
#include "tcg-test-common.h"

/* ---- the ops under test ---- */

typedef enum RefOp {
    R_MOV, R_ADD, R_SUB, R_MUL, R_DIV, R_DIVU, R_REM, R_REMU, R_AND, R_OR, R_XOR,
    R_ANDC, R_ORC, R_EQV, R_NAND, R_NOR, R_SHL, R_SHR, R_SAR, R_ROTL, R_ROTR,
    R_MULUH, R_MULSH, R_CLZ, R_CTZ, R_CTPOP, R_NOT, R_NEG, R_EXT8S, R_EXT8U,
    R_EXT16S, R_EXT16U, R_EXT32S, R_EXT32U, R_BSWAP16, R_BSWAP32, R_BSWAP64,
    R_DEPOSIT, R_EXTRACT, R_SEXTRACT, R_SETCOND, R_NEGSETCOND, R_MOVCOND,
    R_BRCOND, R_ADD2, R_SUB2, R_MULU2, R_MULS2, R_EXT_I32, R_EXTU_I32,
    R_EXTRL, R_EXTRH,
} RefOp;

/* What the op's constant args range over. */
typedef enum ParamKind {
    P_NONE,         /* no constant args */
    P_COND,         /* a TCGCond: the ten real conditions */
    P_BSWAP,        /* TCG_BSWAP_* flags */
    P_POSLEN,       /* (pos, len) with 1 <= len, pos + len <= width */
} ParamKind;

typedef struct OpDesc {
    char name[32];
    TCGOpcode opc;
    RefOp ref;
    uint8_t nout, nin;
    TCGType otype, itype;
    ParamKind pkind;
    bool shift;         /* last input is a count: 0..width-1 */
    uint8_t cin;        /* the input made constant in the "const" mode */
} OpDesc;

static const TCGCond all_conds[10] = {
    TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE,
    TCG_COND_GT, TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU,
};
static const char *const cond_names[16] = {
    [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq", [TCG_COND_NE] = "ne", [TCG_COND_LT] = "lt",
    [TCG_COND_GE] = "ge", [TCG_COND_LE] = "le", [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu", [TCG_COND_GEU] = "geu", [TCG_COND_LEU] = "leu",
    [TCG_COND_GTU] = "gtu",
};
static const int bswap_flags[6] = {
    0, TCG_BSWAP_IZ, TCG_BSWAP_OZ, TCG_BSWAP_OS,
    TCG_BSWAP_IZ | TCG_BSWAP_OZ, TCG_BSWAP_IZ | TCG_BSWAP_OS,
};

static unsigned op_width(const OpDesc *d)
{
    return d->itype == TCG_TYPE_I32 ? 32 : 64;
}

static int op_nparams(const OpDesc *d)
{
    unsigned w = op_width(d);

    switch (d->pkind) {
    case P_COND:
        return 10;
    case P_BSWAP:
        return 6;
    case P_POSLEN:
        return w * (w + 1) / 2;
    default:
        return 1;
    }
}

static void poslen_of(const OpDesc *d, int param, unsigned *pos, unsigned *len)
{
    unsigned w = op_width(d), p = 0;

    /* Param enumerates pos = 0..w-1, then len = 1..w-pos. */
    while ((int)(w - p) <= param) {
        param -= w - p;
        p++;
    }
    *pos = p;
    *len = param + 1;
}

static void param_str(const OpDesc *d, int param, char *buf, size_t size)
{
    unsigned pos, len;

    switch (d->pkind) {
    case P_COND:
        snprintf(buf, size, "%s", cond_names[all_conds[param]]);
        break;
    case P_BSWAP:
        snprintf(buf, size, "flags=%d", bswap_flags[param]);
        break;
    case P_POSLEN:
        poslen_of(d, param, &pos, &len);
        snprintf(buf, size, "pos=%u len=%u", pos, len);
        break;
    default:
        buf[0] = 0;
        break;
    }
}

/* ---- the C reference ---- */

static uint64_t sext_from(uint64_t v, unsigned bits)
{
    if (bits >= 64) {
        return v;
    }
    v &= (1ull << bits) - 1;
    return (v ^ (1ull << (bits - 1))) - (1ull << (bits - 1));
}

static bool ref_cond(TCGCond c, uint64_t a, uint64_t b, unsigned w)
{
    int64_t sa = (int64_t)sext_from(a, w), sb = (int64_t)sext_from(b, w);

    switch (c) {
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return sa >= sb;
    case TCG_COND_LE: return sa <= sb;
    case TCG_COND_GT: return sa > sb;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    case TCG_COND_ALWAYS: return true;
    default: return false;
    }
}

/* May the backends run these inputs at all (x86 traps on x/0, MIN/-1)? */
static bool op_safe(const OpDesc *d, const uint64_t *in)
{
    unsigned w = op_width(d);
    uint64_t m = w == 32 ? 0xffffffffull : ~0ull;
    uint64_t a = in[0] & m, b = in[1] & m;

    switch (d->ref) {
    case R_DIV:
    case R_REM:
        return b != 0 && !(a == (1ull << (w - 1)) && b == m);
    case R_DIVU:
    case R_REMU:
        return b != 0;
    default:
        return true;
    }
}

/*
 * The reference: fills out[] and returns the mask of the result bits the
 * op defines (0: undefined for these inputs, not compared).
 */
static uint64_t ref_op(const OpDesc *d, int param, const uint64_t *inp, uint64_t *out)
{
    unsigned w = op_width(d);
    uint64_t m = w == 32 ? 0xffffffffull : ~0ull;
    uint64_t om = d->otype == TCG_TYPE_I32 ? 0xffffffffull : ~0ull;
    uint64_t in[4], a, b, r = 0;
    int64_t sa, sb;
    unsigned pos = 0, len = 0, flags = 0;
    TCGCond cond = TCG_COND_NEVER;

    for (int i = 0; i < 4; i++) {
        in[i] = inp[i] & m;
    }
    a = in[0];
    b = in[1];
    sa = (int64_t)sext_from(a, w);
    sb = (int64_t)sext_from(b, w);
    if (d->pkind == P_POSLEN) {
        poslen_of(d, param, &pos, &len);
    } else if (d->pkind == P_COND) {
        cond = all_conds[param];
    } else if (d->pkind == P_BSWAP) {
        flags = bswap_flags[param];
    }
    if (!op_safe(d, in)) {
        return 0;
    }
    if (d->shift && b >= w) {
        return 0;
    }
    out[1] = 0;

    switch (d->ref) {
    case R_MOV: r = a; break;
    case R_ADD: r = a + b; break;
    case R_SUB: r = a - b; break;
    case R_MUL: r = a * b; break;
    case R_DIV: r = (uint64_t)(sa / sb); break;
    case R_DIVU: r = a / b; break;
    case R_REM: r = (uint64_t)(sa % sb); break;
    case R_REMU: r = a % b; break;
    case R_AND: r = a & b; break;
    case R_OR: r = a | b; break;
    case R_XOR: r = a ^ b; break;
    case R_ANDC: r = a & ~b; break;
    case R_ORC: r = a | ~b; break;
    case R_EQV: r = ~(a ^ b); break;
    case R_NAND: r = ~(a & b); break;
    case R_NOR: r = ~(a | b); break;
    case R_SHL: r = a << b; break;
    case R_SHR: r = a >> b; break;
    case R_SAR: r = (uint64_t)(sa >> b); break;
    case R_ROTL: r = b ? (a << b) | (a >> (w - b)) : a; break;
    case R_ROTR: r = b ? (a >> b) | (a << (w - b)) : a; break;
    case R_MULUH:
        r = w == 32 ? (a * b) >> 32 : (uint64_t)(((unsigned __int128)a * b) >> 64);
        break;
    case R_MULSH:
        r = w == 32 ? (uint64_t)((sa * sb) >> 32)
                    : (uint64_t)(((__int128)sa * sb) >> 64);
        break;
    case R_CLZ:
        r = a ? (uint64_t)(__builtin_clzll(a) - (64 - w)) : b;
        break;
    case R_CTZ: r = a ? (uint64_t)__builtin_ctzll(a) : b; break;
    case R_CTPOP: r = __builtin_popcountll(a); break;
    case R_NOT: r = ~a; break;
    case R_NEG: r = -a; break;
    case R_EXT8S: r = sext_from(a, 8); break;
    case R_EXT8U: r = a & 0xff; break;
    case R_EXT16S: r = sext_from(a, 16); break;
    case R_EXT16U: r = a & 0xffff; break;
    case R_EXT32S: r = sext_from(a, 32); break;
    case R_EXT32U: r = a & 0xffffffff; break;
    case R_BSWAP16:
        if ((flags & TCG_BSWAP_IZ) && (a >> 16)) {
            return 0;
        }
        r = __builtin_bswap16((uint16_t)a);
        if (flags & TCG_BSWAP_OS) {
            r = sext_from(r, 16);
        } else if (!(flags & TCG_BSWAP_OZ)) {
            om &= 0xffff;
        }
        break;
    case R_BSWAP32:
        if (w == 32) {
            r = __builtin_bswap32((uint32_t)a);
            break;
        }
        if ((flags & TCG_BSWAP_IZ) && (a >> 32)) {
            return 0;
        }
        r = __builtin_bswap32((uint32_t)a);
        if (flags & TCG_BSWAP_OS) {
            r = sext_from(r, 32);
        } else if (!(flags & TCG_BSWAP_OZ)) {
            om &= 0xffffffff;
        }
        break;
    case R_BSWAP64: r = __builtin_bswap64(a); break;
    case R_DEPOSIT: {
        uint64_t fm = (len == 64 ? ~0ull : (1ull << len) - 1) << pos;

        r = (a & ~fm) | ((b << pos) & fm);
        break;
    }
    case R_EXTRACT:
        r = (a >> pos) & (len == 64 ? ~0ull : (1ull << len) - 1);
        break;
    case R_SEXTRACT:
        r = sext_from(a >> pos, len);
        break;
    case R_SETCOND: r = ref_cond(cond, a, b, w); break;
    case R_NEGSETCOND: r = ref_cond(cond, a, b, w) ? m : 0; break;
    case R_BRCOND: r = ref_cond(cond, a, b, w) ? 1 : 2; break;
    case R_MOVCOND: r = ref_cond(cond, a, b, w) ? in[2] : in[3]; break;
    case R_ADD2:
    case R_SUB2:
        if (w == 32) {
            uint64_t x = a | in[1] << 32, y = in[2] | in[3] << 32;
            uint64_t z = d->ref == R_ADD2 ? x + y : x - y;

            r = z & m;
            out[1] = z >> 32;
        } else {
            unsigned __int128 x = (unsigned __int128)in[1] << 64 | a;
            unsigned __int128 y = (unsigned __int128)in[3] << 64 | in[2];
            unsigned __int128 z = d->ref == R_ADD2 ? x + y : x - y;

            r = (uint64_t)z;
            out[1] = (uint64_t)(z >> 64);
        }
        break;
    case R_MULU2:
        if (w == 32) {
            uint64_t z = a * b;

            r = z & m;
            out[1] = z >> 32;
        } else {
            unsigned __int128 z = (unsigned __int128)a * b;

            r = (uint64_t)z;
            out[1] = (uint64_t)(z >> 64);
        }
        break;
    case R_MULS2:
        if (w == 32) {
            uint64_t z = (uint64_t)(sa * sb);

            r = z & m;
            out[1] = z >> 32;
        } else {
            unsigned __int128 z = (unsigned __int128)((__int128)sa * sb);

            r = (uint64_t)z;
            out[1] = (uint64_t)(z >> 64);
        }
        break;
    case R_EXT_I32: r = sext_from(a, 32); break;
    case R_EXTU_I32: r = a & 0xffffffff; break;
    case R_EXTRL: r = a & 0xffffffff; break;
    case R_EXTRH: r = a >> 32; break;
    }
    out[0] = r & om;
    out[1] &= om;
    return om;
}

/* ---- the op table ---- */

static OpDesc op_table[160];
static int nb_op_table;

static void add_op(const char *name, TCGOpcode opc, RefOp ref, int nout, int nin,
                   TCGType ot, TCGType it, ParamKind pk, bool shift, int cin)
{
    OpDesc *d = &op_table[nb_op_table++];

    g_assert(nb_op_table <= (int)ARRAY_SIZE(op_table));
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->opc = opc;
    d->ref = ref;
    d->nout = nout;
    d->nin = nin;
    d->otype = ot;
    d->itype = it;
    d->pkind = pk;
    d->shift = shift;
    d->cin = cin;
}

#define BOTH(name, ref, nout, nin, pk, shift, cin) \
    add_op(#name "_i32", INDEX_op_##name##_i32, ref, nout, nin, \
           TCG_TYPE_I32, TCG_TYPE_I32, pk, shift, cin); \
    add_op(#name "_i64", INDEX_op_##name##_i64, ref, nout, nin, \
           TCG_TYPE_I64, TCG_TYPE_I64, pk, shift, cin)
#define ONLY64(name, ref, nout, nin, pk, cin) \
    add_op(#name, INDEX_op_##name, ref, nout, nin, \
           TCG_TYPE_I64, TCG_TYPE_I64, pk, false, cin)

static void build_op_table(void)
{
    BOTH(mov, R_MOV, 1, 1, P_NONE, false, 0);
    BOTH(add, R_ADD, 1, 2, P_NONE, false, 1);
    BOTH(sub, R_SUB, 1, 2, P_NONE, false, 1);
    BOTH(mul, R_MUL, 1, 2, P_NONE, false, 1);
    BOTH(div, R_DIV, 1, 2, P_NONE, false, 1);
    BOTH(divu, R_DIVU, 1, 2, P_NONE, false, 1);
    BOTH(rem, R_REM, 1, 2, P_NONE, false, 1);
    BOTH(remu, R_REMU, 1, 2, P_NONE, false, 1);
    BOTH(and, R_AND, 1, 2, P_NONE, false, 1);
    BOTH(or, R_OR, 1, 2, P_NONE, false, 1);
    BOTH(xor, R_XOR, 1, 2, P_NONE, false, 1);
    BOTH(andc, R_ANDC, 1, 2, P_NONE, false, 1);
    BOTH(orc, R_ORC, 1, 2, P_NONE, false, 1);
    BOTH(eqv, R_EQV, 1, 2, P_NONE, false, 1);
    BOTH(nand, R_NAND, 1, 2, P_NONE, false, 1);
    BOTH(nor, R_NOR, 1, 2, P_NONE, false, 1);
    BOTH(shl, R_SHL, 1, 2, P_NONE, true, 1);
    BOTH(shr, R_SHR, 1, 2, P_NONE, true, 1);
    BOTH(sar, R_SAR, 1, 2, P_NONE, true, 1);
    BOTH(rotl, R_ROTL, 1, 2, P_NONE, true, 1);
    BOTH(rotr, R_ROTR, 1, 2, P_NONE, true, 1);
    BOTH(muluh, R_MULUH, 1, 2, P_NONE, false, 1);
    BOTH(mulsh, R_MULSH, 1, 2, P_NONE, false, 1);
    BOTH(clz, R_CLZ, 1, 2, P_NONE, false, 1);
    BOTH(ctz, R_CTZ, 1, 2, P_NONE, false, 1);
    BOTH(ctpop, R_CTPOP, 1, 1, P_NONE, false, 0);
    BOTH(not, R_NOT, 1, 1, P_NONE, false, 0);
    BOTH(neg, R_NEG, 1, 1, P_NONE, false, 0);
    BOTH(ext8s, R_EXT8S, 1, 1, P_NONE, false, 0);
    BOTH(ext8u, R_EXT8U, 1, 1, P_NONE, false, 0);
    BOTH(ext16s, R_EXT16S, 1, 1, P_NONE, false, 0);
    BOTH(ext16u, R_EXT16U, 1, 1, P_NONE, false, 0);
    BOTH(bswap16, R_BSWAP16, 1, 1, P_BSWAP, false, 0);
    BOTH(bswap32, R_BSWAP32, 1, 1, P_BSWAP, false, 0);
    BOTH(deposit, R_DEPOSIT, 1, 2, P_POSLEN, false, 1);
    BOTH(extract, R_EXTRACT, 1, 1, P_POSLEN, false, 0);
    BOTH(sextract, R_SEXTRACT, 1, 1, P_POSLEN, false, 0);
    BOTH(setcond, R_SETCOND, 1, 2, P_COND, false, 1);
    BOTH(negsetcond, R_NEGSETCOND, 1, 2, P_COND, false, 1);
    BOTH(movcond, R_MOVCOND, 1, 4, P_COND, false, 1);
    BOTH(brcond, R_BRCOND, 1, 2, P_COND, false, 1);
    BOTH(add2, R_ADD2, 2, 4, P_NONE, false, 2);
    BOTH(sub2, R_SUB2, 2, 4, P_NONE, false, 2);
    BOTH(mulu2, R_MULU2, 2, 2, P_NONE, false, 1);
    BOTH(muls2, R_MULS2, 2, 2, P_NONE, false, 1);
    ONLY64(ext32s_i64, R_EXT32S, 1, 1, P_NONE, 0);
    ONLY64(ext32u_i64, R_EXT32U, 1, 1, P_NONE, 0);
    ONLY64(bswap64_i64, R_BSWAP64, 1, 1, P_BSWAP, 0);
    add_op("ext_i32_i64", INDEX_op_ext_i32_i64, R_EXT_I32, 1, 1,
           TCG_TYPE_I64, TCG_TYPE_I32, P_NONE, false, 0);
    add_op("extu_i32_i64", INDEX_op_extu_i32_i64, R_EXTU_I32, 1, 1,
           TCG_TYPE_I64, TCG_TYPE_I32, P_NONE, false, 0);
    add_op("extrl_i64_i32", INDEX_op_extrl_i64_i32, R_EXTRL, 1, 1,
           TCG_TYPE_I32, TCG_TYPE_I64, P_NONE, false, 0);
    add_op("extrh_i64_i32", INDEX_op_extrh_i64_i32, R_EXTRH, 1, 1,
           TCG_TYPE_I32, TCG_TYPE_I64, P_NONE, false, 0);
}

/* ---- globals and TB construction ---- */

/* Env layout: inputs r64[0..3]/r32[0..3], outputs r64[4..5]/r32[4..5]. */
static TCGv_i64 g_in64[4], g_out64[2], g_flag, g_end;
static TCGv_i32 g_in32[4], g_out32[2];
static TCGv_ptr g_rows, g_outs, g_ptr2;

static void create_globals(void)
{
    for (int i = 0; i < 4; i++) {
        g_in64[i] = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[i]), "in64");
        g_in32[i] = tcg_global_mem_new_i32(tcg_env, TT_ENV_OFS(r32[i]), "in32");
    }
    for (int i = 0; i < 2; i++) {
        g_out64[i] = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[4 + i]), "out64");
        g_out32[i] = tcg_global_mem_new_i32(tcg_env, TT_ENV_OFS(r32[4 + i]), "out32");
    }
    g_flag = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[14]), "flag");
    g_end = tcg_global_mem_new_i64(tcg_env, TT_ENV_OFS(r64[15]), "end");
    g_rows = tcg_global_mem_new_ptr(tcg_env, TT_ENV_OFS(ptr[0]), "rows");
    g_outs = tcg_global_mem_new_ptr(tcg_env, TT_ENV_OFS(ptr[1]), "outs");
    g_ptr2 = tcg_global_mem_new_ptr(tcg_env, TT_ENV_OFS(ptr[2]), "ptr2");
}

static TCGTemp *gl_in(TCGType t, int k)
{
    return t == TCG_TYPE_I32 ? tcgv_i32_temp(g_in32[k]) : tcgv_i64_temp(g_in64[k]);
}

static TCGTemp *gl_out(TCGType t, int k)
{
    return t == TCG_TYPE_I32 ? tcgv_i32_temp(g_out32[k]) : tcgv_i64_temp(g_out64[k]);
}

static void gen_ld_typed(TCGType t, TCGTemp *dst, TCGv_ptr base, intptr_t ofs)
{
    if (t == TCG_TYPE_I32) {
        tcg_gen_ld_i32(temp_tcgv_i32(dst), base, ofs);
    } else {
        tcg_gen_ld_i64(temp_tcgv_i64(dst), base, ofs);
    }
}

static void gen_st_typed(TCGType t, TCGTemp *src, TCGv_ptr base, intptr_t ofs)
{
    if (t == TCG_TYPE_I32) {
        tcg_gen_st_i32(temp_tcgv_i32(src), base, ofs);
    } else {
        tcg_gen_st_i64(temp_tcgv_i64(src), base, ofs);
    }
}

/* Emit the op under test: the raw opcode, so every opcode is covered. */
static void gen_op(const OpDesc *d, int param, TCGTemp **out, TCGTemp **in)
{
    TCGArg args[MAX_OPC_PARAM];
    int n = 0;
    unsigned pos, len;

    if (d->ref == R_BRCOND) {
        /* out = cond ? 1 : 2, through both arms of a branch. */
        TCGLabel *taken = gen_new_label(), *done = gen_new_label();
        TCGCond c = all_conds[param];

        if (d->itype == TCG_TYPE_I32) {
            TCGv_i32 r = temp_tcgv_i32(out[0]);

            tcg_gen_brcond_i32(c, temp_tcgv_i32(in[0]), temp_tcgv_i32(in[1]), taken);
            tcg_gen_movi_i32(r, 2);
            tcg_gen_br(done);
            gen_set_label(taken);
            tcg_gen_movi_i32(r, 1);
        } else {
            TCGv_i64 r = temp_tcgv_i64(out[0]);

            tcg_gen_brcond_i64(c, temp_tcgv_i64(in[0]), temp_tcgv_i64(in[1]), taken);
            tcg_gen_movi_i64(r, 2);
            tcg_gen_br(done);
            gen_set_label(taken);
            tcg_gen_movi_i64(r, 1);
        }
        gen_set_label(done);
        return;
    }

    for (int i = 0; i < d->nout; i++) {
        args[n++] = temp_arg(out[i]);
    }
    for (int i = 0; i < d->nin; i++) {
        args[n++] = temp_arg(in[i]);
    }
    switch (d->pkind) {
    case P_COND:
        args[n++] = all_conds[param];
        break;
    case P_BSWAP:
        args[n++] = bswap_flags[param];
        break;
    case P_POSLEN:
        poslen_of(d, param, &pos, &len);
        args[n++] = pos;
        args[n++] = len;
        break;
    default:
        break;
    }
    g_assert(n == tcg_op_defs[d->opc].nb_args);
    TCGOp *op = tcg_emit_op(d->opc, n);
    memcpy(op->args, args, n * sizeof(TCGArg));
}

typedef enum Mode {
    MODE_GLOBAL,    /* every input an env global */
    MODE_CONST,     /* input cin a constant, others temps (unary: a temp) */
    MODE_FOLD,      /* every input a constant */
    MODE_ALIAS,     /* outputs in the same temps as inputs, inputs repeated */
    MODE_COUNT,
} Mode;

static const char *const mode_names[MODE_COUNT] = { "global", "const", "fold", "alias" };

/* One instance of the op in a TB: its param and its constant inputs. */
typedef struct Variant {
    int param;
    uint8_t cmask;          /* inputs that are constants */
    uint64_t cval[4];
    int8_t alias[2];        /* MODE_ALIAS: output k is input alias[k]'s temp (-1: not) */
    bool dup;               /* MODE_ALIAS: input 1 is input 0's temp */
} Variant;

typedef struct Row {
    uint64_t in[4];
} Row;

/*
 * A TB that loops over the rows (env ptr[0], byte end in r64[15]): loads
 * the row's inputs, then runs every variant, storing its outputs at
 * outs[row][variant][k] (env ptr[1]).
 */
static void build_tb(const OpDesc *d, Mode mode, const Variant *vars, int nvar)
{
    TCGv_ptr ioff = tcg_temp_new_ptr(), ooff = tcg_temp_new_ptr();
    TCGv_ptr p = tcg_temp_new_ptr(), q = tcg_temp_new_ptr();
    TCGLabel *loop = gen_new_label(), *sync = gen_new_label();
    TCGTemp *in[4] = { NULL }, *out[2] = { NULL };

    tcg_gen_movi_ptr(ioff, 0);
    tcg_gen_movi_ptr(ooff, 0);
    gen_set_label(loop);
    tcg_gen_add_ptr(p, g_rows, ioff);
    for (int k = 0; k < d->nin; k++) {
        if (mode == MODE_GLOBAL) {
            TCGTemp *t = tcg_temp_new_internal(d->itype, TEMP_EBB);

            gen_ld_typed(d->itype, t, p, k * 8);
            in[k] = gl_in(d->itype, k);
            if (d->itype == TCG_TYPE_I32) {
                tcg_gen_mov_i32(temp_tcgv_i32(in[k]), temp_tcgv_i32(t));
            } else {
                tcg_gen_mov_i64(temp_tcgv_i64(in[k]), temp_tcgv_i64(t));
            }
            tcg_temp_free_internal(t);
        } else if ((mode == MODE_CONST && (d->nin == 1 || k != d->cin)) ||
                   mode == MODE_ALIAS) {
            in[k] = tcg_temp_new_internal(d->itype, TEMP_TB);
            if (d->itype == TCG_TYPE_I32) {
                /*
                 * From the whole 64-bit row value: a backend that keeps
                 * i32 values in 64-bit registers may see the high half.
                 */
                TCGv_i64 t = tcg_temp_ebb_new_i64();

                tcg_gen_ld_i64(t, p, k * 8);
                tcg_gen_extrl_i64_i32(temp_tcgv_i32(in[k]), t);
                tcg_temp_free_i64(t);
            } else {
                gen_ld_typed(d->itype, in[k], p, k * 8);
            }
        }
    }
    if (mode == MODE_GLOBAL) {
        /* A label: the globals go to env and the op reads them from there. */
        tcg_gen_brcondi_i64(TCG_COND_EQ, g_flag, 1, sync);
        gen_set_label(sync);
    }
    tcg_gen_add_ptr(q, g_outs, ooff);
    for (int k = 0; k < d->nout; k++) {
        out[k] = mode == MODE_GLOBAL ? gl_out(d->otype, k)
                                     : tcg_temp_new_internal(d->otype, TEMP_TB);
    }
    for (int v = 0; v < nvar; v++) {
        TCGTemp *vin[4], *vout[2] = { out[0], out[1] };

        for (int k = 0; k < d->nin; k++) {
            vin[k] = vars[v].cmask & (1 << k) ?
                tcg_constant_internal(d->itype, (int64_t)vars[v].cval[k]) : in[k];
        }
        if (mode == MODE_ALIAS) {
            /* Fresh copies of the inputs that the outputs may overwrite. */
            for (int k = 0; k < d->nin; k++) {
                if (k == 1 && vars[v].dup) {
                    vin[1] = vin[0];
                    continue;
                }
                vin[k] = tcg_temp_new_internal(d->itype, TEMP_TB);
                if (d->itype == TCG_TYPE_I32) {
                    tcg_gen_mov_i32(temp_tcgv_i32(vin[k]), temp_tcgv_i32(in[k]));
                } else {
                    tcg_gen_mov_i64(temp_tcgv_i64(vin[k]), temp_tcgv_i64(in[k]));
                }
            }
            for (int k = 0; k < d->nout; k++) {
                if (vars[v].alias[k] >= 0) {
                    vout[k] = vin[vars[v].alias[k]];
                }
            }
        }
        gen_op(d, vars[v].param, vout, vin);
        for (int k = 0; k < d->nout; k++) {
            gen_st_typed(d->otype, vout[k], q, (v * 2 + k) * 8);
        }
        if (mode == MODE_ALIAS) {
            for (int k = 0; k < d->nin; k++) {
                if (!(k == 1 && vars[v].dup)) {
                    tcg_temp_free_internal(vin[k]);
                }
            }
        }
    }
    tcg_gen_addi_ptr(ooff, ooff, nvar * 16);
    tcg_gen_addi_ptr(ioff, ioff, sizeof(Row));
    tcg_gen_brcond_i64(TCG_COND_LTU, tcgv_ptr_as_i64(ioff), g_end, loop);
    tcg_gen_exit_tb(NULL, 0);
}

/* ---- running and checking ---- */

#define MAX_FAIL_REPORTS 8
#define CHUNK 96            /* variants per TB */
#define CASE_BUDGET 300000  /* rows x variants per op and mode */

static uint64_t edge[160];
static int nb_edge;
static uint64_t unary_vals[1600];
static int nb_unary_vals;

typedef struct Job {
    const OpDesc *d;
    Mode mode;
    GArray *rows;           /* Row */
    GArray *vars;           /* Variant */
} Job;

static void in_of(const Job *j, int row, int var, uint64_t *in)
{
    const Row *r = &g_array_index(j->rows, Row, row);
    const Variant *v = &g_array_index(j->vars, Variant, var);

    for (int k = 0; k < 4; k++) {
        in[k] = v->cmask & (1 << k) ? v->cval[k] : r->in[k];
    }
    if (v->dup) {
        in[1] = in[0];
    }
}

/* Run job j on every backend with the optimizer off and on; check all. */
static uint64_t cases_checked;

static int run_job(const Job *j, TestCPU *cpu)
{
    const OpDesc *d = j->d;
    int nrows = j->rows->len, nvars = j->vars->len;
    int nres = tt_nb_backends() * 2;
    uint64_t *res = g_new(uint64_t, (size_t)nres * nrows * nvars * 2);
    int failures = 0;

    for (int v0 = 0; v0 < nvars; v0 += CHUNK) {
        int nv = MIN(CHUNK, nvars - v0);
        uint64_t *buf = g_new(uint64_t, (size_t)nrows * nv * 2);

        for (int bi = 0; bi < tt_nb_backends(); bi++) {
            for (int opt = 0; opt < 2; opt++) {
                TTBackend *b = tt_backend(bi);
                TranslationBlock *tb;
                uint64_t *dst = res + (size_t)(bi * 2 + opt) * nrows * nvars * 2;

                tt_begin(b, opt);
                build_tb(d, j->mode, &g_array_index(j->vars, Variant, v0), nv);
                tb = tt_compile(b);
                memset(buf, 0x5a, (size_t)nrows * nv * 16);
                cpu->env.ptr[0] = (uintptr_t)j->rows->data;
                cpu->env.ptr[1] = (uintptr_t)buf;
                cpu->env.r64[14] = 0;
                cpu->env.r64[15] = (uint64_t)nrows * sizeof(Row);
                /* Canaries next to the globals: no store may be too wide. */
                for (int k = 6; k < 14; k++) {
                    cpu->env.r64[k] = 0xc0ffee00ull + k;
                    cpu->env.r32[k] = 0xbeef0000u + k;
                }
                if (d->nout == 1) {
                    cpu->env.r64[5] = 0xc0ffee05ull;
                    cpu->env.r32[5] = 0xbeef0005u;
                }
                tt_run(b, tb, cpu);
                for (int k = d->nout == 1 ? 5 : 6; k < 14; k++) {
                    if (cpu->env.r64[k] != 0xc0ffee00ull + k ||
                        cpu->env.r32[k] != 0xbeef0000u + k) {
                        g_test_message("FAIL %s [%s] %s: env next to the globals "
                                       "overwritten (slot %d)", d->name,
                                       mode_names[j->mode], b->name, k);
                        failures++;
                        break;
                    }
                }
                tt_tb_free(tb);
                for (int r = 0; r < nrows; r++) {
                    memcpy(dst + ((size_t)r * nvars + v0) * 2, buf + (size_t)r * nv * 2,
                           nv * 16);
                }
            }
        }
        g_free(buf);
    }

    for (int r = 0; r < nrows; r++) {
        for (int v = 0; v < nvars; v++) {
            uint64_t in[4], ref[2], mask;
            bool bad = false;

            in_of(j, r, v, in);
            mask = ref_op(d, g_array_index(j->vars, Variant, v).param, in, ref);
            if (!mask) {
                continue;
            }
            cases_checked++;
            for (int x = 0; x < nres; x++) {
                const uint64_t *got = res + (((size_t)x * nrows + r) * nvars + v) * 2;

                for (int k = 0; k < d->nout; k++) {
                    bad |= (got[k] & mask) != (ref[k] & mask);
                }
            }
            if (!bad) {
                continue;
            }
            if (failures++ < MAX_FAIL_REPORTS) {
                char ps[32];
                GString *msg = g_string_new(NULL);

                param_str(d, g_array_index(j->vars, Variant, v).param, ps, sizeof(ps));
                g_string_append_printf(msg, "%s [%s] %s in=", d->name, mode_names[j->mode],
                                       ps);
                for (int k = 0; k < d->nin; k++) {
                    g_string_append_printf(msg, "%s0x%" PRIx64, k ? "," : "", in[k]);
                }
                g_string_append_printf(msg, " ref=");
                for (int k = 0; k < d->nout; k++) {
                    g_string_append_printf(msg, "%s0x%" PRIx64, k ? "," : "",
                                           ref[k] & mask);
                }
                for (int x = 0; x < nres; x++) {
                    const uint64_t *got = res + (((size_t)x * nrows + r) * nvars + v) * 2;

                    g_string_append_printf(msg, " %s/opt%d=", tt_backend(x / 2)->name, x & 1);
                    for (int k = 0; k < d->nout; k++) {
                        g_string_append_printf(msg, "%s0x%" PRIx64, k ? "," : "",
                                               got[k] & mask);
                    }
                }
                g_test_message("FAIL %s", msg->str);
                g_string_free(msg, true);
            }
        }
    }
    g_free(res);
    return failures;
}

/* Values an input takes: counts for shifts, else the edge values. */
static void input_values(const OpDesc *d, int k, const uint64_t **vals, int *n)
{
    static uint64_t counts[64];

    if (d->shift && k == d->nin - 1) {
        for (int i = 0; i < 64; i++) {
            counts[i] = i;
        }
        *vals = counts;
        *n = op_width(d);
    } else if (d->nin == 1) {
        *vals = unary_vals;
        *n = nb_unary_vals;
    } else {
        *vals = edge;
        *n = nb_edge;
    }
}

/* Keep at most max of the n elements of a (evenly spread). */
static void thin_array(GArray *a, int max)
{
    int n = a->len;

    if (n <= max) {
        return;
    }
    for (int i = 0; i < max; i++) {
        int src = (int)((int64_t)i * n / max);

        memmove(a->data + (size_t)i * g_array_get_element_size(a),
                a->data + (size_t)src * g_array_get_element_size(a),
                g_array_get_element_size(a));
    }
    g_array_set_size(a, max);
}

/* All input tuples for the global mode (filtered for safety). */
static GArray *full_rows(const OpDesc *d)
{
    GArray *rows = g_array_new(false, true, sizeof(Row));
    const uint64_t *v0, *v1;
    int n0, n1;

    input_values(d, 0, &v0, &n0);
    if (d->nin == 1) {
        for (int i = 0; i < n0; i++) {
            Row r = { { v0[i] } };

            g_array_append_val(rows, r);
        }
        return rows;
    }
    input_values(d, 1, &v1, &n1);
    for (int i = 0; i < n0; i++) {
        for (int j = 0; j < n1; j++) {
            Row r = { { v0[i], v1[j] } };

            if (d->nin == 4) {
                /* The other pair: a deterministic mix of edge values. */
                r.in[2] = edge[(i * 7 + j * 3 + 1) % nb_edge];
                r.in[3] = edge[(i * 5 + j * 11 + 2) % nb_edge];
            }
            if (op_safe(d, r.in)) {
                g_array_append_val(rows, r);
            }
        }
    }
    return rows;
}

static void vars_all_params(const OpDesc *d, GArray *vars, Variant base)
{
    for (int p = 0; p < op_nparams(d); p++) {
        base.param = p;
        g_array_append_val(vars, base);
    }
}

/* Inputs from env globals: every row, every param. */
static void job_global(Job *j)
{
    j->rows = full_rows(j->d);
    vars_all_params(j->d, j->vars, (Variant){ 0 });
}

/*
 * Input cin a constant (each of its values), the others from temps over
 * up to 96 distinct rows. A unary op's only input as a constant is the
 * fold mode: here it comes from a temp instead (see build_tb).
 */
static void job_const(Job *j)
{
    const OpDesc *d = j->d;
    GArray *all = full_rows(d);
    const uint64_t *cv;
    int ncv, maxc = MAX(4, 4096 / op_nparams(d));

    if (d->nin == 1) {
        j->rows = all;
        vars_all_params(d, j->vars, (Variant){ 0 });
        return;
    }
    j->rows = g_array_new(false, true, sizeof(Row));
    for (guint i = 0; i < all->len && j->rows->len < 96; i++) {
        Row r = g_array_index(all, Row, i);
        bool seen = false;

        r.in[d->cin] = 0;
        for (guint k = 0; k < j->rows->len && !seen; k++) {
            seen = !memcmp(&g_array_index(j->rows, Row, k), &r, sizeof(r));
        }
        if (!seen) {
            g_array_append_val(j->rows, r);
        }
    }
    g_array_free(all, true);

    input_values(d, d->cin, &cv, &ncv);
    for (int c = 0; c < MIN(ncv, maxc); c++) {
        int ci = ncv <= maxc ? c : (int)((int64_t)c * ncv / maxc);
        Variant base = { .cmask = 1 << d->cin };
        bool ok = true;

        base.cval[d->cin] = cv[ci];
        /* The constant must be safe with every row. */
        for (guint r = 0; r < j->rows->len && ok; r++) {
            Row t = g_array_index(j->rows, Row, r);

            t.in[d->cin] = cv[ci];
            ok = op_safe(d, t.in);
        }
        if (ok) {
            vars_all_params(d, j->vars, base);
        }
    }
}

/*
 * Every way of putting the outputs in input temps (when the types match),
 * with and without input 1 being the same temp as input 0.
 */
static void job_alias(Job *j)
{
    const OpDesc *d = j->d;
    bool is_div = d->ref == R_DIV || d->ref == R_DIVU || d->ref == R_REM ||
                  d->ref == R_REMU;

    j->rows = full_rows(d);
    for (int dup = 0; dup < 2 && dup < d->nin; dup++) {
        if (dup && is_div) {
            continue;       /* x / x traps for x = 0 */
        }
        for (int a0 = -1; a0 < d->nin; a0++) {
            for (int a1 = -1; a1 < (d->nout > 1 ? d->nin : 0); a1++) {
                Variant v = { .dup = dup, .alias = { a0, a1 } };

                if (d->otype != d->itype && (a0 >= 0 || a1 >= 0)) {
                    continue;
                }
                /* Two outputs never share a temp (input 1 is input 0 when dup). */
                if ((a1 >= 0 && a0 == a1) || (dup && (a0 == 1 || a1 == 1))) {
                    continue;
                }
                vars_all_params(d, j->vars, v);
            }
        }
    }
}

/* Everything constant: one row, a sample of input tuples. */
static void job_fold(Job *j)
{
    const OpDesc *d = j->d;
    GArray *all = full_rows(d);
    Row zero = { { 0 } };

    thin_array(all, MIN(MAX(8, 4096 / op_nparams(d)), 256));
    j->rows = g_array_new(false, true, sizeof(Row));
    g_array_append_val(j->rows, zero);
    for (guint t = 0; t < all->len; t++) {
        Variant v = { .cmask = (1 << d->nin) - 1 };

        memcpy(v.cval, g_array_index(all, Row, t).in, sizeof(v.cval));
        vars_all_params(d, j->vars, v);
    }
    g_array_free(all, true);
}

static void test_op(gconstpointer data)
{
    static void (*const job_fns[MODE_COUNT])(Job *) = {
        [MODE_GLOBAL] = job_global, [MODE_CONST] = job_const,
        [MODE_FOLD] = job_fold, [MODE_ALIAS] = job_alias,
    };
    const OpDesc *d = data;
    TestCPU *cpu = tt_cpu_new();
    int failures = 0;

    cases_checked = 0;
    for (Mode mode = 0; mode < MODE_COUNT; mode++) {
        Job j = { .d = d, .mode = mode };

        j.vars = g_array_new(false, true, sizeof(Variant));
        job_fns[mode](&j);
        if (j.vars->len) {
            thin_array(j.rows, MAX(8, CASE_BUDGET / (int)j.vars->len));
            failures += run_job(&j, cpu);
        }
        g_array_free(j.rows, true);
        g_array_free(j.vars, true);
    }
    g_free(cpu);
    g_test_message("%s: %" PRIu64 " cases", d->name, cases_checked);
    /* Every op must have been exercised on a real number of cases. */
    g_assert_cmpuint(cases_checked, >=, 500);
    if (failures) {
        g_test_message("%s: %d failing cases", d->name, failures);
        g_test_fail();
    }
}

/* ---- host loads and stores (ld/st ops relative to a pointer) ---- */

typedef struct LdDesc {
    const char *name;
    unsigned size;
    bool sign;
    TCGType type;
    void (*gen32)(TCGv_i32, TCGv_ptr, intptr_t);
    void (*gen64)(TCGv_i64, TCGv_ptr, intptr_t);
} LdDesc;

static const LdDesc ld_descs[] = {
    { "ld8u_i32", 1, false, TCG_TYPE_I32, tcg_gen_ld8u_i32, NULL },
    { "ld8s_i32", 1, true, TCG_TYPE_I32, tcg_gen_ld8s_i32, NULL },
    { "ld16u_i32", 2, false, TCG_TYPE_I32, tcg_gen_ld16u_i32, NULL },
    { "ld16s_i32", 2, true, TCG_TYPE_I32, tcg_gen_ld16s_i32, NULL },
    { "ld_i32", 4, false, TCG_TYPE_I32, tcg_gen_ld_i32, NULL },
    { "ld8u_i64", 1, false, TCG_TYPE_I64, NULL, tcg_gen_ld8u_i64 },
    { "ld8s_i64", 1, true, TCG_TYPE_I64, NULL, tcg_gen_ld8s_i64 },
    { "ld16u_i64", 2, false, TCG_TYPE_I64, NULL, tcg_gen_ld16u_i64 },
    { "ld16s_i64", 2, true, TCG_TYPE_I64, NULL, tcg_gen_ld16s_i64 },
    { "ld32u_i64", 4, false, TCG_TYPE_I64, NULL, tcg_gen_ld32u_i64 },
    { "ld32s_i64", 4, true, TCG_TYPE_I64, NULL, tcg_gen_ld32s_i64 },
    { "ld_i64", 8, false, TCG_TYPE_I64, NULL, tcg_gen_ld_i64 },
};

typedef struct StDesc {
    const char *name;
    unsigned size;
    TCGType type;
    void (*gen32)(TCGv_i32, TCGv_ptr, intptr_t);
    void (*gen64)(TCGv_i64, TCGv_ptr, intptr_t);
} StDesc;

static const StDesc st_descs[] = {
    { "st8_i32", 1, TCG_TYPE_I32, tcg_gen_st8_i32, NULL },
    { "st16_i32", 2, TCG_TYPE_I32, tcg_gen_st16_i32, NULL },
    { "st_i32", 4, TCG_TYPE_I32, tcg_gen_st_i32, NULL },
    { "st8_i64", 1, TCG_TYPE_I64, NULL, tcg_gen_st8_i64 },
    { "st16_i64", 2, TCG_TYPE_I64, NULL, tcg_gen_st16_i64 },
    { "st32_i64", 4, TCG_TYPE_I64, NULL, tcg_gen_st32_i64 },
    { "st_i64", 8, TCG_TYPE_I64, NULL, tcg_gen_st_i64 },
};

/*
 * Loads at every byte offset 0..15 of env's scratch (unaligned too),
 * once with env as the base and once through a pointer global; stores
 * the same way, checking the bytes around the store are untouched.
 */
static void test_ldst_host(void)
{
    TestCPU *cpu = tt_cpu_new();
    uint8_t pattern[64], other[64];
    int failures = 0;

    for (int i = 0; i < 64; i++) {
        pattern[i] = (uint8_t)(0x81 + i * 37);
    }
    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);

        for (size_t li = 0; li < ARRAY_SIZE(ld_descs); li++) {
            const LdDesc *ld = &ld_descs[li];

            for (int viaptr = 0; viaptr < 2; viaptr++) {
                TranslationBlock *tb;

                tt_begin(b, true);
                for (int off = 0; off < 16; off++) {
                    TCGv_ptr base = viaptr ? g_ptr2 : tcg_env;
                    intptr_t o = (viaptr ? 0 : TT_ENV_OFS(scratch)) + off;
                    intptr_t dst = TT_ENV_OFS(scratch) + 32 + off * 8;

                    if (ld->type == TCG_TYPE_I32) {
                        TCGv_i32 t = tcg_temp_new_i32();

                        ld->gen32(t, base, o);
                        tcg_gen_st_i32(t, tcg_env, dst);
                    } else {
                        TCGv_i64 t = tcg_temp_new_i64();

                        ld->gen64(t, base, o);
                        tcg_gen_st_i64(t, tcg_env, dst);
                    }
                }
                tcg_gen_exit_tb(NULL, 0);
                tb = tt_compile(b);
                memset(cpu->env.scratch, 0, sizeof(cpu->env.scratch));
                memcpy(cpu->env.scratch, pattern, 32);
                cpu->env.ptr[2] = (uintptr_t)cpu->env.scratch;
                tt_run(b, tb, cpu);
                tt_tb_free(tb);
                for (int off = 0; off < 16; off++) {
                    uint64_t v = 0, got = 0;

                    memcpy(&v, pattern + off, ld->size);
                    if (ld->sign) {
                        v = sext_from(v, ld->size * 8);
                    }
                    if (ld->type == TCG_TYPE_I32) {
                        uint32_t g32;

                        memcpy(&g32, (uint8_t *)cpu->env.scratch + 32 + off * 8, 4);
                        got = g32;
                        v &= 0xffffffff;
                    } else {
                        memcpy(&got, (uint8_t *)cpu->env.scratch + 32 + off * 8, 8);
                    }
                    if (v != got) {
                        failures++;
                        fprintf(stderr, "FAIL %s %s via %s off=%d: got 0x%" PRIx64
                                " want 0x%" PRIx64 "\n", b->name, ld->name,
                                viaptr ? "ptr" : "env", off, got, v);
                    }
                }
            }
        }

        for (size_t si = 0; si < ARRAY_SIZE(st_descs); si++) {
            const StDesc *st = &st_descs[si];

            for (int off = 0; off < 16; off++) {
                TranslationBlock *tb;
                uint64_t val = 0x8877665544332211ull ^ ((uint64_t)off << 56);

                tt_begin(b, off & 1);
                if (st->type == TCG_TYPE_I32) {
                    st->gen32(g_in32[0], off & 2 ? g_ptr2 : tcg_env,
                              (off & 2 ? 0 : TT_ENV_OFS(scratch)) + off);
                } else {
                    st->gen64(g_in64[0], off & 2 ? g_ptr2 : tcg_env,
                              (off & 2 ? 0 : TT_ENV_OFS(scratch)) + off);
                }
                tcg_gen_exit_tb(NULL, 0);
                tb = tt_compile(b);
                memcpy(cpu->env.scratch, pattern, 64);
                cpu->env.r64[0] = val;
                cpu->env.r32[0] = (uint32_t)val;
                cpu->env.ptr[2] = (uintptr_t)cpu->env.scratch;
                tt_run(b, tb, cpu);
                tt_tb_free(tb);
                memcpy(other, pattern, 64);
                memcpy(other + off, &val, st->size);
                if (memcmp(other, cpu->env.scratch, 64)) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s off=%d: memory differs\n", b->name,
                            st->name, off);
                }
            }
        }
    }
    g_free(cpu);
    g_assert_cmpint(failures, ==, 0);
}

/* ---- guest memory through a TLB hit ---- */

#define GUEST_PAGE 0x40000000ull

/* Load/store every MemOp at offsets that stay in the fast path. */
static void test_qemu_ldst_fast(void)
{
    TestCPU *cpu = tt_cpu_new();
    CPUTLBEntry *ent = g_new0(CPUTLBEntry, 1);
    uint8_t *page = g_malloc(2 * TARGET_PAGE_SIZE);
    uint8_t *host = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)page, TARGET_PAGE_SIZE);
    static const unsigned offs[] = { 0, 1, 2, 3, 4, 6, 8, 13, 0xff8, 0xffc, 0xffe, 0xfff };
    const int mmu_idx = 3;
    int failures = 0, checked = 0;

    ent->addr_read = GUEST_PAGE;
    ent->addr_write = GUEST_PAGE;
    ent->addr_code = (uint64_t)-1;
    ent->addend = (uintptr_t)host - GUEST_PAGE;
    cpu->neg.tlb_fast[mmu_idx].mask = 0;
    cpu->neg.tlb_fast[mmu_idx].table = ent;

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);

        for (unsigned mop = 0; mop < 16; mop++) {
            for (int align = 0; align < 2; align++) {
                for (int is64 = 0; is64 < 2; is64++) {
                    MemOp op = (MemOp)(mop | (align ? MO_ALIGN : 0));
                    unsigned size = memop_size(op);

                    if (!is64 && size == 8) {
                        continue;
                    }
                    for (size_t oi = 0; oi < ARRAY_SIZE(offs); oi++) {
                        unsigned off = offs[oi];
                        uint64_t addr = GUEST_PAGE + off;
                        uint64_t want, got, sv = 0xf1e2d3c4b5a69788ull;
                        TranslationBlock *tb;
                        uint8_t expect[16];

                        if (off + size > TARGET_PAGE_SIZE || (align && off % size)) {
                            continue;   /* slow path: no memory behind it here */
                        }
                        /* Load into out, then store in back at off + 16 mod page. */
                        tt_begin(b, true);
                        if (is64) {
                            tcg_gen_qemu_ld_i64(g_out64[0], g_in64[0], mmu_idx, op);
                            tcg_gen_qemu_st_i64(g_in64[2], g_in64[1], mmu_idx, op);
                        } else {
                            tcg_gen_qemu_ld_i32(g_out32[0], g_in64[0], mmu_idx, op);
                            tcg_gen_qemu_st_i32(g_in32[2], g_in64[1], mmu_idx, op);
                        }
                        tcg_gen_exit_tb(NULL, 0);
                        tb = tt_compile(b);
                        for (unsigned i = 0; i < TARGET_PAGE_SIZE; i++) {
                            host[i] = (uint8_t)(i * 7 + 3);
                        }
                        cpu->env.r64[0] = addr;
                        cpu->env.r64[1] = GUEST_PAGE + ((off + 2048) & 0xfff & ~7u);
                        cpu->env.r64[2] = sv;
                        cpu->env.r32[2] = (uint32_t)sv;
                        cpu->env.r64[4] = 0;
                        cpu->env.r32[4] = 0;
                        tt_run(b, tb, cpu);
                        tt_tb_free(tb);

                        want = 0;
                        for (unsigned i = 0; i < size; i++) {
                            uint8_t byte = (uint8_t)((off + i) * 7 + 3);

                            if (op & MO_BSWAP) {
                                want = want << 8 | byte;
                            } else {
                                want |= (uint64_t)byte << (8 * i);
                            }
                        }
                        if ((op & MO_SIGN) && size < 8) {
                            want = sext_from(want, size * 8);
                        }
                        if (is64) {
                            got = cpu->env.r64[4];
                        } else {
                            got = cpu->env.r32[4];
                            want &= 0xffffffff;
                        }
                        for (unsigned i = 0; i < size; i++) {
                            unsigned sh = op & MO_BSWAP ? 8 * (size - 1 - i) : 8 * i;

                            expect[i] = (uint8_t)(sv >> sh);
                        }
                        checked++;
                        if (got != want ||
                            memcmp(host + (cpu->env.r64[1] - GUEST_PAGE), expect, size)) {
                            failures++;
                            fprintf(stderr, "FAIL %s qemu_%s_i%d memop=0x%x off=%u: "
                                    "load got 0x%" PRIx64 " want 0x%" PRIx64 "\n",
                                    b->name, "ld/st", is64 ? 64 : 32, op, off, got, want);
                        }
                    }
                }
            }
        }
    }
    g_assert_cmpint(checked, >, 100);
    g_assert_cmpint(failures, ==, 0);
    g_free(page);
    g_free(ent);
    g_free(cpu);
}

/* ---- control flow: exit_tb, goto_tb, goto_ptr, insn_start, mb ---- */

static void test_control(void)
{
    TestCPU *cpu = tt_cpu_new();

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);
        TranslationBlock *ta, *tbb, *tc;
        TranslationBlock *fake = g_new0(TranslationBlock, 1);

        /* B: r64[1] += 5; exit with (fake | 1). */
        tt_begin(b, true);
        tcg_gen_addi_i64(g_in64[1], g_in64[1], 5);
        tcg_gen_exit_tb(fake, 1);
        tbb = tt_compile(b);

        /* A: r64[0] += 1; goto_tb 0; exit with (fake | 0). */
        tt_begin(b, true);
        tcg_gen_insn_start(0x1000, 0);
        tcg_gen_addi_i64(g_in64[0], g_in64[0], 1);
        tcg_gen_mb(TCG_MO_ALL | TCG_BAR_SC);
        tcg_gen_insn_start(0x1004, 1);
        tcg_gen_goto_tb(0);
        tcg_gen_insn_start(0x1008, 2);
        tcg_gen_exit_tb(fake, 0);
        ta = tt_compile(b);
        g_assert_cmpint(b->s->gen_insn_count, ==, 3);
        g_assert_cmpuint(b->s->gen_insn_data[1][0], ==, 0x1004);
        g_assert_cmpuint(b->s->gen_insn_data[2][1], ==, 2);
        g_assert_cmpuint(b->s->gen_insn_end_off[0], <=, b->s->gen_insn_end_off[1]);
        g_assert_cmpuint(b->s->gen_insn_end_off[1], <=, b->s->gen_insn_end_off[2]);
        g_assert_cmpuint(b->s->gen_insn_end_off[2], <=, ta->tc.size);
        g_assert_cmpuint(ta->jmp_reset_offset[0], !=, TB_JMP_OFFSET_INVALID);
        g_assert_cmpuint(ta->jmp_reset_offset[1], ==, TB_JMP_OFFSET_INVALID);

        if (!strcmp(b->name, "tci")) {
            /* The bytecode listing: one readable line per instruction. */
            char *text = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&text, &len);

            b->be->disas(f, ta->tc.ptr, ta->tc.size);
            fclose(f);
            g_test_message("%s", text);
            g_assert_nonnull(strstr(text, "enter"));
            g_assert_nonnull(strstr(text, "add_i64"));
            g_assert_nonnull(strstr(text, "goto_tb"));
            g_assert_nonnull(strstr(text, "exit_tb"));
            g_assert_null(strstr(text, "??"));
            free(text);
        }

        /* Unchained: falls through to exit_tb. */
        memset(&cpu->env, 0, sizeof(cpu->env));
        g_assert_cmphex(tt_run(b, ta, cpu), ==, (uintptr_t)fake);
        g_assert_cmpuint(cpu->env.r64[0], ==, 1);
        g_assert_cmpuint(cpu->env.r64[1], ==, 0);

        /* Chained to B. */
        b->be->set_jmp_target(ta, 0, (uintptr_t)tbb->tc.ptr);
        g_assert_cmphex(tt_run(b, ta, cpu), ==, (uintptr_t)fake + 1);
        g_assert_cmpuint(cpu->env.r64[0], ==, 2);
        g_assert_cmpuint(cpu->env.r64[1], ==, 5);

        /* Unchained again. */
        b->be->set_jmp_target(ta, 0, (uintptr_t)ta->tc.ptr + ta->jmp_reset_offset[0]);
        g_assert_cmphex(tt_run(b, ta, cpu), ==, (uintptr_t)fake);
        g_assert_cmpuint(cpu->env.r64[0], ==, 3);
        g_assert_cmpuint(cpu->env.r64[1], ==, 5);

        /* C: goto_ptr to env ptr[2]: B's code, or the epilogue (returns 0). */
        tt_begin(b, true);
        {
            TCGv_ptr t = tcg_temp_new_ptr();

            tcg_gen_addi_i64(g_in64[2], g_in64[2], 1);
            tcg_gen_ld_ptr(t, tcg_env, TT_ENV_OFS(ptr[2]));
            tcg_gen_goto_ptr(t);
        }
        tc = tt_compile(b);
        cpu->env.ptr[2] = (uintptr_t)tbb->tc.ptr;
        g_assert_cmphex(tt_run(b, tc, cpu), ==, (uintptr_t)fake + 1);
        g_assert_cmpuint(cpu->env.r64[1], ==, 10);
        g_assert_cmpuint(cpu->env.r64[2], ==, 1);
        cpu->env.ptr[2] = (uintptr_t)b->epilogue;
        g_assert_cmphex(tt_run(b, tc, cpu), ==, 0);
        g_assert_cmpuint(cpu->env.r64[1], ==, 10);
        g_assert_cmpuint(cpu->env.r64[2], ==, 2);

        /* exit_tb 0, and a discarded temp. */
        tt_begin(b, false);
        {
            TCGv_i64 t = tcg_temp_new_i64();

            tcg_gen_movi_i64(t, 7);
            tcg_gen_mov_i64(g_in64[3], t);
            tcg_gen_discard_i64(t);
            tcg_gen_exit_tb(NULL, 0);
        }
        tt_tb_free(tc);
        tc = tt_compile(b);
        g_assert_cmphex(tt_run(b, tc, cpu), ==, 0);
        g_assert_cmpuint(cpu->env.r64[3], ==, 7);

        tt_tb_free(ta);
        tt_tb_free(tbb);
        tt_tb_free(tc);
        g_free(fake);
    }
    g_free(cpu);
}

/*
 * Chaining into a TB with many more temps than the one that jumps there
 * (TCI grows its frame when it enters such a TB, from exec or goto_tb).
 */
static void test_chain_big_frame(void)
{
    enum { NT = 300 };
    TestCPU *cpu = tt_cpu_new();
    uint64_t want = 0, x = 0x1111;

    for (int i = 0; i < NT; i++) {
        x += 0x10203;
        want = ((want << 1) | (want >> 63)) ^ x;
    }
    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);
        TranslationBlock *small, *big;
        TCGv_i64 t[NT], acc;
        int ret;

        tt_begin(b, false);
        for (int i = 0; i < NT; i++) {
            t[i] = tcg_temp_new_i64();
            tcg_gen_add_i64(t[i], i ? t[i - 1] : g_in64[0], g_in64[1]);
        }
        acc = tcg_temp_new_i64();
        tcg_gen_movi_i64(acc, 0);
        for (int i = 0; i < NT; i++) {
            tcg_gen_rotli_i64(acc, acc, 1);
            tcg_gen_xor_i64(acc, acc, t[i]);
        }
        tcg_gen_mov_i64(g_in64[2], acc);
        tcg_gen_exit_tb(NULL, 0);
        big = tt_compile_ret(b, &ret);
        if (!big) {
            g_test_message("%s: %d live temps refused (%d)", b->name, NT, ret);
            g_assert_cmpint(ret, ==, -2);
            continue;
        }

        tt_begin(b, true);
        tcg_gen_addi_i64(g_in64[3], g_in64[3], 1);
        tcg_gen_goto_tb(0);
        tcg_gen_exit_tb(NULL, 0);
        small = tt_compile(b);
        b->be->set_jmp_target(small, 0, (uintptr_t)big->tc.ptr);

        for (int run = 0; run < 2; run++) {
            memset(&cpu->env, 0, sizeof(cpu->env));
            cpu->env.r64[0] = 0x1111;
            cpu->env.r64[1] = 0x10203;
            tt_run(b, run ? big : small, cpu);
            g_assert_cmphex(cpu->env.r64[2], ==, want);
            g_assert_cmpuint(cpu->env.r64[3], ==, !run);
        }
        tt_tb_free(small);
        tt_tb_free(big);
    }
    g_free(cpu);
}

/*
 * A code buffer that runs out while a TB is generated: gen_code returns
 * -1 (the caller flushes and retries) instead of writing past the end.
 */
static void test_overflow(void)
{
    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);
        TranslationBlock *tb = g_new0(TranslationBlock, 1);
        uint8_t *end;
        int ret;

        tt_begin(b, true);
        for (int i = 0; i < 2000; i++) {
            tcg_gen_addi_i64(g_in64[i % 4], g_in64[(i + 1) % 4], 1 + i % 64);
        }
        tcg_gen_exit_tb(NULL, 0);
        g_assert_true(tcg_region_alloc(b->s));
        /* Pretend the buffer ends 512 bytes into this TB. */
        b->s->code_gen_highwater = (uint8_t *)b->s->code_buf + 512;
        ret = tcg_gen_code(b->s, tb);
        end = b->s->code_ptr;
        g_assert_cmpint(ret, ==, -1);
        /* It stopped within one op of the highwater (the margin covers it). */
        g_assert_cmpuint(end - (uint8_t *)b->s->code_buf, <, 512 + 4096);
        g_free(tb);
    }
}

/*
 * Inputs whose result TCG leaves undefined (x / 0, INT_MIN / -1, shift
 * counts >= width): TCI must return something, not trap. Only TCI: on
 * x86 a division by zero traps, and front ends never emit one.
 */
static void test_tci_undefined(void)
{
    static const TCGOpcode ops32[] = {
        INDEX_op_div_i32, INDEX_op_divu_i32, INDEX_op_rem_i32, INDEX_op_remu_i32,
        INDEX_op_shl_i32, INDEX_op_shr_i32, INDEX_op_sar_i32, INDEX_op_rotl_i32,
        INDEX_op_rotr_i32,
    };
    static const TCGOpcode ops64[] = {
        INDEX_op_div_i64, INDEX_op_divu_i64, INDEX_op_rem_i64, INDEX_op_remu_i64,
        INDEX_op_shl_i64, INDEX_op_shr_i64, INDEX_op_sar_i64, INDEX_op_rotl_i64,
        INDEX_op_rotr_i64,
    };
    static const uint64_t pairs[][2] = {
        { 0x80000000, 0xffffffff }, { 0x8000000000000000ull, ~0ull }, { 5, 0 },
        { 0, 0 }, { 1, 32 }, { 1, 64 }, { 1, 200 }, { ~0ull, 0xffffffff },
    };
    TestCPU *cpu = tt_cpu_new();
    bool ran = false;

    for (int bi = 0; bi < tt_nb_backends(); bi++) {
        TTBackend *b = tt_backend(bi);
        TranslationBlock *tb;

        if (strcmp(b->name, "tci")) {
            continue;
        }
        for (int opt = 0; opt < 2; opt++) {
            tt_begin(b, opt);
            for (size_t i = 0; i < ARRAY_SIZE(ops32); i++) {
                TCGOp *op = tcg_emit_op(ops32[i], 3);

                op->args[0] = tcgv_i32_arg(g_out32[0]);
                op->args[1] = tcgv_i32_arg(g_in32[0]);
                op->args[2] = tcgv_i32_arg(g_in32[1]);
                op = tcg_emit_op(ops64[i], 3);
                op->args[0] = tcgv_i64_arg(g_out64[0]);
                op->args[1] = tcgv_i64_arg(g_in64[0]);
                op->args[2] = tcgv_i64_arg(g_in64[1]);
            }
            tcg_gen_exit_tb(NULL, 0);
            tb = tt_compile(b);
            for (size_t p = 0; p < ARRAY_SIZE(pairs); p++) {
                cpu->env.r64[0] = pairs[p][0];
                cpu->env.r64[1] = pairs[p][1];
                cpu->env.r32[0] = (uint32_t)pairs[p][0];
                cpu->env.r32[1] = (uint32_t)pairs[p][1];
                g_assert_cmpuint(tt_run(b, tb, cpu), ==, 0);
                ran = true;
            }
            tt_tb_free(tb);
        }
    }
    if (!ran) {
        g_test_skip("TCI is not among the backends under test");
    }
    g_free(cpu);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tt_init(create_globals);
    build_op_table();
    nb_edge = tt_edge_values(edge, ARRAY_SIZE(edge), 40);
    nb_unary_vals = tt_edge_values(unary_vals, ARRAY_SIZE(unary_vals), 1500);

    for (int i = 0; i < nb_op_table; i++) {
        g_autofree char *path = g_strdup_printf("/tcg-ops/%s", op_table[i].name);

        g_test_add_data_func(path, &op_table[i], test_op);
    }
    g_test_add_func("/tcg-ops/ldst-host", test_ldst_host);
    g_test_add_func("/tcg-ops/qemu-ldst-fast", test_qemu_ldst_fast);
    g_test_add_func("/tcg-ops/control", test_control);
    g_test_add_func("/tcg-ops/chain-big-frame", test_chain_big_frame);
    g_test_add_func("/tcg-ops/overflow", test_overflow);
    g_test_add_func("/tcg-ops/tci-undefined", test_tci_undefined);
    return g_test_run();
}
