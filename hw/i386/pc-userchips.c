/*
 * pc-userchips.c: the pc board's 8259 pair, 8254 PIT, HPET and IOAPIC in
 * user space, for an accelerator whose kernel does not have them (KVM
 * with kernel-irqchip=off). The wiring is a PIIX PC's: ISA IRQs to the
 * 8259 and the IOAPIC, the PIT on IRQ 0 unless the HPET's legacy
 * replacement has taken it, the 8259's INT on the LAPICs' LINT0.
 */
#include "qemu/osdep.h"
#include "hw/i386/pc-userchips.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/isa/isa.h"
#include "hw/timer/hpet.h"
#include "hw/timer/i8254.h"
#include "system/runstate.h"

#define PC_USERCHIPS_GSI_COUNT IOAPIC_NUM_PINS

typedef struct PCUserChips {
    PCMachineState *pcms;
    I8259State *pic;
    I8254State *pit;
    HPETState *hpet;            /* NULL with -machine hpet=off */
    IOAPICState *ioapic;
    qemu_irq *ioapic_in;
    bool pit_out;               /* the PIT's channel 0 OUT */
} PCUserChips;

/* One board per process, as the fixed addresses of the chips imply. */
static PCUserChips pc_userchips;

/* The 8259 master's INT: LINT0 of the LAPICs (ExtINT or masked there). */
static void pc_userchips_pic_out(void *opaque, int n, int level)
{
    apic_deliver_pic_intr(level);
}

/* INTA of the 8259, from apic_ack_interrupt() (the BQL is held). */
static int pc_userchips_pic_ack(void *opaque)
{
    return i8259_ack(opaque);
}

/* GSI n: ISA IRQ n to 8259 input n (not 2, the cascade) and the IOAPIC. */
static void pc_userchips_gsi_set(void *opaque, int n, int level)
{
    PCUserChips *c = opaque;

    if (n < 0 || n >= PC_USERCHIPS_GSI_COUNT) {
        return;
    }
    if (n < ISA_NUM_IRQS && n != 2) {
        qemu_set_irq(i8259_irq(c->pic, n), level);
    }
    qemu_set_irq(c->ioapic_in[n == 0 ? 2 : n], level);
}

static bool pc_userchips_hpet_legacy(PCUserChips *c)
{
    return c->hpet && hpet_legacy(c->hpet);
}

static void pc_userchips_pit_irq(void *opaque, int n, int level)
{
    PCUserChips *c = opaque;

    c->pit_out = level;
    if (!pc_userchips_hpet_legacy(c)) {
        qemu_set_irq(c->pcms->gsi[0], level);
    }
}

/* Legacy replacement on: the PIT lets go of IRQ 0; off: it drives it again. */
static void pc_userchips_hpet_legacy_irq(void *opaque, int n, int level)
{
    PCUserChips *c = opaque;

    qemu_set_irq(c->pcms->gsi[0], level ? 0 : c->pit_out);
}

void pc_userchips_reset(void)
{
    PCUserChips *c = &pc_userchips;

    if (!c->pic) {
        return;
    }
    i8259_reset(c->pic);
    if (c->hpet) {
        hpet_reset(c->hpet);
    }
    i8254_reset(c->pit);
    ioapic_reset(c->ioapic);
}

static void pc_userchips_reset_handler(void *opaque)
{
    pc_userchips_reset();
}

void pc_userchips_init(PCMachineState *pcms)
{
    PCUserChips *c = &pc_userchips;
    MemoryRegion *io = get_system_io();
    Object *owner = OBJECT(pcms);

    c->pcms = pcms;
    c->pic = i8259_init(io, owner,
                        qemu_allocate_irq(pc_userchips_pic_out, c, 0));
    apic_set_pic_hooks(pc_userchips_pic_ack, c->pic);
    c->ioapic = ioapic_new();
    ioapic_map(c->ioapic, get_system_memory(), IOAPIC_DEFAULT_BASE);
    c->ioapic_in = ioapic_get_irqs(c->ioapic);
    apic_set_eoi_hook(ioapic_eoi, c->ioapic);
    pcms->gsi = qemu_allocate_irqs(pc_userchips_gsi_set, c,
                                   PC_USERCHIPS_GSI_COUNT);
    if (pcms->hpet_enabled) {
        pcms->hpet = true;
        /* As QEMU's pc-i440fx: 3 timers, routable to IOAPIC pin 2. */
        c->hpet = hpet_init(get_system_memory(), owner, HPET_BASE, pcms->gsi,
                            qemu_allocate_irq(pc_userchips_hpet_legacy_irq,
                                              c, 0));
    }
    c->pit = i8254_init(io, owner,
                        qemu_allocate_irq(pc_userchips_pit_irq, c, 0));
    qemu_register_reset(pc_userchips_reset_handler, NULL);
}
