/*
 * cpu.c: from "-cpu NAME,flags" to the CPUID table one vCPU sees, as
 * QEMU 7.2's target/i386/cpu.c computes it: parsing (with QEMU's error
 * and warning wording), the model with the user's changes, filtering
 * against what the accelerator supports, and the leaves themselves.
 * Pure functions: the accelerator's answers arrive as data.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/opts.h"
#include "cpu.h"

/* ---- parsing ---- */

void x86_cpu_spec_free(X86CPUSpec *s)
{
    if (!s) {
        return;
    }
    g_free(s->type_name);
    g_free(s->vendor);
    g_free(s->model_id);
    if (s->warnings) {
        g_ptr_array_free(s->warnings, TRUE);
    }
    g_free(s);
}

/* QEMU's feat2prop(): key=value names take '-' for '_'. */
static void feat2prop(char *s)
{
    for (; *s; s++) {
        if (*s == '_') {
            *s = '-';
        }
    }
}

static void set_bits(FeatureWordArray set, FeatureWordArray clear,
                     FeatureWord w, uint32_t mask)
{
    set[w] |= mask;
    clear[w] &= ~mask;
}

static bool parse_int_prop(const char *name, const char *val, int64_t max,
                           uint32_t *out, Error **errp)
{
    int64_t v;

    if (qemu_strtoi64(val, NULL, 0, &v) < 0) {
        error_setg(errp, "Parameter '%s' expects int64", name);
        return false;
    }
    if (v < 0 || v > max) {
        error_setg(errp, "Property .%s doesn't take value %" PRId64
                   " (minimum: 0, maximum: %" PRId64 ")", name, v, max);
        return false;
    }
    *out = v;
    return true;
}

static bool parse_level_prop(const char *name, const char *val,
                             uint32_t *out, Error **errp)
{
    uint64_t v;

    if (qemu_strtou64(val, NULL, 0, &v) < 0) {
        error_setg(errp, "Parameter '%s' expects uint64", name);
        return false;
    }
    if (v > UINT32_MAX) {
        error_setg(errp, "Parameter '%s' expects uint32_t", name);
        return false;
    }
    *out = v;
    return true;
}

/* One key=value: a flag or one of the model's properties. */
static bool spec_set_prop(X86CPUSpec *s, const char *name, const char *val,
                          Error **errp)
{
    FeatureWord w;
    uint32_t mask;
    bool on;

    if (x86_cpu_feature_lookup(name, &w, &mask)) {
        if (!qemu_parse_bool(name, val, &on, errp)) {
            return false;
        }
        if (on) {
            set_bits(s->on, s->off, w, mask);
        } else {
            set_bits(s->off, s->on, w, mask);
        }
        return true;
    }
    if (!strcmp(name, "family")) {
        s->has_family = true;
        return parse_int_prop(name, val, 0xff + 0xf, &s->family, errp);
    }
    if (!strcmp(name, "model")) {
        s->has_model = true;
        return parse_int_prop(name, val, 0xff, &s->model, errp);
    }
    if (!strcmp(name, "stepping")) {
        s->has_stepping = true;
        return parse_int_prop(name, val, 0xf, &s->stepping, errp);
    }
    if (!strcmp(name, "level")) {
        s->has_level = true;
        return parse_level_prop(name, val, &s->level, errp);
    }
    if (!strcmp(name, "xlevel")) {
        s->has_xlevel = true;
        return parse_level_prop(name, val, &s->xlevel, errp);
    }
    if (!strcmp(name, "vendor")) {
        if (strlen(val) != 12) {
            error_setg(errp, "Property '.vendor' doesn't take value '%s'",
                       val);
            return false;
        }
        g_free(s->vendor);
        s->vendor = g_strdup(val);
        return true;
    }
    if (!strcmp(name, "model-id")) {
        g_free(s->model_id);
        s->model_id = g_strdup(val);
        return true;
    }
    if (!strcmp(name, "check")) {
        return qemu_parse_bool(name, val, &s->check, errp);
    }
    if (!strcmp(name, "enforce")) {
        return qemu_parse_bool(name, val, &s->enforce, errp);
    }
    error_setg(errp, "Property '%s.%s' not found", s->type_name, name);
    return false;
}

/* "+feat" and "-feat" go through no feat2prop, as in QEMU. */
static bool spec_plus_minus(X86CPUSpec *s, const char *name, bool plus,
                            Error **errp)
{
    FeatureWord w;
    uint32_t mask;

    if (!x86_cpu_feature_lookup(name, &w, &mask)) {
        error_setg(errp, "Property '%s.%s' not found", s->type_name, name);
        return false;
    }
    if (plus) {
        s->plus[w] |= mask;
    } else {
        s->minus[w] |= mask;
    }
    return true;
}

/* QEMU's warning when key=value names a flag also given as +/-flag. */
static void spec_check_ambiguous(X86CPUSpec *s, GPtrArray *plus,
                                 GPtrArray *minus, const char *name,
                                 const char *val)
{
    for (guint i = 0; i < plus->len; i++) {
        if (!strcmp(g_ptr_array_index(plus, i), name)) {
            g_ptr_array_add(s->warnings, g_strdup_printf(
                "Ambiguous CPU model string. Don't mix both \"+%s\" and "
                "\"%s=%s\"", name, name, val));
            break;
        }
    }
    for (guint i = 0; i < minus->len; i++) {
        if (!strcmp(g_ptr_array_index(minus, i), name)) {
            g_ptr_array_add(s->warnings, g_strdup_printf(
                "Ambiguous CPU model string. Don't mix both \"-%s\" and "
                "\"%s=%s\"", name, name, val));
            break;
        }
    }
}

static bool spec_parse_features(X86CPUSpec *s, char **items, Error **errp)
{
    g_autoptr(GPtrArray) plus = g_ptr_array_new();
    g_autoptr(GPtrArray) minus = g_ptr_array_new();
    bool ambiguous = false;

    for (char **p = items; *p; p++) {
        char *item = *p;
        const char *val = "on";
        Error *local_err = NULL;
        char *eq;
        guint before;

        if (!*item) {
            continue;       /* strtok() in QEMU skips empty items */
        }
        if (item[0] == '+' || item[0] == '-') {
            g_ptr_array_add(item[0] == '+' ? plus : minus, item + 1);
            if (!spec_plus_minus(s, item + 1, item[0] == '+', errp)) {
                return false;
            }
            continue;
        }
        eq = strchr(item, '=');
        if (eq) {
            *eq = 0;
            val = eq + 1;
        }
        feat2prop(item);
        before = s->warnings->len;
        spec_check_ambiguous(s, plus, minus, item, val);
        ambiguous |= s->warnings->len != before;
        if (!spec_set_prop(s, item, val, &local_err)) {
            error_setg(errp, "can't apply global %s.%s=%s: %s", s->type_name,
                       item, val, error_get_pretty(local_err));
            error_free(local_err);
            return false;
        }
    }
    if (ambiguous) {
        g_ptr_array_add(s->warnings, g_strdup(
            "Compatibility of ambiguous CPU model strings won't be kept on "
            "future QEMU versions"));
    }
    return true;
}

X86CPUSpec *x86_cpu_spec_parse(const char *spec, Error **errp)
{
    g_auto(GStrv) items = NULL;
    g_autoptr(X86CPUSpec) s = NULL;

    if (!spec || !*spec) {
        error_setg(errp, "-cpu option cannot be empty");
        return NULL;
    }
    items = g_strsplit(spec, ",", -1);
    s = g_new0(X86CPUSpec, 1);
    s->check = true;
    s->warnings = g_ptr_array_new_with_free_func(g_free);
    s->def = x86_cpu_model_find(items[0]);
    if (!s->def) {
        error_setg(errp, "unable to find CPU model '%s'", items[0]);
        return NULL;
    }
    s->type_name = g_strdup_printf("%s-x86_64-cpu", items[0]);
    if (!spec_parse_features(s, items + 1, errp)) {
        return NULL;
    }
    return g_steal_pointer(&s);
}

/* ---- the model with the user's changes ---- */

static bool cfg_is_vendor(const X86CPUConfig *cfg, const char *vendor)
{
    return !strcmp(cfg->vendor, vendor);
}

/* XSAVE state components: size, offset in the standard layout, and the
 * flag that brings each in (QEMU's x86_ext_save_areas). */
static const struct {
    FeatureWord w;
    uint32_t bits;
    uint32_t offset, size;
} xsave_areas[] = {
    [0] = { FEAT_1_EDX, 1u << 0, 0, 160 },      /* x87 */
    [1] = { FEAT_1_EDX, 1u << 25, 160, 256 },   /* SSE */
    [2] = { FEAT_1_ECX, CPUID_EXT_AVX, 576, 256 },
    [3] = { FEAT_7_0_EBX, CPUID_7_0_EBX_MPX, 960, 64 },
    [4] = { FEAT_7_0_EBX, CPUID_7_0_EBX_MPX, 1024, 64 },
    [5] = { FEAT_7_0_EBX, CPUID_7_0_EBX_AVX512F, 1088, 64 },
    [6] = { FEAT_7_0_EBX, CPUID_7_0_EBX_AVX512F, 1152, 512 },
    [7] = { FEAT_7_0_EBX, CPUID_7_0_EBX_AVX512F, 1664, 1024 },
    [9] = { FEAT_7_0_ECX, CPUID_7_0_ECX_PKU, 2688, 8 },
};

/* The legacy area and the header come first in every layout. */
#define XSAVE_BASE_SIZE 576

static uint32_t xsave_components(const FeatureWordArray f)
{
    uint32_t mask = 0;

    if (!(f[FEAT_1_ECX] & CPUID_EXT_XSAVE)) {
        return 0;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(xsave_areas); i++) {
        if (xsave_areas[i].bits && (f[xsave_areas[i].w] & xsave_areas[i].bits)) {
            mask |= 1u << i;
        }
    }
    return mask;
}

static uint32_t xsave_area_size(uint32_t mask, bool compacted)
{
    uint32_t size = XSAVE_BASE_SIZE;

    for (unsigned i = 2; i < ARRAY_SIZE(xsave_areas); i++) {
        if (!(mask & (1u << i))) {
            continue;
        }
        if (compacted) {
            size += xsave_areas[i].size;
        } else {
            size = MAX(size, xsave_areas[i].offset + xsave_areas[i].size);
        }
    }
    return size;
}

/* kvm_default_props: what every named model gets under KVM. */
static void cfg_apply_kvm_defaults(X86CPUConfig *cfg)
{
    /* kvmclock (both bits), kvm-nopiodelay, kvm-asyncpf, kvm-steal-time,
     * kvm-pv-eoi, kvmclock-stable-bit */
    cfg->features[FEAT_KVM] |= 0x0100007b;
    cfg->features[FEAT_1_ECX] |= CPUID_EXT_X2APIC;
    cfg->features[FEAT_1_ECX] &= ~CPUID_EXT_MONITOR;
    cfg->features[FEAT_1_EDX] &= ~(1u << 22);       /* acpi */
    cfg->features[FEAT_8000_0001_ECX] &= ~CPUID_EXT3_SVM;
}

/* The flags of a max-features model: what the accelerator has, less the
 * ones QEMU keeps out of a migratable CPU (unnamed bits, invtsc). */
static void cfg_load_max(X86CPUConfig *cfg, const X86AccelInfo *accel)
{
    for (unsigned w = 0; w < FEATURE_WORDS; w++) {
        uint32_t named = 0;

        for (unsigned bit = 0; bit < 32; bit++) {
            if (x86_feature_words[w].feat_names[bit]) {
                named |= 1u << bit;
            }
        }
        if (w == FEAT_XSAVE_XCR0_LO) {
            named = ~0u;
        }
        cfg->features[w] = accel->supported[w] & named;
    }
    cfg->features[FEAT_8000_0007_EDX] &= ~CPUID_APM_INVTSC;
    memcpy(cfg->vendor, accel->vendor, sizeof(cfg->vendor));
    memcpy(cfg->model_id, accel->model_id, sizeof(cfg->model_id));
    cfg->family = accel->family;
    cfg->model = accel->model;
    cfg->stepping = accel->stepping;
    cfg->level = accel->level;
    cfg->xlevel = accel->xlevel;
    cfg->phys_bits = accel->phys_bits ? accel->phys_bits : 40;
}

static void cfg_load_model(X86CPUConfig *cfg, const X86CPUModel *m)
{
    memcpy(cfg->features, m->features, sizeof(cfg->features));
    g_strlcpy(cfg->vendor, m->vendor, sizeof(cfg->vendor));
    g_strlcpy(cfg->model_id, m->model_id, sizeof(cfg->model_id));
    cfg->family = m->family;
    cfg->model = m->model;
    cfg->stepping = m->stepping;
    cfg->level = m->level;
    cfg->xlevel = m->xlevel;
    cfg->cache = m->cache;
    /* QEMU's TCG_PHYS_ADDR_BITS, the default without host-phys-bits. */
    cfg->phys_bits = 40;
    cfg->features[FEAT_1_ECX] |= CPUID_EXT_HYPERVISOR;
}

/* full-cpuid-auto-level: leaves the flags live in must be reported. */
static void cfg_adjust_levels(X86CPUConfig *cfg, const X86CPUSpec *spec)
{
    uint32_t min_level = 0, min_xlevel = 0;

    for (unsigned w = 0; w < FEATURE_WORDS; w++) {
        uint32_t leaf = x86_feature_words[w].leaf;

        if (!cfg->features[w] || w == FEAT_KVM) {
            continue;
        }
        if (leaf >= 0x80000000) {
            min_xlevel = MAX(min_xlevel, leaf);
        } else {
            min_level = MAX(min_level, leaf);
        }
    }
    if (cfg->features[FEAT_8000_0001_ECX] & CPUID_EXT3_SVM) {
        min_xlevel = MAX(min_xlevel, 0x8000000a);
    }
    if (cfg->features[FEAT_8000_0001_ECX] & CPUID_EXT3_TOPOEXT) {
        min_xlevel = MAX(min_xlevel, 0x8000001e);
    }
    if (!spec->has_level) {
        cfg->level = MAX(cfg->level, min_level);
    }
    if (!spec->has_xlevel) {
        cfg->xlevel = MAX(cfg->xlevel, min_xlevel);
    }
}

bool x86_cpu_config_init(X86CPUConfig *cfg, const X86CPUSpec *spec,
                         const X86AccelInfo *accel, Error **errp)
{
    const X86CPUModel *m = spec->def;

    memset(cfg, 0, sizeof(*cfg));
    if (m->max_features) {
        if (!accel) {
            error_setg(errp, "CPU model '%s' requires KVM or HVF", m->name);
            return false;
        }
        cfg_load_max(cfg, accel);
    } else {
        cfg_load_model(cfg, m);
        if (accel && accel->kvm) {
            cfg_apply_kvm_defaults(cfg);
            /* QEMU advertises the host's vendor under KVM (SYSENTER and
             * SYSCALL in compatibility mode depend on it) unless vendor=
             * says otherwise. */
            if (accel->vendor[0]) {
                memcpy(cfg->vendor, accel->vendor, sizeof(cfg->vendor));
            }
        }
    }
    cfg->kvm = accel && accel->kvm;
    cfg->check = spec->check;
    cfg->enforce = spec->enforce;
    /* Globals first, then +flag, then -flag: "-" wins, as in QEMU. */
    for (unsigned w = 0; w < FEATURE_WORDS; w++) {
        cfg->features[w] = (cfg->features[w] & ~spec->off[w]) | spec->on[w];
        cfg->features[w] |= spec->plus[w];
        cfg->features[w] &= ~spec->minus[w];
    }
    if (!(cfg->features[FEAT_8000_0001_ECX] & CPUID_EXT3_SVM)) {
        cfg->features[FEAT_SVM] = 0;
    }
    cfg->features[FEAT_XSAVE_XCR0_LO] = xsave_components(cfg->features);
    if (spec->has_family) {
        cfg->family = spec->family;
    }
    if (spec->has_model) {
        cfg->model = spec->model;
    }
    if (spec->has_stepping) {
        cfg->stepping = spec->stepping;
    }
    if (spec->vendor) {
        g_strlcpy(cfg->vendor, spec->vendor, sizeof(cfg->vendor));
    }
    if (spec->model_id) {
        g_strlcpy(cfg->model_id, spec->model_id, sizeof(cfg->model_id));
    }
    if (spec->has_level) {
        cfg->level = spec->level;
    }
    if (spec->has_xlevel) {
        cfg->xlevel = spec->xlevel;
    }
    cfg_adjust_levels(cfg, spec);
    return true;
}

static const char *reg_name(X86CPUIDReg r)
{
    static const char *const names[] = { "EAX", "EBX", "ECX", "EDX" };

    return names[r];
}

bool x86_cpu_filter_features(X86CPUConfig *cfg, const X86AccelInfo *accel,
                             Error **errp)
{
    bool filtered = false;

    for (unsigned w = 0; w < FEATURE_WORDS; w++) {
        const X86FeatureWordInfo *fw = &x86_feature_words[w];
        uint32_t missing = cfg->features[w] & ~accel->supported[w];

        cfg->features[w] &= ~missing;
        for (unsigned bit = 0; bit < 32 && missing; bit++) {
            const char *name = fw->feat_names[bit];

            if (!(missing & (1u << bit))) {
                continue;
            }
            filtered = true;
            if (cfg->check || cfg->enforce) {
                warn_report("host doesn't support requested feature: "
                            "CPUID.%02XH:%s%s%s [bit %u]", fw->leaf,
                            reg_name(fw->reg), name ? "." : "",
                            name ? name : "", bit);
            }
        }
    }
    if (cfg->enforce && filtered) {
        error_setg(errp, "Host doesn't support requested features");
        return false;
    }
    return true;
}

/* ---- caches (QEMU's legacy and EPYC descriptions) ---- */

typedef enum CacheType { DATA_CACHE = 1, INSTRUCTION_CACHE, UNIFIED_CACHE }
    CacheType;

typedef struct CacheInfo {
    CacheType type;
    uint8_t level;
    uint32_t size;
    uint16_t line_size;
    uint8_t associativity;
    uint8_t partitions;
    uint32_t sets;
    uint8_t lines_per_tag;
    bool self_init, no_invd_sharing, inclusive, complex_indexing;
} CacheInfo;

static const CacheInfo legacy_l1d = {
    DATA_CACHE, 1, 32 * KiB, 64, 8, 1, 64, 1, true, true, false, false,
};
static const CacheInfo legacy_l1i = {
    INSTRUCTION_CACHE, 1, 32 * KiB, 64, 8, 1, 64, 1, true, true, false, false,
};
static const CacheInfo legacy_l2 = {
    UNIFIED_CACHE, 2, 4 * MiB, 64, 16, 1, 4096, 1, true, true, false, false,
};
static const CacheInfo legacy_l3 = {
    UNIFIED_CACHE, 3, 16 * MiB, 64, 16, 1, 16384, 1, true, false, true, true,
};
static const CacheInfo legacy_l1d_amd = {
    DATA_CACHE, 1, 64 * KiB, 64, 2, 1, 512, 1, true, true, false, false,
};
static const CacheInfo legacy_l1i_amd = {
    INSTRUCTION_CACHE, 1, 64 * KiB, 64, 2, 1, 512, 1, true, true, false,
    false,
};
static const CacheInfo legacy_l2_amd = {
    UNIFIED_CACHE, 2, 512 * KiB, 64, 16, 1, 512, 1, false, false, false,
    false,
};
static const CacheInfo epyc_l1d = {
    DATA_CACHE, 1, 32 * KiB, 64, 8, 1, 64, 1, true, true, false, false,
};
static const CacheInfo epyc_l1i = {
    INSTRUCTION_CACHE, 1, 64 * KiB, 64, 4, 1, 256, 1, true, true, false,
    false,
};
static const CacheInfo epyc_l2 = {
    UNIFIED_CACHE, 2, 512 * KiB, 64, 8, 1, 1024, 1, false, false, false,
    false,
};
static const CacheInfo epyc_l3 = {
    UNIFIED_CACHE, 3, 8 * MiB, 64, 16, 1, 8192, 1, true, false, true, true,
};

typedef struct CacheSet {
    const CacheInfo *l1d, *l1i, *l2, *l3;
} CacheSet;

/* Leaf 4 (Intel's layout) and the AMD leaves use different legacy caches. */
static CacheSet cache_set(const X86CPUConfig *cfg, bool amd_leaves)
{
    if (cfg->cache == X86_CACHE_EPYC) {
        return (CacheSet){ &epyc_l1d, &epyc_l1i, &epyc_l2, &epyc_l3 };
    }
    if (amd_leaves) {
        return (CacheSet){ &legacy_l1d_amd, &legacy_l1i_amd, &legacy_l2_amd,
                           &legacy_l3 };
    }
    return (CacheSet){ &legacy_l1d, &legacy_l1i, &legacy_l2, &legacy_l3 };
}

#define CACHE_SELF_INIT_LEVEL   (1u << 8)
#define CACHE_NO_INVD_SHARING   (1u << 0)
#define CACHE_INCLUSIVE         (1u << 1)
#define CACHE_COMPLEX_IDX       (1u << 2)

static void cache_regs_common(const CacheInfo *c, uint32_t r[4])
{
    r[0] |= c->type | (c->level << 5) |
            (c->self_init ? CACHE_SELF_INIT_LEVEL : 0);
    r[1] = (c->line_size - 1u) | ((c->partitions - 1u) << 12) |
           ((c->associativity - 1u) << 22);
    r[2] = c->sets - 1;
    r[3] = (c->no_invd_sharing ? CACHE_NO_INVD_SHARING : 0) |
           (c->inclusive ? CACHE_INCLUSIVE : 0) |
           (c->complex_indexing ? CACHE_COMPLEX_IDX : 0);
}

static void encode_cache_cpuid4(const CacheInfo *c, unsigned num_apic_ids,
                                unsigned num_cores, uint32_t r[4])
{
    r[0] = ((num_cores - 1) << 26) | ((num_apic_ids - 1) << 14);
    cache_regs_common(c, r);
}

static void encode_cache_cpuid8000001d(const CacheInfo *c,
                                       const X86TopoInfo *ti, uint32_t r[4])
{
    unsigned sharing = c->level == 3
        ? ti->cores_per_die * ti->threads_per_core : ti->threads_per_core;

    r[0] = (sharing - 1) << 14;
    cache_regs_common(c, r);
}

/* AMD's 4-bit associativity code (leaf 0x80000006). */
static uint32_t amd_enc_assoc(unsigned a)
{
    switch (a) {
    case 0: case 1: case 2: case 4: return a;
    case 8: return 6;
    case 16: return 8;
    case 32: return 0xa;
    case 48: return 0xb;
    case 64: return 0xc;
    case 96: return 0xd;
    case 128: return 0xe;
    case 0xff: return 0xf;
    default: return 0;
    }
}

static uint32_t encode_cache_cpuid80000005(const CacheInfo *c)
{
    return ((c->size / KiB) << 24) | (c->associativity << 16) |
           (c->lines_per_tag << 8) | c->line_size;
}

/* ---- the table ---- */

typedef struct CpuidCtx {
    const X86CPUConfig *cfg;
    X86TopoInfo topo;
    uint32_t apic_id;
    unsigned cores, threads;        /* per package, per core */
    X86CPUIDTable *t;
} CpuidCtx;

/* Every leaf we emit fits X86_CPUID_MAX_ENTRIES (about 70 at most); the
 * check only keeps a mistake from writing past the table. */
static void put(CpuidCtx *c, uint32_t fn, uint32_t idx, bool significant,
                const uint32_t r[4])
{
    X86CPUIDEntry *e;

    if (c->t->nent >= X86_CPUID_MAX_ENTRIES) {
        return;
    }
    e = &c->t->entries[c->t->nent++];
    e->function = fn;
    e->index = idx;
    e->flags = significant ? X86_CPUID_FLAG_SIGNIFICANT_INDEX : 0;
    e->eax = r[0];
    e->ebx = r[1];
    e->ecx = r[2];
    e->edx = r[3];
}

/*
 * A leaf without subleaves. Like QEMU, leave out one that is all zeros:
 * a missing entry reads as zeros anyway, and the table stays small.
 */
static void put_leaf(CpuidCtx *c, uint32_t fn, const uint32_t r[4])
{
    if (r[0] || r[1] || r[2] || r[3]) {
        put(c, fn, 0, false, r);
    }
}

static void vendor_regs(const char *vendor, uint32_t *ebx, uint32_t *ecx,
                        uint32_t *edx)
{
    char v[12] = { 0 };

    memcpy(v, vendor, strnlen(vendor, 12));
    memcpy(ebx, v, 4);
    memcpy(edx, v + 4, 4);
    memcpy(ecx, v + 8, 4);
}

static uint32_t cpuid_version(const X86CPUConfig *cfg)
{
    uint32_t v;

    if (cfg->family > 0x0f) {
        v = 0xf00 | ((cfg->family - 0x0f) << 20);
    } else {
        v = cfg->family << 8;
    }
    v |= ((cfg->model & 0xf) << 4) | ((cfg->model >> 4) << 16);
    return v | (cfg->stepping & 0xf);
}

static void leaf_1(CpuidCtx *c)
{
    const X86CPUConfig *cfg = c->cfg;
    unsigned lps = c->cores * c->threads;
    uint32_t r[4] = {
        cpuid_version(cfg),
        (c->apic_id << 24) | (8 << 8),  /* CLFLUSH size in 8-byte units */
        cfg->features[FEAT_1_ECX],
        cfg->features[FEAT_1_EDX],
    };

    if (lps > 1) {
        r[1] |= (lps & 0xff) << 16;
        r[3] |= CPUID_HT;
    }
    put_leaf(c, 1, r);
}

static void leaf_2(CpuidCtx *c)
{
    uint32_t r[4] = { 0 };

    if (!cfg_is_vendor(c->cfg, CPUID_VENDOR_AMD)) {
        /* Descriptors of the legacy caches: L3 16M, L1d 32K, L1i 32K,
         * L2 2M (QEMU's cpuid2 tables). */
        r[0] = 1;
        r[2] = 0x4d;
        r[3] = 0x2c307d;
    }
    put(c, 2, 0, false, r);
}

static void leaf_4(CpuidCtx *c)
{
    CacheSet cs = cache_set(c->cfg, false);
    const CacheInfo *caches[] = { cs.l1d, cs.l1i, cs.l2, cs.l3 };
    unsigned sharing[] = {
        1, 1, c->threads, 1u << x86_apicid_die_offset(&c->topo),
    };
    bool amd = cfg_is_vendor(c->cfg, CPUID_VENDOR_AMD);

    for (unsigned i = 0; i < 5; i++) {
        uint32_t r[4] = { 0 };

        /* vendor-cpuid-only: AMD CPUs have no leaf 4. */
        if (!amd && i < 4) {
            encode_cache_cpuid4(caches[i], sharing[i], c->cores, r);
        }
        put(c, 4, i, true, r);
        if (amd) {
            break;
        }
    }
}

static void leaf_7(CpuidCtx *c)
{
    const uint32_t *f = c->cfg->features;
    uint32_t r[4] = { 0, f[FEAT_7_0_EBX], f[FEAT_7_0_ECX], f[FEAT_7_0_EDX] };

    put(c, 7, 0, true, r);
}

static void leaf_b(CpuidCtx *c)
{
    uint32_t smt[4] = {
        x86_apicid_core_offset(&c->topo), c->threads & 0xffff,
        0 | (1 << 8), c->apic_id,
    };
    uint32_t core[4] = {
        x86_apicid_pkg_offset(&c->topo), (c->cores * c->threads) & 0xffff,
        1 | (2 << 8), c->apic_id,
    };
    uint32_t end[4] = { 0, 0, 2, c->apic_id };

    put(c, 0xb, 0, true, smt);
    put(c, 0xb, 1, true, core);
    put(c, 0xb, 2, true, end);
}

/* Subleaf i of leaf 0xd. */
static void xsave_subleaf(const CpuidCtx *c, unsigned i, uint32_t r[4])
{
    uint32_t xcr0 = c->cfg->features[FEAT_XSAVE_XCR0_LO];

    memset(r, 0, 4 * sizeof(uint32_t));
    if (!(c->cfg->features[FEAT_1_ECX] & CPUID_EXT_XSAVE)) {
        return;
    }
    if (i == 0) {
        r[0] = xcr0;
        r[2] = xsave_area_size(xcr0, false);
        /* Under KVM EBX = ECX (QEMU's workaround for old guests);
         * otherwise the size for XCR0 at reset, x87 only. */
        r[1] = c->cfg->kvm ? r[2] : xsave_area_size(1, false);
    } else if (i == 1) {
        r[0] = c->cfg->features[FEAT_XSAVE];
        r[1] = xsave_area_size(xcr0, true);
    } else if (i < ARRAY_SIZE(xsave_areas) && (xcr0 & (1u << i))) {
        r[0] = xsave_areas[i].size;
        r[1] = xsave_areas[i].offset;
    }
}

/* QEMU keeps the subleaves with EAX set and ends with subleaf 63. */
static void leaf_d(CpuidCtx *c)
{
    for (unsigned i = 0; i < 63; i++) {
        uint32_t r[4];

        xsave_subleaf(c, i, r);
        if (r[0]) {
            put(c, 0xd, i, true, r);
        }
    }
    put(c, 0xd, 63, true, (const uint32_t[4]) { 0 });
}

static void basic_leaves(CpuidCtx *c)
{
    const X86CPUConfig *cfg = c->cfg;
    uint32_t r[4] = { cfg->level };

    vendor_regs(cfg->vendor, &r[1], &r[2], &r[3]);
    put(c, 0, 0, false, r);
    for (uint32_t fn = 1; fn <= cfg->level && fn <= 0xd; fn++) {
        uint32_t z[4] = { 0 };

        switch (fn) {
        case 1: leaf_1(c); break;
        case 2: leaf_2(c); break;
        case 4: leaf_4(c); break;
        case 5: {
            /* MONITOR/MWAIT: QEMU's fixed mwait values (EMX, IBE). */
            uint32_t m[4] = { 0, 0, 3, 0 };
            put_leaf(c, 5, m);
            break;
        }
        case 6:
            z[0] = cfg->features[FEAT_6_EAX];
            put_leaf(c, 6, z);
            break;
        case 7: leaf_7(c); break;
        case 0xb: leaf_b(c); break;
        case 0xd: leaf_d(c); break;
        default:
            put_leaf(c, fn, z);
            break;
        }
    }
}

static void kvm_leaves(CpuidCtx *c)
{
    /* "KVMKVMKVM\0\0\0" and the highest KVM leaf. */
    uint32_t sig[4] = { 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d };
    uint32_t feat[4] = { c->cfg->features[FEAT_KVM], 0, 0, 0 };

    put(c, 0x40000000, 0, false, sig);
    put(c, 0x40000001, 0, false, feat);
}

static void leaf_80000001(CpuidCtx *c)
{
    const X86CPUConfig *cfg = c->cfg;
    uint32_t r[4] = {
        cpuid_version(cfg), 0,
        cfg->features[FEAT_8000_0001_ECX],
        cfg->features[FEAT_8000_0001_EDX],
    };

    /* AMD repeats leaf 1's EDX flags here. */
    if (cfg_is_vendor(cfg, CPUID_VENDOR_AMD)) {
        r[3] = (r[3] & ~CPUID_EXT2_AMD_ALIASES) |
               (cfg->features[FEAT_1_EDX] & CPUID_EXT2_AMD_ALIASES);
    }
    /* CmpLegacy would make Linux ignore the threads on Intel. */
    if (c->cores * c->threads > 1 &&
        !cfg_is_vendor(cfg, CPUID_VENDOR_INTEL)) {
        r[2] |= CPUID_EXT3_CMP_LEG;
    }
    put_leaf(c, 0x80000001, r);
}

static void leaf_80000006(CpuidCtx *c)
{
    CacheSet cs = cache_set(c->cfg, true);
    const CacheInfo *l2 = cs.l2, *l3 = cs.l3;
    uint32_t r[4] = {
        0, 0x42004200,      /* L2 TLB: 512 entries, 4-way, 4K and 2M */
        ((l2->size / KiB) << 16) | (amd_enc_assoc(l2->associativity) << 12) |
        (l2->lines_per_tag << 8) | l2->line_size,
        ((l3->size / (512 * KiB)) << 18) |
        (amd_enc_assoc(l3->associativity) << 12) |
        (l3->lines_per_tag << 8) | l3->line_size,
    };

    put_leaf(c, 0x80000006, r);
}

static void leaf_80000008(CpuidCtx *c)
{
    const uint32_t *f = c->cfg->features;
    unsigned lps = c->cores * c->threads;
    uint32_t r[4] = { c->cfg->phys_bits, f[FEAT_8000_0008_EBX], 0, 0 };

    if (f[FEAT_8000_0001_EDX] & CPUID_EXT2_LM) {
        r[0] |= (f[FEAT_7_0_ECX] & CPUID_7_0_ECX_LA57 ? 57 : 48) << 8;
    } else {
        /* A 32-bit CPU: what PSE36 (or its absence) can address. */
        r[0] = f[FEAT_1_EDX] & CPUID_PSE36 ? 36 : 32;
    }
    if (lps > 1) {
        r[2] = (x86_apicid_pkg_offset(&c->topo) << 12) | (lps - 1);
    }
    put_leaf(c, 0x80000008, r);
}

static void leaf_8000001d(CpuidCtx *c)
{
    CacheSet cs = cache_set(c->cfg, true);
    const CacheInfo *caches[] = { cs.l1d, cs.l1i, cs.l2, cs.l3 };

    for (unsigned i = 0; i < 5; i++) {
        uint32_t r[4] = { 0 };

        if (i < 4) {
            encode_cache_cpuid8000001d(caches[i], &c->topo, r);
        }
        put(c, 0x8000001d, i, true, r);
    }
}

static void extended_leaf(CpuidCtx *c, uint32_t fn)
{
    const X86CPUConfig *cfg = c->cfg;
    const uint32_t *f = cfg->features;
    uint32_t r[4] = { 0 };

    switch (fn) {
    case 0x80000001:
        leaf_80000001(c);
        return;
    case 0x80000002: case 0x80000003: case 0x80000004: {
        char id[48] = { 0 };

        memcpy(id, cfg->model_id, strnlen(cfg->model_id, 48));
        memcpy(r, id + 16 * (fn - 0x80000002), 16);
        break;
    }
    case 0x80000005: {
        CacheSet cs = cache_set(cfg, true);

        r[0] = 0x01ff01ff;      /* L1 TLB 2M/4M: 255 entries each */
        r[1] = 0x01ff01ff;      /* L1 TLB 4K */
        r[2] = encode_cache_cpuid80000005(cs.l1d);
        r[3] = encode_cache_cpuid80000005(cs.l1i);
        break;
    }
    case 0x80000006:
        leaf_80000006(c);
        return;
    case 0x80000007:
        r[3] = f[FEAT_8000_0007_EDX];
        break;
    case 0x80000008:
        leaf_80000008(c);
        return;
    case 0x8000000a:
        if (f[FEAT_8000_0001_ECX] & CPUID_EXT3_SVM) {
            r[0] = 1;           /* SVM revision */
            r[1] = 0x10;        /* number of ASIDs */
            r[3] = f[FEAT_SVM];
        }
        break;
    case 0x8000001d:
        leaf_8000001d(c);
        return;
    case 0x8000001e:
        r[0] = c->apic_id;
        r[1] = ((c->topo.threads_per_core - 1) << 8) |
               (x86_core_id_from_apicid(&c->topo, c->apic_id) & 0xff);
        break;
    default:
        break;
    }
    put_leaf(c, fn, r);
}

void x86_cpuid_build(const X86CPUConfig *cfg, const CpuTopology *topo,
                     unsigned vcpu_index, X86CPUIDTable *t)
{
    CpuidCtx c = { .cfg = cfg, .t = t };
    uint32_t r[4] = { cfg->xlevel };

    t->nent = 0;
    x86_topo_from_smp(&c.topo, topo);
    c.apic_id = x86_apicid_from_cpu_index(&c.topo, vcpu_index);
    /* QEMU's nr_cores and nr_threads: per die and per core. */
    c.cores = c.topo.cores_per_die;
    c.threads = c.topo.threads_per_core;

    basic_leaves(&c);
    if (cfg->kvm) {
        kvm_leaves(&c);
    }
    vendor_regs(cfg->vendor, &r[1], &r[2], &r[3]);
    put(&c, 0x80000000, 0, false, r);
    /* Bounded: a user's xlevel=0x8fffffff must not walk 2^28 leaves. */
    for (uint32_t fn = 0x80000001; fn <= cfg->xlevel && fn <= 0x8000001e;
         fn++) {
        extended_leaf(&c, fn);
    }
}

const X86CPUIDEntry *x86_cpuid_find(const X86CPUIDTable *t,
                                    uint32_t function, uint32_t index)
{
    for (unsigned i = 0; i < t->nent; i++) {
        const X86CPUIDEntry *e = &t->entries[i];

        if (e->function == function &&
            (!(e->flags & X86_CPUID_FLAG_SIGNIFICANT_INDEX) ||
             e->index == index)) {
            return e;
        }
    }
    return NULL;
}
