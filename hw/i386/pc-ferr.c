/*
 * pc-ferr.c: the PC/AT's x87 error reporting for CR0.NE=0. FERR# sets a
 * latch that drives IRQ13 (slave 8259 input 5); a write of any value to
 * port 0xF0 clears the latch and asserts IGNNE#, which lets waiting x87
 * instructions go on until the FPU's ES flag clears (FERR# deasserted).
 * The board has one FPU error line, as the PC has: any vCPU drives it.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "hw/i386/pc-ferr.h"

struct PCFerr {
    MemoryRegion io;
    qemu_irq irq;
    bool latched;       /* IRQ13 raised by FERR#, not yet cleared at 0xF0 */
    bool ignne;         /* IGNNE# asserted by a 0xF0 write */
    gint active;        /* latched || ignne, read without the BQL */
};

static PCFerr *pc_ferr_board;

static void pc_ferr_update_active(PCFerr *s)
{
    g_atomic_int_set(&s->active, s->latched || s->ignne);
}

/* Nothing drives the data bus on a read (QEMU returns 0xff too). */
static uint64_t pc_ferr_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xff;
}

static void pc_ferr_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PCFerr *s = opaque;

    s->latched = false;
    s->ignne = true;
    pc_ferr_update_active(s);
    qemu_irq_lower(s->irq);
}

static const MemoryRegionOps pc_ferr_io_ops = {
    .read = pc_ferr_io_read,
    .write = pc_ferr_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* A machine reset clears the latch and IGNNE# (the 8259s reset themselves). */
static void pc_ferr_reset(void *opaque)
{
    PCFerr *s = opaque;

    s->latched = false;
    s->ignne = false;
    pc_ferr_update_active(s);
}

PCFerr *pc_ferr_new(qemu_irq irq, MemoryRegion *io)
{
    PCFerr *s = g_new0(PCFerr, 1);

    qemu_register_reset(pc_ferr_reset, s);

    s->irq = irq;
    memory_region_init_io(&s->io, NULL, &pc_ferr_io_ops, s, "ferr", 1);
    memory_region_add_subregion(io, PC_FERR_PORT, &s->io);
    pc_ferr_board = s;
    return s;
}

void pc_ferr_free(PCFerr *s)
{
    if (pc_ferr_board == s) {
        pc_ferr_board = NULL;
    }
    qemu_unregister_reset(pc_ferr_reset, s);
    memory_region_del_subregion(s->io.container, &s->io);
    memory_region_destroy(&s->io);
    g_free(s);
}

/* vCPU threads may run without the BQL (MTTCG); the 8259 needs it. */
static bool pc_ferr_lock(void)
{
    if (bql_locked()) {
        return false;
    }
    bql_lock();
    return true;
}

bool pc_ferr_raise(void)
{
    PCFerr *s = pc_ferr_board;
    bool wait = false, locked;

    if (!s) {
        return false;
    }
    locked = pc_ferr_lock();
    if (!s->ignne && !s->latched) {
        s->latched = true;
        pc_ferr_update_active(s);
        qemu_irq_raise(s->irq);
        wait = true;
    }
    if (locked) {
        bql_unlock();
    }
    return wait;
}

void pc_ferr_lower(void)
{
    PCFerr *s = pc_ferr_board;
    bool locked;

    if (!s || !g_atomic_int_get(&s->active)) {
        return;
    }
    locked = pc_ferr_lock();
    s->ignne = false;
    pc_ferr_update_active(s);
    if (locked) {
        bql_unlock();
    }
}
