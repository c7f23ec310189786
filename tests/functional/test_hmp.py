#!/usr/bin/env python3
"""test_hmp.py: the human monitor as a user drives it over
-monitor unix:PATH,server=on,wait=off, with the smp multiboot test kernel
(tests/guest/kernels/smp.c, long mode, identity-mapped) running under TCG:
info status/registers/mtree/qom-tree/pci, x and xp in every format and
/i disassembly (compared byte for byte with QEMU 7.2 running the same
kernel when it is installed), p expressions with $registers, memsave and
pmemsave files, help, error texts, and line editing, history and Tab
completion through the escape sequences a terminal sends. Prints TAP;
needs KEEL_BUILD_DIR (and the guest kernels: ninja guest-kernels)."""

import json
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (  # noqa: E402
    BIN, Skip, kvm_unusable, main, poll_until, tests_of)

KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
KERNEL = os.path.abspath(os.path.join(KDIR, "smp.elf"))
QEMU = "/usr/bin/qemu-system-x86_64"
TIMEOUT = 30
ESC = re.compile(r"\x1b\[[0-9]*[A-Z]")


class Monitor:
    """An HMP client on a unix socket."""

    def __init__(self, path):
        assert poll_until(lambda: os.path.exists(path), TIMEOUT), \
            "no monitor socket"
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(TIMEOUT)
        self.s.connect(path)
        self.buf = b""
        self.banner = self.read_prompt()

    def read_prompt(self):
        while b"(qemu) " not in self.buf:
            chunk = self.s.recv(65536)
            assert chunk, f"monitor closed: {self.buf!r}"
            self.buf += chunk
        text, _, self.buf = self.buf.partition(b"(qemu) ")
        return text.decode(errors="replace")

    def raw(self, data):
        """Send bytes; returns everything up to the next prompt."""
        self.s.sendall(data)
        return self.read_prompt()

    def cmd(self, line):
        """Run one command; returns what it printed after the echo, with
        "\\r\\n" line ends made "\\n"."""
        out = self.raw(line.encode() + b"\r")
        return out.split("\r\n", 1)[-1].replace("\r\n", "\n")

    def close(self):
        self.s.close()


class VM:
    """An emulator (Keel, or QEMU for comparisons) with the smp kernel and
    a monitor socket, stopped so that memory and registers hold still."""

    def __init__(self, tmp, binary=None, smp="2", name="mon", extra=()):
        if not os.path.exists(KERNEL):
            raise Skip(f"{KERNEL} not built (ninja guest-kernels)")
        sock = os.path.join(tmp, f"{name}.sock")
        self.p = subprocess.Popen(
            [os.path.abspath(binary or BIN), "-M", "pc", "-accel", "tcg", "-m", "128",
             "-display", "none", "-serial", "none", "-no-reboot",
             "-smp", smp, "-monitor", f"unix:{sock},server=on,wait=off",
             *extra, "-kernel", KERNEL],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, cwd=tmp)
        try:
            self.mon = Monitor(sock)
            # Let the kernel reach its idle loop, then freeze it.
            assert poll_until(lambda: "HLT=1" in self.mon.cmd(
                "info registers"), TIMEOUT), "the kernel never idles"
            self.mon.cmd("stop")
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.communicate()

    def quit(self):
        """quit on the monitor: a clean exit, and nothing on stderr that a
        sanitizer (the ASan build runs this test too) would print."""
        self.mon.s.sendall(b"quit\r")
        _, err = self.p.communicate(timeout=TIMEOUT)
        err = err.decode(errors="replace")
        assert self.p.returncode == 0, (self.p.returncode, err)
        assert "Sanitizer" not in err, err


def with_vm(tmp, fn, **kw):
    vm = VM(tmp, **kw)
    try:
        fn(vm.mon)
        vm.quit()
    finally:
        vm.close()


def test_status_and_registers(tmp):
    def check(m):
        assert m.banner.startswith("QEMU ") and "monitor - type 'help'" \
            in m.banner, m.banner
        assert m.cmd("info status") == "VM status: paused\n"
        regs = m.cmd("info registers")
        assert regs.startswith("\nCPU#0\nRAX="), regs
        rip = re.search(r"^RIP=([0-9a-f]{16}) RFL=", regs, re.M)
        assert rip, regs
        # The kernel runs at 1 MiB and up; p $rip reads the same register.
        assert 0x100000 <= int(rip.group(1), 16) < 0x200000, rip.group(1)
        assert m.cmd("p $rip") == "%#x\n" % int(rip.group(1), 16)
        for line in ("CS =0008", "CR0=80000011", "EFER=0000000000000500",
                     "FCW=037f", "XMM15="):
            assert line in regs, (line, regs)
        both = m.cmd("info registers -a")
        assert "\nCPU#0\n" in both and "\nCPU#1\n" in both, both
        assert m.cmd("info registers 1").startswith("\nCPU#1\n")
        assert m.cmd("info registers 5") == "CPU#5 not available\n"
        assert m.cmd("info cpus").startswith("* CPU #0: thread_id=")
        m.cmd("cont")
        assert m.cmd("info status") == "VM status: running\n"
    with_vm(tmp, check)


def test_registers_under_kvm(tmp):
    """Under KVM the monitor reads the vCPU's registers from KVM: hello.elf
    held at its first instruction with -S shows the Multiboot hand-over
    (EAX holds the boot loader magic 0x2badb002, EIP the ELF entry point)
    and x /1i disassembles there."""
    why = kvm_unusable()
    if why:
        raise Skip(why)
    kernel = os.path.abspath(os.path.join(KDIR, "hello.elf"))
    if not os.path.exists(kernel):
        raise Skip(f"{kernel} not built (ninja guest-kernels)")
    with open(kernel, "rb") as f:
        entry = int.from_bytes(f.read(32)[24:28], "little")   # ELF32 e_entry
    sock = os.path.join(tmp, "kvm.sock")
    p = subprocess.Popen(
        [BIN, "-M", "pc", "-accel", "kvm", "-m", "64", "-display", "none",
         "-serial", "none", "-S", "-monitor", f"unix:{sock},server=on,wait=off",
         "-kernel", kernel],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, cwd=tmp)
    try:
        m = Monitor(sock)
        regs = m.cmd("info registers")
        assert "EAX=2badb002 " in regs, regs
        assert f"EIP={entry:08x} " in regs, (hex(entry), regs)
        insn = m.cmd("x /1i $eip")
        assert insn.startswith(f"0x{entry:08x}:"), insn
        m.s.sendall(b"quit\r")
        p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, p.returncode
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()


INSN = re.compile(r"^0x([0-9a-f]{8,16}):  ([0-9a-f]{2} )+ *\S+")


def test_disassembly(tmp):
    def check(m):
        pc = int(m.cmd("p $pc"), 16)
        lines = m.cmd("x /4i $pc").splitlines()
        assert len(lines) == 4, lines
        assert all(INSN.match(line) for line in lines), lines
        assert int(INSN.match(lines[0]).group(1), 16) == pc
        addrs = [int(INSN.match(line).group(1), 16) for line in lines]
        assert addrs == sorted(addrs) and len(set(addrs)) == 4, addrs
        # Forced 32-bit decoding (/w) of the same bytes still gives lines.
        assert len(m.cmd("x /3iw $pc").splitlines()) == 3
    with_vm(tmp, check)


def test_trees_and_devices(tmp):
    def check(m):
        mtree = m.cmd("info mtree")
        for name in ("address-space: memory", "pc.ram", "ioapic", "hpet",
                     "address-space: I/O", "i8042-data", "pic-master"):
            assert name in mtree, (name, mtree)
        assert "pc.ram" in m.cmd("info mtree -f")
        qom = m.cmd("info qom-tree")
        assert qom.startswith("/machine (pc-i440fx-"), qom
        assert "(i8042)" in qom and "  /unattached (container)" in qom, qom
        pci = m.cmd("info pci")
        assert "Host bridge: PCI device 8086:1237" in pci, pci
        assert "ISA bridge: PCI device 8086:7000" in pci, pci
        assert m.cmd("info kvm") == "kvm support: disabled\n"
        pic = m.cmd("info pic")
        assert re.search(r"^pic0: irr=[0-9a-f]{2} imr=", pic, re.M), pic
        assert re.search(r"^pic1: irr=[0-9a-f]{2} imr=", pic, re.M), pic
        assert m.cmd("info irq").startswith("IRQ statistics for ioapic:\n")
        assert "dumping local APIC state for CPU 0" in m.cmd("info lapic")
        tlb = m.cmd("info tlb")
        assert tlb.startswith("0000000000000000: 0000000000000000 "), tlb
        mem = m.cmd("info mem")
        assert re.match(r"^0000000000000000-[0-9a-f]{16} [0-9a-f]{16} -rw$",
                        mem.splitlines()[0]), mem
        assert m.cmd("qom-get /machine type").startswith('"pc-i440fx-')
        assert "unattached (child<container>)" in m.cmd("qom-list /machine")
    with_vm(tmp, check, smp="1")


def test_help_and_errors(tmp):
    def check(m):
        helptext = m.cmd("help")
        for name in ("cont|c", "help|?", "info", "memsave", "nmi", "pmemsave",
                     "print|p", "quit|q", "sendkey", "stop|s",
                     "system_powerdown", "system_reset", "x", "xp", "log",
                     "logfile", "chardev-add", "chardev-remove", "cpu"):
            assert re.search(rf"^{re.escape(name)} .* -- ", helptext, re.M), \
                (name, helptext)
        assert m.cmd("help x") == \
            "x /fmt addr -- virtual memory dump starting at 'addr'\n"
        info = m.cmd("info")
        for sub in ("registers", "mtree", "qtree", "pic", "irq", "lapic",
                    "mem", "tlb", "roms", "history", "qom-tree", "mice",
                    "status", "version", "chardev", "block", "network",
                    "pci", "kvm", "cpus", "name", "uuid"):
            assert re.search(rf"^info {sub} .* -- ", info, re.M), (sub, info)
        assert m.cmd("help info") == info
        assert m.cmd("help info status") == ("info status  -- show the "
                                             "current VM status "
                                             "(running|paused)\n")
        assert m.cmd("help nosuch") == "unknown command: 'nosuch'\n"
        assert m.cmd("foo") == "unknown command: 'foo'\n"
        assert m.cmd("info foo") == "unknown command: 'info foo'\n"
        assert m.cmd("x") == ("unexpected end of expression\n"
                              'Try "help x" for more information\n')
        assert m.cmd("memsave") == ("unexpected end of expression\n"
                                    'Try "help memsave" for more information\n')
        assert m.cmd("chardev-remove") == (
            "chardev-remove: string expected\n"
            'Try "help chardev-remove" for more information\n')
        assert m.cmd("system_reset foo") == (
            "system_reset: extraneous characters at the end of line\n"
            'Try "help system_reset" for more information\n')
        assert m.cmd("xp /z 0") == ("invalid char in format: 'z'\n"
                                    'Try "help xp" for more information\n')
        assert m.cmd("sendkey foo") == "invalid parameter: foo\n"
        assert m.cmd("log foo").startswith("Log items (comma separated):")
    with_vm(tmp, check, smp="1")


def test_sendkey_and_ports(tmp):
    """sendkey reaches the i8042: its output buffer fills and port 0x60
    gives the key's make code then its break code (set 1 0x1e/0x9e when
    the controller translates, set 2 0x1c/0xf0 0x1c when not)."""
    def port(m, line):
        out = m.cmd(line)
        match = re.match(r"^portb\[0x00([0-9a-f]{2})\] = 0x([0-9a-f]{2})\n$",
                         out)
        assert match, (line, out)
        return int(match.group(2), 16)

    def check(m):
        while port(m, "i /b 0x64") & 1:     # drain anything pending
            port(m, "i /b 0x60")
        assert m.cmd("sendkey a") == ""
        assert port(m, "i /b 0x64") & 1, "no key in the output buffer"
        make = port(m, "i /b 0x60")
        assert make in (0x1e, 0x1c), hex(make)
        brk = [port(m, "i /b 0x60")]
        if make == 0x1c:
            brk.append(port(m, "i /b 0x60"))
        assert brk in ([0x9e], [0xf0, 0x1c]), brk
        assert m.cmd("o /b 0x80 0x55") == ""
        assert m.cmd("nmi") == ""
        assert m.cmd("help i") == "i /fmt addr -- I/O port read\n"
    with_vm(tmp, check, smp="1")


def test_print_expressions(tmp):
    def check(m):
        cases = [("p 1+2*3", "0x7"), ("p (1+2)*3", "0x9"),
                 ("p 1+2&3", "0x3"), ("p (1<<4)|3", "0x13"),
                 ("p 7%3", "0x1"), ("p ~0", "0xffffffffffffffff"),
                 ("p /d 0x10 - 20", "-4"), ("p 5", "5"),
                 ("p /u -1", "18446744073709551615"), ("print /o 8", "010"),
                 ("p /x 255", "0xff"), ("p 255", "0xff")]
        for line, want in cases:
            assert m.cmd(line) == want + "\n", (line, m.cmd(line))
        cr3 = int(m.cmd("p $cr3"), 16)
        assert cr3 and cr3 % 4096 == 0, cr3
        assert m.cmd("p $cs") == "0x8\n"
        assert m.cmd("p $rip") == m.cmd("p $pc")
        for line, err in [("p foo", "invalid char 'f' in expression"),
                          ("p 10/0", "division by zero"),
                          ("p (1", "')' expected"),
                          ("p $nosuch", "unknown register")]:
            assert m.cmd(line) == f'{err}\nTry "help p" for more information\n'
    with_vm(tmp, check, smp="1")


# Every format and size over the kernel's text (which does not change
# while it runs), virtual (identity-mapped) and physical.
DUMPS = ["xp /40xb 0x100000", "xp /8xw 0x100000", "xp /4xg 0x100000",
         "xp /6dh 0x100000", "xp /5uw 0x100000", "xp /4o 0x100000",
         "xp /12c 0x100000", "xp /3x 0x100008", "xp /2dg 0x100010",
         "x /10i 0x100000", "x /6xw 0x100004", "x /8ub 0x100000",
         "xp /5i 0x10000e", "x /3c 0x100000", "xp 0x100000", "x /2 0x100000"]


def test_memory_dumps_like_qemu(tmp):
    keel_out = {}

    def collect(m, into):
        for line in DUMPS:
            into[line] = m.cmd(line)

    with_vm(tmp, lambda m: collect(m, keel_out), smp="1")
    assert keel_out["xp /8xw 0x100000"].startswith(
        "0000000000100000: 0x1badb002 "), keel_out["xp /8xw 0x100000"]
    assert len(keel_out["x /10i 0x100000"].splitlines()) >= 10
    if not os.path.exists(QEMU):
        raise Skip(f"{QEMU} not installed: layouts checked, values not")
    qemu_out = {}
    with_vm(tmp, lambda m: collect(m, qemu_out), binary=QEMU, smp="1",
            name="qemu")
    for line in DUMPS:
        assert keel_out[line] == qemu_out[line], \
            (line, keel_out[line], qemu_out[line])


def test_memsave_files(tmp):
    def check(m):
        # A relative name: "/" would be division in the size expression,
        # as in QEMU's monitor.
        assert m.cmd("pmemsave 0x100000 64 phys.bin") == ""
        assert m.cmd("memsave 0x100000 64 virt.bin") == ""
        dump = m.cmd("xp /64xb 0x100000")
        want = bytes(int(b, 16) for b in re.findall(r"0x([0-9a-f]{2})", dump))
        for name in ("phys.bin", "virt.bin"):
            with open(os.path.join(tmp, name), "rb") as f:
                assert f.read() == want, name
        err = m.cmd("memsave 0x100000 16 nodir/x.bin")
        assert err == ("Error: Could not open 'nodir/x.bin': "
                       "No such file or directory\n"), err
    with_vm(tmp, check, smp="1")


def test_line_editing(tmp):
    def check(m):
        def run(data):
            out = m.raw(data)
            echo, _, result = out.partition("\r\n")
            return ESC.sub("", echo), result.replace("\r\n", "\n")

        # Typed with a mistake, fixed with the arrows and Home (Ctrl-a).
        echo, out = run(b"nfo stauts\x1b[D\x1b[D\x1b[D\x1b[3~\x1b[Cu\x01i\r")
        assert out == "VM status: paused\n", (echo, out)
        # Ctrl-k kills to the end, Ctrl-e goes to it, Ctrl-w a word.
        echo, out = run(b"info name junk\x1b[D\x1b[D\x1b[D\x1b[D\x0b"
                        b"\x7f\x05 xx\x17\x7f\r")
        assert out == "", (echo, out)
        # Up arrow: the previous line again.
        echo, out = run(b"\x1b[A\x1b[A\r")
        assert out == "VM status: paused\n", (echo, out)
        # Tab completes a command, then an info subcommand.
        echo, out = run(b"inf\tsta\t\r")
        assert out == "VM status: paused\n", (echo, out)
        assert echo.endswith("info status "), echo
        # Several candidates: listed, then the prompt and line again.
        out = m.raw(b"info r\t")
        assert "registers" in out and "roms" in out, out
        echo, out = run(b"\x15\r")
        # Arguments: chardev ids, and sendkey's key names inside a chord.
        echo, out = run(b"chardev-remove compat_mon\t\x15\r")
        assert "chardev-remove compat_monitor0 " in echo, echo
        echo, out = run(b"sendkey shift-backsp\t\r")
        assert echo.endswith("sendkey shift-backspace "), echo
        assert out == "", out
        hist = m.cmd("info history")
        assert "'info status'\n" in hist and "'info name'\n" in hist, hist
        assert hist.endswith("'info history'\n"), hist
    with_vm(tmp, check, smp="1")


def test_monitor_backends(tmp):
    """-mon chardev=X,mode=readline on a socket chardev and -monitor tcp:
    both get the banner, the prompt and answers; a second client on the
    same socket gets a fresh banner."""
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    path = os.path.join(tmp, "chr.sock")
    p = subprocess.Popen(
        [os.path.abspath(BIN), "-M", "none", "-display", "none",
         "-chardev", f"socket,id=m,path={path},server=on,wait=off",
         "-mon", "chardev=m,mode=readline",
         "-monitor", f"tcp:127.0.0.1:{port},server=on,wait=off"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        for _ in range(2):
            m = Monitor(path)
            assert "monitor - type 'help'" in m.banner, m.banner
            assert m.cmd("info status") == "VM status: running\n"
            # -M none has no vCPU to take it; QEMU's words.
            assert m.cmd("nmi") == ("Error: this feature or command is not "
                                    "currently supported\n")
            assert m.cmd("info registers") == "No CPU available\n"
            m.close()
        # Both chardevs were set up before the main loop ran, so the TCP
        # listener exists once the unix one answered.
        t = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        tm = Monitor.__new__(Monitor)
        tm.s, tm.buf = t, b""
        tm.banner = tm.read_prompt()
        assert "monitor - type 'help'" in tm.banner, tm.banner
        assert tm.cmd("info version").endswith("(Keel 0.1.0)\n")
        tm.s.sendall(b"quit\r")
        assert p.wait(timeout=TIMEOUT) == 0
    finally:
        if p.poll() is None:
            p.kill()
        p.communicate()


def test_mux_console(tmp):
    """-nographic: the serial port and the monitor share stdio; Ctrl-a c
    switches to the monitor."""
    if not os.path.exists(KERNEL):
        raise Skip(f"{KERNEL} not built (ninja guest-kernels)")
    p = subprocess.Popen([os.path.abspath(BIN), "-M", "pc", "-accel", "tcg", "-m", "128",
                          "-nographic", "-kernel", KERNEL],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        p.stdin.write(b"\x01c")
        p.stdin.flush()
        p.stdin.write(b"info status\r")
        p.stdin.flush()
        out = b""
        while b"VM status: running" not in out:
            chunk = os.read(p.stdout.fileno(), 4096)
            assert chunk, out
            out += chunk
        p.stdin.write(b"quit\r")
        p.stdin.flush()
        assert p.wait(timeout=TIMEOUT) == 0
    finally:
        if p.poll() is None:
            p.kill()
        p.communicate()


class QMP:
    """A minimal QMP client: the greeting, qmp_capabilities, commands."""

    def __init__(self, path):
        assert poll_until(lambda: os.path.exists(path), TIMEOUT), "no QMP"
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(TIMEOUT)
        self.s.connect(path)
        self.f = self.s.makefile("rwb")
        assert "QMP" in json.loads(self.f.readline())
        assert self.cmd("qmp_capabilities") == {"return": {}}

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg).encode() + b"\n")
        self.f.flush()
        while True:
            reply = json.loads(self.f.readline())
            if "event" not in reply:
                return reply

    def ok(self, name, **args):
        reply = self.cmd(name, **args)
        assert "return" in reply, (name, args, reply)
        return reply["return"]

    def error(self, name, **args):
        reply = self.cmd(name, **args)
        assert "error" in reply, (name, args, reply)
        return reply["error"]["class"], reply["error"]["desc"]


def test_qmp_twins(tmp):
    """human-monitor-command and the QMP commands behind HMP's info."""
    qsock = os.path.join(tmp, "qmp.sock")

    def check(m):
        q = QMP(qsock)
        hmc = "human-monitor-command"
        assert q.ok(hmc, **{"command-line": "info status"}) == \
            "VM status: paused\r\n"
        assert q.ok(hmc, **{"command-line": "p 1+2"}) == "0x3\r\n"
        assert q.ok(hmc, **{"command-line": "foo"}) == \
            "unknown command: 'foo'\r\n"
        two = q.ok(hmc, **{"command-line": "x /2i $pc", "cpu-index": 0})
        assert len(two.splitlines()) == 2 and INSN.match(two), two
        assert q.ok(hmc, **{"command-line": "info registers",
                            "cpu-index": 1}).startswith("\r\nCPU#1\r\n")
        assert q.error(hmc, **{"command-line": "info registers",
                               "cpu-index": 7}) == \
            ("GenericError", "Parameter 'cpu-index' expects a CPU number")

        cpus = q.ok("query-cpus-fast")
        assert [c["cpu-index"] for c in cpus] == [0, 1], cpus
        assert all(c["target"] == "x86_64" and "thread-id" in c
                   for c in cpus), cpus
        # -smp 2,maxcpus=3: one socket of three cores, as QEMU 7.2 has it.
        assert cpus[1]["props"] == {"socket-id": 0, "core-id": 1,
                                    "thread-id": 0}, cpus
        hot = q.ok("query-hotpluggable-cpus")
        assert len(hot) == 3 and "qom-path" not in hot[0], hot
        assert [h["props"]["core-id"] for h in hot] == [2, 1, 0], hot
        assert all(h["type"] == "qemu64-x86_64-cpu" and h["vcpus-count"] == 1
                   for h in hot), hot
        assert q.ok("query-memory-size-summary") == \
            {"base-memory": 128 << 20, "plugged-memory": 0}
        names = [d["name"] for d in q.ok("query-cpu-definitions")]
        assert "qemu64" in names and "EPYC-v1" in names, names

        chardevs = q.ok("query-chardev")
        assert {"label": "compat_monitor0", "frontend-open": True}.items() \
            <= chardevs[0].items(), chardevs
        backends = [b["name"] for b in q.ok("query-chardev-backends")]
        assert {"socket", "pty", "file", "null"} <= set(backends), backends
        assert q.ok("chardev-add", id="c1",
                    backend={"type": "null", "data": {}}) == {}
        assert "c1" in [c["label"] for c in q.ok("query-chardev")]
        assert q.error("chardev-add", id="c1",
                       backend={"type": "null", "data": {}})[0] == \
            "GenericError"
        pty = q.ok("chardev-add", id="c2", backend={"type": "pty", "data": {}})
        assert os.path.exists(pty["pty"]), pty
        out = os.path.join(tmp, "chardev.out")
        assert q.ok("chardev-add", id="c3", backend={
            "type": "file", "data": {"out": out}}) == {}
        assert os.path.exists(out)
        assert "c3: filename=" in m.cmd("info chardev")
        for cid in ("c1", "c2", "c3"):
            assert q.ok("chardev-remove", id=cid) == {}
        assert q.error("chardev-remove", id="c1") == \
            ("GenericError", "Chardev 'c1' not found")
        assert m.cmd("chardev-add null,id=h1") == ""
        assert m.cmd("chardev-remove h1") == ""

        props = q.ok("qom-list", path="/machine")
        assert {"name": "type", "type": "string"} in props, props
        assert {"name": "unattached", "type": "child<container>"} in props
        assert q.ok("qom-get", path="/machine", property="type").startswith(
            "pc-i440fx-")
        assert q.error("qom-get", path="/nosuch", property="type") == \
            ("DeviceNotFound", "Device '/nosuch' not found")
        assert q.error("qom-set", path="/machine", property="nosuch",
                       value=1)[0] == "GenericError"
        types = q.ok("qom-list-types", implements="device")
        assert {"name": "i8042", "parent": "isa-device"} in types, types
        serial = q.ok("device-list-properties", typename="isa-serial")
        assert any(p["name"] == "chardev" for p in serial), serial
        assert q.error("device-list-properties", typename="nosuch") == \
            ("DeviceNotFound", "Device 'nosuch' not found")
        assert q.ok("qom-list-properties", typename="i8042") is not None

        pci = q.ok("query-pci")
        host = pci[0]["devices"][0]
        assert pci[0]["bus"] == 0 and host["id"]["vendor"] == 0x8086 and \
            host["id"]["device"] == 0x1237, host
        assert host["class_info"] == {"desc": "Host bridge",
                                      "class": 0x0600}, host
    with_vm(tmp, check, smp="2,maxcpus=3",
            extra=("-qmp", f"unix:{qsock},server=on,wait=off"))


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), tmp_prefix="keel-hmp-"))
