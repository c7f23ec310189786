/*
 * tcg-accel.c: the "tcg" accelerator class: its -accel properties
 * (tb-size, thread, split-wx) checked with QEMU 7.2's messages, thread=
 * defaulting to multi on x86-64 hosts as in QEMU, the
 * process-wide TCG set-up at machine init, and the memory listener that
 * has every vCPU's TLB flushed when the memory map changes. The vCPU
 * thread is in tcg-cpus.c; the x86 vCPU in target/i386/tcg.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/cutils.h"
#include "qemu/error.h"
#include "qemu/opts.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "system/accel.h"
#include "system/tcg.h"
#include "internal.h"

static bool tcg_accel_active;
bool tcg_accel_multi;
/* thread= was given; otherwise tcg_accel_default_multi() decides. */
static bool tcg_accel_thread_set;
static size_t tcg_accel_tb_bytes;

bool tcg_enabled(void)
{
    return tcg_accel_active;
}

size_t tcg_accel_tb_size(void)
{
    return tcg_accel_tb_bytes;
}

/*
 * -accel tcg,key=value: QEMU sets these as QOM properties, hence its
 * messages ("Parameter 'tb-size' expects uint64", "Property
 * 'tcg-accel.foo' not found").
 */
bool tcg_accel_set_option(const char *name, const char *value, Error **errp)
{
    if (!strcmp(name, "accel")) {
        return true;
    }
    if (!strcmp(name, "tb-size")) {
        uint64_t v;
        int64_t sv;

        /* A negative number wraps to a huge uint64, as QEMU's visitor does. */
        if (!qemu_strtou64(value, NULL, 0, &v)) {
            /* parsed */
        } else if (!qemu_strtoi64(value, NULL, 0, &sv)) {
            v = (uint64_t)sv;
        } else {
            error_setg(errp, "Parameter 'tb-size' expects uint64");
            return false;
        }
        if (v > UINT32_MAX) {
            error_setg(errp, "Parameter 'tb-size' expects uint32_t");
            return false;
        }
        tcg_accel_tb_bytes = (size_t)v * 1024 * 1024;
        return true;
    }
    if (!strcmp(name, "thread")) {
        if (strcmp(value, "single") && strcmp(value, "multi")) {
            error_setg(errp, "Invalid 'thread' setting %s", value);
            return false;
        }
        tcg_accel_multi = !strcmp(value, "multi");
        tcg_accel_thread_set = true;
        return true;
    }
    if (!strcmp(name, "split-wx")) {
        bool b;

        /* The code buffer is always split (W^X); either value is accepted. */
        return qemu_parse_bool(name, value, &b, errp);
    }
    error_setg(errp, "Property 'tcg-accel.%s' not found", name);
    return false;
}

/*
 * thread= not given: multi, as QEMU 7.2 for an x86 guest on an x86-64 host
 * (both TSO, so generated code needs no fences for the guest's ordering).
 * TCI keeps single: it is the portable fallback and QEMU does the same
 * for a backend whose memory order is weaker than the guest's. Keel has
 * no icount or record/replay, QEMU's other reasons for single.
 */
static bool tcg_accel_default_multi(void)
{
#if defined(__x86_64__)
    return !CONFIG_TCG_INTERPRETER;
#else
    return false;
#endif
}

static void tcg_accel_commit(MemoryListener *l)
{
    tcg_cpus_flush_tlbs();
}

static MemoryListener tcg_accel_listener = {
    .commit = tcg_accel_commit,
    .name = "tcg",
    .priority = 10,
};

static bool tcg_accel_init_machine(AccelState *as, MachineState *ms,
                                   Error **errp)
{
    if (!tcg_accel_active) {
        if (!tcg_accel_thread_set) {
            tcg_accel_multi = tcg_accel_default_multi();
        }
        if (!tcg_exec_init(tcg_accel_tb_bytes, NULL, errp)) {
            return false;
        }
        memory_listener_register(&tcg_accel_listener, &address_space_memory);
        tcg_accel_active = true;
    }
    return true;
}

static void tcg_accel_class_init(ObjectClass *oc, void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->init_machine = tcg_accel_init_machine;
}

static const TypeInfo tcg_accel_type = {
    .name = TYPE_TCG_ACCEL,
    .parent = TYPE_ACCEL,
    .class_init = tcg_accel_class_init,
};

static void tcg_accel_register_types(void)
{
    type_register_static(&tcg_accel_type);
}
type_init(tcg_accel_register_types)
