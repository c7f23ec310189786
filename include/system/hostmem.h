/*
 * hostmem.h: memory backends (-object memory-backend-ram|memfd|file): host
 * memory with a lifetime of its own that machines and devices map as guest
 * RAM. The backend owns the MemoryRegion; users map it, never copy it.
 */
#ifndef SYSTEM_HOSTMEM_H
#define SYSTEM_HOSTMEM_H

#include "qom/object.h"
#include "exec/memory.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"

OBJECT_DECLARE_TYPE(HostMemoryBackend, HostMemoryBackendClass, MEMORY_BACKEND)

struct HostMemoryBackendClass {
    ObjectClass parent_class;
    /* Set up backend->mr of backend->size bytes. */
    bool (*alloc)(HostMemoryBackend *backend, Error **errp);
};

struct HostMemoryBackend {
    Object parent_obj;
    /* properties */
    uint64_t size;
    bool share;
    bool prealloc;
    bool merge;
    bool dump;
    /* state */
    bool is_mapped;     /* a machine or device uses the memory */
    MemoryRegion mr;
};

/**
 * host_memory_backend_get_memory: - the backend's RAM region, or NULL
 * before the backend is complete.
 */
MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend);

/* Mark the backend in use (object-del then refuses), or free again. */
void host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped);
bool host_memory_backend_is_mapped(HostMemoryBackend *backend);

/* The backend's name for its region: its -object id. */
char *host_memory_backend_get_name(HostMemoryBackend *backend);

/*
 * host_memory_prealloc: - make every page of [area, area + size) present
 * now, so that a lack of host memory is an error at startup rather than a
 * crash later: "qemu_prealloc_mem: preallocating memory failed: REASON".
 */
bool host_memory_prealloc(void *area, uint64_t size, Error **errp);

/* Registration of the concrete types, called by hostmem.c so that linking
 * the base type brings them all. */
void memory_backend_ram_register_types(void);
void memory_backend_memfd_register_types(void);
void memory_backend_file_register_types(void);

#endif
