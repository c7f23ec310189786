/*
 * pc.c: the "pc" board (pc-i440fx-8.2, alias "pc"): RAM split around the
 * PCI hole as QEMU's pc does, the legacy ISA devices (COM ports, i8042 and
 * port 0x92, RTC/CMOS, port 0x80, PIIX reset control at 0xcf9) wired to
 * the ISA IRQs, fw_cfg, and the order of machine init. Direct kernel boot
 * is in pc-boot.c, the vCPUs and interrupt controllers in pc-cpus.c.
 * The PCI host bridge and bus 0 are in hw/pci-host/i440fx.c.
 * Not here yet: firmware.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/error.h"
#include "hw/i386/pc.h"
#include "hw/i386/pc-acpi.h"
#include "hw/i386/pc-tcg.h"
#include "hw/i386/pc-ferr.h"
#include "hw/char/serial.h"
#include "hw/input/i8042.h"
#include "hw/misc/ioport80.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci-host/i440fx.h"
#include "hw/qdev-properties.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/hostmem.h"
#include "system/runstate.h"
#include "system/system.h"
#include "target/i386/cpu.h"
#if CONFIG_KVM
#include "target/i386/kvm/kvm-cpuid.h"
#endif


#define PC_FW_CFG_IOBASE     0x510
#define PC_FW_CFG_DMA_IOBASE 0x514
/* What SeaBIOS keeps for itself at the top of low RAM (QEMU 7.2). */
#define PC_SEABIOS_RESERVED  0x20000ULL
#define PC_BIOS_ROM_START    0xfffc0000ULL
#define PC_BIOS_ROM_SIZE     0x40000ULL

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
                          E820_RESERVED, errp);
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

/*
 * The vendor and phys-bits of the vCPUs -cpu asks for (the default model
 * without it), resolved as vCPU creation will resolve them: QEMU's
 * pc_memory_init() reads them from the first vCPU, which Keel creates
 * last. Flag filtering (and its warnings) is left to vCPU creation.
 */
static bool pc_cpu_identity(MachineState *ms, bool *amd, unsigned *phys_bits,
                            Error **errp)
{
    g_autoptr(X86CPUSpec) spec = NULL;
    X86AccelInfo *accel = NULL;
    X86CPUConfig cfg;
    X86AccelInfo info;

    spec = x86_cpu_spec_parse(ms->cpu_model ? ms->cpu_model
                              : x86_cpu_default_model(ms->accel, NULL), errp);
    if (!spec) {
        return false;
    }
#if CONFIG_KVM
    if (kvm_state_get()) {
        if (!kvm_x86_accel_info(kvm_state_get(), &info, errp)) {
            return false;
        }
        accel = &info;
    }
#endif
    /* Under TCG, what TCG implements ("-cpu max"). */
    if (!accel && pc_tcg_accel_info_hook && pc_tcg_accel_info_hook(&info)) {
        accel = &info;
    }
    if (!x86_cpu_config_init(&cfg, spec, accel, errp)) {
        return false;
    }
    *amd = !strcmp(cfg.vendor, "AuthenticAMD");
    *phys_bits = cfg.phys_bits;
    return true;
}

/* The reserved ranges, then RAM where pc_ram_layout() put it. */
static bool pc_memory_e820(PCMachineState *pcms, bool amd_ht, Error **errp)
{
    E820Table *t = &pcms->e820;

    e820_table_init(t);
    return pc_reserved_e820(t, pcms->below_4g_mem_size, errp) &&
           (!amd_ht || e820_table_add(t, PC_AMD_HT_START, PC_AMD_HT_SIZE,
                                      E820_RESERVED, errp)) &&
           pc_e820_layout_at(t, pcms->below_4g_mem_size,
                             pcms->above_4g_mem_size,
                             pcms->above_4g_mem_start, errp);
}

static void pc_memory_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *ram;
    PCRamConfig cfg = {
        .ram_size = ms->ram_size,
        .maxram_size = ms->maxram_size,
        .ram_slots = ms->ram_slots,
        .pci_hole64_size = PC_PCI_HOLE64_SIZE,
        /* Off only for machine types before 7.1, which Keel lacks. */
        .enforce_amd_1tb_hole = true,
    };
    PCRamLayout layout;
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
    if (!pc_cpu_identity(ms, &cfg.amd, &cfg.phys_bits, &err) ||
        !pc_ram_layout(&layout, &cfg, &err)) {
        error_report_err(err);
        exit(1);
    }
    pcms->below_4g_mem_size = layout.below_4g;
    pcms->above_4g_mem_size = layout.above_4g;
    pcms->above_4g_mem_start = layout.above_4g_start;
    memory_region_init_alias(&pcms->ram_below_4g, OBJECT(ms), "ram-below-4g",
                             ram, 0, pcms->below_4g_mem_size);
    memory_region_add_subregion(sysmem, 0, &pcms->ram_below_4g);
    if (pcms->above_4g_mem_size) {
        memory_region_init_alias(&pcms->ram_above_4g, OBJECT(ms),
                                 "ram-above-4g", ram, pcms->below_4g_mem_size,
                                 pcms->above_4g_mem_size);
        memory_region_add_subregion(sysmem, pcms->above_4g_mem_start,
                                    &pcms->ram_above_4g);
    }
    if (!pc_memory_e820(pcms, layout.amd_ht_reserved, &err)) {
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

/*
 * Output line n of dev to ISA IRQ irq. Without interrupt controllers
 * (pcms->gsi NULL) the line stays unconnected and raising it does nothing.
 */
static void pc_isa_connect(PCMachineState *pcms, DeviceState *dev, int n,
                           unsigned irq)
{
    if (pcms->gsi && irq < ISA_NUM_IRQS) {
        isa_connect_irq(ISA_DEVICE(dev), n, pcms->gsi[irq]);
    }
}

static void pc_fw_cfg_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    FWCfgState *fw = fw_cfg_init_io_dma(PC_FW_CFG_IOBASE, PC_FW_CFG_DMA_IOBASE,
                                        &address_space_memory);
    g_autofree uint8_t *e820 = g_malloc(pcms->e820.count * E820_ENTRY_SIZE);
    size_t e820_len = 0;
    Error *err = NULL;

    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, ms->smp.cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, ms->smp.max_cpus);
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ms->ram_size);
    /* etc/e820: packed little-endian {u64 address, u64 length, u32 type}
     * for the RAM ranges, as QEMU gives them to the firmware. */
    for (unsigned i = 0; i < pcms->e820.count; i++) {
        if (pcms->e820.entries[i].type == E820_RAM) {
            e820_entry_store(e820 + e820_len, &pcms->e820.entries[i]);
            e820_len += E820_ENTRY_SIZE;
        }
    }
    if (!fw_cfg_add_file(fw, "etc/e820", e820, e820_len, &err)) {
        error_report_err(err);
        exit(1);
    }
}

/* The RTC's time from -rtc base=,clock= (checked already by vl.c). */
static void pc_rtc_set_time(MachineState *ms, RTCState *rtc)
{
    QEMUClockType clock;
    Error *err = NULL;
    time_t base;

    if (!mc146818rtc_parse_opts(ms->rtc_base, ms->rtc_clock, &base, &clock,
                                &err)) {
        error_report_err(err);
        exit(1);
    }
    mc146818rtc_set_base(rtc, base, clock);
}

static void pc_isa_init(PCMachineState *pcms)
{
    MachineState *ms = MACHINE(pcms);
    static MemoryRegion ioport80;
    static I440FXState i440fx;
    uint8_t cmos[RTC_CMOS_SIZE] = { 0 };
    static const int cmos_mem_bytes[] = {
        0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35, 0x5b, 0x5c, 0x5d,
    };
    RTCState *rtc;
    I8042State *kbd;
    Error *err = NULL;

    for (unsigned i = 0; i < MAX_ISA_SERIAL_PORTS; i++) {
        Chardev *chr = serial_hd(i);
        DeviceState *dev;

        if (!chr) {
            continue;
        }
        dev = serial_isa_init(i, chr, &err);
        if (!dev) {
            error_report_err(err);
            exit(1);
        }
        /* COM1-4 on IRQ 4, 3, 4, 3, as the device chose from its index. */
        pc_isa_connect(pcms, dev, 0, ISA_SERIAL(dev)->isairq);
    }
    kbd = I8042(pc_realize_new(TYPE_I8042));
    pc_isa_connect(pcms, DEVICE(kbd), 0, kbd->kbd_irq);
    pc_isa_connect(pcms, DEVICE(kbd), 1, kbd->mouse_irq);
    pc_realize_new(TYPE_PORT92);

    rtc = MC146818_RTC(pc_realize_new(TYPE_MC146818_RTC));
    pc_isa_connect(pcms, DEVICE(rtc), 0, rtc->isairq);
    pc_rtc_set_time(ms, rtc);
    pc_cmos_memory_bytes(pcms->below_4g_mem_size, pcms->above_4g_mem_size,
                         cmos);
    for (unsigned i = 0; i < G_N_ELEMENTS(cmos_mem_bytes); i++) {
        rtc_set_memory(rtc, cmos_mem_bytes[i], cmos[cmos_mem_bytes[i]]);
    }
    /* CPUs present, minus one (SeaBIOS reads it). */
    rtc_set_memory(rtc, 0x5f, ms->smp.cpus - 1);

    ioport80_init(&ioport80, OBJECT(ms), get_system_io());
    pc_ferr_new(pcms->gsi ? pcms->gsi[13] : NULL, get_system_io());  /* FERR#: IRQ13 */
    memory_region_init_io(&pcms->reset_control, OBJECT(ms), &pc_rcr_ops, pcms,
                          "reset-control", 1);
    /* 0xcf9 sits inside the bridge's 0xcf8 register, which passes it on. */
    i440fx_init(&i440fx, OBJECT(ms), get_system_io(), &pcms->reset_control);
    pc_fw_cfg_init(pcms);
}

/* ---- the board --------------------------------------------------------- */

static void pc_init(MachineState *ms)
{
    PCMachineState *pcms = PC_MACHINE(ms);
    Error *err = NULL;

    memory_init();
    pc_memory_init(pcms);
    /* Before the devices that raise GSIs and before any vCPU (KVM). */
    pc_irqchip_init(pcms);
    pc_isa_init(pcms);
    if (!pc_acpi_setup(pcms, &err)) {
        error_report_err(err);
        exit(1);
    }
    if (ms->kernel_filename) {
        pc_boot_load_kernel(pcms);
    }
    pc_cpus_init(pcms);
}

static void pc_machine_finalize(Object *obj)
{
    PCMachineState *pcms = PC_MACHINE(obj);

    pc_boot_cleanup(pcms);
    e820_table_clear(&pcms->e820);
}

/* QEMU's pc machine properties that choose chips (its help text). */
static Property pc_machine_props[] = {
    DEFINE_PROP("hpet", PCMachineState, hpet_enabled, qdev_prop_bool, bool,
                .description = "Enable/disable high precision event timer "
                               "emulation"),
    DEFINE_PROP_END_OF_LIST(),
};

/* The HPET is on unless -machine hpet=off, as in QEMU's pc. */
static void pc_machine_instance_init(Object *obj)
{
    PC_MACHINE(obj)->hpet_enabled = true;
}

static void pc_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    object_class_set_props(oc, pc_machine_props);

    mc->alias = "pc";
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->family = "pc_piix";
    mc->init = pc_init;
    /* Not the default yet: "none" stays it until firmware boots. */
    mc->is_default = false;
    /* As QEMU's pc-i440fx; KVM may allow fewer (vCPU creation says so). */
    mc->max_cpus = 255;
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
    .instance_init = pc_machine_instance_init,
    .instance_finalize = pc_machine_finalize,
    .class_init = pc_machine_class_init,
};

static void pc_machine_register_types(void)
{
    type_register_static(&pc_machine_info);
}
type_init(pc_machine_register_types)
