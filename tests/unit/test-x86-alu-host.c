/*
 * test-x86-alu-host.c: differential test of Keel's x86 translator
 * against the host CPU. Each integer instruction (ALU, shifts and
 * rotates, MUL/DIV, bit operations, CMOVcc/SETcc, moves and
 * conversions), in 64-bit mode at each operand size, runs over edge-case
 * register values both on the host (the same bytes in an executable
 * stub that loads RAX/RCX/RDX/RBX and RFLAGS, executes them and saves
 * the results with PUSHFQ) and in a TCG vCPU; results must match, and so
 * must the flags the SDM defines for that instruction and count (the
 * undefined ones are masked out: the host is real hardware).
 */
#include "qemu/osdep.h"
#include <cpuid.h>
#include <sys/mman.h>
#include "test-x86-sysinsn-common.h"

#define ARITH (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C)

/* How the defined flags depend on the instruction. */
typedef enum AluKind {
    K_ALL,          /* every arithmetic flag defined (ADD, SUB, INC, ...) */
    K_LOGIC,        /* AF undefined */
    K_SHIFT,        /* SHL/SHR/SAR: by masked count */
    K_ROT,          /* ROL/ROR */
    K_RC,           /* RCL/RCR */
    K_SHD,          /* SHLD/SHRD */
    K_MUL,          /* CF, OF */
    K_DIV,          /* no flags; skip cases that would raise #DE */
    K_BT,           /* CF (ZF unaffected) */
    K_BSF,          /* ZF; destination undefined for a zero source */
} AluKind;

typedef struct AluInsn {
    const char *name;
    uint8_t bytes[8];
    int len;
    AluKind kind;
    int size;       /* log2 of the operand size in bytes */
    int count_imm;  /* shifts: the immediate count, or -1 for CL (or 1 for D0/D1) */
    bool sign;      /* DIV: IDIV */
    bool need_popcnt, need_lahf;
    int setcc;      /* >= 0: followed by SETcc BL of this condition (same TB) */
    bool few;       /* run over fewer values (the SETcc combinations) */
} AluInsn;

/* The host's registers around the instruction (the stub's layout). */
typedef struct HostRegs {
    uint64_t rax, rcx, rdx, rbx, flags_in, flags_out;
    uint64_t mem;       /* [rdi + 0x30]: the memory operand of the "m" forms */
} HostRegs;

/* Where [rdi + 0x30] is in guest memory (RDI = HOST_MEM_RDI in the vCPU). */
#define HOST_MEM_RDI 0x3000ull
#define HOST_MEM_OFS 0x30

typedef void (*HostStub)(HostRegs *r);

static const uint64_t values[] = {
    0, 1, 2, 7, 0x0f, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x12345, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x00000000deadbeefull,
    0x8000000000000001ull, 0x0000000100000001ull, 0xaaaaaaaa55555555ull,
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

static const uint64_t flags_in[] = {
    0x202, 0x202 | ARITH, 0x202 | CC_C | CC_Z, 0x202 | CC_O | CC_A,
};
#define NFLAGS (sizeof(flags_in) / sizeof(flags_in[0]))

static HostStub host_stub_new(const AluInsn *insn, void **mem)
{
    static const uint8_t head[] = {
        0x53, 0x57, 0x48, 0x8b, 0x07, 0x48, 0x8b, 0x4f, 0x08, 0x48, 0x8b, 0x57, 0x10,
        0x48, 0x8b, 0x5f, 0x18, 0xff, 0x77, 0x20, 0x9d,
    };
    static const uint8_t tail[] = {
        0x9c, 0x8f, 0x47, 0x28, 0x48, 0x89, 0x07, 0x48, 0x89, 0x4f, 0x08, 0x48, 0x89,
        0x57, 0x10, 0x48, 0x89, 0x5f, 0x18, 0x5f, 0x5b, 0xc3,
    };
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert(p != MAP_FAILED);
    memcpy(p, head, sizeof(head));
    memcpy(p + sizeof(head), insn->bytes, insn->len);
    memcpy(p + sizeof(head) + insn->len, tail, sizeof(tail));
    g_assert(mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0);
    *mem = p;
    return (HostStub)(void *)p;
}

static int size_bits(int size)
{
    return 8 << size;
}

/* The flags the SDM defines for this case. */
static uint64_t defined_flags(const AluInsn *insn, const HostRegs *in)
{
    int bits = size_bits(insn->size);
    int c;

    switch (insn->kind) {
    case K_ALL:
        return ARITH;
    case K_LOGIC:
        return ARITH & ~CC_A;
    case K_MUL:
        return CC_C | CC_O;
    case K_DIV:
        return 0;
    case K_BT:
        return CC_C | CC_Z;
    case K_BSF:
        return CC_Z;
    default:
        break;
    }
    c = insn->count_imm >= 0 ? insn->count_imm : (int)(in->rcx & 0xff);
    c &= insn->size == 3 ? 63 : 31;
    if (c == 0) {
        return ARITH;
    }
    switch (insn->kind) {
    case K_SHIFT:
        if (c >= bits) {
            return CC_S | CC_Z | CC_P;
        }
        return c == 1 ? ARITH & ~CC_A : CC_S | CC_Z | CC_P | CC_C;
    case K_ROT:
    case K_RC:
        return (ARITH & ~(CC_O | CC_C)) | CC_C | (c == 1 ? CC_O : 0);
    default:    /* K_SHD */
        return c == 1 ? ARITH & ~CC_A : CC_S | CC_Z | CC_P | CC_C;
    }
}

/* The flags condition cc (Jcc numbering) reads. */
static uint64_t cc_needs(int cc)
{
    static const uint64_t need[8] = {
        CC_O, CC_C, CC_Z, CC_C | CC_Z, CC_S, CC_P, CC_S | CC_O, CC_S | CC_O | CC_Z,
    };

    return need[(cc >> 1) & 7];
}

/* Would this DIV/IDIV raise #DE (which the host must not see)? */
static bool div_faults(const AluInsn *insn, const HostRegs *r)
{
    int bits = size_bits(insn->size);

    if (insn->size == 3) {
        unsigned __int128 n = ((unsigned __int128)r->rdx << 64) | r->rax;
        __int128 q;

        if (r->rcx == 0) {
            return true;
        }
        if (!insn->sign) {
            return r->rdx >= r->rcx;
        }
        if ((int64_t)r->rcx == -1) {
            return (__int128)n == (__int128)((unsigned __int128)1 << 127) ||
                   -(__int128)n != (int64_t)-(__int128)n;
        }
        q = (__int128)n / (int64_t)r->rcx;
        return q != (int64_t)q;
    } else {
        uint64_t mask = (1ull << bits) - 1;
        uint64_t den = r->rcx & mask;
        uint64_t hi = insn->size == 0 ? (r->rax >> 8) & 0xff : r->rdx & mask;
        uint64_t lo = r->rax & mask;
        uint64_t n = (hi << bits) | lo;

        if (den == 0) {
            return true;
        }
        if (!insn->sign) {
            return n / den > mask;
        }
        {
            int64_t sn = (int64_t)(n << (64 - 2 * bits)) >> (64 - 2 * bits);
            int64_t sd = (int64_t)(den << (64 - bits)) >> (64 - bits);
            int64_t q = sn / sd;
            int64_t lim = (int64_t)1 << (bits - 1);

            return q >= lim || q < -lim;
        }
    }
}

static bool host_has(unsigned leaf, int reg, unsigned bit)
{
    unsigned r[4];

    if (!__get_cpuid_count(leaf, 0, &r[0], &r[1], &r[2], &r[3])) {
        return false;
    }
    return r[reg] & bit;
}

static bool keel_has(XTMachine *m, uint32_t leaf, int reg, uint32_t bit)
{
    const X86CPUIDEntry *e = x86_cpuid_find(&m->cpu->cpuid, leaf, 0);
    uint32_t v[4];

    if (!e) {
        return false;
    }
    v[0] = e->eax, v[1] = e->ebx, v[2] = e->ecx, v[3] = e->edx;
    return v[reg] & bit;
}

static unsigned run_insn(XTMachine *m, const AluInsn *insn)
{
    void *mem;
    HostStub stub = host_stub_new(insn, &mem);
    uint8_t code[16];
    unsigned cases = 0;

    memcpy(code, insn->bytes, insn->len);
    code[insn->len] = 0xf4;
    xt_code(m, code, insn->len + 1);
    size_t nv = insn->few ? 12 : NVALUES, nf = insn->few ? 2 : NFLAGS;

    for (size_t i = 0; i < nv; i++) {
        for (size_t j = 0; j < nv; j++) {
            for (size_t f = 0; f < nf; f++) {
                HostRegs in = {
                    .rax = values[i], .rcx = values[j],
                    .rdx = (f & 1) ? values[(i + j) % NVALUES] : values[j] >> 7,
                    .rbx = (f & 2) ? values[i] : values[(i * 7 + j) % NVALUES],
                    .flags_in = flags_in[f],
                    .mem = values[(i * 3 + j * 5 + f) % NVALUES],
                };
                HostRegs h = in;
                CPUX86State *env = m->env;
                uint64_t mask, kf;
                bool cmp_rax = true;

                if (insn->kind == K_DIV && div_faults(insn, &in)) {
                    continue;
                }
                if (insn->kind == K_SHD && insn->size == 1 &&
                    ((insn->count_imm >= 0 ? insn->count_imm : (int)in.rcx) & 31) > 16) {
                    continue;   /* result and flags undefined */
                }
                stub(&h);

                env->regs[R_EAX] = in.rax;
                env->regs[R_ECX] = in.rcx;
                env->regs[R_EDX] = in.rdx;
                env->regs[R_EBX] = in.rbx;
                env->regs[R_EDI] = HOST_MEM_RDI;
                xt_wq(m, HOST_MEM_RDI + HOST_MEM_OFS, in.mem);
                env->eflags = 0x2;
                cpu_load_eflags(env, in.flags_in, 0);
                env->eip = XT_CODE;
                xt_run(m);
                if (xt_vector(m) != -1 || env->eip != XT_CODE + insn->len + 1) {
                    g_error("%s: exception %d at %" PRIx64 " (rax=%" PRIx64 " rcx=%" PRIx64 ")",
                            insn->name, xt_vector(m), env->eip, in.rax, in.rcx);
                }
                kf = cpu_compute_eflags(env);
                mask = defined_flags(insn, &in);
                if (insn->kind == K_BSF &&
                    ((strstr(insn->name, "-m") ? in.mem : in.rcx) &
                     ((2ull << (size_bits(insn->size) - 1)) - 1)) == 0) {
                    cmp_rax = false;    /* destination undefined */
                }
                if (insn->setcc >= 0 && (cc_needs(insn->setcc) & ~mask)) {
                    /* The condition reads an undefined flag. */
                    h.rbx = env->regs[R_EBX];
                }
                if ((cmp_rax && env->regs[R_EAX] != h.rax) || env->regs[R_ECX] != h.rcx ||
                    xt_rq(m, HOST_MEM_RDI + HOST_MEM_OFS) != h.mem ||
                    env->regs[R_EDX] != h.rdx || env->regs[R_EBX] != h.rbx ||
                    (kf & mask) != (h.flags_out & mask)) {
                    g_error("%s: in rax=%" PRIx64 " rcx=%" PRIx64 " rdx=%" PRIx64
                            " rbx=%" PRIx64 " fl=%" PRIx64 "\n"
                            " host rax=%" PRIx64 " rcx=%" PRIx64 " rdx=%" PRIx64
                            " rbx=%" PRIx64 " fl=%" PRIx64 "\n"
                            " keel rax=%" PRIx64 " rcx=%" PRIx64 " rdx=%" PRIx64
                            " rbx=%" PRIx64 " fl=%" PRIx64 " (mask %" PRIx64 ")\n"
                            " mem in %" PRIx64 " host %" PRIx64 " keel %" PRIx64,
                            insn->name, in.rax, in.rcx, in.rdx, in.rbx, in.flags_in,
                            h.rax, h.rcx, h.rdx, h.rbx, h.flags_out & ARITH,
                            env->regs[R_EAX], env->regs[R_ECX], env->regs[R_EDX],
                            env->regs[R_EBX], kf & ARITH, mask,
                            in.mem, h.mem, xt_rq(m, HOST_MEM_RDI + HOST_MEM_OFS));
                }
                cases++;
            }
        }
    }
    munmap(mem, 4096);
    return cases;
}

/* Prefix for operand size: 8-bit (byte opcode), 16 (66), 32, 64 (REX.W). */
static int put_size(uint8_t *p, int size)
{
    if (size == 1) {
        p[0] = 0x66;
        return 1;
    }
    if (size == 3) {
        p[0] = 0x48;
        return 1;
    }
    return 0;
}

static void add_insn(GArray *a, const char *name, int size, AluKind kind, int count_imm,
                     const uint8_t *op, int oplen)
{
    AluInsn i = { .kind = kind, .size = size, .count_imm = count_imm, .setcc = -1 };
    int n = 0;

    if (size == 1 && op[0] == 0x66) {
        /* the caller spelled the prefix itself */
    }
    n = put_size(i.bytes, size);
    memcpy(i.bytes + n, op, oplen);
    i.len = n + oplen;
    i.name = g_strdup_printf("%s/%d", name, 8 << size);
    g_array_append_val(a, i);
}

#define ADD(name, size, kind, cnt, ...) \
    add_insn(a, name, size, kind, cnt, (const uint8_t[]){ __VA_ARGS__ }, \
             sizeof((const uint8_t[]){ __VA_ARGS__ }))

/*
 * An operation followed by SETcc BL in the same TB, for every condition:
 * the translator evaluates conditions from the lazy state of the
 * operation (CMP; SETL is a signed compare of the operands) rather than
 * from materialised flags.
 */
static void add_setcc_combos(GArray *a)
{
    static const struct {
        const char *name;
        AluKind kind;
        int count;
        uint8_t op[4];
        int len;
    } ops[] = {
        { "add", K_ALL, 0, { 0x01, 0xc8 }, 2 },
        { "sub", K_ALL, 0, { 0x29, 0xc8 }, 2 },
        { "cmp", K_ALL, 0, { 0x39, 0xc8 }, 2 },
        { "adc", K_ALL, 0, { 0x11, 0xc8 }, 2 },
        { "sbb", K_ALL, 0, { 0x19, 0xc8 }, 2 },
        { "and", K_LOGIC, 0, { 0x21, 0xc8 }, 2 },
        { "test", K_LOGIC, 0, { 0x85, 0xc8 }, 2 },
        { "xor", K_LOGIC, 0, { 0x31, 0xc8 }, 2 },
        { "inc", K_ALL, 0, { 0xff, 0xc0 }, 2 },
        { "dec", K_ALL, 0, { 0xff, 0xc8 }, 2 },
        { "neg", K_ALL, 0, { 0xf7, 0xd8 }, 2 },
        { "shl1", K_SHIFT, 1, { 0xc1, 0xe0, 0x01 }, 3 },
        { "shl5", K_SHIFT, 5, { 0xc1, 0xe0, 0x05 }, 3 },
        { "shrcl", K_SHIFT, -1, { 0xd3, 0xe8 }, 2 },
        { "sar3", K_SHIFT, 3, { 0xc1, 0xf8, 0x03 }, 3 },
        { "rol1", K_ROT, 1, { 0xc1, 0xc0, 0x01 }, 3 },
        { "imul", K_MUL, 0, { 0x0f, 0xaf, 0xc1 }, 3 },
        { "bt", K_BT, 0, { 0x0f, 0xa3, 0xc8 }, 3 },
        { "bsf", K_BSF, 0, { 0x0f, 0xbc, 0xc1 }, 3 },
        { "xadd", K_ALL, 0, { 0x0f, 0xc1, 0xc8 }, 3 },
        { "cmpxchg", K_ALL, 0, { 0x0f, 0xb1, 0xca }, 3 },
    };

    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        for (int size = 1; size < 4; size++) {
            for (int cc = 0; cc < 16; cc++) {
                AluInsn i = { .kind = ops[k].kind, .size = size, .count_imm = ops[k].count,
                              .setcc = cc, .few = true };
                int n = put_size(i.bytes, size);

                memcpy(i.bytes + n, ops[k].op, ops[k].len);
                n += ops[k].len;
                i.bytes[n++] = 0x0f;
                i.bytes[n++] = 0x90 + cc;
                i.bytes[n++] = 0xc3;
                i.len = n;
                i.name = g_strdup_printf("%s/%d+setcc%x", ops[k].name, 8 << size, cc);
                g_array_append_val(a, i);
            }
        }
    }
}

/*
 * Memory forms: the read-modify-write paths (flags set after the store)
 * with the operand at [rdi + 0x30], ModRM 0x47 | reg << 3 with a disp8.
 */
static void add_mem_forms(GArray *a)
{
    static const char *const alu[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
    static const char *const sh[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };

    for (int size = 0; size < 4; size++) {
        int w = size > 0;

        for (int op = 0; op < 8; op++) {
            AluKind k = (op == 1 || op == 4 || op == 6) ? K_LOGIC : K_ALL;

            ADD(alu[op], size, k, 0, (uint8_t)(op * 8 + w), 0x4f, HOST_MEM_OFS);  /* m, ecx */
            ADD(alu[op], size, k, 0, (uint8_t)(op * 8 + 2 + w), 0x47, HOST_MEM_OFS); /* eax, m */
            ADD(alu[op], size, k, 0, (uint8_t)(0x80 + (w ? 3 : 0)), (uint8_t)(0x47 | op << 3),
                HOST_MEM_OFS, 0x85);
            if (op != 6) {
                AluKind sk = op < 2 ? K_ROT : op < 4 ? K_RC : K_SHIFT;

                ADD(sh[op], size, sk, -1, (uint8_t)(0xd2 + w), (uint8_t)(0x47 | op << 3),
                    HOST_MEM_OFS);
                ADD(sh[op], size, sk, 3, (uint8_t)(0xc0 + w), (uint8_t)(0x47 | op << 3),
                    HOST_MEM_OFS, 3);
            }
        }
        ADD("inc-m", size, K_ALL, 0, (uint8_t)(0xfe + w), 0x47, HOST_MEM_OFS);
        ADD("dec-m", size, K_ALL, 0, (uint8_t)(0xfe + w), 0x4f, HOST_MEM_OFS);
        ADD("not-m", size, K_ALL, 0, (uint8_t)(0xf6 + w), 0x57, HOST_MEM_OFS);
        ADD("neg-m", size, K_ALL, 0, (uint8_t)(0xf6 + w), 0x5f, HOST_MEM_OFS);
        if (size == 0) {
            ADD("test-m", size, K_LOGIC, 0, 0xf6, 0x47, HOST_MEM_OFS, 0x5a);
        } else if (size == 1) {
            ADD("test-m", size, K_LOGIC, 0, 0xf7, 0x47, HOST_MEM_OFS, 0x5a, 0x80);
        } else {
            ADD("test-m", size, K_LOGIC, 0, 0xf7, 0x47, HOST_MEM_OFS, 0x5a, 0x00, 0x00, 0x80);
        }
        ADD("xchg-m", size, K_ALL, 0, (uint8_t)(0x86 + w), 0x4f, HOST_MEM_OFS);
        ADD("xadd-m", size, K_ALL, 0, 0x0f, (uint8_t)(0xc0 + w), 0x4f, HOST_MEM_OFS);
        ADD("cmpxchg-m", size, K_ALL, 0, 0x0f, (uint8_t)(0xb0 + w), 0x4f, HOST_MEM_OFS);
        ADD("mul-m", size, K_MUL, 0, (uint8_t)(0xf6 + w), 0x67, HOST_MEM_OFS);
        if (size > 0) {
            ADD("imul2-m", size, K_MUL, 0, 0x0f, 0xaf, 0x47, HOST_MEM_OFS);
            ADD("shld-m", size, K_SHD, -1, 0x0f, 0xa5, 0x4f, HOST_MEM_OFS);
            ADD("shrdi-m", size, K_SHD, 5, 0x0f, 0xac, 0x4f, HOST_MEM_OFS, 5);
            ADD("bti-m", size, K_BT, 0, 0x0f, 0xba, 0x6f, HOST_MEM_OFS, 0x07);
            ADD("bsf-m", size, K_BSF, 0, 0x0f, 0xbc, 0x47, HOST_MEM_OFS);
            ADD("movsxb-m", size, K_ALL, 0, 0x0f, 0xbe, 0x47, HOST_MEM_OFS);
            for (int cc = 0; cc < 16; cc += 5) {
                ADD("cmovcc-m", size, K_ALL, 0, 0x0f, (uint8_t)(0x40 + cc), 0x47, HOST_MEM_OFS);
            }
        }
        ADD("setcc-m", 0, K_ALL, 0, 0x0f, 0x9c, 0x47, HOST_MEM_OFS);
    }
}

static GArray *build_insns(void)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(AluInsn));
    static const char *const alu[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
    static const char *const sh[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };
    static const int counts[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63 };

    for (int size = 0; size < 4; size++) {
        int w = size > 0;       /* the byte form's opcode bit 0 */

        for (int op = 0; op < 8; op++) {
            AluKind k = (op == 1 || op == 4 || op == 6) ? K_LOGIC : K_ALL;

            ADD(alu[op], size, k, 0, (uint8_t)(op * 8 + w), 0xc8);            /* op r/m, r */
            ADD(alu[op], size, k, 0, (uint8_t)(op * 8 + 2 + w), 0xc1);        /* op r, r/m */
            ADD(alu[op], size, k, 0, (uint8_t)(0x80 + (w ? 3 : 0)), (uint8_t)(0xc0 | op << 3),
                0x85);                                                        /* op r/m, imm8 */
        }
        ADD("test", size, K_LOGIC, 0, (uint8_t)(0x84 + w), 0xc8);
        ADD("inc", size, K_ALL, 0, (uint8_t)(0xfe + w), 0xc0);
        ADD("dec", size, K_ALL, 0, (uint8_t)(0xfe + w), 0xc8);
        ADD("not", size, K_ALL, 0, (uint8_t)(0xf6 + w), 0xd0);
        ADD("neg", size, K_ALL, 0, (uint8_t)(0xf6 + w), 0xd8);
        ADD("mul", size, K_MUL, 0, (uint8_t)(0xf6 + w), 0xe1);
        ADD("imul1", size, K_MUL, 0, (uint8_t)(0xf6 + w), 0xe9);
        ADD("div", size, K_DIV, 0, (uint8_t)(0xf6 + w), 0xf1);
        AluInsn *last = &g_array_index(a, AluInsn, a->len - 1);
        last->sign = false;
        ADD("idiv", size, K_DIV, 0, (uint8_t)(0xf6 + w), 0xf9);
        last = &g_array_index(a, AluInsn, a->len - 1);
        last->sign = true;
        for (int op = 0; op < 8; op++) {
            AluKind k = op < 2 ? K_ROT : op < 4 ? K_RC : K_SHIFT;

            if (op == 6) {
                continue;       /* /6 is undocumented */
            }
            ADD(sh[op], size, k, -1, (uint8_t)(0xd2 + w), (uint8_t)(0xc0 | op << 3));
            ADD(sh[op], size, k, 1, (uint8_t)(0xd0 + w), (uint8_t)(0xc0 | op << 3));
            for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
                ADD(sh[op], size, k, counts[c], (uint8_t)(0xc0 + w), (uint8_t)(0xc0 | op << 3),
                    (uint8_t)counts[c]);
            }
        }
        ADD("xadd", size, K_ALL, 0, 0x0f, (uint8_t)(0xc0 + w), 0xc8);
        ADD("cmpxchg", size, K_ALL, 0, 0x0f, (uint8_t)(0xb0 + w), 0xcb);
        if (size == 0) {
            ADD("setcc-ah", 0, K_ALL, 0, 0x0f, 0x92, 0xc4);
            continue;
        }
        /* 16/32/64-bit only */
        ADD("imul2", size, K_MUL, 0, 0x0f, 0xaf, 0xc1);
        ADD("imul3b", size, K_MUL, 0, 0x6b, 0xc1, 0x85);
        if (size == 1) {
            ADD("imul3w", size, K_MUL, 0, 0x69, 0xc1, 0x34, 0x92);
        } else {
            ADD("imul3d", size, K_MUL, 0, 0x69, 0xc1, 0x78, 0x56, 0x34, 0x92);
        }
        ADD("shld", size, K_SHD, -1, 0x0f, 0xa5, 0xc8);
        ADD("shrd", size, K_SHD, -1, 0x0f, 0xad, 0xc8);
        for (int c = 0; c < (size == 1 ? 16 : size == 2 ? 32 : 64); c += (size == 3 ? 7 : 3)) {
            ADD("shldi", size, K_SHD, c, 0x0f, 0xa4, 0xc8, (uint8_t)c);
            ADD("shrdi", size, K_SHD, c, 0x0f, 0xac, 0xc8, (uint8_t)c);
        }
        ADD("bt", size, K_BT, 0, 0x0f, 0xa3, 0xc8);
        ADD("bts", size, K_BT, 0, 0x0f, 0xab, 0xc8);
        ADD("btr", size, K_BT, 0, 0x0f, 0xb3, 0xc8);
        ADD("btc", size, K_BT, 0, 0x0f, 0xbb, 0xc8);
        ADD("bti", size, K_BT, 0, 0x0f, 0xba, 0xe0, 0x25);
        ADD("btsi", size, K_BT, 0, 0x0f, 0xba, 0xe8, 0x03);
        ADD("btri", size, K_BT, 0, 0x0f, 0xba, 0xf0, 0x3f);
        ADD("btci", size, K_BT, 0, 0x0f, 0xba, 0xf8, 0x11);
        ADD("bsf", size, K_BSF, 0, 0x0f, 0xbc, 0xc1);
        ADD("bsr", size, K_BSF, 0, 0x0f, 0xbd, 0xc1);
        ADD("movzxb", size, K_ALL, 0, 0x0f, 0xb6, 0xc1);
        ADD("movsxb", size, K_ALL, 0, 0x0f, 0xbe, 0xc1);
        ADD("cbw", size, K_ALL, 0, 0x98);
        ADD("cwd", size, K_ALL, 0, 0x99);
        for (int cc = 0; cc < 16; cc++) {
            ADD("cmovcc", size, K_ALL, 0, 0x0f, (uint8_t)(0x40 + cc), 0xc1);
        }
        if (size >= 2) {
            ADD("bswap", size, K_ALL, 0, 0x0f, 0xc8);
            ADD("movzxw", size, K_ALL, 0, 0x0f, 0xb7, 0xc1);
            ADD("movsxw", size, K_ALL, 0, 0x0f, 0xbf, 0xc1);
        }
    }
    for (int cc = 0; cc < 16; cc++) {
        ADD("setcc", 0, K_ALL, 0, 0x0f, (uint8_t)(0x90 + cc), 0xc0);
    }
    ADD("movsxd", 3, K_ALL, 0, 0x63, 0xc1);
    ADD("cmc", 2, K_ALL, 0, 0xf5);
    ADD("clc", 2, K_ALL, 0, 0xf8);
    ADD("stc", 2, K_ALL, 0, 0xf9);
    ADD("sahf", 2, K_ALL, 0, 0x9e);
    g_array_index(a, AluInsn, a->len - 1).need_lahf = true;
    ADD("lahf", 2, K_ALL, 0, 0x9f);
    g_array_index(a, AluInsn, a->len - 1).need_lahf = true;
    for (int size = 1; size < 4; size++) {
        /* F3 must come before REX: build by hand. */
        AluInsn i = { .kind = K_ALL, .size = size, .need_popcnt = true, .setcc = -1 };
        int n = 0;

        if (size == 1) {
            i.bytes[n++] = 0x66;
        }
        i.bytes[n++] = 0xf3;
        if (size == 3) {
            i.bytes[n++] = 0x48;
        }
        i.bytes[n++] = 0x0f;
        i.bytes[n++] = 0xb8;
        i.bytes[n++] = 0xc1;
        i.len = n;
        i.name = g_strdup_printf("popcnt/%d", 8 << size);
        g_array_append_val(a, i);
    }
    add_setcc_combos(a);
    add_mem_forms(a);
    return a;
}

static void test_alu_host(void)
{
    XTMachine m;
    GArray *insns = build_insns();
    unsigned total = 0;
    bool host_popcnt = host_has(1, 2, 1u << 23);
    bool host_lahf = host_has(0x80000001, 2, 1u << 0);

    xt_init(&m, 64);
    xt_setup_long(&m);
    for (guint k = 0; k < insns->len; k++) {
        AluInsn *insn = &g_array_index(insns, AluInsn, k);

        if (insn->need_popcnt && (!host_popcnt || !keel_has(&m, 1, 2, 1u << 23))) {
            continue;
        }
        if (insn->need_lahf && (!host_lahf || !keel_has(&m, 0x80000001, 2, 1u))) {
            continue;
        }
        total += run_insn(&m, insn);
    }
    for (guint k = 0; k < insns->len; k++) {
        g_free((char *)g_array_index(insns, AluInsn, k).name);
    }
    if (g_test_verbose()) {
        g_test_message("%u instructions, %u cases", insns->len, total);
    }
    g_assert_cmpuint(total, >, 100000);
    g_array_free(insns, TRUE);
    xt_destroy(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-alu-host/differential", test_alu_host);
    return g_test_run();
}
