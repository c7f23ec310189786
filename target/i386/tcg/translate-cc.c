/*
 * translate-cc.c: lazy condition codes in the translator: tracking the
 * CCOp known at translation time, materialising EFLAGS when something
 * needs all of them, and evaluating Jcc/SETcc/CMOVcc conditions straight
 * from cc_dst/cc_src for the common operations (after SUB/CMP, JL is a
 * signed compare of the operands) without computing every flag.
 *
 * Rule kept throughout: evaluating a condition never writes the cc_*
 * globals, so an instruction that faults after reading its condition
 * (SETcc to memory) leaves the lazy state as the insn_start recorded it.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate.h"

/* A condition: cond(a, b). */
typedef struct CCPrepare {
    TCGCond cond;
    TCGv a;
    TCGv b;
} CCPrepare;

void gen_update_cc_op(DisasContext *s)
{
    if (s->cc_op_dirty) {
        tcg_gen_movi_i32(cpu_cc_op, s->cc_op);
        s->cc_op_dirty = false;
    }
}

static bool cc_in(CCOp op, CCOp first)
{
    return op >= first && op <= first + 3;
}

/* Bits for cc_op_inputs: which cc globals an op's flags are made from. */
#define CC_USES_DST  1
#define CC_USES_SRC  2
#define CC_USES_SRC2 4
#define CC_USES_ALL  (CC_USES_DST | CC_USES_SRC | CC_USES_SRC2)

/* The cc globals CCOp op reads (x86-tcg.h's table; unknown ops: all). */
static unsigned cc_op_inputs(CCOp op)
{
    if (op == CC_OP_EFLAGS || op == CC_OP_POPCNT) {
        return CC_USES_SRC;
    }
    if (op == CC_OP_CLR) {
        return 0;
    }
    if (cc_in(op, CC_OP_LOGICB)) {
        return CC_USES_DST;
    }
    if (cc_in(op, CC_OP_ADCB) || cc_in(op, CC_OP_SBBB) || op == CC_OP_ADCOX) {
        return CC_USES_ALL;
    }
    if (op == CC_OP_ADOX) {
        return CC_USES_SRC | CC_USES_SRC2;
    }
    if (op == CC_OP_ADCX || (op >= CC_OP_MULB && op <= CC_OP_BMILGQ)) {
        return CC_USES_DST | CC_USES_SRC;
    }
    return CC_USES_ALL;
}

/*
 * Tell liveness which cc globals are dead at the start of the current
 * instruction: those the CCOp in force there (the one its insn_start
 * records, which is also what a fault inside the insn restores) does not
 * read. Every later reader is preceded by an insn setting a CCOp that
 * uses them, which writes them first. Without this, a flag computation
 * whose CCOp is replaced by one using fewer globals stays live to the end
 * of the TB: after ROR + XOR the cc_compute_all call of the ROR (whose
 * cc_src LOGIC ignores) was emitted and executed on every pass.
 * The discards go right after the insn_start, i.e. after every fault
 * point of the insn that set the CCOp, and an insn whose ops are dropped
 * (too long: #GP) drops them too.
 */
static void cc_discard_dead(DisasContext *s)
{
    TCGOp *start = s->insn_first_op;
    TCGv dead[3];
    unsigned uses, n = 0;

    if (!start || start->opc != INDEX_op_insn_start) {
        return;
    }
    uses = cc_op_inputs((CCOp)start->args[1]);
    if (start->args[1] == CC_OP_DYNAMIC || uses == CC_USES_ALL) {
        return;
    }
    if (!(uses & CC_USES_DST)) {
        dead[n++] = cpu_cc_dst;
    }
    if (!(uses & CC_USES_SRC)) {
        dead[n++] = cpu_cc_src;
    }
    if (!(uses & CC_USES_SRC2)) {
        dead[n++] = cpu_cc_src2;
    }
    for (unsigned i = 0; i < n; i++) {
        TCGOp *op = tcg_op_insert_after(tcg_ctx, start, INDEX_op_discard, 1);
        op->args[0] = tcgv_i64_arg(dead[i]);
    }
}

/*
 * At the first instruction after the one that put a CCOp in force: its
 * unused globals are dead from here, not only from the next instruction
 * that changes the CCOp. Between the two, a load or store (a fault point)
 * would otherwise keep them live: after ROL; XOR; MOV reg, [mem] the
 * ROL's cc_compute_all was kept for the MOV's possible fault, although
 * the LOGIC CCOp restored there never reads cc_src.
 */
void gen_cc_discard_at_insn_start(DisasContext *s)
{
    if (s->cc_op != s->cc_op_discarded) {
        cc_discard_dead(s);
        s->cc_op_discarded = s->cc_op;
    }
}

void set_cc_op(DisasContext *s, CCOp op)
{
    if (s->cc_op == op) {
        return;
    }
    s->cc_op = op;
    /* CC_OP_DYNAMIC: the caller has put the real one in env->cc_op. */
    s->cc_op_dirty = op != CC_OP_DYNAMIC;
}

/* The cc_op as a TCG value for the helpers. */
static TCGv_i32 gen_cc_op_value(DisasContext *s)
{
    return s->cc_op == CC_OP_DYNAMIC ? cpu_cc_op : tcg_constant_i32(s->cc_op);
}

void gen_compute_eflags(DisasContext *s)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        return;
    }
    if (s->cc_op == CC_OP_CLR) {
        tcg_gen_movi_i64(cpu_cc_src, CC_Z | CC_P);
    } else {
        gen_helper_cc_compute_all(cpu_cc_src, cpu_cc_dst, cpu_cc_src, cpu_cc_src2,
                                  gen_cc_op_value(s));
    }
    set_cc_op(s, CC_OP_EFLAGS);
}

/* All flags into t without changing the lazy state. */
TCGv gen_eflags_value(DisasContext *s, TCGv t)
{
    switch (s->cc_op) {
    case CC_OP_EFLAGS:
        return cpu_cc_src;
    case CC_OP_CLR:
        tcg_gen_movi_i64(t, CC_Z | CC_P);
        return t;
    default:
        gen_helper_cc_compute_all(t, cpu_cc_dst, cpu_cc_src, cpu_cc_src2,
                                  gen_cc_op_value(s));
        return t;
    }
}

static CCPrepare cc_flag_bits(DisasContext *s, int mask)
{
    TCGv f = gen_eflags_value(s, s->cc_t0);

    tcg_gen_andi_i64(s->cc_t0, f, mask);
    return (CCPrepare){ TCG_COND_NE, s->cc_t0, tcg_constant_i64(0) };
}

static CCPrepare cc_const(bool v)
{
    return (CCPrepare){ v ? TCG_COND_ALWAYS : TCG_COND_NEVER, NULL, NULL };
}

static MemOp cc_size(CCOp op)
{
    return (MemOp)((op - CC_OP_MULB) & 3);
}

/* CF. */
static CCPrepare cc_prepare_c(DisasContext *s)
{
    CCOp op = s->cc_op;
    MemOp size = cc_size(op);

    if (cc_in(op, CC_OP_SUBB)) {
        /* The minuend is result + subtrahend. */
        tcg_gen_add_i64(s->cc_t0, cpu_cc_dst, cpu_cc_src);
        gen_ext_tl(s->cc_t0, s->cc_t0, size, false);
        gen_ext_tl(s->cc_t1, cpu_cc_src, size, false);
        return (CCPrepare){ TCG_COND_LTU, s->cc_t0, s->cc_t1 };
    }
    if (cc_in(op, CC_OP_ADDB)) {
        gen_ext_tl(s->cc_t0, cpu_cc_dst, size, false);
        gen_ext_tl(s->cc_t1, cpu_cc_src, size, false);
        return (CCPrepare){ TCG_COND_LTU, s->cc_t0, s->cc_t1 };
    }
    if (cc_in(op, CC_OP_LOGICB) || op == CC_OP_CLR || op == CC_OP_POPCNT) {
        return cc_const(false);
    }
    if (cc_in(op, CC_OP_INCB) || cc_in(op, CC_OP_DECB) || cc_in(op, CC_OP_MULB)) {
        return (CCPrepare){ TCG_COND_NE, cpu_cc_src, tcg_constant_i64(0) };
    }
    if (cc_in(op, CC_OP_SHLB)) {
        tcg_gen_extract_i64(s->cc_t0, cpu_cc_src, (8 << size) - 1, 1);
        return (CCPrepare){ TCG_COND_NE, s->cc_t0, tcg_constant_i64(0) };
    }
    if (cc_in(op, CC_OP_SARB)) {
        tcg_gen_andi_i64(s->cc_t0, cpu_cc_src, 1);
        return (CCPrepare){ TCG_COND_NE, s->cc_t0, tcg_constant_i64(0) };
    }
    if (cc_in(op, CC_OP_BMILGB)) {
        gen_ext_tl(s->cc_t0, cpu_cc_src, size, false);
        return (CCPrepare){ TCG_COND_EQ, s->cc_t0, tcg_constant_i64(0) };
    }
    if (op == CC_OP_ADCX || op == CC_OP_ADCOX) {
        return (CCPrepare){ TCG_COND_NE, cpu_cc_dst, tcg_constant_i64(0) };
    }
    if (op == CC_OP_EFLAGS || op == CC_OP_ADOX) {
        tcg_gen_andi_i64(s->cc_t0, cpu_cc_src, CC_C);
        return (CCPrepare){ TCG_COND_NE, s->cc_t0, tcg_constant_i64(0) };
    }
    /* ADC, SBB, dynamic: the helper. */
    gen_helper_cc_compute_c(s->cc_t0, cpu_cc_dst, cpu_cc_src, cpu_cc_src2, gen_cc_op_value(s));
    return (CCPrepare){ TCG_COND_NE, s->cc_t0, tcg_constant_i64(0) };
}

/* Is ZF/SF a function of cc_dst alone for op? */
static bool cc_dst_has_zs(CCOp op)
{
    return op >= CC_OP_MULB && op <= CC_OP_BMILGQ;
}

static CCPrepare cc_prepare_z(DisasContext *s)
{
    if (cc_dst_has_zs(s->cc_op)) {
        gen_ext_tl(s->cc_t0, cpu_cc_dst, cc_size(s->cc_op), false);
        return (CCPrepare){ TCG_COND_EQ, s->cc_t0, tcg_constant_i64(0) };
    }
    if (s->cc_op == CC_OP_CLR) {
        return cc_const(true);
    }
    if (s->cc_op == CC_OP_POPCNT) {
        return (CCPrepare){ TCG_COND_EQ, cpu_cc_src, tcg_constant_i64(0) };
    }
    return cc_flag_bits(s, CC_Z);
}

static CCPrepare cc_prepare_s(DisasContext *s)
{
    if (cc_dst_has_zs(s->cc_op)) {
        gen_ext_tl(s->cc_t0, cpu_cc_dst, cc_size(s->cc_op), true);
        return (CCPrepare){ TCG_COND_LT, s->cc_t0, tcg_constant_i64(0) };
    }
    if (s->cc_op == CC_OP_CLR || s->cc_op == CC_OP_POPCNT) {
        return cc_const(false);
    }
    return cc_flag_bits(s, CC_S);
}

static CCPrepare cc_prepare_o(DisasContext *s)
{
    CCOp op = s->cc_op;

    if (cc_in(op, CC_OP_LOGICB) || op == CC_OP_CLR || op == CC_OP_POPCNT) {
        return cc_const(false);
    }
    if (cc_in(op, CC_OP_MULB)) {
        return (CCPrepare){ TCG_COND_NE, cpu_cc_src, tcg_constant_i64(0) };
    }
    if (op == CC_OP_ADOX || op == CC_OP_ADCOX) {
        return (CCPrepare){ TCG_COND_NE, cpu_cc_src2, tcg_constant_i64(0) };
    }
    return cc_flag_bits(s, CC_O);
}

static CCPrepare cc_prepare_p(DisasContext *s)
{
    if (s->cc_op == CC_OP_CLR) {
        return cc_const(true);
    }
    if (s->cc_op == CC_OP_POPCNT) {
        return cc_const(false);
    }
    return cc_flag_bits(s, CC_P);
}

/* SF != OF (JL) and (SF != OF) || ZF (JLE) from materialised flags. */
static CCPrepare cc_prepare_l_slow(DisasContext *s, bool le)
{
    TCGv f = gen_eflags_value(s, s->cc_t0);

    /* OF is bit 11, SF bit 7: shift OF onto SF and compare. */
    tcg_gen_shri_i64(s->cc_t1, f, 4);
    tcg_gen_xor_i64(s->cc_t1, s->cc_t1, f);
    tcg_gen_andi_i64(s->cc_t1, s->cc_t1, CC_S);
    if (le) {
        tcg_gen_andi_i64(s->cc_t0, f, CC_Z);
        tcg_gen_or_i64(s->cc_t1, s->cc_t1, s->cc_t0);
    }
    return (CCPrepare){ TCG_COND_NE, s->cc_t1, tcg_constant_i64(0) };
}

static CCPrepare cc_prepare(DisasContext *s, int b)
{
    int jcc_op = (b >> 1) & 7;
    CCOp op = s->cc_op;
    MemOp size = cc_size(op);
    CCPrepare cc;

    if (cc_in(op, CC_OP_SUBB) && (jcc_op == JCC_BE || jcc_op == JCC_L || jcc_op == JCC_LE)) {
        /* Compare the operands directly: minuend = result + subtrahend. */
        bool sign = jcc_op != JCC_BE;

        tcg_gen_add_i64(s->cc_t0, cpu_cc_dst, cpu_cc_src);
        gen_ext_tl(s->cc_t0, s->cc_t0, size, sign);
        gen_ext_tl(s->cc_t1, cpu_cc_src, size, sign);
        cc.a = s->cc_t0;
        cc.b = s->cc_t1;
        cc.cond = jcc_op == JCC_BE ? TCG_COND_LEU : jcc_op == JCC_L ? TCG_COND_LT : TCG_COND_LE;
    } else if (cc_in(op, CC_OP_LOGICB) && (jcc_op == JCC_BE || jcc_op == JCC_L ||
                                           jcc_op == JCC_LE)) {
        /* CF = OF = 0: BE is ZF, L is SF, LE is SF || ZF. */
        bool sign = jcc_op != JCC_BE;

        gen_ext_tl(s->cc_t0, cpu_cc_dst, size, sign);
        cc.a = s->cc_t0;
        cc.b = tcg_constant_i64(0);
        cc.cond = jcc_op == JCC_BE ? TCG_COND_EQ : jcc_op == JCC_L ? TCG_COND_LT : TCG_COND_LE;
    } else {
        switch (jcc_op) {
        case JCC_O:
            cc = cc_prepare_o(s);
            break;
        case JCC_B:
            cc = cc_prepare_c(s);
            break;
        case JCC_Z:
            cc = cc_prepare_z(s);
            break;
        case JCC_BE:
            cc = cc_flag_bits(s, CC_Z | CC_C);
            break;
        case JCC_S:
            cc = cc_prepare_s(s);
            break;
        case JCC_P:
            cc = cc_prepare_p(s);
            break;
        case JCC_L:
            cc = cc_prepare_l_slow(s, false);
            break;
        default:
            cc = cc_prepare_l_slow(s, true);
            break;
        }
    }
    if (b & 1) {
        cc.cond = tcg_invert_cond(cc.cond);
    }
    return cc;
}

void gen_setcc1(DisasContext *s, int b, TCGv reg)
{
    CCPrepare cc = cc_prepare(s, b);

    if (cc.cond == TCG_COND_ALWAYS || cc.cond == TCG_COND_NEVER) {
        tcg_gen_movi_i64(reg, cc.cond == TCG_COND_ALWAYS);
        return;
    }
    tcg_gen_setcond_i64(cc.cond, reg, cc.a, cc.b);
}

void gen_compute_eflags_c(DisasContext *s, TCGv reg)
{
    gen_setcc1(s, JCC_B << 1, reg);
}

void gen_jcc1_noeob(DisasContext *s, int b, TCGLabel *l1)
{
    CCPrepare cc = cc_prepare(s, b);

    if (cc.cond == TCG_COND_ALWAYS) {
        tcg_gen_br(l1);
    } else if (cc.cond != TCG_COND_NEVER) {
        tcg_gen_brcond_i64(cc.cond, cc.a, cc.b, l1);
    }
}

void gen_jcc1(DisasContext *s, int b, TCGLabel *l1)
{
    CCPrepare cc = cc_prepare(s, b);

    /* Both sides of the branch must see env->cc_op up to date. */
    gen_update_cc_op(s);
    if (cc.cond == TCG_COND_ALWAYS) {
        tcg_gen_br(l1);
    } else if (cc.cond != TCG_COND_NEVER) {
        tcg_gen_brcond_i64(cc.cond, cc.a, cc.b, l1);
    }
}

void gen_cmovcc1(DisasContext *s, int b, TCGv dest, TCGv src)
{
    CCPrepare cc = cc_prepare(s, b);

    if (cc.cond == TCG_COND_ALWAYS) {
        tcg_gen_mov_i64(dest, src);
    } else if (cc.cond != TCG_COND_NEVER) {
        tcg_gen_movcond_i64(cc.cond, dest, cc.a, cc.b, src, dest);
    }
}
