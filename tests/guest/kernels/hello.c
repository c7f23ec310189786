/*
 * hello: the Multiboot handshake.  Prints the command line after the
 * kernel path, mem_lower/mem_upper and every memory map entry.
 * Exit: PASS (status 33) when the magic and the info flags are right.
 */
#include "lib.h"

int kmain(uint32_t magic, struct mb_info *mbi)
{
    int ok = 1;

    printf("hello\n");
    if (magic != MB_BOOT_MAGIC) {
        printf("FAIL: magic %x\n", magic);
        return EXIT_FAIL;
    }

    if (mbi->flags & MB_INFO_CMDLINE) {
        /* QEMU passes "<kernel path> <append>"; the path is the host's. */
        const char *s = (const char *)(uint64_t)mbi->cmdline;
        while (*s && *s != ' ') {
            s++;
        }
        if (*s == ' ') {
            s++;
        }
        printf("cmdline: '%s'\n", s);
    } else {
        printf("FAIL: no cmdline\n");
        ok = 0;
    }

    if (mbi->flags & MB_INFO_MEM) {
        printf("mem_lower: %u KiB\n", mbi->mem_lower);
        printf("mem_upper: %u KiB\n", mbi->mem_upper);
    } else {
        printf("FAIL: no mem_lower/mem_upper\n");
        ok = 0;
    }

    if (mbi->flags & MB_INFO_MMAP) {
        uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
        int n = 0;
        /* Bounded: a corrupt length must not send us walking all of RAM. */
        while (p < end && n < 64) {
            const struct mb_mmap_entry *e = (const void *)p;
            printf("mmap: base %016lx length %016lx type %u\n",
                   e->base, e->length, e->type);
            p += e->size + 4;
            n++;
        }
        printf("mmap: %d entries\n", n);
    } else {
        printf("FAIL: no memory map\n");
        ok = 0;
    }

    printf("hello: %s\n", ok ? "done" : "FAILED");
    return ok ? EXIT_PASS : EXIT_FAIL;
}
