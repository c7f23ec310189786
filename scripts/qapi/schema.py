# The checked model of a QAPI schema: entities (builtin, enum, array,
# object, alternate, command, event) with resolved types, built from the
# parser's expressions. Every rule a schema can break is checked here and
# reported as "file:line: message".

import re

from .error import QAPIError
from .parser import Parser

C_KEYWORDS = set('''auto break case char const continue default do double else
enum extern float for goto if inline int long register restrict return short
signed sizeof static struct switch typedef union unsigned void volatile while
_Bool _Complex _Imaginary bool true false asm typeof unix errno linux i386
mips sparc'''.split())


def c_name(name, protect=True):
    """A schema name as a C identifier: '-' and '.' become '_'; keywords and
    names starting with a digit get the prefix q_ (when PROTECT)."""
    name = re.sub(r'[^A-Za-z0-9_]', '_', name)
    if protect and name and (name in C_KEYWORDS or name[0].isdigit()):
        return 'q_' + name
    return name


def camel_to_upper(name):
    """RunState -> RUN_STATE, QMPCapability -> QMP_CAPABILITY: a '_' goes
    before an upper-case letter that starts a lower-case run or follows a
    digit."""
    s = c_name(name, False)
    if s.isupper():
        return s
    out = []
    for i, ch in enumerate(s):
        if ch.isupper() and i > 0 and s[i - 1] != '_':
            nxt_lower = i + 1 < len(s) and s[i + 1].islower()
            if nxt_lower or s[i - 1].isdigit():
                out.append('_')
        out.append(ch)
    return ''.join(out).lstrip('_').upper()


def c_enum_const(type_name, value, prefix=None):
    return (prefix or camel_to_upper(type_name)) + '_' + c_name(value, False).upper()


# --- conditions ----------------------------------------------------------

def check_if(cond, loc, what):
    if cond is None:
        return
    if isinstance(cond, str):
        if not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', cond):
            raise QAPIError(loc, "'if' condition '%s' of %s is not a valid identifier"
                            % (cond, what))
        return
    if not isinstance(cond, dict) or len(cond) != 1:
        raise QAPIError(loc, "'if' condition of %s must be a string or an object "
                        "with one key of 'all', 'any', 'not'" % what)
    op, arg = next(iter(cond.items()))
    if op == 'not':
        check_if(arg, loc, what)
    elif op in ('all', 'any'):
        if not isinstance(arg, list) or not arg:
            raise QAPIError(loc, "'if' condition '%s' of %s needs a non-empty list"
                            % (op, what))
        for a in arg:
            check_if(a, loc, what)
    else:
        raise QAPIError(loc, "'if' condition of %s has unknown operator '%s'"
                        % (what, op))


def cgen_if(cond):
    """The C preprocessor expression of a condition."""
    if isinstance(cond, str):
        return 'defined(%s)' % cond
    op, arg = next(iter(cond.items()))
    if op == 'not':
        return '!(%s)' % cgen_if(arg)
    sep = ' && ' if op == 'all' else ' || '
    return sep.join('(%s)' % cgen_if(a) for a in arg)


# --- entities ------------------------------------------------------------

class Entity:
    meta = None

    def __init__(self, name, info, doc=None, ifcond=None, module=None, features=None):
        self.name = name
        self.info = info
        self.doc = doc
        self.ifcond = ifcond
        self.module = module
        self.features = features or []
        self.implicit = False

    def c_name(self):
        return c_name(self.name)


class Type(Entity):
    def c_type(self):
        """Type of a member / list element holding this type."""
        return self.c_name() + ' *'

    def c_param_type(self):
        return self.c_type()

    def c_unboxed(self):
        return self.c_name()

    def is_scalar(self):
        return False

    def qtype(self):
        raise NotImplementedError


BUILTINS = {
    # name: (C type, JSON type for introspection, QType)
    'str': ('char *', 'string', 'QTYPE_QSTRING'),
    'number': ('double', 'number', 'QTYPE_QNUM'),
    'int': ('int64_t', 'int', 'QTYPE_QNUM'),
    'int8': ('int8_t', 'int', 'QTYPE_QNUM'),
    'int16': ('int16_t', 'int', 'QTYPE_QNUM'),
    'int32': ('int32_t', 'int', 'QTYPE_QNUM'),
    'int64': ('int64_t', 'int', 'QTYPE_QNUM'),
    'uint8': ('uint8_t', 'int', 'QTYPE_QNUM'),
    'uint16': ('uint16_t', 'int', 'QTYPE_QNUM'),
    'uint32': ('uint32_t', 'int', 'QTYPE_QNUM'),
    'uint64': ('uint64_t', 'int', 'QTYPE_QNUM'),
    'size': ('uint64_t', 'int', 'QTYPE_QNUM'),
    'bool': ('bool', 'boolean', 'QTYPE_QBOOL'),
    'any': ('QObject *', 'value', None),
    'null': ('QNull *', 'null', 'QTYPE_QNULL'),
}


class BuiltinType(Type):
    meta = 'builtin'

    def __init__(self, name):
        super().__init__(name, None, module='builtin')
        self._ctype, self.json_type, self._qtype = BUILTINS[name]

    def c_name(self):
        return self.name

    def c_type(self):
        return self._ctype

    def c_param_type(self):
        return 'const char *' if self.name == 'str' else self._ctype

    def is_scalar(self):
        return self.name not in ('str', 'any', 'null')

    def qtype(self):
        return self._qtype


class EnumValue:
    def __init__(self, name, ifcond=None, features=None):
        self.name = name
        self.ifcond = ifcond
        self.features = features or []


class EnumType(Type):
    meta = 'enum'

    def __init__(self, name, info, doc, ifcond, module, features, values, prefix):
        super().__init__(name, info, doc, ifcond, module, features)
        self.values = values
        self.prefix = prefix

    def c_type(self):
        return self.c_name()

    def is_scalar(self):
        return True

    def const(self, value):
        return c_enum_const(self.name, value, self.prefix)

    def qtype(self):
        return 'QTYPE_QSTRING'


class ArrayType(Type):
    meta = 'array'

    def __init__(self, element):
        super().__init__(element.name + 'List', None, module=element.module)
        self.element = element
        self.implicit = True
        self.ifcond = element.ifcond

    def c_name(self):
        return self.element.c_name() + 'List'

    def qtype(self):
        return 'QTYPE_QLIST'


class Member:
    def __init__(self, name, typ, optional, ifcond, info, features=None):
        self.name = name
        self.type = typ         # a name until resolved, then a Type
        self.optional = optional
        self.ifcond = ifcond
        self.info = info
        self.features = features or []

    def c_name(self):
        return c_name(self.name)


class Variant:
    def __init__(self, name, typ, ifcond, info):
        self.name = name
        self.type = typ
        self.ifcond = ifcond
        self.info = info

    def c_name(self):
        return c_name(self.name)


class ObjectType(Type):
    """A struct, or a union (tag_member + variants), or an implicit type
    (command arguments 'q_obj_NAME-arg', inline union bases)."""
    meta = 'object'

    def __init__(self, name, info, doc, ifcond, module, features, base, members,
                 tag_name=None, variants=None, kind='struct'):
        super().__init__(name, info, doc, ifcond, module, features)
        self.base = base            # name until resolved
        self.local_members = members
        self.tag_name = tag_name
        self.tag_member = None
        self.variants = variants or []
        self.kind = kind

    def all_members(self):
        base = self.base.all_members() if self.base else []
        return base + self.local_members

    def is_empty(self):
        return not self.all_members() and not self.variants

    def qtype(self):
        return 'QTYPE_QDICT'


class AlternateType(Type):
    meta = 'alternate'

    def __init__(self, name, info, doc, ifcond, module, features, variants):
        super().__init__(name, info, doc, ifcond, module, features)
        self.variants = variants

    def qtype(self):
        return None


class Command(Entity):
    meta = 'command'

    def __init__(self, name, info, doc, ifcond, module, features, arg_type, ret_type,
                 boxed, gen, success_response, allow_oob, allow_preconfig):
        super().__init__(name, info, doc, ifcond, module, features)
        self.arg_type = arg_type
        self.ret_type = ret_type
        self.boxed = boxed
        self.gen = gen
        self.success_response = success_response
        self.allow_oob = allow_oob
        self.allow_preconfig = allow_preconfig


class Event(Entity):
    meta = 'event'

    def __init__(self, name, info, doc, ifcond, module, features, arg_type, boxed):
        super().__init__(name, info, doc, ifcond, module, features)
        self.arg_type = arg_type
        self.boxed = boxed


# --- building and checking --------------------------------------------------

KEYS = {
    'enum': ({'enum', 'data'}, {'prefix', 'if', 'features'}),
    'struct': ({'struct', 'data'}, {'base', 'if', 'features'}),
    'union': ({'union', 'base', 'discriminator', 'data'}, {'if', 'features'}),
    'alternate': ({'alternate', 'data'}, {'if', 'features'}),
    'command': ({'command'}, {'data', 'returns', 'boxed', 'gen', 'success-response',
                              'allow-oob', 'allow-preconfig', 'coroutine', 'if',
                              'features'}),
    'event': ({'event'}, {'data', 'boxed', 'if', 'features'}),
}

NAME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_.+-]*$')
MEMBER_RE = re.compile(r'^(\*)?([A-Za-z0-9][A-Za-z0-9_.+-]*)$')


class Schema:
    def __init__(self, fname):
        parser = Parser(fname)
        self.main_module = parser.exprs[0]['module'] if parser.exprs else None
        self.entities = {}          # name -> Entity
        self.order = []             # entities in definition order
        self.modules = []           # module names in first-seen order
        self.module_includes = {}   # module -> [modules]
        self.arrays = {}            # element name -> ArrayType
        for name in BUILTINS:
            self._define(BuiltinType(name))
        self.empty = ObjectType('q_empty', None, None, None, 'builtin', None, None, [])
        self.empty.implicit = True
        self._define(self.empty)
        for e in parser.exprs:
            mod = e['module']
            if mod not in self.module_includes:
                self.modules.append(mod)
                self.module_includes[mod] = e['includes']
            self._build(e['expr'], e['info'], e['doc'], mod)
        for ent in list(self.order):
            self._resolve(ent)
        for ent in self.order:
            self._check(ent)
            self._check_module_use(ent)
        self._check_docs()

    # --- definition ---------------------------------------------------

    def _define(self, ent):
        old = self.entities.get(ent.name)
        if old is not None:
            where = ' (at %s)' % old.info if old.info else ' (a built-in type)'
            raise QAPIError(ent.info, "'%s' is already defined%s" % (ent.name, where))
        self.entities[ent.name] = ent
        if ent.meta != 'builtin' and ent.name != 'q_empty':
            self.order.append(ent)

    def _build(self, expr, loc, doc, module):
        meta = None
        for m in KEYS:
            if m in expr:
                if meta is not None:
                    raise QAPIError(loc, "expression has two meta-types '%s' and '%s'"
                                    % (meta, m))
                meta = m
        if meta is None:
            raise QAPIError(loc, "expression is missing a meta-type "
                            "(one of %s)" % ', '.join(sorted(KEYS)))
        name = expr[meta]
        if not isinstance(name, str):
            raise QAPIError(loc, "%s name must be a string" % meta)
        what = "%s '%s'" % (meta, name)
        required, optional = KEYS[meta]
        for k in expr:
            if k not in required and k not in optional:
                raise QAPIError(loc, "%s has unknown key '%s'" % (what, k))
        for k in sorted(required):
            if k not in expr:
                raise QAPIError(loc, "%s misses key '%s'" % (what, k))
        if not NAME_RE.match(name):
            raise QAPIError(loc, "%s has an invalid name" % what)
        if meta in ('enum', 'struct', 'union', 'alternate'):
            if name.endswith('List'):
                raise QAPIError(loc, "%s: type names must not end with 'List'" % what)
            if meta != 'enum' and not name[0].isupper():
                raise QAPIError(loc, "%s: type names must start with an upper-case "
                                "letter" % what)
        if meta == 'event' and name.upper() != name:
            raise QAPIError(loc, "%s: event names must be upper case" % what)
        if meta == 'command' and name.lower() != name:
            raise QAPIError(loc, "%s: command names must be lower case" % what)
        ifcond = expr.get('if')
        check_if(ifcond, loc, what)
        features = self._features(expr.get('features'), loc, what)
        if doc is not None and doc.symbol != name:
            raise QAPIError(doc.loc, "documentation comment is for '%s', not '%s'"
                            % (doc.symbol, name))
        args = (name, loc, doc, ifcond, module, features)
        if meta == 'enum':
            self._define(self._enum(expr, loc, what, args))
        elif meta == 'struct':
            members = self._members(expr['data'], loc, what)
            base = expr.get('base')
            if base is not None and not isinstance(base, str):
                raise QAPIError(loc, "%s: 'base' must be a type name" % what)
            self._define(ObjectType(*args, base, members))
        elif meta == 'union':
            self._union(expr, loc, what, args)
        elif meta == 'alternate':
            data = expr['data']
            if not isinstance(data, dict) or not data:
                raise QAPIError(loc, "%s: 'data' must be a non-empty object" % what)
            variants = [self._variant(k, v, loc, what) for k, v in data.items()]
            self._define(AlternateType(*args, variants))
        elif meta == 'command':
            self._command(expr, loc, what, args)
        else:
            boxed = self._bool(expr, 'boxed', False, loc, what)
            arg_type = self._arg_type(expr.get('data'), name, loc, what, boxed, module,
                                      ifcond)
            self._define(Event(*args, arg_type, boxed))

    def _bool(self, expr, key, default, loc, what):
        v = expr.get(key, default)
        if not isinstance(v, bool):
            raise QAPIError(loc, "%s: '%s' must be true or false" % (what, key))
        return v

    def _features(self, feats, loc, what):
        if feats is None:
            return []
        if not isinstance(feats, list):
            raise QAPIError(loc, "%s: 'features' must be an array" % what)
        out = []
        for f in feats:
            if isinstance(f, dict):
                if 'name' not in f:
                    raise QAPIError(loc, "%s: feature misses key 'name'" % what)
                check_if(f.get('if'), loc, what)
                f = f['name']
            if not isinstance(f, str) or not NAME_RE.match(f):
                raise QAPIError(loc, "%s: invalid feature name" % what)
            out.append(f)
        return out

    def _enum(self, expr, loc, what, args):
        data = expr['data']
        if not isinstance(data, list):
            raise QAPIError(loc, "%s: 'data' must be an array" % what)
        prefix = expr.get('prefix')
        if prefix is not None and not isinstance(prefix, str):
            raise QAPIError(loc, "%s: 'prefix' must be a string" % what)
        values = []
        seen = {}
        for v in data:
            ifcond = None
            feats = []
            if isinstance(v, dict):
                for k in v:
                    if k not in ('name', 'if', 'features'):
                        raise QAPIError(loc, "%s: value has unknown key '%s'" % (what, k))
                if 'name' not in v:
                    raise QAPIError(loc, "%s: value misses key 'name'" % what)
                ifcond = v.get('if')
                check_if(ifcond, loc, what)
                feats = self._features(v.get('features'), loc, what)
                v = v['name']
            if not isinstance(v, str) or not re.match(r'^[A-Za-z0-9][A-Za-z0-9_.+-]*$', v):
                raise QAPIError(loc, "%s: invalid value %r" % (what, v))
            cname = c_name(v, False).upper()
            if cname in seen:
                raise QAPIError(loc, "%s: value '%s' collides with value '%s'"
                                % (what, v, seen[cname]))
            seen[cname] = v
            values.append(EnumValue(v, ifcond, feats))
        return EnumType(*args, values, prefix)

    def _type_ref(self, t, loc, what):
        """A type reference: 'Name' or ['Name']; kept as a string (arrays as
        '[Name]') until resolution."""
        if isinstance(t, list):
            if len(t) != 1 or not isinstance(t[0], str):
                raise QAPIError(loc, "%s: array type must contain a single type name"
                                % what)
            return '[' + t[0] + ']'
        if not isinstance(t, str):
            raise QAPIError(loc, "%s should be a type name" % what)
        return t

    def _members(self, data, loc, what):
        if not isinstance(data, dict):
            raise QAPIError(loc, "%s: 'data' must be an object" % what)
        members = []
        for key, val in data.items():
            m = MEMBER_RE.match(key)
            if not m:
                raise QAPIError(loc, "%s: invalid member name '%s'" % (what, key))
            name = m.group(2)
            mwhat = "member '%s' of %s" % (name, what)
            ifcond = None
            feats = []
            if isinstance(val, dict):
                for k in val:
                    if k not in ('type', 'if', 'features'):
                        raise QAPIError(loc, "%s has unknown key '%s'" % (mwhat, k))
                if 'type' not in val:
                    raise QAPIError(loc, "%s misses key 'type'" % mwhat)
                ifcond = val.get('if')
                check_if(ifcond, loc, mwhat)
                feats = self._features(val.get('features'), loc, mwhat)
                val = val['type']
            typ = self._type_ref(val, loc, mwhat)
            if name.startswith('has_') or name.startswith('has-'):
                raise QAPIError(loc, "%s: name must not start with 'has-'" % mwhat)
            members.append(Member(name, typ, bool(m.group(1)), ifcond, loc, feats))
        return members

    def _variant(self, key, val, loc, what):
        if not re.match(r'^[A-Za-z0-9][A-Za-z0-9_.+-]*$', key):
            raise QAPIError(loc, "%s: invalid branch name '%s'" % (what, key))
        vwhat = "branch '%s' of %s" % (key, what)
        ifcond = None
        if isinstance(val, dict):
            for k in val:
                if k not in ('type', 'if'):
                    raise QAPIError(loc, "%s has unknown key '%s'" % (vwhat, k))
            if 'type' not in val:
                raise QAPIError(loc, "%s misses key 'type'" % vwhat)
            ifcond = val.get('if')
            check_if(ifcond, loc, vwhat)
            val = val['type']
        return Variant(key, self._type_ref(val, loc, vwhat), ifcond, loc)

    def _union(self, expr, loc, what, args):
        name, module = args[0], args[4]
        base = expr['base']
        if isinstance(base, dict):
            members = self._members(base, loc, what + " base")
            base_t = ObjectType('q_obj_%s-base' % name, loc, None, args[3], module,
                                None, None, members)
            base_t.implicit = True
            self._define(base_t)
            base = base_t.name
        elif not isinstance(base, str):
            raise QAPIError(loc, "%s: 'base' must be a type name or an object" % what)
        disc = expr['discriminator']
        if not isinstance(disc, str):
            raise QAPIError(loc, "%s: 'discriminator' must be a member name" % what)
        data = expr['data']
        if not isinstance(data, dict):
            raise QAPIError(loc, "%s: 'data' must be an object" % what)
        variants = [self._variant(k, v, loc, what) for k, v in data.items()]
        self._define(ObjectType(*args, base, [], disc, variants, kind='union'))

    def _arg_type(self, data, name, loc, what, boxed, module, ifcond=None):
        if data is None:
            if boxed:
                raise QAPIError(loc, "%s: 'boxed' requires 'data'" % what)
            return None
        if isinstance(data, dict):
            if boxed:
                raise QAPIError(loc, "%s: 'boxed' requires 'data' to name a type" % what)
            t = ObjectType('q_obj_%s-arg' % name, loc, None, ifcond, module, None, None,
                           self._members(data, loc, what))
            t.implicit = True
            self._define(t)
            return t.name
        if not isinstance(data, str):
            raise QAPIError(loc, "%s: 'data' must be an object or a type name" % what)
        return data

    def _command(self, expr, loc, what, args):
        name, module = args[0], args[4]
        boxed = self._bool(expr, 'boxed', False, loc, what)
        arg_type = self._arg_type(expr.get('data'), name, loc, what, boxed, module, args[3])
        ret = expr.get('returns')
        if ret is not None:
            ret = self._type_ref(ret, loc, "'returns' of %s" % what)
        gen = self._bool(expr, 'gen', True, loc, what)
        succ = self._bool(expr, 'success-response', True, loc, what)
        oob = self._bool(expr, 'allow-oob', False, loc, what)
        pre = self._bool(expr, 'allow-preconfig', False, loc, what)
        self._bool(expr, 'coroutine', False, loc, what)
        self._define(Command(*args, arg_type, ret, boxed, gen, succ, oob, pre))

    # --- resolution ---------------------------------------------------

    def lookup(self, ref, loc, what):
        if ref.startswith('['):
            elem = self.lookup(ref[1:-1], loc, what)
            arr = self.arrays.get(elem.name)
            if arr is None:
                arr = ArrayType(elem)
                self.arrays[elem.name] = arr
            return arr
        t = self.entities.get(ref)
        if t is None or not isinstance(t, Type):
            if t is not None:
                raise QAPIError(loc, "%s uses %s '%s' where a type is needed"
                                % (what, t.meta, ref))
            raise QAPIError(loc, "%s uses unknown type '%s'" % (what, ref))
        return t

    def _resolve_members(self, members, what):
        for m in members:
            m.type = self.lookup(m.type, m.info, "member '%s' of %s" % (m.name, what))

    def _resolve(self, ent):
        what = "%s '%s'" % (ent.meta if not isinstance(ent, ObjectType) else ent.kind,
                            ent.name)
        if isinstance(ent, ObjectType):
            if ent.base is not None and isinstance(ent.base, str):
                b = self.lookup(ent.base, ent.info, what)
                if not isinstance(b, ObjectType) or b.variants:
                    raise QAPIError(ent.info, "%s: base '%s' must be a struct type"
                                    % (what, b.name))
                ent.base = b
            self._resolve_members(ent.local_members, what)
            for v in ent.variants:
                v.type = self.lookup(v.type, v.info, "branch '%s' of %s" % (v.name, what))
        elif isinstance(ent, AlternateType):
            for v in ent.variants:
                v.type = self.lookup(v.type, v.info, "branch '%s' of %s" % (v.name, what))
        elif isinstance(ent, (Command, Event)):
            if ent.arg_type is not None:
                t = self.lookup(ent.arg_type, ent.info, what)
                if not isinstance(t, ObjectType) or (t.variants and not ent.boxed):
                    raise QAPIError(ent.info, "%s: 'data' must name a struct type%s"
                                    % (what, '' if ent.boxed else ' (or a union with '
                                       "'boxed': true)"))
                ent.arg_type = t
            if isinstance(ent, Command) and ent.ret_type is not None:
                ent.ret_type = self.lookup(ent.ret_type, ent.info, "'returns' of " + what)

    def _check(self, ent):
        what = "%s '%s'" % (ent.meta if not isinstance(ent, ObjectType) else ent.kind,
                            ent.name)
        if isinstance(ent, ObjectType):
            seen = {}
            for m in ent.all_members():
                cn = c_name(m.name)
                if cn in seen:
                    raise QAPIError(ent.info, "%s: member '%s' collides with member '%s'"
                                    % (what, m.name, seen[cn]))
                seen[cn] = m.name
            if ent.kind == 'union':
                self._check_union(ent, what, seen)
        elif isinstance(ent, AlternateType):
            qtypes = {}
            for v in ent.variants:
                t = v.type
                if isinstance(t, BuiltinType) and t.name == 'any':
                    raise QAPIError(v.info, "%s: branch '%s' cannot use type 'any'"
                                    % (what, v.name))
                if isinstance(t, AlternateType):
                    raise QAPIError(v.info, "%s: branch '%s' cannot be an alternate"
                                    % (what, v.name))
                q = t.qtype()
                if q in qtypes:
                    raise QAPIError(v.info, "%s: branch '%s' can't be distinguished "
                                    "from '%s'" % (what, v.name, qtypes[q]))
                qtypes[q] = v.name
        elif isinstance(ent, Command) and ent.ret_type is not None:
            t = ent.ret_type
            if isinstance(t, (EnumType, AlternateType)):
                raise QAPIError(ent.info, "%s cannot return %s '%s'"
                                % (what, t.meta, t.name))

    def _visible_modules(self, module):
        seen = {module, 'builtin'}
        todo = [module]
        while todo:
            for inc in self.module_includes.get(todo.pop(), []):
                if inc not in seen:
                    seen.add(inc)
                    todo.append(inc)
        return seen

    def _check_module_use(self, ent):
        """A module's C header includes only the headers of the modules it
        includes: a type from elsewhere would not compile there."""
        used = []
        if isinstance(ent, ObjectType):
            used = [m.type for m in ent.local_members] + [v.type for v in ent.variants]
            if ent.base is not None:
                used.append(ent.base)
        elif isinstance(ent, AlternateType):
            used = [v.type for v in ent.variants]
        elif isinstance(ent, Command):
            used = [t for t in (ent.arg_type, ent.ret_type) if t is not None]
        elif isinstance(ent, Event) and ent.arg_type is not None:
            used = [ent.arg_type]
        visible = self._visible_modules(ent.module)
        for t in used:
            while isinstance(t, ArrayType):
                t = t.element
            if t.module not in visible:
                raise QAPIError(ent.info, "%s '%s' uses type '%s' of module '%s', which "
                                "module '%s' does not include"
                                % (ent.meta, ent.name, t.name, t.module, ent.module))

    def _check_union(self, ent, what, members):
        tag = None
        for m in ent.all_members():
            if m.name == ent.tag_name:
                tag = m
        if tag is None:
            raise QAPIError(ent.info, "%s: discriminator '%s' is not a member of the base"
                            % (what, ent.tag_name))
        if not isinstance(tag.type, EnumType) or tag.optional or tag.ifcond:
            raise QAPIError(ent.info, "%s: discriminator member '%s' must be a mandatory,"
                            " unconditional enum member" % (what, tag.name))
        ent.tag_member = tag
        names = [v.name for v in tag.type.values]
        for v in ent.variants:
            if v.name not in names:
                raise QAPIError(v.info, "%s: branch '%s' is not a value of %s"
                                % (what, v.name, tag.type.name))
            if not isinstance(v.type, ObjectType) or v.type.variants:
                raise QAPIError(v.info, "%s: branch '%s' must be a struct type"
                                % (what, v.name))
            for m in v.type.all_members():
                if c_name(m.name) in members:
                    raise QAPIError(v.info, "%s: member '%s' of branch '%s' collides "
                                    "with a member of the base" % (what, m.name, v.name))

    def _check_docs(self):
        """A doc comment may only describe members the definition has."""
        for ent in self.order:
            doc = ent.doc
            if doc is None:
                continue
            names = set()
            if isinstance(ent, ObjectType):
                names = {m.name for m in ent.all_members()}
                names |= {v.name for v in ent.variants}
            elif isinstance(ent, EnumType):
                names = {v.name for v in ent.values}
            elif isinstance(ent, AlternateType):
                names = {v.name for v in ent.variants}
            elif isinstance(ent, (Command, Event)) and ent.arg_type is not None:
                names = {m.name for m in ent.arg_type.all_members()}
            names |= set(ent.features)
            for arg in doc.args:
                if arg not in names:
                    raise QAPIError(doc.loc, "documented member '%s' is not a member of "
                                    "%s" % (arg, ent.name))

    # --- queries ------------------------------------------------------

    def all_arrays(self):
        """Array types: one per builtin, and every array the schema uses."""
        for name in BUILTINS:
            self.lookup('[%s]' % name, None, '')
        return list(self.arrays.values())

    def types_of_module(self, module):
        return [e for e in self.order if e.module == module and isinstance(e, Type)]

    def commands(self):
        return [e for e in self.order if isinstance(e, Command)]

    def events(self):
        return [e for e in self.order if isinstance(e, Event)]
