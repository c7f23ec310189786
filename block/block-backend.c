/*
 * block-backend.c: BlockBackend, the user-facing handle on a node graph:
 * bounds checks against the image size, the write cache policy
 * (writethrough flushes after each write), the drive id, and asynchronous
 * requests run on the thread pool and completed in the main loop.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/block-backend.h"
#include "block/thread-pool.h"

struct BlockBackend {
    BlockDriverState *bs;
    char *name;
    int refcnt;
    bool wce;                    /* write cache enabled */
    bool allow_write_beyond_eof;
    int in_flight;               /* aio requests, main thread only */
    BlockBackend *next;          /* named backends */
    GMutex stats_lock;           /* requests finish on pool threads */
    BlockAcctStats stats;
};

static BlockBackend *named_backends;

BlockBackend *blk_new_with_bs(BlockDriverState *bs, Error **errp)
{
    BlockBackend *blk = g_new0(BlockBackend, 1);

    g_mutex_init(&blk->stats_lock);
    bdrv_ref(bs);
    blk->bs = bs;
    blk->refcnt = 1;
    blk->wce = true;
    return blk;
}

BlockBackend *blk_new_empty(void)
{
    BlockBackend *blk = g_new0(BlockBackend, 1);

    g_mutex_init(&blk->stats_lock);
    blk->refcnt = 1;
    blk->wce = true;
    return blk;
}

BlockBackend *blk_new_open(const char *filename, const char *reference,
                           QDict *options, int flags, Error **errp)
{
    BlockDriverState *bs = bdrv_open(filename, reference, options, flags, errp);
    BlockBackend *blk;

    if (!bs) {
        return NULL;
    }
    blk = blk_new_with_bs(bs, errp);
    bdrv_unref(bs);
    return blk;
}

void blk_ref(BlockBackend *blk)
{
    blk->refcnt++;
}

static void blk_unlink(BlockBackend *blk)
{
    for (BlockBackend **p = &named_backends; *p; p = &(*p)->next) {
        if (*p == blk) {
            *p = blk->next;
            return;
        }
    }
}

void blk_unref(BlockBackend *blk)
{
    if (!blk || --blk->refcnt > 0) {
        return;
    }
    blk_drain(blk);
    blk_unlink(blk);
    if (blk->bs) {
        bdrv_unref(blk->bs);
    }
    g_free(blk->name);
    g_mutex_clear(&blk->stats_lock);
    g_free(blk);
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->bs;
}

const char *blk_name(const BlockBackend *blk)
{
    return blk->name ? blk->name : "";
}

bool blk_set_name(BlockBackend *blk, const char *name, Error **errp)
{
    if (blk_by_name(name)) {
        error_setg(errp, "Device with id '%s' already exists", name);
        return false;
    }
    if (bdrv_find_node(name)) {
        error_setg(errp, "Device name '%s' conflicts with an existing node name", name);
        return false;
    }
    blk_unlink(blk);
    g_free(blk->name);
    blk->name = g_strdup(name);
    BlockBackend **p = &named_backends;
    while (*p) {
        p = &(*p)->next;
    }
    *p = blk;
    blk->next = NULL;
    return true;
}

BlockBackend *blk_by_name(const char *name)
{
    for (BlockBackend *blk = named_backends; blk; blk = blk->next) {
        if (!strcmp(blk->name, name)) {
            return blk;
        }
    }
    return NULL;
}

BlockBackend *blk_next(BlockBackend *blk)
{
    return blk ? blk->next : named_backends;
}

void blk_set_enable_write_cache(BlockBackend *blk, bool wce)
{
    blk->wce = wce;
}

bool blk_enable_write_cache(BlockBackend *blk)
{
    return blk->wce;
}

void blk_set_allow_write_beyond_eof(BlockBackend *blk, bool allow)
{
    blk->allow_write_beyond_eof = allow;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return !blk->bs || bdrv_is_read_only(blk->bs);
}

/* --- accounting ------------------------------------------------------------ */

static int64_t blk_acct_now_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

/*
 * Count one request that started at start_ns and returned ret; invalid:
 * refused before reaching the driver. Returns ret for tail calls.
 */
static int blk_acct_done(BlockBackend *blk, BlockAcctType type, int64_t start_ns,
                         int64_t offset, int64_t bytes, bool invalid, int ret)
{
    int64_t now = blk_acct_now_ns();
    BlockAcctStats *st = &blk->stats;

    g_mutex_lock(&blk->stats_lock);
    if (invalid) {
        st->invalid_ops[type]++;
    } else if (ret < 0) {
        st->failed_ops[type]++;
    } else {
        st->ops[type]++;
        st->bytes[type] += bytes;
        st->total_time_ns[type] += now - start_ns;
        if (type == BLOCK_ACCT_WRITE && offset + bytes > st->wr_highest_offset) {
            st->wr_highest_offset = offset + bytes;
        }
    }
    st->last_access_ns = now;
    g_mutex_unlock(&blk->stats_lock);
    return ret;
}

void blk_get_stats(BlockBackend *blk, BlockAcctStats *out)
{
    g_mutex_lock(&blk->stats_lock);
    *out = blk->stats;
    g_mutex_unlock(&blk->stats_lock);
}

static int blk_check_range(BlockBackend *blk, int64_t offset, int64_t bytes,
                           bool write)
{
    int64_t len;

    if (!blk->bs || !blk->bs->drv) {
        return -ENOMEDIUM;
    }
    if (offset < 0 || bytes < 0) {
        return -EIO;
    }
    if (write && blk->allow_write_beyond_eof) {
        return 0;
    }
    len = bdrv_getlength(blk->bs);
    if (len < 0) {
        return len;
    }
    if (offset > len || bytes > len - offset) {
        return -EIO;
    }
    return 0;
}

int blk_preadv(BlockBackend *blk, int64_t offset, int64_t bytes,
               QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    int64_t start = blk_acct_now_ns();
    int ret = blk_check_range(blk, offset, bytes, false);

    if (ret < 0) {
        return blk_acct_done(blk, BLOCK_ACCT_READ, start, offset, bytes, true, ret);
    }
    ret = bdrv_preadv_bs(blk->bs, offset, bytes, qiov, 0, flags);
    return blk_acct_done(blk, BLOCK_ACCT_READ, start, offset, bytes, false, ret);
}

/* Writethrough: every write is on disk before it completes. */
static BdrvRequestFlags blk_write_flags(BlockBackend *blk, BdrvRequestFlags flags)
{
    return blk->wce ? flags : flags | BDRV_REQ_FUA;
}

int blk_pwritev(BlockBackend *blk, int64_t offset, int64_t bytes,
                QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    int64_t start = blk_acct_now_ns();
    int ret = blk_check_range(blk, offset, bytes, true);

    if (ret < 0) {
        return blk_acct_done(blk, BLOCK_ACCT_WRITE, start, offset, bytes, true, ret);
    }
    ret = bdrv_pwritev_bs(blk->bs, offset, bytes, qiov, 0, blk_write_flags(blk, flags));
    return blk_acct_done(blk, BLOCK_ACCT_WRITE, start, offset, bytes, false, ret);
}

int blk_pread(BlockBackend *blk, int64_t offset, int64_t bytes, void *buf,
              BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EIO;
    }
    qemu_iovec_init_buf(&qiov, buf, bytes);
    return blk_preadv(blk, offset, bytes, &qiov, flags);
}

int blk_pwrite(BlockBackend *blk, int64_t offset, int64_t bytes, const void *buf,
               BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EIO;
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, bytes);
    return blk_pwritev(blk, offset, bytes, &qiov, flags);
}

int blk_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BdrvRequestFlags flags)
{
    int64_t start = blk_acct_now_ns();
    int ret = blk_check_range(blk, offset, bytes, true);

    if (ret < 0) {
        return blk_acct_done(blk, BLOCK_ACCT_WRITE, start, offset, bytes, true, ret);
    }
    ret = bdrv_pwrite_zeroes_bs(blk->bs, offset, bytes, blk_write_flags(blk, flags));
    return blk_acct_done(blk, BLOCK_ACCT_WRITE, start, offset, bytes, false, ret);
}

int blk_pwrite_compressed(BlockBackend *blk, int64_t offset, const void *buf,
                          int64_t bytes)
{
    QEMUIOVector qiov;
    int64_t start = blk_acct_now_ns();
    int ret = blk_check_range(blk, offset, bytes, true);

    if (ret < 0) {
        return blk_acct_done(blk, BLOCK_ACCT_WRITE, start, offset, bytes, true, ret);
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, bytes);
    ret = bdrv_pwritev_compressed_bs(blk->bs, offset, bytes, &qiov);
    if (ret >= 0 && !blk->wce) {
        ret = bdrv_flush(blk->bs);
    }
    return blk_acct_done(blk, BLOCK_ACCT_WRITE, start, offset, bytes, false, ret);
}

int blk_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes)
{
    int64_t start = blk_acct_now_ns();
    int ret = blk_check_range(blk, offset, bytes, true);

    if (ret < 0) {
        return blk_acct_done(blk, BLOCK_ACCT_UNMAP, start, offset, bytes, true, ret);
    }
    ret = bdrv_pdiscard_bs(blk->bs, offset, bytes);
    return blk_acct_done(blk, BLOCK_ACCT_UNMAP, start, offset, bytes, false, ret);
}

int blk_flush(BlockBackend *blk)
{
    int64_t start = blk_acct_now_ns();

    if (!blk->bs) {
        return 0;
    }
    return blk_acct_done(blk, BLOCK_ACCT_FLUSH, start, 0, 0, false, bdrv_flush(blk->bs));
}

int64_t blk_getlength(BlockBackend *blk)
{
    if (!blk->bs) {
        return -ENOMEDIUM;
    }
    return bdrv_getlength(blk->bs);
}

int blk_truncate(BlockBackend *blk, int64_t offset, bool exact,
                 PreallocMode prealloc, BdrvRequestFlags flags, Error **errp)
{
    if (!blk->bs) {
        error_setg(errp, "No medium inserted");
        return -ENOMEDIUM;
    }
    return bdrv_truncate_bs(blk->bs, offset, exact, prealloc, flags, errp);
}

/* --- asynchronous requests ----------------------------------------------- */

typedef enum { BLK_AIO_READ, BLK_AIO_WRITE, BLK_AIO_ZEROES, BLK_AIO_DISCARD,
               BLK_AIO_FLUSH } BlkAioType;

typedef struct BlkAioReq {
    BlockBackend *blk;
    BlkAioType type;
    int64_t offset;
    int64_t bytes;
    QEMUIOVector *qiov;
    BdrvRequestFlags flags;
    BlockCompletionFunc *cb;
    void *opaque;
} BlkAioReq;

/* Runs on a worker thread: the synchronous request. */
static int blk_aio_work(void *opaque)
{
    BlkAioReq *req = opaque;

    switch (req->type) {
    case BLK_AIO_READ:
        return blk_preadv(req->blk, req->offset, req->bytes, req->qiov, req->flags);
    case BLK_AIO_WRITE:
        return blk_pwritev(req->blk, req->offset, req->bytes, req->qiov, req->flags);
    case BLK_AIO_ZEROES:
        return blk_pwrite_zeroes(req->blk, req->offset, req->bytes, req->flags);
    case BLK_AIO_DISCARD:
        return blk_pdiscard(req->blk, req->offset, req->bytes);
    case BLK_AIO_FLUSH:
        return blk_flush(req->blk);
    }
    return -EINVAL;
}

static void blk_aio_complete(void *opaque, int ret)
{
    BlkAioReq *req = opaque;
    BlockBackend *blk = req->blk;

    blk->in_flight--;
    if (req->cb) {
        req->cb(req->opaque, ret);
    }
    g_free(req);
    blk_unref(blk);
}

static void blk_aio_submit(BlockBackend *blk, BlkAioType type, int64_t offset,
                           int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags,
                           BlockCompletionFunc *cb, void *opaque)
{
    BlkAioReq *req = g_new0(BlkAioReq, 1);

    req->blk = blk;
    req->type = type;
    req->offset = offset;
    req->bytes = bytes;
    req->qiov = qiov;
    req->flags = flags;
    req->cb = cb;
    req->opaque = opaque;
    /* The request keeps the backend alive until its completion ran. */
    blk_ref(blk);
    blk->in_flight++;
    thread_pool_submit_aio(blk_aio_work, req, blk_aio_complete, req);
}

void blk_aio_preadv(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                    BdrvRequestFlags flags, BlockCompletionFunc *cb, void *opaque)
{
    blk_aio_submit(blk, BLK_AIO_READ, offset, qiov->size, qiov, flags, cb, opaque);
}

void blk_aio_pwritev(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                     BdrvRequestFlags flags, BlockCompletionFunc *cb, void *opaque)
{
    blk_aio_submit(blk, BLK_AIO_WRITE, offset, qiov->size, qiov, flags, cb, opaque);
}

void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                           BdrvRequestFlags flags, BlockCompletionFunc *cb,
                           void *opaque)
{
    blk_aio_submit(blk, BLK_AIO_ZEROES, offset, bytes, NULL, flags, cb, opaque);
}

void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    blk_aio_submit(blk, BLK_AIO_DISCARD, offset, bytes, NULL, 0, cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    blk_aio_submit(blk, BLK_AIO_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

void blk_drain(BlockBackend *blk)
{
    while (blk->in_flight > 0) {
        thread_pool_drain();
    }
}

void blk_remove_all(void)
{
    while (named_backends) {
        BlockBackend *blk = named_backends;
        blk_drain(blk);
        blk_flush(blk);
        blk_unlink(blk);
        /* Named backends are owned by the list (blockdev.c). */
        blk_unref(blk);
    }
}
