/*
 * main-loop.h: the main loop, the big QEMU lock (BQL), fd handlers and
 * bottom halves.
 *
 * The main thread drives glib's default GMainContext by hand in
 * main_loop_wait(): prepare, query, poll (with the BQL released), check,
 * dispatch. QEMU timers (qemu/timer.h) feed the poll timeout. Callbacks
 * registered here run in the main thread with the BQL held.
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include "qemu/error.h"

/* Create the main-loop state (event notifier, signal handling hooks). */
bool qemu_init_main_loop(Error **errp);
/* One iteration. nonblocking: poll with timeout 0. Returns after handling
 * whatever became ready (fds, timers, bottom halves). */
void main_loop_wait(bool nonblocking);
/* Wake a main_loop_wait() sleeping in poll, from any thread. */
void qemu_notify_event(void);

/* The BQL. The main thread holds it except while polling. */
void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);
#define BQL_LOCK_GUARD() \
    g_autoptr(BqlGuard) _bql_guard G_GNUC_UNUSED = bql_guard_lock()
typedef struct BqlGuard BqlGuard;
BqlGuard *bql_guard_lock(void);
void bql_guard_unlock(BqlGuard *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BqlGuard, bql_guard_unlock)

/* fd handlers: called in the main thread when fd is readable / writable.
 * Passing both NULL removes the handler. */
typedef void IOHandler(void *opaque);
void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque);

/* Bottom halves: deferred callbacks run once per scheduling, in the main
 * loop, soon. qemu_bh_schedule is safe from any thread. */
typedef struct QEMUBH QEMUBH;
typedef void QEMUBHFunc(void *opaque);
QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
void qemu_bh_schedule(QEMUBH *bh);
void qemu_bh_cancel(QEMUBH *bh);
void qemu_bh_delete(QEMUBH *bh);
/* Schedule a one-shot callback (allocated and freed internally). */
void aio_bh_schedule_oneshot(QEMUBHFunc *cb, void *opaque);

/* Main-thread-only helpers. */
bool qemu_in_main_thread(void);

#endif
