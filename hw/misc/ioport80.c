/*
 * ioport80.c: port 0x80, the POST diagnostic port of the PC. Guests use
 * it as a short I/O delay; as in QEMU, writes are dropped and reads
 * return 0xff (nothing drives the bus).
 */
#include "qemu/osdep.h"
#include "hw/misc/ioport80.h"

static uint64_t ioport80_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xff;
}

static void ioport80_write(void *opaque, hwaddr addr, uint64_t data,
                           unsigned size)
{
}

static const MemoryRegionOps ioport80_ops = {
    .read = ioport80_read,
    .write = ioport80_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void ioport80_init(MemoryRegion *mr, Object *owner, MemoryRegion *io)
{
    memory_region_init_io(mr, owner, &ioport80_ops, NULL, "ioport80", 1);
    memory_region_add_subregion(io, IOPORT80_BASE, mr);
}
