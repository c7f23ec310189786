/*
 * blockdev.c: -drive and -blockdev. A -drive becomes a named BlockBackend
 * (its id) over a node graph opened from the drive's options, with QEMU's
 * -drive words (cache=, aio=, readonly=, snapshot=, media=...) turned into
 * block-layer options; a -blockdev becomes a node owned by the monitor.
 * Disk device models do not exist yet: a drive for any if= but "none" is
 * opened (so image errors come first, as in QEMU) and then refused.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/block-backend.h"
#include "block/blockdev.h"
#include "qobject/json.h"
#include "qobject/qdict.h"
#include "system/runstate.h"

typedef struct QueuedOpt {
    char *spelling;
    char *arg;
    QemuOpts *opts;       /* -drive only */
} QueuedOpt;

static GPtrArray *queued_drives;
static GPtrArray *queued_blockdevs;
/* What blockdev_close_all() releases. */
static GPtrArray *open_backends;
static GPtrArray *open_nodes;
static bool exit_notifier_added;

static void queued_add(GPtrArray **list, const char *spelling, const char *arg,
                       QemuOpts *opts)
{
    QueuedOpt *q = g_new0(QueuedOpt, 1);

    q->spelling = g_strdup(spelling);
    q->arg = g_strdup(arg);
    q->opts = opts;
    if (!*list) {
        *list = g_ptr_array_new();
    }
    g_ptr_array_add(*list, q);
}

void drive_queue(const char *spelling, const char *arg, QemuOpts *opts)
{
    queued_add(&queued_drives, spelling, arg, opts);
}

void blockdev_queue(const char *spelling, const char *arg)
{
    queued_add(&queued_blockdevs, spelling, arg, NULL);
}

static QEMU_NORETURN void blockdev_fail(const QueuedOpt *q, Error *err)
{
    loc_set_cmdline(q->spelling, q->arg);
    error_report_err(err);
    exit(1);
}

/*
 * The dotted key=value syntax of -blockdev (QEMU's keyval): ",," is a
 * literal comma; every element needs a '='. Values stay strings; the block
 * layer converts them.
 */
static QDict *blockdev_parse_keyval(const char *arg, Error **errp)
{
    QDict *d = qdict_new();
    const char *p = arg;

    while (*p) {
        GString *key = g_string_new(NULL);
        GString *val = g_string_new(NULL);
        while (*p && *p != '=' && *p != ',') {
            g_string_append_c(key, *p++);
        }
        if (*p != '=') {
            if (key->len) {
                error_setg(errp, "Expected '=' after parameter '%s'", key->str);
            } else {
                error_setg(errp, "Invalid parameter ''");
            }
            g_string_free(key, true);
            g_string_free(val, true);
            qobject_unref(d);
            return NULL;
        }
        p++;
        while (*p) {
            if (*p == ',') {
                if (p[1] != ',') {
                    break;
                }
                p++;
            }
            g_string_append_c(val, *p++);
        }
        if (*p == ',') {
            p++;
        }
        if (!key->len) {
            error_setg(errp, "Invalid parameter ''");
            g_string_free(key, true);
            g_string_free(val, true);
            qobject_unref(d);
            return NULL;
        }
        if (qdict_haskey(d, key->str)) {
            error_setg(errp, "Parameter '%s' is set multiple times", key->str);
            g_string_free(key, true);
            g_string_free(val, true);
            qobject_unref(d);
            return NULL;
        }
        qdict_put_str(d, key->str, val->str);
        g_string_free(key, true);
        g_string_free(val, true);
    }
    return d;
}

static void blockdev_open_one(const QueuedOpt *q)
{
    Error *err = NULL;
    QDict *opts;
    int flags = BDRV_O_RDWR;

    if (q->arg[0] == '{') {
        opts = qdict_from_json(q->arg, &err);
        if (opts) {
            bdrv_qdict_flatten(opts);
        }
    } else {
        opts = blockdev_parse_keyval(q->arg, &err);
    }
    if (!opts) {
        blockdev_fail(q, err);
    }
    if (!qdict_haskey(opts, "driver")) {
        qobject_unref(opts);
        error_setg(&err, "Parameter 'driver' is missing");
        blockdev_fail(q, err);
    }
    /* The QAPI visitor checks the driver name before anything else. */
    const char *drv = qdict_get_try_str(opts, "driver");
    if (!drv) {
        qobject_unref(opts);
        error_setg(&err, "Invalid parameter type for 'driver', expected: string");
        blockdev_fail(q, err);
    }
    if (!bdrv_find_format(drv)) {
        error_setg(&err, "Parameter 'driver' does not accept value '%s'", drv);
        qobject_unref(opts);
        blockdev_fail(q, err);
    }
    if (!qdict_haskey(opts, "node-name")) {
        qobject_unref(opts);
        error_setg(&err, "'node-name' must be specified for the root node");
        blockdev_fail(q, err);
    }
    /* -blockdev defaults: read-write, no auto-read-only, no probing. */
    bdrv_qapi_option_errors = true;
    BlockDriverState *bs = bdrv_open(NULL, NULL, opts, flags, &err);
    bdrv_qapi_option_errors = false;
    if (!bs) {
        blockdev_fail(q, err);
    }
    if (!open_nodes) {
        open_nodes = g_ptr_array_new();
    }
    g_ptr_array_add(open_nodes, bs);
}

/* --- -drive ---------------------------------------------------------------- */

static const char *const if_names[] = {
    "none", "ide", "scsi", "floppy", "pflash", "mtd", "sd", "virtio", "xen", NULL
};

/* What each interface's missing device model is called in the error. */
static const char *drive_if_feature(const char *iface, bool cdrom)
{
    if (!strcmp(iface, "ide")) {
        return cdrom ? "IDE CD-ROM drives are" : "IDE disks are";
    } else if (!strcmp(iface, "scsi")) {
        return "SCSI disks are";
    } else if (!strcmp(iface, "floppy")) {
        return "floppy disks are";
    } else if (!strcmp(iface, "pflash")) {
        return "pflash devices are";
    } else if (!strcmp(iface, "virtio")) {
        return "virtio disks are";
    } else if (!strcmp(iface, "sd")) {
        return "SD cards are";
    } else if (!strcmp(iface, "mtd")) {
        return "MTD devices are";
    }
    return "Xen disks are";
}

static bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

typedef struct DriveCollect {
    QDict *bdrv;          /* options for bdrv_open */
} DriveCollect;

/* Keys handled by -drive itself (not passed to the block layer). */
static const char *const drive_own_keys[] = {
    "bus", "unit", "if", "index", "media", "snapshot", "cache", "aio", "format",
    "rerror", "werror", "id", "readonly", "copy-on-read", "file",
    "bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr", "bps_max",
    "bps_rd_max", "bps_wr_max", "iops_max", "iops_rd_max", "iops_wr_max",
    "iops_size", "group", "throttling.bps-total", NULL
};

static int drive_collect(void *opaque, const char *name, const char *value,
                         Error **errp)
{
    DriveCollect *c = opaque;

    if (g_strv_contains(drive_own_keys, name)) {
        return 0;
    }
    qdict_put_str(c->bdrv, name, value);
    return 0;
}

static bool drive_parse_bool(QemuOpts *opts, const char *key, bool def, bool *val,
                             Error **errp)
{
    const char *v = qemu_opt_get(opts, key);

    *val = def;
    return !v || qemu_parse_bool(key, v, val, errp);
}

static void drive_open_one(const QueuedOpt *q, bool global_snapshot,
                           unsigned *none_count)
{
    QemuOpts *opts = q->opts;
    Error *err = NULL;
    const char *iface = qemu_opt_get(opts, "if");
    const char *media = qemu_opt_get(opts, "media");
    const char *cache = qemu_opt_get(opts, "cache");
    const char *aio = qemu_opt_get(opts, "aio");
    const char *format = qemu_opt_get(opts, "format");
    const char *file = qemu_opt_get(opts, "file");
    const char *id = qemu_opts_id(opts);
    const char *v;
    bool cdrom = false, ro = false, snap = global_snapshot, cor = false;
    bool writethrough = false;
    int flags = BDRV_O_RDWR;
    DriveCollect c;

    if (!iface) {
        iface = "ide";      /* the pc machine's default */
    }
    if (!g_strv_contains(if_names, iface)) {
        error_setg(&err, "unsupported bus type '%s'", iface);
        blockdev_fail(q, err);
    }
    if (id && !id_wellformed(id)) {
        error_setg(&err, "Parameter 'id' expects an identifier");
        error_append_hint(&err, "Identifiers consist of letters, digits, '-', '.', "
                          "'_', starting with a letter.\n");
        blockdev_fail(q, err);
    }
    if (media) {
        if (!strcmp(media, "cdrom")) {
            cdrom = true;
        } else if (strcmp(media, "disk")) {
            error_setg(&err, "'%s' invalid media", media);
            blockdev_fail(q, err);
        }
    }
    if (!drive_parse_bool(opts, "readonly", false, &ro, &err) ||
        !drive_parse_bool(opts, "snapshot", snap, &snap, &err) ||
        !drive_parse_bool(opts, "copy-on-read", false, &cor, &err)) {
        blockdev_fail(q, err);
    }
    if ((v = qemu_opt_get(opts, "rerror")) &&
        strcmp(v, "ignore") && strcmp(v, "report") && strcmp(v, "stop")) {
        error_setg(&err, "'%s' invalid read error action", v);
        blockdev_fail(q, err);
    }
    if ((v = qemu_opt_get(opts, "werror")) && strcmp(v, "ignore") &&
        strcmp(v, "report") && strcmp(v, "stop") && strcmp(v, "enospc")) {
        error_setg(&err, "'%s' invalid write error action", v);
        blockdev_fail(q, err);
    }
    if (cache && bdrv_parse_cache_mode(cache, &flags, &writethrough) < 0) {
        error_setg(&err, "invalid cache option");
        blockdev_fail(q, err);
    }
    if (aio && strcmp(aio, "threads") && strcmp(aio, "native") &&
        strcmp(aio, "io_uring")) {
        error_setg(&err, "invalid aio option");
        blockdev_fail(q, err);
    }
    if ((v = qemu_opt_get(opts, "detect-zeroes")) &&
        strcmp(v, "on") && strcmp(v, "off") && strcmp(v, "unmap")) {
        error_setg(&err, "invalid parameter value: %s", v);
        blockdev_fail(q, err);
    }
    if (cdrom || ro) {
        flags &= ~BDRV_O_RDWR;
    }
    if (cor && !(flags & BDRV_O_RDWR)) {
        loc_set_cmdline(q->spelling, q->arg);
        warn_report("disabling copy-on-read on read-only drive");
        cor = false;
    }
    if (snap) {
        flags |= BDRV_O_SNAPSHOT;
    }

    c.bdrv = qdict_new();
    qemu_opt_foreach(opts, drive_collect, &c, NULL);
    if (format) {
        if (qdict_haskey(c.bdrv, "driver")) {
            qobject_unref(c.bdrv);
            error_setg(&err, "Cannot specify both 'driver' and 'format'");
            blockdev_fail(q, err);
        }
        qdict_put_str(c.bdrv, "driver", format);
    }
    /* Without file=, only a drive with no block options at all is an
     * empty drive; anything else goes to the block layer for its error. */
    bool has_block_opts = qdict_size(c.bdrv) > 0;
    if (aio) {
        bool top_is_file = format && !strcmp(format, "file");
        const char *key = top_is_file ? "aio" : "file.aio";
        if (!qdict_haskey(c.bdrv, key)) {
            qdict_put_str(c.bdrv, key, aio);
        }
    }
    /* cache= sets the cache.* keys unless they were given explicitly. */
    if (cache) {
        if (!qdict_haskey(c.bdrv, "cache.direct")) {
            qdict_put_str(c.bdrv, "cache.direct", (flags & BDRV_O_NOCACHE) ? "on" : "off");
        }
        if (!qdict_haskey(c.bdrv, "cache.no-flush")) {
            qdict_put_str(c.bdrv, "cache.no-flush",
                          (flags & BDRV_O_NO_FLUSH) ? "on" : "off");
        }
    }
    if (!(flags & BDRV_O_RDWR)) {
        qdict_put_str(c.bdrv, "read-only", "on");
    }

    BlockBackend *blk;
    if (!file && !has_block_opts) {
        /* No medium: an empty drive (a CD-ROM without a disc). */
        qobject_unref(c.bdrv);
        blk = blk_new_empty();
    } else {
        blk = blk_new_open(file, NULL, c.bdrv, flags, &err);
        if (!blk) {
            blockdev_fail(q, err);
        }
    }
    blk_set_enable_write_cache(blk, !writethrough);

    g_autofree char *auto_id = NULL;
    if (!id) {
        if (!strcmp(iface, "none")) {
            auto_id = g_strdup_printf("none%u", (*none_count)++);
        } else {
            auto_id = g_strdup_printf("%s%u", iface, (*none_count)++);
        }
        id = auto_id;
    }
    if (!blk_set_name(blk, id, &err)) {
        blk_unref(blk);
        blockdev_fail(q, err);
    }
    if (!open_backends) {
        open_backends = g_ptr_array_new();
    }
    g_ptr_array_add(open_backends, blk);

    if (strcmp(iface, "none")) {
        error_setg(&err, "%s not available yet in Keel", drive_if_feature(iface, cdrom));
        blockdev_fail(q, err);
    }
}

static void blockdev_exit_notifier(void *opaque)
{
    blockdev_close_all();
}

/* An exit() that bypasses the main loop's exit notifiers (a fatal error, a
 * guest's isa-debug-exit) still gets written data to disk. */
static void blockdev_atexit(void)
{
    bdrv_close_all();
}

void blockdev_open_all(bool snapshot)
{
    unsigned auto_ids = 0;

    if (!exit_notifier_added) {
        qemu_add_exit_notifier(blockdev_exit_notifier, NULL);
        atexit(blockdev_atexit);
        exit_notifier_added = true;
    }
    for (guint i = 0; queued_blockdevs && i < queued_blockdevs->len; i++) {
        blockdev_open_one(g_ptr_array_index(queued_blockdevs, i));
    }
    for (guint i = 0; queued_drives && i < queued_drives->len; i++) {
        drive_open_one(g_ptr_array_index(queued_drives, i), snapshot, &auto_ids);
    }
    loc_set_none();
}

void blockdev_close_all(void)
{
    /* Backends first: they reference the nodes below them. */
    while (open_backends && open_backends->len) {
        BlockBackend *blk = g_ptr_array_steal_index(open_backends,
                                                    open_backends->len - 1);
        blk_drain(blk);
        blk_flush(blk);
        blk_unref(blk);
    }
    while (open_nodes && open_nodes->len) {
        BlockDriverState *bs = g_ptr_array_steal_index(open_nodes, open_nodes->len - 1);
        bdrv_flush(bs);
        bdrv_unref(bs);
    }
    bdrv_close_all();
}
