/*
 * test-hostmem.c: unit tests of the memory backends created as -object
 * does: memfd sharing through a second mapping of its fd, file backends
 * and QEMU's errors for them, prealloc, and refusing to delete in use.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "system/hostmem.h"
#include "qom/object_interfaces.h"
#include "qemu/opts.h"
#include "test-helpers.h"

static const char *tmpdir;

static QemuOptsList test_object_opts = {
    .name = "object", .implied_opt_name = "qom-type",
    .desc = { { NULL } },
};

static HostMemoryBackend *backend_new(const char *optarg)
{
    QemuOpts *opts = qemu_opts_parse(&test_object_opts, optarg, true,
                                     &error_abort);
    Object *obj = user_creatable_add_opts(opts, &error_abort);

    qemu_opts_del(opts);
    return MEMORY_BACKEND(obj);
}

static void backend_expect_error(const char *optarg, const char *msg)
{
    QemuOpts *opts = qemu_opts_parse(&test_object_opts, optarg, true,
                                     &error_abort);
    Error *err = NULL;

    g_assert_null(user_creatable_add_opts(opts, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    qemu_opts_del(opts);
}

static void backend_del(const char *id)
{
    g_assert_true(user_creatable_del(id, &error_abort));
}

static void test_memfd_shared(void)
{
    HostMemoryBackend *b =
        backend_new("memory-backend-memfd,id=m,size=512M,share=on");
    MemoryRegion *mr = host_memory_backend_get_memory(b);
    int fd = memory_region_get_fd(mr);
    uint8_t *p, *q;

    g_assert_nonnull(mr);
    g_assert_cmpstr(memory_region_name(mr), ==, "m");
    g_assert_cmpuint(memory_region_size(mr), ==, 512 * MiB);
    g_assert_true(memory_region_is_ram(mr));
    g_assert_cmpint(fd, >=, 0);
    p = memory_region_get_ram_ptr(mr);
    q = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    g_assert(q != MAP_FAILED);
    p[4096] = 0x5a;
    g_assert_cmphex(q[4096], ==, 0x5a);
    q[8] = 0xa5;
    g_assert_cmphex(p[8], ==, 0xa5);
    munmap(q, 2 * MiB);
    /* The size is sealed: another user may rely on it. */
    g_assert_cmpint(ftruncate(fd, 4096), <, 0);
    backend_del("m");
}

static void test_memfd_private(void)
{
    /* share=off: our writes stay ours. */
    HostMemoryBackend *b =
        backend_new("memory-backend-memfd,id=m,size=1M,share=off");
    MemoryRegion *mr = host_memory_backend_get_memory(b);
    uint8_t *p = memory_region_get_ram_ptr(mr);
    uint8_t *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED,
                      memory_region_get_fd(mr), 0);

    g_assert(q != MAP_FAILED);
    p[0] = 1;
    g_assert_cmphex(q[0], ==, 0);
    munmap(q, 4096);
    backend_del("m");
    backend_expect_error("memory-backend-memfd,id=m,size=1M,hugetlb=on",
                         "property 'hugetlb' of memory-backend-memfd: "
                         "hugetlb=on is not supported");
}

static void test_ram_backend(void)
{
    HostMemoryBackend *b;
    Error *err = NULL;

    backend_expect_error("memory-backend-ram,id=r",
                         "can't create backend with size 0");
    b = backend_new("memory-backend-ram,id=r,size=4M,prealloc=on,merge=off,"
                    "dump=off");
    /* Preallocated: every page is there. */
    {
        unsigned char vec[1024];
        uint8_t *p = memory_region_get_ram_ptr(&b->mr);

        g_assert_cmpint(mincore(p, 4 * MiB, vec), ==, 0);
        for (unsigned i = 0; i < 4 * MiB / sysconf(_SC_PAGESIZE); i++) {
            g_assert_cmpint(vec[i] & 1, ==, 1);
        }
    }
    host_memory_backend_set_mapped(b, true);
    g_assert_false(user_creatable_del("r", &err));
    error_free(err);
    host_memory_backend_set_mapped(b, false);
    backend_del("r");
}

static void test_file_backend(void)
{
    const char *dir = tmpdir;
    g_autofree char *file = tmp_path("ram.img");
    g_autofree char *small = tmp_path("small.img");
    g_autofree char *arg = NULL;
    g_autofree char *msg = NULL;
    HostMemoryBackend *b;
    uint8_t *p;
    char buf[4];
    int fd;

    /* A new file, shared: writes reach it. */
    arg = g_strdup_printf("memory-backend-file,id=f,size=1M,share=on,"
                          "mem-path=%s", file);
    b = backend_new(arg);
    p = memory_region_get_ram_ptr(host_memory_backend_get_memory(b));
    memcpy(p + 100, "keel", 4);
    backend_del("f");
    fd = open(file, O_RDONLY);
    g_assert_cmpint(pread(fd, buf, 4, 100), ==, 4);
    g_assert(!memcmp(buf, "keel", 4));
    close(fd);

    /* A directory: an unlinked temporary file in it. */
    g_free(arg);
    arg = g_strdup_printf("memory-backend-file,id=f,size=1M,mem-path=%s", dir);
    b = backend_new(arg);
    g_assert_nonnull(host_memory_backend_get_memory(b));
    backend_del("f");

    backend_expect_error("memory-backend-file,id=f,size=1M",
                         "mem-path property not set");
    backend_expect_error("memory-backend-file,id=f,size=1M,"
                         "mem-path=/nonexistent-keel/ram",
                         "can't open backing store /nonexistent-keel/ram "
                         "for guest RAM: No such file or directory");
    g_assert_true(g_file_set_contents(small, "x", 1, NULL));
    g_free(arg);
    arg = g_strdup_printf("memory-backend-file,id=f,size=1M,mem-path=%s",
                          small);
    backend_expect_error(arg, "backing store size 0x1 does not match "
                         "'size' option 0x100000");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = test_tmpdir_init("test-hostmem");
    g_test_add_func("/hostmem/memfd/shared", test_memfd_shared);
    g_test_add_func("/hostmem/memfd/private", test_memfd_private);
    g_test_add_func("/hostmem/ram", test_ram_backend);
    g_test_add_func("/hostmem/file", test_file_backend);
    ret = g_test_run();
    return test_tmpdir_cleanup(ret);
}
