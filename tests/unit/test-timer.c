/*
 * test-timer.c: unit tests for the clocks and timers of qemu/timer.h, and
 * for the way timer deadlines bound main_loop_wait(). No test asserts how
 * late a timer fires, only that it is not early and fires in order.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"

#include <pthread.h>
#include <time.h>

/* --- helpers --------------------------------------------------------------- */

/*
 * A thread that wakes the loop after 10 s, in case the deadline under test
 * fails to: it cannot be a timer, since timers are what is being tested.
 */
typedef struct Watchdog {
    GThread *thread;
    /* pthread rather than GMutex/GCond so that TSan sees the ordering. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    int fired;
} Watchdog;

static gpointer watchdog_thread(gpointer opaque)
{
    Watchdog *w = opaque;
    struct timespec end;
    int ret = 0;

    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += 10;
    pthread_mutex_lock(&w->lock);
    while (!w->stop && ret != ETIMEDOUT) {
        ret = pthread_cond_timedwait(&w->cond, &w->lock, &end);
    }
    pthread_mutex_unlock(&w->lock);
    if (ret == ETIMEDOUT) {
        g_atomic_int_set(&w->fired, 1);
        qemu_notify_event();
    }
    return NULL;
}

static void watchdog_start(Watchdog *w)
{
    pthread_condattr_t attr;

    memset(w, 0, sizeof(*w));
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &attr);
    pthread_condattr_destroy(&attr);
    w->thread = g_thread_new("watchdog", watchdog_thread, w);
}

static void watchdog_stop(Watchdog *w)
{
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    g_thread_join(w->thread);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    g_assert_false(g_atomic_int_get(&w->fired));
}

typedef struct Fired {
    int count;
    int order[8];
    int64_t at_ns[8];
} Fired;

typedef struct Tagged {
    Fired *fired;
    int tag;
    QEMUClockType clock;
} Tagged;

static void tagged_cb(void *opaque)
{
    Tagged *t = opaque;
    Fired *f = t->fired;

    g_assert_cmpint(f->count, <, (int)ARRAY_SIZE(f->order));
    f->order[f->count] = t->tag;
    f->at_ns[f->count] = qemu_clock_get_ns(t->clock);
    g_atomic_int_inc(&f->count);
}

/* Run the loop until count reaches n, guarded by a watchdog thread. */
static void run_until_count(int *count, int n)
{
    Watchdog w;

    watchdog_start(&w);
    while (g_atomic_int_get(count) < n && !g_atomic_int_get(&w.fired)) {
        main_loop_wait(false);
    }
    watchdog_stop(&w);
}

/* --- clocks ---------------------------------------------------------------- */

static void test_clock_monotonic(void)
{
    int64_t rt = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int64_t vt = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t host_ms, real_ms;
    int i;

    for (i = 0; i < 10000; i++) {
        int64_t rt2 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
        int64_t vt2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

        g_assert_cmpint(rt2, >=, rt);
        g_assert_cmpint(vt2, >=, vt);
        rt = rt2;
        vt = vt2;
    }
    g_assert_cmpint(qemu_clock_get_ms(QEMU_CLOCK_REALTIME), ==,
                    qemu_clock_get_ns(QEMU_CLOCK_REALTIME) / SCALE_MS);

    /* HOST is the wall clock (within a generous margin of glib's view). */
    host_ms = qemu_clock_get_ms(QEMU_CLOCK_HOST);
    real_ms = g_get_real_time() / 1000;
    g_assert_cmpint(ABS(host_ms - real_ms), <, 5000);
}

static void test_virtual_freeze(void)
{
    int64_t v1, v2, v3, r0, r1;

    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    g_assert_false(qemu_clock_is_enabled(QEMU_CLOCK_VIRTUAL));
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_usleep(20 * 1000);
    v2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v2, ==, v1);

    /* Disabling twice must not move the frozen value either. */
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v1);

    /*
     * Resumed, it may only have advanced by the real time that passed since
     * it was re-enabled: the 20 ms it was stopped must not show up.
     */
    r0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    v3 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    r1 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(v3, >=, v1);
    g_assert_cmpint(v3 - v1, <=, r1 - r0);

    /* And then it runs again. */
    g_usleep(2 * 1000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), >, v3);
}

/* --- timers ---------------------------------------------------------------- */

static void test_deadline_order(void)
{
    Fired f = { 0 };
    Tagged tags[4];
    QEMUTimer *t[4];
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int64_t when[4] = { now + 3 * SCALE_MS, now + 1 * SCALE_MS,
                        now + 2 * SCALE_MS, now + 1 * SCALE_MS };
    int i;

    for (i = 0; i < 4; i++) {
        tags[i] = (Tagged) { &f, i, QEMU_CLOCK_REALTIME };
        t[i] = timer_new_ns(QEMU_CLOCK_REALTIME, tagged_cb, &tags[i]);
        timer_mod(t[i], when[i]);
        g_assert_true(timer_pending(t[i]));
        g_assert_cmpint(timer_expire_time_ns(t[i]), ==, when[i]);
    }
    run_until_count(&f.count, 4);

    /* By deadline; timers 1 and 3 share one and fire in arming order. */
    g_assert_cmpint(f.order[0], ==, 1);
    g_assert_cmpint(f.order[1], ==, 3);
    g_assert_cmpint(f.order[2], ==, 2);
    g_assert_cmpint(f.order[3], ==, 0);
    for (i = 0; i < 4; i++) {
        g_assert_cmpint(f.at_ns[i], >=, when[f.order[i]]);
        g_assert_false(timer_pending(t[i]));
        g_assert_cmpint(timer_expire_time_ns(t[i]), ==, -1);
    }
    for (i = 0; i < 4; i++) {
        timer_free(t[i]);
    }
}

typedef struct Periodic {
    QEMUTimer *t;
    int count;
    int limit;
    int64_t expected_ms;
    bool early;
} Periodic;

static void periodic_cb(void *opaque)
{
    Periodic *p = opaque;
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);

    if (now < p->expected_ms) {
        p->early = true;
    }
    g_atomic_int_inc(&p->count);
    if (p->count < p->limit) {
        p->expected_ms = now + 2;
        timer_mod(p->t, p->expected_ms);
    }
}

static void test_rearm_from_callback(void)
{
    Periodic p = { .limit = 5 };

    p.t = timer_new_ms(QEMU_CLOCK_REALTIME, periodic_cb, &p);
    p.expected_ms = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 2;
    timer_mod(p.t, p.expected_ms);
    run_until_count(&p.count, p.limit);
    g_assert_cmpint(p.count, ==, p.limit);
    g_assert_false(p.early);
    g_assert_false(timer_pending(p.t));
    timer_free(p.t);
}

static void test_del_before_fire(void)
{
    Fired f = { 0 };
    Tagged a = { &f, 0, QEMU_CLOCK_REALTIME };
    Tagged b = { &f, 1, QEMU_CLOCK_REALTIME };
    QEMUTimer *ta = timer_new_ms(QEMU_CLOCK_REALTIME, tagged_cb, &a);
    QEMUTimer *tb = timer_new_ms(QEMU_CLOCK_REALTIME, tagged_cb, &b);
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);

    timer_mod(ta, now + 1);
    timer_mod(tb, now + 5);
    timer_del(ta);
    g_assert_false(timer_pending(ta));
    timer_del(ta); /* deleting twice is harmless */
    run_until_count(&f.count, 1);
    /* Only b fired, although a's deadline passed before b's. */
    g_assert_cmpint(f.count, ==, 1);
    g_assert_cmpint(f.order[0], ==, 1);
    timer_free(ta);
    timer_free(tb);
}

typedef struct Killer {
    QEMUTimer *self;
    QEMUTimer *victim;
    bool free_self;
    bool free_victim;
} Killer;

static void killer_cb(void *opaque)
{
    Killer *k = opaque;

    if (k->free_victim) {
        timer_free(k->victim);
        k->victim = NULL;
    } else {
        timer_del(k->victim);
    }
    if (k->free_self) {
        timer_free(k->self);
        k->self = NULL;
    }
}

static void never_cb(void *opaque)
{
    g_assert_not_reached();
}

/* Both expired in the same pass: the first deletes (or frees) the second. */
static void test_delete_other_in_callback(void)
{
    Killer k = { 0 };
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int round;

    for (round = 0; round < 2; round++) {
        k.free_self = k.free_victim = round == 1;
        k.self = timer_new_ns(QEMU_CLOCK_REALTIME, killer_cb, &k);
        k.victim = timer_new_ns(QEMU_CLOCK_REALTIME, never_cb, NULL);
        timer_mod(k.self, now - 2);
        timer_mod(k.victim, now - 1);
        g_assert_true(qemu_clock_run_all_timers());
        g_assert_false(qemu_clock_run_all_timers());
        if (round == 0) {
            g_assert_false(timer_pending(k.victim));
            timer_free(k.victim);
            timer_free(k.self);
        } else {
            g_assert_null(k.self);
            g_assert_null(k.victim);
        }
    }
}

static void test_anticipate(void)
{
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_REALTIME, never_cb, NULL);
    int64_t base = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) +
                   1000 * NANOSECONDS_PER_SECOND;

    /* Not pending: anticipate arms it. */
    timer_mod_anticipate(t, base);
    g_assert_cmpint(timer_expire_time_ns(t), ==, base);
    /* Later: ignored. */
    timer_mod_anticipate(t, base + 10);
    g_assert_cmpint(timer_expire_time_ns(t), ==, base);
    /* Earlier: taken. */
    timer_mod_anticipate(t, base - 10);
    g_assert_cmpint(timer_expire_time_ns(t), ==, base - 10);
    /* timer_mod moves it either way. */
    timer_mod(t, base + 20);
    g_assert_cmpint(timer_expire_time_ns(t), ==, base + 20);
    timer_free(t);
}

static void test_scale(void)
{
    QEMUTimer *ms = timer_new_ms(QEMU_CLOCK_VIRTUAL, never_cb, NULL);
    QEMUTimer *us = timer_new_full(QEMU_CLOCK_VIRTUAL, SCALE_US, never_cb,
                                   NULL);

    timer_mod(ms, INT64_C(1) << 40);
    g_assert_cmpint(timer_expire_time_ns(ms), ==, (INT64_C(1) << 40) * SCALE_MS);
    timer_mod(us, 7);
    g_assert_cmpint(timer_expire_time_ns(us), ==, 7 * SCALE_US);
    /* Beyond the ns range: pending forever rather than wrapping negative. */
    timer_mod(ms, INT64_MAX / 2);
    g_assert_cmpint(timer_expire_time_ns(ms), ==, INT64_MAX);
    timer_free(us);
    timer_free(ms);
}

static void test_virtual_disabled_timers(void)
{
    Fired f = { 0 };
    Tagged tag = { &f, 0, QEMU_CLOCK_VIRTUAL };
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_VIRTUAL, tagged_cb, &tag);

    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    timer_mod(t, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    /* Expired, but on a stopped clock: neither fires nor bounds the poll. */
    g_assert_cmpint(timerlist_deadline_ns(), ==, -1);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);
    g_assert_false(qemu_clock_run_all_timers());
    main_loop_wait(true);
    g_assert_cmpint(f.count, ==, 0);

    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    g_assert_cmpint(timerlist_deadline_ns(), ==, 0);
    main_loop_wait(false);
    g_assert_cmpint(f.count, ==, 1);
    timer_free(t);
}

static void test_deadline_wakes_wait(void)
{
    Fired f = { 0 };
    Tagged tag = { &f, 0, QEMU_CLOCK_REALTIME };
    QEMUTimer *t = timer_new_ms(QEMU_CLOCK_REALTIME, tagged_cb, &tag);
    int64_t deadline = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20;
    int64_t left;
    int iterations = 0;
    Watchdog w;

    timer_mod(t, deadline);
    left = timerlist_deadline_ns();
    g_assert_cmpint(left, >, 0);
    g_assert_cmpint(left, <=, 20 * SCALE_MS);

    watchdog_start(&w);
    while (!f.count && !g_atomic_int_get(&w.fired)) {
        main_loop_wait(false);
        iterations++;
    }
    watchdog_stop(&w);
    g_assert_cmpint(f.at_ns[0], >=, deadline * SCALE_MS);
    /*
     * A poll timeout that woke early (ms rounding down, say) would spin
     * here; the loop is otherwise idle, so expect a single wakeup plus slack.
     */
    g_assert_cmpint(iterations, <=, 3);
    timer_free(t);
}

typedef struct ArmFromThread {
    QEMUTimer *t;
    int64_t armed_at_ns;
} ArmFromThread;

static gpointer arm_thread(gpointer opaque)
{
    ArmFromThread *a = opaque;

    g_usleep(30 * 1000);
    a->armed_at_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * SCALE_MS;
    timer_mod(a->t, a->armed_at_ns);
    return NULL;
}

/* The main loop sleeps with no deadline; a thread arms a timer. */
static void test_mod_from_thread(void)
{
    Fired f = { 0 };
    Tagged tag = { &f, 0, QEMU_CLOCK_REALTIME };
    ArmFromThread a = { 0 };
    GThread *thread;

    main_loop_wait(true);
    a.t = timer_new_ns(QEMU_CLOCK_REALTIME, tagged_cb, &tag);
    thread = g_thread_new("arm", arm_thread, &a);
    run_until_count(&f.count, 1);
    g_thread_join(thread);
    g_assert_cmpint(f.at_ns[0], >=, a.armed_at_ns);
    timer_free(a.t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);

    g_test_add_func("/timer/clock/monotonic", test_clock_monotonic);
    g_test_add_func("/timer/clock/virtual-freeze", test_virtual_freeze);
    g_test_add_func("/timer/order", test_deadline_order);
    g_test_add_func("/timer/rearm-from-callback", test_rearm_from_callback);
    g_test_add_func("/timer/del-before-fire", test_del_before_fire);
    g_test_add_func("/timer/delete-other-in-callback",
                    test_delete_other_in_callback);
    g_test_add_func("/timer/anticipate", test_anticipate);
    g_test_add_func("/timer/scale", test_scale);
    g_test_add_func("/timer/virtual-disabled", test_virtual_disabled_timers);
    g_test_add_func("/timer/deadline-wakes-wait", test_deadline_wakes_wait);
    g_test_add_func("/timer/mod-from-thread", test_mod_from_thread);
    return g_test_run();
}
