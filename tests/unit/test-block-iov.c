/*
 * test-block-iov.c: QEMUIOVector and the iov_* helpers (the block layer's
 * scatter/gather buffers), and the thread pool that runs block requests on
 * workers and completes them in the main loop.
 */
#include "qemu/osdep.h"
#include "qemu/iov.h"
#include "qemu/main-loop.h"
#include "block/thread-pool.h"

static void test_iov_copy(void)
{
    char a[3], b[5], c[4];
    struct iovec iov[] = { { a, 3 }, { b, 5 }, { c, 4 } };
    const char *src = "abcdefghijkl";
    char out[13] = { 0 };

    g_assert_cmpuint(iov_size(iov, 3), ==, 12);
    /* A copy that starts inside the second element and runs past the end
     * stops at the end. */
    g_assert_cmpuint(iov_from_buf(iov, 3, 0, src, 12), ==, 12);
    g_assert_cmpuint(iov_to_buf(iov, 3, 4, out, 100), ==, 8);
    g_assert_cmpstr(out, ==, "efghijkl");
    g_assert_cmpuint(iov_memset(iov, 3, 2, 'z', 3), ==, 3);
    memset(out, 0, sizeof(out));
    iov_to_buf(iov, 3, 0, out, 12);
    g_assert_cmpstr(out, ==, "abzzzfghijkl");
    g_assert_cmpuint(iov_from_buf(iov, 3, 20, src, 1), ==, 0);
}

static void test_qiov_concat(void)
{
    char buf[16];
    QEMUIOVector q, part;

    for (int i = 0; i < 16; i++) {
        buf[i] = 'a' + i;
    }
    qemu_iovec_init(&q, 1);
    /* Grows past the hint. */
    for (int i = 0; i < 8; i++) {
        qemu_iovec_add(&q, buf + 2 * i, 2);
    }
    g_assert_cmpint(q.niov, ==, 8);
    g_assert_cmpuint(q.size, ==, 16);

    qemu_iovec_init(&part, 2);
    qemu_iovec_concat(&part, &q, 3, 6);
    g_assert_cmpuint(part.size, ==, 6);
    char out[7] = { 0 };
    qemu_iovec_to_buf(&part, 0, out, 6);
    g_assert_cmpstr(out, ==, "defghi");
    /* The sub-vector aliases the data, it does not copy it. */
    qemu_iovec_from_buf(&part, 0, "XY", 2);
    g_assert_cmpint(buf[3], ==, 'X');
    g_assert_cmpint(buf[4], ==, 'Y');
    qemu_iovec_destroy(&part);
    qemu_iovec_destroy(&q);
}

static void test_qiov_zero(void)
{
    static uint8_t big[4096 + 7];
    QEMUIOVector q;

    memset(big, 0, sizeof(big));
    qemu_iovec_init_buf(&q, big + 1, 4096);
    g_assert_true(qemu_iovec_is_zero(&q, 0, 4096));
    big[1 + 4095] = 1;
    g_assert_false(qemu_iovec_is_zero(&q, 0, 4096));
    g_assert_true(qemu_iovec_is_zero(&q, 0, 4095));
    big[1 + 100] = 1;
    g_assert_false(buffer_is_zero(big, 200));
    g_assert_true(buffer_is_zero(big, 101));
    g_assert_true(buffer_is_zero(big, 0));
    qemu_iovec_destroy(&q);
}

static void test_qiov_compare(void)
{
    char x[8] = "abcdefgh", y[8] = "abcdefgh";
    QEMUIOVector a, b;

    qemu_iovec_init_buf(&a, x, 8);
    qemu_iovec_init_buf(&b, y, 8);
    g_assert_cmpint(qemu_iovec_compare(&a, &b), ==, -1);
    y[5] = 'Z';
    g_assert_cmpint(qemu_iovec_compare(&a, &b), ==, 5);
}

/* --- thread pool --- */

typedef struct PoolJob {
    int n;
    GThread *worker;
    GThread *completer;
    int result;
    bool done;
} PoolJob;

static int pool_work(void *opaque)
{
    PoolJob *j = opaque;

    j->worker = g_thread_self();
    return j->n * 2;
}

static void pool_done(void *opaque, int ret)
{
    PoolJob *j = opaque;

    j->completer = g_thread_self();
    j->result = ret;
    j->done = true;
    g_assert_true(bql_locked());
}

static void test_pool_completion(void)
{
    enum { N = 64 };
    PoolJob jobs[N] = { 0 };

    for (int i = 0; i < N; i++) {
        jobs[i].n = i;
        thread_pool_submit_aio(pool_work, &jobs[i], pool_done, &jobs[i]);
    }
    /* Nothing completes until the main loop runs. */
    for (int i = 0; i < N; i++) {
        g_assert_false(jobs[i].done);
    }
    thread_pool_drain();
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
    for (int i = 0; i < N; i++) {
        g_assert_true(jobs[i].done);
        g_assert_cmpint(jobs[i].result, ==, 2 * i);
        /* Work on a worker, completion on the main thread. */
        g_assert_true(jobs[i].worker != g_thread_self());
        g_assert_true(jobs[i].completer == g_thread_self());
    }
}

static int pool_fail(void *opaque)
{
    return -EIO;
}

static void test_pool_error_and_sync(void)
{
    PoolJob j = { 0 };

    thread_pool_submit_aio(pool_fail, NULL, pool_done, &j);
    thread_pool_drain();
    g_assert_true(j.done);
    g_assert_cmpint(j.result, ==, -EIO);
    g_assert_cmpint(thread_pool_submit_sync(pool_fail, NULL), ==, -EIO);
    /* A request without a completion callback still finishes. */
    thread_pool_submit_aio(pool_fail, NULL, NULL, NULL);
    g_assert_cmpint(thread_pool_in_flight(), ==, 1);
    thread_pool_drain();
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    g_test_add_func("/block/iov/copy", test_iov_copy);
    g_test_add_func("/block/iov/concat", test_qiov_concat);
    g_test_add_func("/block/iov/zero", test_qiov_zero);
    g_test_add_func("/block/iov/compare", test_qiov_compare);
    g_test_add_func("/block/thread-pool/completion", test_pool_completion);
    g_test_add_func("/block/thread-pool/error-and-sync", test_pool_error_and_sync);
    return g_test_run();
}
