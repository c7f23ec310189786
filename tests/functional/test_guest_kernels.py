#!/usr/bin/env python3
"""test_guest_kernels.py: the multiboot test kernels of tests/guest under
Keel's -accel kvm on the pc machine, with tests/guest/record-expected.sh's
command line: stdout must equal expected/NAME.out byte for byte and the exit
status expected/NAME.status (both recorded from QEMU 7.2's TCG). Then
-S: a paused machine prints nothing until "cont" (or SIGTERM ends it).
Each case skips ("# SKIP") when /dev/kvm cannot be opened or the kernels
were not built. Prints TAP. Needs KEEL_BUILD_DIR and KEEL_SOURCE_DIR."""

import os
import select
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (BIN, PROG, kvm_unusable, poll_until,  # noqa: E402
                      wait_catching_sigterm)

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
EXPECTED = os.path.join(SRC, "tests", "guest", "expected")

# As record-expected.sh, with -accel kvm for -accel tcg. Under KVM a named
# model takes the host's vendor, so vendor= keeps the recording's AMD one
# (the memory map's HyperTransport window depends on it; see "cpuid" below
# for what still differs). check=off: flags the host's KVM lacks are
# dropped without QEMU's per-vCPU warning, which the -S cases would see
# on stderr.
COMMON = ["-accel", "kvm", "-M", "pc",
          "-cpu", "qemu64,vendor=AuthenticAMD,check=off",
          "-m", "128", "-display", "none",
          "-monitor", "none", "-serial", "stdio",
          "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# name, kernel, extra arguments (record-expected.sh's table).
# "ports" reads the in-kernel LAPIC and IOAPIC here and QEMU's own models
# under TCG; the kernel prints only what both agree on (QEMU with -accel
# kvm prints the same file on this host).
# Not listed: cpuid. Under KVM a CPU model is filtered by what the host's
# KVM supports and takes the host's vendor, as QEMU does, so it cannot
# print QEMU TCG's file; test_cpu.py runs it under Keel and QEMU, both with
# -accel kvm, and compares those.
RUNS = [
    ("hello", "hello.elf", ["-no-reboot", "-append", "keel-hello arg2=x"]),
    ("modes", "modes.elf", ["-no-reboot"]),
    ("pit", "pit.elf", ["-no-reboot"]),
    ("ports", "ports.elf", ["-no-reboot"]),
    ("smp", "smp.elf", ["-no-reboot", "-smp", "2"]),
    # Four vCPUs; the kernel starts only APIC ID 1, the others must stay
    # waiting for their SIPI and not disturb it.
    ("smp4", "smp.elf", ["-no-reboot", "-smp", "4"]),
    ("reset", "reset.elf", []),
    ("reset-noreboot", "reset.elf", ["-no-reboot"]),
    ("garbage", "garbage.elf", ["-no-reboot"]),
    # -rtc base= sets the date the guest reads from the CMOS clock.
    ("rtc", "rtc.elf", ["-no-reboot", "-rtc",
                        "base=2006-06-17T16:01:21,clock=vm"]),
    # The fw_cfg items QEMU's multiboot loader gives its option ROM.
    ("fwcfg", "fwcfg.elf", ["-no-reboot", "-append", "fw-arg x=1"]),
]

TIMEOUT = 60


def expected(name):
    """(stdout, exit status) that QEMU's TCG recorded for the run name."""
    with open(os.path.join(EXPECTED, name + ".out"), "rb") as f:
        want_out = f.read()
    with open(os.path.join(EXPECTED, name + ".status")) as f:
        return want_out, int(f.read())


def compare(name, status, out, err):
    """None when status and stdout are the recorded ones, else why not."""
    want_out, want_status = expected(name)
    problems = []
    if status != want_status:
        problems.append(f"exit status {status}, wanted {want_status}")
    if out != want_out:
        problems.append(f"stdout {out!r}, wanted {want_out!r}")
    if problems and err:
        problems.append(f"stderr {err!r}")
    return "; ".join(problems) or None


def run_case(name, kernel, extra):
    """None when the case passes, else what went wrong."""
    # Relative kernel path from the kernel dir, as the script does: the
    # multiboot command line is "<kernel path> <append>".
    p = subprocess.run([os.path.abspath(BIN), *COMMON, *extra,
                        "-kernel", kernel],
                       cwd=KDIR, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=TIMEOUT)
    return compare(name, p.returncode, p.stdout, p.stderr)


def start_paused(extra):
    """Keel with -S and the smp kernel on two vCPUs, stdout a pipe."""
    i = COMMON.index("-monitor")
    args = COMMON[:i] + COMMON[i + 2:]
    return subprocess.Popen([os.path.abspath(BIN), *args, *extra, "-S",
                             "-no-reboot", "-smp", "2", "-kernel", "smp.elf"],
                            cwd=KDIR, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def quiet_for(p, seconds):
    """What went wrong if p printed or exited within seconds, else None."""
    r, _, _ = select.select([p.stdout], [], [], seconds)
    data = os.read(p.stdout.fileno(), 4096) if r else b""
    if data:
        return f"paused guest printed {data!r}"
    if r or p.poll() is not None:
        p.wait(timeout=TIMEOUT)
        return (f"exited with {p.returncode} while paused: "
                f"{p.stderr.read()!r}")
    return None


def sender_name():
    """How QEMU names a signal's sender: its /proc/PID/cmdline argv[0]."""
    with open("/proc/self/cmdline", "rb") as f:
        return f.read().split(b"\0")[0].decode()


def paused_sigterm():
    """-S without a monitor: the vCPUs never start; SIGTERM ends it with
    QEMU's line and exit status 0."""
    p = start_paused(["-monitor", "none"])
    try:
        problem = quiet_for(p, 1.0)
        if problem:
            return problem
        wait_catching_sigterm(p)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=TIMEOUT)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    want_err = (f"{PROG}: terminating on signal 15 from pid {os.getpid()} "
                f"({sender_name()})\n").encode()
    problems = []
    if p.returncode != 0:
        problems.append(f"exit status {p.returncode}, wanted 0")
    if out:
        problems.append(f"stdout {out!r}, wanted nothing")
    if err != want_err:
        problems.append(f"stderr {err!r}, wanted {want_err!r}")
    return "; ".join(problems) or None


def paused_cont():
    """-S, then "cont" on the monitor: both vCPUs start and the run is the
    recorded smp one."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mon.sock")
        p = start_paused(["-monitor", f"unix:{path},server=on,wait=off"])
        try:
            if not poll_until(lambda: os.path.exists(path) or
                              p.poll() is not None):
                return "no monitor socket"
            problem = quiet_for(p, 0.5)
            if problem:
                return problem
            with socket.socket(socket.AF_UNIX) as mon:
                mon.connect(path)
                mon.sendall(b"cont\n")
                out, err = p.communicate(timeout=TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
    return compare("smp", p.returncode, out, err)


def cases():
    """(name, the kernel it needs, a function returning the problem)."""
    for name, kernel, extra in RUNS:
        yield name, kernel, lambda n=name, k=kernel, e=extra: run_case(n, k, e)
    yield "paused-sigterm", "smp.elf", paused_sigterm
    yield "paused-cont", "smp.elf", paused_cont


def main():
    all_cases = list(cases())
    print(f"1..{len(all_cases)}")
    failed = 0
    no_kvm = kvm_unusable()
    for n, (name, kernel, fn) in enumerate(all_cases, 1):
        if no_kvm:
            print(f"ok {n} - {name} # SKIP {no_kvm}")
            continue
        if not os.path.exists(os.path.join(KDIR, kernel)):
            print(f"ok {n} - {name} # SKIP {kernel} not built "
                  f"(ninja guest-kernels)")
            continue
        try:
            problem = fn()
        except subprocess.TimeoutExpired:
            problem = f"no exit within {TIMEOUT} s"
        if problem:
            failed += 1
            print(f"not ok {n} - {name}")
            for line in problem.splitlines():
                print(f"# {line}")
        else:
            print(f"ok {n} - {name}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
