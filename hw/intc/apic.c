/*
 * apic.c: the local APIC of each vCPU, for any accelerator: registers,
 * priorities (TPR/PPR/APR/ISR/IRR), EOI with the IOAPIC's EOI broadcast,
 * the APIC bus (IPIs, IOAPIC messages, MSIs; physical, flat/cluster and
 * x2APIC cluster destinations), the 8259 behind LINT0 as ExtINT, the MMIO
 * window and `info lapic`. The timer is in apic-timer.c, IA32_APIC_BASE
 * and the x2APIC MSRs in apic-x2apic.c, the TCG glue in apic-tcg.c.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "apic-internal.h"

/* Only the architecturally writable bits of each LVT entry. */
static const uint32_t apic_lvt_mask[APIC_LVT_NB] = {
    0x710ff,        /* timer: vector, mask, mode */
    0x107ff,        /* thermal */
    0x107ff,        /* perf */
    0x1a7ff,        /* LINT0: + polarity, trigger */
    0x1a7ff,        /* LINT1 */
    0x100ff,        /* error */
};

static GPtrArray *apic_all;
static MemoryRegion apic_mr;
MemoryRegion *apic_sysmem;
static int (*apic_pic_read)(void *opaque);
static void *apic_pic_opaque;
static int apic_pic_level;
static void (*apic_eoi_cb)(void *opaque, int vector);
static void *apic_eoi_opaque;
static __thread APICState *apic_cur;
APICState *(*apic_current_fallback)(void);

static int64_t apic_virtual_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

int64_t (*apic_clock_ns)(void) = apic_virtual_ns;

/* ---- 256-bit vectors ---- */

static void apic_bit_set(uint32_t *v, int n)
{
    v[n >> 5] |= 1u << (n & 31);
}

static void apic_bit_clear(uint32_t *v, int n)
{
    v[n >> 5] &= ~(1u << (n & 31));
}

static bool apic_bit_test(const uint32_t *v, int n)
{
    return v[n >> 5] & (1u << (n & 31));
}

/* The highest set bit, -1 if none. */
static int apic_highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--) {
        if (v[i]) {
            return i * 32 + 31 - __builtin_clz(v[i]);
        }
    }
    return -1;
}

/* ---- state ---- */

bool apic_hw_enabled(APICState *s)
{
    return s->base & APIC_BASE_EN;
}

bool apic_x2apic_mode(APICState *s)
{
    return (s->base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

static bool apic_sw_enabled(APICState *s)
{
    return s->svr & APIC_SVR_ENABLE;
}

uint8_t apic_ppr(APICState *s)
{
    int isrv = apic_highest(s->isr);

    if (isrv < 0 || (s->tpr >> 4) >= (isrv >> 4)) {
        return s->tpr;
    }
    return isrv & 0xf0;
}

/*
 * The arbitration priority (SDM 10.8.3.1 / the P6 family's APR): the TPR
 * when it is at least the class of the highest pending and in-service
 * vectors, else the highest of those classes.
 */
static uint8_t apic_apr(APICState *s)
{
    int irrv = apic_highest(s->irr), isrv = apic_highest(s->isr);
    unsigned irr_class = irrv < 0 ? 0 : (unsigned)irrv >> 4;
    unsigned isr_class = isrv < 0 ? 0 : (unsigned)isrv >> 4;
    unsigned tpr_class = s->tpr >> 4;

    if (tpr_class >= irr_class && tpr_class > isr_class) {
        return s->tpr;
    }
    return MAX(tpr_class, MAX(irr_class, isr_class)) << 4;
}

/* The highest IRR vector whose class is above the PPR, -1 if none. */
static int apic_pending(APICState *s)
{
    int irrv = apic_highest(s->irr);

    if (irrv < 0) {
        return -1;
    }
    if ((irrv & 0xf0) <= (apic_ppr(s) & 0xf0)) {
        return -1;
    }
    return irrv;
}

static bool apic_accept_pic_intr(APICState *s)
{
    uint32_t lvt0 = s->lvt[APIC_LVT_LINT0];

    /* A hardware-disabled APIC passes INTR straight through. */
    if (!apic_hw_enabled(s)) {
        return true;
    }
    return !(lvt0 & APIC_LVT_MASKED) && ((lvt0 >> 8) & 7) == APIC_DM_EXTINT;
}

/* Tell the vCPU whether it has an interrupt to take, after any change. */
void apic_update_irq(APICState *s)
{
    bool pending;

    if (!s->ops || !s->ops->set_intr) {
        return;
    }
    pending = (apic_hw_enabled(s) && apic_sw_enabled(s) && apic_pending(s) >= 0) ||
              s->extint_pending || (apic_pic_level && apic_accept_pic_intr(s));
    s->ops->set_intr(s->cpu, pending);
}

void apic_set_irq(APICState *s, int vector, bool level)
{
    if (vector < 16) {
        /* Vectors 0-15 are illegal: "received illegal vector". */
        s->esr_pending |= 1u << 6;
        return;
    }
    apic_bit_set(s->irr, vector);
    if (level) {
        apic_bit_set(s->tmr, vector);
    } else {
        apic_bit_clear(s->tmr, vector);
    }
    apic_update_irq(s);
}

/* INIT: everything but the ID and IA32_APIC_BASE back to the power-up values. */
void apic_init_reset(APICState *s)
{
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (int i = 0; i < APIC_LVT_NB; i++) {
        s->lvt[i] = APIC_LVT_MASKED;
    }
    apic_timer_reset(s);
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    s->extint_pending = false;
    /* In x2APIC mode the LDR is derived from the ID and survives INIT. */
    if (apic_x2apic_mode(s)) {
        s->ldr = ((s->id >> 4) << 16) | (1u << (s->id & 0xf));
    }
}

void apic_reset(APICState *s)
{
    apic_base_reset(s);
    apic_init_reset(s);
    /*
     * As QEMU's pc: the BSP's LINT0 starts as unmasked ExtINT (the
     * firmware's setting), so that the 8259 reaches it.
     */
    if (s->is_bsp) {
        s->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << 8;
    }
    apic_update_irq(s);
}

static void apic_timer_cb(void *opaque)
{
    apic_timer_fire(opaque);
}

APICState *apic_new_cpu(const APICCpuOps *ops, void *cpu, uint32_t apic_id, bool is_bsp)
{
    APICState *s = g_new0(APICState, 1);

    s->ops = ops;
    s->cpu = cpu;
    s->is_bsp = is_bsp;
    s->initial_id = apic_id;
    s->tsc_khz = 1000000;
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, apic_timer_cb, s);
    memory_region_init_io(&s->page, NULL, &apic_page_ops, s, "apic-relocated", 0x1000);
    apic_reset(s);
    if (!apic_all) {
        apic_all = g_ptr_array_new();
    }
    g_ptr_array_add(apic_all, s);
    return s;
}

void apic_free(APICState *s)
{
    if (!s) {
        return;
    }
    if (s->page_mapped && apic_sysmem) {
        memory_region_del_subregion(apic_sysmem, &s->page);
    }
    memory_region_destroy(&s->page);
    if (apic_cur == s) {
        apic_cur = NULL;
    }
    g_ptr_array_remove(apic_all, s);
    timer_free(s->timer);
    g_free(s);
}

APICState *apic_next(APICState *prev)
{
    guint i = 0;

    if (!apic_all) {
        return NULL;
    }
    if (prev) {
        if (!g_ptr_array_find(apic_all, prev, &i)) {
            return NULL;
        }
        i++;
    }
    return i < apic_all->len ? g_ptr_array_index(apic_all, i) : NULL;
}

void *apic_get_cpu(APICState *s)
{
    return s->cpu;
}

void apic_set_current(APICState *s)
{
    apic_cur = s;
}

APICState *apic_current(void)
{
    if (apic_cur) {
        return apic_cur;
    }
    return apic_current_fallback ? apic_current_fallback() : NULL;
}

/* ---- the APIC bus ---- */

/* An 8-bit xAPIC destination. */
static bool apic_match_xapic(APICState *s, uint8_t dest, bool logical)
{
    uint8_t ldr = s->ldr >> 24;

    if (dest == 0xff) {
        return true;
    }
    if (apic_x2apic_mode(s)) {
        /*
         * An xAPIC-format message (IOAPIC, MSI) to an x2APIC: physical
         * matches the ID; logical takes the 8 bits as a bitmap of
         * cluster 0 (without interrupt remapping there is nothing better).
         */
        if (!logical) {
            return dest == s->id;
        }
        return (s->ldr >> 16) == 0 && (dest & s->ldr & 0xff);
    }
    if (!logical) {
        return dest == s->id;
    }
    if ((s->dfr >> 28) == 0xf) {        /* flat */
        return dest & ldr;
    }
    /* cluster: high nibble is the cluster, low nibble a bitmap */
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

/* A 32-bit x2APIC destination (from an x2APIC's ICR). */
static bool apic_match_x2apic(APICState *s, uint32_t dest, bool logical)
{
    if (dest == 0xffffffff) {
        return true;
    }
    if (!apic_x2apic_mode(s)) {
        /* Mixed modes are undefined: read it as an xAPIC message. */
        return dest < 0xff && apic_match_xapic(s, dest, logical);
    }
    if (!logical) {
        return dest == s->id;
    }
    /* Cluster ID in bits 31:16, a bitmap of 16 APICs in 15:0. */
    return (dest >> 16) == (s->ldr >> 16) && (dest & s->ldr & 0xffff);
}

static void apic_deliver_one(APICState *t, uint8_t mode, uint8_t vector, bool level)
{
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        apic_set_irq(t, vector, level);
        break;
    case APIC_DM_SMI:
        qemu_log_mask(LOG_UNIMP, "apic: SMI ignored (no SMM)\n");
        break;
    case APIC_DM_NMI:
        if (t->ops && t->ops->nmi) {
            t->ops->nmi(t->cpu);
        }
        break;
    case APIC_DM_INIT:
        /* INIT resets the APIC (ID and base kept) and the core. */
        apic_init_reset(t);
        apic_update_irq(t);
        if (t->ops && t->ops->init) {
            t->ops->init(t->cpu);
        }
        break;
    case APIC_DM_SIPI:
        if (t->ops && t->ops->sipi) {
            t->ops->sipi(t->cpu, vector);
        }
        break;
    case APIC_DM_EXTINT:
        t->extint_pending = true;
        apic_update_irq(t);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "apic: reserved delivery mode %u\n", mode);
        return;
    }
    if (t->ops && t->ops->kick) {
        t->ops->kick(t->cpu);
    }
}

void apic_bus_deliver(APICState *src, unsigned shorthand, uint32_t dest, bool x2,
                      bool logical, uint8_t mode, uint8_t vector, bool level)
{
    APICState *lowest = NULL;
    uint8_t lowest_apr = 0;

    /*
     * Lowest priority goes to the matching APIC with the lowest
     * arbitration priority, the first found on a tie.
     */
    for (guint i = 0; apic_all && i < apic_all->len; i++) {
        APICState *t = g_ptr_array_index(apic_all, i);
        bool hit;

        switch (shorthand) {
        case 1:
            hit = t == src;
            break;
        case 2:
            hit = true;
            break;
        case 3:
            hit = t != src;
            break;
        default:
            hit = x2 ? apic_match_x2apic(t, dest, logical)
                     : apic_match_xapic(t, dest, logical);
            break;
        }
        if (!hit || !apic_hw_enabled(t)) {
            continue;
        }
        if (mode == APIC_DM_LOWEST && shorthand == 0) {
            uint8_t apr = apic_apr(t);

            if (!lowest || apr < lowest_apr) {
                lowest = t;
                lowest_apr = apr;
            }
            continue;
        }
        apic_deliver_one(t, mode, vector, level);
    }
    if (lowest) {
        apic_deliver_one(lowest, mode, vector, level);
    }
}

void apic_deliver_irq(uint8_t dest, uint8_t dest_mode, uint8_t delivery_mode,
                      uint8_t vector, uint8_t trigger_mode)
{
    apic_bus_deliver(NULL, 0, dest, false, dest_mode, delivery_mode, vector, trigger_mode);
}

void apic_send_msi(uint64_t addr, uint32_t data)
{
    uint8_t mode = (data >> 8) & 7;

    if ((addr >> 20) != (APIC_MMIO_DEFAULT >> 20)) {
        qemu_log_mask(LOG_GUEST_ERROR, "apic: MSI to 0x%" PRIx64 " outside the APIC "
                      "window\n", addr);
        return;
    }
    if (mode == 3 || mode == APIC_DM_SIPI) {
        qemu_log_mask(LOG_GUEST_ERROR, "apic: MSI with reserved delivery mode %u\n",
                      mode);
        return;
    }
    /*
     * Destination ID in bits 19:12, DM in bit 2. RH (bit 3) only allows
     * the chipset to redirect among the destinations; delivering to the
     * one named is a valid choice.
     */
    apic_bus_deliver(NULL, 0, (addr >> 12) & 0xff, false, (addr >> 2) & 1, mode,
                     data & 0xff, (data >> 15) & 1);
}

void apic_send_ipi(APICState *s)
{
    uint32_t lo = s->icr_lo;
    uint8_t mode = (lo >> 8) & 7;
    bool x2 = apic_x2apic_mode(s);

    /* INIT level de-assert only synchronises arbitration IDs. */
    if (mode == APIC_DM_INIT && !(lo & APIC_ICR_LEVEL) && (lo & APIC_ICR_TRIGGER)) {
        return;
    }
    apic_bus_deliver(s, (lo >> 18) & 3, x2 ? s->icr_hi : s->icr_hi >> 24, x2,
                     lo & APIC_ICR_DESTMODE, mode, lo & 0xff, false);
}

/* ---- interrupt acknowledge and EOI ---- */

int apic_get_interrupt(APICState *s)
{
    int v;

    if (!apic_hw_enabled(s) || !apic_sw_enabled(s)) {
        return -1;
    }
    v = apic_highest(s->irr);
    if (v < 0) {
        return -1;
    }
    if ((v & 0xf0) <= (apic_ppr(s) & 0xf0)) {
        return s->svr & 0xff;
    }
    apic_bit_clear(s->irr, v);
    apic_bit_set(s->isr, v);
    apic_update_irq(s);
    return v;
}

static int apic_read_pic(void)
{
    return apic_pic_read ? apic_pic_read(apic_pic_opaque) : -1;
}

/*
 * The vCPU thread calls in without the BQL (INTA); timers and device
 * models change the same state with it held: take it here.
 */
int apic_ack_interrupt(APICState *s)
{
    BQL_LOCK_GUARD();
    int v;

    if (!s) {
        return apic_read_pic();
    }
    if (s->extint_pending) {
        s->extint_pending = false;
        v = apic_read_pic();
        apic_update_irq(s);
        return v;
    }
    if (apic_hw_enabled(s) && apic_sw_enabled(s) && apic_pending(s) >= 0) {
        return apic_get_interrupt(s);
    }
    /* Nothing above the PPR: the 8259 through LINT0 (ExtINT), if wired. */
    if (apic_pic_level && apic_accept_pic_intr(s)) {
        v = apic_read_pic();
        apic_update_irq(s);
        return v;
    }
    return -1;
}

void apic_eoi(APICState *s)
{
    int v = apic_highest(s->isr);

    if (v < 0) {
        return;
    }
    apic_bit_clear(s->isr, v);
    if (apic_bit_test(s->tmr, v) && apic_eoi_cb) {
        apic_eoi_cb(apic_eoi_opaque, v);
    }
    apic_update_irq(s);
}

void apic_set_pic_hooks(int (*read_irq)(void *opaque), void *opaque)
{
    apic_pic_read = read_irq;
    apic_pic_opaque = opaque;
}

void apic_deliver_pic_intr(int level)
{
    apic_pic_level = level;
    for (guint i = 0; apic_all && i < apic_all->len; i++) {
        apic_update_irq(g_ptr_array_index(apic_all, i));
    }
}

void apic_set_eoi_hook(void (*eoi)(void *opaque, int vector), void *opaque)
{
    apic_eoi_cb = eoi;
    apic_eoi_opaque = opaque;
}

uint8_t apic_get_tpr(APICState *s)
{
    return s->tpr;
}

void apic_set_tpr(APICState *s, uint8_t tpr)
{
    s->tpr = tpr;
    apic_update_irq(s);
}

/* ---- xAPIC registers ---- */

uint32_t apic_reg_read(APICState *s, hwaddr offset)
{
    unsigned idx = (offset >> 4) & 0xff;

    switch (idx) {
    case 0x02:
        return apic_x2apic_mode(s) ? s->id : s->id << 24;
    case 0x03:
        return APIC_VERSION;
    case 0x08:
        return s->tpr;
    case 0x09:
        return apic_apr(s);
    case 0x0a:
        return apic_ppr(s);
    case 0x0d:
        return s->ldr;
    case 0x0e:
        return s->dfr;
    case 0x0f:
        return s->svr;
    case 0x10 ... 0x17:
        return s->isr[idx - 0x10];
    case 0x18 ... 0x1f:
        return s->tmr[idx - 0x18];
    case 0x20 ... 0x27:
        return s->irr[idx - 0x20];
    case 0x28:
        return s->esr;
    case 0x30:
        return s->icr_lo;       /* delivery status: always idle */
    case 0x31:
        return s->icr_hi;
    case 0x32 ... 0x37:
        return s->lvt[idx - 0x32];
    case 0x38:
        return s->initial_count;
    case 0x39:
        return apic_current_count(s);
    case 0x3e:
        return s->divide;
    default:
        return 0;
    }
}

static void apic_write_svr(APICState *s, uint32_t val)
{
    /* Going software-disabled masks every LVT entry (SDM 10.4.7.2). */
    if ((s->svr & APIC_SVR_ENABLE) && !(val & APIC_SVR_ENABLE)) {
        for (int i = 0; i < APIC_LVT_NB; i++) {
            s->lvt[i] |= APIC_LVT_MASKED;
        }
    }
    s->svr = val & 0x1ff;
    apic_update_irq(s);
}

static void apic_write_lvt(APICState *s, unsigned n, uint32_t val)
{
    val &= apic_lvt_mask[n];
    if (!apic_sw_enabled(s)) {
        val |= APIC_LVT_MASKED;
    }
    if (n == APIC_LVT_TIMER) {
        apic_timer_write_lvt(s, val);
        return;
    }
    s->lvt[n] = val;
    if (n == APIC_LVT_LINT0) {
        apic_update_irq(s);
    }
}

/*
 * The registers whose writes mean the same in xAPIC and x2APIC mode;
 * false for the others, which each mode decodes itself.
 */
static bool apic_write_shared(APICState *s, unsigned idx, uint32_t val)
{
    switch (idx) {
    case 0x08:
        apic_set_tpr(s, val & 0xff);
        return true;
    case 0x0b:
        apic_eoi(s);
        return true;
    case 0x0f:
        apic_write_svr(s, val);
        return true;
    case 0x28:
        /* A write latches the errors seen since the last one. */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        return true;
    case 0x32 ... 0x37:
        apic_write_lvt(s, idx - 0x32, val);
        return true;
    case 0x38:
        apic_timer_write_initial(s, val);
        return true;
    case 0x3e:
        apic_timer_write_divide(s, val);
        return true;
    default:
        return false;
    }
}

void apic_reg_write(APICState *s, hwaddr offset, uint32_t val)
{
    unsigned idx = (offset >> 4) & 0xff;

    if (apic_write_shared(s, idx, val)) {
        return;
    }
    switch (idx) {
    case 0x02:
        s->id = val >> 24;
        break;
    case 0x0d:
        s->ldr = val & 0xff000000;
        break;
    case 0x0e:
        s->dfr = val | 0x0fffffff;
        break;
    case 0x30:
        s->icr_lo = val & 0x000ccfff;
        apic_send_ipi(s);
        break;
    case 0x31:
        s->icr_hi = val & 0xff000000;
        break;
    case 0x03: case 0x09: case 0x0a: case 0x10 ... 0x27: case 0x39:
        break;                  /* read-only */
    default:
        s->esr_pending |= 1u << 7;  /* illegal register address */
        qemu_log_mask(LOG_GUEST_ERROR, "apic: write to reserved offset 0x%" PRIx64 "\n",
                      (uint64_t)offset);
        break;
    }
}

/*
 * x2APIC-mode writes that go through the xAPIC register semantics (the
 * MSR layer has checked access rights and reserved bits).
 */
void apic_x2apic_reg_write(APICState *s, unsigned idx, uint64_t val)
{
    if (apic_write_shared(s, idx, val)) {
        return;
    }
    switch (idx) {
    case 0x30:
        s->icr_lo = val & 0x000ccfff & ~(1u << 12);
        s->icr_hi = val >> 32;
        apic_send_ipi(s);
        break;
    case 0x3f:
        apic_bus_deliver(s, 1, 0, true, false, APIC_DM_FIXED, val & 0xff, false);
        break;
    default:
        break;
    }
}

/* ---- the MMIO window ---- */

/* A read or write of the xAPIC page of s (at page offset addr). */
static uint64_t apic_page_read(APICState *s, hwaddr addr, unsigned size)
{
    uint32_t v;

    /* In x2APIC mode the page is gone: reads see nothing (SDM 10.12.1.2). */
    if (!s || apic_x2apic_mode(s) || !apic_hw_enabled(s) || (addr & 0xf) + size > 4) {
        return 0;
    }
    v = apic_reg_read(s, addr & ~0xfULL);
    return (v >> ((addr & 3) * 8)) & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
}

static void apic_page_write(APICState *s, hwaddr addr, uint64_t val, unsigned size)
{
    if (apic_x2apic_mode(s) || !apic_hw_enabled(s)) {
        return;
    }
    if (size != 4 || (addr & 0xf)) {
        qemu_log_mask(LOG_GUEST_ERROR, "apic: %u-byte write at 0x%" PRIx64 " ignored\n",
                      size, (uint64_t)addr);
        return;
    }
    apic_reg_write(s, addr, val);
}

/*
 * The APIC of the vCPU doing the access, if its page is at the default
 * base; NULL for devices (no vCPU on the thread) and relocated APICs.
 */
static APICState *apic_window_owner(void)
{
    APICState *s = apic_current();

    if (!s || (s->base & APIC_BASE_ADDR) != APIC_MMIO_DEFAULT) {
        return NULL;
    }
    return s;
}

static MemTxResult apic_window_read(void *opaque, hwaddr addr, uint64_t *data,
                                    unsigned size, MemTxAttrs attrs)
{
    *data = addr < 0x1000 ? apic_page_read(apic_window_owner(), addr, size) : 0;
    return MEMTX_OK;
}

/*
 * A write to the page from a vCPU is a register write; anything else in
 * the window (and any write from a thread with no vCPU, or with a PCI
 * requester ID) is a message signalled interrupt.
 */
static MemTxResult apic_window_write(void *opaque, hwaddr addr, uint64_t val,
                                     unsigned size, MemTxAttrs attrs)
{
    APICState *s = apic_window_owner();

    if (addr < 0x1000 && s && !attrs.requester_id) {
        apic_page_write(s, addr, val, size);
        return MEMTX_OK;
    }
    if (!s && addr < 0x1000 && apic_current()) {
        return MEMTX_OK;        /* a relocated APIC's CPU: nothing here */
    }
    if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR, "apic: %u-byte MSI write ignored\n", size);
        return MEMTX_OK;
    }
    apic_send_msi(APIC_MMIO_DEFAULT + addr, val);
    return MEMTX_OK;
}

static const MemoryRegionOps apic_window_ops = {
    .read_with_attrs = apic_window_read,
    .write_with_attrs = apic_window_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* The page of one relocated APIC: only its own vCPU sees registers. */
static uint64_t apic_reloc_read(void *opaque, hwaddr addr, unsigned size)
{
    APICState *s = opaque;

    return apic_current() == s ? apic_page_read(s, addr, size) : 0;
}

static void apic_reloc_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    APICState *s = opaque;

    if (apic_current() == s) {
        apic_page_write(s, addr, val, size);
    }
}

const MemoryRegionOps apic_page_ops = {
    .read = apic_reloc_read,
    .write = apic_reloc_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void apic_mmio_init(MemoryRegion *sysmem)
{
    /* Again (unit tests with a fresh address space): move the window. */
    if (apic_sysmem) {
        for (guint i = 0; apic_all && i < apic_all->len; i++) {
            APICState *s = g_ptr_array_index(apic_all, i);

            if (s->page_mapped) {
                memory_region_del_subregion(apic_sysmem, &s->page);
                s->page_mapped = false;
            }
        }
        memory_region_del_subregion(apic_sysmem, &apic_mr);
        memory_region_destroy(&apic_mr);
    }
    apic_sysmem = sysmem;
    memory_region_init_io(&apic_mr, NULL, &apic_window_ops, NULL, "apic-msi",
                          APIC_SPACE_SIZE);
    memory_region_add_subregion(sysmem, APIC_MMIO_DEFAULT, &apic_mr);
    for (guint i = 0; apic_all && i < apic_all->len; i++) {
        apic_page_update(g_ptr_array_index(apic_all, i));
    }
}

/* ---- info lapic: QEMU's text, field for field ---- */

static void apic_info_bits(GString *out, const char *name, const uint32_t *v)
{
    bool any = false;

    g_string_append_printf(out, "%s\t", name);
    for (int i = 0; i < 256; i++) {
        if (apic_bit_test(v, i)) {
            g_string_append_printf(out, " %d", i);
            any = true;
        }
    }
    g_string_append(out, any ? "\n" : " (none)\n");
}

static void apic_info_lvt(GString *out, const char *name, uint32_t lvt, bool timer)
{
    static const char *const dm[8] = {
        "Fixed", "LowPri", "SMI", "...", "NMI", "INIT", "...", "ExtINT"
    };
    static const char *const tm[4] = { "one-shot", "periodic", "tsc-deadline", "..." };
    unsigned mode = (lvt >> 8) & 7;

    g_string_append_printf(out, "%s\t 0x%08x %s %-5s %-6s %-7s %-12s %-6s", name, lvt,
                           (lvt & (1u << 13)) ? "active-lo" : "active-hi",
                           (lvt & APIC_LVT_LEVEL) ? "level" : "edge",
                           (lvt & APIC_LVT_MASKED) ? "masked" : "",
                           (lvt & (1u << 12)) ? "pending" : "",
                           timer ? tm[(lvt >> 17) & 3] : "", dm[mode]);
    if (mode != APIC_DM_SMI && mode != APIC_DM_NMI && mode != APIC_DM_INIT) {
        g_string_append_printf(out, " (vec %u)", lvt & 0xff);
    }
    g_string_append_c(out, '\n');
}

void apic_format_info(APICState *s, GString *out)
{
    static const char *const shorthand[4] = { "no-shorthand", "self", "all-self", "all" };
    bool x2 = apic_x2apic_mode(s);
    uint32_t icr = s->icr_lo;

    g_string_append_printf(out, "dumping local APIC state for CPU %u \n\n", s->id);
    apic_info_lvt(out, "LVT0", s->lvt[APIC_LVT_LINT0], false);
    apic_info_lvt(out, "LVT1", s->lvt[APIC_LVT_LINT1], false);
    apic_info_lvt(out, "LVTPC", s->lvt[2], false);
    apic_info_lvt(out, "LVTERR", s->lvt[APIC_LVT_ERROR], false);
    apic_info_lvt(out, "LVTTHMR", s->lvt[1], false);
    apic_info_lvt(out, "LVTT", s->lvt[APIC_LVT_TIMER], true);
    g_string_append_printf(out, "Timer\t DCR=0x%x (divide by %u) initial_count = %u"
                           " current_count = %u\n", s->divide, 1u << s->count_shift,
                           s->initial_count, apic_current_count(s));
    g_string_append_printf(out, "SPIV\t 0x%08x APIC %s, focus=%s, spurious vec %u\n",
                           s->svr, apic_sw_enabled(s) ? "enabled" : "disabled",
                           (s->svr & (1u << 9)) ? "on" : "off", s->svr & 0xff);
    g_string_append_printf(out, "ICR\t 0x%08x %s %s %s %s\n", icr,
                           (icr & APIC_ICR_DESTMODE) ? "logical" : "physical",
                           (icr & APIC_ICR_TRIGGER) ? "level" : "edge",
                           (icr & APIC_ICR_LEVEL) ? "assert" : "de-assert",
                           shorthand[(icr >> 18) & 3]);
    g_string_append_printf(out, "ICR2\t 0x%08x", s->icr_hi);
    if (!((icr >> 18) & 3)) {
        uint32_t dest = x2 ? s->icr_hi : s->icr_hi >> 24;

        if (icr & APIC_ICR_DESTMODE) {
            g_string_append_printf(out, " mask 0x%x", dest);
        } else {
            g_string_append_printf(out, " cpu %u (%s)", dest, x2 ? "X2APIC ID" : "APIC ID");
        }
    }
    g_string_append_printf(out, "\nESR\t 0x%08x\n", s->esr);
    apic_info_bits(out, "ISR", s->isr);
    apic_info_bits(out, "IRR", s->irr);
    g_string_append_printf(out, "\nAPR 0x%02x TPR 0x%02x DFR 0x%02x LDR 0x%02x PPR 0x%02x\n",
                           apic_apr(s), s->tpr, x2 ? 0 : s->dfr >> 28,
                           x2 ? s->ldr : s->ldr >> 24, apic_ppr(s));
}

void apic_info(APICState *s, GString *out)
{
    apic_format_info(s, out);
}
