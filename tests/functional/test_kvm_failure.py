#!/usr/bin/env python3
"""test_kvm_failure.py: what a user sees when KVM cannot run the guest.
The "emufail" test kernel runs an x87 instruction in ring 0; a KVM that
emulates ring-0 code (this project's PVM hosts, shared/HOST-KVM.md) stops
there with an emulation failure. Keel and QEMU (Debian's, also -accel kvm,
same machine and CPU) run it side by side: their stderr up to the stop
must be the same bytes (KVM internal error, extra data, "emulation
failure", QEMU's register dump, Code= with the PC marked), both must stay
alive and paused rather than spin or crash, and SIGTERM ends them with
status 0. On a KVM that runs the kernel both print "survived" and exit 33.
Prints TAP; skips when KVM, QEMU or the kernel is missing."""

import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (BIN, Skip, kvm_unusable, main, poll_until,  # noqa
                      tests_of)

KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
QEMU = shutil.which("qemu-system-x86_64", path="/usr/bin")
ARGS = ["-accel", "kvm", "-M", "pc", "-m", "128", "-display", "none",
        "-monitor", "none", "-serial", "stdio", "-no-reboot",
        "-cpu", "qemu64,vendor=AuthenticAMD,check=off",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-kernel", "emufail.elf"]
TIMEOUT = 30


def cpu_ticks(pid):
    """utime + stime of pid (KVM's emulation counts as system time)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def run(binary):
    """Run the kernel; returns (exit status, stdout, stderr, stopped): at
    an emulation failure the process is left paused, checked for not
    using CPU, then ended with SIGTERM."""
    p = subprocess.Popen([binary, *ARGS], cwd=KDIR, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = b""
    os.set_blocking(p.stderr.fileno(), False)

    def dumped():
        nonlocal err
        chunk = p.stderr.read()
        if chunk:
            err += chunk
        return b"\nCode=" in err and err.endswith(b"\n") or \
            p.poll() is not None
    try:
        assert poll_until(dumped, TIMEOUT), f"no exit, no dump: {err!r}"
        stopped = p.poll() is None
        if stopped:
            # Paused, not spinning: no CPU time over half a second.
            before = cpu_ticks(p.pid)
            time.sleep(0.5)
            assert cpu_ticks(p.pid) - before <= 5, "busy after the failure"
            p.send_signal(signal.SIGTERM)
        out, rest = p.communicate(timeout=TIMEOUT)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    return p.returncode, out, err + (rest or b""), stopped


def until_signal_line(err):
    """stderr without the final 'terminating on signal' line (its pid
    differs between the two runs)."""
    lines = err.split(b"\n")
    return b"\n".join(l for l in lines if b"terminating on signal" not in l)


def test_failure_reported_as_qemu(tmp):
    why = kvm_unusable()
    if why:
        raise Skip(why)
    if not QEMU:
        raise Skip("QEMU (qemu-system-x86) is not installed")
    if not os.path.exists(os.path.join(KDIR, "emufail.elf")):
        raise Skip("emufail.elf not built (ninja guest-kernels)")
    q_code, q_out, q_err, q_stopped = run(QEMU)
    k_code, k_out, k_err, k_stopped = run(os.path.abspath(BIN))
    assert k_out == q_out, (k_out, q_out)
    assert k_stopped == q_stopped, (k_stopped, q_stopped, k_err)
    assert until_signal_line(k_err) == until_signal_line(q_err), \
        f"keel:\n{k_err.decode()}\nqemu:\n{q_err.decode()}"
    if k_stopped:
        assert b"emulation failure\n" in k_err, k_err
        assert b"terminating on signal 15" in k_err, k_err
        assert k_code == 0 and q_code == 0, (k_code, q_code)
    else:
        assert k_out.endswith(b"emufail: survived\n"), k_out
        assert k_code == q_code == 33, (k_code, q_code)


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), "keel-kvmfail-"))
