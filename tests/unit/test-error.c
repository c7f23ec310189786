/*
 * test-error.c: unit tests for util/error.c: setting, propagating and
 * decorating errors, the special targets (&error_abort, &error_fatal,
 * &error_warn), ERRP_GUARD, and the exact text error_report() prints.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "test-helpers.h"

#include <sys/wait.h>

/* Run fn in a child with stderr captured; returns the wait status. */
static int run_child(void (*fn)(void), char **err_out)
{
    g_autoptr(GString) s = g_string_new(NULL);
    int pipefd[2], status;
    char buf[256];
    ssize_t n;
    pid_t pid;

    g_assert_cmpint(pipe(pipefd), ==, 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        fn();
        _exit(0);
    }
    close(pipefd[1]);
    while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    close(pipefd[0]);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    *err_out = g_strdup(s->str);
    return status;
}

static void test_setg(void)
{
    Error *err = NULL;

    errno = 1234;
    error_setg(&err, "bad %s %d", "value", 42);
    g_assert_cmpint(errno, ==, 1234);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "bad value 42");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
    error_free_or_abort(&err);
    g_assert_null(err);

    /* errp NULL: the caller does not care, nothing happens */
    error_setg(NULL, "ignored");
    error_free(NULL);
}

static void test_set_class(void)
{
    static const struct {
        ErrorClass cls;
        const char *name;
    } classes[] = {
        { ERROR_CLASS_GENERIC_ERROR, "GenericError" },
        { ERROR_CLASS_COMMAND_NOT_FOUND, "CommandNotFound" },
        { ERROR_CLASS_DEVICE_NOT_ACTIVE, "DeviceNotActive" },
        { ERROR_CLASS_DEVICE_NOT_FOUND, "DeviceNotFound" },
        { ERROR_CLASS_KVM_MISSING_CAP, "KVMMissingCap" },
    };
    Error *err = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
        g_assert_cmpstr(error_class_name(classes[i].cls), ==,
                        classes[i].name);
    }
    g_assert_cmpstr(error_class_name(ERROR_CLASS__MAX), ==, "GenericError");
    g_assert_cmpstr(error_class_name(-1), ==, "GenericError");

    error_set(&err, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
              "net0");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'net0' not found");
    error_free(err);
}

static void test_setg_errno(void)
{
    Error *err = NULL;

    errno = 77;
    error_setg_errno(&err, ENOENT, "Could not open '%s'", "x.img");
    g_assert_cmpint(errno, ==, 77);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Could not open 'x.img': No such file or directory");
    error_free_or_abort(&err);

    /* errno 0: no strerror suffix */
    error_setg_errno(&err, 0, "plain");
    g_assert_cmpstr(error_get_pretty(err), ==, "plain");
    error_free_or_abort(&err);
}

static void test_propagate(void)
{
    Error *dst = NULL, *local = NULL, *second = NULL;

    error_propagate(&dst, NULL);
    g_assert_null(dst);

    error_setg(&local, "first");
    error_propagate(&dst, local);
    g_assert_cmpstr(error_get_pretty(dst), ==, "first");

    /* onto an error already set: the first one stays */
    error_setg(&second, "second");
    error_propagate(&dst, second);
    g_assert_cmpstr(error_get_pretty(dst), ==, "first");

    /* to NULL: freed (LeakSanitizer would notice otherwise) */
    local = NULL;
    error_setg(&local, "dropped");
    error_propagate(NULL, local);
    error_free(dst);
}

static void test_prepend(void)
{
    Error *err = NULL, *local = NULL;

    error_setg(&err, "Invalid parameter 'x'");
    error_prepend(&err, "%s: ", "drive0");
    error_prepend(&err, "Could not open: ");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Could not open: drive0: Invalid parameter 'x'");
    error_free_or_abort(&err);

    /* no error, nothing to prepend to */
    error_prepend(&err, "ignored: ");
    g_assert_null(err);
    error_prepend(NULL, "ignored: ");

    error_setg(&local, "inner");
    error_propagate_prepend(&err, local, "outer %d: ", 1);
    g_assert_cmpstr(error_get_pretty(err), ==, "outer 1: inner");

    /* when dst is taken, the new error is dropped unprefixed */
    local = NULL;
    error_setg(&local, "late");
    error_propagate_prepend(&err, local, "x: ");
    g_assert_cmpstr(error_get_pretty(err), ==, "outer 1: inner");
    error_free(err);
}

static void test_hint_and_copy(void)
{
    Error *err = NULL, *copy;
    g_autofree char *out = NULL;

    error_append_hint(NULL, "ignored\n");
    error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND, "The command foo has not "
              "been found");
    error_append_hint(&err, "Try %s\n", "help");
    error_append_hint(&err, "or read the manual\n");
    copy = error_copy(err);
    g_assert_cmpstr(error_get_pretty(copy), ==, error_get_pretty(err));
    g_assert_cmpint(error_get_class(copy), ==, ERROR_CLASS_COMMAND_NOT_FOUND);

    capture_start();
    error_report_err(err);
    warn_report_err(copy);
    out = capture_end();
    g_assert_cmpstr(out, ==,
                    "The command foo has not been found\n"
                    "Try help\nor read the manual\n"
                    "warning: The command foo has not been found\n"
                    "Try help\nor read the manual\n");
}

static void abort_child(void)
{
    error_setg(&error_abort, "boom %d", 7);
}

static void test_error_abort(void)
{
    g_autofree char *err = NULL;
    int status = run_child(abort_child, &err);

    g_assert_true(WIFSIGNALED(status));
    g_assert_cmpint(WTERMSIG(status), ==, SIGABRT);
    g_assert_true(g_str_has_prefix(err, "Unexpected error in abort_child() "
                                   "at "));
    g_assert_nonnull(strstr(err, "test-error.c:"));
    g_assert_nonnull(strstr(err, "\nqemu-system-x86_64: boom 7\n"));
}

static void propagate_abort_child(void)
{
    Error *local = NULL;

    error_setg(&local, "propagated");
    error_propagate(&error_abort, local);
}

static void test_error_abort_propagate(void)
{
    g_autofree char *err = NULL;
    int status = run_child(propagate_abort_child, &err);

    g_assert_true(WIFSIGNALED(status));
    g_assert_nonnull(strstr(err, "qemu-system-x86_64: propagated\n"));
}

static void fatal_child(void)
{
    error_setg(&error_fatal, "cannot continue: %s", "no memory");
}

static void fatal_hint_child(void)
{
    Error *local = NULL;

    error_setg(&local, "Parameter 'id' expects an identifier");
    error_append_hint(&local, "Identifiers consist of letters.\n");
    loc_set_cmdline("-chardev", "null,id=1");
    error_propagate(&error_fatal, local);
}

static void test_error_fatal(void)
{
    g_autofree char *err = NULL, *err2 = NULL;
    int status = run_child(fatal_child, &err);

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_cmpstr(err, ==,
                    "qemu-system-x86_64: cannot continue: no memory\n");

    status = run_child(fatal_hint_child, &err2);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_cmpstr(err2, ==,
                    "qemu-system-x86_64: -chardev null,id=1: Parameter 'id' "
                    "expects an identifier\nIdentifiers consist of letters.\n");
}

static void test_error_warn(void)
{
    g_autofree char *out = NULL;

    capture_start();
    error_setg(&error_warn, "just a %s", "warning");
    out = capture_end();
    g_assert_cmpstr(out, ==, "warning: just a warning\n");
    g_assert_null(error_warn);
}

/* A callee that needs to look at *errp after a void call. */
static void set_maybe(bool fail, Error **errp)
{
    if (fail) {
        error_setg(errp, "inner failure");
    }
}

static bool guarded(bool fail, Error **errp)
{
    ERRP_GUARD();

    set_maybe(fail, errp);
    if (*errp) {
        error_prepend(errp, "guarded: ");
        error_append_hint(errp, "a hint that &error_fatal would lose\n");
        return false;
    }
    return true;
}

static void guarded_fatal_child(void)
{
    guarded(true, &error_fatal);
}

static void test_errp_guard(void)
{
    Error *err = NULL;
    g_autofree char *out = NULL;
    int status;

    g_assert_true(guarded(false, &err));
    g_assert_null(err);
    g_assert_false(guarded(true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "guarded: inner failure");
    error_free_or_abort(&err);

    /* NULL errp: *errp is still safe to read inside, nothing leaks */
    g_assert_false(guarded(true, NULL));
    g_assert_true(guarded(false, NULL));

    /* &error_fatal: the hint survives and the process exits 1 */
    status = run_child(guarded_fatal_child, &out);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_cmpstr(out, ==, "qemu-system-x86_64: guarded: inner failure\n"
                    "a hint that &error_fatal would lose\n");
}

static void test_report_location(void)
{
    g_autofree char *out = NULL;

    capture_start();
    loc_set_none();
    error_report("no location");
    loc_set_cmdline("-drive", "file=x.img");
    g_assert_cmpstr(loc_current(), ==, "-drive file=x.img");
    error_report("Could not open '%s'", "x.img");
    warn_report("careful");
    info_report("fyi");
    loc_set_cmdline("-nodefaults", NULL);
    error_report("option alone");
    loc_set_file("vm.cfg", 3);
    error_report("in a file");
    loc_set_file("vm.cfg", 0);
    error_report("whole file");
    error_printf("raw %d\n", 1);
    loc_set_none();
    g_assert_null(loc_current());
    error_report("done");
    out = capture_end();
    g_assert_cmpstr(out, ==,
                    "no location\n"
                    "-drive file=x.img: Could not open 'x.img'\n"
                    "-drive file=x.img: warning: careful\n"
                    "-drive file=x.img: info: fyi\n"
                    "-nodefaults: option alone\n"
                    "vm.cfg:3: in a file\n"
                    "vm.cfg: whole file\n"
                    "raw 1\n"
                    "done\n");
}

static void stderr_child(void)
{
    error_report("plain");
    loc_set_cmdline("-drive", "foo=bar");
    error_report("Invalid parameter '%s'", "foo");
    warn_report("w");
    /* QEMU prints a file location without a space after the name */
    loc_set_file("vm.cfg", 2);
    error_report("There is no option group 'x'");
    loc_set_none();
}

static void test_report_stderr(void)
{
    g_autofree char *err = NULL;
    int status = run_child(stderr_child, &err);

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert_cmpstr(err, ==,
                    "qemu-system-x86_64: plain\n"
                    "qemu-system-x86_64: -drive foo=bar: Invalid parameter "
                    "'foo'\n"
                    "qemu-system-x86_64: -drive foo=bar: warning: w\n"
                    "qemu-system-x86_64:vm.cfg:2: There is no option group "
                    "'x'\n");
}

static void timestamp_child(void)
{
    message_with_timestamp = true;
    error_report("stamped");
}

static void test_report_timestamp(void)
{
    g_autofree char *out = NULL, *err = NULL;
    int status;

    message_with_timestamp = true;
    loc_set_cmdline("-m", "foo");
    capture_start();
    error_report("with time");
    out = capture_end();
    message_with_timestamp = false;
    loc_set_none();
    g_assert_true(g_regex_match_simple(
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z "
        "-m foo: with time\n$", out, 0, 0));

    status = run_child(timestamp_child, &err);
    g_assert_true(WIFEXITED(status));
    g_assert_true(g_regex_match_simple(
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z "
        "qemu-system-x86_64: stamped\n$", err, 0, 0));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/error/setg", test_setg);
    g_test_add_func("/error/set-class", test_set_class);
    g_test_add_func("/error/setg-errno", test_setg_errno);
    g_test_add_func("/error/propagate", test_propagate);
    g_test_add_func("/error/prepend", test_prepend);
    g_test_add_func("/error/hint-copy", test_hint_and_copy);
    g_test_add_func("/error/abort", test_error_abort);
    g_test_add_func("/error/abort-propagate", test_error_abort_propagate);
    g_test_add_func("/error/fatal", test_error_fatal);
    g_test_add_func("/error/warn", test_error_warn);
    g_test_add_func("/error/errp-guard", test_errp_guard);
    g_test_add_func("/error/report/location", test_report_location);
    g_test_add_func("/error/report/stderr", test_report_stderr);
    g_test_add_func("/error/report/timestamp", test_report_timestamp);
    return g_test_run();
}
