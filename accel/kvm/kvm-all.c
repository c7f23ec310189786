/*
 * kvm-all.c: the KVM VM: opening /dev/kvm, creating the VM, the memslots
 * that mirror the RAM of address_space_memory (anything else in that
 * space is MMIO and reaches us as exits), and the "kvm-accel" class. The
 * vCPU side is in kvm-cpus.c, x86 registers in kvm-x86.c.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "system/accel.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include "kvm-internal.h"

#include <sys/ioctl.h>

#define KVM_API_VERSION_WANTED 12
/* When KVM_CAP_NR_MEMSLOTS says nothing: the old x86 minimum. */
#define KVM_DEFAULT_SLOTS 32

const char *kvm_device_path = "/dev/kvm";
static KVMState *kvm_state;

/*
 * kernel-irqchip as -accel kvm,kernel-irqchip= set it; else the value of
 * -machine kernel-irqchip=, which QEMU applies as a global default of the
 * accelerator's property and so loses to the -accel one.
 */
static bool kvm_irqchip_opt_set;
static KVMIrqchipMode kvm_irqchip_opt = KVM_IRQCHIP_MODE_ON;
static bool kvm_irqchip_global_set;
static KVMIrqchipMode kvm_irqchip_global = KVM_IRQCHIP_MODE_ON;

KVMState *kvm_state_get(void)
{
    return kvm_state;
}

static int kvm_do_ioctl(int fd, unsigned long req, va_list ap)
{
    void *arg = va_arg(ap, void *);
    int ret = ioctl(fd, req, arg);

    return ret < 0 ? -errno : ret;
}

int kvm_ioctl(KVMState *s, unsigned long req, ...)
{
    va_list ap;
    int ret;

    va_start(ap, req);
    ret = kvm_do_ioctl(s->fd, req, ap);
    va_end(ap);
    return ret;
}

int kvm_vm_ioctl(KVMState *s, unsigned long req, ...)
{
    va_list ap;
    int ret;

    va_start(ap, req);
    ret = kvm_do_ioctl(s->vmfd, req, ap);
    va_end(ap);
    return ret;
}

int kvm_vcpu_ioctl(KVMCPU *cpu, unsigned long req, ...)
{
    va_list ap;
    int ret;

    va_start(ap, req);
    ret = kvm_do_ioctl(cpu->fd, req, ap);
    va_end(ap);
    return ret;
}

bool kvm_vm_ioctl_named(KVMState *s, unsigned long req, const char *name,
                        void *arg, Error **errp)
{
    int ret = kvm_vm_ioctl(s, req, arg);

    if (ret < 0) {
        error_setg(errp, "%s failed: %s", name, strerror(-ret));
        return false;
    }
    return true;
}

bool kvm_vcpu_ioctl_named(KVMCPU *cpu, unsigned long req, const char *name,
                          void *arg, Error **errp)
{
    int ret = kvm_vcpu_ioctl(cpu, req, arg);

    if (ret < 0) {
        error_setg(errp, "%s failed: %s", name, strerror(-ret));
        return false;
    }
    return true;
}

int kvm_check_extension(KVMState *s, unsigned int cap)
{
    uintptr_t c = cap;
    int ret = -1;

    /* The VM answers for itself when it can; older kernels only via /dev/kvm. */
    if (s->vmfd >= 0) {
        ret = kvm_vm_ioctl(s, KVM_CHECK_EXTENSION, (void *)c);
    }
    if (ret < 0) {
        ret = kvm_ioctl(s, KVM_CHECK_EXTENSION, (void *)c);
    }
    return ret < 0 ? 0 : ret;
}

/* ---- memslots ---------------------------------------------------------- */

static int kvm_slot_commit(KVMState *s, int id, KVMSlot *slot, uint64_t size)
{
    struct kvm_userspace_memory_region mem = {
        .slot = id,
        .flags = slot->flags,
        .guest_phys_addr = slot->gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)slot->host,
    };

    return kvm_vm_ioctl(s, KVM_SET_USER_MEMORY_REGION, &mem);
}

static KVMSlot *kvm_slot_find(KVMState *s, uint64_t gpa, uint64_t size)
{
    int i;

    for (i = 0; i < s->nr_slots; i++) {
        KVMSlot *slot = &s->slots[i];

        if (slot->used && gpa >= slot->gpa &&
            gpa - slot->gpa < slot->size &&
            (size == 0 || (gpa == slot->gpa && size == slot->size))) {
            return slot;
        }
    }
    return NULL;
}

/*
 * The page-aligned part of a RAM section: KVM only maps whole pages, and
 * the partial pages at the edges stay MMIO (so they still work, slowly).
 */
static bool kvm_section_range(MemoryRegionSection *sec, uint64_t *gpa,
                              uint64_t *size, void **host)
{
    uint64_t page = (uint64_t)getpagesize();
    uint64_t start = sec->offset_within_address_space;
    uint64_t len = int128_get64(sec->size);
    uint64_t astart;
    uint8_t *ram;

    /* A section in the last page of the space cannot hold a whole page. */
    if (!memory_region_is_ram(sec->mr) || start > UINT64_MAX - page) {
        return false;
    }
    astart = KVM_ALIGN_UP(start, page);
    ram = memory_region_get_ram_ptr(sec->mr);
    if (!ram || astart - start >= len) {
        return false;
    }
    len = KVM_ALIGN_DOWN(len - (astart - start), page);
    if (len == 0) {
        return false;
    }
    ram += sec->offset_within_region + (astart - start);
    if ((uintptr_t)ram & (page - 1)) {
        return false;
    }
    *gpa = astart;
    *size = len;
    *host = ram;
    return true;
}

static uint32_t kvm_section_flags(KVMState *s, MemoryRegionSection *sec)
{
    uint32_t flags = 0;

    if (sec->mr->dirty_log_mask) {
        flags |= KVM_MEM_LOG_DIRTY_PAGES;
    }
    /* Without the capability ROM is writable by the guest, as in QEMU. */
    if ((sec->readonly || memory_region_is_rom(sec->mr)) && s->readonly_mem) {
        flags |= KVM_MEM_READONLY;
    }
    return flags;
}

/*
 * RAM the machine itself maps before the guest first runs cannot be left
 * out: the guest would see holes where the e820 map promises RAM. Give up
 * then, as QEMU does (it aborts; we exit 1). Later mappings come from the
 * guest (BARs...) and only break that device.
 */
static void kvm_slot_failed(void)
{
    if (runstate_check(RUN_STATE_PRELAUNCH)) {
        exit(1);
    }
}

static void kvm_region_add(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, listener);
    uint64_t gpa, size;
    void *host;
    int i, ret;

    if (!kvm_section_range(sec, &gpa, &size, &host)) {
        return;
    }
    /* The lowest free id: ids of deleted slots are reused. */
    for (i = 0; i < s->nr_slots && s->slots[i].used; i++) {
    }
    if (i == s->nr_slots) {
        error_report("kvm: no free memslot for %s at 0x%" PRIx64
                     " (%d in use)", memory_region_name(sec->mr), gpa,
                     s->nr_slots);
        kvm_slot_failed();
        return;
    }
    s->slots[i] = (KVMSlot) {
        .gpa = gpa, .size = size, .host = host,
        .flags = kvm_section_flags(s, sec),
    };
    ret = kvm_slot_commit(s, i, &s->slots[i], size);
    if (ret < 0) {
        error_report("kvm_set_user_memory_region: KVM_SET_USER_MEMORY_REGION "
                     "failed, slot=%d, start=0x%" PRIx64 ", size=0x%" PRIx64
                     ": %s", i, gpa, size, strerror(-ret));
        kvm_slot_failed();
        return;
    }
    s->slots[i].used = true;
}

static void kvm_region_del(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, listener);
    uint64_t gpa, size;
    void *host;
    KVMSlot *slot;
    int ret;

    if (!kvm_section_range(sec, &gpa, &size, &host)) {
        return;
    }
    slot = kvm_slot_find(s, gpa, size);
    if (!slot) {
        return;
    }
    /* memory_size 0 deletes the slot. */
    ret = kvm_slot_commit(s, slot - s->slots, slot, 0);
    if (ret < 0) {
        error_report("kvm: deleting memslot at 0x%" PRIx64 " failed: %s",
                     gpa, strerror(-ret));
    }
    slot->used = false;
}

static void kvm_log_change(MemoryListener *l, MemoryRegionSection *sec,
                           bool on)
{
    KVMState *s = container_of(l, KVMState, listener);
    uint64_t gpa, size;
    void *host;
    KVMSlot *slot;
    uint32_t old;
    int ret;

    if (!kvm_section_range(sec, &gpa, &size, &host)) {
        return;
    }
    slot = kvm_slot_find(s, gpa, size);
    if (!slot) {
        return;
    }
    old = slot->flags;
    if (on) {
        slot->flags |= KVM_MEM_LOG_DIRTY_PAGES;
    } else {
        slot->flags &= ~KVM_MEM_LOG_DIRTY_PAGES;
    }
    if (old == slot->flags) {
        return;
    }
    ret = kvm_slot_commit(s, slot - s->slots, slot, slot->size);
    if (ret < 0) {
        error_report("kvm: changing dirty logging at 0x%" PRIx64
                     " failed: %s", gpa, strerror(-ret));
        slot->flags = old;
    }
}

static void kvm_log_start(MemoryListener *l, MemoryRegionSection *sec,
                          int old_mask, int new_mask)
{
    kvm_log_change(l, sec, true);
}

static void kvm_log_stop(MemoryListener *l, MemoryRegionSection *sec,
                         int old_mask, int new_mask)
{
    kvm_log_change(l, sec, new_mask != 0);
}

unsigned kvm_memslot_count(KVMState *s)
{
    unsigned n = 0;
    int i;

    for (i = 0; i < s->nr_slots; i++) {
        n += s->slots[i].used;
    }
    return n;
}

int kvm_memslot_flags(KVMState *s, uint64_t gpa)
{
    KVMSlot *slot = kvm_slot_find(s, gpa, 0);

    return slot ? (int)slot->flags : -1;
}

/* ---- the VM ------------------------------------------------------------ */

static const struct {
    unsigned int cap;
    const char *name;
} kvm_required_caps[] = {
    { KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
    { KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
    { KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
};

/* x86 needs its real-mode TSS and identity map placed before any vCPU. */
static bool kvm_x86_init_vm(KVMState *s, Error **errp)
{
    uint64_t identity = KVM_X86_IDENTITY_MAP_ADDR;
    int ret;

    if (kvm_check_extension(s, KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
        ret = kvm_vm_ioctl(s, KVM_SET_IDENTITY_MAP_ADDR, &identity);
        if (ret < 0) {
            error_setg(errp, "Failed to set identity map address: %s",
                       strerror(-ret));
            return false;
        }
    }
    ret = kvm_vm_ioctl(s, KVM_SET_TSS_ADDR,
                       (void *)(uintptr_t)KVM_X86_TSS_ADDR);
    if (ret < 0) {
        error_setg(errp, "Failed to set TSS address: %s", strerror(-ret));
        return false;
    }
    return true;
}

KVMState *kvm_init_vm(Error **errp)
{
    KVMState *s = g_new0(KVMState, 1);
    size_t i;
    int ret;

    s->vmfd = -1;
    s->fd = open(kvm_device_path, O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        error_setg(errp, "Could not access KVM kernel module: %s",
                   strerror(errno));
        goto fail;
    }
    ret = kvm_ioctl(s, KVM_GET_API_VERSION, NULL);
    if (ret < KVM_API_VERSION_WANTED) {
        error_setg(errp, "kvm version too old");
        goto fail;
    }
    if (ret > KVM_API_VERSION_WANTED) {
        error_setg(errp, "kvm version not supported");
        goto fail;
    }
    do {
        ret = kvm_ioctl(s, KVM_CREATE_VM, NULL);
    } while (ret == -EINTR);
    if (ret < 0) {
        error_setg(errp, "ioctl(KVM_CREATE_VM) failed: %d %s", -ret,
                   strerror(-ret));
        goto fail;
    }
    s->vmfd = ret;

    for (i = 0; i < G_N_ELEMENTS(kvm_required_caps); i++) {
        if (!kvm_check_extension(s, kvm_required_caps[i].cap)) {
            error_setg(errp, "kvm does not support %s",
                       kvm_required_caps[i].name);
            goto fail;
        }
    }
    ret = kvm_ioctl(s, KVM_GET_VCPU_MMAP_SIZE, NULL);
    if (ret < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "KVM_GET_VCPU_MMAP_SIZE failed: %s",
                   ret < 0 ? strerror(-ret) : "too small");
        goto fail;
    }
    s->run_size = ret;
    s->nr_slots = kvm_check_extension(s, KVM_CAP_NR_MEMSLOTS);
    if (s->nr_slots <= 0) {
        s->nr_slots = KVM_DEFAULT_SLOTS;
    }
    s->slots = g_new0(KVMSlot, s->nr_slots);
    s->readonly_mem = kvm_check_extension(s, KVM_CAP_READONLY_MEM) > 0;
    if (!kvm_x86_init_vm(s, errp)) {
        goto fail;
    }

    s->listener = (MemoryListener) {
        .name = "kvm-memory",
        .region_add = kvm_region_add,
        .region_del = kvm_region_del,
        .log_start = kvm_log_start,
        .log_stop = kvm_log_stop,
        .priority = 10,
    };
    get_system_memory();
    memory_listener_register(&s->listener, &address_space_memory);
    s->listener_registered = true;
    return s;

fail:
    kvm_destroy_vm(s);
    return NULL;
}

void kvm_destroy_vm(KVMState *s)
{
    if (!s) {
        return;
    }
    if (s->listener_registered) {
        /* Replays the view as region_dels: the slots go away with it. */
        memory_listener_unregister(&s->listener);
    }
    if (s->vmfd >= 0) {
        close(s->vmfd);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (kvm_state == s) {
        kvm_state = NULL;
    }
    g_free(s->slots);
    g_free(s);
}

/* ---- the accelerator class --------------------------------------------- */

/*
 * QEMU's OnOffSplit: "on", "off", "split"; a bare key means "on". Split
 * is refused here, so that the message names the option.
 */
static bool kvm_parse_irqchip(const char *value, KVMIrqchipMode *mode,
                              Error **errp)
{
    if (!value || !*value || !strcmp(value, "on")) {
        *mode = KVM_IRQCHIP_MODE_ON;
    } else if (!strcmp(value, "off")) {
        *mode = KVM_IRQCHIP_MODE_OFF;
    } else if (!strcmp(value, "split")) {
        /* The LAPICs in the kernel, the IOAPIC here: not written yet. */
        error_setg(errp, "kernel-irqchip=split is not available yet in Keel");
        return false;
    } else {
        error_setg(errp, "Parameter 'kernel-irqchip' does not accept value "
                   "'%s'", value);
        return false;
    }
    return true;
}

/* kvm-accel's other QOM properties in QEMU 7.2: accepted, not used. */
static const char *const kvm_accel_ignored_props[] = {
    "kvm-shadow-mem", "dirty-ring-size", "notify-vmexit", "notify-window",
    NULL
};

bool kvm_accel_set_option(const char *name, const char *value, Error **errp)
{
    if (!strcmp(name, "accel")) {
        return true;
    }
    if (!strcmp(name, "kernel-irqchip")) {
        if (!kvm_parse_irqchip(value, &kvm_irqchip_opt, errp)) {
            return false;
        }
        kvm_irqchip_opt_set = true;
        return true;
    }
    for (const char *const *p = kvm_accel_ignored_props; *p; p++) {
        if (!strcmp(name, *p)) {
            return true;
        }
    }
    error_setg(errp, "Property 'kvm-accel.%s' not found", name);
    return false;
}

bool kvm_accel_set_global_irqchip(const char *value, Error **errp)
{
    Error *err = NULL;

    if (!kvm_parse_irqchip(value, &kvm_irqchip_global, &err)) {
        if (value && !strcmp(value, "split")) {
            error_propagate(errp, err);
        } else {
            error_propagate_prepend(errp, err, "can't apply global "
                                    "kvm-accel.kernel-irqchip=%s: ", value);
        }
        return false;
    }
    kvm_irqchip_global_set = true;
    return true;
}

KVMIrqchipMode kvm_irqchip_mode(KVMState *s)
{
    return s->irqchip_mode;
}

static bool kvm_accel_available(void)
{
    int fd = open(kvm_device_path, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

static bool kvm_accel_init_machine(AccelState *as, MachineState *ms,
                                   Error **errp)
{
    KVMState *s;

    if (kvm_state) {
        error_setg(errp, "kvm is already initialized");
        return false;
    }
    s = kvm_init_vm(errp);
    if (!s) {
        return false;
    }
    s->irqchip_mode = kvm_irqchip_opt_set ? kvm_irqchip_opt
                      : kvm_irqchip_global_set ? kvm_irqchip_global
                      : KVM_IRQCHIP_MODE_ON;
    kvm_state = s;
    return true;
}

static void kvm_accel_class_init(ObjectClass *oc, void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->available = kvm_accel_available;
    ac->init_machine = kvm_accel_init_machine;
    ac->ops = &kvm_accel_ops;
}

static const TypeInfo kvm_accel_type = {
    .name = TYPE_KVM_ACCEL,
    .parent = TYPE_ACCEL,
    .class_init = kvm_accel_class_init,
};

static void kvm_register_types(void)
{
    type_register_static(&kvm_accel_type);
}
type_init(kvm_register_types)
