/*
 * apic.c: the local APIC (xAPIC) of each vCPU under TCG: registers,
 * priorities (TPR/PPR/ISR/IRR), EOI with the IOAPIC's EOI broadcast, IPIs
 * (fixed, lowest priority, NMI, INIT, SIPI; physical and flat/cluster
 * logical destinations), the LVT and the timer (one-shot and periodic),
 * and the 8259 behind LINT0 as ExtINT. Not modelled: x2APIC, TSC
 * deadline, relocation of the APIC page (it stays at 0xfee00000).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "hw/intc/apic.h"
#include "exec/exec-all.h"

/* accel/tcg's vCPU running on this thread (translate-all.c). */
extern __thread CPUState *current_cpu;

#define APIC_LVT_NB         6
#define APIC_LVT_TIMER      0
#define APIC_LVT_LINT0      3
#define APIC_LVT_LINT1      4
#define APIC_LVT_ERROR      5
#define APIC_LVT_MASKED     (1u << 16)
#define APIC_LVT_LEVEL      (1u << 15)
#define APIC_LVT_TIMER_MODE (3u << 17)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_SVR_ENABLE     (1u << 8)
#define APIC_ICR_LEVEL      (1u << 14)
#define APIC_ICR_TRIGGER    (1u << 15)
#define APIC_ICR_DESTMODE   (1u << 11)

/* Only the architecturally writable bits of each LVT entry. */
static const uint32_t apic_lvt_mask[APIC_LVT_NB] = {
    0x710ff,        /* timer: vector, mask, mode */
    0x107ff,        /* thermal */
    0x107ff,        /* perf */
    0x1a7ff,        /* LINT0: + polarity, trigger */
    0x1a7ff,        /* LINT1 */
    0x100ff,        /* error */
};

struct APICState {
    X86TCGCPU *cpu;
    uint32_t id;                /* 8-bit xAPIC ID */
    uint8_t tpr;
    uint32_t ldr, dfr, svr, esr, esr_pending;
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[APIC_LVT_NB];
    uint32_t divide;            /* the register as written */
    unsigned count_shift;       /* log2 of the divisor */
    uint32_t initial_count;
    int64_t load_time;          /* ns when initial_count was written */
    int64_t next_time;          /* -1: timer not armed */
    uint32_t isr[8], tmr[8], irr[8];
    bool extint_pending;        /* an ExtINT message: read the 8259 */
    QEMUTimer *timer;
};

static GPtrArray *apic_all;
static MemoryRegion apic_mr;
static int (*apic_pic_read)(void *opaque);
static void *apic_pic_opaque;
static int apic_pic_level;
static void (*apic_eoi_cb)(void *opaque, int vector);
static void *apic_eoi_opaque;

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

static bool apic_hw_enabled(APICState *s)
{
    return !s->cpu || (s->cpu->env.apic_base & MSR_IA32_APICBASE_ENABLE);
}

static bool apic_sw_enabled(APICState *s)
{
    return s->svr & APIC_SVR_ENABLE;
}

static CPUState *apic_cs(APICState *s)
{
    return s->cpu ? &s->cpu->parent : NULL;
}

static uint8_t apic_ppr(APICState *s)
{
    int isrv = apic_highest(s->isr);

    if (isrv < 0 || (s->tpr >> 4) >= (isrv >> 4)) {
        return s->tpr;
    }
    return isrv & 0xf0;
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

/* Raise or drop CPU_INTERRUPT_HARD after any change of IRR/ISR/TPR. */
static void apic_update_irq(APICState *s)
{
    CPUState *cs = apic_cs(s);

    if (!cs) {
        return;
    }
    if ((apic_hw_enabled(s) && apic_sw_enabled(s) && apic_pending(s) >= 0) ||
        s->extint_pending || (apic_pic_level && apic_accept_pic_intr(s))) {
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    } else {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    }
}

static void apic_set_irq(APICState *s, int vector, bool level)
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

static void apic_update_timer_shift(APICState *s)
{
    unsigned v = (s->divide & 3) | ((s->divide >> 1) & 4);

    s->count_shift = (v + 1) & 7;
}

/* INIT: everything but the ID back to the power-up values. */
static void apic_init_reset(APICState *s)
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
    s->divide = 0;
    apic_update_timer_shift(s);
    s->initial_count = 0;
    s->load_time = 0;
    s->next_time = -1;
    timer_del(s->timer);
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    s->extint_pending = false;
}

void apic_reset(APICState *s)
{
    apic_init_reset(s);
    /*
     * As QEMU's pc: the BSP's LINT0 starts as unmasked ExtINT (the
     * firmware's setting), so that the 8259 reaches it.
     */
    if (s->cpu && s->cpu->is_bsp) {
        s->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << 8;
    }
    apic_update_irq(s);
}

static void apic_timer_cb(void *opaque)
{
    apic_timer_fire(opaque);
}

APICState *apic_new(X86TCGCPU *cpu, uint32_t apic_id)
{
    APICState *s = g_new0(APICState, 1);

    s->cpu = cpu;
    s->id = apic_id & 0xff;
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, apic_timer_cb, s);
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
    g_ptr_array_remove(apic_all, s);
    timer_free(s->timer);
    g_free(s);
}

APICState *apic_of(X86TCGCPU *cpu)
{
    for (guint i = 0; apic_all && i < apic_all->len; i++) {
        APICState *s = g_ptr_array_index(apic_all, i);

        if (s->cpu == cpu) {
            return s;
        }
    }
    return NULL;
}

/* ---- the timer: the input clock is 1 GHz of QEMU_CLOCK_VIRTUAL ---- */

static uint64_t apic_timer_period(APICState *s)
{
    return ((uint64_t)s->initial_count + 1) << s->count_shift;
}

/* Arm the QEMUTimer for the next expiry after now, or disarm it. */
static void apic_timer_arm(APICState *s, int64_t now)
{
    uint64_t period = apic_timer_period(s);
    uint64_t elapsed;

    if (s->initial_count == 0 ||
        (s->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_MODE) > APIC_TIMER_PERIODIC) {
        s->next_time = -1;
        timer_del(s->timer);
        return;
    }
    elapsed = now > s->load_time ? (uint64_t)(now - s->load_time) : 0;
    if (s->lvt[APIC_LVT_TIMER] & APIC_TIMER_PERIODIC) {
        s->next_time = s->load_time + (int64_t)((elapsed / period + 1) * period);
    } else if (elapsed < period) {
        s->next_time = s->load_time + (int64_t)period;
    } else {
        s->next_time = -1;
        timer_del(s->timer);
        return;
    }
    timer_mod(s->timer, s->next_time);
}

static uint32_t apic_current_count(APICState *s)
{
    int64_t now = apic_clock_ns();
    uint64_t d;

    if (s->initial_count == 0 || now < s->load_time) {
        return s->initial_count;
    }
    d = (uint64_t)(now - s->load_time) >> s->count_shift;
    if (s->lvt[APIC_LVT_TIMER] & APIC_TIMER_PERIODIC) {
        return s->initial_count - (uint32_t)(d % ((uint64_t)s->initial_count + 1));
    }
    return d >= s->initial_count ? 0 : s->initial_count - (uint32_t)d;
}

int64_t apic_timer_deadline(APICState *s)
{
    return s->next_time;
}

void apic_timer_fire(APICState *s)
{
    uint32_t lvt = s->lvt[APIC_LVT_TIMER];

    if (s->next_time < 0) {
        return;
    }
    if (!(lvt & APIC_LVT_MASKED) && apic_hw_enabled(s)) {
        apic_set_irq(s, lvt & 0xff, false);
    }
    apic_timer_arm(s, s->next_time);
}

/* ---- the APIC bus ---- */

static bool apic_match_logical(APICState *s, uint8_t dest)
{
    uint8_t ldr = s->ldr >> 24;

    if (dest == 0xff) {
        return true;
    }
    if ((s->dfr >> 28) == 0xf) {        /* flat */
        return dest & ldr;
    }
    /* cluster: high nibble is the cluster, low nibble a bitmap */
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

static bool apic_match(APICState *s, uint8_t dest, bool logical)
{
    if (logical) {
        return apic_match_logical(s, dest);
    }
    return dest == 0xff || dest == s->id;
}

static void apic_deliver_one(APICState *t, uint8_t mode, uint8_t vector, bool level)
{
    CPUState *cs = apic_cs(t);

    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        apic_set_irq(t, vector, level);
        break;
    case APIC_DM_SMI:
        qemu_log_mask(LOG_UNIMP, "apic: SMI ignored (no SMM)\n");
        break;
    case APIC_DM_NMI:
        if (cs) {
            cpu_interrupt(cs, CPU_INTERRUPT_NMI);
        }
        break;
    case APIC_DM_INIT:
        /* INIT resets the APIC (ID and base kept) and the core. */
        apic_init_reset(t);
        apic_update_irq(t);
        if (cs) {
            cpu_interrupt(cs, CPU_INTERRUPT_INIT);
        }
        break;
    case APIC_DM_SIPI:
        if (cs) {
            t->cpu->env.sipi_vector = vector;
            cpu_interrupt(cs, CPU_INTERRUPT_SIPI);
        }
        break;
    case APIC_DM_EXTINT:
        t->extint_pending = true;
        apic_update_irq(t);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "apic: reserved delivery mode %u\n", mode);
        break;
    }
}

/*
 * Deliver to every APIC in the set (self / others / all or matching
 * dest). Lowest priority goes to the one matching APIC with the lowest
 * TPR, the first found on a tie.
 */
static void apic_bus_deliver(APICState *src, unsigned shorthand, uint8_t dest,
                             bool logical, uint8_t mode, uint8_t vector, bool level)
{
    APICState *lowest = NULL;

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
            hit = apic_match(t, dest, logical);
            break;
        }
        if (!hit || !apic_hw_enabled(t)) {
            continue;
        }
        if (mode == APIC_DM_LOWEST && shorthand == 0) {
            if (!lowest || t->tpr < lowest->tpr) {
                lowest = t;
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
    apic_bus_deliver(NULL, 0, dest, dest_mode, delivery_mode, vector, trigger_mode);
}

static void apic_send_ipi(APICState *s)
{
    uint32_t lo = s->icr_lo;
    uint8_t mode = (lo >> 8) & 7;

    /* INIT level de-assert only synchronises arbitration IDs. */
    if (mode == APIC_DM_INIT && !(lo & APIC_ICR_LEVEL) && (lo & APIC_ICR_TRIGGER)) {
        return;
    }
    apic_bus_deliver(s, (lo >> 18) & 3, s->icr_hi >> 24, lo & APIC_ICR_DESTMODE,
                     mode, lo & 0xff, false);
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
 * The vCPU thread calls in without the BQL (INTA, CR8); timers and device
 * models change the same state with it held: take it here.
 */
int apic_cpu_get_interrupt(CPUX86State *env)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));
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

static void apic_eoi(APICState *s)
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

/* ---- registers ---- */

uint32_t apic_reg_read(APICState *s, hwaddr offset)
{
    unsigned idx = (offset >> 4) & 0xff;

    switch (idx) {
    case 0x02:
        return s->id << 24;
    case 0x03:
        return APIC_VERSION;
    case 0x08:
        return s->tpr;
    case 0x09:
        return 0;               /* APR: arbitration is not modelled */
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

void apic_reg_write(APICState *s, hwaddr offset, uint32_t val)
{
    unsigned idx = (offset >> 4) & 0xff;

    switch (idx) {
    case 0x02:
        s->id = val >> 24;
        break;
    case 0x08:
        apic_set_tpr(s, val & 0xff);
        break;
    case 0x0b:
        apic_eoi(s);
        break;
    case 0x0d:
        s->ldr = val & 0xff000000;
        break;
    case 0x0e:
        s->dfr = val | 0x0fffffff;
        break;
    case 0x0f:
        /* Going software-disabled masks every LVT entry (SDM 10.4.7.2). */
        if ((s->svr & APIC_SVR_ENABLE) && !(val & APIC_SVR_ENABLE)) {
            for (int i = 0; i < APIC_LVT_NB; i++) {
                s->lvt[i] |= APIC_LVT_MASKED;
            }
        }
        s->svr = val & 0x1ff;
        apic_update_irq(s);
        break;
    case 0x28:
        /* A write latches the errors seen since the last one. */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        break;
    case 0x30:
        s->icr_lo = val & 0x000ccfff;
        apic_send_ipi(s);
        break;
    case 0x31:
        s->icr_hi = val & 0xff000000;
        break;
    case 0x32 ... 0x37: {
        unsigned n = idx - 0x32;

        val &= apic_lvt_mask[n];
        if (!apic_sw_enabled(s)) {
            val |= APIC_LVT_MASKED;
        }
        s->lvt[n] = val;
        if (n == APIC_LVT_TIMER) {
            if ((val & APIC_LVT_TIMER_MODE) > APIC_TIMER_PERIODIC) {
                qemu_log_mask(LOG_UNIMP, "apic: TSC-deadline timer mode\n");
            }
            apic_timer_arm(s, apic_clock_ns());
        } else if (n == APIC_LVT_LINT0) {
            apic_update_irq(s);
        }
        break;
    }
    case 0x38:
        s->initial_count = val;
        s->load_time = apic_clock_ns();
        apic_timer_arm(s, s->load_time);
        break;
    case 0x3e: {
        /* Keep the count: re-base the load time on the new divisor. */
        uint32_t cur = apic_current_count(s);
        int64_t now = apic_clock_ns();

        s->divide = val & 0xb;
        apic_update_timer_shift(s);
        if (s->initial_count && s->next_time >= 0) {
            s->load_time = now - ((int64_t)(s->initial_count - cur) << s->count_shift);
            apic_timer_arm(s, now);
        }
        break;
    }
    case 0x03: case 0x09: case 0x0a: case 0x10 ... 0x27: case 0x39:
        break;                  /* read-only */
    default:
        s->esr_pending |= 1u << 7;  /* illegal register address */
        qemu_log_mask(LOG_GUEST_ERROR, "apic: write to reserved offset 0x%" PRIx64 "\n",
                      (uint64_t)offset);
        break;
    }
}

/* ---- the MMIO page: the APIC of the accessing vCPU ---- */

static APICState *apic_current(void)
{
    return current_cpu ? apic_of((X86TCGCPU *)current_cpu) : NULL;
}

static uint64_t apic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    APICState *s = apic_current();
    uint32_t v;

    if (!s || addr >= 0x1000 || (addr & 0xf) + size > 4) {
        return 0;
    }
    v = apic_reg_read(s, addr & ~0xfULL);
    return (v >> ((addr & 3) * 8)) & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
}

static void apic_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    APICState *s = apic_current();

    if (!s || addr >= 0x1000) {
        /* MSI writes would land above the page: not modelled. */
        return;
    }
    if (size != 4 || (addr & 0xf)) {
        qemu_log_mask(LOG_GUEST_ERROR, "apic: %u-byte write at 0x%" PRIx64 " ignored\n",
                      size, (uint64_t)addr);
        return;
    }
    apic_reg_write(s, addr, val);
}

static const MemoryRegionOps apic_mmio_ops = {
    .read = apic_mmio_read,
    .write = apic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static int apic_hook_get_tpr(CPUX86State *env)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));

    return s ? s->tpr >> 4 : -1;
}

static bool apic_hook_set_tpr(CPUX86State *env, unsigned cr8)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));

    if (!s) {
        return false;
    }
    apic_set_tpr(s, (cr8 & 0xf) << 4);
    return true;
}

/*
 * Clearing IA32_APIC_BASE.EN puts the APIC in its INIT state (ID
 * kept, LVTs masked); the 8259 then reaches the core directly (apic_accept_pic_intr).
 */
static void apic_hook_base_written(CPUX86State *env, uint64_t old)
{
    BQL_LOCK_GUARD();
    APICState *s = apic_of(env_x86cpu(env));
    uint64_t now = env->apic_base;

    if (!s) {
        return;
    }
    if ((now ^ old) & MSR_IA32_APICBASE_BASE) {
        qemu_log_mask(LOG_UNIMP, "apic: relocation to 0x%" PRIx64 " not modelled\n",
                      (uint64_t)(now & MSR_IA32_APICBASE_BASE));
    }
    if ((old & MSR_IA32_APICBASE_ENABLE) && !(now & MSR_IA32_APICBASE_ENABLE)) {
        apic_init_reset(s);
    }
    apic_update_irq(s);
}

void apic_mmio_init(MemoryRegion *sysmem)
{
    memory_region_init_io(&apic_mr, NULL, &apic_mmio_ops, NULL, "apic-msi",
                          APIC_SPACE_SIZE);
    memory_region_add_subregion(sysmem, APIC_DEFAULT_ADDRESS, &apic_mr);
    x86_get_pic_interrupt = apic_cpu_get_interrupt;
    x86_apic_get_cr8 = apic_hook_get_tpr;
    x86_apic_set_cr8 = apic_hook_set_tpr;
    x86_apic_base_written = apic_hook_base_written;
}

/* ---- info lapic ---- */

static void apic_info_bits(GString *out, const char *name, const uint32_t *v)
{
    g_string_append_printf(out, "%s\t ", name);
    for (int i = 0; i < 256; i++) {
        if (apic_bit_test(v, i)) {
            g_string_append_printf(out, " %d", i);
        }
    }
    g_string_append_c(out, '\n');
}

void apic_info(APICState *s, GString *out)
{
    static const char *const names[APIC_LVT_NB] = {
        "LVT0", "LVTT", "LVTTHMR", "LVTPC", "LVT1", "LVTERR"
    };
    /* QEMU's order: LINT0, timer, thermal, perf, LINT1, error. */
    static const int order[APIC_LVT_NB] = { 3, 0, 1, 2, 4, 5 };

    g_string_append_printf(out, "dumping local APIC state for CPU %u\n\n", s->id);
    for (int i = 0; i < APIC_LVT_NB; i++) {
        g_string_append_printf(out, "%s\t 0x%08x\n", names[i], s->lvt[order[i]]);
    }
    g_string_append_printf(out, "Timer\t DCR=0x%x (divide by %u) initial_count = %u"
                           " current_count = %u\n", s->divide, 1u << s->count_shift,
                           s->initial_count, apic_current_count(s));
    g_string_append_printf(out, "SPIV\t 0x%08x APIC %s, focus=off, spurious vec %u\n",
                           s->svr, apic_sw_enabled(s) ? "enabled" : "disabled",
                           s->svr & 0xff);
    g_string_append_printf(out, "ICR\t 0x%08x\nICR2\t 0x%08x\n", s->icr_lo, s->icr_hi);
    g_string_append_printf(out, "ESR\t 0x%08x\n", s->esr);
    apic_info_bits(out, "ISR", s->isr);
    apic_info_bits(out, "IRR", s->irr);
    g_string_append_printf(out, "\nAPR 0x00 TPR 0x%02x DFR 0x%02x LDR 0x%02x PPR 0x%02x\n",
                           s->tpr, s->dfr >> 24, s->ldr >> 24, apic_ppr(s));
}
