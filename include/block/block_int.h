/*
 * block_int.h: the block driver interface. A driver (format: qcow2, raw;
 * protocol: file) fills a BlockDriver and registers it from a constructor
 * with block_init(). Drivers are synchronous: they are called on a
 * thread-pool worker (devices) or the caller's thread (qemu-img).
 */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include "block/block.h"

struct BdrvChild {
    BlockDriverState *bs;
    char *name;                 /* "file", "backing" */
    BlockDriverState *parent;
};

struct BlockDriver {
    const char *format_name;          /* "qcow2", "raw", "file" */
    const char *protocol_name;        /* "file" for protocol drivers */
    int instance_size;                /* bs->opaque */
    bool is_format;                   /* false: protocol (file) */
    /* Score 0..100 that buf (the image's first bytes) is this format. */
    int (*probe)(const uint8_t *buf, int buf_size, const char *filename);
    /*
     * options: the driver's own keys (children's dotted keys are taken by
     * bdrv_open_child); consume what you use (qdict_del). Keys left over
     * are an error naming the first ("Block format 'qcow2' does not
     * support the option 'bar'"). A format driver opens bs->file with
     * bdrv_open_child(NULL, options, "file", bs, false, errp) and its
     * backing file with bdrv_open_backing_file(). On failure the driver
     * releases what it acquired itself (close() is not called); children
     * left in bs->file / bs->backing are dropped by the generic layer.
     */
    int (*open)(BlockDriverState *bs, QDict *options, int flags, Error **errp);
    void (*close)(BlockDriverState *bs);
    int (*preadv)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                  QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags);
    int (*pwritev)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags);
    int (*pwritev_compressed)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                              QEMUIOVector *qiov, size_t qiov_offset);
    /* Set when pwritev_compressed may run concurrently: the generic layer
     * then calls it without bs->lock, and the driver takes bs->lock
     * itself around metadata (so compression runs on many threads). */
    bool pwritev_compressed_unlocked;
    int (*pwrite_zeroes)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         BdrvRequestFlags flags);
    int (*pdiscard)(BlockDriverState *bs, int64_t offset, int64_t bytes);
    /* format: write back caches + flush children; the generic layer calls
     * it and then flushes bs->file */
    int (*flush)(BlockDriverState *bs);
    int (*block_status)(BlockDriverState *bs, bool want_zero, int64_t offset,
                        int64_t bytes, int64_t *pnum, int64_t *map,
                        BlockDriverState **file);
    int64_t (*getlength)(BlockDriverState *bs);
    int64_t (*get_allocated_file_size)(BlockDriverState *bs);
    int (*truncate)(BlockDriverState *bs, int64_t offset, bool exact,
                    PreallocMode prealloc, BdrvRequestFlags flags, Error **errp);
    /* qemu-img create: protocol creates the file, format then opens it
     * through the generic API and writes metadata */
    int (*create)(const char *filename, QemuOpts *opts, Error **errp);
    QemuOptsList *create_opts;         /* -o help lists these */
    int (*amend)(BlockDriverState *bs, QemuOpts *opts, Error **errp);
    int (*check)(BlockDriverState *bs, BdrvCheckResult *res, BdrvCheckMode fix);
    int (*get_info)(BlockDriverState *bs, BlockDriverInfo *bdi);
    /* the "format-specific" object of qemu-img info --output=json, as
     * QEMU's {"type": "qcow2", "data": {...}} */
    QDict *(*get_specific_info)(BlockDriverState *bs, Error **errp);
    int (*snapshot_create)(BlockDriverState *bs, QEMUSnapshotInfo *sn);
    int (*snapshot_goto)(BlockDriverState *bs, const char *snapshot_id);
    int (*snapshot_delete)(BlockDriverState *bs, const char *snapshot_id,
                           const char *name, Error **errp);
    int (*snapshot_list)(BlockDriverState *bs, QEMUSnapshotInfo **psn_info);
    int (*change_backing_file)(BlockDriverState *bs, const char *backing_file,
                               const char *backing_fmt);
    int (*make_empty)(BlockDriverState *bs);
    /* Optional: 1 if a freshly created image reads as zeroes. Default: 0
     * for formats without the hook (protocol "file": 1 for regular files). */
    int (*has_zero_init)(BlockDriverState *bs);
    /* Optional: fill bs->exact_filename beyond the generic rule. */
    void (*refresh_filename)(BlockDriverState *bs);
    bool supports_backing;
    /* Optional: switch the open mode (file: new fd, new locks). */
    int (*reopen_rw)(BlockDriverState *bs, bool rw, Error **errp);
};

struct BlockDriverState {
    BlockDriver *drv;
    void *opaque;
    int open_flags;
    bool read_only;
    char filename[4096];
    char exact_filename[4096];
    char backing_file[4096];        /* as stored in the image */
    char backing_format[16];
    char auto_backing_file[4096];   /* what the driver opened */
    BdrvChild *file;
    BdrvChild *backing;
    int64_t total_sectors;          /* size cache (bytes / 512, rounded up) */
    int64_t size_bytes;             /* exact size cache, -1: ask the driver */
    char node_name[32];
    bool node_name_auto;            /* generated (#blockNNN) */
    int refcnt;
    uint32_t request_alignment;     /* 512 for O_DIRECT files, 1 otherwise */
    bool encrypted;
    /* Flags the driver honours itself; others are emulated (FUA: flush
     * after the write; MAY_UNMAP: dropped). */
    BdrvRequestFlags supported_write_flags;
    BdrvRequestFlags supported_zero_flags;
    BlockdevDetectZeroesOptions detect_zeroes;
    bool force_share;
    QDict *options;                 /* the options the node was opened with */
    GRecMutex lock;                 /* serialises requests into the driver */
    bool probed;                    /* format was guessed (raw: guard block 0) */
    bool allow_beyond_eof_writes;   /* protocol nodes: writes may grow the file */
    struct BlockDriverState *next_all;  /* list of all nodes (block.c) */
};

/*
 * Internal open flag (no QEMU equivalent): set by bdrv_open_child on the
 * "file" child of a metadata format (qcow2: anything but raw). The file
 * driver then also locks "write" and "resize" against other processes, as
 * QEMU's permission system does; raw shares everything.
 */
#define BDRV_O_INTERNAL_EXCL  0x1000000

/*
 * Set by -blockdev (blockdev.c) around bdrv_open: option errors use the
 * QAPI wording ("Parameter 'bar' is unexpected") instead of -drive's
 * ("Block format 'raw' does not support the option 'bar'").
 */
extern __thread bool bdrv_qapi_option_errors;

/*
 * Drivers register from a constructor: block_init(bdrv_foo_init). The macro
 * also defines the global block_init_bdrv_foo_init(), which block.c calls
 * by name so that static linking (qemu-img links libblock with link_with)
 * keeps the driver's object: list the function name in block_drivers in
 * block/meson.build. Registering twice is harmless.
 */
#define block_init(fn) \
    void block_init_##fn(void); \
    void block_init_##fn(void) { fn(); } \
    static void __attribute__((constructor)) block_ctor_##fn(void) { fn(); }

/* Generic synchronous I/O on a child, used by format drivers (block/io.c).
 * Return 0 / -errno. */
int bdrv_pread(BdrvChild *child, int64_t offset, int64_t bytes, void *buf,
               BdrvRequestFlags flags);
int bdrv_pwrite(BdrvChild *child, int64_t offset, int64_t bytes, const void *buf,
                BdrvRequestFlags flags);
/* write then flush */
int bdrv_pwrite_sync(BdrvChild *child, int64_t offset, int64_t bytes,
                     const void *buf, BdrvRequestFlags flags);
int bdrv_preadv_part(BdrvChild *child, int64_t offset, int64_t bytes,
                     QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags);
int bdrv_pwritev_part(BdrvChild *child, int64_t offset, int64_t bytes,
                      QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags);
int bdrv_pwrite_zeroes(BdrvChild *child, int64_t offset, int64_t bytes,
                       BdrvRequestFlags flags);
int bdrv_pdiscard(BdrvChild *child, int64_t offset, int64_t bytes);
int bdrv_flush(BlockDriverState *bs);
int bdrv_truncate(BdrvChild *child, int64_t offset, bool exact,
                  PreallocMode prealloc, BdrvRequestFlags flags, Error **errp);
/* Status of bs alone (through filters / raw to its file when the driver
 * says BDRV_BLOCK_RAW); see bdrv_block_status_above. */
int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map, BlockDriverState **file);

/* The same on a node (request path of BlockBackend and bdrv_*_bs). */
int bdrv_preadv_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags);
int bdrv_pwritev_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags);
int bdrv_pwrite_zeroes_bs(BlockDriverState *bs, int64_t offset, int64_t bytes,
                          BdrvRequestFlags flags);
int bdrv_pwritev_compressed_bs(BlockDriverState *bs, int64_t offset,
                               int64_t bytes, QEMUIOVector *qiov);
int bdrv_pdiscard_bs(BlockDriverState *bs, int64_t offset, int64_t bytes);
int bdrv_truncate_bs(BlockDriverState *bs, int64_t offset, bool exact,
                     PreallocMode prealloc, BdrvRequestFlags flags, Error **errp);

/*
 * Open a child of parent: options holds the parent's remaining options;
 * the keys "bdref_key.*" (file.driver, file.filename ...) are moved into
 * the child's options, "bdref_key" itself may name an existing node
 * (file=nodename). filename (may be NULL) is the child's filename when no
 * options say otherwise. allow_none: return NULL without error if nothing
 * names a child. The child is opened with parent's flags (protocol only
 * for "file" unless file.driver says otherwise).
 */
BdrvChild *bdrv_open_child(const char *filename, QDict *options,
                           const char *bdref_key, BlockDriverState *parent,
                           bool allow_none, Error **errp);
/*
 * Open bs->backing_file (relative to the image's directory) with
 * bs->backing_format (probed if empty), read-only, chains of any length;
 * "backing": null in parent_options (or BDRV_O_NO_BACKING) opens nothing;
 * "backing.*" options pass through. A loop is an error. Sets bs->backing.
 * Returns 0 / -errno.
 */
int bdrv_open_backing_file(BlockDriverState *bs, QDict *parent_options,
                           const char *bdref_key, Error **errp);
/* Drop a child (unref its node). */
void bdrv_unref_child(BlockDriverState *parent, BdrvChild *child);

void bdrv_register(BlockDriver *drv);

/* Move the keys "prefix.*" of src into a new dict *dst, without the
 * prefix (file.filename -> filename). Nested dict values under "prefix"
 * are flattened first. */
void bdrv_qdict_extract_subqdict(QDict *src, QDict **dst, const char *prefix);
/* Flatten nested dicts into dotted keys ({"file": {"filename": x}} ->
 * "file.filename": x), in place. */
void bdrv_qdict_flatten(QDict *qdict);
/* QemuOpts -> QDict of strings (for passing create options along). */
QDict *bdrv_opts_to_qdict(QemuOpts *opts);

/*
 * Option helpers for drivers' open(): take (remove) key from options.
 * Values may be typed (JSON, -blockdev) or strings (-drive). Return false
 * with errp set on a malformed value; *present (may be NULL) says whether
 * the key was there.
 */
bool bdrv_opt_take_bool(QDict *options, const char *key, bool *val,
                        bool *present, Error **errp);
bool bdrv_opt_take_size(QDict *options, const char *key, uint64_t *val,
                        bool *present, Error **errp);
/* The value as a string (numbers and bools rendered), or NULL. */
char *bdrv_opt_take_str(QDict *options, const char *key);
/* Probe buf (the image's first bytes) against every format driver; the
 * best-scoring one (raw if nothing else matches). */
BlockDriver *bdrv_probe_format(const uint8_t *buf, int buf_size,
                               const char *filename);
/* snapshot=on (block/snapshot-temp.c): a temporary qcow2 overlay over bs,
 * deleted when closed. Takes over the caller's reference to bs; returns the
 * overlay (one reference) or NULL. */
BlockDriverState *bdrv_append_temp_snapshot(BlockDriverState *bs, int flags,
                                            Error **errp);
/* Switch a node and its file child between read-only and read-write (for
 * commit). */
int bdrv_reopen_set_read_only(BlockDriverState *bs, bool read_only, Error **errp);

/* Cached size in bytes (bs->size_bytes) refreshed from the driver. */
int bdrv_refresh_total_sectors(BlockDriverState *bs, int64_t hint);

#endif
