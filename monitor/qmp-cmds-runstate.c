/*
 * qmp-cmds-runstate.c: the QMP commands that look at or change the run
 * state: query-status, stop, cont, system_reset, system_powerdown,
 * system_wakeup, quit, and inject-nmi. HMP's twins call these, so both
 * monitors behave alike. The requests are served by the main loop
 * (system/runstate.c).
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "qapi/qapi-commands.h"
#include "system/runstate.h"

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = runstate_is_running();
    info->status = runstate_get();
    return info;
}

void qmp_stop(Error **errp)
{
    /* As QEMU's vm_stop(): a VM that is not running keeps its state
     * ("shutdown", "prelaunch"...) and no STOP event goes out. */
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
}

void qmp_cont(Error **errp)
{
    if (runstate_check(RUN_STATE_INTERNAL_ERROR) ||
        runstate_check(RUN_STATE_SHUTDOWN)) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    }
    if (runstate_check(RUN_STATE_SUSPENDED)) {
        return;
    }
    if (runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        error_setg(errp, "Migration is not finalized yet");
        return;
    }
    vm_start();
}

void qmp_system_reset(Error **errp)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

void qmp_system_powerdown(Error **errp)
{
    qemu_system_powerdown_request();
}

void qmp_system_wakeup(Error **errp)
{
    /* The PC machine offers no S3 here, so there is nothing to wake. */
    error_setg(errp, "wake-up from suspend is not supported by this guest");
}

void qmp_quit(Error **errp)
{
    /* Exits even with -no-shutdown (the cause forces it). */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

void qmp_inject_nmi(Error **errp)
{
    /* An NMI to every vCPU, as QEMU's x86 machines do; the vCPU walk is
     * HMP's (it owns the CPU list behind "info cpus"). */
    hmp_cpu_nmi_all(errp);
}
