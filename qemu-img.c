/*
 * qemu-img.c: the qemu-img tool's entry point and shared helpers (option
 * parsing, opening images, JSON and progress output), plus the image
 * description commands: create, info, check, snapshot, resize, amend.
 * Copying commands live in qemu-img-convert.c, chain commands in
 * qemu-img-chain.c, measure/bench in qemu-img-bench.c.
 */
#include "qemu/osdep.h"

#include <getopt.h>
#include <time.h>

#include "qemu/cutils.h"
#include "qobject/json.h"
#include "qobject/qbool.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qemu-img-common.h"

/* ---- shared helpers ---------------------------------------------------- */

void img_error_exit(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vreport(fmt, ap);
    va_end(ap);
    error_printf("Try 'qemu-img --help' for more information\n");
    exit(EXIT_FAILURE);
}

void img_unrecognized_option(const char *option)
{
    img_error_exit("unrecognized option '%s'", option);
}

void img_missing_argument(const char *option)
{
    img_error_exit("missing argument for option '%s'", option);
}

const char *img_unsupported_option(int c)
{
    switch (c) {
    case IMG_OPT_OBJECT:
        return "--object";
    case IMG_OPT_IMAGE_OPTS:
        return "--image-opts";
    case IMG_OPT_TARGET_IMAGE_OPTS:
        return "--target-image-opts";
    default:
        return NULL;
    }
}

void img_bad_option(int c, char **argv)
{
    const char *unsupported = img_unsupported_option(c);

    if (unsupported) {
        img_error_exit("%s is not supported by Keel's qemu-img", unsupported);
    }
    if (c == ':') {
        img_missing_argument(argv[optind - 1]);
    }
    /* QEMU names the argument getopt last stepped over, whole ("-Ux"),
     * even when that is not where the bad option was. */
    img_unrecognized_option(argv[optind - 1]);
}

const char *img_one_filename(int argc, char **argv)
{
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    return argv[optind];
}

void img_qprintf(bool quiet, const char *fmt, ...)
{
    va_list ap;

    if (quiet) {
        return;
    }
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

int img_parse_output(const char *arg)
{
    if (!strcmp(arg, "json")) {
        return IMG_OFORMAT_JSON;
    }
    if (!strcmp(arg, "human")) {
        return IMG_OFORMAT_HUMAN;
    }
    error_report("--output must be used with human or json as argument.");
    return -1;
}

void img_print_json(QObject *obj)
{
    g_autoptr(GString) str = qobject_to_json_pretty(obj, true);

    printf("%s\n", str->str);
}

bool img_parse_size(const char *str, uint64_t *result)
{
    const char *end;
    int ret = qemu_strtosz(str, &end, result);

    if (ret == -ERANGE || (ret == 0 && *result > INT64_MAX)) {
        error_report("Invalid image size specified. Must be between 0 and %"
                     PRId64 ".", INT64_MAX);
        return false;
    }
    if (ret < 0 || *end) {
        error_report("Invalid image size specified. You may use k, M, G, T, "
                     "P or E suffixes for");
        error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes "
                     "and exabytes.");
        return false;
    }
    return true;
}

int64_t img_cvtnum(const char *name, const char *value)
{
    const char *end;
    uint64_t v;
    int ret = qemu_strtosz(value, &end, &v);

    if (ret == 0 && *end) {
        ret = -EINVAL;
    }
    if (ret == 0 && v > INT64_MAX) {
        ret = -ERANGE;
    }
    if (ret == -ERANGE) {
        error_report("Invalid %s specified. Must be between 0 and %" PRId64 ".",
                     name, INT64_MAX);
        return -1;
    }
    if (ret < 0) {
        error_report("Invalid %s specified. You may use k, M, G, T, P or E "
                     "suffixes for", name);
        error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes "
                     "and exabytes.");
        return -1;
    }
    return v;
}

bool img_parse_cache(const char *mode, int *flags, bool *writethrough,
                     bool source)
{
    if (bdrv_parse_cache_mode(mode, flags, writethrough) < 0) {
        error_report("Invalid %scache option: %s", source ? "source " : "", mode);
        return false;
    }
    return true;
}

BlockBackend *img_open(const char *filename, const char *fmt, int flags,
                       bool writethrough, bool quiet, bool force_share)
{
    Error *err = NULL;
    QDict *options = NULL;
    BlockBackend *blk;

    (void)quiet;
    if (fmt) {
        options = qdict_new();
        qdict_put_str(options, "driver", fmt);
    }
    if (force_share) {
        if (flags & BDRV_O_RDWR) {
            error_report("Could not open '%s': force-share=on can only be "
                         "used with read-only images", filename);
            qobject_unref(options);
            return NULL;
        }
        flags |= BDRV_O_FORCE_SHARE;
    }
    blk = blk_new_open(filename, NULL, options, flags, &err);
    if (!blk) {
        error_prepend(&err, "Could not open '%s': ", filename);
        error_report_err(err);
        return NULL;
    }
    blk_set_enable_write_cache(blk, !writethrough);
    return blk;
}

char *img_add_options(char *old, const char *add)
{
    char *joined;

    if (!old) {
        return g_strdup(add);
    }
    joined = g_strdup_printf("%s,%s", old, add);
    g_free(old);
    return joined;
}

bool img_has_help_option(const char *options)
{
    g_auto(GStrv) parts = NULL;

    if (!options) {
        return false;
    }
    parts = g_strsplit(options, ",", -1);
    for (int i = 0; parts[i]; i++) {
        if (!strcmp(parts[i], "help") || !strcmp(parts[i], "?")) {
            return true;
        }
    }
    return false;
}

int img_print_create_options(const char *fmt, const char *filename)
{
    BlockDriver *drv = bdrv_find_format(fmt);
    BlockDriver *proto = NULL;
    QemuOptsList *list;

    if (!drv || !drv->create) {
        error_report("Unknown file format '%s'", fmt);
        return 1;
    }
    if (filename) {
        proto = bdrv_find_protocol(filename, true, NULL);
        if (proto && !proto->create_opts) {
            proto = NULL;
        }
    }
    list = bdrv_create_opts_merge(drv, proto);
    printf("Supported %s options:\n", fmt);
    qemu_opts_print_help(list, false);
    bdrv_create_opts_free(list);
    if (!proto) {
        printf("\nThe protocol level may support further options.\n"
               "Specify the target filename to include those options.\n");
    }
    return 0;
}

/* Progress: QEMU prints a new line only when the value moved by a step. */
static struct {
    bool enabled;
    double last;
} img_progress;

void img_progress_init(bool enabled)
{
    img_progress.enabled = enabled;
    img_progress.last = -1;
    if (enabled) {
        img_progress_print(0, 1);
    }
}

void img_progress_print(double done, double total)
{
    double pct = total > 0 ? done * 100.0 / total : 100.0;

    if (!img_progress.enabled) {
        return;
    }
    if (pct > 100.0) {
        pct = 100.0;
    }
    if (img_progress.last >= 0 && pct - img_progress.last < 1.0 && pct < 100.0) {
        return;
    }
    img_progress.last = pct;
    printf("    (%3.2f/100%%)\r", pct);
    fflush(stdout);
}

void img_progress_end(void)
{
    if (img_progress.enabled) {
        img_progress.last = -1;
        img_progress_print(1, 1);
        printf("\n");
        img_progress.enabled = false;
    }
}

static void img_dump_qobject(int indentation, QObject *obj);

static void img_dump_qlist(int indentation, QList *list)
{
    int i = 0;

    for (QListEntry *e = list->head; e; e = e->next, i++) {
        QType t = qobject_type(e->value);
        bool composite = t == QTYPE_QDICT || t == QTYPE_QLIST;

        printf("%*s[%i]:%c", indentation * 4, "", i, composite ? '\n' : ' ');
        img_dump_qobject(indentation + 1, e->value);
        if (!composite) {
            printf("\n");
        }
    }
}

void img_dump_qdict(int indentation, QDict *dict)
{
    for (const QDictEntry *e = qdict_first(dict); e; e = qdict_next(dict, e)) {
        QObject *v = qdict_entry_value(e);
        QType t = qobject_type(v);
        bool composite = t == QTYPE_QDICT || t == QTYPE_QLIST;
        g_autofree char *key = g_strdup(qdict_entry_key(e));

        /* QEMU prints "lazy-refcounts" as "lazy refcounts". */
        g_strdelimit(key, "-", ' ');
        printf("%*s%s:%c", indentation * 4, "", key, composite ? '\n' : ' ');
        img_dump_qobject(indentation + 1, v);
        if (!composite) {
            printf("\n");
        }
    }
}

static void img_dump_qobject(int indentation, QObject *obj)
{
    switch (qobject_type(obj)) {
    case QTYPE_QNUM: {
        g_autofree char *s = qnum_to_string(qobject_to(QNum, obj));
        printf("%s", s);
        break;
    }
    case QTYPE_QSTRING:
        printf("%s", qstring_get_str(qobject_to(QString, obj)));
        break;
    case QTYPE_QBOOL:
        printf("%s", qbool_get_bool(qobject_to(QBool, obj)) ? "true" : "false");
        break;
    case QTYPE_QDICT:
        img_dump_qdict(indentation, qobject_to(QDict, obj));
        break;
    case QTYPE_QLIST:
        img_dump_qlist(indentation, qobject_to(QList, obj));
        break;
    default:
        printf("null");
        break;
    }
}

void img_dump_snapshot_header(void)
{
    printf("%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE",
           "VM CLOCK", "ICOUNT");
}

void img_dump_snapshot(const QEMUSnapshotInfo *sn)
{
    char date[64], clock[64], icount[32] = "";
    time_t t = sn->date_sec;
    struct tm tm;
    uint64_t secs = sn->vm_clock_nsec / 1000000000;
    g_autofree char *vmsize = size_to_str(sn->vm_state_size);

    localtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d", (int)(secs / 3600),
             (int)((secs / 60) % 60), (int)(secs % 60),
             (int)((sn->vm_clock_nsec / 1000000) % 1000));
    if (sn->icount != UINT64_MAX) {
        snprintf(icount, sizeof(icount), "%" PRIu64, sn->icount);
    }
    printf("%-9s %-16s %8s%20s%13s%11s\n", sn->id_str, sn->name, vmsize, date,
           clock, icount);
}

QDict *img_snapshot_to_qdict(const QEMUSnapshotInfo *sn)
{
    QDict *d = qdict_new();

    qdict_put_str(d, "id", sn->id_str);
    qdict_put_str(d, "name", sn->name);
    qdict_put_int(d, "vm-state-size", sn->vm_state_size);
    qdict_put_int(d, "date-sec", sn->date_sec);
    qdict_put_int(d, "date-nsec", sn->date_nsec);
    qdict_put_int(d, "vm-clock-sec", sn->vm_clock_nsec / 1000000000);
    qdict_put_int(d, "vm-clock-nsec", sn->vm_clock_nsec % 1000000000);
    if (sn->icount != UINT64_MAX) {
        qdict_put_int(d, "icount", sn->icount);
    }
    return d;
}

/* ---- create ------------------------------------------------------------- */

int img_create(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = "raw", *base_fmt = NULL, *base_filename = NULL;
    const char *filename;
    g_autofree char *options = NULL;
    uint64_t img_size = UINT64_MAX;
    bool quiet = false;
    int flags = 0;
    Error *err = NULL;
    int c;

    while ((c = getopt_long(argc, argv, ":F:b:f:ho:qu", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'F':
            base_fmt = optarg;
            break;
        case 'b':
            base_filename = optarg;
            break;
        case 'f':
            fmt = optarg;
            break;
        case 'o':
            options = img_add_options(options, optarg);
            break;
        case 'q':
            quiet = true;
            break;
        case 'u':
            flags |= BDRV_O_NO_BACKING;
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    if (img_has_help_option(options)) {
        return img_print_create_options(fmt, optind < argc ? argv[optind] : NULL);
    }
    if (optind >= argc) {
        img_error_exit("Expecting image file name");
    }
    filename = argv[optind++];
    if (optind < argc) {
        if (!img_parse_size(argv[optind++], &img_size)) {
            return 1;
        }
    }
    if (optind != argc) {
        img_error_exit("Unexpected argument: %s", argv[optind]);
    }
    bdrv_img_create(filename, fmt, base_filename, base_fmt, options, img_size,
                    flags, quiet, &err);
    if (err) {
        error_prepend(&err, "%s: ", filename);
        error_report_err(err);
        return 1;
    }
    return 0;
}

/* ---- info --------------------------------------------------------------- */

static QDict *img_collect_info(BlockDriverState *bs, Error **errp)
{
    QDict *info = qdict_new();
    BlockDriverInfo bdi;
    QEMUSnapshotInfo *sns = NULL;
    int64_t size = bdrv_getlength(bs);
    int64_t actual;
    int nb, ret;

    if (size < 0) {
        error_setg_errno(errp, (int)-size, "Can't get image size '%s'",
                         bs->exact_filename[0] ? bs->exact_filename : bs->filename);
        qobject_unref(info);
        return NULL;
    }
    qdict_put_int(info, "virtual-size", size);
    qdict_put_str(info, "filename", bs->filename);
    qdict_put_str(info, "format", bdrv_get_format_name(bs) ?: "");
    actual = bdrv_get_allocated_file_size(bs);
    if (actual >= 0) {
        qdict_put_int(info, "actual-size", actual);
    }
    if (bdrv_is_encrypted(bs)) {
        qdict_put_bool(info, "encrypted", true);
    }
    memset(&bdi, 0, sizeof(bdi));
    ret = bdrv_get_info(bs, &bdi);
    if (ret == 0 || ret == -ENOTSUP) {
        if (ret == 0 && bdi.cluster_size) {
            qdict_put_int(info, "cluster-size", bdi.cluster_size);
        }
        qdict_put_bool(info, "dirty-flag", ret == 0 && bdi.is_dirty);
    }
    if (bs->backing_file[0]) {
        g_autofree char *full = bdrv_get_full_backing_filename(bs, NULL);

        qdict_put_str(info, "backing-filename", bs->backing_file);
        if (full) {
            qdict_put_str(info, "full-backing-filename", full);
        }
        if (bs->backing_format[0]) {
            qdict_put_str(info, "backing-filename-format", bs->backing_format);
        }
    }
    nb = bdrv_snapshot_list(bs, &sns);
    if (nb > 0) {
        QList *list = qlist_new();

        for (int i = 0; i < nb; i++) {
            qlist_append_obj(list, QOBJECT(img_snapshot_to_qdict(&sns[i])));
        }
        qdict_put(info, "snapshots", list);
    }
    g_free(sns);
    if (bs->drv && bs->drv->get_specific_info) {
        Error *err = NULL;
        QDict *spec = bdrv_get_specific_info(bs, &err);

        if (err) {
            error_propagate(errp, err);
            qobject_unref(info);
            return NULL;
        }
        if (spec) {
            qdict_put(info, "format-specific", spec);
        }
    }
    return info;
}

static void img_dump_info_human(QDict *info)
{
    int64_t vsize = qdict_get_int(info, "virtual-size");
    g_autofree char *vstr = size_to_str(vsize);
    const char *backing = qdict_get_try_str(info, "backing-filename");
    QList *snaps = qdict_get_qlist(info, "snapshots");
    QDict *spec = qdict_get_qdict(info, "format-specific");

    printf("image: %s\nfile format: %s\nvirtual size: %s (%" PRId64 " bytes)\n",
           qdict_get_str(info, "filename"), qdict_get_str(info, "format"),
           vstr, vsize);
    if (qdict_haskey(info, "actual-size")) {
        g_autofree char *astr = size_to_str(qdict_get_int(info, "actual-size"));
        printf("disk size: %s\n", astr);
    } else {
        printf("disk size: unavailable\n");
    }
    if (qdict_get_try_bool(info, "encrypted", false)) {
        printf("encrypted: yes\n");
    }
    if (qdict_haskey(info, "cluster-size")) {
        printf("cluster_size: %" PRId64 "\n", qdict_get_int(info, "cluster-size"));
    }
    if (qdict_get_try_bool(info, "dirty-flag", false)) {
        printf("cleanly shut down: no\n");
    }
    if (backing) {
        const char *full = qdict_get_try_str(info, "full-backing-filename");
        const char *bfmt = qdict_get_try_str(info, "backing-filename-format");

        printf("backing file: %s", backing);
        if (!full) {
            printf(" (cannot determine actual path)");
        } else if (strcmp(backing, full)) {
            printf(" (actual path: %s)", full);
        }
        printf("\n");
        if (bfmt) {
            printf("backing file format: %s\n", bfmt);
        }
    }
    if (snaps) {
        printf("Snapshot list:\n");
        img_dump_snapshot_header();
        for (QListEntry *e = snaps->head; e; e = e->next) {
            QDict *d = qobject_to(QDict, e->value);
            QEMUSnapshotInfo sn = { .icount = UINT64_MAX };

            g_strlcpy(sn.id_str, qdict_get_str(d, "id"), sizeof(sn.id_str));
            g_strlcpy(sn.name, qdict_get_str(d, "name"), sizeof(sn.name));
            sn.vm_state_size = qdict_get_int(d, "vm-state-size");
            sn.date_sec = qdict_get_int(d, "date-sec");
            sn.date_nsec = qdict_get_int(d, "date-nsec");
            sn.vm_clock_nsec = qdict_get_int(d, "vm-clock-sec") * 1000000000ULL +
                               qdict_get_int(d, "vm-clock-nsec");
            if (qdict_haskey(d, "icount")) {
                sn.icount = qdict_get_int(d, "icount");
            }
            img_dump_snapshot(&sn);
        }
    }
    if (spec) {
        QDict *data = qdict_get_qdict(spec, "data");

        printf("Format specific information:\n");
        if (data) {
            img_dump_qdict(1, data);
        }
    }
}

int img_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, IMG_OPT_OUTPUT },
        { "backing-chain", no_argument, NULL, IMG_OPT_BACKING_CHAIN },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *filename;
    int oformat = IMG_OFORMAT_HUMAN;
    bool chain = false, force_share = false;
    g_autoptr(GHashTable) seen = NULL;
    QList *infos;
    g_autofree char *next_name = NULL;
    g_autofree char *next_fmt = NULL;
    int c, ret = 0;

    while ((c = getopt_long(argc, argv, ":f:hU", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 'U':
            force_share = true;
            break;
        case IMG_OPT_OUTPUT:
            oformat = img_parse_output(optarg);
            if (oformat < 0) {
                return 1;
            }
            break;
        case IMG_OPT_BACKING_CHAIN:
            chain = true;
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    filename = img_one_filename(argc, argv);
    seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    infos = qlist_new();
    next_name = g_strdup(filename);
    next_fmt = g_strdup(fmt);
    while (next_name) {
        BlockBackend *blk;
        BlockDriverState *bs;
        Error *err = NULL;
        QDict *info;
        g_autofree char *name = g_steal_pointer(&next_name);
        g_autofree char *f = g_steal_pointer(&next_fmt);

        if (g_hash_table_contains(seen, name)) {
            error_report("Backing file '%s' creates an infinite loop.", name);
            ret = 1;
            break;
        }
        g_hash_table_add(seen, g_strdup(name));
        blk = img_open(name, f, BDRV_O_NO_BACKING | BDRV_O_NO_IO, false, false,
                       force_share);
        if (!blk) {
            ret = 1;
            break;
        }
        bs = blk_bs(blk);
        info = img_collect_info(bs, &err);
        blk_unref(blk);
        if (!info) {
            error_report_err(err);
            ret = 1;
            break;
        }
        qlist_append_obj(infos, QOBJECT(info));
        if (chain && qdict_haskey(info, "full-backing-filename")) {
            next_name = g_strdup(qdict_get_str(info, "full-backing-filename"));
            next_fmt = g_strdup(qdict_get_try_str(info, "backing-filename-format"));
        }
    }
    if (ret == 0) {
        if (oformat == IMG_OFORMAT_JSON) {
            img_print_json(chain ? QOBJECT(infos) : infos->head->value);
        } else {
            for (QListEntry *e = infos->head; e; e = e->next) {
                if (e != infos->head) {
                    printf("\n");
                }
                img_dump_info_human(qobject_to(QDict, e->value));
            }
        }
    }
    qobject_unref(infos);
    return ret;
}

/* ---- check -------------------------------------------------------------- */

typedef struct ImgCheck {
    BdrvCheckResult res;
    int ret;                /* 0 or -errno of the check itself */
} ImgCheck;

static int img_check_run(BlockDriverState *bs, BdrvCheckResult *res,
                         BdrvCheckMode fix)
{
    memset(res, 0, sizeof(*res));
    return bdrv_check(bs, res, fix);
}

static void img_check_human(const BdrvCheckResult *r, bool quiet)
{
    if (r->corruptions == 0 && r->leaks == 0 && r->check_errors == 0) {
        img_qprintf(quiet, "No errors were found on the image.\n");
    } else {
        if (r->corruptions) {
            img_qprintf(quiet, "\n%d errors were found on the image.\n"
                        "Data may be corrupted, or further writes to the image "
                        "may corrupt it.\n", r->corruptions);
        }
        if (r->leaks) {
            img_qprintf(quiet, "\n%d leaked clusters were found on the image.\n"
                        "This means waste of disk space, but no harm to data.\n",
                        r->leaks);
        }
        if (r->check_errors) {
            img_qprintf(quiet, "\n%d internal errors have occurred during the "
                        "check.\n", r->check_errors);
        }
    }
    if (r->bfi.total_clusters != 0 && r->bfi.allocated_clusters != 0) {
        const BlockFragInfo *b = &r->bfi;

        img_qprintf(quiet, "%" PRIu64 "/%" PRIu64 " = %0.2f%% allocated, "
                    "%0.2f%% fragmented, %0.2f%% compressed clusters\n",
                    b->allocated_clusters, b->total_clusters,
                    b->allocated_clusters * 100.0 / b->total_clusters,
                    b->fragmented_clusters * 100.0 / b->allocated_clusters,
                    b->compressed_clusters * 100.0 / b->allocated_clusters);
    }
    if (r->image_end_offset) {
        img_qprintf(quiet, "Image end offset: %" PRId64 "\n", r->image_end_offset);
    }
}

static void img_check_json(const BdrvCheckResult *r, const char *filename,
                           const char *format)
{
    g_autoptr(QDict) d = qdict_new();

    qdict_put_str(d, "filename", filename);
    qdict_put_str(d, "format", format);
    qdict_put_int(d, "check-errors", r->check_errors);
    if (r->image_end_offset) {
        qdict_put_int(d, "image-end-offset", r->image_end_offset);
    }
    if (r->corruptions) {
        qdict_put_int(d, "corruptions", r->corruptions);
    }
    if (r->leaks) {
        qdict_put_int(d, "leaks", r->leaks);
    }
    if (r->corruptions_fixed) {
        qdict_put_int(d, "corruptions-fixed", r->corruptions_fixed);
    }
    if (r->leaks_fixed) {
        qdict_put_int(d, "leaks-fixed", r->leaks_fixed);
    }
    if (r->bfi.total_clusters) {
        qdict_put_int(d, "total-clusters", r->bfi.total_clusters);
    }
    if (r->bfi.allocated_clusters) {
        qdict_put_int(d, "allocated-clusters", r->bfi.allocated_clusters);
    }
    if (r->bfi.fragmented_clusters) {
        qdict_put_int(d, "fragmented-clusters", r->bfi.fragmented_clusters);
    }
    if (r->bfi.compressed_clusters) {
        qdict_put_int(d, "compressed-clusters", r->bfi.compressed_clusters);
    }
    img_print_json(QOBJECT(d));
}

int img_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "repair", required_argument, NULL, 'r' },
        { "output", required_argument, NULL, IMG_OPT_OUTPUT },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *filename, *cache = "writeback";
    int oformat = IMG_OFORMAT_HUMAN, flags = BDRV_O_CHECK, fix = 0;
    bool quiet = false, force_share = false, writethrough;
    BdrvCheckResult res;
    BlockBackend *blk;
    BlockDriverState *bs;
    int c, ret;

    while ((c = getopt_long(argc, argv, ":hf:r:T:qU", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 'r':
            flags |= BDRV_O_RDWR;
            if (!strcmp(optarg, "leaks")) {
                fix = BDRV_FIX_LEAKS;
            } else if (!strcmp(optarg, "all")) {
                fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
            } else {
                img_error_exit("Unknown option value for -r "
                               "(expecting 'leaks' or 'all'): %s", optarg);
            }
            break;
        case 'T':
            cache = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'U':
            force_share = true;
            break;
        case IMG_OPT_OUTPUT:
            oformat = img_parse_output(optarg);
            if (oformat < 0) {
                return 1;
            }
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    filename = img_one_filename(argc, argv);
    if (!img_parse_cache(cache, &flags, &writethrough, true)) {
        return 1;
    }
    blk = img_open(filename, fmt, flags, writethrough, quiet, force_share);
    if (!blk) {
        return 1;
    }
    bs = blk_bs(blk);
    ret = img_check_run(bs, &res, fix);
    if (ret == -ENOTSUP) {
        error_report("This image format does not support checks");
        blk_unref(blk);
        return 63;
    }
    if (ret == 0 && (res.corruptions_fixed || res.leaks_fixed)) {
        int leaks_fixed = res.leaks_fixed;
        int corruptions_fixed = res.corruptions_fixed;

        if (oformat == IMG_OFORMAT_HUMAN) {
            img_qprintf(quiet, "The following inconsistencies were found and "
                        "repaired:\n\n    %d leaked clusters\n    %d corruptions\n\n"
                        "Double checking the fixed image now...\n",
                        leaks_fixed, corruptions_fixed);
        }
        ret = img_check_run(bs, &res, 0);
        res.leaks_fixed = leaks_fixed;
        res.corruptions_fixed = corruptions_fixed;
    }
    if (ret == 0) {
        if (oformat == IMG_OFORMAT_JSON) {
            img_check_json(&res, filename, bdrv_get_format_name(bs) ?: "");
        } else {
            img_check_human(&res, quiet);
        }
    }
    if (ret || res.check_errors) {
        if (ret) {
            error_report("Check failed: %s", strerror(-ret));
        } else {
            error_report("Check failed");
        }
        ret = 1;
    } else if (res.corruptions) {
        ret = 2;
    } else if (res.leaks) {
        ret = 3;
    }
    blk_unref(blk);
    return ret;
}

/* ---- snapshot ----------------------------------------------------------- */

enum { SNAP_LIST = 1, SNAP_APPLY, SNAP_CREATE, SNAP_DELETE };

int img_snapshot(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *name = NULL, *filename;
    int action = 0, c, ret = 0, flags = BDRV_O_RDWR;
    bool quiet = false, force_share = false;
    BlockBackend *blk;
    BlockDriverState *bs;
    Error *err = NULL;

    while ((c = getopt_long(argc, argv, ":la:c:d:hqU", longopts, NULL)) != -1) {
        int a = 0;

        switch (c) {
        case 'h':
            img_help();
        case 'l':
            a = SNAP_LIST;
            break;
        case 'a':
            a = SNAP_APPLY;
            break;
        case 'c':
            a = SNAP_CREATE;
            break;
        case 'd':
            a = SNAP_DELETE;
            break;
        case 'q':
            quiet = true;
            break;
        case 'U':
            force_share = true;
            break;
        default:
            img_bad_option(c, argv);
        }
        if (a) {
            if (action) {
                img_error_exit("Cannot mix '-l', '-a', '-c', '-d'");
            }
            action = a;
            name = a == SNAP_LIST ? NULL : optarg;
        }
    }
    filename = img_one_filename(argc, argv);
    if (action == SNAP_LIST || !action) {
        /* No action at all opens the image and does nothing, as QEMU. */
        flags = BDRV_O_NO_BACKING;
    }
    blk = img_open(filename, NULL, flags, false, quiet,
                   action == SNAP_LIST && force_share);
    if (!blk) {
        return 1;
    }
    bs = blk_bs(blk);
    switch (action) {
    case SNAP_LIST: {
        QEMUSnapshotInfo *sns = NULL;
        int nb = bdrv_snapshot_list(bs, &sns);

        if (nb > 0) {
            printf("Snapshot list:\n");
            img_dump_snapshot_header();
            for (int i = 0; i < nb; i++) {
                img_dump_snapshot(&sns[i]);
            }
        }
        g_free(sns);
        break;
    }
    case SNAP_CREATE: {
        QEMUSnapshotInfo sn;
        gint64 now = g_get_real_time();

        memset(&sn, 0, sizeof(sn));
        g_strlcpy(sn.name, name, sizeof(sn.name));
        sn.date_sec = now / G_USEC_PER_SEC;
        sn.date_nsec = (now % G_USEC_PER_SEC) * 1000;
        ret = bdrv_snapshot_create(bs, &sn);
        if (ret) {
            error_report("Could not create snapshot '%s': %s", name,
                         strerror(-ret));
        }
        break;
    }
    case SNAP_APPLY:
        ret = bdrv_snapshot_goto(bs, name, &err);
        if (ret) {
            /* QEMU's wording whatever the layer below said. */
            error_free(err);
            err = NULL;
            error_setg_errno(&err, -ret, "Failed to load snapshot");
            error_prepend(&err, "Could not apply snapshot '%s': ", name);
            error_report_err(err);
        }
        break;
    case SNAP_DELETE: {
        QEMUSnapshotInfo sn;

        /* QEMU's qemu-img deletes by name only (apply takes an id too). */
        if (bdrv_snapshot_find(bs, &sn, name) < 0 || strcmp(sn.name, name)) {
            error_setg(&err, "snapshot not found");
            ret = -ENOENT;
        } else {
            ret = bdrv_snapshot_delete(bs, sn.id_str, sn.name, &err);
            if (ret && !err) {
                error_setg_errno(&err, -ret, "Failed to delete snapshot");
            }
        }
        if (ret) {
            error_prepend(&err, "Could not delete snapshot '%s': ", name);
            error_report_err(err);
        }
        break;
    }
    }
    blk_unref(blk);
    return ret ? 1 : 0;
}

/* ---- resize ------------------------------------------------------------- */

int img_resize(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "preallocation", required_argument, NULL, IMG_OPT_PREALLOCATION },
        { "shrink", no_argument, NULL, IMG_OPT_SHRINK },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *filename, *size_arg;
    int relative = 0, c, prealloc = PREALLOC_MODE_OFF;
    bool quiet = false, shrink = false;
    uint64_t n;
    int64_t current, total;
    const char *end;
    BlockBackend *blk;
    Error *err = NULL;

    /* The size comes last and may be "-1G": take it before getopt sees a
     * negative number as an option. */
    if (argc < 3) {
        img_error_exit("Expecting image file name and size");
    }
    size_arg = argv[--argc];
    while ((c = getopt_long(argc, argv, ":f:hq", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case IMG_OPT_PREALLOCATION:
            prealloc = prealloc_mode_from_str(optarg, NULL);
            if (prealloc < 0) {
                error_report("Invalid preallocation mode '%s'", optarg);
                return 1;
            }
            break;
        case IMG_OPT_SHRINK:
            shrink = true;
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting image file name and size");
    }
    filename = argv[optind];
    if (size_arg[0] == '+') {
        relative = 1;
        size_arg++;
    } else if (size_arg[0] == '-') {
        relative = -1;
        size_arg++;
    }
    if (qemu_strtosz(size_arg, &end, &n) < 0 || *end || n > INT64_MAX) {
        error_report("Parameter 'size' expects a non-negative number below 2^64");
        error_printf("Optional suffix k, M, G, T, P or E means kilo-, mega-, "
                     "giga-, tera-, peta-\nand exabytes, respectively.\n");
        return 1;
    }
    blk = img_open(filename, fmt, BDRV_O_RDWR | BDRV_O_RESIZE, false, quiet,
                   false);
    if (!blk) {
        return 1;
    }
    current = blk_getlength(blk);
    if (current < 0) {
        error_report("Failed to inquire current image length: %s",
                     strerror((int)-current));
        blk_unref(blk);
        return 1;
    }
    total = relative ? current + relative * (int64_t)n : (int64_t)n;
    if (total <= 0) {
        error_report("New image size must be positive");
        blk_unref(blk);
        return 1;
    }
    if (total <= current && prealloc != PREALLOC_MODE_OFF) {
        error_report("Preallocation can only be used for growing images");
        blk_unref(blk);
        return 1;
    }
    if (total < current && !shrink) {
        error_report("Use the --shrink option to perform a shrink operation.");
        warn_report("Shrinking an image will delete all data beyond the "
                    "shrunken image's end. Before performing such an "
                    "operation, make sure there is no important data there.");
        blk_unref(blk);
        return 1;
    }
    if (blk_truncate(blk, total, false, prealloc, 0, &err) < 0) {
        if (!err) {
            error_setg(&err, "Failed to resize image");
        }
        error_report_err(err);
        blk_unref(blk);
        return 1;
    }
    img_qprintf(quiet, "Image resized.\n");
    blk_unref(blk);
    return 0;
}

/* ---- amend -------------------------------------------------------------- */

/* The create options that amend can change (QEMU's amend list for qcow2). */
static bool img_amendable(const char *name)
{
    static const char *const names[] = {
        "backing_file", "backing_fmt", "compat", "data_file", "data_file_raw",
        "lazy_refcounts", "refcount_bits", "size",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(name, names[i])) {
            return true;
        }
    }
    return false;
}

/* "Amend options for 'qcow2':" and the list; returns the exit status. */
static int img_print_amend_options(const char *fmt)
{
    BlockDriver *drv = bdrv_find_format(fmt);
    QemuOptsList *list, *amend;
    size_t n = 0, k = 0;

    if (!drv || !drv->amend) {
        error_report("Format driver '%s' does not support option amendment",
                     fmt);
        return 1;
    }
    list = bdrv_create_opts_merge(drv, NULL);
    while (list->desc[n].name) {
        n++;
    }
    amend = g_malloc0(sizeof(*amend) + (n + 1) * sizeof(QemuOptDesc));
    for (size_t i = 0; i < n; i++) {
        if (img_amendable(list->desc[i].name)) {
            amend->desc[k++] = list->desc[i];
        }
    }
    printf("Amend options for '%s':\n", fmt);
    qemu_opts_print_help(amend, false);
    g_free(amend);
    bdrv_create_opts_free(list);
    return 0;
}

int img_amend(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force", no_argument, NULL, IMG_OPT_FORCE },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *filename, *cache = "writeback";
    g_autofree char *options = NULL;
    bool quiet = false, writethrough, progress = false;
    int flags = BDRV_O_RDWR, c, ret = 0;
    BlockBackend *blk;
    BlockDriverState *bs;
    QemuOptsList *list;
    QemuOpts *opts;
    Error *err = NULL;

    while ((c = getopt_long(argc, argv, ":ho:f:t:pqU", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'o':
            options = img_add_options(options, optarg);
            break;
        case 'f':
            fmt = optarg;
            break;
        case 't':
            cache = optarg;
            break;
        case 'p':
            progress = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'U':
        case IMG_OPT_FORCE:
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    if (!options) {
        img_error_exit("Must specify options (-o)");
    }
    if (img_has_help_option(options) && fmt) {
        return img_print_amend_options(fmt);
    }
    filename = img_one_filename(argc, argv);
    if (!img_parse_cache(cache, &flags, &writethrough, false)) {
        return 1;
    }
    blk = img_open(filename, fmt, flags, writethrough, quiet, false);
    if (!blk) {
        return 1;
    }
    bs = blk_bs(blk);
    if (img_has_help_option(options)) {
        ret = img_print_amend_options(bdrv_get_format_name(bs));
        blk_unref(blk);
        return ret;
    }
    if (!bs->drv->amend) {
        error_report("Format driver '%s' does not support option amendment",
                     bdrv_get_format_name(bs));
        blk_unref(blk);
        return 1;
    }
    list = bdrv_create_opts_merge(bs->drv, NULL);
    opts = qemu_opts_parse(list, options, false, &err);
    if (!opts) {
        error_report_err(err);
        bdrv_create_opts_free(list);
        blk_unref(blk);
        return 1;
    }
    img_progress_init(progress && !quiet);
    ret = bdrv_amend_options(bs, opts, &err);
    img_progress_end();
    if (ret < 0) {
        if (!err) {
            error_setg_errno(&err, -ret, "Error while amending options");
        }
        error_report_err(err);
        ret = 1;
    }
    qemu_opts_del(opts);
    bdrv_create_opts_free(list);
    blk_unref(blk);
    return ret;
}

/* ---- main --------------------------------------------------------------- */

typedef struct ImgCmd {
    const char *name;
    int (*handler)(int argc, char **argv);
} ImgCmd;

static const ImgCmd img_cmds[] = {
    { "amend", img_amend },
    { "bench", img_bench },
    { "check", img_check },
    { "commit", img_commit },
    { "compare", img_compare },
    { "convert", img_convert },
    { "create", img_create },
    { "dd", img_dd },
    { "info", img_info },
    { "map", img_map },
    { "measure", img_measure },
    { "snapshot", img_snapshot },
    { "rebase", img_rebase },
    { "resize", img_resize },
};

static const char img_help_syntax[] =
    "  amend [-p] [-q] [-f fmt] [-t cache] [--force] -o options filename\n"
    "  bench [-c count] [-d depth] [-f fmt] [--flush-interval=flush_interval]"
    " [-i aio] [-n] [--no-drain] [-o offset] [--pattern=pattern] [-q]"
    " [-s buffer_size] [-S step_size] [-t cache] [-w] [-U] filename\n"
    "  check [-q] [-f fmt] [--output=ofmt] [-r [leaks | all]] [-T src_cache]"
    " [-U] filename\n"
    "  commit [-q] [-f fmt] [-t cache] [-b base] [-r rate_limit] [-d] [-p]"
    " filename\n"
    "  compare [-f fmt] [-F fmt] [-T src_cache] [-p] [-q] [-s] [-U]"
    " filename1 filename2\n"
    "  convert [--target-is-zero] [-U] [-C] [-c] [-p] [-q] [-n] [-f fmt]"
    " [-t cache] [-T src_cache] [-O output_fmt] [-B backing_file [-F backing_fmt]]"
    " [-o options] [-S sparse_size] [-r rate_limit] [-m num_coroutines] [-W]"
    " filename [filename2 [...]] output_filename\n"
    "  create [-q] [-f fmt] [-b backing_file [-F backing_fmt]] [-u] [-o options]"
    " filename [size]\n"
    "  dd [-U] [-f fmt] [-O output_fmt] [bs=block_size] [count=blocks]"
    " [skip=blocks] if=input of=output\n"
    "  info [-f fmt] [--output=ofmt] [--backing-chain] [-U] filename\n"
    "  map [-f fmt] [--start-offset=offset] [--max-length=len] [--output=ofmt]"
    " [-U] filename\n"
    "  measure [--output=ofmt] [-O output_fmt] [-o options] [--size N |"
    " [-f fmt] [-l snapshot_param] filename]\n"
    "  snapshot [-U] [-q] [-l | -a snapshot | -c snapshot | -d snapshot]"
    " filename\n"
    "  rebase [-U] [-q] [-f fmt] [-t cache] [-T src_cache] [-p] [-u]"
    " -b backing_file [-F backing_fmt] filename\n"
    "  resize [-f fmt] [--preallocation=prealloc] [-q] [--shrink] filename"
    " [+ | -]size\n";

static void img_add_format(void *opaque, const char *name)
{
    GString *s = opaque;

    g_string_append_printf(s, " %s", name);
}

static void img_version(void)
{
    printf("qemu-img version " QEMU_VERSION " (Keel " KEEL_VERSION ")\n"
           "Copyright (c) 2003-2024 Fabrice Bellard and the QEMU Project "
           "developers; Keel authors\n");
}

void img_help(void)
{
    g_autoptr(GString) formats = g_string_new(NULL);

    img_version();
    printf("usage: qemu-img [standard options] command [command options]\n"
           "QEMU disk image utility (Keel)\n\n"
           "    '-h', '--help'       display this help and exit\n"
           "    '-V', '--version'    output version information and exit\n\n"
           "Command syntax:\n%s\n", img_help_syntax);
    printf("Command parameters:\n"
           "  'filename' is a disk image filename\n"
           "  'fmt' is the disk image format. It is guessed automatically in "
           "most cases\n"
           "  'cache' is the cache mode used to write the output disk image: "
           "'none',\n"
           "    'writeback' (default, except for convert), 'writethrough',\n"
           "    'directsync' and 'unsafe' (default for convert)\n"
           "  'src_cache' is the cache mode used to read input disk images\n"
           "  'size' is the disk image size in bytes. Optional suffixes k, M, "
           "G, T, P, E\n"
           "    (powers of 1024) are supported; 'b' is ignored.\n"
           "  'output_filename' is the destination disk image filename\n"
           "  'output_fmt' is the destination format\n"
           "  'options' is a comma separated list of format specific options "
           "in a\n"
           "    name=value format. Use -o help for the options of a format\n"
           "  '-c' compresses the target image (qcow2 only)\n"
           "  '-u' unsafe: do not open the backing file (create, rebase)\n"
           "  '-p' shows progress of the command (only certain commands)\n"
           "  '-q' quiet mode: prints no output except errors\n"
           "  '-S' the number of consecutive zero bytes (default 4k) that "
           "convert\n"
           "       leaves unallocated in the target; 0 allocates everything\n"
           "  '--output' takes human or json\n"
           "  '-n' skips creating the target (convert)\n\n"
           "Parameters to check subcommand:\n"
           "  '-r' repairs: '-r leaks' only leaked clusters, '-r all' all "
           "kinds of errors\n\n"
           "Parameters to snapshot subcommand:\n"
           "  '-a' applies, '-c' creates, '-d' deletes a snapshot; '-l' lists "
           "them\n\n"
           "Parameters to compare subcommand:\n"
           "  '-f' first image format, '-F' second image format\n"
           "  '-s' strict mode: fail on different image size or sector "
           "allocation\n\n"
           "Parameters to dd subcommand:\n"
           "  'bs=BYTES' read and write up to BYTES bytes at a time "
           "(default: 512)\n"
           "  'count=N' copy only N input blocks\n"
           "  'if=FILE' read from FILE\n"
           "  'of=FILE' write to FILE\n"
           "  'skip=N' skip N bs-sized blocks at the start of input\n\n");
    bdrv_iterate_format(img_add_format, formats, false);
    printf("Supported formats:%s\n", formats->str);
    exit(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "trace", required_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd;
    int c, ret;

    error_progname = "qemu-img";
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        img_error_exit("Not enough arguments");
    }
    while ((c = getopt_long(argc, argv, "+:hVT:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'V':
            img_version();
            return 0;
        case 'T':
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    if (optind >= argc) {
        img_error_exit("Not enough arguments");
    }
    cmd = argv[optind];
    argc -= optind;
    argv += optind;
    /* Each subcommand parses from its own argv[0] with a fresh getopt. */
    optind = 0;
    for (size_t i = 0; i < ARRAY_SIZE(img_cmds); i++) {
        if (!strcmp(cmd, img_cmds[i].name)) {
            ret = img_cmds[i].handler(argc, argv);
            bdrv_close_all();
            fflush(stdout);
            return ret;
        }
    }
    img_error_exit("Command not found: %s", cmd);
}
