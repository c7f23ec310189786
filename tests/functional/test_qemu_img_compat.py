#!/usr/bin/env python3
"""test_qemu_img_compat.py: images are interchangeable with QEMU (issue 9,
"must show" (a) and (b)).
(a) Images made by Keel's qemu-img (v2 and v3; clusters 512 B, 4 KiB,
64 KiB, 2 MiB; refcount widths 1, 16, 64; compressed; backing chains;
internal snapshots) after hundreds of random writes, zero writes and
snapshot operations done by Keel pass QEMU's `qemu-img check` with no
errors and no leaks, and QEMU's `qemu-img compare` against a raw reference
kept by the test says identical.
(b) Images made and written by QEMU (qemu-img create/convert/snapshot and
qemu-io) read back through Keel byte-identically (Keel converts to raw) and
pass Keel's check. The random seed is printed; KEEL_SEED repeats a run.
Prints TAP."""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_qemu_img_util as U  # noqa: E402
from test_qemu_img_util import keel, qemu, qemu_io  # noqa: E402

SEED = int(os.environ.get("KEEL_SEED", random.randrange(1 << 30)))
SIZE = 8 << 20


class Model:
    """A Keel qcow2 image and the raw bytes it must hold."""

    def __init__(self, d, name, ref=None):
        self.d, self.name = d, name
        self.ref = bytearray(SIZE) if ref is None else bytearray(ref)
        self.snaps = {}

    def write(self, rnd, cluster):
        """A run of equal-sized writes of one byte value through Keel's
        `qemu-img bench -w` (count, size, step and offset are random)."""
        size = rnd.choice([512, 4096, cluster, 3 * cluster // 2, 65536])
        size = max(512, min(size, 256 << 10))
        count = rnd.randint(1, 8)
        step = rnd.choice([size, 2 * size, 7 * 4096 + size])
        span = (count - 1) * step + size
        if span > SIZE:
            count, span = 1, size
        off = rnd.randrange(0, (SIZE - span) // 512 + 1) * 512
        pattern = rnd.randint(0, 255)
        U.ok(keel(["bench", "-w", "-q", "-f", "qcow2", "-d", "1", "-c",
                   str(count), "-s", str(size), "-S", str(step), "-o",
                   str(off), f"--pattern={pattern}", self.name], self.d),
             "bench -w")
        for i in range(count):
            o = off + i * step
            self.ref[o:o + size] = bytes([pattern]) * size

    def zero(self, rnd):
        """Zero the start of the image through `convert -n` from a zero
        raw file (zero writes / discards in the qcow2 driver)."""
        n = rnd.choice([64 << 10, 1 << 20])
        zname = os.path.join(self.d, "zero.raw")
        with open(zname, "wb") as f:
            f.truncate(n)
        U.ok(keel(["convert", "-n", "-f", "raw", "-O", "qcow2", "zero.raw",
                   self.name], self.d), "convert -n")
        self.ref[0:n] = bytes(n)

    def snapshot(self, rnd):
        op = rnd.choice(["c", "c", "a", "d"]) if self.snaps else "c"
        if op == "c":
            tag = f"s{len(self.snaps)}-{rnd.randrange(1000)}"
            U.ok(keel(["snapshot", "-c", tag, self.name], self.d), "snap -c")
            self.snaps[tag] = bytes(self.ref)
        else:
            tag = rnd.choice(sorted(self.snaps))
            U.ok(keel(["snapshot", "-" + op, tag, self.name], self.d),
                 f"snap -{op}")
            if op == "a":
                self.ref[:] = self.snaps[tag]
            else:
                del self.snaps[tag]

    def verify(self, what):
        ref = os.path.join(self.d, "ref.raw")
        with open(ref, "wb") as f:
            f.write(self.ref)
        rc, out, err = qemu(["check", self.name], self.d)
        assert rc == 0 and "No errors were found" in out, \
            f"{what}: QEMU check: {out}{err}"
        rc, out, err = qemu(["compare", "-f", "raw", ref, self.name], self.d)
        assert rc == 0, f"{what}: QEMU compare: {out}{err}"


def random_session(d, name, cluster, steps, snapshots, rnd, model=None):
    m = model or Model(d, name)
    for _ in range(steps):
        r = rnd.random()
        if r < 0.75:
            m.write(rnd, cluster)
        elif r < 0.85:
            m.zero(rnd)
        elif snapshots:
            m.snapshot(rnd)
        else:
            m.write(rnd, cluster)
    return m


def keel_matrix_case(tmp, opts, cluster, steps, snapshots, case):
    U.need_qemu()
    rnd = random.Random(f"{SEED}-{case}")
    U.ok(keel(["create", "-q", "-f", "qcow2", "-o", opts, "a.qcow2",
               str(SIZE)], tmp), "create")
    m = random_session(tmp, "a.qcow2", cluster, steps, snapshots, rnd)
    m.verify(f"{opts} (seed {SEED})")
    # Keel's own check agrees.
    rc, out, err = keel(["check", "a.qcow2"], tmp)
    assert rc == 0, f"Keel check: {out}{err}"


def test_v3_64k_refcount16_snapshots(tmp):
    keel_matrix_case(tmp, "compat=1.1,cluster_size=64k,refcount_bits=16",
                     65536, 70, True, 1)


def test_v2_4k_snapshots(tmp):
    keel_matrix_case(tmp, "compat=0.10,cluster_size=4k", 4096, 70, True, 2)


def test_v3_512_refcount1(tmp):
    # One-bit refcounts cannot count a cluster shared by a snapshot.
    keel_matrix_case(tmp, "compat=1.1,cluster_size=512,refcount_bits=1", 512,
                     60, False, 3)


def test_v3_2m_refcount64_snapshots(tmp):
    keel_matrix_case(tmp, "compat=1.1,cluster_size=2M,refcount_bits=64",
                     2 << 20, 30, True, 4)


def test_compressed_then_written(tmp):
    U.need_qemu()
    rnd = random.Random(f"{SEED}-5")
    ref = bytearray(SIZE)
    for _ in range(40):
        o = rnd.randrange(0, SIZE - 65536)
        n = rnd.randrange(1, 65536)
        ref[o:o + n] = ((b"keel compressed %d " % o) * (n // 16 + 1))[:n]
    with open(os.path.join(tmp, "src.raw"), "wb") as f:
        f.write(ref)
    U.ok(keel(["convert", "-c", "-f", "raw", "-O", "qcow2", "-o",
               "compat=0.10", "src.raw", "c.qcow2"], tmp), "convert -c")
    rc, out, _ = qemu(["check", "--output=json", "c.qcow2"], tmp)
    assert rc == 0 and '"compressed-clusters"' in out, out
    m = Model(tmp, "c.qcow2", ref)
    random_session(tmp, "c.qcow2", 65536, 30, True, rnd, m)
    m.verify(f"compressed (seed {SEED})")


def test_backing_chain(tmp):
    U.need_qemu()
    rnd = random.Random(f"{SEED}-6")
    U.ok(keel(["create", "-q", "-f", "qcow2", "base.qcow2", str(SIZE)], tmp))
    base = random_session(tmp, "base.qcow2", 65536, 20, False, rnd)
    base.verify("base")
    U.ok(keel(["create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F",
               "qcow2", "mid.qcow2"], tmp))
    mid = random_session(tmp, "mid.qcow2", 65536, 20, False, rnd,
                         Model(tmp, "mid.qcow2", base.ref))
    U.ok(keel(["create", "-q", "-f", "qcow2", "-o", "cluster_size=4k", "-b",
               "mid.qcow2", "-F", "qcow2", "top.qcow2"], tmp))
    top = random_session(tmp, "top.qcow2", 4096, 20, False, rnd,
                         Model(tmp, "top.qcow2", mid.ref))
    top.verify(f"three-level chain (seed {SEED})")
    # Commit the top into mid: mid then holds top's view; check both.
    U.ok(keel(["commit", "-q", "top.qcow2"], tmp), "commit")
    Model(tmp, "mid.qcow2", top.ref).verify("mid after commit")
    top.verify("top after commit")


def qemu_made_images(d):
    """QEMU writes images of many shapes; returns their names."""
    rnd = random.Random(f"{SEED}-qemu")
    names = []
    for i, opts in enumerate(("compat=1.1,cluster_size=64k",
                              "compat=0.10,cluster_size=4k",
                              "cluster_size=512,refcount_bits=1",
                              "cluster_size=2M,refcount_bits=64",
                              "lazy_refcounts=on",
                              "preallocation=metadata")):
        name = f"q{i}.qcow2"
        U.ok(qemu(["create", "-q", "-f", "qcow2", "-o", opts, name,
                   str(SIZE)], d))
        cmds = []
        for _ in range(40):
            o = rnd.randrange(0, SIZE // 512 - 256) * 512
            n = rnd.randrange(1, 256) * 512
            if rnd.random() < 0.2:
                cmds += ["-c", f"write -z {o} {n}"]
            elif rnd.random() < 0.1:
                cmds += ["-c", f"discard {o} {n}"]
            else:
                cmds += ["-c", f"write -P {rnd.randint(1, 255)} {o} {n}"]
        qemu_io(cmds + [name], d)
        names.append(name)
    with open(os.path.join(d, "mixed.raw"), "wb") as f:
        for i in range(SIZE // 65536):
            f.write(os.urandom(65536) if i % 3 == 0 else
                    (bytes(65536) if i % 3 == 1 else b"qemu" * 16384))
    U.ok(qemu(["convert", "-c", "-O", "qcow2", "mixed.raw", "comp.qcow2"], d))
    names.append("comp.qcow2")
    U.ok(qemu(["snapshot", "-c", "snap1", "q0.qcow2"], d))
    qemu_io(["-c", "write -P 77 0 1M", "q0.qcow2"], d)
    U.ok(qemu(["create", "-q", "-f", "qcow2", "-b", "q0.qcow2", "-F",
               "qcow2", "over.qcow2"], d))
    qemu_io(["-c", "write -P 88 2M 300k", "over.qcow2"], d)
    names.append("over.qcow2")
    return names


def test_qemu_images_read_by_keel(tmp):
    U.need_qemu()
    for name in qemu_made_images(tmp):
        kraw, qraw = name + ".k.raw", name + ".q.raw"
        U.ok(keel(["convert", "-O", "raw", name, kraw], tmp), f"Keel {name}")
        U.ok(qemu(["convert", "-O", "raw", name, qraw], tmp), f"QEMU {name}")
        assert (U.file_digest(os.path.join(tmp, kraw)) ==
                U.file_digest(os.path.join(tmp, qraw))), f"{name} differs"
        rc, out, err = keel(["check", name], tmp)
        assert rc == 0, f"Keel check {name}: {out}{err}"
        rc, out, err = keel(["compare", name, qraw], tmp)
        assert rc == 0 and out == "Images are identical.\n", f"{name}: {out}"
        os.unlink(os.path.join(tmp, kraw))
        os.unlink(os.path.join(tmp, qraw))
    # The snapshot QEMU took reads back through Keel after applying it.
    U.ok(keel(["snapshot", "-a", "snap1", "q0.qcow2"], tmp))
    U.ok(qemu(["check", "q0.qcow2"], tmp))


if __name__ == "__main__":
    print(f"# seed {SEED}")
    sys.exit(U.main([v for k, v in list(globals().items())
                     if k.startswith("test_") and callable(v)]))
