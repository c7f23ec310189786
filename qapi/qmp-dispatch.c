/*
 * qmp-dispatch.c: validation of a QMP request object and the call of the
 * command's marshaller, with QEMU's error texts so that clients matching on
 * them keep working. Knows nothing about sessions: monitor/qmp.c decides
 * which command list applies (before or after capabilities negotiation).
 */
#include "qemu/osdep.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qapi-emit-events.h"
#include "qobject/qstring.h"

QDict *qmp_error_response(Error *err)
{
    QDict *rsp = qdict_new();
    QDict *error = qdict_new();

    qdict_put_str(error, "class", error_class_name(error_get_class(err)));
    qdict_put_str(error, "desc", error_get_pretty(err));
    qdict_put_obj(rsp, "error", QOBJECT(error));
    error_free(err);
    return rsp;
}

bool qmp_is_oob(const QDict *request)
{
    return qdict_haskey(request, "exec-oob") &&
           !qdict_haskey(request, "execute");
}

/*
 * The members a request may have, in QEMU's order of checks: returns the
 * command member's name ("execute" or "exec-oob"), or NULL with errp set.
 */
static const char *qmp_dispatch_check_obj(const QDict *dict, bool allow_oob,
                                          Error **errp)
{
    const char *exec_key = NULL;

    for (const QDictEntry *e = qdict_first(dict); e; e = qdict_next(dict, e)) {
        const char *key = qdict_entry_key(e);
        QObject *value = qdict_entry_value(e);

        if (!strcmp(key, "execute") ||
            (allow_oob && !strcmp(key, "exec-oob"))) {
            if (qobject_type(value) != QTYPE_QSTRING) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                return NULL;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member 'execute' clashes with "
                           "'exec-oob'");
                return NULL;
            }
            exec_key = key;
        } else if (!strcmp(key, "arguments")) {
            if (qobject_type(value) != QTYPE_QDICT) {
                error_setg(errp, "QMP input member 'arguments' must be an "
                           "object");
                return NULL;
            }
        } else if (strcmp(key, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            return NULL;
        }
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }
    return exec_key;
}

/* Runs the command; returns its result (never NULL on success unless the
 * command sends no success response) or NULL with errp set. */
static QObject *qmp_dispatch_run(const QmpCommandList *cmds, QDict *dict,
                                 bool allow_oob, bool *no_response,
                                 Error **errp)
{
    const char *exec_key = qmp_dispatch_check_obj(dict, allow_oob, errp);
    const QmpCommand *cmd;
    const char *name;
    QDict *args;
    QObject *ret = NULL;
    Error *err = NULL;

    if (!exec_key) {
        return NULL;
    }
    name = qdict_get_str(dict, exec_key);
    cmd = qmp_find_command(cmds, name);
    if (!cmd) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        return NULL;
    }
    if (!cmd->enabled) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Command %s has been disabled", name);
        return NULL;
    }
    if (!strcmp(exec_key, "exec-oob") && !(cmd->options & QCO_ALLOW_OOB)) {
        error_setg(errp, "The command %s does not support OOB", name);
        return NULL;
    }
    args = qdict_get_qdict(dict, "arguments");
    if (args) {
        qobject_ref(args);
    } else {
        args = qdict_new();
    }
    cmd->fn(args, &ret, &err);
    qobject_unref(args);
    if (err) {
        qobject_unref(ret);
        error_propagate(errp, err);
        return NULL;
    }
    if (cmd->options & QCO_NO_SUCCESS_RESP) {
        qobject_unref(ret);
        *no_response = true;
        return NULL;
    }
    return ret ? ret : QOBJECT(qdict_new());
}

QDict *qmp_dispatch(const QmpCommandList *cmds, QObject *request,
                    bool allow_oob)
{
    QDict *dict = qobject_to(QDict, request);
    bool no_response = false;
    Error *err = NULL;
    QObject *ret = NULL;
    QObject *id;
    QDict *rsp;

    if (!dict) {
        error_setg(&err, "QMP input must be a JSON object");
    } else {
        ret = qmp_dispatch_run(cmds, dict, allow_oob, &no_response, &err);
    }
    if (no_response) {
        return NULL;
    }
    if (err) {
        rsp = qmp_error_response(err);
    } else {
        rsp = qdict_new();
        qdict_put_obj(rsp, "return", ret);
    }
    id = dict ? qdict_get(dict, "id") : NULL;
    if (id) {
        qdict_put_obj(rsp, "id", qobject_ref(id));
    }
    return rsp;
}

/*
 * Programs without a QMP server (qemu-img, the unit tests) still link the
 * generated event senders: this weak default drops the events. The QMP
 * server's definition (monitor/qmp-events.c) replaces it in the emulator.
 */
__attribute__((weak)) void qapi_event_emit(QAPIEvent event, QDict *qdict)
{
}
