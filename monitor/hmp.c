/*
 * hmp.c: the human monitor of the foundation: a line editor good enough
 * for a terminal or a pipe, the "(qemu) " prompt and a table of a few
 * commands (help, quit, stop, cont, info version|status|name|uuid|chardev).
 * The full HMP, its history and completion come with a later issue.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "system/runstate.h"
#include "system/system.h"

#define MONITOR_LINE_MAX 4096

struct Monitor {
    CharBackend be;
    bool use_readline;
    bool reset_seen;     /* the banner went out */
    bool mux_out;        /* a mux gave the input focus to someone else */
    bool last_was_cr;    /* swallow the "\n" of a "\r\n" */
    int esc_state;       /* 0, 1 after ESC, 2 inside "ESC [" */
    bool quitting;       /* "quit" ran: no more prompts or commands */
    GString *line;
};

typedef struct MonitorCmd {
    const char *name;    /* "quit|q": aliases after '|' */
    const char *args;
    const char *help;
    void (*handler)(Monitor *mon, const char *arg);
} MonitorCmd;

static GPtrArray *monitors;

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    GString *out = g_string_new(NULL);
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *p);
    }
    qemu_chr_fe_write_all(&mon->be, (const uint8_t *)out->str, out->len);
    g_string_free(out, true);
}

static void monitor_error_hook(void *opaque, const char *text)
{
    monitor_printf(opaque, "%s", text);
}

/* --- commands ------------------------------------------------------------ */

static void hmp_help(Monitor *mon, const char *arg);
static void hmp_info(Monitor *mon, const char *arg);

static void hmp_quit(Monitor *mon, const char *arg)
{
    mon->quitting = true;
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

static void hmp_stop(Monitor *mon, const char *arg)
{
    vm_stop(RUN_STATE_PAUSED);
}

static void hmp_cont(Monitor *mon, const char *arg)
{
    vm_start();
}

static void hmp_system_powerdown(Monitor *mon, const char *arg)
{
    qemu_system_powerdown_request();
}

static void hmp_info_version(Monitor *mon, const char *arg)
{
    monitor_printf(mon, "%s (Keel %s)\n", QEMU_VERSION, KEEL_VERSION);
}

static void hmp_info_status(Monitor *mon, const char *arg)
{
    RunState state = runstate_get();
    bool running = runstate_is_running();

    monitor_printf(mon, "VM status: %s", running ? "running" : "paused");
    if (!running && state != RUN_STATE_PAUSED) {
        monitor_printf(mon, " (%s)", runstate_name(state));
    }
    monitor_printf(mon, "\n");
}

static void hmp_info_name(Monitor *mon, const char *arg)
{
    if (qemu_name) {
        monitor_printf(mon, "%s\n", qemu_name);
    }
}

static void hmp_info_uuid(Monitor *mon, const char *arg)
{
    monitor_printf(mon, "%s\n", qemu_uuid_string());
}

static void hmp_info_chardev(Monitor *mon, const char *arg)
{
    GString *out = g_string_new(NULL);

    qemu_chr_info_list(out);
    monitor_printf(mon, "%s", out->str);
    g_string_free(out, true);
}

static const MonitorCmd hmp_cmds[] = {
    { "cont|c", "", "resume emulation", hmp_cont },
    { "help|?", "[cmd]", "show the help", hmp_help },
    { "info", "[subcommand]", "show various information about the system "
      "state", hmp_info },
    { "quit|q", "", "quit the emulator", hmp_quit },
    { "stop|s", "", "stop emulation", hmp_stop },
    { "system_powerdown", "", "send system power down event",
      hmp_system_powerdown },
    { NULL }
};

static const MonitorCmd hmp_info_cmds[] = {
    { "chardev", "", "show the character devices", hmp_info_chardev },
    { "name", "", "show the current VM name", hmp_info_name },
    { "status", "", "show the current VM status (running|paused)",
      hmp_info_status },
    { "uuid", "", "show the current VM UUID", hmp_info_uuid },
    { "version", "", "show the version of QEMU", hmp_info_version },
    { NULL }
};

static bool hmp_name_matches(const char *names, const char *word)
{
    g_auto(GStrv) alts = g_strsplit(names, "|", 0);

    for (char **a = alts; *a; a++) {
        if (!strcmp(*a, word)) {
            return true;
        }
    }
    return false;
}

static const MonitorCmd *hmp_find(const MonitorCmd *table, const char *word)
{
    for (const MonitorCmd *c = table; c->name; c++) {
        if (hmp_name_matches(c->name, word)) {
            return c;
        }
    }
    return NULL;
}

static void hmp_print_cmd(Monitor *mon, const char *prefix,
                          const MonitorCmd *c)
{
    monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name, c->args, c->help);
}

static void hmp_help(Monitor *mon, const char *arg)
{
    const MonitorCmd *c;

    if (arg && *arg) {
        if (!strcmp(arg, "info")) {
            for (c = hmp_info_cmds; c->name; c++) {
                hmp_print_cmd(mon, "info ", c);
            }
            return;
        }
        c = hmp_find(hmp_cmds, arg);
        if (!c) {
            monitor_printf(mon, "unknown command: '%s'\n", arg);
            return;
        }
        hmp_print_cmd(mon, "", c);
        return;
    }
    for (c = hmp_cmds; c->name; c++) {
        hmp_print_cmd(mon, "", c);
    }
}

static void hmp_info(Monitor *mon, const char *arg)
{
    const MonitorCmd *c;

    if (!arg || !*arg) {
        for (c = hmp_info_cmds; c->name; c++) {
            hmp_print_cmd(mon, "info ", c);
        }
        return;
    }
    c = hmp_find(hmp_info_cmds, arg);
    if (!c) {
        monitor_printf(mon, "unknown command: 'info %s'\n", arg);
        return;
    }
    c->handler(mon, NULL);
}

static void hmp_execute(Monitor *mon, const char *cmdline)
{
    g_autofree char *copy = g_strstrip(g_strdup(cmdline));
    const MonitorCmd *c;
    char *arg;

    if (!*copy) {
        return;
    }
    arg = copy + strcspn(copy, " \t");
    if (*arg) {
        *arg++ = '\0';
        arg = g_strstrip(arg);
    }
    c = hmp_find(hmp_cmds, copy);
    if (!c) {
        monitor_printf(mon, "unknown command: '%s'\n", copy);
        return;
    }
    /* Errors reported while the command runs belong to this monitor. */
    error_set_print_hook(monitor_error_hook, mon);
    c->handler(mon, arg);
    error_set_print_hook(NULL, NULL);
}

/* --- line editing -------------------------------------------------------- */

static void monitor_show_prompt(Monitor *mon)
{
    if (mon->use_readline && !mon->quitting) {
        monitor_printf(mon, "(qemu) ");
    }
}

static void monitor_enter(Monitor *mon)
{
    g_autofree char *cmd = g_strdup(mon->line->str);

    g_string_truncate(mon->line, 0);
    if (mon->use_readline) {
        monitor_printf(mon, "\n");
    }
    hmp_execute(mon, cmd);
    monitor_show_prompt(mon);
}

static void monitor_input_byte(Monitor *mon, uint8_t ch)
{
    bool was_cr = mon->last_was_cr;

    mon->last_was_cr = false;
    /* Cursor and function keys: no history or cursor motion yet, so the
     * whole escape sequence is dropped. */
    if (mon->esc_state == 1) {
        mon->esc_state = (ch == '[' || ch == 'O') ? 2 : 0;
        return;
    }
    if (mon->esc_state == 2) {
        if (ch >= 0x40 && ch <= 0x7e) {
            mon->esc_state = 0;
        }
        return;
    }
    switch (ch) {
    case 27:
        mon->esc_state = 1;
        break;
    case '\r':
        mon->last_was_cr = true;
        monitor_enter(mon);
        break;
    case '\n':
        if (!was_cr) {
            monitor_enter(mon);
        }
        break;
    case 8:
    case 127:
        if (mon->line->len > 0) {
            g_string_truncate(mon->line, mon->line->len - 1);
            if (mon->use_readline) {
                monitor_printf(mon, "\b \b");
            }
        }
        break;
    default:
        if (ch < 32 || mon->line->len >= MONITOR_LINE_MAX) {
            break;
        }
        g_string_append_c(mon->line, ch);
        if (mon->use_readline) {
            qemu_chr_fe_write_all(&mon->be, &ch, 1);
        }
        break;
    }
}

static int monitor_can_read(void *opaque)
{
    return 256;
}

static void monitor_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    for (int i = 0; i < size && !mon->quitting; i++) {
        monitor_input_byte(mon, buf[i]);
    }
}

static void monitor_event(void *opaque, QEMUChrEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        g_string_truncate(mon->line, 0);
        mon->esc_state = 0;
        monitor_printf(mon, "QEMU %s monitor - type 'help' for more "
                       "information\n", QEMU_VERSION);
        if (!mon->mux_out) {
            monitor_show_prompt(mon);
        }
        mon->reset_seen = true;
        break;
    case CHR_EVENT_MUX_IN:
        mon->mux_out = false;
        if (mon->reset_seen) {
            g_string_truncate(mon->line, 0);
            monitor_show_prompt(mon);
        }
        break;
    case CHR_EVENT_MUX_OUT:
        if (mon->reset_seen) {
            monitor_printf(mon, "\n");
        }
        mon->mux_out = true;
        break;
    case CHR_EVENT_CLOSED:
    case CHR_EVENT_BREAK:
        break;
    }
}

bool monitor_init_hmp(Chardev *chr, bool use_readline, Error **errp)
{
    Monitor *mon = g_new0(Monitor, 1);

    if (!qemu_chr_fe_init(&mon->be, chr, errp)) {
        g_free(mon);
        return false;
    }
    mon->use_readline = use_readline;
    mon->line = g_string_new(NULL);
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    g_ptr_array_add(monitors, mon);
    qemu_chr_fe_set_handlers(&mon->be, monitor_can_read, monitor_read,
                             monitor_event, mon, true);
    return true;
}

void monitor_cleanup(void)
{
    if (!monitors) {
        return;
    }
    for (guint i = 0; i < monitors->len; i++) {
        Monitor *mon = g_ptr_array_index(monitors, i);

        qemu_chr_fe_deinit(&mon->be, false);
        g_string_free(mon->line, true);
        g_free(mon);
    }
    g_ptr_array_free(monitors, true);
    monitors = NULL;
}
