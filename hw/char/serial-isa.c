/*
 * serial-isa.c: "isa-serial", the 16550A core on the ISA bus at the PC's
 * COM ports. index 0..3 picks QEMU's default base and IRQ for COM1..COM4;
 * the IRQ goes out on ISA line 0, which the machine wires to the PIC input
 * named by the "irq" property.
 */
#include "qemu/osdep.h"
#include "hw/char/serial.h"
#include "hw/qdev-properties.h"

static const uint16_t isa_serial_io[MAX_ISA_SERIAL_PORTS] = {
    0x3f8, 0x2f8, 0x3e8, 0x2e8
};
static const uint8_t isa_serial_irq[MAX_ISA_SERIAL_PORTS] = { 4, 3, 4, 3 };

/* Ports created without an index take the next free COM number. */
static unsigned isa_serial_next_index;

/*
 * The core's line forwards to ISA line 0 at each change, so the machine
 * may connect the line before or after realize.
 */
static void isa_serial_irq_handler(void *opaque, int n, int level)
{
    qemu_set_irq(isa_get_irq(ISA_DEVICE(opaque), 0), level);
}

static void isa_serial_realize(DeviceState *dev, Error **errp)
{
    ISASerialState *isa = ISA_SERIAL(dev);
    SerialState *s = &isa->state;

    if (isa->index == UINT32_MAX) {
        isa->index = isa_serial_next_index;
    }
    if (isa->index >= MAX_ISA_SERIAL_PORTS) {
        error_setg(errp, "Max. supported number of ISA serial ports is %d.",
                   MAX_ISA_SERIAL_PORTS);
        return;
    }
    if (isa->iobase == UINT32_MAX) {
        isa->iobase = isa_serial_io[isa->index];
    }
    if (isa->isairq == UINT32_MAX) {
        isa->isairq = isa_serial_irq[isa->index];
    }
    if (isa->iobase > 0x10000 - 8) {
        error_setg(errp, "Invalid iobase 0x%" PRIx32, isa->iobase);
        return;
    }
    if (isa->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "Invalid IRQ %" PRIu32 " (must be below %d)",
                   isa->isairq, ISA_NUM_IRQS);
        return;
    }
    isa_serial_next_index = MAX(isa_serial_next_index, isa->index + 1);

    s->irq = qemu_allocate_irq(isa_serial_irq_handler, isa, 0);
    if (!serial_realize_core(s, errp)) {
        qemu_free_irq(s->irq);
        s->irq = NULL;
        return;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &serial_io_ops, s, "serial",
                          8);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, isa->iobase);
}

static void isa_serial_unrealize(DeviceState *dev)
{
    ISASerialState *isa = ISA_SERIAL(dev);
    SerialState *s = &isa->state;

    isa_unregister_ioport(ISA_DEVICE(dev), &s->io);
    serial_unrealize_core(s);
    qemu_free_irq(s->irq);
    s->irq = NULL;
}

static void isa_serial_reset(DeviceState *dev)
{
    serial_reset(&ISA_SERIAL(dev)->state);
}

DeviceState *serial_isa_init(unsigned index, Chardev *chr, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_ISA_SERIAL);

    qdev_prop_set_uint32(dev, "index", index);
    if (chr && !object_property_parse(OBJECT(dev), "chardev",
                                      qemu_chr_get_label(chr), errp)) {
        object_unref(dev);
        return NULL;
    }
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    return dev;
}

static Property isa_serial_props[] = {
    DEFINE_PROP_UINT32("baudbase", ISASerialState, state.baudbase, 115200),
    DEFINE_PROP_CHR("chardev", ISASerialState, state.chr,
                    .description = "ID of a chardev to use as a backend"),
    DEFINE_PROP_UINT32("index", ISASerialState, index, UINT32_MAX),
    DEFINE_PROP_UINT32("iobase", ISASerialState, iobase, UINT32_MAX),
    DEFINE_PROP_UINT32("irq", ISASerialState, isairq, UINT32_MAX),
    /* Accepted for QEMU compatibility; the PC has no serial wakeup yet. */
    DEFINE_PROP_BOOL("wakeup", ISASerialState, wakeup, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void isa_serial_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = isa_serial_realize;
    dc->unrealize = isa_serial_unrealize;
    dc->reset = isa_serial_reset;
    dc->user_creatable = true;
    device_class_set_category(dc, DEVICE_CATEGORY_INPUT);
    device_class_set_props(dc, isa_serial_props);
}

/* The region may outlive unrealize in a flat view; free it with us. */
static void isa_serial_finalize(Object *obj)
{
    ISASerialState *s = ISA_SERIAL(obj);

    if (s->state.io.initialized) {
        memory_region_destroy(&s->state.io);
    }
}

static const TypeInfo isa_serial_info = {
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ISASerialState),
    .instance_finalize = isa_serial_finalize,
    .class_init = isa_serial_class_init,
};

static void isa_serial_register_types(void)
{
    type_register_static(&isa_serial_info);
}

type_init(isa_serial_register_types)
