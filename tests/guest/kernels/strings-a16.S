/*
 * strings: 16-bit address size.  strings_a16() drops to compat mode
 * (selector 0x18) and runs "addr16 rep stosb" with DI = 0xfffc, CX = 8, so
 * the stores wrap from 0xffff to 0x0000 (DS/ES base 0); then returns.
 */
    .code64
    .text
    .globl strings_a16
strings_a16:
    push %rbx
    push %rbp
    mov %rsp, %rbp
    pushq $0x18
    lea 1f(%rip), %rax
    push %rax
    lretq
    .code32
1:
    mov $0xabcd0000 + 0xfffc, %edi
    mov $0x12340008, %ecx
    mov $0x5a, %al
    cld
    addr16 rep stosb
    /* record DI and CX (upper halves untouched by 16-bit addressing) */
    mov %edi, a16_di
    mov %ecx, a16_cx
    ljmp $0x08, $2f
    .code64
2:
    mov %rbp, %rsp
    pop %rbp
    pop %rbx
    ret

    .data
    .globl a16_di, a16_cx
a16_di: .long 0
a16_cx: .long 0
