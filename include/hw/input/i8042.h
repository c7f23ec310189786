/*
 * i8042.h: the PC keyboard controller (Intel 8042) at ports 0x60/0x64,
 * with a PS/2 keyboard (IRQ 1) and a minimal PS/2 mouse (IRQ 12) behind
 * it, and the A20 gate / fast reset of System Control Port A (0x92).
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "hw/isa/isa.h"

#define TYPE_I8042 "i8042"
#define TYPE_PORT92 "port92"

/* Bytes a PS/2 device may hold for the host; more are dropped. */
#define PS2_QUEUE_SIZE 256
/* Room kept for command replies, which key events may not take. */
#define PS2_QUEUE_HEADROOM 8

typedef struct PS2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    unsigned rptr;
    unsigned count;
} PS2Queue;

typedef struct PS2Kbd {
    PS2Queue q;
    bool scan_enabled;
    uint8_t scancode_set;     /* 1, 2 or 3 */
    uint8_t leds;
    uint8_t pending_cmd;      /* a command waiting for its argument */
} PS2Kbd;

typedef struct PS2Mouse {
    PS2Queue q;
    bool reporting;
    uint8_t sample_rate;
    uint8_t resolution;
    uint8_t scaling;          /* 1 or 2 */
    uint8_t buttons;
    uint8_t pending_cmd;
} PS2Mouse;

typedef struct I8042State {
    ISADevice parent_obj;
    MemoryRegion io_data;     /* 0x60 */
    MemoryRegion io_cmd;      /* 0x64 */

    uint8_t status;
    uint8_t ram[32];          /* ram[0] is the command byte */
    uint8_t outport;
    uint8_t pending;          /* controller command awaiting a data byte */
    uint8_t obuf;             /* output buffer */
    bool obuf_aux;            /* ... holds a byte from the aux side */
    /* Controller replies and D2/D3 loopback: (byte | 0x100 for aux). */
    uint16_t ctrl_q[8];
    unsigned ctrl_count;

    PS2Kbd kbd;
    PS2Mouse mouse;
    qemu_irq a20_out;

    /* Properties. */
    uint8_t kbd_irq;
    uint8_t mouse_irq;
    bool extended_state;
    bool kbd_throttle;
} I8042State;

#define I8042(obj) OBJECT_CHECK(I8042State, (obj), TYPE_I8042)

typedef struct Port92State {
    ISADevice parent_obj;
    MemoryRegion io;
    uint8_t outport;
    qemu_irq a20_out;
} Port92State;

#define PORT92(obj) OBJECT_CHECK(Port92State, (obj), TYPE_PORT92)

/* The A20 gate line: level 1 lets address bit 20 through. */
void i8042_set_a20_line(I8042State *s, qemu_irq a20);
void port92_set_a20_line(Port92State *s, qemu_irq a20);

/*
 * A key event as a PC/XT (set 1) scancode byte: make codes, make | 0x80
 * for a release, 0xe0 as the extended prefix. The keyboard turns it into
 * the guest's scancode set unless the controller translates. Dropped
 * while the keyboard does not scan or its queue is full.
 */
void i8042_put_keycode(I8042State *s, uint8_t keycode);
/* A mouse movement (PS/2 axes: +y is up) and button state (bits 0-2). */
void i8042_put_mouse_event(I8042State *s, int dx, int dy, uint8_t buttons);

#endif
