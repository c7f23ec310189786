"""test_qmp_block.py: the block queries as a management tool sees them:
query-block, query-named-block-nodes (nested and flat), query-blockstats
(per drive and per node) and HMP `info block` (-n, -v, a device), for a qcow2 drive over a
raw backing file, a raw drive, an empty drive and a -blockdev node. Each
answer is compared with QEMU 7.2's (/usr/bin/qemu-system-x86_64) for the
same command line, after renaming the automatic node names. Python 3
standard library only."""

import json
import os
import re
import subprocess
import sys

from keeltest import BIN, TIMEOUT, Skip, main, tests_of
from test_qmp import QMP

QEMU = "/usr/bin/qemu-system-x86_64"
QEMU_IMG = "/usr/bin/qemu-img"

# Members QEMU 7.2 prints that Keel does not have: driver-specific block
# statistics (discard counters of file-posix).
QEMU_ONLY = {"driver-specific"}
# Members of Keel's newer schema (QEMU 8.1's zoned-device counters) that
# QEMU 7.2 does not know.
KEEL_NEWER = {"zone_append_bytes", "zone_append_operations",
              "zone_append_total_time_ns", "zone_append_merged",
              "failed_zone_append_operations",
              "invalid_zone_append_operations"}

DRIVES = ["-drive", "file=top.qcow2,if=none,id=d0",
          "-drive", "file=plain.raw,if=none,id=d1,format=raw",
          "-drive", "if=none,id=d2",
          "-blockdev", "driver=file,filename=plain.raw,node-name=f2,"
                       "read-only=on"]


def need_qemu():
    for prog in (QEMU, QEMU_IMG):
        if not os.access(prog, os.X_OK):
            raise Skip(f"{prog} (the reference) is not installed")


def make_images(tmp):
    for args in (["-f", "raw", "base.raw", "1M"],
                 ["-f", "qcow2", "-b", "base.raw", "-F", "raw", "top.qcow2",
                  "2M"],
                 ["-f", "raw", "plain.raw", "3M"]):
        subprocess.run([QEMU_IMG, "create", "-q", *args], cwd=tmp,
                       check=True, timeout=TIMEOUT)
    # Some data in the overlay, so that sizes are not all the defaults.
    subprocess.run(["/usr/bin/qemu-io", "-f", "qcow2", "-c",
                    "write -P 0x5a 64k 128k", "top.qcow2"], cwd=tmp,
                   check=True, capture_output=True, timeout=TIMEOUT)


def ask(binary, tmp, commands, drives=DRIVES):
    """Start binary on tmp's images, send commands (name, args) in turn,
    return the responses (the 'return' values), then quit."""
    sock = os.path.join(tmp, f"qmp-{os.path.basename(binary)}.sock")
    p = subprocess.Popen([os.path.abspath(binary), "-M", "none", "-display", "none",
                          "-qmp", f"unix:{sock},server=on,wait=off",
                          *drives],
                         cwd=tmp, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        q = QMP(sock)
        answers = []
        for name, args in commands:
            r = q.cmd(name, args)
            assert "return" in r, (binary, name, r)
            answers.append(r["return"])
        q.cmd("quit")
        q.close()
        _, err = p.communicate(timeout=TIMEOUT)
        # A clean exit: under ASan, leaks and errors fail it.
        assert p.returncode == 0, (binary, p.returncode, err.decode()[-3000:])
        return answers
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()


def rename_nodes(obj, names):
    """Automatic node names (#blockNNN) differ between runs and programs:
    call each "#DRV:FILE" instead (names: from query-named-block-nodes)."""
    text = re.sub(r"#block\d+", lambda m: names.get(m.group(0), "?"),
                  json.dumps(obj))
    return json.loads(text)


def node_names(nodes):
    return {n["node-name"]: f"#{n['drv']}:{n['file']}" for n in nodes}


def by_node_name(lst):
    return sorted(lst, key=lambda x: x["node-name"])


def compare(keel, qemu, path="$"):
    """keel has exactly qemu's members with qemu's values (apart from the
    members named above); returns the differences."""
    diffs = []
    if isinstance(qemu, dict) and isinstance(keel, dict):
        want = set(qemu) - QEMU_ONLY
        have = set(keel) - KEEL_NEWER
        if want != have:
            diffs.append(f"{path}: missing {sorted(want - have)}, "
                         f"extra {sorted(have - want)}")
        for k in sorted(want & have):
            diffs += compare(keel[k], qemu[k], f"{path}.{k}")
    elif isinstance(qemu, list) and isinstance(keel, list):
        if len(qemu) != len(keel):
            diffs.append(f"{path}: {len(keel)} items, QEMU {len(qemu)}")
        for i, (a, b) in enumerate(zip(keel, qemu)):
            diffs += compare(a, b, f"{path}[{i}]")
    elif keel != qemu or type(keel) is not type(qemu):
        diffs.append(f"{path}: {keel!r}, QEMU {qemu!r}")
    return diffs


COMMANDS = [("query-block", None),
            ("query-named-block-nodes", None),
            ("query-named-block-nodes", {"flat": True}),
            ("query-blockstats", None),
            ("query-blockstats", {"query-nodes": True}),
            ("human-monitor-command", {"command-line": "info block"}),
            ("human-monitor-command", {"command-line": "info block d0"}),
            ("human-monitor-command", {"command-line": "info block -n"}),
            ("human-monitor-command", {"command-line": "info block -v"}),
            ("human-monitor-command", {"command-line": "info block d1"}),
            ("human-monitor-command", {"command-line": "info block -n -v"})]


def normalised(answer, names, unordered):
    answer = rename_nodes(answer, names)
    if isinstance(answer, str) and unordered:
        # HMP's node list: one paragraph per node.
        return sorted(answer.removesuffix("\r\n").split("\r\n\r\n"))
    return by_node_name(answer) if unordered else answer


def compare_with_qemu(tmp, drives):
    need_qemu()
    keel = ask(BIN, tmp, COMMANDS, drives)
    qemu = ask(QEMU, tmp, COMMANDS, drives)
    knames, qnames = node_names(keel[1]), node_names(qemu[1])
    diffs = []
    for i, (name, args) in enumerate(COMMANDS):
        # Nodes are listed in an order of QEMU's own (not creation order).
        unordered = name == "query-named-block-nodes" or \
            (args or {}).get("query-nodes", False) or \
            (args or {}).get("command-line", "").startswith("info block -n")
        k = normalised(keel[i], knames, unordered)
        q = normalised(qemu[i], qnames, unordered)
        if name == "human-monitor-command":
            if k != q:
                diffs.append(f"{args['command-line']}: {k!r}, QEMU {q!r}")
            continue
        diffs += compare(k, q, f"{name} {args or ''}")
    assert not diffs, "\n".join(diffs)


def test_compare_with_qemu(tmp):
    """Every query answers what QEMU 7.2 answers for the same drives: a
    qcow2 over a raw backing file, a raw image, no medium, a node."""
    need_qemu()
    make_images(tmp)
    compare_with_qemu(tmp, DRIVES)


def test_compare_options(tmp):
    """The same for drive options that show in the answers: cache modes,
    read-only, detect-zeroes, and an image with internal snapshots."""
    need_qemu()
    make_images(tmp)
    subprocess.run([QEMU_IMG, "snapshot", "-c", "snap1", "top.qcow2"],
                   cwd=tmp, check=True, timeout=TIMEOUT)
    compare_with_qemu(tmp, [
        "-drive", "file=plain.raw,if=none,id=c0,format=raw,"
                  "cache=writethrough,detect-zeroes=on",
        "-drive", "file=top.qcow2,if=none,id=c1,cache=unsafe,read-only=on"])


def test_shapes(tmp):
    """What a user relies on, independent of QEMU: the qcow2 drive shows
    its backing chain, the empty drive no medium, the -blockdev node is no
    drive but is a node, and no request has been counted yet."""
    need_qemu()
    make_images(tmp)
    blocks, nodes, stats = ask(BIN, tmp, [("query-block", None),
                                          ("query-named-block-nodes", None),
                                          ("query-blockstats", None)])
    assert [b["device"] for b in blocks] == ["d0", "d1", "d2"], blocks
    d0 = blocks[0]["inserted"]
    assert d0["drv"] == "qcow2" and d0["backing_file_depth"] == 1, d0
    assert d0["image"]["backing-image"]["filename"] == "base.raw", d0
    assert d0["image"]["actual-size"] > 0, d0
    assert "inserted" not in blocks[2], blocks[2]
    f2 = [n for n in nodes if n["node-name"] == "f2"]
    assert len(f2) == 1 and f2[0]["ro"] and f2[0]["drv"] == "file", nodes
    assert [s.get("device") for s in stats] == ["d0", "d1", "d2"], stats
    assert stats[0]["backing"]["parent"]["node-name"].startswith("#"), stats
    for s in stats:
        assert s["stats"]["rd_operations"] == 0, s
        assert "idle_time_ns" not in s["stats"], s


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), tmp_prefix="keel-qmp-block-"))
