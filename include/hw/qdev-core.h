/*
 * qdev-core.h: the device base type (TYPE_DEVICE): DeviceClass with its
 * categories, realize/unrealize/reset, user creation from -device options,
 * and the "-device help" listings. Buses are not modelled yet: BusState is
 * an opaque placeholder that qdev_realize records.
 */
#ifndef HW_QDEV_CORE_H
#define HW_QDEV_CORE_H

#include "qom/object.h"
#include "qemu/opts.h"

#define TYPE_DEVICE "device"

typedef struct BusState BusState;

/* Sections of "-device help", in the order QEMU prints them. */
typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_UNCATEGORIZED,   /* also: devices with no category */
    DEVICE_CATEGORY_MAX
} DeviceCategory;

typedef struct DeviceState DeviceState;
typedef void (*DeviceRealize)(DeviceState *dev, Error **errp);
typedef void (*DeviceUnrealize)(DeviceState *dev);
typedef void (*DeviceReset)(DeviceState *dev);

typedef struct DeviceClass {
    ObjectClass parent_class;
    uint32_t categories;       /* bit per DeviceCategory */
    const char *desc;          /* one line for "-device help" */
    const char *alias;         /* short name accepted by -device */
    /* -device / device_add may create it (false for board-only parts). */
    bool user_creatable;
    bool hotpluggable;
    const char *bus_type;      /* "ISA", "PCI", ... or NULL; shown by help */
    DeviceRealize realize;     /* sets errp on failure */
    DeviceUnrealize unrealize;
    DeviceReset reset;
} DeviceClass;

struct DeviceState {
    Object parent_obj;
    char *id;                  /* user-given id, or NULL */
    bool realized;
    BusState *parent_bus;
};

#define DEVICE(obj) OBJECT_CHECK(DeviceState, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(klass) OBJECT_CLASS_CHECK(DeviceClass, (klass), TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(DeviceClass, (obj), TYPE_DEVICE)

static inline void device_class_set_category(DeviceClass *dc,
                                             DeviceCategory cat)
{
    dc->categories |= UINT32_C(1) << cat;
}

static inline bool device_class_has_category(const DeviceClass *dc,
                                             DeviceCategory cat)
{
    return dc->categories & (UINT32_C(1) << cat);
}

/* Attach the static properties of a device class. */
void device_class_set_props(DeviceClass *dc, Property *props);

/* A new, unrealized device of a known non-abstract type (aborts
 * otherwise). The caller owns the reference. */
DeviceState *qdev_new(const char *typename);
/*
 * Realize dev on bus (may be NULL). A device without a parent in the
 * composition tree is first put under /machine/unattached/device[N].
 * Realizing twice is a programming error.
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* qdev_realize, then drop the caller's reference (the tree keeps one). */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);
/* Calls the class's reset hook. */
void device_cold_reset(DeviceState *dev);
/* Resets every realized device under obj in the composition tree. */
void qdev_reset_all_under(Object *obj);

/* "/machine" (the machine object, or a container until it exists). */
Object *qdev_get_machine(void);
/* /machine/peripheral: devices with an id. */
Object *qdev_get_peripheral(void);
/* /machine/peripheral-anon: user devices without an id. */
Object *qdev_get_peripheral_anon(void);
/* A user device by id, or NULL. */
DeviceState *qdev_find_by_id(const char *id);

/*
 * Look up a device class for a user-given name (type name or alias), with
 * QEMU's errors: "'foo' is not a valid device model name", "Parameter
 * 'driver' expects a non-abstract device type", "Parameter 'driver' expects
 * a pluggable device type" (the last only if need_user_creatable).
 */
DeviceClass *qdev_get_device_class(const char *driver,
                                   bool need_user_creatable, Error **errp);

/*
 * -device: create, set properties, realize, and place under
 * /machine/peripheral/ID (or peripheral-anon/device[N]). The driver comes
 * from the "driver" key (the implied key), the id from the QemuOpts id;
 * "bus" is refused for now (no buses); every other key is a property.
 * Returns the device, owned by the tree, or NULL with errp set.
 */
DeviceState *qdev_device_add_from_opts(QemuOpts *opts, Error **errp);
/* The same from plain strings: kv is NULL or a NULL-terminated array of
 * alternating keys and values (for QMP device_add and tests). */
DeviceState *qdev_device_add_kv(const char *driver, const char *id,
                                const char *const *kv, Error **errp);
/* device_del for an unrealized-on-removal device: unparent it. */
bool qdev_device_del(const char *id, Error **errp);

/* "-device help": sections, each device as QEMU prints it. */
void qdev_print_device_list(FILE *f);
/* "-device NAME,help": the properties; "Device 'x' not found" if unknown. */
bool qdev_print_device_props(const char *driver, FILE *f, Error **errp);

#endif
