/*
 * pit: PIT channel 0 -> 8259 IRQ0 -> IDT vector 0x20, in long mode (IRETQ;
 * a 32-bit IRET fails in ring 0 on the PVM host).  Remaps the PICs to
 * 0x20-0x2f, unmasks only IRQ0, waits in sti;hlt for 5 ticks.
 * Exit: PASS (33) after 5 ticks; FAIL (35) if the wait bound runs out.
 */
#include "lib.h"

#define WANT_TICKS   5
#define PIT_HZ       1193182
#define TICK_HZ      1000

static volatile unsigned ticks;

static void timer_irq(struct trap_frame *f)
{
    ticks++;
    outb(0x20, 0x20);           /* non-specific EOI to the master */
}

static void pic_remap(void)
{
    outb(0x20, 0x11);           /* ICW1: edge, cascade, ICW4 follows */
    outb(0xa0, 0x11);
    outb(0x21, 0x20);           /* ICW2: master at 0x20 */
    outb(0xa1, 0x28);           /*       slave at 0x28 */
    outb(0x21, 0x04);           /* ICW3: slave on IRQ2 */
    outb(0xa1, 0x02);
    outb(0x21, 0x01);           /* ICW4: 8086 mode */
    outb(0xa1, 0x01);
    outb(0x21, 0xfe);           /* mask all but IRQ0 */
    outb(0xa1, 0xff);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint16_t divisor = (PIT_HZ + TICK_HZ / 2) / TICK_HZ;

    idt_set_handler(0x20, timer_irq);
    /* Vectors 0x21-0x2f: a spurious IRQ7/15 lands in the default handler. */
    pic_remap();
    outb(0x43, 0x34);           /* channel 0, lo/hi byte, mode 2 */
    outb(0x40, divisor & 0xff);
    outb(0x40, divisor >> 8);
    printf("pit: channel 0 at %u Hz, PIC at 0x20/0x28, IRQ0 unmasked\n",
           TICK_HZ);

    /*
     * sti;hlt is atomic (the STI shadow covers the HLT), so a tick between
     * the check and the halt cannot be lost.  The bound keeps a broken
     * timer from hanging: 1000 wake-ups without enough ticks is a failure.
     */
    for (int i = 0; i < 1000 && ticks < WANT_TICKS; i++) {
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    outb(0x21, 0xff);           /* quiet again before printing */

    if (ticks < WANT_TICKS) {
        printf("FAIL: only %u ticks\n", ticks);
        return EXIT_FAIL;
    }
    printf("pit: %u ticks\n", WANT_TICKS);
    return EXIT_PASS;
}
