/*
 * block-image.c: image-level operations of the block layer: creating
 * images (qemu-img create's core), info and check, committing an overlay,
 * internal snapshots, and parsing of the -drive option words (cache=,
 * discard=, preallocation=).
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/block-backend.h"

/* --- creation ------------------------------------------------------------ */

int bdrv_create(BlockDriver *drv, const char *filename, QemuOpts *opts,
                Error **errp)
{
    Error *local_err = NULL;
    int ret;

    if (!drv->create) {
        error_setg(errp, "Driver '%s' does not support image creation",
                   drv->format_name);
        return -ENOTSUP;
    }
    ret = drv->create(filename, opts, &local_err);
    if (ret < 0 && !local_err) {
        error_setg_errno(&local_err, -ret, "Could not create '%s'", filename);
    }
    if (local_err) {
        error_propagate(errp, local_err);
        return ret < 0 ? ret : -EINVAL;
    }
    return ret;
}

int bdrv_create_file(const char *filename, QemuOpts *opts, Error **errp)
{
    BlockDriver *proto = bdrv_find_protocol(filename, true, errp);

    if (!proto) {
        return -ENOENT;
    }
    return bdrv_create(proto, filename, opts, errp);
}

static int create_opts_count(QemuOptsList *l)
{
    int n = 0;

    while (l && l->desc[n].name) {
        n++;
    }
    return n;
}

QemuOptsList *bdrv_create_opts_merge(BlockDriver *drv, BlockDriver *proto_drv)
{
    QemuOptsList *a = drv ? drv->create_opts : NULL;
    QemuOptsList *b = proto_drv ? proto_drv->create_opts : NULL;
    int na = create_opts_count(a), nb = create_opts_count(b), n = 0;
    QemuOptsList *l = g_malloc0(sizeof(*l) + (na + nb + 1) * sizeof(QemuOptDesc));

    l->name = a ? a->name : b ? b->name : "create";
    for (int i = 0; i < na; i++) {
        l->desc[n++] = a->desc[i];
    }
    for (int i = 0; i < nb; i++) {
        bool dup = false;
        for (int j = 0; j < n && !dup; j++) {
            dup = !strcmp(l->desc[j].name, b->desc[i].name);
        }
        if (!dup) {
            l->desc[n++] = b->desc[i];
        }
    }
    return l;
}

void bdrv_create_opts_free(QemuOptsList *list)
{
    if (list) {
        qemu_opts_reset(list);
        g_free(list);
    }
}

/* QEMU prints every option that has a value or a default, in list order. */
static void bdrv_print_create_opts(const char *filename, const char *fmt,
                                   QemuOpts *opts)
{
    QemuOptsList *list = qemu_opts_list(opts);
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "Formatting '%s', fmt=%s", filename, fmt);
    for (int i = 0; list->desc[i].name; i++) {
        const QemuOptDesc *d = &list->desc[i];
        const char *v = qemu_opt_get(opts, d->name);
        if (!v) {
            v = d->def_value_str;
        }
        if (!v) {
            continue;
        }
        if (d->type == QEMU_OPT_SIZE && qemu_opt_has(opts, d->name)) {
            g_string_append_printf(s, " %s=%" PRIu64, d->name,
                                   qemu_opt_get_size(opts, d->name, 0));
        } else {
            g_string_append_printf(s, " %s=%s", d->name, v);
        }
    }
    printf("%s\n", s->str);
    fflush(stdout);
    g_string_free(s, true);
}

void bdrv_img_create(const char *filename, const char *fmt,
                     const char *base_filename, const char *base_fmt,
                     char *options, uint64_t img_size, int flags,
                     bool quiet, Error **errp)
{
    BlockDriver *drv, *proto;
    QemuOptsList *list = NULL;
    QemuOpts *opts = NULL;

    drv = bdrv_find_format(fmt);
    if (!drv) {
        error_setg(errp, "Unknown file format '%s'", fmt);
        return;
    }
    proto = bdrv_find_protocol(filename, true, errp);
    if (!proto) {
        return;
    }
    if (!drv->create_opts && !drv->create) {
        error_setg(errp, "Format driver '%s' does not support image creation", fmt);
        return;
    }
    list = bdrv_create_opts_merge(drv, drv == proto ? NULL : proto);
    opts = qemu_opts_create(list, NULL, 0, errp);
    if (!opts) {
        goto out;
    }
    if (img_size != (uint64_t)-1) {
        qemu_opt_set_number(opts, "size", img_size, NULL);
    }
    if (options && options[0]) {
        QemuOpts *user = qemu_opts_parse(list, options, false, errp);
        if (!user) {
            goto out;
        }
        for (int i = 0; list->desc[i].name; i++) {
            const char *v = qemu_opt_get(user, list->desc[i].name);
            if (v && !qemu_opt_set(opts, list->desc[i].name, v, errp)) {
                qemu_opts_del(user);
                goto out;
            }
        }
        qemu_opts_del(user);
    }
    if (base_filename) {
        if (!qemu_opt_set(opts, "backing_file", base_filename, NULL)) {
            error_setg(errp, "Backing file not supported for file format '%s'", fmt);
            goto out;
        }
    }
    if (base_fmt) {
        if (!qemu_opt_set(opts, "backing_fmt", base_fmt, NULL)) {
            error_setg(errp, "Backing file format not supported for file format '%s'",
                       fmt);
            goto out;
        }
    }
    const char *backing = qemu_opt_get(opts, "backing_file");
    if (backing && !strcmp(backing, filename)) {
        error_setg(errp, "Error: Trying to create an image with the same "
                   "filename as the backing file");
        goto out;
    }
    if (backing && backing[0] && !qemu_opt_get(opts, "backing_fmt") && !base_fmt) {
        g_autofree char *full =
            bdrv_get_full_backing_filename_from_filename(filename, backing, NULL);
        BlockDriverState *probe = full ?
            bdrv_open(full, NULL, NULL, BDRV_O_NO_BACKING | BDRV_O_FORCE_SHARE, NULL) :
            NULL;
        error_setg(errp, "Backing file specified without backing format");
        if (probe) {
            error_append_hint(errp, "Detected format of %s.\n",
                              bdrv_get_format_name(probe));
            bdrv_unref(probe);
        }
        goto out;
    }
    /* The backing file must open (QEMU checks it even with a size given,
     * shared, so an image in use can be a base); it gives the default size. */
    if (backing && backing[0]) {
        Error *local_err = NULL;
        g_autofree char *full =
            bdrv_get_full_backing_filename_from_filename(filename, backing, &local_err);
        QDict *bopts = qdict_new();
        const char *bfmt = qemu_opt_get(opts, "backing_fmt");
        BlockDriverState *bbs = NULL;

        if (bfmt) {
            qdict_put_str(bopts, "driver", bfmt);
        }
        qdict_put_str(bopts, "force-share", "on");
        if (full) {
            bbs = bdrv_open(full, NULL, bopts,
                            (flags & ~(BDRV_O_RDWR | BDRV_O_SNAPSHOT)) | BDRV_O_NO_IO,
                            &local_err);
        } else {
            qobject_unref(bopts);
        }
        if (!bbs) {
            error_propagate(errp, local_err);
            error_append_hint(errp, "Could not open backing image.\n");
            goto out;
        }
        int64_t size = bdrv_getlength(bbs);
        bdrv_unref(bbs);
        if (size < 0) {
            error_setg_errno(errp, -size, "Could not get size of '%s'", backing);
            goto out;
        }
        if (!qemu_opt_has(opts, "size")) {
            qemu_opt_set_number(opts, "size", size, NULL);
        }
    }
    if (!qemu_opt_has(opts, "size")) {
        error_setg(errp, "Image creation needs a size parameter");
        goto out;
    }
    if (!quiet) {
        bdrv_print_create_opts(filename, fmt, opts);
    }
    bdrv_create(drv, filename, opts, errp);
out:
    qemu_opts_del(opts);
    bdrv_create_opts_free(list);
}

/* --- accessors ----------------------------------------------------------- */

const char *bdrv_get_format_name(BlockDriverState *bs)
{
    return bs->drv ? bs->drv->format_name : NULL;
}

const char *bdrv_get_node_name(const BlockDriverState *bs)
{
    return bs->node_name;
}

const char *bdrv_get_device_or_node_name(const BlockDriverState *bs)
{
    /* A drive's id when a named BlockBackend sits on the node, as QEMU. */
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        if (blk_bs(blk) == bs) {
            return blk_name(blk);
        }
    }
    return bs->node_name;
}

bool bdrv_is_read_only(BlockDriverState *bs)
{
    return bs->read_only;
}

bool bdrv_is_encrypted(BlockDriverState *bs)
{
    return bs->encrypted;
}

BlockDriverState *bdrv_backing_bs(BlockDriverState *bs)
{
    return bs->backing ? bs->backing->bs : NULL;
}

BlockDriverState *bdrv_file_bs(BlockDriverState *bs)
{
    return bs->file ? bs->file->bs : NULL;
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->drv->get_allocated_file_size) {
        return bs->drv->get_allocated_file_size(bs);
    }
    if (bs->file) {
        return bdrv_get_allocated_file_size(bs->file->bs);
    }
    return -ENOTSUP;
}

int bdrv_has_zero_init(BlockDriverState *bs)
{
    if (!bs->drv) {
        return 0;
    }
    if (bs->backing) {
        return 0;
    }
    return bs->drv->has_zero_init ? bs->drv->has_zero_init(bs) : 0;
}

int bdrv_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    memset(bdi, 0, sizeof(*bdi));
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (!bs->drv->get_info) {
        return -ENOTSUP;
    }
    return bs->drv->get_info(bs, bdi);
}

QDict *bdrv_get_specific_info(BlockDriverState *bs, Error **errp)
{
    if (bs->drv && bs->drv->get_specific_info) {
        return bs->drv->get_specific_info(bs, errp);
    }
    return NULL;
}

/* --- image operations ---------------------------------------------------- */

int bdrv_check(BlockDriverState *bs, BdrvCheckResult *res, BdrvCheckMode fix)
{
    memset(res, 0, sizeof(*res));
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (!bs->drv->check) {
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->check(bs, res, fix);
    g_rec_mutex_unlock(&bs->lock);
    if (ret >= 0 && fix) {
        bdrv_refresh_total_sectors(bs, bs->size_bytes);
    }
    return ret;
}

int bdrv_amend_options(BlockDriverState *bs, QemuOpts *opts, Error **errp)
{
    if (!bs->drv->amend) {
        error_setg(errp, "Block driver '%s' does not support option amendment",
                   bs->drv->format_name);
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->amend(bs, opts, errp);
    g_rec_mutex_unlock(&bs->lock);
    bdrv_refresh_total_sectors(bs, bs->size_bytes);
    return ret;
}

int bdrv_change_backing_file(BlockDriverState *bs, const char *backing_file,
                             const char *backing_fmt, bool require)
{
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (require && backing_file && !backing_fmt) {
        return -EINVAL;
    }
    if (!bs->drv->change_backing_file) {
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->change_backing_file(bs, backing_file, backing_fmt);
    g_rec_mutex_unlock(&bs->lock);
    if (ret == 0) {
        g_strlcpy(bs->backing_file, backing_file ? backing_file : "",
                  sizeof(bs->backing_file));
        g_strlcpy(bs->backing_format, backing_fmt ? backing_fmt : "",
                  sizeof(bs->backing_format));
    }
    return ret;
}

int bdrv_make_empty(BlockDriverState *bs, Error **errp)
{
    if (!bs->drv->make_empty) {
        error_setg(errp, "Driver '%s' does not support emptying the image",
                   bs->drv->format_name);
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->make_empty(bs);
    g_rec_mutex_unlock(&bs->lock);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to empty the image");
        return ret;
    }
    return bdrv_flush(bs);
}

/* Copy the overlay's allocated data down into its backing file. */
int bdrv_commit(BlockDriverState *bs)
{
    BlockDriverState *base = bdrv_backing_bs(bs);
    int64_t len, off = 0, pnum;
    const int64_t chunk = 1 * MiB;
    g_autofree uint8_t *buf = NULL;
    bool was_ro;
    int ret;

    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (!base) {
        return -ENOTSUP;
    }
    len = bdrv_getlength(bs);
    if (len < 0) {
        return len;
    }
    int64_t blen = bdrv_getlength(base);
    if (blen < 0) {
        return blen;
    }
    was_ro = base->read_only;
    Error *err = NULL;
    ret = bdrv_reopen_set_read_only(base, false, &err);
    if (ret < 0) {
        /* The caller (qemu-img commit) reports -errno; say why here. */
        error_report_err(err);
        return -EACCES;
    }
    if (blen < len) {
        ret = bdrv_truncate_bs(base, len, false, PREALLOC_MODE_OFF, 0, NULL);
        if (ret < 0) {
            goto out;
        }
    }
    buf = g_malloc(chunk);
    while (off < len) {
        ret = bdrv_is_allocated(bs, off, MIN(chunk, len - off), &pnum);
        if (ret < 0) {
            goto out;
        }
        if (pnum <= 0) {
            ret = -EIO;
            goto out;
        }
        if (ret) {
            ret = bdrv_pread_bs(bs, off, pnum, buf);
            if (ret >= 0) {
                ret = bdrv_pwrite_bs(base, off, pnum, buf);
            }
            if (ret < 0) {
                goto out;
            }
        }
        off += pnum;
    }
    ret = bdrv_flush(base);
    if (ret >= 0 && bs->drv->make_empty) {
        g_rec_mutex_lock(&bs->lock);
        ret = bs->drv->make_empty(bs);
        g_rec_mutex_unlock(&bs->lock);
        if (ret >= 0) {
            ret = bdrv_flush(bs);
        }
    }
out:
    if (was_ro) {
        bdrv_reopen_set_read_only(base, true, NULL);
    }
    return ret < 0 ? ret : 0;
}

/* --- snapshots ----------------------------------------------------------- */

int bdrv_can_snapshot(BlockDriverState *bs)
{
    return bs->drv && bs->drv->snapshot_create && !bs->read_only;
}

int bdrv_snapshot_create(BlockDriverState *bs, QEMUSnapshotInfo *sn_info)
{
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (!bs->drv->snapshot_create) {
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->snapshot_create(bs, sn_info);
    g_rec_mutex_unlock(&bs->lock);
    return ret;
}

int bdrv_snapshot_goto(BlockDriverState *bs, const char *snapshot_id, Error **errp)
{
    if (!bs->drv || !bs->drv->snapshot_goto) {
        error_setg(errp, "Block format '%s' used by device '%s' does not "
                   "support internal snapshots", bs->drv ? bs->drv->format_name : "",
                   bdrv_get_device_or_node_name(bs));
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->snapshot_goto(bs, snapshot_id);
    g_rec_mutex_unlock(&bs->lock);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not load snapshot");
        return ret;
    }
    bdrv_refresh_total_sectors(bs, bs->size_bytes);
    return 0;
}

int bdrv_snapshot_delete(BlockDriverState *bs, const char *snapshot_id,
                         const char *name, Error **errp)
{
    if (!bs->drv || !bs->drv->snapshot_delete) {
        error_setg(errp, "Block format '%s' used by device '%s' does not "
                   "support internal snapshots", bs->drv ? bs->drv->format_name : "",
                   bdrv_get_device_or_node_name(bs));
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->snapshot_delete(bs, snapshot_id, name, errp);
    g_rec_mutex_unlock(&bs->lock);
    return ret;
}

int bdrv_snapshot_list(BlockDriverState *bs, QEMUSnapshotInfo **psn_info)
{
    *psn_info = NULL;
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (!bs->drv->snapshot_list) {
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    int ret = bs->drv->snapshot_list(bs, psn_info);
    g_rec_mutex_unlock(&bs->lock);
    return ret;
}

int bdrv_snapshot_find(BlockDriverState *bs, QEMUSnapshotInfo *sn_info,
                       const char *name_or_id)
{
    QEMUSnapshotInfo *list = NULL;
    int n = bdrv_snapshot_list(bs, &list);
    int ret = -ENOENT;

    /* An id match wins over a name match, as in QEMU. */
    for (int pass = 0; pass < 2 && ret < 0; pass++) {
        for (int i = 0; i < n; i++) {
            const char *key = pass == 0 ? list[i].id_str : list[i].name;
            if (!strcmp(key, name_or_id)) {
                *sn_info = list[i];
                ret = 0;
                break;
            }
        }
    }
    g_free(list);
    return n < 0 ? n : ret;
}

/* --- option words -------------------------------------------------------- */

int bdrv_parse_cache_mode(const char *mode, int *flags, bool *writethrough)
{
    *flags &= ~BDRV_O_CACHE_MASK;
    if (!strcmp(mode, "off") || !strcmp(mode, "none")) {
        *writethrough = false;
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(mode, "directsync")) {
        *writethrough = true;
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(mode, "writeback")) {
        *writethrough = false;
    } else if (!strcmp(mode, "unsafe")) {
        *writethrough = false;
        *flags |= BDRV_O_NO_FLUSH;
    } else if (!strcmp(mode, "writethrough")) {
        *writethrough = true;
    } else {
        return -1;
    }
    return 0;
}

int bdrv_parse_discard_flags(const char *mode, int *flags)
{
    if (!strcmp(mode, "off") || !strcmp(mode, "ignore")) {
        *flags &= ~BDRV_O_UNMAP;
    } else if (!strcmp(mode, "on") || !strcmp(mode, "unmap")) {
        *flags |= BDRV_O_UNMAP;
    } else {
        return -1;
    }
    return 0;
}

static const char *const prealloc_names[] = {
    [PREALLOC_MODE_OFF] = "off",
    [PREALLOC_MODE_METADATA] = "metadata",
    [PREALLOC_MODE_FALLOC] = "falloc",
    [PREALLOC_MODE_FULL] = "full",
};

int prealloc_mode_from_str(const char *s, Error **errp)
{
    for (int i = 0; i < PREALLOC_MODE__MAX; i++) {
        if (!strcmp(s, prealloc_names[i])) {
            return i;
        }
    }
    error_setg(errp, "Parameter 'preallocation' does not accept value '%s'", s);
    return -1;
}

const char *prealloc_mode_str(PreallocMode mode)
{
    return mode < PREALLOC_MODE__MAX ? prealloc_names[mode] : "off";
}
