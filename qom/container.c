/*
 * container.c: the composition tree: the root "/", child links, canonical
 * paths, absolute and partial path resolution, and "container" objects that
 * group children (/machine/peripheral, /objects). Links between objects that
 * are not parent/child are static link properties (property.c).
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom-internal.h"

static Object *qom_root;

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

void qom_container_register_type(void)
{
    type_register_static(&container_info);
}

Object *object_get_root(void)
{
    if (!qom_root) {
        qom_root = object_new(TYPE_CONTAINER);
    }
    return qom_root;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "/objects");
}

bool object_property_add_child(Object *parent, const char *name,
                               Object *child, Error **errp)
{
    if (!name || !*name || strchr(name, '/')) {
        error_setg(errp, "Invalid child name '%s'", name ? name : "");
        return false;
    }
    if (parent->children && g_hash_table_contains(parent->children, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(parent));
        return false;
    }
    if (child->parent) {
        error_setg(errp, "object of type '%s' already has a parent",
                   object_get_typename(child));
        return false;
    }
    /* A cycle would keep the objects alive forever. */
    for (Object *a = parent; a; a = a->parent) {
        if (a == child) {
            error_setg(errp, "cannot add an object below itself");
            return false;
        }
    }
    if (!parent->children) {
        parent->children = g_hash_table_new(g_str_hash, g_str_equal);
    }
    child->child_name = g_strdup(name);
    child->parent = parent;
    g_hash_table_insert(parent->children, child->child_name,
                        object_ref(child));
    return true;
}

void object_unparent(Object *obj)
{
    Object *parent = obj->parent;

    if (!parent) {
        return;
    }
    if (obj->class->unparent) {
        obj->class->unparent(obj);
    }
    /* unparent may have detached us already. */
    if (obj->parent != parent) {
        return;
    }
    g_hash_table_remove(parent->children, obj->child_name);
    obj->parent = NULL;
    g_clear_pointer(&obj->child_name, g_free);
    object_unref(obj);
}

Object *object_resolve_path_component(Object *parent, const char *name)
{
    if (!parent || !parent->children) {
        return NULL;
    }
    return g_hash_table_lookup(parent->children, name);
}

const char *object_get_canonical_path_component(const Object *obj)
{
    return obj->child_name;
}

char *object_get_canonical_path(const Object *obj)
{
    GString *path;
    GPtrArray *names;

    if (obj == qom_root) {
        return g_strdup("/");
    }
    names = g_ptr_array_new();
    for (; obj->parent; obj = obj->parent) {
        g_ptr_array_add(names, obj->child_name);
    }
    if (obj != qom_root) {
        g_ptr_array_free(names, true);
        return NULL;   /* detached subtree */
    }
    path = g_string_new("");
    for (guint i = names->len; i > 0; i--) {
        g_string_append_c(path, '/');
        g_string_append(path, g_ptr_array_index(names, i - 1));
    }
    g_ptr_array_free(names, true);
    return g_string_free(path, false);
}

static gint str_ptr_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    GPtrArray *names;
    GHashTableIter iter;
    gpointer key;
    int ret = 0;

    if (!obj->children) {
        return 0;
    }
    /* Iterate a snapshot of the names: fn may add or remove children. */
    names = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_iter_init(&iter, obj->children);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        g_ptr_array_add(names, g_strdup(key));
    }
    g_ptr_array_sort(names, str_ptr_cmp);
    for (guint i = 0; i < names->len && !ret; i++) {
        Object *child = object_resolve_path_component(
            obj, g_ptr_array_index(names, i));
        if (child) {
            ret = fn(child, opaque);
        }
    }
    g_ptr_array_free(names, true);
    return ret;
}

/* Split a path into its non-empty components. */
static char **path_split(const char *path)
{
    char **parts = g_strsplit(path, "/", -1);
    int n = 0;

    for (int i = 0; parts[i]; i++) {
        if (*parts[i]) {
            parts[n++] = parts[i];
        } else {
            g_free(parts[i]);
        }
    }
    parts[n] = NULL;
    return parts;
}

typedef struct PartialSearch {
    char **parts;
    int nparts;
    Type type;
    bool typed;          /* a type filter was asked for */
    Object *found;
    int matches;
} PartialSearch;

/* Does obj's path end with the components of s? */
static bool path_suffix_matches(Object *obj, PartialSearch *s)
{
    for (int i = s->nparts - 1; i >= 0; i--) {
        if (!obj || !obj->child_name || strcmp(obj->child_name, s->parts[i])) {
            return false;
        }
        obj = obj->parent;
    }
    return true;
}

static void partial_search(Object *obj, PartialSearch *s)
{
    GHashTableIter iter;
    gpointer value;

    if (s->matches > 1) {
        return;   /* already ambiguous */
    }
    if (path_suffix_matches(obj, s) &&
        (!s->typed || object_is_type(obj, s->type))) {
        s->found = obj;
        s->matches++;
    }
    if (!obj->children) {
        return;
    }
    g_hash_table_iter_init(&iter, obj->children);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        partial_search(value, s);
    }
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous)
{
    g_auto(GStrv) parts = NULL;
    Object *obj;

    if (ambiguous) {
        *ambiguous = false;
    }
    if (!path) {
        return NULL;
    }
    parts = path_split(path);
    if (path[0] == '/') {
        obj = object_get_root();
        for (int i = 0; obj && parts[i]; i++) {
            obj = object_resolve_path_component(obj, parts[i]);
        }
        if (obj && typename && !object_dynamic_cast(obj, typename)) {
            return NULL;
        }
        return obj;
    }
    if (!parts[0]) {
        return NULL;
    }
    PartialSearch s = {
        .parts = parts,
        .nparts = g_strv_length(parts),
        .typed = typename != NULL,
        .type = typename ? type_get_by_name(typename) : NULL,
    };
    if (s.typed && !s.type) {
        return NULL;   /* nothing can be of an unknown type */
    }
    partial_search(object_get_root(), &s);
    if (s.matches > 1) {
        if (ambiguous) {
            *ambiguous = true;
        }
        return NULL;
    }
    return s.found;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, NULL, ambiguous);
}

Object *container_get(Object *root, const char *path)
{
    g_auto(GStrv) parts = path_split(path);
    Object *obj = root;

    for (int i = 0; parts[i]; i++) {
        Object *child = object_resolve_path_component(obj, parts[i]);

        if (!child) {
            child = object_new(TYPE_CONTAINER);
            object_property_add_child(obj, parts[i], child, &error_abort);
            object_unref(child);   /* the parent holds it now */
        }
        obj = child;
    }
    return obj;
}

bool object_id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}
