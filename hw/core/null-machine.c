/*
 * null-machine.c: the "none" board (-M none): no CPUs, no devices, and no
 * RAM unless -m asks for it. vl.c falls back to it when no board is the
 * default, and tests use it to run without a guest.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"

static void null_machine_init(MachineState *ms)
{
    /* Nothing to build: RAM of -m is mapped by the memory layer once it
     * exists, and "none" never creates a CPU on its own. */
}

static void null_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "empty machine";
    mc->init = null_machine_init;
    mc->max_cpus = 1;
    mc->default_cpus = 1;
    mc->default_ram_size = 0;
    mc->default_ram_id = "ram";
    mc->no_serial = true;
    mc->no_parallel = true;
    mc->no_floppy = true;
    mc->no_cdrom = true;
    mc->no_sdcard = true;
}

static const TypeInfo null_machine_info = {
    .name = TYPE_NULL_MACHINE,
    .parent = TYPE_MACHINE,
    .class_init = null_machine_class_init,
};

void null_machine_register_types(void)
{
    type_register_static(&null_machine_info);
}
