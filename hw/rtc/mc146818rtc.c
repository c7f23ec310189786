/*
 * mc146818rtc.c: the PC real-time clock and CMOS RAM (MC146818 / DS12887).
 * Time registers are computed on read from a base time plus a QEMU clock,
 * so nothing ticks while no one looks; timers run only for the periodic,
 * alarm and update-ended interrupts a guest enabled.
 */
#include "qemu/osdep.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/qdev-properties.h"
#include "qemu/log.h"
#include "qapi/qapi-events.h"

#define NS_PER_SEC NANOSECONDS_PER_SECOND
/* The datasheet's update cycle: UIP rises 244 us before the update. */
#define RTC_UIP_NS (244 * SCALE_US)
/* Register A divider bits (DV2-0) of a running 32.768 kHz time base. */
#define RTC_REG_A_DV_MASK  0x70
#define RTC_REG_A_DV_RUN   0x20
#define RTC_REG_A_RS_MASK  0x0f

static bool rtc_is_time_reg(int addr)
{
    return addr <= RTC_YEAR || addr == RTC_CENTURY;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Nanoseconds since the start of the guest's current second, and that
 * second. */
static int64_t rtc_guest_sec(RTCState *s, int64_t *subsec_ns)
{
    int64_t delta = qemu_clock_get_ns(s->clock) - s->base_clock_ns;
    int64_t secs = floor_div(delta, NS_PER_SEC);

    if (subsec_ns) {
        *subsec_ns = delta - secs * NS_PER_SEC;
    }
    return s->base_sec + secs;
}

static bool rtc_frozen(RTCState *s)
{
    return (s->cmos[RTC_REG_B] & RTC_REG_B_SET) ||
           (s->cmos[RTC_REG_A] & RTC_REG_A_DV_MASK) != RTC_REG_A_DV_RUN;
}

static uint8_t rtc_to_reg(RTCState *s, int v)
{
    if (s->cmos[RTC_REG_B] & RTC_REG_B_DM) {
        return v;
    }
    return ((v / 10) << 4) | (v % 10);
}

static int rtc_from_reg(RTCState *s, uint8_t v)
{
    if (s->cmos[RTC_REG_B] & RTC_REG_B_DM) {
        return v;
    }
    /* Bad BCD digits give odd but bounded values that timegm normalises. */
    return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t rtc_hours_to_reg(RTCState *s, int hour)
{
    int h;

    if (s->cmos[RTC_REG_B] & RTC_REG_B_24H) {
        return rtc_to_reg(s, hour);
    }
    h = hour % 12 ? hour % 12 : 12;
    return rtc_to_reg(s, h) | (hour >= 12 ? 0x80 : 0);
}

static int rtc_hours_from_reg(RTCState *s, uint8_t v)
{
    int h;

    if (s->cmos[RTC_REG_B] & RTC_REG_B_24H) {
        return rtc_from_reg(s, v);
    }
    h = rtc_from_reg(s, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* Encode the time t into the ten time registers of regs. */
static void rtc_encode(RTCState *s, int64_t t, uint8_t *regs)
{
    time_t tt = t;
    struct tm tm;
    int year;

    if (!gmtime_r(&tt, &tm)) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_mday = 1;
        tm.tm_year = 70;
    }
    regs[RTC_SECONDS] = rtc_to_reg(s, tm.tm_sec);
    regs[RTC_MINUTES] = rtc_to_reg(s, tm.tm_min);
    regs[RTC_HOURS] = rtc_hours_to_reg(s, tm.tm_hour);
    regs[RTC_DAY_OF_WEEK] = rtc_to_reg(s, tm.tm_wday + 1);
    regs[RTC_DAY_OF_MONTH] = rtc_to_reg(s, tm.tm_mday);
    regs[RTC_MONTH] = rtc_to_reg(s, tm.tm_mon + 1);
    year = tm.tm_year + 1900 - s->base_year;
    if (year < 0) {
        year = 0;
    }
    regs[RTC_YEAR] = rtc_to_reg(s, year % 100);
    regs[RTC_CENTURY] = rtc_to_reg(s, (year / 100) % 100);
}

/* The time the guest wrote into the registers. */
static int64_t rtc_decode(RTCState *s)
{
    struct tm tm = { 0 };
    int year;

    tm.tm_sec = rtc_from_reg(s, s->cmos[RTC_SECONDS]);
    tm.tm_min = rtc_from_reg(s, s->cmos[RTC_MINUTES]);
    tm.tm_hour = rtc_hours_from_reg(s, s->cmos[RTC_HOURS]);
    tm.tm_mday = rtc_from_reg(s, s->cmos[RTC_DAY_OF_MONTH]);
    tm.tm_mon = rtc_from_reg(s, s->cmos[RTC_MONTH]) - 1;
    year = rtc_from_reg(s, s->cmos[RTC_YEAR]) +
           rtc_from_reg(s, s->cmos[RTC_CENTURY]) * 100;
    tm.tm_year = year + s->base_year - 1900;
    return timegm(&tm);
}

/* Copy the running time into the registers (before freezing them). */
static void rtc_latch_time(RTCState *s)
{
    rtc_encode(s, rtc_guest_sec(s, NULL), s->cmos);
}

/* Restart the clock from what the registers say, at a second boundary. */
static void rtc_load_time(RTCState *s)
{
    g_autofree char *path = object_get_canonical_path(OBJECT(s));

    s->base_sec = rtc_decode(s);
    s->base_clock_ns = qemu_clock_get_ns(s->clock);
    s->last_update_sec = s->base_sec;
    /* The guest set the clock: QMP's RTC_CHANGE, offset from host time. */
    qapi_event_send_rtc_change(s->base_sec - (int64_t)time(NULL), path);
}

static void rtc_update_irq(RTCState *s)
{
    uint8_t c = s->cmos[RTC_REG_C] & ~RTC_REG_C_IRQF;
    uint8_t en = s->cmos[RTC_REG_B] &
                 (RTC_REG_B_PIE | RTC_REG_B_AIE | RTC_REG_B_UIE);

    /* PF/AF/UF line up with PIE/AIE/UIE bit for bit. */
    if (c & en) {
        c |= RTC_REG_C_IRQF;
    }
    s->cmos[RTC_REG_C] = c;
    qemu_set_irq(isa_get_irq(ISA_DEVICE(s), 0), !!(c & RTC_REG_C_IRQF));
}

static bool rtc_alarm_matches(RTCState *s, const uint8_t *now)
{
    static const int pairs[3][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS },
        { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };

    for (int i = 0; i < 3; i++) {
        uint8_t a = s->cmos[pairs[i][0]];

        /* 11xxxxxx is "don't care" in an alarm byte. */
        if ((a & 0xc0) != 0xc0 && a != now[pairs[i][1]]) {
            return false;
        }
    }
    return true;
}

/* Account for the second boundaries passed since we last looked: UF, and
 * AF when the current second matches the alarm. */
static void rtc_catch_up(RTCState *s)
{
    uint8_t now[RTC_CMOS_SIZE];
    int64_t sec;

    if (rtc_frozen(s)) {
        return;
    }
    sec = rtc_guest_sec(s, NULL);
    if (sec == s->last_update_sec) {
        return;
    }
    s->last_update_sec = sec;
    s->cmos[RTC_REG_C] |= RTC_REG_C_UF;
    rtc_encode(s, sec, now);
    if (rtc_alarm_matches(s, now)) {
        s->cmos[RTC_REG_C] |= RTC_REG_C_AF;
    }
}

static void rtc_arm_update_timer(RTCState *s)
{
    int64_t sub;
    int64_t now;

    if (rtc_frozen(s) ||
        !(s->cmos[RTC_REG_B] & (RTC_REG_B_AIE | RTC_REG_B_UIE))) {
        timer_del(s->update_timer);
        return;
    }
    now = qemu_clock_get_ns(s->clock);
    rtc_guest_sec(s, &sub);
    timer_mod(s->update_timer, now + (NS_PER_SEC - sub));
}

static void rtc_update_timer_cb(void *opaque)
{
    RTCState *s = opaque;

    rtc_catch_up(s);
    rtc_update_irq(s);
    rtc_arm_update_timer(s);
}

/* Period of the periodic interrupt in 32.768 kHz cycles, 0 for none. */
static int64_t rtc_period_cycles(RTCState *s)
{
    int rate = s->cmos[RTC_REG_A] & RTC_REG_A_RS_MASK;

    if (rate == 0 ||
        (s->cmos[RTC_REG_A] & RTC_REG_A_DV_MASK) != RTC_REG_A_DV_RUN) {
        return 0;
    }
    /* Rates 1 and 2 repeat rates 8 and 9 with the 32.768 kHz base. */
    if (rate <= 2) {
        rate += 7;
    }
    return INT64_C(1) << (rate - 1);
}

static int64_t rtc_period_ns(RTCState *s)
{
    return rtc_period_cycles(s) * NS_PER_SEC / 32768;
}

static void rtc_arm_periodic(RTCState *s, bool restart)
{
    int64_t period = rtc_period_ns(s);
    int64_t now;

    if (!period) {
        timer_del(s->periodic_timer);
        return;
    }
    now = qemu_clock_get_ns(s->clock);
    if (restart || s->next_periodic_ns <= now ||
        s->next_periodic_ns > now + period) {
        s->next_periodic_ns = now + period;
    }
    if (s->cmos[RTC_REG_B] & RTC_REG_B_PIE) {
        timer_mod(s->periodic_timer, s->next_periodic_ns);
    } else {
        timer_del(s->periodic_timer);
    }
}

static void rtc_periodic_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t period = rtc_period_ns(s);
    int64_t now = qemu_clock_get_ns(s->clock);

    s->cmos[RTC_REG_C] |= RTC_REG_C_PF;
    rtc_update_irq(s);
    if (!period) {
        return;
    }
    /* Ticks missed while the host was busy are dropped, not replayed. */
    s->next_periodic_ns += period;
    if (s->next_periodic_ns <= now) {
        s->next_periodic_ns = now + period -
                              (now - s->next_periodic_ns) % period;
    }
    timer_mod(s->periodic_timer, s->next_periodic_ns);
}

static uint8_t rtc_read_reg_a(RTCState *s)
{
    uint8_t a = s->cmos[RTC_REG_A] & ~RTC_REG_A_UIP;
    int64_t sub;

    if (!rtc_frozen(s)) {
        rtc_guest_sec(s, &sub);
        if (sub >= NS_PER_SEC - RTC_UIP_NS) {
            a |= RTC_REG_A_UIP;
        }
    }
    return a;
}

static uint8_t rtc_read(RTCState *s, int addr)
{
    uint8_t regs[RTC_CMOS_SIZE];
    uint8_t val;

    if (rtc_is_time_reg(addr) && addr != RTC_SECONDS_ALARM &&
        addr != RTC_MINUTES_ALARM && addr != RTC_HOURS_ALARM &&
        !rtc_frozen(s)) {
        rtc_encode(s, rtc_guest_sec(s, NULL), regs);
        return regs[addr];
    }
    switch (addr) {
    case RTC_REG_A:
        return rtc_read_reg_a(s);
    case RTC_REG_C:
        rtc_catch_up(s);
        if (!(s->cmos[RTC_REG_B] & RTC_REG_B_PIE) && rtc_period_ns(s) &&
            qemu_clock_get_ns(s->clock) >= s->next_periodic_ns) {
            /* No timer runs without PIE: a poller still sees PF. */
            s->cmos[RTC_REG_C] |= RTC_REG_C_PF;
            rtc_arm_periodic(s, true);
        }
        rtc_update_irq(s);
        val = s->cmos[RTC_REG_C];
        s->cmos[RTC_REG_C] = 0;
        qemu_irq_lower(isa_get_irq(ISA_DEVICE(s), 0));
        return val;
    case RTC_REG_D:
        return RTC_REG_D_VRT;
    default:
        return s->cmos[addr];
    }
}

static void rtc_write_reg_b(RTCState *s, uint8_t val)
{
    uint8_t old = s->cmos[RTC_REG_B];

    if ((val & RTC_REG_B_SET) && !(old & RTC_REG_B_SET)) {
        /* Freeze: the registers keep the time at this instant. */
        if (!rtc_frozen(s)) {
            rtc_latch_time(s);
        }
    }
    if (val & RTC_REG_B_SET) {
        /* The datasheet: setting SET clears UIE. */
        val &= ~RTC_REG_B_UIE;
    }
    if ((old & RTC_REG_B_SET) && !(val & RTC_REG_B_SET)) {
        s->cmos[RTC_REG_B] = val;
        if (!rtc_frozen(s)) {
            rtc_load_time(s);
        }
    } else {
        if (!(old & RTC_REG_B_SET) && !(val & RTC_REG_B_SET) &&
            !rtc_frozen(s)) {
            /* Lose no UF/AF that passed under the old settings. */
            rtc_catch_up(s);
        }
        s->cmos[RTC_REG_B] = val;
    }
    rtc_update_irq(s);
    rtc_arm_periodic(s, false);
    rtc_arm_update_timer(s);
}

static void rtc_write_reg_a(RTCState *s, uint8_t val)
{
    bool was_frozen = rtc_frozen(s);

    if (!was_frozen) {
        rtc_latch_time(s);
    }
    s->cmos[RTC_REG_A] = val & ~RTC_REG_A_UIP;   /* UIP is read-only */
    if (was_frozen && !rtc_frozen(s)) {
        /* Divider chain released: counting restarts from the registers. */
        rtc_load_time(s);
    }
    rtc_arm_periodic(s, true);
    rtc_arm_update_timer(s);
}

static void rtc_write(RTCState *s, int addr, uint8_t val)
{
    if (rtc_is_time_reg(addr) && addr != RTC_SECONDS_ALARM &&
        addr != RTC_MINUTES_ALARM && addr != RTC_HOURS_ALARM) {
        if (rtc_frozen(s)) {
            s->cmos[addr] = val;
            return;
        }
        /* A running clock takes the new field at once. */
        rtc_latch_time(s);
        s->cmos[addr] = val;
        rtc_load_time(s);
        rtc_arm_update_timer(s);
        return;
    }
    switch (addr) {
    case RTC_REG_A:
        rtc_write_reg_a(s, val);
        break;
    case RTC_REG_B:
        rtc_write_reg_b(s, val);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "mc146818rtc: write 0x%02x to read-only register 0x%x\n",
                      val, addr);
        break;
    default:
        s->cmos[addr] = val;
        break;
    }
}

static uint64_t rtc_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        /* The index register is write-only. */
        return 0xff;
    }
    return rtc_read(s, s->index & 0x7f);
}

static void rtc_ioport_write(void *opaque, hwaddr addr, uint64_t data,
                             unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        /* Bit 7 masks NMIs on a PC; kept for the guest, not acted on. */
        s->index = data;
    } else {
        rtc_write(s, s->index & 0x7f, data);
    }
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_ioport_read,
    .write = rtc_ioport_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void mc146818rtc_set_base(RTCState *s, time_t base_utc_seconds,
                          QEMUClockType clock)
{
    int64_t now;

    if (clock < 0 || clock >= QEMU_CLOCK_MAX) {
        clock = QEMU_CLOCK_HOST;
    }
    s->clock = clock;
    now = qemu_clock_get_ns(clock);
    /* On the host clock, tick with the host's seconds. */
    s->base_clock_ns = clock == QEMU_CLOCK_HOST ? now - now % NS_PER_SEC
                                                : now;
    s->base_sec = base_utc_seconds;
    s->base_set = true;
    s->last_update_sec = rtc_guest_sec(s, NULL);
    if (s->periodic_timer) {
        timer_free(s->periodic_timer);
        timer_free(s->update_timer);
        s->periodic_timer = timer_new_ns(clock, rtc_periodic_cb, s);
        s->update_timer = timer_new_ns(clock, rtc_update_timer_cb, s);
        rtc_arm_periodic(s, true);
        rtc_arm_update_timer(s);
    }
}

time_t mc146818rtc_get_time(RTCState *s)
{
    if (rtc_frozen(s)) {
        return rtc_decode(s);
    }
    return rtc_guest_sec(s, NULL);
}

bool mc146818rtc_parse_opts(const char *base_str, const char *clock_str,
                            time_t *base, QEMUClockType *clock, Error **errp)
{
    time_t now = time(NULL);

    if (!clock_str || !strcmp(clock_str, "host")) {
        *clock = QEMU_CLOCK_HOST;
    } else if (!strcmp(clock_str, "rt")) {
        *clock = QEMU_CLOCK_REALTIME;
    } else if (!strcmp(clock_str, "vm")) {
        *clock = QEMU_CLOCK_VIRTUAL;
    } else {
        error_setg(errp, "invalid option value '%s'", clock_str);
        return false;
    }

    if (!base_str || !strcmp(base_str, "utc")) {
        *base = now;
    } else if (!strcmp(base_str, "localtime")) {
        struct tm tm;

        /* The guest's RTC shows local time: shift by the UTC offset. */
        localtime_r(&now, &tm);
        *base = now + tm.tm_gmtoff;
    } else {
        struct tm tm = { 0 };
        int consumed = -1;

        if (sscanf(base_str, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon,
                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                   &consumed) != 6 || (size_t)consumed != strlen(base_str)) {
            consumed = -1;
            memset(&tm, 0, sizeof(tm));
            if (sscanf(base_str, "%d-%d-%d%n", &tm.tm_year, &tm.tm_mon,
                       &tm.tm_mday, &consumed) != 3 ||
                (size_t)consumed != strlen(base_str)) {
                consumed = -1;
            }
        }
        if (consumed < 0 || tm.tm_year < 1900 || tm.tm_year > 9999 ||
            tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
            tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
            tm.tm_sec > 59 || tm.tm_hour < 0 || tm.tm_min < 0 ||
            tm.tm_sec < 0) {
            error_setg(errp, "invalid datetime format");
            error_append_hint(errp, "valid formats: '2006-06-17T16:01:21'"
                              " or '2006-06-17'\n");
            return false;
        }
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        /* QEMU takes the date as local time; the guest sees it as is. */
        *base = timegm(&tm);
    }
    return true;
}

void rtc_set_memory(RTCState *s, int addr, uint8_t val)
{
    if (addr >= 0 && addr < RTC_CMOS_SIZE) {
        s->cmos[addr] = val;
    }
}

int rtc_get_memory(RTCState *s, int addr)
{
    if (addr < 0 || addr >= RTC_CMOS_SIZE) {
        return -1;
    }
    return rtc_read(s, addr);
}

static void rtc_reset(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    /* The RESET pin clears the interrupt enables and flags only. */
    s->cmos[RTC_REG_B] &= ~(RTC_REG_B_PIE | RTC_REG_B_AIE | RTC_REG_B_UIE |
                            RTC_REG_B_SQWE);
    s->cmos[RTC_REG_C] = 0;
    qemu_irq_lower(isa_get_irq(ISA_DEVICE(s), 0));
    rtc_arm_periodic(s, true);
    rtc_arm_update_timer(s);
}

static void rtc_instance_init(Object *obj)
{
    RTCState *s = MC146818_RTC(obj);

    s->clock = QEMU_CLOCK_HOST;
    s->cmos[RTC_REG_A] = RTC_REG_A_DV_RUN | 0x06;  /* 1024 Hz */
    s->cmos[RTC_REG_B] = RTC_REG_B_24H;
    s->cmos[RTC_REG_D] = RTC_REG_D_VRT;
}

static void rtc_realize(DeviceState *dev, Error **errp)
{
    RTCState *s = MC146818_RTC(dev);

    if (s->base_year < 0 || s->base_year > 9999) {
        error_setg(errp, "mc146818rtc: base_year %d out of range",
                   s->base_year);
        return;
    }
    if (!s->base_set) {
        mc146818rtc_set_base(s, time(NULL), s->clock);
    }
    s->periodic_timer = timer_new_ns(s->clock, rtc_periodic_cb, s);
    s->update_timer = timer_new_ns(s->clock, rtc_update_timer_cb, s);
    memory_region_init_io(&s->io, OBJECT(s), &rtc_ops, s, "rtc", 2);
    isa_register_ioport(ISA_DEVICE(s), &s->io, s->iobase);
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    isa_unregister_ioport(ISA_DEVICE(s), &s->io);
    memory_region_destroy(&s->io);
    timer_free(s->periodic_timer);
    timer_free(s->update_timer);
    s->periodic_timer = NULL;
    s->update_timer = NULL;
}

static Property rtc_properties[] = {
    DEFINE_PROP_INT32("base_year", RTCState, base_year, 0),
    DEFINE_PROP_UINT16("iobase", RTCState, iobase, RTC_ISA_BASE),
    DEFINE_PROP_UINT8("irq", RTCState, isairq, RTC_ISA_IRQ),
    DEFINE_PROP_END_OF_LIST(),
};

static void rtc_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = rtc_realize;
    dc->unrealize = rtc_unrealize;
    dc->reset = rtc_reset;
    dc->desc = "MC146818 real-time clock and CMOS RAM";
    /* The board creates it; a second RTC at 0x70 would make no sense. */
    dc->user_creatable = false;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, rtc_properties);
}

static const TypeInfo rtc_info = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(RTCState),
    .instance_init = rtc_instance_init,
    .class_init = rtc_class_init,
};

static void rtc_register_types(void)
{
    type_register_static(&rtc_info);
}

type_init(rtc_register_types)
