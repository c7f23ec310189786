#!/usr/bin/env python3
"""test_pc_acpi.py: the pc machine's ACPI as a firmware-less guest sees it,
with the "acpi" test kernel under Keel's -accel kvm: the tables it finds by
scanning for the RSDP must agree with QEMU's (expected/acpi*.out, recorded
from QEMU 7.2 TCG) for -smp 1, -smp 1,maxcpus=2 and -smp 2; its ACPI S5
poweroff ends the process with status 0, or pauses it with -no-shutdown
(SIGTERM then ends it with 0); the monitor's system_powerdown reaches the
guest as PWRBTN_STS. Cases skip ("# SKIP") when /dev/kvm cannot be opened
or the kernels were not built. Prints TAP."""

import os
import signal
import socket
import subprocess
import sys
import shutil
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN, Keel, kvm_unusable, poll_until  # noqa: E402

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
EXPECTED = os.path.join(SRC, "tests", "guest", "expected")
KERNEL = "acpi.elf"
TIMEOUT = 60

# record-expected.sh's common arguments, with -accel kvm for -accel tcg
# and without -cpu qemu64 (as test_guest_kernels.py).
COMMON = ["-accel", "kvm", "-M", "pc", "-m", "128", "-display", "none",
          "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
          "-no-reboot"]


class Skip(Exception):
    """The case cannot run here; the message says why."""


def expected(name):
    with open(os.path.join(EXPECTED, name + ".out"), "rb") as f:
        out = f.read()
    with open(os.path.join(EXPECTED, name + ".status")) as f:
        return out, int(f.read())


def run_kernel(*extra):
    """Run the acpi kernel to its end; returns (status, stdout, stderr)."""
    p = subprocess.run([os.path.abspath(BIN), *COMMON, "-monitor", "none",
                        *extra, "-kernel", KERNEL],
                       cwd=KDIR, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def check_like_qemu(name, *extra):
    want_out, want_status = expected(name)
    status, out, err = run_kernel(*extra)
    if status == 1 and b"SMP" in err and out == b"":
        raise Skip(f"Keel refused {' '.join(extra)}: {err.decode().strip()}")
    assert status == want_status and out == want_out, \
        f"status {status} (wanted {want_status}), stdout {out!r}, " \
        f"wanted {want_out!r}, stderr {err!r}"


class Monitor:
    """An HMP client on a unix socket (-monitor unix:PATH,server=on)."""

    def __init__(self, path):
        poll_until(lambda: os.path.exists(path))
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(TIMEOUT)
        self.s.connect(path)
        self.buf = b""
        self.read_prompt()

    def read_prompt(self):
        while b"(qemu) " not in self.buf:
            chunk = self.s.recv(4096)
            assert chunk, f"monitor closed: {self.buf!r}"
            self.buf += chunk
        text, _, self.buf = self.buf.partition(b"(qemu) ")
        return text.decode(errors="replace")

    def cmd(self, line):
        """Run one command; returns what it printed after the echo."""
        self.s.sendall(line.encode() + b"\n")
        return self.read_prompt().split("\r\n", 1)[-1]

    def close(self):
        self.s.close()


def start_with_monitor(tmp, *extra):
    sock = os.path.join(tmp, "mon.sock")
    k = Keel(*COMMON,
             "-monitor", f"unix:{sock},server=on,wait=off", *extra,
             "-kernel", os.path.abspath(os.path.join(KDIR, KERNEL)),
             stdin=subprocess.DEVNULL)
    return k, sock


def test_tables_smp1(tmp):
    check_like_qemu("acpi")


def test_tables_maxcpus2(tmp):
    """A possible but absent CPU is listed disabled in the MADT."""
    check_like_qemu("acpi-maxcpus", "-smp", "1,maxcpus=2")


def test_tables_smp2(tmp):
    check_like_qemu("acpi-smp2", "-smp", "2")


def test_tables_topology(tmp):
    """Three cores per socket: APIC IDs skip 3 (core field 2 bits wide),
    and the vCPUs have the same IDs, so every one of them is enabled."""
    check_like_qemu("acpi-topo", "-smp", "6,sockets=2,cores=3")


def test_no_shutdown_pauses(tmp):
    """-no-shutdown: the guest's S5 pauses the VM, the process stays."""
    k, sock = start_with_monitor(tmp, "-no-shutdown")
    mon = None
    try:
        k.read_until("acpi: S5\n", timeout=TIMEOUT)
        mon = Monitor(sock)
        assert poll_until(lambda: mon.cmd("info status") ==
                          "VM status: paused (shutdown)\r\n"), \
            mon.cmd("info status")
        assert k.p.poll() is None, "the process ended"
        k.p.send_signal(signal.SIGTERM)
        status, err = k.wait(timeout=TIMEOUT)
        assert status == 0, (status, err)
        assert b"FAIL" not in k.out, k.out
    finally:
        if mon:
            mon.close()
        k.stop()


def test_power_button(tmp):
    """system_powerdown sets PWRBTN_STS; the guest answers with S5."""
    want, _ = expected("acpi")
    head, _, tail = want.partition(b"acpi: S5\n")
    want = head + b"pwrbtn: waiting\npwrbtn: pressed, sts now 0\n" + \
        b"acpi: S5\n" + tail
    k, sock = start_with_monitor(tmp, "-append", "pwrbtn")
    mon = None
    try:
        k.read_until("pwrbtn: waiting\n", timeout=TIMEOUT)
        mon = Monitor(sock)
        assert mon.cmd("system_powerdown") == "", "system_powerdown output"
        status, err = k.wait(timeout=TIMEOUT)
        assert status == 0 and k.out == want, (status, k.out, err)
    finally:
        if mon:
            mon.close()
        k.stop()


def main():
    tests = [v for k, v in globals().items()
             if k.startswith("test_") and callable(v)]
    print(f"1..{len(tests)}")
    failed = 0
    skip = kvm_unusable()
    if not skip and not os.path.exists(os.path.join(KDIR, KERNEL)):
        skip = f"{KERNEL} not built (ninja guest-kernels)"
    for n, t in enumerate(tests, 1):
        name = t.__name__[5:]
        if skip:
            print(f"ok {n} - {name} # SKIP {skip}")
            continue
        tmp = tempfile.mkdtemp(prefix="keel-acpi-")
        try:
            t(tmp)
            print(f"ok {n} - {name}")
        except Skip as e:
            print(f"ok {n} - {name} # SKIP {e}")
        except Exception as e:  # report and go on with the next test
            failed += 1
            print(f"not ok {n} - {name}")
            for line in repr(e).splitlines():
                print(f"# {line}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
