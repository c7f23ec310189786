#!/usr/bin/env python3
"""test_qcow2_crash.py: crash consistency of Keel's qcow2 driver. A writer
(tests/unit/test-qcow2-stress crash) does random writes, zero writes,
discards, compressed writes, resizes, flushes and snapshot operations and is
killed with SIGKILL at a random moment, 200 times. After each kill QEMU's
own qemu-img must find no corruption (leaks are allowed and must be
repaired by check -r leaks), and every byte written before the last
completed flush must read back."""

import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keeltest  # noqa: E402

BUILD = os.environ.get("KEEL_BUILD_DIR", "build")
TOOL = os.path.join(BUILD, "tests", "unit", "test-qcow2-stress")
QEMU_IMG = "/usr/bin/qemu-img"
SANITIZED = "san" in os.path.basename(os.path.abspath(BUILD))
TRIALS = 60 if SANITIZED else 200

FORMATS = [
    "compat=1.1,cluster_size=4096",
    "compat=1.1,cluster_size=512,refcount_bits=64",
    "compat=0.10,cluster_size=65536",
    "compat=1.1,cluster_size=65536,refcount_bits=1",
    "compat=1.1,cluster_size=4096,lazy_refcounts=on",
]


def need_tools():
    if not os.path.exists(TOOL):
        raise keeltest.Skip("test-qcow2-stress not built")
    if not os.path.exists(QEMU_IMG):
        raise keeltest.Skip("QEMU's qemu-img is not installed")


def workdir():
    """tmpfs when there is one: the writer flushes a lot."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    return tempfile.mkdtemp(prefix="keel-qcow2-crash-", dir=base)


def qemu_img(*args):
    p = subprocess.run([QEMU_IMG, *args], capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout + p.stderr


def undefined_ranges(log):
    """Byte ranges written after the last completed flush (may or may not
    have reached the image), whether a size change or snapshot op was
    pending, and the sizes the image may have."""
    ranges, sizes, snap = [], [], False
    for line in log.splitlines():
        f = line.split()
        if not f:
            continue
        if f[0] in ("W", "Z", "D"):
            ranges.append((int(f[1]), int(f[1]) + int(f[2])))
        elif f[0] == "R":
            sizes.append(int(f[1]))
        elif f[0] == "S":
            snap = True
    return ranges, sizes, snap


def check_trial(img, d, fmt, trial):
    """Judge one killed writer's image."""
    with open(os.path.join(d, "ref"), "rb") as f:
        ref = f.read()
    with open(os.path.join(d, "log")) as f:
        log = f.read()
    ranges, sizes, snap = undefined_ranges(log)
    rc, out = qemu_img("check", img)
    where = f"trial {trial} ({fmt})"
    leaked = rc == 3
    if rc == 2 and snap:
        # A snapshot operation updates refcounts and the COPIED flags of
        # the active tables in separate writes (as QEMU does): a kill in
        # between leaves flag mismatches, which check -r all repairs.
        bad = [ln for ln in out.splitlines() if ln.startswith("ERROR")]
        assert all("OFLAG_COPIED" in ln for ln in bad), f"{where}: {out}"
        rc, out = qemu_img("check", "-r", "all", img)
        assert rc == 0, f"{where}: repair failed: {out}"
    assert rc in (0, 3), f"{where}: qemu-img check exit {rc}: {out}"
    if rc == 3:
        assert "leaked clusters" in out, f"{where}: {out}"
        rc, out = qemu_img("check", "-r", "leaks", img)
        assert rc == 0, f"{where}: check -r leaks did not repair: {out}"
        rc, out = qemu_img("check", img)
        assert rc == 0, f"{where}: still inconsistent after repair: {out}"
    raw = os.path.join(d, "now.raw")
    rc, out = qemu_img("convert", "-O", "raw", img, raw)
    assert rc == 0, f"{where}: {out}"
    with open(raw, "rb") as f:
        now = f.read()
    limit = min([len(ref), len(now)] + sizes)
    if not sizes:
        assert len(now) == len(ref), f"{where}: size {len(now)} != {len(ref)}"
    # Compare the defined stretches (outside every pending range) as slices.
    pos = 0
    for a, b in sorted(ranges) + [(limit, limit)]:
        a, b = max(0, min(a, limit)), max(0, min(b, limit))
        if a > pos and now[pos:a] != ref[pos:a]:
            i = next(i for i in range(pos, a) if now[i] != ref[i])
            raise AssertionError(f"{where}: flushed byte {i} reads {now[i]:#x}, "
                                 f"expected {ref[i]:#x}")
        pos = max(pos, b)
    return leaked


def test_sigkill_200_times():
    need_tools()
    d = workdir()
    rng = random.Random(20261122)
    leaks = 0
    try:
        for trial in range(TRIALS):
            fmt = FORMATS[trial % len(FORMATS)]
            img = os.path.join(d, "t.qcow2")
            if os.path.exists(img):
                os.unlink(img)
            p = subprocess.Popen([TOOL, "crash", img, d, str(trial), "100000", fmt],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
            line = p.stdout.readline()
            assert line == "ready\n", f"writer did not start: {line!r} " \
                                      f"{p.stderr.read()}"
            time.sleep(rng.uniform(0.0, 0.05))
            p.send_signal(signal.SIGKILL)
            p.wait()
            if p.returncode != -signal.SIGKILL:
                raise AssertionError(f"writer ended early ({p.returncode}): "
                                     f"{p.stderr.read()}")
            p.stdout.close()
            p.stderr.close()
            leaks += check_trial(img, d, fmt, trial)
    finally:
        subprocess.run(["rm", "-rf", d])
    print(f"# {TRIALS} kills, {leaks} left leaked clusters (repaired)")


if __name__ == "__main__":
    sys.exit(keeltest.main(keeltest.tests_of(globals())))
