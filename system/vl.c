/*
 * vl.c: main() of qemu-system-x86_64: reads the command line as QEMU
 * does, checks it, then builds the VM in QEMU's order (objects, chardevs,
 * serial ports and monitors, the machine, devices), hands over to the
 * main loop and cleans up. The option table is in vl-options.c.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/error.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"
#include "qom/object_interfaces.h"
#include "system/os-posix.h"
#include "system/accel.h"
#include "system/accel-restart.h"
#include "system/hostmem.h"
#include "exec/memory.h"
#include "block/blockdev.h"
#include "system/runstate.h"
#include "system/system.h"
#include "system/vl.h"
#include "config-host.h"
#if CONFIG_TCG
#include "system/tcg.h"
#include "exec/perf-map.h"
#endif
#if CONFIG_KVM
#include "system/kvm.h"
#endif
#include "target/i386/cpu.h"

#include <sys/mman.h>
#include <sys/prctl.h>

#define MAX_SERIAL_PORTS 4

const char *qemu_name;
bool qemu_uuid_set;
bool snapshot;
static char vl_uuid_str[37] = "00000000-0000-0000-0000-000000000000";

/* One occurrence of an option whose work happens after parsing: where it
 * was (for the error location) and what it said. */
typedef struct VlItem {
    VlOptionIndex index;
    char *spelling;      /* as typed: "-serial", "--serial" */
    char *arg;
    QemuOpts *opts;      /* for options parsed into a QemuOptsList */
} VlItem;

static struct {
    GPtrArray *chardevs;     /* VlItem, -chardev */
    GPtrArray *serials;      /* VlItem, -serial (and defaults) */
    GPtrArray *monitors;     /* VlItem, -monitor (legacy syntax) */
    GPtrArray *mons;         /* VlItem, -mon */
    GPtrArray *objects;      /* VlItem, -object */
    GPtrArray *devices;      /* VlItem, -device */
    GPtrArray *accels;       /* VlItem, -accel */
    GPtrArray *later;        /* VlItem, options that later issues own */
    VlItem *kernel, *initrd, *append, *dtb, *cpu, *vga, *display;
    const char *pidfile;
    const char *mem_path;        /* -mem-path */
    bool mem_prealloc;           /* -mem-prealloc */
    char *memory_backend;        /* -machine memory-backend= */
    const char *log_mask;
    const char *log_file;
    bool perfmap;                /* -perfmap */
    bool nographic;
    bool daemonize;
    bool start_paused;
    bool default_serial;
    bool default_parallel;
    bool default_monitor;
} vl = {
    .default_serial = true,
    .default_parallel = true,
    .default_monitor = true,
};

const char *qemu_uuid_string(void)
{
    return vl_uuid_str;
}

static bool is_help_option(const char *s)
{
    return s && (!strcmp(s, "help") || !strcmp(s, "?"));
}

static VlItem *vl_item_new(GPtrArray **list, VlOptionIndex index,
                           const char *spelling, const char *arg,
                           QemuOpts *opts)
{
    VlItem *it = g_new0(VlItem, 1);

    it->index = index;
    it->spelling = g_strdup(spelling);
    it->arg = g_strdup(arg);
    it->opts = opts;
    if (list) {
        if (!*list) {
            *list = g_ptr_array_new();
        }
        g_ptr_array_add(*list, it);
    }
    return it;
}

/* An item that a later option replaced (-cpu, -display: the last wins);
 * its opts belong to their QemuOpts list. */
static void vl_item_free(VlItem *it)
{
    if (it) {
        g_free(it->spelling);
        g_free(it->arg);
        g_free(it);
    }
}

static void vl_item_loc(const VlItem *it)
{
    if (it && it->spelling) {
        loc_set_cmdline(it->spelling, it->arg);
    } else {
        loc_set_none();
    }
}

static QEMU_NORETURN void vl_fail(Error *err)
{
    error_report_err(err);
    exit(1);
}

static QemuOpts *vl_parse_opts(QemuOptsList *list, const char *arg,
                               bool permit_abbrev)
{
    QemuOpts *opts = qemu_opts_parse_noisily(list, arg, permit_abbrev);

    if (!opts) {
        exit(1);
    }
    return opts;
}

/* --- options that later issues implement --------------------------------- */

/* What to call the missing feature in "-x ARG: <it> not available yet". */
static const char *vl_later_feature(VlOptionIndex idx)
{
    switch (idx) {
    case QEMU_OPTION_kernel:
        return "direct kernel boot is";
    case QEMU_OPTION_fda: case QEMU_OPTION_fdb:
    case QEMU_OPTION_hda: case QEMU_OPTION_hdb:
    case QEMU_OPTION_hdc: case QEMU_OPTION_hdd:
    case QEMU_OPTION_cdrom: case QEMU_OPTION_drive:
    case QEMU_OPTION_blockdev: case QEMU_OPTION_pflash:
        return "block devices are";
    case QEMU_OPTION_fsdev: case QEMU_OPTION_virtfs:
        return "9p file system sharing is";
    case QEMU_OPTION_netdev: case QEMU_OPTION_nic: case QEMU_OPTION_net:
        return "networking is";
    case QEMU_OPTION_global:
        return "global device properties are";
    case QEMU_OPTION_incoming:
        return "incoming migration is";
    case QEMU_OPTION_loadvm:
        return "loading VM snapshots is";
    case QEMU_OPTION_icount:
        return "instruction counting is";
    case QEMU_OPTION_gdb: case QEMU_OPTION_s:
        return "the gdb stub is";
    case QEMU_OPTION_bios: case QEMU_OPTION_option_rom:
        return "firmware loading is";
    case QEMU_OPTION_usb: case QEMU_OPTION_usbdevice:
        return "USB is";
    case QEMU_OPTION_vnc:
        return "VNC is";
    case QEMU_OPTION_spice:
        return "SPICE is";
    case QEMU_OPTION_audio: case QEMU_OPTION_audiodev:
        return "audio is";
    case QEMU_OPTION_fw_cfg:
        return "fw_cfg is";
    case QEMU_OPTION_smbios:
        return "SMBIOS tables are";
    case QEMU_OPTION_acpitable:
        return "ACPI tables are";
    case QEMU_OPTION_numa:
        return "NUMA is";
    case QEMU_OPTION_readconfig:
        return "-readconfig is";
    case QEMU_OPTION_add_fd:
        return "fd sets are";
    case QEMU_OPTION_tpmdev:
        return "TPM is";
    case QEMU_OPTION_parallel:
        return "the parallel port is";
    case QEMU_OPTION_debugcon:
        return "the debug console is";
    case QEMU_OPTION_preconfig:
        return "--preconfig is";
    case QEMU_OPTION_plugin:
        return "TCG plugins are";
    case QEMU_OPTION_seed:
        return "seeding the guest random generator is";
    case QEMU_OPTION_echr:
        return "changing the escape character is";
    case QEMU_OPTION_vga:
        return "VGA emulation is";
    case QEMU_OPTION_display:
        return "this display is";
    default:
        return "this option is";
    }
}

static void vl_later(const char *spelling, VlOptionIndex idx,
                     const char *arg, QemuOpts *opts)
{
    vl_item_new(&vl.later, idx, spelling, arg, opts);
}

/* A -hda-style shorthand: also recorded as a -drive so that the block
 * layer finds every drive in one list. */
static void vl_drive_add(const char *spelling, VlOptionIndex idx,
                         const char *arg, const char *file, const char *fmt)
{
    GString *s = g_string_new(NULL);

    for (const char *p = file; *p; p++) {
        if (*p == ',') {
            g_string_append_c(s, ',');
        }
        g_string_append_c(s, *p);
    }
    g_string_prepend(s, "file=");
    g_string_append(s, ",");
    g_string_append(s, fmt);
    drive_queue(spelling, arg, vl_parse_opts(&qemu_drive_opts, s->str, false));
    g_string_free(s, true);
}

static const char *const vl_netdev_types[] = {
    "user", "tap", "bridge", "l2tpv3", "socket", "stream", "dgram", "vde",
    "vhost-user", "vhost-vdpa", "hubport", NULL
};

/* -netdev / -nic / -net: the backend type and -netdev's id are checked
 * now; the per-type keys when networking arrives. */
static void vl_parse_net(const char *spelling, VlOptionIndex idx,
                         const char *arg)
{
    QemuOptsList *list = idx == QEMU_OPTION_netdev ? &qemu_netdev_opts
                       : idx == QEMU_OPTION_nic ? &qemu_nic_opts
                       : &qemu_net_opts;
    QemuOpts *opts = vl_parse_opts(list, arg, true);
    const char *type = qemu_opt_get(opts, "type");

    if (idx != QEMU_OPTION_netdev && type && !strcmp(type, "none")) {
        return;     /* "-nic none": no NIC, which is what Keel has */
    }
    if (idx == QEMU_OPTION_net && type && !strcmp(type, "nic")) {
        vl_later(spelling, idx, arg, opts);
        return;
    }
    if (!type) {
        error_report("Parameter 'type' is missing");
        exit(1);
    }
    if (!vl_str_in(type, vl_netdev_types)) {
        error_report("Parameter 'type' does not accept value '%s'", type);
        exit(1);
    }
    if (idx == QEMU_OPTION_netdev && !qemu_opts_id(opts)) {
        error_report("Parameter 'id' is missing");
        exit(1);
    }
    vl_later(spelling, idx, arg, opts);
}

/* "-set group.id.arg=value": change an option given earlier. */
static void vl_parse_set(const char *arg)
{
    g_autofree char *group = NULL;
    g_autofree char *id = NULL;
    g_autofree char *key = NULL;
    const char *eq = strchr(arg, '=');
    const char *d1 = strchr(arg, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    QemuOptsList *list;
    QemuOpts *opts;

    if (!eq || !d1 || !d2 || d2 > eq || d1 == arg || d2 == d1 + 1 ||
        eq == d2 + 1) {
        error_report("can't parse: \"%s\"", arg);
        exit(1);
    }
    group = g_strndup(arg, d1 - arg);
    id = g_strndup(d1 + 1, d2 - d1 - 1);
    key = g_strndup(d2 + 1, eq - d2 - 1);
    list = !strcmp(group, "chardev") ? &qemu_chardev_opts
                                     : qemu_find_opts(group);
    if (!list) {
        error_report("There is no option group '%s'", group);
        exit(1);
    }
    opts = qemu_opts_find(list, id);
    if (!opts) {
        error_report("there is no %s \"%s\" defined", group, id);
        exit(1);
    }
    qemu_opt_set(opts, key, eq + 1, &error_fatal);
}

/* -global driver.prop=value or driver=,property=,value= */
static void vl_parse_global(const char *spelling, const char *arg)
{
    const char *dot = strchr(arg, '.');
    const char *eq = strchr(arg, '=');
    QemuOpts *opts;

    if (dot && eq && dot < eq && dot != arg && eq != dot + 1) {
        g_autofree char *driver = g_strndup(arg, dot - arg);
        g_autofree char *prop = g_strndup(dot + 1, eq - dot - 1);

        opts = qemu_opts_create(&qemu_global_opts, NULL, false,
                                &error_abort);
        qemu_opt_set(opts, "driver", driver, &error_abort);
        qemu_opt_set(opts, "property", prop, &error_abort);
        qemu_opt_set(opts, "value", eq + 1, &error_abort);
    } else {
        opts = vl_parse_opts(&qemu_global_opts, arg, false);
    }
    vl_later(spelling, QEMU_OPTION_global, arg, opts);
}

static void vl_check_choice(QemuOpts *opts, const char *key,
                            const char *const *choices)
{
    const char *v = qemu_opt_get(opts, key);

    if (v && !vl_str_in(v, choices)) {
        error_report("Parameter '%s' does not accept value '%s'", key, v);
        exit(1);
    }
}

static const char *const vl_watchdog_actions[] = {
    "reset", "shutdown", "poweroff", "inject-nmi", "pause", "debug", "none",
    NULL
};

static void vl_parse_action(const char *arg)
{
    static const char *const reboot[] = { "reset", "shutdown", NULL };
    static const char *const shutdown[] = { "poweroff", "pause", NULL };
    static const char *const panic[] = {
        "pause", "shutdown", "exit-failure", "none", NULL
    };
    QemuOpts *opts = vl_parse_opts(&qemu_action_opts, arg, false);
    const char *v;

    vl_check_choice(opts, "reboot", reboot);
    vl_check_choice(opts, "shutdown", shutdown);
    vl_check_choice(opts, "panic", panic);
    vl_check_choice(opts, "watchdog", vl_watchdog_actions);
    v = qemu_opt_get(opts, "reboot");
    if (v) {
        no_reboot = !strcmp(v, "shutdown");
    }
    v = qemu_opt_get(opts, "shutdown");
    if (v) {
        no_shutdown = !strcmp(v, "pause");
    }
    v = qemu_opt_get(opts, "panic");
    if (v) {
        panic_action = !strcmp(v, "pause") ? PANIC_ACTION_PAUSE :
                       !strcmp(v, "exit-failure") ? PANIC_ACTION_EXIT_FAILURE :
                       !strcmp(v, "none") ? PANIC_ACTION_NONE :
                       PANIC_ACTION_SHUTDOWN;
    }
}

static const char *const vl_accel_names[] = {
    "kvm", "tcg", "qtest", "xen", "hax", "hvf", "nvmm", "whpx", NULL
};

#if CONFIG_TCG
static int vl_tcg_set_option(void *opaque, const char *name,
                             const char *value, Error **errp)
{
    return tcg_accel_set_option(name, value, errp) ? 0 : -1;
}
#endif

#if CONFIG_KVM
static int vl_kvm_set_option(void *opaque, const char *name,
                             const char *value, Error **errp)
{
    return kvm_accel_set_option(name, value, errp) ? 0 : -1;
}
#endif

static int vl_accel_count_opt(void *opaque, const char *name,
                              const char *value, Error **errp)
{
    (*(int *)opaque)++;
    return 0;
}

/*
 * Keel's "-accel kvm:tcg", the list of "-machine accel=kvm:tcg" (QEMU
 * 7.2 refuses it): each name must be known; properties need one
 * accelerator, so a list takes none ("-accel kvm -accel tcg,thread=multi"
 * says it per accelerator).
 */
static void vl_check_accel_list(const char *list, QemuOpts *opts)
{
    g_auto(GStrv) names = g_strsplit(list, ":", -1);
    int n = 0;

    for (char **p = names; *p; p++) {
        if (!vl_str_in(*p, vl_accel_names)) {
            error_report("invalid accelerator %s", *p);
            exit(1);
        }
    }
    qemu_opt_foreach(opts, vl_accel_count_opt, &n, NULL);
    if (n > 1) {
        error_report("an accelerator list takes no properties; give one "
                     "-accel per accelerator (-accel kvm -accel tcg,...)");
        exit(1);
    }
}

static void vl_parse_accel(const char *spelling, const char *arg)
{
    QemuOpts *opts;
    const char *name;

    if (is_help_option(arg)) {
        accel_print_list(stdout);
        exit(0);
    }
    opts = vl_parse_opts(&qemu_accel_opts, arg, true);
    name = qemu_opt_get(opts, "accel");
    if (!name || is_help_option(name)) {
        if (name) {
            accel_print_list(stdout);
            exit(0);
        }
        error_report("Parameter 'accel' is missing");
        exit(1);
    }
    if (strchr(name, ':')) {
        vl_check_accel_list(name, opts);
    } else if (!vl_str_in(name, vl_accel_names)) {
        error_report("invalid accelerator %s", name);
        exit(1);
    }
#if CONFIG_TCG
    if (!strcmp(name, "tcg")) {
        Error *err = NULL;

        if (qemu_opt_foreach(opts, vl_tcg_set_option, NULL, &err)) {
            vl_fail(err);
        }
    }
#endif
#if CONFIG_KVM
    if (!strcmp(name, "kvm")) {
        Error *err = NULL;

        if (qemu_opt_foreach(opts, vl_kvm_set_option, NULL, &err)) {
            vl_fail(err);
        }
    }
#endif
    vl_item_new(&vl.accels, QEMU_OPTION_accel, spelling, arg, opts);
}

static void vl_parse_display(const char *spelling, const char *arg)
{
    static const char *const known[] = {
        "none", "gtk", "sdl", "vnc", "curses", "egl-headless", "dbus",
        "spice-app", "cocoa", NULL
    };
    QemuOpts *opts;
    const char *type;

    if (is_help_option(arg)) {
        vl_print_display_help(stdout);
        exit(0);
    }
    /* "vnc=:1" is the one display whose type carries a value. */
    if (g_str_has_prefix(arg, "vnc=")) {
        vl_item_free(vl.display);
        vl.display = vl_item_new(NULL, QEMU_OPTION_display, spelling, arg,
                                 NULL);
        return;
    }
    opts = vl_parse_opts(&qemu_display_opts, arg, true);
    type = qemu_opt_get(opts, "type");
    if (!type || !vl_str_in(type, known)) {
        error_report("Parameter 'type' does not accept value '%s'",
                     type ? type : "");
        exit(1);
    }
    vl_item_free(vl.display);
    vl.display = vl_item_new(NULL, QEMU_OPTION_display, spelling, arg,
                             opts);
}

static void vl_parse_device(const char *spelling, const char *arg)
{
    QemuOpts *opts;
    const char *driver;
    Error *err = NULL;

    if (is_help_option(arg)) {
        qdev_print_device_list(stdout);
        exit(0);
    }
    opts = vl_parse_opts(&qemu_device_opts, arg, true);
    driver = qemu_opt_get(opts, "driver");
    if (driver && (qemu_opt_has(opts, "help") || qemu_opt_has(opts, "?"))) {
        /* QEMU exits 0 here even when the device is unknown. */
        if (!qdev_print_device_props(driver, stdout, &err)) {
            error_report_err(err);
        }
        exit(0);
    }
    vl_item_new(&vl.devices, QEMU_OPTION_device, spelling, arg, opts);
}

static void vl_parse_object(const char *spelling, const char *arg)
{
    QemuOpts *opts;
    const char *type;
    Error *err = NULL;

    if (is_help_option(arg)) {
        user_creatable_print_types(stdout);
        exit(0);
    }
    opts = vl_parse_opts(&qemu_object_opts, arg, true);
    type = qemu_opt_get(opts, "qom-type");
    if (type && (qemu_opt_has(opts, "help") || qemu_opt_has(opts, "?"))) {
        if (!user_creatable_print_props(type, stdout, &err)) {
            vl_fail(err);
        }
        exit(0);
    }
    vl_item_new(&vl.objects, QEMU_OPTION_object, spelling, arg, opts);
}

static void vl_parse_sandbox(const char *arg)
{
    QemuOpts *opts = vl_parse_opts(&qemu_sandbox_opts, arg, true);

    if (qemu_opt_get_bool(opts, "enable", false)) {
        error_report("seccomp sandboxing is not available yet in Keel");
        exit(1);
    }
}

static void vl_parse_name(const char *arg)
{
    QemuOpts *opts = vl_parse_opts(&qemu_name_opts, arg, true);
    const char *proc = qemu_opt_get(opts, "process");

    qemu_name = qemu_opt_get(opts, "guest");
    if (proc) {
        prctl(PR_SET_NAME, proc);
    }
}

static void vl_parse_uuid(const char *arg)
{
    QemuUUID uuid;

    if (qemu_uuid_parse(arg, &uuid) < 0) {
        error_report("failed to parse UUID string: wrong format");
        exit(1);
    }
    qemu_uuid_unparse(&uuid, vl_uuid_str);
    qemu_uuid_set = true;
}

static void vl_parse_msg(const char *arg)
{
    QemuOpts *opts = vl_parse_opts(&qemu_msg_opts, arg, false);

    message_with_timestamp = qemu_opt_get_bool(opts, "timestamp", false);
}

static void vl_parse_overcommit(const char *arg)
{
    QemuOpts *opts = vl_parse_opts(&qemu_overcommit_opts, arg, false);

    if (qemu_opt_get_bool(opts, "mem-lock", false) &&
        mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
        error_report("locking memory failed: %s", g_strerror(errno));
        exit(1);
    }
}

static void vl_parse_run_with(const char *arg)
{
    QemuOpts *opts = vl_parse_opts(&qemu_run_with_opts, arg, false);
    const char *dir = qemu_opt_get(opts, "chroot");

    if (dir) {
        os_set_chroot(dir);
    }
}

static void vl_parse_trace(const char *arg)
{
    Error *err = NULL;

    if (is_help_option(arg) || !strcmp(arg, "enable=help")) {
        trace_list_events(stdout);
        exit(0);
    }
    if (!trace_opt_parse(arg, &err)) {
        vl_fail(err);
    }
}

static void vl_parse_machine(const char *arg)
{
    QemuOpts *opts = vl_parse_opts(&qemu_machine_opts, arg, true);

    if (is_help_option(qemu_opt_get(opts, "type"))) {
        machine_print_list(stdout);
        exit(0);
    }
}

/* --- the option loop ------------------------------------------------------ */

static void vl_handle_option(const VlOption *o, const char *spelling,
                             const char *arg)
{
    switch (o->index) {
    case QEMU_OPTION_h:
    case QEMU_OPTION_help:
        vl_print_help(stdout);
        exit(0);
    case QEMU_OPTION_version:
        vl_print_version(stdout);
        exit(0);
    case QEMU_OPTION_machine:
    case QEMU_OPTION_M:
        vl_parse_machine(arg);
        break;
    case QEMU_OPTION_cpu:
        if (is_help_option(arg)) {
            x86_cpu_list(stdout);
            exit(0);
        }
        vl_item_free(vl.cpu);
        vl.cpu = vl_item_new(NULL, o->index, spelling, arg, NULL);
        break;
    case QEMU_OPTION_accel:
        vl_parse_accel(spelling, arg);
        break;
    case QEMU_OPTION_enable_kvm:
        vl_item_new(&vl.accels, o->index, spelling, NULL,
                    vl_parse_opts(&qemu_accel_opts, "kvm", true));
        break;
    case QEMU_OPTION_smp:
        vl_parse_opts(&qemu_smp_opts, arg, true);
        break;
    case QEMU_OPTION_m:
        vl_parse_opts(&qemu_mem_opts, arg, true);
        break;
    case QEMU_OPTION_mem_path:
        vl.mem_path = arg;
        break;
    case QEMU_OPTION_mem_prealloc:
        vl.mem_prealloc = true;
        break;
    case QEMU_OPTION_boot:
        vl_parse_opts(&qemu_boot_opts, arg, true);
        break;
    case QEMU_OPTION_rtc:
        vl_parse_opts(&qemu_rtc_opts, arg, false);
        break;
    case QEMU_OPTION_name:
        vl_parse_name(arg);
        break;
    case QEMU_OPTION_uuid:
        vl_parse_uuid(arg);
        break;
    case QEMU_OPTION_set:
        vl_parse_set(arg);
        break;
    case QEMU_OPTION_global:
        vl_parse_global(spelling, arg);
        break;
    case QEMU_OPTION_device:
        vl_parse_device(spelling, arg);
        break;
    case QEMU_OPTION_object:
        vl_parse_object(spelling, arg);
        break;
    case QEMU_OPTION_chardev: {
        QemuOpts *opts;

        if (is_help_option(arg)) {
            qemu_chr_print_backends(stdout);
            exit(0);
        }
        opts = vl_parse_opts(&qemu_chardev_opts, arg, true);
        if (is_help_option(qemu_opt_get(opts, "backend"))) {
            qemu_chr_print_backends(stdout);
            exit(0);
        }
        vl_item_new(&vl.chardevs, o->index, spelling, arg, opts);
        break;
    }
    case QEMU_OPTION_serial:
        vl.default_serial = false;
        if (strcmp(arg, "none")) {
            vl_item_new(&vl.serials, o->index, spelling, arg, NULL);
        }
        break;
    case QEMU_OPTION_parallel:
        vl.default_parallel = false;
        if (strcmp(arg, "none")) {
            vl_later(spelling, o->index, arg, NULL);
        }
        break;
    case QEMU_OPTION_monitor:
        vl.default_monitor = false;
        if (strcmp(arg, "none")) {
            vl_item_new(&vl.monitors, o->index, spelling, arg, NULL);
        }
        break;
    case QEMU_OPTION_mon: {
        static const char *const modes[] = { "readline", "control", NULL };
        QemuOpts *opts = vl_parse_opts(&qemu_mon_opts, arg, true);

        vl_check_choice(opts, "mode", modes);
        vl.default_monitor = false;
        vl_item_new(&vl.mons, o->index, spelling, arg, opts);
        break;
    }
    case QEMU_OPTION_qmp:
    case QEMU_OPTION_qmp_pretty:
        /* Numbered with -monitor ("compat_monitorN"), in command-line order,
         * as QEMU does. */
        vl.default_monitor = false;
        if (strcmp(arg, "none")) {
            vl_item_new(&vl.monitors, o->index, spelling, arg, NULL);
        }
        break;
    case QEMU_OPTION_nographic:
        vl.nographic = true;
        break;
    case QEMU_OPTION_display:
        vl_parse_display(spelling, arg);
        break;
    case QEMU_OPTION_vga: {
        static const char *const types[] = {
            "std", "cirrus", "vmware", "qxl", "xenfb", "tcx", "cg3",
            "virtio", "none", NULL
        };
        if (is_help_option(arg)) {
            printf("none             no graphic card\n");
            exit(0);
        }
        if (!vl_str_in(arg, types)) {
            loc_set_none();
            error_report("unknown vga type: %s", arg);
            exit(1);
        }
        vl.vga = vl_item_new(NULL, o->index, spelling, arg, NULL);
        break;
    }
    case QEMU_OPTION_kernel:
        vl.kernel = vl_item_new(NULL, o->index, spelling, arg, NULL);
        break;
    case QEMU_OPTION_initrd:
        vl.initrd = vl_item_new(NULL, o->index, spelling, arg, NULL);
        break;
    case QEMU_OPTION_append:
        vl.append = vl_item_new(NULL, o->index, spelling, arg, NULL);
        break;
    case QEMU_OPTION_dtb:
        vl.dtb = vl_item_new(NULL, o->index, spelling, arg, NULL);
        break;
    case QEMU_OPTION_fda:
    case QEMU_OPTION_fdb:
        vl_drive_add(spelling, o->index, arg, arg,
                     o->index == QEMU_OPTION_fda
                     ? "index=0,if=floppy" : "index=1,if=floppy");
        break;
    case QEMU_OPTION_hda:
    case QEMU_OPTION_hdb:
    case QEMU_OPTION_hdc:
    case QEMU_OPTION_hdd: {
        g_autofree char *fmt = g_strdup_printf(
            "index=%d,media=disk", o->index - QEMU_OPTION_hda);
        vl_drive_add(spelling, o->index, arg, arg, fmt);
        break;
    }
    case QEMU_OPTION_cdrom:
        vl_drive_add(spelling, o->index, arg, arg, "index=2,media=cdrom");
        break;
    case QEMU_OPTION_drive: {
        QemuOpts *opts = vl_parse_opts(&qemu_drive_opts, arg, false);

        /* Keys are checked when the drive is opened: an unknown one is the
         * block driver's error ("Block format 'raw' does not support the
         * option 'bar'"), as in QEMU. */
        drive_queue(spelling, arg, opts);
        break;
    }
    case QEMU_OPTION_blockdev:
        blockdev_queue(spelling, arg);
        break;
    case QEMU_OPTION_netdev:
    case QEMU_OPTION_nic:
    case QEMU_OPTION_net:
        vl_parse_net(spelling, o->index, arg);
        break;
    case QEMU_OPTION_audiodev: {
        QemuOpts *opts = vl_parse_opts(&qemu_audiodev_opts, arg, true);
        const char *drv = qemu_opt_get(opts, "driver");

        if (!qemu_opts_id(opts)) {
            error_report("Parameter 'id' is missing");
            exit(1);
        }
        /* The "none" backend discards sound: nothing to do without it. */
        if (!drv || strcmp(drv, "none")) {
            vl_later(spelling, o->index, arg, opts);
        }
        break;
    }
    case QEMU_OPTION_numa:
    case QEMU_OPTION_smbios:
    case QEMU_OPTION_fw_cfg:
    case QEMU_OPTION_icount:
    case QEMU_OPTION_spice:
    case QEMU_OPTION_tpmdev:
    case QEMU_OPTION_fsdev:
    case QEMU_OPTION_virtfs:
    case QEMU_OPTION_add_fd:
    case QEMU_OPTION_plugin:
    case QEMU_OPTION_acpitable: {
        static const struct { VlOptionIndex idx; QemuOptsList *list;
                              bool abbrev; } lists[] = {
            { QEMU_OPTION_numa, &qemu_numa_opts, true },
            { QEMU_OPTION_smbios, &qemu_smbios_opts, false },
            { QEMU_OPTION_fw_cfg, &qemu_fw_cfg_opts, true },
            { QEMU_OPTION_icount, &qemu_icount_opts, true },
            { QEMU_OPTION_spice, &qemu_spice_opts, false },
            { QEMU_OPTION_tpmdev, &qemu_tpmdev_opts, true },
            { QEMU_OPTION_fsdev, &qemu_fsdev_opts, true },
            { QEMU_OPTION_virtfs, &qemu_virtfs_opts, true },
            { QEMU_OPTION_add_fd, &qemu_add_fd_opts, false },
            { QEMU_OPTION_plugin, &qemu_plugin_opts, true },
            { QEMU_OPTION_acpitable, &qemu_acpitable_opts, false },
        };
        for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
            if (lists[i].idx == o->index) {
                vl_later(spelling, o->index, arg,
                         vl_parse_opts(lists[i].list, arg, lists[i].abbrev));
            }
        }
        break;
    }
    case QEMU_OPTION_compat:
        vl_parse_opts(&qemu_compat_opts, arg, false);
        break;
    case QEMU_OPTION_action:
        vl_parse_action(arg);
        break;
    case QEMU_OPTION_watchdog_action:
        if (!vl_str_in(arg, vl_watchdog_actions)) {
            error_report("Parameter 'watchdog' does not accept value '%s'",
                         arg);
            exit(1);
        }
        break;
    case QEMU_OPTION_pidfile:
        vl.pidfile = arg;
        break;
    case QEMU_OPTION_daemonize:
        vl.daemonize = true;
        break;
    case QEMU_OPTION_S:
        vl.start_paused = true;
        break;
    case QEMU_OPTION_no_reboot:
        no_reboot = true;
        break;
    case QEMU_OPTION_no_shutdown:
        no_shutdown = true;
        break;
    case QEMU_OPTION_d:
        vl.log_mask = arg;
        break;
    case QEMU_OPTION_D:
        vl.log_file = arg;
        break;
    case QEMU_OPTION_perfmap:
        vl.perfmap = true;
        break;
    case QEMU_OPTION_trace:
        vl_parse_trace(arg);
        break;
    case QEMU_OPTION_msg:
        vl_parse_msg(arg);
        break;
    case QEMU_OPTION_overcommit:
        vl_parse_overcommit(arg);
        break;
    case QEMU_OPTION_sandbox:
        vl_parse_sandbox(arg);
        break;
    case QEMU_OPTION_nodefaults:
        vl.default_serial = false;
        vl.default_parallel = false;
        vl.default_monitor = false;
        break;
    case QEMU_OPTION_chroot:
        os_set_chroot(arg);
        break;
    case QEMU_OPTION_runas: {
        Error *err = NULL;

        if (!os_set_runas(arg, &err)) {
            vl_fail(err);
        }
        break;
    }
    case QEMU_OPTION_run_with:
        vl_parse_run_with(arg);
        break;
    case QEMU_OPTION_snapshot:
        snapshot = true;
        break;
    /* Accepted: they tune things Keel does not have (a keymap for a
     * display, a firmware search path, migration policy) and change
     * nothing a user can observe yet. */
    case QEMU_OPTION_k:
    case QEMU_OPTION_L:
    case QEMU_OPTION_no_user_config:
    case QEMU_OPTION_only_migratable:
    case QEMU_OPTION_async_teardown:
    case QEMU_OPTION_full_screen:
    case QEMU_OPTION_no_fd_bootchk:
        break;
    default:
        vl_later(spelling, o->index, arg, NULL);
        break;
    }
}

static void vl_parse_cmdline(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *spelling = argv[i];
        const char *name, *arg = NULL;
        const VlOption *o;

        if (spelling[0] != '-') {
            loc_set_cmdline(spelling, NULL);
            vl_drive_add(spelling, QEMU_OPTION_hda, NULL, spelling,
                         "index=0,media=disk");
            continue;
        }
        name = spelling + 1;
        if (name[0] == '-') {
            name++;     /* "--opt" is "-opt", as in QEMU */
        }
        o = vl_option_lookup(name);
        if (!o) {
            loc_set_none();
            error_report("%s: invalid option", spelling);
            exit(1);
        }
        if (o->has_arg) {
            if (i + 1 >= argc) {
                loc_set_none();
                error_report("%s: requires an argument", spelling);
                exit(1);
            }
            arg = argv[++i];
        }
        loc_set_cmdline(spelling, arg);
        vl_handle_option(o, spelling, arg);
    }
    loc_set_none();
}

/* --- checks after parsing --------------------------------------------------- */

static void vl_setup_log(void)
{
    Error *err = NULL;

    if (vl.log_file && !qemu_set_log_filename(vl.log_file, &err)) {
        vl_fail(err);
    }
    if (vl.log_mask) {
        int mask;

        if (is_help_option(vl.log_mask)) {
            qemu_print_log_usage(stdout);
            exit(0);
        }
        mask = qemu_str_to_log_mask(vl.log_mask, &err);
        if (!mask) {
            /* QEMU shows the list of items on stdout, then fails. */
            if (err) {
                error_report_err(err);
            }
            qemu_print_log_usage(stdout);
            exit(1);
        }
        qemu_set_log(mask);
    }
#if CONFIG_TCG
    if (vl.perfmap && !perf_map_enable(&err)) {
        vl_fail(err);
    }
#endif
}

/* The legacy backends that read the terminal. */
static bool vl_spec_is_stdio(const char *spec)
{
    return !strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio");
}

static void vl_check_daemonize(void)
{
    GPtrArray *lists[] = { vl.chardevs, vl.serials, vl.monitors };

    if (!vl.daemonize) {
        return;
    }
    if (vl.nographic) {
        error_report("-nographic cannot be used with -daemonize");
        exit(1);
    }
    for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
        for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
            VlItem *it = g_ptr_array_index(lists[l], i);
            const char *backend = it->opts ? qemu_opt_get(it->opts, "backend")
                                           : it->arg;

            if (backend && vl_spec_is_stdio(backend)) {
                vl_item_loc(it);
                error_report("cannot use stdio with -daemonize");
                exit(1);
            }
        }
    }
}

/* QEMU's defaults: a serial port and a monitor on the graphical console,
 * or on stdio with -nographic. Keel has no graphical console, so without
 * -nographic the defaults are "vc" ports that lead nowhere. */
static void vl_apply_defaults(void)
{
    if (!vl.nographic) {
        return;
    }
    if (vl.default_serial && vl.default_monitor) {
        vl_item_new(&vl.serials, QEMU_OPTION_serial, NULL, "mon:stdio", NULL);
    } else {
        if (vl.default_serial) {
            vl_item_new(&vl.serials, QEMU_OPTION_serial, NULL, "stdio", NULL);
        }
        if (vl.default_monitor) {
            vl_item_new(&vl.monitors, QEMU_OPTION_monitor, NULL, "stdio",
                        NULL);
        }
    }
}

static MachineClass *vl_select_machine(void)
{
    QemuOpts *opts = qemu_opts_first(&qemu_machine_opts);
    const char *type = opts ? qemu_opt_get(opts, "type") : NULL;
    MachineClass *mc;

    if (!type) {
        mc = machine_default_class();
        if (!mc) {
            error_report("No machine specified, and there is no default");
            error_printf("Use -machine help to list supported machines\n");
            exit(1);
        }
        return mc;
    }
    mc = machine_find_class(type);
    if (!mc) {
        error_report("unsupported machine type");
        error_printf("Use -machine help to list supported machines\n");
        exit(1);
    }
    return mc;
}

/* The accelerator spec to set up ("kvm", "kvm:tcg"), from -accel (several
 * are tried in order), -enable-kvm or -machine accel=; NULL if none. */
static char *vl_accel_spec;

/* Check the -accel / -machine accel= / -enable-kvm request. Names Keel
 * knows of but has not built (tcg, qtest...) are refused here when
 * nothing else is asked for. */
static void vl_check_accel(void)
{
    QemuOpts *mopts = qemu_opts_first(&qemu_machine_opts);
    const char *maccel = mopts ? qemu_opt_get(mopts, "accel") : NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) usable = g_ptr_array_new_with_free_func(g_free);

    if (maccel && vl.accels) {
        error_report("The -accel and \"-machine accel=\" options are "
                     "incompatible");
        exit(1);
    }
    for (guint i = 0; vl.accels && i < vl.accels->len; i++) {
        VlItem *it = g_ptr_array_index(vl.accels, i);
        g_auto(GStrv) list = g_strsplit(qemu_opt_get(it->opts, "accel"),
                                        ":", -1);

        /* "-accel kvm:tcg" is "-accel kvm -accel tcg". */
        for (char **n = list; *n; n++) {
            g_ptr_array_add(names, g_strdup(*n));
        }
    }
    if (maccel) {
        g_auto(GStrv) list = g_strsplit(maccel, ":", 0);

        for (char **n = list; *n; n++) {
            if (!vl_str_in(*n, vl_accel_names)) {
                error_report("invalid accelerator %s", *n);
                exit(1);
            }
            g_ptr_array_add(names, g_strdup(*n));
        }
    }
    if (!names->len) {
        return;
    }
    /* Known names this build lacks drop out of a list ("kvm:tcg"). */
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);

        if (accel_find(name)) {
            g_ptr_array_add(usable, g_strdup(name));
        }
    }
    if (!usable->len) {
        if (vl.accels) {
            vl_item_loc(g_ptr_array_index(vl.accels, 0));
        }
        error_report("the %s accelerator is not available yet in Keel",
                     (char *)g_ptr_array_index(names, 0));
        exit(1);
    }
    g_ptr_array_add(usable, NULL);
    vl_accel_spec = g_strjoinv(":", (char **)usable->pdata);
}

/*
 * -machine kernel-irqchip= is QEMU's global default for kvm-accel's
 * property: checked only when spec (an accelerator list) has KVM,
 * ignored otherwise.
 */
static void vl_apply_machine_irqchip(const char *spec)
{
#if CONFIG_KVM
    QemuOpts *mopts = qemu_opts_first(&qemu_machine_opts);
    g_auto(GStrv) names = g_strsplit(spec, ":", -1);
    Error *err = NULL;

    if (mopts && qemu_opt_has(mopts, "kernel-irqchip") &&
        vl_str_in("kvm", (const char *const *)names) &&
        !kvm_accel_set_global_irqchip(qemu_opt_get(mopts, "kernel-irqchip"),
                                      &err)) {
        vl_fail(err);
    }
#endif
}

static bool vl_accel_takes_arg(const char *name)
{
    const VlOption *o = vl_option_lookup(name);

    return o && o->has_arg;
}

/* A KVM that cannot run the guest restarts it under the list's rest. */
static const AccelRestartHooks vl_accel_restart_hooks = {
    .takes_arg = vl_accel_takes_arg,
};

/* Set up the accelerator. Every board but "none" runs CPUs and so needs
 * one. Nothing asked for: TCG, as QEMU (its default is "tcg:kvm"); a build
 * without TCG uses KVM when the host has it. */
static void vl_init_accel(MachineClass *mc, MachineState *ms)
{
    QemuOpts *mopts = qemu_opts_first(&qemu_machine_opts);
    const char *typed = mopts ? qemu_opt_get(mopts, "type") : NULL;
    Error *err = NULL;

    memory_init();
    accel_restart_enable(&vl_accel_restart_hooks);
    if (!vl_accel_spec) {
        AccelClass *kvm = accel_find("kvm");

        if (mc == machine_find_class("none")) {
            return;
        }
        if (accel_find("tcg")) {
            if (!accel_init_from_string("tcg", ms, &err)) {
                vl_fail(err);
            }
            return;
        }
        if (kvm && kvm->available && kvm->available()) {
            vl_apply_machine_irqchip("kvm");
        }
        if (!kvm || !kvm->available || !kvm->available() ||
            !accel_init_from_string("kvm", ms, &err)) {
            const char *why = !kvm ? "not built in"
                : err ? error_get_pretty(err)
                : "Could not access KVM kernel module";

            error_report("no accelerator available for machine '%s' "
                         "(KVM: %s; TCG not built in)",
                         typed ? typed : mc->name, why);
            exit(1);
        }
        return;
    }
    if (vl.accels) {
        VlItem *first = g_ptr_array_index(vl.accels, 0);

        /* QEMU names -accel in the message, not -enable-kvm. */
        if (first->arg) {
            vl_item_loc(first);
        }
    }
    vl_apply_machine_irqchip(vl_accel_spec);
    if (!accel_init_from_string(vl_accel_spec, ms, &err)) {
        vl_fail(err);
    }
    loc_set_none();
}

/* The machine keys handled here rather than as machine properties. */
static int vl_machine_set_prop(void *opaque, const char *name,
                               const char *value, Error **errp)
{
    MachineState *ms = opaque;

    if (!strcmp(name, "type") || !strcmp(name, "accel") ||
        !strcmp(name, "kernel-irqchip") || !strcmp(name, "graphics") ||
        !strcmp(name, "mem-merge") || !strcmp(name, "dump-guest-core")) {
        return 0;
    }
    /* A backend named here is created by -object, after the machine. */
    if (!strcmp(name, "memory-backend")) {
        g_free(vl.memory_backend);
        vl.memory_backend = g_strdup(value);
        return 0;
    }
    if (!strcmp(name, "usb")) {
        bool on;

        if (!qemu_parse_bool(name, value, &on, errp)) {
            return 1;
        }
        if (on) {
            error_setg(errp, "USB is not available yet in Keel");
            return 1;
        }
        return 0;
    }
    return !object_property_parse(OBJECT(ms), name, value, errp);
}

static void vl_check_boot_image(MachineState *ms)
{
    if (!vl.kernel) {
        if (vl.initrd) {
            error_report("-initrd only allowed with -kernel option");
            exit(1);
        }
        if (vl.append) {
            error_report("-append only allowed with -kernel option");
            exit(1);
        }
        if (vl.dtb) {
            error_report("-dtb only allowed with -kernel option");
            exit(1);
        }
        return;
    }
    ms->kernel_filename = g_strdup(vl.kernel->arg);
    ms->initrd_filename = vl.initrd ? g_strdup(vl.initrd->arg) : NULL;
    ms->kernel_cmdline = g_strdup(vl.append ? vl.append->arg : "");
    /* Boards that boot a guest take it; "none" has nothing to load into. */
    if (MACHINE_GET_CLASS(ms) == machine_find_class("none")) {
        vl_item_new(&vl.later, QEMU_OPTION_kernel, vl.kernel->spelling,
                    vl.kernel->arg, NULL);
    }
}

/* Refuse, naming the option, the first thing this build cannot do yet. */
static void vl_check_unavailable(void)
{
    if (vl.cpu) {
        g_autoptr(X86CPUSpec) spec = NULL;
        Error *err = NULL;

        /* Check -cpu before the VM exists; the board parses it again for
         * each vCPU. QEMU names no option in these messages. */
        spec = x86_cpu_spec_parse(vl.cpu->arg, &err);
        if (!spec) {
            error_report_err(err);
            exit(1);
        }
        for (guint i = 0; i < spec->warnings->len; i++) {
            warn_report("%s", (char *)g_ptr_array_index(spec->warnings, i));
        }
        g_free(machine_current()->cpu_model);
        machine_current()->cpu_model = g_strdup(vl.cpu->arg);
    }
    if (vl.display) {
        const char *type = vl.display->opts
            ? qemu_opt_get(vl.display->opts, "type") : "vnc";

        if (strcmp(type, "none")) {
            vl_item_loc(vl.display);
            error_report("the %s display is not available in Keel", type);
            exit(1);
        }
    }
    if (vl.vga && strcmp(vl.vga->arg, "none")) {
        vl_item_loc(vl.vga);
        error_report("VGA emulation is not available yet in Keel");
        exit(1);
    }
    if (vl.later) {
        VlItem *first = g_ptr_array_index(vl.later, 0);

        /* -kernel was queued last; report whatever came first. */
        for (guint i = 0; i < vl.later->len; i++) {
            VlItem *it = g_ptr_array_index(vl.later, i);
            if (it->index != QEMU_OPTION_kernel) {
                first = it;
                break;
            }
        }
        vl_item_loc(first);
        error_report("%s not available yet in Keel",
                     vl_later_feature(first->index));
        exit(1);
    }
    loc_set_none();
}

/* --- building the VM -------------------------------------------------------- */

static Chardev *serial_hds[MAX_SERIAL_PORTS];

Chardev *serial_hd(int i)
{
    return i >= 0 && i < MAX_SERIAL_PORTS ? serial_hds[i] : NULL;
}

static void vl_create_objects(void)
{
    for (guint i = 0; vl.objects && i < vl.objects->len; i++) {
        VlItem *it = g_ptr_array_index(vl.objects, i);
        Error *err = NULL;

        vl_item_loc(it);
        if (!user_creatable_add_opts(it->opts, &err)) {
            vl_fail(err);
        }
    }
    loc_set_none();
}

static void vl_create_chardevs(void)
{
    Error *err = NULL;
    int n = 0;

    for (guint i = 0; vl.chardevs && i < vl.chardevs->len; i++) {
        VlItem *it = g_ptr_array_index(vl.chardevs, i);

        vl_item_loc(it);
        if (!qemu_chr_new_from_opts(it->opts, &err)) {
            vl_fail(err);
        }
    }
    /* -monitor/-qmp/-qmp-pretty DEV: a chardev "compat_monitorN" with a
     * monitor on it. */
    for (guint i = 0; vl.monitors && i < vl.monitors->len; i++) {
        VlItem *it = g_ptr_array_index(vl.monitors, i);
        g_autofree char *label = g_strdup_printf("compat_monitor%u", i);
        Chardev *chr;
        bool ok;

        vl_item_loc(it);
        chr = qemu_chr_new(label, it->arg, &err);
        if (!chr) {
            vl_fail(err);
        }
        if (it->index == QEMU_OPTION_qmp || it->index == QEMU_OPTION_qmp_pretty) {
            ok = monitor_init_qmp(chr, it->index == QEMU_OPTION_qmp_pretty, &err);
        } else {
            ok = monitor_init_hmp(chr, true, &err);
        }
        if (!ok) {
            vl_fail(err);
        }
    }
    for (guint i = 0; vl.serials && i < vl.serials->len; i++) {
        VlItem *it = g_ptr_array_index(vl.serials, i);
        g_autofree char *label = g_strdup_printf("serial%d", n);
        Chardev *chr;

        vl_item_loc(it);
        /* "vc" is the graphical console, which Keel does not have. */
        if (!strcmp(it->arg, "vc") || g_str_has_prefix(it->arg, "vc:")) {
            n++;
            continue;
        }
        chr = qemu_chr_new(label, it->arg, &err);
        if (!chr) {
            error_report_err(err);
            error_report("could not connect serial device to character "
                         "backend '%s'", it->arg);
            exit(1);
        }
        if (qemu_chr_new_is_mon(it->arg) &&
            !monitor_init_hmp(chr, true, &err)) {
            vl_fail(err);
        }
        if (n < MAX_SERIAL_PORTS) {
            serial_hds[n] = chr;
        }
        n++;
    }
    for (guint i = 0; vl.mons && i < vl.mons->len; i++) {
        VlItem *it = g_ptr_array_index(vl.mons, i);
        const char *id = qemu_opt_get(it->opts, "chardev");
        const char *mode = qemu_opt_get(it->opts, "mode");
        Chardev *chr;

        vl_item_loc(it);
        if (!id) {
            error_report("Parameter 'chardev' is missing");
            exit(1);
        }
        chr = qemu_chr_find(id);
        if (!chr) {
            error_report("chardev \"%s\" not found", id);
            exit(1);
        }
        if (mode && !strcmp(mode, "control")) {
            if (!monitor_init_qmp(chr, qemu_opt_get_bool(it->opts, "pretty",
                                                         false), &err)) {
                vl_fail(err);
            }
            continue;
        }
        if (!monitor_init_hmp(chr, true, &err)) {
            vl_fail(err);
        }
    }
    loc_set_none();
}

static void vl_create_devices(void)
{
    for (guint i = 0; vl.devices && i < vl.devices->len; i++) {
        VlItem *it = g_ptr_array_index(vl.devices, i);
        Error *err = NULL;

        vl_item_loc(it);
        if (!qdev_device_add_from_opts(it->opts, &err)) {
            vl_fail(err);
        }
    }
    loc_set_none();
}

static MachineState *vl_create_machine(MachineClass *mc)
{
    QemuOpts *opts = qemu_opts_first(&qemu_machine_opts);
    MachineState *ms;
    Error *err = NULL;

    if (opts && (qemu_opt_has(opts, "help") || qemu_opt_has(opts, "?"))) {
        machine_print_props(mc, stdout);
        exit(0);
    }
    ms = machine_create(mc, &err);
    if (!ms) {
        vl_fail(err);
    }
    if (opts && qemu_opt_foreach(opts, vl_machine_set_prop, ms, &err)) {
        vl_fail(err);
    }
    return ms;
}

/*
 * The board's RAM from a memory backend: the one -machine memory-backend=
 * names (its size is the RAM size), or, for -mem-path and -mem-prealloc,
 * one made as QEMU does, with the board's RAM id ("pc.ram").
 */
static void vl_setup_ram_backend(MachineClass *mc, MachineState *ms)
{
    g_autofree char *size = NULL;
    Object *backend;
    Error *err = NULL;

    if (vl.memory_backend) {
        uint64_t backend_size;

        backend = object_resolve_path_component(object_get_objects_root(),
                                                vl.memory_backend);
        if (!backend || !object_dynamic_cast(backend, TYPE_MEMORY_BACKEND)) {
            error_report("Memory backend '%s' not found", vl.memory_backend);
            exit(1);
        }
        backend_size = memory_region_size(
            host_memory_backend_get_memory(MEMORY_BACKEND(backend)));
        if (!qemu_opts_first(&qemu_mem_opts)) {
            ms->ram_size = ms->maxram_size = backend_size;
        } else if (ms->ram_size != backend_size) {
            error_report("Machine memory size does not match the size of the "
                         "memory backend");
            exit(1);
        }
    } else if ((vl.mem_path || vl.mem_prealloc) && mc->default_ram_id) {
        const char *kv[7] = { "size" };
        unsigned n = 2;

        size = g_strdup_printf("%" PRIu64, ms->ram_size);
        kv[1] = size;
        if (vl.mem_path) {
            kv[n++] = "mem-path";
            kv[n++] = vl.mem_path;
        }
        if (vl.mem_prealloc) {
            kv[n++] = "prealloc";
            kv[n++] = "on";
        }
        backend = user_creatable_add_kv(vl.mem_path ? TYPE_MEMORY_BACKEND_FILE
                                                    : TYPE_MEMORY_BACKEND_RAM,
                                        mc->default_ram_id, kv, &err);
        if (!backend) {
            vl_fail(err);   /* QEMU's wording names the path already */
        }
    } else {
        return;
    }
    if (!object_property_set_link(OBJECT(ms), "memory-backend", backend,
                                  &err)) {
        vl_fail(err);
    }
}

static void vl_cleanup(void)
{
    monitor_qmp_cleanup();
    monitor_cleanup();
    qemu_chr_cleanup();
    qemu_remove_pidfile();
    qemu_log_close();
}

int main(int argc, char **argv)
{
    MachineClass *mc;
    MachineState *ms;
    Error *err = NULL;
    int status;

    error_progname = g_path_get_basename(argv[0]);
    /* Lines such as "char device redirected to ..." must reach a pipe at
     * once, as QEMU's do. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    vl_parse_cmdline(argc, argv);

    vl_setup_log();
    vl_check_daemonize();
    vl_apply_defaults();
    mc = vl_select_machine();
    ms = vl_create_machine(mc);
    vl_check_smp(mc, ms);
    vl_check_memory(mc, ms);
    vl_check_boot();
    vl_check_rtc();
    if (qemu_opts_first(&qemu_rtc_opts)) {
        QemuOpts *rtc = qemu_opts_first(&qemu_rtc_opts);

        ms->rtc_base = g_strdup(qemu_opt_get(rtc, "base"));
        ms->rtc_clock = g_strdup(qemu_opt_get(rtc, "clock"));
    }
    vl_check_accel();
    vl_check_boot_image(ms);
    vl_check_unavailable();

    if (vl.daemonize) {
        os_daemonize();
    }
    if (vl.pidfile) {
        if (!qemu_write_pidfile(vl.pidfile, &err)) {
            error_prepend(&err, "cannot create PID file: ");
            vl_fail(err);
        }
        atexit(qemu_remove_pidfile);
    }
    /* After daemonizing: a KVM VM belongs to the process that made it. */
    vl_init_accel(mc, ms);
    if (!qemu_init_main_loop(&err) || !os_setup_signal_handling(&err)) {
        vl_fail(err);
    }

    vl_create_objects();
    /* Images open before the board, so their errors come first. */
    blockdev_open_all(snapshot);
    vl_setup_ram_backend(mc, ms);
    vl_create_chardevs();
    qemu_chr_register_qdev_property();
    if (!machine_run_board_init(ms, &err)) {
        vl_fail(err);
    }
    vl_create_devices();

    os_setup_post(vl.log_file != NULL);
    if (!vl.start_paused) {
        vm_start();
    }
    status = qemu_main_loop();
    vl_cleanup();
    return status;
}
