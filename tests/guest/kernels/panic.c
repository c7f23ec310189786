/*
 * panic: reports a guest panic through pvpanic (-device pvpanic, port
 * 0x505), as Linux's pvpanic driver does from its panic notifier.
 * Prints the events the device offers, writes PANICKED (bit 0), then says
 * "still running" and exits with EXIT_RAN_ON (status 39).  What the
 * emulator does in between is -action panic=: shutdown (the default) ends
 * the run with status 0 before "still running", exit-failure with status 1,
 * pause leaves the VM stopped, none lets the guest reach status 39.
 */
#include "lib.h"

#define PVPANIC_PORT      0x505
#define PVPANIC_PANICKED  (1u << 0)

/* Not PASS: the panic was ignored, which only panic=none asks for. */
#define EXIT_RAN_ON       0x13

int kmain(uint32_t magic, struct mb_info *mbi)
{
    /* 0xff (no device on the port) or the supported event bits. */
    uint8_t events = inb(PVPANIC_PORT);

    printf("pvpanic events: %x\n", events);
    if (events == 0xff || !(events & PVPANIC_PANICKED)) {
        printf("FAIL: no pvpanic device at %x\n", PVPANIC_PORT);
        return EXIT_FAIL;
    }
    printf("panic: writing PANICKED\n");
    outb(PVPANIC_PORT, PVPANIC_PANICKED);
    printf("still running\n");
    return EXIT_RAN_ON;
}
