/*
 * isa-bus.c: the ISA device base type: port registration in the system
 * I/O space and output interrupt lines wired by the machine.
 */
#include "qemu/osdep.h"
#include "hw/isa/isa.h"

void isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t base)
{
    memory_region_add_subregion(get_system_io(), base, mr);
}

void isa_unregister_ioport(ISADevice *dev, MemoryRegion *mr)
{
    memory_region_del_subregion(get_system_io(), mr);
}

void isa_connect_irq(ISADevice *dev, int n, qemu_irq irq)
{
    if (n >= 0 && n < ISA_MAX_IRQS) {
        dev->irqs[n] = irq;
    }
}

qemu_irq isa_get_irq(ISADevice *dev, int n)
{
    return n >= 0 && n < ISA_MAX_IRQS ? dev->irqs[n] : NULL;
}

static void isa_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->bus_type = "ISA";
}

static const TypeInfo isa_device_info = {
    .name = TYPE_ISA_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(ISADevice),
    .abstract = true,
    .class_init = isa_device_class_init,
};

static void isa_register_types(void)
{
    type_register_static(&isa_device_info);
}

type_init(isa_register_types)
