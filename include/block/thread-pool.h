/*
 * thread-pool.h: a pool of worker threads for blocking work (the block
 * drivers' synchronous I/O). The work function runs on a worker; its
 * completion callback runs in the main loop with the BQL held.
 */
#ifndef BLOCK_THREAD_POOL_H
#define BLOCK_THREAD_POOL_H

/* Completion: ret is the work function's return value (0 / -errno). */
typedef void BlockCompletionFunc(void *opaque, int ret);
typedef int ThreadPoolFunc(void *opaque);

/* Run func(arg) on a worker; cb(opaque, ret) later in the main loop.
 * cb may be NULL. Call from the main thread (or with the BQL held). */
void thread_pool_submit_aio(ThreadPoolFunc *func, void *arg,
                            BlockCompletionFunc *cb, void *opaque);
/* Run func(arg) on a worker and wait for it, returning its result. Works
 * from any thread (no main loop needed). */
int thread_pool_submit_sync(ThreadPoolFunc *func, void *arg);
/* Number of submitted requests whose completion has not run yet. */
int thread_pool_in_flight(void);
/* Run the main loop until every submitted request has completed. */
void thread_pool_drain(void);
/* Upper bound on workers (default 16); for tests. */
void thread_pool_set_max_workers(int n);

#endif
