/*
 * qmp-registry.c: the QMP command table. Lookups by name go through a hash
 * table; an array keeps registration order for query-commands. A
 * zero-initialised table is valid: both are created on first registration.
 */
#include "qemu/osdep.h"
#include "qapi/qmp-registry.h"

QmpCommandList *qmp_command_list_new(void)
{
    return g_new0(QmpCommandList, 1);
}

void qmp_command_list_clear(QmpCommandList *cmds)
{
    if (cmds->by_name) {
        g_hash_table_destroy(cmds->by_name);
        cmds->by_name = NULL;
    }
    if (cmds->ordered) {
        g_ptr_array_free(cmds->ordered, true);
        cmds->ordered = NULL;
    }
}

void qmp_command_list_free(QmpCommandList *cmds)
{
    if (cmds) {
        qmp_command_list_clear(cmds);
        g_free(cmds);
    }
}

void qmp_register_command(QmpCommandList *cmds, const char *name, QmpCommandFunc *fn,
                          QmpCommandOptions options)
{
    QmpCommand *cmd;

    if (!cmds->by_name) {
        cmds->by_name = g_hash_table_new(g_str_hash, g_str_equal);
        cmds->ordered = g_ptr_array_new_with_free_func(g_free);
    }
    cmd = g_hash_table_lookup(cmds->by_name, name);
    if (!cmd) {
        cmd = g_new0(QmpCommand, 1);
        g_ptr_array_add(cmds->ordered, cmd);
        g_hash_table_insert(cmds->by_name, (gpointer)name, cmd);
    }
    cmd->name = name;
    cmd->fn = fn;
    cmd->options = options;
    cmd->enabled = true;
}

void qmp_unregister_command(QmpCommandList *cmds, const char *name)
{
    QmpCommand *cmd = cmds->by_name ? g_hash_table_lookup(cmds->by_name, name) : NULL;

    if (cmd) {
        g_hash_table_remove(cmds->by_name, name);
        g_ptr_array_remove(cmds->ordered, cmd);
    }
}

const QmpCommand *qmp_find_command(const QmpCommandList *cmds, const char *name)
{
    return cmds->by_name ? g_hash_table_lookup(cmds->by_name, name) : NULL;
}

void qmp_disable_command(QmpCommandList *cmds, const char *name, bool disabled)
{
    QmpCommand *cmd = cmds->by_name ? g_hash_table_lookup(cmds->by_name, name) : NULL;

    if (cmd) {
        cmd->enabled = !disabled;
    }
}

void qmp_for_each_command(const QmpCommandList *cmds,
                          void (*fn)(const QmpCommand *cmd, void *opaque), void *opaque)
{
    guint i;

    for (i = 0; cmds->ordered && i < cmds->ordered->len; i++) {
        fn(g_ptr_array_index(cmds->ordered, i), opaque);
    }
}
