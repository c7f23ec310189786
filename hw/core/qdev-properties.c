/*
 * qdev-properties.c: the value types of static properties (bool, integers,
 * size, string, link, and the chardev/drive/netdev backends), each a
 * PropertyInfo that parses from and prints to the command-line syntax with
 * QEMU's error messages. The lookup/help engine is qom/property.c.
 */
#include "qemu/osdep.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-core.h"

/* ---- bool ---- */

static bool prop_parse_bool(Object *obj, Property *prop, const char *value,
                            Error **errp)
{
    bool *field = object_property_field(obj, prop);
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(value, yes[i])) {
            *field = true;
            return true;
        }
        if (!strcmp(value, no[i])) {
            *field = false;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", prop->name);
    return false;
}

static char *prop_print_bool(Object *obj, Property *prop)
{
    return g_strdup(*(bool *)object_property_field(obj, prop) ? "true"
                                                               : "false");
}

const PropertyInfo qdev_prop_bool = {
    .name = "bool",
    .kind = PROP_KIND_BOOL,
    .size = sizeof(bool),
    .parse = prop_parse_bool,
    .print = prop_print_bool,
};

/* ---- integers ---- */

/* The C type QEMU names in "Parameter 'x' expects uint32_t". */
static const char *prop_int_ctype(const PropertyInfo *info)
{
    if (info->kind == PROP_KIND_UINT) {
        switch (info->size) {
        case 1:
            return "uint8_t";
        case 2:
            return "uint16_t";
        case 4:
            return "uint32_t";
        default:
            return "uint64_t";
        }
    }
    return info->size == 4 ? "int32_t" : "int64_t";
}

/*
 * Any integer type: the width is info->size and the signedness info->kind.
 * Like QEMU, any base is accepted, and for unsigned types "-1" wraps
 * (so only uint64 accepts it).
 */
static bool prop_parse_integer(Object *obj, Property *prop, const char *value,
                               Error **errp)
{
    const PropertyInfo *info = prop->info;
    bool in_range;
    uint64_t v;
    char *end;

    errno = 0;
    if (info->kind == PROP_KIND_INT) {
        long long sv = strtoll(value, &end, 0);

        in_range = sv >= info->imin && sv <= info->imax;
        v = (uint64_t)sv;
    } else {
        unsigned long long uv = strtoull(value, &end, 0);

        in_range = uv <= info->umax;
        v = uv;
    }
    if (!*value || *end || errno) {
        error_setg(errp, "Parameter '%s' expects integer", prop->name);
        return false;
    }
    if (!in_range) {
        error_setg(errp, "Parameter '%s' expects %s", prop->name,
                   prop_int_ctype(info));
        return false;
    }
    object_property_store_int(object_property_field(obj, prop), info->size,
                              v);
    return true;
}

static char *prop_print_integer(Object *obj, Property *prop)
{
    void *field = object_property_field(obj, prop);

    if (prop->info->kind == PROP_KIND_INT) {
        return g_strdup_printf("%" PRId64,
                               object_property_load_int(field,
                                                        prop->info->size));
    }
    return g_strdup_printf("%" PRIu64,
                           object_property_load_uint(field, prop->info->size));
}

#define UINT_PROP_INFO(_name, _ctype, _max)                             \
    {                                                                   \
        .name = _name, .kind = PROP_KIND_UINT, .size = sizeof(_ctype),  \
        .umax = _max, .parse = prop_parse_integer,                      \
        .print = prop_print_integer                                     \
    }

const PropertyInfo qdev_prop_uint8 = UINT_PROP_INFO("uint8", uint8_t,
                                                    UINT8_MAX);
const PropertyInfo qdev_prop_uint16 = UINT_PROP_INFO("uint16", uint16_t,
                                                     UINT16_MAX);
const PropertyInfo qdev_prop_uint32 = UINT_PROP_INFO("uint32", uint32_t,
                                                     UINT32_MAX);
const PropertyInfo qdev_prop_uint64 = UINT_PROP_INFO("uint64", uint64_t,
                                                     UINT64_MAX);

const PropertyInfo qdev_prop_int32 = {
    .name = "int32", .kind = PROP_KIND_INT, .size = sizeof(int32_t),
    .imin = INT32_MIN, .imax = INT32_MAX,
    .parse = prop_parse_integer, .print = prop_print_integer,
};

const PropertyInfo qdev_prop_int64 = {
    .name = "int64", .kind = PROP_KIND_INT, .size = sizeof(int64_t),
    .imin = INT64_MIN, .imax = INT64_MAX,
    .parse = prop_parse_integer, .print = prop_print_integer,
};

/* ---- size ---- */

/*
 * "4096", "0x1000", "64K", "1.5G", "2MB": a number with an optional
 * binary suffix (B K M G T P E, any case). A fraction needs a suffix
 * bigger than B. No sign, no whitespace.
 */
static bool prop_size_from_str(const char *str, uint64_t *out)
{
    static const char suffixes[] = "BKMGTPE";
    unsigned long long whole;
    uint64_t mult = 1;
    double frac = 0;
    const char *p;
    char *end;

    if (!g_ascii_isdigit(str[0])) {
        return false;
    }
    errno = 0;
    whole = strtoull(str, &end, 0);
    if (errno) {
        return false;
    }
    p = end;
    if (*p == '.') {
        if (str[1] == 'x' || str[1] == 'X' || !g_ascii_isdigit(p[1])) {
            return false;   /* no hex fractions, no lone '.' */
        }
        double scale = 0.1;

        for (p++; g_ascii_isdigit(*p); p++) {
            frac += (*p - '0') * scale;
            scale /= 10;
        }
    }
    if (*p) {
        const char *s = strchr(suffixes, g_ascii_toupper(*p));

        if (!s) {
            return false;
        }
        p++;
        if (*s != 'B' && (*p == 'B' || *p == 'b')) {
            p++;   /* "64KB" */
        }
        if (*p) {
            return false;
        }
        mult = UINT64_C(1) << (10 * (s - suffixes));
    }
    if (frac != 0 && mult == 1) {
        return false;
    }
    if (whole > UINT64_MAX / mult) {
        return false;
    }
    whole *= mult;
    if (frac != 0) {
        uint64_t extra = (uint64_t)(frac * (double)mult);

        if (whole > UINT64_MAX - extra) {
            return false;
        }
        whole += extra;
    }
    *out = whole;
    return true;
}

static bool prop_parse_size(Object *obj, Property *prop, const char *value,
                            Error **errp)
{
    uint64_t v;

    if (!prop_size_from_str(value, &v)) {
        error_setg(errp, "Parameter '%s' expects size", prop->name);
        return false;
    }
    *(uint64_t *)object_property_field(obj, prop) = v;
    return true;
}

const PropertyInfo qdev_prop_size = {
    .name = "size", .kind = PROP_KIND_UINT, .size = sizeof(uint64_t),
    .umax = UINT64_MAX,
    .parse = prop_parse_size, .print = prop_print_integer,
};

/* ---- string ---- */

static bool prop_parse_string(Object *obj, Property *prop, const char *value,
                              Error **errp)
{
    char **field = object_property_field(obj, prop);

    g_free(*field);
    *field = g_strdup(value);
    return true;
}

static char *prop_print_string(Object *obj, Property *prop)
{
    char *v = *(char **)object_property_field(obj, prop);

    return g_strdup(v ? v : "");
}

static void prop_release_string(Object *obj, Property *prop)
{
    g_clear_pointer((char **)object_property_field(obj, prop), g_free);
}

const PropertyInfo qdev_prop_string = {
    .name = "str", .kind = PROP_KIND_STRING,
    .parse = prop_parse_string, .print = prop_print_string,
    .release = prop_release_string,
};

/* The same for object-level options (-machine, -object), which QEMU's help
 * spells "string". */
const PropertyInfo qdev_prop_qom_string = {
    .name = "string", .kind = PROP_KIND_STRING,
    .parse = prop_parse_string, .print = prop_print_string,
    .release = prop_release_string,
};

/* ---- link ---- */

static bool prop_parse_link(Object *obj, Property *prop, const char *value,
                            Error **errp)
{
    Object **field = object_property_field(obj, prop);
    const char *type = prop->link_type ? prop->link_type : TYPE_OBJECT;
    bool ambiguous = false;
    Object *target = NULL;

    if (*value) {
        target = object_resolve_path_type(value, type, &ambiguous);
        if (ambiguous) {
            error_setg(errp, "Path '%s' does not uniquely identify an object",
                       value);
            return false;
        }
        if (!target) {
            /* Tell "wrong type" apart from "nothing there". */
            if (object_resolve_path(value, &ambiguous) || ambiguous) {
                error_setg(errp, "Invalid parameter type for '%s', "
                           "expected: %s", prop->name, type);
            } else {
                error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                          "Device '%s' not found", value);
            }
            return false;
        }
    }
    object_ref(target);
    object_unref(*field);
    *field = target;
    return true;
}

static char *prop_print_link(Object *obj, Property *prop)
{
    Object *target = *(Object **)object_property_field(obj, prop);
    char *path = target ? object_get_canonical_path(target) : NULL;

    return path ? path : g_strdup("");
}

static void prop_release_link(Object *obj, Property *prop)
{
    Object **field = object_property_field(obj, prop);

    object_unref(*field);
    *field = NULL;
}

const PropertyInfo qdev_prop_link = {
    .name = "link", .kind = PROP_KIND_LINK,
    .parse = prop_parse_link, .print = prop_print_link,
    .release = prop_release_link,
};

/* ---- backends ---- */

enum { RESOLVER_CHARDEV, RESOLVER_DRIVE, RESOLVER_NETDEV, RESOLVER__MAX };

static const char *const resolver_kinds[RESOLVER__MAX] = {
    [RESOLVER_CHARDEV] = "chardev",
    [RESOLVER_DRIVE] = "drive",
    [RESOLVER_NETDEV] = "netdev",
};
static const PropertyResolver *resolvers[RESOLVER__MAX];

bool qdev_prop_set_resolver(const char *kind, const PropertyResolver *r)
{
    for (int i = 0; i < RESOLVER__MAX; i++) {
        if (!strcmp(kind, resolver_kinds[i])) {
            resolvers[i] = r;
            return true;
        }
    }
    return false;
}

static const PropertyResolver *prop_resolver(const PropertyInfo *info)
{
    if (info == &qdev_prop_chr) {
        return resolvers[RESOLVER_CHARDEV];
    }
    if (info == &qdev_prop_drive) {
        return resolvers[RESOLVER_DRIVE];
    }
    return resolvers[RESOLVER_NETDEV];
}

static bool prop_parse_backend(Object *obj, Property *prop,
                               const char *value, Error **errp)
{
    const PropertyResolver *r = prop_resolver(prop->info);

    if (r) {
        return r->set(obj, prop, object_property_field(obj, prop), value,
                      errp);
    }
    if (!*value) {
        return true;
    }
    error_setg(errp, "Property '%s.%s' can't find value '%s'",
               object_get_typename(obj), prop->name, value);
    return false;
}

static char *prop_print_backend(Object *obj, Property *prop)
{
    const PropertyResolver *r = prop_resolver(prop->info);
    char *s = r && r->print
        ? r->print(obj, prop, object_property_field(obj, prop)) : NULL;

    return s ? s : g_strdup("");
}

static void prop_release_backend(Object *obj, Property *prop)
{
    const PropertyResolver *r = prop_resolver(prop->info);

    if (r && r->release) {
        r->release(obj, prop, object_property_field(obj, prop));
    }
}

#define BACKEND_PROP_INFO(_desc)                                        \
    {                                                                   \
        .name = "str", .description = _desc, .kind = PROP_KIND_BACKEND, \
        .parse = prop_parse_backend, .print = prop_print_backend,       \
        .release = prop_release_backend,                                \
    }

const PropertyInfo qdev_prop_chr =
    BACKEND_PROP_INFO("ID of a chardev to use as a backend");
const PropertyInfo qdev_prop_drive =
    BACKEND_PROP_INFO("Node name or ID of a block device to use as a backend");
const PropertyInfo qdev_prop_netdev =
    BACKEND_PROP_INFO("ID of a netdev to use as a backend");

/* ---- board-code shorthands ---- */

void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value)
{
    object_property_set_bool(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value)
{
    object_property_set_int(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_int64(DeviceState *dev, const char *name, int64_t value)
{
    object_property_set_int(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value)
{
    object_property_set_str(OBJECT(dev), name, value, &error_abort);
}
