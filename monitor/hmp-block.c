/*
 * hmp-block.c: the image paragraphs of HMP `info block -v`, worded as
 * QEMU's (and qemu-img info's) human output: sizes, backing file,
 * snapshot table and the driver's format-specific information.
 */
#include "qemu/osdep.h"
/* The QAPI types first: they define BlockdevDetectZeroesOptions for block.h. */
#include "qapi/qapi-types.h"
#include "monitor/hmp-block.h"
#include "qemu/cutils.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "block/block_int.h"

static void hmp_block_dump_obj(Monitor *mon, int indent, QObject *obj);

/* Keys with '-' as ' ' ("lazy refcounts"), four spaces per level. */
static void hmp_block_dump_dict(Monitor *mon, int indent, QDict *dict)
{
    for (const QDictEntry *e = qdict_first(dict); e; e = qdict_next(dict, e)) {
        QObject *v = qdict_entry_value(e);
        bool composite = qobject_type(v) == QTYPE_QDICT || qobject_type(v) == QTYPE_QLIST;
        g_autofree char *key = g_strdup(qdict_entry_key(e));

        g_strdelimit(key, "-", ' ');
        monitor_printf(mon, "%*s%s:%c", indent * 4, "", key, composite ? '\n' : ' ');
        hmp_block_dump_obj(mon, indent + 1, v);
        if (!composite) {
            monitor_printf(mon, "\n");
        }
    }
}

static void hmp_block_dump_list(Monitor *mon, int indent, QList *list)
{
    int i = 0;

    for (QListEntry *e = list->head; e; e = e->next, i++) {
        bool composite = qobject_type(e->value) == QTYPE_QDICT ||
                         qobject_type(e->value) == QTYPE_QLIST;

        monitor_printf(mon, "%*s[%d]:%c", indent * 4, "", i, composite ? '\n' : ' ');
        hmp_block_dump_obj(mon, indent + 1, e->value);
        if (!composite) {
            monitor_printf(mon, "\n");
        }
    }
}

static void hmp_block_dump_obj(Monitor *mon, int indent, QObject *obj)
{
    switch (qobject_type(obj)) {
    case QTYPE_QNUM: {
        g_autofree char *s = qnum_to_string(qobject_to(QNum, obj));
        monitor_printf(mon, "%s", s);
        break;
    }
    case QTYPE_QSTRING:
        monitor_printf(mon, "%s", qstring_get_str(qobject_to(QString, obj)));
        break;
    case QTYPE_QBOOL:
        monitor_printf(mon, "%s", qbool_get_bool(qobject_to(QBool, obj)) ? "true" : "false");
        break;
    case QTYPE_QDICT:
        hmp_block_dump_dict(mon, indent, qobject_to(QDict, obj));
        break;
    case QTYPE_QLIST:
        hmp_block_dump_list(mon, indent, qobject_to(QList, obj));
        break;
    default:
        monitor_printf(mon, "null");
        break;
    }
}

static void hmp_block_print_snapshot(Monitor *mon, const SnapshotInfo *sn)
{
    char date[64] = "", clock[64], icount[32] = "";
    time_t t = sn->date_sec;
    struct tm tm;
    int64_t secs = sn->vm_clock_sec;
    g_autofree char *vmsize = size_to_str(sn->vm_state_size);

    if (localtime_r(&t, &tm)) {
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    }
    snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d", (int)(secs / 3600),
             (int)((secs / 60) % 60), (int)(secs % 60),
             (int)(sn->vm_clock_nsec / 1000000 % 1000));
    if (sn->has_icount) {
        snprintf(icount, sizeof(icount), "%" PRId64, sn->icount);
    }
    monitor_printf(mon, "%-9s %-16s %8s%20s%13s%11s\n", sn->id, sn->name, vmsize, date,
                   clock, icount);
}

/* One image as qemu-img info prints it; bs: its node, for the driver's
 * format-specific dictionary in the driver's own key order. */
static void hmp_block_print_image(Monitor *mon, BlockDriverState *bs, const ImageInfo *info)
{
    g_autofree char *vsize = size_to_str(info->virtual_size);

    monitor_printf(mon, "image: %s\nfile format: %s\nvirtual size: %s (%" PRId64 " bytes)\n",
                   info->filename, info->format, vsize, info->virtual_size);
    if (info->has_actual_size) {
        g_autofree char *asize = size_to_str(info->actual_size);
        monitor_printf(mon, "disk size: %s\n", asize);
    } else {
        monitor_printf(mon, "disk size: unavailable\n");
    }
    if (info->has_encrypted && info->encrypted) {
        monitor_printf(mon, "encrypted: yes\n");
    }
    if (info->has_cluster_size) {
        monitor_printf(mon, "cluster_size: %" PRId64 "\n", info->cluster_size);
    }
    if (info->has_dirty_flag && info->dirty_flag) {
        monitor_printf(mon, "cleanly shut down: no\n");
    }
    if (info->has_backing_filename) {
        monitor_printf(mon, "backing file: %s", info->backing_filename);
        if (!info->has_full_backing_filename) {
            monitor_printf(mon, " (cannot determine actual path)");
        } else if (strcmp(info->backing_filename, info->full_backing_filename)) {
            monitor_printf(mon, " (actual path: %s)", info->full_backing_filename);
        }
        monitor_printf(mon, "\n");
        if (info->has_backing_filename_format) {
            monitor_printf(mon, "backing file format: %s\n", info->backing_filename_format);
        }
    }
    if (info->has_snapshots) {
        monitor_printf(mon, "Snapshot list:\n");
        monitor_printf(mon, "%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE",
                       "VM CLOCK", "ICOUNT");
        for (SnapshotInfoList *l = info->snapshots; l; l = l->next) {
            hmp_block_print_snapshot(mon, l->value);
        }
    }
    if (info->has_format_specific && bs) {
        QDict *spec = bdrv_get_specific_info(bs, NULL);
        QDict *data = spec ? qdict_get_qdict(spec, "data") : NULL;

        if (spec) {
            monitor_printf(mon, "Format specific information:\n");
            if (data) {
                hmp_block_dump_dict(mon, 1, data);
            }
        }
        qobject_unref(spec);
    }
}

void hmp_block_print_images(Monitor *mon, const char *node_name, const ImageInfo *info)
{
    BlockDriverState *bs = node_name ? bdrv_find_node(node_name) : NULL;

    monitor_printf(mon, "\nImages:\n");
    for (; info; info = info->has_backing_image ? info->backing_image : NULL) {
        hmp_block_print_image(mon, bs, info);
        bs = bs ? bdrv_backing_bs(bs) : NULL;
    }
}
