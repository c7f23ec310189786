/*
 * qmp-events.c: where QMP events leave Keel. qapi_event_emit() (called by
 * the generated qapi_event_send_*()) hands each event to every negotiated
 * session, throttling the ones QEMU throttles; the run-state hooks below
 * turn stops, starts, shutdowns, resets, powerdowns and panics into events.
 */
#include "qemu/osdep.h"
#include "monitor/qmp.h"
#include "qapi/qapi-emit-events.h"
#include "qapi/qapi-events.h"
#include "system/runstate.h"

/* QEMU sends at most one RTC_CHANGE per second: the first at once, the
 * last of a burst when the second is over. */
#define QMP_EVENT_THROTTLE_MS 1000

typedef struct QmpThrottle {
    QAPIEvent event;
    guint timer;        /* the window is open while non-zero */
    QDict *pending;     /* the newest event held back in this window */
} QmpThrottle;

static QmpThrottle qmp_throttles[] = {
    { .event = QAPI_EVENT_RTC_CHANGE },
};

static gboolean qmp_throttle_expired(gpointer opaque)
{
    QmpThrottle *t = opaque;

    if (!t->pending) {
        t->timer = 0;
        return G_SOURCE_REMOVE;
    }
    monitor_qmp_broadcast(t->pending);
    qobject_unref(t->pending);
    t->pending = NULL;
    return G_SOURCE_CONTINUE;   /* a new window starts with this one */
}

void qapi_event_emit(QAPIEvent event, QDict *qdict)
{
    for (size_t i = 0; i < G_N_ELEMENTS(qmp_throttles); i++) {
        QmpThrottle *t = &qmp_throttles[i];

        if (t->event != event) {
            continue;
        }
        if (t->timer) {
            qobject_unref(t->pending);
            t->pending = qobject_ref(qdict);
            return;
        }
        t->timer = g_timeout_add(QMP_EVENT_THROTTLE_MS, qmp_throttle_expired,
                                 t);
        break;
    }
    monitor_qmp_broadcast(qdict);
}

/* --- run-state hooks ------------------------------------------------------ */

static void qmp_events_vm_state(void *opaque, bool running, RunState state)
{
    if (running) {
        qapi_event_send_resume();
    } else {
        qapi_event_send_stop();
    }
}

static void qmp_events_shutdown(void *opaque, ShutdownCause cause)
{
    qapi_event_send_shutdown(shutdown_caused_by_guest(cause), cause);
}

static void qmp_events_reset(void *opaque, ShutdownCause cause)
{
    /* As QEMU: a device-initiated subsystem reset or a snapshot load is no
     * system reset anyone asked for. */
    if (cause == SHUTDOWN_CAUSE_SUBSYSTEM_RESET ||
        cause == SHUTDOWN_CAUSE_SNAPSHOT_LOAD) {
        return;
    }
    qapi_event_send_reset(shutdown_caused_by_guest(cause), cause);
}

static void qmp_events_powerdown(void *opaque, ShutdownCause cause)
{
    qapi_event_send_powerdown();
}

static void qmp_events_panic(void *opaque, const char *action)
{
    int a = qapi_enum_parse(&GuestPanicAction_lookup, action,
                            GUEST_PANIC_ACTION_PAUSE, NULL);

    qapi_event_send_guest_panicked(a, false, NULL);
}

void monitor_qmp_events_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    qemu_add_vm_change_state_handler(qmp_events_vm_state, NULL);
    qemu_register_shutdown_notifier(qmp_events_shutdown, NULL);
    qemu_register_reset_notifier(qmp_events_reset, NULL);
    qemu_register_powerdown_notifier(qmp_events_powerdown, NULL);
    qemu_register_panic_notifier(qmp_events_panic, NULL);
}
