/*
 * machine.c: the abstract machine type: the -machine properties every board
 * shares, lookup by name or alias, the "-machine help" list, and the
 * checks run before a board's init. Boards themselves live in hw/<arch>/.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"

#define MACHINE_STR_PROP(_name, _field, _desc) \
    DEFINE_PROP(_name, MachineState, _field, qdev_prop_qom_string, char *, \
                .description = (_desc))
#define MACHINE_BOOL_PROP(_name, _field, _desc) \
    DEFINE_PROP(_name, MachineState, _field, qdev_prop_bool, bool, \
                .description = (_desc))

static Property machine_props[] = {
    MACHINE_STR_PROP("append", kernel_cmdline, "Linux kernel command line"),
    MACHINE_STR_PROP("dtb", dtb, "Linux kernel device tree file"),
    MACHINE_STR_PROP("dumpdtb", dumpdtb, "Dump current dtb to a file and quit"),
    MACHINE_BOOL_PROP("dump-guest-core", dump_guest_core,
                      "Include guest memory in a core dump"),
    MACHINE_STR_PROP("firmware", firmware, "Firmware image"),
    MACHINE_BOOL_PROP("graphics", graphics,
                      "Set on/off to enable/disable graphics emulation"),
    MACHINE_STR_PROP("initrd", initrd_filename, "Linux initial ramdisk file"),
    MACHINE_STR_PROP("kernel", kernel_filename, "Linux kernel image file"),
    MACHINE_BOOL_PROP("mem-merge", mem_merge,
                      "Enable/disable memory merge support"),
    /* QEMU's text, missing full stop included: scripts may match it. */
    DEFINE_PROP_LINK("memory-backend", MachineState, memdev,
                     "memory-backend", Object *,
                     .description = "Set RAM backend"
                                    "Valid value is ID of hostmem based backend"),
    MACHINE_BOOL_PROP("usb", usb, "Set on/off to enable/disable usb"),
    DEFINE_PROP_END_OF_LIST(),
};

static void machine_class_init(ObjectClass *oc, void *data)
{
    object_class_set_props(oc, machine_props);
}

/* Every board's user-visible name is its type name minus "-machine". */
static void machine_class_base_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const char *tname = object_class_get_name(oc);

    if (g_str_has_suffix(tname, TYPE_MACHINE_SUFFIX)) {
        mc->name = g_strndup(tname,
                             strlen(tname) - strlen(TYPE_MACHINE_SUFFIX));
    } else {
        mc->name = g_strdup(tname);
    }
}

/* Defaults set here rather than in the Property table, so that help shows
 * none, as QEMU's does. */
static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    ms->dump_guest_core = true;
    ms->mem_merge = true;
    ms->graphics = true;
}

static void machine_instance_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->boot_order);
    g_free(ms->boot_once);
    g_free(ms->accel);
    g_free(ms->cpu_type);
    g_free(ms->cpu_model);
    g_free(ms->rtc_base);
    g_free(ms->rtc_clock);
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .class_base_init = machine_class_base_init,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_instance_init,
    .instance_finalize = machine_instance_finalize,
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
    /* Here, so that linking machine.o always brings the "none" board. */
    null_machine_register_types();
}

type_init(machine_register_types)

MachineClass *machine_find_class(const char *name)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l && name; l = l->next) {
        MachineClass *mc = l->data;

        if (!strcmp(mc->name, name) || (mc->alias && !strcmp(mc->alias, name))) {
            found = mc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_default_class(void)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = l->data;

        if (mc->is_default) {
            found = mc;
            break;
        }
    }
    g_slist_free(list);
    return found ? found : machine_find_class("none");
}

/*
 * QEMU's order: families first, alphabetically, each newest version first;
 * then boards without a family, alphabetically.
 */
static gint machine_class_cmp(gconstpointer a, gconstpointer b)
{
    const MachineClass *m1 = a, *m2 = b;
    int r;

    if (!m1->family || !m2->family) {
        if (m1->family) {
            return -1;
        }
        if (m2->family) {
            return 1;
        }
        return strcmp(m1->name, m2->name);
    }
    r = strcmp(m1->family, m2->family);
    return r ? r : strcmp(m2->name, m1->name);
}

void machine_print_list(FILE *f)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);

    list = g_slist_sort(list, machine_class_cmp);
    fprintf(f, "Supported machines are:\n");
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = l->data;
        const char *desc = mc->desc ? mc->desc : "";

        if (mc->alias) {
            fprintf(f, "%-20s %s (alias of %s)\n", mc->alias, desc, mc->name);
        }
        fprintf(f, "%-20s %s%s%s\n", mc->name, desc,
                mc->is_default ? " (default)" : "",
                mc->deprecation_reason ? " (deprecated)" : "");
    }
    g_slist_free(list);
}

void machine_print_props(MachineClass *mc, FILE *f)
{
    object_class_print_props(OBJECT_CLASS(mc), f);
}

MachineState *machine_current(void)
{
    Object *obj = object_resolve_path_component(object_get_root(), "machine");

    return obj ? (MachineState *)object_dynamic_cast(obj, TYPE_MACHINE)
               : NULL;
}

MachineState *machine_create(MachineClass *mc, Error **errp)
{
    MachineState *ms;
    unsigned int cpus = mc->default_cpus ? mc->default_cpus : 1;

    if (object_resolve_path_component(object_get_root(), "machine")) {
        error_setg(errp, "a machine already exists at /machine");
        return NULL;
    }
    ms = MACHINE(object_new_with_class(OBJECT_CLASS(mc)));
    ms->ram_size = mc->default_ram_size;
    ms->maxram_size = mc->default_ram_size;
    ms->smp = (CpuTopology) {
        .cpus = cpus, .sockets = cpus, .dies = 1, .cores = 1, .threads = 1,
        .max_cpus = cpus,
    };
    ms->boot_order = g_strdup(mc->default_boot_order ? mc->default_boot_order
                                                     : "cad");
    ms->cpu_type = g_strdup(mc->default_cpu_type);
    object_property_add_child(object_get_root(), "machine", OBJECT(ms),
                              &error_abort);
    object_unref(ms);
    return ms;
}

bool machine_run_board_init(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    unsigned int max_cpus = mc->max_cpus ? mc->max_cpus : 1;

    if (ms->smp.cpus > max_cpus || ms->smp.max_cpus > max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by "
                   "machine '%s' is %u", MAX(ms->smp.cpus, ms->smp.max_cpus),
                   mc->name, max_cpus);
        return false;
    }
    if (ms->smp.cpus < mc->min_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The min CPUs supported by "
                   "machine '%s' is %u", ms->smp.cpus, mc->name,
                   mc->min_cpus);
        return false;
    }
    if (mc->init) {
        mc->init(ms);
    }
    return true;
}
