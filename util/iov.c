/*
 * iov.c: scatter/gather helpers (QEMUIOVector and plain iovec arrays).
 * Offsets and lengths past the end of a vector are clipped, never
 * overrun: callers rely on the returned byte counts.
 */
#include "qemu/osdep.h"
#include "qemu/iov.h"

size_t iov_size(const struct iovec *iov, unsigned int iov_cnt)
{
    size_t len = 0;

    for (unsigned int i = 0; i < iov_cnt; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

/* Walk [offset, offset+bytes) of the vector calling fn on each piece. */
typedef void IovPieceFn(void *base, size_t len, size_t done, void *opaque);

static size_t iov_walk(const struct iovec *iov, unsigned int iov_cnt,
                       size_t offset, size_t bytes, IovPieceFn *fn, void *opaque)
{
    size_t done = 0;

    for (unsigned int i = 0; i < iov_cnt && done < bytes; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t len = MIN(iov[i].iov_len - offset, bytes - done);
        fn((char *)iov[i].iov_base + offset, len, done, opaque);
        done += len;
        offset = 0;
    }
    return done;
}

static void piece_from_buf(void *base, size_t len, size_t done, void *opaque)
{
    memcpy(base, (const char *)opaque + done, len);
}

static void piece_to_buf(void *base, size_t len, size_t done, void *opaque)
{
    memcpy((char *)opaque + done, base, len);
}

static void piece_memset(void *base, size_t len, size_t done, void *opaque)
{
    memset(base, *(int *)opaque, len);
}

size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes)
{
    return iov_walk(iov, iov_cnt, offset, bytes, piece_from_buf, (void *)buf);
}

size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, void *buf, size_t bytes)
{
    return iov_walk(iov, iov_cnt, offset, bytes, piece_to_buf, buf);
}

size_t iov_memset(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, int fillc, size_t bytes)
{
    return iov_walk(iov, iov_cnt, offset, bytes, piece_memset, &fillc);
}

void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint)
{
    memset(qiov, 0, sizeof(*qiov));
    qiov->nalloc = MAX(alloc_hint, 1);
    qiov->iov = g_new(struct iovec, qiov->nalloc);
}

void qemu_iovec_init_external(QEMUIOVector *qiov, struct iovec *iov, int niov)
{
    memset(qiov, 0, sizeof(*qiov));
    qiov->iov = iov;
    qiov->niov = niov;
    qiov->nalloc = -1;
    qiov->size = iov_size(iov, niov);
}

void qemu_iovec_init_buf(QEMUIOVector *qiov, void *buf, size_t len)
{
    memset(qiov, 0, sizeof(*qiov));
    qiov->local_iov.iov_base = buf;
    qiov->local_iov.iov_len = len;
    qiov->iov = &qiov->local_iov;
    qiov->niov = 1;
    qiov->nalloc = -1;
    qiov->size = len;
}

void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len)
{
    g_assert(qiov->nalloc != -1);
    if (qiov->niov == qiov->nalloc) {
        qiov->nalloc = 2 * qiov->nalloc + 1;
        qiov->iov = g_renew(struct iovec, qiov->iov, qiov->nalloc);
    }
    qiov->iov[qiov->niov].iov_base = base;
    qiov->iov[qiov->niov].iov_len = len;
    qiov->size += len;
    qiov->niov++;
}

void qemu_iovec_concat_iov(QEMUIOVector *dst, const struct iovec *src_iov,
                           unsigned int src_cnt, size_t soffset, size_t sbytes)
{
    for (unsigned int i = 0; i < src_cnt && sbytes > 0; i++) {
        if (soffset >= src_iov[i].iov_len) {
            soffset -= src_iov[i].iov_len;
            continue;
        }
        size_t len = MIN(src_iov[i].iov_len - soffset, sbytes);
        qemu_iovec_add(dst, (char *)src_iov[i].iov_base + soffset, len);
        sbytes -= len;
        soffset = 0;
    }
}

void qemu_iovec_concat(QEMUIOVector *dst, QEMUIOVector *src,
                       size_t soffset, size_t sbytes)
{
    qemu_iovec_concat_iov(dst, src->iov, src->niov, soffset, sbytes);
}

void qemu_iovec_reset(QEMUIOVector *qiov)
{
    g_assert(qiov->nalloc != -1);
    qiov->niov = 0;
    qiov->size = 0;
}

void qemu_iovec_destroy(QEMUIOVector *qiov)
{
    if (qiov->nalloc != -1) {
        g_free(qiov->iov);
    }
    memset(qiov, 0, sizeof(*qiov));
}

size_t qemu_iovec_to_buf(QEMUIOVector *qiov, size_t offset, void *buf, size_t bytes)
{
    return iov_to_buf(qiov->iov, qiov->niov, offset, buf, bytes);
}

size_t qemu_iovec_from_buf(QEMUIOVector *qiov, size_t offset, const void *buf,
                           size_t bytes)
{
    return iov_from_buf(qiov->iov, qiov->niov, offset, buf, bytes);
}

size_t qemu_iovec_memset(QEMUIOVector *qiov, size_t offset, int fillc, size_t bytes)
{
    return iov_memset(qiov->iov, qiov->niov, offset, fillc, bytes);
}

bool buffer_is_zero(const void *buf, size_t len)
{
    const unsigned char *p = buf;

    /* Byte-wise to an 8-byte boundary, then words: this runs on every
     * detect-zeroes write, so it is worth not being naive. */
    while (len > 0 && ((uintptr_t)p & 7)) {
        if (*p) {
            return false;
        }
        p++;
        len--;
    }
    const uint64_t *w = (const uint64_t *)p;
    while (len >= 32) {
        if (w[0] | w[1] | w[2] | w[3]) {
            return false;
        }
        w += 4;
        len -= 32;
    }
    p = (const unsigned char *)w;
    while (len > 0) {
        if (*p) {
            return false;
        }
        p++;
        len--;
    }
    return true;
}

bool qemu_iovec_is_zero(QEMUIOVector *qiov, size_t offset, size_t bytes)
{
    for (int i = 0; i < qiov->niov && bytes > 0; i++) {
        if (offset >= qiov->iov[i].iov_len) {
            offset -= qiov->iov[i].iov_len;
            continue;
        }
        size_t len = MIN(qiov->iov[i].iov_len - offset, bytes);
        if (!buffer_is_zero((char *)qiov->iov[i].iov_base + offset, len)) {
            return false;
        }
        bytes -= len;
        offset = 0;
    }
    return true;
}

ssize_t qemu_iovec_compare(QEMUIOVector *a, QEMUIOVector *b)
{
    size_t size = MIN(a->size, b->size);
    g_autofree uint8_t *pa = g_malloc(size ? size : 1);
    g_autofree uint8_t *pb = g_malloc(size ? size : 1);

    qemu_iovec_to_buf(a, 0, pa, size);
    qemu_iovec_to_buf(b, 0, pb, size);
    for (size_t i = 0; i < size; i++) {
        if (pa[i] != pb[i]) {
            return i;
        }
    }
    return a->size == b->size ? -1 : (ssize_t)size;
}
