#!/usr/bin/env python3
"""test_cpu.py: -cpu as a user meets it: "-cpu help" in QEMU's format,
QEMU's exact messages for bad CPU specs (exit status 1), the ambiguity
warnings, and, under KVM, the cpuid test kernel printing the same lines
under Keel as under QEMU 7.2 with the same -cpu on this host (QEMU's KVM
is the oracle: what a model shows under KVM depends on the host's KVM).
Prints TAP. Needs KEEL_BUILD_DIR; the KVM cases skip without /dev/kvm,
without the guest kernels or without qemu-system-x86_64 in PATH."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (BIN, PROG, Skip, expect_error, kvm_unusable,  # noqa
                      main, run, tests_of)

KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
GUEST = ["-accel", "kvm", "-M", "pc", "-m", "128", "-display", "none",
         "-monitor", "none", "-serial", "stdio", "-no-reboot",
         "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
GUEST_TIMEOUT = 60


def test_cpu_help():
    code, out, err = run("-cpu", "help")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Available CPUs:", out
    for line in [
            "x86 qemu64                (alias configured by machine type)",
            "x86 qemu64-v1             QEMU Virtual CPU version 2.5+",
            "x86 Skylake-Server-v1     Intel Xeon Processor (Skylake)",
            "x86 EPYC-v1               AMD EPYC Processor",
            "x86 host                  processor with all supported host "
            "features ",
            "x86 max                   Enables all features supported by "
            "the accelerator in the current host"]:
        assert line in lines, (line, out)
    flags = out[out.index("\nRecognized CPUID flags:\n"):].split()
    for f in ["fpu", "pni", "sse4.2", "x2apic", "hypervisor", "svm", "lm",
              "nx", "syscall", "lahf-lm", "abm", "sse4a", "avx512f"]:
        assert f in flags, (f, out)
    # "-cpu ?" is the old spelling.
    code2, out2, _ = run("-cpu", "?")
    assert code2 == 0 and out2 == out


def test_bad_cpu_specs():
    cases = [
        ("foo", "unable to find CPU model 'foo'"),
        ("QEMU64", "unable to find CPU model 'QEMU64'"),
        ("", "-cpu option cannot be empty"),
        ("qemu64,+foo", "Property 'qemu64-x86_64-cpu.foo' not found"),
        ("EPYC,-foo_bar",
         "Property 'EPYC-x86_64-cpu.foo_bar' not found"),
        ("qemu64,foo", "can't apply global qemu64-x86_64-cpu.foo=on: "
         "Property 'qemu64-x86_64-cpu.foo' not found"),
        ("qemu64,svm=maybe", "can't apply global "
         "qemu64-x86_64-cpu.svm=maybe: Parameter 'svm' expects 'on' or "
         "'off'"),
        ("qemu64,family=300", "can't apply global "
         "qemu64-x86_64-cpu.family=300: Property .family doesn't take "
         "value 300 (minimum: 0, maximum: 270)"),
        ("qemu64,vendor=abc", "can't apply global "
         "qemu64-x86_64-cpu.vendor=abc: Property '.vendor' doesn't take "
         "value 'abc'"),
    ]
    for spec, msg in cases:
        expect_error(["-M", "none", "-display", "none", "-cpu", spec], msg)


def test_ambiguous_warning():
    # The warnings come while the command line is checked; -vga std then
    # ends the run with a known error, so nothing needs killing.
    code, out, err = run("-M", "none", "-display", "none", "-cpu",
                         "qemu64,-svm,svm=on", "-vga", "std")
    assert code == 1, (code, err)
    assert err == (
        f"{PROG}: warning: Ambiguous CPU model string. Don't mix both "
        "\"-svm\" and \"svm=on\"\n"
        f"{PROG}: warning: Compatibility of ambiguous CPU model strings "
        "won't be kept on future QEMU versions\n"
        f"{PROG}: -vga std: VGA emulation is not available yet in Keel\n"
    ), err


def run_guest(binary, cpu):
    p = subprocess.run([binary, *GUEST, "-cpu", cpu, "-kernel",
                        os.path.join(KDIR, "cpuid.elf")],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=GUEST_TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def kvm_guest_ready():
    why = kvm_unusable()
    if why:
        raise Skip(why)
    if not os.path.exists(os.path.join(KDIR, "cpuid.elf")):
        raise Skip("guest kernels not built")
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu or os.path.samefile(qemu, BIN):
        raise Skip("QEMU (the oracle) is not installed")
    # The pc machine hands -cpu to the vCPU only once it is wired to
    # target/i386; until then say so rather than compare.
    code, out, _ = run_guest(BIN, "qemu64,model-id=keel-probe")
    if "cpuid: brand 'keel-probe'" not in out:
        raise Skip("the pc machine does not apply -cpu to its vCPUs yet")
    return qemu


def test_kvm_models_match_qemu():
    qemu = kvm_guest_ready()
    # Models QEMU 7.2 itself can run on this kind of host (its -cpu host
    # and max stop on MSRs the nested KVM refuses).
    for cpu in ["qemu64", "qemu64,+svm,-lm,+popcnt", "qemu64,-hypervisor",
                "qemu64,vendor=GenuineIntel,family=6,model=85",
                "EPYC", "Skylake-Server"]:
        want = run_guest(qemu, cpu)
        got = run_guest(BIN, cpu)
        assert got == want, (cpu, got, want)


def test_kvm_host_default():
    kvm_guest_ready()
    # No -cpu under KVM is -cpu host: the host's vendor and brand.
    code, out, err = run_guest(BIN, "host")
    assert code == 33, (code, err)
    base = [BIN, *GUEST, "-kernel", os.path.join(KDIR, "cpuid.elf")]
    p = subprocess.run(base, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=GUEST_TIMEOUT)
    assert (p.returncode, p.stdout) == (code, out), (p.stdout, out)
    with open("/proc/cpuinfo") as f:
        vendor = next(line.split(":")[1].strip() for line in f
                      if line.startswith("vendor_id"))
    assert f"cpuid: vendor '{vendor}'" in out, out


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
