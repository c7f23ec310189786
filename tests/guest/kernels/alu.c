/*
 * alu: table-driven ALU tests run at CPL 3 (native speed under a
 * ring-0-emulating KVM).  For every op and operand size in alu-ops.c the
 * kernel feeds edge-case and pseudo-random operands, and prints the
 * group's case count, an FNV-1a hash of (results, SDM-defined flags) and
 * its first 3 cases in clear; "-append verbose" prints every case.
 * "-append bcd" runs the BCD adjusts instead (32-bit only: at CPL 3 in
 * compat mode, alu-bcd.S), a separate run because some KVMs cannot run
 * 32-bit user code (this host's PVM raises #UD).
 * Exit: PASS (33).
 */
#include "alu.h"
#include "user.h"

static int verbose;
static unsigned long total;

static uint64_t size_mask(unsigned n)
{
    return n == 64 ? ~0ull : (1ull << n) - 1;
}

static uint64_t lcg_state;

static uint64_t lcg(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return lcg_state ^ (lcg_state >> 29);
}

#define NVALS 16

/* Edge cases of an n-bit operand, then pseudo-random ones. */
static void make_vals(unsigned n, uint64_t *v)
{
    uint64_t m = size_mask(n), smin = 1ull << (n - 1);
    uint64_t fixed[12] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x8000,
        smin - 1, smin, m, 0x5555555555555555ull,
    };

    lcg_state = n * 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 12; i++) {
        v[i] = fixed[i] & m;
    }
    v[12] = 0xaaaaaaaaaaaaaaaaull & m;
    v[13] = (smin + 1) & m;
    v[14] = lcg() & m;
    v[15] = lcg() & m;
}

static const uint64_t flag_pats[4] = { 0, F_CF, F_ALL, F_ALL & ~F_CF };

static const uint8_t counts[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64,
                                  65, 0xff };
#define NCOUNTS (sizeof(counts) / sizeof(counts[0]))

static int name_is(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/*
 * Defined flags of the shift family for a count (SDM SAL/SAR/SHL/SHR,
 * RCL/RCR/ROL/ROR, SHLD, SHRD "Flags Affected"):  a masked count of 0
 * affects no flag; OF is defined only for 1-bit shifts; AF is undefined
 * for a nonzero count of SHL/SHR/SAR/SHLD/SHRD; CF is undefined for SHL
 * and SHR when the count is >= the operand size; rotates leave SF ZF AF PF
 * alone.  Returns ~0 when the whole case is undefined (SHLD/SHRD with a
 * count above the operand size).
 */
static uint64_t shift_mask(const struct alu_op *op, uint64_t count)
{
    unsigned cm = (unsigned)count & (op->size == 64 ? 63 : 31);
    uint64_t m;

    if (cm == 0) {
        return F_ALL;
    }
    if (op->name[0] == 'r') {            /* rol ror rcl rcr */
        m = F_CF | F_SF | F_ZF | F_AF | F_PF;
    } else {
        if (op->kind == K_DSHIFT && cm > op->size) {
            return ~0ull;
        }
        m = F_SF | F_ZF | F_PF | F_CF;
        if ((name_is(op->name, "shl") || name_is(op->name, "shr")) && cm >= op->size) {
            m &= ~F_CF;
        }
    }
    if (cm == 1) {
        m |= F_OF;
    }
    return m;
}

struct group {
    const struct alu_op *op;
    unsigned n;
    uint64_t hash;
};

static void hash_u64(uint64_t *h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        *h ^= (v >> (8 * i)) & 0xff;
        *h *= 0x100000001b3ull;
    }
}

static void run_case(struct group *g, uint64_t a, uint64_t b, uint64_t c, uint64_t fi)
{
    const struct alu_op *op = g->op;
    struct alu_case k = { a, b, c, fi, 0, 0, 0 };
    uint64_t mask = op->mask;

    if (op->kind == K_SHIFT || op->kind == K_DSHIFT) {
        mask = shift_mask(op, c);
        if (mask == ~0ull) {
            return;
        }
    }
    op->fn(&k);
    if ((name_is(op->name, "bsf") || name_is(op->name, "bsr")) &&
        !(b & size_mask(op->size))) {
        k.r1 = 0;       /* undefined destination for a zero source */
    }
    k.fo &= mask;
    hash_u64(&g->hash, k.r1);
    hash_u64(&g->hash, k.r2);
    hash_u64(&g->hash, k.fo);
    if (verbose || g->n < 3) {
        printf("  %s/%u a=%lx b=%lx c=%lx f=%lx -> %lx %lx f=%03lx\n", op->name, op->size,
               a, b, c, fi, k.r1, k.r2, k.fo);
    }
    g->n++;
}

static void run_op(const struct alu_op *op)
{
    struct group g = { op, 0, 0xcbf29ce484222325ull };
    uint64_t v[NVALS], m = size_mask(op->size);
    unsigned n = op->size;

    make_vals(n, v);
    switch (op->kind) {
    case K_BIN:
    case K_MUL:
        for (int i = 0; i < NVALS; i++) {
            for (int j = 0; j < NVALS; j++) {
                run_case(&g, v[i], v[j], 0, flag_pats[(i * 3 + j) & 3]);
            }
        }
        break;
    case K_UN:
    case K_EXT:
        for (int i = 0; i < NVALS; i++) {
            for (int f = 0; f < 4; f++) {
                /* b: the source of extensions; a: what the dest held */
                run_case(&g, op->kind == K_EXT ? 0x0123456789abcdefull ^ v[f] : v[i],
                         v[i] | (f & 1 ? 0xfedcba9876543200ull : 0), 0, flag_pats[f]);
            }
        }
        break;
    case K_SHIFT:
        for (int i = 0; i < NVALS; i++) {
            for (unsigned c = 0; c < NCOUNTS; c++) {
                run_case(&g, v[i], 0, counts[c], flag_pats[(i + c) & 3]);
            }
        }
        break;
    case K_DSHIFT:
        for (int i = 0; i < NVALS; i++) {
            for (int j = 0; j < NVALS; j += 5) {
                for (unsigned c = 0; c < NCOUNTS; c++) {
                    run_case(&g, v[i], v[j], counts[c], flag_pats[(i + j + c) & 3]);
                }
            }
        }
        break;
    case K_DIV:
        for (int i = 0; i < NVALS; i++) {
            for (int j = 0; j < NVALS; j++) {
                if (!v[j]) {
                    continue;
                }
                /* high half below the divisor: the quotient fits */
                run_case(&g, v[i], v[j], 0, flag_pats[(i + j) & 3]);
                run_case(&g, v[i], v[j], v[(i + 5) % NVALS] % v[j], flag_pats[(i + j + 1) & 3]);
            }
        }
        break;
    case K_IDIV: {
        uint64_t smin = 1ull << (n - 1);
        for (int i = 0; i < NVALS; i++) {
            for (int j = 0; j < NVALS; j++) {
                /* dividend = sign-extended a: only MIN / -1 overflows */
                if (!v[j] || (v[i] == smin && v[j] == m)) {
                    continue;
                }
                run_case(&g, v[i], v[j], v[i] & smin ? m : 0, flag_pats[(i + j) & 3]);
            }
        }
        break;
    }
    case K_COND:
        for (unsigned f = 0; f < 32; f++) {
            uint64_t fl = (f & 1 ? F_CF : 0) | (f & 2 ? F_PF : 0) | (f & 4 ? F_ZF : 0) |
                          (f & 8 ? F_SF : 0) | (f & 16 ? F_OF : 0);
            run_case(&g, 0x1111111111111111ull * (f % 15 + 1), v[f % NVALS] | ~m, 0, fl);
            run_case(&g, v[(f + 3) % NVALS], 0x8877665544332211ull, 0, fl | F_AF);
        }
        break;
    }
    total += g.n;
    printf("%s/%u: n=%u hash=%016lx\n", op->name, op->size, g.n, g.hash);
}

void alu_bcd(int verbose_flag);   /* alu-bcd.c */
unsigned long alu_bcd_cases(void);

static void alu_user(void *arg)
{
    for (unsigned i = 0; i < alu_nops; i++) {
        run_op(&alu_ops[i]);
    }
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    int bcd = 0;

    if (mbi->flags & MB_INFO_CMDLINE) {
        const char *s = (const char *)(uint64_t)mbi->cmdline;
        for (; *s; s++) {
            if (s[0] == 'v' && !memcmp(s, "verbose", 7)) {
                verbose = 1;
            }
            if (s[0] == ' ' && !memcmp(s, " bcd", 4)) {
                bcd = 1;
            }
        }
    }
    user_init();
    if (bcd) {
        printf("alu: bcd adjusts at cpl 3, compat mode\n");
        alu_bcd(verbose);
        total += alu_bcd_cases();
    } else {
        printf("alu: %u op/size groups at cpl 3\n", alu_nops);
        user_call(alu_user, 0, RFLAGS_IOPL3);
    }
    printf("alu: %lu cases\n", total);
    printf("alu: done\n");
    return EXIT_PASS;
}

/* ---- BCD adjusts (alu-bcd.S), at CPL 3 in compat mode ---- */

void alu_bcd32(void);
extern uint32_t alu_bcd_op;
extern uint32_t alu_bcd_out[1024];
static uint8_t bcd_stack[4096] __attribute__((aligned(16)));

/*
 * SDM "Flags Affected": DAA DAS: CF AF SF ZF PF set, "The OF flag is
 * undefined"; AAA AAS: AF CF set, "The OF, SF, ZF, and PF flags are
 * undefined"; AAM AAD: SF ZF PF set, "The OF, AF, and CF flags are
 * undefined".
 */
static const struct {
    const char *name;
    uint64_t mask;
} bcd_ops[6] = {
    { "daa", F_ALL & ~F_OF }, { "das", F_ALL & ~F_OF }, { "aaa", F_AF | F_CF },
    { "aas", F_AF | F_CF }, { "aam", F_SF | F_ZF | F_PF }, { "aad", F_SF | F_ZF | F_PF },
};

static unsigned long bcd_cases;

unsigned long alu_bcd_cases(void)
{
    return bcd_cases;
}

void alu_bcd(int verbose_flag)
{
    for (unsigned op = 0; op < 6; op++) {
        uint64_t h = 0xcbf29ce484222325ull;
        alu_bcd_op = op;
        user_call32((uint32_t)(uint64_t)alu_bcd32,
                    (uint32_t)(uint64_t)(bcd_stack + sizeof(bcd_stack)));
        for (unsigned j = 0; j < 1024; j++) {
            uint32_t ax = alu_bcd_out[j] & 0xffff;
            uint32_t fl = (alu_bcd_out[j] >> 16) & bcd_ops[op].mask;
            hash_u64(&h, ax | ((uint64_t)fl << 16));
            if (verbose_flag || j < 3) {
                printf("  %s/8 ax=%04x cf=%u af=%u -> %04x f=%03x\n", bcd_ops[op].name,
                       (j & 0xff) | (((j * 37) >> 3) & 0xff) << 8, (j >> 8) & 1, (j >> 9) & 1,
                       ax, fl);
            }
        }
        bcd_cases += 1024;
        printf("%s/8: n=1024 hash=%016lx\n", bcd_ops[op].name, h);
    }
}
