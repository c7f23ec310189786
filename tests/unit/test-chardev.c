/*
 * test-chardev.c: unit tests of the chardev core and the simple backends
 * (null, file, pipe, pty, stdio's terminal handling), option errors and the
 * legacy "-serial" syntax. Sockets and the mux have their own files.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "test-helpers.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>

static void test_null(void)
{
    Chardev *chr = chardev_new("null,id=n0");
    TestFrontend fe;
    g_autoptr(GString) info = g_string_new(NULL);

    g_assert_true(chr == qemu_chr_find("n0"));
    g_assert_cmpstr(qemu_chr_get_label(chr), ==, "n0");
    g_assert_false(qemu_chr_is_mux(chr));
    test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"abc", 3), ==,
                    3);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"abc", 3),
                    ==, 3);
    qemu_chr_info_list(info);
    g_assert_nonnull(strstr(info->str, "n0: filename=null\n"));
    test_fe_detach(&fe, true);
    g_assert_null(qemu_chr_find("n0"));
}

static void test_file_and_logfile(void)
{
    g_autofree char *out = tmp_path("file.out");
    g_autofree char *log = tmp_path("file.log");
    g_autofree char *opts = g_strdup_printf("file,id=f0,path=%s,logfile=%s",
                                            out, log);
    g_autofree char *opts2 = g_strdup_printf(
        "file,id=f1,path=%s,append=on,logfile=%s,logappend=on", out, log);
    g_autofree char *c1 = NULL, *c2 = NULL, *l2 = NULL;
    TestFrontend fe;

    g_assert_true(g_file_set_contents(out, "old contents\n", -1, NULL));
    test_fe_attach(&fe, chardev_new(opts));
    qemu_chr_fe_printf(&fe.be, "hello %d\n", 42);
    c1 = read_file(out);
    g_assert_cmpstr(c1, ==, "hello 42\n");   /* truncated first */
    test_fe_detach(&fe, true);

    test_fe_attach(&fe, chardev_new(opts2));
    qemu_chr_fe_printf(&fe.be, "more\n");
    test_fe_detach(&fe, true);
    c2 = read_file(out);
    g_assert_cmpstr(c2, ==, "hello 42\nmore\n");
    l2 = read_file(log);
    g_assert_cmpstr(l2, ==, "hello 42\nmore\n");
}

static void test_file_errors(void)
{
    chardev_expect_error("file,id=f2", "chardev: file: no filename given");
    chardev_expect_error("file,id=f2,path=/nonexistent-dir/x",
                         "Could not open '/nonexistent-dir/x': "
                         "No such file or directory");
    chardev_expect_error("null,id=f2,logfile=/nonexistent-dir/l",
                         "Could not create '/nonexistent-dir/l': "
                         "No such file or directory");
    g_assert_null(qemu_chr_find("f2"));
}

static void test_pipe_fifos(void)
{
    g_autofree char *base = tmp_path("pipe");
    g_autofree char *in = g_strdup_printf("%s.in", base);
    g_autofree char *out = g_strdup_printf("%s.out", base);
    g_autofree char *opts = g_strdup_printf("pipe,id=p0,path=%s", base);
    char buf[64];
    int fd_in, fd_out;
    ssize_t n;
    TestFrontend fe;

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    test_fe_attach(&fe, chardev_new(opts));
    fd_out = open(out, O_RDONLY | O_NONBLOCK);
    fd_in = open(in, O_WRONLY | O_NONBLOCK);
    g_assert_cmpint(fd_out, >=, 0);
    g_assert_cmpint(fd_in, >=, 0);

    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"to-out", 6),
                    ==, 6);
    n = read(fd_out, buf, sizeof(buf));
    g_assert_cmpint(n, ==, 6);
    g_assert_cmpmem(buf, 6, "to-out", 6);

    g_assert_cmpint(write(fd_in, "from-in", 7), ==, 7);
    WAIT_FOR(fe.in->len >= 7);
    g_assert_cmpstr(fe.in->str, ==, "from-in");

    /* The writer going away is not an EOF for a pipe chardev. */
    close(fd_in);
    for (int i = 0; i < 5; i++) {
        main_loop_wait(true);
    }
    g_assert_cmpint(fe.closed, ==, 0);
    close(fd_out);
    test_fe_detach(&fe, true);

    chardev_expect_error("pipe,id=p1", "chardev: pipe: no device path given");
    chardev_expect_error("pipe,id=p1,path=/nonexistent-dir/p",
                         "Could not open '/nonexistent-dir/p': "
                         "No such file or directory");
}

/* Create a pty chardev, capturing what it prints on stdout. */
static Chardev *pty_new(const char *id, char **printed)
{
    g_autofree char *cap = tmp_path("pty-stdout");
    g_autofree char *opts = g_strdup_printf("pty,id=%s", id);
    int saved = dup(STDOUT_FILENO);
    int fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    Chardev *chr;

    fflush(stdout);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    chr = chardev_new(opts);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    *printed = read_file(cap);
    return chr;
}

static void test_pty(void)
{
    g_autofree char *printed = NULL, *expect = NULL;
    Chardev *chr = pty_new("pty0", &printed);
    const char *name = qemu_chr_get_filename(chr);
    g_autofree char *big = g_malloc0(256 * 1024);
    char buf[64];
    int slave;
    TestFrontend fe;

    g_assert_true(g_str_has_prefix(name, "pty:/dev/pts/"));
    expect = g_strdup_printf("char device redirected to %s (label pty0)\n",
                             name + 4);
    g_assert_cmpstr(printed, ==, expect);

    test_fe_attach(&fe, chr);
    /* Nobody on the slave: a big write is dropped, not stuck. */
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (uint8_t *)big,
                                          256 * 1024), ==, 256 * 1024);
    g_assert_cmpint(fe.opened, ==, 0);

    slave = open(name + 4, O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    WAIT_FOR(fe.opened == 1);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"out", 3),
                    ==, 3);
    g_assert_cmpint(read(slave, buf, sizeof(buf)), ==, 3);
    g_assert_cmpmem(buf, 3, "out", 3);
    g_assert_cmpint(write(slave, "in\n", 3), ==, 3);
    WAIT_FOR(fe.in->len == 3);
    g_assert_cmpstr(fe.in->str, ==, "in\n");

    close(slave);
    WAIT_FOR(fe.closed == 1);
    g_assert_false(qemu_chr_fe_backend_open(&fe.be));
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"x", 1), ==, 1);
    test_fe_detach(&fe, true);
}

static void test_opts_errors(void)
{
    chardev_expect_error("id=x", "chardev: \"x\" missing backend");
    chardev_expect_error("foo,id=x", "'foo' is not a valid char driver name");
    chardev_expect_error("null", "chardev: no id specified");
    chardev_expect_error("null,id=x,bogus=1", "Invalid parameter 'bogus'");
    chardev_expect_error("null,id=x,mux=maybe",
                         "Parameter 'mux' expects 'on' or 'off'");
    g_assert_null(qemu_chr_find("x"));
}

static void test_print_backends(void)
{
    char *text = print_to_string(qemu_chr_print_backends);

    g_assert_true(g_str_has_prefix(text,
                                   "Available chardev backend types: \n"));
    for (const char *const *b = (const char *const[]) {
             "stdio", "pipe", "null", "socket", "file", "pty", NULL }; *b; b++) {
        g_autofree char *line = g_strdup_printf("\n  %s\n", *b);
        g_assert_nonnull(strstr(text, line));
    }
    g_free(text);
}

static void test_legacy_syntax(void)
{
    g_autofree char *file = tmp_path("legacy.out");
    g_autofree char *sock = tmp_path("legacy.sock");
    g_autofree char *f_file = g_strdup_printf("file:%s", file);
    g_autofree char *f_unix = g_strdup_printf("unix:%s,server=on,wait=off",
                                              sock);
    g_autofree char *want_unix = g_strdup_printf(
        "disconnected:unix:%s,server=on", sock);
    const struct {
        const char *label, *filename, *info;
    } ok[] = {
        { "l-null", "null", "null" },
        { "l-file", f_file, "file" },
        { "l-unix", f_unix, want_unix },
        { "l-tcp", "tcp:127.0.0.1:0,server=on,wait=off", NULL },
        { "l-tel", "telnet:127.0.0.1:0,server=on,wait=off", NULL },
    };
    const struct {
        const char *filename, *msg;
    } bad[] = {
        { "bogus", "'bogus' is not a valid char driver" },
        { "tcp:nocolon", "'tcp:nocolon' is not a valid char driver" },
        { "chardev:nope", "Chardev 'nope' not found" },
        { "file:", "Could not open '': No such file or directory" },
        { "tcp:127.0.0.1:0,server=on,wait=off,reconnect=1",
          "'reconnect' option is incompatible with socket in server listen "
          "mode" },
    };
    Chardev *chr;
    Error *err = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        chr = qemu_chr_new(ok[i].label, ok[i].filename, &error_abort);
        g_assert_cmpstr(qemu_chr_get_label(chr), ==, ok[i].label);
        if (ok[i].info) {
            g_assert_cmpstr(qemu_chr_get_filename(chr), ==, ok[i].info);
        }
        g_assert_false(qemu_chr_is_mux(chr));
        g_assert_false(qemu_chr_new_is_mon(ok[i].filename));
    }
    g_assert_true(g_str_has_prefix(
        qemu_chr_get_filename(qemu_chr_find("l-tcp")),
        "disconnected:tcp:127.0.0.1:"));
    g_assert_true(g_str_has_prefix(
        qemu_chr_get_filename(qemu_chr_find("l-tel")),
        "disconnected:telnet:127.0.0.1:"));
    /* The chardev holds its label even though its options are gone. */
    g_assert_null(qemu_chr_new("l-null", "null", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Duplicate ID 'l-null' for chardev");
    error_free(err);
    err = NULL;

    g_assert_true(qemu_chr_new("x", "chardev:l-file", &error_abort) ==
                  qemu_chr_find("l-file"));

    /* mon: makes a mux over the backend, which is "LABEL-base". */
    g_assert_true(qemu_chr_new_is_mon("mon:null"));
    chr = qemu_chr_new("l-mon", "mon:null", &error_abort);
    g_assert_true(qemu_chr_is_mux(chr));
    g_assert_cmpstr(qemu_chr_get_filename(chr), ==, "mux");
    g_assert_nonnull(qemu_chr_find("l-mon-base"));

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        g_assert_null(qemu_chr_new("l-bad", bad[i].filename, &err));
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, bad[i].msg);
        error_free(err);
        err = NULL;
        g_assert_null(qemu_chr_find("l-bad"));
    }
    /* A failed "-serial" leaves no options behind to clash with later. */
    g_assert_cmpint(qemu_opts_count(&qemu_chardev_opts), ==, 0);

    for (const char *const *l = (const char *const[]) {
             "l-null", "l-file", "l-unix", "l-tcp", "l-tel", "l-mon",
             "l-mon-base", NULL }; *l; l++) {
        g_assert_true(qemu_chr_remove(*l, &error_abort));
    }
}

static void test_one_frontend(void)
{
    Chardev *chr = chardev_new("null,id=one");
    Chardev *mux = chardev_new("null,id=many,mux=on");
    CharBackend a = { 0 }, b = { 0 }, m[MAX_MUX + 1] = { 0 };
    Error *err = NULL;

    g_assert_true(qemu_chr_fe_init(&a, chr, &error_abort));
    g_assert_false(qemu_chr_fe_init(&b, chr, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'one' is in use");
    error_free(err);
    err = NULL;
    g_assert_false(qemu_chr_fe_backend_connected(&b));

    /* Busy while attached, free again after deinit. */
    g_assert_false(qemu_chr_remove("one", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Chardev 'one' is busy");
    error_free(err);
    err = NULL;
    qemu_chr_fe_deinit(&a, false);
    g_assert_true(qemu_chr_fe_init(&b, chr, &error_abort));
    g_assert_true(qemu_chr_fe_get_driver(&b) == chr);
    qemu_chr_fe_deinit(&b, true);
    g_assert_null(qemu_chr_find("one"));

    /* The mux's base is taken by the mux itself. */
    g_assert_false(qemu_chr_fe_init(&a, qemu_chr_find("many-base"), &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'many-base' is in use");
    error_free(err);
    err = NULL;
    for (int i = 0; i < MAX_MUX; i++) {
        g_assert_true(qemu_chr_fe_init(&m[i], mux, &error_abort));
    }
    g_assert_false(qemu_chr_fe_init(&m[MAX_MUX], mux, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'many' is in use");
    error_free(err);
    qemu_chr_fe_deinit(&m[1], false);
    g_assert_true(qemu_chr_fe_init(&m[MAX_MUX], mux, &error_abort));
    for (int i = 0; i <= MAX_MUX; i++) {
        qemu_chr_fe_deinit(&m[i], false);
    }
    g_assert_true(qemu_chr_remove("many", &error_abort));
    g_assert_true(qemu_chr_remove("many-base", &error_abort));
}

static void test_cleanup(void)
{
    g_autofree char *out = tmp_path("cleanup.out");
    g_autofree char *opts = g_strdup_printf("file,id=c1,path=%s", out);
    g_autoptr(GString) info = g_string_new(NULL);
    TestFrontend fe;

    chardev_new("null,id=c0");
    test_fe_attach(&fe, chardev_new(opts));
    chardev_new("null,id=c2,mux=on");
    qemu_chr_cleanup();
    g_assert_null(qemu_chr_find("c0"));
    g_assert_null(qemu_chr_find("c1"));
    g_assert_null(qemu_chr_find("c2-base"));
    qemu_chr_info_list(info);
    g_assert_cmpstr(info->str, ==, "");
    /* The frontend outlived its chardev: it now writes to nothing. */
    g_assert_false(qemu_chr_fe_backend_connected(&fe.be));
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"x", 1), ==, 0);
    test_fe_detach(&fe, false);
    /* Ids can be used again. */
    chardev_new("null,id=c0");
    qemu_chr_cleanup();
}

/* In a child whose stdin is a pty slave: make a stdio chardev, then leave
 * by "how". The parent checks the terminal afterwards. */
static void stdio_child(int slave, const char *how)
{
    struct termios tty;
    QemuOpts *opts;

    dup2(slave, STDIN_FILENO);
    opts = qemu_opts_parse(&qemu_chardev_opts,
                           "stdio,id=s0,signal=off", true, NULL);
    if (!opts || !qemu_chr_new_from_opts(opts, NULL)) {
        _exit(10);
    }
    tcgetattr(STDIN_FILENO, &tty);
    if (tty.c_lflag & (ECHO | ICANON | ISIG)) {
        _exit(11);   /* not raw */
    }
    if (!strcmp(how, "cleanup")) {
        qemu_chr_cleanup();
        _exit(0);
    } else if (!strcmp(how, "exit")) {
        exit(0);
    } else if (!strcmp(how, "abort")) {
        abort();
    } else {
        /* SIGILL rather than SIGSEGV: sanitizers take SIGSEGV over and
         * exit instead; the restoring path is the same for all five. */
        raise(SIGILL);
    }
    _exit(12);
}

static void test_stdio_restore(gconstpointer data)
{
    const char *how = data;
    struct termios before, after;
    int master, slave, status;
    char *name;
    pid_t pid;

    master = posix_openpt(O_RDWR | O_NOCTTY);
    g_assert_cmpint(master, >=, 0);
    g_assert_cmpint(grantpt(master), ==, 0);
    g_assert_cmpint(unlockpt(master), ==, 0);
    name = ptsname(master);
    slave = open(name, O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    g_assert_cmpint(tcgetattr(slave, &before), ==, 0);
    g_assert_true(before.c_lflag & ECHO);

    fflush(stdout);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        stdio_child(slave, how);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    if (!strcmp(how, "abort")) {
        g_assert_true(WIFSIGNALED(status));
        g_assert_cmpint(WTERMSIG(status), ==, SIGABRT);
    } else if (!strcmp(how, "sigill")) {
        g_assert_true(WIFSIGNALED(status));
        g_assert_cmpint(WTERMSIG(status), ==, SIGILL);
    } else {
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    }
    g_assert_cmpint(tcgetattr(slave, &after), ==, 0);
    g_assert_cmphex(after.c_lflag, ==, before.c_lflag);
    g_assert_cmphex(after.c_iflag, ==, before.c_iflag);
    close(slave);
    close(master);
}

static void test_stdio_single(void)
{
    Chardev *chr = chardev_new("stdio,id=std0");

    g_assert_cmpstr(qemu_chr_get_filename(chr), ==, "stdio");
    chardev_expect_error("stdio,id=std1",
                         "cannot use stdio by multiple character devices");
    g_assert_true(qemu_chr_remove("std0", &error_abort));
    /* Gone: a new one may take stdio. */
    chr = chardev_new("stdio,id=std1");
    g_assert_true(qemu_chr_remove("std1", &error_abort));
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    test_tmpdir_init("test-chardev");

    g_test_add_func("/chardev/null", test_null);
    g_test_add_func("/chardev/file/output-and-logfile", test_file_and_logfile);
    g_test_add_func("/chardev/file/errors", test_file_errors);
    g_test_add_func("/chardev/pipe/fifos", test_pipe_fifos);
    g_test_add_func("/chardev/pty/round-trip", test_pty);
    g_test_add_func("/chardev/opts/errors", test_opts_errors);
    g_test_add_func("/chardev/opts/help", test_print_backends);
    g_test_add_func("/chardev/legacy-syntax", test_legacy_syntax);
    g_test_add_func("/chardev/one-frontend", test_one_frontend);
    g_test_add_func("/chardev/cleanup", test_cleanup);
    g_test_add_func("/chardev/stdio/single", test_stdio_single);
    g_test_add_data_func("/chardev/stdio/restore/cleanup", "cleanup",
                         test_stdio_restore);
    g_test_add_data_func("/chardev/stdio/restore/exit", "exit",
                         test_stdio_restore);
    g_test_add_data_func("/chardev/stdio/restore/abort", "abort",
                         test_stdio_restore);
    g_test_add_data_func("/chardev/stdio/restore/sigill", "sigill",
                         test_stdio_restore);
    ret = g_test_run();

    qemu_chr_cleanup();
    return test_tmpdir_cleanup(ret);
}
