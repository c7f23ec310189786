/*
 * qmp-cmds-control.c: the QMP commands about QMP itself: qmp_capabilities,
 * query-version, query-events, query-qmp-schema (query-commands lives with
 * the command table in qmp.c).
 */
#include "qemu/osdep.h"
#include "monitor/qmp.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-emit-events.h"
#include "qapi/qapi-visit.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qapi-introspect.h"

void qmp_qmp_capabilities(bool has_enable, QMPCapabilityList *enable,
                          Error **errp)
{
    bool oob = false;

    for (QMPCapabilityList *l = has_enable ? enable : NULL; l; l = l->next) {
        if (l->value == QMP_CAPABILITY_OOB) {
            oob = true;
        }
    }
    monitor_qmp_negotiate(oob, errp);
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(QEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = major;
    info->qemu->minor = minor;
    info->qemu->micro = micro;
    info->package = g_strdup("Keel " KEEL_VERSION);
    return info;
}

EventInfoList *qmp_query_events(Error **errp)
{
    EventInfoList *list = NULL;

    /* Newest first, as QEMU builds it. */
    for (int i = 0; i < QAPI_EVENT__MAX; i++) {
        EventInfoList *e = g_new0(EventInfoList, 1);

        e->value = g_new0(EventInfo, 1);
        e->value->name = g_strdup(QAPIEvent_str(i));
        e->next = list;
        list = e;
    }
    return list;
}

SchemaInfoList *qmp_query_qmp_schema(Error **errp)
{
    QObject *obj = qmp_schema_introspect();
    Visitor *v = qobject_input_visitor_new(obj);
    SchemaInfoList *ret = NULL;

    /* Through the SchemaInfo types: the output visitor then writes it in
     * the schema's member order, and a malformed table shows up here. */
    visit_type_SchemaInfoList(v, NULL, &ret, errp);
    visit_free(v);
    qobject_unref(obj);
    return ret;
}
