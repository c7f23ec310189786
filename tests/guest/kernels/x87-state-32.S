/*
 * x87-state: the environment layouts in compatibility mode (CS 0x18, a
 * 32-bit code segment; protected-mode layouts, 32-bit FIP with FCS 0x18),
 * run by x87_compat_run(buf): FLD m32 [buf+0x200], FNSTENV [buf] (28
 * bytes), 66 FNSTENV [buf+0x40] (14 bytes), FNSAVE [buf+0x80]. The kernel
 * lives below 4 GiB, so its addresses work as 32-bit ones.
 */
    .text
    .code64
    .globl x87_compat_run
x87_compat_run:
    push %rbx
    mov %rdi, %rbx
    mov %rsp, compat_rsp(%rip)
    ljmp *compat_ptr(%rip)
compat_back:
    mov compat_rsp(%rip), %rsp
    pop %rbx
    ret

    .code32
compat_entry:
    fninit
    .globl x87_compat_fld
x87_compat_fld:
    flds 0x200(%ebx)
    fnstenv (%ebx)
    .byte 0x66
    fnstenv 0x40(%ebx)
    .globl x87_compat_fldz
x87_compat_fldz:
    fldz
    fnsave 0x80(%ebx)
    ljmp $0x08, $compat_back

    .data
    .balign 8
compat_ptr:
    .long compat_entry
    .word 0x18
    .balign 8
compat_rsp:
    .quad 0
