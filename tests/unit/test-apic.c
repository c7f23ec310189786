/*
 * test-apic.c: the local APIC and IOAPIC models (hw/intc/apic*.c,
 * ioapic.c) through their interfaces: on TCG vCPUs (reset values, IPIs,
 * priority and EOI, the timer on a clock the test advances, IOAPIC,
 * ExtINT, CR8, the MMIO window with MSIs and relocation, the TCG MSR
 * hooks) and on fake vCPUs through APICCpuOps (x2APIC transitions, MSR
 * map and destinations, TSC-deadline, MSI decode, APR, `info lapic` as
 * QEMU prints it, random hostile writes).
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/helper.h"
#include "target/i386/tcg/apic-msr.h"

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
    g_assert_nonnull(strstr(info->str, "ISR\t 82\nIRR\t 65\n"));
    apic_reg_write(r.apic[1], 0xb0, 0);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    g_assert_cmpint(x86_get_pic_interrupt(&r.cpu[1]->env), ==, 0x41);
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
    g_assert_cmpint(x86_get_pic_interrupt(&r.cpu[0]->env), ==, 0x28);
    g_assert_cmpint(x86_get_pic_interrupt(&r.cpu[1]->env), ==, -1);
    /* Masking LINT0 cuts the 8259 off. */
    apic_reg_write(r.apic[0], 0xf0, 0x1ff);
    apic_reg_write(r.apic[0], 0x350, 0x10000 | APIC_DM_EXTINT << 8);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, 0);
    apic_reg_write(r.apic[0], 0x350, APIC_DM_EXTINT << 8);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    apic_deliver_pic_intr(0);
    g_assert_cmphex(irq_req(&r, 0) & CPU_INTERRUPT_HARD, ==, 0);
    /* With the APIC hardware-disabled the 8259 goes straight to INTR. */
    g_assert_true(apic_set_base(r.apic[1], apic_get_base(r.apic[1]) & ~MSR_IA32_APICBASE_ENABLE));
    apic_deliver_pic_intr(1);
    g_assert_cmphex(irq_req(&r, 1) & CPU_INTERRUPT_HARD, ==, CPU_INTERRUPT_HARD);
    g_assert_cmpint(x86_get_pic_interrupt(&r.cpu[1]->env), ==, 0x28);
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
    g_assert_true(apic_set_base(r.apic[0], apic_get_base(r.apic[0]) & ~MSR_IA32_APICBASE_ENABLE));
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x350), ==, 0x10000);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0xf0), ==, 0xff);
    g_assert_cmphex(apic_reg_read(r.apic[0], 0x20), ==, 0);

    address_space_destroy(&sys_as);
    x86_get_pic_interrupt = NULL;
    x86_apic_get_cr8 = NULL;
    x86_apic_set_cr8 = NULL;
    x86_apic_rdmsr = NULL;
    x86_apic_wrmsr = NULL;
    rig_fini(&r);
}

/* The window at 0xfee00000 and a relocated page, through an address space. */
static void test_relocation_and_window(void)
{
    static MemoryRegion sys_root;
    AddressSpace sys_as;
    Rig r;
    CPUX86State *env;

    rig_init(&r);
    env = &r.cpu[0]->env;
    memory_region_init(&sys_root, NULL, "sys", UINT64_MAX);
    apic_mmio_init(&sys_root);
    address_space_init(&sys_as, &sys_root, "sys");
    apic_reg_write(r.apic[1], 0xf0, 0x1ff);

    /* A device's write (no vCPU on this thread) is an MSI: dest 1, vector 0x44. */
    current_cpu = NULL;
    address_space_stl_le(&sys_as, 0xfee01000, 0x44, MEMTXATTRS_UNSPECIFIED, NULL);
    g_assert_cmphex(apic_reg_read(r.apic[1], 0x220), ==, 1u << 4);

    /* The BSP moves its APIC to 0xfed40000 (IA32_APIC_BASE through WRMSR). */
    g_assert_cmpint(x86_apic_wrmsr(env, 0x1b, 0xfed40900), ==, X86_APIC_MSR_OK);
    g_assert_cmphex(env->apic_base, ==, 0xfed40900);
    current_cpu = &r.cpu[0]->parent;
    g_assert_cmphex(address_space_ldl_le(&sys_as, 0xfed40030, MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, APIC_VERSION);
    address_space_stl_le(&sys_as, 0xfed40080, 0x30, MEMTXATTRS_UNSPECIFIED, NULL);
    g_assert_cmphex(apic_get_tpr(r.apic[0]), ==, 0x30);
    /* ... and no longer answers at the default page. */
    g_assert_cmphex(address_space_ldl_le(&sys_as, 0xfee00030, MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 0);
    address_space_stl_le(&sys_as, 0xfee00080, 0x50, MEMTXATTRS_UNSPECIFIED, NULL);
    g_assert_cmphex(apic_get_tpr(r.apic[0]), ==, 0x30);
    /* The AP's APIC stays at the default page and is not at the new one. */
    current_cpu = &r.cpu[1]->parent;
    g_assert_cmphex(address_space_ldl_le(&sys_as, 0xfee00020, MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 1u << 24);
    g_assert_cmphex(address_space_ldl_le(&sys_as, 0xfed40020, MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 0);
    /* Back to the default. */
    current_cpu = &r.cpu[0]->parent;
    g_assert_cmpint(x86_apic_wrmsr(env, 0x1b, 0xfee00900), ==, X86_APIC_MSR_OK);
    g_assert_cmphex(address_space_ldl_le(&sys_as, 0xfee00080, MEMTXATTRS_UNSPECIFIED, NULL),
                    ==, 0x30);
    current_cpu = NULL;

    address_space_destroy(&sys_as);
    rig_fini(&r);
}

/* The TCG MSR hooks: what CPUID does not advertise faults. */
static void test_tcg_msr_hooks(void)
{
    Rig r;
    CPUX86State *env;
    uint64_t v;

    rig_init(&r);
    env = &r.cpu[0]->env;
    /* qemu64 has neither x2apic nor tsc-deadline: EXTD is reserved. */
    g_assert_cmpint(x86_apic_wrmsr(env, 0x1b, 0xfee00d00), ==, X86_APIC_MSR_GP);
    g_assert_cmpint(x86_apic_rdmsr(env, 0x6e0, &v), ==, X86_APIC_MSR_GP);
    g_assert_cmpint(x86_apic_wrmsr(env, 0x6e0, 1), ==, X86_APIC_MSR_GP);
    g_assert_cmpint(x86_apic_rdmsr(env, 0x802, &v), ==, X86_APIC_MSR_GP);
    /* Reserved bits 0-7 and 9, and above MAXPHYADDR. */
    g_assert_cmpint(x86_apic_wrmsr(env, 0x1b, 0xfee00801), ==, X86_APIC_MSR_GP);
    g_assert_cmpint(x86_apic_wrmsr(env, 0x1b, 0xfee00a00), ==, X86_APIC_MSR_GP);
    g_assert_cmpint(x86_apic_wrmsr(env, 0x1b, (1ULL << 52) | 0xfee00800), ==,
                    X86_APIC_MSR_GP);
    g_assert_cmpint(x86_apic_rdmsr(env, 0x1b, &v), ==, X86_APIC_MSR_OK);
    g_assert_cmphex(v, ==, 0xfee00900);
    /* Other MSRs are not the APIC's. */
    g_assert_cmpint(x86_apic_rdmsr(env, 0x10, &v), ==, X86_APIC_MSR_UNHANDLED);
    rig_fini(&r);

    /* -cpu max advertises both: x2APIC mode and the deadline work. */
    {
        X86CPUConfig cfg;
        X86TCGCPU *cpu;
        APICState *s;

        g_assert_true(x86_tcg_cpu_config(&cfg, "max", &error_abort));
        cpu = x86_tcg_cpu_new(0, 0, true, &cfg, NULL, NULL, &error_abort);
        s = apic_new(cpu, 0);
        env = &cpu->env;
        g_assert_cmpint(x86_apic_wrmsr(env, 0x1b, 0xfee00d00), ==, X86_APIC_MSR_OK);
        g_assert_cmpint(x86_apic_rdmsr(env, 0x802, &v), ==, X86_APIC_MSR_OK);
        g_assert_cmpint(x86_apic_rdmsr(env, 0x6e0, &v), ==, X86_APIC_MSR_OK);
        g_assert_cmphex(v, ==, 0);
        g_assert_cmpint(x86_apic_wrmsr(env, 0x83f, 0x100), ==, X86_APIC_MSR_GP);
        apic_free(s);
        x86_tcg_cpu_free(cpu);
    }
}

/* `info lapic` text as QEMU 7.2 prints it (recorded from its monitor). */
static void test_info_format(void)
{
    static const char reset_text[] =
        "dumping local APIC state for CPU 0 \n\n"
        "LVT0\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n"
        "LVT1\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n"
        "LVTPC\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n"
        "LVTERR\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n"
        "LVTTHMR\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n"
        "LVTT\t 0x00010000 active-hi edge  masked         one-shot     Fixed  (vec 0)\n"
        "Timer\t DCR=0x0 (divide by 2) initial_count = 0 current_count = 0\n"
        "SPIV\t 0x000000ff APIC disabled, focus=off, spurious vec 255\n"
        "ICR\t 0x00000000 physical edge de-assert no-shorthand\n"
        "ICR2\t 0x00000000 cpu 0 (APIC ID)\n"
        "ESR\t 0x00000000\n"
        "ISR\t (none)\n"
        "IRR\t (none)\n"
        "\n"
        "APR 0x00 TPR 0x00 DFR 0x0f LDR 0x00 PPR 0x00\n";
    APICState *s = apic_new_cpu(NULL, NULL, 0, false);
    g_autoptr(GString) out = g_string_new("");

    apic_format_info(s, out);
    g_assert_cmpstr(out->str, ==, reset_text);
    /* As SeaBIOS leaves the BSP after starting the APs. */
    apic_reg_write(s, 0xf0, 0x1ff);
    apic_reg_write(s, 0x350, 0x8700);
    apic_reg_write(s, 0x360, 0x8400);
    apic_reg_write(s, 0x300, 0xc4610);
    g_string_truncate(out, 0);
    apic_format_info(s, out);
    g_assert_nonnull(strstr(out->str,
        "LVT0\t 0x00008700 active-hi level                             ExtINT (vec 0)\n"
        "LVT1\t 0x00008400 active-hi level                             NMI   \n"));
    g_assert_nonnull(strstr(out->str,
        "SPIV\t 0x000001ff APIC enabled, focus=off, spurious vec 255\n"
        "ICR\t 0x000c4610 physical edge assert all\n"
        "ICR2\t 0x00000000\n"));
    apic_free(s);
}

/* ---- any accelerator: APICs on fake vCPUs through APICCpuOps ---- */

typedef struct FakeCpu {
    bool intr;
    int nmi, init, sipi;
    uint8_t sipi_vector;
    uint64_t tsc;
} FakeCpu;

static void fake_set_intr(void *cpu, bool pending)
{
    ((FakeCpu *)cpu)->intr = pending;
}

static void fake_nmi(void *cpu)
{
    ((FakeCpu *)cpu)->nmi++;
}

static void fake_init(void *cpu)
{
    ((FakeCpu *)cpu)->init++;
}

static void fake_sipi(void *cpu, uint8_t vector)
{
    ((FakeCpu *)cpu)->sipi++;
    ((FakeCpu *)cpu)->sipi_vector = vector;
}

static uint64_t fake_read_tsc(void *cpu)
{
    return ((FakeCpu *)cpu)->tsc;
}

static const APICCpuOps fake_ops = {
    .set_intr = fake_set_intr,
    .nmi = fake_nmi,
    .init = fake_init,
    .sipi = fake_sipi,
    .read_tsc = fake_read_tsc,
};

#define NFAKE 4

typedef struct FakeRig {
    FakeCpu cpu[NFAKE];
    APICState *apic[NFAKE];
} FakeRig;

/* APIC IDs chosen to need 32 bits and to span x2APIC clusters. */
static const uint32_t fake_ids[NFAKE] = { 0, 1, 0x21, 0x12345 };

static void fake_rig_init(FakeRig *r)
{
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < NFAKE; i++) {
        r->apic[i] = apic_new_cpu(&fake_ops, &r->cpu[i], fake_ids[i], i == 0);
        apic_reg_write(r->apic[i], 0xf0, 0x1ff);
    }
    fake_now = 1000;
    apic_clock_ns = fake_clock;
}

static void fake_rig_fini(FakeRig *r)
{
    for (int i = 0; i < NFAKE; i++) {
        apic_free(r->apic[i]);
    }
}

static bool irr_has(APICState *s, int v)
{
    return apic_reg_read(s, 0x200 + (v >> 5) * 0x10) & (1u << (v & 31));
}

static void to_x2apic(APICState *s)
{
    g_assert_true(apic_set_base(s, apic_get_base(s) | (1ULL << 10)));
}

static void test_ops_and_iteration(void)
{
    FakeRig r;
    int n = 0;

    fake_rig_init(&r);
    for (APICState *s = apic_next(NULL); s; s = apic_next(s)) {
        n++;
    }
    g_assert_cmpint(n, ==, NFAKE);
    g_assert_true(apic_get_cpu(r.apic[2]) == &r.cpu[2]);
    g_assert_cmphex(apic_get_base(r.apic[0]), ==, 0xfee00900);
    g_assert_cmphex(apic_get_base(r.apic[1]), ==, 0xfee00800);
    /* NMI, INIT, SIPI and fixed IPIs reach the vCPU through its ops. */
    apic_reg_write(r.apic[0], 0x310, 1u << 24);
    apic_reg_write(r.apic[0], 0x300, APIC_DM_NMI << 8);
    apic_reg_write(r.apic[0], 0x300, 0x4500);
    apic_reg_write(r.apic[0], 0x300, 0x4699);
    g_assert_cmpint(r.cpu[1].nmi, ==, 1);
    g_assert_cmpint(r.cpu[1].init, ==, 1);
    g_assert_cmpint(r.cpu[1].sipi, ==, 1);
    g_assert_cmphex(r.cpu[1].sipi_vector, ==, 0x99);
    g_assert_cmpint(r.cpu[0].nmi + r.cpu[0].init + r.cpu[0].sipi, ==, 0);
    apic_reg_write(r.apic[1], 0xf0, 0x1ff);
    apic_reg_write(r.apic[0], 0x300, 0x45);
    g_assert_true(r.cpu[1].intr);
    g_assert_cmpint(apic_ack_interrupt(r.apic[1]), ==, 0x45);
    g_assert_false(r.cpu[1].intr);
    /* The current APIC is per thread. */
    apic_set_current(r.apic[3]);
    g_assert_true(apic_current() == r.apic[3]);
    apic_set_current(NULL);
    fake_rig_fini(&r);
}

static void test_x2apic_transitions(void)
{
    FakeRig r;
    APICState *s;

    fake_rig_init(&r);
    s = r.apic[3];
    /* xAPIC: the 8-bit ID is the low byte of the initial ID. */
    g_assert_cmphex(apic_reg_read(s, 0x20), ==, 0x45u << 24);
    /* EXTD without EN is invalid; x2APIC -> xAPIC is invalid. */
    g_assert_false(apic_set_base(s, 0xfee00400));
    to_x2apic(s);
    g_assert_cmphex(apic_get_base(s), ==, 0xfee00c00);
    g_assert_false(apic_set_base(s, 0xfee00800));
    g_assert_cmphex(apic_get_base(s), ==, 0xfee00c00);
    /* The BSP flag cannot be set. */
    g_assert_true(apic_set_base(s, 0xfee00d00));
    g_assert_cmphex(apic_get_base(s), ==, 0xfee00c00);
    /* x2APIC -> disabled is fine; disabled -> x2APIC is not. */
    g_assert_true(apic_set_base(s, 0xfee00000));
    g_assert_false(apic_set_base(s, 0xfee00c00));
    g_assert_true(apic_set_base(s, 0xfee00800));
    to_x2apic(s);
    /* INIT keeps x2APIC mode, the ID and the derived LDR. */
    apic_reg_write(r.apic[0], 0x300, (2u << 18) | 0x4500);
    g_assert_cmphex(apic_get_base(s), ==, 0xfee00c00);
    g_assert_cmphex(apic_reg_read(s, 0xd0), ==, (0x1234u << 16) | (1u << 5));
    fake_rig_fini(&r);
}

static void test_x2apic_msr_map(void)
{
    FakeRig r;
    APICState *s;
    uint64_t v;

    fake_rig_init(&r);
    s = r.apic[3];
    /* Not in x2APIC mode: every x2APIC MSR faults. */
    g_assert_false(apic_msr_read(s, 0x802, &v));
    g_assert_false(apic_msr_write(s, 0x808, 0));
    to_x2apic(s);
    g_assert_true(apic_msr_read(s, 0x802, &v));
    g_assert_cmphex(v, ==, 0x12345);                /* 32-bit ID */
    g_assert_true(apic_msr_read(s, 0x803, &v));
    g_assert_cmphex(v, ==, APIC_VERSION);
    g_assert_true(apic_msr_read(s, 0x80d, &v));
    g_assert_cmphex(v, ==, (0x1234u << 16) | (1u << 5));   /* cluster 0x1234, bit 5 */
    /* Read-only, write-only and absent registers fault. */
    g_assert_false(apic_msr_write(s, 0x802, 0));
    g_assert_false(apic_msr_write(s, 0x80d, 0));
    g_assert_false(apic_msr_write(s, 0x80a, 0));
    g_assert_false(apic_msr_write(s, 0x839, 0));
    g_assert_false(apic_msr_read(s, 0x80b, &v));     /* EOI */
    g_assert_false(apic_msr_read(s, 0x83f, &v));     /* SELF IPI */
    g_assert_false(apic_msr_read(s, 0x80e, &v));     /* no DFR */
    g_assert_false(apic_msr_write(s, 0x80e, 0));
    g_assert_false(apic_msr_read(s, 0x809, &v));     /* no APR */
    g_assert_false(apic_msr_read(s, 0x831, &v));     /* no ICR2 */
    g_assert_false(apic_msr_read(s, 0x8ff, &v));
    /* Reserved bits: TPR 31:8, upper halves, EOI/ESR non-zero. */
    g_assert_false(apic_msr_write(s, 0x808, 0x100));
    g_assert_false(apic_msr_write(s, 0x808, 1ULL << 32));
    g_assert_false(apic_msr_write(s, 0x80b, 1));
    g_assert_false(apic_msr_write(s, 0x828, 1));
    g_assert_false(apic_msr_write(s, 0x83f, 0x100));
    g_assert_true(apic_msr_write(s, 0x808, 0x20));
    g_assert_true(apic_msr_read(s, 0x808, &v));
    g_assert_cmphex(v, ==, 0x20);
    /* The xAPIC page is gone: its reads see nothing, writes do nothing. */
    g_assert_cmphex(apic_reg_read(s, 0x80), ==, 0x20);
    /* SELF IPI: fixed, edge, to this APIC only. */
    g_assert_true(apic_msr_write(s, 0x83f, 0x66));
    g_assert_true(irr_has(s, 0x66));
    g_assert_false(irr_has(r.apic[2], 0x66));
    g_assert_true(r.cpu[3].intr);
    /* EOI by MSR. */
    g_assert_cmpint(apic_get_interrupt(s), ==, 0x66);
    g_assert_true(apic_msr_read(s, 0x810 + 3, &v));
    g_assert_cmphex(v, ==, 1u << 6);
    g_assert_true(apic_msr_write(s, 0x80b, 0));
    g_assert_true(apic_msr_read(s, 0x813, &v));
    g_assert_cmphex(v, ==, 0);
    /* The ICR is one 64-bit register; the destination is 32 bits. */
    g_assert_true(apic_msr_write(s, 0x830, (0x21ULL << 32) | 0x51));
    g_assert_true(apic_msr_read(s, 0x830, &v));
    g_assert_cmphex(v, ==, (0x21ULL << 32) | 0x51);
    g_assert_true(irr_has(r.apic[2], 0x51));
    g_assert_false(apic_msr_write(s, 0x830, 1u << 13));
    fake_rig_fini(&r);
}

static void test_x2apic_destinations(void)
{
    FakeRig r;
    uint64_t v;

    fake_rig_init(&r);
    for (int i = 0; i < NFAKE; i++) {
        to_x2apic(r.apic[i]);
    }
    /* Physical 0x12345 reaches only that APIC (no 8-bit truncation to 0x45). */
    g_assert_true(apic_msr_write(r.apic[0], 0x830, (0x12345ULL << 32) | 0x70));
    g_assert_true(irr_has(r.apic[3], 0x70));
    for (int i = 0; i < 3; i++) {
        g_assert_false(irr_has(r.apic[i], 0x70));
    }
    /* Logical cluster 0 (IDs 0 and 1: bits 0 and 1), bitmap 0b10: APIC 1 only. */
    g_assert_true(apic_msr_write(r.apic[0], 0x830, (0x2ULL << 32) | (1u << 11) | 0x71));
    g_assert_true(irr_has(r.apic[1], 0x71));
    g_assert_false(irr_has(r.apic[0], 0x71));
    /* Cluster 2 (ID 0x21 is bit 1 of cluster 2). */
    g_assert_true(apic_msr_read(r.apic[2], 0x80d, &v));
    g_assert_cmphex(v, ==, 0x20002);
    g_assert_true(apic_msr_write(r.apic[0], 0x830, (0x20002ULL << 32) | (1u << 11) | 0x72));
    g_assert_true(irr_has(r.apic[2], 0x72));
    g_assert_false(irr_has(r.apic[1], 0x72));
    /* Broadcast 0xffffffff. */
    g_assert_true(apic_msr_write(r.apic[0], 0x830, (0xffffffffULL << 32) | 0x73));
    for (int i = 0; i < NFAKE; i++) {
        g_assert_true(irr_has(r.apic[i], 0x73));
    }
    /* An IOAPIC message (8-bit physical) reaches the x2APIC with that ID. */
    apic_deliver_irq(0x21, 0, APIC_DM_FIXED, 0x74, 0);
    g_assert_true(irr_has(r.apic[2], 0x74));
    g_assert_false(irr_has(r.apic[3], 0x74));
    fake_rig_fini(&r);
}

static void test_tsc_deadline(void)
{
    FakeRig r;
    APICState *s;

    fake_rig_init(&r);
    s = r.apic[1];
    r.cpu[1].tsc = 5000;
    /* Not in TSC-deadline mode: the MSR ignores writes and reads 0. */
    apic_set_tsc_deadline(s, 9000);
    g_assert_cmpuint(apic_get_tsc_deadline(s), ==, 0);
    g_assert_cmpint(apic_timer_deadline(s), ==, -1);
    /* Mode 2, vector 0x39: armed 4000 TSC ticks (1 GHz) ahead. */
    apic_reg_write(s, 0x320, (2u << 17) | 0x39);
    apic_reg_write(s, 0x380, 1234);              /* ignored in this mode */
    g_assert_cmpuint(apic_reg_read(s, 0x380), ==, 0);
    g_assert_cmpuint(apic_reg_read(s, 0x390), ==, 0);
    apic_set_tsc_deadline(s, 9000);
    g_assert_cmpuint(apic_get_tsc_deadline(s), ==, 9000);
    g_assert_cmpint(apic_timer_deadline(s), ==, 1000 + 4000);
    /* Firing early (the TSC not there yet) re-arms and does nothing. */
    r.cpu[1].tsc = 8000;
    fake_now = 5000;
    apic_timer_fire(s);
    g_assert_false(irr_has(s, 0x39));
    g_assert_cmpuint(apic_get_tsc_deadline(s), ==, 9000);
    g_assert_cmpint(apic_timer_deadline(s), ==, 6000);
    r.cpu[1].tsc = 9000;
    fake_now = 6000;
    apic_timer_fire(s);
    g_assert_true(irr_has(s, 0x39));
    g_assert_true(r.cpu[1].intr);
    g_assert_cmpuint(apic_get_tsc_deadline(s), ==, 0);     /* cleared once fired */
    g_assert_cmpint(apic_timer_deadline(s), ==, -1);
    g_assert_cmpint(apic_get_interrupt(s), ==, 0x39);
    apic_reg_write(s, 0xb0, 0);
    /* Writing 0 disarms. */
    apic_set_tsc_deadline(s, 20000);
    g_assert_cmpint(apic_timer_deadline(s), >=, 0);
    apic_set_tsc_deadline(s, 0);
    g_assert_cmpint(apic_timer_deadline(s), ==, -1);
    /* A deadline in the past fires at once. */
    apic_set_tsc_deadline(s, 100);
    g_assert_cmpint(apic_timer_deadline(s), ==, fake_now);
    apic_timer_fire(s);
    g_assert_true(irr_has(s, 0x39));
    apic_get_interrupt(s);
    apic_reg_write(s, 0xb0, 0);
    /* Leaving TSC-deadline mode clears the armed deadline. */
    apic_set_tsc_deadline(s, 50000);
    apic_reg_write(s, 0x320, 0x39);
    g_assert_cmpint(apic_timer_deadline(s), ==, -1);
    apic_reg_write(s, 0x320, (2u << 17) | 0x39);
    g_assert_cmpuint(apic_get_tsc_deadline(s), ==, 0);
    /* A 2 GHz TSC: 4000 ticks are 2000 ns. */
    apic_set_tsc_khz(s, 2000000);
    apic_set_tsc_deadline(s, r.cpu[1].tsc + 4000);
    g_assert_cmpint(apic_timer_deadline(s), ==, fake_now + 2000);
    /* Masked: the deadline passes and clears, no interrupt. */
    apic_reg_write(s, 0x320, (2u << 17) | (1u << 16) | 0x39);
    apic_set_tsc_deadline(s, r.cpu[1].tsc);
    apic_timer_fire(s);
    g_assert_false(irr_has(s, 0x39));
    g_assert_cmpuint(apic_get_tsc_deadline(s), ==, 0);
    /* Centuries away: armed in the MSR, never on the clock, no overflow. */
    apic_reg_write(s, 0x320, (2u << 17) | 0x39);
    apic_set_tsc_deadline(s, UINT64_MAX);
    g_assert_cmpuint(apic_get_tsc_deadline(s), ==, UINT64_MAX);
    g_assert_cmpint(apic_timer_deadline(s), ==, -1);
    fake_rig_fini(&r);
}

static void test_msi(void)
{
    FakeRig r;

    fake_rig_init(&r);
    /* Physical destination 1, vector 0x48, fixed, edge. */
    apic_send_msi(0xfee01000, 0x48);
    g_assert_true(irr_has(r.apic[1], 0x48));
    g_assert_false(irr_has(r.apic[0], 0x48));
    /* Logical (DM, bit 2) flat destination bit 2: the APIC with LDR bit 2. */
    apic_reg_write(r.apic[2], 0xd0, 0x04000000);
    apic_send_msi(0xfee04004, 0x49);
    g_assert_true(irr_has(r.apic[2], 0x49));
    g_assert_false(irr_has(r.apic[1], 0x49));
    /* Level trigger sets the TMR. */
    apic_send_msi(0xfee00000, 0x8000 | 0x4a);
    g_assert_true(apic_reg_read(r.apic[0], 0x180 + 0x20) & (1u << 10));
    /* NMI by MSI. */
    apic_send_msi(0xfee01000, APIC_DM_NMI << 8);
    g_assert_cmpint(r.cpu[1].nmi, ==, 1);
    /* Reserved delivery modes and addresses outside the window: nothing. */
    apic_send_msi(0xfee01000, 3u << 8 | 0x4b);
    apic_send_msi(0xfee01000, APIC_DM_SIPI << 8 | 0x4b);
    apic_send_msi(0xfed01000, 0x4b);
    g_assert_false(irr_has(r.apic[1], 0x4b));
    fake_rig_fini(&r);
}

static void test_apr(void)
{
    FakeRig r;
    APICState *s;

    fake_rig_init(&r);
    s = r.apic[1];
    g_assert_cmphex(apic_reg_read(s, 0x90), ==, 0);
    apic_set_tpr(s, 0x35);
    g_assert_cmphex(apic_reg_read(s, 0x90), ==, 0x35);
    /* A pending vector of a higher class raises the APR to that class. */
    apic_deliver_irq(1, 0, APIC_DM_FIXED, 0x62, 0);
    g_assert_cmphex(apic_reg_read(s, 0x90), ==, 0x60);
    /* In service, with the TPR above: still 0x60 (TPR class not above ISR's). */
    g_assert_cmpint(apic_get_interrupt(s), ==, 0x62);
    g_assert_cmphex(apic_reg_read(s, 0x90), ==, 0x60);
    apic_set_tpr(s, 0x75);
    g_assert_cmphex(apic_reg_read(s, 0x90), ==, 0x75);
    apic_reg_write(s, 0xb0, 0);
    /* Lowest priority goes to the APIC with the lower APR. */
    apic_set_tpr(r.apic[0], 0x20);
    apic_reg_write(r.apic[0], 0xd0, 0x01000000);
    apic_reg_write(s, 0xd0, 0x02000000);
    apic_deliver_irq(0x3, 1, APIC_DM_LOWEST, 0x81, 0);
    g_assert_true(irr_has(r.apic[0], 0x81));
    g_assert_false(irr_has(s, 0x81));
    fake_rig_fini(&r);
}

/* Hostile guests: every register and MSR with random values, no crash. */
static void test_hostile(void)
{
    FakeRig r;
    GRand *rng = g_rand_new_with_seed(6);
    uint64_t v;

    fake_rig_init(&r);
    to_x2apic(r.apic[3]);
    for (int round = 0; round < 4000; round++) {
        APICState *s = r.apic[g_rand_int_range(rng, 0, NFAKE)];
        uint64_t val = ((uint64_t)g_rand_int(rng) << 32) | g_rand_int(rng);

        switch (round % 5) {
        case 0:
            apic_reg_write(s, g_rand_int_range(rng, 0, 0x400) << 4, val);
            break;
        case 1:
            apic_msr_write(s, 0x800 + g_rand_int_range(rng, 0, 0x100), val);
            apic_msr_read(s, 0x800 + g_rand_int_range(rng, 0, 0x100), &v);
            break;
        case 2:
            apic_send_msi(0xfee00000 | (val & 0xfffff), val >> 32);
            break;
        case 3:
            apic_set_tsc_deadline(s, val);
            fake_now += g_rand_int_range(rng, 0, 100000);
            apic_timer_fire(s);
            break;
        default:
            /* Bases keep the window (relocation is tested elsewhere). */
            apic_set_base(s, 0xfee00000 | (val & 0xd00));
            break;
        }
        v = apic_get_interrupt(s);
        g_assert_true((int64_t)v >= -1 && (int64_t)v <= 255);
    }
    g_rand_free(rng);
    fake_rig_fini(&r);
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
    g_test_add_func("/apic/relocation-and-window", test_relocation_and_window);
    g_test_add_func("/apic/tcg-msr-hooks", test_tcg_msr_hooks);
    g_test_add_func("/apic/info-format", test_info_format);
    g_test_add_func("/apic/ops-and-iteration", test_ops_and_iteration);
    g_test_add_func("/apic/x2apic/transitions", test_x2apic_transitions);
    g_test_add_func("/apic/x2apic/msr-map", test_x2apic_msr_map);
    g_test_add_func("/apic/x2apic/destinations", test_x2apic_destinations);
    g_test_add_func("/apic/tsc-deadline", test_tsc_deadline);
    g_test_add_func("/apic/msi", test_msi);
    g_test_add_func("/apic/apr", test_apr);
    g_test_add_func("/apic/hostile", test_hostile);
    return g_test_run();
}
