/*
 * hostmem-memfd.c: memory-backend-memfd: guest RAM in a memfd, so that
 * another process (vhost-user, a debugger) can map the same pages through
 * the fd. Shared by default, as in QEMU; hugetlbfs pages are not supported.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "system/hostmem.h"
#include "hw/qdev-properties.h"

typedef struct HostMemoryBackendMemfd {
    HostMemoryBackend parent_obj;
    bool hugetlb;
    uint64_t hugetlbsize;
    bool seal;
} HostMemoryBackendMemfd;

#define MEMORY_BACKEND_MEMFD(obj) \
    OBJECT_CHECK(HostMemoryBackendMemfd, (obj), TYPE_MEMORY_BACKEND_MEMFD)

static bool memfd_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    HostMemoryBackendMemfd *m = MEMORY_BACKEND_MEMFD(backend);
    g_autofree char *name = host_memory_backend_get_name(backend);
    int fd;

    if (m->hugetlb) {
        error_setg(errp, "property 'hugetlb' of memory-backend-memfd: "
                   "hugetlb=on is not supported");
        return false;
    }
    fd = memfd_create(TYPE_MEMORY_BACKEND_MEMFD,
                      MFD_CLOEXEC | (m->seal ? MFD_ALLOW_SEALING : 0));
    if (fd < 0) {
        error_setg_errno(errp, errno, "failed to create memfd");
        return false;
    }
    if (ftruncate(fd, (off_t)backend->size) < 0) {
        error_setg_errno(errp, errno, "failed to resize memfd to %" PRIu64,
                         backend->size);
        close(fd);
        return false;
    }
    /* The guest's RAM must not change size under another user's mapping. */
    if (m->seal &&
        fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        error_setg_errno(errp, errno, "failed to add seals");
        close(fd);
        return false;
    }
    return memory_region_init_ram_from_fd(&backend->mr, OBJECT(backend), name,
                                          backend->size, backend->share, fd,
                                          0, errp);
}

static void memfd_backend_instance_init(Object *obj)
{
    /* The point of a memfd is to be shared. */
    MEMORY_BACKEND(obj)->share = true;
}

static Property memfd_backend_props[] = {
    DEFINE_PROP_BOOL("hugetlb", HostMemoryBackendMemfd, hugetlb, false,
                     .description = "Use huge pages"),
    DEFINE_PROP_SIZE("hugetlbsize", HostMemoryBackendMemfd, hugetlbsize, 0,
                     .description = "Huge pages size (ex: 2M, 1G)"),
    DEFINE_PROP_BOOL("seal", HostMemoryBackendMemfd, seal, true,
                     .description = "Seal growing & shrinking"),
    DEFINE_PROP_END_OF_LIST(),
};

static void memfd_backend_class_init(ObjectClass *oc, void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = memfd_backend_alloc;
    object_class_set_props(oc, memfd_backend_props);
}

static const TypeInfo memfd_backend_info = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(HostMemoryBackendMemfd),
    .instance_init = memfd_backend_instance_init,
    .class_init = memfd_backend_class_init,
};

void memory_backend_memfd_register_types(void)
{
    type_register_static(&memfd_backend_info);
}
