#!/usr/bin/env bash
# Record (or check) the serial output and exit status of each multiboot test
# kernel under QEMU's TCG, the oracle: expected/NAME.out and NAME.status.
# Usage: record-expected.sh [--check] [--only NAME] [KERNEL_DIR]
#   (default KERNEL_DIR build/tests/guest)
#   QEMU=path  emulator to run (default /usr/bin/qemu-system-x86_64); with
#   --check, compare against expected/ instead of writing it (for Keel later).
#   --only NAME  record or check just that run.
# Recording pipes QEMU's output through sdm-fixes.py NAME, which replaces
# the few lines where QEMU 7.2 contradicts the Intel SDM by the SDM's
# answer (each fix documented there); --check compares the raw output, so
# QEMU itself fails exactly those lines.
set -u

here=$(cd "$(dirname "$0")" && pwd)
check=0
only=
while [ $# -gt 0 ]; do
    case "$1" in
    --check) check=1; shift ;;
    --only) only=$2; shift 2 ;;
    *) break ;;
    esac
done
kdir=${1:-$here/../../build/tests/guest}
qemu=${QEMU:-/usr/bin/qemu-system-x86_64}
expected=$here/expected

# -nographic is left out on purpose: with it, "-serial stdio" fails ("cannot
# use stdio by multiple character devices"); -display none -monitor none
# gives the same headless machine with the serial port alone on stdout.
# SeaBIOS logs to port 0x402, so stdout holds only the kernel's bytes.
common=(-accel tcg -M pc -cpu qemu64 -m 128 -display none -monitor none
        -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04)

# name | kernel | extra arguments.  Every run but "reset" has -no-reboot so
# that a triple fault ends the run (status 0) instead of looping.
# Kernels are passed by relative path (we run from KERNEL_DIR) so that the
# multiboot command line, "<kernel path> <append>", never holds a host path.
runs=(
    "hello|hello.elf|-no-reboot -append keel-hello arg2=x"
    "modes|modes.elf|-no-reboot"
    "cpuid|cpuid.elf|-no-reboot"
    "pit|pit.elf|-no-reboot"
    "ports|ports.elf|-no-reboot"
    "smp|smp.elf|-no-reboot -smp 2"
    "smp4|smp.elf|-no-reboot -smp 4"
    "reset|reset.elf|"
    "reset-noreboot|reset.elf|-no-reboot"
    "garbage|garbage.elf|-no-reboot"
    "panic|panic.elf|-no-reboot -device pvpanic"
    "panic-exit-failure|panic.elf|-no-reboot -device pvpanic -action panic=exit-failure"
    "panic-none|panic.elf|-no-reboot -device pvpanic -action panic=none"
    "acpi|acpi.elf|-no-reboot"
    "acpi-maxcpus|acpi.elf|-no-reboot -smp 1,maxcpus=2"
    "acpi-smp2|acpi.elf|-no-reboot -smp 2"
    "acpi-topo|acpi.elf|-no-reboot -smp 6,sockets=2,cores=3"
    "rtc|rtc.elf|-no-reboot -rtc base=2006-06-17T16:01:21,clock=vm"
    "fwcfg|fwcfg.elf|-no-reboot -append fw-arg x=1"
    # The TCG test kernels (issue 5).
    "alu|alu.elf|-no-reboot"
    "alu-bcd|alu.elf|-no-reboot -append bcd"
    "strings|strings.elf|-no-reboot"
    "smc|smc.elf|-no-reboot"
    "syscall|syscall.elf|-no-reboot"
    "exceptions|exceptions.elf|-no-reboot"
    "paging|paging.elf|-no-reboot"
    "random|random.elf|-no-reboot"
    "random-2|random.elf|-no-reboot -append first=500 count=2000 clean=1"
    # Issue 6: x87, SSE (qemu64 has SSE3 at most; sse4 adds SSSE3..SSE4.2
    # and POPCNT with a second -cpu, which replaces the first).
    "x87|x87.elf|-no-reboot"
    # x87 state: FIP/FDP/FOP, faults part-way, XSAVE family (fpu_xsave.c).
    # (Run "x87-ferr", -append ferr, is not here: QEMU 7.2 aborts on FERR#.)
    "x87-state|x87-state.elf|-no-reboot"
    "x87-state-xsave|x87-state.elf|-no-reboot -cpu qemu64,+xsave,+xsaveopt,+xgetbv1"
    "sse|sse.elf|-no-reboot"
    "sse4|sse.elf|-no-reboot -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt"
    # Issue 6: interrupt controllers and timers, SMP with LOCK XADD.
    "irq|irq.elf|-no-reboot"
    # The HPET (kvm-irqchip.md): legacy replacement, timers 0 and 1.
    "hpet|hpet.elf|-no-reboot"
    "hpet-off|hpet.elf|-no-reboot -machine hpet=off"
    "smpcount|smpcount.elf|-no-reboot -smp 2"
    "smpcount4|smpcount.elf|-no-reboot -smp 4"
    # Issue 6: a C program built with -O2 -msse4.2, run at CPL 3.
    "userc|userc.elf|-no-reboot -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt"
)

cd "$kdir" || { echo "record-expected: no kernel dir $kdir (build first)" >&2; exit 1; }
mkdir -p "$expected"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

for run in "${runs[@]}"; do
    IFS='|' read -r name kernel extra <<<"$run"
    if [ -n "$only" ] && [ "$name" != "$only" ]; then
        continue
    fi
    if [ ! -f "$kernel" ]; then
        echo "record-expected: missing $kdir/$kernel" >&2
        fail=1
        continue
    fi
    # Word splitting of $extra is intended, except for -append's value.
    args=()
    if [[ $extra == *"-append "* ]]; then
        args=(${extra%%-append *} -append "${extra#*-append }")
    else
        args=($extra)
    fi
    timeout 60 "$qemu" "${common[@]}" "${args[@]}" -kernel "$kernel" \
        </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.status"
    if [ -s "$tmp/$name.err" ]; then
        echo "record-expected: $name: stderr:" >&2
        cat "$tmp/$name.err" >&2
    fi
    if [ $check = 1 ]; then
        if cmp -s "$tmp/$name.out" "$expected/$name.out" &&
           cmp -s "$tmp/$name.status" "$expected/$name.status"; then
            echo "ok   $name"
        else
            echo "FAIL $name"
            diff -u "$expected/$name.out" "$tmp/$name.out"
            diff -u "$expected/$name.status" "$tmp/$name.status"
            fail=1
        fi
    else
        python3 "$here/sdm-fixes.py" "$name" <"$tmp/$name.out" >"$expected/$name.out" \
            2>"$tmp/$name.fixes" || fail=1
        grep -v ' 0 line(s)' "$tmp/$name.fixes" >&2
        cp "$tmp/$name.status" "$expected/"
        echo "recorded $name (status $(cat "$tmp/$name.status"))"
    fi
done
exit $fail
