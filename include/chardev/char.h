/*
 * char.h: character devices (-chardev) and the frontend API devices use.
 *
 * A Chardev is a byte stream to the host (stdio, a file, a socket, a pty...);
 * a device (UART, monitor, virtio-console) talks to it through a CharBackend
 * it embeds. This header is the whole public interface; the backend driver
 * interface is private to chardev/ (chardev/chardev-internal.h).
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qemu/error.h"
#include "qemu/opts.h"

typedef struct Chardev Chardev;

typedef enum QEMUChrEvent {
    CHR_EVENT_BREAK,   /* serial break (telnet BRK, C-a b on a mux) */
    CHR_EVENT_OPENED,  /* the backend is connected / ready */
    CHR_EVENT_MUX_IN,  /* this mux frontend got the input focus */
    CHR_EVENT_MUX_OUT, /* this mux frontend lost the input focus */
    CHR_EVENT_CLOSED,  /* the backend disconnected (peer gone, EOF) */
} QEMUChrEvent;

/* How many bytes the frontend can take now; 0 stops input (flow control). */
typedef int IOCanReadHandler(void *opaque);
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);

/* Most frontends a multiplexer (mux=on, "mon:") accepts. */
#define MAX_MUX 4

/*
 * The frontend side of a chardev, embedded in the device. Zero it (or let
 * the device's allocation do so), then qemu_chr_fe_init(). Fields are
 * private to chardev/.
 */
typedef struct CharBackend {
    Chardev *chr;
    IOEventHandler *chr_event;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    void *opaque;
    int tag;          /* index among a mux's frontends */
    bool fe_is_open;
} CharBackend;

/* The -chardev option list ("chardev", implied key "backend"). */
extern QemuOptsList qemu_chardev_opts;

/**
 * qemu_chr_new_from_opts: create the chardev described by one -chardev.
 * With mux=on, creates "ID-base" (the backend) and the mux "ID" on top.
 * Returns the chardev (registered under its id), or NULL with errp set.
 * A backend of "help" is not handled here: call qemu_chr_print_backends().
 */
Chardev *qemu_chr_new_from_opts(QemuOpts *opts, Error **errp);

/**
 * qemu_chr_new: create a chardev from the legacy syntax of -serial,
 * -monitor, -parallel and -qmp ("stdio", "null", "file:PATH", "pipe:PATH",
 * "pty", "unix:PATH[,opts]", "tcp:HOST:PORT[,opts]", "telnet:HOST:PORT
 * [,opts]", "chardev:ID" for an existing chardev). A "mon:" prefix makes
 * the chardev a mux: the caller must also attach a monitor to it (see
 * qemu_chr_new_is_mon()). Returns NULL with errp set on failure.
 */
Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp);

/* True if filename has the "mon:" prefix (a monitor goes on the mux too). */
bool qemu_chr_new_is_mon(const char *filename);

/* The chardev with this id, or NULL. */
Chardev *qemu_chr_find(const char *id);
/* The id (label) of a chardev. */
const char *qemu_chr_get_label(Chardev *chr);
/* The "filename" shown by info chardev (e.g. "disconnected:unix:/x,server=on"). */
const char *qemu_chr_get_filename(Chardev *chr);
bool qemu_chr_is_mux(Chardev *chr);
/* True while the backend is connected (a socket has a peer, ...). */
bool qemu_chr_is_open(Chardev *chr);

/* "-chardev help": "Available chardev backend types: " then one per line. */
void qemu_chr_print_backends(FILE *f);

/* Append one "label: filename=...\n" line per chardev, in creation order,
 * as HMP "info chardev" prints them. */
void qemu_chr_info_list(GString *out);

/**
 * qemu_chr_remove: delete a chardev by id (QMP chardev-remove). Fails with
 * "Chardev 'ID' not found" or "Chardev 'ID' is busy" (a frontend is on it).
 */
bool qemu_chr_remove(const char *id, Error **errp);

/* Delete every chardev (at exit): restores the terminal, closes sockets. */
void qemu_chr_cleanup(void);

/*
 * Frontend API.
 */

/**
 * qemu_chr_fe_init: attach a frontend to chr (chr may be NULL: the frontend
 * then works as if connected to nothing). A chardev takes one frontend, a
 * mux up to MAX_MUX; otherwise fails with "Device 'ID' is in use".
 */
bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp);

/**
 * qemu_chr_fe_deinit: detach the frontend; with del, delete the chardev too.
 */
void qemu_chr_fe_deinit(CharBackend *be, bool del);

/**
 * qemu_chr_fe_set_handlers: install the frontend's callbacks (all NULL:
 * stop receiving). Input is only read while fd_can_read returns > 0; when it
 * returned 0, call qemu_chr_fe_accept_input() once the frontend has room.
 * Installing handlers on a mux frontend gives it the input focus; if the
 * backend is already open, fd_event gets CHR_EVENT_OPENED at once.
 */
void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event,
                              void *opaque, bool set_open);

/* The frontend can take input again (see qemu_chr_fe_set_handlers). */
void qemu_chr_fe_accept_input(CharBackend *be);

/**
 * qemu_chr_fe_write: write without blocking. Returns the bytes written
 * (possibly fewer than len), or -1 with errno EAGAIN when nothing could be
 * written now. A backend with no peer (disconnected socket, pty with no
 * reader) discards the data and returns len. 0 if no chardev is attached.
 */
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);

/**
 * qemu_chr_fe_write_all: write everything, waiting for the backend to drain
 * when needed. Returns len, or -1 if the backend failed (peer error).
 */
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len);

/* printf to the chardev (write_all). */
void qemu_chr_fe_printf(CharBackend *be, const char *fmt, ...)
    QEMU_PRINTF(2, 3);

/* The attached chardev, or NULL. */
Chardev *qemu_chr_fe_get_driver(CharBackend *be);
/* True if a chardev is attached (connected or not). */
bool qemu_chr_fe_backend_connected(CharBackend *be);
/* True if a chardev is attached and open (has a peer). */
bool qemu_chr_fe_backend_open(CharBackend *be);
/* Give this mux frontend the input focus (no-op on a plain chardev). */
void qemu_chr_fe_take_focus(CharBackend *be);

/*
 * Make DEFINE_PROP_CHR properties resolve chardev ids: "chardev=ID" binds
 * the device's CharBackend to that chardev ("" leaves it unconnected).
 * Called once at start-up, before any device is created.
 */
void qemu_chr_register_qdev_property(void);

#endif
