# linux-guest.sh: sourced by the shell scripts that boot Debian's kernel
# with the test initramfs (bench/boot.sh, bench/linux-workload.sh,
# bench/qmp.sh, scripts/demo.sh): which kernel, its initramfs, and
# shared/GUEST-NOTES.md's fast-boot command line.
# tests/functional/linuxguest.py is the same for the Python tests.

# The command line without keel.test= (the scripts add the case they run).
LINUX_GUEST_APPEND="console=ttyS0 quiet panic=-1 8250.nr_uarts=1 i8042.noaux \
i8042.nomux i8042.nopnp i8042.dumbkbd tsc=reliable no_timer_check \
cryptomgr.notests random.trust_cpu=on"

# The newest /boot/vmlinuz-* (the one mkinitrd.sh takes modules for);
# prints nothing when there is none.
linux_guest_kernel() {
    ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1
}

# linux_guest_initrd BUILD KERNEL: builds (or reuses) mkinitrd.sh's image
# for KERNEL under BUILD/tests/guest and prints its path.
linux_guest_initrd() {
    KVER=${2##*/vmlinuz-} bash "$(dirname "${BASH_SOURCE[0]}")/mkinitrd.sh" "$1/tests/guest"
}
