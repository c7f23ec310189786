#!/usr/bin/env python3
"""test_pc_memory.py: where the pc machine's RAM comes from: -m with
maxmem=, -machine memory-backend= with a -object backend, -mem-path and
-mem-prealloc, and QEMU's errors for the wrong ones. The guest is the hello
multiboot kernel, whose memory map shows the RAM it was given. Prints TAP;
the cases that boot skip when /dev/kvm cannot be used."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import (PROG, Skip, expect_error, kvm_unusable, main,  # noqa
                      run, tests_of)

KDIR = os.path.join(os.environ.get("KEEL_BUILD_DIR", "build"), "tests",
                    "guest")
HELLO = os.path.join(KDIR, "hello.elf")
BOOT = ["-accel", "kvm", "-M", "pc", "-display", "none", "-monitor", "none",
        "-serial", "stdio", "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def boot(*args):
    """Run hello.elf with args; returns its stdout (it must exit 33)."""
    why = kvm_unusable()
    if why:
        raise Skip(why)
    if not os.path.exists(HELLO):
        raise Skip("hello.elf not built (ninja guest-kernels)")
    code, out, err = run(*BOOT, "-kernel", HELLO, *args)
    assert code == 33, (code, err)
    assert out.endswith("hello: done\n"), out
    return out


def upper_kib(out):
    """mem_upper from the multiboot info: KiB of RAM above 1 MiB."""
    for line in out.splitlines():
        if line.startswith("mem_upper: "):
            return int(line.split()[1])
    raise AssertionError(f"no mem_upper in {out!r}")


def test_m_sizes_the_ram(tmp):
    # mem_upper counts RAM from 1 MiB up to the first hole.
    assert upper_kib(boot("-m", "64")) == 64 * 1024 - 1024 - 128
    assert upper_kib(boot("-m", "256,maxmem=1G")) == 256 * 1024 - 1024 - 128


def test_memory_backend_gives_the_ram(tmp):
    out = boot("-object", "memory-backend-memfd,id=m,size=96M,share=on",
               "-machine", "memory-backend=m")
    assert upper_kib(out) == 96 * 1024 - 1024 - 128, out


def test_memory_backend_with_matching_m(tmp):
    boot("-m", "96", "-object", "memory-backend-ram,id=m,size=96M",
         "-machine", "memory-backend=m")


def test_memory_backend_size_mismatch(tmp):
    why = kvm_unusable()
    if why:
        raise Skip(why)
    expect_error(["-accel", "kvm", "-M", "pc", "-display", "none", "-m", "256",
                  "-object", "memory-backend-ram,id=m,size=128M",
                  "-machine", "memory-backend=m"],
                 "Machine memory size does not match the size of the memory "
                 "backend")


def test_memory_backend_missing(tmp):
    why = kvm_unusable()
    if why:
        raise Skip(why)
    expect_error(["-accel", "kvm", "-M", "pc", "-display", "none",
                  "-machine", "memory-backend=zz"],
                 "Memory backend 'zz' not found")


# The hotplug area for maxmem= (plus a GiB per slot) and the 2 GiB 64-bit
# PCI hole after it count against phys-bits (40 for qemu64), as in QEMU
# 7.2; an AMD vCPU then has it all moved above 1 TiB, out of reach.
INTEL = "qemu64,vendor=GenuineIntel,check=off"
AMD = "qemu64,vendor=AuthenticAMD,check=off"


def test_maxmem_within_phys_bits(tmp):
    # 4 GiB + 1017 GiB + 1 slot + 2 GiB ends exactly at 1 TiB.
    out = boot("-cpu", INTEL, "-m", "1G,maxmem=1018G,slots=1")
    assert "base 000000fd00000000" not in out, out


def phys_bits_error(cpu, m, limit):
    why = kvm_unusable()
    if why:
        raise Skip(why)
    expect_error(["-accel", "kvm", "-M", "pc", "-display", "none",
                  "-cpu", cpu, "-m", m],
                 f"Address space limit 0xffffffffff < {limit} "
                 "phys-bits too low (40)")


def test_maxmem_beyond_phys_bits(tmp):
    phys_bits_error(INTEL, "1G,maxmem=1019G,slots=1", "0x1003fffffff")


def test_maxmem_amd_moved_above_1t(tmp):
    phys_bits_error(AMD, "1G,maxmem=1018G,slots=1", "0x1feffffffff")


def test_mem_path_directory(tmp):
    # A directory gets an unlinked temporary file, as with hugetlbfs.
    boot("-m", "64", "-mem-path", tmp, "-mem-prealloc")
    assert os.listdir(tmp) == [], os.listdir(tmp)


def test_mem_path_file_is_sized(tmp):
    # A file path is created and sized to the RAM, and stays; the mapping
    # is private (share=off, as QEMU's -mem-path), so it holds no guest data.
    path = os.path.join(tmp, "ram")
    boot("-m", "64", "-mem-path", path)
    assert os.path.getsize(path) == 64 << 20


def test_mem_path_bad(tmp):
    why = kvm_unusable()
    if why:
        raise Skip(why)
    expect_error(["-accel", "kvm", "-M", "pc", "-display", "none",
                  "-mem-path", "/nonexistent/keel/ram"],
                 "can't open backing store /nonexistent/keel/ram for guest "
                 "RAM: No such file or directory")


if __name__ == "__main__":
    sys.exit(main(tests_of(globals()), "keel-mem-"))
