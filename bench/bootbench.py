#!/usr/bin/env python3
"""bootbench.py: the measuring half of bench/boot.sh (Python 3 standard
library only). Runs each emulator command line --runs times, round robin
(run 1 of each, then run 2 ...), one process at a time, and reports per
emulator the median and min-max of:
  first byte  process start -> first byte on the serial line (stdout)
  ready       process start -> the --marker line (Linux: KEEL-INIT-READY)
  exit        process start -> process exit (the guest powered off/exited)
  peak RSS    the emulator's peak resident set: VmHWM of /proc/PID/status,
              sampled every --sample-ms (not getrusage: a child's ru_maxrss
              includes the forking Python's own RSS from before exec)
  guest RAM   the largest resident size seen of the guest RAM mapping(s):
              the anonymous non-executable VMAs of /proc/PID/smaps of -m
              bytes (+ up to 64 MiB), sampled while the process runs
  overhead    peak RSS - guest RAM: what the emulator itself costs
then ratios of the first emulator to each of the others.
Usage: bootbench.py --runs N --ram BYTES [--marker TEXT] [--status N]
                    [--timeout S] NAME=COMMAND...   (COMMAND shell-quoted)"""

import argparse
import os
import select
import shlex
import signal
import statistics
import subprocess
import sys
import time


def is_guest_ram(fields, ram_bytes):
    """An smaps header for the guest RAM: an anonymous, non-executable
    mapping of -m bytes (plus alignment slack). TCG's code buffer is
    executable, hence left out."""
    lo, hi = (int(x, 16) for x in fields[0].split("-"))
    return len(fields) == 5 and "x" not in fields[1] and \
        ram_bytes <= hi - lo <= ram_bytes + (64 << 20)


def ram_rss_kib(pid, ram_bytes):
    """Resident KiB of the guest RAM mapping(s), or None."""
    total = 0
    ram = False
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                fields = line.split()
                if "-" in fields[0] and not fields[0].endswith(":"):
                    ram = is_guest_ram(fields, ram_bytes)
                elif fields[0] == "Rss:" and ram:
                    total += int(fields[1])
    except OSError:
        return None
    return total


def hwm_kib(pid):
    """VmHWM of the process in KiB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def one_run(cmd, args):
    """One boot; returns a dict of measurements (ms, KiB) or an error."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    fds = [p.stdout.fileno(), p.stderr.fileno()]
    out, err = b"", b""
    first = ready = None
    ram = hwm = 0
    next_sample = t0
    deadline = t0 + args.timeout
    status = None
    marker = args.marker.encode() if args.marker else None
    while True:
        now = time.monotonic()
        if now >= next_sample:
            hwm = max(hwm, hwm_kib(p.pid) or 0)
            r = ram_rss_kib(p.pid, args.ram)
            ram = max(ram, r or 0)
            next_sample = now + args.sample_ms / 1000
        if fds:
            rd, _, _ = select.select(fds, [], [], args.sample_ms / 1000)
            for fd in rd:
                chunk = os.read(fd, 65536)
                if not chunk:
                    fds.remove(fd)
                elif fd == p.stdout.fileno():
                    if first is None:
                        first = time.monotonic()
                    out += chunk
                    if marker and ready is None and marker in out:
                        ready = time.monotonic()
                else:
                    err += chunk
        # Peek before reaping: a zombie has no VmHWM left.
        hwm = max(hwm, hwm_kib(p.pid) or 0)
        pid, st, _ = os.wait4(p.pid, os.WNOHANG)
        if pid:
            end = time.monotonic()
            status = os.waitstatus_to_exitcode(st)
            break
        if b"\nCode=" in err or err.startswith(b"KVM internal error"):
            # QEMU and Keel both stop (not exit) after this dump.
            os.kill(p.pid, signal.SIGKILL)
            os.wait4(p.pid, 0)
            line = next((ln for ln in err.decode(errors="replace")
                         .splitlines() if "KVM" in ln or "failure" in ln),
                        "KVM error")
            return {"error": f"the guest stopped: {line}"}
        if not fds:
            time.sleep(args.sample_ms / 1000)
        if time.monotonic() > deadline:
            os.kill(p.pid, signal.SIGKILL)
            os.wait4(p.pid, 0)
            return {"error": f"no exit within {args.timeout} s"}
    p.returncode = status   # reaped by wait4: keep Popen from waiting
    # The pipes may hold the last bytes after the exit.
    for fd in fds:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            if fd == p.stdout.fileno():
                if first is None:
                    first = end
                out += chunk
            else:
                err += chunk
    if marker and ready is None and marker in out:
        ready = end
    ms = lambda t: None if t is None else (t - t0) * 1000  # noqa: E731
    res = {"status": status, "first": ms(first), "ready": ms(ready),
           "exit": ms(end), "rss": hwm, "ram": ram,
           "stderr": err.decode(errors="replace")}
    res["overhead"] = res["rss"] - ram
    if args.status is not None and status != args.status:
        last = [ln for ln in res["stderr"].splitlines() if ln.strip()]
        res["error"] = (f"exit status {status}"
                        + (f": {last[-1]}" if last else ""))
    elif marker and ready is None:
        res["error"] = f"no {args.marker} on the serial line"
    return res


def summary(values):
    """(median, min, max) or None when a value is missing."""
    if not values or any(v is None for v in values):
        return None
    return statistics.median(values), min(values), max(values)


def fmt(s, scale=1.0, digits=1):
    if s is None:
        return "n/a"
    med, lo, hi = (v / scale for v in s)
    return f"{med:.{digits}f} [{lo:.{digits}f}-{hi:.{digits}f}]"


COLUMNS = [("first byte ms", "first", 1.0, 1), ("ready ms", "ready", 1.0, 1),
           ("exit ms", "exit", 1.0, 1), ("peak RSS MiB", "rss", 1024.0, 1),
           ("guest RAM MiB", "ram", 1024.0, 1),
           ("overhead MiB", "overhead", 1024.0, 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ram", type=int, required=True,
                    help="guest RAM in bytes (-m), to find its mapping")
    ap.add_argument("--marker", default=None)
    ap.add_argument("--status", type=int, default=None,
                    help="the exit status of a good run")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--sample-ms", type=float, default=5)
    ap.add_argument("emulators", nargs="+", metavar="NAME=COMMAND")
    args = ap.parse_args()

    cols = [c for c in COLUMNS if c[1] != "ready" or args.marker]
    # Round robin (run 1 of each emulator, then run 2 ...): the host's load
    # drifts over minutes, and this spreads the drift over all of them.
    emus = []
    for spec in args.emulators:
        name, _, command = spec.partition("=")
        emus.append({"name": name, "command": command,
                     "cmd": shlex.split(command), "runs": [], "failed": 0,
                     "given_up": False})
    for i in range(args.runs):
        for e in emus:
            if e["given_up"]:
                continue
            r = one_run(e["cmd"], args)
            if "error" in r:
                print(f"# {e['name']}: run {i + 1}: {r['error']}",
                      file=sys.stderr)
                e["failed"] += 1
                # A payload that never ran once will not run: save the time.
                e["given_up"] = not e["runs"]
                continue
            e["runs"].append(r)
    results = {}
    for e in emus:
        name = e["name"]
        if e["failed"] and e["runs"]:
            name = f"{name} ({e['failed']} failed)"
        results[name] = e["runs"] or None
        print(f"# {name}: {e['command']}", file=sys.stderr)

    names = list(results)
    width = max(len(n) for n in names) + len(names[0]) + 3
    print(f"{'':{width}}" + "".join(f"{c[0]:>24}" for c in cols))
    sums = {}
    for name, runs in results.items():
        if runs is None:
            print(f"{name:{width}}" + f"{'failed (see above)':>24}")
            continue
        sums[name] = {c[1]: summary([r[c[1]] for r in runs]) for c in cols}
        print(f"{name:{width}}" + "".join(
            f"{fmt(sums[name][c[1]], c[2], c[3]):>24}" for c in cols))
    base = names[0]
    for other in names[1:]:
        label = f"{base}/{other}"
        if base not in sums or other not in sums:
            print(f"{label:{width}}" + f"{'n/a':>24}")
            continue
        cells = []
        for c in cols:
            a, b = sums[base][c[1]], sums[other][c[1]]
            cells.append("n/a" if a is None or b is None or b[0] <= 0
                         else f"{a[0] / b[0]:.3g}x")
        print(f"{label:{width}}" + "".join(f"{v:>24}" for v in cells))
    print(f"(median [min-max] of {args.runs} runs; failed runs left out)")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
