/*
 * test-x86-excp.c: x86 exception and interrupt delivery under TCG
 * (excp_helper.c, excp_deliver.c): what real, protected and long mode
 * push and where they go (IVT, IDT gates, TSS stack switch, IST, error
 * codes with the EXT bit), the double-fault rules, the triple-fault
 * handler, and the -d int line. Exceptions are raised and delivered the
 * way cpu_exec does it (sigsetjmp around the raise, then do_interrupt).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "test-x86-fixture.h"

#define RAM_SIZE (16u << 20)

static void fx_init(Fixture *f)
{
    fx_init_ram(f, RAM_SIZE);
}

/* Raise like a helper would, then deliver like cpu_exec until settled. */
static int fx_raise(Fixture *f, int intno, int is_int, int err, int addend)
{
    CPUState *cs = f->cs;
    volatile int rounds = 0;

    if (sigsetjmp(cs->jmp_env, 0) == 0) {
        if (is_int) {
            raise_interrupt(f->env, intno, 1, 0, addend);
        }
        raise_exception_err(f->env, intno, err);
    }
    while (rounds++ < 8) {
        if (cs->exception_index >= EXCP_INTERRUPT) {
            return cs->exception_index;
        }
        if (sigsetjmp(cs->jmp_env, 0) == 0) {
            x86_cpu_do_interrupt(cs);
            cs->exception_index = -1;
            return -1;
        }
    }
    return -2;
}

static void test_real(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    x86_tcg_cpu_set_flat_mode(f.cpu, 16, 0);
    env->idt.base = 0;
    env->idt.limit = 0x3ff;
    ww(&f, 0x21 * 4, 0x5678);
    ww(&f, 0x21 * 4 + 2, 0x1234);
    cpu_x86_load_seg_cache(env, R_SS, 0x100, 0x1000, 0xffff, env->segs[R_SS].flags);
    env->regs[R_ESP] = 0x8000;
    env->eip = 0x100;
    env->eflags |= IF_MASK;
    g_assert_cmpint(fx_raise(&f, 0x21, 1, 0, 2), ==, -1);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x1234);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0x12340);
    g_assert_cmphex(env->eip, ==, 0x5678);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7ffa);
    g_assert_cmphex(rw(&f, 0x1000 + 0x7ffa), ==, 0x102);      /* IP after INT */
    g_assert_cmphex(rw(&f, 0x1000 + 0x7ffc), ==, 0);          /* CS */
    g_assert_cmphex(rw(&f, 0x1000 + 0x7ffe) & IF_MASK, ==, IF_MASK);
    g_assert_false(env->eflags & IF_MASK);
    fx_fini(&f);
}

static void test_prot_same_level(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 0);
    env->eflags |= IF_MASK;
    g_assert_cmpint(fx_raise(&f, EXCP0D_GPF, 0, 0x1234, 0), ==, -1);
    g_assert_cmphex(env->eip, ==, HANDLER(13));
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8000 - 16);
    g_assert_cmphex(rl(&f, 0x8000 - 16), ==, 0x1234);           /* error code */
    g_assert_cmphex(rl(&f, 0x8000 - 12), ==, 0x1000);           /* EIP of the fault */
    g_assert_cmphex(rl(&f, 0x8000 - 8), ==, 0x08);              /* CS */
    g_assert_cmphex(rl(&f, 0x8000 - 4) & IF_MASK, ==, IF_MASK); /* EFLAGS */
    g_assert_false(env->eflags & IF_MASK);                      /* interrupt gate */
    /* No error code for #UD; a trap gate keeps IF. */
    wl(&f, IDT + 6 * 8 + 4, (HANDLER(6) & 0xffff0000) | 0x8f00);
    env->eflags |= IF_MASK;
    env->regs[R_ESP] = 0x8000;
    g_assert_cmpint(fx_raise(&f, EXCP06_ILLOP, 0, 0, 0), ==, -1);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8000 - 12);
    g_assert_true(env->eflags & IF_MASK);
    fx_fini(&f);
}

static void test_prot_stack_switch(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 3);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    env->eip = 0x4000;
    g_assert_cmpint(fx_raise(&f, EXCP0E_PAGE, 0, 6, 0), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x08);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x10);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x9000 - 24);
    g_assert_cmphex(rl(&f, 0x9000 - 24), ==, 6);
    g_assert_cmphex(rl(&f, 0x9000 - 20), ==, 0x4000);
    g_assert_cmphex(rl(&f, 0x9000 - 16), ==, 0x1b);
    g_assert_cmphex(rl(&f, 0x9000 - 8), ==, 0x8000);           /* old ESP */
    g_assert_cmphex(rl(&f, 0x9000 - 4), ==, 0x23);             /* old SS */
    fx_fini(&f);
}

static void test_prot_int_dpl(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 3);
    /* INT 0x40 from ring 3 through a DPL 0 gate: #GP(0x40 * 8 + 2), no EXT. */
    g_assert_cmpint(fx_raise(&f, 0x40, 1, 0, 2), ==, -1);
    g_assert_cmphex(env->eip, ==, HANDLER(13));
    g_assert_cmphex(rl(&f, 0x9000 - 24), ==, 0x40 * 8 + 2);
    g_assert_cmphex(rl(&f, 0x9000 - 20), ==, 0x1000);          /* the INT itself */
    /* A DPL 3 gate lets it through, returning after the instruction. */
    fx_prot32(&f, 3);
    wl(&f, IDT + 0x40 * 8 + 4, (HANDLER(0x40) & 0xffff0000) | 0xee00);
    g_assert_cmpint(fx_raise(&f, 0x40, 1, 0, 2), ==, -1);
    g_assert_cmphex(env->eip, ==, HANDLER(0x40));
    g_assert_cmphex(rl(&f, 0x9000 - 20), ==, 0x1002);
    fx_fini(&f);
}

static void test_prot_not_present(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 0);
    /* #UD through a not-present gate: #NP(6 * 8 + 2 + EXT). */
    wl(&f, IDT + 6 * 8 + 4, (HANDLER(6) & 0xffff0000) | 0x0e00);
    g_assert_cmpint(fx_raise(&f, EXCP06_ILLOP, 0, 0, 0), ==, -1);
    g_assert_cmphex(env->eip, ==, HANDLER(11));
    g_assert_cmphex(rl(&f, env->regs[R_ESP]), ==, 6 * 8 + 3);
    fx_fini(&f);
}

static void test_double_fault(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 0);
    /* #GP whose gate is not present: #NP during delivery -> #DF(0). */
    wl(&f, IDT + 13 * 8 + 4, (HANDLER(13) & 0xffff0000) | 0x0e00);
    g_assert_cmpint(fx_raise(&f, EXCP0D_GPF, 0, 0, 0), ==, -1);
    g_assert_cmphex(env->eip, ==, HANDLER(8));
    g_assert_cmphex(rl(&f, env->regs[R_ESP]), ==, 0);
    g_assert_cmpint(env->old_exception, ==, -1);
    /* A page fault during a page fault's delivery is a #DF too. */
    fx_prot32(&f, 0);
    env->old_exception = EXCP0E_PAGE;
    g_assert_cmpint(fx_raise(&f, EXCP0E_PAGE, 0, 2, 0), ==, -1);
    g_assert_cmphex(env->eip, ==, HANDLER(8));
    /* #UD (benign) during a #GP's delivery is just delivered. */
    fx_prot32(&f, 0);
    env->old_exception = EXCP0D_GPF;
    g_assert_cmpint(fx_raise(&f, EXCP06_ILLOP, 0, 0, 0), ==, -1);
    g_assert_cmphex(env->eip, ==, HANDLER(6));
    fx_fini(&f);
}

static int triple_faults;

static void count_triple_fault(CPUState *cs)
{
    triple_faults++;
}

static void test_triple_fault(void)
{
    Fixture f;
    void (*saved)(CPUState *) = x86_triple_fault_handler;

    fx_init(&f);
    fx_prot32(&f, 0);
    f.env->idt.limit = 0;       /* every vector is beyond the IDT */
    x86_triple_fault_handler = count_triple_fault;
    triple_faults = 0;
    g_assert_cmpint(fx_raise(&f, EXCP06_ILLOP, 0, 0, 0), ==, EXCP_HLT);
    g_assert_cmpint(triple_faults, ==, 1);
    g_assert_true(f.cs->halted);
    g_assert_cmpint(f.env->old_exception, ==, -1);
    x86_triple_fault_handler = saved;
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

static void test_long(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_long(&f, 3);
    g_assert_true(env->hflags & HF_CS64_MASK);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmpint(fx_raise(&f, EXCP0D_GPF, 0, 0x18, 0), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->eip, ==, HANDLER(13));
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0);      /* null SS, RPL 0 */
    /* RSP0 aligned down to 16, then six quadwords. */
    g_assert_cmphex(env->regs[R_ESP], ==, 0xa000 - 48);
    g_assert_cmphex(rq(&f, 0xa000 - 48), ==, 0x18);
    g_assert_cmphex(rq(&f, 0xa000 - 40), ==, 0x1000);
    g_assert_cmphex(rq(&f, 0xa000 - 32), ==, 0x43);
    g_assert_cmphex(rq(&f, 0xa000 - 16), ==, 0x8000);
    g_assert_cmphex(rq(&f, 0xa000 - 8), ==, 0x23);

    /* IST1 for vector 2 (NMI) even without a privilege change. */
    fx_long(&f, 0);
    wl(&f, IDT + 2 * 16 + 4, (HANDLER(2) & 0xffff0000) | 0x8e01);
    env->regs[R_ESP] = 0x8008;
    x86_do_interrupt_all(env, EXCP02_NMI, 0, 0, 0, 1);
    g_assert_cmphex(env->eip, ==, HANDLER(2));
    g_assert_cmphex(env->regs[R_ESP], ==, 0xc000 - 40);
    g_assert_cmphex(rq(&f, 0xc000 - 16), ==, 0x8008);
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0x10);   /* unchanged */
    fx_fini(&f);
}

static void test_log_format(void)
{
    Fixture f;
    g_autofree char *path = g_build_filename(g_get_tmp_dir(), "test-x86-excp-XXXXXX", NULL);
    g_autofree char *text = NULL;
    int fd = g_mkstemp(path);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    fx_init(&f);
    fx_prot32(&f, 0);
    f.env->cr[2] = 0x5000;
    g_assert_true(qemu_set_log_filename(path, &error_abort));
    qemu_set_log(CPU_LOG_INT);
    g_assert_cmpint(fx_raise(&f, EXCP0E_PAGE, 0, 2, 0), ==, -1);
    qemu_set_log(0);
    qemu_set_log_filename(NULL, &error_abort);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "check_exception old: 0xffffffff new 0xe\n"));
    g_assert_nonnull(strstr(text, ": v=0e e=0002 i=0 cpl=0 IP=0008:0000000000001000 "
                                  "pc=0000000000001000 SP=0010:0000000000008000 "
                                  "CR2=0000000000005000\n"));
    g_assert_nonnull(strstr(text, "\nEAX="));
    g_assert_nonnull(strstr(text, "\nCCS="));
    /* As QEMU: the lazy flags line comes before EFER=. */
    g_assert_true(strstr(text, "\nCCS=") < strstr(text, "\nEFER="));
    unlink(path);
    fx_fini(&f);
}


static int pic_vector(CPUX86State *env)
{
    return 0x20;
}

/*
 * Through cpu_exec: a pending external interrupt waits for STI and the
 * instruction after it (the interrupt shadow), then enters vector 0x20
 * with the EIP after that instruction; an NMI is then blocked until IRET.
 */
static void test_external_interrupt(void)
{
    static const uint8_t code[] = { 0x90, 0xfb, 0x90, 0xf4 };     /* nop; sti; nop; hlt */
    static const uint8_t hlt[] = { 0xf4 };
    int (*saved)(CPUX86State *) = x86_get_pic_interrupt;
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 0);
    address_space_write(&f.as, 0x1000, MEMTXATTRS_UNSPECIFIED, code, sizeof(code));
    address_space_write(&f.as, HANDLER(0x20), MEMTXATTRS_UNSPECIFIED, hlt, 1);
    address_space_write(&f.as, HANDLER(2), MEMTXATTRS_UNSPECIFIED, hlt, 1);
    x86_get_pic_interrupt = pic_vector;
    cpu_interrupt(f.cs, CPU_INTERRUPT_HARD);
    for (int i = 0; i < 50 && !f.cs->halted; i++) {
        cpu_exec(f.cs);
    }
    g_assert_true(f.cs->halted);
    g_assert_cmphex(env->eip, ==, HANDLER(0x20) + 1);
    g_assert_cmphex(rl(&f, env->regs[R_ESP]), ==, 0x1003);     /* after the nop after sti */
    g_assert_false(env->eflags & IF_MASK);

    /* NMI: taken even with IF = 0, then masked. */
    cpu_interrupt(f.cs, CPU_INTERRUPT_NMI);
    for (int i = 0; i < 10 && f.cs->halted; i++) {
        cpu_exec(f.cs);
    }
    for (int i = 0; i < 10 && !f.cs->halted; i++) {
        cpu_exec(f.cs);
    }
    g_assert_cmphex(env->eip, ==, HANDLER(2) + 1);
    g_assert_true(env->hflags2 & HF2_NMI_MASK);
    g_assert_false(x86_cpu_exec_interrupt(f.cs, CPU_INTERRUPT_NMI));
    /* IRET from the NMI handler unblocks NMIs and returns to the HLT's successor. */
    helper_iret_protected(env, 1, 0);
    g_assert_false(env->hflags2 & HF2_NMI_MASK);
    g_assert_cmphex(env->eip, ==, HANDLER(0x20) + 1);
    x86_get_pic_interrupt = saved;
    fx_fini(&f);
}


/* The misaligned-access hook: #AC(0), an exception with an error code. */
static void test_alignment_check(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_prot32(&f, 0);
    env->old_exception = -1;
    if (sigsetjmp(f.cs->jmp_env, 0) == 0) {
        x86_cpu_do_unaligned_access(f.cs, 0x1001, MMU_DATA_LOAD, MMU_USER_IDX, 0);
    }
    g_assert_cmpint(f.cs->exception_index, ==, EXCP11_ALGN);
    x86_cpu_do_interrupt(f.cs);
    g_assert_cmphex(env->eip, ==, HANDLER(17));
    g_assert_cmphex(rl(&f, env->regs[R_ESP]), ==, 0);
    g_assert_cmphex(rl(&f, env->regs[R_ESP] + 4), ==, 0x1000);
    fx_fini(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-excp/real", test_real);
    g_test_add_func("/x86-excp/prot-same-level", test_prot_same_level);
    g_test_add_func("/x86-excp/prot-stack-switch", test_prot_stack_switch);
    g_test_add_func("/x86-excp/prot-int-dpl", test_prot_int_dpl);
    g_test_add_func("/x86-excp/prot-not-present", test_prot_not_present);
    g_test_add_func("/x86-excp/double-fault", test_double_fault);
    g_test_add_func("/x86-excp/triple-fault", test_triple_fault);
    g_test_add_func("/x86-excp/long", test_long);
    g_test_add_func("/x86-excp/log-format", test_log_format);
    g_test_add_func("/x86-excp/external-interrupt", test_external_interrupt);
    g_test_add_func("/x86-excp/alignment-check", test_alignment_check);
    return g_test_run();
}
