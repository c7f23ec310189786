/*
 * test-cutils.c: unit tests for util/cutils.c: the strto* family (tables
 * of good, overflowing and malformed input), size parsing and printing,
 * strstart, identifiers and UUIDs.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"

typedef struct IntCase {
    const char *in;
    int base;
    int ret;
    long long val;      /* expected *result */
    int consumed;       /* with endptr: characters consumed */
} IntCase;

static const IntCase strtoi_cases[] = {
    { "0", 0, 0, 0, 1 },
    { "42", 10, 0, 42, 2 },
    { "  -17", 0, 0, -17, 5 },
    { "+5", 0, 0, 5, 2 },
    { "0x1f", 0, 0, 31, 4 },
    { "010", 0, 0, 8, 3 },
    { "010", 10, 0, 10, 3 },
    { "ff", 16, 0, 255, 2 },
    { "2147483647", 0, 0, INT_MAX, 10 },
    { "-2147483648", 0, 0, INT_MIN, 11 },
    { "2147483648", 0, -ERANGE, INT_MAX, 10 },
    { "-2147483649", 0, -ERANGE, INT_MIN, 11 },
    { "99999999999999999999999", 0, -ERANGE, INT_MAX, 23 },
    { "", 0, -EINVAL, 0, 0 },
    { "   ", 0, -EINVAL, 0, 0 },
    { "abc", 0, -EINVAL, 0, 0 },
    { "-", 0, -EINVAL, 0, 0 },
    { "12", 1, -EINVAL, 0, 0 },
    { "12", 37, -EINVAL, 0, 0 },
};

static void test_strtoi(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(strtoi_cases); i++) {
        const IntCase *c = &strtoi_cases[i];
        const char *end = NULL;
        int val = 12345;
        int ret = qemu_strtoi(c->in, &end, c->base, &val);

        g_assert_cmpint(ret, ==, c->ret);
        g_assert_cmpint(val, ==, c->val);
        g_assert_true(end == c->in + c->consumed);
    }
}

static void test_strtoi_trailing(void)
{
    const char *end;
    int val = 7;

    /* Without endptr, trailing text is an error and the result 0 */
    g_assert_cmpint(qemu_strtoi("12abc", NULL, 0, &val), ==, -EINVAL);
    g_assert_cmpint(val, ==, 0);
    g_assert_cmpint(qemu_strtoi("12 ", NULL, 0, &val), ==, -EINVAL);
    /* With it, the number is returned and end points at the rest */
    g_assert_cmpint(qemu_strtoi("12abc", &end, 0, &val), ==, 0);
    g_assert_cmpint(val, ==, 12);
    g_assert_cmpstr(end, ==, "abc");
    /* "0x" with nothing after: the 0 is the number, "x" is left over */
    g_assert_cmpint(qemu_strtoi("0x", &end, 0, &val), ==, 0);
    g_assert_cmpint(val, ==, 0);
    g_assert_cmpstr(end, ==, "x");
    g_assert_cmpint(qemu_strtoi("0xg", NULL, 16, &val), ==, -EINVAL);
    /* NULL input */
    end = "x";
    g_assert_cmpint(qemu_strtoi(NULL, &end, 0, &val), ==, -EINVAL);
    g_assert_null(end);
    /* Overflow with garbage after: garbage wins without endptr */
    g_assert_cmpint(qemu_strtoi("9999999999x", NULL, 0, &val), ==, -EINVAL);
}

static void test_strtoui(void)
{
    unsigned int val;

    g_assert_cmpint(qemu_strtoui("4294967295", NULL, 0, &val), ==, 0);
    g_assert_cmpuint(val, ==, UINT_MAX);
    g_assert_cmpint(qemu_strtoui("4294967296", NULL, 0, &val), ==, -ERANGE);
    g_assert_cmpuint(val, ==, UINT_MAX);
    /* A minus sign negates in the unsigned type, as QEMU does */
    g_assert_cmpint(qemu_strtoui("-1", NULL, 0, &val), ==, 0);
    g_assert_cmpuint(val, ==, UINT_MAX);
    g_assert_cmpint(qemu_strtoui("-4294967295", NULL, 0, &val), ==, 0);
    g_assert_cmpuint(val, ==, 1);
    g_assert_cmpint(qemu_strtoui("-4294967296", NULL, 0, &val), ==, -ERANGE);
    g_assert_cmpuint(val, ==, UINT_MAX);
    g_assert_cmpint(qemu_strtoui("-0", NULL, 0, &val), ==, 0);
    g_assert_cmpuint(val, ==, 0);
    g_assert_cmpint(qemu_strtoui("x", NULL, 0, &val), ==, -EINVAL);
    g_assert_cmpuint(val, ==, 0);
}

static void test_strtol_ul(void)
{
    long l;
    unsigned long ul;

    g_assert_cmpint(qemu_strtol("-9223372036854775808", NULL, 0, &l), ==, 0);
    g_assert_cmpint(l, ==, LONG_MIN);
    g_assert_cmpint(qemu_strtol("9223372036854775808", NULL, 0, &l), ==,
                    -ERANGE);
    g_assert_cmpint(l, ==, LONG_MAX);
    g_assert_cmpint(qemu_strtol("-9223372036854775809", NULL, 0, &l), ==,
                    -ERANGE);
    g_assert_cmpint(l, ==, LONG_MIN);
    g_assert_cmpint(qemu_strtoul("18446744073709551615", NULL, 0, &ul), ==, 0);
    g_assert_cmpuint(ul, ==, ULONG_MAX);
    g_assert_cmpint(qemu_strtoul("18446744073709551616", NULL, 0, &ul), ==,
                    -ERANGE);
    g_assert_cmpuint(ul, ==, ULONG_MAX);
    g_assert_cmpint(qemu_strtoul("-1", NULL, 0, &ul), ==, 0);
    g_assert_cmpuint(ul, ==, ULONG_MAX);
    g_assert_cmpint(qemu_strtoul("-18446744073709551616", NULL, 0, &ul), ==,
                    -ERANGE);
    g_assert_cmpint(qemu_strtoul("12 3", NULL, 0, &ul), ==, -EINVAL);
}

static void test_strto64(void)
{
    int64_t i;
    uint64_t u;
    const char *end;

    g_assert_cmpint(qemu_strtoi64("0x7fffffffffffffff", NULL, 0, &i), ==, 0);
    g_assert_cmpint(i, ==, INT64_MAX);
    g_assert_cmpint(qemu_strtoi64("0x8000000000000000", NULL, 0, &i), ==,
                    -ERANGE);
    g_assert_cmpint(i, ==, INT64_MAX);
    g_assert_cmpint(qemu_strtoi64("-077", NULL, 0, &i), ==, 0);
    g_assert_cmpint(i, ==, -63);
    g_assert_cmpint(qemu_strtou64("0xffffffffffffffff", NULL, 0, &u), ==, 0);
    g_assert_cmpuint(u, ==, UINT64_MAX);
    g_assert_cmpint(qemu_strtou64("0x10000000000000000", &end, 0, &u), ==,
                    -ERANGE);
    g_assert_cmpuint(u, ==, UINT64_MAX);
    g_assert_cmpstr(end, ==, "");
    g_assert_cmpint(qemu_strtou64("08", NULL, 0, &u), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("08", NULL, 10, &u), ==, 0);
    g_assert_cmpuint(u, ==, 8);
}

typedef struct SizeCase {
    const char *in;
    int ret;
    uint64_t val;
} SizeCase;

static const SizeCase size_cases[] = {
    { "0", 0, 0 },
    { "512", 0, 512 },
    { "1B", 0, 1 },
    { "1b", 0, 1 },
    { "1k", 0, KiB },
    { "1K", 0, KiB },
    { "1KB", 0, KiB },
    { "1kb", 0, KiB },
    { "4M", 0, 4 * MiB },
    { "4m", 0, 4 * MiB },
    { "2G", 0, 2 * GiB },
    { "2g", 0, 2 * GiB },
    { "1T", 0, TiB },
    { "1P", 0, 1024 * TiB },
    { "1E", 0, UINT64_C(1) << 60 },
    { "15E", 0, UINT64_C(15) << 60 },
    { "1.5G", 0, 3 * GiB / 2 },
    { "1.5E", 0, UINT64_C(3) << 59 },
    { "0.5k", 0, 512 },
    { "1.k", 0, KiB },
    { "1.0", 0, 1 },
    /* 0.1 KiB = 102.4 bytes, rounded to nearest */
    { "0.1k", 0, 102 },
    { "0.0005k", 0, 1 },
    { "  8k", 0, 8 * KiB },
    { "0x1000", 0, 4096 },
    { "0x1B", 0, 27 },
    { "18446744073709551615", 0, UINT64_MAX },
    { "16E", -ERANGE, 0 },
    { "16384P", -ERANGE, 0 },
    { "18446744073709551616", -ERANGE, 0 },
    { "99999999999999999999G", -ERANGE, 0 },
    { "0x10000000000000000", -ERANGE, 0 },
    { "", -EINVAL, 0 },
    { "k", -EINVAL, 0 },
    { "-1", -EINVAL, 0 },
    { " -1k", -EINVAL, 0 },
    { "1.5", -EINVAL, 0 },
    { "1.5B", -EINVAL, 0 },
    { ".5G", -EINVAL, 0 },
    { "1e3", -EINVAL, 0 },
    { "1.5e3", -EINVAL, 0 },
    { "1.5e+3k", -EINVAL, 0 },
    { "1Ki", -EINVAL, 0 },
    { "1KiB", -EINVAL, 0 },
    { "1BB", -EINVAL, 0 },
    { "1KBB", -EINVAL, 0 },
    { "1X", -EINVAL, 0 },
    { "1k ", -EINVAL, 0 },
    { "0x1k", -EINVAL, 0 },
    { "0x1.8", -EINVAL, 0 },
    { "0x", -EINVAL, 0 },
    { "abc", -EINVAL, 0 },
};

static void test_strtosz(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(size_cases); i++) {
        const SizeCase *c = &size_cases[i];
        uint64_t val = 0xdead;
        int ret = qemu_strtosz(c->in, NULL, &val);

        if (ret != c->ret) {
            g_test_message("input '%s'", c->in);
        }
        g_assert_cmpint(ret, ==, c->ret);
        g_assert_cmpuint(val, ==, c->ret ? 0xdead : c->val);
    }
}

static void test_strtosz_end(void)
{
    const char *end;
    uint64_t val;

    g_assert_cmpint(qemu_strtosz("12k,rest", &end, &val), ==, 0);
    g_assert_cmpuint(val, ==, 12 * KiB);
    g_assert_cmpstr(end, ==, ",rest");
    g_assert_cmpint(qemu_strtosz("12kb rest", &end, &val), ==, 0);
    g_assert_cmpstr(end, ==, " rest");
    g_assert_cmpint(qemu_strtosz("x", &end, &val), ==, -EINVAL);
    g_assert_cmpstr(end, ==, "x");
    g_assert_cmpint(qemu_strtosz(NULL, &end, &val), ==, -EINVAL);
}

static void test_strtosz_mib(void)
{
    uint64_t val;

    g_assert_cmpint(qemu_strtosz_MiB("512", NULL, &val), ==, 0);
    g_assert_cmpuint(val, ==, 512 * MiB);
    g_assert_cmpint(qemu_strtosz_MiB("1.5", NULL, &val), ==, 0);
    g_assert_cmpuint(val, ==, 3 * MiB / 2);
    g_assert_cmpint(qemu_strtosz_MiB("2G", NULL, &val), ==, 0);
    g_assert_cmpuint(val, ==, 2 * GiB);
    g_assert_cmpint(qemu_strtosz_MiB("100b", NULL, &val), ==, 0);
    g_assert_cmpuint(val, ==, 100);
    g_assert_cmpint(qemu_strtosz_MiB("17592186044416", NULL, &val), ==,
                    -ERANGE);
    g_assert_cmpint(qemu_strtosz_full("3", NULL, 'K', &val), ==, 0);
    g_assert_cmpuint(val, ==, 3 * KiB);
    g_assert_cmpint(qemu_strtosz_full("3", NULL, 'Q', &val), ==, -EINVAL);
}

static void test_size_to_str(void)
{
    static const struct {
        uint64_t val;
        const char *str;
    } cases[] = {
        { 0, "0 B" },
        { 999, "999 B" },
        { 1000, "0.977 KiB" },
        { 1024, "1 KiB" },
        { 1536, "1.5 KiB" },
        { 512 * MiB, "512 MiB" },
        { 3 * GiB / 2, "1.5 GiB" },
        { 1000 * KiB - 1, "0.977 MiB" },
        { 2 * TiB, "2 TiB" },
        { UINT64_C(1) << 60, "1 EiB" },
        { UINT64_MAX, "16 EiB" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *s = size_to_str(cases[i].val);

        g_assert_cmpstr(s, ==, cases[i].str);
    }
}

static void test_strstart(void)
{
    const char *rest = NULL;

    g_assert_true(strstart("file:foo", "file:", &rest));
    g_assert_cmpstr(rest, ==, "foo");
    g_assert_true(strstart("abc", "", &rest));
    g_assert_cmpstr(rest, ==, "abc");
    g_assert_false(strstart("fil", "file:", &rest));
    g_assert_false(strstart("FILE:x", "file:", NULL));
    g_assert_true(stristart("FILE:x", "file:", &rest));
    g_assert_cmpstr(rest, ==, "x");
    g_assert_true(strstart("tcp:", "tcp:", NULL));
}

static void test_id_wellformed(void)
{
    static const char *const good[] = { "a", "a1", "a_b.c-d", "Z-9" };
    static const char *const bad[] = { "", "1a", "_a", "-a", ".a", "a b",
                                       "a,b", "a/b", "é" };

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        g_assert_true(id_wellformed(good[i]));
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        g_assert_false(id_wellformed(bad[i]));
    }
    g_assert_false(id_wellformed(NULL));
}

static void test_uuid(void)
{
    static const char *const bad[] = {
        "", "foo", "12345678-1234-1234-1234-12345678901",
        "12345678-1234-1234-1234-1234567890123",
        "12345678x1234-1234-1234-123456789012",
        "1234567-81234-1234-1234-123456789012",
        "g2345678-1234-1234-1234-123456789012",
        " 2345678-1234-1234-1234-123456789012",
        "{12345678-1234-1234-1234-12345678901}",
    };
    QemuUUID uuid, uuid2;
    char buf[UUID_STR_LEN];
    g_autofree char *dup = NULL;

    g_assert_cmpint(qemu_uuid_parse("12345678-9ABC-def0-1234-56789abcdef0",
                                    &uuid), ==, 0);
    g_assert_cmpint(uuid.data[0], ==, 0x12);
    g_assert_cmpint(uuid.data[4], ==, 0x9a);
    g_assert_cmpint(uuid.data[15], ==, 0xf0);
    qemu_uuid_unparse(&uuid, buf);
    g_assert_cmpstr(buf, ==, "12345678-9abc-def0-1234-56789abcdef0");
    dup = qemu_uuid_unparse_strdup(&uuid);
    g_assert_cmpstr(dup, ==, buf);
    g_assert_false(qemu_uuid_is_null(&uuid));

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        g_assert_cmpint(qemu_uuid_parse(bad[i], &uuid2), ==, -1);
    }
    g_assert_cmpint(qemu_uuid_parse(NULL, &uuid2), ==, -1);

    g_assert_cmpint(qemu_uuid_parse("00000000-0000-0000-0000-000000000000",
                                    &uuid2), ==, 0);
    g_assert_true(qemu_uuid_is_null(&uuid2));

    qemu_uuid_generate(&uuid);
    g_assert_cmpint(uuid.data[6] >> 4, ==, 4);
    g_assert_cmpint(uuid.data[8] >> 6, ==, 2);
    qemu_uuid_unparse(&uuid, buf);
    g_assert_cmpint(qemu_uuid_parse(buf, &uuid2), ==, 0);
    g_assert_cmpmem(uuid.data, 16, uuid2.data, 16);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cutils/strtoi/table", test_strtoi);
    g_test_add_func("/cutils/strtoi/trailing", test_strtoi_trailing);
    g_test_add_func("/cutils/strtoui", test_strtoui);
    g_test_add_func("/cutils/strtol-ul", test_strtol_ul);
    g_test_add_func("/cutils/strto64", test_strto64);
    g_test_add_func("/cutils/strtosz/table", test_strtosz);
    g_test_add_func("/cutils/strtosz/end", test_strtosz_end);
    g_test_add_func("/cutils/strtosz/mib", test_strtosz_mib);
    g_test_add_func("/cutils/size_to_str", test_size_to_str);
    g_test_add_func("/cutils/strstart", test_strstart);
    g_test_add_func("/cutils/id_wellformed", test_id_wellformed);
    g_test_add_func("/cutils/uuid", test_uuid);
    return g_test_run();
}
