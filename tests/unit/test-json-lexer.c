/*
 * test-json-lexer.c: unit tests for the JSON lexer: token kinds and text,
 * number and string syntax, invalid bytes and UTF-8, error recovery, the
 * token size limit and chunked input.
 */
#include "qemu/osdep.h"
#include "qobject/json-lexer.h"

typedef struct TokenLog {
    GString *out;
    GString *first_error;     /* the first error message */
} TokenLog;

/* Renders tokens as "TYPE:text", errors as "ERROR", space separated. */
static void log_token(void *opaque, JSONTokenType type, const char *text,
                      size_t len)
{
    TokenLog *log = opaque;

    g_assert_cmpuint(strlen(text), <=, len);
    g_assert(text[len] == 0);
    if (log->out->len) {
        g_string_append_c(log->out, ' ');
    }
    g_string_append(log->out, json_token_type_name(type));
    if (type == JSON_ERROR && !log->first_error->len) {
        g_string_assign(log->first_error, text);
    } else if (type != JSON_END_OF_INPUT && type != JSON_ERROR) {
        g_string_append_c(log->out, ':');
        g_string_append_len(log->out, text, len);
    }
}

/* Lex @in (@len bytes) in chunks of @chunk bytes (0: all at once). */
static char *lex(const char *in, size_t len, size_t chunk, char **last_err)
{
    TokenLog log = { g_string_new(""), g_string_new("") };
    JSONLexer lexer;

    json_lexer_init(&lexer, log_token, &log);
    if (!chunk) {
        chunk = len ? len : 1;
    }
    for (size_t off = 0; off < len; off += chunk) {
        json_lexer_feed(&lexer, in + off, MIN(chunk, len - off));
    }
    json_lexer_flush(&lexer);
    json_lexer_destroy(&lexer);
    if (last_err) {
        *last_err = g_string_free(log.first_error, false);
    } else {
        g_string_free(log.first_error, true);
    }
    return g_string_free(log.out, false);
}

static const struct {
    const char *in;
    const char *tokens;
} lex_cases[] = {
    { "", "END_OF_INPUT" },
    { " \t\r\n", "END_OF_INPUT" },
    { "{}[]:,", "LCURLY:{ RCURLY:} LSQUARE:[ RSQUARE:] COLON:: COMMA:, "
      "END_OF_INPUT" },
    { "{\"a\": [1, -2.5e3, true]}",
      "LCURLY:{ STRING:\"a\" COLON:: LSQUARE:[ INTEGER:1 COMMA:, "
      "FLOAT:-2.5e3 COMMA:, KEYWORD:true RSQUARE:] RCURLY:} END_OF_INPUT" },
    /* numbers */
    { "0", "INTEGER:0 END_OF_INPUT" },
    { "-0", "INTEGER:-0 END_OF_INPUT" },
    { "1234567890", "INTEGER:1234567890 END_OF_INPUT" },
    { "0.5 1E+5 2e-3 3E9 -0.0", "FLOAT:0.5 FLOAT:1E+5 FLOAT:2e-3 FLOAT:3E9 "
      "FLOAT:-0.0 END_OF_INPUT" },
    { "12abc", "INTEGER:12 KEYWORD:abc END_OF_INPUT" },
    { "1,2", "INTEGER:1 COMMA:, INTEGER:2 END_OF_INPUT" },
    { "01", "ERROR END_OF_INPUT" },
    { "00", "ERROR END_OF_INPUT" },
    { "-01", "ERROR END_OF_INPUT" },
    { "+1", "ERROR END_OF_INPUT" },
    { ".5", "ERROR END_OF_INPUT" },
    { "1.", "ERROR END_OF_INPUT" },
    { "1.]", "ERROR RSQUARE:] END_OF_INPUT" },
    { "-", "ERROR END_OF_INPUT" },
    { "-a", "ERROR END_OF_INPUT" },
    { "1e", "ERROR END_OF_INPUT" },
    { "1e+", "ERROR END_OF_INPUT" },
    { "1e+x,2", "ERROR COMMA:, INTEGER:2 END_OF_INPUT" },
    /* keywords: any lowercase word; the parser decides */
    { "true false null nul", "KEYWORD:true KEYWORD:false KEYWORD:null "
      "KEYWORD:nul END_OF_INPUT" },
    { "True", "ERROR END_OF_INPUT" },
    /* strings */
    { "\"\"", "STRING:\"\" END_OF_INPUT" },
    { "'it\\'s'", "STRING:'it\\'s' END_OF_INPUT" },
    { "'say \"hi\"'", "STRING:'say \"hi\"' END_OF_INPUT" },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uABCD\"",
      "STRING:\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uABCD\" END_OF_INPUT" },
    { "\"{[,:]}\"", "STRING:\"{[,:]}\" END_OF_INPUT" },
    { "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"",
      "STRING:\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\" END_OF_INPUT" },
    { "\"\xC0\x80\"", "STRING:\"\xC0\x80\" END_OF_INPUT" },
    { "\"abc", "ERROR END_OF_INPUT" },
    { "'abc", "ERROR END_OF_INPUT" },
    { "\"\\x\"", "ERROR END_OF_INPUT" },
    { "\"\\u12G4\"", "ERROR END_OF_INPUT" },
    { "\"\\u123\"", "ERROR END_OF_INPUT" },
    { "\"a\tb\"", "ERROR END_OF_INPUT" },
    /* a raw newline ends the broken string, so the next line lexes */
    { "\"a\n1", "ERROR INTEGER:1 END_OF_INPUT" },
    /* bytes >= 0x80 stay in the string: the parser checks the UTF-8, so
     * a bad sequence cannot end the string early */
    { "\"\x80\"", "STRING:\"\x80\" END_OF_INPUT" },
    { "\"\xC3\x28\"", "STRING:\"\xC3(\" END_OF_INPUT" },
    { "\"\xC0\xAF:{\" 1", "STRING:\"\xC0\xAF:{\" INTEGER:1 END_OF_INPUT" },
    /* 0xFE/0xFF resync: the quote after it opens a new string */
    { "\"\xFE\"", "ERROR ERROR END_OF_INPUT" },
    /* stray bytes and recovery */
    { "@", "ERROR END_OF_INPUT" },
    { "@@@ x {}", "ERROR LCURLY:{ RCURLY:} END_OF_INPUT" },
    { "@@\n1", "ERROR INTEGER:1 END_OF_INPUT" },
    { "\x01", "ERROR END_OF_INPUT" },
    { "\xFF{}", "ERROR LCURLY:{ RCURLY:} END_OF_INPUT" },
    { "@@\xFF" "1", "ERROR INTEGER:1 END_OF_INPUT" },
    { "\"abc\xFF{}", "ERROR LCURLY:{ RCURLY:} END_OF_INPUT" },
};

static void test_lex_table(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(lex_cases); i++) {
        const char *in = lex_cases[i].in;

        for (size_t chunk = 0; chunk <= 3; chunk++) {
            g_autofree char *got = lex(in, strlen(in), chunk, NULL);

            if (strcmp(got, lex_cases[i].tokens)) {
                g_test_message("case %zu (chunk %zu): '%s'", i, chunk, in);
            }
            g_assert_cmpstr(got, ==, lex_cases[i].tokens);
        }
    }
}

static void test_nul_byte(void)
{
    g_autofree char *err = NULL;
    g_autofree char *got = lex("1\0" "2", 3, 0, &err);

    g_assert_cmpstr(got, ==, "INTEGER:1 ERROR INTEGER:2 END_OF_INPUT");
    g_assert_cmpstr(err, ==, "JSON parse error, stray '\\x00'");
}

static void test_error_messages(void)
{
    static const struct {
        const char *in;
        const char *msg;
    } cases[] = {
        { "@", "JSON parse error, stray '@'" },
        { "\x7F", "JSON parse error, stray '\\x7F'" },
        { "01", "JSON parse error, invalid number '01'" },
        { "1.x", "JSON parse error, invalid number '1.x'" },
        { "\"\\q\"", "JSON parse error, invalid escape sequence in string" },
        { "\"\\u0g\"",
          "JSON parse error, invalid hex escape sequence in string" },
        { "\"\x01\"", "JSON parse error, control character in string" },
        { "\"\xFE\"", "JSON parse error, invalid UTF-8 sequence in string" },
        { "\"abc", "JSON parse error, unterminated string" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *err = NULL;
        g_autofree char *got = lex(cases[i].in, strlen(cases[i].in), 0, &err);

        g_assert(strstr(got, "ERROR"));
        g_assert_cmpstr(err, ==, cases[i].msg);
    }
}

/* Byte-at-a-time input must give exactly the tokens of one big chunk. */
static void test_chunking(void)
{
    const char *in = "{'execute': \"query-status\", \"arguments\": "
                     "{\"n\": -12.5e-3, \"l\": [true, null, 0, \"\\u00e9\xC3\xA9\"]}}"
                     " 42 @ [1]";
    g_autofree char *whole = lex(in, strlen(in), 0, NULL);

    for (size_t chunk = 1; chunk < 8; chunk++) {
        g_autofree char *got = lex(in, strlen(in), chunk, NULL);

        g_assert_cmpstr(got, ==, whole);
    }
    g_assert(strstr(whole, "INTEGER:42 ERROR LSQUARE:[ INTEGER:1"));
}

static void test_token_limit(void)
{
    TokenLog log = { g_string_new(""), g_string_new("") };
    JSONLexer lexer;
    g_autofree char *big = g_strnfill(100000, 'a');

    json_lexer_init(&lexer, log_token, &log);
    lexer.max_token = 16;
    json_lexer_feed(&lexer, "\"", 1);
    /* the overlong string is reported once, skipped, and lexing goes on */
    for (int i = 0; i < 10; i++) {
        json_lexer_feed(&lexer, big, strlen(big));
    }
    json_lexer_feed(&lexer, "[{]\" 7 123456789012345678901234 8", 33);
    json_lexer_flush(&lexer);
    g_assert_cmpuint(lexer.token->allocated_len, <=, 4096);
    json_lexer_destroy(&lexer);
    g_assert_cmpstr(log.out->str, ==,
                    "ERROR INTEGER:7 ERROR INTEGER:8 END_OF_INPUT");
    g_assert_cmpstr(log.first_error->str, ==, "JSON token size limit exceeded");
    g_string_free(log.out, true);
    g_string_free(log.first_error, true);
}

/* The lexer can be reused after flush, e.g. for a new QMP client. */
static void test_flush_reuse(void)
{
    TokenLog log = { g_string_new(""), g_string_new("") };
    JSONLexer lexer;

    json_lexer_init(&lexer, log_token, &log);
    json_lexer_feed(&lexer, "\"unfinished", 11);
    json_lexer_flush(&lexer);
    json_lexer_feed(&lexer, "12", 2);
    json_lexer_flush(&lexer);
    json_lexer_destroy(&lexer);
    g_assert_cmpstr(log.out->str, ==,
                    "ERROR END_OF_INPUT INTEGER:12 END_OF_INPUT");
    g_string_free(log.out, true);
    g_string_free(log.first_error, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-lexer/table", test_lex_table);
    g_test_add_func("/json-lexer/nul-byte", test_nul_byte);
    g_test_add_func("/json-lexer/error-messages", test_error_messages);
    g_test_add_func("/json-lexer/chunking", test_chunking);
    g_test_add_func("/json-lexer/token-limit", test_token_limit);
    g_test_add_func("/json-lexer/flush-reuse", test_flush_reuse);
    return g_test_run();
}
