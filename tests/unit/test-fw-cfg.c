/*
 * test-fw-cfg.c: unit tests of the fw_cfg device as the guest sees it:
 * the selector/data ports, item encodings, the sorted file directory, DMA
 * reads, skips, selects and writes into a RAM region, and bad DMA requests
 * or random register writes that must fail cleanly.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "exec/memory.h"
#include "hw/nvram/fw_cfg.h"
#include "test-helpers.h"

#define A MEMTXATTRS_UNSPECIFIED
#define RAM_SIZE (1 * MiB)
#define DESC 0x1000         /* where tests put FWCfgDmaAccess */
#define BUF 0x2000          /* where DMA data goes */

static MemoryRegion ram;

/* ---- guest-side helpers ---- */

static void sel(uint16_t key)
{
    address_space_stw_le(&address_space_io, 0x510, key, A, NULL);
}

static uint8_t data_byte(void)
{
    return address_space_ldub(&address_space_io, 0x511, A, NULL);
}

static void read_data(void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = data_byte();
    }
}

static uint64_t read_le(uint16_t key, unsigned n)
{
    uint64_t v = 0;

    sel(key);
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)data_byte() << (8 * i);
    }
    return v;
}

static uint8_t *ram_ptr(hwaddr addr)
{
    return (uint8_t *)memory_region_get_ram_ptr(&ram) + addr;
}

static void put_desc(hwaddr at, uint32_t control, uint32_t len,
                     uint64_t addr)
{
    FWCfgDmaAccess d = {
        .control = GUINT32_TO_BE(control),
        .length = GUINT32_TO_BE(len),
        .address = GUINT64_TO_BE(addr),
    };

    g_assert_cmpint(address_space_write(&address_space_memory, at, A, &d,
                                        sizeof(d)), ==, MEMTX_OK);
}

static uint32_t ldl_be_at(hwaddr addr)
{
    uint32_t v = 0;

    address_space_read(&address_space_memory, addr, A, &v, 4);
    return GUINT32_FROM_BE(v);
}

/* Trigger a DMA at desc the way Linux does: two big-endian halves. */
static void kick_dma(uint64_t desc)
{
    uint32_t hi = GUINT32_TO_BE(desc >> 32), lo = GUINT32_TO_BE(desc);

    address_space_write(&address_space_io, 0x514, A, &hi, 4);
    address_space_write(&address_space_io, 0x518, A, &lo, 4);
}

/* Run one request at DESC; returns the control word written back. */
static uint32_t dma(uint32_t control, uint32_t len, uint64_t addr)
{
    put_desc(DESC, control, len, addr);
    kick_dma(DESC);
    return ldl_be_at(DESC);
}

static FWCfgState *fw_new(void)
{
    return fw_cfg_init_io_dma(0x510, 0x514, &address_space_memory);
}

static void fw_free(FWCfgState *s)
{
    object_unparent(OBJECT(s));
}

/* ---- tests ---- */

static void test_signature_and_id(void)
{
    FWCfgState *s = fw_new();
    char sig[5] = "";
    uint8_t dsig[8];

    g_assert(fw_cfg_find() == s);
    g_assert_true(fw_cfg_dma_enabled(s));
    sel(FW_CFG_SIGNATURE);
    read_data(sig, 4);
    g_assert_cmpstr(sig, ==, "QEMU");
    g_assert_cmpint(data_byte(), ==, 0);     /* past the end */
    /* The selector's port reads data too. */
    sel(FW_CFG_SIGNATURE);
    g_assert_cmpint(address_space_ldub(&address_space_io, 0x510, A, NULL),
                    ==, 'Q');
    g_assert_cmphex(read_le(FW_CFG_ID, 4), ==,
                    FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    /* The DMA register reads as "QEMU CFG" in memory order. */
    g_assert_cmpint(address_space_read(&address_space_io, 0x514, A, dsig, 8),
                    ==, MEMTX_OK);
    g_assert_cmpmem(dsig, 8, "QEMU CFG", 8);
    {
        static const uint8_t zero[16];
        uint8_t uuid[16];

        sel(FW_CFG_UUID);
        read_data(uuid, 16);
        g_assert_cmpmem(uuid, 16, zero, 16);
    }
    fw_free(s);
    g_assert_null(fw_cfg_find());

    /* Without DMA: ID bit 1 clear and nothing at 0x514. */
    s = fw_cfg_init_io_dma(0x510, 0, NULL);
    g_assert_false(fw_cfg_dma_enabled(s));
    g_assert_cmphex(read_le(FW_CFG_ID, 4), ==, FW_CFG_VERSION);
    g_assert_cmphex(address_space_ldl_le(&address_space_io, 0x514, A, NULL),
                    ==, 0xffffffff);
    fw_free(s);
}

static void test_items(void)
{
    FWCfgState *s = fw_new();
    g_autofree char *msg = NULL;
    char cmd[32];

    g_assert_true(fw_cfg_add_i16(s, FW_CFG_NB_CPUS, 4));
    g_assert_true(fw_cfg_add_i16(s, FW_CFG_MAX_CPUS, 0x1234));
    g_assert_true(fw_cfg_add_i32(s, FW_CFG_CMDLINE_SIZE, 0xdeadbeef));
    g_assert_true(fw_cfg_add_i64(s, FW_CFG_RAM_SIZE, 0x123456789abcdef0));
    g_assert_true(fw_cfg_add_string(s, FW_CFG_CMDLINE_DATA, "console=ttyS0"));
    g_assert_true(fw_cfg_add_i64(s, FW_CFG_E820_TABLE, 7));

    g_assert_cmphex(read_le(FW_CFG_NB_CPUS, 2), ==, 4);
    g_assert_cmphex(read_le(FW_CFG_MAX_CPUS, 2), ==, 0x1234);
    g_assert_cmphex(read_le(FW_CFG_CMDLINE_SIZE, 4), ==, 0xdeadbeef);
    g_assert_cmphex(read_le(FW_CFG_RAM_SIZE, 8), ==, 0x123456789abcdef0);
    g_assert_cmphex(read_le(FW_CFG_E820_TABLE, 8), ==, 7);
    /* Arch-local and generic items with the same index are distinct
     * (E820_TABLE is arch-local 3, RAM_SIZE generic 3). */
    g_assert_cmphex(FW_CFG_E820_TABLE & FW_CFG_ENTRY_MASK, ==,
                    FW_CFG_RAM_SIZE);
    sel(FW_CFG_CMDLINE_DATA);
    read_data(cmd, 14);
    g_assert_cmpstr(cmd, ==, "console=ttyS0");

    /* Modify replaces; an empty item reads zeros. */
    g_assert_true(fw_cfg_modify_i16(s, FW_CFG_NB_CPUS, 2));
    g_assert_cmphex(read_le(FW_CFG_NB_CPUS, 4), ==, 2);
    g_assert_true(fw_cfg_modify_i32(s, FW_CFG_CMDLINE_SIZE, 9));
    g_assert_cmphex(read_le(FW_CFG_CMDLINE_SIZE, 4), ==, 9);
    g_assert_true(fw_cfg_modify_i64(s, FW_CFG_RAM_SIZE, 1));
    g_assert_cmphex(read_le(FW_CFG_RAM_SIZE, 8), ==, 1);
    g_assert_true(fw_cfg_modify_string(s, FW_CFG_CMDLINE_DATA, "x"));
    g_assert_cmphex(read_le(FW_CFG_CMDLINE_DATA, 4), ==, 'x');
    g_assert_cmphex(read_le(FW_CFG_KERNEL_SIZE, 4), ==, 0);

    /* Keys that are not numbered items are refused (board bugs). */
    capture_start();
    g_assert_false(fw_cfg_add_i32(s, FW_CFG_FILE_DIR, 1));
    g_assert_false(fw_cfg_add_i32(s, FW_CFG_FILE_FIRST, 1));
    g_assert_false(fw_cfg_modify_i32(s, 0x3000, 1));
    msg = capture_end();
    g_assert_nonnull(strstr(msg, "fw_cfg: add: key 0x19 is not a numbered"));
    g_assert_nonnull(strstr(msg, "key 0x3000"));
    fw_free(s);
}

static void test_selector_resets_offset(void)
{
    FWCfgState *s = fw_new();
    uint8_t b[4];

    sel(FW_CFG_SIGNATURE);
    read_data(b, 2);
    g_assert_cmpmem(b, 2, "QE", 2);
    sel(FW_CFG_SIGNATURE);
    read_data(b, 4);
    g_assert_cmpmem(b, 4, "QEMU", 4);
    for (int i = 0; i < 100; i++) {
        g_assert_cmpint(data_byte(), ==, 0);
    }
    /* Data-port writes are ignored and do not move the offset. */
    sel(FW_CFG_SIGNATURE);
    address_space_stb(&address_space_io, 0x511, 0x55, A, NULL);
    read_data(b, 4);
    g_assert_cmpmem(b, 4, "QEMU", 4);
    /* An unknown key reads zeros. */
    sel(0x3fff);
    g_assert_cmpint(data_byte(), ==, 0);
    sel(FW_CFG_INVALID);
    g_assert_cmpint(data_byte(), ==, 0);
    fw_free(s);
}

static void test_file_dir(void)
{
    static const char *const names[] = {
        "etc/e820", "bootorder", "opt/zz", "etc/acpi/tables", "a",
    };
    static const char *const sorted[] = {
        "a", "bootorder", "etc/acpi/tables", "etc/e820", "opt/zz",
    };
    FWCfgState *s = fw_new();
    Error *err = NULL;
    uint32_t count;
    char longname[FW_CFG_MAX_FILE_PATH + 1];

    for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
        g_assert_true(fw_cfg_add_file(s, names[i], names[i],
                                      strlen(names[i]), &error_abort));
    }
    sel(FW_CFG_FILE_DIR);
    read_data(&count, 4);
    g_assert_cmpint(GUINT32_FROM_BE(count), ==, ARRAY_SIZE(names));
    for (unsigned i = 0; i < ARRAY_SIZE(sorted); i++) {
        FWCfgFile f;

        read_data(&f, sizeof(f));
        g_assert_cmpstr(f.name, ==, sorted[i]);
        g_assert_cmpint(GUINT32_FROM_BE(f.size), ==, strlen(sorted[i]));
        g_assert_cmphex(GUINT16_FROM_BE(f.select), ==,
                        FW_CFG_FILE_FIRST + i);
        g_assert_cmpint(f.reserved, ==, 0);
    }
    g_assert_cmpint(data_byte(), ==, 0);
    /* Each file's key gives its contents. */
    for (unsigned i = 0; i < ARRAY_SIZE(sorted); i++) {
        char buf[FW_CFG_MAX_FILE_PATH] = "";

        sel(FW_CFG_FILE_FIRST + i);
        read_data(buf, strlen(sorted[i]) + 1);
        g_assert_cmpstr(buf, ==, sorted[i]);
    }

    /* Errors: duplicate, bad names. */
    g_assert_false(fw_cfg_add_file(s, "bootorder", "x", 1, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "duplicate"));
    error_free(err);
    err = NULL;
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    g_assert_false(fw_cfg_add_file(s, longname, "x", 1, &err));
    error_free(err);
    err = NULL;
    g_assert_false(fw_cfg_add_file(s, "", "x", 1, &err));
    error_free(err);
    err = NULL;

    /* Modify replaces the contents and the size in the directory. */
    g_assert_true(fw_cfg_modify_file(s, "bootorder", "abcdefgh", 8,
                                     &error_abort));
    sel(FW_CFG_FILE_DIR);
    read_data(&count, 4);
    {
        FWCfgFile f[2];

        read_data(f, sizeof(f));
        g_assert_cmpint(GUINT32_FROM_BE(f[1].size), ==, 8);
    }
    g_assert_cmphex(read_le(FW_CFG_FILE_FIRST + 1, 8), ==,
                    0x6867666564636261);

    /* Slots run out at x-file-slots. */
    for (unsigned i = ARRAY_SIZE(names); i < FW_CFG_FILE_SLOTS_DFLT; i++) {
        g_autofree char *n = g_strdup_printf("f%03u", i);

        g_assert_true(fw_cfg_add_file(s, n, NULL, 0, &error_abort));
    }
    g_assert_false(fw_cfg_add_file(s, "one-more", "x", 1, &err));
    g_assert_nonnull(err);
    error_free(err);
    g_assert_cmphex(read_le(FW_CFG_FILE_DIR, 4), ==,
                    GUINT32_TO_BE(FW_CFG_FILE_SLOTS_DFLT));
    fw_free(s);
}

static void test_dma_read(void)
{
    FWCfgState *s = fw_new();
    static const char text[] = "hello, firmware";
    size_t n = strlen(text);

    fw_cfg_add_file(s, "etc/hello", text, n, &error_abort);
    memset(ram_ptr(BUF), 0xff, 64);
    /* Select + read, longer than the file: the rest is zeroed. */
    g_assert_cmphex(dma(((uint32_t)FW_CFG_FILE_FIRST << 16) |
                        FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                        n + 8, BUF), ==, 0);
    g_assert_cmpmem(ram_ptr(BUF), n, text, n);
    for (size_t i = n; i < n + 8; i++) {
        g_assert_cmpint(ram_ptr(BUF)[i], ==, 0);
    }
    g_assert_cmpint(ram_ptr(BUF)[n + 8], ==, 0xff);

    /* Select + skip, then a read continues from the offset. */
    memset(ram_ptr(BUF), 0xff, 64);
    g_assert_cmphex(dma(((uint32_t)FW_CFG_FILE_FIRST << 16) |
                        FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP,
                        7, 0), ==, 0);
    g_assert_cmphex(dma(FW_CFG_DMA_CTL_READ, 8, BUF), ==, 0);
    g_assert_cmpmem(ram_ptr(BUF), 8, "firmware", 8);
    g_assert_cmpint(ram_ptr(BUF)[8], ==, 0xff);
    /* The data port shares the offset. */
    g_assert_cmpint(data_byte(), ==, 0);

    /* An 8-byte register write works as well; select with no op. */
    put_desc(DESC, (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT, 0, 0);
    {
        uint64_t be = GUINT64_TO_BE(DESC);

        address_space_write(&address_space_io, 0x514, A, &be, 8);
    }
    g_assert_cmphex(ldl_be_at(DESC), ==, 0);
    g_assert_cmpint(data_byte(), ==, 'Q');

    /* Reading an unknown key gives zeros, not an error. */
    memset(ram_ptr(BUF), 0xff, 64);
    g_assert_cmphex(dma((0x3fffu << 16) | FW_CFG_DMA_CTL_SELECT |
                        FW_CFG_DMA_CTL_READ, 16, BUF), ==, 0);
    g_assert_cmpint(ram_ptr(BUF)[15], ==, 0);
    fw_free(s);
}

static void test_dma_errors(void)
{
    FWCfgState *s = fw_new();
    uint32_t done;

    fw_cfg_add_file(s, "etc/x", "0123456789", 10, &error_abort);
    /* Data into a hole. */
    g_assert_cmphex(dma(((uint32_t)FW_CFG_FILE_FIRST << 16) |
                        FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                        4, 0x80000000), ==, FW_CFG_DMA_CTL_ERROR);
    /* A huge length runs off the end of RAM into the hole. */
    g_assert_cmphex(dma(((uint32_t)FW_CFG_FILE_FIRST << 16) |
                        FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                        0xffffffff, RAM_SIZE - 0x100), ==,
                    FW_CFG_DMA_CTL_ERROR);
    /* An address that wraps. */
    g_assert_cmphex(dma(((uint32_t)FW_CFG_FILE_FIRST << 16) |
                        FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                        0x1000, UINT64_MAX - 0x10), ==,
                    FW_CFG_DMA_CTL_ERROR);
    g_assert_cmphex(dma(FW_CFG_DMA_CTL_READ, 0xffffffff, UINT64_MAX), ==,
                    FW_CFG_DMA_CTL_ERROR);
    /* A descriptor in a hole, or straddling RAM's end: no crash. */
    kick_dma(0x90000000);
    kick_dma(UINT64_MAX - 4);
    put_desc(RAM_SIZE - 16, FW_CFG_DMA_CTL_READ, 4, BUF);
    kick_dma(RAM_SIZE - 8);
    done = ldl_be_at(RAM_SIZE - 8);
    g_assert_cmphex(done, ==, FW_CFG_DMA_CTL_ERROR);
    /* The device still works. */
    g_assert_cmphex(read_le(FW_CFG_SIGNATURE, 4), ==, 0x554d4551);
    fw_free(s);
}

typedef struct WriteSeen {
    uint64_t offset, len;
    int calls;
} WriteSeen;

static void write_cb(void *opaque, uint64_t offset, uint64_t len)
{
    WriteSeen *w = opaque;

    w->offset = offset;
    w->len = len;
    w->calls++;
}

static void test_dma_write(void)
{
    FWCfgState *s = fw_new();
    WriteSeen seen = { 0 };
    const uint8_t *p;
    size_t len;

    /* "etc/ro" gets key 0x21, "etc/rw" 0x22 ("a" is 0x20). */
    fw_cfg_add_file(s, "a", "a", 1, &error_abort);
    fw_cfg_add_file(s, "etc/ro", "readonly", 8, &error_abort);
    fw_cfg_add_file_callback(s, "etc/rw", NULL, write_cb, &seen,
                             "........", 8, false, &error_abort);
    memcpy(ram_ptr(BUF), "WXYZ", 4);

    /* Read-only file, numbered items: refused. */
    g_assert_cmphex(dma((0x21u << 16) | FW_CFG_DMA_CTL_SELECT |
                        FW_CFG_DMA_CTL_WRITE, 4, BUF), ==,
                    FW_CFG_DMA_CTL_ERROR);
    p = fw_cfg_get_file(s, "etc/ro", &len);
    g_assert_cmpmem(p, len, "readonly", 8);
    g_assert_cmphex(dma((FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT |
                        FW_CFG_DMA_CTL_WRITE, 4, BUF), ==,
                    FW_CFG_DMA_CTL_ERROR);
    g_assert_cmphex(read_le(FW_CFG_SIGNATURE, 4), ==, 0x554d4551);

    /* Writable: skip 2, write 4. */
    g_assert_cmphex(dma((0x22u << 16) | FW_CFG_DMA_CTL_SELECT |
                        FW_CFG_DMA_CTL_SKIP, 2, 0), ==, 0);
    g_assert_cmphex(dma(FW_CFG_DMA_CTL_WRITE, 4, BUF), ==, 0);
    p = fw_cfg_get_file(s, "etc/rw", &len);
    g_assert_cmpmem(p, len, "..WXYZ..", 8);
    g_assert_cmpint(seen.calls, ==, 1);
    g_assert_cmpint(seen.offset, ==, 2);
    g_assert_cmpint(seen.len, ==, 4);
    /* Past the end, or from a hole: refused, file unchanged. */
    g_assert_cmphex(dma(FW_CFG_DMA_CTL_WRITE, 4, BUF), ==,
                    FW_CFG_DMA_CTL_ERROR);
    g_assert_cmphex(dma((0x22u << 16) | FW_CFG_DMA_CTL_SELECT |
                        FW_CFG_DMA_CTL_WRITE, 4, 0x80000000), ==,
                    FW_CFG_DMA_CTL_ERROR);
    p = fw_cfg_get_file(s, "etc/rw", &len);
    g_assert_cmpmem(p, len, "..WXYZ..", 8);
    g_assert_cmpint(seen.calls, ==, 1);
    fw_free(s);
}

static void test_qom(void)
{
    ObjectClass *oc = object_class_by_name(TYPE_FW_CFG_IO);
    DeviceClass *dc = DEVICE_CLASS(oc);

    g_assert_nonnull(oc);
    g_assert_false(dc->user_creatable);
    g_assert_true(device_class_has_category(dc, DEVICE_CATEGORY_MISC));
    g_assert_cmpstr(dc->bus_type, ==, "ISA");
    /* A fresh instance can be realized more than once over the run. */
    for (int i = 0; i < 3; i++) {
        fw_free(fw_new());
    }
}

static void test_hostile(void)
{
    FWCfgState *s = fw_new();
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    uint8_t *r = ram_ptr(0);

    fw_cfg_add_file(s, "etc/rw", NULL, 0, &error_abort);
    fw_cfg_add_file_callback(s, "etc/rw2", NULL, NULL, NULL, "abcdefgh", 8,
                             false, &error_abort);
    fw_cfg_add_file(s, "etc/ro", "0123456789", 10, &error_abort);
    for (int i = 0; i < 20000; i++) {
        unsigned size = sizes[g_test_rand_int_range(0, 4)];
        uint64_t port = 0x50c + g_test_rand_int_range(0, 20);
        uint64_t v = ((uint64_t)g_test_rand_int() << 32) | g_test_rand_int();
        hwaddr d = g_test_rand_int_range(0, 16) * 16;

        switch (g_test_rand_int_range(0, 4)) {
        case 0:
            address_space_write(&address_space_io, port, A, &v, size);
            break;
        case 1:
            address_space_read(&address_space_io, port, A, &v, size);
            break;
        case 2:
            /* A random request somewhere in RAM. */
            for (int k = 0; k < 16; k++) {
                r[d + k] = g_test_rand_int();
            }
            if (g_test_rand_bit()) {
                /* ...mostly with data aimed at RAM. */
                put_desc(d, g_test_rand_int() & 0xffff001f,
                         g_test_rand_int_range(0, 0x3000),
                         g_test_rand_int_range(0, RAM_SIZE + 0x1000));
            }
            kick_dma(d);
            break;
        default:
            sel(g_test_rand_int());
            break;
        }
    }
    /* Still alive and answering. */
    g_assert_cmphex(read_le(FW_CFG_SIGNATURE, 4), ==, 0x554d4551);
    fw_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* Run the guest-error log paths without printing them. */
    qemu_set_log_filename("/dev/null", &error_abort);
    qemu_set_log(LOG_GUEST_ERROR);
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(get_system_memory(), 0, &ram);

    g_test_add_func("/fw-cfg/signature-id", test_signature_and_id);
    g_test_add_func("/fw-cfg/items", test_items);
    g_test_add_func("/fw-cfg/selector-offset", test_selector_resets_offset);
    g_test_add_func("/fw-cfg/file-dir", test_file_dir);
    g_test_add_func("/fw-cfg/dma-read", test_dma_read);
    g_test_add_func("/fw-cfg/dma-errors", test_dma_errors);
    g_test_add_func("/fw-cfg/dma-write", test_dma_write);
    g_test_add_func("/fw-cfg/qom", test_qom);
    g_test_add_func("/fw-cfg/hostile", test_hostile);
    return g_test_run();
}
