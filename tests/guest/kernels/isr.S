/*
 * Interrupt stubs for vectors 0-47 (exceptions and the remapped 8259).
 * Each pushes a dummy error code where the CPU pushes none, then its vector,
 * saves the GPRs and calls trap_dispatch(); returns with IRETQ, the only
 * interrupt return that works in ring 0 on the PVM host (HOST-KVM.md).
 */
    .code64
    .text

    /* Vectors for which the CPU pushes an error code. */
    .macro stub vec
isr_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    push $0
    .endif
    push $\vec
    jmp isr_common
    .endm

    .altmacro
    .set i, 0
    .rept 48
    stub %i
    .set i, i + 1
    .endr

isr_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    call trap_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                   /* vector and error code */
    iretq

    .section .rodata
    .balign 8
    .globl isr_stub_table
isr_stub_table:
    .macro stubaddr vec
    .quad isr_\vec
    .endm
    .set i, 0
    .rept 48
    stubaddr %i
    .set i, i + 1
    .endr
