/*
 * apic-timer.c: the local APIC timer (SDM 10.5.4): one-shot and periodic
 * modes counting a 1 GHz bus clock (QEMU_CLOCK_VIRTUAL ns) through the
 * divide configuration, and TSC-deadline mode against the guest TSC that
 * the accelerator supplies (APICCpuOps.read_tsc). One QEMUTimer per APIC.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "apic-internal.h"

static void apic_update_timer_shift(APICState *s)
{
    unsigned v = (s->divide & 3) | ((s->divide >> 1) & 4);

    s->count_shift = (v + 1) & 7;
}

static unsigned apic_timer_mode(APICState *s)
{
    return s->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_MODE;
}

void apic_timer_reset(APICState *s)
{
    s->divide = 0;
    apic_update_timer_shift(s);
    s->initial_count = 0;
    s->load_time = 0;
    s->next_time = -1;
    s->tsc_deadline = 0;
    timer_del(s->timer);
}

static uint64_t apic_read_tsc(APICState *s)
{
    if (s->ops && s->ops->read_tsc) {
        return s->ops->read_tsc(s->cpu);
    }
    return apic_clock_ns();
}

static void apic_timer_stop(APICState *s)
{
    s->next_time = -1;
    timer_del(s->timer);
}

/* TSC-deadline mode: when (in clock ns) the TSC reaches the deadline. */
static void apic_timer_arm_deadline(APICState *s, int64_t now)
{
    uint64_t tsc = apic_read_tsc(s), delta_ns;

    if (!s->tsc_deadline) {
        apic_timer_stop(s);
        return;
    }
    delta_ns = 0;
    if (s->tsc_deadline > tsc) {
        uint64_t ticks = s->tsc_deadline - tsc;
        uint64_t q = ticks / s->tsc_khz, r = ticks % s->tsc_khz;

        /* Round up, so that the TSC has passed the deadline at expiry. */
        delta_ns = q >= INT64_MAX / 1000000 ? INT64_MAX
                   : q * 1000000 + (r * 1000000 + s->tsc_khz - 1) / s->tsc_khz;
    }
    if (now < 0 || delta_ns > (uint64_t)(INT64_MAX - now)) {
        apic_timer_stop(s);     /* centuries away: never */
        return;
    }
    s->next_time = now + (int64_t)delta_ns;
    timer_mod(s->timer, s->next_time);
}

static uint64_t apic_timer_period(APICState *s)
{
    return ((uint64_t)s->initial_count + 1) << s->count_shift;
}

/* Arm the QEMUTimer for the next expiry after now, or disarm it. */
void apic_timer_arm(APICState *s, int64_t now)
{
    uint64_t period = apic_timer_period(s);
    uint64_t elapsed;

    if (apic_timer_mode(s) == APIC_TIMER_TSC_DL) {
        apic_timer_arm_deadline(s, now);
        return;
    }
    if (s->initial_count == 0 || apic_timer_mode(s) > APIC_TIMER_PERIODIC) {
        apic_timer_stop(s);
        return;
    }
    elapsed = now > s->load_time ? (uint64_t)(now - s->load_time) : 0;
    if (apic_timer_mode(s) == APIC_TIMER_PERIODIC) {
        s->next_time = s->load_time + (int64_t)((elapsed / period + 1) * period);
    } else if (elapsed < period) {
        s->next_time = s->load_time + (int64_t)period;
    } else {
        apic_timer_stop(s);
        return;
    }
    timer_mod(s->timer, s->next_time);
}

uint32_t apic_current_count(APICState *s)
{
    int64_t now = apic_clock_ns();
    uint64_t d;

    if (apic_timer_mode(s) == APIC_TIMER_TSC_DL) {
        return 0;
    }
    if (s->initial_count == 0 || now < s->load_time) {
        return s->initial_count;
    }
    d = (uint64_t)(now - s->load_time) >> s->count_shift;
    if (apic_timer_mode(s) == APIC_TIMER_PERIODIC) {
        return s->initial_count - (uint32_t)(d % ((uint64_t)s->initial_count + 1));
    }
    return d >= s->initial_count ? 0 : s->initial_count - (uint32_t)d;
}

int64_t apic_timer_deadline(APICState *s)
{
    return s->next_time;
}

void apic_timer_fire(APICState *s)
{
    uint32_t lvt = s->lvt[APIC_LVT_TIMER];

    if (s->next_time < 0) {
        return;
    }
    if (apic_timer_mode(s) == APIC_TIMER_TSC_DL) {
        /* Clocks may drift apart: fire only once the TSC is there. */
        if (!s->tsc_deadline) {
            apic_timer_stop(s);
            return;
        }
        if (apic_read_tsc(s) < s->tsc_deadline) {
            apic_timer_arm_deadline(s, MAX(apic_clock_ns(), s->next_time));
            return;
        }
        s->tsc_deadline = 0;
        apic_timer_stop(s);
    } else {
        apic_timer_arm(s, s->next_time);
    }
    if (!(lvt & APIC_LVT_MASKED) && apic_hw_enabled(s)) {
        apic_set_irq(s, lvt & 0xff, false);
    }
}

/*
 * A mode change stops the timer: into TSC-deadline the count stops (and
 * reads 0); out of it the deadline is cleared (SDM 10.5.4.1).
 */
void apic_timer_write_lvt(APICState *s, uint32_t val)
{
    unsigned old_mode = apic_timer_mode(s);

    s->lvt[APIC_LVT_TIMER] = val;
    if (apic_timer_mode(s) == 3u << 17) {
        qemu_log_mask(LOG_GUEST_ERROR, "apic: reserved timer mode 3\n");
    }
    if (old_mode != apic_timer_mode(s)) {
        if (old_mode == APIC_TIMER_TSC_DL) {
            s->tsc_deadline = 0;
        } else if (apic_timer_mode(s) == APIC_TIMER_TSC_DL) {
            s->initial_count = 0;
        }
    }
    apic_timer_arm(s, apic_clock_ns());
}

void apic_timer_write_initial(APICState *s, uint32_t val)
{
    /* In TSC-deadline mode the initial count is ignored. */
    if (apic_timer_mode(s) == APIC_TIMER_TSC_DL) {
        return;
    }
    s->initial_count = val;
    s->load_time = apic_clock_ns();
    apic_timer_arm(s, s->load_time);
}

void apic_timer_write_divide(APICState *s, uint32_t val)
{
    /* Keep the count: re-base the load time on the new divisor. */
    uint32_t cur = apic_current_count(s);
    int64_t now = apic_clock_ns();

    s->divide = val & 0xb;
    apic_update_timer_shift(s);
    if (apic_timer_mode(s) != APIC_TIMER_TSC_DL && s->initial_count && s->next_time >= 0) {
        s->load_time = now - ((int64_t)(s->initial_count - cur) << s->count_shift);
        apic_timer_arm(s, now);
    }
}

uint64_t apic_get_tsc_deadline(APICState *s)
{
    return apic_timer_mode(s) == APIC_TIMER_TSC_DL ? s->tsc_deadline : 0;
}

void apic_set_tsc_deadline(APICState *s, uint64_t tsc_deadline)
{
    /* Outside TSC-deadline mode writes are ignored (SDM 10.5.4.1). */
    if (apic_timer_mode(s) != APIC_TIMER_TSC_DL) {
        return;
    }
    s->tsc_deadline = tsc_deadline;
    apic_timer_arm_deadline(s, apic_clock_ns());
}

void apic_set_tsc_khz(APICState *s, uint32_t khz)
{
    s->tsc_khz = khz ? khz : 1000000;
    if (apic_timer_mode(s) == APIC_TIMER_TSC_DL && s->tsc_deadline) {
        apic_timer_arm_deadline(s, apic_clock_ns());
    }
}
