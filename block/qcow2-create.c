/*
 * qcow2-create.c: qemu-img create for qcow2 (QEMU's option names, help
 * texts and error messages) and amend (compat, lazy_refcounts, backing
 * file). A new image is a header, a one-cluster refcount table and one
 * refcount block; the L1 table and preallocation come from truncate.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qcow2.h"
#include "block/block-backend.h"

QemuOptsList qcow2_create_opts = {
    .name = "qcow2-create-opts",
    .desc = {
        /* QEMU's order: qemu-img create prints "Formatting ..." in it. */
        { "cluster_size", QEMU_OPT_SIZE, "qcow2 cluster size", "65536" },
        { "extended_l2", QEMU_OPT_BOOL, "Extended L2 tables", "off" },
        { "preallocation", QEMU_OPT_STRING,
          "Preallocation mode (allowed values: off, metadata, falloc, full)" },
        { "compression_type", QEMU_OPT_STRING,
          "Compression method used for image cluster compression", "zlib" },
        { "size", QEMU_OPT_SIZE, "Virtual disk size" },
        { "compat", QEMU_OPT_STRING, "Compatibility level (v2 [0.10] or v3 [1.1])" },
        { "backing_file", QEMU_OPT_STRING, "File name of a base image" },
        { "backing_fmt", QEMU_OPT_STRING, "Image format of the base image" },
        { "data_file", QEMU_OPT_STRING, "File name of an external data file" },
        { "data_file_raw", QEMU_OPT_BOOL,
          "The external data file must stay valid as a raw image" },
        { "encryption", QEMU_OPT_BOOL,
          "Encrypt the image with format 'aes'. (Deprecated in favor of "
          "encrypt.format=aes)" },
        { "encrypt.format", QEMU_OPT_STRING,
          "Encrypt the image, format choices: 'aes', 'luks'" },
        { "lazy_refcounts", QEMU_OPT_BOOL, "Postpone refcount updates", "off" },
        { "refcount_bits", QEMU_OPT_NUMBER, "Width of a reference count entry in bits",
          "16" },
        { NULL }
    },
};

/* "0.10"/"v2" -> 2, "1.1"/"v3" -> 3, NULL -> 3. */
static int qcow2_parse_compat(const char *compat, Error **errp)
{
    if (!compat || !strcmp(compat, "1.1") || !strcmp(compat, "v3")) {
        return 3;
    }
    if (!strcmp(compat, "0.10") || !strcmp(compat, "v2")) {
        return 2;
    }
    error_setg(errp, "Parameter 'version' does not accept value '%s'", compat);
    return -EINVAL;
}

/* Bytes of the minimal image: header, refcount table, one refcount block. */
static int qcow2_write_skeleton(BlockBackend *blk, int version, int cluster_bits,
                                int refcount_order, bool lazy)
{
    int64_t cs = 1LL << cluster_bits;
    g_autofree uint8_t *buf = g_malloc0(3 * cs);

    stl_be_p(buf + QH_MAGIC, QCOW_MAGIC);
    stl_be_p(buf + QH_VERSION, version);
    stl_be_p(buf + QH_CLUSTER_BITS, cluster_bits);
    stq_be_p(buf + QH_REFT_OFFSET, cs);
    stl_be_p(buf + QH_REFT_CLUSTERS, 1);
    if (version >= 3) {
        stq_be_p(buf + QH_COMPAT, lazy ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        stl_be_p(buf + QH_REFCOUNT_ORDER, refcount_order);
        stl_be_p(buf + QH_HEADER_LENGTH, 112);
    }
    stq_be_p(buf + cs, 2 * cs);
    for (int i = 0; i < 3; i++) {
        qcow2_set_refcount_ro(buf + 2 * cs, i, 1, refcount_order);
    }
    return blk_pwrite(blk, 0, 3 * cs, buf, 0);
}

int qcow2_create(const char *filename, QemuOpts *opts, Error **errp)
{
    uint64_t size = qemu_opt_get_size(opts, "size", 0);
    uint64_t cluster_size = qemu_opt_get_size(opts, "cluster_size", QCOW2_DEFAULT_CLUSTER_SIZE);
    uint64_t refcount_bits = qemu_opt_get_number(opts, "refcount_bits", 16);
    bool lazy = qemu_opt_get_bool(opts, "lazy_refcounts", false);
    const char *backing_file = qemu_opt_get(opts, "backing_file");
    const char *backing_fmt = qemu_opt_get(opts, "backing_fmt");
    const char *prealloc_str = qemu_opt_get(opts, "preallocation");
    const char *ctype = qemu_opt_get(opts, "compression_type");
    const char *enc = qemu_opt_get(opts, "encrypt.format");
    int version, prealloc = PREALLOC_MODE_OFF;
    int cluster_bits, refcount_order;
    BlockBackend *blk;
    BDRVQcow2State *s;
    g_autoptr(QDict) fopts = NULL;
    QDict *qopts;
    int ret;

    version = qcow2_parse_compat(qemu_opt_get(opts, "compat"), errp);
    if (version < 0) {
        return version;
    }
    if (cluster_size < 512 || cluster_size > 2 * 1024 * 1024 ||
        (cluster_size & (cluster_size - 1))) {
        error_setg(errp, "Cluster size must be a power of two between 512 and 2048k");
        return -EINVAL;
    }
    cluster_bits = __builtin_ctzll(cluster_size);
    if (refcount_bits == 0 || refcount_bits > 64 || (refcount_bits & (refcount_bits - 1))) {
        error_setg(errp, "Refcount width must be a power of two and may not exceed 64 bits");
        return -EINVAL;
    }
    refcount_order = __builtin_ctzll(refcount_bits);
    if (version < 3 && refcount_bits != 16) {
        error_setg(errp, "Different refcount widths than 16 bits require compatibility "
                   "level 1.1 or above (use version=v3 or greater)");
        return -EINVAL;
    }
    if (version < 3 && lazy) {
        error_setg(errp, "Lazy refcounts only supported with compatibility level 1.1 "
                   "and above (use version=v3 or greater)");
        return -EINVAL;
    }
    if (prealloc_str) {
        prealloc = prealloc_mode_from_str(prealloc_str, errp);
        if (prealloc < 0) {
            return -EINVAL;
        }
    }
    if (backing_file && prealloc != PREALLOC_MODE_OFF) {
        error_setg(errp, "Backing file and preallocation can only be used at the same "
                   "time if extended_l2 is on");
        return -EINVAL;
    }
    if (backing_fmt && !backing_file) {
        error_setg(errp, "Backing format cannot be used without backing file");
        return -EINVAL;
    }
    if (ctype && strcmp(ctype, "zlib")) {
        if (!strcmp(ctype, "zstd")) {
            error_setg(errp, "qcow2: compression type 'zstd' is not supported");
        } else {
            error_setg(errp, "Parameter 'compression-type' does not accept value '%s'",
                       ctype);
        }
        return -EINVAL;
    }
    if (qemu_opt_get_bool(opts, "extended_l2", false)) {
        error_setg(errp, "qcow2: extended L2 entries (subclusters) are not supported");
        return -ENOTSUP;
    }
    if (qemu_opt_get(opts, "data_file")) {
        error_setg(errp, "qcow2: images with an external data file are not supported");
        return -ENOTSUP;
    }
    if (qemu_opt_get_bool(opts, "encryption", false) || enc) {
        error_setg(errp, "qcow2: encrypted images are not supported");
        return -ENOTSUP;
    }
    if (size & 511) {
        size = QEMU_ALIGN_UP(size, 512);
    }

    /* The file itself starts empty: qcow2 preallocates through truncate. */
    if (prealloc_str) {
        g_autofree char *saved = g_strdup(prealloc_str);

        qemu_opt_unset(opts, "preallocation");
        ret = bdrv_create_file(filename, opts, errp);
        qemu_opt_set(opts, "preallocation", saved, NULL);
    } else {
        ret = bdrv_create_file(filename, opts, errp);
    }
    if (ret < 0) {
        return ret;
    }
    fopts = qdict_new();
    qdict_put_str(fopts, "driver", "file");
    blk = blk_new_open(filename, NULL, qobject_ref(fopts), BDRV_O_RDWR | BDRV_O_PROTOCOL,
                       errp);
    if (!blk) {
        return -EIO;
    }
    blk_set_allow_write_beyond_eof(blk, true);
    ret = blk_truncate(blk, 0, false, PREALLOC_MODE_OFF, 0, NULL);
    if (ret >= 0) {
        ret = qcow2_write_skeleton(blk, version, cluster_bits, refcount_order, lazy);
    }
    blk_unref(blk);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write qcow2 header");
        return ret;
    }

    qopts = qdict_new();
    qdict_put_str(qopts, "driver", "qcow2");
    qdict_put_str(qopts, "file.driver", "file");
    blk = blk_new_open(filename, NULL, qopts, BDRV_O_RDWR | BDRV_O_NO_BACKING, errp);
    if (!blk) {
        return -EIO;
    }
    s = blk_bs(blk)->opaque;
    if (backing_file) {
        s->image_backing_file = g_strdup(backing_file);
        s->image_backing_format = g_strdup(backing_fmt);
    }
    ret = qcow2_update_header(blk_bs(blk));
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write qcow2 header");
        goto out;
    }
    ret = blk_truncate(blk, size, false, prealloc, 0, errp);
    if (ret < 0) {
        goto out;
    }
    ret = blk_flush(blk);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not flush the new image");
    }
out:
    blk_unref(blk);
    return ret;
}

int qcow2_amend(BlockDriverState *bs, QemuOpts *opts, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    const char *compat = qemu_opt_get(opts, "compat");
    int version = s->qcow_version;
    bool lazy = s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS;
    int ret;

    if (compat) {
        version = qcow2_parse_compat(compat, errp);
        if (version < 0) {
            return version;
        }
    }
    if (qemu_opt_has(opts, "lazy_refcounts")) {
        lazy = qemu_opt_get_bool(opts, "lazy_refcounts", false);
    }
    if (qemu_opt_has(opts, "cluster_size") &&
        qemu_opt_get_size(opts, "cluster_size", 0) != (uint64_t)s->cluster_size) {
        error_setg(errp, "Changing the cluster size is not supported");
        return -ENOTSUP;
    }
    if (qemu_opt_has(opts, "refcount_bits") &&
        qemu_opt_get_number(opts, "refcount_bits", 0) != (uint64_t)s->refcount_bits) {
        error_setg(errp, "Changing the refcount width is not supported by Keel's qcow2");
        return -ENOTSUP;
    }
    if (qemu_opt_has(opts, "preallocation") || qemu_opt_has(opts, "encrypt.format") ||
        qemu_opt_has(opts, "data_file") || qemu_opt_has(opts, "extended_l2")) {
        error_setg(errp, "Changing this option is not supported");
        return -ENOTSUP;
    }
    if (version < 3 && lazy) {
        error_setg(errp, "Lazy refcounts only supported with compatibility level 1.1 "
                   "and above (use version=v3 or greater)");
        return -EINVAL;
    }
    if (version < 3 && s->qcow_version >= 3) {
        if (s->refcount_order != 4) {
            error_setg(errp, "compat=0.10 requires refcount_bits=16");
            return -ENOTSUP;
        }
        /* v2 has no zero flag: zero clusters become data or unallocated. */
        ret = qcow2_expand_zero_clusters(bs);
        if (ret == -ENOTSUP) {
            error_setg(errp, "Cannot downgrade an image with zero clusters in its "
                       "snapshots");
            return ret;
        } else if (ret < 0) {
            error_setg_errno(errp, -ret, "Failed to turn zero clusters into data");
            return ret;
        }
    }
    g_mutex_lock(&s->lock);
    s->qcow_version = version;
    if (lazy) {
        s->compatible_features |= QCOW2_COMPAT_LAZY_REFCOUNTS;
    } else {
        s->compatible_features &= ~QCOW2_COMPAT_LAZY_REFCOUNTS;
    }
    s->use_lazy_refcounts = lazy;
    if (version < 3) {
        s->incompatible_features = 0;
        s->compatible_features = 0;
        s->autoclear_features = 0;
    }
    if (qemu_opt_has(opts, "backing_file")) {
        g_free(s->image_backing_file);
        s->image_backing_file = g_strdup(qemu_opt_get(opts, "backing_file"));
    }
    if (qemu_opt_has(opts, "backing_fmt")) {
        g_free(s->image_backing_format);
        s->image_backing_format = g_strdup(qemu_opt_get(opts, "backing_fmt"));
    }
    ret = qcow2_update_header(bs);
    g_mutex_unlock(&s->lock);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to update the image header");
    }
    return ret;
}
