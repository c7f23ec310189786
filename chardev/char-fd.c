/*
 * char-fd.c: the fd plumbing shared by the fd-based backends (stdio, file,
 * pipe, pty, socket): flow-controlled reading through the main loop and
 * writes that never raise SIGPIPE. It opens nothing itself.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"
#include "qemu/main-loop.h"

#include <sys/socket.h>

/* Big enough to take a pasted line in one go, small enough for the stack. */
#define CHAR_FD_READ_MAX 4096

static void char_fd_read_ready(void *opaque);

/* Install or remove the main-loop handler to match what is wanted. */
static void char_fd_reader_sync(CharFdReader *r)
{
    bool want = r->active && r->fd >= 0 && qemu_chr_be_can_write(r->chr) > 0;

    if (want != r->registered) {
        qemu_set_fd_handler(r->fd, want ? char_fd_read_ready : NULL, NULL, r);
        r->registered = want;
    }
}

static void char_fd_read_ready(void *opaque)
{
    CharFdReader *r = opaque;
    uint8_t buf[CHAR_FD_READ_MAX];
    int can = qemu_chr_be_can_write(r->chr);
    ssize_t n;

    if (can <= 0) {
        /* The frontend filled up since we last looked: stop polling until
         * it calls accept_input, or the fd would spin the loop. */
        char_fd_reader_sync(r);
        return;
    }
    if (can > (int)sizeof(buf)) {
        can = sizeof(buf);
    }
    n = read(r->fd, buf, can);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        char_fd_reader_stop(r);
        if (r->on_hup) {
            r->on_hup(r->chr);
        }
        return;
    }
    if (r->filter) {
        r->filter(r->chr, buf, n);
    } else {
        qemu_chr_be_write(r->chr, buf, n);
    }
    /* The frontend may be full now, or may have closed us: re-check only
     * if we are still reading. */
    if (r->active) {
        char_fd_reader_sync(r);
    }
}

void char_fd_reader_init(CharFdReader *r, Chardev *chr, int fd,
                         void (*on_hup)(Chardev *chr))
{
    r->chr = chr;
    r->fd = fd;
    r->active = false;
    r->registered = false;
    r->on_hup = on_hup;
    r->filter = NULL;
}

void char_fd_reader_start(CharFdReader *r)
{
    r->active = true;
    char_fd_reader_sync(r);
}

void char_fd_reader_stop(CharFdReader *r)
{
    r->active = false;
    char_fd_reader_sync(r);
}

void char_fd_reader_update(CharFdReader *r)
{
    char_fd_reader_sync(r);
}

int char_fd_write(int fd, const uint8_t *buf, int len, bool is_socket)
{
    ssize_t n;

    /* The main loop ignores SIGPIPE, but a tool may not run it: sockets
     * get MSG_NOSIGNAL; pipes and ptys rely on SIG_IGN. */
    if (is_socket) {
        n = send(fd, buf, len, MSG_NOSIGNAL);
    } else {
        n = write(fd, buf, len);
    }
    if (n < 0 && errno == EWOULDBLOCK) {
        errno = EAGAIN;
    }
    return n;
}

void char_fd_set_nonblock(int fd, bool on)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0) {
        return;
    }
    flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    fcntl(fd, F_SETFL, flags);
}
