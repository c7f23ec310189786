/*
 * ioapic.c: the I/O APIC (82093AA datasheet): 24 pins, each with a
 * 64-bit redirection entry (vector, delivery mode, destination mode,
 * polarity, remote IRR, trigger mode, mask, destination). Edge pins send
 * a message on a rising edge; level pins send while asserted, once per
 * EOI (remote IRR). Messages go to the local APICs through
 * apic_deliver_irq().
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"

#define IOAPIC_RTE_MASKED       (1ULL << 16)
#define IOAPIC_RTE_LEVEL        (1ULL << 15)
#define IOAPIC_RTE_REMOTE_IRR   (1ULL << 14)
#define IOAPIC_RTE_POLARITY     (1ULL << 13)
#define IOAPIC_RTE_DELIVS       (1ULL << 12)
#define IOAPIC_RTE_DESTMODE     (1ULL << 11)
/* Writable: vector, delivery, dest mode, polarity, trigger, mask, dest. */
#define IOAPIC_RTE_RW           (0xff000000000000ffULL | 0x700 | IOAPIC_RTE_DESTMODE | \
                                 IOAPIC_RTE_POLARITY | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED)

struct IOAPICState {
    MemoryRegion mr;
    uint32_t id;
    uint8_t ioregsel;
    uint32_t irr;               /* requests: level pins asserted, edges latched */
    uint32_t line;              /* input levels (after polarity), for edges */
    uint64_t rte[IOAPIC_NUM_PINS];
    uint64_t count[IOAPIC_NUM_PINS];
    qemu_irq *irqs;
};

void ioapic_reset(IOAPICState *s)
{
    s->id = 0;
    s->ioregsel = 0;
    s->irr = 0;
    s->line = 0;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->rte[i] = IOAPIC_RTE_MASKED;
    }
}

IOAPICState *ioapic_new(void)
{
    IOAPICState *s = g_new0(IOAPICState, 1);

    ioapic_reset(s);
    s->irqs = qemu_allocate_irqs(ioapic_set_irq, s, IOAPIC_NUM_PINS);
    return s;
}

void ioapic_free(IOAPICState *s)
{
    if (s) {
        qemu_free_irqs(s->irqs, IOAPIC_NUM_PINS);
        g_free(s);
    }
}

qemu_irq *ioapic_get_irqs(IOAPICState *s)
{
    return s->irqs;
}

uint64_t ioapic_irq_count(IOAPICState *s, int n)
{
    return n >= 0 && n < IOAPIC_NUM_PINS ? s->count[n] : 0;
}

/* Send a message for every asserted, unmasked pin that may send one now. */
static void ioapic_service(IOAPICState *s)
{
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t e = s->rte[i];
        bool level = e & IOAPIC_RTE_LEVEL;

        if (!(s->irr & (1u << i)) || (e & IOAPIC_RTE_MASKED)) {
            continue;
        }
        if (level) {
            if (e & IOAPIC_RTE_REMOTE_IRR) {
                continue;
            }
            s->rte[i] |= IOAPIC_RTE_REMOTE_IRR;
        } else {
            s->irr &= ~(1u << i);
        }
        s->count[i]++;
        apic_deliver_irq(e >> 56, !!(e & IOAPIC_RTE_DESTMODE), (e >> 8) & 7,
                         e & 0xff, level);
    }
}

void ioapic_set_irq(void *opaque, int n, int level)
{
    IOAPICState *s = opaque;
    uint32_t bit;
    uint64_t e;

    if (n < 0 || n >= IOAPIC_NUM_PINS) {
        return;
    }
    bit = 1u << n;
    e = s->rte[n];
    if (e & IOAPIC_RTE_POLARITY) {
        level = !level;         /* active low */
    }
    if (e & IOAPIC_RTE_LEVEL) {
        if (level) {
            s->irr |= bit;
        } else {
            s->irr &= ~bit;
        }
        ioapic_service(s);
    } else if (level && !(s->line & bit) && !(e & IOAPIC_RTE_MASKED)) {
        /* Edge: a rising edge on an unmasked pin; masked edges are lost. */
        s->irr |= bit;
        ioapic_service(s);
    }
    if (level) {
        s->line |= bit;
    } else {
        s->line &= ~bit;
    }
}

void ioapic_eoi(void *opaque, int vector)
{
    IOAPICState *s = opaque;

    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        if ((s->rte[i] & 0xff) == (uint64_t)vector && (s->rte[i] & IOAPIC_RTE_REMOTE_IRR)) {
            s->rte[i] &= ~IOAPIC_RTE_REMOTE_IRR;
        }
    }
    /* A level line still asserted is delivered again. */
    ioapic_service(s);
}

uint32_t ioapic_read(IOAPICState *s, hwaddr addr)
{
    unsigned idx;

    if (addr == 0x00) {
        return s->ioregsel;
    }
    if (addr != 0x10) {
        return 0;
    }
    switch (s->ioregsel) {
    case 0x00:
        return s->id << 24;
    case 0x01:
        return ((IOAPIC_NUM_PINS - 1) << 16) | IOAPIC_VERSION;
    case 0x02:
        return 0;               /* arbitration ID */
    default:
        if (s->ioregsel < 0x10 || s->ioregsel >= 0x10 + 2 * IOAPIC_NUM_PINS) {
            return 0xffffffff;
        }
        idx = (s->ioregsel - 0x10) >> 1;
        return (s->ioregsel & 1) ? s->rte[idx] >> 32 : (uint32_t)s->rte[idx];
    }
}

void ioapic_write(IOAPICState *s, hwaddr addr, uint32_t val)
{
    unsigned idx;
    uint64_t rw;

    if (addr == 0x00) {
        s->ioregsel = val & 0xff;
        return;
    }
    if (addr != 0x10) {
        return;
    }
    if (s->ioregsel == 0x00) {
        s->id = (val >> 24) & 0xf;
        return;
    }
    if (s->ioregsel < 0x10 || s->ioregsel >= 0x10 + 2 * IOAPIC_NUM_PINS) {
        qemu_log_mask(LOG_GUEST_ERROR, "ioapic: write to register 0x%x\n", s->ioregsel);
        return;
    }
    idx = (s->ioregsel - 0x10) >> 1;
    rw = (s->ioregsel & 1) ? (uint64_t)val << 32 : val;
    rw &= (s->ioregsel & 1) ? 0xffffffff00000000ULL : 0xffffffffULL;
    rw &= IOAPIC_RTE_RW;
    s->rte[idx] &= ~((s->ioregsel & 1 ? 0xffffffff00000000ULL : 0xffffffffULL) & IOAPIC_RTE_RW);
    s->rte[idx] |= rw;
    if (!(s->rte[idx] & IOAPIC_RTE_LEVEL)) {
        s->rte[idx] &= ~IOAPIC_RTE_REMOTE_IRR;
    }
    ioapic_service(s);
}

static uint64_t ioapic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return size == 4 ? ioapic_read(opaque, addr) : 0;
}

static void ioapic_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR, "ioapic: %u-byte write ignored\n", size);
        return;
    }
    ioapic_write(opaque, addr, val);
}

static const MemoryRegionOps ioapic_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void ioapic_map(IOAPICState *s, MemoryRegion *sysmem, hwaddr base)
{
    memory_region_init_io(&s->mr, NULL, &ioapic_ops, s, "ioapic", 0x1000);
    memory_region_add_subregion(sysmem, base, &s->mr);
}
