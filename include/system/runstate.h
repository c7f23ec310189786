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

/* Names as in QEMU's qapi/run-state.json (RunState). */
typedef enum RunState {
    RUN_STATE_DEBUG,
    RUN_STATE_INMIGRATE,
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE_IO_ERROR,
    RUN_STATE_PAUSED,
    RUN_STATE_POSTMIGRATE,
    RUN_STATE_PRELAUNCH,
    RUN_STATE_FINISH_MIGRATE,
    RUN_STATE_RESTORE_VM,
    RUN_STATE_RUNNING,
    RUN_STATE_SAVE_VM,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_SUSPENDED,
    RUN_STATE_WATCHDOG,
    RUN_STATE_GUEST_PANICKED,
    RUN_STATE_COLO,
    RUN_STATE__MAX
} RunState;

/* Names as in QEMU's qapi/run-state.json (ShutdownCause). */
typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_ERROR,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_HOST_UI,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE_GUEST_PANIC,
    SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
    SHUTDOWN_CAUSE_SNAPSHOT_LOAD,
    SHUTDOWN_CAUSE__MAX
} ShutdownCause;

const char *runstate_name(RunState state);      /* "running", ... */
const char *shutdown_cause_name(ShutdownCause); /* "host-signal", ... */

RunState runstate_get(void);
void runstate_set(RunState state);
bool runstate_is_running(void);

/* Requests (any thread). */
void qemu_system_shutdown_request(ShutdownCause reason);
void qemu_system_reset_request(ShutdownCause reason);
void qemu_system_powerdown_request(void);
/* Called from a signal handler context path: record that signal sig from
 * pid asked us to terminate (the main loop prints
 * "qemu-system-x86_64: terminating on signal N from pid P (cmd)"). */
void qemu_system_killed(int sig, pid_t pid);

/* -no-shutdown: a guest shutdown stops the VM instead of exiting.
 * -no-reboot: a guest reset exits instead of resetting. */
extern bool no_shutdown;
extern bool no_reboot;

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

#endif
