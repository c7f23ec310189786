#!/usr/bin/env bash
# Boot benchmark: Keel against QEMU (-M pc, and -M microvm when it can run
# the payload) with the same kernel, memory and command line, each run
# --runs times; prints a table of time to the first serial byte, time to
# the process exit, peak RSS, guest RAM touched and RSS overhead, with
# Keel/QEMU ratios. The measuring is done by bootbench.py (see README.md).
#
# Usage: bench/boot.sh [options]
#   --accel A      accelerator for every emulator (default kvm)
#   --build DIR    Keel build directory (default build)
#   --keel BIN     Keel binary (default DIR/qemu-system-x86_64)
#   --qemu BIN     QEMU binary (default qemu-system-x86_64 in PATH); none: skip
#   --no-microvm   leave QEMU -M microvm out
#   --kernel F     payload (default DIR/tests/guest/hello.elf; --linux: the
#                  newest /boot/vmlinuz-*)
#   --initrd F     initrd (--linux default: mkinitrd.sh's image in DIR)
#   --append S     kernel command line (defaults per mode)
#   -m, --memory M guest RAM, as -m (default 128M; --linux 512M)
#   --runs N       runs per emulator (default 5, at least 5 for a spread)
#   --linux        Linux mode: wait for KEEL-INIT-READY, the guest powers
#                  off ("poweroff -f"); for hosts where Linux runs under KVM
#   --timeout S    per run (default 60; --linux 180)
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
. "$src/tests/guest/linux-guest.sh"

accel=kvm
build=$src/build
keel=
qemu="qemu-system-x86_64"
microvm=1
kernel=
initrd=
append=
append_set=0
memory=
runs=5
linux=0
timeout=

die() {
    echo "boot.sh: $*" >&2
    exit 1
}

need_arg() {
    [ "$#" -ge 2 ] || die "option $1 needs a value"
}

while [ "$#" -gt 0 ]; do
    case "$1" in
        --accel) need_arg "$@"; accel=$2; shift ;;
        --build) need_arg "$@"; build=$(cd "$2" 2>/dev/null && pwd) ||
                     die "--build: no directory '$2'"; shift ;;
        --keel) need_arg "$@"; keel=$2; shift ;;
        --qemu) need_arg "$@"; qemu=$2; shift ;;
        --no-microvm) microvm=0 ;;
        --kernel) need_arg "$@"; kernel=$2; shift ;;
        --initrd) need_arg "$@"; initrd=$2; shift ;;
        --append) need_arg "$@"; append=$2; append_set=1; shift ;;
        -m|--memory) need_arg "$@"; memory=$2; shift ;;
        --runs) need_arg "$@"; runs=$2; shift ;;
        --linux) linux=1 ;;
        --timeout) need_arg "$@"; timeout=$2; shift ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done

if ! [[ $runs =~ ^[0-9]+$ ]] || [ "$runs" -lt 1 ]; then
    die "--runs: '$runs' is not a positive number"
fi
keel=${keel:-$build/qemu-system-x86_64}
[ -x "$keel" ] || die "--keel: no executable '$keel' (build Keel first)"

# -m as QEMU reads it (default unit MiB), in bytes for the RAM mapping.
ram_bytes() {
    local v=$1 n unit
    [[ $v =~ ^([0-9]+)([kKmMgGtT]?)[bB]?$ ]] || return 1
    n=${BASH_REMATCH[1]}
    unit=${BASH_REMATCH[2]:-M}
    case "$unit" in
        k|K) echo $((n << 10)) ;;
        m|M) echo $((n << 20)) ;;
        g|G) echo $((n << 30)) ;;
        t|T) echo $((n << 40)) ;;
    esac
}

if [ $linux = 1 ]; then
    if [ -z "$kernel" ]; then
        kernel=$(linux_guest_kernel)
        [ -n "$kernel" ] || die "--linux: no /boot/vmlinuz-* (give --kernel)"
    fi
    if [ -z "$initrd" ]; then
        initrd=$(linux_guest_initrd "$build" "$kernel") || die "--linux: mkinitrd.sh failed"
    fi
    # shared/GUEST-NOTES.md's fast-boot line; the case powers off.
    [ $append_set = 1 ] || append="$LINUX_GUEST_APPEND keel.test=poweroff"
    memory=${memory:-512M}
    timeout=${timeout:-180}
    status=0
    marker=(--marker KEEL-INIT-READY)
else
    kernel=${kernel:-$build/tests/guest/hello.elf}
    [ $append_set = 1 ] || append="keel-hello arg2=x"
    memory=${memory:-128M}
    timeout=${timeout:-60}
    status=33   # hello's PASS through isa-debug-exit
    marker=()
fi
[ -r "$kernel" ] || die "--kernel: cannot read '$kernel' (ninja guest-kernels?)"
[ -z "$initrd" ] || [ -r "$initrd" ] || die "--initrd: cannot read '$initrd'"
bytes=$(ram_bytes "$memory") || die "--memory: '$memory' is not a size like 128M"

# The same command line for everyone; only the binary and -M differ.
common=(-accel "$accel" -m "$memory" -display none -monitor none
        -serial stdio -no-reboot
        -device "isa-debug-exit,iobase=0xf4,iosize=0x04"
        -kernel "$kernel" -append "$append")
[ -z "$initrd" ] || common+=(-initrd "$initrd")

quote() { printf '%q ' "$@"; }

emus=("keel=$(quote "$keel" -M pc "${common[@]}")")
if [ "$qemu" != none ]; then
    if qemu_path=$(command -v "$qemu"); then
        emus+=("qemu-pc=$(quote "$qemu_path" -M pc "${common[@]}")")
        [ $microvm = 0 ] ||
            emus+=("qemu-microvm=$(quote "$qemu_path" -M microvm "${common[@]}")")
    else
        echo "boot.sh: no QEMU '$qemu': Keel alone" >&2
    fi
fi

echo "payload: $kernel${initrd:+ + $initrd}"
echo "append: $append"
echo "-m $memory, -accel $accel, $runs runs each; host: $(nproc) CPUs," \
     "$(uname -r)"
exec python3 "$here/bootbench.py" --runs "$runs" --ram "$bytes" \
    --status "$status" --timeout "$timeout" "${marker[@]}" "${emus[@]}"
