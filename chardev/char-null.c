/*
 * char-null.c: the "null" backend. Output vanishes, input never comes;
 * it is always open so frontends behave as if connected.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

static bool null_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          Error **errp)
{
    return true;
}

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

const ChardevDriver chardev_null_driver = {
    .name = "null",
    .instance_size = sizeof(Chardev),
    .open = null_chr_open,
    .write = null_chr_write,
};
