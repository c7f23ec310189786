#!/usr/bin/env bash
# Linux workload benchmark: boots Debian's kernel with the test initramfs
# under Keel and under QEMU (-M pc, the same accelerator, kernel, initrd
# and command line) and runs the initramfs's "workload" case in the guest:
# busybox sha256sum over 64 MiB generated in the guest (dd from /dev/zero)
# and a shell loop of 100,000 iterations. The guest times each step itself
# (/proc/uptime, 10 ms steps); this script boots the emulators round
# robin and prints the median over --runs boots per emulator and the
# Keel/QEMU ratio, of the guest's times and of the emulator's CPU time
# (user+sys) over each step, and checks that the guest's answers are
# right (the hash of 64 MiB of zeroes, the loop's count). On a loaded
# host compare the CPU times: the guest's clock also counts the time the
# emulator waits for a host CPU.
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
. "$src/tests/guest/linux-guest.sh"
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
    kernel=$(linux_guest_kernel)
    [ -n "$kernel" ] || die "no /boot/vmlinuz-* (give --kernel)"
fi
[ -r "$kernel" ] || die "--kernel: cannot read '$kernel'"
initrd=$(linux_guest_initrd "$build" "$kernel") || die "tests/guest/mkinitrd.sh failed"

append="$LINUX_GUEST_APPEND keel.test=workload"
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

# One boot: prints "sha256-s loop-s sha256-cpu loop-cpu" or fails with the
# reason. The CPU times are the emulator process's user+sys (all threads,
# /proc/PID/stat) between the serial lines that start and end each step
# (KEEL-INIT-READY, "workload: sha256", "workload: loop"), sampled as the
# lines arrive: unlike the guest's clock they do not grow when other host
# processes take the CPU away.
one_run() {
    local bin=$1 log=$2 s l pid line t0= t1= t2= st tck deadline timedout left rc
    tck=$(getconf CLK_TCK)
    rm -f "$log.fifo"
    mkfifo "$log.fifo" || { echo "mkfifo failed"; return 1; }
    "$bin" "${common[@]}" </dev/null >"$log.fifo" 2>&1 &
    pid=$!
    deadline=$((SECONDS + timeout))
    timedout=
    while :; do
        left=$((deadline - SECONDS))
        [ "$left" -gt 0 ] || { timedout=1; break; }
        IFS= read -r -t "$left" line
        rc=$?
        [ "$rc" -gt 128 ] && { timedout=1; break; }
        [ "$rc" -ne 0 ] && [ -z "$line" ] && break
        printf '%s\n' "$line"
        case "$line" in
            KEEL-INIT-READY*|"workload: sha256"*|"workload: loop"*)
                read -r -a st <"/proc/$pid/stat" 2>/dev/null || continue
                case "$line" in
                    KEEL*) t0=$((st[13] + st[14])) ;;
                    *sha256*) t1=$((st[13] + st[14])) ;;
                    *) t2=$((st[13] + st[14])) ;;
                esac ;;
        esac
    done <"$log.fifo" >"$log"
    if [ -n "$timedout" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid"
        rm -f "$log.fifo"
        echo "timed out after ${timeout}s (see $log)"
        return 1
    fi
    wait "$pid" || { echo "exit status $? (see $log)"; rm -f "$log.fifo"; return 1; }
    rm -f "$log.fifo"
    tr -d '\r' <"$log" >"$log.txt"
    grep -q "^workload: sha256 $want_sha\$" "$log.txt" || { echo "wrong or no sha256"; return 1; }
    grep -q "^workload: loop 100000\$" "$log.txt" || { echo "wrong or no loop count"; return 1; }
    s=$(awk '$1 == "KEEL-TIME:" && $2 == "sha256-64m" { print $3 }' "$log.txt")
    l=$(awk '$1 == "KEEL-TIME:" && $2 == "loop-100k" { print $3 }' "$log.txt")
    [ -n "$s" ] && [ -n "$l" ] || { echo "no KEEL-TIME lines"; return 1; }
    [ -n "$t0" ] && [ -n "$t1" ] && [ -n "$t2" ] || { echo "no CPU time samples"; return 1; }
    echo "$s $l $(awk -v a="$t0" -v b="$t1" -v c="$t2" -v t="$tck" \
                  'BEGIN { printf "%.2f %.2f", (b - a) / t, (c - b) / t }')"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
minimum() { sort -g | head -n 1; }

# Round robin (run 1 of each emulator, then run 2 ...): the host's load
# drifts, and this shares the drift between them.
cols=(sha loop shacpu loopcpu)
declare -A med
for e in "${emus[@]}"; do
    for c in "${cols[@]}"; do
        : >"$tmp/${e%%=*}.$c"
    done
done
for i in $(seq 1 "$runs"); do
    for e in "${emus[@]}"; do
        name=${e%%=*}
        bin=${e#*=}
        if r=$(one_run "$bin" "$tmp/$name.$i.log"); then
            read -r -a v <<<"$r"
            for k in 0 1 2 3; do
                echo "${v[$k]}" >>"$tmp/$name.${cols[$k]}"
            done
            echo "# $name run $i: sha256 64 MiB ${v[0]} s (cpu ${v[2]} s)," \
                 "loop 100k ${v[1]} s (cpu ${v[3]} s)"
        else
            echo "# $name run $i failed: $r" >&2
            cp "$tmp/$name.$i.log" "/tmp/linux-workload-$name-$i.log" 2>/dev/null &&
                echo "# kept as /tmp/linux-workload-$name-$i.log" >&2
        fi
    done
done
declare -A low
for e in "${emus[@]}"; do
    name=${e%%=*}
    for c in "${cols[@]}"; do
        med[$name.$c]=$(median <"$tmp/$name.$c")
        low[$name.$c]=$(minimum <"$tmp/$name.$c")
    done
done

ratio() {
    [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" \
        'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }' || echo "n/a"
}
printf '%-10s %14s %14s %14s %14s\n' "" "sha256 (s)" "sha256 cpu(s)" "loop (s)" "loop cpu(s)"
for e in "${emus[@]}"; do
    name=${e%%=*}
    printf '%-10s %14s %14s %14s %14s\n' "$name" "${med[$name.sha]:-failed}" \
        "${med[$name.shacpu]:-failed}" "${med[$name.loop]:-failed}" "${med[$name.loopcpu]:-failed}"
done
if [ -n "${med[qemu.sha]+x}" ]; then
    printf '%-10s %14s %14s %14s %14s\n' "keel/qemu" \
        "$(ratio "${med[keel.sha]}" "${med[qemu.sha]}")" \
        "$(ratio "${med[keel.shacpu]}" "${med[qemu.shacpu]}")" \
        "$(ratio "${med[keel.loop]}" "${med[qemu.loop]}")" \
        "$(ratio "${med[keel.loopcpu]}" "${med[qemu.loopcpu]}")"
    # The fastest runs: on a host whose speed drifts, the least disturbed.
    printf '%-10s %14s %14s %14s %14s\n' "(minimums)" \
        "$(ratio "${low[keel.sha]}" "${low[qemu.sha]}")" \
        "$(ratio "${low[keel.shacpu]}" "${low[qemu.shacpu]}")" \
        "$(ratio "${low[keel.loop]}" "${low[qemu.loop]}")" \
        "$(ratio "${low[keel.loopcpu]}" "${low[qemu.loopcpu]}")"
fi
echo "(medians, and the ratio of the fastest runs; (s): in-guest time from /proc/uptime,"
echo " cpu(s): the emulator's user+sys over the step, from /proc/PID/stat; lower is better)"
