/*
 * test-tcg-region.c: unit tests for tcg/region.c, the TCG code buffer:
 * the read-write and read-execute views of one memfd (and that neither is
 * writable and executable), filling the buffer, reset keeping the
 * prologue, the size asked by the caller, and the x86-64 prologue being
 * re-emitted into a re-created buffer.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"

/* Permissions ("r-xs"...) of the mapping holding p, from /proc/self/maps. */
static bool region_test_perms(const void *p, char perms[5])
{
    g_autofree char *maps = NULL;
    g_auto(GStrv) lines = NULL;
    uintptr_t a = (uintptr_t)p;

    if (!g_file_get_contents("/proc/self/maps", &maps, NULL, NULL)) {
        return false;
    }
    lines = g_strsplit(maps, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        unsigned long lo, hi;
        char pr[5];
        if (sscanf(lines[i], "%lx-%lx %4s", &lo, &hi, pr) == 3 && a >= lo && a < hi) {
            memcpy(perms, pr, 5);
            return true;
        }
    }
    return false;
}

static TCGContext *region_test_ctx(void)
{
    static TCGContext *s;

    if (!s) {
        s = g_new0(TCGContext, 1);
    }
    return s;
}

static bool region_test_is_split(TCGContext *s)
{
    return (const void *)s->code_buf != tcg_splitwx_to_rx(s->code_buf);
}

static void test_region_views(void)
{
    TCGContext *s = region_test_ctx();
    char rw_perms[5], rx_perms[5];
    const uint8_t *rx;
    uint8_t *rw;

    g_assert_true(tcg_region_init(2 * MiB, &error_abort));
    g_assert_true(tcg_region_alloc(s));
    rw = s->code_buf;
    rx = tcg_splitwx_to_rx(rw);
    if (!region_test_is_split(s)) {
        g_test_skip("memfd double mapping unavailable on this host");
        return;
    }
    /* Writes through rw show through rx: the same pages. */
    for (int i = 0; i < 256; i++) {
        rw[i] = (uint8_t)(i * 13 + 1);
    }
    for (int i = 0; i < 256; i++) {
        g_assert_cmpint(rx[i], ==, (uint8_t)(i * 13 + 1));
    }
    g_assert_true(tcg_splitwx_to_rw(rx) == rw);
    g_assert_true(in_code_gen_buffer(rx));
    g_assert_false(in_code_gen_buffer(rw));
    g_assert_true(in_code_gen_buffer(rx + tcg_code_capacity() - 1));
    g_assert_false(in_code_gen_buffer(rx + tcg_code_capacity()));

    /* No page is writable and executable. */
    g_assert_true(region_test_perms(rw, rw_perms));
    g_assert_true(region_test_perms(rx, rx_perms));
    g_assert_cmpint(rw_perms[0], ==, 'r');
    g_assert_cmpint(rw_perms[1], ==, 'w');
    g_assert_cmpint(rw_perms[2], ==, '-');
    g_assert_cmpint(rx_perms[0], ==, 'r');
    g_assert_cmpint(rx_perms[1], ==, '-');
    g_assert_cmpint(rx_perms[2], ==, 'x');
}

static void test_region_exec(void)
{
    TCGContext *s = region_test_ctx();
    /* mov eax, 0x2a; ret */
    static const uint8_t code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };
    int (*fn)(void);

    g_assert_true(tcg_region_init(1 * MiB, &error_abort));
    g_assert_true(tcg_region_alloc(s));
    memcpy(s->code_buf, code, sizeof(code));
    tcg_region_commit(s, sizeof(code));
    fn = (int (*)(void))tcg_splitwx_to_rx(s->code_buf);
    g_assert_cmpint(fn(), ==, 42);
}

static void test_region_size(void)
{
    g_assert_true(tcg_region_init(8 * MiB, &error_abort));
    g_assert_cmpuint(tcg_code_capacity(), ==, 8 * MiB);
    g_assert_true(tcg_region_init(3 * MiB, &error_abort));
    g_assert_cmpuint(tcg_code_capacity(), ==, 3 * MiB);
    /* 0 asks for the default, 32 MiB. */
    g_assert_true(tcg_region_init(0, &error_abort));
    g_assert_cmpuint(tcg_code_capacity(), ==, 32 * MiB);
}

static void test_region_fill_and_reset(void)
{
    TCGContext *s = region_test_ctx();
    const size_t tb = 10000;
    size_t base, n = 0;
    void *first, *prev_end = NULL;
    const uint8_t *prologue_rx;

    g_assert_true(tcg_region_init(1 * MiB, &error_abort));
    base = tcg_code_size();

    /* A fake prologue, kept across resets. */
    g_assert_true(tcg_region_alloc(s));
    memset(s->code_buf, 0xc3, 100);
    prologue_rx = tcg_splitwx_to_rx(s->code_buf);
    tcg_region_commit(s, 100);
    tcg_region_keep_prologue();
    g_assert_cmpuint(tcg_code_size(), ==, base + 100);

    g_assert_true(tcg_region_alloc(s));
    first = s->code_buf;
    g_assert_true((char *)first >= (char *)tcg_splitwx_to_rw(prologue_rx) + 100);
    while (tcg_region_alloc(s)) {
        /* TBs are 64-byte aligned and follow each other. */
        g_assert_cmpuint((uintptr_t)s->code_buf % 64, ==, 0);
        if (prev_end) {
            g_assert_true((char *)s->code_buf >= (char *)prev_end);
            g_assert_true((char *)s->code_buf < (char *)prev_end + 64);
        }
        /* The highwater is inside the buffer, with room for an overrun. */
        g_assert_true((char *)s->code_gen_highwater > (char *)s->code_buf);
        g_assert_true(in_code_gen_buffer(tcg_splitwx_to_rx(s->code_gen_highwater)));
        memset(s->code_buf, 0xcc, tb);
        tcg_region_commit(s, tb);
        prev_end = (char *)s->code_buf + tb;
        n++;
        g_assert_cmpuint(n, <, 1000);
    }
    /* Most of the buffer was handed out before it reported full. */
    g_assert_cmpuint(n * tb, >, tcg_code_capacity() / 2);
    g_assert_cmpuint(tcg_code_size(), <=, tcg_code_capacity());

    tcg_region_reset_all();
    g_assert_cmpuint(tcg_code_size(), ==, base + 100);
    g_assert_true(tcg_region_alloc(s));
    g_assert_true(s->code_buf == first);
    for (int i = 0; i < 100; i++) {
        g_assert_cmpint(prologue_rx[i], ==, 0xc3);
    }
}

/* The x86-64 backend: a TB runs, and again after the buffer is re-created. */
static void test_region_backend_prologue(void)
{
    TCGContext *s = g_new0(TCGContext, 1);
    struct {
        CPUNegativeOffsetState neg;
        uint64_t regs[2];
    } *cpu = g_malloc0(sizeof(*cpu));
    TranslationBlock tb = { 0 };
    TCGv_i64 r0;
    int size;

    g_assert_true(tcg_region_init(1 * MiB, &error_abort));
    tcg_context_init(s, &tcg_backend_x86_64);
    r0 = tcg_global_mem_new_i64(tcg_env, 0, "r0");
    g_assert_true(in_code_gen_buffer(tcg_code_gen_epilogue));
    g_assert_cmpuint(tcg_code_size(), >, 0);

    for (int round = 0; round < 2; round++) {
        tcg_func_start(s);
        tcg_gen_addi_i64(r0, r0, 7);
        tcg_gen_exit_tb(NULL, 0);
        g_assert_true(tcg_region_alloc(s));
        size = tcg_gen_code(s, &tb);
        g_assert_cmpint(size, >, 0);
        tcg_region_commit(s, size);
        cpu->regs[0] = 35;
        g_assert_cmpuint(s->backend->exec(cpu->regs, tb.tc.ptr), ==, 0);
        g_assert_cmpuint(cpu->regs[0], ==, 42);
        g_assert_true(in_code_gen_buffer(tb.tc.ptr));

        /* A new buffer gets the prologue again before any TB. */
        g_assert_true(tcg_region_init(2 * MiB, &error_abort));
        g_assert_cmpuint(tcg_code_size(), >, 0);
        g_assert_true(in_code_gen_buffer(tcg_code_gen_epilogue));
    }
    g_free(cpu);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcg/region/views", test_region_views);
    g_test_add_func("/tcg/region/exec", test_region_exec);
    g_test_add_func("/tcg/region/size", test_region_size);
    g_test_add_func("/tcg/region/fill-and-reset", test_region_fill_and_reset);
    g_test_add_func("/tcg/region/backend-prologue", test_region_backend_prologue);
    return g_test_run();
}
