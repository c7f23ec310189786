/*
 * qdev-properties.h: static class properties: the Property table a class
 * declares with DEFINE_PROP_*() and the PropertyInfo of each value type.
 *
 * The same table serves -device/-object key=value parsing, help output and
 * QMP introspection, without creating an instance. Accessors live in
 * qom/object.h (object_property_parse, object_property_print, ...).
 */
#ifndef HW_QDEV_PROPERTIES_H
#define HW_QDEV_PROPERTIES_H

#include "qom/object.h"

typedef enum PropertyKind {
    PROP_KIND_BOOL,
    PROP_KIND_UINT,     /* u8..u64, size: value in [0, umax] */
    PROP_KIND_INT,      /* i32, i64: value in [imin, imax] */
    PROP_KIND_STRING,   /* char *, owned by the object */
    PROP_KIND_LINK,     /* Object *, holds a reference */
    PROP_KIND_BACKEND,  /* chardev, drive, netdev: bound by a resolver */
} PropertyKind;

typedef struct PropertyInfo {
    const char *name;          /* the type as help shows it: "uint32" */
    const char *description;   /* shown by help unless the Property has one */
    PropertyKind kind;
    unsigned size;             /* bytes of the field for BOOL/UINT/INT */
    uint64_t umax;
    int64_t imin, imax;
    /* Parse value and store it; errors use QEMU's wording. */
    bool (*parse)(Object *obj, Property *prop, const char *value,
                  Error **errp);
    /* The value as a string; caller frees. */
    char *(*print)(Object *obj, Property *prop);
    /* Frees what the field owns (string, link reference, backend). */
    void (*release)(Object *obj, Property *prop);
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;           /* of the field in the instance struct */
    bool set_default;           /* apply defval at instance init */
    union {
        int64_t i;
        uint64_t u;
    } defval;
    const char *defval_str;     /* default of a string property */
    const char *link_type;      /* target type of a link */
    const char *description;    /* overrides info->description */
};

extern const PropertyInfo qdev_prop_bool;
extern const PropertyInfo qdev_prop_uint8;
extern const PropertyInfo qdev_prop_uint16;
extern const PropertyInfo qdev_prop_uint32;
extern const PropertyInfo qdev_prop_uint64;
extern const PropertyInfo qdev_prop_int32;
extern const PropertyInfo qdev_prop_int64;
extern const PropertyInfo qdev_prop_size;    /* uint64_t, K/M/G/T/P/E */
extern const PropertyInfo qdev_prop_string;  /* char *, help says "str" */
/* char * too; help says "string", as QEMU's -machine/-object help does. */
extern const PropertyInfo qdev_prop_qom_string;
extern const PropertyInfo qdev_prop_link;    /* Object * (or a subtype *) */
extern const PropertyInfo qdev_prop_chr;     /* a CharBackend */
extern const PropertyInfo qdev_prop_drive;   /* a BlockBackend * */
extern const PropertyInfo qdev_prop_netdev;  /* a NICPeers */

/*
 * Backend properties (chardev, drive, netdev) are bound by the layer that
 * owns the backend, which registers a resolver at startup, e.g. the chardev
 * layer: qdev_prop_set_resolver("chardev", &chr_resolver). The field's
 * layout is the resolver's business (CharBackend, BlockBackend *, ...).
 * Until a resolver is registered, "" is accepted (no backend) and any other
 * value fails with "Property 'dev.chardev' can't find value 'x'".
 */
typedef struct PropertyResolver {
    /* Bind the backend named id (never NULL, may be "") to field. */
    bool (*set)(Object *obj, Property *prop, void *field, const char *id,
                Error **errp);
    /* The bound backend's id, or NULL for none; caller frees. */
    char *(*print)(Object *obj, Property *prop, void *field);
    void (*release)(Object *obj, Property *prop, void *field);
} PropertyResolver;

/* kind is "chardev", "drive" or "netdev"; r must stay alive. Returns false
 * for an unknown kind. */
bool qdev_prop_set_resolver(const char *kind, const PropertyResolver *r);

/* The field of prop inside obj. */
static inline void *object_property_field(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

/*
 * The integer field of size bytes (1, 2, 4 or 8; PropertyInfo.size):
 * store the low size bytes of v, or load it zero- or sign-extended.
 */
void object_property_store_int(void *field, unsigned size, uint64_t v);
uint64_t object_property_load_uint(const void *field, unsigned size);
int64_t object_property_load_int(const void *field, unsigned size);

/*
 * DEFINE_PROP(name, State, field, info, type, extra...): the generic entry;
 * type must match the field's C type (checked at compile time). Extra
 * designated initializers may follow (.description = "...").
 */
#define QDEV_PROP_TYPE_CHECK(_state, _field, _type)                        \
    (0 * sizeof(struct {                                                   \
        _Static_assert(__builtin_types_compatible_p(                       \
                           _type, __typeof__(((_state *)0)->_field)),      \
                       "property field has the wrong type");               \
        int dummy_;                                                        \
    }))

#define DEFINE_PROP(_name, _state, _field, _info, _type, ...)             \
    {                                                                      \
        .name = (_name),                                                   \
        .info = &(_info),                                                  \
        .offset = offsetof(_state, _field) +                               \
                  QDEV_PROP_TYPE_CHECK(_state, _field, _type),             \
        __VA_ARGS__                                                        \
    }

#define DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, _info, _type, ...)           \
    DEFINE_PROP(_n, _s, _f, _info, _type, .set_default = true,            \
                .defval.u = (_type)(_d), ##__VA_ARGS__)
#define DEFINE_PROP_SIGNED(_n, _s, _f, _d, _info, _type, ...)             \
    DEFINE_PROP(_n, _s, _f, _info, _type, .set_default = true,            \
                .defval.i = (_type)(_d), ##__VA_ARGS__)

#define DEFINE_PROP_BOOL(_n, _s, _f, _d, ...) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_bool, bool, .set_default = true, \
                .defval.u = (bool)(_d), ##__VA_ARGS__)
#define DEFINE_PROP_UINT8(_n, _s, _f, _d, ...) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint8, uint8_t, ##__VA_ARGS__)
#define DEFINE_PROP_UINT16(_n, _s, _f, _d, ...) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint16, uint16_t, \
                         ##__VA_ARGS__)
#define DEFINE_PROP_UINT32(_n, _s, _f, _d, ...) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint32, uint32_t, \
                         ##__VA_ARGS__)
#define DEFINE_PROP_UINT64(_n, _s, _f, _d, ...) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint64, uint64_t, \
                         ##__VA_ARGS__)
#define DEFINE_PROP_INT32(_n, _s, _f, _d, ...) \
    DEFINE_PROP_SIGNED(_n, _s, _f, _d, qdev_prop_int32, int32_t, ##__VA_ARGS__)
#define DEFINE_PROP_INT64(_n, _s, _f, _d, ...) \
    DEFINE_PROP_SIGNED(_n, _s, _f, _d, qdev_prop_int64, int64_t, ##__VA_ARGS__)
#define DEFINE_PROP_SIZE(_n, _s, _f, _d, ...) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_size, uint64_t, \
                         ##__VA_ARGS__)
/* A string property; NULL until set (no default shown by help). */
#define DEFINE_PROP_STRING(_n, _s, _f, ...) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_string, char *, ##__VA_ARGS__)
/* A string property with a default (a string literal). */
#define DEFINE_PROP_STRING_DEFAULT(_n, _s, _f, _d, ...) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_string, char *, .set_default = true, \
                .defval_str = (_d), ##__VA_ARGS__)
/* A link to an object of type _linktype, held in a _ptr_type field. */
#define DEFINE_PROP_LINK(_n, _s, _f, _linktype, _ptr_type, ...) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_link, _ptr_type, \
                .link_type = (_linktype), ##__VA_ARGS__)
/* Backends: the field type is not checked here (its header may not be
 * included); the resolver defines it. */
#define DEFINE_PROP_BACKEND(_n, _s, _f, _info, ...) \
    { .name = (_n), .info = &(_info), .offset = offsetof(_s, _f), \
      ##__VA_ARGS__ }
#define DEFINE_PROP_CHR(_n, _s, _f, ...) \
    DEFINE_PROP_BACKEND(_n, _s, _f, qdev_prop_chr, ##__VA_ARGS__)
#define DEFINE_PROP_DRIVE(_n, _s, _f, ...) \
    DEFINE_PROP_BACKEND(_n, _s, _f, qdev_prop_drive, ##__VA_ARGS__)
#define DEFINE_PROP_NETDEV(_n, _s, _f, ...) \
    DEFINE_PROP_BACKEND(_n, _s, _f, qdev_prop_netdev, ##__VA_ARGS__)

#define DEFINE_PROP_END_OF_LIST() { .name = NULL }

/* Board-code shorthands on a device; a failure (no such property, wrong
 * type, out of range, device realized) is a programming error: aborts. */
typedef struct DeviceState DeviceState;
void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value);
void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value);
void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t value);
void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value);
void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value);
void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value);
void qdev_prop_set_int64(DeviceState *dev, const char *name, int64_t value);
void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value);

#endif
