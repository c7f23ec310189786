/*
 * translate.h: the internal API of the x86 translator, shared by the
 * decoder core (translate.c, translate-alu.c, translate-ctl.c) and the
 * system half (translate-string.c, translate-system.c, translate-0f.c):
 * the per-TB DisasContext, the TCG globals that mirror CPUX86State, and
 * the gen_* building blocks (code fetch, ModRM addressing, register and
 * memory moves with x86 partial-register rules, stack, lazy flags,
 * jumps, exceptions, ending a TB). Not a public interface: helpers and
 * the CPU glue use x86-tcg.h.
 */
#ifndef TARGET_I386_TCG_TRANSLATE_H
#define TARGET_I386_TCG_TRANSLATE_H

#include <setjmp.h>
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "exec/translator.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"

/* ---- prefixes (DisasContext.prefix) ---- */

#define PREFIX_REPZ   0x01    /* F3 */
#define PREFIX_REPNZ  0x02    /* F2 */
#define PREFIX_LOCK   0x04    /* F0 */
#define PREFIX_DATA   0x08    /* 66 */
#define PREFIX_ADR    0x10    /* 67 */
#define PREFIX_VEX    0x20    /* C4/C5 (decoded only to reject it) */
#define PREFIX_REX    0x40    /* any REX byte (40-4F) before the opcode */

/*
 * Extra DisasJumpType values of the x86 front end: set base.is_jmp and
 * tb_stop emits the end (other unknown values end like DISAS_EOB_NEXT).
 */
#define DISAS_EOB_ONLY   DISAS_TARGET_0  /* EIP already in env: gen_eob */
#define DISAS_EOB_NEXT   DISAS_TARGET_1  /* EIP = next insn, then gen_eob */
#define DISAS_EOB_INHIBIT_IRQ DISAS_TARGET_2 /* as EOB_NEXT, setting the IRQ shadow */
#define DISAS_JUMP       DISAS_TARGET_3  /* EIP already in env: gen_jr (lookup) */

/* The longest legal instruction; a longer one raises #GP(0). */
#define X86_MAX_INSN_LENGTH 15

typedef struct DisasContext {
    DisasContextBase base;
    CPUX86State *env;

    /* This instruction. */
    uint64_t pc_start;      /* linear address (CS.base + EIP) of its first byte */
    uint64_t pc;            /* linear address of the next byte to fetch */
    uint64_t cs_base;
    int prefix;             /* PREFIX_* */
    int override;           /* segment override R_ES..R_GS, or -1 */
    MemOp dflag;            /* operand size: MO_16, MO_32, MO_64 */
    MemOp aflag;            /* address size: MO_16, MO_32, MO_64 */
    int rex_w;              /* REX.W (0/1) */
    int rex_r, rex_x, rex_b;/* REX.R/X/B as 0 or 8, ready to or into a reg number */
    int vex_l, vex_v;       /* unused until AVX */
    int modrm;              /* the ModRM byte once fetched, else -1 */
    /* Bytes of immediate after the ModRM operand (for RIP-relative disp). */
    int rip_offset;
    sigjmp_buf jmpbuf;      /* instruction too long (> 15 bytes): #GP(0) */
    TCGOp *insn_first_op;   /* last op before this insn (to drop its ops) */

    /* The mode, from the TB flags (constant through the TB). */
    uint32_t flags;         /* hflags | eflags bits of the TB key */
    bool code32;            /* CS.D: 32-bit default operand/address size */
    bool code64;            /* 64-bit code segment (long mode) */
    bool ss32;              /* 32-bit stack (SS.B) */
    bool addseg;            /* DS/ES/SS bases may be non-zero: add them */
    bool pe, vm86, lma;
    int cpl, iopl;
    bool tf;                /* EFLAGS.TF: single-step after each insn */
    int mem_index;          /* MMU index of data accesses */
    MemOp align_check;      /* MO_ALIGN when CPL 3 + CR0.AM + EFLAGS.AC (#AC), else 0 */
    bool jmp_opt;           /* may chain with goto_tb (no TF/IRQ shadow/...) */

    /* CPUID words for feature checks (0 when the leaf is absent). */
    uint32_t cpuid_features;        /* 1.EDX */
    uint32_t cpuid_ext_features;    /* 1.ECX */
    uint32_t cpuid_ext2_features;   /* 8000_0001.EDX */
    uint32_t cpuid_ext3_features;   /* 8000_0001.ECX */
    uint32_t cpuid_7_0_ebx_features;
    uint32_t cpuid_7_0_ecx_features;

    /* Lazy flags: the cc_op known at this point (or CC_OP_DYNAMIC). */
    CCOp cc_op;
    bool cc_op_dirty;       /* env->cc_op differs from cc_op (not stored yet) */
    CCOp cc_op_discarded;   /* the CCOp whose unused cc globals were discarded */

    /*
     * Scratch temps, free for any instruction to use. They are EBB temps:
     * a value does not survive a label (gen_set_label), so compute them
     * again after one; a conditional branch's fall-through keeps them.
     */
    TCGv T0, T1, A0;
    TCGv tmp0, tmp4;
    TCGv_i32 tmp2_i32, tmp3_i32;
    TCGv_i64 tmp1_i64;
    TCGv cc_t0, cc_t1;      /* private to the condition evaluation (translate-cc.c) */
} DisasContext;

/* CPUID bits the decoder checks (in the words above). */
#define X86_CPUID_CX8       (1u << 8)   /* 1.EDX */
#define X86_CPUID_CMOV      (1u << 15)  /* 1.EDX */
#define X86_CPUID_FPU       (1u << 0)   /* 1.EDX */
#define X86_CPUID_EXT_MOVBE (1u << 22)  /* 1.ECX */
#define X86_CPUID_EXT3_ABM  (1u << 5)   /* 8000_0001.ECX: LZCNT */
#define X86_CPUID_7_0_EBX_BMI1 (1u << 3)

/* ---- TCG globals (created by x86_tcg_initialize, same order everywhere) ---- */

extern TCGv cpu_regs[CPU_NB_REGS];
extern TCGv cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
extern TCGv_i32 cpu_cc_op;
extern TCGv cpu_seg_base[6];
/* EIP is not a global: gen_jmp_im / gen_update_eip_* store env->eip. */

/* ---- code fetch (advance s->pc; > 15 bytes: longjmp to #GP(0)) ---- */

uint8_t x86_ldub_code(CPUX86State *env, DisasContext *s);
int8_t x86_ldsb_code(CPUX86State *env, DisasContext *s);
uint16_t x86_lduw_code(CPUX86State *env, DisasContext *s);
int16_t x86_ldsw_code(CPUX86State *env, DisasContext *s);
uint32_t x86_ldl_code(CPUX86State *env, DisasContext *s);
uint64_t x86_ldq_code(CPUX86State *env, DisasContext *s);
/* An immediate of size ot (MO_64: a 32-bit immediate sign-extended). */
uint64_t insn_get(CPUX86State *env, DisasContext *s, MemOp ot);
/* The same, sign-extended to 64 bits (MO_8/16/32). */
int64_t insn_get_signed(CPUX86State *env, DisasContext *s, MemOp ot);

/* ---- operand sizes ---- */

/* Operand size of an instruction whose byte form has bit 0 clear. */
static inline MemOp mo_b_d(int b, MemOp ot)
{
    return b & 1 ? ot : MO_8;
}

/* Size of a push/pop: 64-bit mode defaults to 64 (66 gives 16). */
static inline MemOp mo_pushpop(DisasContext *s, MemOp ot)
{
    if (s->code64) {
        return ot == MO_16 ? MO_16 : MO_64;
    }
    return ot;
}

/* Size of the stack pointer (SP/ESP/RSP) as the stack segment says. */
static inline MemOp mo_stacksize(DisasContext *s)
{
    return s->code64 ? MO_64 : s->ss32 ? MO_32 : MO_16;
}

/* MO_64 stays MO_64; any other size becomes MO_32. */
static inline MemOp mo_64_32(MemOp ot)
{
    return ot == MO_64 ? MO_64 : MO_32;
}

/* ---- ModRM addressing ---- */

/* A decoded memory operand: seg:[base + index << scale + disp]. */
typedef struct AddressParts {
    int def_seg;        /* default segment (DS, or SS for BP/SP bases) */
    int base;           /* register number, -1 none, -2 RIP-relative */
    int index;          /* register number or -1 */
    int scale;          /* 0..3 */
    int64_t disp;
} AddressParts;

/* Decode the memory form of ModRM (fetching SIB and displacement). */
AddressParts gen_lea_modrm_0(CPUX86State *env, DisasContext *s, int modrm);
/*
 * The offset (no segment) of a: a TCGv valid until the next A0 write,
 * not truncated to the address size.
 */
TCGv gen_lea_modrm_1(DisasContext *s, AddressParts a);
/*
 * s->A0 = linear address of offset a0 with default segment def_seg and
 * override ovr_seg (-1: none): truncate to aflag, add the segment base
 * when it may be non-zero (addseg, an override, FS/GS in 64-bit mode).
 */
void gen_lea_v_seg(DisasContext *s, MemOp aflag, TCGv a0, int def_seg, int ovr_seg);
/* Decode ModRM (memory form) into s->A0, with s->override. */
void gen_lea_modrm(CPUX86State *env, DisasContext *s, int modrm);
/* Skip a ModRM memory operand's bytes without generating code (NOPs). */
void gen_nop_modrm(CPUX86State *env, DisasContext *s, int modrm);
/* s->A0 = seg:a0 with the default DS / override, for string-op sources. */
void gen_string_movl_A0_ESI(DisasContext *s);
/* s->A0 = ES:EDI (no override), the string destination. */
void gen_string_movl_A0_EDI(DisasContext *s);

/* ---- registers and memory ---- */

/* Guest memory at a0 (s->mem_index, little-endian, MO_ALIGN under #AC rules). */
void gen_op_ld_v(DisasContext *s, MemOp idx, TCGv t0, TCGv a0);
void gen_op_st_v(DisasContext *s, MemOp idx, TCGv t0, TCGv a0);
/*
 * Write t0 to register reg with size ot: MO_8 writes AL..BL, or AH..BH
 * for reg 4..7 without a REX prefix; MO_16 keeps bits 16-63; MO_32
 * zero-extends to 64; MO_64 writes all.
 */
void gen_op_mov_reg_v(DisasContext *s, MemOp ot, int reg, TCGv t0);
/* t0 = register reg (size ot, zero-extended; AH..BH as above). */
void gen_op_mov_v_reg(DisasContext *s, MemOp ot, TCGv t0, int reg);
#define OR_TMP0 16   /* gen_ldst_modrm: s->T0 instead of a register */
/* Is an 8-bit access to reg one of AH/CH/DH/BH (no REX, reg 4..7)? */
bool byte_reg_is_xH(DisasContext *s, int reg);
/* reg += val at size (MO_16 keeps the upper bits, MO_32 zero-extends). */
void gen_op_add_reg_im(DisasContext *s, MemOp size, int reg, int32_t val);
void gen_op_add_reg_T0(DisasContext *s, MemOp size, int reg);
/* ot = size of the value in t0; sign- or zero-extend it in place/into dst. */
TCGv gen_ext_tl(TCGv dst, TCGv src, MemOp size, bool sign);
/* Branch to l1 if (E/R)CX at the address size is (non-)zero. */
void gen_op_jnz_ecx(DisasContext *s, TCGLabel *l1);
void gen_op_jz_ecx(DisasContext *s, TCGLabel *l1);
/* t0 = env->df << ot: the string step (+size or -size). */
void gen_op_movl_T0_Dshift(DisasContext *s, MemOp ot, TCGv t0);

/*
 * Move a ModRM operand at size ot to/from register reg (reg == OR_TMP0:
 * s->T0): for mod == 3 the r/m register, else guest memory (the address
 * is decoded into s->A0 here).
 */
void gen_ldst_modrm(CPUX86State *env, DisasContext *s, int modrm, MemOp ot,
                    int reg, bool is_store);

/* ---- the stack ---- */

/* s->A0 = SS:(ESP/RSP/SP + offset) at the stack size. */
void gen_stack_A0(DisasContext *s, int offset);
/* Push val (size mo_pushpop(dflag)); ESP is written after the store. */
void gen_push_v(DisasContext *s, TCGv val);
/* s->T0 = the top of stack, ESP unchanged; returns the size popped. */
MemOp gen_pop_T0(DisasContext *s);
/* ESP += size of ot (after gen_pop_T0 and the use of its value). */
void gen_pop_update(DisasContext *s, MemOp ot);

/* ---- lazy flags ---- */

/* Store s->cc_op into env->cc_op if it is not there yet. */
void gen_update_cc_op(DisasContext *s);
/* The flags now follow op (discards cc_* inputs op does not use). */
void set_cc_op(DisasContext *s, CCOp op);
void gen_cc_discard_at_insn_start(DisasContext *s);
/* Materialise all flags: cc_src = O S Z A P C, cc_op = CC_OP_EFLAGS. */
void gen_compute_eflags(DisasContext *s);
/* reg = CF (0 or 1) without changing the lazy state. */
void gen_compute_eflags_c(DisasContext *s, TCGv reg);
/*
 * Condition b of Jcc/SETcc/CMOVcc (low 4 bits of the opcode: bit 0
 * inverts, JCC_O..JCC_LE in bits 1-3): set reg to 0/1, or branch to l1
 * when it holds. Common cc_ops are computed directly from cc_dst/cc_src.
 */
enum { JCC_O, JCC_B, JCC_Z, JCC_BE, JCC_S, JCC_P, JCC_L, JCC_LE };
void gen_setcc1(DisasContext *s, int b, TCGv reg);
void gen_jcc1(DisasContext *s, int b, TCGLabel *l1);
/* dest = condition b ? src : dest (CMOVcc). */
void gen_cmovcc1(DisasContext *s, int b, TCGv dest, TCGv src);
/* t = O S Z A P C now, without changing the lazy state; returns t or cc_src. */
TCGv gen_eflags_value(DisasContext *s, TCGv t);
/* As gen_jcc1, without syncing cc_op first (caller did). */
void gen_jcc1_noeob(DisasContext *s, int b, TCGLabel *l1);

/* ---- EIP, jumps, exceptions, end of block ---- */

/* env->eip = eip (an offset in CS, not a linear address). */
void gen_jmp_im(DisasContext *s, uint64_t eip);
/* env->eip = dest (a TCGv, already truncated as the mode needs). */
void gen_op_jmp_v(DisasContext *s, TCGv dest);
/* env->eip = EIP of this insn / of the next insn. */
void gen_update_eip_cur(DisasContext *s);
void gen_update_eip_next(DisasContext *s);
/* EIP of this / the next insn (s->pc_start / s->pc minus CS.base). */
uint64_t cur_insn_eip(DisasContext *s);
uint64_t next_insn_eip(DisasContext *s);
/* Length of this insn so far (the next_eip_addend of helpers). */
static inline int cur_insn_len(DisasContext *s)
{
    return s->pc - s->pc_start;
}

/*
 * Raise exception trapno at this insn: EIP and cc_op synced to its
 * start, then DISAS_NORETURN.
 */
void gen_exception(DisasContext *s, int trapno);
void gen_exception_err(DisasContext *s, int trapno, int error_code);
/* #UD; logs the bytes with LOG_UNIMP. */
void gen_illegal_opcode(DisasContext *s);
/* #GP(0). */
void gen_exception_gpf(DisasContext *s);
/* #UD for a LOCK prefix the instruction does not allow; true if raised. */
bool gen_check_lock_illegal(DisasContext *s, bool allowed);

/*
 * Jump to EIP eip and end the TB: goto_tb slot tb_num when chaining is
 * allowed and the target is on the TB's pages, else lookup_and_goto_ptr
 * (or gen_eob when single-stepping). Sets DISAS_NORETURN.
 */
void gen_jmp_tb(DisasContext *s, uint64_t eip, int tb_num);
/* Near relative jump to next_eip + diff at operand size ot (wraps at 16/32). */
void gen_jmp_rel(DisasContext *s, MemOp ot, int64_t diff, int tb_num);
/* Conditional: b as for gen_jcc1, taken to next_eip + diff. */
void gen_jcc(DisasContext *s, int b, int64_t diff);

/*
 * End the TB after a state change (EIP already in env): reset RF,
 * single-step #DB when TF is set, else exit to the main loop so hflags
 * and interrupts are looked at again. Sets DISAS_NORETURN.
 */
void gen_eob(DisasContext *s);
/* As gen_eob, setting (inhibit) the interrupt shadow after STI / MOV SS / POP SS. */
void gen_eob_inhibit_irq(DisasContext *s, bool inhibit);
/* As gen_eob, but look the next TB up directly (no state change needing an exit). */
void gen_jr(DisasContext *s);

/* ---- LOCK read-modify-write ---- */

/*
 * Every LOCKed read-modify-write of guest memory goes through here so
 * that the switch to host atomics (multi-threaded TCG) is one place.
 * Today the vCPUs run round-robin on one thread, so the plain
 * load / op / store below is atomic with respect to other vCPUs.
 */
/* (translate-alu.c: gen_lock_rmw_* are internal; gen_op/gen_inc/... use them.) */

/* ---- the system half (translate-string/system/0f.c, SYSINSN) ---- */

/*
 * Decode the opcode b (0x00-0xff one-byte, 0x100 + byte for 0F xx, 0x200 +
 * byte for 0F 38 xx) if it belongs to the system half (string ops, I/O,
 * far transfers, interrupts, segment loads, flags control, 0F 00/01
 * groups, MOV CR/DR, CPUID, RDTSC, RDMSR, SYSCALL...). s->pc is after the
 * opcode byte(s); prefixes are decoded. Returns false if b is not its
 * opcode (the decoder then raises #UD).
 */
bool disas_insn_sysinsn(DisasContext *s, CPUState *cpu, int b);

/* ---- the decoder's own units (translate-alu.c, translate-ctl.c) ---- */

/* Arithmetic op numbers of 00-3F / 80-83 and shift op numbers of C0-D3. */
enum { OP_ADDL, OP_ORL, OP_ADCL, OP_SBBL, OP_ANDL, OP_SUBL, OP_XORL, OP_CMPL };
enum { OP_ROL, OP_ROR, OP_RCL, OP_RCR, OP_SHL, OP_SHR, OP_SHL1, OP_SAR };

/*
 * T0 = T0 op T1 at size ot with flags, where the destination is register
 * d, or memory at s->A0 for d == OR_TMP0 (a read-modify-write, LOCKed if
 * the prefix says so).
 */
void gen_op(DisasContext *s, int op, MemOp ot, int d);
/* INC (c = 1) / DEC (c = -1) of register d or memory at A0 (OR_TMP0). */
void gen_inc(DisasContext *s, MemOp ot, int d, int c);
/* Shift/rotate group op of register d / memory at A0 (OR_TMP0): count in T1. */
void gen_shift(DisasContext *s, int op, MemOp ot, int d);
/* The same with a constant count c. */
void gen_shifti(DisasContext *s, int op, MemOp ot, int d, int c);
/* SHLD (is_right false) / SHRD of d (or OR_TMP0) with T1 by count. */
void gen_shiftd_rm_T1(DisasContext *s, MemOp ot, int d, bool is_right, TCGv count);

/* The one-byte ALU/shift/mul/div/bit instructions (translate-alu.c). */
bool disas_insn_alu(DisasContext *s, CPUState *cpu, int b);
/* Control flow, stack, moves and the rest (translate-ctl.c). */
bool disas_insn_ctl(DisasContext *s, CPUState *cpu, int b);

/* ---- the x87 and its state instructions (translate-fpu.c) ---- */

/* D8-DF and 9B (WAIT). */
void disas_insn_fpu(DisasContext *s, int b);
/* 0F AE memory forms /0-/6 (FXSAVE..XSAVEOPT); false: not one of them. */
bool disas_fpu_0fae_mem(DisasContext *s, int modrm);
/* 0F 01 D0 (XGETBV, set false) / D1 (XSETBV, set true). */
void disas_fpu_xcr(DisasContext *s, bool set);

#endif
