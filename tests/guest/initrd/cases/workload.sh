# workload: in-guest timings for bench/linux-workload.sh. Each step is
# timed with /proc/uptime (guest time, 10 ms steps) and printed as
# "KEEL-TIME: name seconds"; the sha256 line lets the bench check the work.
uptime_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }

timed() {
    name=$1
    shift
    t0=$(uptime_cs)
    "$@"
    t1=$(uptime_cs)
    echo "KEEL-TIME: $name $(( (t1 - t0) / 100 )).$(printf %02d $(( (t1 - t0) % 100 )))"
}

sha64() {
    sum=$(dd if=/dev/zero bs=1M count=64 2>/dev/null | sha256sum)
    echo "workload: sha256 ${sum%% *}"
}

loop100k() {
    i=0
    while [ $i -lt 100000 ]; do i=$((i + 1)); done
    echo "workload: loop $i"
}

run() {
    timed sha256-64m sha64
    timed loop-100k loop100k
}
