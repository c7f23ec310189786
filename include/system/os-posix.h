/*
 * os-posix.h: process-level setup of qemu-system-x86_64 on POSIX hosts:
 * -daemonize (with the start-up handshake), -pidfile, -chroot, -runas.
 */
#ifndef SYSTEM_OS_POSIX_H
#define SYSTEM_OS_POSIX_H

#include "qemu/error.h"

/*
 * os_daemonize: detach from the terminal. The calling process forks; it
 * (the "parent") waits until the daemon reports that start-up is over
 * (os_setup_post) and exits 0, or exits 1 if the daemon died first; its
 * errors were already printed on the inherited stderr. Returns only in the
 * daemon, which has its own session. Call before creating any thread.
 */
void os_daemonize(void);
/* True once os_daemonize() ran (stdio backends refuse to start then). */
bool is_daemonized(void);

/* -chroot DIR / -run-with chroot=DIR: applied by os_setup_post(). */
void os_set_chroot(const char *dir);
/* -runas USER|UID:GID: checked now, applied by os_setup_post(). */
bool os_set_runas(const char *spec, Error **errp);

/*
 * os_setup_post: the end of start-up. Enters the chroot, drops privileges
 * and, when daemonized, moves to "/", points stdin/stdout (and stderr
 * unless keep_stderr) at /dev/null and tells the waiting parent it may
 * exit 0. Exits 1 with a message if a step fails.
 */
void os_setup_post(bool keep_stderr);

/*
 * qemu_write_pidfile: create path, lock it (so a second instance with the
 * same pidfile fails) and write our pid. The lock lasts as long as the
 * process. Fails with QEMU's messages ("Cannot lock pid file: ...").
 */
bool qemu_write_pidfile(const char *path, Error **errp);
/* Remove the pidfile written above, if any (at exit). */
void qemu_remove_pidfile(void);

#endif
