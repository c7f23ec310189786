/*
 * irq.h: interrupt lines between device models (qemu_irq).
 *
 * A qemu_irq is one input pin of an interrupt controller (or any sink): a
 * handler plus the pin number. A device raises and lowers its output
 * lines without knowing who listens; the machine wires them up.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

/* A line that calls handler(opaque, n, level) on every qemu_set_irq(). */
qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
/* n lines numbered 0..n-1 (free with qemu_free_irqs). */
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
void qemu_free_irqs(qemu_irq *irqs, int n);

/* Set the level of a line; a NULL (unconnected) line is ignored. */
void qemu_set_irq(qemu_irq irq, int level);

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

/* An edge: raise then lower. */
static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

#endif
