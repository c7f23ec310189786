# Backend: the QMP reference in Markdown, from the schema's doc comments:
# every command and event (arguments, return type, sections) and every type
# they use, grouped by module in schema order.

from .schema import (AlternateType, ArrayType, BuiltinType, Command, EnumType, Event,
                     ObjectType)


def type_ref(t):
    if isinstance(t, ArrayType):
        return '[%s]' % type_ref(t.element)
    if isinstance(t, BuiltinType):
        return '`%s`' % t.name
    return '[`%s`](#%s)' % (t.name, anchor(t.name))


def anchor(name):
    return name.lower().replace('_', '-').replace('.', '')


def text(lines):
    return '\n'.join(lines).strip()


def describe(doc, name):
    if doc is None or name not in doc.args:
        return ''
    return ' '.join(line.strip() for line in doc.args[name] if line.strip())


def member_list(ent, members, doc):
    out = ''
    for m in members:
        opt = ' (optional)' if m.optional else ''
        cond = ' (if `%s`)' % m.ifcond if isinstance(m.ifcond, str) else ''
        desc = describe(doc, m.name)
        out += '- `%s`: %s%s%s%s\n' % (m.name, type_ref(m.type), opt, cond,
                                        ' — ' + desc if desc else '')
    return out


def sections(doc):
    out = ''
    for tag, lines in doc.sections:
        body = text(lines)
        if tag in ('Example', 'Examples'):
            out += '**%s:**\n\n```\n%s\n```\n\n' % (tag, body)
        elif body:
            out += '**%s:** %s\n\n' % (tag, body)
    return out


def gen_entity(ent):
    doc = ent.doc
    kind = {'command': 'Command', 'event': 'Event', 'enum': 'Enum',
            'alternate': 'Alternate'}.get(ent.meta, 'Object')
    if isinstance(ent, ObjectType) and ent.variants:
        kind = 'Union'
    out = '### %s\n\n*%s*' % (ent.name, kind)
    if ent.ifcond:
        out += ' (only if `%s`)' % (ent.ifcond,)
    out += '\n\n'
    if doc is not None and text(doc.body):
        out += text(doc.body) + '\n\n'
    if isinstance(ent, EnumType):
        out += '**Values:**\n\n'
        for v in ent.values:
            desc = describe(doc, v.name)
            out += '- `%s`%s\n' % (v.name, ' — ' + desc if desc else '')
        out += '\n'
    elif isinstance(ent, ObjectType):
        if ent.base is not None and not ent.base.implicit:
            out += 'Base: %s\n\n' % type_ref(ent.base)
        members = ent.all_members() if (ent.base and ent.base.implicit) else ent.local_members
        if members:
            out += '**Members:**\n\n' + member_list(ent, members, doc) + '\n'
        if ent.variants:
            out += '**Branches** (by `%s`):\n\n' % ent.tag_member.name
            for v in ent.variants:
                out += '- `%s`: members of %s\n' % (v.name, type_ref(v.type))
            out += '\n'
    elif isinstance(ent, AlternateType):
        out += '**One of:**\n\n'
        for v in ent.variants:
            out += '- `%s`: %s\n' % (v.name, type_ref(v.type))
        out += '\n'
    elif isinstance(ent, (Command, Event)):
        at = ent.arg_type
        if at is not None and ent.boxed:
            out += '**Arguments:** the members of %s\n\n' % type_ref(at)
        elif at is not None and at.all_members():
            out += '**Arguments:**\n\n' + member_list(ent, at.all_members(), doc) + '\n'
        if isinstance(ent, Command):
            if ent.ret_type is not None:
                out += '**Result type:** %s\n\n' % type_ref(ent.ret_type)
            flags = [f for f, on in (('allow-oob', ent.allow_oob),
                                     ('allow-preconfig', ent.allow_preconfig)) if on]
            if flags:
                out += '**Flags:** %s\n\n' % ', '.join(flags)
    if ent.features:
        out += '**Features:** %s\n\n' % ', '.join('`%s`' % f for f in ent.features)
    if doc is not None:
        out += sections(doc)
    return out


def gen_doc(schema, path):
    out = ('# QMP reference\n\n'
           'Generated from the QAPI schema (`qapi/*.json`) by `scripts/qapi-gen.py '
           '--doc`; do not edit.\nSee docs/interop/qmp.md for how to connect and '
           'docs/devel/qapi.md for the schema.\n\n')
    for mod in schema.modules:
        ents = [e for e in schema.order if e.module == mod and not e.implicit]
        if not ents:
            continue
        out += '## Module %s\n\n' % mod
        for e in ents:
            out += gen_entity(e)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(out.rstrip('\n') + '\n')
