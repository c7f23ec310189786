/*
 * vl-options.c: the table of command-line options Keel knows, and the
 * QemuOptsList (with QEMU's key names) of each option that takes
 * key=value suboptions, so that a bad key is refused while parsing.
 * What the options do is in vl.c; their help text in vl-help.c.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "system/vl.h"

#define OPT(n, arg, idx, grp) \
    { .name = (n), .has_arg = (arg), .index = QEMU_OPTION_##idx, \
      .group = VL_GROUP_##grp }

const VlOption vl_options[] = {
    OPT("h", false, h, STANDARD),
    OPT("help", false, help, STANDARD),
    OPT("version", false, version, STANDARD),
    OPT("machine", true, machine, STANDARD),
    OPT("M", true, M, STANDARD),
    OPT("cpu", true, cpu, STANDARD),
    OPT("accel", true, accel, STANDARD),
    OPT("smp", true, smp, STANDARD),
    OPT("numa", true, numa, STANDARD),
    OPT("add-fd", true, add_fd, STANDARD),
    OPT("set", true, set, STANDARD),
    OPT("global", true, global, STANDARD),
    OPT("boot", true, boot, STANDARD),
    OPT("m", true, m, STANDARD),
    OPT("mem-path", true, mem_path, STANDARD),
    OPT("mem-prealloc", false, mem_prealloc, STANDARD),
    OPT("k", true, k, STANDARD),
    OPT("audio", true, audio, STANDARD),
    OPT("audiodev", true, audiodev, STANDARD),
    OPT("device", true, device, STANDARD),
    OPT("name", true, name, STANDARD),
    OPT("uuid", true, uuid, STANDARD),

    OPT("fda", true, fda, BLOCK),
    OPT("fdb", true, fdb, BLOCK),
    OPT("hda", true, hda, BLOCK),
    OPT("hdb", true, hdb, BLOCK),
    OPT("hdc", true, hdc, BLOCK),
    OPT("hdd", true, hdd, BLOCK),
    OPT("cdrom", true, cdrom, BLOCK),
    OPT("blockdev", true, blockdev, BLOCK),
    OPT("drive", true, drive, BLOCK),
    OPT("snapshot", false, snapshot, BLOCK),
    OPT("fsdev", true, fsdev, BLOCK),
    OPT("virtfs", true, virtfs, BLOCK),

    OPT("usb", false, usb, USB),
    OPT("usbdevice", true, usbdevice, USB),

    OPT("display", true, display, DISPLAY),
    OPT("nographic", false, nographic, DISPLAY),
    OPT("spice", true, spice, DISPLAY),
    OPT("vga", true, vga, DISPLAY),
    OPT("full-screen", false, full_screen, DISPLAY),
    OPT("vnc", true, vnc, DISPLAY),

    OPT("no-fd-bootchk", false, no_fd_bootchk, I386),
    OPT("acpitable", true, acpitable, I386),
    OPT("smbios", true, smbios, I386),

    OPT("netdev", true, netdev, NETWORK),
    OPT("nic", true, nic, NETWORK),
    OPT("net", true, net, NETWORK),

    OPT("chardev", true, chardev, CHARDEV),

    OPT("tpmdev", true, tpmdev, TPM),

    OPT("bios", true, bios, BOOT),
    OPT("pflash", true, pflash, BOOT),
    OPT("kernel", true, kernel, BOOT),
    OPT("append", true, append, BOOT),
    OPT("initrd", true, initrd, BOOT),
    OPT("dtb", true, dtb, BOOT),

    OPT("compat", true, compat, DEBUG),
    OPT("fw_cfg", true, fw_cfg, DEBUG),
    OPT("serial", true, serial, DEBUG),
    OPT("parallel", true, parallel, DEBUG),
    OPT("monitor", true, monitor, DEBUG),
    OPT("qmp", true, qmp, DEBUG),
    OPT("qmp-pretty", true, qmp_pretty, DEBUG),
    OPT("mon", true, mon, DEBUG),
    OPT("debugcon", true, debugcon, DEBUG),
    OPT("pidfile", true, pidfile, DEBUG),
    OPT("preconfig", false, preconfig, DEBUG),
    OPT("S", false, S, DEBUG),
    OPT("overcommit", true, overcommit, DEBUG),
    OPT("gdb", true, gdb, DEBUG),
    OPT("s", false, s, DEBUG),
    OPT("d", true, d, DEBUG),
    OPT("D", true, D, DEBUG),
    OPT("perfmap", false, perfmap, DEBUG),
    OPT("seed", true, seed, DEBUG),
    OPT("L", true, L, DEBUG),
    OPT("enable-kvm", false, enable_kvm, DEBUG),
    OPT("no-reboot", false, no_reboot, DEBUG),
    OPT("no-shutdown", false, no_shutdown, DEBUG),
    OPT("action", true, action, DEBUG),
    OPT("loadvm", true, loadvm, DEBUG),
    OPT("daemonize", false, daemonize, DEBUG),
    OPT("option-rom", true, option_rom, DEBUG),
    OPT("rtc", true, rtc, DEBUG),
    OPT("icount", true, icount, DEBUG),
    OPT("watchdog-action", true, watchdog_action, DEBUG),
    OPT("echr", true, echr, DEBUG),
    OPT("incoming", true, incoming, DEBUG),
    OPT("only-migratable", false, only_migratable, DEBUG),
    OPT("nodefaults", false, nodefaults, DEBUG),
    OPT("chroot", true, chroot, DEBUG),
    OPT("runas", true, runas, DEBUG),
    OPT("run-with", true, run_with, DEBUG),
    OPT("sandbox", true, sandbox, DEBUG),
    OPT("readconfig", true, readconfig, DEBUG),
    OPT("no-user-config", false, no_user_config, DEBUG),
    OPT("trace", true, trace, DEBUG),
    OPT("plugin", true, plugin, DEBUG),
    OPT("async-teardown", false, async_teardown, DEBUG),
    OPT("msg", true, msg, DEBUG),

    OPT("object", true, object, OBJECT),
    { NULL }
};

const VlOption *vl_option_lookup(const char *name)
{
    for (const VlOption *o = vl_options; o->name; o++) {
        if (!strcmp(o->name, name)) {
            return o;
        }
    }
    return NULL;
}

/* --- suboption lists ---------------------------------------------------- */

#define S_(n) { .name = (n), .type = QEMU_OPT_STRING }
#define B_(n) { .name = (n), .type = QEMU_OPT_BOOL }
#define N_(n) { .name = (n), .type = QEMU_OPT_NUMBER }
#define Z_(n) { .name = (n), .type = QEMU_OPT_SIZE }

/* Machine properties are checked against the machine class once it is
 * known ("Property 'none-machine.foo' not found"), so any key goes here. */
QemuOptsList qemu_machine_opts = {
    .name = "machine", .implied_opt_name = "type", .merge_lists = true,
    .desc = { { NULL } },
};

QemuOptsList qemu_accel_opts = {
    .name = "accel", .implied_opt_name = "accel",
    .desc = { { NULL } },
};

/* Keys and numbers are checked once the machine is known, with QEMU's
 * messages ("Parameter 'smp.foo' is unexpected", "Parameter 'smp.cpus'
 * expects integer"), hence no descriptors here. */
QemuOptsList qemu_smp_opts = {
    .name = "smp-opts", .implied_opt_name = "cpus", .merge_lists = true,
    .desc = { { NULL } },
};

QemuOptsList qemu_mem_opts = {
    .name = "memory", .implied_opt_name = "size", .merge_lists = true,
    .desc = { Z_("size"), N_("slots"), Z_("maxmem"), { NULL } },
};

QemuOptsList qemu_name_opts = {
    .name = "name", .implied_opt_name = "guest", .merge_lists = true,
    .desc = { S_("guest"), S_("process"), B_("debug-threads"), { NULL } },
};

QemuOptsList qemu_boot_opts = {
    .name = "boot-opts", .implied_opt_name = "order", .merge_lists = true,
    .desc = {
        S_("order"), S_("once"), S_("menu"), S_("splash"), S_("splash-time"),
        S_("reboot-timeout"), S_("strict"),
        { NULL }
    },
};

QemuOptsList qemu_rtc_opts = {
    .name = "rtc", .merge_lists = true,
    .desc = { S_("base"), S_("clock"), S_("driftfix"), { NULL } },
};

QemuOptsList qemu_overcommit_opts = {
    .name = "overcommit",
    .desc = { B_("mem-lock"), B_("cpu-pm"), { NULL } },
};

QemuOptsList qemu_sandbox_opts = {
    .name = "sandbox", .implied_opt_name = "enable",
    .desc = {
        B_("enable"), S_("obsolete"), S_("elevateprivileges"), S_("spawn"),
        S_("resourcecontrol"),
        { NULL }
    },
};

QemuOptsList qemu_msg_opts = {
    .name = "msg",
    .desc = { B_("timestamp"), B_("guest-name"), { NULL } },
};

QemuOptsList qemu_mon_opts = {
    .name = "mon", .implied_opt_name = "chardev",
    .desc = { S_("mode"), S_("chardev"), B_("pretty"), { NULL } },
};

QemuOptsList qemu_display_opts = {
    .name = "display", .implied_opt_name = "type",
    .desc = { { NULL } },
};

/* -device and -object: QOM validates the properties. */
QemuOptsList qemu_device_opts = {
    .name = "device", .implied_opt_name = "driver",
    .desc = { { NULL } },
};

QemuOptsList qemu_object_opts = {
    .name = "object", .implied_opt_name = "qom-type",
    .desc = { { NULL } },
};

/* Format drivers take their own options on -drive: the keys are checked
 * when the drive is opened (system/blockdev.c and the block drivers). */
QemuOptsList qemu_drive_opts = {
    .name = "drive",
    .desc = { { NULL } },
};

QemuOptsList qemu_netdev_opts = {
    .name = "netdev", .implied_opt_name = "type",
    .desc = { { NULL } },
};

QemuOptsList qemu_nic_opts = {
    .name = "nic", .implied_opt_name = "type",
    .desc = { { NULL } },
};

QemuOptsList qemu_net_opts = {
    .name = "net", .implied_opt_name = "type",
    .desc = { { NULL } },
};

QemuOptsList qemu_global_opts = {
    .name = "global",
    .desc = { S_("driver"), S_("property"), S_("value"), { NULL } },
};

QemuOptsList qemu_numa_opts = {
    .name = "numa", .implied_opt_name = "type",
    .desc = { { NULL } },
};

QemuOptsList qemu_smbios_opts = {
    .name = "smbios",
    .desc = { { NULL } },
};

QemuOptsList qemu_fw_cfg_opts = {
    .name = "fw_cfg", .implied_opt_name = "name",
    .desc = {
        S_("name"), S_("file"), S_("string"), S_("gen_id"),
        { NULL }
    },
};

QemuOptsList qemu_audiodev_opts = {
    .name = "audiodev", .implied_opt_name = "driver",
    .desc = { { NULL } },
};

QemuOptsList qemu_icount_opts = {
    .name = "icount", .implied_opt_name = "shift", .merge_lists = true,
    .desc = {
        S_("shift"), B_("align"), B_("sleep"), S_("rr"), S_("rrfile"),
        S_("rrsnapshot"),
        { NULL }
    },
};

QemuOptsList qemu_action_opts = {
    .name = "action", .merge_lists = true,
    .desc = {
        S_("reboot"), S_("shutdown"), S_("panic"), S_("watchdog"),
        { NULL }
    },
};

QemuOptsList qemu_run_with_opts = {
    .name = "run-with",
    .desc = { B_("async-teardown"), S_("chroot"), { NULL } },
};

QemuOptsList qemu_spice_opts = {
    .name = "spice",
    .desc = { { NULL } },
};

QemuOptsList qemu_tpmdev_opts = {
    .name = "tpmdev", .implied_opt_name = "type",
    .desc = { { NULL } },
};

QemuOptsList qemu_fsdev_opts = {
    .name = "fsdev", .implied_opt_name = "fsdriver",
    .desc = { { NULL } },
};

QemuOptsList qemu_virtfs_opts = {
    .name = "virtfs", .implied_opt_name = "fsdriver",
    .desc = { { NULL } },
};

QemuOptsList qemu_add_fd_opts = {
    .name = "add-fd",
    .desc = { N_("fd"), N_("set"), S_("opaque"), { NULL } },
};

QemuOptsList qemu_compat_opts = {
    .name = "compat",
    .desc = {
        S_("deprecated-input"), S_("deprecated-output"),
        S_("unstable-input"), S_("unstable-output"),
        { NULL }
    },
};

QemuOptsList qemu_plugin_opts = {
    .name = "plugin", .implied_opt_name = "file",
    .desc = { { NULL } },
};

QemuOptsList qemu_acpitable_opts = {
    .name = "acpi",
    .desc = {
        S_("sig"), N_("rev"), S_("oem_id"), S_("oem_table_id"),
        N_("oem_rev"), S_("asl_compiler_id"), N_("asl_compiler_rev"),
        S_("data"), S_("file"),
        { NULL }
    },
};

static QemuOptsList *const vl_opts_lists[] = {
    &qemu_machine_opts, &qemu_accel_opts, &qemu_smp_opts, &qemu_mem_opts,
    &qemu_name_opts, &qemu_boot_opts, &qemu_rtc_opts, &qemu_overcommit_opts,
    &qemu_sandbox_opts, &qemu_msg_opts, &qemu_mon_opts, &qemu_display_opts,
    &qemu_device_opts, &qemu_object_opts, &qemu_drive_opts,
    &qemu_netdev_opts, &qemu_nic_opts, &qemu_net_opts, &qemu_global_opts,
    &qemu_numa_opts, &qemu_smbios_opts, &qemu_fw_cfg_opts,
    &qemu_audiodev_opts, &qemu_icount_opts, &qemu_action_opts,
    &qemu_run_with_opts, &qemu_spice_opts, &qemu_tpmdev_opts,
    &qemu_fsdev_opts, &qemu_virtfs_opts, &qemu_add_fd_opts,
    &qemu_compat_opts, &qemu_plugin_opts, &qemu_acpitable_opts,
};

QemuOptsList *qemu_find_opts(const char *group)
{
    for (size_t i = 0; i < ARRAY_SIZE(vl_opts_lists); i++) {
        if (!strcmp(vl_opts_lists[i]->name, group)) {
            return vl_opts_lists[i];
        }
    }
    return NULL;
}

typedef struct VlKeyCheck {
    const char *const *keys;
    bool allow_dotted;
    const char *bad;
} VlKeyCheck;

static int vl_check_one_key(void *opaque, const char *name,
                            const char *value, Error **errp)
{
    VlKeyCheck *kc = opaque;

    if (kc->allow_dotted && strchr(name, '.')) {
        return 0;
    }
    for (const char *const *k = kc->keys; *k; k++) {
        if (!strcmp(*k, name)) {
            return 0;
        }
    }
    kc->bad = name;
    return 1;
}

bool vl_opts_check_keys(QemuOpts *opts, const char *const *keys,
                        bool allow_dotted, Error **errp)
{
    VlKeyCheck kc = { .keys = keys, .allow_dotted = allow_dotted };

    if (qemu_opt_foreach(opts, vl_check_one_key, &kc, NULL)) {
        error_setg(errp, "Invalid parameter '%s'", kc.bad);
        return false;
    }
    return true;
}

/* --- checks of option values, once the machine is known ------------------ */

bool vl_str_in(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (!strcmp(s, *list)) {
            return true;
        }
    }
    return false;
}

static bool vl_parse_int_param(const char *group, const char *key,
                               const char *value, int64_t *out)
{
    char *end;

    errno = 0;
    *out = strtoll(value, &end, 0);
    if (errno || end == value || *end) {
        error_report("Parameter '%s.%s' expects integer", group, key);
        return false;
    }
    return true;
}

static void vl_check_boot_order(const char *devs)
{
    uint32_t seen = 0;

    for (const char *p = devs; *p; p++) {
        if (*p < 'a' || *p > 'p') {
            error_report("Invalid boot device '%c'", *p);
            exit(1);
        }
        if (seen & (1u << (*p - 'a'))) {
            error_report("Boot device '%c' was given twice", *p);
            exit(1);
        }
        seen |= 1u << (*p - 'a');
    }
}

void vl_check_boot(void)
{
    static const char *const bools[] = { "menu", "strict" };
    static const char *const ints[] = { "splash-time", "reboot-timeout" };
    QemuOpts *opts = qemu_opts_first(&qemu_boot_opts);
    const char *v;
    int64_t n;

    if (!opts) {
        return;
    }
    if ((v = qemu_opt_get(opts, "order"))) {
        vl_check_boot_order(v);
    }
    if ((v = qemu_opt_get(opts, "once"))) {
        vl_check_boot_order(v);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bools); i++) {
        v = qemu_opt_get(opts, bools[i]);
        if (v && strcmp(v, "on") && strcmp(v, "off")) {
            error_report("Parameter 'boot.%s' expects 'on' or 'off'",
                         bools[i]);
            exit(1);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
        v = qemu_opt_get(opts, ints[i]);
        if (v && !vl_parse_int_param("boot", ints[i], v, &n)) {
            exit(1);
        }
    }
}

void vl_check_rtc(void)
{
    static const char *const clocks[] = { "host", "rt", "vm", NULL };
    static const char *const driftfix[] = { "none", "slew", NULL };
    QemuOpts *opts = qemu_opts_first(&qemu_rtc_opts);
    const char *v;

    if (!opts) {
        return;
    }
    v = qemu_opt_get(opts, "base");
    if (v && strcmp(v, "utc") && strcmp(v, "localtime")) {
        int y, mo, d, h, mi, s, n = 0;
        size_t len = strlen(v);
        /* Like QEMU, out-of-range fields are left to mktime() to fold. */
        bool ok = (sscanf(v, "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi,
                          &s, &n) == 6 && (size_t)n == len) ||
                  (sscanf(v, "%d-%d-%d%n", &y, &mo, &d, &n) == 3 &&
                   (size_t)n == len);

        if (!ok) {
            error_report("invalid datetime format");
            error_printf("valid formats: '2006-06-17T16:01:21' or "
                         "'2006-06-17'\n");
            exit(1);
        }
    }
    v = qemu_opt_get(opts, "clock");
    if (v && !vl_str_in(v, clocks)) {
        error_report("invalid option value '%s'", v);
        exit(1);
    }
    v = qemu_opt_get(opts, "driftfix");
    if (v && !vl_str_in(v, driftfix)) {
        error_report("invalid option value '%s'", v);
        exit(1);
    }
}

void vl_check_memory(MachineClass *mc, MachineState *ms)
{
    QemuOpts *opts = qemu_opts_first(&qemu_mem_opts);
    uint64_t sz = mc->default_ram_size, maxmem, slots = 0;
    const char *v;

    if (opts && (v = qemu_opt_get(opts, "size"))) {
        if (qemu_strtosz_suffix(v, 'M', &sz) < 0) {
            error_report("Parameter 'memory.size' expects size");
            exit(1);
        }
        if (!sz) {
            sz = mc->default_ram_size;
        }
    }
    /*
     * QEMU rounds to 8 KiB and lets the allocation refuse what the host
     * cannot give ("cannot set up guest memory ..."); we do the same, and
     * only stop sizes no host can map before they overflow the board's
     * address arithmetic (below/above 4 GiB, the e820 map).
     */
    if (QEMU_ALIGN_UP(sz, 8192) > (1ULL << 63) || sz > (1ULL << 63)) {
        error_report("ram size too large");
        exit(1);
    }
    sz = QEMU_ALIGN_UP(sz, 8192);
    maxmem = sz;
    if (opts) {
        slots = qemu_opt_get_number(opts, "slots", 0);
        maxmem = qemu_opt_get_size(opts, "maxmem", sz);
        if (qemu_opt_has(opts, "maxmem") && maxmem < sz) {
            error_report("invalid value of maxmem: maximum memory size "
                         "(0x%" PRIx64 ") must be at least the initial "
                         "memory size (0x%" PRIx64 ")", maxmem, sz);
            exit(1);
        }
        if (qemu_opt_has(opts, "slots") && !qemu_opt_has(opts, "maxmem")) {
            error_report("slots specified but no max-size");
            exit(1);
        }
        /* The pc board's limit (ACPI_MAX_RAM_SLOTS); "none" has none. */
        if (slots > 256 && mc->max_cpus > 1) {
            error_report("unsupported amount of memory slots: %" PRIu64,
                         slots);
            exit(1);
        }
    }
    ms->ram_size = sz;
    ms->maxram_size = maxmem;
    ms->ram_slots = slots;
}

static bool vl_smp_get(QemuOpts *opts, const char *key, unsigned *out,
                       bool *zero_given)
{
    const char *v = opts ? qemu_opt_get(opts, key) : NULL;
    int64_t n;

    *out = 0;
    if (!v) {
        return true;
    }
    if (!vl_parse_int_param("smp", key, v, &n)) {
        return false;
    }
    /* QEMU stores the value in 32 bits, so "-1" is 4294967295. */
    *out = (uint32_t)n;
    if (!*out) {
        *zero_given = true;
    }
    return true;
}

/* Machines with CPUs (x86 boards) know dies; "none" (one CPU at most)
 * does not, as in QEMU. No x86 board has clusters. */
static bool vl_smp_dies_supported(MachineClass *mc)
{
    return mc->max_cpus > 1;
}

static char *vl_smp_hierarchy(MachineClass *mc, unsigned sockets,
                              unsigned dies, unsigned cores,
                              unsigned threads)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "sockets (%u)", sockets);
    if (vl_smp_dies_supported(mc)) {
        g_string_append_printf(s, " * dies (%u)", dies);
    }
    g_string_append_printf(s, " * cores (%u) * threads (%u)", cores,
                           threads);
    return g_string_free(s, false);
}

/* -smp: fill in what was left out (preferring cores, as QEMU does since
 * 6.2), then check the topology and the machine's limits. */
void vl_check_smp(MachineClass *mc, MachineState *ms)
{
    static const char *const keys[] = {
        "cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus",
        "books", "drawers", NULL
    };
    QemuOpts *opts = qemu_opts_first(&qemu_smp_opts);
    unsigned cpus, sockets, dies, clusters, cores, threads, maxcpus;
    bool zero = false;
    g_autofree char *topo = NULL;
    Error *err = NULL;

    if (opts && !vl_opts_check_keys(opts, keys, false, &err)) {
        /* QEMU names the key in the group's terms here. */
        const char *msg = error_get_pretty(err);
        const char *q = strchr(msg, '\'');
        g_autofree char *key = q ? g_strndup(q + 1, strcspn(q + 1, "'"))
                                 : g_strdup("");

        error_free(err);
        error_report("Parameter 'smp.%s' is unexpected", key);
        exit(1);
    }

    if (!vl_smp_get(opts, "cpus", &cpus, &zero) ||
        !vl_smp_get(opts, "sockets", &sockets, &zero) ||
        !vl_smp_get(opts, "dies", &dies, &zero) ||
        !vl_smp_get(opts, "clusters", &clusters, &zero) ||
        !vl_smp_get(opts, "cores", &cores, &zero) ||
        !vl_smp_get(opts, "threads", &threads, &zero) ||
        !vl_smp_get(opts, "maxcpus", &maxcpus, &zero)) {
        exit(1);
    }
    if (opts && (qemu_opt_has(opts, "books") ||
                 qemu_opt_has(opts, "drawers"))) {
        error_report("%s not supported by this machine's CPU topology",
                     qemu_opt_has(opts, "books") ? "books" : "drawers");
        exit(1);
    }
    if (zero) {
        warn_report("Deprecated CPU topology (considered invalid): "
                    "CPU topology parameters must be greater than zero");
    }
    if (!vl_smp_dies_supported(mc) && dies > 1) {
        error_report("dies not supported by this machine's CPU topology");
        exit(1);
    }
    if (clusters > 1) {
        error_report("clusters not supported by this machine's CPU "
                     "topology");
        exit(1);
    }
    dies = dies ? dies : 1;
    clusters = clusters ? clusters : 1;
    if (!cpus && !maxcpus) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        if (!cores) {
            sockets = sockets ? sockets : 1;
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * dies * clusters * threads);
        } else if (!sockets) {
            threads = threads ? threads : 1;
            sockets = maxcpus / (dies * clusters * cores * threads);
        }
        if (!threads) {
            threads = maxcpus / (sockets * dies * clusters * cores);
        }
    }
    maxcpus = maxcpus ? maxcpus : sockets * dies * clusters * cores * threads;
    cpus = cpus ? cpus : maxcpus;

    topo = vl_smp_hierarchy(mc, sockets, dies, cores, threads);
    if ((uint64_t)sockets * dies * clusters * cores * threads != maxcpus) {
        error_report("Invalid CPU topology: product of the hierarchy must "
                     "match maxcpus: %s != maxcpus (%u)", topo, maxcpus);
        exit(1);
    }
    if (maxcpus < cpus) {
        error_report("Invalid CPU topology: maxcpus must be equal to or "
                     "greater than smp: %s == maxcpus (%u) < smp_cpus (%u)",
                     topo, maxcpus, cpus);
        exit(1);
    }
    if (cpus < mc->min_cpus) {
        error_report("Invalid SMP CPUs %d. The min CPUs supported by "
                     "machine '%s' is %d", (int)cpus, mc->name, mc->min_cpus);
        exit(1);
    }
    if (maxcpus > (mc->max_cpus ? mc->max_cpus : 1)) {
        error_report("Invalid SMP CPUs %d. The max CPUs supported by "
                     "machine '%s' is %u", (int)maxcpus, mc->name,
                     mc->max_cpus ? mc->max_cpus : 1);
        exit(1);
    }
    ms->smp.cpus = cpus;
    ms->smp.sockets = sockets;
    ms->smp.dies = dies;
    ms->smp.cores = cores;
    ms->smp.threads = threads;
    ms->smp.max_cpus = maxcpus;
}

