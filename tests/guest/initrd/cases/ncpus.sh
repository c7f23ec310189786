# ncpus: how many CPUs the guest kernel brought up (follows -smp), and
# whether they agree on the MTRRs the board left (Linux enables PAT only
# when MTRRs are on, and complains when the APs differ from the BSP).
run() {
    echo "ncpus: $(grep -c '^processor' /proc/cpuinfo)"
    echo "pat: $(dmesg | grep -c 'x86/PAT: Configuration \[0-7\]: WB  WC')"
    echo "mtrr-inconsistent: $(dmesg | grep -c 'mtrr: your CPUs had inconsistent')"
}
