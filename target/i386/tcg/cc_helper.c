/*
 * cc_helper.c: the x86 arithmetic flags from the lazy state (CCOp of
 * x86-tcg.h): cc_compute_all/cc_compute_c for every operation and size,
 * EFLAGS as a whole (cpu_compute_eflags / cpu_load_eflags and the
 * read/write helpers behind PUSHF/POPF-style code), and the RCL/RCR
 * helpers. Flags the SDM leaves undefined take QEMU 7.2's values.
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/x86-tcg.h"
#include "target/i386/tcg/helper.h"

static uint64_t cc_mask(int size)
{
    return size == 3 ? ~0ULL : (1ULL << (8 << size)) - 1;
}

static uint64_t cc_sign(uint64_t v, int size)
{
    return (v >> ((8 << size) - 1)) & 1;
}

/* PF, ZF and SF of a result of the given size (inline: per flag helper call). */
static inline __attribute__((always_inline)) uint32_t cc_pzs(uint64_t dst, int size)
{
    uint32_t f = 0;

    dst &= cc_mask(size);
    if (!__builtin_parity((unsigned)(dst & 0xff))) {
        f |= CC_P;
    }
    if (dst == 0) {
        f |= CC_Z;
    }
    if (cc_sign(dst, size)) {
        f |= CC_S;
    }
    return f;
}

uint64_t cc_compute_all(uint64_t dst, uint64_t src1, uint64_t src2, int op)
{
    int size = (op - CC_OP_MULB) & 3;
    uint64_t m = cc_mask(size);
    uint64_t a, b = src1, c = src2 & 1;
    uint32_t f = 0;

    switch (op) {
    case CC_OP_EFLAGS:
        return src1 & CC_ALL_MASK;
    case CC_OP_CLR:
        return CC_Z | CC_P;
    case CC_OP_POPCNT:
        return src1 ? 0 : CC_Z;
    case CC_OP_ADCX:
        return (src1 & CC_ALL_MASK & ~CC_C) | (dst ? CC_C : 0);
    case CC_OP_ADOX:
        return (src1 & CC_ALL_MASK & ~CC_O) | (src2 ? CC_O : 0);
    case CC_OP_ADCOX:
        return (src1 & CC_ALL_MASK & ~(CC_C | CC_O)) | (dst ? CC_C : 0) | (src2 ? CC_O : 0);
    case CC_OP_MULB ... CC_OP_MULQ:
        /* cc_src: non-zero (over all 64 bits) when the high part matters. */
        f = cc_pzs(dst, size);
        if (src1) {
            f |= CC_C | CC_O;
        }
        return f;
    case CC_OP_ADDB ... CC_OP_ADDQ:
        c = 0;
        /* fall through */
    case CC_OP_ADCB ... CC_OP_ADCQ:
        a = dst - b - c;
        f = cc_pzs(dst, size);
        if (c ? (dst & m) <= (a & m) : (dst & m) < (a & m)) {
            f |= CC_C;
        }
        f |= (dst ^ a ^ b) & CC_A;
        if (cc_sign((a ^ b ^ ~0ULL) & (a ^ dst), size)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_SUBB ... CC_OP_SUBQ:
        c = 0;
        /* fall through */
    case CC_OP_SBBB ... CC_OP_SBBQ:
        a = dst + b + c;
        f = cc_pzs(dst, size);
        if (c ? (a & m) <= (b & m) : (a & m) < (b & m)) {
            f |= CC_C;
        }
        f |= (dst ^ a ^ b) & CC_A;
        if (cc_sign((a ^ b) & (a ^ dst), size)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_LOGICB ... CC_OP_LOGICQ:
        return cc_pzs(dst, size);
    case CC_OP_INCB ... CC_OP_INCQ:
        f = cc_pzs(dst, size) | (src1 ? CC_C : 0);
        f |= (dst ^ (dst - 1)) & CC_A;
        if ((dst & m) == (1ULL << ((8 << size) - 1))) {
            f |= CC_O;
        }
        return f;
    case CC_OP_DECB ... CC_OP_DECQ:
        f = cc_pzs(dst, size) | (src1 ? CC_C : 0);
        f |= (dst ^ (dst + 1)) & CC_A;
        if ((dst & m) == (1ULL << ((8 << size) - 1)) - 1) {
            f |= CC_O;
        }
        return f;
    case CC_OP_SHLB ... CC_OP_SHLQ:
        f = cc_pzs(dst, size);
        if (cc_sign(src1, size)) {
            f |= CC_C;
        }
        if (cc_sign(src1 ^ dst, size)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_SARB ... CC_OP_SARQ:
        f = cc_pzs(dst, size);
        if (src1 & 1) {
            f |= CC_C;
        }
        if (cc_sign(src1 ^ dst, size)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_BMILGB ... CC_OP_BMILGQ:
        /* CF: source zero; PF, AF, OF: 0 (as QEMU). */
        if ((dst & m) == 0) {
            f |= CC_Z;
        }
        if (cc_sign(dst, size)) {
            f |= CC_S;
        }
        if ((src1 & m) == 0) {
            f |= CC_C;
        }
        return f;
    default:
        return 0;
    }
}

/*
 * CF alone. The translator computes it inline when it knows the CCOp; this
 * runs when it does not (the first JB/SETB/ADC of a block that starts after
 * a CMP), so the common operations skip cc_compute_all's other flags.
 */
uint64_t cc_compute_c(uint64_t dst, uint64_t src1, uint64_t src2, int op)
{
    uint64_t m = cc_mask((op - CC_OP_MULB) & 3);

    switch (op) {
    case CC_OP_SUBB ... CC_OP_SUBQ:
        return ((dst + src1) & m) < (src1 & m);
    case CC_OP_ADDB ... CC_OP_ADDQ:
        return (dst & m) < ((dst - src1) & m);
    case CC_OP_LOGICB ... CC_OP_LOGICQ:
    case CC_OP_CLR:
    case CC_OP_POPCNT:
        return 0;
    case CC_OP_INCB ... CC_OP_DECQ:
    case CC_OP_MULB ... CC_OP_MULQ:
        return src1 != 0;
    case CC_OP_EFLAGS:
        return src1 & CC_C;
    default:
        return cc_compute_all(dst, src1, src2, op) & CC_C;
    }
}

uint64_t helper_cc_compute_all(uint64_t dst, uint64_t src1, uint64_t src2, uint32_t op)
{
    return cc_compute_all(dst, src1, src2, op);
}

uint64_t helper_cc_compute_c(uint64_t dst, uint64_t src1, uint64_t src2, uint32_t op)
{
    return cc_compute_c(dst, src1, src2, op);
}

uint64_t cpu_compute_eflags(CPUX86State *env)
{
    uint64_t eflags = env->eflags & ~(uint64_t)(CC_ALL_MASK | DF_MASK);

    eflags |= cc_compute_all(env->cc_dst, env->cc_src, env->cc_src2, env->cc_op);
    if (env->df < 0) {
        eflags |= DF_MASK;
    }
    return eflags | 0x2;
}

void cpu_load_eflags(CPUX86State *env, uint64_t eflags, uint64_t update_mask)
{
    const uint32_t hf_bits = HF_TF_MASK | HF_IOPL_MASK | HF_RF_MASK | HF_VM_MASK | HF_AC_MASK;

    env->cc_src = eflags & CC_ALL_MASK;
    env->cc_op = CC_OP_EFLAGS;
    env->df = (eflags & DF_MASK) ? -1 : 1;
    env->eflags = (env->eflags & ~update_mask) | (eflags & update_mask) | 0x2;
    /* The hflags copies sit at the same bit positions as in EFLAGS. */
    env->hflags = (env->hflags & ~hf_bits) | (env->eflags & hf_bits);
}

void helper_write_eflags(CPUX86State *env, uint64_t t0, uint32_t update_mask)
{
    cpu_load_eflags(env, t0, update_mask);
}

uint64_t helper_read_eflags(CPUX86State *env)
{
    /* VM and RF read as 0 through PUSHF. */
    return cpu_compute_eflags(env) & ~(uint64_t)(VM_MASK | RF_MASK);
}

/* ---- RCL/RCR: rotate the (bits + 1)-bit quantity CF:value ---- */

static int rc_count(uint64_t count, uint32_t ot)
{
    int c = count & (ot == 3 ? 63 : 31);

    if (ot == 0) {
        c %= 9;
    } else if (ot == 1) {
        c %= 17;
    }
    return c;
}

uint64_t helper_rcl(uint64_t value, uint64_t count, uint64_t eflags, uint32_t ot)
{
    int bits = 8 << ot, n = rc_count(count, ot);
    uint64_t v = value & cc_mask(ot), res;

    if (n == 0) {
        return value;
    }
    res = (v << n) | ((eflags & CC_C) << (n - 1));
    if (n > 1) {
        res |= v >> (bits + 1 - n);
    }
    return res & cc_mask(ot);
}

uint64_t helper_rcl_cc(uint64_t value, uint64_t count, uint64_t eflags, uint32_t ot)
{
    int bits = 8 << ot, n = rc_count(count, ot);
    uint64_t v = value & cc_mask(ot), res;

    if (n == 0) {
        return eflags;
    }
    res = helper_rcl(value, count, eflags, ot);
    eflags &= ~(uint64_t)(CC_C | CC_O);
    eflags |= (v >> (bits - n)) & 1;
    if (cc_sign(v ^ res, ot)) {
        eflags |= CC_O;
    }
    return eflags;
}

uint64_t helper_rcr(uint64_t value, uint64_t count, uint64_t eflags, uint32_t ot)
{
    int bits = 8 << ot, n = rc_count(count, ot);
    uint64_t v = value & cc_mask(ot), res;

    if (n == 0) {
        return value;
    }
    res = (v >> n) | ((eflags & CC_C) << (bits - n));
    if (n > 1) {
        res |= v << (bits + 1 - n);
    }
    return res & cc_mask(ot);
}

uint64_t helper_rcr_cc(uint64_t value, uint64_t count, uint64_t eflags, uint32_t ot)
{
    int n = rc_count(count, ot);
    uint64_t v = value & cc_mask(ot), res;

    if (n == 0) {
        return eflags;
    }
    res = helper_rcr(value, count, eflags, ot);
    eflags &= ~(uint64_t)(CC_C | CC_O);
    eflags |= (v >> (n - 1)) & 1;
    if (cc_sign(v ^ res, ot)) {
        eflags |= CC_O;
    }
    return eflags;
}
