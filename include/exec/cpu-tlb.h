/*
 * cpu-tlb.h: the softmmu TLB as generated code sees it. Every vCPU has,
 * per MMU index, a direct-mapped table of CPUTLBEntry found through a
 * CPUTLBDescFast {mask, table}; the fast descriptors sit in the
 * CPUNegativeOffsetState placed immediately before the target's env, so
 * that code addressing env can reach them at a small negative offset.
 * accel/tcg/cputlb.c fills and flushes the tables; tcg/x86_64 emits the
 * inline lookup; both follow the layout below.
 */
#ifndef EXEC_CPU_TLB_H
#define EXEC_CPU_TLB_H

#include <stdint.h>
#include <stddef.h>

/* Guest pages are 4 KiB (the only guest is x86). */
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ull << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(uint64_t)(TARGET_PAGE_SIZE - 1))
#define TARGET_PAGE_ALIGN(a) (((a) + TARGET_PAGE_SIZE - 1) & TARGET_PAGE_MASK)

/* MMU indexes 0..NB_MMU_MODES-1 (MemOpIdx has 4 bits for it). */
#define NB_MMU_MODES 16

/*
 * One entry: the guest virtual page for reads, writes and instruction
 * fetches (or -1 when that access is not allowed through this entry), with
 * TLB_* flags in the low bits forcing the slow path, and the addend that
 * turns a guest virtual address into a host pointer for RAM pages.
 * 32 bytes: the index is scaled by CPU_TLB_ENTRY_BITS.
 */
typedef struct CPUTLBEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;
} CPUTLBEntry;

#define CPU_TLB_ENTRY_BITS 5
_Static_assert(sizeof(CPUTLBEntry) == (1 << CPU_TLB_ENTRY_BITS),
               "CPUTLBEntry is 32 bytes");

/*
 * Low bits of addr_read/addr_write/addr_code. Any of them set makes the
 * inline comparison fail (the compared address has them clear), so the
 * access goes to the slow path, which looks at them:
 *   TLB_INVALID_MASK  the entry is empty (also: -1 means "no access");
 *   TLB_NOTDIRTY      the page holds translated code: a write must
 *                     invalidate the translations first;
 *   TLB_MMIO          not RAM: go through the memory API;
 *   TLB_WATCHPOINT    reserved for the debugger.
 */
#define TLB_INVALID_MASK  (1ull << (TARGET_PAGE_BITS - 1))
#define TLB_NOTDIRTY      (1ull << (TARGET_PAGE_BITS - 2))
#define TLB_MMIO          (1ull << (TARGET_PAGE_BITS - 3))
#define TLB_WATCHPOINT    (1ull << (TARGET_PAGE_BITS - 4))
#define TLB_FLAGS_MASK    (TLB_INVALID_MASK | TLB_NOTDIRTY | TLB_MMIO | \
                           TLB_WATCHPOINT)

/*
 * The fast descriptor of one MMU index. mask is (entries - 1) <<
 * CPU_TLB_ENTRY_BITS, so that the entry for addr is at
 *   (char *)table + ((addr >> (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS)) & mask)
 * Entries is a power of two and may change on a flush (resizing).
 */
typedef struct CPUTLBDescFast {
    uintptr_t mask;
    CPUTLBEntry *table;
} CPUTLBDescFast;

/*
 * Raised by cpu_exit() and interrupt requests: generated code tests
 * u16.high at every block entry and leaves when it is negative (-1).
 */
typedef union IcountDecr {
    uint32_t u32;
    struct {
        uint16_t low;
        uint16_t high;
    } u16;
} IcountDecr;

struct CPUState;

/*
 * What generated code reaches at a negative offset from env. A target
 * lays out its CPU as { CPUState parent; CPUNegativeOffsetState neg;
 * CPUArchState env; } with env immediately after neg; tcg_cpu_init()
 * checks it. The size is a multiple of 16 so that no padding sneaks in
 * when env is 16-byte aligned.
 */
typedef struct CPUNegativeOffsetState {
    struct CPUState *cpu;
    IcountDecr icount_decr;
    uint32_t pad;
    CPUTLBDescFast tlb_fast[NB_MMU_MODES];
} __attribute__((aligned(16))) CPUNegativeOffsetState;

/* Offsets from env (negative) used by the code generator. */
#define NEG_OFS(field) \
    ((intptr_t)offsetof(CPUNegativeOffsetState, field) - \
     (intptr_t)sizeof(CPUNegativeOffsetState))
#define TLB_FAST_OFS(mmu_idx) \
    (NEG_OFS(tlb_fast) + (intptr_t)(mmu_idx) * (intptr_t)sizeof(CPUTLBDescFast))
#define ICOUNT_DECR_OFS NEG_OFS(icount_decr)

static inline CPUNegativeOffsetState *env_neg(void *env)
{
    return (CPUNegativeOffsetState *)((char *)env -
                                      sizeof(CPUNegativeOffsetState));
}

static inline struct CPUState *env_cpu(void *env)
{
    return env_neg(env)->cpu;
}

#endif
