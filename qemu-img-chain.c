/*
 * qemu-img-chain.c: the qemu-img subcommands that move data along a backing
 * chain: commit (overlay data into a base, optionally emptying the overlay)
 * and rebase (safe: keep the visible content while switching the backing
 * file; -u: rewrite the header only).
 */
#include "qemu/osdep.h"

#include <getopt.h>

#include "qemu-img-common.h"

#define IMG_CHAIN_CHUNK (1 * MiB)

/* Open filename with its backing chain read-only and without locks: commit
 * and rebase write the base through a node of their own. */
static BlockBackend *img_open_chain(const char *filename, const char *fmt,
                                    int flags)
{
    Error *err = NULL;
    QDict *options = NULL;
    BlockBackend *blk;

    if (fmt) {
        options = qdict_new();
        qdict_put_str(options, "driver", fmt);
    }
    blk = blk_new_open(filename, NULL, options, flags, &err);
    if (!blk) {
        error_prepend(&err, "Could not open '%s': ", filename);
        error_report_err(err);
    }
    return blk;
}

/* ---- commit ------------------------------------------------------------- */

int img_commit(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *cache = "unsafe", *base_name = NULL, *filename;
    bool quiet = false, drop = false, progress = false, writethrough;
    int flags = 0, c, ret = 1;
    BlockBackend *top = NULL, *base = NULL;
    BlockDriverState *top_bs, *base_bs = NULL;
    g_autofree uint8_t *buf = NULL;
    int64_t size, off = 0, base_size;
    Error *err = NULL;

    while ((c = getopt_long(argc, argv, ":f:ht:b:dpqr:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 't':
            cache = optarg;
            break;
        case 'b':
            base_name = optarg;
            drop = true;     /* -b implies -d, as QEMU */
            break;
        case 'd':
            drop = true;
            break;
        case 'p':
            progress = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'r':
            if (img_cvtnum("rate limit", optarg) < 0) {
                return 1;
            }
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    if (quiet) {
        progress = false;
    }
    filename = img_one_filename(argc, argv);
    if (!img_parse_cache(cache, &flags, &writethrough, false)) {
        return 1;
    }
    top = img_open_chain(filename, fmt, BDRV_O_FORCE_SHARE);
    if (!top) {
        return 1;
    }
    top_bs = blk_bs(top);
    if (!bdrv_backing_bs(top_bs)) {
        error_report("Image does not have a backing file");
        goto out;
    }
    if (base_name) {
        g_autofree char *want = realpath(base_name, NULL);

        for (BlockDriverState *b = bdrv_backing_bs(top_bs); b;
             b = bdrv_backing_bs(b)) {
            g_autofree char *have = realpath(b->filename, NULL);

            if (!strcmp(b->filename, base_name) || (want && have &&
                                                   !strcmp(want, have))) {
                base_bs = b;
                break;
            }
        }
        if (!base_bs) {
            error_report("Did not find '%s' in the backing chain of '%s'",
                         base_name, filename);
            goto out;
        }
    } else {
        base_bs = bdrv_backing_bs(top_bs);
    }
    /* With its own backing chain: a partial cluster write into the base
     * copies the rest of the cluster from below it. */
    base = img_open(base_bs->filename, bdrv_get_format_name(base_bs),
                    BDRV_O_RDWR | flags, writethrough, quiet, false);
    if (!base) {
        goto out;
    }
    size = blk_getlength(top);
    base_size = blk_getlength(base);
    if (size < 0 || base_size < 0) {
        error_report("Could not get the image sizes");
        goto out;
    }
    if (base_size < size && blk_truncate(base, size, false, PREALLOC_MODE_OFF,
                                         0, &err) < 0) {
        if (!err) {
            error_setg(&err, "Could not resize the base image");
        }
        error_report_err(err);
        goto out;
    }
    buf = g_malloc(IMG_CHAIN_CHUNK);
    img_progress_init(progress);
    while (off < size) {
        int64_t n = MIN(IMG_CHAIN_CHUNK, size - off), pnum;
        int r = bdrv_is_allocated_above(top_bs, base_bs, false, off, n, &pnum);

        if (r < 0 || pnum <= 0) {
            error_report("Could not read the allocation of '%s'", filename);
            goto out_progress;
        }
        if (r) {
            r = blk_pread(top, off, pnum, buf, 0);
            if (r == 0) {
                r = blk_pwrite(base, off, pnum, buf, 0);
            }
            if (r < 0) {
                error_report("Error while committing at offset %" PRId64 ": %s",
                             off, strerror(-r));
                goto out_progress;
            }
        }
        off += pnum;
        img_progress_print(off, size);
    }
    if (blk_flush(base) < 0) {
        error_report("Could not flush the base image");
        goto out_progress;
    }
    img_progress_end();
    blk_unref(base);
    base = NULL;
    blk_unref(top);
    top = NULL;
    if (!drop) {
        /* Empty the overlay now that the base holds its data. */
        top = img_open(filename, fmt, BDRV_O_RDWR | BDRV_O_NO_BACKING | flags,
                       writethrough, quiet, false);
        if (!top) {
            goto out;
        }
        if (bdrv_make_empty(blk_bs(top), &err) < 0 && err) {
            error_report_err(err);
            goto out;
        }
        error_free(err);
        err = NULL;
    }
    img_qprintf(quiet, "Image committed.\n");
    ret = 0;
    goto out;
out_progress:
    img_progress_end();
out:
    if (base) {
        blk_unref(base);
    }
    if (top) {
        blk_unref(top);
    }
    return ret;
}

/* ---- rebase ------------------------------------------------------------- */

/* Write into blk the runs of 512-byte sectors where the old backing content
 * differs from the new one, so that equal areas stay unallocated. */
static int img_rebase_copy_diff(BlockBackend *blk, int64_t off,
                                const uint8_t *old, const uint8_t *new,
                                int64_t len)
{
    int64_t pos = 0;

    while (pos < len) {
        int64_t n = MIN((int64_t)BDRV_SECTOR_SIZE, len - pos), end;
        int r;

        if (!memcmp(old + pos, new + pos, n)) {
            pos += n;
            continue;
        }
        end = pos + n;
        while (end < len) {
            int64_t m = MIN((int64_t)BDRV_SECTOR_SIZE, len - end);

            if (!memcmp(old + end, new + end, m)) {
                break;
            }
            end += m;
        }
        r = blk_pwrite(blk, off + pos, end - pos, old + pos, 0);
        if (r < 0) {
            return r;
        }
        pos = end;
    }
    return 0;
}

int img_rebase(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *cache = "writeback", *src_cache = "writeback";
    const char *out_base = NULL, *out_fmt = NULL, *filename;
    bool quiet = false, unsafe = false, progress = false, force_share = false;
    bool writethrough, src_writethrough;
    int flags = 0, src_flags = 0, c, ret = 1;
    BlockBackend *blk = NULL, *newb = NULL;
    g_autofree uint8_t *buf_old = NULL;
    g_autofree uint8_t *buf_new = NULL;
    int64_t size, new_size = 0, off = 0;
    Error *err = NULL;

    while ((c = getopt_long(argc, argv, ":hf:F:b:upt:T:qU", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 'F':
            out_fmt = optarg;
            break;
        case 'b':
            out_base = optarg;
            break;
        case 'u':
            unsafe = true;
            break;
        case 'p':
            progress = true;
            break;
        case 't':
            cache = optarg;
            break;
        case 'T':
            src_cache = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'U':
            /* The new backing file is always opened shared (read-only). */
            force_share = true;
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    (void)force_share;
    if (quiet) {
        progress = false;
    }
    filename = img_one_filename(argc, argv);
    if (!unsafe && !out_base) {
        img_error_exit("Must specify backing file (-b) or use unsafe mode (-u)");
    }
    if (!out_base) {
        out_base = "";
    }
    if (!img_parse_cache(cache, &flags, &writethrough, false) ||
        !img_parse_cache(src_cache, &src_flags, &src_writethrough, true)) {
        return 1;
    }
    if (out_base[0] && !out_fmt) {
        error_report("Could not change the backing file to '%s': backing "
                     "format must be specified", out_base);
        return 1;
    }
    blk = img_open(filename, fmt, BDRV_O_RDWR | flags |
                   (unsafe ? BDRV_O_NO_BACKING : 0), writethrough, quiet, false);
    if (!blk) {
        return 1;
    }
    if (!unsafe) {
        BlockDriverState *bs = blk_bs(blk);

        if (out_base[0]) {
            g_autofree char *full =
                bdrv_get_full_backing_filename_from_filename(filename, out_base,
                                                             &err);
            if (!full) {
                error_prepend(&err, "Could not resolve backing filename: ");
                error_report_err(err);
                goto out;
            }
            newb = img_open(full, out_fmt, src_flags, src_writethrough, quiet,
                            true);
            if (!newb) {
                goto out;
            }
            new_size = blk_getlength(newb);
        }
        size = blk_getlength(blk);
        if (size < 0 || new_size < 0) {
            error_report("Could not get the image sizes");
            goto out;
        }
        buf_old = g_malloc(IMG_CHAIN_CHUNK);
        buf_new = g_malloc0(IMG_CHAIN_CHUNK);
        img_progress_init(progress);
        /* Wherever the overlay shows its old backing file, copy what differs
         * from the new one into the overlay. */
        while (off < size && bdrv_backing_bs(bs)) {
            int64_t n = MIN(IMG_CHAIN_CHUNK, size - off), pnum;
            int r = bdrv_is_allocated(bs, off, n, &pnum);

            if (r < 0 || pnum <= 0) {
                error_report("error while reading image metadata: %s",
                             strerror(r < 0 ? -r : EIO));
                goto out_progress;
            }
            if (!r) {
                r = blk_pread(blk, off, pnum, buf_old, 0);
                memset(buf_new, 0, pnum);
                if (r == 0 && off < new_size) {
                    r = blk_pread(newb, off, MIN(pnum, new_size - off), buf_new, 0);
                }
                if (r < 0) {
                    error_report("error while reading at offset %" PRId64 ": %s",
                                 off, strerror(-r));
                    goto out_progress;
                }
                r = img_rebase_copy_diff(blk, off, buf_old, buf_new, pnum);
                if (r < 0) {
                    error_report("error while writing at offset %" PRId64
                                 ": %s", off, strerror(-r));
                    goto out_progress;
                }
            }
            off += pnum;
            img_progress_print(off, size);
        }
        img_progress_end();
    }
    {
        int r = bdrv_change_backing_file(blk_bs(blk), out_base[0] ? out_base : NULL,
                                         out_base[0] ? out_fmt : NULL, true);

        if (r == -ENOSPC) {
            error_report("Could not change the backing file to '%s': No space "
                         "left in the file header", out_base);
            goto out;
        } else if (r < 0) {
            error_report("Could not change the backing file to '%s': %s",
                         out_base, strerror(-r));
            goto out;
        }
    }
    ret = 0;
    goto out;
out_progress:
    img_progress_end();
out:
    if (newb) {
        blk_unref(newb);
    }
    blk_unref(blk);
    return ret;
}
