/*
 * kvm-cpus.c: KVM vCPUs: creation, the exit loop (KVM_RUN, then each exit
 * turned into memory API accesses under the BQL), the vCPU thread and the
 * kick that gets a vCPU out of guest code. Everything read back from the
 * kvm_run page is checked before use: the guest drives its contents.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "system/accel-restart.h"
#include "system/runstate.h"
#include "system/kvm-userirq.h"
#include "kvm-internal.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define SIG_IPI KVM_SIG_IPI
/* The kernel's sigset, as KVM_SET_SIGNAL_MASK wants it (x86-64). */
#define KVM_SIGSET_BYTES 8

KVMCPU *kvm_vcpu_create(KVMState *s, int index, Error **errp)
{
    KVMCPU *cpu;
    void *run;
    int fd;

    fd = kvm_vm_ioctl(s, KVM_CREATE_VCPU, (void *)(uintptr_t)index);
    if (fd < 0) {
        error_setg(errp, "kvm_init_vcpu: kvm_get_vcpu failed (%d): %s",
                   index, strerror(-fd));
        return NULL;
    }
    run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (run == MAP_FAILED) {
        error_setg(errp, "kvm_init_vcpu: mmap'ing vcpu state failed (%d): %s",
                   index, strerror(errno));
        close(fd);
        return NULL;
    }
    cpu = g_new0(KVMCPU, 1);
    cpu->kvm = s;
    cpu->index = index;
    cpu->fd = fd;
    cpu->run = run;
    cpu->run_size = s->run_size;
    g_mutex_init(&cpu->uirq_lock);
    g_cond_init(&cpu->uirq_cond);
    return cpu;
}

void kvm_vcpu_destroy(KVMCPU *cpu)
{
    if (!cpu) {
        return;
    }
    if (cpu->thread_started) {
        kvm_vcpu_stop(cpu);
    }
    munmap(cpu->run, cpu->run_size);
    close(cpu->fd);
    g_mutex_clear(&cpu->uirq_lock);
    g_cond_clear(&cpu->uirq_cond);
    g_free(cpu);
}

/* ---- exits ------------------------------------------------------------- */

static int kvm_handle_io(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    uint64_t size = run->io.size;
    uint64_t count = run->io.count;
    uint64_t off = run->io.data_offset;
    bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
    uint8_t *data;
    uint64_t i;

    /* A sane kernel never breaks these, but the page is shared memory. */
    if ((size != 1 && size != 2 && size != 4) || count == 0 ||
        off > cpu->run_size || count > (cpu->run_size - off) / size) {
        error_report("kvm: bad KVM_EXIT_IO (port 0x%x size %" PRIu64
                     " count %" PRIu64 " offset %" PRIu64 ")",
                     run->io.port, size, count, off);
        return KVM_RUN_ERROR;
    }
    data = (uint8_t *)run + off;
    for (i = 0; i < count; i++) {
        address_space_rw(&address_space_io, run->io.port,
                         MEMTXATTRS_UNSPECIFIED, data + i * size, size,
                         is_write);
    }
    return KVM_RUN_CONTINUE;
}

static int kvm_handle_mmio(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    uint32_t len = run->mmio.len;

    if (len == 0 || len > sizeof(run->mmio.data)) {
        error_report("kvm: bad KVM_EXIT_MMIO (addr 0x%llx len %u)",
                     (unsigned long long)run->mmio.phys_addr, len);
        return KVM_RUN_ERROR;
    }
    address_space_rw(&address_space_memory, run->mmio.phys_addr,
                     MEMTXATTRS_UNSPECIFIED, run->mmio.data, len,
                     run->mmio.is_write);
    return KVM_RUN_CONTINUE;
}

/*
 * KVM opened fine but cannot run this guest (this project's PVM hosts stop
 * Linux's early ring-0 SSE with an emulation failure): with a fallback
 * ("-accel kvm -accel tcg") the process restarts the guest under it and
 * this does not return; otherwise, or if that fails, false.
 */
static bool kvm_restart_under_fallback(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    struct kvm_regs regs;
    g_autofree char *why = NULL;

    if (!accel_fallback_spec()) {
        return false;
    }
    if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
        why = g_strdup("emulation failure");
    } else {
        why = g_strdup_printf("internal error, suberror %u",
                              run->internal.suberror);
    }
    if (kvm_x86_get_regs(cpu, &regs, NULL)) {
        g_autofree char *with_rip = g_strdup_printf(
            "%s at RIP 0x%llx", why, (unsigned long long)regs.rip);

        g_free(why);
        why = g_steal_pointer(&with_rip);
    }
    return accel_restart_with_fallback("kvm", why);
}

static int kvm_handle_internal_error(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    uint32_t n = MIN(run->internal.ndata, G_N_ELEMENTS(run->internal.data));
    uint32_t i;

    kvm_restart_under_fallback(cpu);
    error_printf("KVM internal error. Suberror: %d\n", run->internal.suberror);
    for (i = 0; i < n; i++) {
        error_printf("extra data[%u]: 0x%016llx\n", i,
                     (unsigned long long)run->internal.data[i]);
    }
    if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
        error_printf("emulation failure\n");
    }
    kvm_report_state(cpu);
    /* Running again would fail at the same RIP: stop instead of spinning. */
    qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
    return KVM_RUN_ERROR;
}

static int kvm_handle_system_event(KVMCPU *cpu)
{
    switch (cpu->run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        return KVM_RUN_SHUTDOWN;
    case KVM_SYSTEM_EVENT_RESET:
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return KVM_RUN_RESET;
    case KVM_SYSTEM_EVENT_CRASH:
        /* Hyper-V crash MSRs and the like: -action panic= decides, and
         * the VM has stopped (unless panic=none) when this returns. */
        qemu_system_guest_panicked();
        return KVM_RUN_CONTINUE;
    default:
        qemu_log_mask(LOG_UNIMP, "kvm: unhandled system event %u\n",
                      cpu->run->system_event.type);
        return KVM_RUN_CONTINUE;
    }
}

/* Drop kicks that arrived while SIG_IPI was blocked: they did their job. */
static void kvm_eat_signals(void)
{
    struct timespec ts = { 0, 0 };
    sigset_t set, pending;

    sigemptyset(&set);
    sigaddset(&set, SIG_IPI);
    while (sigpending(&pending) == 0 && sigismember(&pending, SIG_IPI)) {
        if (sigtimedwait(&set, NULL, &ts) < 0 && errno != EINTR) {
            break;
        }
    }
}

int kvm_vcpu_run_once(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    bool locked = bql_locked();
    int ret;

    /* The user-space chips run under the BQL (INTA, TPR). */
    kvm_userirq_pre_run(cpu);
    if (locked) {
        bql_unlock();
    }
    ret = kvm_vcpu_ioctl(cpu, KVM_RUN, NULL);
    if (locked) {
        bql_lock();
    }
    kvm_userirq_post_run(cpu);
    if (ret < 0) {
        if (ret == -EINTR || ret == -EAGAIN) {
            __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
            kvm_eat_signals();
            return KVM_RUN_KICKED;
        }
        error_report("error: kvm run failed %s", strerror(-ret));
        kvm_report_state(cpu);
        qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
        return KVM_RUN_ERROR;
    }

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        return kvm_handle_io(cpu);
    case KVM_EXIT_MMIO:
        return kvm_handle_mmio(cpu);
    case KVM_EXIT_HLT:
        /*
         * An in-kernel LAPIC waits in KVM_RUN and never exits for HLT.
         * User-space chips wake the vCPU through kvm-userirq.c; without
         * either nothing could.
         */
        if (cpu->kvm->irqchip_in_kernel) {
            return KVM_RUN_CONTINUE;
        }
        if (kvm_userirq_attached(cpu) && !kvm_userirq_hlt(cpu)) {
            return KVM_RUN_CONTINUE;
        }
        return KVM_RUN_HALTED;
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        /* Asked for by kvm_userirq_pre_run(): the next run injects. */
        return KVM_RUN_CONTINUE;
    case KVM_EXIT_SHUTDOWN:
        /* A triple fault: the machine resets, as on real hardware. */
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return KVM_RUN_RESET;
    case KVM_EXIT_SYSTEM_EVENT:
        return kvm_handle_system_event(cpu);
    case KVM_EXIT_INTR:
        return KVM_RUN_KICKED;
    case KVM_EXIT_INTERNAL_ERROR:
        return kvm_handle_internal_error(cpu);
    case KVM_EXIT_FAIL_ENTRY:
        error_report("KVM: entry failed, hardware error 0x%llx",
                     (unsigned long long)
                     run->fail_entry.hardware_entry_failure_reason);
        kvm_report_state(cpu);
        qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
        return KVM_RUN_ERROR;
    default:
        error_report("KVM: unhandled exit reason %u", run->exit_reason);
        kvm_report_state(cpu);
        qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
        return KVM_RUN_ERROR;
    }
}

/* ---- the vCPU thread and kicks ----------------------------------------- */

static void kvm_ipi_handler(int sig)
{
    /* Only there so that the signal interrupts KVM_RUN without killing us. */
}

static void kvm_ipi_init(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        struct sigaction sa = { .sa_handler = kvm_ipi_handler };

        sigemptyset(&sa.sa_mask);
        sigaction(SIG_IPI, &sa, NULL);
        g_once_init_leave(&done, 1);
    }
}

/* Inside KVM_RUN the thread takes SIG_IPI; outside it stays pending. */
static bool kvm_vcpu_set_signal_mask(KVMCPU *cpu, Error **errp)
{
    struct {
        struct kvm_signal_mask hdr;
        uint8_t bytes[KVM_SIGSET_BYTES];
    } mask;
    sigset_t set;
    int ret;

    pthread_sigmask(SIG_BLOCK, NULL, &set);
    sigdelset(&set, SIG_IPI);
    mask.hdr.len = KVM_SIGSET_BYTES;
    memcpy(mask.bytes, &set, KVM_SIGSET_BYTES);
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_SIGNAL_MASK, &mask);
    if (ret < 0) {
        error_setg(errp, "kvm_set_signal_mask: %s", strerror(-ret));
        return false;
    }
    return true;
}

static void *kvm_vcpu_thread_fn(void *opaque)
{
    KVMCPU *cpu = opaque;
    Error *err = NULL;
    int status = KVM_RUN_ERROR;

    bql_lock();
    if (!kvm_vcpu_set_signal_mask(cpu, &err)) {
        error_report_err(err);
        goto out;
    }
    while (!__atomic_load_n(&cpu->stop_request, __ATOMIC_SEQ_CST)) {
        /* Halted or waiting for a SIPI: sleep here, not in the kernel. */
        if (!kvm_userirq_prepare(cpu)) {
            status = KVM_RUN_KICKED;
            continue;
        }
        status = kvm_vcpu_run_once(cpu);
        if (status == KVM_RUN_HALTED && kvm_userirq_attached(cpu)) {
            continue;
        }
        if (status != KVM_RUN_CONTINUE && status != KVM_RUN_KICKED) {
            break;
        }
    }
out:
    kvm_userirq_thread_exit(cpu);
    cpu->last_status = status;
    bql_unlock();
    __atomic_store_n(&cpu->thread_done, true, __ATOMIC_SEQ_CST);
    qemu_notify_event();
    return NULL;
}

bool kvm_vcpu_start_thread(KVMCPU *cpu, Error **errp)
{
    sigset_t block, old;
    int ret;

    if (cpu->thread_started) {
        error_setg(errp, "vCPU %d is already running", cpu->index);
        return false;
    }
    kvm_ipi_init();
    cpu->stop_request = false;
    cpu->thread_done = false;
    cpu->last_status = KVM_RUN_CONTINUE;
    /* Born with SIG_IPI blocked, so no kick is lost before the first run. */
    sigemptyset(&block);
    sigaddset(&block, SIG_IPI);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    ret = pthread_create(&cpu->thread, NULL, kvm_vcpu_thread_fn, cpu);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (ret != 0) {
        error_setg(errp, "could not create vCPU thread: %s", strerror(ret));
        return false;
    }
    cpu->thread_started = true;
    return true;
}

void kvm_vcpu_kick(KVMCPU *cpu)
{
    __atomic_store_n(&cpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (cpu->thread_started) {
        pthread_kill(cpu->thread, SIG_IPI);
    }
    /* A vCPU halted in user space sleeps outside KVM_RUN. */
    kvm_userirq_wake(cpu);
}

int kvm_vcpu_stop(KVMCPU *cpu)
{
    if (!cpu->thread_started) {
        return cpu->last_status;
    }
    __atomic_store_n(&cpu->stop_request, true, __ATOMIC_SEQ_CST);
    kvm_vcpu_kick(cpu);
    pthread_join(cpu->thread, NULL);
    cpu->thread_started = false;
    /* A kick that found the loop already gone must not hit the next run. */
    __atomic_store_n(&cpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    return cpu->last_status;
}

bool kvm_vcpu_thread_done(KVMCPU *cpu)
{
    return __atomic_load_n(&cpu->thread_done, __ATOMIC_SEQ_CST);
}

/* ---- AccelOps ---------------------------------------------------------- */

static bool kvm_ops_create_vcpu_thread(void *cpu, Error **errp)
{
    return kvm_vcpu_start_thread(cpu, errp);
}

static void kvm_ops_kick_vcpu(void *cpu)
{
    kvm_vcpu_kick(cpu);
}

static bool kvm_ops_synchronize_state(void *opaque, bool to_accel,
                                      Error **errp)
{
    KVMCPU *cpu = opaque;

    if (to_accel) {
        return kvm_x86_set_regs(cpu, &cpu->regs, errp) &&
               kvm_x86_set_sregs(cpu, &cpu->sregs, errp);
    }
    return kvm_x86_get_regs(cpu, &cpu->regs, errp) &&
           kvm_x86_get_sregs(cpu, &cpu->sregs, errp);
}

static MemoryListener *kvm_ops_memory_listener(void)
{
    KVMState *s = kvm_state_get();

    return s ? &s->listener : NULL;
}

const AccelOps kvm_accel_ops = {
    .create_vcpu_thread = kvm_ops_create_vcpu_thread,
    .kick_vcpu = kvm_ops_kick_vcpu,
    .synchronize_state = kvm_ops_synchronize_state,
    .memory_listener = kvm_ops_memory_listener,
};
