#!/usr/bin/env python3
"""test_linux_mttcg.py: Debian's kernel (the newest /boot/vmlinuz-*) with
the tests/guest initramfs under -accel tcg,thread=multi -smp 4: while it
runs the process has one host thread per vCPU, named "CPU n/TCG" as QEMU
names them; the guest brings up all 4 CPUs, reaches KEEL-INIT-READY and
powers off with exit status 0. With -smp 8 every CPU runs a pinned
worker (tests/guest/initrd/cases/smpwork.sh). Two boots (5-15 s each
here, ~20-40 s under ASan).
Skips with the reason when the host has no Debian kernel or the build no
TCG. Prints TAP. Needs KEEL_BUILD_DIR and KEEL_SOURCE_DIR."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN, Skip, main, tests_of  # noqa: E402
from linuxguest import (APPEND, MACHINE, Guest, initrd,  # noqa: E402
                        need_kernel, sanitized_build)

BOOT_TIMEOUT = 300 if sanitized_build() else 120


def vcpu_threads(pid):
    """Names of the process's threads that run vCPUs."""
    names = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return names
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        if name.endswith("/TCG"):
            names.append(name)
    return sorted(names)


def need_tcg():
    accels = subprocess.run([BIN, "-accel", "help"], capture_output=True,
                            text=True, timeout=20).stdout.split()
    if "tcg" not in accels:
        raise Skip("this build has no TCG (configured with --disable-tcg)")


def test_smp4_thread_per_vcpu():
    need_tcg()
    kernel = need_kernel()
    rd = initrd(kernel)
    g = Guest(["-accel", "tcg,thread=multi", *MACHINE, "-m", "512M",
               "-smp", "4", "-no-reboot", "-kernel", kernel, "-initrd", rd,
               "-append", f"{APPEND} keel.test=ncpus"])
    try:
        # The threads exist once the guest runs: look at its first output.
        assert g.pump(lambda x: x.out != b"" or x.p.poll() is not None,
                      BOOT_TIMEOUT), g.errtext()
        threads = vcpu_threads(g.p.pid)
        status = g.wait(BOOT_TIMEOUT)
    finally:
        g.stop()
    assert threads == ["CPU 0/TCG", "CPU 1/TCG", "CPU 2/TCG", "CPU 3/TCG"], \
        threads
    assert "KEEL-INIT-READY" in g.text(), g.text()[-2000:]
    assert "ncpus: 4\n" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


def test_smp8_every_cpu_works():
    """-smp 8, thread=multi: eight CPUs up with distinct APIC IDs (MADT,
    INIT/SIPI to each), eight "CPU n/TCG" threads, and a worker pinned to
    each CPU, all started at once, runs there and gets the right sum."""
    need_tcg()
    kernel = need_kernel()
    rd = initrd(kernel)
    g = Guest(["-accel", "tcg,thread=multi", *MACHINE, "-m", "512M",
               "-smp", "8", "-no-reboot", "-kernel", kernel, "-initrd", rd,
               "-append", f"{APPEND} keel.test=smpwork"])
    try:
        assert g.pump(lambda x: x.out != b"" or x.p.poll() is not None,
                      BOOT_TIMEOUT), g.errtext()
        threads = vcpu_threads(g.p.pid)
        status = g.wait(BOOT_TIMEOUT)
    finally:
        g.stop()
    assert threads == [f"CPU {i}/TCG" for i in range(8)], threads
    assert "smpwork: cpus 8\n" in g.text(), g.text()[-2000:]
    assert "smpwork: apicids 8\n" in g.text(), g.text()[-2000:]
    assert "smpwork: ok 8\n" in g.text(), g.text()[-2000:]
    assert "KEEL-RESULT: smpwork 0\n" in g.text(), g.text()[-2000:]
    assert status == 0, f"exit status {status}: {g.errtext()!r}"


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
