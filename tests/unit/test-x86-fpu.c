/*
 * test-x86-fpu.c: the x87 of Keel's TCG vCPU against the host's x87.
 * Each instruction runs between two loaded operands (ST0, ST1) under a
 * control word, both in the vCPU (64-bit mode) and on the host (the same
 * bytes in an executable stub); the FNSAVE image that follows (control,
 * status and tag words, the eight registers) and the memory operand must
 * match. Then the state instructions (FNSAVE/FRSTOR, FXSAVE/FXRSTOR,
 * XSAVE/XRSTOR, LDMXCSR, XGETBV/XSETBV), the last-instruction pointers
 * (64-bit and real-mode layouts), XINUSE, and the faults: #NM under
 * CR0.TS/EM, #MF with CR0.NE, FERR#/IRQ13 with CR0.NE=0 (pc-ferr.c),
 * #GP for misaligned FXSAVE and XRSTOR's header.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "test-x86-sysinsn-common.h"
#include "hw/i386/pc-ferr.h"

/* The data block: [rdi] = a, [rdi+0x10] = b, [rdi+0x40] = FCW, [rdi+0x50] = memory operand. */
#define D_A     0x00
#define D_B     0x10
#define D_CW    0x40
#define D_MEM   0x50
#define D_SAVE  0x100
#define D_SIZE  0x200

typedef struct Ext {
    uint64_t m;
    uint16_t se;
} Ext;

static const Ext values[] = {
    { 0, 0 }, { 0, 0x8000 },                                    /* +-0 */
    { 0x8000000000000000ull, 0x3fff },                          /* 1 */
    { 0xc000000000000000ull, 0xbfff },                          /* -1.5 */
    { 0xc90fdaa22168c235ull, 0x4000 },                          /* pi */
    { 0x0000000000000001ull, 0 },                               /* min denormal */
    { 0x8000000000000000ull, 0x0001 },                          /* min normal */
    { 0xffffffffffffffffull, 0x7ffe },                          /* max */
    { 0x8000000000000000ull, 0x7fff },                          /* +inf */
    { 0x8000000000000000ull, 0xffff },                          /* -inf */
    { 0xc000000000000000ull, 0x7fff },                          /* QNaN */
    { 0xa000000000000000ull, 0xffff },                          /* SNaN */
    { 0x8000000000000000ull, 0x403e },                          /* 2^63 */
    { 0xfffffffe00000000ull, 0xc01e },                          /* -(2^31 - 1) * 2 ... */
    { 0xaaaaaaaaaaaaaaabull, 0x3ffd },                          /* 1/3-ish */
    { 0x8000000000000400ull, 0x3c00 },                          /* tiny */
    { 0x4000000000000000ull, 0x3fff },                          /* unnormal */
};
#define NVALUES G_N_ELEMENTS(values)

static const uint16_t cws[] = {
    0x037f, 0x077f, 0x0b7f, 0x0f7f,     /* RC, PC 64 */
    0x027f, 0x067f, 0x0a7f, 0x0e7f,     /* RC, PC 53 */
    0x007f, 0x047f, 0x087f, 0x0c7f,     /* RC, PC 24 */
    0x0360, 0x0372, 0x037e,             /* unmasked exceptions */
};
#define NCWS G_N_ELEMENTS(cws)

typedef struct FpuInsn {
    uint8_t bytes[4];
    int len;
} FpuInsn;

/* Prologue: fninit; fld tbyte [rdi]; fld tbyte [rdi+0x10]; fnclex; fldcw [rdi+0x40]. */
static const uint8_t prologue[] = {
    0xdb, 0xe3, 0xdb, 0x2f, 0xdb, 0x6f, 0x10, 0xdb, 0xe2, 0xd9, 0x6f, 0x40,
};
/* Epilogue: fnsave [rdi+0x100]. */
static const uint8_t epilogue[] = { 0xdd, 0xb7, 0x00, 0x01, 0x00, 0x00 };

typedef void (*HostStub)(uint8_t *data);

static bool insn_valid_reg(int b, int m)
{
    switch (b) {
    case 0xd8: case 0xdc:
        return true;
    case 0xd9:
        return m < 0xd1 || (m >= 0xd8 && m <= 0xe1) || m == 0xe4 || m == 0xe5 ||
               (m >= 0xe8 && m <= 0xee) || m >= 0xf0;
    case 0xda:
        return m == 0xe9;   /* FCMOVcc: host flags are not the vCPU's */
    case 0xdb:
        return (m >= 0xe8 && m < 0xf8) || m == 0xe2;
    case 0xdd:
        return m < 0xf0;
    case 0xde:
        return m < 0xd8 || m == 0xd9 || m >= 0xe0;
    default:
        return (m < 0xe0) || (m >= 0xe8 && m < 0xf8);
    }
}

static GArray *build_insns(void)
{
    GArray *a = g_array_new(false, true, sizeof(FpuInsn));

    for (int b = 0xd8; b <= 0xdf; b++) {
        /* Register forms with ST(1) (and ST(0), ST(2) where it is an operand). */
        for (int m = 0xc0; m <= 0xff; m++) {
            if ((m & 7) > 2 || !insn_valid_reg(b, m)) {
                continue;
            }
            FpuInsn i = { { b, m }, 2 };
            g_array_append_val(a, i);
        }
        /* Memory forms at [rdi+0x50], except the environment ones. */
        for (int op = 0; op < 8; op++) {
            static const char skip[8][8] = {
                { 0 }, { 0, 1, 0, 0, 1, 1, 1, 1 }, { 0 }, { 0, 0, 0, 0, 1, 0, 1, 0 },
                { 0 }, { 0, 0, 0, 0, 1, 1, 1, 1 }, { 0 }, { 0 },
            };
            if (skip[b - 0xd8][op]) {
                continue;
            }
            FpuInsn i = { { b, 0x47 | (op << 3), D_MEM }, 3 };
            g_array_append_val(a, i);
        }
    }
    return a;
}

static HostStub host_stub_new(const FpuInsn *insn)
{
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int n = 0;

    g_assert(p != MAP_FAILED);
    memcpy(p + n, prologue, sizeof(prologue));
    n += sizeof(prologue);
    memcpy(p + n, insn->bytes, insn->len);
    n += insn->len;
    memcpy(p + n, epilogue, sizeof(epilogue));
    n += sizeof(epilogue);
    p[n++] = 0xc3;
    return (HostStub)p;
}

static void put_ext(uint8_t *p, const Ext *e)
{
    memcpy(p, &e->m, 8);
    memcpy(p + 8, &e->se, 2);
}

/* The FNSAVE image without the pointers (bytes 12-27), which differ by design. */
static bool save_equal(const uint8_t *x, const uint8_t *y)
{
    return !memcmp(x, y, 12) && !memcmp(x + 28, y + 28, 80);
}

static void run_insn(XTMachine *m, const FpuInsn *insn, unsigned *cases)
{
    HostStub stub = host_stub_new(insn);
    uint8_t code[64];
    int n = 0;

    memcpy(code + n, prologue, sizeof(prologue));
    n += sizeof(prologue);
    memcpy(code + n, insn->bytes, insn->len);
    n += insn->len;
    memcpy(code + n, epilogue, sizeof(epilogue));
    n += sizeof(epilogue);
    code[n++] = 0xf4;
    xt_code(m, code, n);

    for (size_t i = 0; i < NVALUES; i++) {
        for (size_t j = 0; j < NVALUES; j++) {
            for (size_t k = 0; k < 2; k++) {
                uint8_t host[D_SIZE] = { 0 };
                uint16_t cw = cws[(i + j * 5 + k * 7) % NCWS];
                const Ext *mem = &values[(i * 3 + j + k) % NVALUES];

                put_ext(host + D_A, &values[i]);
                put_ext(host + D_B, &values[j]);
                memcpy(host + D_CW, &cw, 2);
                put_ext(host + D_MEM, mem);
                xt_write(m, XT_DATA, host, D_SIZE);
                stub(host);

                m->env->regs[R_EDI] = XT_DATA;
                m->env->eip = XT_CODE;
                xt_run(m);
                if (xt_vector(m) != -1 || m->env->eip != XT_CODE + n) {
                    g_error("%02x %02x: exception %d", insn->bytes[0], insn->bytes[1],
                            xt_vector(m));
                }
                if (!save_equal(m->ram_ptr + XT_DATA + D_SAVE, host + D_SAVE) ||
                    memcmp(m->ram_ptr + XT_DATA + D_MEM, host + D_MEM, 16)) {
                    const uint8_t *k8 = m->ram_ptr + XT_DATA;
                    g_error("%02x %02x cw %04x a %d b %d: host fsw %04x ftw %04x st0 "
                            "%016" PRIx64 " mem %016" PRIx64 "; keel fsw %04x ftw %04x st0 "
                            "%016" PRIx64 " mem %016" PRIx64,
                            insn->bytes[0], insn->bytes[1], cw, (int)i, (int)j,
                            *(uint16_t *)(host + D_SAVE + 4), *(uint16_t *)(host + D_SAVE + 8),
                            *(uint64_t *)(host + D_SAVE + 28), *(uint64_t *)(host + D_MEM),
                            *(uint16_t *)(k8 + D_SAVE + 4), *(uint16_t *)(k8 + D_SAVE + 8),
                            *(uint64_t *)(k8 + D_SAVE + 28), *(uint64_t *)(k8 + D_MEM));
                }
                (*cases)++;
            }
        }
    }
    munmap((void *)stub, 4096);
}

static void test_fpu_host(void)
{
    XTMachine m;
    GArray *insns = build_insns();
    unsigned cases = 0;

    xt_init(&m, 64);
    for (guint i = 0; i < insns->len; i++) {
        run_insn(&m, &g_array_index(insns, FpuInsn, i), &cases);
    }
    g_test_message("%u instructions, %u cases", insns->len, cases);
    g_assert_cmpuint(insns->len, >, 150);
    g_array_free(insns, true);
    xt_destroy(&m);
}

/* Run code at XT_CODE in long mode with real tables; returns the vector or -1. */
static int run_long(XTMachine *m, const uint8_t *code, size_t len)
{
    xt_code(m, code, len);
    m->env->regs[R_EDI] = XT_DATA;
    m->env->regs[R_ESP] = XT_STACK;
    xt_run(m);
    return xt_vector(m);
}

static void test_fpu_nm(void)
{
    XTMachine m;
    static const uint8_t fld1[] = { 0xd9, 0xe8, 0xf4 };
    static const uint8_t fwait[] = { 0x9b, 0xf4 };
    static const uint8_t fxsave[] = { 0x0f, 0xae, 0x07, 0xf4 };

    xt_init(&m, 64);
    xt_setup_long(&m);
    m.env->cr[0] |= CR0_TS_MASK;
    x86_update_hflags(m.env);
    g_assert_cmpint(run_long(&m, fld1, sizeof(fld1)), ==, EXCP07_PREX);
    g_assert_cmpint(run_long(&m, fxsave, sizeof(fxsave)), ==, EXCP07_PREX);
    /* WAIT: #NM only with MP as well. */
    m.env->cr[0] &= ~CR0_MP_MASK;
    x86_update_hflags(m.env);
    g_assert_cmpint(run_long(&m, fwait, sizeof(fwait)), ==, -1);
    m.env->cr[0] |= CR0_MP_MASK;
    x86_update_hflags(m.env);
    g_assert_cmpint(run_long(&m, fwait, sizeof(fwait)), ==, EXCP07_PREX);
    m.env->cr[0] &= ~CR0_TS_MASK;
    m.env->cr[0] |= CR0_EM_MASK;
    x86_update_hflags(m.env);
    g_assert_cmpint(run_long(&m, fld1, sizeof(fld1)), ==, EXCP07_PREX);
    xt_destroy(&m);
}

static void test_fpu_mf(void)
{
    XTMachine m;
    /* fninit; fldcw [rdi]; fldz; fld1; fdiv st0, st1 (unmasked ZE); fld1 (waits: #MF). */
    static const uint8_t code[] = {
        0xdb, 0xe3, 0xd9, 0x2f, 0xd9, 0xee, 0xd9, 0xe8, 0xd8, 0xf1, 0xd9, 0xe8, 0xf4,
    };
    uint16_t cw = 0x037b;

    xt_init(&m, 64);
    xt_setup_long(&m);
    m.env->cr[0] |= CR0_NE_MASK;
    xt_write(&m, XT_DATA, &cw, 2);
    g_assert_cmpint(run_long(&m, code, sizeof(code)), ==, EXCP10_COPR);
    /* #MF is a fault on the waiting instruction, after the FDIV. */
    g_assert_cmphex(xt_frame_rip(&m, EXCP10_COPR), ==, XT_CODE + 10);
    g_assert_cmphex(m.env->fpus & 0x80ff, ==, 0x8084);
    xt_destroy(&m);
}

/* FNSAVE; FRSTOR; FNSAVE gives the same image; FXSAVE/FXRSTOR; XSAVE/XRSTOR. */
static void test_fpu_save_restore(void)
{
    XTMachine m;
    static const uint8_t code[] = {
        0xdb, 0xe3, 0xd9, 0xeb, 0xd9, 0xe8, 0xd9, 0xe9,  /* fninit; fldpi; fld1; fldl2t */
        0xdd, 0x37,                                      /* fnsave [rdi] */
        0xdd, 0x27,                                      /* frstor [rdi] */
        0xdd, 0xb7, 0x00, 0x01, 0x00, 0x00,              /* fnsave [rdi+0x100] */
        0xdd, 0x27,                                      /* frstor [rdi] */
        0x0f, 0xae, 0x87, 0x00, 0x02, 0x00, 0x00,        /* fxsave [rdi+0x200] */
        0xdb, 0xe3,                                      /* fninit */
        0x0f, 0xae, 0x8f, 0x00, 0x02, 0x00, 0x00,        /* fxrstor [rdi+0x200] */
        0x0f, 0xae, 0x87, 0x00, 0x04, 0x00, 0x00,        /* fxsave [rdi+0x400] */
        0xf4,
    };
    static const uint8_t misaligned[] = { 0x0f, 0xae, 0x47, 0x08, 0xf4 };

    xt_init(&m, 64);
    xt_setup_long(&m);
    m.env->cr[4] |= CR4_OSFXSR_MASK;
    x86_update_hflags(m.env);
    m.env->xmm_regs[3].q[1] = 0x1122334455667788ull;
    g_assert_cmpint(run_long(&m, code, sizeof(code)), ==, -1);
    g_assert_true(!memcmp(m.ram_ptr + XT_DATA, m.ram_ptr + XT_DATA + 0x100, 108));
    g_assert_cmphex(xt_rw(&m, XT_DATA + 8) & 0xffff, ==, 0x03ff);  /* 3 valid regs */
    g_assert_true(!memcmp(m.ram_ptr + XT_DATA + 0x200, m.ram_ptr + XT_DATA + 0x400, 416));
    g_assert_cmphex(xt_rq(&m, XT_DATA + 0x200 + 160 + 3 * 16 + 8), ==, 0x1122334455667788ull);
    g_assert_cmphex(xt_rl(&m, XT_DATA + 0x200 + 24), ==, 0x1f80);
    g_assert_cmphex(m.ram_ptr[XT_DATA + 0x200 + 4], ==, 0xe0);     /* abridged tags */
    g_assert_cmpint(m.env->fpstt, ==, 5);
    g_assert_cmpint(run_long(&m, misaligned, sizeof(misaligned)), ==, EXCP0D_GPF);
    xt_destroy(&m);
}

static void test_fpu_xsave(void)
{
    XTMachine m;
    static const uint8_t code[] = {
        0x31, 0xc9, 0xb8, 0x03, 0x00, 0x00, 0x00, 0x31, 0xd2,  /* ecx=0 eax=3 edx=0 */
        0x0f, 0x01, 0xd1,                                      /* xsetbv */
        0x0f, 0x01, 0xd0,                                      /* xgetbv */
        0x89, 0xc3,                                            /* mov ebx, eax */
        0xd9, 0xe8,                                            /* fld1 */
        0xb8, 0x03, 0x00, 0x00, 0x00,
        0x0f, 0xae, 0x27,                                      /* xsave [rdi] */
        0xdb, 0xe3, 0xd9, 0xee, 0xd9, 0xee,                    /* fninit; fldz; fldz */
        0x0f, 0xae, 0x2f,                                      /* xrstor [rdi] */
        0xf4,
    };
    static const uint8_t bad_xsetbv[] = {
        0x31, 0xc9, 0xb8, 0x02, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x01, 0xd1, 0xf4,
    };

    static const uint8_t cpuid1[] = { 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xa2, 0xf4 };
    X86CPUConfig cfg;

    /* -cpu max: XSAVE with the x87 and SSE components. */
    xt_init(&m, 64);
    x86_tcg_cpu_free(m.cpu);
    g_assert_true(x86_tcg_cpu_config(&cfg, "max", &error_abort));
    m.cpu = x86_tcg_cpu_new(0, 0, true, &cfg, &m.mem, &m.io_as, &error_abort);
    m.env = &m.cpu->env;
    x86_tcg_cpu_set_flat_mode(m.cpu, 64, XT_PT);
    xt_setup_long(&m);
    /* Without CR4.OSXSAVE: #UD, and CPUID.1:ECX.OSXSAVE is clear. */
    g_assert_cmpint(run_long(&m, code, sizeof(code)), ==, EXCP06_ILLOP);
    g_assert_cmpint(run_long(&m, cpuid1, sizeof(cpuid1)), ==, -1);
    g_assert_cmphex(m.env->regs[R_ECX] & (3u << 26), ==, 1u << 26);
    m.env->cr[4] |= CR4_OSXSAVE_MASK | CR4_OSFXSR_MASK;
    x86_update_hflags(m.env);
    g_assert_cmpint(run_long(&m, cpuid1, sizeof(cpuid1)), ==, -1);
    g_assert_cmphex(m.env->regs[R_ECX] & (3u << 26), ==, 3u << 26);
    g_assert_cmpint(run_long(&m, code, sizeof(code)), ==, -1);
    g_assert_cmphex(m.env->regs[R_EBX], ==, 3);
    /* XMM0-15 all 0: SSE not in use, so XSTATE_BV[1] = XINUSE[1] = 0. */
    g_assert_cmphex(xt_rq(&m, XT_DATA + 512), ==, 1);
    g_assert_cmpint(m.env->fpstt, ==, 7);
    g_assert_cmphex(m.env->fpregs[7].high, ==, 0x3fff);
    g_assert_cmpint(run_long(&m, bad_xsetbv, sizeof(bad_xsetbv)), ==, EXCP0D_GPF);
    xt_destroy(&m);
}

/* Nine pushes overflow the stack (IE, SF, C1 set); popping an empty one underflows (C1 clear). */
static void test_fpu_stack_fault(void)
{
    XTMachine m;
    uint8_t code[40];
    int n = 0;

    code[n++] = 0xdb;
    code[n++] = 0xe3;                           /* fninit */
    for (int i = 0; i < 9; i++) {
        code[n++] = 0xd9;
        code[n++] = 0xe8;                       /* fld1 */
    }
    code[n++] = 0xdf;
    code[n++] = 0xe0;                           /* fnstsw ax */
    code[n++] = 0x89;
    code[n++] = 0xc3;                           /* mov ebx, eax */
    code[n++] = 0xdb;
    code[n++] = 0xe3;                           /* fninit */
    code[n++] = 0xdd;
    code[n++] = 0xd8;                           /* fstp st0 (empty) */
    code[n++] = 0xdf;
    code[n++] = 0xe0;                           /* fnstsw ax */
    code[n++] = 0xf4;
    xt_init(&m, 64);
    xt_setup_long(&m);
    g_assert_cmpint(run_long(&m, code, n), ==, -1);
    /* The ninth push finds ST(7) full: TOP still moves (to 7), IE SF C1 set. */
    g_assert_cmphex(m.env->regs[R_EBX] & 0xffff, ==, 0x3a41);
    g_assert_cmphex(m.env->regs[R_EAX] & 0xffff & ~0x3800, ==, 0x0041);
    xt_destroy(&m);
}

/*
 * FNSTENV after FLD m64: FIP/FCS/FOP name the FLD, FDP/FDS its operand;
 * FNSTSW AX (a control instruction) does not move them.
 */
static void test_fpu_pointers(void)
{
    XTMachine m;
    static const uint8_t code[] = {
        0xdb, 0xe3,                                      /* fninit */
        0xdd, 0x47, 0x50,                                /* fld qword [rdi+0x50] (XT_CODE+2) */
        0xdf, 0xe0,                                      /* fnstsw ax (control) */
        0xd9, 0xb7, 0x00, 0x01, 0x00, 0x00,              /* fnstenv [rdi+0x100] */
        0x0f, 0xae, 0x87, 0x00, 0x02, 0x00, 0x00,        /* fxsave [rdi+0x200] */
        0xf4,
    };

    xt_init(&m, 64);
    xt_setup_long(&m);
    m.env->cr[4] |= CR4_OSFXSR_MASK;
    x86_update_hflags(m.env);
    g_assert_cmpint(run_long(&m, code, sizeof(code)), ==, -1);
    g_assert_cmphex(xt_rl(&m, XT_DATA + 0x100 + 12), ==, XT_CODE + 2);
    g_assert_cmphex(xt_rl(&m, XT_DATA + 0x100 + 16), ==,
                    m.env->segs[R_CS].selector | 0x547u << 16);
    g_assert_cmphex(xt_rl(&m, XT_DATA + 0x100 + 20), ==, XT_DATA + 0x50);
    g_assert_cmphex(xt_rl(&m, XT_DATA + 0x100 + 24), ==, m.env->segs[R_DS].selector);
    /* FXSAVE without REX.W: FOP, 32-bit FIP + FCS, FDP + FDS. */
    g_assert_cmphex(xt_rw(&m, XT_DATA + 0x200 + 6), ==, 0x547);
    g_assert_cmphex(xt_rl(&m, XT_DATA + 0x200 + 8), ==, XT_CODE + 2);
    g_assert_cmphex(xt_rl(&m, XT_DATA + 0x200 + 16), ==, XT_DATA + 0x50);
    xt_destroy(&m);
}

/*
 * XGETBV(1) (XINUSE) after XRSTOR of the initial state is 0, and 1 once
 * an x87 register is loaded; XSAVE then writes XSTATE_BV = 1. XRSTOR
 * faults on header bytes 16-23 but not 24-63.
 */
static void test_fpu_xinuse(void)
{
    XTMachine m;
    static const uint8_t code[] = {
        0x31, 0xc9, 0xb8, 0x03, 0x00, 0x00, 0x00, 0x31, 0xd2,  /* ecx=0 eax=3 edx=0 */
        0x0f, 0x01, 0xd1,                                      /* xsetbv */
        0x0f, 0xae, 0x2f,                                      /* xrstor [rdi] (init) */
        0xb9, 0x01, 0x00, 0x00, 0x00,                          /* ecx=1 */
        0x0f, 0x01, 0xd0, 0x89, 0xc3,                          /* xgetbv; mov ebx, eax */
        0xd9, 0xe8,                                            /* fld1 */
        0x0f, 0x01, 0xd0, 0x89, 0xc6,                          /* xgetbv; mov esi, eax */
        0xb8, 0x03, 0x00, 0x00, 0x00, 0x31, 0xd2,              /* eax=3 edx=0 */
        0x0f, 0xae, 0xa7, 0x00, 0x04, 0x00, 0x00,              /* xsave [rdi+0x400] */
        0xf4,
    };
    static const uint8_t xrstor[] = {
        0xb8, 0x03, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0xae, 0x2f, 0xf4,
    };
    X86CPUConfig cfg;

    xt_init(&m, 64);
    x86_tcg_cpu_free(m.cpu);
    g_assert_true(x86_tcg_cpu_config(&cfg, "max", &error_abort));
    m.cpu = x86_tcg_cpu_new(0, 0, true, &cfg, &m.mem, &m.io_as, &error_abort);
    m.env = &m.cpu->env;
    x86_tcg_cpu_set_flat_mode(m.cpu, 64, XT_PT);
    xt_setup_long(&m);
    m.env->cr[4] |= CR4_OSXSAVE_MASK | CR4_OSFXSR_MASK;
    x86_update_hflags(m.env);
    m.env->xmm_regs[0].q[0] = 1;
    g_assert_cmpint(run_long(&m, code, sizeof(code)), ==, -1);
    g_assert_cmphex(m.env->regs[R_EBX], ==, 0);
    g_assert_cmphex(m.env->regs[R_ESI], ==, 1);
    g_assert_cmphex(xt_rq(&m, XT_DATA + 0x400 + 512), ==, 1);
    g_assert_cmphex(m.env->xmm_regs[0].q[0], ==, 0);
    /* Header byte 16: #GP; byte 24: ignored. */
    m.ram_ptr[XT_DATA + 528] = 1;
    g_assert_cmpint(run_long(&m, xrstor, sizeof(xrstor)), ==, EXCP0D_GPF);
    m.ram_ptr[XT_DATA + 528] = 0;
    m.ram_ptr[XT_DATA + 536] = 1;
    g_assert_cmpint(run_long(&m, xrstor, sizeof(xrstor)), ==, -1);
    xt_destroy(&m);
}

/*
 * Real mode (SDM Vol. 1 Figures 8-10, 8-12): FIP and FDP as linear
 * addresses split around FOP. CS = 0x100 (base 0x1000 = XT_CODE), DS =
 * 0x1000 (base 0x10000 = XT_DATA): FLD m32 at IP 2, operand at DS:0x50.
 */
static void test_fpu_real_env(void)
{
    XTMachine m;
    static const uint8_t code[] = {
        0xdb, 0xe3,                                      /* fninit */
        0xd9, 0x06, 0x50, 0x00,                          /* fld dword [0x50] */
        0x66, 0xd9, 0x36, 0x00, 0x01,                    /* fnstenv [0x100] (28 bytes) */
        0xd9, 0x36, 0x40, 0x01,                          /* fnstenv [0x140] (14 bytes) */
        0xf4,
    };
    static const uint8_t ldenv[] = { 0xd9, 0x26, 0x40, 0x01, 0xf4 };  /* fldenv [0x140] */
    const uint64_t env32 = XT_DATA + 0x100, env16 = XT_DATA + 0x140;

    xt_init(&m, 16);
    m.env->segs[R_CS].selector = XT_CODE >> 4;
    m.env->segs[R_CS].base = XT_CODE;
    m.env->segs[R_DS].selector = XT_DATA >> 4;
    m.env->segs[R_DS].base = XT_DATA;
    x86_update_hflags(m.env);
    xt_write(&m, XT_CODE, code, sizeof(code));
    m.env->eip = 0;
    xt_run(&m);
    g_assert_cmphex(m.env->eip, ==, sizeof(code));
    /* 32-bit layout: FIP[15:0]; FIP[31:16] << 12 | FOP; FDP[15:0]; FDP[31:16] << 12. */
    g_assert_cmphex(xt_rl(&m, env32 + 12), ==, (XT_CODE + 2) & 0xffff);
    g_assert_cmphex(xt_rl(&m, env32 + 16), ==, ((XT_CODE + 2) >> 16) << 12 | 0x106);
    g_assert_cmphex(xt_rl(&m, env32 + 20), ==, (XT_DATA + 0x50) & 0xffff);
    g_assert_cmphex(xt_rl(&m, env32 + 24), ==, ((XT_DATA + 0x50) >> 16) << 12);
    /* 16-bit layout: FIP[19:16] and FDP[19:16] in bits 15:12. */
    g_assert_cmphex(xt_rw(&m, env16 + 6), ==, (XT_CODE + 2) & 0xffff);
    g_assert_cmphex(xt_rw(&m, env16 + 8), ==, ((XT_CODE + 2) >> 16) << 12 | 0x106);
    g_assert_cmphex(xt_rw(&m, env16 + 10), ==, (XT_DATA + 0x50) & 0xffff);
    g_assert_cmphex(xt_rw(&m, env16 + 12), ==, ((XT_DATA + 0x50) >> 16) << 12);
    /* FLDENV of the 16-bit image gives the same pointers back. */
    m.env->fpip = m.env->fpdp = 0;
    m.env->fpop = 0;
    xt_write(&m, XT_CODE, ldenv, sizeof(ldenv));
    m.env->eip = 0;
    xt_run(&m);
    g_assert_cmphex(m.env->fpip, ==, XT_CODE + 2);
    g_assert_cmphex(m.env->fpdp, ==, XT_DATA + 0x50);
    g_assert_cmphex(m.env->fpop, ==, 0x106);
    xt_destroy(&m);
}

/* The FERR# glue (hw/i386/pc-ferr.c) with its IRQ13 line watched. */
static int ferr_level, ferr_raises;

static void ferr_irq_handler(void *opaque, int n, int level)
{
    ferr_raises += level && !ferr_level;
    ferr_level = level;
}

/*
 * CR0.NE=0: an unmasked ZE pending at FWAIT raises IRQ13 once (with no
 * interrupt controller the restarted FWAIT then goes on: the line is
 * latched); a write to port 0xF0 lowers it and asserts IGNNE#, so waiting
 * instructions go on with the error pending, until FNCLEX drops IGNNE#.
 */
static void test_fpu_ferr(void)
{
    XTMachine m;
    /* fninit; fldcw [rdi]; fldz; fld1; fdiv st0, st1; fwait; hlt */
    static const uint8_t divide[] = {
        0xdb, 0xe3, 0xd9, 0x2f, 0xd9, 0xee, 0xd9, 0xe8, 0xd8, 0xf1, 0x9b, 0xf4,
    };
    static const uint8_t fnclex[] = { 0xdb, 0xe2, 0xf4 };
    /* FLD1 (waiting) x 7 with ZE still pending, then FWAIT */
    static const uint8_t fld1_wait[] = {
        0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8,
        0x9b, 0xf4,
    };
    uint16_t cw = 0x037b;
    MemoryRegion io;
    AddressSpace io_as;
    uint8_t zero = 0;
    qemu_irq irq = qemu_allocate_irq(ferr_irq_handler, NULL, 13);
    PCFerr *ferr;

    memory_region_init(&io, NULL, "ferr-io", 0x10000);
    address_space_init(&io_as, &io, "ferr-io");
    ferr = pc_ferr_new(irq, &io);
    xt_init(&m, 64);
    xt_setup_long(&m);
    m.env->cr[0] &= ~CR0_NE_MASK;
    xt_write(&m, XT_DATA, &cw, 2);
    g_assert_cmpint(run_long(&m, divide, sizeof(divide)), ==, -1);
    g_assert_cmpint(ferr_raises, ==, 1);
    g_assert_cmpint(ferr_level, ==, 1);
    g_assert_cmphex(m.env->fpus & 0x80ff, ==, 0x8084);
    /* Port 0xF0: IRQ13 low, IGNNE# on: the next error goes unreported. */
    address_space_write(&io_as, PC_FERR_PORT, MEMTXATTRS_UNSPECIFIED, &zero, 1);
    g_assert_cmpint(ferr_level, ==, 0);
    g_assert_cmpint(run_long(&m, fld1_wait, sizeof(fld1_wait)), ==, -1);
    g_assert_cmpint(ferr_raises, ==, 1);
    g_assert_cmphex(m.env->fpus & 0x80ff, ==, 0x80c5);   /* + C1, SF, IE: 9 pushes */
    /* FNCLEX deasserts FERR#, hence IGNNE#: the next error raises IRQ13. */
    g_assert_cmpint(run_long(&m, fnclex, sizeof(fnclex)), ==, -1);
    g_assert_cmpint(run_long(&m, divide, sizeof(divide)), ==, -1);
    g_assert_cmpint(ferr_raises, ==, 2);
    xt_destroy(&m);
    pc_ferr_free(ferr);
    address_space_destroy(&io_as);
    memory_region_destroy(&io);
    qemu_free_irq(irq);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-fpu/host", test_fpu_host);
    g_test_add_func("/x86-fpu/nm", test_fpu_nm);
    g_test_add_func("/x86-fpu/mf", test_fpu_mf);
    g_test_add_func("/x86-fpu/stack-fault", test_fpu_stack_fault);
    g_test_add_func("/x86-fpu/save-restore", test_fpu_save_restore);
    g_test_add_func("/x86-fpu/xsave", test_fpu_xsave);
    g_test_add_func("/x86-fpu/pointers", test_fpu_pointers);
    g_test_add_func("/x86-fpu/xinuse", test_fpu_xinuse);
    g_test_add_func("/x86-fpu/real-env", test_fpu_real_env);
    /* Last: it installs the board's FERR# target for the whole process. */
    g_test_add_func("/x86-fpu/ferr", test_fpu_ferr);
    return g_test_run();
}
