/*
 * test-linux-unpack.c: unit tests for hw/i386/x86-linux-unpack.c and the
 * boot of an unpacked bzImage: payload magic detection, XZ and gzip
 * bzImages built here from a small ELF (the plan must load the ELF's own
 * bytes and enter it with the bzImage's zero page), damaged payloads (an
 * error, or the guest's own decompressor, never a crash), and the host's
 * Debian kernel when there is one.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/bswap.h"
#include "hw/i386/x86-linux-boot.h"
#if CONFIG_LZMA
#include <lzma.h>
#endif
#if CONFIG_ZLIB
#include <zlib.h>
#endif

#define ELF_PADDR   0x1000000
#define ELF_ENTRY   0x1000040
#define ELF_FILESZ  0x2000
#define ELF_MEMSZ   0x3000

/* An ELF64 vmlinux: one PT_LOAD of ELF_FILESZ bytes at file offset 0x1000. */
static uint8_t *make_elf(size_t *size)
{
    uint8_t *f = g_malloc0(0x1000 + ELF_FILESZ);
    uint8_t *ph = f + 64;

    memcpy(f, "\x7f" "ELF", 4);
    f[4] = 2;
    f[5] = 1;
    f[6] = 1;
    stw_le_p(f + 16, 2);
    stw_le_p(f + 18, 62);
    stq_le_p(f + 24, 0xffffffff81000040ULL);   /* virtual, as linked */
    stq_le_p(f + 32, 64);
    stw_le_p(f + 52, 64);
    stw_le_p(f + 54, 56);
    stw_le_p(f + 56, 1);
    stl_le_p(ph, 1);
    stq_le_p(ph + 8, 0x1000);
    stq_le_p(ph + 16, 0xffffffff81000000ULL);
    stq_le_p(ph + 24, ELF_PADDR);
    stq_le_p(ph + 32, ELF_FILESZ);
    stq_le_p(ph + 40, ELF_MEMSZ);
    for (unsigned i = 0; i < ELF_FILESZ; i++) {
        f[0x1000 + i] = (i * 31) ^ (i >> 8);
    }
    *size = 0x1000 + ELF_FILESZ;
    return f;
}

/* data compressed as the kernel's build does, with its size appended */
static GByteArray *pack(X86LinuxPacking how, const uint8_t *data, size_t size)
{
    GByteArray *out = g_byte_array_new();
    uint8_t len[4];

    g_byte_array_set_size(out, size + 4096);
    switch (how) {
#if CONFIG_LZMA
    case X86_PACK_XZ: {
        size_t pos = 0;

        g_assert_cmpint(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, data,
                                                size, out->data, &pos, out->len),
                        ==, LZMA_OK);
        g_byte_array_set_size(out, pos);
        break;
    }
#endif
#if CONFIG_ZLIB
    case X86_PACK_GZIP: {
        z_stream z = { 0 };

        g_assert_cmpint(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                     Z_DEFAULT_STRATEGY), ==, Z_OK);
        z.next_in = (Bytef *)data;
        z.avail_in = size;
        z.next_out = out->data;
        z.avail_out = out->len;
        g_assert_cmpint(deflate(&z, Z_FINISH), ==, Z_STREAM_END);
        g_byte_array_set_size(out, z.total_out);
        deflateEnd(&z);
        break;
    }
#endif
    default:
        g_byte_array_set_size(out, 0);
        g_byte_array_append(out, data, size);
        break;
    }
    stl_le_p(len, size);
    g_byte_array_append(out, len, 4);
    return out;
}

/*
 * A 64-bit relocatable bzImage (protocol 2.15) whose protected-mode part
 * is 0x200 bytes of stub code then the payload, as the kernel lays it out.
 */
static uint8_t *make_bzimage(const GByteArray *payload, size_t *size)
{
    size_t setup = 5 * 512, pm = 0x200 + payload->len;
    uint8_t *f = g_malloc0(setup + pm);

    f[0x1f1] = 4;
    stw_le_p(f + 0x1fe, 0xaa55);
    f[0x200] = 0xeb;
    f[0x201] = 0x6a;
    stl_le_p(f + 0x202, 0x53726448);
    stw_le_p(f + 0x206, 0x20f);
    f[0x211] = 0x01;
    stl_le_p(f + 0x214, 0x100000);
    stl_le_p(f + 0x22c, 0x7fffffff);
    stl_le_p(f + 0x230, 0x200000);
    f[0x234] = 1;
    stw_le_p(f + 0x236, 0x7f);
    stl_le_p(f + 0x238, 2047);
    stl_le_p(f + 0x248, 0x200);                 /* payload_offset */
    stl_le_p(f + 0x24c, payload->len);          /* payload_length */
    stq_le_p(f + 0x258, 0x1000000);
    stl_le_p(f + 0x260, 0x800000);
    memset(f + setup, 0x90, 0x200);
    memcpy(f + setup + 0x200, payload->data, payload->len);
    *size = setup + pm;
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
        .rsdp_addr = 0xf5a40,
    };
}

static void test_packing(void)
{
    static const struct {
        const char *magic;
        size_t len;
        X86LinuxPacking want;
    } cases[] = {
        { "\x7f" "ELF\x02", 5, X86_PACK_NONE },
        { "\x1f\x8b\x08\x00", 4, X86_PACK_GZIP },
        { "\xfd" "7zXZ\0\0", 7, X86_PACK_XZ },
        { "BZh91AY", 7, X86_PACK_BZIP2 },
        { "\x5d\0\0\x80\0", 5, X86_PACK_LZMA },
        { "\x89LZO\0", 5, X86_PACK_LZO },
        { "\x02\x21\x4c\x18", 4, X86_PACK_LZ4 },
        { "\x28\xb5\x2f\xfd", 4, X86_PACK_ZSTD },
        { "\xfd" "7zX", 4, X86_PACK_UNKNOWN },     /* cut short */
        { "MZ\x90\0", 4, X86_PACK_UNKNOWN },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        g_assert_cmpint(x86_linux_packing((const uint8_t *)cases[i].magic,
                                          cases[i].len), ==, cases[i].want);
    }
    g_assert_cmpstr(x86_linux_packing_name(X86_PACK_ZSTD), ==, "zstd");
    g_assert_cmpint(x86_linux_can_unpack(X86_PACK_XZ), ==, CONFIG_LZMA);
    g_assert_cmpint(x86_linux_can_unpack(X86_PACK_GZIP), ==, CONFIG_ZLIB);
    g_assert_false(x86_linux_can_unpack(X86_PACK_ZSTD));
    g_assert_false(x86_linux_can_unpack(X86_PACK_BZIP2));
}

/* The plan boots the bzImage through its own entry (no unpacking). */
static void assert_plain_bzimage_plan(const X86LinuxKernel *k, const X86BootPlan *plan)
{
    const X86BootBlob *kern = x86_boot_plan_find(plan, "kernel");

    g_assert_nonnull(kern);
    g_assert_true(kern->data == k->file + k->payload_offset);
    if (plan->cpu.mode == X86_BOOT_LONG64) {
        g_assert_cmphex(plan->cpu.rip, ==, kern->addr + 0x200);
    } else {
        g_assert_nonnull(x86_boot_plan_find(plan, "setup"));
    }
    g_assert_null(x86_boot_plan_find(plan, "kernel segment"));
}

static void check_unpacked_boot(X86LinuxPacking how)
{
    X86BootLayout layout = make_layout(256 * MiB);
    size_t esize, size;
    g_autofree uint8_t *elf = make_elf(&esize);
    g_autoptr(GByteArray) payload = pack(how, elf, esize);
    g_autofree uint8_t *f = make_bzimage(payload, &size);
    const X86BootBlob *seg, *zp, *cl;
    X86LinuxKernel k;
    X86BootPlan plan;

    if (!x86_linux_can_unpack(how)) {
        g_test_skip("this build has no decompressor for it");
        return;
    }
    g_assert_cmpint(x86_linux_packing(payload->data, payload->len), ==, how);
    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_cmpuint(k.packed_offset, ==, 5 * 512 + 0x200);
    g_assert_cmpuint(k.packed_size, ==, payload->len);
    g_assert_true(x86_linux_unpack(&k, &error_abort));
    g_assert_cmpuint(k.vmlinux_size, ==, esize);
    g_assert_cmpint(k.kind, ==, X86_LINUX_BZIMAGE);
    g_assert_cmphex(k.elf_entry, ==, ELF_ENTRY);

    g_assert_true(x86_linux_setup(&k, &layout, "console=ttyS0", 0x4000, &plan,
                                  &error_abort));
    /* the ELF's bytes, at its physical address, its bss zeroed */
    seg = x86_boot_plan_find(&plan, "kernel segment");
    g_assert_nonnull(seg);
    g_assert_cmphex(seg->addr, ==, ELF_PADDR);
    g_assert_cmpuint(seg->size, ==, ELF_FILESZ);
    g_assert_cmpuint(seg->zero_size, ==, ELF_MEMSZ - ELF_FILESZ);
    g_assert_cmpmem(seg->data, seg->size, elf + 0x1000, ELF_FILESZ);
    g_assert_null(x86_boot_plan_find(&plan, "kernel"));
    /* entered at startup_64 in long mode with the zero page in RSI */
    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_LONG64);
    g_assert_cmphex(plan.cpu.rip, ==, ELF_ENTRY);
    g_assert_cmphex(plan.cpu.rsi, ==, X86_BOOT_ZERO_PAGE_ADDR);
    g_assert_cmphex(plan.cpu.efer & 0x500, ==, 0x500);
    /* the zero page the bzImage boot would give: its header, patched */
    zp = x86_boot_plan_find(&plan, "zero page");
    g_assert_nonnull(zp);
    g_assert_cmpmem(zp->data + 0x202, 6, f + 0x202, 6);      /* HdrS, 2.15 */
    g_assert_cmphex(ldl_le_p(zp->data + 0x248), ==, 0x200);
    g_assert_cmpuint(zp->data[0x210], ==, X86_LINUX_LOADER_ID);
    g_assert_cmphex(ldl_le_p(zp->data + 0x214), ==, 0x1000000);
    g_assert_cmphex(ldl_le_p(zp->data + 0x218), ==, plan.initrd_addr);
    g_assert_cmphex(ldl_le_p(zp->data + 0x21c), ==, 0x4000);
    g_assert_cmphex(ldl_le_p(zp->data + 0x228), ==, X86_BOOT_CMDLINE_ADDR);
    g_assert_cmphex(ldq_le_p(zp->data + BP_ACPI_RSDP), ==, 0xf5a40);
    g_assert_cmpuint(zp->data[BP_E820_ENTRIES], ==, test_e820.count);
    cl = x86_boot_plan_find(&plan, "cmdline");
    g_assert_cmpstr((const char *)cl->data, ==, "console=ttyS0");
    g_assert_cmphex(plan.initrd_addr, ==,
                    256 * MiB - X86_BOOT_ACPI_DATA_SIZE - 0x4000);

    /* the plan can own the vmlinux, drop it and unpack it again */
    x86_boot_plan_adopt_vmlinux(&plan, &k);
    g_assert_null(k.vmlinux);
    g_assert_nonnull(plan.vmlinux);
    x86_boot_plan_drop_vmlinux(&plan);
    g_assert_null(plan.vmlinux);
    g_assert_null(x86_boot_plan_find(&plan, "kernel segment")->data);
    g_assert_true(x86_boot_plan_reload_vmlinux(&plan, &error_abort));
    seg = x86_boot_plan_find(&plan, "kernel segment");
    g_assert_true(seg->data >= plan.vmlinux &&
                  seg->data + seg->size <= plan.vmlinux + plan.vmlinux_size);
    g_assert_cmpmem(seg->data, seg->size, elf + 0x1000, ELF_FILESZ);
    g_assert_true(x86_boot_plan_reload_vmlinux(&plan, &error_abort));
    x86_boot_plan_clear(&plan);
    g_assert_true(x86_linux_unpack(&k, &error_abort));

    /* a plan with the 16-bit entry ignores the unpacked vmlinux */
    layout.force_16bit_entry = true;
    g_assert_true(x86_linux_setup(&k, &layout, "", 0, &plan, &error_abort));
    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_REAL16);
    g_assert_null(x86_boot_plan_find(&plan, "kernel segment"));
    x86_boot_plan_clear(&plan);

    /* too little RAM for the vmlinux at 16 MiB: the bzImage boots as is */
    layout = make_layout(ELF_PADDR + 0x2000);
    layout.initrd_ceiling = ELF_PADDR + 0x2000;
    g_assert_true(x86_linux_setup(&k, &layout, "", 0, &plan, &error_abort));
    assert_plain_bzimage_plan(&k, &plan);
    x86_boot_plan_clear(&plan);
    x86_linux_kernel_clear(&k);
    g_assert_null(k.vmlinux);
}

static void test_xz(void)
{
    check_unpacked_boot(X86_PACK_XZ);
}

static void test_gzip(void)
{
    check_unpacked_boot(X86_PACK_GZIP);
}

/* Unpacking fails with an error containing want; nothing is kept. */
static void expect_unpack_error(const uint8_t *f, size_t size, const char *want)
{
    X86LinuxKernel k;
    Error *err = NULL;

    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_false(x86_linux_unpack(&k, &err));
    g_assert_nonnull(err);
    g_test_message("%s", error_get_pretty(err));
    g_assert_nonnull(strstr(error_get_pretty(err), want));
    g_assert_null(k.vmlinux);
    g_assert_cmpuint(k.nr_segments, ==, 0);
    error_free(err);
}

/* No unpacking and no error: the guest gets the bzImage. */
static void expect_no_unpack(const uint8_t *f, size_t size)
{
    X86BootLayout layout = make_layout(256 * MiB);
    X86LinuxKernel k;
    X86BootPlan plan;

    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_false(x86_linux_unpack(&k, &error_abort));
    g_assert_null(k.vmlinux);
    g_assert_true(x86_linux_setup(&k, &layout, "", 0, &plan, &error_abort));
    assert_plain_bzimage_plan(&k, &plan);
    x86_boot_plan_clear(&plan);
}

static void check_damaged(X86LinuxPacking how)
{
    size_t esize, size;
    g_autofree uint8_t *elf = make_elf(&esize);
    g_autoptr(GByteArray) payload = pack(how, elf, esize);
    g_autofree uint8_t *good = make_bzimage(payload, &size);
    size_t at = 5 * 512 + 0x200, len = payload->len;
    g_autofree uint8_t *f = g_memdup2(good, size);

    if (!x86_linux_can_unpack(how)) {
        g_test_skip("this build has no decompressor for it");
        return;
    }
    /* a flipped byte in the compressed data: the stream's checks see it */
    f[at + len / 2] ^= 0x55;
    expect_unpack_error(f, size, "payload");
    memcpy(f, good, size);

    /* a recorded size larger, smaller, absurd */
    stl_le_p(f + at + len - 4, esize + 1);
    expect_unpack_error(f, size, "smaller than its recorded size");
    stl_le_p(f + at + len - 4, esize - 1);
    expect_unpack_error(f, size, "larger than its recorded size");
    stl_le_p(f + at + len - 4, 0xfffffff0);
    expect_unpack_error(f, size, "records a size of");
    stl_le_p(f + at + len - 4, 3);
    expect_unpack_error(f, size, "records a size of");
    memcpy(f, good, size);

    /* the stream cut short (payload_length shortened, size kept last) */
    stl_le_p(f + 0x24c, len - 40);
    stl_le_p(f + at + len - 44, esize);
    expect_unpack_error(f, size, "payload");
    memcpy(f, good, size);

    /* payload_length pointing past the end of the file: not looked at */
    stl_le_p(f + 0x24c, len + 1);
    expect_no_unpack(f, size);
    stl_le_p(f + 0x248, 0xfffffff0);
    stl_le_p(f + 0x24c, 0x20);
    expect_no_unpack(f, size);
    memcpy(f, good, size);

    /* protocol 2.07 has no payload fields */
    stw_le_p(f + 0x206, 0x207);
    expect_no_unpack(f, size);
    memcpy(f, good, size);

    /* no 64-bit entry: the 16-bit path runs the decompressor anyway */
    stw_le_p(f + 0x236, 0);
    expect_no_unpack(f, size);
}

static void test_damaged_xz(void)
{
    check_damaged(X86_PACK_XZ);
}

static void test_damaged_gzip(void)
{
    check_damaged(X86_PACK_GZIP);
}

/* What decompresses fine but is no vmlinux is refused. */
static void test_not_vmlinux(void)
{
    size_t esize, size;
    g_autofree uint8_t *elf = make_elf(&esize);
    X86LinuxPacking how = CONFIG_LZMA ? X86_PACK_XZ : X86_PACK_GZIP;

    if (!x86_linux_can_unpack(how)) {
        g_test_skip("this build has no decompressor");
        return;
    }
    {
        g_autoptr(GByteArray) p = NULL;
        g_autofree uint8_t *f = NULL;

        elf[0] = 0x7e;
        p = pack(how, elf, esize);
        f = make_bzimage(p, &size);
        expect_unpack_error(f, size, "not a vmlinux: not an ELF file");
        elf[0] = 0x7f;
    }
    {
        g_autoptr(GByteArray) p = NULL;
        g_autofree uint8_t *f = NULL;

        stq_le_p(elf + 64 + 32, 0x100000);      /* filesz past the file */
        p = pack(how, elf, esize);
        f = make_bzimage(p, &size);
        expect_unpack_error(f, size, "not a vmlinux: ELF segment 0");
    }
}

/* Packings this build cannot undo leave the bzImage to the guest. */
static void test_other_packings(void)
{
    static const char *const magics[] = {
        "\x28\xb5\x2f\xfd", "BZh9", "\x5d\0\0\x80", "\x89LZO", "\x02\x21\x4c\x18",
    };
    size_t esize, size;
    g_autofree uint8_t *elf = make_elf(&esize);

    for (unsigned i = 0; i < ARRAY_SIZE(magics); i++) {
        g_autoptr(GByteArray) p = pack(X86_PACK_NONE, elf, esize);
        g_autofree uint8_t *f = NULL;

        memcpy(p->data, magics[i], 4);
        f = make_bzimage(p, &size);
        expect_no_unpack(f, size);
    }
}

/* Random damage to a packed bzImage: an error or a boot plan, no crash. */
static void test_fuzz(void)
{
    X86LinuxPacking how = CONFIG_LZMA ? X86_PACK_XZ : X86_PACK_GZIP;
    X86BootLayout layout = make_layout(128 * MiB);
    size_t esize, size;
    g_autofree uint8_t *elf = make_elf(&esize);
    g_autoptr(GByteArray) payload = pack(how, elf, esize);
    g_autofree uint8_t *good = make_bzimage(payload, &size);
    GRand *r = g_rand_new_with_seed(7);
    unsigned unpacked = 0, refused = 0;

    if (!x86_linux_can_unpack(how)) {
        g_test_skip("this build has no decompressor");
        g_rand_free(r);
        return;
    }
    for (int i = 0; i < 1000; i++) {
        g_autofree uint8_t *f = g_memdup2(good, size);
        X86LinuxKernel k;
        X86BootPlan plan;
        Error *err = NULL;
        unsigned n = g_rand_int_range(r, 1, 4);

        for (unsigned j = 0; j < n; j++) {
            /* mostly the payload, sometimes its header fields */
            size_t at = g_rand_boolean(r) ? g_rand_int_range(r, 0x248, 0x250)
                                          : g_rand_int_range(r, 5 * 512, size);
            f[at] = g_rand_int(r);
        }
        if (!x86_linux_parse(f, size, &k, &err)) {
            error_free(err);
            continue;
        }
        if (x86_linux_unpack(&k, &err)) {
            unpacked++;
        } else if (err) {
            refused++;
            error_free(err);
            err = NULL;
        }
        if (x86_linux_setup(&k, &layout, "x", 0x1000, &plan, &err)) {
            for (unsigned b = 0; b < plan.nr_blobs; b++) {
                g_assert_cmphex(plan.blobs[b].addr + plan.blobs[b].size +
                                plan.blobs[b].zero_size, <=, 128 * MiB);
            }
        } else {
            error_free(err);
        }
        x86_boot_plan_clear(&plan);
        x86_linux_kernel_clear(&k);
    }
    g_rand_free(r);
    g_test_message("unpacked %u, refused %u", unpacked, refused);
    g_assert_cmpuint(unpacked, >, 20);
    g_assert_cmpuint(refused, >, 200);
}

/* ---- The host's Debian kernel ---- */

static uint8_t *read_real_kernel(gsize *size)
{
    g_autoptr(GDir) dir = g_dir_open("/boot", 0, NULL);
    const char *name;
    gchar *data = NULL;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename("/boot", name, NULL);

        if (g_str_has_prefix(name, "vmlinuz-") &&
            g_file_get_contents(path, &data, size, NULL)) {
            g_test_message("%s", path);
            return (uint8_t *)data;
        }
    }
    return NULL;
}

/*
 * The unpacked kernel is the one the header names: its "Linux version"
 * banner starts with the header's kernel_version string. Then it boots
 * at its 64-bit entry, at the physical address it was linked for.
 */
static void test_real_kernel(void)
{
    gsize size;
    g_autofree uint8_t *f = read_real_kernel(&size);
    X86BootLayout layout = make_layout(512 * MiB);
    X86LinuxPacking how;
    g_autofree char *banner = NULL;
    const char *version;
    uint64_t end = 0;
    X86LinuxKernel k;
    X86BootPlan plan;
    unsigned nseg = 0;

    if (!f) {
        g_test_skip("no readable /boot/vmlinuz-* on this host");
        return;
    }
    g_assert_true(x86_linux_parse(f, size, &k, &error_abort));
    g_assert_cmpuint(k.packed_size, >, 0);
    how = x86_linux_packing(f + k.packed_offset, k.packed_size);
    g_test_message("payload: %s, %zu bytes", x86_linux_packing_name(how), k.packed_size);
    if (!x86_linux_can_unpack(how)) {
        g_assert_false(x86_linux_unpack(&k, &error_abort));
        g_test_skip("the host kernel's payload is not one this build unpacks");
        return;
    }
    g_assert_true(x86_linux_unpack(&k, &error_abort));
    g_assert_cmpuint(k.vmlinux_size, ==, ldl_le_p(f + k.packed_offset +
                                                  k.packed_size - 4));
    g_assert_cmpuint(0x200 + lduw_le_p(f + 0x20e) + 256, <, size);
    version = (const char *)f + 0x200 + lduw_le_p(f + 0x20e);
    g_assert_true(memchr(version, ' ', 256));
    banner = g_strdup_printf("Linux version %s", version);
    *strchr(banner + 14, ' ') = 0;      /* the release, e.g. 6.1.0-56-amd64 */
    g_assert_nonnull(memmem(k.vmlinux, k.vmlinux_size, banner, strlen(banner)));
    g_assert_true(k.has_pvh_entry);
    g_assert_cmphex(k.elf_entry, ==, k.pref_address);

    g_assert_true(x86_linux_setup(&k, &layout, "console=ttyS0", 16 * MiB, &plan,
                                  &error_abort));
    g_assert_cmpint(plan.cpu.mode, ==, X86_BOOT_LONG64);
    g_assert_cmphex(plan.cpu.rip, ==, k.elf_entry);
    for (unsigned i = 0; i < plan.nr_blobs; i++) {
        const X86BootBlob *b = &plan.blobs[i];

        if (!strcmp(b->what, "kernel segment")) {
            g_assert_true(b->data >= k.vmlinux &&
                          b->data + b->size <= k.vmlinux + k.vmlinux_size);
            end = MAX(end, b->addr + b->size + b->zero_size);
            nseg++;
        }
    }
    g_assert_cmpuint(nseg, >=, 2);
    g_assert_cmphex(plan.initrd_addr, >=, end);
    g_assert_cmphex(ldl_le_p(x86_boot_plan_find(&plan, "zero page")->data + 0x206),
                    ==, k.protocol);
    x86_boot_plan_clear(&plan);
    x86_linux_kernel_clear(&k);

    /* one flipped byte in the middle of the real payload is caught */
    f[k.packed_offset + k.packed_size / 2] ^= 1;
    expect_unpack_error(f, size, "payload");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    e820_table_init(&test_e820);
    g_test_add_func("/linux-unpack/packing", test_packing);
    g_test_add_func("/linux-unpack/xz", test_xz);
    g_test_add_func("/linux-unpack/gzip", test_gzip);
    g_test_add_func("/linux-unpack/damaged-xz", test_damaged_xz);
    g_test_add_func("/linux-unpack/damaged-gzip", test_damaged_gzip);
    g_test_add_func("/linux-unpack/not-vmlinux", test_not_vmlinux);
    g_test_add_func("/linux-unpack/other-packings", test_other_packings);
    g_test_add_func("/linux-unpack/fuzz", test_fuzz);
    g_test_add_func("/linux-unpack/real-kernel", test_real_kernel);
    ret = g_test_run();
    e820_table_clear(&test_e820);
    return ret;
}
