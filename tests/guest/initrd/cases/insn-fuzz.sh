# insn-fuzz: random instruction bytes run in user space under signal
# handlers (/bin/insn-fuzz, see tests/guest/initrd/insn-fuzz.c) for
# keel.fuzz=SECONDS (default 60); the guest must come back and report.
run() {
    [ -x /bin/insn-fuzz ] || { echo "insn-fuzz: not built"; return 2; }
    seconds=60
    for arg in $(cat /proc/cmdline); do
        case "$arg" in keel.fuzz=*) seconds=${arg#keel.fuzz=} ;; esac
    done
    /bin/insn-fuzz "$seconds" 1
}
