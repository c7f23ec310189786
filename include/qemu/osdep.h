/*
 * osdep.h: the first include of every Keel source file.
 *
 * Pulls in the C library and glib, and the few portability and helper macros
 * that every unit uses. Nothing device- or subsystem-specific belongs here.
 */
#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>

#define QEMU_VERSION "8.2.0"
#define KEEL_VERSION "0.1.0"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

#define QEMU_NORETURN __attribute__((noreturn))
#define QEMU_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define QEMU_WARN_UNUSED_RESULT __attribute__((warn_unused_result))

#ifndef container_of
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define QEMU_ALIGN_DOWN(n, m) ((n) / (m) * (m))
#define QEMU_ALIGN_UP(n, m) QEMU_ALIGN_DOWN((n) + (m) - 1, (m))

#define KiB (INT64_C(1) << 10)
#define MiB (INT64_C(1) << 20)
#define GiB (INT64_C(1) << 30)
#define TiB (INT64_C(1) << 40)

/* The program name used as the prefix of error messages. */
extern const char *error_progname;

#endif
