/*
 * block.c: the block layer's node graph: the driver registry and format
 * probing, opening nodes from QEMU-style options (dotted children such as
 * file.filename, node references, backing chains), node names, image
 * creation and the image-level operations (check, info, snapshots).
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/block-backend.h"
#include "block/block-drivers.h"
#include "qemu/cutils.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/json.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

#include <sys/stat.h>

/* Bytes read for format probing (QEMU's BLOCK_PROBE_BUF_SIZE). */
#define BLOCK_PROBE_BUF_SIZE 2048
/* Longest backing chain opened; a deeper one is almost surely a loop that
 * realpath() cannot see (e.g. through json: names). */
#define BDRV_MAX_BACKING_DEPTH 1000

__thread bool bdrv_qapi_option_errors;

static GPtrArray *bdrv_drivers;
static BlockDriverState *all_nodes;
static unsigned int auto_node_counter;
static GMutex graph_lock;   /* bdrv_drivers and all_nodes */

/* Each driver file defines block_init_<fn>() through block_init(). */
#define X(fn) void block_init_##fn(void);
BLOCK_DRIVER_INITS(X)
#undef X

static void bdrv_init_drivers(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
#define X(fn) block_init_##fn();
        BLOCK_DRIVER_INITS(X)
#undef X
        g_once_init_leave(&done, 1);
    }
}

void bdrv_register(BlockDriver *drv)
{
    g_mutex_lock(&graph_lock);
    if (!bdrv_drivers) {
        bdrv_drivers = g_ptr_array_new();
    }
    for (guint i = 0; i < bdrv_drivers->len; i++) {
        if (g_ptr_array_index(bdrv_drivers, i) == drv) {
            g_mutex_unlock(&graph_lock);
            return;
        }
    }
    g_ptr_array_add(bdrv_drivers, drv);
    g_mutex_unlock(&graph_lock);
}

BlockDriver *bdrv_find_format(const char *name)
{
    bdrv_init_drivers();
    for (guint i = 0; bdrv_drivers && i < bdrv_drivers->len; i++) {
        BlockDriver *drv = g_ptr_array_index(bdrv_drivers, i);
        if (!strcmp(drv->format_name, name)) {
            return drv;
        }
    }
    return NULL;
}

static gint bdrv_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void bdrv_iterate_format(void (*it)(void *opaque, const char *name),
                         void *opaque, bool read_only)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    bdrv_init_drivers();
    for (guint i = 0; bdrv_drivers && i < bdrv_drivers->len; i++) {
        BlockDriver *drv = g_ptr_array_index(bdrv_drivers, i);
        g_ptr_array_add(names, (gpointer)drv->format_name);
    }
    g_ptr_array_sort(names, bdrv_name_cmp);
    for (guint i = 0; i < names->len; i++) {
        it(opaque, g_ptr_array_index(names, i));
    }
}

/* "proto:rest" with the colon before any slash names a protocol. */
static bool path_has_protocol(const char *path)
{
    const char *p = path + strcspn(path, ":/");

    return *p == ':';
}

BlockDriver *bdrv_find_protocol(const char *filename, bool allow_protocol_prefix,
                                Error **errp)
{
    BlockDriver *file = bdrv_find_format("file");

    if (!path_has_protocol(filename) || !allow_protocol_prefix) {
        return file;
    }
    size_t len = strcspn(filename, ":");
    g_autofree char *proto = g_strndup(filename, len);
    bdrv_init_drivers();
    for (guint i = 0; bdrv_drivers && i < bdrv_drivers->len; i++) {
        BlockDriver *drv = g_ptr_array_index(bdrv_drivers, i);
        if (drv->protocol_name && !strcmp(drv->protocol_name, proto)) {
            return drv;
        }
    }
    error_setg(errp, "Unknown protocol '%s'", proto);
    return NULL;
}

BlockDriver *bdrv_probe_format(const uint8_t *buf, int buf_size,
                               const char *filename)
{
    BlockDriver *best = NULL;
    int best_score = 0;

    bdrv_init_drivers();
    for (guint i = 0; bdrv_drivers && i < bdrv_drivers->len; i++) {
        BlockDriver *drv = g_ptr_array_index(bdrv_drivers, i);
        if (drv->is_format && drv->probe) {
            int score = drv->probe(buf, buf_size, filename);
            if (score > best_score) {
                best_score = score;
                best = drv;
            }
        }
    }
    return best ? best : bdrv_find_format("raw");
}

/* --- option helpers ------------------------------------------------------ */

char *bdrv_opt_take_str(QDict *options, const char *key)
{
    QObject *o = options ? qdict_get(options, key) : NULL;
    char *val = NULL;

    if (!o) {
        return NULL;
    }
    switch (qobject_type(o)) {
    case QTYPE_QSTRING:
        val = g_strdup(qstring_get_str(qobject_to(QString, o)));
        break;
    case QTYPE_QNUM:
        val = qnum_to_string(qobject_to(QNum, o));
        break;
    case QTYPE_QBOOL:
        val = g_strdup(qbool_get_bool(qobject_to(QBool, o)) ? "on" : "off");
        break;
    default:
        /* null, lists, dicts: not a string; leave it for the caller's
         * "unexpected parameter" check */
        return NULL;
    }
    qdict_del(options, key);
    return val;
}

bool bdrv_opt_take_bool(QDict *options, const char *key, bool *val,
                        bool *present, Error **errp)
{
    QObject *o = options ? qdict_get(options, key) : NULL;

    if (present) {
        *present = o != NULL;
    }
    if (!o) {
        return true;
    }
    if (qobject_type(o) == QTYPE_QBOOL) {
        *val = qbool_get_bool(qobject_to(QBool, o));
    } else if (qobject_type(o) == QTYPE_QSTRING) {
        const char *s = qstring_get_str(qobject_to(QString, o));
        if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes")) {
            *val = true;
        } else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no")) {
            *val = false;
        } else {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
            return false;
        }
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: boolean", key);
        return false;
    }
    qdict_del(options, key);
    return true;
}

bool bdrv_opt_take_size(QDict *options, const char *key, uint64_t *val,
                        bool *present, Error **errp)
{
    QObject *o = options ? qdict_get(options, key) : NULL;

    if (present) {
        *present = o != NULL;
    }
    if (!o) {
        return true;
    }
    if (qobject_type(o) == QTYPE_QNUM) {
        if (!qnum_get_try_uint(qobject_to(QNum, o), val)) {
            error_setg(errp, "Parameter '%s' expects a non-negative number", key);
            return false;
        }
    } else if (qobject_type(o) == QTYPE_QSTRING) {
        if (!qemu_parse_size(key, qstring_get_str(qobject_to(QString, o)), val, errp)) {
            return false;
        }
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer", key);
        return false;
    }
    qdict_del(options, key);
    return true;
}

/* Nested dicts become dotted keys: {"file": {"filename": "x"}} ->
 * "file.filename": "x". */
static void bdrv_qdict_flatten_into(QDict *src, QDict *dst, const char *prefix)
{
    for (const QDictEntry *e = qdict_first(src); e; e = qdict_next(src, e)) {
        g_autofree char *key = prefix ? g_strdup_printf("%s.%s", prefix, e->key)
                                      : g_strdup(e->key);
        QDict *sub = qobject_to(QDict, e->value);
        if (sub) {
            bdrv_qdict_flatten_into(sub, dst, key);
        } else {
            qdict_put_obj(dst, key, qobject_ref(e->value));
        }
    }
}

void bdrv_qdict_flatten(QDict *qdict)
{
    g_autoptr(GPtrArray) nested = g_ptr_array_new_with_free_func(g_free);

    for (const QDictEntry *e = qdict_first(qdict); e; e = qdict_next(qdict, e)) {
        if (qobject_type(e->value) == QTYPE_QDICT) {
            g_ptr_array_add(nested, g_strdup(e->key));
        }
    }
    for (guint i = 0; i < nested->len; i++) {
        const char *key = g_ptr_array_index(nested, i);
        QDict *sub = qobject_ref(qdict_get_qdict(qdict, key));
        qdict_del(qdict, key);
        bdrv_qdict_flatten_into(sub, qdict, key);
        qobject_unref(sub);
    }
}

void bdrv_qdict_extract_subqdict(QDict *src, QDict **dst, const char *prefix)
{
    size_t plen = strlen(prefix);
    const QDictEntry *e, *next;

    *dst = qdict_new();
    for (e = qdict_first(src); e; e = next) {
        next = qdict_next(src, e);
        if (!strncmp(e->key, prefix, plen) && e->key[plen]) {
            qdict_put_obj(*dst, e->key + plen, qobject_ref(e->value));
            qdict_del(src, e->key);
        }
    }
}

QDict *bdrv_opts_to_qdict(QemuOpts *opts)
{
    QDict *d = qdict_new();
    QemuOptsList *list = qemu_opts_list(opts);

    for (int i = 0; list->desc[i].name; i++) {
        const char *v = qemu_opt_get(opts, list->desc[i].name);
        if (v) {
            qdict_put_str(d, list->desc[i].name, v);
        }
    }
    return d;
}

/* --- nodes --------------------------------------------------------------- */

/* QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
static bool node_name_wellformed(const char *name)
{
    if (!g_ascii_isalpha(name[0])) {
        return false;
    }
    for (const char *p = name + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static BlockDriverState *bdrv_new(void)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);

    bs->refcnt = 1;
    bs->size_bytes = -1;
    bs->request_alignment = 1;
    g_rec_mutex_init(&bs->lock);
    return bs;
}

static void bdrv_link_node(BlockDriverState *bs)
{
    g_mutex_lock(&graph_lock);
    BlockDriverState **p = &all_nodes;
    while (*p) {
        p = &(*p)->next_all;
    }
    *p = bs;
    g_mutex_unlock(&graph_lock);
}

static void bdrv_unlink_node(BlockDriverState *bs)
{
    g_mutex_lock(&graph_lock);
    for (BlockDriverState **p = &all_nodes; *p; p = &(*p)->next_all) {
        if (*p == bs) {
            *p = bs->next_all;
            break;
        }
    }
    g_mutex_unlock(&graph_lock);
}

BlockDriverState *bdrv_find_node(const char *node_name)
{
    BlockDriverState *found = NULL;

    g_mutex_lock(&graph_lock);
    for (BlockDriverState *bs = all_nodes; bs; bs = bs->next_all) {
        if (!strcmp(bs->node_name, node_name)) {
            found = bs;
            break;
        }
    }
    g_mutex_unlock(&graph_lock);
    return found;
}

BlockDriverState *bdrv_next_node(BlockDriverState *bs)
{
    return bs ? bs->next_all : all_nodes;
}

static bool bdrv_assign_node_name(BlockDriverState *bs, const char *name, Error **errp)
{
    if (!name) {
        snprintf(bs->node_name, sizeof(bs->node_name), "#block%03u",
                 g_atomic_int_add(&auto_node_counter, 1));
        bs->node_name_auto = true;
        return true;
    }
    if (!node_name_wellformed(name)) {
        error_setg(errp, "Invalid node-name: '%s'", name);
        return false;
    }
    if (blk_by_name(name)) {
        error_setg(errp, "node-name=%s is conflicting with a device id", name);
        return false;
    }
    if (bdrv_find_node(name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", name);
        return false;
    }
    if (strlen(name) >= sizeof(bs->node_name)) {
        error_setg(errp, "Node name too long");
        return false;
    }
    g_strlcpy(bs->node_name, name, sizeof(bs->node_name));
    return true;
}

void bdrv_ref(BlockDriverState *bs)
{
    g_atomic_int_inc(&bs->refcnt);
}

void bdrv_unref_child(BlockDriverState *parent, BdrvChild *child)
{
    if (!child) {
        return;
    }
    if (parent->file == child) {
        parent->file = NULL;
    }
    if (parent->backing == child) {
        parent->backing = NULL;
    }
    bdrv_unref(child->bs);
    g_free(child->name);
    g_free(child);
}

static void bdrv_close(BlockDriverState *bs)
{
    if (bs->drv) {
        if (!bs->read_only && bs->opaque) {
            bdrv_flush(bs);
        }
        if (bs->drv->close && bs->opaque) {
            bs->drv->close(bs);
        }
    }
    bdrv_unref_child(bs, bs->backing);
    bdrv_unref_child(bs, bs->file);
    g_free(bs->opaque);
    bs->opaque = NULL;
    bs->drv = NULL;
}

void bdrv_unref(BlockDriverState *bs)
{
    if (!bs || !g_atomic_int_dec_and_test(&bs->refcnt)) {
        return;
    }
    bdrv_unlink_node(bs);
    bdrv_close(bs);
    qobject_unref(bs->options);
    g_rec_mutex_clear(&bs->lock);
    g_free(bs);
}

void bdrv_close_all(void)
{
    /* Nodes stay referenced by their owners; flushing is what must happen
     * before exit (locks go with the process). */
    g_mutex_lock(&graph_lock);
    g_autoptr(GPtrArray) nodes = g_ptr_array_new();
    for (BlockDriverState *bs = all_nodes; bs; bs = bs->next_all) {
        g_ptr_array_add(nodes, bs);
    }
    g_mutex_unlock(&graph_lock);
    for (guint i = 0; i < nodes->len; i++) {
        BlockDriverState *bs = g_ptr_array_index(nodes, i);
        if (!bs->read_only) {
            bdrv_flush(bs);
        }
    }
}

int bdrv_refresh_total_sectors(BlockDriverState *bs, int64_t hint)
{
    int64_t len;

    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->drv->getlength) {
        len = bs->drv->getlength(bs);
    } else if (bs->file) {
        len = bdrv_getlength(bs->file->bs);
    } else {
        len = hint;
    }
    if (len < 0) {
        return len;
    }
    bs->size_bytes = len;
    bs->total_sectors = DIV_ROUND_UP(len, BDRV_SECTOR_SIZE);
    return 0;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    /* A protocol's file may grow under us (writes past EOF): ask it. */
    if (!bs->drv->is_format || bs->size_bytes < 0) {
        int ret = bdrv_refresh_total_sectors(bs, bs->size_bytes);
        if (ret < 0) {
            return ret;
        }
    }
    /* Whole sectors, as QEMU: a 1000-byte raw file is a 1024-byte disk
     * whose tail reads as zeroes. */
    return bs->total_sectors * BDRV_SECTOR_SIZE;
}

int64_t bdrv_nb_sectors(BlockDriverState *bs)
{
    int64_t len = bdrv_getlength(bs);

    return len < 0 ? len : DIV_ROUND_UP(len, BDRV_SECTOR_SIZE);
}

/* --- filenames ----------------------------------------------------------- */

char *bdrv_get_full_backing_filename_from_filename(const char *backed,
                                                   const char *backing,
                                                   Error **errp)
{
    if (!backing || !backing[0]) {
        error_setg(errp, "No backing file name");
        return NULL;
    }
    if (backing[0] == '/' || path_has_protocol(backing)) {
        return g_strdup(backing);
    }
    if (!backed || !backed[0] || g_str_has_prefix(backed, "json:")) {
        error_setg(errp, "Cannot use relative backing file names for '%s'",
                   backed ? backed : "");
        return NULL;
    }
    const char *slash = strrchr(backed, '/');
    if (!slash) {
        return g_strdup(backing);
    }
    return g_strdup_printf("%.*s/%s", (int)(slash - backed), backed, backing);
}

char *bdrv_get_full_backing_filename(BlockDriverState *bs, Error **errp)
{
    const char *backed = bs->exact_filename[0] ? bs->exact_filename : bs->filename;

    /* During the driver's open() the node's own name is not set yet: the
     * image file's name is what relative backing names are relative to. */
    for (BlockDriverState *f = bs; !backed[0] && f->file; f = f->file->bs) {
        BlockDriverState *c = f->file->bs;
        backed = c->exact_filename[0] ? c->exact_filename : c->filename;
    }

    return bdrv_get_full_backing_filename_from_filename(backed, bs->backing_file, errp);
}

void bdrv_refresh_filename(BlockDriverState *bs)
{
    if (bs->file) {
        bdrv_refresh_filename(bs->file->bs);
    }
    if (bs->drv && bs->drv->refresh_filename) {
        bs->drv->refresh_filename(bs);
    } else if (bs->file) {
        /* A format node shows its file's name, as QEMU does. */
        g_strlcpy(bs->exact_filename, bs->file->bs->exact_filename,
                  sizeof(bs->exact_filename));
    }
    if (bs->exact_filename[0]) {
        g_strlcpy(bs->filename, bs->exact_filename, sizeof(bs->filename));
    } else if (bs->file) {
        g_strlcpy(bs->filename, bs->file->bs->filename, sizeof(bs->filename));
    }
}

/* --- opening ------------------------------------------------------------- */

static BlockDriverState *bdrv_open_node(const char *filename, const char *reference,
                                        QDict *options, int flags, Error **errp);

/* Per-thread stack of images whose backing chain is being opened, for
 * loop detection. */
static __thread GPtrArray *backing_open_stack;

/* Read the first bytes of an image for probing, through a temporary
 * unlocked protocol node (locks are taken by the real open). */
static BlockDriver *bdrv_probe_child(const char *filename, QDict *options,
                                     int flags, Error **errp)
{
    g_autoptr(QDict) copts = NULL;
    uint8_t buf[BLOCK_PROBE_BUF_SIZE];
    BlockDriverState *file;
    const char *ref;
    int64_t len;
    int ret;

    ref = qdict_get_try_str(options, "file");
    bdrv_qdict_extract_subqdict(options, &copts, "file.");
    if (ref) {
        file = bdrv_open_node(NULL, ref, NULL, 0, errp);
    } else {
        /* Put the keys back: the real open of the child needs them. */
        for (const QDictEntry *e = qdict_first(copts); e; e = qdict_next(copts, e)) {
            g_autofree char *k = g_strdup_printf("file.%s", e->key);
            qdict_put_obj(options, k, qobject_ref(e->value));
        }
        QDict *popts = qdict_clone_shallow(copts);
        int pflags = (flags & (BDRV_O_NOCACHE | BDRV_O_PROTOCOL)) | BDRV_O_FORCE_SHARE;
        if (!qdict_haskey(popts, "driver")) {
            pflags |= BDRV_O_PROTOCOL;
        }
        qdict_del(popts, "locking");
        qdict_put_str(popts, "locking", "off");
        file = bdrv_open_node(NULL, NULL, popts, pflags, errp);
    }
    if (!file) {
        return NULL;
    }
    len = bdrv_getlength(file);
    len = MIN(MAX(len, 0), (int64_t)sizeof(buf));
    memset(buf, 0, sizeof(buf));
    ret = len ? bdrv_pread_bs(file, 0, len, buf) : 0;
    bdrv_unref(file);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read image for determining its format");
        return NULL;
    }
    return bdrv_probe_format(buf, len, filename);
}

static bool bdrv_take_common_options(BlockDriverState *bs, QDict *options,
                                     int *flags, char **node_name, Error **errp)
{
    bool val, present;
    g_autofree char *discard = NULL;
    g_autofree char *dz = NULL;

    *node_name = bdrv_opt_take_str(options, "node-name");
    if (!bdrv_opt_take_bool(options, "read-only", &val, &present, errp)) {
        return false;
    }
    if (present) {
        *flags = val ? *flags & ~BDRV_O_RDWR : *flags | BDRV_O_RDWR;
    }
    if (!bdrv_opt_take_bool(options, "auto-read-only", &val, &present, errp)) {
        return false;
    }
    if (present) {
        *flags = val ? *flags | BDRV_O_AUTO_RDONLY : *flags & ~BDRV_O_AUTO_RDONLY;
    }
    if (!bdrv_opt_take_bool(options, "force-share", &val, &present, errp)) {
        return false;
    }
    if (present) {
        *flags = val ? *flags | BDRV_O_FORCE_SHARE : *flags & ~BDRV_O_FORCE_SHARE;
    }
    if (!bdrv_opt_take_bool(options, "cache.direct", &val, &present, errp)) {
        return false;
    }
    if (present) {
        *flags = val ? *flags | BDRV_O_NOCACHE : *flags & ~BDRV_O_NOCACHE;
    }
    if (!bdrv_opt_take_bool(options, "cache.no-flush", &val, &present, errp)) {
        return false;
    }
    if (present) {
        *flags = val ? *flags | BDRV_O_NO_FLUSH : *flags & ~BDRV_O_NO_FLUSH;
    }
    discard = bdrv_opt_take_str(options, "discard");
    if (discard && bdrv_parse_discard_flags(discard, flags) < 0) {
        error_setg(errp, "Invalid discard option");
        return false;
    }
    bs->detect_zeroes = BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF;
    dz = bdrv_opt_take_str(options, "detect-zeroes");
    if (dz) {
        if (!strcmp(dz, "off")) {
            bs->detect_zeroes = BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF;
        } else if (!strcmp(dz, "on")) {
            bs->detect_zeroes = BLOCKDEV_DETECT_ZEROES_OPTIONS_ON;
        } else if (!strcmp(dz, "unmap")) {
            bs->detect_zeroes = BLOCKDEV_DETECT_ZEROES_OPTIONS_UNMAP;
        } else {
            error_setg(errp, "Parameter 'detect-zeroes' does not accept value '%s'", dz);
            return false;
        }
        if (bs->detect_zeroes == BLOCKDEV_DETECT_ZEROES_OPTIONS_UNMAP &&
            !(*flags & BDRV_O_UNMAP)) {
            error_setg(errp, "setting detect-zeroes to unmap is not allowed "
                       "without setting discard operation to unmap");
            return false;
        }
    }
    if ((*flags & BDRV_O_FORCE_SHARE) && (*flags & BDRV_O_RDWR)) {
        error_setg(errp, "force-share=on can only be used with read-only images");
        return false;
    }
    return true;
}

static void bdrv_unexpected_option(BlockDriverState *bs, const char *key, Error **errp)
{
    if (bdrv_qapi_option_errors) {
        error_setg(errp, "Parameter '%s' is unexpected", key);
    } else {
        /* QEMU's two wordings, one per kind of driver. */
        error_setg(errp, bs->drv->is_format
                   ? "Block format '%s' does not support the option '%s'"
                   : "Block protocol '%s' doesn't support the option '%s'",
                   bs->drv->format_name, key);
    }
}

static BlockDriverState *bdrv_open_node(const char *filename, const char *reference,
                                        QDict *options, int flags, Error **errp)
{
    g_autoptr(QDict) opts = options ? options : qdict_new();
    g_autofree char *node_name = NULL;
    g_autofree char *drvname = NULL;
    BlockDriverState *bs;
    BlockDriver *drv = NULL;
    int ret;

    bdrv_init_drivers();
    if (reference) {
        if (filename || qdict_size(opts)) {
            error_setg(errp, "Cannot reference an existing block device with "
                       "additional options or a new filename");
            return NULL;
        }
        bs = bdrv_find_node(reference);
        if (!bs) {
            BlockBackend *blk = blk_by_name(reference);
            bs = blk ? blk_bs(blk) : NULL;
        }
        if (!bs) {
            error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                       reference, reference);
            return NULL;
        }
        bdrv_ref(bs);
        return bs;
    }
    bdrv_qdict_flatten(opts);
    if (filename && g_str_has_prefix(filename, "json:")) {
        QDict *j = qdict_from_json(filename + 5, errp);
        if (!j) {
            error_prepend(errp, "Could not parse the JSON options: ");
            return NULL;
        }
        bdrv_qdict_flatten(j);
        for (const QDictEntry *e = qdict_first(j); e; e = qdict_next(j, e)) {
            if (!qdict_haskey(opts, e->key)) {
                qdict_put_obj(opts, e->key, qobject_ref(e->value));
            }
        }
        qobject_unref(j);
        filename = NULL;
    }

    bs = bdrv_new();
    bs->options = qdict_clone_shallow(opts);
    if (!bdrv_take_common_options(bs, opts, &flags, &node_name, errp)) {
        goto fail;
    }
    drvname = bdrv_opt_take_str(opts, "driver");
    if (drvname) {
        drv = bdrv_find_format(drvname);
        if (!drv) {
            if (bdrv_qapi_option_errors) {
                error_setg(errp, "Parameter 'driver' does not accept value '%s'", drvname);
            } else {
                error_setg(errp, "Unknown driver '%s'", drvname);
            }
            goto fail;
        }
    } else if (flags & BDRV_O_PROTOCOL) {
        const char *fn = filename ? filename : qdict_get_try_str(opts, "filename");
        if (!fn) {
            error_setg(errp, "Must specify either driver or file");
            goto fail;
        }
        drv = bdrv_find_protocol(fn, true, errp);
        if (!drv) {
            goto fail;
        }
    }
    if (drv && !drv->is_format) {
        if (filename && !qdict_haskey(opts, "filename")) {
            qdict_put_str(opts, "filename", filename);
        }
    } else {
        if (filename && !qdict_haskey(opts, "file")) {
            if (qdict_haskey(opts, "file.filename")) {
                error_setg(errp, "filename and file.filename cannot both be given");
                goto fail;
            }
            qdict_put_str(opts, "file.filename", filename);
        }
        if (!drv) {
            if (!qdict_haskey(opts, "file") && !qdict_haskey(opts, "file.filename") &&
                !qdict_haskey(opts, "file.driver")) {
                error_setg(errp, "Must specify either driver or file");
                goto fail;
            }
            drv = bdrv_probe_child(filename, opts, flags, errp);
            if (!drv) {
                goto fail;
            }
            bs->probed = true;
        }
    }

    if (!bdrv_assign_node_name(bs, node_name, errp)) {
        goto fail;
    }
    bs->drv = drv;
    bs->open_flags = flags & ~(BDRV_O_SNAPSHOT | BDRV_O_PROTOCOL);
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->force_share = flags & BDRV_O_FORCE_SHARE;
    bs->opaque = g_malloc0(MAX(drv->instance_size, 1));
    bdrv_link_node(bs);
    ret = drv->open(bs, opts, bs->open_flags, errp);
    if (ret < 0) {
        /* The driver did not get to set up: only children to drop. */
        g_free(bs->opaque);
        bs->opaque = NULL;
        goto fail_linked;
    }
    const QDictEntry *left = qdict_first(opts);
    if (left) {
        bdrv_unexpected_option(bs, left->key, errp);
        goto fail_linked;
    }
    ret = bdrv_refresh_total_sectors(bs, 0);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not refresh total sector count");
        goto fail_linked;
    }
    bdrv_refresh_filename(bs);
    return bs;

fail_linked:
    bdrv_unref(bs);
    return NULL;
fail:
    qobject_unref(bs->options);
    g_rec_mutex_clear(&bs->lock);
    g_free(bs);
    return NULL;
}

BlockDriverState *bdrv_open(const char *filename, const char *reference,
                            QDict *options, int flags, Error **errp)
{
    BlockDriverState *bs = bdrv_open_node(filename, reference, options, flags, errp);

    if (bs && !reference && (flags & BDRV_O_SNAPSHOT)) {
        bs = bdrv_append_temp_snapshot(bs, flags, errp);
    }
    return bs;
}

static bool bdrv_is_metadata_format(BlockDriverState *bs)
{
    return bs->drv && bs->drv->is_format && strcmp(bs->drv->format_name, "raw");
}

/* Flags a child inherits from its parent. */
#define BDRV_INHERIT_FLAGS (BDRV_O_RDWR | BDRV_O_NOCACHE | BDRV_O_NO_FLUSH | \
                            BDRV_O_UNMAP | BDRV_O_FORCE_SHARE | BDRV_O_NATIVE_AIO | \
                            BDRV_O_IO_URING | BDRV_O_AUTO_RDONLY | BDRV_O_NO_IO | \
                            BDRV_O_CHECK)

BdrvChild *bdrv_open_child(const char *filename, QDict *options,
                           const char *bdref_key, BlockDriverState *parent,
                           bool allow_none, Error **errp)
{
    g_autofree char *prefix = g_strdup_printf("%s.", bdref_key);
    g_autofree char *ref = NULL;
    QDict *copts;
    BlockDriverState *bs;
    int flags;

    bdrv_qdict_extract_subqdict(options, &copts, prefix);
    QObject *o = qdict_get(options, bdref_key);
    if (o && qobject_type(o) == QTYPE_QNULL) {
        qdict_del(options, bdref_key);
    } else if (o) {
        ref = bdrv_opt_take_str(options, bdref_key);
        if (!ref) {
            error_setg(errp, "Invalid parameter type for '%s', expected: string",
                       bdref_key);
            qobject_unref(copts);
            return NULL;
        }
    }
    if (!ref && !filename && !qdict_size(copts)) {
        qobject_unref(copts);
        if (!allow_none) {
            if (bdrv_qapi_option_errors) {
                error_setg(errp, "Parameter '%s' is missing", bdref_key);
            } else {
                error_setg(errp, "A block device must be specified for \"%s\"",
                           bdref_key);
            }
        }
        return NULL;
    }
    if (ref && qdict_size(copts)) {
        const QDictEntry *e = qdict_first(copts);
        error_setg(errp, "Cannot reference an existing block device with "
                   "additional options ('%s.%s')", bdref_key, e->key);
        qobject_unref(copts);
        return NULL;
    }
    flags = parent->open_flags & BDRV_INHERIT_FLAGS;
    if (!strcmp(bdref_key, "file")) {
        flags |= BDRV_O_PROTOCOL;
        if (bdrv_is_metadata_format(parent)) {
            flags |= BDRV_O_INTERNAL_EXCL;
        }
    } else {
        flags &= ~BDRV_O_RDWR;
    }
    if (ref) {
        qobject_unref(copts);
        copts = NULL;
    }
    bs = bdrv_open_node(ref ? NULL : filename, ref, copts, flags, errp);
    if (!bs) {
        return NULL;
    }
    BdrvChild *child = g_new0(BdrvChild, 1);
    child->bs = bs;
    child->name = g_strdup(bdref_key);
    child->parent = parent;
    return child;
}

/* realpath() of a node's image file, for loop detection; NULL if none. */
static char *bdrv_image_realpath(BlockDriverState *bs)
{
    while (bs && bs->file) {
        bs = bs->file->bs;
    }
    if (!bs || !bs->filename[0]) {
        return NULL;
    }
    const char *fn = bs->filename;
    if (g_str_has_prefix(fn, "file:")) {
        fn += 5;
    }
    return realpath(fn, NULL);
}

int bdrv_open_backing_file(BlockDriverState *bs, QDict *parent_options,
                           const char *bdref_key, Error **errp)
{
    g_autofree char *prefix = g_strdup_printf("%s.", bdref_key);
    g_autofree char *ref = NULL;
    g_autofree char *fname = NULL;
    g_autofree char *self = NULL;
    g_autofree char *target = NULL;
    QDict *copts = NULL;
    BlockDriverState *backing;
    int flags;

    if (bs->backing) {
        return 0;
    }
    QObject *o = qdict_get(parent_options, bdref_key);
    if (o && qobject_type(o) == QTYPE_QNULL) {
        qdict_del(parent_options, bdref_key);
        return 0;
    }
    if (o) {
        ref = bdrv_opt_take_str(parent_options, bdref_key);
        if (!ref) {
            error_setg(errp, "Invalid parameter type for '%s', expected: string",
                       bdref_key);
            return -EINVAL;
        }
    }
    bdrv_qdict_extract_subqdict(parent_options, &copts, prefix);
    if (bs->open_flags & BDRV_O_NO_BACKING) {
        qobject_unref(copts);
        return 0;
    }
    if (!ref && !qdict_size(copts) && !bs->backing_file[0]) {
        qobject_unref(copts);
        return 0;
    }
    if (ref && qdict_size(copts)) {
        qobject_unref(copts);
        error_setg(errp, "Cannot reference an existing block device with "
                   "additional options");
        return -EINVAL;
    }
    if (!ref && !qdict_haskey(copts, "file") && !qdict_haskey(copts, "file.filename")) {
        fname = bdrv_get_full_backing_filename(bs, errp);
        if (!fname) {
            qobject_unref(copts);
            error_prepend(errp, "Could not open backing file: ");
            return -EINVAL;
        }
        if (bs->backing_format[0] && !qdict_haskey(copts, "driver")) {
            qdict_put_str(copts, "driver", bs->backing_format);
        }
    }

    /* Loop detection: the candidate must not be an image whose chain is
     * being opened on this thread, nor this image itself. */
    if (!backing_open_stack) {
        backing_open_stack = g_ptr_array_new();
    }
    self = bdrv_image_realpath(bs);
    target = fname ? realpath(fname, NULL) : NULL;
    if (target) {
        bool loop = self && !strcmp(self, target);
        for (guint i = 0; !loop && i < backing_open_stack->len; i++) {
            loop = !strcmp(g_ptr_array_index(backing_open_stack, i), target);
        }
        if (loop) {
            qobject_unref(copts);
            error_setg(errp, "Could not open backing file: Backing file '%s' "
                       "creates an infinite loop", fname);
            return -ELOOP;
        }
    }
    if (backing_open_stack->len >= BDRV_MAX_BACKING_DEPTH) {
        qobject_unref(copts);
        error_setg(errp, "Could not open backing file: backing chain longer "
                   "than %d images", BDRV_MAX_BACKING_DEPTH);
        return -ELOOP;
    }

    flags = (bs->open_flags & BDRV_INHERIT_FLAGS) & ~(BDRV_O_RDWR | BDRV_O_CHECK);
    g_ptr_array_add(backing_open_stack, self ? self : (char *)"");
    backing = bdrv_open_node(ref ? NULL : fname, ref, ref ? NULL : copts, flags, errp);
    g_ptr_array_remove_index(backing_open_stack, backing_open_stack->len - 1);
    if (ref) {
        qobject_unref(copts);
    }
    if (!backing) {
        error_prepend(errp, "Could not open backing file: ");
        return -EINVAL;
    }
    bs->backing = g_new0(BdrvChild, 1);
    bs->backing->bs = backing;
    bs->backing->name = g_strdup(bdref_key);
    bs->backing->parent = bs;
    g_strlcpy(bs->auto_backing_file, fname ? fname : backing->filename,
              sizeof(bs->auto_backing_file));
    return 0;
}

int bdrv_reopen_set_read_only(BlockDriverState *bs, bool read_only, Error **errp)
{
    int ret;

    if (bs->read_only == read_only) {
        return 0;
    }
    if (bs->file) {
        ret = bdrv_reopen_set_read_only(bs->file->bs, read_only, errp);
        if (ret < 0) {
            return ret;
        }
    }
    if (bs->drv->reopen_rw) {
        ret = bs->drv->reopen_rw(bs, !read_only, errp);
        if (ret < 0) {
            if (bs->file) {
                bdrv_reopen_set_read_only(bs->file->bs, !read_only, NULL);
            }
            return ret;
        }
    } else if (!bs->file) {
        error_setg(errp, "Driver '%s' cannot change its open mode", bs->drv->format_name);
        return -ENOTSUP;
    }
    if (!read_only) {
        bdrv_flush(bs);
    }
    bs->read_only = read_only;
    bs->open_flags = read_only ? bs->open_flags & ~BDRV_O_RDWR
                               : bs->open_flags | BDRV_O_RDWR;
    return 0;
}
