/*
 * ports: port I/O and MMIO reads of devices every pc machine has: CMOS/RTC
 * status and memory-size bytes, the UART scratch register, fw_cfg (signature,
 * CPU count, RAM size), and the LAPIC/IOAPIC version registers (MMIO).
 * Only values fixed by the command line are printed (no clock, no UIP bit).
 * Exit: PASS (33) when all checks hold, else FAIL (35).
 */
#include "lib.h"

#define FW_CFG_CTL        0x510
#define FW_CFG_DATA       0x511
#define FW_CFG_SIGNATURE  0x00
#define FW_CFG_RAM_SIZE   0x03
#define FW_CFG_NB_CPUS    0x05

#define LAPIC_BASE   0xfee00000ul
#define IOAPIC_BASE  0xfec00000ul

static int ok = 1;

static void check(int cond, const char *what)
{
    if (!cond) {
        printf("FAIL: %s\n", what);
        ok = 0;
    }
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg | 0x80);     /* bit 7: keep NMI disabled */
    return inb(0x71);
}

/* Select an fw_cfg item and read n bytes of it, little-endian. */
static uint64_t fw_cfg_read_le(uint16_t key, unsigned n)
{
    uint64_t v = 0;

    outw(FW_CFG_CTL, key);
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)inb(FW_CFG_DATA) << (8 * i);
    }
    return v;
}

static void test_cmos(void)
{
    /*
     * Register A without UIP (bit 7 flips once a second); B and D as the
     * BIOS left them; 0x15/0x16 base memory and 0x34/0x35 memory above
     * 16 MiB in 64 KiB units, both fixed by -m.
     */
    uint8_t a = cmos_read(0x0a) & 0x7f, b = cmos_read(0x0b), d = cmos_read(0x0d);
    unsigned base_kb = cmos_read(0x15) | (cmos_read(0x16) << 8);
    unsigned above16 = cmos_read(0x34) | (cmos_read(0x35) << 8);

    printf("cmos: status a=%02x b=%02x d=%02x\n", a, b, d);
    printf("cmos: base memory %u KiB, above 16 MiB %u x 64 KiB\n",
           base_kb, above16);
    check(d & 0x80, "cmos: status D valid-RAM bit clear");
}

static void test_uart_scratch(void)
{
    static const uint8_t pattern[] = { 0x00, 0x5a, 0xa5, 0xff };
    int good = 1;

    for (unsigned i = 0; i < sizeof(pattern); i++) {
        outb(0x3ff, pattern[i]);
        good &= inb(0x3ff) == pattern[i];
    }
    printf("uart: scratch register %s\n", good ? "ok" : "BROKEN");
    check(good, "uart scratch");
}

static void test_fw_cfg(void)
{
    char sig[5];
    uint32_t s = (uint32_t)fw_cfg_read_le(FW_CFG_SIGNATURE, 4);

    memcpy(sig, &s, 4);
    sig[4] = 0;
    printf("fw_cfg: signature '%s'\n", sig);
    check(memcmp(sig, "QEMU", 4) == 0, "fw_cfg signature");
    printf("fw_cfg: cpus %lu\n", fw_cfg_read_le(FW_CFG_NB_CPUS, 2));
    printf("fw_cfg: ram size %lx\n", fw_cfg_read_le(FW_CFG_RAM_SIZE, 8));
}

static void test_apics(void)
{
    uint32_t lapic_id = mmio_read32(LAPIC_BASE + 0x20) >> 24;
    uint32_t lapic_ver = mmio_read32(LAPIC_BASE + 0x30);

    mmio_write32(IOAPIC_BASE, 0x01);    /* IOREGSEL: version register */
    uint32_t ioapic_ver = mmio_read32(IOAPIC_BASE + 0x10);

    printf("lapic: id %u version %02x max lvt %u\n",
           lapic_id, lapic_ver & 0xff, (lapic_ver >> 16) & 0xff);
    /*
     * Not the IOAPIC version: QEMU's own model says 0x20, KVM's in-kernel
     * one 0x11, and the same expected file must serve both.
     */
    printf("ioapic: max redirection entry %u\n", (ioapic_ver >> 16) & 0xff);
    check(lapic_id == 0, "bsp lapic id");
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    test_cmos();
    test_uart_scratch();
    test_fw_cfg();
    test_apics();
    printf("ports: %s\n", ok ? "done" : "FAILED");
    return ok ? EXIT_PASS : EXIT_FAIL;
}
