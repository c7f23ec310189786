#!/usr/bin/env bash
# Build the busybox-static initramfs (cpio newc, gzip) for Linux guest tests:
# busybox + applet links, /init and /cases from initrd/, and the virtio
# modules of the installed Debian kernel with their dependencies.
# Usage: mkinitrd.sh [OUTDIR]  (default build/tests/guest); prints the path.
# Rebuilds only when an input changed (hash in OUTDIR/initrd.stamp).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:-$here/../../build/tests/guest}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
out=$outdir/initrd.cpio.gz
busybox=${BUSYBOX:-/bin/busybox}

# The kernel whose modules we ship: KVER, else the newest /boot/vmlinuz-*.
if [ -z "${KVER:-}" ]; then
    kimg=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
    [ -n "$kimg" ] || { echo "mkinitrd: no /boot/vmlinuz-*" >&2; exit 1; }
    KVER=${kimg#/boot/vmlinuz-}
fi
moddir=/lib/modules/$KVER
[ -f "$moddir/modules.dep" ] || { echo "mkinitrd: no $moddir/modules.dep" >&2; exit 1; }
[ -x "$busybox" ] || { echo "mkinitrd: no $busybox (busybox-static)" >&2; exit 1; }

# GUEST-NOTES.md's order; modules.dep supplies anything they need first.
wanted="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
virtio_pci virtio_blk failover net_failover virtio_net virtio_mmio
virtio_console virtio-rng virtio_balloon virtio_scsi sd_mod"

# Path (relative to $moddir) of a module by name; '-' and '_' are the same.
mod_path() {
    local n=${1//-/_}
    awk -F: -v n="$n" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko(\.(xz|zst|gz))?$/, "", b);
                         gsub(/-/, "_", b); if (b == n) { print $1; exit } }' \
        "$moddir/modules.dep"
}

# Load order: each module's dependency list (already the full closure in
# modules.dep) in reverse, as modprobe does, then the module itself.
order=()
have() { local m; for m in "${order[@]}"; do [ "$m" = "$1" ] && return 0; done; return 1; }
for name in $wanted; do
    p=$(mod_path "$name")
    [ -n "$p" ] || { echo "mkinitrd: module $name not in $moddir" >&2; exit 1; }
    deps=$(grep "^$p:" "$moddir/modules.dep" | cut -d: -f2)
    rev=()
    for d in $deps; do rev=("$d" "${rev[@]}"); done
    for d in "${rev[@]}" "$p"; do
        have "$d" || order+=("$d")
    done
done

# Tests running in parallel build into the same OUTDIR: one at a time;
# whoever waited then finds the stamp current and reuses the image.
exec 9>"$outdir/initrd.lock"
flock 9

# Everything the image depends on goes into the stamp.
stamp=$( {
    sha256sum "$0" "$busybox"
    find "$here/initrd" -type f | sort | xargs sha256sum
    echo "$KVER"
    for m in "${order[@]}"; do sha256sum "$moddir/$m"; done
} | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$outdir/initrd.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$out"
    exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,cases,lib/modules}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
install -m 0755 "$here/initrd/init" "$root/init"
cp "$here"/initrd/cases/*.sh "$root/cases/"

# The insn-fuzz case's program: static, and without the stack protector
# (its worker runs on after random code may have moved FS, the canary's base).
if ! ${CC:-cc} -static -O2 -fno-stack-protector -o "$root/bin/insn-fuzz" \
        "$here/initrd/insn-fuzz.c" 2>"$root/cc.log"; then
    echo "mkinitrd: warning: insn-fuzz not built (no static libc?): $(head -n 1 "$root/cc.log")" >&2
fi
rm -f "$root/cc.log"

# The sha256 case checks its hash against this one, made by the same
# busybox on the host (awk's srand/rand are part of the static binary).
"$busybox" awk 'BEGIN { srand(42); for (i = 0; i < 65536; i++)
    printf "%04x%04x\n", int(rand() * 65536), int(rand() * 65536) }' |
    sha256sum | cut -d' ' -f1 >"$root/cases/sha256.expected"

# busybox insmod takes only plain .ko: decompress what the kernel ships packed.
: >"$root/lib/modules/load-order"
for m in "${order[@]}"; do
    base=$(basename "$m")
    case "$base" in
        *.ko.xz)  xz -dc "$moddir/$m" >"$root/lib/modules/${base%.xz}" ;;
        *.ko.zst) zstd -qdc "$moddir/$m" >"$root/lib/modules/${base%.zst}" ;;
        *.ko.gz)  gzip -dc "$moddir/$m" >"$root/lib/modules/${base%.gz}" ;;
        *)        cp "$moddir/$m" "$root/lib/modules/$base" ;;
    esac
    echo "${base%.ko*}.ko" >>"$root/lib/modules/load-order"
done

# Reproducible archive: fixed owner and times, sorted names, gzip -n.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) |
    gzip -n -9 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$stamp" >"$outdir/initrd.stamp"
echo "$out"
