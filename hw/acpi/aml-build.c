/*
 * aml-build.c: AML byte-stream builder and ACPI table helpers.
 * Encodings follow the ACPI 6.x specification (chapter 20 for AML, 6.4 for
 * resource descriptors, 5.2 for the tables); nothing here knows about any
 * particular machine, which lives in hw/i386/acpi-build.c.
 */
#include "qemu/osdep.h"
#include "hw/acpi/aml-build.h"

/* AML opcodes (ACPI 6.x 20.3) */
#define AML_ZERO_OP             0x00
#define AML_ONE_OP              0x01
#define AML_NAME_OP             0x08
#define AML_BYTE_PREFIX         0x0a
#define AML_WORD_PREFIX         0x0b
#define AML_DWORD_PREFIX        0x0c
#define AML_STRING_PREFIX       0x0d
#define AML_QWORD_PREFIX        0x0e
#define AML_SCOPE_OP            0x10
#define AML_BUFFER_OP           0x11
#define AML_PACKAGE_OP          0x12
#define AML_METHOD_OP           0x14
#define AML_DUAL_NAME_PREFIX    0x2e
#define AML_MULTI_NAME_PREFIX   0x2f
#define AML_EXT_OP_PREFIX       0x5b
#define AML_DEVICE_OP           0x82    /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR           0x5c
#define AML_PARENT_PREFIX       0x5e
#define AML_RETURN_OP           0xa4
#define AML_ONES_OP             0xff

/* Resource descriptor tags (ACPI 6.x 6.4) */
#define RT_IRQ_NOFLAGS          0x22    /* small item 0x04, length 2 */
#define RT_IO                   0x47    /* small item 0x08, length 7 */
#define RT_END_TAG              0x79    /* small item 0x0f, length 1 */
#define RT_MEMORY32_FIXED       0x86
#define RT_DWORD_ADDRESS        0x87
#define RT_WORD_ADDRESS         0x88
#define RT_QWORD_ADDRESS        0x8a

/* Address space descriptor resource types and flags */
#define RT_SPACE_MEMORY         0
#define RT_SPACE_IO             1
#define RT_SPACE_BUS            2
#define RT_GEN_MIN_FIXED        (1 << 2)
#define RT_GEN_MAX_FIXED        (1 << 3)
#define RT_IO_ENTIRE_RANGE      3
#define RT_MEM_READ_WRITE       (1 << 0)
#define RT_MEM_CACHEABLE        (1 << 1)

/* ---- little-endian appenders ---- */

void acpi_append_u8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

static void append_le(GByteArray *b, uint64_t v, unsigned len)
{
    uint8_t buf[8];

    for (unsigned i = 0; i < len; i++) {
        buf[i] = v >> (8 * i);
    }
    g_byte_array_append(b, buf, len);
}

void acpi_append_u16(GByteArray *b, uint16_t v)
{
    append_le(b, v, 2);
}

void acpi_append_u32(GByteArray *b, uint32_t v)
{
    append_le(b, v, 4);
}

void acpi_append_u64(GByteArray *b, uint64_t v)
{
    append_le(b, v, 8);
}

void acpi_append_zeros(GByteArray *b, size_t n)
{
    guint old = b->len;

    if (n) {
        g_byte_array_set_size(b, old + n);
        memset(b->data + old, 0, n);
    }
}

void acpi_append_str(GByteArray *b, const char *s, size_t n)
{
    size_t l = strlen(s);

    g_assert(l <= n);
    g_byte_array_append(b, (const guint8 *)s, l);
    for (; l < n; l++) {
        acpi_append_u8(b, ' ');
    }
}

void acpi_patch_le(GByteArray *b, guint off, uint64_t v, unsigned len)
{
    g_assert(len <= 8 && off + len <= b->len);
    for (unsigned i = 0; i < len; i++) {
        b->data[off + i] = v >> (8 * i);
    }
}

void acpi_append_gas(GByteArray *b, uint8_t space, uint8_t bit_width,
                     uint8_t bit_offset, uint8_t access_size, uint64_t addr)
{
    acpi_append_u8(b, space);
    acpi_append_u8(b, bit_width);
    acpi_append_u8(b, bit_offset);
    acpi_append_u8(b, access_size);
    acpi_append_u64(b, addr);
}

/* Insert len bytes at pos, moving what follows. */
static void insert_bytes(GByteArray *b, guint pos, const uint8_t *data,
                         guint len)
{
    guint old = b->len;

    g_assert(pos <= old);
    g_byte_array_set_size(b, old + len);
    memmove(b->data + pos + len, b->data + pos, old - pos);
    memcpy(b->data + pos, data, len);
}

/* ---- AML terms ---- */

unsigned aml_pkglength_encode(uint32_t len, uint8_t out[4])
{
    unsigned n;

    g_assert(len <= AML_PKGLENGTH_MAX);
    /* One byte holds 6 bits; each follow-on byte adds 8 to the low nibble. */
    if (len <= 0x3f) {
        out[0] = len;
        return 1;
    }
    if (len <= 0xfff) {
        n = 2;
    } else if (len <= 0xfffff) {
        n = 3;
    } else {
        n = 4;
    }
    out[0] = ((n - 1) << 6) | (len & 0x0f);
    for (unsigned i = 1; i < n; i++) {
        out[i] = len >> (4 + 8 * (i - 1));
    }
    return n;
}

static bool is_lead_char(char c)
{
    return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_lead_char(c) || (c >= '0' && c <= '9');
}

/* Append one NameSeg from s (up to '.' or NUL); returns the chars read. */
static size_t append_nameseg(GByteArray *aml, const char *s)
{
    size_t n = 0;

    g_assert(is_lead_char(s[0]));
    while (s[n] && s[n] != '.') {
        g_assert(n < 4 && is_name_char(s[n]));
        n++;
    }
    g_byte_array_append(aml, (const guint8 *)s, n);
    for (size_t i = n; i < 4; i++) {
        acpi_append_u8(aml, '_');
    }
    return n;
}

void aml_namestring(GByteArray *aml, const char *path)
{
    const char *p = path;
    unsigned segs = 0;

    if (*p == '\\') {
        acpi_append_u8(aml, AML_ROOT_CHAR);
        p++;
    } else {
        while (*p == '^') {
            acpi_append_u8(aml, AML_PARENT_PREFIX);
            p++;
        }
    }
    if (*p) {
        segs = 1;
        for (const char *q = p; *q; q++) {
            segs += *q == '.';
        }
    }
    g_assert(segs <= 255);
    if (segs == 0) {
        acpi_append_u8(aml, AML_ZERO_OP);       /* NullName */
        return;
    }
    if (segs == 2) {
        acpi_append_u8(aml, AML_DUAL_NAME_PREFIX);
    } else if (segs > 2) {
        acpi_append_u8(aml, AML_MULTI_NAME_PREFIX);
        acpi_append_u8(aml, segs);
    }
    for (unsigned i = 0; i < segs; i++) {
        p += append_nameseg(aml, p);
        if (i + 1 < segs) {
            g_assert(*p == '.');
            p++;
        }
    }
    g_assert(*p == '\0');
}

void aml_int(GByteArray *aml, uint64_t v)
{
    if (v == 0) {
        acpi_append_u8(aml, AML_ZERO_OP);
    } else if (v == 1) {
        acpi_append_u8(aml, AML_ONE_OP);
    } else if (v == UINT64_MAX) {
        acpi_append_u8(aml, AML_ONES_OP);
    } else if (v <= UINT8_MAX) {
        acpi_append_u8(aml, AML_BYTE_PREFIX);
        acpi_append_u8(aml, v);
    } else if (v <= UINT16_MAX) {
        acpi_append_u8(aml, AML_WORD_PREFIX);
        acpi_append_u16(aml, v);
    } else if (v <= UINT32_MAX) {
        acpi_append_u8(aml, AML_DWORD_PREFIX);
        acpi_append_u32(aml, v);
    } else {
        acpi_append_u8(aml, AML_QWORD_PREFIX);
        acpi_append_u64(aml, v);
    }
}

void aml_string(GByteArray *aml, const char *s)
{
    for (const char *p = s; *p; p++) {
        g_assert((unsigned char)*p <= 0x7f);
    }
    acpi_append_u8(aml, AML_STRING_PREFIX);
    g_byte_array_append(aml, (const guint8 *)s, strlen(s) + 1);
}

void aml_name(GByteArray *aml, const char *name)
{
    acpi_append_u8(aml, AML_NAME_OP);
    aml_namestring(aml, name);
}

void aml_return(GByteArray *aml)
{
    acpi_append_u8(aml, AML_RETURN_OP);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

uint32_t aml_eisaid(const char *id)
{
    uint32_t v = 0;
    uint8_t b[4];

    g_assert(strlen(id) == 7);
    /* Three letters of 5 bits each ('A' = 1), then four hex digits. */
    for (int i = 0; i < 3; i++) {
        g_assert(id[i] >= 'A' && id[i] <= 'Z');
        v = (v << 5) | (id[i] - 'A' + 1);
    }
    for (int i = 3; i < 7; i++) {
        g_assert(hex_digit(id[i]) >= 0);
        v = (v << 4) | hex_digit(id[i]);
    }
    /* The 32-bit big-endian value is stored byte-swapped. */
    b[0] = v >> 24;
    b[1] = v >> 16;
    b[2] = v >> 8;
    b[3] = v;
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* ---- length-prefixed blocks ---- */

void aml_end(GByteArray *aml, guint mark)
{
    uint32_t body, len;
    uint8_t enc[4];
    unsigned n;

    g_assert(mark <= aml->len);
    body = aml->len - mark;
    /* The PkgLength counts its own bytes, which depend on the total. */
    for (n = 1; n <= 4; n++) {
        len = body + n;
        if (aml_pkglength_encode(len, enc) == n) {
            break;
        }
    }
    g_assert(n <= 4);
    insert_bytes(aml, mark, enc, n);
}

guint aml_scope_begin(GByteArray *aml, const char *name)
{
    guint mark;

    acpi_append_u8(aml, AML_SCOPE_OP);
    mark = aml->len;
    aml_namestring(aml, name);
    return mark;
}

guint aml_device_begin(GByteArray *aml, const char *name)
{
    guint mark;

    acpi_append_u8(aml, AML_EXT_OP_PREFIX);
    acpi_append_u8(aml, AML_DEVICE_OP);
    mark = aml->len;
    aml_namestring(aml, name);
    return mark;
}

guint aml_method_begin(GByteArray *aml, const char *name, unsigned nargs,
                       bool serialized)
{
    guint mark;

    g_assert(nargs <= 7);
    acpi_append_u8(aml, AML_METHOD_OP);
    mark = aml->len;
    aml_namestring(aml, name);
    /* MethodFlags: bits 0-2 ArgCount, bit 3 SerializeFlag, SyncLevel 0 */
    acpi_append_u8(aml, nargs | (serialized ? 1 << 3 : 0));
    return mark;
}

guint aml_package_begin(GByteArray *aml)
{
    acpi_append_u8(aml, AML_PACKAGE_OP);
    return aml->len;
}

void aml_package_end(GByteArray *aml, guint mark, unsigned count)
{
    uint8_t num = count;

    g_assert(count <= 255);
    insert_bytes(aml, mark, &num, 1);
    aml_end(aml, mark);
}

void aml_buffer(GByteArray *aml, const void *data, size_t len)
{
    guint mark;

    acpi_append_u8(aml, AML_BUFFER_OP);
    mark = aml->len;
    aml_int(aml, len);
    g_byte_array_append(aml, data, len);
    aml_end(aml, mark);
}

/* ---- resource descriptors ---- */

void aml_rt_io(GByteArray *rt, uint16_t min, uint16_t max, uint8_t align,
               uint8_t len)
{
    acpi_append_u8(rt, RT_IO);
    acpi_append_u8(rt, 1);              /* decodes 16 address bits */
    acpi_append_u16(rt, min);
    acpi_append_u16(rt, max);
    acpi_append_u8(rt, align);
    acpi_append_u8(rt, len);
}

void aml_rt_irq_noflags(GByteArray *rt, unsigned irq)
{
    g_assert(irq < 16);
    acpi_append_u8(rt, RT_IRQ_NOFLAGS);
    acpi_append_u16(rt, 1u << irq);
}

void aml_rt_memory32_fixed(GByteArray *rt, uint32_t base, uint32_t len,
                           bool read_write)
{
    acpi_append_u8(rt, RT_MEMORY32_FIXED);
    acpi_append_u16(rt, 9);
    acpi_append_u8(rt, read_write ? 1 : 0);
    acpi_append_u32(rt, base);
    acpi_append_u32(rt, len);
}

/*
 * Word, DWord and QWord address space descriptors share one layout with
 * fields of width w: tag, length, type, general flags, type flags, then
 * granularity, min, max, translation offset and length.
 */
static void rt_address(GByteArray *rt, uint8_t tag, unsigned w, uint8_t type,
                       uint8_t type_flags, uint64_t min, uint64_t max)
{
    g_assert(min <= max);
    acpi_append_u8(rt, tag);
    acpi_append_u16(rt, 3 + 5 * w);
    acpi_append_u8(rt, type);
    /* producer (bit 0 clear), positive decode, fixed min and max */
    acpi_append_u8(rt, RT_GEN_MIN_FIXED | RT_GEN_MAX_FIXED);
    acpi_append_u8(rt, type_flags);
    append_le(rt, 0, w);                /* granularity */
    append_le(rt, min, w);
    append_le(rt, max, w);
    append_le(rt, 0, w);                /* translation offset */
    append_le(rt, max - min + 1, w);
}

void aml_rt_word_bus_number(GByteArray *rt, uint16_t min, uint16_t max)
{
    rt_address(rt, RT_WORD_ADDRESS, 2, RT_SPACE_BUS, 0, min, max);
}

void aml_rt_word_io(GByteArray *rt, uint16_t min, uint16_t max)
{
    rt_address(rt, RT_WORD_ADDRESS, 2, RT_SPACE_IO, RT_IO_ENTIRE_RANGE,
               min, max);
}

void aml_rt_dword_memory(GByteArray *rt, uint32_t min, uint32_t max,
                         bool cacheable)
{
    rt_address(rt, RT_DWORD_ADDRESS, 4, RT_SPACE_MEMORY,
               RT_MEM_READ_WRITE | (cacheable ? RT_MEM_CACHEABLE : 0),
               min, max);
}

void aml_rt_qword_memory(GByteArray *rt, uint64_t min, uint64_t max,
                         bool cacheable)
{
    /* A window of all 2^64 bytes has no representable length. */
    g_assert(max - min != UINT64_MAX);
    rt_address(rt, RT_QWORD_ADDRESS, 8, RT_SPACE_MEMORY,
               RT_MEM_READ_WRITE | (cacheable ? RT_MEM_CACHEABLE : 0),
               min, max);
}

void aml_resource_template(GByteArray *aml, const GByteArray *rt)
{
    g_autoptr(GByteArray) buf = g_byte_array_sized_new(rt->len + 2);

    g_byte_array_append(buf, rt->data, rt->len);
    acpi_append_u8(buf, RT_END_TAG);
    acpi_append_u8(buf, 0);             /* checksum 0: "treat as valid" */
    aml_buffer(aml, buf->data, buf->len);
}

/* ---- tables ---- */

uint8_t acpi_checksum(const uint8_t *data, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += data[i];
    }
    return -sum;
}

void acpi_align(GByteArray *blob, guint align)
{
    g_assert(align && !(align & (align - 1)));
    acpi_append_zeros(blob, QEMU_ALIGN_UP(blob->len, align) - blob->len);
}

guint acpi_table_begin(GByteArray *blob, const char *sig, uint8_t rev)
{
    guint start = blob->len;
    char oem_table_id[9];

    g_assert(strlen(sig) == 4);
    snprintf(oem_table_id, sizeof(oem_table_id), "%s%s",
             ACPI_OEM_TABLE_PREFIX, sig);
    acpi_append_str(blob, sig, 4);
    acpi_append_u32(blob, 0);           /* length, by acpi_table_end() */
    acpi_append_u8(blob, rev);
    acpi_append_u8(blob, 0);            /* checksum, by acpi_table_end() */
    acpi_append_str(blob, ACPI_OEM_ID, 6);
    acpi_append_str(blob, oem_table_id, 8);
    acpi_append_u32(blob, 1);           /* OEM revision */
    acpi_append_str(blob, ACPI_CREATOR_ID, 4);
    acpi_append_u32(blob, 1);           /* creator revision */
    return start;
}

void acpi_table_end(GByteArray *blob, guint start)
{
    guint len = blob->len - start;

    g_assert(len >= ACPI_TABLE_HEADER_SIZE);
    acpi_patch_le(blob, start + 4, len, 4);
    blob->data[start + 9] = 0;
    blob->data[start + 9] = acpi_checksum(blob->data + start, len);
}

bool acpi_link_root(GByteArray *blob, uint64_t base, const guint *tables,
                    unsigned n, guint *rsdp_off, Error **errp)
{
    /* Bound on what this appends: two tables, padding (<= 29), the RSDP. */
    uint64_t end = base + blob->len + 2 * ACPI_TABLE_HEADER_SIZE + 12 * n + 80;
    guint rsdt, xsdt, rsdp;

    if (base > UINT32_MAX || end > (uint64_t)UINT32_MAX + 1) {
        error_setg(errp, "ACPI tables at 0x%" PRIx64 " (%u bytes) do not fit "
                   "below 4 GiB", base, blob->len);
        return false;
    }

    acpi_align(blob, 8);
    rsdt = acpi_table_begin(blob, "RSDT", 1);
    for (unsigned i = 0; i < n; i++) {
        g_assert(tables[i] < rsdt);
        acpi_append_u32(blob, base + tables[i]);
    }
    acpi_table_end(blob, rsdt);

    acpi_align(blob, 8);
    xsdt = acpi_table_begin(blob, "XSDT", 1);
    for (unsigned i = 0; i < n; i++) {
        acpi_append_u64(blob, base + tables[i]);
    }
    acpi_table_end(blob, xsdt);

    /* Guests that scan memory for the RSDP look on 16-byte boundaries. */
    acpi_align(blob, 16);
    rsdp = blob->len;
    acpi_append_str(blob, "RSD PTR ", 8);
    acpi_append_u8(blob, 0);            /* checksum of the first 20 bytes */
    acpi_append_str(blob, ACPI_OEM_ID, 6);
    acpi_append_u8(blob, 2);            /* revision: ACPI 2.0 and later */
    acpi_append_u32(blob, base + rsdt);
    acpi_append_u32(blob, 36);          /* length of the whole RSDP */
    acpi_append_u64(blob, base + xsdt);
    acpi_append_u8(blob, 0);            /* extended checksum, all 36 bytes */
    acpi_append_zeros(blob, 3);
    blob->data[rsdp + 8] = acpi_checksum(blob->data + rsdp, 20);
    blob->data[rsdp + 32] = acpi_checksum(blob->data + rsdp, 36);
    g_assert(base + blob->len <= end);

    *rsdp_off = rsdp;
    return true;
}
