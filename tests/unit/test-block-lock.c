/*
 * test-block-lock.c: image locking with QEMU's OFD byte-range scheme.
 * A second opener (another open in this process, a forked child, or
 * QEMU's own qemu-io) is refused with QEMU's messages while an image is
 * in use, and readers with force-share (-U) are let through.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"
#include "block/block-backend.h"
#include "qobject/qdict.h"
#include "test-helpers.h"

#include <sys/stat.h>
#include <sys/wait.h>

static bool have_qcow2(void)
{
    if (!bdrv_find_format("qcow2")) {
        g_test_skip("no qcow2 driver");
        return false;
    }
    return true;
}

static char *make_image(const char *name, const char *fmt)
{
    char *path = tmp_path(name);
    Error *err = NULL;

    unlink(path);
    bdrv_img_create(path, fmt, NULL, NULL, NULL, 1 * MiB, 0, true, &err);
    g_assert_null(err);
    return path;
}

static BlockBackend *open_img(const char *path, const char *fmt, int flags,
                              Error **errp)
{
    QDict *o = qdict_new();

    qdict_put_str(o, "driver", fmt);
    return blk_new_open(path, NULL, o, flags, errp);
}

static void expect_lock_error(const char *path, const char *fmt, int flags,
                              const char *msg)
{
    Error *err = NULL;
    BlockBackend *blk = open_img(path, fmt, flags, &err);

    g_assert_null(blk);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

/* Two opens in one process exclude each other like two processes. */
static void test_same_process(void)
{
    if (!have_qcow2()) {
        return;
    }
    g_autofree char *path = make_image("same.qcow2", "qcow2");
    BlockBackend *w = open_img(path, "qcow2", BDRV_O_RDWR, &error_abort);

    expect_lock_error(path, "qcow2", BDRV_O_RDWR, "Failed to get \"write\" lock");
    expect_lock_error(path, "qcow2", 0, "Failed to get shared \"write\" lock");
    /* force-share readers get in. */
    BlockBackend *r = open_img(path, "qcow2", BDRV_O_FORCE_SHARE, &error_abort);
    blk_unref(r);
    blk_unref(w);
    /* Closed: free again. */
    w = open_img(path, "qcow2", BDRV_O_RDWR, &error_abort);
    blk_unref(w);
}

/* raw shares everything: two writers may coexist, as in QEMU. */
static void test_raw_shares(void)
{
    g_autofree char *path = make_image("share.raw", "raw");
    BlockBackend *a = open_img(path, "raw", BDRV_O_RDWR, &error_abort);
    BlockBackend *b = open_img(path, "raw", BDRV_O_RDWR, &error_abort);

    blk_unref(b);
    blk_unref(a);
}

/* The error carries QEMU's hint naming the image. */
static void test_hint(void)
{
    if (!have_qcow2()) {
        return;
    }
    g_autofree char *path = make_image("hint.qcow2", "qcow2");
    BlockBackend *w = open_img(path, "qcow2", BDRV_O_RDWR, &error_abort);
    Error *err = NULL;

    g_assert_null(open_img(path, "qcow2", BDRV_O_RDWR, &err));
    capture_start();
    error_report_err(err);
    g_autofree char *out = capture_end();
    g_autofree char *want = g_strdup_printf("Failed to get \"write\" lock\n"
                                            "Is another process using the image [%s]?\n",
                                            path);
    g_assert_nonnull(strstr(out, want));
    blk_unref(w);
}

/* A forked child holds the image; the parent is refused until it exits. */
static void test_forked_holder(void)
{
    if (!have_qcow2()) {
        return;
    }
    g_autofree char *path = make_image("fork.qcow2", "qcow2");
    int to_child[2], from_child[2];
    char c;

    g_assert_cmpint(pipe(to_child), ==, 0);
    g_assert_cmpint(pipe(from_child), ==, 0);
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        BlockBackend *blk = open_img(path, "qcow2", BDRV_O_RDWR, NULL);
        c = blk ? 'y' : 'n';
        if (write(from_child[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1) {
            _exit(2);
        }
        _exit(0);
    }
    g_assert_cmpint(read(from_child[0], &c, 1), ==, 1);
    g_assert_cmpint(c, ==, 'y');
    expect_lock_error(path, "qcow2", BDRV_O_RDWR, "Failed to get \"write\" lock");
    g_assert_cmpint(write(to_child[1], "x", 1), ==, 1);
    int status;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    BlockBackend *blk = open_img(path, "qcow2", BDRV_O_RDWR, &error_abort);
    blk_unref(blk);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
}

/* Run qemu-io (QEMU 7.2) with args; its combined output. */
static char *run_qemu_io(const char *const *args, int *status)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    char *out = NULL, *err = NULL;

    g_ptr_array_add(argv, (char *)"/usr/bin/qemu-io");
    for (int i = 0; args[i]; i++) {
        g_ptr_array_add(argv, (char *)args[i]);
    }
    g_ptr_array_add(argv, NULL);
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, 0, NULL, NULL,
                               &out, &err, status, NULL));
    char *all = g_strconcat(out, err, NULL);
    g_free(out);
    g_free(err);
    return all;
}

/* Keel holds the image: QEMU's qemu-io is refused, with -U it reads. */
static void test_qemu_io_refused(void)
{
    if (!have_qcow2()) {
        return;
    }
    if (!g_file_test("/usr/bin/qemu-io", G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("no /usr/bin/qemu-io");
        return;
    }
    g_autofree char *path = make_image("qio.qcow2", "qcow2");
    BlockBackend *w = open_img(path, "qcow2", BDRV_O_RDWR, &error_abort);
    int status;

    const char *rw[] = { "-f", "qcow2", "-c", "read 0 512", path, NULL };
    g_autofree char *out = run_qemu_io(rw, &status);
    g_assert_nonnull(strstr(out, "Failed to get \"write\" lock"));
    g_assert_nonnull(strstr(out, "Is another process using the image"));

    const char *ro[] = { "-r", "-f", "qcow2", "-c", "read 0 512", path, NULL };
    g_autofree char *out2 = run_qemu_io(ro, &status);
    g_assert_nonnull(strstr(out2, "Failed to get shared \"write\" lock"));

    const char *shared[] = { "-r", "-U", "-f", "qcow2", "-c", "read 0 512", path, NULL };
    g_autofree char *out3 = run_qemu_io(shared, &status);
    g_assert_nonnull(strstr(out3, "read 512/512 bytes at offset 0"));
    blk_unref(w);

    g_autofree char *out4 = run_qemu_io(rw, &status);
    g_assert_nonnull(strstr(out4, "read 512/512 bytes at offset 0"));
}

/* Does any process hold an OFD lock on inode ino (/proc/locks)? */
static bool has_ofd_lock(ino_t ino)
{
    g_autofree char *locks = read_file("/proc/locks");
    g_autofree char *needle = g_strdup_printf(":%lu ", (unsigned long)ino);

    for (char *line = locks; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = 0;
        }
        if (strstr(line, "OFDLCK") && strstr(line, needle)) {
            return true;
        }
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

/* qemu-io holds the image open (it waits for commands on stdin): Keel is
 * refused until it quits. */
static void test_qemu_io_holder(void)
{
    if (!have_qcow2()) {
        return;
    }
    if (!g_file_test("/usr/bin/qemu-io", G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("no /usr/bin/qemu-io");
        return;
    }
    g_autofree char *path = make_image("qhold.qcow2", "qcow2");
    char *argv[] = { (char *)"/usr/bin/qemu-io", (char *)"-f", (char *)"qcow2",
                     path, NULL };
    GPid pid;
    int in_fd;
    Error *err = NULL;

    g_assert_true(g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                           G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                           &pid, &in_fd, NULL, NULL, NULL));
    /* Wait until qemu-io holds its locks (watching, not opening: an open
     * of ours at the wrong moment would make qemu-io fail instead). */
    struct stat st;
    g_assert_cmpint(stat(path, &st), ==, 0);
    for (int i = 0; i < 1000 && !has_ofd_lock(st.st_ino); i++) {
        g_usleep(20 * 1000);
    }
    BlockBackend *blk = open_img(path, "qcow2", BDRV_O_RDWR, &err);
    g_assert_null(blk);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to get \"write\" lock");
    error_free(err);
    err = NULL;
    /* A force-share reader still gets in. */
    blk = open_img(path, "qcow2", BDRV_O_FORCE_SHARE, &error_abort);
    blk_unref(blk);

    g_assert_cmpint(write(in_fd, "quit\n", 5), ==, 5);
    close(in_fd);
    int status;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);
    blk = open_img(path, "qcow2", BDRV_O_RDWR, &error_abort);
    blk_unref(blk);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_tmpdir_init("test-block-lock");
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/block/lock/same-process", test_same_process);
    g_test_add_func("/block/lock/raw-shares", test_raw_shares);
    g_test_add_func("/block/lock/hint", test_hint);
    g_test_add_func("/block/lock/forked-holder", test_forked_holder);
    g_test_add_func("/block/lock/qemu-io-refused", test_qemu_io_refused);
    g_test_add_func("/block/lock/qemu-io-holder", test_qemu_io_holder);
    return test_tmpdir_cleanup(g_test_run());
}
