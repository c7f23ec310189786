#!/usr/bin/env python3
"""test_pvpanic.py: -action panic= with -device pvpanic under Keel's
-accel kvm on the pc machine, driven by the "panic" test kernel (it writes
PANICKED to port 0x505, then prints "still running" and exits with 39).
panic=shutdown (the default), exit-failure and none must give QEMU 7.2's
recorded output and exit status (tests/guest/expected/panic*.out/.status);
panic=pause and -no-shutdown must leave the process alive, stopped in
"guest-panicked" (HMP "info status") and not running the guest, until
SIGTERM ends it with status 0. Cases skip when /dev/kvm cannot be opened or
the kernel was not built. Prints TAP. Needs KEEL_BUILD_DIR and
KEEL_SOURCE_DIR."""

import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (BIN, Skip, kvm_unusable, main, poll_until,  # noqa
                      tests_of)

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
EXPECTED = os.path.join(SRC, "tests", "guest", "expected")
TIMEOUT = 30

# record-expected.sh's command line, -accel kvm for tcg, no -cpu qemu64.
COMMON = ["-accel", "kvm", "-M", "pc", "-m", "128", "-display", "none",
          "-serial", "stdio",
          "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot",
          "-device", "pvpanic"]


def need_kernel():
    why = kvm_unusable()
    if why:
        raise Skip(why)
    if not os.path.exists(os.path.join(KDIR, "panic.elf")):
        raise Skip("panic.elf not built (ninja guest-kernels)")


def expected(name):
    with open(os.path.join(EXPECTED, name + ".out"), "rb") as f:
        out = f.read()
    with open(os.path.join(EXPECTED, name + ".status")) as f:
        return out, int(f.read())


def run_recorded(name, extra):
    """The run matches QEMU's recording byte for byte, with no stderr."""
    need_kernel()
    p = subprocess.run([os.path.abspath(BIN), *COMMON, "-monitor", "none",
                        *extra, "-kernel", "panic.elf"],
                       cwd=KDIR, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=TIMEOUT)
    want_out, want_status = expected(name)
    assert p.returncode == want_status, \
        f"exit status {p.returncode}, wanted {want_status}; {p.stderr!r}"
    assert p.stdout == want_out, f"stdout {p.stdout!r}, wanted {want_out!r}"
    assert p.stderr == b"", f"stderr {p.stderr!r}"


def test_panic_shutdown_default():
    run_recorded("panic", [])


def test_panic_shutdown_explicit():
    run_recorded("panic", ["-action", "panic=shutdown"])


def test_panic_exit_failure():
    run_recorded("panic-exit-failure", ["-action", "panic=exit-failure"])


def test_panic_none():
    run_recorded("panic-none", ["-action", "panic=none"])


def hmp(path, command):
    """One HMP command over the monitor socket; returns its output."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(TIMEOUT)
        s.connect(path)
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = s.recv(4096)
            assert chunk, f"monitor closed: {data!r}"
            data += chunk
        s.sendall(command.encode() + b"\r")
        reply = b""
        while not reply.endswith(b"(qemu) "):
            chunk = s.recv(4096)
            assert chunk, f"monitor closed: {reply!r}"
            reply += chunk
    return reply.decode(errors="replace")


def cpu_ticks(pid):
    """utime + stime of the process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def run_paused(extra):
    """Stopped in guest-panicked, alive and idle, then SIGTERM: status 0."""
    need_kernel()
    with tempfile.TemporaryDirectory(prefix="keel-pvpanic-") as tmp:
        sock = os.path.join(tmp, "mon.sock")
        out_path = os.path.join(tmp, "serial.out")
        with open(out_path, "wb") as out:
            p = subprocess.Popen([os.path.abspath(BIN), *COMMON, "-monitor",
                                  f"unix:{sock},server=on,wait=off", *extra,
                                  "-kernel", "panic.elf"],
                                 cwd=KDIR, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.PIPE)
        try:
            def serial():
                with open(out_path, "rb") as f:
                    return f.read()
            panicked = b"panic: writing PANICKED\n"
            assert poll_until(lambda: panicked in serial() or
                              p.poll() is not None, TIMEOUT), \
                f"no panic line: {serial()!r}"
            assert p.poll() is None, \
                f"exited with {p.returncode} instead of pausing"
            status = hmp(sock, "info status")
            assert "VM status: paused (guest-panicked)" in status, status
            # A state check, not a timing one: a stopped VM burns no CPU.
            before = cpu_ticks(p.pid)
            time.sleep(1)
            used = cpu_ticks(p.pid) - before
            assert used <= 10, f"paused VM used {used} ticks in 1 s"
            assert serial().endswith(panicked), \
                f"guest ran on: {serial()!r}"
            assert p.poll() is None, f"exited with {p.returncode}"
            p.terminate()
            _, err = p.communicate(timeout=TIMEOUT)
            assert p.returncode == 0, f"exit status {p.returncode} {err!r}"
            assert b"terminating on signal 15" in err, err
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()


def test_panic_pause():
    run_paused(["-action", "panic=pause"])


def test_panic_no_shutdown():
    # QEMU: panic=shutdown with shutdown=pause (-no-shutdown) pauses.
    run_paused(["-no-shutdown"])


def test_bad_panic_action():
    p = subprocess.run([BIN, "-action", "panic=reboot"],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert p.returncode == 1, p.returncode
    assert p.stderr == ("qemu-system-x86_64: -action panic=reboot: "
                        "Parameter 'panic' does not accept value "
                        "'reboot'\n"), p.stderr


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
