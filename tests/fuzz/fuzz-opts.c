/*
 * fuzz-opts.c: libFuzzer entry point for QemuOpts parsing, the parser
 * every command-line option string goes through. Built and run by
 * tests/fuzz/run-fuzz.sh (suite 'fuzz'), or by hand as fuzz-json.c says.
 *
 * Checks: no crash, leak or UB on any input; a string that parses renders
 * back (qemu_opts_to_string) to one that parses to the same key/values.
 */
#include "qemu/osdep.h"
#include "qemu/opts.h"

static QemuOptsList fuzz_typed_opts = {
    .name = "fuzz-typed",
    .implied_opt_name = "path",
    .desc = {
        { .name = "path", .type = QEMU_OPT_STRING },
        { .name = "server", .type = QEMU_OPT_BOOL },
        { .name = "port", .type = QEMU_OPT_NUMBER },
        { .name = "size", .type = QEMU_OPT_SIZE },
        { /* end of list */ }
    },
};

static QemuOptsList fuzz_free_opts = {
    .name = "fuzz-free",
    .implied_opt_name = "driver",
    .desc = { { /* any key */ } },
};

static int collect(void *opaque, const char *name, const char *value,
                   Error **errp)
{
    g_string_append_printf(opaque, "%s\n%s\n", name, value);
    return 0;
}

static char *flatten(QemuOpts *opts)
{
    GString *s = g_string_new(qemu_opts_id(opts));

    g_string_append_c(s, '\n');
    qemu_opt_foreach(opts, collect, s, NULL);
    return g_string_free(s, false);
}

static void fuzz_list(QemuOptsList *list, const char *input,
                      bool permit_abbrev)
{
    QemuOpts *opts = qemu_opts_parse(list, input, permit_abbrev, NULL);
    g_autofree char *before = NULL, *text = NULL, *after = NULL;
    QemuOpts *again;

    if (!opts) {
        return;
    }
    before = flatten(opts);
    text = qemu_opts_to_string(opts);
    qemu_opts_del(opts);
    again = qemu_opts_parse(list, text, permit_abbrev, NULL);
    if (!again) {
        abort();        /* our own rendering must parse */
    }
    after = flatten(again);
    if (strcmp(before, after) != 0) {
        abort();
    }
    qemu_opts_del(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *input = g_strndup((const char *)data, size);

    /* permit_abbrev is how the command line parses (implied first key) */
    fuzz_list(&fuzz_typed_opts, input, true);
    fuzz_list(&fuzz_free_opts, input, true);
    fuzz_list(&fuzz_typed_opts, input, false);
    fuzz_list(&fuzz_free_opts, input, false);
    qemu_opts_reset(&fuzz_typed_opts);
    qemu_opts_reset(&fuzz_free_opts);
    return 0;
}
