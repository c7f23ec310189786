/*
 * error.c: Error objects and error_report(), with QEMU's rules (see
 * include/qemu/error.h). An Error carries a message, a class for QMP, an
 * optional hint and where it was created (for &error_abort's message).
 */
#include "qemu/osdep.h"
#include "qemu/error.h"

struct Error {
    char *msg;
    ErrorClass err_class;
    const char *src, *func;
    int line;
    GString *hint;
};

Error *error_abort;
Error *error_fatal;
Error *error_warn;

const char *error_progname = "qemu-system-x86_64";
bool message_with_timestamp;

static ErrorPrintHook print_hook;
static void *print_hook_opaque;
static char *cur_loc;
/* QEMU prints a file location right after the program name, without a
 * space ("qemu-system-x86_64:vm.cfg:3: ..."); a command-line one after
 * ": ". */
static bool cur_loc_is_file;

static const char *const error_class_names[ERROR_CLASS__MAX] = {
    [ERROR_CLASS_GENERIC_ERROR] = "GenericError",
    [ERROR_CLASS_COMMAND_NOT_FOUND] = "CommandNotFound",
    [ERROR_CLASS_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [ERROR_CLASS_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [ERROR_CLASS_KVM_MISSING_CAP] = "KVMMissingCap",
};

const char *error_class_name(ErrorClass cls)
{
    if (cls < 0 || cls >= ERROR_CLASS__MAX) {
        return "GenericError";
    }
    return error_class_names[cls];
}

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error in %s() at %s:%d:\n",
                err->func, err->src, err->line);
        error_report("%s", error_get_pretty(err));
        if (err->hint) {
            error_printf("%s", err->hint->str);
        }
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (errp == &error_warn) {
        warn_report_err(err);
    } else if (errp && !*errp) {
        *errp = err;
    } else {
        /* errp == NULL, or error_propagate() onto an error already set:
         * keep the first error, as QEMU does. */
        error_free(err);
    }
}

static void error_setv(Error **errp, const char *src, int line,
                       const char *func, ErrorClass cls, const char *fmt,
                       va_list ap, const char *suffix)
{
    Error *err;
    int saved_errno = errno;

    if (errp == NULL) {
        return;
    }
    g_assert(*errp == NULL);

    err = g_new0(Error, 1);
    err->msg = g_strdup_vprintf(fmt, ap);
    if (suffix) {
        char *msg = err->msg;
        err->msg = g_strdup_printf("%s: %s", msg, suffix);
        g_free(msg);
    }
    err->err_class = cls;
    err->src = src;
    err->line = line;
    err->func = func;

    error_handle(errp, err);
    errno = saved_errno;
}

void error_set_internal(Error **errp, const char *src, int line,
                        const char *func, ErrorClass cls, const char *fmt,
                        ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, cls, fmt, ap, NULL);
    va_end(ap);
}

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, ERROR_CLASS_GENERIC_ERROR, fmt, ap,
               NULL);
    va_end(ap);
}

void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...)
{
    va_list ap;
    int saved_errno = errno;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, ERROR_CLASS_GENERIC_ERROR, fmt, ap,
               os_errno != 0 ? g_strerror(os_errno) : NULL);
    va_end(ap);
    errno = saved_errno;
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

ErrorClass error_get_class(const Error *err)
{
    return err->err_class;
}

Error *error_copy(const Error *err)
{
    Error *copy = g_new0(Error, 1);

    copy->msg = g_strdup(err->msg);
    copy->err_class = err->err_class;
    copy->src = err->src;
    copy->line = err->line;
    copy->func = err->func;
    if (err->hint) {
        copy->hint = g_string_new(err->hint->str);
    }
    return copy;
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, true);
        }
        g_free(err);
    }
}

void error_free_or_abort(Error **errp)
{
    g_assert(errp && *errp);
    error_free(*errp);
    *errp = NULL;
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    error_handle(dst_errp, local_err);
}

void error_vprepend(Error **errp, const char *fmt, va_list ap)
{
    GString *newmsg;

    if (!errp || !*errp) {
        return;
    }
    newmsg = g_string_new(NULL);
    g_string_vprintf(newmsg, fmt, ap);
    g_string_append(newmsg, (*errp)->msg);
    g_free((*errp)->msg);
    (*errp)->msg = g_string_free(newmsg, false);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprepend(errp, fmt, ap);
    va_end(ap);
}

void error_propagate_prepend(Error **dst_errp, Error *err,
                             const char *fmt, ...)
{
    va_list ap;

    if (dst_errp && !*dst_errp) {
        va_start(ap, fmt);
        error_vprepend(&err, fmt, ap);
        va_end(ap);
    }
    error_propagate(dst_errp, err);
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;
    int saved_errno = errno;
    Error *err;

    if (!errp) {
        return;
    }
    err = *errp;
    g_assert(err && errp != &error_abort && errp != &error_fatal);

    if (!err->hint) {
        err->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf(err->hint, fmt, ap);
    va_end(ap);
    errno = saved_errno;
}

void error_propagator_cleanup(ErrorPropagator *prop)
{
    error_propagate(prop->errp, prop->local_err);
}

/* --- reporting ---------------------------------------------------------- */

void error_set_print_hook(ErrorPrintHook hook, void *opaque)
{
    print_hook = hook;
    print_hook_opaque = opaque;
}

void error_vprintf(const char *fmt, va_list ap)
{
    if (print_hook) {
        g_autofree char *text = g_strdup_vprintf(fmt, ap);
        print_hook(print_hook_opaque, text);
        return;
    }
    vfprintf(stderr, fmt, ap);
}

void error_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprintf(fmt, ap);
    va_end(ap);
}

void loc_set_cmdline(const char *option, const char *arg)
{
    g_free(cur_loc);
    cur_loc = arg ? g_strdup_printf("%s %s", option, arg) : g_strdup(option);
    cur_loc_is_file = false;
}

void loc_set_file(const char *fname, int lineno)
{
    g_free(cur_loc);
    cur_loc = lineno ? g_strdup_printf("%s:%d", fname, lineno)
                     : g_strdup(fname);
    cur_loc_is_file = true;
}

void loc_set_none(void)
{
    g_free(cur_loc);
    cur_loc = NULL;
    cur_loc_is_file = false;
}

const char *loc_current(void)
{
    return cur_loc;
}

typedef enum { REPORT_ERROR, REPORT_WARNING, REPORT_INFO } ReportType;

static void vreport(ReportType type, const char *fmt, va_list ap)
{
    GString *line = g_string_new(NULL);

    if (message_with_timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
        g_string_append_printf(line, "%s.%06dZ ", ts,
                               g_date_time_get_microsecond(now));
    }
    if (!print_hook && error_progname) {
        g_string_append_printf(line, cur_loc && cur_loc_is_file ? "%s:" : "%s: ",
                               error_progname);
    }
    if (cur_loc) {
        g_string_append_printf(line, "%s: ", cur_loc);
    }
    if (type == REPORT_WARNING) {
        g_string_append(line, "warning: ");
    } else if (type == REPORT_INFO) {
        g_string_append(line, "info: ");
    }
    g_string_append_vprintf(line, fmt, ap);
    g_string_append_c(line, '\n');
    error_printf("%s", line->str);
    g_string_free(line, true);
}

void error_vreport(const char *fmt, va_list ap)
{
    vreport(REPORT_ERROR, fmt, ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_ERROR, fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_WARNING, fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_INFO, fmt, ap);
    va_end(ap);
}

void error_report_err(Error *err)
{
    error_report("%s", error_get_pretty(err));
    if (err->hint) {
        error_printf("%s", err->hint->str);
    }
    error_free(err);
}

void warn_report_err(Error *err)
{
    warn_report("%s", error_get_pretty(err));
    if (err->hint) {
        error_printf("%s", err->hint->str);
    }
    error_free(err);
}
