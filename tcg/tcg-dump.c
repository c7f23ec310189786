/*
 * tcg-dump.c: the "-d op" / "-d op_opt" listing of a function's ops, in
 * QEMU's format: one op per line, " name outputs,inputs,constants", temps
 * by name (globals), tmpN (TB temps), ebbN (EBB temps) or $0x.. (constants),
 * with the liveness result at the end of the line once it is computed.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"

static const char *const tcg_cond_names[16] = {
    [TCG_COND_NEVER] = "never",
    [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq",
    [TCG_COND_NE] = "ne",
    [TCG_COND_LT] = "lt",
    [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le",
    [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu",
    [TCG_COND_GEU] = "geu",
    [TCG_COND_LEU] = "leu",
    [TCG_COND_GTU] = "gtu",
};

/* Indexed by the MemOp's size, sign and byte-order bits. */
static const char *const tcg_ldst_names[16] = {
    [MO_UB] = "ub",
    [MO_SB] = "sb",
    [MO_LEUW] = "leuw",
    [MO_LESW] = "lesw",
    [MO_LEUL] = "leul",
    [MO_LESL] = "lesl",
    [MO_LEUQ] = "leq",
    [MO_BEUW] = "beuw",
    [MO_BESW] = "besw",
    [MO_BEUL] = "beul",
    [MO_BESL] = "besl",
    [MO_BEUQ] = "beq",
};

static const char *const tcg_bswap_flag_names[8] = {
    [TCG_BSWAP_IZ] = "iz",
    [TCG_BSWAP_OZ] = "oz",
    [TCG_BSWAP_OS] = "os",
    [TCG_BSWAP_IZ | TCG_BSWAP_OZ] = "iz,oz",
    [TCG_BSWAP_IZ | TCG_BSWAP_OS] = "iz,os",
};

static void tcg_dump_temp(TCGContext *s, GString *out, TCGTemp *ts)
{
    int idx = ts - s->temps;

    switch (ts->kind) {
    case TEMP_FIXED:
    case TEMP_GLOBAL:
        g_string_append(out, ts->name ? ts->name : "?global");
        break;
    case TEMP_TB:
        g_string_append_printf(out, "tmp%d", idx - s->nb_globals);
        break;
    case TEMP_EBB:
        g_string_append_printf(out, "ebb%d", idx - s->nb_globals);
        break;
    case TEMP_CONST:
        if (ts->type == TCG_TYPE_I32) {
            g_string_append_printf(out, "$0x%x", (uint32_t)ts->val);
        } else {
            g_string_append_printf(out, "$0x%" PRIx64, (uint64_t)ts->val);
        }
        break;
    }
}

static void tcg_dump_sep(GString *out, bool *first)
{
    if (!*first) {
        g_string_append_c(out, ',');
    }
    *first = false;
}

static void tcg_dump_call(TCGContext *s, GString *out, const TCGOp *op)
{
    unsigned nout = TCGOP_CALLO(op), nin = TCGOP_CALLI(op);
    const TCGHelperInfo *info = (const TCGHelperInfo *)op->args[nout + nin + 1];

    g_string_append_printf(out, " call %s,$0x%x,$%u", info->name, info->flags, nout);
    for (unsigned i = 0; i < nout + nin; i++) {
        g_string_append_c(out, ',');
        tcg_dump_temp(s, out, arg_temp(op->args[i]));
    }
}

/* The constant operand k (0-based among the constants) of op. */
static void tcg_dump_carg(GString *out, const TCGOp *op, unsigned k, TCGArg a)
{
    switch (op->opc) {
    case INDEX_op_brcond_i32:
    case INDEX_op_brcond_i64:
        if (k == 1) {
            g_string_append_printf(out, "$L%u", arg_label(a)->id);
            return;
        }
        /* fall through */
    case INDEX_op_setcond_i32:
    case INDEX_op_setcond_i64:
    case INDEX_op_negsetcond_i32:
    case INDEX_op_negsetcond_i64:
    case INDEX_op_movcond_i32:
    case INDEX_op_movcond_i64:
        if (k == 0 && a < 16 && tcg_cond_names[a]) {
            g_string_append(out, tcg_cond_names[a]);
            return;
        }
        break;
    case INDEX_op_qemu_ld_i32:
    case INDEX_op_qemu_ld_i64:
    case INDEX_op_qemu_st_i32:
    case INDEX_op_qemu_st_i64: {
        MemOp mop = get_memop(a);
        const char *name = tcg_ldst_names[mop & (MO_SIZE | MO_SIGN | MO_BSWAP)];

        if ((mop & MO_AMASK) == MO_ALIGN) {
            g_string_append(out, "al+");
        }
        if (name && !(mop & ~(MO_SIZE | MO_SIGN | MO_BSWAP | MO_AMASK))) {
            g_string_append_printf(out, "%s,%u", name, get_mmuidx(a));
        } else {
            g_string_append_printf(out, "$0x%x,%u", (unsigned)mop, get_mmuidx(a));
        }
        return;
    }
    case INDEX_op_bswap16_i32:
    case INDEX_op_bswap16_i64:
    case INDEX_op_bswap32_i32:
    case INDEX_op_bswap32_i64:
    case INDEX_op_bswap64_i64:
        if (a < 8 && tcg_bswap_flag_names[a]) {
            g_string_append(out, tcg_bswap_flag_names[a]);
            return;
        }
        break;
    case INDEX_op_br:
    case INDEX_op_set_label:
        g_string_append_printf(out, "$L%u", arg_label(a)->id);
        return;
    default:
        break;
    }
    g_string_append_printf(out, "$0x%" PRIx64, (uint64_t)a);
}

static void tcg_dump_life(GString *out, const TCGOp *op, unsigned nargs_temps)
{
    TCGLifeData life = op->life;

    if (!life) {
        return;
    }
    while (out->len < 48) {
        g_string_append_c(out, ' ');
    }
    if (life & (SYNC_ARG(0) | SYNC_ARG(1))) {
        g_string_append(out, "  sync:");
        for (unsigned i = 0; i < 2; i++) {
            if (NEED_SYNC_ARG(life, i)) {
                g_string_append_printf(out, " %u", i);
            }
        }
    }
    if (life >> 2) {
        g_string_append(out, "  dead:");
        for (unsigned i = 0; i < nargs_temps && i < 30; i++) {
            if (IS_DEAD_ARG(life, i)) {
                g_string_append_printf(out, " %u", i);
            }
        }
    }
}

void tcg_dump_ops(TCGContext *s, FILE *f, bool have_prefs)
{
    g_autoptr(GString) out = g_string_new(NULL);

    for (const TCGOp *op = s->first_op; op; op = op->next) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        unsigned nout, nin;

        g_string_truncate(out, 0);
        if (op->opc == INDEX_op_insn_start) {
            g_string_append(out, " ----");
            for (unsigned i = 0; i < TCG_INSN_START_WORDS; i++) {
                g_string_append_printf(out, " %016" PRIx64, (uint64_t)op->args[i]);
            }
            fprintf(f, "%s\n", out->str);
            continue;
        }
        if (op->opc == INDEX_op_call) {
            nout = TCGOP_CALLO(op);
            nin = TCGOP_CALLI(op);
            tcg_dump_call(s, out, op);
        } else {
            bool first = true;

            nout = def->nb_oargs;
            nin = def->nb_iargs;
            g_string_append_printf(out, "%s%s", op->opc == INDEX_op_set_label ? "" : " ",
                                   def->name);
            g_string_append_c(out, ' ');
            for (unsigned i = 0; i < nout + nin; i++) {
                tcg_dump_sep(out, &first);
                tcg_dump_temp(s, out, arg_temp(op->args[i]));
            }
            for (unsigned k = 0; k < def->nb_cargs; k++) {
                tcg_dump_sep(out, &first);
                tcg_dump_carg(out, op, k, op->args[nout + nin + k]);
            }
        }
        tcg_dump_life(out, op, nout + nin);
        if (have_prefs && op->output_pref[0]) {
            g_string_append_printf(out, "  pref=0x%x", op->output_pref[0]);
        }
        fprintf(f, "%s\n", out->str);
    }
}
