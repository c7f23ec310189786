/*
 * translate-sse-inline.c: the commonest SSE instructions of compiled code
 * (moves, logic, integer add/sub/compare/min/max, shifts by an immediate,
 * unpacks, dword/qword shuffles, movmsk) as 64-bit TCG ops on the two
 * halves of env's XMM registers, lanes kept apart with SWAR masks. No
 * helper call, no MXCSR: none of them has a floating-point exception or
 * reads the rounding mode. Everything else runs on the host
 * (translate-sse.c, sse_fast.c).
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/translate-sse-inline.h"

enum { P_NONE, P_66, P_F3, P_F2 };

typedef enum SseInlineOp {
    SI_NONE,
    SI_MOV,         /* dst = src */
    SI_MOV_ST,      /* rm = reg (store forms, register destination) */
    SI_MOVSS, SI_MOVSD, SI_MOVSS_ST, SI_MOVSD_ST,
    SI_MOVHLPS, SI_MOVLHPS,
    SI_MOVQ_ZX,     /* F3 0F 7E: low quadword, high zeroed */
    SI_MOVQ_ST,     /* 66 0F D6 register form */
    SI_MOVD_TO,     /* 66 0F 6E: from a GPR or memory */
    SI_MOVD_FROM,   /* 66 0F 7E register form: to a GPR */
    SI_AND, SI_ANDN, SI_OR, SI_XOR,
    SI_ADD, SI_SUB, SI_CMPEQ, SI_CMPGT,     /* lane width in w; gt is signed */
    SI_SHL, SI_SHR, SI_SAR,     /* by imm, lane width in w */
    SI_SLLDQ, SI_SRLDQ,
    SI_MIN, SI_MAX,             /* lane width in w; signed for 16-bit lanes */
    SI_UNPCKL, SI_UNPCKH,       /* lane width in w (8, 16, 32) */
    SI_UNPCKLQDQ, SI_UNPCKHQDQ,
    SI_PSHUFD, SI_PSHUFLW, SI_PSHUFHW, SI_SHUFPS, SI_SHUFPD,
    SI_MOVMSKPS, SI_MOVMSKPD, SI_PMOVMSKB,
} SseInlineOp;

/* Which inlined operation insn is, and its lane width in bits. */
static SseInlineOp sse_inline_classify(const SseInlineInsn *i, int *w)
{
    int op = i->op, pfx = i->pfx;
    bool m3 = i->mod == 3, ps = pfx <= P_66, dq = pfx == P_66 || pfx == P_F3;

    *w = 64;
    switch (op) {
    case 0x10:
        return ps ? SI_MOV : !m3 ? SI_NONE : pfx == P_F3 ? SI_MOVSS : SI_MOVSD;
    case 0x11:
        return !m3 ? SI_NONE : ps ? SI_MOV_ST : pfx == P_F3 ? SI_MOVSS_ST : SI_MOVSD_ST;
    case 0x28:
        return ps ? SI_MOV : SI_NONE;
    case 0x29:
        return ps && m3 ? SI_MOV_ST : SI_NONE;
    case 0x6f:
        return dq ? SI_MOV : SI_NONE;
    case 0x7f:
        return dq && m3 ? SI_MOV_ST : SI_NONE;
    case 0x12:
        return pfx == P_NONE && m3 ? SI_MOVHLPS : SI_NONE;
    case 0x16:
        return pfx == P_NONE && m3 ? SI_MOVLHPS : SI_NONE;
    case 0x14:
        *w = 32;
        return pfx == P_NONE ? SI_UNPCKL : pfx == P_66 ? SI_UNPCKLQDQ : SI_NONE;
    case 0x15:
        *w = 32;
        return pfx == P_NONE ? SI_UNPCKH : pfx == P_66 ? SI_UNPCKHQDQ : SI_NONE;
    case 0x50:
        return pfx == P_NONE ? SI_MOVMSKPS : pfx == P_66 ? SI_MOVMSKPD : SI_NONE;
    case 0x54: case 0x55: case 0x56: case 0x57:
        return !ps ? SI_NONE : SI_AND + (op - 0x54);
    case 0xc6:
        return pfx == P_NONE ? SI_SHUFPS : pfx == P_66 ? SI_SHUFPD : SI_NONE;
    case 0x7e:
        return pfx == P_F3 ? SI_MOVQ_ZX : pfx == P_66 && m3 ? SI_MOVD_FROM : SI_NONE;
    case 0x70:
        return pfx == P_66 ? SI_PSHUFD : pfx == P_F2 ? SI_PSHUFLW :
               pfx == P_F3 ? SI_PSHUFHW : SI_NONE;
    }
    if (pfx != P_66) {
        return SI_NONE;
    }
    switch (op) {
    case 0xdb:
        return SI_AND;
    case 0xdf:
        return SI_ANDN;
    case 0xeb:
        return SI_OR;
    case 0xef:
        return SI_XOR;
    case 0xfc: case 0xfd: case 0xfe:
        *w = 8 << (op - 0xfc);
        return SI_ADD;
    case 0xd4:
        return SI_ADD;
    case 0xf8: case 0xf9: case 0xfa:
        *w = 8 << (op - 0xf8);
        return SI_SUB;
    case 0xfb:
        return SI_SUB;
    case 0x74: case 0x75: case 0x76:
        *w = 8 << (op - 0x74);
        return SI_CMPEQ;
    case 0x64: case 0x65: case 0x66:
        *w = 8 << (op - 0x64);
        return SI_CMPGT;
    case 0x60: case 0x61: case 0x62:
        *w = 8 << (op - 0x60);
        return SI_UNPCKL;
    case 0x68: case 0x69: case 0x6a:
        *w = 8 << (op - 0x68);
        return SI_UNPCKH;
    case 0xda: case 0xde:
        *w = 8;
        return op == 0xda ? SI_MIN : SI_MAX;
    case 0xea: case 0xee:
        *w = 16;
        return op == 0xea ? SI_MIN : SI_MAX;
    case 0x6c:
        return SI_UNPCKLQDQ;
    case 0x6d:
        return SI_UNPCKHQDQ;
    case 0x6e:
        return SI_MOVD_TO;
    case 0xd6:
        return m3 ? SI_MOVQ_ST : SI_NONE;
    case 0xd7:
        return m3 ? SI_PMOVMSKB : SI_NONE;
    case 0x71: case 0x72: case 0x73:
        *w = op == 0x71 ? 16 : op == 0x72 ? 32 : 64;
        switch (i->group) {
        case 2:
            return SI_SHR;
        case 4:
            return op == 0x73 ? SI_NONE : SI_SAR;
        case 6:
            return SI_SHL;
        case 3:
            return op == 0x73 ? SI_SRLDQ : SI_NONE;
        case 7:
            return op == 0x73 ? SI_SLLDQ : SI_NONE;
        }
        return SI_NONE;
    }
    return SI_NONE;
}

static size_t sse_inline_ofs(int reg, int half)
{
    return offsetof(CPUX86State, xmm_regs[reg].q[half]);
}

static TCGv sse_inline_ld(int reg, int half)
{
    TCGv t = tcg_temp_ebb_new_i64();

    tcg_gen_ld_i64(t, tcg_env, sse_inline_ofs(reg, half));
    return t;
}

static void sse_inline_st(TCGv v, int reg, int half)
{
    tcg_gen_st_i64(v, tcg_env, sse_inline_ofs(reg, half));
}

static TCGv sse_inline_tmp(void)
{
    return tcg_temp_ebb_new_i64();
}

/* v replicated into every w-bit lane of 64 bits. */
static uint64_t sse_rep(int w, uint64_t v)
{
    uint64_t r = 0;

    for (int i = 0; i < 64; i += w) {
        r |= v << i;
    }
    return r;
}

static uint64_t sse_lane_max(int w)
{
    return w == 64 ? ~0ull : (1ull << w) - 1;
}

/*
 * Lane-wise add/sub: the lanes' top bits are set aside so that no carry
 * or borrow crosses into the next lane, then put back by xor.
 */
static void sse_gen_addsub(TCGv r, TCGv a, TCGv b, int w, bool sub)
{
    TCGv t = sse_inline_tmp(), u = sse_inline_tmp();
    uint64_t h = sse_rep(w, 1ull << (w - 1));

    if (w == 64) {
        (sub ? tcg_gen_sub_i64 : tcg_gen_add_i64)(r, a, b);
        return;
    }
    tcg_gen_andi_i64(u, b, ~h);
    if (sub) {
        /* ((a | H) - (b & ~H)) ^ ((a ^ ~b) & H) */
        tcg_gen_ori_i64(t, a, h);
        tcg_gen_sub_i64(t, t, u);
        tcg_gen_eqv_i64(u, a, b);
    } else {
        /* ((a & ~H) + (b & ~H)) ^ ((a ^ b) & H) */
        tcg_gen_andi_i64(t, a, ~h);
        tcg_gen_add_i64(t, t, u);
        tcg_gen_xor_i64(u, a, b);
    }
    tcg_gen_andi_i64(u, u, h);
    tcg_gen_xor_i64(r, t, u);
}

/* Lane-wise compare-equal: all ones where the lanes are equal. */
static void sse_gen_cmpeq(TCGv r, TCGv a, TCGv b, int w)
{
    TCGv x = sse_inline_tmp(), t = sse_inline_tmp();
    uint64_t h = sse_rep(w, 1ull << (w - 1));

    if (w == 64) {
        tcg_gen_negsetcond_i64(TCG_COND_EQ, r, a, b);
        return;
    }
    /* Top bit of each lane of t: the lane of x = a ^ b is not zero. */
    tcg_gen_xor_i64(x, a, b);
    tcg_gen_andi_i64(t, x, ~h);
    tcg_gen_addi_i64(t, t, ~h);
    tcg_gen_or_i64(t, t, x);
    tcg_gen_andi_i64(t, t, h);
    /* Spread to the whole lane (no carries: each lane holds 0 or 1), invert. */
    tcg_gen_shri_i64(t, t, w - 1);
    tcg_gen_muli_i64(t, t, sse_lane_max(w));
    tcg_gen_not_i64(r, t);
}

/* Lane-wise shifts by an immediate count n (SDM: counts above the width). */
static void sse_gen_shift(TCGv r, TCGv a, int w, int n, SseInlineOp kind)
{
    TCGv t = sse_inline_tmp();

    if (kind != SI_SAR && n >= w) {
        tcg_gen_movi_i64(r, 0);
        return;
    }
    if (kind == SI_SAR && n >= w) {
        n = w - 1;
    }
    if (n == 0) {
        tcg_gen_mov_i64(r, a);
        return;
    }
    switch (kind) {
    case SI_SHL:
        tcg_gen_shli_i64(r, a, n);
        if (w < 64) {
            tcg_gen_andi_i64(r, r, sse_rep(w, (sse_lane_max(w) << n) & sse_lane_max(w)));
        }
        break;
    case SI_SHR:
        tcg_gen_shri_i64(r, a, n);
        if (w < 64) {
            tcg_gen_andi_i64(r, r, sse_rep(w, sse_lane_max(w) >> n));
        }
        break;
    default:
        if (w == 32) {
            /* The high lane by a 64-bit sar, the low one sign-extended first. */
            tcg_gen_sextract_i64(t, a, 0, 32);
            tcg_gen_sari_i64(t, t, n);
            tcg_gen_sari_i64(r, a, n);
            tcg_gen_deposit_i64(r, r, t, 0, 32);
        } else {
            /* 16-bit lanes: logical shift, then the sign bits times the fill. */
            TCGv s = sse_inline_tmp();

            tcg_gen_shri_i64(s, a, w - 1);
            tcg_gen_andi_i64(s, s, sse_rep(w, 1));
            tcg_gen_muli_i64(s, s, (sse_lane_max(n) << (w - n)) & sse_lane_max(w));
            tcg_gen_shri_i64(t, a, n);
            tcg_gen_andi_i64(t, t, sse_rep(w, sse_lane_max(w) >> n));
            tcg_gen_or_i64(r, t, s);
        }
        break;
    }
}

/* pslldq/psrldq: the 128-bit value lo:hi shifted by n bytes. */
static void sse_gen_shift128(TCGv rl, TCGv rh, TCGv lo, TCGv hi, int n, bool left)
{
    int b = (n > 16 ? 16 : n) * 8;
    TCGv t = sse_inline_tmp();

    if (b == 0) {
        tcg_gen_mov_i64(rl, lo);
        tcg_gen_mov_i64(rh, hi);
    } else if (b >= 128) {
        tcg_gen_movi_i64(rl, 0);
        tcg_gen_movi_i64(rh, 0);
    } else if (b >= 64) {
        if (left) {
            tcg_gen_shli_i64(rh, lo, b - 64);
            tcg_gen_movi_i64(rl, 0);
        } else {
            tcg_gen_shri_i64(rl, hi, b - 64);
            tcg_gen_movi_i64(rh, 0);
        }
    } else if (left) {
        tcg_gen_shri_i64(t, lo, 64 - b);
        tcg_gen_shli_i64(rh, hi, b);
        tcg_gen_or_i64(rh, rh, t);
        tcg_gen_shli_i64(rl, lo, b);
    } else {
        tcg_gen_shli_i64(t, hi, 64 - b);
        tcg_gen_shri_i64(rl, lo, b);
        tcg_gen_or_i64(rl, rl, t);
        tcg_gen_shri_i64(rh, hi, b);
    }
}

/*
 * All ones in the w-bit lanes where a < b, signed or unsigned (signed:
 * compared unsigned with the sign bits flipped). The top bit of each lane
 * of the borrow term is the borrow out of a - b, i.e. a < b.
 */
static void sse_gen_ltmask(TCGv lt, TCGv a, TCGv b, int w, bool sign)
{
    uint64_t h = sse_rep(w, 1ull << (w - 1));
    TCGv x = sse_inline_tmp(), y = sse_inline_tmp(), d = sse_inline_tmp();
    TCGv t = sse_inline_tmp();

    if (sign) {
        tcg_gen_xori_i64(x, a, h);
        tcg_gen_xori_i64(y, b, h);
    } else {
        tcg_gen_mov_i64(x, a);
        tcg_gen_mov_i64(y, b);
    }
    sse_gen_addsub(d, x, y, w, true);
    /* (~x & y) | (~(x ^ y) & d) */
    tcg_gen_andc_i64(lt, y, x);
    tcg_gen_eqv_i64(t, x, y);
    tcg_gen_and_i64(t, t, d);
    tcg_gen_or_i64(lt, lt, t);
    tcg_gen_andi_i64(lt, lt, h);
    tcg_gen_shri_i64(lt, lt, w - 1);
    tcg_gen_muli_i64(lt, lt, sse_lane_max(w));
}

/* pminub/pmaxub (unsigned bytes), pminsw/pmaxsw (signed words). */
static void sse_gen_minmax(TCGv r, TCGv a, TCGv b, int w, bool max)
{
    TCGv lt = sse_inline_tmp(), t = sse_inline_tmp();

    sse_gen_ltmask(lt, a, b, w, w == 16);
    if (max) {
        tcg_gen_and_i64(t, b, lt);
        tcg_gen_andc_i64(r, a, lt);
    } else {
        tcg_gen_and_i64(t, a, lt);
        tcg_gen_andc_i64(r, b, lt);
    }
    tcg_gen_or_i64(r, r, t);
}

/*
 * The w-bit lanes of the low (high32 false) or high 32 bits of v, each
 * moved to the bottom of a 2w-bit slot: unpacking interleaves two such.
 */
static void sse_gen_spread(TCGv r, TCGv v, bool high32, int w)
{
    TCGv t = sse_inline_tmp();

    if (high32) {
        tcg_gen_shri_i64(r, v, 32);
    } else {
        tcg_gen_ext32u_i64(r, v);
    }
    if (w <= 16) {
        tcg_gen_shli_i64(t, r, 16);
        tcg_gen_or_i64(r, r, t);
        tcg_gen_andi_i64(r, r, 0x0000ffff0000ffffull);
    }
    if (w == 8) {
        tcg_gen_shli_i64(t, r, 8);
        tcg_gen_or_i64(r, r, t);
        tcg_gen_andi_i64(r, r, 0x00ff00ff00ff00ffull);
    }
}

/* punpckl/h: lanes of a and b (32 bits of each, low or high) interleaved. */
static void sse_gen_unpack(TCGv r, TCGv a, TCGv b, bool high32, int w)
{
    TCGv t = sse_inline_tmp();

    sse_gen_spread(r, a, high32, w);
    sse_gen_spread(t, b, high32, w);
    tcg_gen_shli_i64(t, t, w);
    tcg_gen_or_i64(r, r, t);
}

/* Lane k (of width w) of the 128-bit value lo:hi, zero-extended. */
static void sse_gen_lane(TCGv r, TCGv lo, TCGv hi, int k, int w)
{
    int per = 64 / w;

    tcg_gen_extract_i64(r, k < per ? lo : hi, (k % per) * w, w);
}

/* Two 32-bit lanes of the result: low from a:ah lane i, high from b:bh lane j. */
static void sse_gen_pair32(TCGv r, TCGv a, TCGv ah, int i, TCGv b, TCGv bh, int j)
{
    TCGv t = sse_inline_tmp();

    sse_gen_lane(r, a, ah, i, 32);
    sse_gen_lane(t, b, bh, j, 32);
    tcg_gen_deposit_i64(r, r, t, 32, 32);
}

/* Four 16-bit lanes of v picked by imm (pshuflw/pshufhw). */
static void sse_gen_shuf16(TCGv r, TCGv v, int imm)
{
    TCGv t = sse_inline_tmp(), acc = sse_inline_tmp();

    tcg_gen_extract_i64(acc, v, (imm & 3) * 16, 16);
    for (int k = 1; k < 4; k++) {
        tcg_gen_extract_i64(t, v, ((imm >> (2 * k)) & 3) * 16, 16);
        tcg_gen_deposit_i64(acc, acc, t, 16 * k, 16);
    }
    tcg_gen_mov_i64(r, acc);
}

/* The sign bits of the w-bit lanes of v (w = 32 or 64), gathered at the bottom. */
static void sse_gen_signs(TCGv r, TCGv v, int w)
{
    TCGv t = sse_inline_tmp();

    if (w == 64) {
        tcg_gen_shri_i64(r, v, 63);
        return;
    }
    tcg_gen_shri_i64(r, v, 31);
    tcg_gen_andi_i64(r, r, 1);
    tcg_gen_shri_i64(t, v, 62);
    tcg_gen_andi_i64(t, t, 2);
    tcg_gen_or_i64(r, r, t);
}

/* pmovmskb of one half: byte i's top bit to bit i (the products do not overlap). */
static void sse_gen_bytesigns(TCGv r, TCGv v)
{
    tcg_gen_shri_i64(r, v, 7);
    tcg_gen_andi_i64(r, r, 0x0101010101010101ull);
    tcg_gen_muli_i64(r, r, 0x0102040810204080ull);
    tcg_gen_shri_i64(r, r, 56);
}

bool sse_gen_inline(DisasContext *s, const SseInlineInsn *i)
{
    int w, dst = i->reg, src = i->rm;
    SseInlineOp kind = sse_inline_classify(i, &w);
    TCGv sl, sh, dl, dh, rl, rh;

    if (kind == SI_NONE) {
        return false;
    }
    if (kind == SI_MOV_ST || kind == SI_MOVSS_ST || kind == SI_MOVSD_ST || kind == SI_MOVQ_ST) {
        dst = i->rm, src = i->reg;
    }
    if (i->group >= 0) {
        src = dst;      /* the shifted register is both */
    }
    if (i->mod == 3 || i->group >= 0) {
        sl = sse_inline_ld(src, 0);
        sh = sse_inline_ld(src, 1);
    } else {
        sl = i->lo;
        sh = i->hi;
    }
    dl = sse_inline_ld(dst, 0);
    dh = sse_inline_ld(dst, 1);
    rl = sse_inline_tmp();
    rh = sse_inline_tmp();
    /* Everything is read above: dst and src may be the same register. */
    tcg_gen_mov_i64(rl, dl);
    tcg_gen_mov_i64(rh, dh);

    switch (kind) {
    case SI_MOV:
    case SI_MOV_ST:
        tcg_gen_mov_i64(rl, sl);
        tcg_gen_mov_i64(rh, sh);
        break;
    case SI_MOVSS:
    case SI_MOVSS_ST:
        tcg_gen_deposit_i64(rl, dl, sl, 0, 32);
        break;
    case SI_MOVSD:
    case SI_MOVSD_ST:
        tcg_gen_mov_i64(rl, sl);
        break;
    case SI_MOVHLPS:
        tcg_gen_mov_i64(rl, sh);
        break;
    case SI_MOVLHPS:
        tcg_gen_mov_i64(rh, sl);
        break;
    case SI_MOVQ_ZX:
    case SI_MOVQ_ST:
        tcg_gen_mov_i64(rl, sl);
        tcg_gen_movi_i64(rh, 0);
        break;
    case SI_MOVD_TO:
        if (i->mod == 3) {
            gen_op_mov_v_reg(s, i->rex_w ? MO_64 : MO_32, rl, i->rm);
        } else {
            tcg_gen_mov_i64(rl, sl);
        }
        if (!i->rex_w) {
            tcg_gen_ext32u_i64(rl, rl);
        }
        tcg_gen_movi_i64(rh, 0);
        break;
    case SI_MOVD_FROM:
        /* A 32-bit GPR write zero-extends, as the host's would. */
        if (i->rex_w) {
            tcg_gen_mov_i64(cpu_regs[i->rm], dl);
        } else {
            tcg_gen_ext32u_i64(cpu_regs[i->rm], dl);
        }
        return true;
    case SI_AND:
        tcg_gen_and_i64(rl, dl, sl);
        tcg_gen_and_i64(rh, dh, sh);
        break;
    case SI_ANDN:
        tcg_gen_andc_i64(rl, sl, dl);
        tcg_gen_andc_i64(rh, sh, dh);
        break;
    case SI_OR:
        tcg_gen_or_i64(rl, dl, sl);
        tcg_gen_or_i64(rh, dh, sh);
        break;
    case SI_XOR:
        tcg_gen_xor_i64(rl, dl, sl);
        tcg_gen_xor_i64(rh, dh, sh);
        break;
    case SI_ADD:
    case SI_SUB:
        sse_gen_addsub(rl, dl, sl, w, kind == SI_SUB);
        sse_gen_addsub(rh, dh, sh, w, kind == SI_SUB);
        break;
    case SI_CMPEQ:
        sse_gen_cmpeq(rl, dl, sl, w);
        sse_gen_cmpeq(rh, dh, sh, w);
        break;
    case SI_CMPGT:
        sse_gen_ltmask(rl, sl, dl, w, true);
        sse_gen_ltmask(rh, sh, dh, w, true);
        break;
    case SI_SHL:
    case SI_SHR:
    case SI_SAR:
        sse_gen_shift(rl, dl, w, i->imm, kind);
        sse_gen_shift(rh, dh, w, i->imm, kind);
        break;
    case SI_SLLDQ:
    case SI_SRLDQ:
        sse_gen_shift128(rl, rh, dl, dh, i->imm, kind == SI_SLLDQ);
        break;
    case SI_MIN:
    case SI_MAX:
        sse_gen_minmax(rl, dl, sl, w, kind == SI_MAX);
        sse_gen_minmax(rh, dh, sh, w, kind == SI_MAX);
        break;
    case SI_UNPCKL:
        sse_gen_unpack(rl, dl, sl, false, w);
        sse_gen_unpack(rh, dl, sl, true, w);
        break;
    case SI_UNPCKH:
        sse_gen_unpack(rl, dh, sh, false, w);
        sse_gen_unpack(rh, dh, sh, true, w);
        break;
    case SI_UNPCKLQDQ:
        tcg_gen_mov_i64(rh, sl);
        break;
    case SI_UNPCKHQDQ:
        tcg_gen_mov_i64(rl, dh);
        tcg_gen_mov_i64(rh, sh);
        break;
    case SI_PSHUFD:
        sse_gen_pair32(rl, sl, sh, i->imm & 3, sl, sh, (i->imm >> 2) & 3);
        sse_gen_pair32(rh, sl, sh, (i->imm >> 4) & 3, sl, sh, (i->imm >> 6) & 3);
        break;
    case SI_SHUFPS:
        sse_gen_pair32(rl, dl, dh, i->imm & 3, dl, dh, (i->imm >> 2) & 3);
        sse_gen_pair32(rh, sl, sh, (i->imm >> 4) & 3, sl, sh, (i->imm >> 6) & 3);
        break;
    case SI_SHUFPD:
        tcg_gen_mov_i64(rl, (i->imm & 1) ? dh : dl);
        tcg_gen_mov_i64(rh, (i->imm & 2) ? sh : sl);
        break;
    case SI_PSHUFLW:
        sse_gen_shuf16(rl, sl, i->imm);
        tcg_gen_mov_i64(rh, sh);
        break;
    case SI_PSHUFHW:
        tcg_gen_mov_i64(rl, sl);
        sse_gen_shuf16(rh, sh, i->imm);
        break;
    case SI_MOVMSKPS:
    case SI_MOVMSKPD:
    case SI_PMOVMSKB:
        /* reg is a GPR here: the mask of the r/m XMM register, zero-extended. */
        if (kind == SI_PMOVMSKB) {
            sse_gen_bytesigns(rl, sl);
            sse_gen_bytesigns(rh, sh);
            tcg_gen_shli_i64(rh, rh, 8);
        } else {
            w = kind == SI_MOVMSKPS ? 32 : 64;
            sse_gen_signs(rl, sl, w);
            sse_gen_signs(rh, sh, w);
            tcg_gen_shli_i64(rh, rh, 64 / w);
        }
        tcg_gen_or_i64(cpu_regs[i->reg], rl, rh);
        return true;
    case SI_NONE:
        return false;   /* not reached: refused above */
    }
    sse_inline_st(rl, dst, 0);
    sse_inline_st(rh, dst, 1);
    return true;
}
