/*
 * region.c: the TCG code buffer. One memfd is mapped twice: read-write
 * where the code generator writes, read-execute where the code runs, so
 * no page is ever writable and executable at once. TBs are carved out of
 * it one after the other (64-byte aligned); a flush (tcg_region_reset_all)
 * drops everything but the backend's prologue. This file does not know
 * about TBs or their lookup tables (accel/tcg does).
 *
 * Locking: one mutex guards the bookkeeping. tcg_region_alloc does not
 * reserve space until tcg_region_commit, so translations must not run
 * concurrently (accel/tcg serialises them; per-thread windows can come
 * with multi-threaded TCG).
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "tcg/tcg.h"
#include "tcg-regalloc.h"

#include <sys/mman.h>

#define REGION_DEFAULT_SIZE (32 * MiB)
/* Small enough for tests, large enough for the prologue and a few TBs. */
#define REGION_MIN_SIZE     (256 * KiB)
/* rel32 jumps and calls inside the buffer must reach every byte of it. */
#define REGION_MAX_SIZE     (1 * GiB)
#define REGION_ALIGN        64

static struct {
    GMutex lock;
    char *rw;                   /* generator's view */
    char *rx;                   /* executable view (== rw when not split) */
    size_t size;
    size_t used;                /* end of the committed code */
    size_t prologue_end;        /* survives reset_all */
    unsigned generation;        /* bumped by every (re)initialisation */
    void (*prologue_hook)(void);
} region;

void tcg_region_set_prologue_hook(void (*hook)(void))
{
    region.prologue_hook = hook;
}

static void region_unmap(void)
{
    if (region.rw) {
        munmap(region.rw, region.size);
    }
    if (region.rx && region.rx != region.rw) {
        munmap(region.rx, region.size);
    }
    region.rw = region.rx = NULL;
}

static bool region_map_split(size_t size)
{
    int fd = memfd_create("tcg-jit", MFD_CLOEXEC);
    void *rw, *rx;

    if (fd < 0) {
        return false;
    }
    if (ftruncate(fd, size) < 0) {
        close(fd);
        return false;
    }
    rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED) {
        close(fd);
        return false;
    }
    rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);          /* the mappings keep the memory alive */
    if (rx == MAP_FAILED) {
        munmap(rw, size);
        return false;
    }
    region.rw = rw;
    region.rx = rx;
    return true;
}

/*
 * (Re)create the buffer. Re-initialising is meant for tests and start-up:
 * the caller guarantees that no generated code runs and no TB survives.
 */
bool tcg_region_init(size_t size, Error **errp)
{
    bool ok = true;

    if (size == 0) {
        size = REGION_DEFAULT_SIZE;
    }
    size = MAX(size, (size_t)REGION_MIN_SIZE);
    size = MIN(size, (size_t)REGION_MAX_SIZE);
    size = QEMU_ALIGN_UP(size, (size_t)sysconf(_SC_PAGESIZE));

    g_mutex_lock(&region.lock);
    region_unmap();
    region.size = size;
    if (!region_map_split(size)) {
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            error_setg(errp, "tcg: cannot allocate a code buffer of %zu bytes: %s",
                       size, strerror(errno));
            region.size = 0;
            ok = false;
        } else {
            warn_report("tcg: split code buffer unavailable, using one rwx mapping");
            region.rw = region.rx = p;
        }
    }
    region.used = 0;
    region.prologue_end = 0;
    region.generation++;
    g_mutex_unlock(&region.lock);
    /* A new buffer needs the native backend's prologue again. */
    if (ok && region.prologue_hook) {
        region.prologue_hook();
        tcg_region_keep_prologue();
    }
    return ok;
}

unsigned tcg_region_generation(void)
{
    return __atomic_load_n(&region.generation, __ATOMIC_ACQUIRE);
}

bool tcg_region_ready(void)
{
    return region.rw != NULL;
}

const void *tcg_splitwx_to_rx(void *rw)
{
    return rw ? (const char *)rw + (region.rx - region.rw) : NULL;
}

void *tcg_splitwx_to_rw(const void *rx)
{
    return rx ? (char *)rx - (region.rx - region.rw) : NULL;
}

bool tcg_region_alloc(TCGContext *s)
{
    bool ok;

    g_mutex_lock(&region.lock);
    size_t pos = QEMU_ALIGN_UP(region.used, (size_t)REGION_ALIGN);
    /*
     * The highwater leaves TCG_REGION_MARGIN bytes: the backend checks it
     * after every op, so one op (or one slow-path stub) may overrun it
     * without leaving the buffer.
     */
    ok = region.rw && region.size > TCG_REGION_MARGIN &&
         pos + TCG_REGION_MIN_TB < region.size - TCG_REGION_MARGIN;
    if (ok) {
        s->code_buf = region.rw + pos;
        s->code_ptr = s->code_buf;
        s->code_gen_highwater = region.rw + region.size - TCG_REGION_MARGIN;
    }
    g_mutex_unlock(&region.lock);
    return ok;
}

void tcg_region_commit(TCGContext *s, size_t size)
{
    g_mutex_lock(&region.lock);
    size_t end = (size_t)((char *)s->code_buf - region.rw) + size;
    g_assert(end <= region.size);
    if (end > region.used) {
        region.used = end;
    }
    g_mutex_unlock(&region.lock);
}

void tcg_region_keep_prologue(void)
{
    g_mutex_lock(&region.lock);
    /*
     * Only the first call after (re)initialisation counts: a context
     * created later (another vCPU thread) must not pin the TBs in between.
     */
    if (region.prologue_end == 0) {
        region.prologue_end = region.used;
    }
    g_mutex_unlock(&region.lock);
}

void tcg_region_reset_all(void)
{
    g_mutex_lock(&region.lock);
    region.used = region.prologue_end;
    g_mutex_unlock(&region.lock);
}

size_t tcg_code_size(void)
{
    g_mutex_lock(&region.lock);
    size_t used = region.used;
    g_mutex_unlock(&region.lock);
    return used;
}

size_t tcg_code_capacity(void)
{
    return region.size;
}

bool in_code_gen_buffer(const void *p)
{
    const char *c = p;

    return region.rx && c >= region.rx && c < region.rx + region.size;
}
