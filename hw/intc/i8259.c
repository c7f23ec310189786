/*
 * i8259.c: the PC's cascaded 8259A pair, after the 8259A datasheet:
 * ICW1-4, OCW1-3 (EOI flavours, rotation, special mask, poll, IRR/ISR
 * read), auto-EOI, special fully nested mode, edge/level per input via
 * the PIIX ELCR. MCS-80 mode and buffered mode are accepted and ignored.
 * The master's INT goes to whoever the board connected (the BSP).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/intc/i8259.h"

/* The ELCR bits the PIIX has: IRQ0-2, 8 and 13 are always edge. */
#define I8259_ELCR_MASK_MASTER 0xf8
#define I8259_ELCR_MASK_SLAVE  0xde

/* Priority level (0 highest) of the best request in mask; 8 if none. */
static int i8259_priority(const I8259Chip *c, uint8_t mask)
{
    if (!mask) {
        return 8;
    }
    for (int p = 0; p < 8; p++) {
        if (mask & (1u << ((p + c->priority_add) & 7))) {
            return p;
        }
    }
    return 8;
}

/* The IR the chip would signal now, or -1. */
static int i8259_chip_irq(const I8259Chip *c)
{
    uint8_t in_service = c->isr;
    int req = i8259_priority(c, c->irr & ~c->imr);

    if (req == 8) {
        return -1;
    }
    /* Special mask mode lets masked in-service levels not block others. */
    if (c->special_mask) {
        in_service &= ~c->imr;
    }
    /* SFNM: the slave's in-service bit lets more slave requests through. */
    if (c->special_fully_nested && c->master) {
        in_service &= ~(1u << 2);
    }
    if (req < i8259_priority(c, in_service)) {
        return (req + c->priority_add) & 7;
    }
    return -1;
}

static void i8259_chip_input(I8259Chip *c, unsigned n, int level)
{
    uint8_t bit = 1u << n;

    if (c->elcr & bit) {
        if (level) {
            c->irr |= bit;
            c->line |= bit;
        } else {
            c->irr &= ~bit;
            c->line &= ~bit;
        }
    } else if (level) {
        if (!(c->line & bit)) {
            c->irr |= bit;
        }
        c->line |= bit;
    } else {
        c->line &= ~bit;
    }
}

/* Re-evaluate the slave's INT (the master's IR2) and then the master's. */
static void i8259_update(I8259State *s)
{
    i8259_chip_input(&s->chip[0], 2, i8259_chip_irq(&s->chip[1]) >= 0);
    qemu_set_irq(s->out, i8259_chip_irq(&s->chip[0]) >= 0);
}

static void i8259_set_irq(void *opaque, int n, int level)
{
    I8259State *s = opaque;

    if (n < 0 || n >= 16) {
        return;
    }
    i8259_chip_input(&s->chip[n >> 3], n & 7, level);
    i8259_update(s);
}

/* INTA on one chip for IR n: in service (or auto-EOI), edge request gone. */
static void i8259_chip_ack(I8259Chip *c, int n)
{
    if (c->auto_eoi) {
        if (c->rotate_on_auto_eoi) {
            c->priority_add = (n + 1) & 7;
        }
    } else {
        c->isr |= 1u << n;
    }
    if (!(c->elcr & (1u << n))) {
        c->irr &= ~(1u << n);
    }
}

int i8259_ack(I8259State *s)
{
    I8259Chip *m = &s->chip[0], *sl = &s->chip[1];
    int irq = i8259_chip_irq(m);
    int vec;

    if (irq < 0) {
        /* The request went away before INTA: IR7 without ISR. */
        vec = m->irq_base + 7;
    } else {
        i8259_chip_ack(m, irq);
        if (irq == 2) {
            int irq2 = i8259_chip_irq(sl);

            if (irq2 >= 0) {
                i8259_chip_ack(sl, irq2);
            } else {
                irq2 = 7;
            }
            vec = sl->irq_base + irq2;
        } else {
            vec = m->irq_base + irq;
        }
    }
    i8259_update(s);
    return vec;
}

bool i8259_pending(I8259State *s)
{
    return i8259_chip_irq(&s->chip[0]) >= 0;
}

/* ICW1 and reset: IMR, ISR and priorities cleared, edge latches reset. */
static void i8259_chip_init_reset(I8259Chip *c)
{
    c->irr = 0;
    c->imr = 0;
    c->isr = 0;
    c->line = 0;
    c->priority_add = 0;
    c->irq_base = 0;
    c->init_state = 0;
    c->init4 = false;
    c->single = false;
    c->auto_eoi = false;
    c->rotate_on_auto_eoi = false;
    c->special_fully_nested = false;
    c->special_mask = false;
    c->poll = false;
    c->read_isr = false;
}

void i8259_reset(I8259State *s)
{
    for (int i = 0; i < 2; i++) {
        i8259_chip_init_reset(&s->chip[i]);
        s->chip[i].elcr = 0;
    }
    i8259_update(s);
}

/* Poll command read: the highest request acknowledged, as an INTA would. */
static uint8_t i8259_poll_read(I8259State *s, I8259Chip *c)
{
    int irq = i8259_chip_irq(c);

    c->poll = false;
    if (irq < 0) {
        return 0;
    }
    i8259_chip_ack(c, irq);
    i8259_update(s);
    return 0x80 | irq;
}

static void i8259_write_cmd(I8259State *s, I8259Chip *c, uint8_t val)
{
    int n;

    if (val & 0x10) {
        i8259_chip_init_reset(c);
        c->init_state = 1;
        c->init4 = val & 1;
        c->single = val & 2;
        if (val & 0x08) {
            qemu_log_mask(LOG_UNIMP, "i8259: level mode in ICW1 ignored, "
                          "use the ELCR\n");
        }
        i8259_update(s);
        return;
    }
    if (val & 0x08) {           /* OCW3 */
        if (val & 0x04) {
            c->poll = true;
        }
        if (val & 0x02) {
            c->read_isr = val & 1;
        }
        if (val & 0x40) {
            c->special_mask = (val >> 5) & 1;
        }
        i8259_update(s);
        return;
    }
    switch (val >> 5) {         /* OCW2 */
    case 0:                     /* clear rotate in auto-EOI */
    case 4:                     /* set rotate in auto-EOI */
        c->rotate_on_auto_eoi = val >> 7;
        break;
    case 1:                     /* non-specific EOI */
    case 5:                     /* rotate on non-specific EOI */
        n = i8259_priority(c, c->isr);
        if (n != 8) {
            n = (n + c->priority_add) & 7;
            c->isr &= ~(1u << n);
            if (val >> 5 == 5) {
                c->priority_add = (n + 1) & 7;
            }
        }
        break;
    case 3:                     /* specific EOI */
        c->isr &= ~(1u << (val & 7));
        break;
    case 6:                     /* set priority: val & 7 becomes lowest */
        c->priority_add = (val + 1) & 7;
        break;
    case 7:                     /* rotate on specific EOI */
        c->isr &= ~(1u << (val & 7));
        c->priority_add = (val + 1) & 7;
        break;
    default:                    /* 2: no operation */
        break;
    }
    i8259_update(s);
}

static void i8259_write_data(I8259State *s, I8259Chip *c, uint8_t val)
{
    switch (c->init_state) {
    case 0:                     /* OCW1 */
        c->imr = val;
        i8259_update(s);
        break;
    case 1:                     /* ICW2 */
        c->irq_base = val & 0xf8;
        c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
        break;
    case 2:                     /* ICW3: the cascade is fixed on the PC */
        c->init_state = c->init4 ? 3 : 0;
        break;
    default:                    /* ICW4 */
        if (!(val & 1)) {
            qemu_log_mask(LOG_UNIMP, "i8259: MCS-80/85 mode not supported\n");
        }
        c->special_fully_nested = (val >> 4) & 1;
        c->auto_eoi = (val >> 1) & 1;
        c->init_state = 0;
        break;
    }
}

static uint64_t i8259_io_read(void *opaque, hwaddr addr, unsigned size)
{
    I8259Chip *c = opaque;

    if (c->poll) {
        return i8259_poll_read(c->pair, c);
    }
    if (addr & 1) {
        return c->imr;
    }
    return c->read_isr ? c->isr : c->irr;
}

static void i8259_io_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    I8259Chip *c = opaque;

    if (addr & 1) {
        i8259_write_data(c->pair, c, val);
    } else {
        i8259_write_cmd(c->pair, c, val);
    }
}

static const MemoryRegionOps i8259_io_ops = {
    .read = i8259_io_read,
    .write = i8259_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* 0x4d0 (master) and 0x4d1 (slave): 1 = level triggered. */
static uint64_t i8259_elcr_read(void *opaque, hwaddr addr, unsigned size)
{
    I8259State *s = opaque;

    return s->chip[addr & 1].elcr;
}

static void i8259_elcr_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    I8259State *s = opaque;
    I8259Chip *c = &s->chip[addr & 1];

    c->elcr = val & c->elcr_mask;
}

static const MemoryRegionOps i8259_elcr_ops = {
    .read = i8259_elcr_read,
    .write = i8259_elcr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

qemu_irq i8259_irq(I8259State *s, unsigned n)
{
    return n < 16 ? s->in[n] : NULL;
}

void i8259_format_info(I8259State *s, GString *buf)
{
    for (int i = 0; i < 2; i++) {
        const I8259Chip *c = &s->chip[i];

        g_string_append_printf(buf, "pic%d: irr=%02x imr=%02x isr=%02x "
                               "hprio=%d irq_base=%02x rr_sel=%d elcr=%02x "
                               "fnm=%d\n", i, c->irr, c->imr, c->isr,
                               c->priority_add, c->irq_base, c->read_isr,
                               c->elcr, c->special_fully_nested);
    }
}

I8259State *i8259_init(MemoryRegion *io, Object *owner, qemu_irq out)
{
    static const uint16_t base[2] = { I8259_MASTER_BASE, I8259_SLAVE_BASE };
    I8259State *s = g_new0(I8259State, 1);

    s->out = out;
    s->in = qemu_allocate_irqs(i8259_set_irq, s, 16);
    for (int i = 0; i < 2; i++) {
        s->chip[i].pair = s;
        s->chip[i].master = i == 0;
        s->chip[i].elcr_mask = i ? I8259_ELCR_MASK_SLAVE :
                                   I8259_ELCR_MASK_MASTER;
        memory_region_init_io(&s->io[i], owner, &i8259_io_ops, &s->chip[i],
                              i ? "pic-slave" : "pic-master", 2);
        memory_region_add_subregion(io, base[i], &s->io[i]);
    }
    memory_region_init_io(&s->elcr_io, owner, &i8259_elcr_ops, s, "elcr", 2);
    memory_region_add_subregion(io, I8259_ELCR_BASE, &s->elcr_io);
    i8259_reset(s);
    return s;
}
