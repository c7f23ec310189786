/*
 * json-streamer.h: turns a byte stream (a QMP socket) into a sequence of
 * JSON values. Bytes may arrive in any chunks; each complete top-level
 * value, or an error, is handed to a callback. After an error the stream
 * recovers and the next well-formed value parses. Input size per value is
 * limited so that a peer cannot make it use unbounded memory.
 */
#ifndef QOBJECT_JSON_STREAMER_H
#define QOBJECT_JSON_STREAMER_H

#include "qemu/error.h"
#include "qobject/json-lexer.h"
#include "qobject/json-parser.h"

/* Default limits per top-level value. */
#define JSON_STREAMER_MAX_BYTES (64 * MiB)
#define JSON_STREAMER_MAX_TOKENS (2 * 1024 * 1024)
#define JSON_STREAMER_MAX_NESTING JSON_MAX_NESTING

/*
 * Called with exactly one of @json (a value) or @err (what was wrong with
 * some input); the callback owns it. It must not destroy the streamer.
 */
typedef void JSONMessageEmit(void *opaque, QObject *json, Error *err);

typedef struct JSONMessageParser {
    JSONMessageEmit *emit;
    void *opaque;
    /* private */
    JSONLexer lexer;
    JSONParser parser;
    int brace_count;
    int bracket_count;
    size_t token_count;
    uint64_t value_bytes;
    Error *pending_err;     /* syntax error; reported once balanced */
    size_t max_nesting;
    size_t max_tokens;
    uint64_t max_bytes;
} JSONMessageParser;

/* json_message_parser_init: a streamer with the default limits. */
void json_message_parser_init(JSONMessageParser *parser,
                              JSONMessageEmit *emit, void *opaque);
/*
 * json_message_parser_set_limits: change the per-value limits: nesting
 * depth, number of tokens, bytes of token text. Call before feeding.
 */
void json_message_parser_set_limits(JSONMessageParser *parser,
                                    size_t max_nesting, size_t max_tokens,
                                    uint64_t max_bytes);
/* json_message_parser_feed: process @len more bytes. */
void json_message_parser_feed(JSONMessageParser *parser,
                              const char *buf, size_t len);
/*
 * json_message_parser_flush: end of input: a pending top-level number or
 * keyword is emitted, an incomplete value reported as an error. The
 * streamer is reset and can be fed again (e.g. by a new client).
 */
void json_message_parser_flush(JSONMessageParser *parser);
void json_message_parser_destroy(JSONMessageParser *parser);

#endif
