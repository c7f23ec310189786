/*
 * tcg-regalloc.c: linear register allocation over one TB for the native
 * backend, driven by the liveness bits of tcg_liveness_analysis. The
 * backend supplies per-op constraints (tcg_target_op_ct) and the code
 * emitters; this file decides where every temp lives, emits the moves,
 * loads, spills and syncs, and hands the op to the backend with its
 * operands in registers. Not used by TCI.
 *
 * Temp states: globals live in memory (env) and are cached in registers;
 * EBB/TB temps get a stack slot in the prologue's frame only when they
 * must be spilled; constants are materialised in scratch registers owned
 * by nobody. The state at every label is "globals and TB temps in memory,
 * EBB temps dead", so branches need no register shuffling.
 *
 * Helper calls and guest memory ops (whose slow path is a call) spill
 * every live value held in a call-clobbered register first; the backend
 * keeps the operands of qemu_ld/st in callee-saved registers, so its
 * out-of-line stubs save nothing.
 *
 * i32 values in host registers are zero-extended: every i32 op uses
 * 32-bit instructions (which clear bits 63..32 on x86-64), i32 loads and
 * constants are 32-bit moves, and the one producer the backend does not
 * write itself, a helper returning int32_t (whose upper half the C ABI
 * leaves undefined), is extended after the call (ra_call). So
 * extu_i32_i64 onto the same register costs nothing: after the x86 front
 * end's extrl/rotr_i32/extu_i32_i64 a 32-bit rotate is one ROR.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "tcg-regalloc.h"

#define RA_SLOT_SIZE 8
#define RA_MAX_FREE_SLOTS 256

static __thread struct {
    bool frame_overflow;
    int nb_free_slots;
    intptr_t free_slots[RA_MAX_FREE_SLOTS];
} ra;

int64_t tcg_regalloc_const_val(const TCGTemp *ts)
{
    /* Non-constant temps keep a copied constant in their scratch word. */
    return ts->kind == TEMP_CONST ? ts->val : (int64_t)ts->state;
}

static TCGType ra_type(const TCGTemp *ts)
{
    return ts->type == TCG_TYPE_I32 ? TCG_TYPE_I32 : TCG_TYPE_I64;
}

static void ra_slot_alloc(TCGContext *s, TCGTemp *ts)
{
    if (ts->mem_allocated) {
        return;
    }
    if (ra.nb_free_slots > 0) {
        ts->slot_offset = ra.free_slots[--ra.nb_free_slots];
    } else if (s->current_frame_offset + RA_SLOT_SIZE <= s->frame_end) {
        ts->slot_offset = s->current_frame_offset;
        s->current_frame_offset += RA_SLOT_SIZE;
    } else {
        /*
         * Out of frame: the code is discarded (gen_code returns -2), so
         * reusing the first slot only keeps the emitter going.
         */
        ra.frame_overflow = true;
        ts->slot_offset = s->frame_start;
        ts->mem_allocated = true;
        return;
    }
    ts->mem_allocated = true;
}

static void ra_slot_release(TCGTemp *ts)
{
    if (ts->mem_allocated && !ra.frame_overflow &&
        ra.nb_free_slots < RA_MAX_FREE_SLOTS) {
        ra.free_slots[ra.nb_free_slots++] = ts->slot_offset;
    }
    ts->mem_allocated = false;
}

static void ra_temp_mem(TCGContext *s, TCGTemp *ts, TCGReg *base, intptr_t *ofs)
{
    if (ts->kind == TEMP_GLOBAL) {
        /* Globals are based on a fixed register (env). */
        g_assert(ts->mem_base && ts->mem_base->kind == TEMP_FIXED);
        *base = ts->mem_base->reg;
        *ofs = ts->mem_offset;
    } else {
        ra_slot_alloc(s, ts);
        *base = s->frame_reg;
        *ofs = ts->slot_offset;
    }
}

/* Write the temp's value to its memory if memory is stale. */
static void ra_temp_sync(TCGContext *s, TCGTemp *ts)
{
    TCGReg base;
    intptr_t ofs;

    if (ts->kind == TEMP_FIXED || ts->kind == TEMP_CONST || ts->mem_coherent) {
        return;
    }
    switch (ts->val_type) {
    case TEMP_VAL_REG:
        ra_temp_mem(s, ts, &base, &ofs);
        tcg_target_st(s, ra_type(ts), ts->reg, base, ofs);
        ts->mem_coherent = true;
        break;
    case TEMP_VAL_CONST:
        ra_temp_mem(s, ts, &base, &ofs);
        tcg_target_sti(s, ra_type(ts), tcg_regalloc_const_val(ts), base, ofs);
        ts->mem_coherent = true;
        break;
    default:
        break;
    }
}

static void ra_temp_free_reg(TCGContext *s, TCGTemp *ts)
{
    if (ts->val_type == TEMP_VAL_REG) {
        if (s->reg_to_temp[ts->reg] == ts) {
            s->reg_to_temp[ts->reg] = NULL;
        }
        ts->reg = TCG_REG_NONE;
    }
}

/* The value of ts is no longer needed. */
static void ra_temp_dead(TCGContext *s, TCGTemp *ts)
{
    switch (ts->kind) {
    case TEMP_FIXED:
        return;
    case TEMP_CONST:
        ts->val_type = TEMP_VAL_CONST;
        return;
    case TEMP_GLOBAL:
        /*
         * No store: liveness set SYNC_ARG on the last write whenever env
         * is read before the next write (block ends, calls, ops that may
         * fault), so a dirty register copy of a dead global is a value
         * nobody reads. Storing it anyway cost a store per guest write.
         */
        ra_temp_free_reg(s, ts);
        ts->val_type = TEMP_VAL_MEM;
        ts->mem_coherent = true;
        return;
    case TEMP_EBB:
        ra_temp_free_reg(s, ts);
        ra_slot_release(ts);
        break;
    case TEMP_TB:
        /*
         * Liveness marks TB temps dead but synced at a block end: the
         * value lives on in memory for the code after the label.
         */
        ra_temp_free_reg(s, ts);
        if (ts->mem_allocated) {
            ts->val_type = TEMP_VAL_MEM;
            return;
        }
        break;
    }
    ts->val_type = TEMP_VAL_DEAD;
    ts->mem_coherent = false;
}

/* Sync and drop the register copy: the value lives on in memory. */
static void ra_temp_save(TCGContext *s, TCGTemp *ts)
{
    if (ts->kind == TEMP_FIXED) {
        return;
    }
    if (ts->kind == TEMP_CONST) {
        ts->val_type = TEMP_VAL_CONST;
        return;
    }
    if (ts->val_type == TEMP_VAL_DEAD) {
        return;
    }
    ra_temp_sync(s, ts);
    ra_temp_free_reg(s, ts);
    ts->val_type = TEMP_VAL_MEM;
    ts->mem_coherent = true;
}

/* Empty reg, spilling its temp to memory. */
static void ra_reg_free(TCGContext *s, TCGReg reg)
{
    TCGTemp *ts = s->reg_to_temp[reg];

    if (ts) {
        ra_temp_save(s, ts);
    }
}

static TCGReg ra_reg_alloc(TCGContext *s, TCGRegSet required,
                           TCGRegSet allocated, TCGRegSet pref)
{
    TCGRegSet set = required & ~allocated & ~s->reserved_regs;
    TCGRegSet free_set = 0;
    int i;

    g_assert(set != 0);
    for (i = 0; i < tcg_target_reg_order_count; i++) {
        TCGReg r = tcg_target_reg_order[i];
        if ((set & TCG_REGSET_BIT(r)) && !s->reg_to_temp[r]) {
            free_set |= TCG_REGSET_BIT(r);
        }
    }
    if (free_set) {
        TCGRegSet p = free_set & pref;
        for (i = 0; i < tcg_target_reg_order_count; i++) {
            TCGReg r = tcg_target_reg_order[i];
            if (p ? (p & TCG_REGSET_BIT(r)) : (free_set & TCG_REGSET_BIT(r))) {
                return r;
            }
        }
    }
    /* Evict: prefer a value whose memory copy is already up to date. */
    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < tcg_target_reg_order_count; i++) {
            TCGReg r = tcg_target_reg_order[i];
            TCGTemp *ts = s->reg_to_temp[r];
            if (!(set & TCG_REGSET_BIT(r))) {
                continue;
            }
            if (pass == 1 || !ts || ts->mem_coherent) {
                ra_reg_free(s, r);
                return r;
            }
        }
    }
    g_assert_not_reached();
}

/* Emit the value of ts into reg without changing where ts lives. */
static void ra_load_scratch(TCGContext *s, TCGTemp *ts, TCGReg reg)
{
    TCGReg base;
    intptr_t ofs;

    switch (ts->val_type) {
    case TEMP_VAL_REG:
        if (ts->reg != reg) {
            tcg_target_mov(s, ra_type(ts), reg, ts->reg);
        }
        break;
    case TEMP_VAL_CONST:
        tcg_target_movi(s, ra_type(ts), reg, tcg_regalloc_const_val(ts));
        break;
    case TEMP_VAL_MEM:
        ra_temp_mem(s, ts, &base, &ofs);
        tcg_target_ld(s, ra_type(ts), reg, base, ofs);
        break;
    case TEMP_VAL_DEAD:
        /* Reading an undefined temp: any value will do. */
        break;
    }
}

/* Make ts live in a register of required. */
static void ra_temp_load(TCGContext *s, TCGTemp *ts, TCGRegSet required,
                         TCGRegSet allocated, TCGRegSet pref)
{
    TCGReg reg;

    if (ts->val_type == TEMP_VAL_REG) {
        if (required & TCG_REGSET_BIT(ts->reg)) {
            return;
        }
        g_assert(ts->kind != TEMP_FIXED);
        reg = ra_reg_alloc(s, required, allocated | TCG_REGSET_BIT(ts->reg), pref);
        tcg_target_mov(s, ra_type(ts), reg, ts->reg);
        s->reg_to_temp[ts->reg] = NULL;
    } else {
        g_assert(ts->kind != TEMP_CONST);
        reg = ra_reg_alloc(s, required, allocated, pref);
        ra_load_scratch(s, ts, reg);
        if (ts->val_type == TEMP_VAL_MEM) {
            ts->mem_coherent = true;
        } else if (ts->val_type == TEMP_VAL_DEAD) {
            ts->mem_coherent = false;
        }
    }
    ts->val_type = TEMP_VAL_REG;
    ts->reg = reg;
    s->reg_to_temp[reg] = ts;
}

static void ra_sync_globals(TCGContext *s)
{
    for (int i = 0; i < s->nb_globals; i++) {
        ra_temp_sync(s, &s->temps[i]);
    }
}

static void ra_save_globals(TCGContext *s)
{
    for (int i = 0; i < s->nb_globals; i++) {
        ra_temp_save(s, &s->temps[i]);
    }
}

/* End of a basic block (set_label, br): the uniform state of labels. */
static void ra_bb_end(TCGContext *s)
{
    ra_save_globals(s);
    for (int i = s->nb_globals; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        switch (ts->kind) {
        case TEMP_TB:
            ra_temp_save(s, ts);
            break;
        case TEMP_EBB:
            if (ts->val_type != TEMP_VAL_DEAD) {
                ra_temp_dead(s, ts);
            }
            break;
        case TEMP_CONST:
            ts->val_type = TEMP_VAL_CONST;
            break;
        default:
            ra_temp_save(s, ts);
            break;
        }
    }
}

/* Conditional branch: the target sees memory, the fall-through keeps regs. */
static void ra_cond_branch_sync(TCGContext *s)
{
    ra_sync_globals(s);
    for (int i = s->nb_globals; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        if (ts->kind == TEMP_TB) {
            ra_temp_sync(s, ts);
        }
    }
}

/* After leaving the TB: nothing survives in registers. */
static void ra_after_exit(TCGContext *s)
{
    for (int i = 0; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        switch (ts->kind) {
        case TEMP_GLOBAL:
            ra_temp_free_reg(s, ts);
            ts->val_type = TEMP_VAL_MEM;
            ts->mem_coherent = true;
            break;
        case TEMP_TB:
            /*
             * Code after the exit is reached only through labels (where TB
             * temps are in memory) or goto_tb's reset path (where none is
             * live).
             */
            ra_temp_free_reg(s, ts);
            ts->val_type = ts->mem_allocated ? TEMP_VAL_MEM : TEMP_VAL_DEAD;
            break;
        case TEMP_EBB:
            ra_temp_free_reg(s, ts);
            ts->val_type = TEMP_VAL_DEAD;
            ts->mem_coherent = false;
            break;
        case TEMP_CONST:
            ts->val_type = TEMP_VAL_CONST;
            break;
        default:
            break;
        }
    }
}

/* Give ots (an output) register reg, dropping any stale copy it had. */
static void ra_set_output_reg(TCGContext *s, TCGTemp *ots, TCGReg reg)
{
    g_assert(ots->kind != TEMP_FIXED && ots->kind != TEMP_CONST);
    if (ots->val_type == TEMP_VAL_REG && ots->reg != reg &&
        s->reg_to_temp[ots->reg] == ots) {
        s->reg_to_temp[ots->reg] = NULL;
    }
    ots->val_type = TEMP_VAL_REG;
    ots->reg = reg;
    ots->mem_coherent = false;
    s->reg_to_temp[reg] = ots;
}

static void ra_output_done(TCGContext *s, const TCGOp *op, int i, TCGTemp *ots)
{
    if (NEED_SYNC_ARG(op->life, i)) {
        ra_temp_sync(s, ots);
    }
    if (IS_DEAD_ARG(op->life, i)) {
        ra_temp_dead(s, ots);
    }
}

static void ra_mov(TCGContext *s, const TCGOp *op)
{
    TCGTemp *ots = arg_temp(op->args[0]);
    TCGTemp *ts = arg_temp(op->args[1]);
    TCGType type = ra_type(ots);
    TCGRegSet all = ~s->reserved_regs;

    if (ots == ts) {
        return;
    }
    if (ots->kind == TEMP_FIXED) {
        /* Writing the fixed register itself (rare: front ends don't). */
        if (ts->val_type == TEMP_VAL_REG) {
            tcg_target_mov(s, type, ots->reg, ts->reg);
        } else {
            ra_load_scratch(s, ts, ots->reg);
        }
        if (IS_DEAD_ARG(op->life, 1)) {
            ra_temp_dead(s, ts);
        }
        return;
    }
    if (ts->val_type == TEMP_VAL_CONST) {
        /* Copying a constant costs no code: the copy is a constant too. */
        int64_t val = tcg_regalloc_const_val(ts);
        if (type == TCG_TYPE_I32) {
            val = (int32_t)val;
        }
        ra_temp_free_reg(s, ots);
        ots->val_type = TEMP_VAL_CONST;
        ots->state = (uintptr_t)val;
        ots->mem_coherent = false;
        if (IS_DEAD_ARG(op->life, 1)) {
            ra_temp_dead(s, ts);
        }
        ra_output_done(s, op, 0, ots);
        return;
    }
    if (ts->val_type == TEMP_VAL_REG && IS_DEAD_ARG(op->life, 1) &&
        ts->kind != TEMP_FIXED) {
        /* The source dies: hand its register over. */
        TCGReg reg = ts->reg;
        ra_temp_dead(s, ts);
        ra_set_output_reg(s, ots, reg);
        ra_output_done(s, op, 0, ots);
        return;
    }
    if (ts->val_type == TEMP_VAL_MEM && !IS_DEAD_ARG(op->life, 1)) {
        /*
         * The source is read again later: cache it in a register now, or
         * the next reader loads it from env a second time (CMP's copy of
         * its operand into cc_src, then the SUB).
         */
        ra_temp_load(s, ts, all, 0, 0);
    }
    if (ts->val_type == TEMP_VAL_REG && IS_DEAD_ARG(op->life, 0) &&
        NEED_SYNC_ARG(op->life, 0)) {
        /* The copy only has to reach memory: store the source's register. */
        TCGReg base;
        intptr_t ofs;

        ra_temp_free_reg(s, ots);
        ra_temp_mem(s, ots, &base, &ofs);
        tcg_target_st(s, type, ts->reg, base, ofs);
        ots->val_type = TEMP_VAL_MEM;
        ots->mem_coherent = true;
        if (IS_DEAD_ARG(op->life, 1)) {
            ra_temp_dead(s, ts);
        }
        ra_temp_dead(s, ots);
        return;
    }
    TCGReg dst;
    if (ts->val_type != TEMP_VAL_REG) {
        /* Load straight into the destination; the source stays put. */
        if (ots->val_type == TEMP_VAL_REG && s->reg_to_temp[ots->reg] == ots) {
            dst = ots->reg;
        } else {
            dst = ra_reg_alloc(s, all, 0, op->output_pref[0]);
        }
        ra_load_scratch(s, ts, dst);
    } else {
        TCGReg src = ts->reg;
        if (ots->val_type == TEMP_VAL_REG && ots->reg != src &&
            s->reg_to_temp[ots->reg] == ots) {
            dst = ots->reg;
        } else {
            dst = ra_reg_alloc(s, all, TCG_REGSET_BIT(src), op->output_pref[0]);
        }
        tcg_target_mov(s, type, dst, src);
    }
    ra_set_output_reg(s, ots, dst);
    if (IS_DEAD_ARG(op->life, 1)) {
        ra_temp_dead(s, ts);
    }
    ra_output_done(s, op, 0, ots);
}

static void ra_call(TCGContext *s, const TCGOp *op)
{
    int nb_o = TCGOP_CALLO(op), nb_i = TCGOP_CALLI(op);
    const void *func = (const void *)op->args[nb_o + nb_i];
    const TCGHelperInfo *info = (const TCGHelperInfo *)op->args[nb_o + nb_i + 1];
    unsigned flags = info ? info->flags : 0;
    TCGRegSet args_set = 0;
    int i;

    g_assert(nb_i <= MAX_CALL_IARGS && nb_o <= 1);
    for (i = 0; i < nb_i; i++) {
        TCGTemp *ts = arg_temp(op->args[nb_o + i]);
        TCGReg reg = tcg_target_call_iarg_regs[i];

        if (ts->val_type == TEMP_VAL_REG && ts->reg == reg) {
            args_set |= TCG_REGSET_BIT(reg);
            continue;
        }
        ra_reg_free(s, reg);
        ra_load_scratch(s, ts, reg);
        args_set |= TCG_REGSET_BIT(reg);
    }
    for (i = 0; i < nb_i; i++) {
        if (IS_DEAD_ARG(op->life, nb_o + i)) {
            ra_temp_dead(s, arg_temp(op->args[nb_o + i]));
        }
    }
    /* Whatever is still live in a clobbered register goes to memory. */
    for (TCGReg r = 0; r < TCG_MAX_HOST_REGS; r++) {
        if (tcg_target_call_clobber_regs & TCG_REGSET_BIT(r)) {
            ra_reg_free(s, r);
        }
    }
    if (!(flags & TCG_CALL_NO_READ_GLOBALS)) {
        if (flags & TCG_CALL_NO_WRITE_GLOBALS) {
            ra_sync_globals(s);
        } else {
            ra_save_globals(s);
        }
    }
    tcg_target_call(s, func);
    if (nb_o) {
        TCGTemp *ots = arg_temp(op->args[0]);
        if (ots->type == TCG_TYPE_I32) {
            tcg_target_zext_i32(s, tcg_target_call_oarg_reg, tcg_target_call_oarg_reg);
        }
        ra_set_output_reg(s, ots, tcg_target_call_oarg_reg);
        ra_output_done(s, op, 0, ots);
    }
}

static int ra_popcount(TCGRegSet set)
{
    return __builtin_popcount(set);
}

static void ra_op(TCGContext *s, const TCGOp *op)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    const TCGOpCt *ct = tcg_target_op_ct(op->opc);
    int nb_o = def->nb_oargs, nb_i = def->nb_iargs, nb_c = def->nb_cargs;
    TCGArg new_args[MAX_OPC_PARAM];
    int const_args[MAX_OPC_PARAM];
    int order[MAX_OPC_PARAM];
    TCGRegSet i_allocated, o_allocated, dead_regs = 0, input_regs = 0;
    bool aliased[MAX_OPC_PARAM] = { false };
    int i, j;

    memset(const_args, 0, sizeof(const_args));
    for (i = 0; i < nb_c; i++) {
        new_args[nb_o + nb_i + i] = op->args[nb_o + nb_i + i];
    }
    for (i = 0; i < nb_o; i++) {
        if (ct->args[i].alias >= 0) {
            aliased[ct->args[i].alias] = true;
        }
    }

    /* Registers the op destroys: empty them first. */
    for (TCGReg r = 0; r < TCG_MAX_HOST_REGS; r++) {
        if (ct->clobbers & TCG_REGSET_BIT(r)) {
            ra_reg_free(s, r);
        }
    }
    i_allocated = s->reserved_regs | ct->clobbers;

    /* Most constrained inputs first, so fixed registers are not taken. */
    for (i = 0; i < nb_i; i++) {
        order[i] = i;
    }
    for (i = 1; i < nb_i; i++) {
        for (j = i; j > 0 && ra_popcount(ct->args[nb_o + order[j]].regs) <
                         ra_popcount(ct->args[nb_o + order[j - 1]].regs); j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    }

    for (int k = 0; k < nb_i; k++) {
        i = order[k];
        const TCGArgCt *ac = &ct->args[nb_o + i];
        TCGTemp *ts = arg_temp(op->args[nb_o + i]);
        bool dead = IS_DEAD_ARG(op->life, nb_o + i);
        bool clobbered = ac->clobbered || aliased[i];
        bool copy;

        if (ts->val_type == TEMP_VAL_CONST &&
            tcg_target_const_match(tcg_regalloc_const_val(ts), ra_type(ts), ac->ct)) {
            const_args[nb_o + i] = 1;
            new_args[nb_o + i] = (TCGArg)tcg_regalloc_const_val(ts);
            continue;
        }
        /* Constants and env are never moved: work on a copy. */
        copy = ts->kind == TEMP_CONST ||
               (ts->kind == TEMP_FIXED && !(ac->regs & TCG_REGSET_BIT(ts->reg)));
        if (clobbered) {
            /* A dying global may be clobbered: liveness synced what env needs. */
            if (!dead || ts->kind == TEMP_FIXED) {
                copy = true;
            }
            /* The same temp read twice must not see the clobbered copy. */
            for (j = 0; j < nb_i; j++) {
                if (j != i && op->args[nb_o + j] == op->args[nb_o + i]) {
                    copy = true;
                }
            }
        }
        if (copy) {
            TCGRegSet avoid = i_allocated;
            TCGReg reg;
            if (ts->val_type == TEMP_VAL_REG && ts->kind != TEMP_CONST) {
                if ((ac->regs & ~avoid & ~TCG_REGSET_BIT(ts->reg)) == 0) {
                    /* Its only register is the one we need: move it out. */
                    g_assert(ts->kind != TEMP_FIXED);
                    ra_reg_free(s, ts->reg);
                } else {
                    avoid |= TCG_REGSET_BIT(ts->reg);
                }
            }
            reg = ra_reg_alloc(s, ac->regs, avoid, 0);
            ra_load_scratch(s, ts, reg);
            new_args[nb_o + i] = reg;
            i_allocated |= TCG_REGSET_BIT(reg);
            input_regs |= TCG_REGSET_BIT(reg);
            continue;
        }
        if (ts->val_type == TEMP_VAL_REG && (ac->regs & TCG_REGSET_BIT(ts->reg)) &&
            s->reg_to_temp[ts->reg] == ts) {
            /* Already in place (possibly as an earlier operand too). */
        } else {
            ra_temp_load(s, ts, ac->regs, i_allocated, 0);
        }
        new_args[nb_o + i] = ts->reg;
        i_allocated |= TCG_REGSET_BIT(ts->reg);
        input_regs |= TCG_REGSET_BIT(ts->reg);
    }

    if (def->flags & TCG_OPF_COND_BRANCH) {
        ra_cond_branch_sync(s);
    } else if (def->flags & TCG_OPF_BB_EXIT) {
        ra_sync_globals(s);
    } else if (def->flags & TCG_OPF_BB_END) {
        ra_bb_end(s);
    } else if (def->flags & (TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)) {
        /* A fault or a store to env must find the globals in memory. */
        ra_sync_globals(s);
    }

    /* Inputs that die here free their registers for the outputs. */
    for (i = 0; i < nb_i; i++) {
        TCGTemp *ts = arg_temp(op->args[nb_o + i]);
        if (!const_args[nb_o + i] && IS_DEAD_ARG(op->life, nb_o + i) &&
            ts->val_type == TEMP_VAL_REG) {
            dead_regs |= TCG_REGSET_BIT(ts->reg);
            ra_temp_dead(s, ts);
        } else if (!const_args[nb_o + i] && IS_DEAD_ARG(op->life, nb_o + i)) {
            ra_temp_dead(s, ts);
        }
    }

    o_allocated = s->reserved_regs | (i_allocated & ~dead_regs & ~ct->clobbers);
    for (i = 0; i < nb_o; i++) {
        const TCGArgCt *ac = &ct->args[i];
        TCGTemp *ots = arg_temp(op->args[i]);
        TCGReg reg;

        if (ac->alias >= 0) {
            reg = new_args[nb_o + ac->alias];
            /* The aliased input may still be listed as a live copy. */
            o_allocated &= ~TCG_REGSET_BIT(reg);
            if (s->reg_to_temp[reg] && s->reg_to_temp[reg] != ots) {
                ra_reg_free(s, reg);
            }
        } else {
            TCGRegSet avoid = o_allocated;
            if (ac->newreg) {
                avoid |= input_regs;
            }
            if (ots->val_type == TEMP_VAL_REG && (ac->regs & TCG_REGSET_BIT(ots->reg)) &&
                !(avoid & TCG_REGSET_BIT(ots->reg)) && s->reg_to_temp[ots->reg] == ots) {
                reg = ots->reg;
            } else {
                /*
                 * Prefer a dying input's register: an extension or copy
                 * (extu_i32_i64 of a zero-extended i32) then costs nothing.
                 */
                reg = ra_reg_alloc(s, ac->regs, avoid,
                                   op->output_pref[i] | (dead_regs & ~avoid));
            }
        }
        ra_set_output_reg(s, ots, reg);
        new_args[i] = reg;
        o_allocated |= TCG_REGSET_BIT(reg);
    }

    tcg_target_op(s, op, new_args, const_args);

    if (def->flags & TCG_OPF_BB_EXIT) {
        ra_after_exit(s);
        return;
    }
    for (i = 0; i < nb_o; i++) {
        ra_output_done(s, op, i, arg_temp(op->args[i]));
    }
}

static void ra_reset(TCGContext *s)
{
    memset(s->reg_to_temp, 0, sizeof(s->reg_to_temp));
    memset(&ra, 0, sizeof(ra));
    s->current_frame_offset = s->frame_start;
    for (int i = 0; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];
        ts->mem_allocated = false;
        ts->mem_coherent = false;
        switch (ts->kind) {
        case TEMP_FIXED:
            ts->val_type = TEMP_VAL_REG;
            s->reg_to_temp[ts->reg] = ts;
            break;
        case TEMP_GLOBAL:
            ts->val_type = TEMP_VAL_MEM;
            ts->mem_coherent = true;
            ts->reg = TCG_REG_NONE;
            break;
        case TEMP_CONST:
            ts->val_type = TEMP_VAL_CONST;
            ts->reg = TCG_REG_NONE;
            break;
        default:
            ts->val_type = TEMP_VAL_DEAD;
            ts->reg = TCG_REG_NONE;
            break;
        }
    }
}

/*
 * A double-width multiply whose high half nobody reads is a plain
 * multiply (the low half is the same signed or unsigned): IMUL r, r/m
 * instead of the one-operand form tied to RAX and RDX. Liveness already
 * ran, so the op's life bits are renumbered for the new operand list.
 */
static void ra_narrow_mul2(TCGOp *op)
{
    TCGLifeData life = op->life;
    bool is64 = op->opc == INDEX_op_mulu2_i64 || op->opc == INDEX_op_muls2_i64;

    if (!IS_DEAD_ARG(life, 1) || NEED_SYNC_ARG(life, 1)) {
        return;
    }
    op->opc = is64 ? INDEX_op_mul_i64 : INDEX_op_mul_i32;
    op->args[1] = op->args[2];
    op->args[2] = op->args[3];
    op->nargs = 3;
    op->life = (life & (SYNC_ARG(0) | DEAD_ARG(0))) |
               (IS_DEAD_ARG(life, 2) ? DEAD_ARG(1) : 0) |
               (IS_DEAD_ARG(life, 3) ? DEAD_ARG(2) : 0);
}

int tcg_regalloc_gen(TCGContext *s)
{
    ra_reset(s);
    for (TCGOp *op = s->first_op; op; op = op->next) {
        switch (op->opc) {
        case INDEX_op_mov_i32:
        case INDEX_op_mov_i64:
            ra_mov(s, op);
            break;
        case INDEX_op_discard: {
            TCGTemp *ts = arg_temp(op->args[0]);
            if (ts->kind == TEMP_GLOBAL) {
                ra_temp_free_reg(s, ts);
                ts->val_type = TEMP_VAL_MEM;
                ts->mem_coherent = true;
            } else {
                ra_temp_dead(s, ts);
            }
            break;
        }
        case INDEX_op_insn_start:
            tcg_record_insn_start(s, op,
                                  (uint32_t)((char *)s->code_ptr - (char *)s->code_buf));
            break;
        case INDEX_op_set_label:
            ra_bb_end(s);
            tcg_target_bind_label(s, arg_label(op->args[0]));
            break;
        case INDEX_op_call:
            ra_call(s, op);
            break;
        case INDEX_op_mulu2_i32:
        case INDEX_op_mulu2_i64:
        case INDEX_op_muls2_i32:
        case INDEX_op_muls2_i64:
            ra_narrow_mul2(op);
            ra_op(s, op);
            break;
        default:
            ra_op(s, op);
            break;
        }
        if ((char *)s->code_ptr > (char *)s->code_gen_highwater) {
            return -1;
        }
        if (ra.frame_overflow) {
            return -2;
        }
    }
    return 0;
}
