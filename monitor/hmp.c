/*
 * hmp.c: the human monitor session: a Monitor on a chardev (the banner,
 * the "(qemu) " prompt, readline, the mux focus) or on a string sink for
 * human-monitor-command, and the dispatcher that splits a command line
 * by the command's argument spec into a QDict with QEMU's error texts.
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "qobject/qbool.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qapi/qapi-commands.h"

#define HMP_PROMPT "(qemu) "

static GPtrArray *monitors;

static void monitor_puts(Monitor *mon, const char *text, size_t len)
{
    g_autoptr(GString) out = g_string_sized_new(len + 16);

    /* QEMU sends "\r\n" to terminals and to human-monitor-command alike. */
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, text[i]);
    }
    if (mon->sink) {
        g_string_append_len(mon->sink, out->str, out->len);
    } else {
        qemu_chr_fe_write_all(&mon->be, (const uint8_t *)out->str, out->len);
    }
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    monitor_puts(mon, text, strlen(text));
}

void hmp_handle_error(Monitor *mon, Error *err)
{
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static void monitor_error_hook(void *opaque, const char *text)
{
    monitor_printf(opaque, "%s", text);
}

static const char *hmp_skip_space(const char *p);

/* --- command lookup ------------------------------------------------------ */

static bool hmp_name_matches(const char *names, const char *word, size_t len)
{
    const char *p = names;

    for (;;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);

        if (n == len && !strncmp(p, word, len)) {
            return true;
        }
        if (!bar) {
            return false;
        }
        p = bar + 1;
    }
}

static const HMPCommand *hmp_find(const HMPCommand *table, const char *word,
                                  size_t len)
{
    for (const HMPCommand *c = table; c->name; c++) {
        if (hmp_name_matches(c->name, word, len)) {
            return c;
        }
    }
    return NULL;
}

static void hmp_print_help(Monitor *mon, const char *prefix,
                           const HMPCommand *c)
{
    monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name, c->params,
                   c->help);
}

void hmp_info_help(Monitor *mon, const QDict *qdict)
{
    for (const HMPCommand *c = hmp_info_cmds; c->name; c++) {
        hmp_print_help(mon, "info ", c);
    }
}

void hmp_help(Monitor *mon, const QDict *qdict)
{
    const char *name = qdict_get_try_str(qdict, "name");
    const HMPCommand *c;

    if (!name) {
        for (c = hmp_cmds; c->name; c++) {
            hmp_print_help(mon, "", c);
        }
        return;
    }
    c = hmp_find(hmp_cmds, name, strcspn(name, " \t"));
    if (c && c->sub_table && name[strcspn(name, " \t")]) {
        /* "help info registers": that subcommand's line. */
        const char *sub = hmp_skip_space(name + strcspn(name, " \t"));
        const HMPCommand *s = hmp_find(c->sub_table, sub, strlen(sub));

        if (s) {
            hmp_print_help(mon, "info ", s);
            return;
        }
        c = NULL;
    }
    if (!c) {
        monitor_printf(mon, "unknown command: '%s'\n", name);
        return;
    }
    if (c->sub_table) {
        hmp_info_help(mon, NULL);
        return;
    }
    hmp_print_help(mon, "", c);
}

/* --- argument parsing ---------------------------------------------------- */

static const char *hmp_skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* A word, or a "quoted string" with \n \" \\ escapes. NULL: bad quoting. */
static char *hmp_get_word(const char **pp)
{
    const char *p = *pp;
    GString *s = g_string_new(NULL);

    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1]) {
                p++;
                g_string_append_c(s, *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p);
            } else {
                g_string_append_c(s, *p);
            }
            p++;
        }
        if (*p != '"') {
            g_string_free(s, true);
            return NULL;
        }
        p++;
    } else {
        while (*p && *p != ' ' && *p != '\t') {
            g_string_append_c(s, *p++);
        }
    }
    *pp = p;
    return g_string_free(s, false);
}

/* /fmt: count, format letter, size letter; defaults from the monitor. */
static bool hmp_parse_format(Monitor *mon, const char **pp, QDict *qdict,
                             const char *cmdname)
{
    const char *p = *pp;
    int64_t count = 1;
    int size = -1;
    char format = 0;

    if (*p == '/') {
        p++;
        if (g_ascii_isdigit(*p)) {
            count = 0;
            while (g_ascii_isdigit(*p)) {
                count = MIN(count * 10 + (*p - '0'), 1000000);
                p++;
            }
        }
        for (;; p++) {
            if (strchr("xduoci", *p) && *p) {
                format = *p;
            } else if (*p == 'b') {
                size = 1;
            } else if (*p == 'h') {
                size = 2;
            } else if (*p == 'w') {
                size = 4;
            } else if (*p == 'g' || *p == 'L') {
                size = 8;
            } else {
                break;
            }
        }
        if (*p && *p != ' ' && *p != '\t') {
            monitor_printf(mon, "invalid char in format: '%c'\n", *p);
            return false;
        }
        if (!format) {
            format = mon->last_format;
        }
        if (format != 'i') {
            if (size < 0) {
                size = mon->last_size;
            }
            mon->last_size = size;
        }
        mon->last_format = format;
    } else {
        format = mon->last_format;
        if (format != 'i') {
            size = mon->last_size;
        }
    }
    qdict_put_int(qdict, "count", count);
    qdict_put_int(qdict, "format", format);
    qdict_put_int(qdict, "size", size);
    *pp = p;
    return true;
}

/*
 * Fill qdict from args by the command's spec. On error, prints QEMU's
 * message and returns false (the caller adds the "Try help" line).
 */
static bool hmp_parse_args(Monitor *mon, const char *cmdname,
                           const char *spec, const char *args, QDict *qdict)
{
    g_auto(GStrv) items = g_strsplit(spec, ",", 0);
    const char *p = args;

    for (char **it = items; *it && **it; it++) {
        const char *colon = strchr(*it, ':');
        g_autofree char *key = NULL;
        const char *type;
        bool optional;

        p = hmp_skip_space(p);
        if ((*it)[0] == '-') {
            /* Flags: "-a" given as its own word. */
            key = g_strdup(*it + 1);
            if (p[0] == '-' && p[1] == key[0] &&
                (p[2] == '\0' || p[2] == ' ' || p[2] == '\t')) {
                qdict_put_bool(qdict, key, true);
                p += 2;
            }
            continue;
        }
        if (!colon) {
            continue;
        }
        key = g_strndup(*it, colon - *it);
        type = colon + 1;
        optional = type[1] == '?';
        switch (type[0]) {
        case 's':
        case 'F': {
            char *word;

            if (!*p) {
                if (optional) {
                    break;
                }
                monitor_printf(mon, "%s: %s expected\n", cmdname,
                               type[0] == 'F' ? "filename" : "string");
                return false;
            }
            word = hmp_get_word(&p);
            if (!word) {
                monitor_printf(mon, "%s: %s expected\n", cmdname,
                               type[0] == 'F' ? "filename" : "string");
                return false;
            }
            qdict_put_str(qdict, key, word);
            g_free(word);
            break;
        }
        case 'S': {
            g_autofree char *rest = g_strchomp(g_strdup(p));

            if (!*rest) {
                if (optional) {
                    break;
                }
                monitor_printf(mon, "%s: string expected\n", cmdname);
                return false;
            }
            qdict_put_str(qdict, key, rest);
            p += strlen(p);
            break;
        }
        case 'i':
        case 'l': {
            Error *err = NULL;
            int64_t val;

            if (!*p && optional) {
                break;
            }
            if (!hmp_expr_parse(&p, hmp_cpu_register, mon, &val, &err)) {
                monitor_printf(mon, "%s\n", error_get_pretty(err));
                error_free(err);
                return false;
            }
            if (type[0] == 'i' && (val < INT32_MIN || val > UINT32_MAX)) {
                monitor_printf(mon, "integer is for 32-bit values\n");
                return false;
            }
            qdict_put_int(qdict, key, val);
            break;
        }
        case '/':
            if (!hmp_parse_format(mon, &p, qdict, cmdname)) {
                return false;
            }
            break;
        }
    }
    p = hmp_skip_space(p);
    if (*p) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       cmdname);
        return false;
    }
    return true;
}

void hmp_handle_command(Monitor *mon, const char *cmdline)
{
    const char *p = hmp_skip_space(cmdline);
    const HMPCommand *table = hmp_cmds, *c;
    g_autofree char *cmdname = NULL;
    g_autoptr(QDict) qdict = qdict_new();

    if (!*p) {
        return;
    }
    for (;;) {
        size_t len = strcspn(p, " \t");
        char *full;

        c = hmp_find(table, p, len);
        full = cmdname ? g_strdup_printf("%s %.*s", cmdname, (int)len, p)
                       : g_strndup(p, len);
        g_free(cmdname);
        cmdname = full;
        p = hmp_skip_space(p + len);
        if (!c) {
            monitor_printf(mon, "unknown command: '%s'\n", cmdname);
            return;
        }
        if (!c->sub_table || !*p) {
            break;
        }
        table = c->sub_table;
    }
    if (!hmp_parse_args(mon, cmdname, c->args_type, p, qdict)) {
        monitor_printf(mon, "Try \"help %s\" for more information\n",
                       cmdname);
        return;
    }
    /* Errors reported while the command runs belong to this monitor. */
    error_set_print_hook(monitor_error_hook, mon);
    c->cmd(mon, qdict);
    error_set_print_hook(NULL, NULL);
}

/* --- completion ---------------------------------------------------------- */

static void hmp_complete_names(const HMPCommand *table, const char *word,
                               GPtrArray *out)
{
    size_t len = strlen(word);

    for (const HMPCommand *c = table; c->name; c++) {
        g_auto(GStrv) alts = g_strsplit(c->name, "|", 0);

        for (char **a = alts; *a; a++) {
            if (!strncmp(*a, word, len)) {
                g_ptr_array_add(out, g_strdup(*a));
            }
        }
    }
}

void hmp_complete(Monitor *mon, const char *line, GPtrArray *out)
{
    g_auto(GStrv) words = NULL;
    const char *last = strrchr(line, ' ');
    unsigned n;

    last = last ? last + 1 : line;
    words = g_strsplit_set(line, " \t", 0);
    n = 0;
    for (char **w = words; *w; w++) {
        if (**w || !w[1]) {
            words[n++] = *w;
        } else {
            g_free(*w);
        }
    }
    words[n] = NULL;
    if (n <= 1) {
        hmp_complete_names(hmp_cmds, last, out);
    } else if (n == 2 && (!strcmp(words[0], "info") ||
                          !strcmp(words[0], "help") ||
                          !strcmp(words[0], "?"))) {
        hmp_complete_names(strcmp(words[0], "info") ? hmp_cmds
                                                    : hmp_info_cmds,
                           last, out);
    } else if (n == 2 && !strcmp(words[0], "chardev-remove")) {
        g_autoptr(ChardevInfoList) list = qmp_query_chardev(NULL);

        for (ChardevInfoList *l = list; l; l = l->next) {
            if (g_str_has_prefix(l->value->label, last)) {
                g_ptr_array_add(out, g_strdup(l->value->label));
            }
        }
    } else if (n == 2 && !strcmp(words[0], "sendkey")) {
        /* The last key of a ctrl-alt-... chord. */
        const char *dash = strrchr(last, '-');

        hmp_complete_keys(last, dash ? dash + 1 - last : 0, out);
    }
}

/* --- the session --------------------------------------------------------- */

static void monitor_rl_out(void *opaque, const char *text, size_t len)
{
    monitor_puts(opaque, text, len);
}

static void monitor_show_prompt(Monitor *mon)
{
    if (mon->quitting) {
        return;
    }
    if (mon->rs) {
        readline_start(mon->rs, HMP_PROMPT);
    }
}

static void monitor_rl_exec(void *opaque, const char *line)
{
    Monitor *mon = opaque;

    hmp_handle_command(mon, line);
    monitor_show_prompt(mon);
}

static void monitor_rl_complete(void *opaque, const char *line,
                                GPtrArray *out)
{
    hmp_complete(opaque, line, out);
}

static void monitor_input_byte(Monitor *mon, uint8_t ch)
{
    bool was_cr = mon->last_was_cr;

    if (mon->rs) {
        readline_handle_byte(mon->rs, ch);
        return;
    }
    mon->last_was_cr = ch == '\r';
    if (ch == '\r' || (ch == '\n' && !was_cr)) {
        g_autofree char *cmd = g_strdup(mon->line->str);

        g_string_truncate(mon->line, 0);
        hmp_handle_command(mon, cmd);
    } else if (ch >= 32 && mon->line->len < READLINE_LINE_MAX) {
        g_string_append_c(mon->line, ch);
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
        if (mon->rs) {
            readline_reset(mon->rs);
        }
        monitor_printf(mon, "QEMU %s monitor - type 'help' for more "
                       "information\n", QEMU_VERSION);
        if (!mon->mux_out) {
            monitor_show_prompt(mon);
        }
        mon->reset_seen = true;
        break;
    case CHR_EVENT_MUX_IN:
        mon->mux_out = false;
        if (mon->reset_seen && mon->rs) {
            readline_show_prompt(mon->rs);
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

static Monitor *monitor_new(void)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->line = g_string_new(NULL);
    mon->last_format = 'x';
    mon->last_size = 4;
    return mon;
}

static void monitor_free(Monitor *mon)
{
    readline_free(mon->rs);
    g_string_free(mon->line, true);
    g_free(mon);
}

bool monitor_init_hmp(Chardev *chr, bool use_readline, Error **errp)
{
    Monitor *mon = monitor_new();

    if (!qemu_chr_fe_init(&mon->be, chr, errp)) {
        monitor_free(mon);
        return false;
    }
    if (use_readline) {
        mon->rs = readline_new(monitor_rl_out, monitor_rl_exec,
                               monitor_rl_complete, mon);
    }
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    g_ptr_array_add(monitors, mon);
    qemu_chr_fe_set_handlers(&mon->be, monitor_can_read, monitor_read,
                             monitor_event, mon, true);
    return true;
}

char *hmp_run_command_to_string(const char *cmdline, int cpu_index)
{
    Monitor *mon = monitor_new();
    char *out;

    mon->sink = g_string_new(NULL);
    mon->cpu_index = cpu_index;
    hmp_handle_command(mon, cmdline);
    out = g_string_free(mon->sink, false);
    monitor_free(mon);
    return out;
}

GPtrArray *hmp_history(Monitor *mon)
{
    GPtrArray *h = g_ptr_array_new_with_free_func(g_free);

    for (unsigned i = 0; mon->rs && i < readline_history_len(mon->rs); i++) {
        g_ptr_array_add(h, g_strdup(readline_get_history(mon->rs, i)));
    }
    return h;
}

void monitor_cleanup(void)
{
    if (!monitors) {
        return;
    }
    for (guint i = 0; i < monitors->len; i++) {
        Monitor *mon = g_ptr_array_index(monitors, i);

        qemu_chr_fe_deinit(&mon->be, false);
        monitor_free(mon);
    }
    g_ptr_array_free(monitors, true);
    monitors = NULL;
}
