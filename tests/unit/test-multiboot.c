/*
 * test-multiboot.c: unit tests for hw/i386/multiboot.c: the header search,
 * ELF32 and a.out kludge kernels, the -initrd module syntax, the
 * multiboot_info / memory map / module list layout, and malformed kernels
 * (errors, never crashes, also under random corruption).
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/i386/multiboot.h"

#define HDR_OFF 0x1000      /* multiboot header offset in the files below */

static void put_header(uint8_t *f, size_t off, uint32_t flags)
{
    stl_le_p(f + off, MULTIBOOT_HEADER_MAGIC);
    stl_le_p(f + off + 4, flags);
    stl_le_p(f + off + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/*
 * a.out kludge kernel: text from file offset 0 loaded at 1 MiB, the header
 * at HDR_OFF, 0x3000 bytes loaded, bss to 0x105000, entry 0x100040.
 */
static uint8_t *make_aout(size_t *size)
{
    uint8_t *f = g_malloc0(0x4000);

    put_header(f, HDR_OFF, MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_PAGE_ALIGN |
               MULTIBOOT_MEMORY_INFO);
    stl_le_p(f + HDR_OFF + 12, 0x100000 + HDR_OFF);
    stl_le_p(f + HDR_OFF + 16, 0x100000);
    stl_le_p(f + HDR_OFF + 20, 0x103000);
    stl_le_p(f + HDR_OFF + 24, 0x105000);
    stl_le_p(f + HDR_OFF + 28, 0x100040);
    *size = 0x4000;
    return f;
}

/* ELF32 kernel: two PT_LOADs, the second with bss; entry virtual. */
static uint8_t *make_elf32(size_t *size)
{
    uint8_t *f = g_malloc0(0x3000);
    uint8_t *ph = f + 52;

    memcpy(f, "\x7f" "ELF", 4);
    f[4] = 1;
    f[5] = 1;
    f[6] = 1;
    stw_le_p(f + 16, 2);
    stw_le_p(f + 18, 3);
    stl_le_p(f + 24, 0xc0100010);           /* entry, virtual */
    stl_le_p(f + 28, 52);
    stw_le_p(f + 40, 52);
    stw_le_p(f + 42, 32);
    stw_le_p(f + 44, 2);
    stl_le_p(ph, 1);
    stl_le_p(ph + 4, 0x1000);
    stl_le_p(ph + 8, 0xc0100000);
    stl_le_p(ph + 12, 0x100000);
    stl_le_p(ph + 16, 0x1000);
    stl_le_p(ph + 20, 0x1000);
    ph += 32;
    stl_le_p(ph, 1);
    stl_le_p(ph + 4, 0x2000);
    stl_le_p(ph + 8, 0xc0200000);
    stl_le_p(ph + 12, 0x200000);
    stl_le_p(ph + 16, 0x800);
    stl_le_p(ph + 20, 0x2345);
    put_header(f, HDR_OFF, MULTIBOOT_PAGE_ALIGN);
    *size = 0x3000;
    return f;
}

static E820Table test_e820;

static X86BootLayout make_layout(uint64_t ram)
{
    uint64_t below, above;

    pc_ram_split(ram, 0, true, &below, &above);
    e820_table_clear(&test_e820);
    g_assert_true(pc_e820_layout(&test_e820, below, above, &error_abort));
    return (X86BootLayout){
        .below_4g_mem_size = below, .above_4g_mem_size = above, .e820 = &test_e820,
    };
}

static void expect_error(const uint8_t *f, size_t size, const char *msg)
{
    MultibootKernel k;
    Error *err = NULL;

    g_assert_false(multiboot_parse(f, size, &k, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_parse_aout(void)
{
    size_t size;
    g_autofree uint8_t *f = make_aout(&size);
    MultibootKernel k;

    g_assert_true(multiboot_probe(f, size));
    g_assert_true(multiboot_parse(f, size, &k, &error_abort));
    g_assert_cmpuint(k.header_offset, ==, HDR_OFF);
    g_assert_cmpuint(k.nr_segments, ==, 1);
    g_assert_cmphex(k.segments[0].paddr, ==, 0x100000);
    g_assert_cmphex(k.segments[0].offset, ==, 0);
    g_assert_cmphex(k.segments[0].filesz, ==, 0x3000);
    g_assert_cmphex(k.segments[0].memsz, ==, 0x5000);
    g_assert_cmphex(k.entry, ==, 0x100040);
    g_assert_cmphex(k.kernel_end, ==, 0x105000);
    g_assert_false(k.wants_video);

    /* load_end 0: to the end of the file; bss_end 0: no bss */
    stl_le_p(f + HDR_OFF + 20, 0);
    stl_le_p(f + HDR_OFF + 24, 0);
    g_assert_true(multiboot_parse(f, size, &k, &error_abort));
    g_assert_cmphex(k.segments[0].filesz, ==, 0x4000);
    g_assert_cmphex(k.segments[0].memsz, ==, 0x4000);

    /* text starting before the file's start of header: offset shifts */
    stl_le_p(f + HDR_OFF + 12, 0x100000 + 0x800);
    g_assert_true(multiboot_parse(f, size, &k, &error_abort));
    g_assert_cmphex(k.segments[0].offset, ==, HDR_OFF - 0x800);
}

static void test_parse_elf(void)
{
    size_t size;
    g_autofree uint8_t *f = make_elf32(&size);
    MultibootKernel k;

    g_assert_true(multiboot_parse(f, size, &k, &error_abort));
    g_assert_cmpuint(k.nr_segments, ==, 2);
    g_assert_cmphex(k.segments[1].paddr, ==, 0x200000);
    g_assert_cmphex(k.segments[1].filesz, ==, 0x800);
    g_assert_cmphex(k.segments[1].memsz, ==, 0x2345);
    g_assert_cmphex(k.entry, ==, 0x100010);
    g_assert_cmphex(k.kernel_end, ==, 0x202345);

    /* video mode: parsed, the caller warns as QEMU does */
    put_header(f, HDR_OFF, MULTIBOOT_VIDEO_MODE);
    g_assert_true(multiboot_parse(f, size, &k, &error_abort));
    g_assert_true(k.wants_video);
}

static void test_malformed(void)
{
    size_t size;
    g_autofree uint8_t *f = make_aout(&size);
    g_autofree uint8_t *orig = g_memdup2(f, size);
    g_autofree uint8_t *late = g_malloc0(0x4000);
    g_autofree uint8_t *e = NULL;

    expect_error(f, 0, "no multiboot header in the first 8192 bytes");
    expect_error(f, HDR_OFF + 8, "no multiboot header in the first 8192 bytes");
    /* header beyond the search window */
    put_header(late, 8192, 0);
    expect_error(late, 0x4000, "no multiboot header in the first 8192 bytes");
    g_assert_false(multiboot_probe(late, 0x4000));
    /* a header cut by the end of the file */
    expect_error(f, HDR_OFF + 20, "multiboot header is truncated");

    stl_le_p(f + HDR_OFF + 8, 0);
    expect_error(f, size, "multiboot header has a bad checksum");
    g_assert_false(multiboot_probe(f, size));
    memcpy(f, orig, size);
    /* unknown required bits load anyway, as in QEMU, and are reported */
    put_header(f, HDR_OFF, MULTIBOOT_AOUT_KLUDGE | (1 << 5) | MULTIBOOT_PAGE_ALIGN);
    {
        MultibootKernel k;

        g_assert_true(multiboot_parse(f, size, &k, &error_abort));
        g_assert_cmphex(k.unsupported_flags, ==, 0x20);
    }

    memcpy(f, orig, size);
    stl_le_p(f + HDR_OFF + 16, 0x200000);       /* load above header */
    expect_error(f, size, "invalid load_addr address");
    memcpy(f, orig, size);
    stl_le_p(f + HDR_OFF + 12, 0x100000 + HDR_OFF + 4);  /* text before the file */
    expect_error(f, size, "invalid header_addr address");
    memcpy(f, orig, size);
    stl_le_p(f + HDR_OFF + 20, 0xff000);        /* load_end below load */
    expect_error(f, size, "invalid load_end_addr address");
    memcpy(f, orig, size);
    stl_le_p(f + HDR_OFF + 20, 0x104001);       /* more than the file holds */
    expect_error(f, size, "invalid load_end_addr address");
    memcpy(f, orig, size);
    stl_le_p(f + HDR_OFF + 24, 0x102000);       /* bss_end inside the text */
    expect_error(f, size, "invalid bss_end_addr address");
    memcpy(f, orig, size);
    stl_le_p(f + HDR_OFF + 28, 0x200000);
    expect_error(f, size, "invalid entry_addr address");
    memcpy(f, orig, size);
    stl_le_p(f + HDR_OFF + 12, 0xffffe000 + HDR_OFF);
    stl_le_p(f + HDR_OFF + 16, 0xffffe000);
    stl_le_p(f + HDR_OFF + 20, 0);
    stl_le_p(f + HDR_OFF + 24, 0);
    expect_error(f, size, "kernel does not fit in address space");

    e = make_elf32(&size);
    memcpy(orig, e, size);
    e[4] = 2;
    expect_error(e, size, "Cannot load x86-64 image, give a 32bit one.");
    memcpy(e, orig, size);
    stw_le_p(e + 44, 0xffff);
    expect_error(e, size, "invalid ELF program headers");
    memcpy(e, orig, size);
    stl_le_p(e + 52 + 16, 0x3000);
    expect_error(e, size, "ELF segment 0 extends beyond the end of the file");
    memcpy(e, orig, size);
    stl_le_p(e + 52 + 20, 0x10);
    expect_error(e, size, "invalid ELF segment 0");
    memcpy(e, orig, size);
    stl_le_p(e + 24, 0x12345678);
    expect_error(e, size, "ELF entry point 0x12345678 is outside the kernel");
    memcpy(e, orig, size);
    e[0] = 0;
    expect_error(e, size, "multiboot kernel is not ELF and has no a.out kludge");
}

static void test_split_modules(void)
{
    static const struct {
        const char *in;
        const char *out[4];
    } cases[] = {
        { "a", { "a" } },
        { "mod1 arg,mod2", { "mod1 arg", "mod2" } },
        { "m a,,b,n", { "m a,b", "n" } },
        { "x,,,y", { "x,", "y" } },
        { ",a,,", { "a," } },
        { "", { NULL } },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        g_auto(GStrv) mods = multiboot_split_modules(cases[i].in);
        unsigned n = 0;

        for (; cases[i].out[n]; n++) {
            g_assert_cmpstr(mods[n], ==, cases[i].out[n]);
        }
        g_assert_null(mods[n]);
    }
    {
        g_autofree char *p = multiboot_module_path("/tmp/mod 1 2");
        g_autofree char *q = multiboot_module_path("/tmp/mod");

        g_assert_cmpstr(p, ==, "/tmp/mod");
        g_assert_cmpstr(q, ==, "/tmp/mod");
    }
}

static void test_setup(void)
{
    size_t size;
    g_autofree uint8_t *f = make_elf32(&size);
    X86BootLayout layout = make_layout(128 * MiB);
    g_auto(GStrv) mods = multiboot_split_modules("/m/one a b,/m/two");
    size_t sizes[2] = { 0x1234, 0x3000 };
    uint64_t addrs[2];
    const X86BootBlob *info, *strs;
    const uint8_t *mbi;
    MultibootKernel k;
    X86BootPlan plan;
    uint32_t mods_addr;

    g_assert_true(multiboot_parse(f, size, &k, &error_abort));
    g_assert_true(multiboot_setup(&k, &layout, "/k/kernel.elf", "debug=1", mods,
                                  sizes, 2, addrs, &plan, &error_abort));
    /*
     * QEMU's layout: the list and strings page aligned after the kernel
     * (which ends at 0x202345), then the modules page aligned.
     */
    g_assert_cmphex(addrs[0], ==, 0x204000);
    g_assert_cmphex(addrs[1], ==, 0x206000);

    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_PROT32);
    g_assert_cmphex(plan.cpu.rax, ==, 0x2badb002);
    g_assert_cmphex(plan.cpu.rbx, ==, MULTIBOOT_INFO_ADDR);
    g_assert_cmphex(plan.cpu.rip, ==, 0x100010);
    g_assert_cmphex(plan.cpu.cs.selector, ==, 0x10);
    g_assert_cmpuint(plan.cpu.cs.db, ==, 1);
    g_assert_cmphex(plan.cpu.ds.selector, ==, 0x18);
    g_assert_cmphex(plan.cpu.cr0 & 0x80000001, ==, 1);

    info = x86_boot_plan_find(&plan, "multiboot info");
    g_assert_cmphex(info->addr, ==, MULTIBOOT_INFO_ADDR);
    mbi = info->data;
    g_assert_cmphex(ldl_le_p(mbi), ==, 0x24f);
    g_assert_cmpuint(ldl_le_p(mbi + 4), ==, 640);
    g_assert_cmpuint(ldl_le_p(mbi + 8), ==, 127 * 1024);
    g_assert_cmphex(ldl_le_p(mbi + 12), ==, 0x8000ffff);
    g_assert_cmpuint(ldl_le_p(mbi + 20), ==, 2);

    strs = x86_boot_plan_find(&plan, "multiboot strings");
    g_assert_cmphex(strs->addr, ==, 0x203000);
#define STR_AT(a) ((const char *)strs->data + ((a) - strs->addr))
    g_assert_cmpstr(STR_AT(ldl_le_p(mbi + 16)), ==, "/k/kernel.elf debug=1");
    g_assert_cmpstr(STR_AT(ldl_le_p(mbi + 64)), ==, "qemu");
    mods_addr = ldl_le_p(mbi + 24);
    g_assert_cmphex(mods_addr, ==, strs->addr);
    for (unsigned i = 0; i < 2; i++) {
        const uint8_t *m = strs->data + (mods_addr - strs->addr) + i * 16;

        g_assert_cmphex(ldl_le_p(m), ==, addrs[i]);
        g_assert_cmphex(ldl_le_p(m + 4), ==, addrs[i] + sizes[i]);
        g_assert_cmpstr(STR_AT(ldl_le_p(m + 8)), ==, i ? "/m/two" : "/m/one a b");
        g_assert_cmpuint(ldl_le_p(m + 12), ==, 0);
    }
    /* memory map: 24-byte entries whose size field says 20 */
    g_assert_cmpuint(ldl_le_p(mbi + 44), ==, test_e820.count * 24);
    g_assert_cmphex(ldl_le_p(mbi + 48), ==, 0x9000);
    g_assert_cmphex(MULTIBOOT_INFO_ADDR, ==, 0x9500);
    g_assert_cmphex(x86_boot_plan_find(&plan, "multiboot mmap")->addr, ==, 0x9000);
    for (unsigned i = 0; i < test_e820.count; i++) {
        const uint8_t *e = x86_boot_plan_find(&plan, "multiboot mmap")->data + i * 24;

        g_assert_cmpuint(ldl_le_p(e), ==, 20);
        g_assert_cmphex(ldq_le_p(e + 4), ==, test_e820.entries[i].addr);
        g_assert_cmphex(ldq_le_p(e + 12), ==, test_e820.entries[i].size);
        g_assert_cmpuint(ldl_le_p(e + 20), ==, test_e820.entries[i].type);
    }
    g_assert_cmpuint(x86_boot_plan_find(&plan, "kernel segment")->size, ==, 0x1000);
    x86_boot_plan_clear(&plan);

    /* no append, no modules: "<path> " as QEMU builds it */
    g_assert_true(multiboot_setup(&k, &layout, "k", NULL, NULL, NULL, 0, NULL,
                                  &plan, &error_abort));
    info = x86_boot_plan_find(&plan, "multiboot info");
    strs = x86_boot_plan_find(&plan, "multiboot strings");
    g_assert_cmpstr(STR_AT(ldl_le_p(info->data + 16)), ==, "k ");
    g_assert_cmpuint(ldl_le_p(info->data + 20), ==, 0);
    /* QEMU points mods_addr at the (empty) list all the same */
    g_assert_cmphex(ldl_le_p(info->data + 24), ==, strs->addr);
    x86_boot_plan_clear(&plan);
}

static void test_setup_errors(void)
{
    size_t size;
    g_autofree uint8_t *f = make_elf32(&size);
    X86BootLayout layout = make_layout(4 * MiB);
    char *specs[] = { (char *)"big", NULL };
    size_t sizes[1] = { 8 * MiB };
    uint64_t addrs[1];
    MultibootKernel k;
    X86BootPlan plan;
    Error *err = NULL;

    g_assert_true(multiboot_parse(f, size, &k, &error_abort));
    g_assert_false(multiboot_setup(&k, &layout, "k", "", specs, sizes, 1, addrs,
                                   &plan, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "multiboot modules do not fit in "
                    "guest RAM (module 0, 8388608 bytes)");
    error_free(err);
    err = NULL;
    x86_boot_plan_clear(&plan);

    layout = make_layout(2 * MiB);
    g_assert_false(multiboot_setup(&k, &layout, "k", "", NULL, NULL, 0, NULL, &plan,
                                   &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "kernel segment at 0x200000 "
                    "(0x2345 bytes) is outside guest RAM above 1 MiB");
    error_free(err);
    x86_boot_plan_clear(&plan);
}

static unsigned fuzz_parsed, fuzz_planned, fuzz_failed;

static void fuzz_one(const uint8_t *orig, size_t size, GRand *r, size_t lo,
                     size_t hi)
{
    g_autofree uint8_t *f = g_memdup2(orig, size);
    X86BootLayout layout = make_layout(64 * MiB);
    size_t cut = size, sizes[1] = { g_rand_int_range(r, 0, 8 * MiB) };
    char *specs[] = { (char *)"m", NULL };
    int n = g_rand_int_range(r, 1, 6);
    uint64_t addrs[1];
    MultibootKernel k;
    X86BootPlan plan;
    Error *err = NULL;

    for (int i = 0; i < n; i++) {
        size_t at = g_rand_int_range(r, lo, hi);

        f[at] = g_rand_boolean(r) ? g_rand_int(r) : (g_rand_boolean(r) ? 0 : 0xff);
    }
    /* keep the checksum right half of the time so the fields get used */
    if (g_rand_boolean(r)) {
        stl_le_p(f + HDR_OFF + 8, -(ldl_le_p(f + HDR_OFF) + ldl_le_p(f + HDR_OFF + 4)));
    }
    if (g_rand_int_range(r, 0, 4) == 0) {
        cut = g_rand_int_range(r, 0, size + 1);
    }
    {
        g_autofree uint8_t *g = g_memdup2(f, cut ? cut : 1);

        if (multiboot_parse(g, cut, &k, &err)) {
            fuzz_parsed++;
            if (!multiboot_setup(&k, &layout, "k", "a", specs, sizes, 1, addrs, &plan,
                                 &err)) {
                error_free_or_abort(&err);
            } else {
                fuzz_planned++;
            }
            x86_boot_plan_clear(&plan);
        } else {
            fuzz_failed++;
            error_free_or_abort(&err);
        }
    }
}

static void test_fuzz(void)
{
    size_t asize, esize;
    g_autofree uint8_t *aout = make_aout(&asize);
    g_autofree uint8_t *elf = make_elf32(&esize);
    GRand *r = g_rand_new_with_seed(1993);

    for (int i = 0; i < 2000; i++) {
        fuzz_one(aout, asize, r, HDR_OFF, HDR_OFF + 32);
        fuzz_one(elf, esize, r, 0, 52 + 64);
    }
    g_rand_free(r);
    /* both outcomes must be common, or the loop tests little */
    g_test_message("parsed %u (planned %u), rejected %u", fuzz_parsed, fuzz_planned,
                   fuzz_failed);
    g_assert_cmpuint(fuzz_planned, >, 200);
    g_assert_cmpuint(fuzz_failed, >, 200);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    e820_table_init(&test_e820);
    g_test_add_func("/multiboot/parse/aout", test_parse_aout);
    g_test_add_func("/multiboot/parse/elf", test_parse_elf);
    g_test_add_func("/multiboot/parse/malformed", test_malformed);
    g_test_add_func("/multiboot/modules/split", test_split_modules);
    g_test_add_func("/multiboot/setup/layout", test_setup);
    g_test_add_func("/multiboot/setup/errors", test_setup_errors);
    g_test_add_func("/multiboot/fuzz", test_fuzz);
    ret = g_test_run();
    e820_table_clear(&test_e820);
    return ret;
}
