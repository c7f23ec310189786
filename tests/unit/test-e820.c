/*
 * test-e820.c: unit tests for hw/i386/e820.c: range insertion with
 * overlap and merging, and the PC memory map for a range of RAM sizes
 * (the low/high split around the PCI hole follows QEMU pc), and where
 * pc_ram_layout() puts the RAM for AMD and other vCPUs.
 */
#include "qemu/osdep.h"
#include "hw/i386/e820.h"

typedef struct Range {
    uint64_t addr, size;
    uint32_t type;
} Range;

static void check_table(const E820Table *t, const Range *want, unsigned n)
{
    for (unsigned i = 0; i < t->count && i < n; i++) {
        g_assert_cmphex(t->entries[i].addr, ==, want[i].addr);
        g_assert_cmphex(t->entries[i].size, ==, want[i].size);
        g_assert_cmpuint(t->entries[i].type, ==, want[i].type);
    }
    g_assert_cmpuint(t->count, ==, n);
}

typedef struct AddCase {
    const char *name;
    Range adds[4];
    unsigned nr_adds;
    Range want[5];
    unsigned nr_want;
} AddCase;

static const AddCase add_cases[] = {
    { "disjoint, sorted on insert",
      { { 0x2000, 0x1000, 1 }, { 0, 0x1000, 2 } }, 2,
      { { 0, 0x1000, 2 }, { 0x2000, 0x1000, 1 } }, 2 },
    { "adjacent same type merge",
      { { 0, 0x1000, 1 }, { 0x2000, 0x1000, 1 }, { 0x1000, 0x1000, 1 } }, 3,
      { { 0, 0x3000, 1 } }, 1 },
    { "adjacent different type stay apart",
      { { 0, 0x1000, 1 }, { 0x1000, 0x1000, 2 } }, 2,
      { { 0, 0x1000, 1 }, { 0x1000, 0x1000, 2 } }, 2 },
    { "hole punched in the middle",
      { { 0, 0x10000, 1 }, { 0x4000, 0x1000, 3 } }, 2,
      { { 0, 0x4000, 1 }, { 0x4000, 0x1000, 3 }, { 0x5000, 0xb000, 1 } }, 3 },
    { "overlap at the start and end",
      { { 0x1000, 0x2000, 1 }, { 0x4000, 0x2000, 4 }, { 0x2000, 0x3000, 2 } }, 3,
      { { 0x1000, 0x1000, 1 }, { 0x2000, 0x3000, 2 }, { 0x5000, 0x1000, 4 } }, 3 },
    { "covering add replaces several",
      { { 0x1000, 0x1000, 1 }, { 0x3000, 0x1000, 2 }, { 0x5000, 0x1000, 3 },
        { 0, 0x10000, 2 } }, 4,
      { { 0, 0x10000, 2 } }, 1 },
    { "same type over a gap merges both sides",
      { { 0, 0x1000, 1 }, { 0x2000, 0x1000, 1 }, { 0x800, 0x2000, 1 } }, 3,
      { { 0, 0x3000, 1 } }, 1 },
    { "re-add with another type",
      { { 0, 0x1000, 1 }, { 0, 0x1000, 2 } }, 2,
      { { 0, 0x1000, 2 } }, 1 },
    { "top of the address space",
      { { 0xfffffffffffff000ULL, 0xfff, 1 } }, 1,
      { { 0xfffffffffffff000ULL, 0xfff, 1 } }, 1 },
};

static void test_add_table(void)
{
    for (unsigned c = 0; c < ARRAY_SIZE(add_cases); c++) {
        const AddCase *ac = &add_cases[c];
        E820Table t;

        g_test_message("%s", ac->name);
        e820_table_init(&t);
        for (unsigned i = 0; i < ac->nr_adds; i++) {
            g_assert_true(e820_table_add(&t, ac->adds[i].addr, ac->adds[i].size,
                                         ac->adds[i].type, &error_abort));
        }
        check_table(&t, ac->want, ac->nr_want);
        e820_table_clear(&t);
    }
}

static void test_add_invalid(void)
{
    E820Table t;
    Error *err = NULL;

    e820_table_init(&t);
    g_assert_false(e820_table_add(&t, 0x1000, 0, E820_RAM, &err));
    error_free_or_abort(&err);
    g_assert_false(e820_table_add(&t, UINT64_MAX - 10, 0x1000, E820_RAM, &err));
    error_free_or_abort(&err);
    g_assert_cmpuint(t.count, ==, 0);
    e820_table_clear(&t);
}

/* Many random adds: the table stays sorted, disjoint and merged. */
static void test_add_random(void)
{
    GRand *r = g_rand_new_with_seed(820);
    E820Table t;

    e820_table_init(&t);
    for (int i = 0; i < 3000; i++) {
        uint64_t addr = g_rand_int_range(r, 0, 256) * 0x1000;
        uint64_t size = g_rand_int_range(r, 1, 32) * 0x1000;

        e820_table_add(&t, addr, size, g_rand_int_range(r, 1, 5), &error_abort);
        for (unsigned j = 1; j < t.count; j++) {
            const E820Entry *a = &t.entries[j - 1], *b = &t.entries[j];

            g_assert_cmphex(a->addr + a->size, <=, b->addr);
            g_assert_true(a->addr + a->size != b->addr || a->type != b->type);
        }
    }
    e820_table_clear(&t);
    g_rand_free(r);
}

static void test_ram_split(void)
{
    static const struct {
        uint64_t ram, max, below, above;
        bool align;
    } cases[] = {
        { 128 * MiB, 0, 128 * MiB, 0, true },
        { 3 * GiB, 0, 3 * GiB, 0, true },
        /* exactly max-ram-below-4g: the rule is ">=" */
        { 0xe0000000ULL, 0, 3 * GiB, 0xe0000000ULL - 3 * GiB, true },
        { 0xe0000000ULL, 0, 0xe0000000ULL, 0, false },
        { 4 * GiB, 0, 3 * GiB, 1 * GiB, true },
        { 4 * GiB, 0, 0xe0000000ULL, 4 * GiB - 0xe0000000ULL, false },
        { 5 * GiB, 0, 3 * GiB, 2 * GiB, true },
        { 4 * GiB, 2 * GiB, 2 * GiB, 2 * GiB, true },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t below, above;

        pc_ram_split(cases[i].ram, cases[i].max, cases[i].align, &below, &above);
        g_assert_cmphex(below, ==, cases[i].below);
        g_assert_cmphex(above, ==, cases[i].above);
    }
}

static void test_pc_layout(void)
{
    static const struct {
        uint64_t ram;
        uint64_t low_top, high_size;
    } cases[] = {
        { 128 * MiB, 128 * MiB, 0 },
        { 512 * MiB, 512 * MiB, 0 },
        { 3 * GiB, 3 * GiB, 0 },
        { 4 * GiB, 3 * GiB, 1 * GiB },
        { 5 * GiB, 3 * GiB, 2 * GiB },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t below, above;
        E820Table t;
        Range want[5] = {
            { 0, PC_LOW_RAM_END, E820_RAM },
            { PC_LOW_RAM_END, PC_EBDA_END - PC_LOW_RAM_END, E820_RESERVED },
            { PC_BIOS_START, 0x10000, E820_RESERVED },
            { PC_HIGH_RAM_START, cases[i].low_top - PC_HIGH_RAM_START, E820_RAM },
            { PC_4G, cases[i].high_size, E820_RAM },
        };

        pc_ram_split(cases[i].ram, 0, true, &below, &above);
        e820_table_init(&t);
        g_assert_true(pc_e820_layout(&t, below, above, &error_abort));
        check_table(&t, want, cases[i].high_size ? 5 : 4);
        g_assert_cmphex(e820_table_ram_top_below(&t, PC_4G), ==, cases[i].low_top);
        g_assert_cmpuint(e820_table_ram_kib(&t, MiB, PC_4G), ==,
                         (cases[i].low_top - MiB) / KiB);
        e820_table_clear(&t);
    }
}

/* Ranges the machine reserved first (ACPI tables, KVM's TSS) win. */
static void test_pc_layout_reserved(void)
{
    E820Table t;
    Range want[] = {
        { 0, PC_LOW_RAM_END, E820_RAM },
        { PC_LOW_RAM_END, PC_EBDA_END - PC_LOW_RAM_END, E820_RESERVED },
        { PC_BIOS_START, 0x10000, E820_RESERVED },
        { PC_HIGH_RAM_START, 128 * MiB - 0x20000 - PC_HIGH_RAM_START, E820_RAM },
        { 128 * MiB - 0x20000, 0x20000, E820_ACPI },
        { 0xfeffc000, 0x4000, E820_RESERVED },
    };

    e820_table_init(&t);
    e820_table_add(&t, 128 * MiB - 0x20000, 0x20000, E820_ACPI, &error_abort);
    e820_table_add(&t, 0xfeffc000, 0x4000, E820_RESERVED, &error_abort);
    g_assert_true(pc_e820_layout(&t, 128 * MiB, 0, &error_abort));
    check_table(&t, want, ARRAY_SIZE(want));
    g_assert_cmphex(e820_table_ram_top_below(&t, PC_4G), ==, 128 * MiB - 0x20000);
    e820_table_clear(&t);
}

/* pc_ram_layout() against what QEMU 7.2 (-accel tcg -M pc) prints. */
static void test_pc_ram_layout(void)
{
    static const struct {
        const char *name;
        uint64_t ram, maxram, slots;
        bool amd, enforce;
        unsigned phys_bits;
        uint64_t start;             /* 0: refused */
        bool ht;
        uint64_t max_used_gpa;
    } cases[] = {
        { "amd 128M", 128 * MiB, 0, 0, true, true, 40, PC_4G, true,
          6 * GiB - 1 },
        { "intel 128M", 128 * MiB, 0, 0, false, true, 40, PC_4G, false,
          6 * GiB - 1 },
        { "amd phys-bits 39: no window", 128 * MiB, 0, 0, true, true, 39,
          PC_4G, false, 6 * GiB - 1 },
        { "amd 1009G: hole ends below the window", 1009 * GiB, 0, 0, true,
          true, 40, PC_4G, true, 0xfcffffffffULL },
        { "amd 1010G moves to 1T", 1010 * GiB, 0, 0, true, true, 48,
          PC_AMD_ABOVE_1TB_START, true, 0x1fc3fffffffULL },
        { "amd 1010G phys-bits 40", 1010 * GiB, 0, 0, true, true, 40, 0,
          false, 0x1fc3fffffffULL },
        { "amd 1T phys-bits 40", 1024 * GiB, 0, 0, true, true, 40, 0,
          false, 0x1ffbfffffffULL },
        { "amd 1T, machine before 7.1", 1024 * GiB, 0, 0, true, false, 48,
          PC_4G, false, 0x100bfffffffULL },
        { "intel 1010G", 1010 * GiB, 0, 0, false, true, 40, PC_4G, false,
          0xfd3fffffffULL },
        { "intel 1T phys-bits 40", 1024 * GiB, 0, 0, false, true, 40, 0,
          false, 0x100bfffffffULL },
        { "intel maxmem to exactly 1T", 1 * GiB, 1018 * GiB, 1, false, true,
          40, PC_4G, false, 0xffffffffffULL },
        { "intel maxmem beyond", 1 * GiB, 1019 * GiB, 1, false, true, 40, 0,
          false, 0x1003fffffffULL },
        { "amd maxmem moves the hotplug area", 1 * GiB, 1018 * GiB, 1, true,
          true, 40, 0, false, 0x1feffffffffULL },
        { "32-bit phys-bits: no 64-bit hole", 128 * MiB, 0, 0, false, true,
          32, PC_4G, false, 0xffffffffULL },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        PCRamConfig c = {
            .ram_size = cases[i].ram,
            .maxram_size = cases[i].maxram ? cases[i].maxram : cases[i].ram,
            .ram_slots = cases[i].slots,
            .pci_hole64_size = PC_PCI_HOLE64_SIZE,
            .amd = cases[i].amd,
            .enforce_amd_1tb_hole = cases[i].enforce,
            .phys_bits = cases[i].phys_bits,
        };
        PCRamLayout l;
        Error *err = NULL;
        bool ok = pc_ram_layout(&l, &c, &err);

        g_test_message("%s", cases[i].name);
        g_assert_cmphex(l.max_used_gpa, ==, cases[i].max_used_gpa);
        if (!cases[i].start) {
            g_autofree char *want = g_strdup_printf(
                "Address space limit 0x%" PRIx64 " < 0x%" PRIx64
                " phys-bits too low (%u)",
                (uint64_t)(1ULL << cases[i].phys_bits) - 1,
                cases[i].max_used_gpa, cases[i].phys_bits);

            g_assert_false(ok);
            g_assert_cmpstr(error_get_pretty(err), ==, want);
            error_free(err);
            continue;
        }
        g_assert_true(ok);
        g_assert_cmphex(l.above_4g_start, ==, cases[i].start);
        g_assert_cmpint(l.amd_ht_reserved, ==, cases[i].ht);
        g_assert_cmphex(l.below_4g + l.above_4g, ==, cases[i].ram);
    }
}

/* An AMD guest with 1 TiB: the window reserved, the high RAM above it. */
static void test_pc_layout_above_1t(void)
{
    uint64_t above = 1024 * GiB - 3 * GiB;
    E820Table t;
    Range want[] = {
        { 0, PC_LOW_RAM_END, E820_RAM },
        { PC_LOW_RAM_END, PC_EBDA_END - PC_LOW_RAM_END, E820_RESERVED },
        { PC_BIOS_START, 0x10000, E820_RESERVED },
        { PC_HIGH_RAM_START, 3 * GiB - PC_HIGH_RAM_START, E820_RAM },
        { PC_AMD_HT_START, PC_AMD_HT_SIZE, E820_RESERVED },
        { PC_AMD_ABOVE_1TB_START, above, E820_RAM },
    };
    Error *err = NULL;

    e820_table_init(&t);
    e820_table_add(&t, PC_AMD_HT_START, PC_AMD_HT_SIZE, E820_RESERVED,
                   &error_abort);
    g_assert_true(pc_e820_layout_at(&t, 3 * GiB, above,
                                    PC_AMD_ABOVE_1TB_START, &error_abort));
    check_table(&t, want, ARRAY_SIZE(want));
    g_assert_cmpuint(e820_table_ram_kib(&t, 0, UINT64_MAX), ==,
                     (1024 * GiB - (PC_EBDA_END - PC_LOW_RAM_END) -
                      (PC_HIGH_RAM_START - PC_EBDA_END)) / KiB);
    /* Below 4 GiB is not a place for it. */
    g_assert_false(pc_e820_layout_at(&t, 3 * GiB, above, 2 * GiB, &err));
    error_free(err);
    e820_table_clear(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/e820/add/table", test_add_table);
    g_test_add_func("/e820/add/invalid", test_add_invalid);
    g_test_add_func("/e820/add/random", test_add_random);
    g_test_add_func("/e820/pc/ram-split", test_ram_split);
    g_test_add_func("/e820/pc/layout", test_pc_layout);
    g_test_add_func("/e820/pc/layout-reserved", test_pc_layout_reserved);
    g_test_add_func("/e820/pc/ram-layout", test_pc_ram_layout);
    g_test_add_func("/e820/pc/layout-above-1t", test_pc_layout_above_1t);
    return g_test_run();
}
