/*
 * tcg-cpu.c: the x86 vCPU object under TCG: its TCGCPUOps (the glue
 * between accel/tcg and the translator and helpers), the CPUID feature
 * set TCG implements, power-on reset, and the flat start modes that unit
 * tests use. The board and the accelerator live elsewhere (hw/i386,
 * accel/tcg); instruction semantics in translate*.c and *_helper.c.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg.h"
#include "target/i386/tcg/tcg-cpu.h"

/* ---- CPUID: what TCG implements ---- */

/*
 * The feature flags TCG implements, per CPUID word (the integer ISA and
 * the system architecture; issue 5). x87, MMX, SSE and FXSAVE come with
 * issue 6: add them here when their translator lands.
 */
static const uint32_t x86_tcg_features[FEATURE_WORDS] = {
    /*
     * de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36
     * clflush
     */
    [FEAT_1_EDX] = 0x000bfbfc | 0x01000001 /* (X87, issue 6) fpu fxsr */
                   | 0x06800000 /* (SSE, issue 6) mmx sse sse2 */,
    /* cx16 movbe popcnt hypervisor */
    [FEAT_1_ECX] = 0x80c02000 | 0x00180201 /* (SSE, issue 6) sse3 ssse3 sse4.1 sse4.2 */
                   | 0x04000000 /* (X87, issue 6) xsave */
                   | 0x01200000 /* (APIC, issue 6) x2apic tsc-deadline: hw/intc */,
    /*
     * syscall nx rdtscp lm, and the leaf-1 bits AMD repeats here
     * (CPUID_EXT2_AMD_ALIASES of the set above).
     */
    [FEAT_8000_0001_EDX] = 0x2813fbfc | 0x00800000 /* (SSE, issue 6) mmx alias */,
    /* lahf_lm cmp_legacy abm(lzcnt) */
    [FEAT_8000_0001_ECX] = 0x00000023,
    /* (X87, issue 6) XSAVE components: x87, SSE (fpu_helper.c) */
    [FEAT_XSAVE_XCR0_LO] = 0x00000003,
    /* (X87) CPUID.(0DH,1).EAX: xsaveopt xgetbv1, as QEMU 7.2's TCG (fpu_xsave.c) */
    [FEAT_XSAVE] = 0x00000005,
};

/*
 * Flags QEMU 7.2's TCG implements and Keel's does not yet: a model that
 * names them (qemu64 has fpu, mmx, fxsr, sse, sse2, sse3, svm) loses them
 * without QEMU's "doesn't support requested feature" warning, which QEMU
 * would not print. Words not listed here are dropped silently entirely
 * (leaf 7, XSAVE, power management...). Flags beyond QEMU's TCG (avx...)
 * are filtered with the warning, as QEMU does.
 */
static const uint32_t x86_tcg_pending[FEATURE_WORDS] = {
    [FEAT_1_EDX] = 0x07800003,          /* fpu vme mmx fxsr sse sse2 */
    /* sse3 pclmulqdq monitor ssse3 sse4.1 sse4.2 aes xsave */
    [FEAT_1_ECX] = 0x0618020b,
    [FEAT_8000_0001_EDX] = 0x01800003,  /* the AMD aliases of the above */
    /* svm sse4a 3dnowprefetch */
    [FEAT_8000_0001_ECX] = 0x00000144,
};

/* Words whose flags are all checked with a warning (see above). */
static bool x86_tcg_word_checked(unsigned w)
{
    return w == FEAT_1_EDX || w == FEAT_1_ECX || w == FEAT_8000_0001_EDX ||
           w == FEAT_8000_0001_ECX;
}

void x86_tcg_accel_info(X86AccelInfo *info)
{
    memset(info, 0, sizeof(*info));
    memcpy(info->supported, x86_tcg_features, sizeof(info->supported));
    info->level = 0xd;
    info->xlevel = 0x8000000a;
    /* QEMU 7.2's "-cpu max" under TCG (run it: family 15 model 107). */
    g_strlcpy(info->vendor, CPUID_VENDOR_AMD, sizeof(info->vendor));
    info->family = 15;
    info->model = 107;
    info->stepping = 1;
    g_strlcpy(info->model_id, "QEMU TCG CPU version 2.5+", sizeof(info->model_id));
    info->phys_bits = 40;
}

bool x86_tcg_cpu_config(X86CPUConfig *cfg, const char *cpu_spec, Error **errp)
{
    g_autoptr(X86CPUSpec) spec = NULL;
    X86AccelInfo accel;

    spec = x86_cpu_spec_parse(cpu_spec ? cpu_spec : "qemu64", errp);
    if (!spec) {
        return false;
    }
    if (spec->def->max_features && !spec->def->vendor &&
        !strcmp(spec->def->name, "host")) {
        error_setg(errp, "CPU model 'host' requires KVM or HVF");
        return false;
    }
    x86_tcg_accel_info(&accel);
    if (!x86_cpu_config_init(cfg, spec, &accel, errp)) {
        return false;
    }
    for (unsigned w = 0; w < FEATURE_WORDS; w++) {
        if (x86_tcg_word_checked(w)) {
            cfg->features[w] &= ~(x86_tcg_pending[w] & ~x86_tcg_features[w]);
        } else {
            cfg->features[w] &= x86_tcg_features[w];
        }
    }
    return x86_cpu_filter_features(cfg, &accel, errp);
}

void x86_tcg_cpu_build_cpuid(X86TCGCPU *cpu, const X86CPUConfig *cfg,
                             const CpuTopology *topo, unsigned index)
{
    const X86CPUIDEntry *e;

    x86_cpuid_build(cfg, topo, index, &cpu->cpuid);
    /* MAXPHYADDR, which the page walker needs on every walk (36 without it). */
    e = x86_cpuid_find(&cpu->cpuid, 0x80000008, 0);
    cpu->phys_bits = e && (e->eax & 0xff) >= 32 && (e->eax & 0xff) <= 52
                     ? e->eax & 0xff : 36;
}

/* ---- TCGCPUOps ---- */

static X86TCGCPU *x86_tcg_cpu(CPUState *cs)
{
    return container_of(cs, X86TCGCPU, parent);
}

void x86_tcg_cpu_get_tb_state(X86TCGCPU *cpu, uint64_t *pc, uint64_t *cs_base,
                              uint32_t *flags)
{
    CPUX86State *env = &cpu->env;

    *cs_base = env->segs[R_CS].base;
    *pc = *cs_base + env->eip;
    *flags = env->hflags | (env->eflags & X86_TB_EFLAGS_MASK);
}

static void x86_tcg_get_tb_cpu_state(CPUState *cs, uint64_t *pc,
                                     uint64_t *cs_base, uint32_t *flags)
{
    x86_tcg_cpu_get_tb_state(x86_tcg_cpu(cs), pc, cs_base, flags);
}

static void x86_tcg_synchronize_from_tb(CPUState *cs,
                                        const TranslationBlock *tb)
{
    x86_tcg_cpu(cs)->env.eip = tb->pc - tb->cs_base;
}

static void x86_tcg_restore_state_to_opc(CPUState *cs,
                                         const TranslationBlock *tb,
                                         const uint64_t *data)
{
    CPUX86State *env = &x86_tcg_cpu(cs)->env;

    /* Outside 64-bit code EIP is 32 bits; the pc word is CS.base + EIP. */
    env->eip = data[0] - tb->cs_base;
    if (!(tb->flags & HF_CS64_MASK)) {
        env->eip &= 0xffffffffu;
    }
    if (data[1] != CC_OP_DYNAMIC) {
        env->cc_op = data[1];
    }
}

static bool x86_tcg_cpu_has_work(CPUState *cs)
{
    CPUX86State *env = &x86_tcg_cpu(cs)->env;
    uint32_t req = __atomic_load_n(&cs->interrupt_request, __ATOMIC_RELAXED);

    return ((req & (CPU_INTERRUPT_HARD | CPU_INTERRUPT_POLL)) &&
            (env->eflags & IF_MASK)) ||
           (req & (CPU_INTERRUPT_NMI | CPU_INTERRUPT_INIT |
                   CPU_INTERRUPT_SIPI | CPU_INTERRUPT_SMI));
}

static int x86_tcg_mmu_index(CPUState *cs, bool ifetch)
{
    return x86_mmu_index(&x86_tcg_cpu(cs)->env);
}

/* QEMU's cc_op_str: CCO= of the -d cpu dump. */
static const char *const x86_tcg_cc_op_names[CC_OP_NB] = {
    "DYNAMIC", "EFLAGS",
    "MULB", "MULW", "MULL", "MULQ",
    "ADDB", "ADDW", "ADDL", "ADDQ",
    "ADCB", "ADCW", "ADCL", "ADCQ",
    "SUBB", "SUBW", "SUBL", "SUBQ",
    "SBBB", "SBBW", "SBBL", "SBBQ",
    "LOGICB", "LOGICW", "LOGICL", "LOGICQ",
    "INCB", "INCW", "INCL", "INCQ",
    "DECB", "DECW", "DECL", "DECQ",
    "SHLB", "SHLW", "SHLL", "SHLQ",
    "SARB", "SARW", "SARL", "SARQ",
    "BMILGB", "BMILGW", "BMILGL", "BMILGQ",
    "ADCX", "ADOX", "ADCOX",
    "CLR",
    "POPCNT",
};

/*
 * -d cpu: QEMU 7.2's register dump with CPU_DUMP_CCOP, i.e. the shared
 * dump (cpu-state.c) with the lazy-flags line inserted before EFER=.
 */
static void x86_tcg_dump_state(FILE *f, CPUState *cs)
{
    X86TCGCPU *cpu = x86_tcg_cpu(cs);
    CPUX86State *env = &cpu->env;
    g_autoptr(GString) out = g_string_new(NULL);
    uint64_t saved = env->eflags;
    bool saved_shadow = env->interrupt_shadow;
    char name[16];
    const char *efer;

    /* The dump reads eflags: give it the arithmetic bits and DF. */
    env->eflags = cpu_compute_eflags(env);
    env->halted = cs->halted;
    env->interrupt_shadow = !!(env->hflags & HF_INHIBIT_IRQ_MASK);
    x86_cpu_dump_state(env, out);
    env->eflags = saved;
    env->interrupt_shadow = saved_shadow;

    if (env->cc_op < CC_OP_NB) {
        g_strlcpy(name, x86_tcg_cc_op_names[env->cc_op], sizeof(name));
    } else {
        g_snprintf(name, sizeof(name), "[%u]", env->cc_op);
    }
    efer = strstr(out->str, "EFER=");
    if (efer) {
        g_autofree char *line = NULL;

        if (env->hflags & HF_CS64_MASK) {
            line = g_strdup_printf("CCS=%016" PRIx64 " CCD=%016" PRIx64 " CCO=%s\n",
                                   env->cc_src, env->cc_dst, name);
        } else {
            line = g_strdup_printf("CCS=%08x CCD=%08x CCO=%s\n", (uint32_t)env->cc_src,
                                   (uint32_t)env->cc_dst, name);
        }
        g_string_insert(out, efer - out->str, line);
    }
    fputs(out->str, f);
}

const TCGCPUOps x86_tcg_ops = {
    .initialize = x86_tcg_initialize,
    .translate_code = x86_translate_code,
    .get_tb_cpu_state = x86_tcg_get_tb_cpu_state,
    .synchronize_from_tb = x86_tcg_synchronize_from_tb,
    .restore_state_to_opc = x86_tcg_restore_state_to_opc,
    .cpu_exec_interrupt = x86_cpu_exec_interrupt,
    .do_interrupt = x86_cpu_do_interrupt,
    .cpu_has_work = x86_tcg_cpu_has_work,
    .tlb_fill = x86_cpu_tlb_fill,
    .do_unaligned_access = x86_cpu_do_unaligned_access,
    .disas_log = x86_disas_log,
    .dump_state = x86_tcg_dump_state,
    .mmu_index = x86_tcg_mmu_index,
};

/* ---- the vCPU object ---- */

static size_t x86_tcg_tb_size;

void x86_tcg_set_tb_size(size_t bytes)
{
    x86_tcg_tb_size = bytes;
}

void x86_tcg_cpu_reset(X86TCGCPU *cpu)
{
    CPUX86State *env = &cpu->env;
    CPUState *cs = &cpu->parent;
    const X86CPUIDEntry *e1 = x86_cpuid_find(&cpu->cpuid, 1, 0);

    x86_cpu_state_reset_signature(env, cpu->is_bsp, APIC_DEFAULT_ADDRESS,
                                  e1 ? e1->eax : X86_CPUID_VERSION_QEMU64);
    /* Lazy flags: the arithmetic bits live in cc_src, DF in df. */
    env->cc_src = env->eflags & CC_ALL_MASK;
    env->cc_dst = 0;
    env->cc_src2 = 0;
    env->cc_op = CC_OP_EFLAGS;
    env->df = (env->eflags & DF_MASK) ? -1 : 1;
    env->eflags &= ~(uint64_t)(CC_ALL_MASK | DF_MASK);
    env->hflags2 = HF2_GIF_MASK;
    env->old_exception = -1;
    env->exception_is_int = false;
    env->exception_next_eip = 0;
    x86_update_hflags(env);

    cs->exception_index = -1;
    __atomic_store_n(&cs->interrupt_request, 0, __ATOMIC_SEQ_CST);
    cs->halted = !cpu->is_bsp;
    env->halted = cs->halted;
    tlb_flush(cs);
}

X86TCGCPU *x86_tcg_cpu_new(unsigned index, uint32_t apic_id, bool is_bsp,
                           const X86CPUConfig *cfg, AddressSpace *mem,
                           AddressSpace *io, Error **errp)
{
    static const CpuTopology one = { 1, 1, 1, 1, 1, 1 };
    X86CPUConfig local;
    X86TCGCPU *cpu;

    if (!cfg) {
        if (!x86_tcg_cpu_config(&local, NULL, errp)) {
            return NULL;
        }
        cfg = &local;
    }
    if (!tcg_exec_initialized() &&
        !tcg_exec_init(x86_tcg_tb_size, NULL, errp)) {
        return NULL;
    }
    cpu = g_new0(X86TCGCPU, 1);
    cpu->parent.cpu_index = index;
    cpu->apic_id = apic_id;
    cpu->is_bsp = is_bsp;
    cpu->io_as = io;
    x86_tcg_cpu_build_cpuid(cpu, cfg, &one, 0);
    if (!tcg_cpu_init(&cpu->parent, &cpu->env, &cpu->neg, &x86_tcg_ops, mem,
                      errp)) {
        g_free(cpu);
        return NULL;
    }
    x86_tcg_cpu_reset(cpu);
    return cpu;
}

void x86_tcg_cpu_free(X86TCGCPU *cpu)
{
    if (cpu) {
        tcg_cpu_destroy(&cpu->parent);
        g_free(cpu);
    }
}

/* ---- flat modes for unit tests ---- */

static void x86_tcg_set_seg(CPUX86State *env, int seg, uint32_t limit,
                            uint32_t flags)
{
    env->segs[seg].selector = 0;
    env->segs[seg].base = 0;
    env->segs[seg].limit = limit;
    env->segs[seg].flags = flags;
}

/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = 2 MiB page i: present, RW, user. */
static void x86_tcg_write_identity_tables(CPUState *cs, uint64_t pt_base)
{
    g_autofree uint64_t *pt = g_new0(uint64_t, 3 * 512);
    MemTxResult r;

    pt[0] = (pt_base + 0x1000) | 0x7;
    pt[512] = (pt_base + 0x2000) | 0x7;
    for (unsigned i = 0; i < 512; i++) {
        pt[1024 + i] = ((uint64_t)i << 21) | 0x87;     /* PS | U | W | P */
    }
    for (unsigned i = 0; i < 3 * 512; i++) {
        pt[i] = GUINT64_TO_LE(pt[i]);
    }
    r = address_space_write(cs->as, pt_base, MEMTXATTRS_UNSPECIFIED, pt,
                            3 * 512 * sizeof(uint64_t));
    g_assert(r == MEMTX_OK);
}

void x86_tcg_cpu_set_flat_mode(X86TCGCPU *cpu, int bits, uint64_t pt_base)
{
    CPUX86State *env = &cpu->env;
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;
    const uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                          DESC_R_MASK | DESC_A_MASK;

    g_assert(bits == 16 || bits == 32 || bits == 64);
    env->eip = 0;
    env->eflags = 0x2;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    env->df = 1;
    env->efer = 0;
    env->cr[4] = 0;
    env->cr[3] = 0;
    if (bits == 16) {
        env->cr[0] = CR0_ET_MASK;
        for (int s = R_ES; s <= R_GS; s++) {
            x86_tcg_set_seg(env, s, 0xffff, data);
        }
        env->segs[R_CS].flags = code;
    } else {
        for (int s = R_ES; s <= R_GS; s++) {
            x86_tcg_set_seg(env, s, 0xffffffff, data | DESC_B_MASK | DESC_G_MASK);
        }
        env->cr[0] = CR0_ET_MASK | CR0_PE_MASK;
        if (bits == 32) {
            env->segs[R_CS].flags = code | DESC_B_MASK | DESC_G_MASK;
        } else {
            x86_tcg_write_identity_tables(&cpu->parent, pt_base);
            env->segs[R_CS].flags = code | DESC_L_MASK | DESC_G_MASK;
            env->cr[3] = pt_base;
            env->cr[4] = CR4_PAE_MASK;
            env->efer = MSR_EFER_LME | MSR_EFER_LMA;
            env->cr[0] |= CR0_PG_MASK;
        }
    }
    cpu->parent.halted = false;
    env->halted = false;
    x86_update_hflags(env);
    tlb_flush(&cpu->parent);
}
