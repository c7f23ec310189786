/*
 * physmem.c: reading and writing an address space: byte ranges split
 * across its flat ranges (RAM by copy, I/O through the dispatcher), the
 * fixed-size little-endian loads and stores, direct RAM mapping and the
 * DMA wrappers. Every guest address and length is checked here.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "qemu/log.h"

/* The largest piece of an I/O access the region lets the guest make. */
static unsigned io_access_size(MemoryRegion *mr, hwaddr len, hwaddr addr)
{
    unsigned max = mr->ops->valid.max_access_size;
    unsigned l;

    max = max == 0 ? 4 : MIN(max, 8u);
    if (!mr->ops->valid.unaligned) {
        hwaddr align = addr & -addr;

        if (align != 0 && align < max) {
            max = (unsigned)align;
        }
    }
    l = len < max ? (unsigned)len : max;
    /* Round down to a power of two. */
    while (l & (l - 1)) {
        l &= l - 1;
    }
    return l;
}

static MemTxResult io_rw(MemoryRegion *mr, hwaddr off, MemTxAttrs attrs,
                         uint8_t *buf, hwaddr len, bool is_write)
{
    MemTxResult r = MEMTX_OK;

    while (len > 0) {
        unsigned l = io_access_size(mr, len, off);
        uint64_t v = 0;

        if (is_write) {
            for (unsigned k = 0; k < l; k++) {
                v |= (uint64_t)buf[k] << (8 * k);
            }
            r |= memory_region_dispatch_write(mr, off, v, l, attrs);
        } else {
            r |= memory_region_dispatch_read(mr, off, &v, l, attrs);
            for (unsigned k = 0; k < l; k++) {
                buf[k] = v >> (8 * k);
            }
        }
        buf += l;
        off += l;
        len -= l;
    }
    return r;
}

/* Does [addr, addr + len) stay below 2^64? */
static bool range_ok(hwaddr addr, hwaddr len)
{
    return len == 0 || addr + (len - 1) >= addr;
}

void (*physmem_ram_write_notify)(hwaddr addr, hwaddr len);

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             void *buf, hwaddr len, bool is_write)
{
    uint8_t *p = buf;
    MemTxResult r = MEMTX_OK;
    FlatView *fv;

    if (!range_ok(addr, len)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: access at 0x%" HWADDR_PRIx
                      " of 0x%" HWADDR_PRIx " bytes wraps around\n",
                      as->name, addr, len);
        return MEMTX_DECODE_ERROR;
    }
    fv = address_space_get_flatview(as);
    while (len > 0) {
        MemoryRegionSection s = memory_region_find_flat(fv, addr);
        hwaddr l = s.size < (Int128)len ? (hwaddr)s.size : len;
        MemoryRegion *mr = s.mr;

        if (!mr) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: %s of unassigned address 0x%"
                          HWADDR_PRIx "\n", as->name,
                          is_write ? "write" : "read", addr);
            if (!is_write) {
                memset(p, 0, l);
            }
            r |= MEMTX_DECODE_ERROR;
        } else if (mr->ram) {
            uint8_t *host = (uint8_t *)mr->ram_ptr + s.offset_within_region;

            if (!is_write) {
                memcpy(p, host, l);
            } else if (!s.readonly) {
                memcpy(host, p, l);
                if (physmem_ram_write_notify) {
                    physmem_ram_write_notify(addr, l);
                }
            }
            /* Writes to ROM are dropped silently, as on hardware. */
        } else {
            r |= io_rw(mr, s.offset_within_region, attrs, p, l, is_write);
        }
        p += l;
        len -= l;
        addr += l;
    }
    flatview_unref(fv);
    return r;
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len)
{
    return address_space_rw(as, addr, attrs, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len)
{
    /* The write path never writes through buf. */
    return address_space_rw(as, addr, attrs, (void *)buf, len, true);
}

static uint64_t ld_le(AddressSpace *as, hwaddr addr, unsigned size,
                      MemTxAttrs attrs, MemTxResult *result)
{
    uint8_t b[8] = { 0 };
    uint64_t v = 0;
    MemTxResult r = address_space_read(as, addr, attrs, b, size);

    for (unsigned k = 0; k < size; k++) {
        v |= (uint64_t)b[k] << (8 * k);
    }
    if (result) {
        *result = r;
    }
    return v;
}

static void st_le(AddressSpace *as, hwaddr addr, uint64_t v, unsigned size,
                  MemTxAttrs attrs, MemTxResult *result)
{
    uint8_t b[8];
    MemTxResult r;

    for (unsigned k = 0; k < size; k++) {
        b[k] = v >> (8 * k);
    }
    r = address_space_write(as, addr, attrs, b, size);
    if (result) {
        *result = r;
    }
}

uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                           MemTxResult *result)
{
    return ld_le(as, addr, 1, attrs, result);
}

uint16_t address_space_lduw_le(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, MemTxResult *result)
{
    return ld_le(as, addr, 2, attrs, result);
}

uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result)
{
    return ld_le(as, addr, 4, attrs, result);
}

uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result)
{
    return ld_le(as, addr, 8, attrs, result);
}

void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t val,
                       MemTxAttrs attrs, MemTxResult *result)
{
    st_le(as, addr, val, 1, attrs, result);
}

void address_space_stw_le(AddressSpace *as, hwaddr addr, uint16_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    st_le(as, addr, val, 2, attrs, result);
}

void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    st_le(as, addr, val, 4, attrs, result);
}

void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    st_le(as, addr, val, 8, attrs, result);
}

void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write, MemTxAttrs attrs)
{
    hwaddr len = *plen;
    MemoryRegionSection s;
    FlatView *fv;
    void *ptr = NULL;

    *plen = 0;
    if (len == 0 || !range_ok(addr, len)) {
        return NULL;
    }
    fv = address_space_get_flatview(as);
    s = memory_region_find_flat(fv, addr);
    if (s.mr && s.mr->ram && !(is_write && s.readonly)) {
        /*
         * One flat range: merging made a contiguous piece of one RAM
         * region a single range, so this is all that is contiguous.
         */
        *plen = s.size < (Int128)len ? (hwaddr)s.size : len;
        ptr = (uint8_t *)s.mr->ram_ptr + s.offset_within_region;
        /* Held until unmap, so the RAM outlives a concurrent unplug. */
        memory_region_ref(s.mr);
    }
    flatview_unref(fv);
    return ptr;
}

void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         bool is_write, hwaddr access_len)
{
    MemoryRegion *mr;

    if (!buffer) {
        return;
    }
    mr = memory_region_from_host(buffer, NULL);
    /* Dirty tracking of access_len bytes goes here once migration exists. */
    if (mr) {
        memory_region_unref(mr);
    }
}

MemTxResult dma_memory_read(AddressSpace *as, hwaddr addr, void *buf,
                            hwaddr len, MemTxAttrs attrs)
{
    return address_space_read(as, addr, attrs, buf, len);
}

MemTxResult dma_memory_write(AddressSpace *as, hwaddr addr, const void *buf,
                             hwaddr len, MemTxAttrs attrs)
{
    return address_space_write(as, addr, attrs, buf, len);
}

MemTxResult dma_memory_set(AddressSpace *as, hwaddr addr, uint8_t c,
                           hwaddr len, MemTxAttrs attrs)
{
    uint8_t fill[512];
    MemTxResult r = MEMTX_OK;

    if (!range_ok(addr, len)) {
        return MEMTX_DECODE_ERROR;
    }
    memset(fill, c, sizeof(fill));
    while (len > 0) {
        hwaddr l = MIN(len, (hwaddr)sizeof(fill));

        r |= address_space_write(as, addr, attrs, fill, l);
        addr += l;
        len -= l;
    }
    return r;
}
