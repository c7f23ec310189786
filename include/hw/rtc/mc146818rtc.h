/*
 * mc146818rtc.h: the PC's real-time clock and CMOS RAM (Motorola
 * MC146818 / Dallas DS12887), an ISA device at ports 0x70-0x71 on IRQ 8.
 * The machine picks the time base (-rtc base=, clock=) and fills the CMOS
 * defaults the firmware reads (memory size, boot order, ...).
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include "hw/isa/isa.h"
#include "qemu/timer.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define RTC_ISA_BASE 0x70
#define RTC_ISA_IRQ 8

/* Register numbers in the CMOS address space. */
#define RTC_SECONDS        0x00
#define RTC_SECONDS_ALARM  0x01
#define RTC_MINUTES        0x02
#define RTC_MINUTES_ALARM  0x03
#define RTC_HOURS          0x04
#define RTC_HOURS_ALARM    0x05
#define RTC_DAY_OF_WEEK    0x06
#define RTC_DAY_OF_MONTH   0x07
#define RTC_MONTH          0x08
#define RTC_YEAR           0x09
#define RTC_REG_A          0x0a
#define RTC_REG_B          0x0b
#define RTC_REG_C          0x0c
#define RTC_REG_D          0x0d
#define RTC_CENTURY        0x32
#define RTC_CMOS_SIZE      128

#define RTC_REG_A_UIP      0x80
#define RTC_REG_B_SET      0x80
#define RTC_REG_B_PIE      0x40
#define RTC_REG_B_AIE      0x20
#define RTC_REG_B_UIE      0x10
#define RTC_REG_B_SQWE     0x08
#define RTC_REG_B_DM       0x04   /* 1: binary, 0: BCD */
#define RTC_REG_B_24H      0x02
#define RTC_REG_C_IRQF     0x80
#define RTC_REG_C_PF       0x40
#define RTC_REG_C_AF       0x20
#define RTC_REG_C_UF       0x10
#define RTC_REG_D_VRT      0x80

typedef struct RTCState {
    ISADevice parent_obj;
    MemoryRegion io;
    uint8_t cmos[RTC_CMOS_SIZE];
    uint8_t index;            /* with the NMI mask in bit 7 */

    /* Properties. */
    int32_t base_year;
    uint16_t iobase;
    uint8_t isairq;

    /*
     * Guest time: base_sec at clock value base_clock_ns, advancing with
     * the clock. Seconds and nanoseconds are kept apart so that any date a
     * guest can write fits.
     */
    QEMUClockType clock;
    bool base_set;            /* else realize starts from the host's time */
    int64_t base_sec;
    int64_t base_clock_ns;
    int64_t last_update_sec;  /* last second the UF/AF logic looked at */

    int64_t next_periodic_ns; /* next periodic tick on the clock */
    QEMUTimer *periodic_timer;
    QEMUTimer *update_timer;  /* second boundaries, while UIE/AIE */
} RTCState;

#define MC146818_RTC(obj) OBJECT_CHECK(RTCState, (obj), TYPE_MC146818_RTC)

/*
 * Set the guest's time: base_utc_seconds is what the RTC shows now
 * (seconds since the epoch, as gmtime() reads them), and it then advances
 * with clock (QEMU_CLOCK_HOST, _REALTIME or _VIRTUAL). With the host clock
 * the RTC ticks on the host's second boundaries.
 */
void mc146818rtc_set_base(RTCState *s, time_t base_utc_seconds,
                          QEMUClockType clock);
/* The guest's current time as seconds since the epoch. */
time_t mc146818rtc_get_time(RTCState *s);

/*
 * -rtc base=utc|localtime|YYYY-MM-DD[THH:MM:SS] and clock=host|rt|vm
 * (either may be NULL: utc, host). Fills *base with the value for
 * mc146818rtc_set_base() and *clock. Errors use QEMU's wording.
 */
bool mc146818rtc_parse_opts(const char *base_str, const char *clock_str,
                            time_t *base, QEMUClockType *clock, Error **errp);

/* CMOS RAM for the machine and firmware interfaces; addr is checked. */
void rtc_set_memory(RTCState *s, int addr, uint8_t val);
int rtc_get_memory(RTCState *s, int addr);

#endif
