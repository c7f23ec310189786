/*
 * modes: the 32-bit part of the mode-transition kernel.  boot_hook32 runs
 * before boot.S enters long mode: it drops from protected mode to real mode
 * through a 16-bit segment, prints from real mode, and comes back.
 * Real-mode code must sit below 1 MiB, so it is copied to LOW_BASE first.
 */
#define COM1      0x3f8
#define LOW_BASE  0x7000
#define LOW(x)    ((x) - low_start + LOW_BASE)

    .text
    .code32

/* Print the NUL-terminated string at %esi on COM1 (polled, bounded). */
puts32:
    push %eax
    push %ecx
    push %edx
1:
    lodsb
    test %al, %al
    jz 3f
    mov %al, %ah
    mov $COM1 + 5, %dx
    mov $100000, %ecx
2:
    in %dx, %al
    test $0x20, %al
    loopz 2b
    mov $COM1, %dx
    mov %ah, %al
    out %al, %dx
    jmp 1b
3:
    pop %edx
    pop %ecx
    pop %eax
    ret

    .globl boot_hook32
boot_hook32:
    pushal
    mov %cr0, %eax
    mov $msg_pm32_bad, %esi
    test $1, %eax
    jz 1f
    mov $msg_pm32, %esi
1:
    call puts32

    /* Copy the real-mode code below 1 MiB. */
    mov $low_start, %esi
    mov $LOW_BASE, %edi
    mov $low_end - low_start, %ecx
    rep movsb

    mov %esp, saved_esp
    ljmp $0x20, $LOW(pm16)

back_to_pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov saved_esp, %esp
    mov $msg_back, %esi
    call puts32
    popal
    ret

    .data
saved_esp:
    .long 0
msg_pm32:
    .asciz "modes: protected mode 32-bit (cr0.pe=1)\n"
msg_pm32_bad:
    .asciz "modes: FAIL: cr0.pe=0 at multiboot entry\n"
msg_back:
    .asciz "modes: back in protected mode 32-bit\n"

    .text
/* Everything from here to low_end runs at LOW_BASE. */
low_start:
    .code16
pm16:
    /* 16-bit protected mode: load 64 KiB data limits, then clear PE. */
    mov $0x28, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov %cr0, %eax
    and $0xfffffffe, %eax
    mov %eax, %cr0
    ljmp $0, $LOW(real)

real:
    xor %ax, %ax
    mov %ax, %ss
    mov $LOW_BASE, %sp
    /* Address the message through DS = LOW_BASE >> 4: real-mode segments. */
    mov $LOW_BASE >> 4, %ax
    mov %ax, %ds
    mov %cr0, %eax
    mov $msg_real - low_start, %si
    test $1, %al
    jz 1f
    mov $msg_real_bad - low_start, %si
1:
    lodsb
    test %al, %al
    jz 3f
    mov %al, %bl
    mov $COM1 + 5, %dx
    mov $0xffff, %cx
2:
    in %dx, %al
    test $0x20, %al
    loopz 2b
    mov $COM1, %dx
    mov %bl, %al
    out %al, %dx
    jmp 1b
3:
    xor %ax, %ax
    mov %ax, %ds
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    /* 32-bit far jump (66 ea): the target is above 64 KiB. */
    ljmpl $0x18, $back_to_pm32

msg_real:
    .asciz "modes: real mode (cr0.pe=0), printing via port I/O\n"
msg_real_bad:
    .asciz "modes: FAIL: cr0.pe still 1 in real mode\n"
low_end:
