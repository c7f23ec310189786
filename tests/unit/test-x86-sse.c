/*
 * test-x86-sse.c: differential test of Keel's MMX/SSE..SSE4.2 under TCG
 * against the host CPU: each instruction (register and memory forms,
 * several immediates) runs on the host in a stub and in a TCG vCPU over
 * edge values (NaN payloads, signed zeros, denormals, infinities,
 * saturation limits) under every rounding mode with and without DAZ/FTZ;
 * XMM0-3, RAX/RCX/RDX, the memory operand, MXCSR and (for the flag
 * writers) the flags must match. Plus the #XM/#UD/#NM/#GP cases and the
 * MMX tag rules.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "test-x86-sysinsn-common.h"
#include "target/i386/tcg/sse_fast.h"

/* The host stub's state (offsets baked into host_head/host_tail). */
typedef struct SseState {
    uint64_t xmm[4][2];     /* 0 */
    uint64_t rax, rcx, rdx; /* 64 */
    uint64_t flags;         /* 88 */
    uint32_t mxcsr, pad;    /* 96 */
} SseState;

typedef void (*HostFn)(SseState *st, void *mem);

/* Guest RSI: the memory operand [rsi]. */
#define MEM_ADDR XT_DATA

static const uint8_t host_head[] = {
    0xf3, 0x0f, 0x6f, 0x07, 0xf3, 0x0f, 0x6f, 0x4f, 0x10,
    0xf3, 0x0f, 0x6f, 0x57, 0x20, 0xf3, 0x0f, 0x6f, 0x5f, 0x30,
    0x48, 0x8b, 0x47, 0x40, 0x48, 0x8b, 0x4f, 0x48, 0x48, 0x8b, 0x57, 0x50,
    0x0f, 0xae, 0x57, 0x60,
};
static const uint8_t host_tail[] = {
    0x0f, 0xae, 0x5f, 0x60,
    0xf3, 0x0f, 0x7f, 0x07, 0xf3, 0x0f, 0x7f, 0x4f, 0x10,
    0xf3, 0x0f, 0x7f, 0x57, 0x20, 0xf3, 0x0f, 0x7f, 0x5f, 0x30,
    0x48, 0x89, 0x47, 0x40, 0x48, 0x89, 0x4f, 0x48, 0x48, 0x89, 0x57, 0x50,
    0x9c, 0x8f, 0x47, 0x58, 0xc3,
};

typedef struct SseInsn {
    const char *name;
    uint8_t bytes[24];      /* with ModRM C1 (reg 0, r/m 1) or 06 ([rsi]) */
    int len;
    bool flags;             /* writes the arithmetic flags */
    bool imm;               /* last byte is imm8: try several */
} SseInsn;

static HostFn host_new(const uint8_t *bytes, int len)
{
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert(p != MAP_FAILED);
    memcpy(p, host_head, sizeof(host_head));
    memcpy(p + sizeof(host_head), bytes, len);
    memcpy(p + sizeof(host_head) + len, host_tail, sizeof(host_tail));
    g_assert(mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0);
    return (HostFn)(void *)p;
}

static const uint32_t f32_edges[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc12345, 0x7f812345, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff,
    0x4f000000, 0xcf000000, 0x3eaaaaab, 0x40490fdb, 0x5f000000, 0x00400000,
};
static const uint64_t f64_edges[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0xfff8000000012345ull, 0x7ff0000000012345ull, 1, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0x41e0000000000000ull,
    0xc3e0000000000000ull, 0x3fd5555555555555ull, 0x36a0000000000000ull,
    0x47efffffe0000000ull, 0x3e70000000000001ull,
};
static const uint32_t int_edges[] = {
    0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x00ff00ff, 0x80807f7f, 0x12345678, 0xfedcba98, 0x01000100, 0x41424300, 0x61626364,
};
/*
 * Each rounding mode, DAZ, FTZ; flags clear, and with PE (or all flags)
 * already set, which is when sse_fp.c skips MXCSR; and with one exception
 * unmasked (never one that is also set: a repeat could not be told from
 * the host's sticky flag), PM unmasked included.
 */
static const uint32_t mxcsrs[] = {
    0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x1fc0, 0x9f80, 0x9fc0, 0xdfc0,
    0x1fa0, 0x3fa0, 0x5fa0, 0x7fa0, 0x1fe0, 0x9fa0, 0xdfe0, 0x1fbf,
    0x1f20, 0x1ea0, 0x1da0, 0x1ba0, 0x17a0, 0x0f80, 0x3da0, 0x1020,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A random normal float (dbl false) or double with an exponent near the
 * bottom, the middle or the top of the range, so that results land on
 * either side of the underflow and overflow thresholds.
 */
static uint64_t gen_normal(GRand *r, bool dbl)
{
    int emax = dbl ? 0x7fe : 0xfe, bias = dbl ? 0x3ff : 0x7f;
    int pick = g_rand_int_range(r, 0, 3);
    int e = pick == 0 ? g_rand_int_range(r, 1, 40) : pick == 1 ?
            bias + g_rand_int_range(r, -30, 30) : emax - g_rand_int_range(r, 0, 40);
    uint64_t m = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);

    if (dbl) {
        return (m & 0x800fffffffffffffull) | (uint64_t)e << 52;
    }
    return (m & 0x807fffff) | (uint32_t)e << 23;
}

/*
 * A 128-bit value of mode k (0: floats, 1: doubles, 2: integers, 3: mixed,
 * 4: random normal floats, 5: random normal doubles).
 */
static void gen_value(GRand *r, uint64_t v[2])
{
    int k = g_rand_int_range(r, 0, 6);

    for (int h = 0; h < 2; h++) {
        uint32_t lo, hi;

        switch (k) {
        case 0:
            lo = f32_edges[g_rand_int_range(r, 0, N(f32_edges))];
            hi = f32_edges[g_rand_int_range(r, 0, N(f32_edges))];
            v[h] = lo | (uint64_t)hi << 32;
            break;
        case 1:
            v[h] = f64_edges[g_rand_int_range(r, 0, N(f64_edges))];
            break;
        case 2:
            lo = int_edges[g_rand_int_range(r, 0, N(int_edges))];
            hi = int_edges[g_rand_int_range(r, 0, N(int_edges))];
            v[h] = lo | (uint64_t)hi << 32;
            break;
        case 4:
            v[h] = gen_normal(r, false) | gen_normal(r, false) << 32;
            break;
        case 5:
            v[h] = gen_normal(r, true);
            break;
        default:
            v[h] = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
            break;
        }
    }
}

/*
 * Operands for the floating-point fast paths (sse_fp.c): lanes of floats
 * or doubles with exponents chosen so that products, quotients and sums
 * fall on both sides of the overflow and underflow thresholds; and, for
 * a third of the calls after the first of a case, the first value
 * negated with its low mantissa bits changed, so that sums cancel.
 */
static void gen_fp_edge(GRand *r, uint64_t v[2], const uint64_t first[2])
{
    static const uint16_t e64[] = { 1, 2, 3, 0x1fe, 0x1ff, 0x200, 0x3fe, 0x3ff, 0x400,
                                    0x5fe, 0x5ff, 0x600, 0x7fd, 0x7fe };
    static const uint8_t e32[] = { 1, 2, 3, 0x3e, 0x3f, 0x40, 0x7e, 0x7f, 0x80,
                                   0xbe, 0xbf, 0xc0, 0xfd, 0xfe };
    bool dbl = g_rand_boolean(r);

    if (first && g_rand_int_range(r, 0, 3) == 0) {
        uint64_t flip = dbl ? 0x8000000000000000ull : 0x8000000080000000ull;

        for (int h = 0; h < 2; h++) {
            v[h] = first[h] ^ flip ^ (g_rand_int(r) & 0x0000000f0000000full);
        }
        return;
    }
    for (int h = 0; h < 2; h++) {
        uint64_t m = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);

        if (dbl) {
            v[h] = (m & 0x800fffffffffffffull) |
                   (uint64_t)e64[g_rand_int_range(r, 0, N(e64))] << 52;
        } else {
            v[h] = (m & 0x807fffff807fffffull) |
                   (uint64_t)e32[g_rand_int_range(r, 0, N(e32))] << 23 |
                   (uint64_t)e32[g_rand_int_range(r, 0, N(e32))] << 55;
        }
    }
}

static XTMachine machine;

static void setup_machine(void)
{
    XTMachine *m = &machine;

    xt_init(m, 64);
    xt_setup_long(m);
    m->env->cr[4] |= CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK;
    x86_update_hflags(m->env);
}

/* Run one encoding on host and guest over many values; returns the cases run. */
static unsigned run_one(const SseInsn *insn, const uint8_t *bytes, GRand *r, int cases,
                        bool fp_edges)
{
    XTMachine *m = &machine;
    CPUX86State *env = m->env;
    HostFn fn = host_new(bytes, insn->len);
    uint8_t code[32];
    static uint64_t hostmem[4] __attribute__((aligned(16)));

    memcpy(code, bytes, insn->len);
    code[insn->len] = 0xf4;
    xt_code(m, code, insn->len + 1);
    for (int c = 0; c < cases; c++) {
        SseState in = { 0 }, h;
        uint64_t mem[2];
        uint32_t unmasked;
        uint32_t host_mxcsr = __builtin_ia32_stmxcsr();

        for (int i = 0; i < 4; i++) {
            if (fp_edges) {
                gen_fp_edge(r, in.xmm[i], i ? in.xmm[0] : NULL);
            } else {
                gen_value(r, in.xmm[i]);
            }
        }
        if (fp_edges) {
            gen_fp_edge(r, mem, in.xmm[0]);
        } else {
            gen_value(r, mem);
        }
        in.rax = g_rand_int_range(r, 0, 20);
        in.rdx = g_rand_int_range(r, 0, 20);
        if (g_rand_boolean(r)) {
            in.rax = -in.rax;
        }
        in.rcx = ((uint64_t)g_rand_int(r) << 32) | int_edges[g_rand_int_range(r, 0, N(int_edges))];
        in.mxcsr = mxcsrs[c % N(mxcsrs)];
        h = in;
        /* The host runs with every exception masked; the guest may not. */
        h.mxcsr |= 0x1f80;
        hostmem[0] = mem[0], hostmem[1] = mem[1];
        fn(&h, hostmem);
        __builtin_ia32_ldmxcsr(host_mxcsr);
        h.mxcsr = in.mxcsr | (h.mxcsr & 0x3f);
        unmasked = h.mxcsr & ~(in.mxcsr >> 7) & 0x3f;

        for (int i = 0; i < 4; i++) {
            env->xmm_regs[i].q[0] = in.xmm[i][0];
            env->xmm_regs[i].q[1] = in.xmm[i][1];
        }
        env->regs[R_EAX] = in.rax;
        env->regs[R_ECX] = in.rcx;
        env->regs[R_EDX] = in.rdx;
        env->regs[R_ESI] = MEM_ADDR;
        env->mxcsr = in.mxcsr;
        xt_write(m, MEM_ADDR, mem, 16);
        env->regs[R_ESP] = XT_STACK;
        env->eip = XT_CODE;
        xt_run(m);
        if (xt_vector(m) != (unmasked ? EXCP13_XMM : -1)) {
            g_error("%s: exception %d (mxcsr %x, host flags %x)", insn->name, xt_vector(m),
                    in.mxcsr, h.mxcsr & 0x3f);
        }
        if (unmasked) {
            /* #XM: the flags are set, nothing else is written. */
            memcpy(h.xmm, in.xmm, sizeof(h.xmm));
            h.rax = in.rax, h.rcx = in.rcx, h.rdx = in.rdx;
            hostmem[0] = mem[0], hostmem[1] = mem[1];
        }
        for (int i = 0; i < 4; i++) {
            if (env->xmm_regs[i].q[0] != h.xmm[i][0] || env->xmm_regs[i].q[1] != h.xmm[i][1]) {
                g_error("%s: xmm%d %016" PRIx64 ":%016" PRIx64 " != host %016" PRIx64
                        ":%016" PRIx64 " (mxcsr %x)", insn->name, i, env->xmm_regs[i].q[1],
                        env->xmm_regs[i].q[0], h.xmm[i][1], h.xmm[i][0], in.mxcsr);
            }
        }
        g_assert_cmphex(env->regs[R_EAX], ==, h.rax);
        g_assert_cmphex(env->regs[R_ECX], ==, h.rcx);
        g_assert_cmphex(env->regs[R_EDX], ==, h.rdx);
        g_assert_cmphex(env->mxcsr, ==, h.mxcsr);
        g_assert_cmphex(xt_rq(m, MEM_ADDR), ==, hostmem[0]);
        g_assert_cmphex(xt_rq(m, MEM_ADDR + 8), ==, hostmem[1]);
        if (insn->flags && !unmasked) {
            g_assert_cmphex(cpu_compute_eflags(env) & CC_ALL_MASK, ==, h.flags & CC_ALL_MASK);
        }
    }
    return cases;
}

/*
 * The instructions: "P" = mandatory prefix (0 none), then the opcode
 * bytes after 0F; each is run with ModRM C1 and 06 (except reg-only/mem-only).
 */
typedef struct SseOp {
    const char *name;
    uint8_t pfx;
    uint8_t op[2];      /* op[0] = 0x38/0x3a for those maps, then op[1] */
    uint8_t forms;      /* 1: register, 2: memory, 3: both */
    bool imm, flags, w;
} SseOp;

#define R 1
#define M 2
#define RM 3

static const SseOp ops[] = {
    /* moves */
    { "movups", 0, { 0x10 }, RM }, { "movupd", 0x66, { 0x10 }, RM },
    { "movss", 0xf3, { 0x10 }, RM }, { "movsd", 0xf2, { 0x10 }, RM },
    { "movups-st", 0, { 0x11 }, RM }, { "movss-st", 0xf3, { 0x11 }, RM },
    { "movsd-st", 0xf2, { 0x11 }, RM }, { "movlps", 0, { 0x12 }, RM },
    { "movlpd", 0x66, { 0x12 }, M }, { "movsldup", 0xf3, { 0x12 }, RM },
    { "movddup", 0xf2, { 0x12 }, RM }, { "movlps-st", 0, { 0x13 }, M },
    { "unpcklps", 0, { 0x14 }, RM }, { "unpckhpd", 0x66, { 0x15 }, RM },
    { "unpckhps", 0, { 0x15 }, RM }, { "unpcklpd", 0x66, { 0x14 }, RM },
    { "movhps", 0, { 0x16 }, RM }, { "movhpd", 0x66, { 0x16 }, M },
    { "movshdup", 0xf3, { 0x16 }, RM }, { "movhps-st", 0, { 0x17 }, M },
    { "movaps", 0, { 0x28 }, RM }, { "movapd-st", 0x66, { 0x29 }, RM },
    { "movntps", 0, { 0x2b }, M },
    { "cvtsi2ss", 0xf3, { 0x2a }, RM }, { "cvtsi2sd", 0xf2, { 0x2a }, RM },
    { "cvtsi2ssq", 0xf3, { 0x2a }, RM, .w = true }, { "cvtsi2sdq", 0xf2, { 0x2a }, RM, .w = true },
    { "cvttss2si", 0xf3, { 0x2c }, RM }, { "cvtsd2si", 0xf2, { 0x2d }, RM },
    { "cvttsd2siq", 0xf2, { 0x2c }, RM, .w = true }, { "cvtss2siq", 0xf3, { 0x2d }, RM, .w = true },
    { "ucomiss", 0, { 0x2e }, RM, .flags = true }, { "comisd", 0x66, { 0x2f }, RM, .flags = true },
    { "movmskps", 0, { 0x50 }, R }, { "movmskpd", 0x66, { 0x50 }, R },
    /* arithmetic */
    { "sqrtps", 0, { 0x51 }, RM }, { "sqrtsd", 0xf2, { 0x51 }, RM },
    { "sqrtss", 0xf3, { 0x51 }, RM }, { "rsqrtss", 0xf3, { 0x52 }, RM },
    { "rcpps", 0, { 0x53 }, RM }, { "andps", 0, { 0x54 }, RM }, { "andnpd", 0x66, { 0x55 }, RM },
    { "orps", 0, { 0x56 }, RM }, { "xorpd", 0x66, { 0x57 }, RM },
    { "addps", 0, { 0x58 }, RM }, { "addpd", 0x66, { 0x58 }, RM },
    { "addss", 0xf3, { 0x58 }, RM }, { "addsd", 0xf2, { 0x58 }, RM },
    { "mulps", 0, { 0x59 }, RM }, { "mulsd", 0xf2, { 0x59 }, RM },
    { "cvtps2pd", 0, { 0x5a }, RM }, { "cvtpd2ps", 0x66, { 0x5a }, RM },
    { "cvtss2sd", 0xf3, { 0x5a }, RM }, { "cvtsd2ss", 0xf2, { 0x5a }, RM },
    { "cvtdq2ps", 0, { 0x5b }, RM }, { "cvtps2dq", 0x66, { 0x5b }, RM },
    { "cvttps2dq", 0xf3, { 0x5b }, RM },
    { "subps", 0, { 0x5c }, RM }, { "subsd", 0xf2, { 0x5c }, RM },
    { "minps", 0, { 0x5d }, RM }, { "minsd", 0xf2, { 0x5d }, RM },
    { "divps", 0, { 0x5e }, RM }, { "divss", 0xf3, { 0x5e }, RM },
    { "divpd", 0x66, { 0x5e }, RM },
    { "maxss", 0xf3, { 0x5f }, RM }, { "maxpd", 0x66, { 0x5f }, RM },
    { "cmpps", 0, { 0xc2 }, RM, .imm = true }, { "cmpsd", 0xf2, { 0xc2 }, RM, .imm = true },
    { "cmpss", 0xf3, { 0xc2 }, RM, .imm = true }, { "cmppd", 0x66, { 0xc2 }, RM, .imm = true },
    { "shufps", 0, { 0xc6 }, RM, .imm = true }, { "shufpd", 0x66, { 0xc6 }, RM, .imm = true },
    { "cvttpd2dq", 0x66, { 0xe6 }, RM }, { "cvtdq2pd", 0xf3, { 0xe6 }, RM },
    { "cvtpd2dq", 0xf2, { 0xe6 }, RM },
    /* SSE2 integer */
    { "punpcklbw", 0x66, { 0x60 }, RM }, { "punpcklwd", 0x66, { 0x61 }, RM },
    { "punpckldq", 0x66, { 0x62 }, RM }, { "packsswb", 0x66, { 0x63 }, RM },
    { "pcmpgtb", 0x66, { 0x64 }, RM }, { "pcmpgtd", 0x66, { 0x66 }, RM },
    { "pcmpgtw", 0x66, { 0x65 }, RM },
    { "packuswb", 0x66, { 0x67 }, RM }, { "punpckhbw", 0x66, { 0x68 }, RM },
    { "punpckhdq", 0x66, { 0x6a }, RM }, { "punpckhwd", 0x66, { 0x69 }, RM },
    { "packssdw", 0x66, { 0x6b }, RM },
    { "punpcklqdq", 0x66, { 0x6c }, RM }, { "punpckhqdq", 0x66, { 0x6d }, RM },
    { "movd", 0x66, { 0x6e }, RM }, { "movq-gpr", 0x66, { 0x6e }, RM, .w = true },
    { "movdqa", 0x66, { 0x6f }, RM }, { "movdqu", 0xf3, { 0x6f }, RM },
    { "pshufd", 0x66, { 0x70 }, RM, .imm = true }, { "pshufhw", 0xf3, { 0x70 }, RM, .imm = true },
    { "pshuflw", 0xf2, { 0x70 }, RM, .imm = true },
    { "pcmpeqb", 0x66, { 0x74 }, RM }, { "pcmpeqw", 0x66, { 0x75 }, RM },
    { "pcmpeqd", 0x66, { 0x76 }, RM },
    { "movd-st", 0x66, { 0x7e }, RM }, { "movq-st", 0x66, { 0x7e }, RM, .w = true },
    { "movq-ld", 0xf3, { 0x7e }, RM }, { "movdqa-st", 0x66, { 0x7f }, RM },
    { "movdqu-st", 0xf3, { 0x7f }, RM },
    { "pinsrw", 0x66, { 0xc4 }, RM, .imm = true }, { "pextrw", 0x66, { 0xc5 }, R, .imm = true },
    { "psrlw", 0x66, { 0xd1 }, RM },
    { "psrld", 0x66, { 0xd2 }, RM }, { "psrlq", 0x66, { 0xd3 }, RM },
    { "paddq", 0x66, { 0xd4 }, RM }, { "pmullw", 0x66, { 0xd5 }, RM },
    { "movq-st2", 0x66, { 0xd6 }, RM }, { "pmovmskb", 0x66, { 0xd7 }, R },
    { "psubusb", 0x66, { 0xd8 }, RM }, { "psubusw", 0x66, { 0xd9 }, RM },
    { "pminub", 0x66, { 0xda }, RM }, { "pand", 0x66, { 0xdb }, RM },
    { "paddusb", 0x66, { 0xdc }, RM }, { "paddusw", 0x66, { 0xdd }, RM },
    { "pmaxub", 0x66, { 0xde }, RM }, { "pandn", 0x66, { 0xdf }, RM },
    { "pavgb", 0x66, { 0xe0 }, RM },
    { "psraw", 0x66, { 0xe1 }, RM }, { "psrad", 0x66, { 0xe2 }, RM },
    { "pavgw", 0x66, { 0xe3 }, RM }, { "pmulhuw", 0x66, { 0xe4 }, RM },
    { "pmulhw", 0x66, { 0xe5 }, RM }, { "movntdq", 0x66, { 0xe7 }, M },
    { "psubsb", 0x66, { 0xe8 }, RM }, { "psubsw", 0x66, { 0xe9 }, RM },
    { "pminsw", 0x66, { 0xea }, RM }, { "por", 0x66, { 0xeb }, RM },
    { "paddsb", 0x66, { 0xec }, RM }, { "paddsw", 0x66, { 0xed }, RM },
    { "pmaxsw", 0x66, { 0xee }, RM }, { "pxor", 0x66, { 0xef }, RM },
    { "psllw", 0x66, { 0xf1 }, RM },
    { "pslld", 0x66, { 0xf2 }, RM }, { "psllq", 0x66, { 0xf3 }, RM },
    { "pmuludq", 0x66, { 0xf4 }, RM }, { "pmaddwd", 0x66, { 0xf5 }, RM },
    { "psadbw", 0x66, { 0xf6 }, RM },
    { "psubb", 0x66, { 0xf8 }, RM }, { "psubw", 0x66, { 0xf9 }, RM },
    { "psubd", 0x66, { 0xfa }, RM },
    { "psubq", 0x66, { 0xfb }, RM }, { "paddb", 0x66, { 0xfc }, RM },
    { "paddw", 0x66, { 0xfd }, RM }, { "paddd", 0x66, { 0xfe }, RM },
    /* SSE3 */
    { "haddpd", 0x66, { 0x7c }, RM }, { "haddps", 0xf2, { 0x7c }, RM },
    { "hsubps", 0xf2, { 0x7d }, RM }, { "addsubps", 0xf2, { 0xd0 }, RM },
    { "addsubpd", 0x66, { 0xd0 }, RM }, { "lddqu", 0xf2, { 0xf0 }, M },
    /* SSSE3 */
    { "pshufb", 0x66, { 0x38, 0x00 }, RM }, { "phaddw", 0x66, { 0x38, 0x01 }, RM },
    { "phaddd", 0x66, { 0x38, 0x02 }, RM }, { "phaddsw", 0x66, { 0x38, 0x03 }, RM },
    { "pmaddubsw", 0x66, { 0x38, 0x04 }, RM }, { "phsubw", 0x66, { 0x38, 0x05 }, RM },
    { "psignb", 0x66, { 0x38, 0x08 }, RM }, { "psignd", 0x66, { 0x38, 0x0a }, RM },
    { "pmulhrsw", 0x66, { 0x38, 0x0b }, RM }, { "pabsb", 0x66, { 0x38, 0x1c }, RM },
    { "pabsd", 0x66, { 0x38, 0x1e }, RM }, { "palignr", 0x66, { 0x3a, 0x0f }, RM, .imm = true },
    /* SSE4.1 */
    { "pblendvb", 0x66, { 0x38, 0x10 }, RM }, { "blendvps", 0x66, { 0x38, 0x14 }, RM },
    { "blendvpd", 0x66, { 0x38, 0x15 }, RM }, { "ptest", 0x66, { 0x38, 0x17 }, RM, .flags = true },
    { "pmovsxbw", 0x66, { 0x38, 0x20 }, RM }, { "pmovsxbd", 0x66, { 0x38, 0x21 }, RM },
    { "pmovsxbq", 0x66, { 0x38, 0x22 }, RM }, { "pmovsxwd", 0x66, { 0x38, 0x23 }, RM },
    { "pmovsxdq", 0x66, { 0x38, 0x25 }, RM }, { "pmuldq", 0x66, { 0x38, 0x28 }, RM },
    { "pcmpeqq", 0x66, { 0x38, 0x29 }, RM }, { "movntdqa", 0x66, { 0x38, 0x2a }, M },
    { "packusdw", 0x66, { 0x38, 0x2b }, RM }, { "pmovzxbw", 0x66, { 0x38, 0x30 }, RM },
    { "pmovzxwq", 0x66, { 0x38, 0x34 }, RM }, { "pmovzxdq", 0x66, { 0x38, 0x35 }, RM },
    { "pcmpgtq", 0x66, { 0x38, 0x37 }, RM }, { "pminsb", 0x66, { 0x38, 0x38 }, RM },
    { "pminud", 0x66, { 0x38, 0x3b }, RM }, { "pmaxsd", 0x66, { 0x38, 0x3d }, RM },
    { "pmulld", 0x66, { 0x38, 0x40 }, RM }, { "phminposuw", 0x66, { 0x38, 0x41 }, RM },
    { "roundps", 0x66, { 0x3a, 0x08 }, RM, .imm = true },
    { "roundpd", 0x66, { 0x3a, 0x09 }, RM, .imm = true },
    { "roundss", 0x66, { 0x3a, 0x0a }, RM, .imm = true },
    { "roundsd", 0x66, { 0x3a, 0x0b }, RM, .imm = true },
    { "blendps", 0x66, { 0x3a, 0x0c }, RM, .imm = true },
    { "pblendw", 0x66, { 0x3a, 0x0e }, RM, .imm = true },
    { "pextrb", 0x66, { 0x3a, 0x14 }, RM, .imm = true },
    { "pextrw2", 0x66, { 0x3a, 0x15 }, RM, .imm = true },
    { "pextrd", 0x66, { 0x3a, 0x16 }, RM, .imm = true },
    { "pextrq", 0x66, { 0x3a, 0x16 }, RM, .imm = true, .w = true },
    { "extractps", 0x66, { 0x3a, 0x17 }, RM, .imm = true },
    { "pinsrb", 0x66, { 0x3a, 0x20 }, RM, .imm = true },
    { "insertps", 0x66, { 0x3a, 0x21 }, RM, .imm = true },
    { "pinsrd", 0x66, { 0x3a, 0x22 }, RM, .imm = true },
    { "pinsrq", 0x66, { 0x3a, 0x22 }, RM, .imm = true, .w = true },
    { "dpps", 0x66, { 0x3a, 0x40 }, RM, .imm = true },
    { "dppd", 0x66, { 0x3a, 0x41 }, RM, .imm = true },
    { "mpsadbw", 0x66, { 0x3a, 0x42 }, RM, .imm = true },
    /* SSE4.2 */
    { "pcmpestrm", 0x66, { 0x3a, 0x60 }, RM, .imm = true, .flags = true },
    { "pcmpestri", 0x66, { 0x3a, 0x61 }, RM, .imm = true, .flags = true },
    { "pcmpistrm", 0x66, { 0x3a, 0x62 }, RM, .imm = true, .flags = true },
    { "pcmpistri", 0x66, { 0x3a, 0x63 }, RM, .imm = true, .flags = true },
    { "crc32b", 0xf2, { 0x38, 0xf0 }, RM }, { "crc32d", 0xf2, { 0x38, 0xf1 }, RM },
    { "crc32q", 0xf2, { 0x38, 0xf1 }, RM, .w = true },
};

static const uint8_t imms[] = { 0x00, 0x01, 0x03, 0x04, 0x07, 0x0c, 0x1b, 0x2e, 0x44, 0x4d,
                                0x5a, 0x70, 0x7f, 0x80, 0xb1, 0xff };

static void test_host_diff(void)
{
    GRand *r = g_rand_new_with_seed(6);
    unsigned total = 0;

    for (size_t i = 0; i < N(ops); i++) {
        const SseOp *o = &ops[i];

        for (int form = 1; form <= 2; form++) {
            if (!(o->forms & form)) {
                continue;
            }
            for (size_t k = 0; k < (o->imm ? N(imms) : 1); k++) {
                SseInsn insn = { .name = o->name, .flags = o->flags };
                int n = 0;

                if (o->pfx) {
                    insn.bytes[n++] = o->pfx;
                }
                if (o->w) {
                    insn.bytes[n++] = 0x48;
                }
                insn.bytes[n++] = 0x0f;
                insn.bytes[n++] = o->op[0];
                if (o->op[0] == 0x38 || o->op[0] == 0x3a) {
                    insn.bytes[n++] = o->op[1];
                }
                insn.bytes[n++] = form == 1 ? 0xc1 : 0x06;
                if (o->imm) {
                    insn.bytes[n++] = imms[k];
                }
                insn.len = n;
                total += run_one(&insn, insn.bytes, r, o->imm ? 48 : 160, false);
            }
        }
    }
    g_test_message("%u cases", total);
    g_rand_free(r);
}

/* The shift-by-immediate groups (66 0F 71-73 /n ib) on xmm1, every boundary count. */
static void test_shift_imm(void)
{
    static const struct { uint8_t op, group; } shifts[] = {
        { 0x71, 2 }, { 0x71, 4 }, { 0x71, 6 }, { 0x72, 2 }, { 0x72, 4 }, { 0x72, 6 },
        { 0x73, 2 }, { 0x73, 3 }, { 0x73, 6 }, { 0x73, 7 },
    };
    static const uint8_t counts[] = {
        0, 1, 2, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255,
    };
    GRand *r = g_rand_new_with_seed(9);
    unsigned total = 0;

    for (size_t i = 0; i < N(shifts); i++) {
        for (size_t k = 0; k < N(counts); k++) {
            g_autofree char *name = g_strdup_printf("shift 66 0f %02x /%d %d", shifts[i].op,
                                                    shifts[i].group, counts[k]);
            SseInsn insn = {
                .name = name, .len = 5,
                .bytes = { 0x66, 0x0f, shifts[i].op, 0xc1 | shifts[i].group << 3, counts[k] },
            };

            total += run_one(&insn, insn.bytes, r, 24, false);
        }
    }
    g_test_message("%u cases", total);
    g_rand_free(r);
}

/*
 * The floating-point instructions that sse_fp.c runs without MXCSR when
 * the operands allow it, on operands around the thresholds where it must
 * not (gen_fp_edge), under every MXCSR of mxcsrs[].
 */
static void test_fp_edges(void)
{
    static const struct { uint8_t pfx, op; bool w; } fps[] = {
        { 0, 0x51 }, { 0x66, 0x51 }, { 0xf3, 0x51 }, { 0xf2, 0x51 },
        { 0, 0x58 }, { 0x66, 0x58 }, { 0xf3, 0x58 }, { 0xf2, 0x58 },
        { 0, 0x59 }, { 0x66, 0x59 }, { 0xf3, 0x59 }, { 0xf2, 0x59 },
        { 0, 0x5c }, { 0x66, 0x5c }, { 0xf3, 0x5c }, { 0xf2, 0x5c },
        { 0, 0x5d }, { 0x66, 0x5d }, { 0xf3, 0x5d }, { 0xf2, 0x5d },
        { 0, 0x5e }, { 0x66, 0x5e }, { 0xf3, 0x5e }, { 0xf2, 0x5e },
        { 0, 0x5f }, { 0x66, 0x5f }, { 0xf3, 0x5f }, { 0xf2, 0x5f },
        { 0, 0x5a }, { 0x66, 0x5a }, { 0xf3, 0x5a }, { 0xf2, 0x5a },
        { 0, 0x5b }, { 0x66, 0x5b }, { 0xf3, 0x5b },
        { 0x66, 0xe6 }, { 0xf3, 0xe6 }, { 0xf2, 0xe6 },
        { 0, 0x2e }, { 0x66, 0x2e }, { 0, 0x2f }, { 0x66, 0x2f },
        { 0xf3, 0x2a }, { 0xf2, 0x2a }, { 0xf3, 0x2a, true }, { 0xf2, 0x2a, true },
        { 0xf3, 0x2c }, { 0xf2, 0x2c }, { 0xf3, 0x2c, true }, { 0xf2, 0x2c, true },
        { 0xf3, 0x2d }, { 0xf2, 0x2d }, { 0xf3, 0x2d, true }, { 0xf2, 0x2d, true },
    };
    GRand *r = g_rand_new_with_seed(8);
    unsigned total = 0;

    for (size_t i = 0; i < N(fps); i++) {
        for (int form = 0; form < 2; form++) {
            g_autofree char *name = g_strdup_printf("fp-edge %02x%s 0f %02x /%s", fps[i].pfx,
                                                    fps[i].w ? " 48" : "", fps[i].op,
                                                    form ? "m" : "r");
            SseInsn insn = { .name = name, .flags = fps[i].op == 0x2e || fps[i].op == 0x2f };
            int n = 0;

            if (fps[i].pfx) {
                insn.bytes[n++] = fps[i].pfx;
            }
            if (fps[i].w) {
                insn.bytes[n++] = 0x48;
            }
            insn.bytes[n++] = 0x0f;
            insn.bytes[n++] = fps[i].op;
            insn.bytes[n++] = form ? 0x06 : 0xc1;
            insn.len = n;
            total += run_one(&insn, insn.bytes, r, 720, true);
        }
    }
    g_test_message("%u cases", total);
    g_rand_free(r);
}

/*
 * MMX forms (no prefix) against the host: movdq2q mm0/mm1 from
 * xmm0/xmm1, the operation on mm0, mm1 (or [rsi]), movq2dq back, emms.
 */
static void test_host_diff_mmx(void)
{
    static const uint8_t ops0f[] = {
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x74, 0x75, 0x76,
        0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
        0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
        0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0x6f,
    };
    static const uint8_t ops38[] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x1c, 0x1d, 0x1e,
    };
    GRand *r = g_rand_new_with_seed(7);
    unsigned total = 0;

    for (size_t i = 0; i < N(ops0f) + N(ops38) + 2; i++) {
        for (int form = 0; form < 2; form++) {
            SseInsn insn = { .name = "mmx" };
            static const uint8_t head[] = { 0xf2, 0x0f, 0xd6, 0xc0, 0xf2, 0x0f, 0xd6, 0xc9 };
            static const uint8_t tail[] = { 0xf3, 0x0f, 0xd6, 0xc0, 0x0f, 0x77 };
            uint8_t *b = insn.bytes;
            int n = sizeof(head);

            memcpy(b, head, n);
            b[n++] = 0x0f;
            if (i < N(ops0f)) {
                b[n++] = ops0f[i];
            } else if (i < N(ops0f) + N(ops38)) {
                b[n++] = 0x38;
                b[n++] = ops38[i - N(ops0f)];
            } else if (i == N(ops0f) + N(ops38)) {
                b[n++] = 0x70;          /* pshufw */
            } else {
                b[n++] = 0x3a;          /* palignr */
                b[n++] = 0x0f;
            }
            b[n++] = form ? 0x06 : 0xc1;
            if (i >= N(ops0f) + N(ops38)) {
                b[n++] = 0x1b + form * 0x0b;
            }
            memcpy(b + n, tail, sizeof(tail));
            insn.len = n + sizeof(tail);
            g_assert(insn.len <= (int)sizeof(insn.bytes));
            total += run_one(&insn, insn.bytes, r, 64, false);
        }
    }
    g_test_message("%u cases", total);
    g_rand_free(r);
}

/* Run code and return the vector it raised (-1: none). */
static int run_code(const uint8_t *code, size_t len)
{
    XTMachine *m = &machine;
    uint8_t buf[32];

    memcpy(buf, code, len);
    buf[len] = 0xf4;
    xt_code(m, buf, len + 1);
    m->env->regs[R_ESI] = MEM_ADDR;
    m->env->regs[R_ESP] = XT_STACK;
    xt_run(m);
    return xt_vector(m);
}

static void set_cr(uint64_t cr0_set, uint64_t cr0_clr, uint64_t cr4_set, uint64_t cr4_clr)
{
    CPUX86State *env = machine.env;

    env->cr[0] = (env->cr[0] | cr0_set) & ~cr0_clr;
    env->cr[4] = (env->cr[4] | cr4_set) & ~cr4_clr;
    x86_update_hflags(env);
}

/* MASKMOVDQU / MASKMOVQ store the bytes whose mask byte has bit 7 set at [rdi]. */
static void test_maskmov(void)
{
    XTMachine *m = &machine;
    CPUX86State *env = m->env;
    static const uint8_t maskmovdqu[] = { 0x66, 0x0f, 0xf7, 0xc1 };
    static const uint8_t maskmovq[] = { 0x0f, 0xf7, 0xc1 };
    uint64_t fill[2] = { 0x1111111111111111ull, 0x2222222222222222ull };

    xt_write(m, MEM_ADDR, fill, 16);
    env->xmm_regs[0].q[0] = 0x0706050403020100ull;
    env->xmm_regs[0].q[1] = 0x0f0e0d0c0b0a0908ull;
    env->xmm_regs[1].q[0] = 0x80000000ff7f0080ull;
    env->xmm_regs[1].q[1] = 0x8100000000000000ull;
    env->regs[R_EDI] = MEM_ADDR;
    g_assert_cmpint(run_code(maskmovdqu, sizeof(maskmovdqu)), ==, -1);
    g_assert_cmphex(xt_rq(m, MEM_ADDR), ==, 0x0711111103111100ull);
    g_assert_cmphex(xt_rq(m, MEM_ADDR + 8), ==, 0x0f22222222222222ull);

    xt_write(m, MEM_ADDR, fill, 16);
    env->fpregs[0].low = 0xa0a1a2a3a4a5a6a7ull;
    env->fpregs[1].low = 0x00800000000000ffull;
    env->regs[R_EDI] = MEM_ADDR + 1;
    g_assert_cmpint(run_code(maskmovq, sizeof(maskmovq)), ==, -1);
    g_assert_cmphex(xt_rq(m, MEM_ADDR), ==, 0xa11111111111a711ull);  /* bytes 0 and 6, at +1 */
    g_assert_cmphex(xt_rq(m, MEM_ADDR + 8), ==, 0x2222222222222222ull);
    g_assert_cmpint(env->fpstt, ==, 0);
}

static void test_exceptions(void)
{
    CPUX86State *env = machine.env;
    static const uint8_t movaps_mis[] = { 0x0f, 0x28, 0x46, 0x01 };    /* movaps xmm0, [rsi+1] */
    static const uint8_t movups_mis[] = { 0x0f, 0x10, 0x46, 0x01 };
    static const uint8_t paddd_mis[] = { 0x66, 0x0f, 0xfe, 0x46, 0x08 };
    static const uint8_t addss_mis[] = { 0xf3, 0x0f, 0x58, 0x46, 0x01 };
    static const uint8_t divss[] = { 0xf3, 0x0f, 0x5e, 0xc1 };          /* divss xmm0, xmm1 */
    static const uint8_t paddb_mm[] = { 0x0f, 0xfc, 0xc1 };
    static const uint8_t movntps_reg[] = { 0x0f, 0x2b, 0xc1 };
    static const uint8_t pslldq_bad[] = { 0x0f, 0x73, 0xf8, 0x01 };      /* MMX /7: #UD */

    env->mxcsr = 0x1f80;
    g_assert_cmpint(run_code(movaps_mis, sizeof(movaps_mis)), ==, EXCP0D_GPF);
    g_assert_cmpint(run_code(paddd_mis, sizeof(paddd_mis)), ==, EXCP0D_GPF);
    g_assert_cmpint(run_code(movups_mis, sizeof(movups_mis)), ==, -1);
    g_assert_cmpint(run_code(addss_mis, sizeof(addss_mis)), ==, -1);
    g_assert_cmpint(run_code(movntps_reg, sizeof(movntps_reg)), ==, EXCP06_ILLOP);
    g_assert_cmpint(run_code(pslldq_bad, sizeof(pslldq_bad)), ==, EXCP06_ILLOP);

    /* Divide by zero, ZE unmasked: #XM, destination unchanged, ZE set. */
    env->xmm_regs[0].q[0] = 0x3f800000;
    env->xmm_regs[1].q[0] = 0;
    env->mxcsr = 0x1f80 & ~0x200;
    g_assert_cmpint(run_code(divss, sizeof(divss)), ==, EXCP13_XMM);
    g_assert_cmphex(env->xmm_regs[0].q[0], ==, 0x3f800000);
    g_assert_cmphex(env->mxcsr & 0x3f, ==, 0x04);
    g_assert_cmphex(xt_frame_rip(&machine, EXCP13_XMM), ==, XT_CODE);
    /* Without CR4.OSXMMEXCPT: #UD. */
    set_cr(0, 0, 0, CR4_OSXMMEXCPT_MASK);
    g_assert_cmpint(run_code(divss, sizeof(divss)), ==, EXCP06_ILLOP);
    set_cr(0, 0, CR4_OSXMMEXCPT_MASK, 0);
    /* Masked: the IEEE result (+inf) and the flag. */
    env->mxcsr = 0x1f80;
    g_assert_cmpint(run_code(divss, sizeof(divss)), ==, -1);
    g_assert_cmphex(env->xmm_regs[0].l[0], ==, 0x7f800000);
    g_assert_cmphex(env->mxcsr, ==, 0x1f84);

    /* CR4.OSFXSR clear: SSE #UD, MMX still works. */
    set_cr(0, 0, 0, CR4_OSFXSR_MASK);
    g_assert_cmpint(run_code(divss, sizeof(divss)), ==, EXCP06_ILLOP);
    g_assert_cmpint(run_code(paddb_mm, sizeof(paddb_mm)), ==, -1);
    set_cr(0, 0, CR4_OSFXSR_MASK, 0);
    /* CR0.TS: #NM; CR0.EM: #UD (both SSE and MMX). */
    set_cr(CR0_TS_MASK, 0, 0, 0);
    g_assert_cmpint(run_code(divss, sizeof(divss)), ==, EXCP07_PREX);
    g_assert_cmpint(run_code(paddb_mm, sizeof(paddb_mm)), ==, EXCP07_PREX);
    set_cr(CR0_EM_MASK, CR0_TS_MASK, 0, 0);
    g_assert_cmpint(run_code(divss, sizeof(divss)), ==, EXCP06_ILLOP);
    g_assert_cmpint(run_code(paddb_mm, sizeof(paddb_mm)), ==, EXCP06_ILLOP);
    set_cr(0, CR0_EM_MASK, 0, 0);
}

static void test_mmx(void)
{
    CPUX86State *env = machine.env;
    static const uint8_t paddb_mm[] = { 0x0f, 0xfc, 0xc1 };         /* paddb mm0, mm1 */
    static const uint8_t emms[] = { 0x0f, 0x77 };
    static const uint8_t psllw_imm[] = { 0x0f, 0x71, 0xf0, 0x04 };  /* psllw mm0, 4 */

    memset(env->fptags, 1, sizeof(env->fptags));
    env->fpstt = 5;
    env->fpregs[0].low = 0x0102030405060708ull;
    env->fpregs[1].low = 0xff01ff01ff01ff01ull;
    g_assert_cmpint(run_code(paddb_mm, sizeof(paddb_mm)), ==, -1);
    g_assert_cmphex(env->fpregs[0].low, ==, 0x0003020504070609ull);
    g_assert_cmphex(env->fpregs[0].high, ==, 0xffff);
    g_assert_cmpint(env->fpstt, ==, 0);
    for (int i = 0; i < 8; i++) {
        g_assert_cmpint(env->fptags[i], ==, 0);
    }
    g_assert_cmpint(run_code(psllw_imm, sizeof(psllw_imm)), ==, -1);
    g_assert_cmphex(env->fpregs[0].low, ==, 0x0030205040706090ull);
    g_assert_cmpint(run_code(emms, sizeof(emms)), ==, -1);
    for (int i = 0; i < 8; i++) {
        g_assert_cmpint(env->fptags[i], ==, 1);
    }
}

/*
 * Every encoding of the SSE opcode ranges (0F 10-17 28-2F 50-7F C2-C6
 * D0-FF, all of 0F 38 and 0F 3A) under each prefix, with and without
 * REX.W, in register, memory and misaligned-memory form: each must end in
 * the HLT or an exception, never crash the host (the operation runs as a
 * host instruction: an encoding the host would #UD on must be refused).
 */
static void test_all_encodings(void)
{
    static const uint8_t pfxs[] = { 0, 0x66, 0xf3, 0xf2 };
    static const uint8_t modrms[][2] = { { 0xc1 }, { 0xd7 }, { 0xf8 }, { 0x06 }, { 0x46, 0x01 } };
    CPUX86State *env = machine.env;
    unsigned runs = 0;

    for (int map = 1; map <= 3; map++) {
        for (int op = 0; op < 256; op++) {
            if (map == 1 && !((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) ||
                              (op >= 0x50 && op <= 0x7f) || (op >= 0xc2 && op <= 0xc6) ||
                              op >= 0xd0)) {
                continue;
            }
            for (size_t p = 0; p < N(pfxs); p++) {
                for (int w = 0; w < 2; w++) {
                    for (size_t m = 0; m < N(modrms); m++) {
                        uint8_t code[16];
                        int n = 0;

                        if (pfxs[p]) {
                            code[n++] = pfxs[p];
                        }
                        if (w) {
                            code[n++] = 0x48;
                        }
                        code[n++] = 0x0f;
                        if (map > 1) {
                            code[n++] = map == 2 ? 0x38 : 0x3a;
                        }
                        code[n++] = op;
                        code[n++] = modrms[m][0];
                        if (modrms[m][0] == 0x46) {
                            code[n++] = modrms[m][1];
                        }
                        code[n++] = 0x55;   /* imm8 (or the next insn: push rbp) */
                        env->mxcsr = 0x1f80;
                        env->regs[R_EAX] = 5;
                        env->regs[R_EDX] = 7;
                        env->regs[R_EDI] = MEM_ADDR;
                        run_code(code, n);
                        runs++;
                    }
                }
            }
        }
    }
    g_test_message("%u encodings", runs);
}

/*
 * Stubs made and run by several threads at once, as with multi-threaded
 * TCG: a new stub must never make a running one unexecutable. pshufd and
 * shufps with every immediate, in both lean kinds: over a thousand stubs,
 * so new chunks are made while other threads run stubs.
 */
static gpointer stub_thread(gpointer data)
{
    int seed = GPOINTER_TO_INT(data);

    for (int n = 0; n < 1024; n++) {
        int imm = (n * 7 + seed * 61) & 0xff, kind = (n >> 8) & 1;
        bool shufps = n & 0x200;
        uint8_t insn[5] = { 0x66, 0x0f, 0x70, 0xca, imm };
        SseLeanFrame f = { .x1 = { .l = { 1, 2, 3, 4 } }, .x2 = { .l = { 5, 6, 7, 8 } } };
        void (*fn)(SseLeanFrame *);

        if (shufps) {
            insn[0] = 0x0f, insn[1] = 0xc6, insn[2] = 0xca, insn[3] = imm;
        }
        fn = (void (*)(SseLeanFrame *))sse_stub_get_kind(kind ? SSE_STUB_LEAN_FLAGS
                                                              : SSE_STUB_LEAN,
                                                         insn,
                                                         shufps ? 4 : 5);
        fn(&f);
        for (int k = 0; k < 4; k++) {
            uint32_t want = (shufps && k < 2 ? 1 : 5) + ((imm >> (2 * k)) & 3);

            g_assert_cmpuint(f.x1.l[k], ==, want);
        }
    }
    return NULL;
}

static void test_stub_threads(void)
{
    GThread *t[4];

    for (int i = 0; i < 4; i++) {
        t[i] = g_thread_new("stubs", stub_thread, GINT_TO_POINTER(i));
    }
    for (int i = 0; i < 4; i++) {
        g_thread_join(t[i]);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!__builtin_cpu_supports("sse4.2")) {
        g_test_message("host without SSE4.2: skipped");
        return 0;
    }
    setup_machine();
    g_test_add_func("/x86-sse/host-diff", test_host_diff);
    g_test_add_func("/x86-sse/host-diff-mmx", test_host_diff_mmx);
    g_test_add_func("/x86-sse/fp-edges", test_fp_edges);
    g_test_add_func("/x86-sse/shift-imm", test_shift_imm);
    g_test_add_func("/x86-sse/stub-threads", test_stub_threads);
    g_test_add_func("/x86-sse/exceptions", test_exceptions);
    g_test_add_func("/x86-sse/mmx", test_mmx);
    g_test_add_func("/x86-sse/maskmov", test_maskmov);
    g_test_add_func("/x86-sse/all-encodings", test_all_encodings);
    return g_test_run();
}
