/*
 * exceptions: 32-bit code at CPL 3 in compat mode, run by user_call32():
 * INTO with OF set (#OF, a trap), BOUND out of range (#BR), DIV by zero
 * and AAM 0 (#DE), ARPL-free invalid LOCK (#UD).  Each case sets ex_name,
 * ex_label, ex_resume and ex_rsp for exceptions.c's handler, as TRY does.
 */
    .text
    .code32
    .macro case32 name, insn:vararg
    movl $\name, ex_name
    movl $0, ex_name + 4
    movl $1f, ex_label
    movl $0, ex_label + 4
    movl $2f, ex_resume
    movl $0, ex_resume + 4
    mov %esp, ex_rsp
    movl $0, ex_rsp + 4
1:
    \insn
2:
    .endm

    .globl ex_compat32
ex_compat32:
    mov $0x3b, %eax
    mov %eax, %ds
    mov %eax, %es
    mov $0x7f, %al
    add $1, %al                     /* OF = 1 */
    case32 n_into, into
    mov $5, %eax
    case32 n_bound, bound %eax, bounds
    mov $2, %eax
    case32 n_bound_ok, bound %eax, bounds
    xor %ecx, %ecx
    case32 n_div, div %ecx
    case32 n_aam, aam $0
    case32 n_lock, .byte 0xf0, 0x90
    movl $n_end, ex_name
    .byte 0x0f, 0x0b, 0x4b, 0x45, 2     /* SVC_RETURN (user.h) */

    .section .rodata
n_into: .asciz "compat into (of=1)"
n_bound: .asciz "compat bound 5 in [0,3]"
n_bound_ok: .asciz "compat bound 2 in [0,3] (no #BR)"
n_div: .asciz "compat div by zero"
n_aam: .asciz "compat aam 0"
n_lock: .asciz "compat lock nop"
n_end: .asciz "compat end"
    .balign 4
bounds: .long 0, 3
