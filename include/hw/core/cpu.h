/*
 * cpu.h: the target-independent vCPU as the TCG accelerator drives it.
 * A target embeds CPUState first in its CPU object and lays out
 *   struct ArchCPU { CPUState parent; CPUNegativeOffsetState neg;
 *                    CPUArchState env; }
 * (env immediately after neg, see exec/cpu-tlb.h), and supplies a
 * TCGCPUOps table: how to translate, find the TB key, deliver
 * interrupts and exceptions, walk its page tables. accel/tcg does the
 * rest (cpu-exec.c, translate-all.c, cputlb.c).
 */
#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "exec/cpu-tlb.h"
#include "exec/translation-block.h"

struct AddressSpace;
struct TCGCPUOps;
struct TCGWorkItem;
struct TCGCPUThread;

/* Exception indexes above the target's own: reasons cpu_exec returns. */
#define EXCP_INTERRUPT  0x10000 /* async interruption (cpu_exit) */
#define EXCP_HLT        0x10001 /* hlt instruction reached */
#define EXCP_DEBUG      0x10002 /* debug event */
#define EXCP_HALTED     0x10003 /* cpu is halted (waiting for an interrupt) */
#define EXCP_YIELD      0x10004 /* give other vCPUs a turn */
#define EXCP_ATOMIC     0x10005 /* retry in exclusive mode */

/* interrupt_request bits (the target names its own from TGT_INT_0). */
#define CPU_INTERRUPT_HARD     0x0002  /* external (maskable) interrupt */
#define CPU_INTERRUPT_EXITTB   0x0004  /* leave the TB (flags changed) */
#define CPU_INTERRUPT_HALT     0x0020
#define CPU_INTERRUPT_DEBUG    0x0080
#define CPU_INTERRUPT_RESET    0x0400
#define CPU_INTERRUPT_TGT_INT_0 0x0100
#define CPU_INTERRUPT_TGT_INT_1 0x0800
#define CPU_INTERRUPT_TGT_INT_2 0x2000
#define CPU_INTERRUPT_TGT_EXT_0 0x0008
#define CPU_INTERRUPT_TGT_EXT_1 0x0010
#define CPU_INTERRUPT_TGT_EXT_2 0x0040

typedef enum MMUAccessType {
    MMU_DATA_LOAD  = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MMUAccessType;

/* Page protection bits for tlb_set_page. */
#define PAGE_READ  0x0001
#define PAGE_WRITE 0x0002
#define PAGE_EXEC  0x0004

typedef struct CPUState CPUState;

struct CPUState {
    int cpu_index;
    void *env_ptr;                      /* the target's env (after neg) */
    CPUNegativeOffsetState *neg;
    const struct TCGCPUOps *tcg_ops;
    struct AddressSpace *as;            /* what physical addresses mean */

    sigjmp_buf jmp_env;                 /* cpu_loop_exit lands here */
    int exception_index;                /* -1: none */
    uint32_t interrupt_request;         /* CPU_INTERRUPT_*, atomic */
    bool exit_request;                  /* atomic */
    bool halted;
    bool stop, stopped;
    uint32_t cflags_next_tb;            /* -1: none */
    uint32_t tcg_cflags;                /* CF_* or-ed into every TB's cflags */
    bool can_do_io;

    /* accel/tcg private. */
    struct CPUTLB *tlb;
    struct TBJmpCache *tb_jmp_cache;
    uintptr_t mem_io_pc;

    /* Multi-threaded TCG (accel/tcg/tcg-exclusive.c, tcg-mttcg.c). */
    bool running;                       /* in cpu_exec (exclusive sections) */
    struct TCGWorkItem *work_first;     /* run_on_cpu queue */
    struct TCGCPUThread *thread;        /* thread=multi: its own thread */

    CPUState *next_cpu;                 /* round-robin list */
    void *opaque;                       /* the target's own */
};

/*
 * What a target supplies. Callbacks that may raise a guest exception
 * do so with cpu_loop_exit*() and never return.
 */
typedef struct TCGCPUOps {
    /* Create the target's TCG globals in the calling thread's context. */
    void (*initialize)(void);
    /*
     * Translate the guest code at pc into tb (ops only: the caller runs
     * tcg_gen_code). *max_insns is the limit on entry and the number of
     * guest instructions on return. host_pc: the code page's host address.
     */
    void (*translate_code)(CPUState *cpu, TranslationBlock *tb,
                           int *max_insns, uint64_t pc, void *host_pc);
    /* The key of the TB to run now. */
    void (*get_tb_cpu_state)(CPUState *cpu, uint64_t *pc, uint64_t *cs_base,
                             uint32_t *flags);
    /* After exiting tb without chaining: put pc back from the TB. */
    void (*synchronize_from_tb)(CPUState *cpu, const TranslationBlock *tb);
    /* Restore guest state to the instruction whose insn_start data is given. */
    void (*restore_state_to_opc)(CPUState *cpu, const TranslationBlock *tb,
                                 const uint64_t *data);
    /* Take an interrupt if one is pending and allowed; true if taken. */
    bool (*cpu_exec_interrupt)(CPUState *cpu, int interrupt_request);
    /* Deliver cpu->exception_index (a guest exception or interrupt). */
    void (*do_interrupt)(CPUState *cpu);
    /* Would a halted vCPU wake up? */
    bool (*cpu_has_work)(CPUState *cpu);
    /*
     * Translate addr for access_type through mmu_idx and tlb_set_page()
     * it. On a fault: with probe return false, else raise the guest
     * exception (restoring state from retaddr) and not return.
     */
    bool (*tlb_fill)(CPUState *cpu, uint64_t addr, int size,
                     MMUAccessType access_type, int mmu_idx, bool probe,
                     uintptr_t retaddr);
    /* A MO_ALIGN access was misaligned: raise the guest's fault. May be NULL. */
    void (*do_unaligned_access)(CPUState *cpu, uint64_t addr,
                                MMUAccessType access_type, int mmu_idx,
                                uintptr_t retaddr);
    /* -d in_asm: disassemble len guest bytes at pc. May be NULL (hex dump). */
    void (*disas_log)(FILE *f, CPUState *cpu, uint64_t pc, size_t len);
    /* -d cpu / exec: print the registers. May be NULL. */
    void (*dump_state)(FILE *f, CPUState *cpu);
    /*
     * The MMU index that accesses use now (ifetch: for instruction
     * fetches, which the translator and the TB lookup need). May be NULL
     * (index 0).
     */
    int (*mmu_index)(CPUState *cpu, bool ifetch);
} TCGCPUOps;

#endif
