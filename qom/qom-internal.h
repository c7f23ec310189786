/*
 * qom-internal.h: what the files of qom/ share and nobody else sees: the
 * layout of a registered type and the hooks between object.c (lifecycle)
 * and property.c (static properties).
 */
#ifndef QOM_INTERNAL_H
#define QOM_INTERNAL_H

#include "qom/object.h"

struct TypeImpl {
    char *name;
    char *parent_name;
    struct TypeImpl *parent;      /* resolved when the class is initialised */
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    void (*class_init)(ObjectClass *klass, void *data);
    void (*class_base_init)(ObjectClass *klass, void *data);
    void *class_data;
    bool abstract;
    char **interface_names;       /* NULL-terminated, may be NULL */
    ObjectClass *class;           /* NULL until first use */
    Property *props;              /* this type's own table, or NULL */
};

/* Apply the static property defaults of obj's class chain. */
void qom_props_init_defaults(Object *obj);
/* Release what the static properties of obj own. */
void qom_props_release_all(Object *obj);
/* Register "container" (called by object.c with the core types). */
void qom_container_register_type(void);

#endif
