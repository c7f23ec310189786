#!/usr/bin/env bash
# make demo: boot the default guest (Debian's kernel + the busybox
# initramfs of tests/guest/mkinitrd.sh) to an interactive shell on this
# terminal, under KVM when the host's KVM can run Linux and under TCG
# otherwise (saying why in one line). A KVM that this script cannot rule
# out but that fails on Linux is handled by Keel itself: -accel kvm:tcg
# prints one line and restarts the guest under TCG (docs/system/
# invocation.md). The checks below only spare that detour (~1 minute of
# KVM's instruction emulator on a PVM host before it gives up).
# "poweroff -f" in the guest, or Ctrl-a x, ends it.
# Usage: scripts/demo.sh [BUILD_DIR]   (default build)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build=$PWD/$build ;; esac
qemu="$build/qemu-system-x86_64"

die() {
    echo "demo: $*" >&2
    exit 1
}

[ -x "$qemu" ] || die "$qemu is not built (run 'make')"
"$qemu" --version | head -n 1

. "$src/tests/guest/linux-guest.sh"
kernel=$(linux_guest_kernel)
[ -n "$kernel" ] ||
    die "no Debian kernel in /boot (scripts/install-deps.sh installs linux-image-amd64)"
[ -r "$kernel" ] || die "$kernel is not readable (try as root, or chmod a+r it)"
initrd=$(linux_guest_initrd "$build" "$kernel") ||
    die "building the initramfs failed (tests/guest/mkinitrd.sh)"

# Which accelerator can run Linux here. A KVM without hardware
# virtualization (shared/HOST-KVM.md: the kvm_pvm module emulates guest
# ring 0 at ~2 MIPS and stops Linux with an emulation failure) cannot.
accels=$("$qemu" -accel help 2>/dev/null)
why_not_kvm=
if ! echo "$accels" | grep -qx kvm; then
    why_not_kvm="this build has no KVM"
elif [ ! -e /dev/kvm ]; then
    why_not_kvm="no /dev/kvm"
elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    why_not_kvm="/dev/kvm is not accessible to $(id -un)"
elif [ -d /sys/module/kvm_pvm ]; then
    why_not_kvm="the host's KVM is PVM (kvm_pvm), which cannot run Linux's kernel"
elif ! grep -qw -e vmx -e svm /proc/cpuinfo; then
    why_not_kvm="the CPU has no hardware virtualization (vmx/svm)"
fi

append=$LINUX_GUEST_APPEND
if [ -z "$why_not_kvm" ]; then
    accel=kvm:tcg
    smp=2
    echo "demo: booting $kernel under KVM (Keel restarts it under TCG if KVM cannot run it)"
else
    echo "$accels" | grep -qx tcg || die "$why_not_kvm, and this build has no TCG"
    accel=tcg
    smp=1
    echo "demo: $why_not_kvm: booting $kernel under TCG (a few seconds)"
fi
echo "demo: 'poweroff -f' in the guest or Ctrl-a x ends the demo"
exec "$qemu" -accel "$accel" -M pc -m 512 -smp "$smp" -kernel "$kernel" \
    -initrd "$initrd" -append "$append" -nographic
