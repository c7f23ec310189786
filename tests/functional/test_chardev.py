#!/usr/bin/env python3
"""test_chardev.py: chardevs and the human monitor as the command line
wires them: -chardev backends (socket, pty, file), -serial, -monitor,
-mon, the -nographic mux with its C-a escapes, and chardev errors.
Prints TAP. Needs KEEL_BUILD_DIR (the meson build directory)."""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (  # noqa: E402
    PROG, TIMEOUT, Keel, main, run, tests_of, wait_for)


# --- the tests -----------------------------------------------------------

def test_socket_server(tmp):
    path = os.path.join(tmp, "x.sock")
    k = Keel("-M", "none", "-display", "none", "-chardev",
             f"socket,id=c,path={path},server=on,wait=off",
             "-serial", "chardev:c")
    try:
        wait_for(lambda: os.path.exists(path) or k.p.poll() is not None)
        assert k.p.poll() is None, k.wait()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        s.connect(path)
        s.close()
    finally:
        k.stop()
    assert k.p.returncode == 0, k.p.returncode


def test_pty(tmp):
    k = Keel("-M", "none", "-display", "none", "-chardev", "pty,id=p",
             "-serial", "chardev:p")
    try:
        # QEMU prints this line on stdout.
        line = k.read_until("\n").splitlines()[0]
        assert line.startswith("char device redirected to /dev/pts/"), line
        assert line.endswith("(label p)"), line
        assert os.path.exists(line.split()[4]), line
    finally:
        k.stop()


def test_monitor_stdio(tmp):
    k = Keel("-M", "none", "-display", "none", "-monitor", "stdio",
             "-name", "guest1")
    try:
        k.read_until("(qemu) ")
        assert "QEMU 8.2.0 monitor - type 'help' for more information" \
            in k.read_until("(qemu) ")
        k.send(b"info version\n")
        assert "8.2.0 (Keel 0.1.0)\r\n" in k.read_until("Keel 0.1.0)\r\n")
        k.send(b"info name\n")
        k.read_until("guest1\r\n")
        k.send(b"info status\n")
        k.read_until("VM status: running\r\n")
        k.send(b"stop\ninfo status\n")
        k.read_until("VM status: paused\r\n")
        k.send(b"info chardev\n")
        k.read_until("compat_monitor0: filename=")
        k.send(b"nosuchcommand\n")
        k.read_until("unknown command: 'nosuchcommand'\r\n")
        k.send(b"quit\n")
        code, err = k.wait()
        assert code == 0, (code, err)
    finally:
        k.stop()


def test_monitor_start_paused(tmp):
    k = Keel("-M", "none", "-display", "none", "-monitor", "stdio", "-S")
    try:
        k.send(b"info status\n")
        k.read_until("VM status: paused (prelaunch)\r\n")
        k.send(b"cont\ninfo status\n")
        k.read_until("VM status: running\r\n")
        k.send(b"q\n")
        code, err = k.wait()
        assert code == 0, (code, err)
    finally:
        k.stop()


def test_nographic_mux(tmp):
    k = Keel("-M", "none", "-nographic")
    try:
        k.read_until("(qemu) ")
        k.send(b"\x01c")
        k.send(b"info status\n")
        k.read_until("VM status: running\r\n")
        k.send(b"\x01x")
        code, err = k.wait()
        assert code == 0, (code, err)
    finally:
        k.stop()


def test_file_backend(tmp):
    path = os.path.join(tmp, "out.txt")
    k = Keel("-M", "none", "-display", "none", "-chardev",
             f"file,id=f,path={path}", "-mon", "chardev=f")
    try:
        wait_for(lambda: os.path.exists(path) and
                 b"(qemu) " in open(path, "rb").read())
        data = open(path, "rb").read()
        assert data.startswith(b"QEMU 8.2.0 monitor"), data
    finally:
        k.stop()


def test_duplicate_id(tmp):
    code, out, err = run("-M", "none", "-display", "none",
                         "-chardev", "null,id=c", "-chardev", "null,id=c")
    assert code == 1, (code, err)
    assert err == f"{PROG}: -chardev null,id=c: Duplicate ID 'c' for " \
                  "chardev\n", err


def test_chardev_help(tmp):
    code, out, err = run("-chardev", "help")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Available chardev backend types:"), out
    for b in ("null", "socket", "stdio", "file", "pty", "pipe"):
        assert f"  {b}" in lines, (b, out)


def test_chardev_errors(tmp):
    code, out, err = run("-M", "none", "-display", "none", "-mon",
                         "chardev=nope")
    assert code == 1 and err == \
        f'{PROG}: -mon chardev=nope: chardev "nope" not found\n', err
    code, out, err = run("-M", "none", "-display", "none", "-serial", "foo")
    assert code == 1, err
    assert err.endswith(f"{PROG}: -serial foo: could not connect serial "
                        "device to character backend 'foo'\n"), err
    code, out, err = run("-M", "none", "-display", "none", "-chardev",
                         "null,id=m", "-mon", "chardev=m,mode=foo")
    assert code == 1 and err == \
        f"{PROG}: -mon chardev=m,mode=foo: Parameter 'mode' does not " \
        "accept value 'foo'\n", err


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), tmp_prefix='keel-chardev-'))
