/*
 * kvm-userirq.c: KVM vCPUs without the in-kernel irqchip. The board's
 * user-space chips raise INTR, NMI, INIT and SIPI here; before each
 * KVM_RUN the vCPU injects (KVM_INTERRUPT when the kernel says it is
 * ready, else it asks for an interrupt-window exit) and after it hands
 * CR8 and IA32_APIC_BASE back. HLT and wait-for-SIPI sleep on a condition
 * variable without the BQL. Not the chips: they are the board's.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "system/kvm-userirq.h"
#include "kvm-internal.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>

/*
 * How long a requested interrupt window may stay shut before the vCPU is
 * kicked to look again. Hardware KVM exits as soon as the guest can take
 * the interrupt; this host's PVM KVM does not while it emulates ring 0
 * (a guest spinning with IF=1 never exits), so the kick does it.
 */
#define KVM_UIRQ_WINDOW_KICK_NS (1000 * 1000)

void kvm_userirq_attach(KVMCPU *cpu, const KVMUserIrqOps *ops, void *opaque,
                        bool is_bsp)
{
    struct kvm_sregs sregs;

    cpu->uirq_ops = ops;
    cpu->uirq_opaque = opaque;
    cpu->uirq_bsp = is_bsp;
    /* The value KVM starts from, so that only guest writes are passed on. */
    if (kvm_x86_get_sregs(cpu, &sregs, NULL)) {
        cpu->uirq_apic_base = sregs.apic_base;
    }
    kvm_userirq_reset(cpu, is_bsp);
}

bool kvm_userirq_attached(KVMCPU *cpu)
{
    return cpu->uirq_ops != NULL;
}

void kvm_userirq_reset(KVMCPU *cpu, bool is_bsp)
{
    __atomic_store_n(&cpu->uirq_events, 0, __ATOMIC_SEQ_CST);
    cpu->uirq_halted = false;
    /* Without an in-kernel LAPIC KVM makes every vCPU runnable at once. */
    cpu->uirq_wait_sipi = !is_bsp;
    cpu->uirq_cr8 = 0;
    /* The reset state put back a fresh kvm_run: nothing was injected. */
    cpu->run->request_interrupt_window = 0;
}

static bool kvm_userirq_on_own_thread(KVMCPU *cpu)
{
    return cpu->thread_started && pthread_equal(pthread_self(), cpu->thread);
}

void kvm_userirq_wake(KVMCPU *cpu)
{
    g_mutex_lock(&cpu->uirq_lock);
    g_cond_broadcast(&cpu->uirq_cond);
    g_mutex_unlock(&cpu->uirq_lock);
}

/*
 * The vCPU's own thread sees a change before its next KVM_RUN; any other
 * thread must get it out of KVM_RUN or out of its sleep.
 */
static void kvm_userirq_notify(KVMCPU *cpu)
{
    if (kvm_userirq_on_own_thread(cpu)) {
        return;
    }
    kvm_vcpu_kick(cpu);
}

void kvm_userirq_set_intr(KVMCPU *cpu, bool level)
{
    bool old = __atomic_exchange_n(&cpu->uirq_intr, level, __ATOMIC_SEQ_CST);

    /* A lowered line needs nobody: at worst an interrupt window opens. */
    if (level && !old) {
        kvm_userirq_notify(cpu);
    }
}

static void kvm_userirq_event(KVMCPU *cpu, uint32_t ev)
{
    __atomic_fetch_or(&cpu->uirq_events, ev, __ATOMIC_SEQ_CST);
    kvm_userirq_notify(cpu);
}

void kvm_userirq_nmi(KVMCPU *cpu)
{
    kvm_userirq_event(cpu, KVM_UIRQ_EV_NMI);
}

void kvm_userirq_init(KVMCPU *cpu)
{
    /* INIT cancels a SIPI that has not been taken yet. */
    __atomic_fetch_and(&cpu->uirq_events, ~KVM_UIRQ_EV_SIPI, __ATOMIC_SEQ_CST);
    kvm_userirq_event(cpu, KVM_UIRQ_EV_INIT);
}

void kvm_userirq_sipi(KVMCPU *cpu, uint8_t vector)
{
    __atomic_store_n(&cpu->uirq_sipi_vector, vector, __ATOMIC_SEQ_CST);
    kvm_userirq_event(cpu, KVM_UIRQ_EV_SIPI);
}

bool kvm_userirq_halted(KVMCPU *cpu)
{
    return cpu->uirq_halted || cpu->uirq_wait_sipi;
}

/* What ends a HLT: an NMI, or INTR while the guest has IF set. */
static bool kvm_userirq_hlt_wakes(KVMCPU *cpu)
{
    uint32_t ev = __atomic_load_n(&cpu->uirq_events, __ATOMIC_SEQ_CST);

    return (ev & (KVM_UIRQ_EV_NMI | KVM_UIRQ_EV_INIT)) ||
           (__atomic_load_n(&cpu->uirq_intr, __ATOMIC_SEQ_CST) &&
            cpu->run->if_flag);
}

static bool kvm_userirq_must_sleep(KVMCPU *cpu)
{
    uint32_t ev = __atomic_load_n(&cpu->uirq_events, __ATOMIC_SEQ_CST);

    if (cpu->uirq_wait_sipi) {
        return !(ev & (KVM_UIRQ_EV_INIT | KVM_UIRQ_EV_SIPI));
    }
    return cpu->uirq_halted && !kvm_userirq_hlt_wakes(cpu);
}

/* INIT: power-on registers; the BSP runs on, an AP waits for a SIPI. */
static void kvm_userirq_take_init(KVMCPU *cpu)
{
    Error *err = NULL;

    if (cpu->uirq_ops->init_reset &&
        !cpu->uirq_ops->init_reset(cpu->uirq_opaque, &err)) {
        error_report_err(err);
    }
    cpu->uirq_halted = false;
    cpu->uirq_wait_sipi = !cpu->uirq_bsp;
    cpu->run->request_interrupt_window = 0;
}

/* SIPI: real mode at vector * 0x1000 (CS = vector << 8, IP = 0). */
static void kvm_userirq_take_sipi(KVMCPU *cpu)
{
    uint8_t vector = __atomic_load_n(&cpu->uirq_sipi_vector,
                                     __ATOMIC_SEQ_CST);
    Error *err = NULL;

    if (!kvm_x86_set_real_mode(cpu, (uint16_t)vector << 8, 0, &err)) {
        error_report_err(err);
        return;
    }
    cpu->uirq_wait_sipi = false;
    cpu->uirq_halted = false;
}

bool kvm_userirq_prepare(KVMCPU *cpu)
{
    uint32_t ev;

    if (!cpu->uirq_ops) {
        return true;
    }
    ev = __atomic_fetch_and(&cpu->uirq_events,
                            ~(KVM_UIRQ_EV_INIT | KVM_UIRQ_EV_SIPI),
                            __ATOMIC_SEQ_CST);
    if (ev & KVM_UIRQ_EV_INIT) {
        kvm_userirq_take_init(cpu);
    }
    /* A SIPI to a running vCPU is ignored (SDM 10.6.1 / 8.4.3.4). */
    if ((ev & KVM_UIRQ_EV_SIPI) && cpu->uirq_wait_sipi) {
        kvm_userirq_take_sipi(cpu);
    }
    if (!kvm_userirq_must_sleep(cpu)) {
        cpu->uirq_halted = false;
        return true;
    }
    /*
     * Changes are made before the wake takes uirq_lock, and tested here
     * under it: no wake-up falls between the test and the wait.
     */
    bql_unlock();
    g_mutex_lock(&cpu->uirq_lock);
    while (kvm_userirq_must_sleep(cpu) &&
           !__atomic_load_n(&cpu->stop_request, __ATOMIC_SEQ_CST)) {
        g_cond_wait(&cpu->uirq_cond, &cpu->uirq_lock);
    }
    g_mutex_unlock(&cpu->uirq_lock);
    bql_lock();
    return false;
}

/* A one-shot timer that sends KVM_SIG_IPI to this vCPU's thread. */
static bool kvm_userirq_window_timer_create(KVMCPU *cpu)
{
    struct sigevent sev = {
        .sigev_notify = SIGEV_THREAD_ID,
        .sigev_signo = KVM_SIG_IPI,
    };

    /* sigev_notify_thread_id: glibc before 2.35 has no name for it. */
    sev._sigev_un._tid = gettid();
    if (timer_create(CLOCK_MONOTONIC, &sev, &cpu->uirq_window_timer) < 0) {
        return false;
    }
    cpu->uirq_window_timer_ok = true;
    return true;
}

/*
 * Only on the vCPU's own thread, whose SIG_IPI handler and KVM signal
 * mask make the signal end KVM_RUN (and nothing else).
 */
static void kvm_userirq_window_kick(KVMCPU *cpu, bool arm)
{
    struct itimerspec its = { 0 };

    if (arm == cpu->uirq_window_armed || !kvm_userirq_on_own_thread(cpu)) {
        return;
    }
    if (!cpu->uirq_window_timer_ok && !kvm_userirq_window_timer_create(cpu)) {
        return;
    }
    if (arm) {
        its.it_value.tv_nsec = KVM_UIRQ_WINDOW_KICK_NS;
    }
    if (timer_settime(cpu->uirq_window_timer, 0, &its, NULL) == 0) {
        cpu->uirq_window_armed = arm;
    }
}

void kvm_userirq_thread_exit(KVMCPU *cpu)
{
    if (cpu->uirq_window_timer_ok) {
        timer_delete(cpu->uirq_window_timer);
        cpu->uirq_window_timer_ok = false;
        cpu->uirq_window_armed = false;
    }
}

void kvm_userirq_pre_run(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    const KVMUserIrqOps *ops = cpu->uirq_ops;
    int ret;

    if (!ops) {
        return;
    }
    if (__atomic_fetch_and(&cpu->uirq_events, ~KVM_UIRQ_EV_NMI,
                           __ATOMIC_SEQ_CST) & KVM_UIRQ_EV_NMI) {
        ret = kvm_vcpu_ioctl(cpu, KVM_NMI, NULL);
        if (ret < 0) {
            error_report("kvm: injecting an NMI failed: %s", strerror(-ret));
        }
    }
    /*
     * The kernel says after each exit whether the guest can take an
     * interrupt now (IF set, no shadow, none queued). INTA only then: a
     * vector acknowledged must reach the guest.
     */
    if (__atomic_load_n(&cpu->uirq_intr, __ATOMIC_SEQ_CST) &&
        run->ready_for_interrupt_injection) {
        int vector = ops->ack(cpu->uirq_opaque);

        if (vector >= 0 && vector <= 255) {
            struct kvm_interrupt irq = { .irq = vector };

            ret = kvm_vcpu_ioctl(cpu, KVM_INTERRUPT, &irq);
            if (ret < 0) {
                error_report("kvm: injecting vector 0x%x failed: %s", vector,
                             strerror(-ret));
            }
            /* One queued at a time; KVM says again after the next exit. */
            run->ready_for_interrupt_injection = 0;
        }
    }
    run->request_interrupt_window =
        __atomic_load_n(&cpu->uirq_intr, __ATOMIC_SEQ_CST);
    kvm_userirq_window_kick(cpu, run->request_interrupt_window);
    if (ops->get_cr8) {
        cpu->uirq_cr8 = ops->get_cr8(cpu->uirq_opaque) & 0xf;
        run->cr8 = cpu->uirq_cr8;
    }
}

void kvm_userirq_post_run(KVMCPU *cpu)
{
    struct kvm_run *run = cpu->run;
    const KVMUserIrqOps *ops = cpu->uirq_ops;

    if (!ops) {
        return;
    }
    /* Fired or not, the window is looked at again before the next run. */
    kvm_userirq_window_kick(cpu, false);
    if (ops->set_cr8 && run->cr8 != cpu->uirq_cr8) {
        cpu->uirq_cr8 = run->cr8 & 0xf;
        ops->set_cr8(cpu->uirq_opaque, cpu->uirq_cr8);
    }
    if (run->apic_base != cpu->uirq_apic_base) {
        cpu->uirq_apic_base = run->apic_base;
        if (ops->set_apic_base) {
            ops->set_apic_base(cpu->uirq_opaque, run->apic_base);
        }
    }
}

bool kvm_userirq_hlt(KVMCPU *cpu)
{
    if (kvm_userirq_hlt_wakes(cpu)) {
        return false;
    }
    cpu->uirq_halted = true;
    return true;
}
