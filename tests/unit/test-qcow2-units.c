/*
 * test-qcow2-units.c: unit tests of the qcow2 driver's parts: refcount
 * entries of every width, cluster allocation and the refcount table growing,
 * the metadata cache's LRU eviction, the snapshot table surviving a reopen,
 * and compressed clusters round-tripping.
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include "block/block-backend.h"
#include "../../block/qcow2.h"

static char *tmp_dir;

static char *make_image(const char *name, const char *options, uint64_t size)
{
    char *img = g_build_filename(tmp_dir, name, NULL);
    Error *err = NULL;

    unlink(img);
    bdrv_img_create(img, "qcow2", NULL, NULL, (char *)options, size, 0, true, &err);
    g_assert_null(err);
    return img;
}

static BlockBackend *open_image(const char *img)
{
    QDict *opts = qdict_new();
    Error *err = NULL;
    BlockBackend *blk;

    qdict_put_str(opts, "driver", "qcow2");
    blk = blk_new_open(img, NULL, opts, BDRV_O_RDWR, &err);
    g_assert_null(err);
    g_assert_nonnull(blk);
    return blk;
}

static void assert_consistent(BlockBackend *blk)
{
    BdrvCheckResult res = { 0 };

    g_assert_cmpint(bdrv_check(blk_bs(blk), &res, 0), ==, 0);
    g_assert_cmpint(res.corruptions, ==, 0);
    g_assert_cmpint(res.leaks, ==, 0);
    g_assert_cmpint(res.check_errors, ==, 0);
}

/* Every width stores what it is given in its own bits only. */
static void test_refcount_widths(void)
{
    for (int order = 0; order <= 6; order++) {
        int bits = 1 << order;
        uint64_t max = order == 6 ? UINT64_MAX : (1ULL << bits) - 1;
        uint8_t block[512] = { 0 };
        int64_t n = sizeof(block) * 8 / bits;

        for (int64_t i = 0; i < n; i++) {
            qcow2_set_refcount_ro(block, i, (i * 7 + 3) & max, order);
        }
        for (int64_t i = 0; i < n; i++) {
            g_assert_cmpuint(qcow2_get_refcount_ro(block, i, order), ==, (i * 7 + 3) & max);
        }
        qcow2_set_refcount_ro(block, 5, max, order);
        g_assert_cmpuint(qcow2_get_refcount_ro(block, 5, order), ==, max);
        g_assert_cmpuint(qcow2_get_refcount_ro(block, 4, order), ==, (4 * 7 + 3) & max);
        g_assert_cmpuint(qcow2_get_refcount_ro(block, 6, order), ==, (6 * 7 + 3) & max);
    }
    /* The on-disk layout: sub-byte entries from the low bit, wider big-endian. */
    {
        uint8_t b[16] = { 0 };

        qcow2_set_refcount_ro(b, 1, 1, 0);
        g_assert_cmphex(b[0], ==, 0x02);
        memset(b, 0, sizeof(b));
        qcow2_set_refcount_ro(b, 1, 0x1234, 4);
        g_assert_cmphex(b[2], ==, 0x12);
        g_assert_cmphex(b[3], ==, 0x34);
    }
}

/*
 * Allocate enough clusters to need many refcount blocks and a bigger
 * refcount table (512-byte clusters: 64 entries per block at 64 bits).
 */
static void test_allocation(gconstpointer opaque)
{
    const char *options = opaque;
    g_autofree char *img = make_image("alloc.qcow2", options, 1 << 20);
    BlockBackend *blk = open_image(img);
    BlockDriverState *bs = blk_bs(blk);
    BDRVQcow2State *s = bs->opaque;
    uint64_t old_table = s->refcount_table_offset;
    int64_t offs[5000];
    uint64_t rc;

    g_mutex_lock(&s->lock);
    for (int i = 0; i < 5000; i++) {
        offs[i] = qcow2_alloc_clusters(bs, s->cluster_size);
        g_assert_cmpint(offs[i], >, 0);
        g_assert_true(qcow2_aligned(s, offs[i]));
        for (int j = 0; j < i; j += 97) {
            g_assert_cmpint(offs[j], !=, offs[i]);
        }
    }
    for (int i = 0; i < 5000; i++) {
        g_assert_cmpint(qcow2_get_refcount(bs, offs[i] >> s->cluster_bits, &rc), ==, 0);
        g_assert_cmpuint(rc, ==, 1);
    }
    if (strstr(options, "refcount_bits=64")) {
        g_assert_cmpuint(s->refcount_table_offset, !=, old_table);
    }
    /* Freed clusters are found again by the next allocation. */
    qcow2_free_clusters(bs, offs[10], s->cluster_size);
    g_assert_cmpint(qcow2_get_refcount(bs, offs[10] >> s->cluster_bits, &rc), ==, 0);
    g_assert_cmpuint(rc, ==, 0);
    g_assert_cmpint(qcow2_alloc_clusters(bs, s->cluster_size), ==, offs[10]);
    for (int i = 0; i < 5000; i++) {
        qcow2_free_clusters(bs, offs[i], s->cluster_size);
    }
    /* One long run in fresh space, longer than a refcount block covers. */
    {
        int64_t n = s->refcount_block_size * 3 + 7;
        int64_t big = qcow2_alloc_clusters(bs, n << s->cluster_bits);

        g_assert_cmpint(big, >, 0);
        for (int64_t c = 0; c < n; c++) {
            g_assert_cmpint(qcow2_get_refcount(bs, (big >> s->cluster_bits) + c, &rc), ==, 0);
            g_assert_cmpuint(rc, ==, 1);
        }
        qcow2_free_clusters(bs, big, n << s->cluster_bits);
    }
    g_mutex_unlock(&s->lock);
    assert_consistent(blk);
    blk_unref(blk);
    unlink(img);
}

/* The cache keeps the most recently used tables and never evicts one in use. */
static void test_cache_eviction(void)
{
    g_autofree char *img = make_image("cache.qcow2", "cluster_size=4096", 1 << 20);
    BlockBackend *blk = open_image(img);
    BlockDriverState *bs = blk_bs(blk);
    Qcow2Cache *c = qcow2_cache_create(2, 4096);
    void *a, *b, *t, *held[3];

    g_assert_cmpint(qcow2_cache_get(bs, c, 4096, &a), ==, 0);
    qcow2_cache_put(c, &a);
    g_assert_cmpint(qcow2_cache_get(bs, c, 8192, &b), ==, 0);
    qcow2_cache_put(c, &b);
    g_assert_cmpint(qcow2_cache_get(bs, c, 4096, &a), ==, 0);   /* hit */
    qcow2_cache_put(c, &a);
    g_assert_cmpint(qcow2_cache_get(bs, c, 0x3000, &t), ==, 0); /* evicts 8192 */
    qcow2_cache_put(c, &t);
    g_assert_cmpint(qcow2_cache_get(bs, c, 4096, &a), ==, 0);   /* hit */
    qcow2_cache_put(c, &a);
    g_assert_cmpint(qcow2_cache_get(bs, c, 8192, &b), ==, 0);   /* miss */
    qcow2_cache_put(c, &b);
    g_assert_cmpint(qcow2_cache_hits(c), ==, 2);
    g_assert_cmpint(qcow2_cache_misses(c), ==, 4);

    /* Tables in use stay put even past the capacity. */
    for (int i = 0; i < 3; i++) {
        g_assert_cmpint(qcow2_cache_get(bs, c, 4096 * (i + 1), &held[i]), ==, 0);
    }
    g_assert_true(held[0] != held[1] && held[1] != held[2] && held[0] != held[2]);
    for (int i = 0; i < 3; i++) {
        qcow2_cache_put(c, &held[i]);
    }
    /* Offset 0 (the header) is never a table. */
    g_assert_cmpint(qcow2_cache_get(bs, c, 0, &t), ==, -EIO);
    qcow2_cache_destroy(c);
    blk_unref(blk);
    unlink(img);
}

static void test_snapshot_table_roundtrip(void)
{
    g_autofree char *img = make_image("snap.qcow2", "cluster_size=4096", 1 << 20);
    BlockBackend *blk = open_image(img);
    QEMUSnapshotInfo *list;
    uint8_t buf[4096];
    Error *err = NULL;
    int n;

    for (int i = 0; i < 3; i++) {
        QEMUSnapshotInfo sn = { 0 };

        memset(buf, 'a' + i, sizeof(buf));
        g_assert_cmpint(blk_pwrite(blk, i * 4096, 4096, buf, 0), ==, 0);
        g_snprintf(sn.name, sizeof(sn.name), "name-%d", i);
        sn.date_sec = 1700000000 + i;
        sn.date_nsec = 1000 * i;
        sn.vm_clock_nsec = 123456789ULL * i;
        sn.vm_state_size = 0;
        sn.icount = i == 1 ? -1ULL : 42 + i;
        g_assert_cmpint(bdrv_snapshot_create(blk_bs(blk), &sn), ==, 0);
        g_assert_cmpstr(sn.id_str, !=, "");
    }
    blk_unref(blk);

    blk = open_image(img);
    n = bdrv_snapshot_list(blk_bs(blk), &list);
    g_assert_cmpint(n, ==, 3);
    for (int i = 0; i < 3; i++) {
        g_autofree char *name = g_strdup_printf("name-%d", i);
        g_autofree char *id = g_strdup_printf("%d", i + 1);

        g_assert_cmpstr(list[i].name, ==, name);
        g_assert_cmpstr(list[i].id_str, ==, id);
        g_assert_cmpuint(list[i].date_sec, ==, 1700000000 + i);
        g_assert_cmpuint(list[i].date_nsec, ==, 1000 * i);
        g_assert_cmpuint(list[i].vm_clock_nsec, ==, 123456789ULL * i);
        g_assert_cmpuint(list[i].icount, ==, i == 1 ? -1ULL : 42 + (uint64_t)i);
    }
    g_free(list);
    g_assert_cmpint(bdrv_snapshot_delete(blk_bs(blk), NULL, "name-1", &err), ==, 0);
    g_assert_null(err);
    blk_unref(blk);

    blk = open_image(img);
    n = bdrv_snapshot_list(blk_bs(blk), &list);
    g_assert_cmpint(n, ==, 2);
    g_assert_cmpstr(list[0].name, ==, "name-0");
    g_assert_cmpstr(list[1].name, ==, "name-2");
    g_free(list);
    /* Applying the first snapshot brings back what was written before it. */
    g_assert_cmpint(bdrv_snapshot_goto(blk_bs(blk), "name-0", &err), ==, 0);
    g_assert_cmpint(blk_pread(blk, 4096, 4096, buf, 0), ==, 0);
    g_assert_cmpint(buf[0], ==, 0);
    g_assert_cmpint(blk_pread(blk, 0, 4096, buf, 0), ==, 0);
    g_assert_cmpint(buf[100], ==, 'a');
    assert_consistent(blk);
    blk_unref(blk);
    unlink(img);
}

static void test_compressed_roundtrip(void)
{
    g_autofree char *img = make_image("comp.qcow2", "cluster_size=65536", 1 << 20);
    BlockBackend *blk = open_image(img);
    g_autofree uint8_t *src = g_malloc(65536);
    g_autofree uint8_t *dst = g_malloc(65536);
    g_autofree uint8_t *z = g_malloc(65536);
    int64_t pnum, map;
    BlockDriverState *file;
    ssize_t clen;
    int ret;

    for (int i = 0; i < 65536; i++) {
        src[i] = (i / 100) ^ (i % 7);
    }
    clen = qcow2_compress(z, 65536, src, 65536);
    g_assert_cmpint(clen, >, 0);
    g_assert_cmpint(clen, <, 65536);
    g_assert_cmpint(qcow2_decompress(dst, 65536, z, clen), ==, 0);
    g_assert_cmpmem(src, 65536, dst, 65536);
    /* Garbage does not decompress into a full cluster. */
    memset(z, 0xff, 64);
    g_assert_cmpint(qcow2_decompress(dst, 65536, z, 64), <, 0);

    g_assert_cmpint(blk_pwrite_compressed(blk, 65536, src, 65536), ==, 0);
    g_assert_cmpint(blk_pwrite_compressed(blk, 3 * 65536, src, 65536), ==, 0);
    g_assert_cmpint(blk_pread(blk, 65536, 65536, dst, 0), ==, 0);
    g_assert_cmpmem(src, 65536, dst, 65536);
    ret = bdrv_block_status(blk_bs(blk), 65536, 65536, &pnum, &map, &file);
    g_assert_cmpint(ret, >=, 0);
    g_assert_true(ret & BDRV_BLOCK_COMPRESSED);
    g_assert_true(ret & BDRV_BLOCK_DATA);
    /* A partial overwrite turns it into a normal cluster with the rest kept. */
    memset(dst, 0x55, 512);
    g_assert_cmpint(blk_pwrite(blk, 65536 + 1024, 512, dst, 0), ==, 0);
    g_assert_cmpint(blk_pread(blk, 65536, 65536, dst, 0), ==, 0);
    memset(src + 1024, 0x55, 512);
    g_assert_cmpmem(src, 65536, dst, 65536);
    ret = bdrv_block_status(blk_bs(blk), 65536, 65536, &pnum, &map, &file);
    g_assert_false(ret & BDRV_BLOCK_COMPRESSED);
    g_assert_true(ret & BDRV_BLOCK_OFFSET_VALID);
    assert_consistent(blk);
    blk_unref(blk);
    unlink(img);
}

int main(int argc, char **argv)
{
    int ret;

    if (!g_getenv("TMPDIR") && g_file_test("/dev/shm", G_FILE_TEST_IS_DIR)) {
        g_setenv("TMPDIR", "/dev/shm", true);   /* the driver flushes often */
    }
    g_test_init(&argc, &argv, NULL);
    tmp_dir = g_dir_make_tmp("qcow2-units-XXXXXX", NULL);
    g_test_add_func("/qcow2/refcount-widths", test_refcount_widths);
    g_test_add_data_func("/qcow2/alloc/rb64-512", "cluster_size=512,refcount_bits=64",
                         test_allocation);
    g_test_add_data_func("/qcow2/alloc/rb1-512", "cluster_size=512,refcount_bits=1",
                         test_allocation);
    g_test_add_data_func("/qcow2/alloc/rb16-4k", "cluster_size=4096,refcount_bits=16",
                         test_allocation);
    g_test_add_data_func("/qcow2/alloc/v2", "compat=0.10,cluster_size=512",
                         test_allocation);
    g_test_add_func("/qcow2/cache-eviction", test_cache_eviction);
    g_test_add_func("/qcow2/snapshot-table", test_snapshot_table_roundtrip);
    g_test_add_func("/qcow2/compressed", test_compressed_roundtrip);
    ret = g_test_run();
    rmdir(tmp_dir);
    return ret;
}
