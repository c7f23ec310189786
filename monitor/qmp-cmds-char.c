/*
 * qmp-cmds-char.c: the chardev QMP commands: query-chardev,
 * query-chardev-backends, chardev-add (the QAPI ChardevBackend turned
 * into the -chardev options Keel's backends take) and chardev-remove.
 * HMP's chardev-add/chardev-remove and info chardev share the backends.
 */
#include "qemu/osdep.h"
#include "qemu/opts.h"
#include "qapi/qapi-commands.h"
#include "chardev/char.h"
#include "chardev/chardev-internal.h"

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_auto(GStrv) lines = NULL;
    ChardevInfoList *head = NULL, **tail = &head;

    /* "label: filename=..." per chardev, in creation order. */
    qemu_chr_info_list(text);
    lines = g_strsplit(text->str, "\n", 0);
    for (char **l = lines; *l && **l; l++) {
        char *sep = strstr(*l, ": filename=");
        g_autofree char *label = NULL;
        ChardevInfo *info;
        Chardev *chr;

        if (!sep) {
            continue;
        }
        label = g_strndup(*l, sep - *l);
        chr = qemu_chr_find(label);
        info = g_new0(ChardevInfo, 1);
        info->label = g_strdup(label);
        info->filename = g_strdup(sep + strlen(": filename="));
        info->frontend_open = chr && chr->be && chr->be->fe_is_open;
        *tail = g_new0(ChardevInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

ChardevBackendInfoList *qmp_query_chardev_backends(Error **errp)
{
    ChardevBackendInfoList *head = NULL, **tail = &head;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    g_auto(GStrv) lines = NULL;

    if (!f) {
        error_setg_errno(errp, errno, "open_memstream");
        return NULL;
    }
    /* "Available chardev backend types: " then "  name" lines. */
    qemu_chr_print_backends(f);
    fclose(f);
    lines = g_strsplit(text, "\n", 0);
    free(text);
    for (char **l = lines; *l; l++) {
        ChardevBackendInfo *info;

        if (!g_str_has_prefix(*l, "  ")) {
            continue;
        }
        info = g_new0(ChardevBackendInfo, 1);
        info->name = g_strdup(*l + 2);
        *tail = g_new0(ChardevBackendInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

static bool chardev_opt(QemuOpts *opts, const char *name, const char *value,
                        Error **errp)
{
    return qemu_opt_set(opts, name, value, errp);
}

static bool chardev_opt_bool(QemuOpts *opts, const char *name, bool value,
                             Error **errp)
{
    return qemu_opt_set(opts, name, value ? "on" : "off", errp);
}

static bool chardev_common_opts(QemuOpts *opts, bool has_logfile,
                                const char *logfile, bool has_logappend,
                                bool logappend, Error **errp)
{
    if (has_logfile && !chardev_opt(opts, "logfile", logfile, errp)) {
        return false;
    }
    return !has_logappend ||
           chardev_opt_bool(opts, "logappend", logappend, errp);
}

static bool chardev_socket_opts(QemuOpts *opts, ChardevSocket *s,
                                Error **errp)
{
    SocketAddressLegacy *addr = s->addr;

    if (!chardev_common_opts(opts, s->has_logfile, s->logfile,
                             s->has_logappend, s->logappend, errp)) {
        return false;
    }
    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        if (!chardev_opt(opts, "host", addr->u.inet.data->host, errp) ||
            !chardev_opt(opts, "port", addr->u.inet.data->port, errp)) {
            return false;
        }
        break;
    case SOCKET_ADDRESS_TYPE_UNIX:
        if (!chardev_opt(opts, "path", addr->u.q_unix.data->path, errp)) {
            return false;
        }
        break;
    case SOCKET_ADDRESS_TYPE_FD:
        if (!chardev_opt(opts, "fd", addr->u.fd.data->str, errp)) {
            return false;
        }
        break;
    default:
        error_setg(errp, "Socket address type '%s' is not supported by Keel",
                   SocketAddressType_str(addr->type));
        return false;
    }
    if (s->has_tls_creds || s->has_tls_authz || (s->has_tn3270 && s->tn3270) ||
        (s->has_websocket && s->websocket)) {
        error_setg(errp, "TLS, tn3270 and websocket chardevs are not "
                   "available in Keel");
        return false;
    }
    /* QMP's defaults: server=off, wait=on (only meaningful for a server). */
    return chardev_opt_bool(opts, "server", s->has_server && s->server,
                            errp) &&
           chardev_opt_bool(opts, "wait", !s->has_wait || s->wait, errp) &&
           (!s->has_nodelay ||
            chardev_opt_bool(opts, "nodelay", s->nodelay, errp)) &&
           (!s->has_telnet ||
            chardev_opt_bool(opts, "telnet", s->telnet, errp));
}

/* The backend as -chardev options, or false for kinds Keel lacks. */
static bool chardev_backend_opts(QemuOpts *opts, ChardevBackend *backend,
                                 Error **errp)
{
    const char *kind = ChardevBackendKind_str(backend->type);

    if (!chardev_opt(opts, "backend", kind, errp)) {
        return false;
    }
    switch (backend->type) {
    case CHARDEV_BACKEND_KIND_FILE: {
        ChardevFile *f = backend->u.file.data;

        if (f->has_in) {
            error_setg(errp, "chardev file: 'in' is not supported by Keel");
            return false;
        }
        return chardev_common_opts(opts, f->has_logfile, f->logfile,
                                   f->has_logappend, f->logappend, errp) &&
               chardev_opt(opts, "path", f->out, errp) &&
               (!f->has_append ||
                chardev_opt_bool(opts, "append", f->append, errp));
    }
    case CHARDEV_BACKEND_KIND_PIPE: {
        ChardevHostdev *h = backend->u.pipe.data;

        return chardev_common_opts(opts, h->has_logfile, h->logfile,
                                   h->has_logappend, h->logappend, errp) &&
               chardev_opt(opts, "path", h->device, errp);
    }
    case CHARDEV_BACKEND_KIND_SOCKET:
        return chardev_socket_opts(opts, backend->u.socket.data, errp);
    case CHARDEV_BACKEND_KIND_PTY:
    case CHARDEV_BACKEND_KIND_NULL: {
        ChardevCommon *c = backend->type == CHARDEV_BACKEND_KIND_PTY
                         ? backend->u.pty.data : backend->u.null.data;

        return chardev_common_opts(opts, c->has_logfile, c->logfile,
                                   c->has_logappend, c->logappend, errp);
    }
    case CHARDEV_BACKEND_KIND_STDIO: {
        ChardevStdio *s = backend->u.stdio.data;

        return chardev_common_opts(opts, s->has_logfile, s->logfile,
                                   s->has_logappend, s->logappend, errp) &&
               (!s->has_signal ||
                chardev_opt_bool(opts, "signal", s->signal, errp));
    }
    default:
        error_setg(errp, "'%s' is not a valid char driver name", kind);
        return false;
    }
}

ChardevReturn *qmp_chardev_add(const char *id, ChardevBackend *backend,
                               Error **errp)
{
    QemuOpts *opts;
    Chardev *chr;
    ChardevReturn *ret;

    if (qemu_chr_find(id)) {
        error_setg(errp, "Chardev with id '%s' already exists", id);
        return NULL;
    }
    opts = qemu_opts_create(&qemu_chardev_opts, id, true, errp);
    if (!opts) {
        return NULL;
    }
    if (!chardev_backend_opts(opts, backend, errp)) {
        qemu_opts_del(opts);
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    /* The chardev keeps what it needs; the options were only a vehicle. */
    qemu_opts_del(opts);
    if (!chr) {
        return NULL;
    }
    ret = g_new0(ChardevReturn, 1);
    if (backend->type == CHARDEV_BACKEND_KIND_PTY) {
        const char *name = qemu_chr_get_filename(chr);

        ret->has_pty = true;
        ret->pty = g_strdup(g_str_has_prefix(name, "pty:") ? name + 4 : name);
    }
    return ret;
}

void qmp_chardev_remove(const char *id, Error **errp)
{
    qemu_chr_remove(id, errp);
}
