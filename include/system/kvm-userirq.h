/*
 * kvm-userirq.h: a KVM vCPU whose interrupt controllers live in user
 * space (kernel-irqchip=off): the INTR line and NMI/INIT/SIPI that the
 * board's chips raise, turned into KVM_INTERRUPT, interrupt windows,
 * KVM_NMI and register loads; HLT waits in user space. The chips
 * themselves (8259, LAPIC...) are the board's, reached through the ops.
 */
#ifndef SYSTEM_KVM_USERIRQ_H
#define SYSTEM_KVM_USERIRQ_H

#include "system/kvm.h"

/* uirq_events bits. */
#define KVM_UIRQ_EV_NMI  1u
#define KVM_UIRQ_EV_INIT 2u
#define KVM_UIRQ_EV_SIPI 4u

/*
 * What the vCPU asks of its interrupt controller, on the vCPU's thread
 * with the BQL held. Only ack is required.
 */
struct KVMUserIrqOps {
    /* INTA: the vector to inject now, or -1 if nothing is deliverable. */
    int (*ack)(void *opaque);
    /* The TPR as CR8 (bits 7:4 of the APIC's TPR), both directions. */
    uint8_t (*get_cr8)(void *opaque);
    void (*set_cr8)(void *opaque, uint8_t cr8);
    /* The guest wrote IA32_APIC_BASE (KVM keeps it without a LAPIC). */
    void (*set_apic_base)(void *opaque, uint64_t val);
    /* INIT: put the vCPU's registers back to their power-on values. */
    bool (*init_reset)(void *opaque, Error **errp);
};

/**
 * kvm_userirq_attach: - from now on the vCPU takes its interrupts from
 * ops. Call before its thread starts. An AP (is_bsp false) starts in
 * wait-for-SIPI, as KVM's in-kernel LAPIC would keep it.
 */
void kvm_userirq_attach(KVMCPU *cpu, const KVMUserIrqOps *ops, void *opaque,
                        bool is_bsp);

/* kvm_userirq_attached: - does the vCPU take interrupts from user space? */
bool kvm_userirq_attached(KVMCPU *cpu);

/**
 * kvm_userirq_reset: - machine reset: nothing pending, not halted, an AP
 * back to waiting for its SIPI. The vCPU's thread must be stopped.
 */
void kvm_userirq_reset(KVMCPU *cpu, bool is_bsp);

/*
 * The lines, from any thread (devices hold the BQL): the INTR level, an
 * NMI, INIT and a SIPI with its vector. Each wakes the vCPU as needed.
 */
void kvm_userirq_set_intr(KVMCPU *cpu, bool level);
void kvm_userirq_nmi(KVMCPU *cpu);
void kvm_userirq_init(KVMCPU *cpu);
void kvm_userirq_sipi(KVMCPU *cpu, uint8_t vector);

/* kvm_userirq_halted: - is the vCPU waiting in HLT (or for a SIPI)? */
bool kvm_userirq_halted(KVMCPU *cpu);

/*
 * The vCPU side, for kvm-cpus.c. kvm_userirq_prepare: - on the vCPU's
 * thread before each run: take INIT and SIPI, sleep (without the BQL)
 * while halted or waiting for a SIPI. False when a stop or kick ended
 * the sleep: check the stop request and call again.
 */
bool kvm_userirq_prepare(KVMCPU *cpu);
/* Right before KVM_RUN: inject or ask for an interrupt window, NMI, CR8. */
void kvm_userirq_pre_run(KVMCPU *cpu);
/* Right after KVM_RUN: CR8 and IA32_APIC_BASE back to the chips. */
void kvm_userirq_post_run(KVMCPU *cpu);
/* KVM_EXIT_HLT: true if the vCPU now sleeps (KVM_RUN_HALTED). */
bool kvm_userirq_hlt(KVMCPU *cpu);
/* The vCPU's thread is leaving its loop: drop its window timer. */
void kvm_userirq_thread_exit(KVMCPU *cpu);
/* Wake a sleeping vCPU thread (kvm_vcpu_kick does this too). */
void kvm_userirq_wake(KVMCPU *cpu);

#endif
