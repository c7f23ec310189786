/*
 * hpet.c: the HPET after the IA-PC HPET specification 1.0a. The main
 * counter is derived from guest time while enabled; each timer has a
 * QEMUTimer armed for its comparator match. Edge interrupts are pulses,
 * level ones set the status bit and hold the line until the guest clears
 * it. 32-bit timers compare the low half and wrap. With FSB delivery on
 * (hpet_set_fsb_capable) a timer may send its interrupt as an MSI instead.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/timer/hpet.h"
#include "hw/intc/apic.h"

#define HPET_ID         0x000
#define HPET_CFG        0x010
#define HPET_STATUS     0x020
#define HPET_COUNTER    0x0f0
#define HPET_TN_BASE    0x100
#define HPET_TN_SIZE    0x20

#define HPET_CFG_ENABLE 1ULL
#define HPET_CFG_LEGACY 2ULL

#define HPET_TN_LEVEL       (1ULL << 1)
#define HPET_TN_ENABLE      (1ULL << 2)
#define HPET_TN_PERIODIC    (1ULL << 3)
#define HPET_TN_PERIODIC_CAP (1ULL << 4)
#define HPET_TN_SIZE_CAP    (1ULL << 5)
#define HPET_TN_SETVAL      (1ULL << 6)
#define HPET_TN_32BIT       (1ULL << 8)
#define HPET_TN_ROUTE_SHIFT 9
#define HPET_TN_ROUTE_MASK  (0x1fULL << HPET_TN_ROUTE_SHIFT)
#define HPET_TN_FSB_ENABLE  (1ULL << 14)
#define HPET_TN_FSB_CAP     (1ULL << 15)
#define HPET_TN_FSB_ROUTE   0x10
/* What the guest may change in a timer's configuration. */
#define HPET_TN_CFG_WRITABLE (HPET_TN_LEVEL | HPET_TN_ENABLE | HPET_TN_PERIODIC | \
                              HPET_TN_SETVAL | HPET_TN_32BIT | HPET_TN_ROUTE_MASK)

#define HPET_NS_PER_TICK (HPET_PERIOD_FS / 1000000)

static int64_t hpet_virtual_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static bool hpet_enabled(HPETState *s)
{
    return s->config & HPET_CFG_ENABLE;
}

bool hpet_legacy(HPETState *s)
{
    return s->config & HPET_CFG_LEGACY;
}

static uint64_t hpet_counter(HPETState *s, int64_t now)
{
    if (!hpet_enabled(s) || now <= s->enable_ns) {
        return s->counter;
    }
    return s->counter + (uint64_t)(now - s->enable_ns) / HPET_NS_PER_TICK;
}

static uint64_t hpet_capabilities(void)
{
    return (HPET_PERIOD_FS << 32) | (0x8086ULL << 16) | (1ULL << 15) |
           (1ULL << 13) | ((HPET_NUM_TIMERS - 1ULL) << 8) | 1;
}

/* FSB delivery replaces the line, except under legacy replacement (spec 2.3.8). */
static bool hpet_timer_fsb(HPETTimer *t)
{
    return (t->config & HPET_TN_FSB_ENABLE) && !(hpet_legacy(t->hpet) && t->n < 2);
}

/* The line a timer signals on: legacy replacement, else its route. */
static qemu_irq hpet_timer_line(HPETTimer *t)
{
    HPETState *s = t->hpet;
    unsigned route = (t->config & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT;

    if (hpet_legacy(s) && t->n < 2) {
        return s->gsi[t->n == 0 ? 0 : 8];
    }
    if (hpet_timer_fsb(t)) {
        return NULL;
    }
    return route < HPET_NUM_GSI ? s->gsi[route] : NULL;
}

/* Level mode: the line follows the status bit (and the enables). */
static void hpet_timer_update_level(HPETTimer *t)
{
    HPETState *s = t->hpet;
    qemu_irq want = NULL;

    if ((t->config & HPET_TN_LEVEL) && (t->config & HPET_TN_ENABLE) &&
        (s->isr & (1ULL << t->n)) && hpet_enabled(s)) {
        want = hpet_timer_line(t);
    }
    if (t->raised != want) {
        qemu_set_irq(t->raised, 0);
        t->raised = want;
        qemu_set_irq(want, 1);
    }
}

static void hpet_timer_signal(HPETTimer *t)
{
    if (!(t->config & HPET_TN_ENABLE)) {
        return;
    }
    /* An FSB message is always edge: Tn_INT_TYPE_CNF is ignored. */
    if (hpet_timer_fsb(t)) {
        t->hpet->send_msi(t->fsb >> 32, (uint32_t)t->fsb);
        return;
    }
    if (t->config & HPET_TN_LEVEL) {
        t->hpet->isr |= 1ULL << t->n;
        hpet_timer_update_level(t);
    } else {
        qemu_irq_pulse(hpet_timer_line(t));
    }
}

static bool hpet_timer_32(HPETTimer *t)
{
    return t->config & HPET_TN_32BIT;
}

/* Arm t's QEMUTimer for its next comparator match after now. */
static void hpet_timer_arm(HPETTimer *t, int64_t now)
{
    HPETState *s = t->hpet;
    uint64_t cur, diff;

    if (!hpet_enabled(s)) {
        timer_del(t->timer);
        return;
    }
    cur = hpet_counter(s, now);
    if (hpet_timer_32(t)) {
        diff = (uint32_t)(t->cmp - cur);
        if (!diff) {
            diff = 1ULL << 32;
        }
    } else if (t->cmp > cur) {
        diff = t->cmp - cur;
    } else {
        timer_del(t->timer);    /* past, and 2^64 ticks is never */
        return;
    }
    /* A match centuries away (reset's all-ones comparator) is never. */
    if (now < 0 || diff > (uint64_t)(INT64_MAX - now) / HPET_NS_PER_TICK) {
        timer_del(t->timer);
        return;
    }
    timer_mod(t->timer, now + (int64_t)(diff * HPET_NS_PER_TICK));
}

static void hpet_timer_cb(void *opaque)
{
    HPETTimer *t = opaque;
    HPETState *s = t->hpet;
    int64_t now = s->clock_ns();
    uint64_t cur = hpet_counter(s, now);

    if ((t->config & HPET_TN_PERIODIC) && t->period) {
        if (hpet_timer_32(t)) {
            uint32_t late = (uint32_t)cur - (uint32_t)t->cmp;

            t->cmp = (uint32_t)(t->cmp + (late / t->period + 1) * t->period);
        } else if (cur >= t->cmp) {
            t->cmp += ((cur - t->cmp) / t->period + 1) * t->period;
        }
    }
    hpet_timer_signal(t);
    hpet_timer_arm(t, now);
}

static uint64_t hpet_reg_read(HPETState *s, hwaddr reg, int64_t now)
{
    if (reg >= HPET_TN_BASE) {
        unsigned n = (reg - HPET_TN_BASE) / HPET_TN_SIZE;
        HPETTimer *t;

        if (n >= HPET_NUM_TIMERS) {
            return 0;
        }
        t = &s->t[n];
        switch ((reg - HPET_TN_BASE) % HPET_TN_SIZE) {
        case 0:
            return t->config;
        case 8:
            return hpet_timer_32(t) ? (uint32_t)t->cmp : t->cmp;
        case HPET_TN_FSB_ROUTE:
            return t->fsb;
        default:
            return 0;
        }
    }
    switch (reg) {
    case HPET_ID:
        return hpet_capabilities();
    case HPET_CFG:
        return s->config;
    case HPET_STATUS:
        return s->isr;
    case HPET_COUNTER:
        return hpet_counter(s, now);
    default:
        return 0;
    }
}

static void hpet_timer_write_config(HPETTimer *t, uint64_t val, int64_t now)
{
    uint64_t old = t->config;

    uint64_t writable = HPET_TN_CFG_WRITABLE |
                        ((old & HPET_TN_FSB_CAP) ? HPET_TN_FSB_ENABLE : 0);

    t->config = (old & ~writable) | (val & writable);
    if (hpet_timer_32(t)) {
        t->cmp = (uint32_t)t->cmp;
        t->period = (uint32_t)t->period;
    }
    /* An edge timer has no status bit to hold. */
    if (!(t->config & HPET_TN_LEVEL)) {
        t->hpet->isr &= ~(1ULL << t->n);
    }
    hpet_timer_update_level(t);
    hpet_timer_arm(t, now);
}

static void hpet_timer_write_cmp(HPETTimer *t, uint64_t val, int64_t now)
{
    if (hpet_timer_32(t)) {
        val = (uint32_t)val;
    }
    /* In periodic mode a plain write sets the period only (spec 2.3.9.2.2). */
    if (!(t->config & HPET_TN_PERIODIC) || (t->config & HPET_TN_SETVAL)) {
        t->cmp = val;
    }
    t->period = val;
    t->config &= ~HPET_TN_SETVAL;
    hpet_timer_arm(t, now);
}

static void hpet_write_config(HPETState *s, uint64_t val, int64_t now)
{
    bool was_enabled = hpet_enabled(s);
    bool was_legacy = hpet_legacy(s);

    if (was_enabled && !(val & HPET_CFG_ENABLE)) {
        s->counter = hpet_counter(s, now);
    } else if (!was_enabled && (val & HPET_CFG_ENABLE)) {
        s->enable_ns = now;
    }
    s->config = val & (HPET_CFG_ENABLE | HPET_CFG_LEGACY);
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        hpet_timer_update_level(&s->t[n]);
        hpet_timer_arm(&s->t[n], now);
    }
    if (was_legacy != hpet_legacy(s)) {
        qemu_set_irq(s->legacy_out, hpet_legacy(s));
    }
}

static void hpet_reg_write(HPETState *s, hwaddr reg, uint64_t val, int64_t now)
{
    if (reg >= HPET_TN_BASE) {
        unsigned n = (reg - HPET_TN_BASE) / HPET_TN_SIZE;

        if (n >= HPET_NUM_TIMERS) {
            return;
        }
        switch ((reg - HPET_TN_BASE) % HPET_TN_SIZE) {
        case 0:
            hpet_timer_write_config(&s->t[n], val, now);
            break;
        case 8:
            hpet_timer_write_cmp(&s->t[n], val, now);
            break;
        case HPET_TN_FSB_ROUTE:
            if (s->t[n].config & HPET_TN_FSB_CAP) {
                s->t[n].fsb = val;
            }
            break;
        default:
            break;
        }
        return;
    }
    switch (reg) {
    case HPET_CFG:
        hpet_write_config(s, val, now);
        break;
    case HPET_STATUS:
        /* Write 1 to clear a level timer's status. */
        s->isr &= ~val;
        for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
            hpet_timer_update_level(&s->t[n]);
        }
        break;
    case HPET_COUNTER:
        if (hpet_enabled(s)) {
            qemu_log_mask(LOG_GUEST_ERROR, "hpet: counter written while "
                          "enabled, ignored\n");
            break;
        }
        s->counter = val;
        break;
    default:
        break;
    }
}

static uint64_t hpet_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    HPETState *s = opaque;
    uint64_t v = hpet_reg_read(s, addr & ~7ULL, s->clock_ns());

    if (size == 4) {
        return (addr & 4) ? v >> 32 : (uint32_t)v;
    }
    return v;
}

static void hpet_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    HPETState *s = opaque;
    hwaddr reg = addr & ~7ULL;
    int64_t now = s->clock_ns();

    if (size == 4) {
        /* A 32-bit write changes one half of the 64-bit register. */
        uint64_t cur = hpet_reg_read(s, reg, now);

        if (reg == HPET_STATUS) {
            cur = 0;            /* only the bits written as 1 clear */
        }
        if (addr & 4) {
            val = (cur & 0xffffffffULL) | (val << 32);
        } else {
            val = (cur & ~0xffffffffULL) | (uint32_t)val;
        }
    }
    hpet_reg_write(s, reg, val, now);
}

static const MemoryRegionOps hpet_mmio_ops = {
    .read = hpet_mmio_read,
    .write = hpet_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

void hpet_reset(HPETState *s)
{
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        HPETTimer *t = &s->t[n];

        timer_del(t->timer);
        qemu_set_irq(t->raised, 0);
        t->raised = NULL;
        t->config = ((uint64_t)HPET_INTCAP << 32) | HPET_TN_PERIODIC_CAP |
                    HPET_TN_SIZE_CAP | (s->fsb_capable ? HPET_TN_FSB_CAP : 0);
        t->fsb = 0;
        t->cmp = UINT64_MAX;
        t->period = 0;
    }
    if (hpet_legacy(s)) {
        qemu_set_irq(s->legacy_out, 0);
    }
    s->config = 0;
    s->isr = 0;
    s->counter = 0;
    s->enable_ns = 0;
}

HPETState *hpet_init(MemoryRegion *sysmem, Object *owner, hwaddr base,
                     qemu_irq *gsi, qemu_irq legacy_out)
{
    HPETState *s = g_new0(HPETState, 1);

    s->gsi = gsi;
    s->legacy_out = legacy_out;
    s->clock_ns = hpet_virtual_ns;
    s->send_msi = apic_send_msi;
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        s->t[n].hpet = s;
        s->t[n].n = n;
        s->t[n].timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, hpet_timer_cb, &s->t[n]);
    }
    memory_region_init_io(&s->mmio, owner, &hpet_mmio_ops, s, "hpet", 0x400);
    memory_region_add_subregion(sysmem, base, &s->mmio);
    hpet_reset(s);
    return s;
}

void hpet_set_fsb_capable(HPETState *s, bool on)
{
    s->fsb_capable = on;
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        HPETTimer *t = &s->t[n];

        if (on) {
            t->config |= HPET_TN_FSB_CAP;
        } else {
            t->config &= ~(HPET_TN_FSB_CAP | HPET_TN_FSB_ENABLE);
        }
    }
}
