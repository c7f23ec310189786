/*
 * aml-build.h: a small byte-stream builder for ACPI Machine Language (AML,
 * ACPI 6.x chapter 20) and for the fixed-layout ACPI tables around it.
 * It writes what a PC DSDT needs (names, integers, packages, scopes, devices,
 * methods, resource templates); it is not an ASL compiler or an interpreter.
 */
#ifndef HW_ACPI_AML_BUILD_H
#define HW_ACPI_AML_BUILD_H

#include "qemu/error.h"

/*
 * Guests and tools key on the OEM fields that QEMU writes ("BOCHS ",
 * "BXPC" + signature), so Keel writes the same ones: Linux quirks, Windows
 * activation and test suites then see the machine they expect.
 */
#define ACPI_OEM_ID             "BOCHS "
#define ACPI_OEM_TABLE_PREFIX   "BXPC"
#define ACPI_CREATOR_ID         "BXPC"
#define ACPI_TABLE_HEADER_SIZE  36

/* Largest value a PkgLength can carry: 28 bits. */
#define AML_PKGLENGTH_MAX       0x0fffffffu

/* ---- AML terms: each call appends to aml ---- */

/**
 * aml_pkglength_encode: - encode a PkgLength of value len (which already
 * counts the PkgLength bytes themselves) into out; returns how many bytes
 * (1-4) it took. len must be at most AML_PKGLENGTH_MAX.
 */
unsigned aml_pkglength_encode(uint32_t len, uint8_t out[4]);

/**
 * aml_namestring: - append a NameString. path is ASL-style: an optional
 * leading '\\' or any number of '^', then zero or more dot-separated names
 * of 1-4 characters ([A-Z_][A-Z0-9_]*), each padded with '_' to a NameSeg.
 * Two names take DualNamePrefix, more MultiNamePrefix, none NullName.
 * A malformed path is a bug in the caller and asserts.
 */
void aml_namestring(GByteArray *aml, const char *path);

/**
 * aml_int: - append an integer constant in its shortest form: ZeroOp,
 * OneOp, OnesOp (all bits set), or a Byte/Word/DWord/QWord prefix.
 */
void aml_int(GByteArray *aml, uint64_t v);

/** aml_string: - append a String (ASCII 0x01-0x7f, NUL-terminated). */
void aml_string(GByteArray *aml, const char *s);

/** aml_buffer: - append a Buffer holding len bytes of data. */
void aml_buffer(GByteArray *aml, const void *data, size_t len);

/**
 * aml_name: - append NameOp and the NameString; the caller appends the
 * object (an integer, string, package...) right after.
 */
void aml_name(GByteArray *aml, const char *name);

/** aml_return: - append ReturnOp; the caller appends the returned term. */
void aml_return(GByteArray *aml);

/**
 * aml_eisaid: - compress a 7-character EISA id ("PNP0C0C") into the DWord
 * that _HID takes (0x0C0CD041); asserts on a malformed id.
 */
uint32_t aml_eisaid(const char *id);

/*
 * Blocks whose length prefixes their body: *_begin() writes the opcode and
 * returns a mark; the caller appends the body; aml_end(mark) then inserts the
 * PkgLength, sized to the body. Blocks nest (end them innermost first).
 */
guint aml_scope_begin(GByteArray *aml, const char *name);
guint aml_device_begin(GByteArray *aml, const char *name);
/* nargs 0-7; serialized methods are not re-entered by the interpreter. */
guint aml_method_begin(GByteArray *aml, const char *name, unsigned nargs,
                       bool serialized);
void aml_end(GByteArray *aml, guint mark);

/* A Package of count elements (at most 255), appended between the two. */
guint aml_package_begin(GByteArray *aml);
void aml_package_end(GByteArray *aml, guint mark, unsigned count);

/* ---- Resource descriptors (ACPI 6.x 6.4): each call appends to rt ---- */

/* IO(Decode16, min, max, align, len) */
void aml_rt_io(GByteArray *rt, uint16_t min, uint16_t max, uint8_t align,
               uint8_t len);
/* IRQNoFlags() {irq}: edge-triggered, active-high, exclusive, ISA IRQ 0-15. */
void aml_rt_irq_noflags(GByteArray *rt, unsigned irq);
/* Memory32Fixed(ReadWrite or ReadOnly, base, len) */
void aml_rt_memory32_fixed(GByteArray *rt, uint32_t base, uint32_t len,
                           bool read_write);
/*
 * The address space descriptors below describe windows a bridge produces
 * (ResourceProducer, PosDecode, MinFixed, MaxFixed), with length
 * max - min + 1, granularity 0 and no translation: what a host bridge's
 * _CRS lists.
 */
void aml_rt_word_bus_number(GByteArray *rt, uint16_t min, uint16_t max);
/* WordIO(..., EntireRange) */
void aml_rt_word_io(GByteArray *rt, uint16_t min, uint16_t max);
/* DWordMemory(..., Cacheable or NonCacheable, ReadWrite) */
void aml_rt_dword_memory(GByteArray *rt, uint32_t min, uint32_t max,
                         bool cacheable);
/* QWordMemory(..., Cacheable or NonCacheable, ReadWrite) */
void aml_rt_qword_memory(GByteArray *rt, uint64_t min, uint64_t max,
                         bool cacheable);

/**
 * aml_resource_template: - append the descriptors in rt, closed with an
 * EndTag (checksum 0: "treat as correct"), as a Buffer to aml.
 */
void aml_resource_template(GByteArray *aml, const GByteArray *rt);

/* ---- Tables ---- */

/* Little-endian appenders used by the fixed-layout tables. */
void acpi_append_u8(GByteArray *b, uint8_t v);
void acpi_append_u16(GByteArray *b, uint16_t v);
void acpi_append_u32(GByteArray *b, uint32_t v);
void acpi_append_u64(GByteArray *b, uint64_t v);
void acpi_append_zeros(GByteArray *b, size_t n);
void acpi_append_str(GByteArray *b, const char *s, size_t n); /* pad ' ' */
/* Overwrite len (1, 2, 4 or 8) bytes at off with v, little-endian. */
void acpi_patch_le(GByteArray *b, guint off, uint64_t v, unsigned len);

/* Generic Address Structure (ACPI 6.x 5.2.3.2) */
enum {
    ACPI_GAS_MEMORY = 0,
    ACPI_GAS_IO = 1,
};
void acpi_append_gas(GByteArray *b, uint8_t space, uint8_t bit_width,
                     uint8_t bit_offset, uint8_t access_size, uint64_t addr);

/** acpi_checksum: - the byte that makes data[0..len) plus it sum to 0. */
uint8_t acpi_checksum(const uint8_t *data, size_t len);

/**
 * acpi_align: - pad blob with zeros to a multiple of align (a power of 2).
 */
void acpi_align(GByteArray *blob, guint align);

/**
 * acpi_table_begin: - append a 36-byte System Description Table header
 * for sig (4 characters) at revision rev, with length and checksum left for
 * acpi_table_end(); returns the table's offset in blob.
 */
guint acpi_table_begin(GByteArray *blob, const char *sig, uint8_t rev);

/**
 * acpi_table_end: - fill in the length and checksum of the table that
 * starts at offset start and runs to the end of blob.
 */
void acpi_table_end(GByteArray *blob, guint start);

/**
 * acpi_link_root: - finish a blob of tables that will sit at guest-physical
 * address base: append an RSDT and an XSDT listing the n tables at offsets
 * tables[] (all already in blob), then a 16-byte aligned ACPI 2.0 RSDP
 * pointing at both. Tables are appended after those they point to, so every
 * address is known when it is written and nothing needs patching later.
 * Returns the RSDP's offset in blob; fails if the blob would not lie below
 * 4 GiB (the RSDT and RSDP hold 32-bit addresses).
 */
bool acpi_link_root(GByteArray *blob, uint64_t base, const guint *tables,
                    unsigned n, guint *rsdp_off, Error **errp);

#endif
