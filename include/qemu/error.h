/*
 * error.h: error reporting with Error objects, following QEMU's rules
 * (include/qapi/error.h in QEMU's tree).
 *
 * Rules, in short:
 * - A function that can fail takes "Error **errp" as its last parameter and
 *   returns a value that tells failure apart from success (bool true on
 *   success, a pointer NULL on failure, an int -errno on failure...).
 * - On failure it sets *errp exactly once with error_setg() or
 *   error_propagate(); on success it leaves *errp alone.
 * - errp may be NULL (the caller ignores the error), &error_abort (an error
 *   is a programming bug: abort with the message), or &error_fatal (report
 *   and exit(1)).
 * - Never dereference errp to test for an error; test the return value. When
 *   a callee returns no useful value, use ERRP_GUARD().
 * - *errp must be NULL on entry; setting an error twice is a bug.
 * - error_report*() write "progname: [location: ]message\n" to stderr.
 */
#ifndef QEMU_ERROR_H
#define QEMU_ERROR_H

typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR = 0,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
    ERROR_CLASS__MAX,
} ErrorClass;

typedef struct Error Error;

/* Special errp targets. */
extern Error *error_abort;
extern Error *error_fatal;
extern Error *error_warn;

/* QMP name of an error class ("GenericError", "CommandNotFound", ...). */
const char *error_class_name(ErrorClass cls);

const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);
Error *error_copy(const Error *err);
void error_free(Error *err);
void error_free_or_abort(Error **errp);

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    QEMU_PRINTF(5, 6);
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...) QEMU_PRINTF(6, 7);
void error_set_internal(Error **errp, const char *src, int line,
                        const char *func, ErrorClass cls, const char *fmt,
                        ...) QEMU_PRINTF(6, 7);

#define error_setg(errp, fmt, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, \
                        (fmt), ##__VA_ARGS__)
/* Appends ": strerror(os_errno)" to the message. */
#define error_setg_errno(errp, os_errno, fmt, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__, \
                              (os_errno), (fmt), ##__VA_ARGS__)
#define error_set(errp, cls, fmt, ...) \
    error_set_internal((errp), __FILE__, __LINE__, __func__, (cls), \
                       (fmt), ##__VA_ARGS__)

/* Move local_err into *dst_errp (or handle abort/fatal/NULL); frees it if
 * *dst_errp is already set. */
void error_propagate(Error **dst_errp, Error *local_err);
void error_propagate_prepend(Error **dst_errp, Error *local_err,
                             const char *fmt, ...) QEMU_PRINTF(3, 4);
/* Prefix the message of *errp (if errp and *errp are non-NULL). */
void error_prepend(Error **errp, const char *fmt, ...) QEMU_PRINTF(2, 3);
void error_vprepend(Error **errp, const char *fmt, va_list ap);
/* Add a hint printed after the message (on its own line) when reported. */
void error_append_hint(Error **errp, const char *fmt, ...) QEMU_PRINTF(2, 3);

/* Report to stderr ("progname: msg") and free. */
void error_report_err(Error *err);
void warn_report_err(Error *err);

/* ERRP_GUARD(): makes errp safe to dereference (*errp) in this function,
 * even when the caller passed NULL or &error_fatal. */
typedef struct ErrorPropagator {
    Error *local_err;
    Error **errp;
} ErrorPropagator;
void error_propagator_cleanup(ErrorPropagator *prop);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ErrorPropagator, error_propagator_cleanup)
#define ERRP_GUARD()                                                  \
    g_auto(ErrorPropagator) _auto_errp_prop = { .errp = errp };       \
    do {                                                              \
        if (!errp || errp == &error_fatal) {                          \
            errp = &_auto_errp_prop.local_err;                        \
        }                                                             \
    } while (0)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

/*
 * error_report() & co: "progname: [timestamp ][location: ]message\n" on
 * stderr (or on the current monitor, once monitors exist).
 */
void error_report(const char *fmt, ...) QEMU_PRINTF(1, 2);
void warn_report(const char *fmt, ...) QEMU_PRINTF(1, 2);
void info_report(const char *fmt, ...) QEMU_PRINTF(1, 2);
void error_vreport(const char *fmt, va_list ap);
void error_printf(const char *fmt, ...) QEMU_PRINTF(1, 2);
void error_vprintf(const char *fmt, va_list ap);

/* -msg timestamp=on */
extern bool message_with_timestamp;

/*
 * Location for error messages: the option being processed on the command
 * line ("-drive foo=bar: ") or a file and line ("file.cfg:3: ").
 * loc_push/pop nest; the command-line parser sets the current location.
 */
void loc_set_cmdline(const char *option, const char *arg);
void loc_set_file(const char *fname, int lineno);
void loc_set_none(void);
/* Returns the current location prefix (without ": "), or NULL. */
const char *loc_current(void);

/* Hook so that a monitor can take error output while it runs a command. */
typedef void (*ErrorPrintHook)(void *opaque, const char *text);
void error_set_print_hook(ErrorPrintHook hook, void *opaque);

#endif
