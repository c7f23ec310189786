/*
 * tcg.h: the "tcg" accelerator as the emulator sees it: its options
 * (-accel tcg,tb-size=N,thread=...) and the one round-robin thread that
 * runs every TCG vCPU (accel/tcg/tcg-accel.c, tcg-cpus.c). Boards add
 * their vCPUs, then start/stop the thread with the run state.
 */
#ifndef SYSTEM_TCG_H
#define SYSTEM_TCG_H

#include "qemu/error.h"
#include "hw/core/cpu.h"

#define TYPE_TCG_ACCEL "tcg-accel"

/* Is TCG the accelerator that the machine was set up with? */
bool tcg_enabled(void);
/*
 * One -accel tcg,name=value property (tb-size, thread, split-wx), checked
 * with QEMU 7.2's messages; "accel" itself is ignored.
 */
bool tcg_accel_set_option(const char *name, const char *value, Error **errp);
/* -accel tcg,tb-size=N: the code buffer in bytes (0: default). */
size_t tcg_accel_tb_size(void);

/*
 * Add cpu (set up with tcg_cpu_init) at the end of the round-robin list.
 * Before tcg_cpus_start, or with the thread stopped.
 */
void tcg_cpus_add(CPUState *cpu);
/* Let the vCPUs run (creates the thread on first use). */
void tcg_cpus_start(void);
/*
 * Stop running guest code and wait until the thread is out of every
 * vCPU, so that their state may be changed. Safe with or without the
 * BQL (dropped while waiting: the vCPU may need it to finish an I/O).
 */
void tcg_cpus_stop(void);
/* The thread exits at the end (exit notifier). */
void tcg_cpus_shutdown(void);
/* Queue a TLB flush of every vCPU, done by the vCPU thread before it runs. */
void tcg_cpus_flush_tlbs(void);

#endif
