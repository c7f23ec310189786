/*
 * test-block-chain.c: backing chains through the block core: reads fall
 * through to the backing file (relative names resolved against the
 * overlay's directory), block status walks the chain, a loop is refused,
 * "backing": null and BDRV_O_NO_BACKING open nothing, commit writes the
 * overlay down, and snapshot=on discards writes. Needs the qcow2 driver.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"
#include "block/block-backend.h"
#include "qobject/qdict.h"
#include "qobject/qnull.h"
#include "test-helpers.h"

static bool have_qcow2(void)
{
    if (!bdrv_find_format("qcow2")) {
        g_test_skip("no qcow2 driver");
        return false;
    }
    return true;
}

static void create(const char *name, const char *fmt, const char *backing,
                   const char *backing_fmt, int64_t size)
{
    g_autofree char *path = tmp_path(name);
    Error *err = NULL;

    unlink(path);
    bdrv_img_create(path, fmt, backing, backing_fmt, NULL, size, 0, true, &err);
    if (err) {
        g_error("creating %s: %s", name, error_get_pretty(err));
    }
}

static BlockBackend *open_path(const char *name, QDict *o, int flags, Error **errp)
{
    g_autofree char *path = tmp_path(name);

    return blk_new_open(path, NULL, o, flags, errp);
}

static void test_read_through(void)
{
    if (!have_qcow2()) {
        return;
    }
    uint8_t buf[4096], back[4096];

    create("base.raw", "raw", NULL, NULL, 1 * MiB);
    /* Relative to the overlay's directory, not to the cwd. */
    create("mid.qcow2", "qcow2", "base.raw", "raw", -1);
    create("top.qcow2", "qcow2", "mid.qcow2", "qcow2", -1);

    QDict *o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    BlockBackend *base = open_path("base.raw", o, BDRV_O_RDWR, &error_abort);
    memset(buf, 0x11, sizeof(buf));
    g_assert_cmpint(blk_pwrite(base, 64 * KiB, sizeof(buf), buf, 0), ==, 0);
    blk_unref(base);

    BlockBackend *top = open_path("top.qcow2", NULL, BDRV_O_RDWR, &error_abort);
    BlockDriverState *bs = blk_bs(top);
    g_assert_cmpint(blk_getlength(top), ==, 1 * MiB);
    g_assert_nonnull(bdrv_backing_bs(bs));
    g_assert_nonnull(bdrv_backing_bs(bdrv_backing_bs(bs)));
    g_assert_cmpstr(bdrv_get_format_name(bdrv_backing_bs(bdrv_backing_bs(bs))), ==, "raw");
    /* Backing files are read-only. */
    g_assert_true(bdrv_is_read_only(bdrv_backing_bs(bs)));

    g_assert_cmpint(blk_pread(top, 64 * KiB, sizeof(back), back, 0), ==, 0);
    g_assert_cmpmem(back, sizeof(back), buf, sizeof(buf));

    /* Block status: base data shows through, found two layers down. */
    int64_t pnum;
    int ret = bdrv_block_status_above(bs, NULL, 64 * KiB, 4096, &pnum, NULL, NULL);
    g_assert_cmpint(ret, >=, 0);
    g_assert_true(ret & BDRV_BLOCK_DATA);
    g_assert_cmpint(bdrv_is_allocated(bs, 64 * KiB, 4096, &pnum), ==, 0);
    g_assert_cmpint(bdrv_is_allocated_above(bs, NULL, false, 64 * KiB, 4096, &pnum), ==, 1);
    g_assert_cmpint(bdrv_is_allocated_above(bs, bdrv_backing_bs(bdrv_backing_bs(bs)),
                                            false, 64 * KiB, 4096, &pnum), ==, 0);

    /* A write lands in the top image only. */
    memset(buf, 0x22, sizeof(buf));
    g_assert_cmpint(blk_pwrite(top, 64 * KiB, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(bdrv_is_allocated(bs, 64 * KiB, 4096, &pnum), ==, 1);
    blk_unref(top);

    o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    base = open_path("base.raw", o, 0, &error_abort);
    g_assert_cmpint(blk_pread(base, 64 * KiB, sizeof(back), back, 0), ==, 0);
    g_assert_cmpint(back[0], ==, 0x11);
    blk_unref(base);
}

static void test_no_backing(void)
{
    if (!have_qcow2()) {
        return;
    }
    create("nb-base.raw", "raw", NULL, NULL, 1 * MiB);
    create("nb-top.qcow2", "qcow2", "nb-base.raw", "raw", -1);

    BlockBackend *blk = open_path("nb-top.qcow2", NULL, BDRV_O_NO_BACKING, &error_abort);
    g_assert_null(bdrv_backing_bs(blk_bs(blk)));
    g_assert_cmpstr(blk_bs(blk)->backing_file, ==, "nb-base.raw");
    blk_unref(blk);

    QDict *o = qdict_new();
    qdict_put(o, "backing", qnull());
    blk = open_path("nb-top.qcow2", o, 0, &error_abort);
    g_assert_null(bdrv_backing_bs(blk_bs(blk)));
    blk_unref(blk);

    /* A missing backing file: QEMU's prefix names what failed. */
    g_autofree char *base = tmp_path("nb-base.raw");
    unlink(base);
    Error *err = NULL;
    g_assert_null(open_path("nb-top.qcow2", NULL, 0, &err));
    g_autofree char *want = g_strdup_printf("Could not open backing file: Could not "
                                            "open '%s': No such file or directory",
                                            base);
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
}

static void test_loop(void)
{
    if (!have_qcow2()) {
        return;
    }
    create("loop-a.qcow2", "qcow2", NULL, NULL, 1 * MiB);
    create("loop-b.qcow2", "qcow2", "loop-a.qcow2", "qcow2", -1);
    /* Point a at b: a -> b -> a. */
    BlockBackend *a = open_path("loop-a.qcow2", NULL, BDRV_O_RDWR, &error_abort);
    g_assert_cmpint(bdrv_change_backing_file(blk_bs(a), "loop-b.qcow2", "qcow2", false),
                    ==, 0);
    blk_unref(a);

    Error *err = NULL;
    g_assert_null(open_path("loop-a.qcow2", NULL, 0, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(error_get_pretty(err), "creates an infinite loop"));
    error_free(err);
}

static void test_commit(void)
{
    if (!have_qcow2()) {
        return;
    }
    uint8_t buf[8192], back[8192];

    create("c-base.raw", "raw", NULL, NULL, 1 * MiB);
    create("c-top.qcow2", "qcow2", "c-base.raw", "raw", -1);
    BlockBackend *top = open_path("c-top.qcow2", NULL, BDRV_O_RDWR, &error_abort);
    memset(buf, 0x5c, sizeof(buf));
    g_assert_cmpint(blk_pwrite(top, 300 * KiB, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(bdrv_commit(blk_bs(top)), ==, 0);
    /* The base is read-only again afterwards. */
    g_assert_true(bdrv_is_read_only(bdrv_backing_bs(blk_bs(top))));
    blk_unref(top);

    QDict *o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    BlockBackend *base = open_path("c-base.raw", o, 0, &error_abort);
    g_assert_cmpint(blk_pread(base, 300 * KiB, sizeof(back), back, 0), ==, 0);
    g_assert_cmpmem(back, sizeof(back), buf, sizeof(buf));
    blk_unref(base);
}

static void test_snapshot_on(void)
{
    if (!have_qcow2()) {
        return;
    }
    uint8_t buf[4096], back[4096];

    create("snap.raw", "raw", NULL, NULL, 256 * KiB);
    QDict *o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    BlockBackend *blk = open_path("snap.raw", o, BDRV_O_RDWR | BDRV_O_SNAPSHOT,
                                  &error_abort);
    g_assert_cmpstr(bdrv_get_format_name(blk_bs(blk)), ==, "qcow2");
    g_assert_cmpint(blk_getlength(blk), ==, 256 * KiB);
    memset(buf, 0x77, sizeof(buf));
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(blk_pread(blk, 0, sizeof(back), back, 0), ==, 0);
    g_assert_cmpmem(back, sizeof(back), buf, sizeof(buf));
    /* The image itself is only read meanwhile: a writer may open it. */
    o = qdict_new();
    qdict_put_str(o, "driver", "raw");
    qdict_put_str(o, "force-share", "on");
    BlockBackend *ro = open_path("snap.raw", o, 0, &error_abort);
    g_assert_cmpint(blk_pread(ro, 0, sizeof(back), back, 0), ==, 0);
    g_assert_true(buffer_is_zero(back, sizeof(back)));
    blk_unref(ro);
    blk_unref(blk);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_tmpdir_init("test-block-chain");
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/block/chain/read-through", test_read_through);
    g_test_add_func("/block/chain/no-backing", test_no_backing);
    g_test_add_func("/block/chain/loop", test_loop);
    g_test_add_func("/block/chain/commit", test_commit);
    g_test_add_func("/block/chain/snapshot-on", test_snapshot_on);
    return test_tmpdir_cleanup(g_test_run());
}
