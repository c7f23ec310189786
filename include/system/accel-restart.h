/*
 * accel-restart.h: running the guest again from the start under the next
 * accelerator of the user's list ("-accel kvm -accel tcg", "-machine
 * accel=kvm:tcg") when the one in use opened fine but then cannot run
 * this guest (a KVM whose instruction emulator fails on guest ring-0
 * code). The process re-executes itself with that list's tail as the
 * accelerator; accel/accel-restart.c, docs/system/invocation.md.
 */
#ifndef SYSTEM_ACCEL_RESTART_H
#define SYSTEM_ACCEL_RESTART_H

#include "qemu/error.h"

/* Set by the restarted process so that it never restarts again. */
#define ACCEL_RESTART_ENV "KEEL_ACCEL_RESTARTED"

/* What the command line's owner (vl.c) lends the restart. */
typedef struct AccelRestartHooks {
    /* Does option name (no leading dash) take an argument? */
    bool (*takes_arg)(const char *name);
} AccelRestartHooks;

/**
 * accel_fallback_spec: - the accelerators after the one in use in the
 * list accel_init_from_string() was given ("tcg" for "kvm:tcg"), those
 * this build has, ':'-separated; NULL if there is none (accel.c).
 */
const char *accel_fallback_spec(void);

/**
 * accel_restart_enable: - allow restarts: called once at start-up, while
 * the current directory is still the user's (before -daemonize moves to
 * "/") and before -serial stdio makes the terminal raw (its settings now
 * are put back before the restart), with hooks that stay valid for the
 * life of the process.
 */
void accel_restart_enable(const AccelRestartHooks *hooks);

/**
 * accel_restart_with_fallback: - the accelerator named accel cannot run
 * this guest (why: "emulation failure at RIP 0x..."): print one line
 * saying so and re-execute the process with accel_fallback_spec() as the
 * accelerator. Returns only if that is not possible (no fallback, not
 * enabled, already restarted once, an option that cannot survive it,
 * exec failed; the reason printed unless there is no fallback): the
 * caller then reports the failure as before. Any thread, BQL held.
 */
bool accel_restart_with_fallback(const char *accel, const char *why);

/**
 * accel_restart_argv: - the command line argv (NULL-terminated, argv[0]
 * the program) rewritten for a restart under fallback: every accelerator
 * choice (-accel, -enable-kvm, -machine accel=) keeps only the names in
 * fallback; -daemonize (done already: the process keeps its pid) and -S
 * (the guest was started) are dropped; every other option is kept as
 * written. NULL with errp set for a command line that cannot be rerun
 * (-chroot, -runas, -incoming). Free with g_strfreev().
 */
char **accel_restart_argv(char *const *argv, const char *fallback,
                          bool (*takes_arg)(const char *name), Error **errp);

#endif
