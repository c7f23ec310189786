/*
 * hmp-qom.c: qom-list, qom-get and qom-set in the human monitor, on top
 * of their QMP twins (monitor/qmp-cmds-qom.c): "name (type)" lines, and
 * values printed as JSON, as QEMU's HMP prints them.
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "qapi/qapi-commands.h"
#include "qobject/json.h"
#include "qobject/qstring.h"

void hmp_qom_list(Monitor *mon, const QDict *qdict)
{
    const char *path = qdict_get_try_str(qdict, "path");
    g_autoptr(ObjectPropertyInfoList) list = NULL;
    Error *err = NULL;

    /* QEMU lists the root's children for a missing path. */
    list = qmp_qom_list(path ? path : "/", &err);
    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    for (ObjectPropertyInfoList *l = list; l; l = l->next) {
        monitor_printf(mon, "%s (%s)\n", l->value->name, l->value->type);
    }
}

void hmp_qom_get(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;
    QObject *obj = qmp_qom_get(qdict_get_str(qdict, "path"),
                               qdict_get_str(qdict, "property"), &err);
    g_autoptr(GString) text = NULL;

    if (!obj) {
        hmp_handle_error(mon, err);
        return;
    }
    text = qobject_to_json_pretty(obj, true);
    monitor_printf(mon, "%s\n", text->str);
    qobject_unref(obj);
}

void hmp_qom_set(Monitor *mon, const QDict *qdict)
{
    QString *value = qstring_from_str(qdict_get_str(qdict, "value"));
    Error *err = NULL;

    qmp_qom_set(qdict_get_str(qdict, "path"),
                qdict_get_str(qdict, "property"), QOBJECT(value), &err);
    qobject_unref(value);
    hmp_handle_error(mon, err);
}
