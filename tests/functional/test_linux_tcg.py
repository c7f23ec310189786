#!/usr/bin/env python3
"""test_linux_tcg.py: Debian's kernel (the newest /boot/vmlinuz-*) with the
tests/guest initramfs under Keel's -accel tcg on the pc machine, booted as
a user would (-kernel with the bzImage: Keel unpacks its payload on the
host, docs/devel/linux-boot.md). The init reaches KEEL-INIT-READY with
-smp 1 and with -smp 4 (the guest brings up 4 CPUs); with -smp 5 and
thread=single a worker pinned to each CPU runs there; MemTotal with -m 256M
and 3G is within 5% of what QEMU 7.2's TCG guest reports; in-guest
programs give the host's answers (busybox sha256sum of generated data
against the host's sha256 of the same bytes, busybox sort of 100,000
generated lines against the host's sort); "poweroff -f" exits 0; "reboot
-f" boots again (and with -no-reboot exits 0); a kernel panic with
-device pvpanic ends as under QEMU 7.2; a bzImage with a damaged payload
gets one warning and the guest decompressor's own error, as under QEMU;
random instruction bytes run in guest user space for a minute neither
crash nor hang the emulator.

Time: each boot takes 4-10 s here; the whole set 100 s in the normal
build and 160 s in an ASan/UBSan build (measured on the 2-CPU build host
while other builds ran; the QEMU reference boots run next to Keel's). So
an ASan/UBSan build (KEEL_BUILD_DIR/config-host.h says CONFIG_SANITIZERS)
runs a smoke subset (~45 s): boot to KEEL-INIT-READY with -smp 1,
poweroff, one in-guest program (sha256), 20 s of random instructions,
the damaged payload and the reboot, whose reset unpacks the kernel again on the host; the rest skips
saying so. The full
set runs in the normal build. Skips
with the reason when the host has no Debian kernel or the build no TCG.
Prints TAP. Needs KEEL_BUILD_DIR and KEEL_SOURCE_DIR; builds the initramfs
with tests/guest/mkinitrd.sh into KEEL_BUILD_DIR/tests/guest when needed."""

import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN, Skip, main, tests_of  # noqa
from linuxguest import (APPEND, MACHINE, Guest, ReferenceMemTotal,  # noqa
                        check_memtotal, initrd, memtotal, need_kernel,
                        sanitized_build)

SANITIZED = sanitized_build()
BOOT_TIMEOUT = 300 if SANITIZED else 120
BUSYBOX = "/bin/busybox"


class Setup:
    kernel = None
    initrd = None
    skip = None


S = Setup()


def need_setup():
    """The kernel and initramfs, once; raises Skip with the reason."""
    if S.skip:
        raise Skip(S.skip)
    if S.kernel:
        return
    try:
        accels = subprocess.run([BIN, "-accel", "help"], capture_output=True,
                                text=True, timeout=20).stdout.split()
        if "tcg" not in accels:
            raise Skip("this build has no TCG (configured with --disable-tcg)")
        kernel = need_kernel()
        S.initrd = initrd(kernel)
        S.kernel = kernel
    except Skip as e:
        S.skip = str(e)
        raise


def full_only():
    """Cases beyond the smoke subset skip in a sanitizer build."""
    if SANITIZED:
        raise Skip("ASan/UBSan build: smoke subset only (see the docstring)")


def boot(case, extra=(), m="512M", accel="tcg"):
    need_setup()
    return Guest(["-accel", accel, *MACHINE, "-m", m, *extra,
                  "-kernel", S.kernel, "-initrd", S.initrd,
                  "-append", f"{APPEND} keel.test={case}"])


def run_to_exit(case, extra=(), m="512M", accel="tcg"):
    """Boot with -no-reboot to the end; returns (exit status, guest)."""
    g = boot(case, ["-no-reboot", *extra], m, accel)
    try:
        status = g.wait(BOOT_TIMEOUT)
        assert status is not None, \
            f"no exit within {BOOT_TIMEOUT} s: {g.text()[-2000:]!r}"
        return status, g
    finally:
        g.stop()


def result_line(g, prefix):
    """The guest's "prefix ..." line, split into words after the prefix."""
    for line in g.text().splitlines():
        if line.startswith(prefix):
            return line[len(prefix):].split()
    raise AssertionError(f"no '{prefix}' line: {g.text()[-2000:]!r}")


def host_awk(program):
    """What the same static busybox awk prints on the host."""
    if not os.access(BUSYBOX, os.X_OK):
        raise Skip(f"no {BUSYBOX} on the host to make the reference data")
    return subprocess.run([BUSYBOX, "awk", program], capture_output=True,
                          check=True, timeout=60).stdout


# --- boot and CPUs -------------------------------------------------------------

def ncpus(n):
    status, g = run_to_exit("ncpus", ["-smp", str(n)])
    assert "KEEL-INIT-READY" in g.text(), g.text()[-2000:]
    assert f"ncpus: {n}\n" in g.text(), g.text()[-2000:]
    # Direct boot leaves the MTRRs on (default WB) on every vCPU, as
    # firmware would: PAT gets set up and no AP differs from the BSP.
    assert "pat: 1\n" in g.text(), g.text()[-2000:]
    assert "mtrr-inconsistent: 0\n" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_ready_smp1():
    ncpus(1)


def test_ready_smp4():
    full_only()
    ncpus(4)


def test_smp5_single_every_cpu_works():
    """-smp 5 on one thread (round-robin): all five CPUs come up with
    distinct APIC IDs and a worker pinned to each one runs there."""
    full_only()
    status, g = run_to_exit("smpwork", ["-smp", "5"],
                            accel="tcg,thread=single")
    assert "smpwork: cpus 5\n" in g.text(), g.text()[-2000:]
    assert "smpwork: apicids 5\n" in g.text(), g.text()[-2000:]
    assert "smpwork: ok 5\n" in g.text(), g.text()[-2000:]
    assert "KEEL-RESULT: smpwork 0\n" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


# --- memory ----------------------------------------------------------------------

def meminfo(m, ram_kib):
    full_only()
    need_setup()
    ref = ReferenceMemTotal(S.kernel, S.initrd, m)     # QEMU boots meanwhile
    try:
        status, g = run_to_exit("meminfo", [], m)
        assert status == 0, f"exit status {status}: {g.errtext()!r}"
        got = memtotal(g.text())
        want = ref.memtotal(BOOT_TIMEOUT)
    finally:
        if ref.g:
            ref.g.stop()
    check_memtotal(got, want, m, ram_kib)


def test_meminfo_256m():
    meminfo("256M", 256 << 10)


def test_meminfo_3g():
    meminfo("3G", 3 << 20)


# --- programs in the guest -----------------------------------------------------

def test_sha256():
    """sha256.sh hashes 65,536 awk-generated lines; the host hashes the
    same lines (same busybox awk, same seed) with Python's hashlib."""
    need_setup()
    data = host_awk('BEGIN { srand(42); for (i = 0; i < 65536; i++) '
                    'printf "%04x%04x\\n", int(rand() * 65536), '
                    'int(rand() * 65536) }')
    status, g = run_to_exit("sha256")
    assert result_line(g, "sha256:") == [hashlib.sha256(data).hexdigest()], \
        g.text()[-2000:]
    assert "KEEL-RESULT: sha256 0" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_sort():
    """sort.sh sorts 100,000 awk-generated lines; the host sorts the same
    lines with its own sort (C locale) and compares count and hash."""
    full_only()
    need_setup()
    data = host_awk('BEGIN { srand(7); for (i = 0; i < 100000; i++) '
                    'printf "%d %08x\\n", int(rand() * 1000000), '
                    'int(rand() * 4294967296) }')
    ref = subprocess.run(["sort"], input=data, capture_output=True,
                         check=True, env=dict(os.environ, LC_ALL="C"),
                         timeout=60).stdout
    status, g = run_to_exit("sort")
    want = [str(ref.count(b"\n")), hashlib.sha256(ref).hexdigest()]
    assert result_line(g, "sort:") == want, g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


# --- a damaged kernel ------------------------------------------------------------

def test_insn_fuzz():
    """Random instruction bytes in guest user space under signal handlers
    (tests/guest/initrd/insn-fuzz.c) for a minute (20 s in the smoke
    subset): the emulator neither crashes nor hangs, and the guest comes
    back to report and power off."""
    seconds = 20 if SANITIZED else 60
    status, g = run_to_exit(f"insn-fuzz keel.fuzz={seconds}")
    if "insn-fuzz: not built" in g.text():
        raise Skip("mkinitrd.sh could not build insn-fuzz (no static libc)")
    words = result_line(g, "insn-fuzz:")
    assert int(words[0]) > 0, g.text()[-2000:]
    assert "KEEL-RESULT: insn-fuzz 0\n" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_damaged_payload():
    """A bzImage whose XZ payload has one flipped byte: Keel says so in
    one warning naming -kernel and boots it as it is, so the guest's own
    decompressor stops with the message QEMU 7.2's guest prints."""
    need_setup()
    with open(S.kernel, "rb") as f:
        data = bytearray(f.read())
    setup = ((data[0x1f1] or 4) + 1) * 512
    off = int.from_bytes(data[0x248:0x24c], "little")
    size = int.from_bytes(data[0x24c:0x250], "little")
    if not data[setup + off:setup + off + 6] == b"\xfd7zXZ\x00":
        raise Skip(f"{S.kernel}'s payload is not XZ")
    data[setup + off + size // 2] ^= 0x55
    with tempfile.TemporaryDirectory(prefix="keel-linux-") as tmp:
        bad = os.path.join(tmp, "vmlinuz-damaged")
        with open(bad, "wb") as f:
            f.write(data)
        damaged_boot(bad)


def damaged_boot(bad):
    g = Guest(["-accel", "tcg", *MACHINE, "-m", "512M", "-no-reboot",
               "-kernel", bad, "-append",
               "console=ttyS0 earlyprintk=serial,ttyS0,115200"])
    try:
        assert g.pump(lambda g: b"System halted" in g.out, BOOT_TIMEOUT), \
            f"{g.text()[-2000:]!r} {g.errtext()!r}"
        assert "XZ-compressed data is corrupt" in g.text(), g.text()[-2000:]
        warnings = g.errtext().splitlines()
        assert len(warnings) == 1, warnings
        assert warnings[0].startswith(
            f"qemu-system-x86_64: warning: -kernel {bad}: xz payload "), \
            warnings
    finally:
        g.stop()


# --- the ways out ----------------------------------------------------------------

def test_poweroff():
    status, g = run_to_exit("poweroff")
    assert "KEEL-RESULT: poweroff 0" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_reboot():
    g = boot("reboot")
    try:
        assert g.pump(lambda g: g.out.count(b"KEEL-INIT-READY") >= 2 or
                      g.p.poll() is not None, 2 * BOOT_TIMEOUT), \
            f"one boot only: {g.text()[-2000:]!r} {g.errtext()!r}"
    finally:
        g.stop()


def test_reboot_no_reboot():
    full_only()
    status, g = run_to_exit("reboot")
    assert g.text().count("KEEL-INIT-READY") == 1, g.text()[-2000:]
    assert "KEEL-RESULT: reboot 0" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_panic_pvpanic():
    # As QEMU 7.2 (TCG): the initramfs does not load Linux's pvpanic
    # driver (a module), so the panic reboots (panic=-1) and -no-reboot
    # ends the run with 0 whatever -action panic= says.
    full_only()
    status, g = run_to_exit("panic", ["-device", "pvpanic", "-action",
                                      "panic=exit-failure"])
    assert "Kernel panic" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
