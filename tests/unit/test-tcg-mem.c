/*
 * test-tcg-mem.c: guest memory accesses of generated code through the
 * softmmu (accel/tcg/cputlb.c and each backend's inline TLB check):
 * qemu_ld/qemu_st of every size, sign and byte order, TLB hits and
 * misses, accesses crossing a page (and a fault on the second page of a
 * store), MMIO and ROM, MO_ALIGN, large pages. Each access is a
 * one-insn TB built by hand (no guest ISA) and run by cpu_exec; every
 * case runs on both backends, each in its own subprocess.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "exec/helper-gen.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

DEF_HELPER_FLAGS_1(mem_done, 0, void, env)

#define CODE_PC      0x0ull     /* the fake insn's pc: page 0 of RAM */
#define RAM_SIZE     (4 * MiB)
#define IO_BASE      0x10000000ull
#define ROM_BASE     0x20000000ull

#define EXCP_FAULT     1
#define EXCP_UNALIGNED 2

typedef struct MemEnv {
    uint64_t pc;
    uint64_t addr;
    uint64_t val;
    uint32_t flags;             /* what the next TB does, see mem_flags() */
    uint32_t pad;
} MemEnv;

typedef struct MemCPU {
    CPUState parent;
    CPUNegativeOffsetState neg;
    MemEnv env;
    GHashTable *page_table;     /* MMU index 0: vpage -> ppage | PAGE_* */
    uint64_t large_vaddr, large_size;  /* MMU index 2: one large page at 0 */
    int faults, unaligned;
    uint64_t fault_addr, unaligned_addr;
    int fault_type;
    bool unaligned_raises;
} MemCPU;

static MemoryRegion root, ram, io, rom;
static AddressSpace as;
static uint8_t *ram_ptr;
static MemCPU *mc;
static GString *io_log;

/* ---- the "CPU" ---- */

/* flags: MemOp in bits 0-7, store in bit 8, i32 op in bit 9, MMU index in 12-15. */
static uint32_t mem_flags(MemOp mop, bool store, bool i32, int mmu_idx)
{
    return (uint32_t)mop | (store ? 0x100 : 0) | (i32 ? 0x200 : 0) | (uint32_t)mmu_idx << 12;
}

void helper_mem_done(void *env)
{
    CPUState *cpu = env_cpu(env);

    cpu->exception_index = EXCP_HLT;
    cpu_loop_exit(cpu);
}

static void mem_translate(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                          uint64_t pc, void *host_pc)
{
    MemOp mop = tb->flags & 0xff;
    bool store = tb->flags & 0x100, i32 = tb->flags & 0x200;
    int mmu_idx = (tb->flags >> 12) & 15;
    TCGv_i64 addr = tcg_temp_new_i64();

    tcg_gen_insn_start(pc, 0);
    tcg_gen_ld_i64(addr, tcg_env, offsetof(MemEnv, addr));
    if (i32) {
        TCGv_i32 v = tcg_temp_new_i32();

        if (store) {
            tcg_gen_ld_i32(v, tcg_env, offsetof(MemEnv, val));
            tcg_gen_qemu_st_i32(v, addr, mmu_idx, mop);
        } else {
            TCGv_i64 w = tcg_temp_new_i64();

            tcg_gen_qemu_ld_i32(v, addr, mmu_idx, mop);
            tcg_gen_extu_i32_i64(w, v);
            tcg_gen_st_i64(w, tcg_env, offsetof(MemEnv, val));
            tcg_temp_free_i64(w);
        }
        tcg_temp_free_i32(v);
    } else {
        TCGv_i64 v = tcg_temp_new_i64();

        if (store) {
            tcg_gen_ld_i64(v, tcg_env, offsetof(MemEnv, val));
            tcg_gen_qemu_st_i64(v, addr, mmu_idx, mop);
        } else {
            tcg_gen_qemu_ld_i64(v, addr, mmu_idx, mop);
            tcg_gen_st_i64(v, tcg_env, offsetof(MemEnv, val));
        }
        tcg_temp_free_i64(v);
    }
    tcg_temp_free_i64(addr);
    gen_helper_mem_done(tcg_env);
    tcg_gen_exit_tb(NULL, 0);
    tb->size = 8;
    *max_insns = 1;
}

static void mem_get_tb_cpu_state(CPUState *cpu, uint64_t *pc, uint64_t *cs_base,
                                 uint32_t *flags)
{
    MemEnv *env = cpu->env_ptr;

    *pc = env->pc;
    *cs_base = 0;
    *flags = env->flags;
}

static void mem_restore_state(CPUState *cpu, const TranslationBlock *tb,
                              const uint64_t *data)
{
    ((MemEnv *)cpu->env_ptr)->pc = data[0];
}

/* A fault ends the run: cpu_exec returns EXCP_INTERRUPT. */
static void mem_do_interrupt(CPUState *cpu)
{
    cpu_exit(cpu);
}

static bool mem_tlb_fill(CPUState *cpu, uint64_t addr, int size, MMUAccessType type,
                         int mmu_idx, bool probe, uintptr_t ra)
{
    MemCPU *c = container_of(cpu, MemCPU, parent);
    static const int need[] = { PAGE_READ, PAGE_WRITE, PAGE_EXEC };
    uint64_t vpage = addr & TARGET_PAGE_MASK;
    gpointer v;

    if (mmu_idx == 1) {
        tlb_set_page(cpu, vpage, vpage, PAGE_READ | PAGE_WRITE | PAGE_EXEC, 1,
                     TARGET_PAGE_SIZE);
        return true;
    }
    if (mmu_idx == 2 && addr - c->large_vaddr < c->large_size) {
        /* One large page mapped onto RAM at 0. */
        tlb_set_page(cpu, addr, addr - c->large_vaddr, PAGE_READ | PAGE_WRITE, 2,
                     c->large_size);
        return true;
    }
    if (mmu_idx == 0 &&
        g_hash_table_lookup_extended(c->page_table, (gpointer)(uintptr_t)vpage, NULL, &v) &&
        ((uintptr_t)v & need[type])) {
        tlb_set_page(cpu, vpage, (uintptr_t)v & TARGET_PAGE_MASK, (uintptr_t)v & 7, 0,
                     TARGET_PAGE_SIZE);
        return true;
    }
    if (probe) {
        return false;
    }
    c->faults++;
    c->fault_addr = addr;
    c->fault_type = type;
    cpu->exception_index = EXCP_FAULT;
    cpu_loop_exit_restore(cpu, ra);
}

static void mem_unaligned(CPUState *cpu, uint64_t addr, MMUAccessType type, int mmu_idx,
                          uintptr_t ra)
{
    MemCPU *c = container_of(cpu, MemCPU, parent);

    c->unaligned++;
    c->unaligned_addr = addr;
    if (c->unaligned_raises) {
        cpu->exception_index = EXCP_UNALIGNED;
        cpu_loop_exit_restore(cpu, ra);
    }
}

static int mem_mmu_index(CPUState *cpu, bool ifetch)
{
    return 1;   /* code always comes through the identity map */
}

static const TCGCPUOps mem_ops = {
    .translate_code = mem_translate,
    .get_tb_cpu_state = mem_get_tb_cpu_state,
    .restore_state_to_opc = mem_restore_state,
    .do_interrupt = mem_do_interrupt,
    .tlb_fill = mem_tlb_fill,
    .do_unaligned_access = mem_unaligned,
    .mmu_index = mem_mmu_index,
};

/* ---- the machine ---- */

static uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    g_string_append_printf(io_log, "r%u@%" PRIx64 ";", size, addr);
    /* The top size bytes of a fixed pattern. */
    return 0x8877665544332211ull >> (8 * (8 - size));
}

static void io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    g_string_append_printf(io_log, "w%u@%" PRIx64 "=%" PRIx64 ";", size, addr, data);
}

static const MemoryRegionOps io_ops = {
    .read = io_read, .write = io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static void mem_setup(const TCGBackend *backend)
{
    g_assert_true(tcg_exec_init(0, backend, &error_abort));
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_init_io(&io, NULL, &io_ops, NULL, "dev", 0x1000);
    memory_region_init_rom(&rom, NULL, "rom", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion(&root, IO_BASE, &io);
    memory_region_add_subregion(&root, ROM_BASE, &rom);
    address_space_init(&as, &root, "mem-test");
    ram_ptr = memory_region_get_ram_ptr(&ram);
    io_log = g_string_new("");

    mc = g_new0(MemCPU, 1);
    mc->page_table = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_assert_true(tcg_cpu_init(&mc->parent, &mc->env, &mc->neg, &mem_ops, &as,
                               &error_abort));
}

static void map(uint64_t vaddr, uint64_t paddr, int prot)
{
    g_hash_table_insert(mc->page_table, (gpointer)(uintptr_t)vaddr,
                        (gpointer)(uintptr_t)(paddr | prot));
}

/* One access; returns cpu_exec's result (EXCP_HLT: done, EXCP_INTERRUPT: faulted). */
static int mem_access(uint64_t addr, MemOp mop, bool store, bool i32, int mmu_idx, uint64_t *val)
{
    int r;

    mc->env.pc = CODE_PC;
    mc->env.addr = addr;
    mc->env.val = *val;
    mc->env.flags = mem_flags(mop, store, i32, mmu_idx);
    r = cpu_exec(&mc->parent);
    *val = mc->env.val;
    return r;
}

static uint64_t ld(uint64_t addr, MemOp mop, bool i32, int mmu_idx)
{
    uint64_t v = 0xdeadbeefdeadbeefull;

    g_assert_cmpint(mem_access(addr, mop, false, i32, mmu_idx, &v), ==, EXCP_HLT);
    return v;
}

static void st(uint64_t addr, uint64_t val, MemOp mop, bool i32, int mmu_idx)
{
    g_assert_cmpint(mem_access(addr, mop, true, i32, mmu_idx, &val), ==, EXCP_HLT);
}

/* What a load of these bytes must give, computed byte by byte. */
static uint64_t expect_ld(const uint8_t *b, MemOp mop, bool i32)
{
    unsigned n = memop_size(mop);
    uint64_t v = 0;

    for (unsigned k = 0; k < n; k++) {
        unsigned at = (mop & MO_BSWAP) ? n - 1 - k : k;

        v |= (uint64_t)b[at] << (8 * k);
    }
    if ((mop & MO_SIGN) && n < 8 && (v >> (8 * n - 1)) & 1) {
        v |= ~0ull << (8 * n);
    }
    return i32 ? (uint32_t)v : v;
}

/* ---- cases ---- */

static void case_ld_st_all(void)
{
    static const uint8_t pat[8] = { 0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8 };
    const uint64_t base = 0x10000;

    for (int i32 = 0; i32 < 2; i32++) {
        for (int size = MO_8; size <= (i32 ? MO_32 : MO_64); size++) {
            for (int sign = 0; sign < 2; sign++) {
                for (int be = 0; be < 2; be++) {
                    MemOp mop = size | (sign ? MO_SIGN : 0) | (be ? MO_BE : MO_LE);
                    unsigned n = memop_size(mop);
                    uint64_t a = base + 0x100 * size + 0x10 * (sign * 2 + be) + 3;
                    uint64_t sv = 0x0102030405060708ull, got;
                    uint8_t want[8];

                    memcpy(ram_ptr + a, pat, 8);
                    g_assert_cmphex(ld(a, mop, i32, 1), ==, expect_ld(pat, mop, i32));

                    /* Store, then look at the bytes in RAM. */
                    memset(ram_ptr + a, 0xee, 16);
                    st(a, sv, mop, i32, 1);
                    for (unsigned k = 0; k < n; k++) {
                        unsigned at = be ? n - 1 - k : k;

                        want[at] = sv >> (8 * k);
                    }
                    g_assert_cmpmem(ram_ptr + a, n, want, n);
                    g_assert_cmpint(ram_ptr[a + n], ==, 0xee);
                    got = ld(a, mop & ~MO_SIGN, i32, 1);
                    g_assert_cmphex(got, ==, sv & (n == 8 ? ~0ull : (1ull << (8 * n)) - 1));
                }
            }
        }
    }
}

static void case_tlb_hit_miss(void)
{
    TCGStats a, b;

    map(0x40000, 0x21000, PAGE_READ | PAGE_WRITE);
    *(uint64_t *)(ram_ptr + 0x21010) = 0x1234567890abcdefull;
    tcg_get_stats(&a);
    g_assert_cmphex(ld(0x40010, MO_LEUQ, false, 0), ==, 0x1234567890abcdefull);
    tcg_get_stats(&b);
    /* Data page miss (and maybe the code page): filled, then retried. */
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, >=, 1);
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, <=, 2);

    /* Warm: no fill, for loads and stores of the same page. */
    tcg_get_stats(&a);
    g_assert_cmphex(ld(0x40010, MO_LEUQ, false, 0), ==, 0x1234567890abcdefull);
    st(0x40018, 0x55, MO_UB, false, 0);
    g_assert_cmphex(ld(0x40018, MO_UB, false, 0), ==, 0x55);
    tcg_get_stats(&b);
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, ==, 0);
    g_assert_cmpint(ram_ptr[0x21018], ==, 0x55);

    /* Read-only mapping: a store faults, memory is unchanged. */
    map(0x41000, 0x22000, PAGE_READ);
    ram_ptr[0x22000] = 7;
    {
        uint64_t v = 9;

        g_assert_cmpint(mem_access(0x41000, MO_UB, true, false, 0, &v), ==, EXCP_INTERRUPT);
    }
    g_assert_cmpint(mc->faults, ==, 1);
    g_assert_cmphex(mc->fault_addr, ==, 0x41000);
    g_assert_cmpint(mc->fault_type, ==, MMU_DATA_STORE);
    g_assert_cmpint(ram_ptr[0x22000], ==, 7);
}

static void case_cross_page(void)
{
    uint64_t v;
    uint8_t expect[8];

    /* Two adjacent virtual pages on non-adjacent frames. */
    map(0x50000, 0x30000, PAGE_READ | PAGE_WRITE);
    map(0x51000, 0x38000, PAGE_READ | PAGE_WRITE);
    for (int k = 0; k < 8; k++) {
        ram_ptr[0x30ffd + k] = 0x10 + k;        /* only 3 of them count */
        ram_ptr[0x38000 + k] = 0x40 + k;
    }
    memcpy(expect, ram_ptr + 0x30ffd, 3);
    memcpy(expect + 3, ram_ptr + 0x38000, 5);
    g_assert_cmphex(ld(0x50ffd, MO_LEUQ, false, 0), ==, expect_ld(expect, MO_LEUQ, false));
    g_assert_cmphex(ld(0x50ffd, MO_BEUQ, false, 0), ==, expect_ld(expect, MO_BEUQ, false));
    g_assert_cmphex(ld(0x50fff, MO_LESW, false, 0), ==, expect_ld(expect + 2, MO_LESW, false));
    g_assert_cmphex(ld(0x50ffe, MO_BEUL, true, 0), ==, expect_ld(expect + 1, MO_BEUL, true));

    st(0x50ffe, 0x1122334455667788ull, MO_LEUQ, false, 0);
    g_assert_cmphex(ram_ptr[0x30ffe], ==, 0x88);
    g_assert_cmphex(ram_ptr[0x30fff], ==, 0x77);
    g_assert_cmphex(ram_ptr[0x38000], ==, 0x66);
    g_assert_cmphex(ram_ptr[0x38005], ==, 0x11);
    g_assert_cmphex(ld(0x50ffe, MO_LEUQ, false, 0), ==, 0x1122334455667788ull);

    /* Second page not writable: the store faults and the first is untouched. */
    map(0x53000, 0x3a000, PAGE_READ | PAGE_WRITE);
    map(0x54000, 0x3b000, PAGE_READ);
    memset(ram_ptr + 0x3aff0, 0xaa, 16);
    memset(ram_ptr + 0x3b000, 0xbb, 16);
    v = 0;
    g_assert_cmpint(mem_access(0x53ffc, MO_LEUQ, true, false, 0, &v), ==, EXCP_INTERRUPT);
    g_assert_cmphex(mc->fault_addr & TARGET_PAGE_MASK, ==, 0x54000);
    g_assert_cmpint(mc->fault_type, ==, MMU_DATA_STORE);
    for (int k = 0; k < 16; k++) {
        g_assert_cmphex(ram_ptr[0x3aff0 + k], ==, 0xaa);
        g_assert_cmphex(ram_ptr[0x3b000 + k], ==, 0xbb);
    }
}

static void case_mmio_rom(void)
{
    g_string_truncate(io_log, 0);
    st(IO_BASE + 0x10, 0xabcd, MO_LEUW, false, 1);
    st(IO_BASE + 0x20, 0x11223344, MO_BEUL, true, 1);
    st(IO_BASE + 0x28, 0x0102030405060708ull, MO_LEUQ, false, 1);
    g_assert_cmpstr(io_log->str, ==,
                    "w2@10=abcd;w4@20=44332211;w8@28=102030405060708;");
    g_string_truncate(io_log, 0);
    g_assert_cmphex(ld(IO_BASE + 0x30, MO_LEUL, false, 1), ==, 0x88776655);
    g_assert_cmphex(ld(IO_BASE + 0x30, MO_BEUL, false, 1), ==, 0x55667788);
    g_assert_cmphex(ld(IO_BASE + 0x38, MO_SB, false, 1), ==, 0xffffffffffffff88ull);
    g_assert_cmpstr(io_log->str, ==, "r4@30;r4@30;r1@38;");

    /* ROM: reads work, writes are dropped. */
    {
        uint8_t *r = memory_region_get_ram_ptr(&rom);

        r[0x40] = 0x5a;
        g_assert_cmphex(ld(ROM_BASE + 0x40, MO_UB, false, 1), ==, 0x5a);
        st(ROM_BASE + 0x40, 0x11, MO_UB, false, 1);
        g_assert_cmphex(r[0x40], ==, 0x5a);
        g_assert_cmphex(ld(ROM_BASE + 0x40, MO_UB, false, 1), ==, 0x5a);
    }
}

static void case_align(void)
{
    uint64_t v = 0;

    *(uint32_t *)(ram_ptr + 0x60000) = 0x11223344;
    *(uint32_t *)(ram_ptr + 0x60004) = 0x55667788;
    /* Aligned MO_ALIGN: no hook. */
    g_assert_cmphex(ld(0x60004, MO_LEUL | MO_ALIGN, false, 1), ==, 0x55667788);
    g_assert_cmpint(mc->unaligned, ==, 0);

    /* Misaligned: the hook sees it; a hook that returns lets it through. */
    g_assert_cmphex(ld(0x60002, MO_LEUL | MO_ALIGN, false, 1), ==, 0x77881122);
    g_assert_cmpint(mc->unaligned, ==, 1);
    g_assert_cmphex(mc->unaligned_addr, ==, 0x60002);

    /* A hook that raises: no access. */
    mc->unaligned_raises = true;
    v = 0x99;
    g_assert_cmpint(mem_access(0x60001, MO_LEUW | MO_ALIGN, true, false, 1, &v), ==,
                    EXCP_INTERRUPT);
    g_assert_cmpint(mc->unaligned, ==, 2);
    g_assert_cmphex(*(uint32_t *)(ram_ptr + 0x60000), ==, 0x11223344);

    /* Without MO_ALIGN the same access is fine. */
    st(0x60001, 0x99, MO_LEUW, false, 1);
    g_assert_cmpint(mc->unaligned, ==, 2);
    g_assert_cmphex(*(uint32_t *)(ram_ptr + 0x60000), ==, 0x11009944);
}

static void case_large_page(void)
{
    TCGStats a, b;

    mc->large_vaddr = 0x40000000;
    mc->large_size = 2 * MiB;
    *(uint64_t *)(ram_ptr + 0x1000) = 1;
    *(uint64_t *)(ram_ptr + 0x5000) = 5;
    g_assert_cmpuint(ld(0x40001000, MO_LEUQ, false, 2), ==, 1);
    g_assert_cmpuint(ld(0x40005000, MO_LEUQ, false, 2), ==, 5);

    /* Flushing one 4 KiB page inside the large page drops all of it. */
    tlb_flush_page(&mc->parent, 0x40003000);
    tcg_get_stats(&a);
    g_assert_cmpuint(ld(0x40001000, MO_LEUQ, false, 2), ==, 1);
    g_assert_cmpuint(ld(0x40005000, MO_LEUQ, false, 2), ==, 5);
    tcg_get_stats(&b);
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, >=, 2);

    /* Outside the large page a page flush leaves it alone. */
    tlb_flush_page(&mc->parent, 0x80000000);
    tcg_get_stats(&a);
    g_assert_cmpuint(ld(0x40001000, MO_LEUQ, false, 2), ==, 1);
    tcg_get_stats(&b);
    g_assert_cmpuint(b.tlb_fills - a.tlb_fills, ==, 0);
}

static void case_cpu_ld_st(void)
{
    TCGStats a, b;
    void *env = &mc->env;

    /* From C (a helper's view): same TLB, same byte order rules. */
    cpu_st_mmu(env, 0x70006, 0x1122334455667788ull, make_memop_idx(MO_BEUQ, 1), 0);
    g_assert_cmphex(ram_ptr[0x70006], ==, 0x11);
    g_assert_cmphex(ram_ptr[0x7000d], ==, 0x88);
    g_assert_cmphex(cpu_ld_mmu(env, 0x70006, make_memop_idx(MO_LEUQ, 1), 0), ==,
                    0x8877665544332211ull);
    g_assert_cmphex(cpu_ld_mmu(env, 0x7000c, make_memop_idx(MO_BESW, 1), 0), ==,
                    0x7788);
    g_assert_cmphex(cpu_ld_mmu(env, 0x7000d, make_memop_idx(MO_SB, 1), 0), ==,
                    0xffffffffffffff88ull);

    /* A store into translated code invalidates exactly the TBs it overlaps. */
    g_assert_cmphex(ld(0x70006, MO_UB, false, 1), ==, 0x11);   /* a TB at pc 0 */
    tcg_get_stats(&a);
    cpu_st_mmu(env, 0x800, 1, make_memop_idx(MO_UB, 1), 0);
    tcg_get_stats(&b);
    g_assert_cmpuint(b.tbs_invalidated - a.tbs_invalidated, ==, 0);
    cpu_st_mmu(env, 0x4, 0, make_memop_idx(MO_UB, 1), 0);
    tcg_get_stats(&b);
    g_assert_cmpuint(b.tbs_invalidated - a.tbs_invalidated, ==, 1);
    /* Retranslated on the next run. */
    tcg_get_stats(&a);
    g_assert_cmphex(ld(0x70006, MO_UB, false, 1), ==, 0x11);
    tcg_get_stats(&b);
    g_assert_cmpuint(b.tbs_translated - a.tbs_translated, ==, 1);
}

/* ---- registration ---- */

typedef struct MemCase {
    const char *name;
    void (*fn)(void);
} MemCase;

/*
 * A full flush forgets every entry, however many were set since the last
 * one: a few (the flush clears just those) or more than the flush keeps a
 * list of (it clears the table). Each round maps N pages onto one set of
 * frames, reads them, remaps them onto other frames and flushes: a read
 * that still finds the old frame's value is an entry the flush missed.
 */
static void case_flush_all(void)
{
    static const unsigned counts[] = { 1, 5, 127, 128, 129, 300, 7 };
    const uint64_t vbase = 0x10000000;

    for (unsigned round = 0; round < G_N_ELEMENTS(counts); round++) {
        unsigned n = counts[round];
        TCGStats a, b;

        for (unsigned k = 0; k < n; k++) {
            uint64_t pa = 0x80000 + k * TARGET_PAGE_SIZE, pb = 0x200000 + k * TARGET_PAGE_SIZE;

            *(uint64_t *)(ram_ptr + pa) = 0xa000 + k;
            *(uint64_t *)(ram_ptr + pb) = 0xb000 + k;
            map(vbase + k * TARGET_PAGE_SIZE, pa, PAGE_READ | PAGE_WRITE);
        }
        for (unsigned k = 0; k < n; k++) {
            g_assert_cmphex(ld(vbase + k * TARGET_PAGE_SIZE, MO_LEUQ, false, 0), ==,
                            0xa000 + k);
        }
        for (unsigned k = 0; k < n; k++) {
            map(vbase + k * TARGET_PAGE_SIZE, 0x200000 + k * TARGET_PAGE_SIZE,
                PAGE_READ | PAGE_WRITE);
        }
        tlb_flush(&mc->parent);
        tcg_get_stats(&a);
        for (unsigned k = 0; k < n; k++) {
            g_assert_cmphex(ld(vbase + k * TARGET_PAGE_SIZE, MO_LEUQ, false, 0), ==,
                            0xb000 + k);
        }
        tcg_get_stats(&b);
        g_assert_cmpuint(b.tlb_fills - a.tlb_fills, >=, n);
        tlb_flush(&mc->parent);
    }
}

static const MemCase cases[] = {
    { "ld-st-all", case_ld_st_all },
    { "tlb-hit-miss", case_tlb_hit_miss },
    { "cross-page", case_cross_page },
    { "mmio-rom", case_mmio_rom },
    { "align", case_align },
    { "large-page", case_large_page },
    { "cpu-ld-st", case_cpu_ld_st },
    { "flush-all", case_flush_all },
};

typedef struct MemRun {
    const TCGBackend *backend;
    const MemCase *mcase;
} MemRun;

static void run_case(gconstpointer data)
{
    const MemRun *r = data;

    if (g_test_subprocess()) {
        mem_setup(r->backend);
        r->mcase->fn();
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
            MemRun *r = g_new(MemRun, 1);
            g_autofree char *path = g_strdup_printf("/tcg-mem/%s/%s", backends[b]->name,
                                                    cases[i].name);

            r->backend = backends[b];
            r->mcase = &cases[i];
            g_test_add_data_func_full(path, r, run_case, g_free);
        }
    }
    return g_test_run();
}
