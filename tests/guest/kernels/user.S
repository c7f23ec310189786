/*
 * Keel test-kernel ring-3 entry and return (see user.h).  user_enter()
 * saves the callee-saved registers and its RSP, then IRETQs to CPL 3;
 * user_resume is where the SVC_RETURN service IRETQs back to.
 */
    .code64
    .text

/* void user_enter(void (*fn)(void *), void *arg, uint64_t rsp, uint64_t rflags) */
    .globl user_enter
user_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, user_saved_rsp(%rip)
    pushq $0x3b                     /* SS: user data */
    push %rdx                       /* RSP */
    push %rcx                       /* RFLAGS */
    pushq $0x43                     /* CS: user 64-bit code */
    lea user_tramp(%rip), %rax
    push %rax
    iretq

user_tramp:
    mov %rdi, %rax
    mov %rsi, %rdi
    call *%rax
    .byte 0x0f, 0x0b, 0x4b, 0x45, 2     /* SVC_RETURN */
    ud2

/*
 * void user_call32(uint32_t eip, uint32_t esp): as user_enter, but to
 * 32-bit code at CPL 3 (compat mode, CS SEL_UCODE32, IOPL 3, IF clear);
 * the code must load DS/ES itself (IRET nulled them) and end with
 * SVC_RETURN.
 */
    .globl user_call32
user_call32:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, user_saved_rsp(%rip)
    pushq $0x3b
    mov %esi, %esi
    push %rsi
    pushq $0x3002
    pushq $0x33
    mov %edi, %edi
    push %rdi
    iretq

    .globl user_resume
user_resume:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
