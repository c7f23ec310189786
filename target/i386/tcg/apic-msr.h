/*
 * apic-msr.h: the seam between the MSR instructions of misc_helper.c and
 * a local APIC model under TCG (hw/intc/apic-tcg.c installs the hooks):
 * IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC MSRs, and the guest
 * TSC the APIC's deadline timer compares against.
 */
#ifndef TARGET_I386_TCG_APIC_MSR_H
#define TARGET_I386_TCG_APIC_MSR_H

#include "target/i386/tcg/x86-tcg.h"

/* What an APIC MSR hook did with an access. */
enum {
    X86_APIC_MSR_UNHANDLED = -1,    /* not the APIC's (or no APIC): carry on */
    X86_APIC_MSR_GP = 0,            /* raise #GP(0) */
    X86_APIC_MSR_OK = 1,
};

/* Set by the APIC glue; NULL: no APIC, IA32_APIC_BASE is a plain register. */
extern int (*x86_apic_rdmsr)(CPUX86State *env, uint32_t msr, uint64_t *val);
extern int (*x86_apic_wrmsr)(CPUX86State *env, uint32_t msr, uint64_t val);

/* x86_tcg_read_tsc: - the TSC as RDTSC reads it (1 GHz, plus the offset). */
uint64_t x86_tcg_read_tsc(CPUX86State *env);

#endif
