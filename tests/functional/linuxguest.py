"""linuxguest.py: what the Linux-guest functional tests (test_linux_kvm.py,
test_linux_tcg.py) share: the Debian kernel to boot, the tests/guest
initramfs, the fast-boot command line, a running guest whose serial
console is read from a pipe, and QEMU 7.2 as the reference for what the
guest should see. Python 3 standard library only."""

import glob
import lzma
import os
import re
import select
import signal
import subprocess
import time
import zlib

from keeltest import BIN, Skip

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
BUILD = os.environ.get("KEEL_BUILD_DIR", "build")
GDIR = os.path.join(BUILD, "tests", "guest")
QEMU = "/usr/bin/qemu-system-x86_64"

# shared/GUEST-NOTES.md's fast-boot command line.
APPEND = ("console=ttyS0 quiet panic=-1 8250.nr_uarts=1 i8042.noaux "
          "i8042.nomux i8042.nopnp i8042.dumbkbd tsc=reliable "
          "no_timer_check cryptomgr.notests random.trust_cpu=on")
MACHINE = ["-M", "pc", "-display", "none", "-monitor", "none",
           "-serial", "stdio"]


def vmlinuz():
    """The newest /boot/vmlinuz-*, as mkinitrd.sh picks it (sort -V)."""
    def version(path):
        return [int(x) if x.isdigit() else x
                for x in re.split(r"(\d+)", path)]
    images = sorted(glob.glob("/boot/vmlinuz-*"), key=version)
    return images[-1] if images else None


def need_kernel():
    """The kernel to boot; raises Skip (with the reason) without one."""
    kernel = vmlinuz()
    if not kernel:
        raise Skip("no /boot/vmlinuz-* on this host (Debian's "
                   "linux-image-amd64; scripts/install-deps.sh)")
    if not os.access(kernel, os.R_OK):
        raise Skip(f"{kernel} is not readable")
    return kernel


def sanitized_build():
    """Is KEEL_BUILD_DIR an ASan/UBSan build (meson -Dsanitizers=true)?"""
    try:
        with open(os.path.join(BUILD, "config-host.h")) as f:
            return "#define CONFIG_SANITIZERS 1" in f.read()
    except OSError:
        return False


def initrd(kernel):
    """mkinitrd.sh's image for this kernel (cached by its stamp)."""
    env = dict(os.environ, KVER=os.path.basename(kernel)[len("vmlinuz-"):])
    p = subprocess.run(["bash", os.path.join(SRC, "tests", "guest",
                                             "mkinitrd.sh"), GDIR],
                       capture_output=True, text=True, env=env, timeout=120)
    if p.returncode != 0:
        lines = p.stderr.strip().splitlines() or ["no output"]
        raise Skip(f"mkinitrd.sh failed: {lines[-1]}")
    return p.stdout.strip()


def extract_vmlinux(kernel):
    """The ELF inside the bzImage's payload, cached next to the initrd."""
    out = os.path.join(GDIR, "vmlinux-" +
                       os.path.basename(kernel)[len("vmlinuz-"):])
    if os.path.exists(out) and \
       os.path.getmtime(out) >= os.path.getmtime(kernel):
        return out
    with open(kernel, "rb") as f:
        data = f.read()
    elf = None
    i = data.find(b"\xfd7zXZ\x00")
    if i >= 0:
        elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(
            data[i:])
    else:
        i = data.find(b"\x1f\x8b\x08\x00")
        if i >= 0:
            # The bzImage's trailer follows the stream: zlib ignores it.
            elf = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(
                data[i:])
    if not elf or not elf.startswith(b"\x7fELF"):
        return kernel   # unknown packing: probe with the bzImage itself
    with open(out + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(out + ".tmp", out)
    return out


class Guest:
    """A running emulator (Keel unless told otherwise) with the serial
    console on stdout; stdin is a pipe when interactive, else /dev/null."""

    def __init__(self, args, binary=BIN, interactive=False):
        self.p = subprocess.Popen([binary, *args],
                                  stdin=subprocess.PIPE if interactive
                                  else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.out = b""
        self.err = b""

    def pump(self, until, timeout):
        """Read both pipes until until(self) holds, EOF or timeout;
        returns until(self)."""
        deadline = time.monotonic() + timeout
        fds = {self.p.stdout.fileno(): "out", self.p.stderr.fileno(): "err"}
        while not until(self) and fds:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select(list(fds), [], [], left)
            for fd in ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    del fds[fd]
                elif fds[fd] == "out":
                    self.out += chunk
                else:
                    self.err += chunk
        return until(self)

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def text(self):
        return self.out.decode(errors="replace").replace("\r", "")

    def errtext(self):
        return self.err.decode(errors="replace")

    def wait(self, timeout):
        self.pump(lambda g: False, timeout)
        try:
            return self.p.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.wait(30)
            finally:
                if self.p.poll() is None:
                    self.p.kill()
                    self.p.wait()


def memtotal(text):
    m = re.search(r"MemTotal:\s+(\d+) kB", text)
    assert m, text[-2000:]
    return int(m.group(1))


class ReferenceMemTotal:
    """QEMU 7.2's TCG boot of the meminfo case with the same kernel,
    initramfs and -m, started at once so that it runs while the caller
    boots Keel; memtotal() waits for its answer (None without QEMU)."""

    def __init__(self, kernel, initrd_path, m):
        self.g = None
        if os.access(QEMU, os.X_OK):
            self.g = Guest(["-accel", "tcg", *MACHINE, "-m", m, "-no-reboot",
                            "-kernel", kernel, "-initrd", initrd_path,
                            "-append", f"{APPEND} keel.test=meminfo"],
                           binary=QEMU)

    def memtotal(self, timeout):
        if not self.g:
            return None
        try:
            # not "until it exits": what it wrote before is still in the pipe
            self.g.pump(lambda g: b"KEEL-RESULT" in g.out, timeout)
            return memtotal(self.g.text())
        finally:
            self.g.stop()


def reference_memtotal(kernel, initrd_path, m, timeout):
    """MemTotal of the same boot under QEMU's TCG, or None without QEMU."""
    return ReferenceMemTotal(kernel, initrd_path, m).memtotal(timeout)


def check_memtotal(got, want, m, ram_kib):
    """MemTotal within 5% of QEMU's (want), or of -m when want is None
    and the RAM is large enough for the kernel's share not to matter."""
    if want is None:
        if ram_kib < (1 << 21):
            raise Skip(f"no {QEMU} to compare MemTotal with")
        want = ram_kib
    assert abs(got - want) <= want * 0.05, \
        f"MemTotal {got} kB with -m {m}, wanted {want} kB +-5%"
