/*
 * boards.h: the machine base type (TYPE_MACHINE): MachineClass describes a
 * board ("pc", "none", ...), MachineState holds what the command line asked
 * for (RAM, CPU topology, kernel...). vl.c fills the state and calls
 * machine_run_board_init; boards implement MachineClass.init.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qom/object.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(machinename) (machinename TYPE_MACHINE_SUFFIX)
#define TYPE_NULL_MACHINE MACHINE_TYPE_NAME("none")

typedef struct MachineState MachineState;
struct MemoryRegion;

typedef struct CpuTopology {
    unsigned int cpus;      /* CPUs present at startup */
    unsigned int sockets;
    unsigned int dies;
    unsigned int cores;
    unsigned int threads;
    unsigned int max_cpus;
} CpuTopology;

typedef struct MachineClass {
    ObjectClass parent_class;
    /* Set from the type name minus "-machine" for every subclass. */
    const char *name;
    const char *alias;            /* "pc" for "pc-i440fx-7.2" */
    const char *desc;
    /* Versioned boards of one family list newest first ("pc_piix"). */
    const char *family;
    const char *deprecation_reason;
    bool is_default;
    void (*init)(MachineState *ms);
    void (*reset)(MachineState *ms);
    unsigned int max_cpus;        /* 0 means 1 */
    unsigned int min_cpus;
    unsigned int default_cpus;    /* 0 means 1 */
    uint64_t default_ram_size;
    const char *default_ram_id;
    const char *default_cpu_type;
    const char *default_boot_order;  /* "cad" if NULL */
    const char *default_display;
    const char *default_nic;
    /* Default devices vl.c must not add for this board. */
    bool no_serial, no_parallel, no_floppy, no_cdrom, no_sdcard;
} MachineClass;

struct MachineState {
    Object parent_obj;
    uint64_t ram_size;
    uint64_t maxram_size;
    uint64_t ram_slots;
    CpuTopology smp;
    char *kernel_filename;        /* property "kernel" */
    char *initrd_filename;        /* property "initrd" */
    char *kernel_cmdline;         /* property "append" */
    char *dtb;
    char *dumpdtb;
    char *firmware;
    char *boot_order;             /* -boot order=, e.g. "cad" */
    char *boot_once;
    char *accel;                  /* the accelerator in use ("kvm") */
    char *cpu_type;               /* -cpu, resolved to a type name */
    char *rtc_base;               /* -rtc base= (NULL: utc) */
    char *rtc_clock;              /* -rtc clock= (NULL: host) */
    char *cpu_model;              /* -cpu as given: "qemu64,+svm"; NULL: default */
    bool dump_guest_core;
    bool mem_merge;
    bool usb;
    bool graphics;
    Object *memdev;               /* property "memory-backend" */
    struct MemoryRegion *ram;     /* set by the memory layer */
};

#define MACHINE(obj) OBJECT_CHECK(MachineState, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(klass) \
    OBJECT_CLASS_CHECK(MachineClass, (klass), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(MachineClass, (obj), TYPE_MACHINE)

/* The board named name or aliased name, or NULL. vl.c reports a miss as
 * "unsupported machine type" with hint "Use -machine help to list
 * supported machines". */
MachineClass *machine_find_class(const char *name);
/* The board marked is_default, else "none". */
MachineClass *machine_default_class(void);
/* "-machine help": "Supported machines are:", aliases, default and
 * deprecated markers, in QEMU's order. */
void machine_print_list(FILE *f);
/* "-machine NAME,help": the machine's properties. */
void machine_print_props(MachineClass *mc, FILE *f);

/*
 * A new machine of class mc with the class defaults (RAM size, one CPU,
 * boot order), placed at /machine. Fails if /machine already exists.
 */
MachineState *machine_create(MachineClass *mc, Error **errp);
/* Check the configuration against the class limits, then run mc->init. */
bool machine_run_board_init(MachineState *ms, Error **errp);
/* The /machine object, or NULL before machine_create. */
MachineState *machine_current(void);

/* Registers the "none" board; called by machine.c's registration. */
void null_machine_register_types(void);

#endif
