/*
 * pc.c: the "pc" board (pc-i440fx-8.2, alias "pc"): RAM split around the
 * PCI hole as QEMU's pc does, the legacy ISA devices (COM ports, i8042 and
 * port 0x92, RTC/CMOS, port 0x80, PIIX reset control at 0xcf9), fw_cfg,
 * and direct boot of -kernel (multiboot or Linux) into one KVM vCPU.
 * Not here yet: firmware, PCI, the 8259/IOAPIC/LAPIC, SMP, TCG.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/error.h"
#include "qemu/bswap.h"
#include "qemu/main-loop.h"
#include "hw/i386/pc.h"
#include "hw/i386/pc-acpi.h"
#include "hw/i386/multiboot.h"
#include "hw/char/serial.h"
#include "hw/input/i8042.h"
#include "hw/misc/ioport80.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/hostmem.h"
#include "system/runstate.h"
#include "system/system.h"
#if CONFIG_KVM
#include "hw/i386/pc-kvm.h"
#endif


#define PC_FW_CFG_IOBASE     0x510
#define PC_FW_CFG_DMA_IOBASE 0x514
/* What SeaBIOS keeps for itself at the top of low RAM (QEMU 7.2). */
#define PC_SEABIOS_RESERVED  0x20000ULL
#define PC_BIOS_ROM_START    0xfffc0000ULL
#define PC_BIOS_ROM_SIZE     0x40000ULL
/* QEMU 7.2 reserves the AMD HyperTransport window for its AMD-vendor
 * default CPU (qemu64): 1 TiB - 12 GiB up to 1 TiB. */
#define PC_AMD_HT_START      0xfd00000000ULL
#define PC_AMD_HT_SIZE       0x300000000ULL

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

/* ---- pure helpers ------------------------------------------------------ */

void pc_cmos_memory_bytes(uint64_t below_4g, uint64_t above_4g,
                          uint8_t cmos[128])
{
    uint64_t val;

    /* Base memory: the first 640 KiB at most. */
    val = MIN(below_4g / KiB, 640);
    cmos[0x15] = val;
    cmos[0x16] = val >> 8;
    /* Extended memory above 1 MiB, in KiB, capped at 65535. */
    val = below_4g > MiB ? (below_4g - MiB) / KiB : 0;
    val = MIN(val, 65535);
    cmos[0x17] = cmos[0x30] = val;
    cmos[0x18] = cmos[0x31] = val >> 8;
    /* Memory between 16 MiB and 4 GiB in 64 KiB units. */
    val = below_4g > 16 * MiB ? (below_4g - 16 * MiB) / (64 * KiB) : 0;
    val = MIN(val, 65535);
    cmos[0x34] = val;
    cmos[0x35] = val >> 8;
    /* Memory above 4 GiB in 64 KiB units, 24 bits. */
    val = above_4g / (64 * KiB);
    cmos[0x5b] = val;
    cmos[0x5c] = val >> 8;
    cmos[0x5d] = val >> 16;
}

bool pc_reserved_e820(E820Table *t, uint64_t below_4g, Error **errp)
{
    if (below_4g > PC_HIGH_RAM_START + PC_SEABIOS_RESERVED &&
        !e820_table_add(t, below_4g - PC_SEABIOS_RESERVED, PC_SEABIOS_RESERVED,
                        E820_RESERVED, errp)) {
        return false;
    }
    return e820_table_add(t, PC_BIOS_ROM_START, PC_BIOS_ROM_SIZE,
                          E820_RESERVED, errp) &&
           e820_table_add(t, PC_AMD_HT_START, PC_AMD_HT_SIZE, E820_RESERVED,
                          errp);
}

/* ---- PIIX reset control (0xcf9) ---------------------------------------- */

static uint64_t pc_rcr_read(void *opaque, hwaddr addr, unsigned size)
{
    PCMachineState *pcms = opaque;

    return pcms->reset_control_val;
}

static void pc_rcr_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    PCMachineState *pcms = opaque;

    /* As PIIX3: bit 2 starts the reset, bit 1 picks hard or soft. */
    if (val & 4) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return;
    }
    pcms->reset_control_val = val & 2;
}

static const MemoryRegionOps pc_rcr_ops = {
    .read = pc_rcr_read,
    .write = pc_rcr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- RAM --------------------------------------------------------------- */

static void pc_memory_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *ram;
    Error *err = NULL;

    if (ms->memdev) {
        ram = host_memory_backend_get_memory(MEMORY_BACKEND(ms->memdev));
        host_memory_backend_set_mapped(MEMORY_BACKEND(ms->memdev), true);
    } else {
        ram = &pcms->ram;
        if (!memory_region_init_ram(ram, OBJECT(ms), "pc.ram", ms->ram_size,
                                    &err)) {
            error_report_err(err);
            exit(1);
        }
    }
    ms->ram = ram;
    pc_ram_split(ms->ram_size, 0, true, &pcms->below_4g_mem_size,
                 &pcms->above_4g_mem_size);
    memory_region_init_alias(&pcms->ram_below_4g, OBJECT(ms), "ram-below-4g",
                             ram, 0, pcms->below_4g_mem_size);
    memory_region_add_subregion(sysmem, 0, &pcms->ram_below_4g);
    if (pcms->above_4g_mem_size) {
        memory_region_init_alias(&pcms->ram_above_4g, OBJECT(ms),
                                 "ram-above-4g", ram, pcms->below_4g_mem_size,
                                 pcms->above_4g_mem_size);
        memory_region_add_subregion(sysmem, PC_4G, &pcms->ram_above_4g);
    }

    e820_table_init(&pcms->e820);
    if (!pc_reserved_e820(&pcms->e820, pcms->below_4g_mem_size, &err) ||
        !pc_e820_layout(&pcms->e820, pcms->below_4g_mem_size,
                        pcms->above_4g_mem_size, &err)) {
        error_report_err(err);
        exit(1);
    }
}

/* ---- devices ----------------------------------------------------------- */

static DeviceState *pc_realize_new(const char *type)
{
    DeviceState *dev = qdev_new(type);
    Error *err = NULL;

    if (!qdev_realize_and_unref(dev, NULL, &err)) {
        error_report_err(err);
        exit(1);
    }
    return dev;
}

static void pc_fw_cfg_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    FWCfgState *fw = fw_cfg_init_io_dma(PC_FW_CFG_IOBASE, PC_FW_CFG_DMA_IOBASE,
                                        &address_space_memory);
    GByteArray *e820 = g_byte_array_new();
    Error *err = NULL;

    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, ms->smp.cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, ms->smp.max_cpus);
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ms->ram_size);
    /* etc/e820: packed little-endian {u64 address, u64 length, u32 type}
     * for the RAM ranges, as QEMU gives them to the firmware. */
    for (unsigned i = 0; i < pcms->e820.count; i++) {
        const E820Entry *e = &pcms->e820.entries[i];
        uint64_t addr = GUINT64_TO_LE(e->addr);
        uint64_t size = GUINT64_TO_LE(e->size);
        uint32_t type = GUINT32_TO_LE(e->type);

        if (e->type != E820_RAM) {
            continue;
        }
        g_byte_array_append(e820, (const guint8 *)&addr, sizeof(addr));
        g_byte_array_append(e820, (const guint8 *)&size, sizeof(size));
        g_byte_array_append(e820, (const guint8 *)&type, sizeof(type));
    }
    if (!fw_cfg_add_file(fw, "etc/e820", e820->data, e820->len, &err)) {
        error_report_err(err);
        exit(1);
    }
    g_byte_array_free(e820, TRUE);
}

static void pc_isa_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    static MemoryRegion ioport80;
    uint8_t cmos[RTC_CMOS_SIZE] = { 0 };
    static const int cmos_mem_bytes[] = {
        0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35, 0x5b, 0x5c, 0x5d,
    };
    RTCState *rtc;
    Error *err = NULL;

    for (unsigned i = 0; i < MAX_ISA_SERIAL_PORTS; i++) {
        Chardev *chr = serial_hd(i);

        if (chr && !serial_isa_init(i, chr, &err)) {
            error_report_err(err);
            exit(1);
        }
    }
    pc_realize_new(TYPE_I8042);
    pc_realize_new(TYPE_PORT92);

    rtc = MC146818_RTC(pc_realize_new(TYPE_MC146818_RTC));
    pc_cmos_memory_bytes(pcms->below_4g_mem_size, pcms->above_4g_mem_size,
                         cmos);
    for (unsigned i = 0; i < G_N_ELEMENTS(cmos_mem_bytes); i++) {
        rtc_set_memory(rtc, cmos_mem_bytes[i], cmos[cmos_mem_bytes[i]]);
    }
    /* CPUs present, minus one (SeaBIOS reads it). */
    rtc_set_memory(rtc, 0x5f, ms->smp.cpus - 1);

    ioport80_init(&ioport80, OBJECT(ms), get_system_io());
    memory_region_init_io(&pcms->reset_control, OBJECT(ms), &pc_rcr_ops, pcms,
                          "reset-control", 1);
    memory_region_add_subregion(get_system_io(), PC_RESET_CONTROL_PORT,
                                &pcms->reset_control);
    pc_fw_cfg_init(pcms);
}

/* ---- direct kernel boot ------------------------------------------------ */

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
    return true;
}

static bool pc_plan_linux(PCMachineState *pcms, const X86BootLayout *layout,
                          Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    X86LinuxKernel k;
    uint8_t *initrd = NULL;
    size_t initrd_size = 0;

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
    if (!x86_linux_setup(&k, layout, ms->kernel_cmdline, initrd_size,
                         &pcms->plan, errp)) {
        return false;
    }
    if (initrd) {
        ((PCBootImage *)g_ptr_array_index(pcms->images, 0))->addr =
            pcms->plan.initrd_addr;
    }
    return true;
}

static void pc_load_kernel(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    X86BootLayout layout = {
        .below_4g_mem_size = pcms->below_4g_mem_size,
        .above_4g_mem_size = pcms->above_4g_mem_size,
        .e820 = &pcms->e820,
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

/* Copy the plan's blobs and the images into guest RAM (at boot and reset). */
static bool pc_apply_plan(PCMachineState *pcms, Error **errp)
{
    const X86BootPlan *plan = &pcms->plan;

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
    return true;
}

/* ---- the vCPU ---------------------------------------------------------- */

#if CONFIG_KVM
/* Stop the vCPU thread; it needs the BQL to leave, which we may hold. */
static void pc_cpu_stop(PCMachineState *pcms)
{
    KVMCPU *cpu = pcms->cpu;
    bool locked = bql_locked();

    if (!cpu || !cpu->thread_started) {
        return;
    }
    if (locked) {
        bql_unlock();
    }
    kvm_vcpu_stop(cpu);
    if (locked) {
        bql_lock();
    }
}

static void pc_cpu_start(PCMachineState *pcms)
{
    KVMCPU *cpu = pcms->cpu;
    Error *err = NULL;

    if (!cpu || !pcms->booted || cpu->thread_started) {
        return;
    }
    if (!kvm_vcpu_start_thread(cpu, &err)) {
        error_report_err(err);
        exit(1);
    }
}

/* The entry state and images, at power-on and on every reset. */
static bool pc_cpu_boot_state(PCMachineState *pcms, Error **errp)
{
    return pc_apply_plan(pcms, errp) &&
           kvm_x86_put_boot_state(pcms->cpu, &pcms->plan.cpu, errp);
}

static void pc_vm_state_change(void *opaque, bool running, RunState state)
{
    PCMachineState *pcms = opaque;

    if (running) {
        pc_cpu_start(pcms);
    } else {
        pc_cpu_stop(pcms);
    }
}

static void pc_reset(void *opaque)
{
    PCMachineState *pcms = opaque;
    Error *err = NULL;

    pc_cpu_stop(pcms);
    if (!pcms->booted) {
        return;
    }
    /* No firmware to reload the kernel: do what its option ROM would. */
    if (!pc_cpu_boot_state(pcms, &err)) {
        error_report_err(err);
        qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
        return;
    }
    if (runstate_is_running()) {
        pc_cpu_start(pcms);
    }
}

static void pc_exit_notify(void *opaque)
{
    pc_cpu_stop(opaque);
}

static void pc_cpu_init(PCMachineState *pcms)
{
    KVMState *s = kvm_state_get();
    Error *err = NULL;
    KVMCPU *cpu;

    if (!s) {
        error_report("machine '%s' needs the kvm accelerator",
                     MACHINE_GET_CLASS(pcms)->name);
        exit(1);
    }
    cpu = kvm_vcpu_create(s, 0, &err);
    if (!cpu) {
        error_report_err(err);
        exit(1);
    }
    pcms->cpu = cpu;
    if (!kvm_x86_init_cpuid(cpu, &err)) {
        error_report_err(err);
        exit(1);
    }
    if (pcms->booted && !pc_cpu_boot_state(pcms, &err)) {
        error_report_err(err);
        exit(1);
    }
    if (!pcms->booted) {
        warn_report("no -kernel given and Keel has no firmware yet: "
                    "the vCPU will not run");
    }
    qemu_add_vm_change_state_handler(pc_vm_state_change, pcms);
    qemu_register_reset(pc_reset, pcms);
    qemu_add_exit_notifier(pc_exit_notify, pcms);
}
#else
static void pc_cpu_init(PCMachineState *pcms)
{
    error_report("machine '%s' needs the kvm accelerator, which this build "
                 "of Keel lacks", MACHINE_GET_CLASS(pcms)->name);
    exit(1);
}
#endif

/* ---- the board --------------------------------------------------------- */

static void pc_init(MachineState *ms)
{
    PCMachineState *pcms = PC_MACHINE(ms);
    Error *err = NULL;

    if (ms->smp.cpus > 1) {
        error_report("Keel's pc machine runs one vCPU for now: -smp %u needs "
                     "SMP support, which is not available yet in Keel",
                     ms->smp.cpus);
        exit(1);
    }
    memory_init();
    pc_memory_init(pcms);
    pc_isa_init(pcms);
    if (!pc_acpi_setup(pcms, &err)) {
        error_report_err(err);
        exit(1);
    }
    if (ms->kernel_filename) {
        pc_load_kernel(pcms);
    }
    pc_cpu_init(pcms);
}

static void pc_machine_finalize(Object *obj)
{
    PCMachineState *pcms = PC_MACHINE(obj);

    if (pcms->images) {
        g_ptr_array_free(pcms->images, TRUE);
    }
    x86_boot_plan_clear(&pcms->plan);
    g_free(pcms->kernel);
    e820_table_clear(&pcms->e820);
}

static void pc_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->alias = "pc";
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->family = "pc_piix";
    mc->init = pc_init;
    /* Not the default yet: "none" stays it until firmware boots. */
    mc->is_default = false;
    mc->max_cpus = 2;
    mc->default_cpus = 1;
    mc->default_ram_size = 128 * MiB;
    mc->default_ram_id = "pc.ram";
    mc->default_boot_order = "cad";
    mc->default_nic = "e1000";
}

static const TypeInfo pc_machine_info = {
    .name = TYPE_PC_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(PCMachineState),
    .instance_finalize = pc_machine_finalize,
    .class_init = pc_machine_class_init,
};

static void pc_machine_register_types(void)
{
    type_register_static(&pc_machine_info);
}
type_init(pc_machine_register_types)
