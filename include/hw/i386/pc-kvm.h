/*
 * pc-kvm.h: starting a PC's vCPU under KVM from a direct-boot plan: the
 * plan's CPU state (x86-linux-boot.h) turned into KVM registers. Only the
 * boot entry state; the full CPU model and its register sync come later.
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

/**
 * kvm_x86_init_cpuid: - give the vCPU the CPUID table KVM supports on this
 * host (KVM_GET_SUPPORTED_CPUID as is): long mode, NX and the rest become
 * usable. The named CPU models (qemu64...) come with target/i386.
 */
bool kvm_x86_init_cpuid(KVMCPU *cpu, Error **errp);

#endif
