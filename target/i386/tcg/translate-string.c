/*
 * translate-string.c: the x86 string instructions (MOVS, CMPS, STOS, LODS,
 * SCAS, INS, OUTS) with their REP/REPE/REPNE forms, and port I/O (IN/OUT)
 * with the I/O permission check. A REP form runs one element per
 * execution and jumps back to itself, so it is interruptible and a fault
 * leaves (E)CX/(E)SI/(E)DI describing the work that remains.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate-sysinsn.h"

/*
 * CPL > IOPL or vm86: the TSS I/O bitmap decides (SYSARCH's helper raises
 * #GP(0)). The port is in s->tmp2_i32. I/O breakpoints (DR7 with CR4.DE)
 * are not reported yet.
 */
static void string_check_io(DisasContext *s, MemOp ot)
{
    if (!s->pe || (s->cpl <= s->iopl && !s->vm86)) {
        return;
    }
    sysinsn_sync(s);
    switch (ot) {
    case MO_8:
        gen_helper_check_iob(tcg_env, s->tmp2_i32);
        break;
    case MO_16:
        gen_helper_check_iow(tcg_env, s->tmp2_i32);
        break;
    default:
        gen_helper_check_iol(tcg_env, s->tmp2_i32);
        break;
    }
}

/* ret = in(port s->tmp2_i32) at size ot. */
static void string_gen_in(DisasContext *s, MemOp ot, TCGv ret)
{
    switch (ot) {
    case MO_8:
        gen_helper_inb(ret, tcg_env, s->tmp2_i32);
        break;
    case MO_16:
        gen_helper_inw(ret, tcg_env, s->tmp2_i32);
        break;
    default:
        gen_helper_inl(ret, tcg_env, s->tmp2_i32);
        break;
    }
}

/* out(port s->tmp2_i32, val) at size ot. */
static void string_gen_out(DisasContext *s, MemOp ot, TCGv val)
{
    tcg_gen_extrl_i64_i32(s->tmp3_i32, val);
    switch (ot) {
    case MO_8:
        gen_helper_outb(tcg_env, s->tmp2_i32, s->tmp3_i32);
        break;
    case MO_16:
        gen_helper_outw(tcg_env, s->tmp2_i32, s->tmp3_i32);
        break;
    default:
        gen_helper_outl(tcg_env, s->tmp2_i32, s->tmp3_i32);
        break;
    }
}

/* Advance index register reg by one element (DF says which way). */
static void string_step(DisasContext *s, MemOp ot, int reg)
{
    gen_op_movl_T0_Dshift(s, ot, s->T0);
    gen_op_add_reg_T0(s, s->aflag, reg);
}

/* The flags of CMPS/SCAS: T0 - T1 at size ot. */
static void string_cmp_flags(DisasContext *s, MemOp ot)
{
    tcg_gen_mov_i64(cpu_cc_src, s->T1);
    tcg_gen_sub_i64(cpu_cc_dst, s->T0, s->T1);
    set_cc_op(s, CC_OP_SUBB + ot);
}

/*
 * One element of each instruction. Registers are written only after the
 * memory accesses, so a fault restarts the element cleanly.
 */
static void string_movs(DisasContext *s, MemOp ot)
{
    gen_string_movl_A0_ESI(s);
    gen_op_ld_v(s, ot, s->T0, s->A0);
    gen_string_movl_A0_EDI(s);
    gen_op_st_v(s, ot, s->T0, s->A0);
    string_step(s, ot, R_ESI);
    string_step(s, ot, R_EDI);
}

static void string_stos(DisasContext *s, MemOp ot)
{
    gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
    gen_string_movl_A0_EDI(s);
    gen_op_st_v(s, ot, s->T0, s->A0);
    string_step(s, ot, R_EDI);
}

static void string_lods(DisasContext *s, MemOp ot)
{
    gen_string_movl_A0_ESI(s);
    gen_op_ld_v(s, ot, s->T0, s->A0);
    gen_op_mov_reg_v(s, ot, R_EAX, s->T0);
    string_step(s, ot, R_ESI);
}

static void string_scas(DisasContext *s, MemOp ot)
{
    gen_string_movl_A0_EDI(s);
    gen_op_ld_v(s, ot, s->T1, s->A0);
    gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
    string_cmp_flags(s, ot);
    string_step(s, ot, R_EDI);
}

static void string_cmps(DisasContext *s, MemOp ot)
{
    gen_string_movl_A0_EDI(s);
    gen_op_ld_v(s, ot, s->T1, s->A0);
    gen_string_movl_A0_ESI(s);
    gen_op_ld_v(s, ot, s->T0, s->A0);
    string_cmp_flags(s, ot);
    string_step(s, ot, R_ESI);
    string_step(s, ot, R_EDI);
}

/* INS: port in s->tmp2_i32 (already checked). */
static void string_ins(DisasContext *s, MemOp ot)
{
    gen_string_movl_A0_EDI(s);
    /*
     * Store a dummy first: a page fault must come before the port is
     * read, or the restarted instruction would read the port twice.
     */
    tcg_gen_movi_i64(s->T0, 0);
    gen_op_st_v(s, ot, s->T0, s->A0);
    string_gen_in(s, ot, s->T0);
    gen_op_st_v(s, ot, s->T0, s->A0);
    string_step(s, ot, R_EDI);
}

static void string_outs(DisasContext *s, MemOp ot)
{
    gen_string_movl_A0_ESI(s);
    gen_op_ld_v(s, ot, s->T0, s->A0);
    string_gen_out(s, ot, s->T0);
    string_step(s, ot, R_ESI);
}

typedef void (*StringFn)(DisasContext *s, MemOp ot);

/*
 * REP prefix: if the count is zero go to the next instruction without
 * touching memory; else do one element, decrement the count, and jump
 * back to this same instruction (the TB entry checks for interrupts),
 * unless the count reached zero or, for REPE/REPNE (stop_jcc >= 0), the
 * ZF condition stop_jcc (a gen_jcc1 code) holds.
 */
static void string_rep(DisasContext *s, MemOp ot, StringFn fn, int stop_jcc)
{
    TCGLabel *done = gen_new_label();

    gen_update_cc_op(s);
    gen_op_jz_ecx(s, done);
    fn(s, ot);
    gen_op_add_reg_im(s, s->aflag, R_ECX, -1);
    if (stop_jcc >= 0) {
        gen_update_cc_op(s);
        gen_jcc1(s, stop_jcc, done);
    }
    gen_op_jz_ecx(s, done);
    gen_jmp_tb(s, cur_insn_eip(s), 0);
    gen_set_label(done);
    gen_jmp_tb(s, next_insn_eip(s), 1);
}

/* Plain or REP form of a string instruction without a ZF condition. */
static void string_run(DisasContext *s, MemOp ot, StringFn fn)
{
    if (s->prefix & (PREFIX_REPZ | PREFIX_REPNZ)) {
        string_rep(s, ot, fn, -1);
    } else {
        fn(s, ot);
    }
}

/* CMPS/SCAS: REPE stops when ZF = 0, REPNE when ZF = 1. */
static void string_run_cond(DisasContext *s, MemOp ot, StringFn fn)
{
    if (s->prefix & PREFIX_REPNZ) {
        string_rep(s, ot, fn, JCC_Z << 1);
    } else if (s->prefix & PREFIX_REPZ) {
        string_rep(s, ot, fn, (JCC_Z << 1) | 1);
    } else {
        fn(s, ot);
    }
}

/* s->tmp2_i32 = DX (the port of INS/OUTS/IN/OUT DX). */
static void string_port_dx(DisasContext *s)
{
    tcg_gen_extrl_i64_i32(s->tmp2_i32, cpu_regs[R_EDX]);
    tcg_gen_ext16u_i32(s->tmp2_i32, s->tmp2_i32);
}

/* IN AL/AX/EAX, port (E4/E5 imm8, EC/ED DX). */
static void string_in(DisasContext *s, MemOp ot)
{
    string_check_io(s, ot);
    string_gen_in(s, ot, s->T1);
    gen_op_mov_reg_v(s, ot, R_EAX, s->T1);
}

/* OUT port, AL/AX/EAX (E6/E7 imm8, EE/EF DX). */
static void string_out(DisasContext *s, MemOp ot)
{
    string_check_io(s, ot);
    gen_op_mov_v_reg(s, ot, s->T0, R_EAX);
    string_gen_out(s, ot, s->T0);
    /*
     * An OUT may raise an interrupt line (PIC unmask or EOI, a timer
     * reprogrammed): leave the TB through a lookup so the next TB's entry
     * check takes it right after this instruction, as hardware would,
     * instead of at the end of a long block. The lookup keeps it cheap.
     */
    s->base.is_jmp = DISAS_JUMP;
    gen_update_eip_next(s);
}

bool sysinsn_disas_string(DisasContext *s, CPUState *cpu, int b)
{
    CPUX86State *env = s->env;
    MemOp ot;

    switch (b) {
    case 0xa4: case 0xa5: case 0xa6: case 0xa7:
    case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae: case 0xaf:
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
    case 0xec: case 0xed: case 0xee: case 0xef:
        break;
    default:
        return false;
    }
    if (gen_check_lock_illegal(s, false)) {
        return true;
    }
    switch (b) {
    case 0xa4: case 0xa5:
        string_run(s, mo_b_d(b, s->dflag), string_movs);
        break;
    case 0xa6: case 0xa7:
        string_run_cond(s, mo_b_d(b, s->dflag), string_cmps);
        break;
    case 0xaa: case 0xab:
        string_run(s, mo_b_d(b, s->dflag), string_stos);
        break;
    case 0xac: case 0xad:
        string_run(s, mo_b_d(b, s->dflag), string_lods);
        break;
    case 0xae: case 0xaf:
        string_run_cond(s, mo_b_d(b, s->dflag), string_scas);
        break;
    case 0x6c: case 0x6d:
        ot = sysinsn_io_size(b, s->dflag);
        string_port_dx(s);
        string_check_io(s, ot);
        string_run(s, ot, string_ins);
        break;
    case 0x6e: case 0x6f:
        ot = sysinsn_io_size(b, s->dflag);
        string_port_dx(s);
        string_check_io(s, ot);
        string_run(s, ot, string_outs);
        break;
    case 0xe4: case 0xe5:
        tcg_gen_movi_i32(s->tmp2_i32, x86_ldub_code(env, s));
        string_in(s, sysinsn_io_size(b, s->dflag));
        break;
    case 0xe6: case 0xe7:
        tcg_gen_movi_i32(s->tmp2_i32, x86_ldub_code(env, s));
        string_out(s, sysinsn_io_size(b, s->dflag));
        break;
    case 0xec: case 0xed:
        string_port_dx(s);
        string_in(s, sysinsn_io_size(b, s->dflag));
        break;
    default: /* 0xee, 0xef */
        string_port_dx(s);
        string_out(s, sysinsn_io_size(b, s->dflag));
        break;
    }
    return true;
}
