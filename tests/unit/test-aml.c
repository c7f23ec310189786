/*
 * test-aml.c: unit tests for hw/acpi/aml-build.c: AML encodings (PkgLength,
 * NameString, integers, packages, methods, EISAID, resource descriptors)
 * checked against byte sequences worked out by hand from the ACPI 6.x
 * grammar, and the table header, checksum and RSDP/RSDT/XSDT helpers.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "hw/acpi/aml-build.h"
#include "test-helpers.h"

/* Parse "0a ff 5c" into bytes. */
static GByteArray *hex(const char *s)
{
    GByteArray *b = g_byte_array_new();

    while (*s) {
        if (*s == ' ') {
            s++;
            continue;
        }
        g_assert(g_ascii_isxdigit(s[0]) && g_ascii_isxdigit(s[1]));
        acpi_append_u8(b, g_ascii_xdigit_value(s[0]) << 4 |
                       g_ascii_xdigit_value(s[1]));
        s += 2;
    }
    return b;
}

static void assert_bytes(const GByteArray *got, const char *want_hex)
{
    g_autoptr(GByteArray) want = hex(want_hex);

    if (got->len != want->len || memcmp(got->data, want->data, got->len)) {
        g_autofree char *g = NULL;
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < got->len; i++) {
            g_string_append_printf(s, "%02x ", got->data[i]);
        }
        g = g_string_free(s, false);
        g_test_message("want %s\ngot  %s", want_hex, g);
        g_assert_not_reached();
    }
}

static void test_pkglength(void)
{
    static const struct {
        uint32_t len;
        const char *bytes;
    } cases[] = {
        { 0, "00" },
        { 1, "01" },
        { 0x3f, "3f" },
        { 0x40, "40 04" },
        { 0x123, "43 12" },
        { 0xfff, "4f ff" },
        { 0x1000, "80 00 01" },
        { 0x12345, "85 34 12" },
        { 0xfffff, "8f ff ff" },
        { 0x100000, "c0 00 00 01" },
        { 0x1234567, "c7 56 34 12" },
        { AML_PKGLENGTH_MAX, "cf ff ff ff" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(GByteArray) got = g_byte_array_new();
        uint8_t enc[4];
        unsigned n = aml_pkglength_encode(cases[i].len, enc);

        g_byte_array_append(got, enc, n);
        assert_bytes(got, cases[i].bytes);
    }
}

/* Scope(ABCD) with pad bytes of body: where the PkgLength grows a byte. */
static GByteArray *scope_with_body(unsigned pad)
{
    GByteArray *aml = g_byte_array_new();
    guint mark = aml_scope_begin(aml, "ABCD");

    acpi_append_zeros(aml, pad);
    aml_end(aml, mark);
    return aml;
}

static void test_pkglength_boundaries(void)
{
    static const struct {
        unsigned pad;       /* body = 4 (name) + pad */
        unsigned total;     /* PkgLength value */
        const char *prefix; /* op, PkgLength, name */
    } cases[] = {
        { 0, 5, "10 05 41 42 43 44" },
        /* body 62: 62 + 1 = 63 still fits one byte */
        { 58, 63, "10 3f 41 42 43 44" },
        /* body 63: 64 does not, so two bytes: 65 */
        { 59, 65, "10 41 04 41 42 43 44" },
        /* body 0xffd: + 2 = 0xfff fits two bytes */
        { 0xffd - 4, 0xfff, "10 4f ff 41 42 43 44" },
        /* body 0xffe: needs three: 0x1001 */
        { 0xffe - 4, 0x1001, "10 81 00 01 41 42 43 44" },
        /* body 0xffffc: + 3 = 0xfffff */
        { 0xffffc - 4, 0xfffff, "10 8f ff ff 41 42 43 44" },
        { 0xffffd - 4, 0x100001, "10 c1 00 00 01 41 42 43 44" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(GByteArray) aml = scope_with_body(cases[i].pad);
        g_autoptr(GByteArray) want = hex(cases[i].prefix);
        g_autoptr(GByteArray) got = g_byte_array_new();

        g_byte_array_append(got, aml->data, want->len);
        assert_bytes(got, cases[i].prefix);
        /* the whole object minus the opcode is what PkgLength counts */
        g_assert_cmpuint(aml->len - 1, ==, cases[i].total);
    }
}

static void test_namestring(void)
{
    static const struct {
        const char *path;
        const char *bytes;
    } cases[] = {
        { "ABCD", "41 42 43 44" },
        { "_SB", "5f 53 42 5f" },
        { "A", "41 5f 5f 5f" },
        { "C01F", "43 30 31 46" },
        { "\\_SB", "5c 5f 53 42 5f" },
        { "^PCI0", "5e 50 43 49 30" },
        { "^^A", "5e 5e 41 5f 5f 5f" },
        { "\\", "5c 00" },
        { "^", "5e 00" },
        { "", "00" },
        { "\\_SB.PCI0", "5c 2e 5f 53 42 5f 50 43 49 30" },
        { "^A.B", "5e 2e 41 5f 5f 5f 42 5f 5f 5f" },
        { "_SB.PCI0.ISA",
          "2f 03 5f 53 42 5f 50 43 49 30 49 53 41 5f" },
        { "\\_SB.PCI0.ISA.COM1",
          "5c 2f 04 5f 53 42 5f 50 43 49 30 49 53 41 5f 43 4f 4d 31" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(GByteArray) aml = g_byte_array_new();

        aml_namestring(aml, cases[i].path);
        assert_bytes(aml, cases[i].bytes);
    }
}

static void namestring_bad(void)
{
    g_autoptr(GByteArray) aml = g_byte_array_new();

    aml_namestring(aml, g_getenv("AML_BAD_NAME"));
}

/* Malformed names are caller bugs and must not be encoded silently. */
static void test_namestring_bad(void)
{
    static const char *const bad[] = {
        "ABCDE", "abc", "1ABC", "A..B", "A.", ".A", "\\^A", "A-B",
    };

    if (g_test_subprocess()) {
        namestring_bad();
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        g_setenv("AML_BAD_NAME", bad[i], true);
        g_test_trap_subprocess(NULL, 0, 0);
        g_test_trap_assert_failed();
    }
}

static void test_integers(void)
{
    static const struct {
        uint64_t v;
        const char *bytes;
    } cases[] = {
        { 0, "00" },
        { 1, "01" },
        { 2, "0a 02" },
        { 0xff, "0a ff" },
        { 0x100, "0b 00 01" },
        { 0xffff, "0b ff ff" },
        { 0x10000, "0c 00 00 01 00" },
        { 0xffffffff, "0c ff ff ff ff" },
        { 0x100000000ull, "0e 00 00 00 00 01 00 00 00" },
        { 0xfffffffffffffffeull, "0e fe ff ff ff ff ff ff ff" },
        { UINT64_MAX, "ff" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(GByteArray) aml = g_byte_array_new();

        aml_int(aml, cases[i].v);
        assert_bytes(aml, cases[i].bytes);
    }
}

static void test_data_objects(void)
{
    g_autoptr(GByteArray) aml = g_byte_array_new();
    static const uint8_t data[] = { 1, 2, 3 };
    guint pkg;

    aml_string(aml, "ab");
    assert_bytes(aml, "0d 61 62 00");

    g_byte_array_set_size(aml, 0);
    aml_buffer(aml, data, sizeof(data));
    /* PkgLength 6 = itself + BufferSize (0a 03) + 3 bytes */
    assert_bytes(aml, "11 06 0a 03 01 02 03");

    g_byte_array_set_size(aml, 0);
    pkg = aml_package_begin(aml);
    aml_int(aml, 0);
    aml_int(aml, 1);
    aml_package_end(aml, pkg, 2);
    assert_bytes(aml, "12 04 02 00 01");

    /* Name(\_S5, Package(4) {0, 0, 0, 0}) */
    g_byte_array_set_size(aml, 0);
    aml_name(aml, "\\_S5");
    pkg = aml_package_begin(aml);
    for (int i = 0; i < 4; i++) {
        aml_int(aml, 0);
    }
    aml_package_end(aml, pkg, 4);
    assert_bytes(aml, "08 5c 5f 53 35 5f 12 06 04 00 00 00 00");
}

static void test_method(void)
{
    g_autoptr(GByteArray) aml = g_byte_array_new();
    guint m;

    /* Method(_STA, 0, NotSerialized) { Return (0x0F) } */
    m = aml_method_begin(aml, "_STA", 0, false);
    aml_return(aml);
    aml_int(aml, 0x0f);
    aml_end(aml, m);
    assert_bytes(aml, "14 09 5f 53 54 41 00 a4 0a 0f");

    /* Method(MTH, 2, Serialized) { Return (One) } */
    g_byte_array_set_size(aml, 0);
    m = aml_method_begin(aml, "MTH", 2, true);
    aml_return(aml);
    aml_int(aml, 1);
    aml_end(aml, m);
    assert_bytes(aml, "14 08 4d 54 48 5f 0a a4 01");
}

static void test_device_scope(void)
{
    g_autoptr(GByteArray) aml = g_byte_array_new();
    guint s, d;

    /* Scope(\_SB) { Device(PWRB) { Name(_HID, EISAID("PNP0C0C")) } } */
    s = aml_scope_begin(aml, "\\_SB");
    d = aml_device_begin(aml, "PWRB");
    aml_name(aml, "_HID");
    aml_int(aml, aml_eisaid("PNP0C0C"));
    aml_end(aml, d);
    aml_end(aml, s);
    assert_bytes(aml, "10 17 5c 5f 53 42 5f"
                 " 5b 82 0f 50 57 52 42 08 5f 48 49 44 0c 41 d0 0c 0c");
}

static void test_eisaid(void)
{
    g_assert_cmphex(aml_eisaid("PNP0C0C"), ==, 0x0c0cd041);
    g_assert_cmphex(aml_eisaid("PNP0A03"), ==, 0x030ad041);
    g_assert_cmphex(aml_eisaid("PNP0501"), ==, 0x0105d041);
    g_assert_cmphex(aml_eisaid("PNP0B00"), ==, 0x000bd041);
    g_assert_cmphex(aml_eisaid("PNP0303"), ==, 0x0303d041);
    /* A=1 B=2 C=3: 0 00001 00010 00011 = 0x0443, then 0x0123 */
    g_assert_cmphex(aml_eisaid("ABC0123"), ==, 0x23014304);
}

static void test_resources(void)
{
    g_autoptr(GByteArray) rt = g_byte_array_new();
    g_autoptr(GByteArray) aml = g_byte_array_new();

    aml_rt_io(rt, 0x3f8, 0x3f8, 1, 8);
    assert_bytes(rt, "47 01 f8 03 f8 03 01 08");

    g_byte_array_set_size(rt, 0);
    aml_rt_irq_noflags(rt, 4);
    assert_bytes(rt, "22 10 00");
    g_byte_array_set_size(rt, 0);
    aml_rt_irq_noflags(rt, 12);
    assert_bytes(rt, "22 00 10");

    g_byte_array_set_size(rt, 0);
    aml_rt_memory32_fixed(rt, 0xfed00000, 0x400, false);
    assert_bytes(rt, "86 09 00 00 00 00 d0 fe 00 04 00 00");

    g_byte_array_set_size(rt, 0);
    aml_rt_word_bus_number(rt, 0, 0xff);
    assert_bytes(rt, "88 0d 00 02 0c 00 00 00 00 00 ff 00 00 00 00 01");

    g_byte_array_set_size(rt, 0);
    aml_rt_word_io(rt, 0x0d00, 0xffff);
    assert_bytes(rt, "88 0d 00 01 0c 03 00 00 00 0d ff ff 00 00 00 f3");

    g_byte_array_set_size(rt, 0);
    aml_rt_dword_memory(rt, 0xa0000, 0xbffff, true);
    assert_bytes(rt, "87 17 00 00 0c 03 00 00 00 00 00 00 0a 00"
                 " ff ff 0b 00 00 00 00 00 00 00 02 00");

    g_byte_array_set_size(rt, 0);
    aml_rt_qword_memory(rt, 0x100000000ull, 0x17fffffffull, false);
    assert_bytes(rt, "8a 2b 00 00 0c 01"
                 " 00 00 00 00 00 00 00 00"
                 " 00 00 00 00 01 00 00 00"
                 " ff ff ff 7f 01 00 00 00"
                 " 00 00 00 00 00 00 00 00"
                 " 00 00 00 80 00 00 00 00");

    /* ResourceTemplate() { IRQNoFlags() {4} } */
    g_byte_array_set_size(rt, 0);
    aml_rt_irq_noflags(rt, 4);
    aml_resource_template(aml, rt);
    assert_bytes(aml, "11 08 0a 05 22 10 00 79 00");
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--) {
        s += *p++;
    }
    return s;
}

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void test_table_header(void)
{
    g_autoptr(GByteArray) blob = g_byte_array_new();
    guint t;

    acpi_append_zeros(blob, 3);         /* tables need not start at 0 */
    t = acpi_table_begin(blob, "TEST", 5);
    g_assert_cmpuint(t, ==, 3);
    g_assert_cmpuint(blob->len - t, ==, ACPI_TABLE_HEADER_SIZE);
    acpi_append_u32(blob, 0xdeadbeef);
    acpi_table_end(blob, t);

    g_assert_cmpmem(blob->data + t, 4, "TEST", 4);
    g_assert_cmpuint(rd32(blob->data + t + 4), ==, 40);
    g_assert_cmpuint(blob->data[t + 8], ==, 5);
    g_assert_cmpuint(sum(blob->data + t, 40), ==, 0);
    g_assert_cmpmem(blob->data + t + 10, 6, "BOCHS ", 6);
    g_assert_cmpmem(blob->data + t + 16, 8, "BXPCTEST", 8);
    g_assert_cmpmem(blob->data + t + 28, 4, "BXPC", 4);

    /* a second end after a change recomputes from scratch */
    acpi_append_u8(blob, 0x55);
    acpi_table_end(blob, t);
    g_assert_cmpuint(rd32(blob->data + t + 4), ==, 41);
    g_assert_cmpuint(sum(blob->data + t, 41), ==, 0);

    g_assert_cmpuint(acpi_checksum((const uint8_t *)"\x01\x02", 2), ==, 0xfd);
}

static void test_link_root(void)
{
    g_autoptr(GByteArray) blob = g_byte_array_new();
    const uint64_t base = 0x000e0000;
    guint tables[2], rsdp, rsdt, xsdt;
    const uint8_t *p;

    tables[0] = acpi_table_begin(blob, "AAAA", 1);
    acpi_table_end(blob, tables[0]);
    acpi_append_u8(blob, 0);
    tables[1] = acpi_table_begin(blob, "BBBB", 1);
    acpi_table_end(blob, tables[1]);

    g_assert_true(acpi_link_root(blob, base, tables, 2, &rsdp, &error_abort));
    g_assert_cmpuint(rsdp % 16, ==, 0);
    g_assert_cmpuint(rsdp + 36, <=, blob->len);
    p = blob->data + rsdp;
    g_assert_cmpmem(p, 8, "RSD PTR ", 8);
    g_assert_cmpuint(sum(p, 20), ==, 0);
    g_assert_cmpuint(sum(p, 36), ==, 0);
    g_assert_cmpuint(p[15], ==, 2);
    g_assert_cmpuint(rd32(p + 20), ==, 36);

    rsdt = rd32(p + 16) - base;
    g_assert_cmpmem(blob->data + rsdt, 4, "RSDT", 4);
    g_assert_cmpuint(rd32(blob->data + rsdt + 4), ==, 36 + 2 * 4);
    g_assert_cmpuint(sum(blob->data + rsdt, 44), ==, 0);
    g_assert_cmpuint(rd32(blob->data + rsdt + 36), ==, base + tables[0]);
    g_assert_cmpuint(rd32(blob->data + rsdt + 40), ==, base + tables[1]);

    xsdt = rd64(p + 24) - base;
    g_assert_cmpmem(blob->data + xsdt, 4, "XSDT", 4);
    g_assert_cmpuint(rd32(blob->data + xsdt + 4), ==, 36 + 2 * 8);
    g_assert_cmpuint(sum(blob->data + xsdt, 52), ==, 0);
    g_assert_cmpuint(rd64(blob->data + xsdt + 36), ==, base + tables[0]);
    g_assert_cmpuint(rd64(blob->data + xsdt + 44), ==, base + tables[1]);
}

static void test_link_root_above_4g(void)
{
    g_autoptr(GByteArray) blob = g_byte_array_new();
    Error *err = NULL;
    guint t, rsdp;

    t = acpi_table_begin(blob, "AAAA", 1);
    acpi_table_end(blob, t);
    g_assert_false(acpi_link_root(blob, 0x100000000ull, &t, 1, &rsdp, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(error_get_pretty(err), "below 4 GiB"));
    error_free(err);
    err = NULL;
    /* ending just past 4 GiB is refused too (this one needs 164 bytes) */
    g_assert_false(acpi_link_root(blob, 0xffffff80ull, &t, 1, &rsdp, &err));
    error_free(err);
    g_assert_cmpuint(blob->len, ==, 36);
    /* and just below it is fine */
    g_assert_true(acpi_link_root(blob, 0xffffff00ull, &t, 1, &rsdp,
                                 &error_abort));
    g_assert_cmpuint(blob->len, ==, 164);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/aml/pkglength", test_pkglength);
    g_test_add_func("/aml/pkglength-boundaries", test_pkglength_boundaries);
    g_test_add_func("/aml/namestring", test_namestring);
    g_test_add_func("/aml/namestring-bad", test_namestring_bad);
    g_test_add_func("/aml/integers", test_integers);
    g_test_add_func("/aml/data-objects", test_data_objects);
    g_test_add_func("/aml/method", test_method);
    g_test_add_func("/aml/device-scope", test_device_scope);
    g_test_add_func("/aml/eisaid", test_eisaid);
    g_test_add_func("/aml/resources", test_resources);
    g_test_add_func("/acpi/table-header", test_table_header);
    g_test_add_func("/acpi/link-root", test_link_root);
    g_test_add_func("/acpi/link-root-above-4g", test_link_root_above_4g);
    return g_test_run();
}
