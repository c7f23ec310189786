/*
 * isa.h: ISA devices (UART, RTC, i8042, debug ports ...).
 *
 * An ISADevice registers its port ranges in the system I/O address space
 * and has up to ISA_MAX_IRQS output lines that the machine connects to
 * the interrupt controller's inputs (isa_connect_irq). There is one ISA
 * bus per machine, so no bus object is modelled beyond the "ISA" name
 * shown by -device help.
 */
#ifndef HW_ISA_H
#define HW_ISA_H

#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "exec/memory.h"

#define TYPE_ISA_DEVICE "isa-device"
#define ISA_MAX_IRQS 2
/* ISA interrupt numbers the PC routes through the 8259s / IOAPIC. */
#define ISA_NUM_IRQS 16

typedef struct ISADevice {
    DeviceState parent_obj;
    qemu_irq irqs[ISA_MAX_IRQS];
} ISADevice;

#define ISA_DEVICE(obj) OBJECT_CHECK(ISADevice, (obj), TYPE_ISA_DEVICE)

/* Map mr at I/O port base (in the system I/O space). */
void isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t base);
/* Remove a region registered with isa_register_ioport. */
void isa_unregister_ioport(ISADevice *dev, MemoryRegion *mr);
/* Connect output line n of dev to irq (NULL disconnects). */
void isa_connect_irq(ISADevice *dev, int n, qemu_irq irq);
/* The line a device raises; NULL when not connected. */
qemu_irq isa_get_irq(ISADevice *dev, int n);

#endif
