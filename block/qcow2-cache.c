/*
 * qcow2-cache.c: a small LRU cache of cluster-sized metadata tables (L2
 * tables, refcount blocks). Mostly write-through: a modified table is written
 * by the caller where the write ordering requires. Only the allocating write
 * path leaves L2 tables dirty (qcow2_cache_mark_dirty); a dirty table is
 * written after a flush of the file (so what it points to is on disk first),
 * on eviction, on qcow2_cache_write or by qcow2_cache_write_dirty. Callers
 * hold the node's metadata lock.
 */
#include "qemu/osdep.h"
#include "qcow2.h"

typedef struct Qcow2CacheEntry {
    uint64_t offset;     /* 0: free slot */
    void *table;
    int ref;
    bool dirty;
    uint64_t lru;
} Qcow2CacheEntry;

struct Qcow2Cache {
    int capacity;
    int64_t table_size;
    GPtrArray *entries;  /* of Qcow2CacheEntry */
    GHashTable *by_offset;
    uint64_t lru_clock;
    int hits, misses;
};

Qcow2Cache *qcow2_cache_create(int entries, int64_t table_size)
{
    Qcow2Cache *c = g_new0(Qcow2Cache, 1);

    c->capacity = MAX(entries, 2);
    c->table_size = table_size;
    c->entries = g_ptr_array_new();
    c->by_offset = g_hash_table_new(g_int64_hash, g_int64_equal);
    return c;
}

static void qcow2_cache_free_entry(Qcow2CacheEntry *e)
{
    g_free(e->table);
    g_free(e);
}

void qcow2_cache_destroy(Qcow2Cache *c)
{
    if (!c) {
        return;
    }
    for (guint i = 0; i < c->entries->len; i++) {
        qcow2_cache_free_entry(g_ptr_array_index(c->entries, i));
    }
    g_ptr_array_free(c->entries, true);
    g_hash_table_destroy(c->by_offset);
    g_free(c);
}

/* Write a dirty table after a flush: what it points to must be on disk first. */
static int qcow2_cache_clean(BlockDriverState *bs, Qcow2Cache *c, Qcow2CacheEntry *e)
{
    int ret = bdrv_flush(bs->file->bs);

    if (ret >= 0) {
        ret = bdrv_pwrite(bs->file, e->offset, c->table_size, e->table, 0);
    }
    if (ret >= 0) {
        e->dirty = false;
    }
    return ret;
}

/*
 * Find a slot for a new table: a new one below capacity, else the least
 * recently used clean one, else the least recently used dirty one (written
 * back first). NULL with *err when that write fails.
 */
static Qcow2CacheEntry *qcow2_cache_victim(BlockDriverState *bs, Qcow2Cache *c, int *err)
{
    Qcow2CacheEntry *best = NULL, *best_dirty = NULL;

    *err = 0;
    if ((int)c->entries->len < c->capacity) {
        Qcow2CacheEntry *e = g_new0(Qcow2CacheEntry, 1);

        e->table = g_malloc(c->table_size);
        g_ptr_array_add(c->entries, e);
        return e;
    }
    for (guint i = 0; i < c->entries->len; i++) {
        Qcow2CacheEntry *e = g_ptr_array_index(c->entries, i);

        if (e->ref) {
            continue;
        }
        if (!e->dirty && (!best || e->lru < best->lru)) {
            best = e;
        } else if (e->dirty && (!best_dirty || e->lru < best_dirty->lru)) {
            best_dirty = e;
        }
    }
    if (!best && best_dirty) {
        *err = qcow2_cache_clean(bs, c, best_dirty);
        if (*err < 0) {
            return NULL;
        }
        best = best_dirty;
    }
    if (!best) {
        /* Every slot in use (cannot happen with our callers): grow. */
        best = g_new0(Qcow2CacheEntry, 1);
        best->table = g_malloc(c->table_size);
        g_ptr_array_add(c->entries, best);
        return best;
    }
    if (best->offset) {
        g_hash_table_remove(c->by_offset, &best->offset);
        best->offset = 0;
    }
    return best;
}

static int qcow2_cache_do_get(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset,
                              void **table, bool read)
{
    Qcow2CacheEntry *e;

    if (offset == 0) {
        return -EIO;
    }
    e = g_hash_table_lookup(c->by_offset, &offset);
    if (e) {
        c->hits++;
        if (!read) {
            memset(e->table, 0, c->table_size);
        }
    } else {
        int err;

        c->misses++;
        e = qcow2_cache_victim(bs, c, &err);
        if (!e) {
            return err;
        }
        if (read) {
            int ret = bdrv_pread(bs->file, offset, c->table_size, e->table, 0);

            if (ret < 0) {
                return ret;
            }
        } else {
            memset(e->table, 0, c->table_size);
        }
        e->offset = offset;
        g_hash_table_insert(c->by_offset, &e->offset, e);
    }
    e->ref++;
    e->lru = ++c->lru_clock;
    *table = e->table;
    return 0;
}

int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset, void **table)
{
    return qcow2_cache_do_get(bs, c, offset, table, true);
}

int qcow2_cache_get_empty(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset,
                          void **table)
{
    return qcow2_cache_do_get(bs, c, offset, table, false);
}

static Qcow2CacheEntry *qcow2_cache_find_table(Qcow2Cache *c, void *table)
{
    for (guint i = 0; i < c->entries->len; i++) {
        Qcow2CacheEntry *e = g_ptr_array_index(c->entries, i);

        if (e->table == table) {
            return e;
        }
    }
    return NULL;
}

void qcow2_cache_put(Qcow2Cache *c, void **table)
{
    Qcow2CacheEntry *e;

    if (!*table) {
        return;
    }
    e = qcow2_cache_find_table(c, *table);
    if (e && e->ref > 0) {
        e->ref--;
    }
    *table = NULL;
}

int qcow2_cache_write(BlockDriverState *bs, Qcow2Cache *c, void *table, int64_t start,
                      int64_t len)
{
    Qcow2CacheEntry *e = qcow2_cache_find_table(c, table);

    if (!e || !e->offset) {
        return -EIO;
    }
    if (e->dirty) {
        return qcow2_cache_clean(bs, c, e);
    }
    if (len <= 0 || start < 0 || start + len > c->table_size) {
        start = 0;
        len = c->table_size;
    }
    return bdrv_pwrite(bs->file, e->offset + start, len, (uint8_t *)table + start, 0);
}

void qcow2_cache_mark_dirty(Qcow2Cache *c, void *table)
{
    Qcow2CacheEntry *e = qcow2_cache_find_table(c, table);

    if (e) {
        e->dirty = true;
    }
}

bool qcow2_cache_has_dirty(Qcow2Cache *c)
{
    for (guint i = 0; i < c->entries->len; i++) {
        Qcow2CacheEntry *e = g_ptr_array_index(c->entries, i);

        if (e->offset && e->dirty) {
            return true;
        }
    }
    return false;
}

int qcow2_cache_write_dirty(BlockDriverState *bs, Qcow2Cache *c)
{
    for (guint i = 0; i < c->entries->len; i++) {
        Qcow2CacheEntry *e = g_ptr_array_index(c->entries, i);

        if (e->offset && e->dirty) {
            int ret = bdrv_pwrite(bs->file, e->offset, c->table_size, e->table, 0);

            if (ret < 0) {
                return ret;
            }
            e->dirty = false;
        }
    }
    return 0;
}

/* A freed cluster must not be served from the cache when it is reused. */
void qcow2_cache_discard(Qcow2Cache *c, uint64_t offset)
{
    Qcow2CacheEntry *e = g_hash_table_lookup(c->by_offset, &offset);

    if (e) {
        g_hash_table_remove(c->by_offset, &e->offset);
        e->offset = 0;
        e->lru = 0;
        e->dirty = false;
    }
}

void qcow2_cache_clear(Qcow2Cache *c)
{
    for (guint i = 0; i < c->entries->len; i++) {
        Qcow2CacheEntry *e = g_ptr_array_index(c->entries, i);

        if (e->offset) {
            g_hash_table_remove(c->by_offset, &e->offset);
            e->offset = 0;
            e->lru = 0;
            e->dirty = false;
        }
    }
}

int qcow2_cache_hits(Qcow2Cache *c)
{
    return c->hits;
}

int qcow2_cache_misses(Qcow2Cache *c)
{
    return c->misses;
}
