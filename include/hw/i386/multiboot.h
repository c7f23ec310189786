/*
 * multiboot.h: loading Multiboot 1 kernels (-kernel with a multiboot
 * header, modules from -initrd) as pure functions that parse the file and
 * build a boot plan (x86-linux-boot.h); the machine copies the pieces into
 * guest RAM and starts the CPU in flat 32-bit protected mode.
 */
#ifndef HW_I386_MULTIBOOT_H
#define HW_I386_MULTIBOOT_H

#include "hw/i386/x86-linux-boot.h"

#define MULTIBOOT_HEADER_MAGIC      0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC  0x2BADB002
#define MULTIBOOT_SEARCH            8192

#define MULTIBOOT_PAGE_ALIGN        (1 << 0)
#define MULTIBOOT_MEMORY_INFO       (1 << 1)
#define MULTIBOOT_VIDEO_MODE        (1 << 2)
#define MULTIBOOT_AOUT_KLUDGE       (1 << 16)

/* multiboot_info flags this loader provides (as QEMU does). */
#define MBI_FLAG_MEMORY     (1 << 0)
#define MBI_FLAG_BOOTDEV    (1 << 1)
#define MBI_FLAG_CMDLINE    (1 << 2)
#define MBI_FLAG_MODS       (1 << 3)
#define MBI_FLAG_MMAP       (1 << 6)
#define MBI_FLAG_LOADER     (1 << 9)

#define MBI_SIZE            88
#define MB_MOD_SIZE         16
#define MB_MMAP_ENTRY_SIZE  24   /* size field (20) + base, length, type */
/*
 * The memory map and multiboot_info in low memory where QEMU's multiboot
 * option ROM puts them (the guest sees both addresses): the map at 0x9000,
 * up to 0x500 bytes, the info right after.
 */
#define MULTIBOOT_MMAP_ADDR 0x9000
#define MULTIBOOT_MMAP_MAX  0x500
#define MULTIBOOT_INFO_ADDR (MULTIBOOT_MMAP_ADDR + MULTIBOOT_MMAP_MAX)

typedef struct MultibootKernel {
    const uint8_t *file;
    size_t file_size;
    size_t header_offset;
    uint32_t flags;
    /* The header asks for a video mode; QEMU only warns ("multiboot knows
     * VBE. we don't") and so should the caller. */
    bool wants_video;
    /* Required-feature bits (3-15) this loader does not implement; QEMU
     * ignores them, the caller may warn. */
    uint32_t unsupported_flags;
    X86ElfSegment segments[X86_ELF_MAX_SEGMENTS];
    unsigned nr_segments;
    uint32_t entry;
    uint64_t kernel_end;        /* end of the highest segment, with its bss */
} MultibootKernel;

/**
 * multiboot_probe: - whether the first 8192 bytes hold a multiboot header
 * with a valid checksum (QEMU tries multiboot for any file without "HdrS").
 */
bool multiboot_probe(const uint8_t *file, size_t size);

/**
 * multiboot_parse: - find and validate the header, then the ELF32 program
 * headers or, with flag 16, the a.out kludge addresses. file must outlive
 * out and the plan. Messages follow QEMU's where it has one.
 */
bool multiboot_parse(const uint8_t *file, size_t size, MultibootKernel *out,
                     Error **errp);

/**
 * multiboot_split_modules: - split an -initrd value into module specs:
 * comma-separated, ",," standing for a comma inside a spec (QEMU's option
 * escaping). Each spec is "FILE [ARGS]": FILE is read, the whole spec is
 * the module's command line. Empty specs are dropped. g_strfreev() it.
 */
char **multiboot_split_modules(const char *initrd);

/* The file name of a module spec: up to the first space (g_free it). */
char *multiboot_module_path(const char *spec);

/**
 * multiboot_setup: - plan the boot as QEMU lays it out: the kernel's
 * segments; after them, page aligned, the module list and the strings
 * ("multiboot strings"); then each module page aligned at mod_addrs[i]
 * (the caller copies mod_sizes[i] bytes of module i there); the
 * multiboot_info at MULTIBOOT_INFO_ADDR and the memory map from
 * layout->e820 at MULTIBOOT_MMAP_ADDR ("multiboot mmap"). The kernel's command line is
 * "<kernel_path> <append>", as QEMU passes it. EAX/EBX are set as the
 * specification says.
 */
bool multiboot_setup(const MultibootKernel *k, const X86BootLayout *layout,
                     const char *kernel_path, const char *append,
                     char *const *mod_specs, const size_t *mod_sizes,
                     unsigned nr_mods, uint64_t *mod_addrs, X86BootPlan *plan,
                     Error **errp);

#endif
