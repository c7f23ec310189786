/*
 * sse_helper.c: runtime of the MMX/SSE..SSE4.2 instructions under TCG.
 * The host is x86-64 with SSE4.2, so each guest instruction of those
 * sets runs as the same instruction on the host, in register form, with
 * the guest's MXCSR loaded: results, rounding, DAZ/FTZ, NaN payloads and
 * exception flags are exact by construction and no softfloat is needed.
 * Not here: decoding, memory operands and plain moves (translate-sse.c).
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/sse-stub.h"

/*
 * The register file a stub works on. The stub loads xmm1/xmm2/xmm0,
 * mm1/mm2, RAX/RCX/RDX and MXCSR from here, runs the guest instruction
 * (ModRM 0xCA: reg = 1, r/m = 2) and stores xmm1, xmm0, mm1, RCX, RDX,
 * RFLAGS and MXCSR back. The offsets are baked into sse_stub_prologue.
 */
typedef struct SseFrame {
    X86XMMReg x1;       /* 0: reg operand (xmm) */
    X86XMMReg x2;       /* 16: r/m operand (xmm) */
    X86XMMReg x0;       /* 32: implicit XMM0 (blendv, pcmpXstrm) */
    uint64_t rax;       /* 48 */
    uint64_t rcx;       /* 56: reg operand (GPR) / pcmpXstri index */
    uint64_t rdx;       /* 64: r/m operand (GPR) */
    uint64_t rflags;    /* 72 */
    uint32_t mxcsr;     /* 80 */
    uint32_t pad;
    uint64_t m1;        /* 88: reg operand (mm) */
    uint64_t m2;        /* 96: r/m operand (mm) */
} SseFrame;

G_STATIC_ASSERT(offsetof(SseFrame, m2) == 96);

static const uint8_t sse_stub_prologue[] = {
    0xf3, 0x0f, 0x6f, 0x0f,             /* movdqu (%rdi), %xmm1 */
    0xf3, 0x0f, 0x6f, 0x57, 0x10,       /* movdqu 16(%rdi), %xmm2 */
    0xf3, 0x0f, 0x6f, 0x47, 0x20,       /* movdqu 32(%rdi), %xmm0 */
    0x0f, 0x6f, 0x4f, 0x58,             /* movq 88(%rdi), %mm1 */
    0x0f, 0x6f, 0x57, 0x60,             /* movq 96(%rdi), %mm2 */
    0x48, 0x8b, 0x47, 0x30,             /* mov 48(%rdi), %rax */
    0x48, 0x8b, 0x4f, 0x38,             /* mov 56(%rdi), %rcx */
    0x48, 0x8b, 0x57, 0x40,             /* mov 64(%rdi), %rdx */
    0x0f, 0xae, 0x57, 0x50,             /* ldmxcsr 80(%rdi) */
};

static const uint8_t sse_stub_epilogue[] = {
    0x0f, 0xae, 0x5f, 0x50,             /* stmxcsr 80(%rdi) */
    0xf3, 0x0f, 0x7f, 0x0f,             /* movdqu %xmm1, (%rdi) */
    0xf3, 0x0f, 0x7f, 0x57, 0x10,       /* movdqu %xmm2, 16(%rdi) */
    0xf3, 0x0f, 0x7f, 0x47, 0x20,       /* movdqu %xmm0, 32(%rdi) */
    0x0f, 0x7f, 0x4f, 0x58,             /* movq %mm1, 88(%rdi) */
    0x0f, 0x7f, 0x57, 0x60,             /* movq %mm2, 96(%rdi) */
    0x48, 0x89, 0x4f, 0x38,             /* mov %rcx, 56(%rdi) */
    0x48, 0x89, 0x57, 0x40,             /* mov %rdx, 64(%rdi) */
    0x9c, 0x8f, 0x47, 0x48,             /* pushfq; popq 72(%rdi) */
    0x0f, 0x77,                         /* emms: leave the host x87 as found */
    0xc3,                               /* ret */
};

#define SSE_STUB_SIZE 128
#define SSE_STUB_PAGE 65536

typedef void (*SseStubFn)(SseFrame *f);

static GHashTable *sse_stubs;   /* key: instruction bytes (GBytes) -> code */
static uint8_t *sse_stub_page;
static size_t sse_stub_used = SSE_STUB_PAGE;

uintptr_t sse_stub_get(const uint8_t *insn, size_t len)
{
    GBytes *key;
    uint8_t *code, *p;
    size_t n = sizeof(sse_stub_prologue) + len + sizeof(sse_stub_epilogue);

    g_assert(len <= 16 && n <= SSE_STUB_SIZE);
    if (!sse_stubs) {
        sse_stubs = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify)g_bytes_unref, NULL);
    }
    key = g_bytes_new(insn, len);
    code = g_hash_table_lookup(sse_stubs, key);
    if (code) {
        g_bytes_unref(key);
        return (uintptr_t)code;
    }
    if (sse_stub_used + SSE_STUB_SIZE > SSE_STUB_PAGE) {
        /* A fresh page; full pages stay read+exec (W^X), never freed. */
        sse_stub_page = mmap(NULL, SSE_STUB_PAGE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        g_assert(sse_stub_page != MAP_FAILED);
        sse_stub_used = 0;
    } else {
        g_assert(mprotect(sse_stub_page, SSE_STUB_PAGE, PROT_READ | PROT_WRITE) == 0);
    }
    code = p = sse_stub_page + sse_stub_used;
    memcpy(p, sse_stub_prologue, sizeof(sse_stub_prologue));
    p += sizeof(sse_stub_prologue);
    memcpy(p, insn, len);
    p += len;
    memcpy(p, sse_stub_epilogue, sizeof(sse_stub_epilogue));
    sse_stub_used += SSE_STUB_SIZE;
    g_assert(mprotect(sse_stub_page, SSE_STUB_PAGE, PROT_READ | PROT_EXEC) == 0);
    g_hash_table_insert(sse_stubs, key, code);
    return (uintptr_t)code;
}

/* MXCSR bits a host with DAZ accepts (anything else would #GP the host). */
#define SSE_MXCSR_VALID 0xffffu
#define SSE_MXCSR_FLAGS 0x3fu
#define SSE_MXCSR_MASKS 0x1f80u

uint64_t helper_sse_exec(CPUX86State *env, uint64_t stub, uint32_t info,
                         uint64_t lo, uint64_t hi)
{
    SseFrame f = { 0 };
    int reg = SSE_INFO_REG(info), rm = SSE_INFO_RM(info);
    int rk = SSE_INFO_REGK(info), mk = SSE_INFO_RMK(info);
    uint32_t host_mxcsr, guest = env->mxcsr & SSE_MXCSR_VALID, raised;

    switch (rk) {
    case SSE_K_XMM:
        f.x1 = env->xmm_regs[reg];
        break;
    case SSE_K_MM:
        f.m1 = env->fpregs[reg & 7].low;
        break;
    default:
        f.rcx = env->regs[reg];
        break;
    }
    switch (mk) {
    case SSE_K_XMM:
        f.x2 = env->xmm_regs[rm];
        break;
    case SSE_K_MM:
        f.m2 = env->fpregs[rm & 7].low;
        break;
    case SSE_K_GPR:
        f.rdx = env->regs[rm];
        break;
    default: /* SSE_K_MEM: the translator loaded it */
        f.x2.q[0] = lo;
        f.x2.q[1] = hi;
        f.m2 = lo;
        f.rdx = lo;
        break;
    }
    f.x0 = env->xmm_regs[0];
    f.rax = env->regs[R_EAX];
    if (info & SSE_INFO_IMPLICIT_DX) {
        f.rdx = env->regs[R_EDX];
    }
    /* Exceptions masked on the host: the guest's masks are applied below. */
    f.mxcsr = guest | SSE_MXCSR_MASKS;
    f.mxcsr &= ~SSE_MXCSR_FLAGS;

    host_mxcsr = __builtin_ia32_stmxcsr();
    ((SseStubFn)stub)(&f);
    __builtin_ia32_ldmxcsr(host_mxcsr);

    raised = f.mxcsr & SSE_MXCSR_FLAGS;
    env->mxcsr |= raised;
    if (raised & ~(guest >> 7) & SSE_MXCSR_FLAGS) {
        /* An unmasked exception: no result is written (SDM 11.5.1). */
        raise_exception_ra(env, (env->cr[4] & CR4_OSXMMEXCPT_MASK) ? EXCP13_XMM : EXCP06_ILLOP,
                           GETPC());
    }
    if (rk == SSE_K_MM || mk == SSE_K_MM) {
        /* Any MMX instruction: TOP = 0 and all tags valid (SDM 9.5.1). */
        env->fpstt = 0;
        memset(env->fptags, 0, sizeof(env->fptags));
    }
    switch (SSE_INFO_OUT(info)) {
    case SSE_OUT_REG:
        if (rk == SSE_K_XMM) {
            env->xmm_regs[reg] = f.x1;
        } else if (rk == SSE_K_MM) {
            env->fpregs[reg & 7].low = f.m1;
            env->fpregs[reg & 7].high = 0xffff;
        } else {
            env->regs[reg] = f.rcx;     /* the stub wrote it at the right size */
        }
        return 0;
    case SSE_OUT_FLAGS:
        return f.rflags & (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C);
    case SSE_OUT_STRI:
        env->regs[R_ECX] = f.rcx;
        return f.rflags & (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C);
    case SSE_OUT_STRM:
        env->xmm_regs[0] = f.x0;
        return f.rflags & (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C);
    default: /* SSE_OUT_RM: the r/m register, or returns the value to store */
        if (mk == SSE_K_GPR) {
            env->regs[rm] = f.rdx;
        } else if (mk == SSE_K_XMM) {
            env->xmm_regs[rm] = f.x2;
        } else if (mk == SSE_K_MM) {
            env->fpregs[rm & 7].low = f.m2;
            env->fpregs[rm & 7].high = 0xffff;
        }
        return f.rdx;
    }
}

void helper_sse_check_align16(CPUX86State *env, uint64_t addr)
{
    if (addr & 15) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, GETPC());
    }
}

void helper_sse_emms(CPUX86State *env)
{
    memset(env->fptags, 1, sizeof(env->fptags));
}

void helper_sse_mmx_enter(CPUX86State *env)
{
    env->fpstt = 0;
    memset(env->fptags, 0, sizeof(env->fptags));
}

/*
 * MASKMOVQ / MASKMOVDQU: store the bytes of register data (mm or xmm)
 * whose byte in register mask has bit 7 set, at a0 (DS:rDI). Byte by
 * byte: a fault leaves the bytes below it written, as the SDM allows.
 */
void helper_sse_maskmov(CPUX86State *env, uint64_t a0, uint32_t info)
{
    int data = info & 15, mask = (info >> 4) & 15;
    bool mmx = info & 0x100;
    X86XMMReg d, m;
    int mmu = x86_mmu_index(env);
    uintptr_t ra = GETPC();

    if (mmx) {
        d.q[0] = env->fpregs[data & 7].low;
        m.q[0] = env->fpregs[mask & 7].low;
        m.q[1] = 0;
        helper_sse_mmx_enter(env);
    } else {
        d = env->xmm_regs[data];
        m = env->xmm_regs[mask];
    }
    for (int i = 0; i < (mmx ? 8 : 16); i++) {
        if (m.b[i] & 0x80) {
            cpu_stb_mmuidx_ra(env, a0 + i, d.b[i], mmu, ra);
        }
    }
}
