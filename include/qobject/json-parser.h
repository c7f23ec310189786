/*
 * json-parser.h: builds QObjects from JSON tokens, one token at a time (a
 * push parser), so that a value is built as its bytes arrive and no token
 * list is kept. It does not know about byte streams, recovery or limits
 * other than nesting depth; json-streamer.h combines it with the lexer.
 */
#ifndef QOBJECT_JSON_PARSER_H
#define QOBJECT_JSON_PARSER_H

#include "qemu/error.h"
#include "qobject/json-lexer.h"
#include "qobject/qobject.h"

/* Deepest nesting of arrays and objects accepted. */
#define JSON_MAX_NESTING 1024

typedef enum JSONParserStatus {
    JSON_PARSER_MORE,   /* the value is incomplete; push more tokens */
    JSON_PARSER_DONE,   /* a complete value was returned */
    JSON_PARSER_ERROR,  /* a syntax error; the parser is reset */
} JSONParserStatus;

typedef struct JSONParser {
    /* private */
    GArray *stack;      /* open containers, innermost last */
    size_t max_depth;
} JSONParser;

/* json_parser_init: an idle parser accepting nesting up to @max_depth. */
void json_parser_init(JSONParser *parser, size_t max_depth);
void json_parser_destroy(JSONParser *parser);
/* json_parser_reset: drop a partial value and become idle. */
void json_parser_reset(JSONParser *parser);
/* json_parser_in_value: true while a container is open. */
bool json_parser_in_value(const JSONParser *parser);

/*
 * json_parser_push: consume one token (as from the lexer; text[len] == 0).
 * On JSON_PARSER_DONE *@result holds the new value (the caller owns it);
 * on JSON_PARSER_ERROR @errp is set ("JSON parse error, ...").
 * JSON_ERROR and JSON_END_OF_INPUT tokens must not be pushed.
 */
JSONParserStatus json_parser_push(JSONParser *parser, JSONTokenType type,
                                  const char *text, size_t len,
                                  QObject **result, Error **errp);

#endif
