"""keeltest.py: what the functional tests share: where the binary is, running
it to an exit status, a started emulator with pipes, polling with a
deadline, and the TAP runner (with an optional temporary directory per test).
Python 3 standard library only; imported by the test_*.py scripts."""

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"),
                   "qemu-system-x86_64")
PROG = "qemu-system-x86_64"
TIMEOUT = 20


def run(*args, timeout=TIMEOUT):
    """Run the binary to its end; returns (exit status, stdout, stderr)."""
    p = subprocess.run([BIN, *args], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def expect_stderr(args, text, rc=1):
    """The run fails with exit status rc and exactly this stderr."""
    code, out, err = run(*args)
    assert code == rc, f"exit status {code}, stderr {err!r}"
    assert err == text, f"stderr {err!r}, wanted {text!r}"


def expect_error(args, message, rc=1):
    """The run fails with exit status rc and the one line "PROG: message"."""
    expect_stderr(args, f"{PROG}: {message}\n", rc)


def poll_until(cond, timeout=TIMEOUT):
    """Poll cond every 50 ms until it holds or timeout passes; returns it."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def catches_sigterm(pid):
    """Has process pid installed its SIGTERM handler yet (SigCgt in
    /proc/PID/status)? A signal sent before that kills it outright, which
    on a loaded machine can happen a second or more after the start."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (15 - 1)))
    except OSError:
        pass
    return False


def wait_catching_sigterm(p, timeout=TIMEOUT):
    """Wait until Popen p handles SIGTERM (or has ended)."""
    wait_for(lambda: p.poll() is not None or catches_sigterm(p.pid), timeout)


def wait_for(cond, timeout=TIMEOUT):
    """Poll cond until it holds; fail after timeout seconds."""
    assert poll_until(cond, timeout), "timeout"


class Keel:
    """A running emulator with pipes on stdout/stderr (and stdin, unless
    told otherwise)."""

    def __init__(self, *args, stdin=subprocess.PIPE):
        self.p = subprocess.Popen([BIN, *args], stdin=stdin,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.out = b""

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def read_until(self, text, timeout=TIMEOUT):
        """Read stdout until text appears; returns everything read."""
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while text.encode() not in self.out:
            left = deadline - time.monotonic()
            assert left > 0, f"timeout waiting for {text!r}: {self.out!r}"
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 4096)
                assert chunk, f"EOF waiting for {text!r}: {self.out!r}"
                self.out += chunk
        return self.out.decode(errors="replace")

    def wait(self, timeout=TIMEOUT):
        """Wait for the exit; returns (exit status, stderr)."""
        out, err = self.p.communicate(timeout=timeout)
        self.out += out
        return self.p.returncode, err.decode(errors="replace")

    def stop(self):
        """SIGTERM if still running, SIGKILL if that does not end it."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.communicate()


class Skip(Exception):
    """Raised by a test that cannot run here; the message says why."""


def kvm_unusable():
    """Why KVM cannot be used here (not built in, or /dev/kvm), or None."""
    accels = subprocess.run([BIN, "-accel", "help"], capture_output=True,
                            text=True).stdout.split()
    if "kvm" not in accels:
        return "this build has no KVM (configured with --disable-kvm)"
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return f"/dev/kvm: {e.strerror}"
    os.close(fd)
    return None


def tests_of(namespace):
    """The test_* functions of a module's globals(), in definition order."""
    return [v for k, v in namespace.items()
            if k.startswith("test_") and callable(v)]


def main(tests, tmp_prefix=None):
    """Run tests, printing TAP; returns the exit status. With tmp_prefix,
    each test gets a fresh temporary directory as its one argument, removed
    afterwards."""
    print(f"1..{len(tests)}")
    failed = 0
    for n, t in enumerate(tests, 1):
        name = t.__name__[5:]
        tmp = tempfile.mkdtemp(prefix=tmp_prefix) if tmp_prefix else None
        try:
            if tmp:
                t(tmp)
            else:
                t()
            print(f"ok {n} - {name}")
        except Skip as e:
            print(f"ok {n} - {name} # SKIP {e}")
        except Exception as e:  # report and go on with the next test
            failed += 1
            print(f"not ok {n} - {name}")
            for line in repr(e).splitlines():
                print(f"# {line}")
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
        sys.stdout.flush()
    return 1 if failed else 0
