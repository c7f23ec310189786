/*
 * char-socket.c: the "socket" backend: unix (path=) and tcp (host=, port=)
 * stream sockets, as a client (optionally reconnecting) or a server that
 * serves one peer at a time, or an fd passed by the parent (fd=). Telnet
 * negotiation is minimal: enough for telnet(1) to go to character mode.
 * Input is read with recvmsg() so that fds a QMP client passes with
 * SCM_RIGHTS (getfd, add-fd) are kept for qemu_chr_socket_take_fd().
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "monitor/qmp-fds.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* Bytes read at once; fds kept at most (more are closed at once). */
#define TCP_READ_MAX 4096
#define TCP_MAX_FDS 16

/* Telnet protocol bytes (RFC 854, 857, 858, 1184). */
#define IAC   255
#define DONT  254
#define DO    253
#define WONT  252
#define WILL  251
#define SB    250
#define BRK   243
#define SE    240
#define TELOPT_ECHO     1
#define TELOPT_SGA      3
#define TELOPT_LINEMODE 34

typedef enum TelnetState {
    TN_DATA,
    TN_IAC,        /* got IAC */
    TN_OPTION,     /* got IAC WILL/WONT/DO/DONT: one option byte follows */
    TN_SUB,        /* inside IAC SB ... */
    TN_SUB_IAC,    /* IAC inside a subnegotiation */
} TelnetState;

typedef struct SocketChardev {
    Chardev parent;
    bool is_unix;
    bool is_listen;
    bool is_telnet;
    bool nodelay;
    int64_t reconnect;        /* seconds; 0: no reconnection */
    char *path;
    char *host;
    char *port;
    int port_to;              /* to=: last port tried by a server */
    int family;               /* AF_UNSPEC, AF_INET or AF_INET6 */
    int listen_fd;
    int fd;                   /* the connected peer, or -1 */
    char *addr_str;           /* "unix:/x" / "tcp:h:p": the disconnected name */
    bool rd_active;           /* reading wanted (a peer, not at EOF) */
    bool rd_registered;       /* read handler installed in the main loop */
    int msgfds[TCP_MAX_FDS];  /* SCM_RIGHTS fds not taken yet, oldest first */
    int msgfds_num;
    QEMUTimer *reconnect_timer;
    bool connect_err_reported;
    TelnetState tn_state;
} SocketChardev;

static void tcp_chr_update_filename(SocketChardev *s);
static void tcp_chr_disconnect(SocketChardev *s);
static void tcp_chr_filter(Chardev *chr, const uint8_t *buf, int len);

/*
 * Reading: flow-controlled like char-fd.c's reader, but with recvmsg() so
 * that ancillary fds are not lost.
 */
static void tcp_chr_read_ready(void *opaque);

static void tcp_chr_read_sync(SocketChardev *s)
{
    bool want = s->rd_active && s->fd >= 0 &&
                qemu_chr_be_can_write(&s->parent) > 0;

    if (want != s->rd_registered) {
        qemu_set_fd_handler(s->fd, want ? tcp_chr_read_ready : NULL, NULL, s);
        s->rd_registered = want;
    }
}

static void tcp_chr_read_start(SocketChardev *s)
{
    s->rd_active = true;
    tcp_chr_read_sync(s);
}

static void tcp_chr_read_stop(SocketChardev *s)
{
    s->rd_active = false;
    tcp_chr_read_sync(s);
}

static void tcp_chr_drop_msgfds(SocketChardev *s)
{
    for (int i = 0; i < s->msgfds_num; i++) {
        close(s->msgfds[i]);
    }
    s->msgfds_num = 0;
}

/* Keep the fds of every SCM_RIGHTS message; beyond the limit, close them. */
static void tcp_chr_keep_msgfds(SocketChardev *s, struct msghdr *msg)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        size_t n;
        int *fds;

        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
            c->cmsg_len < CMSG_LEN(0)) {
            continue;
        }
        n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        fds = (int *)CMSG_DATA(c);
        for (size_t i = 0; i < n; i++) {
            if (s->msgfds_num < TCP_MAX_FDS) {
                s->msgfds[s->msgfds_num++] = fds[i];
            } else {
                close(fds[i]);
            }
        }
    }
}

static void tcp_chr_read_ready(void *opaque)
{
    SocketChardev *s = opaque;
    uint8_t buf[TCP_READ_MAX];
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * TCP_MAX_FDS)];
    } ctl;
    struct iovec iov;
    struct msghdr msg = { 0 };
    int can = qemu_chr_be_can_write(&s->parent);
    ssize_t n;

    if (can <= 0) {
        /* The frontend filled up: stop polling until accept_input. */
        tcp_chr_read_sync(s);
        return;
    }
    iov.iov_base = buf;
    iov.iov_len = MIN(can, (int)sizeof(buf));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &ctl;
    msg.msg_controllen = sizeof(ctl);
    n = recvmsg(s->fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n >= 0) {
        tcp_chr_keep_msgfds(s, &msg);
    }
    if (n <= 0) {
        tcp_chr_disconnect(s);
        return;
    }
    if (s->is_telnet) {
        tcp_chr_filter(&s->parent, buf, n);
    } else {
        qemu_chr_be_write(&s->parent, buf, n);
    }
    /* The frontend may be full now, or the peer gone. */
    if (s->rd_active) {
        tcp_chr_read_sync(s);
    }
}

int qemu_chr_socket_take_fd(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;
    int fd;

    if (!chr || chr->drv != &chardev_socket_driver || s->msgfds_num == 0) {
        return -1;
    }
    fd = s->msgfds[0];
    s->msgfds_num--;
    memmove(s->msgfds, s->msgfds + 1, s->msgfds_num * sizeof(int));
    return fd;
}

/* "host:port" of a socket address, numeric; "[v6]:port" for IPv6. */
static char *tcp_chr_addr_to_str(const struct sockaddr *sa, socklen_t len)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
        size_t n = len > offsetof(struct sockaddr_un, sun_path) ?
                   len - offsetof(struct sockaddr_un, sun_path) : 0;
        return g_strdup_printf("unix:%.*s", (int)strnlen(un->sun_path, n),
                               un->sun_path);
    }
    if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return g_strdup("?:?");
    }
    if (sa->sa_family == AF_INET6) {
        return g_strdup_printf("[%s]:%s", host, serv);
    }
    return g_strdup_printf("%s:%s", host, serv);
}

/*
 * Connection life cycle.
 */

static void tcp_chr_accept(void *opaque);

static void tcp_chr_listen_handler(SocketChardev *s, bool on)
{
    if (s->listen_fd >= 0) {
        qemu_set_fd_handler(s->listen_fd, on ? tcp_chr_accept : NULL, NULL,
                            s);
    }
}

static void tcp_chr_arm_reconnect(SocketChardev *s)
{
    if (s->reconnect > 0) {
        timer_mod(s->reconnect_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_REALTIME) +
                  s->reconnect * 1000);
    }
}

static void tcp_chr_disconnect(SocketChardev *s)
{
    if (s->fd < 0) {
        return;
    }
    tcp_chr_read_stop(s);
    close(s->fd);
    s->fd = -1;
    /* What the peer passed and nobody took goes with it. */
    tcp_chr_drop_msgfds(s);
    tcp_chr_update_filename(s);
    if (s->is_listen) {
        /* Whoever waits in the backlog is next. */
        tcp_chr_listen_handler(s, true);
    }
    tcp_chr_arm_reconnect(s);
    qemu_chr_be_event(&s->parent, CHR_EVENT_CLOSED);
}

/* Adopt a connected socket; emit_open: tell the frontend now (at creation
 * the core does it once the chardev is registered). */
static void tcp_chr_new_client(SocketChardev *s, int fd, bool emit_open)
{
    static const uint8_t telnet_init[] = {
        IAC, WILL, TELOPT_ECHO,
        IAC, WILL, TELOPT_SGA,
        IAC, DONT, TELOPT_LINEMODE,
    };
    int one = 1;

    s->fd = fd;
    char_fd_set_nonblock(fd, true);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (s->nodelay && !s->is_unix) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (s->is_listen) {
        /* One peer at a time: later ones wait in the backlog. */
        tcp_chr_listen_handler(s, false);
    }
    timer_del(s->reconnect_timer);
    s->connect_err_reported = false;
    s->tn_state = TN_DATA;
    if (s->is_telnet) {
        char_fd_write(fd, telnet_init, sizeof(telnet_init), true);
    }
    tcp_chr_update_filename(s);
    tcp_chr_read_start(s);
    if (emit_open) {
        qemu_chr_be_event(&s->parent, CHR_EVENT_OPENED);
    }
}

static void tcp_chr_accept(void *opaque)
{
    SocketChardev *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd < 0) {
        return;
    }
    if (s->fd >= 0) {
        close(fd);
        return;
    }
    tcp_chr_new_client(s, fd, true);
}

/*
 * Block until a client connects (server with wait=on). A signal (Ctrl-C,
 * SIGTERM) ends the wait: the server goes on listening from the main loop,
 * which then serves the shutdown request the signal handler recorded.
 */
static bool tcp_chr_wait_connected(SocketChardev *s, Error **errp)
{
    struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };
    int fd;

    info_report("QEMU waiting for connection on: %s", s->parent.filename);
    for (;;) {
        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR) {
                tcp_chr_listen_handler(s, true);
                return true;
            }
            error_setg_errno(errp, errno, "Failed to accept connection");
            return false;
        }
        fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
            tcp_chr_new_client(s, fd, false);
            return true;
        }
        if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
            error_setg_errno(errp, errno, "Failed to accept connection");
            return false;
        }
    }
}

/*
 * Addresses.
 */

static bool tcp_chr_unix_addr(const char *path, struct sockaddr_un *un,
                              Error **errp)
{
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(un->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return false;
    }
    strcpy(un->sun_path, path);
    return true;
}

static struct addrinfo *tcp_chr_resolve(SocketChardev *s, const char *port,
                                        bool passive, Error **errp)
{
    struct addrinfo hints = {
        .ai_family = s->family,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE : 0,
    };
    struct addrinfo *res = NULL;
    const char *host = s->host && s->host[0] ? s->host : NULL;
    int rc = getaddrinfo(host, port, &hints, &res);

    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   s->host ? s->host : "", port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

/* Returns a connected blocking socket, or -1 with errp set. */
static int tcp_chr_connect_sync(SocketChardev *s, Error **errp)
{
    int fd, err = 0;

    if (s->is_unix) {
        struct sockaddr_un un;

        if (!tcp_chr_unix_addr(s->path, &un, errp)) {
            return -1;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error_setg_errno(errp, errno, "Failed to create socket");
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0) {
            return fd;
        }
        error_setg_errno(errp, errno, "Failed to connect to '%s'", s->path);
        close(fd);
        return -1;
    }

    struct addrinfo *res = tcp_chr_resolve(s, s->port, false, errp);
    if (!res) {
        return -1;
    }
    fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, err, "Failed to connect to '%s:%s'",
                         s->host, s->port);
    }
    return fd;
}

static bool tcp_chr_listen_unix(SocketChardev *s, Error **errp)
{
    struct sockaddr_un un;

    if (!tcp_chr_unix_addr(s->path, &un, errp)) {
        return false;
    }
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return false;
    }
    /* A stale socket file from an earlier run would make bind fail. */
    unlink(s->path);
    if (bind(s->listen_fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s", s->path);
        return false;
    }
    if (listen(s->listen_fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        return false;
    }
    return true;
}

static bool tcp_chr_listen_tcp(SocketChardev *s, Error **errp)
{
    char *end;
    long first = strtol(s->port, &end, 10);
    long last = s->port_to > 0 ? s->port_to : first;
    int err = EADDRINUSE;

    if (*end || first < 0 || first > 65535 || last < first) {
        /* A service name: no range. */
        first = last = -1;
    }
    for (long p = first; p <= last; p++) {
        g_autofree char *port = p < 0 ? g_strdup(s->port)
                                      : g_strdup_printf("%ld", p);
        struct addrinfo *res = tcp_chr_resolve(s, port, true, errp);

        if (!res) {
            return false;
        }
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                            ai->ai_protocol);
            int one = 1, v6only = s->family == AF_INET6;

            if (fd < 0) {
                err = errno;
                continue;
            }
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (ai->ai_family == AF_INET6) {
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
                           sizeof(v6only));
            }
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                listen(fd, 1) == 0) {
                s->listen_fd = fd;
                freeaddrinfo(res);
                return true;
            }
            err = errno;
            close(fd);
        }
        freeaddrinfo(res);
    }
    error_setg_errno(errp, err, "Failed to find an available port");
    return false;
}

static void tcp_chr_update_filename(SocketChardev *s)
{
    Chardev *chr = &s->parent;
    const char *server = s->is_listen ? ",server=on" : "";
    struct sockaddr_storage local, peer;
    socklen_t llen = sizeof(local), plen = sizeof(peer);
    g_autofree char *l = NULL, *p = NULL;

    if (s->fd < 0) {
        qemu_chr_set_filename(chr, "disconnected:%s%s", s->addr_str, server);
        return;
    }
    if (s->is_unix) {
        if (s->is_listen) {
            qemu_chr_set_filename(chr, "unix:%s%s", s->path, server);
        } else if (getsockname(s->fd, (struct sockaddr *)&local, &llen) == 0) {
            /* QEMU shows our own (unnamed) end: "unix:". */
            l = tcp_chr_addr_to_str((struct sockaddr *)&local, llen);
            qemu_chr_set_filename(chr, "%s", l);
        } else {
            qemu_chr_set_filename(chr, "unix:");
        }
        return;
    }
    if (getsockname(s->fd, (struct sockaddr *)&local, &llen) < 0 ||
        getpeername(s->fd, (struct sockaddr *)&peer, &plen) < 0) {
        qemu_chr_set_filename(chr, "%s%s", s->addr_str, server);
        return;
    }
    l = tcp_chr_addr_to_str((struct sockaddr *)&local, llen);
    p = tcp_chr_addr_to_str((struct sockaddr *)&peer, plen);
    qemu_chr_set_filename(chr, "%s:%s%s <-> %s",
                          s->is_telnet ? "telnet" : "tcp", l, server, p);
}

/* The name a server shows while waiting: its real bound address. */
static void tcp_chr_set_listen_addr(SocketChardev *s)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    g_autofree char *a = NULL;

    if (s->is_unix || getsockname(s->listen_fd, (struct sockaddr *)&ss,
                                  &len) < 0) {
        return;
    }
    a = tcp_chr_addr_to_str((struct sockaddr *)&ss, len);
    g_free(s->addr_str);
    s->addr_str = g_strdup_printf("%s:%s", s->is_telnet ? "telnet" : "tcp",
                                  a);
}

/*
 * Reconnecting clients.
 */

static bool tcp_chr_try_connect(SocketChardev *s, bool emit_open)
{
    Error *err = NULL;
    int fd = tcp_chr_connect_sync(s, &err);

    if (fd < 0) {
        /* Report once per outage, not every retry. */
        if (!s->connect_err_reported) {
            error_report("Unable to connect character device %s: %s",
                         s->parent.label, error_get_pretty(err));
            s->connect_err_reported = true;
        }
        error_free(err);
        tcp_chr_arm_reconnect(s);
        return false;
    }
    tcp_chr_new_client(s, fd, emit_open);
    return true;
}

static void tcp_chr_reconnect(void *opaque)
{
    SocketChardev *s = opaque;

    if (s->fd < 0) {
        tcp_chr_try_connect(s, true);
    }
}

/*
 * fd= from the parent process.
 */

static bool tcp_chr_open_fd(SocketChardev *s, const char *fdstr,
                            bool *connected, Error **errp)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    struct stat st;
    int fd, listening = 0;
    socklen_t optlen = sizeof(listening);
    char *end;
    long v;

    errno = 0;
    v = strtol(fdstr, &end, 10);
    if (!*fdstr || *end || errno || v < 0 || v > INT_MAX) {
        error_setg(errp, "Unable to parse FD number %s", fdstr);
        return false;
    }
    fd = v;
    if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        error_setg(errp, "File descriptor '%d' is not a socket", fd);
        return false;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        error_setg_errno(errp, errno, "Unable to query socket %d", fd);
        return false;
    }
    s->is_unix = ss.ss_family == AF_UNIX;
    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (s->is_unix) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
        s->path = g_strndup(un->sun_path, sizeof(un->sun_path));
    }
    g_autofree char *a = tcp_chr_addr_to_str((struct sockaddr *)&ss, len);
    s->addr_str = s->is_unix ? g_strdup(a) : g_strdup_printf("tcp:%s", a);
    if (listening) {
        s->is_listen = true;
        s->listen_fd = fd;
        *connected = false;
    } else {
        s->is_listen = false;
        tcp_chr_new_client(s, fd, false);
        *connected = true;
    }
    return true;
}

/*
 * Driver.
 */

static void tcp_chr_close(Chardev *chr);

static bool tcp_chr_open_inner(Chardev *chr, QemuOpts *opts, bool *be_opened,
                               Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    const char *fdstr = qemu_opt_get(opts, "fd");
    bool is_listen = qemu_opt_get_bool(opts, "server", false);
    bool is_wait = qemu_opt_get_bool(opts, "wait", true);
    bool ipv4 = qemu_opt_get_bool(opts, "ipv4", false);
    bool ipv6 = qemu_opt_get_bool(opts, "ipv6", false);
    bool connected = false;

    s->listen_fd = -1;
    s->fd = -1;
    s->reconnect_timer = timer_new_ms(QEMU_CLOCK_REALTIME, tcp_chr_reconnect,
                                      s);

    if (!!path + !!host + !!fdstr > 1) {
        error_setg(errp,
                   "None or one of 'path', 'fd' or 'host' option required.");
        return false;
    }
    if (host && !port) {
        error_setg(errp, "chardev: socket: no port given");
        return false;
    }
    s->reconnect = qemu_opt_get_number(opts, "reconnect", 0);
    if (is_listen && s->reconnect) {
        error_setg(errp, "'reconnect' option is incompatible with socket in "
                   "server listen mode");
        return false;
    }
    if (!is_listen && qemu_opt_has(opts, "wait")) {
        error_setg(errp, "'wait' option is incompatible with socket in "
                   "client connect mode");
        return false;
    }
    s->is_listen = is_listen;
    s->is_telnet = qemu_opt_get_bool(opts, "telnet", false);
    s->nodelay = qemu_opt_get_bool(opts, "nodelay",
                                   !qemu_opt_get_bool(opts, "delay", true));
    s->family = ipv4 && !ipv6 ? AF_INET : ipv6 && !ipv4 ? AF_INET6
                                                        : AF_UNSPEC;
    s->port_to = qemu_opt_get_number(opts, "to", 0);

    if (!path && !host) {
        /* As in QEMU, a socket with neither address is an fd= socket. */
        if (!tcp_chr_open_fd(s, fdstr ? fdstr : "", &connected, errp)) {
            return false;
        }
    } else if (path) {
        s->is_unix = true;
        s->path = g_strdup(path);
        s->addr_str = g_strdup_printf("unix:%s", path);
    } else {
        s->host = g_strdup(host);
        s->port = g_strdup(port);
        s->addr_str = g_strdup_printf("%s:%s:%s",
                                      s->is_telnet ? "telnet" : "tcp",
                                      host, port);
    }

    if (s->is_listen) {
        if (s->listen_fd < 0 &&
            !(s->is_unix ? tcp_chr_listen_unix(s, errp)
                         : tcp_chr_listen_tcp(s, errp))) {
            return false;
        }
        tcp_chr_set_listen_addr(s);
        tcp_chr_update_filename(s);
        if (is_wait) {
            if (!tcp_chr_wait_connected(s, errp)) {
                return false;
            }
        } else {
            tcp_chr_listen_handler(s, true);
        }
    } else if (!connected) {
        tcp_chr_update_filename(s);
        if (s->reconnect) {
            tcp_chr_try_connect(s, false);
        } else {
            int fd = tcp_chr_connect_sync(s, errp);
            if (fd < 0) {
                return false;
            }
            tcp_chr_new_client(s, fd, false);
        }
    }
    *be_opened = s->fd >= 0;
    return true;
}

static bool tcp_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                         Error **errp)
{
    if (!tcp_chr_open_inner(chr, opts, be_opened, errp)) {
        /* The core frees only the struct. */
        tcp_chr_close(chr);
        return false;
    }
    return true;
}

static int tcp_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;
    int n;

    if (s->fd < 0) {
        return len;   /* nobody to hear it */
    }
    n = char_fd_write(s->fd, buf, len, true);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
        /* EPIPE, ECONNRESET...: the peer is gone, the data with it. */
        tcp_chr_disconnect(s);
        return len;
    }
    return n;
}

static int tcp_chr_out_fd(Chardev *chr)
{
    return ((SocketChardev *)chr)->fd;
}

static void tcp_chr_update_read(Chardev *chr)
{
    tcp_chr_read_sync((SocketChardev *)chr);
}

static void tcp_chr_close(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    tcp_chr_read_stop(s);
    if (s->fd >= 0) {
        close(s->fd);
    }
    tcp_chr_drop_msgfds(s);
    if (s->listen_fd >= 0) {
        tcp_chr_listen_handler(s, false);
        close(s->listen_fd);
    }
    timer_free(s->reconnect_timer);
    g_free(s->path);
    g_free(s->host);
    g_free(s->port);
    g_free(s->addr_str);
}

/* Strip telnet commands from the input; IAC BRK becomes a break event. */
static void tcp_chr_filter(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;
    uint8_t out[4096];
    int n = 0;

    for (int i = 0; i < len && n < (int)sizeof(out); i++) {
        uint8_t c = buf[i];

        switch (s->tn_state) {
        case TN_DATA:
            if (c == IAC) {
                s->tn_state = TN_IAC;
            } else {
                out[n++] = c;
            }
            break;
        case TN_IAC:
            s->tn_state = TN_DATA;
            if (c == IAC) {
                out[n++] = c;
            } else if (c >= WILL && c <= DONT) {
                s->tn_state = TN_OPTION;
            } else if (c == SB) {
                s->tn_state = TN_SUB;
            } else if (c == BRK) {
                qemu_chr_be_write(chr, out, n);
                n = 0;
                qemu_chr_be_event(chr, CHR_EVENT_BREAK);
            }
            break;
        case TN_OPTION:
            s->tn_state = TN_DATA;
            break;
        case TN_SUB:
            if (c == IAC) {
                s->tn_state = TN_SUB_IAC;
            }
            break;
        case TN_SUB_IAC:
            s->tn_state = c == SE ? TN_DATA : TN_SUB;
            break;
        }
    }
    qemu_chr_be_write(chr, out, n);
}

const ChardevDriver chardev_socket_driver = {
    .name = "socket",
    .instance_size = sizeof(SocketChardev),
    .open = tcp_chr_open,
    .write = tcp_chr_write,
    .out_fd = tcp_chr_out_fd,
    .update_read = tcp_chr_update_read,
    .close = tcp_chr_close,
};
