/*
 * trace.c: named trace points switched on by glob patterns (-trace,
 * -d trace:PATTERN). Enabled events print through qemu_log(); there is no
 * binary trace backend. The registry also remembers the patterns so that
 * events registered after the command line was read are switched too.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/log.h"
#include "qemu/opts.h"

typedef struct TracePattern {
    char *glob;
    bool enable;
} TracePattern;

static GMutex trace_lock;
static GPtrArray *trace_events;     /* of TraceEvent, registration order */
static GPtrArray *trace_patterns;   /* of TracePattern, oldest first */

static QemuOptsList trace_opts = {
    .name = "trace",
    .implied_opt_name = "enable",
    .desc = {
        { .name = "enable", .type = QEMU_OPT_STRING },
        { .name = "events", .type = QEMU_OPT_STRING },
        { .name = "file", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

static void trace_pattern_free(gpointer p)
{
    TracePattern *tp = p;

    g_free(tp->glob);
    g_free(tp);
}

void trace_event_register(TraceEvent *ev)
{
    g_mutex_lock(&trace_lock);
    if (!trace_events) {
        trace_events = g_ptr_array_new();
    }
    if (!g_ptr_array_find(trace_events, ev, NULL)) {
        g_ptr_array_add(trace_events, ev);
        /* Replay in order, so "-trace '*' -trace -foo" still wins for foo */
        for (guint i = 0; trace_patterns && i < trace_patterns->len; i++) {
            TracePattern *tp = g_ptr_array_index(trace_patterns, i);

            if (g_pattern_match_simple(tp->glob, ev->name)) {
                ev->enabled = tp->enable;
            }
        }
    }
    g_mutex_unlock(&trace_lock);
}

/* Keep a pattern for later registrations; a repeated glob moves to the
 * end so the list stays as long as the number of distinct globs. */
static void trace_remember(const char *glob, bool enable)
{
    TracePattern *tp = g_new0(TracePattern, 1);

    if (!trace_patterns) {
        trace_patterns = g_ptr_array_new_with_free_func(trace_pattern_free);
    }
    for (guint i = 0; i < trace_patterns->len; i++) {
        TracePattern *old = g_ptr_array_index(trace_patterns, i);

        if (!strcmp(old->glob, glob)) {
            g_ptr_array_remove_index(trace_patterns, i);
            break;
        }
    }
    tp->glob = g_strdup(glob);
    tp->enable = enable;
    g_ptr_array_add(trace_patterns, tp);
}

bool trace_enable_events(const char *pattern, Error **errp)
{
    bool enable = pattern[0] != '-';
    const char *glob = enable ? pattern : pattern + 1;
    unsigned matched = 0;

    g_mutex_lock(&trace_lock);
    trace_remember(glob, enable);
    for (guint i = 0; trace_events && i < trace_events->len; i++) {
        TraceEvent *ev = g_ptr_array_index(trace_events, i);

        if (g_pattern_match_simple(glob, ev->name)) {
            ev->enabled = enable;
            matched++;
        }
    }
    g_mutex_unlock(&trace_lock);

    if (!matched) {
        error_setg(errp, "trace event '%s' does not exist", glob);
        return false;
    }
    return true;
}

static bool trace_is_help(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

void trace_enable_events_noisily(const char *pattern)
{
    Error *err = NULL;
    const char *glob = pattern[0] == '-' ? pattern + 1 : pattern;

    if (trace_is_help(pattern)) {
        trace_list_events(stdout);
        exit(0);
    }
    if (!trace_enable_events(pattern, &err)) {
        /* QEMU only complains about names; a glob may well match nothing */
        if (strpbrk(glob, "*?")) {
            error_free(err);
        } else {
            warn_report_err(err);
        }
    }
}

static gint trace_name_cmp(gconstpointer a, gconstpointer b)
{
    const TraceEvent *ea = *(TraceEvent *const *)a;
    const TraceEvent *eb = *(TraceEvent *const *)b;

    return strcmp(ea->name, eb->name);
}

void trace_list_events(FILE *f)
{
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();

    g_mutex_lock(&trace_lock);
    for (guint i = 0; trace_events && i < trace_events->len; i++) {
        g_ptr_array_add(sorted, g_ptr_array_index(trace_events, i));
    }
    g_mutex_unlock(&trace_lock);

    g_ptr_array_sort(sorted, trace_name_cmp);
    for (guint i = 0; i < sorted->len; i++) {
        fprintf(f, "%s\n", ((TraceEvent *)g_ptr_array_index(sorted, i))->name);
    }
}

/* The location is a string in error.c; put the caller's one back after
 * pointing warnings at FILE:LINE. */
static void trace_restore_loc(const char *saved)
{
    if (saved) {
        loc_set_cmdline(saved, NULL);
    } else {
        loc_set_none();
    }
}

static bool trace_read_events_file(const char *fname, Error **errp)
{
    g_autofree char *saved = g_strdup(loc_current());
    g_autofree char *line = NULL;
    size_t cap = 0;
    int lineno = 0;
    FILE *f = fopen(fname, "r");

    if (!f) {
        error_setg_errno(errp, errno, "%s", fname);
        return false;
    }
    while (getline(&line, &cap, f) >= 0) {
        char *pattern = g_strstrip(line);

        lineno++;
        if (!*pattern || *pattern == '#') {
            continue;
        }
        loc_set_file(fname, lineno);
        trace_enable_events_noisily(pattern);
        trace_restore_loc(saved);
    }
    fclose(f);
    return true;
}

bool trace_opt_parse(const char *optarg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(&trace_opts, optarg, true, errp);
    const char *val;
    bool ok = true;

    if (!opts) {
        return false;
    }
    val = qemu_opt_get(opts, "enable");
    if (val) {
        trace_enable_events_noisily(val);
    }
    val = qemu_opt_get(opts, "events");
    if (val) {
        ok = trace_read_events_file(val, errp);
    }
    val = qemu_opt_get(opts, "file");
    if (ok && val) {
        ok = qemu_set_log_filename(val, errp);
    }
    qemu_opts_del(opts);
    return ok;
}
