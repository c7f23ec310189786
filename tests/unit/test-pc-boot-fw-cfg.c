/*
 * test-pc-boot-fw-cfg.c: the fw_cfg items pc-boot.c gives a Linux boot
 * (QEMU 7.2's x86_load_linux set), built from the plan for the host's
 * Debian kernel and read back through the fw_cfg ports as a guest would.
 * Skipped when /boot has no vmlinuz.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "exec/memory.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/i386/pc.h"
#include "system/system.h"

#define A MEMTXATTRS_UNSPECIFIED

/* pc-boot.o pulls in pc-acpi.o, which asks for the serial ports (vl.c). */
Chardev *serial_hd(int i)
{
    return NULL;
}

static uint64_t read_le(uint16_t key, unsigned n)
{
    uint64_t v = 0;

    address_space_stw_le(&address_space_io, 0x510, key, A, NULL);
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)address_space_ldub(&address_space_io, 0x511, A, NULL)
             << (8 * i);
    }
    return v;
}

static uint8_t *read_item(uint16_t key, size_t len)
{
    uint8_t *buf = g_malloc(len ? len : 1);

    address_space_stw_le(&address_space_io, 0x510, key, A, NULL);
    for (size_t i = 0; i < len; i++) {
        buf[i] = address_space_ldub(&address_space_io, 0x511, A, NULL);
    }
    return buf;
}

static char *find_vmlinuz(void)
{
    g_autoptr(GDir) dir = g_dir_open("/boot", 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        if (g_str_has_prefix(name, "vmlinuz-")) {
            return g_build_filename("/boot", name, NULL);
        }
    }
    return NULL;
}

static void check_linux(bool force16, size_t initrd_size)
{
    g_autofree char *path = find_vmlinuz();
    g_autofree gchar *file = NULL;
    g_autofree uint8_t *initrd = NULL;
    const char *cmdline = "console=ttyS0 root=/dev/vda keel=fwk";
    E820Table e820 = { 0 };
    uint64_t below, above;
    X86BootLayout layout;
    X86LinuxKernel k;
    X86BootPlan plan;
    FWCfgState *fw;
    gsize size;
    size_t setup_size, ksize;
    unsigned sects;

    if (!path || !g_file_get_contents(path, &file, &size, NULL)) {
        g_test_skip("no readable /boot/vmlinuz-*");
        return;
    }
    pc_ram_split(512 * MiB, 0, true, &below, &above);
    g_assert_true(pc_e820_layout(&e820, below, above, &error_abort));
    layout = (X86BootLayout){
        .below_4g_mem_size = below, .above_4g_mem_size = above, .e820 = &e820,
        .force_16bit_entry = force16,
    };
    initrd = g_malloc(initrd_size ? initrd_size : 1);
    for (size_t i = 0; i < initrd_size; i++) {
        initrd[i] = i * 13 + 1;
    }
    g_assert_true(x86_linux_parse((uint8_t *)file, size, &k, &error_abort));
    g_assert_cmpint(k.kind, ==, X86_LINUX_BZIMAGE);
    g_assert_true(x86_linux_setup(&k, &layout, cmdline, initrd_size, &plan,
                                  &error_abort));

    fw = fw_cfg_init_io_dma(0x510, 0, NULL);
    g_assert_true(pc_boot_linux_fw_cfg(fw, &k, &plan,
                                       initrd_size ? initrd : NULL));

    /* setup: (setup_sects + 1) sectors, 0 meaning 4 */
    sects = (uint8_t)file[0x1f1] ? (uint8_t)file[0x1f1] : 4;
    setup_size = (sects + 1) * 512;
    g_assert_cmphex(read_le(FW_CFG_SETUP_ADDR, 4), ==, X86_BOOT_REAL_ADDR);
    g_assert_cmpuint(read_le(FW_CFG_SETUP_SIZE, 4), ==, setup_size);
    {
        g_autofree uint8_t *s = read_item(FW_CFG_SETUP_DATA, setup_size);

        /* the file's, but for the header patched for this boot */
        g_assert_cmpmem(s, BP_HDR, file, BP_HDR);
        g_assert_cmpmem(s + k.header_end, setup_size - k.header_end,
                        file + k.header_end, setup_size - k.header_end);
        g_assert_cmphex(s[0x210], ==, X86_LINUX_LOADER_ID);
        g_assert_cmphex(ldl_le_p(s + 0x228), ==, X86_BOOT_CMDLINE_ADDR);
        g_assert_cmphex(ldl_le_p(s + 0x218), ==, plan.initrd_addr);
        g_assert_cmpuint(ldl_le_p(s + 0x21c), ==, initrd_size);
    }

    /* kernel: the rest of the file, where the plan loads it */
    ksize = size - setup_size;
    g_assert_cmphex(read_le(FW_CFG_KERNEL_ADDR, 4), ==,
                    x86_boot_plan_find(&plan, "kernel")->addr);
    g_assert_cmpuint(read_le(FW_CFG_KERNEL_SIZE, 4), ==, ksize);
    {
        g_autofree uint8_t *kd = read_item(FW_CFG_KERNEL_DATA, ksize);

        g_assert_true(memcmp(kd, file + setup_size, ksize) == 0);
    }

    /* command line: strlen + 1 bytes at the plan's address */
    g_assert_cmphex(read_le(FW_CFG_CMDLINE_ADDR, 4), ==, X86_BOOT_CMDLINE_ADDR);
    g_assert_cmpuint(read_le(FW_CFG_CMDLINE_SIZE, 4), ==, strlen(cmdline) + 1);
    {
        g_autofree uint8_t *c = read_item(FW_CFG_CMDLINE_DATA,
                                          strlen(cmdline) + 1);

        g_assert_cmpmem(c, strlen(cmdline) + 1, cmdline, strlen(cmdline) + 1);
    }

    /* initrd: the plan's address and size, the file's bytes */
    g_assert_cmphex(read_le(FW_CFG_INITRD_ADDR, 4), ==,
                    initrd_size ? plan.initrd_addr : 0);
    g_assert_cmpuint(read_le(FW_CFG_INITRD_SIZE, 4), ==, initrd_size);
    if (initrd_size) {
        g_autofree uint8_t *d = read_item(FW_CFG_INITRD_DATA, initrd_size);

        g_assert_cmpmem(d, initrd_size, initrd, initrd_size);
    }
    /* not a multiboot item */
    g_assert_cmpuint(read_le(FW_CFG_KERNEL_ENTRY, 4), ==, 0);

    object_unparent(OBJECT(fw));
    x86_boot_plan_clear(&plan);
    e820_table_clear(&e820);
}

static void test_linux_64(void)
{
    check_linux(false, 5000);
}

static void test_linux_16(void)
{
    check_linux(true, 5000);
}

static void test_linux_no_initrd(void)
{
    check_linux(false, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pc-boot/fw-cfg/linux-64", test_linux_64);
    g_test_add_func("/pc-boot/fw-cfg/linux-16", test_linux_16);
    g_test_add_func("/pc-boot/fw-cfg/linux-no-initrd", test_linux_no_initrd);
    return g_test_run();
}
