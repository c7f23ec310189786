#!/usr/bin/env python3
"""test_daemonize.py: -daemonize and -pidfile: the parent exits only once
the daemon is ready (sockets listening, pidfile written), a second instance
cannot take the same pidfile, the pidfile goes away with the daemon, and
start-up errors reach the parent's stderr and exit status.
Prints TAP. Needs KEEL_BUILD_DIR (the meson build directory)."""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (PROG, catches_sigterm, main, poll_until, run,  # noqa: E402
                      tests_of)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def kill_daemon(pidfile):
    try:
        pid = int(open(pidfile).read())
    except (OSError, ValueError):
        return
    if alive(pid):
        os.kill(pid, signal.SIGTERM)
        if not poll_until(lambda: not alive(pid)):
            os.kill(pid, signal.SIGKILL)


def start_daemon(tmp):
    pidfile = os.path.join(tmp, "keel.pid")
    sock = os.path.join(tmp, "mon.sock")
    code, out, err = run("-M", "none", "-display", "none", "-daemonize",
                         "-pidfile", pidfile, "-chardev",
                         f"socket,id=m,path={sock},server=on,wait=off",
                         "-mon", "chardev=m")
    return code, err, pidfile, sock


# --- the tests -----------------------------------------------------------

def test_ready_when_parent_exits(tmp):
    code, err, pidfile, sock = start_daemon(tmp)
    try:
        assert code == 0, (code, err)
        # No waiting: both must exist the moment the parent returned.
        assert os.path.exists(sock), "socket missing"
        pid = int(open(pidfile).read())
        assert open(pidfile).read() == f"{pid}\n"
        assert pid != os.getpid() and alive(pid), pid
    finally:
        kill_daemon(pidfile)


def test_pidfile_locked(tmp):
    code, err, pidfile, sock = start_daemon(tmp)
    try:
        assert code == 0, (code, err)
        want = (f"{PROG}: cannot create PID file: Cannot lock pid file: "
                "Resource temporarily unavailable\n")
        for extra in (["-daemonize"], []):
            code, out, err = run("-M", "none", "-display", "none",
                                 *extra, "-pidfile", pidfile)
            assert code == 1, (code, err)
            assert err == want, err
    finally:
        kill_daemon(pidfile)


def test_pidfile_removed(tmp):
    code, err, pidfile, sock = start_daemon(tmp)
    try:
        assert code == 0, (code, err)
        pid = int(open(pidfile).read())
        # The pidfile is written before the signal handlers are installed.
        poll_until(lambda: catches_sigterm(pid))
        os.kill(pid, signal.SIGTERM)
        poll_until(lambda: not os.path.exists(pidfile))
        assert not os.path.exists(pidfile), "pidfile left behind"
    finally:
        kill_daemon(pidfile)


def test_child_error_reaches_parent(tmp):
    pidfile = os.path.join(tmp, "keel.pid")
    bad = os.path.join(tmp, "nodir", "x.sock")
    try:
        code, out, err = run("-M", "none", "-display", "none",
                             "-daemonize", "-pidfile", pidfile, "-chardev",
                             f"socket,id=c,path={bad},server=on,wait=off")
        assert code == 1, (code, err)
        assert err.startswith(f"{PROG}: -chardev socket,id=c,path={bad}"), err
        assert bad in err, err
        poll_until(lambda: not os.path.exists(pidfile))
        assert not os.path.exists(pidfile), "pidfile left behind"
    finally:
        kill_daemon(pidfile)


def test_incompatible_options(tmp):
    code, out, err = run("-M", "none", "-daemonize", "-nographic")
    assert code == 1 and \
        err == f"{PROG}: -nographic cannot be used with -daemonize\n", err
    code, out, err = run("-M", "none", "-display", "none", "-daemonize",
                         "-monitor", "stdio")
    assert code == 1 and err == \
        f"{PROG}: -monitor stdio: cannot use stdio with -daemonize\n", err


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), tmp_prefix='keel-daemon-'))
