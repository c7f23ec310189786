#!/usr/bin/env bash
# make demo: boot the default guest (Debian's kernel + a busybox initramfs)
# with the best accelerator this host can run it on. Until the PC machine
# and an accelerator exist, say exactly what is missing instead.
set -u
build=${1:-build}
qemu="$build/qemu-system-x86_64"

if [ ! -x "$qemu" ]; then
    echo "demo: $qemu is not built (run 'make')" >&2
    exit 1
fi
"$qemu" --version | head -n 1

missing=()
"$qemu" -machine help 2>/dev/null | grep -qE '^pc ' || missing+=("the x86 PC machine (-M pc): issue 3")
accels=$("$qemu" -accel help 2>/dev/null)
echo "$accels" | grep -qx 'tcg' || missing+=("the TCG accelerator: issues 4-6")
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || missing+=("a Debian kernel in /boot (scripts/install-deps.sh installs linux-image-amd64)")
[ -x tests/guest/mkinitrd.sh ] || missing+=("the busybox initramfs builder tests/guest/mkinitrd.sh: issue 7")

if [ ${#missing[@]} -gt 0 ]; then
    echo "demo: Keel cannot boot the default guest yet. Missing:"
    for m in "${missing[@]}"; do echo "  - $m"; done
    echo "demo: what works today is listed in README.md; try:"
    echo "  $qemu -M pc -accel kvm -nographic -kernel $build/tests/guest/hello.elf -append hi \\"
    echo "      -device isa-debug-exit,iobase=0xf4,iosize=0x04   (a multiboot test kernel under KVM)"
    echo "  $qemu -M none -nographic      (human monitor on stdio: C-a c, then 'help'; C-a x quits)"
    exit 0
fi

initrd=$(tests/guest/mkinitrd.sh) || exit 1
accel=tcg
echo "$accels" | grep -qx 'kvm' && accel=kvm:tcg
exec "$qemu" -accel "$accel" -M pc -m 512 -smp 2 -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 quiet panic=-1" -nographic
