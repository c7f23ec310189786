/*
 * test-block-acct.c: the BlockBackend's request counters behind
 * query-blockstats: reads, writes, zero writes, discards and flushes
 * counted once each (synchronous or on the thread pool), bytes, the
 * highest write offset, failed and invalid requests kept apart.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"
#include "block/block-backend.h"
#include "qobject/qdict.h"
#include "test-helpers.h"

static BlockBackend *open_new_raw(const char *name, int64_t size, int flags)
{
    g_autofree char *path = tmp_path(name);
    QDict *o = qdict_new();
    Error *err = NULL;

    unlink(path);
    bdrv_img_create(path, "raw", NULL, NULL, NULL, size, 0, true, &err);
    g_assert_null(err);
    qdict_put_str(o, "driver", "raw");
    return blk_new_open(path, NULL, o, flags, &error_abort);
}

static void test_sync_counters(void)
{
    BlockBackend *blk = open_new_raw("acct.raw", 64 * KiB, BDRV_O_RDWR);
    static uint8_t buf[8192];
    BlockAcctStats st;

    blk_get_stats(blk, &st);
    g_assert_cmpint(st.ops[BLOCK_ACCT_READ], ==, 0);
    g_assert_cmpint(st.last_access_ns, ==, 0);

    g_assert_cmpint(blk_pwrite(blk, 4096, 8192, buf, 0), ==, 0);
    g_assert_cmpint(blk_pwrite(blk, 0, 512, buf, 0), ==, 0);
    g_assert_cmpint(blk_pwrite_zeroes(blk, 16384, 1024, 0), ==, 0);
    g_assert_cmpint(blk_pread(blk, 0, 3000, buf, 0), ==, 0);
    g_assert_cmpint(blk_pdiscard(blk, 32768, 4096), ==, 0);
    g_assert_cmpint(blk_flush(blk), ==, 0);
    /* Past the end: refused before the driver, an invalid request. */
    g_assert_cmpint(blk_pread(blk, 64 * KiB - 10, 100, buf, 0), ==, -EIO);
    g_assert_cmpint(blk_pwrite(blk, 64 * KiB, 1, buf, 0), ==, -EIO);

    blk_get_stats(blk, &st);
    g_assert_cmpint(st.ops[BLOCK_ACCT_WRITE], ==, 3);
    g_assert_cmpint(st.bytes[BLOCK_ACCT_WRITE], ==, 8192 + 512 + 1024);
    g_assert_cmpint(st.wr_highest_offset, ==, 16384 + 1024);
    g_assert_cmpint(st.ops[BLOCK_ACCT_READ], ==, 1);
    g_assert_cmpint(st.bytes[BLOCK_ACCT_READ], ==, 3000);
    g_assert_cmpint(st.ops[BLOCK_ACCT_UNMAP], ==, 1);
    g_assert_cmpint(st.bytes[BLOCK_ACCT_UNMAP], ==, 4096);
    g_assert_cmpint(st.ops[BLOCK_ACCT_FLUSH], ==, 1);
    g_assert_cmpint(st.invalid_ops[BLOCK_ACCT_READ], ==, 1);
    g_assert_cmpint(st.invalid_ops[BLOCK_ACCT_WRITE], ==, 1);
    g_assert_cmpint(st.failed_ops[BLOCK_ACCT_READ], ==, 0);
    g_assert_cmpint(st.last_access_ns, >, 0);
    blk_unref(blk);
}

static void test_failed_write(void)
{
    /* Read-only: the driver refuses the write, which counts as failed. */
    BlockBackend *blk = open_new_raw("ro.raw", 4096, 0);
    uint8_t b[16] = { 0 };
    BlockAcctStats st;

    g_assert_cmpint(blk_pwrite(blk, 0, 16, b, 0), <, 0);
    blk_get_stats(blk, &st);
    g_assert_cmpint(st.failed_ops[BLOCK_ACCT_WRITE], ==, 1);
    g_assert_cmpint(st.ops[BLOCK_ACCT_WRITE], ==, 0);
    g_assert_cmpint(st.bytes[BLOCK_ACCT_WRITE], ==, 0);
    blk_unref(blk);
}

static void aio_cb(void *opaque, int ret)
{
    int *done = opaque;

    g_assert_cmpint(ret, ==, 0);
    (*done)++;
}

static void test_aio_counted_once(void)
{
    enum { N = 16, SZ = 4096 };
    BlockBackend *blk = open_new_raw("aio.raw", N * SZ, BDRV_O_RDWR);
    static uint8_t bufs[N][SZ];
    QEMUIOVector qiov[N];
    BlockAcctStats st;
    int done = 0;

    for (int i = 0; i < N; i++) {
        qemu_iovec_init_buf(&qiov[i], bufs[i], SZ);
        blk_aio_pwritev(blk, i * SZ, &qiov[i], 0, aio_cb, &done);
    }
    blk_drain(blk);
    for (int i = 0; i < N; i++) {
        blk_aio_preadv(blk, i * SZ, &qiov[i], 0, aio_cb, &done);
    }
    blk_drain(blk);
    g_assert_cmpint(done, ==, 2 * N);
    blk_get_stats(blk, &st);
    g_assert_cmpint(st.ops[BLOCK_ACCT_WRITE], ==, N);
    g_assert_cmpint(st.ops[BLOCK_ACCT_READ], ==, N);
    g_assert_cmpint(st.bytes[BLOCK_ACCT_READ], ==, N * SZ);
    g_assert_cmpint(st.wr_highest_offset, ==, N * SZ);
    blk_unref(blk);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_tmpdir_init("test-block-acct");
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/block/acct/sync", test_sync_counters);
    g_test_add_func("/block/acct/failed", test_failed_write);
    g_test_add_func("/block/acct/aio", test_aio_counted_once);
    return g_test_run();
}
