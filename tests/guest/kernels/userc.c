/*
 * userc: the ring-0 half of the ring-3 SSE C program (issue 6).  Enables
 * SSE (CR4.OSFXSR/OSXMMEXCPT, CR0.MP, CR0.EM clear), drops to CPL 3 and
 * runs userc_main() from userc-prog.c, the one object built with -O2
 * -msse4.2 instead of -mgeneral-regs-only (tests/guest/meson.build), so
 * the compiler's own SSE code (vectorised loops, scalar float math,
 * intrinsics) runs at CPL 3.  Run with -cpu qemu64,+ssse3,+sse4.1,+sse4.2,
 * +popcnt ("userc").  Exit: PASS (33).
 */
#include "user.h"

void userc_main(void *arg);

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint64_t cr0, cr4;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"((cr0 & ~(1ul << 2 | 1ul << 3)) | 1ul << 1 | 1ul << 5));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | 1ul << 9 | 1ul << 10));
    user_init();
    printf("userc: running the SSE program at CPL 3\n");
    user_call(userc_main, NULL, 0x2);
    printf("userc: back in ring 0\n");
    return EXIT_PASS;
}
