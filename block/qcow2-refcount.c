/*
 * qcow2-refcount.c: qcow2 reference counts: entries of 1..64 bits in
 * refcount blocks found through the refcount table; cluster allocation and
 * freeing; growing the refcount table; consistency check and repair.
 * Ordering for crash safety lives with the callers (qcow2-cluster.c):
 * refcounts are raised and flushed before a cluster is referenced and
 * lowered only after the last reference is gone, so a crash leaks at worst.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qcow2.h"

uint64_t qcow2_get_refcount_ro(const void *block, int64_t index, int order)
{
    const uint8_t *p = block;

    switch (order) {
    case 0: case 1: case 2: {
        int bits = 1 << order;
        int64_t bit = index * bits;

        return (p[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
    }
    case 3:
        return p[index];
    case 4:
        return lduw_be_p(p + index * 2);
    case 5:
        return ldl_be_p(p + index * 4);
    default:
        return ldq_be_p(p + index * 8);
    }
}

void qcow2_set_refcount_ro(void *block, int64_t index, uint64_t value, int order)
{
    uint8_t *p = block;

    switch (order) {
    case 0: case 1: case 2: {
        int bits = 1 << order;
        int64_t bit = index * bits;
        uint8_t mask = ((1u << bits) - 1) << (bit % 8);

        p[bit / 8] = (p[bit / 8] & ~mask) | ((value << (bit % 8)) & mask);
        break;
    }
    case 3:
        p[index] = value;
        break;
    case 4:
        stw_be_p(p + index * 2, value);
        break;
    case 5:
        stl_be_p(p + index * 4, value);
        break;
    default:
        stq_be_p(p + index * 8, value);
        break;
    }
}

int qcow2_refcount_init(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)s->refcount_table_clusters << s->cluster_bits;
    int ret;

    if (bytes > QCOW_MAX_REFTABLE_SIZE) {
        error_setg(errp, "Reference count table too large");
        return -EFBIG;
    }
    s->refcount_table_size = bytes / 8;
    s->refcount_table = g_malloc0(MAX(bytes, 8));
    if (bytes) {
        ret = bdrv_pread(bs->file, s->refcount_table_offset, bytes, s->refcount_table, 0);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not read refcount table");
            return ret;
        }
        for (uint64_t i = 0; i < s->refcount_table_size; i++) {
            s->refcount_table[i] = GUINT64_FROM_BE(s->refcount_table[i]);
        }
    }
    return 0;
}

/* Offset of the refcount block for a block index, 0 if none, -errno if bad. */
static int64_t qcow2_refblock_offset(BlockDriverState *bs, int64_t block_index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off;

    if (block_index >= (int64_t)s->refcount_table_size) {
        return 0;
    }
    off = s->refcount_table[block_index] & REFT_OFFSET_MASK;
    if (off && !qcow2_aligned(s, off)) {
        return qcow2_signal_corruption(bs, off, s->cluster_size,
                                       "Refblock offset %#" PRIx64 " unaligned "
                                       "(reftable index: %#" PRIx64 ")",
                                       off, block_index);
    }
    return off;
}

int qcow2_get_refcount(BlockDriverState *bs, int64_t cluster_index, uint64_t *refcount)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t bi = cluster_index >> s->refcount_block_bits;
    int64_t off = qcow2_refblock_offset(bs, bi);
    void *block;
    int ret;

    *refcount = 0;
    if (off <= 0) {
        return off;
    }
    ret = qcow2_cache_get(bs, s->rc_cache, off, &block);
    if (ret < 0) {
        return ret;
    }
    *refcount = qcow2_get_refcount_ro(block, cluster_index & (s->refcount_block_size - 1),
                                      s->refcount_order);
    qcow2_cache_put(s->rc_cache, &block);
    return 0;
}

/* Write refcount table entry index (host copy already updated). */
static int qcow2_write_reftable_entry(BlockDriverState *bs, int64_t index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t be = GUINT64_TO_BE(s->refcount_table[index]);

    return bdrv_pwrite(bs->file, s->refcount_table_offset + index * 8, 8, &be, 0);
}

/*
 * Create a refcount block for block_index (which has a table slot but no
 * block). Nothing is counted in its range, so the range is unused and the
 * block can live in its own first cluster, counting itself.
 */
static int qcow2_alloc_refcount_block(BlockDriverState *bs, int64_t block_index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = (uint64_t)block_index << (s->refcount_block_bits + s->cluster_bits);
    void *block;
    int ret;

    if (block_index == 0 || off > L2E_OFFSET_MASK) {
        return qcow2_signal_corruption(bs, 0, 0, "Refcount block 0 missing");
    }
    ret = qcow2_cache_get_empty(bs, s->rc_cache, off, &block);
    if (ret < 0) {
        return ret;
    }
    qcow2_set_refcount_ro(block, 0, 1, s->refcount_order);
    ret = qcow2_cache_write(bs, s->rc_cache, block, 0, 0);
    qcow2_cache_put(s->rc_cache, &block);
    if (ret < 0) {
        qcow2_cache_discard(s->rc_cache, off);
        return ret;
    }
    ret = bdrv_flush(bs->file->bs);
    if (ret < 0) {
        return ret;
    }
    s->refcount_table[block_index] = off;
    ret = qcow2_write_reftable_entry(bs, block_index);
    if (ret < 0) {
        s->refcount_table[block_index] = 0;
        return ret;
    }
    return bdrv_flush(bs->file->bs);
}

/*
 * Make refcount blocks exist for block indexes [first, last] that have none,
 * and a refcount table big enough for them, by writing a new table plus the
 * missing blocks into a fresh area beyond every counted cluster and beyond
 * start_cluster. The area counts itself. Then the header is switched to the
 * new table and the old one freed. Used to grow the table and by repair.
 */
static int qcow2_refcount_new_area(BlockDriverState *bs, int64_t first, int64_t last,
                                   int64_t start_cluster)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t rbs = s->refcount_block_size;
    int64_t area = MAX((int64_t)s->refcount_table_size * rbs, start_cluster);
    int64_t table_entries, table_clusters = 0, nblocks = 0, end;
    uint64_t *new_table = NULL;
    int64_t *block_idx = NULL;
    uint64_t old_offset = s->refcount_table_offset;
    int64_t old_clusters = s->refcount_table_clusters;
    uint8_t hdr[12];
    int ret;

    area = MAX(area, qcow2_size_to_clusters(s, qcow2_image_end(bs)));
    /* Iterate to a fixed point: the area's size depends on what it holds. */
    for (int iter = 0; iter < 16; iter++) {
        int64_t nb = 0, te, tc;

        end = area + nblocks + table_clusters;
        te = MAX(MAX(last + 1, (end + rbs - 1) / rbs), (int64_t)s->refcount_table_size);
        te += te / 2;   /* room to grow, as a table rewrite is costly */
        tc = (te * 8 + s->cluster_size - 1) >> s->cluster_bits;
        for (int64_t b = 0; b < te; b++) {
            bool in_area = b >= area / rbs && b <= (end - 1) / rbs;
            bool wanted = b >= first && b <= last;

            if ((in_area || wanted) && qcow2_refblock_offset(bs, b) == 0) {
                nb++;
            }
        }
        if (nb == nblocks && tc == table_clusters) {
            break;
        }
        nblocks = nb;
        table_clusters = tc;
    }
    end = area + nblocks + table_clusters;
    table_entries = (table_clusters << s->cluster_bits) / 8;
    if ((uint64_t)(table_clusters << s->cluster_bits) > QCOW_MAX_REFTABLE_SIZE ||
        ((uint64_t)end << s->cluster_bits) > L2E_OFFSET_MASK) {
        return -EFBIG;
    }

    new_table = g_try_malloc0(table_clusters << s->cluster_bits);
    block_idx = g_try_new0(int64_t, nblocks + 1);
    if (!new_table || !block_idx) {
        ret = -ENOMEM;
        goto out;
    }
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        new_table[i] = s->refcount_table[i];
    }
    {
        int64_t k = 0;

        for (int64_t b = 0; b < table_entries && k < nblocks; b++) {
            bool in_area = b >= area / rbs && b <= (end - 1) / rbs;
            bool wanted = b >= first && b <= last;

            if ((in_area || wanted) && qcow2_refblock_offset(bs, b) == 0) {
                block_idx[k] = b;
                new_table[b] = (uint64_t)(area + k) << s->cluster_bits;
                k++;
            }
        }
    }
    /* Write the new blocks, counting the area's clusters in them. */
    {
        g_autofree uint8_t *buf = g_malloc(s->cluster_size);

        for (int64_t k = 0; k < nblocks; k++) {
            int64_t b = block_idx[k];

            memset(buf, 0, s->cluster_size);
            for (int64_t c = MAX(area, b * rbs); c < MIN(end, (b + 1) * rbs); c++) {
                qcow2_set_refcount_ro(buf, c - b * rbs, 1, s->refcount_order);
            }
            qcow2_cache_discard(s->rc_cache, new_table[b]);
            ret = bdrv_pwrite(bs->file, new_table[b], s->cluster_size, buf, 0);
            if (ret < 0) {
                goto out;
            }
        }
    }
    /* Clusters of the area that fall into blocks that already existed. */
    for (int64_t c = area; c < end; c++) {
        int64_t b = c / rbs;

        if (b < (int64_t)s->refcount_table_size && s->refcount_table[b]) {
            ret = qcow2_update_refcount(bs, c << s->cluster_bits, 1, 1);
            if (ret < 0) {
                goto out;
            }
        }
    }
    for (int64_t i = 0; i < table_entries; i++) {
        new_table[i] = GUINT64_TO_BE(new_table[i]);
    }
    ret = bdrv_pwrite(bs->file, (area + nblocks) << s->cluster_bits,
                      table_clusters << s->cluster_bits, new_table, 0);
    for (int64_t i = 0; i < table_entries; i++) {
        new_table[i] = GUINT64_FROM_BE(new_table[i]);
    }
    if (ret < 0) {
        goto out;
    }
    ret = bdrv_flush(bs->file->bs);
    if (ret < 0) {
        goto out;
    }
    stq_be_p(hdr, (uint64_t)(area + nblocks) << s->cluster_bits);
    stl_be_p(hdr + 8, table_clusters);
    ret = bdrv_pwrite_sync(bs->file, QH_REFT_OFFSET, sizeof(hdr), hdr, 0);
    if (ret < 0) {
        goto out;
    }
    g_free(s->refcount_table);
    s->refcount_table = new_table;
    new_table = NULL;
    s->refcount_table_size = table_entries;
    s->refcount_table_offset = (uint64_t)(area + nblocks) << s->cluster_bits;
    s->refcount_table_clusters = table_clusters;
    if (old_offset && old_clusters) {
        qcow2_free_clusters(bs, old_offset, old_clusters << s->cluster_bits);
    }
    ret = 0;
out:
    g_free(new_table);
    g_free(block_idx);
    return ret;
}

/* Make sure the clusters [first, last] have refcount blocks. */
static int qcow2_ensure_refblocks(BlockDriverState *bs, int64_t first, int64_t last,
                                  bool *changed)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t b0 = first >> s->refcount_block_bits, b1 = last >> s->refcount_block_bits;

    *changed = false;
    for (int64_t b = b0; b <= b1; b++) {
        int64_t off;
        int ret;

        if (b >= (int64_t)s->refcount_table_size) {
            ret = qcow2_refcount_new_area(bs, b, b1, 0);
            *changed = true;
            return ret;
        }
        off = qcow2_refblock_offset(bs, b);
        if (off < 0) {
            return off;
        }
        if (off == 0) {
            *changed = true;
            return qcow2_alloc_refcount_block(bs, b);
        }
    }
    return 0;
}

/* Write the bytes of a cached refcount block holding entries [dmin, dmax]. */
static int qcow2_write_refblock_range(BlockDriverState *bs, void *block, int64_t dmin,
                                      int64_t dmax)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t first, end;

    if (dmax < dmin) {
        return 0;
    }
    first = (dmin << s->refcount_order) / 8;
    end = (((dmax + 1) << s->refcount_order) + 7) / 8;
    return qcow2_cache_write(bs, s->rc_cache, block, first, end - first);
}

int qcow2_update_refcount(BlockDriverState *bs, int64_t offset, int64_t len, int64_t addend)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t first, last;
    void *block = NULL;
    int64_t cur_bi = -1;
    int64_t dmin = INT64_MAX, dmax = -1;   /* entries changed in block */
    int ret = 0;

    if (len <= 0) {
        return 0;
    }
    first = offset >> s->cluster_bits;
    last = (offset + len - 1) >> s->cluster_bits;
    for (int64_t c = first; c <= last; c++) {
        int64_t bi = c >> s->refcount_block_bits;
        int64_t idx = c & (s->refcount_block_size - 1);
        uint64_t rc;

        if (bi != cur_bi) {
            int64_t off;

            if (block) {
                ret = qcow2_write_refblock_range(bs, block, dmin, dmax);
                dmin = INT64_MAX;
                dmax = -1;
                qcow2_cache_put(s->rc_cache, &block);
                if (ret < 0) {
                    goto fail;
                }
            }
            off = qcow2_refblock_offset(bs, bi);
            if (off == 0 && addend > 0) {
                bool changed;

                ret = qcow2_ensure_refblocks(bs, c, c, &changed);
                if (ret < 0) {
                    return ret;
                }
                off = qcow2_refblock_offset(bs, bi);
            }
            if (off <= 0) {
                if (off == 0) {
                    return qcow2_signal_corruption(bs, c << s->cluster_bits, 1,
                                                   "Freeing a cluster with no refcount "
                                                   "block (cluster %#" PRIx64 ")",
                                                   (uint64_t)c);
                }
                return off;
            }
            ret = qcow2_cache_get(bs, s->rc_cache, off, &block);
            if (ret < 0) {
                return ret;
            }
            cur_bi = bi;
        }
        rc = qcow2_get_refcount_ro(block, idx, s->refcount_order);
        if ((addend < 0 && rc < (uint64_t)-addend) ||
            (addend > 0 && s->refcount_max - rc < (uint64_t)addend)) {
            /* Keep the disk equal to the cache for what already changed. */
            if (qcow2_write_refblock_range(bs, block, dmin, dmax) < 0) {
                qcow2_cache_clear(s->rc_cache);
            }
            qcow2_cache_put(s->rc_cache, &block);
            if (addend < 0) {
                return qcow2_signal_corruption(bs, c << s->cluster_bits, 1,
                                               "Refcount of cluster %#" PRIx64
                                               " would drop below 0", (uint64_t)c);
            }
            return -ERANGE;
        }
        rc += addend;
        qcow2_set_refcount_ro(block, idx, rc, s->refcount_order);
        dmin = MIN(dmin, idx);
        dmax = MAX(dmax, idx);
        if (rc == 0) {
            if (c < s->free_cluster_index) {
                s->free_cluster_index = c;
            }
            if (s->free_byte_offset >> s->cluster_bits == c) {
                s->free_byte_offset = 0;
            }
            qcow2_cache_discard(s->l2_cache, c << s->cluster_bits);
        }
    }
    if (block) {
        ret = qcow2_write_refblock_range(bs, block, dmin, dmax);
        qcow2_cache_put(s->rc_cache, &block);
    }
fail:
    if (ret < 0) {
        /* The cached block no longer matches the disk. */
        qcow2_cache_clear(s->rc_cache);
    }
    return ret;
}

int64_t qcow2_image_end(BlockDriverState *bs)
{
    int64_t len = bdrv_getlength(bs->file->bs);

    return len < 0 ? 0 : len;
}

/* Find n free clusters in a row from the hint; returns the first index. */
static int64_t qcow2_find_free(BlockDriverState *bs, int64_t n)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t start = s->free_cluster_index, run = 0;

    for (int64_t c = start;; c++) {
        uint64_t rc;
        int ret;

        if (((uint64_t)(c + 1) << s->cluster_bits) > L2E_OFFSET_MASK) {
            return -EFBIG;
        }
        ret = qcow2_get_refcount(bs, c, &rc);
        if (ret < 0) {
            return ret;
        }
        if (rc == 0) {
            if (run == 0) {
                start = c;
            }
            if (++run == n) {
                return start;
            }
        } else {
            run = 0;
        }
    }
}

/*
 * Make [start, start+n) countable. One cluster: a refcount block in its own
 * range's first cluster. A run: blocks (and a bigger table) for it and a
 * margin beyond, in one fresh area at the run's start, so that a long run
 * is not cut into pieces by blocks placed inside it. *changed: retry the
 * search, the new metadata may sit where it looked.
 */
static int qcow2_cover_range(BlockDriverState *bs, int64_t start, int64_t n, bool *changed)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t rbs = s->refcount_block_size;
    int64_t b0 = start >> s->refcount_block_bits;
    int64_t b1 = (start + n - 1) >> s->refcount_block_bits;
    int64_t margin0, tclusters, margin;
    bool missing = false;

    *changed = false;
    for (int64_t b = b0; b <= b1 && !missing; b++) {
        int64_t off = qcow2_refblock_offset(bs, b);

        if (off < 0) {
            return off;
        }
        missing = off == 0;
    }
    *changed = missing;
    if (!missing) {
        return 0;
    }
    if (b0 == b1 && b0 < (int64_t)s->refcount_table_size) {
        return qcow2_alloc_refcount_block(bs, b0);
    }
    margin0 = n / rbs + 8;
    tclusters = ((((start + n + margin0) / rbs) * 2 + 16) * 8 >> s->cluster_bits) + 2;
    margin = 2 * margin0 + tclusters;
    return qcow2_refcount_new_area(bs, b0, (start + n + margin) >> s->refcount_block_bits,
                                   start);
}

int64_t qcow2_alloc_clusters(BlockDriverState *bs, int64_t size)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t n = qcow2_size_to_clusters(s, size), start;
    int ret;

    if (n <= 0) {
        return -EINVAL;
    }
    for (int tries = 0; tries < 64; tries++) {
        bool changed = false;

        start = qcow2_find_free(bs, n);
        if (start < 0) {
            return start;
        }
        ret = qcow2_cover_range(bs, start, n, &changed);
        if (ret < 0) {
            return ret;
        }
        if (changed) {
            continue;
        }
        ret = qcow2_update_refcount(bs, start << s->cluster_bits, n << s->cluster_bits, 1);
        if (ret < 0) {
            return ret;
        }
        if (s->free_cluster_index == start) {
            s->free_cluster_index = start + n;
        }
        return start << s->cluster_bits;
    }
    return -EIO;
}

int64_t qcow2_alloc_bytes(BlockDriverState *bs, int size)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t off = s->free_byte_offset;
    int ret;

    if (off && qcow2_offset_into_cluster(s, off) + size <= s->cluster_size) {
        ret = qcow2_update_refcount(bs, off, 1, 1);
        if (ret == -ERANGE) {
            off = 0;   /* the cluster's refcount is at its maximum: start a new one */
        } else if (ret < 0) {
            return ret;
        }
    } else {
        off = 0;
    }
    if (!off) {
        off = qcow2_alloc_clusters(bs, size);
        if (off < 0) {
            return off;
        }
    }
    s->free_byte_offset = off + size;
    if (qcow2_offset_into_cluster(s, s->free_byte_offset) == 0) {
        s->free_byte_offset = 0;
    }
    return off;
}

void qcow2_free_clusters(BlockDriverState *bs, int64_t offset, int64_t size)
{
    int ret = qcow2_update_refcount(bs, offset, size, -1);

    if (ret < 0) {
        warn_report("qcow2: leaking cluster(s) at %#" PRIx64 ": %s",
                    (uint64_t)offset, strerror(-ret));
    }
}

void qcow2_free_any_cluster(BlockDriverState *bs, uint64_t l2_entry)
{
    BDRVQcow2State *s = bs->opaque;

    switch (qcow2_get_cluster_type(s, l2_entry)) {
    case QCOW2_CLUSTER_COMPRESSED: {
        uint64_t off;
        int64_t size;

        qcow2_parse_compressed(s, l2_entry, &off, &size);
        qcow2_free_clusters(bs, off, size);
        break;
    }
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        qcow2_free_clusters(bs, l2_entry & L2E_OFFSET_MASK, 1);
        break;
    default:
        break;
    }
}

int qcow2_update_snapshot_refcount(BlockDriverState *bs, uint64_t l1_offset,
                                   uint32_t l1_size, int addend)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint64_t *l1 = NULL;
    int ret;

    if (l1_offset == s->l1_table_offset) {
        return qcow2_update_l1_refcount(bs, s->l1_table, s->l1_size, addend, true);
    }
    l1 = g_try_malloc0((size_t)l1_size * 8 + 8);
    if (!l1) {
        return -ENOMEM;
    }
    ret = bdrv_pread(bs->file, l1_offset, (int64_t)l1_size * 8, l1, 0);
    if (ret < 0) {
        return ret;
    }
    for (uint32_t i = 0; i < l1_size; i++) {
        l1[i] = GUINT64_FROM_BE(l1[i]);
    }
    return qcow2_update_l1_refcount(bs, l1, l1_size, addend, false);
}

int qcow2_update_l1_refcount(BlockDriverState *bs, const uint64_t *l1_in, uint32_t l1_size,
                             int addend, bool active)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint64_t *l1 = g_new0(uint64_t, (size_t)l1_size + 1);
    bool l1_changed = false;
    int ret = 0;

    memcpy(l1, l1_in, (size_t)l1_size * 8);

    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2_off = l1[i] & L1E_OFFSET_MASK;
        uint64_t *l2;
        uint64_t rc;
        bool l2_changed = false;

        if (!l2_off) {
            continue;
        }
        if (!qcow2_aligned(s, l2_off)) {
            return qcow2_signal_corruption(bs, l2_off, 1, "L2 table offset %#" PRIx64
                                           " unaligned (L1 index: %#" PRIx32 ")", l2_off, i);
        }
        ret = qcow2_cache_get(bs, s->l2_cache, l2_off, (void **)&l2);
        if (ret < 0) {
            return ret;
        }
        for (int64_t j = 0; j < s->l2_size; j++) {
            uint64_t e = be64_to_cpu(l2[j]), ne = e;
            Qcow2ClusterType t = qcow2_get_cluster_type(s, e);

            if (t == QCOW2_CLUSTER_COMPRESSED) {
                if (addend) {
                    uint64_t off;
                    int64_t size;

                    qcow2_parse_compressed(s, e, &off, &size);
                    ret = qcow2_update_refcount(bs, off, size, addend);
                }
            } else if (t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) {
                uint64_t off = e & L2E_OFFSET_MASK;

                if (addend) {
                    ret = qcow2_update_refcount(bs, off, 1, addend);
                }
                if (ret >= 0 && active) {
                    ret = qcow2_get_refcount(bs, off >> s->cluster_bits, &rc);
                    ne = rc == 1 ? e | QCOW_OFLAG_COPIED : e & ~QCOW_OFLAG_COPIED;
                }
            }
            if (ret < 0) {
                qcow2_cache_put(s->l2_cache, (void **)&l2);
                return ret;
            }
            if (ne != e) {
                l2[j] = cpu_to_be64(ne);
                l2_changed = true;
            }
        }
        if (l2_changed) {
            ret = qcow2_cache_write(bs, s->l2_cache, l2, 0, 0);
            if (ret < 0) {
                qcow2_cache_put(s->l2_cache, (void **)&l2);
                qcow2_cache_discard(s->l2_cache, l2_off);
                return ret;
            }
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        if (addend) {
            ret = qcow2_update_refcount(bs, l2_off, 1, addend);
            if (ret < 0) {
                return ret;
            }
        }
        if (active) {
            ret = qcow2_get_refcount(bs, l2_off >> s->cluster_bits, &rc);
            if (ret < 0) {
                return ret;
            }
            l1[i] = rc == 1 ? l1[i] | QCOW_OFLAG_COPIED : l1[i] & ~QCOW_OFLAG_COPIED;
            if (l1[i] != s->l1_table[i]) {
                s->l1_table[i] = l1[i];
                l1_changed = true;
            }
        }
    }
    if (l1_changed) {
        ret = qcow2_write_l1_table(bs);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

int qcow2_refcount_add_blocks(BlockDriverState *bs, int64_t first, int64_t last,
                              int64_t start_cluster)
{
    return qcow2_refcount_new_area(bs, first, last, start_cluster);
}
