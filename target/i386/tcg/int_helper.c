/*
 * int_helper.c: integer helpers of the x86 translator that are easier in
 * C: DIV/IDIV at every size (#DE for a zero divisor or a quotient that
 * does not fit), the BCD adjustments (AAM/AAD/AAA/AAS/DAA/DAS),
 * CMPXCHG8B/16B through the softmmu, BOUND (#BR), and the single-step
 * trap raised at the end of a TB under EFLAGS.TF.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"

#define DR6_BS (1u << 14)

static void x86_set_reg16(CPUX86State *env, int reg, uint64_t v)
{
    env->regs[reg] = (env->regs[reg] & ~0xffffULL) | (v & 0xffff);
}

static uint64_t x86_flags_now(CPUX86State *env)
{
    return cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2, env->cc_op);
}

/* ---- division ---- */

void helper_divb_AL(CPUX86State *env, uint64_t t0)
{
    unsigned num = env->regs[R_EAX] & 0xffff, den = t0 & 0xff, q;

    if (den == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    q = num / den;
    if (q > 0xff) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    x86_set_reg16(env, R_EAX, ((num % den) << 8) | q);
}

void helper_idivb_AL(CPUX86State *env, uint64_t t0)
{
    int num = (int16_t)env->regs[R_EAX], den = (int8_t)t0, q;

    if (den == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    q = num / den;
    if (q != (int8_t)q) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    x86_set_reg16(env, R_EAX, (((num % den) & 0xff) << 8) | (q & 0xff));
}

void helper_divw_AX(CPUX86State *env, uint64_t t0)
{
    uint32_t num = ((env->regs[R_EDX] & 0xffff) << 16) | (env->regs[R_EAX] & 0xffff);
    uint32_t den = t0 & 0xffff, q;

    if (den == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    q = num / den;
    if (q > 0xffff) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    x86_set_reg16(env, R_EAX, q);
    x86_set_reg16(env, R_EDX, num % den);
}

void helper_idivw_AX(CPUX86State *env, uint64_t t0)
{
    int32_t num = (int32_t)(((env->regs[R_EDX] & 0xffff) << 16) |
                            (env->regs[R_EAX] & 0xffff));
    int32_t den = (int16_t)t0, q;

    if (den == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    q = num / den;      /* |num| < 2^31 and den != 0: no overflow in C */
    if (q != (int16_t)q) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    x86_set_reg16(env, R_EAX, q);
    x86_set_reg16(env, R_EDX, num % den);
}

void helper_divl_EAX(CPUX86State *env, uint64_t t0)
{
    uint64_t num = ((env->regs[R_EDX] & 0xffffffffULL) << 32) |
                   (env->regs[R_EAX] & 0xffffffffULL);
    uint64_t den = (uint32_t)t0, q;

    if (den == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    q = num / den;
    if (q > 0xffffffffULL) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    env->regs[R_EAX] = (uint32_t)q;
    env->regs[R_EDX] = (uint32_t)(num % den);
}

void helper_idivl_EAX(CPUX86State *env, uint64_t t0)
{
    int64_t num = (int64_t)(((env->regs[R_EDX] & 0xffffffffULL) << 32) |
                            (env->regs[R_EAX] & 0xffffffffULL));
    int64_t den = (int32_t)t0, q;

    if (den == 0 || (num == INT64_MIN && den == -1)) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    q = num / den;
    if (q != (int32_t)q) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    env->regs[R_EAX] = (uint32_t)q;
    env->regs[R_EDX] = (uint32_t)(num % den);
}

void helper_divq_EAX(CPUX86State *env, uint64_t t0)
{
    unsigned __int128 num = ((unsigned __int128)env->regs[R_EDX] << 64) | env->regs[R_EAX];
    uint64_t den = t0;

    /* The quotient fits in 64 bits exactly when RDX < divisor. */
    if (den == 0 || env->regs[R_EDX] >= den) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    env->regs[R_EAX] = (uint64_t)(num / den);
    env->regs[R_EDX] = (uint64_t)(num % den);
}

void helper_idivq_EAX(CPUX86State *env, uint64_t t0)
{
    __int128 num = (__int128)(((unsigned __int128)env->regs[R_EDX] << 64) | env->regs[R_EAX]);
    int64_t den = (int64_t)t0;
    __int128 q;

    if (den == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    if (den == -1) {
        /* Avoid the one C overflow (-2^127 / -1); the result is -num. */
        if (num == (__int128)((unsigned __int128)1 << 127) ||
            -num != (int64_t)-num) {
            raise_exception_ra(env, EXCP00_DIVZ, GETPC());
        }
        env->regs[R_EAX] = (uint64_t)(int64_t)-num;
        env->regs[R_EDX] = 0;
        return;
    }
    q = num / den;
    if (q != (int64_t)q) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    env->regs[R_EAX] = (uint64_t)(int64_t)q;
    env->regs[R_EDX] = (uint64_t)(int64_t)(num % den);
}

/* ---- BCD ---- */

void helper_aam(CPUX86State *env, uint32_t base)
{
    unsigned al = env->regs[R_EAX] & 0xff, ah;

    base &= 0xff;
    if (base == 0) {
        raise_exception_ra(env, EXCP00_DIVZ, GETPC());
    }
    ah = al / base;
    al = al % base;
    x86_set_reg16(env, R_EAX, al | (ah << 8));
    env->cc_dst = al;
}

void helper_aad(CPUX86State *env, uint32_t base)
{
    unsigned al = env->regs[R_EAX] & 0xff, ah = (env->regs[R_EAX] >> 8) & 0xff;

    al = (ah * (base & 0xff) + al) & 0xff;
    x86_set_reg16(env, R_EAX, al);
    env->cc_dst = al;
}

/* SF, ZF, PF of AL after DAA/DAS. */
static uint64_t bcd_szp(unsigned al)
{
    uint64_t f = al & 0x80 ? CC_S : 0;

    if (al == 0) {
        f |= CC_Z;
    }
    if (!__builtin_parity(al)) {
        f |= CC_P;
    }
    return f;
}

void helper_aaa(CPUX86State *env)
{
    uint64_t eflags = x86_flags_now(env);
    unsigned al = env->regs[R_EAX] & 0xff, ah = (env->regs[R_EAX] >> 8) & 0xff;
    bool carry = al > 0xf9;

    /* OF SF ZF PF are undefined; QEMU leaves them as they were. */
    if ((al & 0x0f) > 9 || (eflags & CC_A)) {
        al = (al + 6) & 0x0f;
        ah = (ah + 1 + carry) & 0xff;
        eflags |= CC_C | CC_A;
    } else {
        eflags &= ~(uint64_t)(CC_C | CC_A);
        al &= 0x0f;
    }
    x86_set_reg16(env, R_EAX, al | (ah << 8));
    env->cc_src = eflags;
}

void helper_aas(CPUX86State *env)
{
    uint64_t eflags = x86_flags_now(env);
    unsigned al = env->regs[R_EAX] & 0xff, ah = (env->regs[R_EAX] >> 8) & 0xff;
    bool borrow = al < 6;

    if ((al & 0x0f) > 9 || (eflags & CC_A)) {
        al = (al - 6) & 0x0f;
        ah = (ah - 1 - borrow) & 0xff;
        eflags |= CC_C | CC_A;
    } else {
        eflags &= ~(uint64_t)(CC_C | CC_A);
        al &= 0x0f;
    }
    x86_set_reg16(env, R_EAX, al | (ah << 8));
    env->cc_src = eflags;
}

void helper_daa(CPUX86State *env)
{
    uint64_t old = x86_flags_now(env), eflags = 0;
    unsigned al = env->regs[R_EAX] & 0xff, old_al = al;

    if ((al & 0x0f) > 9 || (old & CC_A)) {
        al = (al + 6) & 0xff;
        eflags |= CC_A;
    }
    if (old_al > 0x99 || (old & CC_C)) {
        al = (al + 0x60) & 0xff;
        eflags |= CC_C;
    }
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffULL) | al;
    env->cc_src = eflags | bcd_szp(al);     /* OF undefined: 0 as QEMU */
}

void helper_das(CPUX86State *env)
{
    uint64_t old = x86_flags_now(env), eflags = 0;
    unsigned al = env->regs[R_EAX] & 0xff, old_al = al;

    if ((al & 0x0f) > 9 || (old & CC_A)) {
        eflags |= CC_A;
        if (al < 6 || (old & CC_C)) {
            eflags |= CC_C;
        }
        al = (al - 6) & 0xff;
    }
    if (old_al > 0x99 || (old & CC_C)) {
        al = (al - 0x60) & 0xff;
        eflags |= CC_C;
    }
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffULL) | al;
    env->cc_src = eflags | bcd_szp(al);
}

/* ---- compare-exchange ---- */

/*
 * Under thread=multi (tcg_cpu_parallel) both run as one host LOCK
 * CMPXCHG8B/CMPXCHG16B on the operand's host address; an operand the host
 * cannot reach that way (MMIO, crossing a cache line) is done by the
 * load/store path below inside the exclusive one-instruction step.
 * Either way the destination is written (the old value on failure).
 */
static bool cmpxchg8b_host(void *h, uint64_t *cmpv, uint64_t newv)
{
    bool ok;

    asm volatile("lock cmpxchgq %3, %1\n\tsete %0"
                 : "=q"(ok), "+m"(*(volatile uint64_t *)h), "+a"(*cmpv)
                 : "r"(newv) : "memory", "cc");
    return ok;
}

static bool cmpxchg16b_host(void *h, uint64_t *lo, uint64_t *hi, uint64_t nlo, uint64_t nhi)
{
    bool ok;

    asm volatile("lock cmpxchg16b %1\n\tsete %0"
                 : "=q"(ok), "+m"(*(volatile uint64_t (*)[2])h), "+a"(*lo), "+d"(*hi)
                 : "b"(nlo), "c"(nhi) : "memory", "cc");
    return ok;
}

static void *cmpxchg_host(CPUX86State *env, uint64_t a0, unsigned size, int mmu,
                          uintptr_t ra)
{
    CPUState *cs = env_cpustate(env);
    void *h;

    if (!tcg_cpu_parallel(cs)) {
        return NULL;
    }
    h = tlb_atomic_host(cs, a0, size, mmu, ra);
    if (!h) {
        cpu_loop_exit_atomic(cs, ra);
    }
    return h;
}

void helper_cmpxchg8b(CPUX86State *env, uint64_t a0)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    uint64_t eflags = x86_flags_now(env);
    uint64_t cmpv = ((env->regs[R_EDX] & 0xffffffffULL) << 32) |
                    (env->regs[R_EAX] & 0xffffffffULL);
    uint64_t newv = ((env->regs[R_ECX] & 0xffffffffULL) << 32) |
                    (env->regs[R_EBX] & 0xffffffffULL);
    void *h = cmpxchg_host(env, a0, 8, mmu, ra);
    uint64_t oldv = cmpv;
    bool ok;

    if (h) {
        ok = cmpxchg8b_host(h, &oldv, newv);
    } else {
        oldv = cpu_ldq_mmuidx_ra(env, a0, mmu, ra);
        ok = oldv == cmpv;
        cpu_stq_mmuidx_ra(env, a0, ok ? newv : oldv, mmu, ra);
    }
    if (ok) {
        eflags |= CC_Z;
    } else {
        env->regs[R_EAX] = (uint32_t)oldv;
        env->regs[R_EDX] = oldv >> 32;
        eflags &= ~(uint64_t)CC_Z;
    }
    env->cc_src = eflags;
}

void helper_cmpxchg16b(CPUX86State *env, uint64_t a0)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    uint64_t eflags, lo, hi;
    void *h;
    bool ok;

    if (a0 & 0xf) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    eflags = x86_flags_now(env);
    h = cmpxchg_host(env, a0, 16, mmu, ra);
    lo = env->regs[R_EAX];
    hi = env->regs[R_EDX];
    if (h) {
        ok = cmpxchg16b_host(h, &lo, &hi, env->regs[R_EBX], env->regs[R_ECX]);
    } else {
        lo = cpu_ldq_mmuidx_ra(env, a0, mmu, ra);
        hi = cpu_ldq_mmuidx_ra(env, a0 + 8, mmu, ra);
        ok = lo == env->regs[R_EAX] && hi == env->regs[R_EDX];
        cpu_stq_mmuidx_ra(env, a0, ok ? env->regs[R_EBX] : lo, mmu, ra);
        cpu_stq_mmuidx_ra(env, a0 + 8, ok ? env->regs[R_ECX] : hi, mmu, ra);
    }
    if (ok) {
        eflags |= CC_Z;
    } else {
        env->regs[R_EAX] = lo;
        env->regs[R_EDX] = hi;
        eflags &= ~(uint64_t)CC_Z;
    }
    env->cc_src = eflags;
}

/* ---- BOUND ---- */

void helper_boundw(CPUX86State *env, uint64_t a0, uint32_t v)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    int low = (int16_t)cpu_lduw_mmuidx_ra(env, a0, mmu, ra);
    int high = (int16_t)cpu_lduw_mmuidx_ra(env, a0 + 2, mmu, ra);
    int val = (int16_t)v;

    if (val < low || val > high) {
        raise_exception_ra(env, EXCP05_BOUND, ra);
    }
}

void helper_boundl(CPUX86State *env, uint64_t a0, uint32_t v)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    int32_t low = (int32_t)cpu_ldl_mmuidx_ra(env, a0, mmu, ra);
    int32_t high = (int32_t)cpu_ldl_mmuidx_ra(env, a0 + 4, mmu, ra);
    int32_t val = (int32_t)v;

    if (val < low || val > high) {
        raise_exception_ra(env, EXCP05_BOUND, ra);
    }
}

/* ---- single-step ---- */

void helper_single_step(CPUX86State *env)
{
    env->dr[6] |= DR6_BS;
    raise_exception(env, EXCP01_DB);
}
