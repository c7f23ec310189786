/*
 * port92.c: System Control Port A (I/O port 0x92) of PC chipsets: the
 * "fast A20" gate in bit 1 and a fast CPU reset on a 0->1 edge of bit 0,
 * quicker than going through the keyboard controller.
 */
#include "qemu/osdep.h"
#include "hw/input/i8042.h"
#include "system/runstate.h"

#define PORT92_RESET 0x01
#define PORT92_A20   0x02

void port92_set_a20_line(Port92State *s, qemu_irq a20)
{
    s->a20_out = a20;
}

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    Port92State *s = opaque;

    return s->outport;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t data,
                         unsigned size)
{
    Port92State *s = opaque;
    uint8_t old = s->outport;

    s->outport = data;
    qemu_set_irq(s->a20_out, !!(data & PORT92_A20));
    if ((data & PORT92_RESET) && !(old & PORT92_RESET)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void port92_reset(DeviceState *dev)
{
    Port92State *s = PORT92(dev);

    /* The reset bit reads back clear after a reset. */
    s->outport &= ~PORT92_RESET;
}

static void port92_realize(DeviceState *dev, Error **errp)
{
    Port92State *s = PORT92(dev);

    memory_region_init_io(&s->io, OBJECT(s), &port92_ops, s, "port92", 1);
    isa_register_ioport(ISA_DEVICE(s), &s->io, 0x92);
}

static void port92_unrealize(DeviceState *dev)
{
    Port92State *s = PORT92(dev);

    isa_unregister_ioport(ISA_DEVICE(s), &s->io);
    memory_region_destroy(&s->io);
}

static void port92_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = port92_realize;
    dc->unrealize = port92_unrealize;
    dc->reset = port92_reset;
    dc->desc = "System Control Port A (A20 gate, fast reset)";
    /* Part of the chipset: the board creates it. */
    dc->user_creatable = false;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
}

static const TypeInfo port92_info = {
    .name = TYPE_PORT92,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(Port92State),
    .class_init = port92_class_init,
};

static void port92_register_types(void)
{
    type_register_static(&port92_info);
}

type_init(port92_register_types)
