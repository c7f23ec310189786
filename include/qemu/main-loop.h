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

/*
 * Notes on the contract above:
 * - qemu_init_main_loop() is idempotent; it makes the calling thread the main
 *   thread, takes the BQL for it, owns glib's default context and ignores
 *   SIGPIPE (sockets get EPIPE instead).
 * - main_loop_wait() runs, in order: ready GSources, fd handlers, expired
 *   timers, scheduled bottom halves. It blocks only when no BH is pending.
 * - bql_lock() must not be called by a thread that already holds the BQL.
 *   BQL_LOCK_GUARD() takes it only if not already held and releases what it
 *   took at the end of the scope.
 * - qemu_set_fd_handler(): call with the BQL held. A handler may remove or
 *   replace itself (or another fd's handler) from inside its callback; a
 *   handler added during dispatch is first polled on the next iteration.
 * - Bottom halves: a BH scheduled from its own callback runs on the next
 *   iteration. qemu_bh_delete() may be called from the BH's own callback;
 *   a scheduled BH that is deleted does not run. Call delete/cancel from the
 *   main thread (or with the BQL held).
 */

/* Internal to the main loop (util/async.c): run every BH scheduled before
 * the call; returns true if any ran. */
bool aio_bh_poll(void);
/* Internal: true if a BH is scheduled (the next poll must not block). */
bool aio_bh_pending(void);

#endif
