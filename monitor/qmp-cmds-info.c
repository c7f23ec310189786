/*
 * qmp-cmds-info.c: QMP commands that describe the machine for clients:
 * human-monitor-command (an HMP line run into a string), the vCPUs
 * (query-cpus-fast, query-hotpluggable-cpus, query-cpu-definitions),
 * memory (query-memory-size-summary, query-memdev) and query-pci.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "hw/boards.h"
#include "hw/pci/pci.h"
#include "hw/qdev-core.h"
#include "monitor/hmp.h"
#include "qom/object.h"
#include "system/hostmem.h"
#include "target/i386/cpu.h"

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, Error **errp)
{
    if (has_cpu_index &&
        (cpu_index < 0 || cpu_index >= (int64_t)hmp_cpu_count())) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return NULL;
    }
    return hmp_run_command_to_string(command_line,
                                     has_cpu_index ? cpu_index : 0);
}

/* --- vCPUs ----------------------------------------------------------------- */

static MachineState *qmp_machine(void)
{
    Object *m = qdev_get_machine();

    return m ? (MachineState *)object_dynamic_cast(m, TYPE_MACHINE) : NULL;
}

/* socket/die/core/thread of vCPU index from its APIC ID, as QEMU's x86. */
static CpuInstanceProperties *qmp_cpu_props(const CpuTopology *smp,
                                            unsigned index)
{
    CpuInstanceProperties *p = g_new0(CpuInstanceProperties, 1);
    X86TopoInfo ti;
    uint32_t apic;
    unsigned core_off, die_off, pkg_off;

    x86_topo_from_smp(&ti, smp);
    apic = x86_apicid_from_cpu_index(&ti, index);
    core_off = x86_apicid_core_offset(&ti);
    die_off = x86_apicid_die_offset(&ti);
    pkg_off = x86_apicid_pkg_offset(&ti);
    p->has_socket_id = true;
    p->socket_id = apic >> pkg_off;
    if (smp->dies > 1) {
        p->has_die_id = true;
        p->die_id = (apic >> die_off) & ((1u << (pkg_off - die_off)) - 1);
    }
    p->has_core_id = true;
    p->core_id = (apic >> core_off) & ((1u << (die_off - core_off)) - 1);
    p->has_thread_id = true;
    p->thread_id = apic & ((1u << core_off) - 1);
    return p;
}

/*
 * Keel's vCPUs are not QOM objects: the path is the one QEMU gives the
 * same vCPU, so that query-cpus-fast and query-hotpluggable-cpus agree.
 */
static char *qmp_cpu_qom_path(unsigned index)
{
    return g_strdup_printf("/machine/unattached/device[%u]", index);
}

CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    CpuInfoFastList *head = NULL, **tail = &head;
    MachineState *ms = qmp_machine();
    unsigned n = hmp_cpu_count();

    for (unsigned i = 0; i < n; i++) {
        CpuInfoFast *info = g_new0(CpuInfoFast, 1);

        info->cpu_index = i;
        info->qom_path = qmp_cpu_qom_path(i);
        info->thread_id = getpid();
        if (ms) {
            info->has_props = true;
            info->props = qmp_cpu_props(&ms->smp, i);
        }
        info->target = SYS_EMU_TARGET_X86_64;
        *tail = g_new0(CpuInfoFastList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

HotpluggableCPUList *qmp_query_hotpluggable_cpus(Error **errp)
{
    HotpluggableCPUList *head = NULL;
    MachineState *ms = qmp_machine();
    unsigned max;

    g_autofree char *type = NULL;

    if (!ms || !hmp_cpu_count()) {
        error_setg(errp, "machine does not support hot-plugging CPUs");
        return NULL;
    }
    if (ms->cpu_type) {
        type = g_strdup(ms->cpu_type);
    } else {
        MachineClass *mc = MACHINE_GET_CLASS(ms);

        type = g_strdup_printf("%s-x86_64-cpu",
                               x86_cpu_default_model(ms->accel,
                                                     mc->default_cpu_type));
    }
    max = ms->smp.max_cpus ? ms->smp.max_cpus : ms->smp.cpus;
    /* Built from the front: QEMU lists the highest index first. */
    for (unsigned i = 0; i < max; i++) {
        HotpluggableCPU *cpu = g_new0(HotpluggableCPU, 1);
        HotpluggableCPUList *e = g_new0(HotpluggableCPUList, 1);

        cpu->type = g_strdup(type);
        cpu->vcpus_count = 1;
        cpu->props = qmp_cpu_props(&ms->smp, i);
        if (i < ms->smp.cpus) {
            cpu->has_qom_path = true;
            cpu->qom_path = qmp_cpu_qom_path(i);
        }
        e->value = cpu;
        e->next = head;
        head = e;
    }
    return head;
}

CpuDefinitionInfoList *qmp_query_cpu_definitions(Error **errp)
{
    CpuDefinitionInfoList *head = NULL, **tail = &head;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    g_auto(GStrv) lines = NULL;

    if (!f) {
        error_setg_errno(errp, errno, "open_memstream");
        return NULL;
    }
    /* "x86 NAME   description" per model, as -cpu help lists them. */
    x86_cpu_list(f);
    fclose(f);
    lines = g_strsplit(text, "\n", 0);
    free(text);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) words = NULL;
        CpuDefinitionInfo *info;

        if (!g_str_has_prefix(*l, "x86 ")) {
            continue;
        }
        words = g_strsplit_set(*l + 4, " ", 2);
        if (!words[0] || !*words[0]) {
            continue;
        }
        info = g_new0(CpuDefinitionInfo, 1);
        info->name = g_strdup(words[0]);
        info->typename = g_strdup_printf("%s-x86_64-cpu", words[0]);
        info->has_migration_safe = true;
        info->migration_safe = strcmp(words[0], "host") != 0;
        info->has_unavailable_features = true;
        if (strstr(*l, "(alias configured by machine type)")) {
            info->has_alias_of = true;
            info->alias_of = g_strdup_printf("%s-v1", words[0]);
        }
        *tail = g_new0(CpuDefinitionInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

/* --- memory ---------------------------------------------------------------- */

MemoryInfo *qmp_query_memory_size_summary(Error **errp)
{
    MemoryInfo *info = g_new0(MemoryInfo, 1);
    MachineState *ms = qmp_machine();

    info->base_memory = ms ? ms->ram_size : 0;
    /* QEMU's pc reports its (empty) hotplug memory too. */
    info->has_plugged_memory = true;
    info->plugged_memory = 0;
    return info;
}

static int qmp_memdev_one(Object *obj, void *opaque)
{
    MemdevList ***tail = opaque;
    HostMemoryBackend *b;
    Memdev *m;

    if (!object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        return 0;
    }
    b = (HostMemoryBackend *)obj;
    m = g_new0(Memdev, 1);
    m->has_id = true;
    m->id = g_strdup(obj->child_name);
    m->size = b->size;
    m->merge = b->merge;
    m->dump = b->dump;
    m->prealloc = b->prealloc;
    m->share = b->share;
    m->policy = HOST_MEM_POLICY_DEFAULT;
    **tail = g_new0(MemdevList, 1);
    (**tail)->value = m;
    *tail = &(**tail)->next;
    return 0;
}

MemdevList *qmp_query_memdev(Error **errp)
{
    MemdevList *head = NULL, **tail = &head;

    object_child_foreach(object_get_objects_root(), qmp_memdev_one, &tail);
    return head;
}

/* --- PCI ------------------------------------------------------------------- */

typedef struct QmpPciState {
    PciInfoList *head;
    PciInfoList **tail;
    PciInfo *bus;               /* the bus being filled */
    PciDeviceInfoList **dev_tail;
} QmpPciState;

static PciMemoryRegionList *qmp_pci_regions(PCIDevice *d)
{
    PciMemoryRegionList *head = NULL, **tail = &head;

    for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
        uint32_t bar = pci_config_read(d, PCI_BASE_ADDRESS_0 + 4 * i, 4);
        uint64_t size = pci_bar_size(d, i);
        PciMemoryRegion *r;

        if (!size) {
            continue;
        }
        r = g_new0(PciMemoryRegion, 1);
        r->bar = i;
        if (bar & PCI_BASE_ADDRESS_SPACE_IO) {
            r->type = g_strdup("io");
            r->address = bar & ~3u;
        } else {
            r->type = g_strdup("memory");
            r->address = bar & ~15u;
            r->has_prefetch = true;
            r->prefetch = bar & 8;
            r->has_mem_type_64 = true;
            r->mem_type_64 = (bar & 6) == 4;
        }
        r->size = size;
        *tail = g_new0(PciMemoryRegionList, 1);
        (*tail)->value = r;
        tail = &(*tail)->next;
    }
    return head;
}

static void qmp_pci_device(void *opaque, int bus, PCIDevice *d)
{
    QmpPciState *s = opaque;
    PciDeviceInfo *info = g_new0(PciDeviceInfo, 1);
    uint8_t pin = pci_config_read(d, PCI_INTERRUPT_PIN, 1);

    if (!s->bus || s->bus->bus != bus) {
        s->bus = g_new0(PciInfo, 1);
        s->bus->bus = bus;
        s->dev_tail = &s->bus->devices;
        *s->tail = g_new0(PciInfoList, 1);
        (*s->tail)->value = s->bus;
        s->tail = &(*s->tail)->next;
    }
    info->bus = bus;
    info->slot = PCI_SLOT(d->devfn);
    info->function = PCI_FUNC(d->devfn);
    info->class_info = g_new0(PciDeviceClass, 1);
    info->class_info->class = pci_config_read(d, PCI_CLASS_DEVICE, 2);
    if (hmp_pci_class_name(info->class_info->class)) {
        info->class_info->has_desc = true;
        info->class_info->desc =
            g_strdup(hmp_pci_class_name(info->class_info->class));
    }
    info->id = g_new0(PciDeviceId, 1);
    info->id->vendor = pci_config_read(d, PCI_VENDOR_ID, 2);
    info->id->device = pci_config_read(d, PCI_DEVICE_ID, 2);
    info->id->has_subsystem = true;
    info->id->subsystem = pci_config_read(d, PCI_SUBSYSTEM_ID, 2);
    info->id->has_subsystem_vendor = true;
    info->id->subsystem_vendor = pci_config_read(d, PCI_SUBSYSTEM_VENDOR_ID,
                                                 2);
    if (pin) {
        info->has_irq = true;
        info->irq = pci_config_read(d, PCI_INTERRUPT_LINE, 1);
    }
    info->irq_pin = pin;
    info->qdev_id = g_strdup("");
    info->regions = qmp_pci_regions(d);
    *s->dev_tail = g_new0(PciDeviceInfoList, 1);
    (*s->dev_tail)->value = info;
    s->dev_tail = &(*s->dev_tail)->next;
}

PciInfoList *qmp_query_pci(Error **errp)
{
    QmpPciState s = { 0 };

    s.tail = &s.head;
    pci_for_each_device(qmp_pci_device, &s);
    return s.head;
}
