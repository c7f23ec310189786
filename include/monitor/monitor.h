/*
 * monitor.h: the human monitor (HMP) on a chardev. This is the small
 * monitor of the foundation (banner, prompt, a handful of commands); QMP
 * and the full HMP command set come with their own units.
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

/* Detach every monitor from its chardev (at exit, before the chardevs
 * themselves are deleted). */
void monitor_cleanup(void);

#endif
