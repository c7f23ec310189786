/*
 * test-serial.c: the 16550A UART ("isa-serial" at COM1) driven through
 * port I/O as a guest driver would, with a unix-socket chardev as the
 * host side and a counting IRQ sink: reset values, the probes Linux's 8250
 * driver makes, data both ways, FIFO trigger levels, interrupts and break.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include "qemu/main-loop.h"
#include "chardev/char.h"
#include "exec/memory.h"
#include "hw/char/serial.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "chardev/chardev-internal.h"
#include "test-helpers.h"

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

static DeviceState *uart;
static int peer = -1;
static int irq_level;
static int irq_raises;

static void irq_sink(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        irq_raises++;
    }
    irq_level = level;
}

static void outb(uint16_t port, uint8_t v)
{
    g_assert_cmpint(address_space_write(&address_space_io, port,
                                        MEMTXATTRS_UNSPECIFIED, &v, 1),
                    ==, MEMTX_OK);
}

static uint8_t inb(uint16_t port)
{
    uint8_t v = 0;

    g_assert_cmpint(address_space_read(&address_space_io, port,
                                       MEMTXATTRS_UNSPECIFIED, &v, 1),
                    ==, MEMTX_OK);
    return v;
}

static SerialState *uart_state(void)
{
    return &ISA_SERIAL(uart)->state;
}

static void uart_reset(void)
{
    uint8_t junk[64];

    device_cold_reset(uart);
    /* Drop anything a previous case left in the socket either way. */
    while (recv(peer, junk, sizeof(junk), MSG_DONTWAIT) > 0) {
    }
    spin(5);
    irq_raises = 0;
}

/* Read exactly len bytes the UART sent, bounded by 10 s. */
static void peer_expect(const char *expect)
{
    size_t len = strlen(expect), got = 0;
    char buf[64];

    g_assert_cmpuint(len, <, sizeof(buf));
    while (got < len) {
        struct pollfd pfd = { .fd = peer, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, 10000), ==, 1);
        n = recv(peer, buf + got, len - got, 0);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
    buf[len] = 0;
    g_assert_cmpstr(buf, ==, expect);
}

static void peer_send(const char *s)
{
    g_assert_cmpint(send(peer, s, strlen(s), 0), ==, (ssize_t)strlen(s));
}

static void test_reset_values(void)
{
    uart_reset();
    g_assert_cmphex(inb(LSR), ==, 0x60);
    g_assert_cmphex(inb(IIR), ==, 0x01);
    g_assert_cmphex(inb(IER), ==, 0x00);
    g_assert_cmphex(inb(LCR), ==, 0x00);
    g_assert_cmphex(inb(MCR), ==, 0x00);
    g_assert_cmphex(inb(MSR), ==, 0xb0);
    g_assert_cmpint(irq_level, ==, 0);
}

/* The probes of Linux's autoconfig(): scratch, IER, FIFO bits, loopback. */
static void test_linux_probe(void)
{
    uart_reset();
    outb(SCR, 0xa5);
    g_assert_cmphex(inb(SCR), ==, 0xa5);
    outb(SCR, 0x5a);
    g_assert_cmphex(inb(SCR), ==, 0x5a);

    outb(IER, 0x00);
    g_assert_cmphex(inb(IER) & 0x0f, ==, 0x00);
    outb(IER, 0x0f);
    g_assert_cmphex(inb(IER), ==, 0x0f);    /* upper bits read as 0 */
    outb(IER, 0x00);

    outb(IIR, 0x01);                        /* FCR: FIFO on */
    g_assert_cmphex(inb(IIR) >> 6, ==, 3);  /* a 16550A */
    outb(IIR, 0x00);
    g_assert_cmphex(inb(IIR) >> 6, ==, 0);

    outb(MCR, 0x10 | 0x0a);                 /* LOOP | OUT2 | RTS */
    g_assert_cmphex(inb(MSR) & 0xf0, ==, 0x90);
    outb(MCR, 0x10 | 0x05);                 /* LOOP | OUT1 | DTR */
    g_assert_cmphex(inb(MSR) & 0xf0, ==, 0x60);
    outb(MCR, 0x00);
    g_assert_cmphex(inb(MSR), ==, 0xb0);
}

static void test_divisor_latch(void)
{
    uart_reset();
    outb(LCR, 0x83);
    g_assert_cmphex(inb(RBR), ==, 0x0c);    /* QEMU's reset divisor */
    g_assert_cmphex(inb(IER), ==, 0x00);
    outb(RBR, 0x01);
    outb(IER, 0x02);
    g_assert_cmphex(inb(RBR), ==, 0x01);
    g_assert_cmphex(inb(IER), ==, 0x02);
    g_assert_cmpuint(uart_state()->divider, ==, 0x0201);
    outb(LCR, 0x03);
    /* The latch did not touch IER or send anything. */
    g_assert_cmphex(inb(IER), ==, 0x00);
    g_assert_cmphex(inb(LSR), ==, 0x60);
    /* A zero divisor is accepted without harm. */
    outb(LCR, 0x80);
    outb(RBR, 0);
    outb(IER, 0);
    outb(LCR, 0x03);
    g_assert_cmpint(uart_state()->char_time_ns, >, 0);
}

static void test_transmit(void)
{
    uart_reset();
    outb(RBR, 'h');
    outb(RBR, 'i');
    outb(IIR, 0x07);
    outb(RBR, '!');
    peer_expect("hi!");
    g_assert_cmphex(inb(LSR) & 0x60, ==, 0x60);
}

static void test_receive_no_fifo(void)
{
    uart_reset();
    outb(IER, 0x01);
    g_assert_cmpint(irq_level, ==, 0);
    peer_send("ab");
    WAIT_FOR(inb(LSR) & 0x01);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(inb(IIR), ==, 0x04);
    g_assert_cmphex(inb(RBR), ==, 'a');
    /* The second byte waited in the chardev: no overrun without a FIFO. */
    WAIT_FOR(inb(LSR) & 0x01);
    g_assert_cmphex(inb(LSR) & 0x02, ==, 0);
    g_assert_cmphex(inb(RBR), ==, 'b');
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0);
    g_assert_cmpint(irq_level, ==, 0);
    g_assert_cmphex(inb(IIR), ==, 0x01);
}

/* With 8 as the trigger the RX interrupt waits for the 8th byte. */
static void test_fifo_trigger(void)
{
    uart_reset();
    outb(IIR, 0x81);                        /* FIFO on, trigger 8 */
    outb(IER, 0x01);
    peer_send("1234567");
    WAIT_FOR(uart_state()->rx.count == 7);
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0x01);
    /* Below the trigger: at most the character timeout is pending. */
    g_assert_cmphex(inb(IIR) & 0x0f, !=, 0x04);
    peer_send("89abcdefXY");
    WAIT_FOR(uart_state()->rx.count == 16);
    g_assert_cmphex(inb(IIR), ==, 0xc4);
    g_assert_cmpint(irq_level, ==, 1);
    for (const char *p = "123456789abcdefX"; *p; p++) {
        g_assert_cmphex(inb(RBR), ==, *p);
    }
    /* 'Y' was held back by flow control, not lost. */
    WAIT_FOR(inb(LSR) & 0x01);
    g_assert_cmphex(inb(LSR) & 0x02, ==, 0);
    g_assert_cmphex(inb(RBR), ==, 'Y');
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0);
    g_assert_cmphex(inb(IIR), ==, 0xc1);
}

/* Data below the trigger level raises the character timeout. */
static void test_char_timeout(void)
{
    uart_reset();
    outb(LCR, 0x80);
    outb(RBR, 1);                           /* 115200 baud: ~350 us */
    outb(LCR, 0x03);
    outb(IIR, 0xc1);                        /* trigger 14 */
    outb(IER, 0x01);
    peer_send("xy");
    WAIT_FOR(irq_level);
    g_assert_cmphex(inb(IIR), ==, 0xcc);
    g_assert_cmphex(inb(RBR), ==, 'x');
    g_assert_cmpint(irq_level, ==, 0);
    WAIT_FOR(irq_level);                    /* 'y' times out too */
    g_assert_cmphex(inb(RBR), ==, 'y');
    g_assert_cmpint(irq_level, ==, 0);
    /* FCR's RX reset empties the FIFO. */
    peer_send("z");
    WAIT_FOR(inb(LSR) & 0x01);
    outb(IIR, 0xc3);
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0);
    g_assert_cmpint(irq_level, ==, 0);
}

static void test_thre_irq(void)
{
    uart_reset();
    outb(IER, 0x02);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(inb(IIR), ==, 0x02);
    g_assert_cmpint(irq_level, ==, 0);       /* IIR read acknowledged it */
    g_assert_cmphex(inb(IIR), ==, 0x01);
    outb(RBR, 'q');
    g_assert_cmpint(irq_level, ==, 1);       /* empty again */
    peer_expect("q");
    outb(IER, 0x00);
    g_assert_cmpint(irq_level, ==, 0);
    g_assert_cmpint(irq_raises, ==, 2);
}

static void test_loopback(void)
{
    uart_reset();
    outb(MCR, 0x10);
    outb(IER, 0x01);
    outb(RBR, 0x55);
    g_assert_cmphex(inb(LSR) & 0x01, ==, 0x01);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(inb(RBR), ==, 0x55);
    /* Overrun without a FIFO. */
    outb(RBR, 1);
    outb(RBR, 2);
    g_assert_cmphex(inb(LSR) & 0x03, ==, 0x03);
    g_assert_cmphex(inb(LSR) & 0x02, ==, 0);  /* read clears OE */
    g_assert_cmphex(inb(RBR), ==, 2);
    outb(MCR, 0);
    /* Nothing went to the host. */
    outb(RBR, 'E');
    peer_expect("E");
}

/* A break from the host: a zero character with BI, a line-status IRQ. */
static void test_break(void)
{
    uart_reset();
    outb(IER, 0x05);
    qemu_chr_be_event(qemu_chr_find("s0"), CHR_EVENT_BREAK);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(inb(IIR), ==, 0x06);
    g_assert_cmphex(inb(LSR) & 0x11, ==, 0x11);
    g_assert_cmphex(inb(LSR) & 0x10, ==, 0);  /* BI clears on read */
    g_assert_cmphex(inb(IIR), ==, 0x04);      /* the NUL is data */
    g_assert_cmphex(inb(RBR), ==, 0);
    g_assert_cmpint(irq_level, ==, 0);
}

/* Reset from any state restores the power-on values. */
static void test_device_reset(void)
{
    uart_reset();
    outb(IIR, 0xc1);
    outb(IER, 0x0f);
    outb(MCR, 0x1f);
    outb(RBR, 7);
    outb(LCR, 0xbf);
    outb(SCR, 9);
    uart_reset();
    g_assert_cmpint(irq_level, ==, 0);
    test_reset_values();
    g_assert_cmphex(inb(SCR), ==, 0);
}

/* A hostile guest: random bytes to every register, random reads. */
static void test_hostile(void)
{
    GRand *r = g_rand_new_with_seed(0x16550);

    uart_reset();
    for (int i = 0; i < 200000; i++) {
        uint16_t port = COM1 + g_rand_int_range(r, 0, 8);
        uint8_t v = g_rand_int(r);

        if (g_rand_boolean(r)) {
            outb(port, v);
        } else {
            inb(port);
        }
        if ((i & 0xfff) == 0) {
            peer_send("noise");
            main_loop_wait(true);
        }
    }
    /* Wider accesses reach the device a byte at a time, or not at all. */
    for (int i = 0; i < 1000; i++) {
        uint32_t v = g_rand_int(r);

        address_space_write(&address_space_io, COM1 + g_rand_int_range(r, 0, 8),
                            MEMTXATTRS_UNSPECIFIED, &v, 4);
        address_space_read(&address_space_io, COM1 + g_rand_int_range(r, 0, 8),
                           MEMTXATTRS_UNSPECIFIED, &v, 2);
    }
    g_rand_free(r);
    spin(20);
    uart_reset();
    test_reset_values();
}

int main(int argc, char **argv)
{
    g_autofree char *sock = NULL;
    g_autofree char *spec = NULL;
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    qemu_irq irq;
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_tmpdir_init("test-serial");
    qemu_init_main_loop(&error_abort);
    qemu_chr_register_qdev_property();
    memory_init();

    sock = tmp_path("com1.sock");
    spec = g_strdup_printf("socket,id=s0,path=%s,server=on,wait=off", sock);
    uart = serial_isa_init(0, chardev_new(spec), &error_abort);
    irq = qemu_allocate_irq(irq_sink, NULL, 4);
    isa_connect_irq(ISA_DEVICE(uart), 0, irq);

    peer = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(un.sun_path, sock, sizeof(un.sun_path));
    g_assert_cmpint(connect(peer, (struct sockaddr *)&un, sizeof(un)), ==, 0);
    WAIT_FOR(qemu_chr_fe_backend_open(&uart_state()->chr));

    g_test_add_func("/serial/reset-values", test_reset_values);
    g_test_add_func("/serial/linux-probe", test_linux_probe);
    g_test_add_func("/serial/divisor-latch", test_divisor_latch);
    g_test_add_func("/serial/transmit", test_transmit);
    g_test_add_func("/serial/receive", test_receive_no_fifo);
    g_test_add_func("/serial/fifo-trigger", test_fifo_trigger);
    g_test_add_func("/serial/char-timeout", test_char_timeout);
    g_test_add_func("/serial/thre-irq", test_thre_irq);
    g_test_add_func("/serial/loopback", test_loopback);
    g_test_add_func("/serial/break", test_break);
    g_test_add_func("/serial/device-reset", test_device_reset);
    g_test_add_func("/serial/hostile", test_hostile);
    ret = g_test_run();

    close(peer);
    qdev_unrealize(uart);
    qemu_free_irq(irq);
    return test_tmpdir_cleanup(ret);
}
