/*
 * os-posix.c: the POSIX process plumbing of qemu-system-x86_64: the
 * -daemonize double fork and its start-up pipe, the locked -pidfile,
 * -chroot and -runas. Nothing here knows about machines or devices.
 */
#include "qemu/osdep.h"
#include "system/os-posix.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

static bool daemonized;
static int daemon_pipe = -1;     /* write end, to the waiting parent */
static char *chroot_dir;
static bool runas_set;
static uid_t runas_uid;
static gid_t runas_gid;
static char *runas_name;         /* for initgroups(), NULL for uid:gid */
static char *pidfile_path;
static int pidfile_fd = -1;

bool is_daemonized(void)
{
    return daemonized;
}

/* The parent side: wait for the daemon's one-byte verdict. */
static QEMU_NORETURN void os_daemonize_wait(int fd)
{
    uint8_t status;
    ssize_t len;

    do {
        len = read(fd, &status, 1);
    } while (len < 0 && errno == EINTR);
    /* EOF: the daemon exited during start-up and printed why. */
    _exit(len == 1 && status == 0 ? 0 : 1);
}

void os_daemonize(void)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0) {
        error_report("cannot daemonize: pipe: %s", g_strerror(errno));
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        error_report("cannot daemonize: fork: %s", g_strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        close(fds[1]);
        os_daemonize_wait(fds[0]);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    fcntl(daemon_pipe, F_SETFD, FD_CLOEXEC);

    /* A new session, then a second fork so that the daemon is not a
     * session leader and can never get a controlling terminal back. */
    setsid();
    pid = fork();
    if (pid < 0) {
        error_report("cannot daemonize: fork: %s", g_strerror(errno));
        _exit(1);
    }
    if (pid > 0) {
        _exit(0);
    }
    umask(027);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    daemonized = true;
}

void os_set_chroot(const char *dir)
{
    g_free(chroot_dir);
    chroot_dir = g_strdup(dir);
}

bool os_set_runas(const char *spec, Error **errp)
{
    struct passwd *pw = getpwnam(spec);
    unsigned long uid, gid;
    char *end;

    if (pw) {
        runas_uid = pw->pw_uid;
        runas_gid = pw->pw_gid;
        g_free(runas_name);
        runas_name = g_strdup(pw->pw_name);
        runas_set = true;
        return true;
    }
    /* "uid:gid", as QEMU accepts for users without a passwd entry. */
    errno = 0;
    uid = strtoul(spec, &end, 10);
    if (!errno && end != spec && *end == ':') {
        const char *g = end + 1;
        gid = strtoul(g, &end, 10);
        if (!errno && end != g && !*end && uid <= UINT32_MAX &&
            gid <= UINT32_MAX) {
            runas_uid = uid;
            runas_gid = gid;
            g_free(runas_name);
            runas_name = NULL;
            runas_set = true;
            return true;
        }
    }
    error_setg(errp, "User \"%s\" doesn't exist (and is not <uid>:<gid>)",
               spec);
    return false;
}

static void os_change_root(void)
{
    if (!chroot_dir) {
        return;
    }
    if (chroot(chroot_dir) < 0) {
        error_report("chroot failed: %s", g_strerror(errno));
        exit(1);
    }
    if (chdir("/") < 0) {
        error_report("not able to chdir to /: %s", g_strerror(errno));
        exit(1);
    }
}

static void os_change_process_uid(void)
{
    if (!runas_set) {
        return;
    }
    if (setgid(runas_gid) < 0) {
        error_report("Failed to setgid(%u)", (unsigned)runas_gid);
        exit(1);
    }
    if (runas_name ? initgroups(runas_name, runas_gid) < 0
                   : setgroups(1, &runas_gid) < 0) {
        error_report("Failed to initgroups(\"%s\", %u)",
                     runas_name ? runas_name : "", (unsigned)runas_gid);
        exit(1);
    }
    if (setuid(runas_uid) < 0) {
        error_report("Failed to setuid(%u)", (unsigned)runas_uid);
        exit(1);
    }
    if (setuid(0) != -1) {
        error_report("Dropping privileges failed");
        exit(1);
    }
}

void os_setup_post(bool keep_stderr)
{
    int null_fd = -1;

    if (daemonized) {
        if (chdir("/") < 0) {
            error_report("not able to chdir to /: %s", g_strerror(errno));
            exit(1);
        }
        /* Open before a chroot may hide /dev. */
        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd < 0) {
            error_report("cannot open /dev/null: %s", g_strerror(errno));
            exit(1);
        }
    }
    os_change_root();
    os_change_process_uid();
    if (daemonized) {
        uint8_t status = 0;
        ssize_t len;

        dup2(null_fd, 0);
        dup2(null_fd, 1);
        if (!keep_stderr) {
            dup2(null_fd, 2);
        }
        close(null_fd);
        do {
            len = write(daemon_pipe, &status, 1);
        } while (len < 0 && errno == EINTR);
        close(daemon_pipe);
        daemon_pipe = -1;
    }
}

bool qemu_write_pidfile(const char *path, Error **errp)
{
    struct stat a, b;
    char buf[32];
    int fd;

    /* Loop in case another process unlinked the file between our open and
     * our lock: we must hold the lock on the file that path names. */
    for (;;) {
        fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR);
        if (fd < 0) {
            error_setg_errno(errp, errno, "Could not create '%s'", path);
            return false;
        }
        if (fstat(fd, &b) < 0) {
            error_setg_errno(errp, errno, "Cannot stat file");
            goto fail;
        }
        if (lockf(fd, F_TLOCK, 0) < 0) {
            error_setg_errno(errp, errno, "Cannot lock pid file");
            goto fail;
        }
        if (stat(path, &a) < 0) {
            close(fd);
            continue;
        }
        if (a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
            break;
        }
        close(fd);
    }
    if (ftruncate(fd, 0) < 0) {
        error_setg_errno(errp, errno, "Failed to truncate pid file");
        goto fail;
    }
    snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
        error_setg(errp, "Failed to write pid file");
        goto fail;
    }
    pidfile_fd = fd;
    g_free(pidfile_path);
    /* Absolute, so that removal still works after chdir("/"). */
    pidfile_path = g_canonicalize_filename(path, NULL);
    return true;

fail:
    close(fd);
    return false;
}

void qemu_remove_pidfile(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        g_free(pidfile_path);
        pidfile_path = NULL;
    }
    if (pidfile_fd >= 0) {
        close(pidfile_fd);
        pidfile_fd = -1;
    }
}
