/*
 * pvpanic.h: "pvpanic", the ISA paravirtual panic port. Reading it gives
 * the events the device reports; a guest write tells the host the guest
 * panicked (bit 0) or loaded a crash kernel (bit 1).
 */
#ifndef HW_MISC_PVPANIC_H
#define HW_MISC_PVPANIC_H

#include "hw/isa/isa.h"

#define TYPE_PVPANIC_ISA_DEVICE "pvpanic"
#define PVPANIC_IOPORT_PROP "ioport"

#define PVPANIC_PANICKED     (1 << 0)
#define PVPANIC_CRASH_LOADED (1 << 1)

typedef struct PVPanicISAState {
    ISADevice parent_obj;
    uint16_t ioport;
    uint8_t events;
    MemoryRegion io;
} PVPanicISAState;

#define PVPANIC_ISA_DEVICE(obj) \
    OBJECT_CHECK(PVPanicISAState, (obj), TYPE_PVPANIC_ISA_DEVICE)

/* The port of the realized pvpanic device, 0 if none (for ACPI). */
uint16_t pvpanic_port(void);

#endif
