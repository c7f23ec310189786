/*
 * ioapic.h: the 82093AA-style I/O APIC of the pc board under TCG: 24
 * input pins, the IOREGSEL/IOWIN window at 0xfec00000 and a redirection
 * table sending messages to the local APICs (hw/intc/apic.h).
 */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include "exec/memory.h"
#include "hw/irq.h"

#define IOAPIC_NUM_PINS     24
#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_VERSION      0x20

typedef struct IOAPICState IOAPICState;

/* ioapic_new: - an IOAPIC at reset (every pin masked), APIC ID 0. */
IOAPICState *ioapic_new(void);
void ioapic_free(IOAPICState *s);
void ioapic_reset(IOAPICState *s);
/* ioapic_map: - its register window at base in sysmem. */
void ioapic_map(IOAPICState *s, MemoryRegion *sysmem, hwaddr base);
/* ioapic_set_irq: - input pin n is now at level (qemu_irq handler). */
void ioapic_set_irq(void *opaque, int n, int level);
/* ioapic_get_irqs: - the 24 input lines (owned by s). */
qemu_irq *ioapic_get_irqs(IOAPICState *s);
/* ioapic_eoi: - a local APIC's EOI of a level-triggered vector. */
void ioapic_eoi(void *opaque, int vector);
/* ioapic_read/ioapic_write: - the window: 0x00 IOREGSEL, 0x10 IOWIN. */
uint32_t ioapic_read(IOAPICState *s, hwaddr addr);
void ioapic_write(IOAPICState *s, hwaddr addr, uint32_t val);
/* ioapic_irq_count: - interrupts delivered from pin n (`info irq`). */
uint64_t ioapic_irq_count(IOAPICState *s, int n);

#endif
