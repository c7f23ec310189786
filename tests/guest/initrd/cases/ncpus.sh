# ncpus: how many CPUs the guest kernel brought up (follows -smp).
run() { echo "ncpus: $(grep -c '^processor' /proc/cpuinfo)"; }
