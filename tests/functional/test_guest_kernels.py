#!/usr/bin/env python3
"""test_guest_kernels.py: the multiboot test kernels of tests/guest under
Keel's -accel kvm on the pc machine, with tests/guest/record-expected.sh's
command line: stdout must equal expected/NAME.out byte for byte and the exit
status expected/NAME.status (both recorded from QEMU 7.2's TCG).
Each case skips ("# SKIP") when /dev/kvm cannot be opened or the kernels
were not built. Prints TAP. Needs KEEL_BUILD_DIR and KEEL_SOURCE_DIR."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN  # noqa: E402

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
EXPECTED = os.path.join(SRC, "tests", "guest", "expected")

# As record-expected.sh, with -accel kvm for -accel tcg and without
# -cpu qemu64 (Keel has no CPU models yet; see "cpuid" below).
COMMON = ["-accel", "kvm", "-M", "pc", "-m", "128", "-display", "none",
          "-monitor", "none", "-serial", "stdio",
          "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# name, kernel, extra arguments (record-expected.sh's table).
# Not listed, because they cannot pass yet (they are not skipped):
#   cpuid  needs the qemu64 CPU model's CPUID table (vendor, family, max
#          leaf, brand); the vCPU gets the host's supported CPUID.
#   ports  reads the LAPIC and IOAPIC version registers: needs the
#          in-kernel irqchip wired into the pc machine.
#   pit    needs the PIT and 8259 interrupts (in-kernel irqchip).
#   smp    needs a second vCPU (-smp 2) and INIT-SIPI (irqchip, SMP).
RUNS = [
    ("hello", "hello.elf", ["-no-reboot", "-append", "keel-hello arg2=x"]),
    ("modes", "modes.elf", ["-no-reboot"]),
    ("reset", "reset.elf", []),
    ("reset-noreboot", "reset.elf", ["-no-reboot"]),
    ("garbage", "garbage.elf", ["-no-reboot"]),
]

TIMEOUT = 60


def kvm_unusable():
    """Why KVM cannot be used here, or None."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return f"/dev/kvm: {e.strerror}"
    os.close(fd)
    return None


def run_case(name, kernel, extra):
    """None when the case passes, else what went wrong."""
    # Relative kernel path from the kernel dir, as the script does: the
    # multiboot command line is "<kernel path> <append>".
    p = subprocess.run([os.path.abspath(BIN), *COMMON, *extra,
                        "-kernel", kernel],
                       cwd=KDIR, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=TIMEOUT)
    with open(os.path.join(EXPECTED, name + ".out"), "rb") as f:
        want_out = f.read()
    with open(os.path.join(EXPECTED, name + ".status")) as f:
        want_status = int(f.read())
    problems = []
    if p.returncode != want_status:
        problems.append(f"exit status {p.returncode}, wanted {want_status}")
    if p.stdout != want_out:
        problems.append(f"stdout {p.stdout!r}, wanted {want_out!r}")
    if problems and p.stderr:
        problems.append(f"stderr {p.stderr!r}")
    return "; ".join(problems) or None


def main():
    print(f"1..{len(RUNS)}")
    failed = 0
    no_kvm = kvm_unusable()
    for n, (name, kernel, extra) in enumerate(RUNS, 1):
        if no_kvm:
            print(f"ok {n} - {name} # SKIP {no_kvm}")
            continue
        if not os.path.exists(os.path.join(KDIR, kernel)):
            print(f"ok {n} - {name} # SKIP {kernel} not built "
                  f"(ninja guest-kernels)")
            continue
        try:
            problem = run_case(name, kernel, extra)
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
