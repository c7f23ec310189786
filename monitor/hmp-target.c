/*
 * hmp-target.c: what the human monitor needs from the x86 vCPUs: their
 * registers (copied with the vCPUs held still, EFLAGS completed from the
 * lazy flags), $register values for expressions, and a walk of the guest
 * page tables (no paging, 32-bit, PAE, 4- and 5-level) for `x`, `memsave`,
 * `info tlb` and `info mem`. The vCPUs are found through their local
 * APICs, which the board creates one per vCPU under TCG.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/bswap.h"
#include "monitor/hmp.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "system/runstate.h"
#include "target/i386/cpu-state.h"
#if CONFIG_KVM
#include "system/kvm.h"
#include "target/i386/kvm/kvm-state.h"
#include "hw/i386/pc-kvm.h"
#endif
#if CONFIG_TCG
#include "system/tcg.h"
#include "exec/exec-all.h"
#include "target/i386/tcg/x86-tcg.h"
#endif

#define PG_PRESENT  (1ULL << 0)
#define PG_RW       (1ULL << 1)
#define PG_USER     (1ULL << 2)
#define PG_PWT      (1ULL << 3)
#define PG_PCD      (1ULL << 4)
#define PG_ACCESSED (1ULL << 5)
#define PG_DIRTY    (1ULL << 6)
#define PG_PSE      (1ULL << 7)
#define PG_GLOBAL   (1ULL << 8)
#define PG_NX       (1ULL << 63)
#define PG_ADDR     0x000ffffffffff000ULL

#if CONFIG_TCG
/* The nth vCPU by cpu_index, or NULL. */
static X86TCGCPU *hmp_tcg_cpu(unsigned index)
{
    if (!tcg_enabled()) {
        return NULL;
    }
    for (APICState *s = apic_next(NULL); s; s = apic_next(s)) {
        X86TCGCPU *cpu = apic_get_cpu(s);

        if (cpu && cpu->parent.cpu_index == (int)index) {
            return cpu;
        }
    }
    return NULL;
}
#endif

unsigned hmp_cpu_count(void)
{
    unsigned n = 0;

#if CONFIG_KVM
    if (kvm_state_get()) {
        while (pc_kvm_get_cpu(n)) {
            n++;
        }
        return n;
    }
#endif
#if CONFIG_TCG
    while (hmp_tcg_cpu(n)) {
        n++;
    }
#endif
    return n;
}

bool hmp_cpu_get_state(unsigned index, CPUX86State *env)
{
#if CONFIG_KVM
    if (kvm_state_get()) {
        KVMCPU *kcpu = pc_kvm_get_cpu(index);
        Error *err = NULL;

        /*
         * The registers are read from this thread: only while the vCPU
         * threads are stopped (KVM_RUN holds the vCPU otherwise).
         */
        if (!kcpu || runstate_is_running()) {
            return false;
        }
        if (!kvm_x86_get_state(kcpu, env, &err)) {
            error_free(err);
            return false;
        }
        return true;
    }
#endif
#if CONFIG_TCG
    X86TCGCPU *cpu = hmp_tcg_cpu(index);
    bool running = runstate_is_running();

    if (!cpu) {
        return false;
    }
    /* Hold the vCPUs still for the copy, as QEMU's run_on_cpu does. */
    if (running) {
        tcg_cpus_stop();
    }
    *env = cpu->env;
    env->eflags = cpu_compute_eflags(&cpu->env);
    env->halted = cpu->parent.halted;
    env->interrupt_shadow = !!(cpu->env.hflags & HF_INHIBIT_IRQ_MASK);
    if (running && runstate_is_running()) {
        tcg_cpus_start();
    }
    return true;
#else
    return false;
#endif
}

bool hmp_cur_cpu_state(Monitor *mon, CPUX86State *env)
{
    return hmp_cpu_get_state(mon ? mon->cpu_index : 0, env);
}

bool hmp_cpu_nmi_all(Error **errp)
{
#if CONFIG_TCG
    X86TCGCPU *cpu;

    for (unsigned i = 0; (cpu = hmp_tcg_cpu(i)); i++) {
        cpu_interrupt(&cpu->parent, CPU_INTERRUPT_NMI);
    }
    if (hmp_tcg_cpu(0)) {
        return true;
    }
#endif
    error_setg(errp, "this feature or command is not currently supported");
    return false;
}

int hmp_cpu_code_bits(const CPUX86State *env)
{
    if (!(env->cr[0] & CR0_PE_MASK)) {
        return 16;
    }
    if ((env->efer & MSR_EFER_LMA) && (env->segs[R_CS].flags & DESC_L_MASK)) {
        return 64;
    }
    return env->segs[R_CS].flags & DESC_B_MASK ? 32 : 16;
}

typedef struct HMPRegDef {
    const char *name;
    int kind;           /* 0: GPR, 1: segment selector, 2: special */
    int index;
} HMPRegDef;

static const HMPRegDef hmp_regs[] = {
    { "eax", 0, R_EAX }, { "ecx", 0, R_ECX }, { "edx", 0, R_EDX },
    { "ebx", 0, R_EBX }, { "esp", 0, R_ESP }, { "ebp", 0, R_EBP },
    { "esi", 0, R_ESI }, { "edi", 0, R_EDI },
    { "rax", 0, R_EAX }, { "rcx", 0, R_ECX }, { "rdx", 0, R_EDX },
    { "rbx", 0, R_EBX }, { "rsp", 0, R_ESP }, { "rbp", 0, R_EBP },
    { "rsi", 0, R_ESI }, { "rdi", 0, R_EDI },
    { "r8", 0, 8 }, { "r9", 0, 9 }, { "r10", 0, 10 }, { "r11", 0, 11 },
    { "r12", 0, 12 }, { "r13", 0, 13 }, { "r14", 0, 14 }, { "r15", 0, 15 },
    { "es", 1, R_ES }, { "cs", 1, R_CS }, { "ss", 1, R_SS },
    { "ds", 1, R_DS }, { "fs", 1, R_FS }, { "gs", 1, R_GS },
    { "eip", 2, 0 }, { "rip", 2, 0 }, { "pc", 2, 1 }, { "eflags", 2, 2 },
    { "rflags", 2, 2 }, { "cr0", 2, 3 }, { "cr2", 2, 4 }, { "cr3", 2, 5 },
    { "cr4", 2, 6 }, { "efer", 2, 7 }, { "cr8", 2, 8 },
    { NULL }
};

bool hmp_cpu_register(void *opaque, const char *name, int64_t *val)
{
    Monitor *mon = opaque;
    g_autofree CPUX86State *env = g_new0(CPUX86State, 1);
    const HMPRegDef *r;

    for (r = hmp_regs; r->name && strcmp(r->name, name); r++) {
        continue;
    }
    if (!r->name || !hmp_cur_cpu_state(mon, env)) {
        return false;
    }
    switch (r->kind) {
    case 0:
        *val = env->regs[r->index];
        return true;
    case 1:
        *val = env->segs[r->index].selector;
        return true;
    }
    switch (r->index) {
    case 0:
        *val = env->eip;
        break;
    case 1:
        *val = env->eip + env->segs[R_CS].base;
        break;
    case 2:
        *val = env->eflags;
        break;
    case 3:
        *val = env->cr[0];
        break;
    case 4:
        *val = env->cr[2];
        break;
    case 5:
        *val = env->cr[3];
        break;
    case 6:
        *val = env->cr[4];
        break;
    case 7:
        *val = env->efer;
        break;
    default:
        *val = env->cr8;
        break;
    }
    return true;
}

/* --- the page tables ------------------------------------------------------ */

static bool hmp_read_pte(uint64_t addr, bool wide, uint64_t *pte)
{
    uint8_t buf[8] = { 0 };

    if (address_space_read(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                           buf, wide ? 8 : 4) != MEMTX_OK) {
        return false;
    }
    *pte = wide ? ldq_le_p(buf) : ldl_le_p(buf);
    return true;
}

/*
 * Every present leaf: fn(vaddr, paddr, size, leaf pte, the U/W bits that
 * all levels allow). Bounded by the table sizes: at most 2^36 leaves,
 * as many as the guest maps.
 */
typedef void HMPPageFn(void *opaque, uint64_t vaddr, uint64_t paddr,
                       uint64_t size, uint64_t pte, uint64_t prot);

static void hmp_walk_level(uint64_t table, int level, int levels, bool wide,
                           uint64_t vbase, uint64_t prot, HMPPageFn *fn,
                           void *opaque)
{
    unsigned bits = wide ? 9 : 10;
    unsigned shift = 12 + bits * (levels - 1 - level);
    unsigned n = 1u << bits;

    for (unsigned i = 0; i < n; i++) {
        uint64_t pte, vaddr = vbase | ((uint64_t)i << shift);
        uint64_t p;

        if (!hmp_read_pte(table + i * (wide ? 8 : 4), wide, &pte) ||
            !(pte & PG_PRESENT)) {
            continue;
        }
        p = prot & (pte | ~(PG_USER | PG_RW));
        if (level == levels - 1 || (pte & PG_PSE)) {
            uint64_t size = 1ULL << shift;
            uint64_t paddr = wide ? pte & PG_ADDR & ~(size - 1)
                                  : pte & 0xfffff000ULL & ~(size - 1);

            if (!wide && level == 0 && size > 4096) {
                /* PSE-36: bits 13-20 give physical bits 32-39. */
                paddr |= ((pte >> 13) & 0xff) << 32;
            }
            fn(opaque, vaddr, paddr, size, pte, p);
        } else {
            hmp_walk_level(pte & (wide ? PG_ADDR : 0xfffff000ULL), level + 1,
                           levels, wide, vaddr, p, fn, opaque);
        }
    }
}

/* False when paging is off. */
static bool hmp_walk(const CPUX86State *env, HMPPageFn *fn, void *opaque)
{
    if (!(env->cr[0] & CR0_PG_MASK)) {
        return false;
    }
    if (env->efer & MSR_EFER_LMA) {
        bool la57 = env->cr[4] & CR4_LA57_MASK;
        int levels = la57 ? 5 : 4;
        uint64_t table = env->cr[3] & PG_ADDR;
        unsigned top = la57 ? 48 : 39;

        for (unsigned i = 0; i < 512; i++) {
            uint64_t pte, vaddr = (uint64_t)i << top;

            if (!hmp_read_pte(table + i * 8, true, &pte) ||
                !(pte & PG_PRESENT)) {
                continue;
            }
            /* Canonical: the top bit copied upwards. */
            if (vaddr & (1ULL << (top + 8))) {
                vaddr |= ~0ULL << (top + 9);
            }
            hmp_walk_level(pte & PG_ADDR, 1, levels, true, vaddr, pte, fn,
                           opaque);
        }
    } else if (env->cr[4] & CR4_PAE_MASK) {
        uint64_t pdpt = env->cr[3] & 0xffffffe0ULL;

        for (unsigned i = 0; i < 4; i++) {
            uint64_t pte;

            if (!hmp_read_pte(pdpt + i * 8, true, &pte) ||
                !(pte & PG_PRESENT)) {
                continue;
            }
            hmp_walk_level(pte & PG_ADDR, 1, 3, true, (uint64_t)i << 30,
                           PG_USER | PG_RW, fn, opaque);
        }
    } else {
        bool pse = env->cr[4] & CR4_PSE_MASK;
        uint64_t table = env->cr[3] & 0xfffff000ULL;

        for (unsigned i = 0; i < 1024; i++) {
            uint64_t pte, vaddr = (uint64_t)i << 22;

            if (!hmp_read_pte(table + i * 4, false, &pte) ||
                !(pte & PG_PRESENT)) {
                continue;
            }
            if ((pte & PG_PSE) && pse) {
                uint64_t paddr = (pte & 0xffc00000ULL) |
                                 (((pte >> 13) & 0xff) << 32);

                fn(opaque, vaddr, paddr, 1ULL << 22, pte, pte);
            } else {
                hmp_walk_level(pte & 0xfffff000ULL, 1, 2, false, vaddr,
                               pte, fn, opaque);
            }
        }
    }
    return true;
}

bool hmp_virt_to_phys(const CPUX86State *env, uint64_t vaddr, uint64_t *paddr)
{
    uint64_t table, pte;
    int levels, level;
    bool wide = true;

    if (!(env->cr[0] & CR0_PG_MASK)) {
        *paddr = vaddr & env->a20_mask & (env->efer & MSR_EFER_LMA
                                          ? ~0ULL : 0xffffffffULL);
        return true;
    }
    if (env->efer & MSR_EFER_LMA) {
        levels = env->cr[4] & CR4_LA57_MASK ? 5 : 4;
        table = env->cr[3] & PG_ADDR;
        level = 0;
    } else if (env->cr[4] & CR4_PAE_MASK) {
        vaddr &= 0xffffffffULL;
        if (!hmp_read_pte((env->cr[3] & 0xffffffe0ULL) + (vaddr >> 30) * 8,
                          true, &pte) || !(pte & PG_PRESENT)) {
            return false;
        }
        levels = 3;
        level = 1;
        table = pte & PG_ADDR;
    } else {
        vaddr &= 0xffffffffULL;
        wide = false;
        levels = 2;
        level = 0;
        table = env->cr[3] & 0xfffff000ULL;
    }
    for (; level < levels; level++) {
        unsigned bits = wide ? 9 : 10;
        unsigned shift = 12 + bits * (levels - 1 - level);
        uint64_t idx = (vaddr >> shift) & ((1u << bits) - 1);
        bool large;

        if (!hmp_read_pte(table + idx * (wide ? 8 : 4), wide, &pte) ||
            !(pte & PG_PRESENT)) {
            return false;
        }
        large = (pte & PG_PSE) && level > 0 && level < levels - 1;
        if (!wide && level == 0 && (pte & PG_PSE) &&
            (env->cr[4] & CR4_PSE_MASK)) {
            *paddr = (pte & 0xffc00000ULL) | (((pte >> 13) & 0xff) << 32) |
                     (vaddr & 0x3fffff);
            return true;
        }
        if (level == levels - 1 || (wide && large)) {
            uint64_t mask = (1ULL << shift) - 1;

            *paddr = ((pte & (wide ? PG_ADDR : 0xfffff000ULL)) & ~mask) |
                     (vaddr & mask);
            return true;
        }
        table = pte & (wide ? PG_ADDR : 0xfffff000ULL);
    }
    return false;
}

/* --- info tlb, info mem --------------------------------------------------- */

static void hmp_tlb_entry(void *opaque, uint64_t vaddr, uint64_t paddr,
                          uint64_t size, uint64_t pte, uint64_t prot)
{
    Monitor *mon = opaque;

    monitor_printf(mon, "%016" PRIx64 ": %016" PRIx64 " %c%c%c%c%c%c%c%c%c\n",
                   vaddr, paddr,
                   pte & PG_NX ? 'X' : '-',
                   pte & PG_GLOBAL ? 'G' : '-',
                   pte & PG_PSE ? 'P' : '-',
                   pte & PG_DIRTY ? 'D' : '-',
                   pte & PG_ACCESSED ? 'A' : '-',
                   pte & PG_PCD ? 'C' : '-',
                   pte & PG_PWT ? 'T' : '-',
                   pte & PG_USER ? 'U' : '-',
                   pte & PG_RW ? 'W' : '-');
}

void hmp_dump_tlb(Monitor *mon, const CPUX86State *env)
{
    if (!hmp_walk(env, hmp_tlb_entry, mon)) {
        monitor_printf(mon, "PG disabled\n");
    }
}

typedef struct HMPMemRange {
    Monitor *mon;
    bool open;
    uint64_t start, end, prot;
} HMPMemRange;

static void hmp_mem_flush(HMPMemRange *r)
{
    if (r->open) {
        monitor_printf(r->mon, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64
                       " %c%c%c\n", r->start, r->end, r->end - r->start,
                       r->prot & PG_USER ? 'u' : '-', 'r',
                       r->prot & PG_RW ? 'w' : '-');
    }
    r->open = false;
}

static void hmp_mem_entry(void *opaque, uint64_t vaddr, uint64_t paddr,
                          uint64_t size, uint64_t pte, uint64_t prot)
{
    HMPMemRange *r = opaque;

    prot &= PG_USER | PG_RW;
    if (r->open && r->end == vaddr && r->prot == prot) {
        r->end = vaddr + size;
        return;
    }
    hmp_mem_flush(r);
    r->open = true;
    r->start = vaddr;
    r->end = vaddr + size;
    r->prot = prot;
}

void hmp_dump_mem(Monitor *mon, const CPUX86State *env)
{
    HMPMemRange r = { .mon = mon };

    if (!hmp_walk(env, hmp_mem_entry, &r)) {
        monitor_printf(mon, "PG disabled\n");
        return;
    }
    hmp_mem_flush(&r);
}
