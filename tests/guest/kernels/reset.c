/*
 * reset: counts boots in CMOS RAM byte 0x50 (unused by SeaBIOS, kept over a
 * reset).  Boot 1 resets through the PIIX reset control register (0xcf9),
 * boot 2 through the i8042 (0xfe to 0x64), boot 3 exits PASS (33).
 * With -no-reboot QEMU quits at the first reset: "boot 1" only, status 0.
 */
#include "lib.h"

#define CMOS_BOOT_COUNT 0x50

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg | 0x80);
    return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg | 0x80);
    outb(0x71, v);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    unsigned boot = cmos_read(CMOS_BOOT_COUNT) + 1;

    cmos_write(CMOS_BOOT_COUNT, (uint8_t)boot);
    printf("boot %u\n", boot);

    switch (boot) {
    case 1:
        printf("reset via 0xcf9\n");
        outb(0xcf9, 0x02);          /* select a hard reset ... */
        outb(0xcf9, 0x06);          /* ... and do it */
        break;
    case 2:
        printf("reset via i8042\n");
        /* Wait (bounded) for the controller's input buffer to drain. */
        for (int i = 0; i < 10000 && (inb(0x64) & 0x02); i++) {
        }
        outb(0x64, 0xfe);           /* pulse the reset line */
        break;
    default:
        printf("reset: done\n");
        return boot == 3 ? EXIT_PASS : EXIT_FAIL;
    }

    /* A reset takes effect at once; still here means it was ignored. */
    for (int i = 0; i < 1000; i++) {
        inb(0x80);
    }
    printf("FAIL: still running after reset on boot %u\n", boot);
    return EXIT_FAIL;
}
