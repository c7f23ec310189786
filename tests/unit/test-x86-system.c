/*
 * test-x86-system.c: x86 system instructions under TCG (translate-system.c,
 * translate-0f.c with SYSARCH's helpers): LGDT/SGDT/LIDT/SIDT in 16-, 32-
 * and 64-bit code, MOV CR/DR, CPUID, RDTSC, RDMSR/WRMSR (#GP for an
 * unknown MSR at the WRMSR), SYSCALL/SYSRET to ring 3 and back, INT n and
 * IRETQ in long mode, CLI/STI privilege, HLT and other privileged
 * instructions at CPL 3 (UMIP too), segment moves, PUSHF/POPF, ENTER/LEAVE,
 * far CALL/JMP/RET in real and long mode, LAR/VERR/VERW/STR.
 */
#include "qemu/osdep.h"
#include "test-x86-sysinsn-common.h"

#define D1 (XT_DATA)
#define D2 (XT_DATA + 0x100)

static XTMachine *xt_new(int bits)
{
    XTMachine *m = g_new0(XTMachine, 1);

    xt_init(m, bits);
    if (bits == 64) {
        xt_setup_long(m);
    }
    return m;
}

static void xt_free(XTMachine *m)
{
    xt_destroy(m);
    g_free(m);
}

/* LGDT [rax]; SGDT [rbx]; LIDT [rsi]; SIDT [rdi] with 10-byte operands. */
static void test_dt_roundtrip64(void)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0x10, 0x0f, 0x01, 0x03, 0x0f, 0x01, 0x1e, 0x0f, 0x01, 0x0f, 0xf4,
    };
    static const uint8_t gdtr[10] = { 0x34, 0x12, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };
    static const uint8_t idtr[10] = { 0xff, 0x0f, 0x00, 0x90, 0, 0, 0, 0, 0, 0 };
    XTMachine *m = xt_new(64);
    uint8_t out[10];

    xt_write(m, D1, gdtr, sizeof(gdtr));
    xt_write(m, D1 + 0x20, idtr, sizeof(idtr));
    m->env->regs[R_EAX] = D1;
    m->env->regs[R_EBX] = D2;
    m->env->regs[R_ESI] = D1 + 0x20;
    m->env->regs[R_EDI] = D2 + 0x20;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->eip, ==, XT_CODE + sizeof(code));
    g_assert_cmphex(m->env->gdt.base, ==, 0x1122334455667788ull);
    g_assert_cmphex(m->env->gdt.limit, ==, 0x1234);
    g_assert_cmphex(m->env->idt.base, ==, 0x9000);
    g_assert_cmphex(m->env->idt.limit, ==, 0xfff);
    memcpy(out, m->ram_ptr + D2, 10);
    g_assert_cmpmem(out, 10, gdtr, 10);
    memcpy(out, m->ram_ptr + D2 + 0x20, 10);
    g_assert_cmpmem(out, 10, idtr, 10);
    xt_free(m);
}

/*
 * 32-bit code: 6-byte operands; with 66 (16-bit operand size) LGDT keeps
 * 24 bits of the base, and SGDT stores the full 32-bit base (SDM).
 */
static void test_dt_roundtrip32(void)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0x10,           /* lgdt [eax] */
        0x66, 0x0f, 0x01, 0x03,     /* o16 sgdt [ebx] */
        0x66, 0x0f, 0x01, 0x1e,     /* o16 lidt [esi] */
        0x0f, 0x01, 0x0f,           /* sidt [edi] */
        0xf4,
    };
    static const uint8_t in[6] = { 0x77, 0x00, 0x78, 0x56, 0x34, 0x12 };
    XTMachine *m = xt_new(32);
    uint8_t out[6];

    xt_write(m, D1, in, 6);
    m->env->regs[R_EAX] = D1;
    m->env->regs[R_EBX] = D2;
    m->env->regs[R_ESI] = D1;
    m->env->regs[R_EDI] = D2 + 0x20;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->gdt.base, ==, 0x12345678);
    g_assert_cmphex(m->env->gdt.limit, ==, 0x77);
    g_assert_cmphex(m->env->idt.base, ==, 0x345678);
    memcpy(out, m->ram_ptr + D2, 6);
    g_assert_cmpmem(out, 6, in, 6);
    g_assert_cmphex(xt_rl(m, D2 + 0x22), ==, 0x345678);
    xt_free(m);
}

/* Real mode: LGDT [bx]; SGDT [si] (16-bit operand: 24-bit base). */
static void test_dt_roundtrip16(void)
{
    static const uint8_t code[] = { 0x0f, 0x01, 0x17, 0x0f, 0x01, 0x04, 0xf4 };
    static const uint8_t in[6] = { 0x2f, 0x00, 0x56, 0x34, 0x12, 0xab };
    XTMachine *m = xt_new(16);

    xt_write(m, 0x3000, in, 6);
    m->env->regs[R_EBX] = 0x3000;
    m->env->regs[R_ESI] = 0x3100;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->gdt.base, ==, 0x123456);
    g_assert_cmphex(m->env->gdt.limit, ==, 0x2f);
    g_assert_cmphex(xt_rw(m, 0x3100), ==, 0x2f);
    g_assert_cmphex(xt_rl(m, 0x3102), ==, 0x123456);
    xt_free(m);
}

/* MOV from/to CR0/CR4 and DR0; CR5 is #UD. */
static void test_mov_cr_dr(void)
{
    static const uint8_t code[] = {
        0x0f, 0x20, 0xc0,           /* mov rax, cr0 */
        0x0f, 0x20, 0xe3,           /* mov rbx, cr4 */
        0x48, 0x89, 0xd9,           /* mov rcx, rbx */
        0x48, 0x83, 0xc9, 0x04,     /* or rcx, 4 (TSD) */
        0x0f, 0x22, 0xe1,           /* mov cr4, rcx */
        0x0f, 0x20, 0xe2,           /* mov rdx, cr4 */
        0x0f, 0x23, 0xc6,           /* mov dr0, rsi */
        0x0f, 0x21, 0xc7,           /* mov rdi, dr0 */
        0xf4,
        0x0f, 0x20, 0xe8,           /* mov rax, cr5: #UD */
        0xf4,
    };
    XTMachine *m = xt_new(64);

    m->env->regs[R_ESI] = 0x123456789aull;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(m->env->regs[R_EAX], ==, m->env->cr[0]);
    g_assert_true(m->env->regs[R_EAX] & CR0_PG_MASK);
    g_assert_cmphex(m->env->regs[R_EBX], ==, CR4_PAE_MASK);
    g_assert_cmphex(m->env->regs[R_EDX], ==, CR4_PAE_MASK | CR4_TSD_MASK);
    g_assert_cmphex(m->env->cr[4], ==, CR4_PAE_MASK | CR4_TSD_MASK);
    g_assert_cmphex(m->env->regs[R_EDI], ==, 0x123456789aull);
    g_assert_cmphex(m->env->dr[0], ==, 0x123456789aull);

    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 6);
    g_assert_cmphex(xt_frame_rip(m, 6), ==, XT_CODE + 26);
    xt_free(m);
}

/* CPUID answers from the vCPU's table; RDTSC gives a non-decreasing count. */
static void test_cpuid_rdtsc(void)
{
    static const uint8_t code[] = { 0x0f, 0xa2, 0xf4, 0x0f, 0x31, 0xf4, 0x0f, 0x31, 0xf4 };
    XTMachine *m = xt_new(64);
    const X86CPUIDEntry *e = x86_cpuid_find(&m->cpu->cpuid, 0, 0);
    uint64_t t1, t2;

    g_assert_nonnull(e);
    m->env->regs[R_EAX] = 0;
    m->env->regs[R_ECX] = 0;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->regs[R_EAX], ==, e->eax);
    g_assert_cmphex(m->env->regs[R_EBX], ==, e->ebx);
    g_assert_cmphex(m->env->regs[R_ECX], ==, e->ecx);
    g_assert_cmphex(m->env->regs[R_EDX], ==, e->edx);
    xt_run(m);
    g_assert_cmphex(m->env->regs[R_EAX] >> 32, ==, 0);
    t1 = (m->env->regs[R_EDX] << 32) | m->env->regs[R_EAX];
    xt_run(m);
    t2 = (m->env->regs[R_EDX] << 32) | m->env->regs[R_EAX];
    g_assert_cmpuint(t2, >=, t1);
    g_assert_cmpuint(t1, !=, 0);
    xt_free(m);
}

/* WRMSR/RDMSR of LSTAR; an unknown MSR is #GP(0) at the WRMSR. */
static void test_msr(void)
{
    static const uint8_t code[] = {
        0x0f, 0x30,                 /* wrmsr */
        0x31, 0xc0, 0x31, 0xd2,     /* xor eax, eax; xor edx, edx */
        0x0f, 0x32,                 /* rdmsr */
        0xf4,
        0x0f, 0x30,                 /* wrmsr (unknown MSR) */
        0xf4,
    };
    XTMachine *m = xt_new(64);

    m->env->regs[R_ECX] = MSR_LSTAR;
    m->env->regs[R_EDX] = 0xffffffff;
    m->env->regs[R_EAX] = 0x80001234;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(m->env->lstar, ==, 0xffffffff80001234ull);
    g_assert_cmphex(m->env->regs[R_EAX], ==, 0x80001234);
    g_assert_cmphex(m->env->regs[R_EDX], ==, 0xffffffff);

    m->env->regs[R_ECX] = 0x12345;
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 13);
    g_assert_cmphex(xt_frame_error(m), ==, 0);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE + 9);
    xt_free(m);
}

/* SYSRETQ to ring 3, which reads CS and makes a SYSCALL back to LSTAR. */
static void test_syscall_sysret(void)
{
    static const uint8_t kernel[] = { 0x48, 0x0f, 0x07 };          /* sysretq */
    static const uint8_t user[] = { 0x8c, 0xc8, 0x0f, 0x05 };      /* mov eax, cs; syscall */
    static const uint8_t entry[] = { 0xf4 };
    const uint64_t user_rip = XT_CODE + 0x100, entry_rip = XT_CODE + 0x200;
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;

    xt_write(m, user_rip, user, sizeof(user));
    xt_write(m, entry_rip, entry, sizeof(entry));
    env->efer |= MSR_EFER_SCE;
    env->star = ((uint64_t)(XT_SEL_CS3_32 | 3) << 48) | ((uint64_t)XT_SEL_CS0 << 32);
    env->lstar = entry_rip;
    env->fmask = IF_MASK;
    env->regs[R_ECX] = user_rip;
    env->regs[11] = 0x202;
    xt_code(m, kernel, sizeof(kernel));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(env->eip, ==, entry_rip + 1);
    g_assert_cmphex(env->regs[R_EAX], ==, XT_SEL_CS3 | 3);
    g_assert_cmphex(env->segs[R_CS].selector, ==, XT_SEL_CS0);
    g_assert_cmphex(env->segs[R_SS].selector, ==, XT_SEL_SS0);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->regs[R_ECX], ==, user_rip + 4);
    g_assert_true(env->regs[11] & IF_MASK);
    g_assert_false(env->eflags & IF_MASK);
    xt_free(m);
}

/*
 * INT 0x40 from ring 0 and from ring 3: the gate's stub halts, then its
 * IRETQ returns after the INT. In ring 3 the following HLT is #GP(0).
 */
static void test_int_iret(void)
{
    static const uint8_t code[] = { 0xcd, 0x40, 0xf4 };
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;

    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 0x40);
    g_assert_cmphex(xt_frame_rip(m, 0x40), ==, XT_CODE + 2);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(env->eip, ==, XT_CODE + 3);
    g_assert_cmphex(env->regs[R_ESP], ==, XT_STACK);

    xt_enter_ring3(m, XT_CODE);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 0x40);
    g_assert_cmphex(env->regs[R_ESP], ==, XT_STACK - 40);
    g_assert_cmphex(xt_rq(m, XT_STACK - 32), ==, XT_SEL_CS3 | 3);
    xt_run(m);
    /* Back in ring 3 after IRETQ: HLT is privileged. */
    g_assert_cmpint(xt_vector(m), ==, 13);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE + 2);
    g_assert_cmphex(xt_frame_error(m), ==, 0);
    g_assert_cmphex(xt_rq(m, env->regs[R_ESP] + 16), ==, XT_SEL_CS3 | 3);
    xt_free(m);
}

/* STI/CLI at ring 0; CLI at ring 3 is #GP unless IOPL is 3. */
static void test_cli_sti(void)
{
    static const uint8_t code[] = { 0xfb, 0x90, 0xf4, 0xfa, 0xf4 };
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;

    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_true(env->eflags & IF_MASK);
    xt_run(m);
    g_assert_false(env->eflags & IF_MASK);

    xt_enter_ring3(m, XT_CODE + 3);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 13);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE + 3);

    env->eflags |= IOPL_MASK | IF_MASK;
    xt_enter_ring3(m, XT_CODE + 3);
    xt_run(m);
    /* CLI passed; the HLT after it is the #GP. */
    g_assert_cmpint(xt_vector(m), ==, 13);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE + 4);
    xt_free(m);
}

/* PUSHF/POPF: POPF at ring 3 with IOPL 0 leaves IF and IOPL alone. */
static void test_pushf_popf(void)
{
    static const uint8_t code[] = {
        0x9c,                               /* pushfq */
        0x48, 0x81, 0x0c, 0x24, 0x01, 0x32, 0x00, 0x00,  /* or qword [rsp], 0x3201 */
        0x9d,                               /* popfq */
        0x9c, 0x58,                         /* pushfq; pop rax */
        0xcd, 0x40,                         /* int 0x40 (stops here) */
    };
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;

    /* Ring 0: CF, IF, TF-free bits and IOPL 3 all land. */
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 0x40);
    g_assert_cmphex(env->regs[R_EAX] & (CC_C | IF_MASK | IOPL_MASK), ==,
                    CC_C | IF_MASK | IOPL_MASK);

    env->eflags &= ~(uint64_t)(IF_MASK | IOPL_MASK);
    xt_enter_ring3(m, XT_CODE);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 0x40);
    g_assert_cmphex(env->regs[R_EAX] & (CC_C | IF_MASK | IOPL_MASK), ==, CC_C);
    xt_free(m);
}

/* MOV sreg in real mode: base = selector << 4; MOV from sreg; PUSH/POP ES. */
static void test_segments_real(void)
{
    static const uint8_t code[] = {
        0xb8, 0x00, 0x12,       /* mov ax, 0x1200 */
        0x8e, 0xd8,             /* mov ds, ax */
        0xa0, 0x10, 0x00,       /* mov al, [0x10] */
        0x8c, 0xdb,             /* mov bx, ds */
        0x1e, 0x07,             /* push ds; pop es */
        0xc4, 0x3e, 0x20, 0x00, /* les di, [0x20] */
        0xf4,
    };
    XTMachine *m = xt_new(16);
    CPUX86State *env = m->env;

    m->ram_ptr[0x12010] = 0x5c;
    xt_write(m, 0x12020, "\x34\x12\x00\x30", 4);
    env->regs[R_ESP] = 0x8000;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(env->segs[R_DS].base, ==, 0x12000);
    g_assert_cmphex(env->regs[R_EAX] & 0xff, ==, 0x5c);
    g_assert_cmphex(env->regs[R_EBX] & 0xffff, ==, 0x1200);
    g_assert_cmphex(env->segs[R_ES].selector, ==, 0x3000);
    g_assert_cmphex(env->segs[R_ES].base, ==, 0x30000);
    g_assert_cmphex(env->regs[R_EDI] & 0xffff, ==, 0x1234);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8000);
    xt_free(m);
}

/* ENTER 16, 2 and LEAVE in 64-bit code. */
static void test_enter_leave(void)
{
    static const uint8_t code[] = {
        0xc8, 0x10, 0x00, 0x02,     /* enter 16, 2 */
        0x48, 0x89, 0xe3,           /* mov rbx, rsp */
        0x48, 0x89, 0xee,           /* mov rsi, rbp */
        0xc9,                       /* leave */
        0xf4,
    };
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;
    const uint64_t sp = XT_STACK - 0x100, bp = XT_STACK - 0x40;

    xt_wq(m, bp - 8, 0xabcdef);
    env->regs[R_ESP] = sp;
    env->regs[R_EBP] = bp;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    /* Frame: old RBP at sp-8, copied level at sp-16, frame pointer at sp-24. */
    g_assert_cmphex(env->regs[R_ESI], ==, sp - 8);
    g_assert_cmphex(env->regs[R_EBX], ==, sp - 8 - 16 - 16);
    g_assert_cmphex(xt_rq(m, sp - 8), ==, bp);
    g_assert_cmphex(xt_rq(m, sp - 16), ==, 0xabcdef);
    g_assert_cmphex(xt_rq(m, sp - 24), ==, sp - 8);
    g_assert_cmphex(env->regs[R_EBP], ==, bp);
    g_assert_cmphex(env->regs[R_ESP], ==, sp);
    xt_free(m);
}

/* Real mode: far CALL/RETF through 0100:0200, then IRET to a pushed frame. */
static void test_far_real(void)
{
    static const uint8_t code[] = {
        0x9a, 0x00, 0x02, 0x00, 0x01,   /* call far 0100:0200 */
        0xf4,                           /* 1005 */
        0x9c, 0x0e, 0x68, 0x0f, 0x10,   /* 1006: pushf; push cs; push 0x100f */
        0xcf,                           /* 100b: iret */
        0xf4, 0xf4, 0xf4,               /* 100c: skipped */
        0xf4,                           /* 100f */
    };
    static const uint8_t callee[] = { 0x89, 0xe3, 0xcb };  /* mov bx, sp; retf */
    XTMachine *m = xt_new(16);
    CPUX86State *env = m->env;

    xt_write(m, 0x1200, callee, sizeof(callee));
    env->regs[R_ESP] = 0x8000;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(env->eip, ==, 0x1006);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0);
    g_assert_cmphex(env->regs[R_EBX] & 0xffff, ==, 0x7ffc);
    g_assert_cmphex(xt_rw(m, 0x7ffc), ==, 0x1005);
    g_assert_cmphex(xt_rw(m, 0x7ffe), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8000);
    xt_run(m);
    g_assert_cmphex(env->eip, ==, 0x1010);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8000);
    xt_free(m);
}

/* 64-bit: far CALL through m16:64 (REX.W), LRETQ back, far JMP through m16:32. */
static void test_far_long(void)
{
    static const uint8_t code[] = {
        0x48, 0xff, 0x18,       /* rex.W lcall [rax] */
        0xff, 0x2b,             /* ljmp [rbx] (m16:32) */
    };
    static const uint8_t callee[] = { 0x48, 0x89, 0xe1, 0x48, 0xcb };   /* mov rcx, rsp; lretq */
    static const uint8_t target[] = { 0xf4 };
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;
    const uint64_t callee_rip = XT_CODE + 0x100, target_rip = XT_CODE + 0x180;

    xt_write(m, callee_rip, callee, sizeof(callee));
    xt_write(m, target_rip, target, sizeof(target));
    xt_wq(m, D1, callee_rip);
    xt_wq(m, D1 + 8, XT_SEL_CS0);
    xt_wq(m, D2, target_rip | ((uint64_t)XT_SEL_CS0 << 32));
    env->regs[R_EAX] = D1;
    env->regs[R_EBX] = D2;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(env->eip, ==, target_rip + 1);
    g_assert_cmphex(env->regs[R_ECX], ==, XT_STACK - 16);
    g_assert_cmphex(xt_rq(m, XT_STACK - 16), ==, XT_CODE + 3);
    g_assert_cmphex(xt_rq(m, XT_STACK - 8), ==, XT_SEL_CS0);
    g_assert_cmphex(env->regs[R_ESP], ==, XT_STACK);
    xt_free(m);
}

/* LAR/VERR/VERW/STR/SLDT in long mode. */
static void test_lar_verr(void)
{
    static const uint8_t code[] = {
        0x0f, 0x02, 0xc3,       /* lar eax, bx */
        0x0f, 0x94, 0xc1,       /* setz cl */
        0x0f, 0x00, 0xe3,       /* verr bx */
        0x0f, 0x94, 0xc2,       /* setz dl */
        0x0f, 0x00, 0xeb,       /* verw bx */
        0x0f, 0x94, 0xc6,       /* setz dh */
        0x0f, 0x00, 0xce,       /* str esi */
        0xf4,
    };
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;

    env->regs[R_EBX] = XT_SEL_CS0;
    env->regs[R_EAX] = 0x5555;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(env->regs[R_EAX], ==, 0x00a09b00);
    g_assert_cmphex(env->regs[R_ECX] & 0xff, ==, 1);
    g_assert_cmphex(env->regs[R_EDX] & 0xffff, ==, 0x0001);    /* readable, not writable */
    g_assert_cmphex(env->regs[R_ESI], ==, XT_SEL_TSS);

    /* An empty GDT slot: ZF clear, EAX unchanged. */
    env->regs[R_EBX] = 0x38;
    env->regs[R_EAX] = 0x5555;
    env->eip = XT_CODE;
    xt_run(m);
    g_assert_cmphex(env->regs[R_EAX], ==, 0x5555);
    g_assert_cmphex(env->regs[R_ECX] & 0xff, ==, 0);
    xt_free(m);
}

/* Ring 3: privileged instructions and UMIP-guarded stores are #GP(0). */
static void test_ring3_privilege(void)
{
    static const struct {
        uint8_t bytes[4];
        int len;
    } insns[] = {
        { { 0x0f, 0x01, 0x10 }, 3 },    /* lgdt [rax] */
        { { 0x0f, 0x20, 0xc0 }, 3 },    /* mov rax, cr0 */
        { { 0x0f, 0x32 }, 2 },          /* rdmsr */
        { { 0x0f, 0x00, 0xd8 }, 3 },    /* ltr ax */
        { { 0x0f, 0x06 }, 2 },          /* clts */
        { { 0x0f, 0x09 }, 2 },          /* wbinvd */
    };
    static const uint8_t sgdt[] = { 0x0f, 0x01, 0x00, 0xf4 };  /* sgdt [rax]; hlt */
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;

    for (size_t i = 0; i < G_N_ELEMENTS(insns); i++) {
        xt_write(m, XT_CODE, insns[i].bytes, insns[i].len);
        env->regs[R_EAX] = D1;
        xt_enter_ring3(m, XT_CODE);
        xt_run(m);
        g_assert_cmpint(xt_vector(m), ==, 13);
        g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE);
    }

    /* SGDT at ring 3 works without UMIP (the HLT after it faults)... */
    xt_write(m, XT_CODE, sgdt, sizeof(sgdt));
    env->regs[R_EAX] = D1;
    xt_enter_ring3(m, XT_CODE);
    xt_run(m);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE + 3);
    g_assert_cmphex(xt_rq(m, D1 + 2), ==, XT_GDT);
    /* ...and is #GP(0) with CR4.UMIP. */
    env->cr[4] |= CR4_UMIP_MASK;
    env->regs[R_EAX] = D1;
    xt_enter_ring3(m, XT_CODE);
    xt_run(m);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE);
    xt_free(m);
}

/* RDTSCP reads TSC_AUX into ECX, or is #UD if CPUID does not offer it (qemu64). */
static void test_rdtscp(void)
{
    static const uint8_t code[] = { 0x0f, 0x01, 0xf9, 0xf4 };
    XTMachine *m = xt_new(64);
    const X86CPUIDEntry *e = x86_cpuid_find(&m->cpu->cpuid, 0x80000001, 0);
    bool offered = e && (e->edx & (1u << 27));

    m->env->tsc_aux = 0x77;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    if (offered) {
        g_assert_cmpint(xt_vector(m), ==, -1);
        g_assert_cmphex(m->env->regs[R_ECX], ==, 0x77);
    } else {
        g_assert_cmpint(xt_vector(m), ==, 6);
        g_assert_cmphex(xt_frame_rip(m, 6), ==, XT_CODE);
    }
    xt_free(m);
}

/* SWAPGS, fences, CLFLUSH (and its fault) and prefetch hints in 64-bit ring 0. */
static void test_misc_0f(void)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0xf8,       /* swapgs */
        0x0f, 0xae, 0xe8,       /* lfence */
        0x0f, 0xae, 0xf0,       /* mfence */
        0x0f, 0xae, 0xf8,       /* sfence */
        0x0f, 0xae, 0x38,       /* clflush [rax] */
        0x0f, 0x18, 0x08,       /* prefetcht0 [rax] */
        0x0f, 0x0d, 0x08,       /* prefetchw [rax] */
        0x0f, 0x08, 0x0f, 0x09, /* invd; wbinvd */
        0xf4,
    };
    XTMachine *m = xt_new(64);
    CPUX86State *env = m->env;

    env->segs[R_GS].base = 0x1111;
    env->kernelgsbase = 0x2222000;
    env->tsc_aux = 0x77;
    env->regs[R_EAX] = D1;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(env->eip, ==, XT_CODE + sizeof(code));
    g_assert_cmphex(env->segs[R_GS].base, ==, 0x2222000);
    g_assert_cmphex(env->kernelgsbase, ==, 0x1111);

    /* CLFLUSH of an unmapped address faults like a load (SDM). */
    {
        static const uint8_t flush[] = { 0x0f, 0xae, 0x38, 0xf4 };

        env->regs[R_EAX] = 0x80000040;
        xt_code(m, flush, sizeof(flush));
        xt_run(m);
        g_assert_cmpint(xt_vector(m), ==, 14);
        g_assert_cmphex(env->cr[2], ==, 0x80000040);
        g_assert_cmphex(xt_frame_rip(m, 14), ==, XT_CODE);
    }
    xt_free(m);
}

/*
 * INT3 and INT1 trap after themselves; INTO (64-bit), XGETBV, RDRAND and
 * SYSENTER (an AMD vCPU in long mode) are #UD at the instruction.
 */
static void test_traps_and_ud(void)
{
    static const struct {
        uint8_t bytes[3];
        int len, vector, rip_after;
    } cases[] = {
        { { 0xcc }, 1, 3, 1 },
        { { 0xf1 }, 1, 1, 1 },
        { { 0xce }, 1, 6, 0 },
        { { 0x0f, 0x01, 0xd0 }, 3, 6, 0 },
        { { 0x0f, 0xc7, 0xf0 }, 3, 6, 0 },
        { { 0x0f, 0x34 }, 2, 6, 0 },
        { { 0x8e, 0xc8 }, 2, 6, 0 },    /* mov cs, ax */
        { { 0x1e }, 1, 6, 0 },          /* push ds (64-bit) */
    };
    XTMachine *m = xt_new(64);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        xt_code(m, cases[i].bytes, cases[i].len);
        m->env->regs[R_ESP] = XT_STACK;
        xt_run(m);
        g_assert_cmpint(xt_vector(m), ==, cases[i].vector);
        g_assert_cmphex(xt_frame_rip(m, cases[i].vector), ==,
                        XT_CODE + (cases[i].rip_after ? cases[i].len : 0));
    }
    xt_free(m);
}

static int sti_test_pic(CPUX86State *env)
{
    return 0x40;
}

/*
 * STI's interrupt shadow: with an interrupt pending, STI; NOP takes it
 * after the NOP, not between STI and NOP.
 */
static void test_sti_shadow(void)
{
    static const uint8_t code[] = { 0xfb, 0x90, 0xf4 };
    XTMachine *m = xt_new(64);

    x86_get_pic_interrupt = sti_test_pic;
    cpu_interrupt(&m->cpu->parent, CPU_INTERRUPT_HARD);
    xt_code(m, code, sizeof(code));
    xt_run(m);
    x86_get_pic_interrupt = NULL;
    g_assert_cmpint(xt_vector(m), ==, 0x40);
    g_assert_cmphex(xt_frame_rip(m, 0x40), ==, XT_CODE + 2);
    cpu_reset_interrupt(&m->cpu->parent, CPU_INTERRUPT_HARD);
    xt_free(m);
}

/*
 * Protected mode (32-bit) with a GDT, a 32-bit TSS (ESP0 = XT_STACK, no
 * I/O bitmap) and an IDT of DPL-3 interrupt gates to "hlt" stubs, then
 * virtual-8086 mode at 0100:0000 (linear XT_CODE) with the given IOPL.
 */
static void setup_vm86(XTMachine *m, int iopl)
{
    CPUX86State *env = m->env;
    const uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK;
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;
    const uint32_t v86 = data | (3 << DESC_DPL_SHIFT);
    uint64_t gdt[4] = {
        0,
        xt_desc(code | DESC_B_MASK),
        xt_desc(data | DESC_B_MASK),
        0x0000890000000067ull | ((XT_TSS & 0xffffff) << 16),
    };
    uint32_t esp0 = XT_STACK, ss0 = 0x10;
    uint16_t iomap = 0x68;

    xt_write(m, XT_GDT, gdt, sizeof(gdt));
    env->gdt.base = XT_GDT;
    env->gdt.limit = sizeof(gdt) - 1;
    xt_write(m, XT_TSS + 4, &esp0, 4);
    xt_write(m, XT_TSS + 8, &ss0, 4);
    xt_write(m, XT_TSS + 0x66, &iomap, 2);
    env->tr.selector = 0x18;
    env->tr.base = XT_TSS;
    env->tr.limit = 0x67;
    env->tr.flags = DESC_P_MASK | (11 << DESC_TYPE_SHIFT);
    for (int v = 0; v < 256; v++) {
        uint64_t stub = XT_STUBS + 16 * v;
        uint64_t gate = (stub & 0xffff) | (0x08ull << 16) | (0xee00ull << 32) |
                        ((stub & 0xffff0000ull) << 32);

        xt_write(m, stub, "\xf4", 1);
        xt_wq(m, XT_IDT + 8 * v, gate);
    }
    env->idt.base = XT_IDT;
    env->idt.limit = 256 * 8 - 1;
    cpu_x86_load_seg_cache(env, R_CS, 0x08, 0, 0xffffffff, code | DESC_B_MASK | DESC_G_MASK);
    cpu_x86_load_seg_cache(env, R_SS, 0x10, 0, 0xffffffff, data | DESC_B_MASK | DESC_G_MASK);

    env->eflags = VM_MASK | ((uint64_t)iopl << IOPL_SHIFT) | 0x2;
    for (int s = R_ES; s <= R_GS; s++) {
        cpu_x86_load_seg_cache(env, s, 0x100, 0x1000, 0xffff, v86);
    }
    env->regs[R_ESP] = 0x8000;
    env->eip = 0;
    x86_update_hflags(env);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_true(env->hflags & HF_VM_MASK);
}

/* The vector a vm86 test stopped at (32-bit stubs), and the frame's EIP. */
static int vm86_vector(XTMachine *m, uint32_t *eip)
{
    int v = xt_vector(m);

    if (v >= 0) {
        *eip = xt_rl(m, m->env->regs[R_ESP] + (xt_vector_has_error(v) ? 4 : 0));
    }
    return v;
}

/*
 * vm86: INT n, PUSHF, CLI are #GP(0) with IOPL < 3 and allowed with IOPL 3;
 * HLT is always #GP; MOV DS sets base = selector << 4.
 */
static void test_vm86(void)
{
    static const uint8_t int_n[] = { 0xcd, 0x40 };
    static const uint8_t pushf[] = { 0x9c };
    static const uint8_t body[] = {
        0xb8, 0x34, 0x12,       /* mov ax, 0x1234 */
        0x8e, 0xd8,             /* mov ds, ax */
        0xfa,                   /* cli */
        0x9c,                   /* pushf */
        0xf4,                   /* hlt: #GP */
    };
    XTMachine *m = xt_new(32);
    uint32_t eip = 0;

    setup_vm86(m, 0);
    xt_code(m, int_n, sizeof(int_n));
    m->env->eip = 0;
    xt_run(m);
    g_assert_cmpint(vm86_vector(m, &eip), ==, 13);
    g_assert_cmphex(eip, ==, 0);

    setup_vm86(m, 0);
    xt_code(m, pushf, sizeof(pushf));
    m->env->eip = 0;
    xt_run(m);
    g_assert_cmpint(vm86_vector(m, &eip), ==, 13);

    setup_vm86(m, 3);
    xt_code(m, int_n, sizeof(int_n));
    m->env->eip = 0;
    xt_run(m);
    g_assert_cmpint(vm86_vector(m, &eip), ==, 0x40);
    g_assert_cmphex(eip, ==, 2);

    setup_vm86(m, 3);
    xt_code(m, body, sizeof(body));
    m->env->eip = 0;
    xt_run(m);
    g_assert_cmpint(vm86_vector(m, &eip), ==, 13);
    g_assert_cmphex(eip, ==, 7);
    /* The frame from vm86: error, EIP, CS, EFLAGS, ESP, SS, ES, DS (at +28), FS, GS. */
    g_assert_cmphex(xt_rl(m, m->env->regs[R_ESP] + 28), ==, 0x1234);
    g_assert_cmphex(xt_rl(m, m->env->regs[R_ESP] + 24), ==, 0x100);
    /* PUSHF in vm86 stored IF clear (after CLI) and IOPL 3. */
    g_assert_cmphex(xt_rw(m, 0x1000 + 0x8000 - 2) & (IF_MASK | IOPL_MASK), ==, IOPL_MASK);
    xt_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-system/dt-roundtrip64", test_dt_roundtrip64);
    g_test_add_func("/x86-system/dt-roundtrip32", test_dt_roundtrip32);
    g_test_add_func("/x86-system/dt-roundtrip16", test_dt_roundtrip16);
    g_test_add_func("/x86-system/mov-cr-dr", test_mov_cr_dr);
    g_test_add_func("/x86-system/cpuid-rdtsc", test_cpuid_rdtsc);
    g_test_add_func("/x86-system/msr", test_msr);
    g_test_add_func("/x86-system/syscall-sysret", test_syscall_sysret);
    g_test_add_func("/x86-system/int-iret", test_int_iret);
    g_test_add_func("/x86-system/cli-sti", test_cli_sti);
    g_test_add_func("/x86-system/pushf-popf", test_pushf_popf);
    g_test_add_func("/x86-system/segments-real", test_segments_real);
    g_test_add_func("/x86-system/enter-leave", test_enter_leave);
    g_test_add_func("/x86-system/far-real", test_far_real);
    g_test_add_func("/x86-system/far-long", test_far_long);
    g_test_add_func("/x86-system/lar-verr", test_lar_verr);
    g_test_add_func("/x86-system/ring3-privilege", test_ring3_privilege);
    g_test_add_func("/x86-system/misc-0f", test_misc_0f);
    g_test_add_func("/x86-system/rdtscp", test_rdtscp);
    g_test_add_func("/x86-system/sti-shadow", test_sti_shadow);
    g_test_add_func("/x86-system/vm86", test_vm86);
    g_test_add_func("/x86-system/traps-and-ud", test_traps_and_ud);
    return g_test_run();
}
