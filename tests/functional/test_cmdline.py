#!/usr/bin/env python3
"""test_cmdline.py: the qemu-system-x86_64 command line as users and
scripts see it: --version, -h, the error messages and exit codes of bad
options (QEMU's wording), the help listings, and a clean exit on SIGTERM.
Prints TAP. Needs KEEL_BUILD_DIR (the meson build directory)."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (  # noqa: E402
    PROG, Keel, expect_error, expect_stderr, kvm_unusable, main, run,
    tests_of, wait_catching_sigterm)


def expect_errors(cases):
    """expect_error() for each (args, message), args after "-M none"."""
    for args, message in cases:
        expect_error(["-M", "none", *args], message)


# --- the tests -----------------------------------------------------------

def test_version():
    for opt in ("--version", "-version"):
        code, out, err = run(opt)
        assert code == 0, err
        lines = out.splitlines()
        assert lines == [
            "QEMU emulator version 8.2.0 (Keel 0.1.0)",
            "Copyright (c) 2003-2023 Fabrice Bellard and the QEMU Project "
            "developers"], lines


HELP_OPTIONS = """
h help version machine M cpu accel smp numa add-fd set global boot m
mem-path mem-prealloc k audiodev device name uuid fda fdb hda hdb hdc hdd
cdrom blockdev drive snapshot usb usbdevice display nographic spice vga
vnc smbios netdev nic net chardev bios kernel append initrd dtb fw_cfg
serial parallel monitor qmp qmp-pretty mon pidfile S overcommit gdb s d D
L enable-kvm no-reboot no-shutdown action loadvm daemonize rtc icount
watchdog-action incoming only-migratable nodefaults chroot runas run-with
sandbox readconfig no-user-config trace msg object
""".split()


def test_help_lists_options():
    for opt in ("-h", "--help", "-help"):
        code, out, err = run(opt)
        assert code == 0, err
        lines = out.splitlines()
        assert lines[0] == "QEMU emulator version 8.2.0 (Keel 0.1.0)"
        assert f"usage: {PROG} [options] [disk_image]" in lines
        for group in ("Standard options:", "Block device options:",
                      "Display options:", "Network options:",
                      "Character device options:",
                      "Debug/Expert options:"):
            assert group in lines, group
    # Every option appears at the start of a help line ("-m ...",
    # "-hda/-hdb", "-h or -help").
    starts = set()
    for line in out.splitlines():
        if line.startswith("-"):
            word = line.split()[0]
            for part in word.split("/"):
                starts.add(part.lstrip("-").split("[")[0])
            if " or -" in line:
                starts.add(line.split(" or -")[1].split()[0])
    missing = [o for o in HELP_OPTIONS if o not in starts]
    assert not missing, f"not in -h: {missing}"


def test_unknown_option():
    expect_error(["-foo"], "-foo: invalid option")
    expect_error(["--foo"], "--foo: invalid option")


def test_missing_argument():
    expect_error(["-m"], "-m: requires an argument")
    expect_error(["--m"], "--m: requires an argument")
    expect_error(["-M", "none", "-name"], "-name: requires an argument")


def test_machine_help():
    code, out, err = run("-machine", "help")
    assert code == 0, err
    names = [line.split()[0] for line in out.splitlines()[1:] if line]
    assert "none" in names, out


def test_machine_unknown():
    expect_stderr(["-machine", "foo"],
                  f"{PROG}: unsupported machine type\n"
                  "Use -machine help to list supported machines\n")


def test_device_help():
    code, out, err = run("-device", "help")
    assert code == 0, err


def test_device_unknown():
    # QEMU prints the error but exits 0 for "-device NAME,help".
    code, out, err = run("-device", "foo,help")
    assert code == 0 and "foo" in err, (code, err)
    expect_error(["-M", "none", "-display", "none", "-device", "foo"],
                 "-device foo: 'foo' is not a valid device model name")


SIZE_HINT = ("Optional suffix k, M, G, T, P or E means kilo-, mega-, "
             "giga-, tera-, peta-\nand exabytes, respectively.\n")


def test_bad_memory():
    expect_stderr(["-M", "none", "-m", "foo"],
                  f"{PROG}: -m foo: Parameter 'size' expects a non-negative "
                  f"number below 2^64\n{SIZE_HINT}")
    expect_error(["-M", "none", "-m", "1G,maxmem=512M"],
                 "invalid value of maxmem: maximum memory size (0x20000000) "
                 "must be at least the initial memory size (0x40000000)")
    expect_error(["-M", "none", "-m", "512,slots=2"],
                 "slots specified but no max-size")
    expect_error(["-M", "none", "-m", "512,foo=1"],
                 "-m 512,foo=1: Invalid parameter 'foo'")


def test_bad_smp():
    expect_errors([
        (["-smp", "foo"], "Parameter 'smp.cpus' expects integer"),
        (["-smp", "4,sockets=3"],
         "Invalid CPU topology: product of the hierarchy must match "
         "maxcpus: sockets (3) * cores (1) * threads (1) != "
         "maxcpus (4)"),
        (["-smp", "2,maxcpus=1"],
         "Invalid CPU topology: maxcpus must be equal to or greater "
         "than smp: sockets (1) * cores (1) * threads (1) == "
         "maxcpus (1) < smp_cpus (2)"),
        (["-smp", "2"],
         "Invalid SMP CPUs 2. The max CPUs supported by machine "
         "'none' is 1"),
        (["-smp", "dies=2"],
         "dies not supported by this machine's CPU topology"),
    ])


def test_bad_uuid():
    expect_error(["-M", "none", "-uuid", "foo"],
                 "-uuid foo: failed to parse UUID string: wrong format")


def test_bad_rtc():
    expect_stderr(["-M", "none", "-rtc", "base=foo"],
                  f"{PROG}: invalid datetime format\n"
                  "valid formats: '2006-06-17T16:01:21' or '2006-06-17'\n")
    expect_error(["-M", "none", "-rtc", "clock=foo"],
                 "invalid option value 'foo'")
    expect_error(["-M", "none", "-rtc", "driftfix=foo"],
                 "invalid option value 'foo'")


def test_bad_boot():
    expect_errors([
        (["-boot", "order=z"], "Invalid boot device 'z'"),
        (["-boot", "order=cc"], "Boot device 'c' was given twice"),
        (["-boot", "menu=foo"],
         "Parameter 'boot.menu' expects 'on' or 'off'"),
        (["-boot", "splash-time=x"],
         "Parameter 'boot.splash-time' expects integer"),
    ])


def test_later_options():
    expect_errors([
        (["-kernel", "bzImage"],
         "-kernel bzImage: direct kernel boot is not available yet "
         "in Keel"),
        (["-initrd", "x"], "-initrd only allowed with -kernel option"),
        (["-drive", "file=x.img"],
         "-drive file=x.img: Could not open 'x.img': No such file or "
         "directory"),
        (["-drive", "foo=bar"],
         "-drive foo=bar: Must specify either driver or file"),
        (["disk.img"],
         "disk.img: Could not open 'disk.img': No such file or directory"),
        (["-netdev", "user"], "-netdev user: Parameter 'id' is missing"),
        (["-netdev", "foo,id=n"],
         "-netdev foo,id=n: Parameter 'type' does not accept value "
         "'foo'"),
        (["-accel", "tcg,tb-size=x"],
         "-accel tcg,tb-size=x: Parameter 'tb-size' expects uint64"),
        (["-accel", "foo"], "-accel foo: invalid accelerator foo"),
        (["-cpu", "foo"], "unable to find CPU model 'foo'"),
    ])


def test_accel_help():
    code, out, err = run("-accel", "help")
    assert code == 0, err
    assert out.startswith("Accelerators supported in QEMU binary:\n"), out


def test_pc_kernel_errors():
    # The board needs a usable accelerator first; without one (no
    # /dev/kvm, or a build without KVM) the accelerator error comes instead.
    # Without KVM the board falls back to TCG, if it is built.
    code, out, err = run("-accel", "help")
    if kvm_unusable() and "tcg" not in out.split():
        code, out, err = run("-M", "pc", "-display", "none", "-kernel", "x")
        assert code == 1, (code, err)
        assert err.startswith(f"{PROG}: no accelerator available for "
                              "machine 'pc' (KVM: "), err
        assert err.endswith("; TCG not built in)\n"), err
        return
    expect_stderr(["-M", "pc", "-display", "none", "-nodefaults",
                   "-kernel", "/nonexistent/bzImage"],
                  "qemu: could not open kernel file '/nonexistent/bzImage': "
                  "No such file or directory\n")


def test_log_help():
    code, out, err = run("-d", "help")
    assert code == 0 and out, (code, err)
    code, out, err = run("-M", "none", "-d", "nosuchitem")
    assert code == 1, (code, err)


def test_sandbox_on():
    expect_error(["-M", "none", "-sandbox", "on"],
                 "-sandbox on: seccomp sandboxing is not available yet in "
                 "Keel")


def test_other_errors():
    expect_errors([
        (["-name", "foo,bar=baz"],
         "-name foo,bar=baz: Invalid parameter 'bar'"),
        (["-display", "foo"],
         "-display foo: Parameter 'type' does not accept value "
         "'foo'"),
        (["-vga", "foo"], "unknown vga type: foo"),
        (["-action", "shutdown=foo"],
         "-action shutdown=foo: Parameter 'shutdown' does not accept "
         "value 'foo'"),
        (["-overcommit", "foo=1"],
         "-overcommit foo=1: Invalid parameter 'foo'"),
    ])


def test_runs_and_sigterm():
    # Both spellings, a harmless option set, then SIGTERM: QEMU's line and
    # exit status 0.
    k = Keel("--M", "none", "-display", "none", "-name", "vm1", "-uuid",
             "12345678-1234-1234-1234-123456789abc", "-rtc",
             "base=2006-06-17T16:01:21,clock=vm",
             "-boot", "order=cd,menu=on", "-no-reboot",
             "-msg", "timestamp=off", "-nodefaults",
             stdin=subprocess.DEVNULL)
    try:
        time.sleep(1)
        assert k.p.poll() is None, k.wait()
        wait_catching_sigterm(k.p)
        k.p.send_signal(signal.SIGTERM)
        code, err = k.wait()
    finally:
        k.stop()
    assert code == 0, (code, err)
    assert err.startswith(f"{PROG}: terminating on signal 15"), err


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
