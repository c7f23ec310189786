/*
 * memory.c: memory regions, their flattening into each address space's
 * FlatView on transaction commit, the listeners told of the difference, and
 * the I/O dispatcher that fits guest accesses to what a device implements.
 * Guest-physical accessors are in physmem.c; the info mtree dump is here.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "exec/memory.h"
#include "qemu/log.h"

#define INT128_2_64 ((Int128)1 << 64)

typedef struct FlatRange {
    MemoryRegion *mr;
    hwaddr offset_in_region;
    Int128 start;
    Int128 size;
    bool readonly;
    uint8_t dirty_log_mask;
} FlatRange;

struct FlatView {
    int ref;
    MemoryRegion *root;
    FlatRange *ranges;
    unsigned nr;
    unsigned nr_allocated;
};

AddressSpace address_space_memory;
AddressSpace address_space_io;
static MemoryRegion system_memory;
static MemoryRegion system_io;

static GList *address_spaces;
static unsigned transaction_depth;
static bool update_pending;
/*
 * Held only across "load current_map + take a reference" and the swap, so
 * that a reader never references a view whose last reference is going.
 */
static GMutex flatview_lock;
/* See memory_map_generation(): bumped after every current_map change. */
static uint64_t map_generation;

/* ---- regions ---- */

static void memory_region_do_init(MemoryRegion *mr, Object *owner,
                                  const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = g_strdup(name);
    mr->owner = owner;
    mr->size = size == UINT64_MAX ? INT128_2_64 : (Int128)size;
    mr->enabled = true;
    mr->ram_fd = -1;
    mr->initialized = true;
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    memory_region_do_init(mr, owner, name, size);
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_do_init(mr, owner, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->terminates = true;
}

/* Host RAM regions, for memory_region_from_host(). */
static GList *ram_regions;
static GMutex ram_regions_lock;

static void ram_region_register(MemoryRegion *mr)
{
    g_mutex_lock(&ram_regions_lock);
    ram_regions = g_list_prepend(ram_regions, mr);
    g_mutex_unlock(&ram_regions_lock);
}

MemoryRegion *memory_region_from_host(void *ptr, hwaddr *offset)
{
    MemoryRegion *found = NULL;

    g_mutex_lock(&ram_regions_lock);
    for (GList *l = ram_regions; l; l = l->next) {
        MemoryRegion *mr = l->data;
        uintptr_t base = (uintptr_t)mr->ram_ptr;

        if ((uintptr_t)ptr >= base && (Int128)(uintptr_t)ptr < base + mr->size) {
            found = mr;
            if (offset) {
                *offset = (uintptr_t)ptr - base;
            }
            break;
        }
    }
    g_mutex_unlock(&ram_regions_lock);
    return found;
}

static void memory_region_set_ram(MemoryRegion *mr, void *ptr, uint64_t map,
                                  int fd, bool shared)
{
    mr->ram = true;
    mr->terminates = true;
    mr->ram_ptr = ptr;
    mr->ram_map_size = map;
    mr->ram_fd = fd;
    mr->ram_shared = shared;
    ram_region_register(mr);
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp)
{
    void *ptr;

    memory_region_do_init(mr, owner, name, size);
    if (size == 0 || size == UINT64_MAX) {
        error_setg(errp, "cannot set up guest memory '%s': Invalid size",
                   name);
        return false;
    }
    /* MAP_NORESERVE: the guest's RAM costs host memory only once touched. */
    ptr = mmap(NULL, size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ptr == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot set up guest memory '%s'", name);
        return false;
    }
    memory_region_set_ram(mr, ptr, size, -1, false);
    return true;
}

bool memory_region_init_rom(MemoryRegion *mr, Object *owner, const char *name,
                            uint64_t size, Error **errp)
{
    if (!memory_region_init_ram(mr, owner, name, size, errp)) {
        return false;
    }
    mr->readonly = true;
    return true;
}

bool memory_region_init_ram_from_fd(MemoryRegion *mr, Object *owner,
                                    const char *name, uint64_t size,
                                    bool share, int fd, uint64_t offset,
                                    Error **errp)
{
    void *ptr;
    int flags = share ? MAP_SHARED : MAP_PRIVATE | MAP_NORESERVE;

    memory_region_do_init(mr, owner, name, size);
    if (size == 0 || size == UINT64_MAX || offset > INT64_MAX) {
        error_setg(errp, "cannot set up guest memory '%s': Invalid size",
                   name);
        close(fd);
        return false;
    }
    ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, fd, (off_t)offset);
    if (ptr == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot set up guest memory '%s'", name);
        close(fd);
        return false;
    }
    memory_region_set_ram(mr, ptr, size, fd, share);
    return true;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    memory_region_do_init(mr, owner, name, size);
    memory_region_set_ram(mr, ptr, 0, -1, false);
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    memory_region_do_init(mr, owner, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
}

void memory_region_destroy(MemoryRegion *mr)
{
    if (!mr->initialized) {
        return;
    }
    g_assert(!mr->container);
    while (mr->subregions) {
        memory_region_del_subregion(mr, mr->subregions->data);
    }
    if (mr->ram) {
        g_mutex_lock(&ram_regions_lock);
        ram_regions = g_list_remove(ram_regions, mr);
        g_mutex_unlock(&ram_regions_lock);
        if (mr->ram_map_size) {
            munmap(mr->ram_ptr, mr->ram_map_size);
        }
        if (mr->ram_fd >= 0) {
            close(mr->ram_fd);
        }
    }
    g_free(mr->name);
    memset(mr, 0, sizeof(*mr));
    mr->ram_fd = -1;
}

void memory_region_ref(MemoryRegion *mr)
{
    /* The owner's lifetime is the region's: it is embedded in the owner. */
    if (mr && mr->owner) {
        object_ref(mr->owner);
    }
}

void memory_region_unref(MemoryRegion *mr)
{
    if (mr && mr->owner) {
        object_unref(mr->owner);
    }
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

uint64_t memory_region_size(MemoryRegion *mr)
{
    return int128_get64(mr->size);
}

bool memory_region_is_ram(MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    return mr->ram;
}

bool memory_region_is_rom(MemoryRegion *mr)
{
    return memory_region_is_ram(mr) && mr->readonly;
}

Object *memory_region_owner(MemoryRegion *mr)
{
    return mr->owner;
}

int memory_region_get_fd(MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    return mr->ram ? mr->ram_fd : -1;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram) {
        return NULL;
    }
    return (uint8_t *)mr->ram_ptr + offset;
}

/* ---- the tree ---- */

static void memory_region_mark_changed(void)
{
    memory_region_transaction_begin();
    update_pending = true;
    memory_region_transaction_commit();
}

static void memory_region_insert_sorted(MemoryRegion *mr,
                                        MemoryRegion *subregion)
{
    GList *l = mr->subregions;

    /* Before the first of equal or lower priority: later-added wins. */
    while (l && ((MemoryRegion *)l->data)->priority > subregion->priority) {
        l = l->next;
    }
    mr->subregions = g_list_insert_before(mr->subregions, l, subregion);
}

static void memory_region_add_subregion_common(MemoryRegion *mr,
                                               hwaddr offset,
                                               MemoryRegion *subregion)
{
    g_assert(!subregion->container);
    subregion->container = mr;
    subregion->addr = offset;
    memory_region_ref(subregion);
    memory_region_insert_sorted(mr, subregion);
    memory_region_mark_changed();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    subregion->may_overlap = false;
    subregion->priority = 0;
    memory_region_add_subregion_common(mr, offset, subregion);
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    subregion->may_overlap = true;
    subregion->priority = priority;
    memory_region_add_subregion_common(mr, offset, subregion);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    g_assert(subregion->container == mr);
    subregion->container = NULL;
    mr->subregions = g_list_remove(mr->subregions, subregion);
    memory_region_mark_changed();
    memory_region_unref(subregion);
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_region_mark_changed();
    }
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    MemoryRegion *container = mr->container;

    if (addr == mr->addr) {
        return;
    }
    if (!container) {
        mr->addr = addr;
        return;
    }
    /* Re-adding keeps the ordering rules: the moved region is the latest. */
    memory_region_transaction_begin();
    memory_region_ref(mr);
    memory_region_del_subregion(container, mr);
    memory_region_add_subregion_common(container, addr, mr);
    memory_region_unref(mr);
    memory_region_transaction_commit();
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    Int128 s = size == UINT64_MAX ? INT128_2_64 : (Int128)size;

    if (s == mr->size) {
        return;
    }
    /* A RAM mapping cannot grow: never claim more than is mapped. */
    if (mr->ram && mr->ram_map_size && s > (Int128)mr->ram_map_size) {
        s = mr->ram_map_size;
    }
    mr->size = s;
    memory_region_mark_changed();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        memory_region_mark_changed();
    }
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        memory_region_mark_changed();
    }
}

void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client)
{
    uint8_t mask = (uint8_t)(1u << client);
    uint8_t old = mr->dirty_log_mask;

    mr->dirty_log_mask = log ? old | mask : old & ~mask;
    if (mr->dirty_log_mask != old) {
        memory_region_mark_changed();
    }
}

/* ---- flat views ---- */

static FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *fv = g_new0(FlatView, 1);

    fv->ref = 1;
    fv->root = root;
    return fv;
}

static void flatview_insert(FlatView *fv, unsigned pos, const FlatRange *fr)
{
    if (fv->nr == fv->nr_allocated) {
        fv->nr_allocated = MAX(2 * fv->nr_allocated, 16);
        fv->ranges = g_renew(FlatRange, fv->ranges, fv->nr_allocated);
    }
    memmove(&fv->ranges[pos + 1], &fv->ranges[pos],
            (fv->nr - pos) * sizeof(FlatRange));
    fv->ranges[pos] = *fr;
    fv->nr++;
}

void flatview_ref(FlatView *fv)
{
    __atomic_add_fetch(&fv->ref, 1, __ATOMIC_RELAXED);
}

void flatview_unref(FlatView *fv)
{
    if (!fv || __atomic_sub_fetch(&fv->ref, 1, __ATOMIC_ACQ_REL) > 0) {
        return;
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        memory_region_unref(fv->ranges[i].mr);
    }
    g_free(fv->ranges);
    g_free(fv);
}

/*
 * Render mr, placed at base in the space, into fv where clip allows and
 * nothing rendered earlier (which won) already is. Subregions go first, in
 * priority order, then a terminating region fills the gaps they left.
 */
static void render_region(FlatView *fv, MemoryRegion *mr, Int128 base,
                          Int128 clip_start, Int128 clip_end, bool readonly)
{
    Int128 start, end, pos;
    FlatRange fr;

    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    readonly |= mr->readonly;
    start = MAX(base, clip_start);
    end = MIN(base + mr->size, clip_end);
    if (start >= end) {
        return;
    }
    if (mr->alias) {
        /* The target's own placement does not matter, only the window. */
        base -= mr->alias->addr;
        base -= mr->alias_offset;
        render_region(fv, mr->alias, base, start, end, readonly);
        return;
    }
    for (GList *l = mr->subregions; l; l = l->next) {
        render_region(fv, l->data, base, start, end, readonly);
    }
    if (!mr->terminates) {
        return;
    }
    fr = (FlatRange) {
        .mr = mr, .readonly = readonly, .dirty_log_mask = mr->dirty_log_mask,
    };
    pos = start;
    for (unsigned i = 0; i < fv->nr && pos < end; i++) {
        FlatRange *r = &fv->ranges[i];

        if (pos >= r->start + r->size) {
            continue;
        }
        if (pos < r->start) {
            fr.start = pos;
            fr.size = MIN(end, r->start) - pos;
            fr.offset_in_region = (hwaddr)(pos - base);
            flatview_insert(fv, i, &fr);
            i++;
            r = &fv->ranges[i];
        }
        pos = r->start + r->size;
    }
    if (pos < end) {
        fr.start = pos;
        fr.size = end - pos;
        fr.offset_in_region = (hwaddr)(pos - base);
        flatview_insert(fv, fv->nr, &fr);
    }
}

static bool flatrange_can_merge(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->start + a->size == b->start &&
           (Int128)a->offset_in_region + a->size ==
               (Int128)b->offset_in_region &&
           a->readonly == b->readonly &&
           a->dirty_log_mask == b->dirty_log_mask;
}

/* Merge neighbours that continue the same region (one memslot, not N). */
static void flatview_simplify(FlatView *fv)
{
    unsigned out = 0;

    for (unsigned i = 0; i < fv->nr; i++) {
        if (out && flatrange_can_merge(&fv->ranges[out - 1], &fv->ranges[i])) {
            fv->ranges[out - 1].size += fv->ranges[i].size;
        } else {
            fv->ranges[out++] = fv->ranges[i];
        }
    }
    fv->nr = out;
}

static FlatView *generate_memory_topology(MemoryRegion *root)
{
    FlatView *fv = flatview_new(root);

    if (root) {
        render_region(fv, root, 0, 0, INT128_2_64, false);
    }
    flatview_simplify(fv);
    for (unsigned i = 0; i < fv->nr; i++) {
        memory_region_ref(fv->ranges[i].mr);
    }
    return fv;
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    FlatView *fv;

    g_mutex_lock(&flatview_lock);
    fv = __atomic_load_n(&as->current_map, __ATOMIC_ACQUIRE);
    flatview_ref(fv);
    g_mutex_unlock(&flatview_lock);
    return fv;
}

unsigned flatview_nr_ranges(FlatView *fv)
{
    return fv->nr;
}

static MemoryRegionSection section_from_flat_range(FlatView *fv,
                                                   const FlatRange *fr)
{
    return (MemoryRegionSection) {
        .mr = fr->mr,
        .fv = fv,
        .size = fr->size,
        .offset_within_region = fr->offset_in_region,
        .offset_within_address_space = (hwaddr)fr->start,
        .readonly = fr->readonly,
    };
}

MemoryRegionSection flatview_range(FlatView *fv, unsigned i)
{
    g_assert(i < fv->nr);
    return section_from_flat_range(fv, &fv->ranges[i]);
}

/* Index of the first range that ends after addr (fv->nr if none). */
static unsigned flatview_search(FlatView *fv, hwaddr addr)
{
    unsigned lo = 0, hi = fv->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        FlatRange *r = &fv->ranges[mid];

        if (r->start + r->size <= (Int128)addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

MemoryRegionSection memory_region_find_flat(FlatView *fv, hwaddr addr)
{
    unsigned i = flatview_search(fv, addr);
    MemoryRegionSection s = { .fv = fv, .offset_within_address_space = addr };
    FlatRange *r;

    if (i == fv->nr) {
        s.size = INT128_2_64 - addr;
        return s;
    }
    r = &fv->ranges[i];
    if (r->start > (Int128)addr) {
        s.size = r->start - addr;
        return s;
    }
    s = section_from_flat_range(fv, r);
    s.offset_within_region += (hwaddr)(addr - r->start);
    s.offset_within_address_space = addr;
    s.size = r->start + r->size - addr;
    return s;
}

uint64_t memory_map_generation(void)
{
    return __atomic_load_n(&map_generation, __ATOMIC_ACQUIRE);
}

bool address_space_find_ram(AddressSpace *as, hwaddr addr, AddressSpaceRam *r)
{
    /* The generation first: a map published after it makes r stale at once. */
    uint64_t gen = memory_map_generation();
    FlatView *fv = address_space_get_flatview(as);
    unsigned i = flatview_search(fv, addr);
    FlatRange *fr = i < fv->nr ? &fv->ranges[i] : NULL;
    bool found = false;

    if (fr && fr->start <= (Int128)addr && memory_region_is_ram(fr->mr)) {
        Int128 end = fr->start + fr->size;

        r->gen = gen;
        r->start = (hwaddr)fr->start;
        r->end = end > (Int128)UINT64_MAX ? UINT64_MAX : (hwaddr)end;
        r->host = (uint8_t *)memory_region_get_ram_ptr(fr->mr) + fr->offset_in_region;
        r->readonly = fr->readonly || memory_region_is_rom(fr->mr);
        r->writable = !r->readonly && !fr->dirty_log_mask;
        found = true;
    }
    flatview_unref(fv);
    return found;
}

/* ---- listeners ---- */

#define FOR_EACH_LISTENER(as, l, forward)                                  \
    for (GList *l = (forward) ? (as)->listeners : g_list_last((as)->listeners); \
         l; l = (forward) ? l->next : l->prev)

static void listener_begin(AddressSpace *as)
{
    FOR_EACH_LISTENER(as, l, true) {
        MemoryListener *ml = l->data;

        if (ml->begin) {
            ml->begin(ml);
        }
    }
}

static void listener_commit(AddressSpace *as)
{
    FOR_EACH_LISTENER(as, l, true) {
        MemoryListener *ml = l->data;

        if (ml->commit) {
            ml->commit(ml);
        }
    }
}

enum { LISTEN_ADD, LISTEN_DEL, LISTEN_NOP };

static void listener_notify_one(MemoryListener *ml, int what,
                                MemoryRegionSection *s)
{
    void (*fn)(MemoryListener *, MemoryRegionSection *) =
        what == LISTEN_ADD ? ml->region_add :
        what == LISTEN_DEL ? ml->region_del : ml->region_nop;

    if (fn) {
        fn(ml, s);
    }
}

static void listener_notify(AddressSpace *as, FlatView *fv, FlatRange *fr,
                            int what)
{
    MemoryRegionSection s = section_from_flat_range(fv, fr);

    s.address_space = as;
    /* Deletions in reverse priority order, as QEMU does. */
    FOR_EACH_LISTENER(as, l, what != LISTEN_DEL) {
        listener_notify_one(l->data, what, &s);
    }
}

static void listener_log_change(AddressSpace *as, FlatView *fv,
                                FlatRange *old, FlatRange *new)
{
    MemoryRegionSection s = section_from_flat_range(fv, new);
    int o = old->dirty_log_mask, n = new->dirty_log_mask;

    s.address_space = as;
    FOR_EACH_LISTENER(as, l, true) {
        MemoryListener *ml = l->data;

        if ((n & ~o) && ml->log_start) {
            ml->log_start(ml, &s, o, n);
        }
        if ((o & ~n) && ml->log_stop) {
            ml->log_stop(ml, &s, o, n);
        }
    }
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->start == b->start && a->size == b->size &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly;
}

/*
 * Walk both sorted views together; ranges only in old are deleted (first
 * pass, so that listeners never see two ranges overlap), ranges only in new
 * added (second pass).
 */
static void address_space_update_pass(AddressSpace *as, FlatView *old,
                                      FlatView *new, bool adding)
{
    unsigned io = 0, in = 0;

    while (io < old->nr || in < new->nr) {
        FlatRange *fo = io < old->nr ? &old->ranges[io] : NULL;
        FlatRange *fn = in < new->nr ? &new->ranges[in] : NULL;

        if (fo && (!fn || fo->start < fn->start ||
                   (fo->start == fn->start && !flatrange_equal(fo, fn)))) {
            if (!adding) {
                listener_notify(as, old, fo, LISTEN_DEL);
            }
            io++;
        } else if (fo && fn && flatrange_equal(fo, fn)) {
            if (adding) {
                listener_notify(as, new, fn, LISTEN_NOP);
                if (fo->dirty_log_mask != fn->dirty_log_mask) {
                    listener_log_change(as, new, fo, fn);
                }
            }
            io++;
            in++;
        } else {
            if (adding) {
                listener_notify(as, new, fn, LISTEN_ADD);
            }
            in++;
        }
    }
}

static void address_space_update_topology(AddressSpace *as)
{
    FlatView *new = generate_memory_topology(as->root);
    FlatView *old;

    g_mutex_lock(&flatview_lock);
    old = as->current_map;
    __atomic_store_n(&as->current_map, new, __ATOMIC_RELEASE);
    __atomic_add_fetch(&map_generation, 1, __ATOMIC_RELEASE);
    g_mutex_unlock(&flatview_lock);

    if (as->listeners && old) {
        listener_begin(as);
        address_space_update_pass(as, old, new, false);
        address_space_update_pass(as, old, new, true);
        listener_commit(as);
    }
    flatview_unref(old);
}

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    g_assert(transaction_depth > 0);
    if (--transaction_depth == 0 && update_pending) {
        update_pending = false;
        for (GList *l = address_spaces; l; l = l->next) {
            address_space_update_topology(l->data);
        }
    }
}

static gint listener_cmp(gconstpointer a, gconstpointer b)
{
    const MemoryListener *x = a, *y = b;

    return x->priority < y->priority ? -1 : x->priority > y->priority;
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    FlatView *fv = as->current_map;
    GList *l;

    g_assert(!listener->address_space);
    listener->address_space = as;
    /* Among equal priorities, registration order. */
    for (l = as->listeners; l; l = l->next) {
        if (listener_cmp(l->data, listener) > 0) {
            break;
        }
    }
    as->listeners = g_list_insert_before(as->listeners, l, listener);

    if (listener->begin) {
        listener->begin(listener);
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        MemoryRegionSection s = section_from_flat_range(fv, &fv->ranges[i]);

        s.address_space = as;
        if (listener->region_add) {
            listener->region_add(listener, &s);
        }
        if (fv->ranges[i].dirty_log_mask && listener->log_start) {
            listener->log_start(listener, &s, 0, fv->ranges[i].dirty_log_mask);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;
    FlatView *fv;

    if (!as) {
        return;
    }
    fv = as->current_map;
    if (listener->begin) {
        listener->begin(listener);
    }
    for (unsigned i = fv->nr; i-- > 0;) {
        MemoryRegionSection s = section_from_flat_range(fv, &fv->ranges[i]);

        s.address_space = as;
        if (fv->ranges[i].dirty_log_mask && listener->log_stop) {
            listener->log_stop(listener, &s, fv->ranges[i].dirty_log_mask, 0);
        }
        if (listener->region_del) {
            listener->region_del(listener, &s);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    as->listeners = g_list_remove(as->listeners, listener);
    listener->address_space = NULL;
}

/* ---- address spaces ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name ? name : "anonymous");
    as->root = root;
    memory_region_ref(root);
    as->current_map = generate_memory_topology(root);
    address_spaces = g_list_append(address_spaces, as);
}

void address_space_destroy(AddressSpace *as)
{
    while (as->listeners) {
        memory_listener_unregister(as->listeners->data);
    }
    address_spaces = g_list_remove(address_spaces, as);
    /* A space allocated at the same address must not match old caches. */
    __atomic_add_fetch(&map_generation, 1, __ATOMIC_RELEASE);
    flatview_unref(as->current_map);
    as->current_map = NULL;
    memory_region_unref(as->root);
    g_clear_pointer(&as->name, g_free);
}

/* x86 ports with nothing behind them float high. */
static uint64_t unassigned_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return UINT64_MAX;
}

static void unassigned_io_write(void *opaque, hwaddr addr, uint64_t data,
                                unsigned size)
{
}

static const MemoryRegionOps unassigned_io_ops = {
    .read = unassigned_io_read,
    .write = unassigned_io_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
};

void memory_init(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        memory_region_init(&system_memory, NULL, "system", UINT64_MAX);
        address_space_init(&address_space_memory, &system_memory, "memory");
        memory_region_init_io(&system_io, NULL, &unassigned_io_ops, NULL,
                              "io", 65536);
        address_space_init(&address_space_io, &system_io, "I/O");
        g_once_init_leave(&done, 1);
    }
}

MemoryRegion *get_system_memory(void)
{
    memory_init();
    return &system_memory;
}

MemoryRegion *get_system_io(void)
{
    memory_init();
    return &system_io;
}

/* ---- I/O dispatch ---- */

static unsigned clamp_size(unsigned v, unsigned dflt)
{
    return v == 0 ? dflt : MIN(v, 8u);
}

bool memory_region_access_valid(MemoryRegion *mr, hwaddr addr, unsigned size,
                                bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;

    if (!ops || size == 0 || size > 8 || (size & (size - 1))) {
        return false;
    }
    if (size < clamp_size(ops->valid.min_access_size, 1) ||
        size > clamp_size(ops->valid.max_access_size, 4)) {
        return false;
    }
    if (!ops->valid.unaligned && (addr & (size - 1))) {
        return false;
    }
    if ((Int128)addr + size > mr->size) {
        return false;
    }
    if (ops->valid.accepts &&
        !ops->valid.accepts(mr->opaque, addr, size, is_write, attrs)) {
        return false;
    }
    return true;
}

static MemTxResult call_read(MemoryRegion *mr, hwaddr addr, uint64_t *v,
                             unsigned size, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;

    if (ops->read_with_attrs) {
        return ops->read_with_attrs(mr->opaque, addr, v, size, attrs);
    }
    if (ops->read) {
        *v = ops->read(mr->opaque, addr, size);
        return MEMTX_OK;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "%s: region '%s' cannot be read\n",
                  __func__, memory_region_name(mr));
    *v = 0;
    return MEMTX_DECODE_ERROR;
}

static MemTxResult call_write(MemoryRegion *mr, hwaddr addr, uint64_t v,
                              unsigned size, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;

    if (ops->write_with_attrs) {
        return ops->write_with_attrs(mr->opaque, addr, v, size, attrs);
    }
    if (ops->write) {
        ops->write(mr->opaque, addr, v, size);
        return MEMTX_OK;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "%s: region '%s' cannot be written\n",
                  __func__, memory_region_name(mr));
    return MEMTX_DECODE_ERROR;
}

/*
 * The guest's access, already validated, becomes accesses of the size the
 * device implements. Both sides are looked at as bytes in memory order:
 * the guest's value is little-endian (x86), the device's in its own
 * endianness. A widened write carries zeroes in the bytes the guest did
 * not write; no read-modify-write, which could trigger read side effects.
 */
static MemTxResult access_adjusted(MemoryRegion *mr, hwaddr addr,
                                   uint64_t *val, unsigned size,
                                   bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned imin = clamp_size(ops->impl.min_access_size, 1);
    unsigned imax = clamp_size(ops->impl.max_access_size, 4);
    unsigned asz = MAX(MIN(size, imax), imin);
    bool be = ops->endianness == DEVICE_BIG_ENDIAN;
    uint8_t bytes[8] = { 0 };
    Int128 end = (Int128)addr + size;
    Int128 pos;
    MemTxResult r = MEMTX_OK;

    if (asz == size && !be && (ops->impl.unaligned || !(addr & (size - 1)))) {
        return is_write ? call_write(mr, addr, *val, size, attrs)
                        : call_read(mr, addr, val, size, attrs);
    }
    /* asz is a power of two: imin and imax are, by contract, clamped. */
    if (asz & (asz - 1)) {
        asz = 1;
    }
    if (is_write) {
        for (unsigned k = 0; k < size; k++) {
            bytes[k] = *val >> (8 * k);
        }
    }
    pos = ops->impl.unaligned ? (Int128)addr : (Int128)(addr & ~(hwaddr)(asz - 1));
    for (; pos < end; pos += asz) {
        uint64_t v = 0;

        for (unsigned j = 0; is_write && j < asz; j++) {
            Int128 a = pos + j;
            unsigned shift = be ? 8 * (asz - 1 - j) : 8 * j;

            if (a >= (Int128)addr && a < end) {
                v |= (uint64_t)bytes[a - addr] << shift;
            }
        }
        if (is_write) {
            r |= call_write(mr, (hwaddr)pos, v, asz, attrs);
            continue;
        }
        r |= call_read(mr, (hwaddr)pos, &v, asz, attrs);
        for (unsigned j = 0; j < asz; j++) {
            Int128 a = pos + j;
            unsigned shift = be ? 8 * (asz - 1 - j) : 8 * j;

            if (a >= (Int128)addr && a < end) {
                bytes[a - addr] = v >> shift;
            }
        }
    }
    if (!is_write) {
        *val = 0;
        for (unsigned k = 0; k < size; k++) {
            *val |= (uint64_t)bytes[k] << (8 * k);
        }
    }
    return r;
}

static MemTxResult dispatch_checked(MemoryRegion *mr, hwaddr addr,
                                    uint64_t *val, unsigned size,
                                    bool is_write, MemTxAttrs attrs)
{
    if (!memory_region_access_valid(mr, addr, size, is_write, attrs)) {
        qemu_log_mask(LOG_GUEST_ERROR, "Invalid %s at addr 0x%" HWADDR_PRIx
                      ", size %u, region '%s', reason: rejected\n",
                      is_write ? "write" : "read", addr, size,
                      memory_region_name(mr));
        return MEMTX_DECODE_ERROR;
    }
    return access_adjusted(mr, addr, val, size, is_write, attrs);
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs)
{
    *pval = 0;
    return dispatch_checked(mr, addr, pval, size, false, attrs);
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    return dispatch_checked(mr, addr, &data, size, true, attrs);
}

/* ---- info mtree ---- */

#define MTREE_FMT "%016" PRIx64 "-%016" PRIx64

static uint64_t mr_last_offset(Int128 size)
{
    return size == 0 ? 0 : int128_get64(size - 1);
}

static const char *memory_region_type(MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    if (mr->ram) {
        return mr->readonly ? "rom" : "ram";
    }
    return "i/o";
}

static gint subregion_print_cmp(gconstpointer a, gconstpointer b)
{
    const MemoryRegion *x = a, *y = b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    return x->priority > y->priority ? -1 : x->priority < y->priority;
}

static void mtree_print_mr(GString *out, MemoryRegion *mr, unsigned level,
                           hwaddr base, GPtrArray *aliases)
{
    hwaddr start = base + mr->addr;
    hwaddr end = start + mr_last_offset(mr->size);
    GList *sorted;

    for (unsigned i = 0; i < level; i++) {
        g_string_append(out, "  ");
    }
    if (start < base || end < start) {
        g_string_append(out, "[DETECTED OVERFLOW!] ");
    }
    if (mr->alias) {
        if (!g_ptr_array_find(aliases, mr->alias, NULL)) {
            g_ptr_array_add(aliases, mr->alias);
        }
        g_string_append_printf(out, MTREE_FMT " (prio %d, %s): alias %s @%s "
                               MTREE_FMT "%s\n", start, end, mr->priority,
                               memory_region_type(mr), memory_region_name(mr),
                               memory_region_name(mr->alias), mr->alias_offset,
                               mr->alias_offset + mr_last_offset(mr->size),
                               mr->enabled ? "" : " [disabled]");
    } else {
        g_string_append_printf(out, MTREE_FMT " (prio %d, %s): %s%s\n",
                               start, end, mr->priority,
                               memory_region_type(mr), memory_region_name(mr),
                               mr->enabled ? "" : " [disabled]");
    }
    /* Stable sort: equal address and priority keep the subregion order. */
    sorted = g_list_sort(g_list_copy(mr->subregions), subregion_print_cmp);
    for (GList *l = sorted; l; l = l->next) {
        mtree_print_mr(out, l->data, level + 1, start, aliases);
    }
    g_list_free(sorted);
}

static gint as_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const AddressSpace *)a)->name,
                  ((const AddressSpace *)b)->name);
}

/* The address spaces grouped by root, roots in order of first appearance. */
static GPtrArray *address_spaces_by_root(bool sort_names)
{
    GPtrArray *groups = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_list_free);

    for (GList *l = address_spaces; l; l = l->next) {
        AddressSpace *as = l->data;
        bool found = false;

        for (unsigned i = 0; i < groups->len && !found; i++) {
            GList **g = (GList **)&groups->pdata[i];

            if (((AddressSpace *)(*g)->data)->root == as->root) {
                *g = sort_names ? g_list_insert_sorted(*g, as, as_name_cmp)
                                : g_list_append(*g, as);
                found = true;
            }
        }
        if (!found) {
            g_ptr_array_add(groups, g_list_append(NULL, as));
        }
    }
    return groups;
}

static void mtree_print_flatview(GString *out, unsigned n, GList *group)
{
    AddressSpace *first = group->data;
    FlatView *fv = address_space_get_flatview(first);

    g_string_append_printf(out, "FlatView #%u\n", n);
    for (GList *l = group; l; l = l->next) {
        AddressSpace *as = l->data;

        g_string_append_printf(out, " AS \"%s\", root: %s", as->name,
                               as->root ? memory_region_name(as->root)
                                        : "(none)");
        if (as->root && as->root->alias) {
            g_string_append_printf(out, ", alias %s",
                                   memory_region_name(as->root->alias));
        }
        g_string_append(out, "\n");
    }
    g_string_append_printf(out, " Root memory region: %s\n",
                           fv->root ? memory_region_name(fv->root) : "(none)");
    if (fv->nr == 0) {
        g_string_append(out, "  No rendered FlatView\n\n");
        flatview_unref(fv);
        return;
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        FlatRange *fr = &fv->ranges[i];
        uint64_t start = (uint64_t)fr->start;

        g_string_append_printf(out, "  " MTREE_FMT " (prio %d, %s): %s",
                               start, start + mr_last_offset(fr->size),
                               fr->mr->priority,
                               fr->readonly ? "rom" : memory_region_type(fr->mr),
                               memory_region_name(fr->mr));
        if (fr->offset_in_region) {
            g_string_append_printf(out, " @%016" PRIx64, fr->offset_in_region);
        }
        g_string_append(out, "\n");
    }
    g_string_append(out, "\n");
    flatview_unref(fv);
}

void mtree_info(GString *out, bool flatview)
{
    GPtrArray *groups = address_spaces_by_root(!flatview);

    if (flatview) {
        for (unsigned i = 0; i < groups->len; i++) {
            mtree_print_flatview(out, i, groups->pdata[i]);
        }
        g_ptr_array_free(groups, true);
        return;
    }

    GPtrArray *aliases = g_ptr_array_new();

    for (unsigned i = 0; i < groups->len; i++) {
        GList *group = groups->pdata[i];
        AddressSpace *first = group->data;

        for (GList *l = group; l; l = l->next) {
            g_string_append_printf(out, "address-space: %s\n",
                                   ((AddressSpace *)l->data)->name);
        }
        if (first->root) {
            mtree_print_mr(out, first->root, 1, 0, aliases);
        }
        g_string_append(out, "\n");
    }
    /* Alias targets, including those their own printing discovers. */
    for (unsigned i = 0; i < aliases->len; i++) {
        MemoryRegion *mr = aliases->pdata[i];

        g_string_append_printf(out, "memory-region: %s\n",
                               memory_region_name(mr));
        mtree_print_mr(out, mr, 1, 0, aliases);
        g_string_append(out, "\n");
    }
    g_ptr_array_free(aliases, true);
    g_ptr_array_free(groups, true);
}
