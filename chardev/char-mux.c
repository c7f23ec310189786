/*
 * char-mux.c: the multiplexer behind mux=on and "mon:": up to MAX_MUX
 * frontends (a serial port and a monitor, say) share one backend. Output
 * from all of them is merged; input goes to the frontend with the focus,
 * and Ctrl-a commands (C-a c to switch, C-a x to quit...) are taken here.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"
#include "qemu/timer.h"
#include "system/runstate.h"

#define MUX_ESCAPE_CHAR 0x01 /* Ctrl-a */
/* Input held per frontend while it cannot take it (can_read == 0). */
#define MUX_BUFFER_SIZE 32

typedef struct MuxChardev {
    Chardev parent;
    CharBackend chr;           /* our own frontend on the base chardev */
    CharBackend *backends[MAX_MUX];
    uint8_t buf[MAX_MUX][MUX_BUFFER_SIZE];
    int buf_len[MAX_MUX];
    int mux_cnt;               /* slots used so far, 0..MAX_MUX */
    int focus;                 /* -1: nobody */
    bool got_escape;
    bool draining;
    bool timestamps;
    bool linestart;
    int64_t timestamps_start;  /* ms, -1 until the first stamped write */
} MuxChardev;

static const char mux_help[] =
    "\n\r"
    "C-a h    print this help\n\r"
    "C-a x    exit emulator\n\r"
    "C-a s    save disk data back to file (if -snapshot)\n\r"
    "C-a t    toggle console timestamps\n\r"
    "C-a b    send break (magic sysrq)\n\r"
    "C-a c    switch between console and monitor\n\r"
    "C-a C-a  sends C-a\n\r";

static MuxChardev *mux_of(Chardev *chr)
{
    return (MuxChardev *)chr;
}

static void mux_print(MuxChardev *d, const char *text)
{
    if (d->chr.chr) {
        qemu_chr_write(d->chr.chr, (const uint8_t *)text, strlen(text), true);
    }
}

static void mux_send_event(MuxChardev *d, int tag, QEMUChrEvent event)
{
    CharBackend *be = tag >= 0 ? d->backends[tag] : NULL;

    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

/* Hand the focused frontend what it can take of its buffer. */
static void mux_drain(MuxChardev *d)
{
    int m = d->focus;
    CharBackend *be;

    /* A frontend's read callback may call accept_input: don't recurse. */
    if (m < 0 || d->draining) {
        return;
    }
    d->draining = true;
    while ((be = d->backends[m]) && d->buf_len[m] > 0 && be->chr_can_read &&
           be->chr_read) {
        int n = be->chr_can_read(be->opaque);
        uint8_t chunk[MUX_BUFFER_SIZE];

        if (n <= 0) {
            break;
        }
        n = MIN(n, d->buf_len[m]);
        /* Take the bytes out first: the callback may switch the focus or
         * feed more input. */
        memcpy(chunk, d->buf[m], n);
        d->buf_len[m] -= n;
        memmove(d->buf[m], d->buf[m] + n, d->buf_len[m]);
        be->chr_read(be->opaque, chunk, n);
        if (d->focus != m) {
            break;
        }
    }
    d->draining = false;
}

static void mux_set_focus(MuxChardev *d, int focus)
{
    if (d->focus >= 0) {
        mux_send_event(d, d->focus, CHR_EVENT_MUX_OUT);
    }
    d->focus = focus;
    mux_send_event(d, focus, CHR_EVENT_MUX_IN);
    mux_drain(d);
}

/* Next attached frontend after the focused one, wrapping around. */
static int mux_next_focus(MuxChardev *d)
{
    for (int i = 1; i <= d->mux_cnt; i++) {
        int m = (d->focus + i + d->mux_cnt) % d->mux_cnt;
        if (d->backends[m]) {
            return m;
        }
    }
    return -1;
}

/* Returns true if ch is input for the focused frontend. */
static bool mux_proc_byte(MuxChardev *d, uint8_t ch)
{
    if (!d->got_escape) {
        if (ch == MUX_ESCAPE_CHAR) {
            d->got_escape = true;
            return false;
        }
        return true;
    }
    d->got_escape = false;
    switch (ch) {
    case MUX_ESCAPE_CHAR:
        return true;
    case 'h':
        mux_print(d, mux_help);
        break;
    case 'x':
        mux_print(d, "QEMU: Terminated\n\r");
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
        break;
    case 's':
        /* Commit -snapshot disks: nothing to do until there are any. */
        break;
    case 'b':
        mux_send_event(d, d->focus, CHR_EVENT_BREAK);
        break;
    case 'c':
        if (d->mux_cnt > 0) {
            int next = mux_next_focus(d);
            if (next >= 0) {
                mux_set_focus(d, next);
            }
        }
        break;
    case 't':
        d->timestamps = !d->timestamps;
        d->timestamps_start = -1;
        d->linestart = false;
        break;
    default:
        /* Unknown commands are swallowed, as in QEMU. */
        break;
    }
    return false;
}

static int mux_chr_can_read(void *opaque)
{
    MuxChardev *d = opaque;

    if (d->focus < 0 || !d->backends[d->focus]) {
        return 0;
    }
    return MUX_BUFFER_SIZE - d->buf_len[d->focus];
}

static void mux_chr_read(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;

    for (int i = 0; i < size; i++) {
        int m = d->focus;

        if (!mux_proc_byte(d, buf[i]) || m < 0 || !d->backends[m]) {
            continue;
        }
        if (d->buf_len[m] == MUX_BUFFER_SIZE) {
            /* Only after a focus switch inside this chunk: the new
             * frontend's buffer was already full. */
            mux_drain(d);
            if (d->buf_len[m] == MUX_BUFFER_SIZE) {
                continue;
            }
        }
        d->buf[m][d->buf_len[m]++] = buf[i];
    }
    mux_drain(d);
}

static void mux_chr_event(void *opaque, QEMUChrEvent event)
{
    MuxChardev *d = opaque;

    if (event == CHR_EVENT_OPENED) {
        d->parent.be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        d->parent.be_open = false;
    }
    for (int i = 0; i < d->mux_cnt; i++) {
        mux_send_event(d, i, event);
    }
}

static bool mux_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                         Error **errp)
{
    MuxChardev *d = mux_of(chr);
    g_autofree char *base_label = g_strdup_printf("%s-base", chr->label);
    Chardev *base = qemu_chr_find(base_label);

    if (!base) {
        error_setg(errp, "chardev: mux: no chardev '%s'", base_label);
        return false;
    }
    d->focus = -1;
    d->timestamps_start = -1;
    if (!qemu_chr_fe_init(&d->chr, base, errp)) {
        return false;
    }
    qemu_chr_fe_set_handlers(&d->chr, mux_chr_can_read, mux_chr_read,
                             mux_chr_event, d, true);
    *be_opened = base->be_open;
    return true;
}

/* "[hh:mm:ss.mmm] " since timestamps were switched on, at line starts. */
static void mux_write_stamp(MuxChardev *d)
{
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    int64_t ms;
    char stamp[64];

    if (d->timestamps_start == -1) {
        d->timestamps_start = now;
    }
    ms = now - d->timestamps_start;
    snprintf(stamp, sizeof(stamp), "[%02d:%02d:%02d.%03d] ",
             (int)(ms / 3600000), (int)(ms / 60000 % 60),
             (int)(ms / 1000 % 60), (int)(ms % 1000));
    mux_print(d, stamp);
}

static int mux_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = mux_of(chr);
    int start = 0;

    if (!d->chr.chr) {
        return len;
    }
    if (!d->timestamps) {
        return qemu_chr_write(d->chr.chr, buf, len, false);
    }
    for (int i = 0; i < len; i++) {
        if (d->linestart) {
            qemu_chr_write(d->chr.chr, buf + start, i - start, true);
            start = i;
            mux_write_stamp(d);
            d->linestart = false;
        }
        if (buf[i] == '\n') {
            d->linestart = true;
        }
    }
    qemu_chr_write(d->chr.chr, buf + start, len - start, true);
    return len;
}

static int mux_chr_out_fd(Chardev *chr)
{
    Chardev *base = mux_of(chr)->chr.chr;

    return base && base->drv->out_fd ? base->drv->out_fd(base) : -1;
}

static void mux_chr_close(Chardev *chr)
{
    qemu_chr_fe_deinit(&mux_of(chr)->chr, false);
}

const ChardevDriver chardev_mux_driver = {
    .name = "mux",
    .instance_size = sizeof(MuxChardev),
    .open = mux_chr_open,
    .write = mux_chr_write,
    .out_fd = mux_chr_out_fd,
    .close = mux_chr_close,
};

bool mux_chr_attach(Chardev *chr, CharBackend *be, Error **errp)
{
    MuxChardev *d = mux_of(chr);

    int m = 0;

    /* A detached frontend's slot can be taken again. */
    while (m < MAX_MUX && d->backends[m]) {
        m++;
    }
    if (m == MAX_MUX) {
        error_setg(errp, "Device '%s' is in use", chr->label);
        return false;
    }
    be->tag = m;
    d->backends[m] = be;
    d->buf_len[m] = 0;
    d->mux_cnt = MAX(d->mux_cnt, m + 1);
    return true;
}

void mux_chr_detach(Chardev *chr, CharBackend *be)
{
    MuxChardev *d = mux_of(chr);
    int m = be->tag;

    if (m < 0 || m >= MAX_MUX || d->backends[m] != be) {
        return;
    }
    d->backends[m] = NULL;
    d->buf_len[m] = 0;
    if (d->focus == m) {
        d->focus = -1;
    }
}

int mux_chr_frontend_count(Chardev *chr)
{
    MuxChardev *d = mux_of(chr);
    int n = 0;

    for (int i = 0; i < d->mux_cnt; i++) {
        n += d->backends[i] != NULL;
    }
    return n;
}

void mux_chr_set_focus_be(Chardev *chr, CharBackend *be)
{
    MuxChardev *d = mux_of(chr);

    if (be->tag >= 0 && be->tag < d->mux_cnt && d->backends[be->tag] == be) {
        mux_set_focus(d, be->tag);
    }
}

void mux_chr_accept_input(Chardev *chr)
{
    MuxChardev *d = mux_of(chr);

    mux_drain(d);
    qemu_chr_fe_accept_input(&d->chr);
}

void mux_chr_forget_frontends(Chardev *chr)
{
    MuxChardev *d = mux_of(chr);

    for (int i = 0; i < d->mux_cnt; i++) {
        if (d->backends[i]) {
            d->backends[i]->chr = NULL;
            d->backends[i] = NULL;
        }
    }
    d->focus = -1;
}
