/*
 * object_interfaces.h: the "user-creatable" interface behind -object and
 * QMP object-add/object-del. Objects live under /objects/ID; their options
 * are the static properties of their class.
 */
#ifndef QOM_OBJECT_INTERFACES_H
#define QOM_OBJECT_INTERFACES_H

#include "qom/object.h"
#include "qemu/opts.h"

#define TYPE_USER_CREATABLE "user-creatable"

typedef struct UserCreatableClass {
    InterfaceClass parent_class;
    /* Called once properties are set and the object is in /objects. */
    void (*complete)(Object *obj, Error **errp);
    /* May refuse object-del (e.g. a backend still in use). */
    bool (*can_be_deleted)(Object *obj);
} UserCreatableClass;

#define USER_CREATABLE_CLASS(klass) \
    OBJECT_CLASS_CHECK(UserCreatableClass, (klass), TYPE_USER_CREATABLE)
#define USER_CREATABLE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(UserCreatableClass, (obj), TYPE_USER_CREATABLE)

/* Run the complete hook if obj implements the interface and has one. */
bool user_creatable_complete(Object *obj, Error **errp);
bool user_creatable_can_be_deleted(Object *obj);

/*
 * Create, set properties, add under /objects/ID, complete. Errors as
 * QEMU: "Parameter 'qom-type' is missing", "Parameter 'id' is missing",
 * "Parameter 'qom-type' does not accept value 'x'", "Invalid parameter
 * 'y'", "Duplicate ID 'z' for object". kv is NULL or a NULL-terminated
 * array of alternating keys and values ("qom-type" and "id" are skipped).
 * Returns the object, owned by the tree, or NULL.
 */
/*
 * Helpers for creating an object from key/value pairs (-object, -device).
 * kv is NULL or a NULL-terminated array of key, value, key, value...
 *
 * object_kv_check_id: fail with QEMU's "Parameter 'id' expects an
 * identifier" (and its hint) unless id is well-formed.
 * object_kv_apply: object_property_parse() each pair whose key is not in
 * the NULL-terminated array reserved; stops at the first error.
 * object_kv_from_opts: the options of opts as such a kv array (the
 * GPtrArray's pdata); the strings belong to opts.
 */
bool object_kv_check_id(const char *id, Error **errp);
bool object_kv_apply(Object *obj, const char *const *kv,
                     const char *const *reserved, Error **errp);
GPtrArray *object_kv_from_opts(QemuOpts *opts);

Object *user_creatable_add_kv(const char *type, const char *id,
                              const char *const *kv, Error **errp);
/* -object: the type from the "qom-type" key (the implied key), the id
 * from the QemuOpts id. */
Object *user_creatable_add_opts(QemuOpts *opts, Error **errp);
/* object-del: "object 'x' not found", or in use. */
bool user_creatable_del(const char *id, Error **errp);

/* "-object help": "List of user creatable objects:" and the type names. */
void user_creatable_print_types(FILE *f);
/* "-object TYPE,help"; errors like user_creatable_add for a bad type. */
bool user_creatable_print_props(const char *type, FILE *f, Error **errp);

#endif
