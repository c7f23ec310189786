/*
 * qcow2-snapshot.c: internal snapshots: the snapshot table (read, validate,
 * write preserving unknown extra data), create, apply (goto), delete, list.
 * A snapshot is a copy of the active L1 table; sharing is expressed by
 * refcounts > 1 and the missing COPIED flag in the active tables.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qcow2.h"

#define SN_HEADER_SIZE 40
#define SN_EXTRA_KNOWN 24   /* vm_state_size_large, disk_size, icount */

void qcow2_free_snapshots(BDRVQcow2State *s)
{
    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        g_free(s->snapshots[i].id_str);
        g_free(s->snapshots[i].name);
        g_free(s->snapshots[i].unknown_extra);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
}

int qcow2_read_snapshots(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t end = qcow2_image_end(bs);
    uint64_t off = s->snapshots_offset;
    uint32_t n = s->nb_snapshots;
    int ret;

    s->snapshots = g_new0(QCowSnapshot, MAX(n, 1));
    s->nb_snapshots = 0;
    for (uint32_t i = 0; i < n; i++) {
        QCowSnapshot *sn = &s->snapshots[i];
        uint8_t h[SN_HEADER_SIZE];
        uint16_t id_len, name_len;
        uint32_t extra;
        g_autofree uint8_t *var = NULL;

        if (off + SN_HEADER_SIZE > (uint64_t)end ||
            off - s->snapshots_offset > QCOW_MAX_SNAPSHOTS_SIZE) {
            error_setg(errp, "Snapshot table is beyond the end of the image or too large");
            ret = -EFBIG;
            goto fail;
        }
        ret = bdrv_pread(bs->file, off, SN_HEADER_SIZE, h, 0);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to read snapshot table");
            goto fail;
        }
        sn->l1_table_offset = ldq_be_p(h);
        sn->l1_size = ldl_be_p(h + 8);
        id_len = lduw_be_p(h + 12);
        name_len = lduw_be_p(h + 14);
        sn->date_sec = ldl_be_p(h + 16);
        sn->date_nsec = ldl_be_p(h + 20);
        sn->vm_clock_nsec = ldq_be_p(h + 24);
        sn->vm_state_size = ldl_be_p(h + 32);
        extra = ldl_be_p(h + 36);
        sn->icount = UINT64_MAX;
        sn->disk_size = s->size;
        if (extra > 1024 * 1024) {
            error_setg(errp, "Too much extra metadata in snapshot table entry %u", i);
            ret = -EFBIG;
            goto fail;
        }
        off += SN_HEADER_SIZE;
        if (off + extra + id_len + name_len > (uint64_t)end) {
            error_setg(errp, "Snapshot table is beyond the end of the image or too large");
            ret = -EFBIG;
            goto fail;
        }
        var = g_malloc(extra + id_len + name_len + 1);
        ret = bdrv_pread(bs->file, off, extra + id_len + name_len, var, 0);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to read snapshot table");
            goto fail;
        }
        sn->extra_data_size = extra;
        if (extra >= 8) {
            sn->vm_state_size = ldq_be_p(var);
        }
        if (extra >= 16) {
            sn->disk_size = ldq_be_p(var + 8);
        } else if (s->qcow_version >= 3) {
            error_setg(errp, "Snapshot table entry %u is incomplete", i);
            ret = -EINVAL;
            goto fail;
        }
        if (extra >= 24) {
            sn->icount = ldq_be_p(var + 16);
        }
        if (extra > SN_EXTRA_KNOWN) {
            sn->unknown_extra = g_memdup2(var + SN_EXTRA_KNOWN, extra - SN_EXTRA_KNOWN);
        }
        sn->id_str = g_strndup((char *)var + extra, id_len);
        sn->name = g_strndup((char *)var + extra + id_len, name_len);
        off += QEMU_ALIGN_UP((uint64_t)extra + id_len + name_len, 8);
        s->nb_snapshots = i + 1;
        if (sn->l1_size > QCOW_MAX_L1_SIZE / 8) {
            error_setg(errp, "Snapshot L1 table too large");
            ret = -EFBIG;
            goto fail;
        }
        if (!qcow2_aligned(s, sn->l1_table_offset) ||
            sn->l1_table_offset + (uint64_t)sn->l1_size * 8 > (uint64_t)end) {
            error_setg(errp, "Snapshot L1 table offset invalid");
            ret = -EINVAL;
            goto fail;
        }
    }
    s->snapshots_size = off - s->snapshots_offset;
    return 0;
fail:
    qcow2_free_snapshots(s);
    s->nb_snapshots = 0;
    return ret;
}

/* Serialize sn[0..n) into a new buffer. */
static GByteArray *qcow2_build_snapshot_table(QCowSnapshot *sn, uint32_t n)
{
    GByteArray *buf = g_byte_array_new();
    static const uint8_t pad[8];

    for (uint32_t i = 0; i < n; i++) {
        uint8_t h[SN_HEADER_SIZE + SN_EXTRA_KNOWN] = { 0 };
        uint32_t extra = SN_EXTRA_KNOWN + (sn[i].extra_data_size > SN_EXTRA_KNOWN
                                           ? sn[i].extra_data_size - SN_EXTRA_KNOWN : 0);
        size_t id_len = strlen(sn[i].id_str), name_len = strlen(sn[i].name);
        size_t var;

        stq_be_p(h, sn[i].l1_table_offset);
        stl_be_p(h + 8, sn[i].l1_size);
        stw_be_p(h + 12, id_len);
        stw_be_p(h + 14, name_len);
        stl_be_p(h + 16, sn[i].date_sec);
        stl_be_p(h + 20, sn[i].date_nsec);
        stq_be_p(h + 24, sn[i].vm_clock_nsec);
        stl_be_p(h + 32, MIN(sn[i].vm_state_size, UINT32_MAX));
        stl_be_p(h + 36, extra);
        stq_be_p(h + 40, sn[i].vm_state_size);
        stq_be_p(h + 48, sn[i].disk_size);
        stq_be_p(h + 56, sn[i].icount);
        g_byte_array_append(buf, h, sizeof(h));
        if (extra > SN_EXTRA_KNOWN) {
            g_byte_array_append(buf, sn[i].unknown_extra, extra - SN_EXTRA_KNOWN);
        }
        g_byte_array_append(buf, (const uint8_t *)sn[i].id_str, id_len);
        g_byte_array_append(buf, (const uint8_t *)sn[i].name, name_len);
        var = extra + id_len + name_len;
        g_byte_array_append(buf, pad, QEMU_ALIGN_UP(var, 8) - var);
    }
    return buf;
}

/*
 * Write a new snapshot table for sn[0..n), switch the header to it, free
 * the old one. On success s->snapshots takes sn.
 */
static int qcow2_write_snapshot_table(BlockDriverState *bs, QCowSnapshot *sn, uint32_t n)
{
    BDRVQcow2State *s = bs->opaque;
    g_autoptr(GByteArray) buf = qcow2_build_snapshot_table(sn, n);
    uint64_t old_off = s->snapshots_offset;
    int64_t old_size = s->snapshots_size, off = 0;
    uint8_t h[12];
    int ret;

    if (buf->len > QCOW_MAX_SNAPSHOTS_SIZE) {
        return -EFBIG;
    }
    if (n) {
        off = qcow2_alloc_clusters(bs, buf->len);
        if (off < 0) {
            return off;
        }
        ret = bdrv_pwrite(bs->file, off, buf->len, buf->data, 0);
        if (ret >= 0) {
            ret = bdrv_flush(bs->file->bs);
        }
        if (ret < 0) {
            qcow2_free_clusters(bs, off, buf->len);
            return ret;
        }
    }
    stl_be_p(h, n);
    stq_be_p(h + 4, off);
    ret = bdrv_pwrite_sync(bs->file, QH_NB_SNAPSHOTS, sizeof(h), h, 0);
    if (ret < 0) {
        if (off) {
            qcow2_free_clusters(bs, off, buf->len);
        }
        return ret;
    }
    if (old_off && old_size) {
        qcow2_free_clusters(bs, old_off, old_size);
    }
    s->snapshots_offset = off;
    s->snapshots_size = buf->len;
    return 0;
}

static int qcow2_find_snapshot(BDRVQcow2State *s, const char *id, const char *name)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if ((!id || !strcmp(s->snapshots[i].id_str, id)) &&
            (!name || !strcmp(s->snapshots[i].name, name))) {
            return i;
        }
    }
    return -1;
}

static int qcow2_find_snapshot_by_id_or_name(BDRVQcow2State *s, const char *str)
{
    int i = qcow2_find_snapshot(s, str, NULL);

    return i >= 0 ? i : qcow2_find_snapshot(s, NULL, str);
}

/* No data I/O in flight and no deferred metadata: snapshots see the disk. */
static int qcow2_drain(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    while (s->in_flight > 0) {
        g_cond_wait(&s->io_cond, &s->lock);
    }
    return qcow2_writeback(bs);
}

int qcow2_snapshot_create(BlockDriverState *bs, QEMUSnapshotInfo *info)
{
    BDRVQcow2State *s = bs->opaque;
    QCowSnapshot *tab, *sn;
    g_autofree uint64_t *l1_be = NULL;
    int64_t l1_off = 0;
    uint64_t max_id = 0;
    int ret;

    if (s->read_only) {
        return -EACCES;
    }
    if (s->refcount_max < 2) {
        return -ENOTSUP;   /* refcount_bits=1 cannot share clusters */
    }
    g_mutex_lock(&s->lock);
    ret = qcow2_drain(bs);
    if (ret < 0) {
        goto out;
    }
    if (s->nb_snapshots >= QCOW_MAX_SNAPSHOTS) {
        ret = -EFBIG;
        goto out;
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        max_id = MAX(max_id, g_ascii_strtoull(s->snapshots[i].id_str, NULL, 10));
    }
    if (info->id_str[0] && qcow2_find_snapshot(s, info->id_str, NULL) >= 0) {
        ret = -EEXIST;
        goto out;
    }
    ret = qcow2_mark_dirty(bs);
    if (ret < 0) {
        goto out;
    }
    /* 1: the snapshot's L1 table, a copy of the active one. */
    if (s->l1_size) {
        l1_off = qcow2_alloc_clusters(bs, (int64_t)s->l1_size * 8);
        if (l1_off < 0) {
            ret = l1_off;
            goto out;
        }
        l1_be = g_new(uint64_t, s->l1_size);
        for (uint32_t i = 0; i < s->l1_size; i++) {
            l1_be[i] = cpu_to_be64(s->l1_table[i]);
        }
        ret = bdrv_pwrite(bs->file, l1_off, (int64_t)s->l1_size * 8, l1_be, 0);
        if (ret < 0) {
            qcow2_free_clusters(bs, l1_off, (int64_t)s->l1_size * 8);
            goto out;
        }
    }
    /* 2: everything it references gains a reference; active flags drop COPIED. */
    ret = qcow2_update_l1_refcount(bs, s->l1_table, s->l1_size, 1, true);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file->bs);
    }
    if (ret < 0) {
        goto out;   /* leaks at worst */
    }
    /* 3: the table that makes the snapshot exist. */
    tab = g_new0(QCowSnapshot, s->nb_snapshots + 1);
    memcpy(tab, s->snapshots, sizeof(QCowSnapshot) * s->nb_snapshots);
    sn = &tab[s->nb_snapshots];
    sn->l1_table_offset = l1_off;
    sn->l1_size = s->l1_size;
    sn->id_str = info->id_str[0] ? g_strdup(info->id_str)
                                 : g_strdup_printf("%" PRIu64, max_id + 1);
    sn->name = g_strdup(info->name);
    sn->disk_size = s->size;
    sn->vm_state_size = info->vm_state_size;
    sn->date_sec = info->date_sec;
    sn->date_nsec = info->date_nsec;
    sn->vm_clock_nsec = info->vm_clock_nsec;
    sn->icount = info->icount;
    sn->extra_data_size = SN_EXTRA_KNOWN;
    ret = qcow2_write_snapshot_table(bs, tab, s->nb_snapshots + 1);
    if (ret < 0) {
        g_free(sn->id_str);
        g_free(sn->name);
        g_free(tab);
        goto out;
    }
    g_strlcpy(info->id_str, sn->id_str, sizeof(info->id_str));
    g_free(s->snapshots);
    s->snapshots = tab;
    s->nb_snapshots++;
out:
    g_mutex_unlock(&s->lock);
    return ret;
}

int qcow2_snapshot_goto(BlockDriverState *bs, const char *snapshot_id)
{
    BDRVQcow2State *s = bs->opaque;
    QCowSnapshot *sn;
    g_autofree uint64_t *sn_l1 = NULL;
    g_autofree uint64_t *old_l1 = NULL;
    uint32_t old_size;
    int idx, ret;

    if (s->read_only) {
        return -EACCES;
    }
    g_mutex_lock(&s->lock);
    ret = qcow2_drain(bs);
    if (ret < 0) {
        goto out;
    }
    idx = qcow2_find_snapshot_by_id_or_name(s, snapshot_id);
    if (idx < 0) {
        ret = -ENOENT;
        goto out;
    }
    sn = &s->snapshots[idx];
    ret = qcow2_mark_dirty(bs);
    if (ret < 0) {
        goto out;
    }
    sn_l1 = g_try_new0(uint64_t, (size_t)sn->l1_size + 1);
    if (!sn_l1) {
        ret = -ENOMEM;
        goto out;
    }
    ret = bdrv_pread(bs->file, sn->l1_table_offset, (int64_t)sn->l1_size * 8, sn_l1, 0);
    if (ret < 0) {
        goto out;
    }
    for (uint32_t i = 0; i < sn->l1_size; i++) {
        sn_l1[i] = be64_to_cpu(sn_l1[i]);
    }
    /* 1: the snapshot's clusters gain the active layer's reference. */
    ret = qcow2_update_l1_refcount(bs, sn_l1, sn->l1_size, 1, false);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file->bs);
    }
    if (ret < 0) {
        goto out;
    }
    if (sn->l1_size > s->l1_size) {
        ret = qcow2_grow_l1_table(bs, sn->l1_size, true);
        if (ret < 0) {
            goto out;
        }
    }
    /* 2: switch the active L1 table. */
    old_size = s->l1_size;
    old_l1 = g_memdup2(s->l1_table, (size_t)old_size * 8);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        s->l1_table[i] = i < sn->l1_size ? sn_l1[i] & ~QCOW_OFLAG_COPIED : 0;
    }
    ret = qcow2_write_l1_table(bs);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file->bs);
    }
    if (ret < 0) {
        memcpy(s->l1_table, old_l1, (size_t)old_size * 8);
        goto out;
    }
    if (sn->disk_size != s->size) {
        uint8_t be[8];

        stq_be_p(be, sn->disk_size);
        ret = bdrv_pwrite_sync(bs->file, QH_SIZE, 8, be, 0);
        if (ret < 0) {
            goto out;
        }
        s->size = sn->disk_size;
    }
    /* 3: the old active layer's references go; then the COPIED flags. */
    ret = qcow2_update_l1_refcount(bs, old_l1, old_size, -1, false);
    if (ret >= 0) {
        ret = qcow2_update_l1_refcount(bs, s->l1_table, s->l1_size, 0, true);
    }
out:
    g_mutex_unlock(&s->lock);
    return ret;
}

int qcow2_snapshot_delete(BlockDriverState *bs, const char *snapshot_id, const char *name,
                          Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    QCowSnapshot sn, *tab;
    int idx, ret;

    if (s->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    g_mutex_lock(&s->lock);
    ret = qcow2_drain(bs);
    if (ret < 0) {
        g_mutex_unlock(&s->lock);
        error_setg_errno(errp, -ret, "Failed to write back metadata");
        return ret;
    }
    idx = qcow2_find_snapshot(s, snapshot_id, name);
    if (idx < 0) {
        g_mutex_unlock(&s->lock);
        error_setg(errp, "Can't find the snapshot");
        return -ENOENT;
    }
    ret = qcow2_mark_dirty(bs);
    if (ret < 0) {
        goto out;
    }
    sn = s->snapshots[idx];
    tab = g_new0(QCowSnapshot, MAX(s->nb_snapshots, 1));
    memcpy(tab, s->snapshots, sizeof(QCowSnapshot) * idx);
    memcpy(tab + idx, s->snapshots + idx + 1,
           sizeof(QCowSnapshot) * (s->nb_snapshots - idx - 1));
    /* 1: the table without it; 2: its references go; 3: COPIED flags. */
    ret = qcow2_write_snapshot_table(bs, tab, s->nb_snapshots - 1);
    if (ret < 0) {
        g_free(tab);
        error_setg_errno(errp, -ret, "Failed to remove snapshot from snapshot list");
        goto out;
    }
    g_free(s->snapshots);
    s->snapshots = tab;
    s->nb_snapshots--;
    ret = qcow2_update_snapshot_refcount(bs, sn.l1_table_offset, sn.l1_size, -1);
    if (ret >= 0 && sn.l1_size) {
        ret = bdrv_flush(bs->file->bs);
        if (ret >= 0) {
            qcow2_free_clusters(bs, sn.l1_table_offset, (int64_t)sn.l1_size * 8);
        }
    }
    if (ret >= 0) {
        ret = qcow2_update_l1_refcount(bs, s->l1_table, s->l1_size, 0, true);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to free the cluster and L1 table");
    }
    g_free(sn.id_str);
    g_free(sn.name);
    g_free(sn.unknown_extra);
out:
    g_mutex_unlock(&s->lock);
    return ret;
}

int qcow2_snapshot_list(BlockDriverState *bs, QEMUSnapshotInfo **psn_tab)
{
    BDRVQcow2State *s = bs->opaque;
    QEMUSnapshotInfo *tab;

    g_mutex_lock(&s->lock);
    tab = g_new0(QEMUSnapshotInfo, MAX(s->nb_snapshots, 1));
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        QCowSnapshot *sn = &s->snapshots[i];

        g_strlcpy(tab[i].id_str, sn->id_str, sizeof(tab[i].id_str));
        g_strlcpy(tab[i].name, sn->name, sizeof(tab[i].name));
        tab[i].vm_state_size = sn->vm_state_size;
        tab[i].date_sec = sn->date_sec;
        tab[i].date_nsec = sn->date_nsec;
        tab[i].vm_clock_nsec = sn->vm_clock_nsec;
        tab[i].icount = sn->icount;
    }
    *psn_tab = tab;
    g_mutex_unlock(&s->lock);
    return s->nb_snapshots;
}
