/*
 * e820.c: the PC memory map handed to guests (the E820 table), kept sorted
 * and disjoint so that every loader can copy it as is. It describes RAM
 * and holes, and where the pc machine puts its RAM (pc_ram_split,
 * pc_ram_layout); it does not create memory regions.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/i386/e820.h"

void e820_table_init(E820Table *t)
{
    memset(t, 0, sizeof(*t));
}

void e820_table_clear(E820Table *t)
{
    g_free(t->entries);
    e820_table_init(t);
}

static void e820_insert(E820Table *t, unsigned at, uint64_t addr, uint64_t end,
                        uint32_t type)
{
    if (t->count == t->capacity) {
        t->capacity = t->capacity ? t->capacity * 2 : 16;
        t->entries = g_renew(E820Entry, t->entries, t->capacity);
    }
    memmove(&t->entries[at + 1], &t->entries[at],
            (t->count - at) * sizeof(E820Entry));
    t->entries[at] = (E820Entry){ .addr = addr, .size = end - addr, .type = type };
    t->count++;
}

static void e820_remove(E820Table *t, unsigned at)
{
    memmove(&t->entries[at], &t->entries[at + 1],
            (t->count - at - 1) * sizeof(E820Entry));
    t->count--;
}

bool e820_table_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type,
                    Error **errp)
{
    uint64_t end;
    unsigned i;

    if (size == 0 || size > UINT64_MAX - addr) {
        error_setg(errp, "invalid e820 range 0x%" PRIx64 "+0x%" PRIx64, addr, size);
        return false;
    }
    end = addr + size;

    /*
     * Cut [addr, end) out of every range it overlaps. A range that covers
     * it entirely is split in two; the pieces keep their type.
     */
    for (i = 0; i < t->count;) {
        E820Entry *e = &t->entries[i];
        uint64_t e_end = e->addr + e->size;

        if (e_end <= addr || e->addr >= end) {
            i++;
            continue;
        }
        if (e->addr < addr && e_end > end) {
            uint32_t old_type = e->type;

            e->size = addr - e->addr;
            e820_insert(t, i + 1, end, e_end, old_type);
            break;
        }
        if (e->addr < addr) {
            e->size = addr - e->addr;
            i++;
        } else if (e_end > end) {
            e->size = e_end - end;
            e->addr = end;
            i++;
        } else {
            e820_remove(t, i);
        }
    }

    for (i = 0; i < t->count && t->entries[i].addr < addr; i++) {
    }
    e820_insert(t, i, addr, end, type);

    /* Merge with same-typed neighbours that now touch. */
    if (i + 1 < t->count && t->entries[i + 1].type == type &&
        t->entries[i + 1].addr == end) {
        t->entries[i].size += t->entries[i + 1].size;
        e820_remove(t, i + 1);
    }
    if (i > 0 && t->entries[i - 1].type == type &&
        t->entries[i - 1].addr + t->entries[i - 1].size == addr) {
        t->entries[i - 1].size += t->entries[i].size;
        e820_remove(t, i);
    }
    return true;
}

void e820_entry_store(uint8_t *p, const E820Entry *e)
{
    stq_le_p(p, e->addr);
    stq_le_p(p + 8, e->size);
    stl_le_p(p + 16, e->type);
}

uint64_t e820_table_ram_top_below(const E820Table *t, uint64_t limit)
{
    uint64_t top = 0;

    for (unsigned i = 0; i < t->count; i++) {
        const E820Entry *e = &t->entries[i];

        if (e->type == E820_RAM && e->addr + e->size <= limit) {
            top = e->addr + e->size;
        }
    }
    return top;
}

uint64_t e820_table_ram_kib(const E820Table *t, uint64_t start, uint64_t end)
{
    uint64_t bytes = 0;

    for (unsigned i = 0; i < t->count; i++) {
        const E820Entry *e = &t->entries[i];
        uint64_t lo = MAX(e->addr, start);
        uint64_t hi = MIN(e->addr + e->size, end);

        if (e->type == E820_RAM && lo < hi) {
            bytes += hi - lo;
        }
    }
    return bytes / KiB;
}

void pc_ram_split(uint64_t ram_size, uint64_t max_below_4g, bool gigabyte_align,
                  uint64_t *below_4g, uint64_t *above_4g)
{
    uint64_t lowmem = max_below_4g ? max_below_4g : PC_MAX_RAM_BELOW_4G;

    /*
     * Large guests get 3 GiB below the PCI hole instead of 3.5 so that
     * the RAM above 4 GiB can be mapped with gigabyte pages (QEMU pc since
     * machine type 2.1).
     */
    if (ram_size >= lowmem && gigabyte_align && lowmem > 3 * GiB) {
        lowmem = 3 * GiB;
    }
    if (ram_size >= lowmem) {
        *below_4g = lowmem;
        *above_4g = ram_size - lowmem;
    } else {
        *below_4g = ram_size;
        *above_4g = 0;
    }
}

/* Sums and roundings that stop at UINT64_MAX instead of wrapping: a huge
 * maxmem then fails the phys-bits check rather than passing it. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_round_up_gib(uint64_t a)
{
    return a > UINT64_MAX - (GiB - 1) ? UINT64_MAX
                                      : QEMU_ALIGN_UP(a, (uint64_t)GiB);
}

/*
 * QEMU 7.2's pc_max_used_gpa() for RAM above 4 GiB at start: the 64-bit
 * PCI hole starts on the gigabyte after that RAM, or after the memory
 * hotplug area (maxmem - size, plus a gigabyte per slot for alignment)
 * when there is one.
 */
static uint64_t pc_max_used_gpa(const PCRamConfig *c, uint64_t start,
                                uint64_t above_4g)
{
    uint64_t hole64 = sat_add(start, above_4g);

    /* 32-bit CPUs have no 64-bit hole: all they can address. */
    if (c->phys_bits <= 32) {
        return (1ULL << c->phys_bits) - 1;
    }
    if (c->ram_size < c->maxram_size) {
        uint64_t slots = c->ram_slots > UINT64_MAX / GiB
                         ? UINT64_MAX : c->ram_slots * GiB;

        hole64 = sat_add(sat_round_up_gib(hole64),
                         sat_add(c->maxram_size - c->ram_size, slots));
    }
    return sat_add(sat_round_up_gib(hole64), c->pci_hole64_size) - 1;
}

bool pc_ram_layout(PCRamLayout *l, const PCRamConfig *c, Error **errp)
{
    uint64_t max_phys;

    memset(l, 0, sizeof(*l));
    pc_ram_split(c->ram_size, 0, true, &l->below_4g, &l->above_4g);
    l->above_4g_start = PC_4G;
    /*
     * Only AMD hosts with an IOMMU have the HyperTransport window, so only
     * an AMD vCPU gets its RAM moved above 1 TiB, and only when the
     * machine could reach the window otherwise. The window is listed
     * whenever the vCPU can address it, moved or not.
     */
    if (c->amd && c->enforce_amd_1tb_hole) {
        if (pc_max_used_gpa(c, PC_4G, l->above_4g) >= PC_AMD_HT_START) {
            l->above_4g_start = PC_AMD_ABOVE_1TB_START;
        }
        l->amd_ht_reserved = c->phys_bits >= 40;
    }
    l->max_used_gpa = pc_max_used_gpa(c, l->above_4g_start, l->above_4g);
    max_phys = c->phys_bits >= 64 ? UINT64_MAX : (1ULL << c->phys_bits) - 1;
    if (max_phys < l->max_used_gpa) {
        error_setg(errp, "Address space limit 0x%" PRIx64 " < 0x%" PRIx64
                   " phys-bits too low (%u)", max_phys, l->max_used_gpa,
                   c->phys_bits);
        return false;
    }
    return true;
}

bool pc_e820_layout(E820Table *t, uint64_t below_4g, uint64_t above_4g,
                    Error **errp)
{
    return pc_e820_layout_at(t, below_4g, above_4g, PC_4G, errp);
}

bool pc_e820_layout_at(E820Table *t, uint64_t below_4g, uint64_t above_4g,
                       uint64_t above_4g_start, Error **errp)
{
    E820Table map;
    bool ok = true;

    if (below_4g > PC_4G || above_4g_start < PC_4G ||
        above_4g > UINT64_MAX - above_4g_start) {
        error_setg(errp, "invalid RAM size for the e820 map");
        return false;
    }

    e820_table_init(&map);
    if (below_4g) {
        ok = e820_table_add(&map, 0, MIN(below_4g, PC_LOW_RAM_END), E820_RAM, errp);
    }
    /*
     * The EBDA and the BIOS area are where firmware tables (RSDP, MP
     * table) live, so they are reserved even with no BIOS; the VGA window
     * between them is a hole and is not listed, as SeaBIOS does.
     */
    ok = ok && e820_table_add(&map, PC_LOW_RAM_END, PC_EBDA_END - PC_LOW_RAM_END,
                              E820_RESERVED, errp);
    ok = ok && e820_table_add(&map, PC_BIOS_START, PC_HIGH_RAM_START - PC_BIOS_START,
                              E820_RESERVED, errp);
    if (ok && below_4g > PC_HIGH_RAM_START) {
        ok = e820_table_add(&map, PC_HIGH_RAM_START, below_4g - PC_HIGH_RAM_START,
                            E820_RAM, errp);
    }
    if (ok && above_4g) {
        ok = e820_table_add(&map, above_4g_start, above_4g, E820_RAM, errp);
    }
    /* Ranges the caller reserved before (ACPI tables...) win. */
    for (unsigned i = 0; ok && i < t->count; i++) {
        ok = e820_table_add(&map, t->entries[i].addr, t->entries[i].size,
                            t->entries[i].type, errp);
    }
    if (!ok) {
        e820_table_clear(&map);
        return false;
    }
    e820_table_clear(t);
    *t = map;
    return true;
}
