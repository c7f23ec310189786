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
 * waiting x87 instruction raises #MF (CR0.NE) or asserts FERR# (IRQ13,
 * hw/i386/pc-ferr.c). Also FNSTENV/FLDENV/FNSAVE/FRSTOR and the last
 * instruction pointers; the FXSAVE/XSAVE images are in fpu_xsave.c.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/fpu-internal.h"
#include "hw/i386/pc-ferr.h"

#if !defined(__x86_64__)
#error "the TCG x87 runs the guest's instructions on an x86-64 host FPU"
#endif

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

uint16_t fpu_fsw(CPUX86State *env)
{
    return (env->fpus & ~FPUS_TOP) | ((env->fpstt & 7) << 11);
}

uint16_t fpu_full_tags(CPUX86State *env)
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

/*
 * Before a waiting x87 instruction: a pending unmasked exception raises
 * #MF with CR0.NE, else asserts FERR#. The PC routes FERR# to IRQ13 and
 * the vCPU waits for that interrupt at the waiting instruction (SDM
 * Vol. 1 D.2.1): the instruction is restarted so that the pending IRQ is
 * taken first and the handler returns to it. It goes on when IGNNE# is
 * asserted (port 0xF0 was written) or IRQ13 is latched already (masked
 * or IF=0: waiting for ever would hang the guest).
 */
static void fpu_check_pending(CPUX86State *env, uintptr_t ra)
{
    if (!(env->fpus & FPUS_ES)) {
        return;
    }
    if (env->cr[0] & CR0_NE_MASK) {
        raise_exception_ra(env, EXCP10_COPR, ra);
    }
    if (pc_ferr_raise()) {
        cpu_loop_exit_restore(env_cpustate(env), ra);
    }
}

/*
 * A non-control x87 instruction completed: FIP/FCS and FOP name it (SDM
 * Vol. 1 8.1.8). In real and virtual-8086 mode FIP is the 20-bit linear
 * address the real-mode environment layouts hold. EIP is this
 * instruction's: the translator syncs it before every x87 helper.
 */
static void fpu_note_insn(CPUX86State *env, unsigned fop)
{
    bool real = !(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK);

    env->fpop = fop & 0x7ff;
    env->fpcs = env->segs[R_CS].selector;
    env->fpip = real ? env->segs[R_CS].base + env->eip : env->eip;
}

void helper_fwait(CPUX86State *env)
{
    fpu_check_pending(env, GETPC());
}

uint64_t helper_fpu_reg(CPUX86State *env, uint32_t code, uint64_t eflags)
{
    unsigned exc;

    fpu_check_pending(env, GETPC());
    code &= 511;
    eflags = fpu_run(env, &fpu_stubs_reg[code * 8], NULL, eflags | 2, &exc);
    fpu_note_insn(env, ((code >> 6) << 8) | 0xc0 | (code & 63));
    return eflags;
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
    unsigned b = (code >> 3) & 7, op = code & 7;

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

void fpu_read_area(CPUX86State *env, uint64_t a0, uint8_t *buf, unsigned len, uintptr_t ra)
{
    int mmu = x86_mmu_index(env);
    unsigned i = 0;

    for (; i + 8 <= len; i += 8) {
        stq_le_p(buf + i, cpu_ldq_mmuidx_ra(env, a0 + i, mmu, ra));
    }
    for (; i < len; i++) {
        buf[i] = cpu_ldub_mmuidx_ra(env, a0 + i, mmu, ra);
    }
}

void fpu_write_area(CPUX86State *env, uint64_t a0, const uint8_t *buf, unsigned len,
                    uintptr_t ra)
{
    int mmu = x86_mmu_index(env);
    unsigned i = 0;

    if (len == 0) {
        return;
    }
    /* The far end first: a fault on either page comes before most bytes change. */
    cpu_stb_mmuidx_ra(env, a0 + len - 1, buf[len - 1], mmu, ra);
    cpu_stb_mmuidx_ra(env, a0, buf[0], mmu, ra);
    for (; i + 8 <= len; i += 8) {
        cpu_stq_mmuidx_ra(env, a0 + i, ldq_le_p(buf + i), mmu, ra);
    }
    for (; i < len; i++) {
        cpu_stb_mmuidx_ra(env, a0 + i, buf[i], mmu, ra);
    }
}

/* D9 /5: a control instruction, it leaves the pointers (SDM Vol. 1 8.1.8). */
#define FPU_MEM_FLDCW (1 * 8 + 5)

/*
 * code: (b - 0xd8) * 8 + ModRM.reg in bits 0-5, the ModRM byte in bits
 * 8-15 (for FOP). FDP/FDS are the translator's to write once this
 * returns: only it knows the offset and segment of a0.
 */
void helper_fpu_mem(CPUX86State *env, uint64_t a0, uint32_t code)
{
    uintptr_t ra = GETPC();
    uint8_t buf[16] = { 0 };
    unsigned op = code & 63, modrm = (code >> 8) & 0xff;
    int size = fpu_mem_size(op);
    bool store = fpu_mem_is_store(op);
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
        fpu_read_area(env, a0, buf, size, ra);
    } else {
        /* Keep the old state in case the store faults. */
        saved.fpstt = env->fpstt;
        saved.fpus = env->fpus;
        memcpy(saved.fptags, env->fptags, sizeof(saved.fptags));
        memcpy(saved.fpregs, env->fpregs, sizeof(saved.fpregs));
    }
    fpu_run(env, &fpu_stubs_mem[op * 8], buf, 2, &exc);
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
        fpu_write_area(env, a0, buf, size, ra);
        env->fpstt = fpstt;
        env->fpus = fpus;
        memcpy(env->fptags, tags, sizeof(tags));
        memcpy(env->fpregs, regs, sizeof(regs));
    }
    if (op != FPU_MEM_FLDCW) {
        fpu_note_insn(env, ((op >> 3) << 8) | modrm);
    }
}

void fpu_init_state(CPUX86State *env, bool regs)
{
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fpstt = 0;
    env->fpop = 0;
    env->fpip = 0;
    env->fpdp = 0;
    env->fpcs = 0;
    env->fpds = 0;
    memset(env->fptags, 1, sizeof(env->fptags));
    if (regs) {
        memset(env->fpregs, 0, sizeof(env->fpregs));
    }
    pc_ferr_lower();
}

bool fpu_x87_is_init(CPUX86State *env)
{
    static const X86FPReg zero[8];

    if (env->fpuc != 0x37f || fpu_fsw(env) != 0 || env->fpop || env->fpip ||
        env->fpdp || env->fpcs || env->fpds) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        if (!env->fptags[i]) {
            return false;
        }
    }
    return !memcmp(env->fpregs, zero, sizeof(zero));
}

void helper_fninit(CPUX86State *env)
{
    fpu_init_state(env, false);
}

void helper_fnclex(CPUX86State *env)
{
    env->fpus &= 0x7f00;
    pc_ferr_lower();
}

uint64_t helper_fnstsw(CPUX86State *env)
{
    return fpu_fsw(env);
}

void fpu_set_fsw(CPUX86State *env, uint16_t fsw)
{
    env->fpstt = (fsw >> 11) & 7;
    fsw &= ~FPUS_TOP;
    /* ES and B follow the unmasked flags, whatever the image says. */
    fsw &= ~(FPUS_ES | FPUS_B);
    if (fsw & ~env->fpuc & FPUS_EXC) {
        fsw |= FPUS_ES | FPUS_B;
    }
    env->fpus = fsw;
    if (!(fsw & FPUS_ES)) {
        pc_ferr_lower();
    }
}

/* ---- FNSTENV / FLDENV / FNSAVE / FRSTOR ---- */

static bool fpu_real_layout(CPUX86State *env)
{
    return !(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK);
}

/*
 * The environment (SDM Vol. 1 8.1.10): 14 bytes with 16-bit operands, 28
 * with 32-bit ones. Protected mode: FIP/FDP offsets with their selectors
 * (FOP beside FCS in the 32-bit layout); real mode: 20-bit (32-bit
 * layout: 32-bit) linear addresses split around FOP. Returns its size.
 */
static unsigned fpu_env_image(CPUX86State *env, uint8_t *p, bool data32)
{
    bool real = fpu_real_layout(env);
    uint16_t fsw = fpu_fsw(env), ftw = fpu_full_tags(env);
    uint32_t fop = env->fpop & 0x7ff;
    uint32_t ip = env->fpip, dp = env->fpdp;

    if (data32) {
        /* Reserved upper halves: all ones, as this host's CPU stores them. */
        stl_le_p(p, 0xffff0000u | env->fpuc);
        stl_le_p(p + 4, 0xffff0000u | fsw);
        stl_le_p(p + 8, 0xffff0000u | ftw);
        if (real) {
            stl_le_p(p + 12, ip & 0xffff);
            stl_le_p(p + 16, ((ip & 0xffff0000u) >> 4) | fop);
            stl_le_p(p + 20, dp & 0xffff);
            stl_le_p(p + 24, (dp & 0xffff0000u) >> 4);
        } else {
            stl_le_p(p + 12, ip);
            stl_le_p(p + 16, env->fpcs | (fop << 16));
            stl_le_p(p + 20, dp);
            stl_le_p(p + 24, env->fpds);
        }
        return 28;
    }
    stw_le_p(p, env->fpuc);
    stw_le_p(p + 2, fsw);
    stw_le_p(p + 4, ftw);
    stw_le_p(p + 6, ip);
    stw_le_p(p + 10, dp);
    if (real) {
        stw_le_p(p + 8, ((ip >> 4) & 0xf000) | fop);
        stw_le_p(p + 12, (dp >> 4) & 0xf000);
    } else {
        stw_le_p(p + 8, env->fpcs);
        stw_le_p(p + 12, env->fpds);
    }
    return 14;
}

static void fpu_env_load(CPUX86State *env, const uint8_t *p, bool data32)
{
    bool real = fpu_real_layout(env);
    uint16_t ftw;

    if (data32) {
        env->fpuc = lduw_le_p(p) | 0x40;
        ftw = lduw_le_p(p + 8);
        if (real) {
            uint32_t w16 = ldl_le_p(p + 16);

            env->fpip = lduw_le_p(p + 12) | ((w16 << 4) & 0xffff0000u);
            env->fpop = w16 & 0x7ff;
            env->fpdp = lduw_le_p(p + 20) | ((ldl_le_p(p + 24) << 4) & 0xffff0000u);
            env->fpcs = env->fpds = 0;
        } else {
            env->fpip = ldl_le_p(p + 12);
            env->fpcs = lduw_le_p(p + 16);
            env->fpop = (ldl_le_p(p + 16) >> 16) & 0x7ff;
            env->fpdp = ldl_le_p(p + 20);
            env->fpds = lduw_le_p(p + 24);
        }
        fpu_set_fsw(env, lduw_le_p(p + 4));
    } else {
        env->fpuc = lduw_le_p(p) | 0x40;
        ftw = lduw_le_p(p + 4);
        env->fpip = lduw_le_p(p + 6);
        env->fpdp = lduw_le_p(p + 10);
        if (real) {
            uint16_t w8 = lduw_le_p(p + 8);

            env->fpip |= (uint32_t)(w8 & 0xf000) << 4;
            env->fpop = w8 & 0x7ff;
            env->fpdp |= (uint32_t)(lduw_le_p(p + 12) & 0xf000) << 4;
            env->fpcs = env->fpds = 0;
        } else {
            env->fpcs = lduw_le_p(p + 8);
            env->fpds = lduw_le_p(p + 12);
        }
        fpu_set_fsw(env, lduw_le_p(p + 2));
    }
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = ((ftw >> (2 * i)) & 3) == 3;
    }
}

void helper_fnstenv(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    uint8_t img[28];
    unsigned len = fpu_env_image(env, img, data32);

    fpu_write_area(env, a0, img, len, GETPC());
    /* FNSTENV masks all exceptions afterwards. */
    env->fpuc |= FPUS_EXC;
    fpu_set_fsw(env, fpu_fsw(env));
}

void helper_fldenv(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    uint8_t img[28];

    fpu_read_area(env, a0, img, data32 ? 28 : 14, GETPC());
    fpu_env_load(env, img, data32);
}

void helper_fnsave(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    uint8_t img[108];
    unsigned len = fpu_env_image(env, img, data32);

    for (int i = 0; i < 8; i++, len += 10) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];

        stq_le_p(img + len, r->low);
        stw_le_p(img + len + 8, r->high);
    }
    fpu_write_area(env, a0, img, len, GETPC());
    helper_fninit(env);
}

void helper_frstor(CPUX86State *env, uint64_t a0, uint32_t data32)
{
    uint8_t img[108];
    unsigned len = data32 ? 28 : 14;

    /* All of it read before the state changes: a #PF leaves it as it was. */
    fpu_read_area(env, a0, img, len + 80, GETPC());
    fpu_env_load(env, img, data32);
    for (int i = 0; i < 8; i++) {
        X86FPReg *r = &env->fpregs[(env->fpstt + i) & 7];

        r->low = ldq_le_p(img + len + 10 * i);
        r->high = lduw_le_p(img + len + 10 * i + 8);
    }
}
