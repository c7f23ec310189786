/*
 * kvm-pc-boot.c: put a direct-boot plan's entry state (flat 32-bit
 * protected mode for multiboot, 64-bit or 16-bit for Linux) into a KVM
 * vCPU. The plan was built by the pure loaders in hw/i386; this is the
 * only place that knows how KVM spells segment caches.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "hw/i386/pc-kvm.h"

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
         * switches tasks; keep the reset TR but make sure it is one. */
        sregs.tr.present = 1;
        sregs.tr.s = 0;
        sregs.tr.type = X86_TSS_BUSY_64;
        sregs.tr.unusable = 0;
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

/* Entries KVM_GET_SUPPORTED_CPUID may return; it says E2BIG if more. */
#define KVM_BOOT_MAX_CPUID 256

bool kvm_x86_init_cpuid(KVMCPU *cpu, Error **errp)
{
    struct kvm_cpuid2 *cpuid;
    int ret;

    cpuid = g_malloc0(sizeof(*cpuid) +
                      KVM_BOOT_MAX_CPUID * sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = KVM_BOOT_MAX_CPUID;
    ret = kvm_ioctl(cpu->kvm, KVM_GET_SUPPORTED_CPUID, cpuid);
    if (ret < 0) {
        error_setg(errp, "KVM_GET_SUPPORTED_CPUID failed: %s", strerror(-ret));
        g_free(cpuid);
        return false;
    }
    /* Without a CPUID table the vCPU has no long mode: EFER.LME faults. */
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_CPUID2, cpuid);
    g_free(cpuid);
    if (ret < 0) {
        error_setg(errp, "KVM_SET_CPUID2 failed: %s", strerror(-ret));
        return false;
    }
    return true;
}
