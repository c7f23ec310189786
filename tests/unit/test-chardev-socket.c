/*
 * test-chardev-socket.c: unit tests of the socket chardev: unix and tcp
 * servers and clients, one peer at a time, reconnecting clients, fd=
 * passing, telnet, and peers that vanish mid-conversation.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "test-helpers.h"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

static int unix_connect(const char *path)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(un.sun_path, path, sizeof(un.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&un, sizeof(un)), ==, 0);
    return fd;
}

static int unix_listen(const char *path)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(un.sun_path, path, sizeof(un.sun_path));
    unlink(path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&un, sizeof(un)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

static int tcp_connect(int port)
{
    struct sockaddr_in in = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(connect(fd, (struct sockaddr *)&in, sizeof(in)), ==, 0);
    return fd;
}

/* A listening socket on 127.0.0.1; *port gets its port. */
static int tcp_listen(int *port)
{
    struct sockaddr_in in = {
        .sin_family = AF_INET,
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    socklen_t len = sizeof(in);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(bind(fd, (struct sockaddr *)&in, sizeof(in)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    getsockname(fd, (struct sockaddr *)&in, &len);
    *port = ntohs(in.sin_port);
    return fd;
}

/* The port of "disconnected:tcp:127.0.0.1:PORT,server=on". */
static int filename_port(Chardev *chr)
{
    const char *f = qemu_chr_get_filename(chr);
    const char *comma = strchr(f, ',');
    const char *colon = comma ? memrchr(f, ':', comma - f) : strrchr(f, ':');

    g_assert_nonnull(colon);
    return atoi(colon + 1);
}

/* Read exactly len bytes from a blocking peer socket, bounded by 10 s. */
static void peer_expect(int fd, const char *want, size_t len)
{
    g_autofree char *buf = g_malloc(len);
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, 10000), ==, 1);
        n = read(fd, buf + got, len - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
    g_assert_cmpmem(buf, len, want, len);
}

static void peer_send(int fd, const char *s)
{
    g_assert_cmpint(write(fd, s, strlen(s)), ==, strlen(s));
}

static void fe_send(TestFrontend *fe, const char *s)
{
    g_assert_cmpint(qemu_chr_fe_write_all(&fe->be, (const uint8_t *)s,
                                          strlen(s)), ==, strlen(s));
}

/* Both directions over a fresh connection. */
static void exchange(TestFrontend *fe, int peer, const char *tag)
{
    g_autofree char *up = g_strdup_printf("up-%s", tag);
    g_autofree char *down = g_strdup_printf("down-%s", tag);

    g_string_truncate(fe->in, 0);
    peer_send(peer, up);
    WAIT_FOR(fe->in->len >= strlen(up));
    g_assert_cmpstr(fe->in->str, ==, up);
    fe_send(fe, down);
    peer_expect(peer, down, strlen(down));
}

static void server_round_trips(TestFrontend *fe, Chardev *chr,
                               int (*connect_fn)(const void *),
                               const void *addr, const char *connected_name)
{
    int c1, c2;

    c1 = connect_fn(addr);
    WAIT_FOR(fe->opened == 1);
    if (connected_name) {
        g_assert_cmpstr(qemu_chr_get_filename(chr), ==, connected_name);
    }
    exchange(fe, c1, "one");

    /* A second client waits while the first is served. */
    c2 = connect_fn(addr);
    peer_send(c2, "queued");
    spin(100);
    g_assert_null(strstr(fe->in->str, "queued"));
    g_assert_cmpint(fe->opened, ==, 1);

    g_string_truncate(fe->in, 0);
    close(c1);
    WAIT_FOR(fe->closed == 1);
    g_assert_true(g_str_has_prefix(qemu_chr_get_filename(chr),
                                   "disconnected:"));
    WAIT_FOR(fe->opened == 2);
    WAIT_FOR(fe->in->len >= 6);
    g_assert_cmpstr(fe->in->str, ==, "queued");
    exchange(fe, c2, "two");
    close(c2);
    WAIT_FOR(fe->closed == 2);

    /* And after that the server is still there for a new client. */
    c1 = connect_fn(addr);
    WAIT_FOR(fe->opened == 3);
    exchange(fe, c1, "three");
    close(c1);
    WAIT_FOR(fe->closed == 3);
}

static int connect_unix_fn(const void *addr)
{
    return unix_connect(addr);
}

static int connect_tcp_fn(const void *addr)
{
    return tcp_connect(*(const int *)addr);
}

static void test_unix_server(void)
{
    g_autofree char *path = tmp_path("server.sock");
    g_autofree char *opts = g_strdup_printf(
        "socket,id=us,path=%s,server=on,wait=off", path);
    g_autofree char *idle = g_strdup_printf(
        "disconnected:unix:%s,server=on", path);
    g_autofree char *busy = g_strdup_printf("unix:%s,server=on", path);
    Chardev *chr;
    TestFrontend fe;

    /* A stale socket file from an earlier run does not stop the server. */
    close(unix_listen(path));
    chr = chardev_new(opts);
    g_assert_cmpstr(qemu_chr_get_filename(chr), ==, idle);
    test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 0);
    g_assert_false(qemu_chr_fe_backend_open(&fe.be));
    /* No peer: output is dropped, not queued or failed. */
    fe_send(&fe, "nobody hears this");
    server_round_trips(&fe, chr, connect_unix_fn, path, busy);
    test_fe_detach(&fe, true);
}

static void test_tcp_server(void)
{
    Chardev *chr = chardev_new("socket,id=ts,host=127.0.0.1,port=0,"
                               "server=on,wait=off,nodelay=on");
    int port = filename_port(chr);
    TestFrontend fe;

    g_assert_true(g_str_has_prefix(qemu_chr_get_filename(chr),
                                   "disconnected:tcp:127.0.0.1:"));
    g_assert_true(g_str_has_suffix(qemu_chr_get_filename(chr), ",server=on"));
    g_assert_cmpint(port, >, 0);
    test_fe_attach(&fe, chr);
    server_round_trips(&fe, chr, connect_tcp_fn, &port, NULL);
    test_fe_detach(&fe, true);
}

static void test_tcp_server_port_in_use(void)
{
    int port;
    int fd = tcp_listen(&port);
    g_autofree char *opts = g_strdup_printf(
        "socket,id=tu,host=127.0.0.1,port=%d,server=on,wait=off", port);
    g_autofree char *range = g_strdup_printf(
        "socket,id=tu,host=127.0.0.1,port=%d,to=%d,server=on,wait=off",
        port, port + 20);
    Chardev *chr;

    chardev_expect_error(opts, "Failed to find an available port: "
                         "Address already in use");
    /* to= tries the next ports. */
    chr = chardev_new(range);
    g_assert_cmpint(filename_port(chr), >, port);
    g_assert_true(qemu_chr_remove("tu", &error_abort));
    close(fd);
}

static gpointer late_client(gpointer data)
{
    const char *path = data;

    /* The socket appears once the chardev has bound it. */
    for (int i = 0; i < 1000; i++) {
        struct sockaddr_un un = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        g_strlcpy(un.sun_path, path, sizeof(un.sun_path));
        if (connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0) {
            return GINT_TO_POINTER(fd);
        }
        close(fd);
        g_usleep(10000);
    }
    return GINT_TO_POINTER(-1);
}

static void test_server_wait(void)
{
    g_autofree char *path = tmp_path("wait.sock");
    g_autofree char *opts = g_strdup_printf(
        "socket,id=uw,path=%s,server=on", path);
    g_autofree char *cap = tmp_path("wait.stderr");
    g_autofree char *printed = NULL;
    g_autofree char *msg = g_strdup_printf(
        "info: QEMU waiting for connection on: disconnected:unix:%s,"
        "server=on\n", path);
    GThread *th;
    Chardev *chr;
    TestFrontend fe;
    int saved, fd, peer;

    th = g_thread_new("client", late_client, path);
    saved = dup(STDERR_FILENO);
    fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDERR_FILENO);
    close(fd);
    chr = chardev_new(opts);   /* returns once the client is in */
    dup2(saved, STDERR_FILENO);
    close(saved);
    peer = GPOINTER_TO_INT(g_thread_join(th));
    g_assert_cmpint(peer, >=, 0);

    g_assert_true(g_file_get_contents(cap, &printed, NULL, NULL));
    g_assert_true(g_str_has_suffix(printed, msg));
    test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 1);   /* already connected */
    exchange(&fe, peer, "wait");
    close(peer);
    WAIT_FOR(fe.closed == 1);
    test_fe_detach(&fe, true);
}

static void on_sigusr2(int sig)
{
}

static int stop_interrupting;

/* Repeat until the main thread is out of the wait: a signal that came
 * before it started polling would be lost. */
static gpointer interrupt_main(gpointer data)
{
    while (!g_atomic_int_get(&stop_interrupting)) {
        g_usleep(50 * 1000);
        pthread_kill(*(pthread_t *)data, SIGUSR2);
    }
    return NULL;
}

static void test_server_wait_interrupted(void)
{
    g_autofree char *path = tmp_path("wait-int.sock");
    g_autofree char *opts = g_strdup_printf(
        "socket,id=ui,path=%s,server=on", path);
    g_autofree char *idle = g_strdup_printf(
        "disconnected:unix:%s,server=on", path);
    struct sigaction act = { .sa_handler = on_sigusr2 }, old;
    pthread_t self = pthread_self();
    GThread *th;
    Chardev *chr;
    TestFrontend fe;
    int peer, saved, devnull;

    /* Ctrl-C while waiting must not leave us stuck in the wait: creation
     * returns and the main loop gets to serve the shutdown. */
    sigaction(SIGUSR2, &act, &old);
    saved = dup(STDERR_FILENO);
    devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    close(devnull);
    g_atomic_int_set(&stop_interrupting, 0);
    th = g_thread_new("interrupt", interrupt_main, &self);
    chr = chardev_new(opts);
    g_atomic_int_set(&stop_interrupting, 1);
    dup2(saved, STDERR_FILENO);
    close(saved);
    g_thread_join(th);
    sigaction(SIGUSR2, &old, NULL);

    g_assert_cmpstr(qemu_chr_get_filename(chr), ==, idle);
    test_fe_attach(&fe, chr);
    g_assert_cmpint(fe.opened, ==, 0);
    peer = unix_connect(path);
    WAIT_FOR(fe.opened == 1);
    exchange(&fe, peer, "late");
    close(peer);
    test_fe_detach(&fe, true);
}

static void test_client(void)
{
    g_autofree char *path = tmp_path("client.sock");
    g_autofree char *uopts = g_strdup_printf("socket,id=uc,path=%s", path);
    g_autofree char *topts = NULL;
    g_autofree char *uerr = g_strdup_printf(
        "Failed to connect to '%s': No such file or directory", path);
    g_autofree char *terr = NULL;
    int lfd, port, peer;
    TestFrontend fe;

    chardev_expect_error(uopts, uerr);

    lfd = unix_listen(path);
    test_fe_attach(&fe, chardev_new(uopts));
    g_assert_cmpint(fe.opened, ==, 1);
    g_assert_cmpstr(qemu_chr_get_filename(qemu_chr_find("uc")), ==, "unix:");
    peer = accept(lfd, NULL, NULL);
    exchange(&fe, peer, "unix-client");
    /* Without reconnect=, a closed server stays closed. */
    close(peer);
    WAIT_FOR(fe.closed == 1);
    spin(50);
    g_assert_cmpint(fe.opened, ==, 1);
    fe_send(&fe, "dropped");
    test_fe_detach(&fe, true);
    close(lfd);

    lfd = tcp_listen(&port);
    topts = g_strdup_printf("socket,id=tc,host=127.0.0.1,port=%d", port);
    test_fe_attach(&fe, chardev_new(topts));
    g_assert_true(g_str_has_prefix(qemu_chr_get_filename(qemu_chr_find("tc")),
                                   "tcp:127.0.0.1:"));
    peer = accept(lfd, NULL, NULL);
    exchange(&fe, peer, "tcp-client");
    close(peer);
    test_fe_detach(&fe, true);
    close(lfd);

    /* Nobody listens there any more. */
    terr = g_strdup_printf("Failed to connect to '127.0.0.1:%d': "
                           "Connection refused", port);
    chardev_expect_error(topts, terr);
}

static void test_client_reconnect(void)
{
    g_autofree char *path = tmp_path("reconnect.sock");
    g_autofree char *opts = g_strdup_printf(
        "socket,id=rc,path=%s,reconnect=1", path);
    int lfd, peer;
    TestFrontend fe;

    /* No server yet: creation succeeds, the connection comes later. */
    unlink(path);
    test_fe_attach(&fe, chardev_new(opts));
    g_assert_cmpint(fe.opened, ==, 0);
    lfd = unix_listen(path);
    WAIT_FOR(fe.opened == 1);
    peer = accept(lfd, NULL, NULL);
    exchange(&fe, peer, "first");

    /* The server restarts: the client finds it again. */
    close(peer);
    close(lfd);
    WAIT_FOR(fe.closed == 1);
    spin(100);
    lfd = unix_listen(path);
    WAIT_FOR(fe.opened == 2);
    peer = accept(lfd, NULL, NULL);
    exchange(&fe, peer, "second");
    close(peer);
    close(lfd);
    test_fe_detach(&fe, true);
}

static void test_fd_passing(void)
{
    g_autofree char *path = tmp_path("fd.sock");
    int lfd = unix_listen(path);
    g_autofree char *opts = g_strdup_printf(
        "socket,id=fs,fd=%d,server=on,wait=off", lfd);
    g_autofree char *notsock = NULL;
    int pipefd[2];
    int peer;
    TestFrontend fe;

    test_fe_attach(&fe, chardev_new(opts));
    g_assert_cmpint(fe.opened, ==, 0);
    peer = unix_connect(path);
    WAIT_FOR(fe.opened == 1);
    exchange(&fe, peer, "fd");
    close(peer);
    WAIT_FOR(fe.closed == 1);
    test_fe_detach(&fe, true);   /* closes lfd: the chardev owned it */

    g_assert_cmpint(pipe(pipefd), ==, 0);
    notsock = g_strdup_printf("socket,id=fs,fd=%d,server=on,wait=off",
                              pipefd[0]);
    g_autofree char *msg = g_strdup_printf(
        "File descriptor '%d' is not a socket", pipefd[0]);
    chardev_expect_error(notsock, msg);
    close(pipefd[0]);
    close(pipefd[1]);
    chardev_expect_error("socket,id=fs,fd=abc", "Unable to parse FD number abc");
}

static void test_vanished_peer(void)
{
    Chardev *chr = chardev_new("socket,id=vp,host=127.0.0.1,port=0,"
                               "server=on,wait=off");
    int port = filename_port(chr);
    g_autofree uint8_t *big = g_malloc0(1024 * 1024);
    struct linger lg = { .l_onoff = 1, .l_linger = 0 };
    void (*old)(int);
    TestFrontend fe;
    int peer;

    test_fe_attach(&fe, chr);
    peer = tcp_connect(port);
    WAIT_FOR(fe.opened == 1);
    /* A reset, not a polite close: the next writes get EPIPE/ECONNRESET. */
    setsockopt(peer, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(peer);
    /* Even with SIGPIPE fatal (a tool without our main loop), writes to a
     * dead peer only end the connection. */
    old = signal(SIGPIPE, SIG_DFL);
    for (int i = 0; i < 4; i++) {
        int n = qemu_chr_fe_write_all(&fe.be, big, 1024 * 1024);
        g_assert_true(n == 1024 * 1024 || n == -1);
    }
    signal(SIGPIPE, old);
    WAIT_FOR(fe.closed == 1);
    /* Ready for the next client. */
    peer = tcp_connect(port);
    WAIT_FOR(fe.opened == 2);
    exchange(&fe, peer, "after");
    close(peer);
    test_fe_detach(&fe, true);
}

static void test_telnet(void)
{
    static const uint8_t negotiation[] = { 255, 251, 1, 255, 251, 3,
                                           255, 254, 34 };
    Chardev *chr = chardev_new("socket,id=tn,host=127.0.0.1,port=0,"
                               "server=on,wait=off,telnet=on");
    int port = filename_port(chr);
    TestFrontend fe;
    int peer;

    g_assert_true(g_str_has_prefix(qemu_chr_get_filename(chr),
                                   "disconnected:telnet:127.0.0.1:"));
    test_fe_attach(&fe, chr);
    peer = tcp_connect(port);
    WAIT_FOR(fe.opened == 1);
    peer_expect(peer, (const char *)negotiation, sizeof(negotiation));
    /* Commands are stripped, IAC IAC is a data 0xff, IAC BRK a break. */
    g_assert_cmpint(write(peer, "a\xff\xfd\x01" "b\xff\xff" "c\xff\xf3", 10),
                    ==, 10);
    WAIT_FOR(fe.breaks == 1);
    g_assert_cmpint(fe.in->len, ==, 4);
    g_assert_cmpmem(fe.in->str, 4, "ab\xff" "c", 4);
    close(peer);
    test_fe_detach(&fe, true);
}

static void test_option_errors(void)
{
    chardev_expect_error("socket,id=e,path=/x,host=h",
                         "None or one of 'path', 'fd' or 'host' option "
                         "required.");
    chardev_expect_error("socket,id=e,host=127.0.0.1",
                         "chardev: socket: no port given");
    chardev_expect_error("socket,id=e", "Unable to parse FD number ");
    chardev_expect_error("socket,id=e,path=/x,server=on,reconnect=1",
                         "'reconnect' option is incompatible with socket "
                         "in server listen mode");
    chardev_expect_error("socket,id=e,path=/x,wait=off",
                         "'wait' option is incompatible with socket in "
                         "client connect mode");
    chardev_expect_error("socket,id=e,path=/nonexistent-dir/s,server=on,"
                         "wait=off",
                         "Failed to bind socket to /nonexistent-dir/s: "
                         "No such file or directory");
    g_assert_null(qemu_chr_find("e"));
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    test_tmpdir_init("test-chardev-socket");

    g_test_add_func("/chardev/socket/unix-server", test_unix_server);
    g_test_add_func("/chardev/socket/tcp-server", test_tcp_server);
    g_test_add_func("/chardev/socket/tcp-server-port-in-use",
                    test_tcp_server_port_in_use);
    g_test_add_func("/chardev/socket/server-wait", test_server_wait);
    g_test_add_func("/chardev/socket/server-wait-interrupted",
                    test_server_wait_interrupted);
    g_test_add_func("/chardev/socket/client", test_client);
    g_test_add_func("/chardev/socket/client-reconnect",
                    test_client_reconnect);
    g_test_add_func("/chardev/socket/fd-passing", test_fd_passing);
    g_test_add_func("/chardev/socket/vanished-peer", test_vanished_peer);
    g_test_add_func("/chardev/socket/telnet", test_telnet);
    g_test_add_func("/chardev/socket/option-errors", test_option_errors);
    ret = g_test_run();

    qemu_chr_cleanup();
    return test_tmpdir_cleanup(ret);
}
