/*
 * kvm-irqchip.c: the in-kernel irqchip and PIT, the PC's GSI routing, GSI
 * lines for device models, irqfd/ioeventfd, and the ioctls that save and
 * restore interrupt and clock state. The split irqchip (userspace IOAPIC)
 * and MSI routes are not here yet.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "system/kvm-irqchip.h"
#include "kvm-internal.h"

/* IOAPIC pins of the in-kernel IOAPIC (as in KVM_IOAPIC_NUM_PINS). */
#define KVM_PC_IOAPIC_PINS 24

static void kvm_route_irqchip(struct kvm_irq_routing *r, uint32_t gsi,
                              uint32_t chip, uint32_t pin)
{
    struct kvm_irq_routing_entry *e = &r->entries[r->nr++];

    memset(e, 0, sizeof(*e));
    e->gsi = gsi;
    e->type = KVM_IRQ_ROUTING_IRQCHIP;
    e->u.irqchip.irqchip = chip;
    e->u.irqchip.pin = pin;
}

/*
 * QEMU's PC table: master pin 2 is the cascade, so GSI 2 reaches no PIC
 * pin; the timer (GSI 0) is IOAPIC pin 2 by the MADT override, and IOAPIC
 * pin 0 (the 8259's ExtINT) is left unrouted.
 */
static bool kvm_pc_setup_irq_routing(KVMState *s, Error **errp)
{
    size_t max = 16 + KVM_PC_IOAPIC_PINS;
    g_autofree struct kvm_irq_routing *r =
        g_malloc0(sizeof(*r) + max * sizeof(r->entries[0]));
    uint32_t i;
    int ret;

    for (i = 0; i < 8; i++) {
        if (i != 2) {
            kvm_route_irqchip(r, i, KVM_IRQCHIP_PIC_MASTER, i);
        }
    }
    for (i = 8; i < 16; i++) {
        kvm_route_irqchip(r, i, KVM_IRQCHIP_PIC_SLAVE, i - 8);
    }
    for (i = 0; i < KVM_PC_IOAPIC_PINS; i++) {
        if (i == 0) {
            kvm_route_irqchip(r, 0, KVM_IRQCHIP_IOAPIC, 2);
        } else if (i != 2) {
            kvm_route_irqchip(r, i, KVM_IRQCHIP_IOAPIC, i);
        }
    }
    ret = kvm_vm_ioctl(s, KVM_SET_GSI_ROUTING, r);
    if (ret < 0) {
        error_setg(errp, "KVM_SET_GSI_ROUTING failed: %s", strerror(-ret));
        return false;
    }
    return true;
}

bool kvm_irqchip_create(KVMState *s, Error **errp)
{
    int ret;

    if (s->irqchip_in_kernel) {
        error_setg(errp, "kvm: the in-kernel irqchip already exists");
        return false;
    }
    if (!kvm_check_extension(s, KVM_CAP_IRQCHIP)) {
        error_setg(errp, "kvm: host does not support KVM_CAP_IRQCHIP");
        return false;
    }
    if (!kvm_check_extension(s, KVM_CAP_IRQ_ROUTING)) {
        error_setg(errp, "kvm: host does not support KVM_CAP_IRQ_ROUTING");
        return false;
    }
    ret = kvm_vm_ioctl(s, KVM_CREATE_IRQCHIP, NULL);
    if (ret < 0) {
        /* EINVAL here mostly means that vCPUs exist already. */
        error_setg(errp, "Create kernel irqchip failed: %s", strerror(-ret));
        return false;
    }
    s->irq_inject_status = kvm_check_extension(s, KVM_CAP_IRQ_INJECT_STATUS);
    if (!kvm_pc_setup_irq_routing(s, errp)) {
        return false;
    }
    s->irqchip_in_kernel = true;
    return true;
}

bool kvm_irqchip_in_kernel(KVMState *s)
{
    return s->irqchip_in_kernel;
}

bool kvm_pit_create(KVMState *s, Error **errp)
{
    struct kvm_pit_config cfg = { .flags = KVM_PIT_SPEAKER_DUMMY };
    int ret;

    if (!s->irqchip_in_kernel) {
        error_setg(errp, "kvm: the in-kernel PIT needs the in-kernel irqchip");
        return false;
    }
    if (!kvm_check_extension(s, KVM_CAP_PIT2)) {
        error_setg(errp, "kvm: host does not support KVM_CAP_PIT2");
        return false;
    }
    ret = kvm_vm_ioctl(s, KVM_CREATE_PIT2, &cfg);
    if (ret < 0) {
        error_setg(errp, "Create kernel PIT failed: %s", strerror(-ret));
        return false;
    }
    return true;
}

int kvm_set_irq(KVMState *s, int gsi, int level)
{
    struct kvm_irq_level irq = { .irq = gsi, .level = level };
    int ret;

    if (s->irq_inject_status) {
        ret = kvm_vm_ioctl(s, KVM_IRQ_LINE_STATUS, &irq);
        return ret < 0 ? ret : irq.status;
    }
    ret = kvm_vm_ioctl(s, KVM_IRQ_LINE, &irq);
    return ret < 0 ? ret : 1;
}

static void kvm_pc_gsi_handler(void *opaque, int n, int level)
{
    KVMState *s = opaque;
    int ret = kvm_set_irq(s, n, level);

    if (ret < 0) {
        error_report("kvm: setting GSI %d to %d failed: %s", n, level,
                     strerror(-ret));
    }
}

qemu_irq *kvm_pc_gsi_irqs(KVMState *s)
{
    return qemu_allocate_irqs(kvm_pc_gsi_handler, s, KVM_PC_GSI_COUNT);
}

/* ---- irqfd and ioeventfd ------------------------------------------------ */

static bool kvm_irqfd_assign(KVMState *s, int fd, int gsi, bool assign,
                             Error **errp)
{
    struct kvm_irqfd irqfd = {
        .fd = fd,
        .gsi = gsi,
        .flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
    };
    int ret;

    if (!kvm_check_extension(s, KVM_CAP_IRQFD)) {
        error_setg(errp, "kvm: host does not support KVM_CAP_IRQFD");
        return false;
    }
    ret = kvm_vm_ioctl(s, KVM_IRQFD, &irqfd);
    if (ret < 0) {
        error_setg(errp, "kvm: %s irqfd for GSI %d failed: %s",
                   assign ? "assigning" : "deassigning", gsi, strerror(-ret));
        return false;
    }
    return true;
}

bool kvm_irqfd_add(KVMState *s, int eventfd, int gsi, Error **errp)
{
    return kvm_irqfd_assign(s, eventfd, gsi, true, errp);
}

bool kvm_irqfd_remove(KVMState *s, int eventfd, int gsi, Error **errp)
{
    return kvm_irqfd_assign(s, eventfd, gsi, false, errp);
}

static bool kvm_ioeventfd_assign(KVMState *s, uint64_t addr, unsigned len,
                                 bool is_pio, const uint64_t *datamatch,
                                 int fd, bool assign, Error **errp)
{
    struct kvm_ioeventfd ioev = {
        .addr = addr,
        .len = len,
        .fd = fd,
    };
    int ret;

    if (len != 1 && len != 2 && len != 4 && len != 8 && (len || is_pio)) {
        error_setg(errp, "kvm: bad ioeventfd length %u", len);
        return false;
    }
    if (len == 0 && datamatch) {
        error_setg(errp, "kvm: an ioeventfd of any length cannot match data");
        return false;
    }
    if (!kvm_check_extension(s, KVM_CAP_IOEVENTFD)) {
        error_setg(errp, "kvm: host does not support KVM_CAP_IOEVENTFD");
        return false;
    }
    if (is_pio) {
        ioev.flags |= KVM_IOEVENTFD_FLAG_PIO;
    }
    if (datamatch) {
        ioev.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
        ioev.datamatch = *datamatch;
    }
    if (!assign) {
        ioev.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
    }
    ret = kvm_vm_ioctl(s, KVM_IOEVENTFD, &ioev);
    if (ret < 0) {
        error_setg(errp, "kvm: %s ioeventfd at %s 0x%" PRIx64 " failed: %s",
                   assign ? "assigning" : "deassigning",
                   is_pio ? "port" : "address", addr, strerror(-ret));
        return false;
    }
    return true;
}

bool kvm_ioeventfd_add(KVMState *s, uint64_t addr, unsigned len, bool is_pio,
                       const uint64_t *datamatch, int eventfd, Error **errp)
{
    return kvm_ioeventfd_assign(s, addr, len, is_pio, datamatch, eventfd,
                                true, errp);
}

bool kvm_ioeventfd_remove(KVMState *s, uint64_t addr, unsigned len,
                          bool is_pio, const uint64_t *datamatch, int eventfd,
                          Error **errp)
{
    return kvm_ioeventfd_assign(s, addr, len, is_pio, datamatch, eventfd,
                                false, errp);
}

/* ---- state for pause, resume and (later) migration ---------------------- */

bool kvm_clock_get(KVMState *s, uint64_t *ns, Error **errp)
{
    struct kvm_clock_data data = { 0 };

    if (!kvm_vm_ioctl_named(s, KVM_GET_CLOCK, "KVM_GET_CLOCK", &data, errp)) {
        return false;
    }
    *ns = data.clock;
    return true;
}

bool kvm_clock_set(KVMState *s, uint64_t ns, Error **errp)
{
    struct kvm_clock_data data = { .clock = ns };

    return kvm_vm_ioctl_named(s, KVM_SET_CLOCK, "KVM_SET_CLOCK", &data, errp);
}

bool kvm_irqchip_get(KVMState *s, struct kvm_irqchip *chip, Error **errp)
{
    int ret = kvm_vm_ioctl(s, KVM_GET_IRQCHIP, chip);

    if (ret < 0) {
        error_setg(errp, "KVM_GET_IRQCHIP (chip %u) failed: %s",
                   chip->chip_id, strerror(-ret));
        return false;
    }
    return true;
}

bool kvm_irqchip_set(KVMState *s, const struct kvm_irqchip *chip,
                     Error **errp)
{
    int ret = kvm_vm_ioctl(s, KVM_SET_IRQCHIP, chip);

    if (ret < 0) {
        error_setg(errp, "KVM_SET_IRQCHIP (chip %u) failed: %s",
                   chip->chip_id, strerror(-ret));
        return false;
    }
    return true;
}

bool kvm_vcpu_get_lapic(KVMCPU *cpu, struct kvm_lapic_state *lapic,
                        Error **errp)
{
    return kvm_vcpu_ioctl_named(cpu, KVM_GET_LAPIC, "KVM_GET_LAPIC", lapic,
                                errp);
}

bool kvm_vcpu_set_lapic(KVMCPU *cpu, const struct kvm_lapic_state *lapic,
                        Error **errp)
{
    return kvm_vcpu_ioctl_named(cpu, KVM_SET_LAPIC, "KVM_SET_LAPIC",
                                (void *)lapic, errp);
}

bool kvm_vcpu_get_mp_state(KVMCPU *cpu, uint32_t *state, Error **errp)
{
    struct kvm_mp_state mp = { 0 };

    if (!kvm_vcpu_ioctl_named(cpu, KVM_GET_MP_STATE, "KVM_GET_MP_STATE", &mp,
                              errp)) {
        return false;
    }
    *state = mp.mp_state;
    return true;
}

bool kvm_vcpu_set_mp_state(KVMCPU *cpu, uint32_t state, Error **errp)
{
    struct kvm_mp_state mp = { .mp_state = state };

    return kvm_vcpu_ioctl_named(cpu, KVM_SET_MP_STATE, "KVM_SET_MP_STATE", &mp,
                                errp);
}
