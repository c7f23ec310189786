/*
 * alu: shared declarations of the ALU table kernel (alu.c drives, alu-ops.c
 * holds one inline-asm wrapper per instruction and operand size).
 */
#ifndef KEEL_GUEST_ALU_H
#define KEEL_GUEST_ALU_H

#include "lib.h"

/* Status flags: CF PF AF ZF SF OF. */
#define F_CF 0x001ul
#define F_PF 0x004ul
#define F_AF 0x010ul
#define F_ZF 0x040ul
#define F_SF 0x080ul
#define F_OF 0x800ul
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* One case: inputs a, b (and c: count / immediate index), flags in; outputs. */
struct alu_case {
    uint64_t a, b, c, fi;
    uint64_t r1, r2, fo;
};

typedef void (*alu_fn)(struct alu_case *k);

/* Operand shapes, which decide the inputs alu.c feeds an op. */
enum alu_kind {
    K_BIN,      /* a op b */
    K_UN,       /* op a */
    K_SHIFT,    /* a op c (count in CL) */
    K_DSHIFT,   /* shld/shrd a, b, c */
    K_MUL,      /* one-operand mul/imul: a * b */
    K_DIV,      /* div/idiv: (r2:a) / b, never #DE */
    K_IDIV,
    K_COND,     /* setcc/cmovcc: flags from fi */
    K_EXT,      /* sign/zero extension of a */
};

struct alu_op {
    const char *name;
    unsigned size;      /* 8, 16, 32, 64 */
    enum alu_kind kind;
    alu_fn fn;
    uint64_t mask;      /* SDM-defined flags (see alu-ops.c) */
};

extern const struct alu_op alu_ops[];
extern const unsigned alu_nops;

#endif
