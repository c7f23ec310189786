/*
 * rtc: the date and time the RTC shows, for -rtc base=DATE,clock=vm: the
 * guest must see the date given on the command line. Prints the date and
 * the hour and minute (seconds move while the machine boots), read the
 * way an OS does: wait for no update in progress, then BCD or binary and
 * 12- or 24-hour per status register B. Exit: PASS (33).
 */
#include "lib.h"

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg | 0x80);     /* bit 7: keep NMI disabled */
    return inb(0x71);
}

static unsigned from_bcd(uint8_t v, uint8_t b)
{
    return (b & 0x04) ? v : (v >> 4) * 10 + (v & 0x0f);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint8_t b = cmos_read(0x0b);
    unsigned year, month, day, hour, min;

    while (cmos_read(0x0a) & 0x80) {
        /* update in progress: the fields may be half written */
    }
    year = from_bcd(cmos_read(0x09), b) + 100 * from_bcd(cmos_read(0x32), b);
    month = from_bcd(cmos_read(0x08), b);
    day = from_bcd(cmos_read(0x07), b);
    hour = cmos_read(0x04);
    min = from_bcd(cmos_read(0x02), b);
    if (!(b & 0x02)) {          /* 12-hour: bit 7 is PM */
        hour = from_bcd(hour & 0x7f, b) % 12 + ((hour & 0x80) ? 12 : 0);
    } else {
        hour = from_bcd(hour, b);
    }
    printf("rtc: %04u-%02u-%02u %02u:%02u\n", year, month, day, hour, min);
    return EXIT_PASS;
}
