/*
 * qmp-registry.h: the table of QMP commands (name -> marshaller, options).
 * Generated code fills it (qmp_init_marshal() in qapi/qapi-commands.h); the
 * QMP server looks commands up in it.
 */
#ifndef QAPI_QMP_REGISTRY_H
#define QAPI_QMP_REGISTRY_H

#include "qemu/error.h"
#include "qobject/qdict.h"

/* A marshaller: ARGS may be NULL (no "arguments"); on success *RET is set
 * to a new reference (an empty dict for commands without 'returns'). */
typedef void (QmpCommandFunc)(QDict *args, QObject **ret, Error **errp);

typedef enum QmpCommandOptions {
    QCO_NO_OPTIONS = 0,
    QCO_NO_SUCCESS_RESP = 1,
    QCO_ALLOW_OOB = 2,
    QCO_ALLOW_PRECONFIG = 4,
} QmpCommandOptions;

typedef struct QmpCommand {
    const char *name;
    QmpCommandFunc *fn;
    QmpCommandOptions options;
    bool enabled;
} QmpCommand;

/*
 * A command table. A zero-initialised one (a static variable) is an empty
 * table, ready for use; qmp_command_list_new() allocates one.
 */
typedef struct QmpCommandList {
    GHashTable *by_name;        /* name -> QmpCommand * (owned by ordered) */
    GPtrArray *ordered;         /* QmpCommand *, in registration order */
} QmpCommandList;

QmpCommandList *qmp_command_list_new(void);
/* Free a table from qmp_command_list_new(). */
void qmp_command_list_free(QmpCommandList *cmds);
/* Empty a table (static or not) and release what it holds. */
void qmp_command_list_clear(QmpCommandList *cmds);
/* Add (or replace) command NAME; it starts enabled. NAME must outlive CMDS
 * (a string literal). */
void qmp_register_command(QmpCommandList *cmds, const char *name, QmpCommandFunc *fn,
                          QmpCommandOptions options);
void qmp_unregister_command(QmpCommandList *cmds, const char *name);
/* NULL if there is no such command. */
const QmpCommand *qmp_find_command(const QmpCommandList *cmds, const char *name);
void qmp_disable_command(QmpCommandList *cmds, const char *name, bool disabled);
/* Every command, in registration order. */
void qmp_for_each_command(const QmpCommandList *cmds,
                          void (*fn)(const QmpCommand *cmd, void *opaque), void *opaque);

#endif
