/*
 * raw-format.c: the "raw" format: the image is its file's bytes, optionally
 * a window of them (offset=, size=). A probed raw image (no format= given)
 * refuses writes that would make block 0 look like another format, as
 * QEMU does, so a guest cannot turn its disk into a qcow2 header.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

typedef struct BDRVRawState {
    uint64_t offset;
    uint64_t size;
    bool has_size;
} BDRVRawState;

static int raw_probe(const uint8_t *buf, int buf_size, const char *filename)
{
    /* Anything is a raw image; every real format beats this. */
    return 1;
}

static int raw_open(BlockDriverState *bs, QDict *options, int flags, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    bool has_offset;

    if (!bdrv_opt_take_size(options, "offset", &s->offset, &has_offset, errp) ||
        !bdrv_opt_take_size(options, "size", &s->size, &s->has_size, errp)) {
        return -EINVAL;
    }
    bs->file = bdrv_open_child(NULL, options, "file", bs, false, errp);
    if (!bs->file) {
        return -EINVAL;
    }
    int64_t file_len = bdrv_getlength(bs->file->bs);
    if (file_len < 0) {
        error_setg_errno(errp, -file_len, "Could not get image size");
        return file_len;
    }
    if (s->offset > (uint64_t)file_len) {
        error_setg(errp, "Offset (%" PRIu64 ") cannot be greater than size of "
                   "the containing file (%" PRId64 ")", s->offset, file_len);
        return -EINVAL;
    }
    if (s->has_size) {
        if (s->size % BDRV_SECTOR_SIZE) {
            error_setg(errp, "Specified size is not multiple of %llu",
                       BDRV_SECTOR_SIZE);
            return -EINVAL;
        }
        if (s->size > (uint64_t)file_len - s->offset) {
            error_setg(errp, "The sum of offset (%" PRIu64 ") and size (%" PRIu64
                       ") has to be smaller or equal to the  actual size of the "
                       "containing file (%" PRId64 ")", s->offset, s->size, file_len);
            return -EINVAL;
        }
    }
    bs->request_alignment = bs->file->bs->request_alignment;
    bs->supported_write_flags = BDRV_REQ_FUA;
    if (bs->probed) {
        /* Whole first sectors only, so the probe below sees them. */
        bs->request_alignment = MAX(bs->request_alignment, BDRV_SECTOR_SIZE);
        if (!bs->read_only) {
            fprintf(stderr,
                    "WARNING: Image format was not specified for '%s' and probing "
                    "guessed raw.\n"
                    "         Automatically detecting the format is dangerous for "
                    "raw images, write operations on block 0 will be restricted.\n"
                    "         Specify the 'raw' format explicitly to remove the "
                    "restrictions.\n", bs->file->bs->filename);
        }
    }
    return 0;
}

static void raw_close(BlockDriverState *bs)
{
}

static int raw_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    BDRVRawState *s = bs->opaque;

    return bdrv_preadv_part(bs->file, s->offset + offset, bytes, qiov, qiov_offset,
                            flags);
}

static int raw_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    BDRVRawState *s = bs->opaque;

    if (s->has_size && (uint64_t)(offset + bytes) > s->size) {
        return -ENOSPC;
    }
    if (bs->probed && offset == 0 && bytes >= (int64_t)BDRV_SECTOR_SIZE) {
        uint8_t head[BDRV_SECTOR_SIZE];
        qemu_iovec_to_buf(qiov, qiov_offset, head, sizeof(head));
        BlockDriver *drv = bdrv_probe_format(head, sizeof(head), NULL);
        if (drv && drv != bs->drv) {
            return -EPERM;
        }
    }
    return bdrv_pwritev_part(bs->file, s->offset + offset, bytes, qiov, qiov_offset,
                             flags);
}

static int raw_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                             BdrvRequestFlags flags)
{
    BDRVRawState *s = bs->opaque;

    if (s->has_size && (uint64_t)(offset + bytes) > s->size) {
        return -ENOSPC;
    }
    return bdrv_pwrite_zeroes(bs->file, s->offset + offset, bytes,
                              flags | BDRV_REQ_ZERO_WRITE);
}

static int raw_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    BDRVRawState *s = bs->opaque;

    return bdrv_pdiscard(bs->file, s->offset + offset, bytes);
}

static int raw_block_status(BlockDriverState *bs, bool want_zero, int64_t offset,
                            int64_t bytes, int64_t *pnum, int64_t *map,
                            BlockDriverState **file)
{
    BDRVRawState *s = bs->opaque;

    *pnum = bytes;
    *map = s->offset + offset;
    *file = bs->file->bs;
    return BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID;
}

static int64_t raw_getlength(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;
    int64_t len;

    if (s->has_size) {
        return s->size;
    }
    len = bdrv_getlength(bs->file->bs);
    if (len < 0) {
        return len;
    }
    return MAX(len - (int64_t)s->offset, 0);
}

static int64_t raw_get_allocated_file_size(BlockDriverState *bs)
{
    return bdrv_get_allocated_file_size(bs->file->bs);
}

static int raw_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                        PreallocMode prealloc, BdrvRequestFlags flags, Error **errp)
{
    BDRVRawState *s = bs->opaque;

    if (s->has_size || s->offset) {
        error_setg(errp, "Cannot resize fixed-size raw disks");
        return -ENOTSUP;
    }
    return bdrv_truncate(bs->file, offset, exact, prealloc, flags, errp);
}

static int raw_has_zero_init(BlockDriverState *bs)
{
    return bdrv_has_zero_init(bs->file->bs);
}

static int raw_create(const char *filename, QemuOpts *opts, Error **errp)
{
    return bdrv_create_file(filename, opts, errp);
}

static QemuOptsList raw_create_opts = {
    .name = "raw-create-opts",
    .desc = {
        { .name = "size", .type = QEMU_OPT_SIZE, .help = "Virtual disk size" },
        { NULL }
    },
};

static BlockDriver bdrv_raw = {
    .format_name = "raw",
    .instance_size = sizeof(BDRVRawState),
    .is_format = true,
    .probe = raw_probe,
    .open = raw_open,
    .close = raw_close,
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .pwrite_zeroes = raw_pwrite_zeroes,
    .pdiscard = raw_pdiscard,
    .block_status = raw_block_status,
    .getlength = raw_getlength,
    .get_allocated_file_size = raw_get_allocated_file_size,
    .truncate = raw_truncate,
    .has_zero_init = raw_has_zero_init,
    .create = raw_create,
    .create_opts = &raw_create_opts,
};

static void bdrv_raw_init(void)
{
    bdrv_register(&bdrv_raw);
}

block_init(bdrv_raw_init);
