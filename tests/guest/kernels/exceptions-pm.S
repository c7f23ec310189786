/*
 * exceptions: legacy 32-bit protected mode (boot_hook32, before long
 * mode; CPL 0, paging off).  Loads a 32-bit IDT (vectors 0-47, interrupt
 * gates to pm_stub_N) and raises #DE #BP #OF #BR #UD #NP #SS #GP and #DF
 * (#GP while gate 13 is not present), each case recording vector, error
 * code and EIP - label in pm_rec[case] (4 words: hit, vector, error, eip
 * offset) for kmain to print.
 */
    .text
    .code32

    .macro stub vec
pm_stub_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
    .else
    push $0
    .endif
    push $\vec
    jmp pm_common
    .endm

    .altmacro
    .set i, 0
    .rept 48
    stub %i
    .set i, i + 1
    .endr

/* Stack: vector, error, eip, cs, eflags.  Record, resume at pm_resume. */
pm_common:
    push %eax
    push %edx
    mov pm_case, %eax
    shl $4, %eax
    add $pm_rec, %eax
    movl $1, 0(%eax)
    mov 8(%esp), %edx
    mov %edx, 4(%eax)
    mov 12(%esp), %edx
    mov %edx, 8(%eax)
    mov 16(%esp), %edx
    sub pm_label, %edx
    mov %edx, 12(%eax)
    mov pm_resume, %edx
    mov %edx, 16(%esp)
    pop %edx
    pop %eax
    add $8, %esp
    iret

    .macro pmcase num, insn:vararg
    movl $\num, pm_case
    movl $1f, pm_label
    movl $2f, pm_resume
1:
    \insn
2:
    .endm

    .globl boot_hook32
boot_hook32:
    pushal
    /* IDT: 48 32-bit interrupt gates, selector 0x18 */
    xor %ecx, %ecx
3:
    mov pm_stub_table(, %ecx, 4), %eax
    mov %ax, pm_idt(, %ecx, 8)
    movw $0x18, pm_idt + 2(, %ecx, 8)
    movw $0x8e00, pm_idt + 4(, %ecx, 8)
    shr $16, %eax
    mov %ax, pm_idt + 6(, %ecx, 8)
    inc %ecx
    cmp $48, %ecx
    jne 3b
    lidt pm_idt_ptr
    lgdt pm_gdt_ptr

    xor %ecx, %ecx
    pmcase 0, div %ecx
    pmcase 1, int3
    mov $0x7f, %al
    add $1, %al
    pmcase 2, into
    mov $5, %eax
    pmcase 3, bound %eax, pm_bounds
    pmcase 4, ud2
    mov $0xfff8, %eax
    pmcase 5, mov %eax, %ds
    mov $0x58, %eax
    pmcase 6, mov %eax, %ds             /* DPL 3 data, not present: #NP */
    mov $0x60, %eax
    pmcase 7, mov %eax, %ss             /* DPL 0 data, not present: #SS */
    mov $0x58, %eax
    pmcase 8, mov %eax, %ss             /* DPL 3 != CPL 0: #GP */
    pmcase 9, int $0x80                 /* beyond the IDT limit */
    pmcase 10, .byte 0xc6, 0xc8, 0x00   /* C6 /1: #UD */
    andb $0x7f, pm_idt + 13 * 8 + 5     /* gate 13 not present */
    mov $0xfff8, %eax
    pmcase 11, mov %eax, %ds            /* #GP -> #NP on its gate -> #DF */
    orb $0x80, pm_idt + 13 * 8 + 5

    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    lgdt gdt_ptr
    popal
    ret

    .section .rodata
    .balign 4
pm_stub_table:
    .macro stubaddr vec
    .long pm_stub_\vec
    .endm
    .set i, 0
    .rept 48
    stubaddr %i
    .set i, i + 1
    .endr
pm_bounds: .long 0, 3

    .data
    .balign 8
pm_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08 */
    .quad 0x00cf92000000ffff        /* 0x10 */
    .quad 0x00cf9a000000ffff        /* 0x18 */
    .quad 0, 0, 0, 0, 0, 0, 0
    .quad 0x00cf72000000ffff        /* 0x58 DPL 3 data, not present */
    .quad 0x00cf12000000ffff        /* 0x60 DPL 0 data, not present */
pm_gdt_end:
pm_gdt_ptr:
    .word pm_gdt_end - pm_gdt - 1
    .long pm_gdt
pm_idt_ptr:
    .word 48 * 8 - 1
    .long pm_idt
    .globl pm_rec
pm_case: .long 0
pm_label: .long 0
pm_resume: .long 0
    .bss
    .balign 8
pm_idt: .skip 48 * 8
pm_rec: .skip 16 * 16
