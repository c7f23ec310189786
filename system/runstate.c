/*
 * runstate.c: the VM run state, the requests that change it (shutdown,
 * reset, powerdown, stop) and the termination signals that raise them.
 *
 * Requests only record a cause and wake the main loop; qemu_main_loop()
 * serves them in the main thread. QMP events and vCPU pausing are hooked in
 * by other layers through the notifier lists here; none of that lives here.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"

#include <pthread.h>
#include <signal.h>

bool no_shutdown;
bool no_reboot;
PanicAction panic_action = PANIC_ACTION_SHUTDOWN;

const char *runstate_name(RunState state)
{
    g_assert(state >= 0 && state < RUN_STATE__MAX);
    return RunState_str(state);
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    g_assert(cause >= 0 && cause < SHUTDOWN_CAUSE__MAX);
    return ShutdownCause_str(cause);
}

bool shutdown_caused_by_guest(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN ||
           cause == SHUTDOWN_CAUSE_GUEST_RESET ||
           cause == SHUTDOWN_CAUSE_GUEST_PANIC;
}

/* --- run state ----------------------------------------------------------- */

/* Written with the BQL held; read atomically so any thread may look. */
static int current_run_state = RUN_STATE_PRELAUNCH;

RunState runstate_get(void)
{
    return __atomic_load_n(&current_run_state, __ATOMIC_ACQUIRE);
}

void runstate_set(RunState state)
{
    g_assert(state >= 0 && state < RUN_STATE__MAX);
    __atomic_store_n(&current_run_state, state, __ATOMIC_RELEASE);
}

bool runstate_check(RunState state)
{
    return runstate_get() == state;
}

bool runstate_is_running(void)
{
    return runstate_check(RUN_STATE_RUNNING);
}

struct VMChangeStateEntry {
    VMChangeStateHandler *cb;
    void *opaque;
};

static GList *vm_change_state_handlers;

VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque)
{
    VMChangeStateEntry *e = g_new0(VMChangeStateEntry, 1);

    e->cb = cb;
    e->opaque = opaque;
    vm_change_state_handlers = g_list_append(vm_change_state_handlers, e);
    return e;
}

void qemu_del_vm_change_state_handler(VMChangeStateEntry *e)
{
    vm_change_state_handlers = g_list_remove(vm_change_state_handlers, e);
    g_free(e);
}

static void vm_state_notify(bool running, RunState state)
{
    GList *l, *next;

    /* Start in registration order, stop in reverse: layers unwind. */
    if (running) {
        for (l = vm_change_state_handlers; l; l = next) {
            VMChangeStateEntry *e = l->data;
            next = l->next;
            e->cb(e->opaque, running, state);
        }
    } else {
        for (l = g_list_last(vm_change_state_handlers); l; l = next) {
            VMChangeStateEntry *e = l->data;
            next = l->prev;
            e->cb(e->opaque, running, state);
        }
    }
}

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    runstate_set(RUN_STATE_RUNNING);
    vm_state_notify(true, RUN_STATE_RUNNING);
}

void vm_stop(RunState state)
{
    bool was_running = runstate_is_running();

    runstate_set(state);
    if (was_running) {
        qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
        vm_state_notify(false, state);
    }
}

/* --- notifier lists ------------------------------------------------------ */

typedef struct RunstateNotifier {
    void (*fn)(void);  /* cast back to the list's own type when called */
    void *opaque;
} RunstateNotifier;

static GList *shutdown_notifiers;
static GList *reset_notifiers;
static GList *powerdown_notifiers;
static GList *panic_notifiers;
static GList *reset_handlers;
static GList *exit_notifiers;

static GList *notifier_append(GList *list, void (*fn)(void), void *opaque)
{
    RunstateNotifier *n = g_new0(RunstateNotifier, 1);

    n->fn = fn;
    n->opaque = opaque;
    return g_list_append(list, n);
}

/* Removes the first entry matching fn and opaque, if there is one. */
static GList *notifier_remove(GList *list, void (*fn)(void), void *opaque)
{
    GList *l;

    for (l = list; l; l = l->next) {
        RunstateNotifier *n = l->data;
        if (n->fn == fn && n->opaque == opaque) {
            g_free(n);
            return g_list_delete_link(list, l);
        }
    }
    return list;
}

/* An entry may unregister itself from its own callback. */
static void request_notify(GList *list, ShutdownCause cause)
{
    GList *l, *next;

    for (l = list; l; l = next) {
        RunstateNotifier *n = l->data;
        next = l->next;
        ((QEMURequestNotifier *)n->fn)(n->opaque, cause);
    }
}

void qemu_register_shutdown_notifier(QEMURequestNotifier *fn, void *opaque)
{
    shutdown_notifiers = notifier_append(shutdown_notifiers,
                                         (void (*)(void))fn, opaque);
}

void qemu_register_reset_notifier(QEMURequestNotifier *fn, void *opaque)
{
    reset_notifiers = notifier_append(reset_notifiers, (void (*)(void))fn,
                                      opaque);
}

void qemu_register_powerdown_notifier(QEMURequestNotifier *fn, void *opaque)
{
    powerdown_notifiers = notifier_append(powerdown_notifiers,
                                          (void (*)(void))fn, opaque);
}

void qemu_unregister_request_notifier(QEMURequestNotifier *fn, void *opaque)
{
    void (*f)(void) = (void (*)(void))fn;

    shutdown_notifiers = notifier_remove(shutdown_notifiers, f, opaque);
    reset_notifiers = notifier_remove(reset_notifiers, f, opaque);
    powerdown_notifiers = notifier_remove(powerdown_notifiers, f, opaque);
}

void qemu_register_panic_notifier(QEMUPanicNotifier *fn, void *opaque)
{
    panic_notifiers = notifier_append(panic_notifiers, (void (*)(void))fn,
                                      opaque);
}

static void panic_notify(const char *action)
{
    for (GList *l = panic_notifiers; l; l = l->next) {
        RunstateNotifier *n = l->data;
        ((QEMUPanicNotifier *)n->fn)(n->opaque, action);
    }
}

void qemu_register_reset(QEMUResetHandler *func, void *opaque)
{
    reset_handlers = notifier_append(reset_handlers, (void (*)(void))func,
                                     opaque);
}

void qemu_unregister_reset(QEMUResetHandler *func, void *opaque)
{
    reset_handlers = notifier_remove(reset_handlers, (void (*)(void))func,
                                     opaque);
}

void qemu_devices_reset(ShutdownCause reason)
{
    GList *l, *next;

    for (l = reset_handlers; l; l = next) {
        RunstateNotifier *n = l->data;
        next = l->next;
        ((QEMUResetHandler *)n->fn)(n->opaque);
    }
}

void qemu_add_exit_notifier(QEMUExitNotifier *fn, void *opaque)
{
    RunstateNotifier *n = g_new0(RunstateNotifier, 1);

    /* Most recent first, like atexit(): teardown mirrors setup. */
    n->fn = (void (*)(void))fn;
    n->opaque = opaque;
    exit_notifiers = g_list_prepend(exit_notifiers, n);
}

static void runstate_run_exit_notifiers(void)
{
    /* Each runs once: detach the list first so a notifier may add more. */
    while (exit_notifiers) {
        GList *list = exit_notifiers;
        GList *l;

        exit_notifiers = NULL;
        for (l = list; l; l = l->next) {
            RunstateNotifier *n = l->data;
            ((QEMUExitNotifier *)n->fn)(n->opaque);
        }
        g_list_free_full(list, g_free);
    }
}

/* --- requests -------------------------------------------------------------- */

/*
 * Plain ints touched only with atomics and a write() to an eventfd: the
 * request functions run in vCPU threads, monitor threads and signal handlers.
 */
static int shutdown_requested;  /* ShutdownCause, NONE when idle */
static int reset_requested;     /* ShutdownCause, NONE when idle */
static int powerdown_requested;
static int vmstop_requested;    /* RunState + 1, 0 when idle */
static int shutdown_signal;
static int shutdown_pid;
static int guest_panic_requested;
static int main_loop_done;      /* qemu_main_loop() left its loop */

void (*runstate_stop_current_vcpu)(void);

void qemu_system_shutdown_request(ShutdownCause reason)
{
    if (reason == SHUTDOWN_CAUSE_NONE) {
        return;
    }
    __atomic_store_n(&shutdown_requested, reason, __ATOMIC_RELEASE);
    if (runstate_stop_current_vcpu) {
        runstate_stop_current_vcpu();
    }
    qemu_notify_event();
}

void qemu_system_reset_request(ShutdownCause reason)
{
    if (reason == SHUTDOWN_CAUSE_NONE) {
        return;
    }
    if (no_reboot && reason != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        __atomic_store_n(&shutdown_requested, reason, __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&reset_requested, reason, __ATOMIC_RELEASE);
    }
    if (runstate_stop_current_vcpu) {
        runstate_stop_current_vcpu();
    }
    qemu_notify_event();
}

void qemu_system_powerdown_request(void)
{
    __atomic_store_n(&powerdown_requested, 1, __ATOMIC_RELEASE);
    qemu_notify_event();
}

void qemu_system_vmstop_request(RunState state)
{
    __atomic_store_n(&vmstop_requested, state + 1, __ATOMIC_RELEASE);
    qemu_notify_event();
}

/*
 * QEMU stops the panicking vCPU at once (vm_stop from the vCPU thread);
 * here the main loop does the stopping, so the vCPU waits for it without
 * the BQL instead of running more guest code (the guest's next line must
 * not reach the serial port). Not from the main thread: it would wait on
 * itself.
 */
static void runstate_wait_panic_served(void)
{
    bool locked = bql_locked();

    if (qemu_in_main_thread()) {
        return;
    }
    if (locked) {
        bql_unlock();
    }
    /*
     * vm_stop() sets the state before it stops (joins) the vCPUs, so this
     * sees it change while the main loop waits for us to return.
     */
    while (runstate_is_running() &&
           !__atomic_load_n(&main_loop_done, __ATOMIC_ACQUIRE)) {
        g_usleep(100);
    }
    if (locked) {
        bql_lock();
    }
}

void qemu_system_guest_panicked(void)
{
    qemu_log_mask(LOG_GUEST_ERROR, "Guest crashed\n");
    if (panic_action == PANIC_ACTION_NONE) {
        panic_notify("run");
        return;
    }
    __atomic_store_n(&guest_panic_requested, 1, __ATOMIC_RELEASE);
    if (runstate_stop_current_vcpu) {
        runstate_stop_current_vcpu();
    }
    qemu_notify_event();
    runstate_wait_panic_served();
}

/* QEMU's order: stop in "guest-panicked", then (unless pausing) shut down. */
static void runstate_serve_guest_panic(void)
{
    bool pause = panic_action == PANIC_ACTION_PAUSE ||
                 (panic_action == PANIC_ACTION_SHUTDOWN && no_shutdown);

    int none = SHUTDOWN_CAUSE_NONE;

    panic_notify(pause ? "pause" : "poweroff");
    vm_stop(RUN_STATE_GUEST_PANICKED);
    /* A shutdown already asked for (a signal, quit) keeps its cause. */
    if (!pause) {
        __atomic_compare_exchange_n(&shutdown_requested, &none,
                                    SHUTDOWN_CAUSE_GUEST_PANIC, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    }
}

void qemu_system_killed(int sig, pid_t pid)
{
    __atomic_store_n(&shutdown_signal, sig, __ATOMIC_RELAXED);
    __atomic_store_n(&shutdown_pid, pid, __ATOMIC_RELAXED);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
}

/* argv[0] of a process as QEMU prints it (not shortened), or NULL. */
static char *runstate_pid_name(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    char *contents = NULL;
    gsize len;

    if (!g_file_get_contents(path, &contents, &len, NULL)) {
        return NULL;
    }
    /* Empty for kernel threads and zombies; NUL ends argv[0]. */
    if (len == 0 || contents[0] == '\0') {
        g_free(contents);
        return NULL;
    }
    return contents;
}

static void runstate_kill_report(void)
{
    int sig = __atomic_load_n(&shutdown_signal, __ATOMIC_RELAXED);
    pid_t pid = __atomic_load_n(&shutdown_pid, __ATOMIC_RELAXED);
    g_autofree char *name = NULL;

    if (!sig) {
        return;
    }
    if (pid == 0) {
        /* Sent by the kernel, e.g. ^C on the controlling terminal. */
        error_report("terminating on signal %d", sig);
        return;
    }
    name = runstate_pid_name(pid);
    error_report("terminating on signal %d from pid %d (%s)", sig, (int)pid,
                 name ? name : "<unknown process>");
}

/* Causes where the host, not the guest, wants the process gone. */
static bool shutdown_cause_forces_exit(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_HOST_QMP_QUIT ||
           cause == SHUTDOWN_CAUSE_HOST_SIGNAL ||
           cause == SHUTDOWN_CAUSE_HOST_UI;
}

bool qemu_system_request_pending(void)
{
    return __atomic_load_n(&shutdown_requested, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&reset_requested, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&powerdown_requested, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&vmstop_requested, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&guest_panic_requested, __ATOMIC_ACQUIRE);
}

bool main_loop_should_exit(int *status)
{
    ShutdownCause cause;
    int stop;

    /* Before the shutdown it may request, as QEMU's synchronous vm_stop. */
    if (__atomic_load_n(&guest_panic_requested, __ATOMIC_ACQUIRE)) {
        runstate_serve_guest_panic();
        __atomic_store_n(&guest_panic_requested, 0, __ATOMIC_RELEASE);
    }

    cause = __atomic_exchange_n(&shutdown_requested, SHUTDOWN_CAUSE_NONE,
                                __ATOMIC_ACQ_REL);
    if (cause != SHUTDOWN_CAUSE_NONE) {
        if (cause == SHUTDOWN_CAUSE_HOST_SIGNAL) {
            runstate_kill_report();
        }
        request_notify(shutdown_notifiers, cause);
        if (!no_shutdown || shutdown_cause_forces_exit(cause)) {
            *status = cause == SHUTDOWN_CAUSE_GUEST_PANIC &&
                      panic_action == PANIC_ACTION_EXIT_FAILURE ? 1 : 0;
            return true;
        }
        vm_stop(RUN_STATE_SHUTDOWN);
    }

    cause = __atomic_exchange_n(&reset_requested, SHUTDOWN_CAUSE_NONE,
                                __ATOMIC_ACQ_REL);
    if (cause != SHUTDOWN_CAUSE_NONE) {
        qemu_devices_reset(cause);
        request_notify(reset_notifiers, cause);
        /* A stopped VM that was reset waits to be started afresh ("cont"). */
        if (!runstate_check(RUN_STATE_RUNNING) &&
            !runstate_check(RUN_STATE_INMIGRATE) &&
            !runstate_check(RUN_STATE_FINISH_MIGRATE)) {
            runstate_set(RUN_STATE_PRELAUNCH);
        }
    }

    if (__atomic_exchange_n(&powerdown_requested, 0, __ATOMIC_ACQ_REL)) {
        request_notify(powerdown_notifiers, SHUTDOWN_CAUSE_NONE);
    }

    stop = __atomic_exchange_n(&vmstop_requested, 0, __ATOMIC_ACQ_REL);
    if (stop) {
        vm_stop(stop - 1);
    }
    return false;
}

int qemu_main_loop(void)
{
    int status = 0;

    while (!main_loop_should_exit(&status)) {
        main_loop_wait(false);
    }
    /* A vCPU waiting for its panic to be served must not wait for us. */
    __atomic_store_n(&main_loop_done, 1, __ATOMIC_RELEASE);
    runstate_run_exit_notifiers();
    return status;
}

/* --- signals ------------------------------------------------------------- */

static void runstate_termsig_handler(int sig, siginfo_t *info, void *ctx)
{
    int saved_errno = errno;
    /* si_pid means something only for signals a process sent. */
    pid_t pid = info && info->si_code <= 0 ? info->si_pid : 0;

    qemu_system_killed(sig, pid);
    errno = saved_errno;
}

bool os_setup_signal_handling(Error **errp)
{
    static const int termsigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction act;
    sigset_t set;
    size_t i;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = runstate_termsig_handler;
    act.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&act.sa_mask);
    sigemptyset(&set);
    for (i = 0; i < ARRAY_SIZE(termsigs); i++) {
        if (sigaction(termsigs[i], &act, NULL) < 0) {
            error_setg_errno(errp, errno, "Failed to install the handler "
                             "for signal %d", termsigs[i]);
            return false;
        }
        sigaddset(&set, termsigs[i]);
    }

    memset(&act, 0, sizeof(act));
    act.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &act, NULL) < 0) {
        error_setg_errno(errp, errno, "Failed to ignore SIGPIPE");
        return false;
    }

    /* A parent may have left them blocked; the main thread must take them. */
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return true;
}
