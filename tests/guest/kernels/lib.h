/*
 * Keel test-kernel library: port I/O, 16550 serial output, printf-lite,
 * isa-debug-exit, the long-mode IDT and the Multiboot 1 info layout.
 * Freestanding 64-bit C; boot.S enters long mode and calls kmain().
 */
#ifndef KEEL_GUEST_LIB_H
#define KEEL_GUEST_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exit codes for exit_qemu(); QEMU's process status is (code << 1) | 1, so
 * PASS = 33, FAIL = 35, EXCEPTION = 37.  A guest reset with -no-reboot
 * exits with 0, which none of these can be confused with.
 */
#define EXIT_PASS       0x10
#define EXIT_FAIL       0x11
#define EXIT_EXCEPTION  0x12

/* GDT selectors set up by boot.S (the same table in every kernel). */
#define SEL_CODE64  0x08
#define SEL_DATA    0x10
#define SEL_CODE32  0x18
#define SEL_CODE16  0x20
#define SEL_DATA16  0x28

/* Multiboot 1 information structure (the fields the kernels read). */
#define MB_INFO_MEM      (1u << 0)
#define MB_INFO_CMDLINE  (1u << 2)
#define MB_INFO_MMAP     (1u << 6)
#define MB_BOOT_MAGIC    0x2badb002u

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower;
    uint32_t mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
} __attribute__((packed));

/* A memory map entry; 'size' does not count itself. */
struct mb_mmap_entry {
    uint32_t size;
    uint64_t base;
    uint64_t length;
    uint32_t type;
} __attribute__((packed));

/* Registers saved by the interrupt stubs in isr.S, lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*trap_handler)(struct trap_frame *f);

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t mmio_read32(uint64_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/* Each kernel defines this; its return value goes to exit_qemu(). */
int kmain(uint32_t magic, struct mb_info *mbi);

/*
 * Is word one of the words after the first (the kernel path) of the
 * multiboot command line ("<kernel path> <append>")?
 */
int mb_cmdline_has(const struct mb_info *mbi, const char *word);

/* Let SSE run: CR0.EM and TS off, MP and NE on; CR4.OSFXSR and OSXMMEXCPT. */
void sse_enable(void);

/* Program COM1 (0x3f8) for 115200 8N1, FIFOs on, interrupts off. */
void serial_init(void);
void serial_putc(char c);
/* When set, serial_putc() at CPL 3 calls this instead (user.c buffers). */
extern void (*serial_putc_cpl3)(char c);
void serial_puts(const char *s);

/*
 * printf-lite: %s %c %d %u %x %lx %lu %ld and %%, with an optional '0'
 * flag and field width (e.g. %08x).  Writes "\n" as "\n" (no CR), so the
 * recorded serial output is exactly the bytes printed.
 */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap);

/* Leave QEMU through isa-debug-exit (iobase 0xf4): status (code<<1)|1. */
__attribute__((noreturn)) void exit_qemu(uint8_t code);

/*
 * Load an IDT whose vectors 0-47 go to trap_dispatch(); exceptions without
 * a handler print their vector and RIP and exit with EXIT_EXCEPTION.
 */
void idt_init(void);
void idt_set_handler(unsigned vector, trap_handler h);
/* Gate DPL (3: "int n" from ring 3 allowed) and present bit of a vector. */
void idt_set_dpl(unsigned vector, unsigned dpl);
void idt_set_present(unsigned vector, int present);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
