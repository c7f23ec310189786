/*
 * qstring.h: a JSON string: a NUL-terminated UTF-8 C string. U+0000, which
 * a C string cannot hold, is stored as the two bytes C0 80 (QEMU's
 * "modified UTF-8"); the JSON writer turns it back into \u0000.
 */
#ifndef QOBJECT_QSTRING_H
#define QOBJECT_QSTRING_H

#include "qobject/qobject.h"

struct QString {
    QObjectBase base;
    GString *str;
};

/* Constructors: a new QString (refcount 1). */
QString *qstring_new(void);
QString *qstring_from_str(const char *str);
/* qstring_from_substr: the bytes of @str from @start up to (not incl.) @end. */
QString *qstring_from_substr(const char *str, size_t start, size_t end);
/* qstring_from_gstring: takes ownership of @gstr. */
QString *qstring_from_gstring(GString *gstr);

/* qstring_get_str: the contents; valid as long as @qs lives unmodified. */
const char *qstring_get_str(const QString *qs);
/* qstring_get_length: length in bytes, without the terminating NUL. */
size_t qstring_get_length(const QString *qs);

/* qstring_append: append a C string. */
void qstring_append(QString *qs, const char *str);
/* qstring_append_chr: append one byte. */
void qstring_append_chr(QString *qs, char c);
/* qstring_append_int: append a decimal integer. */
void qstring_append_int(QString *qs, int64_t value);

/* qstring_is_equal: true if both are QStrings with the same bytes. */
bool qstring_is_equal(const QObject *x, const QObject *y);

static inline void qobject_unref_qstring(QString *s)
{
    qobject_unref(s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QString, qobject_unref_qstring)

#endif
