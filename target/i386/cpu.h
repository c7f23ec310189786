/*
 * cpu.h: the x86 CPU models and the CPUID table they produce, as QEMU's
 * target/i386/cpu.c defines them: feature words and their flag names,
 * the named models (qemu64, Skylake-Server, EPYC, host, max), "-cpu"
 * parsing and the per-vCPU CPUID leaves. Pure: no accelerator here; what
 * the accelerator supports comes in as an X86AccelInfo (kvm/kvm-cpuid.c).
 * The register file (CPUX86State) lives in cpu-state.h, not here.
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include "qemu/osdep.h"
#include "qemu/error.h"
#include "hw/boards.h"

/* The CPUID words that carry feature flags, in QEMU's order (warnings
 * about missing features come out in this order). */
typedef enum FeatureWord {
    FEAT_1_EDX,
    FEAT_1_ECX,
    FEAT_7_0_EBX,
    FEAT_7_0_ECX,
    FEAT_7_0_EDX,
    FEAT_8000_0001_EDX,
    FEAT_8000_0001_ECX,
    FEAT_8000_0007_EDX,
    FEAT_8000_0008_EBX,
    FEAT_KVM,               /* CPUID[0x40000001].EAX */
    FEAT_SVM,               /* CPUID[0x8000000A].EDX */
    FEAT_XSAVE,             /* CPUID[EAX=0xd,ECX=1].EAX */
    FEAT_6_EAX,
    FEAT_XSAVE_XCR0_LO,     /* CPUID[EAX=0xd,ECX=0].EAX: XSAVE components */
    FEATURE_WORDS,
} FeatureWord;

typedef uint32_t FeatureWordArray[FEATURE_WORDS];

typedef enum X86CPUIDReg {
    X86_CPUID_EAX, X86_CPUID_EBX, X86_CPUID_ECX, X86_CPUID_EDX,
} X86CPUIDReg;

typedef struct X86FeatureWordInfo {
    uint32_t leaf;
    uint32_t index;
    X86CPUIDReg reg;
    const char *feat_names[32];     /* QEMU's spelling; NULL: unnamed */
} X86FeatureWordInfo;

extern const X86FeatureWordInfo x86_feature_words[FEATURE_WORDS];

/* Bits used by the builder (and worth naming in tests). */
#define CPUID_PSE36             (1u << 17)      /* FEAT_1_EDX */
#define CPUID_HT                (1u << 28)
#define CPUID_EXT_SSE3          (1u << 0)       /* FEAT_1_ECX */
#define CPUID_EXT_MONITOR       (1u << 3)
#define CPUID_EXT_CX16          (1u << 13)
#define CPUID_EXT_X2APIC        (1u << 21)
#define CPUID_EXT_POPCNT        (1u << 23)
#define CPUID_EXT_TSC_DEADLINE  (1u << 24)
#define CPUID_EXT_XSAVE         (1u << 26)
#define CPUID_EXT_AVX           (1u << 28)
#define CPUID_EXT_HYPERVISOR    (1u << 31)
#define CPUID_7_0_EBX_MPX       (1u << 14)
#define CPUID_7_0_EBX_AVX512F   (1u << 16)
#define CPUID_7_0_ECX_PKU       (1u << 3)
#define CPUID_7_0_ECX_LA57      (1u << 16)
#define CPUID_EXT2_SYSCALL      (1u << 11)
#define CPUID_EXT2_NX           (1u << 20)
#define CPUID_EXT2_LM           (1u << 29)
/* Leaf 1 EDX bits that AMD repeats in 0x80000001 EDX. */
#define CPUID_EXT2_AMD_ALIASES  0x0183f3ffu
#define CPUID_EXT3_LAHF_LM      (1u << 0)
#define CPUID_EXT3_CMP_LEG      (1u << 1)
#define CPUID_EXT3_SVM          (1u << 2)
#define CPUID_EXT3_TOPOEXT      (1u << 22)
#define CPUID_APM_INVTSC        (1u << 8)

#define CPUID_VENDOR_INTEL "GenuineIntel"
#define CPUID_VENDOR_AMD   "AuthenticAMD"

/* Which cache descriptions leaves 2, 4, 0x80000005/6 and 0x8000001d
 * report: QEMU's legacy ones, or a model's own. */
typedef enum X86CacheModel {
    X86_CACHE_LEGACY,
    X86_CACHE_EPYC,
} X86CacheModel;

/* A CPU model as data: QEMU 7.2's X86CPUDefinition, version 1. */
typedef struct X86CPUModel {
    const char *name;
    const char *model_id;
    const char *vendor;             /* NULL for host and max */
    uint32_t family, model, stepping;
    uint32_t level, xlevel;
    FeatureWordArray features;
    X86CacheModel cache;
    bool max_features;              /* host, max: all the accelerator has */
} X86CPUModel;

/* The model called name ("qemu64", "EPYC-v1", "host"), or NULL. */
const X86CPUModel *x86_cpu_model_find(const char *name);
/* "-cpu help": QEMU's "Available CPUs:" list and "Recognized CPUID flags:". */
void x86_cpu_list(FILE *f);
/* The model a board gets without -cpu: "host" under KVM, else the
 * board's default_cpu_type, else "qemu64". */
const char *x86_cpu_default_model(const char *accel,
                                  const char *board_default);

/* A feature flag by QEMU name or alias ("sse3", "lahf_lm"): its word and
 * bit mask (some names, like kvmclock, cover two bits). */
bool x86_cpu_feature_lookup(const char *name, FeatureWord *w, uint32_t *mask);

/* "-cpu NAME,..." once parsed: the model and what the user changed. */
typedef struct X86CPUSpec {
    const X86CPUModel *def;
    char *type_name;                /* "qemu64-x86_64-cpu", for messages */
    FeatureWordArray on, off;       /* feat=on|off, later ones win */
    FeatureWordArray plus, minus;   /* +feat, -feat: applied after, - wins */
    bool has_family, has_model, has_stepping, has_level, has_xlevel;
    uint32_t family, model, stepping, level, xlevel;
    char *vendor;                   /* vendor=, 12 characters */
    char *model_id;                 /* model-id= */
    bool check;                     /* warn about filtered features */
    bool enforce;                   /* and fail */
    GPtrArray *warnings;            /* QEMU's "Ambiguous CPU model" lines */
} X86CPUSpec;

/**
 * x86_cpu_spec_parse: - parse a -cpu argument the way QEMU 7.2 does:
 * +feat/-feat, feat, feat=on|off and key=value (family, model, stepping,
 * level, xlevel, vendor, model-id, check, enforce). Errors carry QEMU's
 * wording ("unable to find CPU model 'foo'", "can't apply global ...").
 * Returns NULL on error; free with x86_cpu_spec_free.
 */
X86CPUSpec *x86_cpu_spec_parse(const char *spec, Error **errp);
void x86_cpu_spec_free(X86CPUSpec *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(X86CPUSpec, x86_cpu_spec_free)

/* What an accelerator offers: supported flags, leaf limits, host identity
 * (for host and max). kvm adds the KVM leaves and kvm_default_props. */
typedef struct X86AccelInfo {
    bool kvm;
    FeatureWordArray supported;
    uint32_t level, xlevel;         /* highest basic/extended leaf */
    char vendor[13];
    uint32_t family, model, stepping;
    char model_id[49];
    uint32_t phys_bits;
} X86AccelInfo;

/* A model with its overrides applied: what the CPUID table is built from. */
typedef struct X86CPUConfig {
    char vendor[13];
    uint32_t family, model, stepping;
    uint32_t level, xlevel;
    char model_id[49];
    FeatureWordArray features;
    uint32_t phys_bits;
    X86CacheModel cache;
    bool kvm;                       /* report the KVM leaves 0x4000000x */
    bool check, enforce;
} X86CPUConfig;

/**
 * x86_cpu_config_init: - resolve spec into cfg: the model, the KVM
 * defaults under KVM (x2apic on, svm/acpi/monitor off, the kvm-* flags),
 * the user's flags, then levels raised to what the flags need. accel NULL
 * means no accelerator: the model exactly as defined (host and max then
 * fail as QEMU's TCG does). Does not filter; see x86_cpu_filter_features.
 */
bool x86_cpu_config_init(X86CPUConfig *cfg, const X86CPUSpec *spec,
                         const X86AccelInfo *accel, Error **errp);

/**
 * x86_cpu_filter_features: - drop the flags accel does not support, with
 * QEMU's warning per flag ("host doesn't support requested feature:
 * CPUID.80000001H:ECX.svm [bit 2]") when cfg->check; fails with "Host
 * doesn't support requested features" when cfg->enforce. Returns false
 * only on that failure.
 */
bool x86_cpu_filter_features(X86CPUConfig *cfg, const X86AccelInfo *accel,
                             Error **errp);

/* ---- the CPUID table ---- */

/* Same meaning as KVM_CPUID_FLAG_SIGNIFCANT_INDEX: index selects a subleaf. */
#define X86_CPUID_FLAG_SIGNIFICANT_INDEX 1u
#define X86_CPUID_MAX_ENTRIES 128

typedef struct X86CPUIDEntry {
    uint32_t function, index, flags;
    uint32_t eax, ebx, ecx, edx;
} X86CPUIDEntry;

typedef struct X86CPUIDTable {
    unsigned nent;
    X86CPUIDEntry entries[X86_CPUID_MAX_ENTRIES];
} X86CPUIDTable;

/**
 * x86_cpuid_build: - the CPUID leaves vCPU vcpu_index of a machine with
 * topology topo sees: basic leaves 0..level (caches in 2/4, x2APIC
 * topology in 0xb, XSAVE sizes in 0xd), the KVM leaves under KVM, and
 * the extended leaves to xlevel, as QEMU 7.2 computes them.
 */
void x86_cpuid_build(const X86CPUConfig *cfg, const CpuTopology *topo,
                     unsigned vcpu_index, X86CPUIDTable *t);
/* The entry for function/index (index ignored unless significant). */
const X86CPUIDEntry *x86_cpuid_find(const X86CPUIDTable *t,
                                    uint32_t function, uint32_t index);

/* ---- topology (cpu-topology.c) ---- */

typedef struct X86TopoInfo {
    unsigned dies_per_pkg, cores_per_die, threads_per_core;
} X86TopoInfo;

/* From -smp; missing (zero) counts are one. */
void x86_topo_from_smp(X86TopoInfo *ti, const CpuTopology *topo);
/* APIC ID bit positions: SMT at 0, then core, die, package; each field is
 * as wide as its count rounded up to a power of two. */
unsigned x86_apicid_core_offset(const X86TopoInfo *ti);
unsigned x86_apicid_die_offset(const X86TopoInfo *ti);
unsigned x86_apicid_pkg_offset(const X86TopoInfo *ti);
/* The APIC ID of the vCPU with this index (QEMU's x86_apicid_from_cpu_idx). */
uint32_t x86_apicid_from_cpu_index(const X86TopoInfo *ti, unsigned index);
/* The same from -smp: the APIC ID (and KVM vCPU id) of vCPU index. */
uint32_t x86_cpu_apic_id(const CpuTopology *topo, unsigned index);
/* The core number inside its die of the vCPU with this APIC ID. */
unsigned x86_core_id_from_apicid(const X86TopoInfo *ti, uint32_t apic_id);

#endif
