#!/usr/bin/env python3
"""test_linux_kvm.py: Debian's kernel (the newest /boot/vmlinuz-*) with the
tests/guest initramfs under Keel's -accel kvm on the pc machine: the init
reaches KEEL-INIT-READY with -smp 1 and 4, MemTotal follows -m (128M, 2G,
5G: within 5% of what QEMU 7.2's TCG guest reports, or of -m without QEMU),
"poweroff -f" exits 0, "reboot -f" boots twice, and a kernel panic with
-device pvpanic ends as under QEMU.

A probe boot comes first. Hosts whose KVM emulates ring 0 (see
shared/HOST-KVM.md) stop Linux with an emulation failure; there the probe
asserts that Keel reported it properly (the register dump with RIP and the
Code= bytes, the one-line reason) and then sat stopped without burning CPU,
and every Linux case skips with that reason. The probe boots the ELF
vmlinux inside the bzImage (PVH entry): same kernel code, without minutes of
emulated XZ decompression before the verdict. Prints TAP. Needs
KEEL_BUILD_DIR and KEEL_SOURCE_DIR; builds the initramfs with
tests/guest/mkinitrd.sh into KEEL_BUILD_DIR/tests/guest when needed."""

import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import Skip, kvm_unusable, main, tests_of  # noqa
from linuxguest import (APPEND, MACHINE, Guest, check_memtotal,  # noqa
                        extract_vmlinux, initrd, memtotal, need_kernel,
                        reference_memtotal)

PROBE_TIMEOUT = 150   # this host needs ~50 s to reach the failure
BOOT_TIMEOUT = 90


def cpu_ticks(pid):
    """utime + stime (KVM's emulation counts as system time), in ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


# --- setup -------------------------------------------------------------------

class Setup:
    kernel = None
    initrd = None
    skip = None          # why every Linux case skips, once known


S = Setup()


def setup():
    why = kvm_unusable()
    if why:
        raise Skip(why)
    S.kernel = need_kernel()
    S.initrd = initrd(S.kernel)


# --- the probe ---------------------------------------------------------------

def kvm_failure(g):
    """The one-line reason when Keel printed a KVM error dump, else None."""
    err = g.errtext()
    if "Code=" not in err:
        return None
    head = next((ln for ln in err.splitlines()
                 if "KVM internal error" in ln or "kvm run failed" in ln or
                 "entry failed" in ln or "unhandled exit" in ln), None)
    rip = re.search(r"RIP=([0-9a-f]+)", err)
    what = "emulation failure" if "\nemulation failure\n" in err else head
    if not what:
        return None
    return f"{what} ({head}) at RIP={rip.group(1) if rip else '?'}"


def test_probe():
    """Boot once: either Linux runs, or Keel reports the KVM failure."""
    try:
        setup()
        kernel = extract_vmlinux(S.kernel)
    except Skip as e:
        S.skip = str(e)
        raise
    g = Guest(["-accel", "kvm", *MACHINE, "-m", "128M", "-no-reboot",
               "-kernel", kernel, "-initrd", S.initrd,
               "-append", f"{APPEND} keel.test=poweroff"])
    try:
        g.pump(lambda g: b"KEEL-INIT-READY" in g.out or
               (kvm_failure(g) and g.err.endswith(b"\n")) or
               g.p.poll() is not None, PROBE_TIMEOUT)
        reason = kvm_failure(g)
        if b"KEEL-INIT-READY" in g.out:
            status = g.wait(BOOT_TIMEOUT)
            assert status == 0, f"poweroff: exit status {status}"
            return
        if reason:
            S.skip = f"host KVM cannot run Linux: {reason}"
            check_failure_report(g)
            return
        if g.p.poll() is None:
            S.skip = (f"no KEEL-INIT-READY and no KVM error within "
                      f"{PROBE_TIMEOUT} s")
            raise Skip(S.skip)
        S.skip = f"the probe boot failed (exit status {g.p.returncode})"
        raise AssertionError(f"exit status {g.p.returncode} before "
                             f"KEEL-INIT-READY: {g.errtext()[-2000:]!r}")
    finally:
        g.stop()


def check_failure_report(g):
    """QEMU's dump, then a stopped VM (or an exit), never a silent spin."""
    err = g.errtext()
    assert re.search(r"^RIP=[0-9a-f]{16} ", err, re.M), err
    code = re.search(r"^Code=(.*)$", err, re.M)
    assert code and re.search(r"<[0-9a-f]{2}>", code.group(1)), err
    assert re.search(r"^(emulation failure|KVM internal error.*)$", err,
                     re.M), err
    if g.p.poll() is None:
        # A state check, not a timing one: a stopped VM uses no CPU.
        before = cpu_ticks(g.p.pid)
        time.sleep(1)
        used = cpu_ticks(g.p.pid) - before
        assert used <= 10, f"used {used} ticks in 1 s after the failure"
        assert g.p.poll() is None, "exited while we looked"
        g.p.send_signal(signal.SIGTERM)
        status = g.wait(30)
        assert status == 0, f"SIGTERM: exit status {status}"


# --- the Linux cases ---------------------------------------------------------

def boot(case, extra, m="512M"):
    """A Guest booting the bzImage into keel.test=case."""
    if S.skip:
        raise Skip(S.skip)
    return Guest(["-accel", "kvm", *MACHINE, "-m", m, *extra,
                  "-kernel", S.kernel, "-initrd", S.initrd,
                  "-append", f"{APPEND} keel.test={case}"])


def run_to_exit(case, extra, m="512M"):
    """Boot with -no-reboot to the end; returns (exit status, guest)."""
    g = boot(case, ["-no-reboot", *extra], m)
    try:
        status = g.wait(BOOT_TIMEOUT)
        assert status is not None, f"no exit: {g.text()[-2000:]!r}"
        return status, g
    finally:
        g.stop()


def ncpus(n):
    status, g = run_to_exit("ncpus", ["-smp", str(n)])
    assert "KEEL-INIT-READY" in g.text(), g.text()[-2000:]
    assert f"ncpus: {n}\n" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_ready_smp1():
    ncpus(1)


def test_ready_smp4():
    ncpus(4)


def meminfo(m, ram_kib):
    status, g = run_to_exit("meminfo", [], m)
    assert status == 0, f"exit status {status}: {g.errtext()!r}"
    got = memtotal(g.text())
    want = reference_memtotal(S.kernel, S.initrd, m, BOOT_TIMEOUT)
    check_memtotal(got, want, m, ram_kib)


def test_meminfo_128m():
    meminfo("128M", 128 << 10)


def test_meminfo_2g():
    meminfo("2G", 2 << 20)


def test_meminfo_5g():
    meminfo("5G", 5 << 20)


def test_poweroff():
    status, g = run_to_exit("poweroff", [])
    assert "KEEL-RESULT: poweroff 0" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_reboot():
    g = boot("reboot", [])
    try:
        assert g.pump(lambda g: g.out.count(b"KEEL-INIT-READY") >= 2 or
                      g.p.poll() is not None, 2 * BOOT_TIMEOUT), \
            f"one boot only: {g.text()[-2000:]!r} {g.errtext()!r}"
    finally:
        g.stop()


def test_panic_pvpanic():
    # As QEMU 7.2 (TCG): the initramfs does not load Linux's pvpanic
    # driver (a module), so the panic reboots (panic=-1) and -no-reboot
    # ends the run with 0 whatever -action panic= says.
    status, g = run_to_exit("panic", ["-device", "pvpanic", "-action",
                                      "panic=exit-failure"])
    assert "Kernel panic" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
