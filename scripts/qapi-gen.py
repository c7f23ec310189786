#!/usr/bin/env python3
# qapi-gen.py: the QAPI code generator. Reads a schema (qapi/qapi-schema.json)
# and writes the C types, visitors, command marshallers, event senders and
# introspection data into an output directory (see docs/devel/qapi.md).
#
# Usage: qapi-gen.py [-o DIR] [-p PREFIX] [--no-builtins] [--doc FILE [--doc-only]] SCHEMA

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qapi.error import QAPIError  # noqa: E402
from qapi.schema import Schema  # noqa: E402
from qapi.types import gen_types  # noqa: E402
from qapi.visit import gen_visit  # noqa: E402
from qapi.commands import gen_commands  # noqa: E402
from qapi.events import gen_events  # noqa: E402
from qapi.introspect import gen_introspect  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description='Generate C code from a QAPI schema.')
    ap.add_argument('-o', '--output-dir', default='.', help='directory for the output')
    ap.add_argument('-p', '--prefix', default='', help='prefix of file and symbol names')
    ap.add_argument('--no-builtins', action='store_true',
                    help='do not write qapi-builtin-*.[ch] (another schema has them)')
    ap.add_argument('-u', '--unmask-non-abi-names', action='store_true',
                    help='keep type names in the introspection data')
    ap.add_argument('--doc', metavar='FILE', help='also write the reference (Markdown)')
    ap.add_argument('--check-only', action='store_true', help='check the schema only')
    ap.add_argument('--doc-only', action='store_true',
                    help='write only the reference (--doc), no C')
    ap.add_argument('schema')
    args = ap.parse_args()
    try:
        schema = Schema(args.schema)
    except QAPIError as e:
        print('%s: %s' % (os.path.basename(sys.argv[0]), e), file=sys.stderr)
        return 1
    if args.check_only:
        return 0
    if args.doc_only:
        if not args.doc:
            print('qapi-gen.py: --doc-only needs --doc FILE', file=sys.stderr)
            return 1
        from qapi.doc import gen_doc
        gen_doc(schema, args.doc)
        return 0
    os.makedirs(args.output_dir, exist_ok=True)
    schema.all_arrays()
    builtins = not args.no_builtins
    gen_types(schema, args.output_dir, args.prefix, builtins)
    gen_visit(schema, args.output_dir, args.prefix, builtins)
    gen_commands(schema, args.output_dir, args.prefix)
    gen_events(schema, args.output_dir, args.prefix)
    gen_introspect(schema, args.output_dir, args.prefix, args.unmask_non_abi_names)
    if args.doc:
        from qapi.doc import gen_doc
        gen_doc(schema, args.doc)
    return 0


if __name__ == '__main__':
    sys.exit(main())
