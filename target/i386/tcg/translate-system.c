/*
 * translate-system.c: the system half of the x86 translator, one-byte map:
 * the dispatcher disas_insn_sysinsn() and the instructions that touch
 * privilege, segments and interrupts: segment register moves, pushes and
 * pops, far pointers, far CALL/JMP/RET, INT/INTO/INT1/IRET, HLT, CLI/STI,
 * PUSHF/POPF, ENTER/LEAVE. Descriptor checks and mode switches run in
 * SYSARCH's helpers (seg_helper.c); this file decides what is legal at
 * translation time (CPL, IOPL and the mode are in the TB key) and where
 * the TB must end because that key may change. helper_clflush, the one
 * runtime helper of the system half, lives here too.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/translate-sysinsn.h"

/* ---- runtime support ---- */

/*
 * CLFLUSH faults as a byte load would (SDM), but must not read: an MMIO
 * read could have side effects. A TLB fill without probe raises the #PF
 * (CR2 = addr) or #GP a load would get and maps the page otherwise.
 */
void helper_clflush(CPUX86State *env, uint64_t addr)
{
    x86_cpu_tlb_fill(env_cpustate(env), addr, 1, MMU_DATA_LOAD, x86_mmu_index(env), false,
                     GETPC());
}

/* ---- shared checks ---- */

void sysinsn_sync(DisasContext *s)
{
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
}

bool sysinsn_check_cpl0(DisasContext *s)
{
    if (s->cpl != 0) {
        gen_exception_gpf(s);
        return false;
    }
    return true;
}

bool sysinsn_check_iopl(DisasContext *s)
{
    if (s->cpl > s->iopl) {
        gen_exception_gpf(s);
        return false;
    }
    return true;
}

bool sysinsn_check_vm86_iopl(DisasContext *s)
{
    if (s->vm86 && s->iopl != 3) {
        gen_exception_gpf(s);
        return false;
    }
    return true;
}

bool sysinsn_check_umip(DisasContext *s)
{
    if ((s->flags & HF_UMIP_MASK) && s->cpl > 0) {
        gen_exception_gpf(s);
        return false;
    }
    return true;
}

/* ---- segment registers ---- */

void sysinsn_get_seg_T0(DisasContext *s, int seg_reg)
{
    tcg_gen_ld32u_i64(s->T0, tcg_env, offsetof(CPUX86State, segs[seg_reg].selector));
}

/* Real mode and vm86: the selector is the paragraph of the base. */
static void sysinsn_load_seg_real(DisasContext *s, int seg_reg, TCGv sel)
{
    tcg_gen_ext16u_i64(sel, sel);
    tcg_gen_st32_i64(sel, tcg_env, offsetof(CPUX86State, segs[seg_reg].selector));
    tcg_gen_shli_i64(cpu_seg_base[seg_reg], sel, 4);
}

void sysinsn_load_seg_T0(DisasContext *s, int seg_reg)
{
    if (s->pe && !s->vm86) {
        sysinsn_sync(s);
        tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
        tcg_gen_ext16u_i32(s->tmp2_i32, s->tmp2_i32);
        gen_helper_load_seg(tcg_env, tcg_constant_i32(seg_reg), s->tmp2_i32);
        if (seg_reg == R_SS) {
            /* SS.B may change, and the next insn runs in its shadow. */
            s->base.is_jmp = DISAS_EOB_INHIBIT_IRQ;
        } else if (s->code32 && seg_reg < R_FS) {
            /* A non-zero DS/ES/SS base turns addseg on. */
            s->base.is_jmp = DISAS_EOB_NEXT;
        }
    } else {
        sysinsn_load_seg_real(s, seg_reg, s->T0);
        if (seg_reg == R_SS) {
            s->base.is_jmp = DISAS_EOB_INHIBIT_IRQ;
        }
    }
}

/* 06 0E 16 1E, 0F A0 0F A8: PUSH sreg. */
void sysinsn_push_seg(DisasContext *s, int seg_reg)
{
    sysinsn_get_seg_T0(s, seg_reg);
    gen_push_v(s, s->T0);
}

/* 07 17 1F, 0F A1 0F A9: POP sreg (the load may fault before ESP moves). */
void sysinsn_pop_seg(DisasContext *s, int seg_reg)
{
    MemOp ot = gen_pop_T0(s);

    sysinsn_load_seg_T0(s, seg_reg);
    gen_pop_update(s, ot);
}

void sysinsn_load_far_pointer(DisasContext *s, int seg_reg)
{
    CPUX86State *env = s->env;
    int modrm = x86_ldub_code(env, s);
    int reg = ((modrm >> 3) & 7) | s->rex_r;
    /*
     * REX.W selects m16:64 as the SDM says (QEMU 7.2 reads m16:32, as
     * AMD CPUs do).
     */
    MemOp ot = s->dflag;

    if (((modrm >> 6) & 3) == 3) {
        gen_illegal_opcode(s);
        return;
    }
    gen_lea_modrm(env, s, modrm);
    gen_op_ld_v(s, ot, s->T1, s->A0);
    tcg_gen_addi_i64(s->A0, s->A0, 1 << ot);
    if (!s->code64) {
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
    gen_op_ld_v(s, MO_16, s->T0, s->A0);
    /* The segment first: if it faults, the register is unchanged. */
    sysinsn_load_seg_T0(s, seg_reg);
    gen_op_mov_reg_v(s, ot, reg, s->T1);
}

/* 8C: MOV r/m, sreg. */
static void sysinsn_mov_from_seg(DisasContext *s)
{
    CPUX86State *env = s->env;
    int modrm = x86_ldub_code(env, s);
    int reg = (modrm >> 3) & 7;

    if (reg > R_GS) {
        gen_illegal_opcode(s);
        return;
    }
    sysinsn_get_seg_T0(s, reg);
    /* A register destination takes the operand size (upper bits zero). */
    gen_ldst_modrm(env, s, modrm, ((modrm >> 6) & 3) == 3 ? s->dflag : MO_16,
                   OR_TMP0, true);
}

/* 8E: MOV sreg, r/m (CS cannot be loaded this way). */
static void sysinsn_mov_to_seg(DisasContext *s)
{
    CPUX86State *env = s->env;
    int modrm = x86_ldub_code(env, s);
    int reg = (modrm >> 3) & 7;

    if (reg > R_GS || reg == R_CS) {
        gen_illegal_opcode(s);
        return;
    }
    gen_ldst_modrm(env, s, modrm, MO_16, OR_TMP0, false);
    sysinsn_load_seg_T0(s, reg);
}

/* ---- far transfers (selector in T0, offset in T1) ---- */

static void sysinsn_lcall(DisasContext *s)
{
    sysinsn_sync(s);
    tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
    tcg_gen_ext16u_i32(s->tmp2_i32, s->tmp2_i32);
    if (s->pe && !s->vm86) {
        gen_helper_lcall_protected(tcg_env, s->tmp2_i32, s->T1,
                                   tcg_constant_i32(s->dflag - 1),
                                   tcg_constant_i64(cur_insn_len(s)));
    } else {
        gen_helper_lcall_real(tcg_env, s->tmp2_i32, s->T1, tcg_constant_i32(s->dflag - 1),
                              tcg_constant_i32(next_insn_eip(s)));
    }
    /* A call gate or task switch may change CPL, CS.D, SS and EFLAGS. */
    set_cc_op(s, CC_OP_DYNAMIC);
    gen_eob(s);
}

static void sysinsn_ljmp(DisasContext *s)
{
    if (s->pe && !s->vm86) {
        sysinsn_sync(s);
        tcg_gen_extrl_i64_i32(s->tmp2_i32, s->T0);
        tcg_gen_ext16u_i32(s->tmp2_i32, s->tmp2_i32);
        gen_helper_ljmp_protected(tcg_env, s->tmp2_i32, s->T1,
                                  tcg_constant_i64(cur_insn_len(s)));
        set_cc_op(s, CC_OP_DYNAMIC);
    } else {
        sysinsn_load_seg_real(s, R_CS, s->T0);
        gen_op_jmp_v(s, s->T1);
    }
    gen_eob(s);
}

/* 9A / EA: far pointer in the instruction (not in 64-bit mode). */
static void sysinsn_far_direct(DisasContext *s, bool call)
{
    CPUX86State *env = s->env;
    uint64_t offset, selector;

    if (s->code64) {
        gen_illegal_opcode(s);
        return;
    }
    offset = insn_get(env, s, s->dflag);
    selector = insn_get(env, s, MO_16);
    tcg_gen_movi_i64(s->T0, selector);
    tcg_gen_movi_i64(s->T1, offset);
    call ? sysinsn_lcall(s) : sysinsn_ljmp(s);
}

/*
 * FF /3 and FF /5: far CALL/JMP through m16:16, m16:32 or (REX.W)
 * m16:64. Other FF forms are the decoder's: leave s->pc at the ModRM.
 */
static bool sysinsn_far_indirect(DisasContext *s)
{
    CPUX86State *env = s->env;
    uint64_t modrm_pc = s->pc;
    int modrm = x86_ldub_code(env, s);
    int op = (modrm >> 3) & 7;
    MemOp ot = s->dflag;

    if (op != 3 && op != 5) {
        s->pc = modrm_pc;
        return false;
    }
    if (gen_check_lock_illegal(s, false)) {
        return true;
    }
    if (((modrm >> 6) & 3) == 3) {
        gen_illegal_opcode(s);
        return true;
    }
    gen_lea_modrm(env, s, modrm);
    gen_op_ld_v(s, ot, s->T1, s->A0);
    tcg_gen_addi_i64(s->A0, s->A0, 1 << ot);
    if (!s->code64) {
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
    gen_op_ld_v(s, MO_16, s->T0, s->A0);
    op == 3 ? sysinsn_lcall(s) : sysinsn_ljmp(s);
    return true;
}

/* CA / CB: far return, popping imm16 more bytes. */
static void sysinsn_lret(DisasContext *s, int pop_bytes)
{
    MemOp ot = s->dflag;

    if (s->pe && !s->vm86) {
        sysinsn_sync(s);
        gen_helper_lret_protected(tcg_env, tcg_constant_i32(ot - 1),
                                  tcg_constant_i32(pop_bytes));
        set_cc_op(s, CC_OP_DYNAMIC);
    } else {
        /* Both loads before any register changes: a fault restarts cleanly. */
        gen_stack_A0(s, 0);
        gen_op_ld_v(s, ot, s->T1, s->A0);
        gen_stack_A0(s, 1 << ot);
        gen_op_ld_v(s, ot, s->T0, s->A0);
        gen_op_jmp_v(s, s->T1);
        sysinsn_load_seg_real(s, R_CS, s->T0);
        gen_op_add_reg_im(s, mo_stacksize(s), R_ESP, pop_bytes + (2 << ot));
    }
    gen_eob(s);
}

/* ---- interrupts ---- */

/* INT n / INT3: a software interrupt returning after this insn. */
static void sysinsn_int(DisasContext *s, int intno)
{
    sysinsn_sync(s);
    gen_helper_raise_interrupt(tcg_env, tcg_constant_i32(intno),
                               tcg_constant_i32(cur_insn_len(s)));
    s->base.is_jmp = DISAS_NORETURN;
}

/* CF: IRET/IRETD/IRETQ. */
static void sysinsn_iret(DisasContext *s)
{
    if (!s->pe || s->vm86) {
        if (!sysinsn_check_vm86_iopl(s)) {
            return;
        }
        sysinsn_sync(s);
        gen_helper_iret_real(tcg_env, tcg_constant_i32(s->dflag - 1));
    } else {
        sysinsn_sync(s);
        gen_helper_iret_protected(tcg_env, tcg_constant_i32(s->dflag - 1),
                                  tcg_constant_i32(next_insn_eip(s)));
    }
    /* EFLAGS came from the stack (cpu_load_eflags left cc_op in env). */
    set_cc_op(s, CC_OP_DYNAMIC);
    gen_eob(s);
}

/* ---- flags ---- */

static void sysinsn_eflags_update(DisasContext *s, uint64_t clear, uint64_t set)
{
    TCGv t = tcg_temp_new();

    tcg_gen_ld_i64(t, tcg_env, offsetof(CPUX86State, eflags));
    if (clear) {
        tcg_gen_andi_i64(t, t, ~clear);
    }
    if (set) {
        tcg_gen_ori_i64(t, t, set);
    }
    tcg_gen_st_i64(t, tcg_env, offsetof(CPUX86State, eflags));
    tcg_temp_free(t);
}

/* 9C: PUSHF (VM and RF read as zero in the image). */
static void sysinsn_pushf(DisasContext *s)
{
    if (!sysinsn_check_vm86_iopl(s)) {
        return;
    }
    gen_update_cc_op(s);
    gen_helper_read_eflags(s->T0, tcg_env);
    tcg_gen_andi_i64(s->T0, s->T0, ~(int64_t)(VM_MASK | RF_MASK));
    gen_push_v(s, s->T0);
}

/*
 * 9D: POPF. Which bits may change (SDM, POPF): IOPL only at CPL 0, IF
 * only at CPL <= IOPL; VM, VIP and VIF never; RF is cleared. The 16-bit
 * form leaves bits 16-31 alone.
 */
static void sysinsn_popf(DisasContext *s)
{
    uint32_t mask = TF_MASK | AC_MASK | ID_MASK | NT_MASK;
    MemOp ot;

    if (!sysinsn_check_vm86_iopl(s)) {
        return;
    }
    ot = gen_pop_T0(s);
    if (s->cpl == 0) {
        mask |= IF_MASK | IOPL_MASK;
    } else if (s->cpl <= s->iopl) {
        mask |= IF_MASK;
    }
    if (s->dflag == MO_16) {
        mask &= 0xffff;
    }
    gen_helper_write_eflags(tcg_env, s->T0, tcg_constant_i32(mask));
    gen_pop_update(s, ot);
    set_cc_op(s, CC_OP_EFLAGS);
    /* TF, AC, IOPL and IF are in the TB key or decide interrupts. */
    s->base.is_jmp = DISAS_EOB_NEXT;
}

/* ---- ENTER / LEAVE ---- */

/*
 * C8: ENTER imm16, imm8 (SDM, ENTER): push BP, copy level - 1 frame
 * pointers from the old frame, push the new frame pointer, then set BP
 * and allocate size bytes. Every store happens before a register
 * changes, so a stack fault restarts the instruction.
 */
static void sysinsn_enter(DisasContext *s, int size, int level)
{
    MemOp d_ot = mo_pushpop(s, s->dflag);
    MemOp a_ot = mo_stacksize(s);
    int width = 1 << d_ot;
    TCGv frame = s->T1;

    level &= 31;
    tcg_gen_subi_i64(frame, cpu_regs[R_ESP], width);
    gen_lea_v_seg(s, a_ot, frame, R_SS, -1);
    gen_op_st_v(s, d_ot, cpu_regs[R_EBP], s->A0);
    for (int i = 1; i < level; i++) {
        tcg_gen_subi_i64(s->A0, cpu_regs[R_EBP], width * i);
        gen_lea_v_seg(s, a_ot, s->A0, R_SS, -1);
        gen_op_ld_v(s, d_ot, s->tmp4, s->A0);
        tcg_gen_subi_i64(s->A0, frame, width * i);
        gen_lea_v_seg(s, a_ot, s->A0, R_SS, -1);
        gen_op_st_v(s, d_ot, s->tmp4, s->A0);
    }
    if (level > 0) {
        tcg_gen_subi_i64(s->A0, frame, width * level);
        gen_lea_v_seg(s, a_ot, s->A0, R_SS, -1);
        gen_op_st_v(s, d_ot, frame, s->A0);
    }
    gen_op_mov_reg_v(s, a_ot, R_EBP, frame);
    tcg_gen_subi_i64(frame, frame, (int64_t)size + (int64_t)width * level);
    gen_op_mov_reg_v(s, a_ot, R_ESP, frame);
}

/* C9: LEAVE: SP = BP at the stack size, then pop BP at the operand size. */
static void sysinsn_leave(DisasContext *s)
{
    MemOp d_ot = mo_pushpop(s, s->dflag);
    MemOp a_ot = mo_stacksize(s);

    gen_lea_v_seg(s, a_ot, cpu_regs[R_EBP], R_SS, -1);
    gen_op_ld_v(s, d_ot, s->T0, s->A0);
    tcg_gen_addi_i64(s->T1, cpu_regs[R_EBP], 1 << d_ot);
    gen_op_mov_reg_v(s, d_ot, R_EBP, s->T0);
    gen_op_mov_reg_v(s, a_ot, R_ESP, s->T1);
}

/* ---- the dispatcher ---- */

/* One-byte opcodes of the system half other than string ops and I/O. */
static bool sysinsn_is_mine(int b)
{
    switch (b) {
    case 0x06: case 0x07: case 0x0e: case 0x16: case 0x17: case 0x1e: case 0x1f:
    case 0x8c: case 0x8e: case 0x9a: case 0x9c: case 0x9d:
    case 0xc4: case 0xc5: case 0xc8: case 0xc9: case 0xca: case 0xcb:
    case 0xcc: case 0xcd: case 0xce: case 0xcf:
    case 0xea: case 0xf1: case 0xf4: case 0xfa: case 0xfb:
        return true;
    default:
        return false;
    }
}

bool disas_insn_sysinsn(DisasContext *s, CPUState *cpu, int b)
{
    CPUX86State *env = s->env;
    int val;

    if (b >= 0x200) {
        return false;
    }
    if (b >= 0x100) {
        return sysinsn_disas_0f(s, cpu, b);
    }
    if (b == 0xff) {
        return sysinsn_far_indirect(s);
    }
    if (sysinsn_disas_string(s, cpu, b)) {
        return true;
    }
    if (!sysinsn_is_mine(b)) {
        return false;
    }
    if (gen_check_lock_illegal(s, false)) {
        return true;
    }
    switch (b) {
    case 0x06: case 0x0e: case 0x16: case 0x1e:
        if (s->code64) {
            gen_illegal_opcode(s);
            break;
        }
        sysinsn_push_seg(s, b >> 3);
        break;
    case 0x07: case 0x17: case 0x1f:
        if (s->code64) {
            gen_illegal_opcode(s);
            break;
        }
        sysinsn_pop_seg(s, b >> 3);
        break;
    case 0x8c:
        sysinsn_mov_from_seg(s);
        break;
    case 0x8e:
        sysinsn_mov_to_seg(s);
        break;
    case 0x9a:
        sysinsn_far_direct(s, true);
        break;
    case 0xea:
        sysinsn_far_direct(s, false);
        break;
    case 0x9c:
        sysinsn_pushf(s);
        break;
    case 0x9d:
        sysinsn_popf(s);
        break;
    case 0xc4: /* LES (the decoder took the VEX forms) */
        sysinsn_load_far_pointer(s, R_ES);
        break;
    case 0xc5: /* LDS */
        sysinsn_load_far_pointer(s, R_DS);
        break;
    case 0xc8:
        val = x86_lduw_code(env, s);
        sysinsn_enter(s, val, x86_ldub_code(env, s));
        break;
    case 0xc9:
        sysinsn_leave(s);
        break;
    case 0xca:
        sysinsn_lret(s, x86_lduw_code(env, s));
        break;
    case 0xcb:
        sysinsn_lret(s, 0);
        break;
    case 0xcc:
        sysinsn_int(s, EXCP03_INT3);
        break;
    case 0xcd:
        val = x86_ldub_code(env, s);
        if (sysinsn_check_vm86_iopl(s)) {
            sysinsn_int(s, val);
        }
        break;
    case 0xce:
        if (s->code64) {
            gen_illegal_opcode(s);
            break;
        }
        sysinsn_sync(s);
        gen_helper_into(tcg_env, tcg_constant_i32(cur_insn_len(s)));
        break;
    case 0xcf:
        sysinsn_iret(s);
        break;
    case 0xf1:
        sysinsn_sync(s);
        gen_helper_icebp(tcg_env, tcg_constant_i32(cur_insn_len(s)));
        s->base.is_jmp = DISAS_NORETURN;
        break;
    case 0xf4:
        if (sysinsn_check_cpl0(s)) {
            sysinsn_sync(s);
            gen_helper_hlt(tcg_env, tcg_constant_i32(cur_insn_len(s)));
            s->base.is_jmp = DISAS_NORETURN;
        }
        break;
    case 0xfa: /* CLI (no VME/PVI yet: CPL > IOPL is #GP) */
        if (sysinsn_check_iopl(s)) {
            sysinsn_eflags_update(s, IF_MASK, 0);
        }
        break;
    default: /* 0xfb: STI, the next insn runs in its interrupt shadow */
        if (sysinsn_check_iopl(s)) {
            sysinsn_eflags_update(s, 0, IF_MASK);
            s->base.is_jmp = DISAS_EOB_INHIBIT_IRQ;
        }
        break;
    }
    return true;
}
