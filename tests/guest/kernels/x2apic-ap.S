/*
 * x2apic: the AP trampoline. x2apic.c copies x2_tramp_start..x2_tramp_end
 * to 0x8000; the AP enters it in real mode, switches to 32-bit protected
 * mode (no paging), turns its APIC to x2APIC mode, publishes its x2APIC ID
 * and, with interrupts off, watches its own IRR through the x2APIC MSRs
 * for the two vectors the BSP sends (physical, then logical cluster).
 */
#define TRAMP_BASE  0x8000
#define TR(x)       ((x) - tramp_start + TRAMP_BASE)
#define V_AP_PHYS   0x26
#define V_AP_LOG    0x27

    .data
    .globl x2_ap_up, x2_ap_id, x2_ap_ldr, x2_ap_got
    .balign 64
x2_ap_up:
    .long 0
x2_ap_id:
    .long 0
x2_ap_ldr:
    .long 0
x2_ap_got:
    .long 0

    .text
    .globl x2_tramp_start, x2_tramp_end
    .code16
x2_tramp_start:
tramp_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl TR(tramp_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x18, $TR(tramp32)

    .code32
tramp32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x1b, %ecx                 /* IA32_APIC_BASE: EXTD on */
    rdmsr
    or $0x400, %eax
    wrmsr
    mov $0x802, %ecx                /* x2APIC ID */
    rdmsr
    mov %eax, x2_ap_id
    mov $0x80d, %ecx                /* LDR */
    rdmsr
    mov %eax, x2_ap_ldr
    mov $0x80f, %ecx                /* SVR: enabled, spurious 0xff */
    mov $0x1ff, %eax
    xor %edx, %edx
    wrmsr
    lock incl x2_ap_up
    /* IRR bits 32-63 are MSR 0x821: wait for each vector in turn. */
1:
    pause
    mov $0x821, %ecx
    rdmsr
    bt $(V_AP_PHYS - 32), %eax
    jnc 1b
    movl $1, x2_ap_got
2:
    pause
    mov $0x821, %ecx
    rdmsr
    bt $(V_AP_LOG - 32), %eax
    jnc 2b
    movl $2, x2_ap_got
3:
    cli
    hlt
    jmp 3b

tramp_gdt_ptr:
    .word 6 * 8 - 1                 /* boot.S's six descriptors */
    .long gdt
x2_tramp_end:
