/*
 * test-tcg-toy.c: end-to-end tests of the TCG execution engine with the
 * toy guest (toy-isa.h): loops and chaining, self-modifying code, precise
 * exceptions, the softmmu TLB, goto_ptr, MMIO, cpu_exit/cpu_interrupt
 * from another thread, round-robin. Every case runs once per backend
 * (x86_64 and TCI), each in its own subprocess since tcg_exec_init is
 * once per process.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg.h"
#include "toy-isa.h"

static ToyMachine machine;

static void toy_setup(const TCGBackend *backend)
{
    g_assert_true(tcg_exec_init(0, backend, &error_abort));
    toy_machine_init(&machine);
}

static void stats(TCGStats *st)
{
    tcg_get_stats(st);
}

/* Run until the vCPU stops for another reason than an exit request. */
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

/* ---- (1) a loop: results, chaining, and the same without chaining ---- */

#define LOOP_N 1000

static void load_sum_loop(uint64_t base)
{
    const uint64_t prog[] = {
        T_LI(1, 0), T_LI(2, LOOP_N), T_LI(3, 1), T_LI(4, 0),
        /* base + 0x20: */
        T_ADD(1, 1, 3),
        T_ADD(4, 4, 1),
        T_BNE(1, 2, -16),
        T_HLT(),
    };

    toy_load(&machine, base, prog, G_N_ELEMENTS(prog));
}

static void case_loop(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x1000);
    TCGStats a, b;

    load_sum_loop(0x1000);
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    g_assert_cmpuint(c->env.regs[1], ==, LOOP_N);
    g_assert_cmpuint(c->env.regs[4], ==, (uint64_t)LOOP_N * (LOOP_N + 1) / 2);
    g_assert_cmpuint(c->env.pc, ==, 0x1040);      /* after the HLT */
    g_assert_cmpuint(b.chains - a.chains, >, 0);
    /* The loop body is translated once, not once per iteration. */
    g_assert_cmpuint(b.tbs_translated - a.tbs_translated, <=, 4);

    /* -d nochain: same result, no chaining at all. */
    qemu_set_log(CPU_LOG_TB_NOCHAIN);
    reset_regs(c, 0x1000);
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    qemu_set_log(0);
    g_assert_cmpuint(c->env.regs[1], ==, LOOP_N);
    g_assert_cmpuint(c->env.regs[4], ==, (uint64_t)LOOP_N * (LOOP_N + 1) / 2);
    g_assert_cmpuint(b.chains - a.chains, ==, 0);
    g_assert_cmpuint(b.tbs_translated - a.tbs_translated, <=, 4);

    /* The per-vCPU cflags say the same. */
    c->parent.tcg_cflags = CF_NO_GOTO_TB;
    reset_regs(c, 0x1000);
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    g_assert_cmpuint(c->env.regs[4], ==, (uint64_t)LOOP_N * (LOOP_N + 1) / 2);
    g_assert_cmpuint(b.chains - a.chains, ==, 0);
    toy_cpu_free(c);
}

/* ---- (2) self-modifying code ---- */

static void case_smc_other_tb(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x2000);
    const uint64_t first[] = { T_LI(5, 11), T_HLT() };
    const uint64_t second[] = {
        T_LI(6, 0x3000),
        T_LD(7, 6, 0),          /* the new insn */
        T_LI(6, 0x2000),
        T_ST(7, 6, 0),          /* over the LI at 0x2000 */
        T_LI(1, 0x2000),
        T_JR(1),
    };
    TCGStats a, b;

    toy_load(&machine, 0x2000, first, G_N_ELEMENTS(first));
    toy_load(&machine, 0x2100, second, G_N_ELEMENTS(second));
    toy_ram_stq(&machine, 0x3000, T_LI(5, 77));

    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[5], ==, 11);

    reset_regs(c, 0x2100);
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    g_assert_cmpuint(c->env.regs[5], ==, 77);
    g_assert_cmpuint(b.tbs_invalidated - a.tbs_invalidated, >, 0);
    g_assert_cmpuint(toy_ram_ldq(&machine, 0x2000), ==, T_LI(5, 77));
    toy_cpu_free(c);
}

static void case_smc_current_tb(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x4000);
    const uint64_t prog[] = {
        T_LI(6, 0x3000),
        T_LD(7, 6, 0),
        T_LI(6, 0x4000),
        T_ST(7, 6, 0x28),       /* 0x4018: over the insn at 0x4028 */
        T_LI(5, 11),
        T_LI(5, 22),            /* 0x4028 */
        T_LI(4, 5),
        T_HLT(),
    };
    TCGStats a, b;

    toy_load(&machine, 0x4000, prog, G_N_ELEMENTS(prog));
    toy_ram_stq(&machine, 0x3000, T_LI(5, 77));
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    /* The store's TB ran to its end with the new code after the store. */
    g_assert_cmpuint(c->env.regs[5], ==, 77);
    g_assert_cmpuint(c->env.regs[4], ==, 5);
    g_assert_cmpuint(b.tbs_invalidated - a.tbs_invalidated, >, 0);

    /* Run again: the modified code is now translated as such. */
    reset_regs(c, 0x4000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[5], ==, 77);
    toy_cpu_free(c);
}

/* ---- (3) precise exceptions ---- */

static void case_div_zero(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x5000);
    const uint64_t prog[] = {
        T_LI(1, 10), T_LI(2, 0), T_LI(3, 7),
        T_DIV(4, 1, 2),         /* 0x5018 */
        T_LI(3, 99),
        T_HLT(),
    };
    const uint64_t handler[] = { T_HLT() };

    toy_load(&machine, 0x5000, prog, G_N_ELEMENTS(prog));
    toy_load(&machine, 0x5800, handler, 1);
    c->excp_handler = 0x5800;
    c->env.regs[4] = 1234;
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpint(c->rec.count, ==, 1);
    g_assert_cmpint(c->rec.excp, ==, TOY_EXCP_DIV);
    g_assert_cmphex(c->rec.pc, ==, 0x5018);
    g_assert_cmpuint(c->env.regs[1], ==, 10);
    g_assert_cmpuint(c->env.regs[3], ==, 7);
    g_assert_cmpuint(c->env.regs[4], ==, 1234);
    g_assert_cmphex(c->env.pc, ==, 0x5808);

    /* A good divisor goes through (and the same TB now runs to the end). */
    reset_regs(c, 0x5000);
    toy_ram_stq(&machine, 0x5008, T_LI(2, 3));
    tb_invalidate_phys_range(0x5008, 0x5010);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[4], ==, 3);
    g_assert_cmpuint(c->env.regs[3], ==, 99);
    g_assert_cmpint(c->rec.count, ==, 1);
    toy_cpu_free(c);
}

static void case_page_fault(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x10000);
    const uint64_t prog[] = {
        T_LI(1, 3), T_LI(2, 0x20000), T_LI(3, 5),
        T_LD(4, 2, 0x18),       /* v 0x10018 */
        T_LI(3, 99),
        T_HLT(),
    };
    const uint64_t handler[] = { T_HLT() };

    toy_load(&machine, 0x6000, prog, G_N_ELEMENTS(prog));
    toy_load(&machine, 0x6800, handler, 1);
    toy_map(c, 0x10000, 0x6000, PAGE_READ | PAGE_EXEC);
    c->env.mmu_idx = 0;
    c->excp_handler = 0x10800;
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpint(c->rec.count, ==, 1);
    g_assert_cmpint(c->rec.excp, ==, TOY_EXCP_PGFAULT);
    g_assert_cmphex(c->rec.pc, ==, 0x10018);
    g_assert_cmphex(c->rec.fault_addr, ==, 0x20018);
    g_assert_cmpint(c->rec.fault_type, ==, MMU_DATA_LOAD);
    g_assert_cmpuint(c->env.regs[3], ==, 5);
    g_assert_cmpuint(c->env.regs[4], ==, 0);

    /* Map the page and resume at the faulting LD: it completes. */
    toy_ram_stq(&machine, 0x7018, 0xfeedull);
    toy_map(c, 0x20000, 0x7000, PAGE_READ);
    c->env.pc = 0x10018;
    c->parent.halted = false;
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmphex(c->env.regs[4], ==, 0xfeed);
    g_assert_cmpuint(c->env.regs[3], ==, 99);
    g_assert_cmpint(c->rec.count, ==, 1);

    /* A fetch fault: the pc is where the code is missing. */
    c->env.pc = 0x50000;
    c->parent.halted = false;
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpint(c->rec.count, ==, 2);
    g_assert_cmphex(c->rec.pc, ==, 0x50000);
    g_assert_cmphex(c->rec.fault_addr, ==, 0x50000);
    g_assert_cmpint(c->rec.fault_type, ==, MMU_INST_FETCH);
    toy_cpu_free(c);
}

/* ---- (4) the TLB ---- */

static void case_tlb_fast_path(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x8000);
    const uint64_t prog[] = {
        T_LI(1, 0), T_LI(2, 8 * 64), T_LI(3, 8), T_LI(4, 0), T_LI(6, 0x9000),
        /* 0x8028: */
        T_ADD(7, 6, 1),
        T_LD(5, 7, 0),
        T_ADD(4, 4, 5),
        T_ST(4, 7, 0x800),      /* running sums at 0x9800 */
        T_ADD(1, 1, 3),
        T_BNE(1, 2, -40),
        T_HLT(),
    };
    TCGStats a, b;
    uint64_t sum = 0;

    toy_load(&machine, 0x8000, prog, G_N_ELEMENTS(prog));
    for (int i = 0; i < 64; i++) {
        toy_ram_stq(&machine, 0x9000 + 8 * i, i * 3 + 1);
        sum += i * 3 + 1;
    }
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    g_assert_cmpuint(c->env.regs[4], ==, sum);
    g_assert_cmpuint(toy_ram_ldq(&machine, 0x9800 + 8 * 63), ==, sum);
    g_assert_cmpuint(toy_ram_ldq(&machine, 0x9800), ==, 1);
    /* Code page + data page filled, each once at most per access type. */
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, >, 0);
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, <=, 4);

    /* Second run: everything hits in the TLB. */
    reset_regs(c, 0x8000);
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    g_assert_cmpuint(c->env.regs[4], ==, sum);
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, ==, 0);

    /* After a flush the slow path fills again, and the result holds. */
    tlb_flush(&c->parent);
    reset_regs(c, 0x8000);
    stats(&a);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    stats(&b);
    g_assert_cmpuint(c->env.regs[4], ==, sum);
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, >, 0);
    toy_cpu_free(c);
}

/*
 * The same virtual pc backed by another frame after a TLB flush (a guest
 * CR3 switch): the jump cache must not hand back the old frame's TB.
 */
static void case_code_remap(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x14000);
    const uint64_t prog_a[] = { T_LI(1, 111), T_HLT() };
    const uint64_t prog_b[] = { T_LI(1, 222), T_HLT() };

    toy_load(&machine, 0xa000, prog_a, G_N_ELEMENTS(prog_a));
    toy_load(&machine, 0xb000, prog_b, G_N_ELEMENTS(prog_b));
    c->env.mmu_idx = 0;
    toy_map(c, 0x14000, 0xa000, PAGE_READ | PAGE_EXEC);
    for (int round = 0; round < 3; round++) {
        reset_regs(c, 0x14000);
        g_assert_cmpint(run(c), ==, EXCP_HLT);
        g_assert_cmpuint(c->env.regs[1], ==, 111);
    }
    toy_map(c, 0x14000, 0xb000, PAGE_READ | PAGE_EXEC);
    tlb_flush(&c->parent);
    reset_regs(c, 0x14000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 222);
    /* And back: the first frame's TB is found again (from the hash table). */
    toy_map(c, 0x14000, 0xa000, PAGE_READ | PAGE_EXEC);
    tlb_flush(&c->parent);
    reset_regs(c, 0x14000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 111);
    toy_cpu_free(c);
}

/*
 * A TLB flush does not empty the jump cache: an entry whose page still
 * maps to the frame its TB came from is renewed (no retranslation, no
 * hash lookup), one whose page now maps elsewhere is not, also when the
 * lookup is goto_ptr's (JR from another page).
 */
static void case_code_remap_jr(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x20000);
    const uint64_t entry[] = { T_LI(5, 0x21000), T_JR(5) };
    const uint64_t prog_a[] = { T_LI(1, 111), T_HLT() };
    const uint64_t prog_b[] = { T_LI(1, 222), T_HLT() };
    TCGStats s0, s1;

    toy_load(&machine, 0x5000, entry, G_N_ELEMENTS(entry));
    toy_load(&machine, 0x6000, prog_a, G_N_ELEMENTS(prog_a));
    toy_load(&machine, 0x7000, prog_b, G_N_ELEMENTS(prog_b));
    c->env.mmu_idx = 0;
    toy_map(c, 0x20000, 0x5000, PAGE_READ | PAGE_EXEC);
    toy_map(c, 0x21000, 0x6000, PAGE_READ | PAGE_EXEC);
    for (int round = 0; round < 2; round++) {
        reset_regs(c, 0x20000);
        g_assert_cmpint(run(c), ==, EXCP_HLT);
        g_assert_cmpuint(c->env.regs[1], ==, 111);
    }
    /* Same mapping after the flush: the cached TBs are kept. */
    tcg_get_stats(&s0);
    tlb_flush(&c->parent);
    reset_regs(c, 0x20000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 111);
    tcg_get_stats(&s1);
    g_assert_cmpuint(s1.tbs_translated, ==, s0.tbs_translated);
    g_assert_cmpuint(s1.jmp_cache_renewed, >, s0.jmp_cache_renewed);
    /* The JR target's page moves to another frame: its code runs. */
    toy_map(c, 0x21000, 0x7000, PAGE_READ | PAGE_EXEC);
    tlb_flush(&c->parent);
    reset_regs(c, 0x20000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 222);
    /* And back: the first frame's TB is found again. */
    toy_map(c, 0x21000, 0x6000, PAGE_READ | PAGE_EXEC);
    tlb_flush(&c->parent);
    reset_regs(c, 0x20000);
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 111);
    toy_cpu_free(c);
}

static void case_tlb_remap(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x10000);
    const uint64_t prog[] = {
        T_LI(2, 0x30000), T_LI(1, 42),
        T_ST(1, 2, 0x10),
        T_HLT(),
        T_LD(3, 2, 0x10),       /* 0x10020 */
        T_HLT(),
    };

    toy_load(&machine, 0xc000, prog, G_N_ELEMENTS(prog));
    toy_map(c, 0x10000, 0xc000, PAGE_READ | PAGE_EXEC);
    toy_map(c, 0x30000, 0xd000, PAGE_READ | PAGE_WRITE);
    c->env.mmu_idx = 0;
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(toy_ram_ldq(&machine, 0xd010), ==, 42);

    /* Remap the page, flush it from the TLB: the LD sees the new frame. */
    toy_ram_stq(&machine, 0xe010, 555);
    toy_map(c, 0x30000, 0xe000, PAGE_READ | PAGE_WRITE);
    tlb_flush_page(&c->parent, 0x30000);
    c->parent.halted = false;
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[3], ==, 555);

    /* Unmapped and flushed: the next access faults. */
    toy_map(c, 0x30000, 0, 0);
    tlb_flush_page(&c->parent, 0x30000);
    toy_load(&machine, 0xc800, (const uint64_t[]) { T_HLT() }, 1);
    c->excp_handler = 0x10800;
    c->env.pc = 0x10020;
    c->parent.halted = false;
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpint(c->rec.excp, ==, TOY_EXCP_PGFAULT);
    g_assert_cmphex(c->rec.fault_addr, ==, 0x30010);
    toy_cpu_free(c);
}

/* ---- (5) goto_ptr ---- */

static void case_jr(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0x7000);
    const uint64_t entry[] = {
        T_LI(1, 0), T_LI(2, 100), T_LI(3, 1), T_LI(4, 0),
        T_LI(7, 0x7000), T_LI(6, 0x100),
        T_ADD(5, 7, 6),         /* r5 = 0x7100, computed */
        T_JR(5),
    };
    const uint64_t body[] = {
        T_ADD(1, 1, 3),
        T_LI(6, 0x7200),
        T_JR(6),
    };
    const uint64_t tail[] = {
        T_ADD(4, 4, 1),
        T_BNE(1, 2, 16),        /* to 0x7218 */
        T_HLT(),
        T_JR(5),                /* 0x7218: back to 0x7100 */
    };

    toy_load(&machine, 0x7000, entry, G_N_ELEMENTS(entry));
    toy_load(&machine, 0x7100, body, G_N_ELEMENTS(body));
    toy_load(&machine, 0x7200, tail, G_N_ELEMENTS(tail));
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[1], ==, 100);
    g_assert_cmpuint(c->env.regs[4], ==, 5050);
    g_assert_cmphex(c->env.pc, ==, 0x7218);
    toy_cpu_free(c);
}

/* ---- (6) MMIO ---- */

static void case_mmio(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0xa000);
    const uint64_t prog[] = {
        T_LI(1, 0x12345678),
        T_OUT(1, 2, 0x10),
        T_LI(2, -2),
        T_OUT(2, 3, 0x20),
        T_OUT(1, 0, 0x30),
        T_OUT(1, 1, 0x40),
        T_HLT(),
    };
    ToyIOAccess *io;

    toy_load(&machine, 0xa000, prog, G_N_ELEMENTS(prog));
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(machine.io_log->len, ==, 4);
    io = &g_array_index(machine.io_log, ToyIOAccess, 0);
    g_assert_true(io[0].write);
    g_assert_cmphex(io[0].addr, ==, 0x10);
    g_assert_cmpuint(io[0].size, ==, 4);
    g_assert_cmphex(io[0].value, ==, 0x12345678);
    g_assert_cmphex(io[1].addr, ==, 0x20);
    g_assert_cmpuint(io[1].size, ==, 8);
    g_assert_cmphex(io[1].value, ==, 0xfffffffffffffffeull);
    g_assert_cmpuint(io[2].size, ==, 1);
    g_assert_cmphex(io[2].value, ==, 0x78);
    g_assert_cmpuint(io[3].size, ==, 2);
    g_assert_cmphex(io[3].value, ==, 0x5678);
    toy_cpu_free(c);
}

/* ---- (7) cpu_exit / cpu_interrupt from another thread ---- */

typedef struct Kicker {
    ToyCPU *c;
    int mask;                   /* 0: cpu_exit, else cpu_interrupt(mask) */
} Kicker;

static gpointer kicker_thread(gpointer opaque)
{
    Kicker *k = opaque;
    uint64_t start = __atomic_load_n(&k->c->env.regs[1], __ATOMIC_RELAXED);

    /* Wait until the loop is visibly running (bounded: 10 s). */
    for (int i = 0; i < 10000; i++) {
        if (__atomic_load_n(&k->c->env.regs[1], __ATOMIC_RELAXED) > start + 100) {
            break;
        }
        g_usleep(1000);
    }
    if (k->mask) {
        cpu_interrupt(&k->c->parent, k->mask);
    } else {
        cpu_exit(&k->c->parent);
    }
    return NULL;
}

static void case_interrupt(void)
{
    ToyCPU *c = toy_cpu_new(&machine, 0, 0xb000);
    const uint64_t prog[] = {
        T_LI(3, 1),
        T_ADD(1, 1, 3),         /* 0xb008 */
        T_BNE(3, 0, -8),        /* forever */
    };
    const uint64_t handler[] = { T_LI(6, 66), T_HLT() };
    Kicker k = { .c = c };
    GThread *t;
    uint64_t before;

    toy_load(&machine, 0xb000, prog, G_N_ELEMENTS(prog));
    toy_load(&machine, 0xb800, handler, G_N_ELEMENTS(handler));
    c->irq_handler = 0xb800;

    t = g_thread_new("kick", kicker_thread, &k);
    g_assert_cmpint(run(c), ==, EXCP_INTERRUPT);
    g_thread_join(t);
    g_assert_cmpuint(c->env.regs[1], >, 100);
    g_assert_cmpint(c->rec.irqs, ==, 0);
    g_assert_true(c->env.pc == 0xb008 || c->env.pc == 0xb010);

    /* It resumes where it left off. */
    before = c->env.regs[1];
    k.mask = CPU_INTERRUPT_HARD;
    t = g_thread_new("irq", kicker_thread, &k);
    g_assert_cmpint(run(c), ==, EXCP_INTERRUPT);
    g_thread_join(t);
    g_assert_cmpuint(c->env.regs[1], >, before);
    g_assert_cmpint(c->rec.irqs, ==, 1);
    g_assert_true(c->rec.irq_pc == 0xb008 || c->rec.irq_pc == 0xb010);
    g_assert_cmphex(c->env.pc, ==, 0xb800);

    /* The handler runs next. */
    g_assert_cmpint(run(c), ==, EXCP_HLT);
    g_assert_cmpuint(c->env.regs[6], ==, 66);

    /* Halted without work: cpu_exec says so; an interrupt wakes it up. */
    g_assert_cmpint(run(c), ==, EXCP_HALTED);
    c->irq_handler = 0xb000;
    cpu_interrupt(&c->parent, CPU_INTERRUPT_HARD);
    g_assert_cmpint(run(c), ==, EXCP_INTERRUPT);
    g_assert_cmpint(c->rec.irqs, ==, 2);
    g_assert_cmphex(c->rec.irq_pc, ==, 0xb810);
    toy_cpu_free(c);
}

/* ---- (8) round-robin ---- */

typedef struct Stopper {
    volatile bool stop;
    ToyCPU *c[2];
} Stopper;

/* Stop once both vCPUs visibly ran (bounded: 10 s), however slow the host. */
static gpointer stopper_thread(gpointer opaque)
{
    Stopper *st = opaque;

    for (int i = 0; i < 10000; i++) {
        if (__atomic_load_n(&st->c[0]->env.regs[1], __ATOMIC_RELAXED) > 0 &&
            __atomic_load_n(&st->c[1]->env.regs[1], __ATOMIC_RELAXED) > 0) {
            break;
        }
        g_usleep(1000);
    }
    st->stop = true;
    return NULL;
}

static void case_round_robin(void)
{
    ToyCPU *c0 = toy_cpu_new(&machine, 0, 0x20000);
    ToyCPU *c1 = toy_cpu_new(&machine, 1, 0x21000);
    const uint64_t prog[] = {
        T_LI(3, 1),
        T_ADD(1, 1, 3),
        T_BNE(3, 0, -8),
    };
    Stopper st = { .stop = false, .c = { c0, c1 } };
    GThread *t;

    toy_load(&machine, 0x20000, prog, G_N_ELEMENTS(prog));
    toy_load(&machine, 0x21000, prog, G_N_ELEMENTS(prog));
    c0->parent.next_cpu = &c1->parent;
    t = g_thread_new("stop", stopper_thread, &st);
    tcg_rr_run(&c0->parent, &st.stop);
    g_thread_join(t);
    g_assert_cmpuint(c0->env.regs[1], >, 0);
    g_assert_cmpuint(c1->env.regs[1], >, 0);

    /* Both halted with nothing to do: tcg_rr_run returns on its own. */
    toy_load(&machine, 0x20000, (const uint64_t[]) { T_HLT() }, 1);
    toy_load(&machine, 0x21000, (const uint64_t[]) { T_HLT() }, 1);
    tb_flush(NULL);
    reset_regs(c0, 0x20000);
    reset_regs(c1, 0x21000);
    st.stop = false;
    g_assert_cmpint(tcg_rr_run(&c0->parent, &st.stop), ==, EXCP_HLT);
    g_assert_true(c0->parent.halted && c1->parent.halted);
    toy_cpu_free(c1);
    toy_cpu_free(c0);
}

/* ---- registration: every case on both backends, each in a subprocess ---- */

typedef struct ToyCase {
    const char *name;
    void (*fn)(void);
} ToyCase;

static const ToyCase cases[] = {
    { "loop", case_loop },
    { "smc-other-tb", case_smc_other_tb },
    { "smc-current-tb", case_smc_current_tb },
    { "div-zero", case_div_zero },
    { "page-fault", case_page_fault },
    { "tlb-fast-path", case_tlb_fast_path },
    { "tlb-remap", case_tlb_remap },
    { "code-remap", case_code_remap },
    { "code-remap-jr", case_code_remap_jr },
    { "jr", case_jr },
    { "mmio", case_mmio },
    { "interrupt", case_interrupt },
    { "round-robin", case_round_robin },
};

typedef struct ToyRun {
    const TCGBackend *backend;
    const ToyCase *tc;
} ToyRun;

static void run_case(gconstpointer data)
{
    const ToyRun *r = data;

    if (g_test_subprocess()) {
        toy_setup(r->backend);
        r->tc->fn();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
    const TCGBackend *backends[] = { &tcg_backend_x86_64, &tcg_backend_tci };

    g_test_init(&argc, &argv, NULL);
    for (size_t b = 0; b < G_N_ELEMENTS(backends); b++) {
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
            ToyRun *r = g_new(ToyRun, 1);
            g_autofree char *path = g_strdup_printf("/tcg-toy/%s/%s", backends[b]->name,
                                                    cases[i].name);

            r->backend = backends[b];
            r->tc = &cases[i];
            g_test_add_data_func_full(path, r, run_case, g_free);
        }
    }
    return g_test_run();
}
