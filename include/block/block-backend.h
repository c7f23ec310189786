/*
 * block-backend.h: BlockBackend, the handle through which devices, -drive
 * and qemu-img do I/O on a node graph. It adds the user-visible policy:
 * write cache on/off (writethrough flushes after each write), the drive's
 * id (blk_by_name), and asynchronous requests on the thread pool.
 */
#ifndef BLOCK_BLOCK_BACKEND_H
#define BLOCK_BLOCK_BACKEND_H

#include "block/block.h"
#include "block/thread-pool.h"

typedef struct BlockBackend BlockBackend;

/* Open an image (bdrv_open's arguments) under a new BlockBackend. */
BlockBackend *blk_new_open(const char *filename, const char *reference,
                           QDict *options, int flags, Error **errp);
/* A BlockBackend over an existing node (takes a reference to bs). */
BlockBackend *blk_new_with_bs(BlockDriverState *bs, Error **errp);
/* A BlockBackend with no medium (-drive if=none without file=). */
BlockBackend *blk_new_empty(void);
void blk_ref(BlockBackend *blk);
void blk_unref(BlockBackend *blk);
BlockDriverState *blk_bs(BlockBackend *blk);

/* Name (the -drive id); "" if none. blk_by_name finds a named one. */
const char *blk_name(const BlockBackend *blk);
bool blk_set_name(BlockBackend *blk, const char *name, Error **errp);
BlockBackend *blk_by_name(const char *name);
/* Iterate over named backends: NULL gives the first. */
BlockBackend *blk_next(BlockBackend *blk);

/* Write cache: false means writethrough (flush after every write). */
void blk_set_enable_write_cache(BlockBackend *blk, bool wce);
bool blk_enable_write_cache(BlockBackend *blk);
/* Allow writes past EOF to grow the image (qemu-img convert targets). */
void blk_set_allow_write_beyond_eof(BlockBackend *blk, bool allow);
bool blk_is_read_only(BlockBackend *blk);

/* Synchronous I/O: 0 / -errno. */
int blk_pread(BlockBackend *blk, int64_t offset, int64_t bytes, void *buf,
              BdrvRequestFlags flags);
int blk_pwrite(BlockBackend *blk, int64_t offset, int64_t bytes, const void *buf,
               BdrvRequestFlags flags);
int blk_preadv(BlockBackend *blk, int64_t offset, int64_t bytes,
               QEMUIOVector *qiov, BdrvRequestFlags flags);
int blk_pwritev(BlockBackend *blk, int64_t offset, int64_t bytes,
                QEMUIOVector *qiov, BdrvRequestFlags flags);
int blk_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BdrvRequestFlags flags);
int blk_pwrite_compressed(BlockBackend *blk, int64_t offset, const void *buf,
                          int64_t bytes);
int blk_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes);
int blk_flush(BlockBackend *blk);
int64_t blk_getlength(BlockBackend *blk);
int blk_truncate(BlockBackend *blk, int64_t offset, bool exact,
                 PreallocMode prealloc, BdrvRequestFlags flags, Error **errp);

/* Asynchronous I/O on the thread pool; cb(opaque, 0 / -errno) runs in the
 * main loop. qiov must stay valid until then. */
void blk_aio_preadv(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                    BdrvRequestFlags flags, BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                     BdrvRequestFlags flags, BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                           BdrvRequestFlags flags, BlockCompletionFunc *cb,
                           void *opaque);
void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);
/* Wait for every asynchronous request of blk (runs the main loop). */
void blk_drain(BlockBackend *blk);
/* Flush and drop every named backend (exit path). */
void blk_remove_all(void);

/*
 * I/O accounting for query-blockstats: every request through the backend
 * (synchronous or on the thread pool) is counted once, by kind, as done,
 * failed (the driver returned an error) or invalid (refused by the range
 * check); bytes and time only for the ones done.
 */
typedef enum BlockAcctType {
    BLOCK_ACCT_READ,
    BLOCK_ACCT_WRITE,
    BLOCK_ACCT_FLUSH,
    BLOCK_ACCT_UNMAP,
    BLOCK_ACCT__MAX,
} BlockAcctType;

typedef struct BlockAcctStats {
    int64_t bytes[BLOCK_ACCT__MAX];
    int64_t ops[BLOCK_ACCT__MAX];
    int64_t failed_ops[BLOCK_ACCT__MAX];
    int64_t invalid_ops[BLOCK_ACCT__MAX];
    int64_t total_time_ns[BLOCK_ACCT__MAX];
    int64_t wr_highest_offset;      /* end of the furthest write done */
    int64_t last_access_ns;         /* g_get_monotonic_time() * 1000; 0: none */
} BlockAcctStats;

/* A consistent copy of blk's counters. */
void blk_get_stats(BlockBackend *blk, BlockAcctStats *out);

#endif
