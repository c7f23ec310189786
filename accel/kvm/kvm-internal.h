/*
 * kvm-internal.h: what the files of accel/kvm/ share and nobody else
 * needs: the VM's state and its memslot table.
 */
#ifndef ACCEL_KVM_INTERNAL_H
#define ACCEL_KVM_INTERNAL_H

#include "exec/memory.h"
#include "system/accel.h"
#include "system/kvm.h"

#define KVM_ALIGN_DOWN(n, m) ((n) / (m) * (m))
#define KVM_ALIGN_UP(n, m) KVM_ALIGN_DOWN((n) + (m) - 1, (m))

/* One KVM memslot: a page-aligned piece of a RAM section. */
typedef struct KVMSlot {
    bool used;
    uint64_t gpa;
    uint64_t size;
    void *host;
    uint32_t flags;
} KVMSlot;

struct KVMState {
    int fd;                 /* /dev/kvm */
    int vmfd;
    int run_size;           /* KVM_GET_VCPU_MMAP_SIZE */
    int nr_slots;
    KVMSlot *slots;         /* indexed by slot id */
    bool readonly_mem;
    bool listener_registered;
    MemoryListener listener;
    /* What kernel-irqchip= asked the board for (ON for a bare VM). */
    KVMIrqchipMode irqchip_mode;
    /* kvm-irqchip.c: KVM_CREATE_IRQCHIP done (the kernel handles HLT). */
    bool irqchip_in_kernel;
    bool irq_inject_status; /* KVM_IRQ_LINE_STATUS is there */
};

extern const AccelOps kvm_accel_ops;

/* The signal a kick sends; blocked in vCPU threads except inside KVM_RUN. */
#define KVM_SIG_IPI SIGUSR1

/* The last-resort report for an exit we cannot handle (kvm-x86.c). */
void kvm_report_state(KVMCPU *cpu);

#endif
