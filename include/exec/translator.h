/*
 * translator.h: the generic translator loop that guest front ends plug
 * into (QEMU's shape): a DisasContextBase embedded first in the front
 * end's DisasContext, a TranslatorOps table of hooks, translator_loop()
 * driving them with the TB's limits (instruction count, page boundary,
 * op buffer), and translator_ld*() to read guest code through the code
 * TLB while recording which pages the TB covers. Implemented in
 * accel/tcg/translator.c.
 */
#ifndef EXEC_TRANSLATOR_H
#define EXEC_TRANSLATOR_H

#include "exec/exec-all.h"
#include "tcg/tcg.h"

/* Why translation stopped; front ends add their own from DISAS_TARGET_0. */
typedef enum DisasJumpType {
    DISAS_NEXT,                 /* keep going */
    DISAS_TOO_MANY,             /* a limit was hit: continue at pc_next */
    DISAS_NORETURN,             /* the last insn left the TB itself */
    DISAS_TARGET_0,
    DISAS_TARGET_1,
    DISAS_TARGET_2,
    DISAS_TARGET_3,
    DISAS_TARGET_4,
    DISAS_TARGET_5,
    DISAS_TARGET_6,
    DISAS_TARGET_7,
} DisasJumpType;

typedef struct DisasContextBase {
    TranslationBlock *tb;
    uint64_t pc_first;          /* guest pc of the first insn */
    uint64_t pc_next;           /* of the next insn (front ends advance it) */
    DisasJumpType is_jmp;
    int num_insns;              /* insns translated so far, this one included */
    int max_insns;
    /* Host addresses of the TB's first and second guest page (NULL: not RAM/unread). */
    void *host_addr[2];
} DisasContextBase;

/*
 * The hooks, called in this order: init_disas_context once (may lower
 * max_insns), tb_start once, then per insn insn_start (emit
 * tcg_gen_insn_start) and translate_insn (advance pc_next, set is_jmp to
 * stop), then tb_stop once (emit the TB's exit for is_jmp). disas_log
 * (optional) prints the guest code for -d in_asm.
 */
typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CPUState *cpu);
    void (*tb_start)(DisasContextBase *db, CPUState *cpu);
    void (*insn_start)(DisasContextBase *db, CPUState *cpu);
    void (*translate_insn)(DisasContextBase *db, CPUState *cpu);
    void (*tb_stop)(DisasContextBase *db, CPUState *cpu);
    void (*disas_log)(const DisasContextBase *db, CPUState *cpu, FILE *f);
} TranslatorOps;

/**
 * translator_loop: - translate the guest code at pc into tb, for a
 * TCGCPUOps.translate_code hook. Emits the interrupt check at the TB's
 * entry (unless CF_NOIRQ), runs the hooks, and stops after *max_insns
 * insns, when the next insn would start on another page than the first
 * (so a TB covers at most two pages: an insn may cross), when the op
 * buffer fills, or when the front end sets is_jmp. Sets tb->size and
 * tb->icount, and *max_insns to the number of insns.
 */
void translator_loop(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                     uint64_t pc, void *host_pc, const TranslatorOps *ops,
                     DisasContextBase *db);

/*
 * May the front end emit goto_tb to dest? No when the TB has
 * CF_NO_GOTO_TB, or when dest is outside the pages of the TB's first and
 * current insn (the same rule tb_add_jump applies when chaining).
 */
bool translator_use_goto_tb(DisasContextBase *db, uint64_t dest);

/*
 * Read guest code at pc (little-endian) through the code TLB. Faults
 * unwind as instruction-fetch faults; a fault on the TB's second page in
 * an insn other than the first ends the TB before that insn instead.
 */
uint8_t translator_ldub(void *env, DisasContextBase *db, uint64_t pc);
uint16_t translator_lduw(void *env, DisasContextBase *db, uint64_t pc);
uint32_t translator_ldl(void *env, DisasContextBase *db, uint64_t pc);
uint64_t translator_ldq(void *env, DisasContextBase *db, uint64_t pc);

#endif
