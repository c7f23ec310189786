# smpwork: every CPU the kernel brought up really runs code. Prints how
# many CPUs are online and how many distinct APIC IDs /proc/cpuinfo shows,
# then starts one worker pinned to each CPU (taskset), all at once; each
# sums 1..20000 and reports the CPU it ran on (field 39 of its
# /proc/self/stat). A CPU that never took its SIPI, or whose IPIs (the
# scheduler's wake-ups, TLB shootdowns) get lost, leaves its worker
# missing or hung. The status is 0 when every worker answered right.
smp_worker() {
    sum=$(seq 1 20000 | awk '{ s += $1 } END { print s }')
    read -r stat </proc/self/stat
    # Fields after the command name: field 39 is the 37th of them.
    set -- ${stat##*) }
    shift 36
    echo "$sum $1"
}

run() {
    n=$(grep -c '^processor' /proc/cpuinfo)
    ids=$(grep '^apicid' /proc/cpuinfo | sort -u | wc -l)
    echo "smpwork: cpus $n"
    echo "smpwork: apicids $ids"
    i=0
    while [ $i -lt "$n" ]; do
        taskset -c $i sh -c ". /cases/smpwork.sh; smp_worker" >/tmp/smp.$i &
        i=$((i + 1))
    done
    wait
    ok=0
    i=0
    while [ $i -lt "$n" ]; do
        [ "$(cat /tmp/smp.$i)" = "200010000 $i" ] && ok=$((ok + 1))
        i=$((i + 1))
    done
    echo "smpwork: ok $ok"
    [ "$ok" -eq "$n" ] && [ "$ids" -eq "$n" ]
}
