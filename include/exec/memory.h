/*
 * memory.h: the guest memory API: MemoryRegion (RAM, MMIO/PIO, alias,
 * container), AddressSpace with its flattened view (FlatView), listeners
 * told of changes (KVM memslots, TCG TLB flushes), and the accessors that
 * devices and vCPUs use. Behaviour follows QEMU's include/exec/memory.h.
 */
#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include "qom/object.h"

typedef uint64_t hwaddr;
#define HWADDR_MAX UINT64_MAX
#define HWADDR_PRIx PRIx64

/*
 * Sizes of regions and ranges go up to 2^64 (the "system" container), and
 * flattening computes bases below zero for aliases, so they are signed
 * 128-bit; UINT64_MAX given as a region size means 2^64, as in QEMU.
 */
typedef __int128 Int128;

/* The value clamped to [0, UINT64_MAX] (2^64 reads as UINT64_MAX). */
static inline uint64_t int128_get64(Int128 v)
{
    if (v < 0) {
        return 0;
    }
    return v > (Int128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

typedef uint32_t MemTxResult;
#define MEMTX_OK 0
#define MEMTX_ERROR         (1U << 0)  /* device returned an error */
#define MEMTX_DECODE_ERROR  (1U << 1)  /* nothing at that address */
#define MEMTX_ACCESS_ERROR  (1U << 2)  /* access denied */

/* Attributes of a transaction; all-zero is an ordinary CPU access. */
typedef struct MemTxAttrs {
    unsigned int unspecified:1;
    unsigned int secure:1;
    unsigned int user:1;
    unsigned int memory:1;
    unsigned int requester_id:16;
} MemTxAttrs;

#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs) { .unspecified = 1 })

enum device_endian {
    DEVICE_NATIVE_ENDIAN,   /* the target's: little-endian on x86 */
    DEVICE_BIG_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
};

typedef struct MemoryRegion MemoryRegion;
typedef struct MemoryRegionOps MemoryRegionOps;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;
typedef struct MemoryRegionSection MemoryRegionSection;

/*
 * The callbacks of an I/O region. addr is relative to the region; size is
 * 1, 2, 4 or 8. valid says what the guest may do (anything else is a
 * MEMTX_DECODE_ERROR that never reaches the device); impl says what the
 * callbacks handle: the dispatcher splits or widens accesses between the
 * two, combining the pieces in the device's endianness.
 */
struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    /* Used instead of read/write when set. */
    MemTxResult (*read_with_attrs)(void *opaque, hwaddr addr, uint64_t *data,
                                   unsigned size, MemTxAttrs attrs);
    MemTxResult (*write_with_attrs)(void *opaque, hwaddr addr, uint64_t data,
                                    unsigned size, MemTxAttrs attrs);
    enum device_endian endianness;
    struct {
        /* 0 means 1 (min) and 4 (max), as QEMU. */
        unsigned min_access_size;
        unsigned max_access_size;
        /* May the guest access at an address not aligned to the size? */
        bool unaligned;
        /* A final say on an access (e.g. a write-only register). */
        bool (*accepts)(void *opaque, hwaddr addr, unsigned size,
                        bool is_write, MemTxAttrs attrs);
    } valid;
    struct {
        unsigned min_access_size;   /* 0: 1 */
        unsigned max_access_size;   /* 0: 4 */
        bool unaligned;
    } impl;
};

/*
 * A region of guest-physical space. Embedded in its owner's state; the
 * fields are private to system/memory.c except for reading.
 */
struct MemoryRegion {
    char *name;
    Object *owner;              /* referenced while the region is in use */
    const MemoryRegionOps *ops;
    void *opaque;
    MemoryRegion *container;    /* our parent, or NULL */
    Int128 size;
    hwaddr addr;                /* within the container */
    int priority;
    bool initialized;
    bool ram;
    bool readonly;              /* ROM: guest writes are dropped */
    bool enabled;
    bool terminates;            /* RAM or I/O: claims its whole range */
    bool may_overlap;           /* added with add_subregion_overlap */
    uint8_t dirty_log_mask;
    MemoryRegion *alias;
    hwaddr alias_offset;
    /* Sorted: higher priority first, later-added first among equals. */
    GList *subregions;
    /* RAM backing */
    void *ram_ptr;
    uint64_t ram_map_size;      /* the mmap length; 0 if not ours */
    int ram_fd;                 /* -1 if anonymous */
    bool ram_shared;
};

/* The piece of a region that a range of an address space maps. */
struct MemoryRegionSection {
    Int128 size;
    MemoryRegion *mr;
    FlatView *fv;
    AddressSpace *address_space;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    bool readonly;
};

/*
 * Told of changes to an address space's flat view on every commit:
 * begin, then region_del for ranges that went away (listeners in
 * reverse priority order), region_add for new ones, region_nop for those
 * that stayed, then commit. Registering replays the current view as
 * region_adds (between begin and commit); unregistering as region_dels.
 * Runs with the BQL held, on the thread that commits.
 */
struct MemoryListener {
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener, MemoryRegionSection *s);
    void (*region_del)(MemoryListener *listener, MemoryRegionSection *s);
    void (*region_nop)(MemoryListener *listener, MemoryRegionSection *s);
    /* The section's dirty-log mask changed from old to new. */
    void (*log_start)(MemoryListener *listener, MemoryRegionSection *s,
                      int old_mask, int new_mask);
    void (*log_stop)(MemoryListener *listener, MemoryRegionSection *s,
                     int old_mask, int new_mask);
    const char *name;
    unsigned priority;          /* lower first for adds, last for dels */
    AddressSpace *address_space;    /* set while registered */
};

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map;      /* swapped atomically; see flatview_ref */
    GList *listeners;           /* sorted by priority */
};

/* ---- regions ---- */

/**
 * memory_region_init: - a container: no contents of its own, only
 * subregions; holes fall through to whatever is below it.
 */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);

/**
 * memory_region_init_io: - a region whose accesses go to ops with opaque.
 */
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);

/**
 * memory_region_init_ram: - anonymous RAM, mapped MAP_NORESERVE so that
 * host pages are only used once the guest touches them. Errors: "cannot
 * set up guest memory 'NAME': REASON".
 */
bool memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp);

/**
 * memory_region_init_rom: - like RAM, but guest writes are dropped.
 */
bool memory_region_init_rom(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp);

/**
 * memory_region_init_ram_from_fd: - RAM mapped from fd at offset; shared
 * (MAP_SHARED) when share, else private copy-on-write. Takes the fd: it
 * is closed when the region is destroyed, or on failure.
 */
bool memory_region_init_ram_from_fd(MemoryRegion *mr, Object *owner,
                                    const char *name, uint64_t size,
                                    bool share, int fd, uint64_t offset,
                                    Error **errp);

/**
 * memory_region_init_ram_ptr: - RAM at host memory ptr that the caller
 * owns and keeps alive longer than the region.
 */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);

/**
 * memory_region_init_alias: - a window of size bytes onto orig starting at
 * offset; it behaves as orig does there (RAM or I/O).
 */
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);

/**
 * memory_region_destroy: - release what init took (the RAM mapping, the
 * fd, the name). The region must not be in a container or in use.
 */
void memory_region_destroy(MemoryRegion *mr);

/* Take/drop a reference on the owner (no-op for regions without one). */
void memory_region_ref(MemoryRegion *mr);
void memory_region_unref(MemoryRegion *mr);

const char *memory_region_name(const MemoryRegion *mr);
/* The size, with 2^64 reported as UINT64_MAX. */
uint64_t memory_region_size(MemoryRegion *mr);
bool memory_region_is_ram(MemoryRegion *mr);
bool memory_region_is_rom(MemoryRegion *mr);
Object *memory_region_owner(MemoryRegion *mr);
/* The backing fd of a RAM region (through aliases), or -1. */
int memory_region_get_fd(MemoryRegion *mr);
/*
 * The host address of offset 0 of a RAM region (through aliases, adding
 * their offsets), or NULL for anything else.
 */
void *memory_region_get_ram_ptr(MemoryRegion *mr);

/*
 * Add subregion to mr at offset. Overlaps are resolved by priority (higher
 * wins; 0 for add_subregion); among equal priorities the later-added
 * wins. A region may be in one container at a time.
 */
void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
/* Move the region within its container. */
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
/* Dirty-log clients (bit masks); listeners get log_start/log_stop. */
#define DIRTY_MEMORY_VGA 0
#define DIRTY_MEMORY_CODE 1
#define DIRTY_MEMORY_MIGRATION 2
void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client);

/*
 * Dispatch one access of size bytes (1, 2, 4 or 8) at addr within an I/O
 * region, as the guest made it: checked against ops->valid, then split or
 * widened to ops->impl. Never aborts on guest values: a bad access is
 * MEMTX_DECODE_ERROR (reads then give 0) and is logged as a guest error.
 */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs);
/* Would the guest's access be let through (size, alignment, accepts)? */
bool memory_region_access_valid(MemoryRegion *mr, hwaddr addr, unsigned size,
                                bool is_write, MemTxAttrs attrs);

/*
 * Changes inside a begin/commit pair are published together when the
 * outermost commit runs: each address space's FlatView is rebuilt and
 * listeners are told the difference. Every mutator above opens its own
 * pair, so callers only need one to batch several changes.
 */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* ---- address spaces ---- */

/**
 * address_space_init: - an address space seeing root; name appears in
 * info mtree ("memory", "I/O", "cpu-memory-0"...).
 */
void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);

/* The system's "memory" (root "system", 2^64 bytes) and "I/O" (root "io",
 * 64 KiB, unassigned ports read as all-ones) spaces, created on first
 * use. */
MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);
void memory_init(void);
extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;

void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);

/*
 * The current flat view with a reference held: vCPU threads use it without
 * the BQL while the main thread publishes new ones.
 */
FlatView *address_space_get_flatview(AddressSpace *as);
void flatview_ref(FlatView *fv);
void flatview_unref(FlatView *fv);
/* Number of ranges, and range i as a section (for tests and dumps). */
unsigned flatview_nr_ranges(FlatView *fv);
MemoryRegionSection flatview_range(FlatView *fv, unsigned i);
/*
 * The section containing addr; .mr is NULL when nothing is mapped there,
 * and .size is then the hole's length up to the next range.
 */
MemoryRegionSection memory_region_find_flat(FlatView *fv, hwaddr addr);

/*
 * A RAM range of an address space's map, for callers that cache a host
 * pointer across accesses (TCG's TLB fills, the x86 page walker):
 * [start, end) in the space maps host..; readonly: ROM or a read-only
 * range; writable: neither, and no dirty logging (so plain host stores are
 * what the memory API would do). gen is
 * memory_map_generation() taken before the map was read: the range is
 * still right while memory_map_generation() returns the same value.
 */
typedef struct AddressSpaceRam {
    uint64_t gen;
    hwaddr start;
    hwaddr end;
    uint8_t *host;
    bool readonly;
    bool writable;
} AddressSpaceRam;

/* Bumped whenever any address space's flat view is replaced or dropped. */
uint64_t memory_map_generation(void);
/* The RAM range of as holding addr; false if addr is not in RAM. */
bool address_space_find_ram(AddressSpace *as, hwaddr addr, AddressSpaceRam *r);

/*
 * info mtree: the region trees of all address spaces (and the alias
 * targets not otherwise shown), or with flatview the flattened views,
 * as QEMU prints them.
 */
void mtree_info(GString *out, bool flatview);

/* ---- accessors (system/physmem.c) ---- */

/*
 * Read or write len bytes at addr, across as many ranges as that takes:
 * RAM by copy, I/O through the dispatcher in the largest pieces the
 * devices accept. Holes read as zero and report MEMTX_DECODE_ERROR; a
 * range that wraps past the top of the space is MEMTX_DECODE_ERROR and
 * nothing is accessed. Results of the pieces are or-ed.
 */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len);
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             void *buf, hwaddr len, bool is_write);
/*
 * Told of every write into RAM through address_space_rw (device DMA, the
 * loaders): addr/len in the address space written. TCG sets it to drop
 * translated code the write overwrites (QEMU's invalidate_and_set_dirty).
 * NULL: nobody cares.
 */
extern void (*physmem_ram_write_notify)(hwaddr addr, hwaddr len);

/* Little-endian loads and stores; result may be NULL. */
uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                           MemTxResult *result);
uint16_t address_space_lduw_le(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, MemTxResult *result);
uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result);
uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result);
void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t val,
                       MemTxAttrs attrs, MemTxResult *result);
void address_space_stw_le(AddressSpace *as, hwaddr addr, uint16_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result);

/*
 * Direct access to guest RAM: a host pointer for up to *plen bytes at
 * addr, *plen shortened to what is contiguous RAM (read-write RAM when
 * is_write). NULL with *plen = 0 when addr is not RAM: the caller falls
 * back to address_space_read/write. Every successful map needs an unmap,
 * which drops the reference on the region (access_len: bytes written).
 */
void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write, MemTxAttrs attrs);
void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         bool is_write, hwaddr access_len);

/* The RAM region holding host address ptr (and *offset in it), or NULL. */
MemoryRegion *memory_region_from_host(void *ptr, hwaddr *offset);

/* Device DMA: the same checks as address_space_read/write. */
typedef enum DMADirection {
    DMA_DIRECTION_TO_DEVICE = 0,
    DMA_DIRECTION_FROM_DEVICE = 1,
} DMADirection;

MemTxResult dma_memory_read(AddressSpace *as, hwaddr addr, void *buf,
                            hwaddr len, MemTxAttrs attrs);
MemTxResult dma_memory_write(AddressSpace *as, hwaddr addr, const void *buf,
                             hwaddr len, MemTxAttrs attrs);
MemTxResult dma_memory_set(AddressSpace *as, hwaddr addr, uint8_t c,
                           hwaddr len, MemTxAttrs attrs);

#endif
