/*
 * kvm.h: the KVM accelerator core: the VM (KVMState: /dev/kvm, the VM fd,
 * memslots kept in step with address_space_memory by a listener) and its
 * vCPUs (KVMCPU: fd, the shared kvm_run page, the exit loop). The full
 * CPUX86State register sync lives with the CPU model, not here.
 */
#ifndef SYSTEM_KVM_H
#define SYSTEM_KVM_H

#include "qemu/error.h"
#include <pthread.h>
#include <linux/kvm.h>

#define TYPE_KVM_ACCEL "kvm-accel"

/* Where x86 KVM keeps its real-mode TSS and EPT identity map (3 pages). */
#define KVM_X86_IDENTITY_MAP_ADDR 0xfffbc000ULL
#define KVM_X86_TSS_ADDR          0xfffbd000ULL

typedef struct KVMState KVMState;
typedef struct KVMCPU KVMCPU;
typedef struct KVMUserIrqOps KVMUserIrqOps;

/* Where the interrupt controllers live: -accel kvm,kernel-irqchip=. */
typedef enum KVMIrqchipMode {
    KVM_IRQCHIP_MODE_ON,        /* PICs, IOAPIC, LAPICs, PIT in the kernel */
    KVM_IRQCHIP_MODE_OFF,       /* all in user space (kvm-userirq.c) */
} KVMIrqchipMode;

/* The device to open; tests point it at a missing path. */
extern const char *kvm_device_path;

/* What kvm_vcpu_run_once() saw; negative values are fatal for the vCPU. */
typedef enum KVMRunStatus {
    KVM_RUN_CONTINUE = 0,   /* exit handled: run again */
    KVM_RUN_KICKED,         /* left guest code because of a kick */
    KVM_RUN_HALTED,         /* HLT with no in-kernel irqchip to wait */
    KVM_RUN_RESET,          /* reset requested (triple fault, event) */
    KVM_RUN_SHUTDOWN,       /* guest asked to power off */
    KVM_RUN_ERROR = -1,     /* internal error or failed KVM_RUN: stopped */
} KVMRunStatus;

struct KVMCPU {
    KVMState *kvm;
    int index;
    int fd;
    struct kvm_run *run;
    size_t run_size;
    /* Thread state (kvm-cpus.c). */
    pthread_t thread;
    bool thread_started;
    bool stop_request;      /* atomic: leave the loop at the next exit */
    int last_status;        /* KVMRunStatus that ended the thread's loop */
    bool thread_done;       /* atomic */
    /* The registers as synchronize_state last got or will put them. */
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    /*
     * kvm-userirq.c: interrupts from user-space chips. uirq_events and
     * uirq_intr change from any thread; the rest belongs to the vCPU's
     * thread. uirq_lock/uirq_cond let a halted thread sleep.
     */
    const KVMUserIrqOps *uirq_ops;
    void *uirq_opaque;
    bool uirq_intr;             /* atomic: the INTR line is high */
    uint32_t uirq_events;       /* atomic: KVM_UIRQ_EV_* not yet taken */
    uint8_t uirq_sipi_vector;   /* atomic: of the last SIPI */
    bool uirq_halted;           /* after HLT, until an interrupt */
    bool uirq_wait_sipi;        /* an AP before its SIPI (and after INIT) */
    bool uirq_bsp;              /* INIT sends it to the reset vector */
    uint8_t uirq_cr8;           /* what KVM last said or was told */
    uint64_t uirq_apic_base;
    GMutex uirq_lock;
    GCond uirq_cond;
    /* Kicks a vCPU thread whose interrupt window does not open by itself. */
    timer_t uirq_window_timer;
    bool uirq_window_timer_ok;
    bool uirq_window_armed;
};

/**
 * kvm_init_vm: - open the device, check the API version (12), create the
 * VM and the x86 TSS/identity map, check the capabilities we need and
 * register the memslot listener on address_space_memory. Errors as QEMU:
 * "Could not access KVM kernel module: No such file or directory".
 */
KVMState *kvm_init_vm(Error **errp);

/**
 * kvm_accel_set_option: - one key=value of -accel kvm: kernel-irqchip
 * (on, off, split) and QEMU's other kvm-accel properties (accepted and
 * ignored). Errors in QEMU's words ("Property 'kvm-accel.foo' not
 * found"). Takes effect at the next kvm_accel init.
 */
bool kvm_accel_set_option(const char *name, const char *value, Error **errp);

/**
 * kvm_accel_set_global_irqchip: - -machine kernel-irqchip=value, which
 * an -accel kvm,kernel-irqchip= overrides. Errors as QEMU's ("can't
 * apply global kvm-accel.kernel-irqchip=foo: ...").
 */
bool kvm_accel_set_global_irqchip(const char *value, Error **errp);

/* The mode the accelerator was set up with (ON for kvm_init_vm()'s VMs). */
KVMIrqchipMode kvm_irqchip_mode(KVMState *s);

/**
 * kvm_destroy_vm: - unregister the listener, drop the memslots, close the
 * fds. The vCPUs must have been destroyed.
 */
void kvm_destroy_vm(KVMState *s);

/* The VM that the kvm accelerator created, or NULL. */
KVMState *kvm_state_get(void);

/* ioctls on the device, the VM or a vCPU; -errno on failure. */
int kvm_ioctl(KVMState *s, unsigned long req, ...);
int kvm_vm_ioctl(KVMState *s, unsigned long req, ...);
int kvm_vcpu_ioctl(KVMCPU *cpu, unsigned long req, ...);
/*
 * The same for ioctls whose failure is an error for the caller: false
 * with errp set to "NAME failed: <strerror>", as QEMU words it.
 */
bool kvm_vm_ioctl_named(KVMState *s, unsigned long req, const char *name,
                        void *arg, Error **errp);
bool kvm_vcpu_ioctl_named(KVMCPU *cpu, unsigned long req, const char *name,
                          void *arg, Error **errp);
/* KVM_CHECK_EXTENSION on the VM (then the device): >0 when present. */
int kvm_check_extension(KVMState *s, unsigned int cap);

/* Number of memslots in use (for tests and info). */
unsigned kvm_memslot_count(KVMState *s);
/* The slot covering guest-physical gpa: its flags, or -1 if none. */
int kvm_memslot_flags(KVMState *s, uint64_t gpa);

/**
 * kvm_vcpu_create: - KVM_CREATE_VCPU with id index and map its kvm_run page
 * (KVM_GET_VCPU_MMAP_SIZE bytes).
 */
KVMCPU *kvm_vcpu_create(KVMState *s, int index, Error **errp);
void kvm_vcpu_destroy(KVMCPU *cpu);

/**
 * kvm_vcpu_run_once: - one KVM_RUN and the handling of its exit. Call with
 * the BQL held: it is dropped around the ioctl and held for the exit
 * handlers (devices run under it). Returns a KVMRunStatus.
 */
int kvm_vcpu_run_once(KVMCPU *cpu);

/**
 * kvm_vcpu_kick: - make the vCPU leave KVM_RUN (or not enter it) soon:
 * sets immediate_exit and signals its thread with SIG_IPI. Any thread.
 */
void kvm_vcpu_kick(KVMCPU *cpu);

/**
 * kvm_vcpu_start_thread: - run the vCPU on a thread of its own until an
 * exit ends the loop (halt, reset, shutdown, error) or kvm_vcpu_stop().
 */
bool kvm_vcpu_start_thread(KVMCPU *cpu, Error **errp);

/**
 * kvm_vcpu_stop: - ask the thread to leave its loop, kick it and join it.
 * Returns the KVMRunStatus that ended the loop (KVM_RUN_KICKED if the stop
 * did). Call without the BQL.
 */
int kvm_vcpu_stop(KVMCPU *cpu);
/* Has the thread left its loop by itself? */
bool kvm_vcpu_thread_done(KVMCPU *cpu);

/* ---- x86 register helpers (kvm-x86.c) ---- */
bool kvm_x86_get_regs(KVMCPU *cpu, struct kvm_regs *regs, Error **errp);
bool kvm_x86_set_regs(KVMCPU *cpu, const struct kvm_regs *regs, Error **errp);
bool kvm_x86_get_sregs(KVMCPU *cpu, struct kvm_sregs *sregs, Error **errp);
bool kvm_x86_set_sregs(KVMCPU *cpu, const struct kvm_sregs *sregs,
                       Error **errp);
/**
 * kvm_x86_set_real_mode: - put the vCPU at cs:ip in real mode (CR0.PE
 * clear, flat 64 KiB segments with base selector * 16, SP 0, RFLAGS 2).
 */
bool kvm_x86_set_real_mode(KVMCPU *cpu, uint16_t cs, uint16_t ip,
                           Error **errp);
/**
 * kvm_x86_dump_state: - QEMU's register dump and its "Code=" line (50
 * bytes, up to 20 before the PC), appended to out. The registers come from
 * the formatter the target registered (QEMU's exact `info registers`
 * text), else from a shorter built-in one (RAX.., RIP, RFL, segments,
 * CR0-4, EFER): libaccel cannot depend on target/i386.
 */
void kvm_x86_dump_state(KVMCPU *cpu, GString *out);

/* Appends the vCPU's registers to out; false if it could not read them. */
typedef bool KVMRegisterFormatter(KVMCPU *cpu, GString *out);
void kvm_set_register_formatter(KVMRegisterFormatter *fn);

#endif
