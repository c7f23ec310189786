/*
 * object.h: Keel's object model: types, classes, instances, interfaces,
 * checked casts, reference counting and the composition tree ("/machine/...").
 *
 * Properties are static tables on the class (see hw/qdev-properties.h), not
 * per-instance objects; the only per-instance "properties" are children.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "qemu/error.h"

typedef struct TypeImpl *Type;
typedef struct TypeInfo TypeInfo;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct InterfaceClass InterfaceClass;
typedef struct InterfaceInfo InterfaceInfo;
typedef struct Property Property;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"
#define TYPE_CONTAINER "container"

/*
 * The head of every class struct. A subclass embeds its parent's class struct
 * as its first member; class_init of the subclass sees the parent's values
 * already copied in and overrides what it wants.
 */
struct ObjectClass {
    Type type;
    GSList *interfaces;  /* InterfaceClass *, one per implemented interface */
    /* Called by object_unparent() before the object leaves the tree (a
     * device unrealizes itself here). */
    void (*unparent)(Object *obj);
    /* May refuse setting a static property now (a realized device does). */
    bool (*check_prop_set)(Object *obj, Property *prop, Error **errp);
};

/* The head of every instance struct; subclasses embed their parent first. */
struct Object {
    ObjectClass *class;
    void (*free)(void *obj);   /* how the memory goes: g_free for object_new */
    int ref;
    Object *parent;            /* in the composition tree, or NULL */
    char *child_name;          /* our name in parent's children */
    GHashTable *children;      /* name -> Object * (a reference each) */
};

/* The class struct of an interface type. An implementing class gets its own
 * copy, reachable by casting the class to the interface name. */
struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;  /* the class that implements us */
    Type interface_type;
};

struct InterfaceInfo {
    const char *type;
};

struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;          /* 0: same as parent */
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    size_t class_size;             /* 0: same as parent */
    void (*class_init)(ObjectClass *klass, void *data);
    /* Runs for every subclass (not this type) before its class_init. */
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    const InterfaceInfo *interfaces;  /* terminated by { NULL } */
};

/*
 * Register a type. Only records the TypeInfo (which must stay alive), so it
 * may run from a constructor in any order: parents and interfaces are
 * resolved when the class is first used. Registering a name twice is a
 * programming error and aborts.
 */
Type type_register_static(const TypeInfo *info);
/* Same, for a TypeInfo the caller frees afterwards (it is copied). */
Type type_register(const TypeInfo *info);
/* Register an array of n TypeInfos. */
void type_register_static_array(const TypeInfo *infos, int n);

/*
 * type_init(fn): run fn (which registers types) before main(). Static
 * libraries drop object files nobody references, so a file whose only job
 * is registering types must be referenced from elsewhere to be linked.
 */
#define type_init(fn)                                                   \
    static void __attribute__((constructor)) qom_type_init_##fn(void)  \
    {                                                                   \
        fn();                                                           \
    }

#define DEFINE_TYPES(type_array)                                        \
    static void do_qemu_init_##type_array(void)                         \
    {                                                                   \
        type_register_static_array(type_array, ARRAY_SIZE(type_array)); \
    }                                                                   \
    type_init(do_qemu_init_##type_array)

/* ---- classes ---- */

/* The class of a registered type, initialised on first use; NULL when the
 * type is unknown. */
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *klass);
ObjectClass *object_class_get_parent(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
/* Returns klass (or the interface class) when it is or implements typename,
 * else NULL. typename may name an unknown type (then NULL). */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
/*
 * All classes that are or implement implements_type (all types if NULL),
 * abstract ones only if include_abstract. Order is unspecified; callers sort.
 * Free the list with g_slist_free.
 */
GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract);
/* Same, sorted by type name (strcmp). */
GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract);
void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque);

/* ---- instances ---- */

/* A new instance with one reference. The type must exist and not be
 * abstract (a programming error otherwise: aborts). For names that come
 * from a user, use object_new_checked. */
Object *object_new(const char *typename);
Object *object_new_with_class(ObjectClass *klass);
/* Like object_new but fails with "Invalid object type 'x'" style errors:
 * unknown type, or abstract. */
Object *object_new_checked(const char *typename, Error **errp);
Object *object_ref(void *obj);
/* Drops a reference; at zero the children are dropped, static properties
 * released, instance_finalize runs leaf to root, and the memory is freed. */
void object_unref(void *obj);
ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);
/* obj when it is an instance of typename (or implements the interface),
 * else NULL. */
Object *object_dynamic_cast(Object *obj, const char *typename);

/*
 * Checked casts, for the cast macros below. The type name is looked up once
 * per call site (cached in a static), then checks compare TypeImpl pointers.
 * A failed check is a programming error: abort with a message.
 */
Object *object_dynamic_cast_assert_cached(Object *obj, const char *typename,
                                          Type *cache, const char *file,
                                          int line, const char *func);
ObjectClass *object_class_dynamic_cast_assert_cached(
    ObjectClass *klass, const char *typename, Type *cache, const char *file,
    int line, const char *func);
/* Resolve typename once, for callers that keep their own Type. */
Type type_get_by_name(const char *typename);
/* Pointer-only check: is obj an instance of t (or implements it)? */
bool object_is_type(Object *obj, Type t);

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))

#define OBJECT_CHECK(type, obj, name)                                   \
    ({                                                                  \
        static Type qom_cast_cache_;                                    \
        (type *)object_dynamic_cast_assert_cached(                      \
            OBJECT(obj), (name), &qom_cast_cache_, __FILE__, __LINE__,  \
            __func__);                                                  \
    })

#define OBJECT_CLASS_CHECK(class_type, klass, name)                     \
    ({                                                                  \
        static Type qom_cast_cache_;                                    \
        (class_type *)object_class_dynamic_cast_assert_cached(          \
            OBJECT_CLASS(klass), (name), &qom_cast_cache_, __FILE__,    \
            __LINE__, __func__);                                        \
    })

#define OBJECT_GET_CLASS(class_type, obj, name) \
    OBJECT_CLASS_CHECK(class_type, object_get_class(OBJECT(obj)), name)

/*
 * OBJECT_DECLARE_TYPE(Instance, Class, MODULE): declares MODULE(obj),
 * MODULE_CLASS(klass) and MODULE_GET_CLASS(obj) casts; TYPE_MODULE must be
 * #defined to the type name.
 */
#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_NAME)         \
    typedef struct InstanceType InstanceType;                             \
    typedef struct ClassType ClassType;                                   \
    G_GNUC_UNUSED static inline InstanceType *MODULE_NAME(const void *obj) \
    {                                                                     \
        return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_NAME);       \
    }                                                                     \
    G_GNUC_UNUSED static inline ClassType *                               \
    MODULE_NAME##_GET_CLASS(const void *obj)                              \
    {                                                                     \
        return OBJECT_GET_CLASS(ClassType, obj, TYPE_##MODULE_NAME);      \
    }                                                                     \
    G_GNUC_UNUSED static inline ClassType *                               \
    MODULE_NAME##_CLASS(const void *klass)                                \
    {                                                                     \
        return OBJECT_CLASS_CHECK(ClassType, klass, TYPE_##MODULE_NAME);  \
    }

/* Same for a type without its own class struct: declares MODULE(obj). */
#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_NAME)             \
    typedef struct InstanceType InstanceType;                             \
    G_GNUC_UNUSED static inline InstanceType *MODULE_NAME(const void *obj) \
    {                                                                     \
        return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_NAME);       \
    }

/* ---- composition tree ---- */

/* The root container "/", created on first use. */
Object *object_get_root(void);
/* The "/objects" container that holds -object instances. */
Object *object_get_objects_root(void);
/*
 * Make child a child of parent under name: the parent takes a reference.
 * Fails if the name is taken ("attempt to add duplicate property 'x' to
 * object (type 'y')") or child already has a parent.
 */
bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp);
/* Remove obj from its parent (running klass->unparent first); drops the
 * parent's reference. No-op for an object without parent. */
void object_unparent(Object *obj);
/* The child called name, or NULL. */
Object *object_resolve_path_component(Object *parent, const char *name);
/*
 * Resolve a path. "/a/b" walks from the root. A path without a leading '/'
 * is partial: it matches any object whose path ends with those components;
 * it resolves only when exactly one object matches (otherwise *ambiguous is
 * set when more than one does). typename (may be NULL) filters candidates.
 */
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
/* "/machine/peripheral/foo" (or "/" for the root); NULL when obj is not in
 * the tree. Caller frees. */
char *object_get_canonical_path(const Object *obj);
/* Our name in the parent, or NULL. */
const char *object_get_canonical_path_component(const Object *obj);
/* Calls fn for each child, in name order, until it returns non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
/* Is id usable as a user id (-device id=, -object id=)? Letters, digits,
 * '-', '.', '_', starting with a letter, as QEMU requires. */
bool object_id_wellformed(const char *id);
/* Walk a path from root (absolute: leading '/' optional), creating
 * "container" objects for missing components; returns the last one. */
Object *container_get(Object *root, const char *path);

/* ---- static class properties (see hw/qdev-properties.h for Property) ---- */

/* Attach a Property table (terminated by DEFINE_PROP_END_OF_LIST()) to the
 * class; subclasses inherit it and may add their own table. */
void object_class_set_props(ObjectClass *klass, Property *props);
/* Look a property up on the class and its ancestors; NULL if absent. */
Property *object_class_property_find(ObjectClass *klass, const char *name);
Property *object_property_find(Object *obj, const char *name);
/* Calls fn for every property of the class (own and inherited). */
void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(Property *prop, void *opaque),
                                   void *opaque);
/*
 * Set property name from a string as the command line does, with QEMU's
 * messages: "Property 'type.name' not found", "Parameter 'name' expects
 * integer", ...
 */
bool object_property_parse(Object *obj, const char *name, const char *value,
                           Error **errp);
/* The value as a string (as -device would accept it); NULL (with errp) if
 * there is no such property. Caller frees. */
char *object_property_print(Object *obj, const char *name, Error **errp);
/* Typed access. Setters check the property's type and range. */
bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp);
bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp);
/* value may be NULL to clear; the link holds a reference on its target. */
bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
/* Caller frees; NULL for an unset string. */
char *object_property_get_str(Object *obj, const char *name, Error **errp);
Object *object_property_get_link(Object *obj, const char *name,
                                 Error **errp);

/* The type as help shows it: "uint32", "str", "link<memory-backend>".
 * Caller frees. */
char *object_property_type_name(const Property *prop);
/* The description, or NULL. */
const char *object_property_description(const Property *prop);
/* The default as help shows it ("115200", "false", "\"auto\""), or NULL
 * when the property has none. Caller frees. */
char *object_property_default_string(const Property *prop);
/* One help line: "  name=<type>      - description (default: X)". */
char *object_property_help_line(const Property *prop);
/*
 * Print "TYPE options:" and the sorted help lines of the class's properties,
 * or "There are no options for TYPE." when it has none.
 */
void object_class_print_props(ObjectClass *klass, FILE *f);

#endif
