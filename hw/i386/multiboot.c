/*
 * multiboot.c: the Multiboot 1 loader (header search, ELF32 and a.out
 * kludge kernels, modules, multiboot_info with a memory map). The kernel
 * file is hostile: every address in the header is checked against the
 * file and the 32-bit address space. No guest memory is touched here.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/i386/multiboot.h"

/*
 * Offset of the first valid header, or -1. bad_checksum tells whether a
 * magic with a wrong checksum was seen, for a better message.
 */
static ssize_t multiboot_find(const uint8_t *f, size_t size, bool *bad_checksum)
{
    size_t limit = MIN(size, MULTIBOOT_SEARCH);

    *bad_checksum = false;
    /* the header is 32-bit aligned and its first three fields are needed */
    for (size_t i = 0; i + 12 <= limit; i += 4) {
        if (ldl_le_p(f + i) != MULTIBOOT_HEADER_MAGIC) {
            continue;
        }
        if ((uint32_t)(ldl_le_p(f + i) + ldl_le_p(f + i + 4) + ldl_le_p(f + i + 8)) == 0) {
            return i;
        }
        *bad_checksum = true;
    }
    return -1;
}

bool multiboot_probe(const uint8_t *file, size_t size)
{
    bool bad;

    return multiboot_find(file, size, &bad) >= 0;
}

static bool multiboot_parse_aout(const uint8_t *f, size_t size, MultibootKernel *k,
                                 Error **errp)
{
    size_t i = k->header_offset;
    uint32_t header_addr, load_addr, load_end, bss_end, entry;
    uint64_t text_offset, load_size, mem_size;

    if (i + 32 > size) {
        error_setg(errp, "multiboot header is truncated");
        return false;
    }
    header_addr = ldl_le_p(f + i + 12);
    load_addr = ldl_le_p(f + i + 16);
    load_end = ldl_le_p(f + i + 20);
    bss_end = ldl_le_p(f + i + 24);
    entry = ldl_le_p(f + i + 28);

    if (header_addr < load_addr) {
        error_setg(errp, "invalid load_addr address");
        return false;
    }
    /* the header must lie inside the loaded text, at its file offset */
    if (header_addr - load_addr > i) {
        error_setg(errp, "invalid header_addr address");
        return false;
    }
    text_offset = i - (header_addr - load_addr);
    if (load_end) {
        if (load_end < load_addr || load_end - load_addr > size - text_offset) {
            error_setg(errp, "invalid load_end_addr address");
            return false;
        }
        load_size = load_end - load_addr;
    } else {
        load_size = size - text_offset;
    }
    if (load_size > (1ULL << 32) - load_addr) {
        error_setg(errp, "kernel does not fit in address space");
        return false;
    }
    mem_size = load_size;
    if (bss_end) {
        if (bss_end < load_addr + load_size) {
            error_setg(errp, "invalid bss_end_addr address");
            return false;
        }
        mem_size = bss_end - load_addr;
    }
    if (entry < load_addr || entry - load_addr >= MAX(mem_size, 1)) {
        error_setg(errp, "invalid entry_addr address");
        return false;
    }
    k->segments[0] = (X86ElfSegment){
        .paddr = load_addr, .offset = text_offset, .filesz = load_size,
        .memsz = mem_size,
    };
    k->nr_segments = 1;
    k->entry = entry;
    k->kernel_end = load_addr + mem_size;
    return true;
}

#define EM_386 3
#define PT_LOAD 1

static bool multiboot_parse_elf(const uint8_t *f, size_t size, MultibootKernel *k,
                                Error **errp)
{
    uint32_t phoff, entry;
    unsigned phnum;
    uint64_t entry64;
    X86ElfSegment seg;

    if (size < 52 || memcmp(f, "\x7f" "ELF", 4)) {
        error_setg(errp, "multiboot kernel is not ELF and has no a.out kludge");
        return false;
    }
    if (f[4] == 2) {
        error_setg(errp, "Cannot load x86-64 image, give a 32bit one.");
        return false;
    }
    if (f[4] != 1 || f[5] != 1 || lduw_le_p(f + 18) != EM_386) {
        error_setg(errp, "multiboot kernel is not an i386 ELF file");
        return false;
    }
    entry = ldl_le_p(f + 24);
    phoff = ldl_le_p(f + 28);
    phnum = lduw_le_p(f + 44);
    if (lduw_le_p(f + 42) != 32 || phoff > size || phnum > (size - phoff) / 32) {
        error_setg(errp, "invalid ELF program headers");
        return false;
    }
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = f + phoff + i * 32;
        uint32_t off = ldl_le_p(ph + 4), vaddr = ldl_le_p(ph + 8), paddr = ldl_le_p(ph + 12);
        uint32_t filesz = ldl_le_p(ph + 16), memsz = ldl_le_p(ph + 20);

        if (ldl_le_p(ph) != PT_LOAD || !memsz) {
            continue;
        }
        if (off > size || filesz > size - off) {
            error_setg(errp, "ELF segment %u extends beyond the end of the file", i);
            return false;
        }
        if (filesz > memsz || memsz > (1ULL << 32) - paddr) {
            error_setg(errp, "invalid ELF segment %u", i);
            return false;
        }
        seg = (X86ElfSegment){
            .paddr = paddr, .vaddr = vaddr, .offset = off,
            .filesz = filesz, .memsz = memsz,
        };
        if (!x86_elf_add_segment(k->segments, &k->nr_segments, &seg, errp)) {
            return false;
        }
        k->kernel_end = MAX(k->kernel_end, (uint64_t)paddr + memsz);
    }
    if (!k->nr_segments) {
        error_setg(errp, "ELF kernel has nothing to load");
        return false;
    }
    if (!x86_elf_entry_paddr(k->segments, k->nr_segments, entry, &entry64)) {
        error_setg(errp, "ELF entry point 0x%" PRIx32 " is outside the kernel", entry);
        return false;
    }
    /* a 32-bit kernel's segments all lie below 4 GiB (checked above) */
    k->entry = (uint32_t)entry64;
    return true;
}

bool multiboot_parse(const uint8_t *file, size_t size, MultibootKernel *out,
                     Error **errp)
{
    bool bad_checksum;
    ssize_t at = multiboot_find(file, size, &bad_checksum);

    memset(out, 0, sizeof(*out));
    out->file = file;
    out->file_size = size;
    if (at < 0) {
        error_setg(errp, bad_checksum ? "multiboot header has a bad checksum"
                                      : "no multiboot header in the first 8192 bytes");
        return false;
    }
    out->header_offset = at;
    out->flags = ldl_le_p(file + at + 4);
    out->wants_video = out->flags & MULTIBOOT_VIDEO_MODE;
    /*
     * Bits 0-15 are requirements the specification says a loader must
     * refuse when it lacks them, but QEMU boots such kernels regardless;
     * do the same and let the caller warn.
     */
    out->unsupported_flags = out->flags & 0xffff &
        ~(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_VIDEO_MODE);
    if (out->flags & MULTIBOOT_AOUT_KLUDGE) {
        return multiboot_parse_aout(file, size, out, errp);
    }
    return multiboot_parse_elf(file, size, out, errp);
}

char **multiboot_split_modules(const char *initrd)
{
    GPtrArray *mods = g_ptr_array_new();
    GString *cur = g_string_new(NULL);

    for (const char *p = initrd ? initrd : ""; ; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || !*p) {
            if (cur->len) {
                g_ptr_array_add(mods, g_strdup(cur->str));
            }
            g_string_truncate(cur, 0);
            if (!*p) {
                break;
            }
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_string_free(cur, true);
    g_ptr_array_add(mods, NULL);
    return (char **)g_ptr_array_free(mods, false);
}

char *multiboot_module_path(const char *spec)
{
    const char *sp = strchr(spec, ' ');

    return sp ? g_strndup(spec, sp - spec) : g_strdup(spec);
}

/* Contiguous RAM from 1 MiB, in KiB: what mem_upper means. */
static uint32_t multiboot_mem_upper(const X86BootLayout *layout)
{
    const E820Table *t = layout->e820;

    if (!t) {
        return layout->below_4g_mem_size > MiB ?
               (layout->below_4g_mem_size - MiB) / KiB : 0;
    }
    for (unsigned i = 0; i < t->count; i++) {
        const E820Entry *e = &t->entries[i];

        if (e->type == E820_RAM && e->addr <= MiB && e->addr + e->size > MiB) {
            return MIN((e->addr + e->size - MiB) / KiB, UINT32_MAX);
        }
    }
    return 0;
}

bool multiboot_setup(const MultibootKernel *k, const X86BootLayout *layout,
                     const char *kernel_path, const char *append,
                     char *const *mod_specs, const size_t *mod_sizes,
                     unsigned nr_mods, uint64_t *mod_addrs, X86BootPlan *plan,
                     Error **errp)
{
    uint64_t ceiling = x86_boot_initrd_ceiling(layout);
    unsigned n_e820 = layout->e820 ? layout->e820->count : 0;
    uint64_t mmap_len = (uint64_t)n_e820 * MB_MMAP_ENTRY_SIZE;
    uint64_t low, pos, buf_addr, mods_addr;
    g_autofree char *cmdline = NULL;
    GByteArray *buf;
    uint8_t *mbi, *mmap;
    uint32_t name_addr, cmdline_addr;

    x86_boot_plan_init(plan);
    if (mmap_len > MULTIBOOT_MMAP_MAX) {
        error_setg(errp, "too many e820 entries (%u) for multiboot", n_e820);
        return false;
    }
    if (!x86_boot_put_elf_segments(plan, k->file, k->segments, k->nr_segments,
                                   ceiling, "kernel segment", errp)) {
        return false;
    }

    /*
     * QEMU's layout, which the guest sees through every address in the
     * info: after the page-aligned kernel image, the module list, the
     * module command lines, the kernel's, the loader name; then each
     * module page aligned (offsets counted from the kernel's load address,
     * as QEMU's one buffer does). mods_addr points at the list even when
     * it is empty.
     */
    low = k->kernel_end;
    for (unsigned i = 0; i < k->nr_segments; i++) {
        low = MIN(low, k->segments[i].paddr);
    }
    buf_addr = low + QEMU_ALIGN_UP(k->kernel_end - low, 4096);
    mods_addr = buf_addr;
    /* sized: data is never NULL, even with no modules */
    buf = g_byte_array_sized_new(nr_mods * MB_MOD_SIZE + 256);
    g_byte_array_set_size(buf, nr_mods * MB_MOD_SIZE);
    memset(buf->data, 0, buf->len);
    for (unsigned i = 0; i < nr_mods; i++) {
        stl_le_p(buf->data + i * MB_MOD_SIZE + 8, buf_addr + buf->len);
        g_byte_array_append(buf, (uint8_t *)mod_specs[i], strlen(mod_specs[i]) + 1);
    }
    cmdline = g_strdup_printf("%s %s", kernel_path ? kernel_path : "",
                              append ? append : "");
    cmdline_addr = buf_addr + buf->len;
    g_byte_array_append(buf, (uint8_t *)cmdline, strlen(cmdline) + 1);
    name_addr = buf_addr + buf->len;
    g_byte_array_append(buf, (const uint8_t *)"qemu", 5);
    pos = low + QEMU_ALIGN_UP(buf_addr + buf->len - low, 4096);
    for (unsigned i = 0; i < nr_mods; i++) {
        uint8_t *m = buf->data + i * MB_MOD_SIZE;

        if (mod_sizes[i] > ceiling || pos > ceiling - mod_sizes[i]) {
            g_byte_array_free(buf, true);
            error_setg(errp, "multiboot modules do not fit in guest RAM "
                       "(module %u, %zu bytes)", i, mod_sizes[i]);
            return false;
        }
        mod_addrs[i] = pos;
        stl_le_p(m, pos);
        stl_le_p(m + 4, pos + mod_sizes[i]);
        pos = low + QEMU_ALIGN_UP(pos + mod_sizes[i] - low, 4096);
    }
    if (buf->len > ceiling || buf_addr > ceiling - buf->len) {
        g_byte_array_free(buf, true);
        error_setg(errp, "multiboot command lines do not fit in guest RAM");
        return false;
    }
    {
        size_t len = buf->len;

        if (!x86_boot_plan_add(plan, "multiboot strings", buf_addr,
                               g_byte_array_free(buf, false), len, 0, true, errp)) {
            return false;
        }
    }

    mbi = g_malloc0(MBI_SIZE);
    stl_le_p(mbi, MBI_FLAG_MEMORY | MBI_FLAG_BOOTDEV | MBI_FLAG_CMDLINE | MBI_FLAG_MODS |
              MBI_FLAG_MMAP | MBI_FLAG_LOADER);
    stl_le_p(mbi + 4, 640);                             /* mem_lower, KiB */
    stl_le_p(mbi + 8, multiboot_mem_upper(layout));
    stl_le_p(mbi + 12, 0x8000ffff);                     /* boot_device: first disk */
    stl_le_p(mbi + 16, cmdline_addr);
    stl_le_p(mbi + 20, nr_mods);
    stl_le_p(mbi + 24, mods_addr);
    stl_le_p(mbi + 44, mmap_len);
    stl_le_p(mbi + 48, MULTIBOOT_MMAP_ADDR);
    stl_le_p(mbi + 64, name_addr);
    if (!x86_boot_plan_add(plan, "multiboot info", MULTIBOOT_INFO_ADDR, mbi,
                           MBI_SIZE, 0, true, errp)) {
        return false;
    }
    mmap = g_malloc0(mmap_len);
    for (unsigned i = 0; i < n_e820; i++) {
        uint8_t *e = mmap + i * MB_MMAP_ENTRY_SIZE;

        /* size excludes itself: the mmap walker adds 4 */
        stl_le_p(e, MB_MMAP_ENTRY_SIZE - 4);
        e820_entry_store(e + 4, &layout->e820->entries[i]);
    }
    if (!x86_boot_plan_add(plan, "multiboot mmap", MULTIBOOT_MMAP_ADDR, mmap,
                           mmap_len, 0, true, errp)) {
        return false;
    }

    x86_boot_put_flat_gdt(plan, false);
    /* QEMU's multiboot ROM never loads TR: the guest finds (STR) the reset
     * value, selector 0, limit ffff, not the boot GDT's TSS. */
    plan->cpu.tr = (X86BootSegment){ .limit = 0xffff, .type = 0xb,
                                     .present = 1 };
    plan->cpu.mode = X86_BOOT_PROT32;
    plan->cpu.rip = k->entry;
    plan->cpu.rax = MULTIBOOT_BOOTLOADER_MAGIC;
    plan->cpu.rbx = MULTIBOOT_INFO_ADDR;
    return true;
}
