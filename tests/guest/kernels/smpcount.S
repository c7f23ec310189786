/*
 * smpcount: the AP trampoline.  smpcount.c copies tramp_start..tramp_end to
 * TRAMP_BASE; every AP enters it in real mode, switches to 32-bit protected
 * mode (no paging: the kernel's data sits at its physical address), marks
 * its APIC ID in sc_ran_mask, waits for sc_go, adds 1 to sc_counter
 * SC_ITERS times with LOCK XADD, counts itself in sc_done and halts.
 * APs print nothing: their order would not be deterministic.
 */
#define TRAMP_BASE  0x8000
#define SC_ITERS    100000
#define TR(x)       ((x) - tramp_start + TRAMP_BASE)

    .data
    .globl sc_counter, sc_done, sc_go, sc_ran_mask, sc_up, sc_bad
    .balign 64
sc_counter:
    .long 0
    .balign 64
sc_done:
    .long 0
sc_go:
    .long 0
sc_ran_mask:
    .long 0
sc_up:
    .long 0
sc_bad:
    .long 0

    .text
    .globl sc_tramp_start, sc_tramp_end
    .code16
sc_tramp_start:
tramp_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl TR(tramp_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x18, $TR(tramp32)

    .code32
tramp32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov 0xfee00020, %ecx            /* LAPIC ID, bits 31:24 */
    shr $24, %ecx
    mov $1, %eax
    shl %cl, %eax
    lock orl %eax, sc_ran_mask
    lock incl sc_up
1:
    pause
    cmpl $0, sc_go
    je 1b
    mov $SC_ITERS, %ecx
2:
    /*
     * XADD returns the old value: a second CPU's LOCK XADD may never hand
     * out the same value twice, so each result must be below the final
     * total; check the cheap half of that (not above the maximum).
     */
    mov $1, %eax
    lock xaddl %eax, sc_counter
    cmp $SC_ITERS * 64, %eax
    jb 3f
    lock incl sc_bad
3:
    dec %ecx
    jnz 2b
    lock incl sc_done
4:
    cli
    hlt
    jmp 4b

tramp_gdt_ptr:
    .word 6 * 8 - 1                 /* boot.S's six descriptors */
    .long gdt
sc_tramp_end:
