/*
 * kvm-cpuid.c: the KVM side of the CPU model: ask KVM what it supports,
 * filter the model against it and load the vCPU's CPUID table. The
 * table itself comes from target/i386/cpu.c; only the ioctls and QEMU's
 * fix-ups of KVM's answer (kvm_arch_get_supported_cpuid) live here.
 */
#include "qemu/osdep.h"
#include <cpuid.h>
#include "system/kvm-irqchip.h"
#include "target/i386/kvm/kvm-cpuid.h"

/* Entries KVM_GET_SUPPORTED_CPUID may return; it says E2BIG if more. */
#define KVM_CPUID_MAX_SUPPORTED 256

static const struct kvm_cpuid_entry2 *
supported_entry(const struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &c->entries[i];

        if (e->function == fn &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == idx)) {
            return e;
        }
    }
    return NULL;
}

static uint32_t supported_reg(const struct kvm_cpuid2 *c, uint32_t fn,
                              uint32_t idx, X86CPUIDReg reg)
{
    const struct kvm_cpuid_entry2 *e = supported_entry(c, fn, idx);

    if (!e) {
        return 0;
    }
    switch (reg) {
    case X86_CPUID_EAX: return e->eax;
    case X86_CPUID_EBX: return e->ebx;
    case X86_CPUID_ECX: return e->ecx;
    default: return e->edx;
    }
}

void kvm_x86_accel_info_from_supported(const struct kvm_cpuid2 *supported,
                                       bool irqchip_in_kernel,
                                       bool tsc_deadline, X86AccelInfo *info)
{
    uint32_t *f = info->supported;

    info->kvm = true;
    for (unsigned w = 0; w < FEATURE_WORDS; w++) {
        const X86FeatureWordInfo *fw = &x86_feature_words[w];

        f[w] = supported_reg(supported, fw->leaf, fw->index, fw->reg);
    }
    /* The leaf limits say which of those leaves exist at all. */
    info->level = supported_reg(supported, 0, 0, X86_CPUID_EAX);
    info->xlevel = supported_reg(supported, 0x80000000, 0, X86_CPUID_EAX);

    f[FEAT_1_ECX] |= CPUID_EXT_HYPERVISOR;
    /*
     * Without the in-kernel LAPIC KVM drops writes to IA32_TSC_DEADLINE
     * and #GPs the x2APIC MSRs, so neither is offered (as QEMU).
     */
    if (tsc_deadline && irqchip_in_kernel) {
        f[FEAT_1_ECX] |= CPUID_EXT_TSC_DEADLINE;
    }
    if (!irqchip_in_kernel) {
        f[FEAT_1_ECX] &= ~(CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE);
        f[FEAT_KVM] &= ~(1u << 7);          /* kvm-pv-unhalt */
    }
    /* KVM before 2.6.30 misreported these; QEMU always allows them. */
    f[FEAT_1_EDX] |= (1u << 12) | (1u << 16) | (1u << 7) | (1u << 14);
    /* ARAT: the APIC timer is emulated, so always running. */
    f[FEAT_6_EAX] |= 1u << 2;
    /* Intel hosts answer 0x80000001 the Intel way; AMD models want the
     * leaf 1 EDX aliases there. */
    f[FEAT_8000_0001_EDX] |= f[FEAT_1_EDX] & CPUID_EXT2_AMD_ALIASES;
}

static void host_cpuid(uint32_t fn, uint32_t idx, uint32_t r[4])
{
    __cpuid_count(fn, idx, r[0], r[1], r[2], r[3]);
}

/* QEMU's host_cpu_vendor_fms() and host_cpu_fill_model_id(). */
static void host_identity(X86AccelInfo *info)
{
    uint32_t r[4];

    host_cpuid(0, 0, r);
    memcpy(info->vendor, &r[1], 4);
    memcpy(info->vendor + 4, &r[3], 4);
    memcpy(info->vendor + 8, &r[2], 4);
    info->vendor[12] = 0;

    host_cpuid(1, 0, r);
    info->family = (r[0] >> 8) & 0xf;
    if (info->family == 0xf) {
        info->family += (r[0] >> 20) & 0xff;
    }
    info->model = ((r[0] >> 4) & 0xf) | ((r[0] & 0xf0000) >> 12);
    info->stepping = r[0] & 0xf;

    host_cpuid(0x80000000, 0, r);
    if (r[0] >= 0x80000004) {
        for (unsigned i = 0; i < 3; i++) {
            host_cpuid(0x80000002 + i, 0, r);
            memcpy(info->model_id + 16 * i, r, 16);
        }
        info->model_id[48] = 0;
    }
    host_cpuid(0x80000000, 0, r);
    if (r[0] >= 0x80000008) {
        host_cpuid(0x80000008, 0, r);
        info->phys_bits = r[0] & 0xff;
    }
}

bool kvm_x86_accel_info(KVMState *s, X86AccelInfo *info, Error **errp)
{
    g_autofree struct kvm_cpuid2 *cpuid = NULL;
    int ret;

    memset(info, 0, sizeof(*info));
    cpuid = g_malloc0(sizeof(*cpuid) + KVM_CPUID_MAX_SUPPORTED *
                      sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = KVM_CPUID_MAX_SUPPORTED;
    ret = kvm_ioctl(s, KVM_GET_SUPPORTED_CPUID, cpuid);
    if (ret < 0) {
        error_setg(errp, "KVM_GET_SUPPORTED_CPUID failed: %s",
                   strerror(-ret));
        return false;
    }
    kvm_x86_accel_info_from_supported(
        cpuid, kvm_irqchip_in_kernel(s),
        kvm_check_extension(s, KVM_CAP_TSC_DEADLINE_TIMER) > 0, info);
    host_identity(info);
    return true;
}

bool kvm_x86_set_cpuid_table(KVMCPU *cpu, const X86CPUIDTable *t,
                             Error **errp)
{
    g_autofree struct kvm_cpuid2 *cpuid = NULL;

    cpuid = g_malloc0(sizeof(*cpuid) +
                      t->nent * sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = t->nent;
    for (unsigned i = 0; i < t->nent; i++) {
        const X86CPUIDEntry *e = &t->entries[i];
        struct kvm_cpuid_entry2 *k = &cpuid->entries[i];

        k->function = e->function;
        k->index = e->index;
        k->flags = e->flags & X86_CPUID_FLAG_SIGNIFICANT_INDEX
            ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
        /* Leaf 2 once said how often to read it; QEMU still marks it. */
        if (e->function == 2) {
            k->flags |= KVM_CPUID_FLAG_STATEFUL_FUNC |
                        KVM_CPUID_FLAG_STATE_READ_NEXT;
        }
        k->eax = e->eax;
        k->ebx = e->ebx;
        k->ecx = e->ecx;
        k->edx = e->edx;
    }
    return kvm_vcpu_ioctl_named(cpu, KVM_SET_CPUID2, "KVM_SET_CPUID2", cpuid,
                                errp);
}

bool kvm_x86_cpu_setup_cpuid(KVMCPU *cpu, const char *cpu_spec,
                             const CpuTopology *topo, unsigned vcpu_index,
                             Error **errp)
{
    g_autoptr(X86CPUSpec) spec = NULL;
    g_autofree X86CPUIDTable *table = g_new0(X86CPUIDTable, 1);
    X86AccelInfo accel;
    X86CPUConfig cfg;

    spec = x86_cpu_spec_parse(cpu_spec ? cpu_spec
                              : x86_cpu_default_model("kvm", NULL), errp);
    if (!spec) {
        return false;
    }
    if (!kvm_x86_accel_info(cpu->kvm, &accel, errp) ||
        !x86_cpu_config_init(&cfg, spec, &accel, errp) ||
        !x86_cpu_filter_features(&cfg, &accel, errp)) {
        return false;
    }
    x86_cpuid_build(&cfg, topo, vcpu_index, table);
    return kvm_x86_set_cpuid_table(cpu, table, errp);
}
