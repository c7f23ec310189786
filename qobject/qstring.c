/*
 * qstring.c: JSON strings, a GString inside a QObject.
 */
#include "qemu/osdep.h"
#include "qobject/qstring.h"
#include "qobject-internal.h"

QString *qstring_from_gstring(GString *gstr)
{
    QString *qs = g_new(QString, 1);

    qobject_init((QObject *)qs, QTYPE_QSTRING);
    qs->str = gstr;
    return qs;
}

QString *qstring_new(void)
{
    return qstring_from_gstring(g_string_new(""));
}

QString *qstring_from_str(const char *str)
{
    return qstring_from_gstring(g_string_new(str));
}

QString *qstring_from_substr(const char *str, size_t start, size_t end)
{
    assert(start <= end);
    return qstring_from_gstring(g_string_new_len(str + start, end - start));
}

const char *qstring_get_str(const QString *qs)
{
    return qs->str->str;
}

size_t qstring_get_length(const QString *qs)
{
    return qs->str->len;
}

void qstring_append(QString *qs, const char *str)
{
    g_string_append(qs->str, str);
}

void qstring_append_chr(QString *qs, char c)
{
    g_string_append_c(qs->str, c);
}

void qstring_append_int(QString *qs, int64_t value)
{
    g_string_append_printf(qs->str, "%" PRId64, value);
}

bool qstring_is_equal(const QObject *x, const QObject *y)
{
    const QString *a = qobject_to(QString, x);
    const QString *b = qobject_to(QString, y);

    return a && b && a->str->len == b->str->len &&
           memcmp(a->str->str, b->str->str, a->str->len) == 0;
}

void qstring_destroy_obj(QObject *obj)
{
    QString *qs = (QString *)obj;

    g_string_free(qs->str, true);
    g_free(qs);
}
