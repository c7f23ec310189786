/*
 * sse_fast.h: the lean path of the SSE runtime (sse_fast.c: XMM and
 * general-register instructions run by a short host stub, MXCSR loaded
 * only for floating-point ones) and the MXCSR-free floating-point helpers
 * (sse_fp.c). The decoder side is translate-sse.c; the full path is in
 * sse-stub.h.
 */
#ifndef TARGET_I386_TCG_SSE_FAST_H
#define TARGET_I386_TCG_SSE_FAST_H

#include "target/i386/cpu-state.h"

/* Stub kinds: the full frame of helper_sse_exec, the lean frame (+RFLAGS). */
enum { SSE_STUB_FULL, SSE_STUB_LEAN, SSE_STUB_LEAN_FLAGS };

/*
 * The stub of kind running insn (a whitelisted register form, ModRM 0xCA:
 * reg = xmm1/rcx, r/m = xmm2/rdx; at most 16 bytes); built once per
 * (kind, bytes) and never freed. Safe to call from several threads.
 */
uintptr_t sse_stub_get_kind(int kind, const uint8_t *insn, size_t len);

/* What a lean stub loads and stores back (offsets baked into the stubs). */
typedef struct SseLeanFrame {
    X86XMMReg x1;       /* 0: reg operand (xmm) */
    X86XMMReg x2;       /* 16: r/m operand (xmm) or the loaded memory operand */
    uint64_t rcx;       /* 32: reg operand (GPR) */
    uint64_t rdx;       /* 40: r/m operand (GPR) or the low memory quadword */
    uint64_t rflags;    /* 48: SSE_STUB_LEAN_FLAGS only */
} SseLeanFrame;

/*
 * Copy an XMM register as two 64-bit halves, never as one 128-bit move:
 * translated code writes XMM registers 64 bits at a time, and a 128-bit
 * load of two recent 64-bit stores stalls store forwarding (~15 ns on
 * the hosts measured, more than the instruction). The empty asm keeps
 * the compiler from merging the halves.
 */
static inline void sse_q_copy(X86XMMReg *d, const X86XMMReg *s)
{
    uint64_t lo = s->q[0], hi = s->q[1];

    asm("" : "+r" (lo), "+r" (hi));
    d->q[0] = lo;
    d->q[1] = hi;
}

/*
 * helper_sse_fast's info: SSE_INFO() of sse-stub.h, with no MMX operand,
 * no implicit register (XMM0, RAX, RDX) and out REG, FLAGS or RM; plus
 * SSE_FAST_NOFP when the instruction neither reads nor writes MXCSR
 * (integer, bitwise, moves, shuffles), so the MXCSR work is skipped.
 * General-register results are returned, not written: the translator
 * moves them into the TCG global.
 */
#define SSE_FAST_NOFP (1u << 20)
#define SSE_FAST_W     (1u << 21)   /* sse_fp.c conversions: REX.W (64-bit integer) */
#define SSE_FAST_TRUNC (1u << 22)   /* sse_fp.c cvt*2si: truncating (cvtt*) */

/* MXCSR fields; SSE_MXCSR_HOST is what host code runs with. */
#define SSE_MXCSR_FLAGS 0x3fu
#define SSE_MXCSR_MASKS 0x1f80u
#define SSE_MXCSR_VALID 0xffffu     /* what a host with DAZ accepts */
#define SSE_MXCSR_PE    0x20u
#define SSE_MXCSR_PM    0x1000u
#define SSE_MXCSR_RC    0x6000u
#define SSE_MXCSR_HOST  0x1f80u

/*
 * helper_sse_fp's info: helper_sse_fast's, plus the operation in bits
 * 24-31 (SSE_FP_ID), for which sse_fp.c has a path without MXCSR.
 * form = the mandatory prefix class: 0 ps, 1 pd (66), 2 ss (F3), 3 sd (F2).
 */
enum {
    SSE_FP_ADD = 1, SSE_FP_MUL, SSE_FP_SUB, SSE_FP_MIN, SSE_FP_DIV, SSE_FP_MAX, SSE_FP_SQRT,
    SSE_FP_COMI, SSE_FP_UCOMI,
    SSE_FP_CVTSI,       /* 0F 2A F3/F2: cvtsi2ss/sd */
    SSE_FP_CVTT2SI,     /* 0F 2C F3/F2: cvttss2si/cvttsd2si */
    SSE_FP_CVT2SI,      /* 0F 2D F3/F2: cvtss2si/cvtsd2si */
    SSE_FP_CVT5A,       /* 0F 5A: cvtps2pd, cvtpd2ps, cvtss2sd, cvtsd2ss */
    SSE_FP_CVT5B,       /* 0F 5B: cvtdq2ps, cvtps2dq, cvttps2dq */
    SSE_FP_CVTE6,       /* 0F E6: cvttpd2dq, cvtdq2pd, cvtpd2dq */
    SSE_FP_CMP,         /* 0F C2: cmpps/pd/ss/sd (the predicate in info bits 24-31) */
};
#define SSE_FP_ID(kind, w, form) (((kind) << 3) | ((w) << 2) | (form))
#define SSE_FP_INFO(id)          ((uint32_t)(id) << 24)
#define SSE_FP_OF_INFO(info)     ((info) >> 24)

/* The pieces of helper_sse_fast, shared with helper_sse_fp (sse_fast.c). */
void sse_fast_load(CPUX86State *env, uint32_t info, uint64_t lo, uint64_t hi, SseLeanFrame *f);
void sse_fast_exec(CPUX86State *env, uint64_t stub, uint32_t info, SseLeanFrame *f,
                   uintptr_t ra);
uint64_t sse_fast_store(CPUX86State *env, uint32_t info, const SseLeanFrame *f);

/*
 * Run the operation SSE_FP_OF_INFO(info) on f if its result and flags
 * can be had without MXCSR (sse_fp.c); false: run the stub instead.
 */
bool sse_fp_try(uint32_t mxcsr, uint32_t info, SseLeanFrame *f);

#endif
