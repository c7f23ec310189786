/*
 * dealloc-visitor.h: frees a C value of a QAPI type, member by member (the
 * generated qapi_free_FOO() functions use it). Never fails; tolerates
 * partially built values (NULL members).
 */
#ifndef QAPI_DEALLOC_VISITOR_H
#define QAPI_DEALLOC_VISITOR_H

#include "qapi/visitor.h"

Visitor *qapi_dealloc_visitor_new(void);

#endif
