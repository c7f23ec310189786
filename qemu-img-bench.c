/*
 * qemu-img-bench.c: qemu-img measure (the size a conversion would need, by
 * the qcow2 layout rules of docs/interop/qcow2.txt) and qemu-img bench
 * (timed parallel reads or writes on worker threads, optionally with a
 * flush every N requests).
 */
#include "qemu/osdep.h"

#include <getopt.h>

#include "qemu/cutils.h"
#include "qemu-img-common.h"

/* ---- measure ------------------------------------------------------------ */

/*
 * Clusters taken by refcount blocks and the refcount table for an image of
 * `clusters` clusters: they count themselves, so iterate to a fixed point.
 */
static int64_t img_refcount_meta(int64_t clusters, int64_t cluster_size,
                                 int refcount_bits)
{
    int64_t per_block = cluster_size * 8 / refcount_bits;
    int64_t per_table_cluster = cluster_size / 8;
    int64_t blocks = 0, table = 0, total = -1, prev;

    do {
        prev = total;
        blocks = (clusters + blocks + table + per_block - 1) / per_block;
        table = (blocks + per_table_cluster - 1) / per_table_cluster;
        total = clusters + blocks + table;
    } while (total != prev);
    return (blocks + table) * cluster_size;
}

/* Bytes of a fully preallocated qcow2 image of virtual size `size`. */
static int64_t img_qcow2_full_size(int64_t size, int64_t cluster_size,
                                   int refcount_bits, bool extended_l2)
{
    int64_t entry = extended_l2 ? 16 : 8;
    int64_t aligned = QEMU_ALIGN_UP(size, cluster_size);
    int64_t meta = cluster_size;                  /* header */
    int64_t l2_entries = QEMU_ALIGN_UP(aligned / cluster_size,
                                       cluster_size / entry);
    int64_t l1_entries;

    meta += l2_entries * entry;
    l1_entries = QEMU_ALIGN_UP(l2_entries * entry / cluster_size,
                               cluster_size / 8);
    meta += l1_entries * 8;
    meta += img_refcount_meta((meta + aligned) / cluster_size, cluster_size,
                              refcount_bits);
    return meta + aligned;
}

int img_measure(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "output", required_argument, NULL, IMG_OPT_OUTPUT },
        { "size", required_argument, NULL, IMG_OPT_SIZE },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *out_fmt = "raw", *filename = NULL;
    g_autofree char *options = NULL;
    int oformat = IMG_OFORMAT_HUMAN, c, ret = 1;
    bool force_share = false, snapshot = false, has_size = false, bitmaps = false;
    uint64_t img_size = 0;
    int64_t virtual_size, required, full;
    BlockDriver *drv;
    QemuOptsList *list = NULL;
    QemuOpts *opts = NULL;
    BlockBackend *in = NULL;
    Error *err = NULL;

    while ((c = getopt_long(argc, argv, ":hf:O:o:l:U", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'f':
            fmt = optarg;
            break;
        case 'O':
            out_fmt = optarg;
            break;
        case 'o':
            options = img_add_options(options, optarg);
            break;
        case 'l':
            snapshot = true;
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
        case IMG_OPT_SIZE: {
            int64_t v = img_cvtnum("image size", optarg);

            if (v < 0) {
                return 1;
            }
            img_size = v;
            has_size = true;
            break;
        }
        default:
            img_bad_option(c, argv);
        }
    }
    if (optind < argc) {
        filename = argv[optind];
    }
    if (optind + 1 < argc) {
        error_report("Unexpected argument: %s", argv[optind + 1]);
        return 1;
    }
    if (!filename && (fmt || snapshot)) {
        error_report("--image-opts, -f, and -l require a filename argument.");
        return 1;
    }
    if (filename && has_size) {
        error_report("--size N cannot be used together with a filename.");
        return 1;
    }
    if (!filename && !has_size) {
        error_report("Either --size N or one filename must be specified.");
        return 1;
    }
    if (snapshot) {
        error_report("Keel's qemu-img measure does not support -l");
        return 1;
    }
    if (img_has_help_option(options)) {
        return img_print_create_options(out_fmt, NULL);
    }
    drv = bdrv_find_format(out_fmt);
    if (!drv) {
        error_report("Unknown file format '%s'", out_fmt);
        return 1;
    }
    if (strcmp(out_fmt, "raw") && strcmp(out_fmt, "qcow2")) {
        error_report("Format driver '%s' does not support size measurement",
                     out_fmt);
        return 1;
    }
    list = bdrv_create_opts_merge(drv, NULL);
    opts = options ? qemu_opts_parse(list, options, false, &err)
                   : qemu_opts_create(list, NULL, false, &err);
    if (!opts) {
        error_report_err(err);
        goto out;
    }
    if (filename) {
        int64_t s;

        in = img_open(filename, fmt, 0, false, false, force_share);
        if (!in) {
            goto out;
        }
        s = blk_getlength(in);
        if (s < 0) {
            error_report("Unable to get image virtual_size: %s", strerror((int)-s));
            goto out;
        }
        img_size = s;
        bitmaps = !g_strcmp0(bdrv_get_format_name(blk_bs(in)), "qcow2") &&
                  !strcmp(out_fmt, "qcow2");
    }
    virtual_size = img_size;
    if (!strcmp(out_fmt, "raw")) {
        required = filename ? virtual_size
                            : QEMU_ALIGN_UP(virtual_size, BDRV_SECTOR_SIZE);
        full = required;
    } else {
        uint64_t cluster = qemu_opt_get_size(opts, "cluster_size", 65536);
        uint64_t refbits = qemu_opt_get_number(opts, "refcount_bits", 16);
        bool ext_l2 = qemu_opt_get_bool(opts, "extended_l2", false);
        const char *prealloc = qemu_opt_get(opts, "preallocation");
        int64_t data = 0;

        if (cluster < 512 || cluster > 2 * MiB || (cluster & (cluster - 1))) {
            error_report("Cluster size must be a power of two between 512 and "
                         "2048k");
            goto out;
        }
        if (refbits == 0 || refbits > 64 || (refbits & (refbits - 1))) {
            error_report("Refcount width must be a power of two and may not "
                         "exceed 64 bits");
            goto out;
        }
        virtual_size = QEMU_ALIGN_UP(virtual_size, (int64_t)cluster);
        if (in) {
            BlockDriverState *bs = blk_bs(in);

            for (int64_t off = 0, pnum; off < img_size; off += pnum) {
                int r = bdrv_block_status_above(bs, NULL, off, img_size - off,
                                                &pnum, NULL, NULL);

                if (r < 0 || pnum <= 0) {
                    error_report("Unable to get block status: %s",
                                 strerror(r < 0 ? -r : EIO));
                    goto out;
                }
                if (!(r & BDRV_BLOCK_ZERO) && (r & BDRV_BLOCK_DATA)) {
                    /* Count whole clusters touched by the data run. */
                    int64_t end = QEMU_ALIGN_UP(off + pnum, (int64_t)cluster);

                    data += end - QEMU_ALIGN_DOWN(off, (int64_t)cluster);
                    pnum = end - off;
                }
            }
        }
        if (prealloc && (!strcmp(prealloc, "full") || !strcmp(prealloc, "falloc"))) {
            data = virtual_size;
        }
        full = img_qcow2_full_size(virtual_size, cluster, refbits, ext_l2);
        required = full - virtual_size + MIN(data, virtual_size);
    }
    if (oformat == IMG_OFORMAT_JSON) {
        g_autoptr(QDict) d = qdict_new();

        if (bitmaps) {
            qdict_put_int(d, "bitmaps", 0);
        }
        qdict_put_int(d, "required", required);
        qdict_put_int(d, "fully-allocated", full);
        img_print_json(QOBJECT(d));
    } else {
        printf("required size: %" PRId64 "\nfully allocated size: %" PRId64 "\n",
               required, full);
        if (bitmaps) {
            printf("bitmaps size: 0\n");
        }
    }
    ret = 0;
out:
    if (in) {
        blk_unref(in);
    }
    if (opts) {
        qemu_opts_del(opts);
    }
    if (list) {
        bdrv_create_opts_free(list);
    }
    return ret;
}

/* ---- bench -------------------------------------------------------------- */

typedef struct ImgBench {
    BlockBackend *blk;
    int64_t image_size;
    int64_t start;
    int64_t bufsize;
    int64_t step;
    bool write;
    int pattern;
    GMutex lock;
    int64_t next;             /* next request index */
    int64_t batch_end;        /* requests below this may be sent */
    int ret;
} ImgBench;

static gpointer img_bench_worker(gpointer opaque)
{
    ImgBench *b = opaque;
    void *buf = NULL;

    if (posix_memalign(&buf, 4096, b->bufsize)) {
        g_mutex_lock(&b->lock);
        b->ret = -ENOMEM;
        g_mutex_unlock(&b->lock);
        return NULL;
    }
    memset(buf, b->pattern, b->bufsize);
    for (;;) {
        int64_t idx, offset;
        int r;

        g_mutex_lock(&b->lock);
        if (b->ret < 0 || b->next >= b->batch_end) {
            g_mutex_unlock(&b->lock);
            break;
        }
        idx = b->next++;
        g_mutex_unlock(&b->lock);
        offset = b->start + idx * b->step;
        offset = b->image_size ? offset % b->image_size : 0;
        r = b->write ? blk_pwrite(b->blk, offset, b->bufsize, buf, 0)
                     : blk_pread(b->blk, offset, b->bufsize, buf, 0);
        if (r < 0) {
            g_mutex_lock(&b->lock);
            if (b->ret == 0) {
                b->ret = r;
            }
            g_mutex_unlock(&b->lock);
        }
    }
    free(buf);
    return NULL;
}

/* At most this many threads stand for the queue depth. */
#define IMG_BENCH_MAX_THREADS 256

/* Run requests [b->next, end) on depth threads and wait for them. */
static void img_bench_batch(ImgBench *b, int64_t end, int depth)
{
    GThread **threads;
    int n = (int)MIN(MIN((int64_t)depth, IMG_BENCH_MAX_THREADS), end - b->next);

    b->batch_end = end;
    if (n <= 0) {
        return;
    }
    threads = g_new(GThread *, n);
    for (int i = 0; i < n; i++) {
        threads[i] = g_thread_new("bench", img_bench_worker, b);
    }
    for (int i = 0; i < n; i++) {
        g_thread_join(threads[i]);
    }
    g_free(threads);
}

static bool img_bench_int(const char *arg, int64_t min, int64_t max, int64_t *v)
{
    return qemu_strtoi64(arg, NULL, 0, v) == 0 && *v >= min && *v <= max;
}

int img_bench(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "flush-interval", required_argument, NULL, IMG_OPT_FLUSH_INTERVAL },
        { "image-opts", no_argument, NULL, IMG_OPT_IMAGE_OPTS },
        { "pattern", required_argument, NULL, IMG_OPT_PATTERN },
        { "no-drain", no_argument, NULL, IMG_OPT_NO_DRAIN },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL, *filename;
    int64_t count = 75000, depth = 64, bufsize = 4096, step = 0, offset = 0;
    int64_t pattern = 0, flush_interval = 0, v;
    bool quiet = false, write = false, force_share = false, drain = true;
    bool writethrough = false;
    int flags = 0, c, ret = 1;
    ImgBench b = { 0 };
    gint64 t0, t1;

    g_mutex_init(&b.lock);

    while ((c = getopt_long(argc, argv, ":hc:d:f:ni:o:qs:S:t:wU", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
        case 'c':
            if (!img_bench_int(optarg, 0, INT_MAX, &count)) {
                error_report("Invalid request count specified");
                return 1;
            }
            break;
        case 'd':
            if (!img_bench_int(optarg, 1, INT_MAX, &depth)) {
                error_report("Invalid queue depth specified");
                return 1;
            }
            break;
        case 'f':
            fmt = optarg;
            break;
        case 'n':
            flags |= BDRV_O_NATIVE_AIO;
            break;
        case 'i':
            if (strcmp(optarg, "native") && strcmp(optarg, "threads") &&
                strcmp(optarg, "io_uring")) {
                error_report("Invalid aio option: %s", optarg);
                return 1;
            }
            break;
        case 'o':
            offset = img_cvtnum("offset", optarg);
            if (offset < 0) {
                return 1;
            }
            break;
        case 'q':
            quiet = true;
            break;
        case 's':
            v = img_cvtnum("buffer size", optarg);
            if (v <= 0 || v > INT_MAX) {
                if (v == 0 || v > INT_MAX) {
                    error_report("Invalid buffer size specified");
                }
                return 1;
            }
            bufsize = v;
            break;
        case 'S':
            v = img_cvtnum("step_size", optarg);
            if (v < 0 || v > INT_MAX) {
                if (v > INT_MAX) {
                    error_report("Invalid step size specified");
                }
                return 1;
            }
            step = v;
            break;
        case 't':
            if (!img_parse_cache(optarg, &flags, &writethrough, false)) {
                return 1;
            }
            break;
        case 'w':
            flags |= BDRV_O_RDWR;
            write = true;
            break;
        case 'U':
            force_share = true;
            break;
        case IMG_OPT_PATTERN:
            if (!img_bench_int(optarg, 0, 0xff, &pattern)) {
                error_report("Invalid pattern byte specified");
                return 1;
            }
            break;
        case IMG_OPT_FLUSH_INTERVAL:
            if (!img_bench_int(optarg, 0, INT_MAX, &flush_interval)) {
                error_report("Invalid flush interval specified");
                return 1;
            }
            break;
        case IMG_OPT_NO_DRAIN:
            drain = false;
            break;
        default:
            img_bad_option(c, argv);
        }
    }
    filename = img_one_filename(argc, argv);
    if (!write && flush_interval) {
        error_report("--flush-interval is only available in write tests");
        return 1;
    }
    if (flush_interval && flush_interval < depth) {
        error_report("Flush interval can't be smaller than depth");
        return 1;
    }
    (void)drain;    /* batches are always drained before their flush */
    b.blk = img_open(filename, fmt, flags, writethrough, quiet, force_share);
    if (!b.blk) {
        g_mutex_clear(&b.lock);
        return 1;
    }
    b.image_size = blk_getlength(b.blk);
    if (b.image_size < 0) {
        error_report("Could not get the image size");
        goto out;
    }
    b.start = offset;
    b.bufsize = bufsize;
    b.step = step ? step : bufsize;
    b.write = write;
    b.pattern = pattern;
    /* QEMU prints these even with -q. */
    {
        printf("Sending %d %s requests, %d bytes each, %d in parallel "
               "(starting at offset %" PRId64 ", step size %d)\n", (int)count,
               write ? "write" : "read", (int)bufsize, (int)depth, offset,
               (int)b.step);
        if (flush_interval) {
            printf("Sending flush every %d requests\n", (int)flush_interval);
        }
    }
    t0 = g_get_monotonic_time();
    while (b.next < count && b.ret == 0) {
        int64_t end = flush_interval ? MIN(count, b.next + flush_interval) : count;

        img_bench_batch(&b, end, (int)depth);
        if (flush_interval && b.next < count && b.ret == 0) {
            /* Every batch is drained before its flush (--no-drain differs
             * from QEMU here: the batches are still drained). */
            b.ret = blk_flush(b.blk);
        }
    }
    t1 = g_get_monotonic_time();
    if (b.ret < 0) {
        error_report("Failed request: %s", strerror(-b.ret));
        goto out;
    }
    {
        printf("Run completed in %3.3f seconds.\n", (t1 - t0) / 1e6);
    }
    ret = 0;
out:
    g_mutex_clear(&b.lock);
    blk_unref(b.blk);
    return ret;
}
