/*
 * test-x86-cpuid.c: unit tests for target/i386 cpu.c, cpu-models.c and
 * cpu-topology.c: -cpu parsing and its QEMU error wording, the CPUID
 * leaves of qemu64, Skylake-Server and EPYC as QEMU 7.2 reports them
 * (values recorded from QEMU's TCG with a CPUID-dumping multiboot kernel),
 * topology-derived fields and APIC IDs, and filtering against an
 * accelerator's supported flags.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "target/i386/cpu.h"
#include "test-helpers.h"
#if CONFIG_KVM
#include "target/i386/kvm/kvm-cpuid.h"
#endif

typedef struct Leaf {
    uint32_t fn, idx;
    uint32_t eax, ebx, ecx, edx;
} Leaf;

static const CpuTopology smp1 = { 1, 1, 1, 1, 1, 1 };

static void build(const char *spec, const X86AccelInfo *accel,
                  const CpuTopology *topo, unsigned index, X86CPUIDTable *t)
{
    g_autoptr(X86CPUSpec) s = NULL;
    X86CPUConfig cfg;
    Error *err = NULL;

    s = x86_cpu_spec_parse(spec, &err);
    g_assert_null(err);
    g_assert_true(x86_cpu_config_init(&cfg, s, accel, &err));
    if (accel) {
        g_assert_true(x86_cpu_filter_features(&cfg, accel, &err));
    }
    x86_cpuid_build(&cfg, topo, index, t);
}

/* Missing entries read as zeros, as KVM answers them (the table leaves
 * all-zero leaves out), but only inside the advertised ranges. */
static const X86CPUIDEntry *leaf(const X86CPUIDTable *t, uint32_t fn,
                                 uint32_t idx)
{
    static const X86CPUIDEntry zero;
    const X86CPUIDEntry *e = x86_cpuid_find(t, fn, idx);
    uint32_t base = fn & 0xffff0000;

    if (!e) {
        const X86CPUIDEntry *max = x86_cpuid_find(t, base, 0);

        if (!max || fn > max->eax) {
            g_error("CPUID leaf %x.%x out of range", fn, idx);
        }
        return &zero;
    }
    return e;
}

static void check_leaves(const X86CPUIDTable *t, const Leaf *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const X86CPUIDEntry *e = leaf(t, want[i].fn, want[i].idx);

        if (e->eax != want[i].eax || e->ebx != want[i].ebx ||
            e->ecx != want[i].ecx || e->edx != want[i].edx) {
            g_error("leaf %x.%x: got %x %x %x %x, want %x %x %x %x",
                    want[i].fn, want[i].idx, e->eax, e->ebx, e->ecx, e->edx,
                    want[i].eax, want[i].ebx, want[i].ecx, want[i].edx);
        }
    }
}

/* QEMU 7.2, -accel tcg -cpu qemu64, one vCPU (see tests/guest/expected/
 * cpuid.out for the same CPU seen through the cpuid test kernel). */
static void test_qemu64_leaves(void)
{
    static const Leaf want[] = {
        { 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65 },
        { 1, 0, 0x60fb1, 0x800, 0x80002001, 0x78bfbfd },
        { 2, 0, 0, 0, 0, 0 },
        { 4, 0, 0, 0, 0, 0 },
        { 5, 0, 0, 0, 3, 0 },
        { 7, 0, 0, 0, 0, 0 },
        { 0xb, 0, 0, 1, 0x100, 0 },
        { 0xb, 1, 0, 1, 0x201, 0 },
        { 0xb, 2, 0, 0, 2, 0 },
        { 0xd, 0, 0, 0, 0, 0 },
        { 0x80000000, 0, 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65 },
        { 0x80000001, 0, 0x60fb1, 0, 5, 0x2193fbfd },
        { 0x80000002, 0, 0x554d4551, 0x72695620, 0x6c617574, 0x55504320 },
        { 0x80000003, 0, 0x72657620, 0x6e6f6973, 0x352e3220, 0x2b },
        { 0x80000004, 0, 0, 0, 0, 0 },
        { 0x80000005, 0, 0x1ff01ff, 0x1ff01ff, 0x40020140, 0x40020140 },
        { 0x80000006, 0, 0, 0x42004200, 0x2008140, 0x808140 },
        { 0x80000007, 0, 0, 0, 0, 0 },
        { 0x80000008, 0, 0x3028, 0, 0, 0 },
        { 0x8000000a, 0, 1, 0x10, 0, 0 },
    };
    X86CPUIDTable t;

    build("qemu64", NULL, &smp1, 0, &t);
    check_leaves(&t, want, G_N_ELEMENTS(want));
    /* No accelerator: no KVM leaves, nothing past xlevel. */
    g_assert_null(x86_cpuid_find(&t, 0x40000000, 0));
    g_assert_null(x86_cpuid_find(&t, 0x8000000b, 0));
    g_assert_null(x86_cpuid_find(&t, 0xe, 0));
    /* The -v1 name is the same CPU. */
    build("qemu64-v1", NULL, &smp1, 0, &t);
    check_leaves(&t, want, G_N_ELEMENTS(want));
}

/* The same recording with -cpu Skylake-Server, with the flags TCG had
 * filtered (pcid, x2apic, tsc-deadline, hle, ...) put back, and vme,
 * which QEMU's TCG turns off by default (tcg_default_props). */
static void test_skylake_leaves(void)
{
    static const Leaf want[] = {
        { 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 1, 0, 0x50654, 0x800, 0xf7fa3203, 0x78bfbff },
        { 2, 0, 1, 0, 0x4d, 0x2c307d },
        { 4, 0, 0x121, 0x1c0003f, 0x3f, 1 },
        { 4, 1, 0x122, 0x1c0003f, 0x3f, 1 },
        { 4, 2, 0x143, 0x3c0003f, 0xfff, 1 },
        { 4, 3, 0x163, 0x3c0003f, 0x3fff, 6 },
        { 4, 4, 0, 0, 0, 0 },
        { 6, 0, 4, 0, 0, 0 },
        { 7, 0, 0, 0xd19f0fb9, 8, 0 },
        { 0xd, 0, 0x2e7, 0x240, 0xa88, 0 },
        { 0xd, 1, 7, 0x988, 0, 0 },
        { 0xd, 2, 0x100, 0x240, 0, 0 },
        { 0xd, 9, 8, 0xa80, 0, 0 },
        { 0x80000000, 0, 0x80000008, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 0x80000001, 0, 0x50654, 0, 0x121, 0x2c100800 },
        { 0x80000002, 0, 0x65746e49, 0x6558206c, 0x50206e6f, 0x65636f72 },
        { 0x80000003, 0, 0x726f7373, 0x6b532820, 0x6b616c79, 0x2965 },
        { 0x80000005, 0, 0x1ff01ff, 0x1ff01ff, 0x40020140, 0x40020140 },
        { 0x80000006, 0, 0, 0x42004200, 0x2008140, 0x808140 },
        { 0x80000008, 0, 0x3028, 0, 0, 0 },
    };
    X86CPUIDTable t;

    build("Skylake-Server", NULL, &smp1, 0, &t);
    check_leaves(&t, want, G_N_ELEMENTS(want));
}

static void test_epyc_leaves(void)
{
    static const Leaf want[] = {
        { 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65 },
        { 1, 0, 0x800f12, 0x800, 0xf6d8320b, 0x78bfbff },
        { 2, 0, 0, 0, 0, 0 },
        { 4, 0, 0, 0, 0, 0 },
        { 7, 0, 0, 0x209c01a9, 0, 0 },
        { 0xd, 0, 7, 0x240, 0x340, 0 },
        { 0xd, 1, 7, 0x340, 0, 0 },
        { 0x80000000, 0, 0x8000001e, 0x68747541, 0x444d4163, 0x69746e65 },
        { 0x80000001, 0, 0x800f12, 0, 0x4003f5, 0x2fd3fbff },
        { 0x80000002, 0, 0x20444d41, 0x43595045, 0x6f725020, 0x73736563 },
        { 0x80000003, 0, 0x726f, 0, 0, 0 },
        { 0x80000005, 0, 0x1ff01ff, 0x1ff01ff, 0x20080140, 0x40040140 },
        { 0x80000006, 0, 0, 0x42004200, 0x2006140, 0x408140 },
        { 0x8000000a, 0, 1, 0x10, 0, 9 },
        { 0x8000001d, 0, 0x121, 0x1c0003f, 0x3f, 1 },
        { 0x8000001e, 0, 0, 0, 0, 0 },
    };
    X86CPUIDTable t;

    build("EPYC", NULL, &smp1, 0, &t);
    check_leaves(&t, want, G_N_ELEMENTS(want));
}

/* -smp 8,sockets=2,cores=2,threads=2 under QEMU's TCG, vCPU 0. */
static void test_topology_2x2x2(void)
{
    static const CpuTopology topo = { 8, 2, 1, 2, 2, 8 };
    static const Leaf qemu64[] = {
        { 1, 0, 0x60fb1, 0x40800, 0x80002001, 0x178bfbfd },
        { 0xb, 0, 1, 2, 0x100, 0 },
        { 0xb, 1, 2, 4, 0x201, 0 },
        { 0xb, 2, 0, 0, 2, 0 },
        { 0x80000001, 0, 0x60fb1, 0, 7, 0x2193fbfd },
        { 0x80000008, 0, 0x3028, 0, 0x2003, 0 },
    };
    static const Leaf skylake[] = {
        { 4, 0, 0x4000121, 0x1c0003f, 0x3f, 1 },
        { 4, 1, 0x4000122, 0x1c0003f, 0x3f, 1 },
        { 4, 2, 0x4004143, 0x3c0003f, 0xfff, 1 },
        { 4, 3, 0x400c163, 0x3c0003f, 0x3fff, 6 },
        /* Intel: no CmpLegacy even with several threads. */
        { 0x80000001, 0, 0x50654, 0, 0x121, 0x2c100800 },
    };
    X86CPUIDTable t;

    build("qemu64", NULL, &topo, 0, &t);
    check_leaves(&t, qemu64, G_N_ELEMENTS(qemu64));
    build("Skylake-Server", NULL, &topo, 0, &t);
    check_leaves(&t, skylake, G_N_ELEMENTS(skylake));
    build("EPYC", NULL, &topo, 0, &t);
    g_assert_cmphex(leaf(&t, 0x8000001e, 0)->ebx, ==, 0x100);
    g_assert_cmphex(leaf(&t, 0x8000001d, 3)->eax, ==, 0xc163);
}

/* Odd counts: core IDs are still rounded up to a power-of-two field. */
static void test_topology_odd(void)
{
    static const CpuTopology t3 = { 6, 2, 1, 3, 1, 6 };
    static const CpuTopology t32 = { 12, 2, 1, 3, 2, 12 };
    static const Leaf want3[] = {
        { 1, 0, 0x50654, 0x30800, 0xf7fa3203, 0x178bfbff },
        { 4, 0, 0x8000121, 0x1c0003f, 0x3f, 1 },
        { 4, 2, 0x8000143, 0x3c0003f, 0xfff, 1 },
        { 4, 3, 0x800c163, 0x3c0003f, 0x3fff, 6 },
        { 0xb, 0, 0, 1, 0x100, 0 },
        { 0xb, 1, 2, 3, 0x201, 0 },
        { 0x80000008, 0, 0x3028, 0, 0x2002, 0 },
    };
    static const Leaf want32[] = {
        { 1, 0, 0x50654, 0x60800, 0xf7fa3203, 0x178bfbff },
        { 4, 2, 0x8004143, 0x3c0003f, 0xfff, 1 },
        { 4, 3, 0x801c163, 0x3c0003f, 0x3fff, 6 },
        { 0xb, 0, 1, 2, 0x100, 0 },
        { 0xb, 1, 3, 6, 0x201, 0 },
        { 0x80000008, 0, 0x3028, 0, 0x3005, 0 },
    };
    X86CPUIDTable t;

    build("Skylake-Server", NULL, &t3, 0, &t);
    check_leaves(&t, want3, G_N_ELEMENTS(want3));
    build("Skylake-Server", NULL, &t32, 0, &t);
    check_leaves(&t, want32, G_N_ELEMENTS(want32));
}

/* Every vCPU reports its own APIC ID in leaves 1, 0xb and 0x8000001e. */
static void test_apic_ids(void)
{
    static const struct {
        CpuTopology topo;
        uint32_t ids[12];
    } cases[] = {
        { { 8, 2, 1, 2, 2, 8 }, { 0, 1, 2, 3, 4, 5, 6, 7 } },
        { { 6, 2, 1, 3, 1, 6 }, { 0, 1, 2, 4, 5, 6 } },
        { { 12, 2, 1, 3, 2, 12 }, { 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13 } },
        { { 4, 1, 2, 1, 2, 4 }, { 0, 1, 2, 3 } },
        { { 6, 1, 1, 1, 3, 6 }, { 0, 1, 2, 4, 5, 6 } },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        for (unsigned n = 0; n < cases[i].topo.cpus; n++) {
            uint32_t id = cases[i].ids[n];
            X86CPUIDTable t;

            build("EPYC", NULL, &cases[i].topo, n, &t);
            g_assert_cmphex(leaf(&t, 1, 0)->ebx >> 24, ==, id);
            g_assert_cmphex(leaf(&t, 0xb, 0)->edx, ==, id);
            g_assert_cmphex(leaf(&t, 0xb, 1)->edx, ==, id);
            g_assert_cmphex(leaf(&t, 0x8000001e, 0)->eax, ==, id);
            g_assert_cmphex(x86_cpu_apic_id(&cases[i].topo, n), ==, id);
        }
    }
}

static void test_flags(void)
{
    X86CPUIDTable t;

    build("qemu64,+popcnt,-svm,sse4_2=on,lahf_lm=off,+x2apic", NULL, &smp1,
          0, &t);
    g_assert_cmphex(leaf(&t, 1, 0)->ecx, ==,
                    0x80002001 | CPUID_EXT_POPCNT | (1u << 20) |
                    CPUID_EXT_X2APIC);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->ecx, ==, 0);
    /* No svm: leaf 0x8000000a is empty. */
    g_assert_cmphex(leaf(&t, 0x8000000a, 0)->eax, ==, 0);

    /* +flag is applied after flag=off, and -flag after everything. */
    build("qemu64,svm=off,+svm", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->ecx, ==, 5);
    build("qemu64,-svm,+svm", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->ecx, ==, 1);
    build("qemu64,svm=off,svm=on,sse3=off", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->ecx, ==, 5);
    g_assert_cmphex(leaf(&t, 1, 0)->ecx, ==, 0x80002000);
    /* kvmclock names two bits. */
    build("qemu64,kvmclock=on,-hypervisor,-lm", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 1, 0)->ecx, ==, 0x2001);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->edx, ==, 0x0193fbfd);
    /* Without long mode, 0x80000008 has no virtual address size and
     * the physical one is what PSE36 reaches. */
    g_assert_cmphex(leaf(&t, 0x80000008, 0)->eax, ==, 36);
    build("qemu64,-lm,-pse36", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0x80000008, 0)->eax, ==, 32);
}

static void test_properties(void)
{
    X86CPUIDTable t;

    build("qemu64,family=6,model=85,stepping=4,model-id=Keel CPU", NULL,
          &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 1, 0)->eax, ==, 0x50654);
    g_assert_cmphex(leaf(&t, 0x80000002, 0)->eax, ==, 0x6c65654b);
    g_assert_cmphex(leaf(&t, 0x80000002, 0)->ebx, ==, 0x55504320);
    build("qemu64,family=23,model=0x31", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 1, 0)->eax, ==, 0x830f11);

    /* An Intel vendor gets leaf 4 and loses the AMD aliases. */
    build("qemu64,vendor=GenuineIntel", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0, 0)->ebx, ==, 0x756e6547);
    g_assert_cmphex(leaf(&t, 4, 0)->eax, ==, 0x121);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->edx, ==, 0x20100800);

    /* Levels rise to what the flags need unless given. */
    build("qemu64,level=4,+avx2", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0, 0)->eax, ==, 4);
    g_assert_null(x86_cpuid_find(&t, 7, 0));
    build("qemu64,level=4,xlevel=0x80000004", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0x80000000, 0)->eax, ==, 0x80000004);
    g_assert_null(x86_cpuid_find(&t, 0x80000005, 0));
    build("qemu64,+topoext", NULL, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0x80000000, 0)->eax, ==, 0x8000001e);
    /* xlevel beyond what we know is answered, not walked leaf by leaf. */
    build("qemu64,xlevel=0x8fffffff", NULL, &smp1, 0, &t);
    g_assert_cmpuint(t.nent, <, X86_CPUID_MAX_ENTRIES);
}

static void expect_parse_error(const char *spec, const char *msg)
{
    Error *err = NULL;
    X86CPUSpec *s = x86_cpu_spec_parse(spec, &err);

    g_assert_null(s);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_parse_errors(void)
{
    expect_parse_error("foo", "unable to find CPU model 'foo'");
    expect_parse_error("QEMU64", "unable to find CPU model 'QEMU64'");
    expect_parse_error(",svm", "unable to find CPU model ''");
    expect_parse_error("", "-cpu option cannot be empty");
    expect_parse_error("qemu64,+foo",
                       "Property 'qemu64-x86_64-cpu.foo' not found");
    expect_parse_error("Skylake-Server,-foo_bar",
                       "Property 'Skylake-Server-x86_64-cpu.foo_bar' not "
                       "found");
    expect_parse_error("qemu64,foo", "can't apply global "
                       "qemu64-x86_64-cpu.foo=on: Property "
                       "'qemu64-x86_64-cpu.foo' not found");
    expect_parse_error("host,foo_bar=on", "can't apply global "
                       "host-x86_64-cpu.foo-bar=on: Property "
                       "'host-x86_64-cpu.foo-bar' not found");
    expect_parse_error("qemu64,svm=maybe", "can't apply global "
                       "qemu64-x86_64-cpu.svm=maybe: Parameter 'svm' "
                       "expects 'on' or 'off'");
    expect_parse_error("qemu64,family=-1", "can't apply global "
                       "qemu64-x86_64-cpu.family=-1: Property .family "
                       "doesn't take value -1 (minimum: 0, maximum: 270)");
    expect_parse_error("qemu64,stepping=16", "can't apply global "
                       "qemu64-x86_64-cpu.stepping=16: Property .stepping "
                       "doesn't take value 16 (minimum: 0, maximum: 15)");
    expect_parse_error("qemu64,family=x", "can't apply global "
                       "qemu64-x86_64-cpu.family=x: Parameter 'family' "
                       "expects int64");
    expect_parse_error("qemu64,vendor=abc", "can't apply global "
                       "qemu64-x86_64-cpu.vendor=abc: Property '.vendor' "
                       "doesn't take value 'abc'");
    expect_parse_error("qemu64,level=", "can't apply global "
                       "qemu64-x86_64-cpu.level=: Parameter 'level' "
                       "expects uint64");
}

static void test_ambiguous(void)
{
    Error *err = NULL;
    g_autoptr(X86CPUSpec) s = x86_cpu_spec_parse("qemu64,-svm,svm=on", &err);

    g_assert_nonnull(s);
    g_assert_cmpuint(s->warnings->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(s->warnings, 0), ==,
                    "Ambiguous CPU model string. Don't mix both \"-svm\" "
                    "and \"svm=on\"");
    g_assert_cmpstr(g_ptr_array_index(s->warnings, 1), ==,
                    "Compatibility of ambiguous CPU model strings won't be "
                    "kept on future QEMU versions");
    x86_cpu_spec_free(g_steal_pointer(&s));
    s = x86_cpu_spec_parse("qemu64,+svm,,lahf_lm=on", &err);
    g_assert_cmpuint(s->warnings->len, ==, 0);
}

/* A KVM-like accelerator: everything qemu64 wants but sse3 and svm. */
static void fake_kvm(X86AccelInfo *a)
{
    memset(a, 0, sizeof(*a));
    a->kvm = true;
    a->supported[FEAT_1_EDX] = 0x178bfbff;
    a->supported[FEAT_1_ECX] = CPUID_EXT_CX16 | CPUID_EXT_X2APIC |
                               CPUID_EXT_HYPERVISOR | CPUID_EXT_POPCNT;
    a->supported[FEAT_8000_0001_EDX] = 0x2c100800 | CPUID_EXT2_AMD_ALIASES;
    a->supported[FEAT_8000_0001_ECX] = CPUID_EXT3_LAHF_LM;
    a->supported[FEAT_KVM] = 0x0100007f;
    a->supported[FEAT_7_0_EBX] = 0x3;
    a->level = 0x14;
    a->xlevel = 0x80000008;
    g_strlcpy(a->vendor, CPUID_VENDOR_INTEL, sizeof(a->vendor));
    a->family = 6;
    a->model = 0x55;
    a->stepping = 7;
    g_strlcpy(a->model_id, "Host CPU", sizeof(a->model_id));
    a->phys_bits = 46;
}

static void test_kvm_qemu64(void)
{
    X86AccelInfo kvm;
    X86CPUIDTable t;

    fake_kvm(&kvm);
    capture_start();
    build("qemu64", &kvm, &smp1, 0, &t);
    g_autofree char *out = capture_end();
    /* svm is off under KVM (kvm_default_props): only pni is missing. */
    g_assert_cmpstr(out, ==, "warning: host doesn't support requested "
                    "feature: CPUID.01H:ECX.pni [bit 0]\n");
    /* x2apic comes on under KVM, pni is gone. */
    g_assert_cmphex(leaf(&t, 1, 0)->ecx, ==, 0x80202000);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->ecx, ==, 1);
    check_leaves(&t, (const Leaf[]) {
        { 0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d },
        { 0x40000001, 0, 0x0100007b, 0, 0, 0 },
        /* Under KVM a named model takes the host's vendor... */
        { 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 0x80000001, 0, 0x60fb1, 0, 1, 0x20100800 },
    }, 4);
    /* ... unless vendor= says otherwise. */
    capture_start();
    build("qemu64,vendor=AuthenticAMD", &kvm, &smp1, 0, &t);
    g_free(capture_end());
    g_assert_cmphex(leaf(&t, 0, 0)->ebx, ==, 0x68747541);
    g_assert_cmphex(leaf(&t, 0x80000001, 0)->edx, ==, 0x2193fbfd);
}

/* As QEMU hands it to KVM: all-zero plain leaves left out, leaf 0xd only
 * with the subleaves that exist and a final subleaf 63. */
static void test_table_shape(void)
{
    X86CPUIDTable t;

    build("qemu64", NULL, &smp1, 0, &t);
    g_assert_null(x86_cpuid_find(&t, 3, 0));
    g_assert_null(x86_cpuid_find(&t, 0x80000004, 0));
    g_assert_nonnull(x86_cpuid_find(&t, 2, 0));
    g_assert_nonnull(x86_cpuid_find(&t, 7, 0));
    g_assert_null(x86_cpuid_find(&t, 0xd, 0));
    g_assert_nonnull(x86_cpuid_find(&t, 0xd, 63));
    /* QEMU gives KVM 19 with its two KVM leaves and without svm. */
    g_assert_cmpuint(t.nent, ==, 18);

    build("Skylake-Server", NULL, &smp1, 0, &t);
    g_assert_nonnull(x86_cpuid_find(&t, 0xd, 2));
    g_assert_null(x86_cpuid_find(&t, 0xd, 3));     /* no MPX */
    g_assert_nonnull(x86_cpuid_find(&t, 0xd, 9));
    g_assert_nonnull(x86_cpuid_find(&t, 0xd, 63));
}

static void test_kvm_filter_warnings(void)
{
    X86AccelInfo kvm;
    X86CPUIDTable t;

    fake_kvm(&kvm);
    capture_start();
    build("qemu64,+svm,-kvmclock,check=off,check=on", &kvm, &smp1, 0, &t);
    g_autofree char *out = capture_end();
    g_assert_cmpstr(out, ==,
                    "warning: host doesn't support requested feature: "
                    "CPUID.01H:ECX.pni [bit 0]\n"
                    "warning: host doesn't support requested feature: "
                    "CPUID.80000001H:ECX.svm [bit 2]\n");
    g_assert_cmphex(leaf(&t, 0x40000001, 0)->eax, ==, 0x01000072);

    /* check=off is quiet; enforce fails. */
    capture_start();
    build("qemu64,check=off", &kvm, &smp1, 0, &t);
    g_autofree char *quiet = capture_end();
    g_assert_cmpstr(quiet, ==, "");

    g_autoptr(X86CPUSpec) s = x86_cpu_spec_parse("qemu64,enforce", NULL);
    X86CPUConfig cfg;
    Error *err = NULL;
    g_assert_true(x86_cpu_config_init(&cfg, s, &kvm, NULL));
    capture_start();
    g_assert_false(x86_cpu_filter_features(&cfg, &kvm, &err));
    g_autofree char *warned = capture_end();
    g_assert_nonnull(strstr(warned, "CPUID.01H:ECX.pni [bit 0]"));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Host doesn't support requested features");
    error_free(err);
}

static void test_kvm_host(void)
{
    X86AccelInfo kvm;
    X86CPUIDTable t;
    char brand[17] = { 0 };

    fake_kvm(&kvm);
    build("host", &kvm, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 0, 0)->eax, ==, 0x14);
    g_assert_cmphex(leaf(&t, 0, 0)->ebx, ==, 0x756e6547);
    g_assert_cmphex(leaf(&t, 1, 0)->eax, ==, 0x50657);
    g_assert_cmphex(leaf(&t, 1, 0)->ecx, ==, kvm.supported[FEAT_1_ECX]);
    g_assert_cmphex(leaf(&t, 7, 0)->ebx, ==, 0x3);
    g_assert_cmphex(leaf(&t, 0x80000000, 0)->eax, ==, 0x80000008);
    g_assert_cmphex(leaf(&t, 0x80000008, 0)->eax, ==, 0x302e);
    g_assert_cmphex(leaf(&t, 0x40000001, 0)->eax, ==, 0x0100007f);
    memcpy(brand, &leaf(&t, 0x80000002, 0)->eax, 16);
    g_assert_cmpstr(brand, ==, "Host CPU");

    /* max is the same CPU; -flag still removes. */
    build("max,-x2apic", &kvm, &smp1, 0, &t);
    g_assert_cmphex(leaf(&t, 1, 0)->ecx, ==,
                    kvm.supported[FEAT_1_ECX] & ~CPUID_EXT_X2APIC);

    /* Without an accelerator there is no host to copy. */
    g_autoptr(X86CPUSpec) s = x86_cpu_spec_parse("host", NULL);
    X86CPUConfig cfg;
    Error *err = NULL;
    g_assert_false(x86_cpu_config_init(&cfg, s, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "CPU model 'host' requires KVM or HVF");
    error_free(err);
}

static void test_cpu_list(void)
{
    g_autofree char *out = print_to_string(x86_cpu_list);

    g_assert_true(g_str_has_prefix(out, "Available CPUs:\n"));
    g_assert_nonnull(strstr(out, "\nx86 qemu64                "
                            "(alias configured by machine type)\n"));
    g_assert_nonnull(strstr(out, "\nx86 qemu64-v1             "
                            "QEMU Virtual CPU version 2.5+\n"));
    g_assert_nonnull(strstr(out, "\nx86 host                  processor "
                            "with all supported host features \n"));
    g_assert_nonnull(strstr(out, "\nx86 max                   Enables all "
                            "features supported by the accelerator in the "
                            "current host\n"));
    g_assert_nonnull(strstr(out, "\nx86 EPYC-v1               "
                            "AMD EPYC Processor\n"));
    /* host and max come last, as in QEMU. */
    g_assert_true(strstr(out, "x86 qemu64-v1") < strstr(out, "x86 host"));
    g_assert_nonnull(strstr(out, "\n\nRecognized CPUID flags:\n  "));
    g_assert_nonnull(strstr(out, " sse4.2 "));
    g_assert_nonnull(strstr(out, " lahf-lm "));
    /* Flag lines stay under 75 columns. */
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (char **p = lines; *p; p++) {
        if (g_str_has_prefix(*p, "  ")) {
            g_assert_cmpuint(strlen(*p), <=, 76);
        }
    }
}

#if CONFIG_KVM
/* QEMU's reading of KVM_GET_SUPPORTED_CPUID (kvm_arch_get_supported_cpuid). */
static void test_kvm_supported_fixups(void)
{
    static const struct kvm_cpuid_entry2 entries[] = {
        { .function = 0, .eax = 0x10 },
        { .function = 1, .ecx = CPUID_EXT_X2APIC | CPUID_EXT_CX16,
          .edx = 0x0789fbff & ~((1u << 12) | (1u << 16)) },
        { .function = 7, .index = 0,
          .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 0x209 },
        { .function = 7, .index = 1,
          .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 0xffff },
        { .function = 0x40000001, .eax = 0x1000fff },
        { .function = 0x80000000, .eax = 0x80000008 },
        { .function = 0x80000001, .ecx = CPUID_EXT3_LAHF_LM,
          .edx = CPUID_EXT2_LM | CPUID_EXT2_NX | CPUID_EXT2_SYSCALL },
    };
    g_autofree struct kvm_cpuid2 *c =
        g_malloc0(sizeof(*c) + sizeof(entries));
    X86AccelInfo info = { 0 };

    c->nent = G_N_ELEMENTS(entries);
    memcpy(c->entries, entries, sizeof(entries));
    kvm_x86_accel_info_from_supported(c, true, true, &info);
    g_assert_true(info.kvm);
    g_assert_cmphex(info.level, ==, 0x10);
    g_assert_cmphex(info.xlevel, ==, 0x80000008);
    /* hypervisor and TSC deadline always; MTRR/PAT/MCE/MCA added back. */
    g_assert_cmphex(info.supported[FEAT_1_ECX], ==,
                    CPUID_EXT_X2APIC | CPUID_EXT_CX16 |
                    CPUID_EXT_HYPERVISOR | CPUID_EXT_TSC_DEADLINE);
    g_assert_cmphex(info.supported[FEAT_1_EDX], ==, 0x0789fbff);
    /* Subleaf 0 of leaf 7, not subleaf 1. */
    g_assert_cmphex(info.supported[FEAT_7_0_EBX], ==, 0x209);
    g_assert_cmphex(info.supported[FEAT_KVM], ==, 0x1000fff);
    g_assert_cmphex(info.supported[FEAT_6_EAX], ==, 4);
    /* The AMD aliases of leaf 1 EDX count as supported in 0x80000001. */
    g_assert_cmphex(info.supported[FEAT_8000_0001_EDX], ==,
                    CPUID_EXT2_LM | CPUID_EXT2_NX | CPUID_EXT2_SYSCALL |
                    (0x0789fbff & CPUID_EXT2_AMD_ALIASES));

    /* Without the in-kernel irqchip: no x2apic, no kvm-pv-unhalt. */
    kvm_x86_accel_info_from_supported(c, false, false, &info);
    g_assert_cmphex(info.supported[FEAT_1_ECX], ==,
                    CPUID_EXT_CX16 | CPUID_EXT_HYPERVISOR);
    g_assert_cmphex(info.supported[FEAT_KVM], ==, 0x1000f7f);
}
#endif

static void test_default_model(void)
{
    g_assert_cmpstr(x86_cpu_default_model("kvm", "qemu64"), ==, "host");
    g_assert_cmpstr(x86_cpu_default_model("tcg", NULL), ==, "qemu64");
    g_assert_cmpstr(x86_cpu_default_model(NULL, "EPYC"), ==, "EPYC");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-cpuid/qemu64", test_qemu64_leaves);
    g_test_add_func("/x86-cpuid/skylake-server", test_skylake_leaves);
    g_test_add_func("/x86-cpuid/epyc", test_epyc_leaves);
    g_test_add_func("/x86-cpuid/topology/2x2x2", test_topology_2x2x2);
    g_test_add_func("/x86-cpuid/topology/odd", test_topology_odd);
    g_test_add_func("/x86-cpuid/topology/apic-ids", test_apic_ids);
    g_test_add_func("/x86-cpuid/flags", test_flags);
    g_test_add_func("/x86-cpuid/properties", test_properties);
    g_test_add_func("/x86-cpuid/parse-errors", test_parse_errors);
    g_test_add_func("/x86-cpuid/ambiguous", test_ambiguous);
    g_test_add_func("/x86-cpuid/kvm/qemu64", test_kvm_qemu64);
    g_test_add_func("/x86-cpuid/kvm/filter", test_kvm_filter_warnings);
    g_test_add_func("/x86-cpuid/kvm/host", test_kvm_host);
    g_test_add_func("/x86-cpuid/table-shape", test_table_shape);
#if CONFIG_KVM
    g_test_add_func("/x86-cpuid/kvm/supported", test_kvm_supported_fixups);
#endif
    g_test_add_func("/x86-cpuid/list", test_cpu_list);
    g_test_add_func("/x86-cpuid/default-model", test_default_model);
    return g_test_run();
}
