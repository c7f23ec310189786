/*
 * test-i440fx.c: configuration mechanism #1 of hw/pci-host/i440fx.c driven
 * through the I/O address space as a guest drives it: the address
 * register and its enable bit, narrow accesses that pass through 0xcf8
 * (0xcf9 to a stand-in reset control), every access size and alignment on
 * the data port, other buses, absent functions, and the registers of the
 * four PC functions (PAM, SMRAM, PIRQRC, IDE, PIIX4 PMBA/PMREGMISC).
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "hw/pci-host/i440fx.h"

static I440FXState pci;
static MemoryRegion cf9;
static uint8_t cf9_val;
static unsigned cf9_writes;

static uint64_t cf9_read(void *opaque, hwaddr addr, unsigned size)
{
    return cf9_val;
}

static void cf9_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    cf9_val = val;
    cf9_writes++;
}

static const MemoryRegionOps cf9_ops = {
    .read = cf9_read,
    .write = cf9_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void out(uint16_t port, uint32_t v, unsigned size)
{
    uint8_t b[4];

    for (unsigned i = 0; i < size; i++) {
        b[i] = v >> (8 * i);
    }
    address_space_write(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, b,
                        size);
}

static uint32_t in(uint16_t port, unsigned size)
{
    uint8_t b[4] = { 0 };
    uint32_t v = 0;

    address_space_read(&address_space_io, port, MEMTXATTRS_UNSPECIFIED, b,
                       size);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)b[i] << (8 * i);
    }
    return v;
}

static uint32_t cfg_addr(unsigned bus, unsigned slot, unsigned fn,
                         unsigned reg)
{
    return I440FX_CONF_ENABLE | bus << 16 | slot << 11 | fn << 8 | reg;
}

static uint32_t cfg_read(unsigned slot, unsigned fn, unsigned reg,
                         unsigned size)
{
    out(0xcf8, cfg_addr(0, slot, fn, reg & 0xfc), 4);
    return in(0xcfc + (reg & 3), size);
}

static void cfg_write(unsigned slot, unsigned fn, unsigned reg, uint32_t v,
                      unsigned size)
{
    out(0xcf8, cfg_addr(0, slot, fn, reg & 0xfc), 4);
    out(0xcfc + (reg & 3), v, size);
}

static void test_address_register(void)
{
    out(0xcf8, 0x80000000, 4);
    g_assert_cmphex(in(0xcf8, 4), ==, 0x80000000);
    /* Reserved bits 30:24 and 1:0 read 0. */
    out(0xcf8, 0xffffffff, 4);
    g_assert_cmphex(in(0xcf8, 4), ==, 0x80fffffc);

    /* Narrow cycles are not address writes (Linux's type-1 probe). */
    out(0xcf8, 0x80000000, 4);
    out(0xcfb, 0x01, 1);
    out(0xcf8, 0x1234, 2);
    out(0xcfa, 0x5678, 2);
    g_assert_cmphex(in(0xcf8, 4), ==, 0x80000000);
    g_assert_cmphex(in(0xcf8, 1), ==, 0xff);
    g_assert_cmphex(in(0xcfa, 2), ==, 0xffff);
}

static void test_cf9_passthrough(void)
{
    cf9_writes = 0;
    cf9_val = 0;
    out(0xcf9, 0x02, 1);
    g_assert_cmpuint(cf9_writes, ==, 1);
    g_assert_cmphex(cf9_val, ==, 0x02);
    g_assert_cmphex(in(0xcf9, 1), ==, 0x02);
    /* A word at 0xcf8 reaches 0xcf9 with its high byte. */
    out(0xcf8, 0x0600, 2);
    g_assert_cmpuint(cf9_writes, ==, 2);
    g_assert_cmphex(cf9_val, ==, 0x06);
    g_assert_cmphex(in(0xcf8, 2), ==, 0x06ff);
    /* A dword at 0xcf8 is the address register and never touches 0xcf9. */
    out(0xcf8, 0x80000400, 4);
    g_assert_cmpuint(cf9_writes, ==, 2);
}

static void test_data_port_sizes(void)
{
    /* The host bridge's IDs through every size and alignment. */
    out(0xcf8, cfg_addr(0, 0, 0, 0), 4);
    g_assert_cmphex(in(0xcfc, 4), ==, 0x12378086);
    g_assert_cmphex(in(0xcfc, 2), ==, 0x8086);
    g_assert_cmphex(in(0xcfe, 2), ==, 0x1237);
    g_assert_cmphex(in(0xcfd, 1), ==, 0x80);
    g_assert_cmphex(in(0xcff, 1), ==, 0x12);
    /* Unaligned: a word at 0xcfd is bytes 1 and 2 of the register. */
    g_assert_cmphex(in(0xcfd, 2), ==, 0x3780);
    /* A word at 0xcff runs past the port: the last byte is no one's. */
    g_assert_cmphex(in(0xcff, 2) & 0xff, ==, 0x12);

    /* Writes through the other sizes and alignments: the latency timer. */
    cfg_write(0, 0, PCI_LATENCY_TIMER, 0x40, 1);
    g_assert_cmphex(cfg_read(0, 0, PCI_LATENCY_TIMER, 1), ==, 0x40);
    cfg_write(0, 0, PCI_CACHE_LINE_SIZE, 0xaa10, 2);
    g_assert_cmphex(cfg_read(0, 0, PCI_CACHE_LINE_SIZE, 2), ==, 0xaa10);
    /* Header type (0x0e) is read-only; a word at 0xcfd spans 0x0d-0x0e. */
    out(0xcf8, cfg_addr(0, 0, 0, 0x0c), 4);
    out(0xcfd, 0xff20, 2);
    g_assert_cmphex(in(0xcfc, 4), ==, 0x00002010);
}

static void test_master_abort(void)
{
    /* Enable bit clear: nothing is addressed, nothing is written. */
    out(0xcf8, 0x00000000, 4);
    g_assert_cmphex(in(0xcfc, 4), ==, 0xffffffff);
    out(0xcf8, cfg_addr(0, 0, 0, 0x58), 4);
    out(0xcf8, 0x00005800, 4);
    out(0xcfc, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(0, 0, 0x5a, 1), ==, 0);

    /* Buses other than 0 and empty slots or functions read all-ones. */
    out(0xcf8, cfg_addr(1, 0, 0, 0), 4);
    g_assert_cmphex(in(0xcfc, 4), ==, 0xffffffff);
    out(0xcfc, 0, 4);
    g_assert_cmphex(cfg_read(2, 0, 0, 4), ==, 0xffffffff);
    g_assert_cmphex(cfg_read(1, 2, 0, 4), ==, 0xffffffff);
    g_assert_cmphex(cfg_read(31, 7, 0xfe, 2), ==, 0xffff);
    g_assert_cmphex(cfg_read(0, 0, 0, 4), ==, 0x12378086);
}

static void test_functions(void)
{
    static const struct {
        unsigned slot, fn;
        uint32_t id, class_rev;
    } fns[] = {
        { 0, 0, 0x12378086, 0x06000002 },
        { 1, 0, 0x70008086, 0x06010000 },
        { 1, 1, 0x70108086, 0x01018000 },
        { 1, 3, 0x71138086, 0x06800003 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(fns); i++) {
        g_assert_cmphex(cfg_read(fns[i].slot, fns[i].fn, 0, 4), ==, fns[i].id);
        g_assert_cmphex(cfg_read(fns[i].slot, fns[i].fn, 8, 4), ==,
                        fns[i].class_rev);
        /* Read-only against a guest. */
        cfg_write(fns[i].slot, fns[i].fn, 8, 0, 4);
        g_assert_cmphex(cfg_read(fns[i].slot, fns[i].fn, 8, 4), ==,
                        fns[i].class_rev);
    }
    /* Slot 1 is multi-function, so the OS looks at 1.1 and 1.3. */
    g_assert_cmphex(cfg_read(1, 0, PCI_HEADER_TYPE, 1), ==, 0x80);
}

static void test_host_registers(void)
{
    /* PAM0-6 keep what is written in their defined fields. */
    cfg_write(0, 0, 0x58, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(0, 0, 0x58, 4), ==, 0x33333000);
    cfg_write(0, 0, 0x5c, 0x11223311, 4);
    g_assert_cmphex(cfg_read(0, 0, 0x5c, 4), ==, 0x11223311);
    /* SMRAM: C_BASE_SEG fixed at 010, the control bits writable. */
    g_assert_cmphex(cfg_read(0, 0, 0x72, 1), ==, 0x02);
    cfg_write(0, 0, 0x72, 0xff, 1);
    g_assert_cmphex(cfg_read(0, 0, 0x72, 1), ==, 0x7a);
    cfg_write(0, 0, 0x72, 0x00, 1);
    g_assert_cmphex(cfg_read(0, 0, 0x72, 1), ==, 0x02);
}

static void test_piix_registers(void)
{
    /* PIIX3 PIRQRC A-D: disabled at reset, then routed by the OS. */
    g_assert_cmphex(cfg_read(1, 0, 0x60, 4), ==, 0x80808080);
    cfg_write(1, 0, 0x61, 0x0b, 1);
    cfg_write(1, 0, 0x62, 0xff, 1);
    g_assert_cmphex(cfg_read(1, 0, 0x60, 4), ==, 0x808f0b80);

    /* IDE: legacy mode, a 16-byte I/O BAR 4 that sizes and nothing else. */
    cfg_write(1, 1, 0x20, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(1, 1, 0x20, 4), ==, 0xfffffff1);
    cfg_write(1, 1, 0x10, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(1, 1, 0x10, 4), ==, 0);

    /* PIIX4 PM: PMBA 0x601 and PM I/O enabled, as QEMU's -M pc shows. */
    g_assert_cmphex(cfg_read(1, 3, 0x40, 4), ==, 0x601);
    g_assert_cmphex(cfg_read(1, 3, 0x80, 1), ==, 0x01);
    g_assert_cmphex(cfg_read(1, 3, PCI_INTERRUPT_PIN, 1), ==, 0x01);
    /* The I/O space indicator stays set whatever the guest writes. */
    cfg_write(1, 3, 0x40, 0xb000, 4);
    g_assert_cmphex(cfg_read(1, 3, 0x40, 4), ==, 0xb001);
    cfg_write(1, 3, 0x40, 0x0600, 2);
    g_assert_cmphex(cfg_read(1, 3, 0x40, 4), ==, 0x601);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    memory_init();
    memory_region_init_io(&cf9, NULL, &cf9_ops, NULL, "cf9", 1);
    i440fx_init(&pci, NULL, get_system_io(), &cf9);
    g_test_add_func("/i440fx/address-register", test_address_register);
    g_test_add_func("/i440fx/cf9-passthrough", test_cf9_passthrough);
    g_test_add_func("/i440fx/data-port-sizes", test_data_port_sizes);
    g_test_add_func("/i440fx/master-abort", test_master_abort);
    g_test_add_func("/i440fx/functions", test_functions);
    g_test_add_func("/i440fx/host-registers", test_host_registers);
    g_test_add_func("/i440fx/piix-registers", test_piix_registers);
    return g_test_run();
}
