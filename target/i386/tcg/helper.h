/*
 * helper.h: the C helpers that translated x86 code calls, declared once
 * (include/exec/helper-gen.h gives the prototype helper_NAME, its
 * TCGHelperInfo and gen_helper_NAME). Grouped by the file implementing
 * them. Conventions: next_eip_addend = length of the instruction, so the
 * helper can compute the return EIP (EIP is synced to the instruction's
 * start before any helper that may fault); dflag/shift = operand size
 * (0: 16-bit, 1: 32-bit, 2: 64-bit). Helpers that may raise exceptions
 * use GETPC() to restore state precisely.
 * Owners may append helpers to their own group.
 */
#ifndef TARGET_I386_TCG_HELPER_H
#define TARGET_I386_TCG_HELPER_H

#define HELPER_ENV_TYPE CPUX86State *
#include "target/i386/cpu-state.h"
#include "exec/helper-gen.h"

/* ---- cc_helper.c (translator) ---- */
DEF_HELPER_FLAGS_4(cc_compute_all, TCG_CALL_NO_RWG_SE, tl, tl, tl, tl, i32)
DEF_HELPER_FLAGS_4(cc_compute_c, TCG_CALL_NO_RWG_SE, tl, tl, tl, tl, i32)
DEF_HELPER_3(write_eflags, void, env, tl, i32)
DEF_HELPER_1(read_eflags, tl, env)
/*
 * (DECODE, added) RCL/RCR through CF, pure so that nothing changes before
 * the store: rcl/rcr(value, count, eflags, ot) = the result, rcl_cc/rcr_cc
 * (same arguments) = the new EFLAGS (O S Z A P C) for CC_OP_EFLAGS.
 */
DEF_HELPER_FLAGS_4(rcl, TCG_CALL_NO_RWG_SE, tl, tl, tl, tl, i32)
DEF_HELPER_FLAGS_4(rcr, TCG_CALL_NO_RWG_SE, tl, tl, tl, tl, i32)
DEF_HELPER_FLAGS_4(rcl_cc, TCG_CALL_NO_RWG_SE, tl, tl, tl, tl, i32)
DEF_HELPER_FLAGS_4(rcr_cc, TCG_CALL_NO_RWG_SE, tl, tl, tl, tl, i32)
/* (DECODE, added) #DB with DR6.BS after a single-stepped insn (EIP synced). */
DEF_HELPER_1(single_step, void, env)

/* ---- int_helper.c (translator): divide, BCD, compare-exchange ---- */
DEF_HELPER_2(divb_AL, void, env, tl)
DEF_HELPER_2(idivb_AL, void, env, tl)
DEF_HELPER_2(divw_AX, void, env, tl)
DEF_HELPER_2(idivw_AX, void, env, tl)
DEF_HELPER_2(divl_EAX, void, env, tl)
DEF_HELPER_2(idivl_EAX, void, env, tl)
DEF_HELPER_2(divq_EAX, void, env, tl)
DEF_HELPER_2(idivq_EAX, void, env, tl)
DEF_HELPER_2(aam, void, env, i32)
DEF_HELPER_2(aad, void, env, i32)
DEF_HELPER_1(aaa, void, env)
DEF_HELPER_1(aas, void, env)
DEF_HELPER_1(daa, void, env)
DEF_HELPER_1(das, void, env)
DEF_HELPER_2(cmpxchg8b, void, env, tl)
DEF_HELPER_2(cmpxchg16b, void, env, tl)
DEF_HELPER_3(boundw, void, env, tl, i32)
DEF_HELPER_3(boundl, void, env, tl, i32)

/* ---- excp_helper.c (system) ---- */
DEF_HELPER_2(raise_exception, void, env, i32)
DEF_HELPER_3(raise_exception_err, void, env, i32, i32)
DEF_HELPER_3(raise_interrupt, void, env, i32, i32)   /* intno, next_eip_addend */
DEF_HELPER_2(into, void, env, i32)                   /* next_eip_addend */
DEF_HELPER_2(icebp, void, env, i32)                  /* INT1, next_eip_addend */

/* ---- seg_helper.c (system): segments, far transfers, interrupts ---- */
DEF_HELPER_3(load_seg, void, env, i32, i32)          /* seg_reg, selector */
DEF_HELPER_2(lldt, void, env, i32)
DEF_HELPER_2(ltr, void, env, i32)
DEF_HELPER_4(ljmp_protected, void, env, i32, tl, tl) /* cs, eip, next_eip_addend */
DEF_HELPER_5(lcall_real, void, env, i32, tl, i32, i32) /* cs, eip, shift, next_eip */
DEF_HELPER_5(lcall_protected, void, env, i32, tl, i32, tl) /* cs, eip, shift, addend */
DEF_HELPER_2(iret_real, void, env, i32)              /* shift */
DEF_HELPER_3(iret_protected, void, env, i32, i32)    /* shift, next_eip */
DEF_HELPER_3(lret_protected, void, env, i32, i32)    /* shift, addend */
DEF_HELPER_2(lsl, tl, env, tl)
DEF_HELPER_2(lar, tl, env, tl)
DEF_HELPER_2(verr, void, env, tl)
DEF_HELPER_2(verw, void, env, tl)
DEF_HELPER_1(sysenter, void, env)
DEF_HELPER_2(sysexit, void, env, i32)                /* dflag */
DEF_HELPER_2(syscall, void, env, i32)                /* next_eip_addend */
DEF_HELPER_2(sysret, void, env, i32)                 /* dflag */
DEF_HELPER_4(enter_level, void, env, i32, i32, tl)   /* level, data32, t1 */
DEF_HELPER_4(enter64_level, void, env, i32, i32, tl)

/* ---- misc_helper.c (system): CPUID, MSRs, CRs, DRs, I/O, halt ---- */
DEF_HELPER_1(cpuid, void, env)
DEF_HELPER_1(rdtsc, void, env)
DEF_HELPER_1(rdtscp, void, env)
DEF_HELPER_1(rdpmc, void, env)
DEF_HELPER_1(rdmsr, void, env)
DEF_HELPER_1(wrmsr, void, env)
DEF_HELPER_2(read_crN, tl, env, i32)
DEF_HELPER_3(write_crN, void, env, i32, tl)
DEF_HELPER_2(lmsw, void, env, tl)
DEF_HELPER_1(clts, void, env)
DEF_HELPER_2(invlpg, void, env, tl)
DEF_HELPER_2(get_dr, tl, env, i32)
DEF_HELPER_3(set_dr, void, env, i32, tl)
DEF_HELPER_2(hlt, void, env, i32)                    /* next_eip_addend */
DEF_HELPER_2(pause, void, env, i32)
DEF_HELPER_2(inb, tl, env, i32)
DEF_HELPER_2(inw, tl, env, i32)
DEF_HELPER_2(inl, tl, env, i32)
DEF_HELPER_3(outb, void, env, i32, i32)
DEF_HELPER_3(outw, void, env, i32, i32)
DEF_HELPER_3(outl, void, env, i32, i32)
/* I/O permission: #GP(0) unless CPL <= IOPL or the TSS bitmap allows it. */
DEF_HELPER_2(check_iob, void, env, i32)
DEF_HELPER_2(check_iow, void, env, i32)
DEF_HELPER_2(check_iol, void, env, i32)
DEF_HELPER_2(rdrand, tl, env, i32)                   /* operand size in bytes */

/* ---- translate-system.c (sysinsn): runtime support of the system half ---- */
/* CLFLUSH m8: the checks of a byte load at the linear address, no access. */
DEF_HELPER_2(clflush, void, env, tl)

/* ---- SSE (sse_helper.c): one MMX/SSE insn on the host, see sse-stub.h ---- */
DEF_HELPER_5(sse_exec, i64, env, i64, i32, i64, i64)  /* stub, info, memory lo, hi */
DEF_HELPER_1(sse_emms, void, env)
DEF_HELPER_1(sse_mmx_enter, void, env)                /* TOP = 0, all tags valid */
DEF_HELPER_3(sse_maskmov, void, env, tl, i32)        /* [a0], info: data, mask, mmx */
/* sse_fast.c: XMM/GPR-only insns on a lean stub (sse_fast.h); returns a GPR result */
DEF_HELPER_FLAGS_5(sse_fast, TCG_CALL_NO_WG, i64, env, i64, i32, i64, i64)
/* sse_fast.c: #GP(0) unless 16-byte aligned (no reload of the globals after it) */
DEF_HELPER_FLAGS_2(sse_align16, TCG_CALL_NO_WG, void, env, tl)
/* sse_fp.c: sse_fast for the common FP insns, without MXCSR when it can */
DEF_HELPER_FLAGS_5(sse_fp, TCG_CALL_NO_WG, i64, env, i64, i32, i64, i64)
/*
 * sse_fp.c: one FP insn each, source by value (stub, info, lo, hi): no MXCSR
 * access when the operands allow it, else the stub under the guest MXCSR.
 */
DEF_HELPER_FLAGS_5(sse_addps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_addpd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_addss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_addsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_mulps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_mulpd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_mulss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_mulsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_subps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_subpd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_subss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_subsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_minps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_minpd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_minss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_minsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_divps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_divpd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_divss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_divsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_maxps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_maxpd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_maxss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_maxsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_sqrtps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_sqrtpd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_sqrtss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_sqrtsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_comiss, TCG_CALL_NO_WG, i64, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_comisd, TCG_CALL_NO_WG, i64, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cvtsi2ss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cvtsi2sd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cvtss2si, TCG_CALL_NO_WG, i64, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cvtsd2si, TCG_CALL_NO_WG, i64, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cvtss2sd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cvtsd2ss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cmpps, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cmppd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cmpss, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)
DEF_HELPER_FLAGS_5(sse_cmpsd, TCG_CALL_NO_WG, void, env, i64, i32, i64, i64)

/* ---- fpu_helper.c (X87): x87, FXSAVE/XSAVE images, MXCSR, XCR0 ---- */
/* Waiting x87 insns: #MF (CR0.NE) / FERR for a pending unmasked exception. */
DEF_HELPER_1(fwait, void, env)
/* Register form (b - 0xd8) * 64 + (modrm - 0xc0); eflags in (FCMOV) / out (FCOMI). */
DEF_HELPER_3(fpu_reg, tl, env, i32, tl)
/* Memory form at a0: (b - 0xd8) * 8 + ModRM.reg (loads, stores, arithmetic). */
DEF_HELPER_3(fpu_mem, void, env, tl, i32)
DEF_HELPER_1(fninit, void, env)
DEF_HELPER_1(fnclex, void, env)
DEF_HELPER_1(fnstsw, tl, env)
DEF_HELPER_3(fnstenv, void, env, tl, i32)           /* a0, data32 */
DEF_HELPER_3(fldenv, void, env, tl, i32)
DEF_HELPER_3(fnsave, void, env, tl, i32)
DEF_HELPER_3(frstor, void, env, tl, i32)
DEF_HELPER_3(fxsave, void, env, tl, i32)            /* a0, REX.W */
DEF_HELPER_3(fxrstor, void, env, tl, i32)
DEF_HELPER_3(xsave, void, env, tl, i32)
DEF_HELPER_3(xrstor, void, env, tl, i32)
DEF_HELPER_1(stmxcsr, tl, env)
DEF_HELPER_2(ldmxcsr, void, env, i32)
DEF_HELPER_2(xgetbv, i64, env, i32)                 /* ECX */
DEF_HELPER_3(xsetbv, void, env, i32, i64)

#endif
