/*
 * qemu-timer.c: the REALTIME, VIRTUAL and HOST clocks and their timer lists.
 *
 * Timers may be armed from any thread; they fire only from the main loop
 * (qemu_clock_run_all_timers) with the BQL held. No -icount or warp here:
 * VIRTUAL is monotonic host time that stands still while disabled.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qemu/main-loop.h"

#include <pthread.h>
#include <time.h>

struct QEMUTimer {
    QEMUClockType type;
    int scale;
    QEMUTimerCB *cb;
    void *opaque;
    /* Protected by the clock's list lock. */
    int64_t expire_time; /* ns on its clock, -1 when not pending */
    QEMUTimer *next;
};

typedef struct TimerList {
    pthread_mutex_t lock;
    QEMUTimer *head; /* sorted by expire_time, FIFO among equal ones */
} TimerList;

static TimerList timer_lists[QEMU_CLOCK_MAX] = {
    [0 ... QEMU_CLOCK_MAX - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER },
};

/*
 * VIRTUAL clock state. While enabled it reads monotonic + offset; while
 * disabled it reads the value it had when it was stopped, and the offset is
 * recomputed on re-enable so that it resumes from there without a jump.
 */
static pthread_mutex_t vclock_lock = PTHREAD_MUTEX_INITIALIZER;
static bool vclock_started;
static bool vclock_enabled = true;
static int64_t vclock_offset;
static int64_t vclock_frozen;

static int64_t clock_read(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

/* Called with vclock_lock held. Virtual time starts at 0, as in QEMU. */
static void vclock_start_locked(int64_t mono)
{
    if (!vclock_started) {
        vclock_offset = -mono;
        vclock_started = true;
    }
}

static int64_t vclock_get_ns(void)
{
    int64_t mono = clock_read(CLOCK_MONOTONIC);
    int64_t now;

    pthread_mutex_lock(&vclock_lock);
    vclock_start_locked(mono);
    now = vclock_enabled ? mono + vclock_offset : vclock_frozen;
    pthread_mutex_unlock(&vclock_lock);
    return now;
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return clock_read(CLOCK_MONOTONIC);
    case QEMU_CLOCK_VIRTUAL:
        return vclock_get_ns();
    case QEMU_CLOCK_HOST:
        return clock_read(CLOCK_REALTIME);
    default:
        g_assert_not_reached();
    }
}

bool qemu_clock_is_enabled(QEMUClockType type)
{
    bool enabled;

    if (type != QEMU_CLOCK_VIRTUAL) {
        return true;
    }
    pthread_mutex_lock(&vclock_lock);
    enabled = vclock_enabled;
    pthread_mutex_unlock(&vclock_lock);
    return enabled;
}

void qemu_clock_enable(QEMUClockType type, bool enabled)
{
    int64_t mono = clock_read(CLOCK_MONOTONIC);
    bool changed;

    /* REALTIME and HOST follow the host and cannot be stopped. */
    if (type != QEMU_CLOCK_VIRTUAL) {
        return;
    }
    pthread_mutex_lock(&vclock_lock);
    vclock_start_locked(mono);
    changed = vclock_enabled != enabled;
    if (changed && !enabled) {
        vclock_frozen = mono + vclock_offset;
    } else if (changed) {
        vclock_offset = vclock_frozen - mono;
    }
    vclock_enabled = enabled;
    pthread_mutex_unlock(&vclock_lock);

    /* Its timers now count towards the poll timeout again. */
    if (changed && enabled) {
        qemu_notify_event();
    }
}

QEMUTimer *timer_new_full(QEMUClockType type, int scale, QEMUTimerCB *cb,
                          void *opaque)
{
    QEMUTimer *ts;

    g_assert(type >= 0 && type < QEMU_CLOCK_MAX && scale > 0);
    ts = g_new0(QEMUTimer, 1);
    ts->type = type;
    ts->scale = scale;
    ts->cb = cb;
    ts->opaque = opaque;
    ts->expire_time = -1;
    return ts;
}

/* Called with the list lock held. */
static void timer_unlink_locked(TimerList *tl, QEMUTimer *ts)
{
    QEMUTimer **pt;

    for (pt = &tl->head; *pt; pt = &(*pt)->next) {
        if (*pt == ts) {
            *pt = ts->next;
            break;
        }
    }
    ts->next = NULL;
    ts->expire_time = -1;
}

/* Called with the list lock held. Returns true if ts is now the first. */
static bool timer_insert_locked(TimerList *tl, QEMUTimer *ts, int64_t ns)
{
    QEMUTimer **pt = &tl->head;

    while (*pt && (*pt)->expire_time <= ns) {
        pt = &(*pt)->next;
    }
    ts->expire_time = ns;
    ts->next = *pt;
    *pt = ts;
    return pt == &tl->head;
}

static int64_t timer_scale_to_ns(QEMUTimer *ts, int64_t expire_time)
{
    if (expire_time <= 0) {
        return 0;
    }
    if (expire_time > INT64_MAX / ts->scale) {
        return INT64_MAX;
    }
    return expire_time * ts->scale;
}

/*
 * A new earliest deadline must shorten a poll that is already sleeping.
 * The main thread itself recomputes the timeout before it polls again.
 */
static void timer_notify_earlier(QEMUTimer *ts)
{
    if (!qemu_in_main_thread() && qemu_clock_is_enabled(ts->type)) {
        qemu_notify_event();
    }
}

static void timer_mod_ns(QEMUTimer *ts, int64_t ns, bool anticipate)
{
    TimerList *tl = &timer_lists[ts->type];
    bool first = false;

    pthread_mutex_lock(&tl->lock);
    if (!anticipate || ts->expire_time < 0 || ns < ts->expire_time) {
        if (ts->expire_time >= 0) {
            timer_unlink_locked(tl, ts);
        }
        first = timer_insert_locked(tl, ts, ns);
    }
    pthread_mutex_unlock(&tl->lock);

    if (first) {
        timer_notify_earlier(ts);
    }
}

void timer_mod(QEMUTimer *ts, int64_t expire_time)
{
    timer_mod_ns(ts, timer_scale_to_ns(ts, expire_time), false);
}

void timer_mod_anticipate(QEMUTimer *ts, int64_t expire_time)
{
    timer_mod_ns(ts, timer_scale_to_ns(ts, expire_time), true);
}

void timer_del(QEMUTimer *ts)
{
    TimerList *tl = &timer_lists[ts->type];

    pthread_mutex_lock(&tl->lock);
    if (ts->expire_time >= 0) {
        timer_unlink_locked(tl, ts);
    }
    pthread_mutex_unlock(&tl->lock);
}

void timer_free(QEMUTimer *ts)
{
    if (ts) {
        timer_del(ts);
        g_free(ts);
    }
}

int64_t timer_expire_time_ns(QEMUTimer *ts)
{
    TimerList *tl = &timer_lists[ts->type];
    int64_t expire;

    pthread_mutex_lock(&tl->lock);
    expire = ts->expire_time;
    pthread_mutex_unlock(&tl->lock);
    return expire;
}

bool timer_pending(QEMUTimer *ts)
{
    return timer_expire_time_ns(ts) >= 0;
}

int64_t qemu_clock_deadline_ns(QEMUClockType type)
{
    TimerList *tl = &timer_lists[type];
    int64_t expire, now;

    if (!qemu_clock_is_enabled(type)) {
        return -1;
    }
    pthread_mutex_lock(&tl->lock);
    expire = tl->head ? tl->head->expire_time : -1;
    pthread_mutex_unlock(&tl->lock);
    if (expire < 0) {
        return -1;
    }
    now = qemu_clock_get_ns(type);
    return expire > now ? expire - now : 0;
}

int64_t timerlist_deadline_ns(void)
{
    int64_t deadline = -1;
    int type;

    for (type = 0; type < QEMU_CLOCK_MAX; type++) {
        int64_t d = qemu_clock_deadline_ns(type);
        if (d >= 0 && (deadline < 0 || d < deadline)) {
            deadline = d;
        }
    }
    return deadline;
}

bool qemu_clock_run_timers(QEMUClockType type)
{
    TimerList *tl = &timer_lists[type];
    bool ran = false;
    int64_t now;

    if (!qemu_clock_is_enabled(type)) {
        return false;
    }
    now = qemu_clock_get_ns(type);
    for (;;) {
        QEMUTimer *ts;

        /*
         * Unlink one expired timer at a time and run it unlocked, so that a
         * callback may re-arm, delete or free itself or any other timer.
         * A timer re-armed at or before 'now' runs again in this pass: that
         * is how a periodic timer catches up.
         */
        pthread_mutex_lock(&tl->lock);
        ts = tl->head;
        if (!ts || ts->expire_time > now) {
            pthread_mutex_unlock(&tl->lock);
            break;
        }
        timer_unlink_locked(tl, ts);
        pthread_mutex_unlock(&tl->lock);

        ts->cb(ts->opaque);
        ran = true;
        /* A callback may have stopped the VM, and with it this clock. */
        if (!qemu_clock_is_enabled(type)) {
            break;
        }
    }
    return ran;
}

bool qemu_clock_run_all_timers(void)
{
    bool ran = false;
    int type;

    for (type = 0; type < QEMU_CLOCK_MAX; type++) {
        ran |= qemu_clock_run_timers(type);
    }
    return ran;
}
