/*
 * kvm-state.c: sync of CPUX86State with a KVM vCPU, in the order and at
 * the levels of QEMU's kvm_arch_get/put_registers: REGS, XSAVE+XCRS (or
 * FPU), SREGS2 (or SREGS), MSRs, LAPIC, MP_STATE, VCPU_EVENTS, DEBUGREGS.
 * What the host's KVM offers is learnt once (capabilities, the MSR index
 * list) and anything missing is skipped rather than failed.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/error.h"
#include "system/kvm.h"
#include "system/kvm-irqchip.h"
#include "target/i386/kvm/kvm-state.h"

#include <sys/ioctl.h>

G_STATIC_ASSERT(X86_MP_STATE_RUNNABLE == KVM_MP_STATE_RUNNABLE);
G_STATIC_ASSERT(X86_MP_STATE_UNINITIALIZED == KVM_MP_STATE_UNINITIALIZED);
G_STATIC_ASSERT(X86_MP_STATE_HALTED == KVM_MP_STATE_HALTED);
G_STATIC_ASSERT(X86_XSAVE_AREA_SIZE == sizeof(struct kvm_xsave));
G_STATIC_ASSERT(X86_LAPIC_REG_SIZE == sizeof(struct kvm_lapic_state));

/* What this host's KVM can do, learnt from the first vCPU we see. */
typedef struct KVMX86Caps {
    bool xsave;
    bool xcrs;
    bool debugregs;
    bool vcpu_events;
    bool sregs2;
    bool smm;
    bool mtrr;          /* the MTRR MSRs answer (they are not listed) */
    uint32_t *msrs;     /* KVM_GET_MSR_INDEX_LIST */
    unsigned nmsrs;
} KVMX86Caps;

/* One MSR that CPUX86State keeps: where, and from which put level. */
typedef struct X86MsrField {
    uint32_t index;
    size_t offset;      /* of a uint64_t in CPUX86State */
    int level;
} X86MsrField;

#define MSR_FIELD(idx, field, lvl) \
    { (idx), offsetof(CPUX86State, field), (lvl) }
#define MSR_RT KVM_PUT_RUNTIME_STATE
/* Side effects on the guest (TSC) or too heavy for every sync (MTRRs). */
#define MSR_RS KVM_PUT_RESET_STATE

static const X86MsrField x86_msr_fields[] = {
    MSR_FIELD(MSR_IA32_SYSENTER_CS, sysenter_cs, MSR_RT),
    MSR_FIELD(MSR_IA32_SYSENTER_ESP, sysenter_esp, MSR_RT),
    MSR_FIELD(MSR_IA32_SYSENTER_EIP, sysenter_eip, MSR_RT),
    MSR_FIELD(MSR_STAR, star, MSR_RT),
    MSR_FIELD(MSR_LSTAR, lstar, MSR_RT),
    MSR_FIELD(MSR_CSTAR, cstar, MSR_RT),
    MSR_FIELD(MSR_FMASK, fmask, MSR_RT),
    MSR_FIELD(MSR_KERNELGSBASE, kernelgsbase, MSR_RT),
    MSR_FIELD(MSR_TSC_AUX, tsc_aux, MSR_RT),
    MSR_FIELD(MSR_PAT, pat, MSR_RT),
    MSR_FIELD(MSR_IA32_MISC_ENABLE, msr_ia32_misc_enable, MSR_RT),
    MSR_FIELD(MSR_IA32_TSC, tsc, MSR_RS),
    MSR_FIELD(MSR_MTRRdefType, mtrr_deftype, MSR_RS),
    MSR_FIELD(MSR_MTRRfix64K_00000, mtrr_fixed[0], MSR_RS),
    MSR_FIELD(MSR_MTRRfix16K_80000, mtrr_fixed[1], MSR_RS),
    MSR_FIELD(MSR_MTRRfix16K_A0000, mtrr_fixed[2], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 0, mtrr_fixed[3], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 1, mtrr_fixed[4], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 2, mtrr_fixed[5], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 3, mtrr_fixed[6], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 4, mtrr_fixed[7], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 5, mtrr_fixed[8], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 6, mtrr_fixed[9], MSR_RS),
    MSR_FIELD(MSR_MTRRfix4K_C0000 + 7, mtrr_fixed[10], MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(0), mtrr_var[0].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(0), mtrr_var[0].mask, MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(1), mtrr_var[1].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(1), mtrr_var[1].mask, MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(2), mtrr_var[2].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(2), mtrr_var[2].mask, MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(3), mtrr_var[3].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(3), mtrr_var[3].mask, MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(4), mtrr_var[4].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(4), mtrr_var[4].mask, MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(5), mtrr_var[5].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(5), mtrr_var[5].mask, MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(6), mtrr_var[6].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(6), mtrr_var[6].mask, MSR_RS),
    MSR_FIELD(MSR_MTRRphysBase(7), mtrr_var[7].base, MSR_RS),
    MSR_FIELD(MSR_MTRRphysMask(7), mtrr_var[7].mask, MSR_RS),
};

static bool msr_is_mtrr(uint32_t index)
{
    return (index >= MSR_MTRRphysBase(0) &&
            index <= MSR_MTRRphysMask(MSR_MTRR_VAR_COUNT - 1)) ||
           index == MSR_MTRRfix64K_00000 || index == MSR_MTRRfix16K_80000 ||
           index == MSR_MTRRfix16K_A0000 ||
           (index >= MSR_MTRRfix4K_C0000 &&
            index < MSR_MTRRfix4K_C0000 + 8) ||
           index == MSR_MTRRdefType;
}

static struct kvm_msrs *msrs_new(unsigned n)
{
    return g_malloc0(sizeof(struct kvm_msrs) +
                     n * sizeof(struct kvm_msr_entry));
}

static void caps_read_msr_list(KVMState *s, KVMX86Caps *caps)
{
    struct kvm_msr_list probe = { .nmsrs = 0 };
    g_autofree struct kvm_msr_list *list = NULL;

    /* The first call fails with E2BIG and says how many there are. */
    if (kvm_ioctl(s, KVM_GET_MSR_INDEX_LIST, &probe) != -E2BIG ||
        probe.nmsrs == 0) {
        return;
    }
    list = g_malloc0(sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
    list->nmsrs = probe.nmsrs;
    if (kvm_ioctl(s, KVM_GET_MSR_INDEX_LIST, list) < 0) {
        return;
    }
    caps->nmsrs = list->nmsrs;
    caps->msrs = g_memdup2(list->indices, list->nmsrs * sizeof(uint32_t));
}

/* KVM does not list the MTRRs; QEMU keys them on CPUID, we ask once. */
static bool caps_probe_mtrr(KVMCPU *cpu)
{
    g_autofree struct kvm_msrs *m = msrs_new(1);

    m->nmsrs = 1;
    m->entries[0].index = MSR_MTRRdefType;
    return kvm_vcpu_ioctl(cpu, KVM_GET_MSRS, m) == 1;
}

static gpointer caps_init(gpointer opaque)
{
    KVMCPU *cpu = opaque;
    KVMState *s = cpu->kvm;
    KVMX86Caps *caps = g_new0(KVMX86Caps, 1);

    caps->xsave = kvm_check_extension(s, KVM_CAP_XSAVE) > 0;
    caps->xcrs = kvm_check_extension(s, KVM_CAP_XCRS) > 0;
    caps->debugregs = kvm_check_extension(s, KVM_CAP_DEBUGREGS) > 0;
    caps->vcpu_events = kvm_check_extension(s, KVM_CAP_VCPU_EVENTS) > 0;
    caps->sregs2 = kvm_check_extension(s, KVM_CAP_SREGS2) > 0;
    caps->smm = kvm_check_extension(s, KVM_CAP_X86_SMM) > 0;
    caps->mtrr = caps_probe_mtrr(cpu);
    caps_read_msr_list(s, caps);
    return caps;
}

bool kvm_x86_state_legacy_ioctls;

/* The host's capabilities are the same for every VM: learn them once. */
static const KVMX86Caps *kvm_x86_caps(KVMCPU *cpu)
{
    static GOnce once = G_ONCE_INIT;

    return g_once(&once, caps_init, cpu);
}

/* The capabilities a get or put uses: the host's, less the test knob's. */
static KVMX86Caps kvm_x86_caps_used(KVMCPU *cpu)
{
    KVMX86Caps caps = *kvm_x86_caps(cpu);

    if (kvm_x86_state_legacy_ioctls) {
        caps.sregs2 = false;
        caps.xsave = false;
        caps.xcrs = false;
    }
    return caps;
}

bool kvm_x86_has_msr(KVMCPU *cpu, uint32_t index)
{
    const KVMX86Caps *caps = kvm_x86_caps(cpu);
    unsigned i;

    if (msr_is_mtrr(index)) {
        return caps->mtrr;
    }
    for (i = 0; i < caps->nmsrs; i++) {
        if (caps->msrs[i] == index) {
            return true;
        }
    }
    return false;
}

/* ---- segments ---- */

void kvm_x86_seg_from_kvm(SegmentCache *sc, const struct kvm_segment *ks)
{
    sc->selector = ks->selector;
    sc->base = ks->base;
    sc->limit = ks->limit;
    /* An unusable segment reads as not present, as QEMU. */
    sc->flags = (uint32_t)ks->type << DESC_TYPE_SHIFT |
                (ks->present && !ks->unusable ? DESC_P_MASK : 0) |
                (uint32_t)ks->dpl << DESC_DPL_SHIFT |
                (uint32_t)ks->db << DESC_B_SHIFT |
                (ks->s ? DESC_S_MASK : 0) |
                (uint32_t)ks->l << DESC_L_SHIFT |
                (ks->g ? DESC_G_MASK : 0) |
                (ks->avl ? DESC_AVL_MASK : 0);
}

void kvm_x86_seg_to_kvm(struct kvm_segment *ks, const SegmentCache *sc)
{
    uint32_t fl = sc->flags;

    *ks = (struct kvm_segment) {
        .base = sc->base,
        .limit = sc->limit,
        .selector = sc->selector,
        .type = (fl & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT,
        .present = !!(fl & DESC_P_MASK),
        .dpl = (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT,
        .db = !!(fl & DESC_B_MASK),
        .s = !!(fl & DESC_S_MASK),
        .l = !!(fl & DESC_L_MASK),
        .g = !!(fl & DESC_G_MASK),
        .avl = !!(fl & DESC_AVL_MASK),
        .unusable = !(fl & DESC_P_MASK),
    };
}

/* Virtual-8086 segments: what VMX insists on while EFLAGS.VM is set. */
static void seg_to_kvm_v86(struct kvm_segment *ks, const SegmentCache *sc)
{
    *ks = (struct kvm_segment) {
        .base = sc->base,
        .limit = sc->limit,
        .selector = sc->selector,
        .type = 3,
        .present = 1,
        .dpl = 3,
        .s = 1,
    };
}

/* ---- REGS ---- */

static bool get_regs(KVMCPU *cpu, CPUX86State *env, Error **errp)
{
    struct kvm_regs r;

    if (!kvm_x86_get_regs(cpu, &r, errp)) {
        return false;
    }
    env->regs[R_EAX] = r.rax;
    env->regs[R_ECX] = r.rcx;
    env->regs[R_EDX] = r.rdx;
    env->regs[R_EBX] = r.rbx;
    env->regs[R_ESP] = r.rsp;
    env->regs[R_EBP] = r.rbp;
    env->regs[R_ESI] = r.rsi;
    env->regs[R_EDI] = r.rdi;
    env->regs[8] = r.r8;
    env->regs[9] = r.r9;
    env->regs[10] = r.r10;
    env->regs[11] = r.r11;
    env->regs[12] = r.r12;
    env->regs[13] = r.r13;
    env->regs[14] = r.r14;
    env->regs[15] = r.r15;
    env->eip = r.rip;
    env->eflags = r.rflags;
    return true;
}

static bool put_regs(KVMCPU *cpu, const CPUX86State *env, Error **errp)
{
    struct kvm_regs r = {
        .rax = env->regs[R_EAX], .rcx = env->regs[R_ECX],
        .rdx = env->regs[R_EDX], .rbx = env->regs[R_EBX],
        .rsp = env->regs[R_ESP], .rbp = env->regs[R_EBP],
        .rsi = env->regs[R_ESI], .rdi = env->regs[R_EDI],
        .r8 = env->regs[8], .r9 = env->regs[9],
        .r10 = env->regs[10], .r11 = env->regs[11],
        .r12 = env->regs[12], .r13 = env->regs[13],
        .r14 = env->regs[14], .r15 = env->regs[15],
        .rip = env->eip, .rflags = env->eflags,
    };

    return kvm_x86_set_regs(cpu, &r, errp);
}

/* ---- SREGS / SREGS2 ---- */

/*
 * CPUX86State converts to and from kvm_sregs2; the older kvm_sregs has
 * the same fields but for the PDPTRs (and its interrupt bitmap).
 */
static void sregs2_to_env(CPUX86State *env, const struct kvm_sregs2 *sr)
{
    int i;

    kvm_x86_seg_from_kvm(&env->segs[R_CS], &sr->cs);
    kvm_x86_seg_from_kvm(&env->segs[R_DS], &sr->ds);
    kvm_x86_seg_from_kvm(&env->segs[R_ES], &sr->es);
    kvm_x86_seg_from_kvm(&env->segs[R_FS], &sr->fs);
    kvm_x86_seg_from_kvm(&env->segs[R_GS], &sr->gs);
    kvm_x86_seg_from_kvm(&env->segs[R_SS], &sr->ss);
    kvm_x86_seg_from_kvm(&env->tr, &sr->tr);
    kvm_x86_seg_from_kvm(&env->ldt, &sr->ldt);
    env->gdt.base = sr->gdt.base;
    env->gdt.limit = sr->gdt.limit;
    env->idt.base = sr->idt.base;
    env->idt.limit = sr->idt.limit;
    env->cr[0] = sr->cr0;
    env->cr[2] = sr->cr2;
    env->cr[3] = sr->cr3;
    env->cr[4] = sr->cr4;
    env->cr8 = sr->cr8;
    env->efer = sr->efer;
    env->apic_base = sr->apic_base;
    env->pdptrs_valid = sr->flags & KVM_SREGS2_FLAGS_PDPTRS_VALID;
    for (i = 0; i < 4; i++) {
        env->pdptrs[i] = env->pdptrs_valid ? sr->pdptrs[i] : 0;
    }
}

static void env_to_sregs2(struct kvm_sregs2 *sr, const CPUX86State *env)
{
    void (*conv)(struct kvm_segment *, const SegmentCache *) =
        env->eflags & VM_MASK ? seg_to_kvm_v86 : kvm_x86_seg_to_kvm;
    int i;

    memset(sr, 0, sizeof(*sr));
    conv(&sr->cs, &env->segs[R_CS]);
    conv(&sr->ds, &env->segs[R_DS]);
    conv(&sr->es, &env->segs[R_ES]);
    conv(&sr->fs, &env->segs[R_FS]);
    conv(&sr->gs, &env->segs[R_GS]);
    conv(&sr->ss, &env->segs[R_SS]);
    kvm_x86_seg_to_kvm(&sr->tr, &env->tr);
    kvm_x86_seg_to_kvm(&sr->ldt, &env->ldt);
    sr->gdt.base = env->gdt.base;
    sr->gdt.limit = env->gdt.limit;
    sr->idt.base = env->idt.base;
    sr->idt.limit = env->idt.limit;
    sr->cr0 = env->cr[0];
    sr->cr2 = env->cr[2];
    sr->cr3 = env->cr[3];
    sr->cr4 = env->cr[4];
    sr->cr8 = env->cr8;
    sr->efer = env->efer;
    sr->apic_base = env->apic_base;
    if (env->pdptrs_valid) {
        for (i = 0; i < 4; i++) {
            sr->pdptrs[i] = env->pdptrs[i];
        }
        sr->flags = KVM_SREGS2_FLAGS_PDPTRS_VALID;
    }
}

static void sregs_to_sregs2(struct kvm_sregs2 *sr2, const struct kvm_sregs *sr)
{
    *sr2 = (struct kvm_sregs2) {
        .cs = sr->cs, .ds = sr->ds, .es = sr->es, .fs = sr->fs,
        .gs = sr->gs, .ss = sr->ss, .tr = sr->tr, .ldt = sr->ldt,
        .gdt = sr->gdt, .idt = sr->idt,
        .cr0 = sr->cr0, .cr2 = sr->cr2, .cr3 = sr->cr3, .cr4 = sr->cr4,
        .cr8 = sr->cr8, .efer = sr->efer, .apic_base = sr->apic_base,
    };
}

static void sregs2_to_sregs(struct kvm_sregs *sr, const struct kvm_sregs2 *sr2)
{
    *sr = (struct kvm_sregs) {
        .cs = sr2->cs, .ds = sr2->ds, .es = sr2->es, .fs = sr2->fs,
        .gs = sr2->gs, .ss = sr2->ss, .tr = sr2->tr, .ldt = sr2->ldt,
        .gdt = sr2->gdt, .idt = sr2->idt,
        .cr0 = sr2->cr0, .cr2 = sr2->cr2, .cr3 = sr2->cr3, .cr4 = sr2->cr4,
        .cr8 = sr2->cr8, .efer = sr2->efer, .apic_base = sr2->apic_base,
    };
}

static bool get_sregs(KVMCPU *cpu, const KVMX86Caps *caps, CPUX86State *env,
                      Error **errp)
{
    struct kvm_sregs2 sr2;
    struct kvm_sregs sr;
    int i;

    if (caps->sregs2) {
        if (!kvm_vcpu_ioctl_named(cpu, KVM_GET_SREGS2, "KVM_GET_SREGS2", &sr2,
                                  errp)) {
            return false;
        }
        sregs2_to_env(env, &sr2);
        return true;
    }
    if (!kvm_x86_get_sregs(cpu, &sr, errp)) {
        return false;
    }
    sregs_to_sregs2(&sr2, &sr);
    sregs2_to_env(env, &sr2);
    /* Without VCPU_EVENTS the pending interrupt is only seen here. */
    if (!caps->vcpu_events) {
        env->interrupt_injected = -1;
        for (i = 0; i < 256; i++) {
            if (sr.interrupt_bitmap[i / 64] & (1ULL << (i % 64))) {
                env->interrupt_injected = i;
                break;
            }
        }
    }
    return true;
}

static bool put_sregs(KVMCPU *cpu, const KVMX86Caps *caps,
                      const CPUX86State *env, Error **errp)
{
    struct kvm_sregs2 sr2;
    struct kvm_sregs sr;
    int i;

    env_to_sregs2(&sr2, env);
    if (caps->sregs2) {
        return kvm_vcpu_ioctl_named(cpu, KVM_SET_SREGS2, "KVM_SET_SREGS2",
                                    &sr2, errp);
    }
    sregs2_to_sregs(&sr, &sr2);
    if (!caps->vcpu_events && env->interrupt_injected >= 0) {
        i = env->interrupt_injected & 0xff;
        sr.interrupt_bitmap[i / 64] |= 1ULL << (i % 64);
    }
    return kvm_x86_set_sregs(cpu, &sr, errp);
}

/* ---- x87 / SSE / XSAVE ---- */

/*
 * The x87 registers of an FXSAVE image are in stack order (ST(0) first),
 * its abridged tag byte in physical order; CPUX86State keeps both by
 * physical register, as TCG will.
 */
static void fx_to_env(CPUX86State *env, uint16_t fsw, uint8_t ftwx,
                      const uint8_t *st_regs)
{
    int i;

    env->fpstt = (fsw >> 11) & 7;
    env->fpus = fsw & ~0x3800;
    for (i = 0; i < 8; i++) {
        const uint8_t *st = st_regs + 16 * i;
        X86FPReg *reg = &env->fpregs[(env->fpstt + i) & 7];

        env->fptags[i] = !(ftwx & (1 << i));
        reg->low = ldq_le_p(st);
        reg->high = lduw_le_p(st + 8);
    }
}

static uint8_t env_ftwx(const CPUX86State *env)
{
    uint8_t ftwx = 0;
    int i;

    for (i = 0; i < 8; i++) {
        ftwx |= (uint8_t)(!env->fptags[i] << i);
    }
    return ftwx;
}

static void env_st_regs(const CPUX86State *env, uint8_t *st_regs)
{
    int i;

    for (i = 0; i < 8; i++) {
        const X86FPReg *reg = &env->fpregs[(env->fpstt + i) & 7];
        uint8_t *st = st_regs + 16 * i;

        memset(st, 0, 16);
        stq_le_p(st, reg->low);
        stw_le_p(st + 8, reg->high);
    }
}

static uint16_t env_fsw(const CPUX86State *env)
{
    return (env->fpus & ~0x3800) | (env->fpstt & 7) << 11;
}

static void xsave_to_env(CPUX86State *env, const uint8_t *xs)
{
    int i;

    memcpy(env->xsave_area, xs, X86_XSAVE_AREA_SIZE);
    env->fpuc = lduw_le_p(xs);
    fx_to_env(env, lduw_le_p(xs + 2), xs[4], xs + X86_XSAVE_OFF_FPREGS);
    env->fpop = lduw_le_p(xs + 6);
    env->fpip = ldq_le_p(xs + 8);
    env->fpdp = ldq_le_p(xs + 16);
    env->mxcsr = ldl_le_p(xs + 24);
    for (i = 0; i < CPU_NB_REGS; i++) {
        memcpy(&env->xmm_regs[i], xs + X86_XSAVE_OFF_XMM + 16 * i, 16);
    }
}

static void env_to_xsave(const CPUX86State *env, uint8_t *xs)
{
    int i;

    memcpy(xs, env->xsave_area, X86_XSAVE_AREA_SIZE);
    stw_le_p(xs, env->fpuc);
    stw_le_p(xs + 2, env_fsw(env));
    xs[4] = env_ftwx(env);
    stw_le_p(xs + 6, env->fpop);
    stq_le_p(xs + 8, env->fpip);
    stq_le_p(xs + 16, env->fpdp);
    stl_le_p(xs + 24, env->mxcsr);
    env_st_regs(env, xs + X86_XSAVE_OFF_FPREGS);
    for (i = 0; i < CPU_NB_REGS; i++) {
        memcpy(xs + X86_XSAVE_OFF_XMM + 16 * i, &env->xmm_regs[i], 16);
    }
    /* A clear bit would make KVM load the init state, not our fields. */
    stq_le_p(xs + X86_XSAVE_OFF_HEADER,
             ldq_le_p(xs + X86_XSAVE_OFF_HEADER) | XSTATE_FP_MASK |
             XSTATE_SSE_MASK);
}

static bool get_fpu(KVMCPU *cpu, const KVMX86Caps *caps, CPUX86State *env,
                    Error **errp)
{
    struct kvm_fpu fpu;
    int i;

    if (caps->xsave) {
        g_autofree struct kvm_xsave *xs = g_new0(struct kvm_xsave, 1);

        if (!kvm_vcpu_ioctl_named(cpu, KVM_GET_XSAVE, "KVM_GET_XSAVE", xs,
                                  errp)) {
            return false;
        }
        xsave_to_env(env, (const uint8_t *)xs->region);
        return true;
    }
    if (!kvm_vcpu_ioctl_named(cpu, KVM_GET_FPU, "KVM_GET_FPU", &fpu, errp)) {
        return false;
    }
    env->fpuc = fpu.fcw;
    fx_to_env(env, fpu.fsw, fpu.ftwx, &fpu.fpr[0][0]);
    env->fpop = fpu.last_opcode;
    env->fpip = fpu.last_ip;
    env->fpdp = fpu.last_dp;
    /*
     * KVM_GET/SET_FPU never carried MXCSR (the kernel leaves it out both
     * ways): keep ours rather than take its zero. Only XSAVE syncs it.
     */
    for (i = 0; i < CPU_NB_REGS; i++) {
        memcpy(&env->xmm_regs[i], fpu.xmm[i], 16);
    }
    return true;
}

static bool put_fpu(KVMCPU *cpu, const KVMX86Caps *caps,
                    const CPUX86State *env, Error **errp)
{
    struct kvm_fpu fpu = { 0 };
    int i;

    if (caps->xsave) {
        g_autofree struct kvm_xsave *xs = g_new0(struct kvm_xsave, 1);

        env_to_xsave(env, (uint8_t *)xs->region);
        return kvm_vcpu_ioctl_named(cpu, KVM_SET_XSAVE, "KVM_SET_XSAVE", xs,
                                    errp);
    }
    fpu.fcw = env->fpuc;
    fpu.fsw = env_fsw(env);
    fpu.ftwx = env_ftwx(env);
    fpu.last_opcode = env->fpop;
    fpu.last_ip = env->fpip;
    fpu.last_dp = env->fpdp;
    fpu.mxcsr = env->mxcsr;
    env_st_regs(env, &fpu.fpr[0][0]);
    for (i = 0; i < CPU_NB_REGS; i++) {
        memcpy(fpu.xmm[i], &env->xmm_regs[i], 16);
    }
    return kvm_vcpu_ioctl_named(cpu, KVM_SET_FPU, "KVM_SET_FPU", &fpu, errp);
}

static bool get_xcrs(KVMCPU *cpu, CPUX86State *env, Error **errp)
{
    struct kvm_xcrs xcrs = { 0 };
    unsigned i;

    if (!kvm_vcpu_ioctl_named(cpu, KVM_GET_XCRS, "KVM_GET_XCRS", &xcrs,
                              errp)) {
        return false;
    }
    for (i = 0; i < xcrs.nr_xcrs && i < KVM_MAX_XCRS; i++) {
        if (xcrs.xcrs[i].xcr == 0) {
            env->xcr0 = xcrs.xcrs[i].value;
        }
    }
    return true;
}

static bool put_xcrs(KVMCPU *cpu, const CPUX86State *env, Error **errp)
{
    struct kvm_xcrs xcrs = { .nr_xcrs = 1 };
    int ret;

    xcrs.xcrs[0].xcr = 0;
    xcrs.xcrs[0].value = env->xcr0;
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_XCRS, &xcrs);
    if (ret < 0) {
        error_setg(errp, "KVM_SET_XCRS (XCR0=0x%" PRIx64 ") failed: %s",
                   env->xcr0, strerror(-ret));
        return false;
    }
    return true;
}

/* ---- MSRs ---- */

static uint64_t *msr_slot(CPUX86State *env, const X86MsrField *f)
{
    return (uint64_t *)((uint8_t *)env + f->offset);
}

static uint64_t msr_value(const CPUX86State *env, const X86MsrField *f)
{
    return *(const uint64_t *)((const uint8_t *)env + f->offset);
}

/* The fields to sync: those the host has, and the put level allows. */
static unsigned msr_select(KVMCPU *cpu, int level, const X86MsrField **sel)
{
    unsigned i, n = 0;

    for (i = 0; i < ARRAY_SIZE(x86_msr_fields); i++) {
        if (x86_msr_fields[i].level <= level &&
            kvm_x86_has_msr(cpu, x86_msr_fields[i].index)) {
            sel[n++] = &x86_msr_fields[i];
        }
    }
    return n;
}

static bool get_msrs(KVMCPU *cpu, CPUX86State *env, Error **errp)
{
    const X86MsrField *sel[ARRAY_SIZE(x86_msr_fields)];
    unsigned i, n = msr_select(cpu, KVM_PUT_FULL_STATE, sel);
    g_autofree struct kvm_msrs *m = msrs_new(n);
    int ret;

    if (n == 0) {
        return true;
    }
    m->nmsrs = n;
    for (i = 0; i < n; i++) {
        m->entries[i].index = sel[i]->index;
    }
    ret = kvm_vcpu_ioctl(cpu, KVM_GET_MSRS, m);
    if (ret < 0) {
        error_setg(errp, "KVM_GET_MSRS failed: %s", strerror(-ret));
        return false;
    }
    if ((unsigned)ret < n) {
        error_setg(errp, "KVM_GET_MSRS: cannot read MSR 0x%x",
                   sel[ret]->index);
        return false;
    }
    for (i = 0; i < n; i++) {
        *msr_slot(env, sel[i]) = m->entries[i].data;
    }
    return true;
}

static bool put_msrs(KVMCPU *cpu, const CPUX86State *env, int level,
                     Error **errp)
{
    const X86MsrField *sel[ARRAY_SIZE(x86_msr_fields)];
    unsigned i, n = msr_select(cpu, level, sel);
    g_autofree struct kvm_msrs *m = msrs_new(n);
    int ret;

    if (n == 0) {
        return true;
    }
    m->nmsrs = n;
    for (i = 0; i < n; i++) {
        m->entries[i].index = sel[i]->index;
        m->entries[i].data = msr_value(env, sel[i]);
    }
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_MSRS, m);
    if (ret < 0) {
        error_setg(errp, "KVM_SET_MSRS failed: %s", strerror(-ret));
        return false;
    }
    /* KVM stops at the first MSR it refuses and says how many it took. */
    if ((unsigned)ret < n) {
        error_setg(errp, "KVM_SET_MSRS: MSR 0x%x refused value 0x%" PRIx64,
                   sel[ret]->index, msr_value(env, sel[ret]));
        return false;
    }
    return true;
}

/* ---- debug registers, events, MP state, LAPIC ---- */

static bool get_debugregs(KVMCPU *cpu, CPUX86State *env, Error **errp)
{
    struct kvm_debugregs dbg;
    int i;

    if (!kvm_vcpu_ioctl_named(cpu, KVM_GET_DEBUGREGS, "KVM_GET_DEBUGREGS",
                              &dbg, errp)) {
        return false;
    }
    for (i = 0; i < 4; i++) {
        env->dr[i] = dbg.db[i];
    }
    env->dr[6] = dbg.dr6;
    env->dr[7] = dbg.dr7;
    return true;
}

static bool put_debugregs(KVMCPU *cpu, const CPUX86State *env, Error **errp)
{
    struct kvm_debugregs dbg = { .dr6 = env->dr[6], .dr7 = env->dr[7] };
    int i;

    for (i = 0; i < 4; i++) {
        dbg.db[i] = env->dr[i];
    }
    return kvm_vcpu_ioctl_named(cpu, KVM_SET_DEBUGREGS, "KVM_SET_DEBUGREGS",
                                &dbg, errp);
}

static bool get_events(KVMCPU *cpu, CPUX86State *env, Error **errp)
{
    struct kvm_vcpu_events ev;

    if (!kvm_vcpu_ioctl_named(cpu, KVM_GET_VCPU_EVENTS, "KVM_GET_VCPU_EVENTS",
                              &ev, errp)) {
        return false;
    }
    env->exception_injected = ev.exception.injected;
    env->exception_pending = ev.exception.pending;
    env->exception_nr = ev.exception.injected || ev.exception.pending ?
                        ev.exception.nr : -1;
    env->has_error_code = ev.exception.has_error_code;
    env->error_code = ev.exception.error_code;
    env->interrupt_injected = ev.interrupt.injected ? ev.interrupt.nr : -1;
    env->soft_interrupt = ev.interrupt.soft;
    env->interrupt_shadow = ev.interrupt.shadow != 0;
    env->nmi_injected = ev.nmi.injected;
    env->nmi_pending = ev.nmi.pending != 0;
    env->nmi_masked = ev.nmi.masked;
    env->sipi_vector = ev.sipi_vector;
    if (ev.flags & KVM_VCPUEVENT_VALID_SMM) {
        env->smm = ev.smi.smm;
        env->smi_pending = ev.smi.pending;
        env->smm_inside_nmi = ev.smi.smm_inside_nmi;
        env->init_latched = ev.smi.latched_init;
    }
    return true;
}

static bool put_events(KVMCPU *cpu, const KVMX86Caps *caps,
                       const CPUX86State *env, int level, Error **errp)
{
    struct kvm_vcpu_events ev = { 0 };
    bool exc = env->exception_nr >= 0 &&
               (env->exception_injected || env->exception_pending);

    /*
     * Without KVM_CAP_EXCEPTION_PAYLOAD enabled on the VM, KVM knows only
     * "injected": a pending exception is delivered the same way.
     */
    ev.exception.injected = exc;
    ev.exception.nr = exc ? env->exception_nr : 0;
    ev.exception.has_error_code = exc && env->has_error_code;
    ev.exception.error_code = env->error_code;
    ev.interrupt.injected = env->interrupt_injected >= 0;
    ev.interrupt.nr = env->interrupt_injected >= 0 ?
                      env->interrupt_injected : 0;
    ev.interrupt.soft = env->soft_interrupt;
    ev.interrupt.shadow = env->interrupt_shadow ? KVM_X86_SHADOW_INT_MOV_SS
                                                : 0;
    ev.nmi.injected = env->nmi_injected;
    ev.nmi.pending = env->nmi_pending;
    ev.nmi.masked = env->nmi_masked;
    ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW;
    if (level >= KVM_PUT_RESET_STATE) {
        ev.sipi_vector = env->sipi_vector;
        ev.flags |= KVM_VCPUEVENT_VALID_SIPI_VECTOR;
    }
    if (caps->smm) {
        ev.smi.smm = env->smm;
        ev.smi.pending = env->smi_pending;
        ev.smi.smm_inside_nmi = env->smm_inside_nmi;
        ev.smi.latched_init = env->init_latched;
        ev.flags |= KVM_VCPUEVENT_VALID_SMM;
    }
    return kvm_vcpu_ioctl_named(cpu, KVM_SET_VCPU_EVENTS, "KVM_SET_VCPU_EVENTS",
                                &ev, errp);
}

static bool get_lapic_mp(KVMCPU *cpu, CPUX86State *env, Error **errp)
{
    struct kvm_lapic_state lapic;
    uint32_t mp;

    if (!kvm_vcpu_get_mp_state(cpu, &mp, errp)) {
        return false;
    }
    env->mp_state = mp;
    /* Without the in-kernel LAPIC, HLT is the run loop's business. */
    if (!kvm_irqchip_in_kernel(cpu->kvm)) {
        return true;
    }
    env->halted = mp == KVM_MP_STATE_HALTED;
    if (!kvm_vcpu_get_lapic(cpu, &lapic, errp)) {
        return false;
    }
    memcpy(env->lapic, lapic.regs, sizeof(env->lapic));
    env->lapic_valid = true;
    return true;
}

static bool put_lapic_mp(KVMCPU *cpu, const CPUX86State *env, Error **errp)
{
    struct kvm_lapic_state lapic;

    /* KVM refuses any MP state but RUNNABLE without its LAPIC. */
    if (!kvm_irqchip_in_kernel(cpu->kvm)) {
        return true;
    }
    if (env->lapic_valid) {
        memcpy(lapic.regs, env->lapic, sizeof(lapic.regs));
        if (!kvm_vcpu_set_lapic(cpu, &lapic, errp)) {
            return false;
        }
    }
    return kvm_vcpu_set_mp_state(cpu, env->mp_state, errp);
}

/* ---- the whole state ---- */

bool kvm_x86_get_state(KVMCPU *cpu, CPUX86State *env, Error **errp)
{
    KVMX86Caps used = kvm_x86_caps_used(cpu);
    const KVMX86Caps *caps = &used;

    if (!get_regs(cpu, env, errp) ||
        !get_fpu(cpu, caps, env, errp) ||
        (caps->xcrs && !get_xcrs(cpu, env, errp)) ||
        !get_sregs(cpu, caps, env, errp) ||
        !get_msrs(cpu, env, errp) ||
        !get_lapic_mp(cpu, env, errp) ||
        (caps->vcpu_events && !get_events(cpu, env, errp)) ||
        (caps->debugregs && !get_debugregs(cpu, env, errp))) {
        return false;
    }
    return true;
}

bool kvm_x86_put_state(KVMCPU *cpu, const CPUX86State *env, int level,
                       Error **errp)
{
    KVMX86Caps used = kvm_x86_caps_used(cpu);
    const KVMX86Caps *caps = &used;

    /*
     * QEMU's order: the general registers first, the MSRs after SREGS
     * (EFER and the CRs decide which MSR values are valid), the LAPIC and
     * MP state before the events that may refer to them.
     */
    if (!put_regs(cpu, env, errp) ||
        !put_fpu(cpu, caps, env, errp) ||
        (caps->xcrs && !put_xcrs(cpu, env, errp)) ||
        !put_sregs(cpu, caps, env, errp) ||
        !put_msrs(cpu, env, level, errp) ||
        (level >= KVM_PUT_RESET_STATE && !put_lapic_mp(cpu, env, errp)) ||
        (caps->vcpu_events && !put_events(cpu, caps, env, level, errp)) ||
        (caps->debugregs && !put_debugregs(cpu, env, errp))) {
        return false;
    }
    return true;
}

/*
 * The KVM core's fatal-exit dump prints the registers with this, so that
 * an emulation failure looks exactly as under QEMU (ES =... DPL=0 DS,
 * DR0-7, II/A20/SMM/HLT). Registered at start-up: the core cannot call
 * into target/i386 itself.
 */
static bool kvm_x86_format_registers(KVMCPU *cpu, GString *out)
{
    g_autofree CPUX86State *env = g_new0(CPUX86State, 1);

    /* What KVM does not report (the A20 mask...) keeps its reset value. */
    x86_cpu_state_reset(env, true, 0xfee00000);
    if (!kvm_x86_get_state(cpu, env, NULL)) {
        return false;
    }
    x86_cpu_dump_state(env, out);
    return true;
}

static void __attribute__((constructor)) kvm_x86_register_formatter(void)
{
    kvm_set_register_formatter(kvm_x86_format_registers);
}
