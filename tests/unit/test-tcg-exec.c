/*
 * test-tcg-exec.c: unit tests of the TB cache around the toy guest:
 * restoring guest state from host pcs, TB keys that share a pc,
 * unchaining when a chained-to TB is invalidated, tb_flush from inside
 * TB code and when the code buffer fills, cpu_exit before cpu_exec, and
 * the -d exec/in_asm/out_asm log. Every case runs on both backends, each
 * in its own subprocess.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/log.h"
#include "tcg/tcg.h"
#include "toy-isa.h"
#include "accel/tcg/internal.h"

static ToyMachine machine;

static int run(ToyCPU *c)
{
    return cpu_exec(&c->parent);
}

static void reset_regs(ToyCPU *c, uint64_t pc)
{
    memset(c->env.regs, 0, sizeof(c->env.regs));
    c->env.pc = pc;
    c->parent.halted = false;
}

static TranslationBlock *find_tb(ToyCPU *c, uint64_t pc, uint32_t cflags)
{
    return tb_lookup(&c->parent, pc, 0, c->env.mmu_idx, cflags);
}

/* ---- cpu_restore_state ---- */

static void case_restore_state(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x1000);
    const uint64_t prog[] = {
        T_LI(1, 1), T_LI(2, 2), T_ADD(3, 1, 2), T_SUB(4, 3, 1),
        T_LI(6, 0x3000), T_LD(5, 6, 0), T_ADD(5, 5, 3), T_HLT(),
    };
    TranslationBlock *tb;
    uint64_t prev = 0;
    int dummy;

    toy_load(&machine, 0x1000, prog, G_N_ELEMENTS(prog));
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    tb = find_tb(c, 0x1000, curr_cflags(&c->parent));
    g_assert_nonnull(tb);
    g_assert_cmpint(tb->icount, ==, G_N_ELEMENTS(prog));
    g_assert_cmpint(tb->size, ==, 8 * G_N_ELEMENTS(prog));

    /* Every host pc of the TB maps to one of its insns, in order. */
    for (size_t off = 1; off <= tb->tc.size; off++) {
        c->env.pc = -1;
        g_assert_true(cpu_restore_state(&c->parent, (uintptr_t)tb->tc.ptr + off));
        g_assert_cmphex(c->env.pc, >=, 0x1000);
        g_assert_cmphex(c->env.pc, <, 0x1000 + tb->size);
        g_assert_cmphex(c->env.pc % 8, ==, 0);
        g_assert_cmphex(c->env.pc, >=, prev);
        prev = c->env.pc;
    }
    /* The end of each insn's code is that insn. */
    for (unsigned i = 0; i < tb->icount; i++) {
        if (i && tb->insn_end_off[i] == tb->insn_end_off[i - 1]) {
            continue;   /* no code of its own */
        }
        g_assert_true(cpu_restore_state(&c->parent,
                                        (uintptr_t)tb->tc.ptr + tb->insn_end_off[i]));
        g_assert_cmphex(c->env.pc, ==, 0x1000 + 8 * i);
    }
    /* Not generated code: nothing happens. */
    c->env.pc = 0x1234;
    g_assert_false(cpu_restore_state(&c->parent, (uintptr_t)&dummy));
    g_assert_false(cpu_restore_state(&c->parent, 0));
    g_assert_cmphex(c->env.pc, ==, 0x1234);
    toy_cpu_free(c);
}

/* ---- TBs that share a pc ---- */

static void case_tb_keys(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x2000);
    const uint64_t prog[] = { T_LI(1, 1), T_LI(2, 2), T_LI(3, 3), T_HLT() };
    TranslationBlock *tbs[4];
    uint64_t phys = 0x2000;

    toy_load(&machine, 0x2000, prog, G_N_ELEMENTS(prog));
    /* The same pc, three insn limits, and a second MMU index. */
    for (int i = 0; i < 3; i++) {
        tbs[i] = tb_gen_code(&c->parent, 0x2000, 0, 1, i + 1);
        g_assert_cmpint(tbs[i]->icount, ==, i + 1);
    }
    toy_map(c, 0x2000, 0x2000, PAGE_READ | PAGE_EXEC);
    c->env.mmu_idx = 0;
    tbs[3] = tb_gen_code(&c->parent, 0x2000, 0, 0, 1);
    c->env.mmu_idx = 1;

    for (int i = 0; i < 3; i++) {
        g_assert_true(tb_htable_lookup(0x2000, 0, 1, i + 1, phys) == tbs[i]);
    }
    g_assert_true(tb_htable_lookup(0x2000, 0, 0, 1, phys) == tbs[3]);
    g_assert_null(tb_htable_lookup(0x2000, 0, 1, 4, phys));
    g_assert_null(tb_htable_lookup(0x2000, 1, 1, 1, phys));
    g_assert_null(tb_htable_lookup(0x2000, 0, 1, 1, phys + TARGET_PAGE_SIZE));

    /* Invalidating one key leaves the others. */
    tb_phys_invalidate(tbs[1]);
    g_assert_true(tb_cflags(tbs[1]) & CF_INVALID);
    g_assert_null(tb_htable_lookup(0x2000, 0, 1, 2, phys));
    g_assert_true(tb_htable_lookup(0x2000, 0, 1, 1, phys) == tbs[0]);
    g_assert_true(tb_htable_lookup(0x2000, 0, 1, 3, phys) == tbs[2]);

    /* A range that misses the TBs' bytes leaves them; one that hits drops all. */
    tb_invalidate_phys_range(0x2020, 0x2100);
    g_assert_true(tb_htable_lookup(0x2000, 0, 1, 3, phys) == tbs[2]);
    tb_invalidate_phys_range(0x2000, 0x2008);
    g_assert_null(tb_htable_lookup(0x2000, 0, 1, 1, phys));
    g_assert_null(tb_htable_lookup(0x2000, 0, 1, 3, phys));
    g_assert_null(tb_htable_lookup(0x2000, 0, 0, 1, phys));
    g_assert_false(tb_page_has_code(0x2000));
    toy_cpu_free(c);
}

/* ---- unchaining ---- */

static void case_unchain(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x3000);
    const uint64_t a[] = { T_LI(3, 1), T_BNE(3, 0, 0x100) };   /* to 0x3108 */
    const uint64_t b[] = { T_LI(5, 1), T_HLT() };
    TCGStats s0, s1;

    toy_load(&machine, 0x3000, a, G_N_ELEMENTS(a));
    toy_load(&machine, 0x3108, b, G_N_ELEMENTS(b));
    tcg_get_stats(&s0);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    tcg_get_stats(&s1);
    g_assert_cmpuint(c->env.regs[5], ==, 1);
    g_assert_cmpuint(s1.chains - s0.chains, ==, 1);
    g_assert_nonnull(find_tb(c, 0x3000, 0)->jmp_dest[0]);

    /* Through the chain this time: nothing new is linked. */
    reset_regs(c, 0x3000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    tcg_get_stats(&s0);
    g_assert_cmpuint(s0.chains, ==, s1.chains);

    /* New code at B: A must not jump into the stale translation. */
    toy_ram_stq(&machine, 0x3108, T_LI(5, 2));
    tb_invalidate_phys_range(0x3108, 0x3110);
    g_assert_null(find_tb(c, 0x3000, 0)->jmp_dest[0]);
    reset_regs(c, 0x3000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[5], ==, 2);
    toy_cpu_free(c);
}

/* ---- tb_flush ---- */

static void flush_hook(ToyMachine *m, uint64_t addr, uint64_t value)
{
    tb_flush(NULL);
}

static void case_flush_in_tb(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x4000);
    const uint64_t prog[] = {
        T_LI(1, 5),
        T_OUT(1, 3, 0),         /* the device flushes all TBs */
        T_LI(2, 6),
        T_ADD(3, 1, 2),
        T_HLT(),
    };
    TCGStats s0, s1;

    toy_load(&machine, 0x4000, prog, G_N_ELEMENTS(prog));
    machine.io_hook = flush_hook;
    tcg_get_stats(&s0);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    tcg_get_stats(&s1);
    machine.io_hook = NULL;
    g_assert_cmpuint(c->env.regs[3], ==, 11);
    g_assert_cmpuint(machine.io_log->len, ==, 1);
    g_assert_cmpuint(s1.tb_flushes - s0.tb_flushes, ==, 1);
    g_assert_null(find_tb(c, 0x4000, 0));

    /* And from outside: everything is retranslated. */
    reset_regs(c, 0x4000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_nonnull(find_tb(c, 0x4000, 0));
    tb_flush(&c->parent);
    g_assert_null(find_tb(c, 0x4000, 0));
    tcg_get_stats(&s0);
    g_assert_cmpuint(s0.tb_flushes - s1.tb_flushes, ==, 1);
    toy_cpu_free(c);
}

#define BIG_INSNS 8192

static void case_buffer_full(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x10000);
    g_autofree uint64_t *prog = g_new(uint64_t, BIG_INSNS + 8);
    TCGStats s0, s1;
    size_t n = 0;

    prog[n++] = T_LI(3, 1);
    prog[n++] = T_LI(4, 3);
    for (int i = 0; i < BIG_INSNS; i++) {
        prog[n++] = T_ADD(1, 1, 3);
    }
    prog[n++] = T_ADD(2, 2, 3);
    prog[n++] = T_LI(6, 0x10010);
    prog[n++] = T_BNE(2, 4, 16);
    prog[n++] = T_HLT();
    prog[n++] = T_JR(6);
    toy_load(&machine, 0x10000, prog, n);

    /* Small TBs, so that many of them overflow the 256 KiB buffer. */
    c->parent.tcg_cflags = 2;
    tcg_get_stats(&s0);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    tcg_get_stats(&s1);
    g_assert_cmpuint(c->env.regs[1], ==, 3 * BIG_INSNS);
    g_assert_cmpuint(c->env.regs[2], ==, 3);
    g_assert_cmpuint(s1.tb_flushes - s0.tb_flushes, >, 0);
    g_assert_cmpuint(tcg_code_size(), <=, tcg_code_capacity());
    toy_cpu_free(c);
}

/* ---- exit requests, logs ---- */

static void case_exit_first(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x5000);
    const uint64_t prog[] = { T_LI(1, 7), T_HLT() };

    toy_load(&machine, 0x5000, prog, G_N_ELEMENTS(prog));
    cpu_exit(&c->parent);
    g_assert_cmpint(run(c), ==, EXCP_INTERRUPT);
    g_assert_cmpuint(c->env.regs[1], ==, 0);
    g_assert_cmphex(c->env.pc, ==, 0x5000);
    /* The request is consumed. */
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 7);
    toy_cpu_free(c);
}

static void case_log(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x6000);
    const uint64_t prog[] = {
        T_LI(1, 0), T_LI(2, 3), T_LI(3, 1),
        T_ADD(1, 1, 3), T_BNE(1, 2, -8), T_HLT(),
    };
    g_autofree char *dir = g_dir_make_tmp("tcg-exec-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "log", NULL);
    g_autofree char *text = NULL;

    toy_load(&machine, 0x6000, prog, G_N_ELEMENTS(prog));
    g_assert_true(qemu_set_log_filename(path, &error_abort));
    qemu_set_log(CPU_LOG_EXEC | CPU_LOG_TB_IN_ASM | CPU_LOG_TB_OUT_ASM);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    qemu_set_log(0);
    qemu_set_log_filename(NULL, &error_abort);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "----------------\nIN: \n"));
    g_assert_nonnull(strstr(text, "OUT: [size="));
    g_assert_nonnull(strstr(text, "Trace 0: 0x"));
    g_assert_nonnull(strstr(text, "/0000000000006000/00000001/00000000] \n"));
    g_assert_nonnull(strstr(text, "Linking TBs "));
    unlink(path);
    rmdir(dir);
    toy_cpu_free(c);
}

/* ---- TBs over two pages ---- */

static void case_two_pages(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x40ff4);
    const uint64_t handler[] = { T_HLT() };
    uint8_t code[24];
    uint64_t insns[3] = { T_LI(1, 9), T_LI(2, 5), T_HLT() };

    /* LI at 0x40ff4, an LI crossing into 0x41000, HLT at 0x41004. */
    memcpy(code, insns, sizeof(code));
    address_space_write(&machine.as, 0x40ff4, MEMTXATTRS_UNSPECIFIED, code, sizeof(code));
    toy_load(&machine, 0x40800, handler, 1);
    toy_map(c, 0x40000, 0x40000, PAGE_READ | PAGE_EXEC);
    c->env.mmu_idx = 0;
    c->excp_handler = 0x40800;

    /*
     * The second page is not mapped: the first insn still runs, and the
     * fetch fault is raised for the crossing insn, not for the TB's start.
     */
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 9);
    g_assert_cmpuint(c->env.regs[2], ==, 0);
    g_assert_cmpint(c->rec.count, ==, 1);
    g_assert_cmpint(c->rec.excp, ==, TOY_EXCP_PGFAULT);
    g_assert_cmpint(c->rec.fault_type, ==, MMU_INST_FETCH);
    g_assert_cmphex(c->rec.pc, ==, 0x40ffc);
    g_assert_cmphex(c->rec.fault_addr & TARGET_PAGE_MASK, ==, 0x41000);

    /* Mapped: one TB covers both pages and both pages hold code. */
    toy_map(c, 0x41000, 0x41000, PAGE_READ | PAGE_EXEC);
    reset_regs(c, 0x40ff4);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 9);
    g_assert_cmpuint(c->env.regs[2], ==, 5);
    {
        TranslationBlock *tb = find_tb(c, 0x40ff4, 0);

        g_assert_nonnull(tb);
        g_assert_cmpint(tb->icount, ==, 2);
        g_assert_cmphex(tb->page_addr[0], ==, 0x40000);
        g_assert_cmphex(tb->page_addr[1], ==, 0x41000);
        g_assert_true(tb_page_has_code(0x41000));

        /* A write to the second page's part invalidates it. */
        tb_invalidate_phys_range(0x41002, 0x41003);
        g_assert_true(tb_cflags(tb) & CF_INVALID);
        g_assert_null(find_tb(c, 0x40ff4, 0));
    }
    toy_cpu_free(c);
}

/* ---- code that is not in RAM ---- */

static uint64_t code_dev_prog[3];

static uint64_t code_dev_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    for (unsigned k = 0; k < size; k++) {
        if (addr + k < sizeof(code_dev_prog)) {
            v |= (uint64_t)((uint8_t *)code_dev_prog)[addr + k] << (8 * k);
        }
    }
    return v;
}

static void code_dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
}

static const MemoryRegionOps code_dev_ops = {
    .read = code_dev_read, .write = code_dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static void case_mmio_code(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x20000000);
    MemoryRegion dev;
    TCGStats s0, s1;
    void *host = (void *)1;

    code_dev_prog[0] = T_LI(1, 42);
    code_dev_prog[1] = T_LI(2, 43);
    code_dev_prog[2] = T_HLT();
    memory_region_init_io(&dev, NULL, &code_dev_ops, NULL, "code-dev", 0x1000);
    memory_region_add_subregion(&machine.root, 0x20000000, &dev);

    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 42);
    g_assert_cmpuint(c->env.regs[2], ==, 43);
    g_assert_cmphex(get_page_addr_code_hostp(&c->env, 0x20000000, &host), ==, (uint64_t)-1);
    g_assert_null(host);
    g_assert_cmphex(get_page_addr_code_hostp(&c->env, 0x1008, &host), ==, 0x1008);
    g_assert_true(host == machine.ram_ptr + 0x1008);

    /* Nothing is cached: the device's code may change under us. */
    code_dev_prog[1] = T_LI(2, 44);
    reset_regs(c, 0x20000000);
    tcg_get_stats(&s0);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    tcg_get_stats(&s1);
    g_assert_cmpuint(c->env.regs[2], ==, 44);
    g_assert_cmpuint(s1.tbs_translated - s0.tbs_translated, >=, 3);
    g_assert_cmpuint(s1.chains - s0.chains, ==, 0);

    memory_region_del_subregion(&machine.root, &dev);
    toy_cpu_free(c);
    memory_region_destroy(&dev);
}

/* ---- registration ---- */

typedef struct ExecCase {
    const char *name;
    void (*fn)(void);
    size_t tb_size;
} ExecCase;

static const ExecCase cases[] = {
    { "restore-state", case_restore_state, 0 },
    { "tb-keys", case_tb_keys, 0 },
    { "unchain", case_unchain, 0 },
    { "flush-in-tb", case_flush_in_tb, 0 },
    { "buffer-full", case_buffer_full, 256 * KiB },
    { "exit-first", case_exit_first, 0 },
    { "log", case_log, 0 },
    { "two-pages", case_two_pages, 0 },
    { "mmio-code", case_mmio_code, 0 },
};

typedef struct ExecRun {
    const TCGBackend *backend;
    const ExecCase *ec;
} ExecRun;

static void run_case(gconstpointer data)
{
    const ExecRun *r = data;

    if (g_test_subprocess()) {
        g_assert_true(tcg_exec_init(r->ec->tb_size, r->backend, &error_abort));
        toy_machine_init(&machine);
        r->ec->fn();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

/*
 * Without an explicit backend the build's default runs guest code: TCI
 * when configured with --enable-tcg-interpreter, else the code generator.
 */
static void default_backend_child(void)
{
    g_assert_true(tcg_exec_init(0, NULL, &error_abort));
    g_assert_cmpstr(tcg_exec_backend->name, ==,
                    CONFIG_TCG_INTERPRETER ? "tci" : "x86_64");
}

static void test_default_backend(void)
{
    if (g_test_subprocess()) {
        default_backend_child();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
    const TCGBackend *backends[] = { &tcg_backend_x86_64, &tcg_backend_tci };

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcg-exec/default-backend", test_default_backend);
    for (size_t b = 0; b < G_N_ELEMENTS(backends); b++) {
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
            ExecRun *r = g_new(ExecRun, 1);
            g_autofree char *path = g_strdup_printf("/tcg-exec/%s/%s", backends[b]->name,
                                                    cases[i].name);

            r->backend = backends[b];
            r->ec = &cases[i];
            g_test_add_data_func_full(path, r, run_case, g_free);
        }
    }
    return g_test_run();
}
