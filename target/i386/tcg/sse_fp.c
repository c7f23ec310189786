/*
 * sse_fp.c: the common floating-point SSE instructions without MXCSR.
 * Reading MXCSR for the exception flags is the dominant cost of running
 * an instruction on the host, so when the operands prove that nothing
 * but an inexact result can be flagged, and the guest has recorded one
 * already (PE set and masked, round to nearest), the instruction runs on
 * the host as is and MXCSR is left alone: normal or zero inputs and a
 * result away from overflow and underflow (QEMU's "hardfloat" rests on
 * the same observation). Anything else returns false and the caller runs
 * the instruction under the guest's MXCSR (sse_fast.c).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/sse-stub.h"
#include "target/i386/tcg/sse_fast.h"

typedef uint64_t SseVec __attribute__((vector_size(16)));

/* A vector register from the two halves (64-bit loads: see sse_q_copy). */
static inline SseVec sse_vec(const X86XMMReg *r)
{
    uint64_t lo = r->q[0], hi = r->q[1];
    SseVec v, t;

    asm("movq %[lo], %[v]\n\t"
        "movq %[hi], %[t]\n\t"
        "punpcklqdq %[t], %[v]"
        : [v] "=&x" (v), [t] "=&x" (t) : [lo] "r" (lo), [hi] "r" (hi));
    return v;
}

static inline void sse_unvec(X86XMMReg *r, SseVec v)
{
    uint64_t lo, hi;

    asm("movq %[v], %[lo]\n\t"
        "punpckhqdq %[v], %[v]\n\t"
        "movq %[v], %[hi]"
        : [lo] "=&r" (lo), [hi] "=r" (hi), [v] "+x" (v));
    r->q[0] = lo;
    r->q[1] = hi;
}

/* Normal or zero: neither NaN, infinity nor denormal (so no IE/DE, DAZ moot). */
static inline bool fp32_plain(uint32_t x)
{
    return ((x >> 23) & 0xff) - 1u < 0xfeu || !(x << 1);
}

static inline bool fp64_plain(uint64_t x)
{
    return ((x >> 52) & 0x7ff) - 1u < 0x7feu || !(x << 1);
}

static inline bool fp32_zero(uint32_t x)
{
    return !(x << 1);
}

static inline bool fp64_zero(uint64_t x)
{
    return !(x << 1);
}

/*
 * A rounded result with a biased exponent from 2 to max-1: finite (no
 * overflow under round to nearest) and at least twice the smallest
 * normal (the exact result was not tiny, so no underflow and FTZ moot).
 */
static inline bool fp32_safe(uint32_t r)
{
    return ((r >> 23) & 0xff) - 2u < 0xfdu;
}

static inline bool fp64_safe(uint64_t r)
{
    return ((r >> 52) & 0x7ff) - 2u < 0x7fdu;
}

#define SSE_FP_ASM(insn) asm(insn " %[b], %[a]" : [a] "+x" (a) : [b] "x" (b))

/* Whether one lane of add/sub/mul/div/min/max/sqrt raised nothing but PE. */
static inline __attribute__((always_inline))
bool sse_fp_lane_ok(int kind, bool dbl, uint64_t a, uint64_t b, uint64_t r)
{
    bool az = dbl ? fp64_zero(a) : fp32_zero(a);
    bool bz = dbl ? fp64_zero(b) : fp32_zero(b);
    bool rz = dbl ? fp64_zero(r) : fp32_zero(r);
    bool rsafe = dbl ? fp64_safe(r) : fp32_safe(r);

    if (!(dbl ? fp64_plain(b) : fp32_plain(b))) {
        return false;
    }
    if (kind == SSE_FP_SQRT) {
        /* sqrt of a positive normal is normal; sqrt(-0) = -0. */
        return bz || !(b >> (dbl ? 63 : 31));
    }
    if (!(dbl ? fp64_plain(a) : fp32_plain(a))) {
        return false;
    }
    switch (kind) {
    case SSE_FP_MIN:
    case SSE_FP_MAX:
        return true;
    case SSE_FP_ADD:
    case SSE_FP_SUB:
        /* A zero sum of normals is exact (a tiny one would be a denormal). */
        return rsafe || rz;
    case SSE_FP_MUL:
        return rsafe || (rz && (az || bz));
    default: /* SSE_FP_DIV */
        return !bz && (rsafe || (rz && az));
    }
}

/* Round to nearest with PE set and masked: an inexact result changes nothing. */
static inline bool sse_fp_rn_pe(uint32_t mxcsr)
{
    return (mxcsr & (SSE_MXCSR_RC | SSE_MXCSR_PE | SSE_MXCSR_PM)) ==
           (SSE_MXCSR_PE | SSE_MXCSR_PM);
}

/* Whether the fast path of kind may run at all (min/max are exact). */
static inline bool sse_fp_gate(int kind, uint32_t mxcsr)
{
    return kind == SSE_FP_MIN || kind == SSE_FP_MAX || sse_fp_rn_pe(mxcsr);
}

/*
 * The exact path: the instruction on the host under the guest's MXCSR,
 * the source operand given by value (info has SSE_K_MEM for it). Out of
 * line, so that the helpers' fast paths need no stack frame.
 */
static uint64_t __attribute__((noinline)) sse_fp_slow(CPUX86State *env, uint64_t stub,
                                                      uint32_t info, uint64_t lo,
                                                      uint64_t hi, uintptr_t ra)
{
    SseLeanFrame f;

    sse_fast_load(env, info, lo, hi, &f);
    sse_fast_exec(env, stub, info, &f, ra);
    return sse_fast_store(env, info, &f);
}

/*
 * One helper per arithmetic instruction, on the guest's register and the
 * source by value: the host instruction, then the lane checks; the
 * destination is written as 64-bit halves (see sse_q_copy).
 */
#define SSE_FP_HELPER_SD(kind, name)                                                        \
void helper_sse_##name##sd(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,     \
                           uint64_t hi)                                                     \
{                                                                                           \
    uint64_t *d = &env->xmm_regs[SSE_INFO_REG(info)].q[0];                                  \
    uint64_t a = *d, r;                                                                     \
    double x, y;                                                                            \
                                                                                            \
    if (likely(sse_fp_gate(kind, env->mxcsr))) {                                            \
        memcpy(&x, &a, 8);                                                                  \
        memcpy(&y, &lo, 8);                                                                 \
        asm(#name "sd %[y], %[x]" : [x] "+x" (x) : [y] "x" (y));                            \
        memcpy(&r, &x, 8);                                                                  \
        if (likely(sse_fp_lane_ok(kind, true, a, lo, r))) {                                 \
            *d = r;                                                                         \
            return;                                                                         \
        }                                                                                   \
    }                                                                                       \
    sse_fp_slow(env, stub, info, lo, hi, GETPC());                                          \
}

#define SSE_FP_HELPER_SS(kind, name)                                                        \
void helper_sse_##name##ss(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,     \
                           uint64_t hi)                                                     \
{                                                                                           \
    uint64_t *d = &env->xmm_regs[SSE_INFO_REG(info)].q[0];                                  \
    uint64_t a = *d;                                                                        \
    uint32_t a32 = a, b32 = lo, r;                                                          \
    float x, y;                                                                             \
                                                                                            \
    if (likely(sse_fp_gate(kind, env->mxcsr))) {                                            \
        memcpy(&x, &a32, 4);                                                                \
        memcpy(&y, &b32, 4);                                                                \
        asm(#name "ss %[y], %[x]" : [x] "+x" (x) : [y] "x" (y));                            \
        memcpy(&r, &x, 4);                                                                  \
        if (likely(sse_fp_lane_ok(kind, false, a32, b32, r))) {                             \
            *d = (a & 0xffffffff00000000ull) | r;                                           \
            return;                                                                         \
        }                                                                                   \
    }                                                                                       \
    sse_fp_slow(env, stub, info, lo, hi, GETPC());                                          \
}

#define SSE_FP_HELPER_PD(kind, name)                                                        \
void helper_sse_##name##pd(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,     \
                           uint64_t hi)                                                     \
{                                                                                           \
    X86XMMReg *d = &env->xmm_regs[SSE_INFO_REG(info)], b = { .q = { lo, hi } }, r;          \
    SseVec va, vb;                                                                          \
                                                                                            \
    if (likely(sse_fp_gate(kind, env->mxcsr))) {                                            \
        va = sse_vec(d);                                                                    \
        vb = sse_vec(&b);                                                                   \
        asm(#name "pd %[b], %[a]" : [a] "+x" (va) : [b] "x" (vb));                          \
        sse_unvec(&r, va);                                                                  \
        if (likely(sse_fp_lane_ok(kind, true, d->q[0], lo, r.q[0]) &&                       \
                   sse_fp_lane_ok(kind, true, d->q[1], hi, r.q[1]))) {                      \
            d->q[0] = r.q[0];                                                               \
            d->q[1] = r.q[1];                                                               \
            return;                                                                         \
        }                                                                                   \
    }                                                                                       \
    sse_fp_slow(env, stub, info, lo, hi, GETPC());                                          \
}

#define SSE_FP_HELPER_PS(kind, name)                                                        \
void helper_sse_##name##ps(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,     \
                           uint64_t hi)                                                     \
{                                                                                           \
    X86XMMReg *d = &env->xmm_regs[SSE_INFO_REG(info)], b = { .q = { lo, hi } }, r;          \
    SseVec va, vb;                                                                          \
    bool ok = true;                                                                         \
                                                                                            \
    if (likely(sse_fp_gate(kind, env->mxcsr))) {                                            \
        va = sse_vec(d);                                                                    \
        vb = sse_vec(&b);                                                                   \
        asm(#name "ps %[b], %[a]" : [a] "+x" (va) : [b] "x" (vb));                          \
        sse_unvec(&r, va);                                                                  \
        for (int i = 0; i < 4; i++) {                                                       \
            ok &= sse_fp_lane_ok(kind, false, (uint32_t)(d->q[i / 2] >> (i & 1) * 32),      \
                                 (uint32_t)(b.q[i / 2] >> (i & 1) * 32),                    \
                                 (uint32_t)(r.q[i / 2] >> (i & 1) * 32));                   \
        }                                                                                   \
        if (likely(ok)) {                                                                   \
            d->q[0] = r.q[0];                                                               \
            d->q[1] = r.q[1];                                                               \
            return;                                                                         \
        }                                                                                   \
    }                                                                                       \
    sse_fp_slow(env, stub, info, lo, hi, GETPC());                                          \
}

#define SSE_FP_HELPERS(kind, name) \
    SSE_FP_HELPER_PS(kind, name) SSE_FP_HELPER_PD(kind, name) \
    SSE_FP_HELPER_SS(kind, name) SSE_FP_HELPER_SD(kind, name)

SSE_FP_HELPERS(SSE_FP_ADD, add)
SSE_FP_HELPERS(SSE_FP_MUL, mul)
SSE_FP_HELPERS(SSE_FP_SUB, sub)
SSE_FP_HELPERS(SSE_FP_MIN, min)
SSE_FP_HELPERS(SSE_FP_DIV, div)
SSE_FP_HELPERS(SSE_FP_MAX, max)
SSE_FP_HELPERS(SSE_FP_SQRT, sqrt)

/*
 * cmpps/cmppd/cmpss/cmpsd with the predicate imm (info bits 24-31) on
 * plain numbers: exact and flagless whatever MXCSR says. The host
 * instruction takes the predicate as an immediate, hence the switch;
 * predicates above 7 keep the stub.
 */
#define SSE_FP_CMP_CASE(insn, n) \
    case n: asm(insn " $" #n ", %[b], %[a]" : [a] "+x" (va) : [b] "x" (vb)); break;

#define SSE_FP_HELPER_CMP(form, lanes, dbl)                                                 \
void helper_sse_cmp##form(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,      \
                          uint64_t hi)                                                      \
{                                                                                           \
    X86XMMReg *d = &env->xmm_regs[SSE_INFO_REG(info)], b = { .q = { lo, hi } }, r;          \
    SseVec va, vb;                                                                          \
    bool ok = (info >> 24) < 8;                                                             \
                                                                                            \
    for (int i = 0; i < lanes; i++) {                                                       \
        ok &= dbl ? fp64_plain(d->q[i]) && fp64_plain(b.q[i])                               \
                  : fp32_plain(d->l[i]) && fp32_plain(b.l[i]);                              \
    }                                                                                       \
    if (likely(ok)) {                                                                       \
        va = sse_vec(d);                                                                    \
        vb = sse_vec(&b);                                                                   \
        switch (info >> 24) {                                                               \
        SSE_FP_CMP_CASE("cmp" #form, 0) SSE_FP_CMP_CASE("cmp" #form, 1)                     \
        SSE_FP_CMP_CASE("cmp" #form, 2) SSE_FP_CMP_CASE("cmp" #form, 3)                     \
        SSE_FP_CMP_CASE("cmp" #form, 4) SSE_FP_CMP_CASE("cmp" #form, 5)                     \
        SSE_FP_CMP_CASE("cmp" #form, 6) SSE_FP_CMP_CASE("cmp" #form, 7)                     \
        }                                                                                   \
        sse_unvec(&r, va);                                                                  \
        d->q[0] = r.q[0];                                                                   \
        d->q[1] = r.q[1];                                                                   \
        return;                                                                             \
    }                                                                                       \
    sse_fp_slow(env, stub, info, lo, hi, GETPC());                                          \
}

SSE_FP_HELPER_CMP(ps, 4, false)
SSE_FP_HELPER_CMP(pd, 2, true)
SSE_FP_HELPER_CMP(ss, 1, false)
SSE_FP_HELPER_CMP(sd, 1, true)

/* comiss/ucomiss of two plain numbers: ZF PF CF from the order, no flags. */
uint64_t helper_sse_comiss(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                           uint64_t hi)
{
    uint32_t a = env->xmm_regs[SSE_INFO_REG(info)].l[0], b = lo;
    float x, y;

    if (likely(fp32_plain(a) && fp32_plain(b))) {
        memcpy(&x, &a, 4);
        memcpy(&y, &b, 4);
        return x < y ? CC_C : x == y ? CC_Z : 0;
    }
    return sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

uint64_t helper_sse_comisd(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                           uint64_t hi)
{
    uint64_t a = env->xmm_regs[SSE_INFO_REG(info)].q[0];
    double x, y;

    if (likely(fp64_plain(a) && fp64_plain(lo))) {
        memcpy(&x, &a, 8);
        memcpy(&y, &lo, 8);
        return x < y ? CC_C : x == y ? CC_Z : 0;
    }
    return sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

/* cvtsi2sd: exact below 2^53 (always for 32-bit sources), else needs rn_pe. */
void helper_sse_cvtsi2sd(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                         uint64_t hi)
{
    int64_t v = (info & SSE_FAST_W) ? (int64_t)lo : (int32_t)lo;
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    double d;

    if (likely(mag <= 1ull << 53 || sse_fp_rn_pe(env->mxcsr))) {
        d = (double)v;
        memcpy(&env->xmm_regs[SSE_INFO_REG(info)].q[0], &d, 8);
        return;
    }
    sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

void helper_sse_cvtsi2ss(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                         uint64_t hi)
{
    int64_t v = (info & SSE_FAST_W) ? (int64_t)lo : (int32_t)lo;
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    uint64_t *d = &env->xmm_regs[SSE_INFO_REG(info)].q[0];
    uint32_t r;
    float s;

    if (likely(mag <= 1ull << 24 || sse_fp_rn_pe(env->mxcsr))) {
        s = (float)v;
        memcpy(&r, &s, 4);
        *d = (*d & 0xffffffff00000000ull) | r;
        return;
    }
    sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

/*
 * cvt(t)ss2si/cvt(t)sd2si of a plain number well inside the integer
 * range: exact, or inexact with PE recorded (and, when rounding, round
 * to nearest). Returns the general register's new value.
 */
static inline bool sse_fp_to_int(double x, uint32_t info, uint32_t mxcsr, uint64_t *res)
{
    bool w = info & SSE_FAST_W, trunc = info & SSE_FAST_TRUNC;
    int64_t r;

    if (!(x > -0x1p30 && x < 0x1p30) && !(w && x > -0x1p62 && x < 0x1p62)) {
        return false;
    }
    if (trunc) {
        r = (int64_t)x;
    } else {
        asm("cvtsd2si %[x], %[r]" : [r] "=r" (r) : [x] "x" (x));
    }
    if ((double)r != x) {
        if ((mxcsr & (SSE_MXCSR_PE | SSE_MXCSR_PM)) != (SSE_MXCSR_PE | SSE_MXCSR_PM) ||
            (!trunc && (mxcsr & SSE_MXCSR_RC))) {
            return false;
        }
    }
    *res = w ? (uint64_t)r : (uint32_t)r;
    return true;
}

uint64_t helper_sse_cvtss2si(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                             uint64_t hi)
{
    uint32_t b = lo;
    uint64_t res = 0;
    float s;

    memcpy(&s, &b, 4);
    if (likely(fp32_plain(b) && sse_fp_to_int(s, info, env->mxcsr, &res))) {
        return res;
    }
    return sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

uint64_t helper_sse_cvtsd2si(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                             uint64_t hi)
{
    uint64_t res = 0;
    double x;

    memcpy(&x, &lo, 8);
    if (likely(fp64_plain(lo) && sse_fp_to_int(x, info, env->mxcsr, &res))) {
        return res;
    }
    return sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

/* cvtss2sd of a plain number is exact. */
void helper_sse_cvtss2sd(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                         uint64_t hi)
{
    uint32_t b = lo;
    float s;
    double d;

    if (likely(fp32_plain(b))) {
        memcpy(&s, &b, 4);
        d = s;
        memcpy(&env->xmm_regs[SSE_INFO_REG(info)].q[0], &d, 8);
        return;
    }
    sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

void helper_sse_cvtsd2ss(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo,
                         uint64_t hi)
{
    uint64_t *d = &env->xmm_regs[SSE_INFO_REG(info)].q[0];
    uint32_t r;
    double x;
    float s;

    if (likely(sse_fp_rn_pe(env->mxcsr) && fp64_plain(lo))) {
        memcpy(&x, &lo, 8);
        s = x;
        memcpy(&r, &s, 4);
        if (likely(fp32_safe(r) || (fp32_zero(r) && fp64_zero(lo)))) {
            *d = (*d & 0xffffffff00000000ull) | r;
            return;
        }
    }
    sse_fp_slow(env, stub, info, lo, hi, GETPC());
}

/* 0F 5A: float <-> double; widening is exact, narrowing needs rn_pe. */
static bool sse_fp_cvt5a(int form, bool rn_pe, SseLeanFrame *f)
{
    SseVec a, b;
    X86XMMReg r;

    a = sse_vec(&f->x1);
    b = sse_vec(&f->x2);
    switch (form) {
    case 0: /* cvtps2pd */
        if (!fp32_plain(f->x2.l[0]) || !fp32_plain(f->x2.l[1])) {
            return false;
        }
        SSE_FP_ASM("cvtps2pd");
        break;
    case 2: /* cvtss2sd */
        if (!fp32_plain(f->x2.l[0])) {
            return false;
        }
        SSE_FP_ASM("cvtss2sd");
        break;
    default: /* cvtpd2ps, cvtsd2ss */
        if (!rn_pe) {
            return false;
        }
        if (form == 1) {
            SSE_FP_ASM("cvtpd2ps");
        } else {
            SSE_FP_ASM("cvtsd2ss");
        }
        sse_unvec(&r, a);
        for (int i = 0; i < (form == 1 ? 2 : 1); i++) {
            if (!fp64_plain(f->x2.q[i]) ||
                !(fp32_safe(r.l[i]) || (fp32_zero(r.l[i]) && fp64_zero(f->x2.q[i])))) {
                return false;
            }
        }
        break;
    }
    sse_unvec(&f->x1, a);
    return true;
}

/*
 * 0F 5B and 0F E6: int32 <-> float/double. Float to int: plain numbers
 * well inside the range, exact or inexact with PE recorded (round to
 * nearest unless truncating); int to float: exact below 2^24, else
 * rn_pe; int to double: always exact.
 */
static bool sse_fp_cvtdq(int kind, int form, uint32_t mxcsr, bool rn_pe, SseLeanFrame *f)
{
    bool pe = (mxcsr & (SSE_MXCSR_PE | SSE_MXCSR_PM)) == (SSE_MXCSR_PE | SSE_MXCSR_PM);
    bool to_int, trunc = false, dbl = false;
    SseVec a, b;
    X86XMMReg r;
    int lanes;

    a = sse_vec(&f->x1);
    b = sse_vec(&f->x2);
    if (kind == SSE_FP_CVT5B) {
        to_int = form != 0, trunc = form == 2, lanes = 4;
        if (form == 0) {
            SSE_FP_ASM("cvtdq2ps");
        } else if (form == 1) {
            SSE_FP_ASM("cvtps2dq");
        } else if (form == 2) {
            SSE_FP_ASM("cvttps2dq");
        } else {
            return false;
        }
    } else {
        to_int = form != 2, trunc = form == 1, dbl = true, lanes = 2;
        if (form == 2) {
            SSE_FP_ASM("cvtdq2pd");
        } else if (form == 1) {
            SSE_FP_ASM("cvttpd2dq");
        } else if (form == 3) {
            SSE_FP_ASM("cvtpd2dq");
        } else {
            return false;
        }
    }
    sse_unvec(&r, a);
    for (int i = 0; i < lanes; i++) {
        if (to_int) {
            double x;
            float s;

            if (dbl) {
                if (!fp64_plain(f->x2.q[i])) {
                    return false;
                }
                memcpy(&x, &f->x2.q[i], 8);
            } else {
                if (!fp32_plain(f->x2.l[i])) {
                    return false;
                }
                memcpy(&s, &f->x2.l[i], 4);
                x = s;
            }
            if (!(x > -0x1p30 && x < 0x1p30)) {
                return false;
            }
            if ((double)(int32_t)r.l[i] != x && !(pe && (trunc || rn_pe))) {
                return false;
            }
        } else if (!dbl) {
            int32_t v = f->x2.l[i];

            if (!rn_pe && (v > (1 << 24) || v < -(1 << 24))) {
                return false;
            }
        }
    }
    sse_q_copy(&f->x1, &r);
    return true;
}

bool sse_fp_try(uint32_t mxcsr, uint32_t info, SseLeanFrame *f)
{
    int id = SSE_FP_OF_INFO(info), kind = id >> 3, form = id & 3;

    switch (kind) {
    case SSE_FP_CVT5A:
        return sse_fp_cvt5a(form, sse_fp_rn_pe(mxcsr), f);
    case SSE_FP_CVT5B:
    case SSE_FP_CVTE6:
        return sse_fp_cvtdq(kind, form, mxcsr, sse_fp_rn_pe(mxcsr), f);
    default:
        return false;
    }
}

uint64_t helper_sse_fp(CPUX86State *env, uint64_t stub, uint32_t info, uint64_t lo, uint64_t hi)
{
    SseLeanFrame f;

    sse_fast_load(env, info, lo, hi, &f);
    /* sse_fp_try writes f only when it succeeds. */
    if (!sse_fp_try(env->mxcsr, info, &f)) {
        sse_fast_exec(env, stub, info, &f, GETPC());
    }
    return sse_fast_store(env, info, &f);
}
