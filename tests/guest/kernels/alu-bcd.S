/*
 * alu: the BCD adjusts (DAA DAS AAA AAS AAM AAD), which exist only outside
 * 64-bit mode.  alu_bcd32 is 32-bit code run at CPL 3 in compat mode by
 * user_call32() (so it runs natively under a ring-0-emulating KVM): it
 * runs op alu_bcd_op (0 daa .. 5 aad) over 1024 inputs and ends with
 * SVC_RETURN.  Input j: AL = j & 0xff, AH = (j * 37 >> 3) & 0xff, CF =
 * bit 8 of j, AF = bit 9 of j.  Output alu_bcd_out[j] = AX | (FLAGS << 16).
 */
    .text
    .code32
    .macro bcdloop insn
    xor %ecx, %ecx
10:
    mov %ecx, %eax
    and $0xff, %eax
    mov %ecx, %edx
    imul $37, %edx
    shr $3, %edx
    and $0xff, %edx
    shl $8, %edx
    or %edx, %eax
    mov %ecx, %edx
    shr $8, %edx
    and $1, %edx
    mov %ecx, %ebx
    shr $9, %ebx
    and $1, %ebx
    shl $4, %ebx
    or %ebx, %edx
    or $0x3002, %edx                /* keep IOPL 3 (popf at CPL 3 cannot change it) */
    push %edx
    popf
    \insn
    pushf
    pop %edx
    and $0xffff, %eax
    shl $16, %edx
    or %edx, %eax
    mov %eax, alu_bcd_out(, %ecx, 4)
    inc %ecx
    cmp $1024, %ecx
    jne 10b
    jmp 9f
    .endm

    .globl alu_bcd32
alu_bcd32:
    mov $0x3b, %eax
    mov %eax, %ds
    mov %eax, %es
    mov alu_bcd_op, %esi
    cmp $0, %esi
    je 20f
    cmp $1, %esi
    je 21f
    cmp $2, %esi
    je 22f
    cmp $3, %esi
    je 23f
    cmp $4, %esi
    je 24f
    jmp 25f
20: bcdloop daa
21: bcdloop das
22: bcdloop aaa
23: bcdloop aas
24: bcdloop aam
25: bcdloop aad
9:
    .byte 0x0f, 0x0b, 0x4b, 0x45, 2     /* SVC_RETURN (user.h) */

    .data
    .globl alu_bcd_op
alu_bcd_op:
    .long 0
    .bss
    .balign 16
    .globl alu_bcd_out
alu_bcd_out:
    .skip 4096
