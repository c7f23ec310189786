/*
 * paging: run a list of memory operations under legacy (non-long-mode)
 * paging.  pg_legacy_run() leaves long mode (compat mode, paging off,
 * EFER.LME off), loads pg_cr4 (PSE or PAE) and pg_cr3, turns paging on,
 * runs the ops at pg_ops, then goes back to long mode with boot.S's tables
 * (pg_boot_cr3).  Ops are 4 words: code, address, value, result.
 *   1 read32 (result = value read)  2 write32  3 invlpg  4 CR0.WP = value
 *   0 end
 * Interrupts stay off; a fault here would triple fault (-no-reboot exit).
 */
    .code64
    .text
    .globl pg_legacy_run
pg_legacy_run:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, pg_saved_rsp(%rip)
    pushq $0x18
    lea 1f(%rip), %rax
    push %rax
    lretq

    .code32
1:
    mov %cr0, %eax
    and $0x7fffffff, %eax
    mov %eax, %cr0                  /* paging off: legacy protected mode */
    mov $0xc0000080, %ecx
    rdmsr
    and $~0x100, %eax
    wrmsr
    mov pg_cr4, %eax
    mov %eax, %cr4
    mov pg_cr3, %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    jmp 2f
2:
    mov pg_ops, %esi
3:
    mov 0(%esi), %eax
    test %eax, %eax
    jz 9f
    mov 4(%esi), %edi
    cmp $1, %eax
    jne 4f
    mov (%edi), %edx
    mov %edx, 12(%esi)
    jmp 8f
4:
    cmp $2, %eax
    jne 5f
    mov 8(%esi), %edx
    mov %edx, (%edi)
    jmp 8f
5:
    cmp $3, %eax
    jne 6f
    invlpg (%edi)
    jmp 8f
6:
    mov %cr0, %edx
    and $~0x10000, %edx
    cmpl $0, 8(%esi)
    je 7f
    or $0x10000, %edx
7:
    mov %edx, %cr0
8:
    add $16, %esi
    jmp 3b
9:
    /* back to long mode */
    mov %cr0, %eax
    and $0x7fffffff, %eax
    mov %eax, %cr0
    mov $0x20, %eax                 /* CR4.PAE */
    mov %eax, %cr4
    mov pg_boot_cr3, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    ljmp $0x08, $10f

    .code64
10:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov pg_saved_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .data
    .balign 8
pg_saved_rsp: .quad 0
    .globl pg_cr3, pg_cr4, pg_ops, pg_boot_cr3
pg_cr3: .long 0
pg_cr4: .long 0
pg_ops: .long 0
pg_boot_cr3: .long 0
