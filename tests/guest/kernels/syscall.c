/*
 * syscall: privilege transitions.  64-bit SYSCALL/SYSRETQ and compat-mode
 * SYSCALL/SYSRETL round trips from CPL 3 (printing RCX/R11, the kernel's
 * view of RFLAGS after SFMASK, CS/SS on both sides), "int n" through a
 * DPL 3 gate and IRETQ back to CPL 3, "int n" through a DPL 0 gate (#GP
 * with the IDT error code), and SYSENTER/SYSEXIT in 32-bit protected mode
 * (recorded by boot_hook32 in syscall-asm.S before long mode).  Addresses
 * print relative to labels.  Exit: PASS (33).
 */
#include "user.h"

struct sc_rec {
    uint64_t rcx, r11, rflags, cs, ss, rsp, rax, count;
};
extern struct sc_rec sc_rec;
extern uint32_t sc_u32[16];
extern uint32_t se_rec[22];
void sc_entry64(void);
void sc_entry32(void);
void sc_user32(void);

#define MSR_EFER   0xc0000080
#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_CSTAR  0xc0000083
#define MSR_SFMASK 0xc0000084

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint8_t ustack32[4096] __attribute__((aligned(16)));

static void user64(void *arg)
{
    for (int i = 0; i < 2; i++) {
        uint64_t rax = 0x100 + i, rcx = 0x5555, r11 = 0x6666, label, fl;
        uint16_t cs, ss;
        /* Round 2 runs with DF and AC set: SFMASK clears them for the kernel. */
        uint64_t setfl = i ? 0x40400 | 0x8d5 : 0;
        __asm__ volatile("pushfq; orq %[sf], (%%rsp); popfq\n\t"
                         "lea 1f(%%rip), %[lab]\n\t"
                         "syscall\n1:\n\t"
                         "pushfq; popq %[fl]; cld\n\t"
                         "pushfq; andq $~0x40000, (%%rsp); popfq\n\t"
                         "mov %%cs, %[cs]; mov %%ss, %[ss]"
                         : "+a"(rax), "+c"(rcx), "+r"(r11), [lab] "=&r"(label),
                           [fl] "=&r"(fl), [cs] "=&r"(cs), [ss] "=&r"(ss)
                         : [sf] "r"(setfl) : "cc", "memory", "r11");
        (void)r11;
        printf("syscall64 #%d: rax=%lx rcx-ret=%lx rflags=%lx cs=%x ss=%x\n", i, rax,
               rcx - label, fl, cs, ss);
        printf("  kernel saw: rax=%lx rcx-ret=%lx r11=%lx rflags=%lx cs=%lx ss=%lx count=%lu\n",
               sc_rec.rax, sc_rec.rcx - label, sc_rec.r11, sc_rec.rflags, sc_rec.cs, sc_rec.ss,
               sc_rec.count);
    }

    /* int through a DPL 3 gate and back with IRETQ */
    uint64_t rsp0, label;
    __asm__ volatile("mov %%rsp, %[sp]; lea 1f(%%rip), %[lab]; int $0x2d\n1:"
                     : [sp] "=&r"(rsp0), [lab] "=&r"(label) : : "memory");
    extern struct trap_frame int_frame;
    printf("int 0x2d: rip-ret=%lx cs=%lx ss=%lx rsp-before=%lx rflags=%lx err=%lx\n",
           int_frame.rip - label, int_frame.cs, int_frame.ss, rsp0 - int_frame.rsp,
           int_frame.rflags, int_frame.error);

    /* int through a DPL 0 gate: #GP(vector * 8 + 2) */
    __asm__ volatile("lea 1f(%%rip), %[lab]; int $0x2c\n1:" : [lab] "=&r"(label) : : "memory");
    printf("int 0x2c (DPL 0 gate): #GP err=%lx rip-insn=%lx\n", int_frame.error,
           int_frame.rip - (label - 2));
}

struct trap_frame int_frame;

static void int_handler(struct trap_frame *f)
{
    int_frame = *f;
}

static void gp_handler(struct trap_frame *f)
{
    int_frame = *f;
    f->rip += 2;                 /* skip the faulting "int n" */
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    for (int i = 0; i < 2; i++) {
        uint32_t *r = &se_rec[i * 11];
        printf("sysexit #%d -> user: cs=%x ss=%x esp-top=%x eax=%x\n", i, r[0], r[1], r[2], r[3]);
        printf("sysenter #%d -> kernel: cs=%x ss=%x esp-top=%x eax=%x ecx=%x edx=%x eflags=%x\n",
               i, r[4], r[5], r[6], r[7], r[8], r[9], r[10]);
    }

    user_init();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);      /* SCE */
    wrmsr(MSR_STAR, (0x30ull << 48) | (0x08ull << 32));
    wrmsr(MSR_LSTAR, (uint64_t)sc_entry64);
    wrmsr(MSR_CSTAR, (uint64_t)sc_entry32);
    wrmsr(MSR_SFMASK, 0x40700);                /* AC DF IF TF */
    idt_set_handler(0x2d, int_handler);
    idt_set_dpl(0x2d, 3);
    idt_set_handler(13, gp_handler);

    user_call(user64, 0, RFLAGS_IOPL3);

    sc_rec.count = 0;
    user_call32((uint32_t)(uint64_t)sc_user32, (uint32_t)(uint64_t)(ustack32 + sizeof(ustack32)));
    printf("syscall32 #0: eax=%x ecx-ret=%x edx=%x eflags=%x cs=%x ss=%x\n", sc_u32[0],
           sc_u32[1] - sc_u32[6], sc_u32[2], sc_u32[3], sc_u32[4] & 0xffff, sc_u32[5] & 0xffff);
    printf("syscall32 #1: eax=%x ecx-ret=%x eflags=%x\n", sc_u32[7], sc_u32[8] - sc_u32[10],
           sc_u32[9]);
    printf("  kernel saw: rax=%lx rcx-ret=%lx r11=%lx rflags=%lx cs=%lx ss=%lx count=%lu\n",
           sc_rec.rax, sc_rec.rcx - sc_u32[10], sc_rec.r11, sc_rec.rflags, sc_rec.cs, sc_rec.ss,
           sc_rec.count);
    printf("syscall: done\n");
    return EXIT_PASS;
}
