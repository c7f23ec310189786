/*
 * char-pty.c: the "pty" backend: a new pseudo-terminal whose slave a user
 * opens (screen, minicom). While nobody has the slave open, output is
 * dropped rather than filling the pty and stalling the guest; a timer
 * looks for a reader once a second, as QEMU does.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"
#include "qemu/timer.h"

#include <poll.h>
#include <pty.h>
#include <termios.h>

#define PTY_POLL_MS 1000

typedef struct PtyChardev {
    Chardev parent;
    int fd;                 /* the master */
    bool connected;
    QEMUTimer *poll_timer;
    CharFdReader reader;
} PtyChardev;

/* True while some process has the slave open. */
static bool pty_chr_slave_open(PtyChardev *s)
{
    struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };

    /* Linux reports POLLHUP on the master while no slave fd exists. */
    return poll(&pfd, 1, 0) >= 0 && !(pfd.revents & POLLHUP);
}

static void pty_chr_set_connected(PtyChardev *s, bool connected)
{
    Chardev *chr = &s->parent;

    if (connected == s->connected) {
        return;
    }
    s->connected = connected;
    if (connected) {
        timer_del(s->poll_timer);
        char_fd_reader_start(&s->reader);
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    } else {
        char_fd_reader_stop(&s->reader);
        timer_mod(s->poll_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + PTY_POLL_MS);
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    }
}

static void pty_chr_poll(void *opaque)
{
    PtyChardev *s = opaque;

    if (pty_chr_slave_open(s)) {
        pty_chr_set_connected(s, true);
    } else {
        timer_mod(s->poll_timer,
                  qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + PTY_POLL_MS);
    }
}

static void pty_chr_hup(Chardev *chr)
{
    /* read() on the master fails with EIO once the last slave fd closes. */
    pty_chr_set_connected((PtyChardev *)chr, false);
}

static bool pty_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                         Error **errp)
{
    PtyChardev *s = (PtyChardev *)chr;
    char name[PATH_MAX];
    struct termios tty;
    int slave;

    if (openpty(&s->fd, &slave, name, NULL, NULL) < 0) {
        error_setg_errno(errp, errno, "Failed to create PTY");
        return false;
    }
    /* Raw: the guest's bytes reach the user unchanged, and back. */
    if (tcgetattr(slave, &tty) == 0) {
        cfmakeraw(&tty);
        tcsetattr(slave, TCSAFLUSH, &tty);
    }
    close(slave);
    fcntl(s->fd, F_SETFD, FD_CLOEXEC);
    char_fd_set_nonblock(s->fd, true);

    qemu_chr_set_filename(chr, "pty:%s", name);
    /* QEMU prints this on stdout; tools scrape it to find the pty. */
    printf("char device redirected to %s (label %s)\n", name, chr->label);
    fflush(stdout);

    char_fd_reader_init(&s->reader, chr, s->fd, pty_chr_hup);
    s->poll_timer = timer_new_ms(QEMU_CLOCK_REALTIME, pty_chr_poll, s);
    timer_mod(s->poll_timer,
              qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + PTY_POLL_MS);
    *be_opened = false;
    return true;
}

static int pty_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *s = (PtyChardev *)chr;
    int n;

    if (!s->connected) {
        /* A reader may have arrived since the last poll: don't lose the
         * first bytes it would see. */
        if (!pty_chr_slave_open(s)) {
            return len;
        }
        pty_chr_set_connected(s, true);
    }
    n = char_fd_write(s->fd, buf, len, false);
    if (n < 0 && errno == EIO) {
        /* The reader left between two polls. */
        pty_chr_set_connected(s, false);
        return len;
    }
    return n;
}

static int pty_chr_out_fd(Chardev *chr)
{
    return ((PtyChardev *)chr)->fd;
}

static void pty_chr_update_read(Chardev *chr)
{
    char_fd_reader_update(&((PtyChardev *)chr)->reader);
}

static void pty_chr_close(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    char_fd_reader_stop(&s->reader);
    timer_free(s->poll_timer);
    close(s->fd);
}

const ChardevDriver chardev_pty_driver = {
    .name = "pty",
    .instance_size = sizeof(PtyChardev),
    .open = pty_chr_open,
    .write = pty_chr_write,
    .out_fd = pty_chr_out_fd,
    .update_read = pty_chr_update_read,
    .close = pty_chr_close,
};
