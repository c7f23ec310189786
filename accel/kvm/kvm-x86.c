/*
 * kvm-x86.c: the x86 registers of a KVM vCPU as far as the core needs
 * them: get/set of kvm_regs and kvm_sregs, a real-mode entry point for
 * tests and firmware, and QEMU's register dump for fatal exits. The full
 * CPUX86State sync (MSRs, FPU, XSAVE, events) belongs to target/i386/kvm.
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "exec/memory.h"
#include "kvm-internal.h"

#include <sys/ioctl.h>

#define X86_CR0_PE (1ULL << 0)
#define X86_CR0_PG (1ULL << 31)
#define X86_EFER_LMA (1ULL << 10)
/* QEMU's Code= line: 50 bytes, up to 20 of them before the PC. */
#define KVM_DUMP_CODE_TOTAL 50
#define KVM_DUMP_CODE_BACKWARD 20

/* The target's exact register dump, when it registered one. */
static KVMRegisterFormatter *kvm_register_formatter;

void kvm_set_register_formatter(KVMRegisterFormatter *fn)
{
    kvm_register_formatter = fn;
}

bool kvm_x86_get_regs(KVMCPU *cpu, struct kvm_regs *regs, Error **errp)
{
    return kvm_vcpu_ioctl_named(cpu, KVM_GET_REGS, "KVM_GET_REGS", regs, errp);
}

bool kvm_x86_set_regs(KVMCPU *cpu, const struct kvm_regs *regs, Error **errp)
{
    return kvm_vcpu_ioctl_named(cpu, KVM_SET_REGS, "KVM_SET_REGS",
                                (void *)regs, errp);
}

bool kvm_x86_get_sregs(KVMCPU *cpu, struct kvm_sregs *sregs, Error **errp)
{
    return kvm_vcpu_ioctl_named(cpu, KVM_GET_SREGS, "KVM_GET_SREGS", sregs,
                                errp);
}

bool kvm_x86_set_sregs(KVMCPU *cpu, const struct kvm_sregs *sregs,
                       Error **errp)
{
    return kvm_vcpu_ioctl_named(cpu, KVM_SET_SREGS, "KVM_SET_SREGS",
                                (void *)sregs, errp);
}

static void kvm_x86_real_seg(struct kvm_segment *seg, uint16_t sel,
                             uint8_t type)
{
    *seg = (struct kvm_segment) {
        .base = (uint64_t)sel << 4,
        .limit = 0xffff,
        .selector = sel,
        .type = type,
        .present = 1,
        .s = 1,
    };
}

bool kvm_x86_set_real_mode(KVMCPU *cpu, uint16_t cs, uint16_t ip,
                           Error **errp)
{
    struct kvm_sregs sregs;
    struct kvm_regs regs = { .rip = ip, .rflags = 2 };

    if (!kvm_x86_get_sregs(cpu, &sregs, errp)) {
        return false;
    }
    kvm_x86_real_seg(&sregs.cs, cs, 0xb);   /* code, read, accessed */
    kvm_x86_real_seg(&sregs.ds, 0, 0x3);    /* data, write, accessed */
    sregs.es = sregs.ds;
    sregs.fs = sregs.ds;
    sregs.gs = sregs.ds;
    sregs.ss = sregs.ds;
    sregs.cr0 &= ~X86_CR0_PE;
    sregs.efer = 0;
    sregs.idt.base = 0;
    sregs.idt.limit = 0x3ff;
    return kvm_x86_set_sregs(cpu, &sregs, errp) &&
           kvm_x86_set_regs(cpu, &regs, errp);
}

/* The flags word of QEMU's segment dump (the descriptor's high dword). */
static uint32_t kvm_seg_flags(const struct kvm_segment *seg)
{
    return (uint32_t)seg->type << 8 | (uint32_t)seg->s << 12 |
           (uint32_t)seg->dpl << 13 | (uint32_t)seg->present << 15 |
           (uint32_t)seg->avl << 20 | (uint32_t)seg->l << 21 |
           (uint32_t)seg->db << 22 | (uint32_t)seg->g << 23;
}

static void kvm_dump_seg(GString *out, const char *name,
                         const struct kvm_segment *seg)
{
    g_string_append_printf(out, "%-3s=%04x %016llx %08x %08x\n", name,
                           seg->selector, (unsigned long long)seg->base,
                           seg->limit, kvm_seg_flags(seg));
}

/* One guest byte at a linear address, through the guest's page tables. */
static bool kvm_read_linear_byte(KVMCPU *cpu, uint64_t la, bool paging_off,
                                 uint8_t *byte)
{
    struct kvm_translation tr = { .linear_address = la };

    if (kvm_vcpu_ioctl(cpu, KVM_TRANSLATE, &tr) < 0 || !tr.valid) {
        /* Some KVMs (PVM) cannot translate; without paging la is physical. */
        if (!paging_off) {
            return false;
        }
        tr.physical_address = la;
    }
    return address_space_read(&address_space_memory, tr.physical_address,
                              MEMTXATTRS_UNSPECIFIED, byte, 1) == MEMTX_OK;
}

/* back: bytes shown before pc (QEMU: at most 20, none below IP 0). */
static void kvm_dump_code(KVMCPU *cpu, GString *out, uint64_t pc,
                          unsigned back, bool paging_off)
{
    uint64_t start = pc - back, la;
    uint8_t b;

    g_string_append(out, "Code=");
    for (la = start; la != start + KVM_DUMP_CODE_TOTAL; la++) {
        bool ok = kvm_read_linear_byte(cpu, la, paging_off, &b);

        if (la != start) {
            g_string_append_c(out, ' ');
        }
        if (!ok) {
            g_string_append(out, la == pc ? "<\?\?>" : "\?\?");
        } else if (la == pc) {
            g_string_append_printf(out, "<%02x>", b);
        } else {
            g_string_append_printf(out, "%02x", b);
        }
    }
    g_string_append_c(out, '\n');
}

/* The registers when no target formatter is there (the core's tests). */
static void kvm_dump_regs(GString *out, const struct kvm_regs *rp,
                          const struct kvm_sregs *sp)
{
    const struct kvm_regs r = *rp;
    const struct kvm_sregs s = *sp;
    uint64_t fl;

    fl = r.rflags;
    g_string_append_printf(out,
        "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
        "RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n"
        "R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n"
        "R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n",
        r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp,
        r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15);
    g_string_append_printf(out,
        "RIP=%016llx RFL=%08llx [%c%c%c%c%c%c%c] CPL=%d\n",
        r.rip, (unsigned long long)fl, fl & 0x400 ? 'D' : '-', fl & 0x800 ? 'O' : '-',
        fl & 0x80 ? 'S' : '-', fl & 0x40 ? 'Z' : '-', fl & 0x10 ? 'A' : '-',
        fl & 0x4 ? 'P' : '-', fl & 0x1 ? 'C' : '-', s.cs.selector & 3);
    kvm_dump_seg(out, "ES", &s.es);
    kvm_dump_seg(out, "CS", &s.cs);
    kvm_dump_seg(out, "SS", &s.ss);
    kvm_dump_seg(out, "DS", &s.ds);
    kvm_dump_seg(out, "FS", &s.fs);
    kvm_dump_seg(out, "GS", &s.gs);
    kvm_dump_seg(out, "LDT", &s.ldt);
    kvm_dump_seg(out, "TR", &s.tr);
    g_string_append_printf(out, "GDT=     %016llx %08x\n",
                           (unsigned long long)s.gdt.base, s.gdt.limit);
    g_string_append_printf(out, "IDT=     %016llx %08x\n",
                           (unsigned long long)s.idt.base, s.idt.limit);
    g_string_append_printf(out,
        "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx\n",
        s.cr0, s.cr2, s.cr3, s.cr4);
    g_string_append_printf(out, "EFER=%016llx\n", s.efer);
}

void kvm_x86_dump_state(KVMCPU *cpu, GString *out)
{
    struct kvm_regs r;
    struct kvm_sregs s;

    if (!kvm_x86_get_regs(cpu, &r, NULL) || !kvm_x86_get_sregs(cpu, &s, NULL)) {
        g_string_append(out, "(registers unavailable)\n");
        return;
    }
    if (!kvm_register_formatter || !kvm_register_formatter(cpu, out)) {
        kvm_dump_regs(out, &r, &s);
    }
    /* Outside 64-bit code the PC is CS.base + IP (what the guest ran). */
    kvm_dump_code(cpu, out, (s.efer & X86_EFER_LMA && s.cs.l) ?
                  r.rip : s.cs.base + r.rip,
                  MIN(r.rip, KVM_DUMP_CODE_BACKWARD), !(s.cr0 & X86_CR0_PG));
}

void kvm_report_state(KVMCPU *cpu)
{
    g_autoptr(GString) out = g_string_new(NULL);

    kvm_x86_dump_state(cpu, out);
    error_printf("%s", out->str);
}
