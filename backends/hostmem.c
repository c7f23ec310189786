/*
 * hostmem.c: the abstract memory-backend type: its common properties
 * (size, share, prealloc, merge, dump), completing an -object by letting
 * the concrete type allocate, then applying the host memory policies.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "system/hostmem.h"
#include "qom/object_interfaces.h"
#include "hw/qdev-properties.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend)
{
    return backend->mr.initialized ? &backend->mr : NULL;
}

void host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped)
{
    backend->is_mapped = mapped;
}

bool host_memory_backend_is_mapped(HostMemoryBackend *backend)
{
    return backend->is_mapped;
}

char *host_memory_backend_get_name(HostMemoryBackend *backend)
{
    const char *id = object_get_canonical_path_component(OBJECT(backend));

    return g_strdup(id ? id : object_get_typename(OBJECT(backend)));
}

bool host_memory_prealloc(void *area, uint64_t size, Error **errp)
{
    long pagesize = sysconf(_SC_PAGESIZE);

    /*
     * MADV_POPULATE_WRITE reports a lack of memory as an error; touching
     * the pages ourselves would take a SIGBUS on a full memfd or file.
     */
    if (madvise(area, size, MADV_POPULATE_WRITE) == 0) {
        return true;
    }
    if (errno != EINVAL) {
        error_setg_errno(errp, errno,
                         "qemu_prealloc_mem: preallocating memory failed");
        return false;
    }
    /* Kernels before 5.14: write each page with its own value. */
    for (uint64_t off = 0; off < size; off += pagesize) {
        volatile uint8_t *p = (uint8_t *)area + off;

        *p = *p;
    }
    return true;
}

static void host_memory_backend_complete(Object *obj, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(obj);
    void *ptr;

    if (!backend->size) {
        error_setg(errp, "can't create backend with size 0");
        return;
    }
    if (!bc->alloc(backend, errp)) {
        return;
    }
    ptr = memory_region_get_ram_ptr(&backend->mr);
    /* Advice only: a host without KSM or with dumps off is no error. */
    madvise(ptr, backend->size,
            backend->merge ? MADV_MERGEABLE : MADV_UNMERGEABLE);
    if (!backend->dump) {
        madvise(ptr, backend->size, MADV_DONTDUMP);
    }
    if (backend->prealloc && !host_memory_prealloc(ptr, backend->size, errp)) {
        memory_region_destroy(&backend->mr);
    }
}

static bool host_memory_backend_can_be_deleted(Object *obj)
{
    return !host_memory_backend_is_mapped(MEMORY_BACKEND(obj));
}

static void host_memory_backend_finalize(Object *obj)
{
    memory_region_destroy(&MEMORY_BACKEND(obj)->mr);
}

static Property host_memory_backend_props[] = {
    DEFINE_PROP_SIZE("size", HostMemoryBackend, size, 0,
                     .description = "Size of the memory region (ex: 500M)"),
    DEFINE_PROP_BOOL("share", HostMemoryBackend, share, false,
                     .description = "Mark the memory as private to QEMU "
                                    "or shared"),
    DEFINE_PROP_BOOL("prealloc", HostMemoryBackend, prealloc, false,
                     .description = "Preallocate memory"),
    DEFINE_PROP_BOOL("merge", HostMemoryBackend, merge, true,
                     .description = "Mark memory as mergeable"),
    DEFINE_PROP_BOOL("dump", HostMemoryBackend, dump, true,
                     .description = "Set to 'off' to exclude from core dump"),
    DEFINE_PROP_END_OF_LIST(),
};

static void host_memory_backend_class_init(ObjectClass *oc, void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = host_memory_backend_complete;
    ucc->can_be_deleted = host_memory_backend_can_be_deleted;
    object_class_set_props(oc, host_memory_backend_props);
}

static const TypeInfo host_memory_backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(HostMemoryBackendClass),
    .class_init = host_memory_backend_class_init,
    .instance_size = sizeof(HostMemoryBackend),
    .instance_finalize = host_memory_backend_finalize,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { NULL },
    },
};

static void host_memory_backend_register_types(void)
{
    type_register_static(&host_memory_backend_info);
    /* Here, so that linking hostmem.o brings every backend type. */
    memory_backend_ram_register_types();
    memory_backend_memfd_register_types();
    memory_backend_file_register_types();
}

type_init(host_memory_backend_register_types)
