/*
 * qmp.h: QMP monitors (-qmp, -qmp-pretty, -mon mode=control). Each monitor
 * sits on a chardev and serves one client at a time; every new connection
 * is a fresh session (greeting, then qmp_capabilities). Also the hooks the
 * control commands (qmp-cmds-control.c) and the event code need.
 */
#ifndef MONITOR_QMP_H
#define MONITOR_QMP_H

#include "chardev/char.h"
#include "monitor/qmp-fds.h"
#include "qobject/qdict.h"

typedef struct MonitorQMP MonitorQMP;

/*
 * monitor_init_qmp: attach a QMP monitor to @chr; @pretty indents the
 * output. Fails when the chardev already has a frontend.
 */
bool monitor_init_qmp(Chardev *chr, bool pretty, Error **errp);

/* Send what is still queued (the reply to "quit"), detach every QMP monitor
 * from its chardev. At exit, before the chardevs are deleted. */
void monitor_qmp_cleanup(void);

/*
 * monitor_qmp_broadcast: queue @msg (an event: borrowed) to every session
 * that finished capabilities negotiation. BQL held.
 */
void monitor_qmp_broadcast(const QDict *msg);

/* The session whose command is running, or NULL (HMP, start-up). */
MonitorQMP *monitor_qmp_current(void);

/*
 * monitor_qmp_negotiate: qmp_capabilities for the current session: leaves
 * negotiation mode, enabling out-of-band execution if @oob. Fails with
 * QEMU's errors when negotiation is complete already (CommandNotFound) or
 * when there is no current session.
 */
bool monitor_qmp_negotiate(bool oob, Error **errp);

/*
 * monitor_qmp_take_fd: the oldest file descriptor the current session's
 * client passed with SCM_RIGHTS and nobody claimed yet, or -1 (getfd,
 * add-fd). The caller owns it.
 */
int monitor_qmp_take_fd(void);

/* The fds the monitor's clients named with getfd (name -> fd as a
 * GINT_TO_POINTER; removing an entry closes the fd). */
GHashTable *monitor_qmp_named_fds(MonitorQMP *mon);

/* Events (qmp-events.c): emit STOP/RESUME/SHUTDOWN/RESET/POWERDOWN/
 * GUEST_PANICKED from the run-state notifiers. Called once, at the first
 * QMP monitor. */
void monitor_qmp_events_init(void);

#endif
