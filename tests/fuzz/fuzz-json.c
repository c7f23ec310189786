/*
 * fuzz-json.c: libFuzzer entry point for the JSON streamer, lexer, parser
 * and writer. Built and run by tests/fuzz/run-fuzz.sh (meson suite 'fuzz');
 * by hand, from the top of the tree (clang needed):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Ibuild \
 *     $(pkg-config --cflags --libs glib-2.0) tests/fuzz/fuzz-json.c \
 *     qobject/[a-z]*.c util/error.c -o fuzz-json && ./fuzz-json -max_len=4096
 */
#include "qemu/osdep.h"
#include "qobject/json.h"
#include "qobject/json-streamer.h"

/* Every value must survive a write/parse round trip unchanged. */
static void fuzz_emit(void *opaque, QObject *json, Error *err)
{
    if (json) {
        g_autofree char *text = qobject_to_json_str(json);
        QObject *back = qobject_from_json(text, &error_abort);

        if (!qobject_is_equal(json, back)) {
            abort();
        }
        qobject_unref(back);
        qobject_unref(json);
    }
    error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    JSONMessageParser parser;
    size_t half = size / 2;

    /* Limits small enough that the fuzzer reaches them. */
    json_message_parser_init(&parser, fuzz_emit, NULL);
    json_message_parser_set_limits(&parser, 64, 4096, 16 * KiB);
    /* Two chunks, so that tokens split across feeds are exercised. */
    json_message_parser_feed(&parser, (const char *)data, half);
    json_message_parser_feed(&parser, (const char *)data + half, size - half);
    json_message_parser_flush(&parser);
    json_message_parser_destroy(&parser);
    return 0;
}
