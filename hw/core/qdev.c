/*
 * qdev.c: the device base type: realize/unrealize/reset, the /machine
 * peripheral containers, creating user devices from -device (or QMP
 * device_add) key/value pairs, and the "-device help" listings.
 * Buses are not modelled yet; a "bus=" option is refused.
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "qom/object_interfaces.h"

static const char *const device_category_titles[DEVICE_CATEGORY_MAX] = {
    [DEVICE_CATEGORY_BRIDGE] = "Controller/Bridge/Hub devices",
    [DEVICE_CATEGORY_USB] = "USB devices",
    [DEVICE_CATEGORY_STORAGE] = "Storage devices",
    [DEVICE_CATEGORY_NETWORK] = "Network devices",
    [DEVICE_CATEGORY_INPUT] = "Input devices",
    [DEVICE_CATEGORY_DISPLAY] = "Display devices",
    [DEVICE_CATEGORY_SOUND] = "Sound devices",
    [DEVICE_CATEGORY_MISC] = "Misc devices",
    [DEVICE_CATEGORY_CPU] = "CPU devices",
    [DEVICE_CATEGORY_WATCHDOG] = "Watchdog devices",
    [DEVICE_CATEGORY_UNCATEGORIZED] = "Uncategorized devices",
};

void device_class_set_props(DeviceClass *dc, Property *props)
{
    object_class_set_props(OBJECT_CLASS(dc), props);
}

DeviceState *qdev_new(const char *typename)
{
    return DEVICE(object_new(typename));
}

/* Properties describe how a device is built; they are fixed once it is. */
static bool device_check_prop_set(Object *obj, Property *prop, Error **errp)
{
    DeviceState *dev = DEVICE(obj);

    if (!dev->realized) {
        return true;
    }
    if (dev->id) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized", prop->name, dev->id,
                   object_get_typename(obj));
    } else {
        error_setg(errp, "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized", prop->name,
                   object_get_typename(obj));
    }
    return false;
}

/* The first free "prefix[N]" among parent's children. */
static char *qdev_free_child_name(Object *parent, const char *prefix)
{
    for (unsigned n = 0;; n++) {
        char *name = g_strdup_printf("%s[%u]", prefix, n);

        if (!object_resolve_path_component(parent, name)) {
            return name;
        }
        g_free(name);
    }
}

Object *qdev_get_machine(void)
{
    Object *root = object_get_root();
    Object *machine = object_resolve_path_component(root, "machine");

    return machine ? machine : container_get(root, "/machine");
}

Object *qdev_get_peripheral(void)
{
    return container_get(qdev_get_machine(), "peripheral");
}

Object *qdev_get_peripheral_anon(void)
{
    return container_get(qdev_get_machine(), "peripheral-anon");
}

DeviceState *qdev_find_by_id(const char *id)
{
    Object *obj = object_resolve_path_component(qdev_get_peripheral(), id);

    return obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Error *local_err = NULL;

    if (dev->realized) {
        error_setg(errp, "Device '%s' is already realized",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    if (!OBJECT(dev)->parent) {
        Object *unattached = container_get(qdev_get_machine(), "unattached");
        g_autofree char *name = qdev_free_child_name(unattached, "device");

        object_property_add_child(unattached, name, OBJECT(dev),
                                  &error_abort);
    }
    dev->parent_bus = bus;
    if (dc->realize) {
        dc->realize(dev, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            return false;
        }
    }
    dev->realized = true;
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);

    object_unref(dev);
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        return;
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
    dev->parent_bus = NULL;
}

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dc->reset) {
        dc->reset(dev);
    }
}

static int qdev_reset_child(Object *child, void *opaque)
{
    DeviceState *dev = (DeviceState *)object_dynamic_cast(child, TYPE_DEVICE);

    if (dev && dev->realized) {
        device_cold_reset(dev);
    }
    qdev_reset_all_under(child);
    return 0;
}

void qdev_reset_all_under(Object *obj)
{
    object_child_foreach(obj, qdev_reset_child, NULL);
}

static void device_unparent(Object *obj)
{
    qdev_unrealize(DEVICE(obj));
}

static void device_finalize(Object *obj)
{
    g_free(DEVICE(obj)->id);
}

static void device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    klass->unparent = device_unparent;
    klass->check_prop_set = device_check_prop_set;
    dc->user_creatable = true;
    dc->hotpluggable = true;
}

static const TypeInfo device_type_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .instance_finalize = device_finalize,
    .abstract = true,
    .class_size = sizeof(DeviceClass),
    .class_init = device_class_init,
};

static void qdev_register_types(void)
{
    type_register_static(&device_type_info);
}

type_init(qdev_register_types)

/* ---- user devices ---- */

/* A device class by type name, else by alias; NULL if neither. */
static ObjectClass *qdev_class_by_name_or_alias(const char *name)
{
    ObjectClass *oc = object_class_by_name(name);
    GSList *list;

    if (oc && object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        return oc;
    }
    oc = NULL;
    list = object_class_get_list(TYPE_DEVICE, false);
    for (GSList *l = list; l; l = l->next) {
        DeviceClass *dc = l->data;

        if (dc->alias && !strcmp(dc->alias, name)) {
            oc = l->data;
            break;
        }
    }
    g_slist_free(list);
    return oc;
}

DeviceClass *qdev_get_device_class(const char *driver,
                                   bool need_user_creatable, Error **errp)
{
    ObjectClass *oc = qdev_class_by_name_or_alias(driver);
    DeviceClass *dc;

    if (!oc) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (need_user_creatable && !dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    return dc;
}

/* Keys of -device that are not properties of the device. */
static const char *const device_reserved_keys[] = {
    "driver", "id", "bus", NULL
};

DeviceState *qdev_device_add_kv(const char *driver, const char *id,
                                const char *const *kv, Error **errp)
{
    DeviceClass *dc;
    DeviceState *dev;
    Object *parent;
    g_autofree char *name = NULL;

    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    dc = qdev_get_device_class(driver, true, errp);
    if (!dc) {
        return NULL;
    }
    for (int i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
        if (!strcmp(kv[i], "bus")) {
            error_setg(errp, "Bus '%s' not found", kv[i + 1]);
            return NULL;
        }
    }
    if (id) {
        if (!object_kv_check_id(id, errp)) {
            return NULL;
        }
        parent = qdev_get_peripheral();
        if (object_resolve_path_component(parent, id)) {
            error_setg(errp, "Duplicate ID '%s' for device", id);
            return NULL;
        }
        name = g_strdup(id);
    } else {
        parent = qdev_get_peripheral_anon();
        name = qdev_free_child_name(parent, "device");
    }

    dev = DEVICE(object_new_with_class(OBJECT_CLASS(dc)));
    dev->id = g_strdup(id);
    object_property_add_child(parent, name, OBJECT(dev), &error_abort);
    object_unref(dev);   /* the tree holds it from now on */

    if (!object_kv_apply(OBJECT(dev), kv, device_reserved_keys, errp)) {
        goto fail;
    }
    if (!qdev_realize(dev, NULL, errp)) {
        goto fail;
    }
    return dev;

fail:
    object_unparent(OBJECT(dev));
    return NULL;
}

DeviceState *qdev_device_add_from_opts(QemuOpts *opts, Error **errp)
{
    g_autoptr(GPtrArray) kv = object_kv_from_opts(opts);

    return qdev_device_add_kv(qemu_opt_get(opts, "driver"),
                              qemu_opts_id(opts),
                              (const char *const *)kv->pdata, errp);
}

bool qdev_device_del(const char *id, Error **errp)
{
    DeviceState *dev = qdev_find_by_id(id);

    if (!dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id);
        return false;
    }
    object_unparent(OBJECT(dev));
    return true;
}

/* ---- help ---- */

static gint device_class_cmp(gconstpointer a, gconstpointer b)
{
    const char *na = object_class_get_name((ObjectClass *)a);
    const char *nb = object_class_get_name((ObjectClass *)b);
    int r = g_ascii_strcasecmp(na, nb);

    return r ? r : strcmp(na, nb);
}

static bool device_in_category(DeviceClass *dc, int cat)
{
    if (cat == DEVICE_CATEGORY_UNCATEGORIZED && !dc->categories) {
        return true;
    }
    return device_class_has_category(dc, cat);
}

static void qdev_print_devinfo(FILE *f, DeviceClass *dc)
{
    fprintf(f, "name \"%s\"", object_class_get_name(OBJECT_CLASS(dc)));
    if (dc->bus_type) {
        fprintf(f, ", bus %s", dc->bus_type);
    }
    if (dc->alias) {
        fprintf(f, ", alias \"%s\"", dc->alias);
    }
    if (dc->desc) {
        fprintf(f, ", desc \"%s\"", dc->desc);
    }
    if (!dc->user_creatable) {
        fprintf(f, ", no-user");
    }
    fprintf(f, "\n");
}

void qdev_print_device_list(FILE *f)
{
    GSList *list = object_class_get_list(TYPE_DEVICE, false);

    bool any_printed = false;

    list = g_slist_sort(list, device_class_cmp);
    for (int cat = 0; cat < DEVICE_CATEGORY_MAX; cat++) {
        bool title_printed = false;

        for (GSList *l = list; l; l = l->next) {
            DeviceClass *dc = l->data;

            if (!dc->user_creatable || !device_in_category(dc, cat)) {
                continue;
            }
            /* As QEMU: a section only when it has devices, with a blank
             * line between sections. */
            if (!title_printed) {
                fprintf(f, "%s%s:\n", any_printed ? "\n" : "",
                        device_category_titles[cat]);
                title_printed = any_printed = true;
            }
            qdev_print_devinfo(f, dc);
        }
    }
    g_slist_free(list);
}

bool qdev_print_device_props(const char *driver, FILE *f, Error **errp)
{
    ObjectClass *oc = qdev_class_by_name_or_alias(driver);

    if (!oc) {
        error_setg(errp, "Device '%s' not found", driver);
        return false;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device "
                   "type");
        return false;
    }
    object_class_print_props(oc, f);
    return true;
}
