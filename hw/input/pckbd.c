/*
 * pckbd.c: the PC keyboard controller (i8042) with its PS/2 keyboard and
 * a minimal PS/2 mouse. The controller has one output buffer fed, in this
 * order, by its own replies, the keyboard and the mouse; IRQ 1 / IRQ 12
 * follow the buffer's source and the command byte's enables. Its output
 * port carries the A20 gate and the CPU reset line.
 */
#include "qemu/osdep.h"
#include "hw/input/i8042.h"
#include "hw/qdev-properties.h"
#include "qemu/log.h"
#include "system/runstate.h"

/* Status register (port 0x64 read). */
#define KBD_STAT_OBF        0x01
#define KBD_STAT_IBF        0x02
#define KBD_STAT_SYS        0x04   /* set after a successful self-test */
#define KBD_STAT_CMD        0x08   /* A2: last write went to 0x64 */
#define KBD_STAT_UNLOCKED   0x10   /* keyboard not inhibited */
#define KBD_STAT_AUX_OBF    0x20
#define KBD_STAT_TIMEOUT    0x40
#define KBD_STAT_PARITY     0x80

/* Command byte (controller RAM 0). */
#define KBD_MODE_KBD_INT    0x01
#define KBD_MODE_AUX_INT    0x02
#define KBD_MODE_SYS        0x04
#define KBD_MODE_DISABLE_KBD 0x10
#define KBD_MODE_DISABLE_AUX 0x20
#define KBD_MODE_TRANSLATE  0x40

/* Output port. */
#define KBD_OUT_RESET       0x01   /* 0 holds the CPU in reset */
#define KBD_OUT_A20         0x02
#define KBD_OUT_OBF         0x10
#define KBD_OUT_AUX_OBF     0x20
#define KBD_OUT_ONES        0xcc

#define PS2_ACK             0xfa
#define PS2_RESEND          0xfe
#define PS2_SELFTEST_OK     0xaa

#define CTRL_AUX            0x100

/* ---- the PS/2 byte queues ---- */

static void ps2_queue_reset(PS2Queue *q)
{
    q->rptr = 0;
    q->count = 0;
}

/* Keep room free: key events leave headroom for command replies. */
static bool ps2_queue_push(PS2Queue *q, uint8_t b, unsigned keep_free)
{
    if (q->count + keep_free >= PS2_QUEUE_SIZE) {
        return false;
    }
    q->data[(q->rptr + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
    return true;
}

static int ps2_queue_pop(PS2Queue *q)
{
    uint8_t b;

    if (!q->count) {
        return -1;
    }
    b = q->data[q->rptr];
    q->rptr = (q->rptr + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

/* ---- the controller's output buffer and interrupts ---- */

static void i8042_update_irq(I8042State *s)
{
    bool full = s->status & KBD_STAT_OBF;
    uint8_t mode = s->ram[0];

    qemu_set_irq(isa_get_irq(ISA_DEVICE(s), 0),
                 full && !s->obuf_aux && (mode & KBD_MODE_KBD_INT));
    qemu_set_irq(isa_get_irq(ISA_DEVICE(s), 1),
                 full && s->obuf_aux && (mode & KBD_MODE_AUX_INT));
}

/* Move the next pending byte into an empty output buffer. */
static void i8042_update(I8042State *s)
{
    int b = -1;
    bool aux = false;

    if (!(s->status & KBD_STAT_OBF)) {
        if (s->ctrl_count) {
            b = s->ctrl_q[0] & 0xff;
            aux = s->ctrl_q[0] & CTRL_AUX;
            s->ctrl_count--;
            memmove(s->ctrl_q, s->ctrl_q + 1,
                    s->ctrl_count * sizeof(s->ctrl_q[0]));
        } else if (!(s->ram[0] & KBD_MODE_DISABLE_KBD) && s->kbd.q.count) {
            b = ps2_queue_pop(&s->kbd.q);
        } else if (!(s->ram[0] & KBD_MODE_DISABLE_AUX) && s->mouse.q.count) {
            b = ps2_queue_pop(&s->mouse.q);
            aux = true;
        }
        if (b >= 0) {
            s->obuf = b;
            s->obuf_aux = aux;
            s->status |= KBD_STAT_OBF;
            s->status = aux ? s->status | KBD_STAT_AUX_OBF
                            : s->status & ~KBD_STAT_AUX_OBF;
        }
    }
    i8042_update_irq(s);
}

/* A byte the controller itself puts out (replies, D2/D3 loopback). */
static void i8042_ctrl_reply(I8042State *s, uint8_t b, bool aux)
{
    if (s->ctrl_count >= ARRAY_SIZE(s->ctrl_q)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "i8042: controller replies not read, 0x%02x dropped\n",
                      b);
        return;
    }
    s->ctrl_q[s->ctrl_count++] = b | (aux ? CTRL_AUX : 0);
    i8042_update(s);
}

/* ---- the PS/2 keyboard ---- */

/* Set 1 make code -> set 2 make code (0: no such key). */
static const uint8_t set1_to_set2[0x5e] = {
    0x00, 0x76, 0x16, 0x1e, 0x26, 0x25, 0x2e, 0x36,
    0x3d, 0x3e, 0x46, 0x45, 0x4e, 0x55, 0x66, 0x0d,
    0x15, 0x1d, 0x24, 0x2d, 0x2c, 0x35, 0x3c, 0x43,
    0x44, 0x4d, 0x54, 0x5b, 0x5a, 0x14, 0x1c, 0x1b,
    0x23, 0x2b, 0x34, 0x33, 0x3b, 0x42, 0x4b, 0x4c,
    0x52, 0x0e, 0x12, 0x5d, 0x1a, 0x22, 0x21, 0x2a,
    0x32, 0x31, 0x3a, 0x41, 0x49, 0x4a, 0x59, 0x7c,
    0x11, 0x29, 0x58, 0x05, 0x06, 0x04, 0x0c, 0x03,
    0x0b, 0x83, 0x0a, 0x01, 0x09, 0x77, 0x7e, 0x6c,
    0x75, 0x7d, 0x7b, 0x6b, 0x73, 0x74, 0x79, 0x69,
    0x72, 0x7a, 0x70, 0x71, 0x84, 0x00, 0x61, 0x78,
    0x07, 0x00, 0x00, 0x1f, 0x27, 0x2f,
};

static void ps2_kbd_defaults(PS2Kbd *k)
{
    k->scan_enabled = true;
    k->scancode_set = 2;
    k->pending_cmd = 0;
}

static void ps2_kbd_reply(I8042State *s, uint8_t b)
{
    /* Replies may use the headroom; a guest that never reads loses them. */
    ps2_queue_push(&s->kbd.q, b, 0);
}

void i8042_put_keycode(I8042State *s, uint8_t keycode)
{
    PS2Kbd *k = &s->kbd;
    bool translated = s->ram[0] & KBD_MODE_TRANSLATE;
    uint8_t code = keycode & 0x7f;

    if (!k->scan_enabled) {
        return;
    }
    /*
     * With translation on, the keyboard sends set 2 and the controller
     * turns it back into set 1: the net effect is set 1 unchanged.
     */
    if (translated || k->scancode_set == 1 || keycode == 0xe0 ||
        keycode == 0xe1) {
        ps2_queue_push(&k->q, keycode, PS2_QUEUE_HEADROOM);
    } else if (code < ARRAY_SIZE(set1_to_set2) && set1_to_set2[code]) {
        if (keycode & 0x80) {
            if (!ps2_queue_push(&k->q, 0xf0, PS2_QUEUE_HEADROOM + 1)) {
                return;
            }
        }
        ps2_queue_push(&k->q, set1_to_set2[code], PS2_QUEUE_HEADROOM);
    }
    i8042_update(s);
}

/* The scancode set as the guest reads it back (translated if need be). */
static uint8_t ps2_kbd_set_id(I8042State *s)
{
    static const uint8_t xlat[4] = { 0, 0x43, 0x41, 0x3f };

    if (s->ram[0] & KBD_MODE_TRANSLATE) {
        return xlat[s->kbd.scancode_set & 3];
    }
    return s->kbd.scancode_set;
}

static void ps2_kbd_write(I8042State *s, uint8_t val)
{
    PS2Kbd *k = &s->kbd;
    uint8_t cmd = k->pending_cmd;

    if (cmd) {
        k->pending_cmd = 0;
        switch (cmd) {
        case 0xed:
            k->leds = val & 7;
            ps2_kbd_reply(s, PS2_ACK);
            return;
        case 0xf3:
            /* Typematic rate/delay: nothing repeats keys here. */
            ps2_kbd_reply(s, PS2_ACK);
            return;
        case 0xf0:
            if (val == 0) {
                ps2_kbd_reply(s, PS2_ACK);
                ps2_kbd_reply(s, ps2_kbd_set_id(s));
            } else if (val <= 3) {
                k->scancode_set = val;
                ps2_kbd_reply(s, PS2_ACK);
            } else {
                ps2_kbd_reply(s, PS2_RESEND);
            }
            return;
        }
    }
    switch (val) {
    case 0xed:
    case 0xf3:
    case 0xf0:
        k->pending_cmd = val;
        ps2_kbd_reply(s, PS2_ACK);
        break;
    case 0xee:                      /* echo */
        ps2_kbd_reply(s, 0xee);
        break;
    case 0xf2:                      /* identify: an MF2 keyboard */
        ps2_kbd_reply(s, PS2_ACK);
        ps2_kbd_reply(s, 0xab);
        ps2_kbd_reply(s, (s->ram[0] & KBD_MODE_TRANSLATE) ? 0x41 : 0x83);
        break;
    case 0xf4:
        k->scan_enabled = true;
        ps2_kbd_reply(s, PS2_ACK);
        break;
    case 0xf5:                      /* disable and restore defaults */
        ps2_kbd_defaults(k);
        k->scan_enabled = false;
        ps2_kbd_reply(s, PS2_ACK);
        break;
    case 0xf6:
        ps2_kbd_defaults(k);
        ps2_kbd_reply(s, PS2_ACK);
        break;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa:
    case 0xfb: case 0xfc: case 0xfd:
        /* Set 3 key attributes: accepted, not modelled. */
        ps2_kbd_reply(s, PS2_ACK);
        break;
    case 0xfe:                      /* resend: nothing was lost */
        ps2_kbd_reply(s, PS2_ACK);
        break;
    case 0xff:
        ps2_queue_reset(&k->q);
        ps2_kbd_defaults(k);
        k->leds = 0;
        ps2_kbd_reply(s, PS2_ACK);
        ps2_kbd_reply(s, PS2_SELFTEST_OK);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "i8042: unknown keyboard command 0x%02x\n", val);
        ps2_kbd_reply(s, PS2_RESEND);
        break;
    }
}

/* ---- the PS/2 mouse ---- */

static void ps2_mouse_defaults(PS2Mouse *m)
{
    m->reporting = false;
    m->sample_rate = 100;
    m->resolution = 2;
    m->scaling = 1;
    m->pending_cmd = 0;
}

static void ps2_mouse_reply(I8042State *s, uint8_t b)
{
    ps2_queue_push(&s->mouse.q, b, 0);
}

void i8042_put_mouse_event(I8042State *s, int dx, int dy, uint8_t buttons)
{
    PS2Mouse *m = &s->mouse;
    uint8_t b0;

    m->buttons = buttons & 7;
    if (!m->reporting) {
        return;
    }
    dx = MAX(-256, MIN(255, dx));
    dy = MAX(-256, MIN(255, dy));
    b0 = 0x08 | m->buttons | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0);
    /* A packet goes in whole or not at all. */
    if (m->q.count + 3 + PS2_QUEUE_HEADROOM > PS2_QUEUE_SIZE) {
        return;
    }
    ps2_queue_push(&m->q, b0, 0);
    ps2_queue_push(&m->q, dx & 0xff, 0);
    ps2_queue_push(&m->q, dy & 0xff, 0);
    i8042_update(s);
}

static void ps2_mouse_write(I8042State *s, uint8_t val)
{
    PS2Mouse *m = &s->mouse;
    uint8_t cmd = m->pending_cmd;

    if (cmd) {
        m->pending_cmd = 0;
        if (cmd == 0xf3) {
            m->sample_rate = val;
        } else {
            m->resolution = val & 3;
        }
        ps2_mouse_reply(s, PS2_ACK);
        return;
    }
    switch (val) {
    case 0xf3:                      /* set sample rate (+ arg) */
    case 0xe8:                      /* set resolution (+ arg) */
        m->pending_cmd = val;
        ps2_mouse_reply(s, PS2_ACK);
        break;
    case 0xe6:
    case 0xe7:
        m->scaling = val == 0xe7 ? 2 : 1;
        ps2_mouse_reply(s, PS2_ACK);
        break;
    case 0xe9:                      /* status request */
        ps2_mouse_reply(s, PS2_ACK);
        ps2_mouse_reply(s, (m->reporting ? 0x20 : 0) |
                        (m->scaling == 2 ? 0x10 : 0) | m->buttons);
        ps2_mouse_reply(s, m->resolution);
        ps2_mouse_reply(s, m->sample_rate);
        break;
    case 0xea:                      /* stream mode */
    case 0xf0:                      /* remote mode: accepted */
    case 0xec:
    case 0xee:                      /* wrap mode: accepted, not modelled */
    case 0xfe:
        ps2_mouse_reply(s, PS2_ACK);
        break;
    case 0xeb:                      /* read data: an empty packet */
        ps2_mouse_reply(s, PS2_ACK);
        ps2_mouse_reply(s, 0x08 | m->buttons);
        ps2_mouse_reply(s, 0);
        ps2_mouse_reply(s, 0);
        break;
    case 0xf2:                      /* identify: a plain PS/2 mouse */
        ps2_mouse_reply(s, PS2_ACK);
        ps2_mouse_reply(s, 0x00);
        break;
    case 0xf4:
        m->reporting = true;
        ps2_mouse_reply(s, PS2_ACK);
        break;
    case 0xf5:
        m->reporting = false;
        ps2_mouse_reply(s, PS2_ACK);
        break;
    case 0xf6:
        ps2_mouse_defaults(m);
        ps2_mouse_reply(s, PS2_ACK);
        break;
    case 0xff:
        ps2_queue_reset(&m->q);
        ps2_mouse_defaults(m);
        ps2_mouse_reply(s, PS2_ACK);
        ps2_mouse_reply(s, PS2_SELFTEST_OK);
        ps2_mouse_reply(s, 0x00);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "i8042: unknown mouse command 0x%02x\n", val);
        ps2_mouse_reply(s, PS2_RESEND);
        break;
    }
}

/* ---- the controller ---- */

void i8042_set_a20_line(I8042State *s, qemu_irq a20)
{
    s->a20_out = a20;
}

static void i8042_write_outport(I8042State *s, uint8_t val)
{
    s->outport = val;
    qemu_set_irq(s->a20_out, !!(val & KBD_OUT_A20));
    if (!(val & KBD_OUT_RESET)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static uint8_t i8042_read_outport(I8042State *s)
{
    uint8_t v = s->outport & ~(KBD_OUT_OBF | KBD_OUT_AUX_OBF);

    if (s->status & KBD_STAT_OBF) {
        v |= s->obuf_aux ? KBD_OUT_AUX_OBF : KBD_OUT_OBF;
    }
    return v;
}

static void i8042_write_mode(I8042State *s, uint8_t val)
{
    s->ram[0] = val;
    s->status = (val & KBD_MODE_SYS) ? s->status | KBD_STAT_SYS
                                     : s->status & ~KBD_STAT_SYS;
    /* Re-enabling a port may release bytes waiting behind it. */
    i8042_update(s);
}

static void i8042_write_command(I8042State *s, uint8_t cmd)
{
    s->pending = 0;
    if (cmd >= 0x20 && cmd <= 0x3f) {
        i8042_ctrl_reply(s, s->ram[cmd & 0x1f], false);
        return;
    }
    if (cmd >= 0x60 && cmd <= 0x7f) {
        s->pending = cmd;
        return;
    }
    if (cmd >= 0xf0) {
        /* Pulse the output port bits whose command bit is 0. */
        if (!(cmd & KBD_OUT_RESET)) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
        return;
    }
    switch (cmd) {
    case 0xa7:
        i8042_write_mode(s, s->ram[0] | KBD_MODE_DISABLE_AUX);
        break;
    case 0xa8:
        i8042_write_mode(s, s->ram[0] & ~KBD_MODE_DISABLE_AUX);
        break;
    case 0xa9:                      /* aux interface test: OK */
    case 0xab:                      /* keyboard interface test: OK */
        i8042_ctrl_reply(s, 0x00, false);
        break;
    case 0xaa:
        s->status |= KBD_STAT_SYS;
        i8042_ctrl_reply(s, 0x55, false);
        break;
    case 0xad:
        i8042_write_mode(s, s->ram[0] | KBD_MODE_DISABLE_KBD);
        break;
    case 0xae:
        i8042_write_mode(s, s->ram[0] & ~KBD_MODE_DISABLE_KBD);
        break;
    case 0xc0:                      /* input port: keyboard not inhibited */
        i8042_ctrl_reply(s, 0x80, false);
        break;
    case 0xd0:
        i8042_ctrl_reply(s, i8042_read_outport(s), false);
        break;
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xd4:
        s->pending = cmd;
        break;
    case 0xdd:                      /* HP Vectra A20 disable / enable */
        i8042_write_outport(s, s->outport & ~KBD_OUT_A20);
        break;
    case 0xdf:
        i8042_write_outport(s, s->outport | KBD_OUT_A20);
        break;
    case 0xe0:                      /* test inputs */
        i8042_ctrl_reply(s, 0x00, false);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "i8042: unknown controller command 0x%02x\n", cmd);
        break;
    }
}

static void i8042_write_data(I8042State *s, uint8_t val)
{
    uint8_t cmd = s->pending;

    s->pending = 0;
    if (cmd >= 0x60 && cmd <= 0x7f) {
        if (cmd == 0x60) {
            i8042_write_mode(s, val);
        } else {
            s->ram[cmd & 0x1f] = val;
        }
        return;
    }
    switch (cmd) {
    case 0xd1:
        /* The reset line stays high unless the guest clears it. */
        i8042_write_outport(s, val);
        break;
    case 0xd2:
        i8042_ctrl_reply(s, val, false);
        break;
    case 0xd3:
        i8042_ctrl_reply(s, val, true);
        break;
    case 0xd4:
        ps2_mouse_write(s, val);
        i8042_update(s);
        break;
    default:
        ps2_kbd_write(s, val);
        i8042_update(s);
        break;
    }
}

static uint64_t i8042_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;
    uint8_t val = s->obuf;

    /* Reading an empty buffer gives the last byte again, as hardware. */
    s->status &= ~(KBD_STAT_OBF | KBD_STAT_AUX_OBF);
    i8042_update_irq(s);
    i8042_update(s);
    return val;
}

static void i8042_data_write(void *opaque, hwaddr addr, uint64_t data,
                             unsigned size)
{
    I8042State *s = opaque;

    s->status &= ~KBD_STAT_CMD;
    i8042_write_data(s, data);
}

static uint64_t i8042_cmd_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    return s->status;
}

static void i8042_cmd_write(void *opaque, hwaddr addr, uint64_t data,
                            unsigned size)
{
    I8042State *s = opaque;

    s->status |= KBD_STAT_CMD;
    i8042_write_command(s, data);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_cmd_read,
    .write = i8042_cmd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    memset(s->ram, 0, sizeof(s->ram));
    s->ram[0] = KBD_MODE_KBD_INT | KBD_MODE_AUX_INT;
    s->status = KBD_STAT_CMD | KBD_STAT_UNLOCKED;
    s->outport = KBD_OUT_RESET | KBD_OUT_A20 | KBD_OUT_ONES;
    s->pending = 0;
    s->obuf = 0;
    s->obuf_aux = false;
    s->ctrl_count = 0;
    ps2_queue_reset(&s->kbd.q);
    ps2_kbd_defaults(&s->kbd);
    s->kbd.leds = 0;
    ps2_queue_reset(&s->mouse.q);
    ps2_mouse_defaults(&s->mouse);
    i8042_update_irq(s);
}

static void i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);

    memory_region_init_io(&s->io_data, OBJECT(s), &i8042_data_ops, s,
                          "i8042-data", 1);
    memory_region_init_io(&s->io_cmd, OBJECT(s), &i8042_cmd_ops, s,
                          "i8042-cmd", 1);
    isa_register_ioport(ISA_DEVICE(s), &s->io_data, 0x60);
    isa_register_ioport(ISA_DEVICE(s), &s->io_cmd, 0x64);
    i8042_reset(dev);
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    isa_unregister_ioport(ISA_DEVICE(s), &s->io_data);
    isa_unregister_ioport(ISA_DEVICE(s), &s->io_cmd);
    memory_region_destroy(&s->io_data);
    memory_region_destroy(&s->io_cmd);
}

static Property i8042_properties[] = {
    DEFINE_PROP_BOOL("extended-state", I8042State, extended_state, true),
    DEFINE_PROP_BOOL("kbd-throttle", I8042State, kbd_throttle, false),
    DEFINE_PROP_UINT8("kbd-irq", I8042State, kbd_irq, 1),
    DEFINE_PROP_UINT8("mouse-irq", I8042State, mouse_irq, 12),
    DEFINE_PROP_END_OF_LIST(),
};

static void i8042_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = i8042_realize;
    dc->unrealize = i8042_unrealize;
    dc->reset = i8042_reset;
    device_class_set_category(dc, DEVICE_CATEGORY_INPUT);
    device_class_set_props(dc, i8042_properties);
}

static const TypeInfo i8042_info = {
    .name = TYPE_I8042,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(I8042State),
    .class_init = i8042_class_init,
};

static void i8042_register_types(void)
{
    type_register_static(&i8042_info);
}

type_init(i8042_register_types)
