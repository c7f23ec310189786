/*
 * tcg-regalloc.h: the register allocator shared by the native backend
 * (tcg/x86_64), and the hooks that backend provides to it. Not used by
 * TCI. Also a few region.c internals that only the backend needs.
 */
#ifndef TCG_TCG_REGALLOC_H
#define TCG_TCG_REGALLOC_H

#include "tcg/tcg.h"

/* region.c internals. */
#define TCG_REGION_MARGIN   (64 * 1024)
#define TCG_REGION_MIN_TB   4096
/* Changes whenever the buffer is (re)created: the prologue must be redone. */
unsigned tcg_region_generation(void);
bool tcg_region_ready(void);
/* Called by tcg_region_init after it made a new buffer (the prologue). */
void tcg_region_set_prologue_hook(void (*hook)(void));

/* Constant-operand classes (TCGArgCt.ct); backend defined meaning. */
#define TCG_CT_CONST      0x01    /* any constant */
#define TCG_CT_CONST_S32  0x02    /* fits a sign-extended imm32 */
#define TCG_CT_CONST_U32  0x04    /* fits a zero-extended imm32 */
#define TCG_CT_CONST_ZERO 0x08    /* zero only */

/* The constraint of one operand. */
typedef struct TCGArgCt {
    TCGRegSet regs;             /* allowed registers */
    uint16_t ct;                /* TCG_CT_CONST_*: constants allowed */
    int8_t alias;               /* output: same register as input N, or -1 */
    bool clobbered;             /* input: the op destroys its register */
    bool newreg;                /* output: must not share any input's reg */
} TCGArgCt;

/* The constraints of an op: outputs then inputs, as in op->args. */
typedef struct TCGOpCt {
    TCGArgCt args[MAX_OPC_PARAM];
    TCGRegSet clobbers;         /* other registers the op destroys */
} TCGOpCt;

#define TCG_REGSET_BIT(r)  ((TCGRegSet)1 << (r))

/* ---- provided by the backend ---- */

/* Allocation order (most preferred first), count, call conventions. */
extern const TCGReg tcg_target_reg_order[];
extern const int tcg_target_reg_order_count;
extern const TCGReg tcg_target_call_iarg_regs[MAX_CALL_IARGS];
extern const TCGReg tcg_target_call_oarg_reg;
extern const TCGRegSet tcg_target_call_clobber_regs;

const TCGOpCt *tcg_target_op_ct(TCGOpcode opc);
bool tcg_target_const_match(int64_t val, TCGType type, unsigned ct);
void tcg_target_mov(TCGContext *s, TCGType type, TCGReg dst, TCGReg src);
/* dst = src's low 32 bits, zero-extended (also onto itself). */
void tcg_target_zext_i32(TCGContext *s, TCGReg dst, TCGReg src);
void tcg_target_movi(TCGContext *s, TCGType type, TCGReg reg, int64_t val);
void tcg_target_ld(TCGContext *s, TCGType type, TCGReg reg, TCGReg base,
                   intptr_t ofs);
void tcg_target_st(TCGContext *s, TCGType type, TCGReg reg, TCGReg base,
                   intptr_t ofs);
/* Store a constant to memory (may use the backend's scratch register). */
void tcg_target_sti(TCGContext *s, TCGType type, int64_t val, TCGReg base,
                    intptr_t ofs);
/* Emit op with operands already in registers (or constants) in args. */
void tcg_target_op(TCGContext *s, const TCGOp *op, const TCGArg *args,
                   const int *const_args);
void tcg_target_call(TCGContext *s, const void *func);
void tcg_target_bind_label(TCGContext *s, TCGLabel *l);

/* ---- provided by tcg-regalloc.c ---- */

/*
 * Emit every op of s at s->code_ptr. Returns 0, -1 when the code passed
 * s->code_gen_highwater, -2 when the spill frame is too small.
 */
int tcg_regalloc_gen(TCGContext *s);

/* The value of a temp that is in TEMP_VAL_CONST state. */
int64_t tcg_regalloc_const_val(const TCGTemp *ts);

#endif
