/*
 * iov.h: scatter/gather buffers. QEMUIOVector is a growable struct iovec
 * array with its total byte size; the iov_* helpers copy between plain
 * iovec arrays and flat buffers. Used by the whole block request path.
 */
#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include <sys/uio.h>

typedef struct QEMUIOVector {
    struct iovec *iov;
    int niov;
    int nalloc;           /* -1: iov is external (init_external/init_buf) */
    size_t size;          /* sum of iov[].iov_len */
    struct iovec local_iov;   /* storage for qemu_iovec_init_buf */
} QEMUIOVector;

/* Total length of an iovec array. */
size_t iov_size(const struct iovec *iov, unsigned int iov_cnt);
/* Copy bytes between an iovec array (starting at byte offset) and buf.
 * Return the number of bytes copied (less than bytes if the iovec ends). */
size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes);
size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, void *buf, size_t bytes);
size_t iov_memset(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, int fillc, size_t bytes);

/* An owned, growable vector with room for alloc_hint entries. */
void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint);
/* A vector over caller-owned iovec entries (not freed, not growable). */
void qemu_iovec_init_external(QEMUIOVector *qiov, struct iovec *iov, int niov);
/* A one-entry vector over buf (no allocation; destroy is a no-op). */
void qemu_iovec_init_buf(QEMUIOVector *qiov, void *buf, size_t len);
void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len);
/* Append bytes of src starting at soffset (the entries, not the data). */
void qemu_iovec_concat(QEMUIOVector *dst, QEMUIOVector *src,
                       size_t soffset, size_t sbytes);
/* Append the part [offset, offset+bytes) of src's entries to dst. */
void qemu_iovec_concat_iov(QEMUIOVector *dst, const struct iovec *src_iov,
                           unsigned int src_cnt, size_t soffset, size_t sbytes);
void qemu_iovec_reset(QEMUIOVector *qiov);
void qemu_iovec_destroy(QEMUIOVector *qiov);
size_t qemu_iovec_to_buf(QEMUIOVector *qiov, size_t offset, void *buf, size_t bytes);
size_t qemu_iovec_from_buf(QEMUIOVector *qiov, size_t offset, const void *buf,
                           size_t bytes);
size_t qemu_iovec_memset(QEMUIOVector *qiov, size_t offset, int fillc, size_t bytes);
/* True if bytes [offset, offset+bytes) of qiov are all zero. */
bool qemu_iovec_is_zero(QEMUIOVector *qiov, size_t offset, size_t bytes);
/* True if the whole flat buffer is zero. */
bool buffer_is_zero(const void *buf, size_t len);
/* Compare two vectors of equal size; -1 if equal, else the first differing
 * byte offset. */
ssize_t qemu_iovec_compare(QEMUIOVector *a, QEMUIOVector *b);

#endif
