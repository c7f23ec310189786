#!/usr/bin/env python3
"""test_qcow2.py: Keel's qcow2 driver judged by QEMU's tools. Images that
Keel wrote (thousands of random writes, zero writes, discards, compressed
writes, resizes and internal snapshots, in many formats and over backing
chains) must pass QEMU's qemu-img check and compare identical to a raw
reference; images QEMU wrote must read byte-identically through Keel; and
corrupted images must give a clear error or be reported by check, never a
crash. The writer/reader is tests/unit/test-qcow2-stress."""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keeltest  # noqa: E402

BUILD = os.environ.get("KEEL_BUILD_DIR", "build")
TOOL = os.path.join(BUILD, "tests", "unit", "test-qcow2-stress")
QEMU_IMG = "/usr/bin/qemu-img"
QEMU_IO = "/usr/bin/qemu-io"
SANITIZED = "san" in os.path.basename(os.path.abspath(BUILD))
OPS = 600 if SANITIZED else 2500
# The writer flushes often: keep the images on tmpfs when there is one.
if os.path.isdir("/dev/shm"):
    tempfile.tempdir = "/dev/shm"


def need_tools():
    if not os.path.exists(TOOL):
        raise keeltest.Skip("test-qcow2-stress not built")
    if not os.path.exists(QEMU_IMG) or not os.path.exists(QEMU_IO):
        raise keeltest.Skip("QEMU's qemu-img/qemu-io are not installed")


def run(*args, ok=True):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=120)
    if ok:
        assert p.returncode == 0, f"{args}: exit {p.returncode}: {p.stdout}{p.stderr}"
    return p.returncode, p.stdout + p.stderr


def keel_write(d, name, seed, options, ops=OPS):
    """Keel writes a new image; returns (image, raw reference)."""
    img, ref = os.path.join(d, name), os.path.join(d, name + ".ref")
    run(TOOL, "write", img, ref, str(seed), str(ops), options)
    return img, ref


def assert_clean_and_equal(img, ref):
    rc, out = run(QEMU_IMG, "check", img, ok=False)
    assert rc == 0, f"qemu-img check {img}: exit {rc}: {out}"
    assert "No errors were found on the image." in out, out
    rc, out = run(QEMU_IMG, "compare", "-f", "raw", "-F", "qcow2", ref, img, ok=False)
    assert rc == 0, f"qemu-img compare: {out}"


FORMATS = [
    "compat=0.10",
    "compat=0.10,cluster_size=4096",
    "compat=1.1",
    "compat=1.1,cluster_size=512",
    "compat=1.1,cluster_size=4096,refcount_bits=1",
    "compat=1.1,cluster_size=4096,refcount_bits=16",
    "compat=1.1,cluster_size=4096,refcount_bits=64",
    "compat=1.1,cluster_size=1024,refcount_bits=8",
    "compat=1.1,cluster_size=2097152",
    "compat=1.1,cluster_size=65536,lazy_refcounts=on",
]


def test_keel_images_pass_qemu_check(tmp):
    need_tools()
    for seed, fmt in enumerate(FORMATS):
        ops = OPS // 10 if "2097152" in fmt else OPS
        img, ref = keel_write(tmp, f"f{seed}.qcow2", seed, fmt, ops)
        assert_clean_and_equal(img, ref)
        if "lazy" not in fmt:
            os.unlink(img)


def test_keel_overlay_over_backing_chain(tmp):
    """A chain base <- mid (QEMU) <- top (Keel); top is judged alone and
    through the chain."""
    need_tools()
    base, mid = os.path.join(tmp, "base.qcow2"), os.path.join(tmp, "mid.qcow2")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", base, "1M")
    run(QEMU_IO, "-c", "write -P 0x11 0 1M", base)
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2",
        "-o", "cluster_size=65536", mid)
    run(QEMU_IO, "-c", "write -P 0x22 100k 300k", "-c", "write -z 600k 64k", mid)
    img, ref = keel_write(tmp, "top.qcow2", 7,
                          "backing_file=mid.qcow2,backing_fmt=qcow2,cluster_size=4096")
    assert_clean_and_equal(img, ref)
    # A Keel overlay over the Keel overlay.
    img2, ref2 = keel_write(tmp, "top2.qcow2", 8,
                            "backing_file=top.qcow2,backing_fmt=qcow2,compat=0.10")
    assert_clean_and_equal(img2, ref2)
    rc, out = run(QEMU_IMG, "info", "--backing-chain", img2)
    assert out.count("backing file format: qcow2") == 3, out


def qemu_made_image(tmp, name, opts, compress):
    """An image QEMU wrote: converted data (optionally compressed), then
    plain writes, zero writes, discards and a snapshot with writes after."""
    raw = os.path.join(tmp, "src.raw")
    if not os.path.exists(raw):
        with open(raw, "wb") as f:
            for i in range(48):
                f.write(bytes([(i * 37 + j) & 0xff for j in range(256)]) * 256)
    img = os.path.join(tmp, name)
    args = [QEMU_IMG, "convert", "-O", "qcow2"] + (["-c"] if compress else [])
    run(*args, "-o", opts, raw, img)
    run(QEMU_IO, "-c", "write -P 0xab 100k 64k", "-c", "write -z 1M 256k",
        "-c", "discard 2M 128k", img)
    if "refcount_bits=1" not in opts:
        run(QEMU_IMG, "snapshot", "-c", "s1", img)
        run(QEMU_IO, "-c", "write -P 0xcd 0 8k", "-c", "write -P 0xef 2500k 3k", img)
    return img


def keel_read(img, out):
    rc, text = run(TOOL, "read", img, out, ok=False)
    assert rc == 0, f"Keel cannot read {img}: {text}"
    with open(out, "rb") as f:
        return f.read()


def qemu_read(img, out):
    run(QEMU_IMG, "convert", "-O", "raw", img, out)
    with open(out, "rb") as f:
        return f.read()


def test_qemu_images_read_identically(tmp):
    need_tools()
    n = 0
    for opts in ["compat=0.10", "compat=1.1", "cluster_size=512", "cluster_size=2M",
                 "refcount_bits=1", "refcount_bits=64,cluster_size=4096"]:
        for compress in (False, True):
            img = qemu_made_image(tmp, f"q{n}.qcow2", opts, compress)
            n += 1
            mine = keel_read(img, img + ".keel")
            theirs = qemu_read(img, img + ".qemu")
            assert mine == theirs, f"{opts} compress={compress}: contents differ"


def test_snapshots_between_keel_and_qemu(tmp):
    """Keel applies and deletes a snapshot QEMU took; QEMU applies one Keel
    took; QEMU's check stays clean throughout."""
    need_tools()
    img = qemu_made_image(tmp, "snap.qcow2", "compat=1.1", False)
    taken = qemu_read(img, os.path.join(tmp, "taken.raw"))
    run(QEMU_IMG, "snapshot", "-c", "s2", img)
    run(QEMU_IO, "-c", "write -P 0x77 0 1M", img)
    run(TOOL, "snapshot", img, "apply", "s2")
    run(QEMU_IMG, "check", img)
    assert qemu_read(img, os.path.join(tmp, "a.raw")) == taken
    run(TOOL, "snapshot", img, "delete", "s1")
    run(QEMU_IMG, "check", img)
    rc, out = run(QEMU_IMG, "snapshot", "-l", img)
    assert " s2 " in out and " s1 " not in out, out
    run(TOOL, "snapshot", img, "create", "keel1")
    run(QEMU_IO, "-c", "write -P 0x99 0 2M", img)
    run(QEMU_IMG, "check", img)
    run(QEMU_IMG, "snapshot", "-a", "keel1", img)
    run(QEMU_IMG, "check", img)
    assert qemu_read(img, os.path.join(tmp, "b.raw")) == taken
    rc, out = run(TOOL, "snapshot", img, "delete", "nosuch", ok=False)
    assert rc == 1 and "Can't find the snapshot" in out, out


def corrupt(src, dst, patches):
    shutil.copy(src, dst)
    with open(dst, "r+b") as f:
        for off, fmt, val in patches:
            f.seek(off)
            f.write(struct.pack(fmt, val))
    return dst


def keel_open(img):
    p = subprocess.run([TOOL, "open", img], capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), f"{img}: exit {p.returncode}: {p.stderr}"
    for bad in ("Sanitizer", "runtime error"):
        assert bad not in p.stderr, f"{img}: {p.stderr}"
    return p.returncode, p.stdout + p.stderr


def test_corrupted_images(tmp):
    need_tools()
    base = os.path.join(tmp, "base.qcow2")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", base, "1M")
    run(QEMU_IO, "-c", "write -P 0x5a 0 256k", base)
    with open(base, "rb") as f:
        b = f.read()
    l1 = struct.unpack(">Q", b[40:48])[0]
    l1e = struct.unpack(">Q", b[l1:l1 + 8])[0]
    comp = os.path.join(tmp, "comp.qcow2")
    raw = os.path.join(tmp, "c.raw")
    with open(raw, "wb") as f:
        f.write(b"keel" * 65536)
    run(QEMU_IMG, "convert", "-c", "-O", "qcow2", raw, comp)
    with open(comp, "rb") as f:
        c = f.read()
    cl1 = struct.unpack(">Q", c[40:48])[0]
    cl2 = struct.unpack(">Q", c[cl1:cl1 + 8])[0] & 0x00fffffffffffe00
    cl2e = struct.unpack(">Q", c[cl2:cl2 + 8])[0]

    trunc = os.path.join(tmp, "trunc.qcow2")
    with open(trunc, "wb") as f:
        f.write(b[:50])
    cases = [
        (trunc, "qcow2 header too short"),
        (corrupt(base, os.path.join(tmp, "l1.qcow2"), [(36, ">I", 0x7fffffff)]),
         "Active L1 table too large"),
        (corrupt(base, os.path.join(tmp, "rt.qcow2"), [(48, ">Q", 1 << 32)]),
         "Reference count table extends beyond the end of the image"),
        (corrupt(base, os.path.join(tmp, "cb.qcow2"), [(20, ">I", 31)]),
         "Unsupported cluster size: 2^31"),
        (corrupt(base, os.path.join(tmp, "ro.qcow2"), [(96, ">I", 7)]),
         "Reference count entry width too large; may not exceed 64 bits"),
        (corrupt(base, os.path.join(tmp, "sn.qcow2"), [(60, ">I", 1),
                                                        (64, ">Q", 1 << 30)]),
         "Snapshot table is beyond the end of the image"),
        (corrupt(base, os.path.join(tmp, "ver.qcow2"), [(4, ">I", 4)]),
         "Unsupported qcow2 version 4"),
        (corrupt(base, os.path.join(tmp, "feat.qcow2"), [(72, ">Q", 1 << 40)]),
         "Unsupported IMAGE feature(s): Unknown incompatible feature: 10000000000"),
        (corrupt(base, os.path.join(tmp, "l2.qcow2"), [(l1, ">Q", l1e + 0x200)]),
         "ERROR l2_offset=40200: Table is not cluster aligned; L1 entry corrupted"),
        (corrupt(comp, os.path.join(tmp, "cpast.qcow2"),
                 [(cl2, ">Q", (cl2e & ~0x3fffffffffffff) | 0x3fffff0000)]),
         "beyond the end of the image"),
    ]
    for img, msg in cases:
        rc, out = keel_open(img)
        assert msg in out, f"{os.path.basename(img)}: {out!r} lacks {msg!r}"
    # Corruption found by check is reported, not fatal.
    rc, out = keel_open(os.path.join(tmp, "l2.qcow2"))
    assert rc == 0 and "corruptions=0" not in out, out
    # An image marked corrupt opens read-only only.
    marked = corrupt(base, os.path.join(tmp, "marked.qcow2"), [(72, ">Q", 2)])
    rc, out = run(TOOL, "write", marked, os.path.join(tmp, "x.raw"), "1", "1", ok=False)
    assert rc == 1, out
    assert "qcow2: Image is corrupt; cannot be opened read/write" in out, out
    rc, out = keel_open(marked)
    assert rc == 0, out


def test_backing_file_loop(tmp):
    need_tools()
    a, b = os.path.join(tmp, "a.qcow2"), os.path.join(tmp, "b.qcow2")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", a, "1M")
    run(QEMU_IMG, "create", "-q", "-f", "qcow2", "-b", "a.qcow2", "-F", "qcow2", b)
    run(QEMU_IMG, "rebase", "-u", "-f", "qcow2", "-b", "b.qcow2", "-F", "qcow2", a)
    rc, out = keel_open(b)
    assert rc == 1 and "infinite loop" in out, out


if __name__ == "__main__":
    sys.exit(keeltest.main(keeltest.tests_of(globals()), tmp_prefix="keel-qcow2-"))
