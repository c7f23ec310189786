/*
 * pc-acpi.c: the PC's ACPI without firmware: build the tables for this
 * machine (acpi-build.c), put them in the reserved BIOS area where an OS
 * scans for the RSDP, put them back at every reset, and create the PM
 * block ("acpi-pm") the FADT points at. The same bytes go to fw_cfg for
 * a firmware. One machine per process, as the fixed guest addresses imply.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "hw/acpi/pm.h"
#include "hw/i386/acpi-build.h"
#include "hw/i386/pc-acpi.h"
#include "hw/nvram/fw_cfg.h"
#include "target/i386/cpu.h"
#include "system/runstate.h"
#include "system/system.h"

typedef struct PCAcpi {
    GByteArray *tables;         /* the blob for PC_ACPI_TABLES_BASE */
    uint64_t rsdp_addr;
    DeviceState *pm;
} PCAcpi;

static PCAcpi *pc_acpi;

/* COM ports present from COM1 on: the DSDT lists COM1..COMn. */
static unsigned pc_acpi_serial_count(void)
{
    unsigned n = 0;

    while (n < ACPI_BUILD_MAX_SERIAL && serial_hd(n)) {
        n++;
    }
    return n;
}

/*
 * The configuration of this machine. The MADT lists the APIC IDs of the
 * -smp topology (socket/core/thread bit fields), the IDs the vCPUs have;
 * apic_ids gets max_cpus of them and must outlive the build.
 */
static void pc_acpi_config(PCMachineState *pcms, AcpiBuildConfig *cfg,
                           uint32_t **apic_ids)
{
    MachineState *ms = MACHINE(pcms);
    unsigned cpus = MAX(ms->smp.cpus, 1);
    unsigned max_cpus = MAX(ms->smp.max_cpus, cpus);

    acpi_build_config_init_pc(cfg, cpus, max_cpus);
    *apic_ids = g_new(uint32_t, max_cpus);
    for (unsigned i = 0; i < max_cpus; i++) {
        (*apic_ids)[i] = x86_cpu_apic_id(&ms->smp, i);
    }
    cfg->apic_ids = *apic_ids;
    cfg->n_serial = pc_acpi_serial_count();
    /*
     * The PCI host bridge (hw/pci-host/i440fx.c), and an HPET only where
     * the board made one (not with -machine hpet=off): tables that
     * promised missing hardware would send the OS after it.
     */
    cfg->hpet = pcms->hpet;
    cfg->pci = true;
    /* QEMU's PCI hole starts at the top of RAM below 4 GiB. */
    cfg->pci_hole_start = MAX(pcms->below_4g_mem_size, PC_HIGH_RAM_START);
}

/* The tables must never look like RAM to the guest: reserve what is not. */
static bool pc_acpi_reserve(PCMachineState *pcms, uint64_t size, Error **errp)
{
    uint64_t start = PC_ACPI_TABLES_BASE, end = start + size;

    for (unsigned i = 0; i < pcms->e820.count; i++) {
        const E820Entry *e = &pcms->e820.entries[i];

        if (e->type == E820_RAM && e->addr < end && e->addr + e->size > start) {
            return e820_table_add(&pcms->e820, start, size, E820_RESERVED,
                                  errp);
        }
    }
    return true;
}

static bool pc_acpi_install(PCAcpi *a, Error **errp)
{
    if (address_space_write(&address_space_memory, PC_ACPI_TABLES_BASE,
                            MEMTXATTRS_UNSPECIFIED, a->tables->data,
                            a->tables->len) != MEMTX_OK) {
        error_setg(errp, "ACPI tables: no RAM at 0x%llx-0x%llx (the BIOS "
                   "area); the machine needs at least 1 MiB of RAM",
                   PC_ACPI_TABLES_BASE,
                   PC_ACPI_TABLES_BASE + a->tables->len - 1);
        return false;
    }
    return true;
}

/* As a firmware would at every boot: the guest may have written there. */
static void pc_acpi_reset(void *opaque)
{
    Error *err = NULL;

    if (!pc_acpi_install(opaque, &err)) {
        error_report_err(err);
    }
}

static bool pc_acpi_build(PCMachineState *pcms, PCAcpi *a, Error **errp)
{
    AcpiBuildConfig cfg;
    g_autofree uint32_t *apic_ids = NULL;

    pc_acpi_config(pcms, &cfg, &apic_ids);
    a->tables = g_byte_array_new();
    if (!acpi_build_tables(&cfg, PC_ACPI_TABLES_BASE, a->tables,
                           &a->rsdp_addr, errp)) {
        return false;
    }
    if (a->tables->len > PC_ACPI_TABLES_END - PC_ACPI_TABLES_BASE) {
        error_setg(errp, "ACPI tables: %u bytes do not fit the 0x%llx bytes "
                   "at 0x%llx", a->tables->len,
                   PC_ACPI_TABLES_END - PC_ACPI_TABLES_BASE,
                   PC_ACPI_TABLES_BASE);
        return false;
    }
    return pc_acpi_reserve(pcms, a->tables->len, errp) &&
           pc_acpi_install(a, errp);
}

/*
 * QEMU's fw_cfg names, for a firmware that wants the tables. There is no
 * "etc/table-loader": the blob is already linked for PC_ACPI_TABLES_BASE,
 * where it sits: SeaBIOS, finding no loader script, builds its own
 * tables, and a firmware that copies these must put them there.
 */
static bool pc_acpi_fw_cfg(PCAcpi *a, Error **errp)
{
    FWCfgState *fw = fw_cfg_find();
    uint64_t rsdp_off = a->rsdp_addr - PC_ACPI_TABLES_BASE;

    if (!fw) {
        return true;
    }
    return fw_cfg_add_file(fw, "etc/acpi/rsdp", a->tables->data + rsdp_off,
                           MIN(a->tables->len - rsdp_off, 36), errp) &&
           fw_cfg_add_file(fw, "etc/acpi/tables", a->tables->data,
                           a->tables->len, errp);
}

bool pc_acpi_setup(PCMachineState *pcms, Error **errp)
{
    PCAcpi *a;
    qemu_irq sci = pcms->gsi ? pcms->gsi[ACPI_PC_SCI_IRQ] : NULL;

    if (pc_acpi) {
        error_setg(errp, "ACPI: the tables are already installed");
        return false;
    }
    a = g_new0(PCAcpi, 1);
    if (!pc_acpi_build(pcms, a, errp) || !pc_acpi_fw_cfg(a, errp)) {
        goto fail;
    }
    a->pm = acpi_pm_create(ACPI_PC_PM1A_EVT_BLK, sci, errp);
    if (!a->pm) {
        goto fail;
    }
    qemu_register_reset(pc_acpi_reset, a);
    pc_acpi = a;
    return true;

fail:
    if (a->tables) {
        g_byte_array_free(a->tables, true);
    }
    g_free(a);
    return false;
}

uint64_t pc_acpi_rsdp_addr(void)
{
    return pc_acpi ? pc_acpi->rsdp_addr : 0;
}

DeviceState *pc_acpi_pm(void)
{
    return pc_acpi ? pc_acpi->pm : NULL;
}
