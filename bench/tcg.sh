#!/usr/bin/env bash
# TCG benchmark: the CPU-bound workloads of tests/guest/kernels/bench.c
# (int: integer mixing loop; memcpy: copies through 4 KiB pages; interp: a
# bytecode interpreter; sse: a vectorised float/integer SIMD loop; fp:
# scalar double math, both SSE2 code from bench-fp.c) each run under Keel
# -accel tcg and QEMU -accel tcg with the same options, --runs times each,
# one run at a time; prints per workload "name keel_s qemu_s
# ratio(qemu/keel)", the median wall-clock time from process start to
# exit.  A run counts only if it exits with status 33 (isa-debug-exit
# PASS) and prints the same checksum under both.
#
# Usage: bench/tcg.sh [--build DIR] [--keel BIN] [--qemu BIN] [--runs N]
#                     [--timeout S] [WORKLOAD...]
#   defaults: DIR build, BIN DIR/qemu-system-x86_64 and
#   /usr/bin/qemu-system-x86_64, N 3, S 120, all workloads.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=$src/build
keel=
qemu=/usr/bin/qemu-system-x86_64
runs=3
timeout=120
workloads=()

die() {
    echo "tcg.sh: $*" >&2
    exit 1
}

while [ "$#" -gt 0 ]; do
    case "$1" in
        --build) [ "$#" -ge 2 ] || die "--build needs a value"
                 build=$(cd "$2" 2>/dev/null && pwd) || die "--build: no directory '$2'"
                 shift ;;
        --keel) [ "$#" -ge 2 ] || die "--keel needs a value"; keel=$2; shift ;;
        --qemu) [ "$#" -ge 2 ] || die "--qemu needs a value"; qemu=$2; shift ;;
        --runs) [ "$#" -ge 2 ] || die "--runs needs a value"; runs=$2; shift ;;
        --timeout) [ "$#" -ge 2 ] || die "--timeout needs a value"; timeout=$2; shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) workloads+=("$1") ;;
    esac
    shift
done
[ "${#workloads[@]}" -gt 0 ] || workloads=(int memcpy interp sse fp)
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs: not a positive number: $runs"
keel=${keel:-$build/qemu-system-x86_64}
kernel=$build/tests/guest/bench.elf
[ -x "$keel" ] || die "no Keel binary $keel"
[ -x "$qemu" ] || die "no QEMU binary $qemu"
[ -f "$kernel" ] || die "no $kernel (ninja -C $build guest-kernels)"

common=(-accel tcg -M pc -cpu qemu64 -m 128 -display none -monitor none
        -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run BIN WORKLOAD: prints the wall time in seconds; the output goes to
# $tmp/out; returns 1 unless the exit status is 33.
run() {
    local t0 t1 rc
    t0=$(date +%s.%N)
    timeout "$timeout" "$1" "${common[@]}" -kernel "$kernel" -append "$2" \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    t1=$(date +%s.%N)
    if [ "$rc" != 33 ]; then
        echo "tcg.sh: $1 $2: exit status $rc: $(head -c 300 "$tmp/err")" >&2
        return 1
    fi
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "failed"; exit }
        if (NR % 2) { printf "%.3f\n", v[(NR + 1) / 2] }
        else { printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'
}

printf "%-8s %8s %8s %s\n" name keel_s qemu_s "ratio(qemu/keel)"
for w in "${workloads[@]}"; do
    : >"$tmp/keel.t"
    : >"$tmp/qemu.t"
    want=
    for ((i = 0; i < runs; i++)); do
        # Alternate the emulators so that drifting host load hits both.
        if run "$qemu" "$w" >>"$tmp/qemu.t"; then
            want=$(cat "$tmp/out")
        fi
        if run "$keel" "$w" >>"$tmp/keel.t"; then
            if [ -n "$want" ] && [ "$(cat "$tmp/out")" != "$want" ]; then
                echo "tcg.sh: $w: Keel printed '$(cat "$tmp/out")', QEMU '$want'" >&2
                sed -i '$d' "$tmp/keel.t"
            fi
        fi
    done
    k=$(median <"$tmp/keel.t")
    q=$(median <"$tmp/qemu.t")
    ratio=$(awk -v k="$k" -v q="$q" 'BEGIN {
        if (k == "failed" || q == "failed" || k == 0) print "-"; else printf "%.2f", q / k }')
    printf "%-8s %8s %8s %s\n" "$w" "$k" "$q" "$ratio"
done
