/*
 * timer.h: QEMU clocks and timers.
 *
 * Three clocks: REALTIME (monotonic host time, runs while the VM is
 * stopped), VIRTUAL (guest time: stops while the VM is stopped; later
 * -icount), HOST (wall clock, follows host time changes). Timers are
 * armed on a clock with an expiry in ns (or ms/us with a scale), and fire
 * from the main loop with the BQL held; the earliest deadline bounds the
 * main loop's poll timeout.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#define NANOSECONDS_PER_SECOND 1000000000LL
#define SCALE_MS 1000000
#define SCALE_US 1000
#define SCALE_NS 1

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME = 0,
    QEMU_CLOCK_VIRTUAL = 1,
    QEMU_CLOCK_HOST = 2,
    QEMU_CLOCK_MAX
} QEMUClockType;

typedef void QEMUTimerCB(void *opaque);

typedef struct QEMUTimer QEMUTimer;

int64_t qemu_clock_get_ns(QEMUClockType type);
static inline int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}
static inline int64_t qemu_clock_get_us(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_US;
}

/* VIRTUAL clock control: stopped while the VM is paused. */
void qemu_clock_enable(QEMUClockType type, bool enabled);

QEMUTimer *timer_new_full(QEMUClockType type, int scale, QEMUTimerCB *cb,
                          void *opaque);
static inline QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new_full(type, SCALE_NS, cb, opaque);
}
static inline QEMUTimer *timer_new_ms(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new_full(type, SCALE_MS, cb, opaque);
}
/* Arm at absolute expire_time (in the timer's scale) on its clock. */
void timer_mod(QEMUTimer *ts, int64_t expire_time);
/* Arm only if not pending or if earlier than the current expiry. */
void timer_mod_anticipate(QEMUTimer *ts, int64_t expire_time);
void timer_del(QEMUTimer *ts);
void timer_free(QEMUTimer *ts); /* deletes first */
bool timer_pending(QEMUTimer *ts);
int64_t timer_expire_time_ns(QEMUTimer *ts); /* -1 if not pending */

/* Nanoseconds until the earliest timer on any enabled clock, -1 if none.
 * Used by the main loop for its poll timeout. */
int64_t timerlist_deadline_ns(void);
/* Run every expired timer. Returns true if any ran. */
bool qemu_clock_run_all_timers(void);

/* Whether the clock runs (and its timers fire); only VIRTUAL can stop. */
bool qemu_clock_is_enabled(QEMUClockType type);
/* Nanoseconds until the earliest timer on this clock (0 if already
 * expired), -1 if none is pending or the clock is disabled. */
int64_t qemu_clock_deadline_ns(QEMUClockType type);
/* Run the expired timers of one clock. Returns true if any ran. */
bool qemu_clock_run_timers(QEMUClockType type);

/*
 * Notes on the contract above:
 * - VIRTUAL starts at 0 when first read and is enabled by default;
 *   vm_start()/vm_stop() (system/runstate.h) enable and disable it. While
 *   disabled it reads a constant and its timers neither fire nor bound the
 *   poll timeout; re-enabled, it continues from that value.
 * - timer_mod/timer_mod_anticipate/timer_del are safe from any thread; a
 *   new earliest deadline wakes the main loop. Expiry times below 0 are
 *   taken as 0, and ones that overflow ns as "never in practice".
 * - Timers with the same expiry fire in the order they were armed.
 * - A timer callback may re-arm, delete or free itself or any other timer.
 *   A timer re-armed at or before the current time runs again in the same
 *   pass (a periodic timer catching up).
 */

#endif
