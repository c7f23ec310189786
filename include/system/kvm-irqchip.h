/*
 * kvm-irqchip.h: interrupts with KVM's in-kernel irqchip: the PIC pair,
 * IOAPIC and LAPICs in the kernel, the in-kernel PIT, the PC's GSI routing,
 * qemu_irq lines that reach the guest through KVM_IRQ_LINE, irqfd and
 * ioeventfd, and the state accessors that pause/resume will need (kvmclock,
 * MP state, LAPIC and irqchip registers). Not the split irqchip.
 */
#ifndef SYSTEM_KVM_IRQCHIP_H
#define SYSTEM_KVM_IRQCHIP_H

#include "hw/irq.h"
#include "system/kvm.h"

/* GSIs of a PC: 16 ISA IRQs (PIC and IOAPIC) and IOAPIC pins 16-23. */
#define KVM_PC_GSI_COUNT 24

/**
 * kvm_irqchip_create: - KVM_CREATE_IRQCHIP (two 8259s, an IOAPIC, a LAPIC
 * per vCPU) and the PC's GSI routing as QEMU sets it up: GSI 0-7 to the
 * master PIC (but not 2, the cascade), 8-15 to the slave, and GSI 0-23 to
 * the IOAPIC pin of the same number, except that GSI 0 goes to pin 2 (the
 * ISA override of the timer) and GSI 2 to none. Call before any vCPU is
 * created. Afterwards KVM handles HLT itself.
 */
bool kvm_irqchip_create(KVMState *s, Error **errp);

/* Was kvm_irqchip_create() successful on this VM? */
bool kvm_irqchip_in_kernel(KVMState *s);

/**
 * kvm_pit_create: - KVM_CREATE_PIT2 with KVM_PIT_SPEAKER_DUMMY: the i8254
 * (ports 0x40-0x43) and port 0x61 are handled in the kernel, the PIT
 * raising GSI 0. Needs the irqchip.
 */
bool kvm_pit_create(KVMState *s, Error **errp);

/**
 * kvm_set_irq: - KVM_IRQ_LINE(_STATUS): set the level of a GSI. Returns
 * the delivery status (>0 delivered, 0 masked or coalesced; 1 when the
 * kernel cannot tell) or -errno.
 */
int kvm_set_irq(KVMState *s, int gsi, int level);

/**
 * kvm_pc_gsi_irqs: - KVM_PC_GSI_COUNT qemu_irq lines, line n setting GSI n
 * with kvm_set_irq(). The machine wires ISA and PCI device outputs to
 * them. Free with qemu_free_irqs(irqs, KVM_PC_GSI_COUNT).
 */
qemu_irq *kvm_pc_gsi_irqs(KVMState *s);

/**
 * kvm_irqfd_add: - KVM_IRQFD: a write to the eventfd (a counter of 8
 * bytes) raises and lowers gsi in the kernel, without this process.
 * kvm_irqfd_remove undoes it (same fd and gsi).
 */
bool kvm_irqfd_add(KVMState *s, int eventfd, int gsi, Error **errp);
bool kvm_irqfd_remove(KVMState *s, int eventfd, int gsi, Error **errp);

/**
 * kvm_ioeventfd_add: - KVM_IOEVENTFD: a guest write of len bytes (1, 2, 4
 * or 8; 0 for MMIO means any length) at addr, in port space if is_pio,
 * signals the eventfd instead of exiting to user space. With datamatch
 * only writes of *datamatch do; others exit as before. kvm_ioeventfd_remove
 * takes the same arguments.
 */
bool kvm_ioeventfd_add(KVMState *s, uint64_t addr, unsigned len, bool is_pio,
                       const uint64_t *datamatch, int eventfd, Error **errp);
bool kvm_ioeventfd_remove(KVMState *s, uint64_t addr, unsigned len,
                          bool is_pio, const uint64_t *datamatch, int eventfd,
                          Error **errp);

/**
 * kvm_clock_get: - KVM_GET_CLOCK: the guest's kvmclock in ns. Save it when
 * the VM stops and give it back with kvm_clock_set() on resume, so that
 * the guest does not see the stopped time.
 */
bool kvm_clock_get(KVMState *s, uint64_t *ns, Error **errp);
bool kvm_clock_set(KVMState *s, uint64_t ns, Error **errp);

/* KVM_GET/SET_IRQCHIP: chip->chip_id is KVM_IRQCHIP_PIC_MASTER etc. */
bool kvm_irqchip_get(KVMState *s, struct kvm_irqchip *chip, Error **errp);
bool kvm_irqchip_set(KVMState *s, const struct kvm_irqchip *chip,
                     Error **errp);

/* KVM_GET/SET_LAPIC: the vCPU's LAPIC registers (in-kernel irqchip). */
bool kvm_vcpu_get_lapic(KVMCPU *cpu, struct kvm_lapic_state *lapic,
                        Error **errp);
bool kvm_vcpu_set_lapic(KVMCPU *cpu, const struct kvm_lapic_state *lapic,
                        Error **errp);

/*
 * KVM_GET/SET_MP_STATE: KVM_MP_STATE_RUNNABLE, _UNINITIALIZED (an AP
 * waiting for INIT-SIPI), _HALTED, _INIT_RECEIVED, _SIPI_RECEIVED.
 */
bool kvm_vcpu_get_mp_state(KVMCPU *cpu, uint32_t *state, Error **errp);
bool kvm_vcpu_set_mp_state(KVMCPU *cpu, uint32_t state, Error **errp);

#endif
