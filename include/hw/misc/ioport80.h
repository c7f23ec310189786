/*
 * ioport80.h: the PC's POST-code port 0x80, which firmware and Linux
 * (outb_p) write to as an I/O delay. Not a -device: the PC machine maps it.
 */
#ifndef HW_MISC_IOPORT80_H
#define HW_MISC_IOPORT80_H

#include "exec/memory.h"

#define IOPORT80_BASE 0x80

/* Map the port in io (the system I/O space); writes vanish, reads 0xff. */
void ioport80_init(MemoryRegion *mr, Object *owner, MemoryRegion *io);

#endif
