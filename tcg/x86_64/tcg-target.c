/*
 * tcg-target.c: the x86-64 code generator (tcg_backend_x86_64): the
 * prologue/epilogue, host feature detection, the per-op register
 * constraints given to tcg/tcg-regalloc.c, and the emission of every
 * opcode of tcg-opc.h. Guest memory ops are in tcg-target-ldst.c, the
 * instruction encoder in tcg-target-emit.c.
 *
 * Host features (BMI1 ANDN, BMI2 SHLX/SHRX/SARX, LZCNT, TZCNT (with BMI1),
 * POPCNT, MOVBE) are read from CPUID once. KEEL_TCG_HOST_FEATURES=none in
 * the environment disables all of them, so that tests can exercise the
 * baseline encodings on any host.
 */
#include "qemu/osdep.h"
#include "tcg-target.h"
#include "tcg/tcg-disas.h"

#include <cpuid.h>

bool x86_have_bmi1, x86_have_bmi2, x86_have_lzcnt, x86_have_popcnt, x86_have_movbe;

/*
 * Frame: 6 pushes + return address = 56 bytes; FRAME_SIZE keeps RSP
 * 16-byte aligned inside TBs (calls need it). Spill slots from RSP.
 */
#define X86_SPILL_SLOTS   128
#define X86_FRAME_SIZE    (X86_SPILL_SLOTS * 8 + 8)

static const TCGReg x86_callee_saved[] = {
    TCG_REG_RBP, TCG_REG_RBX, TCG_REG_R12, TCG_REG_R13, TCG_REG_R14, TCG_REG_R15,
};

const TCGReg tcg_target_reg_order[] = {
    /* Callee-saved first: they survive helper calls and memory ops. */
    TCG_REG_RBX, TCG_REG_RBP, TCG_REG_R12, TCG_REG_R13, TCG_REG_R15,
    TCG_REG_R10, TCG_REG_R9, TCG_REG_R8, TCG_REG_RCX, TCG_REG_RDX,
    TCG_REG_RSI, TCG_REG_RDI, TCG_REG_RAX,
};
const int tcg_target_reg_order_count = ARRAY_SIZE(tcg_target_reg_order);

const TCGReg tcg_target_call_iarg_regs[MAX_CALL_IARGS] = {
    TCG_REG_RDI, TCG_REG_RSI, TCG_REG_RDX, TCG_REG_RCX, TCG_REG_R8, TCG_REG_R9,
};
const TCGReg tcg_target_call_oarg_reg = TCG_REG_RAX;
const TCGRegSet tcg_target_call_clobber_regs =
    TCG_REGSET_BIT(TCG_REG_RAX) | TCG_REGSET_BIT(TCG_REG_RCX) |
    TCG_REGSET_BIT(TCG_REG_RDX) | TCG_REGSET_BIT(TCG_REG_RSI) |
    TCG_REGSET_BIT(TCG_REG_RDI) | TCG_REGSET_BIT(TCG_REG_R8) |
    TCG_REGSET_BIT(TCG_REG_R9) | TCG_REGSET_BIT(TCG_REG_R10) |
    TCG_REGSET_BIT(TCG_REG_R11);

/* Code buffer entry points (rw addresses) and the buffer they belong to. */
static void *x86_prologue_rw;
static void *x86_epilogue_rw;           /* returns RAX */
static void *x86_epilogue_zero_rw;      /* returns 0 */
static unsigned x86_prologue_gen;
static GMutex x86_prologue_lock;
const void *tcg_code_gen_epilogue;

static __thread TranslationBlock *x86_cur_tb;
static __thread bool x86_too_large;

/* ---- host features ---- */

static void x86_detect_features(void)
{
    static gsize done;
    unsigned a, b, c, d;

    if (!g_once_init_enter(&done)) {
        return;
    }
    const char *env = getenv("KEEL_TCG_HOST_FEATURES");
    if (!env || strcmp(env, "none") != 0) {
        if (__get_cpuid(1, &a, &b, &c, &d)) {
            x86_have_popcnt = (c >> 23) & 1;
            x86_have_movbe = (c >> 22) & 1;
        }
        if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
            x86_have_bmi1 = (b >> 3) & 1;
            x86_have_bmi2 = (b >> 8) & 1;
        }
        if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
            x86_have_lzcnt = (c >> 5) & 1;
        }
    }
    g_once_init_leave(&done, 1);
}

/* ---- constraints ---- */

static TCGOpCt x86_op_ct[NB_OPS];

static void ct_set(TCGOpCt *ct, int i, TCGRegSet regs, unsigned cst)
{
    ct->args[i].regs = regs;
    ct->args[i].ct = cst;
    ct->args[i].alias = -1;
}

/* outputs/inputs in order; spec letters: r any reg, e reg or s32 imm, i imm. */
static void ct_def(TCGOpcode opc, const char *spec)
{
    const TCGOpDef *def = &tcg_op_defs[opc];
    TCGOpCt *ct = &x86_op_ct[opc];
    int nb = def->nb_oargs + def->nb_iargs;

    memset(ct, 0, sizeof(*ct));
    for (int i = 0; i < nb; i++) {
        char c = spec[i];
        TCGRegSet all = X86_REGS_ALL;
        switch (c) {
        case 'r':
            ct_set(ct, i, all, 0);
            break;
        case 'e':
            ct_set(ct, i, all, TCG_CT_CONST_S32);
            break;
        case 'c':       /* rcx or any constant (shift counts) */
            ct_set(ct, i, TCG_REGSET_BIT(TCG_REG_RCX), TCG_CT_CONST);
            break;
        case 'a':
            ct_set(ct, i, TCG_REGSET_BIT(TCG_REG_RAX), 0);
            break;
        case 'd':
            ct_set(ct, i, TCG_REGSET_BIT(TCG_REG_RDX), 0);
            break;
        case 'n':       /* not rax/rdx (divisor, multiplier) */
            ct_set(ct, i, all & ~(TCG_REGSET_BIT(TCG_REG_RAX) |
                                  TCG_REGSET_BIT(TCG_REG_RDX)), 0);
            break;
        case 'i':       /* register or any constant */
            ct_set(ct, i, all, TCG_CT_CONST);
            break;
        case 'S':       /* survives a call: memory op operands */
            ct_set(ct, i, X86_REGS_CALLEE, 0);
            break;
        default:
            g_assert_not_reached();
        }
    }
}

static void ct_alias(TCGOpcode opc, int out, int in)
{
    x86_op_ct[opc].args[out].alias = in;
}

static void ct_clobbered(TCGOpcode opc, int arg)
{
    x86_op_ct[opc].args[arg].clobbered = true;
}

#define BOTH(x) INDEX_op_##x##_i32, INDEX_op_##x##_i64

static void x86_init_constraints(void)
{
    static const TCGOpcode two_addr_e[] = { BOTH(sub), BOTH(and), BOTH(or), BOTH(xor),
                                            BOTH(mul) };
    static const TCGOpcode unary_alias[] = { BOTH(not), BOTH(neg), BOTH(bswap16),
                                             BOTH(bswap32), INDEX_op_bswap64_i64 };
    static const TCGOpcode unary[] = {
        BOTH(ext8s), BOTH(ext8u), BOTH(ext16s), BOTH(ext16u), INDEX_op_ext32s_i64,
        INDEX_op_ext32u_i64, INDEX_op_ext_i32_i64, INDEX_op_extu_i32_i64,
        INDEX_op_extrl_i64_i32, INDEX_op_extrh_i64_i32, BOTH(extract), BOTH(sextract),
        BOTH(ld8u), BOTH(ld8s), BOTH(ld16u), BOTH(ld16s), BOTH(ld), INDEX_op_ld32u_i64,
        INDEX_op_ld32s_i64,
    };
    static const TCGOpcode stores[] = { BOTH(st8), BOTH(st16), BOTH(st),
                                        INDEX_op_st32_i64 };
    static const TCGOpcode shifts[] = { BOTH(shl), BOTH(shr), BOTH(sar) };
    static const TCGOpcode rots[] = { BOTH(rotl), BOTH(rotr) };
    static const TCGOpcode divs[] = { BOTH(div), BOTH(divu), BOTH(rem), BOTH(remu) };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(two_addr_e); i++) {
        ct_def(two_addr_e[i], "rre");
        ct_alias(two_addr_e[i], 0, 0);
    }
    for (i = 0; i < ARRAY_SIZE(unary_alias); i++) {
        ct_def(unary_alias[i], "rr");
        ct_alias(unary_alias[i], 0, 0);
    }
    for (i = 0; i < ARRAY_SIZE(unary); i++) {
        ct_def(unary[i], "rr");
    }
    for (i = 0; i < ARRAY_SIZE(stores); i++) {
        ct_def(stores[i], "er");
    }
    for (i = 0; i < ARRAY_SIZE(shifts); i++) {
        if (x86_have_bmi2) {
            ct_def(shifts[i], "rri");
        } else {
            ct_def(shifts[i], "rrc");
            ct_alias(shifts[i], 0, 0);
        }
    }
    for (i = 0; i < ARRAY_SIZE(rots); i++) {
        ct_def(rots[i], "rrc");
        ct_alias(rots[i], 0, 0);
    }
    for (i = 0; i < ARRAY_SIZE(divs); i++) {
        TCGOpcode o = divs[i];
        bool rem = o == INDEX_op_rem_i32 || o == INDEX_op_rem_i64 ||
                   o == INDEX_op_remu_i32 || o == INDEX_op_remu_i64;
        ct_def(o, rem ? "dan" : "aan");
        if (rem) {
            ct_clobbered(o, 1);
            x86_op_ct[o].clobbers = TCG_REGSET_BIT(TCG_REG_RDX);
        } else {
            ct_alias(o, 0, 0);
            x86_op_ct[o].clobbers = TCG_REGSET_BIT(TCG_REG_RDX);
        }
    }
    for (int w = 0; w < 2; w++) {
        TCGOpcode o;
        o = w ? INDEX_op_add_i64 : INDEX_op_add_i32;
        ct_def(o, "rre");
        o = w ? INDEX_op_andc_i64 : INDEX_op_andc_i32;
        ct_def(o, "rrr");
        if (!x86_have_bmi1) {
            ct_alias(o, 0, 0);
        }
        static const TCGOpcode logic2[2][4] = {
            { INDEX_op_orc_i32, INDEX_op_eqv_i32, INDEX_op_nand_i32, INDEX_op_nor_i32 },
            { INDEX_op_orc_i64, INDEX_op_eqv_i64, INDEX_op_nand_i64, INDEX_op_nor_i64 },
        };
        for (int k = 0; k < 4; k++) {
            ct_def(logic2[w][k], "rrr");
            ct_alias(logic2[w][k], 0, 0);
        }
        o = w ? INDEX_op_setcond_i64 : INDEX_op_setcond_i32;
        ct_def(o, "rre");
        o = w ? INDEX_op_negsetcond_i64 : INDEX_op_negsetcond_i32;
        ct_def(o, "rre");
        o = w ? INDEX_op_movcond_i64 : INDEX_op_movcond_i32;
        ct_def(o, "rrerr");
        ct_alias(o, 0, 3);
        o = w ? INDEX_op_brcond_i64 : INDEX_op_brcond_i32;
        ct_def(o, "re");
        o = w ? INDEX_op_deposit_i64 : INDEX_op_deposit_i32;
        ct_def(o, "rrr");
        ct_alias(o, 0, 0);
        o = w ? INDEX_op_add2_i64 : INDEX_op_add2_i32;
        ct_def(o, "rrrree");
        ct_alias(o, 0, 0);
        ct_alias(o, 1, 1);
        o = w ? INDEX_op_sub2_i64 : INDEX_op_sub2_i32;
        ct_def(o, "rrrree");
        ct_alias(o, 0, 0);
        ct_alias(o, 1, 1);
        o = w ? INDEX_op_mulu2_i64 : INDEX_op_mulu2_i32;
        ct_def(o, "adan");
        ct_alias(o, 0, 0);
        x86_op_ct[o].clobbers = TCG_REGSET_BIT(TCG_REG_RDX);
        o = w ? INDEX_op_muls2_i64 : INDEX_op_muls2_i32;
        ct_def(o, "adan");
        ct_alias(o, 0, 0);
        x86_op_ct[o].clobbers = TCG_REGSET_BIT(TCG_REG_RDX);
        o = w ? INDEX_op_muluh_i64 : INDEX_op_muluh_i32;
        ct_def(o, "dan");
        ct_clobbered(o, 1);
        x86_op_ct[o].clobbers = TCG_REGSET_BIT(TCG_REG_RDX);
        o = w ? INDEX_op_mulsh_i64 : INDEX_op_mulsh_i32;
        ct_def(o, "dan");
        ct_clobbered(o, 1);
        x86_op_ct[o].clobbers = TCG_REGSET_BIT(TCG_REG_RDX);
        /* clz/ctz: the result starts as arg2 and is replaced when arg1 != 0. */
        o = w ? INDEX_op_clz_i64 : INDEX_op_clz_i32;
        ct_def(o, "rrr");
        ct_alias(o, 0, 1);
        o = w ? INDEX_op_ctz_i64 : INDEX_op_ctz_i32;
        ct_def(o, "rrr");
        ct_alias(o, 0, 1);
        o = w ? INDEX_op_ctpop_i64 : INDEX_op_ctpop_i32;
        ct_def(o, "rr");
        if (!x86_have_popcnt) {
            /* The bit-twiddling fallback needs a second scratch: rdx. */
            x86_op_ct[o].clobbers = TCG_REGSET_BIT(TCG_REG_RDX);
            x86_op_ct[o].args[0].regs &= ~TCG_REGSET_BIT(TCG_REG_RDX);
        }
        o = w ? INDEX_op_qemu_ld_i64 : INDEX_op_qemu_ld_i32;
        ct_def(o, "rS");
        x86_op_ct[o].clobbers = tcg_target_call_clobber_regs & ~TCG_REGSET_BIT(TCG_TMP0);
        o = w ? INDEX_op_qemu_st_i64 : INDEX_op_qemu_st_i32;
        ct_def(o, "SS");
        x86_op_ct[o].clobbers = tcg_target_call_clobber_regs & ~TCG_REGSET_BIT(TCG_TMP0);
    }
    ct_def(INDEX_op_goto_ptr, "r");
    /* br, mb, exit_tb, goto_tb have no register operands. */
}

const TCGOpCt *tcg_target_op_ct(TCGOpcode opc)
{
    return &x86_op_ct[opc];
}

bool tcg_target_const_match(int64_t val, TCGType type, unsigned ct)
{
    if (ct & TCG_CT_CONST) {
        return true;
    }
    if (type == TCG_TYPE_I32) {
        /* i32 immediates are used with 32-bit instructions. */
        return (ct & (TCG_CT_CONST_S32 | TCG_CT_CONST_U32)) != 0 ||
               ((ct & TCG_CT_CONST_ZERO) && (int32_t)val == 0);
    }
    if ((ct & TCG_CT_CONST_S32) && val == (int32_t)val) {
        return true;
    }
    if ((ct & TCG_CT_CONST_U32) && val == (int64_t)(uint32_t)val) {
        return true;
    }
    return (ct & TCG_CT_CONST_ZERO) && val == 0;
}

/* ---- op emission helpers ---- */

static const uint8_t x86_jcc[16] = {
    [TCG_COND_EQ] = JCC_JE, [TCG_COND_NE] = JCC_JNE,
    [TCG_COND_LT] = JCC_JL, [TCG_COND_GE] = JCC_JGE,
    [TCG_COND_LE] = JCC_JLE, [TCG_COND_GT] = JCC_JG,
    [TCG_COND_LTU] = JCC_JB, [TCG_COND_GEU] = JCC_JAE,
    [TCG_COND_LEU] = JCC_JBE, [TCG_COND_GTU] = JCC_JA,
};

static void x86_out_cmp(TCGContext *s, TCGReg a, TCGArg b, bool bconst, int rexw)
{
    if (bconst) {
        if ((rexw ? (int64_t)b : (int32_t)b) == 0) {
            x86_out_modrm(s, OPC_TESTL + rexw, a, a);
        } else {
            x86_out_arithi(s, ARITH_CMP, a, (int64_t)b, rexw);
        }
    } else {
        x86_out_arith(s, ARITH_CMP, a, (TCGReg)b, rexw);
    }
}

static void x86_out_ext(TCGContext *s, int opc, TCGReg dst, TCGReg src)
{
    x86_out_modrm(s, opc, dst, src);
}

/* dst = src with bits [pos, pos+len) kept at their place, others cleared. */
static void x86_out_deposit(TCGContext *s, TCGReg out, TCGReg val, int pos, int len,
                            int rexw)
{
    int w = rexw ? 64 : 32;

    if (pos == 0 && len == w) {
        tcg_target_mov(s, rexw ? TCG_TYPE_I64 : TCG_TYPE_I32, out, val);
        return;
    }
    if (pos == 0 && len == 8) {
        x86_out_modrm(s, OPC_MOVB_EvGv | P_REXB_RM, val, out);
        return;
    }
    if (pos == 0 && len == 16) {
        x86_out_modrm(s, OPC_MOVL_EvGv | P_DATA16, val, out);
        return;
    }
    /* The field of val, in place, in TMP0. */
    tcg_target_mov(s, TCG_TYPE_I64, TCG_TMP0, val);
    x86_out_shifti(s, SHIFT_SHL, TCG_TMP0, w - len, rexw);
    x86_out_shifti(s, SHIFT_SHR, TCG_TMP0, w - len - pos, rexw);
    /* Clear the field of out by rotating it to the bottom. */
    if (pos) {
        x86_out_shifti(s, SHIFT_ROR, out, pos, rexw);
    }
    x86_out_shifti(s, SHIFT_SHR, out, len, rexw);
    x86_out_shifti(s, SHIFT_SHL, out, len, rexw);
    if (pos) {
        x86_out_shifti(s, SHIFT_ROL, out, pos, rexw);
    }
    x86_out_arith(s, ARITH_OR, out, TCG_TMP0, rexw);
}

static void x86_out_extract(TCGContext *s, TCGReg out, TCGReg in, int pos, int len,
                            bool sign, int rexw)
{
    int w = rexw ? 64 : 32;

    if (pos == 0 && len == 8) {
        x86_out_ext(s, sign ? OPC_MOVSBL + rexw : OPC_MOVZBL, out, in);
        return;
    }
    if (pos == 0 && len == 16) {
        x86_out_ext(s, sign ? OPC_MOVSWL + rexw : OPC_MOVZWL, out, in);
        return;
    }
    if (pos == 0 && len == 32 && rexw) {
        x86_out_ext(s, sign ? OPC_MOVSLQ : OPC_MOVL_GvEv, out, in);
        return;
    }
    tcg_target_mov(s, rexw ? TCG_TYPE_I64 : TCG_TYPE_I32, out, in);
    if (pos + len < w) {
        x86_out_shifti(s, SHIFT_SHL, out, w - pos - len, rexw);
    }
    if (len < w) {
        x86_out_shifti(s, sign ? SHIFT_SAR : SHIFT_SHR, out, w - len, rexw);
    }
}

/*
 * ctpop without POPCNT: the classic SWAR sum, with TMP0 and RDX (a
 * clobber of the op) as scratch.
 */
static void x86_out_ctpop_soft(TCGContext *s, TCGReg out, TCGReg in, int rexw)
{
    static const uint64_t m1 = 0x5555555555555555ull, m2 = 0x3333333333333333ull,
                          m4 = 0x0f0f0f0f0f0f0f0full, h01 = 0x0101010101010101ull;
    TCGType t = rexw ? TCG_TYPE_I64 : TCG_TYPE_I32;
    TCGReg x = out, k = TCG_TMP0, y = TCG_REG_RDX;

    tcg_target_mov(s, t, x, in);
    /* x -= (x >> 1) & m1 */
    tcg_target_mov(s, t, y, x);
    x86_out_shifti(s, SHIFT_SHR, y, 1, rexw);
    x86_out_movi_keepflags(s, t, k, (int64_t)m1);
    x86_out_arith(s, ARITH_AND, y, k, rexw);
    x86_out_arith(s, ARITH_SUB, x, y, rexw);
    /* x = (x & m2) + ((x >> 2) & m2) */
    x86_out_movi_keepflags(s, t, k, (int64_t)m2);
    tcg_target_mov(s, t, y, x);
    x86_out_shifti(s, SHIFT_SHR, y, 2, rexw);
    x86_out_arith(s, ARITH_AND, y, k, rexw);
    x86_out_arith(s, ARITH_AND, x, k, rexw);
    x86_out_arith(s, ARITH_ADD, x, y, rexw);
    /* x = (x + (x >> 4)) & m4 */
    tcg_target_mov(s, t, y, x);
    x86_out_shifti(s, SHIFT_SHR, y, 4, rexw);
    x86_out_arith(s, ARITH_ADD, x, y, rexw);
    x86_out_movi_keepflags(s, t, k, (int64_t)m4);
    x86_out_arith(s, ARITH_AND, x, k, rexw);
    /* x = (x * h01) >> (w - 8) */
    x86_out_movi_keepflags(s, t, k, (int64_t)h01);
    x86_out_modrm(s, OPC_IMUL_GvEv + rexw, x, k);
    x86_out_shifti(s, SHIFT_SHR, x, rexw ? 56 : 24, rexw);
}

/*
 * Division with the host's traps defined away: x / 0 gives 0 and x % 0
 * gives x; x / -1 gives -x (INT_MIN for INT_MIN) and x % -1 gives 0, as
 * TCI does. Guests must not rely on these (tcg-opc.h), but the host must
 * not die of SIGFPE.
 */
static void x86_out_div(TCGContext *s, TCGOpcode opc, TCGReg divisor, int rexw)
{
    bool sign = opc == INDEX_op_div_i32 || opc == INDEX_op_div_i64 ||
                opc == INDEX_op_rem_i32 || opc == INDEX_op_rem_i64;
    bool rem = opc == INDEX_op_rem_i32 || opc == INDEX_op_rem_i64 ||
               opc == INDEX_op_remu_i32 || opc == INDEX_op_remu_i64;
    uint8_t *jz, *jm1 = NULL, *jdone1, *jdone2 = NULL;

    x86_out_modrm(s, OPC_TESTL + rexw, divisor, divisor);
    x86_out8(s, 0x70 + JCC_JE);
    jz = s->code_ptr;
    x86_out8(s, 0);
    if (sign) {
        x86_out_arithi(s, ARITH_CMP, divisor, -1, rexw);
        x86_out8(s, 0x70 + JCC_JE);
        jm1 = s->code_ptr;
        x86_out8(s, 0);
        x86_out_opc(s, 0x99 + rexw, 0, 0, 0);  /* cdq / cqo */
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_IDIV, divisor);
    } else {
        x86_out_arith(s, ARITH_XOR, TCG_REG_RDX, TCG_REG_RDX, 0);
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_DIV, divisor);
    }
    x86_out8(s, 0xeb);
    jdone1 = s->code_ptr;
    x86_out8(s, 0);
    /* divisor == 0 */
    *jz = (uint8_t)((uint8_t *)s->code_ptr - (jz + 1));
    if (rem) {
        tcg_target_mov(s, rexw ? TCG_TYPE_I64 : TCG_TYPE_I32, TCG_REG_RDX, TCG_REG_RAX);
    } else {
        x86_out_arith(s, ARITH_XOR, TCG_REG_RAX, TCG_REG_RAX, 0);
    }
    if (sign) {
        x86_out8(s, 0xeb);
        jdone2 = s->code_ptr;
        x86_out8(s, 0);
        /* divisor == -1: x / -1 = -x (wrapping), x % -1 = 0 */
        *jm1 = (uint8_t)((uint8_t *)s->code_ptr - (jm1 + 1));
        if (rem) {
            x86_out_arith(s, ARITH_XOR, TCG_REG_RDX, TCG_REG_RDX, 0);
        } else {
            x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NEG, TCG_REG_RAX);
        }
        *jdone2 = (uint8_t)((uint8_t *)s->code_ptr - (jdone2 + 1));
    }
    *jdone1 = (uint8_t)((uint8_t *)s->code_ptr - (jdone1 + 1));
}

static void x86_out_goto_tb(TCGContext *s, int n)
{
    TranslationBlock *tb = x86_cur_tb;
    uintptr_t off;

    /* The displacement must be 4-byte aligned for an atomic patch. */
    while (((uintptr_t)s->code_ptr + 1) & 3) {
        x86_out_nop(s);
    }
    x86_out8(s, OPC_JMP_long);
    off = (uintptr_t)((char *)s->code_ptr - (char *)s->code_buf);
    x86_out32(s, 0);
    if (off + 4 >= TB_JMP_OFFSET_INVALID || n < 0 || n > 1) {
        x86_too_large = true;
        return;
    }
    if (tb) {
        tb->jmp_insn_offset[n] = off;
        tb->jmp_reset_offset[n] = off + 4;
        tb->jmp_target_addr[n] = (uintptr_t)tcg_splitwx_to_rx(s->code_ptr);
    }
}

static void x86_out_exit_tb(TCGContext *s, uintptr_t val)
{
    if (val == 0) {
        x86_out_jmp_rw(s, OPC_JMP_long, x86_epilogue_zero_rw);
    } else {
        x86_out_movi_keepflags(s, TCG_TYPE_I64, TCG_REG_RAX, (int64_t)val);
        x86_out_jmp_rw(s, OPC_JMP_long, x86_epilogue_rw);
    }
}

void tcg_target_call(TCGContext *s, const void *func)
{
    const char *rx = tcg_splitwx_to_rx(s->code_ptr);
    intptr_t disp = (const char *)func - (rx + 5);

    if (disp == (int32_t)disp) {
        x86_out8(s, OPC_CALL_Jz);
        x86_out32(s, (uint32_t)disp);
    } else {
        x86_out_movi_keepflags(s, TCG_TYPE_I64, TCG_TMP0, (intptr_t)func);
        x86_out_modrm(s, OPC_GRP5, EXT5_CALLN_Ev, TCG_TMP0);
    }
}

static void x86_out_setcond(TCGContext *s, TCGCond cond, TCGReg out, TCGReg a,
                            TCGArg b, bool bconst, int rexw, bool neg)
{
    if (cond == TCG_COND_ALWAYS || cond == TCG_COND_NEVER) {
        int64_t v = cond == TCG_COND_ALWAYS ? (neg ? -1 : 1) : 0;
        x86_out_movi_keepflags(s, rexw ? TCG_TYPE_I64 : TCG_TYPE_I32, out, v);
        return;
    }
    x86_out_cmp(s, a, b, bconst, rexw);
    x86_out_modrm(s, OPC_SETCC + x86_jcc[cond], 0, out);
    x86_out_ext(s, OPC_MOVZBL, out, out);
    if (neg) {
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NEG, out);
    }
}

static void x86_out_shift(TCGContext *s, TCGOpcode opc, TCGReg out, TCGReg in,
                          TCGArg cnt, bool cconst, int rexw)
{
    int subop;
    int vexop;

    switch (opc) {
    case INDEX_op_shl_i32: case INDEX_op_shl_i64:
        subop = SHIFT_SHL, vexop = OPC_SHLX;
        break;
    case INDEX_op_shr_i32: case INDEX_op_shr_i64:
        subop = SHIFT_SHR, vexop = OPC_SHRX;
        break;
    case INDEX_op_sar_i32: case INDEX_op_sar_i64:
        subop = SHIFT_SAR, vexop = OPC_SARX;
        break;
    case INDEX_op_rotl_i32: case INDEX_op_rotl_i64:
        subop = SHIFT_ROL, vexop = 0;
        break;
    default:
        subop = SHIFT_ROR, vexop = 0;
        break;
    }
    if (cconst) {
        tcg_target_mov(s, rexw ? TCG_TYPE_I64 : TCG_TYPE_I32, out, in);
        if (cnt & (rexw ? 63 : 31)) {
            x86_out_shifti(s, subop, out, (int)cnt, rexw);
        }
    } else if (vexop && x86_have_bmi2) {
        x86_out_vex_modrm(s, vexop + rexw, out, (TCGReg)cnt, in);
    } else {
        g_assert(cnt == TCG_REG_RCX && out == in);
        x86_out_modrm(s, OPC_SHIFT_cl + rexw, subop, out);
    }
}

static void x86_out_bitcount(TCGContext *s, TCGOpcode opc, TCGReg out, TCGReg a,
                             int rexw)
{
    bool clz = opc == INDEX_op_clz_i32 || opc == INDEX_op_clz_i64;
    int w = rexw ? 64 : 32;

    /* out holds arg2 already (aliased); replace it when a != 0. */
    if (clz && x86_have_lzcnt) {
        x86_out_modrm(s, OPC_LZCNT + rexw, TCG_TMP0, a);
        x86_out_modrm(s, OPC_CMOVCC + JCC_JAE + rexw, out, TCG_TMP0);
    } else if (!clz && x86_have_bmi1) {
        x86_out_modrm(s, OPC_TZCNT + rexw, TCG_TMP0, a);
        x86_out_modrm(s, OPC_CMOVCC + JCC_JAE + rexw, out, TCG_TMP0);
    } else if (clz) {
        x86_out_modrm(s, OPC_BSR + rexw, TCG_TMP0, a);
        x86_out_arithi(s, ARITH_XOR, TCG_TMP0, w - 1, rexw);
        x86_out_modrm(s, OPC_TESTL + rexw, a, a);
        x86_out_modrm(s, OPC_CMOVCC + JCC_JNE + rexw, out, TCG_TMP0);
    } else {
        x86_out_modrm(s, OPC_BSF + rexw, TCG_TMP0, a);
        x86_out_modrm(s, OPC_CMOVCC + JCC_JNE + rexw, out, TCG_TMP0);
    }
}

static void x86_out_bswap(TCGContext *s, TCGOpcode opc, TCGReg r, unsigned flags,
                          int rexw)
{
    switch (opc) {
    case INDEX_op_bswap16_i32:
    case INDEX_op_bswap16_i64:
        /* rol r16, 8 */
        x86_out_modrm(s, OPC_SHIFT_Ib | P_DATA16, SHIFT_ROL, r);
        x86_out8(s, 8);
        if (flags & TCG_BSWAP_OS) {
            x86_out_ext(s, OPC_MOVSWL + rexw, r, r);
        } else {
            x86_out_ext(s, OPC_MOVZWL, r, r);
        }
        break;
    case INDEX_op_bswap32_i32:
    case INDEX_op_bswap32_i64:
        x86_out_opc(s, OPC_BSWAP + (r & 7), 0, r, 0);
        if (rexw && (flags & TCG_BSWAP_OS)) {
            x86_out_ext(s, OPC_MOVSLQ, r, r);
        }
        break;
    default:
        x86_out_opc(s, (OPC_BSWAP + (r & 7)) | P_REXW, 0, r, 0);
        break;
    }
}

static int x86_ld_opc(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_ld8u_i32: case INDEX_op_ld8u_i64:
        return OPC_MOVZBL;
    case INDEX_op_ld8s_i32:
        return OPC_MOVSBL;
    case INDEX_op_ld8s_i64:
        return OPC_MOVSBL | P_REXW;
    case INDEX_op_ld16u_i32: case INDEX_op_ld16u_i64:
        return OPC_MOVZWL;
    case INDEX_op_ld16s_i32:
        return OPC_MOVSWL;
    case INDEX_op_ld16s_i64:
        return OPC_MOVSWL | P_REXW;
    case INDEX_op_ld_i32: case INDEX_op_ld32u_i64:
        return OPC_MOVL_GvEv;
    case INDEX_op_ld32s_i64:
        return OPC_MOVSLQ;
    default:
        return OPC_MOVL_GvEv | P_REXW;
    }
}

/* Host loads and stores relative to a base register (env, pointers). */
static void x86_out_ldst(TCGContext *s, TCGOpcode opc, const TCGArg *args,
                         const int *const_args, bool load)
{
    TCGReg base = (TCGReg)args[1];
    intptr_t ofs = (intptr_t)args[2];

    if (ofs != (int32_t)ofs) {
        x86_out_movi_keepflags(s, TCG_TYPE_I64, TCG_TMP0, ofs);
        x86_out_arith(s, ARITH_ADD, TCG_TMP0, base, P_REXW);
        base = TCG_TMP0;
        ofs = 0;
    }
    if (load) {
        x86_out_modrm_offset(s, x86_ld_opc(opc), (TCGReg)args[0], base, ofs);
        return;
    }
    int size;
    switch (opc) {
    case INDEX_op_st8_i32: case INDEX_op_st8_i64:
        size = 1;
        break;
    case INDEX_op_st16_i32: case INDEX_op_st16_i64:
        size = 2;
        break;
    case INDEX_op_st_i64:
        size = 8;
        break;
    default:
        size = 4;
        break;
    }
    if (const_args[0]) {
        int64_t v = (int64_t)args[0];
        switch (size) {
        case 1:
            x86_out_modrm_offset(s, OPC_MOVB_EvIb, 0, base, ofs);
            x86_out8(s, (uint8_t)v);
            break;
        case 2:
            x86_out_modrm_offset(s, OPC_MOVL_EvIz | P_DATA16, 0, base, ofs);
            x86_out16(s, (uint16_t)v);
            break;
        default:
            x86_out_modrm_offset(s, OPC_MOVL_EvIz | (size == 8 ? P_REXW : 0), 0,
                                 base, ofs);
            x86_out32(s, (uint32_t)v);
            break;
        }
        return;
    }
    TCGReg val = (TCGReg)args[0];
    switch (size) {
    case 1:
        x86_out_modrm_offset(s, OPC_MOVB_EvGv, val, base, ofs);
        break;
    case 2:
        x86_out_modrm_offset(s, OPC_MOVL_EvGv | P_DATA16, val, base, ofs);
        break;
    default:
        x86_out_modrm_offset(s, OPC_MOVL_EvGv | (size == 8 ? P_REXW : 0), val, base, ofs);
        break;
    }
}

#define OP_32_64(x) case INDEX_op_##x##_i32: case INDEX_op_##x##_i64

void tcg_target_op(TCGContext *s, const TCGOp *op, const TCGArg *args,
                   const int *const_args)
{
    TCGOpcode opc = op->opc;
    int rexw = (tcg_op_defs[opc].flags & TCG_OPF_64BIT) ? P_REXW : 0;
    TCGType type = rexw ? TCG_TYPE_I64 : TCG_TYPE_I32;
    TCGReg a0 = (TCGReg)args[0], a1 = (TCGReg)args[1], a2 = (TCGReg)args[2];

    switch (opc) {
    case INDEX_op_br:
        x86_out_jmp_label(s, arg_label(args[0]));
        break;
    case INDEX_op_mb:
        if (args[0] & TCG_MO_ST_LD) {
            x86_out8(s, 0x0f);
            x86_out8(s, 0xae);
            x86_out8(s, 0xf0);
        }
        break;
    case INDEX_op_exit_tb:
        x86_out_exit_tb(s, args[0]);
        break;
    case INDEX_op_goto_tb:
        x86_out_goto_tb(s, (int)args[0]);
        break;
    case INDEX_op_goto_ptr:
        x86_out_modrm(s, OPC_GRP5, EXT5_JMPN_Ev, a0);
        break;

    OP_32_64(ld8u): OP_32_64(ld8s): OP_32_64(ld16u): OP_32_64(ld16s):
    OP_32_64(ld): case INDEX_op_ld32u_i64: case INDEX_op_ld32s_i64:
        x86_out_ldst(s, opc, args, const_args, true);
        break;
    OP_32_64(st8): OP_32_64(st16): OP_32_64(st): case INDEX_op_st32_i64:
        x86_out_ldst(s, opc, args, const_args, false);
        break;

    OP_32_64(add):
        if (const_args[2]) {
            if (a0 == a1) {
                if ((rexw ? (int64_t)args[2] : (int32_t)args[2]) != 0) {
                    x86_out_arithi(s, ARITH_ADD, a0, (int64_t)args[2], rexw);
                }
            } else {
                x86_out_modrm_offset(s, OPC_LEA + rexw, a0, a1,
                                     rexw ? (int64_t)args[2] : (int32_t)args[2]);
            }
        } else if (a0 == a1) {
            x86_out_arith(s, ARITH_ADD, a0, a2, rexw);
        } else if (a0 == a2) {
            x86_out_arith(s, ARITH_ADD, a0, a1, rexw);
        } else {
            x86_out_modrm_sib_offset(s, OPC_LEA + rexw, a0, a1, a2, 0, 0);
        }
        break;
    OP_32_64(sub): OP_32_64(and): OP_32_64(or): OP_32_64(xor): {
        int subop;
        switch (opc) {
        OP_32_64(sub):
            subop = ARITH_SUB;
            break;
        OP_32_64(and):
            subop = ARITH_AND;
            break;
        OP_32_64(or):
            subop = ARITH_OR;
            break;
        default:
            subop = ARITH_XOR;
            break;
        }
        if (const_args[2]) {
            x86_out_arithi(s, subop, a0, (int64_t)args[2], rexw);
        } else {
            x86_out_arith(s, subop, a0, a2, rexw);
        }
        break;
    }
    OP_32_64(mul):
        if (const_args[2]) {
            int64_t v = rexw ? (int64_t)args[2] : (int32_t)args[2];
            if (v == (int8_t)v) {
                x86_out_modrm(s, OPC_IMUL_GvEvIb + rexw, a0, a0);
                x86_out8(s, (uint8_t)v);
            } else {
                x86_out_modrm(s, OPC_IMUL_GvEvIz + rexw, a0, a0);
                x86_out32(s, (uint32_t)v);
            }
        } else {
            x86_out_modrm(s, OPC_IMUL_GvEv + rexw, a0, a2);
        }
        break;
    OP_32_64(div): OP_32_64(divu): OP_32_64(rem): OP_32_64(remu):
        x86_out_div(s, opc, a2, rexw);
        break;
    OP_32_64(andc):
        if (x86_have_bmi1) {
            /* andn dst, src1, src2 = ~src1 & src2 */
            x86_out_vex_modrm(s, OPC_ANDN + rexw, a0, a2, a1);
        } else {
            tcg_target_mov(s, type, TCG_TMP0, a2);
            x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NOT, TCG_TMP0);
            x86_out_arith(s, ARITH_AND, a0, TCG_TMP0, rexw);
        }
        break;
    OP_32_64(orc):
        tcg_target_mov(s, type, TCG_TMP0, a2);
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NOT, TCG_TMP0);
        x86_out_arith(s, ARITH_OR, a0, TCG_TMP0, rexw);
        break;
    OP_32_64(eqv):
        x86_out_arith(s, ARITH_XOR, a0, a2, rexw);
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NOT, a0);
        break;
    OP_32_64(nand):
        x86_out_arith(s, ARITH_AND, a0, a2, rexw);
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NOT, a0);
        break;
    OP_32_64(nor):
        x86_out_arith(s, ARITH_OR, a0, a2, rexw);
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NOT, a0);
        break;
    OP_32_64(shl): OP_32_64(shr): OP_32_64(sar): OP_32_64(rotl): OP_32_64(rotr):
        x86_out_shift(s, opc, a0, a1, args[2], const_args[2], rexw);
        break;
    OP_32_64(deposit):
        x86_out_deposit(s, a0, a2, (int)args[3], (int)args[4], rexw);
        break;
    OP_32_64(extract):
        x86_out_extract(s, a0, a1, (int)args[2], (int)args[3], false, rexw);
        break;
    OP_32_64(sextract):
        x86_out_extract(s, a0, a1, (int)args[2], (int)args[3], true, rexw);
        break;
    OP_32_64(brcond): {
        TCGCond cond = (TCGCond)args[2];
        TCGLabel *l = arg_label(args[3]);
        if (cond == TCG_COND_ALWAYS) {
            x86_out_jmp_label(s, l);
        } else if (cond != TCG_COND_NEVER) {
            x86_out_cmp(s, a0, args[1], const_args[1], rexw);
            x86_out_jcc_label(s, x86_jcc[cond], l);
        }
        break;
    }
    OP_32_64(setcond):
        x86_out_setcond(s, (TCGCond)args[3], a0, a1, args[2], const_args[2], rexw,
                        false);
        break;
    OP_32_64(negsetcond):
        x86_out_setcond(s, (TCGCond)args[3], a0, a1, args[2], const_args[2], rexw,
                        true);
        break;
    OP_32_64(movcond): {
        TCGCond cond = (TCGCond)args[5];
        if (cond == TCG_COND_ALWAYS) {
            tcg_target_mov(s, type, a0, (TCGReg)args[3]);
        } else if (cond != TCG_COND_NEVER) {
            x86_out_cmp(s, a1, args[2], const_args[2], rexw);
            x86_out_modrm(s, OPC_CMOVCC + x86_jcc[cond] + rexw, a0, (TCGReg)args[3]);
        }
        break;
    }
    OP_32_64(add2): OP_32_64(sub2): {
        bool add = opc == INDEX_op_add2_i32 || opc == INDEX_op_add2_i64;
        int lo = add ? ARITH_ADD : ARITH_SUB, hi = add ? ARITH_ADC : ARITH_SBB;
        if (const_args[4]) {
            x86_out_arithi(s, lo, a0, (int64_t)args[4], rexw);
        } else {
            x86_out_arith(s, lo, a0, (TCGReg)args[4], rexw);
        }
        if (const_args[5]) {
            x86_out_arithi(s, hi, a1, (int64_t)args[5], rexw);
        } else {
            x86_out_arith(s, hi, a1, (TCGReg)args[5], rexw);
        }
        break;
    }
    OP_32_64(mulu2):
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_MUL, (TCGReg)args[3]);
        break;
    OP_32_64(muls2):
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_IMUL, (TCGReg)args[3]);
        break;
    OP_32_64(muluh):
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_MUL, a2);
        break;
    OP_32_64(mulsh):
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_IMUL, a2);
        break;
    OP_32_64(ext8s):
        x86_out_ext(s, OPC_MOVSBL + rexw, a0, a1);
        break;
    OP_32_64(ext8u):
        x86_out_ext(s, OPC_MOVZBL, a0, a1);
        break;
    OP_32_64(ext16s):
        x86_out_ext(s, OPC_MOVSWL + rexw, a0, a1);
        break;
    OP_32_64(ext16u):
        x86_out_ext(s, OPC_MOVZWL, a0, a1);
        break;
    case INDEX_op_ext32s_i64:
    case INDEX_op_ext_i32_i64:
        x86_out_ext(s, OPC_MOVSLQ, a0, a1);
        break;
    case INDEX_op_extu_i32_i64:
        /* i32 values are kept zero-extended (tcg-regalloc.c). */
        tcg_target_mov(s, TCG_TYPE_I32, a0, a1);
        break;
    case INDEX_op_ext32u_i64:
    case INDEX_op_extrl_i64_i32:
        tcg_target_zext_i32(s, a0, a1);
        break;
    case INDEX_op_extrh_i64_i32:
        tcg_target_mov(s, TCG_TYPE_I64, a0, a1);
        x86_out_shifti(s, SHIFT_SHR, a0, 32, P_REXW);
        break;
    OP_32_64(bswap16): OP_32_64(bswap32): case INDEX_op_bswap64_i64:
        x86_out_bswap(s, opc, a0, (unsigned)args[2], rexw);
        break;
    OP_32_64(not):
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NOT, a0);
        break;
    OP_32_64(neg):
        x86_out_modrm(s, OPC_GRP3_Ev + rexw, EXT3_NEG, a0);
        break;
    OP_32_64(clz): OP_32_64(ctz):
        x86_out_bitcount(s, opc, a0, a1, rexw);
        break;
    OP_32_64(ctpop):
        if (x86_have_popcnt) {
            x86_out_modrm(s, OPC_POPCNT + rexw, a0, a1);
        } else {
            x86_out_ctpop_soft(s, a0, a1, rexw);
        }
        break;
    case INDEX_op_qemu_ld_i32:
    case INDEX_op_qemu_ld_i64:
        x86_out_qemu_ld(s, type, a0, a1, (MemOpIdx)args[2]);
        break;
    case INDEX_op_qemu_st_i32:
    case INDEX_op_qemu_st_i64:
        x86_out_qemu_st(s, type, a0, a1, (MemOpIdx)args[2]);
        break;
    default:
        g_assert_not_reached();
    }
}

/* ---- the backend ---- */

static void x86_emit_prologue(TCGContext *s)
{
    size_t i;

    x86_prologue_rw = s->code_ptr;
    for (i = 0; i < ARRAY_SIZE(x86_callee_saved); i++) {
        x86_out_push(s, x86_callee_saved[i]);
    }
    /* env (1st argument) into its register; the frame; jump to the TB. */
    tcg_target_mov(s, TCG_TYPE_I64, TCG_AREG0, TCG_REG_RDI);
    x86_out_arithi(s, ARITH_SUB, TCG_REG_RSP, X86_FRAME_SIZE, P_REXW);
    x86_out_modrm(s, OPC_GRP5, EXT5_JMPN_Ev, TCG_REG_RSI);

    /* goto_ptr's "no TB" and exit_tb 0 land here: return 0. */
    x86_epilogue_zero_rw = s->code_ptr;
    x86_out_arith(s, ARITH_XOR, TCG_REG_RAX, TCG_REG_RAX, 0);
    x86_epilogue_rw = s->code_ptr;
    x86_out_arithi(s, ARITH_ADD, TCG_REG_RSP, X86_FRAME_SIZE, P_REXW);
    for (i = ARRAY_SIZE(x86_callee_saved); i-- > 0;) {
        x86_out_pop(s, x86_callee_saved[i]);
    }
    x86_out8(s, 0xc3);
}

/* Emit the prologue into the current buffer unless it has one already. */
static void x86_prologue_update(void)
{
    static TCGContext pctx;     /* only code_buf/code_ptr are used */

    g_mutex_lock(&x86_prologue_lock);
    if (!x86_prologue_rw || x86_prologue_gen != tcg_region_generation()) {
        if (tcg_region_alloc(&pctx)) {
            x86_emit_prologue(&pctx);
            tcg_region_commit(&pctx, (char *)pctx.code_ptr - (char *)pctx.code_buf);
            x86_prologue_gen = tcg_region_generation();
            tcg_code_gen_epilogue = tcg_splitwx_to_rx(x86_epilogue_zero_rw);
        }
    }
    g_mutex_unlock(&x86_prologue_lock);
}

static void x86_init(TCGContext *s)
{
    static gsize ct_done;

    x86_detect_features();
    if (g_once_init_enter(&ct_done)) {
        x86_init_constraints();
        g_once_init_leave(&ct_done, 1);
    }

    s->env->reg = TCG_AREG0;
    s->env->val_type = TEMP_VAL_REG;
    s->reserved_regs = TCG_REGSET_BIT(TCG_REG_RSP) | TCG_REGSET_BIT(TCG_AREG0) |
                       TCG_REGSET_BIT(TCG_TMP0) | ~(TCGRegSet)X86_REGS_ALL;
    s->frame_reg = TCG_REG_RSP;
    s->frame_start = 0;
    s->frame_end = X86_SPILL_SLOTS * 8;

    /* One prologue per code buffer, shared by every context. */
    if (!tcg_region_ready()) {
        tcg_region_init(0, NULL);
    }
    x86_prologue_update();
    tcg_region_set_prologue_hook(x86_prologue_update);
}

static int x86_gen_code(TCGContext *s, TranslationBlock *tb)
{
    int ret;

    x86_cur_tb = tb;
    x86_too_large = false;
    if (tb) {
        for (int n = 0; n < 2; n++) {
            tb->jmp_insn_offset[n] = TB_JMP_OFFSET_INVALID;
            tb->jmp_reset_offset[n] = TB_JMP_OFFSET_INVALID;
            tb->jmp_target_addr[n] = 0;
        }
    }
    x86_ldst_reset(s);
    s->code_ptr = s->code_buf;

    ret = tcg_regalloc_gen(s);
    if (ret < 0) {
        return ret;
    }
    tcg_record_insn_end(s, (uint32_t)((char *)s->code_ptr - (char *)s->code_buf));
    if (!x86_ldst_finish(s)) {
        return -1;
    }
    if (x86_too_large) {
        return -2;
    }
    return (int)((char *)s->code_ptr - (char *)s->code_buf);
}

static uintptr_t x86_exec(void *env, const void *tb_ptr)
{
    uintptr_t (*prologue)(void *, const void *) =
        (uintptr_t (*)(void *, const void *))tcg_splitwx_to_rx(x86_prologue_rw);

    return prologue(env, tb_ptr);
}

static void x86_set_jmp_target(const TranslationBlock *tb, int n, uintptr_t addr)
{
    const char *disp_rx = (const char *)tb->tc.ptr + tb->jmp_insn_offset[n];
    int32_t disp = (int32_t)((intptr_t)addr - (intptr_t)(disp_rx + 4));
    int32_t *p = tcg_splitwx_to_rw(disp_rx);

    /* Aligned 4-byte store: a running vCPU sees the old or new jump. */
    __atomic_store_n(p, disp, __ATOMIC_RELEASE);
    ((TranslationBlock *)tb)->jmp_target_addr[n] = addr;
}

const TCGBackend tcg_backend_x86_64 = {
    .name = "x86_64",
    .init = x86_init,
    .gen_code = x86_gen_code,
    .exec = x86_exec,
    .set_jmp_target = x86_set_jmp_target,
    .disas = tcg_disas_host,
};
