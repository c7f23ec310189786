/*
 * json-streamer.c: cuts a byte stream into top-level JSON values, feeding
 * lexer tokens to the push parser as they arrive.
 *
 * Recovery follows QEMU, so that clients see the same errors: a lexical
 * error is reported at once and the stream restarts; a syntax error is
 * reported once the brackets and braces seen since the value began balance
 * out (or go negative), so a malformed command costs one error, and the
 * next value parses. Limits bound what one value may cost.
 */
#include "qemu/osdep.h"
#include "qobject/json-streamer.h"

static void jms_reset(JSONMessageParser *p)
{
    json_parser_reset(&p->parser);
    p->brace_count = 0;
    p->bracket_count = 0;
    p->token_count = 0;
    p->value_bytes = 0;
    error_free(p->pending_err);
    p->pending_err = NULL;
}

/* Hand over a value or an error, after resetting (the callback may feed). */
static void jms_emit(JSONMessageParser *p, QObject *json, Error *err)
{
    jms_reset(p);
    p->emit(p->opaque, json, err);
}

static void jms_emit_error(JSONMessageParser *p, const char *msg)
{
    Error *err = NULL;

    error_setg(&err, "%s", msg);
    jms_emit(p, NULL, err);
}

/* Still inside a value that opened more than it closed? */
static bool jms_unbalanced(const JSONMessageParser *p)
{
    return (p->brace_count > 0 || p->bracket_count > 0) &&
           p->brace_count >= 0 && p->bracket_count >= 0;
}

static void jms_token(void *opaque, JSONTokenType type,
                      const char *text, size_t len)
{
    JSONMessageParser *p = opaque;
    QObject *result = NULL;
    Error *err = NULL;

    switch (type) {
    case JSON_ERROR:
        jms_emit_error(p, text);
        return;
    case JSON_END_OF_INPUT:
        if (p->pending_err) {
            err = p->pending_err;
            p->pending_err = NULL;
            jms_emit(p, NULL, err);
        } else if (json_parser_in_value(&p->parser)) {
            jms_emit_error(p, "JSON parse error, premature EOI");
        } else {
            jms_reset(p);
        }
        return;
    case JSON_LCURLY:
        p->brace_count++;
        break;
    case JSON_RCURLY:
        p->brace_count--;
        break;
    case JSON_LSQUARE:
        p->bracket_count++;
        break;
    case JSON_RSQUARE:
        p->bracket_count--;
        break;
    default:
        break;
    }

    if (p->token_count + 1 > p->max_tokens) {
        jms_emit_error(p, "JSON token count limit exceeded");
        return;
    }
    if (p->value_bytes + len > p->max_bytes) {
        jms_emit_error(p, "JSON token size limit exceeded");
        return;
    }
    if ((int64_t)p->brace_count + p->bracket_count > (int64_t)p->max_nesting) {
        jms_emit_error(p, "JSON nesting depth limit exceeded");
        return;
    }
    p->token_count++;
    p->value_bytes += len;

    if (!p->pending_err) {
        switch (json_parser_push(&p->parser, type, text, len, &result, &err)) {
        case JSON_PARSER_DONE:
            jms_emit(p, result, NULL);
            return;
        case JSON_PARSER_ERROR:
            p->pending_err = err;
            break;
        default:
            return;
        }
    }
    if (!jms_unbalanced(p)) {
        err = p->pending_err;
        p->pending_err = NULL;
        jms_emit(p, NULL, err);
    }
}

void json_message_parser_init(JSONMessageParser *parser,
                              JSONMessageEmit *emit, void *opaque)
{
    memset(parser, 0, sizeof(*parser));
    parser->emit = emit;
    parser->opaque = opaque;
    json_lexer_init(&parser->lexer, jms_token, parser);
    json_parser_init(&parser->parser, JSON_STREAMER_MAX_NESTING);
    json_message_parser_set_limits(parser, JSON_STREAMER_MAX_NESTING,
                                   JSON_STREAMER_MAX_TOKENS,
                                   JSON_STREAMER_MAX_BYTES);
}

void json_message_parser_set_limits(JSONMessageParser *parser,
                                    size_t max_nesting, size_t max_tokens,
                                    uint64_t max_bytes)
{
    parser->max_nesting = max_nesting;
    parser->max_tokens = max_tokens;
    parser->max_bytes = max_bytes;
    parser->parser.max_depth = max_nesting;
    parser->lexer.max_token = MIN(max_bytes, SIZE_MAX);
}

void json_message_parser_feed(JSONMessageParser *parser,
                              const char *buf, size_t len)
{
    json_lexer_feed(&parser->lexer, buf, len);
}

void json_message_parser_flush(JSONMessageParser *parser)
{
    json_lexer_flush(&parser->lexer);
}

void json_message_parser_destroy(JSONMessageParser *parser)
{
    jms_reset(parser);
    json_lexer_destroy(&parser->lexer);
    json_parser_destroy(&parser->parser);
}
