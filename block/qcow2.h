/*
 * qcow2.h: the qcow2 image format driver's private interface (on-disk layout
 * constants, the per-node state and the functions shared between qcow2.c,
 * qcow2-cluster.c, qcow2-refcount.c, qcow2-snapshot.c and qcow2-cache.c).
 * The format is QEMU's docs/interop/qcow2.txt; multi-byte fields on disk are
 * big-endian and are kept big-endian in cached tables.
 */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include "block/block_int.h"

#define QCOW_MAGIC 0x514649fbu                   /* "QFI\xfb" */

#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_DEFAULT_CLUSTER_SIZE 65536

/* Limits QEMU applies so a hostile header cannot make us allocate GiBs. */
#define QCOW_MAX_L1_SIZE (32 * 1024 * 1024)      /* bytes */
#define QCOW_MAX_REFTABLE_SIZE (8 * 1024 * 1024) /* bytes */
#define QCOW_MAX_SNAPSHOTS 65536
#define QCOW_MAX_SNAPSHOTS_SIZE (64 * 1024 * 1024)
#define QCOW2_MAX_BACKING_NAME 1023

#define QCOW_OFLAG_COPIED (1ULL << 63)
#define QCOW_OFLAG_COMPRESSED (1ULL << 62)
#define QCOW_OFLAG_ZERO (1ULL << 0)
#define L1E_OFFSET_MASK 0x00fffffffffffe00ULL
#define L2E_OFFSET_MASK 0x00fffffffffffe00ULL
#define REFT_OFFSET_MASK 0xfffffffffffffe00ULL
#define L1E_RESERVED_MASK 0x7f000000000001ffULL
#define L2E_STD_RESERVED_MASK 0x3f000000000001feULL

/* Header */
#define QCOW2_INCOMPAT_DIRTY (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ULL << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ULL << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ULL << 3)
#define QCOW2_INCOMPAT_EXTL2 (1ULL << 4)
#define QCOW2_INCOMPAT_KNOWN 0x1fULL
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ULL << 0)
#define QCOW2_AUTOCLEAR_BITMAPS (1ULL << 0)
#define QCOW2_AUTOCLEAR_DATA_FILE_RAW (1ULL << 1)

#define QCOW2_EXT_END 0
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_FEATURE_TABLE 0x6803f857u
#define QCOW2_EXT_CRYPTO 0x0537be77u
#define QCOW2_EXT_BITMAPS 0x23852875u
#define QCOW2_EXT_DATA_FILE 0x44415441u

#define QCOW2_HEADER_V2_SIZE 72
#define QCOW2_HEADER_V3_SIZE 104   /* up to and including compression type */

/* Byte offsets of header fields. */
#define QH_MAGIC 0
#define QH_VERSION 4
#define QH_BACKING_OFFSET 8
#define QH_BACKING_SIZE 16
#define QH_CLUSTER_BITS 20
#define QH_SIZE 24
#define QH_CRYPT 32
#define QH_L1_SIZE 36
#define QH_L1_OFFSET 40
#define QH_REFT_OFFSET 48
#define QH_REFT_CLUSTERS 56
#define QH_NB_SNAPSHOTS 60
#define QH_SNAPSHOTS_OFFSET 64
#define QH_INCOMPAT 72
#define QH_COMPAT 80
#define QH_AUTOCLEAR 88
#define QH_REFCOUNT_ORDER 96
#define QH_HEADER_LENGTH 100
#define QH_COMPRESSION_TYPE 104

#define be64_to_cpu(x) GUINT64_FROM_BE(x)
#define cpu_to_be64(x) GUINT64_TO_BE(x)

typedef struct Qcow2Cache Qcow2Cache;

/* An unknown (or preserved) header extension, rewritten as read. */
typedef struct Qcow2UnknownExt {
    uint32_t magic;
    uint32_t len;
    uint8_t *data;
} Qcow2UnknownExt;

typedef struct QCowSnapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint64_t disk_size;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;
    uint32_t extra_data_size;
    uint8_t *unknown_extra;      /* extra data beyond what we know, preserved */
} QCowSnapshot;

typedef struct BDRVQcow2State {
    GMutex lock;                 /* metadata: tables, refcounts, header */
    GCond io_cond;
    int in_flight;               /* data I/O running outside the lock */

    int qcow_version;
    int cluster_bits;
    int64_t cluster_size;
    int l2_bits;                 /* log2 of L2 entries per table */
    int64_t l2_size;
    int csize_shift;
    uint64_t csize_mask;
    uint64_t cluster_offset_mask;

    uint64_t size;               /* virtual disk size */
    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t *l1_table;          /* host order */
    uint32_t l1_alloc;           /* entries allocated in l1_table */
    bool l1_dirty;               /* l1_table has entries not yet on disk */

    int refcount_order;
    int refcount_bits;
    uint64_t refcount_max;
    int refcount_block_bits;     /* log2 of entries per refcount block */
    int64_t refcount_block_size;
    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint64_t refcount_table_size; /* entries */
    uint64_t *refcount_table;    /* host order */
    int64_t free_cluster_index;  /* search hint */
    int64_t free_byte_offset;    /* compressed packing, 0 = none */

    uint64_t incompatible_features;
    uint64_t compatible_features;
    uint64_t autoclear_features;
    uint32_t header_length;
    uint8_t compression_type;
    bool use_lazy_refcounts;
    bool dirty_set;              /* we set the dirty bit on this open */

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    int64_t snapshots_size;
    QCowSnapshot *snapshots;

    char *image_backing_file;    /* as stored in the header */
    char *image_backing_format;  /* backing format extension */
    GPtrArray *unknown_exts;     /* of Qcow2UnknownExt (incl. bitmaps) */
    uint8_t *feature_table;      /* feature name table as read, may be NULL */
    int feature_table_len;

    bool corrupt_reported;
    bool prealloc_checked;       /* metadata_prealloc is known */
    bool metadata_prealloc;      /* clusters refcounted but holes in the file */
    bool read_only;

    Qcow2Cache *l2_cache;
    Qcow2Cache *rc_cache;
    uint64_t l2_cache_bytes;
    uint64_t rc_cache_bytes;
} BDRVQcow2State;

/* Cluster types as seen through an L2 entry. */
typedef enum Qcow2ClusterType {
    QCOW2_CLUSTER_UNALLOCATED,
    QCOW2_CLUSTER_ZERO_PLAIN,
    QCOW2_CLUSTER_ZERO_ALLOC,
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

static inline int64_t qcow2_start_of_cluster(BDRVQcow2State *s, int64_t off)
{
    return off & ~(s->cluster_size - 1);
}

static inline int64_t qcow2_offset_into_cluster(BDRVQcow2State *s, int64_t off)
{
    return off & (s->cluster_size - 1);
}

static inline int64_t qcow2_size_to_clusters(BDRVQcow2State *s, uint64_t size)
{
    return (size + s->cluster_size - 1) >> s->cluster_bits;
}

static inline bool qcow2_aligned(BDRVQcow2State *s, uint64_t off)
{
    return (off & (s->cluster_size - 1)) == 0;
}

/* qcow2.c */
/*
 * qcow2_signal_corruption: an inconsistency found while running. Marks the
 * image corrupt on disk (once) with QEMU's "Marking image as corrupt"
 * message and makes further writes fail. Returns -EIO for convenience.
 */
int qcow2_signal_corruption(BlockDriverState *bs, int64_t offset, int64_t size,
                            const char *fmt, ...) G_GNUC_PRINTF(4, 5);
int qcow2_update_header(BlockDriverState *bs);
int qcow2_mark_dirty(BlockDriverState *bs);
/*
 * qcow2_write_l1_table: write dirty L2 tables (after a flush), flush, then
 * the whole active L1 table. qcow2_writeback: the same only when something
 * is dirty; every operation other than the plain write path starts with it.
 */
int qcow2_write_l1_table(BlockDriverState *bs);
int qcow2_writeback(BlockDriverState *bs);
int64_t qcow2_l1_size_for(BDRVQcow2State *s, uint64_t size);
void qcow2_set_geometry(BDRVQcow2State *s, int cluster_bits, int refcount_order);

/* qcow2-cache.c: LRU caches of L2 tables and refcount blocks (write-through). */
Qcow2Cache *qcow2_cache_create(int entries, int64_t table_size);
void qcow2_cache_destroy(Qcow2Cache *c);
/* Get the table at offset, reading it from bs->file on a miss. */
int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset, void **table);
/* Get a zero-filled table for offset without reading (a new table). */
int qcow2_cache_get_empty(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset,
                          void **table);
void qcow2_cache_put(Qcow2Cache *c, void **table);
/*
 * Write the whole table (or the part [start, start+len)) to the file now; a
 * dirty table is written whole after a flush of the file.
 */
int qcow2_cache_write(BlockDriverState *bs, Qcow2Cache *c, void *table, int64_t start,
                      int64_t len);
/* Deferred write: the table is written later, after a flush (see qcow2-cache.c). */
void qcow2_cache_mark_dirty(Qcow2Cache *c, void *table);
bool qcow2_cache_has_dirty(Qcow2Cache *c);
/* Write every dirty table (the caller flushed the file first). */
int qcow2_cache_write_dirty(BlockDriverState *bs, Qcow2Cache *c);
void qcow2_cache_discard(Qcow2Cache *c, uint64_t offset);
void qcow2_cache_clear(Qcow2Cache *c);
int qcow2_cache_hits(Qcow2Cache *c);
int qcow2_cache_misses(Qcow2Cache *c);

/* qcow2-refcount.c */
int qcow2_refcount_init(BlockDriverState *bs, Error **errp);
uint64_t qcow2_get_refcount_ro(const void *block, int64_t index, int order);
void qcow2_set_refcount_ro(void *block, int64_t index, uint64_t value, int order);
int qcow2_get_refcount(BlockDriverState *bs, int64_t cluster_index, uint64_t *refcount);
/* Add addend to the refcounts of the clusters covering [offset, offset+len). */
int qcow2_update_refcount(BlockDriverState *bs, int64_t offset, int64_t len,
                          int64_t addend);
/* Allocate size bytes of contiguous clusters (refcount 1). Offset or -errno. */
int64_t qcow2_alloc_clusters(BlockDriverState *bs, int64_t size);
/* Allocate at a given offset if those clusters are free: count or -errno. */
int64_t qcow2_alloc_bytes(BlockDriverState *bs, int size);
void qcow2_free_clusters(BlockDriverState *bs, int64_t offset, int64_t size);
/* Drop one reference held by an L2 entry (normal or compressed). */
void qcow2_free_any_cluster(BlockDriverState *bs, uint64_t l2_entry);
/*
 * Create refcount blocks for block indexes [first, last] (and a new, larger
 * table) in a fresh area at or after start_cluster: used by repair, where
 * the ranges may hold referenced but uncounted clusters.
 */
int qcow2_refcount_add_blocks(BlockDriverState *bs, int64_t first, int64_t last,
                              int64_t start_cluster);
int qcow2_check_refcounts(BlockDriverState *bs, BdrvCheckResult *res, BdrvCheckMode fix);
/*
 * Add addend to the refcounts of everything an L1 table references (L2
 * tables and data clusters) and fix the COPIED flags, for snapshots.
 */
int qcow2_update_snapshot_refcount(BlockDriverState *bs, uint64_t l1_offset,
                                   uint32_t l1_size, int addend);
/* The same over an L1 table in memory (host order); active: fix COPIED flags. */
int qcow2_update_l1_refcount(BlockDriverState *bs, const uint64_t *l1, uint32_t l1_size,
                             int addend, bool active);
int64_t qcow2_image_end(BlockDriverState *bs);

/* qcow2-cluster.c */
Qcow2ClusterType qcow2_get_cluster_type(BDRVQcow2State *s, uint64_t l2_entry);
void qcow2_parse_compressed(BDRVQcow2State *s, uint64_t l2_entry, uint64_t *offset,
                            int64_t *size);
int qcow2_grow_l1_table(BlockDriverState *bs, uint64_t min_size, bool exact);
int qcow2_read_cluster_data(BlockDriverState *bs, int64_t offset, int64_t bytes,
                            QEMUIOVector *qiov, size_t qiov_offset);
int qcow2_write_cluster_data(BlockDriverState *bs, int64_t offset, int64_t bytes,
                             QEMUIOVector *qiov, size_t qiov_offset);
int qcow2_zero_or_discard(BlockDriverState *bs, int64_t offset, int64_t bytes,
                          bool discard, bool may_unmap);
int qcow2_write_compressed(BlockDriverState *bs, int64_t offset, int64_t bytes,
                           QEMUIOVector *qiov, size_t qiov_offset);
int qcow2_cluster_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         int64_t *pnum, int64_t *map, BlockDriverState **file);
int qcow2_decompress(void *dest, size_t dest_size, const void *src, size_t src_size);
ssize_t qcow2_compress(void *dest, size_t dest_size, const void *src, size_t src_size);
int qcow2_preallocate(BlockDriverState *bs, uint64_t from, uint64_t to,
                      PreallocMode mode);
int qcow2_make_empty_clusters(BlockDriverState *bs);
int qcow2_expand_zero_clusters(BlockDriverState *bs);
int qcow2_shrink_l1_and_l2(BlockDriverState *bs, uint64_t new_size);

/* qcow2-create.c */
extern QemuOptsList qcow2_create_opts;
int qcow2_create(const char *filename, QemuOpts *opts, Error **errp);
int qcow2_amend(BlockDriverState *bs, QemuOpts *opts, Error **errp);

/* qcow2-snapshot.c */
int qcow2_read_snapshots(BlockDriverState *bs, Error **errp);
void qcow2_free_snapshots(BDRVQcow2State *s);
int qcow2_snapshot_create(BlockDriverState *bs, QEMUSnapshotInfo *sn);
int qcow2_snapshot_goto(BlockDriverState *bs, const char *snapshot_id);
int qcow2_snapshot_delete(BlockDriverState *bs, const char *snapshot_id,
                          const char *name, Error **errp);
int qcow2_snapshot_list(BlockDriverState *bs, QEMUSnapshotInfo **psn_tab);

#endif
