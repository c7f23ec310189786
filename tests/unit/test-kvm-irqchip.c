/*
 * test-kvm-irqchip.c: the in-kernel irqchip and PIT against the host's
 * /dev/kvm: timer ticks from the in-kernel PIT, a device interrupt through
 * kvm_pc_gsi_irqs(), irqfd, ioeventfd, and the state ioctls. Guests are a
 * few real-mode bytes at 0x1000 that report through ports 0x500-0x507.
 * Skips when there is no KVM.
 */
#include "qemu/osdep.h"
#include "test-helpers.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "system/kvm.h"
#include "system/kvm-irqchip.h"

#include <sys/eventfd.h>

#define TEST_PORT 0x500
/* Offsets in the test's port region. */
#define PORT_TICK 0         /* the interrupt handler writes its IRQ */
#define PORT_DONE 1         /* the guest is finished */
#define PORT_READY 2        /* the PIC is set up, interrupts may come */
#define PORT_EVENT 4        /* ioeventfd targets */
#define PORT_EVENT2 6

/* Guest data: [0] interrupts seen, [1] PIC mask, [2] interrupts wanted. */
#define GUEST_DATA 0x3000
#define GUEST_PIT_DIVISOR 0x3004

/* How long an interrupt test may take before it is a failure. */
#define TEST_TIMEOUT_US (20 * G_USEC_PER_SEC)

typedef struct Fixture {
    TestKvmGuest vm;        /* its ports are TEST_PORT + 0..7 */
    GArray *ios;            /* uint16_t: offset << 8 | value */
    int ready;              /* atomic: PORT_READY written */
    int done;               /* atomic: PORT_DONE written */
} Fixture;

static void port_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    Fixture *f = opaque;
    uint16_t rec = (uint16_t)(addr << 8 | (val & 0xff));

    g_array_append_val(f->ios, rec);
    if (addr == PORT_READY) {
        __atomic_store_n(&f->ready, 1, __ATOMIC_SEQ_CST);
    } else if (addr == PORT_DONE) {
        __atomic_store_n(&f->done, 1, __ATOMIC_SEQ_CST);
    }
}

static uint64_t port_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps port_ops = {
    .read = port_read,
    .write = port_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/*
 * Remap the master PIC to vectors 0x20-0x27 with the mask at [0x3001],
 * point vectors 0x20 (IRQ0) and 0x24 (IRQ4) at handlers that write their
 * IRQ to PORT_TICK and count in [0x3000], start PIT channel 0 with the
 * divisor at [0x3004], say PORT_READY, then `sti; hlt` until [0x3000]
 * reaches [0x3002] and say PORT_DONE.
 */
static const uint8_t irq_guest[] = {
    0xfa,                                   /* cli */
    0xc7, 0x06, 0x80, 0x00, 0x50, 0x10,     /* mov word [0x80], h0 */
    0xc7, 0x06, 0x82, 0x00, 0x00, 0x00,     /* mov word [0x82], 0 */
    0xc7, 0x06, 0x90, 0x00, 0x55, 0x10,     /* mov word [0x90], h4 */
    0xc7, 0x06, 0x92, 0x00, 0x00, 0x00,     /* mov word [0x92], 0 */
    0xb0, 0x11, 0xe6, 0x20,                 /* ICW1: edge, cascade, ICW4 */
    0xb0, 0x20, 0xe6, 0x21,                 /* ICW2: vector base 0x20 */
    0xb0, 0x04, 0xe6, 0x21,                 /* ICW3: slave on IRQ2 */
    0xb0, 0x01, 0xe6, 0x21,                 /* ICW4: 8086 mode */
    0xa0, 0x01, 0x30, 0xe6, 0x21,           /* OCW1: mask from [0x3001] */
    0xb0, 0x34, 0xe6, 0x43,                 /* PIT ch0: lo/hi, mode 2 */
    0xa1, 0x04, 0x30,                       /* mov ax, [0x3004] */
    0xe6, 0x40, 0x88, 0xe0, 0xe6, 0x40,     /* out 0x40 lo; out 0x40 hi */
    0xba, 0x02, 0x05, 0xee,                 /* out PORT_READY */
    /* 0x103f loop: */
    0xfb, 0xf4,                             /* sti; hlt */
    0xa0, 0x00, 0x30,                       /* mov al, [0x3000] */
    0x3a, 0x06, 0x02, 0x30,                 /* cmp al, [0x3002] */
    0x72, 0xf5,                             /* jb loop */
    0xfa,                                   /* cli */
    0xba, 0x01, 0x05, 0xee,                 /* out PORT_DONE */
    0xf4,                                   /* hlt */
    /* 0x1050 h0: */
    0x50, 0xb0, 0x00, 0xeb, 0x03,           /* push ax; mov al, 0; jmp */
    /* 0x1055 h4: */
    0x50, 0xb0, 0x04,                       /* push ax; mov al, 4 */
    0x52,                                   /* push dx */
    0xba, 0x00, 0x05, 0xee,                 /* out PORT_TICK, al */
    0xfe, 0x06, 0x00, 0x30,                 /* inc byte [0x3000] */
    0xb0, 0x20, 0xe6, 0x20,                 /* non-specific EOI */
    0x5a, 0x58, 0xcf,                       /* pop dx; pop ax; iret */
};

/* The VM, its RAM and ports; with_irqchip creates irqchip and PIT first. */
static bool fixture_init(Fixture *f, const uint8_t *code, size_t len,
                         bool with_irqchip)
{
    memset(f, 0, sizeof(*f));
    if (!test_kvm_guest_init(&f->vm,
                             with_irqchip ? TEST_KVM_IRQCHIP | TEST_KVM_PIT : 0,
                             code, len, &port_ops, f, TEST_PORT, 8)) {
        return false;
    }
    f->ios = g_array_new(false, true, sizeof(uint16_t));
    return true;
}

static void fixture_cleanup(Fixture *f)
{
    test_kvm_guest_cleanup(&f->vm);
    g_array_free(f->ios, true);
}

/* Set up irq_guest's data: PIC mask, interrupts to wait for, PIT divisor. */
static void irq_guest_data(Fixture *f, uint8_t mask, uint8_t wanted,
                           uint16_t divisor)
{
    f->vm.mem[GUEST_DATA] = 0;
    f->vm.mem[GUEST_DATA + 1] = mask;
    f->vm.mem[GUEST_DATA + 2] = wanted;
    f->vm.mem[GUEST_PIT_DIVISOR] = divisor & 0xff;
    f->vm.mem[GUEST_PIT_DIVISOR + 1] = divisor >> 8;
}

static bool wait_flag(int *flag)
{
    gint64 end = g_get_monotonic_time() + TEST_TIMEOUT_US;

    while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST)) {
        if (g_get_monotonic_time() > end) {
            return false;
        }
        g_usleep(1000);
    }
    return true;
}

/*
 * Run the vCPU on its thread, call between(f) once the guest said
 * PORT_READY, wait for PORT_DONE and stop the thread. The guest's final
 * `cli; hlt` waits in the kernel, so the loop must not end by itself.
 */
static void run_irq_guest(Fixture *f, void (*between)(Fixture *f))
{
    bool ready, done;

    bql_unlock();
    g_assert_true(kvm_vcpu_start_thread(f->vm.cpu, &error_abort));
    ready = wait_flag(&f->ready);
    if (ready && between) {
        bql_lock();
        between(f);
        bql_unlock();
    }
    done = ready && wait_flag(&f->done);
    /* With the kernel's LAPIC a halted vCPU is still in KVM_RUN: a kick. */
    g_assert_false(kvm_vcpu_thread_done(f->vm.cpu));
    g_assert_cmpint(kvm_vcpu_stop(f->vm.cpu), ==, KVM_RUN_KICKED);
    bql_lock();
    g_assert_true(ready);
    g_assert_true(done);
}

/* The IRQs the guest's handlers reported, as a string of digits. */
static char *ticks(Fixture *f)
{
    GString *s = g_string_new(NULL);
    guint i;

    for (i = 0; i < f->ios->len; i++) {
        uint16_t rec = g_array_index(f->ios, uint16_t, i);

        if (rec >> 8 == PORT_TICK) {
            g_string_append_c(s, '0' + (rec & 0xff));
        }
    }
    return g_string_free(s, false);
}

static bool port_seen(Fixture *f, unsigned off, uint8_t val)
{
    guint i;

    for (i = 0; i < f->ios->len; i++) {
        if (g_array_index(f->ios, uint16_t, i) == (off << 8 | val)) {
            return true;
        }
    }
    return false;
}

static void test_create(void)
{
    Error *err = NULL;
    KVMState *s;
    KVMCPU *cpu;
    uint32_t mp;

    if (!test_kvm_usable()) {
        return;
    }
    s = kvm_init_vm(&error_abort);
    g_assert_false(kvm_irqchip_in_kernel(s));
    /* The PIT needs the irqchip. */
    g_assert_false(kvm_pit_create(s, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "irqchip"));
    error_free(err);
    err = NULL;
    g_assert_true(kvm_irqchip_create(s, &error_abort));
    g_assert_true(kvm_irqchip_in_kernel(s));
    g_assert_false(kvm_irqchip_create(s, &err));
    error_free(err);
    err = NULL;
    g_assert_true(kvm_pit_create(s, &error_abort));
    /* Lines on a chip without a pending edge: accepted. */
    g_assert_cmpint(kvm_set_irq(s, 4, 0), >=, 0);

    cpu = kvm_vcpu_create(s, 0, &error_abort);
    g_assert_true(kvm_vcpu_get_mp_state(cpu, &mp, &error_abort));
    g_assert_cmpuint(mp, ==, KVM_MP_STATE_RUNNABLE);
    kvm_vcpu_destroy(cpu);
    kvm_destroy_vm(s);

    /* Too late once a vCPU exists, as the kernel says. */
    s = kvm_init_vm(&error_abort);
    cpu = kvm_vcpu_create(s, 0, &error_abort);
    g_assert_false(kvm_irqchip_create(s, &err));
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "Create kernel irqchip failed"));
    error_free(err);
    g_assert_false(kvm_irqchip_in_kernel(s));
    kvm_vcpu_destroy(cpu);
    kvm_destroy_vm(s);
}

static void test_pit_ticks(void)
{
    Fixture f;
    g_autofree char *got = NULL;
    struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_PIC_MASTER };

    if (!fixture_init(&f, irq_guest, sizeof(irq_guest), true)) {
        return;
    }
    /* IRQ0 only, 3 ticks of ~1 ms. */
    irq_guest_data(&f, 0xfe, 3, 1193);
    run_irq_guest(&f, NULL);
    /* A tick may land between the guest's count check and its cli. */
    got = ticks(&f);
    g_assert_cmpuint(strlen(got), >=, 3);
    g_assert_cmpuint(strspn(got, "0"), ==, strlen(got));
    g_assert_cmpuint(f.vm.mem[GUEST_DATA], ==, strlen(got));

    /* The guest's PIC programming is in the kernel's state. */
    g_assert_true(kvm_irqchip_get(f.vm.kvm, &chip, &error_abort));
    g_assert_cmphex(chip.chip.pic.irq_base, ==, 0x20);
    g_assert_cmphex(chip.chip.pic.imr, ==, 0xfe);
    g_assert_true(kvm_irqchip_set(f.vm.kvm, &chip, &error_abort));
    fixture_cleanup(&f);
}

static void raise_gsi4(Fixture *f)
{
    qemu_irq *gsi = kvm_pc_gsi_irqs(f->vm.kvm);

    qemu_irq_pulse(gsi[4]);
    qemu_free_irqs(gsi, KVM_PC_GSI_COUNT);
}

static void test_gsi_line(void)
{
    Fixture f;
    g_autofree char *got = NULL;

    if (!fixture_init(&f, irq_guest, sizeof(irq_guest), true)) {
        return;
    }
    /* IRQ4 only; the PIT runs but stays masked. */
    irq_guest_data(&f, 0xef, 1, 1193);
    run_irq_guest(&f, raise_gsi4);
    got = ticks(&f);
    g_assert_cmpstr(got, ==, "4");
    fixture_cleanup(&f);
}

static int irqfd_fd = -1;

static void write_irqfd(Fixture *f)
{
    uint64_t one = 1;

    g_assert_cmpint(write(irqfd_fd, &one, sizeof(one)), ==, sizeof(one));
}

static void test_irqfd(void)
{
    Fixture f;
    g_autofree char *got = NULL;
    Error *err = NULL;

    if (!fixture_init(&f, irq_guest, sizeof(irq_guest), true)) {
        return;
    }
    irqfd_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    g_assert_cmpint(irqfd_fd, >=, 0);
    g_assert_true(kvm_irqfd_add(f.vm.kvm, irqfd_fd, 4, &error_abort));
    /* The same fd twice is refused by the kernel. */
    g_assert_false(kvm_irqfd_add(f.vm.kvm, irqfd_fd, 4, &err));
    error_free(err);
    irq_guest_data(&f, 0xef, 1, 1193);
    run_irq_guest(&f, write_irqfd);
    got = ticks(&f);
    g_assert_cmpstr(got, ==, "4");
    g_assert_true(kvm_irqfd_remove(f.vm.kvm, irqfd_fd, 4, &error_abort));
    close(irqfd_fd);
    irqfd_fd = -1;
    fixture_cleanup(&f);
}

/* Reads the eventfd's counter (0 if it was not signalled). */
static uint64_t eventfd_take(int fd)
{
    uint64_t v = 0;

    if (read(fd, &v, sizeof(v)) != sizeof(v)) {
        g_assert_cmpint(errno, ==, EAGAIN);
        return 0;
    }
    return v;
}

static int run_until_done(Fixture *f)
{
    int i, st = KVM_RUN_CONTINUE;

    for (i = 0; i < 100 && st == KVM_RUN_CONTINUE && !f->done; i++) {
        st = kvm_vcpu_run_once(f->vm.cpu);
    }
    return st;
}

static void test_ioeventfd(void)
{
    static const uint8_t code[] = {
        0xba, 0x04, 0x05,       /* mov dx, 0x504 */
        0xb0, 0x41, 0xee,       /* mov al, 0x41; out dx, al */
        0xb0, 0x42, 0xee,       /* mov al, 0x42; out dx, al */
        0xba, 0x06, 0x05, 0xee, /* mov dx, 0x506; out dx, al */
        0xba, 0x01, 0x05, 0xee, /* out PORT_DONE */
        0xf4,
    };
    const uint64_t match = 0x42;
    Fixture f;
    Error *err = NULL;
    int ev1, ev2;

    if (!fixture_init(&f, code, sizeof(code), false)) {
        return;
    }
    ev1 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ev2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    g_assert_cmpint(ev1, >=, 0);
    g_assert_cmpint(ev2, >=, 0);
    g_assert_true(kvm_ioeventfd_add(f.vm.kvm, TEST_PORT + PORT_EVENT, 1, true,
                                    &match, ev1, &error_abort));
    g_assert_true(kvm_ioeventfd_add(f.vm.kvm, TEST_PORT + PORT_EVENT2, 1, true,
                                    NULL, ev2, &error_abort));
    g_assert_false(kvm_ioeventfd_add(f.vm.kvm, TEST_PORT, 3, true, NULL, ev2,
                                     &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "kvm: bad ioeventfd length 3");
    error_free(err);

    g_assert_cmpint(run_until_done(&f), ==, KVM_RUN_CONTINUE);
    g_assert_true(f.done);
    /* 0x41 did not match and exited; 0x42 and port 0x506 did not exit. */
    g_assert_true(port_seen(&f, PORT_EVENT, 0x41));
    g_assert_false(port_seen(&f, PORT_EVENT, 0x42));
    g_assert_false(port_seen(&f, PORT_EVENT2, 0x42));
    g_assert_cmpuint(f.ios->len, ==, 2);
    g_assert_cmpuint(eventfd_take(ev1), ==, 1);
    g_assert_cmpuint(eventfd_take(ev2), ==, 1);

    /* Removed, the writes exit to us again. */
    g_assert_true(kvm_ioeventfd_remove(f.vm.kvm, TEST_PORT + PORT_EVENT, 1,
                                       true, &match, ev1, &error_abort));
    g_assert_true(kvm_ioeventfd_remove(f.vm.kvm, TEST_PORT + PORT_EVENT2, 1,
                                       true, NULL, ev2, &error_abort));
    g_array_set_size(f.ios, 0);
    f.done = 0;
    g_assert_true(kvm_x86_set_real_mode(f.vm.cpu, 0, TEST_KVM_CODE,
                                        &error_abort));
    g_assert_cmpint(run_until_done(&f), ==, KVM_RUN_CONTINUE);
    g_assert_true(port_seen(&f, PORT_EVENT, 0x42));
    g_assert_true(port_seen(&f, PORT_EVENT2, 0x42));
    g_assert_cmpuint(f.ios->len, ==, 4);
    g_assert_cmpuint(eventfd_take(ev1), ==, 0);
    g_assert_cmpuint(eventfd_take(ev2), ==, 0);
    close(ev1);
    close(ev2);
    fixture_cleanup(&f);
}

/* The PIT's speaker port (0x61) is the kernel's: no exit reaches us. */
static void test_speaker_port(void)
{
    static const uint8_t code[] = {
        0xe4, 0x61,             /* in al, 0x61 */
        0xe6, 0x61,             /* out 0x61, al */
        0xba, 0x01, 0x05, 0xee, /* out PORT_DONE */
        0xf4,
    };
    Fixture f;
    MemoryRegion spk;

    if (!fixture_init(&f, code, sizeof(code), true)) {
        return;
    }
    memory_region_init_io(&spk, NULL, &port_ops, &f, "test.speaker", 1);
    memory_region_add_subregion(get_system_io(), 0x61, &spk);
    g_assert_cmpint(run_until_done(&f), ==, KVM_RUN_CONTINUE);
    g_assert_true(f.done);
    g_assert_cmpuint(f.ios->len, ==, 1);
    memory_region_del_subregion(get_system_io(), &spk);
    memory_region_destroy(&spk);
    fixture_cleanup(&f);
}

static void test_state(void)
{
    Fixture f;
    struct kvm_lapic_state lapic;
    uint64_t ns, later;

    if (!fixture_init(&f, irq_guest, sizeof(irq_guest), true)) {
        return;
    }
    g_assert_true(kvm_clock_get(f.vm.kvm, &ns, &error_abort));
    g_assert_true(kvm_clock_set(f.vm.kvm, ns + 1000000000ULL, &error_abort));
    g_assert_true(kvm_clock_get(f.vm.kvm, &later, &error_abort));
    g_assert_cmpuint(later, >=, ns + 1000000000ULL);
    g_assert_cmpuint(later, <, ns + 60 * 1000000000ULL);

    /* The LAPIC ID register (0x20) holds the vCPU's id in bits 24-31. */
    g_assert_true(kvm_vcpu_get_lapic(f.vm.cpu, &lapic, &error_abort));
    g_assert_cmpuint((uint8_t)lapic.regs[0x23], ==, 0);
    g_assert_true(kvm_vcpu_set_lapic(f.vm.cpu, &lapic, &error_abort));
    g_assert_true(kvm_vcpu_set_mp_state(f.vm.cpu, KVM_MP_STATE_RUNNABLE,
                                        &error_abort));
    fixture_cleanup(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    bql_lock();
    g_test_add_func("/kvm-irqchip/create", test_create);
    g_test_add_func("/kvm-irqchip/pit-ticks", test_pit_ticks);
    g_test_add_func("/kvm-irqchip/gsi-line", test_gsi_line);
    g_test_add_func("/kvm-irqchip/irqfd", test_irqfd);
    g_test_add_func("/kvm-irqchip/ioeventfd", test_ioeventfd);
    g_test_add_func("/kvm-irqchip/speaker-port", test_speaker_port);
    g_test_add_func("/kvm-irqchip/state", test_state);
    return g_test_run();
}
