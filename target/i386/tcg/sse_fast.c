/*
 * sse_fast.c: the lean runtime of the SSE instructions that only touch
 * XMM and general registers (almost all of them): a short host stub on a
 * small frame, MXCSR loaded only for floating-point instructions. The
 * floating-point fast paths that need no MXCSR at all are in sse_fp.c;
 * MMX and the instructions with implicit registers keep the full path
 * (helper_sse_exec, sse_helper.c).
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/sse-stub.h"
#include "target/i386/tcg/sse_fast.h"

typedef void (*SseLeanFn)(SseLeanFrame *f);

static inline uint32_t sse_fast_stmxcsr(void)
{
    uint32_t v;

    asm volatile("stmxcsr %0" : "=m" (v) : : "memory");
    return v;
}

static inline void sse_fast_ldmxcsr(uint32_t v)
{
    asm volatile("ldmxcsr %0" : : "m" (v) : "memory");
}

void sse_fast_load(CPUX86State *env, uint32_t info, uint64_t lo, uint64_t hi, SseLeanFrame *f)
{
    int reg = SSE_INFO_REG(info), rm = SSE_INFO_RM(info);

    if (SSE_INFO_REGK(info) == SSE_K_XMM) {
        sse_q_copy(&f->x1, &env->xmm_regs[reg]);
        f->rcx = 0;
    } else {
        f->x1.q[0] = f->x1.q[1] = 0;
        f->rcx = env->regs[reg];
    }
    switch (SSE_INFO_RMK(info)) {
    case SSE_K_XMM:
        sse_q_copy(&f->x2, &env->xmm_regs[rm]);
        f->rdx = 0;
        break;
    case SSE_K_GPR:
        f->x2.q[0] = f->x2.q[1] = 0;
        f->rdx = env->regs[rm];
        break;
    default: /* SSE_K_MEM: the translator loaded it */
        f->x2.q[0] = lo;
        f->x2.q[1] = hi;
        f->rdx = lo;
        break;
    }
    f->rflags = 0;
}

/*
 * Run the stub; for a floating-point instruction under the guest's
 * MXCSR with every exception masked on the host, merging the flags it
 * raised into the guest's and raising #XM (#UD without CR4.OSXMMEXCPT)
 * for an unmasked one before any result is written (SDM 11.5.1).
 *
 * Reading MXCSR (STMXCSR) costs as much as ten simple SSE instructions
 * on the hosts measured, loading it little: so the host's MXCSR is not
 * saved but set back to the default that host code runs with (round to
 * nearest, all masked, no DAZ/FTZ; Keel never changes it elsewhere). A
 * guest's rounding, DAZ or FTZ never outlives the stub.
 */
void sse_fast_exec(CPUX86State *env, uint64_t stub, uint32_t info, SseLeanFrame *f,
                   uintptr_t ra)
{
    uint32_t guest, raised;

    if (info & SSE_FAST_NOFP) {
        ((SseLeanFn)stub)(f);
        return;
    }
    guest = env->mxcsr & SSE_MXCSR_VALID;
    sse_fast_ldmxcsr((guest & ~SSE_MXCSR_FLAGS) | SSE_MXCSR_MASKS);
    ((SseLeanFn)stub)(f);
    raised = sse_fast_stmxcsr() & SSE_MXCSR_FLAGS;
    sse_fast_ldmxcsr(SSE_MXCSR_HOST);
    env->mxcsr |= raised;
    if (raised & ~(guest >> 7) & SSE_MXCSR_FLAGS) {
        raise_exception_ra(env, (env->cr[4] & CR4_OSXMMEXCPT_MASK) ? EXCP13_XMM : EXCP06_ILLOP,
                           ra);
    }
}

uint64_t sse_fast_store(CPUX86State *env, uint32_t info, const SseLeanFrame *f)
{
    switch (SSE_INFO_OUT(info)) {
    case SSE_OUT_REG:
        if (SSE_INFO_REGK(info) == SSE_K_XMM) {
            sse_q_copy(&env->xmm_regs[SSE_INFO_REG(info)], &f->x1);
            return 0;
        }
        return f->rcx;  /* the host wrote it at the right size */
    case SSE_OUT_FLAGS:
        return f->rflags & (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C);
    default: /* SSE_OUT_RM: the r/m XMM register, else the GPR or value to store */
        if (SSE_INFO_RMK(info) == SSE_K_XMM) {
            sse_q_copy(&env->xmm_regs[SSE_INFO_RM(info)], &f->x2);
        }
        return f->rdx;
    }
}

uint64_t helper_sse_fast(CPUX86State *env, uint64_t stub, uint32_t info,
                         uint64_t lo, uint64_t hi)
{
    SseLeanFrame f;

    sse_fast_load(env, info, lo, hi, &f);
    sse_fast_exec(env, stub, info, &f, GETPC());
    return sse_fast_store(env, info, &f);
}

/* #GP(0) unless the 16-byte operand at addr is aligned (movaps, movdqa, ...). */
void helper_sse_align16(CPUX86State *env, uint64_t addr)
{
    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
}
