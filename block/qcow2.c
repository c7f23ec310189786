/*
 * qcow2.c: the qcow2 format driver: header and extensions (parse, validate,
 * rewrite preserving unknown extensions), open/close, the request entry
 * points, dirty and corrupt bits, truncate, info. Creation and amend are in
 * qcow2-create.c, the mapping in qcow2-cluster.c, refcounts and check in
 * qcow2-refcount.c / qcow2-check.c, snapshots in qcow2-snapshot.c.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "qcow2.h"

#define QCOW2_OPT_L2_CACHE_SIZE "l2-cache-size"
#define QCOW2_OPT_RC_CACHE_SIZE "refcount-cache-size"
#define QCOW2_OPT_CACHE_SIZE "cache-size"
#define QCOW2_DEFAULT_L2_CACHE_MAX (32 * 1024 * 1024)

static const struct {
    uint8_t type, bit;
    const char *name;
} qcow2_feature_names[] = {
    { 0, 0, "dirty bit" },
    { 0, 1, "corrupt bit" },
    { 0, 2, "external data file" },
    { 0, 3, "compression type" },
    { 0, 4, "extended L2 entries" },
    { 1, 0, "lazy refcounts" },
    { 2, 0, "bitmaps" },
    { 2, 1, "raw external data" },
};

void qcow2_set_geometry(BDRVQcow2State *s, int cluster_bits, int refcount_order)
{
    s->cluster_bits = cluster_bits;
    s->cluster_size = 1LL << cluster_bits;
    s->l2_bits = cluster_bits - 3;
    s->l2_size = 1LL << s->l2_bits;
    s->csize_shift = 62 - (cluster_bits - 8);
    s->csize_mask = (1ULL << (cluster_bits - 8)) - 1;
    s->cluster_offset_mask = (1ULL << s->csize_shift) - 1;
    s->refcount_order = refcount_order;
    s->refcount_bits = 1 << refcount_order;
    s->refcount_max = refcount_order == 6 ? UINT64_MAX : (1ULL << s->refcount_bits) - 1;
    s->refcount_block_bits = cluster_bits + 3 - refcount_order;
    s->refcount_block_size = 1LL << s->refcount_block_bits;
}

int64_t qcow2_l1_size_for(BDRVQcow2State *s, uint64_t size)
{
    int shift = s->cluster_bits + s->l2_bits;

    return (size + (1ULL << shift) - 1) >> shift;
}

static int qcow2_probe(const uint8_t *buf, int buf_size, const char *filename)
{
    if (buf_size >= 8 && ldl_be_p(buf) == QCOW_MAGIC && ldl_be_p(buf + 4) >= 2) {
        return 100;
    }
    return 0;
}

int qcow2_signal_corruption(BlockDriverState *bs, int64_t offset, int64_t size,
                            const char *fmt, ...)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (s->corrupt_reported) {
        return -EIO;
    }
    s->corrupt_reported = true;
    if (s->read_only || s->qcow_version < 3) {
        error_report("qcow2: Image is corrupt: %s; further non-fatal corruption events "
                     "will be suppressed", msg);
        if (!s->read_only) {
            s->incompatible_features |= QCOW2_INCOMPAT_CORRUPT;
        }
        return -EIO;
    }
    error_report("qcow2: Marking image as corrupt: %s; further corruption events will be "
                 "suppressed", msg);
    s->incompatible_features |= QCOW2_INCOMPAT_CORRUPT;
    {
        uint8_t be[8];

        stq_be_p(be, s->incompatible_features);
        bdrv_pwrite_sync(bs->file, QH_INCOMPAT, 8, be, 0);
    }
    return -EIO;
}

static int qcow2_write_incompat(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t be[8];

    stq_be_p(be, s->incompatible_features);
    return bdrv_pwrite_sync(bs->file, QH_INCOMPAT, 8, be, 0);
}

/* With lazy refcounts the dirty bit is set before the first write. */
int qcow2_mark_dirty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;

    if (!s->use_lazy_refcounts || (s->incompatible_features & QCOW2_INCOMPAT_DIRTY)) {
        return 0;
    }
    ret = bdrv_flush(bs->file->bs);
    if (ret < 0) {
        return ret;
    }
    s->incompatible_features |= QCOW2_INCOMPAT_DIRTY;
    ret = qcow2_write_incompat(bs);
    if (ret < 0) {
        s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
        return ret;
    }
    s->dirty_set = true;
    return 0;
}

static int qcow2_mark_clean(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;

    if (!(s->incompatible_features & QCOW2_INCOMPAT_DIRTY)) {
        return 0;
    }
    ret = bdrv_flush(bs->file->bs);
    if (ret < 0) {
        return ret;
    }
    s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
    return qcow2_write_incompat(bs);
}

int qcow2_write_l1_table(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    g_autofree uint64_t *be = g_new0(uint64_t, MAX(s->l1_size, 1));
    int ret;

    if (qcow2_cache_has_dirty(s->l2_cache)) {
        ret = bdrv_flush(bs->file->bs);
        if (ret >= 0) {
            ret = qcow2_cache_write_dirty(bs, s->l2_cache);
        }
        if (ret >= 0) {
            ret = bdrv_flush(bs->file->bs);
        }
        if (ret < 0) {
            return ret;
        }
    }
    for (uint32_t i = 0; i < s->l1_size; i++) {
        be[i] = cpu_to_be64(s->l1_table[i]);
    }
    ret = bdrv_pwrite(bs->file, s->l1_table_offset, (int64_t)s->l1_size * 8, be, 0);
    if (ret >= 0) {
        s->l1_dirty = false;
    }
    return ret;
}

int qcow2_writeback(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    if (!s->l2_cache || (!s->l1_dirty && !qcow2_cache_has_dirty(s->l2_cache))) {
        return 0;
    }
    return qcow2_write_l1_table(bs);
}

static void qcow2_put_ext(GByteArray *buf, uint32_t magic, const void *data, uint32_t len)
{
    uint8_t h[8];
    static const uint8_t pad[8];

    stl_be_p(h, magic);
    stl_be_p(h + 4, len);
    g_byte_array_append(buf, h, 8);
    g_byte_array_append(buf, data, len);
    g_byte_array_append(buf, pad, QEMU_ALIGN_UP(len, 8) - len);
}

/*
 * Rewrite the first cluster: header, extensions (backing format, feature
 * table, then every extension we do not interpret, as read), backing name.
 */
int qcow2_update_header(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    g_autoptr(GByteArray) buf = g_byte_array_new();
    uint8_t h[112] = { 0 };
    int hlen = s->qcow_version >= 3 ? 112 : QCOW2_HEADER_V2_SIZE;
    size_t blen = s->image_backing_file ? strlen(s->image_backing_file) : 0;
    static const uint8_t zero8[8];

    stl_be_p(h + QH_MAGIC, QCOW_MAGIC);
    stl_be_p(h + QH_VERSION, s->qcow_version);
    stl_be_p(h + QH_CLUSTER_BITS, s->cluster_bits);
    stq_be_p(h + QH_SIZE, s->size);
    stl_be_p(h + QH_L1_SIZE, s->l1_size);
    stq_be_p(h + QH_L1_OFFSET, s->l1_table_offset);
    stq_be_p(h + QH_REFT_OFFSET, s->refcount_table_offset);
    stl_be_p(h + QH_REFT_CLUSTERS, s->refcount_table_clusters);
    stl_be_p(h + QH_NB_SNAPSHOTS, s->nb_snapshots);
    stq_be_p(h + QH_SNAPSHOTS_OFFSET, s->snapshots_offset);
    if (s->qcow_version >= 3) {
        stq_be_p(h + QH_INCOMPAT, s->incompatible_features);
        stq_be_p(h + QH_COMPAT, s->compatible_features);
        stq_be_p(h + QH_AUTOCLEAR, s->autoclear_features);
        stl_be_p(h + QH_REFCOUNT_ORDER, s->refcount_order);
        stl_be_p(h + QH_HEADER_LENGTH, hlen);
        h[QH_COMPRESSION_TYPE] = s->compression_type;
    }
    g_byte_array_append(buf, h, hlen);
    if (s->image_backing_format && s->image_backing_format[0]) {
        qcow2_put_ext(buf, QCOW2_EXT_BACKING_FORMAT, s->image_backing_format,
                      strlen(s->image_backing_format));
    }
    if (s->qcow_version >= 3) {
        uint8_t ft[G_N_ELEMENTS(qcow2_feature_names) * 48] = { 0 };

        for (size_t i = 0; i < G_N_ELEMENTS(qcow2_feature_names); i++) {
            ft[i * 48] = qcow2_feature_names[i].type;
            ft[i * 48 + 1] = qcow2_feature_names[i].bit;
            memcpy(ft + i * 48 + 2, qcow2_feature_names[i].name,
                   strlen(qcow2_feature_names[i].name));
        }
        qcow2_put_ext(buf, QCOW2_EXT_FEATURE_TABLE, ft, sizeof(ft));
    }
    for (guint i = 0; s->unknown_exts && i < s->unknown_exts->len; i++) {
        Qcow2UnknownExt *u = g_ptr_array_index(s->unknown_exts, i);

        qcow2_put_ext(buf, u->magic, u->data, u->len);
    }
    if (s->qcow_version >= 3 || buf->len > (guint)hlen) {
        g_byte_array_append(buf, zero8, 8);   /* end of extensions */
    }
    if (blen) {
        uint8_t *p = buf->data;

        stq_be_p(p + QH_BACKING_OFFSET, buf->len);
        stl_be_p(p + QH_BACKING_SIZE, blen);
        g_byte_array_append(buf, (const uint8_t *)s->image_backing_file, blen);
    }
    if (buf->len > s->cluster_size) {
        return -ENOSPC;
    }
    return bdrv_pwrite_sync(bs->file, 0, buf->len, buf->data, 0);
}

static void qcow2_report_unsupported(BDRVQcow2State *s, uint64_t mask, Error **errp)
{
    g_autoptr(GString) str = g_string_new("");

    for (int bit = 0; bit < 64; bit++) {
        const char *name = NULL;

        if (!(mask & (1ULL << bit))) {
            continue;
        }
        for (int i = 0; s->feature_table && i + 48 <= s->feature_table_len; i += 48) {
            if (s->feature_table[i] == 0 && s->feature_table[i + 1] == bit) {
                name = (const char *)s->feature_table + i + 2;
                break;
            }
        }
        if (str->len) {
            g_string_append(str, ", ");
        }
        if (name) {
            g_string_append_len(str, name, strnlen(name, 46));
        } else {
            g_string_append_printf(str, "Unknown incompatible feature: %" PRIx64,
                                   (uint64_t)1 << bit);
        }
    }
    error_setg(errp, "Unsupported IMAGE feature(s): %s", str->str);
}

static void qcow2_free_exts(BDRVQcow2State *s)
{
    if (s->unknown_exts) {
        for (guint i = 0; i < s->unknown_exts->len; i++) {
            Qcow2UnknownExt *u = g_ptr_array_index(s->unknown_exts, i);

            g_free(u->data);
            g_free(u);
        }
        g_ptr_array_free(s->unknown_exts, true);
        s->unknown_exts = NULL;
    }
    g_clear_pointer(&s->feature_table, g_free);
    g_clear_pointer(&s->image_backing_format, g_free);
    g_clear_pointer(&s->image_backing_file, g_free);
}

/* Walk the header extensions in hdr[start, end). */
static int qcow2_read_extensions(BDRVQcow2State *s, const uint8_t *hdr, uint64_t start,
                                 uint64_t end, Error **errp)
{
    uint64_t off = start;

    s->unknown_exts = g_ptr_array_new();
    while (off + 8 <= end) {
        uint32_t magic = ldl_be_p(hdr + off);
        uint32_t len = ldl_be_p(hdr + off + 4);

        off += 8;
        if (magic == QCOW2_EXT_END) {
            return 0;
        }
        if (len > end - off) {
            error_setg(errp, "ext_len too large");
            return -EINVAL;
        }
        switch (magic) {
        case QCOW2_EXT_BACKING_FORMAT:
            if (len >= 16) {
                error_setg(errp, "ERROR: ext_backing_format: len=%" PRIu32 " too large "
                           "(>=%d)", len, 16);
                return -EINVAL;
            }
            g_free(s->image_backing_format);
            s->image_backing_format = g_strndup((const char *)hdr + off, len);
            break;
        case QCOW2_EXT_FEATURE_TABLE:
            g_free(s->feature_table);
            s->feature_table = g_memdup2(hdr + off, len);
            s->feature_table_len = len;
            break;
        case QCOW2_EXT_CRYPTO:
        case QCOW2_EXT_DATA_FILE:
            /* Refused by feature bits; not kept. */
            break;
        default: {
            /* Bitmaps and anything unknown: kept and written back as is. */
            Qcow2UnknownExt *u = g_new0(Qcow2UnknownExt, 1);

            u->magic = magic;
            u->len = len;
            u->data = g_memdup2(hdr + off, len);
            g_ptr_array_add(s->unknown_exts, u);
            break;
        }
        }
        off += QEMU_ALIGN_UP((uint64_t)len, 8);
    }
    return 0;
}

/* An option given as a string (-drive) or a number (-blockdev JSON). */
static bool qcow2_take_size_opt(QDict *options, const char *key, uint64_t *val,
                                bool *present, Error **errp)
{
    QObject *o = qdict_get(options, key);
    bool ok = true;

    *present = false;
    if (!o) {
        return true;
    }
    if (qobject_type(o) == QTYPE_QSTRING) {
        ok = qemu_parse_size(key, qdict_get_str(options, key), val, errp);
    } else if (qobject_type(o) == QTYPE_QNUM) {
        int64_t v = qdict_get_int(options, key);

        if (v < 0) {
            error_setg(errp, "Parameter '%s' expects a non-negative number", key);
            ok = false;
        }
        *val = v;
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer", key);
        ok = false;
    }
    qdict_del(options, key);
    *present = ok;
    return ok;
}

static bool qcow2_take_bool_opt(QDict *options, const char *key, bool *val, Error **errp)
{
    QObject *o = qdict_get(options, key);
    bool ok = true;

    if (!o) {
        return true;
    }
    if (qobject_type(o) == QTYPE_QSTRING) {
        ok = qemu_parse_bool(key, qdict_get_str(options, key), val, errp);
    } else if (qobject_type(o) == QTYPE_QBOOL) {
        *val = qdict_get_bool(options, key);
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: boolean", key);
        ok = false;
    }
    qdict_del(options, key);
    return ok;
}

static int qcow2_parse_runtime_opts(BlockDriverState *bs, QDict *options, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l2 = 0, rc = 0, total = 0, ignored;
    bool l2_set, rc_set, total_set, lazy = s->compatible_features &
                                            QCOW2_COMPAT_LAZY_REFCOUNTS;
    bool b;
    uint64_t needed = MAX((uint64_t)qcow2_l1_size_for(s, s->size) * s->cluster_size,
                          (uint64_t)s->cluster_size * 2);
    static const char *const ignored_opts[] = {
        "cache-clean-interval", "l2-cache-entry-size", "overlap-check",
        "overlap-check.template", "pass-discard-request", "pass-discard-snapshot",
        "pass-discard-other", "discard-no-unref",
    };

    if (!qcow2_take_size_opt(options, QCOW2_OPT_L2_CACHE_SIZE, &l2, &l2_set, errp) ||
        !qcow2_take_size_opt(options, QCOW2_OPT_RC_CACHE_SIZE, &rc, &rc_set, errp) ||
        !qcow2_take_size_opt(options, QCOW2_OPT_CACHE_SIZE, &total, &total_set, errp) ||
        !qcow2_take_bool_opt(options, "lazy-refcounts", &lazy, errp)) {
        return -EINVAL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ignored_opts); i++) {
        if (!qcow2_take_bool_opt(options, ignored_opts[i], &b, NULL)) {
            qcow2_take_size_opt(options, ignored_opts[i], &ignored, &b, NULL);
        }
        qdict_del(options, ignored_opts[i]);
    }
    if (total_set) {
        if (l2_set && rc_set) {
            error_setg(errp, "cache-size, l2-cache-size and refcount-cache-size may not be "
                       "set at the same time");
            return -EINVAL;
        } else if (l2_set && l2 > total) {
            error_setg(errp, "l2-cache-size may not exceed cache-size");
            return -EINVAL;
        } else if (rc_set && rc > total) {
            error_setg(errp, "refcount-cache-size may not exceed cache-size");
            return -EINVAL;
        } else if (l2_set) {
            rc = total - l2;
        } else if (rc_set) {
            l2 = total - rc;
        } else {
            uint64_t min_rc = 4 * s->cluster_size;

            l2 = MIN(needed, total > min_rc ? total - min_rc : 0);
            rc = total - l2;
        }
    } else {
        if (!l2_set) {
            l2 = MIN(needed, QCOW2_DEFAULT_L2_CACHE_MAX);
        }
        if (!rc_set) {
            rc = 4 * s->cluster_size;
        }
    }
    if (lazy && s->qcow_version < 3) {
        error_setg(errp, "Lazy refcounts require a qcow2 image with at least qemu 1.1 "
                   "compatibility level");
        return -EINVAL;
    }
    s->use_lazy_refcounts = lazy;
    /* Bound by what the image can use, so huge values cost nothing. */
    l2 = MIN(l2, needed);
    s->l2_cache_bytes = MAX(l2, 2 * (uint64_t)s->cluster_size);
    s->rc_cache_bytes = MAX(rc, 4 * (uint64_t)s->cluster_size);
    s->rc_cache_bytes = MIN(s->rc_cache_bytes, 256ULL * s->cluster_size);
    return 0;
}

/* Validate a table's offset and size against the image file. */
static int qcow2_validate_table(BlockDriverState *bs, uint64_t offset, uint64_t entries,
                                size_t entry_len, uint64_t max_bytes, const char *what,
                                Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t end = qcow2_image_end(bs);

    if (entries > max_bytes / entry_len) {
        error_setg(errp, "%s too large", what);
        return -EFBIG;
    }
    if (!qcow2_aligned(s, offset) || offset > (uint64_t)INT64_MAX - entries * entry_len) {
        error_setg(errp, "Invalid %s offset", what);
        return -EINVAL;
    }
    if (entries && offset + entries * entry_len > (uint64_t)end) {
        error_setg(errp, "%s extends beyond the end of the image (offset %#" PRIx64 ")",
                   what, offset);
        return -EINVAL;
    }
    return 0;
}

static int qcow2_do_open(BlockDriverState *bs, QDict *options, int flags, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t h[112] = { 0 };
    g_autofree uint8_t *hdr = NULL;
    int64_t file_len = qcow2_image_end(bs);
    uint64_t backing_off;
    uint32_t backing_len, cluster_bits;
    int ret;

    ret = bdrv_pread(bs->file, 0, MIN(file_len, (int64_t)sizeof(h)), h, 0);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        return ret;
    }
    if (file_len < 4 || ldl_be_p(h + QH_MAGIC) != QCOW_MAGIC) {
        error_setg(errp, "Image is not in qcow2 format");
        return -EINVAL;
    }
    if (file_len < QCOW2_HEADER_V2_SIZE) {
        error_setg(errp, "qcow2 header too short");
        return -EINVAL;
    }
    s->qcow_version = ldl_be_p(h + QH_VERSION);
    if (s->qcow_version < 2 || s->qcow_version > 3) {
        error_setg(errp, "Unsupported qcow2 version %d", s->qcow_version);
        return -ENOTSUP;
    }
    cluster_bits = ldl_be_p(h + QH_CLUSTER_BITS);
    if (cluster_bits < QCOW2_MIN_CLUSTER_BITS || cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "Unsupported cluster size: 2^%" PRIu32, cluster_bits);
        return -EINVAL;
    }
    if (s->qcow_version == 2) {
        s->header_length = QCOW2_HEADER_V2_SIZE;
        s->refcount_order = 4;
    } else {
        if (file_len < QCOW2_HEADER_V3_SIZE) {
            error_setg(errp, "qcow2 header too short");
            return -EINVAL;
        }
        s->incompatible_features = ldq_be_p(h + QH_INCOMPAT);
        s->compatible_features = ldq_be_p(h + QH_COMPAT);
        s->autoclear_features = ldq_be_p(h + QH_AUTOCLEAR);
        /* Unsigned on disk: a huge value must not turn negative here. */
        s->refcount_order = MIN(ldl_be_p(h + QH_REFCOUNT_ORDER), 7u);
        s->header_length = ldl_be_p(h + QH_HEADER_LENGTH);
        if (s->header_length < QCOW2_HEADER_V3_SIZE) {
            error_setg(errp, "qcow2 header too short");
            return -EINVAL;
        }
        if (s->header_length > (1U << cluster_bits)) {
            error_setg(errp, "qcow2 header exceeds cluster size");
            return -EINVAL;
        }
        if (s->header_length > QCOW2_HEADER_V3_SIZE) {
            s->compression_type = h[QH_COMPRESSION_TYPE];
        }
    }
    if (s->refcount_order > 6) {
        error_setg(errp, "Reference count entry width too large; may not exceed 64 bits");
        return -EINVAL;
    }
    qcow2_set_geometry(s, cluster_bits, s->refcount_order);

    /* The whole first cluster holds the extensions and the backing name. */
    hdr = g_malloc0(s->cluster_size);
    ret = bdrv_pread(bs->file, 0, MIN(file_len, s->cluster_size), hdr, 0);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        return ret;
    }
    backing_off = ldq_be_p(hdr + QH_BACKING_OFFSET);
    backing_len = ldl_be_p(hdr + QH_BACKING_SIZE);
    if (backing_off > (uint64_t)s->cluster_size) {
        error_setg(errp, "Invalid backing file offset");
        return -EINVAL;
    }
    ret = qcow2_read_extensions(s, hdr, s->header_length,
                                backing_off ? backing_off : (uint64_t)s->cluster_size, errp);
    if (ret < 0) {
        return ret;
    }
    if (s->incompatible_features & ~QCOW2_INCOMPAT_KNOWN) {
        qcow2_report_unsupported(s, s->incompatible_features & ~QCOW2_INCOMPAT_KNOWN, errp);
        return -ENOTSUP;
    }
    if (s->incompatible_features & QCOW2_INCOMPAT_DATA_FILE) {
        error_setg(errp, "qcow2: images with an external data file are not supported");
        return -ENOTSUP;
    }
    if (s->incompatible_features & QCOW2_INCOMPAT_EXTL2) {
        error_setg(errp, "qcow2: extended L2 entries (subclusters) are not supported");
        return -ENOTSUP;
    }
    if ((s->incompatible_features & QCOW2_INCOMPAT_COMPRESSION) || s->compression_type) {
        if (s->compression_type == 1) {
            error_setg(errp, "qcow2: compression type 'zstd' is not supported");
        } else {
            error_setg(errp, "Unknown compression type '%u'", s->compression_type);
        }
        return -ENOTSUP;
    }
    if ((s->incompatible_features & QCOW2_INCOMPAT_CORRUPT) && (flags & BDRV_O_RDWR) &&
        !(flags & BDRV_O_CHECK)) {
        error_setg(errp, "qcow2: Image is corrupt; cannot be opened read/write");
        return -EACCES;
    }
    if (ldl_be_p(hdr + QH_CRYPT)) {
        error_setg(errp, "qcow2: encrypted images are not supported");
        return -ENOTSUP;
    }
    if (backing_off) {
        if (backing_len > QCOW2_MAX_BACKING_NAME ||
            backing_len > s->cluster_size - backing_off) {
            error_setg(errp, "Backing file name too long");
            return -EINVAL;
        }
        s->image_backing_file = g_strndup((const char *)hdr + backing_off, backing_len);
    }

    s->size = ldq_be_p(hdr + QH_SIZE);
    if (s->size > (uint64_t)BDRV_MAX_LENGTH) {
        error_setg(errp, "Image size too large");
        return -EFBIG;
    }
    s->l1_size = ldl_be_p(hdr + QH_L1_SIZE);
    s->l1_table_offset = ldq_be_p(hdr + QH_L1_OFFSET);
    s->refcount_table_offset = ldq_be_p(hdr + QH_REFT_OFFSET);
    s->refcount_table_clusters = ldl_be_p(hdr + QH_REFT_CLUSTERS);
    s->nb_snapshots = ldl_be_p(hdr + QH_NB_SNAPSHOTS);
    s->snapshots_offset = ldq_be_p(hdr + QH_SNAPSHOTS_OFFSET);

    ret = qcow2_validate_table(bs, s->refcount_table_offset,
                               (uint64_t)s->refcount_table_clusters << s->cluster_bits, 1,
                               QCOW_MAX_REFTABLE_SIZE, "Reference count table", errp);
    if (ret < 0) {
        return ret;
    }
    if (s->refcount_table_clusters == 0) {
        error_setg(errp, "Image does not contain a reference count table");
        return -EINVAL;
    }
    ret = qcow2_validate_table(bs, s->l1_table_offset, s->l1_size, 8, QCOW_MAX_L1_SIZE,
                               "Active L1 table", errp);
    if (ret < 0) {
        if (ret == -EINVAL && !qcow2_aligned(s, s->l1_table_offset)) {
            error_free(*errp);
            *errp = NULL;
            error_setg(errp, "Invalid L1 table offset");
        }
        return ret;
    }
    if (s->l1_size < qcow2_l1_size_for(s, s->size)) {
        error_setg(errp, "L1 table is too small");
        return -EINVAL;
    }
    if (s->nb_snapshots > QCOW_MAX_SNAPSHOTS) {
        error_setg(errp, "Too many snapshots");
        return -EINVAL;
    }
    if (s->nb_snapshots && !qcow2_aligned(s, s->snapshots_offset)) {
        error_setg(errp, "Invalid snapshot table offset");
        return -EINVAL;
    }

    s->l1_alloc = MAX(s->l1_size, 1);
    s->l1_table = g_try_new0(uint64_t, s->l1_alloc);
    if (!s->l1_table) {
        error_setg(errp, "Could not allocate L1 table");
        return -ENOMEM;
    }
    if (s->l1_size) {
        ret = bdrv_pread(bs->file, s->l1_table_offset, (int64_t)s->l1_size * 8,
                         s->l1_table, 0);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not read L1 table");
            return ret;
        }
        for (uint32_t i = 0; i < s->l1_size; i++) {
            s->l1_table[i] = be64_to_cpu(s->l1_table[i]);
        }
    }
    ret = qcow2_refcount_init(bs, errp);
    if (ret < 0) {
        return ret;
    }
    ret = qcow2_read_snapshots(bs, errp);
    if (ret < 0) {
        return ret;
    }
    ret = qcow2_parse_runtime_opts(bs, options, errp);
    if (ret < 0) {
        return ret;
    }
    s->l2_cache = qcow2_cache_create(s->l2_cache_bytes >> s->cluster_bits, s->cluster_size);
    s->rc_cache = qcow2_cache_create(s->rc_cache_bytes >> s->cluster_bits, s->cluster_size);
    s->free_cluster_index = 0;
    return 0;
}

static void qcow2_free_state(BDRVQcow2State *s);

static void qcow2_drain_for_reopen(BDRVQcow2State *s)
{
    while (s->in_flight > 0) {
        g_cond_wait(&s->io_cond, &s->lock);
    }
}

static int qcow2_open(BlockDriverState *bs, QDict *options, int flags, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;

    g_mutex_init(&s->lock);
    g_cond_init(&s->io_cond);
    bs->file = bdrv_open_child(NULL, options, "file", bs, false, errp);
    if (!bs->file) {
        qcow2_free_state(s);
        return -EINVAL;
    }
    s->read_only = !(flags & BDRV_O_RDWR);
    ret = qcow2_do_open(bs, options, flags, errp);
    if (ret < 0) {
        qcow2_free_state(s);
        return ret;
    }
    if (s->image_backing_file) {
        g_strlcpy(bs->backing_file, s->image_backing_file, sizeof(bs->backing_file));
    }
    if (s->image_backing_format) {
        g_strlcpy(bs->backing_format, s->image_backing_format, sizeof(bs->backing_format));
    }

    if (!s->read_only && !(flags & BDRV_O_CHECK)) {
        bool rewrite = false;

        if (s->incompatible_features & QCOW2_INCOMPAT_DIRTY) {
            BdrvCheckResult res = { 0 };

            ret = qcow2_check_refcounts(bs, &res, BDRV_FIX_ERRORS | BDRV_FIX_LEAKS);
            if (ret < 0 || res.corruptions || res.check_errors) {
                error_setg_errno(errp, ret < 0 ? -ret : EIO, "Could not repair dirty image");
                ret = ret < 0 ? ret : -EIO;
                goto fail;
            }
            s->incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
            rewrite = true;
        }
        if (s->autoclear_features) {
            /* Bits we do not maintain (bitmaps) become invalid once we write. */
            s->autoclear_features = 0;
            rewrite = true;
        }
        if (rewrite && s->qcow_version >= 3) {
            ret = qcow2_update_header(bs);
            if (ret < 0) {
                error_setg_errno(errp, -ret, "Could not update qcow2 header");
                goto fail;
            }
        }
    }

    if (!bs->filename[0] && bs->file->bs->filename[0]) {
        /* Relative backing names resolve against the image's own name. */
        g_strlcpy(bs->filename, bs->file->bs->filename, sizeof(bs->filename));
    }
    ret = bdrv_open_backing_file(bs, options, "backing", errp);
    if (ret < 0) {
        goto fail;
    }
    bs->supported_zero_flags = BDRV_REQ_MAY_UNMAP;
    return 0;
fail:
    qcow2_free_state(s);
    return ret;
}

/* Everything the node owns except its children (dropped by the caller). */
static void qcow2_free_state(BDRVQcow2State *s)
{
    qcow2_cache_destroy(s->l2_cache);
    qcow2_cache_destroy(s->rc_cache);
    s->l2_cache = s->rc_cache = NULL;
    g_free(s->l1_table);
    s->l1_table = NULL;
    g_free(s->refcount_table);
    s->refcount_table = NULL;
    qcow2_free_snapshots(s);
    qcow2_free_exts(s);
    g_cond_clear(&s->io_cond);
    g_mutex_clear(&s->lock);
}

static void qcow2_close(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    if (s->l1_table && !s->read_only && bs->file &&
        !(s->incompatible_features & QCOW2_INCOMPAT_CORRUPT)) {
        if (qcow2_writeback(bs) >= 0) {
            qcow2_mark_clean(bs);
        }
    }
    qcow2_free_state(s);
}

static int qcow2_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                        QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    return qcow2_read_cluster_data(bs, offset, bytes, qiov, qiov_offset);
}

static int qcow2_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         QEMUIOVector *qiov, size_t qiov_offset, BdrvRequestFlags flags)
{
    BDRVQcow2State *s = bs->opaque;

    if (s->read_only) {
        return -EACCES;
    }
    return qcow2_write_cluster_data(bs, offset, bytes, qiov, qiov_offset);
}

static int qcow2_pwritev_compressed(BlockDriverState *bs, int64_t offset, int64_t bytes,
                                    QEMUIOVector *qiov, size_t qiov_offset)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;

    if (s->read_only) {
        return -EACCES;
    }
    if (!qcow2_aligned(s, offset)) {
        return -EINVAL;
    }
    /* Cluster by cluster; qemu-img convert -c sends whole clusters. */
    while (bytes > 0 && ret >= 0) {
        int64_t n = MIN(bytes, s->cluster_size);

        if (n < s->cluster_size && offset + n != (int64_t)s->size) {
            return -EINVAL;
        }
        ret = qcow2_write_compressed(bs, offset, n, qiov, qiov_offset);
        offset += n;
        bytes -= n;
        qiov_offset += n;
    }
    return ret;
}

/* Zeroes in a partial cluster: a plain write of a zero buffer. */
static int qcow2_write_zero_buf(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    g_autofree void *buf = g_malloc0(bytes);
    QEMUIOVector q;

    qemu_iovec_init_buf(&q, buf, bytes);
    return qcow2_write_cluster_data(bs, offset, bytes, &q, 0);
}

static int qcow2_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                               BdrvRequestFlags flags)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t head, tail, end = offset + bytes;
    int ret;

    if (s->read_only) {
        return -EACCES;
    }
    if ((flags & BDRV_REQ_NO_FALLBACK) &&
        (s->qcow_version < 3 || !qcow2_aligned(s, offset) ||
         (!qcow2_aligned(s, end) && end != (int64_t)s->size))) {
        return -ENOTSUP;   /* only whole clusters are zeroed without writing data */
    }
    if (s->qcow_version < 3) {
        /* No zero flag: zeroes are data (QEMU's -ENOTSUP fallback). */
        int64_t done = 0;

        while (done < bytes) {
            int64_t n = MIN(bytes - done, 1 << 20);

            ret = qcow2_write_zero_buf(bs, offset + done, n);
            if (ret < 0) {
                return ret;
            }
            done += n;
        }
        return 0;
    }
    head = QEMU_ALIGN_UP(offset, s->cluster_size);
    tail = end == (int64_t)s->size ? end : qcow2_start_of_cluster(s, end);
    if (head >= tail) {
        return qcow2_write_zero_buf(bs, offset, bytes);
    }
    if (head > offset) {
        ret = qcow2_write_zero_buf(bs, offset, head - offset);
        if (ret < 0) {
            return ret;
        }
    }
    ret = qcow2_zero_or_discard(bs, head, QEMU_ALIGN_UP(tail, s->cluster_size) - head, false,
                                flags & BDRV_REQ_MAY_UNMAP);
    if (ret >= 0 && tail < end) {
        ret = qcow2_write_zero_buf(bs, tail, end - tail);
    }
    return ret;
}

static int qcow2_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t head = QEMU_ALIGN_UP(offset, s->cluster_size);
    int64_t end = offset + bytes;
    int64_t tail = end >= (int64_t)s->size ? QEMU_ALIGN_UP(end, s->cluster_size)
                                           : qcow2_start_of_cluster(s, end);

    if (s->read_only) {
        return -EACCES;
    }
    if (head >= tail) {
        return 0;   /* partial clusters are not discarded, as QEMU */
    }
    return qcow2_zero_or_discard(bs, head, tail - head, true, true);
}

static int qcow2_flush(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;

    /* Deferred L2/L1 updates go out; the generic layer then flushes bs->file. */
    g_mutex_lock(&s->lock);
    ret = qcow2_writeback(bs);
    g_mutex_unlock(&s->lock);
    return ret;
}

/*
 * QEMU's heuristic: noticeably more clusters have a refcount than the file
 * has blocks allocated, so metadata preallocation left holes.
 */
static bool qcow2_detect_metadata_prealloc(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t alloc = bdrv_get_allocated_file_size(bs->file->bs);
    int64_t nb = qcow2_size_to_clusters(s, qcow2_image_end(bs));
    int64_t real, threshold, count = 0;

    if (alloc < 0) {
        return false;
    }
    real = alloc >> s->cluster_bits;
    threshold = MAX(real * 10 / 9, real + 2);
    for (int64_t c = 0; c < nb; c++) {
        uint64_t rc;

        if (qcow2_get_refcount(bs, c, &rc) < 0) {
            return false;
        }
        if (rc && ++count >= threshold) {
            return true;
        }
    }
    return false;
}

static int qcow2_block_status(BlockDriverState *bs, bool want_zero, int64_t offset,
                              int64_t bytes, int64_t *pnum, int64_t *map,
                              BlockDriverState **file)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_cluster_status(bs, offset, bytes, pnum, map, file);

    if (!s->prealloc_checked) {
        g_mutex_lock(&s->lock);
        s->metadata_prealloc = qcow2_detect_metadata_prealloc(bs);
        s->prealloc_checked = true;
        g_mutex_unlock(&s->lock);
    }
    /*
     * In a metadata-preallocated image a data cluster may be a hole in the
     * file: let the generic layer ask the file whether it reads as zeroes,
     * as QEMU does (only then, so plain images map as QEMU maps them).
     */
    if (want_zero && s->metadata_prealloc && ret > 0 && (ret & BDRV_BLOCK_OFFSET_VALID) &&
        !(ret & BDRV_BLOCK_ZERO)) {
        ret |= BDRV_BLOCK_RECURSE;
    }
    return ret;
}

static int64_t qcow2_getlength(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    return s->size;
}

static int64_t qcow2_get_allocated_file_size(BlockDriverState *bs)
{
    return bdrv_get_allocated_file_size(bs->file->bs);
}

static int qcow2_write_size(BlockDriverState *bs, uint64_t size)
{
    uint8_t be[8];

    stq_be_p(be, size);
    return bdrv_pwrite_sync(bs->file, QH_SIZE, 8, be, 0);
}

static int qcow2_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                          PreallocMode prealloc, BdrvRequestFlags flags, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t old = s->size;
    int ret;

    if (s->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    if (offset < 0 || offset > BDRV_MAX_LENGTH) {
        error_setg(errp, "Invalid image size");
        return -EINVAL;
    }
    if (offset & 511) {
        error_setg(errp, "The new size must be a multiple of 512");
        return -EINVAL;
    }
    if (s->nb_snapshots && s->qcow_version < 3) {
        error_setg(errp, "Can't resize a v2 image which has snapshots");
        return -ENOTSUP;
    }
    if ((uint64_t)offset < old) {
        if (prealloc != PREALLOC_MODE_OFF) {
            error_setg(errp, "Preallocation can't be used for shrinking an image");
            return -EINVAL;
        }
        ret = qcow2_zero_or_discard(bs, QEMU_ALIGN_UP(offset, s->cluster_size),
                                    QEMU_ALIGN_UP(old, s->cluster_size) -
                                    QEMU_ALIGN_UP(offset, s->cluster_size), true, true);
        if (ret >= 0) {
            g_mutex_lock(&s->lock);
            ret = qcow2_shrink_l1_and_l2(bs, offset);
            g_mutex_unlock(&s->lock);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to discard cropped clusters");
            return ret;
        }
    } else {
        g_mutex_lock(&s->lock);
        ret = qcow2_grow_l1_table(bs, qcow2_l1_size_for(s, offset), true);
        g_mutex_unlock(&s->lock);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to grow the L1 table");
            return ret;
        }
    }
    ret = qcow2_write_size(bs, offset);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to update the image size");
        return ret;
    }
    s->size = offset;
    if ((uint64_t)offset > old && prealloc != PREALLOC_MODE_OFF) {
        ret = qcow2_preallocate(bs, old, offset, prealloc);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Preallocation failed");
            return ret;
        }
    }
    return 0;
}

static int qcow2_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    BDRVQcow2State *s = bs->opaque;

    bdi->cluster_size = s->cluster_size;
    bdi->subcluster_size = s->cluster_size;
    bdi->vm_state_offset = (int64_t)qcow2_l1_size_for(s, s->size) <<
                           (s->cluster_bits + s->l2_bits);
    bdi->is_dirty = s->incompatible_features & QCOW2_INCOMPAT_DIRTY;
    return 0;
}

static QDict *qcow2_get_specific_info(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    QDict *info = qdict_new();
    QDict *data = qdict_new();

    if (s->qcow_version == 2) {
        qdict_put_str(data, "compat", "0.10");
        qdict_put_str(data, "compression-type", "zlib");
        qdict_put_int(data, "refcount-bits", s->refcount_bits);
    } else {
        qdict_put_str(data, "compat", "1.1");
        qdict_put_str(data, "compression-type", "zlib");
        qdict_put_bool(data, "lazy-refcounts",
                       s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS);
        qdict_put_int(data, "refcount-bits", s->refcount_bits);
        qdict_put_bool(data, "corrupt", s->incompatible_features & QCOW2_INCOMPAT_CORRUPT);
        qdict_put_bool(data, "extended-l2", false);
    }
    qdict_put_str(info, "type", "qcow2");
    qdict_put_obj(info, "data", QOBJECT(data));
    return info;
}

static int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res, BdrvCheckMode fix)
{
    BDRVQcow2State *s = bs->opaque;
    int ret;

    if (fix && s->read_only) {
        return -EACCES;
    }
    g_mutex_lock(&s->lock);
    ret = qcow2_writeback(bs);
    if (ret < 0) {
        g_mutex_unlock(&s->lock);
        return ret;
    }
    ret = qcow2_check_refcounts(bs, res, fix);
    if (ret >= 0 && fix && res->corruptions == 0 && res->check_errors == 0 &&
        (s->incompatible_features & (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT))) {
        /* A repaired image is consistent again. */
        s->incompatible_features &= ~(QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT);
        s->corrupt_reported = false;
        ret = qcow2_write_incompat(bs);
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_change_backing_file(BlockDriverState *bs, const char *backing_file,
                                     const char *backing_fmt)
{
    BDRVQcow2State *s = bs->opaque;
    char *old_file = s->image_backing_file, *old_fmt = s->image_backing_format;
    int ret;

    if (backing_file && strlen(backing_file) > QCOW2_MAX_BACKING_NAME) {
        return -EINVAL;
    }
    if (backing_fmt && strlen(backing_fmt) >= 16) {
        return -EINVAL;
    }
    g_mutex_lock(&s->lock);
    s->image_backing_file = backing_file && backing_file[0] ? g_strdup(backing_file) : NULL;
    s->image_backing_format = backing_fmt && backing_fmt[0] && s->image_backing_file
                              ? g_strdup(backing_fmt) : NULL;
    ret = qcow2_update_header(bs);
    if (ret < 0) {
        g_free(s->image_backing_file);
        g_free(s->image_backing_format);
        s->image_backing_file = old_file;
        s->image_backing_format = old_fmt;
    } else {
        g_free(old_file);
        g_free(old_fmt);
        g_strlcpy(bs->backing_file, s->image_backing_file ? s->image_backing_file : "",
                  sizeof(bs->backing_file));
        g_strlcpy(bs->backing_format,
                  s->image_backing_format ? s->image_backing_format : "",
                  sizeof(bs->backing_format));
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_make_empty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    if (s->read_only) {
        return -EACCES;
    }
    return qcow2_make_empty_clusters(bs);
}

/*
 * Read-only <-> read-write (commit into a qcow2 base, snapshot=on): the
 * generic layer reopened bs->file already. Going read-only writes back and
 * clears the dirty bit first; a corrupt image stays read-only.
 */
static int qcow2_reopen_rw(BlockDriverState *bs, bool rw, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;

    g_mutex_lock(&s->lock);
    if (rw && (s->incompatible_features & QCOW2_INCOMPAT_CORRUPT)) {
        error_setg(errp, "qcow2: Image is corrupt; cannot be opened read/write");
        ret = -EACCES;
    } else if (rw) {
        s->read_only = false;
    } else if (!s->read_only) {
        qcow2_drain_for_reopen(s);
        ret = qcow2_writeback(bs);
        if (ret >= 0) {
            ret = qcow2_mark_clean(bs);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not write back qcow2 metadata");
        } else {
            s->read_only = true;
        }
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_has_zero_init(BlockDriverState *bs)
{
    return 1;
}

static BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(BDRVQcow2State),
    .is_format = true,
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .preadv = qcow2_preadv,
    .pwritev = qcow2_pwritev,
    .pwritev_compressed = qcow2_pwritev_compressed,
    /* Deflate runs unlocked; the rest takes bs->lock then s->lock itself. */
    .pwritev_compressed_unlocked = true,
    .pwrite_zeroes = qcow2_pwrite_zeroes,
    .pdiscard = qcow2_pdiscard,
    .flush = qcow2_flush,
    .block_status = qcow2_block_status,
    .getlength = qcow2_getlength,
    .get_allocated_file_size = qcow2_get_allocated_file_size,
    .truncate = qcow2_truncate,
    .create = qcow2_create,
    .create_opts = &qcow2_create_opts,
    .amend = qcow2_amend,
    .check = qcow2_check,
    .get_info = qcow2_get_info,
    .get_specific_info = qcow2_get_specific_info,
    .snapshot_create = qcow2_snapshot_create,
    .snapshot_goto = qcow2_snapshot_goto,
    .snapshot_delete = qcow2_snapshot_delete,
    .snapshot_list = qcow2_snapshot_list,
    .change_backing_file = qcow2_change_backing_file,
    .make_empty = qcow2_make_empty,
    .has_zero_init = qcow2_has_zero_init,
    .reopen_rw = qcow2_reopen_rw,
    .supports_backing = true,
};

static void bdrv_qcow2_init(void)
{
    bdrv_register(&bdrv_qcow2);
}

block_init(bdrv_qcow2_init);
