/*
 * pci.c: PCI configuration space semantics for one function (read-only
 * fields, writable masks, write-1-to-clear status bits, BAR sizing) and a
 * bus that routes config accesses by devfn. How accesses reach the bus
 * (port 0xcf8/0xcfc) is the host bridge's business, hw/pci-host/.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"

/* Every bus a device was attached to, in order: bus numbers for the monitor. */
static GPtrArray *pci_buses;

#define PCI_COMMAND_WMASK (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
                           PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
                           PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

/* Is byte i of an access at addr inside the space (without wrapping)? */
static bool pci_in_space(unsigned addr, unsigned i)
{
    return addr < PCI_CONFIG_SPACE_SIZE && i < PCI_CONFIG_SPACE_SIZE - addr;
}

static void pci_set_bytes(uint8_t *a, unsigned addr, uint32_t val,
                          unsigned len)
{
    for (unsigned i = 0; i < len && pci_in_space(addr, i); i++) {
        a[addr + i] = val >> (8 * i);
    }
}

void pci_config_set(PCIDevice *d, unsigned addr, uint32_t val, unsigned len)
{
    pci_set_bytes(d->config, addr, val, len);
}

void pci_config_set_wmask(PCIDevice *d, unsigned addr, uint32_t mask,
                          unsigned len)
{
    pci_set_bytes(d->wmask, addr, mask, len);
}

void pci_device_init(PCIDevice *d, const char *name, uint16_t vendor,
                     uint16_t device, uint8_t revision, uint32_t class_code)
{
    memset(d, 0, sizeof(*d));
    d->name = name;
    pci_config_set(d, PCI_VENDOR_ID, vendor, 2);
    pci_config_set(d, PCI_DEVICE_ID, device, 2);
    pci_config_set(d, PCI_REVISION_ID, revision, 1);
    pci_config_set(d, PCI_CLASS_PROG, class_code, 3);
    pci_config_set_wmask(d, PCI_COMMAND, PCI_COMMAND_WMASK, 2);
    pci_set_bytes(d->w1cmask, PCI_STATUS, PCI_STATUS_W1C, 2);
    /* Scratch registers firmware programs and the device never looks at. */
    pci_config_set_wmask(d, PCI_CACHE_LINE_SIZE, 0xff, 1);
    pci_config_set_wmask(d, PCI_LATENCY_TIMER, 0xff, 1);
    pci_config_set_wmask(d, PCI_INTERRUPT_LINE, 0xff, 1);
}

void pci_device_register_bar(PCIDevice *d, unsigned n, uint32_t size,
                             bool io)
{
    unsigned addr = PCI_BASE_ADDRESS_0 + 4 * n;
    uint32_t min = io ? 4 : 16;

    /* Board code only: a bad size is a programming error, not a guest's. */
    g_assert(n < PCI_NUM_BARS);
    g_assert(size >= min && (size & (size - 1)) == 0);
    pci_config_set(d, addr, io ? PCI_BASE_ADDRESS_SPACE_IO : 0, 4);
    pci_config_set_wmask(d, addr, ~(size - 1), 4);
}

uint32_t pci_config_read(PCIDevice *d, unsigned addr, unsigned len)
{
    uint32_t val = 0;

    for (unsigned i = 0; i < len && i < 4; i++) {
        uint32_t b = pci_in_space(addr, i) ? d->config[addr + i] : 0xff;
        val |= b << (8 * i);
    }
    return val;
}

void pci_config_write(PCIDevice *d, unsigned addr, uint32_t val,
                      unsigned len)
{
    for (unsigned i = 0; i < len && i < 4; i++) {
        unsigned a = addr + i;
        uint8_t b = val >> (8 * i);

        if (!pci_in_space(addr, i)) {
            break;
        }
        d->config[a] = (d->config[a] & ~d->wmask[a]) | (b & d->wmask[a]);
        d->config[a] &= ~(b & d->w1cmask[a]);
    }
}

bool pci_bus_attach(PCIBus *bus, PCIDevice *d, uint8_t devfn)
{
    uint8_t fn0 = PCI_DEVFN(PCI_SLOT(devfn), 0);

    if (bus->devices[devfn]) {
        return false;
    }
    d->devfn = devfn;
    bus->devices[devfn] = d;
    if (!pci_buses) {
        pci_buses = g_ptr_array_new();
    }
    if (!g_ptr_array_find(pci_buses, bus, NULL)) {
        g_ptr_array_add(pci_buses, bus);
    }
    /* Function 0 tells the OS whether to look at functions 1-7. */
    for (unsigned fn = 1; fn < 8; fn++) {
        if (bus->devices[fn0] && bus->devices[fn0 + fn]) {
            bus->devices[fn0]->config[PCI_HEADER_TYPE] |=
                PCI_HEADER_TYPE_MULTI_FUNCTION;
        }
    }
    return true;
}

uint32_t pci_bus_config_read(PCIBus *bus, uint8_t devfn, unsigned addr,
                             unsigned len)
{
    PCIDevice *d = bus->devices[devfn];

    if (!d) {
        return len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
    }
    return pci_config_read(d, addr, len);
}

void pci_bus_config_write(PCIBus *bus, uint8_t devfn, unsigned addr,
                          uint32_t val, unsigned len)
{
    PCIDevice *d = bus->devices[devfn];

    if (d) {
        pci_config_write(d, addr, val, len);
    }
}

uint64_t pci_bar_size(PCIDevice *d, unsigned n)
{
    uint32_t wmask = 0;

    if (n >= PCI_NUM_BARS) {
        return 0;
    }
    for (unsigned i = 0; i < 4; i++) {
        wmask |= (uint32_t)d->wmask[PCI_BASE_ADDRESS_0 + 4 * n + i] << (8 * i);
    }
    return wmask ? (uint64_t)(uint32_t)~wmask + 1 : 0;
}

void pci_for_each_device(void (*fn)(void *opaque, int bus, PCIDevice *d),
                         void *opaque)
{
    for (guint b = 0; pci_buses && b < pci_buses->len; b++) {
        PCIBus *bus = g_ptr_array_index(pci_buses, b);

        for (unsigned devfn = 0; devfn < 256; devfn++) {
            if (bus->devices[devfn]) {
                fn(opaque, b, bus->devices[devfn]);
            }
        }
    }
}
