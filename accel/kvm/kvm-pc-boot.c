/*
 * kvm-pc-boot.c: put a direct-boot plan's entry state (flat 32-bit
 * protected mode for multiboot, 64-bit or 16-bit for Linux) into a KVM
 * vCPU, give each vCPU its CPUID table, and keep the power-on state of
 * the vCPUs and the in-kernel chips for reset. The plan was built by the
 * pure loaders in hw/i386; this is where their segments become
 * kvm_segments (target/i386/kvm converts CPUX86State's).
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "hw/i386/pc-kvm.h"
#include "system/kvm-irqchip.h"

/* The reset value of RFLAGS: bit 1 always reads as one. */
#define X86_RFLAGS_FIXED 0x2ULL
#define X86_CR0_ET (1ULL << 4)
#define X86_TSS_BUSY_64 0xb

static void kvm_boot_segment(struct kvm_segment *ks, const X86BootSegment *s)
{
    memset(ks, 0, sizeof(*ks));
    ks->base = s->base;
    ks->limit = s->limit;
    ks->selector = s->selector;
    ks->type = s->type;
    ks->present = s->present;
    ks->dpl = s->dpl;
    ks->db = s->db;
    ks->s = s->s;
    ks->l = s->l;
    ks->g = s->g;
    /* A null selector in protected mode leaves an unusable register. */
    ks->unusable = !s->present;
}

bool kvm_x86_put_boot_state(KVMCPU *cpu, const X86BootCpuState *st,
                            Error **errp)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;

    if (!kvm_x86_get_sregs(cpu, &sregs, errp)) {
        return false;
    }
    kvm_boot_segment(&sregs.cs, &st->cs);
    kvm_boot_segment(&sregs.ds, &st->ds);
    kvm_boot_segment(&sregs.es, &st->es);
    kvm_boot_segment(&sregs.fs, &st->fs);
    kvm_boot_segment(&sregs.gs, &st->gs);
    kvm_boot_segment(&sregs.ss, &st->ss);
    if (st->tr.present) {
        kvm_boot_segment(&sregs.tr, &st->tr);
    } else {
        /* VM entry wants a present, busy TSS even if the guest never
         * switches tasks: the architectural reset TR (SDM table 9-1,
         * selector 0, limit ffff), as QEMU puts it; the guest sees it with
         * STR, and KVM's own initial TR may differ. */
        memset(&sregs.tr, 0, sizeof(sregs.tr));
        sregs.tr.limit = 0xffff;
        sregs.tr.present = 1;
        sregs.tr.type = X86_TSS_BUSY_64;
    }
    if (st->mode != X86_BOOT_REAL16) {
        sregs.gdt.base = st->gdt_base;
        sregs.gdt.limit = st->gdt_limit;
    }
    sregs.cr0 = st->cr0 | X86_CR0_ET;
    sregs.cr3 = st->cr3;
    sregs.cr4 = st->cr4;
    sregs.efer = st->efer;
    if (!kvm_x86_set_sregs(cpu, &sregs, errp)) {
        return false;
    }

    memset(&regs, 0, sizeof(regs));
    regs.rip = st->rip;
    regs.rsp = st->rsp;
    regs.rax = st->rax;
    regs.rbx = st->rbx;
    regs.rsi = st->rsi;
    regs.rflags = st->rflags | X86_RFLAGS_FIXED;
    return kvm_x86_set_regs(cpu, &regs, errp);
}

/* ---- power-on state, for reset ----------------------------------------- */

bool kvm_x86_save_reset_state(KVMCPU *cpu, KVMX86ResetState *st,
                              Error **errp)
{
    memset(st, 0, sizeof(*st));
    /* Without the in-kernel irqchip the LAPIC and MP state are ours. */
    st->in_kernel_lapic = kvm_irqchip_in_kernel(cpu->kvm);
    return kvm_x86_get_regs(cpu, &st->regs, errp) &&
           kvm_x86_get_sregs(cpu, &st->sregs, errp) &&
           kvm_vcpu_ioctl_named(cpu, KVM_GET_FPU, "KVM_GET_FPU", &st->fpu,
                                errp) &&
           (!st->in_kernel_lapic ||
            kvm_vcpu_get_lapic(cpu, &st->lapic, errp)) &&
           kvm_vcpu_ioctl_named(cpu, KVM_GET_VCPU_EVENTS,
                                "KVM_GET_VCPU_EVENTS", &st->events, errp) &&
           (!st->in_kernel_lapic ||
            kvm_vcpu_get_mp_state(cpu, &st->mp_state, errp));
}

bool kvm_x86_put_reset_state(KVMCPU *cpu, const KVMX86ResetState *st,
                             Error **errp)
{
    struct kvm_vcpu_events events = st->events;

    /*
     * sregs first: it restores the APIC base MSR, which must enable the
     * LAPIC before KVM_SET_LAPIC can load its registers. Events with no
     * flags drop whatever exception or interrupt was pending.
     */
    events.flags = 0;
    return kvm_x86_set_sregs(cpu, &st->sregs, errp) &&
           kvm_x86_set_regs(cpu, &st->regs, errp) &&
           kvm_vcpu_ioctl_named(cpu, KVM_SET_FPU, "KVM_SET_FPU",
                                (void *)&st->fpu, errp) &&
           (!st->in_kernel_lapic ||
            kvm_vcpu_set_lapic(cpu, &st->lapic, errp)) &&
           kvm_vcpu_ioctl_named(cpu, KVM_SET_VCPU_EVENTS,
                                "KVM_SET_VCPU_EVENTS", &events, errp) &&
           (!st->in_kernel_lapic ||
            kvm_vcpu_set_mp_state(cpu, st->mp_state, errp));
}

bool kvm_pc_save_chips_state(KVMState *s, KVMPCChipsState *st, Error **errp)
{
    memset(st, 0, sizeof(*st));
    st->pic_master.chip_id = KVM_IRQCHIP_PIC_MASTER;
    st->pic_slave.chip_id = KVM_IRQCHIP_PIC_SLAVE;
    st->ioapic.chip_id = KVM_IRQCHIP_IOAPIC;
    return kvm_irqchip_get(s, &st->pic_master, errp) &&
           kvm_irqchip_get(s, &st->pic_slave, errp) &&
           kvm_irqchip_get(s, &st->ioapic, errp) &&
           kvm_vm_ioctl_named(s, KVM_GET_PIT2, "KVM_GET_PIT2", &st->pit,
                              errp);
}

bool kvm_pc_put_chips_state(KVMState *s, const KVMPCChipsState *st,
                            Error **errp)
{
    return kvm_irqchip_set(s, &st->pic_master, errp) &&
           kvm_irqchip_set(s, &st->pic_slave, errp) &&
           kvm_irqchip_set(s, &st->ioapic, errp) &&
           kvm_vm_ioctl_named(s, KVM_SET_PIT2, "KVM_SET_PIT2",
                              (void *)&st->pit, errp);
}
