/*
 * pvpanic-isa.c: "pvpanic", the paravirtual panic port on ISA (QEMU's
 * docs/specs/pvpanic.rst). A read returns the supported events; a write
 * of PANICKED reports a guest panic; what follows is -action panic=
 * (runstate's qemu_system_guest_panicked(): shut down by default, pause,
 * exit with status 1, or nothing).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/misc/pvpanic.h"
#include "hw/qdev-properties.h"
#include "system/runstate.h"

/* The realized device, for pvpanic_port(); there is one per machine. */
static PVPanicISAState *pvpanic_dev;

uint16_t pvpanic_port(void)
{
    return pvpanic_dev ? pvpanic_dev->ioport : 0;
}

static uint64_t pvpanic_read(void *opaque, hwaddr addr, unsigned size)
{
    PVPanicISAState *s = opaque;

    return s->events;
}

static void pvpanic_write(void *opaque, hwaddr addr, uint64_t data,
                          unsigned size)
{
    if (data & ~(uint64_t)(PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)) {
        qemu_log_mask(LOG_GUEST_ERROR, "pvpanic: unknown event 0x%" PRIx64
                      "\n", data);
    }
    if (data & PVPANIC_PANICKED) {
        qemu_system_guest_panicked();
    } else if (data & PVPANIC_CRASH_LOADED) {
        /* QEMU only emits GUEST_CRASHLOADED here; no QMP events yet. */
        qemu_log_mask(LOG_GUEST_ERROR, "pvpanic: guest crash loaded\n");
    }
}

static const MemoryRegionOps pvpanic_ops = {
    .read = pvpanic_read,
    .write = pvpanic_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void pvpanic_realize(DeviceState *dev, Error **errp)
{
    PVPanicISAState *s = PVPANIC_ISA_DEVICE(dev);

    memory_region_init_io(&s->io, OBJECT(dev), &pvpanic_ops, s, "pvpanic",
                          1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->ioport);
    pvpanic_dev = s;
}

static void pvpanic_unrealize(DeviceState *dev)
{
    PVPanicISAState *s = PVPANIC_ISA_DEVICE(dev);

    isa_unregister_ioport(ISA_DEVICE(dev), &s->io);
    if (pvpanic_dev == s) {
        pvpanic_dev = NULL;
    }
}

static Property pvpanic_props[] = {
    DEFINE_PROP_UINT8("events", PVPanicISAState, events,
                      PVPANIC_PANICKED | PVPANIC_CRASH_LOADED),
    DEFINE_PROP_UINT16(PVPANIC_IOPORT_PROP, PVPanicISAState, ioport, 0x505),
    DEFINE_PROP_END_OF_LIST(),
};

static void pvpanic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pvpanic_realize;
    dc->unrealize = pvpanic_unrealize;
    dc->user_creatable = true;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, pvpanic_props);
}

/* The region may outlive unrealize in a flat view; free it with us. */
static void pvpanic_finalize(Object *obj)
{
    PVPanicISAState *s = PVPANIC_ISA_DEVICE(obj);

    if (s->io.initialized) {
        memory_region_destroy(&s->io);
    }
}

static const TypeInfo pvpanic_info = {
    .name = TYPE_PVPANIC_ISA_DEVICE,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PVPanicISAState),
    .instance_finalize = pvpanic_finalize,
    .class_init = pvpanic_class_init,
};

static void pvpanic_register_types(void)
{
    type_register_static(&pvpanic_info);
}

type_init(pvpanic_register_types)
