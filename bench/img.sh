#!/usr/bin/env bash
# qemu-img benchmark: Keel's qemu-img against QEMU's on the same inputs, in
# the same run, interleaved (Keel then QEMU for each repetition), median of
# --runs wall-clock times. Workloads:
#   convert-raw-qcow2   convert a 1 GiB raw image (mixed zero and random
#                       data) to qcow2
#   convert-qcow2-raw   convert that qcow2 (made by QEMU) back to raw
#   convert-compressed  convert -c the raw image to compressed qcow2
#   bench-read          qemu-img bench (read, 4 KiB, depth 64) on a raw image
#   bench-write         qemu-img bench -w on a raw image
# Prints per workload "name keel_s qemu_s ratio(qemu/keel)"; the target is
# ratio >= 1.0. Each output is checked with QEMU's compare against the
# input (a wrong result is an error, not a time). The images live in
# $TMPDIR (default /tmp) and are deleted at the end.
#
# Usage: bench/img.sh [--build DIR] [--keel BIN] [--qemu BIN] [--runs N]
#                     [--size MiB] [WORKLOAD...]
#   defaults: DIR build, BIN DIR/qemu-img and /usr/bin/qemu-img, N 3,
#   size 1024, all workloads.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=$src/build
keel=
qemu=/usr/bin/qemu-img
runs=3
size_mib=1024
workloads=()

die() {
    echo "img.sh: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
    --build) build=$2; shift 2 ;;
    --keel) keel=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --size) size_mib=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) workloads+=("$1"); shift ;;
    esac
done
[ -n "$keel" ] || keel=$build/qemu-img
[ -x "$keel" ] || die "$keel: not built"
keel=$(cd "$(dirname "$keel")" && pwd)/$(basename "$keel")
[ -x "$qemu" ] || die "$qemu: not installed (Debian qemu-utils)"
[ ${#workloads[@]} -gt 0 ] || workloads=(convert-raw-qcow2 convert-qcow2-raw
                                         convert-compressed bench-read
                                         bench-write)

work=$(mktemp -d "${TMPDIR:-/tmp}/keel-img-bench.XXXXXX") || die "mktemp"
trap 'rm -rf "$work"' EXIT

# The input: per 1 MiB, a quarter random, a quarter text (compressible),
# half zeroes, so that zero detection, sparse output and compression all
# matter.
python3 - "$work/src.raw" "$size_mib" <<'EOF' || die "cannot write the input"
import os, sys
path, mib = sys.argv[1], int(sys.argv[2])
text = (b"Keel qemu-img benchmark line of compressible text. " * 6000)
with open(path, "wb") as f:
    for i in range(mib):
        if i % 4 == 0:
            f.write(os.urandom(256 << 10))
            f.write(text[:256 << 10])
            f.seek(512 << 10, 1)
        elif i % 4 == 1:
            f.write(text[:1 << 20])
        elif i % 4 == 2:
            f.seek(1 << 20, 1)
        else:
            f.write(os.urandom(1 << 20))
    f.truncate(mib << 20)
EOF
"$qemu" convert -f raw -O qcow2 "$work/src.raw" "$work/src.qcow2" ||
    die "cannot make the qcow2 input"
"$qemu" create -q -f raw "$work/bench.raw" 256M || die "create"
"$qemu" convert -f raw -O raw -S 0 "$work/bench.raw" "$work/bench-full.raw" ||
    die "convert"

now() { date +%s.%N; }

# run_one PROG WORKLOAD: prints the seconds, or fails.
run_one() {
    local prog=$1 w=$2 t0 t1 out=$work/out
    rm -f "$out"
    case "$w" in
    convert-raw-qcow2) set -- convert -f raw -O qcow2 "$work/src.raw" "$out" ;;
    convert-qcow2-raw) set -- convert -f qcow2 -O raw "$work/src.qcow2" "$out" ;;
    convert-compressed) set -- convert -c -f raw -O qcow2 "$work/src.raw" "$out" ;;
    bench-read) set -- bench -f raw -c 200000 -d 64 "$work/bench-full.raw" ;;
    bench-write) set -- bench -w -f raw -c 200000 -d 64 "$work/bench-full.raw" ;;
    *) die "unknown workload $w" ;;
    esac
    t0=$(now)
    "$prog" "$@" >/dev/null || return 1
    t1=$(now)
    case "$w" in
    convert-*)
        "$qemu" compare -q "$work/src.raw" "$out" ||
            { echo "img.sh: $prog $w: output differs from the input" >&2
              return 1; } ;;
    esac
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

printf "%-20s %9s %9s %7s\n" workload keel_s qemu_s ratio
status=0
for w in "${workloads[@]}"; do
    kt=() qt=()
    for _ in $(seq "$runs"); do
        t=$(run_one "$keel" "$w") ||
            { echo "img.sh: $w failed with $keel" >&2; status=1; continue 2; }
        kt+=("$t")
        t=$(run_one "$qemu" "$w") ||
            { echo "img.sh: $w failed with $qemu" >&2; status=1; continue 2; }
        qt+=("$t")
    done
    k=$(printf "%s\n" "${kt[@]}" | median)
    q=$(printf "%s\n" "${qt[@]}" | median)
    printf "%-20s %9s %9s %7s\n" "$w" "$k" "$q" \
        "$(awk -v k="$k" -v q="$q" 'BEGIN { printf("%.2f", (k > 0) ? q / k : 0) }')"
done
exit $status
