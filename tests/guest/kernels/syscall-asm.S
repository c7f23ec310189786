/*
 * syscall: the assembly side.  sc_entry64/sc_entry32 are the LSTAR/CSTAR
 * targets: they record what SYSCALL left (RCX, R11, RFLAGS, CS, SS, RSP,
 * RAX) in sc_rec and return with SYSRETQ/SYSRETL.  user_call32() (user.S) runs
 * sc_user32 at CPL 3 in compat mode.  boot_hook32 (32-bit protected mode,
 * before long mode; paging off) does two SYSEXIT/SYSENTER round trips and
 * records them in se_rec for kmain to print.
 */
    .code64
    .text

/* struct sc_rec { rcx, r11, rflags, cs, ss, rsp, rax, count } */
    .globl sc_entry64
sc_entry64:
    mov %rcx, sc_rec + 0(%rip)
    mov %r11, sc_rec + 8(%rip)
    pushfq                          /* user RSP, but it is valid and ours */
    popq sc_rec + 16(%rip)
    movq $0, sc_rec + 24(%rip)
    mov %cs, sc_rec + 24(%rip)
    movq $0, sc_rec + 32(%rip)
    mov %ss, sc_rec + 32(%rip)
    mov %rsp, sc_rec + 40(%rip)
    mov %rax, sc_rec + 48(%rip)
    incq sc_rec + 56(%rip)
    add $0x1000, %rax               /* the "system call" result */
    sysretq

    .globl sc_entry32
sc_entry32:
    mov %rcx, sc_rec + 0(%rip)
    mov %r11, sc_rec + 8(%rip)
    pushfq
    popq sc_rec + 16(%rip)
    movq $0, sc_rec + 24(%rip)
    mov %cs, sc_rec + 24(%rip)
    movq $0, sc_rec + 32(%rip)
    mov %ss, sc_rec + 32(%rip)
    mov %rsp, sc_rec + 40(%rip)
    mov %rax, sc_rec + 48(%rip)
    incq sc_rec + 56(%rip)
    add $0x2000, %eax
    sysretl

    .code32
/* CPL 3, compat mode: two SYSCALLs, results in sc_u32[] (4 words each). */
    .globl sc_user32
sc_user32:
    mov $0x3b, %eax
    mov %eax, %ds
    mov %eax, %es
    mov $0x77, %eax
    mov $0x11111111, %ecx
    mov $0x22222222, %edx
    syscall
1:
    mov %eax, sc_u32 + 0
    mov %ecx, sc_u32 + 4
    mov %edx, sc_u32 + 8
    pushf
    popl sc_u32 + 12
    mov %cs, sc_u32 + 16
    mov %ss, sc_u32 + 20
    lea 1b, %eax
    mov %eax, sc_u32 + 24
    /* with DF set: SFMASK clears it in the kernel, SYSRETL restores R11 */
    std
    mov $0x78, %eax
    syscall
2:
    pushf
    popl sc_u32 + 36
    cld
    mov %eax, sc_u32 + 28
    mov %ecx, sc_u32 + 32
    lea 2b, %eax
    mov %eax, sc_u32 + 40
    .byte 0x0f, 0x0b, 0x4b, 0x45, 2     /* SVC_RETURN (user.h) */

/*
 * boot_hook32: 32-bit protected mode, CPL 0, paging off.  SYSENTER_CS =
 * 0x18: SYSENTER loads CS 0x18 / SS 0x20 and SYSEXIT CS 0x2b / SS 0x33
 * as fixed flat segments (no GDT access).  se_rec gets, per round trip:
 * user CS, SS, ESP, EAX; kernel CS, SS, ESP, EAX, ECX, EDX, EFLAGS.
 */
    .globl boot_hook32
boot_hook32:
    pushal
    mov %esp, se_saved_esp
    mov $0x174, %ecx
    mov $0x18, %eax
    xor %edx, %edx
    wrmsr
    mov $0x175, %ecx
    mov $se_kstack_top, %eax
    wrmsr
    mov $0x176, %ecx
    mov $se_kentry, %eax
    wrmsr
    movl $se_rec, se_ptr
    mov $se_user, %edx
    mov $se_ustack_top, %ecx
    mov $0xaaaa0001, %eax
    sysexit

se_user:                            /* CPL 3 */
    mov se_ptr, %edi
    mov %cs, %ebx
    mov %ebx, 0(%edi)
    mov %ss, %ebx
    mov %ebx, 4(%edi)
    mov %esp, %ebx
    sub $se_ustack_top, %ebx
    mov %ebx, 8(%edi)
    mov %eax, 12(%edi)
    mov $0x55, %eax
    mov $0x12345678, %ecx
    mov $0x9abcdef0, %edx
    sysenter

se_kentry:                          /* CPL 0 */
    push %eax
    mov se_ptr, %eax
    pushf
    popl 40(%eax)
    mov %ecx, 32(%eax)
    mov %edx, 36(%eax)
    pop %ecx
    mov %ecx, 28(%eax)
    mov %cs, %ecx
    mov %ecx, 16(%eax)
    mov %ss, %ecx
    mov %ecx, 20(%eax)
    mov %esp, %ecx
    sub $se_kstack_top, %ecx
    mov %ecx, 24(%eax)
    addl $44, se_ptr
    incl se_count
    cmpl $2, se_count
    je 3f
    mov $se_user, %edx
    mov $se_ustack_top - 64, %ecx
    mov $0xaaaa0002, %eax
    sysexit
3:
    mov $0x10, %eax
    mov %eax, %ss
    mov %eax, %ds
    mov %eax, %es
    mov se_saved_esp, %esp
    popal
    ret

    .data
    .balign 8
    .globl sc_rec, sc_u32, se_rec
sc_rec:
    .skip 64
sc_u32:
    .skip 64
se_rec:
    .skip 2 * 44
se_ptr:
    .long 0
se_count:
    .long 0
se_saved_esp:
    .long 0
    .bss
    .balign 16
    .skip 1024
se_ustack_top:
    .skip 1024
se_kstack_top:
