/*
 * exec-all.h: what accel/tcg offers targets and the emulator: set up a
 * vCPU for TCG, run it (cpu_exec), leave guest code (cpu_loop_exit*,
 * cpu_exit), fill and flush the softmmu TLB, read guest code for the
 * translator, invalidate translations. Implemented in accel/tcg/.
 */
#ifndef EXEC_EXEC_ALL_H
#define EXEC_EXEC_ALL_H

#include "hw/core/cpu.h"
#include "exec/memop.h"
#include "exec/memory.h"
#include "qemu/error.h"

struct TCGBackend;

/*
 * Process-wide TCG set-up: the code buffer (tb_size bytes, 0 = default),
 * the backend (tcg_backend_x86_64 or tcg_backend_tci; NULL: the build's
 * default, TCI with --enable-tcg-interpreter) and the TB tables.
 * Once per process.
 */
bool tcg_exec_init(size_t tb_size, const struct TCGBackend *backend,
                   Error **errp);
/* Has tcg_exec_init run (successfully) in this process? */
bool tcg_exec_initialized(void);

/*
 * Make cpu ready to run under TCG: env must immediately follow neg (see
 * exec/cpu-tlb.h); allocates the TLB and jump cache, creates the calling
 * thread's TCG context on first use and calls ops->initialize there.
 */
bool tcg_cpu_init(CPUState *cpu, void *env, CPUNegativeOffsetState *neg,
                  const TCGCPUOps *ops, AddressSpace *as, Error **errp);
void tcg_cpu_destroy(CPUState *cpu);

/*
 * Run guest code until something needs the caller: returns EXCP_INTERRUPT
 * (cpu_exit or exit_request), EXCP_HLT/EXCP_HALTED, EXCP_DEBUG,
 * EXCP_YIELD... Guest exceptions are delivered inside (do_interrupt).
 */
int cpu_exec(CPUState *cpu);

/*
 * Round-robin: run the vCPUs of the list starting at first on the
 * calling thread, each for a time slice, until *stop is set or every
 * vCPU is halted with no work; returns the last exit reason.
 */
int tcg_rr_run(CPUState *first, volatile bool *stop);

/* From any thread: make cpu leave guest code at the next block entry. */
void cpu_exit(CPUState *cpu);
/* Raise/clear interrupt_request bits (and kick the vCPU). */
void cpu_interrupt(CPUState *cpu, int mask);
void cpu_reset_interrupt(CPUState *cpu, int mask);
/*
 * Called by cpu_interrupt after the request is posted, so that the thread
 * running cpu can wake from waiting for work (set by tcg-cpus.c).
 */
extern void (*tcg_cpu_wake_fn)(CPUState *cpu);

/* ---- several vCPU threads (tcg-exclusive.c) ---- */

/*
 * Exclusive sections: start_exclusive returns once every other vCPU is
 * outside cpu_exec (they wait in cpu_exec_start until end_exclusive). The
 * caller must itself be outside cpu_exec and hold neither the BQL nor the
 * TB lock. cpu_exec calls cpu_exec_start/cpu_exec_end itself.
 */
void start_exclusive(void);
void end_exclusive(void);
void cpu_exec_start(CPUState *cpu);
void cpu_exec_end(CPUState *cpu);
/* Does the calling thread hold an exclusive section? */
bool tcg_in_exclusive(void);
/*
 * Must cpu's guest memory accesses be atomic against other vCPUs now?
 * (thread=multi, and not inside the exclusive one-instruction step.)
 */
bool tcg_cpu_parallel(CPUState *cpu);

typedef void (*run_on_cpu_func)(CPUState *cpu, void *data);
/*
 * Run func on cpu's thread, outside guest code, before it runs more guest
 * code. run_on_cpu waits (dropping the BQL meanwhile) and runs func
 * directly when called on cpu's own thread; it must not be called from
 * TB code (helpers) of another vCPU. async_run_on_cpu does not wait.
 */
void run_on_cpu(CPUState *cpu, run_on_cpu_func func, void *data);
void async_run_on_cpu(CPUState *cpu, run_on_cpu_func func, void *data);
bool cpu_work_pending(CPUState *cpu);
/* On cpu's thread, outside cpu_exec: run what was queued. */
void process_queued_cpu_work(CPUState *cpu);

/*
 * An atomic access that host atomics cannot do (crosses a page or a
 * cache line, or is not RAM): restore state to the instruction at
 * retaddr and leave with EXCP_ATOMIC; the vCPU thread then runs that
 * instruction alone in an exclusive section (cpu_exec_step_atomic).
 */
void cpu_loop_exit_atomic(CPUState *cpu, uintptr_t retaddr)
    __attribute__((noreturn));
void cpu_exec_step_atomic(CPUState *cpu);

/*
 * Host address of [addr, addr + size) for an atomic read-modify-write
 * through mmu_idx: faults as a store would (#PF), invalidates
 * translations of the bytes, and returns NULL when the operand is not
 * plain RAM within one page and one 64-byte cache line.
 */
void *tlb_atomic_host(CPUState *cpu, uint64_t addr, unsigned size, int mmu_idx,
                      uintptr_t retaddr);

/* Leave guest code to cpu_exec's loop (exception_index says why). */
void cpu_loop_exit(CPUState *cpu) __attribute__((noreturn));
/* The same after restoring guest state to the insn at host pc retaddr. */
void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr)
    __attribute__((noreturn));
/* Leave without an exception (exception_index = -1). */
void cpu_loop_exit_noexc(CPUState *cpu) __attribute__((noreturn));

/*
 * Restore guest state for host pc retaddr inside a TB (GETPC() of a
 * helper). Returns false if retaddr is not in generated code.
 */
bool cpu_restore_state(CPUState *cpu, uintptr_t retaddr);

/* ---- softmmu TLB (cputlb.c) ---- */

/*
 * Map guest virtual page vaddr (size bytes, a power of two >= 4 KiB) to
 * guest physical paddr with PAGE_* prot for mmu_idx. Called from tlb_fill.
 */
void tlb_set_page(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int prot,
                  int mmu_idx, uint64_t size);
void tlb_flush(CPUState *cpu);
void tlb_flush_page(CPUState *cpu, uint64_t addr);
/* Only the MMU indexes whose bits are set in idxmap. */
void tlb_flush_by_mmuidx(CPUState *cpu, uint16_t idxmap);
void tlb_flush_page_by_mmuidx(CPUState *cpu, uint64_t addr, uint16_t idxmap);

/*
 * Guest memory access from helpers (C code, not generated code): same
 * path as qemu_ld/qemu_st, faults unwind to retaddr.
 */
uint64_t cpu_ld_mmu(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra);
void cpu_st_mmu(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                uintptr_t ra);

/*
 * For the translator: host pointer of the guest code at addr (RAM only)
 * and its guest physical address (-1 when addr is not RAM: MMIO code is
 * translated one insn at a time and not cached). Faults unwind.
 */
uint64_t get_page_addr_code_hostp(void *env, uint64_t addr, void **hostp);

/*
 * For logs and debuggers: host pointer of the guest code byte at addr
 * through the instruction-fetch TLB, filling it with a probing tlb_fill;
 * NULL when the page is unmapped, not executable or not RAM. Never faults.
 */
void *tlb_probe_code_host(CPUState *cpu, uint64_t addr);

/*
 * Device access from a vCPU thread (MMIO here, port I/O in the target's
 * helpers): address_space_read/write with the device lock held. The
 * emulator sets tcg_io_lock_fn/tcg_io_unlock_fn (accel/tcg/tcg-cpus.c:
 * the BQL, taken only if the thread does not hold it; lock returns
 * whether it took it); unset (unit tests) nothing is taken.
 */
extern bool (*tcg_io_lock_fn)(void);
extern void (*tcg_io_unlock_fn)(void);
MemTxResult tcg_io_read(AddressSpace *as, uint64_t addr, void *buf,
                        unsigned len);
MemTxResult tcg_io_write(AddressSpace *as, uint64_t addr, const void *buf,
                         unsigned len);

/* ---- translations (translate-all.c, tb-maint.c) ---- */

/* Drop every TB (and empty the code buffer); safe from a vCPU thread. */
void tb_flush(CPUState *cpu);
/*
 * Invalidate the TBs overlapping guest physical [start, end). Called for
 * guest writes into code pages (TLB_NOTDIRTY) and DMA.
 */
void tb_invalidate_phys_range(uint64_t start, uint64_t end);

/* Used by goto_ptr: the host code of the TB for the current state, or
 * tcg_code_gen_epilogue. */
const void *helper_lookup_tb_ptr(void *env);

/* Statistics for tests and info jit. */
typedef struct TCGStats {
    uint64_t tbs_translated;
    uint64_t tbs_invalidated;
    uint64_t tb_flushes;
    uint64_t chains;            /* goto_tb patched */
    uint64_t tlb_fills, tlb_flushes;
    uint64_t atomic_retries;    /* LOCKed RMWs restarted after a lost race */
    uint64_t jmp_cache_renewed; /* jump-cache entries kept across a TLB flush */
} TCGStats;
void tcg_get_stats(TCGStats *st);

#endif
