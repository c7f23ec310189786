/*
 * json-writer.c: QObject to JSON text, in QMP's wire format: ", " and
 * ": " separators, pure ASCII strings (\uXXXX for the rest, surrogate
 * pairs beyond the BMP, U+FFFD for invalid UTF-8), and QEMU's pretty form
 * (4-space indent; an empty container prints as "{\n}", as QEMU does).
 */
#include "qemu/osdep.h"
#include "qobject/json.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "json-internal.h"

void json_writer_append_quoted(GString *out, const char *str)
{
    size_t n = strlen(str);
    const char *p = str, *end = str + n;

    g_string_append_c(out, '"');
    while (p < end) {
        size_t used;
        int cp = json_utf8_decode(p, end - p, &used);

        p += used;
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp < 0) {
                cp = 0xFFFD;
            }
            if (cp >= 0x10000) {
                cp -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 + (cp >> 10),
                                       0xDC00 + (cp & 0x3FF));
            } else if (cp < 0x20 || cp >= 0x7F) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                g_string_append_c(out, cp);
            }
            break;
        }
    }
    g_string_append_c(out, '"');
}

static void jw_newline(GString *out, bool pretty, int level)
{
    if (pretty) {
        g_string_append_c(out, '\n');
        for (int i = 0; i < level; i++) {
            g_string_append(out, "    ");
        }
    }
}

/* Before an element: "," and a line break or space, unless it is first. */
static void jw_separator(GString *out, bool pretty, int level, bool first)
{
    if (!first) {
        g_string_append_c(out, ',');
        if (!pretty) {
            g_string_append_c(out, ' ');
        }
    }
    jw_newline(out, pretty, level);
}

static void jw_value(GString *out, const QObject *obj, bool pretty, int level)
{
    if (!obj) {
        g_string_append(out, "null");
        return;
    }
    switch (qobject_type(obj)) {
    case QTYPE_QBOOL:
        g_string_append(out, qbool_get_bool(qobject_to(QBool, obj)) ?
                             "true" : "false");
        break;
    case QTYPE_QNUM: {
        g_autofree char *num = qnum_to_string(qobject_to(QNum, obj));

        g_string_append(out, num);
        break;
    }
    case QTYPE_QSTRING:
        json_writer_append_quoted(out,
                                  qstring_get_str(qobject_to(QString, obj)));
        break;
    case QTYPE_QDICT: {
        const QDict *dict = qobject_to(QDict, obj);
        const QDictEntry *e;

        g_string_append_c(out, '{');
        for (e = qdict_first(dict); e; e = qdict_next(dict, e)) {
            jw_separator(out, pretty, level + 1, e == qdict_first(dict));
            json_writer_append_quoted(out, qdict_entry_key(e));
            g_string_append(out, ": ");
            jw_value(out, qdict_entry_value(e), pretty, level + 1);
        }
        jw_newline(out, pretty, level);
        g_string_append_c(out, '}');
        break;
    }
    case QTYPE_QLIST: {
        const QList *list = qobject_to(QList, obj);
        const QListEntry *e;

        g_string_append_c(out, '[');
        QLIST_FOREACH_ENTRY(list, e) {
            jw_separator(out, pretty, level + 1, e == qlist_first(list));
            jw_value(out, qlist_entry_obj(e), pretty, level + 1);
        }
        jw_newline(out, pretty, level);
        g_string_append_c(out, ']');
        break;
    }
    default:
        g_string_append(out, "null");
        break;
    }
}

void json_writer_append(GString *out, const QObject *obj, bool pretty)
{
    jw_value(out, obj, pretty, 0);
}

GString *qobject_to_json_pretty(const QObject *obj, bool pretty)
{
    GString *out = g_string_new(NULL);

    json_writer_append(out, obj, pretty);
    return out;
}

GString *qobject_to_json(const QObject *obj)
{
    return qobject_to_json_pretty(obj, false);
}

char *qobject_to_json_str(const QObject *obj)
{
    return g_string_free(qobject_to_json(obj), false);
}
