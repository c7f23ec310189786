/*
 * object_interfaces.c: the "user-creatable" interface: -object / object-add
 * creation under /objects, deletion, and the -object help listings. It
 * knows nothing about any particular backend type.
 */
#include "qemu/osdep.h"
#include "qom/object_interfaces.h"

bool user_creatable_complete(Object *obj, Error **errp)
{
    ObjectClass *oc = object_class_dynamic_cast(object_get_class(obj),
                                                TYPE_USER_CREATABLE);
    UserCreatableClass *ucc = (UserCreatableClass *)oc;
    Error *local_err = NULL;

    if (!ucc || !ucc->complete) {
        return true;
    }
    ucc->complete(obj, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    return true;
}

bool user_creatable_can_be_deleted(Object *obj)
{
    ObjectClass *oc = object_class_dynamic_cast(object_get_class(obj),
                                                TYPE_USER_CREATABLE);
    UserCreatableClass *ucc = (UserCreatableClass *)oc;

    return !ucc || !ucc->can_be_deleted || ucc->can_be_deleted(obj);
}

/* The class for a user-given type, if -object may create it. */
static ObjectClass *user_creatable_class(const char *type, Error **errp)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || object_class_is_abstract(oc) ||
        !object_class_dynamic_cast(oc, TYPE_USER_CREATABLE)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return NULL;
    }
    return oc;
}

bool object_kv_check_id(const char *id, Error **errp)
{
    ERRP_GUARD();   /* for error_append_hint */

    if (!object_id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return false;
    }
    return true;
}

bool object_kv_apply(Object *obj, const char *const *kv,
                     const char *const *reserved, Error **errp)
{
    for (int i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
        if (!g_strv_contains(reserved, kv[i]) &&
            !object_property_parse(obj, kv[i], kv[i + 1], errp)) {
            return false;
        }
    }
    return true;
}

static int collect_opt(void *opaque, const char *name, const char *value,
                       Error **errp)
{
    GPtrArray *kv = opaque;

    g_ptr_array_add(kv, (gpointer)name);
    g_ptr_array_add(kv, (gpointer)value);
    return 0;
}

GPtrArray *object_kv_from_opts(QemuOpts *opts)
{
    GPtrArray *kv = g_ptr_array_new();

    qemu_opt_foreach(opts, collect_opt, kv, NULL);
    g_ptr_array_add(kv, NULL);
    return kv;
}

/* Keys of -object that are not properties of the object. */
static const char *const object_reserved_keys[] = { "qom-type", "id", NULL };

Object *user_creatable_add_kv(const char *type, const char *id,
                              const char *const *kv, Error **errp)
{
    ObjectClass *oc;
    Object *obj, *objects;

    if (!type) {
        error_setg(errp, "Parameter 'qom-type' is missing");
        return NULL;
    }
    oc = user_creatable_class(type, errp);
    if (!oc) {
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!object_kv_check_id(id, errp)) {
        return NULL;
    }
    /* Check every key before creating anything. */
    for (int i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
        if (!g_strv_contains(object_reserved_keys, kv[i]) &&
            !object_class_property_find(oc, kv[i])) {
            error_setg(errp, "Invalid parameter '%s'", kv[i]);
            return NULL;
        }
    }
    objects = object_get_objects_root();
    if (object_resolve_path_component(objects, id)) {
        error_setg(errp, "Duplicate ID '%s' for object", id);
        return NULL;
    }

    obj = object_new_with_class(oc);
    if (!object_kv_apply(obj, kv, object_reserved_keys, errp)) {
        object_unref(obj);
        return NULL;
    }
    /* In the tree before complete, so complete may look itself up. */
    object_property_add_child(objects, id, obj, &error_abort);
    object_unref(obj);
    if (!user_creatable_complete(obj, errp)) {
        object_unparent(obj);
        return NULL;
    }
    return obj;
}

Object *user_creatable_add_opts(QemuOpts *opts, Error **errp)
{
    g_autoptr(GPtrArray) kv = object_kv_from_opts(opts);

    return user_creatable_add_kv(qemu_opt_get(opts, "qom-type"),
                                 qemu_opts_id(opts),
                                 (const char *const *)kv->pdata, errp);
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (!user_creatable_can_be_deleted(obj)) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}

void user_creatable_print_types(FILE *f)
{
    GSList *list = object_class_get_list_sorted(TYPE_USER_CREATABLE, false);

    fprintf(f, "List of user creatable objects:\n");
    for (GSList *l = list; l; l = l->next) {
        fprintf(f, "  %s\n", object_class_get_name(l->data));
    }
    g_slist_free(list);
}

bool user_creatable_print_props(const char *type, FILE *f, Error **errp)
{
    ObjectClass *oc = user_creatable_class(type, errp);

    if (!oc) {
        return false;
    }
    object_class_print_props(oc, f);
    return true;
}

static const TypeInfo user_creatable_info = {
    .name = TYPE_USER_CREATABLE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(UserCreatableClass),
};

static void user_creatable_register_types(void)
{
    type_register_static(&user_creatable_info);
}

type_init(user_creatable_register_types)
