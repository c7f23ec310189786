/*
 * readline.c: the line editor of the human monitor. Keys as QEMU's
 * monitor takes them (arrows, Home/End in their VT100/xterm spellings,
 * Ctrl-a/e/d/k/u/w/p/n, backspace, Tab). The terminal is redrawn the way
 * QEMU does it: back to the start of the last drawn text, the whole line,
 * clear to end of line, then the cursor moved to its place.
 */
#include "qemu/osdep.h"
#include "monitor/hmp-readline.h"

enum {
    RL_ESC_NONE,
    RL_ESC_SEEN,        /* ESC */
    RL_ESC_CSI,         /* ESC [ */
    RL_ESC_SS3,         /* ESC O */
};

struct ReadLineState {
    ReadLineOutFunc *out;
    ReadLineExecFunc *exec;
    ReadLineCompleteFunc *complete;
    void *opaque;
    char *prompt;

    GString *line;
    size_t cursor;
    GString *drawn;         /* what the terminal shows after the prompt */
    size_t drawn_cursor;

    int esc_state;
    unsigned esc_param;
    bool last_was_cr;

    GPtrArray *history;     /* char *, oldest first */
    int hist_entry;         /* being shown, or -1: a new line */
};

static void readline_emit(ReadLineState *rs, const char *text)
{
    rs->out(rs->opaque, text, strlen(text));
}

static void readline_emit_repeat(ReadLineState *rs, const char *seq,
                                 size_t n)
{
    g_autoptr(GString) s = g_string_new(NULL);

    for (size_t i = 0; i < n; i++) {
        g_string_append(s, seq);
    }
    if (s->len) {
        rs->out(rs->opaque, s->str, s->len);
    }
}

/* Bring the terminal in line with rs->line and rs->cursor. */
static void readline_update(ReadLineState *rs)
{
    if (!g_string_equal(rs->line, rs->drawn)) {
        readline_emit_repeat(rs, "\033[D", rs->drawn_cursor);
        rs->out(rs->opaque, rs->line->str, rs->line->len);
        readline_emit(rs, "\033[K");
        g_string_assign(rs->drawn, rs->line->str);
        rs->drawn_cursor = rs->line->len;
    }
    if (rs->cursor > rs->drawn_cursor) {
        readline_emit_repeat(rs, "\033[C", rs->cursor - rs->drawn_cursor);
    } else if (rs->cursor < rs->drawn_cursor) {
        readline_emit_repeat(rs, "\033[D", rs->drawn_cursor - rs->cursor);
    }
    rs->drawn_cursor = rs->cursor;
}

ReadLineState *readline_new(ReadLineOutFunc *out, ReadLineExecFunc *exec,
                            ReadLineCompleteFunc *complete, void *opaque)
{
    ReadLineState *rs = g_new0(ReadLineState, 1);

    rs->out = out;
    rs->exec = exec;
    rs->complete = complete;
    rs->opaque = opaque;
    rs->prompt = g_strdup("");
    rs->line = g_string_new(NULL);
    rs->drawn = g_string_new(NULL);
    rs->history = g_ptr_array_new_with_free_func(g_free);
    rs->hist_entry = -1;
    return rs;
}

void readline_free(ReadLineState *rs)
{
    if (!rs) {
        return;
    }
    g_free(rs->prompt);
    g_string_free(rs->line, true);
    g_string_free(rs->drawn, true);
    g_ptr_array_free(rs->history, true);
    g_free(rs);
}

void readline_show_prompt(ReadLineState *rs)
{
    readline_emit(rs, rs->prompt);
    g_string_truncate(rs->drawn, 0);
    rs->drawn_cursor = 0;
    readline_update(rs);
}

void readline_reset(ReadLineState *rs)
{
    g_string_truncate(rs->line, 0);
    rs->cursor = 0;
    rs->esc_state = RL_ESC_NONE;
    rs->hist_entry = -1;
}

void readline_start(ReadLineState *rs, const char *prompt)
{
    g_free(rs->prompt);
    rs->prompt = g_strdup(prompt);
    readline_reset(rs);
    readline_show_prompt(rs);
}

const char *readline_get_line(ReadLineState *rs)
{
    return rs->line->str;
}

size_t readline_get_cursor(ReadLineState *rs)
{
    return rs->cursor;
}

unsigned readline_history_len(ReadLineState *rs)
{
    return rs->history->len;
}

const char *readline_get_history(ReadLineState *rs, unsigned index)
{
    return index < rs->history->len ? g_ptr_array_index(rs->history, index)
                                    : NULL;
}

/* A line that is already in the history moves to its end. */
static void readline_history_add(ReadLineState *rs, const char *line)
{
    if (!*line) {
        return;
    }
    for (guint i = 0; i < rs->history->len; i++) {
        if (!strcmp(g_ptr_array_index(rs->history, i), line)) {
            g_ptr_array_remove_index(rs->history, i);
            break;
        }
    }
    if (rs->history->len >= READLINE_HISTORY_MAX) {
        g_ptr_array_remove_index(rs->history, 0);
    }
    g_ptr_array_add(rs->history, g_strdup(line));
}

static void readline_set_line(ReadLineState *rs, const char *text)
{
    g_string_assign(rs->line, text);
    rs->cursor = rs->line->len;
}

static void readline_history_up(ReadLineState *rs)
{
    if (!rs->history->len) {
        return;
    }
    if (rs->hist_entry < 0) {
        rs->hist_entry = rs->history->len - 1;
    } else if (rs->hist_entry > 0) {
        rs->hist_entry--;
    }
    readline_set_line(rs, g_ptr_array_index(rs->history, rs->hist_entry));
}

static void readline_history_down(ReadLineState *rs)
{
    if (rs->hist_entry < 0) {
        return;
    }
    if ((guint)rs->hist_entry + 1 < rs->history->len) {
        rs->hist_entry++;
        readline_set_line(rs, g_ptr_array_index(rs->history,
                                                rs->hist_entry));
    } else {
        rs->hist_entry = -1;
        readline_set_line(rs, "");
    }
}

static void readline_insert(ReadLineState *rs, const char *text, size_t len)
{
    len = MIN(len, READLINE_LINE_MAX - rs->line->len);
    g_string_insert_len(rs->line, rs->cursor, text, len);
    rs->cursor += len;
}

static void readline_delete(ReadLineState *rs, size_t pos, size_t len)
{
    g_string_erase(rs->line, pos, len);
    rs->cursor = pos;
}

static void readline_kill_word(ReadLineState *rs)
{
    size_t start = rs->cursor;

    while (start > 0 && rs->line->str[start - 1] == ' ') {
        start--;
    }
    while (start > 0 && rs->line->str[start - 1] != ' ') {
        start--;
    }
    readline_delete(rs, start, rs->cursor - start);
}

static int readline_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The candidates in columns, as wide as the longest plus two. */
static void readline_print_candidates(ReadLineState *rs, GPtrArray *c)
{
    g_autoptr(GString) s = g_string_new("\n");
    size_t width = 0;
    unsigned cols;

    for (guint i = 0; i < c->len; i++) {
        width = MAX(width, strlen(g_ptr_array_index(c, i)) + 2);
    }
    cols = MAX(1, 80 / width);
    for (guint i = 0; i < c->len; i++) {
        g_string_append_printf(s, "%-*s", (int)width,
                               (char *)g_ptr_array_index(c, i));
        if ((i + 1) % cols == 0 || i + 1 == c->len) {
            g_string_append_c(s, '\n');
        }
    }
    /* The terminal wants CR LF; the monitor's sink adds the CR. */
    rs->out(rs->opaque, s->str, s->len);
}

static void readline_complete(ReadLineState *rs)
{
    g_autofree char *before = g_strndup(rs->line->str, rs->cursor);
    g_autoptr(GPtrArray) c = g_ptr_array_new_with_free_func(g_free);
    const char *word = strrchr(before, ' ');
    size_t wlen, common;

    if (!rs->complete) {
        return;
    }
    word = word ? word + 1 : before;
    wlen = strlen(word);
    rs->complete(rs->opaque, before, c);
    if (!c->len) {
        return;
    }
    g_ptr_array_sort(c, readline_cmp);
    common = strlen(g_ptr_array_index(c, 0));
    for (guint i = 1; i < c->len; i++) {
        const char *a = g_ptr_array_index(c, 0), *b = g_ptr_array_index(c, i);
        size_t n = 0;

        while (n < common && a[n] && a[n] == b[n]) {
            n++;
        }
        common = n;
    }
    if (common > wlen) {
        readline_insert(rs, (char *)g_ptr_array_index(c, 0) + wlen,
                        common - wlen);
    }
    if (c->len == 1) {
        readline_insert(rs, " ", 1);
        readline_update(rs);
        return;
    }
    readline_update(rs);
    readline_print_candidates(rs, c);
    readline_show_prompt(rs);
}

static void readline_enter(ReadLineState *rs)
{
    g_autofree char *line = g_strdup(rs->line->str);

    readline_history_add(rs, line);
    readline_reset(rs);
    g_string_truncate(rs->drawn, 0);
    rs->drawn_cursor = 0;
    readline_emit(rs, "\n");
    rs->exec(rs->opaque, line);
}

/* The final byte of ESC [ ... or ESC O ... */
static void readline_handle_esc(ReadLineState *rs, uint8_t ch)
{
    switch (ch) {
    case 'A':
        readline_history_up(rs);
        break;
    case 'B':
        readline_history_down(rs);
        break;
    case 'C':
        if (rs->cursor < rs->line->len) {
            rs->cursor++;
        }
        break;
    case 'D':
        if (rs->cursor > 0) {
            rs->cursor--;
        }
        break;
    case 'H':
        rs->cursor = 0;
        break;
    case 'F':
        rs->cursor = rs->line->len;
        break;
    case '~':
        switch (rs->esc_param) {
        case 1:
        case 7:
            rs->cursor = 0;
            break;
        case 4:
        case 8:
            rs->cursor = rs->line->len;
            break;
        case 3:
            if (rs->cursor < rs->line->len) {
                readline_delete(rs, rs->cursor, 1);
            }
            break;
        }
        break;
    }
}

void readline_handle_byte(ReadLineState *rs, uint8_t ch)
{
    bool was_cr = rs->last_was_cr;

    rs->last_was_cr = false;
    switch (rs->esc_state) {
    case RL_ESC_SEEN:
        rs->esc_param = 0;
        rs->esc_state = ch == '[' ? RL_ESC_CSI
                      : ch == 'O' ? RL_ESC_SS3 : RL_ESC_NONE;
        return;
    case RL_ESC_CSI:
        if (g_ascii_isdigit(ch)) {
            rs->esc_param = MIN(rs->esc_param * 10 + (ch - '0'), 1000u);
            return;
        }
        if (ch == ';') {
            return;
        }
        /* fall through */
    case RL_ESC_SS3:
        rs->esc_state = RL_ESC_NONE;
        readline_handle_esc(rs, ch);
        readline_update(rs);
        return;
    }

    switch (ch) {
    case 1:     /* Ctrl-a */
        rs->cursor = 0;
        break;
    case 4:     /* Ctrl-d: delete under the cursor */
        if (rs->cursor < rs->line->len) {
            readline_delete(rs, rs->cursor, 1);
        }
        break;
    case 5:     /* Ctrl-e */
        rs->cursor = rs->line->len;
        break;
    case 9:     /* Tab */
        readline_complete(rs);
        return;
    case 11:    /* Ctrl-k: kill to the end */
        g_string_truncate(rs->line, rs->cursor);
        break;
    case 14:    /* Ctrl-n */
        readline_history_down(rs);
        break;
    case 16:    /* Ctrl-p */
        readline_history_up(rs);
        break;
    case 21:    /* Ctrl-u: kill to the start */
        readline_delete(rs, 0, rs->cursor);
        break;
    case 23:    /* Ctrl-w: the word before the cursor */
        readline_kill_word(rs);
        break;
    case 27:
        rs->esc_state = RL_ESC_SEEN;
        return;
    case '\r':
        rs->last_was_cr = true;
        readline_enter(rs);
        return;
    case '\n':
        if (!was_cr) {
            readline_enter(rs);
        }
        return;
    case 8:
    case 127:
        if (rs->cursor > 0) {
            readline_delete(rs, rs->cursor - 1, 1);
        }
        break;
    default:
        if (ch < 32) {
            return;
        }
        readline_insert(rs, (const char *)&ch, 1);
        break;
    }
    readline_update(rs);
}
