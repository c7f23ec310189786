/*
 * vl.h: the qemu-system-x86_64 command line, shared by system/vl*.c.
 *
 * The option table (vl-options.c), its help text (vl-help.c) and the
 * QemuOptsList of every option that takes key=value suboptions. Not a
 * public API for devices: they get their configuration from MachineState.
 */
#ifndef SYSTEM_VL_H
#define SYSTEM_VL_H

#include "qemu/opts.h"
#include "hw/boards.h"

/*
 * Every option Keel knows, in the order "-h" lists them. Aliases (-M,
 * -help, -fdb...) share the handling of their main option but keep their
 * own index so that messages can name the spelling the user typed.
 */
typedef enum VlOptionIndex {
    /* Standard options */
    QEMU_OPTION_h,
    QEMU_OPTION_help,
    QEMU_OPTION_version,
    QEMU_OPTION_machine,
    QEMU_OPTION_M,
    QEMU_OPTION_cpu,
    QEMU_OPTION_accel,
    QEMU_OPTION_smp,
    QEMU_OPTION_numa,
    QEMU_OPTION_add_fd,
    QEMU_OPTION_set,
    QEMU_OPTION_global,
    QEMU_OPTION_boot,
    QEMU_OPTION_m,
    QEMU_OPTION_mem_path,
    QEMU_OPTION_mem_prealloc,
    QEMU_OPTION_k,
    QEMU_OPTION_audio,
    QEMU_OPTION_audiodev,
    QEMU_OPTION_device,
    QEMU_OPTION_name,
    QEMU_OPTION_uuid,
    /* Block device options */
    QEMU_OPTION_fda,
    QEMU_OPTION_fdb,
    QEMU_OPTION_hda,
    QEMU_OPTION_hdb,
    QEMU_OPTION_hdc,
    QEMU_OPTION_hdd,
    QEMU_OPTION_cdrom,
    QEMU_OPTION_blockdev,
    QEMU_OPTION_drive,
    QEMU_OPTION_snapshot,
    QEMU_OPTION_fsdev,
    QEMU_OPTION_virtfs,
    /* USB convenience options */
    QEMU_OPTION_usb,
    QEMU_OPTION_usbdevice,
    /* Display options */
    QEMU_OPTION_display,
    QEMU_OPTION_nographic,
    QEMU_OPTION_spice,
    QEMU_OPTION_vga,
    QEMU_OPTION_full_screen,
    QEMU_OPTION_vnc,
    /* i386 target only */
    QEMU_OPTION_no_fd_bootchk,
    QEMU_OPTION_acpitable,
    QEMU_OPTION_smbios,
    /* Network options */
    QEMU_OPTION_netdev,
    QEMU_OPTION_nic,
    QEMU_OPTION_net,
    /* Character device options */
    QEMU_OPTION_chardev,
    /* TPM device options */
    QEMU_OPTION_tpmdev,
    /* Boot Image or Kernel specific */
    QEMU_OPTION_bios,
    QEMU_OPTION_pflash,
    QEMU_OPTION_kernel,
    QEMU_OPTION_append,
    QEMU_OPTION_initrd,
    QEMU_OPTION_dtb,
    /* Debug/Expert options */
    QEMU_OPTION_compat,
    QEMU_OPTION_fw_cfg,
    QEMU_OPTION_serial,
    QEMU_OPTION_parallel,
    QEMU_OPTION_monitor,
    QEMU_OPTION_qmp,
    QEMU_OPTION_qmp_pretty,
    QEMU_OPTION_mon,
    QEMU_OPTION_debugcon,
    QEMU_OPTION_pidfile,
    QEMU_OPTION_preconfig,
    QEMU_OPTION_S,
    QEMU_OPTION_overcommit,
    QEMU_OPTION_gdb,
    QEMU_OPTION_s,
    QEMU_OPTION_d,
    QEMU_OPTION_D,
    QEMU_OPTION_perfmap,
    QEMU_OPTION_seed,
    QEMU_OPTION_L,
    QEMU_OPTION_enable_kvm,
    QEMU_OPTION_no_reboot,
    QEMU_OPTION_no_shutdown,
    QEMU_OPTION_action,
    QEMU_OPTION_loadvm,
    QEMU_OPTION_daemonize,
    QEMU_OPTION_option_rom,
    QEMU_OPTION_rtc,
    QEMU_OPTION_icount,
    QEMU_OPTION_watchdog_action,
    QEMU_OPTION_echr,
    QEMU_OPTION_incoming,
    QEMU_OPTION_only_migratable,
    QEMU_OPTION_nodefaults,
    QEMU_OPTION_chroot,
    QEMU_OPTION_runas,
    QEMU_OPTION_run_with,
    QEMU_OPTION_sandbox,
    QEMU_OPTION_readconfig,
    QEMU_OPTION_no_user_config,
    QEMU_OPTION_trace,
    QEMU_OPTION_plugin,
    QEMU_OPTION_async_teardown,
    QEMU_OPTION_msg,
    /* Generic object creation */
    QEMU_OPTION_object,
    QEMU_OPTION__MAX
} VlOptionIndex;

typedef enum VlOptionGroup {
    VL_GROUP_STANDARD,
    VL_GROUP_BLOCK,
    VL_GROUP_USB,
    VL_GROUP_DISPLAY,
    VL_GROUP_I386,
    VL_GROUP_NETWORK,
    VL_GROUP_CHARDEV,
    VL_GROUP_TPM,
    VL_GROUP_BOOT,
    VL_GROUP_DEBUG,
    VL_GROUP_OBJECT,
    VL_GROUP__MAX
} VlOptionGroup;

typedef struct VlOption {
    const char *name;       /* without the leading '-' */
    bool has_arg;
    VlOptionIndex index;
    VlOptionGroup group;
} VlOption;

/* The table, in help order, terminated by { NULL }. */
extern const VlOption vl_options[];

/* The option spelled "name" (no leading dash), or NULL. */
const VlOption *vl_option_lookup(const char *name);

/*
 * Help text (vl-help.c). vl_help_text() is the block "-h" prints for an
 * option, or NULL for an alias described with its main option.
 */
const char *vl_help_text(VlOptionIndex index);
const char *vl_group_title(VlOptionGroup group);
void vl_print_version(FILE *f);
void vl_print_help(FILE *f);
void vl_print_display_help(FILE *f);

/*
 * The QemuOptsList of each option with suboptions (vl-options.c). Names
 * follow QEMU's (qemu_find_opts("drive")) so later units find them.
 */
extern QemuOptsList qemu_machine_opts;
extern QemuOptsList qemu_accel_opts;
extern QemuOptsList qemu_smp_opts;
extern QemuOptsList qemu_mem_opts;
extern QemuOptsList qemu_name_opts;
extern QemuOptsList qemu_boot_opts;
extern QemuOptsList qemu_rtc_opts;
extern QemuOptsList qemu_overcommit_opts;
extern QemuOptsList qemu_sandbox_opts;
extern QemuOptsList qemu_msg_opts;
extern QemuOptsList qemu_mon_opts;
extern QemuOptsList qemu_display_opts;
extern QemuOptsList qemu_device_opts;
extern QemuOptsList qemu_object_opts;
extern QemuOptsList qemu_drive_opts;
extern QemuOptsList qemu_netdev_opts;
extern QemuOptsList qemu_nic_opts;
extern QemuOptsList qemu_net_opts;
extern QemuOptsList qemu_global_opts;
extern QemuOptsList qemu_numa_opts;
extern QemuOptsList qemu_smbios_opts;
extern QemuOptsList qemu_fw_cfg_opts;
extern QemuOptsList qemu_audiodev_opts;
extern QemuOptsList qemu_icount_opts;
extern QemuOptsList qemu_action_opts;
extern QemuOptsList qemu_run_with_opts;
extern QemuOptsList qemu_spice_opts;
extern QemuOptsList qemu_tpmdev_opts;
extern QemuOptsList qemu_fsdev_opts;
extern QemuOptsList qemu_virtfs_opts;
extern QemuOptsList qemu_add_fd_opts;
extern QemuOptsList qemu_compat_opts;
extern QemuOptsList qemu_plugin_opts;
extern QemuOptsList qemu_acpitable_opts;

/* The list registered under "group" ("drive", "chardev"...), or NULL. */
QemuOptsList *qemu_find_opts(const char *group);

/*
 * Check that every key of opts is one of "keys" (NULL-terminated) or, with
 * allow_dotted, a dotted key ("file.locking") that a driver validates
 * later. For lists that accept any key at parse time (-drive, -netdev).
 */
bool vl_opts_check_keys(QemuOpts *opts, const char *const *keys,
                        bool allow_dotted, Error **errp);

/* True if s is one of the NULL-terminated list. */
bool vl_str_in(const char *s, const char *const *list);

/*
 * The checks QEMU makes once the machine class is known, with its
 * messages; each reports and exits(1) on a bad value. vl_check_smp and
 * vl_check_memory store the result in ms.
 */
void vl_check_smp(MachineClass *mc, MachineState *ms);
void vl_check_memory(MachineClass *mc, MachineState *ms);
void vl_check_boot(void);
void vl_check_rtc(void);

#endif
