/*
 * test-memory.c: unit tests of I/O dispatch (splitting and combining
 * accesses between the guest's valid sizes and the device's impl sizes),
 * of address_space_read/write/ld/st and map over RAM, ROM, I/O and holes,
 * of bad guest accesses, lazy RAM allocation and the info mtree text.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "exec/memory.h"

#define A MEMTXATTRS_UNSPECIFIED

/* A device that records its accesses; register i reads as 0x10 + i. */
typedef struct TestDev {
    GString *log;
    uint8_t regs[64];
} TestDev;

static uint64_t tdev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;
    uint64_t v = 0;

    for (unsigned k = 0; k < size && addr + k < sizeof(d->regs); k++) {
        v |= (uint64_t)d->regs[addr + k] << (8 * k);
    }
    g_string_append_printf(d->log, "r%u@%" PRIx64 ";", size, addr);
    return v;
}

static void tdev_write(void *opaque, hwaddr addr, uint64_t data,
                       unsigned size)
{
    TestDev *d = opaque;

    for (unsigned k = 0; k < size && addr + k < sizeof(d->regs); k++) {
        d->regs[addr + k] = data >> (8 * k);
    }
    g_string_append_printf(d->log, "w%u@%" PRIx64 "=%" PRIx64 ";", size,
                           addr, data);
}

static bool tdev_accepts(void *opaque, hwaddr addr, unsigned size,
                         bool is_write, MemTxAttrs attrs)
{
    return !(is_write && addr == 0x3c);    /* a read-only register */
}

static void tdev_init(TestDev *d)
{
    d->log = g_string_new("");
    for (unsigned i = 0; i < sizeof(d->regs); i++) {
        d->regs[i] = 0x10 + i;
    }
}

static void expect_log(TestDev *d, const char *expect)
{
    g_assert_cmpstr(d->log->str, ==, expect);
    g_string_truncate(d->log, 0);
}

static const MemoryRegionOps byte_dev_ops = {
    .read = tdev_read, .write = tdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps dword_dev_ops = {
    .read = tdev_read, .write = tdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static const MemoryRegionOps strict_dev_ops = {
    .read = tdev_read, .write = tdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 2, .max_access_size = 2,
               .accepts = tdev_accepts },
};

static const MemoryRegionOps be_dev_ops = {
    .read = tdev_read, .write = tdev_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static const MemoryRegionOps wide_dev_ops = {
    .read = tdev_read, .write = tdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static void test_split_combine(void)
{
    TestDev d;
    MemoryRegion mr;
    uint64_t v;

    tdev_init(&d);
    memory_region_init_io(&mr, NULL, &byte_dev_ops, &d, "bytes", 64);
    /* A 4-byte read of a 1-byte device: four reads, little-endian. */
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 4, &v, 4, A), ==,
                     MEMTX_OK);
    g_assert_cmphex(v, ==, 0x17161514);
    expect_log(&d, "r1@4;r1@5;r1@6;r1@7;");
    g_assert_cmpuint(memory_region_dispatch_write(&mr, 8, 0xbeef, 2, A), ==,
                     MEMTX_OK);
    expect_log(&d, "w1@8=ef;w1@9=be;");
    memory_region_destroy(&mr);

    /* A 1-byte read of a 4-byte device: one aligned read, the byte out. */
    memory_region_init_io(&mr, NULL, &dword_dev_ops, &d, "dwords", 64);
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 6, &v, 1, A), ==,
                     MEMTX_OK);
    g_assert_cmphex(v, ==, 0x16);
    expect_log(&d, "r4@4;");
    g_assert_cmpuint(memory_region_dispatch_write(&mr, 0x11, 0xaa, 1, A), ==,
                     MEMTX_OK);
    expect_log(&d, "w4@10=aa00;");
    memory_region_destroy(&mr);

    /* Big-endian device, 4-byte guest read made of 2-byte accesses. */
    tdev_init(&d);
    memory_region_init_io(&mr, NULL, &be_dev_ops, &d, "be", 64);
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 0, &v, 4, A), ==,
                     MEMTX_OK);
    /* Device values 0x1110 and 0x1312 are BE: bytes 11 10 13 12. */
    g_assert_cmphex(v, ==, 0x12131011);
    expect_log(&d, "r2@0;r2@2;");
    memory_region_destroy(&mr);
}

static void test_invalid_access(void)
{
    TestDev d;
    MemoryRegion mr;
    uint64_t v = 0xdead;

    tdev_init(&d);
    memory_region_init_io(&mr, NULL, &strict_dev_ops, &d, "strict", 64);
    /* Outside the sizes the guest may use: never reaches the device. */
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 0, &v, 4, A), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 0, &v, 1, A), ==,
                     MEMTX_DECODE_ERROR);
    /* Unaligned, and sizes that are not 1, 2, 4 or 8. */
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 1, &v, 2, A), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 0, &v, 3, A), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 0, &v, 0, A), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(memory_region_dispatch_write(&mr, 0, 0, 16, A), ==,
                     MEMTX_DECODE_ERROR);
    /* Past the end of the region, and at the top of the address range. */
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 64, &v, 2, A), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(memory_region_dispatch_read(&mr, UINT64_MAX - 1, &v, 2,
                                                 A), ==, MEMTX_DECODE_ERROR);
    /* accepts says no. */
    g_assert_cmpuint(memory_region_dispatch_write(&mr, 0x3c, 1, 2, A), ==,
                     MEMTX_DECODE_ERROR);
    expect_log(&d, "");
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 0x3c, &v, 2, A), ==,
                     MEMTX_OK);
    expect_log(&d, "r2@3c;");
    memory_region_destroy(&mr);

    /* Not an I/O region at all. */
    memory_region_init(&mr, NULL, "box", 64);
    g_assert_cmpuint(memory_region_dispatch_read(&mr, 0, &v, 1, A), ==,
                     MEMTX_DECODE_ERROR);
    memory_region_destroy(&mr);
}

/* A space with RAM at 0, ROM at 0x10000, the byte device at 0x20000. */
typedef struct Space {
    MemoryRegion root, ram, rom, dev, wide;
    AddressSpace as;
    TestDev d;
} Space;

static void space_init(Space *s)
{
    tdev_init(&s->d);
    memory_region_init(&s->root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&s->ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_init_rom(&s->rom, NULL, "rom", 0x1000, &error_abort);
    memory_region_init_io(&s->dev, NULL, &byte_dev_ops, &s->d, "dev", 64);
    memory_region_init_io(&s->wide, NULL, &wide_dev_ops, &s->d, "wide", 64);
    memory_region_add_subregion(&s->root, 0, &s->ram);
    memory_region_add_subregion(&s->root, 0x10000, &s->rom);
    memory_region_add_subregion(&s->root, 0x20000, &s->dev);
    memory_region_add_subregion(&s->root, 0x30000, &s->wide);
    address_space_init(&s->as, &s->root, "test");
}

static void space_cleanup(Space *s)
{
    address_space_destroy(&s->as);
    memory_region_del_subregion(&s->root, &s->ram);
    memory_region_del_subregion(&s->root, &s->rom);
    memory_region_del_subregion(&s->root, &s->dev);
    memory_region_del_subregion(&s->root, &s->wide);
    memory_region_destroy(&s->ram);
    memory_region_destroy(&s->rom);
    memory_region_destroy(&s->dev);
    memory_region_destroy(&s->wide);
    memory_region_destroy(&s->root);
    g_string_free(s->d.log, true);
}

static void test_rw(void)
{
    Space s;
    uint8_t buf[16];
    MemTxResult r;

    space_init(&s);
    address_space_stq_le(&s.as, 0xfff8, 0x0123456789abcdefULL, A, &r);
    g_assert_cmpuint(r, ==, MEMTX_OK);
    g_assert_cmphex(address_space_ldq_le(&s.as, 0xfff8, A, &r), ==,
                    0x0123456789abcdefULL);
    g_assert_cmphex(address_space_ldl_le(&s.as, 0xfffc, A, NULL), ==,
                    0x01234567);
    g_assert_cmphex(address_space_lduw_le(&s.as, 0xfff8, A, NULL), ==, 0xcdef);
    g_assert_cmphex(address_space_ldub(&s.as, 0xfff8, A, NULL), ==, 0xef);

    /* ROM is written through its RAM pointer only; the guest's is dropped. */
    memset(memory_region_get_ram_ptr(&s.rom), 0x5a, 0x1000);
    address_space_stl_le(&s.as, 0x10000, 0, A, &r);
    g_assert_cmpuint(r, ==, MEMTX_OK);
    g_assert_cmphex(address_space_ldl_le(&s.as, 0x10000, A, NULL), ==,
                    0x5a5a5a5a);

    /* An 8-byte load of a device the guest may access 4 at a time. */
    g_assert_cmphex(address_space_ldq_le(&s.as, 0x20000, A, &r), ==,
                    0x1716151413121110ULL);
    g_assert_cmpuint(r, ==, MEMTX_OK);
    expect_log(&s.d, "r1@0;r1@1;r1@2;r1@3;r1@4;r1@5;r1@6;r1@7;");
    /* Unaligned where allowed: split into aligned valid pieces. */
    address_space_read(&s.as, 0x20001, A, buf, 3);
    expect_log(&s.d, "r1@1;r1@2;r1@3;");
    address_space_read(&s.as, 0x30001, A, buf, 7);
    /* The guest's pieces are 4, 2 and 1 bytes; the device's aligned. */
    expect_log(&s.d, "r4@0;r4@4;r2@4;r2@6;r1@7;");
    g_assert_cmphex(buf[0], ==, 0x11);
    g_assert_cmphex(buf[6], ==, 0x17);
    address_space_read(&s.as, 0x30000, A, buf, 16);
    expect_log(&s.d, "r8@0;r8@8;");

    /* Across RAM, a hole and the ROM: the hole reads as zero. */
    address_space_write(&s.as, 0xfff0, A, "0123456789abcdef", 16);
    memset(buf, 0xff, sizeof(buf));
    r = address_space_read(&s.as, 0x1fff8, A, buf, 16);
    g_assert_cmpuint(r, ==, MEMTX_DECODE_ERROR);
    for (int i = 0; i < 8; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
    for (int i = 8; i < 16; i++) {
        g_assert_cmphex(buf[i], ==, 0x10 + i - 8);
    }
    expect_log(&s.d, "r1@0;r1@1;r1@2;r1@3;r1@4;r1@5;r1@6;r1@7;");
    r = dma_memory_read(&s.as, 0xfff0, buf, 16, A);
    g_assert_cmpuint(r, ==, MEMTX_OK);
    g_assert(!memcmp(buf, "0123456789abcdef", 16));
    g_assert_cmpuint(dma_memory_set(&s.as, 0, 0xcc, 0x1000, A), ==, MEMTX_OK);
    g_assert_cmphex(address_space_ldl_le(&s.as, 0xffc, A, NULL), ==,
                    0xcccccccc);
    space_cleanup(&s);
}

static void test_bad_ranges(void)
{
    Space s;
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    hwaddr len;

    space_init(&s);
    /* Wrapping past 2^64: an error, and nothing touched. */
    g_assert_cmpuint(address_space_read(&s.as, UINT64_MAX - 1, A, buf, 4), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(buf[0], ==, 1);
    g_assert_cmpuint(address_space_write(&s.as, UINT64_MAX, A, buf, 2), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(address_space_read(&s.as, 8, A, buf, UINT64_MAX), ==,
                     MEMTX_DECODE_ERROR);
    /* The very last byte is fine (unassigned here). */
    g_assert_cmpuint(address_space_read(&s.as, UINT64_MAX, A, buf, 1), ==,
                     MEMTX_DECODE_ERROR);
    g_assert_cmpuint(buf[0], ==, 0);
    g_assert_cmpuint(address_space_read(&s.as, 0, A, buf, 0), ==, MEMTX_OK);
    /* Off the end of a device. */
    g_assert_cmpuint(address_space_read(&s.as, 0x2003e, A, buf, 4), ==,
                     MEMTX_DECODE_ERROR);
    len = 16;
    g_assert_null(address_space_map(&s.as, UINT64_MAX - 4, &len, false, A));
    g_assert_cmpuint(len, ==, 0);
    space_cleanup(&s);
}

static void test_map(void)
{
    Space s;
    hwaddr len = 0x100;
    uint8_t *p;
    hwaddr off;

    space_init(&s);
    p = address_space_map(&s.as, 0x100, &len, true, A);
    g_assert_nonnull(p);
    g_assert_cmpuint(len, ==, 0x100);
    g_assert(p == (uint8_t *)memory_region_get_ram_ptr(&s.ram) + 0x100);
    g_assert(memory_region_from_host(p + 8, &off) == &s.ram);
    g_assert_cmphex(off, ==, 0x108);
    p[0] = 0x42;
    address_space_unmap(&s.as, p, len, true, 1);
    g_assert_cmphex(address_space_ldub(&s.as, 0x100, A, NULL), ==, 0x42);

    /* Shortened to the end of the RAM. */
    len = 0x1000;
    p = address_space_map(&s.as, 0xff00, &len, false, A);
    g_assert_nonnull(p);
    g_assert_cmpuint(len, ==, 0x100);
    address_space_unmap(&s.as, p, len, false, 0);

    /* ROM maps for reading only; I/O and holes not at all. */
    len = 0x10;
    g_assert_nonnull(address_space_map(&s.as, 0x10000, &len, false, A));
    address_space_unmap(&s.as, memory_region_get_ram_ptr(&s.rom), len, false,
                        0);
    len = 0x10;
    g_assert_null(address_space_map(&s.as, 0x10000, &len, true, A));
    g_assert_cmpuint(len, ==, 0);
    len = 0x10;
    g_assert_null(address_space_map(&s.as, 0x20000, &len, false, A));
    g_assert_cmpuint(len, ==, 0);
    len = 0x10;
    g_assert_null(address_space_map(&s.as, 0x18000, &len, false, A));
    space_cleanup(&s);
}

static long resident_pages(void)
{
    g_autofree char *text = NULL;
    long size, resident;

    g_assert(g_file_get_contents("/proc/self/statm", &text, NULL, NULL));
    g_assert_cmpint(sscanf(text, "%ld %ld", &size, &resident), ==, 2);
    return resident;
}

static void test_lazy_ram(void)
{
    const uint64_t size = 1 * GiB;
    long page = sysconf(_SC_PAGESIZE);
    MemoryRegion mr;
    long before, after;
    unsigned char vec[16];
    uint8_t *p;

    before = resident_pages();
    memory_region_init_ram(&mr, NULL, "big", size, &error_abort);
    after = resident_pages();
    /* Far less than the region: nothing is touched at creation. */
    g_assert_cmpint((after - before) * page, <, 16 * MiB);
    p = memory_region_get_ram_ptr(&mr);
    g_assert_cmpint(mincore(p, 16 * page, vec), ==, 0);
    for (int i = 0; i < 16; i++) {
        g_assert_cmpint(vec[i] & 1, ==, 0);
    }
    p[page] = 1;
    g_assert_cmpint(mincore(p, 16 * page, vec), ==, 0);
    g_assert_cmpint(vec[1] & 1, ==, 1);
    g_assert_cmpint(vec[2] & 1, ==, 0);
    memory_region_destroy(&mr);
}

static void test_ram_errors(void)
{
    MemoryRegion mr;
    Error *err = NULL;

    g_assert_false(memory_region_init_ram(&mr, NULL, "zero", 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot set up guest memory 'zero': Invalid size");
    error_free(err);
    err = NULL;
    memory_region_destroy(&mr);
    g_assert_false(memory_region_init_ram(&mr, NULL, "huge", 1ULL << 62,
                                          &err));
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "cannot set up guest memory 'huge': "));
    error_free(err);
    memory_region_destroy(&mr);
}

static void test_mtree(void)
{
    MemoryRegion root, ram, lo, dev, io_root, port;
    AddressSpace as, as2, ioas;
    static const MemoryRegionOps ops = { .read = tdev_read };
    GString *out = g_string_new("");

    memory_region_init(&root, NULL, "sys", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "pc.ram", 0x100000, &error_abort);
    memory_region_init_alias(&lo, NULL, "ram-below-4g", &ram, 0, 0x80000);
    memory_region_init_io(&dev, NULL, &ops, NULL, "vga", 0x20000);
    memory_region_add_subregion(&root, 0, &lo);
    memory_region_add_subregion_overlap(&root, 0xa0000, &dev, 1);
    memory_region_set_enabled(&dev, true);
    memory_region_init_io(&io_root, NULL, &ops, NULL, "io", 0x10000);
    memory_region_init_io(&port, NULL, &ops, NULL, "serial", 8);
    memory_region_add_subregion(&io_root, 0x3f8, &port);
    address_space_init(&as, &root, "memory");
    address_space_init(&as2, &root, "cpu-memory-0");
    address_space_init(&ioas, &io_root, "I/O");

    mtree_info(out, false);
    g_assert_cmpstr(out->str, ==,
        "address-space: cpu-memory-0\n"
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): sys\n"
        "    0000000000000000-000000000007ffff (prio 0, ram): alias "
        "ram-below-4g @pc.ram 0000000000000000-000000000007ffff\n"
        "    00000000000a0000-00000000000bffff (prio 1, i/o): vga\n"
        "\n"
        "address-space: I/O\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
        "    00000000000003f8-00000000000003ff (prio 0, i/o): serial\n"
        "\n"
        "memory-region: pc.ram\n"
        "  0000000000000000-00000000000fffff (prio 0, ram): pc.ram\n"
        "\n");
    g_string_truncate(out, 0);

    memory_region_set_enabled(&dev, false);
    mtree_info(out, true);
    g_assert_cmpstr(out->str, ==,
        "FlatView #0\n"
        " AS \"memory\", root: sys\n"
        " AS \"cpu-memory-0\", root: sys\n"
        " Root memory region: sys\n"
        "  0000000000000000-000000000007ffff (prio 0, ram): pc.ram\n"
        "\n"
        "FlatView #1\n"
        " AS \"I/O\", root: io\n"
        " Root memory region: io\n"
        "  0000000000000000-00000000000003f7 (prio 0, i/o): io\n"
        "  00000000000003f8-00000000000003ff (prio 0, i/o): serial\n"
        "  0000000000000400-000000000000ffff (prio 0, i/o): io "
        "@0000000000000400\n"
        "\n");
    g_string_free(out, true);

    address_space_destroy(&as);
    address_space_destroy(&as2);
    address_space_destroy(&ioas);
    memory_region_del_subregion(&root, &lo);
    memory_region_del_subregion(&root, &dev);
    memory_region_del_subregion(&io_root, &port);
    memory_region_destroy(&port);
    memory_region_destroy(&io_root);
    memory_region_destroy(&dev);
    memory_region_destroy(&lo);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* First, while this program's address spaces are the only ones. */
    g_test_add_func("/memory/mtree", test_mtree);
    g_test_add_func("/memory/dispatch/split-combine", test_split_combine);
    g_test_add_func("/memory/dispatch/invalid", test_invalid_access);
    g_test_add_func("/memory/rw", test_rw);
    g_test_add_func("/memory/bad-ranges", test_bad_ranges);
    g_test_add_func("/memory/map", test_map);
    g_test_add_func("/memory/lazy-ram", test_lazy_ram);
    g_test_add_func("/memory/ram-errors", test_ram_errors);
    return g_test_run();
}
