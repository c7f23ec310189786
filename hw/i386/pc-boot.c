/*
 * pc-boot.c: the pc machine's direct kernel boot (-kernel, -initrd,
 * -append): read the files, let the pure loaders (multiboot.c,
 * x86-linux-boot.c) plan where everything goes and the entry state, and
 * copy the plan into guest RAM at power-on and on each reset, as QEMU's
 * option ROMs would, and give fw_cfg the items QEMU gives those ROMs.
 * Not the CPU side: pc-cpus.c puts the entry state in.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/bswap.h"
#include "hw/i386/pc.h"
#include "hw/i386/pc-acpi.h"
#include "hw/i386/multiboot.h"
#include "hw/nvram/fw_cfg.h"

/* An initrd or multiboot module: its file, and where it goes. */
typedef struct PCBootImage {
    uint8_t *data;
    size_t size;
    uint64_t addr;
} PCBootImage;

static void pc_boot_image_free(gpointer p)
{
    PCBootImage *img = p;

    g_free(img->data);
    g_free(img);
}

static uint8_t *pc_read_file(const char *path, size_t *size, Error **errp)
{
    gchar *data = NULL;
    gsize len = 0;
    GError *gerr = NULL;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        error_setg(errp, "%s", gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    *size = len;
    return (uint8_t *)data;
}

static void pc_add_image(PCMachineState *pcms, uint8_t *data, size_t size)
{
    PCBootImage *img = g_new0(PCBootImage, 1);

    img->data = data;
    img->size = size;
    g_ptr_array_add(pcms->images, img);
}

/* ---- fw_cfg: what QEMU 7.2 leaves for its linuxboot/multiboot ROMs ---- */

bool pc_boot_linux_fw_cfg(FWCfgState *fw, const X86LinuxKernel *k,
                          const X86BootPlan *plan, const uint8_t *initrd)
{
    const X86BootBlob *cmdline = x86_boot_plan_find(plan, "cmdline");
    const X86BootBlob *kernel = x86_boot_plan_find(plan, "kernel");
    bool ok = true;

    /* hw/i386/x86.c x86_load_linux: the command line, NUL included */
    if (cmdline) {
        ok &= fw_cfg_add_i32(fw, FW_CFG_CMDLINE_ADDR, cmdline->addr);
        ok &= fw_cfg_add_i32(fw, FW_CFG_CMDLINE_SIZE, cmdline->size);
        ok &= fw_cfg_add_bytes(fw, FW_CFG_CMDLINE_DATA, cmdline->data,
                               cmdline->size);
    }
    if (plan->initrd_size && initrd) {
        ok &= fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, plan->initrd_addr);
        ok &= fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, plan->initrd_size);
        ok &= fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, initrd,
                               plan->initrd_size);
    }
    if (k->kind != X86_LINUX_BZIMAGE || (!kernel && !k->vmlinux)) {
        return ok;
    }
    if (kernel) {
        ok &= fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, kernel->addr);
        ok &= fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, kernel->size);
        ok &= fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, kernel->data,
                               kernel->size);
    } else {
        /* unpacked on the host: the items still hold the bzImage, at 1 MiB
         * as in QEMU's x86_load_linux */
        ok &= fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, X86_BOOT_KERNEL_ADDR);
        ok &= fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, k->payload_size);
        ok &= fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, k->file + k->payload_offset,
                               k->payload_size);
    }
    {
        /*
         * The real-mode part with its header patched for this boot. The
         * 16-bit entry loads exactly that; the 64-bit one has the same
         * header in its zero page instead.
         */
        const X86BootBlob *setup = x86_boot_plan_find(plan, "setup");
        const X86BootBlob *zp = x86_boot_plan_find(plan, "zero page");
        g_autofree uint8_t *data = g_memdup2(k->file, k->setup_size);

        if (setup && setup->size == k->setup_size) {
            memcpy(data, setup->data, k->setup_size);
        } else if (zp && zp->size >= k->header_end) {
            memcpy(data + BP_HDR, zp->data + BP_HDR, k->header_end - BP_HDR);
        }
        ok &= fw_cfg_add_i32(fw, FW_CFG_SETUP_ADDR,
                             setup ? setup->addr : X86_BOOT_REAL_ADDR);
        ok &= fw_cfg_add_i32(fw, FW_CFG_SETUP_SIZE, k->setup_size);
        ok &= fw_cfg_add_bytes(fw, FW_CFG_SETUP_DATA, data, k->setup_size);
    }
    return ok;
}

/*
 * QEMU's multiboot loader hands its option ROM one buffer: the kernel
 * image from its lowest address, the module list and strings, then the
 * modules, page aligned (KERNEL_*), and the bare multiboot_info (INITRD_*;
 * the ROM fills mem_lower, mem_upper and the memory map from the BIOS, so
 * the item holds zeroes there). Keel's plan has the same layout; rebuild
 * the buffer from it. No CMDLINE items: QEMU sets none for multiboot.
 */
static bool pc_boot_multiboot_fw_cfg(FWCfgState *fw, const X86BootPlan *plan,
                                     GPtrArray *images)
{
    const X86BootBlob *info = x86_boot_plan_find(plan, "multiboot info");
    uint64_t low = UINT64_MAX, end = 0;
    g_autofree uint8_t *buf = NULL;
    uint8_t mbi[MBI_SIZE];
    bool ok = true;

    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        const X86BootBlob *b = &plan->blobs[i];

        if (!strcmp(b->what, "kernel segment")) {
            low = MIN(low, b->addr);
        }
    }
    if (low == UINT64_MAX || !info || info->size < MBI_SIZE) {
        return false;
    }
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        const X86BootBlob *b = &plan->blobs[i];

        if (b->addr >= low) {
            end = MAX(end, b->addr + b->size + b->zero_size);
        }
    }
    for (guint i = 0; i < images->len; i++) {
        PCBootImage *img = g_ptr_array_index(images, i);

        end = MAX(end, img->addr + img->size);
    }
    end = low + QEMU_ALIGN_UP(end - low, 4096);
    if (end - low > UINT32_MAX) {
        return false;
    }
    buf = g_malloc0(end - low);
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        const X86BootBlob *b = &plan->blobs[i];

        if (b->addr >= low && b->size) {
            memcpy(buf + (b->addr - low), b->data, b->size);
        }
    }
    for (guint i = 0; i < images->len; i++) {
        PCBootImage *img = g_ptr_array_index(images, i);

        if (img->size) {
            memcpy(buf + (img->addr - low), img->data, img->size);
        }
    }
    memcpy(mbi, info->data, MBI_SIZE);
    stl_le_p(mbi + 4, 0);                               /* mem_lower */
    stl_le_p(mbi + 8, 0);                               /* mem_upper */
    stl_le_p(mbi + 44, 0);                              /* mmap_length */

    ok &= fw_cfg_add_i32(fw, FW_CFG_KERNEL_ENTRY, plan->cpu.rip);
    ok &= fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, low);
    ok &= fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, end - low);
    ok &= fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, buf, end - low);
    ok &= fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, info->addr);
    ok &= fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, MBI_SIZE);
    ok &= fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, mbi, MBI_SIZE);
    return ok;
}

/*
 * Under QEMU the multiboot option ROM replaces mem_lower with what the
 * BIOS reports below the EBDA (INT 12h: 639 KiB), so the guest never sees
 * the loader's 640. Do the same to the planned multiboot_info.
 */
static void pc_multiboot_fix_mem_lower(PCMachineState *pcms)
{
    const X86BootBlob *b = x86_boot_plan_find(&pcms->plan, "multiboot info");
    uint64_t kib = e820_table_ram_kib(&pcms->e820, 0, PC_EBDA_END);

    if (b && b->owned && b->size >= 8) {
        stl_le_p((uint8_t *)b->data + 4, kib);
    }
}

static bool pc_plan_multiboot(PCMachineState *pcms, const X86BootLayout *layout,
                              Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    MultibootKernel k;
    g_auto(GStrv) specs = NULL;
    g_autofree size_t *sizes = NULL;
    g_autofree uint64_t *addrs = NULL;
    unsigned n = 0;

    if (!multiboot_parse(pcms->kernel, pcms->kernel_size, &k, errp)) {
        return false;
    }
    if (k.wants_video) {
        warn_report("multiboot knows VBE. we don't.");
    }
    specs = multiboot_split_modules(ms->initrd_filename ? ms->initrd_filename
                                                        : "");
    n = g_strv_length(specs);
    sizes = g_new0(size_t, n + 1);
    addrs = g_new0(uint64_t, n + 1);
    for (unsigned i = 0; i < n; i++) {
        g_autofree char *path = multiboot_module_path(specs[i]);
        Error *err = NULL;
        size_t size = 0;
        uint8_t *data = pc_read_file(path, &size, &err);

        if (!data) {
            error_propagate_prepend(errp, err, "Failed to open file '%s': ",
                                    path);
            return false;
        }
        sizes[i] = size;
        pc_add_image(pcms, data, size);
    }
    if (!multiboot_setup(&k, layout, ms->kernel_filename, ms->kernel_cmdline,
                         specs, sizes, n, addrs, &pcms->plan, errp)) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        ((PCBootImage *)g_ptr_array_index(pcms->images, i))->addr = addrs[i];
    }
    pc_multiboot_fix_mem_lower(pcms);
    if (fw_cfg_find() &&
        !pc_boot_multiboot_fw_cfg(fw_cfg_find(), &pcms->plan, pcms->images)) {
        error_setg(errp, "cannot put the multiboot image in fw_cfg");
        return false;
    }
    return true;
}

/*
 * Unpack an XZ or gzip bzImage on the host (docs/devel/linux-boot.md): the
 * guest then starts in the kernel proper instead of spending seconds of
 * TCG time in the kernel's decompressor. A payload that fails to unpack is
 * left to the guest, whose decompressor reports it as under QEMU.
 */
static void pc_unpack_linux(PCMachineState *pcms, X86LinuxKernel *k)
{
    MachineState *ms = MACHINE(pcms);
    Error *err = NULL;

    if (!x86_linux_unpack(k, &err) && err) {
        warn_report("-kernel %s: %s; the kernel will decompress itself",
                    ms->kernel_filename, error_get_pretty(err));
        error_free(err);
    }
}

static bool pc_plan_linux(PCMachineState *pcms, const X86BootLayout *layout,
                          Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    X86LinuxKernel k;
    uint8_t *initrd = NULL;
    size_t initrd_size = 0;
    bool ok = false;

    if (!x86_linux_parse(pcms->kernel, pcms->kernel_size, &k, errp)) {
        return false;
    }
    if (ms->initrd_filename) {
        Error *err = NULL;

        initrd = pc_read_file(ms->initrd_filename, &initrd_size, &err);
        if (!initrd) {
            error_propagate_prepend(errp, err, "error reading initrd %s: ",
                                    ms->initrd_filename);
            return false;
        }
        pc_add_image(pcms, initrd, initrd_size);
    }
    pc_unpack_linux(pcms, &k);
    if (!x86_linux_setup(&k, layout, ms->kernel_cmdline, initrd_size,
                         &pcms->plan, errp)) {
        goto out;
    }
    if (initrd) {
        ((PCBootImage *)g_ptr_array_index(pcms->images, 0))->addr =
            pcms->plan.initrd_addr;
    }
    if (fw_cfg_find() &&
        !pc_boot_linux_fw_cfg(fw_cfg_find(), &k, &pcms->plan, initrd)) {
        error_setg(errp, "cannot put the kernel in fw_cfg");
        goto out;
    }
    /* The plan's kernel segments point into the unpacked vmlinux. */
    x86_boot_plan_adopt_vmlinux(&pcms->plan, &k);
    ok = true;
out:
    x86_linux_kernel_clear(&k);
    return ok;
}

void pc_boot_load_kernel(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    X86BootLayout layout = {
        .below_4g_mem_size = pcms->below_4g_mem_size,
        .above_4g_mem_size = pcms->above_4g_mem_size,
        .e820 = &pcms->e820,
        /* Linux then needs no scan of the BIOS area to find ACPI. */
        .rsdp_addr = pc_acpi_rsdp_addr(),
    };
    Error *err = NULL;
    bool ok;

    pcms->kernel = pc_read_file(ms->kernel_filename, &pcms->kernel_size, &err);
    if (!pcms->kernel) {
        /* QEMU's own wording (hw/i386/x86.c), "qemu:" prefix included. */
        error_free(err);
        fprintf(stderr, "qemu: could not open kernel file '%s': %s\n",
                ms->kernel_filename, g_strerror(errno ? errno : ENOENT));
        exit(1);
    }
    x86_boot_plan_init(&pcms->plan);
    pcms->images = g_ptr_array_new_with_free_func(pc_boot_image_free);
    /* QEMU tries multiboot for any file that is not a bzImage. */
    if (multiboot_probe(pcms->kernel, pcms->kernel_size)) {
        ok = pc_plan_multiboot(pcms, &layout, &err);
    } else {
        ok = pc_plan_linux(pcms, &layout, &err);
    }
    if (!ok) {
        error_prepend(&err, "-kernel %s: ", ms->kernel_filename);
        error_report_err(err);
        exit(1);
    }
    pcms->booted = true;
}

/*
 * Copy the plan's blobs and the images into guest RAM (at boot and reset).
 * An unpacked vmlinux is dropped once in guest RAM and unpacked again at a
 * reset: 66 MB less for the life of a Debian guest, ~0.2 s per reboot.
 */
bool pc_boot_apply_plan(PCMachineState *pcms, Error **errp)
{
    X86BootPlan *plan = &pcms->plan;

    if (!x86_boot_plan_reload_vmlinux(plan, errp)) {
        return false;
    }
    for (unsigned i = 0; i < plan->nr_blobs; i++) {
        const X86BootBlob *b = &plan->blobs[i];

        if ((b->size && address_space_write(&address_space_memory, b->addr,
                                            MEMTXATTRS_UNSPECIFIED, b->data,
                                            b->size) != MEMTX_OK) ||
            (b->zero_size &&
             dma_memory_set(&address_space_memory, b->addr + b->size, 0,
                            b->zero_size, MEMTXATTRS_UNSPECIFIED) != MEMTX_OK)) {
            error_setg(errp, "cannot load %s at 0x%" PRIx64 ": outside RAM",
                       b->what, b->addr);
            return false;
        }
    }
    for (guint i = 0; i < pcms->images->len; i++) {
        PCBootImage *img = g_ptr_array_index(pcms->images, i);

        if (img->size &&
            address_space_write(&address_space_memory, img->addr,
                                MEMTXATTRS_UNSPECIFIED, img->data,
                                img->size) != MEMTX_OK) {
            error_setg(errp, "cannot load module %u at 0x%" PRIx64
                       ": outside RAM", i, img->addr);
            return false;
        }
    }
    x86_boot_plan_drop_vmlinux(plan);
    return true;
}

void pc_boot_cleanup(PCMachineState *pcms)
{
    if (pcms->images) {
        g_ptr_array_free(pcms->images, TRUE);
        pcms->images = NULL;
    }
    x86_boot_plan_clear(&pcms->plan);
    g_free(pcms->kernel);
    pcms->kernel = NULL;
}
