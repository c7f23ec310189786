/*
 * char-pipe.c: the "pipe" backend. path=P uses the FIFOs P.in (our input)
 * and P.out (our output) when both open, else P itself both ways. Opened
 * read-write so that a FIFO never reports EOF when its writer goes away.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

typedef struct PipeChardev {
    Chardev parent;
    int fd_in, fd_out;
    CharFdReader reader;
} PipeChardev;

static bool pipe_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          Error **errp)
{
    PipeChardev *s = (PipeChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    g_autofree char *path_in = NULL, *path_out = NULL;

    if (!path) {
        error_setg(errp, "chardev: pipe: no device path given");
        return false;
    }
    path_in = g_strdup_printf("%s.in", path);
    path_out = g_strdup_printf("%s.out", path);
    s->fd_in = open(path_in, O_RDWR | O_CLOEXEC);
    s->fd_out = open(path_out, O_RDWR | O_CLOEXEC);
    if (s->fd_in < 0 || s->fd_out < 0) {
        if (s->fd_in >= 0) {
            close(s->fd_in);
        }
        if (s->fd_out >= 0) {
            close(s->fd_out);
        }
        s->fd_in = s->fd_out = open(path, O_RDWR | O_CLOEXEC);
        if (s->fd_in < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", path);
            return false;
        }
    }
    char_fd_set_nonblock(s->fd_in, true);
    char_fd_set_nonblock(s->fd_out, true);
    char_fd_reader_init(&s->reader, chr, s->fd_in, NULL);
    char_fd_reader_start(&s->reader);
    return true;
}

static int pipe_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return char_fd_write(((PipeChardev *)chr)->fd_out, buf, len, false);
}

static int pipe_chr_out_fd(Chardev *chr)
{
    return ((PipeChardev *)chr)->fd_out;
}

static void pipe_chr_update_read(Chardev *chr)
{
    char_fd_reader_update(&((PipeChardev *)chr)->reader);
}

static void pipe_chr_close(Chardev *chr)
{
    PipeChardev *s = (PipeChardev *)chr;

    char_fd_reader_stop(&s->reader);
    if (s->fd_out != s->fd_in) {
        close(s->fd_out);
    }
    close(s->fd_in);
}

const ChardevDriver chardev_pipe_driver = {
    .name = "pipe",
    .instance_size = sizeof(PipeChardev),
    .open = pipe_chr_open,
    .write = pipe_chr_write,
    .out_fd = pipe_chr_out_fd,
    .update_read = pipe_chr_update_read,
    .close = pipe_chr_close,
};
