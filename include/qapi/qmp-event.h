/*
 * qmp-event.h: the common part of every QMP event: the dict
 * {"timestamp": {"seconds": S, "microseconds": U}, "event": NAME}, in that
 * member order (the generated senders add "data" after it, as QEMU).
 */
#ifndef QAPI_QMP_EVENT_H
#define QAPI_QMP_EVENT_H

#include "qobject/qdict.h"

/* A new dict (caller owns the reference); the time is g_get_real_time(). */
QDict *qmp_event_build_dict(const char *event_name);

#endif
