/*
 * qmp.c: the QMP server. A QMP monitor sits on a chardev; each client
 * connection is a session: greeting, capabilities negotiation, then
 * requests parsed by the JSON streamer, run in order through qmp_dispatch()
 * and answered on the same chardev, with events interleaved. Input and
 * output are bounded per session so that a client cannot make Keel grow.
 */
#include "qemu/osdep.h"
#include "monitor/qmp.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qapi-commands.h"
#include "qemu/main-loop.h"
#include "qobject/json.h"
#include "qobject/json-streamer.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "system/runstate.h"

/* Parsed requests waiting to run; reading pauses beyond this (QEMU: 8). */
#define QMP_REQ_QUEUE_MAX 8
/* Bytes read at once: small enough that one read queues few requests. */
#define QMP_READ_CHUNK 4096
/* Reading (so running commands) pauses while this much output waits. */
#define QMP_OUT_PAUSE (256 * 1024)
/* Events are dropped while this much output waits: a client that never
 * reads must not make the queue grow without bound. */
#define QMP_OUT_MAX (4 * 1024 * 1024)
/* How long the last output may take to leave at exit. */
#define QMP_EXIT_FLUSH_US (2 * G_USEC_PER_SEC)
/* Retry interval for output the chardev could not take at once. */
#define QMP_FLUSH_RETRY_MS 5

typedef struct QmpRequest {
    QObject *req;   /* a parsed value, or NULL when err */
    Error *err;     /* a JSON error to answer */
} QmpRequest;

struct MonitorQMP {
    CharBackend be;
    bool pretty;
    bool connected;     /* a client is there (OPENED seen, no CLOSED) */
    bool negotiated;    /* qmp_capabilities ran in this session */
    bool oob;           /* the "oob" capability is on */
    bool oob_offered;   /* the greeting offers "oob" */
    bool input_paused;  /* can_read said 0: call accept_input later */
    bool processing;    /* qmp_session_process() is on the stack */
    JSONMessageParser parser;
    GQueue reqs;        /* QmpRequest */
    GString *out;       /* bytes not written yet, from out_pos */
    size_t out_pos;
    guint flush_source; /* glib timeout retrying the write, or 0 */
    uint64_t events_dropped;
    GHashTable *named_fds;  /* getfd: name -> fd, for the monitor's life */
    QDict *held_rsp;        /* a reply waiting for the main loop (below) */
    guint held_source;      /* the timeout that releases it, or 0 */
};

static GPtrArray *qmp_monitors;
static MonitorQMP *qmp_cur;
static QmpCommandList qmp_commands;
static QmpCommandList qmp_cap_negotiation_commands;
static bool qmp_commands_ready;

/* --- output -------------------------------------------------------------- */

static void qmp_flush(MonitorQMP *mon);
static void qmp_session_process(MonitorQMP *mon);
static void qmp_queue(MonitorQMP *mon, const QDict *msg);

/* Queue the reply held for the main loop (see qmp_handle), if any. */
static void qmp_release_held(MonitorQMP *mon)
{
    if (mon->held_rsp) {
        qmp_queue(mon, mon->held_rsp);
        qobject_unref(mon->held_rsp);
        mon->held_rsp = NULL;
    }
}

static size_t qmp_out_pending(const MonitorQMP *mon)
{
    return mon->out->len - mon->out_pos;
}

/*
 * Main loop: the chardev may take more now. Once the output has drained,
 * run the requests that waited for room (only here and from the read
 * handler: a flush caused by an event, maybe on a vCPU thread or inside
 * another session's command, must not run commands).
 */
static gboolean qmp_flush_retry(gpointer opaque)
{
    MonitorQMP *mon = opaque;

    mon->flush_source = 0;
    qmp_flush(mon);
    if (qmp_out_pending(mon) == 0 && !mon->processing) {
        qmp_session_process(mon);
    }
    return G_SOURCE_REMOVE;
}

/* Write what the chardev takes now; come back later for the rest. */
static void qmp_flush(MonitorQMP *mon)
{
    while (mon->out_pos < mon->out->len) {
        size_t left = mon->out->len - mon->out_pos;
        int n = qemu_chr_fe_write(&mon->be,
                                  (const uint8_t *)mon->out->str + mon->out_pos,
                                  left > INT_MAX ? INT_MAX : (int)left);
        if (n <= 0) {
            /* Keep the buffer from growing by what was sent already. */
            if (mon->out_pos >= QMP_OUT_PAUSE) {
                g_string_erase(mon->out, 0, mon->out_pos);
                mon->out_pos = 0;
            }
            if (!mon->flush_source) {
                mon->flush_source = g_timeout_add(QMP_FLUSH_RETRY_MS,
                                                  qmp_flush_retry, mon);
            }
            return;
        }
        mon->out_pos += n;
    }
    g_string_truncate(mon->out, 0);
    mon->out_pos = 0;
}

/* One message: JSON, a newline, every "\n" sent as "\r\n" as QEMU does. */
static void qmp_queue(MonitorQMP *mon, const QDict *msg)
{
    g_autoptr(GString) json = qobject_to_json_pretty(QOBJECT(msg), mon->pretty);

    if (mon->out_pos > 0 && mon->out_pos == mon->out->len) {
        g_string_truncate(mon->out, 0);
        mon->out_pos = 0;
    }
    for (size_t i = 0; i < json->len; i++) {
        if (json->str[i] == '\n') {
            g_string_append_c(mon->out, '\r');
        }
        g_string_append_c(mon->out, json->str[i]);
    }
    g_string_append(mon->out, "\r\n");
}

static void qmp_send(MonitorQMP *mon, const QDict *msg)
{
    qmp_queue(mon, msg);
    qmp_flush(mon);
}

void monitor_qmp_broadcast(const QDict *msg)
{
    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(qmp_monitors, i);

        if (!mon->connected || !mon->negotiated) {
            continue;
        }
        if (qmp_out_pending(mon) > QMP_OUT_MAX) {
            mon->events_dropped++;
            continue;
        }
        qmp_queue(mon, msg);
        /* The event of the request a held reply waited for came first. */
        qmp_release_held(mon);
        qmp_flush(mon);
    }
}

/* --- sessions ------------------------------------------------------------ */

static void qmp_send_greeting(MonitorQMP *mon)
{
    g_autoptr(QDict) msg = qdict_new();
    QDict *qmp = qdict_new();
    QDict *version = qdict_new();
    QDict *qemu = qdict_new();
    QList *caps = qlist_new();
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(QEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    qdict_put_int(qemu, "micro", micro);
    qdict_put_int(qemu, "minor", minor);
    qdict_put_int(qemu, "major", major);
    qdict_put_obj(version, "qemu", QOBJECT(qemu));
    qdict_put_str(version, "package", "Keel " KEEL_VERSION);
    qdict_put_obj(qmp, "version", QOBJECT(version));
    if (mon->oob_offered) {
        qlist_append_str(caps, "oob");
    }
    qdict_put_obj(qmp, "capabilities", QOBJECT(caps));
    qdict_put_obj(msg, "QMP", QOBJECT(qmp));
    qmp_send(mon, msg);
}

static void qmp_request_free(QmpRequest *r)
{
    qobject_unref(r->req);
    error_free(r->err);
    g_free(r);
}

/* Forget everything of the client that left (or before a new one). */
static void qmp_session_reset(MonitorQMP *mon)
{
    QmpRequest *r;

    mon->negotiated = false;
    mon->oob = false;
    mon->input_paused = false;
    while ((r = g_queue_pop_head(&mon->reqs))) {
        qmp_request_free(r);
    }
    /* The streamer may hold half a value; drop it (connected is false, so
     * the flush's error goes nowhere). */
    json_message_parser_flush(&mon->parser);
    while ((r = g_queue_pop_head(&mon->reqs))) {
        qmp_request_free(r);
    }
    g_string_truncate(mon->out, 0);
    mon->out_pos = 0;
    qobject_unref(mon->held_rsp);
    mon->held_rsp = NULL;
    if (mon->held_source) {
        g_source_remove(mon->held_source);
        mon->held_source = 0;
    }
    if (mon->flush_source) {
        g_source_remove(mon->flush_source);
        mon->flush_source = 0;
    }
}

/* Main loop, after the pending requests were served: the held reply goes
 * out (unless an event took it already) and the requests behind it run. */
static gboolean qmp_held_timeout(gpointer opaque)
{
    MonitorQMP *mon = opaque;

    mon->held_source = 0;
    qmp_release_held(mon);
    qmp_flush(mon);
    if (!mon->processing) {
        qmp_session_process(mon);
    }
    return G_SOURCE_REMOVE;
}

static void qmp_handle(MonitorQMP *mon, QmpRequest *r)
{
    g_autoptr(QDict) rsp = NULL;

    if (r->err) {
        rsp = qmp_error_response(r->err);
        r->err = NULL;
    } else {
        QmpCommandList *cmds = mon->negotiated ? &qmp_commands
                                               : &qmp_cap_negotiation_commands;
        MonitorQMP *saved = qmp_cur;

        qmp_cur = mon;
        rsp = qmp_dispatch(cmds, r->req, mon->oob);
        qmp_cur = saved;
        if (rsp && cmds == &qmp_cap_negotiation_commands) {
            QDict *error = qdict_get_qdict(rsp, "error");

            if (error && !g_strcmp0(qdict_get_try_str(error, "class"),
                                    "CommandNotFound")) {
                qdict_del(error, "desc");
                qdict_put_str(error, "desc", "Expecting capabilities "
                              "negotiation with 'qmp_capabilities'");
            }
        }
    }
    if (!rsp || !mon->connected) {
        return;
    }
    /*
     * QEMU replies to a command that left a request for the main loop
     * (quit, system_reset, system_powerdown) only once the main loop served
     * it, so clients see SHUTDOWN/RESET/POWERDOWN first. Keep that order:
     * hold the reply until the event goes out or the main loop has had its
     * turn (a zero timeout runs after it); cleanup sends it at exit.
     */
    if (qemu_system_request_pending()) {
        mon->held_rsp = g_steal_pointer(&rsp);
        mon->held_source = g_timeout_add(0, qmp_held_timeout, mon);
        return;
    }
    qmp_send(mon, rsp);
}

/* Run queued requests in order while output has room. */
static void qmp_session_process(MonitorQMP *mon)
{
    QmpRequest *r;

    mon->processing = true;
    /* Replies go out in order: nothing runs while one is held (until
     * qmp_held_timeout). */
    while (mon->connected && !mon->held_source &&
           qmp_out_pending(mon) < QMP_OUT_PAUSE &&
           (r = g_queue_pop_head(&mon->reqs))) {
        qmp_handle(mon, r);
        qmp_request_free(r);
    }
    mon->processing = false;
    if (mon->input_paused && mon->connected &&
        g_queue_get_length(&mon->reqs) < QMP_REQ_QUEUE_MAX &&
        qmp_out_pending(mon) < QMP_OUT_PAUSE) {
        mon->input_paused = false;
        qemu_chr_fe_accept_input(&mon->be);
    }
}

static void qmp_json_emit(void *opaque, QObject *json, Error *err)
{
    MonitorQMP *mon = opaque;
    QmpRequest *r;

    if (!mon->connected) {
        qobject_unref(json);
        error_free(err);
        return;
    }
    r = g_new0(QmpRequest, 1);
    r->req = json;
    r->err = err;
    g_queue_push_tail(&mon->reqs, r);
}

static int qmp_can_read(void *opaque)
{
    MonitorQMP *mon = opaque;

    if (g_queue_get_length(&mon->reqs) >= QMP_REQ_QUEUE_MAX ||
        qmp_out_pending(mon) >= QMP_OUT_PAUSE) {
        mon->input_paused = true;
        return 0;
    }
    return QMP_READ_CHUNK;
}

static void qmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorQMP *mon = opaque;

    if (!mon->connected) {
        return;
    }
    json_message_parser_feed(&mon->parser, (const char *)buf, size);
    qmp_session_process(mon);
}

static void qmp_event(void *opaque, QEMUChrEvent event)
{
    MonitorQMP *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        mon->connected = false;
        qmp_session_reset(mon);
        mon->connected = true;
        qmp_send_greeting(mon);
        break;
    case CHR_EVENT_CLOSED:
        mon->connected = false;
        qmp_session_reset(mon);
        break;
    case CHR_EVENT_BREAK:
    case CHR_EVENT_MUX_IN:
    case CHR_EVENT_MUX_OUT:
        break;
    }
}

/* --- commands and negotiation ---------------------------------------------- */

static void qmp_commands_init(void)
{
    const QmpCommand *cap;

    if (qmp_commands_ready) {
        return;
    }
    qmp_commands_ready = true;
    qmp_init_marshal(&qmp_commands);
    /* Before negotiation only qmp_capabilities runs (QEMU's design). */
    cap = qmp_find_command(&qmp_commands, "qmp_capabilities");
    if (cap) {
        qmp_register_command(&qmp_cap_negotiation_commands, cap->name,
                             cap->fn, cap->options);
    }
}

static void qmp_add_command_info(const QmpCommand *cmd, void *opaque)
{
    CommandInfoList **list = opaque;
    CommandInfoList *e;

    if (!cmd->enabled) {
        return;
    }
    e = g_new0(CommandInfoList, 1);
    e->value = g_new0(CommandInfo, 1);
    e->value->name = g_strdup(cmd->name);
    e->next = *list;
    *list = e;
}

CommandInfoList *qmp_query_commands(Error **errp)
{
    CommandInfoList *list = NULL;

    qmp_commands_init();
    qmp_for_each_command(&qmp_commands, qmp_add_command_info, &list);
    return list;
}

MonitorQMP *monitor_qmp_current(void)
{
    return qmp_cur;
}

bool monitor_qmp_negotiate(bool oob, Error **errp)
{
    MonitorQMP *mon = qmp_cur;

    if (!mon) {
        error_setg(errp, "qmp_capabilities is only for QMP sessions");
        return false;
    }
    if (mon->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return false;
    }
    if (oob && !mon->oob_offered) {
        error_setg(errp, "Capability 'oob' not available");
        return false;
    }
    mon->oob = oob;
    mon->negotiated = true;
    return true;
}

static void qmp_close_fd(gpointer fd)
{
    close(GPOINTER_TO_INT(fd));
}

GHashTable *monitor_qmp_named_fds(MonitorQMP *mon)
{
    return mon->named_fds;
}

int monitor_qmp_take_fd(void)
{
    if (!qmp_cur) {
        return -1;
    }
    return qemu_chr_socket_take_fd(qemu_chr_fe_get_driver(&qmp_cur->be));
}

/* --- set-up and tear-down ------------------------------------------------- */

bool monitor_init_qmp(Chardev *chr, bool pretty, Error **errp)
{
    MonitorQMP *mon = g_new0(MonitorQMP, 1);

    if (!qemu_chr_fe_init(&mon->be, chr, errp)) {
        g_free(mon);
        return false;
    }
    qmp_commands_init();
    monitor_qmp_events_init();
    mon->pretty = pretty;
    /* QEMU 7.2 offers out-of-band execution on every QMP chardev, a mux
     * included; nothing in Keel depends on the chardev for it. */
    mon->oob_offered = true;
    mon->out = g_string_new(NULL);
    mon->named_fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           qmp_close_fd);
    g_queue_init(&mon->reqs);
    json_message_parser_init(&mon->parser, qmp_json_emit, mon);
    if (!qmp_monitors) {
        qmp_monitors = g_ptr_array_new();
    }
    g_ptr_array_add(qmp_monitors, mon);
    qemu_chr_fe_set_handlers(&mon->be, qmp_can_read, qmp_read, qmp_event,
                             mon, true);
    return true;
}

void monitor_qmp_cleanup(void)
{
    if (!qmp_monitors) {
        return;
    }
    for (guint i = 0; i < qmp_monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(qmp_monitors, i);
        int64_t deadline;
        size_t left;
        int n;

        qmp_release_held(mon);
        /*
         * The last replies ("quit") and events (SHUTDOWN) must arrive, but
         * a client that reads nothing must not keep Keel from exiting.
         */
        deadline = g_get_monotonic_time() + QMP_EXIT_FLUSH_US;
        while (mon->connected && qmp_out_pending(mon) > 0 &&
               g_get_monotonic_time() < deadline) {
            left = qmp_out_pending(mon);
            n = qemu_chr_fe_write(&mon->be,
                                  (const uint8_t *)mon->out->str + mon->out_pos,
                                  left > INT_MAX ? INT_MAX : (int)left);
            if (n > 0) {
                mon->out_pos += n;
            } else {
                g_usleep(1000);
            }
        }
        mon->connected = false;
        qmp_session_reset(mon);
        qemu_chr_fe_deinit(&mon->be, false);
        json_message_parser_destroy(&mon->parser);
        g_hash_table_destroy(mon->named_fds);
        g_string_free(mon->out, true);
        g_free(mon);
    }
    g_ptr_array_free(qmp_monitors, true);
    qmp_monitors = NULL;
}
