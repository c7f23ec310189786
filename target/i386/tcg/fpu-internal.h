/*
 * fpu-internal.h: what the x87 unit (fpu_helper.c) and the FXSAVE/XSAVE
 * images (fpu_xsave.c) share: the status-word and tag conversions, the
 * initial state, and whole-image guest memory access that faults before
 * anything changes. Private to target/i386/tcg.
 */
#ifndef TARGET_I386_TCG_FPU_INTERNAL_H
#define TARGET_I386_TCG_FPU_INTERNAL_H

#include "target/i386/tcg/x86-tcg.h"

#define FPUS_EXC    0x3f    /* IE DE ZE OE UE PE */
#define FPUS_SF     0x40
#define FPUS_ES     0x80
#define FPUS_B      0x8000
#define FPUS_TOP    0x3800

/* The full FSW: TOP lives in fpstt. */
uint16_t fpu_fsw(CPUX86State *env);
/* Load FSW (TOP included); ES/B follow the unmasked flags; FERR# may drop. */
void fpu_set_fsw(CPUX86State *env, uint16_t fsw);
/* The full tag word (2 bits per physical register; 3 = empty). */
uint16_t fpu_full_tags(CPUX86State *env);
/* FNINIT; with regs, the XRSTOR initial state (registers zeroed) too. */
void fpu_init_state(CPUX86State *env, bool regs);
/* Is the x87 state in its initial configuration (SDM Vol. 1 13.6)? */
bool fpu_x87_is_init(CPUX86State *env);

/*
 * fpu_read_area: len bytes (at most a page; XSAVE's 576 is the largest
 * image) of guest memory at a0 into buf, all read before the caller
 * changes any state, so a #PF leaves the registers as they were.
 * fpu_write_area stores the last byte, then the first, then all of it:
 * a fault on either page (an image spans at most 2) comes before most
 * bytes are written and before the caller changes any state.
 */
void fpu_read_area(CPUX86State *env, uint64_t a0, uint8_t *buf, unsigned len, uintptr_t ra);
void fpu_write_area(CPUX86State *env, uint64_t a0, const uint8_t *buf, unsigned len,
                    uintptr_t ra);

#endif
