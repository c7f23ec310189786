/*
 * test-linux-boot.c: unit tests for hw/i386/x86-linux-boot.c: bzImage
 * header parsing across boot protocol versions, the zero page and the boot
 * plan, initrd placement, ELF/PVH kernels, the Debian kernel when the host
 * has one, and malformed files (which must fail cleanly, never crash).
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/i386/x86-linux-boot.h"

typedef struct BzSpec {
    uint16_t version;
    uint8_t setup_sects;        /* as stored: 0 means 4 */
    bool relocatable;
    bool xlf64;
    size_t payload;
} BzSpec;

/* A bzImage with only the header: what the loader reads. */
static uint8_t *make_bzimage(const BzSpec *s, size_t *size)
{
    unsigned sects = s->setup_sects ? s->setup_sects : 4;
    size_t setup = (sects + 1) * 512;
    uint8_t *f = g_malloc0(setup + s->payload);

    f[0x1f1] = s->setup_sects;
    stw_le_p(f + 0x1fe, 0xaa55);
    f[0x200] = 0xeb;
    f[0x201] = s->version >= 0x20c ? 0x6a : 0x44;     /* header length */
    stl_le_p(f + 0x202, 0x53726448);
    stw_le_p(f + 0x206, s->version);
    f[0x211] = 0x01;                                 /* LOADED_HIGH */
    stl_le_p(f + 0x214, 0x100000);
    stl_le_p(f + 0x22c, 0x7fffffff);
    stl_le_p(f + 0x230, 0x200000);
    f[0x234] = s->relocatable;
    stw_le_p(f + 0x236, s->xlf64 ? 0x7f : 0);
    stl_le_p(f + 0x238, 2047);
    stq_le_p(f + 0x258, 0x1000000);
    stl_le_p(f + 0x260, 0x800000);
    for (size_t i = 0; i < s->payload; i++) {
        f[setup + i] = i * 7;
    }
    *size = setup + s->payload;
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

static void expect_parse_error(const uint8_t *f, size_t size, const char *msg)
{
    X86LinuxKernel k;
    Error *err = NULL;

    g_assert_false(x86_linux_parse(f, size, &k, &err));
    g_assert_nonnull(err);
    if (msg) {
        g_assert_cmpstr(error_get_pretty(err), ==, msg);
    }
    error_free(err);
}

static const struct VersionCase {
    BzSpec spec;
    bool want64, want_pref;
    uint32_t initrd_max, cmdline_size;
} version_cases[] = {
    { { 0x202, 8, false, false, 0x4000 }, false, false, 0x37ffffff, 255 },
    { { 0x206, 0, false, false, 0x4000 }, false, false, 0x7fffffff, 2047 },
    { { 0x20a, 16, true, false, 0x4000 }, false, false, 0x7fffffff, 2047 },
    { { 0x20c, 27, true, true, 0x4000 }, true, true, 0x7fffffff, 2047 },
    { { 0x20c, 27, false, true, 0x4000 }, true, false, 0x7fffffff, 2047 },
    { { 0x20f, 0, true, true, 0x4000 }, true, true, 0x7fffffff, 2047 },
    { { 0x20f, 39, true, false, 0x4000 }, false, false, 0x7fffffff, 2047 },
};

static void test_bzimage_versions(void)
{
    for (unsigned c = 0; c < ARRAY_SIZE(version_cases); c++) {
        const struct VersionCase *vc = &version_cases[c];
        X86BootLayout layout = make_layout(512 * MiB);
        size_t size, setup = ((vc->spec.setup_sects ?: 4) + 1) * 512;
        g_autofree uint8_t *f = make_bzimage(&vc->spec, &size);
        uint64_t load = vc->want_pref ? 0x1000000 : 0x100000;
        const X86BootBlob *zp, *kern, *cl;
        X86LinuxKernel k;
        X86BootPlan plan;
        const uint8_t *bp;

        g_test_message("protocol %x setup_sects %u", vc->spec.version,
                       vc->spec.setup_sects);
        layout.rsdp_addr = 0xf5a40;
        g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
        g_assert_cmpint(k.kind, ==, X86_LINUX_BZIMAGE);
        g_assert_cmphex(k.protocol, ==, vc->spec.version);
        g_assert_cmpuint(k.setup_size, ==, setup);
        g_assert_cmpuint(k.payload_offset, ==, setup);
        g_assert_cmpuint(k.payload_size, ==, vc->spec.payload);
        g_assert_cmphex(k.initrd_addr_max, ==, vc->initrd_max);
        g_assert_cmpuint(k.cmdline_size, ==, vc->cmdline_size);
        g_assert_cmpint(k.relocatable, ==,
                        vc->spec.relocatable && vc->spec.version >= 0x205);

        g_assert_true(x86_linux_setup(&k, &layout, "console=ttyS0", 0x10000, &plan,
                                      &error_abort));
        kern = x86_boot_plan_find(&plan, "kernel");
        g_assert_nonnull(kern);
        g_assert_cmphex(kern->addr, ==, load);
        g_assert_true(kern->data == f + setup);
        g_assert_cmpuint(kern->size, ==, vc->spec.payload);
        cl = x86_boot_plan_find(&plan, "cmdline");
        g_assert_cmphex(cl->addr, ==, X86_BOOT_CMDLINE_ADDR);
        g_assert_cmpstr((const char *)cl->data, ==, "console=ttyS0");
        g_assert_false(plan.cmdline_truncated);

        /* initrd: highest page below the ACPI area at the top of RAM */
        g_assert_cmphex(plan.initrd_addr, ==,
                        QEMU_ALIGN_DOWN(512 * MiB - X86_BOOT_ACPI_DATA_SIZE - 0x10000,
                                        4096));
        g_assert_cmphex(plan.initrd_size, ==, 0x10000);

        if (vc->want64) {
            zp = x86_boot_plan_find(&plan, "zero page");
            g_assert_nonnull(zp);
            g_assert_cmphex(zp->addr, ==, X86_BOOT_ZERO_PAGE_ADDR);
            g_assert_cmpuint(zp->size, ==, 4096);
            bp = zp->data;
            g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_LONG64);
            g_assert_cmphex(plan.cpu.rip, ==, load + 0x200);
            g_assert_cmphex(plan.cpu.rsi, ==, X86_BOOT_ZERO_PAGE_ADDR);
            g_assert_cmphex(plan.cpu.cr3, ==, X86_BOOT_PGTABLE_ADDR);
            g_assert_cmphex(plan.cpu.efer, ==, 0x500);
            g_assert_cmphex(plan.cpu.cs.selector, ==, 0x10);
            g_assert_cmpuint(plan.cpu.cs.l, ==, 1);
            g_assert_cmphex(plan.cpu.ds.selector, ==, 0x18);
            g_assert_nonnull(x86_boot_plan_find(&plan, "page tables"));
            g_assert_nonnull(x86_boot_plan_find(&plan, "gdt"));
            g_assert_null(x86_boot_plan_find(&plan, "setup"));
            g_assert_cmphex(ldq_le_p(bp + BP_ACPI_RSDP), ==, 0xf5a40);
            /* nothing else before the header: the sentinel stays 0 */
            for (unsigned i = 0; i < BP_HDR; i++) {
                if (i == BP_E820_ENTRIES ||
                    (i >= BP_ACPI_RSDP && i < BP_ACPI_RSDP + 8)) {
                    continue;
                }
                g_assert_cmpuint(bp[i], ==, 0);
            }
        } else {
            const X86BootBlob *setup_blob = x86_boot_plan_find(&plan, "setup");

            g_assert_nonnull(setup_blob);
            g_assert_null(x86_boot_plan_find(&plan, "zero page"));
            g_assert_cmphex(setup_blob->addr, ==, X86_BOOT_REAL_ADDR);
            g_assert_cmpuint(setup_blob->size, ==, setup);
            bp = setup_blob->data;
            g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_REAL16);
            g_assert_cmphex(plan.cpu.cs.selector, ==, 0x1020);
            g_assert_cmphex(plan.cpu.cs.base, ==, 0x10200);
            g_assert_cmphex(plan.cpu.ds.selector, ==, 0x1000);
            g_assert_cmphex(plan.cpu.ss.selector, ==, 0x1000);
            g_assert_cmphex(plan.cpu.rip, ==, 0);
            g_assert_cmphex(plan.cpu.rsp, ==, 0xe000);
        }
        /* the header as the file has it, plus the loader's fields */
        g_assert_cmpuint(bp[0x1f1], ==, vc->spec.setup_sects);
        g_assert_cmphex(ldl_le_p(bp + 0x202), ==, 0x53726448);
        g_assert_cmphex(lduw_le_p(bp + 0x206), ==, vc->spec.version);
        g_assert_cmphex(lduw_le_p(bp + 0x1fe), ==, 0xaa55);
        g_assert_cmphex(lduw_le_p(bp + 0x1fa), ==, 0xffff);
        g_assert_cmphex(bp[0x210], ==, X86_LINUX_LOADER_ID);
        g_assert_cmphex(bp[0x211], ==, LINUX_LOADED_HIGH | LINUX_CAN_USE_HEAP);
        g_assert_cmphex(ldl_le_p(bp + 0x214), ==, load);
        g_assert_cmphex(ldl_le_p(bp + 0x218), ==, plan.initrd_addr);
        g_assert_cmphex(ldl_le_p(bp + 0x21c), ==, 0x10000);
        g_assert_cmphex(lduw_le_p(bp + 0x224), ==, 0xde00);
        g_assert_cmphex(ldl_le_p(bp + 0x228), ==, X86_BOOT_CMDLINE_ADDR);
        if (vc->want64) {
            /* e820 in the zero page */
            g_assert_cmpuint(bp[BP_E820_ENTRIES], ==, test_e820.count);
            for (unsigned i = 0; i < test_e820.count; i++) {
                const uint8_t *e = bp + BP_E820_TABLE + i * 20;

                g_assert_cmphex(ldq_le_p(e), ==, test_e820.entries[i].addr);
                g_assert_cmphex(ldq_le_p(e + 8), ==, test_e820.entries[i].size);
                g_assert_cmphex(ldl_le_p(e + 16), ==, test_e820.entries[i].type);
            }
        }
        x86_boot_plan_clear(&plan);
    }
}

/* Identity-mapped 4 GiB with 2 MiB pages. */
static void test_page_tables(void)
{
    BzSpec spec = { 0x20f, 0, true, true, 0x4000 };
    X86BootLayout layout = make_layout(128 * MiB);
    size_t size;
    g_autofree uint8_t *f = make_bzimage(&spec, &size);
    const X86BootBlob *pt;
    X86LinuxKernel k;
    X86BootPlan plan;

    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_true(x86_linux_setup(&k, &layout, "", 0, &plan, &error_abort));
    pt = x86_boot_plan_find(&plan, "page tables");
    g_assert_cmpuint(pt->size, ==, 6 * 4096);
    g_assert_cmphex(ldq_le_p(pt->data), ==, (X86_BOOT_PGTABLE_ADDR + 0x1000) | 3);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(ldq_le_p(pt->data + 0x1000 + i * 8), ==,
                        (X86_BOOT_PGTABLE_ADDR + 0x2000 + i * 0x1000) | 3);
    }
    g_assert_cmphex(ldq_le_p(pt->data + 0x2000), ==, 0x83);
    g_assert_cmphex(ldq_le_p(pt->data + 0x2000 + 8), ==, 0x200000 | 0x83);
    g_assert_cmphex(ldq_le_p(pt->data + 0x5000 + 511 * 8), ==, 0xffe00000ULL | 0x83);
    /* no initrd: ramdisk fields zero */
    g_assert_cmphex(plan.initrd_size, ==, 0);
    /* a relocatable kernel whose init_size does not fit at pref_address */
    x86_boot_plan_clear(&plan);
    layout = make_layout(20 * MiB);
    g_assert_true(x86_linux_setup(&k, &layout, "", 0, &plan, &error_abort));
    g_assert_cmphex(x86_boot_plan_find(&plan, "kernel")->addr, ==, 0x100000);
    x86_boot_plan_clear(&plan);
    /* forced 16-bit entry */
    layout = make_layout(128 * MiB);
    layout.force_16bit_entry = true;
    g_assert_true(x86_linux_setup(&k, &layout, "", 0, &plan, &error_abort));
    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_REAL16);
    g_assert_cmphex(x86_boot_plan_find(&plan, "kernel")->addr, ==, 0x100000);
    x86_boot_plan_clear(&plan);
}

static void test_initrd(void)
{
    BzSpec spec = { 0x20f, 0, true, true, 0x4000 };
    X86BootLayout layout = make_layout(128 * MiB);
    size_t size;
    g_autofree uint8_t *f = make_bzimage(&spec, &size);
    X86LinuxKernel k;
    X86BootPlan plan;
    Error *err = NULL;
    /* kernel at 16 MiB + init_size 8 MiB: the initrd must stay above */
    uint64_t avail = 128 * MiB - X86_BOOT_ACPI_DATA_SIZE - 24 * MiB;
    g_autofree char *msg = NULL;

    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_true(x86_linux_setup(&k, &layout, "", avail, &plan, &error_abort));
    g_assert_cmphex(plan.initrd_addr, ==, 24 * MiB);
    x86_boot_plan_clear(&plan);

    g_assert_false(x86_linux_setup(&k, &layout, "", avail + 1, &plan, &err));
    msg = g_strdup_printf("initrd is too large, cannot support.(max: %" PRIu64
                          ", need %" PRIu64 ")", avail, avail + 1);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    err = NULL;
    x86_boot_plan_clear(&plan);

    /* initrd_addr_max below the RAM top wins */
    stl_le_p(f + 0x22c, 0x3fffffff / 16);       /* 64 MiB - 1 */
    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_true(x86_linux_setup(&k, &layout, "", 0x100001, &plan, &error_abort));
    g_assert_cmphex(plan.initrd_addr, ==, 64 * MiB - 0x101000);
    g_assert_cmphex(plan.initrd_addr + plan.initrd_size, <=, 64 * MiB);
    x86_boot_plan_clear(&plan);

    /* the machine's own ceiling (tables at the top of RAM) */
    stl_le_p(f + 0x22c, 0x7fffffff);
    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    layout.initrd_ceiling = 100 * MiB;
    g_assert_true(x86_linux_setup(&k, &layout, "", 4096, &plan, &error_abort));
    g_assert_cmphex(plan.initrd_addr, ==, 100 * MiB - 4096);
    x86_boot_plan_clear(&plan);
}

static void test_cmdline(void)
{
    BzSpec spec = { 0x20f, 0, true, true, 0x4000 };
    X86BootLayout layout = make_layout(128 * MiB);
    size_t size;
    g_autofree uint8_t *f = make_bzimage(&spec, &size);
    g_autofree char *long_line = g_strnfill(3000, 'a');
    g_autofree char *huge_line = g_strnfill(X86_BOOT_CMDLINE_MAX, 'a');
    X86LinuxKernel k;
    X86BootPlan plan;
    Error *err = NULL;

    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    /* longer than cmdline_size: passed whole (QEMU does), flagged */
    g_assert_true(x86_linux_setup(&k, &layout, long_line, 0, &plan, &error_abort));
    g_assert_true(plan.cmdline_truncated);
    g_assert_cmpuint(x86_boot_plan_find(&plan, "cmdline")->size, ==, 3001);
    x86_boot_plan_clear(&plan);
    /* no room for it below 0x90000: an error */
    g_assert_false(x86_linux_setup(&k, &layout, huge_line, 0, &plan, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "kernel command line too long (458752 bytes, at most 458751)");
    error_free(err);
    x86_boot_plan_clear(&plan);
    /* NULL means empty */
    g_assert_true(x86_linux_setup(&k, &layout, NULL, 0, &plan, &error_abort));
    g_assert_cmpstr((const char *)x86_boot_plan_find(&plan, "cmdline")->data, ==, "");
    x86_boot_plan_clear(&plan);
}

static void test_bzimage_malformed(void)
{
    BzSpec spec = { 0x20f, 0, true, true, 0x4000 };
    size_t size;
    g_autofree uint8_t *f = make_bzimage(&spec, &size);
    X86BootLayout layout = make_layout(128 * MiB);
    X86LinuxKernel k;
    X86BootPlan plan;
    Error *err = NULL;

    expect_parse_error(f, 0, "invalid kernel header");
    expect_parse_error(f, 0x205, "invalid kernel header");
    /* header present, file cut inside the setup code */
    expect_parse_error(f, 0x300, "invalid kernel header");
    expect_parse_error(f, 5 * 512, "invalid kernel header");
    f[0x1f1] = 200;     /* setup beyond the file */
    expect_parse_error(f, size, "invalid kernel header");
    f[0x1f1] = 0;
    f[0x203] = 'X';
    expect_parse_error(f, size, "invalid kernel header");
    f[0x203] = 'd';
    stw_le_p(f + 0x206, 0x201);
    expect_parse_error(f, size, "linux kernel boot protocol 2.01 is too old "
                       "(2.02 or later is needed)");
    stw_le_p(f + 0x206, 0x20f);
    f[0x211] = 0;
    expect_parse_error(f, size, "zImage kernels (not loaded high) are not supported");
    f[0x211] = 1;

    /* a payload too small for the 64-bit entry: 16-bit entry instead */
    g_assert_true(x86_linux_parse(f, 5 * 512 + 0x200, &k, &error_abort));
    g_assert_false(k.xloadflags & LINUX_XLF_KERNEL_64);
    /* does not fit in RAM */
    layout = make_layout(1 * MiB + 0x1000);
    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_false(x86_linux_setup(&k, &layout, "", 0, &plan, &err));
    error_free_or_abort(&err);
    x86_boot_plan_clear(&plan);
}

/* ---- ELF ---- */

typedef struct ElfSpec {
    uint64_t paddr, vaddr, entry;
    bool pvh;
    uint32_t pvh_entry;
} ElfSpec;

/* ELF64 vmlinux: one PT_LOAD of 0x2000 bytes + 0x1000 bss, optional note. */
static uint8_t *make_elf(const ElfSpec *s, size_t *size)
{
    size_t sz = 0x3000;
    uint8_t *f = g_malloc0(sz);
    uint8_t *ph = f + 64;
    unsigned phnum = s->pvh ? 2 : 1;

    memcpy(f, "\x7f" "ELF", 4);
    f[4] = 2;
    f[5] = 1;
    f[6] = 1;
    stw_le_p(f + 16, 2);
    stw_le_p(f + 18, 62);
    stq_le_p(f + 24, s->entry);
    stq_le_p(f + 32, 64);
    stw_le_p(f + 52, 64);
    stw_le_p(f + 54, 56);
    stw_le_p(f + 56, phnum);
    stl_le_p(ph, 1);
    stq_le_p(ph + 8, 0x1000);
    stq_le_p(ph + 16, s->vaddr);
    stq_le_p(ph + 24, s->paddr);
    stq_le_p(ph + 32, 0x2000);
    stq_le_p(ph + 40, 0x3000);
    if (s->pvh) {
        uint8_t *n = f + 0x200;

        ph += 56;
        stl_le_p(ph, 4);
        stq_le_p(ph + 8, 0x200);
        stq_le_p(ph + 32, 0x30);
        /* a foreign note first, then Xen's */
        stl_le_p(n, 4);
        stl_le_p(n + 4, 4);
        stl_le_p(n + 8, 1);
        memcpy(n + 12, "GNU", 4);
        n += 20;
        stl_le_p(n, 4);
        stl_le_p(n + 4, 4);
        stl_le_p(n + 8, 18);
        memcpy(n + 12, "Xen", 4);
        stl_le_p(n + 16, s->pvh_entry);
    }
    *size = sz;
    return f;
}

static void test_elf_pvh(void)
{
    ElfSpec spec = { 0x1000000, 0xffffffff81000000ULL, 0x1000000, true, 0x1000100 };
    X86BootLayout layout = make_layout(256 * MiB);
    size_t size;
    g_autofree uint8_t *f = make_elf(&spec, &size);
    const X86BootBlob *seg, *si;

    layout.rsdp_addr = 0xf0000;
    X86LinuxKernel k;
    X86BootPlan plan;
    uint64_t memmap;

    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_cmpint(k.kind, ==, X86_LINUX_ELF);
    g_assert_true(k.has_pvh_entry);
    g_assert_cmphex(k.pvh_entry, ==, 0x1000100);
    g_assert_cmpuint(k.nr_segments, ==, 1);
    g_assert_true(x86_linux_setup(&k, &layout, "console=ttyS0", 0x5000, &plan,
                                  &error_abort));
    seg = x86_boot_plan_find(&plan, "kernel segment");
    g_assert_cmphex(seg->addr, ==, 0x1000000);
    g_assert_true(seg->data == f + 0x1000);
    g_assert_cmpuint(seg->size, ==, 0x2000);
    g_assert_cmpuint(seg->zero_size, ==, 0x1000);
    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_PROT32);
    g_assert_cmphex(plan.cpu.rip, ==, 0x1000100);
    g_assert_cmphex(plan.cpu.rbx, ==, X86_BOOT_ZERO_PAGE_ADDR);
    g_assert_cmpuint(plan.cpu.cs.db, ==, 1);
    g_assert_cmpuint(plan.cpu.cs.l, ==, 0);
    g_assert_cmphex(plan.cpu.tr.selector, ==, 0x20);
    g_assert_cmphex(plan.cpu.cr0 & 1, ==, 1);

    si = x86_boot_plan_find(&plan, "hvm_start_info");
    g_assert_cmphex(si->addr, ==, X86_BOOT_ZERO_PAGE_ADDR);
    g_assert_cmphex(ldl_le_p(si->data), ==, 0x336ec578);
    g_assert_cmpuint(ldl_le_p(si->data + 4), ==, 1);
    g_assert_cmpuint(ldl_le_p(si->data + 12), ==, 1);
    g_assert_cmphex(ldq_le_p(si->data + 24), ==, X86_BOOT_CMDLINE_ADDR);
    g_assert_cmphex(ldq_le_p(si->data + 32), ==, 0xf0000);
    memmap = ldq_le_p(si->data + 40);
    g_assert_cmpuint(ldl_le_p(si->data + 48), ==, test_e820.count);
    for (unsigned i = 0; i < test_e820.count; i++) {
        const uint8_t *e = si->data + (memmap - si->addr) + i * 24;

        g_assert_cmphex(ldq_le_p(e), ==, test_e820.entries[i].addr);
        g_assert_cmphex(ldq_le_p(e + 8), ==, test_e820.entries[i].size);
        g_assert_cmpuint(ldl_le_p(e + 16), ==, test_e820.entries[i].type);
    }
    {
        const uint8_t *m = si->data + (ldq_le_p(si->data + 16) - si->addr);

        g_assert_cmphex(ldq_le_p(m), ==, plan.initrd_addr);
        g_assert_cmphex(ldq_le_p(m + 8), ==, 0x5000);
        g_assert_cmphex(plan.initrd_addr, ==,
                        256 * MiB - X86_BOOT_ACPI_DATA_SIZE - 0x5000);
    }
    x86_boot_plan_clear(&plan);
}

static void test_elf_64(void)
{
    /* entry given as a virtual address: translated through the segment */
    ElfSpec spec = { 0x1000000, 0xffffffff81000000ULL, 0xffffffff81000040ULL };
    X86BootLayout layout = make_layout(256 * MiB);
    size_t size;
    g_autofree uint8_t *f = make_elf(&spec, &size);
    const X86BootBlob *zp;
    X86LinuxKernel k;
    X86BootPlan plan;

    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_false(k.has_pvh_entry);
    g_assert_cmphex(k.elf_entry, ==, 0x1000040);
    g_assert_true(x86_linux_setup(&k, &layout, "x", 0, &plan, &error_abort));
    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_LONG64);
    g_assert_cmphex(plan.cpu.rip, ==, 0x1000040);
    zp = x86_boot_plan_find(&plan, "zero page");
    g_assert_cmphex(ldl_le_p(zp->data + 0x202), ==, 0x53726448);
    g_assert_cmphex(ldl_le_p(zp->data + 0x228), ==, X86_BOOT_CMDLINE_ADDR);
    g_assert_cmpuint(zp->data[BP_E820_ENTRIES], ==, test_e820.count);
    x86_boot_plan_clear(&plan);
}

static void test_elf_malformed(void)
{
    ElfSpec spec = { 0x1000000, 0x1000000, 0x1000000, true, 0x1000000 };
    size_t size;
    g_autofree uint8_t *f = make_elf(&spec, &size);
    g_autofree uint8_t *orig = g_memdup2(f, size);
    X86BootLayout layout = make_layout(16 * MiB);
    X86LinuxKernel k;
    X86BootPlan plan;
    Error *err = NULL;

    expect_parse_error(f, 40, "not an x86-64 ELF kernel");
    f[4] = 1;
    expect_parse_error(f, size, "not an x86-64 ELF kernel");
    memcpy(f, orig, size);
    stw_le_p(f + 56, 0xffff);       /* phnum huge */
    expect_parse_error(f, size, "invalid ELF program headers");
    memcpy(f, orig, size);
    stq_le_p(f + 32, UINT64_MAX - 8);   /* phoff past EOF */
    expect_parse_error(f, size, "invalid ELF program headers");
    memcpy(f, orig, size);
    stq_le_p(f + 64 + 32, 0x2001);  /* segment past EOF */
    expect_parse_error(f, size, "ELF segment 0 extends beyond the end of the file");
    memcpy(f, orig, size);
    stq_le_p(f + 64 + 8, UINT64_MAX);
    expect_parse_error(f, size, "ELF segment 0 extends beyond the end of the file");
    memcpy(f, orig, size);
    stq_le_p(f + 64 + 24, 0xfffff000);  /* crosses 4 GiB */
    expect_parse_error(f, size, "ELF segment 0 at 0xfffff000 does not fit below 4 GiB");
    memcpy(f, orig, size);
    stl_le_p(f + 0x200 + 20 + 4, 0xfffffffc);   /* note descsz huge */
    expect_parse_error(f, size, "ELF note extends beyond its segment");
    memcpy(f, orig, size);
    stl_le_p(f + 0x200 + 20 + 4, 2);
    expect_parse_error(f, size, "invalid PVH entry note");
    memcpy(f, orig, size);
    stl_le_p(f + 64, 6);    /* the only PT_LOAD becomes PT_PHDR */
    expect_parse_error(f, size, "ELF kernel has nothing to load");

    /* parses, but the segment ends above RAM */
    memcpy(f, orig, size);
    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_false(x86_linux_setup(&k, &layout, "", 0, &plan, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "ELF segment at 0x1000000 (0x3000 "
                    "bytes) is outside guest RAM above 1 MiB");
    error_free(err);
    x86_boot_plan_clear(&plan);
}

/*
 * Random corruption of valid headers: every outcome is success or an
 * error, never a crash or an out-of-bounds read (run under ASan). What
 * parses is also set up, so that the plan code sees odd values too.
 */
static unsigned fuzz_parsed, fuzz_planned, fuzz_failed;

static void fuzz_one(const uint8_t *orig, size_t size, GRand *r, size_t window)
{
    g_autofree uint8_t *f = g_memdup2(orig, size);
    X86BootLayout layout = make_layout(g_rand_boolean(r) ? 64 * MiB : 5 * GiB);
    size_t cut = size;
    int n = g_rand_int_range(r, 1, 8);
    X86LinuxKernel k;
    X86BootPlan plan;
    Error *err = NULL;

    for (int i = 0; i < n; i++) {
        size_t at = g_rand_int_range(r, 0, window);

        f[at] = g_rand_boolean(r) ? g_rand_int(r) : (g_rand_boolean(r) ? 0 : 0xff);
    }
    if (g_rand_int_range(r, 0, 4) == 0) {
        cut = g_rand_int_range(r, 0, size + 1);
    }
    /* a right-sized copy so ASan sees reads past the cut */
    {
        g_autofree uint8_t *g = g_memdup2(f, cut ? cut : 1);

        if (x86_linux_parse(g, cut, &k, &err)) {
            fuzz_parsed++;
            if (!x86_linux_setup(&k, &layout, "console=ttyS0",
                                 g_rand_int_range(r, 0, 64 * MiB), &plan, &err)) {
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
    BzSpec spec = { 0x20f, 0, true, true, 0x4000 };
    ElfSpec espec = { 0x1000000, 0xffffffff81000000ULL, 0x1000000, true, 0x1000100 };
    size_t bsize, esize;
    g_autofree uint8_t *bz = make_bzimage(&spec, &bsize);
    g_autofree uint8_t *elf = make_elf(&espec, &esize);
    GRand *r = g_rand_new_with_seed(2024);

    for (int i = 0; i < 2000; i++) {
        fuzz_one(bz, bsize, r, 0x300);
        fuzz_one(elf, esize, r, 0x240);
    }
    g_rand_free(r);
    /* both outcomes must be common, or the loop tests little */
    g_test_message("parsed %u (planned %u), rejected %u", fuzz_parsed, fuzz_planned,
                   fuzz_failed);
    g_assert_cmpuint(fuzz_planned, >, 200);
    g_assert_cmpuint(fuzz_failed, >, 200);
}

/* The host's Debian kernel: protocol 2.15, 64-bit entry, fits in 512M. */
static void test_real_kernel(void)
{
    g_autoptr(GDir) dir = g_dir_open("/boot", 0, NULL);
    g_autofree char *path = NULL;
    g_autofree gchar *data = NULL;
    X86BootLayout layout = make_layout(512 * MiB);
    const char *name;
    gsize size;
    X86LinuxKernel k;
    X86BootPlan plan;

    while (dir && (name = g_dir_read_name(dir))) {
        if (g_str_has_prefix(name, "vmlinuz-")) {
            path = g_build_filename("/boot", name, NULL);
            break;
        }
    }
    if (!path || !g_file_get_contents(path, &data, &size, NULL)) {
        g_test_skip("no readable /boot/vmlinuz-* on this host");
        return;
    }
    g_test_message("%s", path);
    g_assert_true(x86_linux_parse((uint8_t *)data, size, &k, &error_abort));
    g_assert_cmpint(k.kind, ==, X86_LINUX_BZIMAGE);
    g_assert_cmphex(k.protocol, >=, 0x20c);
    g_assert_true(k.xloadflags & LINUX_XLF_KERNEL_64);
    g_assert_true(k.relocatable);
    g_assert_cmpuint(k.payload_offset + k.payload_size, ==, size);
    g_assert_true(x86_linux_setup(&k, &layout, "console=ttyS0 quiet", 16 * MiB,
                                  &plan, &error_abort));
    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_LONG64);
    g_assert_cmphex(x86_boot_plan_find(&plan, "kernel")->addr, ==, k.pref_address);
    g_assert_cmphex(plan.cpu.rip, ==, k.pref_address + 0x200);
    g_assert_cmphex(plan.initrd_addr, >=, k.pref_address + k.init_size);
    g_assert_cmphex(plan.initrd_addr + plan.initrd_size, <=,
                    MIN((uint64_t)k.initrd_addr_max + 1,
                        512 * MiB - X86_BOOT_ACPI_DATA_SIZE));
    x86_boot_plan_clear(&plan);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    e820_table_init(&test_e820);
    g_test_add_func("/linux-boot/bzimage/versions", test_bzimage_versions);
    g_test_add_func("/linux-boot/bzimage/page-tables", test_page_tables);
    g_test_add_func("/linux-boot/bzimage/initrd", test_initrd);
    g_test_add_func("/linux-boot/bzimage/cmdline", test_cmdline);
    g_test_add_func("/linux-boot/bzimage/malformed", test_bzimage_malformed);
    g_test_add_func("/linux-boot/elf/pvh", test_elf_pvh);
    g_test_add_func("/linux-boot/elf/64bit", test_elf_64);
    g_test_add_func("/linux-boot/elf/malformed", test_elf_malformed);
    g_test_add_func("/linux-boot/fuzz", test_fuzz);
    g_test_add_func("/linux-boot/real-kernel", test_real_kernel);
    ret = g_test_run();
    e820_table_clear(&test_e820);
    return ret;
}
