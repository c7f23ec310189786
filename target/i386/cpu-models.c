/*
 * cpu-models.c: the x86 CPU models as data (QEMU 7.2's definitions,
 * version 1 of each), the CPUID flag names QEMU uses for "-cpu NAME,+flag"
 * and "-cpu help". Only tables and look-ups; cpu.c turns a model into
 * CPUID leaves.
 */
#include "qemu/osdep.h"
#include "cpu.h"

const X86FeatureWordInfo x86_feature_words[FEATURE_WORDS] = {
    [FEAT_1_EDX] = {
        .leaf = 1, .reg = X86_CPUID_EDX,
        .feat_names = {
            "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
            "cx8", "apic", NULL, "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "pn", "clflush", NULL, "ds", "acpi", "mmx",
            "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
        },
    },
    [FEAT_1_ECX] = {
        .leaf = 1, .reg = X86_CPUID_ECX,
        .feat_names = {
            "pni", "pclmulqdq", "dtes64", "monitor",
            "ds-cpl", "vmx", "smx", "est",
            "tm2", "ssse3", "cid", NULL,
            "fma", "cx16", "xtpr", "pdcm",
            NULL, "pcid", "dca", "sse4.1",
            "sse4.2", "x2apic", "movbe", "popcnt",
            "tsc-deadline", "aes", "xsave", NULL /* osxsave */,
            "avx", "f16c", "rdrand", "hypervisor",
        },
    },
    [FEAT_7_0_EBX] = {
        .leaf = 7, .reg = X86_CPUID_EBX,
        .feat_names = {
            "fsgsbase", "tsc-adjust", "sgx", "bmi1",
            "hle", "avx2", NULL, "smep",
            "bmi2", "erms", "invpcid", "rtm",
            NULL, NULL, "mpx", NULL,
            "avx512f", "avx512dq", "rdseed", "adx",
            "smap", "avx512ifma", "pcommit", "clflushopt",
            "clwb", "intel-pt", "avx512pf", "avx512er",
            "avx512cd", "sha-ni", "avx512bw", "avx512vl",
        },
    },
    [FEAT_7_0_ECX] = {
        .leaf = 7, .reg = X86_CPUID_ECX,
        .feat_names = {
            NULL, "avx512vbmi", "umip", "pku",
            NULL /* ospke */, "waitpkg", "avx512vbmi2", NULL,
            "gfni", "vaes", "vpclmulqdq", "avx512vnni",
            "avx512bitalg", NULL, "avx512-vpopcntdq", NULL,
            "la57", NULL, NULL, NULL,
            NULL, NULL, "rdpid", NULL,
            "bus-lock-detect", "cldemote", NULL, "movdiri",
            "movdir64b", NULL, "sgxlc", "pks",
        },
    },
    [FEAT_7_0_EDX] = {
        .leaf = 7, .reg = X86_CPUID_EDX,
        .feat_names = {
            NULL, NULL, "avx512-4vnniw", "avx512-4fmaps",
            "fsrm", NULL, NULL, NULL,
            "avx512-vp2intersect", NULL, "md-clear", NULL,
            NULL, NULL, "serialize", NULL,
            "tsx-ldtrk", NULL, NULL /* pconfig */, "arch-lbr",
            NULL, NULL, "amx-bf16", "avx512-fp16",
            "amx-tile", "amx-int8", "spec-ctrl", "stibp",
            NULL, "arch-capabilities", "core-capability", "ssbd",
        },
    },
    [FEAT_8000_0001_EDX] = {
        .leaf = 0x80000001, .reg = X86_CPUID_EDX,
        /* The leaf 1 aliases are unnamed: the leaf 1 flag sets both. */
        .feat_names = {
            [11] = "syscall", [20] = "nx", [22] = "mmxext",
            [25] = "fxsr-opt", [26] = "pdpe1gb", [27] = "rdtscp",
            [29] = "lm", [30] = "3dnowext", [31] = "3dnow",
        },
    },
    [FEAT_8000_0001_ECX] = {
        .leaf = 0x80000001, .reg = X86_CPUID_ECX,
        .feat_names = {
            "lahf-lm", "cmp-legacy", "svm", "extapic",
            "cr8legacy", "abm", "sse4a", "misalignsse",
            "3dnowprefetch", "osvw", "ibs", "xop",
            "skinit", "wdt", NULL, "lwp",
            "fma4", "tce", NULL, "nodeid-msr",
            NULL, "tbm", "topoext", "perfctr-core",
            "perfctr-nb",
        },
    },
    [FEAT_8000_0007_EDX] = {
        .leaf = 0x80000007, .reg = X86_CPUID_EDX,
        .feat_names = { [8] = "invtsc" },
    },
    [FEAT_8000_0008_EBX] = {
        .leaf = 0x80000008, .reg = X86_CPUID_EBX,
        .feat_names = {
            [0] = "clzero", [2] = "xsaveerptr", [9] = "wbnoinvd",
            [12] = "ibpb", [14] = "ibrs", [15] = "amd-stibp",
            [24] = "amd-ssbd", [25] = "virt-ssbd", [26] = "amd-no-ssb",
        },
    },
    [FEAT_KVM] = {
        .leaf = 0x40000001, .reg = X86_CPUID_EAX,
        .feat_names = {
            "kvmclock", "kvm-nopiodelay", "kvm-mmu", "kvmclock",
            "kvm-asyncpf", "kvm-steal-time", "kvm-pv-eoi", "kvm-pv-unhalt",
            NULL, "kvm-pv-tlb-flush", NULL, "kvm-pv-ipi",
            "kvm-poll-control", "kvm-pv-sched-yield", "kvm-asyncpf-int",
            "kvm-msi-ext-dest-id",
            [24] = "kvmclock-stable-bit",
        },
    },
    [FEAT_SVM] = {
        .leaf = 0x8000000a, .reg = X86_CPUID_EDX,
        .feat_names = {
            "npt", "lbrv", "svm-lock", "nrip-save",
            "tsc-scale", "vmcb-clean", "flushbyasid", "decodeassists",
            NULL, NULL, "pause-filter", NULL,
            "pfthreshold", "avic", NULL, "v-vmsave-vmload",
            "vgif", [25] = "svme-addr-chk",
        },
    },
    [FEAT_XSAVE] = {
        .leaf = 0xd, .index = 1, .reg = X86_CPUID_EAX,
        .feat_names = { "xsaveopt", "xsavec", "xgetbv1", "xsaves", "xfd" },
    },
    [FEAT_6_EAX] = {
        .leaf = 6, .reg = X86_CPUID_EAX,
        .feat_names = { [2] = "arat" },
    },
    /* Derived from the flags (x87, SSE, AVX...), never set by name. */
    [FEAT_XSAVE_XCR0_LO] = {
        .leaf = 0xd, .index = 0, .reg = X86_CPUID_EAX,
    },
};

/* The other spellings QEMU accepts for a flag (object_property_add_alias
 * in x86_cpu_initfn): old names and underscores. */
static const struct {
    const char *alias, *name;
} feature_aliases[] = {
    { "sse3", "pni" }, { "pclmuldq", "pclmulqdq" },
    { "sse4-1", "sse4.1" }, { "sse4-2", "sse4.2" },
    { "sse4_1", "sse4.1" }, { "sse4_2", "sse4.2" },
    { "xd", "nx" }, { "ffxsr", "fxsr-opt" }, { "i64", "lm" },
    { "ds_cpl", "ds-cpl" }, { "tsc_adjust", "tsc-adjust" },
    { "fxsr_opt", "fxsr-opt" }, { "lahf_lm", "lahf-lm" },
    { "cmp_legacy", "cmp-legacy" }, { "nodeid_msr", "nodeid-msr" },
    { "perfctr_core", "perfctr-core" }, { "perfctr_nb", "perfctr-nb" },
    { "kvm_nopiodelay", "kvm-nopiodelay" }, { "kvm_mmu", "kvm-mmu" },
    { "kvm_asyncpf", "kvm-asyncpf" }, { "kvm_asyncpf_int", "kvm-asyncpf-int" },
    { "kvm_steal_time", "kvm-steal-time" }, { "kvm_pv_eoi", "kvm-pv-eoi" },
    { "kvm_pv_unhalt", "kvm-pv-unhalt" },
    { "kvm_poll_control", "kvm-poll-control" },
    { "svm_lock", "svm-lock" }, { "nrip_save", "nrip-save" },
    { "tsc_scale", "tsc-scale" }, { "vmcb_clean", "vmcb-clean" },
    { "pause_filter", "pause-filter" },
};

bool x86_cpu_feature_lookup(const char *name, FeatureWord *w, uint32_t *mask)
{
    bool found = false;

    for (size_t i = 0; i < ARRAY_SIZE(feature_aliases); i++) {
        if (!strcmp(name, feature_aliases[i].alias)) {
            name = feature_aliases[i].name;
            break;
        }
    }
    /* Scan every word: kvmclock names two bits of one word. */
    for (unsigned fw = 0; fw < FEATURE_WORDS; fw++) {
        for (unsigned bit = 0; bit < 32; bit++) {
            const char *n = x86_feature_words[fw].feat_names[bit];

            if (n && !strcmp(n, name)) {
                if (!found) {
                    *w = fw;
                    *mask = 0;
                    found = true;
                }
                if (*w == fw) {
                    *mask |= 1u << bit;
                }
            }
        }
    }
    return found;
}

/* QEMU's PPRO_FEATURES plus what qemu64 and the later models add. */
#define F1_EDX_QEMU64   0x078bfbfdu  /* fpu de pse tsc msr pae mce cx8 apic
                                      * sep mtrr pge mca cmov pat pse36
                                      * clflush mmx fxsr sse sse2 */
/* The same and vme (which QEMU's TCG turns off by default). */
#define F1_EDX_VME      (F1_EDX_QEMU64 | 0x2u)

static const X86CPUModel x86_cpu_models[] = {
    {
        .name = "qemu64",
        .model_id = "QEMU Virtual CPU version 2.5+",
        .vendor = CPUID_VENDOR_AMD,
        .family = 15, .model = 107, .stepping = 1,
        .level = 0xd, .xlevel = 0x8000000a,
        .features = {
            [FEAT_1_EDX] = F1_EDX_QEMU64,
            [FEAT_1_ECX] = CPUID_EXT_SSE3 | CPUID_EXT_CX16,
            [FEAT_8000_0001_EDX] = CPUID_EXT2_LM | CPUID_EXT2_SYSCALL |
                                   CPUID_EXT2_NX,
            [FEAT_8000_0001_ECX] = CPUID_EXT3_LAHF_LM | CPUID_EXT3_SVM,
        },
    },
    {
        .name = "Skylake-Server",
        .model_id = "Intel Xeon Processor (Skylake)",
        .vendor = CPUID_VENDOR_INTEL,
        .family = 6, .model = 85, .stepping = 4,
        .level = 0xd, .xlevel = 0x80000008,
        .features = {
            [FEAT_1_EDX] = F1_EDX_VME,
            /* sse3 pclmulqdq ssse3 fma cx16 pcid sse4.1 sse4.2 x2apic
             * movbe popcnt tsc-deadline aes xsave avx f16c rdrand */
            [FEAT_1_ECX] = 0x77fa3203,
            /* fsgsbase bmi1 hle avx2 smep bmi2 erms invpcid rtm avx512f
             * avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw
             * avx512vl */
            [FEAT_7_0_EBX] = 0xd19f0fb9,
            [FEAT_7_0_ECX] = CPUID_7_0_ECX_PKU,
            /* syscall nx pdpe1gb rdtscp lm */
            [FEAT_8000_0001_EDX] = 0x2c100800,
            /* lahf-lm abm 3dnowprefetch */
            [FEAT_8000_0001_ECX] = 0x00000121,
            [FEAT_XSAVE] = 0x7,         /* xsaveopt xsavec xgetbv1 */
            [FEAT_6_EAX] = 0x4,         /* arat */
        },
    },
    {
        .name = "EPYC",
        .model_id = "AMD EPYC Processor",
        .vendor = CPUID_VENDOR_AMD,
        .family = 23, .model = 1, .stepping = 2,
        .level = 0xd, .xlevel = 0x8000001e,
        .features = {
            [FEAT_1_EDX] = F1_EDX_VME,
            /* sse3 pclmulqdq monitor ssse3 fma cx16 sse4.1 sse4.2 movbe
             * popcnt aes xsave avx f16c rdrand */
            [FEAT_1_ECX] = 0x76d8320b,
            /* fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt
             * sha-ni */
            [FEAT_7_0_EBX] = 0x209c01a9,
            /* syscall nx mmxext fxsr-opt pdpe1gb rdtscp lm */
            [FEAT_8000_0001_EDX] = 0x2e500800,
            /* lahf-lm svm cr8legacy abm sse4a misalignsse 3dnowprefetch
             * osvw topoext */
            [FEAT_8000_0001_ECX] = 0x004003f5,
            [FEAT_SVM] = 0x9,           /* npt nrip-save */
            [FEAT_XSAVE] = 0x7,
            [FEAT_6_EAX] = 0x4,
        },
        .cache = X86_CACHE_EPYC,
    },
    {
        .name = "host",
        .model_id = "processor with all supported host features ",
        .max_features = true,
    },
    {
        .name = "max",
        .model_id = "Enables all features supported by the accelerator in "
                    "the current host",
        .max_features = true,
    },
};

const X86CPUModel *x86_cpu_model_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(x86_cpu_models); i++) {
        const X86CPUModel *m = &x86_cpu_models[i];
        size_t len = strlen(m->name);

        if (!strcmp(name, m->name)) {
            return m;
        }
        /* Versioned names: only version 1 of each model is here. */
        if (!m->max_features && !strncmp(name, m->name, len) &&
            !strcmp(name + len, "-v1")) {
            return m;
        }
    }
    return NULL;
}

const char *x86_cpu_default_model(const char *accel, const char *board_default)
{
    if (accel && !strcmp(accel, "kvm")) {
        return "host";
    }
    return board_default ? board_default : "qemu64";
}

/* QEMU's sort: by name, with host and max after the named models. */
static gint cpu_list_compare(gconstpointer a, gconstpointer b)
{
    const X86CPUModel *ma = *(X86CPUModel *const *)a;
    const X86CPUModel *mb = *(X86CPUModel *const *)b;

    if (ma->max_features != mb->max_features) {
        return ma->max_features - mb->max_features;
    }
    return strcmp(ma->name, mb->name);
}

static gint str_compare(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* QEMU's listflags(): two-space indent, lines kept under 75 columns. */
static void list_flags(FILE *f)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    size_t len = 0;

    for (unsigned w = 0; w < FEATURE_WORDS; w++) {
        for (unsigned bit = 0; bit < 32; bit++) {
            if (x86_feature_words[w].feat_names[bit]) {
                g_ptr_array_add(names,
                                (char *)x86_feature_words[w].feat_names[bit]);
            }
        }
    }
    g_ptr_array_sort(names, str_compare);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);

        /* kvmclock names two bits and comes twice, as in QEMU. */
        if (len + strlen(name) + 1 >= 75) {
            fprintf(f, "\n");
            len = 0;
        }
        fprintf(f, "%s%s", len == 0 ? "  " : " ", name);
        len += strlen(name) + 1;
    }
    fprintf(f, "\n");
}

void x86_cpu_list(FILE *f)
{
    g_autoptr(GPtrArray) models = g_ptr_array_new();

    for (size_t i = 0; i < ARRAY_SIZE(x86_cpu_models); i++) {
        g_ptr_array_add(models, (gpointer)&x86_cpu_models[i]);
    }
    g_ptr_array_sort(models, cpu_list_compare);
    fprintf(f, "Available CPUs:\n");
    for (guint i = 0; i < models->len; i++) {
        const X86CPUModel *m = g_ptr_array_index(models, i);

        if (m->max_features) {
            fprintf(f, "x86 %-20s  %s\n", m->name, m->model_id);
            continue;
        }
        g_autofree char *v1 = g_strdup_printf("%s-v1", m->name);
        fprintf(f, "x86 %-20s  %s\n", m->name,
                "(alias configured by machine type)");
        fprintf(f, "x86 %-20s  %s\n", v1, m->model_id);
    }
    fprintf(f, "\nRecognized CPUID flags:\n");
    list_flags(f);
}
