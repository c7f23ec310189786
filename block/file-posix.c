/*
 * file-posix.c: the "file" protocol driver: a host file (or block device)
 * accessed with preadv/pwritev, fallocate for zeroes and discard, and
 * QEMU's OFD byte-range image locking so that Keel and QEMU processes
 * exclude each other from images in use.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/falloc.h>
#include <linux/fs.h>

/*
 * QEMU's lock layout: byte 100 + n is held (shared) while this opener uses
 * permission n; byte 200 + n while it refuses to share permission n with
 * others. A conflict shows up as another process's lock on the byte we
 * test with F_OFD_GETLK.
 */
#define LOCK_PERM_BASE   100
#define LOCK_SHARED_BASE 200
enum {
    PERM_CONSISTENT_READ = 0,
    PERM_WRITE = 1,
    PERM_WRITE_UNCHANGED = 2,
    PERM_RESIZE = 3,
    PERM_GRAPH_MOD = 4,
    PERM_COUNT,
};
static const char *const perm_names[PERM_COUNT] = {
    "consistent read", "write", "write unchanged", "resize", "change children",
};

typedef struct BDRVFileState {
    int fd;
    bool locking;
    bool is_regular;
    bool has_fallocate;      /* cleared when the filesystem refuses it */
    uint64_t perm;           /* bitmask over PERM_* held */
    uint64_t shared;         /* bitmask over PERM_* shared */
    char *path;
} BDRVFileState;

static const char *file_strip_prefix(const char *filename)
{
    return g_str_has_prefix(filename, "file:") ? filename + 5 : filename;
}

static int file_lock_byte(int fd, int64_t byte, int type)
{
    struct flock fl = {
        .l_whence = SEEK_SET, .l_start = byte, .l_len = 1, .l_type = type,
    };

    return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* True if another open file description holds a lock on byte. */
static int file_lock_test(int fd, int64_t byte, bool *busy)
{
    struct flock fl = {
        .l_whence = SEEK_SET, .l_start = byte, .l_len = 1, .l_type = F_WRLCK,
    };

    if (fcntl(fd, F_OFD_GETLK, &fl) < 0) {
        return -errno;
    }
    *busy = fl.l_type != F_UNLCK;
    return 0;
}

/* Take our lock bytes for perm/shared, then check nobody conflicts. */
static int file_apply_locks(const char *name, int fd, uint64_t perm,
                            uint64_t shared, Error **errp)
{
    int ret;

    for (int i = 0; i < PERM_COUNT; i++) {
        ret = file_lock_byte(fd, LOCK_PERM_BASE + i,
                             (perm & (1u << i)) ? F_RDLCK : F_UNLCK);
        if (ret >= 0) {
            ret = file_lock_byte(fd, LOCK_SHARED_BASE + i,
                                 (shared & (1u << i)) ? F_UNLCK : F_RDLCK);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to lock byte %d", LOCK_PERM_BASE + i);
            return ret;
        }
    }
    for (int i = 0; i < PERM_COUNT; i++) {
        bool busy = false;
        if (perm & (1u << i)) {
            ret = file_lock_test(fd, LOCK_SHARED_BASE + i, &busy);
            if (ret == 0 && busy) {
                error_setg(errp, "Failed to get \"%s\" lock", perm_names[i]);
                error_append_hint(errp, "Is another process using the image [%s]?\n",
                                  name);
                return -EAGAIN;
            }
        }
        if (!(shared & (1u << i))) {
            ret = file_lock_test(fd, LOCK_PERM_BASE + i, &busy);
            if (ret == 0 && busy) {
                error_setg(errp, "Failed to get shared \"%s\" lock", perm_names[i]);
                error_append_hint(errp, "Is another process using the image [%s]?\n",
                                  name);
                return -EAGAIN;
            }
        }
    }
    return 0;
}

static void file_release_locks(int fd)
{
    struct flock fl = {
        .l_whence = SEEK_SET, .l_start = LOCK_PERM_BASE,
        .l_len = LOCK_SHARED_BASE + PERM_COUNT - LOCK_PERM_BASE, .l_type = F_UNLCK,
    };

    fcntl(fd, F_OFD_SETLK, &fl);
}

/* The permissions this node needs, from its open mode (see block_int.h). */
static void file_perms_for(int flags, bool rw, uint64_t *perm, uint64_t *shared)
{
    const uint64_t all = (1u << PERM_COUNT) - 1;

    *perm = 1u << PERM_CONSISTENT_READ;
    *shared = all;
    if (rw) {
        *perm |= 1u << PERM_WRITE;
    }
    if (flags & BDRV_O_INTERNAL_EXCL) {
        /* A metadata format: others must neither write nor resize. */
        if (rw) {
            *perm |= 1u << PERM_RESIZE;
        }
        *shared &= ~((1u << PERM_WRITE) | (1u << PERM_RESIZE));
    }
    if (flags & BDRV_O_FORCE_SHARE) {
        *shared = all;
    }
}

static int file_open_fd(const char *path, int flags, bool rw)
{
    int oflags = (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC;

    if (flags & BDRV_O_NOCACHE) {
        oflags |= O_DIRECT;
    }
    int fd = open(path, oflags);
    return fd < 0 ? -errno : fd;
}

/* The smallest request size O_DIRECT accepts on this file. */
static uint32_t file_probe_alignment(int fd)
{
    void *buf = NULL;
    uint32_t found = 4096;

    if (posix_memalign(&buf, 4096, 4096)) {
        return 4096;
    }
    for (uint32_t align = 512; align <= 4096; align <<= 1) {
        if (pread(fd, buf, align, 0) >= 0) {
            found = align;
            break;
        }
    }
    free(buf);
    return found;
}

static void file_close(BlockDriverState *bs);

static int file_do_open(BlockDriverState *bs, QDict *options, int flags, Error **errp)
{
    BDRVFileState *s = bs->opaque;
    g_autofree char *filename = bdrv_opt_take_str(options, "filename");
    g_autofree char *aio = bdrv_opt_take_str(options, "aio");
    g_autofree char *locking = bdrv_opt_take_str(options, "locking");
    g_autofree char *tmp = NULL;
    bool rw = flags & BDRV_O_RDWR;
    struct stat st;
    int fd;

    s->fd = -1;
    /* Keys QEMU's file driver accepts that change nothing here. */
    tmp = bdrv_opt_take_str(options, "aio-max-batch");
    g_free(tmp);
    tmp = bdrv_opt_take_str(options, "x-check-cache-dropped");
    g_free(tmp);
    tmp = bdrv_opt_take_str(options, "drop-cache");

    if (!filename) {
        error_setg(errp, "Parameter 'filename' is missing");
        return -EINVAL;
    }
    if (aio) {
        if (!strcmp(aio, "native")) {
            if (!(flags & BDRV_O_NOCACHE)) {
                error_setg(errp, "aio=native was specified, but it requires "
                           "cache.direct=on, which was not specified.");
                return -EINVAL;
            }
        } else if (strcmp(aio, "threads") && strcmp(aio, "io_uring")) {
            error_setg(errp, "Parameter 'aio' does not accept value '%s'", aio);
            return -EINVAL;
        }
        /* native and io_uring run on the thread pool like threads. */
    }
    s->locking = true;
    if (locking) {
        if (!strcmp(locking, "off")) {
            s->locking = false;
        } else if (strcmp(locking, "on") && strcmp(locking, "auto")) {
            error_setg(errp, "Parameter 'locking' does not accept value '%s'", locking);
            return -EINVAL;
        }
    }
    s->path = g_strdup(file_strip_prefix(filename));
    g_strlcpy(bs->exact_filename, filename, sizeof(bs->exact_filename));
    g_strlcpy(bs->filename, filename, sizeof(bs->filename));

    /* QEMU's check comes before open(): a directory opened read-write
     * would otherwise give EISDIR. */
    if (stat(s->path, &st) == 0 && S_ISDIR(st.st_mode)) {
        error_setg(errp, "'file' driver requires '%s' to be a regular file", s->path);
        return -EINVAL;
    }
    fd = file_open_fd(s->path, flags, rw);
    if (fd == -EROFS || fd == -EACCES) {
        if (rw && (flags & BDRV_O_AUTO_RDONLY)) {
            rw = false;
            bs->read_only = true;
            bs->open_flags &= ~BDRV_O_RDWR;
            fd = file_open_fd(s->path, flags, false);
        }
    }
    if (fd < 0) {
        error_setg_errno(errp, -fd, "Could not open '%s'", filename);
        return fd;
    }
    s->fd = fd;
    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "Could not stat '%s'", filename);
        return -errno;
    }
    if (S_ISDIR(st.st_mode)) {
        error_setg(errp, "'file' driver requires '%s' to be a regular file", s->path);
        return -EINVAL;
    }
    s->is_regular = S_ISREG(st.st_mode);
    s->has_fallocate = true;
    bs->request_alignment = (flags & BDRV_O_NOCACHE) ? file_probe_alignment(fd) : 1;
    bs->supported_zero_flags = BDRV_REQ_MAY_UNMAP;

    file_perms_for(flags, rw, &s->perm, &s->shared);
    if (s->locking) {
        int ret = file_apply_locks(filename, fd, s->perm, s->shared, errp);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/* The generic layer does not call close() after a failed open. */
static int file_open(BlockDriverState *bs, QDict *options, int flags, Error **errp)
{
    int ret = file_do_open(bs, options, flags, errp);

    if (ret < 0) {
        file_close(bs);
    }
    return ret;
}

static void file_close(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;

    if (s->fd >= 0) {
        if (s->locking) {
            file_release_locks(s->fd);
        }
        close(s->fd);
        s->fd = -1;
    }
    g_free(s->path);
    s->path = NULL;
}

static int file_reopen_rw(BlockDriverState *bs, bool rw, Error **errp)
{
    BDRVFileState *s = bs->opaque;
    uint64_t perm, shared;
    int fd = file_open_fd(s->path, bs->open_flags, rw);

    if (fd < 0) {
        error_setg_errno(errp, -fd, "Could not reopen '%s'", s->path);
        return fd;
    }
    file_perms_for(bs->open_flags, rw, &perm, &shared);
    if (s->locking) {
        /* Our old fd's locks would conflict with the new ones: drop them
         * first, and put them back if the new ones cannot be had. */
        file_release_locks(s->fd);
        int ret = file_apply_locks(bs->filename, fd, perm, shared, errp);
        if (ret < 0) {
            close(fd);
            file_apply_locks(bs->filename, s->fd, s->perm, s->shared, NULL);
            return ret;
        }
    }
    close(s->fd);
    s->fd = fd;
    s->perm = perm;
    s->shared = shared;
    return 0;
}

/* preadv/pwritev until done: EINTR is retried, short transfers continue;
 * a read at EOF fills the rest with zeroes. */
static int file_rw(BlockDriverState *bs, bool write, int64_t offset, int64_t bytes,
                   QEMUIOVector *qiov, size_t qiov_offset)
{
    BDRVFileState *s = bs->opaque;
    QEMUIOVector part;
    int ret = 0;

    qemu_iovec_init(&part, qiov->niov);
    while (bytes > 0) {
        qemu_iovec_reset(&part);
        qemu_iovec_concat(&part, qiov, qiov_offset, bytes);
        ssize_t n = write ? pwritev(s->fd, part.iov, MIN(part.niov, IOV_MAX), offset)
                          : preadv(s->fd, part.iov, MIN(part.niov, IOV_MAX), offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            ret = -errno;
            break;
        }
        if (n == 0) {
            if (write) {
                ret = -EIO;
            } else {
                qemu_iovec_memset(qiov, qiov_offset, 0, bytes);
            }
            break;
        }
        offset += n;
        bytes -= n;
        qiov_offset += n;
    }
    qemu_iovec_destroy(&part);
    return ret;
}

static int file_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    return file_rw(bs, false, offset, bytes, qiov, qiov_offset);
}

static int file_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                        QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    return file_rw(bs, true, offset, bytes, qiov, qiov_offset);
}

static int file_fallocate(BDRVFileState *s, int mode, int64_t offset, int64_t bytes)
{
    if (!s->has_fallocate) {
        return -ENOTSUP;
    }
    while (fallocate(s->fd, mode, offset, bytes) < 0) {
        if (errno == EINTR) {
            continue;
        }
        if (errno == EOPNOTSUPP || errno == ENOSYS) {
            return -ENOTSUP;
        }
        return -errno;
    }
    return 0;
}

static int file_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                              BdrvRequestFlags flags)
{
    BDRVFileState *s = bs->opaque;
    int ret;

    if (!s->is_regular) {
        return -ENOTSUP;
    }
    /* Punching a hole deallocates and reads back zeroes; only within the
     * file (KEEP_SIZE), so the end of the file needs ZERO_RANGE. */
    if (flags & BDRV_REQ_MAY_UNMAP) {
        struct stat st;
        if (fstat(s->fd, &st) == 0 && offset + bytes <= st.st_size) {
            ret = file_fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                 offset, bytes);
            if (ret != -ENOTSUP) {
                return ret;
            }
        }
    }
    ret = file_fallocate(s, FALLOC_FL_ZERO_RANGE, offset, bytes);
    if (ret != -ENOTSUP && ret != -EINVAL) {
        return ret;
    }
    /* No ZERO_RANGE (e.g. tmpfs before 6.x): punch, then extend if needed. */
    struct stat st;
    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    if (offset < st.st_size) {
        ret = file_fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset,
                             MIN(bytes, st.st_size - offset));
        if (ret < 0) {
            return ret == -EINVAL ? -ENOTSUP : ret;
        }
    }
    if (offset + bytes > st.st_size && ftruncate(s->fd, offset + bytes) < 0) {
        return -errno;
    }
    return 0;
}

static int file_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    BDRVFileState *s = bs->opaque;

    if (!s->is_regular) {
        return -ENOTSUP;
    }
    return file_fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes);
}

static int file_flush(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;

    while (fdatasync(s->fd) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

static int64_t file_getlength(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    if (S_ISBLK(st.st_mode)) {
        uint64_t size;
        if (ioctl(s->fd, BLKGETSIZE64, &size) == 0) {
            return size;
        }
        off_t end = lseek(s->fd, 0, SEEK_END);
        return end < 0 ? -errno : end;
    }
    return st.st_size;
}

static int64_t file_get_allocated_file_size(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    return (int64_t)st.st_blocks * 512;
}

/* Grow (or shrink) fd to offset with the given preallocation. */
static int file_do_truncate(int fd, int64_t offset, PreallocMode prealloc,
                            Error **errp)
{
    struct stat st;
    int ret;

    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "Could not stat file");
        return -errno;
    }
    int64_t cur = st.st_size;
    if (offset < cur && prealloc != PREALLOC_MODE_OFF) {
        error_setg(errp, "Cannot use preallocation for shrinking files");
        return -ENOTSUP;
    }
    switch (prealloc) {
    case PREALLOC_MODE_OFF:
        if (ftruncate(fd, offset) < 0) {
            ret = -errno;
            error_setg_errno(errp, -ret, "Failed to resize the file");
            return ret;
        }
        return 0;
    case PREALLOC_MODE_FALLOC:
        if (offset > cur) {
            ret = posix_fallocate(fd, cur, offset - cur);
            if (ret) {
                error_setg_errno(errp, ret, "Could not preallocate new data");
                return -ret;
            }
        }
        return 0;
    case PREALLOC_MODE_FULL: {
        const size_t chunk = 1 * MiB;
        g_autofree uint8_t *zero = g_malloc0(chunk);
        if (ftruncate(fd, offset) < 0) {
            ret = -errno;
            error_setg_errno(errp, -ret, "Failed to resize the file");
            return ret;
        }
        for (int64_t pos = cur; pos < offset;) {
            ssize_t n = pwrite(fd, zero, MIN((int64_t)chunk, offset - pos), pos);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                ret = n < 0 ? -errno : -EIO;
                error_setg_errno(errp, -ret, "Could not write zeros for preallocation");
                return ret;
            }
            pos += n;
        }
        if (fsync(fd) < 0) {
            ret = -errno;
            error_setg_errno(errp, -ret, "Could not flush file to disk");
            return ret;
        }
        return 0;
    }
    default:
        error_setg(errp, "Unsupported preallocation mode: %s",
                   prealloc_mode_str(prealloc));
        return -ENOTSUP;
    }
}

static int file_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                         PreallocMode prealloc, BdrvRequestFlags flags, Error **errp)
{
    BDRVFileState *s = bs->opaque;

    if (!s->is_regular) {
        int64_t len = file_getlength(bs);
        if (len < 0) {
            error_setg_errno(errp, -len, "Failed to get device size");
            return len;
        }
        if (offset > len || (exact && offset != len)) {
            error_setg(errp, "Cannot grow device files");
            return -EINVAL;
        }
        return 0;
    }
    /* A regular file always takes the exact size (QEMU's rule; exact
     * only matters for devices, which cannot change size). */
    return file_do_truncate(s->fd, offset, prealloc, errp);
}

static int file_block_status(BlockDriverState *bs, bool want_zero, int64_t offset,
                             int64_t bytes, int64_t *pnum, int64_t *map,
                             BlockDriverState **file)
{
    BDRVFileState *s = bs->opaque;

    *map = offset;
    *file = bs;
    *pnum = bytes;
    if (!want_zero || !s->is_regular) {
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    off_t data = lseek(s->fd, offset, SEEK_DATA);
    if (data < 0) {
        if (errno == ENXIO) {
            /* No data after offset: a hole to the end. */
            return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
        }
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    if (data > offset) {
        *pnum = MIN(bytes, data - offset);
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
    }
    off_t hole = lseek(s->fd, offset, SEEK_HOLE);
    if (hole > offset) {
        *pnum = MIN(bytes, hole - offset);
    }
    return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
}

static int file_has_zero_init(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;

    return s->is_regular;
}

static int file_create(const char *filename, QemuOpts *opts, Error **errp)
{
    const char *path = file_strip_prefix(filename);
    uint64_t size = QEMU_ALIGN_UP(qemu_opt_get_size(opts, "size", 0), BDRV_SECTOR_SIZE);
    const char *pa = qemu_opt_get(opts, "preallocation");
    int prealloc = PREALLOC_MODE_OFF;
    int fd, ret;

    if (pa) {
        prealloc = prealloc_mode_from_str(pa, errp);
        if (prealloc < 0) {
            return -EINVAL;
        }
        if (prealloc == PREALLOC_MODE_METADATA) {
            error_setg(errp, "Unsupported preallocation mode: metadata");
            return -ENOTSUP;
        }
    }
    if (size > (uint64_t)BDRV_MAX_LENGTH) {
        error_setg(errp, "Image size must be less than 8 EiB!");
        return -EINVAL;
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        ret = -errno;
        error_setg_errno(errp, -ret, "Could not create '%s'", path);
        return ret;
    }
    /* Refuse to clobber an image another process is using (QEMU takes
     * write and resize exclusively while creating). */
    uint64_t perm = (1u << PERM_CONSISTENT_READ) | (1u << PERM_WRITE) |
                    (1u << PERM_RESIZE);
    ret = file_apply_locks(filename, fd, perm, 1u << PERM_CONSISTENT_READ, errp);
    if (ret < 0) {
        close(fd);
        return ret;
    }
    ret = file_do_truncate(fd, 0, PREALLOC_MODE_OFF, errp);
    if (ret >= 0) {
        ret = file_do_truncate(fd, size, prealloc, errp);
    }
    file_release_locks(fd);
    if (close(fd) < 0 && ret >= 0) {
        ret = -errno;
        error_setg_errno(errp, -ret, "Could not close the new file");
    }
    return ret;
}

static QemuOptsList file_create_opts = {
    .name = "file-create-opts",
    .desc = {
        { .name = "size", .type = QEMU_OPT_SIZE, .help = "Virtual disk size" },
        { .name = "nocow", .type = QEMU_OPT_BOOL,
          .help = "Turn off copy-on-write (valid only on btrfs)" },
        { .name = "preallocation", .type = QEMU_OPT_STRING,
          .help = "Preallocation mode (allowed values: off, falloc, full)" },
        { .name = "extent_size_hint", .type = QEMU_OPT_SIZE,
          .help = "Extent size hint for the image file, 0 to disable" },
        { NULL }
    },
};

static BlockDriver bdrv_file = {
    .format_name = "file",
    .protocol_name = "file",
    .instance_size = sizeof(BDRVFileState),
    .is_format = false,
    .open = file_open,
    .close = file_close,
    .reopen_rw = file_reopen_rw,
    .preadv = file_preadv,
    .pwritev = file_pwritev,
    .pwrite_zeroes = file_pwrite_zeroes,
    .pdiscard = file_pdiscard,
    .flush = file_flush,
    .block_status = file_block_status,
    .getlength = file_getlength,
    .get_allocated_file_size = file_get_allocated_file_size,
    .truncate = file_truncate,
    .create = file_create,
    .create_opts = &file_create_opts,
    .has_zero_init = file_has_zero_init,
};

static void bdrv_file_init(void)
{
    bdrv_register(&bdrv_file);
}

block_init(bdrv_file_init);
