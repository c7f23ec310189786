/*
 * char.c: the chardev core. Keeps the registry of chardevs, turns -chardev
 * options and the legacy "-serial tcp:..." syntax into backends, and
 * implements the frontend API of include/chardev/char.h. Backends live in
 * char-*.c; this file knows nothing about sockets or terminals.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

#include <poll.h>

QemuOptsList qemu_chardev_opts = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .desc = {
        { .name = "backend", .type = QEMU_OPT_STRING },
        { .name = "path", .type = QEMU_OPT_STRING },
        { .name = "host", .type = QEMU_OPT_STRING },
        { .name = "port", .type = QEMU_OPT_STRING },
        { .name = "fd", .type = QEMU_OPT_STRING },
        { .name = "to", .type = QEMU_OPT_NUMBER },
        { .name = "ipv4", .type = QEMU_OPT_BOOL },
        { .name = "ipv6", .type = QEMU_OPT_BOOL },
        { .name = "wait", .type = QEMU_OPT_BOOL },
        { .name = "server", .type = QEMU_OPT_BOOL },
        { .name = "delay", .type = QEMU_OPT_BOOL },
        { .name = "nodelay", .type = QEMU_OPT_BOOL },
        { .name = "reconnect", .type = QEMU_OPT_NUMBER },
        { .name = "telnet", .type = QEMU_OPT_BOOL },
        { .name = "mux", .type = QEMU_OPT_BOOL },
        { .name = "signal", .type = QEMU_OPT_BOOL },
        { .name = "append", .type = QEMU_OPT_BOOL },
        { .name = "logfile", .type = QEMU_OPT_STRING },
        { .name = "logappend", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

/* In the order "-chardev help" lists them (QEMU's order, ours only). */
static const ChardevDriver *const chardev_drivers[] = {
    &chardev_stdio_driver,
    &chardev_pipe_driver,
    &chardev_null_driver,
    &chardev_socket_driver,
    &chardev_file_driver,
    &chardev_pty_driver,
};

/* Every chardev, in creation order (info chardev, cleanup in reverse). */
static GPtrArray *chardevs;

static const ChardevDriver *chardev_find_driver(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(chardev_drivers); i++) {
        if (!strcmp(chardev_drivers[i]->name, name)) {
            return chardev_drivers[i];
        }
    }
    return NULL;
}

void qemu_chr_print_backends(FILE *f)
{
    /* QEMU prints the trailing space too; scripts may match the line. */
    fprintf(f, "Available chardev backend types: \n");
    for (size_t i = 0; i < ARRAY_SIZE(chardev_drivers); i++) {
        fprintf(f, "  %s\n", chardev_drivers[i]->name);
    }
}

Chardev *qemu_chr_find(const char *id)
{
    if (!chardevs || !id) {
        return NULL;
    }
    for (guint i = 0; i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);
        if (!strcmp(chr->label, id)) {
            return chr;
        }
    }
    return NULL;
}

const char *qemu_chr_get_label(Chardev *chr)
{
    return chr->label;
}

const char *qemu_chr_get_filename(Chardev *chr)
{
    return chr->filename ? chr->filename : "";
}

bool qemu_chr_is_mux(Chardev *chr)
{
    return chr && chr->drv == &chardev_mux_driver;
}

bool qemu_chr_is_open(Chardev *chr)
{
    return chr && chr->be_open;
}

void qemu_chr_set_filename(Chardev *chr, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_free(chr->filename);
    chr->filename = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

void qemu_chr_info_list(GString *out)
{
    if (!chardevs) {
        return;
    }
    for (guint i = 0; i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);
        g_string_append_printf(out, "%s: filename=%s\n", chr->label,
                               qemu_chr_get_filename(chr));
    }
}

static bool chardev_open_logfile(Chardev *chr, QemuOpts *opts, Error **errp)
{
    const char *logfile = qemu_opt_get(opts, "logfile");
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;

    if (!logfile) {
        return true;
    }
    flags |= qemu_opt_get_bool(opts, "logappend", false) ? O_APPEND : O_TRUNC;
    chr->logfd = open(logfile, flags, 0666);
    if (chr->logfd < 0) {
        error_setg_errno(errp, errno, "Could not create '%s'", logfile);
        return false;
    }
    return true;
}

/* Allocate and open one backend; registers it on success. */
static Chardev *chardev_create(const ChardevDriver *drv, const char *label,
                               QemuOpts *opts, Error **errp)
{
    Chardev *chr = g_malloc0(drv->instance_size);
    bool be_opened = true;

    chr->drv = drv;
    chr->label = g_strdup(label);
    chr->logfd = -1;
    /* logfile= belongs to the base of a mux, which sees the bytes. */
    if ((drv != &chardev_mux_driver && !chardev_open_logfile(chr, opts, errp)) ||
        !drv->open(chr, opts, &be_opened, errp)) {
        if (chr->logfd >= 0) {
            close(chr->logfd);
        }
        g_free(chr->label);
        g_free(chr->filename);
        g_free(chr);
        return NULL;
    }
    if (!chr->filename) {
        qemu_chr_set_filename(chr, "%s", drv->name);
    }
    if (!chardevs) {
        chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(chardevs, chr);
    if (be_opened) {
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    }
    return chr;
}

/* Unregister and free; frontends still attached see no chardev any more. */
static void chardev_delete(Chardev *chr)
{
    if (chardevs) {
        g_ptr_array_remove(chardevs, chr);
    }
    if (qemu_chr_is_mux(chr)) {
        mux_chr_forget_frontends(chr);
    } else if (chr->be) {
        chr->be->chr = NULL;
        chr->be = NULL;
    }
    if (chr->drv->close) {
        chr->drv->close(chr);
    }
    if (chr->logfd >= 0) {
        close(chr->logfd);
    }
    g_free(chr->label);
    g_free(chr->filename);
    g_free(chr);
}

Chardev *qemu_chr_new_from_opts(QemuOpts *opts, Error **errp)
{
    const char *name = qemu_opt_get(opts, "backend");
    const char *id = qemu_opts_id(opts);
    const ChardevDriver *drv;
    Chardev *base, *mux;

    if (!name) {
        error_setg(errp, "chardev: \"%s\" missing backend", id ? id : "");
        return NULL;
    }
    drv = chardev_find_driver(name);
    if (!drv) {
        error_setg(errp, "'%s' is not a valid char driver name", name);
        return NULL;
    }
    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    /* The opts parser refuses duplicates in one list; chardevs also come
     * from the legacy syntax and QMP, so check the registry too. */
    if (qemu_chr_find(id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", id);
        return NULL;
    }
    if (!qemu_opt_get_bool(opts, "mux", false)) {
        return chardev_create(drv, id, opts, errp);
    }

    g_autofree char *base_label = g_strdup_printf("%s-base", id);
    if (qemu_chr_find(base_label)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", base_label);
        return NULL;
    }
    base = chardev_create(drv, base_label, opts, errp);
    if (!base) {
        return NULL;
    }
    /* The mux finds its base by the "-base" label. */
    mux = chardev_create(&chardev_mux_driver, id, opts, errp);
    if (!mux) {
        chardev_delete(base);
        return NULL;
    }
    return mux;
}

/*
 * Legacy syntax. The result is a "-chardev" string in the options syntax,
 * which the caller parses: so "tcp:h:p,server=on,wait=off" gets exactly
 * the checks of "-chardev socket,host=h,port=p,server=on,wait=off".
 */
static void legacy_append_value(GString *s, const char *key, const char *val,
                                size_t len)
{
    g_string_append_printf(s, ",%s=", key);
    for (size_t i = 0; i < len && val[i]; i++) {
        if (val[i] == ',') {
            g_string_append_c(s, ',');
        }
        g_string_append_c(s, val[i]);
    }
}

static char *legacy_to_opts(const char *label, const char *filename,
                            Error **errp)
{
    static const char *const plain[] = { "null", "stdio", "pty" };
    g_autoptr(GString) s = g_string_new(NULL);
    const char *p;

    for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
        if (!strcmp(filename, plain[i])) {
            g_string_append(s, plain[i]);
            legacy_append_value(s, "id", label, strlen(label));
            return g_string_free(g_steal_pointer(&s), false);
        }
    }
    if (g_str_has_prefix(filename, "file:") ||
        g_str_has_prefix(filename, "pipe:")) {
        p = strchr(filename, ':') + 1;
        g_string_append_len(s, filename, 4);
        legacy_append_value(s, "id", label, strlen(label));
        legacy_append_value(s, "path", p, strlen(p));
        return g_string_free(g_steal_pointer(&s), false);
    }
    if (g_str_has_prefix(filename, "unix:")) {
        const char *opts;

        p = filename + 5;
        opts = strchr(p, ',');
        g_string_append(s, "socket");
        legacy_append_value(s, "id", label, strlen(label));
        legacy_append_value(s, "path", p, opts ? (size_t)(opts - p)
                                              : strlen(p));
        if (opts) {
            g_string_append(s, opts);
        }
        return g_string_free(g_steal_pointer(&s), false);
    }
    if (g_str_has_prefix(filename, "tcp:") ||
        g_str_has_prefix(filename, "telnet:")) {
        const char *colon, *opts;
        bool telnet = g_str_has_prefix(filename, "telnet:");

        p = strchr(filename, ':') + 1;
        opts = strchr(p, ',');
        colon = memrchr(p, ':', opts ? (size_t)(opts - p) : strlen(p));
        if (!colon) {
            error_setg(errp, "'%s' is not a valid char driver", filename);
            return NULL;
        }
        g_string_append(s, "socket");
        legacy_append_value(s, "id", label, strlen(label));
        /* "[::1]:4444": the brackets are not part of the host. */
        if (p[0] == '[' && colon > p && colon[-1] == ']') {
            legacy_append_value(s, "host", p + 1, colon - p - 2);
        } else {
            legacy_append_value(s, "host", p, colon - p);
        }
        legacy_append_value(s, "port", colon + 1,
                            opts ? (size_t)(opts - colon - 1)
                                 : strlen(colon + 1));
        if (telnet) {
            g_string_append(s, ",telnet=on");
        }
        if (opts) {
            g_string_append(s, opts);
        }
        return g_string_free(g_steal_pointer(&s), false);
    }
    error_setg(errp, "'%s' is not a valid char driver", filename);
    return NULL;
}

bool qemu_chr_new_is_mon(const char *filename)
{
    return filename && g_str_has_prefix(filename, "mon:");
}

Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp)
{
    g_autofree char *optstr = NULL;
    QemuOpts *opts;
    Chardev *chr;
    bool mux = false;

    if (g_str_has_prefix(filename, "chardev:")) {
        chr = qemu_chr_find(filename + 8);
        if (!chr) {
            error_setg(errp, "Chardev '%s' not found", filename + 8);
        }
        return chr;
    }
    if (qemu_chr_new_is_mon(filename)) {
        filename += 4;
        mux = true;
    }
    optstr = legacy_to_opts(label, filename, errp);
    if (!optstr) {
        return NULL;
    }
    opts = qemu_opts_parse(&qemu_chardev_opts, optstr, true, errp);
    if (!opts) {
        return NULL;
    }
    if (mux && !qemu_opt_set_bool(opts, "mux", true, errp)) {
        qemu_opts_del(opts);
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    /* The chardev keeps what it needs; the options were only a vehicle. */
    qemu_opts_del(opts);
    return chr;
}

bool qemu_chr_remove(const char *id, Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
        return false;
    }
    if (chr->be || (qemu_chr_is_mux(chr) && mux_chr_frontend_count(chr))) {
        error_setg(errp, "Chardev '%s' is busy", id);
        return false;
    }
    chardev_delete(chr);
    return true;
}

void qemu_chr_cleanup(void)
{
    /* Newest first: a mux goes before the chardev under it. */
    while (chardevs && chardevs->len) {
        chardev_delete(g_ptr_array_index(chardevs, chardevs->len - 1));
    }
    if (chardevs) {
        g_ptr_array_free(chardevs, true);
        chardevs = NULL;
    }
}

/*
 * Backend side.
 */

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->chr_can_read) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (be && be->chr_read && len > 0) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event)
{
    CharBackend *be = chr->be;

    if (event == CHR_EVENT_OPENED) {
        chr->be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        chr->be_open = false;
    }
    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

/* Copy what reached the backend into logfile=; best effort. */
static void chardev_log(Chardev *chr, const uint8_t *buf, int len)
{
    while (len > 0) {
        ssize_t n = write(chr->logfd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        buf += n;
        len -= n;
    }
}

/* Wait until the backend's fd drains; false if it failed (hang-up). */
static bool chardev_wait_writable(Chardev *chr)
{
    struct pollfd pfd;
    int fd = chr->drv->out_fd ? chr->drv->out_fd(chr) : -1;

    if (fd < 0) {
        return false;
    }
    pfd.fd = fd;
    pfd.events = POLLOUT;
    for (;;) {
        int r = poll(&pfd, 1, -1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        return r > 0 && (pfd.revents & POLLOUT) &&
               !(pfd.revents & (POLLERR | POLLNVAL));
    }
}

int qemu_chr_write(Chardev *chr, const uint8_t *buf, int len, bool all)
{
    int done = 0;

    while (done < len) {
        int n = chr->drv->write(chr, buf + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n > 0 && chr->logfd >= 0) {
            chardev_log(chr, buf + done, n);
        }
        if (n > 0) {
            done += n;
            if (!all) {
                break;
            }
            continue;
        }
        if (n < 0 && errno == EAGAIN && all && chardev_wait_writable(chr)) {
            continue;
        }
        if (done > 0) {
            break;
        }
        return n < 0 ? -1 : 0;
    }
    return done;
}

/*
 * Frontend API.
 */

bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp)
{
    be->tag = 0;
    if (chr) {
        if (qemu_chr_is_mux(chr)) {
            if (!mux_chr_attach(chr, be, errp)) {
                return false;
            }
        } else if (chr->be) {
            error_setg(errp, "Device '%s' is in use", chr->label);
            return false;
        } else {
            chr->be = be;
        }
    }
    be->chr = chr;
    be->fe_is_open = false;
    return true;
}

void qemu_chr_fe_deinit(CharBackend *be, bool del)
{
    Chardev *chr = be->chr;

    if (!chr) {
        return;
    }
    qemu_chr_fe_set_handlers(be, NULL, NULL, NULL, NULL, false);
    if (qemu_chr_is_mux(chr)) {
        mux_chr_detach(chr, be);
    } else if (chr->be == be) {
        chr->be = NULL;
    }
    be->chr = NULL;
    if (del) {
        chardev_delete(chr);
    }
}

void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event,
                              void *opaque, bool set_open)
{
    Chardev *chr = be->chr;
    bool fe_open = fd_can_read || fd_read || fd_event;

    be->chr_can_read = fd_can_read;
    be->chr_read = fd_read;
    be->chr_event = fd_event;
    be->opaque = opaque;
    if (set_open) {
        be->fe_is_open = fe_open;
    }
    if (!chr) {
        return;
    }
    if (qemu_chr_is_mux(chr)) {
        if (fe_open) {
            mux_chr_set_focus_be(chr, be);
        }
        mux_chr_accept_input(chr);
    } else if (chr->drv->update_read) {
        chr->drv->update_read(chr);
    }
    /* A frontend arriving on a live backend must learn that it is live. */
    if (fe_open && chr->be_open && fd_event && be->chr == chr) {
        fd_event(opaque, CHR_EVENT_OPENED);
    }
}

void qemu_chr_fe_take_focus(CharBackend *be)
{
    if (be->chr && qemu_chr_is_mux(be->chr)) {
        mux_chr_set_focus_be(be->chr, be);
    }
}

void qemu_chr_fe_accept_input(CharBackend *be)
{
    Chardev *chr = be->chr;

    if (!chr) {
        return;
    }
    if (qemu_chr_is_mux(chr)) {
        mux_chr_accept_input(chr);
    } else if (chr->drv->update_read) {
        chr->drv->update_read(chr);
    }
}

int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return qemu_chr_write(be->chr, buf, len, false);
}

int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return qemu_chr_write(be->chr, buf, len, true);
}

void qemu_chr_fe_printf(CharBackend *be, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_chr_fe_write_all(be, (const uint8_t *)text, strlen(text));
}

Chardev *qemu_chr_fe_get_driver(CharBackend *be)
{
    return be->chr;
}

bool qemu_chr_fe_backend_connected(CharBackend *be)
{
    return be->chr != NULL;
}

bool qemu_chr_fe_backend_open(CharBackend *be)
{
    return be->chr && be->chr->be_open;
}
