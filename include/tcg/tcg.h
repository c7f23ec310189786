/*
 * tcg.h: the TCG intermediate representation and the context that builds
 * and compiles it. A front end (a guest translator, or a unit test) starts
 * a function with tcg_func_start(), emits ops with tcg-op.h, and calls
 * tcg_gen_code(), which optimizes (tcg/optimize.c), computes liveness and
 * removes dead ops (tcg/tcg.c), then hands the ops to the selected backend:
 * the x86-64 code generator (tcg/x86_64/, with the register allocator in
 * tcg/tcg-regalloc.c) or the interpreter (tcg/tci.c). Both backends run
 * the same ops, which is how tests cross-check them.
 *
 * Ownership: tcg.c owns temps, labels, ops and liveness; a backend reads
 * them and writes only the TCGTemp fields marked "backend" and s->code_*.
 */
#ifndef TCG_TCG_H
#define TCG_TCG_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "qemu/error.h"
#include "exec/memop.h"
#include "exec/cpu-tlb.h"
#include "exec/translation-block.h"

/* ---- opcodes ---- */

#define TCG_OPF_BB_EXIT      0x01  /* leaves the TB */
#define TCG_OPF_BB_END       0x02  /* ends a basic block (branch, label) */
#define TCG_OPF_CALL_CLOBBER 0x04  /* clobbers the host's call-clobbered regs, syncs globals */
#define TCG_OPF_SIDE_EFFECTS 0x08  /* never removed even if outputs are dead */
#define TCG_OPF_64BIT        0x10  /* operands are i64 */
#define TCG_OPF_NOT_PRESENT  0x20  /* handled by tcg.c/the allocator, not emitted as such */
#define TCG_OPF_COND_BRANCH  0x40  /* conditional branch to its label arg */

typedef enum TCGOpcode {
#define DEF(name, oargs, iargs, cargs, flags) INDEX_op_##name,
#include "tcg/tcg-opc.h"
    NB_OPS,
} TCGOpcode;

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs, nb_args;
    uint8_t flags;
} TCGOpDef;

extern const TCGOpDef tcg_op_defs[NB_OPS];

/* Maximum operands of one op: a call with 1 output, 6 inputs, func, info, flags. */
#define MAX_OPC_PARAM 10
#define MAX_CALL_IARGS 6

/* ---- conditions (QEMU's encoding: bit 0 inverts, bits swap) ---- */

typedef enum TCGCond {
    TCG_COND_NEVER  = 0 | 0 | 0 | 0,
    TCG_COND_ALWAYS = 0 | 0 | 0 | 1,
    TCG_COND_EQ     = 8 | 0 | 0 | 0,
    TCG_COND_NE     = 8 | 0 | 0 | 1,
    TCG_COND_LT     = 0 | 0 | 2 | 0,
    TCG_COND_GE     = 0 | 0 | 2 | 1,
    TCG_COND_LE     = 8 | 0 | 2 | 0,
    TCG_COND_GT     = 8 | 0 | 2 | 1,
    TCG_COND_LTU    = 0 | 4 | 0 | 0,
    TCG_COND_GEU    = 0 | 4 | 0 | 1,
    TCG_COND_LEU    = 8 | 4 | 0 | 0,
    TCG_COND_GTU    = 8 | 4 | 0 | 1,
} TCGCond;

/* !(a cond b) == a invert(cond) b */
static inline TCGCond tcg_invert_cond(TCGCond c)
{
    return (TCGCond)(c ^ 1);
}

/* (a cond b) == (b swap(cond) a) */
static inline TCGCond tcg_swap_cond(TCGCond c)
{
    return c & 6 ? (TCGCond)(c ^ 9) : c;
}

static inline bool is_unsigned_cond(TCGCond c)
{
    return (c & 4) != 0;
}

/* bswap flags: input zero-extended (IZ), output zero- (OZ) or sign- (OS) extended. */
#define TCG_BSWAP_IZ 1
#define TCG_BSWAP_OZ 2
#define TCG_BSWAP_OS 4

/* mb arguments (only the ordering bits matter to an x86 host). */
#define TCG_MO_LD_LD  0x01
#define TCG_MO_ST_LD  0x02
#define TCG_MO_LD_ST  0x04
#define TCG_MO_ST_ST  0x08
#define TCG_MO_ALL    0x0f
#define TCG_BAR_SC    0x30

/* ---- temporaries ---- */

typedef enum TCGType {
    TCG_TYPE_I32,
    TCG_TYPE_I64,
    TCG_TYPE_COUNT,
    TCG_TYPE_PTR = TCG_TYPE_I64,    /* the host is 64-bit */
    TCG_TYPE_REG = TCG_TYPE_I64,
} TCGType;

typedef enum TCGTempKind {
    TEMP_EBB,       /* value lives until the end of the extended basic block */
    TEMP_TB,        /* value lives through the whole TB (kept across labels) */
    TEMP_GLOBAL,    /* backed by memory at mem_base + mem_offset (CPU state) */
    TEMP_FIXED,     /* lives in a fixed host register (env) */
    TEMP_CONST,     /* a constant; interned, never written */
} TCGTempKind;

/* Where a temp's value is right now (register allocator state). */
typedef enum TCGTempVal {
    TEMP_VAL_DEAD,
    TEMP_VAL_REG,
    TEMP_VAL_MEM,
    TEMP_VAL_CONST,
} TCGTempVal;

typedef int TCGReg;
#define TCG_REG_NONE (-1)
#define TCG_MAX_HOST_REGS 32
typedef uint32_t TCGRegSet;

typedef struct TCGTemp {
    TCGType type;
    TCGTempKind kind;
    bool temp_allocated;        /* in use (EBB/TB temps are freed and reused) */
    int64_t val;                /* TEMP_CONST: the value (i32: sign-extended) */
    struct TCGTemp *mem_base;   /* TEMP_GLOBAL: base temp (env) */
    intptr_t mem_offset;        /* TEMP_GLOBAL: offset from mem_base */
    const char *name;           /* globals and fixed temps */

    /* backend: register allocator state, reset by tcg_gen_code. */
    TCGTempVal val_type;
    TCGReg reg;
    bool mem_coherent;          /* memory copy equals the register */
    bool mem_allocated;         /* EBB/TB temps: a stack slot was given */
    intptr_t slot_offset;       /* EBB/TB temps: offset of the slot from the frame */

    /* scratch for passes (optimizer, liveness, backends) */
    uintptr_t state;
    void *state_ptr;
} TCGTemp;

/*
 * The handles a front end holds. They are offsets of a TCGTemp from the
 * start of the TCGContext, disguised as distinct pointer types for type
 * checking: the same handle names the same temp in every context, so
 * globals created once serve all translating threads.
 */
typedef struct TCGv_i32_d *TCGv_i32;
typedef struct TCGv_i64_d *TCGv_i64;
typedef struct TCGv_ptr_d *TCGv_ptr;
typedef TCGv_i64 TCGv;          /* a guest address or register (x86-64 guest) */

typedef uintptr_t TCGArg;

/* ---- labels ---- */

typedef struct TCGRelocation {
    struct TCGRelocation *next;
    void *ptr;                  /* where the backend must patch (rw address) */
    int type;                   /* backend-defined */
    intptr_t addend;
} TCGRelocation;

typedef struct TCGLabel {
    unsigned id;
    bool present;               /* set_label emitted */
    bool has_value;             /* backend: address known */
    int refs;                   /* branches referring to it (optimizer) */
    uintptr_t value;            /* backend: host address (or bytecode offset) */
    TCGRelocation *relocs;      /* backend: forward references to patch */
} TCGLabel;

/* ---- ops ---- */

/*
 * Liveness result of an op (tcg_liveness_analysis): for output i,
 * NEED_SYNC_ARG(i) says the new value must be written back to its memory
 * (a global that is dead in its register but live in memory); for any
 * operand i, IS_DEAD_ARG(i) says this op is the last use of the temp.
 */
typedef uint32_t TCGLifeData;
#define SYNC_ARG(n)  (1u << (n))
#define DEAD_ARG(n)  (4u << (n))
#define NEED_SYNC_ARG(life, n) (((life) >> (n)) & 1)
#define IS_DEAD_ARG(life, n)   (((life) >> ((n) + 2)) & 1)

typedef struct TCGOp {
    struct TCGOp *next, *prev;
    TCGOpcode opc;
    uint8_t param1, param2;     /* call: number of outputs, inputs */
    uint8_t nargs;              /* total operands used in args[] */
    TCGLifeData life;
    /*
     * Output-register preferences from liveness (which regs the value
     * will be wanted in), one set per output; 0 = no preference.
     */
    TCGRegSet output_pref[2];
    TCGArg args[MAX_OPC_PARAM];
} TCGOp;

#define TCGOP_CALLO(op) ((op)->param1)
#define TCGOP_CALLI(op) ((op)->param2)

/* An op's temp operand i (outputs first, then inputs). */
static inline TCGTemp *arg_temp(TCGArg a)
{
    return (TCGTemp *)a;
}

static inline TCGArg temp_arg(TCGTemp *ts)
{
    return (TCGArg)ts;
}

static inline TCGLabel *arg_label(TCGArg a)
{
    return (TCGLabel *)a;
}

static inline TCGArg label_arg(TCGLabel *l)
{
    return (TCGArg)l;
}

/* ---- helper calls ---- */

/* TCGHelperInfo.flags */
#define TCG_CALL_NO_READ_GLOBALS  0x0001  /* does not read globals from env */
#define TCG_CALL_NO_WRITE_GLOBALS 0x0002  /* does not write globals to env */
#define TCG_CALL_NO_SIDE_EFFECTS  0x0004  /* removable when its result is unused */
/*
 * Neither reads nor writes globals (QEMU's meaning: not reading implies
 * not writing). Both bits, so that liveness and the optimizer, which test
 * NO_WRITE_GLOBALS, keep globals in registers and their known bits across
 * the call; with only the read bit every cc_compute_all spilled and
 * reloaded all live guest registers.
 */
#define TCG_CALL_NO_RWG  (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS)
#define TCG_CALL_NO_WG   TCG_CALL_NO_WRITE_GLOBALS
#define TCG_CALL_NO_SE   TCG_CALL_NO_SIDE_EFFECTS
#define TCG_CALL_NO_RWG_SE (TCG_CALL_NO_RWG | TCG_CALL_NO_SE)
#define TCG_CALL_NO_WG_SE  (TCG_CALL_NO_WG | TCG_CALL_NO_SE)

typedef enum TCGCallType {
    TCG_CALL_VOID,
    TCG_CALL_I32,               /* int32_t / uint32_t */
    TCG_CALL_I64,               /* int64_t / uint64_t */
    TCG_CALL_PTR,               /* a host pointer (e.g. env) */
} TCGCallType;

/*
 * A helper: a C function of up to MAX_CALL_IARGS integer/pointer
 * arguments, called with the host's C calling convention. The op's
 * args are: outputs (0 or 1), inputs (nargs), func, info.
 */
typedef struct TCGHelperInfo {
    void *func;
    const char *name;
    unsigned flags;
    uint8_t nargs;
    TCGCallType ret;
    TCGCallType args[MAX_CALL_IARGS];
} TCGHelperInfo;

/* ---- the context ---- */

#define TCG_MAX_TEMPS 1024
#define TCG_MAX_INSNS 512

typedef struct TCGBackend TCGBackend;
typedef struct TCGContext TCGContext;

struct TCGContext {
    int nb_globals;             /* temps[0 .. nb_globals-1]: fixed + globals */
    int nb_temps;
    TCGTemp *env;               /* the fixed temp holding the CPU env pointer */

    /* The function being built: ops, labels, constants. */
    TCGOp *first_op, *last_op;
    TCGOp *free_ops;            /* recycled op structs */
    int nb_ops;
    TCGLabel **labels;
    int nb_labels, labels_alloc;
    void *const_table[TCG_TYPE_COUNT];  /* GHashTable value -> TCGTemp */

    /* Per-function allocations (relocations...), freed by tcg_func_start. */
    void *pool;

    /* Guest instructions of the TB being compiled. */
    TranslationBlock *gen_tb;
    int gen_insn_count;
    uint32_t gen_insn_end_off[TCG_MAX_INSNS];
    uint64_t gen_insn_data[TCG_MAX_INSNS][TCG_INSN_START_WORDS];

    /* Code generation: the backend writes at code_ptr (rw address). */
    const TCGBackend *backend;
    void *code_buf;             /* start of this TB's code (rw) */
    void *code_ptr;             /* next byte to write (rw) */
    void *code_gen_highwater;   /* past it: stop and report overflow */

    /* Register allocator (backend). */
    TCGTemp *reg_to_temp[TCG_MAX_HOST_REGS];
    TCGRegSet reserved_regs;
    intptr_t frame_start, frame_end, current_frame_offset;
    TCGReg frame_reg;

    /* Options. */
    bool optimize;              /* run tcg/optimize.c (default on) */

    /*
     * Added by IR (tcg.c): freed EBB/TB temps, one bitmap per
     * [kind][type] (kind TEMP_EBB or TEMP_TB), bit i = temps[i] is free
     * for reuse. Private to tcg.c.
     */
    uint64_t free_temps[2][TCG_TYPE_COUNT][TCG_MAX_TEMPS / 64];

    TCGTemp temps[TCG_MAX_TEMPS];
};

extern __thread TCGContext *tcg_ctx;

static inline TCGTemp *tcgv_i32_temp(TCGv_i32 v)
{
    return (TCGTemp *)((char *)tcg_ctx + (uintptr_t)v);
}
static inline TCGTemp *tcgv_i64_temp(TCGv_i64 v)
{
    return (TCGTemp *)((char *)tcg_ctx + (uintptr_t)v);
}
static inline TCGTemp *tcgv_ptr_temp(TCGv_ptr v)
{
    return (TCGTemp *)((char *)tcg_ctx + (uintptr_t)v);
}
static inline TCGv_i32 temp_tcgv_i32(TCGTemp *t)
{
    return (TCGv_i32)((char *)t - (char *)tcg_ctx);
}
static inline TCGv_i64 temp_tcgv_i64(TCGTemp *t)
{
    return (TCGv_i64)((char *)t - (char *)tcg_ctx);
}
static inline TCGv_ptr temp_tcgv_ptr(TCGTemp *t)
{
    return (TCGv_ptr)((char *)t - (char *)tcg_ctx);
}
static inline size_t temp_idx(TCGTemp *t)
{
    return t - tcg_ctx->temps;
}

/* The env pointer as a front-end handle (always valid after tcg_context_init). */
extern TCGv_ptr tcg_env;

/* ---- backends ---- */

struct TCGBackend {
    const char *name;           /* "x86_64", "tci" */
    /* Once per code buffer (after a flush too): emit prologue/epilogue. */
    void (*init)(TCGContext *s);
    /*
     * Emit the ops of s (after liveness) at s->code_ptr for tb. Returns
     * the code size, -1 when code_gen_highwater was passed (the caller
     * flushes the buffer and retranslates), -2 when the TB is too large
     * for its offsets (the caller retranslates with fewer insns). Fills
     * s->gen_insn_end_off[] and tb's jmp_* offsets.
     */
    int (*gen_code)(TCGContext *s, TranslationBlock *tb);
    /* Run the code at tb_ptr (rx) with env; returns exit_tb's value. */
    uintptr_t (*exec)(void *env, const void *tb_ptr);
    /* Make goto_tb n of tb jump to addr (rx). Atomic w.r.t. running code. */
    void (*set_jmp_target)(const TranslationBlock *tb, int n, uintptr_t addr);
    /*
     * Disassemble code of size bytes at ptr (rx) to f (out_asm); NULL:
     * the caller hex-dumps.
     */
    void (*disas)(FILE *f, const void *ptr, size_t size);
};

extern const TCGBackend tcg_backend_x86_64;
extern const TCGBackend tcg_backend_tci;

/*
 * Where goto_ptr goes when helper_lookup_tb_ptr finds nothing: code that
 * returns 0 to cpu_exec (set by the backend's init).
 */
extern const void *tcg_code_gen_epilogue;

/*
 * The host pc a helper was called from, for unwinding to the guest
 * instruction (cpu_restore_state). TCI sets tci_tb_ptr around its calls.
 */
extern __thread uintptr_t tci_tb_ptr;
#define GETPC() \
    (tci_tb_ptr ? tci_tb_ptr : (uintptr_t)__builtin_return_address(0))

/* ---- tcg.c ---- */

/*
 * One-time setup of the calling thread's context with the given backend:
 * creates the fixed env temp. Globals are created after it.
 */
void tcg_context_init(TCGContext *s, const TCGBackend *backend);
/* Free what the context allocated (not s itself); its code stays. */
void tcg_context_destroy(TCGContext *s);
/* Make s the calling thread's tcg_ctx. */
void tcg_set_current(TCGContext *s);

/* Start a new function: drops ops, labels, EBB/TB temps and constants. */
void tcg_func_start(TCGContext *s);

TCGTemp *tcg_global_mem_new_internal(TCGType type, TCGTemp *base,
                                     intptr_t offset, const char *name);
TCGv_i32 tcg_global_mem_new_i32(TCGv_ptr base, intptr_t offset, const char *name);
TCGv_i64 tcg_global_mem_new_i64(TCGv_ptr base, intptr_t offset, const char *name);
TCGv_ptr tcg_global_mem_new_ptr(TCGv_ptr base, intptr_t offset, const char *name);

TCGTemp *tcg_temp_new_internal(TCGType type, TCGTempKind kind);
void tcg_temp_free_internal(TCGTemp *ts);
TCGTemp *tcg_constant_internal(TCGType type, int64_t val);

TCGv_i32 tcg_temp_new_i32(void);            /* TEMP_TB */
TCGv_i64 tcg_temp_new_i64(void);
TCGv_ptr tcg_temp_new_ptr(void);
TCGv_i32 tcg_temp_ebb_new_i32(void);        /* TEMP_EBB */
TCGv_i64 tcg_temp_ebb_new_i64(void);
void tcg_temp_free_i32(TCGv_i32 v);
void tcg_temp_free_i64(TCGv_i64 v);
void tcg_temp_free_ptr(TCGv_ptr v);
TCGv_i32 tcg_constant_i32(int32_t val);     /* read-only, never freed */
TCGv_i64 tcg_constant_i64(int64_t val);
TCGv_ptr tcg_constant_ptr_int(intptr_t val);
#define tcg_constant_ptr(x) tcg_constant_ptr_int((intptr_t)(x))

TCGLabel *gen_new_label(void);

/* Append an op (args filled by the caller) / insert around another op. */
TCGOp *tcg_emit_op(TCGOpcode opc, unsigned nargs);
TCGOp *tcg_op_insert_before(TCGContext *s, TCGOp *op, TCGOpcode opc, unsigned nargs);
TCGOp *tcg_op_insert_after(TCGContext *s, TCGOp *op, TCGOpcode opc, unsigned nargs);
void tcg_op_remove(TCGContext *s, TCGOp *op);
/* Iterate: for (op = s->first_op; op; op = op->next) */

/* Per-function memory freed by the next tcg_func_start. */
void *tcg_malloc(size_t size);

/*
 * Liveness over the whole function: fills op->life and output_pref,
 * removes ops whose results are unused and that have no side effects.
 */
void tcg_liveness_analysis(TCGContext *s);

/* optimize.c: constant folding, copy propagation, identities, branches. */
void tcg_optimize(TCGContext *s);

/*
 * Compile the current function for tb: log (-d op), optimize, log
 * (-d op_opt), liveness, backend. Returns what backend->gen_code
 * returns; on success tb->tc.ptr/size are set (rx address) and the
 * insn boundaries are in s->gen_insn_end_off/gen_insn_data
 * (s->gen_insn_count of them).
 */
int tcg_gen_code(TCGContext *s, TranslationBlock *tb);

/*
 * Record an insn_start while emitting: the backend calls this when it
 * reaches INDEX_op_insn_start, with the current code offset from the
 * TB's start; it closes the previous insn's range and opens the next.
 * tcg_record_insn_end() closes the last one after the final op.
 */
void tcg_record_insn_start(TCGContext *s, const TCGOp *op, uint32_t code_off);
void tcg_record_insn_end(TCGContext *s, uint32_t code_off);

/* The -d op / op_opt dump: QEMU's format, one op per line. */
void tcg_dump_ops(TCGContext *s, FILE *f, bool have_prefs);

/* ---- code buffer (tcg/region.c) ---- */

/*
 * The code buffer: one memfd mapped twice, read-write for the generator
 * and read-execute for running, so no page is ever writable and
 * executable at once. size 0 picks the default (32 MiB). Falls back to
 * a single rwx mapping only when memfd or the second mapping fails.
 */
bool tcg_region_init(size_t size, Error **errp);
/* rw address -> rx address, and back. */
const void *tcg_splitwx_to_rx(void *rw);
void *tcg_splitwx_to_rw(const void *rx);
/*
 * Start a TB's code in the buffer: sets s->code_buf/code_ptr/highwater.
 * Returns false when the buffer is full (flush then retry).
 */
bool tcg_region_alloc(TCGContext *s);
/* After a successful gen_code: keep size bytes (aligned) of this TB. */
void tcg_region_commit(TCGContext *s, size_t size);
/*
 * Everything committed so far (the backend's prologue) survives
 * tcg_region_reset_all(). tcg_context_init calls it after backend->init.
 */
void tcg_region_keep_prologue(void);
/* Throw away every TB's code (the caller has dropped the TBs). */
void tcg_region_reset_all(void);
/* Bytes used and total, for info jit / tests. */
size_t tcg_code_size(void);
size_t tcg_code_capacity(void);
/* Does rx address p lie in the code buffer? */
bool in_code_gen_buffer(const void *p);

#endif
