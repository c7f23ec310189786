/*
 * main-loop.c: the main thread's event loop, fd handlers and the BQL.
 *
 * main_loop_wait() drives glib's default GMainContext by hand so that GSources,
 * plain fd handlers, QEMU timers and bottom halves share one ppoll(). There is
 * one loop in one thread; this is not a general AioContext for I/O threads.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>

/*
 * The poll array is handed to glib (GPollFD) and to ppoll (struct pollfd)
 * without copying; glib itself relies on the two layouts matching on Linux.
 */
G_STATIC_ASSERT(sizeof(GPollFD) == sizeof(struct pollfd));
G_STATIC_ASSERT(offsetof(GPollFD, fd) == offsetof(struct pollfd, fd));
G_STATIC_ASSERT(offsetof(GPollFD, events) == offsetof(struct pollfd, events));
G_STATIC_ASSERT(offsetof(GPollFD, revents) ==
                offsetof(struct pollfd, revents));

/* --- the BQL ------------------------------------------------------------- */

/* A pthread mutex rather than a GMutex so that TSan builds can see it. */
static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;

void bql_lock(void)
{
    /* Taking it twice in one thread would deadlock: make that loud. */
    g_assert(!bql_held);
    pthread_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

BqlGuard *bql_guard_lock(void)
{
    /* Like QEMU's guard: a no-op when the caller already holds the lock. */
    if (bql_held) {
        return NULL;
    }
    bql_lock();
    return (BqlGuard *)&bql;
}

void bql_guard_unlock(BqlGuard *g)
{
    if (g) {
        bql_unlock();
    }
}

/* --- main thread and wakeups --------------------------------------------- */

static bool main_loop_ready;
static pthread_t main_thread;
/* Read from signal handlers and other threads, hence the atomics. */
static int notify_fd = -1;

bool qemu_in_main_thread(void)
{
    return __atomic_load_n(&main_loop_ready, __ATOMIC_ACQUIRE) &&
           pthread_equal(pthread_self(), main_thread);
}

void qemu_notify_event(void)
{
    /* Async-signal-safe: qemu_system_killed() reaches here from a handler. */
    int fd = __atomic_load_n(&notify_fd, __ATOMIC_ACQUIRE);
    uint64_t one = 1;
    int saved_errno = errno;

    if (fd < 0) {
        return;
    }
    /* EAGAIN means the counter is saturated: a wakeup is pending anyway. */
    while (write(fd, &one, sizeof(one)) < 0 && errno == EINTR) {
        continue;
    }
    errno = saved_errno;
}

static void main_loop_drain_notify(void)
{
    uint64_t value;

    while (read(notify_fd, &value, sizeof(value)) < 0 && errno == EINTR) {
        continue;
    }
}

bool qemu_init_main_loop(Error **errp)
{
    int fd;

    if (main_loop_ready) {
        return true;
    }
    fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create the main loop notifier");
        return false;
    }
    /*
     * glib only lets the owner of a context prepare/query/check/dispatch it;
     * the main thread keeps ownership for the life of the process.
     */
    if (!g_main_context_acquire(g_main_context_default())) {
        close(fd);
        error_setg(errp, "The glib main context is owned by another thread");
        return false;
    }
    /* A peer closing a socket must not kill the emulator: take EPIPE. */
    signal(SIGPIPE, SIG_IGN);

    main_thread = pthread_self();
    __atomic_store_n(&notify_fd, fd, __ATOMIC_RELEASE);
    __atomic_store_n(&main_loop_ready, true, __ATOMIC_RELEASE);
    bql_lock();
    return true;
}

/* --- fd handlers ----------------------------------------------------------- */

typedef struct IOHandlerRecord {
    int fd;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
    bool deleted;
    /* Slot in this iteration's poll array; -1 if added after it was built. */
    int poll_idx;
} IOHandlerRecord;

static GPtrArray *io_handlers;
/* While > 0 the array is being walked: deletions are deferred. */
static int io_handlers_walking;

static void io_handlers_purge(void)
{
    guint i = 0;

    while (i < io_handlers->len) {
        IOHandlerRecord *r = g_ptr_array_index(io_handlers, i);
        if (r->deleted) {
            g_ptr_array_remove_index(io_handlers, i);
            g_free(r);
        } else {
            i++;
        }
    }
}

void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque)
{
    IOHandlerRecord *r = NULL;
    guint i;

    if (!io_handlers) {
        io_handlers = g_ptr_array_new();
    }
    for (i = 0; i < io_handlers->len; i++) {
        IOHandlerRecord *cur = g_ptr_array_index(io_handlers, i);
        if (cur->fd == fd && !cur->deleted) {
            r = cur;
            break;
        }
    }

    if (!fd_read && !fd_write) {
        if (r) {
            r->deleted = true;
            if (!io_handlers_walking) {
                io_handlers_purge();
            }
        }
    } else {
        if (!r) {
            r = g_new0(IOHandlerRecord, 1);
            r->fd = fd;
            r->poll_idx = -1;
            g_ptr_array_add(io_handlers, r);
        }
        r->fd_read = fd_read;
        r->fd_write = fd_write;
        r->opaque = opaque;
    }

    /* A loop already asleep in ppoll must pick up the new fd set. */
    if (!qemu_in_main_thread()) {
        qemu_notify_event();
    }
}

static void io_handlers_dispatch(GPollFD *fds)
{
    guint n, i;

    if (!io_handlers) {
        return;
    }
    io_handlers_walking++;
    n = io_handlers->len;
    for (i = 0; i < n; i++) {
        IOHandlerRecord *r = g_ptr_array_index(io_handlers, i);
        int revents;

        if (r->deleted || r->poll_idx < 0) {
            continue;
        }
        revents = fds[r->poll_idx].revents;
        if (r->fd_read && (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR))) {
            r->fd_read(r->opaque);
        }
        /* The read handler may have removed or replaced this record. */
        if (!r->deleted && r->fd_write &&
            (revents & (G_IO_OUT | G_IO_ERR))) {
            r->fd_write(r->opaque);
        }
    }
    io_handlers_walking--;
    if (!io_handlers_walking) {
        io_handlers_purge();
    }
}

/* --- one iteration --------------------------------------------------------- */

static GArray *poll_fds; /* of GPollFD: glib's first, then ours */
static bool in_main_loop_wait;

/* Smallest non-negative of two timeouts in ns; -1 means "no limit". */
static int64_t main_loop_min_timeout(int64_t a, int64_t b)
{
    if (a < 0) {
        return b;
    }
    if (b < 0) {
        return a;
    }
    return MIN(a, b);
}

static int main_loop_add_fd(int fd, gushort events)
{
    GPollFD pfd = { .fd = fd, .events = events };

    g_array_append_val(poll_fds, pfd);
    return poll_fds->len - 1;
}

void main_loop_wait(bool nonblocking)
{
    GMainContext *ctx = g_main_context_default();
    gint max_priority, glib_timeout_ms, n_glib;
    int64_t timeout_ns;
    struct timespec ts, *tsp = NULL;
    GPollFD *fds;
    int notify_idx, ret;
    guint i;

    g_assert(main_loop_ready && bql_held && qemu_in_main_thread());
    /* The poll array and handler slots are per iteration: no nesting. */
    g_assert(!in_main_loop_wait);
    in_main_loop_wait = true;

    if (!poll_fds) {
        poll_fds = g_array_sized_new(false, true, sizeof(GPollFD), 16);
    }
    g_main_context_prepare(ctx, &max_priority);
    for (;;) {
        g_array_set_size(poll_fds, MAX(poll_fds->len, 1));
        n_glib = g_main_context_query(ctx, max_priority, &glib_timeout_ms,
                                      (GPollFD *)poll_fds->data,
                                      poll_fds->len);
        if (n_glib <= (gint)poll_fds->len) {
            break;
        }
        g_array_set_size(poll_fds, n_glib);
    }
    g_array_set_size(poll_fds, n_glib);

    notify_idx = main_loop_add_fd(notify_fd, G_IO_IN);
    if (io_handlers) {
        for (i = 0; i < io_handlers->len; i++) {
            IOHandlerRecord *r = g_ptr_array_index(io_handlers, i);
            gushort events = 0;

            r->poll_idx = -1;
            if (r->deleted) {
                continue;
            }
            if (r->fd_read) {
                events |= G_IO_IN | G_IO_HUP | G_IO_ERR;
            }
            if (r->fd_write) {
                events |= G_IO_OUT | G_IO_ERR;
            }
            r->poll_idx = main_loop_add_fd(r->fd, events);
        }
    }

    timeout_ns = glib_timeout_ms < 0 ? -1 : (int64_t)glib_timeout_ms * SCALE_MS;
    timeout_ns = main_loop_min_timeout(timeout_ns, timerlist_deadline_ns());
    if (nonblocking || aio_bh_pending()) {
        timeout_ns = 0;
    }
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / NANOSECONDS_PER_SECOND;
        ts.tv_nsec = timeout_ns % NANOSECONDS_PER_SECOND;
        tsp = &ts;
    }

    fds = (GPollFD *)poll_fds->data;
    bql_unlock();
    ret = ppoll((struct pollfd *)fds, poll_fds->len, tsp, NULL);
    bql_lock();
    if (ret < 0) {
        /* EINTR: a signal handler ran; its request is served by our caller. */
        for (i = 0; i < poll_fds->len; i++) {
            fds[i].revents = 0;
        }
    }

    if (fds[notify_idx].revents & G_IO_IN) {
        main_loop_drain_notify();
    }
    if (g_main_context_check(ctx, max_priority, fds, n_glib)) {
        g_main_context_dispatch(ctx);
    }
    io_handlers_dispatch(fds);
    qemu_clock_run_all_timers();
    aio_bh_poll();

    in_main_loop_wait = false;
}
