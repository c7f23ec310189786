/*
 * test-pc-acpi.c: the pc machine's ACPI as a guest finds it: the RSDP by
 * a scan of the BIOS area, tables with good checksums inside reserved e820
 * ranges, the MADT's CPUs from -smp, the FADT's PM ports, the PM block
 * behind them (S5 -> shutdown request, power button -> SCI on GSI 9), the
 * tables restored at reset and, when iasl is installed, accepted by it.
 * One machine (2 MiB of RAM, -smp 1,maxcpus=2, COM1) for the whole run.
 */
#include "qemu/osdep.h"
#include "hw/acpi/pm.h"
#include "hw/i386/acpi-build.h"
#include "hw/i386/pc-acpi.h"
#include "hw/nvram/fw_cfg.h"
#include "qemu/bswap.h"
#include "qemu/main-loop.h"
#include "system/accel.h"
#include "system/runstate.h"
#include "system/system.h"
#include "exec/memory.h"
#include "test-helpers.h"

#define A MEMTXATTRS_UNSPECIFIED
#define RAM_SIZE (2 * MiB)
#define N_GSI 24
#define PM_STS ACPI_PC_PM1A_EVT_BLK
#define PM_EN (ACPI_PC_PM1A_EVT_BLK + 2)

static PCMachineState *pcms;
static MemoryRegion ram;
static qemu_irq gsi[N_GSI];
static int gsi_level[N_GSI];
static Chardev *com1;
static uint64_t ram_kib_before;    /* e820 RAM before pc_acpi_setup */

/* vl.c is not linked: the machine sees COM1 only. */
Chardev *serial_hd(int i)
{
    return i == 0 ? com1 : NULL;
}

static void gsi_handler(void *opaque, int n, int level)
{
    gsi_level[n] = level;
}

static uint8_t rd8(uint64_t addr)
{
    return address_space_ldub(&address_space_memory, addr, A, NULL);
}

static uint32_t rd32(uint64_t addr)
{
    return address_space_ldl_le(&address_space_memory, addr, A, NULL);
}

static uint8_t *guest_bytes(uint64_t addr, size_t len)
{
    uint8_t *buf = g_malloc(len);

    g_assert_cmpint(address_space_read(&address_space_memory, addr, A, buf,
                                       len), ==, MEMTX_OK);
    return buf;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--) {
        s += *p++;
    }
    return s;
}

/* The table at addr: signature sig, checksum right; g_free the copy. */
static uint8_t *table(uint64_t addr, const char *sig)
{
    uint32_t len = rd32(addr + 4);
    uint8_t *t;

    g_assert_cmpuint(len, >=, 36);
    g_assert_cmpuint(len, <, 64 * KiB);
    t = guest_bytes(addr, len);
    g_assert_cmpmem(t, 4, sig, 4);
    g_assert_cmphex(sum(t, len), ==, 0);
    return t;
}

/* As an OS without boot_params.acpi_rsdp_addr: scan 0xe0000-0xfffff. */
static uint64_t scan_rsdp(void)
{
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
        g_autofree uint8_t *p = guest_bytes(a, 20);

        if (!memcmp(p, "RSD PTR ", 8) && sum(p, 20) == 0) {
            return a;
        }
    }
    return 0;
}

/* The address of the table with signature sig listed in the RSDT. */
static uint64_t find_table(const char *sig)
{
    uint64_t rsdt = rd32(pc_acpi_rsdp_addr() + 16);
    g_autofree uint8_t *t = table(rsdt, "RSDT");
    uint32_t len = ldl_le_p(t + 4);

    for (uint32_t off = 36; off + 4 <= len; off += 4) {
        uint64_t addr = ldl_le_p(t + off);
        g_autofree uint8_t *sigbuf = guest_bytes(addr, 4);

        if (!memcmp(sigbuf, sig, 4)) {
            return addr;
        }
    }
    return 0;
}

static bool e820_reserved(uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < pcms->e820.count; i++) {
        const E820Entry *e = &pcms->e820.entries[i];

        if (e->type != E820_RAM && e->addr <= start &&
            e->addr + e->size >= end) {
            return true;
        }
    }
    return false;
}

static void test_rsdp_found(void)
{
    uint64_t rsdp = scan_rsdp();
    g_autofree uint8_t *p = NULL;

    g_assert_cmphex(rsdp, !=, 0);
    g_assert_cmphex(rsdp, ==, pc_acpi_rsdp_addr());
    g_assert_cmphex(rsdp % 16, ==, 0);
    p = guest_bytes(rsdp, 36);
    /* ACPI 2.0 RSDP: the extended checksum covers all 36 bytes. */
    g_assert_cmpuint(p[15], ==, 2);
    g_assert_cmphex(sum(p, 36), ==, 0);
    g_assert_cmpuint(ldq_le_p(p + 24), !=, 0);
}

static void check_reserved(uint64_t addr)
{
    uint32_t len = rd32(addr + 4);

    g_assert_true(e820_reserved(addr, addr + len));
}

/* Every table, the RSDP included, lies in a range the guest must not use. */
static void test_tables_reserved(void)
{
    uint64_t rsdp = pc_acpi_rsdp_addr();
    uint64_t rsdt = rd32(rsdp + 16);
    uint64_t xsdt = address_space_ldq_le(&address_space_memory, rsdp + 24, A,
                                         NULL);
    uint64_t fadt = find_table("FACP");
    g_autofree uint8_t *r = table(rsdt, "RSDT");
    g_autofree uint8_t *x = table(xsdt, "XSDT");
    g_autofree uint8_t *f = NULL;
    uint32_t n = (ldl_le_p(r + 4) - 36) / 4;

    g_assert_true(e820_reserved(rsdp, rsdp + 36));
    check_reserved(rsdt);
    check_reserved(xsdt);
    /* The XSDT lists the same tables as the RSDT, in the same order. */
    g_assert_cmpuint((ldl_le_p(x + 4) - 36) / 8, ==, n);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t addr = ldl_le_p(r + 36 + 4 * i);
        g_autofree uint8_t *sig = guest_bytes(addr, 4);
        g_autofree uint8_t *t = NULL;

        g_assert_cmphex(ldq_le_p(x + 36 + 8 * i), ==, addr);
        t = table(addr, (const char *)sig);
        check_reserved(addr);
    }
    g_assert_cmphex(fadt, !=, 0);
    f = table(fadt, "FACP");
    g_free(table(ldl_le_p(f + 40), "DSDT"));
    check_reserved(ldl_le_p(f + 40));
    check_reserved(ldl_le_p(f + 36));
    g_assert_cmphex(ldl_le_p(f + 36) % 64, ==, 0);
    /* Reserving the tables cost the guest no RAM. */
    g_assert_cmpuint(e820_table_ram_kib(&pcms->e820, 0, RAM_SIZE), ==,
                     ram_kib_before);
}

/* -smp 1,maxcpus=2: CPU 0 enabled, CPU 1 listed but disabled. */
static void test_madt_cpus(void)
{
    uint64_t addr = find_table("APIC");
    g_autofree uint8_t *m = NULL;
    uint32_t len;
    unsigned lapics = 0, enabled = 0, ioapics = 0;
    bool irq0_to_gsi2 = false;

    g_assert_cmphex(addr, !=, 0);
    m = table(addr, "APIC");
    len = ldl_le_p(m + 4);
    g_assert_cmphex(ldl_le_p(m + 36), ==, ACPI_PC_LAPIC_ADDR);
    for (uint32_t off = 44; off + 2 <= len; off += m[off + 1]) {
        const uint8_t *e = m + off;

        g_assert_cmpuint(e[1], >=, 2);
        switch (e[0]) {
        case 0:
            g_assert_cmpuint(e[3], ==, lapics);     /* APIC id = index */
            enabled += e[4] & 1;
            g_assert_cmpuint(e[4] & 1, ==, lapics == 0);
            lapics++;
            break;
        case 1:
            ioapics++;
            g_assert_cmphex(ldl_le_p(e + 4), ==, ACPI_PC_IOAPIC_ADDR);
            break;
        case 2:
            if (e[3] == 0) {
                irq0_to_gsi2 = ldl_le_p(e + 4) == 2;
            }
            break;
        }
    }
    g_assert_cmpuint(lapics, ==, 2);
    g_assert_cmpuint(enabled, ==, 1);
    g_assert_cmpuint(ioapics, ==, 1);
    g_assert_true(irq0_to_gsi2);
}

/* Is there "_HID" with the DWordConst EISAID(id) in the DSDT? */
static bool dsdt_has_hid(const uint8_t *d, uint32_t len, uint32_t id)
{
    for (uint32_t i = 36; i + 9 <= len; i++) {
        if (!memcmp(d + i, "_HID", 4) && d[i + 4] == 0x0c &&
            ldl_le_p(d + i + 5) == id) {
            return true;
        }
    }
    return false;
}

static bool dsdt_has(const uint8_t *d, uint32_t len, const char *name)
{
    return memmem(d + 36, len - 36, name, strlen(name)) != NULL;
}

/* The FADT points at the PM block and the DSDT describes the machine. */
static void test_fadt_dsdt(void)
{
    g_autofree uint8_t *f = table(find_table("FACP"), "FACP");
    g_autofree uint8_t *d = table(ldl_le_p(f + 40), "DSDT");
    uint32_t len = ldl_le_p(d + 4);

    g_assert_cmpuint(lduw_le_p(f + 46), ==, ACPI_PC_SCI_IRQ);
    g_assert_cmphex(ldl_le_p(f + 56), ==, ACPI_PC_PM1A_EVT_BLK);
    g_assert_cmphex(ldl_le_p(f + 64), ==, ACPI_PC_PM1A_CNT_BLK);
    g_assert_cmphex(ldl_le_p(f + 76), ==, ACPI_PC_PM_TMR_BLK);
    /* EISAID("PNP0501") and friends, as the AML stores them. */
    g_assert_true(dsdt_has_hid(d, len, 0x0105d041));    /* COM1 */
    g_assert_true(dsdt_has(d, len, "COM1"));
    g_assert_false(dsdt_has(d, len, "COM2"));           /* not present */
    g_assert_true(dsdt_has_hid(d, len, 0x000bd041));    /* PNP0B00 RTC */
    g_assert_true(dsdt_has_hid(d, len, 0x0303d041));    /* PNP0303 kbd */
    g_assert_true(dsdt_has_hid(d, len, 0x0c0cd041));    /* PNP0C0C button */
    g_assert_true(dsdt_has(d, len, "_S5_"));
    /* No HPET in this machine: the tables must not claim one. */
    g_assert_cmphex(find_table("HPET"), ==, 0);
    /* The PCI host bridge (hw/pci-host/i440fx.c) the board now has. */
    g_assert_true(dsdt_has(d, len, "PCI0"));
    g_assert_true(dsdt_has_hid(d, len, 0x030ad041));    /* PNP0A03 */
}

/* Serve pending requests as the main loop does; true if it would exit. */
static bool main_loop_exits(void)
{
    int status = -1;
    bool exits = main_loop_should_exit(&status);

    if (exits) {
        g_assert_cmpint(status, ==, 0);
    }
    return exits;
}

/* The power button sets PWRBTN_STS and raises the SCI on GSI 9 only. */
static void test_power_button(void)
{
    address_space_stw_le(&address_space_io, PM_STS, ACPI_PM1_STS_PWRBTN, A,
                         NULL);
    address_space_stw_le(&address_space_io, PM_EN, ACPI_PM1_EN_PWRBTN, A,
                         NULL);
    g_assert_cmpint(gsi_level[ACPI_PC_SCI_IRQ], ==, 0);
    qemu_system_powerdown_request();
    g_assert_false(main_loop_exits());
    g_assert_cmphex(address_space_lduw_le(&address_space_io, PM_STS, A, NULL)
                    & ACPI_PM1_STS_PWRBTN, ==, ACPI_PM1_STS_PWRBTN);
    g_assert_cmpint(gsi_level[ACPI_PC_SCI_IRQ], ==, 1);
    for (int i = 0; i < N_GSI; i++) {
        if (i != ACPI_PC_SCI_IRQ) {
            g_assert_cmpint(gsi_level[i], ==, 0);
        }
    }
    address_space_stw_le(&address_space_io, PM_STS, ACPI_PM1_STS_PWRBTN, A,
                         NULL);
    g_assert_cmpint(gsi_level[ACPI_PC_SCI_IRQ], ==, 0);
    address_space_stw_le(&address_space_io, PM_EN, 0, A, NULL);
}

/* SLP_TYP = \_S5's value with SLP_EN: the machine powers off. */
static void test_s5(void)
{
    uint16_t s5 = (ACPI_SLP_TYP_S5 << ACPI_PM1_CNT_SLP_TYP_SHIFT) |
                  ACPI_PM1_CNT_SLP_EN;

    g_assert_false(main_loop_exits());
    /* SLP_TYP alone, or another sleep type, does nothing. */
    address_space_stw_le(&address_space_io, ACPI_PC_PM1A_CNT_BLK,
                         ACPI_SLP_TYP_S5 << ACPI_PM1_CNT_SLP_TYP_SHIFT, A,
                         NULL);
    g_assert_false(main_loop_exits());
    address_space_stw_le(&address_space_io, ACPI_PC_PM1A_CNT_BLK, s5, A,
                         NULL);
    g_assert_true(main_loop_exits());
    g_assert_false(main_loop_exits());
}

/* A reset puts back tables the guest wrote over (a firmware would). */
static void test_reset_restores(void)
{
    uint64_t rsdp = pc_acpi_rsdp_addr();
    static const uint8_t junk[64];

    address_space_write(&address_space_memory, rsdp, A, junk, sizeof(junk));
    g_assert_cmphex(scan_rsdp(), ==, 0);
    qemu_devices_reset(SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_cmphex(scan_rsdp(), ==, rsdp);
    g_assert_cmpuint(rd8(rsdp + 15), ==, 2);
}

/* fw_cfg carries the same bytes as guest memory, for a firmware. */
static void test_fw_cfg_files(void)
{
    FWCfgState *fw = fw_cfg_find();
    uint64_t rsdp = pc_acpi_rsdp_addr();
    const uint8_t *tables, *rsdp_file;
    g_autofree uint8_t *mem = NULL;
    size_t len = 0, rsdp_len = 0;

    g_assert_nonnull(fw);
    tables = fw_cfg_get_file(fw, "etc/acpi/tables", &len);
    rsdp_file = fw_cfg_get_file(fw, "etc/acpi/rsdp", &rsdp_len);
    g_assert_nonnull(tables);
    g_assert_nonnull(rsdp_file);
    g_assert_cmpuint(rsdp_len, ==, 36);
    g_assert_cmpuint(rsdp + 36, <=, PC_ACPI_TABLES_BASE + len);
    mem = guest_bytes(PC_ACPI_TABLES_BASE, len);
    g_assert_cmpmem(tables, len, mem, len);
    g_assert_cmpmem(rsdp_file, 36, mem + (rsdp - PC_ACPI_TABLES_BASE), 36);
}

static void test_setup_twice(void)
{
    Error *err = NULL;

    g_assert_false(pc_acpi_setup(pcms, &err));
    g_assert_nonnull(err);
    error_free(err);
}

/* Dump a table from guest memory into dir/NAME.dat. */
static char *dump_table(const char *dir, uint64_t addr, const char *name)
{
    g_autofree uint8_t *t = table(addr, name);
    char *path = g_strdup_printf("%s/%s.dat", dir, name);

    g_assert_true(g_file_set_contents(path, (const char *)t,
                                      ldl_le_p(t + 4), NULL));
    return path;
}

/* iasl -d must take every table and find the DSDT's objects in it. */
static void test_iasl(void)
{
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autofree char *dir = NULL;
    g_autofree uint8_t *f = NULL;
    const char *names[] = { "FACP", "APIC", "DSDT" };

    if (!iasl) {
        g_test_skip("iasl is not installed");
        return;
    }
    dir = tmp_path("iasl");
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    f = table(find_table("FACP"), "FACP");
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        uint64_t addr = i == 2 ? ldl_le_p(f + 40) : find_table(names[i]);
        g_autofree char *dat = dump_table(dir, addr, names[i]);
        g_autofree char *dsl = g_strdup_printf("%s/%s.dsl", dir, names[i]);
        g_autofree char *out = NULL, *err = NULL, *text = NULL;
        char *argv[] = { iasl, (char *)"-d", dat, NULL };
        int status = -1;

        g_assert_true(g_spawn_sync(dir, argv, NULL, G_SPAWN_DEFAULT, NULL,
                                   NULL, &out, &err, &status, NULL));
        if (!g_spawn_check_wait_status(status, NULL)) {
            g_test_message("iasl: %s%s", out, err);
            g_assert_not_reached();
        }
        text = read_file(dsl);
        if (i == 2) {
            g_assert_nonnull(strstr(text, "_S5, Package (0x04)"));
            g_assert_nonnull(strstr(text, "EisaId (\"PNP0501\")"));
            g_assert_nonnull(strstr(text, "EisaId (\"PNP0C0C\")"));
        } else {
            g_assert_null(strstr(text, "**** "));   /* iasl's complaints */
        }
    }
}

static void machine_init(void)
{
    MachineState *ms;

    memory_init();
    /*
     * Only the board is built here, never its vCPU, so no accelerator;
     * asking for one links the accel base type that kvm-accel needs.
     */
    g_assert_null(accel_current());
    ms = machine_create(machine_find_class("pc"), &error_abort);
    pcms = PC_MACHINE(ms);
    ms->smp.cpus = 1;
    ms->smp.max_cpus = 2;
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    pcms->below_4g_mem_size = RAM_SIZE;
    e820_table_init(&pcms->e820);
    g_assert_true(pc_reserved_e820(&pcms->e820, RAM_SIZE, &error_abort));
    g_assert_true(pc_e820_layout(&pcms->e820, RAM_SIZE, 0, &error_abort));
    for (int i = 0; i < N_GSI; i++) {
        gsi[i] = qemu_allocate_irq(gsi_handler, NULL, i);
    }
    pcms->gsi = gsi;
    ram_kib_before = e820_table_ram_kib(&pcms->e820, 0, RAM_SIZE);
    com1 = chardev_new("null,id=com1");
    fw_cfg_init_io_dma(0x510, 0x514, &address_space_memory);
    g_assert_true(pc_acpi_setup(pcms, &error_abort));
    g_assert_nonnull(pc_acpi_pm());
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_tmpdir_init("test-pc-acpi");
    qemu_init_main_loop(&error_abort);
    machine_init();
    g_test_add_func("/pc-acpi/rsdp-found", test_rsdp_found);
    g_test_add_func("/pc-acpi/tables-reserved", test_tables_reserved);
    g_test_add_func("/pc-acpi/madt-cpus", test_madt_cpus);
    g_test_add_func("/pc-acpi/fadt-dsdt", test_fadt_dsdt);
    g_test_add_func("/pc-acpi/power-button", test_power_button);
    g_test_add_func("/pc-acpi/s5", test_s5);
    g_test_add_func("/pc-acpi/reset-restores", test_reset_restores);
    g_test_add_func("/pc-acpi/fw-cfg-files", test_fw_cfg_files);
    g_test_add_func("/pc-acpi/setup-twice", test_setup_twice);
    g_test_add_func("/pc-acpi/iasl", test_iasl);
    ret = g_test_run();
    return test_tmpdir_cleanup(ret);
}
