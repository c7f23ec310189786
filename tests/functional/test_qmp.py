"""test_qmp.py: the QMP server as a client sees it, on -M none (no guest
needed): greeting, capabilities negotiation, id echo, request checking,
malformed and oversized input, framing, several monitors and clients,
run-state commands and their events, quit. Also the QMP client class the
other test_qmp_*.py scripts import. Python 3 standard library only."""

import array
import json
import os
import select
import socket
import subprocess
import sys
import time

from keeltest import BIN, TIMEOUT, Skip, main, tests_of, wait_for
from linuxguest import sanitized_build


class QMP:
    """A QMP connection over a unix (path) or tcp ((host, port)) socket.
    Messages are decoded one JSON value at a time (pretty output spans
    lines); each must be followed by the CRLF Keel ends it with."""

    def __init__(self, addr, negotiate=True, timeout=TIMEOUT):
        fam = socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET
        self.s = socket.socket(fam, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s.connect(addr)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = bytearray()
        self.pos = 0        # what of buf was consumed
        self.events = []
        self.greeting = self.recv()
        if negotiate:
            r = self.cmd("qmp_capabilities")
            assert r == {"return": {}}, r

    def send_raw(self, data):
        self.s.sendall(data)

    def send_reading(self, data, timeout=60):
        """Send data while reading what comes back into the buffer: input
        that makes Keel answer a lot (one error per excess bracket, as
        QEMU) would otherwise block both sides."""
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            assert left > 0, "timeout sending"
            r, w, _ = select.select([self.s], [self.s], [], left)
            if r:
                chunk = self.s.recv(1 << 20)
                assert chunk, "connection closed"
                self.buf += chunk
            if w:
                self.s.setblocking(False)
                try:
                    view = view[self.s.send(view[:1 << 16]):]
                except BlockingIOError:
                    pass
                finally:
                    self.s.setblocking(True)

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode() + b"\n")

    def recv(self, timeout=TIMEOUT):
        """The next message (response or event) as a dict."""
        deadline = time.monotonic() + timeout
        while True:
            if self.pos > (1 << 20):
                del self.buf[:self.pos]
                self.pos = 0
            end = self.buf.find(b"\r\n", self.pos)
            while end >= 0:
                try:
                    msg = json.loads(self.buf[self.pos:end])
                    self.pos = end + 2
                    return msg
                except ValueError:
                    end = self.buf.find(b"\r\n", end + 2)
            left = deadline - time.monotonic()
            assert left > 0, f"timeout; have {bytes(self.buf[self.pos:self.pos + 200])!r}"
            self.s.settimeout(left)
            chunk = self.s.recv(65536)
            assert chunk, f"connection closed; have {bytes(self.buf[self.pos:self.pos + 200])!r}"
            self.buf += chunk

    def response(self, timeout=TIMEOUT):
        """The next response; events met on the way go to self.events."""
        while True:
            msg = self.recv(timeout)
            if "event" in msg:
                self.events.append(msg)
            else:
                return msg

    def cmd(self, name, args=None, **extra):
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        req.update(extra)
        self.send(req)
        return self.response()

    def event(self, name, timeout=TIMEOUT):
        """Wait for event name (those already seen count first)."""
        for i, e in enumerate(self.events):
            if e["event"] == name:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            msg = self.recv(max(deadline - time.monotonic(), 0.01))
            if msg.get("event") == name:
                return msg
            assert "event" in msg, f"unexpected response {msg}"
            self.events.append(msg)

    def close(self):
        self.s.close()


class Keel:
    """qemu-system-x86_64 -M none (or args) with QMP on tmp/qmp.sock."""

    def __init__(self, tmp, *args, machine=("-M", "none"), qmp=True):
        self.sock = os.path.join(tmp, "qmp.sock")
        cmd = [BIN, *machine, "-display", "none"]
        if qmp:
            cmd += ["-qmp", f"unix:{self.sock},server=on,wait=off"]
        self.p = subprocess.Popen(cmd + list(args), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)

    def qmp(self, negotiate=True):
        return QMP(self.sock, negotiate)

    def wait(self, timeout=TIMEOUT):
        out, err = self.p.communicate(timeout=timeout)
        return self.p.returncode, out.decode(errors="replace"), \
            err.decode(errors="replace")

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.communicate()


def error_of(rsp, cls):
    """The desc of an error response of class cls."""
    assert "error" in rsp, rsp
    assert rsp["error"]["class"] == cls, rsp
    assert set(rsp["error"]) == {"class", "desc"}, rsp
    return rsp["error"]["desc"]


def test_greeting(tmp):
    k = Keel(tmp)
    try:
        q = k.qmp(negotiate=False)
        g = q.greeting
        assert g == {"QMP": {"version": {"qemu": {"micro": 0, "minor": 2,
                                                   "major": 8},
                                          "package": "Keel 0.1.0"},
                             "capabilities": ["oob"]}}, g
        # QEMU's member order and spacing, byte for byte.
        q.s.close()
        s = socket.socket(socket.AF_UNIX)
        s.connect(k.sock)
        data = b""
        while not data.endswith(b"\r\n"):
            data += s.recv(4096)
        assert data == (b'{"QMP": {"version": {"qemu": {"micro": 0, '
                        b'"minor": 2, "major": 8}, "package": "Keel 0.1.0"}, '
                        b'"capabilities": ["oob"]}}\r\n'), data
        s.close()
    finally:
        k.stop()


def test_negotiation(tmp):
    k = Keel(tmp)
    try:
        q = k.qmp(negotiate=False)
        # Nothing but qmp_capabilities before negotiation, even unknown names.
        for name in ("query-status", "quit", "no-such-command"):
            d = error_of(q.cmd(name), "CommandNotFound")
            assert d == "Expecting capabilities negotiation with " \
                        "'qmp_capabilities'", d
        # A bad capability is refused and leaves the session un-negotiated.
        d = error_of(q.cmd("qmp_capabilities", {"enable": ["nope"]}),
                     "GenericError")
        assert "nope" in d, d
        error_of(q.cmd("query-status"), "CommandNotFound")
        # exec-oob before oob is on: an unexpected member.
        q.send({"exec-oob": "qmp_capabilities"})
        d = error_of(q.response(), "GenericError")
        assert d == "QMP input member 'exec-oob' is unexpected", d
        assert q.cmd("qmp_capabilities", {"enable": ["oob"]}) == \
            {"return": {}}
        r = q.cmd("query-status")
        assert r["return"]["status"] == "running", r
        d = error_of(q.cmd("qmp_capabilities"), "CommandNotFound")
        assert d == "Capabilities negotiation is already complete, " \
                    "command ignored", d
        # With oob on, exec-oob is understood; query-status is not an
        # out-of-band command.
        q.send({"exec-oob": "query-status", "id": "o"})
        r = q.response()
        assert error_of(r, "GenericError") == \
            "The command query-status does not support OOB", r
        assert r["id"] == "o", r
        q.send({"exec-oob": "query-status", "execute": "query-status"})
        d = error_of(q.response(), "GenericError")
        assert d == "QMP input member 'execute' clashes with 'exec-oob'", d
        # A second client must negotiate again.
        q.close()
        q2 = k.qmp(negotiate=False)
        error_of(q2.cmd("query-status"), "CommandNotFound")
        assert q2.cmd("qmp_capabilities") == {"return": {}}
        assert "return" in q2.cmd("query-status")
    finally:
        k.stop()


def test_id_echo(tmp):
    k = Keel(tmp)
    try:
        q = k.qmp()
        for ident in (1, "abc", [1, {"a": None}], {"x": [True, 2.5]}, None,
                      -7, "\u00e9\u4e2d"):
            r = q.cmd("query-status", id=ident)
            assert r["id"] == ident, (ident, r)
            assert list(r) == ["return", "id"], r
            r = q.cmd("no-such-command", id=ident)
            assert r["id"] == ident, (ident, r)
            assert list(r) == ["error", "id"], r
        r = q.cmd("query-status")
        assert "id" not in r, r
    finally:
        k.stop()


def test_request_errors(tmp):
    """Requests that are JSON but not valid QMP: QEMU's texts."""
    cases = [
        (b'[1]', "GenericError", "QMP input must be a JSON object"),
        (b'"query-status"', "GenericError",
         "QMP input must be a JSON object"),
        (b'{}', "GenericError", "QMP input lacks member 'execute'"),
        (b'{"id": 3}', "GenericError", "QMP input lacks member 'execute'"),
        (b'{"execute": 1}', "GenericError",
         "QMP input member 'execute' must be a string"),
        (b'{"execute": "query-status", "arguments": []}', "GenericError",
         "QMP input member 'arguments' must be an object"),
        (b'{"execute": "query-status", "foo": 1}', "GenericError",
         "QMP input member 'foo' is unexpected"),
        (b'{"execute": "query-status", "control": {}}', "GenericError",
         "QMP input member 'control' is unexpected"),
        (b'{"execute": "no-such"}', "CommandNotFound",
         "The command no-such has not been found"),
        (b'{"execute": "query-status", "arguments": {"x": 1}}',
         "GenericError", "Parameter 'x' is unexpected"),
        (b'{"execute": "qmp_capabilities", "arguments": {"enable": 1}}',
         "GenericError",
         "Invalid parameter type for 'enable', expected: array"),
        (b'{"execute": "stop", "arguments": {"a": {"b": [1, 2]}}}',
         "GenericError", "Parameter 'a' is unexpected"),
    ]
    k = Keel(tmp)
    try:
        q = k.qmp()
        for data, cls, desc in cases:
            q.send_raw(data)
            d = error_of(q.response(), cls)
            assert desc is None or d == desc, (data, d)
        r = q.cmd("query-status")
        assert r["return"]["running"] is True, r
        assert q.events == [], q.events   # stop with bad args did nothing
    finally:
        k.stop()


def check_survives(q, data, cls, n):
    """Send bad input data; an error of class cls comes back and a
    query-status sent after it is answered."""
    q.send_reading(data +
                   b'\n{"execute": "query-status", "id": "after-%d"}\n' % n)
    errors = []
    while True:
        r = q.response(timeout=60)
        if r.get("id") == "after-%d" % n:
            break
        errors.append(r)
    assert r["return"]["status"] == "running", (data[:60], r)
    assert errors, f"no error for {data[:60]!r}"
    for e in errors:
        error_of(e, cls)
    return errors


def test_malformed_input(tmp):
    big = b'{"execute": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    cases = [
        # Truncated: the value only ends once its braces balance (QEMU
        # too), so the client resynchronises with 0xFF, a byte UTF-8 never
        # has, which resets the parser (the QMP specification's advice).
        (b'{"execute": "query-status"\xff', "GenericError"),
        (b'{"execute": "query-status", "arguments": {"a": [1, \xff',
         "GenericError"),
        (b'{"execute": "query-status",}', "GenericError"),
        (b'{"execute" "query-status"}', "GenericError"),
        (b'{"a":}', "GenericError"),
        (b"}", "GenericError"),
        (b"xyz", "GenericError"),
        (b'{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}',
         "GenericError"),                                   # wrong type
        (b'{"execute": "query-status", "arguments": {"x": 1}}',
         "GenericError"),                                   # unknown arg
        (big, "CommandNotFound"),                           # 10 MB string
        (b'{"execute": "' + b"\xc3\x28" + b'"}', "GenericError"),  # UTF-8
        (b'{"execute": "query-\xff-status"}', "GenericError"),
        (b'{"execute": "query-status", "id": "\xed\xa0\x80"}',
         "GenericError"),                                   # surrogate
        (b'{"execute": "query-\x00status"}', "GenericError"),   # NUL
        (b"\x00\x00\x00", "GenericError"),
        (b"[" * 100000 + b"]" * 100000, "GenericError"),    # nesting
        (b'{"a":' * 10000 + b"1" + b"}" * 10000, "GenericError"),
        (b'"\\u00"', "GenericError"),
        (b"1e999999", "GenericError"),
    ]
    k = Keel(tmp)
    try:
        q = k.qmp()
        for n, (data, cls) in enumerate(cases):
            errs = check_survives(q, data, cls, n)
            if data is big:
                assert errs[0]["error"]["desc"].startswith(
                    "The command aaaa"), errs[0]
        # Nesting beyond QEMU's limit is refused with its text.
        errs = check_survives(q, b"[" * 2000 + b"]" * 2000, "GenericError",
                              99)
        assert any(e["error"]["desc"] == "JSON nesting depth limit exceeded"
                   for e in errs), errs
    finally:
        k.stop()


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_oversized_token(tmp):
    """A string beyond the 64 MiB token limit is refused without Keel
    holding it all; the session goes on."""
    k = Keel(tmp)
    try:
        q = k.qmp()
        before = vm_rss_kib(k.p.pid)
        q.send_raw(b'{"execute": "')
        chunk = b"b" * (1024 * 1024)
        for _ in range(80):
            q.send_raw(chunk)
        errs = check_survives(q, b'"}', "GenericError", 0)
        assert errs, errs
        grown = vm_rss_kib(k.p.pid) - before
        # ASan keeps freed memory in quarantine: the bound is for the
        # normal build (64 MiB of token text, then the rest is skipped).
        if not sanitized_build():
            assert grown < 150 * 1024, f"RSS grew by {grown} KiB"
    finally:
        k.stop()


def test_framing(tmp):
    k = Keel(tmp)
    try:
        q = k.qmp()
        # Back to back, no separators; one byte at a time; CRLF separated.
        q.send_raw(b'{"execute":"query-status","id":1}'
                   b'{"execute":"query-status","id":2}  \t'
                   b'{"execute":"query-version","id":3}')
        ids = [q.response()["id"] for _ in range(3)]
        assert ids == [1, 2, 3], ids
        for b in b'{ "execute" : "query-status" , "id" : "slow" }':
            q.send_raw(bytes([b]))
        r = q.response()
        assert r["id"] == "slow" and "return" in r, r
        q.send_raw(b'\r\n{"execute":"query-status","id":4}\r\n\r\n')
        assert q.response()["id"] == 4
        # Many at once: answered in order.
        q.send_raw(b"".join(b'{"execute":"query-status","id":%d}' % i
                            for i in range(500)))
        ids = [q.response()["id"] for _ in range(500)]
        assert ids == list(range(500)), ids[:10]
        r = q.cmd("query-version")
        assert r == {"return": {"qemu": {"major": 8, "minor": 2,
                                         "micro": 0},
                                "package": "Keel 0.1.0"}}, r
    finally:
        k.stop()


def test_stop_cont_events(tmp):
    k = Keel(tmp)
    try:
        q = k.qmp()
        assert q.cmd("query-status") == \
            {"return": {"running": True, "status": "running"}}
        assert q.cmd("stop") == {"return": {}}
        e = q.event("STOP")
        assert list(e) == ["timestamp", "event"], e
        assert set(e["timestamp"]) == {"seconds", "microseconds"}, e
        assert abs(e["timestamp"]["seconds"] - time.time()) < 60, e
        assert 0 <= e["timestamp"]["microseconds"] < 1000000, e
        assert q.cmd("query-status") == \
            {"return": {"running": False, "status": "paused"}}
        # Stopping a stopped VM: no second STOP.
        assert q.cmd("stop") == {"return": {}}
        assert q.cmd("cont") == {"return": {}}
        assert [e["event"] for e in q.events] == ["RESUME"], q.events
        assert q.cmd("query-status")["return"]["status"] == "running"
        assert q.cmd("cont") == {"return": {}}
        assert [e["event"] for e in q.events] == ["RESUME"], q.events
        # Served by the main loop, answered after it (QEMU's order), and
        # the next command waits for that reply.
        q.send_raw(b'{"execute": "system_reset", "id": 1}'
                   b'{"execute": "query-status", "id": 2}')
        got = [q.recv() for _ in range(3)]
        assert got[0]["event"] == "RESET", got
        assert got[0]["data"] == {"guest": False,
                                  "reason": "host-qmp-system-reset"}, got
        assert [m.get("id") for m in got[1:]] == [1, 2], got
        d = error_of(q.cmd("system_wakeup"), "GenericError")
        assert d == "wake-up from suspend is not supported by this guest", d
    finally:
        k.stop()


def test_start_paused(tmp):
    """-S: prelaunch until cont."""
    k = Keel(tmp, "-S")
    try:
        q = k.qmp()
        r = q.cmd("query-status")
        assert r == {"return": {"running": False, "status": "prelaunch"}}, r
        assert q.cmd("cont") == {"return": {}}
        q.event("RESUME")
        assert q.cmd("query-status")["return"]["running"] is True
    finally:
        k.stop()


def test_quit(tmp):
    k = Keel(tmp)
    try:
        q = k.qmp()
        q.send({"execute": "quit", "id": "bye"})
        # QEMU's order: SHUTDOWN, then the reply.
        e = q.recv()
        assert e["event"] == "SHUTDOWN", e
        assert e["data"] == {"guest": False, "reason": "host-qmp-quit"}, e
        assert list(e) == ["timestamp", "event", "data"], e
        assert q.recv() == {"return": {}, "id": "bye"}
        rc, out, err = k.wait()
        assert rc == 0, (rc, err)
        assert err == "", err
    finally:
        k.stop()


def test_quit_no_shutdown(tmp):
    """quit exits even with -no-shutdown."""
    k = Keel(tmp, "-no-shutdown")
    try:
        q = k.qmp()
        q.cmd("quit")
        rc, _, err = k.wait()
        assert rc == 0, (rc, err)
    finally:
        k.stop()


def test_several_monitors(tmp):
    """-qmp unix, -qmp-pretty tcp and -mon on a -chardev socket at once;
    every negotiated session gets the events."""
    s2 = os.path.join(tmp, "mon.sock")
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    t.close()
    k = Keel(tmp, "-qmp-pretty", f"tcp:127.0.0.1:{port},server=on,wait=off",
             "-chardev", f"socket,id=m2,path={s2},server=on,wait=off",
             "-mon", "chardev=m2,mode=control,pretty=on")
    try:
        a = k.qmp()
        b = QMP(("127.0.0.1", port), negotiate=False)
        assert b.greeting["QMP"]["capabilities"] == ["oob"]
        # Pretty output: several lines, CRLF, 4-space indentation.
        b.send({"execute": "qmp_capabilities"})
        raw = b""
        while not raw.endswith(b"}\r\n"):
            raw += b.s.recv(4096)
        assert raw == b"{\r\n    \"return\": {\r\n    }\r\n}\r\n", raw
        c = QMP(s2)
        assert a.cmd("stop") == {"return": {}}
        for q in (a, c):
            assert q.event("STOP")["event"] == "STOP"
        raw = b""
        while b'"STOP"' not in raw or not raw.endswith(b"}\r\n"):
            raw += b.s.recv(4096)
        assert b'\r\n    "event": "STOP"' in raw, raw
        assert c.cmd("query-status")["return"]["status"] == "paused"
        assert c.cmd("cont") == {"return": {}}
        assert a.event("RESUME")
    finally:
        k.stop()


def test_sequential_clients(tmp):
    """One socket, clients one after another: each gets a greeting and a
    fresh session; a half-sent request dies with its client; events go
    only to negotiated sessions."""
    k = Keel(tmp)
    try:
        for i in range(5):
            q = k.qmp(negotiate=False)
            assert "QMP" in q.greeting
            error_of(q.cmd("query-status"), "CommandNotFound")
            assert q.cmd("qmp_capabilities") == {"return": {}}
            assert q.cmd("query-status", id=i)["id"] == i
            q.send_raw(b'{"execute": "query-st')    # left unfinished
            q.close()
        q = k.qmp(negotiate=False)
        # The unfinished request above did not leak into this session.
        assert q.cmd("qmp_capabilities") == {"return": {}}
        q.close()
        # A session that has not negotiated gets no events: the STOP
        # caused by another monitor is not sent before the reply.
        q2 = k.qmp(negotiate=False)
        q2.s.close()
        q2 = k.qmp()
        assert q2.cmd("stop") == {"return": {}}
        q2.event("STOP")
    finally:
        k.stop()


def test_slow_reader(tmp):
    """A client that sends many commands and reads nothing: Keel stops
    reading it instead of queueing without bound, then catches up."""
    k = Keel(tmp)
    try:
        q = k.qmp()
        before = vm_rss_kib(k.p.pid)
        req = b'{"execute":"query-version"}' * 1000
        q.s.setblocking(False)
        sent = 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                sent += q.s.send(req)
            except BlockingIOError:
                # Both socket buffers are full: Keel stopped reading.
                _, w, _ = select.select([], [q.s], [], 1.0)
                if not w:
                    break
        q.s.setblocking(True)
        grown = vm_rss_kib(k.p.pid) - before
        assert grown < 64 * 1024, f"RSS grew by {grown} KiB"
        assert sent < 200 * 1024 * 1024, sent
        n = sent // len(b'{"execute":"query-version"}')
        for _ in range(n):
            assert "return" in q.response(timeout=60)
        assert q.cmd("query-status", id="end")["id"] == "end"
    finally:
        k.stop()


def test_stdio(tmp):
    p = subprocess.Popen([BIN, "-M", "none", "-display", "none", "-qmp",
                          "stdio"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(b'{"execute":"qmp_capabilities"}\n'
                                 b'{"execute":"query-status"}\n'
                                 b'{"execute":"quit"}\n', timeout=TIMEOUT)
        lines = out.split(b"\r\n")
        assert lines[0].startswith(b'{"QMP": {"version"'), out
        assert lines[1] == b'{"return": {}}', out
        assert lines[2] == \
            b'{"return": {"running": true, "status": "running"}}', out
        assert b'"event": "SHUTDOWN"' in lines[3], out
        assert lines[4] == b'{"return": {}}', out
        assert p.returncode == 0, err
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()


def test_mon_errors(tmp):
    """-mon mode=control on a chardev with a frontend already: QEMU's
    error, exit 1."""
    p = subprocess.run([BIN, "-M", "none", "-display", "none", "-chardev",
                        "null,id=n", "-mon", "chardev=n,mode=control",
                        "-mon", "chardev=n,mode=control"],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert p.returncode == 1, p
    assert p.stderr.endswith("Device 'n' is in use\n"), p.stderr


def test_queries(tmp):
    """The machine and process queries, against what the command line
    said."""
    k = Keel(tmp, "-name", "guest-a",
             "-uuid", "12345678-9abc-def0-1234-56789abcdef0")
    try:
        q = k.qmp()
        assert q.cmd("query-name") == {"return": {"name": "guest-a"}}
        assert q.cmd("query-uuid") == \
            {"return": {"UUID": "12345678-9abc-def0-1234-56789abcdef0"}}
        assert q.cmd("query-target") == {"return": {"arch": "x86_64"}}
        r = q.cmd("query-kvm")["return"]
        assert r["enabled"] is False and isinstance(r["present"], bool), r
        assert q.cmd("query-current-machine") == \
            {"return": {"wakeup-suspend-support": False}}
        assert q.cmd("query-iothreads") == {"return": []}
        assert q.cmd("query-display-options") == {"return": {"type": "none"}}
        machines = {m["name"]: m for m in q.cmd("query-machines")["return"]}
        assert "none" in machines, machines
        pc = [m for m in machines.values() if m.get("alias") == "pc"]
        assert len(pc) == 1, machines
        assert pc[0]["cpu-max"] == 255 and pc[0]["acpi"] is True, pc
        r = q.cmd("query-command-line-options", {"option": "mon"})
        assert r == {"return": [{"option": "mon", "parameters": [
            {"name": "pretty", "type": "boolean"},
            {"name": "chardev", "type": "string"},
            {"name": "mode", "type": "string"}]}]}, r
        d = error_of(q.cmd("query-command-line-options", {"option": "x"}),
                     "GenericError")
        assert d == "invalid option name: x", d
        opts = [o["option"] for o in
                q.cmd("query-command-line-options")["return"]]
        for o in ("chardev", "machine", "drive", "device", "mon", "accel"):
            assert o in opts, opts
        events = {e["name"] for e in q.cmd("query-events")["return"]}
        assert events == {"SHUTDOWN", "POWERDOWN", "RESET", "STOP", "RESUME",
                          "GUEST_PANICKED", "RTC_CHANGE",
                          "DEVICE_DELETED"}, events
        # No vCPU on -M none: QEMU's text.
        d = error_of(q.cmd("inject-nmi"), "GenericError")
        assert d == "this feature or command is not currently supported", d
    finally:
        k.stop()


def test_schema_walk(tmp):
    """query-qmp-schema describes every command query-commands lists (and
    no other), every event query-events lists, and every type a command or
    event names; names of non-entity types are masked as QEMU does."""
    k = Keel(tmp)
    try:
        q = k.qmp()
        schema = q.cmd("query-qmp-schema")["return"]
        by_name = {}
        for e in schema:
            assert e["name"] not in by_name, e["name"]
            assert e["meta-type"] in ("builtin", "enum", "array", "object",
                                      "alternate", "command", "event"), e
            by_name[e["name"]] = e
        commands = {c["name"] for c in q.cmd("query-commands")["return"]}
        described = {e["name"] for e in schema if e["meta-type"] == "command"}
        assert commands == described, (commands ^ described)
        mine = {"qmp_capabilities", "query-version", "query-commands",
                "query-qmp-schema", "query-events", "query-status", "stop",
                "cont", "system_reset", "system_powerdown", "system_wakeup",
                "quit", "query-name", "query-uuid", "query-kvm",
                "query-target", "query-machines", "query-current-machine",
                "query-command-line-options", "query-iothreads",
                "query-display-options", "getfd", "closefd", "add-fd",
                "inject-nmi"}
        assert mine <= commands, mine - commands
        events = {e["name"] for e in q.cmd("query-events")["return"]}
        assert events == {e["name"] for e in schema
                          if e["meta-type"] == "event"}

        def walk(name, seen):
            """Every type reachable from name is described."""
            if name in seen:
                return
            seen.add(name)
            t = by_name[name]
            for m in t.get("members", []):
                if isinstance(m, dict) and "type" in m:
                    walk(m["type"], seen)
            for v in t.get("variants", []):
                walk(v["type"], seen)
            if t["meta-type"] == "array":
                walk(t["element-type"], seen)
            if t["meta-type"] == "alternate":
                for m in t["members"]:
                    walk(m["type"], seen)

        seen = set()
        for e in schema:
            if e["meta-type"] == "command":
                walk(e["arg-type"], seen)
                walk(e["ret-type"], seen)
            elif e["meta-type"] == "event":
                walk(e["arg-type"], seen)
        # Shapes of a few: query-status returns StatusInfo's members.
        st = by_name[by_name["query-status"]["ret-type"]]
        assert {m["name"] for m in st["members"]} == {"running", "status"}
        qc = by_name[by_name["qmp_capabilities"]["arg-type"]]
        assert qc["members"][0]["name"] == "enable", qc
        assert "default" in qc["members"][0], qc   # optional
        # Masked names: only commands, events and builtins keep theirs.
        assert not any(n == "StatusInfo" for n in by_name), "unmasked"
        sd = by_name[by_name["SHUTDOWN"]["arg-type"]]
        assert [m["name"] for m in sd["members"]] == ["guest", "reason"], sd
    finally:
        k.stop()


def send_fd(q, fd, data):
    """data on the QMP socket with fd attached (SCM_RIGHTS)."""
    q.s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                          array.array("i", [fd]))])


def test_fd_passing(tmp):
    k = Keel(tmp)
    try:
        q = k.qmp()
        d = error_of(q.cmd("getfd", {"fdname": "f"}), "GenericError")
        assert d == "No file descriptor supplied via SCM_RIGHTS", d
        d = error_of(q.cmd("add-fd"), "GenericError")
        assert d == "No file descriptor supplied via SCM_RIGHTS", d
        d = error_of(q.cmd("closefd", {"fdname": "f"}), "GenericError")
        assert d == "File descriptor named 'f' not found", d
        path = os.path.join(tmp, "file")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        send_fd(q, fd, b'{"execute": "getfd", "arguments": {"fdname": "f"}}')
        assert q.response() == {"return": {}}
        # Keel holds it now: /proc shows the file among its fds.
        pid = k.p.pid

        def holds():
            return any(os.readlink(f"/proc/{pid}/fd/{n}") == path
                       for n in os.listdir(f"/proc/{pid}/fd"))
        assert holds()
        assert q.cmd("closefd", {"fdname": "f"}) == {"return": {}}
        assert not holds()
        send_fd(q, fd, b'{"execute": "getfd", "arguments": {"fdname": "1x"}}')
        d = error_of(q.response(), "GenericError")
        assert d == "Parameter 'fdname' expects a name not starting with " \
                    "a digit", d
        assert not holds()
        send_fd(q, fd, b'{"execute": "add-fd", "arguments": '
                       b'{"opaque": "rw"}}')
        r = q.response()["return"]
        assert r["fdset-id"] == 0 and r["fd"] > 2, r
        send_fd(q, fd, b'{"execute": "add-fd", "arguments": '
                       b'{"fdset-id": 5}}')
        r = q.response()["return"]
        assert r["fdset-id"] == 5, r
        send_fd(q, fd, b'{"execute": "add-fd"}')
        assert q.response()["return"]["fdset-id"] == 1
        # An fd sent with no command taking it is closed when the client
        # goes.
        send_fd(q, fd, b'{"execute": "query-status"}')
        q.response()
        q.close()
        os.close(fd)
        q = k.qmp()
        wait_for(lambda: sum(os.readlink(f"/proc/{pid}/fd/{n}") == path
                             for n in os.listdir(f"/proc/{pid}/fd")) == 3)
    finally:
        k.stop()


def test_guest_panicked(tmp):
    """pvpanic under TCG with the "panic" test kernel: GUEST_PANICKED with
    the action -action panic= chose, before STOP, as QEMU orders them."""
    kdir = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                        "guest")
    kernel = os.path.join(kdir, "panic.elf")
    if not os.path.exists(kernel):
        raise Skip("panic.elf not built (ninja guest-kernels)")
    machine = ("-accel", "tcg", "-M", "pc", "-m", "128", "-serial", "none",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-no-reboot", "-device", "pvpanic", "-kernel", kernel, "-S")
    for action, extra in (("poweroff", []), ("pause", ["-action",
                                                       "panic=pause"]),
                          ("run", ["-action", "panic=none"])):
        k = Keel(tmp, *extra, machine=machine)
        try:
            q = k.qmp()
            assert q.cmd("cont") == {"return": {}}
            e = q.event("GUEST_PANICKED", timeout=60)
            assert e["data"] == {"action": action}, e
            names = [x["event"] for x in q.events]
            if action == "run":
                # The guest goes on and leaves through isa-debug-exit.
                rc, _, err = k.wait(60)
                assert rc == 39, (rc, err)
                continue
            assert q.event("STOP")["event"] == "STOP"
            assert names == ["RESUME"], names   # nothing before the panic
            if action == "pause":
                r = q.cmd("query-status")
                assert r == {"return": {"running": False,
                                        "status": "guest-panicked"}}, r
                q.send({"execute": "quit"})
            e = q.event("SHUTDOWN")
            reason = "guest-panic" if action == "poweroff" else \
                "host-qmp-quit"
            assert e["data"] == {"guest": action == "poweroff",
                                 "reason": reason}, e
            rc, _, err = k.wait()
            assert rc == 0, (rc, err)
        finally:
            k.stop()
            if os.path.exists(k.sock):
                os.unlink(k.sock)


def test_exit_with_stuck_client(tmp):
    """A client that reads nothing while its output piles up does not keep
    Keel from exiting on another monitor's quit."""
    s2 = os.path.join(tmp, "two.sock")
    k = Keel(tmp, "-qmp", f"unix:{s2},server=on,wait=off")
    try:
        stuck = k.qmp()
        stuck.s.setblocking(False)
        req = b'{"execute":"query-qmp-schema"}' * 100
        for _ in range(2000):
            try:
                stuck.s.send(req)
            except BlockingIOError:
                break
        other = QMP(s2)
        t0 = time.monotonic()
        other.send({"execute": "quit"})
        rc, _, err = k.wait()
        assert rc == 0, (rc, err)
        assert time.monotonic() - t0 < 15, time.monotonic() - t0
    finally:
        k.stop()


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), tmp_prefix="keel-qmp-"))
