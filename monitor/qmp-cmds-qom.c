/*
 * qmp-cmds-qom.c: the QOM QMP commands: qom-list, qom-get, qom-set on the
 * composition tree, and qom-list-types, qom-list-properties and
 * device-list-properties on the classes. Keel's properties are static
 * class tables, so values travel as the command-line strings they parse
 * from and print to, typed for JSON by the property's type name.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "qobject/json.h"
#include "qobject/qbool.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qom/object.h"

static Object *qom_resolve(const char *path, Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
    }
    return obj;
}

static void qom_add_info(ObjectPropertyInfoList ***tail, const char *name,
                         const char *type, const char *description,
                         QObject *default_value)
{
    ObjectPropertyInfo *info = g_new0(ObjectPropertyInfo, 1);

    info->name = g_strdup(name);
    info->type = g_strdup(type);
    if (description) {
        info->has_description = true;
        info->description = g_strdup(description);
    }
    if (default_value) {
        info->has_default_value = true;
        info->default_value = default_value;
    }
    **tail = g_new0(ObjectPropertyInfoList, 1);
    (**tail)->value = info;
    *tail = &(**tail)->next;
}

static int qom_list_child(Object *child, void *opaque)
{
    g_autofree char *type = g_strdup_printf("child<%s>",
                                            object_get_typename(child));

    qom_add_info(opaque, child->child_name, type, NULL, NULL);
    return 0;
}

static void qom_list_prop(Property *prop, void *opaque)
{
    g_autofree char *type = object_property_type_name(prop);

    qom_add_info(opaque, prop->name, type, NULL, NULL);
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, Error **errp)
{
    ObjectPropertyInfoList *head = NULL, **tail = &head;
    Object *obj = qom_resolve(path, errp);

    if (!obj) {
        return NULL;
    }
    qom_add_info(&tail, "type", "string", NULL, NULL);
    object_child_foreach(obj, qom_list_child, &tail);
    object_class_property_foreach(object_get_class(obj), qom_list_prop,
                                  &tail);
    return head;
}

static bool qom_type_is_number(const char *type)
{
    return g_str_has_prefix(type, "int") || g_str_has_prefix(type, "uint") ||
           !strcmp(type, "size");
}

/* A property's printed value as the JSON value QEMU would return. */
static QObject *qom_value_to_qobject(const char *type, const char *value)
{
    if (!strcmp(type, "bool")) {
        return QOBJECT(qbool_from_bool(!strcmp(value, "on") ||
                                       !strcmp(value, "true")));
    }
    if (qom_type_is_number(type)) {
        char *end;

        errno = 0;
        if (value[0] == '-') {
            int64_t v = g_ascii_strtoll(value, &end, 0);

            if (!errno && !*end) {
                return QOBJECT(qnum_from_int(v));
            }
        } else {
            uint64_t v = g_ascii_strtoull(value, &end, 0);

            if (!errno && !*end) {
                return v > INT64_MAX ? QOBJECT(qnum_from_uint(v))
                                     : QOBJECT(qnum_from_int(v));
            }
        }
    }
    return QOBJECT(qstring_from_str(value));
}

QObject *qmp_qom_get(const char *path, const char *property, Error **errp)
{
    Object *obj = qom_resolve(path, errp);
    g_autofree char *value = NULL;
    g_autofree char *type = NULL;
    Property *prop;
    Object *child;

    if (!obj) {
        return NULL;
    }
    if (!strcmp(property, "type")) {
        return QOBJECT(qstring_from_str(object_get_typename(obj)));
    }
    child = object_resolve_path_component(obj, property);
    if (child && child->parent == obj) {
        g_autofree char *cpath = object_get_canonical_path(child);

        return QOBJECT(qstring_from_str(cpath ? cpath : ""));
    }
    prop = object_property_find(obj, property);
    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), property);
        return NULL;
    }
    value = object_property_print(obj, property, errp);
    if (!value) {
        return NULL;
    }
    type = object_property_type_name(prop);
    return qom_value_to_qobject(type, value);
}

void qmp_qom_set(const char *path, const char *property, QObject *value,
                 Error **errp)
{
    Object *obj = qom_resolve(path, errp);
    g_autofree char *text = NULL;

    if (!obj) {
        return;
    }
    switch (qobject_type(value)) {
    case QTYPE_QSTRING:
        text = g_strdup(qstring_get_str(qobject_to(QString, value)));
        break;
    case QTYPE_QBOOL:
        text = g_strdup(qbool_get_bool(qobject_to(QBool, value)) ? "on"
                                                                 : "off");
        break;
    case QTYPE_QNUM:
        text = qnum_to_string(qobject_to(QNum, value));
        break;
    default:
        error_setg(errp, "Invalid parameter type for '%s', expected: "
                   "string, number or boolean", property);
        return;
    }
    object_property_parse(obj, property, text, errp);
}

ObjectTypeInfoList *qmp_qom_list_types(bool has_implements,
                                       const char *implements,
                                       bool has_abstract, bool abstract,
                                       Error **errp)
{
    ObjectTypeInfoList *head = NULL, **tail = &head;
    GSList *list;

    if (has_implements && !object_class_by_name(implements)) {
        return NULL;
    }
    list = object_class_get_list(has_implements ? implements : NULL,
                                 has_abstract && abstract);
    for (GSList *l = list; l; l = l->next) {
        ObjectClass *klass = l->data;
        ObjectClass *parent = object_class_get_parent(klass);
        ObjectTypeInfo *info = g_new0(ObjectTypeInfo, 1);

        info->name = g_strdup(object_class_get_name(klass));
        if (object_class_is_abstract(klass)) {
            info->has_abstract = true;
            info->abstract = true;
        }
        if (parent) {
            info->has_parent = true;
            info->parent = g_strdup(object_class_get_name(parent));
        }
        *tail = g_new0(ObjectTypeInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    g_slist_free(list);
    return head;
}

static void qom_class_prop(Property *prop, void *opaque)
{
    g_autofree char *type = object_property_type_name(prop);
    g_autofree char *def = object_property_default_string(prop);
    QObject *defval = NULL;

    if (def) {
        /* The help form is JSON-like: 115200, false, "auto". */
        defval = qobject_from_json(def, NULL);
    }
    qom_add_info(opaque, prop->name, type, object_property_description(prop),
                 defval);
}

static ObjectPropertyInfoList *qom_class_props(ObjectClass *klass)
{
    ObjectPropertyInfoList *head = NULL, **tail = &head;

    object_class_property_foreach(klass, qom_class_prop, &tail);
    return head;
}

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   Error **errp)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return NULL;
    }
    if (!object_class_dynamic_cast(klass, "device")) {
        error_setg(errp, "Parameter 'typename' expects device type");
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        error_setg(errp, "Parameter 'typename' expects non-abstract device "
                   "type");
        return NULL;
    }
    return qom_class_props(klass);
}

ObjectPropertyInfoList *qmp_qom_list_properties(const char *typename,
                                                Error **errp)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass) {
        error_setg(errp, "Class '%s' not found", typename);
        return NULL;
    }
    return qom_class_props(klass);
}
