/*
 * fwcfg: the fw_cfg items QEMU's multiboot loader leaves for its option
 * ROM: KERNEL_ADDR/SIZE/ENTRY/DATA (one buffer: the kernel image, then the
 * module list and strings, page aligned) and INITRD_ADDR/SIZE/DATA (the
 * bare multiboot_info). Each is checked against what the guest was given,
 * so nothing printed depends on how big this kernel's build is.
 * Exit: PASS (33) when all checks hold, else FAIL (35).
 */
#include "lib.h"

#define FW_CFG_CTL          0x510
#define FW_CFG_DATA         0x511
#define FW_CFG_KERNEL_ADDR  0x07
#define FW_CFG_KERNEL_SIZE  0x08
#define FW_CFG_INITRD_ADDR  0x0a
#define FW_CFG_INITRD_SIZE  0x0b
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA  0x11
#define FW_CFG_INITRD_DATA  0x12
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_SETUP_SIZE   0x17

extern char _start[], __bss_start[], __bss_end[];
/*
 * What runs changes in .data: boot.S stores EAX/EBX there, and the CPU
 * sets the accessed bit of the GDT's descriptors (boot.S: gdt, then
 * gdt_ptr right after its end).
 */
extern char mb_magic[], mb_info[], gdt[], gdt_ptr[];

static int ok = 1;

static void check(int cond, const char *what)
{
    if (!cond) {
        printf("FAIL: %s\n", what);
        ok = 0;
    }
}

static uint32_t rd32(uint16_t key)
{
    uint32_t v = 0;

    outw(FW_CFG_CTL, key);
    for (unsigned i = 0; i < 4; i++) {
        v |= (uint32_t)inb(FW_CFG_DATA) << (8 * i);
    }
    return v;
}

static void skip(uint32_t n)
{
    while (n--) {
        inb(FW_CFG_DATA);
    }
}

/* Bytes of the selected item's next n that differ from mem, minus skips. */
static uint32_t diff_mem(const char *mem, uint32_t n)
{
    uint32_t bad = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = inb(FW_CFG_DATA);
        const char *p = mem + i;

        if ((p >= mb_magic && p < mb_magic + 4) ||
            (p >= mb_info && p < mb_info + 4) || (p >= gdt && p < gdt_ptr)) {
            continue;
        }
        bad += c != (uint8_t)*p;
    }
    return bad;
}

static void test_kernel(struct mb_info *mbi)
{
    uint32_t ka = rd32(FW_CFG_KERNEL_ADDR), ks = rd32(FW_CFG_KERNEL_SIZE);
    uint32_t entry = rd32(FW_CFG_KERNEL_ENTRY);
    uint32_t img = (uint32_t)(uint64_t)__bss_start - ka;
    uint32_t bss = __bss_end - __bss_start;
    uint32_t strs = mbi->mods_addr - ka;
    uint32_t name = *(uint32_t *)((char *)mbi + 64);
    uint32_t strs_len = name + 5 - mbi->mods_addr;
    uint32_t bad_img, bad_bss = 0, bad_strs;
    char cmd[64];
    uint32_t n = 0;

    printf("kernel: addr %x, entry is _start: %s\n", ka,
           entry == (uint32_t)(uint64_t)_start ? "yes" : "no");
    printf("kernel: strings page aligned after the image: %s\n",
           strs == (((uint32_t)(uint64_t)__bss_end - ka + 4095) & ~4095u) ?
           "yes" : "no");
    printf("kernel: size ends the strings' page: %s\n",
           ks == ((strs + strs_len + 4095) & ~4095u) ? "yes" : "no");
    check(strs + strs_len <= ks, "kernel size covers the strings");

    outw(FW_CFG_CTL, FW_CFG_KERNEL_DATA);
    bad_img = diff_mem((const char *)(uint64_t)ka, img);
    for (uint32_t i = 0; i < bss; i++) {
        bad_bss += inb(FW_CFG_DATA) != 0;
    }
    /* QEMU leaves the slack up to the page end uninitialised: not read. */
    skip(strs - img - bss);
    bad_strs = diff_mem((const char *)(uint64_t)mbi->mods_addr, strs_len);
    printf("kernel data: image %s, bss %s, strings %s\n",
           bad_img ? "DIFFERS" : "as loaded", bad_bss ? "NOT ZERO" : "zero",
           bad_strs ? "DIFFER" : "as loaded");
    check(!bad_img && !bad_bss && !bad_strs, "kernel data");

    /* The command line, read out of the item at its address. */
    outw(FW_CFG_CTL, FW_CFG_KERNEL_DATA);
    skip(mbi->cmdline - ka);
    while (n < sizeof(cmd) - 1 && (cmd[n] = inb(FW_CFG_DATA))) {
        n++;
    }
    cmd[n] = 0;
    printf("kernel data: cmdline '%s'\n", cmd);
}

static void test_info(uint32_t ebx, struct mb_info *mbi)
{
    uint32_t ia = rd32(FW_CFG_INITRD_ADDR), is = rd32(FW_CFG_INITRD_SIZE);
    const uint8_t *mem = (const uint8_t *)mbi;

    printf("info: addr %x (ebx %x) size %u\n", ia, ebx, is);
    outw(FW_CFG_CTL, FW_CFG_INITRD_DATA);
    for (uint32_t off = 0; off + 4 <= is; off += 4) {
        uint32_t w = 0, m = 0;

        for (unsigned i = 0; i < 4; i++) {
            w |= (uint32_t)inb(FW_CFG_DATA) << (8 * i);
            m |= (uint32_t)mem[off + i] << (8 * i);
        }
        /* The option ROM fills in what only the BIOS knows. */
        if (w != m) {
            printf("info +%u: item %x, guest %x\n", off, w, m);
        } else if (off == 0 || off == 12 || off == 20 || off == 48) {
            printf("info +%u: %x\n", off, w);
        }
    }
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    test_kernel(mbi);
    test_info((uint32_t)(uint64_t)mbi, mbi);
    /* x86_load_linux returns before these for a multiboot kernel. */
    printf("no cmdline/setup items: %s\n",
           !rd32(FW_CFG_CMDLINE_SIZE) && !rd32(FW_CFG_SETUP_SIZE) ? "yes" : "no");
    printf("fwcfg: %s\n", ok ? "done" : "FAILED");
    return ok ? EXIT_PASS : EXIT_FAIL;
}
