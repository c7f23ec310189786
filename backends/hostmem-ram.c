/*
 * hostmem-ram.c: memory-backend-ram: anonymous host memory, reserved
 * lazily (MAP_NORESERVE) like the machine's own RAM. share=on is accepted
 * and changes nothing: an anonymous mapping has no fd for anyone to share.
 */
#include "qemu/osdep.h"
#include "system/hostmem.h"

static bool ram_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    g_autofree char *name = host_memory_backend_get_name(backend);

    return memory_region_init_ram(&backend->mr, OBJECT(backend), name,
                                  backend->size, errp);
}

static void ram_backend_class_init(ObjectClass *oc, void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = ram_backend_alloc;
}

static const TypeInfo ram_backend_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = ram_backend_class_init,
};

void memory_backend_ram_register_types(void)
{
    type_register_static(&ram_backend_info);
}
