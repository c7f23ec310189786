/*
 * qmp-dispatch.h: one QMP request in, one response out. Checks the request
 * object as QEMU does ("execute"/"exec-oob", "arguments", "id"), finds the
 * command in a registry (qmp-registry.h), runs its marshaller and builds
 * the {"return": ...} or {"error": {"class", "desc"}} reply with "id" echoed.
 * Sessions, negotiation and framing live in monitor/qmp.c.
 */
#ifndef QAPI_QMP_DISPATCH_H
#define QAPI_QMP_DISPATCH_H

#include "qapi/qmp-registry.h"
#include "qobject/qdict.h"

/*
 * qmp_dispatch: run @request (any parsed JSON value; borrowed) against
 * @cmds. "exec-oob" is accepted only with @allow_oob (otherwise it is an
 * unexpected member, as in QEMU). Returns a new response dict, or NULL for
 * a command registered with QCO_NO_SUCCESS_RESP that succeeded.
 */
QDict *qmp_dispatch(const QmpCommandList *cmds, QObject *request,
                    bool allow_oob);

/* qmp_error_response: {"error": {"class": C, "desc": D}}; frees @err. */
QDict *qmp_error_response(Error *err);

/* qmp_is_oob: does @request (a dict) ask for out-of-band execution? */
bool qmp_is_oob(const QDict *request);

#endif
