/*
 * thread-pool.c: worker threads for blocking work (block driver I/O).
 * A request runs on a GThreadPool worker; its completion is handed back to
 * the main loop as a one-shot bottom half, so callbacks run in the main
 * thread with the BQL held, in the style of util/async.c.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/thread-pool.h"

typedef struct ThreadPoolReq {
    ThreadPoolFunc *func;
    void *arg;
    BlockCompletionFunc *cb;
    void *opaque;
    int ret;
} ThreadPoolReq;

static GThreadPool *pool;
static GMutex pool_lock;
static int max_workers = 16;
/* Submitted and not yet completed; only touched in the main thread. */
static int in_flight;

static void thread_pool_complete_bh(void *opaque)
{
    ThreadPoolReq *req = opaque;

    in_flight--;
    if (req->cb) {
        req->cb(req->opaque, req->ret);
    }
    g_free(req);
}

static void thread_pool_worker(gpointer data, gpointer user_data)
{
    ThreadPoolReq *req = data;

    req->ret = req->func(req->arg);
    aio_bh_schedule_oneshot(thread_pool_complete_bh, req);
}

static GThreadPool *thread_pool_get(void)
{
    g_mutex_lock(&pool_lock);
    if (!pool) {
        /* Non-exclusive: threads are created on demand up to the max and
         * shared with nothing else; g_thread_pool_new cannot fail then. */
        pool = g_thread_pool_new(thread_pool_worker, NULL, max_workers, FALSE, NULL);
    }
    g_mutex_unlock(&pool_lock);
    return pool;
}

void thread_pool_set_max_workers(int n)
{
    max_workers = MAX(n, 1);
    if (pool) {
        g_thread_pool_set_max_threads(pool, max_workers, NULL);
    }
}

void thread_pool_submit_aio(ThreadPoolFunc *func, void *arg,
                            BlockCompletionFunc *cb, void *opaque)
{
    ThreadPoolReq *req = g_new0(ThreadPoolReq, 1);

    req->func = func;
    req->arg = arg;
    req->cb = cb;
    req->opaque = opaque;
    in_flight++;
    g_thread_pool_push(thread_pool_get(), req, NULL);
}

int thread_pool_submit_sync(ThreadPoolFunc *func, void *arg)
{
    /* The caller blocks anyway: running the work on its own thread gives
     * the same result without a round trip through a worker. */
    return func(arg);
}

int thread_pool_in_flight(void)
{
    return in_flight;
}

void thread_pool_drain(void)
{
    while (in_flight > 0) {
        main_loop_wait(false);
    }
}
