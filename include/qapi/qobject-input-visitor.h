/*
 * qobject-input-visitor.h: builds C values from a QObject (QMP arguments),
 * strictly: a missing mandatory member, a value of the wrong JSON type and
 * a member the type does not have are errors naming the member, with
 * QEMU's texts ("Parameter 'path' is missing", "Invalid parameter type for
 * 'path', expected: string", "Parameter 'x' is unexpected").
 */
#ifndef QAPI_QOBJECT_INPUT_VISITOR_H
#define QAPI_QOBJECT_INPUT_VISITOR_H

#include "qapi/visitor.h"

/* A visitor reading OBJ (which it references until visit_free()). */
Visitor *qobject_input_visitor_new(QObject *obj);

#endif
