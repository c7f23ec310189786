/*
 * garbage: the hostile guest.  Writes a pseudo-random byte to every I/O
 * port 0-0xffff (fixed seed) and reads each one back, interrupts off.
 * The emulator's device models must take it without crashing; the kernel
 * then prints "survived".  Exit: PASS (33).
 */
#include "lib.h"

struct range {
    uint32_t first, last;
    const char *why;
};

/*
 * Ports whose whole job is to end the run, which would hide everything
 * after them; the ACPI PM block is filled in at run time.  Sorted.
 */
static struct range skip[] = {
    { 0x64, 0x64, "i8042 command: 0xfe resets" },
    { 0x92, 0x92, "port A: bit 0 is fast reset" },
    { 0xf4, 0xf7, "isa-debug-exit: any write exits" },
    { 0x3f8, 0x3ff, "COM1: our own output" },
    { 0x600, 0x63f, "ACPI PM: PM1a_CNT SLP_EN powers off" },
    { 0xcf9, 0xcf9, "PIIX reset control" },
};
#define NSKIP (sizeof(skip) / sizeof(skip[0]))

static uint32_t pci_read32(unsigned dev, unsigned fn, unsigned reg)
{
    outl(0xcf8, 0x80000000u | (dev << 11) | (fn << 8) | reg);
    return inl(0xcfc);
}

/*
 * SeaBIOS puts the PIIX4 PM block (00:01.3, PMBA at 0x40) at 0x600; ask
 * the chipset in case a firmware chose otherwise.
 */
static void find_acpi_pm(void)
{
    if ((pci_read32(1, 3, 0x00) & 0xffff) != 0x8086) {
        return;
    }
    uint32_t base = pci_read32(1, 3, 0x40) & 0xffc0;
    if (base && base != 0x600) {
        printf("FAIL: ACPI PM at %x, expected 600\n", base);
        exit_qemu(EXIT_FAIL);
    }
}

static uint32_t seed = 0x4b45454c;  /* "KEEL" */
static uint32_t word;
static unsigned left;

/*
 * xorshift32, one step per four bytes: the same bytes on every run and
 * every emulator, and few instructions per port (ring 0 is emulated at
 * ~2 MIPS on the PVM host and this loop runs 65536 times).
 */
static uint8_t next_byte(void)
{
    if (!left) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        word = seed;
        left = 4;
    }
    uint8_t b = (uint8_t)word;
    word >>= 8;
    left--;
    return b;
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint32_t port = 0, sum = 0;

    find_acpi_pm();
    /*
     * Latch a config address with no device behind it (00:1f.0): byte
     * writes to 0xcfc-0xcff then hit the "nothing there" path, and cannot
     * move the PM block we skip (its PMBA is what we read last).
     */
    outl(0xcf8, 0x8000f800u);

    printf("garbage: writing and reading ports 0-ffff, skipping:\n");
    for (unsigned i = 0; i < NSKIP; i++) {
        printf("garbage:   %x-%x %s\n", skip[i].first, skip[i].last, skip[i].why);
    }

    for (unsigned i = 0; i <= NSKIP; i++) {
        uint32_t stop = i < NSKIP ? skip[i].first : 0x10000;
        for (; port < stop; port++) {
            outb((uint16_t)port, next_byte());
            sum += inb((uint16_t)port);
        }
        if (i < NSKIP) {
            for (; port <= skip[i].last; port++) {
                sum += inb((uint16_t)port);
            }
        }
    }
    /* The sum depends on device state; it is consumed, never printed. */
    __asm__ volatile("" : : "r"(sum));
    printf("survived\n");
    return EXIT_PASS;
}
