"""test_qmp_guest.py: QMP against a running Linux guest (Debian's kernel
under TCG, the tests/guest initramfs): stop stops the guest (its serial
output pauses) and cont resumes it, with STOP/RESUME; system_powerdown
reaches the guest's ACPI power button (POWERDOWN, then the guest's
SHUTDOWN, exit 0); system_reset reboots it (RESET); the guest setting
its clock sends RTC_CHANGE. One guest for all, to
keep the boots few (quit is in test_qmp.py). Python 3 standard library
only."""

import os
import re
import sys

from keeltest import main, tests_of
from linuxguest import APPEND, Guest, initrd, need_kernel, sanitized_build
from test_qmp import QMP

BOOT_TIMEOUT = 240 if sanitized_build() else 120


def start(tmp, case, *extra):
    kernel = need_kernel()
    sock = os.path.join(tmp, "qmp.sock")
    g = Guest(["-accel", "tcg", "-M", "pc", "-m", "256", "-display", "none",
               "-monitor", "none", "-serial", "stdio",
               "-qmp", f"unix:{sock},server=on,wait=off",
               "-kernel", kernel, "-initrd", initrd(kernel),
               "-append", f"{APPEND} keel.test={case}", *extra])
    return g, QMP(sock)


def ticks(g):
    return [int(n) for n in re.findall(r"KEEL-TICK (\d+)", g.text())]


def test_guest(tmp):
    """One guest, two boots: stop/cont, system_reset, system_powerdown."""
    g, q = start(tmp, "tick")
    try:
        assert g.pump(lambda g: len(ticks(g)) >= 3, BOOT_TIMEOUT), \
            g.text()[-2000:]
        assert q.cmd("query-status") == \
            {"return": {"running": True, "status": "running"}}
        # hwclock -w set the RTC to the guest's time, which came from the
        # RTC: the offset from the host's clock is about 0.
        e = q.event("RTC_CHANGE")
        assert abs(e["data"]["offset"]) <= 2, e
        assert e["data"]["qom-path"].startswith("/machine/"), e

        # stop: STOP, paused, the guest's output stops.
        assert q.cmd("stop") == {"return": {}}
        e = q.event("STOP")
        assert list(e) == ["timestamp", "event"], e
        assert q.cmd("query-status") == \
            {"return": {"running": False, "status": "paused"}}
        g.pump(lambda g: False, 1.0)    # what was on its way drains
        frozen = ticks(g)
        g.pump(lambda g: False, 2.0)
        assert ticks(g) == frozen, (frozen[-3:], ticks(g)[-3:])

        # cont: RESUME (before the reply: the VM starts inside the
        # command), running, the counter goes on where it was.
        assert q.cmd("cont") == {"return": {}}
        assert [e["event"] for e in q.events] == ["RESUME"], q.events
        q.events.clear()
        assert q.cmd("query-status")["return"]["status"] == "running"
        assert g.pump(lambda g: len(ticks(g)) >= len(frozen) + 3, 60), \
            g.text()[-500:]
        t = ticks(g)
        assert t == list(range(len(t))), t

        # system_reset: RESET, and the guest boots again (a second init
        # banner, ticks from 0 again).
        # As QEMU: the reply only after the main loop served the request.
        assert q.cmd("system_reset") == {"return": {}}
        assert [e["event"] for e in q.events] == ["RESET"], q.events
        e = q.event("RESET")
        assert e["data"] == {"guest": False,
                             "reason": "host-qmp-system-reset"}, e
        assert g.pump(lambda g: g.text().count("KEEL-INIT-READY") == 2 and
                      "KEEL-TICK 1" in g.text().split("KEEL-INIT-READY")[2],
                      BOOT_TIMEOUT), g.text()[-2000:]
        assert q.cmd("query-status")["return"]["status"] == "running"

        # system_powerdown: POWERDOWN; the guest sees the ACPI power button
        # and powers off: SHUTDOWN from the guest, exit status 0.
        q.events.clear()
        assert q.cmd("system_powerdown") == {"return": {}}
        names = [e["event"] for e in q.events if e["event"] != "RTC_CHANGE"]
        assert names[:1] == ["POWERDOWN"], q.events
        e = q.event("POWERDOWN")
        assert list(e) == ["timestamp", "event"], e
        e = q.event("SHUTDOWN", timeout=60)
        assert e["data"] == {"guest": True, "reason": "guest-shutdown"}, e
        rc = g.wait(60)
        assert rc == 0, (rc, g.errtext())
        assert "KEEL-PWRBTN-PRESSED" in g.text(), g.text()[-500:]
    finally:
        g.stop()


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), tmp_prefix="keel-qmpg-"))
