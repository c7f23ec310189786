/*
 * pc-kvm.h: a PC's vCPUs and interrupt chips under KVM: the direct-boot
 * plan's CPU state (x86-linux-boot.h) turned into KVM registers, each
 * vCPU's CPUID table, and the power-on state of vCPUs and in-kernel chips
 * kept to be put back on reset. The full CPU model and its register sync
 * come later.
 */
#ifndef HW_I386_PC_KVM_H
#define HW_I386_PC_KVM_H

#include "system/kvm.h"
#include "hw/i386/x86-linux-boot.h"

/**
 * kvm_x86_put_boot_state: - load st into the vCPU: general registers
 * (RIP, RSP, RAX, RBX, RSI, RFLAGS), the segment caches, GDT, control
 * registers and EFER. The IDT, LDT and APIC base keep their reset values.
 */
bool kvm_x86_put_boot_state(KVMCPU *cpu, const X86BootCpuState *st,
                            Error **errp);

/*
 * What a vCPU looks like at power-on: KVM creates it in the reset state
 * (an AP in KVM_MP_STATE_UNINITIALIZED, waiting for INIT-SIPI, when the
 * irqchip is in the kernel), so a copy taken then is what a reset puts
 * back.
 */
typedef struct KVMX86ResetState {
    struct kvm_regs regs;
    struct kvm_sregs sregs;     /* with the APIC base MSR */
    struct kvm_fpu fpu;
    struct kvm_lapic_state lapic;
    struct kvm_vcpu_events events;
    uint32_t mp_state;
    bool in_kernel_lapic;       /* lapic and mp_state were saved */
} KVMX86ResetState;

/**
 * kvm_x86_save_reset_state: - read the vCPU's state into st; call right
 * after kvm_vcpu_create(). kvm_x86_put_reset_state() puts it back (the
 * vCPU's thread must be stopped).
 */
bool kvm_x86_save_reset_state(KVMCPU *cpu, KVMX86ResetState *st,
                              Error **errp);
bool kvm_x86_put_reset_state(KVMCPU *cpu, const KVMX86ResetState *st,
                             Error **errp);

/* The in-kernel PICs, IOAPIC and PIT as they were created. */
typedef struct KVMPCChipsState {
    struct kvm_irqchip pic_master;
    struct kvm_irqchip pic_slave;
    struct kvm_irqchip ioapic;
    struct kvm_pit_state2 pit;
} KVMPCChipsState;

/**
 * kvm_pc_save_chips_state: - read the in-kernel irqchip and PIT into st,
 * right after kvm_irqchip_create() and kvm_pit_create();
 * kvm_pc_put_chips_state() resets them to it (all vCPUs stopped).
 */
bool kvm_pc_save_chips_state(KVMState *s, KVMPCChipsState *st, Error **errp);
bool kvm_pc_put_chips_state(KVMState *s, const KVMPCChipsState *st,
                            Error **errp);

/**
 * pc_kvm_get_cpu: - the pc board's vCPU number index under KVM (for the
 * monitor's register and memory commands); NULL when there is none.
 */
KVMCPU *pc_kvm_get_cpu(unsigned index);

#endif
