/*
 * test-qcow2-stress.c: random writes, zero writes, discards, resizes and
 * internal snapshots on qcow2 images made by Keel's driver, checked against
 * an in-memory copy and by the driver's own check. Also a writer tool for
 * the functional tests (test_qcow2*.py), which then judge the image with
 * QEMU's qemu-img:
 *   test-qcow2-stress write IMG REF SEED OPS [create-options]
 *       run OPS random operations, write the final contents to REF (raw)
 *   test-qcow2-stress crash IMG DIR SEED OPS [create-options]
 *       the same, but after every completed flush DIR/ref holds the contents
 *       as of that flush and DIR/log lists operations since (for SIGKILL)
 *   test-qcow2-stress read IMG OUT      the image's contents into OUT (raw)
 *   test-qcow2-stress snapshot IMG create|apply|delete NAME
 *   test-qcow2-stress pwrite IMG OFFSET LEN   one write of 0x5c bytes
 *   test-qcow2-stress open IMG          open it, read it all, check it: prints
 *       the error or "corruptions=N leaks=N"; exit 1 on an open error
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include "block/block-backend.h"
#include <fcntl.h>

typedef struct Stress {
    BlockBackend *blk;
    uint8_t *ref;            /* what the guest-visible image must read */
    int64_t size;
    int64_t cluster;
    bool snapshots;          /* refcount_bits > 1 */
    bool compress;
    bool v2;
    int max_snap;            /* refcount_bits=2 allows only 3 references */
    int nsnap;
    int log_fd;              /* crash mode: operations since the last flush */
    const char *dir;
    GRand *rand;
} Stress;

static void stress_log(Stress *st, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void stress_log(Stress *st, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    va_list ap;

    if (st->log_fd < 0) {
        return;
    }
    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (write(st->log_fd, line, strlen(line)) < 0) {
        abort();
    }
}

/* Crash mode: publish the flushed state atomically, then clear the log. */
static void stress_commit(Stress *st)
{
    g_autofree char *tmp = g_strdup_printf("%s/ref.tmp", st->dir);
    g_autofree char *ref = g_strdup_printf("%s/ref", st->dir);

    if (st->log_fd < 0) {
        return;
    }
    g_assert_true(g_file_set_contents(tmp, (const char *)st->ref, st->size, NULL));
    g_assert_cmpint(rename(tmp, ref), ==, 0);
    g_assert_cmpint(ftruncate(st->log_fd, 0), ==, 0);
    lseek(st->log_fd, 0, SEEK_SET);
}

static BlockBackend *stress_open(const char *img)
{
    Error *err = NULL;
    QDict *opts = qdict_new();
    BlockBackend *blk;

    qdict_put_str(opts, "driver", "qcow2");
    blk = blk_new_open(img, NULL, opts, BDRV_O_RDWR, &err);
    if (!blk) {
        error_report_err(err);
        exit(1);
    }
    return blk;
}

static void stress_create(const char *img, const char *options, int64_t size)
{
    Error *err = NULL;

    bdrv_img_create(img, "qcow2", NULL, NULL, (char *)options, size, 0, true, &err);
    if (err) {
        error_report_err(err);
        exit(1);
    }
}

static void stress_verify(Stress *st)
{
    g_autofree uint8_t *buf = g_malloc(st->size + 1);

    g_assert_cmpint(blk_getlength(st->blk), ==, st->size);
    g_assert_cmpint(blk_pread(st->blk, 0, st->size, buf, 0), ==, 0);
    for (int64_t i = 0; i < st->size; i++) {
        if (buf[i] != st->ref[i]) {
            g_error("byte %" PRId64 " reads %#x, expected %#x", i, buf[i], st->ref[i]);
        }
    }
}

static void stress_one(Stress *st)
{
    int op = g_rand_int_range(st->rand, 0, 100);
    int64_t off = g_rand_int_range(st->rand, 0, st->size);
    int64_t len = g_rand_int_range(st->rand, 1, 4 * st->cluster + 1);
    int ret;

    len = MIN(st->size - off, len);   /* MIN evaluates twice: no calls inside */
    if (g_rand_boolean(st->rand)) {
        /* Cluster-aligned requests exercise the whole-cluster paths. */
        off = QEMU_ALIGN_DOWN(off, st->cluster);
        len = MIN(st->size - off, QEMU_ALIGN_UP(len, st->cluster));
    }
    if (op < 55) {
        g_autofree uint8_t *buf = g_malloc(len);
        uint8_t pat = g_rand_int(st->rand);

        for (int64_t i = 0; i < len; i++) {
            buf[i] = pat + i / 512;
        }
        stress_log(st, "W %" PRId64 " %" PRId64 "\n", off, len);
        ret = blk_pwrite(st->blk, off, len, buf, 0);
        if (ret < 0) {
            g_error("write %" PRId64 "+%" PRId64 " (size %" PRId64 "): %s", off, len,
                    st->size, strerror(-ret));
        }
        memcpy(st->ref + off, buf, len);
    } else if (op < 65) {
        stress_log(st, "Z %" PRId64 " %" PRId64 "\n", off, len);
        ret = blk_pwrite_zeroes(st->blk, off, len,
                                g_rand_boolean(st->rand) ? BDRV_REQ_MAY_UNMAP : 0);
        g_assert_cmpint(ret, ==, 0);
        memset(st->ref + off, 0, len);
    } else if (op < 73) {
        /* Discarded data is undefined: make the reference match the image. */
        stress_log(st, "D %" PRId64 " %" PRId64 "\n", off, len);
        g_assert_cmpint(blk_pdiscard(st->blk, off, len), ==, 0);
        g_assert_cmpint(blk_pread(st->blk, off, len, st->ref + off, 0), ==, 0);
    } else if (op < 78 && st->compress) {
        int64_t c = QEMU_ALIGN_DOWN(off, st->cluster);
        int64_t n = MIN(st->cluster, st->size - c);
        g_autofree uint8_t *buf = g_malloc0(st->cluster);

        memset(buf, g_rand_int(st->rand) & 0xff, n / 2);
        stress_log(st, "W %" PRId64 " %" PRId64 "\n", c, n);
        g_assert_cmpint(blk_pwrite_compressed(st->blk, c, buf, n), ==, 0);
        memcpy(st->ref + c, buf, n);
    } else if (op < 84) {
        stress_log(st, "F\n");
        g_assert_cmpint(blk_flush(st->blk), ==, 0);
        stress_commit(st);
    } else if (op < 88 && !(st->v2 && st->nsnap)) {
        /* Resize by a few clusters (grow or shrink), kept small. */
        int64_t delta = g_rand_int_range(st->rand, -3, 5);
        int64_t ns = st->size + delta * st->cluster;
        Error *err = NULL;

        ns = MAX(ns, st->cluster * 4);
        ns = MIN(ns, 8 << 20);
        stress_log(st, "R %" PRId64 "\n", ns);
        ret = blk_truncate(st->blk, ns, false, PREALLOC_MODE_OFF, 0, &err);
        if (ret < 0) {
            g_error("resize to %" PRId64 ": %s", ns, error_get_pretty(err));
        }
        st->ref = g_realloc(st->ref, ns);
        if (ns > st->size) {
            memset(st->ref + st->size, 0, ns - st->size);
        }
        st->size = ns;
    } else if (st->snapshots && op < 94) {
        QEMUSnapshotInfo sn = { 0 };

        if (st->nsnap >= st->max_snap) {
            QEMUSnapshotInfo *list;
            int n = bdrv_snapshot_list(blk_bs(st->blk), &list);
            Error *err = NULL;

            g_assert_cmpint(n, >, 0);
            stress_log(st, "S delete\n");
            ret = bdrv_snapshot_delete(blk_bs(st->blk), list[0].id_str, NULL, &err);
            if (ret < 0) {
                g_error("snapshot delete: %s", error_get_pretty(err));
            }
            g_free(list);
            st->nsnap--;
        }
        g_snprintf(sn.name, sizeof(sn.name), "snap%u", g_rand_int(st->rand));
        sn.icount = -1ULL;
        stress_log(st, "S create\n");
        g_assert_cmpint(bdrv_snapshot_create(blk_bs(st->blk), &sn), ==, 0);
        st->nsnap++;
    } else if (st->snapshots && st->log_fd < 0 && op < 97 && st->nsnap) {
        /* Apply a snapshot: the reference becomes what the image reads. */
        QEMUSnapshotInfo *list;
        int n = bdrv_snapshot_list(blk_bs(st->blk), &list);
        Error *err = NULL;

        g_assert_cmpint(n, >, 0);
        g_assert_cmpint(bdrv_snapshot_goto(blk_bs(st->blk), list[n - 1].id_str, &err),
                        ==, 0);
        g_free(list);
        st->size = blk_getlength(st->blk);
        st->ref = g_realloc(st->ref, st->size);
        g_assert_cmpint(blk_pread(st->blk, 0, st->size, st->ref, 0), ==, 0);
    }
}

static void stress_run(Stress *st, int ops)
{
    for (int i = 0; i < ops; i++) {
        stress_one(st);
    }
}

static void stress_init(Stress *st, const char *img, const char *options, uint32_t seed)
{
    memset(st, 0, sizeof(*st));
    st->log_fd = -1;
    st->rand = g_rand_new_with_seed(seed);
    st->blk = stress_open(img);
    st->size = blk_getlength(st->blk);
    st->ref = g_malloc0(st->size);
    {
        BlockDriverInfo bdi = { 0 };

        g_assert_cmpint(bdrv_get_info(blk_bs(st->blk), &bdi), ==, 0);
        st->cluster = bdi.cluster_size;
    }
    st->snapshots = !options || !strstr(options, "refcount_bits=1,");
    st->compress = true;
    st->v2 = options && strstr(options, "compat=0.10");
    st->max_snap = options && strstr(options, "refcount_bits=2,") ? 1 : 4;
    /* Packed compressed clusters hold several references already. */
    st->compress = st->max_snap > 1;
    /* The image may have a backing file: start from what it reads. */
    g_assert_cmpint(blk_pread(st->blk, 0, st->size, st->ref, 0), ==, 0);
}

static void stress_fini(Stress *st)
{
    blk_unref(st->blk);
    g_free(st->ref);
    g_rand_free(st->rand);
}

/* Unit-test mode: a matrix of formats, each verified and checked clean. */
typedef struct StressCase {
    const char *options;
    int ops;
} StressCase;

static void test_stress(gconstpointer opaque)
{
    const StressCase *c = opaque;
    g_autofree char *dir = g_dir_make_tmp("qcow2-stress-XXXXXX", NULL);
    g_autofree char *img = g_build_filename(dir, "t.qcow2", NULL);
    g_autofree char *opts = g_strdup_printf("%s,", c->options);
    BdrvCheckResult res = { 0 };
    Stress st;

    stress_create(img, c->options, 1 << 20);
    stress_init(&st, img, opts, 42);
    stress_run(&st, c->ops);
    stress_verify(&st);
    g_assert_cmpint(bdrv_check(blk_bs(st.blk), &res, 0), ==, 0);
    g_assert_cmpint(res.corruptions, ==, 0);
    g_assert_cmpint(res.leaks, ==, 0);
    g_assert_cmpint(res.check_errors, ==, 0);
    stress_fini(&st);

    /* Reopened, it still reads the same. */
    stress_init(&st, img, opts, 43);
    stress_run(&st, c->ops / 4);
    stress_verify(&st);
    stress_fini(&st);
    unlink(img);
    rmdir(dir);
}

static int stress_tool(int argc, char **argv)
{
    const char *mode = argv[1], *img = argv[2], *out = argv[3];
    uint32_t seed = strtoul(argv[4], NULL, 0);
    int ops = atoi(argv[5]);
    const char *options = argc > 6 ? argv[6] : NULL;
    g_autofree char *opts = g_strdup_printf("%s,", options ? options : "");
    Stress st;

    if (options && options[0]) {
        stress_create(img, options, 1 << 20);
    }
    stress_init(&st, img, opts, seed);
    if (!strcmp(mode, "crash")) {
        g_autofree char *log = g_strdup_printf("%s/log", out);

        st.dir = out;
        st.log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        g_assert_cmpint(st.log_fd, >=, 0);
        g_assert_cmpint(blk_flush(st.blk), ==, 0);
        stress_commit(&st);
        /* Tell the parent we are running, then work until killed or done. */
        printf("ready\n");
        fflush(stdout);
    }
    stress_run(&st, ops);
    if (!strcmp(mode, "write")) {
        stress_verify(&st);
        g_assert_true(g_file_set_contents(out, (const char *)st.ref, st.size, NULL));
    } else {
        g_assert_cmpint(blk_flush(st.blk), ==, 0);
        stress_commit(&st);
    }
    stress_fini(&st);
    return 0;
}

/* Open (read-only), read everything, run check: for hostile images. */
static int stress_open_tool(const char *img, const char *out)
{
    Error *err = NULL;
    QDict *opts = qdict_new();
    BlockBackend *blk;
    BdrvCheckResult res = { 0 };
    int64_t len;
    int ret = 0;
    FILE *f = NULL;

    qdict_put_str(opts, "driver", "qcow2");
    blk = blk_new_open(img, NULL, opts, out ? 0 : BDRV_O_CHECK, &err);
    if (!blk) {
        error_report_err(err);
        return 1;
    }
    len = blk_getlength(blk);
    if (out) {
        f = fopen(out, "wb");
        g_assert_nonnull(f);
    }
    for (int64_t off = 0; len > 0 && off < len; off += 1 << 20) {
        int64_t n = MIN(len - off, 1 << 20);
        g_autofree uint8_t *buf = g_malloc(n);

        ret = blk_pread(blk, off, n, buf, 0);
        if (ret < 0) {
            printf("read error at %" PRId64 ": %s\n", off, strerror(-ret));
            if (out) {
                return 1;
            }
            break;
        }
        if (f) {
            g_assert_cmpint(fwrite(buf, 1, n, f), ==, n);
        }
    }
    if (f) {
        fclose(f);
    } else {
        ret = bdrv_check(blk_bs(blk), &res, 0);
        printf("check=%d corruptions=%d leaks=%d check_errors=%d\n", ret, res.corruptions,
               res.leaks, res.check_errors);
    }
    blk_unref(blk);
    return 0;
}

/* snapshot IMG create|apply|delete NAME */
static int stress_snapshot_tool(const char *img, const char *op, const char *name)
{
    BlockBackend *blk = stress_open(img);
    Error *err = NULL;
    int ret;

    if (!strcmp(op, "create")) {
        QEMUSnapshotInfo sn = { 0 };

        g_strlcpy(sn.name, name, sizeof(sn.name));
        sn.date_sec = 1700000000;
        sn.icount = -1ULL;
        ret = bdrv_snapshot_create(blk_bs(blk), &sn);
        if (ret < 0) {
            error_setg_errno(&err, -ret, "Could not create snapshot '%s'", name);
        }
    } else if (!strcmp(op, "apply")) {
        ret = bdrv_snapshot_goto(blk_bs(blk), name, &err);
    } else {
        ret = bdrv_snapshot_delete(blk_bs(blk), NULL, name, &err);
    }
    blk_unref(blk);
    if (ret < 0) {
        error_report_err(err);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const StressCase cases[] = {
        { "compat=1.1,cluster_size=65536", 600 },
        { "compat=0.10,cluster_size=65536", 400 },
        { "compat=1.1,cluster_size=512", 400 },
        { "compat=1.1,cluster_size=4096,refcount_bits=1", 400 },
        { "compat=1.1,cluster_size=4096,refcount_bits=64", 400 },
        { "compat=1.1,cluster_size=2097152", 60 },
        { "compat=1.1,cluster_size=4096,lazy_refcounts=on", 300 },
    };

    if (argc >= 6 && (!strcmp(argv[1], "write") || !strcmp(argv[1], "crash"))) {
        return stress_tool(argc, argv);
    }
    if (argc == 4 && !strcmp(argv[1], "read")) {
        return stress_open_tool(argv[2], argv[3]);
    }
    if (argc == 5 && !strcmp(argv[1], "pwrite")) {
        /* pwrite IMG OFFSET LEN: one write of 0x5c bytes, then close */
        BlockBackend *blk = stress_open(argv[2]);
        int64_t len = strtoll(argv[4], NULL, 0);
        g_autofree uint8_t *buf = g_malloc(len);
        int ret;

        memset(buf, 0x5c, len);
        ret = blk_pwrite(blk, strtoll(argv[3], NULL, 0), len, buf, 0);
        if (ret < 0) {
            fprintf(stderr, "write failed: %s\n", strerror(-ret));
        }
        blk_unref(blk);
        return ret < 0;
    }
    if (argc == 5 && !strcmp(argv[1], "snapshot")) {
        return stress_snapshot_tool(argv[2], argv[3], argv[4]);
    }
    if (argc == 3 && !strcmp(argv[1], "open")) {
        return stress_open_tool(argv[2], NULL);
    }
    if (!g_getenv("TMPDIR") && g_file_test("/dev/shm", G_FILE_TEST_IS_DIR)) {
        g_setenv("TMPDIR", "/dev/shm", true);   /* the driver flushes often */
    }
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("/qcow2/stress/%s", cases[i].options);

        g_test_add_data_func(name, &cases[i], test_stress);
    }
    return g_test_run();
}
