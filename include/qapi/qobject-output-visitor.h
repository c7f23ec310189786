/*
 * qobject-output-visitor.h: builds a QObject from a C value (command
 * results, events). visit_complete(v, &result) stores a new reference to
 * the QObject built (QObject **RESULT).
 */
#ifndef QAPI_QOBJECT_OUTPUT_VISITOR_H
#define QAPI_QOBJECT_OUTPUT_VISITOR_H

#include "qapi/visitor.h"

/* RESULT is where visit_complete() stores the value (may be given again
 * there); visit_free() drops anything not completed. */
Visitor *qobject_output_visitor_new(QObject **result);

#endif
