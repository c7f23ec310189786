/*
 * qmp-cmds-todo.c: transient handlers for schema commands nobody has
 * implemented yet, so that the generated marshallers always link. Whoever
 * implements a command deletes its transient here in the same edit; the
 * file goes away when it is empty (docs/devel/qapi.md).
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qapi/qapi-commands.h"

BlockInfoList *qmp_query_block(Error **errp)
{
    error_setg(errp, "Command 'query-block' is not available yet");
    return NULL;
}

BlockStatsList *qmp_query_blockstats(bool has_query_nodes, bool query_nodes, Error **errp)
{
    error_setg(errp, "Command 'query-blockstats' is not available yet");
    return NULL;
}

BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat, Error **errp)
{
    error_setg(errp, "Command 'query-named-block-nodes' is not available yet");
    return NULL;
}
