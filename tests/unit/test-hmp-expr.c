/*
 * test-hmp-expr.c: the HMP expression parser: numbers in C notation,
 * QEMU's operator precedence (& | ^ tighter than + -), registers through
 * the lookup callback, where parsing stops, and QEMU's error texts.
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"

static bool test_reg(void *opaque, const char *name, int64_t *val)
{
    if (!strcmp(name, "rip")) {
        *val = (int64_t)0xffffffff81000000ULL;
        return true;
    }
    if (!strcmp(name, "eax")) {
        *val = 0x10;
        return true;
    }
    return false;
}

static int64_t eval(const char *text)
{
    const char *p = text;
    Error *err = NULL;
    int64_t v = 0;

    if (!hmp_expr_parse(&p, test_reg, NULL, &v, &err)) {
        g_error("'%s': %s", text, error_get_pretty(err));
    }
    g_assert_cmpstr(p, ==, "");
    return v;
}

static void expect_error(const char *text, const char *msg)
{
    const char *p = text;
    Error *err = NULL;
    int64_t v;

    g_assert_false(hmp_expr_parse(&p, test_reg, NULL, &v, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_numbers(void)
{
    g_assert_cmpint(eval("42"), ==, 42);
    g_assert_cmpint(eval("0x2a"), ==, 42);
    g_assert_cmpint(eval("052"), ==, 42);
    g_assert_cmpuint((uint64_t)eval("0xffffffffffffffff"), ==, UINT64_MAX);
    g_assert_cmpint(eval("  7  "), ==, 7);
}

static void test_operators(void)
{
    g_assert_cmpint(eval("1+2*3"), ==, 7);
    g_assert_cmpint(eval("(1+2)*3"), ==, 9);
    /* QEMU's precedence: & | ^ bind tighter than + and -. */
    g_assert_cmpint(eval("1+2&3"), ==, 3);
    g_assert_cmpint(eval("6|1-1"), ==, 6);
    g_assert_cmpint(eval("0x10 - 20"), ==, -4);
    g_assert_cmpint(eval("7%3"), ==, 1);
    g_assert_cmpint(eval("-7/2"), ==, -3);
    g_assert_cmpint(eval("~0"), ==, -1);
    g_assert_cmpint(eval("-(-5)"), ==, 5);
    g_assert_cmpint(eval("+5"), ==, 5);
    g_assert_cmpint(eval("5^1"), ==, 4);
    g_assert_cmpint(eval("(1<<4)|3"), ==, 19);
    g_assert_cmpint(eval("0x100>>4"), ==, 16);
    g_assert_cmpint(eval("1<<64"), ==, 0);
    /* INT64_MIN / -1 wraps instead of trapping. */
    g_assert_cmpint(eval("(1<<63)/-1"), ==, INT64_MIN);
}

static void test_registers(void)
{
    g_assert_cmpuint((uint64_t)eval("$rip"), ==, 0xffffffff81000000ULL);
    g_assert_cmpint(eval("$eax*2+1"), ==, 0x21);
    g_assert_cmpuint((uint64_t)eval("$rip + 0x10"), ==,
                     0xffffffff81000010ULL);
}

static void test_stops_at_next_argument(void)
{
    const char *p = "0x1000 16 /tmp/file";
    Error *err = NULL;
    int64_t v;

    /* "0x1000 16": the space between two numbers ends the expression. */
    g_assert_true(hmp_expr_parse(&p, test_reg, NULL, &v, &err));
    g_assert_cmpint(v, ==, 0x1000);
    g_assert_cmpstr(p, ==, "16 /tmp/file");
}

static void test_errors(void)
{
    expect_error("foo", "invalid char 'f' in expression");
    expect_error("1+", "unexpected end of expression");
    expect_error("", "unexpected end of expression");
    expect_error("(1", "')' expected");
    expect_error("10/0", "division by zero");
    expect_error("5%0", "division by zero");
    expect_error("$nosuch", "unknown register");
    expect_error("99999999999999999999999", "number too large");
}

static void test_deep_nesting_bounded(void)
{
    g_autofree char *open = g_strnfill(100000, '(');
    g_autofree char *minus = g_strnfill(100000, '-');
    Error *err = NULL;
    const char *p = open;
    int64_t v;

    g_assert_false(hmp_expr_parse(&p, test_reg, NULL, &v, &err));
    error_free(err);
    err = NULL;
    p = minus;
    g_assert_false(hmp_expr_parse(&p, test_reg, NULL, &v, &err));
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hmp-expr/numbers", test_numbers);
    g_test_add_func("/hmp-expr/operators", test_operators);
    g_test_add_func("/hmp-expr/registers", test_registers);
    g_test_add_func("/hmp-expr/stops", test_stops_at_next_argument);
    g_test_add_func("/hmp-expr/errors", test_errors);
    g_test_add_func("/hmp-expr/deep-nesting", test_deep_nesting_bounded);
    return g_test_run();
}
