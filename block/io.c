/*
 * io.c: the block request path between a caller (BlockBackend, a format
 * driver reading its children) and a node's driver: bounds checks, request
 * splitting, alignment with bounce buffers (O_DIRECT), zero detection and
 * zero writes with fallback, discard policy, flush, and block status
 * walking backing chains. Every request is synchronous; a node's requests
 * are serialised by its lock, so drivers need no locking of their own.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

/* Largest buffer of zeroes written when a driver cannot write zeroes. */
#define ZERO_FALLBACK_CHUNK (1 * MiB)

static int bdrv_check_request(int64_t offset, int64_t bytes)
{
    if (offset < 0 || bytes < 0 || offset > BDRV_MAX_LENGTH ||
        bytes > BDRV_MAX_LENGTH - offset) {
        return -EIO;
    }
    return 0;
}

static void *bdrv_bounce_alloc(BlockDriverState *bs, size_t size)
{
    void *p = NULL;
    size_t align = MAX(bs->request_alignment, sizeof(void *));

    if (posix_memalign(&p, align, size ? size : align)) {
        return NULL;
    }
    return p;
}

/* True when the request can go to the driver as is. */
static bool bdrv_request_aligned(BlockDriverState *bs, int64_t offset, int64_t bytes,
                                 QEMUIOVector *qiov, size_t qiov_offset)
{
    uint32_t align = bs->request_alignment;

    if (align <= 1) {
        return true;
    }
    if (offset % align || bytes % align) {
        return false;
    }
    /* Memory too: O_DIRECT wants aligned buffers and lengths. */
    size_t skip = qiov_offset, left = bytes;
    for (int i = 0; i < qiov->niov && left > 0; i++) {
        if (skip >= qiov->iov[i].iov_len) {
            skip -= qiov->iov[i].iov_len;
            continue;
        }
        uintptr_t base = (uintptr_t)qiov->iov[i].iov_base + skip;
        size_t len = MIN(qiov->iov[i].iov_len - skip, left);
        if (base % align || len % align) {
            return false;
        }
        left -= len;
        skip = 0;
    }
    return true;
}

/* Call the driver, splitting requests larger than BDRV_REQUEST_MAX_BYTES. */
static int bdrv_driver_rw(BlockDriverState *bs, bool write, int64_t offset,
                          int64_t bytes, QEMUIOVector *qiov, size_t qiov_offset,
                          BdrvRequestFlags flags)
{
    BlockDriver *drv = bs->drv;

    while (bytes > 0) {
        int64_t n = MIN(bytes, BDRV_REQUEST_MAX_BYTES);
        int ret;
        if (write) {
            ret = drv->pwritev ? drv->pwritev(bs, offset, n, qiov, qiov_offset, flags)
                               : -ENOTSUP;
        } else {
            ret = drv->preadv ? drv->preadv(bs, offset, n, qiov, qiov_offset, flags)
                              : -ENOTSUP;
        }
        if (ret < 0) {
            return ret;
        }
        offset += n;
        bytes -= n;
        qiov_offset += n;
    }
    return 0;
}

/* Read through a bounce buffer covering the aligned range. */
static int bdrv_bounce_read(BlockDriverState *bs, int64_t offset, int64_t bytes,
                            QEMUIOVector *qiov, size_t qiov_offset,
                            BdrvRequestFlags flags)
{
    uint32_t align = bs->request_alignment;
    int64_t aoff = QEMU_ALIGN_DOWN(offset, align);
    int64_t aend = QEMU_ALIGN_UP(offset + bytes, align);
    uint8_t *buf = bdrv_bounce_alloc(bs, aend - aoff);
    QEMUIOVector bq;
    int ret;

    if (!buf) {
        return -ENOMEM;
    }
    qemu_iovec_init_buf(&bq, buf, aend - aoff);
    ret = bdrv_driver_rw(bs, false, aoff, aend - aoff, &bq, 0, flags);
    if (ret >= 0) {
        qemu_iovec_from_buf(qiov, qiov_offset, buf + (offset - aoff), bytes);
    }
    free(buf);
    return ret;
}

/* Read-modify-write of the aligned range around an unaligned write. */
static int bdrv_bounce_write(BlockDriverState *bs, int64_t offset, int64_t bytes,
                             QEMUIOVector *qiov, size_t qiov_offset,
                             BdrvRequestFlags flags)
{
    uint32_t align = bs->request_alignment;
    int64_t aoff = QEMU_ALIGN_DOWN(offset, align);
    int64_t aend = QEMU_ALIGN_UP(offset + bytes, align);
    uint8_t *buf = bdrv_bounce_alloc(bs, aend - aoff);
    QEMUIOVector bq;
    int ret = 0;

    if (!buf) {
        return -ENOMEM;
    }
    if (aoff != offset) {
        qemu_iovec_init_buf(&bq, buf, align);
        ret = bdrv_driver_rw(bs, false, aoff, align, &bq, 0, 0);
    }
    /* The tail block, unless it is the head block just read. */
    if (ret >= 0 && aend != offset + bytes && !(aoff != offset && aend - aoff == align)) {
        qemu_iovec_init_buf(&bq, buf + (aend - aoff) - align, align);
        ret = bdrv_driver_rw(bs, false, aend - align, align, &bq, 0, 0);
    }
    if (ret >= 0) {
        qemu_iovec_to_buf(qiov, qiov_offset, buf + (offset - aoff), bytes);
        qemu_iovec_init_buf(&bq, buf, aend - aoff);
        ret = bdrv_driver_rw(bs, true, aoff, aend - aoff, &bq, 0, flags);
    }
    free(buf);
    return ret;
}

int bdrv_preadv_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    int ret;

    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    ret = bdrv_check_request(offset, bytes);
    if (ret < 0 || bytes == 0) {
        return ret;
    }
    if (qiov->size < qiov_offset + bytes) {
        return -EINVAL;
    }
    g_rec_mutex_lock(&bs->lock);
    if (bs->drv->is_format) {
        /* Past a format node's end reads as zeroes: a backing file shorter
         * than its overlay. */
        int64_t len = bdrv_getlength(bs);
        if (len < 0) {
            ret = len;
            goto out;
        }
        if (offset + bytes > len) {
            int64_t valid = MAX(len - offset, 0);
            qemu_iovec_memset(qiov, qiov_offset + valid, 0, bytes - valid);
            bytes = valid;
        }
    }
    if (bytes == 0) {
        ret = 0;
    } else if (bdrv_request_aligned(bs, offset, bytes, qiov, qiov_offset)) {
        ret = bdrv_driver_rw(bs, false, offset, bytes, qiov, qiov_offset, flags);
    } else {
        ret = bdrv_bounce_read(bs, offset, bytes, qiov, qiov_offset, flags);
    }
out:
    g_rec_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

static int bdrv_do_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                                 BdrvRequestFlags flags);

/* Data write to the driver (no zero detection), FUA emulated by a flush. */
static int bdrv_write_data(BlockDriverState *bs, int64_t offset, int64_t bytes,
                           QEMUIOVector *qiov, size_t qiov_offset,
                           BdrvRequestFlags flags)
{
    BdrvRequestFlags drv_flags = flags & ~(BDRV_REQ_FUA | BDRV_REQ_ZERO_WRITE |
                                           BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK);
    int ret;

    if (flags & BDRV_REQ_FUA & bs->supported_write_flags) {
        drv_flags |= BDRV_REQ_FUA;
    }
    if (bdrv_request_aligned(bs, offset, bytes, qiov, qiov_offset)) {
        ret = bdrv_driver_rw(bs, true, offset, bytes, qiov, qiov_offset, drv_flags);
    } else {
        ret = bdrv_bounce_write(bs, offset, bytes, qiov, qiov_offset, drv_flags);
    }
    if (ret >= 0 && (flags & BDRV_REQ_FUA) && !(drv_flags & BDRV_REQ_FUA)) {
        ret = bdrv_flush(bs);
    }
    return ret;
}

static int bdrv_do_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                           QEMUIOVector *qiov, size_t qiov_offset,
                           BdrvRequestFlags flags)
{
    if (bs->detect_zeroes != BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF &&
        !(flags & BDRV_REQ_ZERO_WRITE) &&
        qemu_iovec_is_zero(qiov, qiov_offset, bytes)) {
        flags |= BDRV_REQ_ZERO_WRITE;
        if (bs->detect_zeroes == BLOCKDEV_DETECT_ZEROES_OPTIONS_UNMAP) {
            flags |= BDRV_REQ_MAY_UNMAP;
        }
    }
    if (flags & BDRV_REQ_ZERO_WRITE) {
        return bdrv_do_pwrite_zeroes(bs, offset, bytes, flags);
    }
    return bdrv_write_data(bs, offset, bytes, qiov, qiov_offset, flags);
}

/* Write zeroes as data, for drivers that cannot do better. */
static int bdrv_zero_fallback(BlockDriverState *bs, int64_t offset, int64_t bytes,
                              BdrvRequestFlags flags)
{
    size_t chunk = MIN(bytes, ZERO_FALLBACK_CHUNK);
    uint8_t *buf = bdrv_bounce_alloc(bs, QEMU_ALIGN_UP(chunk, MAX(bs->request_alignment, 1)));
    QEMUIOVector qiov;
    int ret = 0;

    if (!buf) {
        return -ENOMEM;
    }
    memset(buf, 0, chunk);
    while (bytes > 0 && ret >= 0) {
        int64_t n = MIN(bytes, (int64_t)chunk);
        qemu_iovec_init_buf(&qiov, buf, n);
        ret = bdrv_write_data(bs, offset, n, &qiov, 0, flags & BDRV_REQ_FUA);
        offset += n;
        bytes -= n;
    }
    free(buf);
    return ret;
}

static int bdrv_do_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                                 BdrvRequestFlags flags)
{
    uint32_t align = MAX(bs->request_alignment, 1);
    int ret = -ENOTSUP;

    if (!(bs->open_flags & BDRV_O_UNMAP)) {
        flags &= ~BDRV_REQ_MAY_UNMAP;
    }
    flags &= ~BDRV_REQ_ZERO_WRITE;
    /* Unaligned head and tail go through the RMW path as data. */
    if (offset % align) {
        int64_t head = MIN(bytes, align - offset % align);
        ret = bdrv_zero_fallback(bs, offset, head, flags);
        if (ret < 0) {
            return ret;
        }
        offset += head;
        bytes -= head;
    }
    int64_t tail = bytes % align;
    bytes -= tail;
    while (bytes > 0) {
        int64_t n = MIN(bytes, QEMU_ALIGN_DOWN(BDRV_REQUEST_MAX_BYTES, align));
        ret = bs->drv->pwrite_zeroes ?
              bs->drv->pwrite_zeroes(bs, offset, n, flags & ~BDRV_REQ_FUA) : -ENOTSUP;
        if (ret == -ENOTSUP && !(flags & BDRV_REQ_NO_FALLBACK)) {
            ret = bdrv_zero_fallback(bs, offset, n, flags & ~BDRV_REQ_FUA);
        }
        if (ret < 0) {
            return ret;
        }
        offset += n;
        bytes -= n;
    }
    if (tail) {
        ret = bdrv_zero_fallback(bs, offset, tail, flags);
        if (ret < 0) {
            return ret;
        }
    }
    if (flags & BDRV_REQ_FUA) {
        return bdrv_flush(bs);
    }
    return 0;
}

static int bdrv_check_write(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->read_only) {
        return -EPERM;
    }
    return bdrv_check_request(offset, bytes);
}

int bdrv_pwritev_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    int ret = bdrv_check_write(bs, offset, bytes);

    if (ret < 0 || bytes == 0) {
        return ret;
    }
    if (qiov->size < qiov_offset + bytes) {
        return -EINVAL;
    }
    g_rec_mutex_lock(&bs->lock);
    ret = bdrv_do_pwritev(bs, offset, bytes, qiov, qiov_offset, flags);
    g_rec_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

int bdrv_pwrite_zeroes_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                          BdrvRequestFlags flags)
{
    int ret = bdrv_check_write(bs, offset, bytes);

    if (ret < 0 || bytes == 0) {
        return ret;
    }
    g_rec_mutex_lock(&bs->lock);
    ret = bdrv_do_pwrite_zeroes(bs, offset, bytes, flags);
    g_rec_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

int bdrv_pwritev_compressed_bs(BlockDriverState *bs, int64_t offset,
                               int64_t bytes, QEMUIOVector *qiov)
{
    int ret = bdrv_check_write(bs, offset, bytes);

    if (ret < 0) {
        return ret;
    }
    if (!bs->drv->pwritev_compressed) {
        return -ENOTSUP;
    }
    if (qiov->size < (size_t)bytes) {
        return -EINVAL;
    }
    if (bs->drv->pwritev_compressed_unlocked) {
        return bs->drv->pwritev_compressed(bs, offset, bytes, qiov, 0);
    }
    g_rec_mutex_lock(&bs->lock);
    ret = bs->drv->pwritev_compressed(bs, offset, bytes, qiov, 0);
    g_rec_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

int bdrv_pdiscard_bs(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    int ret = bdrv_check_write(bs, offset, bytes);

    if (ret < 0 || bytes == 0) {
        return ret;
    }
    /* discard=ignore (the default) drops the request. */
    if (!(bs->open_flags & BDRV_O_UNMAP) || !bs->drv->pdiscard) {
        return 0;
    }
    g_rec_mutex_lock(&bs->lock);
    ret = bs->drv->pdiscard(bs, offset, bytes);
    g_rec_mutex_unlock(&bs->lock);
    /* Discard is a hint: a filesystem that cannot punch holes is fine. */
    return ret == -ENOTSUP ? 0 : ret;
}

int bdrv_flush(BlockDriverState *bs)
{
    int ret = 0;

    if (!bs || !bs->drv) {
        return 0;
    }
    g_rec_mutex_lock(&bs->lock);
    /*
     * A format writes back its caches whatever the cache mode; only the
     * flush to disk (the protocol's fdatasync) is skipped by cache=unsafe.
     */
    if (bs->drv->flush && (bs->drv->is_format || !(bs->open_flags & BDRV_O_NO_FLUSH))) {
        ret = bs->drv->flush(bs);
    }
    g_rec_mutex_unlock(&bs->lock);
    if (ret >= 0 && bs->file && !bs->file->bs->read_only) {
        ret = bdrv_flush(bs->file->bs);
    }
    return ret;
}

int bdrv_truncate_bs(BlockDriverState *bs, int64_t offset, bool exact,
                     PreallocMode prealloc, BdrvRequestFlags flags, Error **errp)
{
    int ret;

    if (!bs || !bs->drv) {
        error_setg(errp, "No medium inserted");
        return -ENOMEDIUM;
    }
    if (offset < 0 || offset > BDRV_MAX_LENGTH) {
        error_setg(errp, "Image size cannot be negative or exceed the maximum");
        return -EINVAL;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    if (!bs->drv->truncate) {
        error_setg(errp, "Image format driver does not support resize");
        return -ENOTSUP;
    }
    g_rec_mutex_lock(&bs->lock);
    ret = bs->drv->truncate(bs, offset, exact, prealloc, flags, errp);
    if (ret >= 0) {
        int r2 = bdrv_refresh_total_sectors(bs, offset);
        if (r2 < 0) {
            error_setg_errno(errp, -r2, "Could not refresh total sector count");
            ret = r2;
        }
    }
    g_rec_mutex_unlock(&bs->lock);
    return ret;
}

/* --- child wrappers for format drivers ----------------------------------- */

int bdrv_preadv_part(BdrvChild *child, int64_t offset, int64_t bytes,
                     QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    return child ? bdrv_preadv_bs(child->bs, offset, bytes, qiov, qiov_offset, flags)
                 : -ENOMEDIUM;
}

int bdrv_pwritev_part(BdrvChild *child, int64_t offset, int64_t bytes,
                      QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    return child ? bdrv_pwritev_bs(child->bs, offset, bytes, qiov, qiov_offset, flags)
                 : -ENOMEDIUM;
}

int bdrv_pread(BdrvChild *child, int64_t offset, int64_t bytes, void *buf,
               BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, buf, bytes);
    return bdrv_preadv_part(child, offset, bytes, &qiov, 0, flags);
}

int bdrv_pwrite(BdrvChild *child, int64_t offset, int64_t bytes, const void *buf,
                BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, bytes);
    return bdrv_pwritev_part(child, offset, bytes, &qiov, 0, flags);
}

int bdrv_pwrite_sync(BdrvChild *child, int64_t offset, int64_t bytes,
                     const void *buf, BdrvRequestFlags flags)
{
    int ret = bdrv_pwrite(child, offset, bytes, buf, flags);

    if (ret < 0) {
        return ret;
    }
    return bdrv_flush(child->bs);
}

int bdrv_pwrite_zeroes(BdrvChild *child, int64_t offset, int64_t bytes,
                       BdrvRequestFlags flags)
{
    return child ? bdrv_pwrite_zeroes_bs(child->bs, offset, bytes, flags) : -ENOMEDIUM;
}

int bdrv_pdiscard(BdrvChild *child, int64_t offset, int64_t bytes)
{
    return child ? bdrv_pdiscard_bs(child->bs, offset, bytes) : -ENOMEDIUM;
}

int bdrv_truncate(BdrvChild *child, int64_t offset, bool exact,
                  PreallocMode prealloc, BdrvRequestFlags flags, Error **errp)
{
    if (!child) {
        error_setg(errp, "No medium inserted");
        return -ENOMEDIUM;
    }
    return bdrv_truncate_bs(child->bs, offset, exact, prealloc, flags, errp);
}

int bdrv_pread_bs(BlockDriverState *bs, int64_t offset, int64_t bytes, void *buf)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, buf, bytes);
    return bdrv_preadv_bs(bs, offset, bytes, &qiov, 0, 0);
}

int bdrv_pwrite_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   const void *buf)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, bytes);
    return bdrv_pwritev_bs(bs, offset, bytes, &qiov, 0, 0);
}

/* --- block status -------------------------------------------------------- */

static int bdrv_status_one(BlockDriverState *bs, bool want_zero, int64_t offset,
                           int64_t bytes, int64_t *pnum, int64_t *map,
                           BlockDriverState **file, int depth)
{
    int64_t len, lmap = 0;
    BlockDriverState *lfile = NULL;
    int ret;

    *pnum = 0;
    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    if (depth > 64) {
        return -ELOOP;
    }
    len = bdrv_getlength(bs);
    if (len < 0) {
        return len;
    }
    if (offset < 0 || bytes < 0) {
        return -EINVAL;
    }
    if (offset >= len) {
        return BDRV_BLOCK_EOF;
    }
    bytes = MIN(bytes, len - offset);
    if (bytes == 0) {
        return 0;
    }
    if (!bs->drv->block_status) {
        *pnum = bytes;
        if (!bs->drv->is_format) {
            ret = BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
            lmap = offset;
            lfile = bs;
        } else {
            ret = BDRV_BLOCK_DATA;
        }
    } else {
        g_rec_mutex_lock(&bs->lock);
        ret = bs->drv->block_status(bs, want_zero, offset, bytes, pnum, &lmap, &lfile);
        g_rec_mutex_unlock(&bs->lock);
        if (ret < 0) {
            return ret;
        }
        /* A driver must make progress and stay in range. */
        if (*pnum <= 0 || *pnum > bytes) {
            *pnum = bytes;
        }
    }
    if (ret & BDRV_BLOCK_RAW) {
        if (!lfile) {
            return -EIO;
        }
        int64_t n = *pnum;
        ret = bdrv_status_one(lfile, want_zero, lmap, n, pnum, map, file, depth + 1);
        if (ret >= 0 && *pnum == 0 && (ret & BDRV_BLOCK_EOF)) {
            /* Past the end of the file below reads as zeroes. */
            *pnum = n;
            ret = BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
        }
        if (ret >= 0 && offset + *pnum == len) {
            ret |= BDRV_BLOCK_EOF;
        }
        return ret;
    }
    if (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
        ret |= BDRV_BLOCK_ALLOCATED;
    } else if (bs->drv->supports_backing) {
        BlockDriverState *backing = bdrv_backing_bs(bs);
        if (!backing) {
            ret |= BDRV_BLOCK_ZERO;
        } else if (want_zero) {
            int64_t blen = bdrv_getlength(backing);
            if (blen >= 0 && offset >= blen) {
                ret |= BDRV_BLOCK_ZERO;
            }
        }
    }
    /* Only when the driver asks (BDRV_BLOCK_RECURSE: qcow2 with preallocated
     * metadata) is the file asked whether allocated data is a hole, as in
     * QEMU: otherwise a cluster reads as data to its end. */
    if (want_zero && (ret & BDRV_BLOCK_RECURSE) && (ret & BDRV_BLOCK_DATA) &&
        (ret & BDRV_BLOCK_OFFSET_VALID) && lfile && lfile != bs &&
        !(ret & BDRV_BLOCK_ZERO)) {
        int64_t fpnum;
        int ret2 = bdrv_status_one(lfile, want_zero, lmap, *pnum, &fpnum, NULL, NULL,
                                   depth + 1);
        if (ret2 >= 0) {
            if ((ret2 & BDRV_BLOCK_EOF) && (!fpnum || (ret2 & BDRV_BLOCK_ZERO))) {
                /* Past the file's end reads as zeroes. */
                ret |= BDRV_BLOCK_ZERO;
            } else {
                /* Limit the answer to what the file reported alike (the
                 * tail of a cluster may be a hole or past EOF). */
                *pnum = fpnum;
                ret |= ret2 & BDRV_BLOCK_ZERO;
            }
        }
    }
    if (map) {
        *map = lmap;
    }
    if (file) {
        *file = lfile;
    }
    if (offset + *pnum == len) {
        ret |= BDRV_BLOCK_EOF;
    }
    return ret & ~BDRV_BLOCK_RECURSE;
}

int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map, BlockDriverState **file)
{
    return bdrv_status_one(bs, true, offset, bytes, pnum, map, file, 0);
}

int bdrv_block_status_above(BlockDriverState *bs, BlockDriverState *base,
                            int64_t offset, int64_t bytes, int64_t *pnum,
                            int64_t *map, BlockDriverState **file)
{
    BlockDriverState *p;
    bool first = true;
    int ret = 0;

    *pnum = 0;
    for (p = bs; p && p != base; p = bdrv_backing_bs(p)) {
        int64_t n;
        ret = bdrv_status_one(p, true, offset, bytes, &n, map, file, 0);
        if (ret < 0) {
            return ret;
        }
        if (n == 0 && (ret & BDRV_BLOCK_EOF)) {
            if (first) {
                return ret;     /* past the end of the top image */
            }
            /* A backing file shorter than the overlay: zeroes. */
            *pnum = bytes;
            return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
        }
        bytes = n;
        if ((ret & BDRV_BLOCK_ALLOCATED) || (ret & BDRV_BLOCK_ZERO)) {
            *pnum = n;
            if (!first) {
                ret &= ~BDRV_BLOCK_EOF;
            }
            return ret;
        }
        first = false;
    }
    *pnum = bytes;
    return 0;
}

int bdrv_is_allocated(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum)
{
    int ret = bdrv_status_one(bs, false, offset, bytes, pnum, NULL, NULL, 0);

    if (ret < 0) {
        return ret;
    }
    if (*pnum == 0 && (ret & BDRV_BLOCK_EOF)) {
        *pnum = bytes;
        return 0;
    }
    return !!(ret & BDRV_BLOCK_ALLOCATED);
}

int bdrv_is_allocated_above(BlockDriverState *top, BlockDriverState *base,
                            bool include_base, int64_t offset, int64_t bytes,
                            int64_t *pnum)
{
    BlockDriverState *p = top;

    while (p && (p != base || include_base)) {
        int64_t n;
        int ret = bdrv_is_allocated(p, offset, bytes, &n);
        if (ret < 0) {
            return ret;
        }
        if (ret) {
            *pnum = n;
            return 1;
        }
        bytes = MIN(bytes, n);
        if (p == base) {
            break;
        }
        p = bdrv_backing_bs(p);
    }
    *pnum = bytes;
    return 0;
}
