/*
 * serial.c: the 16550A UART core (National PC16550D register model):
 * divisor latch, 16-byte receive FIFO with trigger levels and character
 * timeout, prioritised interrupt identification, loopback and break.
 * Bytes go to the chardev at once when it takes them, else wait in the
 * 16-byte TX FIFO (1 byte without FIFOs) for a retry timer.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/char/serial.h"

/* Register offsets (DLAB selects DLL/DLM at 0 and 1). */
#define UART_RBR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI  0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI  0x08

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0c
#define UART_IIR_ID     0x0f
#define UART_IIR_FE     0xc0

#define UART_FCR_FE   0x01
#define UART_FCR_RFR  0x02
#define UART_FCR_XFR  0x04
#define UART_FCR_ITL  0xc0

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_PE   0x04
#define UART_LSR_FE   0x08
#define UART_LSR_BI   0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_INT_ANY (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCD  0x80
#define UART_MSR_RI   0x40
#define UART_MSR_DSR  0x20
#define UART_MSR_CTS  0x10
#define UART_MSR_ANY_DELTA 0x0f

/* How soon a backend that refused output is tried again. */
#define SERIAL_TX_RETRY_NS (1 * SCALE_MS)

static void serial_fifo_clear(SerialFifo *f)
{
    f->head = 0;
    f->count = 0;
}

static bool serial_fifo_push(SerialFifo *f, uint8_t v)
{
    if (f->count >= SERIAL_FIFO_SIZE) {
        return false;
    }
    f->data[(f->head + f->count) % SERIAL_FIFO_SIZE] = v;
    f->count++;
    return true;
}

static uint8_t serial_fifo_pop(SerialFifo *f)
{
    uint8_t v;

    if (f->count == 0) {
        return 0;
    }
    v = f->data[f->head];
    f->head = (f->head + 1) % SERIAL_FIFO_SIZE;
    f->count--;
    return v;
}

static bool serial_fifo_enabled(SerialState *s)
{
    return s->fcr & UART_FCR_FE;
}

/*
 * Work out IIR from the pending sources, highest priority first as the
 * datasheet orders them, and drive the line. Like QEMU, OUT2 does not gate
 * the line: the PC's glue logic is not modelled and Linux sets OUT2 anyway.
 */
static void serial_update_irq(SerialState *s)
{
    uint8_t id = UART_IIR_NO_INT;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        id = UART_IIR_RLSI;
    } else if ((s->ier & UART_IER_RDI) && s->timeout_ipending) {
        id = UART_IIR_CTI;
    } else if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR) &&
               (!serial_fifo_enabled(s) || s->rx.count >= s->rx_trigger)) {
        id = UART_IIR_RDI;
    } else if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        id = UART_IIR_THRI;
    } else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA)) {
        id = UART_IIR_MSI;
    }
    s->iir = id | (serial_fifo_enabled(s) ? UART_IIR_FE : 0);
    qemu_set_irq(s->irq, id != UART_IIR_NO_INT);
}

/*
 * One character's time on the wire: start bit, 5..8 data bits, optional
 * parity, 1 or 2 stop bits. A zero divisor is what a guest may program
 * but means no clock; treat it as the largest divisor rather than divide
 * by zero.
 */
static void serial_update_parameters(SerialState *s)
{
    unsigned bits = 1 + 5 + (s->lcr & 0x03);
    uint32_t div = s->divider ? s->divider : 0x10000;
    uint32_t base = s->baudbase ? s->baudbase : 115200;

    if (s->lcr & 0x08) {
        bits++;
    }
    bits += (s->lcr & 0x04) ? 2 : 1;
    s->char_time_ns = (int64_t)NANOSECONDS_PER_SECOND * div * bits / base;
}

/* The datasheet's character timeout: no FIFO activity for 4 chars. */
static void serial_arm_timeout(SerialState *s)
{
    if (serial_fifo_enabled(s) && s->rx.count > 0) {
        timer_mod(s->timeout_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  4 * s->char_time_ns);
    } else {
        timer_del(s->timeout_timer);
    }
}

static void serial_timeout_cb(void *opaque)
{
    SerialState *s = opaque;

    if (serial_fifo_enabled(s) && s->rx.count > 0) {
        s->timeout_ipending = true;
        serial_update_irq(s);
    }
}

/* A character arrives on SIN (or from TX in loopback). */
static void serial_receive_byte(SerialState *s, uint8_t v)
{
    if (serial_fifo_enabled(s)) {
        if (!serial_fifo_push(&s->rx, v)) {
            s->lsr |= UART_LSR_OE;     /* the new character is lost */
        }
    } else {
        if (s->lsr & UART_LSR_DR) {
            s->lsr |= UART_LSR_OE;     /* RBR is overwritten */
        }
        s->rbr = v;
    }
    s->lsr |= UART_LSR_DR;
    s->timeout_ipending = false;
    serial_arm_timeout(s);
    serial_update_irq(s);
}

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    /* SIN is disconnected in loopback; hold host input until it ends. */
    if (s->mcr & UART_MCR_LOOP) {
        return 0;
    }
    if (serial_fifo_enabled(s)) {
        return SERIAL_FIFO_SIZE - s->rx.count;
    }
    return (s->lsr & UART_LSR_DR) ? 0 : 1;
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    for (int i = 0; i < size; i++) {
        serial_receive_byte(s, buf[i]);
    }
}

/* A break is received as a zero character with BI set (datasheet 8.6.4). */
static void serial_event(void *opaque, QEMUChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK) {
        serial_receive_byte(s, 0);
        s->lsr |= UART_LSR_BI;
        serial_update_irq(s);
    }
}

/*
 * Send what the TX FIFO holds without blocking the vCPU: a backend that
 * cannot take more (a stalled socket peer) leaves the rest queued, THRE
 * clear, and a retry timer armed, as a slow line would.
 */
static void serial_tx_flush(SerialState *s)
{
    while (s->tx.count > 0) {
        uint8_t v = s->tx.data[s->tx.head];

        if (qemu_chr_fe_backend_connected(&s->chr) &&
            qemu_chr_fe_write(&s->chr, &v, 1) != 1) {
            break;
        }
        serial_fifo_pop(&s->tx);
    }
    if (s->tx.count > 0) {
        s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
        timer_mod(s->tx_timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) +
                  SERIAL_TX_RETRY_NS);
        return;
    }
    if (!(s->lsr & UART_LSR_THRE)) {
        s->thr_ipending = true;
    }
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    serial_update_irq(s);
}

static void serial_tx_retry_cb(void *opaque)
{
    serial_tx_flush(opaque);
}

static void serial_transmit(SerialState *s, uint8_t v)
{
    unsigned room = serial_fifo_enabled(s) ? SERIAL_FIFO_SIZE : 1;

    s->thr_ipending = false;
    if (s->mcr & UART_MCR_LOOP) {
        serial_receive_byte(s, v);
        s->thr_ipending = true;
        serial_update_irq(s);
        return;
    }
    if (s->tx.count >= room) {
        /* The guest ignored THRE: the byte overwrites THR on real parts. */
        qemu_log_mask(LOG_GUEST_ERROR, "serial: THR written while full\n");
        serial_update_irq(s);
        return;
    }
    serial_fifo_push(&s->tx, v);
    s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
    serial_tx_flush(s);
    serial_update_irq(s);
}

static void serial_write_fcr(SerialState *s, uint8_t v)
{
    static const unsigned trigger[4] = { 1, 4, 8, 14 };
    bool was_enabled = serial_fifo_enabled(s);

    if (!(v & UART_FCR_FE)) {
        /* The other bits are only programmed together with FE. */
        if (was_enabled) {
            serial_fifo_clear(&s->rx);
            serial_fifo_clear(&s->tx);
            serial_tx_flush(s);
            s->lsr &= ~UART_LSR_DR;
        }
        s->fcr = 0;
    } else {
        if (!was_enabled || (v & UART_FCR_RFR)) {
            serial_fifo_clear(&s->rx);
            s->lsr &= ~UART_LSR_DR;
        }
        if (!was_enabled || (v & UART_FCR_XFR)) {
            serial_fifo_clear(&s->tx);
            serial_tx_flush(s);
        }
        s->fcr = v & (UART_FCR_FE | UART_FCR_ITL);
        s->rx_trigger = trigger[v >> 6];
    }
    s->timeout_ipending = false;
    serial_arm_timeout(s);
    serial_update_irq(s);
    qemu_chr_fe_accept_input(&s->chr);
}

static void serial_write_ier(SerialState *s, uint8_t v)
{
    uint8_t old = s->ier;

    s->ier = v & 0x0f;
    /*
     * Enabling ETBEI with THR already empty interrupts at once; Linux's
     * 8250 driver relies on that to start transmitting.
     */
    if ((s->ier & UART_IER_THRI) && !(old & UART_IER_THRI)) {
        s->thr_ipending = !!(s->lsr & UART_LSR_THRE);
    } else if (!(s->ier & UART_IER_THRI)) {
        s->thr_ipending = false;
    }
    serial_update_irq(s);
}

static void serial_write_mcr(SerialState *s, uint8_t v)
{
    bool was_loop = s->mcr & UART_MCR_LOOP;

    s->mcr = v & 0x1f;
    if (was_loop && !(s->mcr & UART_MCR_LOOP)) {
        qemu_chr_fe_accept_input(&s->chr);
    }
    serial_update_irq(s);
}

static uint8_t serial_read_rbr(SerialState *s)
{
    uint8_t v;

    if (serial_fifo_enabled(s)) {
        v = serial_fifo_pop(&s->rx);
        if (s->rx.count == 0) {
            s->lsr &= ~UART_LSR_DR;
        }
    } else {
        v = s->rbr;
        s->lsr &= ~UART_LSR_DR;
    }
    s->timeout_ipending = false;
    serial_arm_timeout(s);
    serial_update_irq(s);
    qemu_chr_fe_accept_input(&s->chr);
    return v;
}

static uint64_t serial_io_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    uint8_t v;

    switch (addr & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider & 0xff;
        }
        return serial_read_rbr(s);
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider >> 8;
        }
        return s->ier;
    case UART_IIR:
        v = s->iir;
        /* Reading IIR is how the guest acknowledges a THR-empty interrupt. */
        if ((v & UART_IIR_ID) == UART_IIR_THRI) {
            s->thr_ipending = false;
            serial_update_irq(s);
        }
        return v;
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        v = s->lsr;
        if (v & UART_LSR_INT_ANY) {
            s->lsr &= ~UART_LSR_INT_ANY;
            serial_update_irq(s);
        }
        return v;
    case UART_MSR:
        if (s->mcr & UART_MCR_LOOP) {
            /* The modem outputs loop back to the inputs, as QEMU does it:
             * RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD, no deltas. */
            v = (s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0;
            v |= (s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0;
            v |= (s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0;
            v |= (s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0;
            return v;
        }
        v = s->msr;
        if (v & UART_MSR_ANY_DELTA) {
            s->msr &= ~UART_MSR_ANY_DELTA;
            serial_update_irq(s);
        }
        return v;
    default:
        return s->scr;
    }
}

static void serial_io_write(void *opaque, hwaddr addr, uint64_t data,
                            unsigned size)
{
    SerialState *s = opaque;
    uint8_t v = data;

    switch (addr & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | v;
            serial_update_parameters(s);
        } else {
            serial_transmit(s, v);
        }
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (v << 8);
            serial_update_parameters(s);
        } else {
            serial_write_ier(s, v);
        }
        break;
    case UART_IIR:
        serial_write_fcr(s, v);
        break;
    case UART_LCR:
        s->lcr = v;
        serial_update_parameters(s);
        break;
    case UART_MCR:
        serial_write_mcr(s, v);
        break;
    case UART_LSR:
    case UART_MSR:
        /* Factory-test / read-only registers: QEMU ignores these writes. */
        break;
    default:
        s->scr = v;
        break;
    }
}

const MemoryRegionOps serial_io_ops = {
    .read = serial_io_read,
    .write = serial_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void serial_reset(SerialState *s)
{
    s->divider = 0x0c;      /* 9600 baud, as the BIOS leaves it in QEMU */
    s->rbr = 0;
    s->ier = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    /* No modem-control ioctls on chardevs yet: the lines look connected. */
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->rx_trigger = 1;
    s->thr_ipending = false;
    s->timeout_ipending = false;
    serial_fifo_clear(&s->rx);
    serial_fifo_clear(&s->tx);
    if (s->timeout_timer) {
        timer_del(s->timeout_timer);
    }
    if (s->tx_timer) {
        timer_del(s->tx_timer);
    }
    serial_update_parameters(s);
    serial_update_irq(s);
}

bool serial_realize_core(SerialState *s, Error **errp)
{
    s->timeout_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, serial_timeout_cb, s);
    s->tx_timer = timer_new_ns(QEMU_CLOCK_REALTIME, serial_tx_retry_cb, s);
    qemu_chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                             serial_event, s, true);
    serial_reset(s);
    return true;
}

void serial_unrealize_core(SerialState *s)
{
    qemu_chr_fe_set_handlers(&s->chr, NULL, NULL, NULL, NULL, false);
    if (s->timeout_timer) {
        timer_free(s->timeout_timer);
        s->timeout_timer = NULL;
    }
    if (s->tx_timer) {
        timer_free(s->tx_timer);
        s->tx_timer = NULL;
    }
}
