/*
 * char-stdio.c: the "stdio" backend: input from fd 0, output to fd 1. When
 * stdin is a terminal it is put in raw mode, and the original settings come
 * back on every way out: cleanup, exit(), and fatal signals. SIGINT/SIGTERM
 * become a normal exit through the main loop, hence through cleanup.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

#include <signal.h>
#include <termios.h>

typedef struct StdioChardev {
    Chardev parent;
    CharFdReader reader;
} StdioChardev;

/* One per process: there is one terminal to put back. */
static StdioChardev *stdio_chr;
/* Written once before the terminal changes; read from signal handlers. */
static struct termios stdio_saved_tty;
static volatile sig_atomic_t stdio_tty_modified;
static bool stdio_handlers_installed;

static const int stdio_fatal_signals[] = {
    SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE,
};
static struct sigaction stdio_old_actions[ARRAY_SIZE(stdio_fatal_signals)];

void stdio_chr_restore_term(void)
{
    /* tcsetattr is async-signal-safe, so this serves signal handlers too. */
    if (stdio_tty_modified) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_saved_tty);
        stdio_tty_modified = 0;
    }
}

static void stdio_chr_atexit(void)
{
    stdio_chr_restore_term();
}

static void stdio_chr_fatal_signal(int sig)
{
    stdio_chr_restore_term();
    /* Put back whatever handled the signal before us (the default action,
     * or a sanitizer's reporter) and let it run. */
    for (size_t i = 0; i < ARRAY_SIZE(stdio_fatal_signals); i++) {
        if (stdio_fatal_signals[i] == sig) {
            sigaction(sig, &stdio_old_actions[i], NULL);
        }
    }
    raise(sig);
}

static void stdio_chr_install_handlers(void)
{
    struct sigaction act;

    if (stdio_handlers_installed) {
        return;
    }
    stdio_handlers_installed = true;
    atexit(stdio_chr_atexit);
    memset(&act, 0, sizeof(act));
    act.sa_handler = stdio_chr_fatal_signal;
    sigemptyset(&act.sa_mask);
    /* SA_NODEFER: the re-raised signal must be delivered at once. */
    act.sa_flags = SA_NODEFER | SA_RESETHAND;
    for (size_t i = 0; i < ARRAY_SIZE(stdio_fatal_signals); i++) {
        sigaction(stdio_fatal_signals[i], &act, &stdio_old_actions[i]);
    }
}

static void stdio_chr_set_raw(bool keep_signals)
{
    struct termios tty;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty) < 0) {
        return;
    }
    stdio_saved_tty = tty;
    stdio_chr_install_handlers();
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    /* Output processing stays on: the guest's "\n" still returns the
     * carriage, as it did in the shell. */
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!keep_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    stdio_tty_modified = 1;
    tcsetattr(STDIN_FILENO, TCSANOW, &tty);
}

static void stdio_chr_hup(Chardev *chr)
{
    /* EOF on stdin: the frontend hears it; the emulator keeps running. */
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
}

static bool stdio_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                           Error **errp)
{
    StdioChardev *s = (StdioChardev *)chr;

    if (stdio_chr) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_chr = s;
    stdio_chr_set_raw(qemu_opt_get_bool(opts, "signal", true));
    /* stdin stays blocking: we only read after poll says so, and the file
     * description is shared with the shell that started us. */
    char_fd_reader_init(&s->reader, chr, STDIN_FILENO, stdio_chr_hup);
    char_fd_reader_start(&s->reader);
    return true;
}

static int stdio_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return char_fd_write(STDOUT_FILENO, buf, len, false);
}

static int stdio_chr_out_fd(Chardev *chr)
{
    return STDOUT_FILENO;
}

static void stdio_chr_update_read(Chardev *chr)
{
    char_fd_reader_update(&((StdioChardev *)chr)->reader);
}

static void stdio_chr_close(Chardev *chr)
{
    StdioChardev *s = (StdioChardev *)chr;

    char_fd_reader_stop(&s->reader);
    stdio_chr_restore_term();
    stdio_chr = NULL;
}

const ChardevDriver chardev_stdio_driver = {
    .name = "stdio",
    .instance_size = sizeof(StdioChardev),
    .open = stdio_chr_open,
    .write = stdio_chr_write,
    .out_fd = stdio_chr_out_fd,
    .update_read = stdio_chr_update_read,
    .close = stdio_chr_close,
};
