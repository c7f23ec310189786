/*
 * sse_helper.c: runtime of the MMX/SSE..SSE4.2 instructions under TCG.
 * The host is x86-64 with SSE4.2, so each guest instruction of those
 * sets runs as the same instruction on the host, in register form, with
 * the guest's MXCSR loaded: results, rounding, DAZ/FTZ, NaN payloads and
 * exception flags are exact by construction and no softfloat is needed.
 * Here: the stub builder and the full path (MMX, implicit registers);
 * the lean path is sse_fast.c, the MXCSR-free one sse_fp.c. Not here:
 * decoding, memory operands and inline operations (translate-sse*.c).
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/sse-stub.h"
#include "target/i386/tcg/sse_fast.h"

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
    /* XMM halves as 64-bit moves: see sse_lean_prologue. */
    0xf3, 0x0f, 0x7e, 0x0f,             /* movq (%rdi), %xmm1 */
    0x0f, 0x16, 0x4f, 0x08,             /* movhps 8(%rdi), %xmm1 */
    0xf3, 0x0f, 0x7e, 0x57, 0x10,       /* movq 16(%rdi), %xmm2 */
    0x0f, 0x16, 0x57, 0x18,             /* movhps 24(%rdi), %xmm2 */
    0xf3, 0x0f, 0x7e, 0x47, 0x20,       /* movq 32(%rdi), %xmm0 */
    0x0f, 0x16, 0x47, 0x28,             /* movhps 40(%rdi), %xmm0 */
    0x0f, 0x6f, 0x4f, 0x58,             /* movq 88(%rdi), %mm1 */
    0x0f, 0x6f, 0x57, 0x60,             /* movq 96(%rdi), %mm2 */
    0x48, 0x8b, 0x47, 0x30,             /* mov 48(%rdi), %rax */
    0x48, 0x8b, 0x4f, 0x38,             /* mov 56(%rdi), %rcx */
    0x48, 0x8b, 0x57, 0x40,             /* mov 64(%rdi), %rdx */
    0x0f, 0xae, 0x57, 0x50,             /* ldmxcsr 80(%rdi) */
};

static const uint8_t sse_stub_epilogue[] = {
    0x0f, 0xae, 0x5f, 0x50,             /* stmxcsr 80(%rdi) */
    0x66, 0x0f, 0xd6, 0x0f,             /* movq %xmm1, (%rdi) */
    0x0f, 0x17, 0x4f, 0x08,             /* movhps %xmm1, 8(%rdi) */
    0x66, 0x0f, 0xd6, 0x57, 0x10,       /* movq %xmm2, 16(%rdi) */
    0x0f, 0x17, 0x57, 0x18,             /* movhps %xmm2, 24(%rdi) */
    0x66, 0x0f, 0xd6, 0x47, 0x20,       /* movq %xmm0, 32(%rdi) */
    0x0f, 0x17, 0x47, 0x28,             /* movhps %xmm0, 40(%rdi) */
    0x0f, 0x7f, 0x4f, 0x58,             /* movq %mm1, 88(%rdi) */
    0x0f, 0x7f, 0x57, 0x60,             /* movq %mm2, 96(%rdi) */
    0x48, 0x89, 0x4f, 0x38,             /* mov %rcx, 56(%rdi) */
    0x48, 0x89, 0x57, 0x40,             /* mov %rdx, 64(%rdi) */
    0x9c, 0x8f, 0x47, 0x48,             /* pushfq; popq 72(%rdi) */
    0x0f, 0x77,                         /* emms: leave the host x87 as found */
    0xc3,                               /* ret */
};

/*
 * The lean frame (SseLeanFrame in sse_fast.h) for the XMM/GPR-only
 * instructions of helper_sse_fast: no MMX (so no EMMS), no MXCSR (the
 * caller manages it), RFLAGS only for the flag writers. The XMM halves
 * move as 64-bit quantities (movq/movhps): translated code writes the
 * guest's XMM registers 64 bits at a time, and a 128-bit load of two
 * recent 64-bit stores stalls store forwarding for longer than the
 * instruction itself takes.
 */
static const uint8_t sse_lean_prologue[] = {
    0xf3, 0x0f, 0x7e, 0x0f,             /* movq (%rdi), %xmm1 */
    0x0f, 0x16, 0x4f, 0x08,             /* movhps 8(%rdi), %xmm1 */
    0xf3, 0x0f, 0x7e, 0x57, 0x10,       /* movq 16(%rdi), %xmm2 */
    0x0f, 0x16, 0x57, 0x18,             /* movhps 24(%rdi), %xmm2 */
    0x48, 0x8b, 0x4f, 0x20,             /* mov 32(%rdi), %rcx */
    0x48, 0x8b, 0x57, 0x28,             /* mov 40(%rdi), %rdx */
};

static const uint8_t sse_lean_epilogue[] = {
    0x66, 0x0f, 0xd6, 0x0f,             /* movq %xmm1, (%rdi) */
    0x0f, 0x17, 0x4f, 0x08,             /* movhps %xmm1, 8(%rdi) */
    0x66, 0x0f, 0xd6, 0x57, 0x10,       /* movq %xmm2, 16(%rdi) */
    0x0f, 0x17, 0x57, 0x18,             /* movhps %xmm2, 24(%rdi) */
    0x48, 0x89, 0x4f, 0x20,             /* mov %rcx, 32(%rdi) */
    0x48, 0x89, 0x57, 0x28,             /* mov %rdx, 40(%rdi) */
    0xc3,                               /* ret */
};

static const uint8_t sse_lean_epilogue_flags[] = {
    0x9c, 0x8f, 0x47, 0x30,             /* pushfq; popq 48(%rdi) */
};

G_STATIC_ASSERT(offsetof(SseLeanFrame, rdx) == 40 && offsetof(SseLeanFrame, rflags) == 48);

#define SSE_STUB_SIZE 128
#define SSE_STUB_PAGE 65536

typedef void (*SseStubFn)(SseFrame *f);

/*
 * Stubs by (kind, instruction bytes). Translation may run on several
 * threads (one per vCPU with multi-threaded TCG), hence the lock; it is
 * taken only at translation time. Each chunk is a memfd mapped twice,
 * written through one view and run through the other (W^X), so that no
 * page ever changes protection while another vCPU runs a stub on it.
 */
static GHashTable *sse_stubs;   /* key: kind + instruction bytes (GBytes) -> code */
static uint8_t *sse_stub_rw, *sse_stub_rx;
static size_t sse_stub_used = SSE_STUB_PAGE;
static GMutex sse_stub_lock;

static void sse_stub_new_chunk(void)
{
    int fd = memfd_create("sse-stubs", MFD_CLOEXEC);

    g_assert(fd >= 0 && ftruncate(fd, SSE_STUB_PAGE) == 0);
    sse_stub_rw = mmap(NULL, SSE_STUB_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    sse_stub_rx = mmap(NULL, SSE_STUB_PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    g_assert(sse_stub_rw != MAP_FAILED && sse_stub_rx != MAP_FAILED);
    close(fd);
    sse_stub_used = 0;
}

static void sse_stub_put(uint8_t **p, const uint8_t *bytes, size_t len)
{
    memcpy(*p, bytes, len);
    *p += len;
}

uintptr_t sse_stub_get_kind(int kind, const uint8_t *insn, size_t len)
{
    GBytes *key;
    uint8_t buf[17];
    uint8_t *code, *p;

    g_assert(len <= 16);
    buf[0] = kind;
    memcpy(buf + 1, insn, len);
    key = g_bytes_new(buf, len + 1);
    g_mutex_lock(&sse_stub_lock);
    if (!sse_stubs) {
        sse_stubs = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify)g_bytes_unref, NULL);
    }
    code = g_hash_table_lookup(sse_stubs, key);
    if (code) {
        g_mutex_unlock(&sse_stub_lock);
        g_bytes_unref(key);
        return (uintptr_t)code;
    }
    if (sse_stub_used + SSE_STUB_SIZE > SSE_STUB_PAGE) {
        /* Chunks are never freed: a few thousand distinct stubs at most. */
        sse_stub_new_chunk();
    }
    p = sse_stub_rw + sse_stub_used;
    code = sse_stub_rx + sse_stub_used;
    if (kind == SSE_STUB_FULL) {
        sse_stub_put(&p, sse_stub_prologue, sizeof(sse_stub_prologue));
        sse_stub_put(&p, insn, len);
        sse_stub_put(&p, sse_stub_epilogue, sizeof(sse_stub_epilogue));
    } else {
        sse_stub_put(&p, sse_lean_prologue, sizeof(sse_lean_prologue));
        sse_stub_put(&p, insn, len);
        if (kind == SSE_STUB_LEAN_FLAGS) {
            sse_stub_put(&p, sse_lean_epilogue_flags, sizeof(sse_lean_epilogue_flags));
        }
        sse_stub_put(&p, sse_lean_epilogue, sizeof(sse_lean_epilogue));
    }
    g_assert(p <= sse_stub_rw + sse_stub_used + SSE_STUB_SIZE);
    sse_stub_used += SSE_STUB_SIZE;
    g_hash_table_insert(sse_stubs, key, code);
    g_mutex_unlock(&sse_stub_lock);
    return (uintptr_t)code;
}

uintptr_t sse_stub_get(const uint8_t *insn, size_t len)
{
    return sse_stub_get_kind(SSE_STUB_FULL, insn, len);
}

uint64_t helper_sse_exec(CPUX86State *env, uint64_t stub, uint32_t info,
                         uint64_t lo, uint64_t hi)
{
    SseFrame f = { 0 };
    int reg = SSE_INFO_REG(info), rm = SSE_INFO_RM(info);
    int rk = SSE_INFO_REGK(info), mk = SSE_INFO_RMK(info);
    uint32_t guest = env->mxcsr & SSE_MXCSR_VALID, raised;

    switch (rk) {
    case SSE_K_XMM:
        sse_q_copy(&f.x1, &env->xmm_regs[reg]);
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
        sse_q_copy(&f.x2, &env->xmm_regs[rm]);
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
    sse_q_copy(&f.x0, &env->xmm_regs[0]);
    f.rax = env->regs[R_EAX];
    if (info & SSE_INFO_IMPLICIT_DX) {
        f.rdx = env->regs[R_EDX];
    }
    /* Exceptions masked on the host: the guest's masks are applied below. */
    f.mxcsr = guest | SSE_MXCSR_MASKS;
    f.mxcsr &= ~SSE_MXCSR_FLAGS;

    /* The stub loads and stores MXCSR; host code runs with the default (sse_fast.c). */
    ((SseStubFn)stub)(&f);
    __builtin_ia32_ldmxcsr(SSE_MXCSR_HOST);

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
            sse_q_copy(&env->xmm_regs[reg], &f.x1);
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
        sse_q_copy(&env->xmm_regs[0], &f.x0);
        return f.rflags & (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C);
    default: /* SSE_OUT_RM: the r/m register, or returns the value to store */
        if (mk == SSE_K_GPR) {
            env->regs[rm] = f.rdx;
        } else if (mk == SSE_K_XMM) {
            sse_q_copy(&env->xmm_regs[rm], &f.x2);
        } else if (mk == SSE_K_MM) {
            env->fpregs[rm & 7].low = f.m2;
            env->fpregs[rm & 7].high = 0xffff;
        }
        return f.rdx;
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
