/*
 * json-parser.c: a push parser from JSON tokens to QObjects. It keeps an
 * explicit stack of open containers instead of recursing, so nesting depth
 * costs no C stack and values are built as their tokens arrive. Error
 * messages follow QEMU's ("JSON parse error, expecting value").
 *
 * Strings: all RFC 8259 escapes, plus \' (QMP's single-quoted strings).
 * \u0000 is accepted and stored as C0 80, like QEMU, since a C string
 * cannot hold a NUL (see qstring.h). Unpaired surrogates and Unicode
 * noncharacters (U+FDD0..U+FDEF, U+xxFFFE/F) are rejected, as QEMU does.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qobject/json-parser.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "json-internal.h"

/* What may come next inside the innermost open container. */
enum {
    EXPECT_VALUE,
    EXPECT_VALUE_OR_CLOSE,  /* just after '[' */
    EXPECT_COMMA_OR_CLOSE,
    EXPECT_KEY,             /* after ',' in an object */
    EXPECT_KEY_OR_CLOSE,    /* just after '{' */
    EXPECT_COLON,
};

typedef struct JSONFrame {
    QObject *container;     /* QDict or QList */
    char *key;              /* object member whose value comes next */
    int expect;
} JSONFrame;

/* Longest piece of input quoted back in an error message. */
#define JP_QUOTE_MAX 32

void json_parser_init(JSONParser *parser, size_t max_depth)
{
    parser->stack = g_array_new(false, false, sizeof(JSONFrame));
    parser->max_depth = max_depth;
}

void json_parser_reset(JSONParser *parser)
{
    for (guint i = 0; i < parser->stack->len; i++) {
        JSONFrame *f = &g_array_index(parser->stack, JSONFrame, i);

        qobject_unref(f->container);
        g_free(f->key);
    }
    g_array_set_size(parser->stack, 0);
}

void json_parser_destroy(JSONParser *parser)
{
    if (parser->stack) {
        json_parser_reset(parser);
        g_array_free(parser->stack, true);
        parser->stack = NULL;
    }
}

bool json_parser_in_value(const JSONParser *parser)
{
    return parser->stack->len > 0;
}

static JSONParserStatus G_GNUC_PRINTF(3, 4)
jp_error(JSONParser *parser, Error **errp, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(errp, "JSON parse error, %s", msg);
    json_parser_reset(parser);
    return JSON_PARSER_ERROR;
}

/* @s cut to a few bytes and escaped, for an error message (caller frees). */
static char *jp_quote(const char *s)
{
    g_autofree char *cut = g_strndup(s, JP_QUOTE_MAX);
    char *esc = g_strescape(cut, NULL);

    if (strlen(s) > JP_QUOTE_MAX) {
        char *more = g_strconcat(esc, "...", NULL);

        g_free(esc);
        return more;
    }
    return esc;
}

static int jp_hex4(const char *p)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(p[i]);

        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/*
 * Decode a \uXXXX escape (and the low half that must follow a high
 * surrogate) at @p, which points at the 'u'; @end bounds the string body.
 * Returns the code point and sets *@next, or -1 with *@bad_cp set.
 */
static int jp_unicode_escape(const char *p, const char *end,
                             const char **next, int *bad_cp)
{
    int cp, lo;

    *bad_cp = -1;
    if (end - p < 5 || (cp = jp_hex4(p + 1)) < 0) {
        return -1;
    }
    *next = p + 5;
    *bad_cp = cp;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return -1;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        p += 5;
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
            (lo = jp_hex4(p + 2)) < 0xDC00 || lo > 0xDFFF) {
            return -1;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *next = p + 6;
        *bad_cp = cp;
    }
    if (json_is_noncharacter(cp)) {
        return -1;
    }
    return cp;
}

/* Turn the raw text of a string token (quotes included) into its bytes. */
static GString *jp_string(const char *text, size_t len, Error **errp)
{
    const char *p, *end;
    g_autoptr(GString) out = NULL;

    if (len < 2 || text[len - 1] != text[0]) {
        error_setg(errp, "JSON parse error, unterminated string");
        return NULL;
    }
    out = g_string_sized_new(len);
    end = text + len - 1;
    for (p = text + 1; p < end;) {
        unsigned char c = *p;

        if (c == '\\') {
            char buf[4];
            int cp, bad;

            if (++p >= end) {
                error_setg(errp, "JSON parse error, "
                           "invalid escape sequence in string");
                return NULL;
            }
            switch (*p) {
            case '"': case '\'': case '\\': case '/':
                g_string_append_c(out, *p);
                break;
            case 'b':
                g_string_append_c(out, '\b');
                break;
            case 'f':
                g_string_append_c(out, '\f');
                break;
            case 'n':
                g_string_append_c(out, '\n');
                break;
            case 'r':
                g_string_append_c(out, '\r');
                break;
            case 't':
                g_string_append_c(out, '\t');
                break;
            case 'u':
                cp = jp_unicode_escape(p, end, &p, &bad);
                if (cp < 0 && bad < 0) {
                    error_setg(errp, "JSON parse error, "
                               "invalid hex escape sequence in string");
                    return NULL;
                }
                if (cp < 0 && bad >= 0xD800 && bad <= 0xDFFF) {
                    error_setg(errp, "JSON parse error, "
                               "unpaired surrogate \\u%04X in string", bad);
                    return NULL;
                }
                if (cp < 0) {
                    error_setg(errp, "JSON parse error, U+%04X is not a "
                               "valid Unicode character", bad);
                    return NULL;
                }
                g_string_append_len(out, buf, json_utf8_encode(buf, cp));
                continue;
            default:
                error_setg(errp, "JSON parse error, "
                           "invalid escape sequence in string");
                return NULL;
            }
            p++;
        } else if (c < 0x20) {
            error_setg(errp, "JSON parse error, control character in string");
            return NULL;
        } else if (c < 0x80) {
            g_string_append_c(out, c);
            p++;
        } else {
            size_t used;

            if (json_utf8_decode(p, end - p, &used) < 0) {
                error_setg(errp, "JSON parse error, "
                           "invalid UTF-8 sequence in string");
                return NULL;
            }
            g_string_append_len(out, p, used);
            p += used;
        }
    }
    return g_steal_pointer(&out);
}

/*
 * Integers are kept exact: int64 if they fit, else uint64 if they fit,
 * else (like a number with a fraction or exponent) a double. A double that
 * overflows is an error: JSON has no infinity, so none can be produced.
 */
static QObject *jp_number(JSONTokenType type, const char *text,
                          Error **errp)
{
    double d;

    if (type == JSON_INTEGER) {
        char *end;

        errno = 0;
        long long ll = strtoll(text, &end, 10);
        if (errno == 0 && !*end) {
            return QOBJECT(qnum_from_int(ll));
        }
        if (text[0] != '-') {
            errno = 0;
            unsigned long long ull = strtoull(text, &end, 10);
            if (errno == 0 && !*end) {
                return QOBJECT(qnum_from_uint(ull));
            }
        }
    }
    d = g_ascii_strtod(text, NULL);
    if (!isfinite(d)) {
        g_autofree char *q = jp_quote(text);

        error_setg(errp, "JSON parse error, number '%s' out of range", q);
        return NULL;
    }
    return QOBJECT(qnum_from_double(d));
}

static QObject *jp_keyword(const char *text, Error **errp)
{
    if (!strcmp(text, "true")) {
        return QOBJECT(qbool_from_bool(true));
    }
    if (!strcmp(text, "false")) {
        return QOBJECT(qbool_from_bool(false));
    }
    if (!strcmp(text, "null")) {
        return QOBJECT(qnull());
    }
    g_autofree char *q = jp_quote(text);
    error_setg(errp, "JSON parse error, invalid keyword '%s'", q);
    return NULL;
}

static JSONFrame *jp_top(JSONParser *parser)
{
    if (!parser->stack->len) {
        return NULL;
    }
    return &g_array_index(parser->stack, JSONFrame, parser->stack->len - 1);
}

/* A complete value: the result, or the next element of its container. */
static JSONParserStatus jp_add(JSONParser *parser, QObject *obj,
                               QObject **result)
{
    JSONFrame *top = jp_top(parser);

    if (!top) {
        *result = obj;
        return JSON_PARSER_DONE;
    }
    if (qobject_type(top->container) == QTYPE_QLIST) {
        qlist_append_obj(qobject_to(QList, top->container), obj);
    } else {
        qdict_put_obj(qobject_to(QDict, top->container), top->key, obj);
        g_free(top->key);
        top->key = NULL;
    }
    top->expect = EXPECT_COMMA_OR_CLOSE;
    return JSON_PARSER_MORE;
}

static JSONParserStatus jp_close(JSONParser *parser, QObject **result)
{
    JSONFrame *top = jp_top(parser);
    QObject *container = top->container;

    g_free(top->key);
    g_array_set_size(parser->stack, parser->stack->len - 1);
    return jp_add(parser, container, result);
}

static JSONParserStatus jp_value(JSONParser *parser, JSONTokenType type,
                                 const char *text, size_t len,
                                 QObject **result, Error **errp)
{
    Error *err = NULL;
    QObject *obj;

    switch (type) {
    case JSON_LCURLY:
    case JSON_LSQUARE: {
        JSONFrame f = { 0 };

        if (parser->stack->len >= parser->max_depth) {
            error_setg(errp, "JSON nesting depth limit exceeded");
            json_parser_reset(parser);
            return JSON_PARSER_ERROR;
        }
        if (type == JSON_LCURLY) {
            f.container = QOBJECT(qdict_new());
            f.expect = EXPECT_KEY_OR_CLOSE;
        } else {
            f.container = QOBJECT(qlist_new());
            f.expect = EXPECT_VALUE_OR_CLOSE;
        }
        g_array_append_val(parser->stack, f);
        return JSON_PARSER_MORE;
    }
    case JSON_STRING: {
        GString *str = jp_string(text, len, &err);

        obj = str ? QOBJECT(qstring_from_gstring(str)) : NULL;
        break;
    }
    case JSON_INTEGER:
    case JSON_FLOAT:
        obj = jp_number(type, text, &err);
        break;
    case JSON_KEYWORD:
        obj = jp_keyword(text, &err);
        break;
    default:
        return jp_error(parser, errp, "expecting value");
    }
    if (!obj) {
        error_propagate(errp, err);
        json_parser_reset(parser);
        return JSON_PARSER_ERROR;
    }
    return jp_add(parser, obj, result);
}

static JSONParserStatus jp_key(JSONParser *parser, const char *text,
                               size_t len, Error **errp)
{
    JSONFrame *top = jp_top(parser);
    Error *err = NULL;
    GString *key = jp_string(text, len, &err);

    if (!key) {
        error_propagate(errp, err);
        json_parser_reset(parser);
        return JSON_PARSER_ERROR;
    }
    if (qdict_haskey(qobject_to(QDict, top->container), key->str)) {
        g_autofree char *q = jp_quote(key->str);

        g_string_free(key, true);
        return jp_error(parser, errp, "duplicate key '%s'", q);
    }
    top->key = g_string_free(key, false);
    top->expect = EXPECT_COLON;
    return JSON_PARSER_MORE;
}

JSONParserStatus json_parser_push(JSONParser *parser, JSONTokenType type,
                                  const char *text, size_t len,
                                  QObject **result, Error **errp)
{
    JSONFrame *top = jp_top(parser);
    bool in_dict;

    *result = NULL;
    if (type == JSON_ERROR) {
        json_parser_reset(parser);
        error_setg(errp, "%s", text);
        return JSON_PARSER_ERROR;
    }
    if (type == JSON_END_OF_INPUT) {
        return jp_error(parser, errp, "premature EOI");
    }
    if (!top) {
        return jp_value(parser, type, text, len, result, errp);
    }
    in_dict = qobject_type(top->container) == QTYPE_QDICT;
    switch (top->expect) {
    case EXPECT_KEY_OR_CLOSE:
        if (type == JSON_RCURLY) {
            return jp_close(parser, result);
        }
        /* fall through */
    case EXPECT_KEY:
        if (type != JSON_STRING) {
            return jp_error(parser, errp, "key is not a string in object");
        }
        return jp_key(parser, text, len, errp);
    case EXPECT_COLON:
        if (type != JSON_COLON) {
            return jp_error(parser, errp, "missing : in object pair");
        }
        top->expect = EXPECT_VALUE;
        return JSON_PARSER_MORE;
    case EXPECT_COMMA_OR_CLOSE:
        if (type == JSON_COMMA) {
            top->expect = in_dict ? EXPECT_KEY : EXPECT_VALUE;
            return JSON_PARSER_MORE;
        }
        if (type == (in_dict ? JSON_RCURLY : JSON_RSQUARE)) {
            return jp_close(parser, result);
        }
        return jp_error(parser, errp, in_dict ? "expected separator in dict"
                                              : "expected separator in list");
    case EXPECT_VALUE_OR_CLOSE:
        if (type == JSON_RSQUARE) {
            return jp_close(parser, result);
        }
        /* fall through */
    default:
        return jp_value(parser, type, text, len, result, errp);
    }
}
