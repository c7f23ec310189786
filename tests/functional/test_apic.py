#!/usr/bin/env python3
"""test_apic.py: the local APIC's x2APIC mode and timer modes under TCG,
through the self-checking x2apic test kernel (tests/guest/kernels/x2apic.c).
QEMU 7.2's TCG has no x2APIC, so it cannot be the oracle that
test_tcg_kernels.py compares against: the kernel asserts the SDM itself
and prints PASS. With -cpu max it must pass (also with -smp 2, where it
starts the AP through the x2APIC ICR, single- and multi-threaded TCG);
with the default qemu64
(QEMU 7.2's CPUID, no x2apic/tsc-deadline) it must see neither flag and
fail as it does under QEMU 7.2. Then Debian's kernel under -cpu max -smp 2
(interactive busybox shell): it finds the TSC-deadline timer, both CPUs'
clock event devices are "lapic-deadline" and count local timer
interrupts, and no MSR access faults (an unchecked MSR error in dmesg).
Linux stays in xAPIC mode: without interrupt remapping it enables x2APIC
only under a hypervisor that says so (KVM's CPUID leaves), as with QEMU.
The Linux case skips in an ASan/UBSan build (TCG is too slow there) and
without a kernel. Prints TAP."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN, Skip, main, tests_of  # noqa: E402
from linuxguest import (APPEND, MACHINE as LINUX_MACHINE, Guest,  # noqa: E402
                        initrd, need_kernel, sanitized_build)

KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
TIMEOUT = 60
MACHINE = ["-M", "pc", "-m", "128", "-display", "none",
           "-monitor", "none", "-serial", "stdio", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
EXIT_PASS, EXIT_FAIL = 33, 35


def run_kernel(*extra, accel="tcg"):
    kernel = os.path.join(KDIR, "x2apic.elf")
    if not os.path.exists(kernel):
        raise Skip("x2apic.elf not built (ninja guest-kernels)")
    p = subprocess.run([os.path.abspath(BIN), "-accel", accel, *MACHINE,
                        *extra, "-kernel", "x2apic.elf"],
                       cwd=KDIR, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def check_pass(code, out, err):
    failed = [line for line in out.splitlines() if "FAIL" in line]
    assert not failed, f"failed checks: {failed!r}, stderr {err[-500:]!r}"
    assert code == EXIT_PASS, f"exit status {code}, output {out[-800:]!r}"
    assert out.endswith("PASS\n"), f"output ends {out[-200:]!r}"


def test_x2apic_cpu_max():
    code, out, err = run_kernel("-cpu", "max")
    assert "cpuid: x2apic=1 tsc-deadline=1\n" in out, out[:300]
    check_pass(code, out, err)
    # The checks that matter most are there (not skipped by a short path).
    for line in ("SELF IPI interrupts: ok", "one-shot ticks: ok (0x1)",
                 "periodic ticks >= 5: ok", "TSC-deadline ticks: ok (0x1)",
                 "x2APIC -> xAPIC #GP: ok", "DFR absent #GP: ok"):
        assert line in out, f"{line!r} missing"


def check_ap(out):
    for line in ("AP up in x2APIC mode: ok", "AP x2APIC ID: ok (0x1)",
                 "IPI to the AP's x2APIC ID: ok",
                 "IPI to the AP's logical cluster bit: ok"):
        assert line in out, f"{line!r} missing"


def test_x2apic_smp2():
    """INIT-SIPI through the x2APIC ICR; IPIs to the AP's 32-bit ID and
    logical cluster bit."""
    code, out, err = run_kernel("-cpu", "max", "-smp", "2")
    check_pass(code, out, err)
    check_ap(out)


def test_x2apic_smp2_multithread():
    """The same with one host thread per vCPU."""
    code, out, err = run_kernel("-cpu", "max", "-smp", "2",
                                accel="tcg,thread=multi")
    check_pass(code, out, err)
    check_ap(out)


def test_qemu64_has_no_x2apic():
    """QEMU 7.2's qemu64 CPUID: neither flag, so the kernel stops, as it
    does under QEMU 7.2 itself."""
    code, out, _ = run_kernel("-cpu", "qemu64")
    assert "cpuid: x2apic=0 tsc-deadline=0\n" in out, out[:300]
    assert code == EXIT_FAIL, f"exit status {code}"


def test_linux_lapic_deadline():
    if sanitized_build():
        raise Skip("ASan/UBSan build: a Linux boot under TCG is too slow")
    kernel = need_kernel()
    image = initrd(kernel)
    g = Guest(["-accel", "tcg", *LINUX_MACHINE, "-cpu", "max", "-smp", "2",
               "-m", "512M", "-kernel", kernel, "-initrd", image,
               "-append", f"{APPEND} keel.test=shell"], interactive=True)
    try:
        assert g.pump(lambda g: "KEEL-INIT-READY" in g.text(), 120), \
            g.text()[-2000:]
        g.send(b"grep 'Clock Event Device' /proc/timer_list; "
               b"grep LOC /proc/interrupts; dmesg | grep -ciE "
               b"'unchecked MSR' | sed s/^/MSRERR=/; dmesg | grep -i "
               b"'deadline timer'; echo PROBE-END\n")
        assert g.pump(lambda g: "\nPROBE-END" in g.text(), 60), \
            g.text()[-2000:]
    finally:
        g.stop()
    out = g.text()
    assert "TSC deadline timer available" in out, out[-2000:]
    assert out.count("Clock Event Device: lapic-deadline") == 2, out[-2000:]
    assert "MSRERR=0" in out, out[-2000:]
    loc = [line for line in out.splitlines() if line.startswith("LOC:")]
    assert loc, out[-2000:]
    counts = [int(x) for x in loc[-1].split()[1:3]]
    assert all(c > 0 for c in counts), loc


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
