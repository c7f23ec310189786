/*
 * i440fx.h: the PC's PCI host bridge (i440FX) and the PIIX3/PIIX4 functions
 * QEMU's -M pc shows on bus 0: configuration mechanism #1 at 0xcf8/0xcfc,
 * 00:00.0 host bridge, 00:01.0 ISA bridge, 00:01.1 IDE (registers only),
 * 00:01.3 ACPI/PM. Config registers store what the guest writes; the PAM,
 * SMRAM, PIRQ routing and PMBA registers do not remap anything.
 */
#ifndef HW_PCI_HOST_I440FX_H
#define HW_PCI_HOST_I440FX_H

#include "exec/memory.h"
#include "hw/pci/pci.h"

#define I440FX_CONF_ADDR_PORT   0xcf8
#define I440FX_CONF_DATA_PORT   0xcfc
#define I440FX_CONF_ENABLE      0x80000000u

/* PIIX4 PM function: the PM I/O base (PMBA) it reports, and its IRQ. */
#define PIIX4_PM_BASE           0x600

typedef struct I440FXState {
    MemoryRegion conf_addr;     /* 0xcf8-0xcfb */
    MemoryRegion conf_data;     /* 0xcfc-0xcff */
    /* What byte accesses to 0xcf9 reach (the PIIX reset control), or NULL. */
    MemoryRegion *cf9;
    uint32_t config_address;
    PCIBus bus;
    PCIDevice host;             /* 00:00.0 */
    PCIDevice isa;              /* 00:01.0 */
    PCIDevice ide;              /* 00:01.1 */
    PCIDevice pm;               /* 00:01.3 */
} I440FXState;

/*
 * i440fx_init: create the functions and map the configuration ports in io
 * (the system I/O space). The address register covers 0xcf8-0xcfb but only
 * claims 32-bit accesses at 0xcf8; narrower accesses pass through as on
 * the chipset, a byte at 0xcf9 to cf9 (the reset control register, which
 * must then not be mapped in io itself).
 */
void i440fx_init(I440FXState *s, Object *owner, MemoryRegion *io,
                 MemoryRegion *cf9);

#endif
