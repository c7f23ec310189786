/*
 * test-helpers-kvm.c: the helpers of test-helpers.h that need libaccel and
 * libmemory: the tiny real-mode guest the KVM tests run (a VM, RAM at 0
 * with the code at TEST_KVM_CODE, the test's I/O ports and one vCPU).
 * Kept apart so that tests without KVM do not pull these in.
 */
#include "test-helpers.h"
#include "system/kvm-irqchip.h"

bool test_kvm_usable(void)
{
    return test_device_usable(kvm_device_path);
}

bool test_kvm_guest_init(TestKvmGuest *g, unsigned flags,
                         const uint8_t *code, size_t len,
                         const MemoryRegionOps *port_ops, void *opaque,
                         hwaddr port_base, uint64_t port_size)
{
    memset(g, 0, sizeof(*g));
    if (!test_kvm_usable()) {
        return false;
    }
    g_assert_cmpuint(len, <=, TEST_KVM_RAM_SIZE - TEST_KVM_CODE);
    g->kvm = kvm_init_vm(&error_abort);
    if (flags & (TEST_KVM_IRQCHIP | TEST_KVM_PIT)) {
        /* Both must exist before the vCPU. */
        g_assert_true(kvm_irqchip_create(g->kvm, &error_abort));
        if (flags & TEST_KVM_PIT) {
            g_assert_true(kvm_pit_create(g->kvm, &error_abort));
        }
        g_assert_true(kvm_irqchip_in_kernel(g->kvm));
    }
    g_assert_true(memory_region_init_ram(&g->ram, NULL, "test.ram",
                                         TEST_KVM_RAM_SIZE, &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &g->ram);
    g->mem = memory_region_get_ram_ptr(&g->ram);
    memcpy(g->mem + TEST_KVM_CODE, code, len);
    memory_region_init_io(&g->port, NULL, port_ops, opaque, "test.port",
                          port_size);
    memory_region_add_subregion(get_system_io(), port_base, &g->port);
    g->cpu = kvm_vcpu_create(g->kvm, 0, &error_abort);
    g_assert_true(kvm_x86_set_real_mode(g->cpu, 0, TEST_KVM_CODE,
                                        &error_abort));
    return true;
}

void test_kvm_guest_cleanup(TestKvmGuest *g)
{
    if (!g->kvm) {
        return;
    }
    kvm_vcpu_destroy(g->cpu);
    memory_region_del_subregion(get_system_io(), &g->port);
    memory_region_del_subregion(get_system_memory(), &g->ram);
    kvm_destroy_vm(g->kvm);
    memory_region_destroy(&g->port);
    memory_region_destroy(&g->ram);
}

int test_kvm_guest_run(TestKvmGuest *g)
{
    int i, st = KVM_RUN_CONTINUE;

    for (i = 0; i < 1000 && st == KVM_RUN_CONTINUE; i++) {
        st = kvm_vcpu_run_once(g->cpu);
    }
    return st;
}
