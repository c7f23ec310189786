/*
 * test-block-raw.c: the block core with the file and raw drivers: image
 * creation, reads and writes at any alignment, zero writes, discard,
 * cache modes (O_DIRECT bounce buffering), block status, format probing,
 * option errors as QEMU words them, and asynchronous requests.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"
#include "block/block-backend.h"
#include "qobject/qdict.h"
#include "test-helpers.h"

#include <sys/stat.h>

static char *make_raw(const char *name, int64_t size)
{
    char *path = tmp_path(name);
    Error *err = NULL;

    unlink(path);
    bdrv_img_create(path, "raw", NULL, NULL, NULL, size, 0, true, &err);
    g_assert_null(err);
    return path;
}

static BlockBackend *open_raw(const char *path, const char *extra, int flags,
                              Error **errp)
{
    QDict *o = qdict_new();

    qdict_put_str(o, "driver", "raw");
    if (extra) {
        g_auto(GStrv) kv = g_strsplit(extra, ",", -1);
        for (int i = 0; kv[i]; i++) {
            char *eq = strchr(kv[i], '=');
            *eq = 0;
            qdict_put_str(o, kv[i], eq + 1);
        }
    }
    return blk_new_open(path, NULL, o, flags, errp);
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed + i * 7 + (i >> 9));
    }
}

static void test_create_and_size(void)
{
    g_autofree char *path = make_raw("size.raw", 1 * MiB + 512);
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 1 * MiB + 512);
    /* A new file is sparse. */
    g_assert_cmpint(st.st_blocks, ==, 0);

    BlockBackend *blk = open_raw(path, NULL, 0, &error_abort);
    g_assert_cmpint(blk_getlength(blk), ==, 1 * MiB + 512);
    g_assert_true(blk_is_read_only(blk));
    uint8_t b[16];
    g_assert_cmpint(blk_pwrite(blk, 0, 16, b, 0), ==, -EPERM);
    g_assert_cmpint(blk_pread(blk, 1 * MiB + 500, 13, b, 0), ==, -EIO);
    blk_unref(blk);
}

/* Write a pattern at odd offsets and lengths, read it back through another
 * open of the file. */
static void rw_roundtrip(const char *opts)
{
    g_autofree char *path = make_raw("rw.raw", 256 * KiB);
    static uint8_t data[70000], back[70000];
    static const struct { int64_t off; int64_t len; } reqs[] = {
        { 0, 512 }, { 1, 1 }, { 511, 2 }, { 1000, 70000 }, { 4095, 4097 },
        { 256 * KiB - 3, 3 }, { 77777, 12345 },
    };

    BlockBackend *blk = open_raw(path, opts, BDRV_O_RDWR, &error_abort);
    for (size_t i = 0; i < ARRAY_SIZE(reqs); i++) {
        fill(data, reqs[i].len, i);
        g_assert_cmpint(blk_pwrite(blk, reqs[i].off, reqs[i].len, data, 0), ==, 0);
        memset(back, 0xaa, reqs[i].len);
        g_assert_cmpint(blk_pread(blk, reqs[i].off, reqs[i].len, back, 0), ==, 0);
        g_assert_cmpmem(back, reqs[i].len, data, reqs[i].len);
    }
    g_assert_cmpint(blk_flush(blk), ==, 0);
    blk_unref(blk);

    /* The last write of each region wins; check the final one on disk. */
    int fd = open(path, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    size_t last = ARRAY_SIZE(reqs) - 1;
    fill(data, reqs[last].len, last);
    g_assert_cmpint(pread(fd, back, reqs[last].len, reqs[last].off), ==, reqs[last].len);
    g_assert_cmpmem(back, reqs[last].len, data, reqs[last].len);
    close(fd);
}

static void test_rw_writeback(void)
{
    rw_roundtrip(NULL);
}

static void test_rw_unsafe(void)
{
    rw_roundtrip("cache.no-flush=on");
}

/* cache=none: O_DIRECT on the fd, and unaligned requests still work
 * (bounce buffers and read-modify-write). */
static void test_rw_direct(void)
{
    g_autofree char *probe = make_raw("direct-probe.raw", 4096);
    int fd = open(probe, O_RDWR | O_DIRECT);

    if (fd < 0) {
        g_test_skip("the scratch filesystem refuses O_DIRECT");
        return;
    }
    close(fd);
    rw_roundtrip("cache.direct=on");

    g_autofree char *path = make_raw("direct.raw", 64 * KiB);
    BlockBackend *blk = open_raw(path, "cache.direct=on", BDRV_O_RDWR, &error_abort);
    BlockDriverState *file = bdrv_file_bs(blk_bs(blk));
    g_assert_cmpuint(file->request_alignment, >=, 512);
    g_assert_cmpint(file->open_flags & BDRV_O_NOCACHE, !=, 0);
    /* The fd really is O_DIRECT: /proc says so. */
    bool found = false;
    g_autoptr(GDir) d = g_dir_open("/proc/self/fd", 0, NULL);
    const char *ent;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *lnk = g_strdup_printf("/proc/self/fd/%s", ent);
        g_autofree char *target = g_file_read_link(lnk, NULL);
        if (target && !strcmp(target, path)) {
            g_autofree char *info = g_strdup_printf("/proc/self/fdinfo/%s", ent);
            g_autofree char *txt = read_file(info);
            unsigned long fl = strtoul(strstr(txt, "flags:") + 6, NULL, 8);
            found = found || (fl & O_DIRECT);
        }
    }
    g_assert_true(found);
    blk_unref(blk);
}

static void test_writethrough(void)
{
    g_autofree char *path = make_raw("wt.raw", 64 * KiB);
    BlockBackend *blk = open_raw(path, NULL, BDRV_O_RDWR, &error_abort);
    int flags = 0;
    bool wt = false;
    uint8_t buf[1000];

    g_assert_cmpint(bdrv_parse_cache_mode("writethrough", &flags, &wt), ==, 0);
    g_assert_true(wt);
    g_assert_cmpint(bdrv_parse_cache_mode("directsync", &flags, &wt), ==, 0);
    g_assert_true(wt && (flags & BDRV_O_NOCACHE));
    g_assert_cmpint(bdrv_parse_cache_mode("unsafe", &flags, &wt), ==, 0);
    g_assert_true(!wt && (flags & BDRV_O_NO_FLUSH) && !(flags & BDRV_O_NOCACHE));
    g_assert_cmpint(bdrv_parse_cache_mode("none", &flags, &wt), ==, 0);
    g_assert_true(!wt && (flags & BDRV_O_NOCACHE) && !(flags & BDRV_O_NO_FLUSH));
    g_assert_cmpint(bdrv_parse_cache_mode("bogus", &flags, &wt), ==, -1);

    blk_set_enable_write_cache(blk, false);
    fill(buf, sizeof(buf), 3);
    g_assert_cmpint(blk_pwrite(blk, 100, sizeof(buf), buf, 0), ==, 0);
    /* Visible to another reader at once (it went through to the file). */
    int fd = open(path, O_RDONLY);
    uint8_t back[1000];
    g_assert_cmpint(pread(fd, back, sizeof(back), 100), ==, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), buf, sizeof(buf));
    close(fd);
    blk_unref(blk);
}

static int64_t allocated(const char *path)
{
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    return (int64_t)st.st_blocks * 512;
}

static void test_zeroes_and_discard(void)
{
    g_autofree char *path = make_raw("zero.raw", 1 * MiB);
    static uint8_t buf[1 * MiB];
    int64_t pnum, map;
    BlockDriverState *file;

    /* discard=ignore (default): data stays allocated. */
    BlockBackend *blk = open_raw(path, NULL, BDRV_O_RDWR, &error_abort);
    memset(buf, 0x5a, sizeof(buf));
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(blk_flush(blk), ==, 0);
    g_assert_cmpint(allocated(path), >=, 1 * MiB);
    g_assert_cmpint(blk_pdiscard(blk, 0, 512 * KiB), ==, 0);
    g_assert_cmpint(allocated(path), >=, 1 * MiB);

    /* Zero writes read back as zero, unaligned edges included. */
    g_assert_cmpint(blk_pwrite_zeroes(blk, 1001, 70000, 0), ==, 0);
    g_assert_cmpint(blk_pread(blk, 0, sizeof(buf), buf, 0), ==, 0);
    for (int i = 0; i < 1 * MiB; i++) {
        uint8_t want = (i >= 1001 && i < 71001) ? 0 : 0x5a;
        if (buf[i] != want) {
            g_error("byte %d is %#x, expected %#x", i, buf[i], want);
        }
    }
    blk_unref(blk);

    /* discard=unmap: the range is deallocated and reads as zeroes, and
     * block status reports it as zero. */
    blk = open_raw(path, "discard=unmap", BDRV_O_RDWR, &error_abort);
    int64_t before = allocated(path);
    g_assert_cmpint(blk_pdiscard(blk, 512 * KiB, 512 * KiB), ==, 0);
    g_assert_cmpint(allocated(path), <=, before - 512 * KiB);
    int ret = bdrv_block_status_above(blk_bs(blk), NULL, 512 * KiB, 512 * KiB,
                                      &pnum, &map, &file);
    g_assert_cmpint(ret, >=, 0);
    g_assert_true(ret & BDRV_BLOCK_ZERO);
    g_assert_cmpint(pnum, ==, 512 * KiB);
    g_assert_cmpint(map, ==, 512 * KiB);
    g_assert_true(file == bdrv_file_bs(blk_bs(blk)));
    ret = bdrv_block_status_above(blk_bs(blk), NULL, 200 * KiB, 1 * MiB, &pnum, &map,
                                  &file);
    g_assert_true(ret & BDRV_BLOCK_DATA);
    g_assert_false(ret & BDRV_BLOCK_ZERO);
    g_assert_cmpint(pnum, ==, 312 * KiB);
    blk_unref(blk);
}

static void test_detect_zeroes(void)
{
    g_autofree char *path = make_raw("dz.raw", 1 * MiB);
    static uint8_t buf[256 * KiB];

    BlockBackend *blk = open_raw(path, "detect-zeroes=unmap,discard=unmap", BDRV_O_RDWR,
                                 &error_abort);
    memset(buf, 1, sizeof(buf));
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    int64_t before = allocated(path);
    g_assert_cmpint(before, >=, 256 * KiB);
    /* An all-zero write becomes an unmap: the file shrinks on disk. */
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(allocated(path), <, before);
    memset(buf, 1, sizeof(buf));
    g_assert_cmpint(blk_pread(blk, 0, sizeof(buf), buf, 0), ==, 0);
    g_assert_true(buffer_is_zero(buf, sizeof(buf)));
    blk_unref(blk);
}

static void test_raw_window(void)
{
    g_autofree char *path = make_raw("win.raw", 64 * KiB);
    uint8_t buf[512], back[512];

    BlockBackend *blk = open_raw(path, "offset=4096,size=8192", BDRV_O_RDWR,
                                 &error_abort);
    g_assert_cmpint(blk_getlength(blk), ==, 8192);
    fill(buf, sizeof(buf), 9);
    g_assert_cmpint(blk_pwrite(blk, 0, 512, buf, 0), ==, 0);
    g_assert_cmpint(blk_pwrite(blk, 8192, 512, buf, 0), ==, -EIO);
    blk_unref(blk);
    int fd = open(path, O_RDONLY);
    g_assert_cmpint(pread(fd, back, 512, 4096), ==, 512);
    g_assert_cmpmem(back, 512, buf, 512);
    close(fd);
}

static void test_probe(void)
{
    g_autofree char *path = make_raw("probe.raw", 64 * KiB);
    Error *err = NULL;

    /* Read-only probing guesses raw silently. */
    BlockDriverState *bs = bdrv_open(path, NULL, NULL, 0, &err);
    g_assert_nonnull(bs);
    g_assert_cmpstr(bdrv_get_format_name(bs), ==, "raw");
    g_assert_true(bs->probed);
    bdrv_unref(bs);

    /* Read-write: a write that makes block 0 look like another format
     * is refused (only checkable when such a format is built in). */
    bs = bdrv_open(path, NULL, NULL, BDRV_O_RDWR, &err);
    g_assert_nonnull(bs);
    uint8_t block0[512] = { 0 };
    g_assert_cmpint(bdrv_pwrite_bs(bs, 0, 512, block0), ==, 0);
    if (bdrv_find_format("qcow2")) {
        memcpy(block0, "QFI\xfb\0\0\0\3", 8);
        g_assert_cmpint(bdrv_pwrite_bs(bs, 0, 512, block0), ==, -EPERM);
        /* Anywhere else it is just data. */
        g_assert_cmpint(bdrv_pwrite_bs(bs, 4096, 512, block0), ==, 0);
    }
    bdrv_unref(bs);
}

static void test_probe_warning(void)
{
    g_autofree char *path = make_raw("warn.raw", 64 * KiB);

    if (g_test_subprocess()) {
        BlockDriverState *bs = bdrv_open(path, NULL, NULL, BDRV_O_RDWR, &error_abort);
        bdrv_unref(bs);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("WARNING: Image format was not specified for '*' and "
                              "probing guessed raw.\n*Specify the 'raw' format "
                              "explicitly to remove the restrictions.\n");
}

/* bdrv_open option errors: QEMU's words. */
static void test_option_errors(void)
{
    g_autofree char *path = make_raw("opts.raw", 64 * KiB);
    g_autofree char *dir = tmp_path("");
    g_autofree char *missing = tmp_path("missing.raw");
    g_autofree char *m_missing = g_strdup_printf("Could not open '%s': No such file "
                                                 "or directory", missing);
    g_autofree char *m_dir = g_strdup_printf("'file' driver requires '%s' to be a "
                                             "regular file", dir);
    static const struct {
        const char *opts;
        const char *file;   /* "P": path, "M": missing, "D": dir */
        const char *msg;
    } cases[] = {
        { "driver=foo", "P", "Unknown driver 'foo'" },
        { "driver=raw,bar=1", "P", "Block format 'raw' does not support the option 'bar'" },
        { "driver=raw,file.bar=1", "P",
          "Block protocol 'file' doesn't support the option 'bar'" },
        { "driver=raw", "M", NULL },
        { "driver=raw", "D", NULL },
        { "driver=raw,node-name=1a", "P", "Invalid node-name: '1a'" },
        { "driver=raw,discard=foo", "P", "Invalid discard option" },
        { "driver=raw,detect-zeroes=foo", "P",
          "Parameter 'detect-zeroes' does not accept value 'foo'" },
        { "driver=raw,detect-zeroes=unmap", "P",
          "setting detect-zeroes to unmap is not allowed without setting discard "
          "operation to unmap" },
        { "driver=raw,read-only=maybe", "P", "Parameter 'read-only' expects 'on' or 'off'" },
        { "driver=raw,size=1000", "P", "Specified size is not multiple of 512" },
        { "driver=raw,file.aio=native", "P",
          "aio=native was specified, but it requires cache.direct=on, which was not "
          "specified." },
        { "driver=raw,file.locking=x", "P", "Parameter 'locking' does not accept value 'x'" },
        { "driver=raw,force-share=on,read-only=off", "P",
          "force-share=on can only be used with read-only images" },
        { "driver=file,filename=", "", "Could not open '': No such file or directory" },
        { "driver=file", "", "Parameter 'filename' is missing" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        QDict *o = qdict_new();
        g_auto(GStrv) kv = g_strsplit(cases[i].opts, ",", -1);
        for (int k = 0; kv[k]; k++) {
            char *eq = strchr(kv[k], '=');
            *eq = 0;
            qdict_put_str(o, kv[k], eq + 1);
        }
        const char *f = !strcmp(cases[i].file, "P") ? path :
                        !strcmp(cases[i].file, "M") ? missing :
                        !strcmp(cases[i].file, "D") ? dir : NULL;
        const char *msg = cases[i].msg ? cases[i].msg :
                          !strcmp(cases[i].file, "M") ? m_missing : m_dir;
        Error *err = NULL;
        BlockDriverState *bs = bdrv_open(f, NULL, o, BDRV_O_RDWR, &err);
        if (bs || !err) {
            g_error("case %zu (%s) unexpectedly opened", i, cases[i].opts);
        }
        g_assert_cmpstr(error_get_pretty(err), ==, msg);
        error_free(err);
    }
}

static void test_node_names(void)
{
    g_autofree char *path = make_raw("nodes.raw", 64 * KiB);
    QDict *o = qdict_new();
    Error *err = NULL;

    qdict_put_str(o, "driver", "raw");
    qdict_put_str(o, "node-name", "disk0");
    BlockDriverState *bs = bdrv_open(path, NULL, o, 0, &error_abort);
    g_assert_true(bdrv_find_node("disk0") == bs);
    g_assert_cmpstr(bdrv_get_format_name(bdrv_file_bs(bs)), ==, "file");
    g_assert_cmpstr(bs->filename, ==, path);

    o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    qdict_put_str(o, "node-name", "disk0");
    g_assert_null(bdrv_open(path, NULL, o, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Duplicate nodes with node-name='disk0'");
    error_free(err);
    err = NULL;

    /* A raw node over an existing file node, by reference. */
    o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    qdict_put_str(o, "file", bdrv_get_node_name(bdrv_file_bs(bs)));
    BlockDriverState *bs2 = bdrv_open(NULL, NULL, o, 0, &error_abort);
    g_assert_true(bdrv_file_bs(bs2) == bdrv_file_bs(bs));
    bdrv_unref(bs2);

    o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    qdict_put_str(o, "file", "nosuch");
    g_assert_null(bdrv_open(NULL, NULL, o, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Cannot find device='nosuch' nor node-name='nosuch'");
    error_free(err);

    bdrv_unref(bs);
    g_assert_null(bdrv_find_node("disk0"));
}

static void test_json_filename(void)
{
    g_autofree char *path = make_raw("json.raw", 64 * KiB);
    g_autofree char *json = g_strdup_printf("json:{\"driver\": \"raw\", \"file\": "
                                            "{\"driver\": \"file\", \"filename\": "
                                            "\"%s\"}}", path);
    BlockDriverState *bs = bdrv_open(json, NULL, NULL, 0, &error_abort);

    g_assert_cmpstr(bdrv_get_format_name(bs), ==, "raw");
    g_assert_false(bs->probed);
    g_assert_cmpint(bdrv_getlength(bs), ==, 64 * KiB);
    bdrv_unref(bs);
}

static void test_truncate(void)
{
    g_autofree char *path = make_raw("trunc.raw", 64 * KiB);
    BlockBackend *blk = open_raw(path, NULL, BDRV_O_RDWR, &error_abort);
    struct stat st;

    g_assert_cmpint(blk_truncate(blk, 1 * MiB, true, PREALLOC_MODE_OFF, 0, &error_abort),
                    ==, 0);
    g_assert_cmpint(blk_getlength(blk), ==, 1 * MiB);
    stat(path, &st);
    g_assert_cmpint(st.st_size, ==, 1 * MiB);
    g_assert_cmpint(st.st_blocks, ==, 0);
    g_assert_cmpint(blk_truncate(blk, 2 * MiB, true, PREALLOC_MODE_FULL, 0, &error_abort),
                    ==, 0);
    stat(path, &st);
    g_assert_cmpint(st.st_blocks * 512, >=, 1 * MiB);
    Error *err = NULL;
    g_assert_cmpint(blk_truncate(blk, 1 * MiB, true, PREALLOC_MODE_FALLOC, 0, &err), <, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Cannot use preallocation for shrinking files");
    error_free(err);
    blk_unref(blk);
}

typedef struct AioState {
    int done;
    int errors;
} AioState;

static void aio_cb(void *opaque, int ret)
{
    AioState *s = opaque;

    s->done++;
    s->errors += ret < 0;
}

static void test_aio(void)
{
    enum { N = 32, SZ = 4096 };
    g_autofree char *path = make_raw("aio.raw", N * SZ);
    BlockBackend *blk = open_raw(path, NULL, BDRV_O_RDWR, &error_abort);
    static uint8_t bufs[N][SZ], back[N * SZ];
    QEMUIOVector qiov[N];
    AioState s = { 0 };

    for (int i = 0; i < N; i++) {
        fill(bufs[i], SZ, i);
        qemu_iovec_init_buf(&qiov[i], bufs[i], SZ);
        blk_aio_pwritev(blk, i * SZ, &qiov[i], 0, aio_cb, &s);
    }
    blk_aio_flush(blk, aio_cb, &s);
    /* A failing request reports its error through the callback. */
    QEMUIOVector bad;
    qemu_iovec_init_buf(&bad, bufs[0], SZ);
    blk_aio_pwritev(blk, N * SZ, &bad, 0, aio_cb, &s);
    blk_drain(blk);
    g_assert_cmpint(s.done, ==, N + 2);
    g_assert_cmpint(s.errors, ==, 1);
    g_assert_cmpint(blk_pread(blk, 0, N * SZ, back, 0), ==, 0);
    for (int i = 0; i < N; i++) {
        g_assert_cmpmem(back + i * SZ, SZ, bufs[i], SZ);
    }
    blk_unref(blk);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_tmpdir_init("test-block-raw");
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/block/raw/create-size", test_create_and_size);
    g_test_add_func("/block/raw/rw-writeback", test_rw_writeback);
    g_test_add_func("/block/raw/rw-unsafe", test_rw_unsafe);
    g_test_add_func("/block/raw/rw-direct", test_rw_direct);
    g_test_add_func("/block/raw/writethrough", test_writethrough);
    g_test_add_func("/block/raw/zeroes-discard", test_zeroes_and_discard);
    g_test_add_func("/block/raw/detect-zeroes", test_detect_zeroes);
    g_test_add_func("/block/raw/window", test_raw_window);
    g_test_add_func("/block/raw/probe", test_probe);
    g_test_add_func("/block/raw/probe-warning", test_probe_warning);
    g_test_add_func("/block/raw/option-errors", test_option_errors);
    g_test_add_func("/block/raw/node-names", test_node_names);
    g_test_add_func("/block/raw/json-filename", test_json_filename);
    g_test_add_func("/block/raw/truncate", test_truncate);
    g_test_add_func("/block/raw/aio", test_aio);
    return test_tmpdir_cleanup(g_test_run());
}
