/*
 * tcg-cpu.h: the x86 vCPU object under TCG (X86TCGCPU of x86-tcg.h):
 * creating one, its CPUID table (the features TCG implements), power-on
 * reset, and simple start modes for unit tests. The board (hw/i386) and
 * the tests create vCPUs through this; accel/tcg runs them.
 */
#ifndef TARGET_I386_TCG_TCG_CPU_H
#define TARGET_I386_TCG_TCG_CPU_H

#include "target/i386/tcg/x86-tcg.h"

/* The TCGCPUOps of the x86 vCPU. */
extern const TCGCPUOps x86_tcg_ops;

/**
 * x86_tcg_set_tb_size: - the code buffer size in bytes that
 * x86_tcg_cpu_new() passes to tcg_exec_init when TCG is not set up yet
 * (unit tests; 0: TCG's default). In the emulator the "tcg" accelerator
 * has already set TCG up with -accel tcg,tb-size=N.
 */
void x86_tcg_set_tb_size(size_t bytes);

/**
 * x86_tcg_accel_info: - what TCG implements, as an accelerator description
 * for x86_cpu_config_init() / x86_cpu_filter_features(): the feature table
 * of tcg-cpu.c, leaf limits, and the identity "-cpu max" gets.
 */
void x86_tcg_accel_info(X86AccelInfo *info);

/**
 * x86_tcg_cpu_config: - resolve a -cpu argument (NULL: qemu64) into cfg as
 * TCG runs it: features TCG does not implement yet but QEMU's TCG does
 * (x87, SSE, ...: issue 6) are dropped silently, others with QEMU's
 * warning when the model says check. "host" fails as under QEMU's TCG.
 */
bool x86_tcg_cpu_config(X86CPUConfig *cfg, const char *cpu_spec, Error **errp);

/**
 * x86_tcg_cpu_new: - a vCPU ready for cpu_exec: TCG set up for it (the
 * process's TCG on first use), CPUID built from cfg (NULL: qemu64 as TCG
 * implements it) for vCPU index of a one-CPU topology (see
 * x86_tcg_cpu_build_cpuid for others), memory through mem and port I/O
 * through io (may be NULL: ports then read as all ones), and the
 * power-on state (x86_tcg_cpu_reset). Free with x86_tcg_cpu_free.
 */
X86TCGCPU *x86_tcg_cpu_new(unsigned index, uint32_t apic_id, bool is_bsp,
                           const X86CPUConfig *cfg, AddressSpace *mem,
                           AddressSpace *io, Error **errp);
void x86_tcg_cpu_free(X86TCGCPU *cpu);

/* Rebuild the CPUID table for vCPU index of topology topo. */
void x86_tcg_cpu_build_cpuid(X86TCGCPU *cpu, const X86CPUConfig *cfg,
                             const CpuTopology *topo, unsigned index);

/**
 * x86_tcg_cpu_reset: - power-on/RESET state (SDM table 9-1 as QEMU sets
 * it), TCG's own fields (hflags, lazy flags with CC_OP_EFLAGS, DF, no
 * pending exception), TLB flushed and interrupt requests cleared. An AP
 * (not is_bsp) is left halted waiting for INIT-SIPI.
 */
void x86_tcg_cpu_reset(X86TCGCPU *cpu);

/**
 * x86_tcg_cpu_set_flat_mode: - for unit tests, put the vCPU straight into
 * a simple mode, CPL 0, EIP 0, interrupts off, TLB flushed:
 *   16: real mode, every segment selector and base 0, limit 64 KiB.
 *   32: flat 32-bit protected mode: CS (code, D=1) and DS/ES/SS/FS/GS
 *       (data, B=1) with base 0 and limit 4 GiB, paging off.
 *   64: long mode: EFER.LME|LMA, CR4.PAE, CR0.PE|PG, 64-bit CS, data
 *       segments as in 32, the first 1 GiB identity-mapped with 2 MiB
 *       pages (present, writable, user) by three tables that this
 *       writes to guest RAM at pt_base (12 KiB, 4 KiB aligned): PML4 at
 *       pt_base, PDPT at pt_base + 0x1000, PD at pt_base + 0x2000;
 *       CR3 = pt_base.
 * pt_base is ignored for 16 and 32. For unit tests only: bits must be
 * 16, 32 or 64 and the tables must land in RAM (asserted).
 */
void x86_tcg_cpu_set_flat_mode(X86TCGCPU *cpu, int bits, uint64_t pt_base);

/* The TB key of the current state (as TCGCPUOps.get_tb_cpu_state). */
void x86_tcg_cpu_get_tb_state(X86TCGCPU *cpu, uint64_t *pc, uint64_t *cs_base,
                              uint32_t *flags);

#endif
