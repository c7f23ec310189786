/*
 * seg_helper.c: x86 segmentation under TCG: the hidden segment state
 * and the hflags derived from it, segment register loads with the
 * checks of the SDM's MOV/POP Sreg pseudo-code, LLDT/LTR, LAR/LSL/VERR/
 * VERW, TSS stack lookups and the stack push/pop primitives shared by
 * far transfers and interrupt delivery. Far JMP/CALL/RET/IRET and the
 * fast system calls are in seg_transfer.c, delivery in excp_deliver.c.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/helper.h"

/* ---- hflags ---- */

/* ADDSEG: the translator must add DS/ES/SS bases (QEMU's rule). */
static uint32_t seg_addseg_flag(CPUX86State *env, uint32_t hflags)
{
    if (hflags & HF_CS64_MASK) {
        return 0;
    }
    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK) || !(hflags & HF_CS32_MASK)) {
        return HF_ADDSEG_MASK;
    }
    return (env->segs[R_DS].base | env->segs[R_ES].base | env->segs[R_SS].base) != 0
           ? HF_ADDSEG_MASK : 0;
}

void cpu_x86_load_seg_cache(CPUX86State *env, int seg_reg, unsigned int selector,
                            uint64_t base, unsigned int limit, unsigned int flags)
{
    SegmentCache *sc = &env->segs[seg_reg];
    uint32_t hf = env->hflags;

    sc->selector = selector;
    sc->base = base;
    sc->limit = limit;
    sc->flags = flags;

    if (seg_reg == R_CS) {
        hf &= ~(HF_CS32_MASK | HF_CS64_MASK);
        if ((hf & HF_LMA_MASK) && (flags & DESC_L_MASK)) {
            hf |= HF_CS32_MASK | HF_SS32_MASK | HF_CS64_MASK;
        } else if (flags & DESC_B_MASK) {
            hf |= HF_CS32_MASK;
        }
    }
    if (seg_reg == R_SS) {
        hf = (hf & ~HF_CPL_MASK) | ((flags >> DESC_DPL_SHIFT) & 3);
    }
    if (!(hf & HF_CS64_MASK)) {
        hf &= ~HF_SS32_MASK;
        if (env->segs[R_SS].flags & DESC_B_MASK) {
            hf |= HF_SS32_MASK;
        }
    }
    hf &= ~HF_ADDSEG_MASK;
    env->hflags = hf | seg_addseg_flag(env, hf);
}

void x86_update_hflags(CPUX86State *env)
{
    const uint32_t keep = HF_INHIBIT_IRQ_MASK | HF_SMM_MASK | HF_IOBPT_MASK;
    uint32_t hf = env->hflags & keep;

    hf |= (env->segs[R_SS].flags >> DESC_DPL_SHIFT) & HF_CPL_MASK;
    if (env->cr[0] & CR0_PE_MASK) {
        hf |= HF_PE_MASK;
    }
    if (env->cr[0] & CR0_MP_MASK) {
        hf |= HF_MP_MASK;
    }
    if (env->cr[0] & CR0_EM_MASK) {
        hf |= HF_EM_MASK;
    }
    if (env->cr[0] & CR0_TS_MASK) {
        hf |= HF_TS_MASK;
    }
    if (env->cr[0] & CR0_AM_MASK) {
        hf |= HF_AM_MASK;       /* alignment checks at CPL 3 with EFLAGS.AC */
    }
    /* TF, IOPL, RF, VM, AC sit at the same bit positions as in EFLAGS. */
    hf |= env->eflags & (TF_MASK | IOPL_MASK | RF_MASK | VM_MASK | AC_MASK);
    if (env->cr[4] & CR4_OSFXSR_MASK) {
        hf |= HF_OSFXSR_MASK;
    }
    if (env->cr[4] & CR4_SMAP_MASK) {
        hf |= HF_SMAP_MASK;
    }
    if (env->cr[4] & CR4_UMIP_MASK) {
        hf |= HF_UMIP_MASK;
    }
    if (env->efer & MSR_EFER_LMA) {
        hf |= HF_LMA_MASK;
    }
    if ((hf & HF_LMA_MASK) && (env->segs[R_CS].flags & DESC_L_MASK)) {
        hf |= HF_CS32_MASK | HF_SS32_MASK | HF_CS64_MASK;
    } else {
        if (env->segs[R_CS].flags & DESC_B_MASK) {
            hf |= HF_CS32_MASK;
        }
        if (env->segs[R_SS].flags & DESC_B_MASK) {
            hf |= HF_SS32_MASK;
        }
    }
    env->hflags = hf | seg_addseg_flag(env, hf);
}

/* ---- descriptors ---- */

bool seg_table_for(CPUX86State *env, int selector, uint64_t *base, uint32_t *limit)
{
    if (selector & SEL_TI) {
        *base = env->ldt.base;
        *limit = env->ldt.limit;
    } else {
        *base = env->gdt.base;
        *limit = env->gdt.limit;
    }
    return true;
}

bool seg_load_desc(CPUX86State *env, uint32_t *e1, uint32_t *e2, int selector,
                   uintptr_t ra)
{
    uint64_t base;
    uint32_t limit;
    uint32_t index = SEL_INDEX(selector & 0xffff);

    seg_table_for(env, selector, &base, &limit);
    if ((uint64_t)index + 7 > limit) {
        return false;
    }
    *e1 = cpu_ldl_mmuidx_ra(env, base + index, x86_kernel_idx(env), ra);
    *e2 = cpu_ldl_mmuidx_ra(env, base + index + 4, x86_kernel_idx(env), ra);
    return true;
}

void seg_set_accessed(CPUX86State *env, int selector, uint32_t e2, uintptr_t ra)
{
    uint64_t base;
    uint32_t limit;

    if (e2 & DESC_A_MASK) {
        return;
    }
    seg_table_for(env, selector, &base, &limit);
    cpu_stl_mmuidx_ra(env, base + SEL_INDEX(selector & 0xffff) + 4, e2 | DESC_A_MASK,
                      x86_kernel_idx(env), ra);
}

void seg_load_cache_desc(CPUX86State *env, int seg_reg, int selector, uint32_t e1,
                         uint32_t e2)
{
    cpu_x86_load_seg_cache(env, seg_reg, selector, desc_base(e1, e2), desc_limit(e1, e2), e2);
}

/* ---- stacks ---- */

void stack_push16(X86Stack *s, uint16_t v)
{
    s->sp -= 2;
    cpu_stw_mmuidx_ra(s->env, s->base + (s->sp & s->mask), v, s->mmu_idx, s->ra);
}

void stack_push32(X86Stack *s, uint32_t v)
{
    s->sp -= 4;
    cpu_stl_mmuidx_ra(s->env, s->base + (s->sp & s->mask), v, s->mmu_idx, s->ra);
}

void stack_push_sized(X86Stack *s, int shift, uint64_t v)
{
    if (shift == 2) {
        stack_push64(s, v);
    } else if (shift == 1) {
        stack_push32(s, v);
    } else {
        stack_push16(s, v);
    }
}

uint64_t stack_pop_sized(X86Stack *s, int shift)
{
    return shift == 2 ? stack_pop64(s) : shift == 1 ? stack_pop32(s) : stack_pop16(s);
}

void stack_push64(X86Stack *s, uint64_t v)
{
    s->sp -= 8;
    cpu_stq_mmuidx_ra(s->env, s->base + (s->sp & s->mask), v, s->mmu_idx, s->ra);
}

uint16_t stack_pop16(X86Stack *s)
{
    uint16_t v = cpu_lduw_mmuidx_ra(s->env, s->base + (s->sp & s->mask), s->mmu_idx, s->ra);

    s->sp += 2;
    return v;
}

uint32_t stack_pop32(X86Stack *s)
{
    uint32_t v = cpu_ldl_mmuidx_ra(s->env, s->base + (s->sp & s->mask), s->mmu_idx, s->ra);

    s->sp += 4;
    return v;
}

uint64_t stack_pop64(X86Stack *s)
{
    uint64_t v = cpu_ldq_mmuidx_ra(s->env, s->base + (s->sp & s->mask), s->mmu_idx, s->ra);

    s->sp += 8;
    return v;
}

void seg_tss_stack(CPUX86State *env, int dpl, uint32_t *ss, uint64_t *esp, uintptr_t ra)
{
    int shift = (desc_type(env->tr.flags) >> 3) & 1;
    uint32_t index = (dpl * 4 + 2) << shift;

    if (!(env->tr.flags & DESC_P_MASK) ||
        (uint64_t)index + (4u << shift) - 1 > env->tr.limit) {
        raise_exception_err_ra(env, EXCP0A_TSS, env->tr.selector & 0xfffc, ra);
    }
    if (shift) {
        *esp = cpu_ldl_mmuidx_ra(env, env->tr.base + index, x86_kernel_idx(env), ra);
        *ss = cpu_lduw_mmuidx_ra(env, env->tr.base + index + 4, x86_kernel_idx(env), ra);
    } else {
        *esp = cpu_lduw_mmuidx_ra(env, env->tr.base + index, x86_kernel_idx(env), ra);
        *ss = cpu_lduw_mmuidx_ra(env, env->tr.base + index + 2, x86_kernel_idx(env), ra);
    }
}

uint64_t seg_tss_stack64(CPUX86State *env, int level, uintptr_t ra)
{
    uint32_t index = 8 * level + 4;

    if (!(env->tr.flags & DESC_P_MASK) || (uint64_t)index + 7 > env->tr.limit) {
        raise_exception_err_ra(env, EXCP0A_TSS, env->tr.selector & 0xfffc, ra);
    }
    return cpu_ldq_mmuidx_ra(env, env->tr.base + index, x86_kernel_idx(env), ra);
}

/* ---- MOV/POP Sreg ---- */

/* Real mode and vm86: base = selector * 16 (vm86 segments have DPL 3). */
static void seg_load_real(CPUX86State *env, int seg_reg, int selector)
{
    int dpl = (env->eflags & VM_MASK) ? 3 : 0;
    uint32_t flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                     (dpl << DESC_DPL_SHIFT);

    if (seg_reg == R_CS) {
        flags |= DESC_CS_MASK;
    }
    selector &= 0xffff;
    cpu_x86_load_seg_cache(env, seg_reg, selector, (uint64_t)selector << 4, 0xffff, flags);
}

void x86_load_seg(CPUX86State *env, int seg_reg, int selector, uintptr_t ra)
{
    int cpl = x86_cpl(env);
    int rpl, dpl;
    uint32_t e1, e2;

    selector &= 0xffff;
    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK)) {
        seg_load_real(env, seg_reg, selector);
        return;
    }
    rpl = SEL_RPL(selector);
    if ((selector & 0xfffc) == 0) {
        if (seg_reg == R_SS) {
            /* Only 64-bit code below CPL 3 may run on a null SS (SDM MOV). */
            if (!(env->hflags & HF_CS64_MASK) || cpl == 3 || rpl != cpl) {
                raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
            }
            /* Keep the CPL, which hflags take from SS.DPL. */
            cpu_x86_load_seg_cache(env, R_SS, selector, 0, 0,
                                   (cpl << DESC_DPL_SHIFT) | DESC_B_MASK);
            return;
        }
        cpu_x86_load_seg_cache(env, seg_reg, selector, 0, 0, 0);
        return;
    }
    if (!seg_load_desc(env, &e1, &e2, selector, ra)) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    if (!(e2 & DESC_S_MASK)) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    dpl = desc_dpl(e2);
    if (seg_reg == R_SS) {
        if ((e2 & DESC_CS_MASK) || !(e2 & DESC_W_MASK) || rpl != cpl || dpl != cpl) {
            raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
    } else {
        if ((e2 & (DESC_CS_MASK | DESC_R_MASK)) == DESC_CS_MASK) {
            raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
        /* Data or non-conforming code: DPL >= max(CPL, RPL). */
        if (!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) {
            if (dpl < cpl || dpl < rpl) {
                raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
            }
        }
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, seg_reg == R_SS ? EXCP0C_STACK : EXCP0B_NOSEG,
                               selector & 0xfffc, ra);
    }
    seg_set_accessed(env, selector, e2, ra);
    seg_load_cache_desc(env, seg_reg, selector, e1, e2 | DESC_A_MASK);
}

void helper_load_seg(CPUX86State *env, uint32_t seg_reg, uint32_t selector)
{
    if (seg_reg > R_GS || seg_reg == R_CS) {
        /* MOV CS is #UD at decode; never reached from valid translations. */
        raise_exception_ra(env, EXCP06_ILLOP, GETPC());
    }
    x86_load_seg(env, seg_reg, selector, GETPC());
}

/* ---- LLDT / LTR ---- */

/*
 * Read a system descriptor of the GDT (16 bytes in long mode) for
 * LLDT/LTR: #GP(sel) for LDT selectors or beyond the limit.
 */
static void seg_load_sys_desc(CPUX86State *env, int selector, uint32_t *e1, uint32_t *e2,
                              uint32_t *e3, uintptr_t ra)
{
    uint32_t index = SEL_INDEX(selector);
    uint32_t entry_limit = (env->hflags & HF_LMA_MASK) ? 15 : 7;
    int idx = x86_kernel_idx(env);

    if ((selector & SEL_TI) || (uint64_t)index + entry_limit > env->gdt.limit) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    *e1 = cpu_ldl_mmuidx_ra(env, env->gdt.base + index, idx, ra);
    *e2 = cpu_ldl_mmuidx_ra(env, env->gdt.base + index + 4, idx, ra);
    *e3 = 0;
    if (env->hflags & HF_LMA_MASK) {
        *e3 = cpu_ldl_mmuidx_ra(env, env->gdt.base + index + 8, idx, ra);
        if (cpu_ldl_mmuidx_ra(env, env->gdt.base + index + 12, idx, ra) & DESC_TYPE_MASK) {
            /* The upper half must look like a null descriptor's type. */
            raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
        }
    }
}

void helper_lldt(CPUX86State *env, uint32_t selector)
{
    uintptr_t ra = GETPC();
    uint32_t e1, e2, e3;

    selector &= 0xffff;
    if ((env->hflags & HF_CPL_MASK) != 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    if ((selector & 0xfffc) == 0) {
        /*
         * A null LDT: any later use of it faults on the limit. The flags
         * stay (as QEMU's do: visible in register dumps).
         */
        env->ldt.base = 0;
        env->ldt.limit = 0;
        env->ldt.selector = selector;
        return;
    }
    seg_load_sys_desc(env, selector, &e1, &e2, &e3, ra);
    if ((e2 & DESC_S_MASK) || desc_type(e2) != DT_LDT) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, selector & 0xfffc, ra);
    }
    if ((env->hflags & HF_LMA_MASK) && !x86_is_canonical(desc_base(e1, e2) |
                                                         ((uint64_t)e3 << 32))) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    env->ldt.selector = selector;
    env->ldt.base = desc_base(e1, e2) | ((uint64_t)e3 << 32);
    env->ldt.limit = desc_limit(e1, e2);
    env->ldt.flags = e2;
}

void helper_ltr(CPUX86State *env, uint32_t selector)
{
    uintptr_t ra = GETPC();
    uint32_t e1, e2, e3;
    unsigned type;

    selector &= 0xffff;
    if ((env->hflags & HF_CPL_MASK) != 0 || (selector & 0xfffc) == 0) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, ra);
    }
    seg_load_sys_desc(env, selector, &e1, &e2, &e3, ra);
    type = desc_type(e2);
    /* Long mode has only the 64-bit TSS (type 9, same as a 32-bit one). */
    if ((e2 & DESC_S_MASK) ||
        (type != DT_TSS32_AVAIL && (type != DT_TSS16_AVAIL || (env->hflags & HF_LMA_MASK)))) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err_ra(env, EXCP0B_NOSEG, selector & 0xfffc, ra);
    }
    if ((env->hflags & HF_LMA_MASK) && !x86_is_canonical(desc_base(e1, e2) |
                                                         ((uint64_t)e3 << 32))) {
        raise_exception_err_ra(env, EXCP0D_GPF, selector & 0xfffc, ra);
    }
    /*
     * Mark the TSS busy (type bit 1) in the GDT. TR's hidden flags keep
     * the available type, as QEMU's do (visible in -d int and info
     * registers dumps).
     */
    cpu_stl_mmuidx_ra(env, env->gdt.base + SEL_INDEX(selector) + 4, e2 | (2 << DESC_TYPE_SHIFT),
                      x86_kernel_idx(env), ra);
    env->tr.selector = selector;
    env->tr.base = desc_base(e1, e2) | ((uint64_t)e3 << 32);
    env->tr.limit = desc_limit(e1, e2);
    env->tr.flags = e2;
}

/* ---- LAR / LSL / VERR / VERW: ZF says whether the selector passed ---- */

static void seg_set_zf(CPUX86State *env, bool ok)
{
    uint64_t fl = cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2, env->cc_op);

    env->cc_src = ok ? (fl | CC_Z) : (fl & ~(uint64_t)CC_Z);
    env->cc_op = CC_OP_EFLAGS;
}

/*
 * The descriptor of selector if it is visible at CPL/RPL for LAR/LSL.
 * lar: the system types LAR accepts (more than LSL: gates).
 */
static bool seg_probe(CPUX86State *env, uint32_t selector, bool lar, uint32_t *e1,
                      uint32_t *e2, uintptr_t ra)
{
    int cpl = x86_cpl(env), rpl = SEL_RPL(selector), dpl;

    if ((selector & 0xfffc) == 0 || !seg_load_desc(env, e1, e2, selector, ra)) {
        return false;
    }
    dpl = desc_dpl(*e2);
    if (*e2 & DESC_S_MASK) {
        if ((*e2 & DESC_CS_MASK) && (*e2 & DESC_C_MASK)) {
            return true;    /* conforming code: visible at any privilege */
        }
    } else {
        unsigned type = desc_type(*e2);
        bool ok;

        if (env->hflags & HF_LMA_MASK) {
            /* Long mode (SDM LAR/LSL): LDT, 64-bit TSS, 64-bit call gate. */
            ok = type == DT_LDT || type == DT_TSS32_AVAIL || type == DT_TSS32_BUSY ||
                 (lar && type == DT_CALLGATE32);
        } else {
            switch (type) {
            case DT_TSS16_AVAIL: case DT_LDT: case DT_TSS16_BUSY:
            case DT_TSS32_AVAIL: case DT_TSS32_BUSY:
                ok = true;
                break;
            case DT_CALLGATE16: case DT_TASKGATE: case DT_CALLGATE32:
                ok = lar;
                break;
            default:
                ok = false;
                break;
            }
        }
        if (!ok) {
            return false;
        }
    }
    return dpl >= cpl && dpl >= rpl;
}

uint64_t helper_lsl(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;
    bool ok = seg_probe(env, selector & 0xffff, false, &e1, &e2, GETPC());

    seg_set_zf(env, ok);
    return ok ? desc_limit(e1, e2) : 0;
}

uint64_t helper_lar(CPUX86State *env, uint64_t selector)
{
    uint32_t e1, e2;
    bool ok = seg_probe(env, selector & 0xffff, true, &e1, &e2, GETPC());

    seg_set_zf(env, ok);
    return ok ? (e2 & 0x00f0ff00) : 0;
}

void helper_verr(CPUX86State *env, uint64_t selector1)
{
    uint32_t selector = selector1 & 0xffff, e1, e2;
    int cpl = x86_cpl(env), rpl = SEL_RPL(selector), dpl;
    bool ok = false;

    if ((selector & 0xfffc) != 0 && seg_load_desc(env, &e1, &e2, selector, GETPC()) &&
        (e2 & DESC_S_MASK)) {
        dpl = desc_dpl(e2);
        if (e2 & DESC_CS_MASK) {
            ok = (e2 & DESC_R_MASK) &&
                 ((e2 & DESC_C_MASK) || (dpl >= cpl && dpl >= rpl));
        } else {
            ok = dpl >= cpl && dpl >= rpl;
        }
    }
    seg_set_zf(env, ok);
}

void helper_verw(CPUX86State *env, uint64_t selector1)
{
    uint32_t selector = selector1 & 0xffff, e1, e2;
    int cpl = x86_cpl(env), rpl = SEL_RPL(selector), dpl;
    bool ok = false;

    if ((selector & 0xfffc) != 0 && seg_load_desc(env, &e1, &e2, selector, GETPC()) &&
        (e2 & DESC_S_MASK) && !(e2 & DESC_CS_MASK)) {
        dpl = desc_dpl(e2);
        ok = dpl >= cpl && dpl >= rpl && (e2 & DESC_W_MASK);
    }
    seg_set_zf(env, ok);
}
