/*
 * serial.h: the 16550A UART core (SerialState), independent of the bus,
 * and the ISA front (TYPE_ISA_SERIAL, "isa-serial") that puts it at the
 * PC's COM1..COM4 ports. The core owns the registers, the 16-byte FIFOs,
 * the interrupt line and the chardev; a bus front maps serial_io_ops.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "chardev/char.h"
#include "exec/memory.h"
#include "hw/irq.h"
#include "hw/isa/isa.h"
#include "qemu/timer.h"

#define SERIAL_FIFO_SIZE 16

/* A byte ring; head is the oldest byte. */
typedef struct SerialFifo {
    uint8_t data[SERIAL_FIFO_SIZE];
    uint8_t head;
    uint8_t count;
} SerialFifo;

typedef struct SerialState {
    uint16_t divider;
    uint8_t rbr;            /* last byte received (non-FIFO mode) */
    uint8_t ier;
    uint8_t iir;            /* as last computed by serial_update_irq */
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;            /* modem inputs outside loopback */
    uint8_t scr;
    uint8_t fcr;            /* FE and the trigger bits as last programmed */
    bool thr_ipending;      /* THR became empty since the guest last saw it */
    bool timeout_ipending;  /* character timeout */
    unsigned rx_trigger;    /* FIFO level raising the RX interrupt */
    SerialFifo rx;
    SerialFifo tx;          /* bytes the chardev has not taken yet */
    uint32_t baudbase;
    int64_t char_time_ns;   /* one character at the programmed format */
    QEMUTimer *timeout_timer;
    QEMUTimer *tx_timer;    /* retries a backend that refused output */
    qemu_irq irq;
    CharBackend chr;
    MemoryRegion io;
} SerialState;

/* Byte-wide registers at offsets 0..7; map at the front's base. */
extern const MemoryRegionOps serial_io_ops;

/*
 * serial_realize_core: set up the timer and the chardev handlers; s->chr
 * and s->baudbase must be set, s->irq may be NULL. Never fails today; the
 * errp is for the fronts' sake.
 */
bool serial_realize_core(SerialState *s, Error **errp);
void serial_unrealize_core(SerialState *s);
/* Power-on register values. */
void serial_reset(SerialState *s);

#define TYPE_ISA_SERIAL "isa-serial"
#define MAX_ISA_SERIAL_PORTS 4

typedef struct ISASerialState {
    ISADevice parent_obj;
    uint32_t index;
    uint32_t iobase;
    uint32_t isairq;
    bool wakeup;
    SerialState state;
} ISASerialState;

/*
 * serial_isa_init: the machine's -serial: COM(index+1) on chr (may be
 * NULL), realized. Returns the device (owned by the tree) or NULL.
 */
DeviceState *serial_isa_init(unsigned index, Chardev *chr, Error **errp);

#define ISA_SERIAL(obj) OBJECT_CHECK(ISASerialState, (obj), TYPE_ISA_SERIAL)

#endif
