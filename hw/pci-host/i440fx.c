/*
 * i440fx.c: the PC's PCI host bridge as far as an OS probes it:
 * configuration mechanism #1 (0xcf8 address, 0xcfc-0xcff data; bus 0
 * only) and the config spaces of the i440FX host bridge and the PIIX3/4
 * functions QEMU's -M pc has. Registers hold what is written; nothing is
 * remapped (PAM, SMRAM, PIRQ routing, PMBA have no effect here).
 */
#include "qemu/osdep.h"
#include "hw/pci-host/i440fx.h"

#define PCI_VENDOR_INTEL        0x8086

/* i440FX (82441FX PMC) registers, datasheet 290549 section 3.2. */
#define I440FX_PAM0             0x59
#define I440FX_PAM_COUNT        7
#define I440FX_SMRAM            0x72

/* PIIX3 (82371SB) function 0: PCI-to-ISA bridge. */
#define PIIX3_PIRQRC            0x60
#define PIIX3_PIRQRC_DISABLE    0x80

/* PIIX4 (82371AB) function 3: power management. */
#define PIIX4_PMBA              0x40
#define PIIX4_PMREGMISC         0x80

/* The address register's defined bits: enable, bus, device, function, reg. */
#define I440FX_CONF_ADDR_MASK   0x80fffffcu

static uint64_t i440fx_passthrough_read(I440FXState *s, hwaddr addr,
                                        unsigned size)
{
    uint64_t val = 0;

    for (unsigned i = 0; i < size; i++) {
        uint64_t b = 0xff;

        if (addr + i == 1 && s->cf9) {
            memory_region_dispatch_read(s->cf9, 0, &b, 1,
                                        MEMTXATTRS_UNSPECIFIED);
            b &= 0xff;
        }
        val |= b << (8 * i);
    }
    return val;
}

static uint64_t i440fx_conf_addr_read(void *opaque, hwaddr addr,
                                      unsigned size)
{
    I440FXState *s = opaque;

    if (addr == 0 && size == 4) {
        return s->config_address;
    }
    return i440fx_passthrough_read(s, addr, size);
}

static void i440fx_conf_addr_write(void *opaque, hwaddr addr, uint64_t val,
                                   unsigned size)
{
    I440FXState *s = opaque;

    if (addr == 0 && size == 4) {
        s->config_address = val & I440FX_CONF_ADDR_MASK;
        return;
    }
    /*
     * Not a config address write: on the chipset a byte or word cycle
     * goes on to the ISA side, where 0xcf9 is the reset control register
     * (Linux's type-1 probe writes a byte to 0xcfb first).
     */
    for (unsigned i = 0; i < size; i++) {
        if (addr + i == 1 && s->cf9) {
            memory_region_dispatch_write(s->cf9, 0, (val >> (8 * i)) & 0xff,
                                         1, MEMTXATTRS_UNSPECIFIED);
        }
    }
}

static const MemoryRegionOps i440fx_conf_addr_ops = {
    .read = i440fx_conf_addr_read,
    .write = i440fx_conf_addr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
};

/*
 * The function and register the data port's byte at addr reaches, or -1
 * when the cycle ends in a master abort (disabled, or a bus we lack).
 */
static int i440fx_target(I440FXState *s, hwaddr addr, uint8_t *devfn)
{
    uint32_t ca = s->config_address;

    if (!(ca & I440FX_CONF_ENABLE) || ((ca >> 16) & 0xff) != 0) {
        return -1;
    }
    *devfn = (ca >> 8) & 0xff;
    return (ca & 0xfc) + (addr & 3);
}

/* The data port is byte-wide (impl): each byte lands on its own register. */
static uint64_t i440fx_conf_data_read(void *opaque, hwaddr addr,
                                      unsigned size)
{
    I440FXState *s = opaque;
    uint8_t devfn;
    int reg = i440fx_target(s, addr, &devfn);

    return reg < 0 ? 0xff : pci_bus_config_read(&s->bus, devfn, reg, 1);
}

static void i440fx_conf_data_write(void *opaque, hwaddr addr, uint64_t val,
                                   unsigned size)
{
    I440FXState *s = opaque;
    uint8_t devfn;
    int reg = i440fx_target(s, addr, &devfn);

    if (reg < 0) {
        return;
    }
    pci_bus_config_write(&s->bus, devfn, reg, val & 0xff, 1);
}

static const MemoryRegionOps i440fx_conf_data_ops = {
    .read = i440fx_conf_data_read,
    .write = i440fx_conf_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void i440fx_host_init(PCIDevice *d)
{
    pci_device_init(d, "i440FX", PCI_VENDOR_INTEL, 0x1237, 0x02, 0x060000);
    /* PAM0 has only its high nibble; PAM1-6 two 2-bit RE/WE fields each. */
    pci_config_set_wmask(d, I440FX_PAM0, 0x30, 1);
    for (unsigned i = 1; i < I440FX_PAM_COUNT; i++) {
        pci_config_set_wmask(d, I440FX_PAM0 + i, 0x33, 1);
    }
    /* SMRAM: C_BASE_SEG reads 010 (A-segment); D_OPEN/D_CLS/D_LCK/G_SMRAME. */
    pci_config_set(d, I440FX_SMRAM, 0x02, 1);
    pci_config_set_wmask(d, I440FX_SMRAM, 0x78, 1);
}

static void i440fx_piix3_isa_init(PCIDevice *d)
{
    pci_device_init(d, "PIIX3", PCI_VENDOR_INTEL, 0x7000, 0x00, 0x060100);
    for (unsigned i = 0; i < 4; i++) {
        /* IRQEN# (bit 7, set: not routed) and the ISA IRQ number. */
        pci_config_set(d, PIIX3_PIRQRC + i, PIIX3_PIRQRC_DISABLE, 1);
        pci_config_set_wmask(d, PIIX3_PIRQRC + i, 0x8f, 1);
    }
}

static void i440fx_piix3_ide_init(PCIDevice *d)
{
    /* Legacy mode (prog-if 0x80: bus master capable, fixed ports). */
    pci_device_init(d, "PIIX3 IDE", PCI_VENDOR_INTEL, 0x7010, 0x00,
                    0x010180);
    /* The bus-master block: sizes like the chip's, decodes nothing yet. */
    pci_device_register_bar(d, 4, 16, true);
}

static void i440fx_piix4_pm_init(PCIDevice *d)
{
    pci_device_init(d, "PIIX4 PM", PCI_VENDOR_INTEL, 0x7113, 0x03, 0x068000);
    pci_config_set(d, PCI_INTERRUPT_PIN, 1, 1);
    /*
     * PMBA: where the PM block already is (hw/acpi/pm.c), bit 0 the I/O
     * space indicator; the base bits take writes without moving it.
     */
    pci_config_set(d, PIIX4_PMBA, PIIX4_PM_BASE | PCI_BASE_ADDRESS_SPACE_IO,
                   4);
    pci_config_set_wmask(d, PIIX4_PMBA, 0xffc0, 2);
    pci_config_set(d, PIIX4_PMREGMISC, 1, 1);   /* PMIOSE: PM I/O enabled */
    pci_config_set_wmask(d, PIIX4_PMREGMISC, 1, 1);
}

void i440fx_init(I440FXState *s, Object *owner, MemoryRegion *io,
                 MemoryRegion *cf9)
{
    bool ok;

    memset(&s->bus, 0, sizeof(s->bus));
    s->cf9 = cf9;
    s->config_address = 0;
    i440fx_host_init(&s->host);
    i440fx_piix3_isa_init(&s->isa);
    i440fx_piix3_ide_init(&s->ide);
    i440fx_piix4_pm_init(&s->pm);
    ok = pci_bus_attach(&s->bus, &s->host, PCI_DEVFN(0, 0));
    ok &= pci_bus_attach(&s->bus, &s->isa, PCI_DEVFN(1, 0));
    ok &= pci_bus_attach(&s->bus, &s->ide, PCI_DEVFN(1, 1));
    ok &= pci_bus_attach(&s->bus, &s->pm, PCI_DEVFN(1, 3));
    g_assert(ok);

    memory_region_init_io(&s->conf_addr, owner, &i440fx_conf_addr_ops, s,
                          "pci-conf-idx", 4);
    memory_region_init_io(&s->conf_data, owner, &i440fx_conf_data_ops, s,
                          "pci-conf-data", 4);
    /* Above whatever else claims 0xcf9: narrow cycles are passed on here. */
    memory_region_add_subregion_overlap(io, I440FX_CONF_ADDR_PORT,
                                        &s->conf_addr, 1);
    memory_region_add_subregion(io, I440FX_CONF_DATA_PORT, &s->conf_data);
}
