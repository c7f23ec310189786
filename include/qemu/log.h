/*
 * log.h: debug logging selected with -d (categories) and -D (file).
 *
 * qemu_log_mask(LOG_GUEST_ERROR, ...) is how device models report what a
 * guest did wrong: it never stops the machine, it only writes to the log
 * when the category is enabled.
 */
#ifndef QEMU_LOG_H
#define QEMU_LOG_H

#include "qemu/error.h"

#define CPU_LOG_TB_OUT_ASM  (1 << 0)
#define CPU_LOG_TB_IN_ASM   (1 << 1)
#define CPU_LOG_TB_OP       (1 << 2)
#define CPU_LOG_TB_OP_OPT   (1 << 3)
#define CPU_LOG_INT         (1 << 4)
#define CPU_LOG_EXEC        (1 << 5)
#define CPU_LOG_PCALL       (1 << 6)
#define CPU_LOG_TB_CPU      (1 << 8)
#define CPU_LOG_RESET       (1 << 9)
#define LOG_UNIMP           (1 << 10)
#define LOG_GUEST_ERROR     (1 << 11)
#define CPU_LOG_MMU         (1 << 12)
#define CPU_LOG_TB_NOCHAIN  (1 << 13)
#define CPU_LOG_PAGE        (1 << 14)
#define LOG_TRACE           (1 << 15)
#define CPU_LOG_TB_OP_IND   (1 << 16)
#define CPU_LOG_TB_FPU      (1 << 17)
#define CPU_LOG_PLUGIN      (1 << 18)
#define LOG_STRACE          (1 << 19)
#define LOG_PER_THREAD      (1 << 20)
#define CPU_LOG_TB_VPU      (1 << 21)
#define LOG_TB_OP_PLUGIN    (1 << 22)

extern int qemu_loglevel;

static inline bool qemu_loglevel_mask(int mask)
{
    return (qemu_loglevel & mask) != 0;
}

/* Write to the log (stderr unless -D gave a file). Thread-safe. */
void qemu_log(const char *fmt, ...) QEMU_PRINTF(1, 2);
/* Hold the log for a multi-line dump (register state...): returns the
 * stream to write to; qemu_log() from other threads waits until
 * qemu_log_unlock(). Do not call qemu_log() while holding it. */
FILE *qemu_log_lock(void);
void qemu_log_unlock(FILE *f);

#define qemu_log_mask(MASK, FMT, ...)                 \
    do {                                              \
        if (unlikely(qemu_loglevel_mask(MASK))) {     \
            qemu_log(FMT, ##__VA_ARGS__);             \
        }                                             \
    } while (0)

#ifndef unlikely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/*
 * "-d item1,item2": returns the mask, or 0 with *errp set on an unknown or
 * empty item ("Unknown -d item 'foo'", with a hint to use -d help).
 * "all" selects every item; "trace:PATTERN" enables trace events (see
 * trace_enable_events_noisily(), "trace:help" lists them and exits).
 * "help" is not a log item: the caller checks for it first and prints
 * qemu_print_log_usage(). (QEMU 7.2 itself reports no message for a bad
 * item: it prints the usage to stdout and exits 1, also for "help".)
 */
int qemu_str_to_log_mask(const char *str, Error **errp);
/* The "-d help" text, worded as QEMU's. */
void qemu_print_log_usage(FILE *f);
/* Set the -d mask (replaces the previous one). */
void qemu_set_log(int log_flags);
/* -D file: open (truncating, as QEMU does) the log file; later qemu_log()
 * output goes there. One "%d" in the name becomes the process id; other
 * '%' are refused ("Bad logfile format: x"). Failure to open: "Error
 * opening logfile x: <strerror>". NULL or "" goes back to stderr. */
bool qemu_set_log_filename(const char *filename, Error **errp);
/* Flush and close the log file (at exit). */
void qemu_log_close(void);

/*
 * Named trace points (-trace pattern, -trace enable=pattern,
 * -trace events=FILE). Trace events are registered by name; when enabled
 * they print "name arg..." to the log.
 */
typedef struct TraceEvent {
    const char *name;
    bool enabled;
} TraceEvent;
/* Add an event to the registry (once; the struct must outlive it). */
void trace_event_register(TraceEvent *ev);
/* Enable (or with a leading '-', disable) every event matching the glob
 * pattern. Returns false with *errp set when no event matches ("trace
 * event 'x' does not exist"). The pattern is remembered, so events
 * registered later are switched too. */
bool trace_enable_events(const char *pattern, Error **errp);
/* The command-line flavour, as QEMU: "help" (or "?") lists the events and
 * exits 0; a plain name that matches nothing is a warning ("trace event
 * 'x' does not exist"), a glob that matches nothing is silent. */
void trace_enable_events_noisily(const char *pattern);
/* Parse the -trace option's argument (pattern | enable=|events=|file=).
 * events=FILE has one pattern per line; blank lines and lines starting
 * with '#' are skipped; warnings name FILE:LINE. file=FILE is -D FILE.
 * Errors: unknown keys ("Invalid parameter 'foo'"), an events file that
 * cannot be read, a log file that cannot be opened. */
bool trace_opt_parse(const char *optarg, Error **errp);
/* Print the names of all registered events, one per line, sorted. */
void trace_list_events(FILE *f);
#define trace_event(ev, fmt, ...)                                      \
    do {                                                               \
        if (unlikely((ev)->enabled)) {                                 \
            qemu_log("%s " fmt "\n", (ev)->name, ##__VA_ARGS__);       \
        }                                                              \
    } while (0)

#endif
