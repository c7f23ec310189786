# tick: sets the RTC from the system clock once (QMP's RTC_CHANGE), then
# prints "KEEL-TICK n" every 0.2 s, so that a test can see the guest run,
# stop (QMP stop) and run again (cont); and does what acpid does on a
# distribution: when the ACPI power button is pressed (QMP system_powerdown
# sets PWRBTN_STS in PM1) it powers off. The ACPI core shows the fixed
# event's status in sysfs ("STS") even with no button driver loaded.
run() {
    f=/sys/firmware/acpi/interrupts/ff_pwr_btn
    [ -r "$f" ] || echo "KEEL-TICK: no $f"
    hwclock -w -u || echo "KEEL-TICK: hwclock failed"
    i=0
    while :; do
        echo "KEEL-TICK $i"
        if [ -r "$f" ] && grep -q STS "$f"; then
            echo KEEL-PWRBTN-PRESSED
            return 0
        fi
        i=$((i + 1))
        sleep 0.2
    done
}
finish() { poweroff -f; }
