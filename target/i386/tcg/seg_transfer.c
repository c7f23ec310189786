/*
 * seg_transfer.c: x86 far control transfers that change CS (SDM vol. 2
 * JMP/CALL/RET/IRET, vol. 3 ch. 5.8): far JMP and CALL through code
 * segments and call gates (stack switch with parameter copy on a
 * privilege change), far RET and IRET (real, vm86, protected, long mode,
 * return to vm86), SYSCALL/SYSRET, SYSENTER/SYSEXIT and ENTER's nesting
 * levels. Hardware task switches are not implemented: #GP with LOG_UNIMP.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/helper.h"

/* Every EFLAGS bit cpu_load_eflags may be asked to load. */
#define XFER_ARITH_MASK (CC_ALL_MASK | DF_MASK)

#define FLAT_CODE32 (DESC_G_MASK | DESC_B_MASK | DESC_P_MASK | DESC_S_MASK | \
                     DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK)
#define FLAT_CODE64 (DESC_G_MASK | DESC_L_MASK | DESC_P_MASK | DESC_S_MASK | \
                     DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK)
#define FLAT_DATA   (DESC_G_MASK | DESC_B_MASK | DESC_P_MASK | DESC_S_MASK | \
                     DESC_W_MASK | DESC_A_MASK)

static G_NORETURN void xfer_task_switch(CPUX86State *env, int selector, uintptr_t ra)
{
    qemu_log_mask(LOG_UNIMP, "x86: hardware task switch to 0x%04x not supported\n", selector);
    raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
}

/*
 * A far JMP/CALL to a system descriptor: the call gate's type, or #GP.
 * Long mode only has 64-bit call gates; TSSes and task gates would be a
 * hardware task switch (xfer_task_switch does not return).
 */
static int xfer_gate_type(CPUX86State *env, int new_cs, uint32_t e2, uintptr_t ra)
{
    int type = desc_type(e2);

    if ((env->hflags & HF_LMA_MASK) && type != DT_CALLGATE32) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    switch (type) {
    case DT_TSS16_AVAIL: case DT_TSS32_AVAIL: case DT_TASKGATE:
        xfer_task_switch(env, new_cs, ra);
    case DT_CALLGATE16: case DT_CALLGATE32:
        return type;
    default:
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
}

/*
 * The stack at SS:ESP with SS's size (all of RSP in 64-bit code, whatever
 * the operand size), accessed at the current privilege.
 */
static void xfer_cur_stack(CPUX86State *env, X86Stack *st, bool is64, uintptr_t ra)
{
    st->env = env;
    st->base = is64 ? 0 : env->segs[R_SS].base;
    st->mask = is64 ? ~0ULL : seg_sp_mask(env->segs[R_SS].flags);
    st->sp = env->regs[R_ESP];
    st->mmu_idx = x86_mmu_index(env);
    st->ra = ra;
}

/* A code segment as the target of JMP/CALL (conforming or same DPL). */
static void xfer_check_code(CPUX86State *env, int sel, uint32_t e2, int cpl, int rpl,
                            uintptr_t ra)
{
    int dpl = desc_dpl(e2);

    if ((e2 & (DESC_S_MASK | DESC_CS_MASK)) != (DESC_S_MASK | DESC_CS_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (e2 & DESC_C_MASK) {
        if (dpl > cpl) {
            raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
    } else if (rpl > cpl || dpl != cpl) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
}

/* EIP beyond the limit is #GP(0) except for 64-bit code. */
static void xfer_check_limit(CPUX86State *env, uint64_t eip, uint32_t e1, uint32_t e2,
                             uintptr_t ra)
{
    if (((env->hflags & HF_LMA_MASK) && (e2 & DESC_L_MASK))) {
        return;
    }
    if (eip > desc_limit(e1, e2)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
}

/*
 * The call gate at selector: target selector, offset (64-bit gates: the
 * upper half), parameter count; checks the gate itself.
 */
static void xfer_read_gate(CPUX86State *env, int sel, uint32_t e1, uint32_t e2, int cpl,
                           uint32_t *gate_cs, uint64_t *offset, int *params, uintptr_t ra)
{
    int dpl = desc_dpl(e2), rpl = SEL_RPL(sel);

    if (dpl < cpl || dpl < rpl) {
        raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    *gate_cs = e1 >> 16;
    *offset = e1 & 0xffff;
    *params = e2 & 0x1f;
    if (desc_type(e2) == DT_CALLGATE32) {
        *offset |= e2 & 0xffff0000;
    }
    if (env->hflags & HF_LMA_MASK) {
        uint64_t base, ptr;
        uint32_t limit, hi_lo, hi_hi;

        seg_table_for(env, sel, &base, &limit);
        ptr = base + SEL_INDEX(sel);
        if ((uint64_t)SEL_INDEX(sel) + 15 > limit) {
            raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        hi_lo = cpu_ldl_mmuidx_ra(env, ptr + 8, x86_kernel_idx(env), ra);
        hi_hi = cpu_ldl_mmuidx_ra(env, ptr + 12, x86_kernel_idx(env), ra);
        if (hi_hi & DESC_TYPE_MASK) {
            raise_exception_err_ra(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        *offset |= (uint64_t)hi_lo << 32;
        *params = 0;
    }
}

/* ---- far JMP ---- */

void helper_ljmp_protected(CPUX86State *env, uint32_t new_cs, uint64_t new_eip,
                           uint64_t next_eip_addend)
{
    uintptr_t ra = GETPC();
    int cpl = x86_cpl(env), params;
    uint32_t e1, e2, gate_cs;
    uint64_t offset;

    new_cs &= 0xffff;
    if ((new_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!seg_load_desc(env, &e1, &e2, new_cs, ra)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (e2 & DESC_S_MASK) {
        xfer_check_code(env, new_cs, e2, cpl, SEL_RPL(new_cs), ra);
        xfer_check_limit(env, new_eip, e1, e2, ra);
        seg_set_accessed(env, new_cs, e2, ra);
        cpu_x86_load_seg_cache(env, R_CS, (new_cs & 0xfffc) | cpl, desc_base(e1, e2),
                               desc_limit(e1, e2), e2 | DESC_A_MASK);
        env->eip = new_eip;
        return;
    }
    xfer_gate_type(env, new_cs, e2, ra);
    xfer_read_gate(env, new_cs, e1, e2, cpl, &gate_cs, &offset, &params, ra);
    if (!seg_load_desc(env, &e1, &e2, gate_cs, ra) || (gate_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, gate_cs & 0xfffc, ra);
    }
    /* JMP through a gate never changes privilege: RPL is ignored. */
    xfer_check_code(env, gate_cs, e2, cpl, 0, ra);
    if ((env->hflags & HF_LMA_MASK) && (!(e2 & DESC_L_MASK) || (e2 & DESC_B_MASK))) {
        raise_exception_err_ra(env, EXCP0D_GPF, gate_cs & 0xfffc, ra);
    }
    xfer_check_limit(env, offset, e1, e2, ra);
    cpu_x86_load_seg_cache(env, R_CS, (gate_cs & 0xfffc) | cpl, desc_base(e1, e2),
                           desc_limit(e1, e2), e2);
    env->eip = offset;
}

/* ---- far CALL ---- */

void helper_lcall_real(CPUX86State *env, uint32_t new_cs, uint64_t new_eip, uint32_t shift,
                       uint32_t next_eip)
{
    X86Stack st;

    xfer_cur_stack(env, &st, false, GETPC());
    stack_push_sized(&st, shift, env->segs[R_CS].selector);
    stack_push_sized(&st, shift, next_eip);
    seg_set_esp(env, st.sp, st.mask);
    env->eip = new_eip;
    env->segs[R_CS].selector = new_cs & 0xffff;
    env->segs[R_CS].base = (uint64_t)(new_cs & 0xffff) << 4;
}

static void xfer_push_ret(X86Stack *st, int shift, uint32_t cs, uint64_t eip)
{
    stack_push_sized(st, shift, cs);
    stack_push_sized(st, shift, eip);
}

void helper_lcall_protected(CPUX86State *env, uint32_t new_cs, uint64_t new_eip,
                            uint32_t shift, uint64_t next_eip_addend)
{
    uintptr_t ra = GETPC();
    int cpl = x86_cpl(env), dpl, params;
    uint64_t next_eip = env->eip + next_eip_addend, offset;
    uint32_t e1, e2, gate_cs, ss = 0, ss_e1 = 0, ss_e2 = 0;
    unsigned type;
    X86Stack st;
    bool new_stack = false;

    new_cs &= 0xffff;
    if ((new_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!seg_load_desc(env, &e1, &e2, new_cs, ra)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (e2 & DESC_S_MASK) {
        xfer_check_code(env, new_cs, e2, cpl, SEL_RPL(new_cs), ra);
        xfer_check_limit(env, new_eip, e1, e2, ra);
        xfer_cur_stack(env, &st, shift == 2 || (env->hflags & HF_CS64_MASK), ra);
        xfer_push_ret(&st, shift, env->segs[R_CS].selector, next_eip);
        seg_set_accessed(env, new_cs, e2, ra);
        seg_set_esp(env, st.sp, st.mask);
        cpu_x86_load_seg_cache(env, R_CS, (new_cs & 0xfffc) | cpl, desc_base(e1, e2),
                               desc_limit(e1, e2), e2 | DESC_A_MASK);
        env->eip = new_eip;
        return;
    }
    type = xfer_gate_type(env, new_cs, e2, ra);
    /* The gate's size decides how much is pushed. */
    shift = (env->hflags & HF_LMA_MASK) ? 2 : (type >> 3) & 1;
    xfer_read_gate(env, new_cs, e1, e2, cpl, &gate_cs, &offset, &params, ra);
    if ((gate_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!seg_load_desc(env, &e1, &e2, gate_cs, ra) ||
        (e2 & (DESC_S_MASK | DESC_CS_MASK)) != (DESC_S_MASK | DESC_CS_MASK) ||
        desc_dpl(e2) > cpl) {
        raise_exception_err_ra(env, EXCP0D_GPF, gate_cs & 0xfffc, ra);
    }
    if ((env->hflags & HF_LMA_MASK) && (!(e2 & DESC_L_MASK) || (e2 & DESC_B_MASK))) {
        raise_exception_err_ra(env, EXCP0D_GPF, gate_cs & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, gate_cs & 0xfffc, ra);
    }
    dpl = desc_dpl(e2);
    if (!(e2 & DESC_C_MASK) && dpl < cpl) {
        X86Stack old;

        /* To an inner ring: the stack of that ring from the TSS. */
        new_stack = true;
        st.env = env;
        st.mmu_idx = x86_kernel_idx(env);
        st.ra = ra;
        if (shift == 2) {
            st.sp = seg_tss_stack64(env, dpl, ra);
            st.base = 0;
            st.mask = ~0ULL;
            ss = dpl;
        } else {
            uint64_t esp;

            seg_tss_stack(env, dpl, &ss, &esp, ra);
            if ((ss & 0xfffc) == 0 || SEL_RPL(ss) != dpl) {
                raise_exception_err_ra(env, EXCP0A_TSS, ss & 0xfffc, ra);
            }
            if (!seg_load_desc(env, &ss_e1, &ss_e2, ss, ra) || desc_dpl(ss_e2) != dpl ||
                (ss_e2 & (DESC_S_MASK | DESC_CS_MASK | DESC_W_MASK)) !=
                    (DESC_S_MASK | DESC_W_MASK)) {
                raise_exception_err_ra(env, EXCP0A_TSS, ss & 0xfffc, ra);
            }
            if (!(ss_e2 & DESC_P_MASK)) {
                raise_exception_err_ra(env, EXCP0C_STACK, ss & 0xfffc, ra);
            }
            st.sp = esp;
            st.base = desc_base(ss_e1, ss_e2);
            st.mask = seg_sp_mask(ss_e2);
        }
        xfer_cur_stack(env, &old, shift == 2, ra);
        if (shift == 2) {
            stack_push64(&st, env->segs[R_SS].selector);
            stack_push64(&st, env->regs[R_ESP]);
        } else if (shift == 1) {
            stack_push32(&st, env->segs[R_SS].selector);
            stack_push32(&st, env->regs[R_ESP]);
            for (int i = params - 1; i >= 0; i--) {
                stack_push32(&st, cpu_ldl_mmuidx_ra(env, old.base + ((old.sp + i * 4) & old.mask),
                                                    old.mmu_idx, ra));
            }
        } else {
            stack_push16(&st, env->segs[R_SS].selector);
            stack_push16(&st, env->regs[R_ESP]);
            for (int i = params - 1; i >= 0; i--) {
                stack_push16(&st, cpu_lduw_mmuidx_ra(env,
                                                     old.base + ((old.sp + i * 2) & old.mask),
                                                     old.mmu_idx, ra));
            }
        }
    } else {
        dpl = cpl;
        xfer_cur_stack(env, &st, shift == 2 || (env->hflags & HF_CS64_MASK), ra);
    }
    xfer_push_ret(&st, shift, env->segs[R_CS].selector, next_eip);
    if (new_stack) {
        if (shift == 2) {
            cpu_x86_load_seg_cache(env, R_SS, dpl, 0, 0, dpl << DESC_DPL_SHIFT);
        } else {
            cpu_x86_load_seg_cache(env, R_SS, (ss & ~3) | dpl, st.base,
                                   desc_limit(ss_e1, ss_e2), ss_e2);
        }
    }
    cpu_x86_load_seg_cache(env, R_CS, (gate_cs & 0xfffc) | dpl, desc_base(e1, e2),
                           desc_limit(e1, e2), e2);
    seg_set_esp(env, st.sp, st.mask);
    env->eip = offset;
}

/* ---- far RET / IRET ---- */

void helper_iret_real(CPUX86State *env, uint32_t shift)
{
    X86Stack st;
    uint32_t new_cs, new_eip, new_eflags, mask;

    xfer_cur_stack(env, &st, false, GETPC());
    st.mask = 0xffff;
    if (shift == 1) {
        new_eip = stack_pop32(&st);
        new_cs = stack_pop32(&st) & 0xffff;
        new_eflags = stack_pop32(&st);
    } else {
        new_eip = stack_pop16(&st);
        new_cs = stack_pop16(&st);
        new_eflags = stack_pop16(&st);
    }
    seg_set_esp(env, st.sp, 0xffff);
    env->segs[R_CS].selector = new_cs;
    env->segs[R_CS].base = (uint64_t)new_cs << 4;
    env->eip = new_eip;
    mask = TF_MASK | AC_MASK | ID_MASK | IF_MASK | RF_MASK | NT_MASK | XFER_ARITH_MASK;
    if (!(env->eflags & VM_MASK)) {
        mask |= IOPL_MASK;      /* vm86 (IOPL 3) may not change IOPL */
    }
    if (shift == 0) {
        mask &= 0xffff;
    }
    cpu_load_eflags(env, new_eflags, mask);
    env->hflags2 &= ~HF2_NMI_MASK;
}

/* After a return to an outer ring, data segments the new CPL may not use become null. */
static void xfer_validate_seg(CPUX86State *env, int seg_reg, int cpl)
{
    SegmentCache *sc = &env->segs[seg_reg];
    int dpl = desc_dpl(sc->flags);

    /* A null FS/GS may still carry a 64-bit base (WRFSBASE / MSR): keep it. */
    if ((seg_reg == R_FS || seg_reg == R_GS) && (sc->selector & 0xfffc) == 0) {
        return;
    }
    if ((!(sc->flags & DESC_CS_MASK) || !(sc->flags & DESC_C_MASK)) && dpl < cpl) {
        cpu_x86_load_seg_cache(env, seg_reg, 0, sc->base, sc->limit, sc->flags & ~DESC_P_MASK);
    }
}

static void xfer_return_to_vm86(CPUX86State *env, X86Stack *st, uint32_t new_cs,
                                uint32_t new_eip, uint32_t new_eflags)
{
    uint32_t new_esp = stack_pop32(st), new_ss = stack_pop32(st);
    uint32_t new_es = stack_pop32(st), new_ds = stack_pop32(st);
    uint32_t new_fs = stack_pop32(st), new_gs = stack_pop32(st);

    cpu_load_eflags(env, new_eflags, TF_MASK | AC_MASK | ID_MASK | IF_MASK | IOPL_MASK |
                    VM_MASK | NT_MASK | VIF_MASK | VIP_MASK | RF_MASK | XFER_ARITH_MASK);
    /* With VM set the loads below take the vm86 path (base = selector * 16, DPL 3). */
    x86_load_seg(env, R_CS, new_cs & 0xffff, st->ra);
    x86_load_seg(env, R_SS, new_ss & 0xffff, st->ra);
    x86_load_seg(env, R_ES, new_es & 0xffff, st->ra);
    x86_load_seg(env, R_DS, new_ds & 0xffff, st->ra);
    x86_load_seg(env, R_FS, new_fs & 0xffff, st->ra);
    x86_load_seg(env, R_GS, new_gs & 0xffff, st->ra);
    env->eip = new_eip & 0xffff;
    env->regs[R_ESP] = new_esp;
    x86_update_hflags(env);
}

static void xfer_ret_protected(CPUX86State *env, int shift, bool is_iret, int addend,
                               uintptr_t ra)
{
    int cpl = x86_cpl(env), rpl, dpl;
    uint64_t new_eip, new_esp, new_eflags = 0;
    uint32_t new_cs, new_ss, e1, e2, ss_e1, ss_e2;
    X86Stack st;

    xfer_cur_stack(env, &st, shift == 2 || (env->hflags & HF_CS64_MASK), ra);
    new_eip = stack_pop_sized(&st, shift);
    new_cs = stack_pop_sized(&st, shift) & 0xffff;
    if (is_iret) {
        new_eflags = stack_pop_sized(&st, shift);
        if (shift == 1 && (new_eflags & VM_MASK) && cpl == 0 &&
            !(env->hflags & HF_LMA_MASK)) {
            xfer_return_to_vm86(env, &st, new_cs, new_eip, new_eflags);
            return;
        }
    }
    if ((new_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (!seg_load_desc(env, &e1, &e2, new_cs, ra) ||
        (e2 & (DESC_S_MASK | DESC_CS_MASK)) != (DESC_S_MASK | DESC_CS_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    rpl = SEL_RPL(new_cs);
    dpl = desc_dpl(e2);
    if (rpl < cpl || ((e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if ((env->hflags & HF_LMA_MASK) && (e2 & DESC_L_MASK) && (e2 & DESC_B_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, new_cs & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, new_cs & 0xfffc, ra);
    }
    st.sp += addend;
    if (rpl == cpl && (!(env->hflags & HF_CS64_MASK) || !is_iret)) {
        /* Same privilege (IRETQ always pops SS:RSP). */
        seg_set_accessed(env, new_cs, e2, ra);
        cpu_x86_load_seg_cache(env, R_CS, new_cs, desc_base(e1, e2), desc_limit(e1, e2),
                               e2 | DESC_A_MASK);
        seg_set_esp(env, st.sp, st.mask);
    } else {
        new_esp = stack_pop_sized(&st, shift);
        new_ss = stack_pop_sized(&st, shift) & 0xffff;
        if ((new_ss & 0xfffc) == 0) {
            /* Null SS: only into 64-bit code below ring 3. */
            if (!(env->hflags & HF_LMA_MASK) || rpl == 3 || !(e2 & DESC_L_MASK)) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
            ss_e2 = DESC_B_MASK | (rpl << DESC_DPL_SHIFT);
            cpu_x86_load_seg_cache(env, R_SS, new_ss, 0, 0xffffffff,
                                   DESC_G_MASK | DESC_B_MASK | DESC_P_MASK | DESC_S_MASK |
                                   (rpl << DESC_DPL_SHIFT) | DESC_W_MASK | DESC_A_MASK);
        } else {
            if (SEL_RPL(new_ss) != rpl) {
                raise_exception_err_ra(env, EXCP0D_GPF, new_ss & 0xfffc, ra);
            }
            if (!seg_load_desc(env, &ss_e1, &ss_e2, new_ss, ra) ||
                (ss_e2 & (DESC_S_MASK | DESC_CS_MASK | DESC_W_MASK)) !=
                    (DESC_S_MASK | DESC_W_MASK) || desc_dpl(ss_e2) != rpl) {
                raise_exception_err_ra(env, EXCP0D_GPF, new_ss & 0xfffc, ra);
            }
            if (!(ss_e2 & DESC_P_MASK)) {
                raise_exception_err_ra(env, EXCP0C_STACK, new_ss & 0xfffc, ra);
            }
            seg_set_accessed(env, new_ss, ss_e2, ra);
            cpu_x86_load_seg_cache(env, R_SS, new_ss, desc_base(ss_e1, ss_e2),
                                   desc_limit(ss_e1, ss_e2), ss_e2 | DESC_A_MASK);
        }
        seg_set_accessed(env, new_cs, e2, ra);
        cpu_x86_load_seg_cache(env, R_CS, new_cs, desc_base(e1, e2), desc_limit(e1, e2),
                               e2 | DESC_A_MASK);
        seg_set_esp(env, new_esp + addend, shift == 2 ? ~0ULL : seg_sp_mask(ss_e2));
        xfer_validate_seg(env, R_ES, rpl);
        xfer_validate_seg(env, R_DS, rpl);
        xfer_validate_seg(env, R_FS, rpl);
        xfer_validate_seg(env, R_GS, rpl);
    }
    env->eip = new_eip;
    if (is_iret) {
        /* Privileged bits change only when the old CPL allows it. */
        uint64_t mask = TF_MASK | AC_MASK | ID_MASK | RF_MASK | NT_MASK | XFER_ARITH_MASK;
        int iopl = (env->eflags >> IOPL_SHIFT) & 3;

        if (cpl == 0) {
            mask |= IOPL_MASK;
        }
        if (cpl <= iopl) {
            mask |= IF_MASK;
        }
        if (shift == 0) {
            mask &= 0xffff;
        }
        cpu_load_eflags(env, new_eflags, mask);
    }
}

void helper_iret_protected(CPUX86State *env, uint32_t shift, uint32_t next_eip)
{
    uintptr_t ra = GETPC();

    if (env->eflags & NT_MASK) {
        if (env->hflags & HF_LMA_MASK) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        /* A return from a nested task: the back link names the TSS. */
        xfer_task_switch(env, cpu_lduw_mmuidx_ra(env, env->tr.base, x86_kernel_idx(env), ra),
                         ra);
    }
    xfer_ret_protected(env, shift, true, 0, ra);
    env->hflags2 &= ~HF2_NMI_MASK;
}

void helper_lret_protected(CPUX86State *env, uint32_t shift, uint32_t addend)
{
    xfer_ret_protected(env, shift, false, addend, GETPC());
}

/* ---- SYSENTER / SYSEXIT ---- */

void helper_sysenter(CPUX86State *env)
{
    uintptr_t ra = GETPC();
    uint64_t fl;

    if ((env->sysenter_cs & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    fl = cpu_compute_eflags(env) & ~(uint64_t)(VM_MASK | IF_MASK | RF_MASK);
    cpu_load_eflags(env, fl, VM_MASK | IF_MASK | RF_MASK);
    cpu_x86_load_seg_cache(env, R_CS, env->sysenter_cs & 0xfffc, 0, 0xffffffff,
                           (env->hflags & HF_LMA_MASK) ? FLAT_CODE64 : FLAT_CODE32);
    cpu_x86_load_seg_cache(env, R_SS, (env->sysenter_cs + 8) & 0xfffc, 0, 0xffffffff,
                           FLAT_DATA);
    env->regs[R_ESP] = env->sysenter_esp;
    env->eip = env->sysenter_eip;
    if (!(env->hflags & HF_LMA_MASK)) {
        env->regs[R_ESP] = (uint32_t)env->regs[R_ESP];
        env->eip = (uint32_t)env->eip;
    }
}

void helper_sysexit(CPUX86State *env, uint32_t dflag)
{
    uintptr_t ra = GETPC();
    const uint32_t dpl3 = 3 << DESC_DPL_SHIFT;
    uint32_t cs = env->sysenter_cs;

    if ((cs & 0xfffc) == 0 || x86_cpl(env) != 0 || !(env->cr[0] & CR0_PE_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (dflag == 2) {
        if (!x86_is_canonical(env->regs[R_EDX]) || !x86_is_canonical(env->regs[R_ECX])) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        cpu_x86_load_seg_cache(env, R_CS, ((cs + 32) & 0xfffc) | 3, 0, 0xffffffff,
                               FLAT_CODE64 | dpl3);
        cpu_x86_load_seg_cache(env, R_SS, ((cs + 40) & 0xfffc) | 3, 0, 0xffffffff,
                               FLAT_DATA | dpl3);
        env->regs[R_ESP] = env->regs[R_ECX];
        env->eip = env->regs[R_EDX];
    } else {
        cpu_x86_load_seg_cache(env, R_CS, ((cs + 16) & 0xfffc) | 3, 0, 0xffffffff,
                               FLAT_CODE32 | dpl3);
        cpu_x86_load_seg_cache(env, R_SS, ((cs + 24) & 0xfffc) | 3, 0, 0xffffffff,
                               FLAT_DATA | dpl3);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->eip = (uint32_t)env->regs[R_EDX];
    }
}

/* ---- SYSCALL / SYSRET ---- */

void helper_syscall(CPUX86State *env, uint32_t next_eip_addend)
{
    uintptr_t ra = GETPC();
    uint32_t sel = (env->star >> 32) & 0xffff;
    uint64_t fl = cpu_compute_eflags(env);
    const uint64_t all = CC_ALL_MASK | DF_MASK | TF_MASK | IF_MASK | IOPL_MASK | NT_MASK |
                         RF_MASK | VM_MASK | AC_MASK | VIF_MASK | VIP_MASK | ID_MASK;

    if (!(env->efer & MSR_EFER_SCE)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (env->hflags & HF_LMA_MASK) {
        bool code64 = env->hflags & HF_CS64_MASK;

        env->regs[R_ECX] = env->eip + next_eip_addend;
        env->regs[11] = fl & ~(uint64_t)RF_MASK;
        cpu_load_eflags(env, fl & ~(env->fmask | RF_MASK), all);
        cpu_x86_load_seg_cache(env, R_CS, sel & 0xfffc, 0, 0xffffffff, FLAT_CODE64);
        cpu_x86_load_seg_cache(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff, FLAT_DATA);
        env->eip = code64 ? env->lstar : env->cstar;
    } else {
        env->regs[R_ECX] = (uint32_t)(env->eip + next_eip_addend);
        cpu_load_eflags(env, fl & ~(uint64_t)(IF_MASK | RF_MASK | VM_MASK), all);
        cpu_x86_load_seg_cache(env, R_CS, sel & 0xfffc, 0, 0xffffffff, FLAT_CODE32);
        cpu_x86_load_seg_cache(env, R_SS, (sel + 8) & 0xfffc, 0, 0xffffffff, FLAT_DATA);
        env->eip = (uint32_t)env->star;
    }
}

void helper_sysret(CPUX86State *env, uint32_t dflag)
{
    uintptr_t ra = GETPC();
    uint32_t sel = (env->star >> 48) & 0xffff;
    const uint32_t dpl3 = 3 << DESC_DPL_SHIFT;

    if (!(env->efer & MSR_EFER_SCE)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    if (!(env->cr[0] & CR0_PE_MASK) || x86_cpl(env) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if (env->hflags & HF_LMA_MASK) {
        /* SDM: a non-canonical RCX faults in ring 0, before any state changes. */
        if (dflag == 2 && !x86_is_canonical(env->regs[R_ECX])) {
            raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
        }
        cpu_load_eflags(env, (uint32_t)env->regs[11],
                        TF_MASK | AC_MASK | ID_MASK | IF_MASK | IOPL_MASK | VM_MASK |
                        RF_MASK | NT_MASK | XFER_ARITH_MASK);
        if (dflag == 2) {
            cpu_x86_load_seg_cache(env, R_CS, (sel + 16) | 3, 0, 0xffffffff,
                                   FLAT_CODE64 | dpl3);
            env->eip = env->regs[R_ECX];
        } else {
            cpu_x86_load_seg_cache(env, R_CS, sel | 3, 0, 0xffffffff, FLAT_CODE32 | dpl3);
            env->eip = (uint32_t)env->regs[R_ECX];
        }
    } else {
        cpu_load_eflags(env, cpu_compute_eflags(env) | IF_MASK, IF_MASK);
        cpu_x86_load_seg_cache(env, R_CS, sel | 3, 0, 0xffffffff, FLAT_CODE32 | dpl3);
        env->eip = (uint32_t)env->regs[R_ECX];
    }
    cpu_x86_load_seg_cache(env, R_SS, (sel + 8) | 3, 0, 0xffffffff, FLAT_DATA | dpl3);
}

/* ---- ENTER with a nesting level ---- */

/*
 * The frame pointers of the enclosing levels (level - 1 of them) and the
 * new frame pointer t1, below the EBP the translator already pushed.
 */
void helper_enter_level(CPUX86State *env, uint32_t level, uint32_t data32, uint64_t t1)
{
    uintptr_t ra = GETPC();
    uint64_t base = env->segs[R_SS].base, mask = seg_sp_mask(env->segs[R_SS].flags);
    uint64_t esp = env->regs[R_ESP], ebp = env->regs[R_EBP];
    int idx = x86_mmu_index(env);
    int sz = data32 ? 4 : 2;

    level &= 31;
    esp -= sz;
    while (level > 1) {
        level--;
        esp -= sz;
        ebp -= sz;
        if (data32) {
            cpu_stl_mmuidx_ra(env, base + (esp & mask),
                              cpu_ldl_mmuidx_ra(env, base + (ebp & mask), idx, ra), idx, ra);
        } else {
            cpu_stw_mmuidx_ra(env, base + (esp & mask),
                              cpu_lduw_mmuidx_ra(env, base + (ebp & mask), idx, ra), idx, ra);
        }
    }
    esp -= sz;
    if (data32) {
        cpu_stl_mmuidx_ra(env, base + (esp & mask), t1, idx, ra);
    } else {
        cpu_stw_mmuidx_ra(env, base + (esp & mask), t1, idx, ra);
    }
}

void helper_enter64_level(CPUX86State *env, uint32_t level, uint32_t data64, uint64_t t1)
{
    uintptr_t ra = GETPC();
    uint64_t esp = env->regs[R_ESP], ebp = env->regs[R_EBP];
    int idx = x86_mmu_index(env);
    int sz = data64 ? 8 : 2;

    level &= 31;
    esp -= sz;
    while (level > 1) {
        level--;
        esp -= sz;
        ebp -= sz;
        if (data64) {
            cpu_stq_mmuidx_ra(env, esp, cpu_ldq_mmuidx_ra(env, ebp, idx, ra), idx, ra);
        } else {
            cpu_stw_mmuidx_ra(env, esp, cpu_lduw_mmuidx_ra(env, ebp, idx, ra), idx, ra);
        }
    }
    esp -= sz;
    if (data64) {
        cpu_stq_mmuidx_ra(env, esp, t1, idx, ra);
    } else {
        cpu_stw_mmuidx_ra(env, esp, t1, idx, ra);
    }
}
