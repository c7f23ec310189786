/*
 * cputlb.c: the softmmu. Per vCPU and MMU index a direct-mapped table of
 * CPUTLBEntry (what generated code checks inline) and a parallel array
 * of CPUTLBEntryFull (what the slow path needs: physical page, RAM or
 * not). Filling (tlb_set_page, from the target's tlb_fill), flushing, and
 * the slow path of qemu_ld/qemu_st: misses, MMIO through the memory API,
 * stores into pages holding translated code, page-crossing and misaligned
 * accesses. Guest memory is only ever reached through cpu->as.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg-ldst.h"
#include "internal.h"

/*
 * Entries per MMU index. 1024 keeps a guest's 4 MiB working set of 4 KiB
 * pages (e.g. a copy between buffers 1 MiB apart, which collide in a 256
 * entry table) out of conflict misses; flushes only clear indexes used
 * since the last one, so the size costs little there.
 */
#define TLB_ENTRIES 1024
_Static_assert(TLB_ENTRIES <= 65536, "CPUTLBDesc.filled holds 16-bit indexes");

static inline CPUTLBDesc *tlb_desc(CPUState *cpu, int mmu_idx)
{
    return &cpu->tlb->d[mmu_idx];
}

static inline size_t tlb_index(const CPUTLBDesc *d, uint64_t addr)
{
    return (addr >> TARGET_PAGE_BITS) & (d->n_entries - 1);
}

/* Does the entry's address (for one access type) map the page of addr? */
static inline bool tlb_hit(uint64_t tlb_addr, uint64_t addr)
{
    return (tlb_addr & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) == (addr & TARGET_PAGE_MASK);
}

static inline uint64_t tlb_addr_of(const CPUTLBEntry *e, MMUAccessType type)
{
    switch (type) {
    case MMU_DATA_LOAD:
        return e->addr_read;
    case MMU_DATA_STORE:
        return e->addr_write;
    default:
        return e->addr_code;
    }
}

static void tlb_flush_one(CPUState *cpu, int mmu_idx)
{
    CPUTLBDesc *d = tlb_desc(cpu, mmu_idx);

    if (!d->dirty) {
        return;
    }
    if (d->n_filled <= TLB_FILL_LOG) {
        for (unsigned k = 0; k < d->n_filled; k++) {
            memset(&d->table[d->filled[k]], -1, sizeof(CPUTLBEntry));
            memset(&d->full[d->filled[k]], 0, sizeof(CPUTLBEntryFull));
        }
    } else {
        memset(d->table, -1, d->n_entries * sizeof(CPUTLBEntry));
        memset(d->full, 0, d->n_entries * sizeof(CPUTLBEntryFull));
    }
    d->n_filled = 0;
    d->large_page_addr = 0;
    d->large_page_mask = 0;
    d->dirty = false;
}

void tlb_init(CPUState *cpu)
{
    cpu->tlb = g_new0(CPUTLB, 1);
    for (int i = 0; i < NB_MMU_MODES; i++) {
        CPUTLBDesc *d = tlb_desc(cpu, i);

        d->n_entries = TLB_ENTRIES;
        d->table = g_new(CPUTLBEntry, TLB_ENTRIES);
        d->full = g_new(CPUTLBEntryFull, TLB_ENTRIES);
        cpu->neg->tlb_fast[i].mask = (uintptr_t)(TLB_ENTRIES - 1) << CPU_TLB_ENTRY_BITS;
        cpu->neg->tlb_fast[i].table = d->table;
        d->dirty = true;        /* the tables are not initialized yet */
        d->n_filled = TLB_FILL_LOG + 1;
        tlb_flush_one(cpu, i);
    }
}

void tlb_destroy(CPUState *cpu)
{
    if (!cpu->tlb) {
        return;
    }
    for (int i = 0; i < NB_MMU_MODES; i++) {
        g_free(cpu->tlb->d[i].table);
        g_free(cpu->tlb->d[i].full);
        cpu->neg->tlb_fast[i].table = NULL;
    }
    g_free(cpu->tlb);
    cpu->tlb = NULL;
}

int cpu_ifetch_mmu_index(CPUState *cpu)
{
    return cpu->tcg_ops->mmu_index ? cpu->tcg_ops->mmu_index(cpu, true) : 0;
}

/* ---- flushing ---- */

/*
 * A vCPU's TLB is its own thread's: flushes come from it (its helpers,
 * tlb_fill) or while it is stopped. A vCPU thread flushing another vCPU
 * that may be running (thread=multi) queues the flush as work for it.
 */
typedef struct TLBFlushWork {
    uint64_t addr;              /* -1: the whole TLB */
    uint16_t idxmap;
} TLBFlushWork;

static void tlb_flush_work(CPUState *cpu, void *data)
{
    TLBFlushWork *w = data;

    if (w->addr == (uint64_t)-1) {
        tlb_flush_by_mmuidx(cpu, w->idxmap);
    } else {
        tlb_flush_page_by_mmuidx(cpu, w->addr, w->idxmap);
    }
    g_free(w);
}

static bool tlb_flush_elsewhere(CPUState *cpu, uint64_t addr, uint16_t idxmap)
{
    TLBFlushWork *w;

    if (!current_cpu || current_cpu == cpu || !cpu->thread) {
        return false;
    }
    w = g_new(TLBFlushWork, 1);
    w->addr = addr;
    w->idxmap = idxmap;
    async_run_on_cpu(cpu, tlb_flush_work, w);
    return true;
}

void tlb_flush_by_mmuidx(CPUState *cpu, uint16_t idxmap)
{
    if (tlb_flush_elsewhere(cpu, -1, idxmap)) {
        return;
    }
    for (int i = 0; i < NB_MMU_MODES; i++) {
        if (idxmap & (1u << i)) {
            tlb_flush_one(cpu, i);
        }
    }
    /* The jump cache is keyed by virtual pc: mappings it relied on changed. */
    tb_jmp_cache_clear(cpu);
    tcg_stats_inc(tlb_flushes);
}

void tlb_flush(CPUState *cpu)
{
    tlb_flush_by_mmuidx(cpu, (1u << NB_MMU_MODES) - 1);
}

void tlb_flush_page_by_mmuidx(CPUState *cpu, uint64_t addr, uint16_t idxmap)
{
    uint64_t page = addr & TARGET_PAGE_MASK;

    if (tlb_flush_elsewhere(cpu, page, idxmap)) {
        return;
    }
    for (int i = 0; i < NB_MMU_MODES; i++) {
        CPUTLBDesc *d = tlb_desc(cpu, i);
        CPUTLBEntry *e;

        if (!(idxmap & (1u << i))) {
            continue;
        }
        if (d->large_page_mask && (page & d->large_page_mask) == d->large_page_addr) {
            /* Part of a large page: its 4 KiB entries are anywhere. */
            tlb_flush_one(cpu, i);
            continue;
        }
        e = &d->table[tlb_index(d, page)];
        if (tlb_hit(e->addr_read, page) || tlb_hit(e->addr_write, page) ||
            tlb_hit(e->addr_code, page)) {
            memset(e, -1, sizeof(*e));
            memset(&d->full[tlb_index(d, page)], 0, sizeof(CPUTLBEntryFull));
        }
    }
    tb_jmp_cache_clear(cpu);
    tcg_stats_inc(tlb_flushes);
}

void tlb_flush_page(CPUState *cpu, uint64_t addr)
{
    tlb_flush_page_by_mmuidx(cpu, addr, (1u << NB_MMU_MODES) - 1);
}

/* ---- filling ---- */

static void tlb_add_large_page(CPUTLBDesc *d, uint64_t vaddr, uint64_t size)
{
    uint64_t mask = ~(size - 1);

    if (d->large_page_mask) {
        /* Grow the tracked range until it covers both. */
        mask &= d->large_page_mask;
        while (((d->large_page_addr ^ vaddr) & mask) != 0) {
            mask <<= 1;
        }
    }
    d->large_page_addr = vaddr & mask;
    d->large_page_mask = mask;
}

void tlb_set_page(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int prot,
                  int mmu_idx, uint64_t size)
{
    CPUTLBDesc *d = tlb_desc(cpu, mmu_idx);
    uint64_t vpage = vaddr & TARGET_PAGE_MASK;
    uint64_t ppage;
    CPUTLBEntry *e;
    CPUTLBEntryFull *full;
    AddressSpaceRam *rc = &cpu->tlb->ram;
    bool ram, readonly = false;
    uint8_t *host = NULL;
    size_t i;

    g_assert(mmu_idx >= 0 && mmu_idx < NB_MMU_MODES);
    if (size < TARGET_PAGE_SIZE) {
        size = TARGET_PAGE_SIZE;
    }
    if (size > TARGET_PAGE_SIZE) {
        tlb_add_large_page(d, vaddr, size);
    }
    ppage = (paddr & ~(size - 1)) | (vaddr & (size - 1) & TARGET_PAGE_MASK);

    /* RAM that covers the whole page can be reached directly. */
    if (!rc->host || rc->gen != memory_map_generation() ||
        ppage < rc->start || ppage >= rc->end) {
        if (!address_space_find_ram(cpu->as, ppage, rc)) {
            rc->host = NULL;
        }
    }
    ram = rc->host && ppage >= rc->start && ppage < rc->end &&
          rc->end - ppage >= TARGET_PAGE_SIZE;
    if (ram) {
        host = rc->host + (ppage - rc->start);
        readonly = rc->readonly;
    }

    /*
     * Under the TB lock from the code-page check to the entry: a page
     * that gains translations meanwhile (tlb_set_code_page on another
     * thread) must find this entry to mark it TLB_NOTDIRTY.
     */
    tb_lock();
    i = tlb_index(d, vpage);
    e = &d->table[i];
    full = &d->full[i];
    d->dirty = true;
    if (d->n_filled < TLB_FILL_LOG) {
        d->filled[d->n_filled++] = (uint16_t)i;
    } else {
        d->n_filled = TLB_FILL_LOG + 1;     /* too many: flush the table */
    }
    e->addend = ram ? (uintptr_t)host - (uintptr_t)vpage : 0;
    e->addr_read = (prot & PAGE_READ) ? vpage | (ram ? 0 : TLB_MMIO) : (uint64_t)-1;
    e->addr_code = (prot & PAGE_EXEC) ? vpage | (ram ? 0 : TLB_MMIO) : (uint64_t)-1;
    if (prot & PAGE_WRITE) {
        /* ROM: the slow path hands writes to the memory API, which drops them. */
        uint64_t flags = (!ram || readonly) ? TLB_MMIO : 0;

        if (!flags && tb_page_has_code(ppage)) {
            flags |= TLB_NOTDIRTY;
        }
        __atomic_store_n(&e->addr_write, vpage | flags, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n(&e->addr_write, (uint64_t)-1, __ATOMIC_RELAXED);
    }
    full->paddr = ppage;
    full->prot = prot;
    full->ram = ram;
    full->readonly = readonly;
    full->host = host;
    tb_unlock();
}

void tlb_set_code_page(uint64_t paddr, bool code)
{
    uint64_t page = paddr & TARGET_PAGE_MASK;

    tb_lock();
    for (unsigned c = 0; tcg_cpus && c < tcg_cpus->len; c++) {
        CPUState *cpu = g_ptr_array_index(tcg_cpus, c);

        for (int m = 0; m < NB_MMU_MODES; m++) {
            CPUTLBDesc *d = tlb_desc(cpu, m);

            for (size_t i = 0; i < d->n_entries; i++) {
                CPUTLBEntry *e = &d->table[i];
                CPUTLBEntryFull *f = &d->full[i];

                uint64_t old = __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);

                if (f->paddr != page || !f->ram || f->readonly ||
                    (old & TLB_INVALID_MASK)) {
                    continue;
                }
                /*
                 * The owner may be flushing this entry right now (it does
                 * not take the TB lock for that): never write back over
                 * its -1, which would bring a dropped mapping back.
                 */
                __atomic_compare_exchange_n(&e->addr_write, &old,
                                            code ? old | TLB_NOTDIRTY
                                                 : old & ~(uint64_t)TLB_NOTDIRTY,
                                            false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
            }
        }
    }
    tb_unlock();
}

static void tlb_fill(CPUState *cpu, uint64_t addr, int size, MMUAccessType type,
                     int mmu_idx, uintptr_t ra)
{
    bool ok;

    tcg_stats_inc(tlb_fills);
    ok = cpu->tcg_ops->tlb_fill(cpu, addr, size, type, mmu_idx, false, ra);
    g_assert(ok);   /* without probe the hook raises the fault itself */
}

uint64_t tlb_code_lookup(CPUState *cpu, uint64_t addr, void **hostp,
                         bool probe, uintptr_t retaddr)
{
    int mmu_idx = cpu_ifetch_mmu_index(cpu);
    CPUTLBDesc *d = tlb_desc(cpu, mmu_idx);
    size_t i = tlb_index(d, addr);

    *hostp = NULL;
    if (!tlb_hit(d->table[i].addr_code, addr)) {
        if (probe) {
            tcg_stats_inc(tlb_fills);
            if (!cpu->tcg_ops->tlb_fill(cpu, addr, 1, MMU_INST_FETCH, mmu_idx, true,
                                        retaddr)) {
                return -1;
            }
        } else {
            tlb_fill(cpu, addr, 1, MMU_INST_FETCH, mmu_idx, retaddr);
        }
        i = tlb_index(d, addr);
        if (!tlb_hit(d->table[i].addr_code, addr)) {
            /* The target mapped the page without execute permission. */
            return -1;
        }
    }
    if (d->full[i].ram && !(d->table[i].addr_code & TLB_MMIO)) {
        *hostp = (void *)(uintptr_t)(addr + d->table[i].addend);
    }
    return d->full[i].paddr | (addr & ~TARGET_PAGE_MASK);
}

uint64_t get_page_addr_code_hostp(void *env, uint64_t addr, void **hostp)
{
    void *host;
    uint64_t paddr = tlb_code_lookup(env_cpu(env), addr, &host, false, 0);

    if (hostp) {
        *hostp = host;
    }
    return host ? paddr : (uint64_t)-1;
}

bool (*tcg_io_lock_fn)(void);
void (*tcg_io_unlock_fn)(void);

MemTxResult tcg_io_read(AddressSpace *as, uint64_t addr, void *buf,
                        unsigned len)
{
    bool took = tcg_io_lock_fn && tcg_io_lock_fn();
    MemTxResult r = address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, buf, len);

    if (took) {
        tcg_io_unlock_fn();
    }
    return r;
}

MemTxResult tcg_io_write(AddressSpace *as, uint64_t addr, const void *buf,
                         unsigned len)
{
    bool took = tcg_io_lock_fn && tcg_io_lock_fn();
    MemTxResult r = address_space_write(as, addr, MEMTXATTRS_UNSPECIFIED, buf, len);

    if (took) {
        tcg_io_unlock_fn();
    }
    return r;
}

void *tlb_probe_code_host(CPUState *cpu, uint64_t addr)
{
    void *host;

    if (tlb_code_lookup(cpu, addr, &host, true, 0) == (uint64_t)-1) {
        return NULL;
    }
    return host;
}

/* ---- the slow path ---- */

/* One page's part of an access, looked up (and filled) before any byte moves. */
typedef struct MMUPage {
    uint64_t addr;              /* first byte of the part */
    unsigned len;
    uint64_t flags;             /* TLB_* of the entry, or TLB_INVALID_MASK: no access */
    CPUTLBEntryFull full;
    uint8_t *haddr;             /* RAM: host address of addr */
} MMUPage;

static void mmu_lookup_page(CPUState *cpu, MMUPage *p, int mmu_idx, MMUAccessType type,
                            int size, uintptr_t ra)
{
    CPUTLBDesc *d = tlb_desc(cpu, mmu_idx);
    size_t i = tlb_index(d, p->addr);
    uint64_t tlb_addr = tlb_addr_of(&d->table[i], type);

    if (!tlb_hit(tlb_addr, p->addr)) {
        tlb_fill(cpu, p->addr, size, type, mmu_idx, ra);
        i = tlb_index(d, p->addr);
        tlb_addr = tlb_addr_of(&d->table[i], type);
        if (!tlb_hit(tlb_addr, p->addr)) {
            /* A target bug rather than a guest one, but never abort on it. */
            qemu_log_mask(LOG_GUEST_ERROR, "tlb: no %s access at 0x%" PRIx64
                          " after tlb_fill\n", type == MMU_DATA_STORE ? "write" : "read",
                          p->addr);
            p->flags = TLB_INVALID_MASK;
            return;
        }
    }
    p->flags = tlb_addr & TLB_FLAGS_MASK;
    p->full = d->full[i];
    p->haddr = (uint8_t *)(uintptr_t)(p->addr + d->table[i].addend);
}

/* Split [addr, addr + size) at a page boundary and look both parts up. */
static int mmu_lookup(CPUState *cpu, uint64_t addr, MemOpIdx oi, MMUAccessType type,
                      uintptr_t ra, MMUPage pages[2])
{
    MemOp mop = get_memop(oi);
    int mmu_idx = get_mmuidx(oi);
    unsigned size = memop_size(mop);
    unsigned align = memop_alignment(mop);
    unsigned first = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);

    if ((addr & (align - 1)) && cpu->tcg_ops->do_unaligned_access) {
        /* Raises the guest's alignment fault; without the hook it is allowed. */
        cpu->tcg_ops->do_unaligned_access(cpu, addr, type, mmu_idx, ra);
    }
    pages[0].addr = addr;
    if (size <= first) {
        pages[0].len = size;
        mmu_lookup_page(cpu, &pages[0], mmu_idx, type, size, ra);
        return 1;
    }
    pages[0].len = first;
    pages[1].addr = addr + first;
    pages[1].len = size - first;
    mmu_lookup_page(cpu, &pages[0], mmu_idx, type, first, ra);
    mmu_lookup_page(cpu, &pages[1], mmu_idx, type, size - first, ra);
    return 2;
}

static inline uint64_t mmu_page_paddr(const MMUPage *p)
{
    return p->full.paddr | (p->addr & ~TARGET_PAGE_MASK);
}

/* The bytes of one part, in memory order, as a little-endian number. */
static uint64_t mmu_ld_part(CPUState *cpu, MMUPage *p, uintptr_t ra)
{
    uint8_t buf[8] = { 0 };
    uint64_t val = 0;

    if (p->flags & TLB_INVALID_MASK) {
        return 0;
    }
    if (p->flags & TLB_MMIO) {
        cpu->mem_io_pc = ra;
        tcg_io_read(cpu->as, mmu_page_paddr(p), buf, p->len);
    } else {
        memcpy(buf, p->haddr, p->len);
    }
    for (unsigned k = 0; k < p->len; k++) {
        val |= (uint64_t)buf[k] << (8 * k);
    }
    return val;
}

static void mmu_st_part(CPUState *cpu, MMUPage *p, uint64_t val, uintptr_t ra)
{
    uint8_t buf[8];

    if (p->flags & TLB_INVALID_MASK) {
        return;
    }
    for (unsigned k = 0; k < p->len; k++) {
        buf[k] = val >> (8 * k);
    }
    if (p->flags & TLB_MMIO) {
        cpu->mem_io_pc = ra;
        tcg_io_write(cpu->as, mmu_page_paddr(p), buf, p->len);
    } else {
        memcpy(p->haddr, buf, p->len);
    }
}

/*
 * A store into a page holding translations: invalidate the TBs it
 * overlaps first. If the running TB is one of them and has more than
 * this insn left to run, its code is stale: go back to cpu_exec with the
 * guest state at the store, which re-executes as a one-insn TB (whose
 * only remaining code is the store's own, so it may modify itself).
 */
static void mmu_notdirty_write(CPUState *cpu, MMUPage *p, uintptr_t ra)
{
    TranslationBlock *cur = current_in_tb_code ? tb_find_by_host_pc(ra) : NULL;
    uint64_t paddr = mmu_page_paddr(p);

    if (tb_invalidate_phys_range_cur(paddr, paddr + p->len, cur) && cur->icount > 1) {
        cpu_restore_state(cpu, ra);
        cpu->cflags_next_tb = curr_cflags(cpu) | CF_NOIRQ | 1;
        cpu_loop_exit_noexc(cpu);
    }
}

void *tlb_atomic_host(CPUState *cpu, uint64_t addr, unsigned size, int mmu_idx,
                      uintptr_t retaddr)
{
    MMUPage p = { .addr = addr, .len = size };

    /*
     * Host lock prefixes are atomic on any address, but one that crosses
     * a cache line is a split lock (very slow, fatal on some hosts); a
     * page crossing may not even be contiguous on the host.
     */
    if ((addr & 63) + size > 64) {
        return NULL;
    }
    /*
     * The read first, as the load + store of thread=single does: a
     * not-present page faults as a read (error code W=0), the way QEMU
     * 7.2 records it for XCHG/XADD.
     */
    mmu_lookup_page(cpu, &p, mmu_idx, MMU_DATA_LOAD, size, retaddr);
    mmu_lookup_page(cpu, &p, mmu_idx, MMU_DATA_STORE, size, retaddr);
    if (p.flags & (TLB_MMIO | TLB_INVALID_MASK)) {
        return NULL;
    }
    if (p.flags & TLB_NOTDIRTY) {
        mmu_notdirty_write(cpu, &p, retaddr);
    }
    return p.haddr;
}

static uint64_t memop_bswap(uint64_t val, MemOp mop)
{
    switch (mop & MO_SIZE) {
    case MO_16:
        return __builtin_bswap16((uint16_t)val);
    case MO_32:
        return __builtin_bswap32((uint32_t)val);
    case MO_64:
        return __builtin_bswap64(val);
    default:
        return val;
    }
}

static uint64_t do_ld_mmu(CPUState *cpu, uint64_t addr, MemOpIdx oi, uintptr_t ra,
                          MMUAccessType type)
{
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    MMUPage pages[2];
    uint64_t val;
    int n = mmu_lookup(cpu, addr, oi, type, ra, pages);

    val = mmu_ld_part(cpu, &pages[0], ra);
    if (n == 2) {
        val |= mmu_ld_part(cpu, &pages[1], ra) << (8 * pages[0].len);
    }
    if (mop & MO_BSWAP) {
        val = memop_bswap(val, mop);
    }
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;

        val = (uint64_t)((int64_t)(val << sh) >> sh);
    }
    return val;
}

static void do_st_mmu(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi,
                      uintptr_t ra)
{
    MemOp mop = get_memop(oi);
    MMUPage pages[2];
    int n = mmu_lookup(cpu, addr, oi, MMU_DATA_STORE, ra, pages);

    if (mop & MO_BSWAP) {
        val = memop_bswap(val, mop);
    }
    /* Every page is filled and checked before any byte is written. */
    for (int i = 0; i < n; i++) {
        if ((pages[i].flags & (TLB_NOTDIRTY | TLB_MMIO | TLB_INVALID_MASK)) == TLB_NOTDIRTY) {
            mmu_notdirty_write(cpu, &pages[i], ra);
        }
    }
    mmu_st_part(cpu, &pages[0], val, ra);
    if (n == 2) {
        mmu_st_part(cpu, &pages[1], val >> (8 * pages[0].len), ra);
    }
}

uint64_t helper_ld_mmu(void *env, uint64_t addr, MemOpIdx oi, uintptr_t retaddr)
{
    return do_ld_mmu(env_cpu(env), addr, oi, retaddr, MMU_DATA_LOAD);
}

void helper_st_mmu(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                   uintptr_t retaddr)
{
    do_st_mmu(env_cpu(env), addr, val, oi, retaddr);
}

uint64_t cpu_ld_mmu(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    return do_ld_mmu(env_cpu(env), addr, oi, ra, MMU_DATA_LOAD);
}

void cpu_st_mmu(void *env, uint64_t addr, uint64_t val, MemOpIdx oi, uintptr_t ra)
{
    do_st_mmu(env_cpu(env), addr, val, oi, ra);
}
