#!/usr/bin/env python3
"""test_qapi_compat.py: Keel's QMP schema against QEMU's, as clients see
them through query-qmp-schema. For every command and event Keel has, the
argument and result types are resolved (type names are masked numbers in
both, so the comparison is structural: members, optional or not, JSON
types, enum values, union tags and branches) and compared with QEMU 7.2's.
Differences are failures unless listed in KNOWN with the reason: QEMU 8.x
additions (Keel follows the 8.2 reference), parts QEMU compiles in for
features Keel does not have, optional members Keel leaves out. Also:
query-commands lists exactly the schema's commands. Skips without QEMU.
Prints TAP. Needs KEEL_BUILD_DIR."""

import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN, Skip, main, tests_of  # noqa

QEMU = shutil.which("qemu-system-x86_64", path="/usr/bin")

# Prefixes of accepted differences, each with why.
KNOWN = [
    # in the command list; QEMU 7.2 has dropped it
    "NOT IN QEMU: query-events",
    # QEMU 8.2 drops StatusInfo.singlestep (deprecated in 8.1)
    "query-status:ret.singlestep: only in qemu",
    # QEMU 8.x additions (Keel's schema is 8.2's)
    "zone_append", "book-id: only in keel", "drawer-id: only in keel",
    "query-machines:ret[].acpi: only in keel",
    ".format-specific.type: enum keel-only ['file']",
    ".format-specific{file}: branch only in keel",
    # compiled in by QEMU for features Keel does not build
    "chardev-add:arg.backend.type: enum keel-only [] qemu-only",
    "chardev-add:arg.backend{braille}", "chardev-add:arg.backend{console}",
    "chardev-add:arg.backend{dbus}", "chardev-add:arg.backend{parallel}",
    "chardev-add:arg.backend{qemu-vdagent}", "chardev-add:arg.backend{serial}",
    "chardev-add:arg.backend{spiceport}", "chardev-add:arg.backend{spicevmc}",
    ".mptcp: only in qemu",
    "query-display-options:ret.type: enum keel-only [] qemu-only",
    "query-display-options:ret{",
    ".compression-type: enum keel-only [] qemu-only ['zstd']",
    # optional members and branch data Keel's block layer does not report
    ".format-specific{qcow2}.data.bitmaps: only in qemu",
    ".format-specific{qcow2}.data.encrypt: only in qemu",
    ".format-specific{luks}.data: only in qemu",
    ".format-specific{rbd}.data: only in qemu",
    ".format-specific{vmdk}.data: only in qemu",
    "query-blockstats:ret[].driver-specific: only in qemu",
]


def fetch_schema(binary):
    """query-qmp-schema of BINARY (-M none) as {name: SchemaInfo}, and the
    names query-commands lists."""
    cmds = ['{"execute": "qmp_capabilities"}', '{"execute": "query-qmp-schema"}',
            '{"execute": "query-commands"}', '{"execute": "quit"}']
    p = subprocess.run([binary, "-qmp", "stdio", "-M", "none", "-display", "none",
                        "-nodefaults"], input="\n".join(cmds) + "\n",
                       capture_output=True, text=True, timeout=60)
    returns = [json.loads(line)["return"] for line in p.stdout.splitlines()
               if line.startswith("{") and '"return"' in line]
    schema = {e["name"]: e for e in returns[1]}
    return schema, sorted(c["name"] for c in returns[2])


def shape(s, name, seen=frozenset()):
    e = s[name]
    mt = e["meta-type"]
    if mt == "builtin":
        return ("builtin", e["json-type"])
    if mt == "enum":
        return ("enum", tuple(sorted(e["values"])))
    if mt == "array":
        return ("array", shape(s, e["element-type"], seen))
    if name in seen:
        return ("recursive",)
    seen = seen | {name}
    if mt == "alternate":
        return ("alternate", tuple(sorted(repr(shape(s, m["type"], seen))
                                          for m in e["members"])))
    members = {m["name"]: ("default" in m, shape(s, m["type"], seen))
               for m in e["members"]}
    variants = {v["case"]: shape(s, v["type"], seen) for v in e.get("variants", [])}
    return ("object", members, e.get("tag"), variants)


def diff(a, b, path, out):
    """Describe how Keel's shape A differs from QEMU's B."""
    if a[0] != b[0]:
        out.append(f"{path}: {a[0]} vs {b[0]}")
    elif a[0] == "object":
        for k in sorted(set(a[1]) | set(b[1])):
            if k not in a[1]:
                out.append(f"{path}.{k}: only in qemu")
            elif k not in b[1]:
                out.append(f"{path}.{k}: only in keel")
            else:
                if a[1][k][0] != b[1][k][0]:
                    out.append(f"{path}.{k}: optional in "
                               f"{'keel' if a[1][k][0] else 'qemu'} only")
                diff(a[1][k][1], b[1][k][1], f"{path}.{k}", out)
        if a[2] != b[2]:
            out.append(f"{path}: tag {a[2]} vs {b[2]}")
        for k in sorted(set(a[3]) | set(b[3])):
            if k in a[3] and k in b[3]:
                diff(a[3][k], b[3][k], f"{path}{{{k}}}", out)
            else:
                out.append(f"{path}{{{k}}}: branch only in "
                           f"{'keel' if k in a[3] else 'qemu'}")
    elif a[0] == "enum" and a != b:
        ka, kb = set(a[1]), set(b[1])
        out.append(f"{path}: enum keel-only {sorted(ka - kb)} qemu-only {sorted(kb - ka)}")
    elif a[0] == "array":
        diff(a[1], b[1], path + "[]", out)
    elif a != b:
        out.append(f"{path}: {a} vs {b}")


SCHEMAS = {}


def schemas():
    if not QEMU:
        raise Skip("no QEMU at /usr/bin/qemu-system-x86_64 to compare with")
    if not SCHEMAS:
        SCHEMAS["keel"] = fetch_schema(BIN)
        SCHEMAS["qemu"] = fetch_schema(QEMU)
    return SCHEMAS["keel"][0], SCHEMAS["qemu"][0]


def test_shapes_match_qemu():
    keel, qemu = schemas()
    out = []
    for name, e in keel.items():
        if e["meta-type"] not in ("command", "event"):
            continue
        if name not in qemu:
            out.append(f"NOT IN QEMU: {name}")
            continue
        for key, short in (("arg-type", "arg"), ("ret-type", "ret")):
            if key in e:
                diff(shape(keel, e[key]), shape(qemu, qemu[name][key]),
                     f"{name}:{short}", out)
    unexplained = [d for d in out if not any(k in d for k in KNOWN)]
    assert not unexplained, "\n".join(unexplained)


def test_flags_match_qemu():
    """allow-oob is what QEMU says, for every command both have."""
    keel, qemu = schemas()
    for name, e in keel.items():
        if e["meta-type"] == "command" and name in qemu:
            assert e.get("allow-oob", False) == qemu[name].get("allow-oob", False), name


def test_query_commands_is_the_schema():
    keel, _ = schemas()
    commands = SCHEMAS["keel"][1]
    in_schema = sorted(n for n, e in keel.items() if e["meta-type"] == "command")
    assert commands == in_schema, (set(commands) ^ set(in_schema))


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
