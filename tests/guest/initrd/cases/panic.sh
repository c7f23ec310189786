# panic: a kernel panic on purpose (panic=-1 then resets the machine at
# once, so with -no-reboot the emulator exits).
run() { return 0; }
finish() { echo c >/proc/sysrq-trigger; }
