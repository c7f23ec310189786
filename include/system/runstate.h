/*
 * runstate.h: the VM's run state and the requests that change it
 * (shutdown, reset, powerdown, stop), served by the main loop.
 *
 * Requests may come from any thread (a vCPU, a signal handler via the
 * main loop, a monitor); they are recorded and acted on by
 * qemu_main_loop() in the main thread.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

/* RunState and ShutdownCause (RUN_STATE_RUNNING, SHUTDOWN_CAUSE_HOST_QMP_QUIT,
 * ...) are generated from qapi/run-state.json, with QEMU's names. */
#include "qapi/qapi-types-run-state.h"

const char *runstate_name(RunState state);      /* "running", ... */
const char *shutdown_cause_name(ShutdownCause); /* "host-signal", ... */

RunState runstate_get(void);
void runstate_set(RunState state);
bool runstate_is_running(void);

/* Requests (any thread). */
void qemu_system_shutdown_request(ShutdownCause reason);
void qemu_system_reset_request(ShutdownCause reason);
void qemu_system_powerdown_request(void);
/*
 * Set by an accelerator whose vCPUs run on their own threads without
 * exiting to the main loop (TCG): called by the shutdown and reset
 * requests so that a vCPU asking for one stops at once, as QEMU's
 * cpu_stop_current() does; a no-op on other threads. Must be
 * async-signal-safe (shutdown requests come from signal handlers).
 */
extern void (*runstate_stop_current_vcpu)(void);
/* Called from a signal handler context path: record that signal sig from
 * pid asked us to terminate (the main loop prints
 * "qemu-system-x86_64: terminating on signal N from pid P (cmd)"). */
void qemu_system_killed(int sig, pid_t pid);

/* -no-shutdown: a guest shutdown stops the VM instead of exiting.
 * -no-reboot: a guest reset exits instead of resetting. */
extern bool no_shutdown;
extern bool no_reboot;

/* -action panic=: what a guest panic (pvpanic) does; QEMU's PanicAction. */
typedef enum PanicAction {
    PANIC_ACTION_SHUTDOWN,      /* the default; pauses with -no-shutdown */
    PANIC_ACTION_PAUSE,
    PANIC_ACTION_EXIT_FAILURE,  /* shut down with exit status 1 */
    PANIC_ACTION_NONE,          /* the guest runs on */
} PanicAction;
extern PanicAction panic_action;

/*
 * The guest reported a panic: per panic_action the VM stops in
 * "guest-panicked" and then shuts down (exit status 0, or 1 for
 * exit-failure), stays stopped, or runs on. Any thread; called from a vCPU
 * thread holding the BQL it returns only once the VM has left "running",
 * so the panicking vCPU runs no further, as in QEMU.
 */
void qemu_system_guest_panicked(void);

/* Hooks the machine installs (reset handlers run on reset requests). */
typedef void QEMUResetHandler(void *opaque);
void qemu_register_reset(QEMUResetHandler *func, void *opaque);
void qemu_unregister_reset(QEMUResetHandler *func, void *opaque);
void qemu_devices_reset(ShutdownCause reason);

/* Notifiers run when the main loop decides to exit (before cleanup). */
typedef void QEMUExitNotifier(void *opaque);
void qemu_add_exit_notifier(QEMUExitNotifier *fn, void *opaque);

/* Install SIGINT/SIGTERM/SIGHUP handling that turns the signals into a
 * shutdown request. */
bool os_setup_signal_handling(Error **errp);

/* Run the main loop until a shutdown request is served. Returns the exit
 * status for main(): 0 for a requested shutdown (guest or host). */
int qemu_main_loop(void);

/*
 * Notes on the contract above:
 * - The run state starts as "prelaunch". Call the functions below with the
 *   BQL held, except the *_request() ones and qemu_system_killed(), which
 *   are safe from any thread and (shutdown and killed) from signal handlers.
 * - A shutdown request is served by qemu_main_loop(): the shutdown notifiers
 *   run; then, with -no-shutdown and a cause other than host-qmp-quit,
 *   host-signal or host-ui, the VM stops in state "shutdown" and the loop
 *   keeps running; otherwise the exit notifiers run (most recently added
 *   first, each once) and qemu_main_loop() returns 0. A host-signal exit
 *   first prints "terminating on signal N[ from pid P (argv0)]".
 * - With -no-reboot every reset request but subsystem-reset becomes a
 *   shutdown request with the same cause, as in QEMU.
 * - A served reset runs the reset handlers in registration order, then the
 *   reset notifiers; a VM that is not running is left in "prelaunch".
 * - Exit notifiers only run on an orderly exit through qemu_main_loop(). Code
 *   that must undo something even on exit(1) (the stdio chardev restoring the
 *   terminal) registers an atexit() handler as well.
 */

bool runstate_check(RunState state);
/* Ask the main loop to vm_stop(state) (e.g. io-error, guest-panicked from a
 * vCPU thread). Any thread. */
void qemu_system_vmstop_request(RunState state);
/* guest-shutdown, guest-reset and guest-panic: the guest asked for it. */
bool shutdown_caused_by_guest(ShutdownCause cause);

/* Called with (opaque, cause) when a shutdown, reset or powerdown request is
 * served (cause is SHUTDOWN_CAUSE_NONE for powerdown). This is where QMP
 * emits SHUTDOWN / RESET and the machine injects an ACPI power button. */
typedef void QEMURequestNotifier(void *opaque, ShutdownCause cause);
void qemu_register_shutdown_notifier(QEMURequestNotifier *fn, void *opaque);
void qemu_register_reset_notifier(QEMURequestNotifier *fn, void *opaque);
void qemu_register_powerdown_notifier(QEMURequestNotifier *fn, void *opaque);
void qemu_unregister_request_notifier(QEMURequestNotifier *fn, void *opaque);

/*
 * Called when a guest panic is served, before the VM stops, with what
 * happens next in QMP's GuestPanicAction words: "pause", "poweroff" or
 * "run" (-action panic=none: called from the panicking vCPU's thread, BQL
 * held). This is where QMP emits GUEST_PANICKED.
 */
typedef void QEMUPanicNotifier(void *opaque, const char *action);
void qemu_register_panic_notifier(QEMUPanicNotifier *fn, void *opaque);

/*
 * VM start/stop. vm_stop() freezes the VIRTUAL clock, sets the state and
 * calls the change-state handlers with running=false (the vCPU layer hooks
 * in there); vm_start() does the reverse and sets "running". Both do
 * nothing but set the state when the VM is already stopped / running.
 */
typedef void VMChangeStateHandler(void *opaque, bool running, RunState state);
typedef struct VMChangeStateEntry VMChangeStateEntry;
VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque);
void qemu_del_vm_change_state_handler(VMChangeStateEntry *e);
void vm_start(void);
void vm_stop(RunState state);

/* A shutdown, reset, powerdown, stop or panic request waits to be served
 * by the main loop (QMP holds a command's reply until it was). */
bool qemu_system_request_pending(void);

/* Serve pending requests once; true with *status set if the loop must end.
 * qemu_main_loop() is main_loop_wait() until this says so. */
bool main_loop_should_exit(int *status);

#endif
