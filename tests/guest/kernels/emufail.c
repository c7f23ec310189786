/*
 * emufail: an x87 instruction in ring 0. Under TCG it just runs; under a
 * KVM that emulates ring-0 code (PVM) it ends in "emulation failure",
 * which lets tests look at the emulator's register dump. Exit: PASS (33).
 */
#include "lib.h"

int kmain(uint32_t magic, struct mb_info *mbi)
{
    printf("emufail: fld1\n");
    __asm__ volatile("fninit; fld1; fstp %%st(0)" ::: "memory");
    printf("emufail: survived\n");
    return EXIT_PASS;
}
