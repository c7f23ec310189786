/*
 * test-helpers.h: helpers shared by the unit test programs: capturing
 * error output, scratch directories; (test-helpers-chardev.c) running the
 * main loop until a condition, creating chardevs from option strings and a
 * recording frontend; (test-helpers-kvm.c) the KVM tests' tiny guest.
 * Not a test framework: each helper is one thing several tests did alike.
 */
#ifndef TESTS_UNIT_TEST_HELPERS_H
#define TESTS_UNIT_TEST_HELPERS_H

#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/timer.h"
#include "exec/memory.h"
#include "system/kvm.h"

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

/* A frontend that takes all input and records what it saw. */
typedef struct TestFrontend {
    CharBackend be;
    GString *in;            /* everything read */
    int opened, closed, breaks;     /* CHR_EVENT_* counts */
} TestFrontend;

/* test_fe_attach: - connect fe (which it initializes) to chr. */
void test_fe_attach(TestFrontend *fe, Chardev *chr);
/* test_fe_detach: - disconnect fe; del also deletes the chardev. */
void test_fe_detach(TestFrontend *fe, bool del);

/* ---- test-helpers-kvm.c: needs libaccel and libmemory ---- */

/* Where the guest's code goes, and how much RAM (at 0) it has. */
#define TEST_KVM_CODE 0x1000
#define TEST_KVM_RAM_SIZE 0x10000

/* test_kvm_guest_init() flags: in-kernel irqchip; irqchip and PIT. */
#define TEST_KVM_IRQCHIP 1
#define TEST_KVM_PIT 2

typedef struct TestKvmGuest {
    KVMState *kvm;
    KVMCPU *cpu;
    MemoryRegion ram;       /* TEST_KVM_RAM_SIZE bytes at guest address 0 */
    MemoryRegion port;      /* the test's I/O ports */
    uint8_t *mem;           /* ram's host pointer */
} TestKvmGuest;

/*
 * test_kvm_usable: - can the test open kvm_device_path? If not, the test
 * is skipped with the reason and false returned.
 */
bool test_kvm_usable(void);

/**
 * test_kvm_guest_init: - a VM (with what flags asks for), its RAM holding
 * code at TEST_KVM_CODE, port_ops (with opaque) at port_base..+port_size
 * in the I/O space, and vCPU 0 in real mode at TEST_KVM_CODE. Returns
 * false, the test skipped, when there is no usable KVM; asserts on any
 * other failure. test_kvm_guest_cleanup() undoes it in either case.
 */
bool test_kvm_guest_init(TestKvmGuest *g, unsigned flags,
                         const uint8_t *code, size_t len,
                         const MemoryRegionOps *port_ops, void *opaque,
                         hwaddr port_base, uint64_t port_size);
void test_kvm_guest_cleanup(TestKvmGuest *g);

/*
 * test_kvm_guest_run: - run the vCPU until an exit that is not simply
 * handled (bounded, never spins); returns the KVMRunStatus.
 */
int test_kvm_guest_run(TestKvmGuest *g);

#endif
