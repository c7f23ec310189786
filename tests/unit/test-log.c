/*
 * test-log.c: unit tests for util/log.c and util/trace.c: -d item parsing
 * and its help text, -D files, mask filtering, concurrent qemu_log(), and
 * trace events switched by patterns, -trace options and events files.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "test-helpers.h"

static const char *tmpdir;

/* --- -d ------------------------------------------------------------------ */

static const struct {
    const char *name;
    int mask;
} log_names[] = {
    { "out_asm", CPU_LOG_TB_OUT_ASM }, { "in_asm", CPU_LOG_TB_IN_ASM },
    { "op", CPU_LOG_TB_OP }, { "op_opt", CPU_LOG_TB_OP_OPT },
    { "op_ind", CPU_LOG_TB_OP_IND }, { "int", CPU_LOG_INT },
    { "exec", CPU_LOG_EXEC }, { "cpu", CPU_LOG_TB_CPU },
    { "fpu", CPU_LOG_TB_FPU }, { "mmu", CPU_LOG_MMU },
    { "pcall", CPU_LOG_PCALL }, { "cpu_reset", CPU_LOG_RESET },
    { "unimp", LOG_UNIMP }, { "guest_errors", LOG_GUEST_ERROR },
    { "page", CPU_LOG_PAGE }, { "nochain", CPU_LOG_TB_NOCHAIN },
    { "plugin", CPU_LOG_PLUGIN }, { "strace", LOG_STRACE },
    { "tid", LOG_PER_THREAD },
};

static void test_mask_items(void)
{
    int all = 0;

    for (size_t i = 0; i < ARRAY_SIZE(log_names); i++) {
        g_assert_cmpint(qemu_str_to_log_mask(log_names[i].name, &error_abort),
                        ==, log_names[i].mask);
        all |= log_names[i].mask;
    }
    g_assert_cmpint(qemu_str_to_log_mask("all", &error_abort), ==, all);
    g_assert_cmpint(qemu_str_to_log_mask("int,guest_errors,unimp",
                                         &error_abort), ==,
                    CPU_LOG_INT | LOG_GUEST_ERROR | LOG_UNIMP);
    g_assert_cmpint(qemu_str_to_log_mask("int,int", &error_abort), ==,
                    CPU_LOG_INT);
}

static void test_mask_errors(void)
{
    static const struct {
        const char *in;
        const char *msg;
    } bad[] = {
        { "foo", "Unknown -d item 'foo'" },
        { "int,foo", "Unknown -d item 'foo'" },
        { "INT", "Unknown -d item 'INT'" },
        { "help", "Unknown -d item 'help'" },
        { "", "Unknown -d item ''" },
        { ",int", "Unknown -d item ''" },
        { "int,,guest_errors", "Unknown -d item ''" },
        { "int,", "Unknown -d item ''" },
        { "trace", "Unknown -d item 'trace'" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;

        g_assert_cmpint(qemu_str_to_log_mask(bad[i].in, &err), ==, 0);
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, bad[i].msg);
        error_free(err);
    }
}

/* QEMU 7.2's "-d help", byte for byte. */
static const char log_usage[] =
    "Log items (comma separated):\n"
    "out_asm         show generated host assembly code for each compiled TB\n"
    "in_asm          show target assembly code for each compiled TB\n"
    "op              show micro ops for each compiled TB\n"
    "op_opt          show micro ops after optimization\n"
    "op_ind          show micro ops before indirect lowering\n"
    "int             show interrupts/exceptions in short format\n"
    "exec            show trace before each executed TB (lots of logs)\n"
    "cpu             show CPU registers before entering a TB (lots of logs)\n"
    "fpu             include FPU registers in the 'cpu' logging\n"
    "mmu             log MMU-related activities\n"
    "pcall           x86 only: show protected mode far calls/returns/"
    "exceptions\n"
    "cpu_reset       show CPU state before CPU resets\n"
    "unimp           log unimplemented functionality\n"
    "guest_errors    log when the guest OS does something invalid (eg "
    "accessing a\nnon-existent register)\n"
    "page            dump pages at beginning of user mode emulation\n"
    "nochain         do not chain compiled TBs so that \"exec\" and \"cpu\" "
    "show\ncomplete traces\n"
    "plugin          output from TCG plugins\n\n"
    "strace          log every user-mode syscall, its input, and its result\n"
    "tid             open a separate log file per thread; filename must "
    "contain '%d'\n"
    "trace:PATTERN   enable trace events\n"
    "\nUse \"-d trace:help\" to get a list of trace events.\n\n";

static void test_usage(void)
{
    char *buf = print_to_string(qemu_print_log_usage);

    g_assert_cmpstr(buf, ==, log_usage);
    for (size_t i = 0; i < ARRAY_SIZE(log_names); i++) {
        g_autofree char *line = g_strdup_printf("\n%-15s ", log_names[i].name);

        g_assert_nonnull(strstr(buf, line));
    }
    g_free(buf);
}

/* --- -D and qemu_log ----------------------------------------------------- */

static void test_logfile(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "log.txt", NULL);
    g_autofree char *text = NULL;

    g_assert_true(qemu_set_log_filename(path, &error_abort));
    qemu_set_log(LOG_GUEST_ERROR | CPU_LOG_INT);
    g_assert_true(qemu_loglevel_mask(LOG_GUEST_ERROR));
    g_assert_false(qemu_loglevel_mask(LOG_UNIMP));
    qemu_log("plain %d\n", 1);
    qemu_log_mask(LOG_UNIMP, "unimp is off\n");
    qemu_log_mask(LOG_GUEST_ERROR, "guest did %s\n", "wrong");
    qemu_log_mask(LOG_UNIMP | CPU_LOG_INT, "either bit\n");
    /* line-buffered: visible before the file is closed */
    text = read_file(path);
    g_assert_cmpstr(text, ==, "plain 1\nguest did wrong\neither bit\n");
    g_free(text);

    /* a held log serialises a multi-line dump */
    {
        FILE *f = qemu_log_lock();

        fprintf(f, "dump 1\n");
        fprintf(f, "dump 2\n");
        qemu_log_unlock(f);
    }

    /* -D again truncates, as QEMU does */
    g_assert_true(qemu_set_log_filename(path, &error_abort));
    qemu_log("again\n");
    qemu_log_close();
    text = read_file(path);
    g_assert_cmpstr(text, ==, "again\n");
    qemu_set_log(0);
    g_assert_false(qemu_loglevel_mask(LOG_GUEST_ERROR));
}

static void test_logfile_errors(void)
{
    Error *err = NULL;
    g_autofree char *bad = g_build_filename(tmpdir, "nodir", "x.log", NULL);
    g_autofree char *msg = g_strdup_printf(
        "Error opening logfile %s: No such file or directory", bad);
    g_autofree char *fmt = g_build_filename(tmpdir, "log.%s", NULL);
    g_autofree char *fmt_msg = g_strdup_printf("Bad logfile format: %s", fmt);
    g_autofree char *two = g_build_filename(tmpdir, "%d.%d", NULL);
    g_autofree char *pid = g_build_filename(tmpdir, "log.%d", NULL);
    g_autofree char *pid_path = g_strdup_printf("%s/log.%d", tmpdir,
                                                (int)getpid());

    g_assert_false(qemu_set_log_filename(bad, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free_or_abort(&err);
    g_assert_false(qemu_set_log_filename(fmt, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, fmt_msg);
    error_free_or_abort(&err);
    g_assert_false(qemu_set_log_filename(two, &err));
    error_free_or_abort(&err);

    g_assert_true(qemu_set_log_filename(pid, &error_abort));
    qemu_log("pid\n");
    qemu_log_close();
    g_assert_true(g_file_test(pid_path, G_FILE_TEST_EXISTS));
    g_assert_true(qemu_set_log_filename(NULL, &error_abort));
}

#define LOG_THREADS 4
#define LOG_LINES 2000

static gpointer log_thread(gpointer opaque)
{
    int id = GPOINTER_TO_INT(opaque);

    for (int i = 0; i < LOG_LINES; i++) {
        qemu_log("thread %d line %d end\n", id, i);
    }
    return NULL;
}

/* Lines from several threads never interleave. */
static void test_log_threads(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "threads.txt", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GThread *threads[LOG_THREADS];
    int next[LOG_THREADS] = { 0 };
    guint n;

    g_assert_true(qemu_set_log_filename(path, &error_abort));
    for (int i = 0; i < LOG_THREADS; i++) {
        threads[i] = g_thread_new("log", log_thread, GINT_TO_POINTER(i));
    }
    for (int i = 0; i < LOG_THREADS; i++) {
        g_thread_join(threads[i]);
    }
    qemu_log_close();

    text = read_file(path);
    lines = g_strsplit(text, "\n", -1);
    n = g_strv_length(lines);
    g_assert_cmpuint(n, ==, LOG_THREADS * LOG_LINES + 1);
    for (guint i = 0; i + 1 < n; i++) {
        int id, line;
        char end[4];

        g_assert_cmpint(sscanf(lines[i], "thread %d line %d %3s", &id, &line,
                               end), ==, 3);
        g_assert_cmpstr(end, ==, "end");
        g_assert_cmpint(id, >=, 0);
        g_assert_cmpint(id, <, LOG_THREADS);
        /* each thread's lines stay in order */
        g_assert_cmpint(line, ==, next[id]);
        next[id]++;
    }
}

/* --- trace events -------------------------------------------------------- */

static TraceEvent ev_alpha = { "test_alpha" };
static TraceEvent ev_beta = { "test_beta" };
static TraceEvent ev_gamma = { "other_gamma" };
static TraceEvent ev_late = { "test_late" };
static TraceEvent ev_late_off = { "test_late_off" };

static void register_events(void)
{
    trace_event_register(&ev_alpha);
    trace_event_register(&ev_beta);
    trace_event_register(&ev_gamma);
    trace_event_register(&ev_alpha);    /* twice is harmless */
}

static void test_trace_patterns(void)
{
    Error *err = NULL;

    g_assert_true(trace_enable_events("test_*", &error_abort));
    g_assert_true(ev_alpha.enabled);
    g_assert_true(ev_beta.enabled);
    g_assert_false(ev_gamma.enabled);
    g_assert_true(trace_enable_events("-test_b?ta", &error_abort));
    g_assert_false(ev_beta.enabled);
    g_assert_true(trace_enable_events("other_gamma", &error_abort));
    g_assert_true(ev_gamma.enabled);
    g_assert_true(trace_enable_events("-*", &error_abort));
    g_assert_false(ev_alpha.enabled || ev_beta.enabled || ev_gamma.enabled);

    g_assert_false(trace_enable_events("nomatch", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "trace event 'nomatch' does not exist");
    error_free_or_abort(&err);
    g_assert_false(trace_enable_events("-nomatch_*", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "trace event 'nomatch_*' does not exist");
    error_free_or_abort(&err);

    /* events registered later follow the patterns given so far */
    /* nothing matches yet: false, but the pattern is kept */
    g_assert_false(trace_enable_events("test_late*", NULL));
    g_assert_false(trace_enable_events("-test_late_off", NULL));
    trace_event_register(&ev_late);
    trace_event_register(&ev_late_off);
    g_assert_true(ev_late.enabled);
    g_assert_false(ev_late_off.enabled);
    g_assert_true(trace_enable_events("-test_late*", &error_abort));
}

static void test_trace_output(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "trace.txt", NULL);
    g_autofree char *text = NULL;

    g_assert_true(qemu_set_log_filename(path, &error_abort));
    trace_event(&ev_alpha, "addr 0x%x", 0x10);
    g_assert_true(trace_enable_events("test_alpha", &error_abort));
    trace_event(&ev_alpha, "addr 0x%x", 0x20);
    trace_event(&ev_beta, "never");
    qemu_log_close();
    text = read_file(path);
    g_assert_cmpstr(text, ==, "test_alpha addr 0x20\n");
    g_assert_true(trace_enable_events("-*", &error_abort));
}

static void test_trace_opt(void)
{
    Error *err = NULL;
    g_autofree char *events = g_build_filename(tmpdir, "events", NULL);
    g_autofree char *log = g_build_filename(tmpdir, "trace-file.txt", NULL);
    g_autofree char *arg = g_strdup_printf("events=%s", events);
    g_autofree char *farg = g_strdup_printf("test_beta,file=%s", log);
    g_autofree char *expect = NULL;
    g_autofree char *out = NULL;

    g_assert_true(trace_opt_parse("test_alpha", &error_abort));
    g_assert_true(ev_alpha.enabled);
    g_assert_true(trace_opt_parse("enable=other_*", &error_abort));
    g_assert_true(ev_gamma.enabled);
    g_assert_true(trace_opt_parse("", &error_abort));

    g_assert_true(g_file_set_contents(events,
                                      "# comment line\n"
                                      "\n"
                                      "-test_alpha\n"
                                      "  test_beta  \n"
                                      "missing_event\n"
                                      "missing_glob*\n"
                                      "-other_gamma", -1, NULL));
    loc_set_cmdline("-trace", arg);
    capture_start();
    g_assert_true(trace_opt_parse(arg, &error_abort));
    out = capture_end();
    g_assert_false(ev_alpha.enabled);
    g_assert_true(ev_beta.enabled);
    g_assert_false(ev_gamma.enabled);
    /* warnings point at the file and line; globs that match nothing are
     * silent, as in QEMU */
    expect = g_strdup_printf("%s:5: warning: trace event 'missing_event' "
                             "does not exist\n", events);
    g_assert_cmpstr(out, ==, expect);
    /* and the caller's location is back afterwards */
    g_assert_nonnull(loc_current());
    g_assert_true(g_str_has_prefix(loc_current(), "-trace events="));
    g_free(out);

    loc_set_cmdline("-trace", "nonexist_xx");
    capture_start();
    g_assert_true(trace_opt_parse("nonexist_xx", &error_abort));
    g_assert_true(trace_opt_parse("nonexist_*", &error_abort));
    out = capture_end();
    g_assert_cmpstr(out, ==, "-trace nonexist_xx: warning: trace event "
                    "'nonexist_xx' does not exist\n");
    loc_set_none();

    g_assert_false(trace_opt_parse("foo=bar", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'foo'");
    error_free_or_abort(&err);
    g_assert_false(trace_opt_parse("a,enable=b", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Duplicate parameter 'enable'");
    error_free_or_abort(&err);
    g_assert_false(trace_opt_parse("events=/nonexistent/ev", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "/nonexistent/ev: No such file or directory");
    error_free_or_abort(&err);
    g_assert_false(trace_opt_parse("file=/nonexistent/log", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Error opening logfile "
                    "/nonexistent/log: No such file or directory");
    error_free_or_abort(&err);

    /* file= is -D */
    g_assert_true(trace_opt_parse(farg, &error_abort));
    trace_event(&ev_beta, "%d", 7);
    qemu_log_close();
    g_free(out);
    out = read_file(log);
    g_assert_cmpstr(out, ==, "test_beta 7\n");

    /* -d trace:PATTERN */
    g_assert_cmpint(qemu_str_to_log_mask("trace:other_gamma,int",
                                         &error_abort), ==,
                    LOG_TRACE | CPU_LOG_INT);
    g_assert_true(ev_gamma.enabled);
    g_assert_true(trace_enable_events("-*", &error_abort));
}

/* "-trace help", "-trace enable=help", "-trace ?", "-d trace:help" */
static void test_trace_help(gconstpointer data)
{
    const char *arg = data;

    if (g_test_subprocess()) {
        if (g_str_has_prefix(arg, "trace:")) {
            qemu_str_to_log_mask(arg, &error_abort);
        } else {
            trace_opt_parse(arg, &error_abort);
        }
        /* not reached: help exits */
        exit(3);
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
    /* only the events of main(): the subprocess runs this test alone */
    g_test_trap_assert_stdout("other_gamma\ntest_alpha\ntest_beta\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = test_tmpdir_init("test-log");
    register_events();

    g_test_add_func("/log/mask/items", test_mask_items);
    g_test_add_func("/log/mask/errors", test_mask_errors);
    g_test_add_func("/log/usage", test_usage);
    g_test_add_func("/log/file", test_logfile);
    g_test_add_func("/log/file-errors", test_logfile_errors);
    g_test_add_func("/log/threads", test_log_threads);
    g_test_add_func("/trace/patterns", test_trace_patterns);
    g_test_add_func("/trace/output", test_trace_output);
    g_test_add_func("/trace/opt", test_trace_opt);
    g_test_add_data_func("/trace/help/plain", "help", test_trace_help);
    g_test_add_data_func("/trace/help/enable", "enable=help",
                         test_trace_help);
    g_test_add_data_func("/trace/help/question", "?", test_trace_help);
    g_test_add_data_func("/trace/help/log-mask", "trace:help",
                         test_trace_help);
    return test_tmpdir_cleanup(g_test_run());
}
