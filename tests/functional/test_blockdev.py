#!/usr/bin/env python3
"""test_blockdev.py: -drive and -blockdev as a user types them, on -M none.
Accepted command lines start and quit cleanly from the monitor; bad ones
print QEMU 7.2's message (checked by running QEMU) and exit 1. Image locks
exclude QEMU's own qemu-io while Keel has an image open, and a second
Keel. Images are made with QEMU's qemu-img so the tests do not depend on
Keel's. KEEL_BLOCKDEV_BIN runs the cases against another binary (QEMU) to
check the expectations themselves. Prints TAP."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import BIN, Skip, TIMEOUT, main, tests_of, wait_for  # noqa: E402

BINARY = os.environ.get("KEEL_BLOCKDEV_BIN", BIN)
PROG = "qemu-system-x86_64"
QEMU_IMG = "/usr/bin/qemu-img"
QEMU_IO = "/usr/bin/qemu-io"
BASE = ["-M", "none", "-display", "none", "-serial", "none",
        "-parallel", "none", "-S"]
WARN_RAW = ("WARNING: Image format was not specified for '{}' and probing "
            "guessed raw.\n"
            "         Automatically detecting the format is dangerous for raw "
            "images, write operations on block 0 will be restricted.\n"
            "         Specify the 'raw' format explicitly to remove the "
            "restrictions.\n")


def need_qemu_tools():
    for tool in (QEMU_IMG, QEMU_IO):
        if not os.access(tool, os.X_OK):
            raise Skip(f"{tool} is not installed")


def qemu_img(*args):
    subprocess.run([QEMU_IMG, *args], check=True, capture_output=True)


def images(tmp):
    need_qemu_tools()
    qemu_img("create", "-f", "qcow2", os.path.join(tmp, "a.qcow2"), "1M")
    qemu_img("create", "-f", "raw", os.path.join(tmp, "r.raw"), "1M")


def run(tmp, *args):
    p = subprocess.run([BINARY, *BASE, "-monitor", "none", *args], cwd=tmp,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=TIMEOUT)
    return p.returncode, p.stderr


def expect_fail(tmp, args, message, prefix=""):
    """Refused with exit 1 and "PROG: -opt arg: message" (after prefix)."""
    rc, err = run(tmp, *args)
    loc = " ".join(args[-2:]) if len(args) > 1 and args[-2].startswith("-") else args[-1]
    want = f"{prefix}{PROG}: {loc}: {message}\n"
    assert rc == 1, f"{args}: exit status {rc}, stderr {err!r}"
    assert err == want, f"{args}: stderr {err!r}, wanted {want!r}"


class Running:
    """An emulator started with a monitor on stdio, quit from it."""

    def __init__(self, tmp, *args):
        self.p = subprocess.Popen([BINARY, *BASE, "-monitor", "stdio", *args],
                                  cwd=tmp, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def alive(self):
        return self.p.poll() is None

    def quit(self):
        out, err = self.p.communicate(b"quit\n", timeout=TIMEOUT)
        return self.p.returncode, err.decode(errors="replace")

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.communicate()


def qemu_io(tmp, *args):
    p = subprocess.run([QEMU_IO, *args], cwd=tmp, capture_output=True,
                       text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    return p.stdout + p.stderr


def holds_locks(tmp, img):
    """Has someone taken OFD locks on img? (Watching /proc/locks rather than
    probing with qemu-io, whose own locks could make the opener fail.)"""
    return has_ofd_lock(os.stat(os.path.join(tmp, img)).st_ino)


def has_ofd_lock(ino):
    with open("/proc/locks") as f:
        return any("OFDLCK" in line and f":{ino} " in line for line in f)


def test_drive_errors(tmp):
    images(tmp)
    cases = [
        ("file=nonexist.qcow2,if=none",
         "Could not open 'nonexist.qcow2': No such file or directory"),
        ("file=r.raw,if=none,format=foo", "Unknown driver 'foo'"),
        ("file=r.raw,if=none,format=qcow2", "Image is not in qcow2 format"),
        ("file=r.raw,if=none,format=raw,bar=1",
         "Block format 'raw' does not support the option 'bar'"),
        ("file=r.raw,if=none,format=raw,file.bar=1",
         "Block protocol 'file' doesn't support the option 'bar'"),
        ("file=r.raw,if=none,cache=foo", "invalid cache option"),
        ("file=r.raw,if=none,format=raw,aio=native",
         "aio=native was specified, but it requires cache.direct=on, which "
         "was not specified."),
        ("file=r.raw,if=none,aio=foo", "invalid aio option"),
        ("file=r.raw,if=none,discard=foo", "Invalid discard option"),
        ("file=r.raw,if=none,detect-zeroes=foo", "invalid parameter value: foo"),
        ("file=r.raw,if=none,format=raw,media=foo", "'foo' invalid media"),
        ("file=r.raw,format=raw,if=none,rerror=foo",
         "'foo' invalid read error action"),
        ("file=.,if=none", "'file' driver requires '.' to be a regular file"),
        ("file=r.raw,if=foo", "unsupported bus type 'foo'"),
        ("file=r.raw,if=none,format=raw,offset=4096,size=1000",
         "Specified size is not multiple of 512"),
    ]
    for arg, msg in cases:
        expect_fail(tmp, ["-drive", arg], msg)
    # Without file=, block options are an error; none make an empty drive.
    expect_fail(tmp, ["-drive", "if=none,foo=bar"], "Must specify either driver or file")
    expect_fail(tmp, ["-drive", "if=none,format=raw"],
                'A block device must be specified for "file"')
    expect_fail(tmp, ["disk.img"],
                "Could not open 'disk.img': No such file or directory")
    # A probed raw image warns first, then the option error.
    expect_fail(tmp, ["-drive", "file=r.raw,if=none,bar=1"],
                "Block format 'raw' does not support the option 'bar'",
                prefix=WARN_RAW.format("r.raw"))
    rc, err = run(tmp, "-drive", "file=r.raw,if=none,id=1x")
    assert rc == 1
    assert err == (f"{PROG}: -drive file=r.raw,if=none,id=1x: Parameter 'id' "
                   "expects an identifier\nIdentifiers consist of letters, "
                   "digits, '-', '.', '_', starting with a letter.\n"), err


def test_blockdev_errors(tmp):
    images(tmp)
    cases = [
        ("driver=file,node-name=1a,filename=r.raw", "Invalid node-name: '1a'"),
        ("driver=file,filename=r.raw",
         "'node-name' must be specified for the root node"),
        ("node-name=a,filename=r.raw", "Parameter 'driver' is missing"),
        ("driver=file,node-name=a", "Parameter 'filename' is missing"),
        ("driver=foo,node-name=a", "Parameter 'driver' does not accept value 'foo'"),
        ("driver=qcow2,node-name=a,file.driver=file,file.filename=r.raw",
         "Image is not in qcow2 format"),
        ("driver=file,node-name=a,filename=r.raw,bar=1",
         "Parameter 'bar' is unexpected"),
        ("driver=qcow2,node-name=q", "Parameter 'file' is missing"),
        ("driver=file,node-name=a,filename=r.raw,read-only=x",
         "Parameter 'read-only' expects 'on' or 'off'"),
        ("driver=file,node-name=a,filename=r.raw,locking=x",
         "Parameter 'locking' does not accept value 'x'"),
        ('{"driver":"file","node-name":"a","filename":"nope"}',
         "Could not open 'nope': No such file or directory"),
    ]
    for arg, msg in cases:
        expect_fail(tmp, ["-blockdev", arg], msg)
    expect_fail(tmp, ["-blockdev", "driver=file,node-name=a,filename=r.raw",
                      "-blockdev", "driver=file,node-name=a,filename=a.qcow2"],
                "Duplicate nodes with node-name='a'")
    expect_fail(tmp, ["-blockdev", "driver=file,node-name=a,filename=r.raw",
                      "-blockdev", "driver=raw,node-name=b,file=zz"],
                "Cannot find device='zz' nor node-name='zz'")
    # -blockdev nodes exist before any -drive is opened.
    expect_fail(tmp, ["-blockdev", "driver=file,node-name=a,filename=a.qcow2",
                      "-drive", "file=r.raw,format=raw,if=none,id=a"],
                "Device name 'a' conflicts with an existing node name")


def test_accepted_lines_start(tmp):
    images(tmp)
    lines = [
        ["-drive", "file=a.qcow2,if=none,id=d0"],
        ["-drive", "file=r.raw,format=raw,if=none,id=d0,cache=none,aio=native"],
        ["-drive", "file=r.raw,format=raw,if=none,cache=unsafe,discard=unmap,"
                   "detect-zeroes=unmap"],
        ["-drive", "file=a.qcow2,if=none,readonly=on,cache=directsync"],
        ["-drive", "if=none,id=empty"],
        ["-blockdev", "driver=qcow2,node-name=q,file.driver=file,"
                      "file.filename=a.qcow2"],
        ["-blockdev", "driver=file,node-name=f,filename=a.qcow2",
         "-blockdev", "driver=qcow2,node-name=q,file=f"],
        ["-blockdev", '{"driver": "raw", "node-name": "r", "file": '
                      '{"driver": "file", "filename": "r.raw"}}'],
        ["-blockdev", "driver=raw,node-name=r,file.driver=file,"
                      "file.filename=r.raw,file.node-name=f",
         "-drive", "file=r.raw,if=none,format=raw,id=a"],
    ]
    for args in lines:
        vm = Running(tmp, *args)
        try:
            rc, err = vm.quit()
            assert rc == 0, f"{args}: exit status {rc}, stderr {err!r}"
            assert err == "", f"{args}: stderr {err!r}"
        finally:
            vm.kill()


def test_disk_interfaces_refused(tmp):
    """Until the disk device models exist, the image is opened (so image
    errors come first) and then the interface is refused."""
    images(tmp)
    expect_fail(tmp, ["-drive", "file=a.qcow2,if=virtio"],
                "virtio disks are not available yet in Keel")
    expect_fail(tmp, ["-drive", "file=nonexist.qcow2,if=virtio"],
                "Could not open 'nonexist.qcow2': No such file or directory")


def test_lock_against_qemu_io(tmp):
    images(tmp)
    vm = Running(tmp, "-drive", "file=a.qcow2,if=none,id=d0")
    try:
        wait_for(lambda: not vm.alive() or holds_locks(tmp, "a.qcow2"))
        assert vm.alive(), vm.quit()
        out = qemu_io(tmp, "-f", "qcow2", "-c", "read 0 512", "a.qcow2")
        assert "Is another process using the image [a.qcow2]?" in out, out
        # qemu-io -r is refused too (Keel may write), -r -U reads.
        out = qemu_io(tmp, "-r", "-f", "qcow2", "-c", "read 0 512", "a.qcow2")
        assert 'Failed to get shared "write" lock' in out, out
        out = qemu_io(tmp, "-r", "-U", "-f", "qcow2", "-c", "read 0 512",
                      "a.qcow2")
        assert "read 512/512 bytes at offset 0" in out, out
        rc, err = vm.quit()
        assert rc == 0 and err == "", (rc, err)
    finally:
        vm.kill()
    # Released at exit.
    out = qemu_io(tmp, "-f", "qcow2", "-c", "read 0 512", "a.qcow2")
    assert "read 512/512 bytes at offset 0" in out, out


def test_lock_second_keel(tmp):
    images(tmp)
    vm = Running(tmp, "-drive", "file=a.qcow2,if=none,id=d0")
    try:
        wait_for(lambda: not vm.alive() or holds_locks(tmp, "a.qcow2"))
        rc, err = run(tmp, "-drive", "file=a.qcow2,if=none")
        assert rc == 1, err
        assert err == (f"{PROG}: -drive file=a.qcow2,if=none: Failed to get "
                       "\"write\" lock\nIs another process using the image "
                       "[a.qcow2]?\n"), err
        # The same image twice in one process conflicts the same way.
        rc, err = run(tmp, "-drive", "file=r.raw,format=raw,if=none,id=x",
                      "-drive", "file=a.qcow2,if=none,id=b",
                      "-drive", "file=a.qcow2,if=none,id=c")
        assert rc == 1 and "Failed to get" in err, err
        vm.quit()
    finally:
        vm.kill()


def test_lock_held_by_qemu_io(tmp):
    images(tmp)
    holder = subprocess.Popen([QEMU_IO, "-f", "qcow2", "a.qcow2"], cwd=tmp,
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        # Start Keel only once qemu-io has taken its locks.
        ino = os.stat(os.path.join(tmp, "a.qcow2")).st_ino
        wait_for(lambda: has_ofd_lock(ino))
        rc, err = run(tmp, "-drive", "file=a.qcow2,if=none")
        assert rc == 1 and 'Failed to get "write" lock' in err, err
        # A read-only, shared user gets in.
        vm = Running(tmp, "-drive", "file=a.qcow2,if=none,readonly=on,"
                                    "force-share=on")
        try:
            rc, err = vm.quit()
            assert rc == 0 and err == "", (rc, err)
        finally:
            vm.kill()
    finally:
        holder.communicate(b"quit\n", timeout=TIMEOUT)


def image_fd_flags(pid, path):
    """open(2) flags of pid's descriptors on path (from /proc)."""
    flags = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == path:
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    for line in f:
                        if line.startswith("flags:"):
                            flags.append(int(line.split()[1], 8))
        except OSError:
            pass
    return flags


def test_cache_modes_open_mode(tmp):
    """cache=none and directsync open the image O_DIRECT, the others do not;
    readonly=on opens it read-only, otherwise read-write. (QEMU differs on
    the last point: with no device attached it keeps a read-only fd.)"""
    images(tmp)
    path = os.path.realpath(os.path.join(tmp, "r.raw"))
    for cache, direct in (("none", True), ("directsync", True), ("writeback", False),
                          ("writethrough", False), ("unsafe", False)):
        for ro in (False, True):
            arg = f"file=r.raw,format=raw,if=none,cache={cache}"
            arg += ",readonly=on" if ro else ""
            vm = Running(tmp, "-drive", arg)
            try:
                wait_for(lambda: not vm.alive() or image_fd_flags(vm.p.pid, path))
                flags = image_fd_flags(vm.p.pid, path)
                assert flags, (arg, vm.quit())
                assert all(bool(f & os.O_DIRECT) == direct for f in flags), (arg, flags)
                want = os.O_RDONLY if ro else os.O_RDWR
                assert all(f & os.O_ACCMODE == want for f in flags), (arg, flags)
                rc, err = vm.quit()
                assert rc == 0 and err == "", (arg, rc, err)
            finally:
                vm.kill()


def test_snapshot_on(tmp):
    """snapshot=on (and -snapshot) start, and leave the image untouched."""
    images(tmp)
    before = open(os.path.join(tmp, "a.qcow2"), "rb").read()
    for args in (["-drive", "file=a.qcow2,if=none,snapshot=on"],
                 ["-snapshot", "-drive", "file=a.qcow2,if=none"]):
        vm = Running(tmp, *args)
        try:
            rc, err = vm.quit()
            assert rc == 0 and err == "", (args, rc, err)
        finally:
            vm.kill()
    assert open(os.path.join(tmp, "a.qcow2"), "rb").read() == before


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), tmp_prefix="keel-blockdev-"))
