/*
 * Keel test-kernel library: COM1 output, printf-lite, isa-debug-exit and
 * the C side of the IDT.  Polled I/O only, no interrupts needed, so every
 * kernel can print from its first instruction to its last.
 */
#include "lib.h"

#define COM1 0x3f8

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;

    while (n--) {
        *p++ = (uint8_t)c;
    }
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;

    while (n--) {
        *p++ = *q++;
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;

    for (; n; n--, p++, q++) {
        if (*p != *q) {
            return *p - *q;
        }
    }
    return 0;
}

void serial_init(void)
{
    outb(COM1 + 1, 0x00);       /* IER: no interrupts */
    outb(COM1 + 3, 0x80);       /* LCR: DLAB on */
    outb(COM1 + 0, 0x01);       /* divisor 1 = 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8N1, DLAB off */
    outb(COM1 + 2, 0x07);       /* FIFO on, clear both */
    outb(COM1 + 4, 0x03);       /* DTR | RTS, no loopback */
}

void (*serial_putc_cpl3)(char c);

void serial_putc(char c)
{
    uint16_t cs;

    /* At CPL 3 port I/O may fault (IOPL 0, or a KVM that ignores IOPL). */
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    if ((cs & 3) == 3 && serial_putc_cpl3) {
        serial_putc_cpl3(c);
        return;
    }
    /*
     * Wait for THRE, but not forever: a device model that never sets it
     * must not turn into a hang under a ~2 MIPS emulated ring 0.
     */
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++) {
    }
    outb(COM1, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s) {
        serial_putc(*s++);
    }
}

static void put_uint(uint64_t v, unsigned base, int width, char pad)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width > n) {
        serial_putc(pad);
        width--;
    }
    while (n) {
        serial_putc(buf[--n]);
    }
}

void vprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            serial_putc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, is_long = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == 'l') {
            is_long = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            serial_puts(s ? s : "(null)");
            break;
        }
        case 'c':
            serial_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) {
                serial_putc('-');
                v = -v;
            }
            put_uint((uint64_t)v, 10, width, pad);
            break;
        }
        case 'u':
            put_uint(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                     10, width, pad);
            break;
        case 'x':
            put_uint(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                     16, width, pad);
            break;
        case '%':
            serial_putc('%');
            break;
        case '\0':
            return;
        default:
            serial_putc('%');
            serial_putc(*fmt);
            break;
        }
    }
}

void printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

void exit_qemu(uint8_t code)
{
    outb(0xf4, code);
    /* Without the isa-debug-exit device we get here: stop quietly. */
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

/* ---- IDT ---- */

struct idt_gate {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
} __attribute__((packed));

#define IDT_VECTORS 48

extern const uint64_t isr_stub_table[IDT_VECTORS];   /* isr.S */

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static trap_handler handlers[IDT_VECTORS];

void idt_init(void)
{
    for (unsigned i = 0; i < IDT_VECTORS; i++) {
        uint64_t a = isr_stub_table[i];
        idt[i].off_lo = (uint16_t)a;
        idt[i].sel = SEL_CODE64;
        idt[i].ist = 0;
        idt[i].type = 0x8e;     /* present, DPL 0, 64-bit interrupt gate */
        idt[i].off_mid = (uint16_t)(a >> 16);
        idt[i].off_hi = (uint32_t)(a >> 32);
        idt[i].zero = 0;
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

void idt_set_dpl(unsigned vector, unsigned dpl)
{
    if (vector < IDT_VECTORS) {
        idt[vector].type = (uint8_t)((idt[vector].type & ~0x60) | ((dpl & 3) << 5));
    }
}

void idt_set_present(unsigned vector, int present)
{
    if (vector < IDT_VECTORS) {
        idt[vector].type = (uint8_t)((idt[vector].type & ~0x80) | (present ? 0x80 : 0));
    }
}

void idt_set_handler(unsigned vector, trap_handler h)
{
    if (vector < IDT_VECTORS) {
        handlers[vector] = h;
    }
}

/* Called by isr.S with interrupts off. */
void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    if (f->vector < IDT_VECTORS && handlers[f->vector]) {
        handlers[f->vector](f);
        return;
    }
    printf("exception %lu error %lx rip %lx\n", f->vector, f->error, f->rip);
    exit_qemu(EXIT_EXCEPTION);
}

/* Called by boot.S in long mode; the C entry of every kernel. */
void lib_main(uint32_t magic, struct mb_info *mbi);
void lib_main(uint32_t magic, struct mb_info *mbi)
{
    serial_init();
    idt_init();
    exit_qemu((uint8_t)kmain(magic, mbi));
}

int mb_cmdline_has(const struct mb_info *mbi, const char *word)
{
    const char *s;
    size_t n = 0;

    if (!mbi || !(mbi->flags & MB_INFO_CMDLINE)) {
        return 0;
    }
    while (word[n]) {
        n++;
    }
    for (s = (const char *)(uint64_t)mbi->cmdline; *s;) {
        while (*s && *s != ' ') {
            s++;
        }
        while (*s == ' ') {
            s++;
        }
        if (*s && !memcmp(s, word, n) && (s[n] == 0 || s[n] == ' ')) {
            return 1;
        }
    }
    return 0;
}

void sse_enable(void)
{
    uint64_t cr0, cr4;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(1ul << 2 | 1ul << 3)) | 1ul << 1 | 1ul << 5;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | 1ul << 9 | 1ul << 10));
}
