#!/usr/bin/env bash
# QMP load benchmark: a Linux guest runs under TCG (the tests/guest
# initramfs, case "tick": a counter on the serial port every 0.2 s) with
# four QMP monitors; four clients at once each send --count query-status
# commands, one at a time. Checks that every command is answered, that the
# guest keeps running meanwhile (the counter advances) and that the RSS
# after the clients left is within 1 MiB of the RSS before; prints commands
# per second for Keel and for QEMU (same kernel, initramfs and command
# line, in the same run) and their ratio (Keel/QEMU, higher is better).
#
# Usage: bench/qmp.sh [options]
#   --build DIR    Keel build directory (default build)
#   --keel BIN     Keel binary (default DIR/qemu-system-x86_64)
#   --qemu BIN     QEMU binary (default /usr/bin/qemu-system-x86_64); none: skip
#   --clients N    concurrent clients, one monitor each (default 4)
#   --count N      query-status per client (default 10000)
#   --timeout S    boot timeout per emulator (default 240)
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=$src/build
keel=
qemu=/usr/bin/qemu-system-x86_64
clients=4
count=10000
timeout=240

die() {
    echo "qmp.sh: $*" >&2
    exit 1
}

while [ "$#" -gt 0 ]; do
    case "$1" in
        --build) [ "$#" -ge 2 ] || die "--build needs a value"
                 build=$(cd "$2" 2>/dev/null && pwd) || die "--build: no directory '$2'"
                 shift ;;
        --keel) [ "$#" -ge 2 ] || die "--keel needs a value"; keel=$2; shift ;;
        --qemu) [ "$#" -ge 2 ] || die "--qemu needs a value"; qemu=$2; shift ;;
        --clients) [ "$#" -ge 2 ] || die "--clients needs a value"; clients=$2; shift ;;
        --count) [ "$#" -ge 2 ] || die "--count needs a value"; count=$2; shift ;;
        --timeout) [ "$#" -ge 2 ] || die "--timeout needs a value"; timeout=$2; shift ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (--help lists them)" ;;
    esac
    shift
done
keel=${keel:-$build/qemu-system-x86_64}
[ -x "$keel" ] || die "no Keel binary at $keel (build first, or --keel)"
. "$src/tests/guest/linux-guest.sh"
kernel=$(linux_guest_kernel)
[ -n "$kernel" ] && [ -r "$kernel" ] || die "no readable /boot/vmlinuz-* (linux-image-amd64)"
initrd=$(linux_guest_initrd "$build" "$kernel") || die "mkinitrd.sh failed"
[ "$qemu" = none ] || [ -x "$qemu" ] || die "no QEMU at $qemu (--qemu none skips it)"

exec python3 - "$keel" "$qemu" "$kernel" "$initrd" "$clients" "$count" "$timeout" \
    "$LINUX_GUEST_APPEND keel.test=tick" <<'EOF'
import json, os, re, select, shutil, socket, subprocess, sys, tempfile, time
from multiprocessing import Pool

keel, qemu, kernel, initrd = sys.argv[1:5]
clients, count, timeout = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
APPEND = sys.argv[8]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Serial:
    """The guest's serial output (stdout pipe), read without blocking."""
    def __init__(self, p):
        self.p, self.text = p, ""

    def pump(self, secs=0.0):
        end = time.monotonic() + secs
        while True:
            r, _, _ = select.select([self.p.stdout], [], [],
                                    max(end - time.monotonic(), 0))
            if not r:
                return
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                return
            self.text += chunk.decode(errors="replace")

    def ticks(self):
        n = re.findall(r"KEEL-TICK (\d+)", self.text)
        return int(n[-1]) if n else -1


def client(sock):
    """count query-status, one at a time; returns how many were answered."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    f = s.makefile("rb")
    json.loads(f.readline())
    s.sendall(b'{"execute":"qmp_capabilities"}\n')
    json.loads(f.readline())
    ok = 0
    for i in range(count):
        s.sendall(b'{"execute":"query-status","id":%d}\n' % i)
        while True:
            r = json.loads(f.readline())
            if "event" not in r:
                break
        if r.get("id") == i and r["return"]["status"] == "running":
            ok += 1
    s.close()
    return ok


def run(name, binary):
    tmp = tempfile.mkdtemp(prefix="keel-qmpbench-")
    socks = [os.path.join(tmp, f"q{i}.sock") for i in range(clients)]
    args = [binary, "-accel", "tcg", "-M", "pc", "-m", "256", "-display", "none",
            "-monitor", "none", "-serial", "stdio", "-kernel", kernel,
            "-initrd", initrd, "-append", APPEND]
    for s in socks:
        args += ["-qmp", f"unix:{s},server=on,wait=off"]
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    serial = Serial(p)
    try:
        end = time.monotonic() + timeout
        while serial.ticks() < 3:
            if time.monotonic() > end or p.poll() is not None:
                sys.exit(f"qmp.sh: {name}: the guest did not start ticking")
            serial.pump(0.5)
        serial.pump(1.0)
        before = rss_kib(p.pid)
        tick0 = serial.ticks()
        t0 = time.monotonic()
        with Pool(clients) as pool:
            res = pool.map_async(client, socks)
            while not res.ready():
                serial.pump(0.2)
            answered = sum(res.get())
        secs = time.monotonic() - t0
        serial.pump(1.0)
        tick1 = serial.ticks()
        time.sleep(1.0)
        after = rss_kib(p.pid)
        total = clients * count
        print(f"{name:5s} {answered}/{total} answered in {secs:.2f} s: "
              f"{answered / secs:.0f} commands/s; guest ticks {tick0} -> {tick1}; "
              f"RSS {before} -> {after} KiB ({after - before:+d})")
        ok = answered == total and tick1 > tick0
        if name == "Keel":
            ok = ok and abs(after - before) <= 1024
        return answered / secs, ok
    finally:
        p.kill()
        p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


k_rate, k_ok = run("Keel", keel)
if qemu != "none":
    q_rate, q_ok = run("QEMU", qemu)
    print(f"ratio Keel/QEMU commands per second: {k_rate / q_rate:.2f}x")
if not k_ok:
    sys.exit("qmp.sh: FAIL: Keel lost commands, the guest stopped, or RSS grew by more than 1 MiB")
print("qmp.sh: Keel: all answered, the guest ran on, RSS within 1 MiB")
EOF
