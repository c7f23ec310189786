/*
 * Keel test-kernel ring-3 support (see user.h): GDT with user segments
 * and a 64-bit TSS, U bits on boot.S's page tables, and the trap handler
 * that serves UD2 service calls (print, return to the kernel).
 */
#include "user.h"

uint64_t user_gdt[16] __attribute__((aligned(16))) = {
    0,
    0x00af9a000000ffff,     /* 0x08 64-bit code, DPL 0 */
    0x00cf92000000ffff,     /* 0x10 flat data, DPL 0 */
    0x00cf9a000000ffff,     /* 0x18 flat 32-bit code */
    0x00009a000000ffff,     /* 0x20 16-bit code */
    0x000092000000ffff,     /* 0x28 16-bit data */
    0x00cffa000000ffff,     /* 0x30 32-bit code, DPL 3 */
    0x00cff2000000ffff,     /* 0x38 flat data, DPL 3 */
    0x00affa000000ffff,     /* 0x40 64-bit code, DPL 3 */
    0, 0,                   /* 0x48 TSS (16 bytes) */
};

struct tss64 user_tss __attribute__((aligned(16)));

static uint8_t kstack[16384] __attribute__((aligned(16)));
static uint8_t ist_stack[8192] __attribute__((aligned(16)));
static uint8_t ustack[65536] __attribute__((aligned(16)));

/* Kernel RSP at the user_call() entry, restored by the return path. */
uint64_t user_saved_rsp;
void user_enter(void (*fn)(void *), void *arg, uint64_t rsp, uint64_t rflags);
void user_resume(void);

static void user_set_u_bits(void)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    uint64_t *pml4 = (uint64_t *)(cr3 & ~0xfffull);
    for (int i = 0; i < 512; i++) {
        if (!(pml4[i] & 1)) {
            continue;
        }
        pml4[i] |= 4;
        uint64_t *pdpt = (uint64_t *)(pml4[i] & 0xffffffffff000ull);
        for (int j = 0; j < 512; j++) {
            if (!(pdpt[j] & 1)) {
                continue;
            }
            pdpt[j] |= 4;
            if (pdpt[j] & 0x80) {
                continue;
            }
            uint64_t *pd = (uint64_t *)(pdpt[j] & 0xffffffffff000ull);
            for (int k = 0; k < 512; k++) {
                if (pd[k] & 1) {
                    pd[k] |= 4;
                }
            }
        }
    }
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

static uint64_t split_pts[16][512] __attribute__((aligned(4096)));
static unsigned split_used;

uint64_t *user_pte(uint64_t va)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    uint64_t *pml4 = (uint64_t *)(cr3 & ~0xfffull);
    uint64_t *pdpt = (uint64_t *)(pml4[(va >> 39) & 511] & 0xffffffffff000ull);
    uint64_t *pd = (uint64_t *)(pdpt[(va >> 30) & 511] & 0xffffffffff000ull);
    uint64_t *pde = &pd[(va >> 21) & 511];

    if (*pde & 0x80) {
        if (split_used == 16) {
            printf("user_pte: out of page tables\n");
            exit_qemu(EXIT_FAIL);
        }
        uint64_t *pt = split_pts[split_used++];
        uint64_t base = *pde & 0xfffffffe00000ull, attr = *pde & 0x8000000000000fffull;
        attr &= ~0x80ull;       /* PS */
        for (int i = 0; i < 512; i++) {
            pt[i] = (base + i * 4096ull) | attr;
        }
        *pde = (uint64_t)pt | (*pde & 0x7);
        __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
    }
    uint64_t *pt = (uint64_t *)(*pde & 0xffffffffff000ull);
    return &pt[(va >> 12) & 511];
}

void user_abort(struct trap_frame *f)
{
    f->rip = (uint64_t)user_resume;
    f->cs = SEL_CODE64;
    f->ss = SEL_DATA;
    f->rsp = user_saved_rsp;
    f->rflags = 2;
}

static char ubuf[256];
static unsigned ubuf_len;

static void user_flush(void)
{
    __asm__ volatile(USER_SVC_ASM(SVC_PRINT) : : "S"(ubuf), "c"((uint64_t)ubuf_len) : "memory");
    ubuf_len = 0;
}

static void user_putc(char c)
{
    ubuf[ubuf_len++] = c;
    if (c == '\n' || ubuf_len == sizeof(ubuf)) {
        user_flush();
    }
}

void (*user_svc_kernel)(unsigned code, struct trap_frame *f);

int user_svc(struct trap_frame *f)
{
    const uint8_t *p = (const uint8_t *)f->rip;

    if (p[0] != 0x0f || p[1] != 0x0b || p[2] != 'K' || p[3] != 'E') {
        return 0;
    }
    f->rip += 5;
    if (p[4] == SVC_PRINT) {
        const char *s = (const char *)f->rsi;
        for (uint64_t i = 0; i < (uint32_t)f->rcx && i < sizeof(ubuf); i++) {
            serial_putc(s[i]);
        }
    } else if (p[4] == SVC_RETURN) {
        user_abort(f);
    } else if (user_svc_kernel) {
        user_svc_kernel(p[4], f);
    }
    return 1;
}

static void user_ud_handler(struct trap_frame *f)
{
    if (!user_svc(f)) {
        printf("exception 6 error 0 rip %lx\n", f->rip);
        exit_qemu(EXIT_EXCEPTION);
    }
}

void user_init(void)
{
    uint64_t base = (uint64_t)&user_tss;
    uint64_t limit = sizeof(user_tss) - 1;

    user_tss.rsp[0] = (uint64_t)(kstack + sizeof(kstack));
    user_tss.ist[0] = (uint64_t)(ist_stack + sizeof(ist_stack));
    user_tss.iomap = sizeof(user_tss);
    user_gdt[9] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    user_gdt[10] = base >> 32;

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = { 11 * 8 - 1, (uint64_t)user_gdt };
    __asm__ volatile("lgdt %0" : : "m"(ptr));
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
    user_set_u_bits();
    idt_set_handler(6, user_ud_handler);
    serial_putc_cpl3 = user_putc;
}

void user_call(void (*fn)(void *), void *arg, uint64_t rflags)
{
    user_enter(fn, arg, (uint64_t)(ustack + sizeof(ustack)), (rflags | 2) & ~0x200ul);
}
