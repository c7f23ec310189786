/*
 * test-main-loop.c: unit tests for the main loop (fd handlers, wakeups,
 * bottom halves, the BQL) and for run-state requests and signals.
 * Timers have their own test in test-timer.c.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"

#include <signal.h>

static const char *test_argv0;

/* --- helpers --------------------------------------------------------------- */

/*
 * A REALTIME timer that ends a wait that would otherwise hang: the thing
 * under test failing shows up as the watchdog having fired.
 */
static bool watchdog_fired;

static void watchdog_cb(void *opaque)
{
    watchdog_fired = true;
}

static QEMUTimer *watchdog_start(void)
{
    QEMUTimer *t = timer_new_ms(QEMU_CLOCK_REALTIME, watchdog_cb, NULL);

    watchdog_fired = false;
    timer_mod(t, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 10000);
    return t;
}

static void watchdog_stop(QEMUTimer *t)
{
    timer_free(t);
    g_assert_false(watchdog_fired);
}

/* Run the loop until *flag (set by any thread) or the watchdog fires. */
static void run_until(int *flag)
{
    QEMUTimer *wd = watchdog_start();

    while (!g_atomic_int_get(flag) && !watchdog_fired) {
        main_loop_wait(false);
    }
    watchdog_stop(wd);
}

/* Drain anything left over so a test starts from a quiet loop. */
static void loop_settle(void)
{
    int i;

    for (i = 0; i < 4; i++) {
        main_loop_wait(true);
    }
}

/* --- fd handlers ----------------------------------------------------------- */

typedef struct PipeState {
    int fds[2];
    int reads;
    int writes;
    char last;
    bool remove_self;
    bool replace_self;
    int replaced_reads;
} PipeState;

static void pipe_replacement_read(void *opaque)
{
    PipeState *s = opaque;
    char c;

    s->replaced_reads++;
    g_assert_cmpint(read(s->fds[0], &c, 1), ==, 1);
    qemu_set_fd_handler(s->fds[0], NULL, NULL, NULL);
}

static void pipe_read(void *opaque)
{
    PipeState *s = opaque;

    g_assert_true(qemu_in_main_thread());
    g_assert_true(bql_locked());
    s->reads++;
    if (s->remove_self) {
        /* Leave the byte unread: a leftover handler would fire again. */
        qemu_set_fd_handler(s->fds[0], NULL, NULL, NULL);
        return;
    }
    if (s->replace_self) {
        qemu_set_fd_handler(s->fds[0], NULL, NULL, NULL);
        qemu_set_fd_handler(s->fds[0], pipe_replacement_read, NULL, s);
        return;
    }
    g_assert_cmpint(read(s->fds[0], &s->last, 1), ==, 1);
}

static void pipe_write(void *opaque)
{
    PipeState *s = opaque;

    s->writes++;
    qemu_set_fd_handler(s->fds[1], NULL, NULL, NULL);
}

static void pipe_open(PipeState *s)
{
    memset(s, 0, sizeof(*s));
    g_assert_cmpint(pipe2(s->fds, O_CLOEXEC | O_NONBLOCK), ==, 0);
}

static void pipe_close(PipeState *s)
{
    qemu_set_fd_handler(s->fds[0], NULL, NULL, NULL);
    qemu_set_fd_handler(s->fds[1], NULL, NULL, NULL);
    close(s->fds[0]);
    close(s->fds[1]);
}

static void test_fd_read(void)
{
    PipeState s;

    pipe_open(&s);
    qemu_set_fd_handler(s.fds[0], pipe_read, NULL, &s);
    loop_settle();
    g_assert_cmpint(s.reads, ==, 0);

    g_assert_cmpint(write(s.fds[1], "x", 1), ==, 1);
    run_until(&s.reads);
    g_assert_cmpint(s.reads, ==, 1);
    g_assert_cmpint(s.last, ==, 'x');

    /* Nothing more to read: the handler must stay quiet. */
    loop_settle();
    g_assert_cmpint(s.reads, ==, 1);
    pipe_close(&s);
}

static void test_fd_write(void)
{
    PipeState s;

    pipe_open(&s);
    qemu_set_fd_handler(s.fds[1], NULL, pipe_write, &s);
    run_until(&s.writes);
    /* It removed itself, so a writable pipe does not call it again. */
    loop_settle();
    g_assert_cmpint(s.writes, ==, 1);
    pipe_close(&s);
}

static void test_fd_remove_self(void)
{
    PipeState s;

    pipe_open(&s);
    s.remove_self = true;
    qemu_set_fd_handler(s.fds[0], pipe_read, NULL, &s);
    g_assert_cmpint(write(s.fds[1], "x", 1), ==, 1);
    run_until(&s.reads);
    loop_settle();
    g_assert_cmpint(s.reads, ==, 1);
    pipe_close(&s);
}

static void test_fd_replace_self(void)
{
    PipeState s;

    pipe_open(&s);
    s.replace_self = true;
    qemu_set_fd_handler(s.fds[0], pipe_read, NULL, &s);
    g_assert_cmpint(write(s.fds[1], "x", 1), ==, 1);
    run_until(&s.replaced_reads);
    loop_settle();
    g_assert_cmpint(s.reads, ==, 1);
    g_assert_cmpint(s.replaced_reads, ==, 1);
    pipe_close(&s);
}

/* Re-setting a live handler updates it in place rather than adding one. */
static void test_fd_update(void)
{
    PipeState s;

    pipe_open(&s);
    qemu_set_fd_handler(s.fds[0], pipe_replacement_read, NULL, &s);
    qemu_set_fd_handler(s.fds[0], pipe_read, NULL, &s);
    g_assert_cmpint(write(s.fds[1], "y", 1), ==, 1);
    run_until(&s.reads);
    loop_settle();
    g_assert_cmpint(s.reads, ==, 1);
    g_assert_cmpint(s.replaced_reads, ==, 0);
    pipe_close(&s);
}

/* --- wakeups from other threads ------------------------------------------- */

static int thread_done;

static gpointer notify_thread(gpointer opaque)
{
    g_usleep(50 * 1000);
    g_atomic_int_set(&thread_done, 1);
    qemu_notify_event();
    return NULL;
}

static void test_notify_wakes_wait(void)
{
    QEMUTimer *wd;
    GThread *t;

    loop_settle();
    g_atomic_int_set(&thread_done, 0);
    wd = watchdog_start();
    t = g_thread_new("notify", notify_thread, NULL);
    /* Nothing but the notification can end this wait before the watchdog. */
    while (!g_atomic_int_get(&thread_done) && !watchdog_fired) {
        main_loop_wait(false);
    }
    g_thread_join(t);
    watchdog_stop(wd);
}

/* --- glib sources share the loop ------------------------------------------ */

static gboolean glib_timeout_cb(gpointer opaque)
{
    int *fired = opaque;

    g_assert_true(bql_locked());
    (*fired)++;
    return G_SOURCE_REMOVE;
}

/* A g_timeout_add() deadline must bound the poll like a QEMU timer does. */
static void test_glib_timeout(void)
{
    int fired = 0;
    gint64 start = g_get_monotonic_time();

    g_timeout_add(10, glib_timeout_cb, &fired);
    run_until(&fired);
    g_assert_cmpint(fired, ==, 1);
    g_assert_cmpint(g_get_monotonic_time() - start, >=, 10 * 1000);
    loop_settle();
    g_assert_cmpint(fired, ==, 1);
}

static gboolean glib_io_cb(GIOChannel *chan, GIOCondition cond,
                           gpointer opaque)
{
    int *fired = opaque;
    char c;

    g_assert_cmpint(read(g_io_channel_unix_get_fd(chan), &c, 1), ==, 1);
    (*fired)++;
    return G_SOURCE_REMOVE;
}

static gpointer glib_idle_thread(gpointer opaque)
{
    g_usleep(20 * 1000);
    /* Adding a source from another thread wakes the loop through glib. */
    g_idle_add(glib_timeout_cb, opaque);
    return NULL;
}

static void test_glib_sources(void)
{
    int io_fired = 0, idle_fired = 0;
    GIOChannel *chan;
    GThread *t;
    int fds[2];

    /* What a chardev does: an io watch on the default context. */
    g_assert_cmpint(pipe2(fds, O_CLOEXEC), ==, 0);
    chan = g_io_channel_unix_new(fds[0]);
    g_io_add_watch(chan, G_IO_IN, glib_io_cb, &io_fired);
    g_assert_cmpint(write(fds[1], "z", 1), ==, 1);
    run_until(&io_fired);
    g_io_channel_unref(chan);
    close(fds[0]);
    close(fds[1]);

    t = g_thread_new("idle", glib_idle_thread, &idle_fired);
    run_until(&idle_fired);
    g_thread_join(t);
}

/* --- bottom halves --------------------------------------------------------- */

typedef struct BHState {
    QEMUBH *bh;
    int runs;
    bool in_main_with_bql;
    bool reschedule;
    bool delete_self;
} BHState;

static void bh_cb(void *opaque)
{
    BHState *s = opaque;

    s->in_main_with_bql = qemu_in_main_thread() && bql_locked();
    g_atomic_int_inc(&s->runs);
    if (s->reschedule) {
        qemu_bh_schedule(s->bh);
    }
    if (s->delete_self) {
        qemu_bh_delete(s->bh);
        s->bh = NULL;
    }
}

static gpointer bh_schedule_thread(gpointer opaque)
{
    BHState *s = opaque;

    g_assert_false(bql_locked());
    g_usleep(20 * 1000);
    qemu_bh_schedule(s->bh);
    return NULL;
}

static void test_bh_from_thread(void)
{
    BHState s = { 0 };
    GThread *t;

    s.bh = qemu_bh_new(bh_cb, &s);
    t = g_thread_new("bh", bh_schedule_thread, &s);
    run_until(&s.runs);
    g_thread_join(t);
    g_assert_cmpint(s.runs, ==, 1);
    g_assert_true(s.in_main_with_bql);
    loop_settle();
    g_assert_cmpint(s.runs, ==, 1);
    qemu_bh_delete(s.bh);
}

static void test_bh_reschedule_self(void)
{
    BHState s = { 0 };
    int i;

    s.bh = qemu_bh_new(bh_cb, &s);
    s.reschedule = true;
    qemu_bh_schedule(s.bh);
    /* Once per iteration: rescheduling must not loop inside one pass. */
    for (i = 1; i <= 3; i++) {
        main_loop_wait(false);
        g_assert_cmpint(s.runs, ==, i);
    }
    qemu_bh_delete(s.bh);
    loop_settle();
    g_assert_cmpint(s.runs, ==, 3);
}

static void test_bh_schedule_twice_runs_once(void)
{
    BHState s = { 0 };

    s.bh = qemu_bh_new(bh_cb, &s);
    qemu_bh_schedule(s.bh);
    qemu_bh_schedule(s.bh);
    main_loop_wait(true);
    loop_settle();
    g_assert_cmpint(s.runs, ==, 1);
    qemu_bh_delete(s.bh);
}

static void test_bh_cancel(void)
{
    BHState s = { 0 };

    s.bh = qemu_bh_new(bh_cb, &s);
    qemu_bh_schedule(s.bh);
    qemu_bh_cancel(s.bh);
    loop_settle();
    g_assert_cmpint(s.runs, ==, 0);

    /* A cancelled BH can be scheduled again. */
    qemu_bh_schedule(s.bh);
    main_loop_wait(true);
    g_assert_cmpint(s.runs, ==, 1);
    qemu_bh_delete(s.bh);
}

static void test_bh_delete(void)
{
    BHState s = { 0 };

    /* Deleting a scheduled BH: it never runs, and nothing leaks. */
    s.bh = qemu_bh_new(bh_cb, &s);
    qemu_bh_schedule(s.bh);
    qemu_bh_delete(s.bh);
    loop_settle();
    g_assert_cmpint(s.runs, ==, 0);

    /* Deleting from its own callback. */
    s.bh = qemu_bh_new(bh_cb, &s);
    s.delete_self = true;
    qemu_bh_schedule(s.bh);
    main_loop_wait(true);
    g_assert_cmpint(s.runs, ==, 1);
    g_assert_null(s.bh);
    loop_settle();
    g_assert_cmpint(s.runs, ==, 1);
}

typedef struct DeleteOther {
    QEMUBH *first, *second;
    int second_runs;
} DeleteOther;

static void bh_delete_other_cb(void *opaque)
{
    DeleteOther *d = opaque;

    qemu_bh_delete(d->second);
}

static void bh_count_cb(void *opaque)
{
    DeleteOther *d = opaque;

    d->second_runs++;
}

/* A BH deleted by another BH of the same pass must not run. */
static void test_bh_delete_other(void)
{
    DeleteOther d = { 0 };

    d.first = qemu_bh_new(bh_delete_other_cb, &d);
    d.second = qemu_bh_new(bh_count_cb, &d);
    qemu_bh_schedule(d.first);
    qemu_bh_schedule(d.second);
    main_loop_wait(true);
    loop_settle();
    g_assert_cmpint(d.second_runs, ==, 0);
    qemu_bh_delete(d.first);
}

static void oneshot_cb(void *opaque)
{
    int *runs = opaque;

    g_assert_true(bql_locked());
    (*runs)++;
}

static void test_bh_oneshot(void)
{
    int runs = 0;

    aio_bh_schedule_oneshot(oneshot_cb, &runs);
    main_loop_wait(false);
    g_assert_cmpint(runs, ==, 1);
    loop_settle();
    g_assert_cmpint(runs, ==, 1);
}

/* --- the BQL --------------------------------------------------------------- */

static int bql_thread_saw_unlocked;
static int bql_thread_got_lock;

static gpointer bql_thread(gpointer opaque)
{
    g_atomic_int_set(&bql_thread_saw_unlocked, !bql_locked());
    {
        BQL_LOCK_GUARD();
        /* Only possible while the main thread sleeps in main_loop_wait. */
        g_atomic_int_set(&bql_thread_got_lock, bql_locked());
    }
    g_assert_false(bql_locked());
    qemu_notify_event();
    return NULL;
}

static void test_bql(void)
{
    GThread *t;

    g_assert_true(bql_locked());
    g_assert_true(qemu_in_main_thread());
    {
        /* Already held: the guard must neither deadlock nor release it. */
        BQL_LOCK_GUARD();
        g_assert_true(bql_locked());
    }
    g_assert_true(bql_locked());

    g_atomic_int_set(&bql_thread_got_lock, 0);
    t = g_thread_new("bql", bql_thread, NULL);
    run_until(&bql_thread_got_lock);
    g_thread_join(t);
    g_assert_true(g_atomic_int_get(&bql_thread_saw_unlocked));
    g_assert_true(bql_locked());
}

/* --- run state ------------------------------------------------------------- */

static void test_runstate_names(void)
{
    g_assert_cmpstr(runstate_name(RUN_STATE_RUNNING), ==, "running");
    g_assert_cmpstr(runstate_name(RUN_STATE_PAUSED), ==, "paused");
    g_assert_cmpstr(runstate_name(RUN_STATE_PRELAUNCH), ==, "prelaunch");
    g_assert_cmpstr(runstate_name(RUN_STATE_SHUTDOWN), ==, "shutdown");
    g_assert_cmpstr(runstate_name(RUN_STATE_GUEST_PANICKED), ==,
                    "guest-panicked");
    g_assert_cmpstr(runstate_name(RUN_STATE_INTERNAL_ERROR), ==,
                    "internal-error");
    g_assert_cmpstr(runstate_name(RUN_STATE_FINISH_MIGRATE), ==,
                    "finish-migrate");
    g_assert_cmpstr(shutdown_cause_name(SHUTDOWN_CAUSE_HOST_QMP_QUIT), ==,
                    "host-qmp-quit");
    g_assert_cmpstr(shutdown_cause_name(SHUTDOWN_CAUSE_HOST_SIGNAL), ==,
                    "host-signal");
    g_assert_cmpstr(shutdown_cause_name(SHUTDOWN_CAUSE_GUEST_SHUTDOWN), ==,
                    "guest-shutdown");
    g_assert_cmpstr(shutdown_cause_name(
                        SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET), ==,
                    "host-qmp-system-reset");
    g_assert_true(shutdown_caused_by_guest(SHUTDOWN_CAUSE_GUEST_RESET));
    g_assert_false(shutdown_caused_by_guest(SHUTDOWN_CAUSE_HOST_SIGNAL));
}

typedef struct Events {
    int exits;
    int shutdowns;
    ShutdownCause shutdown_cause;
    int resets;
    ShutdownCause reset_cause;
    int reset_handler_runs;
    int powerdowns;
    RunState state_after_shutdown;
    bool quit_after_shutdown;
    bool quit_after_reset;
    bool quit_after_powerdown;
} Events;

static void exit_cb(void *opaque)
{
    Events *e = opaque;

    e->exits++;
}

static void quit_bh(void *opaque)
{
    Events *e = opaque;

    e->state_after_shutdown = runstate_get();
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

static void shutdown_cb(void *opaque, ShutdownCause cause)
{
    Events *e = opaque;

    e->shutdowns++;
    e->shutdown_cause = cause;
    if (e->quit_after_shutdown) {
        e->quit_after_shutdown = false;
        /* Runs only if the loop went on after serving this shutdown. */
        aio_bh_schedule_oneshot(quit_bh, e);
    }
}

static void reset_notify_cb(void *opaque, ShutdownCause cause)
{
    Events *e = opaque;

    e->resets++;
    e->reset_cause = cause;
    if (e->quit_after_reset) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    }
}

static void reset_handler(void *opaque)
{
    Events *e = opaque;

    e->reset_handler_runs++;
}

static void powerdown_cb(void *opaque, ShutdownCause cause)
{
    Events *e = opaque;

    e->powerdowns++;
    if (e->quit_after_powerdown) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    }
}

static void events_register(Events *e)
{
    memset(e, 0, sizeof(*e));
    qemu_add_exit_notifier(exit_cb, e);
    qemu_register_shutdown_notifier(shutdown_cb, e);
    qemu_register_reset_notifier(reset_notify_cb, e);
    qemu_register_powerdown_notifier(powerdown_cb, e);
    qemu_register_reset(reset_handler, e);
}

static void events_unregister(Events *e)
{
    qemu_unregister_request_notifier(shutdown_cb, e);
    qemu_unregister_request_notifier(reset_notify_cb, e);
    qemu_unregister_request_notifier(powerdown_cb, e);
    qemu_unregister_reset(reset_handler, e);
    no_shutdown = false;
    no_reboot = false;
    vm_start();
}

static gpointer quit_thread(gpointer opaque)
{
    g_usleep(20 * 1000);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return NULL;
}

static void test_shutdown_from_thread(void)
{
    Events e;
    GThread *t;

    events_register(&e);
    t = g_thread_new("quit", quit_thread, NULL);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    g_thread_join(t);
    g_assert_cmpint(e.shutdowns, ==, 1);
    g_assert_cmpint(e.shutdown_cause, ==, SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    g_assert_cmpint(e.exits, ==, 1);
    events_unregister(&e);

    /* Exit notifiers run once: a second exit does not call them again. */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    g_assert_cmpint(e.exits, ==, 1);
}

static void test_no_shutdown(void)
{
    Events e;

    events_register(&e);
    vm_start();
    no_shutdown = true;
    e.quit_after_shutdown = true;
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    /* The guest's shutdown stopped the VM; only the quit ended the loop. */
    g_assert_cmpint(e.state_after_shutdown, ==, RUN_STATE_SHUTDOWN);
    g_assert_cmpint(e.shutdowns, ==, 2);
    g_assert_cmpint(e.shutdown_cause, ==, SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    g_assert_cmpint(e.exits, ==, 1);
    g_assert_false(qemu_clock_is_enabled(QEMU_CLOCK_VIRTUAL));
    events_unregister(&e);
    g_assert_true(qemu_clock_is_enabled(QEMU_CLOCK_VIRTUAL));
}

static void test_reset(void)
{
    Events e;

    events_register(&e);
    vm_start();
    e.quit_after_reset = true;
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    g_assert_cmpint(e.reset_handler_runs, ==, 1);
    g_assert_cmpint(e.resets, ==, 1);
    g_assert_cmpint(e.reset_cause, ==, SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_cmpint(e.shutdown_cause, ==, SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    g_assert_true(runstate_is_running());
    events_unregister(&e);

    /* Resetting a paused VM leaves it waiting in prelaunch, as QEMU does. */
    events_register(&e);
    vm_stop(RUN_STATE_PAUSED);
    e.quit_after_reset = true;
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    g_assert_cmpint(e.reset_handler_runs, ==, 1);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PRELAUNCH);
    events_unregister(&e);
}

static void test_no_reboot(void)
{
    Events e;

    events_register(&e);
    no_reboot = true;
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    g_assert_cmpint(e.reset_handler_runs, ==, 0);
    g_assert_cmpint(e.shutdowns, ==, 1);
    g_assert_cmpint(e.shutdown_cause, ==, SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_cmpint(e.exits, ==, 1);
    events_unregister(&e);
}

static void test_powerdown(void)
{
    Events e;

    events_register(&e);
    e.quit_after_powerdown = true;
    qemu_system_powerdown_request();
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    g_assert_cmpint(e.powerdowns, ==, 1);
    /* A powerdown is a request to the guest, not an exit by itself. */
    g_assert_cmpint(e.shutdown_cause, ==, SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    events_unregister(&e);
}

static void capture_print(void *opaque, const char *text)
{
    g_string_append(opaque, text);
}

static void test_sigterm(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *expected = NULL;
    Events e;

    g_assert_true(os_setup_signal_handling(&error_abort));
    events_register(&e);
    /* -no-shutdown only pauses on guest requests; a signal always exits. */
    no_shutdown = true;
    error_set_print_hook(capture_print, out);
    g_assert_cmpint(raise(SIGTERM), ==, 0);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    error_set_print_hook(NULL, NULL);

    expected = g_strdup_printf("terminating on signal %d from pid %d (%s)\n",
                               SIGTERM, (int)getpid(), test_argv0);
    g_assert_cmpstr(out->str, ==, expected);
    g_assert_cmpint(e.shutdown_cause, ==, SHUTDOWN_CAUSE_HOST_SIGNAL);
    g_assert_cmpint(e.exits, ==, 1);
    events_unregister(&e);
}

/* The real program's message on stderr, checked in a child process. */
static void test_sigint_stderr(void)
{
    if (g_test_subprocess()) {
        g_assert_true(qemu_init_main_loop(&error_abort));
        g_assert_true(os_setup_signal_handling(&error_abort));
        raise(SIGINT);
        exit(qemu_main_loop());
    }
    g_test_trap_subprocess(NULL, 20 * G_USEC_PER_SEC, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("qemu-system-x86_64: terminating on signal 2 "
                              "from pid *\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_argv0 = argv[0];
    if (!g_test_subprocess()) {
        qemu_init_main_loop(&error_abort);
    }

    g_test_add_func("/main-loop/fd/read", test_fd_read);
    g_test_add_func("/main-loop/fd/write", test_fd_write);
    g_test_add_func("/main-loop/fd/remove-self", test_fd_remove_self);
    g_test_add_func("/main-loop/fd/replace-self", test_fd_replace_self);
    g_test_add_func("/main-loop/fd/update", test_fd_update);
    g_test_add_func("/main-loop/notify/from-thread", test_notify_wakes_wait);
    g_test_add_func("/main-loop/glib/timeout", test_glib_timeout);
    g_test_add_func("/main-loop/glib/sources", test_glib_sources);
    g_test_add_func("/main-loop/bh/from-thread", test_bh_from_thread);
    g_test_add_func("/main-loop/bh/reschedule-self", test_bh_reschedule_self);
    g_test_add_func("/main-loop/bh/schedule-twice",
                    test_bh_schedule_twice_runs_once);
    g_test_add_func("/main-loop/bh/cancel", test_bh_cancel);
    g_test_add_func("/main-loop/bh/delete", test_bh_delete);
    g_test_add_func("/main-loop/bh/delete-other", test_bh_delete_other);
    g_test_add_func("/main-loop/bh/oneshot", test_bh_oneshot);
    g_test_add_func("/main-loop/bql", test_bql);
    g_test_add_func("/runstate/names", test_runstate_names);
    g_test_add_func("/runstate/shutdown-from-thread",
                    test_shutdown_from_thread);
    g_test_add_func("/runstate/no-shutdown", test_no_shutdown);
    g_test_add_func("/runstate/reset", test_reset);
    g_test_add_func("/runstate/no-reboot", test_no_reboot);
    g_test_add_func("/runstate/powerdown", test_powerdown);
    g_test_add_func("/runstate/sigterm", test_sigterm);
    g_test_add_func("/runstate/sigint-stderr", test_sigint_stderr);
    return g_test_run();
}
