/*
 * qcow2-cluster.c: guest offset -> host cluster mapping through the L1 and
 * L2 tables: reads, allocating writes with copy-on-write, zero clusters,
 * discard, compressed clusters (raw deflate, as QEMU) and block status.
 * Write ordering: refcounts, then data and new tables (flushed), then the
 * L1/L2 entry; old clusters are released only after the entry is replaced.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "qcow2.h"
#include <zlib.h>

Qcow2ClusterType qcow2_get_cluster_type(BDRVQcow2State *s, uint64_t e)
{
    if (e & QCOW_OFLAG_COMPRESSED) {
        return QCOW2_CLUSTER_COMPRESSED;
    }
    if ((e & QCOW_OFLAG_ZERO) && s->qcow_version >= 3) {
        return (e & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_ZERO_ALLOC : QCOW2_CLUSTER_ZERO_PLAIN;
    }
    return (e & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_NORMAL : QCOW2_CLUSTER_UNALLOCATED;
}

void qcow2_parse_compressed(BDRVQcow2State *s, uint64_t e, uint64_t *offset, int64_t *size)
{
    uint64_t nsec = ((e >> s->csize_shift) & s->csize_mask) + 1;

    *offset = e & s->cluster_offset_mask;
    *size = nsec * 512 - (*offset & 511);
}

int qcow2_decompress(void *dest, size_t dest_size, const void *src, size_t src_size)
{
    z_stream z = { 0 };
    int ret;

    if (inflateInit2(&z, -12) != Z_OK) {
        return -EIO;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = src_size;
    z.next_out = dest;
    z.avail_out = dest_size;
    ret = inflate(&z, Z_FINISH);
    /* The compressed data may be followed by padding: a full buffer is enough. */
    if ((ret == Z_STREAM_END || ret == Z_BUF_ERROR || ret == Z_OK) && z.avail_out == 0) {
        ret = 0;
    } else {
        ret = -EIO;
    }
    inflateEnd(&z);
    return ret;
}

ssize_t qcow2_compress(void *dest, size_t dest_size, const void *src, size_t src_size)
{
    z_stream z = { 0 };
    ssize_t ret;

    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return -EIO;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = src_size;
    z.next_out = dest;
    z.avail_out = dest_size;
    ret = deflate(&z, Z_FINISH);
    if (ret == Z_STREAM_END) {
        ret = dest_size - z.avail_out;
    } else {
        ret = -ENOSPC;   /* does not fit: store uncompressed */
    }
    deflateEnd(&z);
    return ret;
}

/* Make the active L1 table hold at least min_size entries. */
int qcow2_grow_l1_table(BlockDriverState *bs, uint64_t min_size, bool exact)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t new_size = min_size;
    int64_t bytes, new_off;
    uint64_t *tab;
    uint8_t hdr[12];
    int ret;

    if (min_size <= s->l1_size) {
        return 0;
    }
    /* The new table is copied from memory: what it points to must be on disk. */
    ret = qcow2_writeback(bs);
    if (ret < 0) {
        return ret;
    }
    if (!exact) {
        new_size = MAX(min_size, (uint64_t)s->l1_size * 3 / 2 + 1);
    }
    if (new_size > QCOW_MAX_L1_SIZE / 8) {
        new_size = min_size;
        if (new_size > QCOW_MAX_L1_SIZE / 8) {
            return -EFBIG;
        }
    }
    bytes = QEMU_ALIGN_UP(new_size * 8, 512);
    tab = g_try_malloc0(bytes);
    if (!tab) {
        return -ENOMEM;
    }
    new_off = qcow2_alloc_clusters(bs, bytes);
    if (new_off < 0) {
        g_free(tab);
        return new_off;
    }
    for (uint32_t i = 0; i < s->l1_size; i++) {
        tab[i] = cpu_to_be64(s->l1_table[i]);
    }
    /* Only the entries: the file ends where QEMU's would. */
    ret = bdrv_pwrite(bs->file, new_off, new_size * 8, tab, 0);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file->bs);
    }
    if (ret >= 0) {
        stl_be_p(hdr, new_size);
        stq_be_p(hdr + 4, new_off);
        ret = bdrv_pwrite_sync(bs->file, QH_L1_SIZE, sizeof(hdr), hdr, 0);
    }
    if (ret < 0) {
        qcow2_free_clusters(bs, new_off, bytes);
        g_free(tab);
        return ret;
    }
    for (uint64_t i = 0; i < new_size; i++) {
        tab[i] = be64_to_cpu(tab[i]);
    }
    if (s->l1_table_offset) {
        qcow2_free_clusters(bs, s->l1_table_offset, (int64_t)s->l1_size * 8);
    }
    g_free(s->l1_table);
    s->l1_table = tab;
    s->l1_size = new_size;
    s->l1_alloc = bytes / 8;
    s->l1_table_offset = new_off;
    return 0;
}

/* Write one active L1 entry. */
static int qcow2_write_l1_entry(BlockDriverState *bs, uint32_t index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t be = cpu_to_be64(s->l1_table[index]);

    return bdrv_pwrite(bs->file, s->l1_table_offset + (uint64_t)index * 8, 8, &be, 0);
}

static int qcow2_check_l2_offset(BlockDriverState *bs, uint64_t l2_off, uint32_t l1i)
{
    BDRVQcow2State *s = bs->opaque;

    if (!qcow2_aligned(s, l2_off)) {
        return qcow2_signal_corruption(bs, l2_off, s->cluster_size,
                                       "L2 table offset %#" PRIx64 " unaligned "
                                       "(L1 index: %#" PRIx32 ")", l2_off, l1i);
    }
    return 0;
}

/*
 * The L2 table for guest offset, read-only: *l2 is NULL if there is none.
 * Returns the index in the table.
 */
static int qcow2_get_l2_ro(BlockDriverState *bs, uint64_t offset, uint64_t **l2,
                           int64_t *index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l1i = offset >> (s->l2_bits + s->cluster_bits);
    uint64_t l2_off;
    int ret;

    *l2 = NULL;
    *index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    if (l1i >= s->l1_size) {
        return 0;
    }
    l2_off = s->l1_table[l1i] & L1E_OFFSET_MASK;
    if (!l2_off) {
        return 0;
    }
    ret = qcow2_check_l2_offset(bs, l2_off, l1i);
    if (ret < 0) {
        return ret;
    }
    return qcow2_cache_get(bs, s->l2_cache, l2_off, (void **)l2);
}

/*
 * The L2 table for guest offset, writable: allocated when missing, copied
 * when shared with a snapshot (L1 entry without COPIED).
 */
static int qcow2_get_l2_rw(BlockDriverState *bs, uint64_t offset, uint64_t **l2,
                           int64_t *index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l1i = offset >> (s->l2_bits + s->cluster_bits);
    uint64_t old, old_off;
    int64_t new_off;
    uint64_t *old_tab = NULL;
    int ret;

    *l2 = NULL;
    *index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    if (l1i >= s->l1_size) {
        ret = qcow2_grow_l1_table(bs, l1i + 1, false);
        if (ret < 0) {
            return ret;
        }
    }
    old = s->l1_table[l1i];
    old_off = old & L1E_OFFSET_MASK;
    if (old_off && (old & QCOW_OFLAG_COPIED)) {
        ret = qcow2_check_l2_offset(bs, old_off, l1i);
        if (ret < 0) {
            return ret;
        }
        return qcow2_cache_get(bs, s->l2_cache, old_off, (void **)l2);
    }
    if (old_off) {
        ret = qcow2_check_l2_offset(bs, old_off, l1i);
        if (ret < 0) {
            return ret;
        }
        ret = qcow2_cache_get(bs, s->l2_cache, old_off, (void **)&old_tab);
        if (ret < 0) {
            return ret;
        }
    }
    new_off = qcow2_alloc_clusters(bs, s->cluster_size);
    if (new_off < 0) {
        qcow2_cache_put(s->l2_cache, (void **)&old_tab);
        return new_off;
    }
    if (!old_off) {
        /*
         * A brand-new table: written (after a flush) before the L1 entry
         * that points to it reaches the disk, by qcow2_write_l1_table().
         */
        ret = qcow2_cache_get_empty(bs, s->l2_cache, new_off, (void **)l2);
        if (ret < 0) {
            qcow2_free_clusters(bs, new_off, s->cluster_size);
            return ret;
        }
        qcow2_cache_mark_dirty(s->l2_cache, *l2);
        s->l1_table[l1i] = new_off | QCOW_OFLAG_COPIED;
        s->l1_dirty = true;
        return 0;
    }
    ret = bdrv_flush(bs->file->bs);
    if (ret >= 0) {
        ret = qcow2_cache_get_empty(bs, s->l2_cache, new_off, (void **)l2);
    }
    if (ret < 0) {
        qcow2_cache_put(s->l2_cache, (void **)&old_tab);
        qcow2_free_clusters(bs, new_off, s->cluster_size);
        return ret;
    }
    if (old_tab) {
        /* The copy's clusters keep the refcounts the snapshot raised. */
        memcpy(*l2, old_tab, s->cluster_size);
        for (int64_t i = 0; i < s->l2_size; i++) {
            (*l2)[i] &= ~cpu_to_be64(QCOW_OFLAG_COPIED);
        }
        qcow2_cache_put(s->l2_cache, (void **)&old_tab);
    }
    ret = qcow2_cache_write(bs, s->l2_cache, *l2, 0, 0);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file->bs);
    }
    if (ret >= 0) {
        s->l1_table[l1i] = new_off | QCOW_OFLAG_COPIED;
        ret = qcow2_write_l1_entry(bs, l1i);
        if (ret < 0) {
            s->l1_table[l1i] = old;
        }
    }
    if (ret < 0) {
        qcow2_cache_put(s->l2_cache, (void **)l2);
        qcow2_cache_discard(s->l2_cache, new_off);
        qcow2_free_clusters(bs, new_off, s->cluster_size);
        return ret;
    }
    if (old_off) {
        ret = bdrv_flush(bs->file->bs);
        if (ret >= 0) {
            qcow2_free_clusters(bs, old_off, s->cluster_size);
        }
    }
    return 0;
}

/* Wait until no data I/O runs outside the lock (before freeing clusters). */
static void qcow2_drain_locked(BDRVQcow2State *s)
{
    while (s->in_flight > 0) {
        g_cond_wait(&s->io_cond, &s->lock);
    }
}

static void qcow2_io_begin(BDRVQcow2State *s)
{
    s->in_flight++;
    g_mutex_unlock(&s->lock);
}

static void qcow2_io_end(BDRVQcow2State *s)
{
    g_mutex_lock(&s->lock);
    if (--s->in_flight == 0) {
        g_cond_broadcast(&s->io_cond);
    }
}

static int qcow2_check_data_offset(BlockDriverState *bs, uint64_t e, uint64_t guest)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t host = e & L2E_OFFSET_MASK;

    if (!qcow2_aligned(s, host)) {
        return qcow2_signal_corruption(bs, host, s->cluster_size,
                                       "Cluster allocation offset %#" PRIx64 " unaligned "
                                       "(guest offset: %#" PRIx64 ")", host, guest);
    }
    return 0;
}

/* Read and inflate a compressed cluster into buf (cluster_size bytes). */
static int qcow2_read_compressed(BlockDriverState *bs, uint64_t e, uint8_t *buf)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off;
    int64_t size;
    g_autofree uint8_t *cbuf = NULL;
    int64_t end = qcow2_image_end(bs);
    int ret;

    qcow2_parse_compressed(s, e, &off, &size);
    if (off >= (uint64_t)end) {
        return qcow2_signal_corruption(bs, off, size, "Compressed cluster at %#" PRIx64
                                       " beyond the end of the image", off);
    }
    /* The last compressed cluster of a file may end before its last sector. */
    size = MIN(size, end - (int64_t)off);
    cbuf = g_malloc(size);
    ret = bdrv_pread(bs->file, off, size, cbuf, 0);
    if (ret < 0) {
        return ret;
    }
    if (qcow2_decompress(buf, s->cluster_size, cbuf, size) < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "qcow2: bad compressed cluster at %#" PRIx64 "\n",
                      off);
        return -EIO;
    }
    return 0;
}

/*
 * The guest-visible contents of [in, in+len) of the cluster that l2 entry e
 * maps at guest offset guest (cluster aligned), into buf. Used for COW.
 */
static int qcow2_read_old_cluster(BlockDriverState *bs, uint64_t guest, uint64_t e,
                                  int64_t in, int64_t len, uint8_t *buf)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;

    if (len <= 0) {
        return 0;
    }
    switch (qcow2_get_cluster_type(s, e)) {
    case QCOW2_CLUSTER_NORMAL:
        ret = qcow2_check_data_offset(bs, e, guest);
        if (ret < 0) {
            return ret;
        }
        return bdrv_pread(bs->file, (e & L2E_OFFSET_MASK) + in, len, buf, 0);
    case QCOW2_CLUSTER_COMPRESSED: {
        g_autofree uint8_t *tmp = g_malloc(s->cluster_size);

        ret = qcow2_read_compressed(bs, e, tmp);
        if (ret >= 0) {
            memcpy(buf, tmp + in, len);
        }
        return ret;
    }
    case QCOW2_CLUSTER_UNALLOCATED:
        if (bs->backing) {
            QEMUIOVector q;

            qemu_iovec_init_buf(&q, buf, len);
            return bdrv_preadv_part(bs->backing, guest + in, len, &q, 0, 0);
        }
        /* fallthrough */
    default:
        memset(buf, 0, len);
        return 0;
    }
}

int qcow2_read_cluster_data(BlockDriverState *bs, int64_t offset, int64_t bytes,
                            QEMUIOVector *qiov, size_t qoff)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;

    g_mutex_lock(&s->lock);
    while (bytes > 0) {
        uint64_t *l2;
        int64_t idx, in = qcow2_offset_into_cluster(s, offset);
        int64_t n = MIN(bytes, s->cluster_size - in);
        uint64_t e = 0;
        Qcow2ClusterType t;

        ret = qcow2_get_l2_ro(bs, offset, &l2, &idx);
        if (ret < 0) {
            break;
        }
        if (l2) {
            e = be64_to_cpu(l2[idx]);
            t = qcow2_get_cluster_type(s, e);
            /* Extend over contiguous clusters of the same kind. */
            while (n < bytes && idx + 1 < s->l2_size) {
                uint64_t e2 = be64_to_cpu(l2[idx + 1]);
                Qcow2ClusterType t2 = qcow2_get_cluster_type(s, e2);

                if (t2 != t || t == QCOW2_CLUSTER_COMPRESSED ||
                    (t == QCOW2_CLUSTER_NORMAL &&
                     (e2 & L2E_OFFSET_MASK) !=
                     (e & L2E_OFFSET_MASK) + ((uint64_t)(n + in) & ~(s->cluster_size - 1)))) {
                    break;
                }
                idx++;
                n = MIN(bytes, n + s->cluster_size);
            }
            qcow2_cache_put(s->l2_cache, (void **)&l2);
        } else {
            t = QCOW2_CLUSTER_UNALLOCATED;
            /* A missing L2 table covers the rest of its range. */
            n = MIN(bytes, ((int64_t)(s->l2_size - idx) << s->cluster_bits) - in);
        }

        switch (t) {
        case QCOW2_CLUSTER_UNALLOCATED:
            if (bs->backing) {
                qcow2_io_begin(s);
                ret = bdrv_preadv_part(bs->backing, offset, n, qiov, qoff, 0);
                qcow2_io_end(s);
            } else {
                qemu_iovec_memset(qiov, qoff, 0, n);
            }
            break;
        case QCOW2_CLUSTER_ZERO_PLAIN:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            qemu_iovec_memset(qiov, qoff, 0, n);
            break;
        case QCOW2_CLUSTER_NORMAL:
            ret = qcow2_check_data_offset(bs, e, offset);
            if (ret < 0) {
                break;
            }
            qcow2_io_begin(s);
            ret = bdrv_preadv_part(bs->file, (e & L2E_OFFSET_MASK) + in, n, qiov, qoff, 0);
            qcow2_io_end(s);
            break;
        case QCOW2_CLUSTER_COMPRESSED: {
            g_autofree uint8_t *buf = g_malloc(s->cluster_size);

            ret = qcow2_read_compressed(bs, e, buf);
            if (ret >= 0) {
                qemu_iovec_from_buf(qiov, qoff, buf + in, n);
            }
            break;
        }
        }
        if (ret < 0) {
            break;
        }
        offset += n;
        bytes -= n;
        qoff += n;
    }
    g_mutex_unlock(&s->lock);
    return ret < 0 ? ret : 0;
}

/* An entry that can be written in place: a normal cluster only we use. */
static bool qcow2_in_place(BDRVQcow2State *s, uint64_t e)
{
    return qcow2_get_cluster_type(s, e) == QCOW2_CLUSTER_NORMAL && (e & QCOW_OFLAG_COPIED);
}

/*
 * Write [offset, offset+bytes), all within one L2 table, into newly
 * allocated clusters: COW of the head and tail from the old contents, data
 * flushed before the L2 entries change, old clusters freed after.
 */
static int qcow2_write_alloc(BlockDriverState *bs, uint64_t *l2, int64_t idx,
                             int64_t offset, int64_t bytes, QEMUIOVector *qiov, size_t qoff)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t in = qcow2_offset_into_cluster(s, offset);
    int64_t nclusters = qcow2_size_to_clusters(s, in + bytes);
    int64_t tail_in = qcow2_offset_into_cluster(s, offset + bytes);
    uint64_t guest0 = qcow2_start_of_cluster(s, offset);
    uint64_t guest_last = guest0 + ((nclusters - 1) << s->cluster_bits);
    g_autofree uint8_t *head = NULL;
    g_autofree uint8_t *tail = NULL;
    g_autofree uint64_t *old = g_new(uint64_t, nclusters);
    QEMUIOVector q;
    bool frees = false;
    int64_t host;
    int ret;

    for (int64_t i = 0; i < nclusters; i++) {
        old[i] = be64_to_cpu(l2[idx + i]);
    }
    for (int64_t i = 0; i < nclusters; i++) {
        Qcow2ClusterType t = qcow2_get_cluster_type(s, old[i]);

        if (t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_COMPRESSED ||
            t == QCOW2_CLUSTER_ZERO_ALLOC) {
            frees = true;
        }
    }
    host = qcow2_alloc_clusters(bs, nclusters << s->cluster_bits);
    if (host < 0) {
        return host;
    }
    if (frees) {
        ret = bdrv_flush(bs->file->bs);
        if (ret < 0) {
            goto fail;
        }
    }
    qemu_iovec_init(&q, qiov->niov + 2);
    if (in) {
        head = g_malloc(in);
        ret = qcow2_read_old_cluster(bs, guest0, old[0], 0, in, head);
        if (ret < 0) {
            qemu_iovec_destroy(&q);
            goto fail;
        }
        qemu_iovec_add(&q, head, in);
    }
    qemu_iovec_concat(&q, qiov, qoff, bytes);
    if (tail_in) {
        tail = g_malloc(s->cluster_size - tail_in);
        ret = qcow2_read_old_cluster(bs, guest_last, old[nclusters - 1], tail_in,
                                     s->cluster_size - tail_in, tail);
        if (ret < 0) {
            qemu_iovec_destroy(&q);
            goto fail;
        }
        qemu_iovec_add(&q, tail, s->cluster_size - tail_in);
    }
    ret = bdrv_pwritev_part(bs->file, host, q.size, &q, 0, 0);
    qemu_iovec_destroy(&q);
    if (ret < 0) {
        goto fail;
    }
    for (int64_t i = 0; i < nclusters; i++) {
        l2[idx + i] = cpu_to_be64((host + (i << s->cluster_bits)) | QCOW_OFLAG_COPIED);
    }
    if (!frees) {
        /*
         * Nothing to release: the entries reach the disk after the next
         * flush of the file (guest flush, eviction, any metadata operation),
         * which puts the refcounts and the data there first.
         */
        qcow2_cache_mark_dirty(s->l2_cache, l2);
        return 0;
    }
    ret = bdrv_flush(bs->file->bs);
    if (ret >= 0) {
        ret = qcow2_cache_write(bs, s->l2_cache, l2, idx * 8, nclusters * 8);
    }
    if (ret < 0) {
        for (int64_t i = 0; i < nclusters; i++) {
            l2[idx + i] = cpu_to_be64(old[i]);
        }
        goto fail;
    }
    for (int64_t i = 0; i < nclusters; i++) {
        Qcow2ClusterType t = qcow2_get_cluster_type(s, old[i]);

        if (t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_COMPRESSED ||
            t == QCOW2_CLUSTER_ZERO_ALLOC) {
            ret = bdrv_flush(bs->file->bs);
            if (ret < 0) {
                return 0;   /* leak rather than risk a double reference */
            }
            for (int64_t j = i; j < nclusters; j++) {
                qcow2_free_any_cluster(bs, old[j]);
            }
            break;
        }
    }
    return 0;
fail:
    qcow2_free_clusters(bs, host, nclusters << s->cluster_bits);
    return ret;
}

int qcow2_write_cluster_data(BlockDriverState *bs, int64_t offset, int64_t bytes,
                             QEMUIOVector *qiov, size_t qoff)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;

    g_mutex_lock(&s->lock);
    if (s->incompatible_features & QCOW2_INCOMPAT_CORRUPT) {
        g_mutex_unlock(&s->lock);
        return -EIO;
    }
    ret = qcow2_mark_dirty(bs);
    while (ret >= 0 && bytes > 0) {
        uint64_t *l2;
        int64_t idx, in = qcow2_offset_into_cluster(s, offset);
        int64_t n = MIN(bytes, s->cluster_size - in);
        uint64_t e;

        ret = qcow2_get_l2_rw(bs, offset, &l2, &idx);
        if (ret < 0) {
            break;
        }
        e = be64_to_cpu(l2[idx]);
        if (qcow2_in_place(s, e)) {
            ret = qcow2_check_data_offset(bs, e, offset);
            while (ret >= 0 && n < bytes && idx + 1 < s->l2_size) {
                uint64_t e2 = be64_to_cpu(l2[idx + 1]);

                if (!qcow2_in_place(s, e2) ||
                    (e2 & L2E_OFFSET_MASK) !=
                    (e & L2E_OFFSET_MASK) + ((uint64_t)(n + in) & ~(s->cluster_size - 1))) {
                    break;
                }
                idx++;
                n = MIN(bytes, n + s->cluster_size);
            }
            qcow2_cache_put(s->l2_cache, (void **)&l2);
            if (ret < 0) {
                break;
            }
            qcow2_io_begin(s);
            ret = bdrv_pwritev_part(bs->file, (e & L2E_OFFSET_MASK) + in, n, qiov, qoff, 0);
            qcow2_io_end(s);
        } else {
            while (n < bytes && idx + 1 < s->l2_size &&
                   !qcow2_in_place(s, be64_to_cpu(l2[idx + 1])) &&
                   (in + n) < (16LL << 20)) {
                idx++;
                n = MIN(bytes, n + s->cluster_size);
            }
            idx -= (in + n - 1) >> s->cluster_bits;
            ret = qcow2_write_alloc(bs, l2, idx, offset, n, qiov, qoff);
            qcow2_cache_put(s->l2_cache, (void **)&l2);
        }
        offset += n;
        bytes -= n;
        qoff += n;
    }
    g_mutex_unlock(&s->lock);
    return ret < 0 ? ret : 0;
}

/*
 * Whole clusters [offset, offset+bytes): discard (reads then give backing
 * data or zeroes), zero (reads give zeroes; may_unmap frees the space), or,
 * with discard && !may_unmap... the three modes are:
 *   discard=true:  pdiscard semantics (zero flag if v3 with backing)
 *   discard=false: write zeroes (zero flag, keep the cluster unless may_unmap)
 */
int qcow2_zero_or_discard(BlockDriverState *bs, int64_t offset, int64_t bytes,
                          bool discard, bool may_unmap)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;

    g_mutex_lock(&s->lock);
    if (s->incompatible_features & QCOW2_INCOMPAT_CORRUPT) {
        g_mutex_unlock(&s->lock);
        return -EIO;
    }
    qcow2_drain_locked(s);
    ret = qcow2_writeback(bs);
    if (ret >= 0) {
        ret = qcow2_mark_dirty(bs);
    }
    while (ret >= 0 && bytes > 0) {
        uint64_t *l2;
        int64_t idx, n;
        int64_t cnt;
        g_autofree uint64_t *old = NULL;
        g_autofree uint64_t *orig = NULL;
        bool changed = false;

        ret = qcow2_get_l2_ro(bs, offset, &l2, &idx);
        if (ret < 0) {
            break;
        }
        cnt = MIN(bytes >> s->cluster_bits, s->l2_size - idx);
        n = cnt << s->cluster_bits;
        if (!l2) {
            /* Nothing mapped here: only zeroes over a backing file need a table. */
            if (discard || !bs->backing) {
                offset += n;
                bytes -= n;
                continue;
            }
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        ret = qcow2_get_l2_rw(bs, offset, &l2, &idx);
        if (ret < 0) {
            break;
        }
        old = g_new(uint64_t, cnt);
        orig = g_new(uint64_t, cnt);
        for (int64_t i = 0; i < cnt; i++) {
            uint64_t e = be64_to_cpu(l2[idx + i]), ne;
            Qcow2ClusterType t = qcow2_get_cluster_type(s, e);

            old[i] = orig[i] = e;
            if (discard) {
                ne = (s->qcow_version >= 3 && bs->backing) ? QCOW_OFLAG_ZERO : 0;
            } else if (!may_unmap && t == QCOW2_CLUSTER_NORMAL && (e & QCOW_OFLAG_COPIED)) {
                ne = e | QCOW_OFLAG_ZERO;
            } else if (!may_unmap && t == QCOW2_CLUSTER_ZERO_ALLOC) {
                ne = e;
            } else {
                ne = QCOW_OFLAG_ZERO;
            }
            if (ne != e) {
                l2[idx + i] = cpu_to_be64(ne);
                changed = true;
            }
            if ((ne & L2E_OFFSET_MASK) == (e & L2E_OFFSET_MASK) &&
                t != QCOW2_CLUSTER_COMPRESSED) {
                old[i] = 0;   /* the cluster stays referenced */
            }
        }
        if (changed) {
            ret = qcow2_cache_write(bs, s->l2_cache, l2, idx * 8, cnt * 8);
            if (ret >= 0) {
                ret = bdrv_flush(bs->file->bs);
            }
            if (ret < 0) {
                for (int64_t i = 0; i < cnt; i++) {
                    l2[idx + i] = cpu_to_be64(orig[i]);
                }
                qcow2_cache_put(s->l2_cache, (void **)&l2);
                break;
            }
            for (int64_t i = 0; i < cnt; i++) {
                qcow2_free_any_cluster(bs, old[i]);
            }
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        offset += n;
        bytes -= n;
    }
    g_mutex_unlock(&s->lock);
    return ret < 0 ? ret : 0;
}

int qcow2_cluster_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         int64_t *pnum, int64_t *map, BlockDriverState **file)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *l2;
    int64_t idx, in = qcow2_offset_into_cluster(s, offset);
    int64_t n = MIN(bytes, s->cluster_size - in);
    uint64_t e = 0;
    Qcow2ClusterType t = QCOW2_CLUSTER_UNALLOCATED;
    int ret;

    g_mutex_lock(&s->lock);
    ret = qcow2_get_l2_ro(bs, offset, &l2, &idx);
    if (ret < 0) {
        g_mutex_unlock(&s->lock);
        return ret;
    }
    if (l2) {
        e = be64_to_cpu(l2[idx]);
        t = qcow2_get_cluster_type(s, e);
        while (n < bytes && idx + 1 < s->l2_size && t != QCOW2_CLUSTER_COMPRESSED) {
            uint64_t e2 = be64_to_cpu(l2[idx + 1]);

            if (qcow2_get_cluster_type(s, e2) != t ||
                ((t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) &&
                 (e2 & L2E_OFFSET_MASK) !=
                 (e & L2E_OFFSET_MASK) + ((uint64_t)(n + in) & ~(s->cluster_size - 1)))) {
                break;
            }
            idx++;
            n = MIN(bytes, n + s->cluster_size);
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
    } else {
        n = MIN(bytes, ((int64_t)(s->l2_size - idx) << s->cluster_bits) - in);
    }
    g_mutex_unlock(&s->lock);
    *pnum = n;
    switch (t) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return 0;
    case QCOW2_CLUSTER_ZERO_PLAIN:
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
    case QCOW2_CLUSTER_ZERO_ALLOC:
        *map = (e & L2E_OFFSET_MASK) + in;
        *file = bs->file->bs;
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_OFFSET_VALID;
    case QCOW2_CLUSTER_COMPRESSED:
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_COMPRESSED;
    default:
        *map = (e & L2E_OFFSET_MASK) + in;
        *file = bs->file->bs;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_OFFSET_VALID;
    }
}

/*
 * One whole cluster (or the image's last, partial one) written compressed;
 * data that does not shrink is written as a normal cluster.
 */
int qcow2_write_compressed(BlockDriverState *bs, int64_t offset, int64_t bytes,
                           QEMUIOVector *qiov, size_t qoff)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint8_t *src = NULL;
    g_autofree uint8_t *dst = NULL;
    ssize_t clen;
    uint64_t *l2;
    int64_t idx, coff;
    uint64_t old, ne, nsec;
    int ret;

    if (!qcow2_aligned(s, offset) ||
        (bytes != s->cluster_size && offset + bytes != (int64_t)s->size)) {
        return -EINVAL;
    }
    src = g_malloc0(s->cluster_size);
    dst = g_malloc(s->cluster_size);
    qemu_iovec_to_buf(qiov, qoff, src, bytes);
    clen = qcow2_compress(dst, s->cluster_size - 1, src, s->cluster_size);
    /*
     * Deflate ran without locks (the generic layer may call us without
     * bs->lock: pwritev_compressed_unlocked); the rest is serialised with
     * every other request, in the usual order bs->lock, then s->lock.
     */
    g_rec_mutex_lock(&bs->lock);
    if (clen < 0) {
        ret = qcow2_write_cluster_data(bs, offset, bytes, qiov, qoff);
        g_rec_mutex_unlock(&bs->lock);
        return ret;
    }
    g_mutex_lock(&s->lock);
    if (s->incompatible_features & QCOW2_INCOMPAT_CORRUPT) {
        g_mutex_unlock(&s->lock);
        g_rec_mutex_unlock(&bs->lock);
        return -EIO;
    }
    qcow2_drain_locked(s);
    ret = qcow2_writeback(bs);
    if (ret >= 0) {
        ret = qcow2_mark_dirty(bs);
    }
    if (ret < 0) {
        goto out;
    }
    ret = qcow2_get_l2_rw(bs, offset, &l2, &idx);
    if (ret < 0) {
        goto out;
    }
    old = be64_to_cpu(l2[idx]);
    coff = qcow2_alloc_bytes(bs, clen);
    if (coff < 0) {
        ret = coff;
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        goto out;
    }
    nsec = ((coff + clen - 1) >> 9) - (coff >> 9);
    ret = bdrv_flush(bs->file->bs);
    if (ret >= 0) {
        ret = bdrv_pwrite(bs->file, coff, clen, dst, 0);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs->file->bs);
    }
    if (ret >= 0) {
        ne = QCOW_OFLAG_COMPRESSED | (nsec << s->csize_shift) | (uint64_t)coff;
        l2[idx] = cpu_to_be64(ne);
        ret = qcow2_cache_write(bs, s->l2_cache, l2, idx * 8, 8);
        if (ret < 0) {
            l2[idx] = cpu_to_be64(old);
        }
    }
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    if (ret < 0) {
        qcow2_free_clusters(bs, coff, clen);
        goto out;
    }
    if (qcow2_get_cluster_type(s, old) != QCOW2_CLUSTER_UNALLOCATED &&
        qcow2_get_cluster_type(s, old) != QCOW2_CLUSTER_ZERO_PLAIN &&
        bdrv_flush(bs->file->bs) >= 0) {
        qcow2_free_any_cluster(bs, old);
    }
out:
    g_mutex_unlock(&s->lock);
    g_rec_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

/*
 * Give every guest cluster in [from, to) a host cluster (preallocation
 * "metadata" and above); new clusters read as zeroes because the file is
 * extended past them (or, inside the old file, they are zeroed).
 */
int qcow2_preallocate(BlockDriverState *bs, uint64_t from, uint64_t to, PreallocMode mode)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t old_end = qcow2_image_end(bs);
    int64_t host_end = 0;
    int ret = 0;

    from = qcow2_start_of_cluster(s, from);
    g_mutex_lock(&s->lock);
    qcow2_drain_locked(s);
    ret = qcow2_writeback(bs);
    while (ret >= 0 && from < to) {
        uint64_t *l2;
        int64_t idx, cnt, host;

        ret = qcow2_get_l2_rw(bs, from, &l2, &idx);
        if (ret < 0) {
            break;
        }
        cnt = MIN(qcow2_size_to_clusters(s, to - from), s->l2_size - idx);
        for (int64_t i = 0; i < cnt; i++) {
            int64_t run = 0;

            if (be64_to_cpu(l2[idx + i]) != 0) {
                continue;
            }
            while (i + run < cnt && be64_to_cpu(l2[idx + i + run]) == 0) {
                run++;
            }
            host = qcow2_alloc_clusters(bs, run << s->cluster_bits);
            if (host < 0) {
                ret = host;
                break;
            }
            if (host < old_end) {
                ret = bdrv_pwrite_zeroes(bs->file, host,
                                         MIN(run << s->cluster_bits, old_end - host), 0);
                if (ret < 0) {
                    break;
                }
            }
            host_end = MAX(host_end, host + (run << s->cluster_bits));
            for (int64_t j = 0; j < run; j++) {
                l2[idx + i + j] = cpu_to_be64((host + (j << s->cluster_bits)) |
                                              QCOW_OFLAG_COPIED);
            }
            i += run - 1;
        }
        if (ret >= 0) {
            ret = bdrv_flush(bs->file->bs);
        }
        if (ret >= 0) {
            ret = qcow2_cache_write(bs, s->l2_cache, l2, 0, 0);
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        if (ret < 0) {
            break;
        }
        from += cnt << s->cluster_bits;
    }
    g_mutex_unlock(&s->lock);
    if (ret >= 0 && host_end > qcow2_image_end(bs)) {
        ret = bdrv_truncate(bs->file, host_end, false,
                            mode == PREALLOC_MODE_METADATA ? PREALLOC_MODE_OFF : mode, 0,
                            NULL);
    }
    return ret < 0 ? ret : 0;
}

/*
 * Drop the L2 tables wholly beyond new_size (after their clusters were
 * discarded) so a shrunk image references nothing past its end.
 */
int qcow2_shrink_l1_and_l2(BlockDriverState *bs, uint64_t new_size)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t first = (new_size + ((uint64_t)s->cluster_size << s->l2_bits) - 1) >>
                     (s->l2_bits + s->cluster_bits);
    int ret = 0;

    for (uint64_t i = first; i < s->l1_size; i++) {
        uint64_t off = s->l1_table[i] & L1E_OFFSET_MASK;
        uint64_t *l2;
        bool used = false;

        if (!off) {
            continue;
        }
        ret = qcow2_cache_get(bs, s->l2_cache, off, (void **)&l2);
        if (ret < 0) {
            return ret;
        }
        for (int64_t j = 0; j < s->l2_size; j++) {
            if (l2[j]) {
                used = true;
            }
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        if (used) {
            continue;
        }
        s->l1_table[i] = 0;
        ret = qcow2_write_l1_entry(bs, i);
        if (ret < 0) {
            return ret;
        }
        ret = bdrv_flush(bs->file->bs);
        if (ret < 0) {
            return ret;
        }
        qcow2_free_clusters(bs, off, s->cluster_size);
    }
    return 0;
}

/* Empty the active layer: every entry unallocated, every cluster released. */
int qcow2_make_empty_clusters(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;

    g_mutex_lock(&s->lock);
    qcow2_drain_locked(s);
    ret = qcow2_writeback(bs);
    for (uint32_t i = 0; i < s->l1_size && ret >= 0; i++) {
        uint64_t off = s->l1_table[i] & L1E_OFFSET_MASK;
        uint64_t *l2;
        g_autofree uint64_t *old = NULL;

        if (!off) {
            continue;
        }
        ret = qcow2_get_l2_rw(bs, (uint64_t)i << (s->l2_bits + s->cluster_bits), &l2,
                              &(int64_t){0});
        if (ret < 0) {
            break;
        }
        old = g_new(uint64_t, s->l2_size);
        for (int64_t j = 0; j < s->l2_size; j++) {
            old[j] = be64_to_cpu(l2[j]);
            l2[j] = 0;
        }
        ret = qcow2_cache_write(bs, s->l2_cache, l2, 0, 0);
        if (ret >= 0) {
            ret = bdrv_flush(bs->file->bs);
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        if (ret < 0) {
            qcow2_cache_clear(s->l2_cache);
            break;
        }
        for (int64_t j = 0; j < s->l2_size; j++) {
            qcow2_free_any_cluster(bs, old[j]);
        }
    }
    if (ret >= 0) {
        ret = qcow2_shrink_l1_and_l2(bs, 0);
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

/* Does any L2 table of this L1 (host order) hold a zero cluster? */
static int qcow2_l1_has_zero(BlockDriverState *bs, const uint64_t *l1, uint32_t l1_size)
{
    BDRVQcow2State *s = bs->opaque;

    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t off = l1[i] & L1E_OFFSET_MASK;
        uint64_t *l2;
        bool zero = false;
        int ret;

        if (!off) {
            continue;
        }
        ret = qcow2_check_l2_offset(bs, off, i);
        if (ret >= 0) {
            ret = qcow2_cache_get(bs, s->l2_cache, off, (void **)&l2);
        }
        if (ret < 0) {
            return ret;
        }
        for (int64_t j = 0; j < s->l2_size && !zero; j++) {
            Qcow2ClusterType t = qcow2_get_cluster_type(s, be64_to_cpu(l2[j]));

            zero = t == QCOW2_CLUSTER_ZERO_PLAIN || t == QCOW2_CLUSTER_ZERO_ALLOC;
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        if (zero) {
            return 1;
        }
    }
    return 0;
}

/*
 * Before a downgrade to v2 (no zero flag): zero clusters of the active layer
 * become unallocated (no backing file) or zero-filled data clusters. Zero
 * clusters inside snapshots are refused (-ENOTSUP).
 */
int qcow2_expand_zero_clusters(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint8_t *zeroes = g_malloc0(s->cluster_size);
    int ret;

    g_mutex_lock(&s->lock);
    qcow2_drain_locked(s);
    ret = qcow2_writeback(bs);
    for (uint32_t k = 0; ret >= 0 && k < s->nb_snapshots; k++) {
        QCowSnapshot *sn = &s->snapshots[k];
        g_autofree uint64_t *l1 = g_try_new0(uint64_t, (size_t)sn->l1_size + 1);

        if (!l1) {
            ret = -ENOMEM;
            break;
        }
        ret = bdrv_pread(bs->file, sn->l1_table_offset, (int64_t)sn->l1_size * 8, l1, 0);
        for (uint32_t i = 0; ret >= 0 && i < sn->l1_size; i++) {
            l1[i] = be64_to_cpu(l1[i]);
        }
        if (ret >= 0) {
            ret = qcow2_l1_has_zero(bs, l1, sn->l1_size);
            ret = ret > 0 ? -ENOTSUP : ret;
        }
    }
    for (uint32_t i = 0; ret >= 0 && i < s->l1_size; i++) {
        uint64_t guest = (uint64_t)i << (s->l2_bits + s->cluster_bits);
        g_autofree uint64_t *old = NULL;
        uint64_t *l2;
        int64_t idx;
        bool changed = false;

        ret = qcow2_l1_has_zero(bs, &s->l1_table[i], 1);
        if (ret <= 0) {
            continue;
        }
        ret = qcow2_get_l2_rw(bs, guest, &l2, &idx);
        if (ret < 0) {
            break;
        }
        old = g_new0(uint64_t, s->l2_size);
        for (int64_t j = 0; ret >= 0 && j < s->l2_size; j++) {
            uint64_t e = be64_to_cpu(l2[j]), ne = e;
            Qcow2ClusterType t = qcow2_get_cluster_type(s, e);
            int64_t host;

            if (t == QCOW2_CLUSTER_ZERO_ALLOC && (e & QCOW_OFLAG_COPIED)) {
                ret = bdrv_pwrite(bs->file, e & L2E_OFFSET_MASK, s->cluster_size, zeroes, 0);
                ne = e & ~QCOW_OFLAG_ZERO;
            } else if (t == QCOW2_CLUSTER_ZERO_PLAIN && !bs->backing) {
                ne = 0;
            } else if (t == QCOW2_CLUSTER_ZERO_PLAIN || t == QCOW2_CLUSTER_ZERO_ALLOC) {
                host = qcow2_alloc_clusters(bs, s->cluster_size);
                ret = host < 0 ? host : bdrv_pwrite(bs->file, host, s->cluster_size, zeroes, 0);
                ne = host | QCOW_OFLAG_COPIED;
                old[j] = t == QCOW2_CLUSTER_ZERO_ALLOC ? e : 0;
            }
            if (ret >= 0 && ne != e) {
                l2[j] = cpu_to_be64(ne);
                changed = true;
            }
        }
        if (ret >= 0 && changed) {
            ret = bdrv_flush(bs->file->bs);
            if (ret >= 0) {
                ret = qcow2_cache_write(bs, s->l2_cache, l2, 0, 0);
            }
            if (ret >= 0) {
                ret = bdrv_flush(bs->file->bs);
            }
        }
        if (ret < 0) {
            qcow2_cache_discard(s->l2_cache, s->l1_table[i] & L1E_OFFSET_MASK);
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
        for (int64_t j = 0; ret >= 0 && j < s->l2_size; j++) {
            qcow2_free_any_cluster(bs, old[j] & ~QCOW_OFLAG_ZERO);
        }
    }
    g_mutex_unlock(&s->lock);
    return ret < 0 ? ret : 0;
}
