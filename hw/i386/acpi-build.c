/*
 * acpi-build.c: the ACPI tables the firmware-less PC machine hands to the
 * guest. Layouts follow ACPI 6.x chapter 5; the values mirror what QEMU's
 * PIIX4 PC shows a guest (see acpi-build.h for what the PM device must do).
 * Builds bytes only: placing them in guest memory is the machine's job.
 */
#include "qemu/osdep.h"
#include "hw/acpi/aml-build.h"
#include "hw/i386/acpi-build.h"

/* FADT Flags (ACPI 6.x table 5.10) */
#define FADT_F_WBINVD           (1u << 0)
#define FADT_F_PROC_C1          (1u << 2)
#define FADT_F_SLP_BUTTON       (1u << 5)
#define FADT_F_RTC_S4           (1u << 7)
#define FADT_F_RESET_REG_SUP    (1u << 10)
/* FADT IAPC_BOOT_ARCH */
#define FADT_BOOT_LEGACY_DEVICES (1u << 0)
#define FADT_BOOT_8042          (1u << 1)

/* MADT entry types and flags */
#define MADT_LOCAL_APIC         0
#define MADT_IO_APIC            1
#define MADT_INT_OVERRIDE       2
#define MADT_LOCAL_APIC_NMI     4
#define MADT_LOCAL_X2APIC       9
#define MADT_LOCAL_X2APIC_NMI   10
#define MADT_PCAT_COMPAT        (1u << 0)
#define MADT_CPU_ENABLED        (1u << 0)

#define ACPI_GAS_ACCESS_BYTE    1
#define ACPI_GAS_ACCESS_DWORD   3

static const struct {
    uint16_t port;
    uint8_t irq;
} serial_ports[ACPI_BUILD_MAX_SERIAL] = {
    { 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 },
};

void acpi_build_config_init_pc(AcpiBuildConfig *cfg, unsigned cpus,
                               unsigned max_cpus)
{
    static const AcpiIrqOverride pc_overrides[] = {
        /* The PIT's IRQ0 reaches IOAPIC pin 2; polarity/trigger conform. */
        { 0, 2, 0 },
        /* The SCI and the PCI PIRQs are shared level interrupts. */
        { ACPI_PC_SCI_IRQ, ACPI_PC_SCI_IRQ,
          ACPI_MADT_POLARITY_HIGH | ACPI_MADT_TRIGGER_LEVEL },
        { 10, 10, ACPI_MADT_POLARITY_HIGH | ACPI_MADT_TRIGGER_LEVEL },
        { 11, 11, ACPI_MADT_POLARITY_HIGH | ACPI_MADT_TRIGGER_LEVEL },
    };

    memset(cfg, 0, sizeof(*cfg));
    cfg->cpus = cpus;
    cfg->max_cpus = max_cpus;
    cfg->lapic_addr = ACPI_PC_LAPIC_ADDR;
    cfg->ioapic_id = 0;
    cfg->ioapic_addr = ACPI_PC_IOAPIC_ADDR;
    cfg->ioapic_gsi_base = 0;
    memcpy(cfg->overrides, pc_overrides, sizeof(pc_overrides));
    cfg->n_overrides = ARRAY_SIZE(pc_overrides);
    cfg->sci_irq = ACPI_PC_SCI_IRQ;
    cfg->pm1a_evt_blk = ACPI_PC_PM1A_EVT_BLK;
    cfg->pm1a_cnt_blk = ACPI_PC_PM1A_CNT_BLK;
    cfg->pm_tmr_blk = ACPI_PC_PM_TMR_BLK;
    cfg->reset_port = ACPI_PC_RESET_PORT;
    cfg->reset_value = ACPI_PC_RESET_VALUE;
    cfg->i8042 = true;
    cfg->rtc = true;
    cfg->n_serial = 2;
    cfg->hpet = true;
    cfg->hpet_addr = ACPI_PC_HPET_ADDR;
    cfg->pci = true;
    /* The machine lowers the start to the top of RAM below 4 GiB. */
    cfg->pci_hole_start = 0xe0000000u;
    cfg->pci_hole_end = ACPI_PC_IOAPIC_ADDR - 1;
    /* SeaBIOS's routing on QEMU's PC: PIRQ A-D -> IRQ 10, 10, 11, 11. */
    cfg->pci_pirq_gsi[0] = 10;
    cfg->pci_pirq_gsi[1] = 10;
    cfg->pci_pirq_gsi[2] = 11;
    cfg->pci_pirq_gsi[3] = 11;
}

static uint32_t cpu_apic_id(const AcpiBuildConfig *cfg, unsigned i)
{
    return cfg->apic_ids ? cfg->apic_ids[i] : i;
}

static bool check_config(const AcpiBuildConfig *cfg, Error **errp)
{
    if (cfg->cpus < 1 || cfg->cpus > cfg->max_cpus ||
        cfg->max_cpus > ACPI_BUILD_MAX_CPUS) {
        error_setg(errp, "ACPI: need 1 <= cpus (%u) <= maxcpus (%u) <= %u",
                   cfg->cpus, cfg->max_cpus, ACPI_BUILD_MAX_CPUS);
        return false;
    }
    for (unsigned i = 0; i < cfg->max_cpus; i++) {
        for (unsigned j = 0; j < i; j++) {
            if (cpu_apic_id(cfg, i) == cpu_apic_id(cfg, j)) {
                error_setg(errp, "ACPI: CPUs %u and %u share APIC id %" PRIu32,
                           j, i, cpu_apic_id(cfg, i));
                return false;
            }
        }
    }
    if (cfg->n_overrides > ACPI_BUILD_MAX_OVERRIDES) {
        error_setg(errp, "ACPI: too many interrupt overrides (%u, max %u)",
                   cfg->n_overrides, ACPI_BUILD_MAX_OVERRIDES);
        return false;
    }
    if (cfg->sci_irq >= 16) {
        error_setg(errp, "ACPI: SCI IRQ %u is not an ISA IRQ", cfg->sci_irq);
        return false;
    }
    if (!cfg->pm1a_evt_blk || !cfg->pm1a_cnt_blk || !cfg->pm_tmr_blk) {
        error_setg(errp, "ACPI: PM1a event, PM1a control and PM timer "
                   "ports are all required");
        return false;
    }
    if (cfg->n_serial > ACPI_BUILD_MAX_SERIAL) {
        error_setg(errp, "ACPI: at most %u serial ports, not %u",
                   ACPI_BUILD_MAX_SERIAL, cfg->n_serial);
        return false;
    }
    if (cfg->pci && cfg->pci_hole_start > cfg->pci_hole_end) {
        error_setg(errp, "ACPI: PCI hole 0x%" PRIx32 "-0x%" PRIx32 " is empty",
                   cfg->pci_hole_start, cfg->pci_hole_end);
        return false;
    }
    if (cfg->pci && cfg->pci_hole64_size &&
        cfg->pci_hole64_start + cfg->pci_hole64_size - 1 < cfg->pci_hole64_start) {
        error_setg(errp, "ACPI: 64-bit PCI hole wraps around");
        return false;
    }
    return true;
}

/* FACS: no checksum, 64-byte aligned; the OS keeps its waking vector here. */
static guint build_facs(GByteArray *blob)
{
    guint start;

    acpi_align(blob, 64);
    start = blob->len;
    acpi_append_str(blob, "FACS", 4);
    acpi_append_u32(blob, 64);          /* length */
    acpi_append_u32(blob, 0);           /* hardware signature */
    acpi_append_u32(blob, 0);           /* firmware waking vector */
    acpi_append_u32(blob, 0);           /* global lock */
    acpi_append_u32(blob, 0);           /* flags: no S4BIOS, 32-bit wake */
    acpi_append_u64(blob, 0);           /* X firmware waking vector */
    acpi_append_u8(blob, 2);            /* version (ACPI 4.0 and later) */
    acpi_append_zeros(blob, 3);
    acpi_append_u32(blob, 0);           /* OSPM flags */
    acpi_append_zeros(blob, 24);
    return start;
}

/* Name(_HID, EISAID(id)) */
static void name_eisaid(GByteArray *aml, const char *name, const char *id)
{
    aml_name(aml, name);
    aml_int(aml, aml_eisaid(id));
}

static void name_int(GByteArray *aml, const char *name, uint64_t v)
{
    aml_name(aml, name);
    aml_int(aml, v);
}

static void name_crs(GByteArray *aml, const GByteArray *rt)
{
    aml_name(aml, "_CRS");
    aml_resource_template(aml, rt);
}

/* A device with _HID EISAID(hid) and _CRS made of IO ranges and one IRQ. */
static void build_isa_device(GByteArray *aml, const char *name, const char *hid,
                             int uid, const uint16_t *ports, const uint8_t *lens,
                             unsigned nports, int irq)
{
    g_autoptr(GByteArray) rt = g_byte_array_new();
    guint dev = aml_device_begin(aml, name);

    name_eisaid(aml, "_HID", hid);
    if (uid >= 0) {
        name_int(aml, "_UID", uid);
    }
    for (unsigned i = 0; i < nports; i++) {
        aml_rt_io(rt, ports[i], ports[i], 1, lens[i]);
    }
    if (irq >= 0) {
        aml_rt_irq_noflags(rt, irq);
    }
    name_crs(aml, rt);
    aml_end(aml, dev);
}

static void build_pci_host(GByteArray *aml, const AcpiBuildConfig *cfg)
{
    g_autoptr(GByteArray) rt = g_byte_array_new();
    guint dev = aml_device_begin(aml, "PCI0");

    name_eisaid(aml, "_HID", "PNP0A03");
    name_int(aml, "_ADR", 0);
    name_int(aml, "_UID", 0);

    aml_rt_word_bus_number(rt, 0x00, 0xff);
    /* The config address/data ports belong to the bridge itself. */
    aml_rt_io(rt, 0xcf8, 0xcf8, 1, 8);
    aml_rt_word_io(rt, 0x0000, 0x0cf7);
    aml_rt_word_io(rt, 0x0d00, 0xffff);
    /* Legacy VGA memory is decoded by whatever VGA device sits on the bus. */
    aml_rt_dword_memory(rt, 0x000a0000, 0x000bffff, true);
    aml_rt_dword_memory(rt, cfg->pci_hole_start, cfg->pci_hole_end, false);
    if (cfg->pci_hole64_size) {
        aml_rt_qword_memory(rt, cfg->pci_hole64_start,
                            cfg->pci_hole64_start + cfg->pci_hole64_size - 1,
                            false);
    }
    name_crs(aml, rt);

    if (cfg->pci_pirq_gsi[0] || cfg->pci_pirq_gsi[1] ||
        cfg->pci_pirq_gsi[2] || cfg->pci_pirq_gsi[3]) {
        /*
         * _PRT with GSIs (Source 0) rather than link devices: routing is
         * fixed by the machine, so there is nothing for the OS to choose.
         */
        guint prt;

        aml_name(aml, "_PRT");
        prt = aml_package_begin(aml);
        for (unsigned slot = 0; slot < 32; slot++) {
            for (unsigned pin = 0; pin < 4; pin++) {
                guint e = aml_package_begin(aml);

                aml_int(aml, (slot << 16) | 0xffff);
                aml_int(aml, pin);
                aml_int(aml, 0);
                aml_int(aml, cfg->pci_pirq_gsi[(slot + pin - 1) & 3]);
                aml_package_end(aml, e, 4);
            }
        }
        aml_package_end(aml, prt, 32 * 4);
    }
    aml_end(aml, dev);
}

static guint build_dsdt(GByteArray *blob, const AcpiBuildConfig *cfg)
{
    g_autoptr(GByteArray) aml = g_byte_array_new();
    guint table, sb, dev, pkg;

    sb = aml_scope_begin(aml, "\\_SB");

    /* A PNP0C0C device lets the OS list the button; events arrive through
     * the fixed-feature PWRBTN_STS bit (FADT PWR_BUTTON clear). */
    dev = aml_device_begin(aml, "PWRB");
    name_eisaid(aml, "_HID", "PNP0C0C");
    name_int(aml, "_UID", 0);
    aml_end(aml, dev);

    for (unsigned i = 0; i < cfg->n_serial; i++) {
        char name[5] = "COM1";
        uint8_t len = 8;

        name[3] += i;
        build_isa_device(aml, name, "PNP0501", i + 1, &serial_ports[i].port,
                         &len, 1, serial_ports[i].irq);
    }
    if (cfg->rtc) {
        static const uint16_t port = 0x70;
        static const uint8_t len = 8;

        build_isa_device(aml, "RTC", "PNP0B00", -1, &port, &len, 1, 8);
    }
    if (cfg->i8042) {
        static const uint16_t ports[] = { 0x60, 0x64 };
        static const uint8_t lens[] = { 1, 1 };

        build_isa_device(aml, "KBD", "PNP0303", -1, ports, lens, 2, 1);
        build_isa_device(aml, "MOU", "PNP0F13", -1, NULL, NULL, 0, 12);
    }
    if (cfg->hpet) {
        g_autoptr(GByteArray) rt = g_byte_array_new();

        dev = aml_device_begin(aml, "HPET");
        name_eisaid(aml, "_HID", "PNP0103");
        name_int(aml, "_UID", 0);
        aml_rt_memory32_fixed(rt, cfg->hpet_addr, 0x400, false);
        name_crs(aml, rt);
        aml_end(aml, dev);
    }
    if (cfg->pci) {
        build_pci_host(aml, cfg);
    }
    /* Processor devices whose _UID matches the MADT's processor UID. */
    for (unsigned i = 0; i < cfg->cpus; i++) {
        char name[5];

        snprintf(name, sizeof(name), "C%03X", i & 0xfff);
        dev = aml_device_begin(aml, name);
        aml_name(aml, "_HID");
        aml_string(aml, "ACPI0007");
        name_int(aml, "_UID", i);
        aml_end(aml, dev);
    }
    aml_end(aml, sb);

    /* \_S5: SLP_TYP for PM1a_CNT and PM1b_CNT, then two reserved. */
    aml_name(aml, "\\_S5");
    pkg = aml_package_begin(aml);
    aml_int(aml, ACPI_SLP_TYP_S5);
    aml_int(aml, ACPI_SLP_TYP_S5);
    aml_int(aml, 0);
    aml_int(aml, 0);
    aml_package_end(aml, pkg, 4);

    /* Revision 2: integers are 64 bits wide. */
    table = acpi_table_begin(blob, "DSDT", 2);
    g_byte_array_append(blob, aml->data, aml->len);
    acpi_table_end(blob, table);
    return table;
}

static guint build_fadt(GByteArray *blob, const AcpiBuildConfig *cfg,
                        uint64_t facs, uint64_t dsdt)
{
    uint32_t flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
                     FADT_F_RTC_S4;
    uint16_t boot_arch = 0;
    guint t;

    if (cfg->reset_port) {
        flags |= FADT_F_RESET_REG_SUP;
    }
    if (cfg->rtc || cfg->n_serial) {
        boot_arch |= FADT_BOOT_LEGACY_DEVICES;
    }
    if (cfg->i8042) {
        /* Linux drops the i8042 on FADT rev >= 2 unless this is set. */
        boot_arch |= FADT_BOOT_8042;
    }

    t = acpi_table_begin(blob, "FACP", 3);
    acpi_append_u32(blob, facs);        /* FIRMWARE_CTRL */
    acpi_append_u32(blob, dsdt);
    acpi_append_u8(blob, 0);            /* reserved (ACPI 1.0 INT_MODEL) */
    acpi_append_u8(blob, 0);            /* preferred PM profile: unspecified */
    acpi_append_u16(blob, cfg->sci_irq);
    /* SMI_CMD 0: no SMM handshake, the hardware is in ACPI mode already. */
    acpi_append_u32(blob, 0);
    acpi_append_u8(blob, 0);            /* ACPI_ENABLE */
    acpi_append_u8(blob, 0);            /* ACPI_DISABLE */
    acpi_append_u8(blob, 0);            /* S4BIOS_REQ */
    acpi_append_u8(blob, 0);            /* PSTATE_CNT */
    acpi_append_u32(blob, cfg->pm1a_evt_blk);
    acpi_append_u32(blob, 0);           /* PM1b_EVT_BLK */
    acpi_append_u32(blob, cfg->pm1a_cnt_blk);
    acpi_append_u32(blob, 0);           /* PM1b_CNT_BLK */
    acpi_append_u32(blob, 0);           /* PM2_CNT_BLK */
    acpi_append_u32(blob, cfg->pm_tmr_blk);
    acpi_append_u32(blob, cfg->gpe0_blk);
    acpi_append_u32(blob, 0);           /* GPE1_BLK */
    acpi_append_u8(blob, 4);            /* PM1_EVT_LEN */
    acpi_append_u8(blob, 2);            /* PM1_CNT_LEN */
    acpi_append_u8(blob, 0);            /* PM2_CNT_LEN */
    acpi_append_u8(blob, 4);            /* PM_TMR_LEN */
    acpi_append_u8(blob, cfg->gpe0_blk ? cfg->gpe0_blk_len : 0);
    acpi_append_u8(blob, 0);            /* GPE1_BLK_LEN */
    acpi_append_u8(blob, 0);            /* GPE1_BASE */
    acpi_append_u8(blob, 0);            /* CST_CNT */
    /* Latencies above 100 and 1000 us say C2 and C3 are not supported. */
    acpi_append_u16(blob, 0x0fff);      /* P_LVL2_LAT */
    acpi_append_u16(blob, 0xffff);      /* P_LVL3_LAT */
    acpi_append_u16(blob, 0);           /* FLUSH_SIZE */
    acpi_append_u16(blob, 0);           /* FLUSH_STRIDE */
    acpi_append_u8(blob, 0);            /* DUTY_OFFSET */
    acpi_append_u8(blob, 0);            /* DUTY_WIDTH */
    acpi_append_u8(blob, 0);            /* DAY_ALRM: no CMOS index */
    acpi_append_u8(blob, 0);            /* MON_ALRM */
    acpi_append_u8(blob, cfg->rtc ? 0x32 : 0); /* CENTURY CMOS index */
    acpi_append_u16(blob, boot_arch);
    acpi_append_u8(blob, 0);
    acpi_append_u32(blob, flags);
    if (cfg->reset_port) {
        acpi_append_gas(blob, ACPI_GAS_IO, 8, 0, ACPI_GAS_ACCESS_BYTE,
                        cfg->reset_port);
    } else {
        acpi_append_zeros(blob, 12);
    }
    acpi_append_u8(blob, cfg->reset_port ? cfg->reset_value : 0);
    acpi_append_zeros(blob, 3);         /* ARM_BOOT_ARCH, FADT minor rev */
    /*
     * X_FIRMWARE_CTRL 0: with both pointers set, Linux's ACPICA installs
     * the FACS twice ("ACPI: FACS" listed twice in dmesg). The FACS is
     * below 4 GiB, so the 32-bit pointer alone does, as in QEMU's FADT.
     */
    acpi_append_u64(blob, 0);           /* X_FIRMWARE_CTRL */
    acpi_append_u64(blob, dsdt);        /* X_DSDT */
    acpi_append_gas(blob, ACPI_GAS_IO, 32, 0, 0, cfg->pm1a_evt_blk);
    acpi_append_zeros(blob, 12);        /* X_PM1b_EVT_BLK */
    acpi_append_gas(blob, ACPI_GAS_IO, 16, 0, 0, cfg->pm1a_cnt_blk);
    acpi_append_zeros(blob, 12);        /* X_PM1b_CNT_BLK */
    acpi_append_zeros(blob, 12);        /* X_PM2_CNT_BLK */
    acpi_append_gas(blob, ACPI_GAS_IO, 32, 0, ACPI_GAS_ACCESS_DWORD,
                    cfg->pm_tmr_blk);
    if (cfg->gpe0_blk) {
        acpi_append_gas(blob, ACPI_GAS_IO, cfg->gpe0_blk_len * 8, 0, 0,
                        cfg->gpe0_blk);
    } else {
        acpi_append_zeros(blob, 12);
    }
    acpi_append_zeros(blob, 12);        /* X_GPE1_BLK */
    acpi_table_end(blob, t);
    return t;
}

static guint build_madt(GByteArray *blob, const AcpiBuildConfig *cfg)
{
    bool x2apic = false;
    guint t;

    t = acpi_table_begin(blob, "APIC", 3);
    acpi_append_u32(blob, cfg->lapic_addr);
    acpi_append_u32(blob, MADT_PCAT_COMPAT);    /* the 8259s are there too */

    /* CPUs beyond -smp cpus are listed disabled so maxcpus is visible. */
    for (unsigned i = 0; i < cfg->max_cpus; i++) {
        uint32_t id = cpu_apic_id(cfg, i);
        uint32_t flags = i < cfg->cpus ? MADT_CPU_ENABLED : 0;

        if (id < 0xff && i < 0xff) {
            acpi_append_u8(blob, MADT_LOCAL_APIC);
            acpi_append_u8(blob, 8);
            acpi_append_u8(blob, i);            /* ACPI processor UID */
            acpi_append_u8(blob, id);
            acpi_append_u32(blob, flags);
        } else {
            /* 0xff is the broadcast id: larger ids need x2APIC entries. */
            x2apic = true;
            acpi_append_u8(blob, MADT_LOCAL_X2APIC);
            acpi_append_u8(blob, 16);
            acpi_append_u16(blob, 0);
            acpi_append_u32(blob, id);
            acpi_append_u32(blob, flags);
            acpi_append_u32(blob, i);           /* ACPI processor UID */
        }
    }

    acpi_append_u8(blob, MADT_IO_APIC);
    acpi_append_u8(blob, 12);
    acpi_append_u8(blob, cfg->ioapic_id);
    acpi_append_u8(blob, 0);
    acpi_append_u32(blob, cfg->ioapic_addr);
    acpi_append_u32(blob, cfg->ioapic_gsi_base);

    for (unsigned i = 0; i < cfg->n_overrides; i++) {
        acpi_append_u8(blob, MADT_INT_OVERRIDE);
        acpi_append_u8(blob, 10);
        acpi_append_u8(blob, 0);                /* bus: ISA */
        acpi_append_u8(blob, cfg->overrides[i].source);
        acpi_append_u32(blob, cfg->overrides[i].gsi);
        acpi_append_u16(blob, cfg->overrides[i].flags);
    }

    /* LINT1 of every local APIC is wired to NMI, as on PC hardware. */
    acpi_append_u8(blob, MADT_LOCAL_APIC_NMI);
    acpi_append_u8(blob, 6);
    acpi_append_u8(blob, 0xff);                 /* all processors */
    acpi_append_u16(blob, 0);                   /* flags: conforming */
    acpi_append_u8(blob, 1);                    /* LINT1 */
    if (x2apic) {
        acpi_append_u8(blob, MADT_LOCAL_X2APIC_NMI);
        acpi_append_u8(blob, 12);
        acpi_append_u16(blob, 0);
        acpi_append_u32(blob, 0xffffffffu);     /* all processors */
        acpi_append_u8(blob, 1);
        acpi_append_zeros(blob, 3);
    }
    acpi_table_end(blob, t);
    return t;
}

static guint build_hpet(GByteArray *blob, const AcpiBuildConfig *cfg)
{
    guint t = acpi_table_begin(blob, "HPET", 1);

    /*
     * Event timer block id, as the HPET's capabilities register reads:
     * vendor 0x8086, legacy replacement capable, 64-bit counter, 3
     * comparators, revision 1.
     */
    acpi_append_u32(blob, 0x8086a201);
    acpi_append_gas(blob, ACPI_GAS_MEMORY, 0, 0, 0, cfg->hpet_addr);
    acpi_append_u8(blob, 0);                    /* HPET number */
    acpi_append_u16(blob, 0);                   /* minimum clock tick */
    acpi_append_u8(blob, 0);                    /* no page protection */
    acpi_table_end(blob, t);
    return t;
}

bool acpi_build_tables(const AcpiBuildConfig *cfg, uint64_t base_addr,
                       GByteArray *out, uint64_t *rsdp_addr, Error **errp)
{
    g_autoptr(GByteArray) blob = g_byte_array_new();
    uint64_t base = base_addr + out->len;   /* guest address of blob[0] */
    guint facs, dsdt, listed[3], rsdp;
    unsigned n = 0;

    if (!check_config(cfg, errp)) {
        return false;
    }
    /* blob offsets are aligned as guest addresses must be (FACS: 64). */
    if (base % 64) {
        error_setg(errp, "ACPI tables need a 64-byte aligned base, "
                   "not 0x%" PRIx64, base);
        return false;
    }
    /* Every table goes after those it points to (see acpi_link_root). */
    facs = build_facs(blob);
    acpi_align(blob, 8);
    dsdt = build_dsdt(blob, cfg);
    acpi_align(blob, 8);
    listed[n++] = build_fadt(blob, cfg, base + facs, base + dsdt);
    acpi_align(blob, 8);
    listed[n++] = build_madt(blob, cfg);
    if (cfg->hpet) {
        acpi_align(blob, 8);
        listed[n++] = build_hpet(blob, cfg);
    }
    if (!acpi_link_root(blob, base, listed, n, &rsdp, errp)) {
        return false;
    }
    g_byte_array_append(out, blob->data, blob->len);
    *rsdp_addr = base + rsdp;
    return true;
}
