# Backend: visitors. visit_type_FOO() for every type (and
# visit_type_FOO_members() for objects), in qapi-visit.h/.c, plus the
# built-in lists in qapi-builtin-visit.h/.c. The same function serves the
# input (QObject -> C), output (C -> QObject) and dealloc visitors.

from .gen import CFile, guard_name, wrap_if
from .schema import (AlternateType, ArrayType, BuiltinType, EnumType, ObjectType,
                     BUILTINS)
from .types import has_name, module_types


def visit_fn(t):
    return 'visit_type_%s' % t.c_name()


def gen_decl(t):
    name = t.c_name()
    out = ''
    if isinstance(t, ObjectType):
        out += 'bool visit_type_%s_members(Visitor *v, %s *obj, Error **errp);\n' \
            % (name, name)
    if t.implicit and isinstance(t, ObjectType):
        return out
    if isinstance(t, EnumType):
        out += 'bool visit_type_%s(Visitor *v, const char *name, %s *obj, Error **errp);\n' \
            % (name, name)
    else:
        out += 'bool visit_type_%s(Visitor *v, const char *name, %s **obj, Error **errp);\n' \
            % (name, name)
    return out


def gen_members_body(members):
    out = ''
    for m in members:
        call = '%s(v, "%s", &obj->%s, errp)' % (visit_fn(m.type), m.name, m.c_name())
        if m.optional:
            # A pointer set without its has_ flag (a handler's slip) is
            # still freed: the dealloc visitor looks at the pointer too.
            cond = 'visit_optional(v, "%s", &obj->%s)' % (m.name, has_name(m))
            if m.type.c_type().endswith('*'):
                cond += ' ||\n        (visit_is_dealloc(v) && obj->%s)' % m.c_name()
            s = ('    if (%s) {\n'
                 '        if (!%s) {\n            return false;\n        }\n    }\n'
                 % (cond, call))
        else:
            s = '    if (!%s) {\n        return false;\n    }\n' % call
        out += wrap_if(m.ifcond, s)
    return out


def gen_object_members(t):
    name = t.c_name()
    out = 'bool visit_type_%s_members(Visitor *v, %s *obj, Error **errp)\n{\n' % (name, name)
    if t.base is not None:
        out += ('    if (!visit_type_%s_members(v, (%s *)obj, errp)) {\n'
                '        return false;\n    }\n' % (t.base.c_name(), t.base.c_name()))
    out += gen_members_body(t.local_members)
    if t.variants:
        cases = ''
        for v in t.variants:
            if v.type.is_empty():
                continue
            cases += wrap_if(v.ifcond, '    case %s:\n        return visit_type_%s_members'
                             '(v, &obj->u.%s, errp);\n'
                             % (t.tag_member.type.const(v.name), v.type.c_name(),
                                v.c_name()))
        if cases:
            out += ('    switch (obj->%s) {\n%s    default:\n        break;\n    }\n'
                    % (t.tag_member.c_name(), cases))
    out += '    return true;\n}\n\n'
    return out


def gen_object(t):
    name = t.c_name()
    return ('bool visit_type_%s(Visitor *v, const char *name, %s **obj, Error **errp)\n{\n'
            '    bool ok = false;\n\n'
            '    if (!visit_start_struct(v, name, (void **)obj, sizeof(%s), errp)) {\n'
            '        return false;\n    }\n'
            '    if (!*obj) {\n        /* only the dealloc visitor sees a NULL object */\n'
            '        ok = true;\n        goto out_obj;\n    }\n'
            '    if (!visit_type_%s_members(v, *obj, errp)) {\n        goto out_obj;\n    }\n'
            '    ok = visit_check_struct(v, errp);\n'
            'out_obj:\n'
            '    visit_end_struct(v, (void **)obj);\n'
            '    if (!ok && visit_is_input(v)) {\n'
            '        qapi_free_%s(*obj);\n        *obj = NULL;\n    }\n'
            '    return ok;\n}\n\n' % (name, name, name, name, name))


def gen_enum(t):
    name = t.c_name()
    return ('bool visit_type_%s(Visitor *v, const char *name, %s *obj, Error **errp)\n{\n'
            '    int value = *obj;\n'
            '    bool ok = visit_type_enum(v, name, &value, &%s_lookup, errp);\n\n'
            '    *obj = value;\n    return ok;\n}\n\n' % (name, name, name))


def gen_array(t):
    name = t.c_name()
    return ('bool visit_type_%s(Visitor *v, const char *name, %s **obj, Error **errp)\n{\n'
            '    bool ok = false;\n    %s *tail;\n    size_t size = sizeof(**obj);\n\n'
            '    if (!visit_start_list(v, name, (GenericList **)obj, size, errp)) {\n'
            '        return false;\n    }\n'
            '    for (tail = *obj; tail;\n'
            '         tail = (%s *)visit_next_list(v, (GenericList *)tail, size)) {\n'
            '        if (!%s(v, NULL, &tail->value, errp)) {\n'
            '            goto out_obj;\n        }\n    }\n'
            '    ok = visit_check_list(v, errp);\n'
            'out_obj:\n'
            '    visit_end_list(v, (void **)obj);\n'
            '    if (!ok && visit_is_input(v)) {\n'
            '        qapi_free_%s(*obj);\n        *obj = NULL;\n    }\n'
            '    return ok;\n}\n\n' % (name, name, name, name, visit_fn(t.element), name))


def gen_alternate(t):
    name = t.c_name()
    cases = ''
    for v in t.variants:
        body = '        ok = %s(v, name, &(*obj)->u.%s, errp);\n' % (visit_fn(v.type),
                                                                   v.c_name())
        cases += wrap_if(v.ifcond, '    case %s:\n%s        break;\n' % (v.type.qtype(), body))
    return ('bool visit_type_%s(Visitor *v, const char *name, %s **obj, Error **errp)\n{\n'
            '    bool ok = false;\n\n'
            '    if (!visit_start_alternate(v, name, (GenericAlternate **)obj, sizeof(**obj),\n'
            '                               errp)) {\n        return false;\n    }\n'
            '    if (!*obj) {\n        /* only the dealloc visitor sees a NULL object */\n'
            '        ok = true;\n        goto out_obj;\n    }\n'
            '    switch ((*obj)->type) {\n%s'
            '    default:\n'
            '        if (visit_is_input(v)) {\n'
            '            error_setg(errp, "Invalid parameter type for \'%%s\', expected: %%s",\n'
            '                       visit_full_name(v, name), "%s");\n'
            '        } else {\n'
            '            ok = true;\n'
            '        }\n'
            '    }\n'
            'out_obj:\n'
            '    visit_end_alternate(v, (void **)obj);\n'
            '    if (!ok && visit_is_input(v)) {\n'
            '        qapi_free_%s(*obj);\n        *obj = NULL;\n    }\n'
            '    return ok;\n}\n\n' % (name, name, cases, name, name))


def gen_visit(schema, outdir, prefix, builtins):
    if builtins:
        h = CFile(outdir, 'qapi-builtin-visit.h', 'visitors of the built-in lists',
                  'QAPI_BUILTIN_VISIT_H')
        h.add('#include "qapi/visitor.h"\n#include "qapi/qapi-builtin-types.h"\n\n')
        c = CFile(outdir, 'qapi-builtin-visit.c', 'visitors of the built-in lists')
        c.add('#include "qemu/osdep.h"\n#include "qemu/error.h"\n'
              '#include "qapi/qapi-builtin-visit.h"\n\n')
        for name in BUILTINS:
            a = schema.arrays[name]
            h.add(gen_decl(a))
            c.add(gen_array(a))
        h.write()
        c.write()
    fname = prefix + 'qapi-visit.h'
    h = CFile(outdir, fname, 'visitors of the schema types', guard_name(fname))
    h.add('#include "qapi/qapi-builtin-visit.h"\n#include "%sqapi-types.h"\n\n' % prefix)
    c = CFile(outdir, prefix + 'qapi-visit.c', 'visitors of the schema types')
    c.add('#include "qemu/osdep.h"\n#include "qemu/error.h"\n'
          '#include "%sqapi-visit.h"\n\n' % prefix)
    for mod in schema.modules:
        types, arrays = module_types(schema, mod)
        for t in types + arrays:
            h.add(wrap_if(t.ifcond, gen_decl(t)))
            if isinstance(t, EnumType):
                text = gen_enum(t)
            elif isinstance(t, ObjectType):
                text = gen_object_members(t)
                if not t.implicit:
                    text += gen_object(t)
            elif isinstance(t, AlternateType):
                text = gen_alternate(t)
            else:
                text = gen_array(t)
            c.add(wrap_if(t.ifcond, text))
    h.write()
    c.write()
