/*
 * strings: REP string instructions at CPL 3 (IOPL 3): MOVS STOS LODS CMPS
 * SCAS in every element size and both directions, counts 0/1/odd/large,
 * overlapping copies, 32-bit address size in 64-bit mode (ESI/EDI/ECX,
 * upper halves ignored and cleared), 16-bit address size (SI/DI wrap at
 * 64 KiB) in compat mode, REP OUTSB to COM1 and REP INSB from fw_cfg (at CPL 0), and page faults in the middle
 * of REP MOVS (destination and source side): the ring-0 #PF handler prints
 * CR2, the error code and RCX/RSI/RDI, maps the page and returns; the copy
 * then completes.  Addresses print relative to their buffer.
 * Exit: PASS (33).
 */
#include "user.h"

#define BUF 0x800000ul          /* 8 MiB: 4 KiB-mapped work area */
#define SRC (BUF)
#define DST (BUF + 0x10000)
#define PF_SRC (BUF + 0x20000)
#define PF_DST (BUF + 0x30000)

static uint32_t sum(uint64_t p, unsigned n)
{
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < n; i++) {
        h = (h ^ ((volatile uint8_t *)p)[i]) * 16777619u;
    }
    return h;
}

static void fill(uint64_t p, unsigned n, uint8_t seed)
{
    for (unsigned i = 0; i < n; i++) {
        ((uint8_t *)p)[i] = (uint8_t)(seed + i * 7 + (i >> 8));
    }
}

struct sregs {
    uint64_t rsi, rdi, rcx, rax, fl;
};

#define REP_INSN(name, insn)                                                \
static void name(struct sregs *r)                                           \
{                                                                           \
    __asm__ volatile("pushfq; popq %%rdx; andq $~0x8d5, %%rdx;"            \
                     "orq %[fl], %%rdx; pushq %%rdx; popfq\n\t"             \
                     insn "\n\tpushfq; popq %[fl]; cld"                     \
                     : "+S"(r->rsi), "+D"(r->rdi), "+c"(r->rcx), "+a"(r->rax),\
                       [fl] "+r"(r->fl)                                     \
                     : : "rdx", "cc", "memory");                            \
}

REP_INSN(movsb, "rep movsb") REP_INSN(movsw, "rep movsw")
REP_INSN(movsl, "rep movsl") REP_INSN(movsq, "rep movsq")
REP_INSN(stosb, "rep stosb") REP_INSN(stosw, "rep stosw")
REP_INSN(stosl, "rep stosl") REP_INSN(stosq, "rep stosq")
REP_INSN(lodsb, "rep lodsb") REP_INSN(lodsw, "rep lodsw")
REP_INSN(lodsl, "rep lodsl") REP_INSN(lodsq, "rep lodsq")
REP_INSN(cmpsb, "repe cmpsb") REP_INSN(cmpsw, "repe cmpsw")
REP_INSN(cmpsl, "repe cmpsl") REP_INSN(cmpsq, "repe cmpsq")
REP_INSN(ncmpsb, "repne cmpsb") REP_INSN(ncmpsq, "repne cmpsq")
REP_INSN(scasb, "repne scasb") REP_INSN(scasw, "repne scasw")
REP_INSN(scasl, "repe scasl") REP_INSN(scasq, "repe scasq")
REP_INSN(a32movsb, "addr32 rep movsb") REP_INSN(a32stosl, "addr32 rep stosl")
REP_INSN(a32scasb, "addr32 repne scasb")
REP_INSN(movsb1, "movsb") REP_INSN(stosq1, "stosq") REP_INSN(cmpsw1, "cmpsw")

typedef void (*rep_fn)(struct sregs *r);

struct rep_op {
    const char *name;
    rep_fn fn;
    unsigned size;
};

static const struct rep_op ops[] = {
    { "movsb", movsb, 1 }, { "movsw", movsw, 2 }, { "movsl", movsl, 4 }, { "movsq", movsq, 8 },
    { "stosb", stosb, 1 }, { "stosw", stosw, 2 }, { "stosl", stosl, 4 }, { "stosq", stosq, 8 },
    { "lodsb", lodsb, 1 }, { "lodsw", lodsw, 2 }, { "lodsl", lodsl, 4 }, { "lodsq", lodsq, 8 },
    { "repe cmpsb", cmpsb, 1 }, { "repe cmpsw", cmpsw, 2 }, { "repe cmpsl", cmpsl, 4 },
    { "repe cmpsq", cmpsq, 8 }, { "repne cmpsb", ncmpsb, 1 }, { "repne cmpsq", ncmpsq, 8 },
    { "repne scasb", scasb, 1 }, { "repne scasw", scasw, 2 }, { "repe scasl", scasl, 4 },
    { "repe scasq", scasq, 8 }, { "movsb (no rep)", movsb1, 1 }, { "stosq (no rep)", stosq1, 8 },
    { "cmpsw (no rep)", cmpsw1, 2 },
};

static const uint64_t counts[] = { 0, 1, 3, 100, 4000 };

static void run_rep(const struct rep_op *op, uint64_t count, int df)
{
    struct sregs r;
    uint64_t span = count * op->size;

    fill(SRC, 0x10000, 0x11);
    fill(DST, 0x10000, 0x11);
    /* A difference late in the buffers for CMPS, a match target for SCAS. */
    ((uint8_t *)DST)[0x8000 + 0x1234] ^= 0x40;
    ((uint8_t *)DST)[0x8000 - 0x1234] ^= 0x40;
    r.rsi = SRC + 0x8000 - (df ? op->size : 0);
    r.rdi = DST + 0x8000 - (df ? op->size : 0);
    r.rcx = count;
    r.rax = 0x0123456789abcdefull ^ ((uint64_t)((uint8_t *)SRC)[0x8000 + (df ? -0x300 : 0x300)]);
    r.fl = (df ? 0x400 : 0) | 0x8d5;
    (void)span;
    op->fn(&r);
    printf("%s df=%d n=%lu: rsi=%ld rdi=%ld rcx=%lx rax=%lx fl=%03lx dst=%08x\n", op->name, df,
           count, (long)(r.rsi - SRC - 0x8000), (long)(r.rdi - DST - 0x8000), r.rcx, r.rax,
           r.fl & 0x8d5, sum(DST, 0x10000));
}

static void overlap(void)
{
    struct sregs r;

    for (int d = 0; d < 2; d++) {
        unsigned dist = d ? 64 : 3;
        fill(SRC, 0x1000, 0x33);
        r = (struct sregs){ SRC, SRC + dist, 500, 0, 0 };
        movsb(&r);
        printf("overlap movsb forward dist=%u: %08x\n", dist, sum(SRC, 0x1000));
        fill(SRC, 0x1000, 0x33);
        r = (struct sregs){ SRC + 600 + 7, SRC + 600 + 7 - dist, 75, 0, 0x400 };
        movsq(&r);
        printf("overlap movsq backward dist=%u: %08x rsi=%ld\n", dist, sum(SRC, 0x1000),
               (long)(r.rsi - SRC));
    }
}

static void addr32(void)
{
    struct sregs r;

    fill(SRC, 0x1000, 0x55);
    fill(DST, 0x1000, 0x66);
    /* Upper halves are ignored and come back zero; ECX counts. */
    r = (struct sregs){ 0xdead000000000000ull | SRC, 0xbeef000000000000ull | DST,
                        0xffffffff00000009ull, 0, 0 };
    a32movsb(&r);
    printf("addr32 movsb: rsi=%lx rdi=%lx rcx=%lx dst=%08x\n", r.rsi - SRC, r.rdi - DST, r.rcx,
           sum(DST, 0x1000));
    r = (struct sregs){ 0, 0x1111000000000000ull | (DST + 0x100), 0x100000003ull,
                        0xa5a5a5a5c3c3c3c3ull, 0x400 };
    a32stosl(&r);
    printf("addr32 std stosl: rdi=%lx rcx=%lx dst=%08x\n", r.rdi - DST, r.rcx, sum(DST, 0x1000));
    r = (struct sregs){ 0, DST, 0x5500000000001000ull, ((uint8_t *)DST)[0x77], 0 };
    a32scasb(&r);
    printf("addr32 repne scasb: rdi=%lx rcx=%lx fl=%03lx\n", r.rdi - DST, r.rcx, r.fl & 0x8d5);
}

static void outs(void)
{
    static const char msg[] = "rep outsb ok\n";
    uint64_t si = (uint64_t)msg, cx = sizeof(msg) - 1;

    /* Wait for an empty transmitter: 13 bytes then fit the 16-byte FIFO. */
    for (int i = 0; i < 100000 && !(inb(0x3fd) & 0x40); i++) {
    }
    __asm__ volatile("rep outsb" : "+S"(si), "+c"(cx) : "d"(0x3f8) : "memory");
}

/* ---- page faults in the middle of REP MOVS ---- */

static uint64_t pf_base;

static void pf_handler(struct trap_frame *f)
{
    uint64_t cr2 = read_cr2();
    uint64_t base = cr2 >= PF_DST ? PF_DST : PF_SRC;

    printf("#PF cr2=%s+%lx err=%lx rcx=%lx rsi=+%lx rdi=+%lx\n",
           base == PF_DST ? "dst" : "src", cr2 - base, f->error, f->rcx, f->rsi - PF_SRC,
           f->rdi - PF_DST);
    *user_pte(cr2) |= 1;
    invlpg(cr2);
    (void)pf_base;
}

/* Service SVC_KERNEL from ring 3: unmap the page at RDI (ring 3 cannot invlpg). */
static void unmap_svc(unsigned code, struct trap_frame *f)
{
    *user_pte(f->rdi) &= ~1ull;
    invlpg(f->rdi);
}

static void pf_copy(unsigned size, uint64_t unmap, unsigned dst_off)
{
    struct sregs r;
    unsigned bytes = 3 * 4096 - 64;

    fill(PF_SRC, 4 * 4096, 0x77);
    memset((void *)PF_DST, 0, 4 * 4096);
    __asm__ volatile(USER_SVC_ASM(3) : : "D"(unmap) : "memory");
    r = (struct sregs){ PF_SRC + 8, PF_DST + dst_off, bytes / size, 0, 0 };
    ops[size == 1 ? 0 : 3].fn(&r);
    printf("pf copy size=%u: rcx=%lx rsi=+%lx rdi=+%lx dst=%08x\n", size, r.rcx, r.rsi - PF_SRC,
           r.rdi - PF_DST, sum(PF_DST, 4 * 4096));
}

static void strings_user(void *arg)
{
    for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
            for (int df = 0; df < 2; df++) {
                run_rep(&ops[i], counts[c], df);
            }
        }
    }
    overlap();
    addr32();
    pf_copy(1, PF_DST + 4096, 3);          /* byte copy, dst page 2 */
    pf_copy(8, PF_DST + 8192, 4);          /* qword straddling into dst page 3 */
    pf_copy(8, PF_SRC + 4096, 0);          /* read fault on the source */
}

/*
 * REP INSB from fw_cfg's data port after selecting the signature item
 * (key 0): "QEMU" whatever the firmware, forwards and (DF=1) backwards.
 */
static void ins(void)
{
    static char buf[8];
    uint64_t di = (uint64_t)buf, cx = 4;

    outw(0x510, 0);
    __asm__ volatile("rep insb" : "+D"(di), "+c"(cx) : "d"(0x511) : "memory");
    printf("rep insb fw_cfg: '%c%c%c%c' rdi=+%lx\n", buf[0], buf[1], buf[2], buf[3],
           di - (uint64_t)buf);
    outw(0x510, 0);
    di = (uint64_t)buf + 7;
    cx = 4;
    __asm__ volatile("std; rep insb; cld" : "+D"(di), "+c"(cx) : "d"(0x511) : "memory");
    printf("std rep insb fw_cfg: '%c%c%c%c' rdi=+%lx\n", buf[4], buf[5], buf[6], buf[7],
           di - (uint64_t)buf);
}

void strings_a16(uint64_t buf);        /* strings-a16.S */
extern uint32_t a16_di, a16_cx;

int kmain(uint32_t magic, struct mb_info *mbi)
{
    printf("strings: start\n");
    user_init();
    /* Split the work area into 4 KiB pages before ring 3 runs. */
    for (uint64_t p = PF_SRC; p < PF_DST + 4 * 4096; p += 4096) {
        user_pte(p);
    }
    idt_set_handler(14, pf_handler);
    user_svc_kernel = unmap_svc;
    user_call(strings_user, 0, RFLAGS_IOPL3);
    outs();     /* at CPL 0: this host's KVM ignores IOPL at CPL 3 */
    ins();

    /* 16-bit addressing: SI/DI wrap at 64 KiB (compat mode, CPL 0). */
    strings_a16(0);
    /* Address 0 through a register: the compiler must not see a null access. */
    volatile uint8_t *low;
    __asm__("" : "=r"(low) : "0"(0ul));
    printf("addr16 stosb wrap: %02x %02x %02x %02x | %02x %02x %02x %02x\n", low[0xfffc],
           low[0xfffd], low[0xfffe], low[0xffff], low[0], low[1], low[2], low[3]);
    printf("addr16: edi=%x ecx=%x\n", a16_di, a16_cx);
    printf("strings: done\n");
    return EXIT_PASS;
}
