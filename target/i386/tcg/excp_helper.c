/*
 * excp_helper.c: raising x86 exceptions from helpers and translated
 * code. An exception is recorded in cs->exception_index / env->error_code
 * and cpu_exec delivers it (x86_cpu_do_interrupt in excp_deliver.c).
 * The double-fault rules of the SDM (vol. 3 §6.15, table 6-5) are applied
 * here, when the second exception is raised while the first one is being
 * delivered: env->old_exception says what was being delivered.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "system/runstate.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/helper.h"

static void x86_default_triple_fault(CPUState *cs)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
}

void (*x86_triple_fault_handler)(CPUState *cs) = x86_default_triple_fault;

/* Divide error, invalid TSS, segment not present, stack, general protection. */
static bool excp_is_contributory(int intno)
{
    return intno == EXCP00_DIVZ || (intno >= EXCP0A_TSS && intno <= EXCP0D_GPF);
}

/*
 * Combine intno with the exception being delivered, if any: #DF for two
 * contributory faults or a page fault followed by a page fault or a
 * contributory fault; shutdown (EXCP_HLT after the triple-fault handler)
 * for any fault while delivering #DF. Benign pairs are handled serially.
 */
static int excp_check(CPUX86State *env, int intno, int *error_code)
{
    int old = env->old_exception;
    bool first_contrib = old >= 0 && excp_is_contributory(old);
    bool second_contrib = excp_is_contributory(intno);

    qemu_log_mask(CPU_LOG_INT, "check_exception old: 0x%x new 0x%x\n",
                  (unsigned)old, (unsigned)intno);
    if (old == EXCP08_DBLE) {
        CPUState *cs = env_cpustate(env);

        qemu_log_mask(CPU_LOG_RESET, "Triple fault\n");
        env->old_exception = -1;
        /*
         * The processor shuts down: it stays halted (nothing but a reset
         * restarts it), so a board without a handler cannot loop.
         */
        cs->halted = true;
        if (x86_triple_fault_handler) {
            x86_triple_fault_handler(cs);
        }
        return EXCP_HLT;
    }
    if ((first_contrib && second_contrib) ||
        (old == EXCP0E_PAGE && (second_contrib || intno == EXCP0E_PAGE))) {
        intno = EXCP08_DBLE;
        *error_code = 0;
    }
    if (second_contrib || intno == EXCP0E_PAGE || intno == EXCP08_DBLE) {
        env->old_exception = intno;
    }
    return intno;
}

/*
 * The common path: is_int marks INT n / INT3 / INTO / INT1, which are
 * not subject to the double-fault rules and return to EIP + addend.
 */
static void G_NORETURN excp_raise(CPUX86State *env, int intno, int is_int, int error_code,
                                  int next_eip_addend, uintptr_t ra)
{
    CPUState *cs = env_cpustate(env);

    if (!is_int) {
        if (ra) {
            /* The double-fault logic reads no EIP, but delivery will. */
            cpu_restore_state(cs, ra);
            ra = 0;
        }
        intno = excp_check(env, intno, &error_code);
    }
    cs->exception_index = intno;
    env->error_code = error_code;
    env->exception_is_int = is_int;
    env->exception_next_eip = env->eip + next_eip_addend;
    cpu_loop_exit_restore(cs, ra);
}

void raise_exception(CPUX86State *env, int exception_index)
{
    excp_raise(env, exception_index, 0, 0, 0, 0);
}

void raise_exception_ra(CPUX86State *env, int exception_index, uintptr_t ra)
{
    excp_raise(env, exception_index, 0, 0, 0, ra);
}

void raise_exception_err(CPUX86State *env, int exception_index, int error_code)
{
    excp_raise(env, exception_index, 0, error_code, 0, 0);
}

void raise_exception_err_ra(CPUX86State *env, int exception_index, int error_code,
                            uintptr_t ra)
{
    excp_raise(env, exception_index, 0, error_code, 0, ra);
}

void raise_interrupt(CPUX86State *env, int intno, int is_int, int error_code,
                     int next_eip_addend)
{
    excp_raise(env, intno, is_int, error_code, next_eip_addend, 0);
}

/* ---- helpers called from translated code (EIP is synced before them) ---- */

void helper_raise_exception(CPUX86State *env, uint32_t exception_index)
{
    raise_exception(env, exception_index);
}

void helper_raise_exception_err(CPUX86State *env, uint32_t exception_index,
                                uint32_t error_code)
{
    raise_exception_err(env, exception_index, error_code);
}

void helper_raise_interrupt(CPUX86State *env, uint32_t intno, uint32_t next_eip_addend)
{
    raise_interrupt(env, intno, 1, 0, next_eip_addend);
}

void helper_into(CPUX86State *env, uint32_t next_eip_addend)
{
    uint64_t eflags = cpu_compute_eflags(env);

    if (eflags & CC_O) {
        raise_interrupt(env, EXCP04_INTO, 1, 0, next_eip_addend);
    }
}

/*
 * INT1 (ICEBP, F1): a #DB delivered as a trap after the instruction but
 * without the gate DPL check of INT n (SDM vol. 2, INT n). It travels as
 * a software interrupt whose (otherwise unused) error code is
 * X86_SWINT_ICEBP; delivery skips the DPL check for it.
 */
void helper_icebp(CPUX86State *env, uint32_t next_eip_addend)
{
    raise_interrupt(env, EXCP01_DB, 1, X86_SWINT_ICEBP, next_eip_addend);
}

void x86_cpu_do_unaligned_access(CPUState *cs, uint64_t addr, MMUAccessType access_type,
                                 int mmu_idx, uintptr_t retaddr)
{
    raise_exception_err_ra(cs->env_ptr, EXCP11_ALGN, 0, retaddr);
}
