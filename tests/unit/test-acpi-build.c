/*
 * test-acpi-build.c: unit tests for hw/i386/acpi-build.c: walks the blob
 * from the RSDP as a guest would, checking checksums, lengths, pointers and
 * the MADT, FADT and HPET fields; and, when iasl (acpica-tools) is installed,
 * that ACPICA's disassembler reads every table and the DSDT recompiles.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "hw/acpi/aml-build.h"
#include "hw/i386/acpi-build.h"
#include "test-helpers.h"

#include <sys/wait.h>

#define BASE 0x000e0000u

typedef struct Tables {
    GByteArray *blob;
    uint64_t base;
    uint64_t rsdp;
} Tables;

static uint16_t rd16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--) {
        s += *p++;
    }
    return s;
}

static void build(Tables *t, const AcpiBuildConfig *cfg, uint64_t base)
{
    t->blob = g_byte_array_new();
    t->base = base;
    g_assert_true(acpi_build_tables(cfg, base, t->blob, &t->rsdp,
                                    &error_abort));
}

static void tables_free(Tables *t)
{
    g_byte_array_unref(t->blob);
}

/* The bytes at guest address addr, which must hold len bytes of the blob. */
static const uint8_t *at(const Tables *t, uint64_t addr, size_t len)
{
    g_assert_cmpuint(addr, >=, t->base);
    g_assert_cmpuint(addr - t->base + len, <=, t->blob->len);
    return t->blob->data + (addr - t->base);
}

/* A checksummed table at addr with signature sig; returns its length. */
static uint32_t check_table(const Tables *t, uint64_t addr, const char *sig)
{
    const uint8_t *p = at(t, addr, ACPI_TABLE_HEADER_SIZE);
    uint32_t len = rd32(p + 4);

    g_assert_cmpmem(p, 4, sig, 4);
    g_assert_cmpuint(len, >=, ACPI_TABLE_HEADER_SIZE);
    p = at(t, addr, len);
    g_assert_cmpuint(sum(p, len), ==, 0);
    g_assert_cmpmem(p + 10, 6, "BOCHS ", 6);
    g_assert_cmpmem(p + 16, 4, "BXPC", 4);
    g_assert_cmpmem(p + 20, 4, sig, 4);
    return len;
}

static const uint8_t *rsdp(const Tables *t)
{
    const uint8_t *p = at(t, t->rsdp, 36);

    g_assert_cmpuint(t->rsdp % 16, ==, 0);
    g_assert_cmpmem(p, 8, "RSD PTR ", 8);
    return p;
}

/* Address of table sig per the XSDT (0 if absent); checks RSDT agrees. */
static uint64_t find(const Tables *t, const char *sig)
{
    const uint8_t *r = rsdp(t);
    uint64_t xsdt = rd64(r + 24), rsdt = rd32(r + 16), found = 0;
    uint32_t xn = (check_table(t, xsdt, "XSDT") - 36) / 8;
    uint32_t rn = (check_table(t, rsdt, "RSDT") - 36) / 4;

    g_assert_cmpuint(xn, ==, rn);
    for (uint32_t i = 0; i < xn; i++) {
        uint64_t a = rd64(at(t, xsdt + 36 + 8 * i, 8));

        g_assert_cmpuint(a, ==, rd32(at(t, rsdt + 36 + 4 * i, 4)));
        if (!memcmp(at(t, a, 4), sig, 4)) {
            g_assert_cmpuint(found, ==, 0);
            found = a;
        }
    }
    return found;
}

static void test_rsdp(void)
{
    AcpiBuildConfig cfg;
    Tables t;
    const uint8_t *p;

    acpi_build_config_init_pc(&cfg, 1, 1);
    build(&t, &cfg, BASE);
    p = rsdp(&t);
    g_assert_cmpuint(sum(p, 20), ==, 0);
    g_assert_cmpuint(sum(p, 36), ==, 0);
    g_assert_cmpuint(p[15], ==, 2);
    g_assert_cmpuint(rd32(p + 20), ==, 36);
    g_assert_cmpmem(p + 9, 6, "BOCHS ", 6);
    g_assert_cmpuint(rd32(p + 16), !=, 0);
    g_assert_cmpuint(rd64(p + 24), !=, 0);
    /* the RSDP is inside the range a legacy scan covers */
    g_assert_cmpuint(t.rsdp, >=, 0xe0000);
    g_assert_cmpuint(t.rsdp + 36, <=, 0x100000);
    tables_free(&t);
}

/* Every table reachable from the RSDP has a good checksum and length. */
static void test_checksums(void)
{
    AcpiBuildConfig cfg;
    uint64_t fadt, facs, dsdt;
    Tables t;

    acpi_build_config_init_pc(&cfg, 4, 8);
    build(&t, &cfg, BASE);
    fadt = find(&t, "FACP");
    g_assert_cmpuint(fadt, !=, 0);
    g_assert_cmpuint(check_table(&t, fadt, "FACP"), ==, 244);
    g_assert_cmpuint(check_table(&t, find(&t, "APIC"), "APIC"), >, 44);
    g_assert_cmpuint(check_table(&t, find(&t, "HPET"), "HPET"), ==, 56);
    dsdt = rd64(at(&t, fadt + 140, 8));
    g_assert_cmpuint(check_table(&t, dsdt, "DSDT"), >, 36);

    facs = rd32(at(&t, fadt + 36, 4));
    g_assert_cmpuint(facs % 64, ==, 0);
    g_assert_cmpmem(at(&t, facs, 64), 4, "FACS", 4);
    g_assert_cmpuint(rd32(at(&t, facs + 4, 4)), ==, 64);
    tables_free(&t);
}

static void test_pointers(void)
{
    AcpiBuildConfig cfg;
    uint64_t fadt;
    Tables t;
    const uint8_t *f;

    acpi_build_config_init_pc(&cfg, 2, 2);
    build(&t, &cfg, BASE);
    g_assert_cmpuint(find(&t, "FACP"), !=, 0);
    g_assert_cmpuint(find(&t, "APIC"), !=, 0);
    g_assert_cmpuint(find(&t, "HPET"), !=, 0);
    /* the FADT points at these two; the XSDT does not list them */
    g_assert_cmpuint(find(&t, "DSDT"), ==, 0);
    g_assert_cmpuint(find(&t, "FACS"), ==, 0);

    fadt = find(&t, "FACP");
    f = at(&t, fadt, 244);
    /* one FACS pointer (the 32-bit one), or Linux installs it twice */
    g_assert_cmpuint(rd64(f + 132), ==, 0);
    g_assert_cmpuint(rd32(f + 40), ==, rd64(f + 140));     /* DSDT */
    g_assert_cmpmem(at(&t, rd32(f + 36), 4), 4, "FACS", 4);
    check_table(&t, rd64(f + 140), "DSDT");
    tables_free(&t);
}

/* A blob appended to existing data is addressed from its own start. */
static void test_append_offset(void)
{
    AcpiBuildConfig cfg;
    uint64_t rsdp_addr;
    Tables t;

    acpi_build_config_init_pc(&cfg, 1, 1);
    t.blob = g_byte_array_new();
    t.base = BASE;
    acpi_append_zeros(t.blob, 128);
    g_assert_true(acpi_build_tables(&cfg, BASE, t.blob, &rsdp_addr,
                                    &error_abort));
    t.rsdp = rsdp_addr;
    g_assert_cmpuint(rsdp_addr, >=, BASE + 128);
    check_table(&t, find(&t, "FACP"), "FACP");
    tables_free(&t);
}

static void check_madt(unsigned cpus, unsigned max_cpus, const uint32_t *ids)
{
    AcpiBuildConfig cfg;
    unsigned enabled = 0, disabled = 0, ioapics = 0, nmis = 0;
    bool seen_irq0 = false, seen_sci = false;
    uint64_t madt;
    uint32_t len, off;
    const uint8_t *m;
    Tables t;

    acpi_build_config_init_pc(&cfg, cpus, max_cpus);
    cfg.apic_ids = ids;
    build(&t, &cfg, BASE);
    madt = find(&t, "APIC");
    len = check_table(&t, madt, "APIC");
    m = at(&t, madt, len);
    g_assert_cmphex(rd32(m + 36), ==, 0xfee00000);
    g_assert_cmphex(rd32(m + 40), ==, 1);               /* PCAT_COMPAT */

    for (off = 44; off < len; off += m[off + 1]) {
        const uint8_t *e = m + off;

        g_assert_cmpuint(e[1], >=, 2);
        g_assert_cmpuint(off + e[1], <=, len);
        switch (e[0]) {
        case 0: {       /* processor local APIC */
            unsigned uid = e[2];

            g_assert_cmpuint(e[1], ==, 8);
            g_assert_cmpuint(uid, <, max_cpus);
            g_assert_cmpuint(e[3], ==, ids ? ids[uid] : uid);
            if (rd32(e + 4) & 1) {
                g_assert_cmpuint(uid, <, cpus);
                enabled++;
            } else {
                g_assert_cmpuint(uid, >=, cpus);
                g_assert_cmpuint(rd32(e + 4), ==, 0);
                disabled++;
            }
            break;
        }
        case 9: {       /* processor local x2APIC */
            unsigned uid = rd32(e + 12);

            g_assert_cmpuint(e[1], ==, 16);
            g_assert_cmpuint(uid, <, max_cpus);
            g_assert_cmpuint(rd32(e + 4), ==, ids ? ids[uid] : uid);
            if (rd32(e + 8) & 1) {
                g_assert_cmpuint(uid, <, cpus);
                enabled++;
            } else {
                disabled++;
            }
            break;
        }
        case 1:         /* I/O APIC */
            g_assert_cmpuint(e[1], ==, 12);
            g_assert_cmpuint(e[2], ==, 0);
            g_assert_cmphex(rd32(e + 4), ==, 0xfec00000);
            g_assert_cmpuint(rd32(e + 8), ==, 0);
            ioapics++;
            break;
        case 2:         /* interrupt source override */
            g_assert_cmpuint(e[1], ==, 10);
            g_assert_cmpuint(e[2], ==, 0);
            if (e[3] == 0) {
                g_assert_cmpuint(rd32(e + 4), ==, 2);
                g_assert_cmpuint(rd16(e + 8), ==, 0);
                seen_irq0 = true;
            } else if (e[3] == 9) {
                g_assert_cmpuint(rd32(e + 4), ==, 9);
                g_assert_cmphex(rd16(e + 8), ==, 0xd); /* level, high */
                seen_sci = true;
            }
            break;
        case 4:         /* local APIC NMI */
            g_assert_cmpuint(e[1], ==, 6);
            g_assert_cmpuint(e[2], ==, 0xff);
            g_assert_cmpuint(e[5], ==, 1);              /* LINT1 */
            nmis++;
            break;
        case 10:        /* local x2APIC NMI */
            g_assert_cmpuint(e[1], ==, 12);
            break;
        default:
            g_assert_not_reached();
        }
    }
    g_assert_cmpuint(off, ==, len);
    g_assert_cmpuint(enabled, ==, cpus);
    g_assert_cmpuint(disabled, ==, max_cpus - cpus);
    g_assert_cmpuint(ioapics, ==, 1);
    g_assert_cmpuint(nmis, ==, 1);
    g_assert_true(seen_irq0);
    g_assert_true(seen_sci);
    tables_free(&t);
}

static void test_madt(void)
{
    static const unsigned smp[][2] = {
        { 1, 1 }, { 2, 2 }, { 4, 4 }, { 8, 8 }, { 1, 4 }, { 2, 8 },
        { 4, 255 }, { 64, 288 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(smp); i++) {
        check_madt(smp[i][0], smp[i][1], NULL);
    }
}

static void test_madt_apic_ids(void)
{
    /* sparse ids, as with a topology of threads per core rounded up */
    static const uint32_t sparse[] = { 0, 2, 4, 6, 8, 10 };
    /* ids past 254 need x2APIC entries */
    static const uint32_t big[] = { 0, 1, 300, 0x1000 };

    check_madt(4, 6, sparse);
    check_madt(3, 4, big);
}

static void test_fadt(void)
{
    AcpiBuildConfig cfg;
    const uint8_t *f;
    uint32_t flags;
    Tables t;

    acpi_build_config_init_pc(&cfg, 2, 2);
    build(&t, &cfg, BASE);
    f = at(&t, find(&t, "FACP"), 244);
    g_assert_cmpuint(f[8], ==, 3);                      /* revision */
    g_assert_cmpuint(rd16(f + 46), ==, 9);              /* SCI_INT */
    g_assert_cmpuint(rd32(f + 48), ==, 0);              /* SMI_CMD */
    g_assert_cmphex(rd32(f + 56), ==, 0x600);           /* PM1a_EVT_BLK */
    g_assert_cmphex(rd32(f + 64), ==, 0x604);           /* PM1a_CNT_BLK */
    g_assert_cmphex(rd32(f + 76), ==, 0x608);           /* PM_TMR_BLK */
    g_assert_cmpuint(rd32(f + 80), ==, 0);              /* no GPE0 */
    g_assert_cmpuint(f[88], ==, 4);
    g_assert_cmpuint(f[89], ==, 2);
    g_assert_cmpuint(f[91], ==, 4);
    g_assert_cmphex(rd16(f + 109), ==, 3);              /* legacy, 8042 */
    flags = rd32(f + 112);
    g_assert_true(flags & (1 << 10));                   /* RESET_REG_SUP */
    g_assert_false(flags & (1 << 20));                  /* HW_REDUCED */
    g_assert_false(flags & (1 << 4));                   /* fixed PWR btn */
    g_assert_false(flags & (1 << 8));                   /* 24-bit timer */
    /* RESET_REG: system I/O, 8 bits, byte access, 0xcf9; value 6 */
    g_assert_cmpuint(f[116], ==, 1);
    g_assert_cmpuint(f[117], ==, 8);
    g_assert_cmpuint(f[119], ==, 1);
    g_assert_cmphex(rd64(f + 120), ==, 0xcf9);
    g_assert_cmpuint(f[128], ==, 6);
    /* X_PM1a_EVT_BLK, X_PM1a_CNT_BLK, X_PM_TMR_BLK */
    g_assert_cmpuint(f[148], ==, 1);
    g_assert_cmpuint(f[149], ==, 32);
    g_assert_cmphex(rd64(f + 152), ==, 0x600);
    g_assert_cmpuint(f[172], ==, 1);
    g_assert_cmpuint(f[173], ==, 16);
    g_assert_cmphex(rd64(f + 176), ==, 0x604);
    g_assert_cmpuint(f[208], ==, 1);
    g_assert_cmpuint(f[209], ==, 32);
    g_assert_cmphex(rd64(f + 212), ==, 0x608);
    tables_free(&t);

    /* a GPE block and no reset register, when the machine says so */
    cfg.gpe0_blk = 0xafe0;
    cfg.gpe0_blk_len = 4;
    cfg.reset_port = 0;
    build(&t, &cfg, BASE);
    f = at(&t, find(&t, "FACP"), 244);
    g_assert_cmphex(rd32(f + 80), ==, 0xafe0);
    g_assert_cmpuint(f[92], ==, 4);
    g_assert_cmphex(rd64(f + 224), ==, 0xafe0);
    g_assert_false(rd32(f + 112) & (1 << 10));
    g_assert_cmpuint(rd64(f + 120), ==, 0);
    tables_free(&t);
}

static void test_hpet(void)
{
    AcpiBuildConfig cfg;
    const uint8_t *h;
    Tables t;

    acpi_build_config_init_pc(&cfg, 1, 1);
    build(&t, &cfg, BASE);
    h = at(&t, find(&t, "HPET"), 56);
    g_assert_cmphex(rd32(h + 36), ==, 0x8086a201);
    g_assert_cmpuint(h[40], ==, 0);                     /* memory space */
    g_assert_cmphex(rd64(h + 44), ==, 0xfed00000);
    tables_free(&t);
}

static bool contains(const uint8_t *p, size_t len, const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i + n <= len; i++) {
        if (!memcmp(p + i, s, n)) {
            return true;
        }
    }
    return false;
}

static void dsdt(const Tables *t, const uint8_t **p, uint32_t *len)
{
    const uint8_t *f = at(t, find(t, "FACP"), 244);

    *len = check_table(t, rd64(f + 140), "DSDT");
    *p = at(t, rd64(f + 140), *len);
}

static void test_optional_parts(void)
{
    AcpiBuildConfig cfg;
    const uint8_t *d;
    uint32_t len;
    Tables t;

    acpi_build_config_init_pc(&cfg, 1, 1);
    build(&t, &cfg, BASE);
    dsdt(&t, &d, &len);
    g_assert_true(contains(d, len, "PCI0"));
    g_assert_true(contains(d, len, "_PRT"));
    g_assert_true(contains(d, len, "HPET"));
    g_assert_true(contains(d, len, "COM2"));
    g_assert_false(contains(d, len, "COM3"));
    tables_free(&t);

    cfg.hpet = false;
    cfg.pci = false;
    cfg.n_serial = 4;
    cfg.i8042 = false;
    build(&t, &cfg, BASE);
    g_assert_cmpuint(find(&t, "HPET"), ==, 0);
    dsdt(&t, &d, &len);
    g_assert_false(contains(d, len, "PCI0"));
    g_assert_false(contains(d, len, "HPET"));
    g_assert_false(contains(d, len, "KBD_"));
    g_assert_true(contains(d, len, "COM4"));
    g_assert_cmphex(rd16(at(&t, find(&t, "FACP"), 244) + 109), ==, 1);
    tables_free(&t);

    /* no PIRQ routing: no _PRT; a 64-bit hole adds a QWord window */
    acpi_build_config_init_pc(&cfg, 1, 1);
    memset(cfg.pci_pirq_gsi, 0, sizeof(cfg.pci_pirq_gsi));
    cfg.pci_hole64_start = 0x800000000ull;
    cfg.pci_hole64_size = 0x800000000ull;
    build(&t, &cfg, BASE);
    dsdt(&t, &d, &len);
    g_assert_false(contains(d, len, "_PRT"));
    g_assert_true(contains(d, len, "\x8a\x2b\x00\x00\x0c\x01"));
    tables_free(&t);
}

static void expect_error(const AcpiBuildConfig *cfg, uint64_t base,
                         const char *msg)
{
    g_autoptr(GByteArray) blob = g_byte_array_new();
    Error *err = NULL;
    uint64_t rsdp_addr = 0;

    g_assert_false(acpi_build_tables(cfg, base, blob, &rsdp_addr, &err));
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), msg)) {
        g_test_message("error: %s", error_get_pretty(err));
        g_assert_not_reached();
    }
    g_assert_cmpuint(blob->len, ==, 0);
    error_free(err);
}

static void test_errors(void)
{
    static const uint32_t dup[] = { 0, 1, 1 };
    AcpiBuildConfig cfg;

    acpi_build_config_init_pc(&cfg, 0, 1);
    expect_error(&cfg, BASE, "need 1 <= cpus");
    acpi_build_config_init_pc(&cfg, 4, 2);
    expect_error(&cfg, BASE, "need 1 <= cpus");
    acpi_build_config_init_pc(&cfg, 1, ACPI_BUILD_MAX_CPUS + 1);
    expect_error(&cfg, BASE, "need 1 <= cpus");
    acpi_build_config_init_pc(&cfg, 3, 3);
    cfg.apic_ids = dup;
    expect_error(&cfg, BASE, "share APIC id 1");
    acpi_build_config_init_pc(&cfg, 1, 1);
    cfg.n_serial = 5;
    expect_error(&cfg, BASE, "at most 4 serial ports");
    acpi_build_config_init_pc(&cfg, 1, 1);
    cfg.sci_irq = 20;
    expect_error(&cfg, BASE, "not an ISA IRQ");
    acpi_build_config_init_pc(&cfg, 1, 1);
    cfg.pci_hole_start = 0xf0000000;
    cfg.pci_hole_end = 0xe0000000;
    expect_error(&cfg, BASE, "is empty");
    acpi_build_config_init_pc(&cfg, 1, 1);
    expect_error(&cfg, BASE + 8, "64-byte aligned");
    expect_error(&cfg, 0x100000000ull, "below 4 GiB");
}

/* ---- iasl ---- */

static bool run(const char *dir, char **argv, char **out)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *o = NULL, *e = NULL;
    int status;

    g_assert_true(g_spawn_sync(dir, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                               NULL, &o, &e, &status, &gerr));
    *out = g_strconcat(o, e, NULL);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Disassemble the table at addr with iasl -d; returns the .dsl text. */
static char *iasl_disassemble(const Tables *t, uint64_t addr, size_t len,
                              const char *name)
{
    g_autofree char *dat = g_strdup_printf("%s.dat", name);
    g_autofree char *path = tmp_path(dat);
    g_autofree char *dsl_name = g_strdup_printf("%s.dsl", name);
    g_autofree char *dsl = tmp_path(dsl_name);
    g_autofree char *dir = tmp_path("");
    g_autofree char *out = NULL;
    char *argv[] = { (char *)"iasl", (char *)"-d", dat, NULL };
    bool ok;

    g_assert_true(g_file_set_contents(path, (const char *)at(t, addr, len),
                                      len, NULL));
    ok = run(dir, argv, &out);
    if (!ok || strstr(out, "Error") || !g_file_test(dsl, G_FILE_TEST_EXISTS)) {
        g_test_message("iasl -d %s:\n%s", dat, out);
        g_assert_not_reached();
    }
    return read_file(dsl);
}

static void iasl_check(const AcpiBuildConfig *cfg)
{
    const char *const sigs[] = { "FACP", "APIC", "HPET" };
    g_autofree char *dsdt_dsl = NULL, *out = NULL;
    g_autofree char *facs_dsl = NULL, *xsdt_dsl = NULL, *rsdt_dsl = NULL;
    g_autofree char *dir = tmp_path("");
    char *argv[] = { (char *)"iasl", (char *)"-p", (char *)"recompiled",
                     (char *)"dsdt.dsl", NULL };
    const uint8_t *f, *r;
    Tables t;

    build(&t, cfg, BASE);
    r = rsdp(&t);
    /* iasl -d does not take a lone RSDP; test_rsdp() covers it. */
    xsdt_dsl = iasl_disassemble(&t, rd64(r + 24),
                                rd32(at(&t, rd64(r + 24) + 4, 4)), "xsdt");
    rsdt_dsl = iasl_disassemble(&t, rd32(r + 16),
                                rd32(at(&t, rd32(r + 16) + 4, 4)), "rsdt");
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        uint64_t a = find(&t, sigs[i]);
        g_autofree char *name = g_ascii_strdown(sigs[i], -1);
        g_autofree char *dsl = NULL;

        if (!a) {
            continue;
        }
        dsl = iasl_disassemble(&t, a, rd32(at(&t, a + 4, 4)), name);
        g_assert_nonnull(strstr(dsl, sigs[i]));
    }
    f = at(&t, find(&t, "FACP"), 244);
    facs_dsl = iasl_disassemble(&t, rd32(f + 36), 64, "facs");
    g_assert_nonnull(strstr(facs_dsl, "FACS"));
    dsdt_dsl = iasl_disassemble(&t, rd64(f + 140),
                                rd32(at(&t, rd64(f + 140) + 4, 4)), "dsdt");
    for (const char *const *n = (const char *const[]){
             "Device (PWRB)", "EisaId (\"PNP0C0C\")", "_S5, Package (0x04)",
             "Device (COM1)", "IO (Decode16,", "0x03F8", "IRQNoFlags ()",
             "Device (RTC)", "Device (KBD)", "EisaId (\"PNP0501\")",
             "EisaId (\"PNP0B00\")", "EisaId (\"PNP0303\")", NULL };
         *n; n++) {
        if (!strstr(dsdt_dsl, *n)) {
            g_test_message("DSDT lacks '%s':\n%s", *n, dsdt_dsl);
            g_assert_not_reached();
        }
    }
    if (cfg->pci) {
        g_assert_nonnull(strstr(dsdt_dsl, "Device (PCI0)"));
        g_assert_nonnull(strstr(dsdt_dsl, "EisaId (\"PNP0A03\")"));
        g_assert_nonnull(strstr(dsdt_dsl, "WordBusNumber (ResourceProducer"));
        g_assert_nonnull(strstr(dsdt_dsl, "DWordMemory (ResourceProducer"));
    }
    if (cfg->hpet) {
        g_assert_nonnull(strstr(dsdt_dsl, "Memory32Fixed (ReadOnly"));
    }
    /* What the disassembler wrote compiles back without errors. */
    if (!run(dir, argv, &out) || !strstr(out, " 0 Errors")) {
        g_test_message("iasl dsdt.dsl:\n%s", out);
        g_assert_not_reached();
    }
    tables_free(&t);
}

static void test_iasl(void)
{
    g_autofree char *iasl = g_find_program_in_path("iasl");
    AcpiBuildConfig cfg;

    if (!iasl) {
        g_test_skip("iasl not installed (Debian package acpica-tools)");
        return;
    }
    acpi_build_config_init_pc(&cfg, 4, 8);
    cfg.pci_hole64_start = 0x800000000ull;
    cfg.pci_hole64_size = 0x800000000ull;
    iasl_check(&cfg);

    acpi_build_config_init_pc(&cfg, 1, 1);
    cfg.pci = false;
    cfg.hpet = false;
    iasl_check(&cfg);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_tmpdir_init("test-acpi-build");
    g_test_add_func("/acpi-build/rsdp", test_rsdp);
    g_test_add_func("/acpi-build/checksums", test_checksums);
    g_test_add_func("/acpi-build/pointers", test_pointers);
    g_test_add_func("/acpi-build/append-offset", test_append_offset);
    g_test_add_func("/acpi-build/madt", test_madt);
    g_test_add_func("/acpi-build/madt-apic-ids", test_madt_apic_ids);
    g_test_add_func("/acpi-build/fadt", test_fadt);
    g_test_add_func("/acpi-build/hpet", test_hpet);
    g_test_add_func("/acpi-build/optional-parts", test_optional_parts);
    g_test_add_func("/acpi-build/errors", test_errors);
    g_test_add_func("/acpi-build/iasl", test_iasl);
    return test_tmpdir_cleanup(g_test_run());
}
