/*
 * qjson.c: parse a whole C string of JSON in one call, on top of the
 * streamer so that it accepts exactly what a QMP socket accepts.
 */
#include "qemu/osdep.h"
#include "qobject/json.h"
#include "qobject/json-streamer.h"
#include "qobject/qdict.h"

typedef struct JSONOneValue {
    QObject *result;
    Error *err;
} JSONOneValue;

static void qjson_consume(void *opaque, QObject *json, Error *err)
{
    JSONOneValue *s = opaque;

    /* Keep the first problem; anything after it adds nothing. */
    if (s->err) {
        qobject_unref(json);
        error_free(err);
        return;
    }
    if (s->result) {
        qobject_unref(s->result);
        s->result = NULL;
        qobject_unref(json);
        error_free(err);
        error_setg(&s->err, "Expecting at most one JSON value");
        return;
    }
    s->result = json;
    s->err = err;
}

QObject *qobject_from_json(const char *str, Error **errp)
{
    JSONOneValue s = { 0 };
    JSONMessageParser parser;

    json_message_parser_init(&parser, qjson_consume, &s);
    json_message_parser_feed(&parser, str, strlen(str));
    json_message_parser_flush(&parser);
    json_message_parser_destroy(&parser);

    if (!s.result && !s.err) {
        error_setg(&s.err, "Expecting a JSON value");
    }
    if (s.err) {
        error_propagate(errp, s.err);
        return NULL;
    }
    return s.result;
}

QDict *qdict_from_json(const char *str, Error **errp)
{
    QObject *obj = qobject_from_json(str, errp);
    QDict *dict;

    if (!obj) {
        return NULL;
    }
    dict = qobject_to(QDict, obj);
    if (!dict) {
        qobject_unref(obj);
        error_setg(errp, "JSON object expected");
        return NULL;
    }
    return dict;
}
