/*
 * exceptions: every exception a test can raise, in legacy 32-bit protected
 * mode (exceptions-pm.S, before long mode), long mode (64-bit code at CPL 3
 * and CPL 0) and compat mode (32-bit code at CPL 3, for INTO and BOUND):
 * #DE #DB #BP #OF #BR #UD #NM #NP #SS #GP #PF #AC #DF.  Each case
 * prints the vector, the error code, CR2 (for #PF, relative to the test
 * page) and the saved RIP relative to the faulting instruction's label
 * (so the output does not depend on where the kernel is linked); #DF
 * prints no RIP (the SDM leaves it undefined).  After each exception the
 * handler resumes at the label after the instruction with the RSP the
 * case started with.  Exit: PASS (33).
 */
#include "user.h"

uint64_t ex_resume, ex_label, ex_rsp;
const char *ex_name;
static int ex_hit;

#define TEST_PAGE 0xa00000ul     /* 4 KiB-mapped test pages (split) */

static void ex_handler(struct trap_frame *f)
{
    if (f->vector == 6 && user_svc(f)) {
        return;
    }
    printf("%s: v=%lu err=%lx", ex_name, f->vector, f->error);
    if (f->vector == 14) {
        printf(" cr2=page+%lx", read_cr2() - TEST_PAGE);
    }
    if (f->vector == 1) {
        uint64_t dr6;
        __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
        printf(" dr6=%lx", dr6 & 0x400f);
        __asm__ volatile("mov %0, %%dr6" : : "r"(0ul));
    }
    if (f->vector != 8 && f->rip >= TEST_PAGE && f->rip < TEST_PAGE + 0x5000) {
        printf(" rip=page+%lx cpl=%lu", f->rip - TEST_PAGE, f->cs & 3);
    } else if (f->vector != 8) {
        printf(" rip=label+%lx cpl=%lu", f->rip - ex_label, f->cs & 3);
    }
    printf("\n");
    if (!ex_resume) {
        exit_qemu(EXIT_EXCEPTION);
    }
    ex_hit = 1;
    f->rip = ex_resume;
    f->rsp = ex_rsp;
    f->rflags &= ~0x40100ul;    /* TF, AC */
    ex_resume = 0;
}

/*
 * Run insn with its label at "2:" and resume point "1:" after it.  RSP is
 * saved for the handler; r11 is scratch.
 */
#define TRY(name, insn, ...) TRYC(name, insn, "r11", __VA_ARGS__)
/* As TRY, with no inputs and rax clobbered. */
#define TRY0(name, insn) TRYC(name, insn, "rax", )
#define TRYC(name, insn, clob, ...)                                         \
    do {                                                                    \
        ex_name = name;                                                     \
        ex_hit = 0;                                                         \
        __asm__ volatile("lea 1f(%%rip), %%r11; mov %%r11, ex_resume(%%rip)\n\t" \
                         "lea 2f(%%rip), %%r11; mov %%r11, ex_label(%%rip)\n\t" \
                         "mov %%rsp, ex_rsp(%%rip)\n2:\n\t"                 \
                         insn "\n1:"                                        \
                         : : __VA_ARGS__ : "r11", "r8", clob, "memory", "cc"); \
        if (!ex_hit) {                                                      \
            printf("%s: no exception\n", name);                            \
        }                                                                   \
        ex_resume = 0;                                                      \
    } while (0)

static uint8_t code_page_ret[1] __attribute__((section(".data")));

static void user_tests(void *arg)
{
    TRY("div by zero", "div %%ecx", "a"(1), "d"(0), "c"(0));
    TRY("idiv overflow", "idiv %%ecx", "a"(0x80000000u), "d"(0xffffffffu), "c"(-1));
    TRY("tf single step", "pushfq; orq $0x100, (%%rsp); popfq; nop; nop; nop");
    TRY("int3", "int3; nop");
    TRY("int 3 (cd 03)", "int $3; nop");
    TRY("ud2", "ud2");
    TRY("lock add reg,reg", ".byte 0xf0, 0x01, 0xc3");
    TRY("lock nop", ".byte 0xf0, 0x90");
    TRY("push es in 64-bit", ".byte 0x06");
    TRY("aaa in 64-bit", ".byte 0x37");
    TRY("ud0", ".byte 0x0f, 0xff, 0xc0");
    TRY("into in 64-bit", ".byte 0xce");
    /* Only /0 is defined for C6, C7 and 8F (C6 F8 / C7 F8 are XABORT/XBEGIN). */
    TRY("c6 /1 (mov with reg 1)", ".byte 0xc6, 0xc8, 0x00");
    TRY("c7 /2 (mov with reg 2)", ".byte 0xc7, 0xd0, 0, 0, 0, 0");
    /* push first: if 8F /1 ran as a POP (QEMU 7.2), the stack stays balanced */
    TRY0("8f /1 (pop with reg 1)", "push %%rax; .byte 0x8f, 0xc8");
    TRY("non-canonical load", "mov (%%rax), %%rax", "a"(0x0000800000000000ul));
    TRY("non-canonical stack", "mov %%rsp, %%r8; movabs $0x8000000000000000, %%rsp; push %%rax");
    TRY("hlt at cpl 3", "hlt");
    TRY0("mov cr0 at cpl 3", "mov %%cr0, %%rax");
    TRY("wrmsr at cpl 3", "wrmsr", "c"(0x10), "a"(0), "d"(0));
    TRY("mov ds, beyond gdt", "mov %%ax, %%ds", "a"(0xfff8));
    TRY("mov ds, dpl 0 data", "mov %%ax, %%ds", "a"(0x10));
    TRY("mov ds, ldt sel (no ldt)", "mov %%ax, %%ds", "a"(0x0f));
    TRY("mov ss, null", "mov %%ax, %%ss", "a"(0));
    TRY("mov ds, not present", "mov %%ax, %%ds", "a"(0x5b));
    TRY("mov ss, not present", "mov %%ax, %%ss", "a"(0x5b));
    TRY("mov ds, code seg (readable)", "mov %%ax, %%ds; mov $0x3b, %%eax; mov %%ax, %%ds",
        "a"(0x43));
    TRY("mov ss, code seg", "mov %%ax, %%ss", "a"(0x43));
    TRY("int 0x2b, gate not present", "int $0x2b");
    TRY("int 0x2c, dpl 0 gate", "int $0x2c");
    TRY("int 0x80, beyond idt limit", "int $0x80");
    TRY("read, not present", "mov (%%rax), %%al", "a"(TEST_PAGE + 0x10));
    TRY("write, not present", "movb $1, (%%rax)", "a"(TEST_PAGE + 0x20));
    TRY("read, supervisor page", "mov (%%rax), %%al", "a"(TEST_PAGE + 0x1030));
    TRY("write, supervisor page", "movb $1, (%%rax)", "a"(TEST_PAGE + 0x1040));
    TRY("write, read-only user page", "movb $1, (%%rax)", "a"(TEST_PAGE + 0x2050));
    TRY("read, reserved bit", "mov (%%rax), %%al", "a"(TEST_PAGE + 0x3060));
    TRY("fetch, nx page", "call *%%rax", "a"(TEST_PAGE + 0x4070));
    TRY("fetch, supervisor page", "call *%%rax", "a"(TEST_PAGE + 0x1000));
    TRY0("misaligned load, ac=1 am=1",
         "pushfq; orq $0x40000, (%%rsp); popfq; mov 1(%%rsp), %%eax");
    __asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" : : : "cc");
    TRY0("aligned load, ac=1 am=1 (no #AC)",
         "pushfq; orq $0x40000, (%%rsp); popfq; mov (%%rsp), %%rax; "
         "pushfq; andq $~0x40000, (%%rsp); popfq");
    __asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" : : : "cc");
    (void)code_page_ret;
}

static void user_tests_iopl0(void *arg)
{
    TRY("cli at cpl 3 iopl 0", "cli");
    TRY0("in at cpl 3 iopl 0", "in $0x80, %%al");
    TRY("fninit with cr0.ts", "fninit");
    TRY("wait with cr0.ts+mp", "wait");
}

void ex_compat32(void);     /* exceptions-32.S */

/* Legacy protected mode cases, run by boot_hook32 (exceptions-pm.S). */
extern uint32_t pm_rec[16][4];
static const char *const pm_names[] = {
    "pm div by zero", "pm int3", "pm into (of=1)", "pm bound 5 in [0,3]", "pm ud2",
    "pm mov ds, beyond gdt", "pm mov ds, not present", "pm mov ss, not present",
    "pm mov ss, dpl 3 data", "pm int 0x80, beyond idt limit", "pm c6 /1",
    "pm #gp with gate 13 not present",
};

static void print_pm(void)
{
    printf("-- cpl 0, legacy 32-bit protected mode\n");
    for (uint32_t i = 0; i < sizeof(pm_names) / sizeof(pm_names[0]); i++) {
        uint32_t *r = pm_rec[i];
        if (!r[0]) {
            printf("%s: no exception\n", pm_names[i]);
            continue;
        }
        printf("%s: v=%u err=%x", pm_names[i], r[1], r[2]);
        if (r[1] != 8) {
            printf(" eip=label+%x", r[3]);
        }
        printf("\n");
    }
}

static uint8_t stack32[4096] __attribute__((aligned(16)));

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint64_t cr0;

    printf("exceptions: start\n");
    print_pm();
    user_init();
    for (unsigned v = 0; v < 32; v++) {
        idt_set_handler(v, ex_handler);
    }
    idt_set_handler(0x2b, ex_handler);
    idt_set_dpl(0x2b, 3);
    idt_set_present(0x2b, 0);
    idt_set_handler(0x2c, ex_handler);
    idt_set_dpl(3, 3);
    idt_set_dpl(4, 3);
    /* GDT 0x58: DPL 3 data, not present */
    user_gdt[11] = 0x00cf72000000ffffull;
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gp = { 12 * 8 - 1, (uint64_t)user_gdt };
    __asm__ volatile("lgdt %0" : : "m"(gp));

    /* Test pages: +0 not present, +1000 supervisor, +2000 read-only user,
     * +3000 reserved bit 51, +4000 NX (holds a ret). */
    for (unsigned i = 0; i < 5; i++) {
        user_pte(TEST_PAGE + i * 4096);
    }
    *(volatile uint8_t *)(TEST_PAGE + 0x4070) = 0xc3;
    *(volatile uint8_t *)(TEST_PAGE + 0x1000) = 0xc3;
    *user_pte(TEST_PAGE) &= ~1ull;
    *user_pte(TEST_PAGE + 0x1000) &= ~4ull;
    *user_pte(TEST_PAGE + 0x2000) &= ~2ull;
    *user_pte(TEST_PAGE + 0x3000) |= 1ull << 51;
    *user_pte(TEST_PAGE + 0x4000) |= 1ull << 63;
    __asm__ volatile("wrmsr" : : "c"(0xc0000080),
                     "a"((uint32_t)rdmsr(0xc0000080) | 0x800), "d"(0));   /* NXE */
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0; mov %%cr3, %%rax; mov %%rax, %%cr3"
                     : : "r"(cr0 | 0x40000) : "rax", "memory");          /* AM */

    /* A null LDTR: TI=1 selectors then fault (the reset LDTR has base 0). */
    __asm__ volatile("lldt %w0" : : "r"(0));
    printf("-- cpl 3, 64-bit\n");
    user_call(user_tests, 0, RFLAGS_IOPL3);
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 0xa));                 /* TS MP */
    user_call(user_tests_iopl0, 0, 0);
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));

    printf("-- cpl 3, compat mode\n");
    user_call32((uint32_t)(uint64_t)ex_compat32, (uint32_t)(uint64_t)(stack32 + sizeof(stack32)));

    printf("-- cpl 0, 64-bit\n");
    idt_set_dpl(3, 0);
    TRY("write, read-only page, cr0.wp=0", "movb $1, (%%rax)", "a"(TEST_PAGE + 0x2050));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 0x10000));             /* WP */
    TRY("write, read-only page, cr0.wp=1", "movb $2, (%%rax)", "a"(TEST_PAGE + 0x2058));
    printf("read-only page bytes: %x %x\n", *(volatile uint8_t *)(TEST_PAGE + 0x2050),
           *(volatile uint8_t *)(TEST_PAGE + 0x2058));
    TRY("fetch, nx page, cpl 0", "call *%%rax", "a"(TEST_PAGE + 0x4070));
    TRY("fninit with cr0.em", "mov %%cr0, %%r8; orq $4, %%r8; andq $~8, %%r8; "
        "mov %%r8, %%cr0; fninit");
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    /* #GP while its own gate is not present: #NP during #GP delivery = #DF. */
    idt_set_present(13, 0);
    TRY("#gp with gate 13 not present", "mov (%%rax), %%rax", "a"(0x0000800000000000ul));
    idt_set_present(13, 1);
    TRY("#gp with gate 13 present again", "mov (%%rax), %%rax", "a"(0x0000800000000000ul));

    printf("exceptions: done\n");
    return EXIT_PASS;
}
