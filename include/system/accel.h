/*
 * accel.h: the accelerator interface. An accelerator ("kvm", "tcg",
 * "qtest") is a QOM class "<name>-accel" below the abstract TYPE_ACCEL,
 * plus a table of vCPU operations (AccelOps) of the same shape for all.
 * accel_init_from_string() implements -accel kvm:tcg (try each in order).
 */
#ifndef SYSTEM_ACCEL_H
#define SYSTEM_ACCEL_H

#include "qom/object.h"
#include "hw/boards.h"

#define TYPE_ACCEL "accel"
#define ACCEL_CLASS_SUFFIX "-accel"
#define ACCEL_CLASS_NAME(a) (a ACCEL_CLASS_SUFFIX)

typedef struct AccelState {
    Object parent_obj;
} AccelState;

struct MemoryListener;

/*
 * What every accelerator provides for its vCPUs. cpu is the accelerator's
 * own vCPU object (a KVMCPU for KVM) until the CPU model is shared.
 */
typedef struct AccelOps {
    /* Start the thread that runs the vCPU; it returns once started. */
    bool (*create_vcpu_thread)(void *cpu, Error **errp);
    /* Make the vCPU leave guest code soon so it sees a new request. */
    void (*kick_vcpu)(void *cpu);
    /* Registers: get from the accelerator (to_accel false) or put back. */
    bool (*synchronize_state)(void *cpu, bool to_accel, Error **errp);
    /* Mirrors guest RAM into the accelerator (KVM memslots); may be NULL. */
    struct MemoryListener *(*memory_listener)(void);
} AccelOps;

typedef struct AccelClass {
    ObjectClass parent_class;
    /* "kvm": the type name minus "-accel". */
    const char *name;
    /* Can this host use it at all (e.g. /dev/kvm opens)? NULL: always. */
    bool (*available)(void);
    bool (*init_machine)(AccelState *as, MachineState *ms, Error **errp);
    const AccelOps *ops;
} AccelClass;

#define ACCEL(obj) OBJECT_CHECK(AccelState, (obj), TYPE_ACCEL)
#define ACCEL_CLASS(klass) OBJECT_CLASS_CHECK(AccelClass, (klass), TYPE_ACCEL)
#define ACCEL_GET_CLASS(obj) OBJECT_GET_CLASS(AccelClass, (obj), TYPE_ACCEL)

/**
 * accel_find: - the class of accelerator name ("kvm"), or NULL.
 */
AccelClass *accel_find(const char *name);

/**
 * accel_init_from_string: - set up the accelerator spec names: one name
 * or several separated by ':' tried in order. A failure that is followed
 * by another candidate is reported ("-accel kvm: ...") and the next is
 * tried; the last failure goes to errp. On success ms->accel (if ms) holds
 * the name and accel_current() the instance.
 */
bool accel_init_from_string(const char *spec, MachineState *ms, Error **errp);

/**
 * accel_current: - the accelerator that accel_init_from_string() set up,
 * or NULL.
 */
AccelState *accel_current(void);

/**
 * accel_print_list: - -accel help: "Accelerators supported in QEMU
 * binary:" then the registered accelerator names, one per line.
 */
void accel_print_list(FILE *f);

#endif
