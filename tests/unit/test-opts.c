/*
 * test-opts.c: unit tests for util/opts.c (QemuOpts): a table of good and
 * bad option strings with the exact messages a user would see, implied
 * keys, escapes, sizes, merged lists, ids, iteration and help output.
 */
#include "qemu/osdep.h"
#include "qemu/opts.h"
#include "test-helpers.h"

static QemuOptsList list_chardev = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .desc = {
        { .name = "backend", .type = QEMU_OPT_STRING },
        { .name = "path", .type = QEMU_OPT_STRING },
        { .name = "server", .type = QEMU_OPT_BOOL },
        { .name = "wait", .type = QEMU_OPT_BOOL },
        { .name = "delay", .type = QEMU_OPT_BOOL },
        { .name = "noflush", .type = QEMU_OPT_BOOL },
        { .name = "size", .type = QEMU_OPT_SIZE },
        { .name = "cols", .type = QEMU_OPT_NUMBER },
        { NULL }
    },
};

static QemuOptsList list_machine = {
    .name = "machine",
    .implied_opt_name = "type",
    .merge_lists = true,
    .desc = {
        { .name = "type", .type = QEMU_OPT_STRING },
        { .name = "accel", .type = QEMU_OPT_STRING },
        { .name = "usb", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

static QemuOptsList list_memory = {
    .name = "memory",
    .implied_opt_name = "size",
    .merge_lists = true,
    .desc = {
        { .name = "size", .type = QEMU_OPT_SIZE },
        { .name = "slots", .type = QEMU_OPT_NUMBER },
        { NULL }
    },
};

static QemuOptsList list_device = {
    .name = "device",
    .implied_opt_name = "driver",
    .desc = { { NULL } },
};

static QemuOptsList list_drive = {
    .name = "drive",
    .desc = {
        { .name = "file", .type = QEMU_OPT_STRING },
        { .name = "readonly", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

static QemuOptsList list_img = {
    .name = "qcow2",
    .desc = {
        { "size", QEMU_OPT_SIZE, "Virtual disk size", NULL },
        { "backing_file", QEMU_OPT_STRING, "File name of a base image", NULL },
        { "lazy_refcounts", QEMU_OPT_BOOL, NULL, NULL },
        { "refcount_bits", QEMU_OPT_NUMBER, "Width of a reference count entry "
          "in bits", NULL },
        { NULL }
    },
};

static QemuOptsList list_empty_named = {
    .name = "nothing",
    .desc = { { NULL } },
};

static void reset_all(void)
{
    qemu_opts_reset(&list_chardev);
    qemu_opts_reset(&list_machine);
    qemu_opts_reset(&list_memory);
    qemu_opts_reset(&list_device);
    qemu_opts_reset(&list_drive);
    loc_set_none();
}

typedef struct ParseCase {
    QemuOptsList *list;
    const char *in;
    bool abbrev;
    const char *err;        /* expected message, NULL for success */
    const char *str;        /* expected qemu_opts_to_string() on success */
} ParseCase;

static const ParseCase parse_cases[] = {
    /* implied first key, id, escapes */
    { &list_chardev, "null,id=a", true, NULL, "id=a,backend=null" },
    { &list_chardev, "", true, NULL, "" },
    { &list_chardev, "null,", true, NULL, "backend=null" },
    { &list_chardev, "null,,x", true, NULL, "backend=null,,x" },
    { &list_chardev, "file,path=/tmp/a,,b,,,cols=3", true, NULL,
      "backend=file,path=/tmp/a,,b,,,cols=3" },
    { &list_chardev, "file,path=a=b", true, NULL, "backend=file,path=a=b" },
    { &list_chardev, "backend=file,path=x", true, NULL,
      "backend=file,path=x" },
    { &list_chardev, "path=x", true, NULL, "path=x" },
    { &list_chardev, "id=a.b-c_d9,backend=null", false, NULL,
      "id=a.b-c_d9,backend=null" },
    /* odd punctuation is parsed, never crashes */
    { &list_chardev, ",", true, NULL, "backend=" },
    { &list_chardev, ",,", true, NULL, "backend=,," },
    { &list_chardev, "null,path=,", true, NULL, "backend=null,path=" },
    { &list_chardev, "null,path==", true, NULL, "backend=null,path==" },
    { &list_chardev, "=", true, "Invalid parameter ''" },
    { &list_chardev, "a==b", true, "Invalid parameter 'a'" },
    { &list_chardev, "null,,,,", true, NULL, "backend=null,,,," },
    /* keys take no escapes and are never empty, even in free lists, so
     * whatever parses can be written back unambiguously */
    { &list_device, "=,=", true, "Invalid parameter ''" },
    { &list_device, ",=x", true, "Invalid parameter ''" },
    { &list_device, "a,b,,c=1", true, "Invalid parameter ''" },
    /* bools, including the short forms */
    { &list_chardev, "socket,server=yes,wait=n", true, NULL,
      "backend=socket,server=yes,wait=n" },
    { &list_chardev, "socket,server=true,wait=false", true, NULL,
      "backend=socket,server=true,wait=false" },
    { &list_chardev, "socket,server,nowait", true, NULL,
      "backend=socket,server=on,wait=off" },
    { &list_chardev, "socket,nodelay", true, NULL,
      "backend=socket,delay=off" },
    { &list_chardev, "socket,noflush", true, NULL,
      "backend=socket,noflush=on" },
    /* numbers and sizes */
    { &list_chardev, "vc,cols=0x10", true, NULL, "backend=vc,cols=0x10" },
    { &list_chardev, "ringbuf,size=1.5k", true, NULL,
      "backend=ringbuf,size=1.5k" },
    /* errors, worded as QEMU's */
    { &list_chardev, "null,id=1abc", true,
      "Parameter 'id' expects an identifier" },
    { &list_chardev, "null,id=", true,
      "Parameter 'id' expects an identifier" },
    { &list_chardev, "null,id=_a", true,
      "Parameter 'id' expects an identifier" },
    { &list_chardev, "null,id=a,,b", true,
      "Parameter 'id' expects an identifier" },
    { &list_chardev, "null,id=a,id=b", true, "Duplicate parameter 'id'" },
    { &list_chardev, "null,foo=bar", true, "Invalid parameter 'foo'" },
    { &list_chardev, "null,FOO=bar", true, "Invalid parameter 'FOO'" },
    { &list_chardev, "null,=x", true, "Invalid parameter ''" },
    { &list_chardev, "null,,,=x", true, "Invalid parameter ''" },
    { &list_chardev, "null,help", true, "Invalid parameter 'help'" },
    { &list_chardev, "null,bogus", true, "Invalid parameter 'bogus'" },
    { &list_chardev, "null", false, "Invalid parameter 'null'" },
    /* id errors come first, whatever their position */
    { &list_chardev, "null,foo=bar,id=9", true,
      "Parameter 'id' expects an identifier" },
    { &list_chardev, "socket,server=maybe", true,
      "Parameter 'server' expects 'on' or 'off'" },
    { &list_chardev, "socket,server=ON", true,
      "Parameter 'server' expects 'on' or 'off'" },
    { &list_chardev, "socket,server=", true,
      "Parameter 'server' expects 'on' or 'off'" },
    { &list_chardev, "vc,cols=abc", true,
      "Parameter 'cols' expects a number" },
    { &list_chardev, "vc,cols=", true, "Parameter 'cols' expects a number" },
    { &list_chardev, "vc,cols=-1", true,
      "Parameter 'cols' expects a number" },
    { &list_chardev, "vc,cols=12x", true,
      "Parameter 'cols' expects a number" },
    { &list_chardev, "vc,cols=99999999999999999999", true,
      "Value '99999999999999999999' is too large for parameter 'cols'" },
    { &list_chardev, "ringbuf,size=abc", true,
      "Parameter 'size' expects a non-negative number below 2^64" },
    { &list_chardev, "ringbuf,size=-5", true,
      "Parameter 'size' expects a non-negative number below 2^64" },
    { &list_chardev, "ringbuf,size=1.5", true,
      "Parameter 'size' expects a non-negative number below 2^64" },
    { &list_chardev, "ringbuf,size=16E", true,
      "Value '16E' is out of range for parameter 'size'" },
    { &list_chardev, "ringbuf,size=99999999999999999999", true,
      "Value '99999999999999999999' is out of range for parameter 'size'" },
    { &list_chardev, "file,path=a,path=b", true,
      "Duplicate parameter 'path'" },
    { &list_chardev, "socket,server,server=off", true,
      "Duplicate parameter 'server'" },
    { &list_chardev, "null,backend=file", true,
      "Duplicate parameter 'backend'" },
    /* merged lists refuse id= */
    { &list_machine, "id=m0", true, "Invalid parameter 'id'" },
    { &list_machine, "pc,type=q35", true, "Duplicate parameter 'type'" },
    { &list_memory, "512M", true, NULL, "size=512M" },
    { &list_memory, "foo", true,
      "Parameter 'size' expects a non-negative number below 2^64" },
    { &list_memory, "1G,size=2G", true, "Duplicate parameter 'size'" },
    /* a list without descriptors takes anything, repeats included */
    { &list_device, "virtio-net,netdev=n0,hostfwd=a,hostfwd=b", true, NULL,
      "driver=virtio-net,netdev=n0,hostfwd=a,hostfwd=b" },
    { &list_device, "e1000,noreboot,x", true, NULL,
      "driver=e1000,reboot=off,x=on" },
    { &list_device, "e1000,id=9", true,
      "Parameter 'id' expects an identifier" },
    { &list_drive, "file=x.img,readonly=on", false, NULL,
      "file=x.img,readonly=on" },
    { &list_drive, "x.img", true, "Invalid parameter 'x.img'" },
};

static void test_parse_table(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
        const ParseCase *c = &parse_cases[i];
        Error *err = NULL;
        QemuOpts *opts;

        reset_all();
        g_test_message("case %zu: '%s'", i, c->in);
        opts = qemu_opts_parse(c->list, c->in, c->abbrev, &err);
        if (c->err) {
            g_assert_null(opts);
            g_assert_nonnull(err);
            g_assert_cmpstr(error_get_pretty(err), ==, c->err);
            error_free(err);
            /* a failed parse leaves nothing behind */
            g_assert_cmpint(qemu_opts_count(c->list), ==, 0);
        } else {
            g_autofree char *str = NULL;

            g_assert_null(err);
            g_assert_nonnull(opts);
            str = qemu_opts_to_string(opts);
            g_assert_cmpstr(str, ==, c->str);
            g_assert_cmpint(qemu_opts_count(c->list), ==, 1);
        }
    }
    reset_all();
}

/* Rendering and parsing again gives the same options back. */
static void test_round_trip(void)
{
    static const char *const inputs[] = {
        "socket,id=c0,path=/tmp/a,,b=c,server=on,wait=off,cols=0x10",
        "file,path=,,,,,,",
        "ringbuf,size=1.5k,id=r",
    };

    for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
        g_autofree char *s1 = NULL, *s2 = NULL;
        QemuOpts *opts;

        reset_all();
        opts = qemu_opts_parse(&list_chardev, inputs[i], true, &error_abort);
        s1 = qemu_opts_to_string(opts);
        qemu_opts_del(opts);
        opts = qemu_opts_parse(&list_chardev, s1, false, &error_abort);
        s2 = qemu_opts_to_string(opts);
        g_assert_cmpstr(s1, ==, s2);
    }
    reset_all();
}

static void test_values(void)
{
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&list_chardev,
                           "socket,id=s,path=/a,,b,server,nowait,cols=010,"
                           "size=1.5G", true, &error_abort);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "s");
    g_assert_true(qemu_opts_list(opts) == &list_chardev);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/a,b");
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    g_assert_true(qemu_opt_get_bool(opts, "delay", true));
    g_assert_cmpuint(qemu_opt_get_number(opts, "cols", 0), ==, 8);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 3 * GiB / 2);
    g_assert_cmpuint(qemu_opt_get_size(opts, "cols", 0), ==, 8);
    /* absent keys give the default */
    g_assert_null(qemu_opt_get(opts, "id"));
    g_assert_false(qemu_opt_has(opts, "delay"));
    g_assert_cmpuint(qemu_opt_get_number(opts, "nope", 77), ==, 77);
    g_assert_cmpuint(qemu_opt_get_size(opts, "nope", 5), ==, 5);
    /* asking a bool for a number gives the default */
    g_assert_cmpuint(qemu_opt_get_number(opts, "server", 3), ==, 3);
    g_assert_true(qemu_opt_get_bool(opts, "backend", true));
    /* NULL opts are tolerated by getters (absent -xxx option) */
    g_assert_null(qemu_opt_get(NULL, "x"));
    g_assert_true(qemu_opt_get_bool(NULL, "x", true));
    reset_all();
}

static void test_set_unset(void)
{
    Error *err = NULL;
    QemuOpts *opts;
    g_autofree char *val = NULL;
    g_autofree char *str = NULL;

    reset_all();
    opts = qemu_opts_create(&list_chardev, "c0", true, &error_abort);
    g_assert_true(qemu_opt_set(opts, "backend", "null", &error_abort));
    g_assert_true(qemu_opt_set(opts, "backend", "file", &error_abort));
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "file");
    g_assert_true(qemu_opt_set_bool(opts, "server", true, &error_abort));
    g_assert_true(qemu_opt_set_number(opts, "cols", 80, &error_abort));
    g_assert_cmpuint(qemu_opt_get_number(opts, "cols", 0), ==, 80);
    str = qemu_opts_to_string(opts);
    g_assert_cmpstr(str, ==, "id=c0,backend=file,server=on,cols=80");

    g_assert_false(qemu_opt_set(opts, "bogus", "1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free_or_abort(&err);
    g_assert_false(qemu_opt_set(opts, "server", "perhaps", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'server' expects 'on' or 'off'");
    error_free_or_abort(&err);
    g_assert_false(qemu_opt_set_bool(opts, "cols", true, &err));
    error_free_or_abort(&err);
    /* the failed sets left the old values */
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_cmpuint(qemu_opt_get_number(opts, "cols", 0), ==, 80);

    val = qemu_opt_get_del(opts, "backend");
    g_assert_cmpstr(val, ==, "file");
    g_assert_false(qemu_opt_has(opts, "backend"));
    g_assert_null(qemu_opt_get_del(opts, "backend"));
    g_assert_true(qemu_opt_unset(opts, "server"));
    g_assert_false(qemu_opt_unset(opts, "server"));
    g_assert_false(qemu_opt_has(opts, "server"));
    reset_all();
}

static void test_create_find(void)
{
    Error *err = NULL;
    QemuOpts *a, *b, *anon;

    reset_all();
    a = qemu_opts_create(&list_chardev, "a", true, &error_abort);
    g_assert_null(qemu_opts_create(&list_chardev, "a", true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Duplicate ID 'a' for chardev");
    error_free_or_abort(&err);
    b = qemu_opts_create(&list_chardev, "a", false, &error_abort);
    g_assert_true(a == b);
    g_assert_null(qemu_opts_create(&list_chardev, "9", false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'id' expects an identifier");
    error_free_or_abort(&err);

    anon = qemu_opts_create(&list_chardev, NULL, true, &error_abort);
    g_assert_true(qemu_opts_create(&list_chardev, NULL, true, &error_abort)
                  != anon);
    g_assert_cmpint(qemu_opts_count(&list_chardev), ==, 3);
    g_assert_true(qemu_opts_find(&list_chardev, "a") == a);
    g_assert_true(qemu_opts_find(&list_chardev, NULL) == anon);
    g_assert_null(qemu_opts_find(&list_chardev, "zz"));
    g_assert_null(qemu_opts_find(&list_drive, "a"));

    /* a duplicate id through parsing, as -chardev x,id=a twice */
    g_assert_null(qemu_opts_parse(&list_chardev, "null,id=a", true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Duplicate ID 'a' for chardev");
    error_free_or_abort(&err);

    qemu_opts_del(a);
    g_assert_null(qemu_opts_find(&list_chardev, "a"));
    g_assert_cmpint(qemu_opts_count(&list_chardev), ==, 2);
    qemu_opts_del(NULL);
    g_assert_nonnull(qemu_opts_parse(&list_chardev, "null,id=a", true,
                                     &error_abort));
    reset_all();
    g_assert_cmpint(qemu_opts_count(&list_chardev), ==, 0);
    g_assert_null(qemu_opts_first(&list_chardev));
}

static void test_merge(void)
{
    Error *err = NULL;
    QemuOpts *opts;
    g_autofree char *str = NULL;

    reset_all();
    opts = qemu_opts_parse(&list_machine, "pc,accel=kvm", true, &error_abort);
    g_assert_true(qemu_opts_parse(&list_machine, "usb=on", true,
                                  &error_abort) == opts);
    g_assert_true(qemu_opts_parse(&list_machine, "accel=tcg", true,
                                  &error_abort) == opts);
    g_assert_cmpint(qemu_opts_count(&list_machine), ==, 1);
    g_assert_true(qemu_opts_first(&list_machine) == opts);
    g_assert_cmpstr(qemu_opt_get(opts, "accel"), ==, "tcg");

    /* a bad occurrence changes nothing, not even its good keys */
    g_assert_null(qemu_opts_parse(&list_machine, "accel=xen,usb=maybe",
                                  true, &err));
    error_free_or_abort(&err);
    g_assert_cmpstr(qemu_opt_get(opts, "accel"), ==, "tcg");
    g_assert_true(qemu_opt_get_bool(opts, "usb", false));

    g_assert_nonnull(qemu_opts_parse(&list_machine, "q35", true, &err));
    str = qemu_opts_to_string(opts);
    g_assert_cmpstr(str, ==, "usb=on,accel=tcg,type=q35");
    g_assert_true(qemu_opts_create(&list_machine, NULL, true,
                                   &error_abort) == opts);

    /* -m 512M -m 1G: the later one wins */
    opts = qemu_opts_parse(&list_memory, "512M", true, &error_abort);
    qemu_opts_parse(&list_memory, "1G,slots=2", true, &error_abort);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, GiB);
    g_assert_cmpuint(qemu_opt_get_number(opts, "slots", 0), ==, 2);
    reset_all();
}

static void test_accept_any(void)
{
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&list_device,
                           "e1000,id=n1,mac=52:54:00:12:34:56,hostfwd=a,"
                           "hostfwd=b,help",
                           true, &error_abort);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "n1");
    g_assert_cmpstr(qemu_opt_get(opts, "driver"), ==, "e1000");
    g_assert_cmpstr(qemu_opt_get(opts, "hostfwd"), ==, "b");
    g_assert_true(qemu_opt_has_help_opt(opts));
    g_assert_true(qemu_opt_set(opts, "anything", "goes", &error_abort));
    /* typed getters parse on demand */
    g_assert_true(qemu_opt_set(opts, "n", "0x20", &error_abort));
    g_assert_cmpuint(qemu_opt_get_number(opts, "n", 0), ==, 32);
    g_assert_true(qemu_opt_set(opts, "sz", "2k", &error_abort));
    g_assert_cmpuint(qemu_opt_get_size(opts, "sz", 0), ==, 2048);
    g_assert_cmpuint(qemu_opt_get_number(opts, "sz", 9), ==, 9);
    g_assert_true(qemu_opt_get_bool(opts, "help", false));
    g_assert_false(qemu_opt_get_bool(opts, "mac", false));
    opts = qemu_opts_parse(&list_device, "isa-serial", true, &error_abort);
    g_assert_false(qemu_opt_has_help_opt(opts));
    reset_all();
}

static int count_opt(void *opaque, const char *name, const char *value,
                     Error **errp)
{
    GString *s = opaque;

    g_string_append_printf(s, "[%s=%s]", name, value);
    return !strcmp(name, "stop") ? 42 : 0;
}

static int count_opts(void *opaque, QemuOpts *opts, Error **errp)
{
    int *n = opaque;
    const char *id = qemu_opts_id(opts);

    (*n)++;
    if (id && !strcmp(id, "c")) {
        error_setg(errp, "stopped at c");
        return -1;
    }
    return 0;
}

static int delete_opts(void *opaque, QemuOpts *opts, Error **errp)
{
    qemu_opts_del(opts);
    return 0;
}

static void test_foreach(void)
{
    g_autoptr(GString) s = g_string_new(NULL);
    Error *err = NULL;
    QemuOpts *opts;
    int n = 0;

    reset_all();
    opts = qemu_opts_parse(&list_device, "x,a=1,stop=2,b=3", true,
                           &error_abort);
    g_assert_cmpint(qemu_opt_foreach(opts, count_opt, s, NULL), ==, 42);
    g_assert_cmpstr(s->str, ==, "[driver=x][a=1][stop=2]");

    qemu_opts_parse(&list_chardev, "null,id=a", true, &error_abort);
    qemu_opts_parse(&list_chardev, "null,id=b", true, &error_abort);
    qemu_opts_parse(&list_chardev, "null,id=c", true, &error_abort);
    qemu_opts_parse(&list_chardev, "null,id=d", true, &error_abort);
    g_assert_cmpint(qemu_opts_foreach(&list_chardev, count_opts, &n, &err),
                    ==, -1);
    g_assert_cmpint(n, ==, 3);
    g_assert_cmpstr(error_get_pretty(err), ==, "stopped at c");
    error_free_or_abort(&err);
    g_assert_cmpint(qemu_opts_foreach(&list_drive, count_opts, &n, NULL),
                    ==, 0);
    /* the callback may delete what it is given */
    g_assert_cmpint(qemu_opts_foreach(&list_chardev, delete_opts, NULL,
                                      NULL), ==, 0);
    g_assert_cmpint(qemu_opts_count(&list_chardev), ==, 0);
    reset_all();
}

static void test_typed_parsers(void)
{
    Error *err = NULL;
    uint64_t v;
    bool b;

    g_assert_true(qemu_parse_bool("x", "y", &b, &error_abort));
    g_assert_true(b);
    g_assert_true(qemu_parse_bool("x", "off", &b, &error_abort));
    g_assert_false(b);
    g_assert_false(qemu_parse_bool("x", NULL, &b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'x' expects 'on' or 'off'");
    error_free_or_abort(&err);
    g_assert_true(qemu_parse_number("n", " 42", &v, &error_abort));
    g_assert_cmpuint(v, ==, 42);
    g_assert_false(qemu_parse_number("n", " -1", &v, NULL));
    g_assert_true(qemu_parse_size("s", "1E", &v, &error_abort));
    g_assert_cmpuint(v, ==, UINT64_C(1) << 60);
    g_assert_cmpint(qemu_strtosz_suffix("512", 'M', &v), ==, 0);
    g_assert_cmpuint(v, ==, 512 * MiB);
    g_assert_cmpint(qemu_strtosz_suffix("512k", 'M', &v), ==, 0);
    g_assert_cmpuint(v, ==, 512 * KiB);
    g_assert_cmpint(qemu_strtosz_suffix("512x", 'M', &v), ==, -EINVAL);
}

/* The hint after a bad size, as the user sees it under "-m foo". */
static void test_report_hint(void)
{
    g_autofree char *out = NULL;

    reset_all();
    loc_set_cmdline("-m", "foo");
    capture_start();
    g_assert_null(qemu_opts_parse_noisily(&list_memory, "foo", true));
    out = capture_end();
    g_assert_cmpstr(out, ==,
                    "-m foo: Parameter 'size' expects a non-negative number "
                    "below 2^64\n"
                    "Optional suffix k, M, G, T, P or E means kilo-, mega-, "
                    "giga-, tera-, peta-\nand exabytes, respectively.\n");
    reset_all();
}

static void test_report_location(void)
{
    Error *err = NULL;

    if (g_test_subprocess()) {
        reset_all();
        loc_set_cmdline("-drive", "foo=bar");
        g_assert_null(qemu_opts_parse(&list_drive, "foo=bar", false, &err));
        error_report_err(err);
        reset_all();
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr(
        "qemu-system-x86_64: -drive foo=bar: Invalid parameter 'foo'\n");
}

static void test_report_location_hook(void)
{
    Error *err = NULL;
    g_autofree char *out = NULL;

    reset_all();
    loc_set_cmdline("-drive", "foo=bar");
    g_assert_null(qemu_opts_parse(&list_drive, "foo=bar", false, &err));
    capture_start();
    error_report_err(err);
    out = capture_end();
    /* through the hook (a monitor), the program name is left out */
    g_assert_cmpstr(out, ==, "-drive foo=bar: Invalid parameter 'foo'\n");
    reset_all();
}

static void test_short_form_warning(void)
{
    g_autofree char *out = NULL;

    reset_all();
    loc_set_cmdline("-chardev", "socket,id=a,server,nowait,nodelay");
    capture_start();
    g_assert_nonnull(qemu_opts_parse_noisily(
        &list_chardev, "socket,id=a,server,nowait,nodelay", true));
    out = capture_end();
    g_assert_cmpstr(out, ==,
        "-chardev socket,id=a,server,nowait,nodelay: warning: short-form "
        "boolean option 'server' deprecated\n"
        "Please use server=on instead\n"
        "-chardev socket,id=a,server,nowait,nodelay: warning: short-form "
        "boolean option 'nowait' deprecated\n"
        "Please use wait=off instead\n"
        "-chardev socket,id=a,server,nowait,nodelay: warning: short-form "
        "boolean option 'nodelay' deprecated\n"
        "Please use nodelay=on instead\n");
    g_free(out);

    /* qemu_opts_parse() itself stays quiet; errors after warnings */
    capture_start();
    g_assert_nonnull(qemu_opts_parse(&list_chardev, "socket,server", true,
                                     &error_abort));
    g_assert_null(qemu_opts_parse_noisily(&list_chardev, "socket,bogus",
                                          true));
    out = capture_end();
    g_assert_cmpstr(out, ==,
        "-chardev socket,id=a,server,nowait,nodelay: warning: short-form "
        "boolean option 'bogus' deprecated\n"
        "Please use bogus=on instead\n"
        "-chardev socket,id=a,server,nowait,nodelay: "
        "Invalid parameter 'bogus'\n");
    reset_all();
}

static void test_print_help(void)
{
    if (g_test_subprocess()) {
        qemu_opts_print_help(&list_img, true);
        qemu_opts_print_help(&list_empty_named, true);
        qemu_opts_print_help(&list_drive, false);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout(
        "qcow2 options:\n"
        "  backing_file=<str>     - File name of a base image\n"
        "  lazy_refcounts=<bool (on/off)>\n"
        "  refcount_bits=<num>    - Width of a reference count entry in bits\n"
        "  size=<size>            - Virtual disk size\n"
        "There are no options for nothing.\n"
        "  file=<str>\n"
        "  readonly=<bool (on/off)>\n");
}

static void test_noisily_help(void)
{
    if (g_test_subprocess()) {
        g_assert_null(qemu_opts_parse_noisily(&list_drive, "help", false));
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout(
        "drive options:\n  file=<str>\n  readonly=<bool (on/off)>\n");
    g_test_trap_assert_stderr("");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/opts/parse/table", test_parse_table);
    g_test_add_func("/opts/parse/round-trip", test_round_trip);
    g_test_add_func("/opts/values", test_values);
    g_test_add_func("/opts/set-unset", test_set_unset);
    g_test_add_func("/opts/create-find", test_create_find);
    g_test_add_func("/opts/merge", test_merge);
    g_test_add_func("/opts/accept-any", test_accept_any);
    g_test_add_func("/opts/foreach", test_foreach);
    g_test_add_func("/opts/typed-parsers", test_typed_parsers);
    g_test_add_func("/opts/report/hint", test_report_hint);
    g_test_add_func("/opts/report/location", test_report_location);
    g_test_add_func("/opts/report/location-hook", test_report_location_hook);
    g_test_add_func("/opts/report/short-form", test_short_form_warning);
    g_test_add_func("/opts/help/print", test_print_help);
    g_test_add_func("/opts/help/noisily", test_noisily_help);
    return g_test_run();
}
