#!/usr/bin/env python3
# test-qapi-gen.py: the QAPI generator against malformed schemas. Each case
# is a small schema that must be rejected with exit status 1 and one line
# "FILE:LINE: message" naming the right line; plus the good schemas (Keel's
# and the test schema) generating without error, twice the same bytes.
# TAP output. Usage: test-qapi-gen.py SOURCE_DIR

import os
import subprocess
import sys
import tempfile

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
GEN = os.path.join(SRC, 'scripts', 'qapi-gen.py')

# (name, schema text, expected line, expected message fragment)
BAD = [
    ('syntax-stray-char', "{ 'enum': 'E', 'data': [ 'a' ] }\n@\n", 2, "stray '@'"),
    ('syntax-unterminated-string', "{ 'enum': 'E,\n  'data': [] }\n", 1,
     "missing terminating"),
    ('syntax-missing-colon', "{ 'enum' 'E' }\n", 1, "expected ':'"),
    ('syntax-missing-comma', "{ 'enum': 'E'\n  'data': [] }\n", 2, "expected ',' or '}'"),
    ('syntax-eof', "{ 'enum': 'E', 'data': [ 'a'\n", 2, "expected"),
    ('syntax-top-level-array', "[ 'a' ]\n", 1, "expected '{'"),
    ('syntax-duplicate-key', "{ 'enum': 'E', 'enum': 'F' }\n", 1, "duplicate key 'enum'"),
    ('syntax-bad-escape', "{ 'enum': 'E\\x' }\n", 1, "unknown escape"),
    ('no-meta-type', "\n{ 'data': {} }\n", 2, "missing a meta-type"),
    ('two-meta-types', "{ 'enum': 'E', 'struct': 'S', 'data': [] }\n", 1,
     "two meta-types"),
    ('unknown-key', "{ 'struct': 'S', 'data': {}, 'bogus': true }\n", 1,
     "struct 'S' has unknown key 'bogus'"),
    ('missing-data', "{ 'struct': 'S' }\n", 1, "struct 'S' misses key 'data'"),
    ('duplicate-definition', "{ 'enum': 'E', 'data': [] }\n\n{ 'struct': 'E', 'data': {} }\n",
     3, "'E' is already defined"),
    ('redefine-builtin', "{ 'struct': 'Str', 'data': {} }\n{ 'enum': 'int', 'data': [] }\n",
     2, "'int' is already defined"),
    ('unknown-type', "{ 'struct': 'S',\n  'data': { 'x': 'Nope' } }\n", 1,
     "member 'x' of struct 'S' uses unknown type 'Nope'"),
    ('unknown-array-type', "{ 'struct': 'S', 'data': { 'x': [ 'Nope' ] } }\n", 1,
     "uses unknown type 'Nope'"),
    ('array-two-types', "{ 'struct': 'S', 'data': { 'x': [ 'int', 'str' ] } }\n", 1,
     "array type must contain a single type name"),
    ('command-as-type', "{ 'command': 'c' }\n{ 'struct': 'S', 'data': { 'x': 'c' } }\n", 2,
     "uses command 'c' where a type is needed"),
    ('bad-member-name', "{ 'struct': 'S', 'data': { 'a b': 'int' } }\n", 1,
     "invalid member name 'a b'"),
    ('member-has-prefix', "{ 'struct': 'S', 'data': { 'has-x': 'int' } }\n", 1,
     "must not start with 'has-'"),
    ('member-clash-c-name', "{ 'struct': 'S', 'data': { 'a-b': 'int', 'a_b': 'int' } }\n", 1,
     "collides with member"),
    ('member-clash-base', "{ 'struct': 'B', 'data': { 'x': 'int' } }\n"
     "{ 'struct': 'S', 'base': 'B', 'data': { 'x': 'str' } }\n", 2, "collides"),
    ('base-not-struct', "{ 'enum': 'E', 'data': [] }\n"
     "{ 'struct': 'S', 'base': 'E', 'data': {} }\n", 2, "base 'E' must be a struct type"),
    ('type-name-list', "{ 'struct': 'FooList', 'data': {} }\n", 1, "must not end with 'List'"),
    ('type-name-lower', "{ 'struct': 'foo', 'data': {} }\n", 1, "upper-case"),
    ('command-name-upper', "{ 'command': 'Do-It' }\n", 1, "command names must be lower case"),
    ('event-name-lower', "{ 'event': 'boom' }\n", 1, "event names must be upper case"),
    ('enum-data-not-list', "{ 'enum': 'E', 'data': { 'a': 'b' } }\n", 1, "'data' must be an array"),
    ('enum-duplicate-value', "{ 'enum': 'E', 'data': [ 'a-b', 'a_b' ] }\n", 1,
     "value 'a_b' collides with value 'a-b'"),
    ('enum-bad-value', "{ 'enum': 'E', 'data': [ 'a b' ] }\n", 1, "invalid value"),
    ('if-bad-type', "{ 'enum': 'E', 'data': [], 'if': [ 'X' ] }\n", 1, "'if' condition"),
    ('if-bad-operator', "{ 'enum': 'E', 'data': [], 'if': { 'xor': [ 'A' ] } }\n", 1,
     "unknown operator 'xor'"),
    ('if-empty-all', "{ 'enum': 'E', 'data': [], 'if': { 'all': [] } }\n", 1, "non-empty list"),
    ('if-bad-name', "{ 'enum': 'E', 'data': [], 'if': 'not an id' }\n", 1,
     "not a valid identifier"),
    ('union-discriminator-missing',
     "{ 'enum': 'K', 'data': [ 'a' ] }\n{ 'struct': 'A', 'data': {} }\n"
     "{ 'union': 'U', 'base': { 'kind': 'K' }, 'discriminator': 'type',\n"
     "  'data': { 'a': 'A' } }\n", 3, "discriminator 'type' is not a member of the base"),
    ('union-discriminator-not-enum',
     "{ 'struct': 'A', 'data': {} }\n"
     "{ 'union': 'U', 'base': { 'kind': 'str' }, 'discriminator': 'kind',\n"
     "  'data': { 'a': 'A' } }\n", 2, "must be a mandatory, unconditional enum member"),
    ('union-discriminator-optional',
     "{ 'enum': 'K', 'data': [ 'a' ] }\n{ 'struct': 'A', 'data': {} }\n"
     "{ 'union': 'U', 'base': { '*kind': 'K' }, 'discriminator': 'kind',\n"
     "  'data': { 'a': 'A' } }\n", 3, "must be a mandatory"),
    ('union-branch-not-value',
     "{ 'enum': 'K', 'data': [ 'a' ] }\n{ 'struct': 'A', 'data': {} }\n"
     "{ 'union': 'U', 'base': { 'kind': 'K' }, 'discriminator': 'kind',\n"
     "  'data': { 'b': 'A' } }\n", 3, "branch 'b' is not a value of K"),
    ('union-branch-not-struct',
     "{ 'enum': 'K', 'data': [ 'a' ] }\n"
     "{ 'union': 'U', 'base': { 'kind': 'K' }, 'discriminator': 'kind',\n"
     "  'data': { 'a': 'int' } }\n", 2, "branch 'a' must be a struct type"),
    ('union-branch-clash',
     "{ 'enum': 'K', 'data': [ 'a' ] }\n{ 'struct': 'A', 'data': { 'kind': 'int' } }\n"
     "{ 'union': 'U', 'base': { 'kind': 'K' }, 'discriminator': 'kind',\n"
     "  'data': { 'a': 'A' } }\n", 3, "collides with a member of the base"),
    ('alternate-ambiguous', "{ 'alternate': 'Alt', 'data': { 'i': 'int', 'n': 'number' } }\n",
     1, "branch 'n' can't be distinguished from 'i'"),
    ('alternate-enum-str', "{ 'enum': 'E', 'data': [ 'x' ] }\n"
     "{ 'alternate': 'Alt', 'data': { 'e': 'E', 's': 'str' } }\n", 2,
     "can't be distinguished"),
    ('alternate-any', "{ 'alternate': 'Alt', 'data': { 'a': 'any' } }\n", 1,
     "cannot use type 'any'"),
    ('alternate-empty', "{ 'alternate': 'Alt', 'data': {} }\n", 1, "non-empty object"),
    ('command-data-enum', "{ 'enum': 'E', 'data': [] }\n{ 'command': 'c', 'data': 'E' }\n", 2,
     "'data' must name a struct type"),
    ('command-boxed-inline', "{ 'command': 'c', 'data': { 'a': 'int' }, 'boxed': true }\n", 1,
     "'boxed' requires 'data' to name a type"),
    ('command-returns-enum', "{ 'enum': 'E', 'data': [] }\n{ 'command': 'c', 'returns': 'E' }\n",
     2, "cannot return enum 'E'"),
    ('command-bad-bool', "{ 'command': 'c', 'allow-oob': 'yes' }\n", 1,
     "'allow-oob' must be true or false"),
    ('event-unknown-type', "{ 'event': 'EV', 'data': { 'x': 'Nope' } }\n", 1,
     "uses unknown type 'Nope'"),
    ('include-missing', "{ 'include': 'does-not-exist.json' }\n", 1,
     "can't read include file"),
    ('include-bad', "{ 'include': [ 'x' ] }\n", 1, "invalid 'include' directive"),
    ('doc-unterminated', "##\n# @E:\n{ 'enum': 'E', 'data': [] }\n", 3, "must end with '##'"),
    ('doc-wrong-symbol', "##\n# @F:\n##\n{ 'enum': 'E', 'data': [] }\n", 1,
     "documentation comment is for 'F', not 'E'"),
    ('doc-unknown-member', "##\n# @E:\n#\n# @b: no such value\n##\n"
     "{ 'enum': 'E', 'data': [ 'a' ] }\n", 1, "documented member 'b'"),
    # a module using a type of a module it does not include (b.json uses
    # a.json's E; main.json includes both)
    ('module-not-included', {'': "{ 'include': 'a.json' }\n{ 'include': 'b.json' }\n",
                             'a.json': "{ 'enum': 'E', 'data': [] }\n",
                             'b.json': "\n{ 'struct': 'S', 'data': { 'e': 'E' } }\n"},
     2, "uses type 'E' of module 'a', which module 'b' does not include"),
    ('doc-dangling', "{ 'enum': 'E', 'data': [] }\n##\n# @F:\n##\n", 2,
     "not followed by its definition"),
]


sys.path.insert(0, os.path.join(SRC, 'scripts'))
from qapi.error import QAPIError  # noqa: E402
from qapi.schema import Schema  # noqa: E402


def check_in_process(path):
    """Load a schema the way qapi-gen.py does: (status, stderr)."""
    try:
        Schema(path)
    except QAPIError as e:
        return 1, 'qapi-gen.py: %s\n' % e
    except Exception as e:  # a crash is a failure of the test
        return 2, 'Traceback: %r\n' % e
    return 0, ''


class Result:
    def __init__(self, returncode, stderr):
        self.returncode = returncode
        self.stderr = stderr


def run(schema_path, outdir, extra=()):
    return subprocess.run([sys.executable, GEN, '-o', outdir] + list(extra) + [schema_path],
                          capture_output=True, text=True)


def main():
    tests = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, text, line, fragment) in enumerate(BAD):
            path = os.path.join(tmp, name + '.json')
            files = text if isinstance(text, dict) else {'': text}
            for fname, content in files.items():
                with open(os.path.join(tmp, fname) if fname else path, 'w') as f:
                    f.write(content)
            if isinstance(text, dict):
                # the error is reported in the included file
                path_err = os.path.join(tmp, 'b.json')
            else:
                path_err = path
            # The first case goes through the command line (exit status);
            # the others load the schema in this process, which is faster.
            if i == 0:
                r = run(path, os.path.join(tmp, 'out-' + name))
            else:
                r = Result(*check_in_process(path))
            lines = r.stderr.strip().splitlines()
            prefix = 'qapi-gen.py: %s:%d: ' % (path_err, line)
            ok = (r.returncode == 1 and len(lines) == 1 and lines[0].startswith(prefix)
                  and fragment in lines[0] and 'Traceback' not in r.stderr)
            tests.append(('rejects ' + name, ok,
                          'status %d, stderr %r (want %r ... %r)'
                          % (r.returncode, r.stderr, prefix, fragment)))
        for schema, extra in ((os.path.join(SRC, 'qapi', 'qapi-schema.json'), []),
                              (os.path.join(SRC, 'tests', 'qapi-schema',
                                            'qapi-schema-test.json'),
                               ['-p', 'test-', '--no-builtins'])):
            outs = []
            for i in range(2):
                out = os.path.join(tmp, 'good%d-%s' % (i, os.path.basename(schema)))
                r = run(schema, out, extra)
                files = {}
                if r.returncode == 0:
                    for fn in sorted(os.listdir(out)):
                        with open(os.path.join(out, fn), 'rb') as f:
                            files[fn] = f.read()
                outs.append((r, files))
            ok = all(r.returncode == 0 and not r.stderr for r, _ in outs) and \
                outs[0][1] == outs[1][1] and len(outs[0][1]) > 5
            tests.append(('generates %s reproducibly' % os.path.basename(schema), ok,
                          outs[0][0].stderr))
        # The committed reference matches the schema.
        ref = os.path.join(tmp, 'qmp-ref.md')
        r = run(os.path.join(SRC, 'qapi', 'qapi-schema.json'), tmp, ['--doc', ref, '--doc-only'])
        try:
            with open(ref, 'rb') as a, open(os.path.join(SRC, 'docs', 'interop',
                                                        'qmp-ref.md'), 'rb') as b:
                same = a.read() == b.read()
        except OSError:
            same = False
        tests.append(('docs/interop/qmp-ref.md is up to date', r.returncode == 0 and same,
                      'stale: run "ninja -C BUILD qmp-ref" and commit the result'))
    print('1..%d' % len(tests))
    failed = 0
    for i, (name, ok, detail) in enumerate(tests, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        if not ok:
            failed += 1
            print('# ' + detail.replace('\n', '\n# '))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
