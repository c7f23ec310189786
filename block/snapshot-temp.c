/*
 * snapshot-temp.c: snapshot=on. The image is put under a temporary qcow2
 * overlay in $TMPDIR; the guest's writes go there and vanish on exit. The
 * overlay file is unlinked as soon as it is open, so nothing is left behind
 * even if the process is killed.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "qobject/qdict.h"

BlockDriverState *bdrv_append_temp_snapshot(BlockDriverState *bs, int flags,
                                            Error **errp)
{
    BlockDriver *qcow2 = bdrv_find_format("qcow2");
    g_autofree char *tmp = NULL;
    g_autoptr(GError) gerr = NULL;
    BlockDriverState *overlay = NULL;
    QemuOpts *opts = NULL;
    int64_t size;
    int fd;

    if (!qcow2 || !qcow2->create || !qcow2->create_opts) {
        error_setg(errp, "snapshot=on needs the qcow2 driver");
        goto out;
    }
    size = bdrv_getlength(bs);
    if (size < 0) {
        error_setg_errno(errp, -size, "Could not get image size");
        goto out;
    }
    fd = g_file_open_tmp("vl.XXXXXX", &tmp, &gerr);
    if (fd < 0) {
        error_setg(errp, "Could not get temporary filename: %s", gerr->message);
        goto out;
    }
    close(fd);

    opts = qemu_opts_create(qcow2->create_opts, NULL, 0, errp);
    if (!opts) {
        unlink(tmp);
        goto out;
    }
    qemu_opt_set_number(opts, "size", size, NULL);
    int ret = bdrv_create(qcow2, tmp, opts, errp);
    qemu_opts_del(opts);
    if (ret < 0) {
        error_prepend(errp, "Could not create temporary overlay '%s': ", tmp);
        unlink(tmp);
        goto out;
    }

    /* The guest writes only to the overlay; the image itself can be shared
     * read-only with other users. */
    if (!bs->read_only) {
        bdrv_reopen_set_read_only(bs, true, NULL);
    }
    QDict *o = qdict_new();
    qdict_put_str(o, "driver", "qcow2");
    qdict_put_str(o, "file.driver", "file");
    qdict_put_str(o, "file.filename", tmp);
    qdict_put_str(o, "backing", bdrv_get_node_name(bs));
    int oflags = (flags & ~(BDRV_O_SNAPSHOT | BDRV_O_NO_BACKING)) | BDRV_O_RDWR;
    overlay = bdrv_open(NULL, NULL, o, oflags, errp);
    unlink(tmp);
    if (overlay) {
        overlay->detect_zeroes = bs->detect_zeroes;
    }
out:
    bdrv_unref(bs);
    return overlay;
}
