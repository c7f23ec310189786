#!/usr/bin/env python3
"""test_kvm_irqchip.py: -accel kvm with the interrupt controllers in user
space (-machine kernel-irqchip=off or -accel kvm,kernel-irqchip=off) and
the HPET under KVM. The multiboot test kernels that use interrupts, timers
and INIT-SIPI must print what QEMU 7.2's TCG recorded (tests/guest/
expected), as they do with the in-kernel irqchip; so must the hpet kernel
in both modes; bad kernel-irqchip values get QEMU's messages; -machine
hpet=off removes the HPET. Cases that run a guest skip when /dev/kvm
cannot be opened or the kernels were not built. Needs KEEL_BUILD_DIR and
KEEL_SOURCE_DIR. Prints TAP."""

import os
import select
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (BIN, PROG, Skip, kvm_unusable, main,  # noqa: E402
                      poll_until, tests_of)

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
EXPECTED = os.path.join(SRC, "tests", "guest", "expected")
TIMEOUT = 60

# test_guest_kernels.py's command line (record-expected.sh's, with KVM).
COMMON = ["-accel", "kvm", "-M", "pc",
          "-cpu", "qemu64,vendor=AuthenticAMD,check=off",
          "-m", "128", "-display", "none",
          "-monitor", "none", "-serial", "stdio",
          "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
OFF = ["-machine", "kernel-irqchip=off"]
# QEMU 7.2 says this whenever the LAPIC is in user space under KVM.
OFF_WARNINGS = (f"{PROG}: warning: Userspace local APIC is deprecated for "
                f"KVM.\n{PROG}: warning: Do not use kernel-irqchip except "
                f"for the -M isapc machine type.\n")

# name (expected/NAME.*), kernel, extra arguments.
RUNS = [
    ("hello", "hello.elf", ["-no-reboot", "-append", "keel-hello arg2=x"]),
    # PIT -> 8259 -> KVM_INTERRUPT, woken from HLT in user space.
    ("pit", "pit.elf", ["-no-reboot"]),
    # The user-space LAPIC and IOAPIC registers, read through MMIO exits.
    ("ports", "ports.elf", ["-no-reboot"]),
    # INIT-SIPI-SIPI from the BSP's LAPIC page: the AP starts in user space.
    ("smp", "smp.elf", ["-no-reboot", "-smp", "2"]),
    ("smp4", "smp.elf", ["-no-reboot", "-smp", "4"]),
    # Broadcast INIT-SIPI; both vCPUs count with LOCK XADD.
    ("smpcount", "smpcount.elf", ["-no-reboot", "-smp", "2"]),
    # RTC periodic interrupts (IRQ 8) and CMOS time.
    ("rtc", "rtc.elf", ["-no-reboot", "-rtc",
                        "base=2006-06-17T16:01:21,clock=vm"]),
    # Guest resets: the user-space chips and vCPUs back to power-on.
    ("reset", "reset.elf", []),
]


def need_kvm(*kernels):
    why = kvm_unusable()
    if why:
        raise Skip(why)
    for k in kernels:
        if not os.path.exists(os.path.join(KDIR, k)):
            raise Skip(f"{k} not built (ninja guest-kernels)")


def need_kvm_built():
    accels = subprocess.run([BIN, "-accel", "help"], capture_output=True,
                            text=True).stdout.split()
    if "kvm" not in accels:
        raise Skip("this build has no KVM (configured with --disable-kvm)")


def keel(args, kernel):
    """(exit status, stdout bytes, stderr text) of a run of kernel."""
    p = subprocess.run([os.path.abspath(BIN), *COMMON, *args,
                        "-kernel", kernel], cwd=KDIR,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def expected(name):
    with open(os.path.join(EXPECTED, name + ".out"), "rb") as f:
        out = f.read()
    with open(os.path.join(EXPECTED, name + ".status")) as f:
        return out, int(f.read())


def check_run(name, kernel, args, want_err):
    status, out, err = keel(args, kernel)
    want_out, want_status = expected(name)
    assert (status, out) == (want_status, want_out), \
        f"{name}: status {status} stdout {out!r} stderr {err!r}"
    assert err == want_err, f"{name}: stderr {err!r}"


def test_kernels_irqchip_off():
    """Every run prints QEMU's recording with the chips in user space."""
    need_kvm(*(k for _, k, _ in RUNS))
    for name, kernel, extra in RUNS:
        check_run(name, kernel, OFF + extra, OFF_WARNINGS)


def test_accel_property():
    """-accel kvm,kernel-irqchip=off is the same switch; the -accel value
    wins over -machine's, as QEMU's global default loses to the property."""
    need_kvm("pit.elf")
    check_run("pit", "pit.elf",
              ["-accel", "kvm,kernel-irqchip=off", "-no-reboot"],
              OFF_WARNINGS)
    check_run("pit", "pit.elf",
              ["-accel", "kvm,kernel-irqchip=on", "-machine",
               "kernel-irqchip=off", "-no-reboot"], "")


def test_irq_kernel_irqchip_off():
    """The irq kernel (8259, IOAPIC, LAPIC timer, self-IPI order, TPR,
    HPET) under KVM prints QEMU TCG's file with user-space chips: the
    IOAPIC is Keel's (version 0x20), the HPET is there, and TSC-deadline
    is not offered without the in-kernel LAPIC."""
    need_kvm("irq.elf")
    check_run("irq", "irq.elf", OFF + ["-no-reboot"], OFF_WARNINGS)


def test_hpet():
    """The hpet kernel (legacy replacement muting a programmed PIT, timer 0
    periodic on IRQ0, timer 1 one-shot on IRQ8, the PIT back afterwards)
    prints QEMU's recording under KVM with the in-kernel irqchip (the HPET
    on KVM's GSIs, the in-kernel PIT muted) and with it off."""
    need_kvm("hpet.elf")
    check_run("hpet", "hpet.elf", ["-no-reboot"], "")
    check_run("hpet", "hpet.elf", OFF + ["-no-reboot"], OFF_WARNINGS)


def test_hpet_off():
    """-machine hpet=off: no HPET at 0xfed00000, in either mode."""
    need_kvm("hpet.elf")
    args = ["-no-reboot", "-machine", "hpet=off"]
    check_run("hpet-off", "hpet.elf", args, "")
    check_run("hpet-off", "hpet.elf", OFF + args, OFF_WARNINGS)


def test_paused_cont():
    """-S, then "cont" on the monitor: the vCPU threads start with the AP
    waiting for its SIPI in user space, and the smp run is QEMU's."""
    need_kvm("smp.elf")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mon.sock")
        i = COMMON.index("-monitor")
        args = COMMON[:i] + COMMON[i + 2:]
        p = subprocess.Popen([os.path.abspath(BIN), *args, *OFF, "-S",
                              "-no-reboot", "-smp", "2", "-monitor",
                              f"unix:{path},server=on,wait=off",
                              "-kernel", "smp.elf"], cwd=KDIR,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            assert poll_until(lambda: os.path.exists(path) or
                              p.poll() is not None), "no monitor socket"
            r, _, _ = select.select([p.stdout], [], [], 0.5)
            assert not r and p.poll() is None, "printed or ended while paused"
            with socket.socket(socket.AF_UNIX) as mon:
                mon.connect(path)
                mon.sendall(b"cont\n")
                out, err = p.communicate(timeout=TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
    want_out, want_status = expected("smp")
    assert (p.returncode, out) == (want_status, want_out), (out, err)
    assert err.decode() == OFF_WARNINGS, err


def expect(args, want_err, want_rc=1):
    p = subprocess.run([BIN, *args, "-M", "pc", "-display", "none",
                        "-monitor", "none", "-nodefaults", "-S"],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert (p.returncode, p.stderr) == (want_rc, want_err), \
        f"{args}: status {p.returncode}, stderr {p.stderr!r}"


def test_bad_values():
    """QEMU 7.2's messages for values kernel-irqchip does not take."""
    need_kvm_built()
    expect(["-accel", "kvm,kernel-irqchip=foo"],
           f"{PROG}: -accel kvm,kernel-irqchip=foo: Parameter "
           f"'kernel-irqchip' does not accept value 'foo'\n")
    expect(["-accel", "kvm", "-machine", "kernel-irqchip=no"],
           f"{PROG}: -accel kvm: can't apply global "
           f"kvm-accel.kernel-irqchip=no: Parameter 'kernel-irqchip' "
           f"does not accept value 'no'\n")
    expect(["-accel", "kvm,nosuch=1"],
           f"{PROG}: -accel kvm,nosuch=1: Property 'kvm-accel.nosuch' "
           f"not found\n")
    expect(["-machine", "hpet=maybe"],
           f"{PROG}: Parameter 'hpet' expects 'on' or 'off'\n")


def test_split_refused():
    """kernel-irqchip=split is not implemented: one line naming it."""
    need_kvm_built()
    expect(["-accel", "kvm,kernel-irqchip=split"],
           f"{PROG}: -accel kvm,kernel-irqchip=split: kernel-irqchip=split "
           f"is not available yet in Keel\n")
    expect(["-accel", "kvm", "-machine", "kernel-irqchip=split"],
           f"{PROG}: -accel kvm: kernel-irqchip=split is not available yet "
           f"in Keel\n")


def test_tcg():
    """Under TCG -machine kernel-irqchip= is ignored (whatever its value)
    and -accel tcg has no such property, as in QEMU; the hpet kernel and
    its hpet=off run print QEMU's recordings."""
    accels = subprocess.run([BIN, "-accel", "help"], capture_output=True,
                            text=True).stdout.split()
    if "tcg" not in accels:
        raise Skip("this build has no TCG")
    expect(["-accel", "tcg,kernel-irqchip=off"],
           f"{PROG}: -accel tcg,kernel-irqchip=off: Property "
           f"'tcg-accel.kernel-irqchip' not found\n")
    if not os.path.exists(os.path.join(KDIR, "hello.elf")):
        raise Skip("hello.elf not built (ninja guest-kernels)")
    p = subprocess.run([os.path.abspath(BIN), "-accel", "tcg", "-machine",
                        "kernel-irqchip=foo", *COMMON[2:], "-no-reboot",
                        "-append", "keel-hello arg2=x", "-kernel",
                        "hello.elf"], cwd=KDIR, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=TIMEOUT)
    want_out, want_status = expected("hello")
    assert (p.returncode, p.stdout) == (want_status, want_out), p.stderr
    # -machine hpet=off removes the HPET under TCG too.
    for name, args in (("hpet", []), ("hpet-off", ["-machine", "hpet=off"])):
        p = subprocess.run([os.path.abspath(BIN), "-accel", "tcg",
                            *COMMON[2:], "-no-reboot", *args, "-kernel",
                            "hpet.elf"], cwd=KDIR, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=TIMEOUT)
        want_out, want_status = expected(name)
        assert (p.returncode, p.stdout) == (want_status, want_out), \
            f"{name}: {p.stdout!r} {p.stderr!r}"


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
