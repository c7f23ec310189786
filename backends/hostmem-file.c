/*
 * hostmem-file.c: memory-backend-file: guest RAM mapped from a file or, for
 * a directory mem-path, from an unlinked temporary file in it (hugetlbfs
 * mounts, /dev/shm). Opening follows QEMU: existing file, new file, or dir.
 */
#include "qemu/osdep.h"
#include <sys/stat.h>
#include "system/hostmem.h"
#include "hw/qdev-properties.h"

typedef struct HostMemoryBackendFile {
    HostMemoryBackend parent_obj;
    char *mem_path;
    uint64_t align;
    bool discard_data;
} HostMemoryBackendFile;

#define MEMORY_BACKEND_FILE(obj) \
    OBJECT_CHECK(HostMemoryBackendFile, (obj), TYPE_MEMORY_BACKEND_FILE)

/* The fd of path, or -errno. */
static int file_backend_open(const char *path, const char *region_name)
{
    for (;;) {
        int fd = open(path, O_RDWR | O_CLOEXEC);

        if (fd >= 0) {
            return fd;
        }
        if (errno == ENOENT) {
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                return fd;
            }
        } else if (errno == EISDIR) {
            g_autofree char *safe = g_strdelimit(g_strdup(region_name), "/",
                                                 '_');
            g_autofree char *tmpl = g_strdup_printf(
                "%s/qemu_back_mem.%s.XXXXXX", path, safe);

            fd = mkostemp(tmpl, O_CLOEXEC);
            if (fd >= 0) {
                /* Nobody else needs the name; the pages go with the fd. */
                unlink(tmpl);
                return fd;
            }
        }
        /* EEXIST: raced with a creator, open it again. */
        if (errno != EEXIST && errno != EINTR) {
            return -errno;
        }
    }
}

static bool file_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(backend);
    g_autofree char *name = host_memory_backend_get_name(backend);
    struct stat st;
    int fd;

    if (!f->mem_path || !*f->mem_path) {
        error_setg(errp, "mem-path property not set");
        return false;
    }
    fd = file_backend_open(f->mem_path, name);
    if (fd < 0) {
        error_setg_errno(errp, -fd, "can't open backing store %s for guest RAM",
                         f->mem_path);
        return false;
    }
    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "can't stat backing store %s",
                         f->mem_path);
        close(fd);
        return false;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size < backend->size) {
        error_setg(errp, "backing store size 0x%" PRIx64
                   " does not match 'size' option 0x%" PRIx64,
                   (uint64_t)st.st_size, backend->size);
        close(fd);
        return false;
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0 &&
        ftruncate(fd, (off_t)backend->size) < 0) {
        error_setg_errno(errp, errno, "can't resize backing store %s",
                         f->mem_path);
        close(fd);
        return false;
    }
    return memory_region_init_ram_from_fd(&backend->mr, OBJECT(backend), name,
                                          backend->size, backend->share, fd,
                                          0, errp);
}

static Property file_backend_props[] = {
    DEFINE_PROP_STRING("mem-path", HostMemoryBackendFile, mem_path,
                       .description = "File to be used as the memory "
                                      "backend, or a directory for a "
                                      "temporary one"),
    DEFINE_PROP_SIZE("align", HostMemoryBackendFile, align, 0,
                     .description = "Mapping alignment"),
    DEFINE_PROP_BOOL("discard-data", HostMemoryBackendFile, discard_data,
                     false, .description = "Discard the file's contents "
                                           "on exit"),
    DEFINE_PROP_END_OF_LIST(),
};

static void file_backend_class_init(ObjectClass *oc, void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = file_backend_alloc;
    object_class_set_props(oc, file_backend_props);
}

static const TypeInfo file_backend_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(HostMemoryBackendFile),
    .class_init = file_backend_class_init,
};

void memory_backend_file_register_types(void)
{
    type_register_static(&file_backend_info);
}
