#!/usr/bin/env python3
"""test_tcg_accel.py: the "tcg" accelerator from the command line: -accel
help, its options and QEMU 7.2's messages for bad ones, the pc board
running the hello kernel under TCG (serial output equal to QEMU's
recording), -accel kvm:tcg falling back, isa-debug-exit's status, a triple
fault with and without -no-reboot, -d in_asm,exec,cpu -D FILE, -perfmap, and
-S then "cont" on the monitor. Needs a build with TCG (the cases do not skip
otherwise: this test exists to check TCG). Prints TAP."""

import os
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (BIN, PROG, Keel, Skip, kvm_unusable, main,  # noqa: E402
                      poll_until, run, tests_of)

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
EXPECTED = os.path.join(SRC, "tests", "guest", "expected")
TIMEOUT = 30

# record-expected.sh's hello run, under TCG.
MACHINE = ["-M", "pc", "-cpu", "qemu64", "-m", "128", "-display", "none",
           "-serial", "stdio", "-device",
           "isa-debug-exit,iobase=0xf4,iosize=0x04"]
HELLO = ["-no-reboot", "-append", "keel-hello arg2=x"]


def hello_kernel():
    path = os.path.join(KDIR, "hello.elf")
    if not os.path.exists(path):
        raise Skip("hello.elf not built (ninja guest-kernels)")
    return os.path.abspath(path)


def expected(name):
    with open(os.path.join(EXPECTED, name + ".out"), "rb") as f:
        out = f.read()
    with open(os.path.join(EXPECTED, name + ".status")) as f:
        status = int(f.read().split()[0])
    return out, status


def keel(*args, timeout=TIMEOUT, cwd=None):
    p = subprocess.run([os.path.abspath(BIN), *args], cwd=cwd,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def run_hello(*accel):
    return keel(*accel, *MACHINE, "-monitor", "none", *HELLO,
                "-kernel", hello_kernel())


def triple_fault_kernel(tmp):
    """A multiboot (a.out kludge) kernel that prints "T" on COM1, loads an
    empty IDT and executes ud2: #UD, #GP, #DF cannot be delivered, so
    the CPU shuts down (triple fault)."""
    base = 0x100000
    magic, flags = 0x1BADB002, 0x00010000
    header = struct.pack("<8I", magic, flags, (-(magic + flags)) & 0xffffffff,
                         base, base, 0, 0, base + 0x20)
    code = bytes([0x66, 0xba, 0xf8, 0x03,          # mov $0x3f8, %dx
                  0xb0, ord("T"),                  # mov $'T', %al
                  0xee,                            # out %al, %dx
                  0x0f, 0x01, 0x1d]) + struct.pack("<I", base + 0x40) + \
        bytes([0x0f, 0x0b])                        # lidt idtr; ud2
    image = header + code
    image += bytes(0x40 - len(image)) + bytes(8)   # idtr: limit 0, base 0
    path = os.path.join(tmp, "triple.bin")
    with open(path, "wb") as f:
        f.write(image)
    return path


# ---- the tests ----


def test_accel_help():
    code, out, err = run("-accel", "help")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Accelerators supported in QEMU binary:", out
    assert "tcg" in lines[1:], out
    # QEMU 7.2 lists tcg first, then kvm.
    if "kvm" in lines:
        assert lines.index("tcg") < lines.index("kvm"), out


def test_bad_options():
    cases = [
        ("tcg,tb-size=abc", "Parameter 'tb-size' expects uint64"),
        ("tcg,tb-size=1.5", "Parameter 'tb-size' expects uint64"),
        ("tcg,tb-size=-1", "Parameter 'tb-size' expects uint32_t"),
        ("tcg,thread=bogus", "Invalid 'thread' setting bogus"),
        ("tcg,foo=1", "Property 'tcg-accel.foo' not found"),
    ]
    for arg, msg in cases:
        code, out, err = run("-accel", arg, "-M", "none", "-display", "none")
        assert code == 1, (arg, code, err)
        assert err == f"{PROG}: -accel {arg}: {msg}\n", (arg, err)


def test_hello():
    want, status = expected("hello")
    code, out, err = run_hello("-accel", "tcg")
    assert out == want, (out, err)
    # isa-debug-exit: (value << 1) | 1, as QEMU.
    assert code == status, (code, err)
    assert err == "", err


def test_tb_size_and_thread():
    want, status = expected("hello")
    code, out, err = run_hello("-accel", "tcg,tb-size=8,thread=single")
    assert (code, out, err) == (status, want, ""), (code, out, err)
    # One host thread per vCPU: same output, no warning.
    code, out, err = run_hello("-accel", "tcg,thread=multi", "-smp", "2")
    assert (code, out, err) == (status, want, ""), (code, out, err)


def test_machine_accel_tcg():
    want, status = expected("hello")
    code, out, err = keel("-machine", "accel=tcg", *MACHINE, "-monitor",
                          "none", *HELLO, "-kernel", hello_kernel())
    assert (code, out, err) == (status, want, ""), (code, out, err)


def test_kvm_tcg_fallback():
    want, status = expected("hello")
    code, out, err = keel("-machine", "accel=kvm:tcg", *MACHINE, "-monitor",
                          "none", *HELLO, "-kernel", hello_kernel())
    assert (code, out) == (status, want), (code, out, err)
    if kvm_unusable():
        assert err.endswith(f"{PROG}: falling back to tcg\n"), err


def test_kvm_tcg_fallback_forced():
    """KVM made unusable (/dev/null bound over /dev/kvm in a private mount
    namespace): -machine accel=kvm:tcg says why and falls back to tcg."""
    want, status = expected("hello")
    script = ("mount --bind /dev/null /dev/kvm 2>/dev/null || exit 99; "
              'exec "$@"')
    p = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh",
                        os.path.abspath(BIN), "-machine", "accel=kvm:tcg",
                        *MACHINE, "-monitor", "none", *HELLO, "-kernel",
                        hello_kernel()],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=TIMEOUT)
    err = p.stderr.decode(errors="replace")
    if p.returncode == 99 or "unshare:" in err or not os.path.exists("/dev/kvm"):
        raise Skip("needs root for a private mount namespace over /dev/kvm")
    assert (p.returncode, p.stdout) == (status, want), (p.returncode, err)
    assert err.endswith(f"{PROG}: falling back to tcg\n"), err


def test_cpu_max_and_host():
    kernel = os.path.join(KDIR, "cpuid.elf")
    if not os.path.exists(kernel):
        raise Skip("cpuid.elf not built (ninja guest-kernels)")
    code, out, err = keel("-accel", "tcg", *MACHINE[:2], "-cpu", "max",
                          *MACHINE[4:], "-monitor", "none", "-no-reboot",
                          "-kernel", os.path.abspath(kernel))
    text = out.decode()
    # QEMU 7.2's "max" under TCG: qemu64's identity, TCG's brand string.
    assert code == 33, (code, err)
    assert "cpuid: family 15 model 107 stepping 1\n" in text, text
    assert "cpuid: brand 'QEMU TCG CPU version 2.5+'\n" in text, text
    code, out, err = keel("-accel", "tcg", "-M", "pc", "-cpu", "host",
                          "-display", "none", "-monitor", "none",
                          "-kernel", os.path.abspath(kernel))
    assert (code, err) == (1, f"{PROG}: CPU model 'host' requires KVM or "
                              "HVF\n"), (code, err)


def check_triple_fault(*accel):
    with tempfile.TemporaryDirectory() as tmp:
        kernel = triple_fault_kernel(tmp)
        # -no-reboot: the shutdown ends the run, status 0.
        code, out, err = keel(*accel, *MACHINE, "-monitor", "none",
                              "-no-reboot", "-kernel", kernel)
        assert (code, out, err) == (0, b"T", ""), (code, out, err)
        # Without it the machine resets and the kernel runs again.
        k = Keel(*accel, *MACHINE, "-monitor", "none", "-kernel",
                 kernel, stdin=subprocess.DEVNULL)
        try:
            k.read_until("TTT")
        finally:
            k.stop()


def test_triple_fault():
    check_triple_fault("-accel", "tcg")


def test_triple_fault_multi():
    # A reset from one vCPU thread stops and restarts the other's too.
    check_triple_fault("-accel", "tcg,thread=multi", "-smp", "2")


def test_log_file():
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        want, status = expected("hello")
        code, out, err = run_hello("-accel", "tcg", "-d", "in_asm,exec,cpu",
                                   "-D", log)
        assert (code, out) == (status, want), (code, out, err)
        with open(log) as f:
            text = f.read()
        assert "----------------\nIN: \n" in text, text[:2000]
        assert "Trace 0:" in text, text[:2000]
        assert "EIP=" in text or "RIP=" in text, text[:2000]
        # The multiboot entry: flat 32-bit code at 1 MiB and up.
        assert "\n0x001" in text, text[:2000]


def elf_entry(path):
    with open(path, "rb") as f:
        ident = f.read(64)
    assert ident[:4] == b"\x7fELF", path
    if ident[4] == 2:
        return struct.unpack_from("<Q", ident, 24)[0]
    return struct.unpack_from("<I", ident, 24)[0]


def test_perfmap():
    """-perfmap: /tmp/perf-PID.map names each translated block's guest pc
    (perf's format: START SIZE NAME in hex), the kernel's entry among them."""
    want, status = expected("hello")
    kernel = hello_kernel()
    p = subprocess.Popen([os.path.abspath(BIN), "-accel", "tcg", "-perfmap",
                          *MACHINE, "-monitor", "none", *HELLO,
                          "-kernel", kernel],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=TIMEOUT)
    path = f"/tmp/perf-{p.pid}.map"
    try:
        assert (p.returncode, out) == (status, want), (p.returncode, out, err)
        with open(path) as f:
            lines = f.read().splitlines()
    finally:
        if os.path.exists(path):
            os.unlink(path)
    assert len(lines) > 10, lines
    pcs = set()
    for line in lines:
        start, size, name = line.split(" ")
        assert int(start, 16) > 0 and int(size, 16) > 0, line
        assert name.startswith("guest-0x"), line
        pcs.add(int(name[len("guest-0x"):], 16))
    assert elf_entry(kernel) in pcs, (hex(elf_entry(kernel)), sorted(pcs)[:20])


def test_perfmap_unwritable():
    """Where /tmp/perf-PID.map cannot be made, a one-line error naming the
    option, exit status 1 (the file for our pid is made a directory)."""
    p = subprocess.Popen(["sh", "-c", 'mkdir "/tmp/perf-$$.map" && exec "$0" "$@"',
                          os.path.abspath(BIN), "-accel", "tcg", "-perfmap",
                          *MACHINE, "-monitor", "none", *HELLO,
                          "-kernel", hello_kernel()],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=TIMEOUT)
    os.rmdir(f"/tmp/perf-{p.pid}.map")
    err = err.decode(errors="replace")
    assert p.returncode == 1, (p.returncode, err)
    assert err.count("\n") == 1 and "-perfmap" in err, err


def test_paused_then_cont():
    check_paused_then_cont("-accel", "tcg")


def test_paused_then_cont_multi():
    check_paused_then_cont("-accel", "tcg,thread=multi", "-smp", "2")


def check_paused_then_cont(*accel):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mon.sock")
        want, status = expected("hello")
        p = subprocess.Popen([os.path.abspath(BIN), *accel,
                              *MACHINE, "-monitor",
                              f"unix:{path},server=on,wait=off", *HELLO,
                              "-S", "-kernel", hello_kernel()],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            assert poll_until(lambda: os.path.exists(path) or
                              p.poll() is not None), "no monitor socket"
            assert p.poll() is None, p.communicate()
            with socket.socket(socket.AF_UNIX) as mon:
                mon.connect(path)
                mon.sendall(b"cont\n")
                out, err = p.communicate(timeout=TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        assert (p.returncode, out) == (status, want), (p.returncode, out, err)


if __name__ == "__main__":
    sys.exit(main(tests_of(globals())))
