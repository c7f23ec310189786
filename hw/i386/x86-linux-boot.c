/*
 * x86-linux-boot.c: Linux direct boot for the PC without firmware. Parses a
 * bzImage or an ELF vmlinux (hostile input: every offset is checked) and
 * plans the boot: the 64-bit boot protocol, the 16-bit setup entry, PVH,
 * or a bzImage's vmlinux unpacked on the host (x86-linux-unpack.c).
 * Documentation/arch/x86/boot.rst and Xen's hvm_start_info are the specs.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/i386/x86-linux-boot.h"

/* ---- Boot plans ---- */

void x86_boot_plan_init(X86BootPlan *plan)
{
    memset(plan, 0, sizeof(*plan));
}

void x86_boot_plan_clear(X86BootPlan *plan)
{
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        if (plan->blobs[i].owned) {
            g_free((void *)plan->blobs[i].data);
        }
    }
    g_free(plan->vmlinux);
    x86_boot_plan_init(plan);
}

void x86_boot_plan_adopt_vmlinux(X86BootPlan *plan, X86LinuxKernel *k)
{
    if (!k->vmlinux) {
        return;
    }
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        X86BootBlob *b = &plan->blobs[i];

        if (!b->owned && b->data >= k->vmlinux &&
            b->data + b->size <= k->vmlinux + k->vmlinux_size) {
            b->in_vmlinux = true;
            b->vmlinux_offset = b->data - k->vmlinux;
        }
    }
    g_free(plan->vmlinux);
    plan->vmlinux = k->vmlinux;
    plan->vmlinux_size = k->vmlinux_size;
    plan->packed = k->file + k->packed_offset;
    plan->packed_size = k->packed_size;
    k->vmlinux = NULL;
    k->vmlinux_size = 0;
}

void x86_boot_plan_drop_vmlinux(X86BootPlan *plan)
{
    if (!plan->vmlinux || !plan->packed) {
        return;
    }
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        if (plan->blobs[i].in_vmlinux) {
            plan->blobs[i].data = NULL;
        }
    }
    g_free(plan->vmlinux);
    plan->vmlinux = NULL;
}

bool x86_boot_plan_reload_vmlinux(X86BootPlan *plan, Error **errp)
{
    size_t size = 0;

    if (plan->vmlinux || !plan->packed) {
        return true;
    }
    plan->vmlinux = x86_linux_unpack_payload(plan->packed, plan->packed_size,
                                             &size, errp);
    if (!plan->vmlinux) {
        return false;
    }
    if (size != plan->vmlinux_size) {
        /* cannot happen with the same bytes; a guard, not a path */
        g_free(plan->vmlinux);
        plan->vmlinux = NULL;
        error_setg(errp, "the kernel unpacks differently the second time");
        return false;
    }
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        X86BootBlob *b = &plan->blobs[i];

        if (b->in_vmlinux) {
            b->data = plan->vmlinux + b->vmlinux_offset;
        }
    }
    return true;
}

const X86BootBlob *x86_boot_plan_find(const X86BootPlan *plan, const char *name)
{
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        if (!strcmp(plan->blobs[i].what, name)) {
            return &plan->blobs[i];
        }
    }
    return NULL;
}

bool x86_boot_plan_add(X86BootPlan *plan, const char *what, uint64_t addr,
                       const uint8_t *data, size_t size, uint64_t zero_size,
                       bool owned, Error **errp)
{
    if (plan->nr_blobs == X86_BOOT_MAX_BLOBS) {
        if (owned) {
            g_free((void *)data);
        }
        error_setg(errp, "too many pieces to load");
        return false;
    }
    plan->blobs[plan->nr_blobs++] = (X86BootBlob){
        .what = what, .addr = addr, .data = data, .size = size,
        .zero_size = zero_size, .owned = owned,
    };
    return true;
}

uint64_t x86_boot_initrd_ceiling(const X86BootLayout *layout)
{
    if (layout->initrd_ceiling) {
        return MIN(layout->initrd_ceiling, layout->below_4g_mem_size);
    }
    if (layout->below_4g_mem_size <= X86_BOOT_ACPI_DATA_SIZE) {
        return 0;
    }
    return layout->below_4g_mem_size - X86_BOOT_ACPI_DATA_SIZE;
}

static void x86_seg_flat(X86BootSegment *s, uint16_t sel, bool code, bool long_mode)
{
    *s = (X86BootSegment){
        .selector = sel, .base = 0, .limit = 0xffffffff,
        .type = code ? 0xb : 0x3, .s = 1, .present = 1,
        .db = !(code && long_mode), .l = code && long_mode, .g = 1,
    };
}

/*
 * GDT at X86_BOOT_GDT_ADDR with the selectors Linux's boot protocol names
 * (__BOOT_CS 0x10, __BOOT_DS 0x18) and a TSS at 0x20 for PVH, whose ABI
 * wants TR loaded. The hidden segment state matches the descriptors.
 */
void x86_boot_put_flat_gdt(X86BootPlan *plan, bool long_mode)
{
    static const uint64_t gdt64[5] = {
        0, 0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL, 0x00008b0000000067ULL,
    };
    static const uint64_t gdt32[5] = {
        0, 0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL, 0x00008b0000000067ULL,
    };
    const uint64_t *src = long_mode ? gdt64 : gdt32;
    uint8_t *gdt = g_malloc(sizeof(gdt64));
    X86BootCpuState *cpu = &plan->cpu;

    for (unsigned i = 0; i < ARRAY_SIZE(gdt64); i++) {
        stq_le_p(gdt + i * 8, src[i]);
    }
    /* Cannot fail: every plan adds the GDT among its first few blobs. */
    x86_boot_plan_add(plan, "gdt", X86_BOOT_GDT_ADDR, gdt, sizeof(gdt64), 0, true,
                      NULL);
    cpu->gdt_base = X86_BOOT_GDT_ADDR;
    cpu->gdt_limit = sizeof(gdt64) - 1;
    x86_seg_flat(&cpu->cs, 0x10, true, long_mode);
    x86_seg_flat(&cpu->ds, 0x18, false, long_mode);
    cpu->es = cpu->fs = cpu->gs = cpu->ss = cpu->ds;
    cpu->tr = (X86BootSegment){
        .selector = 0x20, .base = 0, .limit = 0x67, .type = 0xb, .present = 1,
    };
    cpu->rflags = 0x2;
    cpu->cr0 = 0x11;    /* PE | ET */
}

/*
 * Identity map of the low 4 GiB with 2 MiB pages: the 64-bit boot protocol
 * needs the kernel, the zero page and the command line mapped 1:1, and all
 * of them lie below 4 GiB.
 */
static void x86_boot_put_page_tables(X86BootPlan *plan)
{
    const size_t pg = 4096;
    uint8_t *pt = g_malloc0(6 * pg);
    uint64_t base = X86_BOOT_PGTABLE_ADDR;

    stq_le_p(pt, (base + pg) | 0x3);
    for (unsigned i = 0; i < 4; i++) {
        stq_le_p(pt + pg + i * 8, (base + (2 + i) * pg) | 0x3);
        for (unsigned j = 0; j < 512; j++) {
            uint64_t addr = ((uint64_t)i * 512 + j) << 21;

            stq_le_p(pt + (2 + i) * pg + j * 8, addr | 0x83);    /* P RW PS */
        }
    }
    x86_boot_plan_add(plan, "page tables", base, pt, 6 * pg, 0, true, NULL);
    plan->cpu.cr3 = base;
    plan->cpu.cr4 = 0x20;               /* PAE */
    plan->cpu.cr0 = 0x80000011;         /* PG | ET | PE */
    plan->cpu.efer = 0x500;             /* LMA | LME */
}

/* ---- Parsing ---- */

#define HDRS_MAGIC 0x53726448   /* "HdrS" */

static bool x86_parse_bzimage(const uint8_t *f, size_t size, X86LinuxKernel *k,
                              Error **errp)
{
    unsigned proto;

    k->kind = X86_LINUX_BZIMAGE;
    k->setup_sects = f[0x1f1] ? f[0x1f1] : 4;
    k->setup_size = (k->setup_sects + 1) * 512;
    /* setup_size >= 1024, so once it fits the whole header (< 0x290) does */
    if (k->setup_size >= size) {
        error_setg(errp, "invalid kernel header");
        return false;
    }
    proto = lduw_le_p(f + 0x206);
    k->protocol = proto;
    if (proto < 0x202) {
        /*
         * Before 2.02 the command line had to sit in the setup segment at
         * 0x90000 and kernels were not all loadable high; every kernel
         * since Linux 2.4 speaks 2.02, so only the modern layout is done.
         */
        error_setg(errp, "linux kernel boot protocol %u.%02u is too old "
                   "(2.02 or later is needed)", proto >> 8, proto & 0xff);
        return false;
    }
    k->loadflags = f[0x211];
    if (!(k->loadflags & LINUX_LOADED_HIGH)) {
        error_setg(errp, "zImage kernels (not loaded high) are not supported");
        return false;
    }
    k->header_end = MIN(0x202 + (size_t)f[0x201], 0x290);
    k->code32_start = ldl_le_p(f + 0x214);
    k->initrd_addr_max = proto >= 0x203 ? ldl_le_p(f + 0x22c) : 0x37ffffff;
    k->cmdline_size = proto >= 0x206 ? ldl_le_p(f + 0x238) : 255;
    if (proto >= 0x205) {
        k->kernel_alignment = ldl_le_p(f + 0x230);
        /* an alignment that is not a power of two makes the flag unusable */
        k->relocatable = f[0x234] && k->kernel_alignment &&
                         !(k->kernel_alignment & (k->kernel_alignment - 1));
    }
    k->xloadflags = proto >= 0x20c ? lduw_le_p(f + 0x236) : 0;
    k->payload_offset = k->setup_size;
    k->payload_size = size - k->setup_size;
    if (proto >= 0x20a) {
        k->pref_address = ldq_le_p(f + 0x258);
        k->init_size = ldl_le_p(f + 0x260);
    } else {
        k->pref_address = X86_BOOT_KERNEL_ADDR;
    }
    /* the 64-bit entry is 0x200 into the payload: it must be there */
    if (k->payload_size <= 0x200) {
        k->xloadflags &= ~LINUX_XLF_KERNEL_64;
    }
    if (proto >= 0x208) {
        uint64_t off = ldl_le_p(f + 0x248), len = ldl_le_p(f + 0x24c);

        /* relative to the protected-mode kernel; ignored unless inside it */
        if (len && off <= k->payload_size && len <= k->payload_size - off) {
            k->packed_offset = k->payload_offset + off;
            k->packed_size = len;
        }
    }
    return true;
}

#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Looks for the Xen PHYS32_ENTRY note in [off, off + len) of the file. */
static bool x86_elf_find_pvh(const uint8_t *f, uint64_t off, uint64_t len,
                             X86LinuxKernel *k, Error **errp)
{
    while (len >= 12) {
        uint64_t namesz = ldl_le_p(f + off), descsz = ldl_le_p(f + off + 4);
        uint32_t type = ldl_le_p(f + off + 8);
        uint64_t name_pad = QEMU_ALIGN_UP(namesz, 4);
        uint64_t desc_pad = QEMU_ALIGN_UP(descsz, 4);
        uint64_t total = 12 + name_pad + desc_pad;   /* < 2^35: no overflow */

        if (total > len) {
            error_setg(errp, "ELF note extends beyond its segment");
            return false;
        }
        if (namesz == 4 && !memcmp(f + off + 12, "Xen", 4) &&
            type == XEN_ELFNOTE_PHYS32_ENTRY) {
            const uint8_t *desc = f + off + 12 + name_pad;
            uint64_t entry;

            if (descsz == 4) {
                entry = ldl_le_p(desc);
            } else if (descsz == 8) {
                entry = ldq_le_p(desc);
            } else {
                error_setg(errp, "invalid PVH entry note");
                return false;
            }
            if (entry >= (1ULL << 32)) {
                error_setg(errp, "PVH entry point 0x%" PRIx64 " is above 4 GiB",
                           entry);
                return false;
            }
            k->has_pvh_entry = true;
            k->pvh_entry = entry;
        }
        off += total;
        len -= total;
    }
    return true;
}

bool x86_linux_parse_elf(const uint8_t *f, size_t size, X86LinuxKernel *k,
                         Error **errp)
{
    uint64_t phoff, entry;
    unsigned phnum, phentsize;
    bool entry_found = false;
    X86ElfSegment seg;

    k->nr_segments = 0;
    k->elf_entry = 0;
    k->has_pvh_entry = false;
    k->pvh_entry = 0;
    if (size < 64 || f[4] != 2 || f[5] != 1 || lduw_le_p(f + 18) != EM_X86_64) {
        error_setg(errp, "not an x86-64 ELF kernel");
        return false;
    }
    if (lduw_le_p(f + 16) != 2) {
        error_setg(errp, "ELF kernel is not an executable");
        return false;
    }
    entry = ldq_le_p(f + 24);
    phoff = ldq_le_p(f + 32);
    phentsize = lduw_le_p(f + 54);
    phnum = lduw_le_p(f + 56);
    if (phentsize != 56 || phoff > size || phnum > (size - phoff) / 56) {
        error_setg(errp, "invalid ELF program headers");
        return false;
    }
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = f + phoff + (uint64_t)i * 56;
        uint32_t type = ldl_le_p(ph);
        uint64_t off = ldq_le_p(ph + 8), vaddr = ldq_le_p(ph + 16), paddr = ldq_le_p(ph + 24);
        uint64_t filesz = ldq_le_p(ph + 32), memsz = ldq_le_p(ph + 40);

        if (type != PT_LOAD && type != PT_NOTE) {
            continue;
        }
        if (off > size || filesz > size - off) {
            error_setg(errp, "ELF segment %u extends beyond the end of the file", i);
            return false;
        }
        if (type == PT_NOTE) {
            if (!x86_elf_find_pvh(f, off, filesz, k, errp)) {
                return false;
            }
            continue;
        }
        if (memsz == 0) {
            continue;
        }
        if (filesz > memsz || paddr >= (1ULL << 32) || memsz > (1ULL << 32) - paddr) {
            error_setg(errp, "ELF segment %u at 0x%" PRIx64 " does not fit below "
                       "4 GiB", i, paddr);
            return false;
        }
        seg = (X86ElfSegment){
            .paddr = paddr, .vaddr = vaddr, .offset = off,
            .filesz = filesz, .memsz = memsz,
        };
        if (!x86_elf_add_segment(k->segments, &k->nr_segments, &seg, errp)) {
            return false;
        }
    }
    if (!k->nr_segments) {
        error_setg(errp, "ELF kernel has nothing to load");
        return false;
    }
    entry_found = x86_elf_entry_paddr(k->segments, k->nr_segments, entry,
                                      &k->elf_entry);
    if (!entry_found && !k->has_pvh_entry) {
        error_setg(errp, "ELF entry point 0x%" PRIx64 " is outside the kernel",
                   entry);
        return false;
    }
    return true;
}

bool x86_linux_parse(const uint8_t *file, size_t size, X86LinuxKernel *out,
                     Error **errp)
{
    memset(out, 0, sizeof(*out));
    out->file = file;
    out->file_size = size;
    if (size >= 0x206 && ldl_le_p(file + 0x202) == HDRS_MAGIC) {
        return x86_parse_bzimage(file, size, out, errp);
    }
    if (size >= 4 && !memcmp(file, "\x7f" "ELF", 4)) {
        out->kind = X86_LINUX_ELF;
        return x86_linux_parse_elf(file, size, out, errp);
    }
    error_setg(errp, "invalid kernel header");
    return false;
}

/* ---- Setup ---- */

static bool x86_put_cmdline(const X86LinuxKernel *k, const char *cmdline,
                            X86BootPlan *plan, Error **errp)
{
    size_t len = strlen(cmdline ? cmdline : "");

    if (len + 1 > X86_BOOT_CMDLINE_MAX) {
        error_setg(errp, "kernel command line too long (%zu bytes, at most %d)",
                   len, X86_BOOT_CMDLINE_MAX - 1);
        return false;
    }
    /*
     * QEMU passes a command line longer than the kernel's cmdline_size
     * and the kernel cuts it; do the same but tell the caller.
     */
    plan->cmdline_truncated = k->kind == X86_LINUX_BZIMAGE && len > k->cmdline_size;
    return x86_boot_plan_add(plan, "cmdline", X86_BOOT_CMDLINE_ADDR,
                             (uint8_t *)g_strdup(cmdline ? cmdline : ""), len + 1,
                             0, true, errp);
}

/* Places the initrd as high as possible in [floor, min(max_addr + 1, ceiling)). */
static bool x86_place_initrd(const X86BootLayout *layout, uint64_t floor,
                             uint64_t max_addr, size_t initrd_size,
                             X86BootPlan *plan, Error **errp)
{
    uint64_t top = MIN(max_addr + 1, x86_boot_initrd_ceiling(layout));
    uint64_t avail;

    floor = QEMU_ALIGN_UP(floor, 4096);
    avail = top > floor ? top - floor : 0;
    if (!initrd_size) {
        return true;
    }
    if (initrd_size > avail) {
        /* QEMU's wording, so that scripts matching it keep working */
        error_setg(errp, "initrd is too large, cannot support."
                   "(max: %" PRIu64 ", need %zu)", avail, initrd_size);
        return false;
    }
    plan->initrd_addr = QEMU_ALIGN_DOWN(top - initrd_size, 4096);
    plan->initrd_size = initrd_size;
    return true;
}

static bool x86_put_e820(uint8_t *bp, const E820Table *e820, Error **errp)
{
    if (!e820) {
        return true;
    }
    if (e820->count > BP_E820_MAX) {
        error_setg(errp, "too many e820 entries (%u, at most %d)", e820->count,
                   BP_E820_MAX);
        return false;
    }
    for (unsigned i = 0; i < e820->count; i++) {
        e820_entry_store(bp + BP_E820_TABLE + i * E820_ENTRY_SIZE,
                         &e820->entries[i]);
    }
    bp[BP_E820_ENTRIES] = e820->count;
    return true;
}

/* The fields every loader fills in the setup header, at their offsets. */
static void x86_fill_header(uint8_t *hdr_base, uint64_t load_addr,
                            uint64_t cmdline_addr, const X86BootPlan *plan)
{
    stw_le_p(hdr_base + 0x1fa, 0xffff);                 /* vid_mode: "normal" */
    hdr_base[0x210] = X86_LINUX_LOADER_ID;
    hdr_base[0x211] |= LINUX_CAN_USE_HEAP;
    stl_le_p(hdr_base + 0x214, load_addr);              /* code32_start */
    stl_le_p(hdr_base + 0x218, plan->initrd_addr);
    stl_le_p(hdr_base + 0x21c, plan->initrd_size);
    stw_le_p(hdr_base + 0x224, 0xe000 - 0x200);         /* heap_end_ptr */
    stl_le_p(hdr_base + 0x228, cmdline_addr);
}

static void x86_entry_64(X86BootPlan *plan, uint64_t rip)
{
    x86_boot_put_flat_gdt(plan, true);
    x86_boot_put_page_tables(plan);
    plan->cpu.mode = X86_BOOT_LONG64;
    plan->cpu.rip = rip;
    plan->cpu.rsi = X86_BOOT_ZERO_PAGE_ADDR;
}

static bool x86_bzimage_use64(const X86LinuxKernel *k, const X86BootLayout *layout)
{
    return !layout->force_16bit_entry && k->protocol >= 0x20c &&
           (k->xloadflags & LINUX_XLF_KERNEL_64);
}

/*
 * Where the protected-mode kernel goes and the first byte after what it
 * uses there. A relocatable kernel entered in 64-bit mode runs where it
 * is put: loading it at its preferred address spares it moving itself.
 */
static bool x86_bzimage_place(const X86LinuxKernel *k, const X86BootLayout *layout,
                              uint64_t *load, uint64_t *end, Error **errp)
{
    uint64_t ram_top = layout->below_4g_mem_size;

    *load = X86_BOOT_KERNEL_ADDR;
    if (x86_bzimage_use64(k, layout) && k->relocatable &&
        k->pref_address >= X86_BOOT_KERNEL_ADDR &&
        !(k->pref_address & (k->kernel_alignment - 1)) &&
        k->pref_address < ram_top &&
        MAX(k->payload_size, k->init_size) <= ram_top - k->pref_address) {
        *load = k->pref_address;
    }
    if (ram_top < *load || k->payload_size > ram_top - *load) {
        error_setg(errp, "kernel does not fit in guest RAM (%zu bytes at 0x%"
                   PRIx64 ")", k->payload_size, *load);
        return false;
    }
    *end = *load + k->payload_size;
    if (*load != X86_BOOT_KERNEL_ADDR) {
        *end = *load + MAX(k->payload_size, k->init_size);
    }
    return true;
}

/* The bzImage's zero page: its setup header, patched, and the e820 map. */
static uint8_t *x86_bzimage_zero_page(const X86LinuxKernel *k,
                                      const X86BootLayout *layout, uint64_t load,
                                      const X86BootPlan *plan, Error **errp)
{
    uint8_t *bp = g_malloc0(BP_SIZE);

    memcpy(bp + BP_HDR, k->file + BP_HDR, k->header_end - BP_HDR);
    x86_fill_header(bp, load, X86_BOOT_CMDLINE_ADDR, plan);
    stq_le_p(bp + BP_ACPI_RSDP, layout->rsdp_addr);
    if (!x86_put_e820(bp, layout->e820, errp)) {
        g_free(bp);
        return NULL;
    }
    return bp;
}

static bool x86_setup_bzimage(const X86LinuxKernel *k, const X86BootLayout *layout,
                              const char *cmdline, size_t initrd_size,
                              X86BootPlan *plan, Error **errp)
{
    bool use64 = x86_bzimage_use64(k, layout);
    uint64_t load, kernel_end;
    uint8_t *bp;

    if (!x86_bzimage_place(k, layout, &load, &kernel_end, errp)) {
        return false;
    }
    /* as high as possible: clear of where the kernel decompresses itself */
    if (!x86_place_initrd(layout, kernel_end, k->initrd_addr_max, initrd_size,
                          plan, errp)) {
        return false;
    }
    if (!x86_put_cmdline(k, cmdline, plan, errp) ||
        !x86_boot_plan_add(plan, "kernel", load, k->file + k->payload_offset,
                           k->payload_size, 0, false, errp)) {
        return false;
    }
    bp = x86_bzimage_zero_page(k, layout, load, plan, errp);
    if (!bp) {
        return false;
    }

    if (use64) {
        if (!x86_boot_plan_add(plan, "zero page", X86_BOOT_ZERO_PAGE_ADDR, bp,
                               BP_SIZE, 0, true, errp)) {
            return false;
        }
        x86_entry_64(plan, load + 0x200);
        return true;
    }

    /*
     * 16-bit entry: the setup code runs from a real-mode segment at
     * X86_BOOT_REAL_ADDR with its header patched like the zero page; it
     * builds the zero page itself from BIOS calls, so this path needs
     * firmware that answers INT 15h and INT 10h.
     */
    if (k->setup_size > 0xe000 - 0x200) {
        g_free(bp);
        error_setg(errp, "kernel setup code is too large (%zu bytes)", k->setup_size);
        return false;
    }
    {
        uint8_t *setup = g_memdup2(k->file, k->setup_size);
        X86BootCpuState *cpu = &plan->cpu;
        uint16_t seg = X86_BOOT_REAL_ADDR >> 4;

        memcpy(setup + BP_HDR, bp + BP_HDR, k->header_end - BP_HDR);
        g_free(bp);
        if (!x86_boot_plan_add(plan, "setup", X86_BOOT_REAL_ADDR, setup,
                               k->setup_size, 0, true, errp)) {
            return false;
        }
        cpu->mode = X86_BOOT_REAL16;
        cpu->ds = (X86BootSegment){
            .selector = seg, .base = (uint64_t)seg << 4, .limit = 0xffff,
            .type = 0x3, .s = 1, .present = 1,
        };
        cpu->es = cpu->fs = cpu->gs = cpu->ss = cpu->ds;
        cpu->cs = cpu->ds;
        cpu->cs.selector = seg + 0x20;
        cpu->cs.base = (uint64_t)(seg + 0x20) << 4;
        cpu->cs.type = 0xb;
        cpu->rip = 0;
        cpu->rsp = 0xe000;
        cpu->rflags = 0x2;
        cpu->cr0 = 0x10;
        cpu->tr = (X86BootSegment){ .limit = 0xffff, .type = 0xb, .present = 1 };
        cpu->gdt_limit = 0xffff;
    }
    return true;
}

/* Puts the ELF's PT_LOAD segments in the plan; returns their highest end. */
static bool x86_put_segments(const X86LinuxKernel *k, const X86BootLayout *layout,
                             uint64_t *end, X86BootPlan *plan, Error **errp)
{
    *end = 0;
    for (unsigned i = 0; i < k->nr_segments; i++) {
        *end = MAX(*end, k->segments[i].paddr + k->segments[i].memsz);
    }
    return x86_boot_put_elf_segments(plan, k->vmlinux ? k->vmlinux : k->file,
                                     k->segments, k->nr_segments,
                                     layout->below_4g_mem_size, "ELF segment",
                                     errp);
}

/*
 * A bzImage whose vmlinux the host unpacked: the guest gets the zero page
 * and the initrd where the bzImage boot would put them, and starts in the
 * kernel proper's startup_64 in the state the kernel's decompressor leaves
 * (64-bit mode, identity map, RSI = zero page), with the vmlinux already
 * at its link-time physical address, so nothing needs relocating.
 */
static bool x86_setup_unpacked(const X86LinuxKernel *k, const X86BootLayout *layout,
                               const char *cmdline, size_t initrd_size,
                               X86BootPlan *plan, Error **errp)
{
    uint64_t load, kernel_end, elf_end;
    uint8_t *bp;

    if (!x86_bzimage_place(k, layout, &load, &kernel_end, errp) ||
        !x86_put_segments(k, layout, &elf_end, plan, errp) ||
        !x86_place_initrd(layout, MAX(kernel_end, elf_end), k->initrd_addr_max,
                          initrd_size, plan, errp) ||
        !x86_put_cmdline(k, cmdline, plan, errp)) {
        return false;
    }
    bp = x86_bzimage_zero_page(k, layout, load, plan, errp);
    if (!bp || !x86_boot_plan_add(plan, "zero page", X86_BOOT_ZERO_PAGE_ADDR, bp,
                                  BP_SIZE, 0, true, errp)) {
        return false;
    }
    x86_entry_64(plan, k->elf_entry);
    return true;
}

#define HVM_START_MAGIC 0x336ec578
#define HVM_START_INFO_SIZE 56
#define HVM_MEMMAP_ENTRY_SIZE 24
#define HVM_MODLIST_ENTRY_SIZE 32

static bool x86_setup_pvh(const X86LinuxKernel *k, const X86BootLayout *layout,
                          const char *cmdline, size_t initrd_size,
                          X86BootPlan *plan, Error **errp)
{
    uint64_t end, memmap = X86_BOOT_ZERO_PAGE_ADDR + HVM_START_INFO_SIZE;
    unsigned n = layout->e820 ? layout->e820->count : 0;
    uint64_t modlist = memmap + (uint64_t)n * HVM_MEMMAP_ENTRY_SIZE;
    uint8_t *si;

    if (modlist + HVM_MODLIST_ENTRY_SIZE > X86_BOOT_ZERO_PAGE_ADDR + 4096) {
        error_setg(errp, "too many e820 entries (%u) for hvm_start_info", n);
        return false;
    }
    if (!x86_put_segments(k, layout, &end, plan, errp) ||
        !x86_place_initrd(layout, end, UINT32_MAX, initrd_size, plan, errp) ||
        !x86_put_cmdline(k, cmdline, plan, errp)) {
        return false;
    }

    si = g_malloc0(4096);
    stl_le_p(si, HVM_START_MAGIC);
    stl_le_p(si + 4, 1);                                /* version */
    stq_le_p(si + 24, X86_BOOT_CMDLINE_ADDR);
    stq_le_p(si + 32, layout->rsdp_addr);
    stq_le_p(si + 40, memmap);
    stl_le_p(si + 48, n);
    for (unsigned i = 0; i < n; i++) {
        /* the 4 bytes after each entry are reserved (zero) */
        e820_entry_store(si + (memmap - X86_BOOT_ZERO_PAGE_ADDR) +
                         i * HVM_MEMMAP_ENTRY_SIZE, &layout->e820->entries[i]);
    }
    if (initrd_size) {
        uint8_t *m = si + (modlist - X86_BOOT_ZERO_PAGE_ADDR);

        stl_le_p(si + 12, 1);                           /* nr_modules */
        stq_le_p(si + 16, modlist);
        stq_le_p(m, plan->initrd_addr);
        stq_le_p(m + 8, initrd_size);
    }
    if (!x86_boot_plan_add(plan, "hvm_start_info", X86_BOOT_ZERO_PAGE_ADDR, si,
                           4096, 0, true, errp)) {
        return false;
    }
    x86_boot_put_flat_gdt(plan, false);
    plan->cpu.mode = X86_BOOT_PROT32;
    plan->cpu.rip = k->pvh_entry;
    plan->cpu.rbx = X86_BOOT_ZERO_PAGE_ADDR;
    return true;
}

/*
 * A vmlinux without PVH note: enter startup_64 like a bzImage's 64-bit
 * entry, with a zero page whose setup header this loader writes itself.
 */
static bool x86_setup_elf64(const X86LinuxKernel *k, const X86BootLayout *layout,
                            const char *cmdline, size_t initrd_size,
                            X86BootPlan *plan, Error **errp)
{
    uint64_t end;
    uint8_t *bp;

    if (!x86_put_segments(k, layout, &end, plan, errp) ||
        !x86_place_initrd(layout, end, 0x7fffffff, initrd_size, plan, errp) ||
        !x86_put_cmdline(k, cmdline, plan, errp)) {
        return false;
    }
    bp = g_malloc0(BP_SIZE);
    stw_le_p(bp + 0x1fe, 0xaa55);                       /* boot_flag */
    stl_le_p(bp + 0x202, HDRS_MAGIC);
    stw_le_p(bp + 0x206, 0x020f);
    bp[0x211] = LINUX_LOADED_HIGH;
    stl_le_p(bp + 0x22c, 0x7fffffff);                   /* initrd_addr_max */
    stl_le_p(bp + 0x238, X86_BOOT_CMDLINE_MAX - 1);     /* cmdline_size */
    x86_fill_header(bp, k->segments[0].paddr, X86_BOOT_CMDLINE_ADDR, plan);
    stq_le_p(bp + BP_ACPI_RSDP, layout->rsdp_addr);
    if (!x86_put_e820(bp, layout->e820, errp)) {
        g_free(bp);
        return false;
    }
    if (!x86_boot_plan_add(plan, "zero page", X86_BOOT_ZERO_PAGE_ADDR, bp, BP_SIZE,
                           0, true, errp)) {
        return false;
    }
    x86_entry_64(plan, k->elf_entry);
    return true;
}

bool x86_linux_setup(const X86LinuxKernel *k, const X86BootLayout *layout,
                     const char *cmdline, size_t initrd_size, X86BootPlan *plan,
                     Error **errp)
{
    x86_boot_plan_init(plan);
    if (k->kind == X86_LINUX_BZIMAGE) {
        if (k->vmlinux && k->elf_entry && x86_bzimage_use64(k, layout)) {
            Error *local_err = NULL;

            if (x86_setup_unpacked(k, layout, cmdline, initrd_size, plan,
                                   &local_err)) {
                return true;
            }
            /*
             * E.g. too little RAM for the vmlinux at its address: boot the
             * bzImage, whose decompressor then says so as under QEMU.
             */
            error_free(local_err);
            x86_boot_plan_clear(plan);
        }
        return x86_setup_bzimage(k, layout, cmdline, initrd_size, plan, errp);
    }
    if (k->has_pvh_entry) {
        return x86_setup_pvh(k, layout, cmdline, initrd_size, plan, errp);
    }
    return x86_setup_elf64(k, layout, cmdline, initrd_size, plan, errp);
}

bool x86_elf_add_segment(X86ElfSegment *segs, unsigned *n,
                         const X86ElfSegment *seg, Error **errp)
{
    if (*n == X86_ELF_MAX_SEGMENTS) {
        error_setg(errp, "too many ELF segments (at most %d)",
                   X86_ELF_MAX_SEGMENTS);
        return false;
    }
    segs[(*n)++] = *seg;
    return true;
}

bool x86_boot_put_elf_segments(X86BootPlan *plan, const uint8_t *file,
                               const X86ElfSegment *segs, unsigned n,
                               uint64_t ceiling, const char *what, Error **errp)
{
    for (unsigned i = 0; i < n; i++) {
        const X86ElfSegment *s = &segs[i];

        /* below 1 MiB are the plan's own structures and the BIOS area */
        if (s->paddr < X86_BOOT_KERNEL_ADDR || s->paddr + s->memsz > ceiling) {
            error_setg(errp, "%s at 0x%" PRIx64 " (0x%" PRIx64
                       " bytes) is outside guest RAM above 1 MiB", what,
                       s->paddr, s->memsz);
            return false;
        }
        if (!x86_boot_plan_add(plan, "kernel segment", s->paddr, file + s->offset,
                               s->filesz, s->memsz - s->filesz, false, errp)) {
            return false;
        }
    }
    return true;
}

bool x86_elf_entry_paddr(const X86ElfSegment *segs, unsigned n,
                         uint64_t entry, uint64_t *paddr)
{
    for (unsigned i = 0; i < n; i++) {
        const X86ElfSegment *s = &segs[i];

        if (entry >= s->paddr && entry - s->paddr < s->memsz) {
            *paddr = entry;
            return true;
        }
        if (entry >= s->vaddr && entry - s->vaddr < s->memsz) {
            *paddr = s->paddr + (entry - s->vaddr);
            return true;
        }
    }
    return false;
}
