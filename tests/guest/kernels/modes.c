/*
 * modes: the 64-bit end of the mode-transition kernel (modes.S did
 * protected -> real -> protected).  Checks that long mode is really on.
 * Exit: PASS (status 33) when CS is 64-bit and CR0/CR4/EFER agree.
 */
#include "lib.h"

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint64_t cr0, cr4, efer = rdmsr(0xc0000080);
    uint16_t cs;
    /* A 64-bit shift that 32-bit code could not do in one register. */
    volatile uint64_t wide = 1;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    wide <<= 40;

    int ok = cs == SEL_CODE64 && (cr0 & 0x80000001) == 0x80000001 &&
             (cr4 & 0x20) && (efer & 0x500) == 0x500 && wide == 0x10000000000ul;
    printf("modes: long mode 64-bit (cs=%x cr0.pg=%lu cr4.pae=%lu efer.lme=%lu efer.lma=%lu)\n",
           cs, (cr0 >> 31) & 1, (cr4 >> 5) & 1, (efer >> 8) & 1, (efer >> 10) & 1);
    printf("modes: 1 << 40 = %lx\n", (uint64_t)wide);
    printf("modes: %s\n", ok ? "done" : "FAILED");
    return ok ? EXIT_PASS : EXIT_FAIL;
}
