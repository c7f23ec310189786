/*
 * accel.c: the abstract accelerator type and -accel selection. Each
 * accelerator registers "<name>-accel"; this file finds them by name,
 * tries "kvm:tcg" style lists in order (remembering the rest of the list
 * after the one chosen, for accel-restart.c) and prints -accel help. It
 * knows nothing of any one accelerator.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "system/accel.h"
#include "system/accel-restart.h"

static AccelState *current_accel;
/* The names after the one in use in its list ("tcg" of "kvm:tcg"), or
 * NULL: where accel_restart_with_fallback() goes (accel-restart.c). */
static char *accel_fallback;

static void accel_class_base_init(ObjectClass *klass, void *data)
{
    AccelClass *ac = (AccelClass *)klass;
    const char *tn = object_class_get_name(klass);
    size_t len = strlen(tn);
    size_t slen = strlen(ACCEL_CLASS_SUFFIX);

    /* The name is the type name minus the suffix, like machines. */
    if (len > slen && !strcmp(tn + len - slen, ACCEL_CLASS_SUFFIX)) {
        ac->name = g_strndup(tn, len - slen);
    } else {
        ac->name = g_strdup(tn);
    }
}

static const TypeInfo accel_type = {
    .name = TYPE_ACCEL,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(AccelState),
    .class_size = sizeof(AccelClass),
    .class_base_init = accel_class_base_init,
    .abstract = true,
};

static void accel_register_types(void)
{
    type_register_static(&accel_type);
}
type_init(accel_register_types)

AccelClass *accel_find(const char *name)
{
    g_autofree char *tn = g_strconcat(name, ACCEL_CLASS_SUFFIX, NULL);
    ObjectClass *oc = object_class_by_name(tn);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_ACCEL) ||
        object_class_is_abstract(oc)) {
        return NULL;
    }
    return ACCEL_CLASS(oc);
}

AccelState *accel_current(void)
{
    return current_accel;
}

/* One candidate: create the instance and let it set up the machine. */
static bool accel_try(AccelClass *ac, MachineState *ms, Error **errp)
{
    AccelState *as = ACCEL(object_new_with_class(OBJECT_CLASS(ac)));

    if (ac->init_machine && !ac->init_machine(as, ms, errp)) {
        object_unref(as);
        return false;
    }
    if (current_accel) {
        object_unref(current_accel);
    }
    current_accel = as;
    if (ms) {
        g_free(ms->accel);
        ms->accel = g_strdup(ac->name);
    }
    return true;
}

/* Remember the names after the chosen one that this build has. */
static void accel_set_fallback(char **rest)
{
    g_autoptr(GPtrArray) usable = g_ptr_array_new();

    for (; *rest; rest++) {
        if (accel_find(*rest)) {
            g_ptr_array_add(usable, *rest);
        }
    }
    g_free(accel_fallback);
    accel_fallback = NULL;
    if (usable->len) {
        g_ptr_array_add(usable, NULL);
        accel_fallback = g_strjoinv(":", (char **)usable->pdata);
    }
}

const char *accel_fallback_spec(void)
{
    return accel_fallback;
}

bool accel_init_from_string(const char *spec, MachineState *ms, Error **errp)
{
    g_auto(GStrv) names = g_strsplit(spec ? spec : "", ":", -1);
    guint n = g_strv_length(names);
    guint i;

    if (n == 0 || (n == 1 && !*names[0])) {
        error_setg(errp, "invalid accelerator %s", spec ? spec : "");
        return false;
    }
    for (i = 0; i < n; i++) {
        const char *name = names[i];
        bool last = i + 1 == n;
        AccelClass *ac = accel_find(name);
        Error *err = NULL;

        if (!ac) {
            if (last) {
                error_setg(errp, "invalid accelerator %s", name);
                return false;
            }
            error_report("invalid accelerator %s", name);
            continue;
        }
        if (accel_try(ac, ms, &err)) {
            accel_set_fallback(names + i + 1);
            return true;
        }
        if (last) {
            error_propagate_prepend(errp, err, "failed to initialize %s: ",
                                    name);
            return false;
        }
        /* Said once here, as QEMU does, before the next one is tried. */
        error_report("-accel %s: %s", name, error_get_pretty(err));
        error_free(err);
        error_report("falling back to %s", names[i + 1]);
    }
    return false;
}

/* QEMU 7.2 lists tcg first (before kvm); the others follow by name. */
static int accel_rank(const char *name)
{
    return !strcmp(name, "tcg") ? 0 : 1;
}

static gint accel_name_cmp(gconstpointer a, gconstpointer b)
{
    const char *na = ((const AccelClass *)a)->name;
    const char *nb = ((const AccelClass *)b)->name;

    if (accel_rank(na) != accel_rank(nb)) {
        return accel_rank(na) - accel_rank(nb);
    }
    return strcmp(na, nb);
}

void accel_print_list(FILE *f)
{
    GSList *list = object_class_get_list(TYPE_ACCEL, false);
    GSList *l;

    list = g_slist_sort(list, accel_name_cmp);
    fprintf(f, "Accelerators supported in QEMU binary:\n");
    for (l = list; l; l = l->next) {
        fprintf(f, "%s\n", ((AccelClass *)l->data)->name);
    }
    g_slist_free(list);
}
