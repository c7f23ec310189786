/*
 * test-tcg-ir.c: unit tests for the TCG IR core (tcg/tcg.c, tcg-op.c,
 * tcg-op-ldst.c, tcg-dump.c, exec/helper-gen.h): temps and constants,
 * globals shared between contexts, labels, op list editing, liveness
 * results and dead-code removal, the op dump, and tcg_gen_code's driving
 * of a backend. A fake backend records what it is given, so no code
 * buffer or host code generator is involved.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "exec/exec-all.h"
#include "exec/helper-gen.h"

/*
 * The code buffer and the TB lookup are not part of this test: weak
 * stand-ins keep region.c and accel/tcg out of the link.
 */
static int keep_prologue_calls;

__attribute__((weak)) void tcg_region_keep_prologue(void)
{
    keep_prologue_calls++;
}

__attribute__((weak)) const void *tcg_splitwx_to_rx(void *rw)
{
    return rw;
}

__attribute__((weak)) const void *helper_lookup_tb_ptr(void *env)
{
    return NULL;
}

/* ---- a backend that only records ---- */

static int fake_init_calls, fake_gen_calls, fake_gen_nb_ops;
static int fake_gen_ret = 100;

static void fake_init(TCGContext *s)
{
    fake_init_calls++;
    s->env->reg = 5;
}

/* Walks the ops as a backend would, recording insn boundaries. */
static int fake_gen_code(TCGContext *s, TranslationBlock *tb)
{
    uint32_t off = 0;

    fake_gen_calls++;
    fake_gen_nb_ops = 0;
    for (TCGOp *op = s->first_op; op; op = op->next) {
        fake_gen_nb_ops++;
        if (op->opc == INDEX_op_insn_start) {
            tcg_record_insn_start(s, op, off);
        }
        off += 4;
    }
    tcg_record_insn_end(s, off);
    return fake_gen_ret;
}

static const TCGBackend fake_backend = {
    .name = "fake",
    .init = fake_init,
    .gen_code = fake_gen_code,
};

/* ---- helpers for the tests ---- */

typedef struct FakeEnv {
    uint64_t r[4];
    uint32_t w[2];
} FakeEnv;

static TCGv_i64 g_r0, g_r1, g_r2;
static TCGv_i32 g_w0;

static TCGContext *new_ctx(void)
{
    TCGContext *s = g_new0(TCGContext, 1);

    tcg_context_init(s, &fake_backend);
    g_r0 = tcg_global_mem_new_i64(tcg_env, offsetof(FakeEnv, r[0]), "r0");
    g_r1 = tcg_global_mem_new_i64(tcg_env, offsetof(FakeEnv, r[1]), "r1");
    g_r2 = tcg_global_mem_new_i64(tcg_env, offsetof(FakeEnv, r[2]), "r2");
    g_w0 = tcg_global_mem_new_i32(tcg_env, offsetof(FakeEnv, w[0]), "w0");
    tcg_func_start(s);
    return s;
}

static void free_ctx(TCGContext *s)
{
    tcg_func_start(s);
    while (s->free_ops) {
        TCGOp *op = s->free_ops;
        s->free_ops = op->next;
        g_free(op);
    }
    g_free(s->pool);
    g_free(s->labels);
    for (int t = 0; t < TCG_TYPE_COUNT; t++) {
        g_hash_table_destroy(s->const_table[t]);
    }
    g_free(s);
}

static int count_ops(TCGContext *s, TCGOpcode opc)
{
    int n = 0;

    for (TCGOp *op = s->first_op; op; op = op->next) {
        n += op->opc == opc;
    }
    return n;
}

static int list_len(TCGContext *s)
{
    int n = 0;
    TCGOp *prev = NULL;

    for (TCGOp *op = s->first_op; op; op = op->next) {
        g_assert_true(op->prev == prev);
        prev = op;
        n++;
    }
    g_assert_true(s->last_op == prev);
    g_assert_cmpint(n, ==, s->nb_ops);
    return n;
}

static TCGOp *find_op(TCGContext *s, TCGOpcode opc)
{
    for (TCGOp *op = s->first_op; op; op = op->next) {
        if (op->opc == opc) {
            return op;
        }
    }
    return NULL;
}

static char *dump_string(TCGContext *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    tcg_dump_ops(s, f, false);
    fclose(f);
    return buf;
}

/* ---- helpers declared through helper-gen.h ---- */

DEF_HELPER_FLAGS_2(ir_pure_add, TCG_CALL_NO_RWG_SE, i64, i64, i64)
DEF_HELPER_2(ir_side, void, env, i32)
DEF_HELPER_FLAGS_1(ir_reads, TCG_CALL_NO_WG, i64, env)

DEF_HELPER_0(ir_none, void)
DEF_HELPER_FLAGS_6(ir_six, TCG_CALL_NO_RWG, ptr, env, i64, s64, i32, s32, tl)

void helper_ir_none(void)
{
}

void *helper_ir_six(void *env, uint64_t a, int64_t b, uint32_t c, int32_t d, uint64_t e)
{
    return env;
}

uint64_t helper_ir_pure_add(uint64_t a, uint64_t b)
{
    return a + b;
}

void helper_ir_side(void *env, uint32_t v)
{
}

uint64_t helper_ir_reads(void *env)
{
    return 0;
}

/* ---- tests ---- */

static void test_context_init(void)
{
    int init_before = fake_init_calls, keep_before = keep_prologue_calls;
    TCGContext *s = new_ctx();

    g_assert_true(tcg_ctx == s);
    g_assert_cmpint(fake_init_calls, ==, init_before + 1);
    g_assert_cmpint(keep_prologue_calls, ==, keep_before + 1);
    g_assert_true(s->optimize);
    g_assert_true(s->env == &s->temps[0]);
    g_assert_cmpint(s->env->kind, ==, TEMP_FIXED);
    g_assert_cmpint(s->env->reg, ==, 5);
    g_assert_cmpstr(s->env->name, ==, "env");
    g_assert_true(tcgv_ptr_temp(tcg_env) == s->env);
    g_assert_cmpint(s->nb_globals, ==, 5);
    g_assert_cmpint(s->nb_temps, ==, 5);

    TCGTemp *r1 = tcgv_i64_temp(g_r1);
    g_assert_cmpint(r1->kind, ==, TEMP_GLOBAL);
    g_assert_cmpint(r1->type, ==, TCG_TYPE_I64);
    g_assert_true(r1->mem_base == s->env);
    g_assert_cmpint(r1->mem_offset, ==, offsetof(FakeEnv, r[1]));
    g_assert_cmpstr(r1->name, ==, "r1");
    g_assert_cmpint(tcgv_i32_temp(g_w0)->type, ==, TCG_TYPE_I32);
    free_ctx(s);
}

static void test_globals_shared(void)
{
    TCGContext *a = new_ctx();
    TCGv_i64 a_r2 = g_r2;
    TCGContext *b = new_ctx();

    /* The same creation order gives the same handle in both contexts. */
    g_assert_true(a_r2 == g_r2);
    tcg_set_current(a);
    g_assert_cmpstr(tcgv_i64_temp(g_r2)->name, ==, "r2");
    g_assert_true(tcgv_i64_temp(g_r2) == &a->temps[3]);
    tcg_set_current(b);
    g_assert_true(tcgv_i64_temp(g_r2) == &b->temps[3]);
    free_ctx(a);
    free_ctx(b);
}

static void test_temps(void)
{
    TCGContext *s = new_ctx();
    int base = s->nb_temps;

    TCGv_i32 a = tcg_temp_new_i32();
    TCGv_i64 b = tcg_temp_new_i64();
    TCGv_i64 e = tcg_temp_ebb_new_i64();
    g_assert_cmpint(s->nb_temps, ==, base + 3);
    g_assert_cmpint(tcgv_i32_temp(a)->kind, ==, TEMP_TB);
    g_assert_cmpint(tcgv_i64_temp(e)->kind, ==, TEMP_EBB);
    g_assert_true(tcgv_i32_temp(a)->temp_allocated);

    /* A freed temp is reused only by the same kind and type. */
    tcg_temp_free_i64(b);
    g_assert_false(tcgv_i64_temp(b)->temp_allocated);
    TCGv_i32 c = tcg_temp_new_i32();
    g_assert_true(tcgv_i32_temp(c) != tcgv_i64_temp(b));
    TCGv_i64 d = tcg_temp_ebb_new_i64();
    g_assert_true(d != b);
    TCGv_i64 b2 = tcg_temp_new_i64();
    g_assert_true(b2 == b);
    g_assert_true(tcgv_i64_temp(b2)->temp_allocated);
    g_assert_cmpint(s->nb_temps, ==, base + 5);

    /* Freeing a constant or a global does nothing. */
    tcg_temp_free_i64(tcg_constant_i64(3));
    tcg_temp_free_i64(g_r0);
    g_assert_true(tcgv_i64_temp(g_r0)->temp_allocated);

    /* A new function drops every temp but the globals. */
    tcg_func_start(s);
    g_assert_cmpint(s->nb_temps, ==, s->nb_globals);
    TCGv_i32 f = tcg_temp_new_i32();
    g_assert_true(tcgv_i32_temp(f) == &s->temps[s->nb_globals]);
    free_ctx(s);
}

/* Running out of temps is a translator bug, reported by name. */
static void test_temps_exhausted(void)
{
    if (g_test_subprocess()) {
        new_ctx();
        for (int i = 0; i < TCG_MAX_TEMPS; i++) {
            tcg_temp_new_i64();
        }
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*out of temps*");
}

static void test_constants(void)
{
    TCGContext *s = new_ctx();

    TCGv_i32 c5 = tcg_constant_i32(5);
    g_assert_true(c5 == tcg_constant_i32(5));
    g_assert_true(c5 != tcg_constant_i32(6));
    g_assert_cmpint(tcgv_i32_temp(c5)->kind, ==, TEMP_CONST);
    g_assert_cmpint(tcgv_i32_temp(c5)->val, ==, 5);

    /* Per type: i32 -1 and i64 -1 are different temps. */
    TCGTemp *m32 = tcgv_i32_temp(tcg_constant_i32(-1));
    TCGTemp *m64 = tcgv_i64_temp(tcg_constant_i64(-1));
    g_assert_true(m32 != m64);
    g_assert_cmpint(m32->type, ==, TCG_TYPE_I32);
    g_assert_cmpint(m64->type, ==, TCG_TYPE_I64);

    /* i32 values are kept sign-extended: 0xffffffff is -1. */
    g_assert_true(tcg_constant_internal(TCG_TYPE_I32, 0xffffffffll) == m32);
    g_assert_cmpint(m32->val, ==, -1);
    TCGTemp *big = tcg_constant_internal(TCG_TYPE_I32, 0x80000000ll);
    g_assert_cmpint(big->val, ==, INT32_MIN);
    /* ...but an i64 0xffffffff is not -1. */
    g_assert_true(tcg_constant_internal(TCG_TYPE_I64, 0xffffffffll) != m64);
    g_assert_true(tcgv_ptr_temp(tcg_constant_ptr(0x1234)) ==
                  tcgv_i64_temp(tcg_constant_i64(0x1234)));

    /* Constants do not survive the function. */
    int n = s->nb_temps;
    tcg_func_start(s);
    g_assert_cmpint(s->nb_temps, <, n);
    TCGTemp *again = tcgv_i32_temp(tcg_constant_i32(5));
    g_assert_cmpint(again->kind, ==, TEMP_CONST);
    g_assert_cmpint(again->val, ==, 5);
    free_ctx(s);
}

static void test_labels(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 t = tcg_temp_new_i64();

    TCGLabel *l0 = gen_new_label(), *l1 = gen_new_label();
    g_assert_cmpint(l0->id, ==, 0);
    g_assert_cmpint(l1->id, ==, 1);
    g_assert_cmpint(s->nb_labels, ==, 2);
    g_assert_true(s->labels[1] == l1);

    tcg_gen_brcondi_i64(TCG_COND_EQ, t, 0, l0);
    tcg_gen_br(l0);
    tcg_gen_brcond_i64(TCG_COND_NEVER, t, t, l1);    /* emits nothing */
    tcg_gen_brcond_i64(TCG_COND_ALWAYS, t, t, l1);   /* a br */
    g_assert_cmpint(l0->refs, ==, 2);
    g_assert_cmpint(l1->refs, ==, 1);
    g_assert_cmpint(count_ops(s, INDEX_op_brcond_i64), ==, 1);
    g_assert_cmpint(count_ops(s, INDEX_op_br), ==, 2);
    g_assert_false(l0->present);
    gen_set_label(l0);
    g_assert_true(l0->present);

    TCGOp *bc = find_op(s, INDEX_op_brcond_i64);
    g_assert_true(arg_label(bc->args[3]) == l0);
    g_assert_cmpint(bc->args[2], ==, TCG_COND_EQ);

    /* Removing a branch drops its reference. */
    tcg_op_remove(s, bc);
    g_assert_cmpint(l0->refs, ==, 1);

    /* Many labels: the table grows. */
    for (int i = 0; i < 100; i++) {
        g_assert_cmpint(gen_new_label()->id, ==, 2 + i);
    }
    tcg_func_start(s);
    g_assert_cmpint(s->nb_labels, ==, 0);
    g_assert_cmpint(gen_new_label()->id, ==, 0);
    free_ctx(s);
}

static void test_op_list(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 t = tcg_temp_new_i64();

    tcg_gen_add_i64(t, g_r0, g_r1);
    tcg_gen_sub_i64(t, t, g_r1);
    g_assert_cmpint(list_len(s), ==, 2);
    TCGOp *add = s->first_op, *sub = s->last_op;
    g_assert_cmpint(add->opc, ==, INDEX_op_add_i64);
    g_assert_cmpint(add->nargs, ==, 3);
    g_assert_true(arg_temp(add->args[0]) == tcgv_i64_temp(t));
    g_assert_true(arg_temp(add->args[1]) == tcgv_i64_temp(g_r0));
    g_assert_true(arg_temp(add->args[2]) == tcgv_i64_temp(g_r1));

    TCGOp *first = tcg_op_insert_before(s, add, INDEX_op_mb, 1);
    TCGOp *mid = tcg_op_insert_after(s, add, INDEX_op_mb, 1);
    TCGOp *last = tcg_op_insert_after(s, sub, INDEX_op_mb, 1);
    g_assert_cmpint(list_len(s), ==, 5);
    g_assert_true(s->first_op == first && first->next == add);
    g_assert_true(add->next == mid && mid->next == sub && sub->next == last);
    g_assert_true(s->last_op == last);

    tcg_op_remove(s, first);
    tcg_op_remove(s, last);
    tcg_op_remove(s, mid);
    g_assert_cmpint(list_len(s), ==, 2);
    g_assert_true(s->first_op == add && s->last_op == sub);

    /* Removed ops are recycled. */
    TCGOp *again = tcg_emit_op(INDEX_op_mb, 1);
    g_assert_true(again == mid || again == last || again == first);
    g_assert_cmpint(again->life, ==, 0);

    tcg_func_start(s);
    g_assert_null(s->first_op);
    g_assert_null(s->last_op);
    g_assert_cmpint(s->nb_ops, ==, 0);
    free_ctx(s);
}

static void test_malloc_pool(void)
{
    TCGContext *s = new_ctx();

    char *a = tcg_malloc(10);
    char *b = tcg_malloc(100000);      /* larger than a chunk */
    char *c = tcg_malloc(24);
    memset(a, 1, 10);
    memset(b, 2, 100000);
    memset(c, 3, 24);
    g_assert_cmpint((uintptr_t)a % _Alignof(max_align_t), ==, 0);
    g_assert_cmpint((uintptr_t)c % _Alignof(max_align_t), ==, 0);
    g_assert_cmpint(a[9], ==, 1);
    g_assert_cmpint(b[99999], ==, 2);
    tcg_func_start(s);
    char *d = tcg_malloc(16);
    memset(d, 4, 16);
    free_ctx(s);
}

static void test_frontend_simplify(void)
{
    TCGContext *s = new_ctx();
    TCGv_i32 a = tcg_temp_new_i32(), b = tcg_temp_new_i32();
    TCGv_i64 x = tcg_temp_new_i64();

    tcg_gen_addi_i32(a, b, 0);
    tcg_gen_shli_i32(a, b, 0);
    tcg_gen_andi_i32(a, b, -1);
    tcg_gen_ori_i32(a, b, 0);
    tcg_gen_xori_i32(a, b, 0);
    tcg_gen_muli_i32(a, b, 1);
    tcg_gen_deposit_i32(a, a, b, 0, 32);
    tcg_gen_extract_i32(a, b, 0, 32);
    g_assert_cmpint(list_len(s), ==, 8);
    g_assert_cmpint(count_ops(s, INDEX_op_mov_i32), ==, 8);

    tcg_func_start(s);
    a = tcg_temp_new_i32();
    x = tcg_temp_new_i64();
    tcg_gen_mov_i32(a, a);                  /* nothing */
    tcg_gen_andi_i32(a, a, 0);              /* mov a, $0 */
    tcg_gen_muli_i64(x, x, 8);              /* shl x, x, $3 */
    tcg_gen_xori_i64(x, x, -1);             /* not */
    tcg_gen_extract_i64(x, x, 0, 32);       /* ext32u */
    tcg_gen_extract_i64(x, x, 4, 60);       /* shr */
    tcg_gen_extract_i64(x, x, 4, 8);        /* extract */
    tcg_gen_sextract_i64(x, x, 0, 16);      /* ext16s */
    tcg_gen_subfi_i64(x, 0, x);             /* neg */
    g_assert_cmpint(list_len(s), ==, 8);
    TCGOp *op = s->first_op;
    g_assert_cmpint(op->opc, ==, INDEX_op_mov_i32);
    g_assert_cmpint(arg_temp(op->args[1])->kind, ==, TEMP_CONST);
    g_assert_cmpint(arg_temp(op->args[1])->val, ==, 0);
    op = op->next;
    g_assert_cmpint(op->opc, ==, INDEX_op_shl_i64);
    g_assert_cmpint(arg_temp(op->args[2])->val, ==, 3);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_not_i64);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_ext32u_i64);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_shr_i64);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_extract_i64);
    g_assert_cmpint(op->args[2], ==, 4);
    g_assert_cmpint(op->args[3], ==, 8);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_ext16s_i64);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_neg_i64);
    free_ctx(s);
}

static void test_frontend_misc(void)
{
    TCGContext *s = new_ctx();
    TCGv_i32 a = tcg_temp_new_i32(), b = tcg_temp_new_i32();
    TCGv_i64 x = tcg_temp_new_i64();
    TranslationBlock tb;

    tcg_gen_insn_start(0x1000, 7);
    tcg_gen_concat_i32_i64(x, a, b);
    tcg_gen_qemu_ld_i32(a, x, 3, MO_LESL);      /* full width: no sign */
    tcg_gen_qemu_st_i64(x, x, 1, MO_BESW);      /* stores: no sign */
    tcg_gen_qemu_ld_i64(x, x, 2, MO_SB | MO_ALIGN);
    tcg_gen_exit_tb(&tb, 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_gen_goto_tb(1);

    TCGOp *op = s->first_op;
    g_assert_cmpint(op->opc, ==, INDEX_op_insn_start);
    g_assert_cmpint(op->nargs, ==, TCG_INSN_START_WORDS);
    g_assert_cmpint(op->args[0], ==, 0x1000);
    g_assert_cmpint(op->args[1], ==, 7);
    /* concat: two zero-extensions and a deposit of the high half. */
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_extu_i32_i64);
    g_assert_true(arg_temp(op->args[1]) == tcgv_i32_temp(b));
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_extu_i32_i64);
    g_assert_true(arg_temp(op->args[1]) == tcgv_i32_temp(a));
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_deposit_i64);
    g_assert_cmpint(op->args[3], ==, 32);
    g_assert_cmpint(op->args[4], ==, 32);

    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_qemu_ld_i32);
    g_assert_cmpint(op->args[2], ==, make_memop_idx(MO_LEUL, 3));
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_qemu_st_i64);
    g_assert_cmpint(op->args[2], ==, make_memop_idx(MO_BEUW, 1));
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_qemu_ld_i64);
    g_assert_cmpint(get_memop(op->args[2]), ==, MO_SB | MO_ALIGN);
    g_assert_cmpint(get_mmuidx(op->args[2]), ==, 2);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_exit_tb);
    g_assert_cmpint(op->args[0], ==, (uintptr_t)&tb + 1);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_exit_tb);
    g_assert_cmpint(op->args[0], ==, 0);
    g_assert_cmpint((op = op->next)->opc, ==, INDEX_op_goto_tb);
    g_assert_cmpint(op->args[0], ==, 1);
    free_ctx(s);
}

static void test_helper_call(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 r = tcg_temp_new_i64();
    TCGv_i32 w = tcg_temp_new_i32();

    gen_helper_ir_pure_add(r, g_r0, g_r1);
    gen_helper_ir_side(tcg_env, w);

    TCGOp *op = s->first_op;
    g_assert_cmpint(op->opc, ==, INDEX_op_call);
    g_assert_cmpint(TCGOP_CALLO(op), ==, 1);
    g_assert_cmpint(TCGOP_CALLI(op), ==, 2);
    g_assert_cmpint(op->nargs, ==, 5);
    g_assert_true(arg_temp(op->args[0]) == tcgv_i64_temp(r));
    g_assert_true(arg_temp(op->args[1]) == tcgv_i64_temp(g_r0));
    g_assert_true(arg_temp(op->args[2]) == tcgv_i64_temp(g_r1));
    g_assert_true(op->args[3] == (TCGArg)helper_ir_pure_add);
    const TCGHelperInfo *info = (const TCGHelperInfo *)op->args[4];
    g_assert_cmpstr(info->name, ==, "ir_pure_add");
    g_assert_cmpint(info->flags, ==, TCG_CALL_NO_RWG_SE);
    g_assert_cmpint(info->nargs, ==, 2);
    g_assert_cmpint(info->ret, ==, TCG_CALL_I64);
    g_assert_cmpint(info->args[0], ==, TCG_CALL_I64);

    op = op->next;
    g_assert_cmpint(TCGOP_CALLO(op), ==, 0);
    g_assert_cmpint(TCGOP_CALLI(op), ==, 2);
    g_assert_true(arg_temp(op->args[0]) == s->env);
    info = (const TCGHelperInfo *)op->args[3];
    g_assert_true(info->func == (void *)helper_ir_side);
    g_assert_cmpint(info->ret, ==, TCG_CALL_VOID);
    g_assert_cmpint(info->args[0], ==, TCG_CALL_PTR);
    g_assert_cmpint(info->args[1], ==, TCG_CALL_I32);

    tcg_func_start(s);
    tcg_gen_lookup_and_goto_ptr();
    op = s->first_op;
    g_assert_cmpint(op->opc, ==, INDEX_op_call);
    g_assert_true(op->args[2] == (TCGArg)helper_lookup_tb_ptr);
    g_assert_cmpint(op->next->opc, ==, INDEX_op_goto_ptr);
    g_assert_true(op->next->args[0] == op->args[0]);

    /* A TB that must not use goto_ptr leaves through exit_tb instead. */
    TranslationBlock tb = { .cflags = CF_NO_GOTO_PTR };
    tcg_func_start(s);
    g_assert_null(s->gen_tb);
    s->gen_tb = &tb;
    tcg_gen_lookup_and_goto_ptr();
    g_assert_cmpint(list_len(s), ==, 1);
    g_assert_cmpint(s->first_op->opc, ==, INDEX_op_exit_tb);
    g_assert_cmpint(s->first_op->args[0], ==, 0);
    free_ctx(s);
}

static void test_helper_arity(void)
{
    TCGContext *s = new_ctx();
    TCGv_ptr p = tcg_temp_new_ptr();
    TCGv_i32 w = tcg_temp_new_i32();

    gen_helper_ir_none();
    gen_helper_ir_six(p, tcg_env, g_r0, g_r1, w, g_w0, g_r2);

    TCGOp *op = s->first_op;
    g_assert_cmpint(TCGOP_CALLO(op), ==, 0);
    g_assert_cmpint(TCGOP_CALLI(op), ==, 0);
    g_assert_cmpint(op->nargs, ==, 2);
    g_assert_true(op->args[0] == (TCGArg)helper_ir_none);

    op = op->next;
    g_assert_cmpint(TCGOP_CALLO(op), ==, 1);
    g_assert_cmpint(TCGOP_CALLI(op), ==, 6);
    g_assert_cmpint(op->nargs, ==, 9);
    g_assert_true(arg_temp(op->args[0]) == tcgv_ptr_temp(p));
    g_assert_true(arg_temp(op->args[1]) == s->env);
    g_assert_true(arg_temp(op->args[4]) == tcgv_i32_temp(w));
    g_assert_true(arg_temp(op->args[6]) == tcgv_i64_temp(g_r2));
    const TCGHelperInfo *info = (const TCGHelperInfo *)op->args[8];
    g_assert_true(info->func == (void *)helper_ir_six);
    g_assert_cmpint(info->nargs, ==, 6);
    g_assert_cmpint(info->ret, ==, TCG_CALL_PTR);
    static const TCGCallType want[6] = {
        TCG_CALL_PTR, TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I64,
    };
    for (int i = 0; i < 6; i++) {
        g_assert_cmpint(info->args[i], ==, want[i]);
    }

    g_autofree char *d = dump_string(s);
    g_assert_nonnull(strstr(d, " call ir_none,$0x0,$0\n"));
    g_assert_nonnull(strstr(d, " call ir_six,$0x3,$1,tmp0,env,r0,r1,tmp1,w0,r2\n"));
    free_ctx(s);
}

/* ---- liveness ---- */

static void test_liveness_dead_op(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();

    tcg_gen_add_i64(t, g_r0, g_r1);         /* unused: removed */
    tcg_gen_mul_i64(u, g_r0, g_r1);         /* feeds only the dead sub */
    tcg_gen_sub_i64(t, u, g_r0);            /* unused: removed */
    tcg_gen_mov_i64(g_r2, g_r2);            /* hand-built mov to itself */
    TCGOp *self = tcg_emit_op(INDEX_op_mov_i64, 2);
    self->args[0] = self->args[1] = tcgv_i64_arg(g_r2);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness_analysis(s);

    g_assert_cmpint(list_len(s), ==, 1);
    g_assert_cmpint(s->first_op->opc, ==, INDEX_op_exit_tb);
    free_ctx(s);
}

static void test_liveness_global_sync(void)
{
    TCGContext *s = new_ctx();

    tcg_gen_addi_i64(g_r0, g_r0, 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness_analysis(s);

    TCGOp *add = find_op(s, INDEX_op_add_i64);
    g_assert_nonnull(add);
    /* Written, needed in env at the exit, not needed in a register. */
    g_assert_true(NEED_SYNC_ARG(add->life, 0));
    g_assert_true(IS_DEAD_ARG(add->life, 0));
    /* The input r0 is read for the last time; the constant too. */
    g_assert_true(IS_DEAD_ARG(add->life, 1));
    g_assert_true(IS_DEAD_ARG(add->life, 2));
    free_ctx(s);
}

static void test_liveness_temp_dead(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 t = tcg_temp_new_i64();

    tcg_gen_add_i64(t, g_r0, g_r1);
    tcg_gen_sub_i64(g_r2, t, g_r0);
    tcg_gen_xor_i64(g_r1, t, g_r1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness_analysis(s);

    TCGOp *add = find_op(s, INDEX_op_add_i64);
    TCGOp *sub = find_op(s, INDEX_op_sub_i64);
    TCGOp *xor = find_op(s, INDEX_op_xor_i64);
    /* t lives from add to xor: neither dead nor synced at add. */
    g_assert_false(IS_DEAD_ARG(add->life, 0));
    g_assert_false(NEED_SYNC_ARG(add->life, 0));
    /* r0 is still read by sub, r1 by xor. */
    g_assert_false(IS_DEAD_ARG(add->life, 1));
    g_assert_false(IS_DEAD_ARG(add->life, 2));
    g_assert_false(IS_DEAD_ARG(sub->life, 1));
    g_assert_true(IS_DEAD_ARG(sub->life, 2));
    g_assert_true(NEED_SYNC_ARG(sub->life, 0));
    g_assert_true(IS_DEAD_ARG(xor->life, 1));       /* last use of t */
    g_assert_true(IS_DEAD_ARG(xor->life, 2));
    g_assert_true(NEED_SYNC_ARG(xor->life, 0));
    free_ctx(s);
}

static void test_liveness_calls(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 r = tcg_temp_new_i64(), q = tcg_temp_new_i64();
    TCGv_i32 w = tcg_temp_new_i32();

    tcg_gen_movi_i32(w, 3);
    gen_helper_ir_pure_add(r, g_r0, g_r1);      /* result unused: removed */
    gen_helper_ir_side(tcg_env, w);             /* side effects: kept */
    gen_helper_ir_reads(q, tcg_env);            /* result used: kept */
    tcg_gen_mov_i64(g_r2, q);
    tcg_gen_exit_tb(NULL, 0);
    s->optimize = false;
    tcg_liveness_analysis(s);

    g_assert_cmpint(count_ops(s, INDEX_op_call), ==, 2);
    TCGOp *side = find_op(s, INDEX_op_call);
    g_assert_true(side->args[2] == (TCGArg)helper_ir_side);
    /* w's last use is the call. */
    g_assert_true(IS_DEAD_ARG(side->life, 1));
    TCGOp *reads = side->next;
    g_assert_true(reads->args[2] == (TCGArg)helper_ir_reads);
    g_assert_false(IS_DEAD_ARG(reads->life, 0));
    free_ctx(s);
}

static void test_liveness_global_across_call(void)
{
    TCGContext *s = new_ctx();

    /* r0 written, then a helper that may read globals: r0 must be synced. */
    tcg_gen_addi_i64(g_r0, g_r1, 1);
    gen_helper_ir_side(tcg_env, g_w0);
    tcg_gen_addi_i64(g_r0, g_r0, 2);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness_analysis(s);

    TCGOp *add1 = find_op(s, INDEX_op_add_i64);
    TCGOp *call = find_op(s, INDEX_op_call);
    /* Written before a call that writes globals: synced and dead. */
    g_assert_true(NEED_SYNC_ARG(add1->life, 0));
    g_assert_true(IS_DEAD_ARG(add1->life, 0));
    /* r1's last use is add1 (the call may change it: reloaded after). */
    g_assert_true(IS_DEAD_ARG(add1->life, 1));
    /* w0 is passed and dies in the call's register. */
    g_assert_true(IS_DEAD_ARG(call->life, 1));
    free_ctx(s);
}

static void test_liveness_labels(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 t = tcg_temp_new_i64();
    TCGv_i64 e = tcg_temp_ebb_new_i64();
    TCGLabel *l = gen_new_label();

    tcg_gen_add_i64(t, g_r0, g_r1);             /* TB temp, used after label */
    tcg_gen_add_i64(e, g_r0, g_r1);             /* EBB temp, used before br */
    tcg_gen_brcondi_i64(TCG_COND_EQ, e, 0, l);
    tcg_gen_mov_i64(g_r2, e);
    gen_set_label(l);
    tcg_gen_mov_i64(g_r1, t);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness_analysis(s);

    TCGOp *add_t = find_op(s, INDEX_op_add_i64);
    TCGOp *add_e = add_t->next;
    TCGOp *br = add_e->next;
    TCGOp *mov_e = br->next;
    g_assert_cmpint(br->opc, ==, INDEX_op_brcond_i64);
    /*
     * A TB temp read only after the label must be in memory there, and
     * is not needed in a register meanwhile.
     */
    g_assert_true(NEED_SYNC_ARG(add_t->life, 0));
    g_assert_true(IS_DEAD_ARG(add_t->life, 0));
    /* The EBB temp stays live on the fall-through, not synced. */
    g_assert_false(NEED_SYNC_ARG(add_e->life, 0));
    g_assert_false(IS_DEAD_ARG(br->life, 0));
    g_assert_true(IS_DEAD_ARG(mov_e->life, 1));
    /* Globals are synced at the conditional branch and the label. */
    g_assert_true(NEED_SYNC_ARG(mov_e->life, 0));
    free_ctx(s);
}

/* ---- dump ---- */

static void test_dump(void)
{
    TCGContext *s = new_ctx();
    TCGv_i32 a = tcg_temp_new_i32();
    TCGv_i64 b = tcg_temp_new_i64(), e = tcg_temp_ebb_new_i64();
    TCGLabel *l = gen_new_label();

    tcg_gen_insn_start(0x1000, 0);
    tcg_gen_mov_i32(a, g_w0);
    tcg_gen_addi_i64(b, g_r0, 0x10);
    tcg_gen_brcondi_i32(TCG_COND_EQ, a, 0, l);
    tcg_gen_qemu_ld_i64(e, b, 0, MO_LEUQ);
    gen_helper_ir_pure_add(b, e, g_r1);
    gen_set_label(l);
    tcg_gen_st_i64(b, tcg_env, 8);
    tcg_gen_exit_tb(NULL, 0);

    g_autofree char *d = dump_string(s);
    g_assert_nonnull(strstr(d, " ---- 0000000000001000 0000000000000000\n"));
    g_assert_nonnull(strstr(d, " mov_i32 tmp0,w0\n"));
    g_assert_nonnull(strstr(d, " add_i64 tmp1,r0,$0x10\n"));
    g_assert_nonnull(strstr(d, " brcond_i32 tmp0,$0x0,eq,$L0\n"));
    g_assert_nonnull(strstr(d, " qemu_ld_i64 ebb2,tmp1,leq,0\n"));
    g_assert_nonnull(strstr(d, " call ir_pure_add,$0x7,$1,tmp1,ebb2,r1\n"));
    g_assert_nonnull(strstr(d, "set_label $L0\n"));
    g_assert_nonnull(strstr(d, " st_i64 tmp1,env,$0x8\n"));
    g_assert_nonnull(strstr(d, " exit_tb $0x0\n"));

    /* After liveness the dead/sync columns appear. */
    tcg_liveness_analysis(s);
    g_autofree char *d2 = dump_string(s);
    g_autofree char **lines = g_strsplit(d2, "\n", -1);
    bool found = false;
    for (char **ln = lines; *ln; ln++) {
        if (g_str_has_prefix(*ln, " qemu_ld_i64 ebb2,tmp1,leq,0")) {
            /* ebb2 lives on; tmp1 is overwritten by the call: dead here. */
            g_assert_nonnull(strstr(*ln, "dead: 1"));
            g_assert_null(strstr(*ln, "sync:"));
            found = true;
        }
        g_free(*ln);
    }
    g_assert_true(found);
    free_ctx(s);
}

static void test_dump_names(void)
{
    TCGContext *s = new_ctx();
    TCGv_i64 x = tcg_temp_new_i64();
    TCGv_i32 w = tcg_temp_new_i32();

    tcg_gen_setcond_i64(TCG_COND_LTU, x, x, g_r0);
    tcg_gen_movcond_i64(TCG_COND_GE, x, x, g_r0, g_r1, g_r2);
    tcg_gen_qemu_st_i32(w, x, 2, MO_BEUL | MO_ALIGN);
    tcg_gen_qemu_ld_i32(w, x, 1, MO_SW);
    tcg_gen_bswap16_i64(x, x, TCG_BSWAP_IZ | TCG_BSWAP_OS);
    tcg_gen_movi_i32(w, -1);
    tcg_gen_br(gen_new_label());

    g_autofree char *d = dump_string(s);
    g_assert_nonnull(strstr(d, " setcond_i64 tmp0,tmp0,r0,ltu\n"));
    g_assert_nonnull(strstr(d, " movcond_i64 tmp0,tmp0,r0,r1,r2,ge\n"));
    g_assert_nonnull(strstr(d, " qemu_st_i32 tmp1,tmp0,al+beul,2\n"));
    g_assert_nonnull(strstr(d, " qemu_ld_i32 tmp1,tmp0,lesw,1\n"));
    g_assert_nonnull(strstr(d, " bswap16_i64 tmp0,tmp0,iz,os\n"));
    g_assert_nonnull(strstr(d, " mov_i32 tmp1,$0xffffffff\n"));
    g_assert_nonnull(strstr(d, " br $L0\n"));
    free_ctx(s);
}

/* ---- tcg_gen_code ---- */

static void test_gen_code(void)
{
    TCGContext *s = new_ctx();
    TranslationBlock tb = { 0 };
    TCGv_i64 t = tcg_temp_new_i64();
    char buf[16];
    int calls = fake_gen_calls;

    s->code_buf = buf;
    tcg_gen_insn_start(0x4000, 1);
    tcg_gen_movi_i64(t, 2);
    tcg_gen_addi_i64(g_r0, t, 3);              /* folded: r0 = 5 */
    tcg_gen_add_i64(t, g_r1, g_r1);            /* dead */
    tcg_gen_insn_start(0x4004, 2);
    tcg_gen_st_i64(g_r0, tcg_env, 64);
    tcg_gen_insn_start(0x4008, 3);
    tcg_gen_exit_tb(NULL, 0);

    fake_gen_ret = 100;
    g_assert_cmpint(tcg_gen_code(s, &tb), ==, 100);
    g_assert_cmpint(fake_gen_calls, ==, calls + 1);
    g_assert_true(s->gen_tb == &tb);
    g_assert_true(tb.tc.ptr == buf);
    g_assert_cmpint(tb.tc.size, ==, 100);

    /* Optimized: insn_start, mov r0 $5, insn_start, st, insn_start, exit. */
    g_assert_cmpint(fake_gen_nb_ops, ==, 6);
    TCGOp *mov = find_op(s, INDEX_op_mov_i64);
    g_assert_true(arg_temp(mov->args[0]) == tcgv_i64_temp(g_r0));
    g_assert_cmpint(arg_temp(mov->args[1])->val, ==, 5);
    /* The store reads the constant, not the global. */
    TCGOp *st = find_op(s, INDEX_op_st_i64);
    g_assert_cmpint(arg_temp(st->args[0])->val, ==, 5);

    /* Insn boundaries recorded as the backend walked the ops. */
    g_assert_cmpint(s->gen_insn_count, ==, 3);
    g_assert_cmpint(s->gen_insn_data[0][0], ==, 0x4000);
    g_assert_cmpint(s->gen_insn_data[1][0], ==, 0x4004);
    g_assert_cmpint(s->gen_insn_data[2][1], ==, 3);
    g_assert_cmpint(s->gen_insn_end_off[0], ==, 8);
    g_assert_cmpint(s->gen_insn_end_off[1], ==, 16);
    g_assert_cmpint(s->gen_insn_end_off[2], ==, 24);

    /* A failing backend: the size is left alone. */
    tcg_func_start(s);
    tcg_gen_exit_tb(NULL, 0);
    tb.tc.size = 7;
    fake_gen_ret = -1;
    g_assert_cmpint(tcg_gen_code(s, &tb), ==, -1);
    g_assert_cmpint(tb.tc.size, ==, 7);
    fake_gen_ret = 100;

    /* Without the optimizer the fold does not happen. */
    tcg_func_start(s);
    s->optimize = false;
    t = tcg_temp_new_i64();
    tcg_gen_movi_i64(t, 2);
    tcg_gen_addi_i64(g_r0, t, 3);
    tcg_gen_exit_tb(NULL, 0);
    tcg_gen_code(s, &tb);
    g_assert_cmpint(count_ops(s, INDEX_op_add_i64), ==, 1);
    free_ctx(s);
}

static void test_gen_code_log(void)
{
    TCGContext *s = new_ctx();
    TranslationBlock tb = { 0 };
    g_autofree char *path = g_build_filename(g_get_tmp_dir(), "test-tcg-ir-XXXXXX", NULL);
    int fd = g_mkstemp(path);
    g_assert_cmpint(fd, >=, 0);
    close(fd);

    g_assert_true(qemu_set_log_filename(path, NULL));
    qemu_set_log(CPU_LOG_TB_OP | CPU_LOG_TB_OP_OPT);
    tcg_gen_addi_i64(g_r0, g_r0, 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_gen_code(s, &tb);
    qemu_set_log(0);
    qemu_set_log_filename(NULL, NULL);

    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "OP:\n add_i64 r0,r0,$0x1\n"));
    g_assert_nonnull(strstr(text, "OP after optimization and liveness analysis:\n"));
    g_assert_nonnull(strstr(text, "sync: 0"));
    unlink(path);
    free_ctx(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcg/ir/context-init", test_context_init);
    g_test_add_func("/tcg/ir/globals-shared", test_globals_shared);
    g_test_add_func("/tcg/ir/temps", test_temps);
    g_test_add_func("/tcg/ir/temps-exhausted", test_temps_exhausted);
    g_test_add_func("/tcg/ir/constants", test_constants);
    g_test_add_func("/tcg/ir/labels", test_labels);
    g_test_add_func("/tcg/ir/op-list", test_op_list);
    g_test_add_func("/tcg/ir/malloc-pool", test_malloc_pool);
    g_test_add_func("/tcg/ir/frontend-simplify", test_frontend_simplify);
    g_test_add_func("/tcg/ir/frontend-misc", test_frontend_misc);
    g_test_add_func("/tcg/ir/helper-call", test_helper_call);
    g_test_add_func("/tcg/ir/helper-arity", test_helper_arity);
    g_test_add_func("/tcg/ir/liveness/dead-op", test_liveness_dead_op);
    g_test_add_func("/tcg/ir/liveness/global-sync", test_liveness_global_sync);
    g_test_add_func("/tcg/ir/liveness/temp-dead", test_liveness_temp_dead);
    g_test_add_func("/tcg/ir/liveness/calls", test_liveness_calls);
    g_test_add_func("/tcg/ir/liveness/global-across-call",
                    test_liveness_global_across_call);
    g_test_add_func("/tcg/ir/liveness/labels", test_liveness_labels);
    g_test_add_func("/tcg/ir/dump", test_dump);
    g_test_add_func("/tcg/ir/dump-names", test_dump_names);
    g_test_add_func("/tcg/ir/gen-code", test_gen_code);
    g_test_add_func("/tcg/ir/gen-code-log", test_gen_code_log);
    return g_test_run();
}
