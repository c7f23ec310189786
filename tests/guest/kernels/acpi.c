/*
 * acpi: find and check the ACPI tables as a firmware-less OS does (RSDP
 * scan of the EBDA and 0xe0000-0xfffff, RSDT/XSDT walk, checksums), print
 * only what any correct PC must agree on (not addresses, OEM ids or the
 * table order, which differ between SeaBIOS and Keel), then power off
 * through PM1a_CNT with \_S5's SLP_TYP. With -append pwrbtn it first waits
 * (polling PM1_STS) for the fixed power button: "system_powerdown".
 * Exit: the poweroff itself (status 0); FAIL (35) when a check fails,
 * NO_POWEROFF (39) when the S5 write did not stop the machine.
 */
#include "lib.h"

#define EXIT_NO_POWEROFF 0x13

#define RSDP_SIG    "RSD PTR "
#define PM1_STS_PWRBTN   (1u << 8)
#define PM1_EN_PWRBTN    (1u << 8)
#define PM1_CNT_SCI_EN   (1u << 0)
#define PM1_CNT_SLP_EN   (1u << 13)
#define FADT_F_PWR_BUTTON (1u << 4)
#define MAX_TABLES  32

/* About a second or more of TSC, whether ring 0 runs natively or not. */
#define TSC_WAIT_SHORT  (4ul << 30)
#define TSC_WAIT_LONG   (64ul << 30)

struct sdt_header {
    char sig[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));

static int failures;

static void fail(const char *what)
{
    printf("FAIL: %s\n", what);
    failures++;
}

static uint8_t sum_bytes(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while (len--) {
        s += *b++;
    }
    return s;
}

static uint16_t rd16(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | ((uint32_t)rd16(p + 2) << 16);
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* A valid RSDP at p: signature, ACPI 1.0 checksum, 2.0 one if revision 2. */
static int rsdp_valid(const uint8_t *p)
{
    if (memcmp(p, RSDP_SIG, 8) || sum_bytes(p, 20)) {
        return 0;
    }
    return p[15] < 2 || (rd32(p + 20) >= 36 && !sum_bytes(p, 36));
}

static const uint8_t *rsdp_scan(uint64_t start, uint64_t end)
{
    for (uint64_t a = start; a + 36 <= end; a += 16) {
        if (rsdp_valid((const uint8_t *)a)) {
            return (const uint8_t *)a;
        }
    }
    return 0;
}

/* As Linux: the first KiB of the EBDA, then the BIOS area. */
static const uint8_t *rsdp_find(void)
{
    uint64_t bda = 0x400;
    uint64_t ebda;
    const uint8_t *p = 0;

    /* Hide the constant: GCC takes pointers below 4 KiB for null + n. */
    __asm__("" : "+r"(bda));
    ebda = (uint64_t)*(volatile uint16_t *)(bda + 0x0e) << 4;

    if (ebda >= 0x80000 && ebda < 0xa0000) {
        p = rsdp_scan(ebda, ebda + 1024);
    }
    return p ? p : rsdp_scan(0xe0000, 0x100000);
}

/* The table at addr, if its length is sane and its checksum right. */
static const struct sdt_header *table_at(uint64_t addr, const char *sig)
{
    const struct sdt_header *t = (const void *)addr;

    if (!addr || addr >= (4ul << 30)) {
        fail("table pointer outside the first 4 GiB");
        return 0;
    }
    if (sig && memcmp(t->sig, sig, 4)) {
        printf("FAIL: %s: wrong signature\n", sig);
        failures++;
        return 0;
    }
    if (t->length < sizeof(*t) || t->length > (1u << 20)) {
        printf("FAIL: %c%c%c%c: length %u\n", t->sig[0], t->sig[1],
               t->sig[2], t->sig[3], t->length);
        failures++;
        return 0;
    }
    if (sum_bytes(t, t->length)) {
        printf("FAIL: %c%c%c%c: bad checksum\n", t->sig[0], t->sig[1],
               t->sig[2], t->sig[3]);
        failures++;
        return 0;
    }
    return t;
}

/* Entries of a root table (RSDT: 4 bytes each, XSDT: 8) into addrs. */
static unsigned root_entries(const struct sdt_header *root, unsigned size,
                             uint64_t *addrs)
{
    const uint8_t *p = (const uint8_t *)(root + 1);
    unsigned n = (root->length - sizeof(*root)) / size;

    if (n > MAX_TABLES) {
        fail("root table lists too many tables");
        n = MAX_TABLES;
    }
    for (unsigned i = 0; i < n; i++) {
        addrs[i] = size == 4 ? rd32(p + 4 * i) : rd64(p + 8 * i);
    }
    return n;
}

static const struct sdt_header *find_sig(const uint64_t *addrs, unsigned n,
                                         const char *sig)
{
    for (unsigned i = 0; i < n; i++) {
        const struct sdt_header *t = (const void *)addrs[i];

        if (addrs[i] && addrs[i] < (4ul << 30) && !memcmp(t->sig, sig, 4)) {
            return t;
        }
    }
    return 0;
}

/*
 * The root tables: every listed table must check; an XSDT (ACPI 2.0
 * RSDP) must list the same tables as the RSDT. Returns the count.
 */
static unsigned walk_roots(const uint8_t *rsdp, uint64_t *addrs)
{
    const struct sdt_header *rsdt = table_at(rd32(rsdp + 16), "RSDT");
    unsigned n = 0;

    if (rsdt) {
        n = root_entries(rsdt, 4, addrs);
    }
    if (rsdp[15] >= 2 && rd64(rsdp + 24)) {
        const struct sdt_header *xsdt = table_at(rd64(rsdp + 24), "XSDT");
        uint64_t x[MAX_TABLES];
        unsigned nx = xsdt ? root_entries(xsdt, 8, x) : 0;

        if (xsdt && !rsdt) {
            n = nx;
            memcpy(addrs, x, nx * sizeof(x[0]));
        } else if (xsdt && (nx != n || memcmp(x, addrs, n * sizeof(x[0])))) {
            fail("XSDT and RSDT list different tables");
        }
    }
    for (unsigned i = 0; i < n; i++) {
        table_at(addrs[i], 0);
    }
    return n;
}

/* \_S5's first package element (SLP_TYPa), or -1. */
static int dsdt_s5(const struct sdt_header *dsdt)
{
    const uint8_t *p = (const uint8_t *)(dsdt + 1);
    const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

    for (; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) || p[4] != 0x12) {
            continue;
        }
        /* NameOp, optionally with the root prefix. */
        if (p[-1] != 0x08 && !(p[-1] == '\\' && p[-2] == 0x08)) {
            continue;
        }
        p += 5;
        p += (*p >> 6) + 1;         /* PkgLength */
        p++;                        /* NumElements */
        switch (*p) {
        case 0x00:                  /* ZeroOp */
            return 0;
        case 0x01:                  /* OneOp */
            return 1;
        case 0x0a:                  /* BytePrefix */
            return p[1];
        default:
            return -1;
        }
    }
    return -1;
}

/* Does the DSDT name a device with _HID EISAID(id) (as a DWordConst)? */
static int dsdt_has_eisaid(const struct sdt_header *dsdt, uint32_t id)
{
    const uint8_t *p = (const uint8_t *)(dsdt + 1);
    const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

    for (; p + 9 < end; p++) {
        if (!memcmp(p, "_HID", 4) && p[4] == 0x0c && rd32(p + 5) == id) {
            return 1;
        }
    }
    return 0;
}

/* EISAID("PNPxxxx") as AML stores it. */
static uint32_t eisaid(const char *s)
{
    uint32_t v = ((s[0] - '@') << 26) | ((s[1] - '@') << 21) |
                 ((s[2] - '@') << 16);
    for (int i = 3; i < 7; i++) {
        char c = s[i];
        v |= (uint32_t)(c <= '9' ? c - '0' : c - 'A' + 10) << (4 * (6 - i));
    }
    /* Stored big-endian in a little-endian dword. */
    return ((v >> 24) & 0xff) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
           (v << 24);
}

static void check_dsdt(const struct sdt_header *dsdt)
{
    static const char *const hids[] = {
        "PNP0501", "PNP0B00", "PNP0303", "PNP0F13",
    };

    for (unsigned i = 0; i < sizeof(hids) / sizeof(hids[0]); i++) {
        printf("dsdt: %s %s\n", hids[i],
               dsdt_has_eisaid(dsdt, eisaid(hids[i])) ? "present" : "absent");
    }
}

/* The MADT entries a PC must have: LAPICs, the IOAPIC, ISA overrides. */
static void check_madt(const struct sdt_header *madt)
{
    const uint8_t *p = (const uint8_t *)(madt + 1);
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    unsigned lapics = 0, enabled = 0, ioapics = 0;

    printf("madt: lapic address %x flags %x\n", rd32(p), rd32(p + 4));
    for (p += 8; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        switch (p[0]) {
        case 0:
            lapics++;
            enabled += p[4] & 1;
            printf("madt: cpu uid %u apic id %u %s\n", p[2], p[3],
                   (p[4] & 1) ? "enabled" : "disabled");
            break;
        case 1:
            ioapics++;
            printf("madt: ioapic at %x gsi base %u\n", rd32(p + 4),
                   rd32(p + 8));
            break;
        case 2:
            /* Only the overrides every PC has: the PIT and the SCI. */
            if (p[3] == 0 || p[3] == 9) {
                printf("madt: override irq %u -> gsi %u flags %x\n", p[3],
                       rd32(p + 4), rd16(p + 8));
            }
            break;
        }
    }
    printf("madt: %u local apics, %u enabled, %u ioapics\n", lapics, enabled,
           ioapics);
}

/* Returns the PM1a_CNT port, or 0. */
static uint16_t check_fadt(const struct sdt_header *fadt, int *slp_typ)
{
    const uint8_t *f = (const uint8_t *)fadt;
    const struct sdt_header *dsdt, *facs;
    uint64_t dsdt_addr = rd32(f + 40);
    uint32_t smi_cmd = rd32(f + 48);
    uint16_t cnt = rd32(f + 64);

    if (fadt->length < 116) {
        fail("FADT too short");
        return 0;
    }
    printf("fadt: sci_int %u\n", rd16(f + 46));
    printf("fadt: pm1a_evt_blk %x len %u\n", rd32(f + 56), f[88]);
    printf("fadt: pm1a_cnt_blk %x len %u\n", rd32(f + 64), f[89]);
    printf("fadt: pm_tmr_blk %x len %u\n", rd32(f + 76), f[91]);
    printf("fadt: fixed power button %s\n",
           (rd32(f + 112) & FADT_F_PWR_BUTTON) ? "no" : "yes");
    /* As the OS: a 64-bit X_DSDT, when there is one, is the one to use. */
    if (fadt->length >= 148 && rd64(f + 140)) {
        if (dsdt_addr && rd64(f + 140) != dsdt_addr) {
            fail("DSDT and X_DSDT differ");
        }
        dsdt_addr = rd64(f + 140);
    }
    facs = (const void *)(uint64_t)rd32(f + 36);
    if (!rd32(f + 36) || memcmp(facs->sig, "FACS", 4) || facs->length < 64 ||
        (rd32(f + 36) & 63)) {
        fail("no FACS (64-byte aligned, 64 bytes or more)");
    } else {
        printf("facs: ok\n");
    }
    dsdt = table_at(dsdt_addr, "DSDT");
    if (dsdt) {
        check_dsdt(dsdt);
        *slp_typ = dsdt_s5(dsdt);
        printf("dsdt: \\_S5 SLP_TYPa %d\n", *slp_typ);
    }

    /* ACPI mode: SCI_EN set by the firmware, or the SMI_CMD handshake. */
    if (!(inw(cnt) & PM1_CNT_SCI_EN) && smi_cmd) {
        outb(smi_cmd, f[52]);
        for (int i = 0; i < 1000 && !(inw(cnt) & PM1_CNT_SCI_EN); i++) {
            inb(0x80);
        }
    }
    printf("pm1a_cnt: sci_en %u\n", inw(cnt) & PM1_CNT_SCI_EN);
    return cnt;
}

/* Does the PM timer move? Bounded: a stopped timer must not hang us. */
static void check_pm_timer(uint16_t port)
{
    uint32_t t0 = inl(port) & 0xffffff;
    int moved = 0;

    for (int i = 0; i < 100000 && !moved; i++) {
        moved = (inl(port) & 0xffffff) != t0;
    }
    printf("pm timer: %s\n", moved ? "advances" : "STOPPED");
    if (!moved) {
        failures++;
    }
}

static void wait_power_button(uint16_t evt)
{
    uint64_t start;

    outw(evt, PM1_STS_PWRBTN);               /* write 1 to clear */
    outw(evt + 2, PM1_EN_PWRBTN);
    printf("pwrbtn: waiting\n");
    start = rdtsc();
    while (!(inw(evt) & PM1_STS_PWRBTN) && rdtsc() - start < TSC_WAIT_LONG) {
        __asm__ volatile("pause");
    }
    if (!(inw(evt) & PM1_STS_PWRBTN)) {
        fail("no power button event");
        return;
    }
    outw(evt, PM1_STS_PWRBTN);
    printf("pwrbtn: pressed, sts now %x\n", inw(evt) & PM1_STS_PWRBTN);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    uint64_t addrs[MAX_TABLES];
    const struct sdt_header *fadt, *madt;
    const uint8_t *rsdp = rsdp_find();
    int slp_typ = -1;
    uint16_t cnt;
    unsigned n;

    printf("acpi\n");
    if (!rsdp) {
        printf("FAIL: no RSDP\n");
        return EXIT_FAIL;
    }
    printf("rsdp: found, checksum ok\n");
    n = walk_roots(rsdp, addrs);
    fadt = find_sig(addrs, n, "FACP");
    madt = find_sig(addrs, n, "APIC");
    printf("tables: FACP %s, APIC %s, checksums %s\n",
           fadt ? "present" : "absent", madt ? "present" : "absent",
           failures ? "BAD" : "ok");
    if (!fadt || !madt) {
        return EXIT_FAIL;
    }
    check_madt(madt);
    cnt = check_fadt(fadt, &slp_typ);
    check_pm_timer(rd32((const uint8_t *)fadt + 76));
    if (mb_cmdline_has(mbi, "pwrbtn")) {
        wait_power_button(rd32((const uint8_t *)fadt + 56));
    }
    if (failures || slp_typ < 0 || !cnt) {
        printf("acpi: %d failures\n", failures);
        return EXIT_FAIL;
    }

    printf("acpi: S5\n");
    outw(cnt, ((slp_typ & 7) << 10) | PM1_CNT_SLP_EN);
    /* The request is served asynchronously: give it time. */
    uint64_t start = rdtsc();
    while (rdtsc() - start < TSC_WAIT_SHORT) {
        __asm__ volatile("pause");
    }
    printf("FAIL: still running after S5\n");
    return EXIT_NO_POWEROFF;
}
