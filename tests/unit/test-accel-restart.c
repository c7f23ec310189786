/*
 * test-accel-restart.c: the command line a KVM that cannot run the guest
 * restarts with (accel/accel-restart.c): the accelerator choice keeps
 * only the fallback, -daemonize and -S go, everything else (option
 * arguments that look like accelerator options included) is kept as the
 * user wrote it, and options that cannot be rerun are refused.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "system/accel-restart.h"

/* The options the cases use that take an argument, as in vl-options.c. */
static bool test_takes_arg(const char *name)
{
    static const char *const with_arg[] = {
        "accel", "machine", "M", "m", "smp", "kernel", "append", "initrd",
        "serial", "chroot", "runas", "incoming", "run-with", "pidfile",
        "name", "drive", NULL
    };

    return g_strv_contains(with_arg, name);
}

typedef struct RestartCase {
    const char *in;         /* space-separated; '_' stands for a space */
    const char *fallback;
    const char *out;        /* NULL: refused */
} RestartCase;

static const RestartCase restart_cases[] = {
    { "q -accel kvm -accel tcg -m 512", "tcg", "q -accel tcg -m 512" },
    { "q -accel kvm:tcg -smp 2", "tcg", "q -accel tcg -smp 2" },
    { "q --accel kvm -accel tcg,thread=multi", "tcg",
      "q -accel tcg,thread=multi" },
    { "q -accel accel=kvm -accel accel=tcg,tb-size=64", "tcg",
      "q -accel accel=tcg,tb-size=64" },
    { "q -enable-kvm -accel tcg", "tcg", "q -accel tcg" },
    { "q -M pc,accel=kvm:tcg,kernel-irqchip=off -m 1G", "tcg",
      "q -M pc,accel=tcg,kernel-irqchip=off -m 1G" },
    { "q -machine accel=kvm:tcg", "tcg", "q -machine accel=tcg" },
    /* An escaped comma stays inside its value. */
    { "q -M pc,accel=kvm:tcg,memory-backend=a,,b", "tcg",
      "q -M pc,accel=tcg,memory-backend=a,,b" },
    /* Arguments are not options, whatever they look like. */
    { "q -accel kvm -accel tcg -append -enable-kvm_-S -name -daemonize",
      "tcg", "q -accel tcg -append -enable-kvm_-S -name -daemonize" },
    { "q -daemonize -pidfile /tmp/p -S -accel kvm -accel tcg disk.img",
      "tcg", "q -pidfile /tmp/p -accel tcg disk.img" },
    { "q -accel kvm -accel tcg -chroot /srv", "tcg", NULL },
    { "q -accel kvm -accel tcg -runas nobody", "tcg", NULL },
    { "q -accel kvm -accel tcg -incoming defer", "tcg", NULL },
    { "q -accel kvm -accel tcg -run-with chroot=/srv", "tcg", NULL },
    { "q -accel kvm -accel tcg -run-with async-teardown=on", "tcg",
      "q -accel tcg -run-with async-teardown=on" },
};

static char **test_split(const char *s)
{
    char **v = g_strsplit(s, " ", -1);

    for (char **p = v; *p; p++) {
        g_strdelimit(*p, "_", ' ');
    }
    return v;
}

static void test_restart_argv(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(restart_cases); i++) {
        const RestartCase *c = &restart_cases[i];
        g_auto(GStrv) in = test_split(c->in);
        g_auto(GStrv) out = NULL;
        Error *err = NULL;

        out = accel_restart_argv(in, c->fallback, test_takes_arg, &err);
        if (!c->out) {
            g_assert_null(out);
            g_assert_nonnull(err);
            /* The message names the option that cannot be rerun. */
            g_assert_nonnull(strstr(error_get_pretty(err), in[5]));
            error_free(err);
            continue;
        }
        g_assert_null(err);
        g_assert_nonnull(out);
        {
            g_auto(GStrv) want = test_split(c->out);
            g_autofree char *got = g_strjoinv("|", out);
            g_autofree char *exp = g_strjoinv("|", want);

            g_assert_cmpstr(got, ==, exp);
        }
    }
}

/* A trailing option whose argument is missing is copied, not overrun. */
static void test_restart_argv_truncated(void)
{
    char *in[] = { (char *)"q", (char *)"-accel", (char *)"kvm",
                   (char *)"-append", NULL };
    g_auto(GStrv) out = accel_restart_argv(in, "tcg", test_takes_arg,
                                           &error_abort);
    g_autofree char *got = g_strjoinv("|", out);

    g_assert_cmpstr(got, ==, "q|-append");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/accel/restart/argv", test_restart_argv);
    g_test_add_func("/accel/restart/argv-truncated",
                    test_restart_argv_truncated);
    return g_test_run();
}
