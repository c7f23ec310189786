/*
 * tb-maint.c: the tables that find and invalidate translation blocks:
 * the hash table keyed by (pc, cs_base, flags, cflags, physical page of
 * pc), the per-physical-page TB lists that self-modifying code and DMA
 * invalidate through, and the chaining records (jmp_dest/jmp_incoming)
 * that patch and unpatch goto_tb jumps. Everything here runs under the TB
 * lock. TB memory itself belongs to translate-all.c.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "internal.h"

/*
 * A physical page holding code: the TBs on it form a list through
 * tb->page_next[n], where n says which of the TB's pages this is; the
 * links are TB pointers tagged with n in the low bit (TBs are at least
 * 8-byte aligned).
 */
typedef struct PageDesc {
    uintptr_t first_tb;
} PageDesc;

static GHashTable *tb_htable;   /* set of valid TBs */
static GHashTable *tb_pages;    /* page number -> PageDesc */

static uint32_t tb_hash_func(uint64_t phys_pc, uint64_t pc, uint32_t flags,
                             uint32_t cflags, uint64_t cs_base)
{
    uint64_t h = pc * 0x9e3779b97f4a7c15ull;

    h ^= phys_pc + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
    h ^= cs_base + (h << 6) + (h >> 2);
    h ^= ((uint64_t)flags << 32 | (cflags & CF_HASH_MASK)) + (h << 6) + (h >> 2);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static guint tb_htable_hash(gconstpointer p)
{
    return ((const TranslationBlock *)p)->hash;
}

static gboolean tb_htable_equal(gconstpointer a, gconstpointer b)
{
    const TranslationBlock *x = a, *y = b;

    return x->pc == y->pc && x->cs_base == y->cs_base && x->flags == y->flags &&
           (x->cflags & CF_HASH_MASK) == (y->cflags & CF_HASH_MASK) &&
           x->page_addr[0] == y->page_addr[0];
}

void tb_maint_init(void)
{
    tb_htable = g_hash_table_new(tb_htable_hash, tb_htable_equal);
    tb_pages = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

static gpointer page_key(uint64_t paddr)
{
    return (gpointer)(uintptr_t)(paddr >> TARGET_PAGE_BITS);
}

TranslationBlock *tb_htable_lookup(uint64_t pc, uint64_t cs_base,
                                   uint32_t flags, uint32_t cflags,
                                   uint64_t phys_pc)
{
    TranslationBlock key = {
        .pc = pc, .cs_base = cs_base, .flags = flags, .cflags = cflags,
        .page_addr = { phys_pc & TARGET_PAGE_MASK, -1 },
    };
    TranslationBlock *tb;

    key.hash = tb_hash_func(key.page_addr[0], pc, flags, cflags, cs_base);
    tb_lock();
    tb = g_hash_table_lookup(tb_htable, &key);
    tb_unlock();
    return tb;
}

bool tb_page_has_code(uint64_t paddr)
{
    bool ret;

    tb_lock();
    ret = g_hash_table_contains(tb_pages, page_key(paddr));
    tb_unlock();
    return ret;
}

static void tb_page_add(TranslationBlock *tb, int n, uint64_t paddr)
{
    PageDesc *pd = g_hash_table_lookup(tb_pages, page_key(paddr));

    if (!pd) {
        pd = g_new0(PageDesc, 1);
        g_hash_table_insert(tb_pages, page_key(paddr), pd);
        /* Writes to this page must now invalidate translations first. */
        tlb_set_code_page(paddr, true);
    }
    tb->page_next[n] = (TranslationBlock *)pd->first_tb;
    pd->first_tb = (uintptr_t)tb | n;
}

static void tb_page_remove(TranslationBlock *tb, int n, uint64_t paddr)
{
    PageDesc *pd = g_hash_table_lookup(tb_pages, page_key(paddr));
    uintptr_t *link;

    if (!pd) {
        return;
    }
    for (link = &pd->first_tb; *link; ) {
        TranslationBlock *t = (TranslationBlock *)(*link & ~(uintptr_t)1);
        int tn = *link & 1;

        if (t == tb && tn == n) {
            *link = (uintptr_t)t->page_next[tn];
            break;
        }
        link = (uintptr_t *)&t->page_next[tn];
    }
    if (!pd->first_tb) {
        /* No code left: later writes to the page take the fast path again. */
        g_hash_table_remove(tb_pages, page_key(paddr));
        tlb_set_code_page(paddr, false);
    }
}

static bool tb_has_second_page(const TranslationBlock *tb)
{
    return tb->page_addr[1] != (uint64_t)-1 && tb->page_addr[1] != tb->page_addr[0];
}

void tb_link(TranslationBlock *tb)
{
    TranslationBlock *old;

    tb->hash = tb_hash_func(tb->page_addr[0], tb->pc, tb->flags, tb->cflags,
                            tb->cs_base);
    tb_lock();
    old = g_hash_table_lookup(tb_htable, tb);
    if (old) {
        /* A racing translation of the same key: the newer one wins. */
        tb_phys_invalidate(old);
    }
    tb_page_add(tb, 0, tb->page_addr[0]);
    if (tb_has_second_page(tb)) {
        tb_page_add(tb, 1, tb->page_addr[1]);
    }
    g_hash_table_add(tb_htable, tb);
    tb_unlock();
}

/* Point exit n of src back at its own exit path. */
static void tb_reset_jump(TranslationBlock *src, int n)
{
    uintptr_t addr = (uintptr_t)src->tc.ptr + src->jmp_reset_offset[n];

    tcg_exec_backend->set_jmp_target(src, n, addr);
    src->jmp_dest[n] = NULL;
}

static void tb_remove_incoming(TranslationBlock *dest, TranslationBlock *src, int n)
{
    for (unsigned i = 0; i < dest->nb_jmp_incoming; i++) {
        if (dest->jmp_incoming[i].tb == src && dest->jmp_incoming[i].n == n) {
            dest->jmp_incoming[i] = dest->jmp_incoming[--dest->nb_jmp_incoming];
            return;
        }
    }
}

void tb_phys_invalidate(TranslationBlock *tb)
{
    tb_lock();
    if (tb->cflags & CF_INVALID) {
        tb_unlock();
        return;
    }
    __atomic_store_n(&tb->cflags, tb->cflags | CF_INVALID, __ATOMIC_SEQ_CST);
    g_hash_table_remove(tb_htable, tb);
    if (tb->page_addr[0] != (uint64_t)-1) {
        tb_page_remove(tb, 0, tb->page_addr[0]);
    }
    if (tb_has_second_page(tb)) {
        tb_page_remove(tb, 1, tb->page_addr[1]);
    }
    tb_jmp_cache_remove(tb);

    /* Nobody may jump here any more ... */
    for (unsigned i = 0; i < tb->nb_jmp_incoming; i++) {
        tb_reset_jump(tb->jmp_incoming[i].tb, tb->jmp_incoming[i].n);
    }
    tb->nb_jmp_incoming = 0;
    /*
     * ... and tb's own exits go back to cpu_exec: tb may still be running
     * (it stored into itself), and once its targets stop tracking it they
     * could not unchain it.
     */
    for (int n = 0; n < 2; n++) {
        if (tb->jmp_dest[n]) {
            tb_remove_incoming(tb->jmp_dest[n], tb, n);
            tb_reset_jump(tb, n);
        }
    }
    tcg_stats_inc(tbs_invalidated);
    tb_unlock();
}

/* Does tb's code overlap guest physical [start, end)? */
static bool tb_overlaps(const TranslationBlock *tb, uint64_t start, uint64_t end)
{
    uint64_t off = tb->pc & ~TARGET_PAGE_MASK;
    uint64_t first_len = MIN((uint64_t)tb->size, TARGET_PAGE_SIZE - off);
    uint64_t s0 = tb->page_addr[0] + off;

    if (tb->size == 0) {
        first_len = 1;
    }
    if (s0 < end && start < s0 + first_len) {
        return true;
    }
    if (tb_has_second_page(tb)) {
        uint64_t len1 = tb->size - first_len;

        return tb->page_addr[1] < end && start < tb->page_addr[1] + len1;
    }
    return false;
}

bool tb_invalidate_phys_range_cur(uint64_t start, uint64_t end,
                                  TranslationBlock *current)
{
    bool hit_current = false;
    /* Made on the first overlap: most writes (PTE A/D updates) hit no code. */
    g_autoptr(GPtrArray) victims = NULL;

    if (end <= start) {
        return false;
    }
    tb_lock();
    for (uint64_t page = start & TARGET_PAGE_MASK; page < end; page += TARGET_PAGE_SIZE) {
        PageDesc *pd = g_hash_table_lookup(tb_pages, page_key(page));

        if (pd) {
            uintptr_t l = pd->first_tb;

            while (l) {
                TranslationBlock *t = (TranslationBlock *)(l & ~(uintptr_t)1);

                if (tb_overlaps(t, start, end)) {
                    if (!victims) {
                        victims = g_ptr_array_new();
                    }
                    g_ptr_array_add(victims, t);
                }
                l = (uintptr_t)t->page_next[l & 1];
            }
        }
        if (page + TARGET_PAGE_SIZE < page) {
            break;              /* the last page of the space */
        }
    }
    for (unsigned i = 0; victims && i < victims->len; i++) {
        TranslationBlock *t = g_ptr_array_index(victims, i);

        hit_current |= (t == current);
        tb_phys_invalidate(t);
    }
    tb_unlock();
    return hit_current;
}

void tb_invalidate_phys_range(uint64_t start, uint64_t end)
{
    tb_invalidate_phys_range_cur(start, end, NULL);
}

/*
 * Chaining: only when both ends are valid, tb was translated with
 * goto_tb n, nochain is off, and dest->pc lies in the virtual page of
 * tb's first or last instruction. The last rule is what makes a patched
 * jump safe without tracking mappings: tb is only entered through a
 * lookup that checked the physical page of those pages, so if the guest
 * remaps them tb itself stops being found (QEMU's translator_use_goto_tb
 * applies the same rule in the front ends).
 */
void tb_add_jump(TranslationBlock *tb, int n, TranslationBlock *dest)
{
    uint64_t last = tb->pc + (tb->size ? tb->size - 1 : 0);
    uint64_t page = dest->pc & TARGET_PAGE_MASK;

    g_assert(n == 0 || n == 1);
    if (tb->jmp_reset_offset[n] == TB_JMP_OFFSET_INVALID ||
        (tb->cflags & CF_NO_GOTO_TB) ||
        dest->page_addr[0] == (uint64_t)-1 ||      /* a one-shot TB of non-RAM code */
        (page != (tb->pc & TARGET_PAGE_MASK) && page != (last & TARGET_PAGE_MASK))) {
        return;
    }
    tb_lock();
    if ((tb_cflags(tb) & CF_INVALID) || (tb_cflags(dest) & CF_INVALID) ||
        tb->jmp_dest[n]) {
        tb_unlock();
        return;
    }
    if (dest->nb_jmp_incoming == dest->jmp_incoming_alloc) {
        dest->jmp_incoming_alloc = MAX(4, dest->jmp_incoming_alloc * 2);
        dest->jmp_incoming = g_renew(struct TBJump, dest->jmp_incoming,
                                     dest->jmp_incoming_alloc);
    }
    dest->jmp_incoming[dest->nb_jmp_incoming].tb = tb;
    dest->jmp_incoming[dest->nb_jmp_incoming].n = n;
    dest->nb_jmp_incoming++;
    tb->jmp_dest[n] = dest;
    tcg_exec_backend->set_jmp_target(tb, n, (uintptr_t)dest->tc.ptr);
    tcg_stats_inc(chains);
    qemu_log_mask(CPU_LOG_EXEC, "Linking TBs %p index %d -> %p\n",
                  tb->tc.ptr, n, dest->tc.ptr);
    tb_unlock();
}

static gboolean tb_maint_unmark_page(gpointer key, gpointer value, gpointer opaque)
{
    tlb_set_code_page((uint64_t)(uintptr_t)key << TARGET_PAGE_BITS, false);
    return TRUE;
}

void tb_maint_flush(void)
{
    tb_lock();
    g_hash_table_remove_all(tb_htable);
    g_hash_table_foreach_remove(tb_pages, tb_maint_unmark_page, NULL);
    tb_unlock();
}
