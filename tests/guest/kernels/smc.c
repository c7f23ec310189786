/*
 * smc: self-modifying code.  Machine code is written into page-aligned
 * buffers and run; then it is modified and run again.  Cases: a store to
 * the next instruction (same page, same straight-line run), a loop that
 * patches its own immediate each iteration, an instruction spanning two
 * pages whose second-page bytes change, code in another page rewritten
 * between calls, and a write through a second virtual alias of the code's
 * physical page.  x86 requires every case to execute the new bytes
 * (SDM Vol. 3 "Self-Modifying Code": stores to code are detected).
 * Exit: PASS (33).
 */
#include "user.h"

typedef uint32_t (*code_fn)(void);

static uint8_t code[4 * 4096] __attribute__((aligned(4096)));

#define ALIAS_VA 0x9000000ul     /* outside RAM: free to remap */

static uint32_t run(const uint8_t *p)
{
    return ((code_fn)(uint64_t)p)();
}

static void put(uint8_t *dst, const uint8_t *src, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

static void next_insn(void)
{
    /* movb $0x42, 1(%rip) ; mov $0x11, %eax ; ret */
    static const uint8_t t[] = { 0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x42,
                                 0xb8, 0x11, 0x00, 0x00, 0x00, 0xc3 };
    put(code, t, sizeof(t));
    printf("smc next insn: %x\n", run(code));
    printf("smc next insn again: %x\n", run(code));
    /* Patch the patching store's value from outside: now it stores 0x77. */
    code[6] = 0x77;
    printf("smc next insn patched: %x\n", run(code));
}

static void self_loop(void)
{
    /*
     * xor eax,eax; mov $5,ecx; L: add $0,eax; incb -10(%rip) (the add's
     * immediate); loop L; ret
     */
    static const uint8_t t[] = { 0x31, 0xc0, 0xb9, 0x05, 0x00, 0x00, 0x00,
                                 0x05, 0x00, 0x00, 0x00, 0x00,
                                 0xfe, 0x05, 0xf6, 0xff, 0xff, 0xff,
                                 0xe2, 0xf3, 0xc3 };
    put(code + 64, t, sizeof(t));
    printf("smc self loop: %u\n", run(code + 64));
    printf("smc self loop again: %u\n", run(code + 64));
}

static void spanning(void)
{
    /* mov $0x44332211, eax across the page boundary at code + 4096; ret */
    uint8_t *p = code + 4096 - 3;
    static const uint8_t t[] = { 0xb8, 0x11, 0x22, 0x33, 0x44, 0xc3 };
    put(p, t, sizeof(t));
    printf("smc spanning: %x\n", run(p));
    code[4096] = 0x99;          /* third immediate byte, second page */
    printf("smc spanning, 2nd page changed: %x\n", run(p));
    code[4095] = 0x88;          /* second immediate byte, first page */
    printf("smc spanning, 1st page changed: %x\n", run(p));
}

static void other_page(void)
{
    uint8_t *p = code + 2 * 4096;
    uint32_t sum = 0;

    for (uint32_t n = 1; n <= 64; n++) {
        /* mov $n*n, eax ; add $n, eax ; ret */
        uint8_t t[] = { 0xb8, 0, 0, 0, 0, 0x83, 0xc0, (uint8_t)n, 0xc3 };
        uint32_t v = n * n;
        memcpy(t + 1, &v, 4);
        put(p, t, sizeof(t));
        sum = sum * 31 + run(p);
    }
    printf("smc other page, 64 rewrites: %x\n", sum);
}

static void alias(void)
{
    uint8_t *p = code + 3 * 4096;
    volatile uint8_t *a = (volatile uint8_t *)ALIAS_VA;
    static const uint8_t t[] = { 0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3 };

    uint64_t *pte = user_pte(ALIAS_VA);
    *pte = (uint64_t)p | 3;
    invlpg(ALIAS_VA);
    put(p, t, sizeof(t));
    printf("smc alias before: %x\n", run(p));
    a[1] = 0x02;
    a[2] = 0x01;
    printf("smc alias after write through alias: %x\n", run(p));
    printf("smc alias read through code va: %02x %02x\n", p[1], p[2]);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    printf("smc: start\n");
    user_init();
    next_insn();
    self_loop();
    spanning();
    other_page();
    alias();
    printf("smc: done\n");
    return EXIT_PASS;
}
