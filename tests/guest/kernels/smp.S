/*
 * smp: the AP trampoline.  smp.c copies tramp_start..tramp_end to
 * TRAMP_BASE (the SIPI vector is TRAMP_BASE >> 12); the AP enters it in
 * real mode, switches to 32-bit protected mode with the kernel's GDT,
 * prints "cpu<apic id> up", increments ap_count and halts for good.
 */
#define COM1        0x3f8
#define TRAMP_BASE  0x8000
#define TR(x)       ((x) - tramp_start + TRAMP_BASE)

    .data
    .globl ap_count
    .balign 4
ap_count:
    .long 0

    .text
    .globl tramp_start, tramp_end
    .code16
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
    /* Paging is off: the LAPIC ID register is at its physical address. */
    mov 0xfee00020, %eax
    shr $24, %eax
    add $'0', %al
    mov %al, TR(msg_digit)
    mov $TR(msg), %esi
1:
    lodsb
    test %al, %al
    jz 3f
    mov %al, %bl
    mov $COM1 + 5, %dx
    mov $100000, %ecx
2:
    in %dx, %al
    test $0x20, %al
    loopz 2b
    mov $COM1, %dx
    mov %bl, %al
    out %al, %dx
    jmp 1b
3:
    /* Count only after the whole line is out: the BSP prints next. */
    lock incl ap_count
4:
    cli
    hlt
    jmp 4b

tramp_gdt_ptr:
    .word 6 * 8 - 1                 /* boot.S's six descriptors */
    .long gdt
msg:
    .ascii "cpu"
msg_digit:
    .asciz "? up\n"
tramp_end:
