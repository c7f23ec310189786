/*
 * accel-restart.c: "-accel kvm -accel tcg" when KVM opens fine but cannot
 * run the guest: one line says so and the process re-executes itself
 * (/proc/self/exe, same pid) with the same command line except that the
 * accelerator list is its tail. A fresh process is the simplest complete
 * reset: no KVM state, device or thread of the failed run survives.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "system/accel-restart.h"

#include <pthread.h>
#include <signal.h>
#include <termios.h>

static const AccelRestartHooks *accel_restart_hooks;
static char *accel_restart_cwd;
/* The terminal as the user had it, before -serial stdio made it raw. */
static struct termios accel_restart_tty;
static bool accel_restart_have_tty;
/* The signal mask the process started with (vCPU threads block more). */
static sigset_t accel_restart_sigmask;
static GMutex accel_restart_lock;
static bool accel_restart_tried;

void accel_restart_enable(const AccelRestartHooks *hooks)
{
    accel_restart_hooks = hooks;
    g_free(accel_restart_cwd);
    accel_restart_cwd = g_get_current_dir();
    pthread_sigmask(SIG_BLOCK, NULL, &accel_restart_sigmask);
    accel_restart_have_tty = isatty(STDIN_FILENO) &&
                             tcgetattr(STDIN_FILENO, &accel_restart_tty) == 0;
}

/*
 * A QemuOpts string split at its separating commas; ",," (an escaped
 * comma) stays inside its element, so joining with "," gives it back.
 */
static GPtrArray *accel_restart_split(const char *value)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (const char *p = value; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append(cur, ",,");
            p++;
        } else if (*p == ',') {
            g_ptr_array_add(parts, g_string_free(cur, false));
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(parts, g_string_free(cur, false));
    return parts;
}

static char *accel_restart_join(GPtrArray *parts)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < parts->len; i++) {
        if (i) {
            g_string_append_c(out, ',');
        }
        g_string_append(out, g_ptr_array_index(parts, i));
    }
    return g_string_free(out, false);
}

/* The names of list ("kvm:tcg") that are in keep, ':'-joined; NULL if none. */
static char *accel_restart_filter(const char *list, char **keep)
{
    g_auto(GStrv) names = g_strsplit(list, ":", -1);
    g_autoptr(GPtrArray) kept = g_ptr_array_new();

    for (char **n = names; *n; n++) {
        if (g_strv_contains((const char *const *)keep, *n)) {
            g_ptr_array_add(kept, *n);
        }
    }
    if (!kept->len) {
        return NULL;
    }
    g_ptr_array_add(kept, NULL);
    return g_strjoinv(":", (char **)kept->pdata);
}

/*
 * The argument of -accel or -machine with its accelerator names filtered;
 * NULL when none is left (-accel: the option goes).
 */
static char *accel_restart_fix_opts(const char *value, char **keep,
                                    bool is_accel, bool *drop)
{
    g_autoptr(GPtrArray) parts = accel_restart_split(value);

    *drop = false;
    for (guint i = 0; i < parts->len; i++) {
        char *part = g_ptr_array_index(parts, i);
        bool implied = is_accel && i == 0 && !strchr(part, '=');
        const char *list;
        g_autofree char *kept = NULL;

        if (implied) {
            list = part;
        } else if (g_str_has_prefix(part, "accel=")) {
            list = part + strlen("accel=");
        } else {
            continue;
        }
        kept = accel_restart_filter(list, keep);
        if (!kept) {
            if (is_accel) {
                *drop = true;
                return NULL;
            }
            g_ptr_array_remove_index(parts, i);
            i--;
            continue;
        }
        g_ptr_array_index(parts, i) = implied ? g_strdup(kept)
                                              : g_strconcat("accel=", kept, NULL);
        g_free(part);
    }
    if (!parts->len) {
        *drop = true;
        return NULL;
    }
    return accel_restart_join(parts);
}

char **accel_restart_argv(char *const *argv, const char *fallback,
                          bool (*takes_arg)(const char *name), Error **errp)
{
    g_auto(GStrv) keep = g_strsplit(fallback, ":", -1);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    if (!argv[0]) {
        error_setg(errp, "empty command line");
        goto fail;
    }
    g_ptr_array_add(out, g_strdup(argv[0]));
    for (size_t i = 1; argv[i]; i++) {
        const char *spelling = argv[i];
        const char *name = spelling + 1;
        const char *arg;

        if (spelling[0] != '-') {
            g_ptr_array_add(out, g_strdup(spelling));     /* a disk image */
            continue;
        }
        if (name[0] == '-') {
            name++;
        }
        arg = takes_arg(name) ? argv[i + 1] : NULL;
        if (takes_arg(name) && arg) {
            i++;
        }
        if (!strcmp(name, "chroot") || !strcmp(name, "runas") ||
            !strcmp(name, "incoming") ||
            (!strcmp(name, "run-with") && arg && strstr(arg, "chroot="))) {
            error_setg(errp, "%s cannot be used again in a new process",
                       spelling);
            goto fail;
        }
        if (!strcmp(name, "daemonize") || !strcmp(name, "S") ||
            (!strcmp(name, "enable-kvm") &&
             !g_strv_contains((const char *const *)keep, "kvm"))) {
            continue;
        }
        if (arg && (!strcmp(name, "accel") || !strcmp(name, "machine") ||
                    !strcmp(name, "M"))) {
            bool drop;
            char *fixed = accel_restart_fix_opts(arg, keep,
                                                 !strcmp(name, "accel"), &drop);

            if (!drop) {
                g_ptr_array_add(out, g_strdup(spelling));
                g_ptr_array_add(out, fixed);
            }
            continue;
        }
        g_ptr_array_add(out, g_strdup(spelling));
        if (arg) {
            g_ptr_array_add(out, g_strdup(arg));
        }
    }
    g_ptr_array_add(out, NULL);
    g_ptr_array_set_free_func(out, NULL);
    return (char **)g_ptr_array_free(out, false);

fail:
    g_ptr_array_free(out, true);
    return NULL;
}

/* This process's command line, as it was started. */
static char **accel_restart_cmdline(Error **errp)
{
    g_autofree char *buf = NULL;
    g_autoptr(GError) gerr = NULL;
    GPtrArray *args;
    gsize len;

    if (!g_file_get_contents("/proc/self/cmdline", &buf, &len, &gerr)) {
        error_setg(errp, "%s", gerr->message);
        return NULL;
    }
    args = g_ptr_array_new();
    for (gsize off = 0; off < len; off += strlen(buf + off) + 1) {
        g_ptr_array_add(args, g_strdup(buf + off));
    }
    g_ptr_array_add(args, NULL);
    return (char **)g_ptr_array_free(args, false);
}

static bool accel_restart_exec(const char *accel, const char *why,
                               const char *fallback, Error **errp)
{
    g_auto(GStrv) argv = NULL;
    g_auto(GStrv) newv = NULL;
    g_autofree char *upper = g_ascii_strup(fallback, -1);
    sigset_t old_mask;

    argv = accel_restart_cmdline(errp);
    if (!argv) {
        return false;
    }
    newv = accel_restart_argv(argv, fallback, accel_restart_hooks->takes_arg,
                              errp);
    if (!newv) {
        return false;
    }
    /* Relative paths on the command line mean what they meant at start
     * (-daemonize moved the process to "/"). */
    if (accel_restart_cwd && chdir(accel_restart_cwd) < 0) {
        error_setg_errno(errp, errno, "cannot go back to %s",
                         accel_restart_cwd);
        return false;
    }
    error_report("%s cannot run this guest (%s); restarting it under %s",
                 !strcmp(accel, "kvm") ? "KVM" : accel, why, upper);
    if (accel_restart_have_tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &accel_restart_tty);
    }
    /* Every descriptor Keel opens is close-on-exec: the VM, its vCPUs,
     * listening sockets (bound again by the new process) and the pidfile
     * lock go; what the user passed in (-add-fd) stays. */
    g_setenv(ACCEL_RESTART_ENV, accel, true);
    fflush(stdout);
    fflush(stderr);
    /* exec keeps this thread's mask: a vCPU thread's would block the kick
     * signal (and whatever else) in the new image's main thread. */
    pthread_sigmask(SIG_SETMASK, &accel_restart_sigmask, &old_mask);
    execv("/proc/self/exe", newv);
    error_setg_errno(errp, errno, "cannot execute /proc/self/exe");
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return false;
}

bool accel_restart_with_fallback(const char *accel, const char *why)
{
    const char *fallback = accel_fallback_spec();
    Error *err = NULL;
    bool ok;

    if (!fallback || !accel_restart_hooks) {
        return false;
    }
    g_mutex_lock(&accel_restart_lock);
    /* Once per process: a second vCPU failing meanwhile reports as before. */
    if (accel_restart_tried) {
        g_mutex_unlock(&accel_restart_lock);
        return false;
    }
    accel_restart_tried = true;
    if (g_getenv(ACCEL_RESTART_ENV)) {
        error_setg(&err, "this process was restarted already");
        ok = false;
    } else {
        ok = accel_restart_exec(accel, why, fallback, &err);
    }
    g_mutex_unlock(&accel_restart_lock);
    if (!ok) {
        error_prepend(&err, "cannot restart the guest under %s: ", fallback);
        error_report_err(err);
    }
    return ok;
}
