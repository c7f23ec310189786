/*
 * i8259.h: the PC's pair of 8259A programmable interrupt controllers
 * (master at 0x20/0x21, slave at 0xa0/0xa1 cascaded on the master's IR2,
 * ELCR at 0x4d0/0x4d1), in user space for TCG. Not a -device: the pc
 * board creates the pair and wires its output to the BSP.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "exec/memory.h"
#include "hw/irq.h"

#define I8259_MASTER_BASE 0x20
#define I8259_SLAVE_BASE  0xa0
#define I8259_ELCR_BASE   0x4d0

typedef struct I8259State I8259State;

typedef struct I8259Chip {
    I8259State *pair;
    uint8_t irr;                /* requests latched */
    uint8_t imr;                /* OCW1 */
    uint8_t isr;                /* in service */
    uint8_t line;               /* input levels, for edge detection */
    uint8_t elcr;               /* 1 = level triggered */
    uint8_t elcr_mask;          /* the ELCR bits that exist */
    uint8_t priority_add;       /* IR with the highest priority */
    uint8_t irq_base;           /* ICW2 */
    uint8_t init_state;         /* 0 ready, 1-3 waiting for ICW2-4 */
    bool init4;
    bool single;
    bool auto_eoi;
    bool rotate_on_auto_eoi;
    bool special_fully_nested;
    bool special_mask;
    bool poll;
    bool read_isr;              /* OCW3 RR/RIS */
    bool master;
} I8259Chip;

struct I8259State {
    I8259Chip chip[2];          /* [0] master, [1] slave */
    qemu_irq *in;               /* ISA IRQ 0-15 */
    qemu_irq out;               /* the master's INT pin */
    MemoryRegion io[2];
    MemoryRegion elcr_io;
};

/*
 * i8259_init: - create the pair, map its ports in io (the system I/O
 * space), out follows the master's INT output.
 */
I8259State *i8259_init(MemoryRegion *io, Object *owner, qemu_irq out);

/* i8259_reset: - both chips to their power-on state (all masks clear). */
void i8259_reset(I8259State *s);

/* i8259_irq: - the input line of ISA IRQ n (0-15). */
qemu_irq i8259_irq(I8259State *s, unsigned n);

/*
 * i8259_ack: - the INTA cycle: the vector of the highest priority pending
 * request, now in service; IRQ7/IRQ15 (not in service) when the request
 * vanished before the acknowledge (spurious).
 */
int i8259_ack(I8259State *s);

/* i8259_pending: - true while the master's INT output is asserted. */
bool i8259_pending(I8259State *s);

/* i8259_format_info: - the `info pic` lines, in QEMU's format. */
void i8259_format_info(I8259State *s, GString *buf);

#endif
