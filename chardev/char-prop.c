/*
 * char-prop.c: the "chardev" device property (DEFINE_PROP_CHR), which binds
 * a device's CharBackend field to a -chardev by id. The object model knows
 * nothing of chardevs; this file plugs the lookup in as its resolver.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "hw/qdev-properties.h"
#include "qom/object.h"

static bool chr_prop_set(Object *obj, Property *prop, void *field,
                         const char *id, Error **errp)
{
    CharBackend *be = field;
    Error *local_err = NULL;
    Chardev *chr;

    if (be->chr) {
        qemu_chr_fe_deinit(be, false);
    }
    if (!*id) {
        return true;    /* an empty id leaves the device unconnected */
    }
    chr = qemu_chr_find(id);
    if (!chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), prop->name, id);
        return false;
    }
    if (!qemu_chr_fe_init(be, chr, &local_err)) {
        error_propagate_prepend(errp, local_err,
                                "Property '%s.%s' can't take value '%s': ",
                                object_get_typename(obj), prop->name, id);
        return false;
    }
    return true;
}

static char *chr_prop_print(Object *obj, Property *prop, void *field)
{
    CharBackend *be = field;
    Chardev *chr = qemu_chr_fe_get_driver(be);

    return chr ? g_strdup(qemu_chr_get_label(chr)) : NULL;
}

static void chr_prop_release(Object *obj, Property *prop, void *field)
{
    qemu_chr_fe_deinit(field, false);
}

static const PropertyResolver chr_prop_resolver = {
    .set = chr_prop_set,
    .print = chr_prop_print,
    .release = chr_prop_release,
};

void qemu_chr_register_qdev_property(void)
{
    qdev_prop_set_resolver("chardev", &chr_prop_resolver);
}
