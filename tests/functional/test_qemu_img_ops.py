#!/usr/bin/env python3
"""test_qemu_img_ops.py: the qemu-img subcommands that change or copy
images (compare, convert, resize, snapshot, commit, rebase, amend, measure,
dd, bench, locking), Keel against QEMU 7.2's /usr/bin/qemu-img on identical
copies of the same images: output and exit status byte for byte, and the
images Keel wrote pass QEMU's check with the content QEMU expects. Prints
TAP."""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_qemu_img_util as U  # noqa: E402
from test_qemu_img_util import qemu, qemu_io, same, same_json  # noqa: E402
from test_qemu_img import mk_images  # noqa: E402


def test_compare(tmp):
    U.need_qemu()

    def setup(d):
        mk_images(d)
        U.ok(qemu(["convert", "-O", "raw", "q.qcow2", "q.raw"], d))
        U.ok(qemu(["create", "-q", "-f", "raw", "z.raw", "64M"], d))
        U.ok(qemu(["create", "-q", "-f", "raw", "big.raw", "65M"], d))
        with open(os.path.join(d, "one.raw"), "wb") as f:
            f.truncate(1 << 20)
            f.seek(1000)
            f.write(b"x")

    for i, args in enumerate((["compare", "q.qcow2", "q.raw"],
                              ["compare", "q.qcow2", "z.raw"],
                              ["compare", "-s", "q.qcow2", "z.raw"],
                              ["compare", "-f", "raw", "-F", "raw", "z.raw",
                               "big.raw"],
                              ["compare", "-s", "-f", "raw", "-F", "raw",
                               "z.raw", "big.raw"],
                              ["compare", "-f", "raw", "-F", "raw", "one.raw",
                               "z.raw"],
                              ["compare", "-q", "q.qcow2", "z.raw"],
                              ["compare", "nonexist", "z.raw"],
                              ["compare", "-f", "raw", "-F", "qcow2", "z.raw",
                               "z.raw"])):
        d = os.path.join(tmp, f"c{i}")
        os.mkdir(d)
        same(d, args, setup)


def test_convert_roundtrip(tmp):
    U.need_qemu()

    def setup(d):
        mk_images(d)

    d = os.path.join(tmp, "c")
    os.mkdir(d)
    kdir, _ = U.twin_dirs(d, setup)
    for args in (["convert", "-O", "qcow2", "raw.img", "a.qcow2"],
                 ["convert", "-c", "-O", "qcow2", "q.qcow2", "c.qcow2"],
                 ["convert", "-O", "qcow2", "-o", "compat=0.10,cluster_size=512",
                  "over.qcow2", "v2c.qcow2"],
                 ["convert", "-O", "raw", "over.qcow2", "over.raw"],
                 ["convert", "-S", "0", "-O", "raw", "q.qcow2", "full.raw"]):
        rc, out, err = U.keel(args, kdir)
        assert rc == 0 and out == "" and err == "", f"{args}: {err!r}"
        dst, src = args[-1], args[-2]
        if dst.endswith(".qcow2"):
            U.ok(qemu(["check", dst], kdir), f"check {dst}")
        rc, out, _ = qemu(["compare", src, dst], kdir)
        assert rc == 0 and out == "Images are identical.\n", f"{args}: {out}"
    # Sparse: zero areas of the source are holes in a raw target.
    st = os.stat(os.path.join(kdir, "over.raw"))
    assert st.st_blocks * 512 < st.st_size // 4, "convert output not sparse"
    st = os.stat(os.path.join(kdir, "full.raw"))
    assert st.st_blocks * 512 >= st.st_size, "-S 0 must allocate everything"
    # -B: the target only holds what differs from its backing file.
    U.ok(U.keel(["convert", "-O", "qcow2", "-B", "q.qcow2", "-F", "qcow2",
                 "over.qcow2", "b.qcow2"], kdir))
    rc, out, _ = qemu(["compare", "over.qcow2", "b.qcow2"], kdir)
    assert rc == 0, out
    kj = json.loads(U.ok(qemu(["info", "--output=json",
                                             "b.qcow2"], kdir)))
    assert kj["backing-filename"] == "q.qcow2"


def test_convert_more(tmp):
    """Several sources, -W -m, -n into an existing image, and -p."""
    U.need_qemu()
    d = os.path.join(tmp, "c")
    os.mkdir(d)
    kdir, _ = U.twin_dirs(d, mk_images)
    U.ok(U.keel(["convert", "-W", "-m", "3", "-O", "qcow2", "raw.img",
                 "q.qcow2", "v2.qcow2", "cat.qcow2"], kdir))
    U.ok(qemu(["convert", "-O", "raw", "raw.img", "q.qcow2", "v2.qcow2",
               "cat.raw"], kdir))
    U.ok(qemu(["check", "cat.qcow2"], kdir))
    rc, out, _ = qemu(["compare", "-f", "raw", "cat.raw", "cat.qcow2"], kdir)
    assert rc == 0, f"three sources: {out}"
    # -n: into an existing (bigger) image; without --target-is-zero the
    # old content of the target must be overwritten with the zeroes.
    U.ok(qemu(["create", "-q", "-f", "qcow2", "t.qcow2", "128M"], kdir))
    qemu_io(["-c", "write -P 5 0 64M", "t.qcow2"], kdir)
    U.ok(U.keel(["convert", "-n", "-O", "qcow2", "q.qcow2", "t.qcow2"], kdir))
    rc, out, _ = qemu(["compare", "q.qcow2", "t.qcow2"], kdir)
    assert rc == 0, f"convert -n: {out}"
    U.ok(qemu(["check", "t.qcow2"], kdir))
    # -p: progress from 0 to 100 % on stdout, one carriage return each.
    rc, out, err = U.keel(["convert", "-p", "-O", "raw", "q.qcow2", "p.raw"],
                          kdir)
    assert rc == 0 and err == "", err
    steps = out.split("\r")
    assert steps[0] == "    (0.00/100%)" and steps[-2] == "    (100.00/100%)" \
        and steps[-1] == "\n", repr(out)
    pct = [float(x.strip()[1:].split("/")[0]) for x in steps[:-1]]
    assert pct == sorted(pct), repr(out)


def test_convert_errors(tmp):
    U.need_qemu()
    for i, args in enumerate((["convert", "-O", "foo", "raw.img", "o"],
                              ["convert", "-O", "raw", "nonexist", "o"],
                              ["convert", "-c", "-O", "raw", "raw.img", "o"],
                              ["convert", "-S", "1000", "raw.img", "o"],
                              ["convert", "-m", "0", "raw.img", "o"],
                              ["convert", "raw.img"],
                              ["convert", "--target-is-zero", "raw.img", "o"],
                              ["convert", "-O", "qcow2", "-o", "foo=1",
                               "raw.img", "o"])):
        d = os.path.join(tmp, f"e{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args, mk_images)
        assert k[0] == q[0] and k[2] == q[2], f"{args}: {k!r} vs {q!r}"


def test_resize(tmp):
    U.need_qemu()
    for i, args in enumerate((["resize", "-f", "raw", "raw.img", "+1M"],
                              ["resize", "-f", "raw", "raw.img", "1M"],
                              ["resize", "-f", "raw", "--shrink", "raw.img",
                               "1M"],
                              ["resize", "-f", "raw", "raw.img", "1X"],
                              ["resize", "q.qcow2", "+64M"],
                              ["resize", "q.qcow2", "-1M"],
                              ["resize", "-q", "q.qcow2", "100M"])):
        d = os.path.join(tmp, f"r{i}")
        os.mkdir(d)
        img = args[-2]
        k, q = U.side_by_side(d, args, mk_images)
        assert k == q, f"{args}: {k!r} vs {q!r}"
        ksize = U.keel(["info", "--output=json", img], os.path.join(d, "k"))[1]
        qsize = qemu(["info", "--output=json", img], os.path.join(d, "q"))[1]
        ks, qs = (json.loads(x)["virtual-size"] for x in (ksize, qsize))
        assert ks == qs, f"{args}: virtual size {ks} after Keel, {qs} after QEMU"
        if img.endswith(".qcow2"):
            U.ok(qemu(["check", img], os.path.join(d, "k")))


def test_snapshot(tmp):
    U.need_qemu()
    for i, args in enumerate((["snapshot", "-l", "snap.qcow2"],
                              ["snapshot", "-l", "q.qcow2"],
                              ["snapshot", "-c", "third", "snap.qcow2"],
                              ["snapshot", "-a", "first", "snap.qcow2"],
                              ["snapshot", "-d", "first", "snap.qcow2"],
                              ["snapshot", "-d", "2", "snap.qcow2"],
                              ["snapshot", "-d", "nope", "snap.qcow2"],
                              ["snapshot", "-a", "nope", "snap.qcow2"],
                              ["snapshot", "-l", "-c", "x", "snap.qcow2"],
                              ["snapshot", "snap.qcow2"])):
        d = os.path.join(tmp, f"s{i}")
        os.mkdir(d)
        same(d, args, mk_images)
        if args[1] != "-l":
            kd = os.path.join(d, "k")
            U.ok(qemu(["check", "snap.qcow2"], kd))
            k = normalise_list(qemu(["snapshot", "-l", "snap.qcow2"], kd))
            q = normalise_list(qemu(["snapshot", "-l", "snap.qcow2"],
                                    os.path.join(d, "q")))
            assert k == q, f"{args}: {k} vs {q}"
    # Applying the first snapshot brings back its (empty) content.
    d = os.path.join(tmp, "s3", "k")
    rc, out, _ = qemu(["compare", "-f", "qcow2", "snap.qcow2", "raw.img"], d)
    assert "Content mismatch at offset 0!" in out


def normalise_list(res):
    """snapshot -l output without dates and times (they differ by run)."""
    return [line.split()[:2] for line in res[1].splitlines()[2:]]


def chain_setup(dd):
    mk_images(dd)
    U.ok(qemu(["convert", "-O", "raw", "over.qcow2", "view.raw"], dd))


def test_commit_and_rebase(tmp):
    U.need_qemu()
    for i, args in enumerate((["commit", "over.qcow2"],
                              ["commit", "-d", "over.qcow2"],
                              ["commit", "q.qcow2"],
                              ["rebase", "-b", "", "over.qcow2"],
                              ["rebase", "-u", "-b", "v2.qcow2", "-F", "qcow2",
                               "over.qcow2"],
                              ["rebase", "-b", "raw.img", "-F", "raw",
                               "over.qcow2"],
                              ["rebase", "-b", "q.qcow2", "over.qcow2"])):
        d = os.path.join(tmp, f"c{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args, chain_setup)
        assert k == q, f"{args}: {k!r} vs {q!r}"
        kd = os.path.join(d, "k")
        for img in ("over.qcow2", "q.qcow2"):
            U.ok(qemu(["check", img], kd), f"{args} check {img}")
        if args[0] == "commit" and k[0] == 0:
            rc, out, _ = qemu(["compare", "q.qcow2", "view.raw"], kd)
            assert rc == 0, f"{args}: base after commit: {out}"
        if args[0] == "rebase" and "-u" not in args and k[0] == 0:
            rc, out, _ = qemu(["compare", "over.qcow2", "view.raw"], kd)
            assert rc == 0, f"{args}: content changed by rebase: {out}"


def test_amend(tmp):
    U.need_qemu()
    for i, args in enumerate((["amend", "-o", "compat=0.10", "q.qcow2"],
                              ["amend", "-o", "lazy_refcounts=on", "q.qcow2"],
                              ["amend", "-f", "raw", "-o", "size=1",
                               "raw.img"],
                              ["amend", "-o", "compat=1.1", "v2.qcow2"],
                              ["amend", "-o", "help", "q.qcow2"],
                              ["amend", "-f", "raw", "-o", "help"])):
        d = os.path.join(tmp, f"a{i}")
        os.mkdir(d)
        k, q = U.side_by_side(d, args, mk_images)
        if "help" in args:
            # Keel has no encryption: QEMU's encrypt.* options are absent.
            q = (q[0], "".join(line for line in q[1].splitlines(True)
                               if "encrypt." not in line), q[2])
        assert k == q, f"{args}: {k!r} vs {q!r}"
        img = args[-1]
        if img == "help":
            continue
        kinfo = U.keel(["info", "--output=json", img], os.path.join(d, "k"))
        qinfo = qemu(["info", "--output=json", img], os.path.join(d, "q"))
        kj, qj = (json.loads(r[1]) for r in (kinfo, qinfo))
        # Written by different programs: the host file's allocation may
        # differ; every other field must agree.
        del kj["actual-size"], qj["actual-size"]
        U.json_agree(kj, qj)
        if img.endswith(".qcow2"):
            U.ok(qemu(["check", img], os.path.join(d, "k")))


def test_measure(tmp):
    U.need_qemu()
    for i, args in enumerate((["measure", "-O", "qcow2", "--size", "1G"],
                              ["measure", "-O", "qcow2", "-o",
                               "cluster_size=4k", "--size", "1G"],
                              ["measure", "--output=json", "-O", "qcow2",
                               "q.qcow2"],
                              ["measure", "-O", "qcow2", "over.qcow2"],
                              ["measure", "-O", "raw", "q.qcow2"],
                              ["measure", "--size", "1G"],
                              ["measure", "q.qcow2", "--size", "1G"],
                              ["measure", "-O", "qcow2", "-o",
                               "preallocation=full", "--size", "1G"],
                              ["measure", "-O", "qcow2", "-o",
                               "cluster_size=2M,refcount_bits=64", "--size",
                               "100G"])):
        d = os.path.join(tmp, f"m{i}")
        os.mkdir(d)
        same(d, args, mk_images)


def test_dd(tmp):
    U.need_qemu()

    def setup(d):
        with open(os.path.join(d, "in.raw"), "wb") as f:
            f.write(os.urandom(1 << 20))

    for i, args in enumerate((["dd", "if=in.raw", "of=o.raw", "bs=4k",
                               "count=2", "skip=1"],
                              ["dd", "if=in.raw", "of=o.raw", "bs=x"],
                              ["dd", "if=in.raw", "of=o.raw", "foo=1"],
                              ["dd", "if=in.raw"],
                              ["dd", "-f", "raw", "if=in.raw", "of=o.raw",
                               "skip=100000"],
                              ["dd", "-f", "raw", "if=in.raw", "of=o.raw"],
                              ["dd", "-f", "raw", "-O", "qcow2", "if=in.raw",
                               "of=o.qcow2", "bs=64k"])):
        d = os.path.join(tmp, f"d{i}")
        os.mkdir(d)
        same(d, args, setup, files=("o.raw",))
        if "of=o.qcow2" in args:
            kd = os.path.join(d, "k")
            U.ok(qemu(["check", "o.qcow2"], kd))
            rc, out, _ = qemu(["compare", "-f", "raw", "in.raw", "o.qcow2"], kd)
            assert rc == 0, out


def test_bench(tmp):
    U.need_qemu()

    def setup(d):
        with open(os.path.join(d, "b.raw"), "wb") as f:
            f.truncate(1 << 20)

    for i, args in enumerate((["bench", "-c", "1000", "-f", "raw", "b.raw"],
                              ["bench", "-w", "-c", "1000", "-d", "4", "-s",
                               "8k", "-S", "16k", "-o", "4096",
                               "--flush-interval=100", "-f", "raw", "b.raw"],
                              ["bench", "-w", "-c", "300", "--pattern=5", "-f",
                               "raw", "b.raw"],
                              ["bench", "-c", "-5", "-f", "raw", "b.raw"],
                              ["bench", "--flush-interval=10", "-f", "raw",
                               "b.raw"],
                              ["bench", "-w", "-c", "100",
                               "--flush-interval=10", "-f", "raw", "b.raw"],
                              ["bench", "-c", "10", "-s", "2M", "-f", "raw",
                               "b.raw"])):
        d = os.path.join(tmp, f"b{i}")
        os.mkdir(d)
        same(d, args, setup, files=("b.raw",))


def test_locked_image(tmp):
    U.need_qemu()
    if not os.access(U.QEMU_IO, os.X_OK):
        raise U.Skip("qemu-io is not installed")
    U.ok(qemu(["create", "-q", "-f", "qcow2", "l.qcow2", "1M"], tmp))
    # QEMU's qemu-io holds the image open for writing meanwhile.
    holder = subprocess.Popen([U.QEMU_IO, "-c", "sleep 20000", "l.qcow2"],
                              cwd=tmp, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if qemu(["info", "l.qcow2"], tmp)[0] != 0:
                break
            time.sleep(0.05)
        for args in (["info", "l.qcow2"], ["check", "l.qcow2"],
                     ["resize", "l.qcow2", "2M"],
                     ["snapshot", "-c", "s", "l.qcow2"]):
            k, q = U.keel(args, tmp), qemu(args, tmp)
            assert k == q, f"{args}: Keel {k!r} QEMU {q!r}"
        # -U reads it anyway.
        k, q = U.keel(["info", "-U", "l.qcow2"], tmp), qemu(["info", "-U",
                                                               "l.qcow2"], tmp)
        assert k == q and k[0] == 0, f"{k!r} vs {q!r}"
    finally:
        holder.kill()
        holder.wait()


if __name__ == "__main__":
    sys.exit(U.main([v for k, v in list(globals().items())
                     if k.startswith("test_") and callable(v)]))
