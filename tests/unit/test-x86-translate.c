/*
 * test-x86-translate.c: the x86 translator core under TCG, end to end on
 * a small machine (tests/unit/test-x86-sysinsn-common.h): prefixes and
 * operand/address sizes in 16/32/64-bit code, ModRM forms (RIP-relative,
 * 16-bit [bx+si+disp] with wrap), partial registers, push/pop sizes,
 * CMPXCHG8B/16B, the #UD/#GP/#DE cases a decoder must raise, and
 * Jcc/LOOP/CALL/RET flows with lazy flags.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "test-x86-sysinsn-common.h"

#define CODE(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

/* A machine in long mode with an IDT whose stubs halt. */
static void t_init64(XTMachine *m)
{
    xt_init(m, 64);
    xt_setup_long(m);
}

/* Run code, expecting the final HLT of the code (no exception). */
static void t_run_ok(XTMachine *m, const uint8_t *code, size_t len)
{
    xt_code(m, code, len);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(m->env->eip, ==, XT_CODE + len);
}

/* Run code, expecting exception vector v raised at code offset off. */
static void t_run_excp(XTMachine *m, const uint8_t *code, size_t len, int v, uint64_t off)
{
    xt_code(m, code, len);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, v);
    g_assert_cmphex(xt_frame_rip(m, v), ==, XT_CODE + off);
}

static uint64_t t_flags(XTMachine *m)
{
    return cpu_compute_eflags(m->env);
}

static void test_basic_alu64(void)
{
    XTMachine m;

    t_init64(&m);
    /* mov rax, 5; add rax, 7; mov rcx, -1; add ecx, 1; hlt */
    t_run_ok(&m, CODE(0x48, 0xc7, 0xc0, 0x05, 0x00, 0x00, 0x00,
                      0x48, 0x83, 0xc0, 0x07,
                      0x48, 0xc7, 0xc1, 0xff, 0xff, 0xff, 0xff,
                      0x83, 0xc1, 0x01,
                      0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 12);
    /* 32-bit add zero-extends: RCX = 0, ZF and CF set. */
    g_assert_cmphex(m.env->regs[R_ECX], ==, 0);
    g_assert_cmphex(t_flags(&m) & (CC_Z | CC_C | CC_S | CC_O), ==, CC_Z | CC_C);
    xt_destroy(&m);
}


static void test_operand_sizes64(void)
{
    XTMachine m;

    t_init64(&m);
    m.env->regs[R_EAX] = 0x1111111111111111ull;
    m.env->regs[R_ECX] = 0x8877665544332211ull;
    m.env->regs[R_EDX] = 0x2222222222222222ull;
    m.env->regs[R_EBX] = 0x3333333333333333ull;
    m.env->regs[R_ESI] = 0x4444444444444444ull;
    /* 66 48 89 c8: REX.W wins over 66 (mov rax, rcx); 66 89 ca: mov dx, cx */
    t_run_ok(&m, CODE(0x66, 0x48, 0x89, 0xc8, 0x66, 0x89, 0xca,
                      0x89, 0xcb,               /* mov ebx, ecx: zero-extends */
                      0x88, 0xee,               /* mov dh, ch (no REX) */
                      0x40, 0x88, 0xce,         /* mov sil, cl (REX: SIL) */
                      0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x8877665544332211ull);
    g_assert_cmphex(m.env->regs[R_EDX], ==, 0x2222222222222211ull);
    g_assert_cmphex(m.env->regs[R_EBX], ==, 0x44332211ull);
    g_assert_cmphex(m.env->regs[R_ESI], ==, 0x4444444444444411ull);
    xt_destroy(&m);
}

static void test_partial_regs(void)
{
    XTMachine m;

    t_init64(&m);
    m.env->regs[R_EAX] = 0xffffffffffffffffull;
    m.env->regs[R_ESP] = 0x7ff00;
    /* mov ah, 0x12; add ah, 1 (AH = 13); 40 b4 34: mov spl, 0x34 */
    t_run_ok(&m, CODE(0xb4, 0x12, 0x80, 0xc4, 0x01, 0x40, 0xb4, 0x34, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0xffffffffffff13ffull);
    g_assert_cmphex(m.env->regs[R_ESP], ==, 0x7ff34);
    xt_destroy(&m);
}

static void test_rip_relative(void)
{
    XTMachine m;

    t_init64(&m);
    xt_wq(&m, 0x3000, 0x1122334455667788ull);
    /*
     * 1000: 48 8b 05 f9 1f 00 00    mov rax, [rip + 0x1ff9]  (-> 0x3000)
     * 1007: 81 05 ef 1f 00 00 01 00 00 00   add dword [rip + 0x1fef], 1
     *       (next insn at 1011: 0x1011 + 0x1fef = 0x3000; the imm follows)
     */
    t_run_ok(&m, CODE(0x48, 0x8b, 0x05, 0xf9, 0x1f, 0x00, 0x00,
                      0x81, 0x05, 0xef, 0x1f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                      0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x1122334455667788ull);
    g_assert_cmphex(xt_rq(&m, 0x3000), ==, 0x1122334455667789ull);
    xt_destroy(&m);
}

static void test_addr_size64(void)
{
    XTMachine m;

    t_init64(&m);
    xt_wq(&m, 0x2000, 0xabcdef);
    m.env->regs[R_ECX] = 0x100002000ull;
    m.env->regs[R_EBX] = 0x3000;
    m.env->regs[R_ESI] = 0x1000;
    /* 67 8b 01: mov eax, [ecx] (address truncated to 32 bits) */
    /* 48 8b 54 73 f8: mov rdx, [rbx + rsi*2 - 8] -> 0x4ff8 */
    xt_wq(&m, 0x4ff8, 0x5566);
    t_run_ok(&m, CODE(0x67, 0x8b, 0x01, 0x48, 0x8b, 0x54, 0x73, 0xf8, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0xabcdef);
    g_assert_cmphex(m.env->regs[R_EDX], ==, 0x5566);
    xt_destroy(&m);
}

static void test_mode16(void)
{
    XTMachine m;

    xt_init(&m, 16);
    m.env->regs[R_ESP] = 0x8000;
    m.env->regs[R_EBX] = 0xfff0;
    m.env->regs[R_ESI] = 0x0020;
    m.env->regs[R_ECX] = 0x5000;
    m.env->regs[R_EAX] = 0x12340000;
    xt_wq(&m, 0x20, 0x7777);
    xt_wq(&m, 0x5000, 0x99887766);
    /*
     * 8b 40 10:      mov ax, [bx+si+0x10]  (0xfff0+0x20+0x10 wraps to 0x20)
     * 66 67 8b 11:   mov edx, [ecx]
     * 50:            push ax (2 bytes)
     * 66 53:         push ebx (4 bytes)
     */
    t_run_ok(&m, CODE(0x8b, 0x40, 0x10, 0x66, 0x67, 0x8b, 0x11, 0x50, 0x66, 0x53, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x12347777);
    g_assert_cmphex(m.env->regs[R_EDX], ==, 0x99887766);
    g_assert_cmphex(m.env->regs[R_ESP], ==, 0x8000 - 6);
    g_assert_cmphex(xt_rw(&m, 0x8000 - 2), ==, 0x7777);
    g_assert_cmphex(xt_rl(&m, 0x8000 - 6), ==, 0xfff0);
    xt_destroy(&m);
}

static void test_mode32(void)
{
    XTMachine m;

    xt_init(&m, 32);
    m.env->regs[R_ESP] = 0x8000;
    m.env->regs[R_EAX] = 0x10;
    /* 40: inc eax; 50: push eax; 66 6a ff: push word -1; 5b 5b? no: */
    /* 66 5b: pop bx (2); 5a: pop edx (4); 48: dec eax */
    t_run_ok(&m, CODE(0x40, 0x50, 0x66, 0x6a, 0xff, 0x66, 0x5b, 0x5a, 0x48, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x10);
    g_assert_cmphex(m.env->regs[R_EBX] & 0xffff, ==, 0xffff);
    g_assert_cmphex(m.env->regs[R_EDX], ==, 0x11);
    g_assert_cmphex(m.env->regs[R_ESP], ==, 0x8000);
    xt_destroy(&m);
}

static void test_push_pop64(void)
{
    XTMachine m;

    t_init64(&m);
    m.env->regs[R_EAX] = 0x1122334455667788ull;
    /* 66 50: push ax (2); 50: push rax (8); 6a 80: push -128 (8) */
    t_run_ok(&m, CODE(0x66, 0x50, 0x50, 0x6a, 0x80, 0xf4));
    g_assert_cmphex(m.env->regs[R_ESP], ==, XT_STACK - 18);
    g_assert_cmphex(xt_rq(&m, XT_STACK - 18), ==, 0xffffffffffffff80ull);
    g_assert_cmphex(xt_rq(&m, XT_STACK - 10), ==, 0x1122334455667788ull);
    g_assert_cmphex(xt_rw(&m, XT_STACK - 2), ==, 0x7788);
    /* 8f 04 24: pop [rsp] stores at the incremented RSP; 5c: pop rsp */
    m.env->regs[R_ESP] = XT_STACK - 16;
    xt_wq(&m, XT_STACK - 16, 0xaaaa);
    xt_wq(&m, XT_STACK - 8, 0xbbbb);
    t_run_ok(&m, CODE(0x8f, 0x04, 0x24, 0xf4));
    g_assert_cmphex(xt_rq(&m, XT_STACK - 8), ==, 0xaaaa);
    g_assert_cmphex(m.env->regs[R_ESP], ==, XT_STACK - 8);
    t_run_ok(&m, CODE(0x5c, 0xf4));
    g_assert_cmphex(m.env->regs[R_ESP], ==, 0xaaaa);
    /* 68 id: push imm32 sign-extends to 64 bits; 66 68 iw: 2 bytes */
    m.env->regs[R_ESP] = XT_STACK;
    t_run_ok(&m, CODE(0x68, 0xb6, 0xbe, 0x03, 0x81, 0x58, 0x66, 0x68, 0x34, 0x92, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0xffffffff8103beb6ull);
    g_assert_cmphex(m.env->regs[R_ESP], ==, XT_STACK - 2);
    g_assert_cmphex(xt_rw(&m, XT_STACK - 2), ==, 0x9234);
    xt_destroy(&m);
}

static void test_cmpxchg8b16b(void)
{
    XTMachine m;

    t_init64(&m);
    xt_wq(&m, 0x3000, 0x1111111122222222ull);
    m.env->regs[R_ESI] = 0x3000;
    m.env->regs[R_EDX] = 0x11111111;
    m.env->regs[R_EAX] = 0x22222222;
    m.env->regs[R_ECX] = 0xcccccccc;
    m.env->regs[R_EBX] = 0xbbbbbbbb;
    /* 0f c7 0e: cmpxchg8b [rsi]: equal -> stored, ZF = 1 */
    t_run_ok(&m, CODE(0x0f, 0xc7, 0x0e, 0xf4));
    g_assert_cmphex(xt_rq(&m, 0x3000), ==, 0xccccccccbbbbbbbbull);
    g_assert_true(t_flags(&m) & CC_Z);
    /* again: not equal -> EDX:EAX loaded, ZF = 0 */
    t_run_ok(&m, CODE(0x0f, 0xc7, 0x0e, 0xf4));
    g_assert_cmphex(m.env->regs[R_EDX], ==, 0xcccccccc);
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0xbbbbbbbb);
    g_assert_false(t_flags(&m) & CC_Z);

    xt_wq(&m, 0x3010, 1);
    xt_wq(&m, 0x3018, 2);
    m.env->regs[R_ESI] = 0x3010;
    m.env->regs[R_EAX] = 1;
    m.env->regs[R_EDX] = 2;
    m.env->regs[R_EBX] = 3;
    m.env->regs[R_ECX] = 4;
    /* 48 0f c7 0e: cmpxchg16b [rsi] */
    t_run_ok(&m, CODE(0x48, 0x0f, 0xc7, 0x0e, 0xf4));
    g_assert_cmphex(xt_rq(&m, 0x3010), ==, 3);
    g_assert_cmphex(xt_rq(&m, 0x3018), ==, 4);
    g_assert_true(t_flags(&m) & CC_Z);
    /* misaligned: #GP(0) at the instruction */
    m.env->regs[R_ESI] = 0x3008;
    t_run_excp(&m, CODE(0x90, 0x48, 0x0f, 0xc7, 0x0e, 0xf4), 13, 1);
    g_assert_cmphex(xt_frame_error(&m), ==, 0);
    xt_destroy(&m);
}

static void test_invalid_encodings(void)
{
    XTMachine m;

    t_init64(&m);
    t_run_excp(&m, CODE(0x90, 0x0f, 0x0b), 6, 1);           /* ud2 */
    t_run_excp(&m, CODE(0x0f, 0xb9, 0xc0), 6, 0);           /* ud1 */
    t_run_excp(&m, CODE(0x90, 0x06), 6, 1);                 /* push es */
    t_run_excp(&m, CODE(0x27), 6, 0);                       /* daa */
    t_run_excp(&m, CODE(0x60), 6, 0);                       /* pusha */
    t_run_excp(&m, CODE(0xd4, 0x0a), 6, 0);                 /* aam */
    t_run_excp(&m, CODE(0xce), 6, 0);                       /* into */
    t_run_excp(&m, CODE(0x62, 0x00), 6, 0);                 /* bound / EVEX */
    t_run_excp(&m, CODE(0xc5, 0xf8, 0x77), 6, 0);           /* VEX: vzeroupper */
    t_run_excp(&m, CODE(0x8d, 0xc0), 6, 0);                 /* lea eax, eax */
    t_run_excp(&m, CODE(0xfe, 0xd0), 6, 0);                 /* fe /2 */
    t_run_excp(&m, CODE(0xf6, 0xc8, 0x01), 6, 0);           /* f6 /1 */
    t_run_excp(&m, CODE(0xc6, 0x30, 0xa2), 6, 0);           /* c6 /6 */
    t_run_excp(&m, CODE(0x8f, 0xc8), 6, 0);                 /* 8f /1 */
    xt_destroy(&m);
}

static void test_lock(void)
{
    XTMachine m;

    t_init64(&m);
    m.env->regs[R_ESI] = 0x3000;
    m.env->regs[R_EAX] = 5;
    xt_wq(&m, 0x3000, 10);
    /* lock add [rsi], eax; lock inc dword [rsi]; lock bts [rsi], eax */
    t_run_ok(&m, CODE(0xf0, 0x01, 0x06, 0xf0, 0xff, 0x06, 0xf0, 0x0f, 0xab, 0x06, 0xf4));
    g_assert_cmphex(xt_rq(&m, 0x3000), ==, 16 | 0x20);
    t_run_excp(&m, CODE(0xf0, 0x01, 0xc8), 6, 0);           /* lock add eax, ecx */
    t_run_excp(&m, CODE(0x90, 0xf0, 0x90), 6, 1);           /* lock nop */
    t_run_excp(&m, CODE(0xf0, 0x39, 0x06), 6, 0);           /* lock cmp */
    t_run_excp(&m, CODE(0xf0, 0x8b, 0x06), 6, 0);           /* lock mov */
    xt_destroy(&m);
}

static void test_too_long(void)
{
    XTMachine m;

    t_init64(&m);
    /* 14 prefixes + nop = 15 bytes: fine */
    t_run_ok(&m, CODE(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                      0x66, 0x66, 0x90, 0xf4));
    /* 15 prefixes + nop: #GP(0) */
    t_run_excp(&m, CODE(0x90, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                        0x66, 0x66, 0x66, 0x66, 0x90, 0xf4), 13, 1);
    g_assert_cmphex(xt_frame_error(&m), ==, 0);
    xt_destroy(&m);
}

static void test_div_fault(void)
{
    XTMachine m;

    t_init64(&m);
    m.env->regs[R_EAX] = 100;
    m.env->regs[R_EDX] = 0;
    m.env->regs[R_ECX] = 0;
    /* add eax, 1; div rcx (#DE at offset 3); the add is done, RAX kept */
    t_run_excp(&m, CODE(0x83, 0xc0, 0x01, 0x48, 0xf7, 0xf1, 0xf4), 0, 3);
    g_assert_cmphex(m.env->regs[R_EAX], ==, 101);
    /* quotient overflow: edx:eax = 2^32, div ecx with ecx = 1 */
    m.env->regs[R_EAX] = 0;
    m.env->regs[R_EDX] = 1;
    m.env->regs[R_ECX] = 1;
    t_run_excp(&m, CODE(0xf7, 0xf1, 0xf4), 0, 0);
    /* idiv: -2^63 / -1 */
    m.env->regs[R_EAX] = 0x8000000000000000ull;
    m.env->regs[R_EDX] = ~0ull;
    m.env->regs[R_ECX] = ~0ull;
    t_run_excp(&m, CODE(0x90, 0x90, 0x48, 0xf7, 0xf9, 0xf4), 0, 2);
    /* a good one: 1000 / 7 */
    m.env->regs[R_EAX] = 1000;
    m.env->regs[R_EDX] = 0;
    m.env->regs[R_ECX] = 7;
    t_run_ok(&m, CODE(0x48, 0xf7, 0xf1, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 142);
    g_assert_cmphex(m.env->regs[R_EDX], ==, 6);
    xt_destroy(&m);
}

static void test_flow(void)
{
    XTMachine m;

    t_init64(&m);
    /*
     * mov ecx, 10; xor eax, eax; L: add eax, ecx; loop L (e2 fc);
     * call f (e8 01 00 00 00); hlt; f: add eax, 1000; ret
     */
    xt_code(&m, CODE(0xb9, 0x0a, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x01, 0xc8, 0xe2, 0xfc,
                     0xe8, 0x01, 0x00, 0x00, 0x00, 0xf4,
                     0x05, 0xe8, 0x03, 0x00, 0x00, 0xc3));
    xt_run(&m);
    g_assert_cmpint(xt_vector(&m), ==, -1);
    g_assert_cmphex(m.env->eip, ==, XT_CODE + 17);
    g_assert_cmphex(m.env->regs[R_EAX], ==, 1055);
    g_assert_cmphex(m.env->regs[R_ESP], ==, XT_STACK);

    /*
     * Signed and unsigned conditions after CMP: eax = -1, cmp eax, 1;
     * setl bl; setb bh; jg skip (not taken); inc edx; skip: jecxz (ecx=0 taken)
     */
    m.env->regs[R_EAX] = 0xffffffff;
    m.env->regs[R_EBX] = 0;
    m.env->regs[R_EDX] = 0;
    m.env->regs[R_ECX] = 0;
    xt_code(&m, CODE(0x83, 0xf8, 0x01, 0x0f, 0x9c, 0xc3, 0x0f, 0x92, 0xc7, 0x7f, 0x02, 0xff, 0xc2,
                     0xe3, 0x02, 0xff, 0xc2, 0xf4));
    xt_run(&m);
    g_assert_cmphex(m.env->regs[R_EBX], ==, 0x0001);
    g_assert_cmphex(m.env->regs[R_EDX], ==, 1);
    g_assert_cmphex(m.env->eip, ==, XT_CODE + 18);
    xt_destroy(&m);
}

static void test_bt_mem(void)
{
    XTMachine m;

    t_init64(&m);
    m.env->regs[R_ESI] = 0x3010;
    m.env->regs[R_EAX] = 100;           /* byte 12, bit 4 */
    m.env->regs[R_ECX] = (uint64_t)-1;  /* bit -1: byte -1, bit 7 */
    /* bts [rsi], eax; btc dword [rsi], ecx; bt [rsi], eax -> CF = 1 */
    t_run_ok(&m, CODE(0x0f, 0xab, 0x06, 0x0f, 0xbb, 0x0e, 0x0f, 0xa3, 0x06, 0xf4));
    g_assert_cmphex(m.ram_ptr[0x3010 + 12], ==, 0x10);
    g_assert_cmphex(m.ram_ptr[0x300f], ==, 0x80);
    g_assert_true(t_flags(&m) & CC_C);
    xt_destroy(&m);
}

static void test_x87_stub(void)
{
    XTMachine m;

    t_init64(&m);
    /* A reserved x87 encoding (D9 D1) is #UD; with CR0.TS any escape is #NM; wait is a NOP */
    t_run_excp(&m, CODE(0x9b, 0xd9, 0xd1, 0xf4), 6, 1);
    m.env->cr[0] |= CR0_TS_MASK | CR0_MP_MASK;
    x86_update_hflags(m.env);
    t_run_excp(&m, CODE(0x90, 0xd9, 0xc0, 0xf4), 7, 1);
    t_run_excp(&m, CODE(0x9b, 0xf4), 7, 0);
    t_run_excp(&m, CODE(0xdb, 0xe3, 0xf4), 7, 0);
    xt_destroy(&m);

    /* The control instructions an FPU probe uses. */
    t_init64(&m);
    m.env->regs[R_ESI] = 0x3000;
    m.env->regs[R_EAX] = 0xffff;
    m.env->fpuc = 0x1234;
    m.env->fpstt = 5;
    /* fninit; fnstsw ax; fnstcw [rsi]; mov word [rsi+2], 0x27f; fldcw [rsi+2]; fnstsw [rsi+4] */
    t_run_ok(&m, CODE(0xdb, 0xe3, 0xdf, 0xe0, 0xd9, 0x3e,
                      0x66, 0xc7, 0x46, 0x02, 0x7f, 0x02, 0xd9, 0x6e, 0x02, 0xdd, 0x7e, 0x04,
                      0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0);
    g_assert_cmphex(xt_rw(&m, 0x3000), ==, 0x37f);
    g_assert_cmphex(m.env->fpuc, ==, 0x27f);
    g_assert_cmphex(xt_rw(&m, 0x3004), ==, 0);
    g_assert_cmphex(m.env->fptags[3], ==, 1);
    xt_destroy(&m);
}

static void test_single_step(void)
{
    XTMachine m;

    t_init64(&m);
    m.env->regs[R_EAX] = 1;
    /* With TF: #DB (DR6.BS) after the first insn, EIP at the second. */
    xt_code(&m, CODE(0x48, 0xff, 0xc0, 0x48, 0xff, 0xc0, 0xf4));
    m.env->eflags |= TF_MASK;
    x86_update_hflags(m.env);
    xt_run(&m);
    g_assert_cmpint(xt_vector(&m), ==, 1);
    g_assert_cmphex(xt_frame_rip(&m, 1), ==, XT_CODE + 3);
    g_assert_cmphex(m.env->regs[R_EAX], ==, 2);
    g_assert_true(m.env->dr[6] & (1u << 14));
    xt_destroy(&m);
}

static void test_moves(void)
{
    XTMachine m;

    t_init64(&m);
    xt_wq(&m, 0x3000, 0x0706050403020100ull);
    xt_wq(&m, 0x3008, 0x0f0e0d0c0b0a0908ull);
    m.env->regs[R_EBX] = 0x3000;
    m.env->regs[R_EAX] = 0xffff0005;
    /* d7: xlat (AL = [rbx + al]); 48 a1 <8 bytes>: mov rax, [0x3008] */
    t_run_ok(&m, CODE(0xd7, 0x88, 0xc1,
                      0x48, 0xa1, 0x08, 0x30, 0, 0, 0, 0, 0, 0,
                      0xf4));
    g_assert_cmphex(m.env->regs[R_ECX] & 0xff, ==, 5);
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x0f0e0d0c0b0a0908ull);
    /* a2 <8 bytes>: mov [0x3001], al; 48 0f c8: bswap rax; 48 63 c0: movsxd rax, eax */
    t_run_ok(&m, CODE(0xa2, 0x01, 0x30, 0, 0, 0, 0, 0, 0, 0x48, 0x0f, 0xc8, 0x48, 0x63, 0xc0,
                      0xf4));
    g_assert_cmphex(m.ram_ptr[0x3001], ==, 0x08);
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x0c0d0e0full);
    /* 48 c7 c0 00 00 00 80: mov rax, -2^31; 48 63 c0: movsxd sign-extends */
    t_run_ok(&m, CODE(0x48, 0xc7, 0xc0, 0x00, 0x00, 0x00, 0x80, 0x48, 0x63, 0xc0, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0xffffffff80000000ull);
    /* a3 <non-canonical moffs64>: mov [moffs], eax -> #GP(0) */
    t_run_excp(&m, CODE(0x90, 0xa3, 0x36, 0xd7, 0xa1, 0x6b, 0x9a, 0x66, 0xfa, 0x89, 0xf4), 13, 1);
    xt_destroy(&m);
}

static void test_mode16_flow(void)
{
    XTMachine m;

    xt_init(&m, 16);
    m.env->regs[R_ESP] = 0x8000;
    /*
     * 1000: mov cx, 5; xor ax, ax
     * 1005: add ax, cx; loop 1005 (e2 fc); call 1010 (e8 02 00); hlt; nop;
     * 1010: add ax, 100; ret
     */
    xt_code(&m, CODE(0xb9, 0x05, 0x00, 0x31, 0xc0, 0x01, 0xc8, 0xe2, 0xfc,
                     0xe8, 0x02, 0x00, 0xf4, 0x90, 0x90, 0x90,
                     0x05, 0x64, 0x00, 0xc3));
    xt_run(&m);
    g_assert_cmphex(m.env->eip, ==, XT_CODE + 13);
    g_assert_cmphex(m.env->regs[R_EAX] & 0xffff, ==, 115);
    g_assert_cmphex(m.env->regs[R_ESP], ==, 0x8000);
    xt_destroy(&m);
}

/*
 * Random bytes at CPL 3, single-stepped (TF) so that every instruction
 * ends in a trap and nothing loops: whatever the bytes, the process must
 * neither crash nor assert (run under ASan/UBSan), and every seed must end
 * in an exception the stubs record. The low 2 MiB (descriptor tables,
 * stubs, page tables) are made supervisor-only so that the random code
 * cannot break the harness; code, data and stack live in the next 2 MiB.
 */
#define FZ_CODE  0x200000ull
#define FZ_DATA  0x201000ull
#define FZ_STACK 0x202f00ull

static void fz_start_seed(XTMachine *m, uint32_t seed)
{
    CPUX86State *env = m->env;
    uint64_t rng = 0x9e3779b97f4a7c15ull * (seed + 1);
    uint8_t code[4096];
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                          DESC_B_MASK | DESC_G_MASK | (3 << DESC_DPL_SHIFT);

    for (int i = 0; i < 4096; i++) {
        uint8_t b;

        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        b = rng >> 24;
        if (i >= 96) {
            b = (i & 1) ? 0x0b : 0x0f;      /* ud2 after the random part */
        } else if (b == 0x9d || b == 0xcf) {
            b = 0x90;                       /* POPF/IRET could clear TF */
        }
        code[i] = b;
    }
    xt_write(m, FZ_CODE, code, sizeof(code));
    memset(code, 0, sizeof(code));
    xt_write(m, FZ_DATA, code, sizeof(code));
    xt_enter_ring3(m, FZ_CODE);
    for (int r = 0; r < CPU_NB_REGS; r++) {
        env->regs[r] = FZ_DATA + 0x800;
    }
    env->regs[R_ESP] = FZ_STACK;
    for (int sr = R_ES; sr <= R_GS; sr++) {
        if (sr != R_CS && sr != R_SS) {
            cpu_x86_load_seg_cache(env, sr, XT_SEL_SS3 | 3, 0, 0xffffffff, data);
        }
    }
    if (seed % 3 == 1) {
        /* 32-bit compatibility mode (32-bit decoding, 66/67 for 16-bit). */
        cpu_x86_load_seg_cache(env, R_CS, XT_SEL_CS3_32 | 3, 0, 0xffffffff,
                               DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                               DESC_A_MASK | DESC_B_MASK | DESC_G_MASK |
                               (3 << DESC_DPL_SHIFT));
    } else if (seed % 3 == 2) {
        /*
         * 16-bit compatibility mode: CS, DS, ES, SS based at the code page
         * so that 16-bit offsets stay in the user pages.
         */
        cpu_x86_load_seg_cache(env, R_CS, XT_SEL_CS3_32 | 3, FZ_CODE, 0xffff,
                               DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                               DESC_A_MASK | (3 << DESC_DPL_SHIFT));
        for (int sr = R_ES; sr <= R_DS; sr++) {
            if (sr != R_CS) {
                cpu_x86_load_seg_cache(env, sr, XT_SEL_SS3 | 3, FZ_CODE, 0xffff,
                                       DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                                       DESC_A_MASK | (3 << DESC_DPL_SHIFT));
            }
        }
        env->eip = 0;
        for (int r = 0; r < 8; r++) {
            env->regs[r] = 0x1800;
        }
        env->regs[R_ESP] = 0x2f00;
    }
    env->eflags = 0x202 | TF_MASK;
    cpu_load_eflags(env, env->eflags, ~0ull);
    x86_update_hflags(env);
}

static void test_random_code(void)
{
    XTMachine m;
    unsigned ends[32] = { 0 }, total_steps = 0;

    t_init64(&m);
    /* PDE 0 (the first 2 MiB): supervisor only. */
    xt_wq(&m, XT_PT + 0x2000, xt_rq(&m, XT_PT + 0x2000) & ~4ull);
    tlb_flush(&m.cpu->parent);
    for (uint32_t seed = 0; seed < 3000; seed++) {
        int v = 1;

        fz_start_seed(&m, seed);
        for (int steps = 0; steps < 64 && v == 1; steps++) {
            xt_run(&m);
            v = xt_vector(&m);
            /* Every halt is an exception stub: the code has no HLT at CPL 3. */
            g_assert_cmpint(v, >=, 0);
            total_steps++;
        }
        ends[v & 31]++;
    }
    if (g_test_verbose()) {
        for (int i = 0; i < 32; i++) {
            if (ends[i]) {
                g_test_message("vector %d: %u seeds", i, ends[i]);
            }
        }
        g_test_message("%u steps in all", total_steps);
    }
    /* Most seeds end in #UD, #GP or #PF; all of them ended somewhere. */
    g_assert_cmpuint(ends[6] + ends[13] + ends[14], >, 1000);
    xt_destroy(&m);
}

static void test_segment_bases32(void)
{
    XTMachine m;
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                          DESC_B_MASK | DESC_G_MASK;

    xt_init(&m, 32);
    /* DS base 0x10000, SS base 0x20000, ES base 0: ADDSEG mode. */
    cpu_x86_load_seg_cache(m.env, R_DS, 0x10, 0x10000, 0xffffffff, data);
    cpu_x86_load_seg_cache(m.env, R_SS, 0x10, 0x20000, 0xffffffff, data);
    x86_update_hflags(m.env);
    g_assert_true(m.env->hflags & HF_ADDSEG_MASK);
    xt_wq(&m, 0x10000 + 0x100, 0x11111111);
    xt_wq(&m, 0x100, 0x22222222);
    m.env->regs[R_EBX] = 0x100;
    m.env->regs[R_ESP] = 0x1000;
    m.env->regs[R_EBP] = 0x100;
    /*
     * 8b 03: mov eax, [ebx] (DS); 26 8b 0b: mov ecx, es:[ebx];
     * 50: push eax (SS:0xffc -> 0x20ffc); 8b 55 00: mov edx, [ebp] (SS: 0x20100)
     */
    xt_wq(&m, 0x20100, 0x33333333);
    t_run_ok(&m, CODE(0x8b, 0x03, 0x26, 0x8b, 0x0b, 0x50, 0x8b, 0x55, 0x00, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x11111111);
    g_assert_cmphex(m.env->regs[R_ECX], ==, 0x22222222);
    g_assert_cmphex(m.env->regs[R_EDX], ==, 0x33333333);
    g_assert_cmphex(xt_rl(&m, 0x20ffc), ==, 0x11111111);
    g_assert_cmphex(m.env->regs[R_ESP], ==, 0xffc);
    xt_destroy(&m);
}

/* Ring 3 in 32-bit compatibility mode (long-mode IDT, so the stubs work). */
static void t_enter_compat3(XTMachine *m)
{
    xt_enter_ring3(m, XT_CODE);
    cpu_x86_load_seg_cache(m->env, R_CS, XT_SEL_CS3_32 | 3, 0, 0xffffffff,
                           DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                           DESC_A_MASK | DESC_B_MASK | DESC_G_MASK | (3 << DESC_DPL_SHIFT));
    x86_update_hflags(m->env);
}

static void test_compat_mode(void)
{
    XTMachine m;

    t_init64(&m);
    /*
     * mov eax, 5; inc eax (40 is INC in 32-bit code); mov al, 0x15;
     * add al, 0x27; daa (0x3c -> 0x42); pusha; popa; int3
     */
    t_enter_compat3(&m);
    m.env->regs[R_EBX] = 0x1234;
    xt_code(&m, CODE(0xb8, 0x05, 0x00, 0x00, 0x00, 0x40, 0xb0, 0x15, 0x04, 0x27, 0x27,
                     0x60, 0x61, 0xcc));
    t_enter_compat3(&m);
    xt_run(&m);
    g_assert_cmpint(xt_vector(&m), ==, 3);
    g_assert_cmphex(m.env->regs[R_EAX], ==, 0x42);
    g_assert_cmphex(m.env->regs[R_EBX], ==, 0x1234);

    /* aam 0: #DE at the AAM */
    xt_code(&m, CODE(0x90, 0xd4, 0x00, 0xcc));
    t_enter_compat3(&m);
    xt_run(&m);
    g_assert_cmpint(xt_vector(&m), ==, 0);
    g_assert_cmphex(xt_frame_rip(&m, 0), ==, XT_CODE + 1);

    /* bound eax, [esi] with bounds [0, 10] and eax = 20: #BR */
    xt_wq(&m, 0x3000, 10ull << 32);
    xt_code(&m, CODE(0xbe, 0x00, 0x30, 0x00, 0x00, 0xb8, 0x14, 0x00, 0x00, 0x00,
                     0x62, 0x06, 0xcc));
    t_enter_compat3(&m);
    xt_run(&m);
    g_assert_cmpint(xt_vector(&m), ==, 5);
    g_assert_cmphex(xt_frame_rip(&m, 5), ==, XT_CODE + 10);
    xt_destroy(&m);
}

static void test_alignment_check(void)
{
    XTMachine m;

    if (!x86_tcg_ops.do_unaligned_access) {
        g_test_skip("no TCGCPUOps.do_unaligned_access yet");
        return;
    }
    t_init64(&m);
    m.env->cr[0] |= CR0_AM_MASK;
    /* mov eax, [rsi] (aligned: fine); mov eax, [rsi + 1]: #AC(0) at CPL 3 with AC */
    xt_code(&m, CODE(0x8b, 0x06, 0x8b, 0x46, 0x01, 0xcc));
    xt_enter_ring3(&m, XT_CODE);
    m.env->regs[R_ESI] = 0x3000;
    cpu_load_eflags(m.env, 0x202 | AC_MASK, AC_MASK);
    x86_update_hflags(m.env);
    xt_run(&m);
    g_assert_cmpint(xt_vector(&m), ==, 17);
    g_assert_cmphex(xt_frame_rip(&m, 17), ==, XT_CODE + 2);
    g_assert_cmphex(xt_frame_error(&m), ==, 0);
    /* Without EFLAGS.AC: no check. */
    xt_enter_ring3(&m, XT_CODE);
    cpu_load_eflags(m.env, 0x202, AC_MASK);
    x86_update_hflags(m.env);
    xt_run(&m);
    g_assert_cmpint(xt_vector(&m), ==, 3);
    xt_destroy(&m);
}

/*
 * Lazy flags whose inputs the translator declares dead once a later CCOp
 * no longer reads them (translate-cc.c): a fault must still see the flags
 * of the last completed instruction, and flags read later in the TB must
 * be right. RFLAGS is read from the exception frame the CPU pushed.
 */
static void test_lazy_flags_dead(void)
{
    const uint64_t arith = CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C;
    XTMachine m;
    uint64_t rsp;

    t_init64(&m);
    /*
     * cmp rdx, rbx (1 - 2: CF SF PF AF); ror rcx, 1 (1 -> bit 63: CF, OF);
     * and rsi, [rax] with rax non-canonical: #GP before AND writes flags,
     * so the frame holds SUB's SF/ZF/PF/AF with ROR's CF/OF.
     */
    m.env->regs[R_EDX] = 1;
    m.env->regs[R_EBX] = 2;
    m.env->regs[R_ECX] = 1;
    m.env->regs[R_EAX] = 0x8000000000000000ull;
    t_run_excp(&m, CODE(0x48, 0x39, 0xda, 0x48, 0xd1, 0xc9, 0x48, 0x23, 0x30, 0xf4),
               13, 6);
    rsp = m.env->regs[R_ESP];
    g_assert_cmphex(xt_rq(&m, rsp + 8 + 16) & arith, ==, CC_C | CC_P | CC_A | CC_S | CC_O);
    g_assert_cmphex(m.env->regs[R_ECX], ==, 0x8000000000000000ull);

    /* ... and rsi, rdi (LOGIC on 0x8000000000000003: SF PF); div r9 = 0: #DE. */
    xt_destroy(&m);
    t_init64(&m);
    m.env->regs[R_EDX] = 1;
    m.env->regs[R_EBX] = 2;
    m.env->regs[R_ECX] = 1;
    m.env->regs[R_ESI] = 0x8000000000000003ull;
    m.env->regs[R_EDI] = 0x8000000000000003ull;
    m.env->regs[9] = 0;     /* r9 */
    t_run_excp(&m, CODE(0x48, 0x39, 0xda, 0x48, 0xd1, 0xc9, 0x48, 0x21, 0xfe,
                        0x49, 0xf7, 0xf1, 0xf4), 0, 9);
    rsp = m.env->regs[R_ESP];
    g_assert_cmphex(xt_rq(&m, rsp + 16) & arith, ==, CC_S | CC_P);

    /* The same flags read in the TB: ...; and rsi, rdi; pushfq; pop rax; hlt */
    xt_destroy(&m);
    t_init64(&m);
    m.env->regs[R_EDX] = 1;
    m.env->regs[R_EBX] = 2;
    m.env->regs[R_ECX] = 1;
    m.env->regs[R_ESI] = 0x8000000000000003ull;
    m.env->regs[R_EDI] = 0x8000000000000003ull;
    t_run_ok(&m, CODE(0x48, 0x39, 0xda, 0x48, 0xd1, 0xc9, 0x48, 0x21, 0xfe,
                      0x9c, 0x58, 0xf4));
    g_assert_cmphex(m.env->regs[R_EAX] & arith, ==, CC_S | CC_P);
    xt_destroy(&m);
}

/*
 * The same rule as a cost: the flags of an instruction that nothing
 * reads are not computed. After ROR or ROL (whose CF/OF merge calls
 * cc_compute_all) comes XOR, which replaces every flag; the translated
 * block must not call cc_compute_all, also when a load (a fault point)
 * sits between the XOR and the next flag-setting instruction. The op
 * log (-d op_opt) of the block is read back.
 */
static void check_no_flag_helper(const uint8_t *code, size_t len, uint64_t want_rcx)
{
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    int fd = g_file_open_tmp("x86-translate-XXXXXX.log", &path, NULL);
    XTMachine m;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(qemu_set_log_filename(path, NULL));
    qemu_set_log(CPU_LOG_TB_OP_OPT);
    t_init64(&m);
    m.env->regs[R_ECX] = 0x12345678;
    m.env->regs[R_EDX] = 0x0f0f0f0f;
    t_run_ok(&m, code, len);
    g_assert_cmphex(m.env->regs[R_ECX], ==, want_rcx);
    xt_destroy(&m);
    qemu_set_log(0);
    qemu_log_close();
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    unlink(path);
    g_assert_nonnull(strstr(text, "xor_i64"));
    g_assert_null(strstr(text, "call cc_compute_all"));
}

static void test_lazy_flags_not_computed(void)
{
    uint32_t ror7 = (0x12345678u >> 7) | (0x12345678u << 25);
    uint32_t rol13 = (0x12345678u << 13) | (0x12345678u >> 19);

    /* ror ecx, 7; xor ecx, edx; hlt */
    check_no_flag_helper(CODE(0xc1, 0xc9, 0x07, 0x31, 0xd1, 0xf4), ror7 ^ 0x0f0f0f0f);
    /* rol ecx, 13; xor ecx, edx; mov esi, [rsp]; xor esi, esi; add ecx, esi; hlt */
    check_no_flag_helper(CODE(0xc1, 0xc1, 0x0d, 0x31, 0xd1, 0x8b, 0x34, 0x24,
                              0x31, 0xf6, 0x01, 0xf1, 0xf4),
                         rol13 ^ 0x0f0f0f0f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (getenv("T_LOG")) {
        qemu_set_log(atoi(getenv("T_LOG")));
    }
    g_test_add_func("/x86-translate/basic-alu64", test_basic_alu64);
    g_test_add_func("/x86-translate/operand-sizes64", test_operand_sizes64);
    g_test_add_func("/x86-translate/partial-regs", test_partial_regs);
    g_test_add_func("/x86-translate/rip-relative", test_rip_relative);
    g_test_add_func("/x86-translate/addr-size64", test_addr_size64);
    g_test_add_func("/x86-translate/mode16", test_mode16);
    g_test_add_func("/x86-translate/mode32", test_mode32);
    g_test_add_func("/x86-translate/push-pop64", test_push_pop64);
    g_test_add_func("/x86-translate/cmpxchg8b16b", test_cmpxchg8b16b);
    g_test_add_func("/x86-translate/invalid", test_invalid_encodings);
    g_test_add_func("/x86-translate/lock", test_lock);
    g_test_add_func("/x86-translate/too-long", test_too_long);
    g_test_add_func("/x86-translate/div-fault", test_div_fault);
    g_test_add_func("/x86-translate/flow", test_flow);
    g_test_add_func("/x86-translate/bt-mem", test_bt_mem);
    g_test_add_func("/x86-translate/x87-stub", test_x87_stub);
    g_test_add_func("/x86-translate/single-step", test_single_step);
    g_test_add_func("/x86-translate/moves", test_moves);
    g_test_add_func("/x86-translate/mode16-flow", test_mode16_flow);
    g_test_add_func("/x86-translate/segment-bases32", test_segment_bases32);
    g_test_add_func("/x86-translate/compat-mode", test_compat_mode);
    g_test_add_func("/x86-translate/alignment-check", test_alignment_check);
    g_test_add_func("/x86-translate/random-code", test_random_code);
    g_test_add_func("/x86-translate/lazy-flags-dead", test_lazy_flags_dead);
    g_test_add_func("/x86-translate/lazy-flags-not-computed", test_lazy_flags_not_computed);
    return g_test_run();
}
