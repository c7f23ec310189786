/*
 * qmp-fds.h: file descriptors a QMP client passes with SCM_RIGHTS over a
 * unix socket. The socket chardev keeps them until a command (getfd,
 * add-fd) takes one; a separate header so that chardev/ needs no QAPI.
 */
#ifndef MONITOR_QMP_FDS_H
#define MONITOR_QMP_FDS_H

#include "chardev/char.h"

/*
 * qemu_chr_socket_take_fd: the oldest fd received on a socket chardev and
 * not taken yet (the caller owns it), or -1 (another kind of chardev, or
 * none left). Implemented by chardev/char-socket.c; the fds a client sent
 * and nobody took are closed when it disconnects.
 */
int qemu_chr_socket_take_fd(Chardev *chr);

#endif
