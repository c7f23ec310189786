/*
 * alu: one inline-asm wrapper per instruction and operand size, and the
 * table alu.c walks.  Each wrapper loads the case's status flags, runs the
 * instruction on registers and saves RFLAGS right after it.
 *
 * Defined flags (the "mask" column), per the Intel SDM Vol. 2 "Flags
 * Affected" section of each instruction:
 *   ADD ADC SUB SBB CMP NEG XADD CMPXCHG: OF SF ZF AF CF PF set.
 *   AND OR XOR TEST: OF=CF=0, SF ZF PF set, "The state of the AF flag is
 *     undefined".
 *   INC DEC: CF not affected, the rest set.  NOT: none affected.
 *   MUL IMUL: OF CF set; "The SF, ZF, AF, and PF flags are undefined".
 *   DIV IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined".
 *   BT BTS BTR BTC: CF = the bit, "The ZF flag is unaffected. The OF, SF,
 *     AF, and PF flags are undefined".
 *   BSF BSR: ZF set; "The CF, OF, SF, AF, and PF flags are undefined";
 *     the destination is undefined for a zero source (masked too).
 *   SETcc CMOVcc BSWAP MOVZX MOVSX MOVSXD CBW...CQO: no flags affected.
 *   Shifts, rotates, SHLD/SHRD: count-dependent, see alu_mask().
 */
#include "alu.h"

#define FIN  "pushfq; andq $~0x8d5, (%%rsp); orq %[fi], (%%rsp); popfq\n\t"
#define FOUT "\n\tpushfq; popq %[fo]"

typedef uint8_t T8;
typedef uint16_t T16;
typedef uint32_t T32;
typedef uint64_t T64;

#define BINX(name, mnem, sz)                                                \
static void name##_##sz(struct alu_case *k)                                 \
{                                                                           \
    T##sz a = (T##sz)k->a, b = (T##sz)k->b;                                 \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN mnem " %[b], %[a]" FOUT                            \
                     : [a] "+r"(a), [fo] "=&r"(fo)                          \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}

#define BIN(op, sz) BINX(op, #op, sz)

#define UN(op, sz)                                                          \
static void op##_##sz(struct alu_case *k)                                   \
{                                                                           \
    T##sz a = (T##sz)k->a;                                                  \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN #op " %[a]" FOUT                                   \
                     : [a] "+r"(a), [fo] "=&r"(fo)                          \
                     : [fi] "r"(k->fi) : "cc", "memory");                   \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}

#define SHIFT(op, sz)                                                       \
static void op##_##sz(struct alu_case *k)                                   \
{                                                                           \
    T##sz a = (T##sz)k->a;                                                  \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN #op " %%cl, %[a]" FOUT                             \
                     : [a] "+r"(a), [fo] "=&r"(fo)                          \
                     : "c"((uint8_t)k->c), [fi] "r"(k->fi) : "cc", "memory"); \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}

#define DSHIFT(op, sz)                                                      \
static void op##_##sz(struct alu_case *k)                                   \
{                                                                           \
    T##sz a = (T##sz)k->a, b = (T##sz)k->b;                                 \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN #op " %%cl, %[b], %[a]" FOUT                       \
                     : [a] "+r"(a), [fo] "=&r"(fo)                          \
                     : [b] "r"(b), "c"((uint8_t)k->c), [fi] "r"(k->fi)      \
                     : "cc", "memory");                                     \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}

/* One-operand MUL/IMUL: rDX:rAX = rAX * b (AX = AL * b for bytes). */
#define MUL8(op)                                                            \
static void op##_8(struct alu_case *k)                                      \
{                                                                           \
    T16 ax = (T8)k->a;                                                      \
    T8 b = (T8)k->b;                                                        \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN #op "b %[b]" FOUT                                  \
                     : "+a"(ax), [fo] "=&r"(fo)                             \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = ax;                                                             \
    k->fo = fo;                                                             \
}
#define MUL(op, sz)                                                         \
static void op##_##sz(struct alu_case *k)                                   \
{                                                                           \
    T##sz lo = (T##sz)k->a, hi, b = (T##sz)k->b;                            \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN #op " %[b]" FOUT                                   \
                     : "+a"(lo), "=d"(hi), [fo] "=&r"(fo)                   \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = lo;                                                             \
    k->r2 = hi;                                                             \
    k->fo = fo;                                                             \
}

/* DIV/IDIV: dividend c:a (c = high half), divisor b; alu.c avoids #DE. */
#define DIV8(op)                                                            \
static void op##_8(struct alu_case *k)                                      \
{                                                                           \
    T16 ax = (T16)(((T8)k->c << 8) | (T8)k->a);                             \
    T8 b = (T8)k->b;                                                        \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN #op "b %[b]" FOUT                                  \
                     : "+a"(ax), [fo] "=&r"(fo)                             \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = ax;                                                             \
    k->fo = fo;                                                             \
}
#define DIV(op, sz)                                                         \
static void op##_##sz(struct alu_case *k)                                   \
{                                                                           \
    T##sz lo = (T##sz)k->a, hi = (T##sz)k->c, b = (T##sz)k->b;              \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN #op " %[b]" FOUT                                   \
                     : "+a"(lo), "+d"(hi), [fo] "=&r"(fo)                   \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = lo;                                                             \
    k->r2 = hi;                                                             \
    k->fo = fo;                                                             \
}

#define IMUL3(name, imm, sz)                                                \
static void name##_##sz(struct alu_case *k)                                 \
{                                                                           \
    T##sz a, b = (T##sz)k->b;                                               \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN "imul $" #imm ", %[b], %[a]" FOUT                  \
                     : [a] "=&r"(a), [fo] "=&r"(fo)                         \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}

/* XADD: a = a + b, b = old a. */
#define XADD(sz)                                                            \
static void xadd_##sz(struct alu_case *k)                                   \
{                                                                           \
    T##sz a = (T##sz)k->a, b = (T##sz)k->b;                                 \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN "xadd %[b], %[a]" FOUT                             \
                     : [a] "+r"(a), [b] "+r"(b), [fo] "=&r"(fo)             \
                     : [fi] "r"(k->fi) : "cc", "memory");                   \
    k->r1 = a;                                                              \
    k->r2 = b;                                                              \
    k->fo = fo;                                                             \
}

/*
 * CMPXCHG a, src with the accumulator = b (so a == b cases exchange);
 * src = a ^ b ^ 0x5a.. so that the stored value is visible.
 */
#define CMPXCHG(sz)                                                         \
static void cmpxchg_##sz(struct alu_case *k)                                \
{                                                                           \
    T##sz a = (T##sz)k->a, acc = (T##sz)k->b;                               \
    T##sz src = (T##sz)(k->a ^ k->b ^ 0x5a5a5a5a5a5a5a5aull);               \
    uint64_t fo;                                                            \
    __asm__ volatile(FIN "cmpxchg %[s], %[a]" FOUT                          \
                     : [a] "+r"(a), "+a"(acc), [fo] "=&r"(fo)               \
                     : [s] "r"(src), [fi] "r"(k->fi) : "cc", "memory");     \
    k->r1 = a;                                                              \
    k->r2 = acc;                                                            \
    k->fo = fo;                                                             \
}

/* SETcc r8 and CMOVcc r16/r32/r64; the 32-bit form writes a 64-bit reg. */
#define SETCC(cc)                                                           \
static void set##cc##_8(struct alu_case *k)                                 \
{                                                                           \
    uint64_t a = k->a, fo;                                                  \
    __asm__ volatile(FIN "set" #cc " %b[a]" FOUT                            \
                     : [a] "+r"(a), [fo] "=&r"(fo)                          \
                     : [fi] "r"(k->fi) : "cc", "memory");                   \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}
#define CMOVCC(cc, sz, mod)                                                 \
static void cmov##cc##_##sz(struct alu_case *k)                             \
{                                                                           \
    uint64_t a = k->a, b = k->b, fo;                                        \
    __asm__ volatile(FIN "cmov" #cc " %" #mod "[b], %" #mod "[a]" FOUT      \
                     : [a] "+r"(a), [fo] "=&r"(fo)                          \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}
#define COND(cc) SETCC(cc) CMOVCC(cc, 16, w) CMOVCC(cc, 32, k) CMOVCC(cc, 64, q)

/* Extensions: "insn" is the full instruction text on a (dest) and b (src). */
#define EXT(name, sz, insn)                                                 \
static void name##_##sz(struct alu_case *k)                                 \
{                                                                           \
    uint64_t a = k->a, b = k->b, fo;                                        \
    __asm__ volatile(FIN insn FOUT                                          \
                     : [a] "+r"(a), [fo] "=&r"(fo)                          \
                     : [b] "r"(b), [fi] "r"(k->fi) : "cc", "memory");       \
    k->r1 = a;                                                              \
    k->fo = fo;                                                             \
}
/* The accumulator forms: a in rAX, b in rDX (cwd/cdq/cqo write it). */
#define ACC(name, insn)                                                     \
static void name##_64(struct alu_case *k)                                   \
{                                                                           \
    uint64_t a = k->a, d = k->b, fo;                                        \
    __asm__ volatile(FIN insn FOUT                                          \
                     : "+a"(a), "+d"(d), [fo] "=&r"(fo)                     \
                     : [fi] "r"(k->fi) : "cc", "memory");                   \
    k->r1 = a;                                                              \
    k->r2 = d;                                                              \
    k->fo = fo;                                                             \
}

#define ALL4(M, op) M(op, 8) M(op, 16) M(op, 32) M(op, 64)
#define W3(M, op) M(op, 16) M(op, 32) M(op, 64)

ALL4(BIN, add) ALL4(BIN, adc) ALL4(BIN, sub) ALL4(BIN, sbb) ALL4(BIN, cmp)
ALL4(BIN, and) ALL4(BIN, or) ALL4(BIN, xor) ALL4(BIN, test)
ALL4(UN, inc) ALL4(UN, dec) ALL4(UN, neg) ALL4(UN, not)
ALL4(SHIFT, shl) ALL4(SHIFT, shr) ALL4(SHIFT, sar) ALL4(SHIFT, rol)
ALL4(SHIFT, ror) ALL4(SHIFT, rcl) ALL4(SHIFT, rcr)
W3(DSHIFT, shld) W3(DSHIFT, shrd)
MUL8(mul) MUL8(imul) W3(MUL, mul) W3(MUL, imul)
DIV8(div) DIV8(idiv) W3(DIV, div) W3(DIV, idiv)
BINX(imul2, "imul", 16) BINX(imul2, "imul", 32) BINX(imul2, "imul", 64)
IMUL3(imul3a, -3, 16) IMUL3(imul3a, -3, 32) IMUL3(imul3a, -3, 64)
IMUL3(imul3b, 0x7ff1, 16) IMUL3(imul3b, 0x7ff1, 32) IMUL3(imul3b, 0x7ff1, 64)
W3(BIN, bt) W3(BIN, bts) W3(BIN, btr) W3(BIN, btc)
W3(BIN, bsf) W3(BIN, bsr)
XADD(8) XADD(16) XADD(32) XADD(64)
CMPXCHG(8) CMPXCHG(16) CMPXCHG(32) CMPXCHG(64)
UN(bswap, 32) UN(bswap, 64)
COND(o) COND(no) COND(b) COND(ae) COND(e) COND(ne) COND(be) COND(a)
COND(s) COND(ns) COND(p) COND(np) COND(l) COND(ge) COND(le) COND(g)
EXT(movzb, 16, "movzbw %b[b], %w[a]") EXT(movzb, 32, "movzbl %b[b], %k[a]")
EXT(movzb, 64, "movzbq %b[b], %q[a]") EXT(movzw, 32, "movzwl %w[b], %k[a]")
EXT(movzw, 64, "movzwq %w[b], %q[a]") EXT(movsb, 16, "movsbw %b[b], %w[a]")
EXT(movsb, 32, "movsbl %b[b], %k[a]") EXT(movsb, 64, "movsbq %b[b], %q[a]")
EXT(movsw, 32, "movswl %w[b], %k[a]") EXT(movsw, 64, "movswq %w[b], %q[a]")
EXT(movsxd, 64, "movslq %k[b], %q[a]") EXT(mov, 32, "movl %k[b], %k[a]")
EXT(mov, 16, "movw %w[b], %w[a]") EXT(mov, 8, "movb %b[b], %b[a]")
ACC(cbw, "cbtw") ACC(cwde, "cwtl") ACC(cdqe, "cltq")
ACC(cwd, "cwtd") ACC(cdq, "cltd") ACC(cqo, "cqto")

#define F_LOGIC (F_ALL & ~F_AF)
#define F_MUL (F_CF | F_OF)
#define F_BT (F_CF | F_ZF)
#define O4(op, kind, mask)                                                  \
    { #op, 8, kind, op##_8, mask }, { #op, 16, kind, op##_16, mask },       \
    { #op, 32, kind, op##_32, mask }, { #op, 64, kind, op##_64, mask },
#define O3(op, kind, mask)                                                  \
    { #op, 16, kind, op##_16, mask }, { #op, 32, kind, op##_32, mask },     \
    { #op, 64, kind, op##_64, mask },
#define OC(cc)                                                              \
    { "set" #cc, 8, K_COND, set##cc##_8, F_ALL },                           \
    O3(cmov##cc, K_COND, F_ALL)

const struct alu_op alu_ops[] = {
    O4(add, K_BIN, F_ALL) O4(adc, K_BIN, F_ALL) O4(sub, K_BIN, F_ALL)
    O4(sbb, K_BIN, F_ALL) O4(cmp, K_BIN, F_ALL)
    O4(and, K_BIN, F_LOGIC) O4(or, K_BIN, F_LOGIC) O4(xor, K_BIN, F_LOGIC)
    O4(test, K_BIN, F_LOGIC)
    O4(inc, K_UN, F_ALL) O4(dec, K_UN, F_ALL) O4(neg, K_UN, F_ALL)
    O4(not, K_UN, F_ALL)
    O4(shl, K_SHIFT, 0) O4(shr, K_SHIFT, 0) O4(sar, K_SHIFT, 0)
    O4(rol, K_SHIFT, 0) O4(ror, K_SHIFT, 0) O4(rcl, K_SHIFT, 0)
    O4(rcr, K_SHIFT, 0)
    O3(shld, K_DSHIFT, 0) O3(shrd, K_DSHIFT, 0)
    O4(mul, K_MUL, F_MUL) O4(imul, K_MUL, F_MUL)
    O4(div, K_DIV, 0) O4(idiv, K_IDIV, 0)
    O3(imul2, K_BIN, F_MUL)
    O3(imul3a, K_BIN, F_MUL) O3(imul3b, K_BIN, F_MUL)
    O3(bt, K_BIN, F_BT) O3(bts, K_BIN, F_BT) O3(btr, K_BIN, F_BT)
    O3(btc, K_BIN, F_BT)
    O3(bsf, K_BIN, F_ZF) O3(bsr, K_BIN, F_ZF)
    O4(xadd, K_BIN, F_ALL) O4(cmpxchg, K_BIN, F_ALL)
    { "bswap", 32, K_UN, bswap_32, F_ALL }, { "bswap", 64, K_UN, bswap_64, F_ALL },
    OC(o) OC(no) OC(b) OC(ae) OC(e) OC(ne) OC(be) OC(a)
    OC(s) OC(ns) OC(p) OC(np) OC(l) OC(ge) OC(le) OC(g)
    { "movzb", 16, K_EXT, movzb_16, F_ALL }, { "movzb", 32, K_EXT, movzb_32, F_ALL },
    { "movzb", 64, K_EXT, movzb_64, F_ALL }, { "movzw", 32, K_EXT, movzw_32, F_ALL },
    { "movzw", 64, K_EXT, movzw_64, F_ALL }, { "movsb", 16, K_EXT, movsb_16, F_ALL },
    { "movsb", 32, K_EXT, movsb_32, F_ALL }, { "movsb", 64, K_EXT, movsb_64, F_ALL },
    { "movsw", 32, K_EXT, movsw_32, F_ALL }, { "movsw", 64, K_EXT, movsw_64, F_ALL },
    { "movsxd", 64, K_EXT, movsxd_64, F_ALL }, { "mov", 32, K_EXT, mov_32, F_ALL },
    { "mov", 16, K_EXT, mov_16, F_ALL }, { "mov", 8, K_EXT, mov_8, F_ALL },
    { "cbw", 64, K_EXT, cbw_64, F_ALL }, { "cwde", 64, K_EXT, cwde_64, F_ALL },
    { "cdqe", 64, K_EXT, cdqe_64, F_ALL }, { "cwd", 64, K_EXT, cwd_64, F_ALL },
    { "cdq", 64, K_EXT, cdq_64, F_ALL }, { "cqo", 64, K_EXT, cqo_64, F_ALL },
};
const unsigned alu_nops = sizeof(alu_ops) / sizeof(alu_ops[0]);
