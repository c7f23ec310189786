/*
 * blockdev.h: the emulator's -drive and -blockdev options (system/blockdev.c).
 * vl.c queues each occurrence while parsing the command line; once the
 * main loop exists, blockdev_open_all() opens them (every -blockdev, then
 * every -drive, as QEMU does) and registers their flush-and-close at exit.
 */
#ifndef BLOCK_BLOCKDEV_H
#define BLOCK_BLOCKDEV_H

#include "qemu/opts.h"

/* Queue a -drive (opts from qemu_drive_opts, owned by that list) or a
 * shorthand like -hda (spelling is the option as typed, for messages). */
void drive_queue(const char *spelling, const char *arg, QemuOpts *opts);
/* Queue a -blockdev (dotted key=value or JSON). */
void blockdev_queue(const char *spelling, const char *arg);
/* Open everything queued; on error print "-drive ...: message" and exit(1).
 * snapshot: the global -snapshot option (applies to -drive only). */
void blockdev_open_all(bool snapshot);
/* Flush and close every drive and node (exit notifier; idempotent). */
void blockdev_close_all(void);

#endif
