/*
 * debugexit.c: "isa-debug-exit", a port that ends the emulator with a
 * status chosen by the guest: (V << 1) | 1 for a write of V. Test kernels
 * use it to report pass/fail; the exit is the device's documented purpose.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/misc/debugexit.h"
#include "hw/qdev-properties.h"

static void debug_exit_default(int status)
{
    exit(status);
}

void (*debug_exit_hook)(int status) = debug_exit_default;

static uint64_t debug_exit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void debug_exit_write(void *opaque, hwaddr addr, uint64_t data,
                             unsigned size)
{
    /* Like QEMU, the whole access is the value; the OS keeps the low
     * 8 bits of the status. */
    debug_exit_hook((int)((data << 1) | 1));
}

static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void debug_exit_realize(DeviceState *dev, Error **errp)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT(dev);

    if (s->iosize == 0 || s->iobase > 0xffff ||
        s->iosize > 0x10000 - s->iobase) {
        error_setg(errp, "isa-debug-exit: iobase 0x%" PRIx32 " and iosize 0x%"
                   PRIx32 " must fit the 64 KiB I/O space", s->iobase,
                   s->iosize);
        return;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &debug_exit_ops, s,
                          "isa-debug-exit", s->iosize);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
}

static void debug_exit_unrealize(DeviceState *dev)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT(dev);

    isa_unregister_ioport(ISA_DEVICE(dev), &s->io);
}

static Property debug_exit_props[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugExitState, iobase, 0x501),
    DEFINE_PROP_UINT32("iosize", ISADebugExitState, iosize, 0x02),
    DEFINE_PROP_END_OF_LIST(),
};

static void debug_exit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = debug_exit_realize;
    dc->unrealize = debug_exit_unrealize;
    dc->user_creatable = true;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, debug_exit_props);
}

/* The region may outlive unrealize in a flat view; free it with us. */
static void debug_exit_finalize(Object *obj)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT(obj);

    if (s->io.initialized) {
        memory_region_destroy(&s->io);
    }
}

static const TypeInfo debug_exit_info = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ISADebugExitState),
    .instance_finalize = debug_exit_finalize,
    .class_init = debug_exit_class_init,
};

static void debug_exit_register_types(void)
{
    type_register_static(&debug_exit_info);
}

type_init(debug_exit_register_types)
