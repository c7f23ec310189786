/*
 * tcg.c: the TCG IR core: the op table, the per-thread context, temps
 * (globals, TB/EBB temps, interned constants), labels, the op list, the
 * per-function memory pool, liveness analysis with dead-code removal, and
 * tcg_gen_code(), which drives optimizer, liveness and the backend.
 * Code emission and register allocation live in the backends, not here.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg.h"

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(n, o, i, c, f) \
    [INDEX_op_##n] = { #n, o, i, c, (o) + (i) + (c), f },
#include "tcg/tcg-opc.h"
};

__thread TCGContext *tcg_ctx;
__thread uintptr_t tci_tb_ptr;
TCGv_ptr tcg_env;

/* ---- per-function memory pool ---- */

/*
 * A chain of chunks; tcg_func_start() frees all but the first, so a
 * translating thread normally reuses one chunk forever.
 */
typedef struct TCGPoolChunk {
    struct TCGPoolChunk *next;
    size_t size, used;
    max_align_t data[];
} TCGPoolChunk;

#define TCG_POOL_CHUNK_SIZE (32 * 1024)

void *tcg_malloc(size_t size)
{
    TCGContext *s = tcg_ctx;
    TCGPoolChunk *c = s->pool;

    size = QEMU_ALIGN_UP(size, _Alignof(max_align_t));
    if (!c || c->size - c->used < size) {
        size_t csize = MAX(size, (size_t)TCG_POOL_CHUNK_SIZE);
        TCGPoolChunk *n = g_malloc(sizeof(*n) + csize);

        n->size = csize;
        n->used = 0;
        n->next = c;
        s->pool = c = n;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

static void tcg_pool_reset(TCGContext *s)
{
    TCGPoolChunk *c = s->pool;

    if (!c) {
        return;
    }
    /* Keep the oldest chunk (the last in the chain) if it is a normal one. */
    while (c->next) {
        TCGPoolChunk *n = c->next;
        g_free(c);
        c = n;
    }
    c->used = 0;
    s->pool = c;
}

/* ---- context ---- */

void tcg_set_current(TCGContext *s)
{
    tcg_ctx = s;
}

/*
 * Globals are identified by front ends through handles that are offsets
 * into the context; creating the same globals in the same order in every
 * context (each translating thread has one) makes one set of handles
 * valid everywhere. The env temp is always temps[0].
 */
void tcg_context_init(TCGContext *s, const TCGBackend *backend)
{
    memset(s, 0, sizeof(*s));
    s->backend = backend;
    s->optimize = true;
    for (int t = 0; t < TCG_TYPE_COUNT; t++) {
        s->const_table[t] = g_hash_table_new(g_int64_hash, g_int64_equal);
    }

    TCGTemp *env = &s->temps[0];
    env->kind = TEMP_FIXED;
    env->type = TCG_TYPE_PTR;
    env->name = "env";
    env->temp_allocated = true;
    env->reg = TCG_REG_NONE;        /* the backend's init picks it */
    env->val_type = TEMP_VAL_REG;
    s->env = env;
    s->nb_globals = s->nb_temps = 1;

    tcg_set_current(s);
    tcg_env = temp_tcgv_ptr(s->env);
    tcg_func_start(s);

    if (backend && backend->init) {
        backend->init(s);
        tcg_region_keep_prologue();
    }
}

void tcg_context_destroy(TCGContext *s)
{
    TCGPoolChunk *c = s->pool;

    tcg_func_start(s);          /* every op is on the free list now */
    while (s->free_ops) {
        TCGOp *op = s->free_ops;

        s->free_ops = op->next;
        g_free(op);
    }
    while (c) {
        TCGPoolChunk *n = c->next;

        g_free(c);
        c = n;
    }
    s->pool = NULL;
    g_free(s->labels);
    s->labels = NULL;
    s->labels_alloc = 0;
    for (int t = 0; t < TCG_TYPE_COUNT; t++) {
        g_hash_table_destroy(s->const_table[t]);
        s->const_table[t] = NULL;
    }
    if (tcg_ctx == s) {
        tcg_ctx = NULL;
    }
}

void tcg_func_start(TCGContext *s)
{
    s->nb_temps = s->nb_globals;
    memset(s->free_temps, 0, sizeof(s->free_temps));
    for (int t = 0; t < TCG_TYPE_COUNT; t++) {
        g_hash_table_remove_all(s->const_table[t]);
    }
    /* Globals start each function in memory, with no register. */
    for (int i = 0; i < s->nb_globals; i++) {
        TCGTemp *ts = &s->temps[i];
        ts->state = 0;
        ts->state_ptr = NULL;
        if (ts->kind == TEMP_GLOBAL) {
            ts->val_type = TEMP_VAL_MEM;
            ts->mem_coherent = true;
            ts->reg = TCG_REG_NONE;
        }
    }

    /* Recycle the op structs. */
    if (s->last_op) {
        s->last_op->next = s->free_ops;
        s->free_ops = s->first_op;
    }
    s->first_op = s->last_op = NULL;
    s->nb_ops = 0;

    s->nb_labels = 0;
    tcg_pool_reset(s);
    s->gen_insn_count = 0;
    /* The translator sets it for the TB being built (tcg-op.c reads cflags). */
    s->gen_tb = NULL;
}

/* ---- temps ---- */

TCGTemp *tcg_global_mem_new_internal(TCGType type, TCGTemp *base,
                                     intptr_t offset, const char *name)
{
    TCGContext *s = tcg_ctx;

    /* Globals sit below every per-function temp: only between functions. */
    g_assert(s->nb_temps == s->nb_globals);
    g_assert(base && base->kind == TEMP_FIXED);
    if (s->nb_globals >= TCG_MAX_TEMPS) {
        g_error("tcg: too many globals (max %d)", TCG_MAX_TEMPS);
    }

    TCGTemp *ts = &s->temps[s->nb_globals];
    memset(ts, 0, sizeof(*ts));
    ts->type = type;
    ts->kind = TEMP_GLOBAL;
    ts->temp_allocated = true;
    ts->mem_base = base;
    ts->mem_offset = offset;
    ts->name = name;
    ts->reg = TCG_REG_NONE;
    ts->val_type = TEMP_VAL_MEM;
    ts->mem_coherent = true;
    s->nb_globals++;
    s->nb_temps++;
    return ts;
}

TCGv_i32 tcg_global_mem_new_i32(TCGv_ptr base, intptr_t offset, const char *name)
{
    return temp_tcgv_i32(tcg_global_mem_new_internal(TCG_TYPE_I32, tcgv_ptr_temp(base),
                                                     offset, name));
}

TCGv_i64 tcg_global_mem_new_i64(TCGv_ptr base, intptr_t offset, const char *name)
{
    return temp_tcgv_i64(tcg_global_mem_new_internal(TCG_TYPE_I64, tcgv_ptr_temp(base),
                                                     offset, name));
}

TCGv_ptr tcg_global_mem_new_ptr(TCGv_ptr base, intptr_t offset, const char *name)
{
    return temp_tcgv_ptr(tcg_global_mem_new_internal(TCG_TYPE_PTR, tcgv_ptr_temp(base),
                                                     offset, name));
}

static TCGTemp *tcg_temp_alloc(TCGContext *s)
{
    if (s->nb_temps >= TCG_MAX_TEMPS) {
        /* A front end that needs this many temps per TB is broken. */
        g_error("tcg: out of temps (max %d): the translator leaks temps "
                "or the TB is too large", TCG_MAX_TEMPS);
    }
    TCGTemp *ts = &s->temps[s->nb_temps++];
    memset(ts, 0, sizeof(*ts));
    ts->reg = TCG_REG_NONE;
    ts->temp_allocated = true;
    return ts;
}

TCGTemp *tcg_temp_new_internal(TCGType type, TCGTempKind kind)
{
    TCGContext *s = tcg_ctx;

    g_assert(kind == TEMP_EBB || kind == TEMP_TB);
    g_assert(type == TCG_TYPE_I32 || type == TCG_TYPE_I64);

    uint64_t *bits = s->free_temps[kind][type];
    for (int w = 0; w < TCG_MAX_TEMPS / 64; w++) {
        if (bits[w]) {
            int i = w * 64 + __builtin_ctzll(bits[w]);
            TCGTemp *ts = &s->temps[i];
            bits[w] &= bits[w] - 1;
            g_assert(!ts->temp_allocated && ts->kind == kind && ts->type == type);
            ts->temp_allocated = true;
            return ts;
        }
    }

    TCGTemp *ts = tcg_temp_alloc(s);
    ts->type = type;
    ts->kind = kind;
    ts->val_type = TEMP_VAL_DEAD;
    return ts;
}

void tcg_temp_free_internal(TCGTemp *ts)
{
    TCGContext *s = tcg_ctx;

    switch (ts->kind) {
    case TEMP_CONST:
    case TEMP_GLOBAL:
    case TEMP_FIXED:
        /* Constants are interned and globals permanent: freeing is a no-op. */
        return;
    case TEMP_EBB:
    case TEMP_TB:
        break;
    }
    g_assert(ts->temp_allocated);
    ts->temp_allocated = false;
    size_t i = temp_idx(ts);
    g_assert(i >= (size_t)s->nb_globals && i < (size_t)s->nb_temps);
    s->free_temps[ts->kind][ts->type][i / 64] |= 1ull << (i % 64);
}

TCGTemp *tcg_constant_internal(TCGType type, int64_t val)
{
    TCGContext *s = tcg_ctx;

    if (type == TCG_TYPE_I32) {
        val = (int32_t)val;
    }
    GHashTable *h = s->const_table[type];
    TCGTemp *ts = g_hash_table_lookup(h, &val);
    if (ts) {
        return ts;
    }
    ts = tcg_temp_alloc(s);
    ts->type = type;
    ts->kind = TEMP_CONST;
    ts->val = val;
    ts->val_type = TEMP_VAL_CONST;
    g_hash_table_insert(h, &ts->val, ts);
    return ts;
}

TCGv_i32 tcg_temp_new_i32(void)
{
    return temp_tcgv_i32(tcg_temp_new_internal(TCG_TYPE_I32, TEMP_TB));
}

TCGv_i64 tcg_temp_new_i64(void)
{
    return temp_tcgv_i64(tcg_temp_new_internal(TCG_TYPE_I64, TEMP_TB));
}

TCGv_ptr tcg_temp_new_ptr(void)
{
    return temp_tcgv_ptr(tcg_temp_new_internal(TCG_TYPE_PTR, TEMP_TB));
}

TCGv_i32 tcg_temp_ebb_new_i32(void)
{
    return temp_tcgv_i32(tcg_temp_new_internal(TCG_TYPE_I32, TEMP_EBB));
}

TCGv_i64 tcg_temp_ebb_new_i64(void)
{
    return temp_tcgv_i64(tcg_temp_new_internal(TCG_TYPE_I64, TEMP_EBB));
}

void tcg_temp_free_i32(TCGv_i32 v)
{
    tcg_temp_free_internal(tcgv_i32_temp(v));
}

void tcg_temp_free_i64(TCGv_i64 v)
{
    tcg_temp_free_internal(tcgv_i64_temp(v));
}

void tcg_temp_free_ptr(TCGv_ptr v)
{
    tcg_temp_free_internal(tcgv_ptr_temp(v));
}

TCGv_i32 tcg_constant_i32(int32_t val)
{
    return temp_tcgv_i32(tcg_constant_internal(TCG_TYPE_I32, val));
}

TCGv_i64 tcg_constant_i64(int64_t val)
{
    return temp_tcgv_i64(tcg_constant_internal(TCG_TYPE_I64, val));
}

TCGv_ptr tcg_constant_ptr_int(intptr_t val)
{
    return temp_tcgv_ptr(tcg_constant_internal(TCG_TYPE_PTR, val));
}

/* ---- labels ---- */

TCGLabel *gen_new_label(void)
{
    TCGContext *s = tcg_ctx;
    TCGLabel *l = tcg_malloc(sizeof(*l));

    memset(l, 0, sizeof(*l));
    if (s->nb_labels == s->labels_alloc) {
        s->labels_alloc = s->labels_alloc ? s->labels_alloc * 2 : 16;
        s->labels = g_renew(TCGLabel *, s->labels, s->labels_alloc);
    }
    l->id = s->nb_labels;
    s->labels[s->nb_labels++] = l;
    return l;
}

/* ---- ops ---- */

static TCGOp *tcg_op_alloc(TCGContext *s, TCGOpcode opc, unsigned nargs)
{
    TCGOp *op = s->free_ops;

    g_assert(nargs <= MAX_OPC_PARAM);
    if (op) {
        s->free_ops = op->next;
    } else {
        op = g_new(TCGOp, 1);
    }
    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->nargs = nargs;
    s->nb_ops++;
    return op;
}

TCGOp *tcg_emit_op(TCGOpcode opc, unsigned nargs)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op = tcg_op_alloc(s, opc, nargs);

    op->prev = s->last_op;
    if (s->last_op) {
        s->last_op->next = op;
    } else {
        s->first_op = op;
    }
    s->last_op = op;
    return op;
}

TCGOp *tcg_op_insert_before(TCGContext *s, TCGOp *old, TCGOpcode opc, unsigned nargs)
{
    TCGOp *op = tcg_op_alloc(s, opc, nargs);

    op->next = old;
    op->prev = old->prev;
    if (old->prev) {
        old->prev->next = op;
    } else {
        s->first_op = op;
    }
    old->prev = op;
    return op;
}

TCGOp *tcg_op_insert_after(TCGContext *s, TCGOp *old, TCGOpcode opc, unsigned nargs)
{
    TCGOp *op = tcg_op_alloc(s, opc, nargs);

    op->prev = old;
    op->next = old->next;
    if (old->next) {
        old->next->prev = op;
    } else {
        s->last_op = op;
    }
    old->next = op;
    return op;
}

/* The label a branch op refers to, or NULL for any other op. */
static TCGLabel *tcg_op_branch_label(const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_br:
        return arg_label(op->args[0]);
    case INDEX_op_brcond_i32:
    case INDEX_op_brcond_i64:
        return arg_label(op->args[3]);
    default:
        return NULL;
    }
}

void tcg_op_remove(TCGContext *s, TCGOp *op)
{
    TCGLabel *l = tcg_op_branch_label(op);

    if (l) {
        l->refs--;
    }
    if (op->prev) {
        op->prev->next = op->next;
    } else {
        s->first_op = op->next;
    }
    if (op->next) {
        op->next->prev = op->prev;
    } else {
        s->last_op = op->prev;
    }
    op->next = s->free_ops;
    op->prev = NULL;
    s->free_ops = op;
    s->nb_ops--;
}

/* ---- liveness ---- */

/*
 * Liveness runs backward over the ops with two bits of state per temp
 * (ts->state) describing what later ops need:
 *   TS_DEAD  the value in the temp is not read again;
 *   TS_MEM   the value must be in the temp's memory slot (globals: the
 *            CPU state in env; TB temps: their stack slot).
 * Rules (the register allocator and TCI rely on them):
 *   - end of function and every BB_EXIT op (exit_tb, goto_tb, goto_ptr):
 *     globals DEAD|MEM, all other temps DEAD;
 *   - BB_END without COND_BRANCH (set_label, br): globals and TB temps
 *     DEAD|MEM (the code at or after the label may read them from
 *     memory), EBB temps and constants DEAD;
 *   - COND_BRANCH (brcond): globals and TB temps gain MEM (the branch
 *     target reads memory), keeping their register value alive for the
 *     fall-through; EBB temps are unchanged (they live along the EBB);
 *   - call: without TCG_CALL_NO_WRITE_GLOBALS globals become DEAD|MEM
 *     (saved before, reloaded after); else without NO_READ_GLOBALS they
 *     gain MEM;
 *   - other ops with TCG_OPF_SIDE_EFFECTS (env stores, qemu_ld/st, mb):
 *     globals gain MEM, since a fault may unwind and read env;
 *   - for each op, outputs first: DEAD_ARG(i) if the temp is DEAD after
 *     the op, SYNC_ARG(i) if MEM; the temp then becomes DEAD (its old value
 *     is not needed before this op). Then inputs: DEAD_ARG(i) if DEAD
 *     (this is the last use), and the temp becomes live (DEAD cleared).
 *   - an op without side effects (a call only with TCG_CALL_NO_SIDE_EFFECTS)
 *     whose outputs are all exactly DEAD (not needed in memory either) is
 *     removed, and so is a mov of a temp to itself.
 *   - discard makes its temp DEAD and is kept (the allocator frees the reg).
 */
#define TS_DEAD 1
#define TS_MEM  2

static void la_func_end(TCGContext *s)
{
    for (int i = 0; i < s->nb_globals; i++) {
        s->temps[i].state = TS_DEAD | TS_MEM;
    }
    for (int i = s->nb_globals; i < s->nb_temps; i++) {
        s->temps[i].state = TS_DEAD;
    }
}

static void la_global_kill(TCGContext *s)
{
    for (int i = 0; i < s->nb_globals; i++) {
        s->temps[i].state = TS_DEAD | TS_MEM;
    }
}

static void la_global_sync(TCGContext *s)
{
    for (int i = 0; i < s->nb_globals; i++) {
        s->temps[i].state |= TS_MEM;
    }
}

static void la_bb_end(TCGContext *s)
{
    la_global_kill(s);
    for (int i = s->nb_globals; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        ts->state = ts->kind == TEMP_TB ? TS_DEAD | TS_MEM : TS_DEAD;
    }
}

static void la_bb_sync(TCGContext *s)
{
    la_global_sync(s);
    for (int i = s->nb_globals; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        if (ts->kind == TEMP_TB) {
            ts->state |= TS_MEM;
        }
    }
}

void tcg_liveness_analysis(TCGContext *s)
{
    TCGOp *op, *prev;

    la_func_end(s);

    for (op = s->last_op; op; op = prev) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        unsigned nb_oargs, nb_iargs, flags = def->flags;
        bool removable;
        TCGLifeData life = 0;

        prev = op->prev;

        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info;

            nb_oargs = TCGOP_CALLO(op);
            nb_iargs = TCGOP_CALLI(op);
            info = (const TCGHelperInfo *)op->args[nb_oargs + nb_iargs + 1];
            removable = (info->flags & TCG_CALL_NO_SIDE_EFFECTS) != 0;
        } else {
            nb_oargs = def->nb_oargs;
            nb_iargs = def->nb_iargs;
            removable = nb_oargs > 0 &&
                !(flags & (TCG_OPF_SIDE_EFFECTS | TCG_OPF_BB_END | TCG_OPF_BB_EXIT));
        }

        if (op->opc == INDEX_op_discard) {
            arg_temp(op->args[0])->state = TS_DEAD;
            op->life = 0;
            continue;
        }
        if ((op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64) &&
            op->args[0] == op->args[1]) {
            tcg_op_remove(s, op);
            continue;
        }
        if (removable) {
            for (unsigned i = 0; i < nb_oargs; i++) {
                if (arg_temp(op->args[i])->state != TS_DEAD) {
                    removable = false;
                    break;
                }
            }
            if (removable) {
                tcg_op_remove(s, op);
                continue;
            }
        }

        for (unsigned i = 0; i < nb_oargs; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            if (ts->state & TS_DEAD) {
                life |= DEAD_ARG(i);
            }
            if (ts->state & TS_MEM) {
                life |= SYNC_ARG(i);
            }
            ts->state = TS_DEAD;
        }

        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)op->args[nb_oargs + nb_iargs + 1];
            if (!(info->flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                la_global_kill(s);
            } else if (!(info->flags & TCG_CALL_NO_READ_GLOBALS)) {
                la_global_sync(s);
            }
        } else if (flags & TCG_OPF_BB_EXIT) {
            la_func_end(s);
        } else if (flags & TCG_OPF_COND_BRANCH) {
            la_bb_sync(s);
        } else if (flags & TCG_OPF_BB_END) {
            la_bb_end(s);
        } else if (flags & TCG_OPF_SIDE_EFFECTS) {
            la_global_sync(s);
        }

        for (unsigned i = nb_oargs; i < nb_oargs + nb_iargs; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            if (ts->state & TS_DEAD) {
                life |= DEAD_ARG(i);
            }
        }
        for (unsigned i = nb_oargs; i < nb_oargs + nb_iargs; i++) {
            arg_temp(op->args[i])->state &= ~TS_DEAD;
        }

        op->life = life;
        op->output_pref[0] = op->output_pref[1] = 0;
    }
}

/* ---- code generation ---- */

static void tcg_log_ops(TCGContext *s, const char *title)
{
    FILE *f = qemu_log_lock();

    fprintf(f, "%s\n", title);
    tcg_dump_ops(s, f, false);
    fprintf(f, "\n");
    qemu_log_unlock(f);
}

int tcg_gen_code(TCGContext *s, TranslationBlock *tb)
{
    int ret;

    s->gen_tb = tb;
    s->gen_insn_count = 0;

    if (qemu_loglevel_mask(CPU_LOG_TB_OP)) {
        tcg_log_ops(s, "OP:");
    }
    if (s->optimize) {
        tcg_optimize(s);
    }
    tcg_liveness_analysis(s);
    if (qemu_loglevel_mask(CPU_LOG_TB_OP_OPT)) {
        tcg_log_ops(s, "OP after optimization and liveness analysis:");
    }

    tb->tc.ptr = tcg_splitwx_to_rx(s->code_buf);
    ret = s->backend->gen_code(s, tb);
    if (ret >= 0) {
        tb->tc.size = ret;
    }
    return ret;
}

void tcg_record_insn_start(TCGContext *s, const TCGOp *op, uint32_t code_off)
{
    int i = s->gen_insn_count;

    /* Front ends stop a TB at TCG_MAX_INSNS guest instructions. */
    g_assert(i < TCG_MAX_INSNS);
    if (i > 0) {
        s->gen_insn_end_off[i - 1] = code_off;
    }
    for (int j = 0; j < TCG_INSN_START_WORDS; j++) {
        s->gen_insn_data[i][j] = op->args[j];
    }
    s->gen_insn_end_off[i] = code_off;
    s->gen_insn_count = i + 1;
}

void tcg_record_insn_end(TCGContext *s, uint32_t code_off)
{
    if (s->gen_insn_count > 0) {
        s->gen_insn_end_off[s->gen_insn_count - 1] = code_off;
    }
}
