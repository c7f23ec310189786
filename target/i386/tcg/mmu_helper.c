/*
 * mmu_helper.c: x86 paging for the softmmu (TCGCPUOps.tlb_fill): paging
 * off, 32-bit paging (4 KiB and 4 MiB pages), PAE and 4-level paging,
 * with accessed/dirty write-back, U/S, R/W with CR0.WP, NX, SMEP, SMAP,
 * the page-fault error code and CR2; and the CR0/CR3/CR4/EFER writes
 * that change translation (SDM vol. 3 ch. 2.5 and 4). 5-level paging is
 * not offered (CR4.LA57 is reserved).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/seg_helper.h"

#define PG_PRESENT  (1ULL << 0)
#define PG_RW       (1ULL << 1)
#define PG_USER     (1ULL << 2)
#define PG_ACCESSED (1ULL << 5)
#define PG_DIRTY    (1ULL << 6)
#define PG_PSE      (1ULL << 7)
#define PG_NX       (1ULL << 63)

/* X86Translation.excp: another vCPU changed an entry under the walk. */
#define MMU_WALK_AGAIN (-2)

/* The result of a walk: where and with what rights, or the fault. */
typedef struct X86Translation {
    uint64_t paddr;
    uint64_t page_size;
    int prot;
    int excp;           /* -1: success, else EXCP0E_PAGE / EXCP0D_GPF */
    int error_code;
} X86Translation;

unsigned x86_phys_bits(CPUX86State *env)
{
    return env_x86cpu(env)->phys_bits;
}

/* Physical address bits of an entry: [MAXPHYADDR-1:12]. */
static uint64_t mmu_addr_mask(unsigned phys_bits)
{
    return ((1ULL << phys_bits) - 1) & ~0xfffULL;
}

/* Bits of a 64-bit (PAE / 4-level) entry that must be zero. */
static uint64_t mmu_rsvd_mask(CPUX86State *env, unsigned phys_bits)
{
    uint64_t m = ~((1ULL << phys_bits) - 1) & ~PG_NX;

    /* Bits 62:52 are ignored (software available / protection keys). */
    m &= (1ULL << 52) - 1;
    if (!(env->efer & MSR_EFER_NXE)) {
        m |= PG_NX;
    }
    return m;
}

/*
 * The RAM range the last page-table access of this thread found: a
 * refill reads up to four entries, nearly always in one RAM block, and
 * finding the block once saves the flat view's lock and search on each
 * (the walk after every CR3 write was ~11% of a Linux guest's time).
 * Per thread: a vCPU's under thread=multi; under thread=single the
 * vCPUs share it, which is right as it is keyed by address space. It is
 * valid while the memory map generation is unchanged; like a TLB entry
 * it holds no reference (RAM goes away only after a map change).
 */
static __thread struct {
    AddressSpace *as;
    AddressSpaceRam ram;
} mmu_ram_cache;

/*
 * Host pointer to the naturally aligned len bytes at pa if they are in
 * RAM (for a store: RAM a plain host store may write), else NULL.
 */
static void *mmu_ram_ptr(CPUState *cs, uint64_t pa, unsigned len, bool store)
{
    AddressSpaceRam *r = &mmu_ram_cache.ram;

    if (pa & (len - 1)) {
        return NULL;
    }
    if (mmu_ram_cache.as != cs->as || r->gen != memory_map_generation() ||
        pa < r->start || pa >= r->end) {
        if (!address_space_find_ram(cs->as, pa, r)) {
            mmu_ram_cache.as = NULL;
            return NULL;
        }
        mmu_ram_cache.as = cs->as;
    }
    if (r->end - pa < len || (store && !r->writable)) {
        return NULL;
    }
    return r->host + (pa - r->start);
}

/* Atomic loads: another vCPU may be writing the entry (thread=multi). */
static uint64_t mmu_ldq(CPUState *cs, uint64_t pa)
{
    uint64_t *p = mmu_ram_ptr(cs, pa, 8, false);

    if (p) {
        return GUINT64_FROM_LE(__atomic_load_n(p, __ATOMIC_RELAXED));
    }
    return address_space_ldq_le(cs->as, pa, MEMTXATTRS_UNSPECIFIED, NULL);
}

static uint32_t mmu_ldl(CPUState *cs, uint64_t pa)
{
    uint32_t *p = mmu_ram_ptr(cs, pa, 4, false);

    if (p) {
        return GUINT32_FROM_LE(__atomic_load_n(p, __ATOMIC_RELAXED));
    }
    return address_space_ldl_le(cs->as, pa, MEMTXATTRS_UNSPECIFIED, NULL);
}

/* Compare-and-swap of the entry at host from pte to pte | bits. */
static bool mmu_cas_bits(void *host, uint64_t pte, uint64_t bits, bool wide)
{
    if (wide) {
        uint64_t old = GUINT64_TO_LE(pte);

        return __atomic_compare_exchange_n((uint64_t *)host, &old, GUINT64_TO_LE(pte | bits),
                                           false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    } else {
        uint32_t old = GUINT32_TO_LE((uint32_t)pte);

        return __atomic_compare_exchange_n((uint32_t *)host, &old,
                                           GUINT32_TO_LE((uint32_t)(pte | bits)),
                                           false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
}

/*
 * Set bits in an entry if missing. Under thread=multi another vCPU may
 * change the entry between the walk's load and this write (Linux clears
 * PTEs with XCHG while others walk): writing back the stale value would
 * bring a cleared entry back. So in RAM the bits are set with a
 * compare-and-swap against the value the walk used; false: the entry
 * changed, walk again. Page tables outside RAM get a plain store.
 */
static bool mmu_set_bits(CPUState *cs, uint64_t pa, uint64_t pte, uint64_t bits, bool wide)
{
    MemoryRegionSection sec;
    FlatView *fv;
    void *host;
    bool ok = true;

    if ((pte & bits) == bits) {
        return true;
    }
    /* Writable RAM through the cache; the rest (MMIO, ROM, logged RAM) below. */
    host = mmu_ram_ptr(cs, pa, wide ? 8 : 4, true);
    if (host) {
        ok = mmu_cas_bits(host, pte, bits, wide);
        if (ok) {
            /* The write bypassed the memory API: translations of the page go. */
            tb_invalidate_phys_range(pa, pa + (wide ? 8 : 4));
        }
        return ok;
    }
    fv = address_space_get_flatview(cs->as);
    sec = memory_region_find_flat(fv, pa);
    if (sec.mr && memory_region_is_ram(sec.mr) && !memory_region_is_rom(sec.mr) &&
        !sec.readonly && sec.size >= (Int128)(wide ? 8 : 4) &&
        !(pa & (wide ? 7 : 3))) {
        host = (uint8_t *)memory_region_get_ram_ptr(sec.mr) + sec.offset_within_region;
    }
    if (host) {
        ok = mmu_cas_bits(host, pte, bits, wide);
    }
    flatview_unref(fv);
    if (!host) {
        if (wide) {
            address_space_stq_le(cs->as, pa, pte | bits, MEMTXATTRS_UNSPECIFIED, NULL);
        } else {
            address_space_stl_le(cs->as, pa, (uint32_t)(pte | bits), MEMTXATTRS_UNSPECIFIED,
                                 NULL);
        }
        return true;
    }
    if (ok) {
        tb_invalidate_phys_range(pa, pa + (wide ? 8 : 4));
    }
    return ok;
}

bool x86_load_pdptrs(CPUX86State *env)
{
    CPUState *cs = env_cpustate(env);
    uint64_t base = env->cr[3] & 0xffffffe0ULL;
    /* PDPTE reserved bits: 2:1, 8:5, 63 and above MAXPHYADDR. */
    uint64_t rsvd = 0x1e6ULL | PG_NX | ~((1ULL << x86_phys_bits(env)) - 1);
    bool ok = true;

    for (int i = 0; i < 4; i++) {
        env->pdptrs[i] = mmu_ldq(cs, base + 8 * i);
        if ((env->pdptrs[i] & PG_PRESENT) && (env->pdptrs[i] & rsvd)) {
            ok = false;
        }
    }
    env->pdptrs_valid = ok;
    return ok;
}

/*
 * A non-canonical access through SS is #SS(0), others #GP(0). The softmmu
 * does not say which segment an access used; stack accesses (PUSH, POP,
 * CALL, RET, [RSP+d], [RBP+d]) land close to RSP or RBP, so an address
 * within 512 bytes of either is taken as one. A data access that happens
 * to point there gets #SS instead of #GP: both are contributory faults
 * with error code 0.
 */
static bool mmu_stack_access(CPUX86State *env, uint64_t addr)
{
    return addr - env->regs[R_ESP] + 512 < 1024 || addr - env->regs[R_EBP] + 512 < 1024;
}

/* A fault of the walk: error code bits for this access. */
static void mmu_fault(CPUX86State *env, X86Translation *t, MMUAccessType type, bool user,
                      int code)
{
    if (type == MMU_DATA_STORE) {
        code |= PG_ERROR_W_MASK;
    }
    if (user) {
        code |= PG_ERROR_U_MASK;
    }
    if (type == MMU_INST_FETCH &&
        ((env->efer & MSR_EFER_NXE) || (env->cr[4] & CR4_SMEP_MASK))) {
        code |= PG_ERROR_I_D_MASK;
    }
    t->excp = EXCP0E_PAGE;
    t->error_code = code;
}

/*
 * Walk the page tables for addr. On success t->paddr is the physical
 * address of addr, t->prot what this mmu_idx may do on the whole page.
 */
static void mmu_translate(CPUX86State *env, uint64_t addr, MMUAccessType type, int mmu_idx,
                          X86Translation *t)
{
    CPUState *cs = env_cpustate(env);
    bool user = mmu_idx == MMU_USER_IDX;
    bool wp = env->cr[0] & CR0_WP_MASK;
    bool nxe = env->efer & MSR_EFER_NXE;
    unsigned phys_bits = x86_phys_bits(env);
    uint64_t pte, pte_addr = 0, rsvd = 0, amask = mmu_addr_mask(phys_bits);
    uint64_t ptes[4], pte_addrs[4];
    int levels = 0;
    bool wide = true, rw = true, us = true, nx = false;
    uint64_t page_size = 4096, frame;

    t->excp = -1;
    t->error_code = 0;
    if (mmu_idx == MMU_PHYS_IDX || !(env->cr[0] & CR0_PG_MASK)) {
        t->paddr = (mmu_idx == MMU_PHYS_IDX) ? addr : (uint32_t)addr;
        t->page_size = 4096;
        t->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        return;
    }

    if (env->cr[4] & CR4_PAE_MASK) {
        int first;

        rsvd = mmu_rsvd_mask(env, phys_bits);
        if (env->hflags & HF_LMA_MASK) {
            if (!x86_is_canonical(addr)) {
                t->excp = mmu_stack_access(env, addr) ? EXCP0C_STACK : EXCP0D_GPF;
                return;
            }
            pte_addr = (env->cr[3] & amask) + ((addr >> 39) & 511) * 8;
            first = 0;
        } else {
            uint64_t pdpte;

            addr = (uint32_t)addr;
            if (!env->pdptrs_valid) {
                x86_load_pdptrs(env);
            }
            pdpte = env->pdptrs[(addr >> 30) & 3];
            if (!(pdpte & PG_PRESENT)) {
                mmu_fault(env, t, type, user, 0);
                return;
            }
            if (pdpte & (0x1e6ULL | PG_NX | ~((1ULL << phys_bits) - 1))) {
                mmu_fault(env, t, type, user, PG_ERROR_P_MASK | PG_ERROR_RSVD_MASK);
                return;
            }
            pte_addr = (pdpte & amask) + ((addr >> 21) & 511) * 8;
            first = 2;
        }
        for (int level = first; level < 4; level++) {
            int shift = 39 - 9 * level;

            if (level > first) {
                pte_addr = (ptes[levels - 1] & amask) + ((addr >> shift) & 511) * 8;
            }
            pte = mmu_ldq(cs, pte_addr);
            if (!(pte & PG_PRESENT)) {
                mmu_fault(env, t, type, user, 0);
                return;
            }
            ptes[levels] = pte;
            pte_addrs[levels] = pte_addr;
            levels++;
            if ((pte & rsvd) || (level == 0 && (pte & PG_PSE))) {
                mmu_fault(env, t, type, user, PG_ERROR_P_MASK | PG_ERROR_RSVD_MASK);
                return;
            }
            rw &= !!(pte & PG_RW);
            us &= !!(pte & PG_USER);
            nx |= nxe && (pte & PG_NX);
            if ((level == 1 || level == 2) && (pte & PG_PSE)) {
                page_size = 1ULL << shift;
                /* Bits 12 (PAT) .. shift-1 of a large frame: only PAT may be set. */
                if (pte & (page_size - 1) & ~0x1fffULL & amask) {
                    mmu_fault(env, t, type, user, PG_ERROR_P_MASK | PG_ERROR_RSVD_MASK);
                    return;
                }
                break;
            }
        }
        frame = ptes[levels - 1] & amask & ~(page_size - 1);
    } else {
        /* 32-bit paging. */
        uint32_t a = addr;

        wide = false;
        pte_addr = (env->cr[3] & 0xfffff000ULL) + ((a >> 22) & 1023) * 4;
        pte = mmu_ldl(cs, pte_addr);
        if (!(pte & PG_PRESENT)) {
            mmu_fault(env, t, type, user, 0);
            return;
        }
        ptes[levels] = pte;
        pte_addrs[levels++] = pte_addr;
        rw &= !!(pte & PG_RW);
        us &= !!(pte & PG_USER);
        if ((pte & PG_PSE) && (env->cr[4] & CR4_PSE_MASK)) {
            page_size = 4 << 20;
            frame = pte & 0xffc00000ULL;
        } else {
            pte_addr = (pte & 0xfffff000ULL) + ((a >> 12) & 1023) * 4;
            pte = mmu_ldl(cs, pte_addr);
            if (!(pte & PG_PRESENT)) {
                mmu_fault(env, t, type, user, 0);
                return;
            }
            ptes[levels] = pte;
            pte_addrs[levels++] = pte_addr;
            rw &= !!(pte & PG_RW);
            us &= !!(pte & PG_USER);
            frame = pte & 0xfffff000ULL;
        }
        addr = a;
    }

    /* Rights of this mmu_idx on the page. */
    {
        int prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        int need = type == MMU_DATA_STORE ? PAGE_WRITE :
                   type == MMU_INST_FETCH ? PAGE_EXEC : PAGE_READ;
        uint64_t leaf = ptes[levels - 1];

        if (user) {
            if (!us) {
                prot = 0;
            }
            if (!rw) {
                prot &= ~PAGE_WRITE;
            }
        } else {
            if (!rw && wp) {
                prot &= ~PAGE_WRITE;
            }
            if (us && (env->cr[4] & CR4_SMEP_MASK)) {
                prot &= ~PAGE_EXEC;
            }
            /* SMAP: supervisor data accesses to user pages (no AC override). */
            if (us && mmu_idx == MMU_KSMAP_IDX) {
                prot &= ~(PAGE_READ | PAGE_WRITE);
            }
        }
        if (nx) {
            prot &= ~PAGE_EXEC;
        }
        if (!(prot & need)) {
            mmu_fault(env, t, type, user, PG_ERROR_P_MASK);
            return;
        }
        /* Accessed on every level; dirty on the leaf for a write. */
        for (int i = 0; i < levels - 1; i++) {
            if (!mmu_set_bits(cs, pte_addrs[i], ptes[i], PG_ACCESSED, wide)) {
                t->excp = MMU_WALK_AGAIN;
                return;
            }
        }
        if (!mmu_set_bits(cs, pte_addrs[levels - 1], leaf,
                          type == MMU_DATA_STORE ? PG_ACCESSED | PG_DIRTY : PG_ACCESSED,
                          wide)) {
            t->excp = MMU_WALK_AGAIN;
            return;
        }
        if (type != MMU_DATA_STORE) {
            if (!(leaf & PG_DIRTY)) {
                /* The first write must come back here to set D. */
                prot &= ~PAGE_WRITE;
            }
        }
        t->prot = prot;
        t->page_size = page_size;
        t->paddr = frame | (addr & (page_size - 1));
    }
}

bool x86_cpu_tlb_fill(CPUState *cs, uint64_t addr, int size, MMUAccessType access_type,
                      int mmu_idx, bool probe, uintptr_t retaddr)
{
    CPUX86State *env = cs->env_ptr;
    X86Translation t;

    do {
        mmu_translate(env, addr, access_type, mmu_idx, &t);
    } while (t.excp == MMU_WALK_AGAIN);
    if (t.excp < 0) {
        tlb_set_page(cs, addr & TARGET_PAGE_MASK, t.paddr & TARGET_PAGE_MASK, t.prot,
                     mmu_idx, t.page_size);
        return true;
    }
    if (probe) {
        return false;
    }
    if (t.excp == EXCP0E_PAGE) {
        env->cr[2] = addr;
    }
    qemu_log_mask(CPU_LOG_MMU, "tlb_fill: addr %016" PRIx64 " type %d idx %d -> excp %d "
                  "err %x\n", addr, access_type, mmu_idx, t.excp, t.error_code);
    raise_exception_err_ra(env, t.excp, t.error_code, retaddr);
}

/* ---- control registers ---- */

static void mmu_pdptrs_if_pae(CPUX86State *env)
{
    if ((env->cr[0] & CR0_PG_MASK) && (env->cr[4] & CR4_PAE_MASK) &&
        !(env->efer & MSR_EFER_LMA)) {
        x86_load_pdptrs(env);
    } else {
        env->pdptrs_valid = false;
    }
}

void cpu_x86_update_cr0(CPUX86State *env, uint64_t new_cr0)
{
    CPUState *cs = env_cpustate(env);
    uint64_t changed = env->cr[0] ^ new_cr0;

    if (changed & (CR0_PG_MASK | CR0_WP_MASK | CR0_PE_MASK)) {
        tlb_flush(cs);
    }
    if (!(env->cr[0] & CR0_PG_MASK) && (new_cr0 & CR0_PG_MASK) &&
        (env->efer & MSR_EFER_LME) && (env->cr[4] & CR4_PAE_MASK)) {
        env->efer |= MSR_EFER_LMA;
    } else if ((env->cr[0] & CR0_PG_MASK) && !(new_cr0 & CR0_PG_MASK) &&
               (env->efer & MSR_EFER_LMA)) {
        env->efer &= ~MSR_EFER_LMA;
        env->eip &= 0xffffffff;
    }
    env->cr[0] = new_cr0 | CR0_ET_MASK;
    x86_update_hflags(env);
    mmu_pdptrs_if_pae(env);
}

void cpu_x86_update_cr3(CPUX86State *env, uint64_t new_cr3)
{
    env->cr[3] = new_cr3;
    /*
     * Global pages and PCID no-flush (CR3 bit 63) would keep entries; the
     * softmmu cannot flush selectively, so everything goes.
     */
    if (env->cr[0] & CR0_PG_MASK) {
        tlb_flush(env_cpustate(env));
    }
    mmu_pdptrs_if_pae(env);
}

void cpu_x86_update_cr4(CPUX86State *env, uint64_t new_cr4)
{
    uint64_t changed = env->cr[4] ^ new_cr4;

    if (changed & (CR4_PGE_MASK | CR4_PAE_MASK | CR4_PSE_MASK | CR4_SMEP_MASK |
                   CR4_SMAP_MASK | CR4_PCIDE_MASK | CR4_LA57_MASK | CR4_PKE_MASK)) {
        tlb_flush(env_cpustate(env));
    }
    env->cr[4] = new_cr4;
    x86_update_hflags(env);
    mmu_pdptrs_if_pae(env);
}

void cpu_x86_update_efer(CPUX86State *env, uint64_t new_efer)
{
    if ((env->efer ^ new_efer) & MSR_EFER_NXE) {
        tlb_flush(env_cpustate(env));
    }
    env->efer = new_efer;
    x86_update_hflags(env);
}

uint64_t x86_cr4_valid_mask(CPUX86State *env)
{
    const X86CPUIDEntry *l1 = x86_cpuid(env, 1, 0);
    const X86CPUIDEntry *l7 = x86_cpuid(env, 7, 0);
    uint64_t m = CR4_VME_MASK | CR4_PVI_MASK | CR4_TSD_MASK | CR4_DE_MASK | CR4_PSE_MASK |
                 CR4_PAE_MASK | CR4_MCE_MASK | CR4_PGE_MASK | CR4_PCE_MASK |
                 CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK;

    if (l1 && (l1->ecx & (1u << 17))) {
        m |= CR4_PCIDE_MASK;
    }
    if (l1 && (l1->ecx & CPUID_EXT_XSAVE)) {
        m |= CR4_OSXSAVE_MASK;
    }
    if (l7) {
        if (l7->ebx & (1u << 0)) {
            m |= CR4_FSGSBASE_MASK;
        }
        if (l7->ebx & (1u << 7)) {
            m |= CR4_SMEP_MASK;
        }
        if (l7->ebx & (1u << 20)) {
            m |= CR4_SMAP_MASK;
        }
        if (l7->ecx & (1u << 2)) {
            m |= CR4_UMIP_MASK;
        }
    }
    return m;
}

void x86_write_cr0_checked(CPUX86State *env, uint64_t val, uintptr_t ra)
{
    /* Bits 63:32 and the NW-without-CD and PG-without-PE combinations. */
    if ((val >> 32) || ((val & CR0_NW_MASK) && !(val & CR0_CD_MASK)) ||
        ((val & CR0_PG_MASK) && !(val & CR0_PE_MASK))) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if ((val & CR0_PG_MASK) && !(env->cr[0] & CR0_PG_MASK) && (env->efer & MSR_EFER_LME)) {
        /* Entering long mode (LME set) needs PAE paging. */
        if (!(env->cr[4] & CR4_PAE_MASK)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
    }
    if (!(val & CR0_PG_MASK) && (env->hflags & HF_CS64_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if ((val & CR0_PG_MASK) && !(env->cr[0] & CR0_PG_MASK) && (env->cr[4] & CR4_PAE_MASK) &&
        !(env->efer & MSR_EFER_LME)) {
        uint64_t old = env->cr[0];

        /* PAE paging starts: its PDPTEs are loaded (and checked) now. */
        env->cr[0] = val;
        if (!x86_load_pdptrs(env)) {
            env->cr[0] = old;
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        env->cr[0] = old;
    }
    cpu_x86_update_cr0(env, val);
}

void x86_write_cr3_checked(CPUX86State *env, uint64_t val, uintptr_t ra)
{
    if (env->hflags & HF_LMA_MASK) {
        /* Bit 63 with PCIDE: don't invalidate (we do anyway); not stored. */
        if (env->cr[4] & CR4_PCIDE_MASK) {
            val &= ~(1ULL << 63);
        }
        if (val & ~((1ULL << x86_phys_bits(env)) - 1)) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
    } else {
        val = (uint32_t)val;
    }
    if ((env->cr[0] & CR0_PG_MASK) && (env->cr[4] & CR4_PAE_MASK) &&
        !(env->hflags & HF_LMA_MASK)) {
        uint64_t old = env->cr[3];

        env->cr[3] = val;
        if (!x86_load_pdptrs(env)) {
            env->cr[3] = old;
            x86_load_pdptrs(env);
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
    }
    cpu_x86_update_cr3(env, val);
}

void x86_write_cr4_checked(CPUX86State *env, uint64_t val, uintptr_t ra)
{
    if (val & ~x86_cr4_valid_mask(env)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if ((env->hflags & HF_LMA_MASK) && !(val & CR4_PAE_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if ((val & CR4_PCIDE_MASK) && !(env->cr[4] & CR4_PCIDE_MASK) &&
        (!(env->hflags & HF_LMA_MASK) || (env->cr[3] & 0xfff))) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if ((val & CR4_PAE_MASK) && !(env->cr[4] & CR4_PAE_MASK) &&
        (env->cr[0] & CR0_PG_MASK) && !(env->hflags & HF_LMA_MASK)) {
        uint64_t old = env->cr[4];

        env->cr[4] = val;
        if (!x86_load_pdptrs(env)) {
            env->cr[4] = old;
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        env->cr[4] = old;
    }
    cpu_x86_update_cr4(env, val);
}
