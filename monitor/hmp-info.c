/*
 * hmp-info.c: the `info` subcommands: run state, identity, vCPUs and
 * their registers, the memory and QOM trees, interrupt controllers,
 * page tables, chardevs, PCI and the monitor's own history, printed in
 * QEMU 7.2's layouts where Keel has the same thing to show.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "monitor/hmp.h"
#include "monitor/hmp-block.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/pci/pci.h"
#include "hw/qdev-core.h"
#include "qom/object.h"
#include "qapi/qapi-commands.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include "system/system.h"
#include "target/i386/cpu-state.h"
#if CONFIG_TCG
#include "system/tcg.h"
#include "target/i386/tcg/x86-tcg.h"
#endif
#include "hw/i386/pc-tcg.h"

void hmp_info_version(Monitor *mon, const QDict *qdict)
{
    monitor_printf(mon, "%s (Keel %s)\n", QEMU_VERSION, KEEL_VERSION);
}

void hmp_info_status(Monitor *mon, const QDict *qdict)
{
    g_autoptr(StatusInfo) info = qmp_query_status(NULL);

    if (!info) {
        return;
    }
    monitor_printf(mon, "VM status: %s", info->running ? "running" : "paused");
    if (!info->running && info->status != RUN_STATE_PAUSED) {
        monitor_printf(mon, " (%s)", RunState_str(info->status));
    }
    monitor_printf(mon, "\n");
}

void hmp_info_name(Monitor *mon, const QDict *qdict)
{
    if (qemu_name) {
        monitor_printf(mon, "%s\n", qemu_name);
    }
}

void hmp_info_uuid(Monitor *mon, const QDict *qdict)
{
    monitor_printf(mon, "%s\n", qemu_uuid_string());
}

void hmp_info_kvm(Monitor *mon, const QDict *qdict)
{
#if CONFIG_KVM
    monitor_printf(mon, "kvm support: %s\n",
                   kvm_state_get() ? "enabled" : "disabled");
#else
    monitor_printf(mon, "kvm support: not compiled\n");
#endif
}

void hmp_info_cpus(Monitor *mon, const QDict *qdict)
{
    unsigned n = hmp_cpu_count();

    for (unsigned i = 0; i < n; i++) {
        monitor_printf(mon, "%c CPU #%u: thread_id=%d\n",
                       (int)i == mon->cpu_index ? '*' : ' ', i, getpid());
    }
}

static void hmp_print_registers(Monitor *mon, unsigned index)
{
    g_autofree CPUX86State *env = g_new0(CPUX86State, 1);
    g_autoptr(GString) out = g_string_new(NULL);

    if (!hmp_cpu_get_state(index, env)) {
        /* Under KVM the registers are read only while the VM is stopped. */
        monitor_printf(mon, "CPU#%u: registers not available while the VM "
                       "runs under KVM; 'stop' first\n", index);
        return;
    }
    x86_cpu_dump_state(env, out);
    x86_cpu_dump_fpu(env, out);
    monitor_printf(mon, "\nCPU#%u\n%s", index, out->str);
}

void hmp_info_registers(Monitor *mon, const QDict *qdict)
{
    unsigned n = hmp_cpu_count();

    if (!n) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    if (qdict_get_try_bool(qdict, "a", false)) {
        for (unsigned i = 0; i < n; i++) {
            hmp_print_registers(mon, i);
        }
        return;
    }
    if (qdict_haskey(qdict, "vcpu")) {
        int64_t vcpu = qdict_get_int(qdict, "vcpu");

        if (vcpu < 0 || vcpu >= n) {
            monitor_printf(mon, "CPU#%" PRId64 " not available\n", vcpu);
            return;
        }
        hmp_print_registers(mon, vcpu);
        return;
    }
    hmp_print_registers(mon, mon->cpu_index);
}

void hmp_info_mtree(Monitor *mon, const QDict *qdict)
{
    g_autoptr(GString) out = g_string_new(NULL);

    mtree_info(out, qdict_get_try_bool(qdict, "f", false));
    monitor_printf(mon, "%s", out->str);
}

/* --- the QOM and device trees --------------------------------------------- */

static int hmp_collect_child(Object *child, void *opaque)
{
    g_ptr_array_add(opaque, child);
    return 0;
}

static int hmp_cmp_child(gconstpointer a, gconstpointer b)
{
    const Object *x = *(Object *const *)a, *y = *(Object *const *)b;

    return strcmp(x->child_name ? x->child_name : "",
                  y->child_name ? y->child_name : "");
}

static Object *hmp_find_under(Object *obj, const char *type)
{
    g_autoptr(GPtrArray) c = g_ptr_array_new();

    if (object_dynamic_cast(obj, type)) {
        return obj;
    }
    object_child_foreach(obj, hmp_collect_child, c);
    for (guint i = 0; i < c->len; i++) {
        Object *found = hmp_find_under(g_ptr_array_index(c, i), type);

        if (found) {
            return found;
        }
    }
    return NULL;
}

Object *hmp_find_object_by_type(const char *type)
{
    return hmp_find_under(object_get_root(), type);
}

/* obj's children sorted by name (borrowed pointers). */
static GPtrArray *hmp_children(Object *obj)
{
    GPtrArray *c = g_ptr_array_new();

    object_child_foreach(obj, hmp_collect_child, c);
    g_ptr_array_sort(c, hmp_cmp_child);
    return c;
}

/* A path component as QEMU prints it: '/' becomes \x2f. */
static char *hmp_escape_name(const char *name)
{
    GString *s = g_string_new(NULL);

    for (const char *p = name; *p; p++) {
        if (*p == '/') {
            g_string_append(s, "\\x2f");
        } else {
            g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, false);
}

static void hmp_qom_tree(Monitor *mon, Object *obj, const char *name,
                         int indent)
{
    g_autoptr(GPtrArray) c = hmp_children(obj);
    g_autofree char *esc = hmp_escape_name(name);

    monitor_printf(mon, "%*s/%s (%s)\n", indent, "", esc,
                   object_get_typename(obj));
    for (guint i = 0; i < c->len; i++) {
        Object *child = g_ptr_array_index(c, i);

        hmp_qom_tree(mon, child, child->child_name, indent + 2);
    }
}

void hmp_info_qom_tree(Monitor *mon, const QDict *qdict)
{
    const char *path = qdict_get_try_str(qdict, "path");
    Object *obj;
    bool ambiguous = false;

    if (path) {
        obj = object_resolve_path(path, &ambiguous);
        if (!obj) {
            monitor_printf(mon, "Path '%s' could not be resolved.\n", path);
            return;
        }
        hmp_qom_tree(mon, obj, obj->child_name ? obj->child_name : "", 0);
        return;
    }
    obj = object_resolve_path("/machine", NULL);
    if (!obj) {
        obj = object_get_root();
    }
    hmp_qom_tree(mon, obj, obj->child_name ? obj->child_name : "", 0);
}

static void hmp_qtree_devices(Monitor *mon, Object *obj, int indent)
{
    g_autoptr(GPtrArray) c = hmp_children(obj);

    for (guint i = 0; i < c->len; i++) {
        Object *child = g_ptr_array_index(c, i);
        DeviceState *dev = (DeviceState *)object_dynamic_cast(child,
                                                              "device");

        if (dev) {
            monitor_printf(mon, "%*sdev: %s, id \"%s\"\n", indent, "",
                           object_get_typename(child),
                           dev->id ? dev->id : "");
            hmp_qtree_devices(mon, child, indent + 2);
        } else {
            hmp_qtree_devices(mon, child, indent);
        }
    }
}

/*
 * Keel's devices do not hang off qdev buses yet: the tree shown is the
 * machine's main system bus with every realized device on it.
 */
void hmp_info_qtree(Monitor *mon, const QDict *qdict)
{
    Object *machine = object_resolve_path("/machine", NULL);

    monitor_printf(mon, "bus: main-system-bus\n  type System\n");
    if (machine) {
        hmp_qtree_devices(mon, machine, 2);
    }
}

/* --- devices --------------------------------------------------------------- */

void hmp_info_chardev(Monitor *mon, const QDict *qdict)
{
    g_autoptr(GString) out = g_string_new(NULL);

    qemu_chr_info_list(out);
    monitor_printf(mon, "%s", out->str);
}

/* One node as QEMU prints it: "file (drv, read-only)" and its details. */
static void hmp_print_block_node(Monitor *mon, BlockDeviceInfo *node)
{
    monitor_printf(mon, "%s (%s%s)\n", node->file, node->drv,
                   node->ro ? ", read-only" : "");
}

static void hmp_print_cache_mode(Monitor *mon, BlockDeviceInfo *node)
{
    if (node->cache) {
        monitor_printf(mon, "    Cache mode:       %s%s%s\n",
                       node->cache->writeback ? "writeback" : "writethrough",
                       node->cache->direct ? ", direct" : "",
                       node->cache->no_flush ? ", ignore flushes" : "");
    }
    if (node->has_backing_file) {
        monitor_printf(mon, "    Backing file:     %s (chain depth: %" PRId64
                       ")\n", node->backing_file, node->backing_file_depth);
    }
    if (node->detect_zeroes != BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF) {
        monitor_printf(mon, "    Detect zeroes:    %s\n",
                       BlockdevDetectZeroesOptions_str(node->detect_zeroes));
    }
}

/*
 * QEMU's `info block [-n] [-v] [device]` over query-block (and
 * query-named-block-nodes for -n). No block devices: nothing at all.
 */
void hmp_info_block(Monitor *mon, const QDict *qdict)
{
    const char *device = qdict_get_try_str(qdict, "device");
    bool nodes_only = qdict_get_try_bool(qdict, "n", false);
    bool verbose = qdict_get_try_bool(qdict, "v", false);
    g_autoptr(BlockInfoList) list = nodes_only ? NULL : qmp_query_block(NULL);

    /* -n lists the nodes instead of the drives, as QEMU. */
    for (BlockInfoList *l = list; l; l = l->next) {
        BlockInfo *info = l->value;

        if (device && strcmp(device, info->device)) {
            continue;
        }
        /* QEMU separates by place in the whole list, even when a device
         * name filters the earlier ones out. */
        if (l != list) {
            monitor_printf(mon, "\n");
        }
        if (!info->has_inserted) {
            monitor_printf(mon, "%s: [not inserted]\n", info->device);
        } else {
            monitor_printf(mon, "%s", info->device);
            if (info->inserted->has_node_name) {
                monitor_printf(mon, " (%s)", info->inserted->node_name);
            }
            monitor_printf(mon, ": ");
            hmp_print_block_node(mon, info->inserted);
        }
        if (info->has_qdev) {
            monitor_printf(mon, "    Attached to:      %s\n", info->qdev);
        }
        if (info->removable) {
            monitor_printf(mon, "    Removable device: %slocked, tray %s\n",
                           info->locked ? "" : "not ",
                           info->has_tray_open && info->tray_open ? "open"
                                                                  : "closed");
        }
        if (info->has_inserted) {
            hmp_print_cache_mode(mon, info->inserted);
            if (verbose) {
                hmp_block_print_images(mon, info->inserted->has_node_name
                                            ? info->inserted->node_name : NULL,
                                       info->inserted->image);
            }
        }
    }
    if (nodes_only && !device) {
        g_autoptr(BlockDeviceInfoList) nodes =
            qmp_query_named_block_nodes(false, false, NULL);

        for (BlockDeviceInfoList *n = nodes; n; n = n->next) {
            if (n != nodes) {
                monitor_printf(mon, "\n");
            }
            monitor_printf(mon, "%s: ", n->value->has_node_name
                                        ? n->value->node_name : "");
            hmp_print_block_node(mon, n->value);
            hmp_print_cache_mode(mon, n->value);
            if (verbose) {
                hmp_block_print_images(mon, n->value->node_name, n->value->image);
            }
        }
    }
}

/* No network backends or NICs yet: nothing, as QEMU with none. */
void hmp_info_network(Monitor *mon, const QDict *qdict)
{
}

const char *hmp_pci_class_name(uint32_t class)
{
    static const struct { uint16_t class; const char *desc; } names[] = {
        { 0x0100, "SCSI controller" }, { 0x0101, "IDE controller" },
        { 0x0106, "SATA controller" }, { 0x0200, "Ethernet controller" },
        { 0x0300, "VGA controller" }, { 0x0600, "Host bridge" },
        { 0x0601, "ISA bridge" }, { 0x0604, "PCI bridge" },
        { 0x0680, "Bridge" }, { 0x0c03, "USB controller" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (names[i].class == class) {
            return names[i].desc;
        }
    }
    return NULL;
}

static const char *pci_class_description(uint32_t class, char *buf,
                                         size_t len)
{
    const char *name = hmp_pci_class_name(class);

    if (name) {
        return name;
    }
    g_snprintf(buf, len, "Class %04x", class);
    return buf;
}

static void hmp_pci_device(void *opaque, int bus, PCIDevice *d)
{
    char buf[16];
    Monitor *mon = opaque;
    uint32_t class = pci_config_read(d, PCI_CLASS_DEVICE, 2);
    uint8_t irq = pci_config_read(d, PCI_INTERRUPT_LINE, 1);
    uint8_t pin = pci_config_read(d, PCI_INTERRUPT_PIN, 1);

    monitor_printf(mon, "  Bus %2d, device %3d, function %d:\n", bus,
                   PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
    monitor_printf(mon, "    %s: PCI device %04x:%04x\n",
                   pci_class_description(class, buf, sizeof(buf)),
                   pci_config_read(d, PCI_VENDOR_ID, 2),
                   pci_config_read(d, PCI_DEVICE_ID, 2));
    monitor_printf(mon, "      PCI subsystem %04x:%04x\n",
                   pci_config_read(d, PCI_SUBSYSTEM_VENDOR_ID, 2),
                   pci_config_read(d, PCI_SUBSYSTEM_ID, 2));
    if (pin) {
        monitor_printf(mon, "      IRQ %d, pin %c\n", irq, 'A' + pin - 1);
    }
    for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
        uint32_t bar = pci_config_read(d, PCI_BASE_ADDRESS_0 + 4 * i, 4);
        uint64_t size = pci_bar_size(d, i);

        if (!size) {
            continue;
        }
        if (bar & PCI_BASE_ADDRESS_SPACE_IO) {
            monitor_printf(mon, "      BAR%u: I/O at 0x%04x [0x%04" PRIx64
                           "].\n", i, bar & ~3u, (bar & ~3u) + size - 1);
        } else {
            monitor_printf(mon, "      BAR%u: 32 bit memory at 0x%08x "
                           "[0x%08" PRIx64 "].\n", i, bar & ~15u,
                           (bar & ~15u) + size - 1);
        }
    }
    monitor_printf(mon, "      id \"\"\n");
}

void hmp_info_pci(Monitor *mon, const QDict *qdict)
{
    pci_for_each_device(hmp_pci_device, mon);
}

void hmp_info_irq(Monitor *mon, const QDict *qdict)
{
#if CONFIG_TCG
    IOAPICState *ioapic = pc_tcg_get_ioapic();
#else
    IOAPICState *ioapic = NULL;     /* the in-kernel IOAPIC keeps no counts */
#endif

    if (!ioapic) {
        return;
    }
    monitor_printf(mon, "IRQ statistics for ioapic:\n");
    for (int i = 0; i < 24; i++) {
        uint64_t n = ioapic_irq_count(ioapic, i);

        if (n) {
            monitor_printf(mon, "%2d: %" PRIu64 "\n", i, n);
        }
    }
}

void hmp_info_pic(Monitor *mon, const QDict *qdict)
{
#if CONFIG_TCG
    I8259State *pic = pc_tcg_get_pic();
#else
    I8259State *pic = NULL;
#endif
    g_autoptr(GString) out = g_string_new(NULL);

    if (pic) {
        i8259_format_info(pic, out);
    }
    monitor_printf(mon, "%s", out->str);
}

void hmp_info_lapic(Monitor *mon, const QDict *qdict)
{
    int64_t want = qdict_get_try_int(qdict, "apic-id", -1);
    g_autoptr(GString) out = g_string_new(NULL);

#if CONFIG_TCG
    for (APICState *s = apic_next(NULL); tcg_enabled() && s;
         s = apic_next(s)) {
        X86TCGCPU *cpu = apic_get_cpu(s);

        if (!cpu) {
            continue;
        }
        if (want >= 0 ? cpu->apic_id == want
                      : cpu->parent.cpu_index == mon->cpu_index) {
            apic_format_info(s, out);
            monitor_printf(mon, "%s", out->str);
            return;
        }
    }
#endif
    monitor_printf(mon, "No APIC found\n");
}

void hmp_info_mem(Monitor *mon, const QDict *qdict)
{
    g_autofree CPUX86State *env = g_new0(CPUX86State, 1);

    if (!hmp_cur_cpu_state(mon, env)) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    hmp_dump_mem(mon, env);
}

void hmp_info_tlb(Monitor *mon, const QDict *qdict)
{
    g_autofree CPUX86State *env = g_new0(CPUX86State, 1);

    if (!hmp_cur_cpu_state(mon, env)) {
        monitor_printf(mon, "No CPU available\n");
        return;
    }
    hmp_dump_tlb(mon, env);
}

/* Keel boots without firmware or option ROMs: nothing to list. */
void hmp_info_roms(Monitor *mon, const QDict *qdict)
{
}

void hmp_info_history(Monitor *mon, const QDict *qdict)
{
    g_autoptr(GPtrArray) h = hmp_history(mon);

    for (guint i = 0; i < h->len; i++) {
        monitor_printf(mon, "%u: '%s'\n", i,
                       (char *)g_ptr_array_index(h, i));
    }
}

void hmp_info_mice(Monitor *mon, const QDict *qdict)
{
    if (hmp_find_object_by_type("i8042")) {
        monitor_printf(mon, "* Mouse #2: QEMU PS/2 Mouse\n");
    } else {
        monitor_printf(mon, "No mouse devices connected\n");
    }
}
