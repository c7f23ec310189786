/*
 * test-apic.c: the local APIC and IOAPIC models (hw/intc/apic.c,
 * ioapic.c) driven through their register interfaces: reset values,
 * writable bits, IPIs between two vCPUs (fixed, NMI, INIT/SIPI), priority
 * and EOI, the timer on a clock the test advances, IOAPIC edge/level with
 * remote IRR, CR8 <-> TPR.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"

/* accel/tcg's vCPU of this thread: the APIC page acts on its APIC. */
extern __thread CPUState *current_cpu;

typedef struct Rig {
    MemoryRegion root, ram;
    AddressSpace as;
    X86TCGCPU *cpu[2];
    APICState *apic[2];
} Rig;

static int64_t fake_now;

static int64_t fake_clock(void)
{
    return fake_now;
}

static void rig_init(Rig *r)
{
    memset(r, 0, sizeof(*r));
    memory_region_init(&r->root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&r->ram, NULL, "ram", 1 << 20, &error_abort);
    memory_region_add_subregion(&r->root, 0, &r->ram);
    address_space_init(&r->as, &r->root, "mem");
    for (int i = 0; i < 2; i++) {
        r->cpu[i] = x86_tcg_cpu_new(i, i, i == 0, NULL, &r->as, NULL, &error_abort);
        r->apic[i] = apic_new(r->cpu[i], i);
    }
    fake_now = 1000;
    apic_clock_ns = fake_clock;
}

static void rig_fini(Rig *r)
{
    for (int i = 0; i < 2; i++) {
        apic_free(r->apic[i]);
        x86_tcg_cpu_free(r->cpu[i]);
    }
    address_space_destroy(&r->as);
    memory_region_del_subregion(&r->root, &r->ram);
    memory_region_destroy(&r->ram);
    memory_region_destroy(&r->root);
}

static uint32_t irq_req(Rig *r, int i)
{
    return __atomic_load_n(&r->cpu[i]->parent.interrupt_request, __ATOMIC_SEQ_CST);
}

static void test_reset_values(void)
{
    Rig r;

    rig_init(&r);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0x20), ==, 1u << 24);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x30), ==, 0x50014);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0xe0), ==, 0xffffffff);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0xf0), ==, 0xff);
    for (hwaddr o = 0x320; o <= 0x370; o += 0x10) {
        g_assert_cmphex(apic_reg_read(r.apic[1], o), ==, 0x10000);
    }
    /* The BSP's LINT0 starts as unmasked ExtINT, as in QEMU's pc. */
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x350), ==, 0x700);
    /* Reserved bits are not stored; LVTs stay masked while SW-disabled. */
    apic_reg_write(r.apic[0], 0xf0, 0xffffffff);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0xf0), ==, 0x1ff);
    apic_reg_write(r.apic[0], 0x350, 0xffffffff);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x350), ==, 0x1a7ff);
    apic_reg_write(r.apic[0], 0x320, 0x20030);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x320), ==, 0x20030);
    apic_reg_write(r.apic[0], 0xf0, 0xff);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x320) & 0x10000, ==, 0x10000);
    apic_reg_write(r.apic[0], 0xf0, 0x1ff);
    apic_reg_write(r.apic[0], 0x370, 0x33);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x370), ==, 0x33);
    /* ESR: an illegal register write shows after the next ESR write. */
    apic_reg_write(r.apic[0], 0x3f0, 1);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x280), ==, 0);
    apic_reg_write(r.apic[0], 0x280, 0);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x280), ==, 0x80);
    rig_fini(&r);
}

static void test_fixed_ipi_priority_eoi(void)
{
    Rig r;
    GString *info = g_string_new("");

    rig_init(&r);
    apic_reg_write(r.apic[0], 0xf0, 0x1ff);
    apic_reg_write(r.apic[1], 0xf0, 0x1ff);
    /* BSP -> APIC 1: vector 0x41, then 0x52. */
    apic_reg_write(r.apic[0], 0x310, 1u << 24);
    apic_reg_write(r.apic[0], 0x300, 0x41);
    apic_reg_write(r.apic[0], 0x300, 0x52);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0x220), ==, 0x40002);   /* IRR 64-95 */
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, 0);
    /* TPR 0x50 masks class 5 and below: 0x52 waits, spurious on INTA. */
    apic_reg_write(r.apic[1], 0x80, 0x50);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, 0);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, 0xff);
    apic_reg_write(r.apic[1], 0x80, 0);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, 0x52);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0xa0), ==, 0x50);          /* PPR */
    /* 0x41 is below the in-service class: nothing until EOI. */
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, 0);
    apic_info(r.apic[1], info);
    g_assert_nonnull(strstr(info->str, "ISR\t  82"));
    apic_reg_write(r.apic[1], 0xb0, 0);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    g_assert_cmpint(apic_cpu_get_interrupt(&r.cpu[1]->env), ==, 0x41);
    apic_reg_write(r.apic[1], 0xb0, 0);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, -1);
    /* CR8 is TPR[7:4]. */
    apic_set_tpr(r.apic[0], 0x90);
    g_assert_cmpuint(apic_get_tpr(r.apic[0]), ==, 0x90);
    /* Self IPI by shorthand, logical flat destination. */
    apic_reg_write(r.apic[0], 0x300, (1u << 18) | 0xa3);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x200 + 0x50), ==, 1u << 3);
    apic_reg_write(r.apic[1], 0xd0, 0x02000000);
    apic_reg_write(r.apic[0], 0x310, 0x02000000);
    apic_reg_write(r.apic[0], 0x300, APIC_DM_FIXED << 8 | (1u << 11) | 0x61);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0x230), ==, 0x2);     /* IRR 96-127 */
    g_string_free(info, true);
    rig_fini(&r);
}

static void test_nmi_init_sipi(void)
{
    Rig r;
    CPUState *ap;

    rig_init(&r);
    ap = &r.cpu[1]->parent;
    g_assert_true(ap->halted);
    apic_reg_write(r.apic[0], 0x310, 1u << 24);
    apic_reg_write(r.apic[0], 0x300, APIC_DM_NMI << 8);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_NMI, ==, CPU_INTERRUPT_NMI);
    ap->interrupt_request = 0;
    /* INIT assert, INIT de-assert (ignored), SIPI 0x08. */
    apic_reg_write(r.apic[0], 0x300, 0x4500);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_INIT, ==, CPU_INTERRUPT_INIT);
    g_assert_true(x86_cpu_exec_interrupt(ap, irq_req(&r, 1)));
    g_assert_true(ap->halted);
    apic_reg_write(r.apic[0], 0x300, 0x8500);
    g_assert_cmphex(irq_req(&r, 1), ==, 0);
    apic_reg_write(r.apic[0], 0x300, 0x4608);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x300) & 0x1000, ==, 0);
    g_assert_true(x86_cpu_exec_interrupt(ap, irq_req(&r, 1)));
    g_assert_false(ap->halted);
    g_assert_cmphex(r.cpu[1]->env.segs[R_CS].selector, ==, 0x800);
    g_assert_cmphex(r.cpu[1]->env.segs[R_CS].base, ==, 0x8000);
    g_assert_cmphex(r.cpu[1]->env.eip, ==, 0);
    /* A second SIPI to a running AP does nothing. */
    r.cpu[1]->env.eip = 0x1234;
    apic_reg_write(r.apic[0], 0x300, 0x4609);
    x86_cpu_exec_interrupt(ap, irq_req(&r, 1));
    g_assert_cmphex(r.cpu[1]->env.eip, ==, 0x1234);
    /* All-but-self NMI reaches only the AP. */
    ap->interrupt_request = 0;
    apic_reg_write(r.apic[0], 0x300, (3u << 18) | APIC_DM_NMI << 8);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_NMI, ==, CPU_INTERRUPT_NMI);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_NMI, ==, 0);
    rig_fini(&r);
}

static void test_timer(void)
{
    Rig r;
    APICState *s;

    rig_init(&r);
    s = r.apic[0];
    apic_reg_write(s, 0xf0, 0x1ff);
    /* One-shot, divide by 2 (DCR 0): 100 ticks = 202 ns from the load. */
    apic_reg_write(s, 0x320, 0x30);
    apic_reg_write(s, 0x3e0, 0);
    apic_reg_write(s, 0x380, 100);
    g_assert_cmpuint(apic_reg_read(s, 0x390), ==, 100);
    fake_now += 20;
    g_assert_cmpuint(apic_reg_read(s, 0x390), ==, 90);
    g_assert_cmpint(apic_timer_deadline(s), ==, 1000 + 202);
    fake_now = 1202;
    apic_timer_fire(s);
    g_assert_cmpuint(apic_reg_read(s, 0x390), ==, 0);
    g_assert_cmphex(apic_reg_read(s, 0x200 + 0x10), ==, 1u << 16);   /* IRR 0x30 */
    g_assert_cmpint(apic_timer_deadline(s), ==, -1);
    g_assert_cmpint(apic_get_interrupt(s), ==, 0x30);
    apic_reg_write(s, 0xb0, 0);
    /* Periodic, divide by 1 (DCR 0xb): every 11 ns, count reloads. */
    apic_reg_write(s, 0x3e0, 0xb);
    apic_reg_write(s, 0x320, 0x20031);
    apic_reg_write(s, 0x380, 10);
    g_assert_cmpint(apic_timer_deadline(s), ==, fake_now + 11);
    fake_now += 11;
    apic_timer_fire(s);
    g_assert_cmpint(apic_timer_deadline(s), ==, fake_now + 11);
    fake_now += 3;
    g_assert_cmpuint(apic_reg_read(s, 0x390), ==, 7);
    g_assert_cmpint(apic_get_interrupt(s), ==, 0x31);
    /* Masked: counts, no interrupt. */
    apic_reg_write(s, 0x320, 0x30031);
    fake_now += 8;
    apic_timer_fire(s);
    g_assert_cmphex(apic_reg_read(s, 0x210), ==, 0);
    /* Initial count 0 stops it. */
    apic_reg_write(s, 0x380, 0);
    g_assert_cmpint(apic_timer_deadline(s), ==, -1);
    rig_fini(&r);
}

static void test_ioapic(void)
{
    Rig r;
    IOAPICState *io;

    rig_init(&r);
    io = ioapic_new();
    apic_set_eoi_hook(ioapic_eoi, io);
    apic_reg_write(r.apic[1], 0xf0, 0x1ff);
    ioapic_write(io, 0, 1);
    g_assert_cmphex(ioapic_read(io, 0x10), ==, 0x170020);
    ioapic_write(io, 0, 0x10);
    g_assert_cmphex(ioapic_read(io, 0x10), ==, 0x10000);
    /* Pin 3 edge -> APIC 1 vector 0x33; masked pins do nothing. */
    ioapic_set_irq(io, 3, 1);
    ioapic_set_irq(io, 3, 0);
    ioapic_write(io, 0, 0x17);
    ioapic_write(io, 0x10, 1u << 24);
    ioapic_write(io, 0, 0x16);
    ioapic_write(io, 0x10, 0x33);
    /* The edge seen while masked is lost (82093AA). */
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, -1);
    ioapic_set_irq(io, 3, 1);
    ioapic_set_irq(io, 3, 1);       /* held high: no new edge */
    g_assert_cmpuint(ioapic_irq_count(io, 3), ==, 1);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, 0x33);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0x190), ==, 0);   /* edge: TMR 0 */
    apic_reg_write(r.apic[1], 0xb0, 0);
    ioapic_set_irq(io, 3, 0);
    ioapic_set_irq(io, 3, 1);
    g_assert_cmpuint(ioapic_irq_count(io, 3), ==, 2);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, 0x33);
    apic_reg_write(r.apic[1], 0xb0, 0);
    /* Pin 9 level, active low: remote IRR until EOI, re-delivery if held. */
    ioapic_write(io, 0, 0x23);
    ioapic_write(io, 0x10, 1u << 24);
    ioapic_write(io, 0, 0x22);
    ioapic_write(io, 0x10, 0xa000 | 0x59);
    ioapic_set_irq(io, 9, 1);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, -1);
    ioapic_set_irq(io, 9, 0);
    g_assert_cmphex(ioapic_read(io, 0x10) & 0x4000, ==, 0x4000);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, 0x59);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0x180 + 0x20), ==, 1u << 25);   /* TMR */
    apic_reg_write(r.apic[1], 0xb0, 0);
    g_assert_cmphex(ioapic_read(io, 0x10) & 0x4000, ==, 0x4000);   /* re-sent */
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, 0x59);
    ioapic_set_irq(io, 9, 1);
    apic_reg_write(r.apic[1], 0xb0, 0);
    g_assert_cmphex(ioapic_read(io, 0x10) & 0x4000, ==, 0);
    g_assert_cmpint(apic_get_interrupt(r.apic[1]), ==, -1);
    g_assert_cmpuint(ioapic_irq_count(io, 9), ==, 2);
    /* Out-of-range pins and registers are harmless. */
    ioapic_set_irq(io, 24, 1);
    ioapic_set_irq(io, -1, 1);
    ioapic_write(io, 0, 0xff);
    ioapic_write(io, 0x10, 0xffffffff);
    g_assert_cmphex(ioapic_read(io, 0x10), ==, 0xffffffff);
    apic_set_eoi_hook(NULL, NULL);
    ioapic_free(io);
    rig_fini(&r);
}

static int pic_vector = 0x28;

static int fake_pic_read(void *opaque)
{
    return pic_vector;
}

static void test_extint(void)
{
    Rig r;

    rig_init(&r);
    apic_set_pic_hooks(fake_pic_read, NULL);
    /* The BSP's LINT0 is ExtINT from reset; the AP's is masked. */
    apic_deliver_pic_intr(1);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, 0);
    g_assert_cmpint(apic_cpu_get_interrupt(&r.cpu[0]->env), ==, 0x28);
    g_assert_cmpint(apic_cpu_get_interrupt(&r.cpu[1]->env), ==, -1);
    /* Masking LINT0 cuts the 8259 off. */
    apic_reg_write(r.apic[0], 0xf0, 0x1ff);
    apic_reg_write(r.apic[0], 0x350, 0x10000 | APIC_DM_EXTINT << 8);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, 0);
    apic_reg_write(r.apic[0], 0x350, APIC_DM_EXTINT << 8);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    apic_deliver_pic_intr(0);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, 0);
    /* With the APIC hardware-disabled the 8259 goes straight to INTR. */
    r.cpu[1]->env.apic_base &= ~MSR_IA32_APICBASE_ENABLE;
    apic_deliver_pic_intr(1);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    g_assert_cmpint(apic_cpu_get_interrupt(&r.cpu[1]->env), ==, 0x28);
    apic_deliver_pic_intr(0);
    apic_set_pic_hooks(NULL, NULL);
    rig_fini(&r);
}

/* The board's view: the page at 0xfee00000, CR8, IA32_APIC_BASE.EN. */
static void test_mmio_cr8_base(void)
{
    static MemoryRegion sys_root;
    AddressSpace sys_as;
    Rig r;
    CPUX86State *env;
    uint64_t old;

    rig_init(&r);
    env = &r.cpu[0]->env;
    memory_region_init(&sys_root, NULL, "sys", UINT64_MAX);
    apic_mmio_init(&sys_root);
    address_space_init(&sys_as, &sys_root, "sys");
    current_cpu = &r.cpu[1]->parent;
    g_assert_cmphex(address_space_ldl_le(&sys_as, 0xfee00020, MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 1u << 24);
    g_assert_cmphex(address_space_ldub(&sys_as, 0xfee00023, MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 1);
    current_cpu = &r.cpu[0]->parent;
    address_space_stl_le(&sys_as, 0xfee000f0, 0x1ff, MEMTXATTRS_UNSPECIFIED, NULL);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0xf0), ==, 0x1ff);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0xf0), ==, 0xff);
    current_cpu = NULL;

    /* CR8 is TPR[7:4], both ways. */
    helper_write_crN(env, 8, 7);
    g_assert_cmphex(apic_get_tpr(r.apic[0]), ==, 0x70);
    apic_set_tpr(r.apic[0], 0x90);
    g_assert_cmphex(helper_read_crN(env, 8), ==, 9);

    /* Clearing EN resets the APIC (LVTs masked, SVR 0xff). */
    apic_reg_write(r.apic[0], 0x350, 0x700);
    old = env->apic_base;
    env->apic_base &= ~MSR_IA32_APICBASE_ENABLE;
    x86_apic_base_written(env, old);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x350), ==, 0x10000);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0xf0), ==, 0xff);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x20), ==, 0);

    address_space_destroy(&sys_as);
    x86_get_pic_interrupt = NULL;
    x86_apic_get_cr8 = NULL;
    x86_apic_set_cr8 = NULL;
    x86_apic_base_written = NULL;
    rig_fini(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/apic/reset-values", test_reset_values);
    g_test_add_func("/apic/fixed-ipi-priority-eoi", test_fixed_ipi_priority_eoi);
    g_test_add_func("/apic/nmi-init-sipi", test_nmi_init_sipi);
    g_test_add_func("/apic/timer", test_timer);
    g_test_add_func("/apic/ioapic", test_ioapic);
    g_test_add_func("/apic/extint", test_extint);
    g_test_add_func("/apic/mmio-cr8-base", test_mmio_cr8_base);
    return g_test_run();
}
