/*
 * paging: the page-table walker in each paging mode.  Legacy 32-bit
 * paging (4 KiB and 4 MiB pages, CR4.PSE) and PAE (4 KiB and 2 MiB) run
 * an op list through paging-legacy.S after leaving long mode; 4-level
 * paging (4 KiB, 2 MiB) runs here.  Each mode: two virtual pages aliasing
 * one physical page (write through one, read through the other), the
 * accessed/dirty bits after reads and writes, a PTE change made visible
 * by INVLPG (the value before INVLPG is implementation-defined and not
 * printed), CR0.WP off/on, and in 4-level mode NX with and without
 * EFER.NXE and U/S from CPL 3.  1 GiB pages only if CPUID advertises
 * them (qemu64 does not).  Exit: PASS (33).
 */
#include "user.h"

#define PHYS_A 0x1000000ul      /* 16 MiB: RAM the kernel does not use */
#define PHYS_B 0x1001000ul
#define PHYS_C 0x1002000ul
#define PHYS_D 0x1003000ul
#define PHYS_E 0x1004000ul
#define PHYS_4M 0x1400000ul
#define PHYS_2M 0x1600000ul

struct pg_op {
    uint32_t code, addr, value, result;
};
enum { OP_END, OP_R32, OP_W32, OP_INVLPG, OP_WP };

extern uint32_t pg_cr3, pg_cr4, pg_ops, pg_boot_cr3;
void pg_legacy_run(void);

static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint32_t pt32[1024] __attribute__((aligned(4096)));
static uint64_t pdpt_pae[4] __attribute__((aligned(32)));
static uint64_t pd_pae0[512] __attribute__((aligned(4096)));
static uint64_t pd_pae1[512] __attribute__((aligned(4096)));
static uint64_t pt_pae[512] __attribute__((aligned(4096)));
static struct pg_op ops[32];

static volatile uint32_t *phys32(uint64_t pa)
{
    return (volatile uint32_t *)pa;
}

static void fill_phys(void)
{
    for (unsigned i = 0; i < 1024; i++) {
        phys32(PHYS_A)[i] = 0xa0a00000 + i;
        phys32(PHYS_B)[i] = 0xb0b00000 + i;
        phys32(PHYS_C)[i] = 0xc0c00000 + i;
        phys32(PHYS_D)[i] = 0xd0d00000 + i;
    }
}

static unsigned nops;

static void op(uint32_t code, uint64_t addr, uint32_t value)
{
    ops[nops++] = (struct pg_op){ code, (uint32_t)addr, value, 0 };
    ops[nops].code = OP_END;
}

/* The common op list on VA base: 4 KiB pages 0 1 (alias) 2 (remapped) 3 (RO). */
static void legacy_ops(uint32_t base, uint64_t pte2_addr, uint64_t pte2_new, uint32_t big)
{
    nops = 0;
    op(OP_W32, base + 0x10, 0x11111111);
    op(OP_R32, base + 0x1010, 0);               /* alias: 11111111 */
    op(OP_W32, base + 0x1014, 0x22222222);
    op(OP_R32, base + 0x14, 0);                 /* 22222222 */
    op(OP_R32, base + 0x2020, 0);               /* B */
    op(OP_W32, pte2_addr, (uint32_t)pte2_new);  /* identity-mapped PTE */
    op(OP_INVLPG, base + 0x2000, 0);
    op(OP_R32, base + 0x2020, 0);               /* C after invlpg */
    op(OP_WP, 0, 0);
    op(OP_W32, base + 0x3030, 0x33333333);      /* read-only page, WP=0 */
    op(OP_R32, base + 0x3030, 0);
    op(OP_W32, big + 0x123454, 0x44444444);     /* large page */
    op(OP_R32, big + 0x123454, 0);
}

static void print_ops(const char *mode)
{
    for (unsigned i = 0; i < nops; i++) {
        const char *names[] = { "end", "read", "write", "invlpg", "wp" };
        if (ops[i].addr < 0x200000 && ops[i].code == OP_W32) {
            printf("%s: %s pte", mode, names[ops[i].code]);     /* kernel-relative */
        } else {
            printf("%s: %s %x", mode, names[ops[i].code], ops[i].addr);
        }
        if (ops[i].code == OP_R32) {
            printf(" -> %x", ops[i].result);
        } else if (ops[i].code == OP_W32 || ops[i].code == OP_WP) {
            printf(" <- %x", ops[i].value);
        }
        printf("\n");
    }
}

static void print_ad(const char *mode, const char *what, uint64_t e)
{
    printf("%s: %s a=%lu d=%lu\n", mode, what, (e >> 5) & 1, (e >> 6) & 1);
}

static void mode_32bit(void)
{
    memset(pd32, 0, sizeof(pd32));
    memset(pt32, 0, sizeof(pt32));
    pd32[0] = 0x83;                                     /* 0-4 MiB, 4 MiB page */
    pd32[0x100] = (uint32_t)(uint64_t)pt32 | 3;         /* 0x40000000: 4 KiB */
    pt32[0] = PHYS_A | 3;
    pt32[1] = PHYS_A | 3;
    pt32[2] = PHYS_B | 3;
    pt32[3] = PHYS_D | 1;                               /* read-only */
    pd32[0x200] = PHYS_4M | 0x83;                       /* 0x80000000: 4 MiB */
    fill_phys();
    legacy_ops(0x40000000, (uint64_t)&pt32[2], PHYS_C | 3, 0x80000000);
    pg_cr3 = (uint32_t)(uint64_t)pd32;
    pg_cr4 = 0x10;                                      /* PSE */
    pg_ops = (uint32_t)(uint64_t)ops;
    pg_legacy_run();
    print_ops("32-bit");
    print_ad("32-bit", "pde 4k", pd32[0x100]);
    for (int i = 0; i < 4; i++) {
        char w[] = "pte 0";
        w[4] = (char)('0' + i);
        print_ad("32-bit", w, pt32[i]);
    }
    print_ad("32-bit", "pde 4m", pd32[0x200]);
    printf("32-bit: phys a+10=%x a+14=%x d+30=%x 4m+123454=%x\n", phys32(PHYS_A)[4],
           phys32(PHYS_A)[5], phys32(PHYS_D)[0x30 / 4], phys32(PHYS_4M + 0x123454)[0]);
}

static void mode_pae(void)
{
    memset(pd_pae0, 0, sizeof(pd_pae0));
    memset(pd_pae1, 0, sizeof(pd_pae1));
    memset(pt_pae, 0, sizeof(pt_pae));
    pdpt_pae[0] = (uint64_t)pd_pae0 | 1;
    pdpt_pae[1] = (uint64_t)pd_pae1 | 1;               /* 0x40000000 */
    pdpt_pae[2] = pdpt_pae[3] = 0;
    pd_pae0[0] = 0x83;
    pd_pae0[1] = 0x200000 | 0x83;
    pd_pae1[0] = (uint64_t)pt_pae | 3;
    pt_pae[0] = PHYS_A | 3;
    pt_pae[1] = PHYS_A | 3;
    pt_pae[2] = PHYS_B | 3;
    pt_pae[3] = PHYS_D | 1;
    pd_pae1[1] = PHYS_2M | 0x83;                        /* 0x40200000: 2 MiB */
    fill_phys();
    legacy_ops(0x40000000, (uint64_t)&pt_pae[2], PHYS_C | 3, 0x40200000 - 0x100000);
    pg_cr3 = (uint32_t)(uint64_t)pdpt_pae;
    pg_cr4 = 0x20;                                      /* PAE */
    pg_ops = (uint32_t)(uint64_t)ops;
    pg_legacy_run();
    print_ops("pae");
    print_ad("pae", "pde 4k", pd_pae1[0]);
    for (int i = 0; i < 4; i++) {
        char w[] = "pte 0";
        w[4] = (char)('0' + i);
        print_ad("pae", w, pt_pae[i]);
    }
    print_ad("pae", "pde 2m", pd_pae1[1]);
    printf("pae: phys a+10=%x a+14=%x d+30=%x 2m+23454=%x\n", phys32(PHYS_A)[4],
           phys32(PHYS_A)[5], phys32(PHYS_D)[0x30 / 4], phys32(PHYS_2M + 0x23454)[0]);
}

/* ---- 4-level paging, in place on boot.S's tables ---- */

#define VA 0x10000000ul         /* 256 MiB: no RAM behind the identity map */
#define VA_2M 0x10200000ul

uint64_t pg_resume, pg_rsp;

/* Arm pg_fault(): resume at the local label 1 with the current RSP. */
#define PG_ARM "lea 1f(%%rip), %%rax; mov %%rax, pg_resume(%%rip); mov %%rsp, pg_rsp(%%rip);"

static void pg_fault(struct trap_frame *f)
{
    uint64_t cr2 = read_cr2();
    printf("4-level: #PF err=%lx cr2=va+%lx cpl=%lu\n", f->error, cr2 - VA, f->cs & 3);
    if (!pg_resume) {
        exit_qemu(EXIT_EXCEPTION);
    }
    f->rip = pg_resume;
    f->rsp = pg_rsp;        /* a faulting call target leaves its push behind */
    pg_resume = 0;
}

/* Call addr (a "ret"), with a #PF resuming after the call. */
static void try_call(uint64_t addr)
{
    __asm__ volatile(PG_ARM " call *%0\n1:"
                     : : "r"(addr) : "rax", "memory");
    pg_resume = 0;
}

static void try_write(uint64_t addr, uint32_t v)
{
    __asm__ volatile(PG_ARM " movl %1, (%0)\n1:"
                     : : "r"(addr), "r"(v) : "rax", "memory");
    pg_resume = 0;
}

static void user_read(void *arg)
{
    __asm__ volatile(PG_ARM " mov (%0), %%eax\n1:"
                     : : "r"(arg) : "rax", "memory");
    pg_resume = 0;
}

static void mode_4level(void)
{
    uint64_t *pte[5], efer = rdmsr(0xc0000080), cr0;
    uint32_t r[4];

    for (int i = 0; i < 5; i++) {
        pte[i] = user_pte(VA + i * 4096ul);
    }
    fill_phys();
    *pte[0] = PHYS_A | 3;
    *pte[1] = PHYS_A | 3;
    *pte[2] = PHYS_B | 3;
    *pte[3] = PHYS_D | 1;
    *pte[4] = PHYS_E | 3 | (1ull << 63);
    *(volatile uint8_t *)PHYS_E = 0xc3;
    for (int i = 0; i < 5; i++) {
        invlpg(VA + i * 4096ul);
    }
    volatile uint32_t *v = (volatile uint32_t *)VA;
    v[4] = 0x11111111;
    printf("4-level: alias read %x\n", v[0x1010 / 4]);
    v[0x1014 / 4] = 0x22222222;
    printf("4-level: alias read %x\n", v[5]);
    printf("4-level: read %x\n", v[0x2020 / 4]);
    *pte[2] = PHYS_C | 3;
    invlpg(VA + 0x2000);
    printf("4-level: read after pte change + invlpg %x\n", v[0x2020 / 4]);
    printf("4-level: read-only page read %x\n", v[0x3030 / 4]);
    for (int i = 0; i < 4; i++) {
        char w[] = "pte 0";
        w[4] = (char)('0' + i);
        print_ad("4-level", w, *pte[i]);
    }

    /* 2 MiB page */
    uint64_t *pde = (uint64_t *)((uint64_t)user_pte(VA) & ~0xfffull);   /* the PT */
    (void)pde;
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    uint64_t *pml4 = (uint64_t *)(cr3 & ~0xfffull);
    uint64_t *pdpt = (uint64_t *)(pml4[0] & 0xffffffffff000ull);
    uint64_t *pd = (uint64_t *)(pdpt[0] & 0xffffffffff000ull);
    pd[VA_2M >> 21] = PHYS_2M | 0x83;
    invlpg(VA_2M);
    *(volatile uint32_t *)(VA_2M + 0x23454) = 0x44444444;
    printf("4-level: 2m page write, phys %x\n", phys32(PHYS_2M + 0x23454)[0]);
    print_ad("4-level", "pde 2m", pd[VA_2M >> 21]);

    /* CR0.WP */
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~0x10000ul));
    try_write(VA + 0x3030, 0x33333333);
    printf("4-level: wp=0 write to read-only page: %x\n", phys32(PHYS_D)[0x30 / 4]);
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 0x10000ul));
    try_write(VA + 0x3034, 0x55555555);
    printf("4-level: wp=1 write to read-only page: %x\n", phys32(PHYS_D)[0x34 / 4]);
    print_ad("4-level", "pte 3", *pte[3]);
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));

    /* NX */
    __asm__ volatile("wrmsr" : : "c"(0xc0000080), "a"((uint32_t)(efer | 0x800)), "d"(0));
    try_call(VA + 0x4000);
    *pte[4] &= ~(1ull << 63);
    invlpg(VA + 0x4000);
    try_call(VA + 0x4000);
    printf("4-level: call after clearing nx: ok\n");
    *pte[4] |= 1ull << 63;
    invlpg(VA + 0x4000);
    __asm__ volatile("wrmsr" : : "c"(0xc0000080), "a"((uint32_t)(efer & ~0x800ul)), "d"(0));
    try_call(VA + 0x4000);          /* bit 63 reserved without NXE */
    *pte[4] &= ~(1ull << 63);
    invlpg(VA + 0x4000);

    /* U/S: CPL 3 read of a supervisor page, CPL 0 read of a user page */
    *pte[2] &= ~4ull;
    invlpg(VA + 0x2000);
    user_call(user_read, (void *)(VA + 0x2020), 0);
    *pte[2] |= 4;
    invlpg(VA + 0x2000);
    user_call(user_read, (void *)(VA + 0x2020), 0);
    printf("4-level: cpl 3 read of user page: ok\n");

    cpuid(0x80000001, 0, r);
    printf("4-level: pdpe1gb=%u%s\n", (r[3] >> 26) & 1,
           (r[3] >> 26) & 1 ? " (1 GiB pages not tested)" : "");
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint64_t cr3;

    printf("paging: start\n");
    user_init();
    idt_set_handler(14, pg_fault);
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    pg_boot_cr3 = (uint32_t)cr3;
    if ((uint64_t)&pt_pae[512] > 0x200000) {
        printf("FAIL: page tables above 2 MiB\n");
        return EXIT_FAIL;
    }
    mode_32bit();
    mode_pae();
    mode_4level();
    printf("paging: done\n");
    return EXIT_PASS;
}
