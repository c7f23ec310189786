/*
 * kvm-cpuid.h: giving a KVM vCPU its CPUID table from "-cpu": what
 * KVM_GET_SUPPORTED_CPUID offers turned into an X86AccelInfo (with QEMU's
 * fix-ups), the table built by target/i386/cpu.c, and KVM_SET_CPUID2.
 */
#ifndef TARGET_I386_KVM_CPUID_H
#define TARGET_I386_KVM_CPUID_H

#include "system/kvm.h"
#include "target/i386/cpu.h"

/**
 * kvm_x86_accel_info_from_supported: - the supported flags and leaf
 * limits in a KVM_GET_SUPPORTED_CPUID answer, with QEMU's adjustments
 * (hypervisor always; x2apic, and TSC deadline when KVM has the
 * capability, only with the in-kernel irqchip; the AMD leaf 1 aliases).
 * The host identity fields are left alone. Pure, for tests.
 */
void kvm_x86_accel_info_from_supported(const struct kvm_cpuid2 *supported,
                                       bool irqchip_in_kernel,
                                       bool tsc_deadline, X86AccelInfo *info);

/**
 * kvm_x86_accel_info: - the same from this host's KVM, plus the host CPU's
 * vendor, family/model/stepping, brand and address size (for -cpu host).
 */
bool kvm_x86_accel_info(KVMState *s, X86AccelInfo *info, Error **errp);

/* KVM_SET_CPUID2 with the entries of t. */
bool kvm_x86_set_cpuid_table(KVMCPU *cpu, const X86CPUIDTable *t,
                             Error **errp);

/**
 * kvm_x86_cpu_setup_cpuid: - parse cpu_spec (a -cpu argument; NULL means
 * "host", the default under KVM), drop what KVM lacks with QEMU's
 * warnings, build vCPU vcpu_index's table for topology topo and load it.
 * Errors as QEMU words them ("unable to find CPU model 'foo'", "Host
 * doesn't support requested features" with enforce).
 */
bool kvm_x86_cpu_setup_cpuid(KVMCPU *cpu, const char *cpu_spec,
                             const CpuTopology *topo, unsigned vcpu_index,
                             Error **errp);

#endif
