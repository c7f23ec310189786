/*
 * test-kvm-userirq.c: KVM vCPUs whose interrupt controller is in user
 * space (accel/kvm/kvm-userirq.c) against the host's /dev/kvm: an INTR
 * raised while IF=0 reaches the guest only after STI, HLT sleeps in user
 * space until INTR or NMI wakes it, an AP runs nothing before its SIPI
 * and then starts at vector * 0x1000, INIT resets, the TPR reaches CR8.
 * Real-mode guests of a few bytes. Skips when there is no KVM.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "system/kvm.h"
#include "system/kvm-userirq.h"
#include "test-helpers.h"

#define PORT        0x10
#define VEC         0x40
#define HANDLER     0x1100      /* INT VEC: [0x600] = 1; out PORT, 2; iret */
#define NMI_HANDLER 0x1200      /* NMI: out PORT, 7; iret */

typedef struct Fixture {
    TestKvmGuest vm;
    GMutex lock;
    GArray *out;                /* uint8_t: the guest's writes to PORT */
    int acks;                   /* INTA cycles */
    int inits;                  /* init_reset calls */
} Fixture;

static void port_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    Fixture *f = opaque;
    uint8_t b = val;

    g_mutex_lock(&f->lock);
    g_array_append_val(f->out, b);
    g_mutex_unlock(&f->lock);
}

static uint64_t port_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps port_ops = {
    .read = port_read,
    .write = port_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* INTA: one vector, and the line drops as an 8259 with one request would. */
static int fake_ack(void *opaque)
{
    Fixture *f = opaque;

    f->acks++;
    kvm_userirq_set_intr(f->vm.cpu, false);
    return VEC;
}

static bool fake_init_reset(void *opaque, Error **errp)
{
    ((Fixture *)opaque)->inits++;
    return true;
}

static const KVMUserIrqOps fake_ops = {
    .ack = fake_ack,
    .init_reset = fake_init_reset,
};

static void set_vector(Fixture *f, unsigned v, uint16_t ip)
{
    f->vm.mem[v * 4] = ip;
    f->vm.mem[v * 4 + 1] = ip >> 8;
    f->vm.mem[v * 4 + 2] = 0;
    f->vm.mem[v * 4 + 3] = 0;
}

static bool fixture_init(Fixture *f, const uint8_t *code, size_t len,
                         bool is_bsp)
{
    static const uint8_t handler[] = {
        0xc6, 0x06, 0x00, 0x06, 0x01,   /* mov byte [0x600], 1 */
        0xb0, 0x02, 0xe6, PORT, 0xcf,   /* out 2; iret */
    };
    static const uint8_t nmi[] = { 0xb0, 0x07, 0xe6, PORT, 0xcf };

    memset(f, 0, sizeof(*f));
    g_mutex_init(&f->lock);
    f->out = g_array_new(false, true, 1);
    if (!test_kvm_guest_init(&f->vm, 0, code, len, &port_ops, f, PORT, 1)) {
        return false;
    }
    memcpy(f->vm.mem + HANDLER, handler, sizeof(handler));
    memcpy(f->vm.mem + NMI_HANDLER, nmi, sizeof(nmi));
    set_vector(f, VEC, HANDLER);
    set_vector(f, 2, NMI_HANDLER);
    kvm_userirq_attach(f->vm.cpu, &fake_ops, f, is_bsp);
    return true;
}

static void fixture_cleanup(Fixture *f)
{
    test_kvm_guest_cleanup(&f->vm);
    g_array_free(f->out, true);
    g_mutex_clear(&f->lock);
}

static GString *outputs(Fixture *f)
{
    GString *s = g_string_new("");

    g_mutex_lock(&f->lock);
    for (guint i = 0; i < f->out->len; i++) {
        g_string_append_printf(s, "%s%u", i ? " " : "",
                               g_array_index(f->out, uint8_t, i));
    }
    g_mutex_unlock(&f->lock);
    return s;
}

/* Run on this thread until HLT puts the vCPU to sleep (or a bound). */
static int run_until_halt(Fixture *f)
{
    int st = KVM_RUN_CONTINUE;

    for (int i = 0; i < 1000; i++) {
        st = kvm_vcpu_run_once(f->vm.cpu);
        if (st != KVM_RUN_CONTINUE && st != KVM_RUN_KICKED) {
            break;
        }
    }
    return st;
}

/* Poll without the BQL until the guest has written n bytes (10 s bound). */
static void wait_outputs(Fixture *f, guint n)
{
    for (int i = 0; i < 1000; i++) {
        g_mutex_lock(&f->lock);
        if (f->out->len >= n) {
            g_mutex_unlock(&f->lock);
            return;
        }
        g_mutex_unlock(&f->lock);
        g_usleep(10 * 1000);
    }
}

static void test_inject_after_sti(void)
{
    static const uint8_t code[] = {
        0xfa,                   /* cli */
        0xb0, 0x01, 0xe6, PORT, /* out 1: an exit with IF=0 */
        0xfb,                   /* sti */
        0x80, 0x3e, 0x00, 0x06, 0x00,   /* cmp byte [0x600], 0 */
        0x74, 0xf9,             /* jz back: spin until the handler ran */
        0xb0, 0x03, 0xe6, PORT, /* out 3 */
        0xfa, 0xf4,             /* cli; hlt */
    };
    g_autoptr(GString) s = NULL;
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), true)) {
        fixture_cleanup(&f);
        return;
    }
    /*
     * Raised before the guest runs, while it will have IF=0. The guest
     * then spins without exits: only the interrupt window can end that.
     */
    kvm_userirq_set_intr(f.vm.cpu, true);
    bql_unlock();
    g_assert_true(kvm_vcpu_start_thread(f.vm.cpu, &error_abort));
    wait_outputs(&f, 3);
    g_assert_cmpint(kvm_vcpu_stop(f.vm.cpu), ==, KVM_RUN_KICKED);
    bql_lock();
    s = outputs(&f);
    /* Delivered once, after STI, never before "out 1". */
    g_assert_cmpstr(s->str, ==, "1 2 3");
    g_assert_cmpint(f.acks, ==, 1);
    g_assert_true(kvm_userirq_halted(f.vm.cpu));
    fixture_cleanup(&f);
}

static void test_if_clear_holds(void)
{
    static const uint8_t code[] = {
        0xfa,                   /* cli */
        0xb0, 0x01, 0xe6, PORT, /* out 1 */
        0xf4,                   /* hlt with IF=0: INTR cannot wake it */
        0xb0, 0x03, 0xe6, PORT,
    };
    g_autoptr(GString) s = NULL;
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), true)) {
        fixture_cleanup(&f);
        return;
    }
    kvm_userirq_set_intr(f.vm.cpu, true);
    g_assert_cmpint(run_until_halt(&f), ==, KVM_RUN_HALTED);
    s = outputs(&f);
    g_assert_cmpstr(s->str, ==, "1");
    g_assert_cmpint(f.acks, ==, 0);
    fixture_cleanup(&f);
}

static void test_hlt_wakes_on_intr_and_nmi(void)
{
    static const uint8_t code[] = {
        0xfb, 0xf4,             /* sti; hlt: sleeps until INTR */
        0xb0, 0x03, 0xe6, PORT, /* out 3 */
        0xfa, 0xf4,             /* cli; hlt: only an NMI wakes this */
        0xb0, 0x08, 0xe6, PORT, /* out 8 */
        0xfa, 0xf4,
    };
    g_autoptr(GString) s = NULL;
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), true)) {
        fixture_cleanup(&f);
        return;
    }
    bql_unlock();
    g_assert_true(kvm_vcpu_start_thread(f.vm.cpu, &error_abort));
    /* Halted in user space: the thread sleeps, it has not ended. */
    for (int i = 0; i < 1000 && !kvm_userirq_halted(f.vm.cpu); i++) {
        g_usleep(10 * 1000);
    }
    g_assert_true(kvm_userirq_halted(f.vm.cpu));
    g_assert_false(kvm_vcpu_thread_done(f.vm.cpu));
    g_assert_cmpuint(f.out->len, ==, 0);

    kvm_userirq_set_intr(f.vm.cpu, true);
    wait_outputs(&f, 2);
    g_usleep(20 * 1000);
    kvm_userirq_nmi(f.vm.cpu);
    wait_outputs(&f, 4);
    g_assert_cmpint(kvm_vcpu_stop(f.vm.cpu), ==, KVM_RUN_KICKED);
    bql_lock();
    s = outputs(&f);
    g_assert_cmpstr(s->str, ==, "2 3 7 8");
    g_assert_cmpint(f.acks, ==, 1);
    fixture_cleanup(&f);
}

static void test_ap_waits_for_sipi(void)
{
    static const uint8_t code[] = {
        0xb0, 0x09, 0xe6, PORT, /* must not run: the AP's reset path */
        0xf4,
    };
    static const uint8_t trampoline[] = {
        0xb0, 0x05, 0xe6, PORT, /* out 5 */
        0xfa, 0xf4,             /* cli; hlt */
    };
    g_autoptr(GString) s = NULL;
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), false)) {
        fixture_cleanup(&f);
        return;
    }
    memcpy(f.vm.mem + 0x3000, trampoline, sizeof(trampoline));
    bql_unlock();
    g_assert_true(kvm_vcpu_start_thread(f.vm.cpu, &error_abort));
    g_usleep(50 * 1000);
    g_assert_cmpuint(f.out->len, ==, 0);
    g_assert_true(kvm_userirq_halted(f.vm.cpu));

    /* INIT resets the vCPU and keeps it waiting; the SIPI starts it. */
    kvm_userirq_init(f.vm.cpu);
    g_usleep(50 * 1000);
    g_assert_cmpuint(f.out->len, ==, 0);
    kvm_userirq_sipi(f.vm.cpu, 0x03);
    wait_outputs(&f, 1);
    g_usleep(20 * 1000);
    /* A second SIPI to a running vCPU is ignored. */
    kvm_userirq_sipi(f.vm.cpu, 0x03);
    g_usleep(50 * 1000);
    g_assert_cmpint(kvm_vcpu_stop(f.vm.cpu), ==, KVM_RUN_KICKED);
    bql_lock();
    s = outputs(&f);
    g_assert_cmpstr(s->str, ==, "5");
    g_assert_cmpint(f.inits, ==, 1);
    fixture_cleanup(&f);
}

static uint8_t fake_get_cr8(void *opaque)
{
    return 0x5;
}

static void fake_set_cr8(void *opaque, uint8_t cr8)
{
    ((Fixture *)opaque)->inits = 100 + cr8;
}

/* Without an in-kernel LAPIC, KVM loads CR8 from kvm_run on every entry. */
static void test_tpr_to_cr8(void)
{
    static const uint8_t code[] = { 0xfa, 0xf4 };      /* cli; hlt */
    static const KVMUserIrqOps ops = {
        .ack = fake_ack,
        .get_cr8 = fake_get_cr8,
        .set_cr8 = fake_set_cr8,
    };
    struct kvm_sregs sregs;
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), true)) {
        fixture_cleanup(&f);
        return;
    }
    kvm_userirq_attach(f.vm.cpu, &ops, &f, true);
    g_assert_cmpint(run_until_halt(&f), ==, KVM_RUN_HALTED);
    g_assert_true(kvm_x86_get_sregs(f.vm.cpu, &sregs, &error_abort));
    g_assert_cmpuint(sregs.cr8, ==, 0x5);
    /* What the guest's CR8 was after the run matched: nothing to pass on. */
    g_assert_cmpint(f.inits, ==, 0);
    fixture_cleanup(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    bql_lock();
    g_test_add_func("/kvm-userirq/inject-after-sti", test_inject_after_sti);
    g_test_add_func("/kvm-userirq/if-clear-holds", test_if_clear_holds);
    g_test_add_func("/kvm-userirq/hlt-wakes", test_hlt_wakes_on_intr_and_nmi);
    g_test_add_func("/kvm-userirq/ap-waits-for-sipi", test_ap_waits_for_sipi);
    g_test_add_func("/kvm-userirq/tpr-to-cr8", test_tpr_to_cr8);
    return g_test_run();
}
