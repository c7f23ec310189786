/*
 * json-lexer.h: splits a byte stream into JSON tokens, incrementally (the
 * input may arrive in chunks of any size). It checks token syntax but not
 * UTF-8 inside strings or grammar; those are the parser's job
 * (json-parser.h).
 */
#ifndef QOBJECT_JSON_LEXER_H
#define QOBJECT_JSON_LEXER_H

typedef enum JSONTokenType {
    JSON_LCURLY,
    JSON_RCURLY,
    JSON_LSQUARE,
    JSON_RSQUARE,
    JSON_COLON,
    JSON_COMMA,
    JSON_INTEGER,       /* -?(0|[1-9][0-9]*) */
    JSON_FLOAT,         /* an integer with a fraction and/or exponent */
    JSON_KEYWORD,       /* [a-z]+; the parser accepts true, false, null */
    JSON_STRING,        /* "..." or '...', raw text with quotes/escapes */
    JSON_ERROR,         /* the text is a message, not input */
    JSON_END_OF_INPUT,  /* from json_lexer_flush() */
} JSONTokenType;

/*
 * Called for each token. @text is NUL-terminated (text[len] == 0) and valid
 * only during the call. For JSON_ERROR it is a short description of what
 * was wrong, e.g. "stray '@'"; the lexer then skips input up to the next
 * structural character ([]{}:,), control character or byte 0xFE/0xFF.
 */
typedef void JSONLexerEmit(void *opaque, JSONTokenType type,
                           const char *text, size_t len);

typedef struct JSONLexer {
    JSONLexerEmit *emit;
    void *opaque;
    size_t max_token;   /* longest token accepted, in bytes */
    /* private */
    int state;
    GString *token;
    char quote;         /* quote character of the string being lexed */
    uint8_t hex_left;   /* \uXXXX digits still expected */
    bool discarding;    /* token too long: skip to its end */
} JSONLexer;

/* Default token size limit (the streamer's per-value limit). */
#define JSON_LEXER_MAX_TOKEN (64 * MiB)

/* json_lexer_init: set up @lexer to call @emit(@opaque, ...) per token. */
void json_lexer_init(JSONLexer *lexer, JSONLexerEmit *emit, void *opaque);
/* json_lexer_feed: lex @len bytes (any bytes, NULs included). */
void json_lexer_feed(JSONLexer *lexer, const char *buf, size_t len);
/*
 * json_lexer_flush: end of input: finish or reject the pending token, then
 * emit JSON_END_OF_INPUT. The lexer can be fed again afterwards.
 */
void json_lexer_flush(JSONLexer *lexer);
void json_lexer_destroy(JSONLexer *lexer);

/* json_token_type_name: "LCURLY", "STRING", ... (for tests and logs). */
const char *json_token_type_name(JSONTokenType type);

#endif
