/*
 * fpu_xsave.c: the FXSAVE/FXRSTOR and XSAVE/XSAVEOPT/XRSTOR images of
 * the x87 and SSE state (standard form; components 0 and 1), XINUSE,
 * LDMXCSR/STMXCSR and XGETBV/XSETBV. Every image is read whole and
 * checked before any register changes, so a #PF or #GP part-way leaves
 * the state as it was (SDM Vol. 1 10.5.1, 13.8).
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/fpu-internal.h"

#define MXCSR_MASK 0xffff

/* Where the pieces of the legacy area and the XSAVE header are. */
#define FX_MXCSR        24
#define FX_ST           32
#define FX_XMM          160
#define FX_X87_END      160
#define XS_HEADER       512
#define XS_END          576

/* XMM0-7, or XMM0-15 in 64-bit mode. */
static int fpu_nb_xmm(CPUX86State *env)
{
    return (env->hflags & HF_CS64_MASK) ? 16 : 8;
}

/*
 * The x87 part of the legacy area (bytes 0..159). Without REX.W: 32-bit
 * FIP and FDP, each with its selector; with REX.W: 64-bit FIP and FDP.
 */
static void fpu_fx_x87_image(CPUX86State *env, uint8_t *p, bool rex_w)
{
    uint8_t ftw = 0;

    for (int i = 0; i < 8; i++) {
        ftw |= (uint8_t)!env->fptags[i] << i;
    }
    stw_le_p(p, env->fpuc);
    stw_le_p(p + 2, fpu_fsw(env));
    stw_le_p(p + 4, ftw);
    stw_le_p(p + 6, env->fpop & 0x7ff);
    if (rex_w) {
        stq_le_p(p + 8, env->fpip);
        stq_le_p(p + 16, env->fpdp);
    } else {
        stl_le_p(p + 8, env->fpip);
        stl_le_p(p + 12, env->fpcs);
        stl_le_p(p + 16, env->fpdp);
        stl_le_p(p + 20, env->fpds);
    }
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];

        stq_le_p(p + FX_ST + 16 * i, r->low);
        stq_le_p(p + FX_ST + 16 * i + 8, r->high);
    }
}

static void fpu_fx_x87_load(CPUX86State *env, const uint8_t *p, bool rex_w)
{
    uint8_t ftw = p[4];

    env->fpuc = lduw_le_p(p);
    env->fpop = lduw_le_p(p + 6) & 0x7ff;
    if (rex_w) {
        env->fpip = ldq_le_p(p + 8);
        env->fpdp = ldq_le_p(p + 16);
        env->fpcs = env->fpds = 0;
    } else {
        env->fpip = ldl_le_p(p + 8);
        env->fpcs = lduw_le_p(p + 12);
        env->fpdp = ldl_le_p(p + 16);
        env->fpds = lduw_le_p(p + 20);
    }
    fpu_set_fsw(env, lduw_le_p(p + 2));
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((ftw >> i) & 1);
    }
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];

        r->low = ldq_le_p(p + FX_ST + 16 * i);
        r->high = lduw_le_p(p + FX_ST + 16 * i + 8);
    }
}

static void fpu_fx_sse_image(CPUX86State *env, uint8_t *p)
{
    for (int i = 0; i < fpu_nb_xmm(env); i++) {
        stq_le_p(p + FX_XMM + 16 * i, env->xmm_regs[i].q[0]);
        stq_le_p(p + FX_XMM + 16 * i + 8, env->xmm_regs[i].q[1]);
    }
}

static void fpu_fx_sse_load(CPUX86State *env, const uint8_t *p)
{
    for (int i = 0; i < fpu_nb_xmm(env); i++) {
        env->xmm_regs[i].q[0] = ldq_le_p(p + FX_XMM + 16 * i);
        env->xmm_regs[i].q[1] = ldq_le_p(p + FX_XMM + 16 * i + 8);
    }
}

static void fpu_check_mxcsr(CPUX86State *env, uint32_t v, uintptr_t ra)
{
    if (v & ~MXCSR_MASK) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
}

void helper_fxsave(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    uint8_t img[FX_XMM + 16 * 16];

    if (a0 & 15) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    fpu_fx_x87_image(env, img, rex_w);
    if (env->cr[4] & CR4_OSFXSR_MASK) {
        stl_le_p(img + FX_MXCSR, env->mxcsr);
        stl_le_p(img + FX_MXCSR + 4, MXCSR_MASK);
        fpu_fx_sse_image(env, img);
        fpu_write_area(env, a0, img, FX_XMM + 16 * fpu_nb_xmm(env), ra);
    } else {
        /* MXCSR's bytes stay as they are (no OSFXSR: no SSE state). */
        fpu_write_area(env, a0 + FX_ST, img + FX_ST, FX_X87_END - FX_ST, ra);
        fpu_write_area(env, a0, img, FX_MXCSR, ra);
    }
}

void helper_fxrstor(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    uint8_t img[FX_XMM + 16 * 16];
    bool sse = env->cr[4] & CR4_OSFXSR_MASK;

    if (a0 & 15) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    fpu_read_area(env, a0, img, sse ? FX_XMM + 16 * fpu_nb_xmm(env) : FX_X87_END, ra);
    if (sse) {
        fpu_check_mxcsr(env, ldl_le_p(img + FX_MXCSR), ra);
        env->mxcsr = ldl_le_p(img + FX_MXCSR);
        fpu_fx_sse_load(env, img);
    }
    fpu_fx_x87_load(env, img, rex_w);
}

#define XSAVE_SUPPORTED (XSTATE_FP_MASK | XSTATE_SSE_MASK)

static uint64_t fpu_rfbm(CPUX86State *env)
{
    uint64_t mask = ((uint64_t)(uint32_t)env->regs[R_EDX] << 32) |
                    (uint32_t)env->regs[R_EAX];

    return mask & env->xcr0 & XSAVE_SUPPORTED;
}

/*
 * XINUSE (SDM Vol. 1 13.6): bit 0 unless the x87 state is in its initial
 * configuration; bit 1 unless XMM0-15 (XMM0-7 outside 64-bit mode) are
 * all 0. MXCSR does not count. Computed exactly: a component in its
 * initial configuration always reads as not in use.
 */
static uint64_t fpu_xinuse(CPUX86State *env)
{
    uint64_t inuse = 0;

    if (!fpu_x87_is_init(env)) {
        inuse |= XSTATE_FP_MASK;
    }
    for (int i = 0; i < fpu_nb_xmm(env); i++) {
        if (env->xmm_regs[i].q[0] || env->xmm_regs[i].q[1]) {
            inuse |= XSTATE_SSE_MASK;
            break;
        }
    }
    return inuse;
}

/* XSAVE/XRSTOR: #UD without CR4.OSXSAVE, #NM with CR0.TS, #GP unless 64-byte aligned. */
static void fpu_xsave_checks(CPUX86State *env, uint64_t a0, uintptr_t ra)
{
    if (!(env->cr[4] & CR4_OSXSAVE_MASK)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (env->cr[0] & CR0_TS_MASK) {
        raise_exception_ra(env, EXCP07_PREX, ra);
    }
    if (a0 & 63) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
}

/*
 * XSAVE, and XSAVEOPT, which may always write what XSAVE does (its init
 * and modified optimisations are permissions, SDM Vol. 1 13.9).
 * XSTATE_BV[i] = XINUSE[i] for the requested components.
 */
void helper_xsave(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    uint64_t rfbm = fpu_rfbm(env), bv;
    uint8_t img[XS_END];

    fpu_xsave_checks(env, a0, ra);
    bv = cpu_ldq_mmuidx_ra(env, a0 + XS_HEADER, mmu, ra);
    bv = (bv & ~rfbm) | (fpu_xinuse(env) & rfbm);
    stq_le_p(img + XS_HEADER, bv);
    /* The header is the far end: writing it first probes the last page. */
    fpu_write_area(env, a0 + XS_HEADER, img + XS_HEADER, 8, ra);
    if (rfbm & XSTATE_FP_MASK) {
        fpu_fx_x87_image(env, img, rex_w);
        fpu_write_area(env, a0 + FX_ST, img + FX_ST, FX_X87_END - FX_ST, ra);
        fpu_write_area(env, a0, img, FX_MXCSR, ra);
    }
    if (rfbm & XSTATE_SSE_MASK) {
        stl_le_p(img + FX_MXCSR, env->mxcsr);
        stl_le_p(img + FX_MXCSR + 4, MXCSR_MASK);
        fpu_write_area(env, a0 + FX_MXCSR, img + FX_MXCSR, 8, ra);
        fpu_fx_sse_image(env, img);
        fpu_write_area(env, a0 + FX_XMM, img + FX_XMM, 16 * fpu_nb_xmm(env), ra);
    }
}

/*
 * XRSTOR, standard form. #GP (before anything changes) for XSTATE_BV bits
 * outside XCR0, a non-zero XCOMP_BV (no compaction: XSAVEC is not
 * offered), non-zero header bytes 16-23, or reserved MXCSR bits. A
 * requested component whose XSTATE_BV bit is 0 gets its initial state.
 */
void helper_xrstor(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    uint64_t rfbm = fpu_rfbm(env), bv;
    uint8_t img[XS_END];
    uint32_t mxcsr = 0;

    fpu_xsave_checks(env, a0, ra);
    fpu_read_area(env, a0 + XS_HEADER, img + XS_HEADER, XS_END - XS_HEADER, ra);
    bv = ldq_le_p(img + XS_HEADER);
    if ((bv & ~env->xcr0) || ldq_le_p(img + XS_HEADER + 8) || ldq_le_p(img + XS_HEADER + 16)) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    if ((rfbm & bv) & XSTATE_FP_MASK) {
        fpu_read_area(env, a0, img, FX_X87_END, ra);
    }
    if (rfbm & XSTATE_SSE_MASK) {
        /* MXCSR comes from memory even when XSTATE_BV[1] is clear. */
        fpu_read_area(env, a0 + FX_MXCSR, img + FX_MXCSR, 8, ra);
        mxcsr = ldl_le_p(img + FX_MXCSR);
        fpu_check_mxcsr(env, mxcsr, ra);
        if (bv & XSTATE_SSE_MASK) {
            fpu_read_area(env, a0 + FX_XMM, img + FX_XMM, 16 * fpu_nb_xmm(env), ra);
        }
    }
    /* Nothing faults from here on. */
    if (rfbm & XSTATE_FP_MASK) {
        if (bv & XSTATE_FP_MASK) {
            fpu_fx_x87_load(env, img, rex_w);
        } else {
            fpu_init_state(env, true);
        }
    }
    if (rfbm & XSTATE_SSE_MASK) {
        env->mxcsr = mxcsr;
        if (bv & XSTATE_SSE_MASK) {
            fpu_fx_sse_load(env, img);
        } else {
            memset(env->xmm_regs, 0, sizeof(env->xmm_regs[0]) * fpu_nb_xmm(env));
        }
    }
}

uint64_t helper_stmxcsr(CPUX86State *env)
{
    return env->mxcsr;
}

void helper_ldmxcsr(CPUX86State *env, uint32_t v)
{
    fpu_check_mxcsr(env, v, GETPC());
    env->mxcsr = v;
}

/* The XCR0 bits this vCPU offers: CPUID.(0xd, 0).EAX, within what is implemented. */
static uint64_t fpu_xcr0_supported(CPUX86State *env)
{
    const X86CPUIDEntry *d = x86_cpuid(env, 0xd, 0);

    return (d ? d->eax : XSTATE_FP_MASK) & XSAVE_SUPPORTED;
}

/* CPUID.(EAX=0DH,ECX=1):EAX.XGETBV1[bit 2]: XGETBV with ECX=1 (XINUSE). */
static bool fpu_has_xgetbv1(CPUX86State *env)
{
    const X86CPUIDEntry *d = x86_cpuid(env, 0xd, 1);

    return d && (d->eax & (1u << 2));
}

uint64_t helper_xgetbv(CPUX86State *env, uint32_t ecx)
{
    uintptr_t ra = GETPC();

    if (!(env->cr[4] & CR4_OSXSAVE_MASK)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (ecx == 0) {
        return env->xcr0;
    }
    if (ecx != 1 || !fpu_has_xgetbv1(env)) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    return env->xcr0 & fpu_xinuse(env);
}

void helper_xsetbv(CPUX86State *env, uint32_t ecx, uint64_t v)
{
    uintptr_t ra = GETPC();

    if (!(env->cr[4] & CR4_OSXSAVE_MASK)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if ((env->hflags & HF_CPL_MASK) != 0 || ecx != 0 || !(v & XSTATE_FP_MASK) ||
        (v & ~fpu_xcr0_supported(env))) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    env->xcr0 = v;
}
