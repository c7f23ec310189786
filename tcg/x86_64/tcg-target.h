/*
 * tcg-target.h: internals of the x86-64 code generator shared by its
 * three files: tcg-target-emit.c (instruction encoder), tcg-target.c
 * (prologue, constraints, op emission, the TCGBackend) and
 * tcg-target-ldst.c (inline softmmu TLB lookup and slow-path stubs).
 * Not a public header: nothing outside tcg/x86_64 includes it.
 */
#ifndef TCG_X86_64_TCG_TARGET_H
#define TCG_X86_64_TCG_TARGET_H

#include "tcg/tcg.h"
#include "../tcg-regalloc.h"

enum {
    TCG_REG_RAX = 0, TCG_REG_RCX, TCG_REG_RDX, TCG_REG_RBX,
    TCG_REG_RSP, TCG_REG_RBP, TCG_REG_RSI, TCG_REG_RDI,
    TCG_REG_R8, TCG_REG_R9, TCG_REG_R10, TCG_REG_R11,
    TCG_REG_R12, TCG_REG_R13, TCG_REG_R14, TCG_REG_R15,
};

/* env lives in a callee-saved register for the whole TB. */
#define TCG_AREG0   TCG_REG_R14
/* Never allocated: free for any emitter's own use within one op. */
#define TCG_TMP0    TCG_REG_R11

#define X86_REGS_ALL       0xffffu
#define X86_REGS_CALLEE    (TCG_REGSET_BIT(TCG_REG_RBX) | TCG_REGSET_BIT(TCG_REG_RBP) | \
                            TCG_REGSET_BIT(TCG_REG_R12) | TCG_REGSET_BIT(TCG_REG_R13) | \
                            TCG_REGSET_BIT(TCG_REG_R15))

/* Host features (tcg-target.c reads CPUID once). */
extern bool x86_have_bmi1, x86_have_bmi2, x86_have_lzcnt, x86_have_popcnt,
            x86_have_movbe;

/* Opcode flags above the opcode byte. */
#define P_EXT       0x100       /* 0x0f prefix */
#define P_EXT38     0x200       /* 0x0f 0x38 */
#define P_EXT3A     0x400       /* 0x0f 0x3a */
#define P_DATA16    0x800       /* 0x66 */
#define P_REXW      0x1000      /* 64-bit operand size */
#define P_REXB_R    0x2000      /* r is a byte register (needs REX for sil...) */
#define P_REXB_RM   0x4000      /* rm is a byte register */
#define P_SIMDF3    0x8000      /* 0xf3 */
#define P_SIMDF2    0x10000     /* 0xf2 */

#define OPC_ARITH_EvIz  0x81
#define OPC_ARITH_EvIb  0x83
#define OPC_ARITH_GvEv  0x03    /* + (subop << 3) */
#define OPC_ANDN        (0xf2 | P_EXT38)
#define OPC_BSF         (0xbc | P_EXT)
#define OPC_BSR         (0xbd | P_EXT)
#define OPC_BSWAP       (0xc8 | P_EXT)
#define OPC_CALL_Jz     0xe8
#define OPC_CMOVCC      (0x40 | P_EXT)
#define OPC_CMP_GvEv    (OPC_ARITH_GvEv | (ARITH_CMP << 3))
#define OPC_GRP3_Ev     0xf7
#define OPC_GRP5        0xff
#define OPC_IMUL_GvEv   (0xaf | P_EXT)
#define OPC_IMUL_GvEvIb 0x6b
#define OPC_IMUL_GvEvIz 0x69
#define OPC_JCC_long    (0x80 | P_EXT)
#define OPC_JMP_long    0xe9
#define OPC_LEA         0x8d
#define OPC_LZCNT       (0xbd | P_EXT | P_SIMDF3)
#define OPC_MOVB_EvGv   (0x88 | P_REXB_R)
#define OPC_MOVB_EvIb   0xc6
#define OPC_MOVL_EvGv   0x89
#define OPC_MOVL_GvEv   0x8b
#define OPC_MOVL_EvIz   0xc7
#define OPC_MOVL_Iv     0xb8
#define OPC_MOVBE_GyMy  (0xf0 | P_EXT38)
#define OPC_MOVBE_MyGy  (0xf1 | P_EXT38)
#define OPC_MOVSBL      (0xbe | P_EXT | P_REXB_RM)
#define OPC_MOVSWL      (0xbf | P_EXT)
#define OPC_MOVSLQ      (0x63 | P_REXW)
#define OPC_MOVZBL      (0xb6 | P_EXT | P_REXB_RM)
#define OPC_MOVZWL      (0xb7 | P_EXT)
#define OPC_POPCNT      (0xb8 | P_EXT | P_SIMDF3)
#define OPC_SARX        (0xf7 | P_EXT38 | P_SIMDF3)
#define OPC_SETCC       (0x90 | P_EXT | P_REXB_RM)
#define OPC_SHIFT_1     0xd1
#define OPC_SHIFT_Ib    0xc1
#define OPC_SHIFT_cl    0xd3
#define OPC_SHLX        (0xf7 | P_EXT38 | P_DATA16)
#define OPC_SHRX        (0xf7 | P_EXT38 | P_SIMDF2)
#define OPC_TESTL       0x85
#define OPC_TZCNT       (0xbc | P_EXT | P_SIMDF3)

enum { ARITH_ADD, ARITH_OR, ARITH_ADC, ARITH_SBB, ARITH_AND, ARITH_SUB,
       ARITH_XOR, ARITH_CMP };
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };
enum { EXT3_NOT = 2, EXT3_NEG = 3, EXT3_MUL = 4, EXT3_IMUL = 5, EXT3_DIV = 6,
       EXT3_IDIV = 7 };
enum { EXT5_CALLN_Ev = 2, EXT5_JMPN_Ev = 4 };

/* x86 condition codes. */
enum { JCC_JO = 0, JCC_JB = 2, JCC_JAE = 3, JCC_JE = 4, JCC_JNE = 5,
       JCC_JBE = 6, JCC_JA = 7, JCC_JS = 8, JCC_JNS = 9, JCC_JL = 0xc,
       JCC_JGE = 0xd, JCC_JLE = 0xe, JCC_JG = 0xf };

/* ---- tcg-target-emit.c ---- */
void x86_out8(TCGContext *s, uint8_t v);
void x86_out16(TCGContext *s, uint16_t v);
void x86_out32(TCGContext *s, uint32_t v);
void x86_out64(TCGContext *s, uint64_t v);
void x86_out_opc(TCGContext *s, int opc, int r, int rm, int x);
void x86_out_modrm(TCGContext *s, int opc, int r, int rm);
void x86_out_vex_modrm(TCGContext *s, int opc, int r, int v, int rm);
/* [base + index << shift + ofs]; index < 0: none. */
void x86_out_modrm_sib_offset(TCGContext *s, int opc, int r, int base, int index,
                              int shift, intptr_t ofs);
void x86_out_modrm_offset(TCGContext *s, int opc, int r, int base, intptr_t ofs);
void x86_out_arith(TCGContext *s, int subop, TCGReg dst, TCGReg src, int rexw);
/* Arithmetic with an immediate that fits 32 bits sign-extended. */
void x86_out_arithi(TCGContext *s, int subop, TCGReg r, int64_t val, int rexw);
void x86_out_shifti(TCGContext *s, int subop, TCGReg r, int count, int rexw);
/* movi that leaves the flags alone (no xor for zero). */
void x86_out_movi_keepflags(TCGContext *s, TCGType type, TCGReg reg, int64_t val);
void x86_out_jmp_rw(TCGContext *s, int opc_jcc, const void *target_rw);
void x86_out_jcc_label(TCGContext *s, int cc, TCGLabel *l);
void x86_out_jmp_label(TCGContext *s, TCGLabel *l);
void x86_out_nop(TCGContext *s);
void x86_out_push(TCGContext *s, TCGReg r);
void x86_out_pop(TCGContext *s, TCGReg r);
/* Patch a rel32 at p (rw) to reach target (rw). */
void x86_patch_rel32(void *p, const void *target);

/* ---- tcg-target-ldst.c ---- */
void x86_ldst_reset(TCGContext *s);
void x86_out_qemu_ld(TCGContext *s, TCGType type, TCGReg data, TCGReg addr,
                     MemOpIdx oi);
void x86_out_qemu_st(TCGContext *s, TCGType type, TCGReg data, TCGReg addr,
                     MemOpIdx oi);
/* Emit the slow paths of the TB; false when the buffer ran out. */
bool x86_ldst_finish(TCGContext *s);

#endif
