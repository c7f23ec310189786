/*
 * test-kvm-x86-state.c: CPUX86State: its reset values, its text form
 * against QEMU 7.2's `info registers`, and its sync with the host's KVM:
 * put/get round trips at each level, a tiny real-mode guest that changes
 * registers and MSRs, the reset state run from the reset vector, the TSC,
 * the LAPIC page and MP state, and injected events. The dump and reset
 * cases need no KVM; the others skip with the reason when it is missing.
 */
#include "qemu/osdep.h"
#include "test-helpers.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "system/kvm.h"
#include "system/kvm-irqchip.h"
#include "target/i386/cpu-state.h"
#include "target/i386/kvm/kvm-state.h"

#define TEST_PORT 0x3f8
#define RESET_ROM_BASE 0xffff0000ULL
#define RESET_ROM_SIZE 0x10000

typedef struct Fixture {
    TestKvmGuest vm;
    GString *ios;           /* bytes written to TEST_PORT */
} Fixture;

static void port_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    g_string_append_c(((Fixture *)opaque)->ios, (char)val);
}

static uint64_t port_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps port_ops = {
    .read = port_read,
    .write = port_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool fixture_init(Fixture *f, const uint8_t *code, size_t len,
                         bool with_irqchip)
{
    memset(f, 0, sizeof(*f));
    if (!test_kvm_guest_init(&f->vm, with_irqchip ? TEST_KVM_IRQCHIP : 0,
                             code, len, &port_ops, f, TEST_PORT, 1)) {
        return false;
    }
    f->ios = g_string_new(NULL);
    return true;
}

static void fixture_cleanup(Fixture *f)
{
    test_kvm_guest_cleanup(&f->vm);
    g_string_free(f->ios, true);
}

static CPUX86State *env_new(void)
{
    return g_new0(CPUX86State, 1);
}

static void seg(SegmentCache *sc, uint32_t sel, uint64_t base,
                uint32_t limit, uint32_t flags)
{
    *sc = (SegmentCache) { sel, base, limit, flags };
}

/*
 * A 64-bit kernel's state, every field something other than its reset
 * value. Consistent enough for KVM_SET_SREGS: paging in long mode with
 * PAE, a 64-bit CS, a busy 64-bit TSS. Nothing here is ever run.
 */
static void long_mode_state(CPUX86State *env)
{
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                          DESC_A_MASK | DESC_B_MASK | DESC_G_MASK;
    int i;

    for (i = 0; i < CPU_NB_REGS; i++) {
        env->regs[i] = 0x0101010101010101ULL * (i + 1) + i;
    }
    env->eip = 0xffffffff81000123ULL;
    env->eflags = 0x2 | CC_C | CC_Z | DF_MASK;
    seg(&env->segs[R_CS], 0x10, 0, 0xffffffff,
        DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
        DESC_A_MASK | DESC_L_MASK | DESC_G_MASK);
    seg(&env->segs[R_SS], 0x18, 0, 0xffffffff, data);
    seg(&env->segs[R_DS], 0x18, 0, 0xffffffff, data);
    seg(&env->segs[R_ES], 0x18, 0, 0xffffffff, data);
    seg(&env->segs[R_FS], 0x18, 0x7f0012340000ULL, 0xffffffff, data);
    seg(&env->segs[R_GS], 0x18, 0xffff888000001000ULL, 0xffffffff, data);
    seg(&env->ldt, 0x30, 0x6000, 0xff, DESC_P_MASK | 2 << DESC_TYPE_SHIFT);
    seg(&env->tr, 0x28, 0x5000, 0x67, DESC_P_MASK | 11 << DESC_TYPE_SHIFT);
    env->gdt.base = 0x3000;
    env->gdt.limit = 0x37;
    env->idt.base = 0x4000;
    env->idt.limit = 0xfff;
    env->cr[0] = 0x80050033;        /* PG AM WP NE ET MP PE */
    env->cr[2] = 0xdead0000;
    env->cr[3] = 0x9000;
    env->cr[4] = 0x6a0;             /* OSXMMEXCPT OSFXSR PGE PAE */
    env->cr8 = 5;
    env->efer = MSR_EFER_SCE | MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_NXE;
    env->dr[0] = 0x1000;
    env->dr[1] = 0x2000;
    env->dr[2] = 0x3000;
    env->dr[3] = 0x4000;
    env->dr[6] = 0xffff0ff1;
    env->dr[7] = 0x401;
    env->a20_mask = ~0ULL;
    env->apic_base = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
                     MSR_IA32_APICBASE_BSP;

    env->sysenter_cs = 0x10;
    env->sysenter_esp = 0xffffc90000001000ULL;
    env->sysenter_eip = 0xffffffff81000200ULL;
    env->star = 0x0023001000000000ULL;
    env->lstar = 0xffffffff81000000ULL;
    env->cstar = 0xffffffff81000100ULL;
    env->fmask = 0x47700;
    env->kernelgsbase = 0xffff888012340000ULL;
    env->tsc_aux = 0x42;
    env->pat = 0x0007010600070106ULL;
    env->msr_ia32_misc_enable = 1;
    env->mtrr_deftype = 0xc06;      /* enabled, fixed enabled, WB */
    env->mtrr_fixed[0] = 0x0606060606060606ULL;
    env->mtrr_var[0].base = 0x80000006ULL;
    env->mtrr_var[0].mask = 0xf80000800ULL;

    env->fpuc = 0x27f;
    env->fpstt = 5;
    env->fpus = 0x0021;
    for (i = 0; i < 8; i++) {
        env->fptags[i] = i < 5;
        env->fpregs[i].low = 0x8000000000000000ULL | (uint64_t)i << 8;
        env->fpregs[i].high = 0x3fff + i;
    }
    env->mxcsr = 0x1fa0;
    for (i = 0; i < CPU_NB_REGS; i++) {
        env->xmm_regs[i].q[0] = 0x1111111111111111ULL * (i & 7) + i;
        env->xmm_regs[i].q[1] = ~env->xmm_regs[i].q[0];
    }
    env->xcr0 = XSTATE_FP_MASK;
    env->exception_nr = -1;
    env->interrupt_injected = -1;
}

/* ---- pure: reset values and the dump ---- */

static void test_reset_values(void)
{
    g_autofree CPUX86State *env = env_new();
    int i;

    x86_cpu_state_reset(env, true, APIC_DEFAULT_ADDRESS);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0xf000);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0xffff0000);
    g_assert_cmphex(env->segs[R_CS].limit, ==, 0xffff);
    g_assert_cmphex(env->eip, ==, 0xfff0);
    g_assert_cmphex(env->cr[0], ==, 0x60000010);
    g_assert_cmphex(env->eflags, ==, 0x2);
    g_assert_cmphex(env->regs[R_EDX], ==, X86_CPUID_VERSION_QEMU64);
    g_assert_cmphex(env->dr[6], ==, 0xffff0ff0);
    g_assert_cmphex(env->dr[7], ==, 0x400);
    g_assert_cmphex(env->gdt.limit, ==, 0xffff);
    g_assert_cmphex(env->idt.limit, ==, 0xffff);
    g_assert_cmphex(env->fpuc, ==, 0x37f);
    g_assert_cmphex(env->mxcsr, ==, 0x1f80);
    g_assert_cmphex(env->pat, ==, 0x0007040600070406ULL);
    g_assert_cmphex(env->apic_base, ==, 0xfee00900);
    g_assert_cmphex(env->xcr0, ==, 1);
    g_assert_cmpint(env->mp_state, ==, X86_MP_STATE_RUNNABLE);
    g_assert_false(env->halted);
    for (i = 0; i < 8; i++) {
        g_assert_cmpint(env->fptags[i], ==, 1);
    }

    /* An AP: no BSP flag, waiting for INIT-SIPI; the signature is given. */
    x86_cpu_state_reset_signature(env, false, 0xfec00000, 0x000806f8);
    g_assert_cmphex(env->apic_base, ==, 0xfec00800);
    g_assert_cmphex(env->regs[R_EDX], ==, 0x000806f8);
    g_assert_cmpint(env->mp_state, ==, X86_MP_STATE_UNINITIALIZED);
    g_assert_true(env->halted);
}

/*
 * What Debian's qemu-system-x86_64 7.2 prints for `info registers` at
 * power-on (-accel tcg -M pc -S), less the "CPU#0" line of the monitor.
 */
static const char qemu_reset_dump[] =
    "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00060fb1\n"
    "ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000\n"
    "EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"
    "ES =0000 00000000 0000ffff 00009300\n"
    "CS =f000 ffff0000 0000ffff 00009b00\n"
    "SS =0000 00000000 0000ffff 00009300\n"
    "DS =0000 00000000 0000ffff 00009300\n"
    "FS =0000 00000000 0000ffff 00009300\n"
    "GS =0000 00000000 0000ffff 00009300\n"
    "LDT=0000 00000000 0000ffff 00008200\n"
    "TR =0000 00000000 0000ffff 00008b00\n"
    "GDT=     00000000 0000ffff\n"
    "IDT=     00000000 0000ffff\n"
    "CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n"
    "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 "
    "DR3=0000000000000000 \n"
    "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
    "EFER=0000000000000000\n"
    "FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80\n"
    "FPR0=0000000000000000 0000 FPR1=0000000000000000 0000\n"
    "FPR2=0000000000000000 0000 FPR3=0000000000000000 0000\n"
    "FPR4=0000000000000000 0000 FPR5=0000000000000000 0000\n"
    "FPR6=0000000000000000 0000 FPR7=0000000000000000 0000\n"
    "XMM00=0000000000000000 0000000000000000 "
    "XMM01=0000000000000000 0000000000000000\n"
    "XMM02=0000000000000000 0000000000000000 "
    "XMM03=0000000000000000 0000000000000000\n"
    "XMM04=0000000000000000 0000000000000000 "
    "XMM05=0000000000000000 0000000000000000\n"
    "XMM06=0000000000000000 0000000000000000 "
    "XMM07=0000000000000000 0000000000000000\n";

static void test_dump_reset(void)
{
    g_autofree CPUX86State *env = env_new();
    g_autoptr(GString) out = g_string_new(NULL);

    x86_cpu_state_reset(env, true, APIC_DEFAULT_ADDRESS);
    x86_cpu_dump_state(env, out);
    x86_cpu_dump_fpu(env, out);
    g_assert_cmpstr(out->str, ==, qemu_reset_dump);
}

/* QEMU's layout for 64-bit code: R8-R15, 64-bit bases, kind of segment. */
static const char long_mode_dump[] =
    "RAX=0101010101010101 RBX=0404040404040407 RCX=0202020202020203 "
    "RDX=0303030303030305\n"
    "RSI=070707070707070d RDI=080808080808080f RBP=060606060606060b "
    "RSP=0505050505050509\n"
    "R8 =0909090909090911 R9 =0a0a0a0a0a0a0a13 R10=0b0b0b0b0b0b0b15 "
    "R11=0c0c0c0c0c0c0c17\n"
    "R12=0d0d0d0d0d0d0d19 R13=0e0e0e0e0e0e0e1b R14=0f0f0f0f0f0f0f1d "
    "R15=101010101010101f\n"
    "RIP=ffffffff81000123 RFL=00000443 [D--Z--C] CPL=0 II=1 A20=1 SMM=0 "
    "HLT=1\n"
    "ES =0018 0000000000000000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
    "CS =0010 0000000000000000 ffffffff 00a09b00 DPL=0 CS64 [-RA]\n"
    "SS =0018 0000000000000000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
    "DS =0018 0000000000000000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
    "FS =0018 00007f0012340000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
    "GS =0018 ffff888000001000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
    "LDT=0030 0000000000006000 000000ff 00008200 DPL=0 LDT\n"
    "TR =0028 0000000000005000 00000067 00008b00 DPL=0 TSS64-busy\n"
    "GDT=     0000000000003000 00000037\n"
    "IDT=     0000000000004000 00000fff\n"
    "CR0=80050033 CR2=00000000dead0000 CR3=0000000000009000 CR4=000006a0\n"
    "DR0=0000000000001000 DR1=0000000000002000 DR2=0000000000003000 "
    "DR3=0000000000004000 \n"
    "DR6=00000000ffff0ff1 DR7=0000000000000401\n"
    "EFER=0000000000000d01\n"
    "FCW=027f FSW=2821 [ST=5] FTW=e0 MXCSR=00001fa0\n"
    "FPR0=8000000000000000 3fff FPR1=8000000000000100 4000\n"
    "FPR2=8000000000000200 4001 FPR3=8000000000000300 4002\n"
    "FPR4=8000000000000400 4003 FPR5=8000000000000500 4004\n"
    "FPR6=8000000000000600 4005 FPR7=8000000000000700 4006\n";

static void test_dump_long_mode(void)
{
    g_autofree CPUX86State *env = env_new();
    g_autoptr(GString) out = g_string_new(NULL);
    const char *xmm;

    long_mode_state(env);
    env->interrupt_shadow = true;
    env->halted = true;
    x86_cpu_dump_state(env, out);
    x86_cpu_dump_fpu(env, out);
    /* In 64-bit code all 16 XMM registers are shown. */
    xmm = strstr(out->str, "XMM00=");
    g_assert_nonnull(xmm);
    g_assert_cmpstr(strstr(out->str, "XMM15="), ==,
                    "XMM15=8888888888888879 7777777777777786\n");
    g_string_truncate(out, xmm - out->str);
    g_assert_cmpstr(out->str, ==, long_mode_dump);
}

/*
 * What QEMU 7.2 (TCG) prints for `info registers` once the multiboot test
 * kernel hello.elf has entered long mode and stopped with `cli; hlt`
 * (less the "CPU#0" line). The flags keep limit bits 16-19, as TCG's do.
 */
static const char qemu_long_mode_dump[] =
    "RAX=0000000000000010 RBX=0000000000009500 RCX=0000000000000073 "
    "RDX=00000000000003f8\n"
    "RSI=0000000000000000 RDI=0000000000000010 RBP=0000000000000000 "
    "RSP=000000000010bfe8\n"
    "R8 =0000000000000000 R9 =00000000000003f8 R10=00000000000003f8 "
    "R11=00000000000003f8\n"
    "R12=0000000000000000 R13=0000000000000000 R14=0000000000000000 "
    "R15=0000000000000000\n"
    "RIP=00000000001009aa RFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 "
    "HLT=1\n"
    "ES =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "CS =0008 0000000000000000 ffffffff 00af9a00 DPL=0 CS64 [-R-]\n"
    "SS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "DS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "FS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "GS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]\n"
    "LDT=0000 0000000000000000 0000ffff 00008200 DPL=0 LDT\n"
    "TR =0000 0000000000000000 0000ffff 00008b00 DPL=0 TSS64-busy\n"
    "GDT=     00000000001010a0 0000002f\n"
    "IDT=     000000000010c180 000002ff\n"
    "CR0=80000011 CR2=0000000000000000 CR3=0000000000102000 CR4=00000020\n"
    "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 "
    "DR3=0000000000000000 \n"
    "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
    "EFER=0000000000000500\n"
    "FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80\n"
    "FPR0=0000000000000000 0000 FPR1=0000000000000000 0000\n"
    "FPR2=0000000000000000 0000 FPR3=0000000000000000 0000\n"
    "FPR4=0000000000000000 0000 FPR5=0000000000000000 0000\n"
    "FPR6=0000000000000000 0000 FPR7=0000000000000000 0000\n"
    "XMM00=0000000000000000 0000000000000000 "
    "XMM01=0000000000000000 0000000000000000\n"
    "XMM02=0000000000000000 0000000000000000 "
    "XMM03=0000000000000000 0000000000000000\n"
    "XMM04=0000000000000000 0000000000000000 "
    "XMM05=0000000000000000 0000000000000000\n"
    "XMM06=0000000000000000 0000000000000000 "
    "XMM07=0000000000000000 0000000000000000\n"
    "XMM08=0000000000000000 0000000000000000 "
    "XMM09=0000000000000000 0000000000000000\n"
    "XMM10=0000000000000000 0000000000000000 "
    "XMM11=0000000000000000 0000000000000000\n"
    "XMM12=0000000000000000 0000000000000000 "
    "XMM13=0000000000000000 0000000000000000\n"
    "XMM14=0000000000000000 0000000000000000 "
    "XMM15=0000000000000000 0000000000000000\n";

static void test_dump_qemu_long_mode(void)
{
    g_autofree CPUX86State *env = env_new();
    g_autoptr(GString) out = g_string_new(NULL);
    int i;

    x86_cpu_state_reset(env, true, APIC_DEFAULT_ADDRESS);
    env->regs[R_EAX] = 0x10;
    env->regs[R_EBX] = 0x9500;
    env->regs[R_ECX] = 0x73;
    env->regs[R_EDX] = 0x3f8;
    env->regs[R_EDI] = 0x10;
    env->regs[R_ESP] = 0x10bfe8;
    env->regs[9] = env->regs[10] = env->regs[11] = 0x3f8;
    env->eip = 0x1009aa;
    env->halted = true;
    for (i = 0; i < 6; i++) {
        seg(&env->segs[i], 0x10, 0, 0xffffffff, 0x00cf9300);
    }
    seg(&env->segs[R_CS], 0x8, 0, 0xffffffff, 0x00af9a00);
    env->gdt.base = 0x1010a0;
    env->gdt.limit = 0x2f;
    env->idt.base = 0x10c180;
    env->idt.limit = 0x2ff;
    env->cr[0] = 0x80000011;
    env->cr[3] = 0x102000;
    env->cr[4] = 0x20;
    env->efer = MSR_EFER_LME | MSR_EFER_LMA;
    x86_cpu_dump_state(env, out);
    x86_cpu_dump_fpu(env, out);
    g_assert_cmpstr(out->str, ==, qemu_long_mode_dump);
}

/* 32-bit protected mode: 32-bit bases, CS32/DS names, 8 XMM registers. */
static void test_dump_protected(void)
{
    g_autofree CPUX86State *env = env_new();
    g_autoptr(GString) out = g_string_new(NULL);
    const uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                          DESC_R_MASK | DESC_B_MASK | DESC_G_MASK;

    x86_cpu_state_reset(env, true, APIC_DEFAULT_ADDRESS);
    env->cr[0] = 0x11;
    env->eip = 0x100010;
    env->eflags = 0x2 | CC_S | CC_O | CC_A | CC_P;
    env->regs[R_EAX] = 0x2badb002;
    seg(&env->segs[R_CS], 0x8, 0, 0xffffffff, code);
    /* A ring-3 data segment with DPL 3, expand-down. */
    seg(&env->segs[R_SS], 0x23, 0x10000, 0xfff,
        DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_E_MASK |
        3 << DESC_DPL_SHIFT);
    /* A 16-bit data segment that is not present: no kind shown. */
    seg(&env->segs[R_DS], 0x10, 0, 0xffff, DESC_S_MASK | DESC_W_MASK);
    seg(&env->tr, 0x18, 0x2000, 0x67, DESC_P_MASK | 9 << DESC_TYPE_SHIFT);
    x86_cpu_dump_state(env, out);
    g_assert_cmpstr(out->str, ==,
        "EAX=2badb002 EBX=00000000 ECX=00000000 EDX=00060fb1\n"
        "ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000\n"
        "EIP=00100010 EFL=00000896 [-OS-AP-] CPL=3 II=0 A20=1 SMM=0 HLT=0\n"
        "ES =0000 00000000 0000ffff 00009300 DPL=0 DS16 [-WA]\n"
        "CS =0008 00000000 ffffffff 00c09a00 DPL=0 CS32 [-R-]\n"
        "SS =0023 00010000 00000fff 0000f600 DPL=3 DS16 [EW-]\n"
        "DS =0010 00000000 0000ffff 00001200\n"
        "FS =0000 00000000 0000ffff 00009300 DPL=0 DS16 [-WA]\n"
        "GS =0000 00000000 0000ffff 00009300 DPL=0 DS16 [-WA]\n"
        "LDT=0000 00000000 0000ffff 00008200 DPL=0 LDT\n"
        "TR =0018 00002000 00000067 00008900 DPL=0 TSS32-avl\n"
        "GDT=     00000000 0000ffff\n"
        "IDT=     00000000 0000ffff\n"
        "CR0=00000011 CR2=00000000 CR3=00000000 CR4=00000000\n"
        "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 "
        "DR3=0000000000000000 \n"
        "DR6=00000000ffff0ff0 DR7=0000000000000400\n"
        "EFER=0000000000000000\n");
}

/* ---- KVM ---- */

#define ASSERT_SEG_EQ(a, b) do {                                        \
        g_assert_cmphex((a).selector, ==, (b).selector);                \
        g_assert_cmphex((a).base, ==, (b).base);                        \
        g_assert_cmphex((a).limit, ==, (b).limit);                      \
        g_assert_cmphex((a).flags, ==, (b).flags);                      \
    } while (0)

static void assert_state_eq(KVMCPU *cpu, const CPUX86State *a,
                            const CPUX86State *b)
{
    int i;

    for (i = 0; i < CPU_NB_REGS; i++) {
        g_assert_cmphex(a->regs[i], ==, b->regs[i]);
    }
    g_assert_cmphex(a->eip, ==, b->eip);
    g_assert_cmphex(a->eflags, ==, b->eflags);
    for (i = 0; i < 6; i++) {
        ASSERT_SEG_EQ(a->segs[i], b->segs[i]);
    }
    ASSERT_SEG_EQ(a->ldt, b->ldt);
    ASSERT_SEG_EQ(a->tr, b->tr);
    g_assert_cmphex(a->gdt.base, ==, b->gdt.base);
    g_assert_cmphex(a->gdt.limit, ==, b->gdt.limit);
    g_assert_cmphex(a->idt.base, ==, b->idt.base);
    g_assert_cmphex(a->idt.limit, ==, b->idt.limit);
    g_assert_cmphex(a->cr[0], ==, b->cr[0]);
    g_assert_cmphex(a->cr[2], ==, b->cr[2]);
    g_assert_cmphex(a->cr[3], ==, b->cr[3]);
    g_assert_cmphex(a->cr[4], ==, b->cr[4]);
    g_assert_cmphex(a->cr8, ==, b->cr8);
    g_assert_cmphex(a->efer, ==, b->efer);
    g_assert_cmphex(a->apic_base, ==, b->apic_base);
    for (i = 0; i < 8; i++) {
        if (i != 4 && i != 5) {
            g_assert_cmphex(a->dr[i], ==, b->dr[i]);
        }
    }
    g_assert_cmphex(a->sysenter_cs, ==, b->sysenter_cs);
    g_assert_cmphex(a->sysenter_esp, ==, b->sysenter_esp);
    g_assert_cmphex(a->sysenter_eip, ==, b->sysenter_eip);
    g_assert_cmphex(a->star, ==, b->star);
    g_assert_cmphex(a->lstar, ==, b->lstar);
    g_assert_cmphex(a->cstar, ==, b->cstar);
    g_assert_cmphex(a->fmask, ==, b->fmask);
    g_assert_cmphex(a->kernelgsbase, ==, b->kernelgsbase);
    g_assert_cmphex(a->pat, ==, b->pat);
    g_assert_cmphex(a->msr_ia32_misc_enable, ==, b->msr_ia32_misc_enable);
    if (kvm_x86_has_msr(cpu, MSR_TSC_AUX)) {
        g_assert_cmphex(a->tsc_aux, ==, b->tsc_aux);
    }
    if (kvm_x86_has_msr(cpu, MSR_MTRRdefType)) {
        g_assert_cmphex(a->mtrr_deftype, ==, b->mtrr_deftype);
        g_assert_cmphex(a->mtrr_fixed[0], ==, b->mtrr_fixed[0]);
        g_assert_cmphex(a->mtrr_var[0].base, ==, b->mtrr_var[0].base);
        g_assert_cmphex(a->mtrr_var[0].mask, ==, b->mtrr_var[0].mask);
    }
    g_assert_cmphex(a->fpuc, ==, b->fpuc);
    g_assert_cmphex(a->fpus, ==, b->fpus);
    g_assert_cmpuint(a->fpstt, ==, b->fpstt);
    for (i = 0; i < 8; i++) {
        g_assert_cmpuint(a->fptags[i], ==, b->fptags[i]);
        g_assert_cmphex(a->fpregs[i].low, ==, b->fpregs[i].low);
        g_assert_cmphex(a->fpregs[i].high, ==, b->fpregs[i].high);
    }
    /* KVM_GET/SET_FPU do not carry MXCSR on any kernel; XSAVE does. */
    if (!kvm_x86_state_legacy_ioctls) {
        g_assert_cmphex(a->mxcsr, ==, b->mxcsr);
    }
    for (i = 0; i < CPU_NB_REGS; i++) {
        g_assert_cmphex(a->xmm_regs[i].q[0], ==, b->xmm_regs[i].q[0]);
        g_assert_cmphex(a->xmm_regs[i].q[1], ==, b->xmm_regs[i].q[1]);
    }
    /* Hosts without XSAVE have no XCR0 to sync either. */
    if (!kvm_x86_state_legacy_ioctls) {
        g_assert_cmphex(a->xcr0, ==, b->xcr0);
    }
}

/* Every field of a 64-bit state survives put (full) and get. */
static void test_kvm_roundtrip(void)
{
    static const uint8_t code[] = { 0xf4 };
    g_autofree CPUX86State *want = env_new();
    g_autofree CPUX86State *got = env_new();
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), false)) {
        return;
    }
    /* Start from the vCPU's own state, for the XSAVE area's layout. */
    g_assert_true(kvm_x86_get_state(f.vm.cpu, want, &error_abort));
    long_mode_state(want);
    g_assert_true(kvm_x86_put_state(f.vm.cpu, want, KVM_PUT_FULL_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    assert_state_eq(f.vm.cpu, want, got);

    /* A runtime put changes the registers but not the reset-level MSRs. */
    want->regs[R_EBX] = 0x5555;
    want->mtrr_deftype = 0;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, want, KVM_PUT_RUNTIME_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmphex(got->regs[R_EBX], ==, 0x5555);
    if (kvm_x86_has_msr(f.vm.cpu, MSR_MTRRdefType)) {
        g_assert_cmphex(got->mtrr_deftype, ==, 0xc06);
    }
    fixture_cleanup(&f);
}

/* The same through KVM_GET/SET_SREGS and KVM_GET/SET_FPU. */
static void test_kvm_roundtrip_legacy(void)
{
    kvm_x86_state_legacy_ioctls = true;
    test_kvm_roundtrip();
    kvm_x86_state_legacy_ioctls = false;
}

/* 32-bit PAE paging: the PDPTRs travel with SREGS2. */
static void test_kvm_pae_pdptrs(void)
{
    static const uint8_t code[] = { 0xf4 };
    g_autofree CPUX86State *env = env_new();
    g_autofree CPUX86State *got = env_new();
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                          DESC_A_MASK | DESC_B_MASK | DESC_G_MASK;
    Fixture f;
    int i;

    if (!fixture_init(&f, code, sizeof(code), false)) {
        return;
    }
    if (kvm_check_extension(f.vm.kvm, KVM_CAP_SREGS2) <= 0) {
        g_test_skip("no KVM_CAP_SREGS2: the PDPTRs cannot be synced");
        fixture_cleanup(&f);
        return;
    }
    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    for (i = 0; i < 6; i++) {
        seg(&env->segs[i], 0x10, 0, 0xffffffff, data);
    }
    seg(&env->segs[R_CS], 0x8, 0, 0xffffffff,
        DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
        DESC_A_MASK | DESC_B_MASK | DESC_G_MASK);
    env->cr[0] = CR0_PG_MASK | CR0_ET_MASK | CR0_PE_MASK;
    env->cr[3] = 0x2000;
    env->cr[4] = CR4_PAE_MASK;
    env->efer = 0;
    env->pdptrs_valid = true;
    for (i = 0; i < 4; i++) {
        env->pdptrs[i] = 0x3001 + 0x1000 * i;
    }
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_FULL_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmphex(got->cr[4], ==, env->cr[4]);
    if (!(got->cr[0] & CR0_PG_MASK)) {
        g_test_skip("this host's KVM drops CR0.PG outside long mode (PVM "
                    "has no 32-bit paging), so there are no PDPTRs");
        fixture_cleanup(&f);
        return;
    }
    g_assert_cmphex(got->cr[0], ==, env->cr[0]);
    g_assert_true(got->pdptrs_valid);
    for (i = 0; i < 4; i++) {
        g_assert_cmphex(got->pdptrs[i], ==, env->pdptrs[i]);
    }
    fixture_cleanup(&f);
}

/*
 * The guest changes registers, a segment, DR0, the flags and three MSRs
 * with WRMSR, writes 'K' and halts; get_state sees all of it, and what
 * put gave it (R8, SYSENTER_EIP) untouched.
 */
static const uint8_t guest_changes[] = {
    0x66, 0xb8, 0x44, 0x33, 0x22, 0x11,     /* mov eax, 0x11223344 */
    0x66, 0xba, 0x88, 0x77, 0x66, 0x55,     /* mov edx, 0x55667788 */
    0x66, 0xb9, 0x81, 0x00, 0x00, 0xc0,     /* mov ecx, MSR_STAR */
    0x0f, 0x30,                             /* wrmsr */
    0x66, 0xb8, 0x00, 0xf0, 0xad, 0xde,     /* mov eax, 0xdeadf000 */
    0x66, 0x31, 0xd2,                       /* xor edx, edx */
    0x66, 0xb9, 0x75, 0x01, 0x00, 0x00,     /* mov ecx, SYSENTER_ESP */
    0x0f, 0x30,                             /* wrmsr */
    0x66, 0xb8, 0x00, 0x50, 0x34, 0x12,     /* mov eax, 0x12345000 */
    0x66, 0xb9, 0x82, 0x00, 0x00, 0xc0,     /* mov ecx, MSR_LSTAR */
    0x0f, 0x30,                             /* wrmsr */
    0x66, 0xbb, 0xef, 0xbe, 0xad, 0xde,     /* mov ebx, 0xdeadbeef */
    0x66, 0xbe, 0x78, 0x56, 0x34, 0x12,     /* mov esi, 0x12345678 */
    0xb8, 0x00, 0x20,                       /* mov ax, 0x2000 */
    0x8e, 0xc0,                             /* mov es, ax */
    0x66, 0xb8, 0x00, 0x04, 0x00, 0x00,     /* mov eax, 0x400 */
    0x0f, 0x23, 0xc0,                       /* mov dr0, eax */
    0xfd,                                   /* std */
    0xba, 0xf8, 0x03,                       /* mov dx, 0x3f8 */
    0xb0, 'K', 0xee,                        /* mov al, 'K'; out dx, al */
    0xf4,                                   /* hlt */
};

static void test_kvm_guest_changes(void)
{
    g_autofree CPUX86State *env = env_new();
    Fixture f;

    if (!fixture_init(&f, guest_changes, sizeof(guest_changes), false)) {
        return;
    }
    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    g_assert_cmphex(env->eip, ==, TEST_KVM_CODE);
    env->regs[8] = 0x8888888888888888ULL;
    env->sysenter_eip = 0xabcd;
    env->star = 0;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RUNTIME_STATE,
                                    &error_abort));

    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    g_assert_cmpstr(f.ios->str, ==, "K");
    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    g_assert_cmphex(env->eip, ==, TEST_KVM_CODE + sizeof(guest_changes));
    g_assert_cmphex(env->regs[R_EAX], ==, 0x44b);
    g_assert_cmphex(env->regs[R_EBX], ==, 0xdeadbeef);
    g_assert_cmphex(env->regs[R_ECX], ==, MSR_LSTAR);
    g_assert_cmphex(env->regs[R_EDX], ==, 0x3f8);
    g_assert_cmphex(env->regs[R_ESI], ==, 0x12345678);
    g_assert_cmphex(env->regs[8], ==, 0x8888888888888888ULL);
    g_assert_true(env->eflags & DF_MASK);
    g_assert_cmphex(env->segs[R_ES].selector, ==, 0x2000);
    g_assert_cmphex(env->segs[R_ES].base, ==, 0x20000);
    g_assert_cmphex(env->dr[0], ==, 0x400);
    g_assert_cmphex(env->star, ==, 0x5566778811223344ULL);
    g_assert_cmphex(env->sysenter_esp, ==, 0xdeadf000);
    g_assert_cmphex(env->lstar, ==, 0x12345000);
    g_assert_cmphex(env->sysenter_eip, ==, 0xabcd);
    fixture_cleanup(&f);
}

/*
 * The reset state put at reset level reads back as SDM table 9-1 and runs
 * from the reset vector: F000:FFF0, linear FFFFFFF0.
 */
static void test_kvm_reset_state(void)
{
    static const uint8_t vector[] = {
        0xba, 0xf8, 0x03,       /* mov dx, 0x3f8 */
        0xb0, 'R', 0xee,        /* mov al, 'R'; out dx, al */
        0xf4,                   /* hlt */
    };
    g_autofree CPUX86State *env = env_new();
    g_autofree CPUX86State *got = env_new();
    MemoryRegion rom;
    uint8_t *p;
    Fixture f;

    if (!fixture_init(&f, vector, 0, false)) {
        return;
    }
    g_assert_true(memory_region_init_ram(&rom, NULL, "test.reset",
                                         RESET_ROM_SIZE, &error_abort));
    memory_region_add_subregion(get_system_memory(), RESET_ROM_BASE, &rom);
    p = memory_region_get_ram_ptr(&rom);
    memcpy(p + 0xfff0, vector, sizeof(vector));

    /* Dirty the vCPU first, so that the reset put has work to do. */
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    long_mode_state(got);
    g_assert_true(kvm_x86_put_state(f.vm.cpu, got, KVM_PUT_FULL_STATE,
                                    &error_abort));

    x86_cpu_state_reset(env, true, APIC_DEFAULT_ADDRESS);
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RESET_STATE,
                                    &error_abort));
    memset(got, 0, sizeof(*got));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    assert_state_eq(f.vm.cpu, env, got);
    g_assert_cmpint(got->exception_nr, ==, -1);
    g_assert_cmpint(got->interrupt_injected, ==, -1);
    g_assert_false(got->interrupt_shadow);

    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    g_assert_cmpstr(f.ios->str, ==, "R");
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmphex(got->eip, ==, 0xfff0 + sizeof(vector));
    g_assert_cmphex(got->segs[R_CS].base, ==, 0xffff0000);

    memory_region_del_subregion(get_system_memory(), &rom);
    memory_region_destroy(&rom);
    fixture_cleanup(&f);
}

/*
 * The TSC is written at reset level and above, never by a runtime put.
 * It keeps counting, so only its order is checked, not its value.
 */
static void test_kvm_tsc(void)
{
    static const uint8_t code[] = { 0xf4 };
    g_autofree CPUX86State *env = env_new();
    const uint64_t far = 1ULL << 50;
    uint64_t before, first;
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), false)) {
        return;
    }
    g_assert_true(kvm_x86_has_msr(f.vm.cpu, MSR_IA32_TSC));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    before = env->tsc;
    g_assert_cmphex(before, <, far);

    env->tsc = far;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RESET_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    if (env->tsc < far) {
        /* The write was taken (no error) and the TSC still counts on. */
        g_assert_cmphex(env->tsc, >=, before);
        g_test_skip("this host's KVM accepts IA32_TSC writes but ignores "
                    "them (PVM: the guest runs on the host's TSC)");
        fixture_cleanup(&f);
        return;
    }
    g_assert_cmphex(env->tsc, <, far * 2);
    first = env->tsc;

    env->tsc = 5;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RUNTIME_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    g_assert_cmphex(env->tsc, >=, first);

    env->tsc = 0;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_FULL_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    g_assert_cmphex(env->tsc, <, far);
    fixture_cleanup(&f);
}

static uint32_t lapic_reg(const CPUX86State *env, unsigned off)
{
    uint32_t v;

    memcpy(&v, env->lapic + off, sizeof(v));
    return GUINT32_FROM_LE(v);
}

/* With the in-kernel irqchip: the LAPIC page and MP state of an AP. */
static void test_kvm_lapic_mp_state(void)
{
    static const uint8_t code[] = { 0xf4 };
    g_autofree CPUX86State *env = env_new();
    g_autofree CPUX86State *got = env_new();
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), true)) {
        return;
    }
    x86_cpu_state_reset(env, false, APIC_DEFAULT_ADDRESS);
    x86_lapic_regs_reset(env, 0);
    /* A TPR of 0x20 is what MOV CR8 reads as 2. */
    env->lapic[0x80] = 0x20;
    env->cr8 = 2;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RESET_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmpint(got->mp_state, ==, X86_MP_STATE_UNINITIALIZED);
    /* As QEMU: only KVM_MP_STATE_HALTED is "halted" (HLT= of the dump). */
    g_assert_false(got->halted);
    g_assert_true(got->lapic_valid);
    g_assert_cmphex(got->apic_base, ==, 0xfee00800);
    g_assert_cmphex(lapic_reg(got, 0x20), ==, 0);
    g_assert_cmphex(lapic_reg(got, 0xf0), ==, 0xff);
    g_assert_cmphex(lapic_reg(got, 0xe0), ==, 0xffffffff);
    g_assert_cmphex(lapic_reg(got, 0x320), ==, 0x10000);
    g_assert_cmphex(lapic_reg(got, 0x370), ==, 0x10000);
    g_assert_cmphex(lapic_reg(got, 0x80), ==, 0x20);
    g_assert_cmphex(got->cr8, ==, 2);

    /* Now the BSP, runnable, with its LAPIC software-enabled. */
    x86_cpu_state_reset(env, true, APIC_DEFAULT_ADDRESS);
    x86_lapic_regs_reset(env, 0);
    env->lapic[0xf1] |= 1;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RESET_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmpint(got->mp_state, ==, X86_MP_STATE_RUNNABLE);
    g_assert_false(got->halted);
    g_assert_cmphex(got->apic_base, ==, 0xfee00900);
    g_assert_cmphex(lapic_reg(got, 0xf0), ==, 0x1ff);

    /* A runtime put leaves MP state and LAPIC to the kernel. */
    env->mp_state = X86_MP_STATE_UNINITIALIZED;
    env->lapic[0xf1] = 0;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RUNTIME_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmpint(got->mp_state, ==, X86_MP_STATE_RUNNABLE);
    g_assert_cmphex(lapic_reg(got, 0xf0), ==, 0x1ff);
    fixture_cleanup(&f);
}

/*
 * Events: an interrupt shadow and masked NMIs read back; an injected #UD
 * is delivered through the real-mode IVT before the guest's first
 * instruction runs.
 */
static void test_kvm_events(void)
{
    static const uint8_t code[] = {
        0xf4,                               /* 0x1000: hlt */
        0xba, 0xf8, 0x03,                   /* 0x1001: mov dx, 0x3f8 */
        0xb0, 'U', 0xee,                    /* mov al, 'U'; out dx, al */
        0xf4,                               /* hlt */
    };
    g_autofree CPUX86State *env = env_new();
    g_autofree CPUX86State *got = env_new();
    Fixture f;

    if (!fixture_init(&f, code, sizeof(code), false)) {
        return;
    }
    /* IVT entry 6 (#UD) -> 0000:1001 */
    f.vm.mem[6 * 4] = 0x01;
    f.vm.mem[6 * 4 + 1] = 0x10;
    f.vm.mem[6 * 4 + 2] = 0;
    f.vm.mem[6 * 4 + 3] = 0;

    g_assert_true(kvm_x86_get_state(f.vm.cpu, env, &error_abort));
    g_assert_cmpint(env->exception_nr, ==, -1);
    g_assert_cmpint(env->interrupt_injected, ==, -1);
    env->interrupt_shadow = true;
    env->nmi_masked = true;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RUNTIME_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_true(got->interrupt_shadow);
    g_assert_true(got->nmi_masked);
    g_assert_false(got->nmi_pending);

    env->interrupt_shadow = false;
    env->nmi_masked = false;
    env->interrupt_injected = 0x30;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RUNTIME_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmpint(got->interrupt_injected, ==, 0x30);
    g_assert_false(got->soft_interrupt);
    g_assert_false(got->interrupt_shadow);
    g_assert_false(got->nmi_masked);

    env->interrupt_injected = -1;
    env->exception_nr = 6;
    env->exception_injected = true;
    g_assert_true(kvm_x86_put_state(f.vm.cpu, env, KVM_PUT_RUNTIME_STATE,
                                    &error_abort));
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmpint(got->exception_nr, ==, 6);
    g_assert_true(got->exception_injected || got->exception_pending);
    g_assert_cmpint(got->interrupt_injected, ==, -1);

    g_assert_cmpint(test_kvm_guest_run(&f.vm), ==, KVM_RUN_HALTED);
    g_assert_cmpstr(f.ios->str, ==, "U");
    g_assert_true(kvm_x86_get_state(f.vm.cpu, got, &error_abort));
    g_assert_cmpint(got->exception_nr, ==, -1);
    /* The handler's IRET frame points at the faulting hlt. */
    g_assert_cmphex(got->regs[R_ESP], ==, 0xfffa);
    g_assert_cmphex(f.vm.mem[0xfffa], ==, 0x00);
    g_assert_cmphex(f.vm.mem[0xfffb], ==, 0x10);
    fixture_cleanup(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    bql_lock();
    g_test_add_func("/x86-state/reset-values", test_reset_values);
    g_test_add_func("/x86-state/dump/reset", test_dump_reset);
    g_test_add_func("/x86-state/dump/qemu-long-mode",
                    test_dump_qemu_long_mode);
    g_test_add_func("/x86-state/dump/long-mode", test_dump_long_mode);
    g_test_add_func("/x86-state/dump/protected", test_dump_protected);
    g_test_add_func("/x86-state/kvm/roundtrip", test_kvm_roundtrip);
    g_test_add_func("/x86-state/kvm/roundtrip-legacy",
                    test_kvm_roundtrip_legacy);
    g_test_add_func("/x86-state/kvm/pae-pdptrs", test_kvm_pae_pdptrs);
    g_test_add_func("/x86-state/kvm/guest-changes", test_kvm_guest_changes);
    g_test_add_func("/x86-state/kvm/reset-state", test_kvm_reset_state);
    g_test_add_func("/x86-state/kvm/tsc", test_kvm_tsc);
    g_test_add_func("/x86-state/kvm/lapic-mp-state", test_kvm_lapic_mp_state);
    g_test_add_func("/x86-state/kvm/events", test_kvm_events);
    return g_test_run();
}
