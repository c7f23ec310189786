# pci: the PCI functions the guest kernel found, one line each
# (slot vendor device class revision, sorted), then whether dmesg still
# says the kernel had no way to reach configuration space.
run() {
    for d in /sys/bus/pci/devices/*; do
        [ -e "$d/vendor" ] || continue
        echo "PCI-DEV ${d##*/} $(cat "$d/vendor") $(cat "$d/device")" \
             "$(cat "$d/class") $(cat "$d/revision")"
    done | sort
    if dmesg | grep -q "No config space access function found"; then
        echo "PCI-NO-ACCESS"
    fi
    echo "PCI-DONE"
}
