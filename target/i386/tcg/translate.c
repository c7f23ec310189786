/*
 * translate.c: the x86 translator core: the TCG globals, the TranslatorOps
 * driving translator_loop, instruction fetch with the 15-byte limit,
 * prefix decoding, ModRM addressing, register/memory/stack moves, EIP
 * updates, exceptions and the ways a TB ends. The instructions themselves
 * are in translate-alu.c and translate-ctl.c (and the system half's
 * translate-string/system/0f.c via disas_insn_sysinsn).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/translate-sse.h"
#include "target/i386/tcg/translate.h"

TCGv cpu_regs[CPU_NB_REGS];
TCGv cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
TCGv_i32 cpu_cc_op;
TCGv cpu_seg_base[6];

void x86_tcg_initialize(void)
{
    static const char reg_names[CPU_NB_REGS][4] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    static const char seg_names[6][8] = {
        "es_base", "cs_base", "ss_base", "ds_base", "fs_base", "gs_base",
    };

    /* Called once per TCG context: the same order gives the same handles. */
    cpu_cc_op = tcg_global_mem_new_i32(tcg_env, offsetof(CPUX86State, cc_op), "cc_op");
    cpu_cc_dst = tcg_global_mem_new(tcg_env, offsetof(CPUX86State, cc_dst), "cc_dst");
    cpu_cc_src = tcg_global_mem_new(tcg_env, offsetof(CPUX86State, cc_src), "cc_src");
    cpu_cc_src2 = tcg_global_mem_new(tcg_env, offsetof(CPUX86State, cc_src2), "cc_src2");
    for (int i = 0; i < CPU_NB_REGS; i++) {
        cpu_regs[i] = tcg_global_mem_new(tcg_env, offsetof(CPUX86State, regs[i]),
                                         reg_names[i]);
    }
    for (int i = 0; i < 6; i++) {
        cpu_seg_base[i] = tcg_global_mem_new(tcg_env,
                                             offsetof(CPUX86State, segs[i].base),
                                             seg_names[i]);
    }
}

/* ---- code fetch ---- */

/* Reserve num bytes of the instruction; too long: leave to #GP(0). */
static uint64_t x86_advance_pc(DisasContext *s, int num)
{
    uint64_t pc = s->pc;

    s->pc += num;
    if (s->pc - s->pc_start > X86_MAX_INSN_LENGTH) {
        siglongjmp(s->jmpbuf, 1);
    }
    return pc;
}

uint8_t x86_ldub_code(CPUX86State *env, DisasContext *s)
{
    return translator_ldub(env, &s->base, x86_advance_pc(s, 1));
}

int8_t x86_ldsb_code(CPUX86State *env, DisasContext *s)
{
    return (int8_t)x86_ldub_code(env, s);
}

uint16_t x86_lduw_code(CPUX86State *env, DisasContext *s)
{
    return translator_lduw(env, &s->base, x86_advance_pc(s, 2));
}

int16_t x86_ldsw_code(CPUX86State *env, DisasContext *s)
{
    return (int16_t)x86_lduw_code(env, s);
}

uint32_t x86_ldl_code(CPUX86State *env, DisasContext *s)
{
    return translator_ldl(env, &s->base, x86_advance_pc(s, 4));
}

uint64_t x86_ldq_code(CPUX86State *env, DisasContext *s)
{
    return translator_ldq(env, &s->base, x86_advance_pc(s, 8));
}

uint64_t insn_get(CPUX86State *env, DisasContext *s, MemOp ot)
{
    switch (ot) {
    case MO_8:
        return x86_ldub_code(env, s);
    case MO_16:
        return x86_lduw_code(env, s);
    case MO_32:
        return x86_ldl_code(env, s);
    default:
        return (int64_t)(int32_t)x86_ldl_code(env, s);
    }
}

int64_t insn_get_signed(CPUX86State *env, DisasContext *s, MemOp ot)
{
    switch (ot) {
    case MO_8:
        return x86_ldsb_code(env, s);
    case MO_16:
        return x86_ldsw_code(env, s);
    default:
        return (int32_t)x86_ldl_code(env, s);
    }
}

/* ---- ModRM addressing ---- */

AddressParts gen_lea_modrm_0(CPUX86State *env, DisasContext *s, int modrm)
{
    AddressParts a = { .def_seg = R_DS, .base = -1, .index = -1, .scale = 0, .disp = 0 };
    int mod = (modrm >> 6) & 3;
    int rm = modrm & 7;

    if (s->aflag != MO_16) {
        bool have_sib = false;

        if (rm == 4) {
            int sib = x86_ldub_code(env, s);

            a.scale = (sib >> 6) & 3;
            a.index = ((sib >> 3) & 7) | s->rex_x;
            if (a.index == 4) {
                a.index = -1;       /* 100 without REX.X: no index */
            }
            a.base = (sib & 7) | s->rex_b;
            have_sib = true;
        } else {
            a.base = rm | s->rex_b;
        }
        switch (mod) {
        case 0:
            if ((a.base & 7) == 5) {
                a.base = -1;
                a.disp = (int32_t)x86_ldl_code(env, s);
                if (s->code64 && !have_sib) {
                    /* RIP-relative: from the end of the whole instruction. */
                    a.base = -2;
                    a.disp += next_insn_eip(s) + s->rip_offset;
                }
            }
            break;
        case 1:
            a.disp = x86_ldsb_code(env, s);
            break;
        default:
            a.disp = (int32_t)x86_ldl_code(env, s);
            break;
        }
        if (a.base == R_ESP || a.base == R_EBP) {
            a.def_seg = R_SS;
        }
        return a;
    }

    /* 16-bit forms: [BX+SI], [BX+DI], [BP+SI], [BP+DI], [SI], [DI], [BP], [BX]. */
    if (mod == 0 && rm == 6) {
        a.disp = x86_lduw_code(env, s);
        return a;
    }
    if (mod == 1) {
        a.disp = x86_ldsb_code(env, s);
    } else if (mod == 2) {
        a.disp = x86_ldsw_code(env, s);
    }
    static const int8_t base16[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX };
    static const int8_t index16[8] = { R_ESI, R_EDI, R_ESI, R_EDI, -1, -1, -1, -1 };
    a.base = base16[rm];
    a.index = index16[rm];
    if (a.base == R_EBP) {
        a.def_seg = R_SS;
    }
    return a;
}

TCGv gen_lea_modrm_1(DisasContext *s, AddressParts a)
{
    TCGv ea = NULL;

    if (a.index >= 0) {
        if (a.scale == 0) {
            ea = cpu_regs[a.index];
        } else {
            tcg_gen_shli_i64(s->A0, cpu_regs[a.index], a.scale);
            ea = s->A0;
        }
        if (a.base >= 0) {
            tcg_gen_add_i64(s->A0, ea, cpu_regs[a.base]);
            ea = s->A0;
        }
    } else if (a.base >= 0) {
        ea = cpu_regs[a.base];
    }
    if (!ea) {
        tcg_gen_movi_i64(s->A0, a.disp);
        ea = s->A0;
    } else if (a.disp != 0) {
        tcg_gen_addi_i64(s->A0, ea, a.disp);
        ea = s->A0;
    }
    return ea;
}

void gen_lea_v_seg(DisasContext *s, MemOp aflag, TCGv a0, int def_seg, int ovr_seg)
{
    switch (aflag) {
    case MO_64:
        if (ovr_seg < 0) {
            tcg_gen_mov_i64(s->A0, a0);
            return;
        }
        break;
    case MO_32:
        if (ovr_seg < 0 && s->addseg) {
            ovr_seg = def_seg;
        }
        if (ovr_seg < 0) {
            tcg_gen_ext32u_i64(s->A0, a0);
            return;
        }
        break;
    default:
        tcg_gen_ext16u_i64(s->A0, a0);
        a0 = s->A0;
        if (ovr_seg < 0) {
            if (!s->addseg) {
                return;
            }
            ovr_seg = def_seg;
        }
        break;
    }
    if (ovr_seg < 0) {
        return;     /* LEA: no segment at all */
    }
    if (s->code64 && ovr_seg != R_FS && ovr_seg != R_GS) {
        /* 64-bit mode: only FS and GS have bases (SDM 3.4.2.1). */
        if (aflag == MO_32) {
            tcg_gen_ext32u_i64(s->A0, a0);
        } else if (aflag == MO_64) {
            tcg_gen_mov_i64(s->A0, a0);
        }
        return;
    }
    if (aflag == MO_64) {
        tcg_gen_add_i64(s->A0, a0, cpu_seg_base[ovr_seg]);
    } else if (s->code64) {
        tcg_gen_ext32u_i64(s->A0, a0);
        tcg_gen_add_i64(s->A0, s->A0, cpu_seg_base[ovr_seg]);
    } else {
        /* Linear addresses wrap at 4 GiB outside long mode. */
        tcg_gen_add_i64(s->A0, a0, cpu_seg_base[ovr_seg]);
        tcg_gen_ext32u_i64(s->A0, s->A0);
    }
}

void gen_lea_modrm(CPUX86State *env, DisasContext *s, int modrm)
{
    AddressParts a = gen_lea_modrm_0(env, s, modrm);
    TCGv ea = gen_lea_modrm_1(s, a);

    gen_lea_v_seg(s, s->aflag, ea, a.def_seg, s->override);
}

void gen_nop_modrm(CPUX86State *env, DisasContext *s, int modrm)
{
    if (((modrm >> 6) & 3) != 3) {
        (void)gen_lea_modrm_0(env, s, modrm);
    }
}

void gen_string_movl_A0_ESI(DisasContext *s)
{
    gen_lea_v_seg(s, s->aflag, cpu_regs[R_ESI], R_DS, s->override);
}

void gen_string_movl_A0_EDI(DisasContext *s)
{
    gen_lea_v_seg(s, s->aflag, cpu_regs[R_EDI], R_ES, -1);
}

/* ---- registers and memory ---- */

void gen_op_ld_v(DisasContext *s, MemOp idx, TCGv t0, TCGv a0)
{
    tcg_gen_qemu_ld_i64(t0, a0, s->mem_index, idx | MO_LE | s->align_check);
}

void gen_op_st_v(DisasContext *s, MemOp idx, TCGv t0, TCGv a0)
{
    tcg_gen_qemu_st_i64(t0, a0, s->mem_index, idx | MO_LE | s->align_check);
}

bool byte_reg_is_xH(DisasContext *s, int reg)
{
    return reg >= 4 && reg < 8 && !(s->prefix & PREFIX_REX);
}

void gen_op_mov_reg_v(DisasContext *s, MemOp ot, int reg, TCGv t0)
{
    switch (ot & MO_SIZE) {
    case MO_8:
        if (byte_reg_is_xH(s, reg)) {
            tcg_gen_deposit_i64(cpu_regs[reg - 4], cpu_regs[reg - 4], t0, 8, 8);
        } else {
            tcg_gen_deposit_i64(cpu_regs[reg], cpu_regs[reg], t0, 0, 8);
        }
        break;
    case MO_16:
        tcg_gen_deposit_i64(cpu_regs[reg], cpu_regs[reg], t0, 0, 16);
        break;
    case MO_32:
        /* 32-bit writes zero the upper half of the 64-bit register. */
        tcg_gen_ext32u_i64(cpu_regs[reg], t0);
        break;
    default:
        tcg_gen_mov_i64(cpu_regs[reg], t0);
        break;
    }
}

void gen_op_mov_v_reg(DisasContext *s, MemOp ot, TCGv t0, int reg)
{
    if ((ot & MO_SIZE) == MO_8 && byte_reg_is_xH(s, reg)) {
        tcg_gen_extract_i64(t0, cpu_regs[reg - 4], 8, 8);
        return;
    }
    gen_ext_tl(t0, cpu_regs[reg], ot & MO_SIZE, false);
}

TCGv gen_ext_tl(TCGv dst, TCGv src, MemOp size, bool sign)
{
    switch (size & MO_SIZE) {
    case MO_8:
        sign ? tcg_gen_ext8s_i64(dst, src) : tcg_gen_ext8u_i64(dst, src);
        break;
    case MO_16:
        sign ? tcg_gen_ext16s_i64(dst, src) : tcg_gen_ext16u_i64(dst, src);
        break;
    case MO_32:
        sign ? tcg_gen_ext32s_i64(dst, src) : tcg_gen_ext32u_i64(dst, src);
        break;
    default:
        tcg_gen_mov_i64(dst, src);
        break;
    }
    return dst;
}

void gen_op_add_reg_im(DisasContext *s, MemOp size, int reg, int32_t val)
{
    tcg_gen_addi_i64(s->tmp0, cpu_regs[reg], val);
    gen_op_mov_reg_v(s, size, reg, s->tmp0);
}

void gen_op_add_reg_T0(DisasContext *s, MemOp size, int reg)
{
    tcg_gen_add_i64(s->tmp0, cpu_regs[reg], s->T0);
    gen_op_mov_reg_v(s, size, reg, s->tmp0);
}

void gen_op_jnz_ecx(DisasContext *s, TCGLabel *l1)
{
    gen_ext_tl(s->tmp0, cpu_regs[R_ECX], s->aflag, false);
    tcg_gen_brcondi_i64(TCG_COND_NE, s->tmp0, 0, l1);
}

void gen_op_jz_ecx(DisasContext *s, TCGLabel *l1)
{
    gen_ext_tl(s->tmp0, cpu_regs[R_ECX], s->aflag, false);
    tcg_gen_brcondi_i64(TCG_COND_EQ, s->tmp0, 0, l1);
}

void gen_op_movl_T0_Dshift(DisasContext *s, MemOp ot, TCGv t0)
{
    tcg_gen_ld_i64(t0, tcg_env, offsetof(CPUX86State, df));
    tcg_gen_shli_i64(t0, t0, ot & MO_SIZE);
}

void gen_ldst_modrm(CPUX86State *env, DisasContext *s, int modrm, MemOp ot,
                    int reg, bool is_store)
{
    int mod = (modrm >> 6) & 3;
    int rm = (modrm & 7) | s->rex_b;

    if (mod == 3) {
        if (is_store) {
            if (reg != OR_TMP0) {
                gen_op_mov_v_reg(s, ot, s->T0, reg);
            }
            gen_op_mov_reg_v(s, ot, rm, s->T0);
        } else {
            gen_op_mov_v_reg(s, ot, s->T0, rm);
            if (reg != OR_TMP0) {
                gen_op_mov_reg_v(s, ot, reg, s->T0);
            }
        }
        return;
    }
    gen_lea_modrm(env, s, modrm);
    if (is_store) {
        if (reg != OR_TMP0) {
            gen_op_mov_v_reg(s, ot, s->T0, reg);
        }
        gen_op_st_v(s, ot, s->T0, s->A0);
    } else {
        gen_op_ld_v(s, ot, s->T0, s->A0);
        if (reg != OR_TMP0) {
            gen_op_mov_reg_v(s, ot, reg, s->T0);
        }
    }
}

/* ---- the stack ---- */

void gen_stack_A0(DisasContext *s, int offset)
{
    TCGv t = cpu_regs[R_ESP];

    if (offset) {
        tcg_gen_addi_i64(s->A0, cpu_regs[R_ESP], offset);
        t = s->A0;
    }
    gen_lea_v_seg(s, mo_stacksize(s), t, R_SS, -1);
}

void gen_push_v(DisasContext *s, TCGv val)
{
    MemOp d_ot = mo_pushpop(s, s->dflag);
    MemOp a_ot = mo_stacksize(s);
    TCGv new_esp = s->A0;

    tcg_gen_subi_i64(s->A0, cpu_regs[R_ESP], 1 << d_ot);
    if (!s->code64) {
        if (s->addseg) {
            new_esp = s->tmp4;
            tcg_gen_mov_i64(new_esp, s->A0);
        }
        gen_lea_v_seg(s, a_ot, s->A0, R_SS, -1);
    }
    /* Store first: a fault must leave ESP unchanged. */
    gen_op_st_v(s, d_ot, val, s->A0);
    gen_op_mov_reg_v(s, a_ot, R_ESP, new_esp);
}

MemOp gen_pop_T0(DisasContext *s)
{
    MemOp d_ot = mo_pushpop(s, s->dflag);

    gen_lea_v_seg(s, mo_stacksize(s), cpu_regs[R_ESP], R_SS, -1);
    gen_op_ld_v(s, d_ot, s->T0, s->A0);
    return d_ot;
}

void gen_pop_update(DisasContext *s, MemOp ot)
{
    gen_op_add_reg_im(s, mo_stacksize(s), R_ESP, 1 << ot);
}

/* ---- EIP ---- */

uint64_t cur_insn_eip(DisasContext *s)
{
    return s->pc_start - s->cs_base;
}

uint64_t next_insn_eip(DisasContext *s)
{
    return s->pc - s->cs_base;
}

void gen_jmp_im(DisasContext *s, uint64_t eip)
{
    tcg_gen_st_i64(tcg_constant_i64(eip), tcg_env, offsetof(CPUX86State, eip));
}

void gen_op_jmp_v(DisasContext *s, TCGv dest)
{
    tcg_gen_st_i64(dest, tcg_env, offsetof(CPUX86State, eip));
}

void gen_update_eip_cur(DisasContext *s)
{
    gen_jmp_im(s, cur_insn_eip(s));
}

void gen_update_eip_next(DisasContext *s)
{
    gen_jmp_im(s, next_insn_eip(s));
}

/* ---- exceptions ---- */

void gen_exception(DisasContext *s, int trapno)
{
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
    gen_helper_raise_exception(tcg_env, tcg_constant_i32(trapno));
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_exception_err(DisasContext *s, int trapno, int error_code)
{
    gen_update_cc_op(s);
    gen_update_eip_cur(s);
    gen_helper_raise_exception_err(tcg_env, tcg_constant_i32(trapno),
                                   tcg_constant_i32(error_code));
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_illegal_opcode(DisasContext *s)
{
    if (qemu_loglevel_mask(LOG_UNIMP)) {
        FILE *f = qemu_log_lock();
        uint64_t end = s->pc > s->pc_start ? s->pc : s->pc_start + 1;

        fprintf(f, "ILLOPC: %08" PRIx64 ":", s->pc_start);
        for (uint64_t pc = s->pc_start; pc < end && pc - s->pc_start < 16; pc++) {
            fprintf(f, " %02x", translator_ldub(s->env, &s->base, pc));
        }
        fprintf(f, "\n");
        qemu_log_unlock(f);
    }
    gen_exception(s, EXCP06_ILLOP);
}

void gen_exception_gpf(DisasContext *s)
{
    gen_exception_err(s, EXCP0D_GPF, 0);
}

bool gen_check_lock_illegal(DisasContext *s, bool allowed)
{
    if ((s->prefix & PREFIX_LOCK) && !allowed) {
        gen_illegal_opcode(s);
        return true;
    }
    return false;
}

/* ---- ending a TB ---- */

/* Clear hflags bits in env (the TB's own flags stay as translated). */
static void gen_reset_hflag(DisasContext *s, uint32_t mask)
{
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUX86State, hflags));
    tcg_gen_andi_i32(t, t, ~mask);
    tcg_gen_st_i32(t, tcg_env, offsetof(CPUX86State, hflags));
    tcg_temp_free_i32(t);
}

static void gen_set_hflag(DisasContext *s, uint32_t mask)
{
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUX86State, hflags));
    tcg_gen_ori_i32(t, t, mask);
    tcg_gen_st_i32(t, tcg_env, offsetof(CPUX86State, hflags));
    tcg_temp_free_i32(t);
}

static void gen_reset_eflags_rf(DisasContext *s)
{
    TCGv t = tcg_temp_new();

    tcg_gen_ld_i64(t, tcg_env, offsetof(CPUX86State, eflags));
    tcg_gen_andi_i64(t, t, ~(int64_t)RF_MASK);
    tcg_gen_st_i64(t, tcg_env, offsetof(CPUX86State, eflags));
    tcg_temp_free(t);
}

/*
 * The common end: the IRQ shadow of this insn (set) or of the previous
 * one (cleared), RF cleared after the insn, then #DB for single-step, an
 * exit to re-check interrupts, or a direct lookup.
 */
static void gen_eob_worker(DisasContext *s, bool inhibit, bool lookup)
{
    gen_update_cc_op(s);
    if (inhibit && !(s->flags & HF_INHIBIT_IRQ_MASK)) {
        gen_set_hflag(s, HF_INHIBIT_IRQ_MASK);
    } else if (s->flags & HF_INHIBIT_IRQ_MASK) {
        /* A shadow does not extend another one (MOV SS; MOV SS). */
        gen_reset_hflag(s, HF_INHIBIT_IRQ_MASK);
    }
    if (s->flags & HF_RF_MASK) {
        gen_reset_eflags_rf(s);
    }
    if (s->flags & HF_TF_MASK) {
        gen_helper_single_step(tcg_env);
    } else if (lookup && !inhibit && !(s->flags & HF_INHIBIT_IRQ_MASK)) {
        /*
         * Not when this TB ends a shadow: the interrupt check only runs
         * on the way through cpu_exec, which goto_ptr would skip.
         */
        tcg_gen_lookup_and_goto_ptr();
    } else {
        tcg_gen_exit_tb(NULL, 0);
    }
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_eob(DisasContext *s)
{
    gen_eob_worker(s, false, false);
}

void gen_eob_inhibit_irq(DisasContext *s, bool inhibit)
{
    gen_eob_worker(s, inhibit, false);
}

void gen_jr(DisasContext *s)
{
    gen_eob_worker(s, false, true);
}

void gen_jmp_tb(DisasContext *s, uint64_t eip, int tb_num)
{
    uint64_t pc = s->cs_base + eip;

    gen_update_cc_op(s);
    if (s->jmp_opt && translator_use_goto_tb(&s->base, pc)) {
        tcg_gen_goto_tb(tb_num);
        gen_jmp_im(s, eip);
        tcg_gen_exit_tb(s->base.tb, tb_num);
        s->base.is_jmp = DISAS_NORETURN;
    } else {
        gen_jmp_im(s, eip);
        gen_jr(s);
    }
}

/* The EIP of next + diff at operand size ot (IP wraps at 64 KiB for o16). */
static uint64_t x86_rel_target(DisasContext *s, MemOp ot, int64_t diff)
{
    uint64_t dest = next_insn_eip(s) + diff;

    /* 64-bit mode: near branches are 64-bit whatever 66 says (Intel SDM). */
    if (s->code64) {
        return dest;
    }
    return ot == MO_16 ? dest & 0xffff : dest & 0xffffffffu;
}

void gen_jmp_rel(DisasContext *s, MemOp ot, int64_t diff, int tb_num)
{
    gen_jmp_tb(s, x86_rel_target(s, ot, diff), tb_num);
}

void gen_jcc(DisasContext *s, int b, int64_t diff)
{
    TCGLabel *taken = gen_new_label();
    uint64_t dest = x86_rel_target(s, s->dflag, diff);
    uint64_t next = next_insn_eip(s);

    gen_jcc1(s, b, taken);
    gen_jmp_tb(s, next, 0);
    gen_set_label(taken);
    gen_jmp_tb(s, dest, 1);
}

/* ---- the instruction ---- */

static void x86_decode_prefixes(CPUX86State *env, DisasContext *s, int *pb)
{
    int b;

    s->prefix = 0;
    s->override = -1;
    s->rex_w = 0;
    s->rex_r = s->rex_x = s->rex_b = 0;
    for (;;) {
        b = x86_ldub_code(env, s);
        switch (b) {
        case 0xf3:
            s->prefix = (s->prefix & ~PREFIX_REPNZ) | PREFIX_REPZ;
            break;
        case 0xf2:
            s->prefix = (s->prefix & ~PREFIX_REPZ) | PREFIX_REPNZ;
            break;
        case 0xf0:
            s->prefix |= PREFIX_LOCK;
            break;
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            /* In 64-bit mode ES/CS/SS/DS overrides are accepted and ignored. */
            if (!s->code64) {
                s->override = (b >> 3) & 3;
            }
            break;
        case 0x64: case 0x65:
            s->override = R_FS + (b - 0x64);
            break;
        case 0x66:
            s->prefix |= PREFIX_DATA;
            break;
        case 0x67:
            s->prefix |= PREFIX_ADR;
            break;
        default:
            if (s->code64 && (b & 0xf0) == 0x40) {
                /* REX counts only when the opcode follows it directly. */
                s->prefix |= PREFIX_REX;
                s->rex_w = (b >> 3) & 1;
                s->rex_r = (b & 4) << 1;
                s->rex_x = (b & 2) << 2;
                s->rex_b = (b & 1) << 3;
                b = x86_ldub_code(env, s);
                if ((b & 0xf0) == 0x40) {
                    /* Another REX: the previous one is ignored. */
                    s->pc--;
                    continue;
                }
                if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
                    b == 0x65 || b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 ||
                    b == 0xf3) {
                    /* A legacy prefix after REX makes the REX void. */
                    s->prefix &= ~PREFIX_REX;
                    s->rex_w = 0;
                    s->rex_r = s->rex_x = s->rex_b = 0;
                    s->pc--;
                    continue;
                }
            }
            goto done;
        }
    }
done:
    if (s->code64) {
        /* REX.W beats 66; 67 selects 32-bit addresses. */
        s->dflag = s->rex_w ? MO_64 : (s->prefix & PREFIX_DATA) ? MO_16 : MO_32;
        s->aflag = (s->prefix & PREFIX_ADR) ? MO_32 : MO_64;
    } else {
        s->dflag = (s->code32 ^ !!(s->prefix & PREFIX_DATA)) ? MO_32 : MO_16;
        s->aflag = (s->code32 ^ !!(s->prefix & PREFIX_ADR)) ? MO_32 : MO_16;
    }
    *pb = b;
}

/*
 * May opcode b take a LOCK prefix? Only the read-modify-write forms
 * with a memory destination (SDM "LOCK"); modrm is the next byte.
 */
static bool x86_lock_allowed(DisasContext *s, int b, int modrm)
{
    int op = (modrm >> 3) & 7;
    bool mem = ((modrm >> 6) & 3) != 3;

    switch (b) {
    case 0x00 ... 0x3f:
        /* ALU op r/m, r (not CMP). */
        return (b & 7) <= 1 && (b >> 3) != OP_CMPL && mem;
    case 0x80 ... 0x83:
        return op != OP_CMPL && mem;
    case 0x86: case 0x87:
    case 0x1ab: case 0x1b3: case 0x1bb: case 0x1b0: case 0x1b1: case 0x1c0: case 0x1c1:
        return mem;
    case 0xf6: case 0xf7:
        return (op == 2 || op == 3) && mem;
    case 0xfe: case 0xff:
        return op <= 1 && mem;
    case 0x1ba:
        return op >= 4 && mem;
    case 0x1c7:
        return op == 1 && mem;
    case 0x120: case 0x122:
        /* LOCK MOV CR0 is MOV CR8 on AMD (CR8_LEGACY): the system half decides. */
        return true;
    default:
        return false;
    }
}

/* Does the opcode b have a ModRM byte for x86_lock_allowed to look at? */
static bool x86_lock_needs_modrm(int b)
{
    return (b <= 0x3f && (b & 7) <= 1) || (b >= 0x80 && b <= 0x87) ||
           b == 0xf6 || b == 0xf7 || b == 0xfe || b == 0xff || b >= 0x100;
}

/* Decode and translate one instruction at s->pc. */
static void x86_disas_insn(DisasContext *s, CPUState *cpu)
{
    CPUX86State *env = s->env;
    volatile CCOp cc_op_at_start;
    volatile bool cc_dirty_at_start;
    int b;

    s->pc_start = s->pc = s->base.pc_next;
    s->rip_offset = 0;
    s->modrm = -1;
    s->vex_l = s->vex_v = 0;
    s->insn_first_op = tcg_ctx->last_op;
    gen_cc_discard_at_insn_start(s);
    cc_op_at_start = s->cc_op;
    cc_dirty_at_start = s->cc_op_dirty;

    if (sigsetjmp(s->jmpbuf, 0) != 0) {
        /* More than 15 bytes: drop what this insn emitted, raise #GP(0). */
        TCGOp *op;

        while ((op = tcg_ctx->last_op) != s->insn_first_op && op) {
            tcg_op_remove(tcg_ctx, op);
        }
        s->pc = s->pc_start + X86_MAX_INSN_LENGTH;
        s->cc_op = cc_op_at_start;
        s->cc_op_dirty = cc_dirty_at_start;
        s->cc_op_discarded = CC_OP_DYNAMIC;     /* its discards went too */
        gen_exception_gpf(s);
        return;
    }

    x86_decode_prefixes(env, s, &b);

    if (b == 0xc4 || b == 0xc5) {
        /*
         * VEX (AVX) in 64-bit mode, or in 32-bit protected mode when the
         * next byte's ModRM.mod is 3 (else LES/LDS): AVX is not
         * implemented, so #UD.
         */
        if (s->code64 || (s->pe && !s->vm86 &&
                          (translator_ldub(env, &s->base, s->pc) & 0xc0) == 0xc0)) {
            s->prefix |= PREFIX_VEX;
            gen_illegal_opcode(s);
            return;
        }
    }
    if (b == 0x0f) {
        b = x86_ldub_code(env, s);
        if (b == 0x38) {
            b = 0x200 | x86_ldub_code(env, s);
        } else {
            b |= 0x100;
        }
    }

    if (s->prefix & PREFIX_LOCK) {
        int modrm = x86_lock_needs_modrm(b) ? translator_ldub(env, &s->base, s->pc) : 0xc0;

        if (!x86_lock_allowed(s, b, modrm)) {
            gen_illegal_opcode(s);
            return;
        }
    }
    if (disas_insn_sse(s, cpu, b) ||
        disas_insn_alu(s, cpu, b) || disas_insn_ctl(s, cpu, b) ||
        disas_insn_sysinsn(s, cpu, b)) {
        return;
    }
    gen_illegal_opcode(s);
}

/* ---- TranslatorOps ---- */

static uint32_t x86_cpuid_word(X86TCGCPU *xcpu, uint32_t fn, uint32_t idx, X86CPUIDReg r)
{
    const X86CPUIDEntry *e = x86_cpuid_find(&xcpu->cpuid, fn, idx);

    if (!e) {
        return 0;
    }
    switch (r) {
    case X86_CPUID_EAX:
        return e->eax;
    case X86_CPUID_EBX:
        return e->ebx;
    case X86_CPUID_ECX:
        return e->ecx;
    default:
        return e->edx;
    }
}

static void x86_tr_init_disas_context(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);
    CPUX86State *env = cpu->env_ptr;
    X86TCGCPU *xcpu = env_x86cpu(env);
    uint32_t flags = db->tb->flags;

    s->env = env;
    s->flags = flags;
    s->cs_base = db->tb->cs_base;
    s->pe = (flags >> HF_PE_SHIFT) & 1;
    s->code32 = (flags >> HF_CS32_SHIFT) & 1;
    s->ss32 = (flags >> HF_SS32_SHIFT) & 1;
    s->addseg = (flags >> HF_ADDSEG_SHIFT) & 1;
    s->cpl = (flags >> HF_CPL_SHIFT) & 3;
    s->iopl = (flags >> HF_IOPL_SHIFT) & 3;
    s->vm86 = (flags >> HF_VM_SHIFT) & 1;
    s->tf = (flags >> HF_TF_SHIFT) & 1;
    s->lma = (flags >> HF_LMA_SHIFT) & 1;
    s->code64 = (flags >> HF_CS64_SHIFT) & 1;
    if (s->code64) {
        s->code32 = true;
    }
    if (s->cpl == 3) {
        s->mem_index = MMU_USER_IDX;
    } else if (!(flags & HF_SMAP_MASK) || (flags & HF_AC_MASK)) {
        s->mem_index = MMU_KNOSMAP_IDX;
    } else {
        s->mem_index = MMU_KSMAP_IDX;
    }
    /* Alignment checking (SDM 6.15 #AC): the unaligned hook raises #AC(0). */
    s->align_check = (s->cpl == 3 && (flags & HF_AM_MASK) && (flags & HF_AC_MASK)) ?
                     MO_ALIGN : 0;
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
    s->cc_op_discarded = CC_OP_DYNAMIC;
    s->jmp_opt = !((db->tb->cflags & CF_NO_GOTO_TB) ||
                   (flags & (HF_TF_MASK | HF_INHIBIT_IRQ_MASK | HF_RF_MASK)));

    s->cpuid_features = x86_cpuid_word(xcpu, 1, 0, X86_CPUID_EDX);
    s->cpuid_ext_features = x86_cpuid_word(xcpu, 1, 0, X86_CPUID_ECX);
    s->cpuid_ext2_features = x86_cpuid_word(xcpu, 0x80000001, 0, X86_CPUID_EDX);
    s->cpuid_ext3_features = x86_cpuid_word(xcpu, 0x80000001, 0, X86_CPUID_ECX);
    s->cpuid_7_0_ebx_features = x86_cpuid_word(xcpu, 7, 0, X86_CPUID_EBX);
    s->cpuid_7_0_ecx_features = x86_cpuid_word(xcpu, 7, 0, X86_CPUID_ECX);

    /*
     * Scratch values never live across a label (each instruction computes
     * them afresh), so they are EBB temps: liveness may then drop the
     * dead ones instead of storing them at every branch.
     */
    s->T0 = tcg_temp_ebb_new_i64();
    s->T1 = tcg_temp_ebb_new_i64();
    s->A0 = tcg_temp_ebb_new_i64();
    s->tmp0 = tcg_temp_ebb_new_i64();
    s->tmp4 = tcg_temp_ebb_new_i64();
    s->cc_t0 = tcg_temp_ebb_new_i64();
    s->cc_t1 = tcg_temp_ebb_new_i64();
    s->tmp1_i64 = tcg_temp_ebb_new_i64();
    s->tmp2_i32 = tcg_temp_ebb_new_i32();
    s->tmp3_i32 = tcg_temp_ebb_new_i32();
}

static void x86_tr_tb_start(DisasContextBase *db, CPUState *cpu)
{
}

static void x86_tr_insn_start(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);

    tcg_gen_insn_start(db->pc_next, s->cc_op);
}

static void x86_tr_translate_insn(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);

    x86_disas_insn(s, cpu);
    db->pc_next = s->pc;

    switch (db->is_jmp) {
    case DISAS_NEXT:
        /*
         * Single-step, an IRQ shadow to expire or RF to clear: one insn
         * per TB, ended by gen_eob so the CPU loop looks again.
         */
        if (s->flags & (HF_TF_MASK | HF_INHIBIT_IRQ_MASK | HF_RF_MASK)) {
            db->is_jmp = DISAS_EOB_NEXT;
        }
        break;
    default:
        break;
    }
}

static void x86_tr_tb_stop(DisasContextBase *db, CPUState *cpu)
{
    DisasContext *s = container_of(db, DisasContext, base);

    switch (db->is_jmp) {
    case DISAS_NORETURN:
        break;
    case DISAS_TOO_MANY:
        gen_jmp_tb(s, db->pc_next - s->cs_base, 0);
        break;
    case DISAS_EOB_NEXT:
        gen_jmp_im(s, db->pc_next - s->cs_base);
        gen_eob(s);
        break;
    case DISAS_EOB_INHIBIT_IRQ:
        gen_jmp_im(s, db->pc_next - s->cs_base);
        gen_eob_inhibit_irq(s, true);
        break;
    case DISAS_EOB_ONLY:
        gen_eob(s);
        break;
    case DISAS_JUMP:
        gen_jr(s);
        break;
    default:
        /* Unknown reasons to stop: the safe end (EIP = next insn, exit). */
        gen_jmp_im(s, db->pc_next - s->cs_base);
        gen_eob(s);
        break;
    }
}

static void x86_tr_disas_log(const DisasContextBase *db, CPUState *cpu, FILE *f)
{
    x86_disas_log(f, cpu, db->pc_first, db->tb->size);
}

static const TranslatorOps x86_tr_ops = {
    .init_disas_context = x86_tr_init_disas_context,
    .tb_start = x86_tr_tb_start,
    .insn_start = x86_tr_insn_start,
    .translate_insn = x86_tr_translate_insn,
    .tb_stop = x86_tr_tb_stop,
    .disas_log = x86_tr_disas_log,
};

void x86_translate_code(CPUState *cs, TranslationBlock *tb, int *max_insns,
                        uint64_t pc, void *host_pc)
{
    DisasContext s;

    memset(&s, 0, sizeof(s));
    translator_loop(cs, tb, max_insns, pc, host_pc, &x86_tr_ops, &s.base);
}
