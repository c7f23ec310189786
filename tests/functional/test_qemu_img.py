#!/usr/bin/env python3
"""test_qemu_img.py: Keel's qemu-img create, info, check and map against
QEMU 7.2's /usr/bin/qemu-img on identical copies of the same images: exit
status, stdout and stderr byte for byte (snapshot dates normalised), JSON
fields that both print agree, and the error table (missing file, unknown
format, bad -o option, bad size, bad command lines). The other
subcommands are in test_qemu_img_ops.py. Prints TAP."""

import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_qemu_img_util as U  # noqa: E402
from test_qemu_img_util import qemu, qemu_io, same, same_json  # noqa: E402

INFO_FIELDS = ("virtual-size", "filename", "format", "actual-size",
               "dirty-flag")


def mk_images(d):
    """raw.img (data + hole), q.qcow2 (data, zero cluster, hole),
    over.qcow2 on it, v2.qcow2 (compat 0.10, 4k clusters), snap.qcow2."""
    with open(os.path.join(d, "raw.img"), "wb") as f:
        f.write(bytes(range(256)) * 256)      # 64 KiB data
        f.truncate(4 << 20)
    U.ok(qemu(["create", "-q", "-f", "qcow2", "q.qcow2", "64M"], d))
    qemu_io(["-c", "write -P 1 0 64k", "-c", "write -z 1M 64k",
             "-c", "write -P 2 3M 100k", "q.qcow2"], d)
    U.ok(qemu(["create", "-q", "-f", "qcow2", "-b", "q.qcow2", "-F", "qcow2",
               "over.qcow2"], d))
    qemu_io(["-c", "write -P 3 2M 64k", "over.qcow2"], d)
    U.ok(qemu(["create", "-q", "-f", "qcow2", "-o",
               "compat=0.10,cluster_size=4096", "v2.qcow2", "1M"], d))
    U.ok(qemu(["create", "-q", "-f", "qcow2", "snap.qcow2", "8M"], d))
    U.ok(qemu(["snapshot", "-c", "first", "snap.qcow2"], d))
    qemu_io(["-c", "write -P 9 0 4k", "snap.qcow2"], d)
    U.ok(qemu(["snapshot", "-c", "second", "snap.qcow2"], d))


def make_leak(path):
    """Give an unused cluster past the image end a refcount of 1: a leak."""
    with open(path, "r+b") as f:
        hdr = f.read(104)
        cluster_bits = struct.unpack(">I", hdr[20:24])[0]
        rt_off = struct.unpack(">Q", hdr[48:56])[0]
        f.seek(rt_off)
        rb_off = struct.unpack(">Q", f.read(8))[0]
        end = os.fstat(f.fileno()).st_size
        idx = (end >> cluster_bits) + 3
        f.seek(rb_off + 2 * idx)
        f.write(struct.pack(">H", 1))


def test_version_and_help(tmp):
    rc, out, err = U.keel(["--version"], tmp)
    assert rc == 0 and out.startswith("qemu-img version ") and "Keel" in out
    rc, out, err = U.keel(["--help"], tmp)
    assert rc == 0 and "Supported formats:" in out and "qcow2" in out
    for cmd in ("amend", "bench", "check", "commit", "compare", "convert",
                "create", "dd", "info", "map", "measure", "snapshot",
                "rebase", "resize"):
        assert f"\n  {cmd} " in out, cmd


def test_command_line_errors(tmp):
    U.need_qemu()
    for args in ([], ["bogus"], ["info"], ["info", "--foo", "x"],
                 ["info", "-x", "x"], ["create", "-f"],
                 ["info", "--output=xml", "x"], ["amend", "x"],
                 ["rebase", "x"], ["check", "-r", "some", "x"],
                 ["info", "-Ux", "x"], ["info", "-qx", "x"],
                 ["check", "-U", "-r", "leaks", "x"]):
        k = U.keel(args, tmp)
        q = qemu(args, tmp)
        assert k == q, f"{args}: Keel {k!r} QEMU {q!r}"


def test_refused_options(tmp):
    """QEMU options Keel does not have are refused by their long name
    (never by their argument), exit status 1 (2 for compare)."""
    for args, name, want_rc in (
            (["info", "--object", "secret,id=s", "x"], "--object", 1),
            (["info", "--object=secret,id=s", "x"], "--object", 1),
            (["convert", "--image-opts", "a", "b"], "--image-opts", 1),
            (["convert", "--target-image-opts", "a", "b"],
             "--target-image-opts", 1),
            (["bench", "--image-opts", "a"], "--image-opts", 1),
            (["compare", "--object", "secret,id=s", "a", "b"], "--object",
             2)):
        rc, out, err = U.keel(args, tmp)
        assert rc == want_rc, (args, rc, err)
        assert err.startswith(
            f"qemu-img: {name} is not supported by Keel's qemu-img\n"), \
            (args, err)


def test_create_raw(tmp):
    U.need_qemu()
    # One run per case in its own directory; the file sizes must agree.
    for i, args in enumerate((["create", "-f", "raw", "a.img", "1M"],
                              ["create", "a.img", "1G"],
                              ["create", "-q", "-f", "raw", "a.img", "1k"])):
        d = os.path.join(tmp, f"c{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args)
        assert k == q, f"{args}: {k!r} {q!r}"
        assert (os.path.getsize(os.path.join(d, "k", "a.img")) ==
                os.path.getsize(os.path.join(d, "q", "a.img")))


def test_create_qcow2_formatting_line(tmp):
    U.need_qemu()
    cases = (["create", "-f", "qcow2", "a.qcow2", "64M"],
             ["create", "-f", "qcow2", "-o", "compat=0.10,cluster_size=4096",
              "a.qcow2", "1M"],
             ["create", "-f", "qcow2", "-o", "preallocation=metadata,"
              "lazy_refcounts=on,refcount_bits=1,compat=v3", "a.qcow2", "1M"],
             ["create", "-f", "qcow2", "-o", "cluster_size=2M,refcount_bits=64",
              "a.qcow2", "10M"])
    bad = []
    for i, args in enumerate(cases):
        d = os.path.join(tmp, f"c{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args)
        assert q[0] == 0, f"{args}: {q!r}"
        if k[0] != 0:
            bad.append((args, k[2], "(created)"))
            continue
        if k != q:
            bad.append((args, k[1], q[1]))
        # Keel's image passes QEMU's check.
        U.ok(qemu(["check", "a.qcow2"], os.path.join(d, "k")), "check")
    assert not bad, "; ".join(f"{b[0][3:-2]}: Keel {b[1]!r} QEMU {b[2]!r}"
                              for b in bad)


def test_create_errors(tmp):
    U.need_qemu()
    for i, args in enumerate((["create", "-f", "qcow2", "bad.qcow2", "1X"],
                              ["create", "-f", "foo", "bad.qcow2", "1M"],
                              ["create", "-f", "qcow2", "-o", "foo=bar",
                               "bad.qcow2", "1M"],
                              ["create", "-f", "raw", "bad", "9E"],
                              ["create", "-f", "qcow2", "bad.qcow2"],
                              ["create", "-f", "raw", "bad", "--", "-1"],
                              ["create", "-f", "qcow2", "-o",
                               "cluster_size=3000", "bad.qcow2", "1M"])):
        d = os.path.join(tmp, f"c{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args)
        assert k[0] == q[0] == 1, f"{args}: {k!r} {q!r}"
        assert k[2] == q[2], f"{args}: {k[2]!r} vs {q[2]!r}"


def test_create_option_help(tmp):
    U.need_qemu()
    k = U.keel(["create", "-f", "qcow2", "-o", "help"], tmp)
    q = qemu(["create", "-f", "qcow2", "-o", "help"], tmp)
    assert k[0] == q[0] == 0
    knames = {line.split("=")[0].strip() for line in k[1].splitlines()
              if line.startswith("  ")}
    for name in ("backing_file", "backing_fmt", "cluster_size", "compat",
                 "compression_type", "lazy_refcounts", "preallocation",
                 "refcount_bits", "size"):
        assert name in knames, f"-o help lacks {name}: {k[1]}"
    assert k[1].startswith("Supported qcow2 options:\n")


def test_info_human(tmp):
    U.need_qemu()
    for img in ("q.qcow2", "v2.qcow2", "snap.qcow2", "over.qcow2"):
        d = os.path.join(tmp, img)
        os.mkdir(d)
        same(d, ["info", img], mk_images)
    d = os.path.join(tmp, "chain")
    os.mkdir(d)
    same(d, ["info", "--backing-chain", "over.qcow2"], mk_images)


def test_info_json(tmp):
    U.need_qemu()
    for i, args in enumerate((["info", "--output=json", "raw.img"],
                              ["info", "--output=json", "-f", "raw", "raw.img"],
                              ["info", "--output=json", "q.qcow2"],
                              ["info", "--output=json", "snap.qcow2"],
                              ["info", "--output=json", "v2.qcow2"],
                              ["info", "--output=json", "--backing-chain",
                               "over.qcow2"])):
        d = os.path.join(tmp, f"i{i}")
        os.mkdir(d)
        kj, qj = same_json(d, args, mk_images, INFO_FIELDS)
        items = kj if isinstance(kj, list) else [kj]
        qitems = qj if isinstance(qj, list) else [qj]
        for ki, qi in zip(items, qitems):
            missing = set(qi) - set(ki)
            assert not missing, f"{args}: Keel lacks {missing}"


def test_info_errors(tmp):
    U.need_qemu()
    for i, args in enumerate((["info", "nonexist"],
                              ["info", "-f", "qcow2", "raw.img"],
                              ["info", "-f", "foo", "raw.img"])):
        d = os.path.join(tmp, f"e{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args, mk_images)
        assert k[0] == q[0] == 1 and k[2] == q[2], f"{args}: {k!r} {q!r}"


def test_check(tmp):
    U.need_qemu()
    for i, args in enumerate((["check", "q.qcow2"],
                              ["check", "--output=json", "q.qcow2"],
                              ["check", "over.qcow2"],
                              ["check", "--output=json", "snap.qcow2"],
                              ["check", "snap.qcow2"],
                              ["check", "-f", "raw", "raw.img"],
                              ["check", "--output=json", "-f", "raw",
                               "raw.img"])):
        d = os.path.join(tmp, f"c{i}")
        os.mkdir(d)
        if "--output=json" in args and "raw" not in args:
            same_json(d, args, mk_images, ("filename", "format",
                                           "check-errors"))
        else:
            same(d, args, mk_images)


def test_check_leaks_and_repair(tmp):
    U.need_qemu()

    def setup(d):
        mk_images(d)
        make_leak(os.path.join(d, "q.qcow2"))

    for i, args in enumerate((["check", "q.qcow2"],
                              ["check", "--output=json", "q.qcow2"],
                              ["check", "-r", "leaks", "q.qcow2"],
                              ["check", "-r", "all", "--output=json",
                               "q.qcow2"])):
        d = os.path.join(tmp, f"c{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args, setup)
        assert k[0] == q[0], f"{args}: exit {k[0]} vs {q[0]}: {k[2]!r}"
        if "--output=json" in args:
            U.json_agree(json.loads(k[1]),
                         json.loads(q[1]))
        else:
            assert k == q, f"{args}: {k!r} vs {q!r}"
    # After Keel's repair QEMU finds the image clean.
    U.ok(qemu(["check", "q.qcow2"], os.path.join(tmp, "c2", "k")))


def test_map(tmp):
    U.need_qemu()
    for i, args in enumerate((["map", "q.qcow2"],
                              ["map", "--output=json", "q.qcow2"],
                              ["map", "--output=json", "over.qcow2"],
                              ["map", "over.qcow2"],
                              ["map", "--output=json", "--start-offset=1M",
                               "--max-length=3M", "q.qcow2"],
                              ["map", "--output=json", "v2.qcow2"])):
        d = os.path.join(tmp, f"m{i}")
        os.mkdir(d)
        same(d, args, mk_images)


def test_map_partial_cluster(tmp):
    """A write that ends inside a cluster: the whole cluster is data (the
    file node is asked only for preallocated images)."""
    U.need_qemu()

    def setup(d):
        U.ok(qemu(["create", "-q", "-f", "qcow2", "p.qcow2", "8M"], d))
        qemu_io(["-c", "write -P 2 3M 100k", "p.qcow2"], d)

    same(tmp, ["map", "--output=json", "p.qcow2"], setup)
    same(os.path.join(tmp, "h"), ["map", "p.qcow2"], setup) \
        if not os.mkdir(os.path.join(tmp, "h")) else None


if __name__ == "__main__":
    sys.exit(U.main([v for k, v in list(globals().items())
                     if k.startswith("test_") and callable(v)]))
