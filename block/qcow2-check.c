/*
 * qcow2-check.c: qemu-img check for qcow2: count every reference the
 * metadata makes (header, L1/L2 tables of the active layer and of each
 * snapshot, data and compressed clusters, refcount structures, snapshot
 * table), compare with the stored refcounts and the COPIED flags, report
 * leaks and corruptions as QEMU does, and repair with -r leaks / -r all.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qcow2.h"

typedef struct Qcow2CheckState {
    uint32_t *refs;      /* references found, per cluster of the file */
    int64_t nb;          /* clusters in the file */
    uint64_t next_data;  /* for fragmentation: expected next data offset */
} Qcow2CheckState;

/* Count a reference to the clusters of [off, off+len). */
static void qcow2_check_inc(BDRVQcow2State *s, Qcow2CheckState *cs, BdrvCheckResult *res,
                            uint64_t off, uint64_t len, const char *what)
{
    uint64_t first, last;

    if (len == 0) {
        return;
    }
    first = off >> s->cluster_bits;
    last = (off + len - 1) >> s->cluster_bits;
    if (last >= (uint64_t)cs->nb || off + len < off) {
        fprintf(stderr, "ERROR %s at %#" PRIx64 " is beyond the end of the image\n", what,
                off);
        res->corruptions++;
        return;
    }
    for (uint64_t c = first; c <= last; c++) {
        if (cs->refs[c] < UINT32_MAX) {
            cs->refs[c]++;
        }
    }
}

static int qcow2_check_l2(BlockDriverState *bs, Qcow2CheckState *cs, BdrvCheckResult *res,
                          uint64_t l2_off, bool active)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *l2;
    int ret = qcow2_cache_get(bs, s->l2_cache, l2_off, (void **)&l2);

    if (ret < 0) {
        fprintf(stderr, "ERROR: I/O error in check_refcounts_l2\n");
        res->check_errors++;
        return ret;
    }
    cs->next_data = 0;   /* contiguity is judged within one L2 table */
    for (int64_t j = 0; j < s->l2_size; j++) {
        uint64_t e = be64_to_cpu(l2[j]);
        uint64_t off;
        int64_t size;

        switch (qcow2_get_cluster_type(s, e)) {
        case QCOW2_CLUSTER_COMPRESSED:
            if (e & QCOW_OFLAG_COPIED) {
                fprintf(stderr, "ERROR: coffset=0x%" PRIx64 ": Cluster has the "
                        "OFLAG_COPIED flag set\n", e & s->cluster_offset_mask);
                res->corruptions++;
            }
            qcow2_parse_compressed(s, e, &off, &size);
            if (active) {
                /* Fragmented by nature, as QEMU counts them. */
                res->bfi.allocated_clusters++;
                res->bfi.compressed_clusters++;
                res->bfi.fragmented_clusters++;
            }
            qcow2_check_inc(s, cs, res, off & ~511ULL, size + (off & 511),
                            "compressed cluster");
            break;
        case QCOW2_CLUSTER_NORMAL:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            off = e & L2E_OFFSET_MASK;
            if (!qcow2_aligned(s, off)) {
                fprintf(stderr, "ERROR offset=%" PRIx64 ": Cluster is not properly "
                        "aligned; L2 entry corrupted.\n", off);
                res->corruptions++;
                break;
            }
            if (active) {
                res->bfi.allocated_clusters++;
                if (cs->next_data && off != cs->next_data) {
                    res->bfi.fragmented_clusters++;
                }
                cs->next_data = off + s->cluster_size;
            }
            qcow2_check_inc(s, cs, res, off, s->cluster_size, "data cluster");
            break;
        default:
            break;
        }
    }
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    return 0;
}

static int qcow2_check_l1(BlockDriverState *bs, Qcow2CheckState *cs, BdrvCheckResult *res,
                          uint64_t l1_off, uint32_t l1_size, bool active)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint64_t *l1 = NULL;
    int ret;

    qcow2_check_inc(s, cs, res, l1_off, (uint64_t)l1_size * 8, "L1 table");
    if (l1_size == 0) {
        return 0;
    }
    if (active) {
        l1 = g_memdup2(s->l1_table, (size_t)l1_size * 8);
    } else {
        if (l1_off + (uint64_t)l1_size * 8 > (uint64_t)cs->nb << s->cluster_bits) {
            return 0;   /* counted as beyond the end above */
        }
        l1 = g_try_new(uint64_t, l1_size);
        if (!l1) {
            res->check_errors++;
            return -ENOMEM;
        }
        ret = bdrv_pread(bs->file, l1_off, (int64_t)l1_size * 8, l1, 0);
        if (ret < 0) {
            fprintf(stderr, "ERROR: I/O error in check_refcounts_l1\n");
            res->check_errors++;
            return ret;
        }
        for (uint32_t i = 0; i < l1_size; i++) {
            l1[i] = be64_to_cpu(l1[i]);
        }
    }
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2_off = l1[i] & L1E_OFFSET_MASK;

        if (!l2_off) {
            continue;
        }
        if (!qcow2_aligned(s, l2_off)) {
            fprintf(stderr, "ERROR l2_offset=%" PRIx64 ": Table is not cluster aligned; "
                    "L1 entry corrupted\n", l2_off);
            res->corruptions++;
            continue;
        }
        if (l2_off >= (uint64_t)cs->nb << s->cluster_bits) {
            fprintf(stderr, "ERROR l2_offset=%" PRIx64 ": L2 table is beyond the end of "
                    "the image\n", l2_off);
            res->corruptions++;
            continue;
        }
        qcow2_check_inc(s, cs, res, l2_off, s->cluster_size, "L2 table");
        ret = qcow2_check_l2(bs, cs, res, l2_off, active);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/* Compare the COPIED flags of the active tables with the refcounts. */
static int qcow2_check_copied(BlockDriverState *bs, BdrvCheckResult *res, BdrvCheckMode fix)
{
    BDRVQcow2State *s = bs->opaque;
    bool l1_dirty = false;
    int ret;

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l2_off = s->l1_table[i] & L1E_OFFSET_MASK;
        uint64_t rc, *l2;
        bool l2_dirty = false;

        if (!l2_off || !qcow2_aligned(s, l2_off) ||
            l2_off >= (uint64_t)qcow2_image_end(bs)) {
            continue;
        }
        ret = qcow2_get_refcount(bs, l2_off >> s->cluster_bits, &rc);
        if (ret < 0) {
            res->check_errors++;
            continue;
        }
        if ((rc == 1) != !!(s->l1_table[i] & QCOW_OFLAG_COPIED)) {
            fprintf(stderr, "%s OFLAG_COPIED L2 cluster: l1_index=%" PRIu32 " l1_entry=%"
                    PRIx64 " refcount=%" PRIu64 "\n",
                    fix & BDRV_FIX_ERRORS ? "Repairing" : "ERROR", i, s->l1_table[i], rc);
            if (fix & BDRV_FIX_ERRORS) {
                s->l1_table[i] = rc == 1 ? s->l1_table[i] | QCOW_OFLAG_COPIED
                                         : s->l1_table[i] & ~QCOW_OFLAG_COPIED;
                l1_dirty = true;
                res->corruptions_fixed++;
            } else {
                res->corruptions++;
            }
        }
        ret = qcow2_cache_get(bs, s->l2_cache, l2_off, (void **)&l2);
        if (ret < 0) {
            res->check_errors++;
            continue;
        }
        for (int64_t j = 0; j < s->l2_size; j++) {
            uint64_t e = be64_to_cpu(l2[j]);
            Qcow2ClusterType t = qcow2_get_cluster_type(s, e);
            uint64_t off = e & L2E_OFFSET_MASK;

            if ((t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC) ||
                !qcow2_aligned(s, off)) {
                continue;
            }
            if (qcow2_get_refcount(bs, off >> s->cluster_bits, &rc) < 0) {
                res->check_errors++;
                continue;
            }
            if ((rc == 1) != !!(e & QCOW_OFLAG_COPIED)) {
                fprintf(stderr, "%s OFLAG_COPIED data cluster: l2_entry=%" PRIx64
                        " refcount=%" PRIu64 "\n",
                        fix & BDRV_FIX_ERRORS ? "Repairing" : "ERROR", e, rc);
                if (fix & BDRV_FIX_ERRORS) {
                    e = rc == 1 ? e | QCOW_OFLAG_COPIED : e & ~QCOW_OFLAG_COPIED;
                    l2[j] = cpu_to_be64(e);
                    l2_dirty = true;
                    res->corruptions_fixed++;
                } else {
                    res->corruptions++;
                }
            }
        }
        if (l2_dirty && qcow2_cache_write(bs, s->l2_cache, l2, 0, 0) < 0) {
            res->check_errors++;
            qcow2_cache_discard(s->l2_cache, l2_off);
        }
        qcow2_cache_put(s->l2_cache, (void **)&l2);
    }
    if (l1_dirty && qcow2_write_l1_table(bs) < 0) {
        res->check_errors++;
    }
    return 0;
}

int qcow2_check_refcounts(BlockDriverState *bs, BdrvCheckResult *res, BdrvCheckMode fix)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2CheckState cs = { 0 };
    int64_t file_len = qcow2_image_end(bs), highest = -1;
    int ret;

    cs.nb = qcow2_size_to_clusters(s, file_len);
    cs.refs = g_try_new0(uint32_t, cs.nb + 1);
    if (!cs.refs) {
        res->check_errors++;
        return -ENOMEM;
    }
    res->bfi.total_clusters = qcow2_size_to_clusters(s, s->size);

    qcow2_check_inc(s, &cs, res, 0, s->cluster_size, "header");
    ret = qcow2_check_l1(bs, &cs, res, s->l1_table_offset, s->l1_size, true);
    for (uint32_t i = 0; ret >= 0 && i < s->nb_snapshots; i++) {
        ret = qcow2_check_l1(bs, &cs, res, s->snapshots[i].l1_table_offset,
                             s->snapshots[i].l1_size, false);
    }
    if (ret < 0) {
        goto out;
    }
    qcow2_check_inc(s, &cs, res, s->snapshots_offset, s->snapshots_size, "snapshot table");
    qcow2_check_inc(s, &cs, res, s->refcount_table_offset,
                    (uint64_t)s->refcount_table_clusters << s->cluster_bits,
                    "refcount table");
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        uint64_t off = s->refcount_table[i] & REFT_OFFSET_MASK;

        if (!off) {
            continue;
        }
        if (!qcow2_aligned(s, off)) {
            fprintf(stderr, "ERROR refcount block %" PRIu64 " is not cluster aligned; "
                    "refcount table entry corrupted\n", i);
            res->corruptions++;
            s->refcount_table[i] = 0;   /* treated as missing from here on */
            continue;
        }
        if (off >= (uint64_t)file_len) {
            fprintf(stderr, "ERROR refcount block %" PRIu64 " is outside image\n", i);
            res->corruptions++;
            s->refcount_table[i] = 0;
            continue;
        }
        qcow2_check_inc(s, &cs, res, off, s->cluster_size, "refcount block");
    }

    /* Missing refcount blocks for referenced clusters: rebuild them first. */
    if (fix & BDRV_FIX_ERRORS) {
        int64_t first = -1, last = -1;

        for (int64_t c = 0; c < cs.nb; c++) {
            int64_t b = c >> s->refcount_block_bits;

            if (cs.refs[c] && (b >= (int64_t)s->refcount_table_size ||
                               !s->refcount_table[b])) {
                first = first < 0 ? b : first;
                last = b;
            }
        }
        s->free_cluster_index = cs.nb;
        if (first >= 0) {
            ret = qcow2_refcount_add_blocks(bs, first, last, cs.nb);
            if (ret < 0) {
                res->check_errors++;
                goto out;
            }
        }
    }

    for (int64_t c = 0; c < cs.nb; c++) {
        uint64_t rc;
        int *fixed = NULL;

        ret = qcow2_get_refcount(bs, c, &rc);
        if (ret < 0) {
            fprintf(stderr, "Can't get refcount for cluster %" PRId64 ": %s\n", c,
                    strerror(-ret));
            res->check_errors++;
            continue;
        }
        if (rc || cs.refs[c]) {
            highest = c;
        }
        if (rc == cs.refs[c]) {
            continue;
        }
        if (rc > cs.refs[c] && (fix & BDRV_FIX_LEAKS)) {
            fixed = &res->leaks_fixed;
        } else if (rc < cs.refs[c] && (fix & BDRV_FIX_ERRORS)) {
            fixed = &res->corruptions_fixed;
        }
        fprintf(stderr, "%s cluster %" PRId64 " refcount=%" PRIu64 " reference=%" PRIu32 "\n",
                fixed ? "Repairing" : rc < cs.refs[c] ? "ERROR" : "Leaked", c, rc,
                cs.refs[c]);
        if (fixed && qcow2_update_refcount(bs, c << s->cluster_bits, 1,
                                           (int64_t)cs.refs[c] - (int64_t)rc) >= 0) {
            (*fixed)++;
            continue;
        }
        if (rc < cs.refs[c]) {
            res->corruptions++;
        } else {
            res->leaks++;
        }
    }
    ret = 0;
    if (res->check_errors == 0) {
        qcow2_check_copied(bs, res, fix);
    }
    if (fix) {
        bdrv_flush(bs->file->bs);
        s->free_cluster_index = 0;
    }
    res->image_end_offset = (highest + 1) << s->cluster_bits;
out:
    g_free(cs.refs);
    return ret;
}
