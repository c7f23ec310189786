/*
 * char-file.c: the "file" backend, output only: path= is truncated, or
 * appended to with append=on. QEMU 7.2's -chardev file has no input side.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

typedef struct FileChardev {
    Chardev parent;
    int fd;
} FileChardev;

static bool file_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          Error **errp)
{
    FileChardev *s = (FileChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;

    if (!path) {
        error_setg(errp, "chardev: file: no filename given");
        return false;
    }
    flags |= qemu_opt_get_bool(opts, "append", false) ? O_APPEND : O_TRUNC;
    s->fd = open(path, flags, 0666);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    return true;
}

static int file_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return char_fd_write(((FileChardev *)chr)->fd, buf, len, false);
}

static int file_chr_out_fd(Chardev *chr)
{
    return ((FileChardev *)chr)->fd;
}

static void file_chr_close(Chardev *chr)
{
    close(((FileChardev *)chr)->fd);
}

const ChardevDriver chardev_file_driver = {
    .name = "file",
    .instance_size = sizeof(FileChardev),
    .open = file_chr_open,
    .write = file_chr_write,
    .out_fd = file_chr_out_fd,
    .close = file_chr_close,
};
