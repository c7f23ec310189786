/*
 * json.h: one-call conversions between JSON text and QObjects. Text from
 * sockets should go through json-streamer.h instead; these take a whole
 * C string.
 */
#ifndef QOBJECT_JSON_H
#define QOBJECT_JSON_H

#include "qemu/error.h"
#include "qobject/qobject.h"

/*
 * qobject_from_json: parse @str, which must hold exactly one JSON value
 * (whitespace around it is fine). Returns a new reference, or NULL with
 * @errp set.
 */
QObject *qobject_from_json(const char *str, Error **errp);
/* qdict_from_json: like qobject_from_json(), but the value must be an
 * object ("JSON object expected" otherwise). */
QDict *qdict_from_json(const char *str, Error **errp);

/*
 * qobject_to_json: @obj as compact JSON, QMP's wire format:
 * {"a": 1, "b": [true, null]}. Strings are pure ASCII (other characters as
 * \uXXXX, surrogate pairs beyond the BMP); invalid UTF-8 becomes \uFFFD.
 */
GString *qobject_to_json(const QObject *obj);
/* qobject_to_json_pretty: as above, or indented by 4 spaces if @pretty. */
GString *qobject_to_json_pretty(const QObject *obj, bool pretty);
/* qobject_to_json_str: qobject_to_json() as a C string (caller frees). */
char *qobject_to_json_str(const QObject *obj);

/* json_writer_append: append the JSON of @obj to @out. */
void json_writer_append(GString *out, const QObject *obj, bool pretty);
/* json_writer_append_quoted: append @str as a JSON string literal. */
void json_writer_append_quoted(GString *out, const char *str);

#endif
