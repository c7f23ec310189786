/*
 * qmp-cmds-block.c: the block layer's read-only QMP queries: query-block
 * (the named drives), query-named-block-nodes (every node) and
 * query-blockstats (the BlockBackend's request counters over the node
 * graph), in QEMU's BlockInfo / BlockDeviceInfo / BlockStats shapes.
 */
#include "qemu/osdep.h"
/* The QAPI types first: they define BlockdevDetectZeroesOptions for block.h. */
#include "qapi/qapi-commands.h"
#include "qapi/qapi-visit.h"
#include "qapi/qobject-input-visitor.h"
#include "qemu/error.h"
#include "block/block_int.h"
#include "block/block-backend.h"

/* The driver's "format-specific" QDict ({"type", "data"}) as QAPI's union. */
static ImageInfoSpecific *qmp_block_specific_info(BlockDriverState *bs, Error **errp)
{
    ImageInfoSpecific *spec = NULL;
    QDict *dict;
    Visitor *v;

    dict = bdrv_get_specific_info(bs, errp);
    if (!dict) {
        return NULL;
    }
    v = qobject_input_visitor_new(QOBJECT(dict));
    visit_type_ImageInfoSpecific(v, NULL, &spec, errp);
    visit_free(v);
    qobject_unref(dict);
    return spec;
}

static SnapshotInfoList *qmp_block_snapshots(BlockDriverState *bs)
{
    QEMUSnapshotInfo *sns = NULL;
    SnapshotInfoList *head = NULL, **tail = &head;
    int nb = bdrv_snapshot_list(bs, &sns);

    for (int i = 0; i < nb; i++) {
        SnapshotInfo *info = g_new0(SnapshotInfo, 1);

        info->id = g_strdup(sns[i].id_str);
        info->name = g_strdup(sns[i].name);
        info->vm_state_size = sns[i].vm_state_size;
        info->date_sec = sns[i].date_sec;
        info->date_nsec = sns[i].date_nsec;
        info->vm_clock_sec = sns[i].vm_clock_nsec / 1000000000ULL;
        info->vm_clock_nsec = sns[i].vm_clock_nsec % 1000000000ULL;
        if (sns[i].icount != -1ULL) {
            info->has_icount = true;
            info->icount = sns[i].icount;
        }
        *tail = g_new0(SnapshotInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    g_free(sns);
    return head;
}

/* ImageInfo of bs and (unless flat) of its backing chain, as qemu-img info. */
static ImageInfo *qmp_block_image_info(BlockDriverState *bs, bool flat, Error **errp)
{
    g_autoptr(ImageInfo) info = g_new0(ImageInfo, 1);
    BlockDriverInfo bdi;
    int64_t size = bdrv_getlength(bs);
    int64_t actual;
    int ret;

    if (size < 0) {
        error_setg_errno(errp, (int)-size, "Can't get image size '%s'", bs->filename);
        return NULL;
    }
    info->filename = g_strdup(bs->filename);
    info->format = g_strdup(bdrv_get_format_name(bs) ?: "");
    info->virtual_size = size;
    actual = bdrv_get_allocated_file_size(bs);
    if (actual >= 0) {
        info->has_actual_size = true;
        info->actual_size = actual;
    }
    if (bdrv_is_encrypted(bs)) {
        info->has_encrypted = true;
        info->encrypted = true;
    }
    ret = bdrv_get_info(bs, &bdi);
    if (ret == 0 || ret == -ENOTSUP) {
        if (ret == 0 && bdi.cluster_size) {
            info->has_cluster_size = true;
            info->cluster_size = bdi.cluster_size;
        }
        info->has_dirty_flag = true;
        info->dirty_flag = ret == 0 && bdi.is_dirty;
    }
    if (bs->backing_file[0]) {
        char *full = bdrv_get_full_backing_filename(bs, NULL);

        info->has_backing_filename = true;
        info->backing_filename = g_strdup(bs->backing_file);
        if (full) {
            info->has_full_backing_filename = true;
            info->full_backing_filename = full;
        }
        if (bs->backing_format[0]) {
            info->has_backing_filename_format = true;
            info->backing_filename_format = g_strdup(bs->backing_format);
        }
    }
    info->snapshots = qmp_block_snapshots(bs);
    info->has_snapshots = info->snapshots != NULL;
    if (bs->drv && bs->drv->get_specific_info) {
        Error *err = NULL;

        /* A driver dictionary the schema does not describe loses only this
         * member, not the whole answer. */
        info->format_specific = qmp_block_specific_info(bs, &err);
        error_free(err);
        info->has_format_specific = info->format_specific != NULL;
    }
    if (!flat && bdrv_backing_bs(bs)) {
        info->backing_image = qmp_block_image_info(bdrv_backing_bs(bs), false, errp);
        if (!info->backing_image) {
            return NULL;
        }
        info->has_backing_image = true;
    }
    return g_steal_pointer(&info);
}

/* One node as BlockDeviceInfo; blk: the drive over it (cache policy), or NULL. */
static BlockDeviceInfo *qmp_block_device_info(BlockBackend *blk, BlockDriverState *bs,
                                              bool flat, Error **errp)
{
    g_autoptr(BlockDeviceInfo) info = g_new0(BlockDeviceInfo, 1);

    info->file = g_strdup(bs->filename);
    if (bs->node_name[0]) {
        info->has_node_name = true;
        info->node_name = g_strdup(bs->node_name);
    }
    info->ro = bdrv_is_read_only(bs);
    info->drv = g_strdup(bdrv_get_format_name(bs) ?: "");
    if (bs->backing_file[0]) {
        info->has_backing_file = true;
        info->backing_file = g_strdup(bs->backing_file);
    }
    /* QEMU counts the chain while describing it: 0 when flat. */
    for (BlockDriverState *b = bdrv_backing_bs(bs); b && !flat; b = bdrv_backing_bs(b)) {
        info->backing_file_depth++;
    }
    info->encrypted = bdrv_is_encrypted(bs);
    info->detect_zeroes = (BlockdevDetectZeroesOptions)bs->detect_zeroes;
    info->cache = g_new0(BlockdevCacheInfo, 1);
    info->cache->writeback = blk ? blk_enable_write_cache(blk) : true;
    info->cache->direct = !!(bs->open_flags & BDRV_O_NOCACHE);
    info->cache->no_flush = !!(bs->open_flags & BDRV_O_NO_FLUSH);
    info->write_threshold = 0;
    info->image = qmp_block_image_info(bs, flat, errp);
    if (!info->image) {
        return NULL;
    }
    return g_steal_pointer(&info);
}

BlockInfoList *qmp_query_block(Error **errp)
{
    BlockInfoList *head = NULL, **tail = &head;

    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        BlockInfo *info = g_new0(BlockInfo, 1);

        info->device = g_strdup(blk_name(blk));
        info->type = g_strdup("unknown");
        /* No device model holds the drive: QEMU reports such a drive as
         * removable, unlocked, without a tray. */
        info->removable = true;
        info->locked = false;
        *tail = g_new0(BlockInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
        if (blk_bs(blk)) {
            info->inserted = qmp_block_device_info(blk, blk_bs(blk), false, errp);
            if (!info->inserted) {
                qapi_free_BlockInfoList(head);
                return NULL;
            }
            info->has_inserted = true;
        }
    }
    return head;
}

BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat, Error **errp)
{
    BlockDeviceInfoList *head = NULL, **tail = &head;

    for (BlockDriverState *bs = bdrv_next_node(NULL); bs; bs = bdrv_next_node(bs)) {
        BlockDeviceInfo *info;

        if (!bs->node_name[0]) {
            continue;
        }
        info = qmp_block_device_info(NULL, bs, has_flat && flat, errp);
        if (!info) {
            qapi_free_BlockDeviceInfoList(head);
            return NULL;
        }
        *tail = g_new0(BlockDeviceInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

/* --- query-blockstats ------------------------------------------------------- */

/* A drive's counters in QEMU's shape; NULL acct: a node, all zero. */
static BlockDeviceStats *qmp_block_dev_stats(const BlockAcctStats *acct)
{
    BlockDeviceStats *st = g_new0(BlockDeviceStats, 1);

    if (!acct) {
        return st;
    }
    st->rd_bytes = acct->bytes[BLOCK_ACCT_READ];
    st->wr_bytes = acct->bytes[BLOCK_ACCT_WRITE];
    st->unmap_bytes = acct->bytes[BLOCK_ACCT_UNMAP];
    st->rd_operations = acct->ops[BLOCK_ACCT_READ];
    st->wr_operations = acct->ops[BLOCK_ACCT_WRITE];
    st->flush_operations = acct->ops[BLOCK_ACCT_FLUSH];
    st->unmap_operations = acct->ops[BLOCK_ACCT_UNMAP];
    st->rd_total_time_ns = acct->total_time_ns[BLOCK_ACCT_READ];
    st->wr_total_time_ns = acct->total_time_ns[BLOCK_ACCT_WRITE];
    st->flush_total_time_ns = acct->total_time_ns[BLOCK_ACCT_FLUSH];
    st->unmap_total_time_ns = acct->total_time_ns[BLOCK_ACCT_UNMAP];
    st->wr_highest_offset = acct->wr_highest_offset;
    st->failed_rd_operations = acct->failed_ops[BLOCK_ACCT_READ];
    st->failed_wr_operations = acct->failed_ops[BLOCK_ACCT_WRITE];
    st->failed_flush_operations = acct->failed_ops[BLOCK_ACCT_FLUSH];
    st->failed_unmap_operations = acct->failed_ops[BLOCK_ACCT_UNMAP];
    st->invalid_rd_operations = acct->invalid_ops[BLOCK_ACCT_READ];
    st->invalid_wr_operations = acct->invalid_ops[BLOCK_ACCT_WRITE];
    st->invalid_flush_operations = acct->invalid_ops[BLOCK_ACCT_FLUSH];
    st->invalid_unmap_operations = acct->invalid_ops[BLOCK_ACCT_UNMAP];
    /* A drive counts failed and invalid requests in its last access time. */
    st->account_invalid = true;
    st->account_failed = true;
    if (acct->last_access_ns) {
        st->has_idle_time_ns = true;
        st->idle_time_ns = g_get_monotonic_time() * 1000 - acct->last_access_ns;
    }
    return st;
}

/* A node's entry: its protocol child as "parent", its backing chain too if
 * with_backing (per drive; query-nodes lists every node flat instead). */
static BlockStats *qmp_block_node_stats(BlockDriverState *bs, bool with_backing)
{
    BlockStats *s = g_new0(BlockStats, 1);

    if (bs->node_name[0]) {
        s->has_node_name = true;
        s->node_name = g_strdup(bs->node_name);
    }
    s->stats = qmp_block_dev_stats(NULL);
    if (bdrv_file_bs(bs)) {
        s->has_parent = true;
        s->parent = qmp_block_node_stats(bdrv_file_bs(bs), with_backing);
    }
    if (with_backing && bdrv_backing_bs(bs)) {
        s->has_backing = true;
        s->backing = qmp_block_node_stats(bdrv_backing_bs(bs), with_backing);
    }
    return s;
}

BlockStatsList *qmp_query_blockstats(bool has_query_nodes, bool query_nodes, Error **errp)
{
    BlockStatsList *head = NULL, **tail = &head;

    if (has_query_nodes && query_nodes) {
        for (BlockDriverState *bs = bdrv_next_node(NULL); bs; bs = bdrv_next_node(bs)) {
            if (!bs->node_name[0]) {
                continue;
            }
            *tail = g_new0(BlockStatsList, 1);
            (*tail)->value = qmp_block_node_stats(bs, false);
            tail = &(*tail)->next;
        }
        return head;
    }
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        BlockDriverState *bs = blk_bs(blk);
        BlockAcctStats acct;
        BlockStats *s;

        if (bs) {
            s = qmp_block_node_stats(bs, true);
            qapi_free_BlockDeviceStats(s->stats);
        } else {
            s = g_new0(BlockStats, 1);
        }
        blk_get_stats(blk, &acct);
        s->stats = qmp_block_dev_stats(&acct);
        s->has_device = true;
        s->device = g_strdup(blk_name(blk));
        *tail = g_new0(BlockStatsList, 1);
        (*tail)->value = s;
        tail = &(*tail)->next;
    }
    return head;
}
