/*
 * translate-sse.c: decoding of the MMX and SSE..SSE4.2 instructions of
 * the 0F, 0F 38 and 0F 3A maps (and CRC32). Each instruction is
 * classified (operand kinds, memory size, alignment, immediate, what it
 * writes); memory operands are loaded/stored here with qemu_ld/st, and
 * the operation runs inline (translate-sse-inline.c), in a floating-point
 * helper (sse_fp.c) or as the same instruction on the host (sse_fast.c,
 * sse_helper.c); docs/devel/tcg-x86-sse.md says which and why. Not here:
 * x87, 0F AE, AVX.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate.h"
#include "target/i386/tcg/sse-stub.h"
#include "target/i386/tcg/sse_fast.h"
#include "target/i386/tcg/translate-sse.h"
#include "target/i386/tcg/translate-sse-inline.h"

/* Mandatory-prefix classes. */
enum { SSE_P_NONE, SSE_P_66, SSE_P_F3, SSE_P_F2 };

/* How one instruction is executed. */
typedef struct SseDesc {
    int regk, rmk;      /* SSE_K_* of ModRM.reg and of a register r/m */
    int memsz;          /* bytes read (or written) by a memory r/m; 0: no memory form */
    bool regonly_ud;    /* the register form is #UD */
    bool align;         /* 16-byte memory operand must be aligned (#GP) */
    bool imm;           /* imm8 follows */
    bool store;         /* the r/m operand is the destination */
    bool mmx;           /* touches MMX state (x87 tags) */
    bool nostate;       /* no SSE/MMX state (CRC32): no CR0/CR4 checks */
    int out;            /* SSE_OUT_* */
    int memkind;        /* special memory loads: see SSE_ML_* */
    bool storehi;       /* movhps/movhpd store: the high quadword */
} SseDesc;

/*
 * Memory forms done here: ZEXT movss/movsd m (upper bits zeroed), LOW/HIGH
 * movlps/movhps m64 (one half), FULL lddqu/movntdqa (no register form:
 * the host would #UD on it). SPLAT32: insertps m32 in every lane.
 */
enum { SSE_ML_PLAIN, SSE_ML_ZEXT, SSE_ML_LOW, SSE_ML_HIGH, SSE_ML_FULL, SSE_ML_SPLAT32 };

static bool sse_host_ok(int level)
{
    /*
     * 1: SSE3, 2: SSSE3, 3: SSE4.1, 4: SSE4.2 (x86-64 implies SSE2). Not
     * cached: translation runs on several threads, and libgcc's data
     * behind __builtin_cpu_supports is set up before main.
     */
    int have = __builtin_cpu_supports("sse4.2") ? 4 : __builtin_cpu_supports("sse4.1") ? 3 :
               __builtin_cpu_supports("ssse3") ? 2 : __builtin_cpu_supports("sse3") ? 1 : 0;

    return level <= have;
}

static size_t sse_xmm_ofs(int reg, int half)
{
    return offsetof(CPUX86State, xmm_regs[reg].q[half]);
}

/* Fill d for an "op mm/xmm, mm/xmm/m" of the integer ranges (MMX without prefix). */
static bool sse_int_op(SseDesc *d, int pfx)
{
    if (pfx == SSE_P_NONE) {
        d->regk = d->rmk = SSE_K_MM;
        d->memsz = 8;
        d->mmx = true;
        return true;
    }
    if (pfx == SSE_P_66) {
        d->memsz = 16;
        d->align = true;
        return true;
    }
    return false;
}

/* Classify 0F op under prefix class pfx; false: not an instruction of this file. */
static bool sse_classify_0f(DisasContext *s, int op, int pfx, SseDesc *d)
{
    bool scalar_s = pfx == SSE_P_F3, scalar_d = pfx == SSE_P_F2;
    int ps_size = scalar_s ? 4 : scalar_d ? 8 : 16;

    switch (op) {
    case 0x10: case 0x11: /* movups/movupd/movss/movsd */
        d->memsz = ps_size;
        d->store = op == 0x11;
        d->memkind = (pfx >= SSE_P_F3 && !d->store) ? SSE_ML_ZEXT : SSE_ML_PLAIN;
        return true;
    case 0x12: case 0x16: /* movlps/movhlps, movlpd, movsldup, movddup / movhps.. */
        if (pfx == SSE_P_F3) {
            d->memsz = 16, d->align = true;
        } else if (pfx == SSE_P_F2) {
            if (op == 0x16) {
                return false;
            }
            d->memsz = 8;
        } else {
            d->memsz = 8;
            d->memkind = op == 0x12 ? SSE_ML_LOW : SSE_ML_HIGH;
            d->regonly_ud = pfx == SSE_P_66;
        }
        return pfx < SSE_P_F3 || sse_host_ok(1);
    case 0x13: case 0x17: /* movlps/movhps m64, xmm */
        if (pfx >= SSE_P_F3) {
            return false;
        }
        d->memsz = 8;
        d->store = true;
        d->regonly_ud = true;
        d->storehi = op == 0x17;
        return true;
    case 0x14: case 0x15: /* unpcklps/unpckhps(pd) */
        if (pfx >= SSE_P_F3) {
            return false;
        }
        d->memsz = 16, d->align = true;
        return true;
    case 0x28: case 0x29: case 0x2b: /* movaps/movapd, movntps/pd */
        if (pfx >= SSE_P_F3) {
            return false;
        }
        d->memsz = 16, d->align = true;
        d->store = op != 0x28;
        d->regonly_ud = op == 0x2b;
        return true;
    case 0x2a: /* cvtpi2ps/pd, cvtsi2ss/sd */
        if (pfx < SSE_P_F3) {
            d->rmk = SSE_K_MM, d->memsz = 8, d->mmx = true;
            /* cvtpi2pd with a memory operand does not touch MMX state: close enough */
        } else {
            d->rmk = SSE_K_GPR, d->memsz = s->rex_w ? 8 : 4;
        }
        return true;
    case 0x2c: case 0x2d: /* cvt(t)ps2pi/pd2pi, cvt(t)ss2si/sd2si */
        if (pfx < SSE_P_F3) {
            d->regk = SSE_K_MM, d->mmx = true;
            d->memsz = pfx == SSE_P_66 ? 16 : 8;
            d->align = pfx == SSE_P_66;
        } else {
            d->regk = SSE_K_GPR;
            d->memsz = ps_size;
        }
        return true;
    case 0x2e: case 0x2f: /* ucomis/comis */
        if (pfx >= SSE_P_F3) {
            return false;
        }
        d->memsz = pfx == SSE_P_66 ? 8 : 4;
        d->out = SSE_OUT_FLAGS;
        return true;
    case 0x50: /* movmskps/pd */
        if (pfx >= SSE_P_F3) {
            return false;
        }
        d->regk = SSE_K_GPR;
        return true;
    case 0x51 ... 0x5f:
        if ((op == 0x52 || op == 0x53) && (pfx == SSE_P_66 || pfx == SSE_P_F2)) {
            return false;
        }
        if (op >= 0x54 && op <= 0x57 && pfx >= SSE_P_F3) {
            return false;
        }
        d->memsz = ps_size;
        if (op == 0x5a && pfx == SSE_P_NONE) {
            d->memsz = 8;
        } else if (op == 0x5b) {
            if (pfx == SSE_P_F2) {
                return false;
            }
            d->memsz = 16;
        }
        d->align = d->memsz == 16;
        return true;
    case 0x60 ... 0x6b: case 0x74 ... 0x76:
    case 0xd1 ... 0xd5: case 0xd8 ... 0xdf:
    case 0xe0 ... 0xe5: case 0xe8 ... 0xef:
    case 0xf1 ... 0xf6: case 0xf8 ... 0xfe:
        return sse_int_op(d, pfx);
    case 0x6c: case 0x6d: /* punpckl/hqdq */
        return pfx == SSE_P_66 && sse_int_op(d, pfx);
    case 0x6e: /* movd/movq mm/xmm, r/m */
        if (!sse_int_op(d, pfx)) {
            return false;
        }
        d->rmk = SSE_K_GPR;
        d->align = false;
        d->memsz = s->rex_w ? 8 : 4;
        return true;
    case 0x7e:
        if (pfx == SSE_P_F3) { /* movq xmm, xmm/m64 */
            d->memsz = 8;
            return true;
        }
        if (!sse_int_op(d, pfx)) {
            return false;
        }
        d->rmk = SSE_K_GPR;
        d->align = false;
        d->memsz = s->rex_w ? 8 : 4;
        d->store = true;
        return true;
    case 0x6f: case 0x7f: /* movq mm, movdqa, movdqu */
        if (pfx == SSE_P_F3) {
            d->memsz = 16;
        } else if (!sse_int_op(d, pfx)) {
            return false;
        }
        d->store = op == 0x7f;
        return true;
    case 0x70: /* pshufw/pshufd/pshufhw/pshuflw */
        if (pfx >= SSE_P_F3) {
            d->memsz = 16, d->align = true;
        } else {
            sse_int_op(d, pfx);
        }
        d->imm = true;
        return true;
    case 0x71: case 0x72: case 0x73: /* shift groups: handled by the caller */
        return sse_int_op(d, pfx);
    case 0x7c: case 0x7d: /* haddpd/ps, hsubpd/ps */
        if (pfx != SSE_P_66 && pfx != SSE_P_F2) {
            return false;
        }
        d->memsz = 16, d->align = true;
        return sse_host_ok(1);
    case 0xc2: /* cmpps.. */
        d->memsz = ps_size, d->align = ps_size == 16;
        d->imm = true;
        return true;
    case 0xc4: /* pinsrw */
        if (!sse_int_op(d, pfx)) {
            return false;
        }
        d->rmk = SSE_K_GPR, d->memsz = 2, d->align = false;
        d->imm = true;
        return true;
    case 0xc5: /* pextrw r32, mm/xmm */
        if (!sse_int_op(d, pfx)) {
            return false;
        }
        d->regk = SSE_K_GPR, d->memsz = 0;
        d->imm = true;
        return true;
    case 0xc6: /* shufps/pd */
        if (pfx >= SSE_P_F3) {
            return false;
        }
        d->memsz = 16, d->align = true;
        d->imm = true;
        return true;
    case 0xd0: /* addsubpd/ps */
        if (pfx != SSE_P_66 && pfx != SSE_P_F2) {
            return false;
        }
        d->memsz = 16, d->align = true;
        return sse_host_ok(1);
    case 0xd6:
        if (pfx == SSE_P_66) { /* movq xmm/m64, xmm */
            d->memsz = 8;
            d->store = true;
            return true;
        }
        if (pfx == SSE_P_F3) { /* movq2dq xmm, mm */
            d->rmk = SSE_K_MM, d->mmx = true;
            return true;
        }
        if (pfx == SSE_P_F2) { /* movdq2q mm, xmm */
            d->regk = SSE_K_MM, d->mmx = true;
            return true;
        }
        return false;
    case 0xd7: /* pmovmskb */
        if (!sse_int_op(d, pfx)) {
            return false;
        }
        d->regk = SSE_K_GPR, d->memsz = 0;
        return true;
    case 0xe6: /* cvttpd2dq, cvtdq2pd, cvtpd2dq */
        if (pfx == SSE_P_NONE) {
            return false;
        }
        d->memsz = pfx == SSE_P_F3 ? 8 : 16;
        d->align = d->memsz == 16;
        return true;
    case 0xe7: /* movntq / movntdq */
        if (!sse_int_op(d, pfx)) {
            return false;
        }
        d->store = true;
        d->regonly_ud = true;
        return true;
    case 0xf0: /* lddqu */
        if (pfx != SSE_P_F2) {
            return false;
        }
        d->memsz = 16;
        d->regonly_ud = true;
        d->memkind = SSE_ML_FULL;
        return sse_host_ok(1);
    default: /* 0xf7 maskmovq/maskmovdqu: disas_insn_sse */
        return false;
    }
}

/* 0F 38 xx. */
static bool sse_classify_38(DisasContext *s, int op, int pfx, SseDesc *d)
{
    static const uint8_t pmovx_size[6] = { 8, 4, 2, 8, 4, 8 };

    if (op <= 0x0b || (op >= 0x1c && op <= 0x1e)) { /* SSSE3 */
        return sse_int_op(d, pfx) && sse_host_ok(2);
    }
    if (pfx != SSE_P_66) {
        return false;
    }
    d->memsz = 16, d->align = true;
    switch (op) {
    case 0x10: case 0x14: case 0x15: case 0x28: case 0x29: case 0x2b:
    case 0x38 ... 0x41:
        return sse_host_ok(3);
    case 0x17: /* ptest */
        d->out = SSE_OUT_FLAGS;
        return sse_host_ok(3);
    case 0x2a: /* movntdqa */
        d->regonly_ud = true;
        d->memkind = SSE_ML_FULL;
        return sse_host_ok(3);
    case 0x20 ... 0x25: case 0x30 ... 0x35:
        d->memsz = pmovx_size[op & 7], d->align = false;
        return sse_host_ok(3);
    case 0x37:
        return sse_host_ok(4);
    default:
        return false;
    }
}

/* 0F 3A xx (all with imm8). */
static bool sse_classify_3a(DisasContext *s, int op, int pfx, SseDesc *d)
{
    d->imm = true;
    if (op == 0x0f) { /* palignr */
        return sse_int_op(d, pfx) && sse_host_ok(2);
    }
    if (pfx != SSE_P_66) {
        return false;
    }
    d->memsz = 16, d->align = true;
    switch (op) {
    case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x0e: case 0x40: case 0x41: case 0x42:
        return sse_host_ok(3);
    case 0x0a: case 0x0b:
        d->memsz = op == 0x0a ? 4 : 8, d->align = false;
        return sse_host_ok(3);
    case 0x14: case 0x15: case 0x16: case 0x17: /* pextrb/w/d/q, extractps */
        d->rmk = SSE_K_GPR, d->store = true, d->align = false;
        d->memsz = op == 0x14 ? 1 : op == 0x15 ? 2 : op == 0x17 ? 4 : s->rex_w ? 8 : 4;
        return sse_host_ok(3);
    case 0x20: case 0x22: /* pinsrb, pinsrd/q */
        d->rmk = SSE_K_GPR, d->align = false;
        d->memsz = op == 0x20 ? 1 : s->rex_w ? 8 : 4;
        return sse_host_ok(3);
    case 0x21: /* insertps */
        d->memsz = 4, d->align = false, d->memkind = SSE_ML_SPLAT32;
        return sse_host_ok(3);
    case 0x60 ... 0x63: /* pcmpestrm/estri/istrm/istri: unaligned allowed */
        d->align = false;
        d->out = (op & 1) ? SSE_OUT_STRI : SSE_OUT_STRM;
        return sse_host_ok(4);
    default:
        return false;
    }
}

/*
 * Whether helper_sse_fast can run the instruction: no MMX operand and no
 * implicit register (blendv* read XMM0, pcmpXstr* use EAX/EDX/ECX/XMM0).
 */
static bool sse_lean_ok(int map, int op, const SseDesc *d)
{
    if (d->mmx || d->regk == SSE_K_MM || d->rmk == SSE_K_MM) {
        return false;
    }
    if (map == 2 && (op == 0x10 || op == 0x14 || op == 0x15)) {
        return false;
    }
    return !(map == 3 && op >= 0x60 && op <= 0x63);
}

/*
 * Whether the instruction reads or writes MXCSR (rounding, DAZ/FTZ,
 * exception flags): the floating-point arithmetic, comparisons and
 * conversions. Moves, shuffles, bitwise and integer operations do not.
 */
static bool sse_uses_mxcsr(int map, int op)
{
    if (map == 1) {
        return (op >= 0x2a && op <= 0x2f) || (op >= 0x51 && op <= 0x53) ||
               (op >= 0x58 && op <= 0x5f) || op == 0x7c || op == 0x7d ||
               op == 0xc2 || op == 0xd0 || op == 0xe6;
    }
    return map == 3 && ((op >= 0x08 && op <= 0x0b) || op == 0x40 || op == 0x41);
}

/* The operation of 0F op under prefix class pfx that sse_fp.c knows; 0: none. */
static int sse_fp_id(int op, int pfx, bool w)
{
    static const uint8_t arith[16] = {
        [0x1] = SSE_FP_SQRT, [0x8] = SSE_FP_ADD, [0x9] = SSE_FP_MUL, [0xc] = SSE_FP_SUB,
        [0xd] = SSE_FP_MIN, [0xe] = SSE_FP_DIV, [0xf] = SSE_FP_MAX,
    };
    bool scalar = pfx == SSE_P_F3 || pfx == SSE_P_F2;

    switch (op) {
    case 0x51: case 0x58: case 0x59: case 0x5c: case 0x5d: case 0x5e: case 0x5f:
        return SSE_FP_ID(arith[op & 15], 0, pfx);
    case 0x2e: case 0x2f:
        return pfx <= SSE_P_66 ? SSE_FP_ID(op == 0x2e ? SSE_FP_UCOMI : SSE_FP_COMI, 0, pfx) : 0;
    case 0x2a:
        return scalar ? SSE_FP_ID(SSE_FP_CVTSI, w, pfx) : 0;
    case 0x2c: case 0x2d:
        return scalar ? SSE_FP_ID(op == 0x2c ? SSE_FP_CVTT2SI : SSE_FP_CVT2SI, w, pfx) : 0;
    case 0x5a:
        return SSE_FP_ID(SSE_FP_CVT5A, 0, pfx);
    case 0x5b:
        return pfx != SSE_P_F2 ? SSE_FP_ID(SSE_FP_CVT5B, 0, pfx) : 0;
    case 0xe6:
        return pfx != SSE_P_NONE ? SSE_FP_ID(SSE_FP_CVTE6, 0, pfx) : 0;
    case 0xc2:
        return SSE_FP_ID(SSE_FP_CMP, 0, pfx);
    default:
        return 0;
    }
}

typedef void SseFpGen(TCGv_ptr, TCGv_i64, TCGv_i32, TCGv_i64, TCGv_i64);

/* The arithmetic helpers of sse_fp.c by [kind][form] (form: ps pd ss sd). */
static SseFpGen *const sse_fp_arith_gen[SSE_FP_SQRT + 1][4] = {
    [SSE_FP_ADD] = { gen_helper_sse_addps, gen_helper_sse_addpd,
                     gen_helper_sse_addss, gen_helper_sse_addsd },
    [SSE_FP_MUL] = { gen_helper_sse_mulps, gen_helper_sse_mulpd,
                     gen_helper_sse_mulss, gen_helper_sse_mulsd },
    [SSE_FP_SUB] = { gen_helper_sse_subps, gen_helper_sse_subpd,
                     gen_helper_sse_subss, gen_helper_sse_subsd },
    [SSE_FP_MIN] = { gen_helper_sse_minps, gen_helper_sse_minpd,
                     gen_helper_sse_minss, gen_helper_sse_minsd },
    [SSE_FP_DIV] = { gen_helper_sse_divps, gen_helper_sse_divpd,
                     gen_helper_sse_divss, gen_helper_sse_divsd },
    [SSE_FP_MAX] = { gen_helper_sse_maxps, gen_helper_sse_maxpd,
                     gen_helper_sse_maxss, gen_helper_sse_maxsd },
    [SSE_FP_SQRT] = { gen_helper_sse_sqrtps, gen_helper_sse_sqrtpd,
                      gen_helper_sse_sqrtss, gen_helper_sse_sqrtsd },
};

/*
 * The floating-point instructions with a helper of their own (sse_fp.c):
 * arithmetic, cmpps/pd/ss/sd, comis/ucomis, cvtsi2ss/sd, cvt(t)ss/sd2si,
 * cvtss2sd and cvtsd2ss. The source goes by value (a register is loaded
 * here), so the helper reads only the destination. False for the others.
 */
static bool sse_gen_fp_direct(DisasContext *s, int fp, const SseDesc *d, int mod, int reg,
                              int rm, int imm, TCGv_i64 stub, TCGv lo, TCGv hi, TCGv ret)
{
    static SseFpGen *const cmp_gen[4] = {
        gen_helper_sse_cmpps, gen_helper_sse_cmppd, gen_helper_sse_cmpss, gen_helper_sse_cmpsd,
    };
    int kind = fp >> 3, form = fp & 3;
    bool packed = form < SSE_P_F3;
    int out = kind == SSE_FP_COMI || kind == SSE_FP_UCOMI ? SSE_OUT_FLAGS : SSE_OUT_REG;
    uint32_t info = SSE_INFO(reg, 0, d->regk, SSE_K_MEM, out);
    TCGv_i32 ti;

    if (kind == SSE_FP_CVT5A ? packed : kind > SSE_FP_CVT2SI && kind != SSE_FP_CMP) {
        return false;
    }
    if (kind == SSE_FP_CMP) {
        info |= (uint32_t)imm << 24;
    }
    if (s->rex_w) {
        info |= SSE_FAST_W;
    }
    if (kind == SSE_FP_CVTT2SI) {
        info |= SSE_FAST_TRUNC;
    }
    if (mod == 3) {
        if (d->rmk == SSE_K_GPR) {
            tcg_gen_mov_i64(lo, cpu_regs[rm]);
        } else {
            tcg_gen_ld_i64(lo, tcg_env, sse_xmm_ofs(rm, 0));
            if (packed && (kind <= SSE_FP_SQRT || kind == SSE_FP_CMP)) {
                tcg_gen_ld_i64(hi, tcg_env, sse_xmm_ofs(rm, 1));
            }
        }
    }
    ti = tcg_constant_i32(info);
    if (kind <= SSE_FP_SQRT) {
        sse_fp_arith_gen[kind][form](tcg_env, stub, ti, lo, hi);
    } else if (kind == SSE_FP_CMP) {
        cmp_gen[form](tcg_env, stub, ti, lo, hi);
    } else if (kind == SSE_FP_COMI || kind == SSE_FP_UCOMI) {
        (form ? gen_helper_sse_comisd : gen_helper_sse_comiss)(ret, tcg_env, stub, ti, lo, hi);
    } else if (kind == SSE_FP_CVTSI) {
        (form == SSE_P_F2 ? gen_helper_sse_cvtsi2sd : gen_helper_sse_cvtsi2ss)
            (tcg_env, stub, ti, lo, hi);
    } else if (kind == SSE_FP_CVT5A) {
        (form == SSE_P_F2 ? gen_helper_sse_cvtsd2ss : gen_helper_sse_cvtss2sd)
            (tcg_env, stub, ti, lo, hi);
    } else {
        (form == SSE_P_F2 ? gen_helper_sse_cvtsd2si : gen_helper_sse_cvtss2si)
            (ret, tcg_env, stub, ti, lo, hi);
    }
    return true;
}

/* #UD/#NM of the SSE/MMX state (SDM 13.1 / 9.6); false if raised. */
static bool sse_check_state(DisasContext *s, bool mmx, bool sse)
{
    if ((s->flags & HF_EM_MASK) || (sse && !(s->flags & HF_OSFXSR_MASK))) {
        gen_illegal_opcode(s);
        return false;
    }
    if (s->flags & HF_TS_MASK) {
        gen_exception(s, EXCP07_PREX);
        return false;
    }
    (void)mmx;
    return true;
}

static MemOp sse_memop(int size)
{
    return size == 1 ? MO_8 : size == 2 ? MO_16 : size == 4 ? MO_32 : MO_64;
}

/* Load size bytes at s->A0 into lo/hi (zero-extended). */
static void sse_load(DisasContext *s, int size, TCGv lo, TCGv hi)
{
    if (size == 16) {
        TCGv a = tcg_temp_ebb_new_i64();

        gen_op_ld_v(s, MO_64, lo, s->A0);
        tcg_gen_addi_i64(a, s->A0, 8);
        gen_op_ld_v(s, MO_64, hi, a);
    } else {
        gen_op_ld_v(s, sse_memop(size), lo, s->A0);
        tcg_gen_movi_i64(hi, 0);
    }
}

/* Store the reg operand (or the helper's result) of a store form to memory. */
static void sse_store(DisasContext *s, const SseDesc *d, int reg, TCGv val)
{
    TCGv t = tcg_temp_ebb_new_i64();

    if (val) {
        gen_op_st_v(s, sse_memop(d->memsz), val, s->A0);
        return;
    }
    if (d->regk == SSE_K_MM) {
        tcg_gen_ld_i64(t, tcg_env, offsetof(CPUX86State, fpregs[reg & 7].low));
        gen_op_st_v(s, sse_memop(d->memsz), t, s->A0);
        gen_helper_sse_mmx_enter(tcg_env);
        return;
    }
    if (d->regk == SSE_K_GPR) {
        tcg_gen_ld_i64(t, tcg_env, offsetof(CPUX86State, regs[reg]));
        gen_op_st_v(s, sse_memop(d->memsz), t, s->A0);
        return;
    }
    tcg_gen_ld_i64(t, tcg_env, sse_xmm_ofs(reg, d->storehi ? 1 : 0));
    gen_op_st_v(s, sse_memop(d->memsz), t, s->A0);
    if (d->memsz == 16) {
        TCGv a = tcg_temp_ebb_new_i64();

        tcg_gen_ld_i64(t, tcg_env, sse_xmm_ofs(reg, 1));
        tcg_gen_addi_i64(a, s->A0, 8);
        gen_op_st_v(s, MO_64, t, a);
    }
}

/*
 * Special memory loads whose register form means something else:
 * movss/movsd m (upper bits zeroed), movlps/movhps m64 (one half).
 */
static void sse_load_special(DisasContext *s, const SseDesc *d, int reg)
{
    TCGv t = tcg_temp_ebb_new_i64();

    if (d->memkind == SSE_ML_FULL) {
        TCGv hi = tcg_temp_ebb_new_i64();

        sse_load(s, 16, t, hi);
        tcg_gen_st_i64(t, tcg_env, sse_xmm_ofs(reg, 0));
        tcg_gen_st_i64(hi, tcg_env, sse_xmm_ofs(reg, 1));
        return;
    }
    gen_op_ld_v(s, sse_memop(d->memsz), t, s->A0);
    switch (d->memkind) {
    case SSE_ML_ZEXT:
        tcg_gen_st_i64(t, tcg_env, sse_xmm_ofs(reg, 0));
        tcg_gen_st_i64(tcg_constant_i64(0), tcg_env, sse_xmm_ofs(reg, 1));
        break;
    case SSE_ML_LOW:
        tcg_gen_st_i64(t, tcg_env, sse_xmm_ofs(reg, 0));
        break;
    default:
        tcg_gen_st_i64(t, tcg_env, sse_xmm_ofs(reg, 1));
        break;
    }
}

bool disas_insn_sse(DisasContext *s, CPUState *cpu, int b)
{
    CPUX86State *env = s->env;
    SseDesc d = { .regk = SSE_K_XMM, .rmk = SSE_K_XMM, .out = SSE_OUT_REG };
    int map = b >> 8, op = b & 0xff, pfx, modrm, reg, rm, mod, group = -1;
    uint8_t bytes[16];
    int n = 0, imm = 0;
    bool ok;
    TCGv lo, hi, ret;

    if (map == 0) {
        return false;
    }
    if (map == 1 && op == 0x3a) {
        map = 3;
        op = x86_ldub_code(env, s);
    }
    /* The last of F2/F3 wins on hardware; refuse the ambiguous mix instead. */
    if ((s->prefix & PREFIX_REPNZ) && (s->prefix & PREFIX_REPZ)) {
        if (map == 3) {
            gen_illegal_opcode(s);
            return true;
        }
        return false;
    }
    pfx = (s->prefix & PREFIX_REPNZ) ? SSE_P_F2 : (s->prefix & PREFIX_REPZ) ? SSE_P_F3 :
          (s->prefix & PREFIX_DATA) ? SSE_P_66 : SSE_P_NONE;

    if (map == 1 && op == 0x77 && pfx == SSE_P_NONE) { /* emms */
        if (sse_check_state(s, true, false)) {
            gen_helper_sse_emms(tcg_env);
        }
        return true;
    }
    if (map == 1 && op == 0xf7 && pfx <= SSE_P_66) { /* maskmovq / maskmovdqu */
        bool mmx = pfx == SSE_P_NONE;

        modrm = x86_ldub_code(env, s);
        reg = ((modrm >> 3) & 7) | (mmx ? 0 : s->rex_r);
        rm = (modrm & 7) | (mmx ? 0 : s->rex_b);
        if ((modrm >> 6) != 3) {
            gen_illegal_opcode(s);
        } else if (sse_check_state(s, mmx, !mmx)) {
            TCGv a = tcg_temp_ebb_new_i64();

            tcg_gen_mov_i64(a, cpu_regs[R_EDI]);
            gen_lea_v_seg(s, s->aflag, a, R_DS, s->override);
            gen_helper_sse_maskmov(tcg_env, s->A0,
                                   tcg_constant_i32(reg | rm << 4 | (mmx ? 0x100 : 0)));
        }
        return true;
    }
    if (map == 2 && (op == 0xf0 || op == 0xf1)) {
        if (!(s->prefix & PREFIX_REPNZ)) {
            return false;   /* MOVBE */
        }
        /* crc32 r32/64, r/m8/16/32/64 */
        d.regk = SSE_K_GPR, d.rmk = SSE_K_GPR, d.nostate = true;
        d.memsz = op == 0xf0 ? 1 : s->rex_w ? 8 : (s->prefix & PREFIX_DATA) ? 2 : 4;
        ok = sse_host_ok(4);
    } else if (map == 1) {
        ok = sse_classify_0f(s, op, pfx, &d);
    } else if (map == 2) {
        ok = sse_classify_38(s, op, pfx, &d);
    } else {
        ok = sse_classify_3a(s, op, pfx, &d);
    }
    if (!ok) {
        if (map == 3) {
            gen_illegal_opcode(s);
            return true;
        }
        return false;
    }

    modrm = x86_ldub_code(env, s);
    mod = modrm >> 6;
    reg = ((modrm >> 3) & 7) | s->rex_r;
    rm = (modrm & 7) | s->rex_b;
    if (d.regk == SSE_K_MM) {
        reg &= 7;
    }
    if (d.rmk == SSE_K_MM) {
        rm &= 7;
    }
    if (map == 1 && op >= 0x71 && op <= 0x73) {
        /* Shift by imm8: r/m is the register, reg the operation. */
        static const uint8_t valid[3] = { 0x54, 0x54, 0x44 };   /* /2 /4 /6 (/3 /7 for 66 0F 73) */
        group = (modrm >> 3) & 7;
        if (mod != 3 || !((valid[op - 0x71] | (op == 0x73 && pfx == SSE_P_66 ? 0x88 : 0))
                          & (1 << group))) {
            gen_illegal_opcode(s);
            return true;
        }
        reg = d.regk == SSE_K_MM ? (modrm & 7) : rm;
        d.imm = true;
    }
    if (mod == 3 ? d.regonly_ud : d.memsz == 0) {
        gen_illegal_opcode(s);
        return true;
    }
    if (!d.nostate && !sse_check_state(s, d.mmx, d.regk == SSE_K_XMM || d.rmk == SSE_K_XMM)) {
        return true;
    }

    lo = tcg_temp_ebb_new_i64();
    hi = tcg_temp_ebb_new_i64();
    if (mod != 3) {
        s->rip_offset = d.imm ? 1 : 0;
        gen_lea_modrm(env, s, modrm);
        if (d.align && d.memsz == 16) {
            gen_helper_sse_align16(tcg_env, s->A0);
        }
    }
    if (d.imm) {
        imm = x86_ldub_code(env, s);
    }

    /* Memory forms the translator does itself. */
    if (mod != 3 && d.store && !d.imm) {
        sse_store(s, &d, reg, NULL);
        return true;
    }
    if (mod != 3 && d.memkind != SSE_ML_PLAIN && d.memkind != SSE_ML_SPLAT32) {
        sse_load_special(s, &d, reg);
        return true;
    }
    if (d.nostate) {
        /* CRC32: the source at its size (AH..BH included) is passed by value. */
        if (mod == 3) {
            gen_op_mov_v_reg(s, sse_memop(d.memsz), lo, rm);
        } else {
            gen_op_ld_v(s, sse_memop(d.memsz), lo, s->A0);
        }
        tcg_gen_movi_i64(hi, 0);
        mod = 0;
    } else if (mod != 3 && !d.store) {
        sse_load(s, d.memsz, lo, hi);
        if (d.memkind == SSE_ML_SPLAT32) {
            tcg_gen_deposit_i64(lo, lo, lo, 32, 32);
            tcg_gen_mov_i64(hi, lo);
        }
    } else {
        tcg_gen_movi_i64(lo, 0);
        tcg_gen_movi_i64(hi, 0);
    }

    if (map == 1 && !d.mmx && d.regk != SSE_K_MM && d.rmk != SSE_K_MM) {
        SseInlineInsn ii = {
            .op = op, .pfx = pfx, .mod = mod, .reg = reg, .rm = rm, .group = group,
            .imm = imm, .rex_w = s->rex_w, .lo = lo, .hi = hi,
        };

        if (sse_gen_inline(s, &ii)) {
            return true;
        }
    }

    /* The host instruction: the guest's prefix and opcode, ModRM 0xCA. */
    if (map == 2 && op >= 0xf0 && (s->prefix & PREFIX_DATA)) {
        bytes[n++] = 0x66;
    }
    if (pfx != SSE_P_NONE) {
        bytes[n++] = pfx == SSE_P_66 ? 0x66 : pfx == SSE_P_F3 ? 0xf3 : 0xf2;
    }
    if (s->rex_w) {
        bytes[n++] = 0x48;
    }
    bytes[n++] = 0x0f;
    if (map == 2) {
        bytes[n++] = 0x38;
    } else if (map == 3) {
        bytes[n++] = 0x3a;
    }
    bytes[n++] = op;
    bytes[n++] = group >= 0 ? 0xc1 | (group << 3) : 0xca;
    if (d.imm) {
        bytes[n++] = imm;
    }

    if (group >= 0) {
        /* The shifted register is the stub's reg operand (xmm1/mm1). */
        d.rmk = d.regk;
        rm = reg;
    }
    {
        int rmk = mod != 3 && !d.store ? SSE_K_MEM : d.rmk;
        int out = d.store && d.out == SSE_OUT_REG ? SSE_OUT_RM : d.out;
        uint32_t info = SSE_INFO(reg, mod == 3 ? rm : 0, d.regk, rmk, out);

        if (map == 3 && (op == 0x60 || op == 0x61)) {
            info |= SSE_INFO_IMPLICIT_DX;
        }
        if (mod != 3 && d.store) {
            /* pextr* / extractps to memory: the r/m GPR is a scratch. */
            info = SSE_INFO(reg, 0, d.regk, SSE_K_MEM, SSE_OUT_RM);
        }
        ret = tcg_temp_ebb_new_i64();
        if (sse_lean_ok(map, op, &d)) {
            int kind = out == SSE_OUT_FLAGS ? SSE_STUB_LEAN_FLAGS : SSE_STUB_LEAN;
            int fp = map == 1 ? sse_fp_id(op, pfx, s->rex_w) : 0;
            TCGv_i64 stub = tcg_constant_i64(sse_stub_get_kind(kind, bytes, n));

            if (!sse_uses_mxcsr(map, op)) {
                info |= SSE_FAST_NOFP;
            }
            if (!fp) {
                gen_helper_sse_fast(ret, tcg_env, stub, tcg_constant_i32(info), lo, hi);
            } else if (!sse_gen_fp_direct(s, fp, &d, mod, reg, rm, imm, stub, lo, hi, ret)) {
                gen_helper_sse_fp(ret, tcg_env, stub, tcg_constant_i32(info | SSE_FP_INFO(fp)),
                                  lo, hi);
            }
            /* General-register results come back by value. */
            if (out == SSE_OUT_REG && d.regk == SSE_K_GPR) {
                tcg_gen_mov_i64(cpu_regs[reg], ret);
            } else if (out == SSE_OUT_RM && mod == 3 && d.rmk == SSE_K_GPR) {
                tcg_gen_mov_i64(cpu_regs[rm], ret);
            }
        } else {
            gen_helper_sse_exec(ret, tcg_env,
                                tcg_constant_i64(sse_stub_get(bytes, n)),
                                tcg_constant_i32(info), lo, hi);
        }
        if (mod != 3 && d.store) {
            sse_store(s, &d, reg, ret);
        }
        if (out == SSE_OUT_FLAGS || out == SSE_OUT_STRI || out == SSE_OUT_STRM) {
            tcg_gen_mov_i64(cpu_cc_src, ret);
            set_cc_op(s, CC_OP_EFLAGS);
        }
    }
    return true;
}
