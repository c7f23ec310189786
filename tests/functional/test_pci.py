#!/usr/bin/env python3
"""test_pci.py: the PC's PCI bus as Debian's kernel sees it under Keel's
-accel tcg on -M pc: the kernel finds a config space access method (dmesg
no longer says "No config space access function found"), lists a host
bridge at 0000:00:00.0, and /sys/bus/pci/devices (slot, vendor, device,
class, revision) is the same list QEMU 7.2 -accel tcg -M pc -vga none
-nic none shows for the same kernel, initramfs and command line (the
tests/guest case keel.test=pci).

One Keel boot serves both cases; QEMU's reference boot runs next to it.
An ASan/UBSan build runs Keel's boot only (the comparison skips saying
so), as does a host without QEMU. Skips with the reason when the host has
no Debian kernel or the build no TCG. Prints TAP. Needs KEEL_BUILD_DIR and
KEEL_SOURCE_DIR."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN, Skip, main, tests_of  # noqa
from linuxguest import (APPEND, MACHINE, QEMU, Guest, initrd,  # noqa
                        need_kernel, sanitized_build)

SANITIZED = sanitized_build()
BOOT_TIMEOUT = 300 if SANITIZED else 120
ARGS = ["-accel", "tcg", *MACHINE, "-m", "256M", "-no-reboot"]


class Boots:
    skip = None
    keel = None         # Keel's console text
    qemu = None         # QEMU's, or None with the reason in qemu_skip
    qemu_skip = None


B = Boots()


def boot_args(kernel, initrd_path):
    return ["-kernel", kernel, "-initrd", initrd_path,
            "-append", f"{APPEND} keel.test=pci"]


RESULT = re.compile(rb"KEEL-RESULT: \S+ \d+\r?\n")


def run_to_result(g):
    try:
        # The whole result line: the console may stop mid-line.
        g.pump(lambda g: RESULT.search(g.out), BOOT_TIMEOUT)
        return g.text()
    finally:
        g.stop()


def need_boots():
    """Boot Keel (and QEMU alongside) once; raises Skip with the reason."""
    if B.skip:
        raise Skip(B.skip)
    if B.keel is not None:
        return
    try:
        accels = subprocess.run([BIN, "-accel", "help"], capture_output=True,
                                text=True, timeout=20).stdout.split()
        if "tcg" not in accels:
            raise Skip("this build has no TCG (configured with --disable-tcg)")
        kernel = need_kernel()
        path = initrd(kernel)
    except Skip as e:
        B.skip = str(e)
        raise
    ref = None
    if SANITIZED:
        B.qemu_skip = "ASan/UBSan build: Keel's boot only"
    elif not os.access(QEMU, os.X_OK):
        B.qemu_skip = f"no {QEMU} to compare with"
    else:
        ref = Guest([*ARGS, "-vga", "none", "-nic", "none",
                     *boot_args(kernel, path)], binary=QEMU)
    try:
        B.keel = run_to_result(Guest([*ARGS, *boot_args(kernel, path)]))
    finally:
        if ref:
            B.qemu = run_to_result(ref)


def devices(text):
    """The PCI-DEV lines of a boot, which must have finished the case."""
    assert "PCI-DONE" in text and "KEEL-RESULT: pci 0" in text, text[-3000:]
    return [line.split(None, 1)[1] for line in text.splitlines()
            if line.startswith("PCI-DEV ")]


def test_config_access():
    need_boots()
    assert "PCI-NO-ACCESS" not in B.keel, B.keel[-3000:]
    devs = devices(B.keel)
    # A host bridge (class 06 00 00) where the PC has it.
    assert any(d.startswith("0000:00:00.0 ") and " 0x060000 " in d
               for d in devs), devs


def test_devices_match_qemu():
    need_boots()
    if B.qemu is None:
        raise Skip(B.qemu_skip)
    want = devices(B.qemu)
    got = devices(B.keel)
    assert got == want, f"Keel: {got}\nQEMU 7.2: {want}"


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
