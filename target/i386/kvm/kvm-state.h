/*
 * kvm-state.h: CPUX86State <-> a KVM vCPU: the whole register file as
 * QEMU's kvm_arch_get/put_registers sync it (REGS, SREGS or SREGS2, XSAVE
 * and XCRS or FPU, MSRs, DEBUGREGS, VCPU_EVENTS, MP_STATE, LAPIC). Not the
 * CPUID setup (kvm-cpuid.c) and not the run loop (accel/kvm).
 */
#ifndef TARGET_I386_KVM_STATE_H
#define TARGET_I386_KVM_STATE_H

#include "qemu/error.h"
#include "system/kvm.h"
#include "target/i386/cpu-state.h"

/*
 * How much of the state a put writes, as QEMU. Runtime: what the guest
 * itself changes (registers, FPU, most MSRs, events). Reset adds what
 * has side effects or is owned by the kernel while running: the TSC,
 * MTRRs, MP state, the LAPIC page, the SIPI vector. Full: everything
 * (migration, loadvm).
 */
#ifndef KVM_PUT_RUNTIME_STATE
#define KVM_PUT_RUNTIME_STATE 1
#define KVM_PUT_RESET_STATE   2
#define KVM_PUT_FULL_STATE    3
#endif

/**
 * kvm_x86_get_state: - read the vCPU's whole state into env. The LAPIC
 * page is read (and lapic_valid set), and halted derived from the MP
 * state, only when the VM has the in-kernel irqchip (without it HLT is an
 * exit the run loop sees). MSRs that this host's KVM does not list keep
 * their value in env, and so does MXCSR on a host without XSAVE. Returns
 * false with errp set if an ioctl fails.
 */
bool kvm_x86_get_state(KVMCPU *cpu, CPUX86State *env, Error **errp);

/**
 * kvm_x86_put_state: - write env to the vCPU, as much as level says
 * (KVM_PUT_*_STATE). MSRs the host does not list are skipped; an MSR that
 * KVM refuses is an error naming it. Returns false with errp set on
 * failure (the vCPU may then hold a mix of old and new state).
 */
bool kvm_x86_put_state(KVMCPU *cpu, const CPUX86State *env, int level,
                       Error **errp);

/**
 * kvm_x86_has_msr: - does this host's KVM let us get/set MSR index (its
 * KVM_GET_MSR_INDEX_LIST, plus the MTRRs when they answer)? For tests
 * and for skipping features the host lacks.
 */
bool kvm_x86_has_msr(KVMCPU *cpu, uint32_t index);

/*
 * Tests: use KVM_GET/SET_SREGS and KVM_GET/SET_FPU (no XCR0) even where
 * SREGS2 and XSAVE exist, to cover what older hosts run.
 */
extern bool kvm_x86_state_legacy_ioctls;

/* kvm_segment <-> SegmentCache, as QEMU's get_seg()/set_seg(). */
void kvm_x86_seg_from_kvm(SegmentCache *sc, const struct kvm_segment *ks);
void kvm_x86_seg_to_kvm(struct kvm_segment *ks, const SegmentCache *sc);

#endif
