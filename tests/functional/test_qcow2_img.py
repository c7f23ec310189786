#!/usr/bin/env python3
"""test_qcow2_img.py: the qcow2 driver through Keel's qemu-img, judged by
QEMU's: preallocation, info's format-specific fields, amend between compat
levels, rebase -u, commit, check -r leaks, repair of a dirty image on open,
and the corrupt bit set when a write meets broken metadata."""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keeltest  # noqa: E402

BUILD = os.environ.get("KEEL_BUILD_DIR", "build")
KEEL_IMG = os.path.join(BUILD, "qemu-img")
TOOL = os.path.join(BUILD, "tests", "unit", "test-qcow2-stress")
QEMU_IMG = "/usr/bin/qemu-img"
QEMU_IO = "/usr/bin/qemu-io"
if os.path.isdir("/dev/shm"):
    tempfile.tempdir = "/dev/shm"


def need_tools():
    for p in (KEEL_IMG, TOOL):
        if not os.path.exists(p):
            raise keeltest.Skip(f"{os.path.basename(p)} not built")
    if not os.path.exists(QEMU_IMG) or not os.path.exists(QEMU_IO):
        raise keeltest.Skip("QEMU's qemu-img/qemu-io are not installed")


def run(*args, rc=0):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=120)
    if rc is not None:
        assert p.returncode == rc, \
            f"{args}: exit {p.returncode} (wanted {rc}): {p.stdout}{p.stderr}"
    return p.stdout + p.stderr


def qemu_check_clean(img):
    out = run(QEMU_IMG, "check", img)
    assert "No errors were found on the image." in out, out


def info(prog, img):
    return json.loads(run(prog, "info", "--output=json", img))


def test_preallocation_matches_qemu(tmp):
    need_tools()
    for mode in ("off", "metadata", "falloc", "full"):
        k, q = os.path.join(tmp, f"k-{mode}.qcow2"), os.path.join(tmp, f"q-{mode}.qcow2")
        run(KEEL_IMG, "create", "-q", "-f", "qcow2", "-o", f"preallocation={mode}", k, "4M")
        run(QEMU_IMG, "create", "-q", "-f", "qcow2", "-o", f"preallocation={mode}", q, "4M")
        qemu_check_clean(k)
        assert run(QEMU_IMG, "map", "--output=json", k) == \
            run(QEMU_IMG, "map", "--output=json", q), mode
        assert os.path.getsize(k) == os.path.getsize(q), mode


def test_format_specific_info(tmp):
    need_tools()
    for opts in ("compat=0.10", "compat=1.1", "compat=1.1,lazy_refcounts=on",
                 "refcount_bits=64,cluster_size=4096"):
        img = os.path.join(tmp, "i.qcow2")
        run(QEMU_IMG, "create", "-q", "-f", "qcow2", "-o", opts, img, "1G")
        mine, theirs = info(KEEL_IMG, img), info(QEMU_IMG, img)
        assert mine["format-specific"] == theirs["format-specific"], (opts, mine, theirs)
        assert mine["cluster-size"] == theirs["cluster-size"], opts
        os.unlink(img)


def test_amend_compat_keeps_data(tmp):
    need_tools()
    img, raw = os.path.join(tmp, "a.qcow2"), os.path.join(tmp, "a.raw")
    run(KEEL_IMG, "create", "-q", "-f", "qcow2", img, "2M")
    run(QEMU_IO, "-c", "write -P 0x42 0 100k", "-c", "write -P 0x43 1M 64k", img)
    run(QEMU_IMG, "convert", "-O", "raw", img, raw)
    run(KEEL_IMG, "amend", "-o", "compat=0.10", img)
    assert info(QEMU_IMG, img)["format-specific"]["data"]["compat"] == "0.10"
    qemu_check_clean(img)
    run(KEEL_IMG, "amend", "-o", "compat=1.1,lazy_refcounts=on", img)
    data = info(QEMU_IMG, img)["format-specific"]["data"]
    assert data["compat"] == "1.1" and data["lazy-refcounts"], data
    qemu_check_clean(img)
    run(QEMU_IMG, "compare", "-f", "raw", raw, img)
    # Zero clusters (plain and preallocated) turn into v2-readable clusters.
    run(QEMU_IO, "-c", "write -z 0 64k", "-c", "write -z 1M 64k", img)
    run(QEMU_IO, "-c", "write -z 1536k 64k", img)
    run(QEMU_IMG, "convert", "-O", "raw", img, raw)
    run(KEEL_IMG, "amend", "-o", "compat=0.10,lazy_refcounts=off", img)
    assert info(QEMU_IMG, img)["format-specific"]["data"]["compat"] == "0.10"
    qemu_check_clean(img)
    run(QEMU_IMG, "compare", "-f", "raw", raw, img)


def test_rebase_unsafe_and_commit(tmp):
    need_tools()
    base, base2, top = (os.path.join(tmp, n) for n in ("b.qcow2", "b2.qcow2", "t.qcow2"))
    for b in (base, base2):
        run(QEMU_IMG, "create", "-q", "-f", "qcow2", b, "1M")
    run(QEMU_IO, "-c", "write -P 0x11 0 1M", base)
    run(KEEL_IMG, "create", "-q", "-f", "qcow2", "-b", "b.qcow2", "-F", "qcow2", top)
    run(QEMU_IO, "-c", "write -P 0x22 64k 128k", top)
    expect = os.path.join(tmp, "expect.raw")
    run(QEMU_IMG, "convert", "-O", "raw", top, expect)
    run(KEEL_IMG, "commit", top)
    qemu_check_clean(top)
    qemu_check_clean(base)
    run(QEMU_IMG, "compare", "-f", "raw", expect, base)
    out = run(QEMU_IMG, "map", "--output=json", top)
    assert '"depth": 0' not in out, f"commit left data in the overlay: {out}"
    run(KEEL_IMG, "rebase", "-u", "-b", "b2.qcow2", "-F", "qcow2", top)
    i = info(QEMU_IMG, top)
    assert i["backing-filename"] == "b2.qcow2" and i["backing-filename-format"] == "qcow2", i
    qemu_check_clean(top)


def set_refcount(img, cluster, value):
    """Patch a 16-bit refcount entry (refcount block 0) of a QEMU image."""
    with open(img, "r+b") as f:
        h = f.read(104)
        rt = struct.unpack(">Q", h[48:56])[0]
        f.seek(rt)
        rb = struct.unpack(">Q", f.read(8))[0]
        f.seek(rb + 2 * cluster)
        f.write(struct.pack(">H", value))


def test_check_repairs_leaks(tmp):
    need_tools()
    img = os.path.join(tmp, "l.qcow2")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", img, "1M")
    run(QEMU_IO, "-c", "write -P 1 0 64k", img)
    size = os.path.getsize(img)
    with open(img, "ab") as f:
        f.write(b"\0" * (2 * 65536 - size % 65536))
    leak = (os.path.getsize(img) >> 16) - 1
    set_refcount(img, leak, 1)
    out = run(KEEL_IMG, "check", img, rc=3)
    assert f"Leaked cluster {leak} refcount=1 reference=0" in out, out
    assert "1 leaked clusters were found on the image." in out, out
    run(KEEL_IMG, "check", "-r", "leaks", img)
    qemu_check_clean(img)


def test_dirty_image_repaired_on_open(tmp):
    """A lazy-refcounts image left dirty with a leak is repaired when Keel
    opens it read-write, as QEMU does."""
    need_tools()
    img = os.path.join(tmp, "d.qcow2")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", img, "1M")
    run(QEMU_IO, "-c", "write -P 1 0 64k", img)
    with open(img, "ab") as f:
        f.write(b"\0" * (2 * 65536 - os.path.getsize(img) % 65536))
    set_refcount(img, (os.path.getsize(img) >> 16) - 1, 1)
    with open(img, "r+b") as f:
        f.seek(72)
        f.write(struct.pack(">Q", 1))   # dirty
    assert info(QEMU_IMG, img)["dirty-flag"]
    run(TOOL, "pwrite", img, "0", "512")
    assert not info(QEMU_IMG, img)["dirty-flag"]
    qemu_check_clean(img)


def test_corruption_marks_image_corrupt(tmp):
    need_tools()
    img = os.path.join(tmp, "c.qcow2")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", img, "1M")
    run(QEMU_IO, "-c", "write -P 1 0 64k", img)
    with open(img, "r+b") as f:
        h = f.read(104)
        l1 = struct.unpack(">Q", h[40:48])[0]
        f.seek(l1)
        l2 = struct.unpack(">Q", f.read(8))[0] & 0x00fffffffffffe00
        f.seek(l2)
        e = struct.unpack(">Q", f.read(8))[0]
        f.seek(l2)
        f.write(struct.pack(">Q", e + 0x200))   # data cluster offset unaligned
    out = run(TOOL, "pwrite", img, "0", "512", rc=1)
    assert "qcow2: Marking image as corrupt: Cluster allocation offset" in out, out
    assert "further corruption events will be suppressed" in out, out
    assert info(QEMU_IMG, img)["format-specific"]["data"]["corrupt"] is True
    out = run(TOOL, "pwrite", img, "0", "512", rc=1)
    assert "qcow2: Image is corrupt; cannot be opened read/write" in out, out
    shutil.copy(img, img + ".copy")
    run(KEEL_IMG, "info", img)   # read-only still works


def test_unknown_header_extension_survives_rewrite(tmp):
    """An extension Keel does not know is written back on a header rewrite."""
    need_tools()
    img = os.path.join(tmp, "e.qcow2")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", img, "1M")
    with open(img, "r+b") as f:
        h = f.read(4096)
        off = struct.unpack(">I", h[100:104])[0]
        while struct.unpack(">I", h[off:off + 4])[0] != 0:
            off += 8 + ((struct.unpack(">I", h[off + 4:off + 8])[0] + 7) & ~7)
        f.seek(off)
        f.write(struct.pack(">II", 0x4b45454c, 5) + b"keel!\0\0\0" + b"\0" * 8)
    run(KEEL_IMG, "amend", "-o", "lazy_refcounts=on", img)
    with open(img, "rb") as f:
        h = f.read(4096)
    assert struct.pack(">II", 0x4b45454c, 5) + b"keel!" in h, "extension lost"
    assert info(QEMU_IMG, img)["format-specific"]["data"]["lazy-refcounts"] is True
    qemu_check_clean(img)


if __name__ == "__main__":
    sys.exit(keeltest.main(keeltest.tests_of(globals()), tmp_prefix="keel-qcow2img-"))
