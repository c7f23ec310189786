/*
 * Multiboot 1 header and entry shared by every Keel test kernel.
 * Starts in 32-bit protected mode (as Multiboot leaves us), loads our GDT,
 * runs the kernel's optional 32-bit hook, maps 0-4 GiB with 2 MiB pages,
 * enters long mode and calls lib_main(magic, mbi) in lib.c.
 */
#define MB_MAGIC  0x1badb002
#define MB_FLAGS  0x00000003    /* page-aligned modules, memory info wanted */

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .data
    .balign 16
    .globl gdt
gdt:
    .quad 0                         /* 0x00 null */
    .quad 0x00af9a000000ffff        /* 0x08 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10 flat data */
    .quad 0x00cf9a000000ffff        /* 0x18 flat 32-bit code */
    .quad 0x00009a000000ffff        /* 0x20 16-bit code, base 0 (modes) */
    .quad 0x000092000000ffff        /* 0x28 16-bit data, base 0 (modes) */
gdt_end:
    .globl gdt_ptr
gdt_ptr:
    .word gdt_end - gdt - 1
    .quad gdt                       /* lgdt in 32-bit mode reads 4 bytes */

    .globl mb_magic, mb_info
mb_magic:
    .long 0
mb_info:
    .long 0

    /*
     * A kernel that has work to do before long mode (modes.S) defines
     * boot_hook32; it is called in 32-bit protected mode with our GDT.
     */
    .weak boot_hook32

    .section .bss
    .balign 4096
pml4:
    .skip 4096
pdpt:
    .skip 4096
pd:
    .skip 4 * 4096                  /* four 1 GiB directories: 0-4 GiB */
    .balign 16
    .globl stack_top
stack:
    .skip 16384
stack_top:

    .section .text
    .code32
    .globl _start
_start:
    cli
    cld
    /* Keep eax/ebx out of .bss: it is zeroed below. */
    mov %eax, mb_magic
    mov %ebx, mb_info
    lgdt gdt_ptr
    ljmp $0x18, $1f
1:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs

    /* Zero .bss ourselves: a loader that skips it must not change results. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    mov $stack_top, %esp

    mov $boot_hook32, %eax
    test %eax, %eax
    jz 2f
    call *%eax
2:
    /* PML4[0] -> PDPT, PDPT[0..3] -> PDs, PD entries: 2 MiB pages. */
    movl $pdpt + 0x3, pml4
    mov $pd + 0x3, %eax
    xor %ecx, %ecx
3:
    mov %eax, pdpt(, %ecx, 8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 3b

    mov $0x83, %eax                 /* present, writable, 2 MiB page */
    xor %ecx, %ecx
4:
    mov %eax, pd(, %ecx, 8)
    add $0x200000, %eax
    inc %ecx
    cmp $2048, %ecx
    jne 4b

    mov %cr4, %eax
    or $0x20, %eax                  /* CR4.PAE */
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx           /* EFER */
    rdmsr
    or $0x100, %eax                 /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax            /* CR0.PG | CR0.PE */
    mov %eax, %cr0
    ljmp $0x08, $long_entry

    .code64
long_entry:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $stack_top, %rsp
    mov mb_magic, %edi
    mov mb_info, %esi
    call lib_main
5:
    cli
    hlt
    jmp 5b
