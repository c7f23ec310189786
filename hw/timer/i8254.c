/*
 * i8254.c: the 8254 PIT after its datasheet, computed from guest time
 * rather than ticked: a channel keeps when it started counting, and its
 * count and OUT pin are derived from the clocks elapsed since (1.193182
 * MHz on QEMU_CLOCK_VIRTUAL). Only channel 0 has a timer, armed for its
 * next OUT transition, to drive ISA IRQ 0. Port 0x61 (gate 2, speaker
 * data, refresh toggle, OUT2) lives here too since it is the PIT's.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/timer/i8254.h"

#define I8254_CH(s, n) (&(s)->ch[(n)])

static int64_t i8254_virtual_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* Whole PIT clocks in [load_time, now]. */
static uint64_t i8254_clocks(const I8254Channel *c, int64_t now)
{
    if (now <= c->load_time) {
        return 0;
    }
    return (uint64_t)((__int128)(now - c->load_time) * I8254_FREQ /
                      NANOSECONDS_PER_SECOND);
}

/* The first guest time at which clocks PIT clocks have elapsed. */
static int64_t i8254_clocks_to_ns(const I8254Channel *c, uint64_t clocks)
{
    __int128 ns = ((__int128)clocks * NANOSECONDS_PER_SECOND + I8254_FREQ - 1) /
                  I8254_FREQ;

    return c->load_time + (int64_t)ns;
}

/* Modes 2 and 3 need a count of at least 2 (1 is illegal there). */
static bool i8254_periodic(const I8254Channel *c)
{
    return (c->mode == 2 || c->mode == 3) && c->count >= 2;
}

int i8254_out(I8254State *s, unsigned n, int64_t now)
{
    const I8254Channel *c = I8254_CH(s, n % 3);
    uint64_t d, r;

    if (!c->armed) {
        /* After a control word: mode 0 low, the others high until loaded. */
        return c->mode != 0;
    }
    d = i8254_clocks(c, now);
    switch (c->mode) {
    case 0:                     /* interrupt on terminal count */
    case 1:                     /* hardware one-shot */
        return d >= c->count;
    case 2:                     /* rate generator: low for the last clock */
        if (!c->gate || !i8254_periodic(c)) {
            return 1;
        }
        return d % c->count != c->count - 1;
    case 3:                     /* square wave: high for the longer half */
        if (!c->gate || !i8254_periodic(c)) {
            return 1;
        }
        r = d % c->count;
        return r < (c->count + 1) / 2;
    default:                    /* 4, 5: strobe of one clock at 0 */
        return d != c->count;
    }
}

/* The counting element as the guest reads it (binary). */
static uint16_t i8254_count(const I8254Channel *c, int64_t now)
{
    uint64_t d, v;

    if (!c->armed) {
        return c->count & 0xffff;
    }
    d = i8254_clocks(c, now);
    switch (c->mode) {
    case 2:
        if (!i8254_periodic(c) || !c->gate) {
            return c->count & 0xffff;
        }
        v = c->count - d % c->count;
        break;
    case 3:
        /* Counts down by two, twice per period. */
        if (!i8254_periodic(c) || !c->gate) {
            return c->count & 0xffff;
        }
        v = c->count - (2 * d) % c->count;
        break;
    default:                    /* one pass, then wraps through 0xffff */
        v = c->count - d;
        break;
    }
    return v & 0xffff;
}

/* The clock count after d at which OUT next changes, or -1. */
static int64_t i8254_next_edge_clocks(const I8254Channel *c, uint64_t d)
{
    uint64_t base, r;

    switch (c->mode) {
    case 0:
    case 1:
        return d < c->count ? (int64_t)c->count : -1;
    case 2:
        if (!c->gate || !i8254_periodic(c)) {
            return -1;
        }
        r = d % c->count;
        base = d - r;
        return r < c->count - 1 ? base + c->count - 1 : base + c->count;
    case 3:
        if (!c->gate || !i8254_periodic(c)) {
            return -1;
        }
        r = d % c->count;
        base = d - r;
        return r < (c->count + 1) / 2 ? base + (c->count + 1) / 2
                                       : base + c->count;
    default:
        if (d < c->count) {
            return c->count;
        }
        return d == c->count ? (int64_t)c->count + 1 : -1;
    }
}

/* Channel 0: drive the IRQ from OUT at now and arm for the next change. */
static void i8254_irq_update(I8254Channel *c, int64_t now)
{
    int64_t next = -1;

    if (!c->timer) {
        return;
    }
    qemu_set_irq(c->irq, i8254_out(c->pit, c - c->pit->ch, now));
    if (c->armed) {
        int64_t clk = i8254_next_edge_clocks(c, i8254_clocks(c, now));

        if (clk >= 0) {
            next = i8254_clocks_to_ns(c, clk);
        }
    }
    c->next_edge = next;
    if (next >= 0) {
        timer_mod(c->timer, next);
    } else {
        timer_del(c->timer);
    }
}

static void i8254_timer_cb(void *opaque)
{
    I8254Channel *c = opaque;

    /* The edge's own time, so that late callbacks do not drift. */
    if (c->next_edge >= 0) {
        i8254_irq_update(c, c->next_edge);
    }
}

/* A new count from the guest (0 means the maximum). */
static void i8254_load(I8254Channel *c, uint16_t val, int64_t now)
{
    uint32_t v = val;

    if (c->bcd) {
        /* Digits above 9 are the guest's mistake; they still count. */
        v = ((val >> 12) & 0xf) * 1000 + ((val >> 8) & 0xf) * 100 +
            ((val >> 4) & 0xf) * 10 + (val & 0xf);
    }
    if (v == 0) {
        v = c->bcd ? 10000 : 0x10000;
    }
    c->count = v;
    c->load_time = now;
    c->null_count = false;
    /* Modes 1 and 5 wait for a gate trigger. */
    c->armed = c->mode != 1 && c->mode != 5;
    i8254_irq_update(c, now);
}

static uint16_t i8254_to_bcd(uint16_t v)
{
    uint16_t r = 0;

    v %= 10000;
    for (int shift = 0; shift < 16; shift += 4) {
        r |= (v % 10) << shift;
        v /= 10;
    }
    return r;
}

static void i8254_latch_count(I8254Channel *c, int64_t now)
{
    if (!c->count_latched) {
        uint16_t v = i8254_count(c, now);

        c->latched_count = c->bcd ? i8254_to_bcd(v) : v;
        c->count_latched = c->rw_mode;
    }
}

static void i8254_latch_status(I8254State *s, I8254Channel *c, int64_t now)
{
    if (!c->status_latched) {
        c->status = (i8254_out(s, c - s->ch, now) << 7) |
                    (c->null_count << 6) | (c->rw_mode << 4) |
                    (c->mode << 1) | c->bcd;
        c->status_latched = true;
    }
}

static void i8254_control(I8254State *s, uint8_t val, int64_t now)
{
    unsigned sc = val >> 6;
    I8254Channel *c;

    if (sc == 3) {              /* read-back: bit 5 0 = count, 4 0 = status */
        for (unsigned n = 0; n < 3; n++) {
            if (!(val & (2u << n))) {
                continue;
            }
            c = I8254_CH(s, n);
            if (!(val & 0x20)) {
                i8254_latch_count(c, now);
            }
            if (!(val & 0x10)) {
                i8254_latch_status(s, c, now);
            }
        }
        return;
    }
    c = I8254_CH(s, sc);
    if (!(val & 0x30)) {        /* counter latch command */
        i8254_latch_count(c, now);
        return;
    }
    c->rw_mode = (val >> 4) & 3;
    c->read_msb = false;
    c->write_msb = false;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5) {
        c->mode -= 4;           /* x10 is mode 2, x11 mode 3 */
    }
    c->bcd = val & 1;
    c->null_count = true;
    c->armed = false;
    c->count_latched = 0;
    i8254_irq_update(c, now);
}

static uint8_t i8254_read_counter(I8254Channel *c, int64_t now)
{
    uint16_t v;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->count_latched) {
        v = c->latched_count;
        switch (c->count_latched) {
        case 1:
            c->count_latched = 0;
            return v & 0xff;
        case 2:
            c->count_latched = 0;
            return v >> 8;
        default:                /* LSB now, MSB next */
            c->count_latched = 2;
            return v & 0xff;
        }
    }
    v = i8254_count(c, now);
    if (c->bcd) {
        v = i8254_to_bcd(v);
    }
    switch (c->rw_mode) {
    case 1:
        return v & 0xff;
    case 2:
        return v >> 8;
    default:
        c->read_msb = !c->read_msb;
        return c->read_msb ? v & 0xff : v >> 8;
    }
}

static void i8254_write_counter(I8254Channel *c, uint8_t val, int64_t now)
{
    switch (c->rw_mode) {
    case 1:
        i8254_load(c, val, now);
        break;
    case 2:
        i8254_load(c, val << 8, now);
        break;
    default:
        if (!c->write_msb) {
            c->write_lsb = val;
            c->write_msb = true;
        } else {
            c->write_msb = false;
            i8254_load(c, c->write_lsb | (val << 8), now);
        }
        break;
    }
}

static uint64_t i8254_io_read(void *opaque, hwaddr addr, unsigned size)
{
    I8254State *s = opaque;

    if (addr == 3) {
        return 0xff;            /* the control register is write-only */
    }
    return i8254_read_counter(I8254_CH(s, addr), s->clock_ns());
}

static void i8254_io_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    I8254State *s = opaque;
    int64_t now = s->clock_ns();

    if (addr == 3) {
        i8254_control(s, val, now);
    } else {
        i8254_write_counter(I8254_CH(s, addr), val, now);
    }
}

static const MemoryRegionOps i8254_io_ops = {
    .read = i8254_io_read,
    .write = i8254_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void i8254_set_gate(I8254Channel *c, bool gate, int64_t now)
{
    bool rising = gate && !c->gate;

    c->gate = gate;
    if (!rising) {
        return;
    }
    /* A rising gate (re)starts modes 1, 2, 3 and 5; 0 and 4 just go on. */
    if (c->mode != 0 && c->mode != 4 && !c->null_count) {
        c->load_time = now;
        c->armed = true;
    }
    i8254_irq_update(c, now);
}

/* Port 0x61: bit 0 gate 2, 1 speaker data, 4 refresh, 5 OUT2. */
static uint64_t i8254_port61_read(void *opaque, hwaddr addr, unsigned size)
{
    I8254State *s = opaque;
    int out2 = i8254_out(s, 2, s->clock_ns());

    /* Guests poll bit 4 for delays: make it change on every read. */
    s->refresh ^= 0x10;
    return s->ch[2].gate | (s->speaker_data << 1) | s->refresh | (out2 << 5);
}

static void i8254_port61_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    I8254State *s = opaque;

    s->speaker_data = (val >> 1) & 1;
    i8254_set_gate(&s->ch[2], val & 1, s->clock_ns());
}

static const MemoryRegionOps i8254_port61_ops = {
    .read = i8254_port61_read,
    .write = i8254_port61_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void i8254_reset(I8254State *s)
{
    int64_t now = s->clock_ns();

    s->speaker_data = false;
    s->refresh = 0;
    for (unsigned n = 0; n < 3; n++) {
        I8254Channel *c = I8254_CH(s, n);

        /* As the BIOS leaves it (and QEMU resets it): mode 3, count 0. */
        c->mode = 3;
        c->rw_mode = 3;
        c->bcd = false;
        c->gate = n != 2;
        c->read_msb = false;
        c->write_msb = false;
        c->count_latched = 0;
        c->status_latched = false;
        i8254_load(c, 0, now);
    }
}

I8254State *i8254_init(MemoryRegion *io, Object *owner, qemu_irq irq0)
{
    I8254State *s = g_new0(I8254State, 1);

    s->clock_ns = i8254_virtual_ns;
    for (unsigned n = 0; n < 3; n++) {
        s->ch[n].pit = s;
        s->ch[n].next_edge = -1;
    }
    s->ch[0].irq = irq0;
    s->ch[0].timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, i8254_timer_cb, &s->ch[0]);
    memory_region_init_io(&s->io, owner, &i8254_io_ops, s, "pit", 4);
    memory_region_add_subregion(io, I8254_BASE, &s->io);
    memory_region_init_io(&s->io61, owner, &i8254_port61_ops, s, "pcspk", 1);
    memory_region_add_subregion(io, I8254_PORT_61, &s->io61);
    i8254_reset(s);
    return s;
}
