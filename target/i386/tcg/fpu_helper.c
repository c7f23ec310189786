/*
 * fpu_helper.c: the x87 FPU of the TCG vCPU, and the FXSAVE/XSAVE state
 * images (x87 + SSE components), LDMXCSR/STMXCSR, XGETBV/XSETBV.
 *
 * Why the host FPU: 80-bit extended arithmetic must be exact under every
 * rounding and precision control, with the same flags, tags, C0-C3, stack
 * fault (C1/SF) and masked/unmasked responses as hardware. The host is an
 * x86-64 and has that very unit, so each guest x87 instruction (except
 * the state-image ones, done here in C) runs on the host: the guest's x87
 * state is FRSTORed with its exception flags cleared, the instruction's
 * own bytes are executed from a stub table (register forms as they are,
 * memory forms with ModRM [rdi] pointing at a bounce buffer), and FNSAVE
 * takes the state back and reinitialises the host unit, so an unmasked
 * exception never reaches the host as SIGFPE. New flags are or-ed into
 * the guest's sticky flags; an unmasked one sets ES/B, and the next
 * waiting x87 instruction raises #MF (CR0.NE) or asserts FERR (IRQ13).
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/seg_helper.h"

#if !defined(__x86_64__)
#error "the TCG x87 runs the guest's instructions on an x86-64 host FPU"
#endif

#define FPUS_EXC    0x3f    /* IE DE ZE OE UE PE */
#define FPUS_SF     0x40
#define FPUS_ES     0x80
#define FPUS_B      0x8000
#define FPUS_TOP    0x3800

/*
 * The stub table: 512 register forms (D8..DF x C0..FF) and 64 memory
 * forms (D8..DF x /0../7 with ModRM = [rdi]), 8 bytes each:
 * endbr64, the two instruction bytes, ret, padding.
 */
extern const uint8_t fpu_stubs_reg[512 * 8];
extern const uint8_t fpu_stubs_mem[64 * 8];

asm(".pushsection .text\n"
    ".p2align 4\n"
    ".globl fpu_stubs_reg\n"
    ".hidden fpu_stubs_reg\n"
    "fpu_stubs_reg:\n"
    ".irp b, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf\n"
    ".set fpu_stub_m, 0xc0\n"
    ".rept 64\n"
    ".byte 0xf3, 0x0f, 0x1e, 0xfa, \\b, fpu_stub_m, 0xc3, 0x90\n"
    ".set fpu_stub_m, fpu_stub_m + 1\n"
    ".endr\n"
    ".endr\n"
    ".globl fpu_stubs_mem\n"
    ".hidden fpu_stubs_mem\n"
    "fpu_stubs_mem:\n"
    ".irp b, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf\n"
    ".set fpu_stub_m, 0x07\n"
    ".rept 8\n"
    ".byte 0xf3, 0x0f, 0x1e, 0xfa, \\b, fpu_stub_m, 0xc3, 0x90\n"
    ".set fpu_stub_m, fpu_stub_m + 8\n"
    ".endr\n"
    ".endr\n"
    ".popsection\n");

/* The 32-bit protected-mode FNSAVE/FRSTOR image (108 bytes). */
typedef struct __attribute__((packed)) FPUHostImage {
    uint32_t fcw, fsw, ftw, fip, fcs_fop, fdp, fds;
    uint8_t st[8][10];
} FPUHostImage;

/* The full FSW: TOP lives in fpstt. */
static uint16_t fpu_fsw(CPUX86State *env)
{
    return (env->fpus & ~FPUS_TOP) | ((env->fpstt & 7) << 11);
}

/* The full tag word (2 bits per physical register; 3 = empty, 0 = valid). */
static uint16_t fpu_full_tags(CPUX86State *env)
{
    uint16_t ftw = 0;

    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[i];
        unsigned exp = r->high & 0x7fff;
        unsigned tag;

        if (env->fptags[i]) {
            tag = 3;
        } else if (exp == 0x7fff) {
            tag = 2;
        } else if (exp == 0) {
            tag = r->low == 0 ? 1 : 2;
        } else {
            tag = (r->low >> 63) ? 0 : 2;
        }
        ftw |= tag << (2 * i);
    }
    return ftw;
}

static void fpu_to_host_image(CPUX86State *env, FPUHostImage *img)
{
    memset(img, 0, sizeof(*img));
    img->fcw = env->fpuc;
    /* Flags cleared so that the instruction runs; they are or-ed back. */
    img->fsw = fpu_fsw(env) & ~(FPUS_EXC | FPUS_SF | FPUS_ES | FPUS_B);
    for (int i = 0; i < 8; i++) {
        if (env->fptags[i]) {
            img->ftw |= 3u << (2 * i);
        }
    }
    img->ftw |= 0xffff0000u;
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];

        memcpy(img->st[i], &r->low, 8);
        memcpy(img->st[i] + 8, &r->high, 2);
    }
}

/* Merge a host image back; returns the new exception bits. */
static unsigned fpu_from_host_image(CPUX86State *env, const FPUHostImage *img)
{
    unsigned exc = img->fsw & (FPUS_EXC | FPUS_SF);
    uint16_t fsw;

    env->fpuc = img->fcw;
    env->fpstt = (img->fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = ((img->ftw >> (2 * i)) & 3) == 3;
    }
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];

        memcpy(&r->low, img->st[i], 8);
        memcpy(&r->high, img->st[i] + 8, 2);
    }
    fsw = (env->fpus & (FPUS_EXC | FPUS_SF)) | (img->fsw & 0x4700) | exc;
    if (fsw & ~env->fpuc & FPUS_EXC) {
        fsw |= FPUS_ES | FPUS_B;
    }
    env->fpus = fsw;
    return exc;
}

/*
 * Run one stub on the guest state. rdi = buf for memory forms; eflags
 * in/out carries CF/ZF/PF for FCMOVcc and FCOMI. The red zone is skipped
 * because the stub is reached with a call.
 */
static uint64_t fpu_run(CPUX86State *env, const uint8_t *stub, void *buf, uint64_t eflags,
                        unsigned *exc)
{
    FPUHostImage img;
    uint16_t host_cw = 0;

    fpu_to_host_image(env, &img);
    /* img is addressed through a register: rsp moves around the call. */
    asm volatile("fnstcw %[hcw]\n\t"
                 "lea -128(%%rsp), %%rsp\n\t"
                 "frstor (%[img])\n\t"
                 "push %[fl]\n\t"
                 "popfq\n\t"
                 "call *%[stub]\n\t"
                 "pushfq\n\t"
                 "pop %[fl]\n\t"
                 "fnsave (%[img])\n\t"
                 "lea 128(%%rsp), %%rsp\n\t"
                 "fldcw %[hcw]\n\t"
                 : [fl] "+r" (eflags), [hcw] "+m" (host_cw)
                 : [stub] "r" (stub), "D" (buf), [img] "r" (&img)
                 : "memory", "cc");
    *exc = fpu_from_host_image(env, &img);
    return eflags;
}

/* Before a waiting x87 instruction: #MF (CR0.NE) or FERR for a pending one. */
static void fpu_check_pending(CPUX86State *env, uintptr_t ra)
{
    if (!(env->fpus & FPUS_ES)) {
        return;
    }
    if (env->cr[0] & CR0_NE_MASK) {
        raise_exception_ra(env, EXCP10_COPR, ra);
    }
    /*
     * CR0.NE clear: the chipset raises IRQ13 from FERR#. The pc board
     * has no FERR line yet, so the instruction goes on (as if the IRQ
     * were masked at the PIC).
     */
    qemu_log_mask(LOG_UNIMP, "x87: FERR#/IRQ13 with CR0.NE=0 is not wired\n");
}

void helper_fwait(CPUX86State *env)
{
    fpu_check_pending(env, GETPC());
}

uint64_t helper_fpu_reg(CPUX86State *env, uint32_t code, uint64_t eflags)
{
    unsigned exc;

    fpu_check_pending(env, GETPC());
    env->fpop = ((code >> 6) << 8) | 0xc0 | (code & 63);
    return fpu_run(env, &fpu_stubs_reg[(code & 511) * 8], NULL,
                   eflags | 2, &exc);
}

/* Memory operand size of D8..DF /op for the generic memory forms. */
static int fpu_mem_size(unsigned code)
{
    static const int8_t sizes[64] = {
        4, 4, 4, 4, 4, 4, 4, 4,          /* D8 */
        4, 0, 4, 4, 0, 2, 0, 0,          /* D9 */
        4, 4, 4, 4, 4, 4, 4, 4,          /* DA */
        4, 4, 4, 4, 0, 10, 0, 10,        /* DB */
        8, 8, 8, 8, 8, 8, 8, 8,          /* DC */
        8, 8, 8, 8, 0, 0, 0, 0,          /* DD */
        2, 2, 2, 2, 2, 2, 2, 2,          /* DE */
        2, 2, 2, 2, 10, 8, 10, 8,        /* DF */
    };
    return sizes[code & 63];
}

/* Does D8..DF /op write its memory operand? */
static bool fpu_mem_is_store(unsigned code)
{
    unsigned b = code >> 3, op = code & 7;

    switch (b) {
    case 1: case 5:
        return op == 1 || op == 2 || op == 3;
    case 3:
        return op == 1 || op == 2 || op == 3 || op == 7;
    case 7:
        return op == 1 || op == 2 || op == 3 || op == 6 || op == 7;
    default:
        return false;
    }
}

static void fpu_load_bytes(CPUX86State *env, uint64_t a0, uint8_t *buf, int n, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);

    for (int i = 0; i < n; i++) {
        buf[i] = cpu_ldub_mmuidx_ra(env, a0 + i, mmu, ra);
    }
}

static void fpu_store_bytes(CPUX86State *env, uint64_t a0, const uint8_t *buf, int n,
                            uintptr_t ra)
{
    int mmu = x86_mmu_index(env);

    /* Probe both ends first so that a fault leaves memory unchanged. */
    cpu_stb_mmuidx_ra(env, a0 + n - 1, buf[n - 1], mmu, ra);
    for (int i = 0; i < n; i++) {
        cpu_stb_mmuidx_ra(env, a0 + i, buf[i], mmu, ra);
    }
}

void helper_fpu_mem(CPUX86State *env, uint64_t a0, uint32_t code)
{
    uintptr_t ra = GETPC();
    uint8_t buf[16] = { 0 };
    int size = fpu_mem_size(code);
    bool store = fpu_mem_is_store(code);
    struct {
        unsigned fpstt;
        uint16_t fpus;
        uint8_t fptags[8];
        X86FPReg fpregs[8];
    } saved = { 0 };
    unsigned exc;

    fpu_check_pending(env, ra);
    if (size == 0) {
        return;     /* the translator never sends these */
    }
    if (!store) {
        fpu_load_bytes(env, a0, buf, size, ra);
    } else {
        /* Keep the old state in case the store faults. */
        saved.fpstt = env->fpstt;
        saved.fpus = env->fpus;
        memcpy(saved.fptags, env->fptags, sizeof(saved.fptags));
        memcpy(saved.fpregs, env->fpregs, sizeof(saved.fpregs));
    }
    fpu_run(env, &fpu_stubs_mem[(code & 63) * 8], buf, 2, &exc);
    env->fpop = ((code >> 3) << 8) | ((code & 7) << 3);
    env->fpdp = a0;
    if (store && !(exc & ~env->fpuc & 0x1f)) {
        unsigned fpstt = env->fpstt, fpus = env->fpus;
        uint8_t tags[8];
        X86FPReg regs[8];

        memcpy(tags, env->fptags, sizeof(tags));
        memcpy(regs, env->fpregs, sizeof(regs));
        env->fpstt = saved.fpstt;
        env->fpus = saved.fpus;
        memcpy(env->fptags, saved.fptags, sizeof(tags));
        memcpy(env->fpregs, saved.fpregs, sizeof(regs));
        fpu_store_bytes(env, a0, buf, size, ra);
        env->fpstt = fpstt;
        env->fpus = fpus;
        memcpy(env->fptags, tags, sizeof(tags));
        memcpy(env->fpregs, regs, sizeof(regs));
    }
}

void helper_fninit(CPUX86State *env)
{
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fpstt = 0;
    env->fpop = 0;
    env->fpip = 0;
    env->fpdp = 0;
    memset(env->fptags, 1, sizeof(env->fptags));
}

void helper_fnclex(CPUX86State *env)
{
    env->fpus &= 0x7f00;
}

uint64_t helper_fnstsw(CPUX86State *env)
{
    return fpu_fsw(env);
}

/* ---- FNSTENV / FLDENV / FNSAVE / FRSTOR ---- */

/*
 * The environment: 14 bytes with 16-bit operands, 28 with 32-bit ones;
 * the real-mode layouts hold FIP/FDP as 20-bit linear addresses.
 */
static void fpu_stenv(CPUX86State *env, uint64_t a0, bool data32, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);
    bool real = !(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK);
    uint16_t fsw = fpu_fsw(env), ftw = fpu_full_tags(env);

    if (data32) {
        cpu_stl_mmuidx_ra(env, a0 + 24, real ? (env->fpdp & 0xffff0000) >> 4 : 0, mmu, ra);
        cpu_stl_mmuidx_ra(env, a0, 0xffff0000u | env->fpuc, mmu, ra);
        cpu_stl_mmuidx_ra(env, a0 + 4, 0xffff0000u | fsw, mmu, ra);
        cpu_stl_mmuidx_ra(env, a0 + 8, 0xffff0000u | ftw, mmu, ra);
        if (real) {
            cpu_stl_mmuidx_ra(env, a0 + 12, env->fpip & 0xffff, mmu, ra);
            cpu_stl_mmuidx_ra(env, a0 + 16, ((env->fpip & 0xffff0000) >> 4) |
                              (env->fpop & 0x7ff), mmu, ra);
            cpu_stl_mmuidx_ra(env, a0 + 20, env->fpdp & 0xffff, mmu, ra);
        } else {
            cpu_stl_mmuidx_ra(env, a0 + 12, env->fpip, mmu, ra);
            cpu_stl_mmuidx_ra(env, a0 + 16, (uint32_t)(env->fpop & 0x7ff) << 16, mmu, ra);
            cpu_stl_mmuidx_ra(env, a0 + 20, env->fpdp, mmu, ra);
        }
    } else {
        cpu_stw_mmuidx_ra(env, a0 + 12, real ? (env->fpdp >> 4) & 0xf000 : 0, mmu, ra);
        cpu_stw_mmuidx_ra(env, a0, env->fpuc, mmu, ra);
        cpu_stw_mmuidx_ra(env, a0 + 2, fsw, mmu, ra);
        cpu_stw_mmuidx_ra(env, a0 + 4, ftw, mmu, ra);
        if (real) {
            cpu_stw_mmuidx_ra(env, a0 + 6, env->fpip, mmu, ra);
            cpu_stw_mmuidx_ra(env, a0 + 8, ((env->fpip >> 4) & 0xf000) |
                              (env->fpop & 0x7ff), mmu, ra);
            cpu_stw_mmuidx_ra(env, a0 + 10, env->fpdp, mmu, ra);
        } else {
            cpu_stw_mmuidx_ra(env, a0 + 6, env->fpip, mmu, ra);
            cpu_stw_mmuidx_ra(env, a0 + 8, 0, mmu, ra);
            cpu_stw_mmuidx_ra(env, a0 + 10, env->fpdp, mmu, ra);
        }
    }
}

static void fpu_set_fsw(CPUX86State *env, uint16_t fsw)
{
    env->fpstt = (fsw >> 11) & 7;
    fsw &= ~FPUS_TOP;
    /* ES and B follow the unmasked flags, whatever the image says. */
    fsw &= ~(FPUS_ES | FPUS_B);
    if (fsw & ~env->fpuc & FPUS_EXC) {
        fsw |= FPUS_ES | FPUS_B;
    }
    env->fpus = fsw;
}

static void fpu_ldenv(CPUX86State *env, uint64_t a0, bool data32, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);
    bool real = !(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK);
    uint16_t fcw, fsw, ftw;

    if (data32) {
        fcw = cpu_lduw_mmuidx_ra(env, a0, mmu, ra);
        fsw = cpu_lduw_mmuidx_ra(env, a0 + 4, mmu, ra);
        ftw = cpu_lduw_mmuidx_ra(env, a0 + 8, mmu, ra);
    } else {
        fcw = cpu_lduw_mmuidx_ra(env, a0, mmu, ra);
        fsw = cpu_lduw_mmuidx_ra(env, a0 + 2, mmu, ra);
        ftw = cpu_lduw_mmuidx_ra(env, a0 + 4, mmu, ra);
    }
    /* The last-instruction pointers, so that FNSTENV after FLDENV gives them back. */
    if (data32 && !real) {
        env->fpip = cpu_ldl_mmuidx_ra(env, a0 + 12, mmu, ra);
        env->fpop = (cpu_ldl_mmuidx_ra(env, a0 + 16, mmu, ra) >> 16) & 0x7ff;
        env->fpdp = cpu_ldl_mmuidx_ra(env, a0 + 20, mmu, ra);
    } else if (data32) {
        uint32_t w16 = cpu_ldl_mmuidx_ra(env, a0 + 16, mmu, ra);

        env->fpip = (cpu_ldl_mmuidx_ra(env, a0 + 12, mmu, ra) & 0xffff) |
                    ((w16 << 4) & 0xffff0000u);
        env->fpop = w16 & 0x7ff;
        env->fpdp = (cpu_ldl_mmuidx_ra(env, a0 + 20, mmu, ra) & 0xffff) |
                    ((cpu_ldl_mmuidx_ra(env, a0 + 24, mmu, ra) << 4) & 0xffff0000u);
    } else if (real) {
        uint16_t w8 = cpu_lduw_mmuidx_ra(env, a0 + 8, mmu, ra);

        env->fpip = cpu_lduw_mmuidx_ra(env, a0 + 6, mmu, ra) | ((uint32_t)(w8 & 0xf000) << 4);
        env->fpop = w8 & 0x7ff;
        env->fpdp = cpu_lduw_mmuidx_ra(env, a0 + 10, mmu, ra) |
                    ((uint32_t)(cpu_lduw_mmuidx_ra(env, a0 + 12, mmu, ra) & 0xf000) << 4);
    } else {
        env->fpip = cpu_lduw_mmuidx_ra(env, a0 + 6, mmu, ra);
        env->fpdp = cpu_lduw_mmuidx_ra(env, a0 + 10, mmu, ra);
    }
    env->fpuc = fcw | 0x40;
    fpu_set_fsw(env, fsw);
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = ((ftw >> (2 * i)) & 3) == 3;
    }
}

void helper_fnstenv(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    fpu_stenv(env, a0, data32, GETPC());
    /* FNSTENV masks all exceptions afterwards. */
    env->fpuc |= FPUS_EXC;
    fpu_set_fsw(env, fpu_fsw(env));
}

void helper_fldenv(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    fpu_ldenv(env, a0, data32, GETPC());
}

void helper_fnsave(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    uint64_t p = a0 + (data32 ? 28 : 14);

    /* Probe the far end so that a fault happens before anything changes. */
    cpu_stb_mmuidx_ra(env, p + 79, env->fpregs[(env->fpstt + 7) & 7].high >> 8, mmu, ra);
    fpu_stenv(env, a0, data32, ra);
    for (int i = 0; i < 8; i++, p += 10) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];

        cpu_stq_mmuidx_ra(env, p, r->low, mmu, ra);
        cpu_stw_mmuidx_ra(env, p + 8, r->high, mmu, ra);
    }
    helper_fninit(env);
}

void helper_frstor(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    uint64_t p = a0 + (data32 ? 28 : 14);
    X86FPReg regs[8];

    for (int i = 0; i < 8; i++, p += 10) {
        regs[i].low = cpu_ldq_mmuidx_ra(env, p, mmu, ra);
        regs[i].high = cpu_lduw_mmuidx_ra(env, p + 8, mmu, ra);
    }
    fpu_ldenv(env, a0, data32, ra);
    for (int i = 0; i < 8; i++) {
        env->fpregs[(env->fpstt + i) & 7] = regs[i];
    }
}

/* ---- FXSAVE / FXRSTOR / XSAVE / XRSTOR ---- */

#define MXCSR_MASK 0xffff

/* The x87 part of the legacy area (bytes 0..159). */
static void fpu_xsave_x87(CPUX86State *env, uint64_t a0, bool rex_w, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);
    uint8_t ftw = 0;

    for (int i = 0; i < 8; i++) {
        ftw |= (uint8_t)!env->fptags[i] << i;
    }
    cpu_stw_mmuidx_ra(env, a0, env->fpuc, mmu, ra);
    cpu_stw_mmuidx_ra(env, a0 + 2, fpu_fsw(env), mmu, ra);
    cpu_stw_mmuidx_ra(env, a0 + 4, ftw, mmu, ra);
    cpu_stw_mmuidx_ra(env, a0 + 6, env->fpop & 0x7ff, mmu, ra);
    if (rex_w) {
        cpu_stq_mmuidx_ra(env, a0 + 8, env->fpip, mmu, ra);
        cpu_stq_mmuidx_ra(env, a0 + 16, env->fpdp, mmu, ra);
    } else {
        cpu_stl_mmuidx_ra(env, a0 + 8, env->fpip, mmu, ra);
        cpu_stl_mmuidx_ra(env, a0 + 12, 0, mmu, ra);
        cpu_stl_mmuidx_ra(env, a0 + 16, env->fpdp, mmu, ra);
        cpu_stl_mmuidx_ra(env, a0 + 20, 0, mmu, ra);
    }
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        uint64_t p = a0 + 32 + 16 * i;

        cpu_stq_mmuidx_ra(env, p, r->low, mmu, ra);
        cpu_stq_mmuidx_ra(env, p + 8, r->high, mmu, ra);
    }
}

static void fpu_xrstor_x87(CPUX86State *env, uint64_t a0, bool rex_w, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);
    uint8_t ftw;

    env->fpuc = cpu_lduw_mmuidx_ra(env, a0, mmu, ra);
    fpu_set_fsw(env, cpu_lduw_mmuidx_ra(env, a0 + 2, mmu, ra));
    ftw = cpu_ldub_mmuidx_ra(env, a0 + 4, mmu, ra);
    env->fpop = cpu_lduw_mmuidx_ra(env, a0 + 6, mmu, ra) & 0x7ff;
    if (rex_w) {
        env->fpip = cpu_ldq_mmuidx_ra(env, a0 + 8, mmu, ra);
        env->fpdp = cpu_ldq_mmuidx_ra(env, a0 + 16, mmu, ra);
    } else {
        env->fpip = cpu_ldl_mmuidx_ra(env, a0 + 8, mmu, ra);
        env->fpdp = cpu_ldl_mmuidx_ra(env, a0 + 16, mmu, ra);
    }
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((ftw >> i) & 1);
    }
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        uint64_t p = a0 + 32 + 16 * i;

        r->low = cpu_ldq_mmuidx_ra(env, p, mmu, ra);
        r->high = cpu_lduw_mmuidx_ra(env, p + 8, mmu, ra);
    }
}

/* XMM0-7, or XMM0-15 in 64-bit mode. */
static int fpu_nb_xmm(CPUX86State *env)
{
    return (env->hflags & HF_CS64_MASK) ? 16 : 8;
}

static void fpu_xsave_sse(CPUX86State *env, uint64_t a0, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);

    for (int i = 0; i < fpu_nb_xmm(env); i++) {
        cpu_stq_mmuidx_ra(env, a0 + 160 + 16 * i, env->xmm_regs[i].q[0], mmu, ra);
        cpu_stq_mmuidx_ra(env, a0 + 168 + 16 * i, env->xmm_regs[i].q[1], mmu, ra);
    }
}

static void fpu_xrstor_sse(CPUX86State *env, uint64_t a0, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);

    for (int i = 0; i < fpu_nb_xmm(env); i++) {
        env->xmm_regs[i].q[0] = cpu_ldq_mmuidx_ra(env, a0 + 160 + 16 * i, mmu, ra);
        env->xmm_regs[i].q[1] = cpu_ldq_mmuidx_ra(env, a0 + 168 + 16 * i, mmu, ra);
    }
}

static void fpu_xsave_mxcsr(CPUX86State *env, uint64_t a0, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);

    cpu_stl_mmuidx_ra(env, a0 + 24, env->mxcsr, mmu, ra);
    cpu_stl_mmuidx_ra(env, a0 + 28, MXCSR_MASK, mmu, ra);
}

static void fpu_set_mxcsr(CPUX86State *env, uint32_t v, uintptr_t ra)
{
    if (v & ~MXCSR_MASK) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    env->mxcsr = v;
}

void helper_fxsave(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();

    if (a0 & 15) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    /* Probe the last byte written first. */
    cpu_stb_mmuidx_ra(env, a0 + 159, 0, x86_mmu_index(env), ra);
    fpu_xsave_x87(env, a0, rex_w, ra);
    if (env->cr[4] & CR4_OSFXSR_MASK) {
        fpu_xsave_mxcsr(env, a0, ra);
        fpu_xsave_sse(env, a0, ra);
    }
}

void helper_fxrstor(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();

    if (a0 & 15) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    if (env->cr[4] & CR4_OSFXSR_MASK) {
        fpu_set_mxcsr(env, cpu_ldl_mmuidx_ra(env, a0 + 24, x86_mmu_index(env), ra), ra);
        fpu_xrstor_sse(env, a0, ra);
    }
    fpu_xrstor_x87(env, a0, rex_w, ra);
}

#define XSAVE_SUPPORTED (XSTATE_FP_MASK | XSTATE_SSE_MASK)

static uint64_t fpu_rfbm(CPUX86State *env)
{
    uint64_t mask = ((uint64_t)(uint32_t)env->regs[R_EDX] << 32) |
                    (uint32_t)env->regs[R_EAX];

    return mask & env->xcr0 & XSAVE_SUPPORTED;
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

void helper_xsave(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    uint64_t rfbm = fpu_rfbm(env), bv;

    fpu_xsave_checks(env, a0, ra);
    bv = cpu_ldq_mmuidx_ra(env, a0 + 512, mmu, ra);
    cpu_stq_mmuidx_ra(env, a0 + 512, bv, mmu, ra);
    if (rfbm & XSTATE_FP_MASK) {
        fpu_xsave_x87(env, a0, rex_w, ra);
    }
    if (rfbm & XSTATE_SSE_MASK) {
        fpu_xsave_mxcsr(env, a0, ra);
        fpu_xsave_sse(env, a0, ra);
    }
    cpu_stq_mmuidx_ra(env, a0 + 512, (bv & ~rfbm) | rfbm, mmu, ra);
}

/* The initial x87 / SSE state, for XRSTOR of a component whose XSTATE_BV bit is 0. */
static void fpu_init_x87(CPUX86State *env)
{
    helper_fninit(env);
    memset(env->fpregs, 0, sizeof(env->fpregs));
}

void helper_xrstor(CPUX86State *env, uint64_t a0, uint32_t rex_w)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_index(env);
    uint64_t rfbm = fpu_rfbm(env), bv, comp;

    fpu_xsave_checks(env, a0, ra);
    bv = cpu_ldq_mmuidx_ra(env, a0 + 512, mmu, ra);
    comp = cpu_ldq_mmuidx_ra(env, a0 + 520, mmu, ra);
    if ((bv & ~env->xcr0) || comp) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    for (int i = 0; i < 6; i++) {
        if (cpu_ldq_mmuidx_ra(env, a0 + 528 + 8 * i, mmu, ra)) {
            raise_exception_ra(env, EXCP0D_GPF, ra);
        }
    }
    if (rfbm & XSTATE_SSE_MASK) {
        /* MXCSR comes from memory even when XSTATE_BV[1] is clear. */
        fpu_set_mxcsr(env, cpu_ldl_mmuidx_ra(env, a0 + 24, mmu, ra), ra);
    }
    if (rfbm & XSTATE_FP_MASK) {
        if (bv & XSTATE_FP_MASK) {
            fpu_xrstor_x87(env, a0, rex_w, ra);
        } else {
            fpu_init_x87(env);
        }
    }
    if (rfbm & XSTATE_SSE_MASK) {
        if (bv & XSTATE_SSE_MASK) {
            fpu_xrstor_sse(env, a0, ra);
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
    fpu_set_mxcsr(env, v, GETPC());
}

/* The XCR0 bits this vCPU offers: CPUID.(0xd, 0).EAX, within what is implemented. */
static uint64_t fpu_xcr0_supported(CPUX86State *env)
{
    const X86CPUIDEntry *d = x86_cpuid(env, 0xd, 0);

    return (d ? d->eax : XSTATE_FP_MASK) & XSAVE_SUPPORTED;
}

uint64_t helper_xgetbv(CPUX86State *env, uint32_t ecx)
{
    uintptr_t ra = GETPC();

    if (!(env->cr[4] & CR4_OSXSAVE_MASK)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (ecx != 0) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    return env->xcr0;
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
