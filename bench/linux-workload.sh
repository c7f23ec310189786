#!/usr/bin/env bash
# Linux workload benchmark: boots Debian's kernel with the test initramfs
# under Keel and under QEMU (-M pc, the same accelerator, kernel, initrd
# and command line) and runs the initramfs's "workload" case in the guest:
# busybox sha256sum over 64 MiB generated in the guest (dd from /dev/zero)
# and a shell loop of 100,000 iterations. The guest times each step itself
# (/proc/uptime, 10 ms steps); this script boots the emulators round
# robin and prints the median over --runs boots per emulator and the
# Keel/QEMU ratio, and checks that the guest's answers are right (the
# hash of 64 MiB of zeroes, the loop's count).
#
# Usage: bench/linux-workload.sh [options]
#   --accel A      accelerator for both (default tcg)
#   --build DIR    Keel build directory (default build)
#   --keel BIN     Keel binary (default DIR/qemu-system-x86_64)
#   --qemu BIN     QEMU binary (default qemu-system-x86_64 in PATH); none: skip
#   --kernel F     kernel (default: the newest /boot/vmlinuz-*)
#   -m M           guest RAM (default 512M)
#   --smp N        vCPUs (default 1)
#   --runs N       boots per emulator (default 3)
#   --timeout S    per boot (default 300)
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
accel=tcg
build=$src/build
keel=
qemu=qemu-system-x86_64
kernel=
memory=512M
smp=1
runs=3
timeout=300

die() {
    echo "linux-workload.sh: $*" >&2
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
        --kernel) need_arg "$@"; kernel=$2; shift ;;
        -m|--memory) need_arg "$@"; memory=$2; shift ;;
        --smp) need_arg "$@"; smp=$2; shift ;;
        --runs) need_arg "$@"; runs=$2; shift ;;
        --timeout) need_arg "$@"; timeout=$2; shift ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs: '$runs' is not a positive number"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout: '$timeout' is not a positive number"
keel=${keel:-$build/qemu-system-x86_64}
[ -x "$keel" ] || die "--keel: no executable '$keel' (build Keel first)"
if [ -z "$kernel" ]; then
    kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
    [ -n "$kernel" ] || die "no /boot/vmlinuz-* (give --kernel)"
fi
[ -r "$kernel" ] || die "--kernel: cannot read '$kernel'"
initrd=$(KVER=${kernel##*/vmlinuz-} "$src/tests/guest/mkinitrd.sh" "$build/tests/guest") ||
    die "tests/guest/mkinitrd.sh failed"

append="console=ttyS0 quiet panic=-1 8250.nr_uarts=1 i8042.noaux i8042.nomux \
i8042.nopnp i8042.dumbkbd tsc=reliable no_timer_check cryptomgr.notests \
random.trust_cpu=on keel.test=workload"
common=(-M pc -accel "$accel" -m "$memory" -smp "$smp" -display none
        -monitor none -serial stdio -no-reboot -kernel "$kernel"
        -initrd "$initrd" -append "$append")

emus=("keel=$keel")
if [ "$qemu" != none ]; then
    if qemu_path=$(command -v "$qemu"); then
        emus+=("qemu=$qemu_path")
    else
        echo "linux-workload.sh: no QEMU '$qemu': Keel alone" >&2
    fi
fi

# sha256 of 64 MiB of zeroes: what the guest must print.
want_sha=3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "kernel: $kernel + $initrd"
echo "-accel $accel -m $memory -smp $smp, $runs boots each; host: $(nproc) CPUs, $(uname -r)"

# One boot: prints "sha256-s loop-s" or fails with the reason.
one_run() {
    local bin=$1 log=$2 s l
    timeout "$timeout" "$bin" "${common[@]}" </dev/null >"$log" 2>&1 ||
        { echo "exit status $? (see $log)"; return 1; }
    tr -d '\r' <"$log" >"$log.txt"
    grep -q "^workload: sha256 $want_sha\$" "$log.txt" || { echo "wrong or no sha256"; return 1; }
    grep -q "^workload: loop 100000\$" "$log.txt" || { echo "wrong or no loop count"; return 1; }
    s=$(awk '$1 == "KEEL-TIME:" && $2 == "sha256-64m" { print $3 }' "$log.txt")
    l=$(awk '$1 == "KEEL-TIME:" && $2 == "loop-100k" { print $3 }' "$log.txt")
    [ -n "$s" ] && [ -n "$l" ] || { echo "no KEEL-TIME lines"; return 1; }
    echo "$s $l"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# Round robin (run 1 of each emulator, then run 2 ...): the host's load
# drifts, and this shares the drift between them.
declare -A med_sha med_loop
for e in "${emus[@]}"; do
    : >"$tmp/${e%%=*}.sha"
    : >"$tmp/${e%%=*}.loop"
done
for i in $(seq 1 "$runs"); do
    for e in "${emus[@]}"; do
        name=${e%%=*}
        bin=${e#*=}
        if r=$(one_run "$bin" "$tmp/$name.$i.log"); then
            echo "$r" | awk '{ print $1 }' >>"$tmp/$name.sha"
            echo "$r" | awk '{ print $2 }' >>"$tmp/$name.loop"
            echo "# $name run $i: sha256 64 MiB ${r% *} s, loop 100k ${r#* } s"
        else
            echo "# $name run $i failed: $r" >&2
            cp "$tmp/$name.$i.log" "/tmp/linux-workload-$name-$i.log" 2>/dev/null &&
                echo "# kept as /tmp/linux-workload-$name-$i.log" >&2
        fi
    done
done
for e in "${emus[@]}"; do
    name=${e%%=*}
    med_sha[$name]=$(median <"$tmp/$name.sha")
    med_loop[$name]=$(median <"$tmp/$name.loop")
done

printf '%-14s %22s %22s\n' "" "sha256 64 MiB (s)" "shell loop 100k (s)"
for e in "${emus[@]}"; do
    name=${e%%=*}
    printf '%-14s %22s %22s\n' "$name" "${med_sha[$name]:-failed}" "${med_loop[$name]:-failed}"
done
ratio() {
    [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" \
        'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }' || echo "n/a"
}
if [ -n "${med_sha[qemu]+x}" ]; then
    printf '%-14s %22s %22s\n' "keel/qemu" \
        "$(ratio "${med_sha[keel]}" "${med_sha[qemu]}")" \
        "$(ratio "${med_loop[keel]}" "${med_loop[qemu]}")"
fi
echo "(median of the runs, in-guest time from /proc/uptime; lower is better)"
