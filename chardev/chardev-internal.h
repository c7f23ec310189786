/*
 * chardev-internal.h: the interface between the chardev core (char.c) and
 * the backend drivers (char-*.c). Not for use outside chardev/: devices use
 * include/chardev/char.h.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"

typedef struct ChardevDriver ChardevDriver;

struct Chardev {
    const ChardevDriver *drv;
    char *label;
    char *filename;      /* what info chardev shows after "filename=" */
    CharBackend *be;     /* the one frontend (not used by the mux) */
    bool be_open;        /* connected: OPENED sent, CLOSED not since */
    int logfd;           /* logfile=, or -1 */
};

/*
 * A backend driver. Instances are allocated with drv->instance_size bytes
 * and start with a Chardev.
 */
struct ChardevDriver {
    const char *name;
    size_t instance_size;
    /* Parse opts and open; *be_opened starts true: set it false when the
     * backend is not connected yet (OPENED is then sent later). */
    bool (*open)(Chardev *chr, QemuOpts *opts, bool *be_opened, Error **errp);
    /* Non-blocking write: bytes written, or -1 with errno (EAGAIN). */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* An fd to poll for POLLOUT when write said EAGAIN, or -1. */
    int (*out_fd)(Chardev *chr);
    /* The frontend changed its handlers or can take input again. */
    void (*update_read)(Chardev *chr);
    /* Release everything (fds, timers); the core frees the struct. */
    void (*close)(Chardev *chr);
};

extern const ChardevDriver chardev_null_driver;
extern const ChardevDriver chardev_stdio_driver;
extern const ChardevDriver chardev_file_driver;
extern const ChardevDriver chardev_pipe_driver;
extern const ChardevDriver chardev_socket_driver;
extern const ChardevDriver chardev_pty_driver;
extern const ChardevDriver chardev_mux_driver;

/* Backend side: what a driver calls when input or events arrive. */
int qemu_chr_be_can_write(Chardev *chr);
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);
/* Tracks be_open (OPENED/CLOSED) and tells the frontend. */
void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event);
void qemu_chr_set_filename(Chardev *chr, const char *fmt, ...)
    QEMU_PRINTF(2, 3);

/* The core's write paths, also used by the mux on its base chardev. */
int qemu_chr_write(Chardev *chr, const uint8_t *buf, int len, bool all);

/*
 * Shared fd-based read plumbing (char-fd.c): reads fd_in when the
 * frontend can take input, and tells the driver about EOF or a read error
 * through on_hup (then stops reading until char_fd_start again).
 */
typedef struct CharFdReader {
    Chardev *chr;
    int fd;
    bool active;     /* reading wanted (not stopped by EOF) */
    bool registered; /* handler installed in the main loop */
    void (*on_hup)(Chardev *chr);
    /* Filters raw input before delivery (telnet); may be NULL. */
    void (*filter)(Chardev *chr, const uint8_t *buf, int len);
} CharFdReader;

void char_fd_reader_init(CharFdReader *r, Chardev *chr, int fd,
                         void (*on_hup)(Chardev *chr));
void char_fd_reader_start(CharFdReader *r);
void char_fd_reader_stop(CharFdReader *r);
/* Re-evaluate after the frontend's can_read may have changed. */
void char_fd_reader_update(CharFdReader *r);
/* write(2) or send(2) that never raises SIGPIPE. */
int char_fd_write(int fd, const uint8_t *buf, int len, bool is_socket);
void char_fd_set_nonblock(int fd, bool on);

/* Mux internals char.c needs for the frontend API. */
bool mux_chr_attach(Chardev *mux, CharBackend *be, Error **errp);
void mux_chr_detach(Chardev *mux, CharBackend *be);
void mux_chr_set_focus_be(Chardev *mux, CharBackend *be);
void mux_chr_accept_input(Chardev *mux);
int mux_chr_frontend_count(Chardev *mux);
/* Forget every frontend (the mux is being deleted). */
void mux_chr_forget_frontends(Chardev *mux);

/* stdio: restores the terminal (also from atexit and fatal signals). */
void stdio_chr_restore_term(void);

#endif
