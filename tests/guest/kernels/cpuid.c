/*
 * cpuid: what CPUID reports for -cpu qemu64 (the model the expected file
 * assumes) and that RDTSC never goes backwards.  Prints only what the
 * model fixes: vendor, max leaves, family/model/stepping, brand, a few
 * flags; never the TSC values.  Exit: PASS (33) unless RDTSC went back.
 */
#include "lib.h"

struct flag {
    const char *name;
    uint8_t reg;    /* 2 = ecx, 3 = edx */
    uint8_t bit;
};

/* Leaf 1 flags that qemu64 defines and TCG implements. */
static const struct flag leaf1_flags[] = {
    { "fpu", 3, 0 }, { "tsc", 3, 4 }, { "msr", 3, 5 }, { "pae", 3, 6 },
    { "cx8", 3, 8 }, { "apic", 3, 9 }, { "sep", 3, 11 }, { "pge", 3, 13 },
    { "cmov", 3, 15 }, { "pat", 3, 16 }, { "clflush", 3, 19 },
    { "mmx", 3, 23 }, { "fxsr", 3, 24 }, { "sse", 3, 25 }, { "sse2", 3, 26 },
    { "sse3", 2, 0 }, { "cx16", 2, 13 }, { "x2apic", 2, 21 },
    { "popcnt", 2, 23 }, { "hypervisor", 2, 31 },
};

/* Leaf 0x80000001 flags. */
static const struct flag ext_flags[] = {
    { "syscall", 3, 11 }, { "nx", 3, 20 }, { "lm", 3, 29 },
    { "lahf_lm", 2, 0 }, { "svm", 2, 2 }, { "abm", 2, 5 }, { "sse4a", 2, 6 },
};

static void print_flags(const char *what, const uint32_t r[4],
                        const struct flag *f, unsigned n)
{
    printf("%s:", what);
    for (unsigned i = 0; i < n; i++) {
        printf(" %s=%u", f[i].name, (r[f[i].reg] >> f[i].bit) & 1);
    }
    printf("\n");
}

static int check_rdtsc(void)
{
    uint64_t first = rdtsc(), prev = first;

    for (int i = 0; i < 64; i++) {
        uint64_t t = rdtsc();
        if (t < prev) {
            return 0;
        }
        prev = t;
    }
    /* 64 reads must have let some time pass. */
    return prev > first;
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint32_t r[4];
    char vendor[13];

    cpuid(0, 0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    printf("cpuid: vendor '%s' max leaf %x\n", vendor, r[0]);

    cpuid(1, 0, r);
    unsigned family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
    if (family == 0xf) {
        family += (r[0] >> 20) & 0xff;
    }
    if (family == 0x6 || family >= 0xf) {
        model |= ((r[0] >> 16) & 0xf) << 4;
    }
    printf("cpuid: family %u model %u stepping %u\n", family, model, r[0] & 0xf);
    print_flags("cpuid: leaf 1", r, leaf1_flags,
                sizeof(leaf1_flags) / sizeof(leaf1_flags[0]));

    cpuid(0x80000000, 0, r);
    uint32_t max_ext = r[0];
    printf("cpuid: max extended leaf %x\n", max_ext);
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, r);
        print_flags("cpuid: leaf 80000001", r, ext_flags,
                    sizeof(ext_flags) / sizeof(ext_flags[0]));
    }
    if (max_ext >= 0x80000004) {
        char brand[49];
        for (unsigned i = 0; i < 3; i++) {
            cpuid(0x80000002 + i, 0, r);
            memcpy(brand + 16 * i, r, 16);
        }
        brand[48] = 0;
        printf("cpuid: brand '%s'\n", brand);
    }

    int ok = check_rdtsc();
    printf("%s\n", ok ? "rdtsc ok" : "FAIL: rdtsc went backwards or stood still");
    return ok ? EXIT_PASS : EXIT_FAIL;
}
