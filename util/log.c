/*
 * log.c: the debug log selected with -d (categories) and -D (file).
 * qemu_log() is safe from any thread; the file is line-buffered so that a
 * crash loses at most a partial line. Named trace points live in trace.c.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/log.h"
#include "qemu/cutils.h"

int qemu_loglevel;

static GMutex log_lock;
static FILE *log_file;          /* NULL: stderr */

typedef struct LogItem {
    int mask;
    const char *name;
    const char *help;
} LogItem;

/* Names and help texts are QEMU's (qemu-system-x86_64 -d help). */
static const LogItem log_items[] = {
    { CPU_LOG_TB_OUT_ASM, "out_asm",
      "show generated host assembly code for each compiled TB" },
    { CPU_LOG_TB_IN_ASM, "in_asm",
      "show target assembly code for each compiled TB" },
    { CPU_LOG_TB_OP, "op", "show micro ops for each compiled TB" },
    { CPU_LOG_TB_OP_OPT, "op_opt", "show micro ops after optimization" },
    { CPU_LOG_TB_OP_IND, "op_ind", "show micro ops before indirect lowering" },
    { CPU_LOG_INT, "int", "show interrupts/exceptions in short format" },
    { CPU_LOG_EXEC, "exec",
      "show trace before each executed TB (lots of logs)" },
    { CPU_LOG_TB_CPU, "cpu",
      "show CPU registers before entering a TB (lots of logs)" },
    { CPU_LOG_TB_FPU, "fpu", "include FPU registers in the 'cpu' logging" },
    { CPU_LOG_MMU, "mmu", "log MMU-related activities" },
    { CPU_LOG_PCALL, "pcall",
      "x86 only: show protected mode far calls/returns/exceptions" },
    { CPU_LOG_RESET, "cpu_reset", "show CPU state before CPU resets" },
    { LOG_UNIMP, "unimp", "log unimplemented functionality" },
    { LOG_GUEST_ERROR, "guest_errors",
      "log when the guest OS does something invalid (eg accessing a\n"
      "non-existent register)" },
    { CPU_LOG_PAGE, "page", "dump pages at beginning of user mode emulation" },
    { CPU_LOG_TB_NOCHAIN, "nochain",
      "do not chain compiled TBs so that \"exec\" and \"cpu\" show\n"
      "complete traces" },
    /* QEMU's text ends in a newline, which leaves a blank line in -d help */
    { CPU_LOG_PLUGIN, "plugin", "output from TCG plugins\n" },
    { LOG_STRACE, "strace",
      "log every user-mode syscall, its input, and its result" },
    { LOG_PER_THREAD, "tid",
      "open a separate log file per thread; filename must contain '%d'" },
};

void qemu_log(const char *fmt, ...)
{
    va_list ap;

    g_mutex_lock(&log_lock);
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
    g_mutex_unlock(&log_lock);
}

FILE *qemu_log_lock(void)
{
    g_mutex_lock(&log_lock);
    return log_file ? log_file : stderr;
}

void qemu_log_unlock(FILE *f)
{
    fflush(f);
    g_mutex_unlock(&log_lock);
}

void qemu_set_log(int log_flags)
{
    qemu_loglevel = log_flags;
}

static const LogItem *log_find_item(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        if (!strcmp(log_items[i].name, name)) {
            return &log_items[i];
        }
    }
    return NULL;
}

int qemu_str_to_log_mask(const char *str, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(str ? str : "", ",", -1);
    int mask = 0;

    for (size_t i = 0; items[i]; i++) {
        const char *item = items[i], *pattern;
        const LogItem *li;

        if (!strcmp(item, "all")) {
            for (size_t j = 0; j < ARRAY_SIZE(log_items); j++) {
                mask |= log_items[j].mask;
            }
        } else if (strstart(item, "trace:", &pattern)) {
            trace_enable_events_noisily(pattern);
            mask |= LOG_TRACE;
        } else if ((li = log_find_item(item))) {
            mask |= li->mask;
        } else {
            error_setg(errp, "Unknown -d item '%s'", item);
            error_append_hint(errp, "Use \"-d help\" to list the log items.\n");
            return 0;
        }
    }
    if (!mask) {
        error_setg(errp, "Unknown -d item ''");
        error_append_hint(errp, "Use \"-d help\" to list the log items.\n");
    }
    return mask;
}

void qemu_print_log_usage(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        fprintf(f, "%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    fprintf(f, "trace:PATTERN   enable trace events\n");
    fprintf(f, "\nUse \"-d trace:help\" to get a list of trace events.\n\n");
}

/*
 * QEMU allows one "%d" in the name, replaced by the process id, so that
 * several instances can share a -D argument. Anything else with '%' is
 * refused rather than handed to printf.
 */
static char *log_expand_filename(const char *name, Error **errp)
{
    const char *pct = strchr(name, '%');

    if (!pct) {
        return g_strdup(name);
    }
    if (pct[1] != 'd' || strchr(pct + 2, '%')) {
        error_setg(errp, "Bad logfile format: %s", name);
        return NULL;
    }
    return g_strdup_printf("%.*s%d%s", (int)(pct - name), name,
                           (int)getpid(), pct + 2);
}

bool qemu_set_log_filename(const char *filename, Error **errp)
{
    g_autofree char *name = NULL;
    FILE *f = NULL;

    if (filename && *filename) {
        name = log_expand_filename(filename, errp);
        if (!name) {
            return false;
        }
        f = fopen(name, "w");
        if (!f) {
            error_setg_errno(errp, errno, "Error opening logfile %s", name);
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0);
    }
    g_mutex_lock(&log_lock);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    g_mutex_unlock(&log_lock);
    return true;
}

void qemu_log_close(void)
{
    g_mutex_lock(&log_lock);
    if (log_file) {
        fclose(log_file);
        log_file = NULL;
    } else {
        fflush(stderr);
    }
    g_mutex_unlock(&log_lock);
}
