/*
 * apic-x2apic.c: IA32_APIC_BASE (enable, x2APIC mode, relocation of the
 * xAPIC page) and the x2APIC MSR interface 0x800-0x8ff (SDM 10.12): the
 * mode transition rules, the MSR map with its #GP cases, the 64-bit ICR
 * and SELF IPI. Accelerator-neutral: callers turn false into #GP.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "apic-internal.h"

void apic_base_reset(APICState *s)
{
    s->base = APIC_MMIO_DEFAULT | APIC_BASE_EN | (s->is_bsp ? APIC_BASE_BSP : 0);
    s->id = s->initial_id & 0xff;
    apic_page_update(s);
}

uint64_t apic_get_base(APICState *s)
{
    return s->base;
}

/* Map (or unmap) this APIC's own page when its base is not the default. */
void apic_page_update(APICState *s)
{
    hwaddr addr = s->base & APIC_BASE_ADDR;
    bool want = apic_hw_enabled(s) && !apic_x2apic_mode(s) && addr != APIC_MMIO_DEFAULT;

    if (!apic_sysmem) {
        return;
    }
    if (s->page_mapped && (!want || s->page.addr != addr)) {
        memory_region_del_subregion(apic_sysmem, &s->page);
        s->page_mapped = false;
    }
    if (want && !s->page_mapped) {
        /* Above RAM and the default window it may overlap. */
        memory_region_add_subregion_overlap(apic_sysmem, addr, &s->page, 2);
        s->page_mapped = true;
    }
}

/*
 * The states (EN, EXTD): disabled (0,0), xAPIC (1,0), x2APIC (1,1);
 * (0,1) is invalid. Allowed: disabled -> xAPIC, xAPIC -> x2APIC, and
 * any -> disabled; x2APIC -> xAPIC and disabled -> x2APIC are not (SDM
 * 10.12.5, figure 10-27). The BSP flag is read-only; reserved bits (0-7,
 * 9, above the physical address width) are the caller's to check.
 */
bool apic_set_base(APICState *s, uint64_t val)
{
    bool was_en = s->base & APIC_BASE_EN, was_x2 = apic_x2apic_mode(s);
    bool en = val & APIC_BASE_EN, x2 = (val & APIC_BASE_EXTD) != 0;

    if (x2 && !en) {
        return false;
    }
    if (x2 && !was_en) {
        return false;
    }
    if (was_x2 && en && !x2) {
        return false;
    }
    s->base = (val & (APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_EXTD)) |
              (s->base & APIC_BASE_BSP);
    if (was_en && !en) {
        /* Disabling puts the APIC in its INIT state; the ID is the initial one. */
        apic_init_reset(s);
        s->id = s->initial_id & 0xff;
    } else if (!was_x2 && x2) {
        /* The x2APIC ID is the initial APIC ID; the LDR follows from it. */
        s->id = s->initial_id;
        s->ldr = ((s->id >> 4) << 16) | (1u << (s->id & 0xf));
    }
    apic_page_update(s);
    apic_update_irq(s);
    return true;
}

/* ---- the MSR map ---- */

bool apic_msr_read(APICState *s, uint32_t msr, uint64_t *val)
{
    unsigned idx = msr - APIC_MSR_X2APIC_FIRST;

    if (msr < APIC_MSR_X2APIC_FIRST || msr > APIC_MSR_X2APIC_LAST || !apic_x2apic_mode(s)) {
        return false;
    }
    switch (idx) {
    case 0x02: case 0x03: case 0x08: case 0x0a: case 0x0d: case 0x0f:
    case 0x10 ... 0x27: case 0x28:
    case 0x32 ... 0x37: case 0x38: case 0x39: case 0x3e:
        *val = apic_reg_read(s, idx << 4);
        return true;
    case 0x30:
        *val = ((uint64_t)s->icr_hi << 32) | s->icr_lo;
        return true;
    default:
        /* EOI and SELF IPI are write-only; DFR, APR, ICR2 do not exist. */
        return false;
    }
}

bool apic_msr_write(APICState *s, uint32_t msr, uint64_t val)
{
    unsigned idx = msr - APIC_MSR_X2APIC_FIRST;

    if (msr < APIC_MSR_X2APIC_FIRST || msr > APIC_MSR_X2APIC_LAST || !apic_x2apic_mode(s)) {
        return false;
    }
    /* Only the ICR is 64 bits wide: the upper half of the rest is reserved. */
    if (idx != 0x30 && (val >> 32)) {
        return false;
    }
    switch (idx) {
    case 0x08:                          /* TPR: bits 31:8 reserved */
        if (val & ~0xffULL) {
            return false;
        }
        break;
    case 0x0b:                          /* EOI and ESR take only 0 */
    case 0x28:
        if (val) {
            return false;
        }
        break;
    case 0x30:                          /* ICR: reserved 31:20, 17:16, 13, 12 */
        if (val & 0xfff33000ULL) {
            return false;
        }
        break;
    case 0x0f: case 0x32 ... 0x37: case 0x38: case 0x3e:
        break;                          /* reserved bits are dropped, as in xAPIC */
    case 0x3f:                          /* SELF IPI: vector only */
        if (val & ~0xffULL) {
            return false;
        }
        break;
    default:
        /* ID, version, LDR, PPR, ISR/TMR/IRR, current count: read-only. */
        return false;
    }
    apic_x2apic_reg_write(s, idx, val);
    return true;
}
