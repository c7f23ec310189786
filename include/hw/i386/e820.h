/*
 * e820.h: the BIOS memory map (INT 15h, AX=E820h) that a PC guest is given,
 * built as a sorted list of non-overlapping ranges. Pure data: nothing here
 * touches guest memory; the Linux and multiboot loaders copy the table into
 * the formats their protocols want.
 */
#ifndef HW_I386_E820_H
#define HW_I386_E820_H

#include "qemu/error.h"

typedef enum E820Type {
    E820_RAM = 1,
    E820_RESERVED = 2,
    E820_ACPI = 3,
    E820_NVS = 4,
    E820_UNUSABLE = 5,
} E820Type;

typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

/* Entries are kept sorted by address, disjoint, and adjacent entries of the
 * same type are merged. */
typedef struct E820Table {
    E820Entry *entries;
    unsigned count;
    unsigned capacity;
} E820Table;

/* The PC memory map constants (see pc_e820_layout()). */
#define PC_LOW_RAM_END      0x9fc00ULL  /* start of the EBDA */
#define PC_EBDA_END         0xa0000ULL  /* start of the VGA window */
#define PC_BIOS_START       0xf0000ULL  /* BIOS area: RSDP, MP tables */
#define PC_HIGH_RAM_START   0x100000ULL
#define PC_4G               0x100000000ULL
#define PC_MAX_RAM_BELOW_4G 0xe0000000ULL  /* QEMU's max-ram-below-4g default */
/*
 * AMD's HyperTransport window, 1 TiB - 12 GiB up to 1 TiB: addresses an
 * AMD IOMMU will not DMA-map. QEMU 7.1+ keeps an AMD vCPU's RAM out of it
 * (see pc_ram_layout()).
 */
#define PC_AMD_HT_START        0xfd00000000ULL
#define PC_AMD_HT_SIZE         0x300000000ULL
#define PC_AMD_ABOVE_1TB_START 0x10000000000ULL
/* The i440FX host bridge's pci-hole64-size default (QEMU 7.2). */
#define PC_PCI_HOLE64_SIZE     0x80000000ULL

/* Size of a stored entry (see e820_entry_store()). */
#define E820_ENTRY_SIZE 20

void e820_table_init(E820Table *t);
void e820_table_clear(E820Table *t);

/**
 * e820_table_add: - mark [addr, addr + size) as type. Where the range
 * overlaps earlier ones, the new type wins on the overlap and the old
 * ranges keep what is left on either side. Fails for an empty range or
 * one that wraps around the 64-bit address space.
 */
bool e820_table_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type,
                    Error **errp);

/**
 * e820_entry_store: - write e at p as E820_ENTRY_SIZE packed little-endian
 * bytes {u64 addr, u64 size, u32 type}: the layout of the Linux zero page
 * table, fw_cfg's etc/e820, hvm_start_info's memory map and multiboot's
 * mmap entries (after their size field).
 */
void e820_entry_store(uint8_t *p, const E820Entry *e);

/**
 * e820_table_ram_top_below: - the end of the highest RAM range that ends
 * at or below limit (0 if none): where "RAM below 4 GiB" stops.
 */
uint64_t e820_table_ram_top_below(const E820Table *t, uint64_t limit);

/**
 * e820_table_ram_kib: - KiB of RAM in [start, end) (for multiboot's
 * mem_lower/mem_upper).
 */
uint64_t e820_table_ram_kib(const E820Table *t, uint64_t start, uint64_t end);

/**
 * pc_ram_split: - QEMU pc's rule for how much RAM sits below 4 GiB.
 * max_below_4g is -machine max-ram-below-4g (0 means the default, 3.5 GiB).
 * When the RAM does not fit under it (ram_size >= max_below_4g) and
 * gigabyte_align is set (every pc machine type since 2.1), the low part is
 * further cut to 3 GiB so the high part starts on a gigabyte boundary;
 * otherwise all RAM is below 4 GiB.
 */
void pc_ram_split(uint64_t ram_size, uint64_t max_below_4g, bool gigabyte_align,
                  uint64_t *below_4g, uint64_t *above_4g);

/**
 * pc_e820_layout: - fill t (which may already hold the caller's reserved
 * ranges; they win where they overlap) with the map of a PC booted without
 * firmware: RAM 0-0x9fc00, the EBDA and BIOS area reserved, the VGA window
 * absent, RAM from 1 MiB to below_4g, and above_4g bytes of RAM from 4 GiB.
 */
bool pc_e820_layout(E820Table *t, uint64_t below_4g, uint64_t above_4g,
                    Error **errp);

/* pc_e820_layout() with the RAM above 4 GiB starting at above_4g_start. */
bool pc_e820_layout_at(E820Table *t, uint64_t below_4g, uint64_t above_4g,
                       uint64_t above_4g_start, Error **errp);

/* What the pc machine's RAM layout depends on. */
typedef struct PCRamConfig {
    uint64_t ram_size;              /* -m size */
    uint64_t maxram_size;           /* -m maxmem (ram_size if none) */
    uint64_t ram_slots;             /* -m slots */
    uint64_t pci_hole64_size;       /* PC_PCI_HOLE64_SIZE */
    bool amd;                       /* the vCPU vendor is AuthenticAMD */
    bool enforce_amd_1tb_hole;      /* machine types 7.1 and later */
    unsigned phys_bits;             /* the vCPU's phys-bits */
} PCRamConfig;

/* Where the pc machine puts its RAM. */
typedef struct PCRamLayout {
    uint64_t below_4g;              /* RAM from 0 (the PCI hole above) */
    uint64_t above_4g;              /* RAM from above_4g_start */
    uint64_t above_4g_start;        /* PC_4G or PC_AMD_ABOVE_1TB_START */
    bool amd_ht_reserved;           /* e820 reserves the HT window */
    uint64_t max_used_gpa;          /* QEMU's pc_max_used_gpa() */
} PCRamLayout;

/**
 * pc_ram_layout: - QEMU 7.2 pc_memory_init()'s placement of the RAM:
 * pc_ram_split() below and above 4 GiB; for an AMD vCPU (with
 * enforce_amd_1tb_hole) the part above 4 GiB moves to 1 TiB when the
 * highest address the machine may use (the end of that RAM, then the
 * memory hotplug area for maxmem and slots, then the 64-bit PCI hole)
 * reaches the HyperTransport window, and the window is reserved when
 * phys-bits is at least 40. Fails with QEMU's message when phys-bits
 * cannot address that highest address.
 */
bool pc_ram_layout(PCRamLayout *l, const PCRamConfig *c, Error **errp);

#endif
