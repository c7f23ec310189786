/*
 * json-lexer.c: JSON tokenizer, a byte-at-a-time state machine so that
 * input can arrive in any chunks. Besides RFC 8259 it accepts QMP's
 * single-quoted strings ('it\'s'). It checks that numbers follow the
 * grammar (no leading zeros, '+', '.5', '1.'); turning tokens into values
 * (UTF-8 validation included), and grammar, are the parser's job.
 */
#include "qemu/osdep.h"
#include "qobject/json-lexer.h"

enum {
    LX_START,
    LX_RECOVERY,    /* after an error: skip to a resynchronisation point */
    LX_STRING,
    LX_ESCAPE,      /* after a backslash */
    LX_UHEX,        /* inside \uXXXX */
    LX_MINUS,
    LX_ZERO,
    LX_INT,
    LX_DOT,
    LX_FRAC,
    LX_EXP_E,
    LX_EXP_SIGN,
    LX_EXP,
    LX_KEYWORD,
};

/* Longest piece of input quoted back in an error message. */
#define LX_QUOTE_MAX 32

void json_lexer_init(JSONLexer *lexer, JSONLexerEmit *emit, void *opaque)
{
    memset(lexer, 0, sizeof(*lexer));
    lexer->emit = emit;
    lexer->opaque = opaque;
    lexer->max_token = JSON_LEXER_MAX_TOKEN;
    lexer->state = LX_START;
    lexer->token = g_string_sized_new(64);
}

void json_lexer_destroy(JSONLexer *lexer)
{
    if (lexer->token) {
        g_string_free(lexer->token, true);
        lexer->token = NULL;
    }
}

static bool lx_is_structural(int c)
{
    return c == '{' || c == '}' || c == '[' || c == ']' || c == ':' ||
           c == ',';
}

/*
 * Where the lexer may pick up again after an error: structural characters
 * and line ends are likely token boundaries, and QMP clients send 0xFF (a
 * byte that never occurs in UTF-8) when they want the server to resync.
 */
static bool lx_is_resync(int c)
{
    return lx_is_structural(c) || (c < 0x20 && c != '\t') || c >= 0xFE;
}

static void lx_reset_token(JSONLexer *lexer)
{
    g_string_truncate(lexer->token, 0);
    lexer->discarding = false;
}

static void lx_emit(JSONLexer *lexer, JSONTokenType type)
{
    if (!lexer->discarding) {
        lexer->emit(lexer->opaque, type, lexer->token->str, lexer->token->len);
    }
    lx_reset_token(lexer);
    lexer->state = LX_START;
}

static void lx_quote_byte(GString *msg, int b)
{
    if (b > 0x20 && b < 0x7F && b != '\'' && b != '\\') {
        g_string_append_c(msg, b);
    } else {
        g_string_append_printf(msg, "\\x%02X", b);
    }
}

/* Append the pending token plus @c (if >= 0), printable and cut short. */
static void lx_quote_input(JSONLexer *lexer, GString *msg, int c)
{
    size_t n = MIN(lexer->token->len, LX_QUOTE_MAX);

    for (size_t i = 0; i < n; i++) {
        lx_quote_byte(msg, (unsigned char)lexer->token->str[i]);
    }
    if (lexer->token->len > n) {
        g_string_append(msg, "...");
    }
    if (c >= 0) {
        lx_quote_byte(msg, c);
    }
}

/*
 * Report an error caused by byte @c (-1: end of input), unless the token
 * was already reported as too long. Returns true if @c must be looked at
 * again in the start state.
 */
static bool lx_fail(JSONLexer *lexer, int c, const char *what, bool quote)
{
    if (!lexer->discarding) {
        g_autoptr(GString) msg = g_string_new("JSON parse error, ");

        g_string_append(msg, what);
        if (quote) {
            g_string_append(msg, " '");
            lx_quote_input(lexer, msg, c);
            g_string_append_c(msg, '\'');
        }
        lexer->emit(lexer->opaque, JSON_ERROR, msg->str, msg->len);
    }
    lx_reset_token(lexer);
    if (c >= 0 && lx_is_structural(c)) {
        lexer->state = LX_START;
        return true;
    }
    lexer->state = (c < 0 || lx_is_resync(c)) ? LX_START : LX_RECOVERY;
    return false;
}

/*
 * Keep @c as part of the token. A token that outgrows the limit is
 * reported once and then skipped to its end, so that memory stays bounded
 * and the stream resynchronises where the token ends.
 */
static void lx_append(JSONLexer *lexer, int c)
{
    if (lexer->discarding) {
        return;
    }
    if (lexer->token->len >= lexer->max_token) {
        static const char msg[] = "JSON token size limit exceeded";

        lexer->emit(lexer->opaque, JSON_ERROR, msg, sizeof(msg) - 1);
        g_string_truncate(lexer->token, 0);
        /* Give back what the long token held. */
        if (lexer->token->allocated_len > 4096) {
            g_string_free(lexer->token, true);
            lexer->token = g_string_sized_new(64);
        }
        lexer->discarding = true;
        return;
    }
    g_string_append_c(lexer->token, c);
}

static void lx_start(JSONLexer *lexer, int c)
{
    static const struct {
        char c;
        JSONTokenType type;
    } punct[] = {
        { '{', JSON_LCURLY }, { '}', JSON_RCURLY }, { '[', JSON_LSQUARE },
        { ']', JSON_RSQUARE }, { ':', JSON_COLON }, { ',', JSON_COMMA },
    };

    for (size_t i = 0; i < ARRAY_SIZE(punct); i++) {
        if (c == punct[i].c) {
            g_string_append_c(lexer->token, c);
            lx_emit(lexer, punct[i].type);
            return;
        }
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return;
    }
    if (c == '"' || c == '\'') {
        lexer->quote = c;
        lexer->state = LX_STRING;
    } else if (c == '-') {
        lexer->state = LX_MINUS;
    } else if (c == '0') {
        lexer->state = LX_ZERO;
    } else if (c >= '1' && c <= '9') {
        lexer->state = LX_INT;
    } else if (c >= 'a' && c <= 'z') {
        lexer->state = LX_KEYWORD;
    } else {
        lx_fail(lexer, c, "stray", true);
        return;
    }
    lx_append(lexer, c);
}

/* Returns true if @c was consumed inside the string. */
static bool lx_string(JSONLexer *lexer, int c, bool *again)
{
    switch (lexer->state) {
    case LX_STRING:
        if (c == lexer->quote) {
            lx_append(lexer, c);
            lx_emit(lexer, JSON_STRING);
            return true;
        }
        if (c < 0x20) {
            *again = lx_fail(lexer, c, "control character in string", false);
            return true;
        }
        if (c >= 0xFE) {
            /* Never in UTF-8: a client resyncing (QMP sends 0xFF). */
            *again = lx_fail(lexer, c, "invalid UTF-8 sequence in string",
                             false);
            return true;
        }
        /*
         * Other bytes >= 0x80 stay in the string unchecked: the parser
         * validates the UTF-8 of the whole token. Failing here would end
         * the string early, and its closing quote would then open a new
         * one that swallows the next command (QEMU's lexer does the same).
         */
        if (c == '\\') {
            lexer->state = LX_ESCAPE;
        }
        lx_append(lexer, c);
        return true;
    case LX_ESCAPE:
        if (c == 'u') {
            lexer->hex_left = 4;
            lexer->state = LX_UHEX;
        } else if (c && strchr("\"'\\/bfnrt", c)) {
            lexer->state = LX_STRING;
        } else {
            *again = lx_fail(lexer, c, "invalid escape sequence in string",
                             false);
            return true;
        }
        lx_append(lexer, c);
        return true;
    case LX_UHEX:
        if (!g_ascii_isxdigit(c)) {
            *again = lx_fail(lexer, c,
                             "invalid hex escape sequence in string", false);
            return true;
        }
        if (--lexer->hex_left == 0) {
            lexer->state = LX_STRING;
        }
        lx_append(lexer, c);
        return true;
    default:
        return false;
    }
}

/* Returns true if @c must be looked at again (it ended the number). */
static bool lx_number(JSONLexer *lexer, int c)
{
    bool digit = c >= '0' && c <= '9';
    int next;

    switch (lexer->state) {
    case LX_MINUS:
        next = c == '0' ? LX_ZERO : digit ? LX_INT : -1;
        break;
    case LX_ZERO:
    case LX_INT:
        if (digit) {
            /* "01" is not two numbers run together but a bad one */
            next = lexer->state == LX_ZERO ? -1 : LX_INT;
        } else if (c == '.') {
            next = LX_DOT;
        } else if (c == 'e' || c == 'E') {
            next = LX_EXP_E;
        } else {
            lx_emit(lexer, JSON_INTEGER);
            return true;
        }
        break;
    case LX_DOT:
        next = digit ? LX_FRAC : -1;
        break;
    case LX_FRAC:
        if (digit) {
            next = LX_FRAC;
        } else if (c == 'e' || c == 'E') {
            next = LX_EXP_E;
        } else {
            lx_emit(lexer, JSON_FLOAT);
            return true;
        }
        break;
    case LX_EXP_E:
        next = (c == '+' || c == '-') ? LX_EXP_SIGN : digit ? LX_EXP : -1;
        break;
    case LX_EXP_SIGN:
        next = digit ? LX_EXP : -1;
        break;
    default: /* LX_EXP */
        if (!digit) {
            lx_emit(lexer, JSON_FLOAT);
            return true;
        }
        next = LX_EXP;
        break;
    }
    if (next < 0) {
        return lx_fail(lexer, c, "invalid number", true);
    }
    lexer->state = next;
    lx_append(lexer, c);
    return false;
}

static void lx_byte(JSONLexer *lexer, int c)
{
    bool again;

    do {
        again = false;
        switch (lexer->state) {
        case LX_START:
            lx_start(lexer, c);
            break;
        case LX_RECOVERY:
            if (lx_is_resync(c)) {
                lexer->state = LX_START;
                again = lx_is_structural(c);
            }
            break;
        case LX_STRING:
        case LX_ESCAPE:
        case LX_UHEX:
                lx_string(lexer, c, &again);
            break;
        case LX_KEYWORD:
            if (c >= 'a' && c <= 'z') {
                lx_append(lexer, c);
            } else {
                lx_emit(lexer, JSON_KEYWORD);
                again = true;
            }
            break;
        default:
            again = lx_number(lexer, c);
            break;
        }
    } while (again);
}

void json_lexer_feed(JSONLexer *lexer, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        lx_byte(lexer, (unsigned char)buf[i]);
    }
}

void json_lexer_flush(JSONLexer *lexer)
{
    switch (lexer->state) {
    case LX_ZERO:
    case LX_INT:
        lx_emit(lexer, JSON_INTEGER);
        break;
    case LX_FRAC:
    case LX_EXP:
        lx_emit(lexer, JSON_FLOAT);
        break;
    case LX_KEYWORD:
        lx_emit(lexer, JSON_KEYWORD);
        break;
    case LX_STRING:
    case LX_ESCAPE:
    case LX_UHEX:
        lx_fail(lexer, -1, "unterminated string", false);
        break;
    case LX_MINUS:
    case LX_DOT:
    case LX_EXP_E:
    case LX_EXP_SIGN:
        lx_fail(lexer, -1, "invalid number", true);
        break;
    default:
        break;
    }
    lx_reset_token(lexer);
    lexer->state = LX_START;
    lexer->emit(lexer->opaque, JSON_END_OF_INPUT, "", 0);
}

const char *json_token_type_name(JSONTokenType type)
{
    static const char *const names[] = {
        [JSON_LCURLY] = "LCURLY",
        [JSON_RCURLY] = "RCURLY",
        [JSON_LSQUARE] = "LSQUARE",
        [JSON_RSQUARE] = "RSQUARE",
        [JSON_COLON] = "COLON",
        [JSON_COMMA] = "COMMA",
        [JSON_INTEGER] = "INTEGER",
        [JSON_FLOAT] = "FLOAT",
        [JSON_KEYWORD] = "KEYWORD",
        [JSON_STRING] = "STRING",
        [JSON_ERROR] = "ERROR",
        [JSON_END_OF_INPUT] = "END_OF_INPUT",
    };

    if ((unsigned)type >= ARRAY_SIZE(names)) {
        return "?";
    }
    return names[type];
}
