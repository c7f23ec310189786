/*
 * test-pci.c: PCI config-space semantics of hw/pci/pci.c without a host
 * bridge: read-only IDs and class, the command register's writable bits,
 * write-1-to-clear status, BAR sizing, offsets past 0xff, the bus's
 * master abort for absent functions and the multi-function bit.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"

static PCIDevice dev;

static void init_dev(void)
{
    pci_device_init(&dev, "test", 0x1234, 0x5678, 0x9a, 0x0c0330);
}

static void test_ids_read_only(void)
{
    init_dev();
    g_assert_cmphex(pci_config_read(&dev, 0, 4), ==, 0x56781234);
    g_assert_cmphex(pci_config_read(&dev, PCI_REVISION_ID, 4), ==,
                    0x0c03309a);
    /* A guest writing IDs, revision, class and header type changes none. */
    pci_config_write(&dev, 0, 0xffffffff, 4);
    pci_config_write(&dev, PCI_REVISION_ID, 0, 4);
    pci_config_write(&dev, PCI_HEADER_TYPE, 0xff, 1);
    g_assert_cmphex(pci_config_read(&dev, 0, 4), ==, 0x56781234);
    g_assert_cmphex(pci_config_read(&dev, PCI_REVISION_ID, 4), ==,
                    0x0c03309a);
    g_assert_cmphex(pci_config_read(&dev, PCI_HEADER_TYPE, 1), ==, 0);
    /* Unaligned and narrow reads see the same bytes. */
    g_assert_cmphex(pci_config_read(&dev, 1, 2), ==, 0x7812);
    g_assert_cmphex(pci_config_read(&dev, 3, 1), ==, 0x56);
}

static void test_command_status(void)
{
    init_dev();
    pci_config_write(&dev, PCI_COMMAND, 0xffff, 2);
    g_assert_cmphex(pci_config_read(&dev, PCI_COMMAND, 2), ==,
                    PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                    PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
                    PCI_COMMAND_INTX_DISABLE);
    pci_config_write(&dev, PCI_COMMAND, 0, 2);
    g_assert_cmphex(pci_config_read(&dev, PCI_COMMAND, 2), ==, 0);

    /* Error latches: set by the device, cleared by writing 1, kept by 0. */
    pci_config_set(&dev, PCI_STATUS, 0x8100 | 0x0010, 2);
    pci_config_write(&dev, PCI_STATUS, 0x0000, 2);
    g_assert_cmphex(pci_config_read(&dev, PCI_STATUS, 2), ==, 0x8110);
    pci_config_write(&dev, PCI_STATUS, 0x8000, 2);
    g_assert_cmphex(pci_config_read(&dev, PCI_STATUS, 2), ==, 0x0110);
    /* Bit 4 (capabilities list) is not a latch: writing 1 leaves it. */
    pci_config_write(&dev, PCI_STATUS, 0xffff, 2);
    g_assert_cmphex(pci_config_read(&dev, PCI_STATUS, 2), ==, 0x0010);
    /* A dword write to the command register must not clear status bits
     * that its upper half leaves 0. */
    pci_config_set(&dev, PCI_STATUS, 0x4000, 2);
    pci_config_write(&dev, PCI_COMMAND, 0x00000007, 4);
    g_assert_cmphex(pci_config_read(&dev, PCI_COMMAND, 4), ==, 0x40000007);
}

static void test_scratch_registers(void)
{
    init_dev();
    pci_config_write(&dev, PCI_CACHE_LINE_SIZE, 0x4010, 2);
    g_assert_cmphex(pci_config_read(&dev, PCI_CACHE_LINE_SIZE, 2), ==, 0x4010);
    pci_config_write(&dev, PCI_INTERRUPT_LINE, 0x0b0b, 2);
    /* The line is a scratch register; the pin is wired and read-only. */
    g_assert_cmphex(pci_config_read(&dev, PCI_INTERRUPT_LINE, 2), ==, 0x000b);
    /* An ordinary register with no write mask keeps its value. */
    pci_config_write(&dev, 0x40, 0xdeadbeef, 4);
    g_assert_cmphex(pci_config_read(&dev, 0x40, 4), ==, 0);
}

static void test_bar_sizing(void)
{
    init_dev();
    pci_device_register_bar(&dev, 0, 0x1000, false);
    pci_device_register_bar(&dev, 2, 32, true);

    /* The sizing dance: all-ones in, size mask and space bits out. */
    pci_config_write(&dev, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    g_assert_cmphex(pci_config_read(&dev, PCI_BASE_ADDRESS_0, 4), ==,
                    0xfffff000);
    pci_config_write(&dev, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
    g_assert_cmphex(pci_config_read(&dev, PCI_BASE_ADDRESS_0 + 8, 4), ==,
                    0xffffffe1);
    /* Then an address: the bits below the size are dropped. */
    pci_config_write(&dev, PCI_BASE_ADDRESS_0, 0xfebf1234, 4);
    g_assert_cmphex(pci_config_read(&dev, PCI_BASE_ADDRESS_0, 4), ==,
                    0xfebf1000);
    pci_config_write(&dev, PCI_BASE_ADDRESS_0 + 8, 0xc05f, 4);
    g_assert_cmphex(pci_config_read(&dev, PCI_BASE_ADDRESS_0 + 8, 4), ==,
                    0xc041);
    /* A BAR the function does not have reads 0 after the same dance. */
    pci_config_write(&dev, PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
    g_assert_cmphex(pci_config_read(&dev, PCI_BASE_ADDRESS_0 + 4, 4), ==, 0);
    /* Byte-wise sizing (as a byte-wide data port splits it) works too. */
    for (unsigned i = 0; i < 4; i++) {
        pci_config_write(&dev, PCI_BASE_ADDRESS_0 + i, 0xff, 1);
    }
    g_assert_cmphex(pci_config_read(&dev, PCI_BASE_ADDRESS_0, 4), ==,
                    0xfffff000);
}

static void test_beyond_space(void)
{
    uint8_t copy[PCI_CONFIG_SPACE_SIZE];

    init_dev();
    pci_config_set_wmask(&dev, 0xfc, 0xffffffff, 4);
    memcpy(copy, dev.config, sizeof(copy));
    /* Bytes past 0xff read all-ones and their writes vanish. */
    g_assert_cmphex(pci_config_read(&dev, 0x100, 4), ==, 0xffffffff);
    g_assert_cmphex(pci_config_read(&dev, 0xfff, 2), ==, 0xffff);
    g_assert_cmphex(pci_config_read(&dev, 0xfe, 4), ==, 0xffff0000);
    /* No offset wraps around to the start of the space. */
    g_assert_cmphex(pci_config_read(&dev, ~0u, 4), ==, 0xffffffff);
    g_assert_cmphex(pci_config_read(&dev, ~0u - 1, 4), ==, 0xffffffff);
    pci_config_write(&dev, 0x100, 0x12345678, 4);
    pci_config_write(&dev, ~0u, 0x12345678, 4);
    pci_config_write(&dev, ~0u - 2, 0x12345678, 4);
    g_assert_cmpmem(copy, sizeof(copy), dev.config, sizeof(copy));
    /* A write straddling the end lands its in-range bytes only. */
    pci_config_write(&dev, 0xfe, 0x12345678, 4);
    g_assert_cmphex(pci_config_read(&dev, 0xfc, 4), ==, 0x56780000);
}

static void test_bus(void)
{
    PCIBus bus = { 0 };
    PCIDevice f0, f2, other;

    pci_device_init(&f0, "f0", 0x8086, 0x1111, 0, 0x060100);
    pci_device_init(&f2, "f2", 0x8086, 0x2222, 0, 0x068000);
    pci_device_init(&other, "other", 0x8086, 0x3333, 0, 0x020000);

    /* Nothing there: a master abort reads all-ones of the access size. */
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(3, 0), 0, 4), ==,
                    0xffffffff);
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(3, 0), 0, 2), ==,
                    0xffff);
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(3, 0), 0, 1), ==,
                    0xff);
    pci_bus_config_write(&bus, PCI_DEVFN(3, 0), 4, 0xffff, 2);

    g_assert_true(pci_bus_attach(&bus, &f0, PCI_DEVFN(3, 0)));
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(3, 0),
                                        PCI_HEADER_TYPE, 1), ==, 0);
    g_assert_true(pci_bus_attach(&bus, &f2, PCI_DEVFN(3, 2)));
    g_assert_false(pci_bus_attach(&bus, &other, PCI_DEVFN(3, 2)));
    /* A second function makes function 0 announce multi-function. */
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(3, 0),
                                        PCI_HEADER_TYPE, 1), ==, 0x80);
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(3, 2), 0, 4), ==,
                    0x22228086);
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(3, 1), 0, 4), ==,
                    0xffffffff);
    /* A single-function slot does not. */
    g_assert_true(pci_bus_attach(&bus, &other, PCI_DEVFN(4, 0)));
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(4, 0),
                                        PCI_HEADER_TYPE, 1), ==, 0);
    pci_bus_config_write(&bus, PCI_DEVFN(4, 0), PCI_COMMAND, 2, 2);
    g_assert_cmphex(pci_bus_config_read(&bus, PCI_DEVFN(4, 0), PCI_COMMAND,
                                        2), ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci/ids-read-only", test_ids_read_only);
    g_test_add_func("/pci/command-status", test_command_status);
    g_test_add_func("/pci/scratch-registers", test_scratch_registers);
    g_test_add_func("/pci/bar-sizing", test_bar_sizing);
    g_test_add_func("/pci/beyond-space", test_beyond_space);
    g_test_add_func("/pci/bus", test_bus);
    return g_test_run();
}
