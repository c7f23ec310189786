/*
 * test-kvm.c: the accelerator interface and the KVM core against the
 * host's /dev/kvm: memslots from the memory API, port I/O, MMIO and
 * string I/O exits, HLT, emulation failures, triple faults and kicks.
 * Guests are a few real-mode bytes at 0x1000 (ring-0 code is emulated
 * slowly on nested KVMs, so they stay tiny). Skips when there is no KVM.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "system/accel.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include "test-helpers.h"

#define MMIO_BASE 0x10000

typedef struct Access {
    hwaddr addr;
    uint64_t val;
    unsigned size;
} Access;

typedef struct Fixture {
    TestKvmGuest vm;        /* its ports are 0x3f8-0x3ff */
    GArray *ios;            /* Access: writes to port 0x3f8 */
    GArray *mmio;           /* Access: writes to the MMIO region */
} Fixture;

static void record(GArray *a, hwaddr addr, uint64_t val, unsigned size)
{
    Access acc = { addr, val, size };

    g_array_append_val(a, acc);
}

static void port_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    record(((Fixture *)opaque)->ios, addr, val, size);
}

static uint64_t port_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps port_ops = {
    .read = port_read,
    .write = port_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    record(((Fixture *)opaque)->mmio, addr, val, size);
}

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0x5a5a;
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static bool fixture_init(Fixture *f, const uint8_t *code, size_t len)
{
    memset(f, 0, sizeof(*f));
    if (!test_kvm_guest_init(&f->vm, 0, code, len, &port_ops, f, 0x3f8, 8)) {
        return false;
    }
    f->ios = g_array_new(false, true, sizeof(Access));
    f->mmio = g_array_new(false, true, sizeof(Access));
    return true;
}

static void fixture_cleanup(Fixture *f)
{
    if (!f->vm.kvm) {
        return;
    }
    test_kvm_guest_cleanup(&f->vm);
    g_array_free(f->ios, true);
    g_array_free(f->mmio, true);
}

static char *ios_bytes(Fixture *f)
{
    GString *s = g_string_new(NULL);
    guint i;

    for (i = 0; i < f->ios->len; i++) {
        Access *a = &g_array_index(f->ios, Access, i);

        g_assert_cmpuint(a->size, ==, 1);
        g_string_append_c(s, (char)a->val);
    }
    return g_string_free(s, false);
}

static void test_outb_hlt(void)
{
    static const uint8_t code[] = {
        0xba, 0xf8, 0x03,       /* mov dx, 0x3f8 */
        0xb0, 'K', 0xee,        /* mov al, 'K'; out dx, al */
        0xb0, 'V', 0xee,        /* mov al, 'V'; out dx, al */
        0xf4,                   /* hlt */
    };
    Fixture f;
    g_autofree char *got = NULL;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    got = ios_bytes(&f);
    g_assert_cmpstr(got, ==, "KV");
    fixture_cleanup(&f);
}

static void test_memslot_read(void)
{
    static const uint8_t code[] = {
        0xa1, 0x00, 0x20,       /* mov ax, [0x2000] */
        0xba, 0xf8, 0x03,       /* mov dx, 0x3f8 */
        0xef,                   /* out dx, ax */
        0xf4,
    };
    Fixture f;
    Access *a;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    g_assert_cmpuint(kvm_memslot_count(f.vm.kvm), >=, 1);
    g_assert_cmpint(kvm_memslot_flags(f.vm.kvm, TEST_KVM_CODE), ==, 0);
    f.vm.mem[0x2000] = 0x34;
    f.vm.mem[0x2001] = 0x12;
    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    g_assert_cmpuint(f.ios->len, ==, 1);
    a = &g_array_index(f.ios, Access, 0);
    g_assert_cmpuint(a->val, ==, 0x1234);
    g_assert_cmpuint(a->size, ==, 2);

    /* Dirty logging flips the slot's flag and back. */
    memory_region_set_log(&f.vm.ram, true, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(kvm_memslot_flags(f.vm.kvm, 0), ==,
                    KVM_MEM_LOG_DIRTY_PAGES);
    memory_region_set_log(&f.vm.ram, false, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(kvm_memslot_flags(f.vm.kvm, 0), ==, 0);
    fixture_cleanup(&f);
}

static void test_mmio(void)
{
    static const uint8_t code[] = {
        0xb8, 0x00, 0x10,                   /* mov ax, 0x1000 */
        0x8e, 0xd8,                         /* mov ds, ax */
        0xc7, 0x06, 0x10, 0x00, 0xef, 0xbe, /* mov word [0x10], 0xbeef */
        0xa1, 0x20, 0x00,                   /* mov ax, [0x20] */
        0xba, 0xf8, 0x03, 0xef,             /* mov dx, 0x3f8; out dx, ax */
        0xf4,
    };
    Fixture f;
    MemoryRegion mmio;
    Access *a;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    memory_region_init_io(&mmio, NULL, &mmio_ops, &f, "test.mmio", 0x1000);
    memory_region_add_subregion(get_system_memory(), MMIO_BASE, &mmio);
    g_assert_cmpint(kvm_memslot_flags(f.vm.kvm, MMIO_BASE), ==, -1);
    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    g_assert_cmpuint(f.mmio->len, ==, 1);
    a = &g_array_index(f.mmio, Access, 0);
    g_assert_cmphex(a->addr, ==, 0x10);
    g_assert_cmpuint(a->size, ==, 2);
    g_assert_cmphex(a->val, ==, 0xbeef);
    g_assert_cmpuint(f.ios->len, ==, 1);
    g_assert_cmphex(g_array_index(f.ios, Access, 0).val, ==, 0x5a5a);
    memory_region_del_subregion(get_system_memory(), &mmio);
    memory_region_destroy(&mmio);
    fixture_cleanup(&f);
}

static void test_rep_outsb(void)
{
    static const uint8_t code[] = {
        0xbe, 0x00, 0x20,       /* mov si, 0x2000 */
        0xb9, 0x05, 0x00,       /* mov cx, 5 */
        0xba, 0xf8, 0x03,       /* mov dx, 0x3f8 */
        0xfc,                   /* cld */
        0xf3, 0x6e,             /* rep outsb */
        0xf4,
    };
    Fixture f;
    g_autofree char *got = NULL;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    memcpy(f.vm.mem + 0x2000, "hello", 5);
    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    got = ios_bytes(&f);
    g_assert_cmpstr(got, ==, "hello");
    fixture_cleanup(&f);
}

static void test_emulation_failure(void)
{
    static const uint8_t code[] = {
        0xd9, 0xe8,             /* fld1: x87, which PVM cannot emulate */
        0xf4,
    };
    Fixture f;
    g_autofree char *out = NULL;
    int st;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    capture_start();
    st = test_kvm_guest_run(&f.vm);
    out = capture_end();
    if (st == KVM_RUN_HALTED) {
        g_test_skip("this host's KVM runs x87 code: no emulation failure");
        fixture_cleanup(&f);
        return;
    }
    g_assert_cmpint(st, ==, KVM_RUN_ERROR);
    g_assert_nonnull(strstr(out, "KVM internal error. Suberror: 1\n"));
    g_assert_nonnull(strstr(out, "emulation failure\n"));
    g_assert_nonnull(strstr(out, "RIP=0000000000001000"));
    g_assert_nonnull(strstr(out, "CR0="));
    g_assert_nonnull(strstr(out, "EFER="));
    g_assert_nonnull(strstr(out, "<d9> e8 f4"));
    fixture_cleanup(&f);
}

static void test_memslot_removal(void)
{
    static const uint8_t code[] = {
        0xb8, 0x00, 0x20,                   /* mov ax, 0x2000 */
        0x8e, 0xd8,                         /* mov ds, ax */
        0xc6, 0x06, 0x04, 0x00, 0x77,       /* mov byte [4], 0x77 */
        0xf4,
    };
    Fixture f;
    MemoryRegion ram2, mmio;
    uint8_t *p;
    unsigned slots;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    memory_region_init_io(&mmio, NULL, &mmio_ops, &f, "test.under", 0x1000);
    memory_region_add_subregion_overlap(get_system_memory(), 0x20000, &mmio,
                                        0);
    g_assert_true(memory_region_init_ram(&ram2, NULL, "test.ram2", 0x1000,
                                         &error_abort));
    memory_region_add_subregion_overlap(get_system_memory(), 0x20000, &ram2,
                                        1);
    slots = kvm_memslot_count(f.vm.kvm);
    p = memory_region_get_ram_ptr(&ram2);
    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    g_assert_cmphex(p[4], ==, 0x77);
    g_assert_cmpuint(f.mmio->len, ==, 0);

    memory_region_del_subregion(get_system_memory(), &ram2);
    g_assert_cmpuint(kvm_memslot_count(f.vm.kvm), ==, slots - 1);
    g_assert_cmpint(kvm_memslot_flags(f.vm.kvm, 0x20000), ==, -1);
    p[4] = 0;
    g_assert_true(kvm_x86_set_real_mode(f.vm.cpu, 0, TEST_KVM_CODE,
                                        &error_abort));
    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    g_assert_cmphex(p[4], ==, 0);
    g_assert_cmpuint(f.mmio->len, ==, 1);
    g_assert_cmphex(g_array_index(f.mmio, Access, 0).addr, ==, 4);
    g_assert_cmphex(g_array_index(f.mmio, Access, 0).val, ==, 0x77);

    memory_region_del_subregion(get_system_memory(), &mmio);
    memory_region_destroy(&mmio);
    memory_region_destroy(&ram2);
    fixture_cleanup(&f);
}

static ShutdownCause reset_seen;

static void reset_notify(void *opaque, ShutdownCause cause)
{
    reset_seen = cause;
}

static void test_triple_fault(void)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0x1e, 0x00, 0x20,       /* lidt [0x2000]: limit 0 */
        0x0f, 0x20, 0xc0,                   /* mov eax, cr0 */
        0x0c, 0x01,                         /* or al, 1 */
        0x0f, 0x22, 0xc0,                   /* mov cr0, eax: protected */
        0x0f, 0x0b,                         /* ud2: #UD, #GP, #DF, reset */
        0xf4,
    };
    Fixture f;
    int status = 0;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    memset(f.vm.mem + 0x2000, 0, 6);
    qemu_register_reset_notifier(reset_notify, NULL);
    reset_seen = SHUTDOWN_CAUSE_NONE;
    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_RESET);
    g_assert_false(main_loop_should_exit(&status));
    g_assert_cmpint(reset_seen, ==, SHUTDOWN_CAUSE_GUEST_RESET);
    qemu_unregister_request_notifier(reset_notify, NULL);
    fixture_cleanup(&f);
}

static void test_thread_and_kick(void)
{
    static const uint8_t code[] = {
        0xeb, 0xfe,             /* jmp $ */
    };
    Fixture f;
    int i;

    if (!fixture_init(&f, code, sizeof(code))) {
        return;
    }
    bql_unlock();
    g_assert_true(kvm_vcpu_start_thread(f.vm.cpu, &error_abort));
    g_usleep(50 * 1000);
    g_assert_false(kvm_vcpu_thread_done(f.vm.cpu));
    g_assert_cmpint(kvm_vcpu_stop(f.vm.cpu), ==, KVM_RUN_KICKED);

    /* Resume where it was, then stop it again. */
    g_assert_true(kvm_vcpu_start_thread(f.vm.cpu, &error_abort));
    g_usleep(20 * 1000);
    g_assert_cmpint(kvm_vcpu_stop(f.vm.cpu), ==, KVM_RUN_KICKED);

    /* A guest that halts ends the thread's loop by itself. */
    f.vm.mem[TEST_KVM_CODE] = 0xf4;
    g_assert_true(kvm_x86_set_real_mode(f.vm.cpu, 0, TEST_KVM_CODE,
                                        &error_abort));
    g_assert_true(kvm_vcpu_start_thread(f.vm.cpu, &error_abort));
    for (i = 0; i < 1000 && !kvm_vcpu_thread_done(f.vm.cpu); i++) {
        g_usleep(10 * 1000);
    }
    g_assert_true(kvm_vcpu_thread_done(f.vm.cpu));
    g_assert_cmpint(kvm_vcpu_stop(f.vm.cpu), ==, KVM_RUN_HALTED);
    bql_lock();
    fixture_cleanup(&f);
}

/* ---- accel_init_from_string --------------------------------------------- */

static bool fake_init_machine(AccelState *as, MachineState *ms, Error **errp)
{
    return true;
}

static void fake_accel_class_init(ObjectClass *oc, void *data)
{
    ACCEL_CLASS(oc)->init_machine = fake_init_machine;
}

static const TypeInfo fake_accel_type = {
    .name = "fake-accel",
    .parent = TYPE_ACCEL,
    .class_init = fake_accel_class_init,
};

static void test_accel_errors(void)
{
    Error *err = NULL;
    g_autofree char *out = NULL;
    g_autofree char *list = NULL;
    const char *saved = kvm_device_path;

    g_assert_false(accel_init_from_string("foo", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "invalid accelerator foo");
    error_free(err);
    err = NULL;

    kvm_device_path = "/nonexistent/kvm";
    g_assert_false(accel_init_from_string("kvm", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "failed to initialize kvm: Could not access KVM kernel "
                    "module: No such file or directory");
    error_free(err);

    capture_start();
    g_assert_true(accel_init_from_string("kvm:fake", NULL, &error_abort));
    out = capture_end();
    /* The hook sees the text after the "qemu-system-x86_64: " prefix. */
    g_assert_cmpstr(out, ==,
                    "-accel kvm: Could not access KVM "
                    "kernel module: No such file or directory\n"
                    "falling back to fake\n");
    g_assert_cmpstr(ACCEL_GET_CLASS(accel_current())->name, ==, "fake");
    kvm_device_path = saved;

    list = print_to_string(accel_print_list);
    g_assert_cmpstr(list, ==,
                    "Accelerators supported in QEMU binary:\nfake\nkvm\n");
}

static void test_accel_kvm(void)
{
    if (!test_kvm_usable()) {
        return;
    }
    g_assert_true(accel_init_from_string("kvm", NULL, &error_abort));
    g_assert_nonnull(kvm_state_get());
    g_assert_true(ACCEL_CLASS(accel_find("kvm"))->available());
    g_assert_nonnull(ACCEL_CLASS(accel_find("kvm"))->ops->kick_vcpu);
    kvm_destroy_vm(kvm_state_get());
    g_assert_null(kvm_state_get());
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&fake_accel_type);
    bql_lock();
    g_test_add_func("/kvm/outb-hlt", test_outb_hlt);
    g_test_add_func("/kvm/memslot-read", test_memslot_read);
    g_test_add_func("/kvm/mmio", test_mmio);
    g_test_add_func("/kvm/rep-outsb", test_rep_outsb);
    g_test_add_func("/kvm/emulation-failure", test_emulation_failure);
    g_test_add_func("/kvm/memslot-removal", test_memslot_removal);
    g_test_add_func("/kvm/triple-fault", test_triple_fault);
    g_test_add_func("/kvm/thread-kick", test_thread_and_kick);
    g_test_add_func("/accel/errors", test_accel_errors);
    g_test_add_func("/accel/kvm", test_accel_kvm);
    return g_test_run();
}
