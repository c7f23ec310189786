/*
 * system.h: the VM-wide settings that the command line decides and other
 * units read (the monitor's "info name" / "info uuid", later QMP).
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "chardev/char.h"

/* -name guest=NAME, or NULL. */
extern const char *qemu_name;

/* The -uuid in canonical lowercase form; all zeros when none was given. */
const char *qemu_uuid_string(void);
/* True when -uuid was given. */
extern bool qemu_uuid_set;

/*
 * serial_hd: the chardev of serial port i (-serial, or the default), for
 * the machine's UARTs; NULL when the port has no backend ("vc" without a
 * display, "none", or fewer -serial options).
 */
Chardev *serial_hd(int i);

/* -snapshot was given (drives then write to temporary overlays). */
extern bool snapshot;

#endif
