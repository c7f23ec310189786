/*
 * async.c: bottom halves, callbacks deferred to the main loop.
 *
 * Any thread may schedule a BH; it runs once, in the main thread with the BQL
 * held, at the end of the next main_loop_wait() iteration. This is only the
 * main loop's BH queue, not a per-AioContext one.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"

#include <pthread.h>

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    /* All below are protected by bh_lock. */
    bool scheduled;
    bool queued;    /* on bh_queue, or in the batch being run */
    bool deleted;   /* freed by whoever unqueues it */
    bool oneshot;
};

static pthread_mutex_t bh_lock = PTHREAD_MUTEX_INITIALIZER;
/* BHs scheduled since the last aio_bh_poll() took the queue. */
static GQueue bh_queue = G_QUEUE_INIT;

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->cb = cb;
    bh->opaque = opaque;
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    pthread_mutex_lock(&bh_lock);
    if (bh->deleted) {
        pthread_mutex_unlock(&bh_lock);
        return;
    }
    bh->scheduled = true;
    if (!bh->queued) {
        bh->queued = true;
        g_queue_push_tail(&bh_queue, bh);
    }
    pthread_mutex_unlock(&bh_lock);
    qemu_notify_event();
}

void qemu_bh_cancel(QEMUBH *bh)
{
    /* It stays queued; aio_bh_poll() skips it unless rescheduled by then. */
    pthread_mutex_lock(&bh_lock);
    bh->scheduled = false;
    pthread_mutex_unlock(&bh_lock);
}

void qemu_bh_delete(QEMUBH *bh)
{
    bool free_now;

    if (!bh) {
        return;
    }
    pthread_mutex_lock(&bh_lock);
    bh->scheduled = false;
    bh->deleted = true;
    free_now = !bh->queued;
    pthread_mutex_unlock(&bh_lock);
    if (free_now) {
        g_free(bh);
    }
}

void aio_bh_schedule_oneshot(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = qemu_bh_new(cb, opaque);

    bh->oneshot = true;
    qemu_bh_schedule(bh);
}

bool aio_bh_pending(void)
{
    bool pending = false;
    GList *l;

    pthread_mutex_lock(&bh_lock);
    for (l = bh_queue.head; l; l = l->next) {
        QEMUBH *bh = l->data;
        if (bh->scheduled) {
            pending = true;
            break;
        }
    }
    pthread_mutex_unlock(&bh_lock);
    return pending;
}

bool aio_bh_poll(void)
{
    GQueue batch = G_QUEUE_INIT;
    QEMUBH *bh;
    bool ran = false;

    /*
     * Take the whole queue at once: whatever the callbacks schedule lands
     * on the fresh queue and waits for the next iteration, so a BH that
     * reschedules itself cannot starve the loop.
     */
    pthread_mutex_lock(&bh_lock);
    batch = bh_queue;
    g_queue_init(&bh_queue);
    pthread_mutex_unlock(&bh_lock);

    while ((bh = g_queue_pop_head(&batch))) {
        bool run, deleted;

        pthread_mutex_lock(&bh_lock);
        bh->queued = false;
        run = bh->scheduled;
        bh->scheduled = false;
        deleted = bh->deleted;
        pthread_mutex_unlock(&bh_lock);

        if (deleted) {
            g_free(bh);
            continue;
        }
        if (run) {
            bool oneshot = bh->oneshot;
            /* The callback may delete bh; touch it no more afterwards. */
            bh->cb(bh->opaque);
            ran = true;
            if (oneshot) {
                g_free(bh);
            }
        }
    }
    return ran;
}
