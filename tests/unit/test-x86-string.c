/*
 * test-x86-string.c: the x86 string instructions and port I/O under TCG
 * (target/i386/tcg/translate-string.c): REP MOVS/STOS/LODS/CMPS/SCAS in
 * both directions and all three address sizes, counts of zero, overlap,
 * segment overrides, a page fault in the middle of REP MOVS and its
 * resumption, REPE/REPNE stop conditions, IN/OUT/INS/OUTS and the I/O
 * permission check. Each case runs a few instruction bytes on a fresh
 * vCPU and checks registers and memory.
 */
#include "qemu/osdep.h"
#include "test-x86-sysinsn-common.h"

#define D1 (XT_DATA)
#define D2 (XT_DATA + 0x1000)

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

static void fill_pattern(XTMachine *m, uint64_t addr, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) {
        m->ram_ptr[addr + i] = (uint8_t)(seed + i * 7);
    }
}

static bool flag_set(XTMachine *m, uint64_t flag)
{
    return cpu_compute_eflags(m->env) & flag;
}

/* REP MOVSB forward in 64-bit mode. */
static void test_movsb_forward64(void)
{
    static const uint8_t code[] = { 0xf3, 0xa4, 0xf4 };   /* rep movsb; hlt */
    XTMachine *m = xt_new(64);

    fill_pattern(m, D1, 300, 1);
    m->env->regs[R_ESI] = D1;
    m->env->regs[R_EDI] = D2;
    m->env->regs[R_ECX] = 300;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(m->env->eip, ==, XT_CODE + 3);
    g_assert_cmpint(memcmp(m->ram_ptr + D1, m->ram_ptr + D2, 300), ==, 0);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 + 300);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D2 + 300);
    xt_free(m);
}

/* STD; REP MOVSD; CLD in 32-bit mode: copies downwards. */
static void test_movsd_backward32(void)
{
    static const uint8_t code[] = { 0xfd, 0xf3, 0xa5, 0xfc, 0xf4 };
    XTMachine *m = xt_new(32);
    const int n = 16;

    fill_pattern(m, D1, 4 * n, 9);
    m->env->regs[R_ESI] = D1 + 4 * (n - 1);
    m->env->regs[R_EDI] = D2 + 4 * (n - 1);
    m->env->regs[R_ECX] = n;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(memcmp(m->ram_ptr + D1, m->ram_ptr + D2, 4 * n), ==, 0);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 - 4);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D2 - 4);
    /* Nothing below the destination was touched. */
    g_assert_cmphex(xt_rl(m, D2 - 4), ==, 0);
    xt_free(m);
}

/* 16-bit addressing: DI and CX wrap at 64 KiB and keep their upper halves. */
static void test_stosw_wrap16(void)
{
    static const uint8_t code[] = { 0xf3, 0xab, 0xf4 };   /* rep stosw; hlt (o16) */
    XTMachine *m = xt_new(16);

    m->env->regs[R_EAX] = 0xbeef;
    m->env->regs[R_EDI] = 0x1234fffe;
    m->env->regs[R_ECX] = 0xaaaa0002;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(xt_rw(m, 0xfffe), ==, 0xbeef);
    g_assert_cmphex(xt_rw(m, 0x0000), ==, 0xbeef);
    g_assert_cmphex(xt_rw(m, 0x10000), ==, 0);
    g_assert_cmphex(m->env->regs[R_EDI], ==, 0x12340002);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0xaaaa0000);
    xt_free(m);
}

/* A count of zero touches no memory: an unmapped source does not fault. */
static void test_count_zero(void)
{
    static const uint8_t code[] = { 0xf3, 0xa4, 0xf4 };
    XTMachine *m = xt_new(64);

    m->env->regs[R_ESI] = 0x80000000;   /* beyond the 1 GiB identity map */
    m->env->regs[R_EDI] = D2;
    m->env->regs[R_ECX] = 0;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(m->env->eip, ==, XT_CODE + 3);
    g_assert_cmphex(m->env->regs[R_ESI], ==, 0x80000000);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D2);
    xt_free(m);
}

/* One element: count 1 copies exactly one element. */
static void test_count_one(void)
{
    static const uint8_t code[] = { 0xf3, 0x48, 0xa5, 0xf4 };   /* rep movsq */
    XTMachine *m = xt_new(64);

    xt_wq(m, D1, 0x1122334455667788ull);
    xt_wq(m, D1 + 8, 0x99);
    m->env->regs[R_ESI] = D1;
    m->env->regs[R_EDI] = D2;
    m->env->regs[R_ECX] = 1;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(xt_rq(m, D2), ==, 0x1122334455667788ull);
    g_assert_cmphex(xt_rq(m, D2 + 8), ==, 0);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 + 8);
    xt_free(m);
}

/* A large count: 64 Ki iterations of REP STOSQ, one element per pass. */
static void test_stosq_large(void)
{
    static const uint8_t code[] = { 0xf3, 0x48, 0xab, 0xf4 };
    XTMachine *m = xt_new(64);
    const uint64_t dst = 0x200000, n = 0x10000;

    m->env->regs[R_EAX] = 0x0123456789abcdefull;
    m->env->regs[R_EDI] = dst;
    m->env->regs[R_ECX] = n;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0);
    g_assert_cmphex(m->env->regs[R_EDI], ==, dst + 8 * n);
    g_assert_cmphex(xt_rq(m, dst), ==, 0x0123456789abcdefull);
    g_assert_cmphex(xt_rq(m, dst + 8 * n - 8), ==, 0x0123456789abcdefull);
    g_assert_cmphex(xt_rq(m, dst + 8 * n), ==, 0);
    xt_free(m);
}

/* Overlap: a forward copy to src + 1 replicates the first byte, element by element. */
static void test_movsb_overlap(void)
{
    static const uint8_t code[] = { 0xf3, 0xa4, 0xf4 };
    XTMachine *m = xt_new(64);

    xt_write(m, D1, "ABCDEFGH", 8);
    m->env->regs[R_ESI] = D1;
    m->env->regs[R_EDI] = D1 + 1;
    m->env->regs[R_ECX] = 7;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpmem(m->ram_ptr + D1, 8, "AAAAAAAA", 8);
    xt_free(m);
}

/* REPE CMPSB stops at the first difference with ZF clear. */
static void test_repe_cmpsb(void)
{
    static const uint8_t code[] = { 0xf3, 0xa6, 0xf4 };
    XTMachine *m = xt_new(64);

    xt_write(m, D1, "abcdeXghij", 10);
    xt_write(m, D2, "abcdeYghij", 10);
    m->env->regs[R_ESI] = D1;
    m->env->regs[R_EDI] = D2;
    m->env->regs[R_ECX] = 10;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 4);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 + 6);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D2 + 6);
    g_assert_false(flag_set(m, CC_Z));
    /* 'X' < 'Y': CF set, as for CMP. */
    g_assert_true(flag_set(m, CC_C));
    xt_free(m);
}

/* REPNE SCASB: found (ZF set, count left) and not found (count 0, ZF clear). */
static void test_repne_scasb(void)
{
    static const uint8_t code[] = { 0xf2, 0xae, 0xf4 };
    XTMachine *m = xt_new(64);

    xt_write(m, D1, "hello\0world", 12);
    m->env->regs[R_EAX] = 0;
    m->env->regs[R_EDI] = D1;
    m->env->regs[R_ECX] = 100;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 94);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D1 + 6);
    g_assert_true(flag_set(m, CC_Z));

    m->env->regs[R_EAX] = 'z';
    m->env->regs[R_EDI] = D1;
    m->env->regs[R_ECX] = 5;
    m->env->eip = XT_CODE;
    xt_run(m);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D1 + 5);
    g_assert_false(flag_set(m, CC_Z));

    /* REPE SCASB over equal bytes runs out with ZF set. */
    {
        static const uint8_t repe[] = { 0xf3, 0xae, 0xf4 };

        xt_write(m, D2, "aaaa", 4);
        m->env->regs[R_EAX] = 'a';
        m->env->regs[R_EDI] = D2;
        m->env->regs[R_ECX] = 4;
        xt_code(m, repe, sizeof(repe));
        xt_run(m);
        g_assert_cmphex(m->env->regs[R_ECX], ==, 0);
        g_assert_true(flag_set(m, CC_Z));
    }
    xt_free(m);
}

/* LODSQ with DF set walks down; LODSB writes AL only. */
static void test_lods(void)
{
    static const uint8_t code[] = { 0xfd, 0x48, 0xad, 0x48, 0xad, 0xfc, 0xac, 0xf4 };
    XTMachine *m = xt_new(64);

    xt_wq(m, D1, 0x1111111111111111ull);
    xt_wq(m, D1 + 8, 0x2222222222222222ull);
    xt_write(m, D1 - 8, "\x5a", 1);
    m->env->regs[R_ESI] = D1 + 8;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    /* Two LODSQ down (RSI = D1 - 8), then LODSB up from there. */
    g_assert_cmphex(m->env->regs[R_EAX], ==, 0x111111111111115aull);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 - 7);
    xt_free(m);
}

/* 67 in 64-bit mode: ESI/EDI/ECX, results zero-extended into RSI/RDI/RCX. */
static void test_addr32_in_64(void)
{
    static const uint8_t code[] = { 0x67, 0xf3, 0xa4, 0xf4 };
    XTMachine *m = xt_new(64);

    xt_write(m, D1, "xyz", 3);
    m->env->regs[R_ESI] = 0x100000000ull + D1;
    m->env->regs[R_EDI] = 0xffffffff00000000ull + D2;
    m->env->regs[R_ECX] = 0xffffffff00000003ull;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmpmem(m->ram_ptr + D2, 3, "xyz", 3);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 + 3);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D2 + 3);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0);
    xt_free(m);
}

/* A segment override applies to the source; the destination stays ES. */
static void test_segment_override32(void)
{
    static const uint8_t code[] = { 0x64, 0xf3, 0xa4, 0xf4 };   /* fs rep movsb */
    XTMachine *m = xt_new(32);
    SegmentCache *fs = &m->env->segs[R_FS];

    xt_write(m, D1, "seg!", 4);
    cpu_x86_load_seg_cache(m->env, R_FS, 0x10, 0x2000, fs->limit, fs->flags);
    m->env->regs[R_ESI] = D1 - 0x2000;
    m->env->regs[R_EDI] = D2;
    m->env->regs[R_ECX] = 4;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpmem(m->ram_ptr + D2, 4, "seg!", 4);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 - 0x2000 + 4);
    xt_free(m);
}

/*
 * A page fault in the middle of REP MOVSB: CR2 names the missing page,
 * RCX/RSI/RDI describe the remaining work, and once the page is mapped
 * the handler's IRETQ resumes the copy to the end.
 */
static void test_movs_page_fault(void)
{
    static const uint8_t code[] = { 0xf3, 0xa4, 0xf4 };
    XTMachine *m = xt_new(64);
    const uint64_t hole = 0x201000, dst = 0x200f00;

    /* 2-4 MiB through a 4 KiB page table, with one page missing. */
    for (int i = 0; i < 512; i++) {
        uint64_t pa = 0x200000 + 0x1000ull * i;

        xt_wq(m, XT_PT4K + 8 * i, pa == hole ? 0 : (pa | 7));
    }
    xt_wq(m, XT_PT + 0x2000 + 8, XT_PT4K | 7);
    tlb_flush(&m->cpu->parent);

    fill_pattern(m, D1, 0x200, 3);
    m->env->regs[R_ESI] = D1;
    m->env->regs[R_EDI] = dst;
    m->env->regs[R_ECX] = 0x200;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 14);
    g_assert_cmphex(m->env->cr[2], ==, hole);
    g_assert_cmphex(xt_frame_error(m), ==, PG_ERROR_W_MASK);
    g_assert_cmphex(xt_frame_rip(m, 14), ==, XT_CODE);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0x100);
    g_assert_cmphex(m->env->regs[R_ESI], ==, D1 + 0x100);
    g_assert_cmphex(m->env->regs[R_EDI], ==, hole);
    g_assert_cmpint(memcmp(m->ram_ptr + D1, m->ram_ptr + dst, 0x100), ==, 0);

    xt_wq(m, XT_PT4K + 8 * ((hole - 0x200000) >> 12), hole | 7);
    tlb_flush(&m->cpu->parent);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, -1);
    g_assert_cmphex(m->env->eip, ==, XT_CODE + 3);
    g_assert_cmphex(m->env->regs[R_ECX], ==, 0);
    g_assert_cmphex(m->env->regs[R_EDI], ==, dst + 0x200);
    g_assert_cmpint(memcmp(m->ram_ptr + D1, m->ram_ptr + dst, 0x200), ==, 0);
    xt_free(m);
}

/* IN/OUT with immediate and DX ports, REP INSB, REP OUTSW. */
static void test_port_io(void)
{
    static const uint8_t code[] = {
        0xe4, 0x80,             /* in al, 0x80 */
        0x88, 0xc3,             /* mov bl, al */
        0x66, 0xed,             /* in ax, dx */
        0x66, 0x89, 0xc1,       /* mov cx, ax */
        0xb8, 0x34, 0x12, 0, 0, /* mov eax, 0x1234 */
        0x66, 0xef,             /* out dx, ax */
        0xe6, 0x42,             /* out 0x42, al */
        0xf4,
    };
    static const uint8_t strings[] = {
        0xf3, 0x6c,             /* rep insb */
        0x48, 0x89, 0xc1,       /* mov rcx, rax */
        0x66, 0xf3, 0x6f,       /* rep outsw */
        0xf4,
    };
    XTMachine *m = xt_new(64);

    m->env->regs[R_EDX] = 0x3f8;
    xt_code(m, code, sizeof(code));
    xt_run(m);
    g_assert_cmphex(m->env->regs[R_EBX] & 0xff, ==, 0x81);
    g_assert_cmphex(m->env->regs[R_ECX] & 0xffff, ==, 0xfaf9);
    g_assert_cmpstr(m->io_log->str, ==, "w 3f8=1234/2;w 42=34/1;");

    g_string_truncate(m->io_log, 0);
    xt_write(m, D2, "\x01\x02\x03\x04", 4);
    m->env->regs[R_EDX] = 0x41;
    m->env->regs[R_EDI] = D1;
    m->env->regs[R_ESI] = D2;
    m->env->regs[R_ECX] = 3;
    m->env->regs[R_EAX] = 2;
    xt_code(m, strings, sizeof(strings));
    xt_run(m);
    g_assert_cmpmem(m->ram_ptr + D1, 4, "\x42\x42\x42\x00", 4);
    g_assert_cmphex(m->env->regs[R_EDI], ==, D1 + 3);
    g_assert_cmpstr(m->io_log->str, ==, "w 41=201/2;w 41=403/2;");
    g_assert_cmphex(m->env->regs[R_ESI], ==, D2 + 4);
    xt_free(m);
}

/* Ring 3 with IOPL 0 and no I/O bitmap: IN and REP OUTSB raise #GP(0). */
static void test_port_io_denied(void)
{
    static const uint8_t code_in[] = { 0xe4, 0x80, 0xf4 };
    static const uint8_t code_outs[] = { 0xf3, 0x6e, 0xf4 };
    XTMachine *m = xt_new(64);
    uint16_t iomap = 0x68;      /* beyond the TSS limit: every port denied */

    xt_write(m, XT_TSS + 0x66, &iomap, 2);
    xt_write(m, XT_CODE, code_in, sizeof(code_in));
    xt_write(m, XT_CODE + 0x10, code_outs, sizeof(code_outs));
    xt_enter_ring3(m, XT_CODE);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 13);
    g_assert_cmphex(xt_frame_error(m), ==, 0);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE);

    m->env->regs[R_ECX] = 2;
    m->env->regs[R_ESI] = D1;
    xt_enter_ring3(m, XT_CODE + 0x10);
    xt_run(m);
    g_assert_cmpint(xt_vector(m), ==, 13);
    g_assert_cmphex(xt_frame_rip(m, 13), ==, XT_CODE + 0x10);
    g_assert_cmpstr(m->io_log->str, ==, "");
    g_assert_cmphex(m->env->regs[R_ECX], ==, 2);
    xt_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-string/movsb-forward64", test_movsb_forward64);
    g_test_add_func("/x86-string/movsd-backward32", test_movsd_backward32);
    g_test_add_func("/x86-string/stosw-wrap16", test_stosw_wrap16);
    g_test_add_func("/x86-string/count-zero", test_count_zero);
    g_test_add_func("/x86-string/count-one", test_count_one);
    g_test_add_func("/x86-string/stosq-large", test_stosq_large);
    g_test_add_func("/x86-string/movsb-overlap", test_movsb_overlap);
    g_test_add_func("/x86-string/repe-cmpsb", test_repe_cmpsb);
    g_test_add_func("/x86-string/repne-scasb", test_repne_scasb);
    g_test_add_func("/x86-string/lods", test_lods);
    g_test_add_func("/x86-string/addr32-in-64", test_addr32_in_64);
    g_test_add_func("/x86-string/segment-override32", test_segment_override32);
    g_test_add_func("/x86-string/movs-page-fault", test_movs_page_fault);
    g_test_add_func("/x86-string/port-io", test_port_io);
    g_test_add_func("/x86-string/port-io-denied", test_port_io_denied);
    return g_test_run();
}
