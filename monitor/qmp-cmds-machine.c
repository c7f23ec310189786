/*
 * qmp-cmds-machine.c: the QMP queries about the machine and the process
 * that are not device state: query-name, query-uuid, query-kvm,
 * query-target, query-machines, query-current-machine, query-iothreads,
 * query-display-options and query-command-line-options.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/i386/pc.h"
#include "qapi/qapi-commands.h"
#include "system/accel.h"
#include "system/system.h"
#include "system/vl.h"

NameInfo *qmp_query_name(Error **errp)
{
    NameInfo *info = g_new0(NameInfo, 1);

    if (qemu_name) {
        info->has_name = true;
        info->name = g_strdup(qemu_name);
    }
    return info;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    info->UUID = g_strdup(qemu_uuid_string());
    return info;
}

KvmInfo *qmp_query_kvm(Error **errp)
{
    KvmInfo *info = g_new0(KvmInfo, 1);
    MachineState *ms = machine_current();

    /* "present": this build has KVM (QEMU's kvm_available()). */
    info->present = accel_find("kvm") != NULL;
    info->enabled = ms && ms->accel && !strcmp(ms->accel, "kvm");
    return info;
}

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_X86_64;
    return info;
}

static gint qmp_machine_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(MACHINE_CLASS((ObjectClass *)a)->name,
                  MACHINE_CLASS((ObjectClass *)b)->name);
}

MachineInfoList *qmp_query_machines(Error **errp)
{
    GSList *classes = object_class_get_list(TYPE_MACHINE, false);
    MachineInfoList *list = NULL;

    /* Sorted, then prepended: the reply lists them newest name first. */
    classes = g_slist_sort(classes, qmp_machine_cmp);
    for (GSList *l = classes; l; l = l->next) {
        ObjectClass *oc = l->data;
        MachineClass *mc = MACHINE_CLASS(oc);
        MachineInfoList *e = g_new0(MachineInfoList, 1);
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(mc->name);
        if (mc->alias) {
            info->has_alias = true;
            info->alias = g_strdup(mc->alias);
        }
        if (mc->is_default) {
            info->has_is_default = true;
            info->is_default = true;
        }
        info->cpu_max = mc->max_cpus ? mc->max_cpus : 1;
        /* Keel hot-plugs no vCPUs and has no NUMA yet. */
        info->hotpluggable_cpus = false;
        info->numa_mem_supported = false;
        info->deprecated = mc->deprecation_reason != NULL;
        if (mc->default_cpu_type) {
            info->has_default_cpu_type = true;
            info->default_cpu_type = g_strdup(mc->default_cpu_type);
        }
        if (mc->default_ram_id) {
            info->has_default_ram_id = true;
            info->default_ram_id = g_strdup(mc->default_ram_id);
        }
        info->acpi = object_class_dynamic_cast(oc, TYPE_PC_MACHINE) != NULL;
        e->value = info;
        e->next = list;
        list = e;
    }
    g_slist_free(classes);
    return list;
}

CurrentMachineParams *qmp_query_current_machine(Error **errp)
{
    CurrentMachineParams *params = g_new0(CurrentMachineParams, 1);

    /* No S3 in Keel's PC: nothing could wake a suspended guest. */
    params->wakeup_suspend_support = false;
    return params;
}

IOThreadInfoList *qmp_query_iothreads(Error **errp)
{
    /* -object iothread does not exist in Keel: the list is empty. */
    return NULL;
}

DisplayOptions *qmp_query_display_options(Error **errp)
{
    DisplayOptions *opts = g_new0(DisplayOptions, 1);

    /* The only display Keel accepts (-display none, -nographic). */
    opts->type = DISPLAY_TYPE_NONE;
    return opts;
}

/* --- query-command-line-options ------------------------------------------- */

static QemuOptsList *const qmp_opts_lists[] = {
    &qemu_chardev_opts, &qemu_machine_opts, &qemu_accel_opts, &qemu_smp_opts,
    &qemu_mem_opts, &qemu_name_opts, &qemu_boot_opts, &qemu_rtc_opts,
    &qemu_overcommit_opts, &qemu_sandbox_opts, &qemu_msg_opts,
    &qemu_mon_opts, &qemu_display_opts, &qemu_device_opts,
    &qemu_object_opts, &qemu_drive_opts, &qemu_netdev_opts, &qemu_nic_opts,
    &qemu_net_opts, &qemu_global_opts, &qemu_numa_opts, &qemu_smbios_opts,
    &qemu_fw_cfg_opts, &qemu_audiodev_opts, &qemu_icount_opts,
    &qemu_action_opts, &qemu_run_with_opts, &qemu_spice_opts,
    &qemu_tpmdev_opts, &qemu_fsdev_opts, &qemu_virtfs_opts,
    &qemu_add_fd_opts, &qemu_compat_opts, &qemu_plugin_opts,
    &qemu_acpitable_opts,
};

static CommandLineOptionInfo *qmp_opts_info(const QemuOptsList *list)
{
    CommandLineOptionInfo *info = g_new0(CommandLineOptionInfo, 1);
    static const CommandLineParameterType types[] = {
        [QEMU_OPT_STRING] = COMMAND_LINE_PARAMETER_TYPE_STRING,
        [QEMU_OPT_BOOL] = COMMAND_LINE_PARAMETER_TYPE_BOOLEAN,
        [QEMU_OPT_NUMBER] = COMMAND_LINE_PARAMETER_TYPE_NUMBER,
        [QEMU_OPT_SIZE] = COMMAND_LINE_PARAMETER_TYPE_SIZE,
    };

    info->option = g_strdup(list->name);
    /* Prepended, so the reply lists the parameters last first, as QEMU. */
    for (const QemuOptDesc *d = list->desc; d->name; d++) {
        CommandLineParameterInfoList *e = g_new0(CommandLineParameterInfoList,
                                                 1);
        CommandLineParameterInfo *p = g_new0(CommandLineParameterInfo, 1);

        p->name = g_strdup(d->name);
        p->type = (unsigned)d->type < G_N_ELEMENTS(types)
                  ? types[d->type] : COMMAND_LINE_PARAMETER_TYPE_STRING;
        if (d->help) {
            p->has_help = true;
            p->help = g_strdup(d->help);
        }
        if (d->def_value_str) {
            p->has_default = true;
            p->q_default = g_strdup(d->def_value_str);
        }
        e->value = p;
        e->next = info->parameters;
        info->parameters = e;
    }
    return info;
}

CommandLineOptionInfoList *qmp_query_command_line_options(bool has_option,
                                                          const char *option,
                                                          Error **errp)
{
    CommandLineOptionInfoList *list = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(qmp_opts_lists); i++) {
        const QemuOptsList *ol = qmp_opts_lists[i];
        CommandLineOptionInfoList *e;

        if (has_option && strcmp(option, ol->name)) {
            continue;
        }
        e = g_new0(CommandLineOptionInfoList, 1);
        e->value = qmp_opts_info(ol);
        e->next = list;
        list = e;
    }
    if (!list) {
        error_setg(errp, "invalid option name: %s", option);
    }
    return list;
}
