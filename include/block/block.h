/*
 * block.h: the block layer's public API for tools (qemu-img) and the
 * system emulator: opening images into a node graph, creating images,
 * and the image-level operations (info, check, snapshots, backing files).
 * Drivers see more in block_int.h; devices and tools do I/O through
 * block-backend.h.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include "qemu/error.h"
#include "qemu/opts.h"
#include "qemu/iov.h"
#include "qobject/qdict.h"
#include "block/thread-pool.h"

typedef struct BlockDriver BlockDriver;
typedef struct BlockDriverState BlockDriverState;
typedef struct BdrvChild BdrvChild;

/* Open flags (bs->open_flags); QEMU's values. */
#define BDRV_O_NO_SHARE     0x0001  /* unused; QEMU's value kept */
#define BDRV_O_RDWR         0x0002
#define BDRV_O_RESIZE       0x0004  /* request permission for resizing */
#define BDRV_O_SNAPSHOT     0x0008  /* temporary overlay, discarded on close */
#define BDRV_O_TEMPORARY    0x0010  /* delete the file on close */
#define BDRV_O_NOCACHE      0x0020  /* O_DIRECT */
#define BDRV_O_NATIVE_AIO   0x0080  /* aio=native (run on threads in Keel) */
#define BDRV_O_NO_BACKING   0x0100  /* do not open the backing file */
#define BDRV_O_NO_FLUSH     0x0200  /* cache=unsafe: flushes are no-ops */
#define BDRV_O_COPY_ON_READ 0x0400
#define BDRV_O_INACTIVE     0x0800
#define BDRV_O_CHECK        0x1000  /* open for qemu-img check */
#define BDRV_O_ALLOW_RDWR   0x2000
#define BDRV_O_UNMAP        0x4000  /* discard=unmap */
#define BDRV_O_FORCE_SHARE  0x8000  /* -U: take no image locks / share all */
#define BDRV_O_NO_IO        0x10000 /* open metadata only (create) */
#define BDRV_O_AUTO_RDONLY  0x20000 /* fall back to read-only */
#define BDRV_O_IO_URING     0x40000 /* aio=io_uring (run on threads in Keel) */
#define BDRV_O_PROTOCOL     0x80000 /* open filename with a protocol driver
                                     * only (no format probing) */
#define BDRV_O_CACHE_MASK   (BDRV_O_NOCACHE | BDRV_O_NO_FLUSH)

#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

#define BDRV_SECTOR_BITS   9
#define BDRV_SECTOR_SIZE   (1ULL << BDRV_SECTOR_BITS)
/* Largest request a driver sees; bigger requests are split. */
#define BDRV_REQUEST_MAX_BYTES  (1 << 30)
/* Largest image size accepted (QEMU's limit: INT64_MAX rounded down). */
#define BDRV_MAX_LENGTH  (INT64_MAX & ~(int64_t)(1 << 30 | ((1 << 30) - 1)))

typedef enum {
    BDRV_REQ_ZERO_WRITE = 1,
    BDRV_REQ_MAY_UNMAP = 2,
    BDRV_REQ_FUA = 4,
    BDRV_REQ_NO_FALLBACK = 8,
} BdrvRequestFlags;

typedef enum {
    PREALLOC_MODE_OFF,
    PREALLOC_MODE_METADATA,
    PREALLOC_MODE_FALLOC,
    PREALLOC_MODE_FULL,
    PREALLOC_MODE__MAX,
} PreallocMode;
/* "off", "metadata", "falloc", "full"; -1 (with errp set) if unknown. */
int prealloc_mode_from_str(const char *s, Error **errp);
const char *prealloc_mode_str(PreallocMode mode);

/* detect-zeroes= */
/* Same values as the generated QAPI enum, which wins when included first
 * (the QMP block queries include both). */
#ifndef QAPI_TYPES_BLOCK_CORE_H
typedef enum {
    BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF,
    BLOCKDEV_DETECT_ZEROES_OPTIONS_ON,
    BLOCKDEV_DETECT_ZEROES_OPTIONS_UNMAP,
} BlockdevDetectZeroesOptions;
#endif

typedef enum {
    BDRV_FIX_LEAKS = 1,
    BDRV_FIX_ERRORS = 2,
} BdrvCheckMode;

typedef struct BlockFragInfo {
    uint64_t allocated_clusters;
    uint64_t total_clusters;
    uint64_t fragmented_clusters;
    uint64_t compressed_clusters;
} BlockFragInfo;

typedef struct BdrvCheckResult {
    int corruptions;
    int leaks;
    int check_errors;
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    BlockFragInfo bfi;
} BdrvCheckResult;

typedef struct BlockDriverInfo {
    int cluster_size;          /* 0: not applicable */
    int subcluster_size;
    int64_t vm_state_offset;
    bool is_dirty;
    bool needs_compressed_writes;
} BlockDriverInfo;

typedef struct QEMUSnapshotInfo {
    char id_str[128];
    char name[256];
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;           /* -1ULL: not recorded */
} QEMUSnapshotInfo;

/* block_status results; QEMU's values. */
#define BDRV_BLOCK_DATA         0x01
#define BDRV_BLOCK_ZERO         0x02
#define BDRV_BLOCK_OFFSET_VALID 0x04
#define BDRV_BLOCK_RAW          0x08
#define BDRV_BLOCK_ALLOCATED    0x10
#define BDRV_BLOCK_EOF          0x20
#define BDRV_BLOCK_RECURSE      0x40
#define BDRV_BLOCK_COMPRESSED   0x80

/*
 * Open an image. filename may be NULL when options carry everything
 * (driver=..., file.filename=...). reference names an existing node
 * (node-name) to reuse instead (a new reference is taken). options (taken
 * over, may be NULL) use QEMU's keys: "driver", "node-name", "read-only",
 * "cache.direct", "cache.no-flush", "discard", "detect-zeroes",
 * "force-share", "auto-read-only", the driver's own keys, and dotted
 * children ("file.driver", "file.filename", "backing.driver", "backing":
 * null or a node name). Without "driver" the format is probed. flags:
 * BDRV_O_*. Returns a new node with one reference, or NULL.
 */
BlockDriverState *bdrv_open(const char *filename, const char *reference,
                            QDict *options, int flags, Error **errp);
void bdrv_ref(BlockDriverState *bs);
/* Drop a reference; the last one flushes and closes the node (and drops
 * its children). NULL is ignored. */
void bdrv_unref(BlockDriverState *bs);
/* Close every node still open (exit path): flush and release locks. */
void bdrv_close_all(void);

/* Create an image with drv (format or protocol) from opts (drv's
 * create_opts; "size" etc.). */
int bdrv_create(BlockDriver *drv, const char *filename, QemuOpts *opts,
                Error **errp);
/* Create the file itself with the protocol driver for filename. */
int bdrv_create_file(const char *filename, QemuOpts *opts, Error **errp);
/*
 * qemu-img create's core: create filename as fmt with options (a
 * "key=value,..." string, may be NULL), size img_size (-1: take the backing
 * file's size). base_filename/base_fmt set the backing file. Prints
 * "Formatting 'x', fmt=... size=..." unless quiet. flags: BDRV_O_*
 * for opening the backing file (size lookup).
 */
void bdrv_img_create(const char *filename, const char *fmt,
                     const char *base_filename, const char *base_fmt,
                     char *options, uint64_t img_size, int flags,
                     bool quiet, Error **errp);

BlockDriver *bdrv_find_format(const char *name);
/* The protocol driver for a filename ("file" for plain paths). */
BlockDriver *bdrv_find_protocol(const char *filename, bool allow_protocol_prefix,
                                Error **errp);
/* Calls it(opaque, name) for every registered driver, sorted by name. */
void bdrv_iterate_format(void (*it)(void *opaque, const char *name),
                         void *opaque, bool read_only);
/* A new QemuOptsList with drv's create options followed by proto_drv's
 * (either may be NULL; a name in both is listed once). Free it with
 * bdrv_create_opts_free(). */
QemuOptsList *bdrv_create_opts_merge(BlockDriver *drv, BlockDriver *proto_drv);
void bdrv_create_opts_free(QemuOptsList *list);

/* Accessors */
const char *bdrv_get_format_name(BlockDriverState *bs);   /* NULL if none */
const char *bdrv_get_node_name(const BlockDriverState *bs);
const char *bdrv_get_device_or_node_name(const BlockDriverState *bs);
BlockDriverState *bdrv_find_node(const char *node_name);
/* Nodes with a node name, in creation order (for query-named-block-nodes).
 * Call with NULL to get the first. */
BlockDriverState *bdrv_next_node(BlockDriverState *bs);
bool bdrv_is_read_only(BlockDriverState *bs);
bool bdrv_is_encrypted(BlockDriverState *bs);
BlockDriverState *bdrv_backing_bs(BlockDriverState *bs);    /* NULL if none */
BlockDriverState *bdrv_file_bs(BlockDriverState *bs);       /* NULL if none */
int64_t bdrv_getlength(BlockDriverState *bs);
int64_t bdrv_nb_sectors(BlockDriverState *bs);
/* Bytes the image occupies on the host (st_blocks), -errno / -ENOTSUP. */
int64_t bdrv_get_allocated_file_size(BlockDriverState *bs);
/* 1 if a new image reads as zeroes without being written. */
int bdrv_has_zero_init(BlockDriverState *bs);
int bdrv_get_info(BlockDriverState *bs, BlockDriverInfo *bdi);
/* The driver's format-specific info object (or NULL). */
QDict *bdrv_get_specific_info(BlockDriverState *bs, Error **errp);
/* The backing file name resolved against the image's directory (QEMU's
 * rule: relative names are relative to the overlay). NULL + errp if none
 * or it cannot be resolved. */
char *bdrv_get_full_backing_filename(BlockDriverState *bs, Error **errp);
char *bdrv_get_full_backing_filename_from_filename(const char *backed,
                                                   const char *backing,
                                                   Error **errp);
/* Recompute bs->filename / exact_filename (json: names for option-built
 * nodes, as QEMU). */
void bdrv_refresh_filename(BlockDriverState *bs);

/* Image operations */
int bdrv_check(BlockDriverState *bs, BdrvCheckResult *res, BdrvCheckMode fix);
int bdrv_amend_options(BlockDriverState *bs, QemuOpts *opts, Error **errp);
int bdrv_change_backing_file(BlockDriverState *bs, const char *backing_file,
                             const char *backing_fmt, bool require);
/* Write the overlay's allocated data into its backing file, then empty the
 * overlay if the driver can. */
int bdrv_commit(BlockDriverState *bs);
int bdrv_make_empty(BlockDriverState *bs, Error **errp);

/* Snapshots (internal, qcow2). Return 0 / -errno. */
int bdrv_can_snapshot(BlockDriverState *bs);
int bdrv_snapshot_create(BlockDriverState *bs, QEMUSnapshotInfo *sn_info);
int bdrv_snapshot_goto(BlockDriverState *bs, const char *snapshot_id, Error **errp);
int bdrv_snapshot_delete(BlockDriverState *bs, const char *snapshot_id,
                         const char *name, Error **errp);
/* Number of snapshots (>= 0) with a g_malloc'd array in *psn_info, or
 * -errno. */
int bdrv_snapshot_list(BlockDriverState *bs, QEMUSnapshotInfo **psn_info);
/* Find by id or by name; 0 with *sn_info filled, or -ENOENT. */
int bdrv_snapshot_find(BlockDriverState *bs, QEMUSnapshotInfo *sn_info,
                       const char *name_or_id);

/*
 * Allocation status above base (exclusive; NULL: whole chain) for
 * [offset, offset+bytes): returns BDRV_BLOCK_* flags for the first *pnum
 * bytes, or -errno. *map / *file when BDRV_BLOCK_OFFSET_VALID.
 */
int bdrv_block_status_above(BlockDriverState *bs, BlockDriverState *base,
                            int64_t offset, int64_t bytes, int64_t *pnum,
                            int64_t *map, BlockDriverState **file);
/* 1 if allocated in bs itself, 0 if not, for *pnum bytes; -errno. */
int bdrv_is_allocated(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum);
/* 1 if allocated anywhere in [top, base) (base exclusive; include_base
 * counts base too). */
int bdrv_is_allocated_above(BlockDriverState *top, BlockDriverState *base,
                            bool include_base, int64_t offset, int64_t bytes,
                            int64_t *pnum);

/* cache=, discard=, detect-zeroes= parsing (QEMU's -drive words). */
int bdrv_parse_cache_mode(const char *mode, int *flags, bool *writethrough);
int bdrv_parse_discard_flags(const char *mode, int *flags);

/* Synchronous I/O on a node (tools that have no BlockBackend). */
int bdrv_pread_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                  void *buf);
int bdrv_pwrite_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   const void *buf);

#endif
