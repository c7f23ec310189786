/*
 * pci.h: a small PCI bus and PCI function model: 256 bytes of type-0
 * configuration space per function with per-byte write and write-1-to-clear
 * masks, BARs that size the standard way, and a bus of 256 device/function
 * slots. Not a qdev bus: the board creates the functions it has.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CONFIG_SPACE_SIZE   0x100
#define PCI_DEVFN(slot, fn)     ((((slot) & 0x1f) << 3) | ((fn) & 7))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 7)
#define PCI_NUM_BARS            6

/* Type-0 header offsets (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define PCI_STATUS              0x06
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a
#define PCI_CACHE_LINE_SIZE     0x0c
#define PCI_LATENCY_TIMER       0x0d
#define PCI_HEADER_TYPE         0x0e
#define PCI_BASE_ADDRESS_0      0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d

#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80

#define PCI_COMMAND_IO          0x0001
#define PCI_COMMAND_MEMORY      0x0002
#define PCI_COMMAND_MASTER      0x0004
#define PCI_COMMAND_PARITY      0x0040
#define PCI_COMMAND_SERR        0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400

/* Status bits a write of 1 clears: parity/abort/SERR error latches. */
#define PCI_STATUS_W1C          0xf900

#define PCI_BASE_ADDRESS_SPACE_IO 0x01

typedef struct PCIDevice {
    const char *name;
    uint8_t devfn;
    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    /* Bits the guest may write; the rest keep their value. */
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];
    /* Bits a guest write of 1 clears (and a write of 0 leaves alone). */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE];
} PCIDevice;

typedef struct PCIBus {
    PCIDevice *devices[256];    /* by devfn */
} PCIBus;

/*
 * pci_device_init: set up a function's header: IDs, revision and the
 * 24-bit class code (class << 16 | subclass << 8 | prog-if) read-only,
 * command bits a conventional PCI function implements writable, status
 * error bits write-1-to-clear, cache line size, latency timer and
 * interrupt line writable as scratch registers. Everything else reads 0
 * and is read-only until the device opens it with pci_config_set_wmask.
 */
void pci_device_init(PCIDevice *d, const char *name, uint16_t vendor,
                     uint16_t device, uint8_t revision, uint32_t class_code);

/*
 * pci_device_register_bar: give BAR n (0-5) a size (a power of two, at
 * least 16 bytes of memory or 4 of I/O): the address bits above the size
 * become writable, so writing all-ones reads back the size mask with the
 * space bits, as firmware and OSes size BARs.
 */
void pci_device_register_bar(PCIDevice *d, unsigned n, uint32_t size,
                             bool io);

/* Initial value and guest-writable bits of len (1-4) bytes at addr. */
void pci_config_set(PCIDevice *d, unsigned addr, uint32_t val, unsigned len);
void pci_config_set_wmask(PCIDevice *d, unsigned addr, uint32_t mask,
                          unsigned len);

/*
 * pci_config_read/write: a guest access of len (1, 2 or 4) bytes at addr,
 * little-endian. Bytes past the 256-byte space read as all-ones and drop
 * their writes, so no offset or length reaches outside the array.
 */
uint32_t pci_config_read(PCIDevice *d, unsigned addr, unsigned len);
void pci_config_write(PCIDevice *d, unsigned addr, uint32_t val,
                      unsigned len);

/*
 * pci_bus_attach: put d at devfn. False if the slot is taken. When a
 * function other than 0 shares a slot with function 0, function 0's header
 * type gets the multi-function bit so that OSes scan the other functions.
 */
bool pci_bus_attach(PCIBus *bus, PCIDevice *d, uint8_t devfn);

/* Config access by devfn; an absent function reads all-ones (master abort). */
uint32_t pci_bus_config_read(PCIBus *bus, uint8_t devfn, unsigned addr,
                             unsigned len);
void pci_bus_config_write(PCIBus *bus, uint8_t devfn, unsigned addr,
                          uint32_t val, unsigned len);

/* The size of BAR n as registered (0: not implemented). */
uint64_t pci_bar_size(PCIDevice *d, unsigned n);

/*
 * pci_for_each_device: - fn for every function on every bus that has one
 * attached, in bus then devfn order; bus is the bus's number (0 first).
 */
void pci_for_each_device(void (*fn)(void *opaque, int bus, PCIDevice *d),
                         void *opaque);

#endif
