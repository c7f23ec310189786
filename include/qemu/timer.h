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

#endif
