/*
 * test-x86-seg.c: x86 segmentation helpers under TCG (seg_helper.c,
 * seg_transfer.c), called as translated code calls them: MOV Sreg checks
 * (null, limit, type, privilege, not present, accessed bit), LTR/LLDT,
 * LAR/LSL/VERR/VERW results and ZF, a far CALL through a call gate with
 * a TSS stack switch and parameter copy, far RET and IRET to an outer
 * ring, and SYSCALL/SYSRET. Faults land in a sigsetjmp like cpu_exec's.
 */
#include "qemu/osdep.h"
#include "test-x86-fixture.h"

#define RAM_SIZE (16u << 20)

static void fx_init(Fixture *f)
{
    fx_init_ram(f, RAM_SIZE);
}


/* Extra descriptors after fx_gdt's: 0x50.. (indexes 10..). */
#define SEL_NP_DATA   0x50    /* data, not present */
#define SEL_XO_CODE   0x58    /* execute-only code */
#define SEL_RO_DATA   0x60    /* read-only data, DPL 0 */
#define SEL_GATE      0x68    /* 32-bit call gate DPL 3 -> 0x08:0x5000, 2 params */
#define SEL_LDT       0x70    /* LDT at 0x6000, limit 0xf */
#define SEL_DATA_UNACC 0x78   /* data DPL 3, accessed bit clear */

static void fx_more(Fixture *f)
{
    wl(f, GDT + SEL_NP_DATA, 0x0000ffff);
    wl(f, GDT + SEL_NP_DATA + 4, 0x00cf1300);
    wl(f, GDT + SEL_XO_CODE, 0x0000ffff);
    wl(f, GDT + SEL_XO_CODE + 4, 0x00cf9900);
    wl(f, GDT + SEL_RO_DATA, 0x0000ffff);
    wl(f, GDT + SEL_RO_DATA + 4, 0x00cf9100);
    wl(f, GDT + SEL_GATE, (0x08 << 16) | 0x5000);
    wl(f, GDT + SEL_GATE + 4, 0x0000ec02);
    wl(f, GDT + SEL_LDT, (0x6000 << 16) | 0x0f);
    wl(f, GDT + SEL_LDT + 4, 0x00008200);
    wl(f, GDT + SEL_DATA_UNACC, 0x0000ffff);
    wl(f, GDT + SEL_DATA_UNACC + 4, 0x00cff200);
    f->env->gdt.limit = 0x7f;
}

typedef void (*SegFn)(Fixture *f, uint32_t a);

/* Run fn; -1 if it returned, else the exception with its error code. */
static int fx_try(Fixture *f, SegFn fn, uint32_t a, int *err)
{
    f->env->old_exception = -1;
    f->cs->exception_index = -1;
    if (sigsetjmp(f->cs->jmp_env, 0) == 0) {
        fn(f, a);
        return -1;
    }
    *err = f->env->error_code;
    f->env->old_exception = -1;
    return f->cs->exception_index;
}

static void do_load_ds(Fixture *f, uint32_t sel)
{
    helper_load_seg(f->env, R_DS, sel);
}

static void do_load_ss(Fixture *f, uint32_t sel)
{
    helper_load_seg(f->env, R_SS, sel);
}

static void test_load_seg(void)
{
    Fixture f;
    int err = -1;

    fx_init(&f);
    fx_prot32(&f, 0);
    fx_more(&f);
    g_assert_cmpint(fx_try(&f, do_load_ds, 0, &err), ==, -1);
    g_assert_cmphex(f.env->segs[R_DS].selector, ==, 0);
    g_assert_cmpint(fx_try(&f, do_load_ss, 0, &err), ==, EXCP0D_GPF);
    g_assert_cmpint(err, ==, 0);
    g_assert_cmpint(fx_try(&f, do_load_ds, 0x80, &err), ==, EXCP0D_GPF);    /* limit */
    g_assert_cmphex(err, ==, 0x80);
    g_assert_cmpint(fx_try(&f, do_load_ds, SEL_NP_DATA, &err), ==, EXCP0B_NOSEG);
    g_assert_cmphex(err, ==, SEL_NP_DATA);
    g_assert_cmpint(fx_try(&f, do_load_ds, SEL_XO_CODE, &err), ==, EXCP0D_GPF);
    g_assert_cmphex(err, ==, SEL_XO_CODE);
    g_assert_cmpint(fx_try(&f, do_load_ss, SEL_RO_DATA, &err), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_try(&f, do_load_ds, SEL_RO_DATA, &err), ==, -1);
    g_assert_cmpint(fx_try(&f, do_load_ds, 0x28, &err), ==, EXCP0D_GPF);    /* system */
    /* A not-present writable DPL-0 stack: #SS. */
    g_assert_cmpint(fx_try(&f, do_load_ss, SEL_NP_DATA, &err), ==, EXCP0C_STACK);
    g_assert_cmphex(err, ==, SEL_NP_DATA);
    /* Loading sets the accessed bit in the GDT. */
    g_assert_cmpint(fx_try(&f, do_load_ds, SEL_DATA_UNACC, &err), ==, -1);
    g_assert_cmphex(rl(&f, GDT + SEL_DATA_UNACC + 4) & DESC_A_MASK, ==, DESC_A_MASK);
    g_assert_cmphex(f.env->segs[R_DS].base, ==, 0);
    g_assert_cmphex(f.env->segs[R_DS].limit, ==, 0xffffffff);

    /* From ring 3: a DPL 0 data segment and an RPL 0 stack are refused. */
    fx_prot32(&f, 3);
    fx_more(&f);
    g_assert_cmpint(fx_try(&f, do_load_ds, 0x10, &err), ==, EXCP0D_GPF);
    g_assert_cmphex(err, ==, 0x10);
    g_assert_cmpint(fx_try(&f, do_load_ss, 0x20, &err), ==, EXCP0D_GPF);   /* RPL 0 */
    g_assert_cmpint(fx_try(&f, do_load_ss, 0x23, &err), ==, -1);
    g_assert_cmpint(f.env->hflags & HF_CPL_MASK, ==, 3);
    fx_fini(&f);
}

static void do_ltr(Fixture *f, uint32_t sel)
{
    helper_ltr(f->env, sel);
}

static void do_lldt(Fixture *f, uint32_t sel)
{
    helper_lldt(f->env, sel);
}

static void test_ltr_lldt(void)
{
    Fixture f;
    int err;

    fx_init(&f);
    fx_prot32(&f, 0);
    fx_more(&f);
    g_assert_cmpint(fx_try(&f, do_ltr, 0x28, &err), ==, -1);
    g_assert_cmphex(f.env->tr.base, ==, TSS);
    g_assert_cmphex(f.env->tr.limit, ==, 0x67);
    /* Busy in the GDT: a second LTR of it faults. */
    g_assert_cmphex((rl(&f, GDT + 0x2c) >> 8) & 0xf, ==, 0xb);
    g_assert_cmpint(fx_try(&f, do_ltr, 0x28, &err), ==, EXCP0D_GPF);
    g_assert_cmphex(err, ==, 0x28);
    g_assert_cmpint(fx_try(&f, do_lldt, SEL_LDT, &err), ==, -1);
    g_assert_cmphex(f.env->ldt.base, ==, 0x6000);
    g_assert_cmpint(fx_try(&f, do_lldt, 0x10, &err), ==, EXCP0D_GPF);
    /* An LDT selector: data at LDT index 1. */
    wl(&f, 0x6008, 0x0000ffff);
    wl(&f, 0x600c, 0x00cf9300);
    g_assert_cmpint(fx_try(&f, do_load_ds, 0x0c, &err), ==, -1);
    g_assert_cmpint(fx_try(&f, do_load_ds, 0x14, &err), ==, EXCP0D_GPF);   /* past limit */
    fx_fini(&f);
}

static void test_lar_lsl(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 3);
    fx_more(&f);
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    g_assert_cmphex(helper_lar(env, 0x1b), ==, 0x00c0fb00);
    g_assert_cmphex(env->cc_src & CC_Z, ==, CC_Z);
    g_assert_cmpint(env->cc_op, ==, CC_OP_EFLAGS);
    g_assert_cmphex(helper_lsl(env, 0x23), ==, 0xffffffff);
    g_assert_cmphex(env->cc_src & CC_Z, ==, CC_Z);
    /* DPL 0 at CPL 3, the null selector, a call gate for LSL: ZF clear. */
    g_assert_cmphex(helper_lsl(env, 0x10), ==, 0);
    g_assert_cmphex(env->cc_src & CC_Z, ==, 0);
    g_assert_cmphex(helper_lar(env, 0), ==, 0);
    g_assert_cmphex(env->cc_src & CC_Z, ==, 0);
    helper_lsl(env, SEL_GATE | 3);
    g_assert_cmphex(env->cc_src & CC_Z, ==, 0);
    g_assert_cmphex(helper_lar(env, SEL_GATE | 3), ==, 0x0000ec00);
    g_assert_cmphex(env->cc_src & CC_Z, ==, CC_Z);
    /* VERR/VERW: user data readable and writable, user code not writable. */
    helper_verw(env, 0x23);
    g_assert_cmphex(env->cc_src & CC_Z, ==, CC_Z);
    helper_verw(env, 0x1b);
    g_assert_cmphex(env->cc_src & CC_Z, ==, 0);
    helper_verr(env, 0x1b);
    g_assert_cmphex(env->cc_src & CC_Z, ==, CC_Z);
    helper_verr(env, 0x10);
    g_assert_cmphex(env->cc_src & CC_Z, ==, 0);
    fx_fini(&f);
}

static void do_lcall_gate(Fixture *f, uint32_t sel)
{
    helper_lcall_protected(f->env, sel, 0, 1, 7);
}

/* CALL FAR through a ring-0 gate from ring 3, then RET FAR 8 and IRET back. */
static void test_call_gate_and_returns(void)
{
    Fixture f;
    CPUX86State *env;
    int err;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 3);
    fx_more(&f);
    fx_seg(&f, R_DS, 0x23);
    env->eip = 0x4000;
    env->regs[R_ESP] = 0x8000;
    wl(&f, 0x8000, 0x11111111);     /* param 0 */
    wl(&f, 0x8004, 0x22222222);     /* param 1 */
    g_assert_cmpint(fx_try(&f, do_lcall_gate, SEL_GATE | 3, &err), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x08);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x10);
    g_assert_cmphex(env->eip, ==, 0x5000);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x9000 - 24);
    g_assert_cmphex(rl(&f, 0x9000 - 4), ==, 0x23);          /* old SS */
    g_assert_cmphex(rl(&f, 0x9000 - 8), ==, 0x8000);        /* old ESP */
    g_assert_cmphex(rl(&f, 0x9000 - 12), ==, 0x22222222);   /* params, in order */
    g_assert_cmphex(rl(&f, 0x9000 - 16), ==, 0x11111111);
    g_assert_cmphex(rl(&f, 0x9000 - 20), ==, 0x1b);         /* CS */
    g_assert_cmphex(rl(&f, 0x9000 - 24), ==, 0x4007);       /* EIP after the call */

    /* RET FAR 8 back to ring 3: pops the parameters on both stacks. */
    helper_lret_protected(env, 1, 8);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x1b);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x23);
    g_assert_cmphex(env->eip, ==, 0x4007);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8008);

    /* IRET from ring 0 to ring 3: DS with DPL 0 becomes unusable (null). */
    fx_prot32(&f, 0);
    fx_more(&f);
    env->regs[R_ESP] = 0x9000 - 20;
    wl(&f, 0x9000 - 20, 0x4100);
    wl(&f, 0x9000 - 16, 0x1b);
    wl(&f, 0x9000 - 12, 0x202 | CC_C);
    wl(&f, 0x9000 - 8, 0x7ff0);
    wl(&f, 0x9000 - 4, 0x23);
    helper_iret_protected(env, 1, 0);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->eip, ==, 0x4100);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7ff0);
    g_assert_true(env->eflags & IF_MASK);
    g_assert_cmphex(env->segs[R_DS].selector, ==, 0);
    g_assert_false(env->segs[R_DS].flags & DESC_P_MASK);
    fx_fini(&f);
}

static void do_sysret(Fixture *f, uint32_t dflag)
{
    helper_sysret(f->env, dflag);
}

static void test_syscall_sysret(void)
{
    Fixture f;
    CPUX86State *env;
    int err;

    fx_init(&f);
    env = f.env;
    x86_tcg_cpu_set_flat_mode(f.cpu, 64, 0x40000);
    env->efer |= MSR_EFER_SCE;
    env->star = (0x1bULL << 48) | (0x30ULL << 32);
    env->lstar = 0xffffffff81000000ULL;
    env->fmask = IF_MASK | DF_MASK;
    env->eflags |= IF_MASK;
    env->eip = 0x1000;
    helper_syscall(env, 2);
    g_assert_cmphex(env->regs[R_ECX], ==, 0x1002);
    g_assert_true(env->regs[11] & IF_MASK);
    g_assert_false(env->eflags & IF_MASK);
    g_assert_cmphex(env->eip, ==, 0xffffffff81000000ULL);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x30);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x38);
    g_assert_true(env->hflags & HF_CS64_MASK);
    /* SYSRET to a non-canonical RIP: #GP(0) in ring 0 (SDM). */
    env->regs[R_ECX] = 0x0000800000000000ULL;
    g_assert_cmpint(fx_try(&f, do_sysret, 2, &err), ==, EXCP0D_GPF);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    env->regs[R_ECX] = 0x1002;
    g_assert_cmpint(fx_try(&f, do_sysret, 2, &err), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x2b);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x23);
    g_assert_cmphex(env->eip, ==, 0x1002);
    g_assert_true(env->eflags & IF_MASK);
    /* SYSRET at CPL 3: #GP. */
    g_assert_cmpint(fx_try(&f, do_sysret, 2, &err), ==, EXCP0D_GPF);
    fx_fini(&f);
}


static void do_check_iow(Fixture *f, uint32_t port)
{
    helper_check_iow(f->env, port);
}

static void do_check_iob(Fixture *f, uint32_t port)
{
    helper_check_iob(f->env, port);
}

/* The TSS I/O bitmap: every bit of a multi-byte access, and the limit. */
static void test_io_bitmap(void)
{
    Fixture f;
    int err;

    fx_init(&f);
    fx_prot32(&f, 3);
    f.env->tr.limit = 0x68 + 0x10;          /* bitmap of 16 bytes: ports 0..127 */
    ww(&f, TSS + 0x66, 0x68);
    for (int i = 0; i < 16; i++) {
        address_space_stb(&f.as, TSS + 0x68 + i, 0, MEMTXATTRS_UNSPECIFIED, NULL);
    }
    address_space_stb(&f.as, TSS + 0x68 + 8, 0x02, MEMTXATTRS_UNSPECIFIED, NULL); /* 0x41 */
    g_assert_cmpint(fx_try(&f, do_check_iob, 0x40, &err), ==, -1);
    g_assert_cmpint(fx_try(&f, do_check_iob, 0x41, &err), ==, EXCP0D_GPF);
    g_assert_cmpint(err, ==, 0);
    g_assert_cmpint(fx_try(&f, do_check_iow, 0x40, &err), ==, EXCP0D_GPF);   /* covers 0x41 */
    g_assert_cmpint(fx_try(&f, do_check_iow, 0x42, &err), ==, -1);
    /* Port 0x78 is in the byte before the limit; 0x80's two-byte read crosses it. */
    g_assert_cmpint(fx_try(&f, do_check_iob, 0x78, &err), ==, -1);
    g_assert_cmpint(fx_try(&f, do_check_iob, 0x80, &err), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_try(&f, do_check_iob, 0x400, &err), ==, EXCP0D_GPF);
    /* A 16-bit TSS has no bitmap. */
    f.env->tr.flags = 0x00008100;
    g_assert_cmpint(fx_try(&f, do_check_iob, 0x40, &err), ==, EXCP0D_GPF);
    fx_fini(&f);
}

/* IRET from ring 0 into vm86, then an interrupt back out of it. */
static void test_vm86_round_trip(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 0);
    for (int v = 0; v < 256; v++) {
        wl(&f, IDT + v * 8, (0x08 << 16) | (HANDLER(v) & 0xffff));
        wl(&f, IDT + v * 8 + 4, (HANDLER(v) & 0xffff0000) | 0x8e00);
    }
    env->regs[R_ESP] = 0x9000 - 36;
    wl(&f, 0x9000 - 36, 0x0100);                    /* EIP */
    wl(&f, 0x9000 - 32, 0x2000);                    /* CS */
    wl(&f, 0x9000 - 28, VM_MASK | IOPL_MASK | 0x2); /* EFLAGS: VM, IOPL 3 */
    wl(&f, 0x9000 - 24, 0xfffe);                    /* ESP */
    wl(&f, 0x9000 - 20, 0x3000);                    /* SS */
    wl(&f, 0x9000 - 16, 0x4000);                    /* ES */
    wl(&f, 0x9000 - 12, 0x5000);                    /* DS */
    wl(&f, 0x9000 - 8, 0x6000);                     /* FS */
    wl(&f, 0x9000 - 4, 0x7000);                     /* GS */
    helper_iret_protected(env, 1, 0);
    g_assert_true(env->eflags & VM_MASK);
    g_assert_true(env->hflags & HF_VM_MASK);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0x20000);
    g_assert_cmphex(env->segs[R_DS].base, ==, 0x50000);
    g_assert_cmphex(env->eip, ==, 0x100);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xfffe);

    /* #GP in vm86: ring 0 through the TSS, GS FS DS ES pushed, then zeroed. */
    env->old_exception = -1;
    if (sigsetjmp(f.cs->jmp_env, 0) == 0) {
        raise_exception_err(env, EXCP0D_GPF, 0);
    }
    if (sigsetjmp(f.cs->jmp_env, 0) == 0) {
        x86_cpu_do_interrupt(f.cs);
    } else {
        g_assert_not_reached();
    }
    g_assert_false(env->eflags & VM_MASK);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->eip, ==, HANDLER(13));
    g_assert_cmphex(env->regs[R_ESP], ==, 0x9000 - 40);
    g_assert_cmphex(rl(&f, 0x9000 - 4), ==, 0x7000);        /* GS */
    g_assert_cmphex(rl(&f, 0x9000 - 16), ==, 0x4000);       /* ES */
    g_assert_cmphex(rl(&f, 0x9000 - 20), ==, 0x3000);       /* SS */
    g_assert_cmphex(rl(&f, 0x9000 - 32), ==, 0x2000);       /* CS */
    g_assert_true(rl(&f, 0x9000 - 28) & VM_MASK);
    g_assert_cmphex(env->segs[R_DS].selector, ==, 0);
    fx_fini(&f);
}


/* Long mode: PML4 at 0x40000 identity-maps 1 GiB; TSS64 RSP0 and IST1. */
static void fx_long(Fixture *f, int cpl)
{
    CPUX86State *env = f->env;

    x86_tcg_cpu_set_flat_mode(f->cpu, 64, 0x40000);
    fx_gdt(f);
    env->gdt.base = GDT;
    env->gdt.limit = 0x4f;
    env->idt.base = IDT;
    env->idt.limit = 256 * 16 - 1;
    env->tr.selector = 0x28;
    env->tr.base = TSS;
    env->tr.limit = 0x67;
    env->tr.flags = 0x00008b00;
    wq(f, TSS + 4, 0xa008);             /* RSP0 (misaligned on purpose) */
    wq(f, TSS + 0x24, 0xc000);          /* IST1 */
    fx_seg(f, R_CS, cpl ? 0x43 : 0x30);
    fx_seg(f, R_SS, cpl ? 0x23 : 0x10);
    env->regs[R_ESP] = 0x8000;
    env->eip = 0x1000;
    x86_update_hflags(env);
    for (int v = 0; v < 256; v++) {
        wl(f, IDT + v * 16, (0x30 << 16) | (HANDLER(v) & 0xffff));
        wl(f, IDT + v * 16 + 4, (HANDLER(v) & 0xffff0000) | 0x8e00);
        wl(f, IDT + v * 16 + 8, 0);
        wl(f, IDT + v * 16 + 12, 0);
    }
}

static void quiet_triple_fault(CPUState *cs)
{
}

/*
 * Hostile guest state: random descriptor tables, TSS and stack, random
 * selectors into every far-transfer and segment helper, and delivery of
 * whatever they raise. Nothing may crash or hang (run it under ASan).
 */
static void test_hostile(void)
{
    void (*saved)(CPUState *) = x86_triple_fault_handler;
    GRand *r = g_rand_new_with_seed(1234);
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    x86_triple_fault_handler = quiet_triple_fault;
    for (int iter = 0; iter < 20000; iter++) {
        uint32_t a = g_rand_int(r), b = g_rand_int(r);
        volatile int rounds = 0;

        if (iter % 3 == 2) {
            fx_long(&f, g_rand_int_range(r, 0, 2) * 3);
        } else {
            fx_prot32(&f, g_rand_int_range(r, 0, 2) * 3);
            if (iter % 7 == 0) {
                /* vm86 at IOPL 0..3 */
                env->eflags |= VM_MASK | (g_rand_int_range(r, 0, 4) << IOPL_SHIFT);
                x86_update_hflags(env);
            }
        }
        /* Scribble over a few GDT entries, IDT gates, the TSS and the stack. */
        for (int i = 0; i < 24; i++) {
            wl(&f, GDT + 8 * g_rand_int_range(r, 1, 16) + 4 * g_rand_int_range(r, 0, 2),
               g_rand_int(r));
            wl(&f, IDT + 4 * g_rand_int_range(r, 0, 512), g_rand_int(r));
            wl(&f, TSS + 4 * g_rand_int_range(r, 0, 26), g_rand_int(r));
            wl(&f, env->regs[R_ESP] + 4 * g_rand_int_range(r, -8, 8), g_rand_int(r));
        }
        env->gdt.limit = g_rand_int_range(r, 0, 0x90);
        env->tr.limit = g_rand_int_range(r, 0, 0x90);
        env->old_exception = -1;
        f.cs->exception_index = -1;
        f.cs->halted = false;
        if (sigsetjmp(f.cs->jmp_env, 0) == 0) {
            switch (iter % 16) {
            case 0: helper_load_seg(env, R_DS, a & 0xffff); break;
            case 1: helper_load_seg(env, R_SS, a & 0xffff); break;
            case 2: helper_ljmp_protected(env, a & 0xffff, b, 5); break;
            case 3: helper_lcall_protected(env, a & 0xffff, b, a >> 30, 5); break;
            case 4: helper_lret_protected(env, a % 3, b & 0xff); break;
            case 5: helper_iret_protected(env, a % 3, 0); break;
            case 6: helper_lldt(env, a & 0xffff); break;
            case 7: helper_ltr(env, a & 0xffff); break;
            case 8: helper_lar(env, a); helper_lsl(env, b); break;
            case 9: helper_verr(env, a); helper_verw(env, b); break;
            case 10: helper_sysenter(env); break;
            case 11: helper_sysret(env, a % 3); break;
            case 12: helper_check_iol(env, a & 0xffff); break;
            case 13: raise_interrupt(env, a & 0xff, 1, 0, 2); break;
            case 14: raise_exception_err(env, a % 20, b & 0xffff); break;
            default: x86_do_interrupt_all(env, a & 0xff, 0, 0, 0, 1); break;
            }
        }
        /* Deliver what was raised, as cpu_exec would, a bounded number of times. */
        while (f.cs->exception_index >= 0 && f.cs->exception_index < EXCP_INTERRUPT &&
               rounds++ < 6) {
            if (sigsetjmp(f.cs->jmp_env, 0) == 0) {
                x86_cpu_do_interrupt(f.cs);
                f.cs->exception_index = -1;
            }
        }
        g_assert_cmpint(rounds, <=, 6);
    }
    x86_triple_fault_handler = saved;
    g_rand_free(r);
    fx_fini(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-seg/load-seg", test_load_seg);
    g_test_add_func("/x86-seg/ltr-lldt", test_ltr_lldt);
    g_test_add_func("/x86-seg/lar-lsl-verr-verw", test_lar_lsl);
    g_test_add_func("/x86-seg/call-gate-and-returns", test_call_gate_and_returns);
    g_test_add_func("/x86-seg/syscall-sysret", test_syscall_sysret);
    g_test_add_func("/x86-seg/io-bitmap", test_io_bitmap);
    g_test_add_func("/x86-seg/vm86-round-trip", test_vm86_round_trip);
    g_test_add_func("/x86-seg/hostile", test_hostile);
    return g_test_run();
}
