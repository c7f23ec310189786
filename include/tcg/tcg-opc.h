/*
 * tcg-opc.h: the TCG opcodes, as an X-macro:
 *   DEF(name, outputs, inputs, constant args, TCG_OPF_* flags)
 * Operands of an op are args[0 .. oargs-1] (outputs, temps), then the
 * inputs (temps), then the constant args (raw values: a TCGCond, a label
 * pointer, an offset, a MemOpIdx...). Calls are variable (see tcg.h).
 * Semantics follow QEMU's tcg/README; where an op's result is undefined
 * (division by zero or INT_MIN / -1, shift counts >= width) front ends
 * must not rely on it and tests do not compare it.
 */

/* Generic. */
DEF(discard, 1, 0, 0, TCG_OPF_NOT_PRESENT)
DEF(set_label, 0, 0, 1, TCG_OPF_BB_END | TCG_OPF_NOT_PRESENT)
/* call: oargs = op->param1, iargs = op->param2, then func, info. */
DEF(call, 0, 0, 3, TCG_OPF_CALL_CLOBBER | TCG_OPF_NOT_PRESENT)
DEF(br, 0, 0, 1, TCG_OPF_BB_END)
/* mb: a memory barrier, arg is TCG_MO_* | TCG_BAR_* (x86 hosts: nop or mfence). */
DEF(mb, 0, 0, 1, TCG_OPF_SIDE_EFFECTS)

#define DEF_INT(T, F) \
    DEF(mov_##T, 1, 1, 0, TCG_OPF_NOT_PRESENT | F) \
    DEF(setcond_##T, 1, 2, 1, F) \
    DEF(negsetcond_##T, 1, 2, 1, F) \
    DEF(movcond_##T, 1, 4, 1, F) \
    DEF(ld8u_##T, 1, 1, 1, F) \
    DEF(ld8s_##T, 1, 1, 1, F) \
    DEF(ld16u_##T, 1, 1, 1, F) \
    DEF(ld16s_##T, 1, 1, 1, F) \
    DEF(ld_##T, 1, 1, 1, F) \
    DEF(st8_##T, 0, 2, 1, TCG_OPF_SIDE_EFFECTS | F) \
    DEF(st16_##T, 0, 2, 1, TCG_OPF_SIDE_EFFECTS | F) \
    DEF(st_##T, 0, 2, 1, TCG_OPF_SIDE_EFFECTS | F) \
    DEF(add_##T, 1, 2, 0, F) \
    DEF(sub_##T, 1, 2, 0, F) \
    DEF(mul_##T, 1, 2, 0, F) \
    DEF(div_##T, 1, 2, 0, F) \
    DEF(divu_##T, 1, 2, 0, F) \
    DEF(rem_##T, 1, 2, 0, F) \
    DEF(remu_##T, 1, 2, 0, F) \
    DEF(and_##T, 1, 2, 0, F) \
    DEF(or_##T, 1, 2, 0, F) \
    DEF(xor_##T, 1, 2, 0, F) \
    DEF(andc_##T, 1, 2, 0, F) \
    DEF(orc_##T, 1, 2, 0, F) \
    DEF(eqv_##T, 1, 2, 0, F) \
    DEF(nand_##T, 1, 2, 0, F) \
    DEF(nor_##T, 1, 2, 0, F) \
    DEF(shl_##T, 1, 2, 0, F) \
    DEF(shr_##T, 1, 2, 0, F) \
    DEF(sar_##T, 1, 2, 0, F) \
    DEF(rotl_##T, 1, 2, 0, F) \
    DEF(rotr_##T, 1, 2, 0, F) \
    /* deposit: ret = arg1 with len bits at pos replaced by arg2's low bits */ \
    DEF(deposit_##T, 1, 2, 2, F) \
    /* extract/sextract: ret = (arg >> pos) & ((1 << len) - 1), sign-extended */ \
    DEF(extract_##T, 1, 1, 2, F) \
    DEF(sextract_##T, 1, 1, 2, F) \
    DEF(brcond_##T, 0, 2, 2, TCG_OPF_BB_END | TCG_OPF_COND_BRANCH | F) \
    /* add2/sub2: (out_lo, out_hi) = (in1_lo, in1_hi) +/- (in2_lo, in2_hi) */ \
    DEF(add2_##T, 2, 4, 0, F) \
    DEF(sub2_##T, 2, 4, 0, F) \
    /* mulu2/muls2: (out_lo, out_hi) = in1 * in2, double width */ \
    DEF(mulu2_##T, 2, 2, 0, F) \
    DEF(muls2_##T, 2, 2, 0, F) \
    DEF(muluh_##T, 1, 2, 0, F) \
    DEF(mulsh_##T, 1, 2, 0, F) \
    DEF(ext8s_##T, 1, 1, 0, F) \
    DEF(ext8u_##T, 1, 1, 0, F) \
    DEF(ext16s_##T, 1, 1, 0, F) \
    DEF(ext16u_##T, 1, 1, 0, F) \
    /* bswap: const arg is TCG_BSWAP_* flags */ \
    DEF(bswap16_##T, 1, 1, 1, F) \
    DEF(bswap32_##T, 1, 1, 1, F) \
    DEF(not_##T, 1, 1, 0, F) \
    DEF(neg_##T, 1, 1, 0, F) \
    /* clz/ctz: ret = count, or arg2 when arg1 is zero */ \
    DEF(clz_##T, 1, 2, 0, F) \
    DEF(ctz_##T, 1, 2, 0, F) \
    DEF(ctpop_##T, 1, 1, 0, F)

DEF_INT(i32, 0)
DEF_INT(i64, TCG_OPF_64BIT)
#undef DEF_INT

/* 64-bit only. */
DEF(ld32u_i64, 1, 1, 1, TCG_OPF_64BIT)
DEF(ld32s_i64, 1, 1, 1, TCG_OPF_64BIT)
DEF(st32_i64, 0, 2, 1, TCG_OPF_SIDE_EFFECTS | TCG_OPF_64BIT)
DEF(ext32s_i64, 1, 1, 0, TCG_OPF_64BIT)
DEF(ext32u_i64, 1, 1, 0, TCG_OPF_64BIT)
DEF(bswap64_i64, 1, 1, 1, TCG_OPF_64BIT)
/* Size changes: i32 -> i64 (sign/zero), i64 -> i32 (low/high half). */
DEF(ext_i32_i64, 1, 1, 0, TCG_OPF_64BIT)
DEF(extu_i32_i64, 1, 1, 0, TCG_OPF_64BIT)
DEF(extrl_i64_i32, 1, 1, 0, 0)
DEF(extrh_i64_i32, 1, 1, 0, 0)

/* Guest control flow and state. */
/* insn_start: TCG_INSN_START_WORDS words of guest state (word 0 = pc). */
DEF(insn_start, 0, 0, TCG_INSN_START_WORDS, TCG_OPF_NOT_PRESENT)
/* exit_tb: return the constant to cpu_exec (tb | TB_EXIT_*, or 0). */
DEF(exit_tb, 0, 0, 1, TCG_OPF_BB_EXIT | TCG_OPF_BB_END)
/* goto_tb: patchable direct jump n (0 or 1) to another TB. */
DEF(goto_tb, 0, 0, 1, TCG_OPF_BB_EXIT | TCG_OPF_BB_END)
/* goto_ptr: jump to host code at the pointer (from helper_lookup_tb_ptr). */
DEF(goto_ptr, 0, 1, 0, TCG_OPF_BB_EXIT | TCG_OPF_BB_END)

/*
 * Guest memory: address is an i64 guest virtual address, const arg a
 * MemOpIdx. Faults leave through the slow path's helper, so these are
 * calls as far as globals are concerned.
 */
DEF(qemu_ld_i32, 1, 1, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
DEF(qemu_st_i32, 0, 2, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
DEF(qemu_ld_i64, 1, 1, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS |
    TCG_OPF_64BIT)
DEF(qemu_st_i64, 0, 2, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS |
    TCG_OPF_64BIT)

#undef DEF
