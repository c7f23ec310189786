/*
 * util.h: enum name tables of the QAPI-generated code. Every schema enum Foo
 * has `extern const QEnumLookup Foo_lookup` and `Foo_str(value)`; parse a
 * name with qapi_enum_parse().
 */
#ifndef QAPI_UTIL_H
#define QAPI_UTIL_H

#include "qemu/error.h"

typedef struct QEnumLookup {
    const char *const *array;   /* value -> name; NULL for a value left out by 'if' */
    int size;                   /* FOO__MAX */
} QEnumLookup;

/* The name of VAL ("running"), or "" if VAL is out of range. */
const char *qapi_enum_lookup(const QEnumLookup *lookup, int val);

/*
 * The value named BUF; DEF if BUF is NULL. An unknown name sets errp
 * ("invalid parameter value: BUF", QEMU's text) and returns DEF.
 */
int qapi_enum_parse(const QEnumLookup *lookup, const char *buf, int def, Error **errp);

/* Put ELEMENT at the head of LIST (any generated FooList *). */
#define QAPI_LIST_PREPEND(list, element) do {                      \
        __typeof__(list) qapi_tmp_ = g_malloc(sizeof(*(list)));    \
        qapi_tmp_->value = (element);                              \
        qapi_tmp_->next = (list);                                  \
        (list) = qapi_tmp_;                                        \
    } while (0)

/*
 * Append ELEMENT to a list through TAIL, a FooList ** that starts as the
 * address of the (NULL) head and is advanced to the new node's next:
 *     FooList *head = NULL, **tail = &head;
 *     QAPI_LIST_APPEND(tail, foo);
 */
#define QAPI_LIST_APPEND(tail, element) do {                       \
        *(tail) = g_malloc0(sizeof(**(tail)));                     \
        (*(tail))->value = (element);                              \
        (tail) = &(*(tail))->next;                                 \
    } while (0)

#endif
