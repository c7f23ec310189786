#!/usr/bin/env bash
# TCG IR benchmark: builds bench/tcg-ir-bench in a Keel build directory and
# runs it. The same IR loop (~20 ALU ops, an env load and store, a branch,
# on globals) is compiled for the x86-64 backend and for the TCI
# interpreter; prints the IR ops per second of each and the ratio
#   x86_64: 1.23e+09 ops/s  tci: 9.8e+07 ops/s  ratio 12.6x
#
# Usage: bench/tcg-ir.sh [--build DIR] [--seconds S]
#   --build DIR    Keel build directory (default build)
#   --seconds S    time per backend (default 1)
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=$src/build
seconds=1

die() {
    echo "tcg-ir.sh: $*" >&2
    exit 1
}

while [ "$#" -gt 0 ]; do
    case "$1" in
        --build) [ "$#" -ge 2 ] || die "--build needs a value"
                 build=$(cd "$2" 2>/dev/null && pwd) || die "--build: no directory '$2'"
                 shift ;;
        --seconds) [ "$#" -ge 2 ] || die "--seconds needs a value"; seconds=$2; shift ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done

[ -d "$build" ] || die "no build directory '$build' (meson setup it first)"
ninja -C "$build" bench/tcg-ir-bench >/dev/null || die "building bench/tcg-ir-bench failed"
exec "$build/bench/tcg-ir-bench" "$seconds"
