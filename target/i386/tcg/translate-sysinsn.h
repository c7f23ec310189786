/*
 * translate-sysinsn.h: what the three files of the translator's system
 * half share among themselves (translate-system.c: the dispatcher and the
 * one-byte system instructions; translate-string.c: string ops and port
 * I/O; translate-0f.c: the 0F system map). Private to them: the decoder
 * core only sees disas_insn_sysinsn() in translate.h.
 */
#ifndef TARGET_I386_TCG_TRANSLATE_SYSINSN_H
#define TARGET_I386_TCG_TRANSLATE_SYSINSN_H

#include "target/i386/tcg/translate.h"

/*
 * Before a helper that may fault or reads the lazy flags: env->cc_op and
 * env->eip describe this instruction (SYSARCH's helpers rely on it).
 */
void sysinsn_sync(DisasContext *s);

/* #GP(0) unless CPL 0 (real mode is CPL 0); true if the insn may go on. */
bool sysinsn_check_cpl0(DisasContext *s);
/* #GP(0) unless CPL <= IOPL (CLI/STI). */
bool sysinsn_check_iopl(DisasContext *s);
/* #GP(0) in vm86 mode with IOPL < 3 (PUSHF/POPF/INT n/IRET without VME). */
bool sysinsn_check_vm86_iopl(DisasContext *s);
/* #GP(0) for SGDT/SIDT/SLDT/STR/SMSW at CPL > 0 when CR4.UMIP is set. */
bool sysinsn_check_umip(DisasContext *s);

/*
 * Load segment register seg_reg with the selector in s->T0: through
 * helper_load_seg (descriptor checks) in protected mode, inline (base =
 * selector << 4) in real and vm86 mode. Sets is_jmp when the TB must end
 * (SS: interrupt shadow; CS/SS/DS/ES may change hflags).
 */
void sysinsn_load_seg_T0(DisasContext *s, int seg_reg);
/* s->T0 = the selector of seg_reg. */
void sysinsn_get_seg_T0(DisasContext *s, int seg_reg);

/* PUSH sreg / POP sreg (the pop's segment load may fault before ESP moves). */
void sysinsn_push_seg(DisasContext *s, int seg_reg);
void sysinsn_pop_seg(DisasContext *s, int seg_reg);

/* Port I/O size of IN/OUT/INS/OUTS (byte form when bit 0 of b is clear). */
static inline MemOp sysinsn_io_size(int b, MemOp dflag)
{
    return (b & 1) ? (dflag == MO_16 ? MO_16 : MO_32) : MO_8;
}

/* String instructions (A4-A7, AA-AF, 6C-6F) and IN/OUT (E4-E7, EC-EF). */
bool sysinsn_disas_string(DisasContext *s, CPUState *cpu, int b);
/* The 0F system map (b = 0x100 + second byte). */
bool sysinsn_disas_0f(DisasContext *s, CPUState *cpu, int b);
/* LSS/LFS/LGS/LDS/LES: reg = offset, seg_reg = selector from memory. */
void sysinsn_load_far_pointer(DisasContext *s, int seg_reg);

#endif
