/*
 * x87-state: the x87 state around the arithmetic (issue 6, x87 items).
 * The last-instruction pointers FIP/FCS/FOP/FDP/FDS as FNSTENV (both
 * layouts), FNSAVE, FXSAVE and FXSAVE64 store them, also in a #MF handler;
 * FERR# with CR0.NE=0 ("-append ferr" only): IRQ13 through the 8259s,
 * port 0xF0 (IGNNE#);
 * FRSTOR/FLDENV/FXRSTOR/XRSTOR and the saves with the image across a
 * not-present page, and the #GP cases (MXCSR, XSAVE header); with
 * "-cpu ...,+xsave,+xsaveopt,+xgetbv1": XSAVEOPT, XGETBV(1), XSTATE_BV.
 * Addresses print relative to labels, so the output is position-free.
 * Exit: PASS (33).
 */
#include "lib.h"

#define V_PIC       0x20            /* 8259 bases 0x20 (master), 0x28 (slave) */
#define V_IRQ13     (V_PIC + 8 + 5)
#define HOLE        0x1000000ul     /* a 2 MiB page made not present */

static uint8_t area[1024] __attribute__((aligned(64)));
static const double dval = 2.5;
static volatile uint64_t resume_rip;
static volatile unsigned trap_count, trap_vector;
static volatile uint64_t trap_error, trap_cr2, trap_rip;

/* A fault handler that records the trap and goes on at resume_rip. */
static void trap_skip(struct trap_frame *f)
{
    uint64_t cr2;

    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    trap_count++;
    trap_vector = f->vector;
    trap_error = f->error;
    trap_cr2 = cr2;
    trap_rip = f->rip;
    f->rip = resume_rip;
}

static void trap_reset(void)
{
    trap_count = 0;
    trap_vector = 0;
    trap_error = 0;
    trap_cr2 = 0;
    trap_rip = 0;
}

/* "L+n" when v is within 16 bytes after label l, else the raw value. */
static void print_rel(const char *name, uint64_t v, uint64_t l)
{
    if (v >= l && v < l + 16) {
        printf(" %s=L+%lu", name, v - l);
    } else {
        printf(" %s=%lx", name, v);
    }
}

static uint16_t rd16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* The 28-byte environment of 32-bit operands, protected mode. */
static void print_env32(const char *what, const uint8_t *e, uint64_t ip, uint64_t dp)
{
    /* The reserved upper halves are left out (hardware: ones; QEMU 7.2: zeros). */
    printf("%s: fcw=%04x fsw=%04x ftw=%04x", what, rd16(e), rd16(e + 4), rd16(e + 8));
    print_rel("fip", rd32(e + 12), ip);
    printf(" fcs=%04x fop=%03x", rd16(e + 16), (rd32(e + 16) >> 16) & 0xffff);
    print_rel("fdp", rd32(e + 20), dp);
    printf(" fds=%04x\n", rd16(e + 24));
}

static void test_pointers(void)
{
    uint64_t ip, ip2, dp = (uint64_t)&dval;

    /* FNSTENV after a memory load: FDP/FDS name the operand. */
    memset(area, 0, sizeof(area));
    __asm__ volatile("fninit\n\t"
                     "1: fldl %[d]\n\t"
                     "fnstenv %[e]\n\t"
                     "lea 1b(%%rip), %[ip]"
                     : [e] "=m"(area), [ip] "=r"(ip) : [d] "m"(dval) : "memory");
    print_env32("fnstenv32 fld m64", area, ip, dp);

    /* A register form after it: FIP/FOP move on, FDP stays (SDM 8.1.8). */
    memset(area, 0, sizeof(area));
    __asm__ volatile("fninit\n\t"
                     "fldl %[d]\n\t"
                     "1: fld1\n\t"
                     "2: faddp\n\t"
                     "fnstcw %[e]\n\t"          /* control instructions leave them */
                     "fldcw %[e]\n\t"
                     "fnstsw %%ax\n\t"
                     "fwait\n\t"
                     "fnstenv %[e]\n\t"
                     "lea 1b(%%rip), %[ip]\n\t"
                     "lea 2b(%%rip), %[ip2]"
                     : [e] "=m"(area), [ip] "=r"(ip), [ip2] "=r"(ip2) : [d] "m"(dval)
                     : "memory", "rax");
    print_env32("fnstenv32 faddp", area, ip2, dp);

    /* The 14-byte environment (66 prefix). */
    memset(area, 0, sizeof(area));
    __asm__ volatile("fninit\n\t"
                     "1: fildl %[d]\n\t"
                     ".byte 0x66\n\t"
                     "fnstenv %[e]\n\t"
                     "lea 1b(%%rip), %[ip]"
                     : [e] "=m"(area), [ip] "=r"(ip) : [d] "m"(dval) : "memory");
    printf("fnstenv16: fcw=%04x fsw=%04x ftw=%04x", rd16(area), rd16(area + 2), rd16(area + 4));
    print_rel("fip", rd16(area + 6), ip & 0xffff);
    printf(" fcs=%04x", rd16(area + 8));
    print_rel("fdp", rd16(area + 10), dp & 0xffff);
    printf(" fds=%04x\n", rd16(area + 12));

    /* FNSAVE: the same environment, then FNINIT clears the pointers. */
    memset(area, 0, sizeof(area));
    __asm__ volatile("fninit\n\t"
                     "fld1\n\t"
                     "1: fsts %[d2]\n\t"
                     "fnsave %[e]\n\t"
                     "fnstenv %[e2]\n\t"
                     "lea 1b(%%rip), %[ip]"
                     : [e] "=m"(area), [e2] "=m"(area[512]), [ip] "=r"(ip),
                       [d2] "=m"(area[900]) : : "memory");
    print_env32("fnsave fst m32", area, ip, (uint64_t)&area[900]);
    print_env32("after fnsave", area + 512, ip, (uint64_t)&area[900]);

    /* FXSAVE (32-bit pointers with selectors) and FXSAVE64 (64-bit). */
    memset(area, 0, sizeof(area));
    __asm__ volatile("fninit\n\t"
                     "1: fldl %[d]\n\t"
                     "fxsave %[e]\n\t"
                     "fxsave64 %[e2]\n\t"
                     "lea 1b(%%rip), %[ip]"
                     : [e] "=m"(area), [e2] "=m"(area[512]), [ip] "=r"(ip) : [d] "m"(dval)
                     : "memory");
    printf("fxsave: fop=%04x", rd16(area + 6));
    print_rel("fip", rd32(area + 8), ip);
    printf(" fcs=%08x", rd32(area + 12));
    print_rel("fdp", rd32(area + 16), dp);
    printf(" fds=%08x\n", rd32(area + 20));
    printf("fxsave64: fop=%04x", rd16(area + 512 + 6));
    print_rel("fip", rd64(area + 512 + 8), ip);
    print_rel("fdp", rd64(area + 512 + 16), dp);
    printf("\n");

    /* FLDENV/FRSTOR/FXRSTOR give them back. */
    memset(area + 256, 0, 28);
    __asm__ volatile("fninit\n\t"
                     "fldl %[d]\n\t"
                     "fnstenv %[e]\n\t"
                     "fninit\n\t"
                     "fldenv %[e]\n\t"
                     "fnstenv %[e2]"
                     : [e] "=m"(area), [e2] "=m"(area[256]) : [d] "m"(dval) : "memory");
    printf("fldenv round trip: %s\n", memcmp(area + 12, area + 256 + 12, 16) ? "differs" : "same");
}

/* x87-state-32.S: FLD m32, FNSTENV (both layouts), FLDZ, FNSAVE in compat mode. */
void x87_compat_run(uint8_t *buf);
extern const uint8_t x87_compat_fld[], x87_compat_fldz[];

static void test_compat(void)
{
    uint64_t ip = (uint64_t)x87_compat_fld, dp = (uint64_t)&area[0x200];

    memset(area, 0, sizeof(area));
    x87_compat_run(area);
    print_env32("compat fnstenv32", area, ip, dp);
    printf("compat fnstenv16: fcw=%04x fsw=%04x ftw=%04x", rd16(area + 0x40),
           rd16(area + 0x42), rd16(area + 0x44));
    print_rel("fip", rd16(area + 0x46), ip & 0xffff);
    printf(" fcs=%04x", rd16(area + 0x48));
    print_rel("fdp", rd16(area + 0x4a), dp & 0xffff);
    printf(" fds=%04x\n", rd16(area + 0x4c));
    /* FLDZ moved FIP/FOP, not FDP. */
    print_env32("compat fnsave", area + 0x80, (uint64_t)x87_compat_fldz, dp);
    __asm__ volatile("fninit");
}

static volatile uint8_t mf_env[28];
static volatile unsigned mf_count;

static void mf_handler(struct trap_frame *f)
{
    __asm__ volatile("fnstenv %0; fnclex" : "=m"(mf_env) : : "memory");
    mf_count++;
}

/* #MF (CR0.NE=1): the handler's FIP is the FDIV's, not the FWAIT's. */
static void test_mf_pointers(void)
{
    uint16_t cw = 0x037b;   /* ZE unmasked */
    uint64_t ip, ip2;

    idt_set_handler(16, mf_handler);
    __asm__ volatile("fninit; fldcw %[cw]; fldz; fld1\n\t"
                     "1: fdiv %%st(1), %%st\n\t"
                     "2: fwait\n\t"
                     "fninit\n\t"
                     "lea 1b(%%rip), %[ip]\n\t"
                     "lea 2b(%%rip), %[ip2]"
                     : [ip] "=r"(ip), [ip2] "=r"(ip2) : [cw] "m"(cw) : "memory");
    idt_set_handler(16, NULL);
    printf("#MF: count %u", mf_count);
    print_rel("fip", rd32((const uint8_t *)mf_env + 12), ip);
    printf(" fop=%03x fsw=%04x\n", (rd32((const uint8_t *)mf_env + 16) >> 16) & 0x7ff,
           rd16((const uint8_t *)mf_env + 4) & 0x80ff);
    (void)ip2;
}

/* ---- FERR# / IRQ13 (CR0.NE=0) ---- */

static volatile unsigned irq13_count;
static volatile uint64_t irq13_rip;
static volatile uint16_t irq13_fsw;
static volatile int irq13_clear;    /* the handler also runs FNCLEX */

static void irq13_handler(struct trap_frame *f)
{
    uint16_t sw;

    __asm__ volatile("fnstsw %0" : "=m"(sw));
    irq13_fsw = sw;
    irq13_rip = f->rip;
    irq13_count++;
    outb(0xf0, 0);                  /* clear the IRQ13 latch, IGNNE# on */
    if (irq13_clear) {
        __asm__ volatile("fnclex");
    }
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

static void pic_init(uint8_t master_mask, uint8_t slave_mask)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, V_PIC);
    outb(0xa1, V_PIC + 8);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, master_mask);
    outb(0xa1, slave_mask);
}

static void set_ne(int on)
{
    uint64_t cr0;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = on ? cr0 | (1ul << 5) : cr0 & ~(1ul << 5);
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

/* 1/0 with ZE unmasked, then WAIT; returns the label of the WAIT. */
static uint64_t ferr_divide(uint64_t *after)
{
    uint16_t cw = 0x037b;
    uint64_t at, next;

    __asm__ volatile("fninit; fldcw %[cw]; fldz; fld1; fdiv %%st(1), %%st\n\t"
                     "1: fwait\n\t"
                     "2: nop\n\t"
                     "lea 1b(%%rip), %[at]\n\t"
                     "lea 2b(%%rip), %[next]"
                     : [at] "=r"(at), [next] "=r"(next) : [cw] "m"(cw) : "memory");
    *after = next;
    return at;
}

static void test_ferr(void)
{
    uint64_t at, next;
    uint16_t sw;

    idt_set_handler(V_IRQ13, irq13_handler);
    pic_init(0xfb, 0xdf);           /* the cascade and IRQ13 only */
    set_ne(0);
    __asm__ volatile("sti");

    /* The handler clears the latch and the flags: one IRQ13 at the WAIT. */
    irq13_clear = 1;
    at = ferr_divide(&next);
    printf("ferr: irq13 count %u fsw %04x", irq13_count, irq13_fsw & 0x80ff);
    print_rel("rip", irq13_rip, at);
    printf(" (wait at L+0, next insn at L+%lu)\n", next - at);

    /* Handler without FNCLEX: IGNNE# lets the waiting insns go on; no new IRQ. */
    irq13_count = 0;
    irq13_clear = 0;
    (void)ferr_divide(&next);
    __asm__ volatile("fld1; fwait; fnstsw %0" : "=m"(sw));
    printf("ignne: irq13 count %u fsw %04x\n", irq13_count, sw & 0x80ff);
    /* FNCLEX deasserts FERR#, hence IGNNE#: the next error interrupts again. */
    __asm__ volatile("fnclex");
    irq13_clear = 1;
    (void)ferr_divide(&next);
    printf("after fnclex: irq13 count %u\n", irq13_count);

    /* IRQ13 masked at the slave: the WAIT goes on; unmasking delivers it. */
    irq13_count = 0;
    outb(0xa1, 0xff);
    (void)ferr_divide(&next);
    printf("masked: irq13 count %u before unmask", irq13_count);
    outb(0xa1, 0xdf);
    __asm__ volatile("nop; nop");
    printf(", %u after\n", irq13_count);

    __asm__ volatile("cli; fninit");
    outb(0xa1, 0xff);
    outb(0x21, 0xff);
    set_ne(1);
    idt_set_handler(V_IRQ13, NULL);
}

/* ---- state images across a not-present page ---- */

static uint64_t *pd_entry(uint64_t va)
{
    uint64_t cr3, *pml4, *pdpt, *pd;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    pml4 = (uint64_t *)(cr3 & ~0xfffull);
    pdpt = (uint64_t *)(pml4[(va >> 39) & 511] & ~0xfffull);
    pd = (uint64_t *)(pdpt[(va >> 30) & 511] & ~0xfffull);
    return &pd[(va >> 21) & 511];
}

static void hole(int present)
{
    uint64_t *e = pd_entry(HOLE);

    *e = present ? *e | 1 : *e & ~1ull;
    __asm__ volatile("invlpg (%0)" : : "r"(HOLE) : "memory");
}

/* A known x87 + SSE state, and its FXSAVE image (for "unchanged" checks). */
static uint8_t before[512] __attribute__((aligned(16)));
static uint8_t after[512] __attribute__((aligned(16)));
static const uint32_t mx_set = 0x1f80 | 0x6000;

static void state_set(void)
{
    static const uint64_t x[2] = { 0x1122334455667788ull, 0x99aabbccddeeff00ull };

    __asm__ volatile("fninit; fldpi; fld1; fldl2t; ldmxcsr %[mx]; movdqu %[x], %%xmm3\n\t"
                     "fxsave %[b]"
                     : [b] "=m"(before) : [mx] "m"(mx_set), [x] "m"(x) : "memory");
}

static const char *state_same(void)
{
    __asm__ volatile("fxsave %0" : "=m"(after) : : "memory");
    /* FCW..FOP, MXCSR, the registers, XMM0-15 (FIP/FDP: the FXSAVE moved none) */
    return memcmp(before, after, 8) || memcmp(before + 24, after + 24, 416 - 24) ?
           "changed" : "unchanged";
}

static void print_fault(const char *what, uint64_t a0, unsigned len)
{
    printf("%s: vector %u err %lx cr2 %s state %s\n", what, trap_vector, trap_error,
           trap_cr2 >= HOLE && trap_cr2 < a0 + len ? "in hole" : "elsewhere", state_same());
}

/* Run INSN on a0 (in rdi) with the fault handlers on; the state is set first. */
#define FAULT_CASE(name, insn, a0, len)                                        \
    do {                                                                       \
        state_set();                                                           \
        trap_reset();                                                          \
        __asm__ volatile("lea 1f(%%rip), %%rax; mov %%rax, %[r]\n\t"           \
                         insn " (%%rdi)\n\t"                                   \
                         "1:"                                                  \
                         : [r] "=m"(resume_rip) : "D"(a0)                      \
                         : "memory", "rax");                           \
        print_fault(name, a0, len);                                            \
    } while (0)

static void test_faults(void)
{
    uint8_t *buf = (uint8_t *)(HOLE - 0x1000);

    idt_set_handler(13, trap_skip);
    idt_set_handler(14, trap_skip);
    /* Valid images to restore from, right before the hole. */
    state_set();
    __asm__ volatile("fninit; fld1; fldz");
    __asm__ volatile("fnsave %0" : "=m"(*(uint8_t (*)[108])(HOLE - 100)) : : "memory");
    __asm__ volatile("fnstenv %0" : "=m"(*(uint8_t (*)[28])(HOLE - 20)) : : "memory");
    memcpy((void *)(HOLE - 0x100), before, 256);   /* the x87 half + MXCSR */
    hole(0);
    FAULT_CASE("frstor across", "frstor", HOLE - 100, 108);
    FAULT_CASE("fldenv across", "fldenv", HOLE - 20, 28);
    FAULT_CASE("fxrstor across", "fxrstor", HOLE - 0x100, 512);
    FAULT_CASE("fnsave across", "fnsave", HOLE - 100, 108);
    FAULT_CASE("fxsave across", "fxsave", HOLE - 0x100, 512);
    hole(1);

    /* FXRSTOR with a reserved MXCSR bit: #GP(0) and nothing loaded. */
    memcpy(buf, before, 512);
    memset(buf + 32, 0x55, 128);
    buf[24 + 2] = 1;                /* MXCSR bit 16 */
    FAULT_CASE("fxrstor mxcsr bit 16", "fxrstor", (uint64_t)buf, 512);
    /* LDMXCSR likewise. */
    FAULT_CASE("ldmxcsr bit 16", "ldmxcsr", (uint64_t)buf + 24, 4);
    idt_set_handler(13, NULL);
    idt_set_handler(14, NULL);
}

/* ---- XSAVE (only with -cpu ...,+xsave) ---- */

static uint64_t xgetbv(uint32_t ecx)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(ecx));
    return ((uint64_t)hi << 32) | lo;
}

static uint8_t xarea[1024] __attribute__((aligned(64)));

#define XRSTOR_CASE(name, a0)                                                  \
    do {                                                                       \
        state_set();                                                           \
        trap_reset();                                                          \
        __asm__ volatile("lea 1f(%%rip), %%rcx; mov %%rcx, %[r]\n\t"           \
                         "mov $3, %%eax; xor %%edx, %%edx\n\t"                 \
                         "xrstor (%%rdi)\n\t"                                  \
                         "1:"                                                  \
                         : [r] "=m"(resume_rip) : "D"(a0)                      \
                         : "memory", "rax", "rcx", "rdx");             \
        print_fault(name, a0, 576);                                            \
    } while (0)

static void test_xsave(void)
{
    uint32_t r[4];
    uint64_t cr4;

    cpuid(1, 0, r);
    if (!(r[2] & (1u << 26))) {
        printf("xsave: not advertised\n");
        return;
    }
    cpuid(0xd, 1, r);
    printf("xsave: cpuid d.1 eax %x\n", r[0]);
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | 1ul << 18));
    __asm__ volatile("xsetbv" : : "a"(3), "d"(0), "c"(0));
    cpuid(0xd, 1, r);
    if (r[0] & 4) {
        state_set();
        printf("xgetbv(1) in use: %lx\n", xgetbv(1));
    }

    /* XSAVE and XSAVEOPT: XSTATE_BV gets the in-use bits, others kept. */
    state_set();
    memset(xarea, 0, sizeof(xarea));
    xarea[512] = 0x80;              /* bit 7, outside RFBM: kept */
    __asm__ volatile("xsave %0" : "+m"(xarea) : "a"(3), "d"(0) : "memory");
    printf("xsave: xstate_bv %lx fcw %04x mxcsr %08x\n", rd64(xarea + 512), rd16(xarea),
           rd32(xarea + 24));
    memset(xarea + 512, 0, 64);
    if (r[0] & 1) {
        __asm__ volatile("xsaveopt %0" : "+m"(xarea) : "a"(1), "d"(0) : "memory");
        printf("xsaveopt x87 only: xstate_bv %lx fcw %04x\n", rd64(xarea + 512),
               rd16(xarea));
    }

    /* XRSTOR's #GP cases leave the state as it was. */
    idt_set_handler(13, trap_skip);
    idt_set_handler(14, trap_skip);
    __asm__ volatile("xsave %0" : "+m"(xarea) : "a"(3), "d"(0) : "memory");
    memset(xarea + 512, 0, 64);
    xarea[512] = 7;                 /* YMM: not in XCR0 */
    XRSTOR_CASE("xrstor bv bit 2", (uint64_t)xarea);
    xarea[512] = 3;
    xarea[520] = 1;                 /* XCOMP_BV */
    XRSTOR_CASE("xrstor xcomp_bv", (uint64_t)xarea);
    xarea[520] = 0;
    xarea[528] = 1;                 /* header bytes 16-23 */
    XRSTOR_CASE("xrstor header byte 16", (uint64_t)xarea);
    xarea[528] = 0;
    xarea[540] = 1;                 /* header bytes 24-63: no check */
    state_set();
    __asm__ volatile("xrstor %0" : : "m"(xarea), "a"(3), "d"(0) : "memory");
    printf("xrstor header byte 28: %s\n", state_same());
    xarea[540] = 0;
    /* Across the hole: #PF, nothing restored. */
    memcpy((void *)(HOLE - 0x200), xarea, 576);
    hole(0);
    XRSTOR_CASE("xrstor across", HOLE - 0x200);
    hole(1);

    /* XSTATE_BV 0: the initial state; XINUSE may then read 0 (SDM 13.6). */
    memset(xarea + 512, 0, 64);
    state_set();
    __asm__ volatile("xrstor %0" : : "m"(xarea), "a"(3), "d"(0) : "memory");
    {
        uint16_t cw, sw;
        uint32_t mx;

        __asm__ volatile("fnstcw %0; fnstsw %1; stmxcsr %2" : "=m"(cw), "=m"(sw), "=m"(mx));
        printf("xrstor init: fcw %04x fsw %04x mxcsr %08x", cw, sw, mx);
        if (r[0] & 4) {
            /* Either answer is architectural: only "not more than XCR0". */
            printf(" xinuse within xcr0: %s", (xgetbv(1) & ~3ull) ? "no" : "yes");
        }
        printf("\n");
    }
    idt_set_handler(13, NULL);
    idt_set_handler(14, NULL);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    sse_enable();
    /* Run "x87-ferr": QEMU 7.2 aborts on FERR# (see tests/guest/README.md). */
    if (mb_cmdline_has(mbi, "ferr")) {
        test_ferr();
        return EXIT_PASS;
    }
    test_pointers();
    test_compat();
    test_mf_pointers();
    test_faults();
    test_xsave();
    return EXIT_PASS;
}
