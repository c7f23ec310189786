/*
 * fuzz-qcow2-open.c: libFuzzer entry point for the qcow2 driver on hostile
 * images: open read-only, read, check; then open read-write, write,
 * discard, check with repair. The driver runs over an in-memory file (the
 * block layer's child I/O is stubbed here), so only block/qcow2*.c is under
 * test. Built and run by tests/fuzz/run-fuzz.sh (suite 'fuzz').
 *
 * An input is either a whole image, or (to get deep quickly) patches to a
 * small valid built-in image: data[0] % 3 == 0: raw image; 1: XOR overlay
 * from offset 0; 2: (offset16, value) byte patches.
 * Checks: no crash, leak, hang or UB; bounded memory (the file may not grow
 * past 16 MiB).
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "../../block/qcow2.h"
#include <zlib.h>

#define MEMFILE_MAX (16 * 1024 * 1024)

typedef struct MemFile {
    uint8_t *buf;
    int64_t len;
} MemFile;

static BlockDriver *fuzz_drv;

void block_init_bdrv_qcow2_init(void);

/* util/log.c pulls in tracing: guest-error logging is off here anyway. */
int qemu_loglevel;

void qemu_log(const char *fmt, ...)
{
}

void bdrv_register(BlockDriver *drv)
{
    fuzz_drv = drv;
}

/* qcow2-create.c is not linked: creation needs the real block layer. */
QemuOptsList qcow2_create_opts = { .name = "qcow2-create-opts", .desc = { { NULL } } };

int qcow2_create(const char *filename, QemuOpts *opts, Error **errp)
{
    return -ENOTSUP;
}

int qcow2_amend(BlockDriverState *bs, QemuOpts *opts, Error **errp)
{
    return -ENOTSUP;
}

static MemFile *memfile(BdrvChild *child)
{
    return child->bs->opaque;
}

int bdrv_pread(BdrvChild *child, int64_t offset, int64_t bytes, void *buf,
               BdrvRequestFlags flags)
{
    MemFile *m = memfile(child);

    if (offset < 0 || bytes < 0 || offset > INT64_MAX - bytes) {
        return -EIO;
    }
    memset(buf, 0, bytes);
    if (offset < m->len) {
        memcpy(buf, m->buf + offset, MIN(bytes, m->len - offset));
    }
    return 0;
}

int bdrv_pwrite(BdrvChild *child, int64_t offset, int64_t bytes, const void *buf,
                BdrvRequestFlags flags)
{
    MemFile *m = memfile(child);

    if (offset < 0 || bytes < 0 || offset > MEMFILE_MAX - bytes) {
        return -ENOSPC;
    }
    if (offset + bytes > m->len) {
        m->buf = g_realloc(m->buf, offset + bytes);
        memset(m->buf + m->len, 0, offset + bytes - m->len);
        m->len = offset + bytes;
    }
    memcpy(m->buf + offset, buf, bytes);
    return 0;
}

int bdrv_pwrite_sync(BdrvChild *child, int64_t offset, int64_t bytes, const void *buf,
                     BdrvRequestFlags flags)
{
    return bdrv_pwrite(child, offset, bytes, buf, flags);
}

int bdrv_preadv_part(BdrvChild *child, int64_t offset, int64_t bytes,
                     QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    g_autofree uint8_t *buf = NULL;
    int ret;

    if (!child) {
        qemu_iovec_memset(qiov, qiov_offset, 0, bytes);
        return 0;
    }
    if (bytes < 0 || bytes > MEMFILE_MAX * 4) {
        return -EIO;
    }
    buf = g_malloc(bytes + 1);
    ret = bdrv_pread(child, offset, bytes, buf, flags);
    if (ret >= 0) {
        qemu_iovec_from_buf(qiov, qiov_offset, buf, bytes);
    }
    return ret;
}

int bdrv_pwritev_part(BdrvChild *child, int64_t offset, int64_t bytes,
                      QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    g_autofree uint8_t *buf = NULL;

    if (bytes < 0 || bytes > MEMFILE_MAX) {
        return -ENOSPC;
    }
    buf = g_malloc(bytes + 1);
    qemu_iovec_to_buf(qiov, qiov_offset, buf, bytes);
    return bdrv_pwrite(child, offset, bytes, buf, flags);
}

int bdrv_pwrite_zeroes(BdrvChild *child, int64_t offset, int64_t bytes,
                       BdrvRequestFlags flags)
{
    g_autofree uint8_t *buf = NULL;

    if (bytes < 0 || bytes > MEMFILE_MAX) {
        return -ENOSPC;
    }
    buf = g_malloc0(bytes + 1);
    return bdrv_pwrite(child, offset, bytes, buf, flags);
}

int bdrv_flush(BlockDriverState *bs)
{
    return 0;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    return ((MemFile *)bs->opaque)->len;
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    return bdrv_getlength(bs);
}

int bdrv_truncate(BdrvChild *child, int64_t offset, bool exact, PreallocMode prealloc,
                  BdrvRequestFlags flags, Error **errp)
{
    MemFile *m = memfile(child);

    if (offset < 0 || offset > MEMFILE_MAX) {
        error_setg(errp, "too big");
        return -ENOSPC;
    }
    m->buf = g_realloc(m->buf, offset + 1);
    if (offset > m->len) {
        memset(m->buf + m->len, 0, offset - m->len);
    }
    m->len = offset;
    return 0;
}

static BdrvChild *fuzz_child;

BdrvChild *bdrv_open_child(const char *filename, QDict *options, const char *bdref_key,
                           BlockDriverState *parent, bool allow_none, Error **errp)
{
    BdrvChild *c = fuzz_child;

    fuzz_child = NULL;
    return c;
}

int bdrv_open_backing_file(BlockDriverState *bs, QDict *parent_options,
                           const char *bdref_key, Error **errp)
{
    return 0;   /* unallocated clusters read as zeroes */
}

void bdrv_unref_child(BlockDriverState *parent, BdrvChild *child)
{
    if (child) {
        MemFile *m = child->bs->opaque;

        g_free(m->buf);
        g_free(m);
        g_free(child->bs);
        g_free(child);
    }
}

/* A valid image with 512-byte clusters: a normal, a zero and a compressed cluster. */
static uint8_t template_img[3584];

static void build_template(void)
{
    uint8_t *t = template_img;
    uint8_t plain[512], z[512];
    z_stream zs = { 0 };
    int clen;

    for (int i = 0; i < 512; i++) {
        plain[i] = i / 3;
    }
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY);
    zs.next_in = plain;
    zs.avail_in = 512;
    zs.next_out = z;
    zs.avail_out = sizeof(z);
    deflate(&zs, Z_FINISH);
    clen = sizeof(z) - zs.avail_out;
    deflateEnd(&zs);

    stl_be_p(t + QH_MAGIC, QCOW_MAGIC);
    stl_be_p(t + QH_VERSION, 3);
    stl_be_p(t + QH_CLUSTER_BITS, 9);
    stq_be_p(t + QH_SIZE, 32768);
    stl_be_p(t + QH_L1_SIZE, 1);
    stq_be_p(t + QH_L1_OFFSET, 1536);
    stq_be_p(t + QH_REFT_OFFSET, 512);
    stl_be_p(t + QH_REFT_CLUSTERS, 1);
    stl_be_p(t + QH_REFCOUNT_ORDER, 4);
    stl_be_p(t + QH_HEADER_LENGTH, 112);
    stq_be_p(t + 512, 1024);                            /* refcount table */
    for (int i = 0; i < 7; i++) {
        stw_be_p(t + 1024 + 2 * i, 1);                  /* clusters 0..6 */
    }
    stq_be_p(t + 1536, 2048 | QCOW_OFLAG_COPIED);       /* L1 */
    stq_be_p(t + 2048, 2560 | QCOW_OFLAG_COPIED);       /* L2: normal */
    stq_be_p(t + 2056, QCOW_OFLAG_ZERO);                /*     zero */
    stq_be_p(t + 2064, QCOW_OFLAG_COMPRESSED | 3072);   /*     compressed */
    memset(t + 2560, 0xa5, 512);
    memcpy(t + 3072, z, MIN(clen, 512));
}

static BlockDriverState *fuzz_open(const uint8_t *img, size_t len, int flags)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);
    MemFile *m = g_new0(MemFile, 1);
    QDict *opts = qdict_new();
    Error *err = NULL;

    m->buf = g_malloc(len + 1);
    memcpy(m->buf, img, len);
    m->len = len;
    fuzz_child = g_new0(BdrvChild, 1);
    fuzz_child->bs = g_new0(BlockDriverState, 1);
    fuzz_child->bs->opaque = m;
    fuzz_child->parent = bs;
    g_rec_mutex_init(&bs->lock);
    bs->drv = fuzz_drv;
    bs->opaque = g_malloc0(fuzz_drv->instance_size);
    bs->open_flags = flags;
    bs->read_only = !(flags & BDRV_O_RDWR);
    if (fuzz_drv->open(bs, opts, flags, &err) < 0) {
        /* As the block layer: no close, the children are dropped. */
        error_free(err);
        bdrv_unref_child(bs, bs->file);
        if (fuzz_child) {
            bdrv_unref_child(bs, fuzz_child);
            fuzz_child = NULL;
        }
        qobject_unref(opts);
        g_free(bs->opaque);
        g_rec_mutex_clear(&bs->lock);
        g_free(bs);
        return NULL;
    }
    qobject_unref(opts);
    return bs;
}

static void fuzz_close(BlockDriverState *bs)
{
    fuzz_drv->close(bs);
    bdrv_unref_child(bs, bs->file);
    g_free(bs->opaque);
    g_rec_mutex_clear(&bs->lock);
    g_free(bs);
}

static void fuzz_read_some(BlockDriverState *bs)
{
    int64_t len = fuzz_drv->getlength(bs);
    uint8_t buf[4096];
    QEMUIOVector q;

    qemu_iovec_init_buf(&q, buf, sizeof(buf));
    for (int64_t off = 0; off < len && off < 256 * 1024; off += sizeof(buf)) {
        fuzz_drv->preadv(bs, off, MIN((int64_t)sizeof(buf), len - off), &q, 0, 0);
    }
    if (len > (int64_t)sizeof(buf)) {
        fuzz_drv->preadv(bs, QEMU_ALIGN_DOWN(len - sizeof(buf), 512), sizeof(buf), &q, 0, 0);
    }
    for (int64_t off = 0; off < len && off < 64 * 1024; off += 8192) {
        int64_t pnum, map;
        BlockDriverState *file;

        fuzz_drv->block_status(bs, true, off, MIN(8192, len - off), &pnum, &map, &file);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree uint8_t *img = NULL;
    size_t len;
    BlockDriverState *bs;
    BdrvCheckResult res = { 0 };
    uint8_t buf[1024];
    QEMUIOVector q;

    if (!fuzz_drv) {
        block_init_bdrv_qcow2_init();
    }
    if (!template_img[0]) {
        build_template();
    }
    if (size < 1 || size > 1024 * 1024) {
        return 0;
    }
    switch (data[0] % 3) {
    case 0:
        len = size - 1;
        img = g_malloc(len + 1);
        memcpy(img, data + 1, len);
        break;
    case 1:
        len = MAX(sizeof(template_img), size - 1);
        img = g_malloc0(len + 1);
        memcpy(img, template_img, sizeof(template_img));
        for (size_t i = 1; i < size; i++) {
            img[i - 1] ^= data[i];
        }
        break;
    default:
        len = sizeof(template_img);
        img = g_memdup2(template_img, len);
        for (size_t i = 1; i + 2 < size; i += 3) {
            img[lduw_be_p(data + i) % len] = data[i + 2];
        }
        break;
    }

    bs = fuzz_open(img, len, 0);
    if (bs) {
        fuzz_read_some(bs);
        fuzz_drv->check(bs, &res, 0);
        fuzz_close(bs);
    }
    bs = fuzz_open(img, len, BDRV_O_RDWR);
    if (bs) {
        memset(buf, 0x3c, sizeof(buf));
        qemu_iovec_init_buf(&q, buf, sizeof(buf));
        fuzz_drv->pwritev(bs, 0, sizeof(buf), &q, 0, 0);
        fuzz_drv->pwritev(bs, 1536, 512, &q, 0, 0);
        fuzz_drv->pdiscard(bs, 4096, 8192);
        fuzz_drv->pwrite_zeroes(bs, 16384, 4096, BDRV_REQ_MAY_UNMAP);
        fuzz_read_some(bs);
        memset(&res, 0, sizeof(res));
        fuzz_drv->check(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS);
        fuzz_close(bs);
    }
    return 0;
}
