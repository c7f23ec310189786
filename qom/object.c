/*
 * object.c: the type registry, lazy class initialisation with single
 * inheritance and interfaces, checked casts, and the lifecycle of instances
 * (new, ref, unref, finalize). The composition tree is in container.c and
 * static properties in property.c.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom-internal.h"

/*
 * Registration happens from constructors, lookups and class initialisation
 * from any thread that first touches a class; one recursive lock covers
 * both (class_init may look other classes up).
 */
static GRecMutex type_lock;
static GHashTable *type_table;   /* name -> TypeImpl * */
static Type type_interface;      /* TYPE_INTERFACE, for sanity checks */

static void type_register_core(void);

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
        type_register_core();
    }
    return type_table;
}

static Type type_lookup(const char *name)
{
    Type t;

    if (!name) {
        return NULL;
    }
    g_rec_mutex_lock(&type_lock);
    t = g_hash_table_lookup(type_table_get(), name);
    g_rec_mutex_unlock(&type_lock);
    return t;
}

Type type_register(const TypeInfo *info)
{
    Type ti;
    int n = 0;

    if (!info->name) {
        g_error("type_register: a TypeInfo without a name");
    }
    g_rec_mutex_lock(&type_lock);
    if (g_hash_table_lookup(type_table_get(), info->name)) {
        g_error("type '%s' is registered twice", info->name);
    }
    ti = g_new0(struct TypeImpl, 1);
    ti->name = g_strdup(info->name);
    ti->parent_name = g_strdup(info->parent);
    ti->instance_size = info->instance_size;
    ti->class_size = info->class_size;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->class_init = info->class_init;
    ti->class_base_init = info->class_base_init;
    ti->class_data = info->class_data;
    ti->abstract = info->abstract;
    if (info->interfaces) {
        while (info->interfaces[n].type) {
            n++;
        }
        ti->interface_names = g_new0(char *, n + 1);
        for (int i = 0; i < n; i++) {
            ti->interface_names[i] = g_strdup(info->interfaces[i].type);
        }
    }
    g_hash_table_insert(type_table, ti->name, ti);
    g_rec_mutex_unlock(&type_lock);
    return ti;
}

Type type_register_static(const TypeInfo *info)
{
    return type_register(info);
}

void type_register_static_array(const TypeInfo *infos, int n)
{
    for (int i = 0; i < n; i++) {
        type_register_static(&infos[i]);
    }
}

Type type_get_by_name(const char *typename)
{
    return type_lookup(typename);
}

static Type type_get_parent(Type ti)
{
    if (ti->parent_name && !ti->parent) {
        ti->parent = type_lookup(ti->parent_name);
        if (!ti->parent) {
            g_error("type '%s': parent type '%s' is not registered",
                    ti->name, ti->parent_name);
        }
    }
    return ti->parent;
}

static bool type_is_ancestor(Type ti, Type ancestor)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti == ancestor) {
            return true;
        }
    }
    return false;
}

static size_t type_class_size(Type ti)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti->class_size) {
            return ti->class_size;
        }
    }
    return sizeof(ObjectClass);
}

static size_t type_instance_size(Type ti)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti->instance_size) {
            return ti->instance_size;
        }
    }
    return sizeof(Object);
}

static void type_class_init(Type ti);

/* A class's own copy of an interface class, starting from "from". */
static InterfaceClass *type_new_interface_class(ObjectClass *concrete,
                                                Type iface,
                                                const InterfaceClass *from)
{
    size_t size = type_class_size(iface);
    InterfaceClass *ic = g_malloc0(size);

    memcpy(ic, from, size);
    ic->parent_class.type = iface;
    ic->parent_class.interfaces = NULL;
    ic->concrete_class = concrete;
    ic->interface_type = iface;
    return ic;
}

static bool class_has_interface(ObjectClass *klass, Type iface)
{
    for (GSList *l = klass->interfaces; l; l = l->next) {
        InterfaceClass *ic = l->data;
        if (type_is_ancestor(ic->interface_type, iface)) {
            return true;
        }
    }
    return false;
}

static void type_class_init(Type ti)
{
    Type parent;
    size_t size;
    ObjectClass *klass;

    if (ti->class) {
        return;
    }
    parent = type_get_parent(ti);
    if (parent) {
        type_class_init(parent);
    }
    size = type_class_size(ti);
    if (parent && size < type_class_size(parent)) {
        g_error("type '%s': class_size is smaller than its parent's",
                ti->name);
    }
    if (parent && type_instance_size(ti) < type_instance_size(parent)) {
        g_error("type '%s': instance_size is smaller than its parent's",
                ti->name);
    }
    if (type_interface && ti != type_interface &&
        type_is_ancestor(ti, type_interface)) {
        ti->abstract = true;   /* an interface is never instantiated */
    }

    klass = g_malloc0(size);
    if (parent) {
        memcpy(klass, parent->class, type_class_size(parent));
    }
    klass->type = ti;
    klass->interfaces = NULL;

    /* Inherited interfaces: copies of the parent's, so its overrides stay. */
    if (parent) {
        for (GSList *l = parent->class->interfaces; l; l = l->next) {
            InterfaceClass *pic = l->data;
            klass->interfaces = g_slist_append(
                klass->interfaces,
                type_new_interface_class(klass, pic->interface_type, pic));
        }
    }
    for (char **n = ti->interface_names; n && *n; n++) {
        Type iface = type_lookup(*n);

        if (!iface) {
            g_error("type '%s': interface '%s' is not registered",
                    ti->name, *n);
        }
        if (!type_is_ancestor(iface, type_interface)) {
            g_error("type '%s': '%s' is not an interface", ti->name, *n);
        }
        type_class_init(iface);
        if (class_has_interface(klass, iface)) {
            continue;
        }
        klass->interfaces = g_slist_append(
            klass->interfaces,
            type_new_interface_class(klass, iface,
                                     (InterfaceClass *)iface->class));
    }

    /* Publish before running the hooks: class_init may cast klass. */
    ti->class = klass;
    for (Type a = parent; a; a = type_get_parent(a)) {
        if (a->class_base_init) {
            a->class_base_init(klass, ti->class_data);
        }
    }
    if (ti->class_init) {
        ti->class_init(klass, ti->class_data);
    }
}

static ObjectClass *type_get_class(Type ti)
{
    g_rec_mutex_lock(&type_lock);
    type_class_init(ti);
    g_rec_mutex_unlock(&type_lock);
    return ti->class;
}

ObjectClass *object_class_by_name(const char *typename)
{
    Type ti = type_lookup(typename);

    return ti ? type_get_class(ti) : NULL;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    Type parent = type_get_parent(klass->type);

    return parent ? type_get_class(parent) : NULL;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

/* The pointer walk behind every cast: no string compare here. */
static ObjectClass *class_cast_by_type(ObjectClass *klass, Type target)
{
    if (!klass || !target) {
        return NULL;
    }
    for (Type t = klass->type; t; t = t->parent) {
        if (t == target) {
            return klass;
        }
    }
    for (GSList *l = klass->interfaces; l; l = l->next) {
        InterfaceClass *ic = l->data;
        for (Type t = ic->interface_type; t; t = t->parent) {
            if (t == target) {
                return &ic->parent_class;
            }
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    return class_cast_by_type(klass, type_lookup(typename));
}

bool object_is_type(Object *obj, Type t)
{
    return obj && class_cast_by_type(obj->class, t) != NULL;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    return obj && object_class_dynamic_cast(obj->class, typename) ? obj
                                                                  : NULL;
}

static Type cast_cache_resolve(const char *typename, Type *cache)
{
    Type t = __atomic_load_n(cache, __ATOMIC_ACQUIRE);

    if (!t) {
        t = type_lookup(typename);
        if (t) {
            __atomic_store_n(cache, t, __ATOMIC_RELEASE);
        }
    }
    return t;
}

Object *object_dynamic_cast_assert_cached(Object *obj, const char *typename,
                                          Type *cache, const char *file,
                                          int line, const char *func)
{
    if (!obj) {
        return NULL;
    }
    if (!class_cast_by_type(obj->class, cast_cache_resolve(typename, cache))) {
        fprintf(stderr, "%s:%d:%s: object %p of type '%s' is not an "
                "instance of '%s'\n", file, line, func, (void *)obj,
                object_get_typename(obj), typename);
        abort();
    }
    return obj;
}

ObjectClass *object_class_dynamic_cast_assert_cached(
    ObjectClass *klass, const char *typename, Type *cache, const char *file,
    int line, const char *func)
{
    ObjectClass *ret;

    if (!klass) {
        return NULL;
    }
    ret = class_cast_by_type(klass, cast_cache_resolve(typename, cache));
    if (!ret) {
        fprintf(stderr, "%s:%d:%s: class '%s' is not a subclass of '%s'\n",
                file, line, func, object_class_get_name(klass), typename);
        abort();
    }
    return ret;
}

void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque)
{
    GSList *list = object_class_get_list(implements_type, include_abstract);

    for (GSList *l = list; l; l = l->next) {
        fn(l->data, opaque);
    }
    g_slist_free(list);
}

GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract)
{
    GSList *list = NULL;
    GHashTableIter iter;
    gpointer value;
    Type want = NULL;

    if (implements_type) {
        want = type_lookup(implements_type);
        if (!want) {
            return NULL;
        }
    }
    g_rec_mutex_lock(&type_lock);
    g_hash_table_iter_init(&iter, type_table_get());
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Type ti = value;
        ObjectClass *klass = type_get_class(ti);

        if (ti->abstract && !include_abstract) {
            continue;
        }
        if (want && !class_cast_by_type(klass, want)) {
            continue;
        }
        list = g_slist_prepend(list, klass);
    }
    g_rec_mutex_unlock(&type_lock);
    return list;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract)
{
    return g_slist_sort(object_class_get_list(implements_type,
                                              include_abstract),
                        class_name_cmp);
}

/* ---- instances ---- */

static void object_init_with_type(Object *obj, Type ti)
{
    if (ti->parent) {
        object_init_with_type(obj, ti->parent);
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, Type ti)
{
    for (; ti; ti = ti->parent) {
        if (ti->instance_post_init) {
            ti->instance_post_init(obj);
        }
    }
}

Object *object_new_with_class(ObjectClass *klass)
{
    Type ti = klass->type;
    Object *obj;

    if (ti->abstract) {
        g_error("object_new: type '%s' is abstract", ti->name);
    }
    obj = g_malloc0(type_instance_size(ti));
    obj->class = klass;
    obj->free = g_free;
    obj->ref = 1;
    /* Defaults first, so instance_init may override them. */
    qom_props_init_defaults(obj);
    object_init_with_type(obj, ti);
    object_post_init_with_type(obj, ti);
    return obj;
}

Object *object_new(const char *typename)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass) {
        g_error("object_new: unknown type '%s'", typename);
    }
    return object_new_with_class(klass);
}

Object *object_new_checked(const char *typename, Error **errp)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass) {
        error_setg(errp, "invalid object type: %s", typename);
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        error_setg(errp, "object type '%s' is abstract", typename);
        return NULL;
    }
    return object_new_with_class(klass);
}

Object *object_ref(void *opaque)
{
    Object *obj = opaque;

    if (obj) {
        __atomic_fetch_add(&obj->ref, 1, __ATOMIC_RELAXED);
    }
    return obj;
}

static void object_drop_children(Object *obj)
{
    GHashTable *children = obj->children;
    GHashTableIter iter;
    gpointer value;

    if (!children) {
        return;
    }
    obj->children = NULL;
    g_hash_table_iter_init(&iter, children);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Object *child = value;

        if (child->class->unparent) {
            child->class->unparent(child);
        }
        child->parent = NULL;
        g_clear_pointer(&child->child_name, g_free);
        object_unref(child);
    }
    g_hash_table_destroy(children);
}

static void object_finalize(Object *obj)
{
    object_drop_children(obj);
    qom_props_release_all(obj);
    for (Type ti = obj->class->type; ti; ti = ti->parent) {
        if (ti->instance_finalize) {
            ti->instance_finalize(obj);
        }
    }
    if (obj->free) {
        obj->free(obj);
    }
}

void object_unref(void *opaque)
{
    Object *obj = opaque;

    if (!obj) {
        return;
    }
    g_assert(obj->ref > 0);
    if (__atomic_sub_fetch(&obj->ref, 1, __ATOMIC_ACQ_REL) == 0) {
        object_finalize(obj);
    }
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(const Object *obj)
{
    return obj->class->type->name;
}

/* ---- core types ---- */

static const TypeInfo object_info = {
    .name = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(ObjectClass),
    .abstract = true,
};

static const TypeInfo interface_info = {
    .name = TYPE_INTERFACE,
    .class_size = sizeof(InterfaceClass),
    .abstract = true,
};

static void type_register_core(void)
{
    type_register_static(&object_info);
    type_interface = type_register_static(&interface_info);
    qom_container_register_type();
}
