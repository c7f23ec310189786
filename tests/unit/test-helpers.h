/*
 * test-helpers.h: helpers shared by the unit test programs: capturing
 * error output, scratch directories, and (test-helpers-chardev.c) running
 * the main loop until a condition and creating chardevs from option strings.
 * Not a test framework: each helper is one thing several tests did alike.
 */
#ifndef TESTS_UNIT_TEST_HELPERS_H
#define TESTS_UNIT_TEST_HELPERS_H

#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/timer.h"

/* ---- test-helpers.c: needs libutil only ---- */

/**
 * capture_start: - send what error_report() and friends print into a buffer
 * instead of stderr, until capture_end().
 */
void capture_start(void);

/**
 * capture_end: - stop capturing; returns the text printed since
 * capture_start() (g_free it).
 */
char *capture_end(void);

/**
 * print_to_string: - call print(f) on a memory stream and return what it
 * wrote (g_free it).
 */
char *print_to_string(void (*print)(FILE *f));

/**
 * read_file: - the whole contents of path; asserts that it can be read
 * (g_free the result).
 */
char *read_file(const char *path);

/**
 * test_tmpdir_init: - make the program's scratch directory,
 * PREFIX-XXXXXX under the system temporary directory, and return its path
 * (owned by the helpers, valid until test_tmpdir_cleanup()).
 */
const char *test_tmpdir_init(const char *prefix);

/**
 * tmp_path: - the path of name inside the scratch directory (g_free it).
 */
char *tmp_path(const char *name);

/**
 * test_tmpdir_cleanup: - remove the scratch directory and all it holds.
 * Returns ret, or 1 if ret was 0 and the directory could not be removed,
 * so that main() can end with "return test_tmpdir_cleanup(g_test_run());".
 */
int test_tmpdir_cleanup(int ret);

/**
 * test_rmtree: - remove path and, if a directory, everything below it.
 * Returns false if anything could not be removed.
 */
bool test_rmtree(const char *path);

/*
 * Can the test open path (e.g. /dev/kvm) read-write? If not, the current
 * test is skipped with "cannot open PATH: reason" and false returned.
 */
bool test_device_usable(const char *path);

/* ---- test-helpers-chardev.c: needs libmainloop and libchardev ---- */

/*
 * A pending WAIT_FOR(): a deadline and a timer that wakes the loop so the
 * condition is looked at again even when no fd becomes ready.
 */
typedef struct TestWait {
    int64_t deadline_ms;
    QEMUTimer *timer;
} TestWait;

void test_wait_begin(TestWait *w, int64_t timeout_ms);
/* Asserts the deadline has not passed, then runs the main loop once. */
void test_wait_step(TestWait *w);
void test_wait_end(TestWait *w);

/* Run the main loop until cond holds; fail after 10 s. */
#define WAIT_FOR(cond)                                                     \
    do {                                                                   \
        TestWait w_;                                                       \
        test_wait_begin(&w_, 10000);                                       \
        while (!(cond)) {                                                  \
            test_wait_step(&w_);                                           \
        }                                                                  \
        test_wait_end(&w_);                                                \
    } while (0)

/**
 * spin: - let the main loop run for ms milliseconds (for "nothing happens"
 * checks).
 */
void spin(int ms);

/**
 * chardev_new: - -chardev str, expecting success. Like qemu_chr_new(), the
 * options are dropped once the chardev exists, so that tests may reuse ids.
 */
Chardev *chardev_new(const char *str);

/**
 * chardev_expect_error: - -chardev str, expecting exactly the error message
 * msg, whether from parsing the options or from creating the chardev.
 */
void chardev_expect_error(const char *str, const char *msg);

#endif
