/*
 * test-chardev-mux.c: unit tests of the chardev multiplexer (mux=on,
 * "mon:"): focus switching, the Ctrl-a commands, merged output and input
 * flow control. The backend under the mux is a pipe chardev on two FIFOs,
 * so the test plays the user's terminal.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "test-helpers.h"
#include "system/runstate.h"

#include <poll.h>
#include <sys/stat.h>

typedef struct TestFe {
    CharBackend be;
    const char *name;
    GString *in;
    GString *events;       /* "O" opened, "I" mux-in, "X" mux-out, "B" ... */
    int can_read;          /* -1: unlimited */
    int max_chunk;         /* biggest read seen */
} TestFe;

static int fe_can_read(void *opaque)
{
    TestFe *fe = opaque;

    return fe->can_read < 0 ? 4096 : fe->can_read;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    TestFe *fe = opaque;

    /* Flow control: never more than can_read said. */
    g_assert_cmpint(size, <=, fe_can_read(fe));
    g_string_append_len(fe->in, (const char *)buf, size);
    fe->max_chunk = MAX(fe->max_chunk, size);
    if (fe->can_read > 0) {
        fe->can_read -= size;
    }
}

static void fe_event(void *opaque, QEMUChrEvent event)
{
    static const char code[] = {
        [CHR_EVENT_BREAK] = 'B', [CHR_EVENT_OPENED] = 'O',
        [CHR_EVENT_MUX_IN] = 'I', [CHR_EVENT_MUX_OUT] = 'X',
        [CHR_EVENT_CLOSED] = 'C',
    };
    TestFe *fe = opaque;

    g_string_append_c(fe->events, code[event]);
}

static void fe_attach(TestFe *fe, const char *name, Chardev *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->name = name;
    fe->in = g_string_new(NULL);
    fe->events = g_string_new(NULL);
    fe->can_read = -1;
    g_assert_true(qemu_chr_fe_init(&fe->be, chr, &error_abort));
    qemu_chr_fe_set_handlers(&fe->be, fe_can_read, fe_read, fe_event, fe,
                             true);
}

static void fe_detach(TestFe *fe)
{
    qemu_chr_fe_deinit(&fe->be, false);
    g_string_free(fe->in, true);
    g_string_free(fe->events, true);
}

/* The user's terminal: keys go into P.in, the screen is P.out. */
typedef struct Term {
    char *dir;
    int keys;
    int screen;
    Chardev *mux;
} Term;

static void term_open(Term *t, const char *how)
{
    g_autofree char *base = NULL, *in = NULL, *out = NULL, *str = NULL;

    t->dir = g_dir_make_tmp("test-chardev-mux-XXXXXX", NULL);
    g_assert_nonnull(t->dir);
    base = g_build_filename(t->dir, "term", NULL);
    in = g_strdup_printf("%s.in", base);
    out = g_strdup_printf("%s.out", base);
    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    if (!strcmp(how, "mon")) {
        str = g_strdup_printf("mon:pipe:%s", base);
        g_assert_true(qemu_chr_new_is_mon(str));
        t->mux = qemu_chr_new("m", str, &error_abort);
    } else {
        str = g_strdup_printf("pipe,id=m,path=%s,mux=on", base);
        t->mux = chardev_new(str);
    }
    g_assert_true(qemu_chr_is_mux(t->mux));
    t->screen = open(out, O_RDONLY | O_NONBLOCK);
    t->keys = open(in, O_WRONLY | O_NONBLOCK);
    g_assert_cmpint(t->screen, >=, 0);
    g_assert_cmpint(t->keys, >=, 0);
}

static void term_close(Term *t)
{
    close(t->keys);
    close(t->screen);
    qemu_chr_cleanup();
    g_assert_true(test_rmtree(t->dir));
    g_free(t->dir);
}

static void term_type(Term *t, const char *keys, size_t len)
{
    g_assert_cmpint(write(t->keys, keys, len), ==, len);
}

/* Everything on the screen so far. */
static char *term_screen(Term *t)
{
    GString *s = g_string_new(NULL);
    char buf[512];
    ssize_t n;

    while ((n = read(t->screen, buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    return g_string_free(s, false);
}

/* Wait until the screen shows want (exactly, from the last read on). */
static void term_expect(Term *t, const char *want)
{
    g_autoptr(GString) got = g_string_new(NULL);

    WAIT_FOR(({
        g_autofree char *more = term_screen(t);
        g_string_append(got, more);
        got->len >= strlen(want);
    }));
    g_assert_cmpstr(got->str, ==, want);
}

static void test_focus_switch(gconstpointer how)
{
    Term t;
    TestFe mon, serial;

    term_open(&t, how);
    /* The monitor attaches first, the serial port last and takes focus,
     * as with -nographic. */
    fe_attach(&mon, "mon", t.mux);
    fe_attach(&serial, "serial", t.mux);
    g_assert_cmpstr(mon.events->str, ==, "IOX");
    g_assert_cmpstr(serial.events->str, ==, "IO");

    term_type(&t, "ls\r", 3);
    WAIT_FOR(serial.in->len == 3);
    g_assert_cmpstr(serial.in->str, ==, "ls\r");
    g_assert_cmpstr(mon.in->str, ==, "");

    term_type(&t, "\x01" "c" "info\r", 7);
    WAIT_FOR(mon.in->len == 5);
    g_assert_cmpstr(mon.in->str, ==, "info\r");
    g_assert_cmpstr(serial.in->str, ==, "ls\r");
    g_assert_cmpstr(mon.events->str, ==, "IOXI");
    g_assert_cmpstr(serial.events->str, ==, "IOX");

    /* And round again. */
    term_type(&t, "\x01" "c" "z", 3);
    WAIT_FOR(serial.in->len == 4);
    g_assert_cmpstr(serial.in->str, ==, "ls\rz");
    g_assert_cmpstr(serial.events->str, ==, "IOXI");

    /* Output of every frontend reaches the screen, focused or not. */
    qemu_chr_fe_write_all(&mon.be, (const uint8_t *)"(qemu) ", 7);
    qemu_chr_fe_write_all(&serial.be, (const uint8_t *)"login: ", 7);
    term_expect(&t, "(qemu) login: ");
    fe_detach(&mon);
    fe_detach(&serial);
    term_close(&t);
}

static bool shutdown_seen;
static ShutdownCause shutdown_cause;

static void on_shutdown(void *opaque, ShutdownCause cause)
{
    shutdown_seen = true;
    shutdown_cause = cause;
}

static void test_escape_commands(void)
{
    static const char help[] =
        "\n\r"
        "C-a h    print this help\n\r"
        "C-a x    exit emulator\n\r"
        "C-a s    save disk data back to file (if -snapshot)\n\r"
        "C-a t    toggle console timestamps\n\r"
        "C-a b    send break (magic sysrq)\n\r"
        "C-a c    switch between console and monitor\n\r"
        "C-a C-a  sends C-a\n\r";
    Term t;
    TestFe serial;
    int status = -1;

    term_open(&t, "opts");
    fe_attach(&serial, "serial", t.mux);

    term_type(&t, "\x01h", 2);
    term_expect(&t, help);
    g_assert_cmpstr(serial.in->str, ==, "");

    /* C-a C-a is one literal C-a; C-a b a break; C-a s and unknown
     * commands are swallowed. */
    term_type(&t, "a\x01\x01" "b\x01" "b\x01s\x01q" "c", 11);
    WAIT_FOR(serial.in->len == 4);
    g_assert_cmpmem(serial.in->str, 4, "a\x01" "bc", 4);
    g_assert_cmpstr(serial.events->str, ==, "IOB");

    g_assert_false(main_loop_should_exit(&status));
    qemu_register_shutdown_notifier(on_shutdown, NULL);
    term_type(&t, "\x01x", 2);
    term_expect(&t, "QEMU: Terminated\n\r");
    g_assert_true(main_loop_should_exit(&status));
    g_assert_cmpint(status, ==, 0);
    g_assert_true(shutdown_seen);
    g_assert_cmpint(shutdown_cause, ==, SHUTDOWN_CAUSE_HOST_UI);
    qemu_unregister_request_notifier(on_shutdown, NULL);

    fe_detach(&serial);
    term_close(&t);
}

static void test_timestamps(void)
{
    Term t;
    TestFe serial;
    g_autofree char *screen = NULL;

    term_open(&t, "opts");
    fe_attach(&serial, "serial", t.mux);
    term_type(&t, "\x01t", 2);
    /* Let the command be read before the output it changes. */
    spin(50);
    qemu_chr_fe_write_all(&serial.be, (const uint8_t *)"one\ntwo\nthr", 11);
    qemu_chr_fe_write_all(&serial.be, (const uint8_t *)"ee\n", 3);
    qemu_chr_fe_write_all(&serial.be, (const uint8_t *)"four", 4);
    screen = term_screen(&t);
    g_assert_true(g_regex_match_simple(
        "^one\n\\[00:00:0\\d\\.\\d\\d\\d\\] two\n"
        "\\[00:00:0\\d\\.\\d\\d\\d\\] three\n"
        "\\[00:00:0\\d\\.\\d\\d\\d\\] four$", screen, 0, 0));

    /* Off again: plain output. */
    term_type(&t, "\x01t", 2);
    spin(50);
    qemu_chr_fe_write_all(&serial.be, (const uint8_t *)"\nfive\n", 6);
    term_expect(&t, "\nfive\n");
    fe_detach(&serial);
    term_close(&t);
}

static void test_flow_control(void)
{
    Term t;
    TestFe mon, serial;
    char keys[100];

    term_open(&t, "opts");
    fe_attach(&mon, "mon", t.mux);
    fe_attach(&serial, "serial", t.mux);

    /* A frontend that takes nothing loses nothing: more than the mux
     * buffers stays in the backend until it asks for more. */
    serial.can_read = 0;
    for (size_t i = 0; i < sizeof(keys); i++) {
        keys[i] = 'A' + i % 26;
    }
    term_type(&t, keys, sizeof(keys));
    spin(100);
    g_assert_cmpint(serial.in->len, ==, 0);

    /* Three bytes at a time. */
    while (serial.in->len < sizeof(keys)) {
        size_t before = serial.in->len;
        serial.can_read = 3;
        qemu_chr_fe_accept_input(&serial.be);
        WAIT_FOR(serial.in->len >= MIN(before + 3, sizeof(keys)));
    }
    g_assert_cmpint(serial.max_chunk, <=, 3);
    g_assert_cmpmem(serial.in->str, serial.in->len, keys, sizeof(keys));

    /* A blocked frontend out of focus keeps its bytes for when it is
     * back in focus and ready. */
    serial.can_read = 0;
    g_string_truncate(serial.in, 0);
    term_type(&t, "held\x01" "c" "m", 7);
    WAIT_FOR(mon.in->len == 1);
    g_assert_cmpstr(mon.in->str, ==, "m");
    g_assert_cmpstr(serial.in->str, ==, "");
    serial.can_read = -1;
    term_type(&t, "\x01" "c", 2);
    WAIT_FOR(serial.in->len == 4);
    g_assert_cmpstr(serial.in->str, ==, "held");
    fe_detach(&mon);
    fe_detach(&serial);
    term_close(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);

    g_test_add_data_func("/chardev/mux/focus-switch", "opts",
                         test_focus_switch);
    g_test_add_data_func("/chardev/mux/focus-switch-mon-prefix", "mon",
                         test_focus_switch);
    g_test_add_func("/chardev/mux/escape-commands", test_escape_commands);
    g_test_add_func("/chardev/mux/timestamps", test_timestamps);
    g_test_add_func("/chardev/mux/flow-control", test_flow_control);
    return g_test_run();
}
