/*
 * pm.c: "acpi-pm", the ACPI fixed-hardware PM block (PM1a event and control
 * registers, PM timer, fixed power button, S5) behind the ports the ACPI
 * tables advertise. The timer is computed on read from the VIRTUAL clock;
 * a QEMU timer runs only while the guest enabled the timer carry SCI.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/acpi/pm.h"
#include "hw/i386/acpi-build.h"
#include "hw/qdev-properties.h"
#include "system/runstate.h"

/* The 16-bit registers live in the first 8 bytes (0x06-0x07 reserved). */
#define PM_REG16_END            0x08
#define PM_STS_MASK \
    (ACPI_PM1_STS_TMR | ACPI_PM1_STS_PWRBTN | ACPI_PM1_STS_WAK)
/*
 * Every enable bit ACPI defines for PM1 reads back, as on PIIX4 and in
 * QEMU: ACPICA checks that GBL_EN and RTC_EN stick ("Could not enable
 * GlobalLock event" otherwise) even where no event ever sets the status.
 */
#define PM_EN_MASK \
    (ACPI_PM1_EN_TMR | ACPI_PM1_EN_GBL | ACPI_PM1_EN_PWRBTN | ACPI_PM1_EN_SLPBTN | \
     ACPI_PM1_EN_RTC)
#define PM_CNT_BM_RLD           (1 << 1)
#define PM_CNT_GBL_RLS          (1 << 2)
#define PM_CNT_SLP_TYP_MASK     (7 << ACPI_PM1_CNT_SLP_TYP_SHIFT)
/* What PM1a_CNT keeps; GBL_RLS and SLP_EN are write-only and read 0. */
#define PM_CNT_STORED \
    (ACPI_PM1_CNT_SCI_EN | PM_CNT_BM_RLD | PM_CNT_SLP_TYP_MASK)
/* TMR_STS is set whenever bit 23 of the counter changes. */
#define PM_TMR_HALF_SHIFT       23

/* Counter ticks since the base; split so that no product overflows. */
static int64_t pm_tmr_ticks(ACPIPMState *s)
{
    int64_t d = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - s->tmr_base_ns;

    if (d < 0) {
        d = 0;
    }
    return (d / NANOSECONDS_PER_SECOND) * ACPI_PM_TMR_FREQ +
           (d % NANOSECONDS_PER_SECOND) * ACPI_PM_TMR_FREQ /
           NANOSECONDS_PER_SECOND;
}

/* The first VIRTUAL time at which pm_tmr_ticks() reaches ticks. */
static int64_t pm_tmr_ticks_to_ns(ACPIPMState *s, int64_t ticks)
{
    int64_t q = ticks / ACPI_PM_TMR_FREQ;
    int64_t r = ticks % ACPI_PM_TMR_FREQ;

    return s->tmr_base_ns + q * NANOSECONDS_PER_SECOND +
           (r * NANOSECONDS_PER_SECOND + ACPI_PM_TMR_FREQ - 1) /
           ACPI_PM_TMR_FREQ;
}

/* Latch TMR_STS if bit 23 changed since we last looked. */
static void pm_tmr_catch_up(ACPIPMState *s)
{
    int64_t half = pm_tmr_ticks(s) >> PM_TMR_HALF_SHIFT;

    if (half != s->tmr_half_seen) {
        s->tmr_half_seen = half;
        s->sts |= ACPI_PM1_STS_TMR;
    }
}

static void pm_update_sci(ACPIPMState *s)
{
    qemu_set_irq(isa_get_irq(ISA_DEVICE(s), 0), (s->sts & s->en) != 0);
}

/* Wake at the next carry only when it can raise the SCI. */
static void pm_tmr_arm(ACPIPMState *s)
{
    if (!(s->en & ACPI_PM1_EN_TMR)) {
        timer_del(s->tmr_timer);
        return;
    }
    timer_mod(s->tmr_timer,
              pm_tmr_ticks_to_ns(s, (s->tmr_half_seen + 1)
                                 << PM_TMR_HALF_SHIFT));
}

static void pm_tmr_cb(void *opaque)
{
    ACPIPMState *s = opaque;

    pm_tmr_catch_up(s);
    pm_update_sci(s);
    pm_tmr_arm(s);
}

static void pm_powerdown(void *opaque, ShutdownCause cause)
{
    ACPIPMState *s = opaque;

    s->sts |= ACPI_PM1_STS_PWRBTN;
    pm_update_sci(s);
}

static void pm_sleep(ACPIPMState *s)
{
    unsigned typ = (s->cnt & PM_CNT_SLP_TYP_MASK) >>
                   ACPI_PM1_CNT_SLP_TYP_SHIFT;

    if (typ == ACPI_SLP_TYP_S5) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        return;
    }
    qemu_log_mask(LOG_UNIMP, "acpi-pm: sleep type %u not implemented, "
                  "only S5 (%u)\n", typ, ACPI_SLP_TYP_S5);
}

/* The value of the 16-bit register at off (0, 2, 4 or 6). */
static uint16_t pm_reg16_read(ACPIPMState *s, hwaddr off)
{
    switch (off) {
    case ACPI_PM_STS:
        pm_tmr_catch_up(s);
        return s->sts;
    case ACPI_PM_EN:
        return s->en;
    case ACPI_PM_CNT:
        return s->cnt;
    default:
        return 0;
    }
}

/* Write the bytes of val selected by mask into the register at off. */
static void pm_reg16_write(ACPIPMState *s, hwaddr off, uint16_t val,
                           uint16_t mask)
{
    val &= mask;
    switch (off) {
    case ACPI_PM_STS:
        /* Catch up first so that a carry before the write is cleared. */
        pm_tmr_catch_up(s);
        s->sts &= ~(val & PM_STS_MASK);
        break;
    case ACPI_PM_EN:
        pm_tmr_catch_up(s);
        s->en = ((s->en & ~mask) | val) & PM_EN_MASK;
        pm_tmr_arm(s);
        break;
    case ACPI_PM_CNT:
        /* No SMI_CMD: the OS can neither leave ACPI mode nor see SCI_EN 0. */
        s->cnt = (((s->cnt & ~mask) | val) & PM_CNT_STORED) |
                 ACPI_PM1_CNT_SCI_EN;
        if (val & ACPI_PM1_CNT_SLP_EN) {
            pm_sleep(s);
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "acpi-pm: write 0x%x to reserved "
                      "offset 0x%" HWADDR_PRIx "\n", val, off);
        break;
    }
}

/* Size-aligned, inside the window: what any access must be. */
static bool pm_access_ok(hwaddr addr, unsigned size, bool is_write)
{
    bool ok = (size == 1 || size == 2 || size == 4) &&
              !(addr & (size - 1)) && addr + size <= ACPI_PM_IO_SIZE;

    if (ok && addr >= ACPI_PM_TMR && addr < ACPI_PM_TMR + 4) {
        ok = !is_write && addr == ACPI_PM_TMR && size == 4;
    } else if (ok) {
        ok = addr + size <= PM_REG16_END;
    }
    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR, "acpi-pm: bad %u-byte %s at offset "
                      "0x%" HWADDR_PRIx "\n", size,
                      is_write ? "write" : "read", addr);
    }
    return ok;
}

static uint64_t pm_read(void *opaque, hwaddr addr, unsigned size)
{
    ACPIPMState *s = opaque;
    uint64_t val = 0;

    if (!pm_access_ok(addr, size, false)) {
        return 0;
    }
    if (addr == ACPI_PM_TMR) {
        return pm_tmr_ticks(s) & ACPI_PM_TMR_MASK;
    }
    /* Byte by byte, so any aligned size sees the right sub-registers. */
    for (unsigned i = 0; i < size; i++) {
        hwaddr b = addr + i;
        uint16_t reg = pm_reg16_read(s, b & ~(hwaddr)1);

        val |= (uint64_t)((reg >> ((b & 1) * 8)) & 0xff) << (i * 8);
    }
    /* Reading PM1_STS may have latched a carry the timer has yet to see. */
    pm_update_sci(s);
    return val;
}

static void pm_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    ACPIPMState *s = opaque;

    if (!pm_access_ok(addr, size, true)) {
        return;
    }
    /* One register write per 16-bit register touched, with a byte mask. */
    for (hwaddr off = addr & ~(hwaddr)1; off < addr + size; off += 2) {
        uint16_t val = 0, mask = 0;

        for (unsigned byte = 0; byte < 2; byte++) {
            hwaddr b = off + byte;

            if (b >= addr && b < addr + size) {
                val |= ((data >> ((b - addr) * 8)) & 0xff) << (byte * 8);
                mask |= 0xff << (byte * 8);
            }
        }
        pm_reg16_write(s, off, val, mask);
    }
    pm_update_sci(s);
}

static const MemoryRegionOps pm_ops = {
    .read = pm_read,
    .write = pm_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* Let everything through: pm_access_ok decides and logs. */
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4,
              .unaligned = true },
};

static void pm_reset(DeviceState *dev)
{
    ACPIPMState *s = ACPI_PM(dev);

    s->sts = 0;
    s->en = 0;
    s->cnt = ACPI_PM1_CNT_SCI_EN;
    /* The counter starts from 0 at power on. */
    s->tmr_base_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->tmr_half_seen = 0;
    if (s->tmr_timer) {
        timer_del(s->tmr_timer);
    }
    pm_update_sci(s);
}

static void pm_realize(DeviceState *dev, Error **errp)
{
    ACPIPMState *s = ACPI_PM(dev);

    if ((uint32_t)s->pm_base + ACPI_PM_IO_SIZE > 0x10000) {
        error_setg(errp, "acpi-pm: pm-base 0x%x leaves no room for the "
                   "0x%x-byte block in the I/O space", s->pm_base,
                   ACPI_PM_IO_SIZE);
        return;
    }
    if (s->sci_irq >= ISA_NUM_IRQS) {
        error_setg(errp, "acpi-pm: sci-irq %u is not an ISA IRQ (0-%d)",
                   s->sci_irq, ISA_NUM_IRQS - 1);
        return;
    }
    s->tmr_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, pm_tmr_cb, s);
    pm_reset(dev);
    memory_region_init_io(&s->io, OBJECT(dev), &pm_ops, s, "acpi-pm",
                          ACPI_PM_IO_SIZE);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->pm_base);
    qemu_register_powerdown_notifier(pm_powerdown, s);
    s->notifier_registered = true;
}

static void pm_unrealize(DeviceState *dev)
{
    ACPIPMState *s = ACPI_PM(dev);

    if (s->notifier_registered) {
        qemu_unregister_request_notifier(pm_powerdown, s);
        s->notifier_registered = false;
    }
    isa_unregister_ioport(ISA_DEVICE(dev), &s->io);
    timer_free(s->tmr_timer);
    s->tmr_timer = NULL;
}

/* The region may outlive unrealize in a flat view; free it with us. */
static void pm_finalize(Object *obj)
{
    ACPIPMState *s = ACPI_PM(obj);

    if (s->io.initialized) {
        memory_region_destroy(&s->io);
    }
}

DeviceState *acpi_pm_create(uint16_t base, qemu_irq sci, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_ACPI_PM);

    qdev_prop_set_uint16(dev, "pm-base", base);
    isa_connect_irq(ISA_DEVICE(dev), 0, sci);
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        object_unparent(OBJECT(dev));   /* drops the tree's reference */
        return NULL;
    }
    return dev;
}

void acpi_pm_timer_warp(DeviceState *dev, int64_t ns)
{
    ACPIPMState *s = ACPI_PM(dev);

    if (ns <= 0) {
        return;
    }
    s->tmr_base_ns -= ns;
    pm_tmr_arm(s);
}

static Property pm_props[] = {
    DEFINE_PROP_UINT16("pm-base", ACPIPMState, pm_base, ACPI_PC_PM1A_EVT_BLK),
    DEFINE_PROP_UINT8("sci-irq", ACPIPMState, sci_irq, ACPI_PC_SCI_IRQ),
    DEFINE_PROP_END_OF_LIST(),
};

static void pm_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pm_realize;
    dc->unrealize = pm_unrealize;
    dc->reset = pm_reset;
    dc->desc = "ACPI fixed-hardware power management (PM1a, PM timer)";
    /* Part of the board: its ports are written into the ACPI tables. */
    dc->user_creatable = false;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, pm_props);
}

static const TypeInfo pm_info = {
    .name = TYPE_ACPI_PM,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ACPIPMState),
    .instance_finalize = pm_finalize,
    .class_init = pm_class_init,
};

static void pm_register_types(void)
{
    type_register_static(&pm_info);
}

type_init(pm_register_types)
