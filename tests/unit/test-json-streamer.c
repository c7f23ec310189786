/*
 * test-json-streamer.c: unit tests for the JSON streamer (what a QMP
 * socket uses): input in chunks down to single bytes, values back to
 * back, recovery after garbage, 0xFF resync, and the per-value limits.
 */
#include "qemu/osdep.h"
#include "qobject/json.h"
#include "qobject/json-streamer.h"

typedef struct Collector {
    GString *log;       /* compact JSON of values, "ERR(msg)" for errors */
    int values;
    int errors;
} Collector;

static void collect(void *opaque, QObject *json, Error *err)
{
    Collector *c = opaque;

    g_assert(!json != !err);
    if (c->log->len) {
        g_string_append_c(c->log, ' ');
    }
    if (json) {
        json_writer_append(c->log, json, false);
        qobject_unref(json);
        c->values++;
    } else {
        g_string_append_printf(c->log, "ERR(%s)", error_get_pretty(err));
        error_free(err);
        c->errors++;
    }
}

/* Stream @in in chunks of @chunk bytes, flush if asked; returns the log. */
static char *stream(const char *in, size_t len, size_t chunk, bool flush)
{
    Collector c = { g_string_new(""), 0, 0 };
    JSONMessageParser p;

    json_message_parser_init(&p, collect, &c);
    for (size_t off = 0; off < len; off += chunk) {
        json_message_parser_feed(&p, in + off, MIN(chunk, len - off));
    }
    if (flush) {
        json_message_parser_flush(&p);
    }
    json_message_parser_destroy(&p);
    return g_string_free(c.log, false);
}

static const struct {
    const char *in;
    const char *log;        /* before flush */
    const char *flushed;    /* after flush; NULL: same as log */
} cases[] = {
    { "{\"execute\":\"qmp_capabilities\"}\r\n"
      "{\"execute\": \"query-status\", \"id\": 1}\r\n",
      "{\"execute\": \"qmp_capabilities\"} "
      "{\"execute\": \"query-status\", \"id\": 1}" },
    /* concatenated with no whitespace */
    { "{\"a\":1}{\"b\":2}[3]\"s\"", "{\"a\": 1} {\"b\": 2} [3] \"s\"" },
    /* a top-level number only ends at a delimiter (or end of input) */
    { "1 2", "1", "1 2" },
    { "true", "", "true" },
    { "[1] [", "[1]", "[1] ERR(JSON parse error, premature EOI)" },
    /* recovery: a syntax error costs one error, the next value parses */
    { "{\"a\": }{\"b\":1}",
      "ERR(JSON parse error, expecting value) {\"b\": 1}" },
    { "{\"execute\" \"x\"}{\"b\":1}",
      "ERR(JSON parse error, missing : in object pair) {\"b\": 1}" },
    { "[1 2 [3] {}] {\"b\":1}",
      "ERR(JSON parse error, expected separator in list) {\"b\": 1}" },
    { "garbage {\"b\":1}",
      "ERR(JSON parse error, invalid keyword 'garbage') {\"b\": 1}" },
    { "@@@ {\"b\":1}", "ERR(JSON parse error, stray '@') {\"b\": 1}" },
    { "}{\"b\":1}", "ERR(JSON parse error, expecting value) {\"b\": 1}" },
    /* a lexical error replaces a pending syntax error, as in QEMU */
    { "{\"a\" 1 @ {\"b\":1}", "ERR(JSON parse error, stray '@') {\"b\": 1}" },
    /* invalid UTF-8 costs the value it is in, not the next one, even
     * with structural characters after it inside the string */
    { "{\"a\": \"\x80:x}\"}{\"b\":1}",
      "ERR(JSON parse error, invalid UTF-8 sequence in string) {\"b\": 1}" },
    /* 0xFF abandons a half-sent value */
    { "{\"execute\": \"q\xFF{\"b\":1}",
      "ERR(JSON parse error, invalid UTF-8 sequence in string) {\"b\": 1}" },
    { "{\"execute\": \xFF{\"b\":1}",
      "ERR(JSON parse error, stray '\\xFF') {\"b\": 1}" },
    { "\xFF\xFF{\"b\":1}",
      "ERR(JSON parse error, stray '\\xFF') ERR(JSON parse error, "
      "stray '\\xFF') {\"b\": 1}" },
    /* a broken string ends at the line end */
    { "{\"a\": \"x\n{\"b\":1}",
      "ERR(JSON parse error, control character in string) {\"b\": 1}" },
};

static void test_cases(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *in = cases[i].in;
        const char *flushed = cases[i].flushed ?: cases[i].log;

        for (size_t chunk = 1; chunk <= 8; chunk++) {
            g_autofree char *a = stream(in, strlen(in), chunk, false);
            g_autofree char *b = stream(in, strlen(in), chunk, true);

            if (strcmp(a, cases[i].log) || strcmp(b, flushed)) {
                g_test_message("case %zu chunk %zu: '%s' / '%s'", i, chunk,
                               a, b);
            }
            g_assert_cmpstr(a, ==, cases[i].log);
            g_assert_cmpstr(b, ==, flushed);
        }
    }
}

/* Every split of a session into two chunks gives the same values. */
static void test_every_split(void)
{
    const char *in = "{'execute': 'x', 'arguments': {'n': -1.5e2, "
                     "'s': \"\\u00e9\xC3\xA9\\ud83d\\ude00\", "
                     "'l': [true, false, null, 18446744073709551615]}}[]";
    g_autofree char *whole = stream(in, strlen(in), strlen(in), true);
    size_t len = strlen(in);

    g_assert(!strstr(whole, "ERR"));
    for (size_t cut = 1; cut < len; cut++) {
        Collector c = { g_string_new(""), 0, 0 };
        JSONMessageParser p;

        json_message_parser_init(&p, collect, &c);
        json_message_parser_feed(&p, in, cut);
        json_message_parser_feed(&p, in + cut, len - cut);
        json_message_parser_flush(&p);
        json_message_parser_destroy(&p);
        g_assert_cmpstr(c.log->str, ==, whole);
        g_string_free(c.log, true);
    }
}

static void test_reuse_after_flush(void)
{
    Collector c = { g_string_new(""), 0, 0 };
    JSONMessageParser p;

    json_message_parser_init(&p, collect, &c);
    json_message_parser_feed(&p, "{\"a\":", 5);
    json_message_parser_flush(&p);
    json_message_parser_feed(&p, "{\"b\":1}", 7);
    json_message_parser_destroy(&p);
    g_assert_cmpstr(c.log->str, ==,
                    "ERR(JSON parse error, premature EOI) {\"b\": 1}");
    g_string_free(c.log, true);
}

static void test_depth_limit(void)
{
    GString *in = g_string_new("");
    g_autofree char *log = NULL;

    for (int i = 0; i < JSON_STREAMER_MAX_NESTING; i++) {
        g_string_append_c(in, '[');
    }
    for (int i = 0; i < JSON_STREAMER_MAX_NESTING; i++) {
        g_string_append_c(in, ']');
    }
    log = stream(in->str, in->len, 1, true);
    g_assert(g_str_has_prefix(log, "[[[[") && !strstr(log, "ERR"));

    g_string_truncate(in, 0);
    for (int i = 0; i < JSON_STREAMER_MAX_NESTING + 1; i++) {
        g_string_append_c(in, '[');
    }
    g_string_append(in, "\n{\"ok\":1}");
    g_free(log);
    log = stream(in->str, in->len, 7, true);
    g_assert_cmpstr(log, ==,
                    "ERR(JSON nesting depth limit exceeded) {\"ok\": 1}");
    g_string_free(in, true);
}

static void test_token_count_limit(void)
{
    Collector c = { g_string_new(""), 0, 0 };
    JSONMessageParser p;

    json_message_parser_init(&p, collect, &c);
    json_message_parser_set_limits(&p, 64, 100, 1 * MiB);
    json_message_parser_feed(&p, "[", 1);
    for (int i = 0; i < 200; i++) {
        json_message_parser_feed(&p, "1,", 2);
    }
    g_assert(g_str_has_prefix(c.log->str,
                              "ERR(JSON token count limit exceeded)"));
    json_message_parser_destroy(&p);
    g_string_free(c.log, true);
}

static void test_byte_limit(void)
{
    Collector c = { g_string_new(""), 0, 0 };
    JSONMessageParser p;
    g_autofree char *big = g_strnfill(5000, 'x');

    json_message_parser_init(&p, collect, &c);
    json_message_parser_set_limits(&p, 64, 10000, 1000);

    /* one token too long, fed a byte at a time */
    json_message_parser_feed(&p, "{\"a\": \"", 7);
    for (size_t i = 0; i < strlen(big); i++) {
        json_message_parser_feed(&p, big + i, 1);
    }
    json_message_parser_feed(&p, "\"}\n{\"b\":1}", 10);
    g_assert_cmpstr(c.log->str, ==,
                    "ERR(JSON token size limit exceeded) "
                    "ERR(JSON parse error, expecting value) {\"b\": 1}");

    /* many short tokens adding up */
    g_string_truncate(c.log, 0);
    json_message_parser_feed(&p, "[", 1);
    for (int i = 0; i < 100; i++) {
        json_message_parser_feed(&p, "\"abcdefghij\",", 13);
    }
    g_assert(g_str_has_prefix(c.log->str,
                              "ERR(JSON token size limit exceeded)"));
    json_message_parser_destroy(&p);
    g_string_free(c.log, true);
}

/*
 * The real limit: a 65 MiB string is refused once it passes 64 MiB and
 * the lexer does not keep the bytes; the stream recovers after it.
 */
static void test_default_byte_limit(void)
{
    Collector c = { g_string_new(""), 0, 0 };
    JSONMessageParser p;
    size_t chunk = 64 * KiB;
    char *buf = g_malloc(chunk);

    memset(buf, 'y', chunk);
    json_message_parser_init(&p, collect, &c);
    json_message_parser_feed(&p, "[\"", 2);
    for (size_t sent = 0; sent < JSON_STREAMER_MAX_BYTES + MiB; sent += chunk) {
        json_message_parser_feed(&p, buf, chunk);
    }
    g_assert_cmpstr(c.log->str, ==, "ERR(JSON token size limit exceeded)");
    g_assert_cmpuint(p.lexer.token->allocated_len, <=, 4096);
    json_message_parser_feed(&p, "\"\n{\"b\":1}", 9);
    g_assert(g_str_has_suffix(c.log->str, "{\"b\": 1}"));
    json_message_parser_destroy(&p);
    g_string_free(c.log, true);
    g_free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-streamer/cases", test_cases);
    g_test_add_func("/json-streamer/every-split", test_every_split);
    g_test_add_func("/json-streamer/reuse-after-flush", test_reuse_after_flush);
    g_test_add_func("/json-streamer/limit/depth", test_depth_limit);
    g_test_add_func("/json-streamer/limit/tokens", test_token_count_limit);
    g_test_add_func("/json-streamer/limit/bytes", test_byte_limit);
    g_test_add_func("/json-streamer/limit/default-bytes",
                    test_default_byte_limit);
    return g_test_run();
}
