/*
 * monitor.h: the human monitor (HMP) as the rest of the emulator sees it:
 * attach one to a chardev, print to it, run a command line into a string
 * (QMP's human-monitor-command), detach them all at exit. The command set
 * and the session are in monitor/hmp*.c (include/monitor/hmp.h).
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "chardev/char.h"

typedef struct Monitor Monitor;

/**
 * monitor_init_hmp: attach a human monitor to chr (a plain chardev or a
 * mux). With use_readline the monitor echoes, edits the line and shows the
 * "(qemu) " prompt; without, it reads bare command lines. Fails when the
 * chardev already has a frontend ("Device 'ID' is in use").
 */
bool monitor_init_hmp(Chardev *chr, bool use_readline, Error **errp);

/* printf to a monitor; "\n" goes out as "\r\n", as terminals expect. */
void monitor_printf(Monitor *mon, const char *fmt, ...) QEMU_PRINTF(2, 3);

/*
 * hmp_run_command_to_string: - run one HMP command line on a monitor
 * whose output goes to a string (lines end in "\r\n", as QEMU's
 * human-monitor-command returns them), with vCPU cpu_index as the
 * current one. Free with g_free.
 */
char *hmp_run_command_to_string(const char *cmdline, int cpu_index);

/* Detach every monitor from its chardev (at exit, before the chardevs
 * themselves are deleted). */
void monitor_cleanup(void);

#endif
