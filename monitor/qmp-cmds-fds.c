/*
 * qmp-cmds-fds.c: file descriptor passing: getfd and closefd (fds named
 * per monitor) and add-fd (global fd sets), for fds a client sends with
 * SCM_RIGHTS over a unix socket (kept by the socket chardev until taken).
 */
#include "qemu/osdep.h"
#include "monitor/qmp.h"
#include "qapi/qapi-commands.h"

/* Named fds (getfd) live as long as the monitor, as in QEMU. */
static GHashTable *qmp_named_fds(void)
{
    MonitorQMP *mon = monitor_qmp_current();

    return mon ? monitor_qmp_named_fds(mon) : NULL;
}

void qmp_getfd(const char *fdname, Error **errp)
{
    GHashTable *fds = qmp_named_fds();
    int fd = fds ? monitor_qmp_take_fd() : -1;

    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return;
    }
    if (g_ascii_isdigit(fdname[0])) {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                   "with a digit");
        return;
    }
    /* A name given again takes the new fd; the old one is closed. */
    g_hash_table_insert(fds, g_strdup(fdname), GINT_TO_POINTER(fd));
}

void qmp_closefd(const char *fdname, Error **errp)
{
    GHashTable *fds = qmp_named_fds();

    if (!fds || !g_hash_table_remove(fds, fdname)) {
        error_setg(errp, "File descriptor named '%s' not found", fdname);
    }
}

typedef struct QmpFdset {
    int64_t id;
    GPtrArray *fds;     /* QmpFdsetFd */
} QmpFdset;

typedef struct QmpFdsetFd {
    int fd;
    char *opaque;
} QmpFdsetFd;

/* fd sets are global: any monitor may add to one (QEMU's rule). */
static GList *qmp_fdsets;

static QmpFdset *qmp_fdset_find(int64_t id)
{
    for (GList *l = qmp_fdsets; l; l = l->next) {
        QmpFdset *set = l->data;

        if (set->id == id) {
            return set;
        }
    }
    return NULL;
}

AddfdInfo *qmp_add_fd(bool has_fdset_id, int64_t fdset_id, bool has_opaque,
                      const char *opaque, Error **errp)
{
    QmpFdset *set = NULL;
    QmpFdsetFd *f;
    AddfdInfo *info;
    int fd;

    if (has_fdset_id && fdset_id < 0) {
        error_setg(errp, "Parameter 'fdset-id' expects a non-negative value");
        return NULL;
    }
    fd = monitor_qmp_current() ? monitor_qmp_take_fd() : -1;
    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return NULL;
    }
    if (has_fdset_id) {
        set = qmp_fdset_find(fdset_id);
    } else {
        /* The lowest free id. */
        fdset_id = 0;
        while (qmp_fdset_find(fdset_id)) {
            fdset_id++;
        }
    }
    if (!set) {
        set = g_new0(QmpFdset, 1);
        set->id = fdset_id;
        set->fds = g_ptr_array_new();
        qmp_fdsets = g_list_append(qmp_fdsets, set);
    }
    f = g_new0(QmpFdsetFd, 1);
    f->fd = fd;
    f->opaque = has_opaque ? g_strdup(opaque) : NULL;
    g_ptr_array_add(set->fds, f);

    info = g_new0(AddfdInfo, 1);
    info->fdset_id = set->id;
    info->fd = fd;
    return info;
}
