/*
 * excp_deliver.c: delivering x86 interrupts and exceptions (SDM vol. 3
 * ch. 6): through the IVT in real mode, the IDT's interrupt/trap gates
 * in protected mode (with a TSS stack switch on a privilege change and
 * the vm86 exit), and the 16-byte gates of long mode (IST stacks, RSP
 * aligned to 16). Also the choice of which pending event to take
 * (x86_cpu_exec_interrupt) and the -d int log in QEMU 7.2's format.
 * Hardware task switches are not implemented (task gates raise #GP).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/tcg-cpu.h"

int (*x86_get_pic_interrupt)(CPUX86State *env);
int (*x86_apic_get_cr8)(CPUX86State *env);
bool (*x86_apic_set_cr8)(CPUX86State *env, unsigned cr8);
void (*x86_apic_base_written)(CPUX86State *env, uint64_t old);

/* Exceptions that push an error code. */
static bool deliver_has_error_code(int intno)
{
    switch (intno) {
    case EXCP08_DBLE: case EXCP0A_TSS: case EXCP0B_NOSEG: case EXCP0C_STACK:
    case EXCP0D_GPF: case EXCP0E_PAGE: case EXCP11_ALGN:
        return true;
    default:
        return false;
    }
}

/* QEMU's names of the lazy flag operations, for the CCO= of the dump. */
static const char *const deliver_cc_op_names[CC_OP_NB] = {
    "DYNAMIC", "EFLAGS",
    "MULB", "MULW", "MULL", "MULQ", "ADDB", "ADDW", "ADDL", "ADDQ",
    "ADCB", "ADCW", "ADCL", "ADCQ", "SUBB", "SUBW", "SUBL", "SUBQ",
    "SBBB", "SBBW", "SBBL", "SBBQ", "LOGICB", "LOGICW", "LOGICL", "LOGICQ",
    "INCB", "INCW", "INCL", "INCQ", "DECB", "DECW", "DECL", "DECQ",
    "SHLB", "SHLW", "SHLL", "SHLQ", "SARB", "SARW", "SARL", "SARQ",
    "BMILGB", "BMILGW", "BMILGL", "BMILGQ", "ADCX", "ADOX", "ADCOX", "CLR", "POPCNT",
};

/* -d int: one line per event in protected mode, then the registers. */
static void deliver_log(CPUX86State *env, int intno, int is_int, int error_code)
{
    static int count;
    g_autoptr(GString) out = NULL;
    CPUX86State *copy;
    g_autofree char *ccs = NULL;
    const char *efer;
    char cco[16];

    if (!qemu_loglevel_mask(CPU_LOG_INT) || !(env->cr[0] & CR0_PE_MASK)) {
        return;
    }
    out = g_string_new(NULL);
    g_string_append_printf(out, "%6d: v=%02x e=%04x i=%d cpl=%d IP=%04x:%016" PRIx64
                           " pc=%016" PRIx64 " SP=%04x:%016" PRIx64,
                           count, intno, error_code, is_int, x86_cpl(env),
                           env->segs[R_CS].selector, env->eip,
                           (uint64_t)(int64_t)(int32_t)env->segs[R_CS].base + env->eip,
                           env->segs[R_SS].selector, env->regs[R_ESP]);
    if (intno == EXCP0E_PAGE) {
        g_string_append_printf(out, " CR2=%016" PRIx64 "\n", env->cr[2]);
    } else {
        g_string_append_printf(out, " env->regs[R_EAX]=%016" PRIx64 "\n", env->regs[R_EAX]);
    }
    /* The dump reads eflags and the shadow as KVM keeps them. */
    copy = g_memdup2(env, sizeof(*env));
    copy->eflags = cpu_compute_eflags(env);
    copy->interrupt_shadow = !!(env->hflags & HF_INHIBIT_IRQ_MASK);
    copy->halted = env_cpustate(env)->halted;
    x86_cpu_dump_state(copy, out);
    g_free(copy);
    if (env->cc_op < CC_OP_NB) {
        g_strlcpy(cco, deliver_cc_op_names[env->cc_op], sizeof(cco));
    } else {
        snprintf(cco, sizeof(cco), "[%u]", env->cc_op);
    }
    if (env->hflags & HF_CS64_MASK) {
        ccs = g_strdup_printf("CCS=%016" PRIx64 " CCD=%016" PRIx64 " CCO=%s\n",
                              env->cc_src, env->cc_dst, cco);
    } else {
        ccs = g_strdup_printf("CCS=%08x CCD=%08x CCO=%s\n", (uint32_t)env->cc_src,
                              (uint32_t)env->cc_dst, cco);
    }
    /* QEMU prints the lazy flags between the DR lines and EFER=. */
    efer = strstr(out->str, "\nEFER=");
    if (efer) {
        g_string_insert(out, efer - out->str + 1, ccs);
    } else {
        g_string_append(out, ccs);
    }
    qemu_log("%s", out->str);
    count++;
}

/* Clear the flags that event delivery clears, and the interrupt shadow. */
static void deliver_update_eflags(CPUX86State *env, bool clear_if, uint64_t extra)
{
    env->eflags &= ~(TF_MASK | VM_MASK | RF_MASK | NT_MASK | extra);
    if (clear_if) {
        env->eflags &= ~IF_MASK;
    }
    env->hflags &= ~HF_INHIBIT_IRQ_MASK;
    x86_update_hflags(env);
}

static void deliver_real(CPUX86State *env, int intno, int is_int, uint64_t next_eip)
{
    X86Stack st = {
        .env = env, .base = env->segs[R_SS].base, .sp = env->regs[R_ESP], .mask = 0xffff,
        .mmu_idx = x86_kernel_idx(env), .ra = 0,
    };
    uint32_t ptr = intno * 4;
    uint16_t offset, selector;
    uint64_t old_eip = is_int ? next_eip : env->eip;

    if (ptr + 3 > env->idt.limit) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    offset = cpu_lduw_mmuidx_ra(env, env->idt.base + ptr, st.mmu_idx, 0);
    selector = cpu_lduw_mmuidx_ra(env, env->idt.base + ptr + 2, st.mmu_idx, 0);
    stack_push16(&st, cpu_compute_eflags(env));
    stack_push16(&st, env->segs[R_CS].selector);
    stack_push16(&st, old_eip);
    seg_set_esp(env, st.sp, 0xffff);
    env->eip = offset;
    env->segs[R_CS].selector = selector;
    env->segs[R_CS].base = (uint64_t)selector << 4;
    deliver_update_eflags(env, true, AC_MASK);
}

/*
 * Read and check the code segment an interrupt gate points to; returns
 * the DPL the handler runs at (CPL for a conforming segment).
 */
static int deliver_target_cs(CPUX86State *env, uint32_t selector, uint32_t *e1,
                             uint32_t *e2, int ext)
{
    int dpl;

    if ((selector & 0xfffc) == 0) {
        raise_exception_err(env, EXCP0D_GPF, ext);
    }
    if (!seg_load_desc(env, e1, e2, selector, 0)) {
        raise_exception_err(env, EXCP0D_GPF, (selector & 0xfffc) | ext);
    }
    if (!(*e2 & DESC_S_MASK) || !(*e2 & DESC_CS_MASK)) {
        raise_exception_err(env, EXCP0D_GPF, (selector & 0xfffc) | ext);
    }
    dpl = desc_dpl(*e2);
    if (dpl > x86_cpl(env)) {
        raise_exception_err(env, EXCP0D_GPF, (selector & 0xfffc) | ext);
    }
    if (!(*e2 & DESC_P_MASK)) {
        raise_exception_err(env, EXCP0B_NOSEG, (selector & 0xfffc) | ext);
    }
    return (*e2 & DESC_C_MASK) ? x86_cpl(env) : dpl;
}

static void deliver_protected(CPUX86State *env, int intno, int is_int, int error_code,
                              uint64_t next_eip, int is_hw)
{
    int ext = (is_int && error_code != X86_SWINT_ICEBP) ? 0 : 1;
    bool has_error = !is_int && !is_hw && deliver_has_error_code(intno);
    uint64_t old_eip = is_int ? next_eip : env->eip;
    uint32_t gate_err = intno * 8 + 2 + ext;
    uint32_t e1, e2, ss_e1 = 0, ss_e2 = 0, selector, ss = 0;
    uint64_t offset, esp = 0;
    unsigned type;
    int dpl, cpl = x86_cpl(env), shift;
    bool vm86 = env->eflags & VM_MASK, new_stack;
    X86Stack st = { .env = env, .mmu_idx = x86_kernel_idx(env), .ra = 0 };
    uint32_t eflags;

    if ((uint64_t)intno * 8 + 7 > env->idt.limit) {
        raise_exception_err(env, EXCP0D_GPF, gate_err);
    }
    e1 = cpu_ldl_mmuidx_ra(env, env->idt.base + intno * 8, st.mmu_idx, 0);
    e2 = cpu_ldl_mmuidx_ra(env, env->idt.base + intno * 8 + 4, st.mmu_idx, 0);
    type = (e2 >> DESC_TYPE_SHIFT) & 0x1f;     /* with S: must be a system gate */
    switch (type) {
    case DT_TASKGATE:
        qemu_log_mask(LOG_UNIMP, "x86: task gate for vector 0x%x not supported\n", intno);
        raise_exception_err(env, EXCP0D_GPF, gate_err);
    case DT_INTGATE16: case DT_TRAPGATE16: case DT_INTGATE32: case DT_TRAPGATE32:
        break;
    default:
        raise_exception_err(env, EXCP0D_GPF, gate_err);
    }
    if (is_int && error_code != X86_SWINT_ICEBP && desc_dpl(e2) < cpl) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err(env, EXCP0B_NOSEG, gate_err);
    }
    selector = e1 >> 16;
    offset = (e2 & 0xffff0000) | (e1 & 0xffff);
    dpl = deliver_target_cs(env, selector, &e1, &e2, ext);
    if (dpl < cpl) {
        uint64_t esp32;

        seg_tss_stack(env, dpl, &ss, &esp32, 0);
        esp = esp32;
        if ((ss & 0xfffc) == 0 || SEL_RPL(ss) != dpl) {
            raise_exception_err(env, EXCP0A_TSS, (ss & 0xfffc) | ext);
        }
        if (!seg_load_desc(env, &ss_e1, &ss_e2, ss, 0) || desc_dpl(ss_e2) != dpl ||
            !(ss_e2 & DESC_S_MASK) || (ss_e2 & DESC_CS_MASK) || !(ss_e2 & DESC_W_MASK)) {
            raise_exception_err(env, EXCP0A_TSS, (ss & 0xfffc) | ext);
        }
        if (!(ss_e2 & DESC_P_MASK)) {
            raise_exception_err(env, EXCP0C_STACK, (ss & 0xfffc) | ext);
        }
        new_stack = true;
        st.base = desc_base(ss_e1, ss_e2);
        st.mask = seg_sp_mask(ss_e2);
        st.sp = esp;
    } else {
        if (vm86) {
            /* From vm86 only a ring-0 handler may be entered. */
            raise_exception_err(env, EXCP0D_GPF, (selector & 0xfffc) | ext);
        }
        new_stack = false;
        st.base = env->segs[R_SS].base;
        st.mask = seg_sp_mask(env->segs[R_SS].flags);
        st.sp = env->regs[R_ESP];
    }
    if (vm86 && dpl != 0) {
        raise_exception_err(env, EXCP0D_GPF, (selector & 0xfffc) | ext);
    }
    shift = (type >> 3) & 1;
    eflags = cpu_compute_eflags(env);
    if (new_stack) {
        if (vm86) {
            stack_push_sized(&st, shift, env->segs[R_GS].selector);
            stack_push_sized(&st, shift, env->segs[R_FS].selector);
            stack_push_sized(&st, shift, env->segs[R_DS].selector);
            stack_push_sized(&st, shift, env->segs[R_ES].selector);
        }
        stack_push_sized(&st, shift, env->segs[R_SS].selector);
        stack_push_sized(&st, shift, env->regs[R_ESP]);
    }
    stack_push_sized(&st, shift, eflags);
    stack_push_sized(&st, shift, env->segs[R_CS].selector);
    stack_push_sized(&st, shift, old_eip);
    if (has_error) {
        stack_push_sized(&st, shift, error_code);
    }
    /* Every access is done: commit the new state. */
    if (new_stack) {
        if (vm86) {
            cpu_x86_load_seg_cache(env, R_ES, 0, 0, 0, 0);
            cpu_x86_load_seg_cache(env, R_DS, 0, 0, 0, 0);
            cpu_x86_load_seg_cache(env, R_FS, 0, 0, 0, 0);
            cpu_x86_load_seg_cache(env, R_GS, 0, 0, 0, 0);
        }
        ss = (ss & ~3) | dpl;
        cpu_x86_load_seg_cache(env, R_SS, ss, st.base, desc_limit(ss_e1, ss_e2), ss_e2);
    }
    seg_set_esp(env, st.sp, st.mask);
    cpu_x86_load_seg_cache(env, R_CS, (selector & ~3) | dpl, desc_base(e1, e2),
                           desc_limit(e1, e2), e2);
    env->eip = offset;
    deliver_update_eflags(env, !(type & 1), 0);
}

static void deliver_long(CPUX86State *env, int intno, int is_int, int error_code,
                         uint64_t next_eip, int is_hw)
{
    int ext = (is_int && error_code != X86_SWINT_ICEBP) ? 0 : 1;
    bool has_error = !is_int && !is_hw && deliver_has_error_code(intno);
    uint64_t old_eip = is_int ? next_eip : env->eip;
    /* The error code's index is the vector, whatever the gate size (SDM 6.13). */
    uint32_t gate_err = intno * 8 + 2 + ext;
    uint32_t e1, e2, e3, selector;
    uint64_t offset, ptr = env->idt.base + intno * 16;
    int dpl, cpl = x86_cpl(env), ist, type, idx = x86_kernel_idx(env);
    X86Stack st = { .env = env, .base = 0, .mask = ~0ULL, .mmu_idx = idx, .ra = 0 };
    uint64_t rflags;

    if ((uint64_t)intno * 16 + 15 > env->idt.limit) {
        raise_exception_err(env, EXCP0D_GPF, gate_err);
    }
    e1 = cpu_ldl_mmuidx_ra(env, ptr, idx, 0);
    e2 = cpu_ldl_mmuidx_ra(env, ptr + 4, idx, 0);
    e3 = cpu_ldl_mmuidx_ra(env, ptr + 8, idx, 0);
    type = (e2 >> DESC_TYPE_SHIFT) & 0x1f;
    if (type != DT_INTGATE32 && type != DT_TRAPGATE32) {
        raise_exception_err(env, EXCP0D_GPF, gate_err);
    }
    if (is_int && error_code != X86_SWINT_ICEBP && desc_dpl(e2) < cpl) {
        raise_exception_err(env, EXCP0D_GPF, intno * 8 + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        raise_exception_err(env, EXCP0B_NOSEG, gate_err);
    }
    selector = e1 >> 16;
    offset = ((uint64_t)e3 << 32) | (e2 & 0xffff0000) | (e1 & 0xffff);
    ist = e2 & 7;
    dpl = deliver_target_cs(env, selector, &e1, &e2, ext);
    if (!(e2 & DESC_L_MASK) || (e2 & DESC_B_MASK)) {
        raise_exception_err(env, EXCP0D_GPF, (selector & 0xfffc) | ext);
    }
    if (dpl < cpl || ist) {
        st.sp = seg_tss_stack64(env, ist ? ist + 3 : dpl, 0);
    } else {
        st.sp = env->regs[R_ESP];
    }
    st.sp &= ~0xfULL;
    rflags = cpu_compute_eflags(env);
    stack_push64(&st, env->segs[R_SS].selector);
    stack_push64(&st, env->regs[R_ESP]);
    stack_push64(&st, rflags);
    stack_push64(&st, env->segs[R_CS].selector);
    stack_push64(&st, old_eip);
    if (has_error) {
        stack_push64(&st, error_code);
    }
    if (dpl < cpl) {
        /* A privilege change loads a null SS with RPL = the new CPL. */
        cpu_x86_load_seg_cache(env, R_SS, dpl, 0, 0, dpl << DESC_DPL_SHIFT);
    }
    env->regs[R_ESP] = st.sp;
    cpu_x86_load_seg_cache(env, R_CS, (selector & ~3) | dpl, desc_base(e1, e2),
                           desc_limit(e1, e2), e2);
    env->eip = offset;
    deliver_update_eflags(env, !(type & 1), 0);
}

void x86_do_interrupt_all(CPUX86State *env, int intno, int is_int, int error_code,
                          uint64_t next_eip, int is_hw)
{
    deliver_log(env, intno, is_int, is_int ? 0 : error_code);
    if (!(env->cr[0] & CR0_PE_MASK)) {
        deliver_real(env, intno, is_int, next_eip);
    } else if (env->hflags & HF_LMA_MASK) {
        deliver_long(env, intno, is_int, error_code, next_eip, is_hw);
    } else {
        deliver_protected(env, intno, is_int, error_code, next_eip, is_hw);
    }
}

void x86_cpu_do_interrupt(CPUState *cs)
{
    CPUX86State *env = cs->env_ptr;

    x86_do_interrupt_all(env, cs->exception_index, env->exception_is_int, env->error_code,
                         env->exception_next_eip, 0);
    env->old_exception = -1;
}

/* ---- pending events ---- */

/* INIT: the reset state, then (APs) wait for a SIPI. */
static void deliver_init(CPUState *cs)
{
    X86TCGCPU *cpu = env_x86cpu(cs->env_ptr);
    /* A SIPI sent after the INIT, before this vCPU ran, must survive the reset. */
    uint32_t sipi = __atomic_load_n(&cs->interrupt_request, __ATOMIC_SEQ_CST) &
                    CPU_INTERRUPT_SIPI;
    uint32_t sipi_vector = cpu->env.sipi_vector;
    /* PAT and the MTRRs are invariant across INIT (SDM vol. 3 table 10-1). */
    uint64_t pat = cpu->env.pat;
    uint64_t mtrr_deftype = cpu->env.mtrr_deftype;
    uint64_t mtrr_fixed[MSR_MTRR_FIXED_COUNT];
    X86MTRRVar mtrr_var[MSR_MTRR_VAR_COUNT];

    memcpy(mtrr_fixed, cpu->env.mtrr_fixed, sizeof(mtrr_fixed));
    memcpy(mtrr_var, cpu->env.mtrr_var, sizeof(mtrr_var));
    x86_tcg_cpu_reset(cpu);
    cpu->env.pat = pat;
    cpu->env.mtrr_deftype = mtrr_deftype;
    memcpy(cpu->env.mtrr_fixed, mtrr_fixed, sizeof(mtrr_fixed));
    memcpy(cpu->env.mtrr_var, mtrr_var, sizeof(mtrr_var));
    if (sipi) {
        cpu->env.sipi_vector = sipi_vector;
        cpu_interrupt(cs, CPU_INTERRUPT_SIPI);
    }
    if (!cpu->is_bsp) {
        cpu->env.mp_state = X86_MP_STATE_INIT_RECEIVED;
        cs->halted = true;
        /* Leave cpu_exec now: no TB may run while waiting for the SIPI. */
        cs->exception_index = EXCP_HALTED;
    }
}

/* SIPI: start at vector << 12 in real mode if waiting for one. */
static void deliver_sipi(CPUState *cs)
{
    CPUX86State *env = cs->env_ptr;
    uint32_t v = env->sipi_vector & 0xff;

    if (env->mp_state != X86_MP_STATE_INIT_RECEIVED &&
        env->mp_state != X86_MP_STATE_UNINITIALIZED) {
        return;
    }
    cpu_x86_load_seg_cache(env, R_CS, v << 8, (uint64_t)v << 12, 0xffff,
                           env->segs[R_CS].flags);
    env->eip = 0;
    env->mp_state = X86_MP_STATE_RUNNABLE;
    env->halted = false;
    cs->halted = false;
}

bool x86_cpu_exec_interrupt(CPUState *cs, int interrupt_request)
{
    CPUX86State *env = cs->env_ptr;

    if (interrupt_request & CPU_INTERRUPT_POLL) {
        /* The LAPIC (issue 6) polls the PIC here. */
        cpu_reset_interrupt(cs, CPU_INTERRUPT_POLL);
    }
    if (interrupt_request & CPU_INTERRUPT_INIT) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_INIT);
        deliver_init(cs);
        return true;
    }
    if (interrupt_request & CPU_INTERRUPT_SIPI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SIPI);
        deliver_sipi(cs);
        return true;
    }
    if (interrupt_request & CPU_INTERRUPT_SMI) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_SMI);
        qemu_log_mask(LOG_UNIMP, "x86: SMI ignored (no SMM)\n");
    }
    if (env->hflags & HF_INHIBIT_IRQ_MASK) {
        /* The instruction after STI / MOV SS runs first. */
        return false;
    }
    if ((interrupt_request & CPU_INTERRUPT_NMI) && !(env->hflags2 & HF2_NMI_MASK)) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_NMI);
        env->hflags2 |= HF2_NMI_MASK;
        x86_do_interrupt_all(env, EXCP02_NMI, 0, 0, 0, 1);
        env->old_exception = -1;
        return true;
    }
    if ((interrupt_request & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) {
        int intno;

        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
        intno = x86_get_pic_interrupt ? x86_get_pic_interrupt(env) : -1;
        if (intno < 0 || intno > 255) {
            return false;
        }
        qemu_log_mask(CPU_LOG_INT, "Servicing hardware INT=0x%02x\n", intno);
        x86_do_interrupt_all(env, intno, 0, 0, 0, 1);
        env->old_exception = -1;
        return true;
    }
    return false;
}
