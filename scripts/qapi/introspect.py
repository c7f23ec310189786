# Backend: introspection. qapi-introspect.c holds the schema as QEMU's
# query-qmp-schema describes it ([SchemaInfo]): every command and event, and
# the types they reach, with type names other than the built-ins replaced by
# numbers as QEMU does. Parts under an 'if' are compiled in or out by the C
# preprocessor, so the data matches the build.

import json

from .gen import CFile, guard_name
from .schema import (AlternateType, ArrayType, BuiltinType, Command, EnumType,
                     Event, ObjectType, c_name, cgen_if)


class Introspector:
    def __init__(self, schema, unmask):
        self.schema = schema
        self.unmask = unmask
        self.names = {}         # type name -> introspection name
        self.queue = []         # types used and not yet described

    def use(self, t):
        if t.name in self.names:
            return self.names[t.name]
        if isinstance(t, ArrayType):
            name = '[%s]' % self.use(t.element)
        elif isinstance(t, BuiltinType) or self.unmask:
            name = t.name
        else:
            name = str(len([n for n in self.names.values()
                            if n.isdigit()]))
        self.names[t.name] = name
        self.queue.append(t)
        return name

    @staticmethod
    def obj(pairs):
        return '{' + ', '.join('%s: %s' % (json.dumps(k), v) for k, v in pairs) + '}'

    def features(self, feats, pairs):
        if feats:
            pairs.append(('features', json.dumps(feats)))

    def items(self, elems):
        """A JSON array of (ifcond, text) elements: a list of nodes where
        every element carries its trailing comma (removed at run time)."""
        nodes = ['[']
        for cond, text in elems:
            nodes.append((cond, [text + ', ']))
        nodes.append(']')
        return nodes

    def describe(self, t):
        pairs = [('name', json.dumps(self.names.get(t.name, t.name))),
                 ('meta-type', json.dumps(t.meta))]
        tail = []
        if isinstance(t, BuiltinType):
            pairs.append(('json-type', json.dumps(t.json_type)))
        elif isinstance(t, EnumType):
            tail = [', "values": '] + self.items(
                [(v.ifcond, json.dumps(v.name)) for v in t.values])
            tail += [', "members": '] + self.items(
                [(v.ifcond, self.obj([('name', json.dumps(v.name))] +
                                     ([('features', json.dumps(v.features))]
                                      if v.features else [])))
                 for v in t.values])
        elif isinstance(t, ArrayType):
            pairs.append(('element-type', json.dumps(self.use(t.element))))
        elif isinstance(t, ObjectType):
            elems = []
            for m in t.all_members():
                p = [('name', json.dumps(m.name)), ('type', json.dumps(self.use(m.type)))]
                if m.optional:
                    p.append(('default', 'null'))
                self.features(m.features, p)
                elems.append((m.ifcond, self.obj(p)))
            tail = [', "members": '] + self.items(elems)
            if t.tag_member is not None:
                tail.append(', "tag": %s, "variants": ' % json.dumps(t.tag_member.name))
                cases = [(v.ifcond, v.name, v.type) for v in t.variants]
                # As QEMU: a tag value without a branch has an empty one.
                named = {v.name for v in t.variants}
                cases += [(e.ifcond, e.name, self.schema.empty)
                          for e in t.tag_member.type.values if e.name not in named]
                tail += self.items([(cond, self.obj([('case', json.dumps(name)),
                                                     ('type', json.dumps(self.use(typ)))]))
                                    for cond, name, typ in cases])
        elif isinstance(t, AlternateType):
            tail = [', "members": '] + self.items(
                [(v.ifcond, self.obj([('type', json.dumps(self.use(v.type)))]))
                 for v in t.variants])
        elif isinstance(t, Command):
            pairs.append(('arg-type', json.dumps(self.use(t.arg_type or self.schema.empty))))
            pairs.append(('ret-type', json.dumps(self.use(t.ret_type or self.schema.empty))))
            if t.allow_oob:
                pairs.append(('allow-oob', 'true'))
        elif isinstance(t, Event):
            pairs.append(('arg-type', json.dumps(self.use(t.arg_type or self.schema.empty))))
        if not isinstance(t, (BuiltinType, ArrayType)):
            self.features(t.features, pairs)
        head = self.obj(pairs)
        return [head[:-1]] + tail + ['}']

    def run(self):
        elems = []
        for ent in self.schema.order:
            if isinstance(ent, (Command, Event)):
                elems.append((ent.ifcond, self.describe(ent)))
        i = 0
        while i < len(self.queue):
            t = self.queue[i]
            i += 1
            elems.append((t.ifcond, self.describe(t)))
        nodes = ['[']
        for cond, parts in elems:
            nodes.append((cond, parts + [', ']))
        nodes.append(']')
        return nodes


def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def render(nodes, out):
    """Append to OUT the C string-literal lines of NODES (strings and
    (ifcond, nodes) pairs), conditional parts between #if and #endif."""
    buf = []

    def flush():
        text = ''.join(buf)
        buf.clear()
        while text:
            out.append('    %s\n' % c_string(text[:88]))
            text = text[88:]

    def walk(nodes):
        for n in nodes:
            if isinstance(n, str):
                buf.append(n)
                continue
            cond, sub = n
            if cond:
                flush()
                out.append('#if %s\n' % cgen_if(cond))
                walk(sub)
                flush()
                out.append('#endif\n')
            else:
                walk(sub)
    walk(nodes)
    flush()


def gen_introspect(schema, outdir, prefix, unmask=False):
    cp = c_name(prefix)
    nodes = Introspector(schema, unmask).run()
    lines = []
    render(nodes, lines)
    fname = prefix + 'qapi-introspect.h'
    h = CFile(outdir, fname, 'the schema for query-qmp-schema', guard_name(fname))
    h.add('#include "qobject/qobject.h"\n\n'
          '/*\n * The [SchemaInfo] list of query-qmp-schema, parsed once: each call\n'
          ' * returns a new reference to the same QList.\n */\n'
          'QObject *%sqmp_schema_introspect(void);\n' % cp)
    h.write()
    c = CFile(outdir, prefix + 'qapi-introspect.c', 'the schema for query-qmp-schema')
    c.add('#include "qemu/osdep.h"\n#include "qemu/error.h"\n#include "qobject/json.h"\n'
          '#include "%sqapi-introspect.h"\n\n' % prefix)
    c.add('/* Every array element ends with ", "; the last one of each array is\n'
          ' * dropped at run time (elements come and go with their #if). */\n'
          'static const char %sqmp_schema_json[] =\n%s    "";\n\n' % (cp, ''.join(lines)))
    c.add('QObject *%sqmp_schema_introspect(void)\n{\n'
          '    static QObject *schema;\n'
          '    static gsize once;\n\n'
          '    if (g_once_init_enter(&once)) {\n'
          '        const char *s = %sqmp_schema_json;\n'
          '        GString *text = g_string_sized_new(sizeof(%sqmp_schema_json));\n\n'
          '        for (; *s; s++) {\n'
          '            if (*s == \',\') {\n'
          '                const char *n = s + 1;\n\n'
          '                while (*n == \' \') {\n                    n++;\n                }\n'
          '                if (*n == \']\' || *n == \'}\' || !*n) {\n'
          '                    continue;\n                }\n'
          '            }\n'
          '            g_string_append_c(text, *s);\n'
          '        }\n'
          '        schema = qobject_from_json(text->str, &error_abort);\n'
          '        g_string_free(text, true);\n'
          '        g_once_init_leave(&once, 1);\n'
          '    }\n'
          '    return qobject_ref(schema);\n}\n' % (cp, cp, cp))
    c.write()
