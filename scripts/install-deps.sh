#!/usr/bin/env bash
# Install the Debian packages that Keel's build and tests need.
# Does nothing when they are all present, so the make targets can call it on
# every run. Needs root (or sudo) only when something is missing.
set -eu

build_pkgs="gcc libglib2.0-dev libpixman-1-dev libslirp-dev zlib1g-dev liblzma-dev
libcapstone-dev libfdt-dev meson ninja-build pkg-config python3"
test_pkgs="busybox-static linux-image-amd64 qemu-utils qemu-system-x86 cpio
clang libclang-rt-14-dev
acpica-tools binutils"

missing=()
for p in $build_pkgs $test_pkgs; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"ok installed") ;;
        *) missing+=("$p") ;;
    esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
        echo "install-deps: need root to install: ${missing[*]}" >&2
        exit 1
    }
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
