# Backend: C types. qapi-builtin-types.h/.c (lists of the built-in types),
# one qapi-types-MODULE.h per schema module, qapi-types.h including them all,
# and qapi-types.c with the enum lookup tables and qapi_free_*() functions.

from .gen import CFile, guard_name, wrap_if, indent
from .schema import (AlternateType, ArrayType, BuiltinType, EnumType, ObjectType,
                     c_name, BUILTINS)


def decl(ctype, name):
    return ctype + name if ctype.endswith('*') else ctype + ' ' + name


def has_name(m):
    return 'has_' + c_name(m.name, False)


def member_decls(members):
    out = ''
    for m in members:
        s = ''
        if m.optional:
            s += 'bool %s;\n' % has_name(m)
        s += '%s;\n' % decl(m.type.c_type(), m.c_name())
        out += wrap_if(m.ifcond, indent(s))
    return out


def gen_enum(t):
    body = ''
    for v in t.values:
        body += wrap_if(v.ifcond, '    %s,\n' % t.const(v.name))
    name = t.c_name()
    return ('typedef enum %s {\n%s    %s,\n} %s;\n\n'
            'extern const QEnumLookup %s_lookup;\n'
            '#define %s_str(val) qapi_enum_lookup(&%s_lookup, (val))\n\n'
            % (name, body, t.const('_MAX'), name, name, name, name))


def gen_enum_lookup(t):
    body = ''
    for v in t.values:
        body += wrap_if(v.ifcond, '        [%s] = "%s",\n' % (t.const(v.name), v.name))
    return ('const QEnumLookup %s_lookup = {\n'
            '    .array = (const char *const[]) {\n%s    },\n'
            '    .size = %s,\n};\n\n' % (t.c_name(), body, t.const('_MAX')))


def gen_struct(t):
    name = t.c_name()
    out = 'struct %s {\n' % name
    members = ''
    if t.base is not None and t.base.all_members():
        members += '    /* Members inherited from %s: */\n' % t.base.c_name()
        members += member_decls(t.base.all_members())
        if t.local_members:
            members += '    /* Own members: */\n'
    members += member_decls(t.local_members)
    if t.variants:
        branches = ''
        for v in t.variants:
            if v.type.is_empty():
                continue
            branches += wrap_if(v.ifcond, '        %s %s;\n' % (v.type.c_name(), v.c_name()))
        if branches:
            members += '    union { /* union tag is @%s */\n%s    } u;\n' \
                % (t.tag_member.c_name(), branches)
    if not members:
        members = '    char qapi_dummy_for_empty_struct;\n'
    out += members + '};\n\n'
    if t.base is not None and not t.base.implicit:
        out += ('static inline %s *qapi_%s_base(const %s *obj)\n{\n'
                '    return (%s *)obj;\n}\n\n' % (t.base.c_name(), name, name,
                                                 t.base.c_name()))
    return out


def gen_alternate(t):
    branches = ''
    for v in t.variants:
        branches += wrap_if(v.ifcond, '        %s;\n' % decl(v.type.c_type(), v.c_name()))
    return ('struct %s {\n    QType type;\n    union { /* union tag is @type */\n'
            '%s    } u;\n};\n\n' % (t.c_name(), branches))


def gen_array(t):
    return ('struct %s {\n    %s *next;\n    %s;\n};\n\n'
            % (t.c_name(), t.c_name(), decl(t.element.c_type(), 'value')))


def gen_free_decl(t):
    name = t.c_name()
    return ('void qapi_free_%s(%s *obj);\n'
            'G_DEFINE_AUTOPTR_CLEANUP_FUNC(%s, qapi_free_%s)\n\n' % (name, name, name, name))


def gen_free(t):
    name = t.c_name()
    return ('void qapi_free_%s(%s *obj)\n{\n    Visitor *v;\n\n'
            '    if (!obj) {\n        return;\n    }\n'
            '    v = qapi_dealloc_visitor_new();\n'
            '    visit_type_%s(v, NULL, &obj, NULL);\n'
            '    visit_free(v);\n}\n\n' % (name, name, name))


def struct_deps(t):
    """Types a struct embeds by value (union branches): defined first."""
    if isinstance(t, ObjectType):
        return [v.type for v in t.variants if not v.type.is_empty()]
    return []


def order_types(types):
    done = set()
    out = []
    mine = {t.name for t in types}

    def visit(t):
        if t.name in done:
            return
        done.add(t.name)
        for d in struct_deps(t):
            if d.name in mine:
                visit(d)
        out.append(t)
    for t in types:
        visit(t)
    return out


def module_types(schema, module):
    types = schema.types_of_module(module)
    arrays = [a for a in schema.all_arrays()
              if a.module == module and not isinstance(a.element, BuiltinType)]
    return types, arrays


def gen_module_header(schema, outdir, prefix, module):
    fname = '%sqapi-types-%s.h' % (prefix, module)
    h = CFile(outdir, fname, 'C types of the schema module %s' % module, guard_name(fname))
    h.add('#include "qapi/qapi-builtin-types.h"\n')
    for inc in schema.module_includes.get(module, []):
        h.add('#include "%sqapi-types-%s.h"\n' % (prefix, inc))
    h.add('\n')
    types, arrays = module_types(schema, module)
    fwd = ''
    for t in types + arrays:
        if isinstance(t, (ObjectType, AlternateType, ArrayType)):
            fwd += wrap_if(t.ifcond, 'typedef struct %s %s;\n' % (t.c_name(), t.c_name()))
    h.add(fwd + '\n')
    for t in types:
        if isinstance(t, EnumType):
            h.add(wrap_if(t.ifcond, gen_enum(t)))
    for t in order_types([t for t in types if not isinstance(t, EnumType)]):
        if isinstance(t, ObjectType):
            text = gen_struct(t)
        else:
            text = gen_alternate(t)
        if not t.implicit:
            text += gen_free_decl(t)
        h.add(wrap_if(t.ifcond, text))
    for a in arrays:
        h.add(wrap_if(a.ifcond, gen_array(a) + gen_free_decl(a)))
    h.write()


def gen_types(schema, outdir, prefix, builtins):
    if builtins:
        h = CFile(outdir, 'qapi-builtin-types.h', 'C types of the built-in lists',
                  'QAPI_BUILTIN_TYPES_H')
        h.add('#include "qapi/util.h"\n#include "qobject/qobject.h"\n'
              '#include "qobject/qnull.h"\n\n')
        c = CFile(outdir, 'qapi-builtin-types.c', 'free functions of the built-in lists')
        c.add('#include "qemu/osdep.h"\n#include "qapi/dealloc-visitor.h"\n'
              '#include "qapi/qapi-builtin-types.h"\n#include "qapi/qapi-builtin-visit.h"\n\n')
        for name in BUILTINS:
            a = schema.arrays[name]
            h.add('typedef struct %s %s;\n' % (a.c_name(), a.c_name()))
            h.add(gen_array(a) + gen_free_decl(a))
            c.add(gen_free(a))
        h.write()
        c.write()
    for mod in schema.modules:
        gen_module_header(schema, outdir, prefix, mod)
    fname = prefix + 'qapi-types.h'
    h = CFile(outdir, fname, 'C types of the whole schema', guard_name(fname))
    for mod in schema.modules:
        h.add('#include "%sqapi-types-%s.h"\n' % (prefix, mod))
    h.write()
    c = CFile(outdir, prefix + 'qapi-types.c', 'enum lookup tables and free functions')
    c.add('#include "qemu/osdep.h"\n#include "qapi/dealloc-visitor.h"\n'
          '#include "%sqapi-types.h"\n#include "%sqapi-visit.h"\n\n' % (prefix, prefix))
    for mod in schema.modules:
        types, arrays = module_types(schema, mod)
        for t in types:
            if isinstance(t, EnumType):
                c.add(wrap_if(t.ifcond, gen_enum_lookup(t)))
            elif not t.implicit:
                c.add(wrap_if(t.ifcond, gen_free(t)))
        for a in arrays:
            c.add(wrap_if(a.ifcond, gen_free(a)))
    c.write()
