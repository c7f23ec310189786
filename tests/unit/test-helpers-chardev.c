/*
 * test-helpers-chardev.c: the helpers of test-helpers.h that need the main
 * loop and the chardev layer: WAIT_FOR(), spin(), creating chardevs
 * from -chardev option strings, and a frontend that records what it saw.
 * Kept apart from test-helpers.c so that tests linking only libutil do not
 * pull these in.
 */
#include "test-helpers.h"
#include "qemu/main-loop.h"

static void tick(void *opaque)
{
}

void test_wait_begin(TestWait *w, int64_t timeout_ms)
{
    w->deadline_ms = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + timeout_ms;
    w->timer = timer_new_ms(QEMU_CLOCK_REALTIME, tick, NULL);
}

void test_wait_step(TestWait *w)
{
    g_assert_cmpint(qemu_clock_get_ms(QEMU_CLOCK_REALTIME), <,
                    w->deadline_ms);
    timer_mod(w->timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20);
    main_loop_wait(false);
}

void test_wait_end(TestWait *w)
{
    timer_free(w->timer);
    w->timer = NULL;
}

void spin(int ms)
{
    int64_t end = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + ms;
    QEMUTimer *t = timer_new_ms(QEMU_CLOCK_REALTIME, tick, NULL);

    while (qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end) {
        timer_mod(t, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 10);
        main_loop_wait(false);
    }
    timer_free(t);
}

Chardev *chardev_new(const char *str)
{
    QemuOpts *opts = qemu_opts_parse(&qemu_chardev_opts, str, true,
                                     &error_abort);
    Error *err = NULL;
    Chardev *chr = qemu_chr_new_from_opts(opts, &err);

    if (!chr) {
        g_error("-chardev %s: %s", str, error_get_pretty(err));
    }
    qemu_opts_del(opts);
    return chr;
}

void chardev_expect_error(const char *str, const char *msg)
{
    Error *err = NULL;
    QemuOpts *opts = qemu_opts_parse(&qemu_chardev_opts, str, true, &err);
    Chardev *chr;

    if (!opts) {
        g_assert_cmpstr(error_get_pretty(err), ==, msg);
        error_free(err);
        return;
    }
    chr = qemu_chr_new_from_opts(opts, &err);
    g_assert_null(chr);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    qemu_opts_del(opts);
}

static int fe_can_read(void *opaque)
{
    return 4096;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    TestFrontend *fe = opaque;

    g_string_append_len(fe->in, (const char *)buf, size);
}

static void fe_event(void *opaque, QEMUChrEvent event)
{
    TestFrontend *fe = opaque;

    fe->opened += event == CHR_EVENT_OPENED;
    fe->closed += event == CHR_EVENT_CLOSED;
    fe->breaks += event == CHR_EVENT_BREAK;
}

void test_fe_attach(TestFrontend *fe, Chardev *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->in = g_string_new(NULL);
    g_assert_true(qemu_chr_fe_init(&fe->be, chr, &error_abort));
    qemu_chr_fe_set_handlers(&fe->be, fe_can_read, fe_read, fe_event, fe,
                             true);
}

void test_fe_detach(TestFrontend *fe, bool del)
{
    qemu_chr_fe_deinit(&fe->be, del);
    g_string_free(fe->in, true);
    fe->in = NULL;
}
