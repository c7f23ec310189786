/*
 * test-hmp-readline.c: the human monitor's line editor driven byte by
 * byte as a terminal would: the line that reaches Enter after cursor
 * motion, kills and history, what the terminal is sent, and completion.
 */
#include "qemu/osdep.h"
#include "monitor/hmp-readline.h"

typedef struct RL {
    ReadLineState *rs;
    GString *out;
    GPtrArray *lines;
} RL;

static void rl_out(void *opaque, const char *text, size_t len)
{
    RL *t = opaque;

    g_string_append_len(t->out, text, len);
}

static void rl_exec(void *opaque, const char *line)
{
    RL *t = opaque;

    g_ptr_array_add(t->lines, g_strdup(line));
}

static void rl_complete(void *opaque, const char *line, GPtrArray *out)
{
    static const char *const words[] = {
        "info", "inject-nmi", "quit", "status", "stop", NULL
    };
    const char *word = strrchr(line, ' ');

    word = word ? word + 1 : line;
    for (const char *const *w = words; *w; w++) {
        if (g_str_has_prefix(*w, word)) {
            g_ptr_array_add(out, g_strdup(*w));
        }
    }
}

static RL *rl_new(void)
{
    RL *t = g_new0(RL, 1);

    t->out = g_string_new(NULL);
    t->lines = g_ptr_array_new_with_free_func(g_free);
    t->rs = readline_new(rl_out, rl_exec, rl_complete, t);
    readline_start(t->rs, "(qemu) ");
    return t;
}

static void rl_free(RL *t)
{
    readline_free(t->rs);
    g_string_free(t->out, true);
    g_ptr_array_free(t->lines, true);
    g_free(t);
}

static void rl_send(RL *t, const char *bytes)
{
    for (const char *p = bytes; *p; p++) {
        readline_handle_byte(t->rs, *p);
    }
}

static const char *rl_last(RL *t)
{
    g_assert_cmpuint(t->lines->len, >, 0);
    return g_ptr_array_index(t->lines, t->lines->len - 1);
}

static void test_plain_line(void)
{
    RL *t = rl_new();

    rl_send(t, "info status\r\n");
    g_assert_cmpuint(t->lines->len, ==, 1);
    g_assert_cmpstr(rl_last(t), ==, "info status");
    /* \r\n is one Enter; a lone \n is another. */
    rl_send(t, "\n");
    g_assert_cmpuint(t->lines->len, ==, 2);
    g_assert_cmpstr(rl_last(t), ==, "");
    rl_free(t);
}

static void test_echo_as_qemu(void)
{
    RL *t = rl_new();

    g_string_truncate(t->out, 0);
    rl_send(t, "ab");
    /* Back over what was drawn, the whole line, clear to end of line. */
    g_assert_cmpstr(t->out->str, ==, "a\033[K\033[Dab\033[K");
    g_string_truncate(t->out, 0);
    rl_send(t, "\033[D");
    g_assert_cmpstr(t->out->str, ==, "\033[D");
    rl_free(t);
}

static void test_cursor_editing(void)
{
    RL *t = rl_new();

    /* Left twice, insert: "info stXatus". */
    rl_send(t, "info status\033[D\033[D\033[D\033[DX\r");
    g_assert_cmpstr(rl_last(t), ==, "info stXatus");
    /* Home (Ctrl-a) and End (Ctrl-e), xterm and VT220 spellings. */
    rl_send(t, "nfo\001i\005 x\r");
    g_assert_cmpstr(rl_last(t), ==, "info x");
    rl_send(t, "b\033[Ha\033[Fc\033[1~<\033[4~>\r");
    g_assert_cmpstr(rl_last(t), ==, "<abc>");
    /* Right arrow stops at the end; Delete removes under the cursor. */
    rl_send(t, "xy\033[C\033[C\001\033[3~\r");
    g_assert_cmpstr(rl_last(t), ==, "y");
    rl_free(t);
}

static void test_kills(void)
{
    RL *t = rl_new();

    rl_send(t, "info registers\033[D\033[D\013\r");
    g_assert_cmpstr(rl_last(t), ==, "info registe");
    rl_send(t, "info registers\001\033[C\033[C\025\r");
    g_assert_cmpstr(rl_last(t), ==, "fo registers");
    rl_send(t, "x /4i  $pc\027\r");
    g_assert_cmpstr(rl_last(t), ==, "x /4i  ");
    rl_send(t, "abc\b\177d\r");
    g_assert_cmpstr(rl_last(t), ==, "ad");
    rl_free(t);
}

static void test_history(void)
{
    RL *t = rl_new();

    rl_send(t, "one\rtwo\rthree\r");
    rl_send(t, "\033[A\r");
    g_assert_cmpstr(rl_last(t), ==, "three");
    rl_send(t, "\033[A\033[A\033[A\r");
    g_assert_cmpstr(rl_last(t), ==, "one");
    /* Up past the oldest stays there; down past the newest is empty. */
    rl_send(t, "\033[A\033[A\033[A\033[A\033[A\033[B\r");
    g_assert_cmpstr(rl_last(t), ==, "three");
    rl_send(t, "\020\016\016\r");
    g_assert_cmpstr(rl_last(t), ==, "");
    /* A repeated line moves to the end instead of appearing twice. */
    g_assert_cmpuint(readline_history_len(t->rs), ==, 3);
    g_assert_cmpstr(readline_get_history(t->rs, 0), ==, "two");
    g_assert_cmpstr(readline_get_history(t->rs, 1), ==, "one");
    g_assert_cmpstr(readline_get_history(t->rs, 2), ==, "three");
    rl_free(t);
}

static void test_completion(void)
{
    RL *t = rl_new();

    /* One candidate: completed with a space after it. */
    rl_send(t, "qu\t\r");
    g_assert_cmpstr(rl_last(t), ==, "quit ");
    /* Several: the common prefix, and the candidates listed. */
    g_string_truncate(t->out, 0);
    rl_send(t, "s\t");
    g_assert_cmpstr(readline_get_line(t->rs), ==, "st");
    g_assert_nonnull(strstr(t->out->str, "status"));
    g_assert_nonnull(strstr(t->out->str, "stop"));
    /* The prompt and the line are drawn again after the list. */
    g_assert_true(g_str_has_suffix(t->out->str, "(qemu) st\033[K"));
    rl_send(t, "o\t\r");
    g_assert_cmpstr(rl_last(t), ==, "stop ");
    /* Completion of a later word. */
    rl_send(t, "info sta\t\r");
    g_assert_cmpstr(rl_last(t), ==, "info status ");
    /* Nothing matches: the line is left alone. */
    rl_send(t, "zz\t\r");
    g_assert_cmpstr(rl_last(t), ==, "zz");
    rl_free(t);
}

static void test_long_line_bounded(void)
{
    RL *t = rl_new();
    g_autofree char *big = g_strnfill(READLINE_LINE_MAX + 100, 'a');

    rl_send(t, big);
    g_assert_cmpuint(strlen(readline_get_line(t->rs)), ==, READLINE_LINE_MAX);
    rl_send(t, "\r");
    g_assert_cmpuint(strlen(rl_last(t)), ==, READLINE_LINE_MAX);
    /* Junk escape sequences are swallowed, not inserted. */
    rl_send(t, "\033[99999999Zok\033Oz\r");
    g_assert_cmpstr(rl_last(t), ==, "ok");
    rl_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hmp-readline/plain-line", test_plain_line);
    g_test_add_func("/hmp-readline/echo", test_echo_as_qemu);
    g_test_add_func("/hmp-readline/cursor", test_cursor_editing);
    g_test_add_func("/hmp-readline/kills", test_kills);
    g_test_add_func("/hmp-readline/history", test_history);
    g_test_add_func("/hmp-readline/completion", test_completion);
    g_test_add_func("/hmp-readline/long-line", test_long_line_bounded);
    return g_test_run();
}
