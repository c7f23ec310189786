/*
 * qemu-img-convert.c: the qemu-img subcommands that read whole images:
 * convert (with zero detection, sparse output and compression), dd,
 * compare and map. They walk the source with block status so that zero and
 * unallocated areas cost no reads.
 */
#include "qemu/osdep.h"

#include <getopt.h>

#include "qemu/cutils.h"
#include "qemu-img-common.h"

/* Largest -S value, and the copy unit of convert (QEMU's values). */
#define IMG_MAX_BUF_BYTES   (16 * MiB)
#define IMG_COPY_CHUNK      (2 * MiB)

/* True when len bytes at buf are all zero. */
static bool img_buffer_is_zero(const void *buf, size_t len)
{
    const uint64_t *p = buf;
    const uint8_t *b = buf;
    size_t words = len / 8;

    for (size_t i = 0; i < words; i += 4) {
        if (words - i >= 4) {
            if (p[i] | p[i + 1] | p[i + 2] | p[i + 3]) {
                return false;
            }
        } else {
            for (size_t j = i; j < words; j++) {
                if (p[j]) {
                    return false;
                }
            }
        }
    }
    for (size_t i = words * 8; i < len; i++) {
        if (b[i]) {
            return false;
        }
    }
    return true;
}

/*
 * Status of [offset, offset+bytes) of a whole chain: true if it reads as
 * zeroes (zero flag, or unallocated down to the bottom), with *pnum the
 * length of the run. An error reports data, which is always safe.
 */
static bool img_range_is_zero(BlockDriverState *bs, int64_t offset,
                              int64_t bytes, int64_t *pnum)
{
    int ret = bdrv_block_status_above(bs, NULL, offset, bytes, pnum, NULL, NULL);

    if (ret < 0 || *pnum <= 0) {
        *pnum = bytes;
        return false;
    }
    return (ret & BDRV_BLOCK_ZERO) || !(ret & BDRV_BLOCK_DATA);
}

/* ---- convert ------------------------------------------------------------ */

/*
 * The copy runs on -m worker threads (QEMU's coroutines): each takes the
 * next IMG_COPY_CHUNK of the target, works out its zero and data runs and
 * reads the data, then waits for its turn so that writes reach the target
 * in order (unless -W), which keeps a qcow2 target's clusters in guest
 * order as QEMU does.
 */
typedef struct ImgConvert {
    BlockBackend **src;
    int64_t *src_size;
    int nsrc;
    int64_t total;
    BlockBackend *out;
    bool compress;
    bool target_zero;         /* unwritten target areas read as zeroes */
    bool target_backing;      /* skip what the source's backing provides */
    bool unordered;           /* -W */
    int workers;              /* -m */
    int64_t min_sparse;       /* -S: 0 = write everything */
    int64_t cluster;          /* compression unit */
    GMutex lock;
    GCond turn;
    int64_t next_chunk;       /* next chunk to take */
    int64_t next_write;       /* chunk whose writes may go now */
    int64_t done;             /* bytes finished, for -p */
    int ret;                  /* first error */
} ImgConvert;

/* What a chunk holds: runs of data (in buf), zeroes, or "leave alone". */
typedef enum { RUN_DATA, RUN_ZERO, RUN_SKIP } ImgRunKind;

typedef struct ImgRun {
    ImgRunKind kind;
    int64_t off;              /* relative to the chunk */
    int64_t len;
} ImgRun;

/* Write len bytes of buf at target offset off, leaving zero runs of at
 * least min_sparse (aligned) bytes unwritten or written as zeroes. */
static int img_convert_write(ImgConvert *s, int64_t off, uint8_t *buf,
                             int64_t len)
{
    int64_t pos = 0;
    int ret;

    if (s->compress) {
        for (pos = 0; pos < len; pos += s->cluster) {
            int64_t n = MIN(s->cluster, len - pos);

            if (img_buffer_is_zero(buf + pos, n)) {
                if (!s->target_zero) {
                    ret = blk_pwrite_zeroes(s->out, off + pos, n, 0);
                    if (ret < 0) {
                        return ret;
                    }
                }
                continue;
            }
            ret = blk_pwrite_compressed(s->out, off + pos, buf + pos, n);
            if (ret < 0) {
                return ret;
            }
        }
        return 0;
    }
    if (s->min_sparse == 0) {
        return blk_pwrite(s->out, off, len, buf, 0);
    }
    while (pos < len) {
        /* Granules aligned to the target offset, so that runs match what a
         * cluster-based target can leave unallocated. */
        int64_t g_end = MIN(QEMU_ALIGN_DOWN(off + pos, s->min_sparse) +
                            s->min_sparse - off, len);
        bool zero = img_buffer_is_zero(buf + pos, g_end - pos);
        int64_t end = g_end;

        while (end < len) {
            int64_t next = MIN(end + s->min_sparse, len);

            if (img_buffer_is_zero(buf + end, next - end) != zero) {
                break;
            }
            end = next;
        }
        if (zero && end - pos < s->min_sparse && end < len && pos > 0) {
            zero = false;     /* a short zero piece inside data: write it */
        }
        if (!zero) {
            ret = blk_pwrite(s->out, off + pos, end - pos, buf + pos, 0);
        } else if (!s->target_zero) {
            ret = blk_pwrite_zeroes(s->out, off + pos, end - pos,
                                    BDRV_REQ_MAY_UNMAP);
        } else {
            ret = 0;
        }
        if (ret < 0) {
            return ret;
        }
        pos = end;
    }
    return 0;
}

/* Classify and read [start, start+len) of the concatenated sources into
 * buf; runs are appended to *runs. Returns 0 / -errno (reported). */
static int img_convert_read_chunk(ImgConvert *s, int64_t start, int64_t len,
                                  uint8_t *buf, GArray *runs)
{
    int64_t base = 0, pos = 0;

    for (int i = 0; i < s->nsrc && pos < len; base += s->src_size[i], i++) {
        BlockDriverState *bs = blk_bs(s->src[i]);
        int64_t end = base + s->src_size[i];

        while (start + pos < end && pos < len) {
            int64_t off = start + pos - base, n = MIN(len - pos, end - start - pos);
            int64_t pnum = n;
            ImgRun run = { .kind = RUN_DATA, .off = pos };
            int ret;

            if (s->target_backing) {
                ret = bdrv_is_allocated(bs, off, n, &pnum);
                if (ret == 0 && pnum > 0) {
                    run.kind = RUN_SKIP;
                } else if (ret < 0 || pnum <= 0) {
                    pnum = n;
                }
            } else if (s->min_sparse && img_range_is_zero(bs, off, n, &pnum)) {
                run.kind = RUN_ZERO;
            }
            pnum = MIN(pnum, n);
            if (s->compress && run.kind == RUN_ZERO) {
                /* Compressed clusters are written whole: the parts of a
                 * zero run that share a cluster with data are read as
                 * data, so every run starts on a cluster boundary. */
                int64_t mis = (start + pos) % s->cluster;

                if (mis) {
                    run.kind = RUN_DATA;
                    pnum = MIN(pnum, s->cluster - mis);
                } else if ((start + pos + pnum) % s->cluster &&
                           start + pos + pnum < s->total) {
                    int64_t cut = QEMU_ALIGN_DOWN(start + pos + pnum,
                                                  s->cluster) - (start + pos);
                    if (cut <= 0) {
                        run.kind = RUN_DATA;
                    } else {
                        pnum = cut;
                    }
                }
            }
            if (run.kind == RUN_DATA) {
                ret = blk_pread(s->src[i], off, pnum, buf + pos, 0);
                if (ret < 0) {
                    error_report("error while reading at byte %" PRId64 ": %s",
                                 start + pos, strerror(-ret));
                    return ret;
                }
            }
            run.len = pnum;
            /* Merge with the previous run of the same kind. */
            if (runs->len) {
                ImgRun *last = &g_array_index(runs, ImgRun, runs->len - 1);

                if (last->kind == run.kind && last->off + last->len == run.off) {
                    last->len += run.len;
                    pos += pnum;
                    continue;
                }
            }
            g_array_append_val(runs, run);
            pos += pnum;
        }
    }
    return 0;
}

static int img_convert_write_chunk(ImgConvert *s, int64_t start, uint8_t *buf,
                                   GArray *runs)
{
    for (guint i = 0; i < runs->len; i++) {
        ImgRun *r = &g_array_index(runs, ImgRun, i);
        int ret = 0;

        if (r->kind == RUN_DATA) {
            ret = img_convert_write(s, start + r->off, buf + r->off, r->len);
        } else if (r->kind == RUN_ZERO && !s->target_zero) {
            ret = blk_pwrite_zeroes(s->out, start + r->off, r->len,
                                    BDRV_REQ_MAY_UNMAP);
        }
        if (ret < 0) {
            error_report("error while writing at byte %" PRId64 ": %s",
                         start + r->off, strerror(-ret));
            return ret;
        }
    }
    return 0;
}

static gpointer img_convert_worker(gpointer opaque)
{
    ImgConvert *s = opaque;
    uint8_t *buf = g_malloc(IMG_COPY_CHUNK);
    GArray *runs = g_array_new(false, false, sizeof(ImgRun));

    for (;;) {
        int64_t k, start, len;
        int ret;

        g_mutex_lock(&s->lock);
        if (s->ret < 0 || s->next_chunk * IMG_COPY_CHUNK >= s->total) {
            g_mutex_unlock(&s->lock);
            break;
        }
        k = s->next_chunk++;
        g_mutex_unlock(&s->lock);

        start = k * IMG_COPY_CHUNK;
        len = MIN(IMG_COPY_CHUNK, s->total - start);
        g_array_set_size(runs, 0);
        ret = img_convert_read_chunk(s, start, len, buf, runs);

        g_mutex_lock(&s->lock);
        while (!s->unordered && s->next_write != k && s->ret == 0) {
            g_cond_wait(&s->turn, &s->lock);
        }
        if (s->ret < 0) {
            g_mutex_unlock(&s->lock);
            break;
        }
        g_mutex_unlock(&s->lock);

        if (ret == 0) {
            ret = img_convert_write_chunk(s, start, buf, runs);
        }

        g_mutex_lock(&s->lock);
        if (ret < 0 && s->ret == 0) {
            s->ret = ret;
        }
        s->next_write++;
        s->done += len;
        img_progress_print(s->done, s->total);
        g_cond_broadcast(&s->turn);
        g_mutex_unlock(&s->lock);
    }
    g_array_free(runs, true);
    g_free(buf);
    return NULL;
}

static int img_convert_copy(ImgConvert *s)
{
    int64_t chunks = (s->total + IMG_COPY_CHUNK - 1) / IMG_COPY_CHUNK;
    int n = (int)MIN((int64_t)s->workers, MAX(chunks, (int64_t)1));
    GThread **threads = g_new(GThread *, n);

    g_mutex_init(&s->lock);
    g_cond_init(&s->turn);
    for (int i = 0; i < n; i++) {
        threads[i] = g_thread_new("convert", img_convert_worker, s);
    }
    for (int i = 0; i < n; i++) {
        g_thread_join(threads[i]);
    }
    g_free(threads);
    g_cond_clear(&s->turn);
    g_mutex_clear(&s->lock);
    return s->ret;
}

int img_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "target-image-opts", no_argument, NULL, IMG_OPT_TARGET_IMAGE_OPTS },
        { "salvage", no_argument, NULL, IMG_OPT_SALVAGE },
        { "target-is-zero", no_argument, NULL, IMG_OPT_TARGET_IS_ZERO },
        { "bitmaps", no_argument, NULL, IMG_OPT_BITMAPS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *out_fmt = NULL, *cache = "unsafe";
    const char *src_cache = "writeback", *out_baseimg = NULL, *backing_fmt = NULL;
    const char *out_filename;
    g_autofree char *options = NULL;
    bool quiet = false, progress = false, skip_create = false, force_share = false;
    bool target_is_zero = false, writethrough, src_writethrough;
    int flags = BDRV_O_RDWR, src_flags = 0, c, ret = 1;
    int64_t min_sparse = 4096;
    ImgConvert s = { .workers = 8 };
    Error *err = NULL;

    while ((c = getopt_long(argc, argv, ":hf:O:B:CcF:o:l:S:pt:T:qnm:WUr:",
                            longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 'O':
            out_fmt = optarg;
            break;
        case 'B':
            out_baseimg = optarg;
            break;
        case 'F':
            backing_fmt = optarg;
            break;
        case 'C':
            break;
        case 'W':
            s.unordered = true;
            break;
        case 'c':
            s.compress = true;
            break;
        case 'o':
            options = img_add_options(options, optarg);
            break;
        case 'l':
            error_report("Keel's qemu-img convert does not support -l "
                         "(internal snapshots as source)");
            return 1;
        case 'S': {
            int64_t v = img_cvtnum("buffer size for sparse output", optarg);

            if (v < 0) {
                return 1;
            }
            if (v % BDRV_SECTOR_SIZE || v > IMG_MAX_BUF_BYTES) {
                error_report("Invalid buffer size for sparse output specified. "
                             "Valid sizes are multiples of %llu up to %llu. "
                             "Select 0 to disable sparse detection (fully "
                             "allocates output).", BDRV_SECTOR_SIZE,
                             (unsigned long long)IMG_MAX_BUF_BYTES);
                return 1;
            }
            min_sparse = v;
            break;
        }
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
        case 'n':
            skip_create = true;
            break;
        case 'm': {
            int64_t m;

            if (qemu_strtoi64(optarg, NULL, 0, &m) < 0 || m < 1 || m > 16) {
                error_report("Invalid number of coroutines. Allowed number of "
                             "coroutines is between 1 and 16");
                return 1;
            }
            s.workers = m;
            break;
        }
        case 'U':
            force_share = true;
            break;
        case 'r':
            if (img_cvtnum("rate limit", optarg) < 0) {
                return 1;
            }
            break;
        case IMG_OPT_TARGET_IS_ZERO:
            target_is_zero = true;
            break;
        case IMG_OPT_SALVAGE:
        case IMG_OPT_BITMAPS:
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    if (!out_fmt) {
        out_fmt = "raw";
    }
    if (img_has_help_option(options)) {
        return img_print_create_options(out_fmt, NULL);
    }
    if (optind >= argc - 1) {
        error_report("Must specify image file name");
        return 1;
    }
    if (target_is_zero && !skip_create) {
        error_report("--target-is-zero requires use of -n flag");
        return 1;
    }
    if (skip_create && out_baseimg) {
        error_report("-B makes no sense when not creating the target");
        return 1;
    }
    if (backing_fmt && !out_baseimg) {
        error_report("-F requires -B (backing file)");
        return 1;
    }
    if (!img_parse_cache(src_cache, &src_flags, &src_writethrough, true) ||
        !img_parse_cache(cache, &flags, &writethrough, false)) {
        return 1;
    }
    s.nsrc = argc - optind - 1;
    out_filename = argv[argc - 1];
    s.src = g_new0(BlockBackend *, s.nsrc);
    s.src_size = g_new0(int64_t, s.nsrc);
    s.min_sparse = min_sparse;
    for (int i = 0; i < s.nsrc; i++) {
        s.src[i] = img_open(argv[optind + i], fmt, src_flags, src_writethrough,
                            quiet, force_share);
        if (!s.src[i]) {
            goto out;
        }
        s.src_size[i] = blk_getlength(s.src[i]);
        if (s.src_size[i] < 0) {
            error_report("Could not get size of %s: %s", argv[optind + i],
                         strerror((int)-s.src_size[i]));
            goto out;
        }
        s.total += s.src_size[i];
    }
    if (!skip_create) {
        BlockDriver *drv = bdrv_find_format(out_fmt);
        BlockDriver *proto = bdrv_find_protocol(out_filename, true, NULL);
        QemuOptsList *list;
        QemuOpts *opts;

        if (!drv || !drv->create) {
            error_report("Unknown file format '%s'", out_fmt);
            goto out;
        }
        /* QEMU checks -o before anything is created, without the file
         * name in the message. */
        list = bdrv_create_opts_merge(drv, proto && proto->create_opts ? proto
                                                                       : NULL);
        opts = qemu_opts_parse(list, options ? options : "", false, &err);
        if (opts) {
            qemu_opts_del(opts);
        }
        bdrv_create_opts_free(list);
        if (err) {
            error_report_err(err);
            goto out;
        }
        if (s.compress && !drv->pwritev_compressed) {
            error_report("Compression not supported for this file format");
            goto out;
        }
        bdrv_img_create(out_filename, out_fmt, out_baseimg, backing_fmt,
                        options, s.total, 0, true, &err);
        if (err) {
            error_prepend(&err, "%s: ", out_filename);
            error_report_err(err);
            goto out;
        }
    }
    s.out = img_open(out_filename, out_fmt, flags, writethrough, quiet, false);
    if (!s.out) {
        goto out;
    }
    if (skip_create) {
        int64_t out_size = blk_getlength(s.out);

        if (out_size < 0) {
            error_report("Failed to get size for '%s'", out_filename);
            goto out;
        }
        if (out_size < s.total) {
            error_report("Target image size (%" PRId64 " bytes) is smaller "
                         "than the source (%" PRId64 " bytes)", out_size, s.total);
            goto out;
        }
    }
    if (s.compress) {
        BlockDriverInfo bdi = { 0 };

        if (!blk_bs(s.out)->drv->pwritev_compressed) {
            error_report("Compression not supported for this file format");
            goto out;
        }
        if (bdrv_get_info(blk_bs(s.out), &bdi) < 0 || bdi.cluster_size <= 0 ||
            bdi.cluster_size > IMG_COPY_CHUNK) {
            error_report("could not get block driver info");
            goto out;
        }
        s.cluster = bdi.cluster_size;
    }
    /* Compressed clusters are deflated inside the write: let the workers
     * write as they finish so that compression runs on all of them (the
     * layout is then in completion order, as QEMU's -W). */
    s.unordered = s.unordered || s.compress;
    s.target_backing = out_baseimg != NULL;
    s.target_zero = !s.target_backing &&
        (skip_create ? target_is_zero : bdrv_has_zero_init(blk_bs(s.out)) > 0);
    img_progress_init(progress && !quiet);
    ret = img_convert_copy(&s) < 0 ? 1 : 0;
    if (ret == 0 && blk_flush(s.out) < 0) {
        error_report("Failed to flush the target image");
        ret = 1;
    }
    img_progress_end();
out:
    if (s.out) {
        blk_unref(s.out);
    }
    for (int i = 0; i < s.nsrc; i++) {
        if (s.src[i]) {
            blk_unref(s.src[i]);
        }
    }
    g_free(s.src);
    g_free(s.src_size);
    return ret;
}

/* ---- dd ----------------------------------------------------------------- */

int img_dd(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *out_fmt = "raw", *in_name = NULL, *out_name = NULL;
    int64_t bs = 512, count = -1, skip = 0, size, in_pos, out_pos = 0;
    bool force_share = false;
    BlockBackend *in = NULL, *out = NULL;
    g_autofree uint8_t *buf = NULL;
    Error *err = NULL;
    int c, ret = 1;

    while ((c = getopt_long(argc, argv, ":hf:O:U", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 'O':
            out_fmt = optarg;
            break;
        case 'U':
            force_share = true;
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    for (int i = optind; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        g_autofree char *key = eq ? g_strndup(argv[i], eq - argv[i]) : NULL;
        const char *val = eq ? eq + 1 : NULL;

        if (!key) {
            error_report("unrecognized operand %s", argv[i]);
            return 1;
        }
        if (!strcmp(key, "if")) {
            in_name = val;
        } else if (!strcmp(key, "of")) {
            out_name = val;
        } else if (!strcmp(key, "bs")) {
            bs = img_cvtnum("bs", val);
            if (bs < 0) {
                return 1;
            }
            if (bs == 0 || bs > INT_MAX) {
                error_report("Invalid bs specified. Must be between 1 and %d.",
                             INT_MAX);
                return 1;
            }
        } else if (!strcmp(key, "count") || !strcmp(key, "skip")) {
            int64_t v = img_cvtnum(key, val);

            if (v < 0) {
                return 1;
            }
            *(!strcmp(key, "count") ? &count : &skip) = v;
        } else {
            error_report("unrecognized operand %s", key);
            return 1;
        }
    }
    if (!in_name || !out_name) {
        error_report("Must specify both input and output files");
        return 1;
    }
    in = img_open(in_name, fmt, 0, false, false, force_share);
    if (!in) {
        return 1;
    }
    size = blk_getlength(in);
    if (size < 0) {
        error_report("Failed to get size for '%s'", in_name);
        goto out;
    }
    /* As QEMU: count limits the input from its start, skip moves into it. */
    if (count >= 0 && count <= INT64_MAX / bs && count * bs < size) {
        size = count * bs;
    }
    in_pos = 0;
    if (skip) {
        if (skip > INT64_MAX / bs || size < bs * skip) {
            error_report("%s: cannot skip to specified offset", in_name);
            in_pos = size;
        } else {
            in_pos = bs * skip;
        }
    }
    bdrv_img_create(out_name, out_fmt, NULL, NULL, NULL, size - in_pos, 0, true,
                    &err);
    if (err) {
        error_prepend(&err, "%s: ", out_name);
        error_report_err(err);
        goto out;
    }
    out = img_open(out_name, out_fmt, BDRV_O_RDWR, false, false, false);
    if (!out) {
        goto out;
    }
    buf = g_try_malloc(bs);
    if (!buf) {
        error_report("Cannot allocate a buffer of %" PRId64 " bytes (bs=)", bs);
        goto out;
    }
    for (; in_pos < size; in_pos += bs) {
        int64_t n = MIN(bs, size - in_pos);

        if (blk_pread(in, in_pos, n, buf, 0) < 0) {
            error_report("error while reading from input image file");
            goto out;
        }
        if (blk_pwrite(out, out_pos, n, buf, 0) < 0) {
            error_report("error while writing to output image file");
            goto out;
        }
        out_pos += n;
    }
    ret = 0;
out:
    if (out) {
        blk_unref(out);
    }
    blk_unref(in);
    return ret;
}

/* ---- compare ------------------------------------------------------------ */

/* Offset of the first differing 512-byte sector in a and b (QEMU reports
 * mismatches at sector granularity), or -1. */
static int64_t img_first_diff(const uint8_t *a, const uint8_t *b, int64_t len)
{
    for (int64_t pos = 0; pos < len; pos += BDRV_SECTOR_SIZE) {
        int64_t n = MIN((int64_t)BDRV_SECTOR_SIZE, len - pos);

        if (memcmp(a + pos, b + pos, n)) {
            return pos;
        }
    }
    return -1;
}

/* First non-zero sector of blk in [off, end), or -1; -2 on error. */
static int64_t img_first_nonzero(BlockBackend *blk, int64_t off, int64_t end,
                                 uint8_t *buf, const char *name)
{
    while (off < end) {
        int64_t pnum, n = MIN(IMG_COPY_CHUNK, end - off), ret;

        if (img_range_is_zero(blk_bs(blk), off, n, &pnum)) {
            off += pnum;
            continue;
        }
        n = MIN(n, pnum);
        ret = blk_pread(blk, off, n, buf, 0);
        if (ret < 0) {
            error_report("Error while reading offset %" PRId64 " of %s: %s",
                         off, name, strerror((int)-ret));
            return -2;
        }
        for (int64_t p = 0; p < n; p += BDRV_SECTOR_SIZE) {
            if (!img_buffer_is_zero(buf + p, MIN((int64_t)BDRV_SECTOR_SIZE, n - p))) {
                return off + p;
            }
        }
        off += n;
    }
    return -1;
}

int img_compare(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt1 = NULL, *fmt2 = NULL, *cache = "writeback";
    const char *name1, *name2;
    bool quiet = false, strict = false, progress = false, force_share = false;
    bool writethrough;
    int flags = 0, c, ret = 2;
    BlockBackend *b1 = NULL, *b2 = NULL;
    int64_t size1, size2, common, off = 0, diff;
    g_autofree uint8_t *buf1 = NULL;
    g_autofree uint8_t *buf2 = NULL;

    while ((c = getopt_long(argc, argv, ":hf:F:T:pqsU", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt1 = optarg;
            break;
        case 'F':
            fmt2 = optarg;
            break;
        case 'T':
            cache = optarg;
            break;
        case 'p':
            progress = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 's':
            strict = true;
            break;
        case 'U':
            force_share = true;
            break;
        default:
            if (img_unsupported_option(c)) {
                /* compare's errors exit with 2, not 1 */
                error_report("%s is not supported by Keel's qemu-img",
                             img_unsupported_option(c));
                return 2;
            }
            img_bad_option(c, argv);
        }
    }
    if (quiet) {
        progress = false;
    }
    if (optind != argc - 2) {
        img_error_exit("Expecting two image file names");
    }
    name1 = argv[optind];
    name2 = argv[optind + 1];
    if (!img_parse_cache(cache, &flags, &writethrough, true)) {
        return 2;
    }
    b1 = img_open(name1, fmt1, flags, writethrough, quiet, force_share);
    if (!b1) {
        return 2;
    }
    b2 = img_open(name2, fmt2, flags, writethrough, quiet, force_share);
    if (!b2) {
        goto out;
    }
    size1 = blk_getlength(b1);
    size2 = blk_getlength(b2);
    if (size1 < 0 || size2 < 0) {
        error_report("Can't get size of %s: %s", size1 < 0 ? name1 : name2,
                     strerror((int)-(size1 < 0 ? size1 : size2)));
        goto out;
    }
    if (strict && size1 != size2) {
        img_qprintf(quiet, "Strict mode: Image size mismatch!\n");
        ret = 1;
        goto out;
    }
    buf1 = g_malloc(IMG_COPY_CHUNK);
    buf2 = g_malloc(IMG_COPY_CHUNK);
    common = MIN(size1, size2);
    img_progress_init(progress);
    while (off < common) {
        int64_t n = MIN(IMG_COPY_CHUNK, common - off), p1, p2;
        bool z1 = img_range_is_zero(blk_bs(b1), off, n, &p1);
        bool z2 = img_range_is_zero(blk_bs(b2), off, n, &p2);

        if (strict) {
            /* Strict mode wants the same block status flags, as QEMU. */
            const int mask = BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO |
                             BDRV_BLOCK_OFFSET_VALID | BDRV_BLOCK_ALLOCATED;
            int64_t a1, a2;
            int r1 = bdrv_block_status_above(blk_bs(b1), NULL, off, n, &a1,
                                             NULL, NULL);
            int r2 = bdrv_block_status_above(blk_bs(b2), NULL, off, n, &a2,
                                             NULL, NULL);

            if (r1 >= 0 && r2 >= 0 && (r1 & mask) != (r2 & mask)) {
                img_progress_end();
                img_qprintf(quiet, "Strict mode: Offset %" PRId64
                            " block status mismatch!\n", off);
                ret = 1;
                goto out;
            }
        }
        n = MIN(n, MIN(p1, p2));
        if (!(z1 && z2)) {
            int r;

            r = blk_pread(b1, off, n, buf1, 0);
            if (r < 0) {
                error_report("Error while reading offset %" PRId64 " of %s: %s",
                             off, name1, strerror(-r));
                goto out;
            }
            r = blk_pread(b2, off, n, buf2, 0);
            if (r < 0) {
                error_report("Error while reading offset %" PRId64 " of %s: %s",
                             off, name2, strerror(-r));
                goto out;
            }
            diff = img_first_diff(buf1, buf2, n);
            if (diff >= 0) {
                img_progress_end();
                img_qprintf(quiet, "Content mismatch at offset %" PRId64 "!\n",
                            off + diff);
                ret = 1;
                goto out;
            }
        }
        off += n;
        img_progress_print(off, MAX(size1, size2));
    }
    if (size1 != size2) {
        BlockBackend *big = size1 > size2 ? b1 : b2;
        const char *big_name = size1 > size2 ? name1 : name2;

        img_qprintf(quiet, "Warning: Image size mismatch!\n");
        diff = img_first_nonzero(big, common, MAX(size1, size2), buf1, big_name);
        if (diff == -2) {
            goto out;
        }
        if (diff >= 0) {
            img_progress_end();
            img_qprintf(quiet, "Content mismatch at offset %" PRId64 "!\n", diff);
            ret = 1;
            goto out;
        }
    }
    img_progress_end();
    img_qprintf(quiet, "Images are identical.\n");
    ret = 0;
out:
    img_progress_end();
    if (b2) {
        blk_unref(b2);
    }
    blk_unref(b1);
    return ret;
}

/* ---- map ---------------------------------------------------------------- */

typedef struct ImgMapEntry {
    int64_t start, length, offset, depth;
    bool data, zero, present, has_offset;
    const char *filename;
} ImgMapEntry;

static int img_map_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                          ImgMapEntry *e)
{
    BlockDriverState *file = NULL;
    int64_t map = 0, pnum = 0, depth = 0;
    int ret;

    /* Walk down the chain until a layer knows the content (QEMU's depth). */
    for (;;) {
        ret = bdrv_block_status(bs, offset, bytes, &pnum, &map, &file);
        if (ret < 0) {
            return ret;
        }
        if (pnum <= 0) {
            return -EIO;
        }
        bytes = pnum;
        if (ret & (BDRV_BLOCK_ZERO | BDRV_BLOCK_DATA)) {
            break;
        }
        if (!bdrv_backing_bs(bs) ||
            offset >= bdrv_getlength(bdrv_backing_bs(bs))) {
            /* Unallocated at the bottom of the chain reads as zeroes. */
            ret |= BDRV_BLOCK_ZERO;
            break;
        }
        bs = bdrv_backing_bs(bs);
        depth++;
    }
    e->start = offset;
    e->length = bytes;
    e->data = ret & BDRV_BLOCK_DATA;
    e->zero = ret & BDRV_BLOCK_ZERO;
    e->has_offset = ret & BDRV_BLOCK_OFFSET_VALID;
    e->offset = e->has_offset ? map : 0;
    e->depth = depth;
    e->present = (ret & BDRV_BLOCK_ALLOCATED) || ((ret & BDRV_BLOCK_DATA) &&
                                                  !(ret & BDRV_BLOCK_ZERO)) ||
                 (ret & BDRV_BLOCK_OFFSET_VALID);
    e->filename = file && e->has_offset ? file->filename : NULL;
    return 0;
}

static bool img_map_mergeable(const ImgMapEntry *a, const ImgMapEntry *b)
{
    if (a->data != b->data || a->zero != b->zero || a->depth != b->depth ||
        a->present != b->present || a->has_offset != b->has_offset) {
        return false;
    }
    if (g_strcmp0(a->filename, b->filename)) {
        return false;
    }
    return !a->has_offset || a->offset + a->length == b->offset;
}

static int img_map_dump(int oformat, const ImgMapEntry *e, bool last)
{
    if (oformat == IMG_OFORMAT_HUMAN) {
        if (e->data && !e->has_offset) {
            error_report("File contains external, encrypted or compressed "
                         "clusters.");
            return -1;
        }
        if (e->data && !e->zero) {
            printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n",
                   (uint64_t)e->start, (uint64_t)e->length,
                   (uint64_t)(e->has_offset ? e->offset : 0),
                   e->filename ? e->filename : "");
        }
        return 0;
    }
    printf("{ \"start\": %" PRId64 ", \"length\": %" PRId64 ", \"depth\": %"
           PRId64 ", \"present\": %s, \"zero\": %s, \"data\": %s",
           e->start, e->length, e->depth, e->present ? "true" : "false",
           e->zero ? "true" : "false", e->data ? "true" : "false");
    if (e->has_offset) {
        printf(", \"offset\": %" PRId64, e->offset);
    }
    printf("}");
    if (!last) {
        printf(",\n");
    }
    return 0;
}

int img_map(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, IMG_OPT_OUTPUT },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { "start-offset", required_argument, NULL, IMG_OPT_START_OFFSET },
        { "max-length", required_argument, NULL, IMG_OPT_MAX_LENGTH },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    int oformat = IMG_OFORMAT_HUMAN, c, ret = 0;
    bool force_share = false;
    int64_t start = 0, max_len = -1, length, offset;
    ImgMapEntry curr = { .length = 0 }, next;
    BlockBackend *blk;
    BlockDriverState *bs;

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
        case IMG_OPT_START_OFFSET:
            start = img_cvtnum("start offset", optarg);
            if (start < 0) {
                return 1;
            }
            break;
        case IMG_OPT_MAX_LENGTH:
            max_len = img_cvtnum("max length", optarg);
            if (max_len < 0) {
                return 1;
            }
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    blk = img_open(img_one_filename(argc, argv), fmt, 0, false, false, force_share);
    if (!blk) {
        return 1;
    }
    bs = blk_bs(blk);
    length = blk_getlength(blk);
    if (length < 0) {
        error_report("Failed to get size for '%s'", argv[optind]);
        blk_unref(blk);
        return 1;
    }
    if (max_len >= 0 && start <= length && max_len < length - start) {
        length = start + max_len;
    }
    if (oformat == IMG_OFORMAT_HUMAN) {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
    } else {
        printf("[");
    }
    for (offset = start; offset < length; offset += next.length) {
        int64_t n = MIN((int64_t)1 << 30, length - offset);

        ret = img_map_status(bs, offset, n, &next);
        if (ret < 0) {
            error_report("Could not read file metadata: %s", strerror(-ret));
            break;
        }
        if (curr.length && img_map_mergeable(&curr, &next)) {
            curr.length += next.length;
            continue;
        }
        if (curr.length > 0 && img_map_dump(oformat, &curr, false) < 0) {
            ret = -1;
            break;
        }
        curr = next;
    }
    if (ret == 0 && curr.length > 0) {
        ret = img_map_dump(oformat, &curr, true);
    }
    if (oformat == IMG_OFORMAT_JSON) {
        printf("]\n");
    }
    blk_unref(blk);
    return ret < 0 ? 1 : 0;
}
