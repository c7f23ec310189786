/*
 * i8254.h: the PC's 8254 programmable interval timer (channels 0-2 at
 * 0x40-0x43) and the port 0x61 bits that gate channel 2 and show its
 * output, in user space for TCG. Channel 0 drives ISA IRQ 0; channel 1
 * (DRAM refresh) counts but drives nothing; channel 2 feeds the speaker,
 * which makes no sound here.
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "exec/memory.h"
#include "hw/irq.h"
#include "qemu/timer.h"

#define I8254_BASE      0x40
#define I8254_PORT_61   0x61
#define I8254_FREQ      1193182

typedef struct I8254State I8254State;

typedef struct I8254Channel {
    I8254State *pit;
    uint32_t count;             /* initial count, 1..0x10000 (binary) */
    int64_t load_time;          /* ns when counting (re)started */
    bool armed;                 /* counting: count written (and triggered) */
    bool null_count;            /* status bit 6 */
    uint16_t latched_count;
    uint8_t count_latched;      /* 0 none, else rw mode of what is left */
    uint8_t status;
    bool status_latched;
    uint8_t rw_mode;            /* 1 LSB, 2 MSB, 3 LSB then MSB */
    bool read_msb;              /* rw mode 3: the next read is the MSB */
    bool write_msb;             /* rw mode 3: the next write is the MSB */
    uint8_t write_lsb;
    uint8_t mode;               /* 0-5 */
    bool bcd;
    bool gate;
    QEMUTimer *timer;           /* channel 0: OUT transitions to irq */
    qemu_irq irq;
    int64_t next_edge;          /* ns of the next OUT change, or -1 */
} I8254Channel;

struct I8254State {
    I8254Channel ch[3];
    bool speaker_data;          /* port 0x61 bit 1 */
    uint8_t refresh;            /* port 0x61 bit 4, toggled on each read */
    /* Guest time in ns; QEMU_CLOCK_VIRTUAL unless a test replaces it. */
    int64_t (*clock_ns)(void);
    MemoryRegion io;
    MemoryRegion io61;
};

/*
 * i8254_init: - create the PIT, map 0x40-0x43 and 0x61 in io, channel 0's
 * OUT on irq0 (ISA IRQ 0).
 */
I8254State *i8254_init(MemoryRegion *io, Object *owner, qemu_irq irq0);

/* i8254_reset: - every channel in mode 0, not counting; gate 2 low. */
void i8254_reset(I8254State *s);

/* i8254_out: - channel n's OUT pin at guest time now (ns). */
int i8254_out(I8254State *s, unsigned n, int64_t now);

#endif
