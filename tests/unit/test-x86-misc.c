/*
 * test-x86-misc.c: the x86 vCPU object under TCG (target/i386/tcg/
 * tcg-cpu.c, disas.c): the CPUID table TCG advertises, the power-on
 * state, the TB key in real, protected and long mode, restoring state
 * from insn_start data, and a few instructions run end to end through
 * the TCGCPUOps glue (translate, tlb_fill, -d in_asm and -d cpu output).
 */
#include "qemu/osdep.h"
#include "qemu/error.h"
#include "exec/memory.h"
#include "target/i386/tcg/tcg-cpu.h"

#define RAM_SIZE (16 * 1024 * 1024)
#define PT_BASE 0x200000
#define CODE 0x1000

typedef struct Machine {
    MemoryRegion root, ram;
    AddressSpace as;
} Machine;

static Machine *machine_new(void)
{
    Machine *m = g_new0(Machine, 1);

    memory_region_init(&m->root, NULL, "misc", UINT64_MAX);
    memory_region_init_ram(&m->ram, NULL, "misc.ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(&m->root, 0, &m->ram);
    address_space_init(&m->as, &m->root, "misc-memory");
    return m;
}

static void machine_free(Machine *m)
{
    address_space_destroy(&m->as);
    memory_region_del_subregion(&m->root, &m->ram);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->root);
    g_free(m);
}

/* ---- CPUID ---- */

static void test_cpuid_qemu64(void)
{
    X86CPUConfig cfg;
    X86CPUIDTable *t = g_new0(X86CPUIDTable, 1);
    static const CpuTopology one = { 1, 1, 1, 1, 1, 1 };
    const X86CPUIDEntry *e;

    g_assert_true(x86_tcg_cpu_config(&cfg, NULL, &error_abort));
    x86_cpuid_build(&cfg, &one, 0, t);

    e = x86_cpuid_find(t, 0, 0);
    g_assert_nonnull(e);
    g_assert_cmphex(e->ebx, ==, 0x68747541);   /* "Auth" enticAMD */

    e = x86_cpuid_find(t, 1, 0);
    g_assert_nonnull(e);
    g_assert_cmphex(e->eax, ==, X86_CPUID_VERSION_QEMU64);
    /* x87 and FXSR (issue 6, X87); MMX/SSE/SSE2 are SSE's to add. */
    g_assert_cmphex(e->edx & 0x01000001, ==, 0x01000001);
    /* tsc msr pae cx8 apic sep cmov pat clflush are there. */
    g_assert_cmphex(e->edx & 0x0009a970, ==, 0x0009a970);
    /* mmx sse sse2, sse3 (issue 6, SSE) */
    g_assert_cmphex(e->edx & 0x06800000, ==, 0x06800000);
    g_assert_cmphex(e->ecx & CPUID_EXT_SSE3, ==, CPUID_EXT_SSE3);
    g_assert_cmphex(e->ecx & CPUID_EXT_CX16, ==, CPUID_EXT_CX16);
    g_assert_cmphex(e->ecx & CPUID_EXT_HYPERVISOR, ==, CPUID_EXT_HYPERVISOR);

    e = x86_cpuid_find(t, 0x80000001, 0);
    g_assert_nonnull(e);
    g_assert_cmphex(e->edx & (CPUID_EXT2_LM | CPUID_EXT2_NX | CPUID_EXT2_SYSCALL), ==,
                    CPUID_EXT2_LM | CPUID_EXT2_NX | CPUID_EXT2_SYSCALL);
    g_assert_cmphex(e->edx & 0x01000001, ==, 0x01000001); /* fpu fxsr aliases */
    g_assert_cmphex(e->ecx & CPUID_EXT3_SVM, ==, 0);
    g_assert_cmphex(e->ecx & CPUID_EXT3_LAHF_LM, ==, CPUID_EXT3_LAHF_LM);
    g_free(t);
}

static void test_cpuid_host_refused(void)
{
    X86CPUConfig cfg;
    Error *err = NULL;

    g_assert_false(x86_tcg_cpu_config(&cfg, "host", &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "CPU model 'host' requires KVM or HVF");
    error_free(err);
}

static void test_cpuid_unsupported_filtered(void)
{
    X86CPUConfig cfg;

    /* AVX is beyond TCG (QEMU's too): asked for, it is dropped. */
    g_assert_true(x86_tcg_cpu_config(&cfg, "qemu64,+avx,+popcnt,check=off", &error_abort));
    g_assert_cmphex(cfg.features[FEAT_1_ECX] & CPUID_EXT_AVX, ==, 0);
    g_assert_cmphex(cfg.features[FEAT_1_ECX] & CPUID_EXT_POPCNT, ==, CPUID_EXT_POPCNT);
}

static void test_cpuid_max(void)
{
    X86CPUConfig cfg;

    /* Everything TCG implements, nothing more; QEMU 7.2's max identity. */
    g_assert_true(x86_tcg_cpu_config(&cfg, "max", &error_abort));
    g_assert_cmpstr(cfg.model_id, ==, "QEMU TCG CPU version 2.5+");
    g_assert_cmpuint(cfg.family, ==, 15);
    g_assert_cmphex(cfg.features[FEAT_1_EDX] & 0x01000001, ==, 0x01000001); /* fpu fxsr */
    g_assert_cmphex(cfg.features[FEAT_1_ECX] & (CPUID_EXT_POPCNT | CPUID_EXT_CX16), ==,
                    CPUID_EXT_POPCNT | CPUID_EXT_CX16);
    g_assert_cmphex(cfg.features[FEAT_1_ECX] & (CPUID_EXT_AVX | CPUID_EXT_XSAVE), ==,
                    CPUID_EXT_XSAVE);     /* (X87, issue 6) xsave */
    g_assert_cmphex(cfg.features[FEAT_8000_0001_EDX] & CPUID_EXT2_LM, ==, CPUID_EXT2_LM);
    g_assert_cmphex(cfg.features[FEAT_7_0_EBX], ==, 0);
}

/* ---- reset state and TB key ---- */

static void test_reset_state(void)
{
    Machine *m = machine_new();
    X86TCGCPU *bsp = x86_tcg_cpu_new(0, 0, true, NULL, &m->as, NULL, &error_abort);
    X86TCGCPU *ap = x86_tcg_cpu_new(1, 1, false, NULL, &m->as, NULL, &error_abort);
    uint64_t pc, cs_base;
    uint32_t flags;

    g_assert_cmphex(bsp->env.eip, ==, 0xfff0);
    g_assert_cmphex(bsp->env.segs[R_CS].selector, ==, 0xf000);
    g_assert_cmphex(bsp->env.segs[R_CS].base, ==, 0xffff0000);
    g_assert_cmphex(bsp->env.regs[R_EDX], ==, X86_CPUID_VERSION_QEMU64);
    g_assert_cmpint(bsp->env.cc_op, ==, CC_OP_EFLAGS);
    g_assert_cmpint(bsp->env.df, ==, 1);
    g_assert_cmpint(bsp->env.old_exception, ==, -1);
    g_assert_cmphex(bsp->env.apic_base & MSR_IA32_APICBASE_BSP, ==, MSR_IA32_APICBASE_BSP);
    g_assert_false(bsp->parent.halted);
    g_assert_true(ap->parent.halted);
    g_assert_cmphex(ap->env.apic_base & MSR_IA32_APICBASE_BSP, ==, 0);

    x86_tcg_cpu_get_tb_state(bsp, &pc, &cs_base, &flags);
    g_assert_cmphex(pc, ==, 0xfffffff0);
    g_assert_cmphex(cs_base, ==, 0xffff0000);
    g_assert_cmphex(flags & (HF_PE_MASK | HF_CS32_MASK | HF_LMA_MASK | HF_CPL_MASK), ==, 0);

    /* A halted AP has work once INIT or SIPI arrives, not before. */
    g_assert_false(x86_tcg_ops.cpu_has_work(&ap->parent));
    __atomic_fetch_or(&ap->parent.interrupt_request, CPU_INTERRUPT_SIPI, __ATOMIC_SEQ_CST);
    g_assert_true(x86_tcg_ops.cpu_has_work(&ap->parent));
    /* A maskable interrupt needs IF. */
    ap->parent.interrupt_request = CPU_INTERRUPT_HARD;
    g_assert_false(x86_tcg_ops.cpu_has_work(&ap->parent));
    ap->env.eflags |= IF_MASK;
    g_assert_true(x86_tcg_ops.cpu_has_work(&ap->parent));

    x86_tcg_cpu_free(ap);
    x86_tcg_cpu_free(bsp);
    machine_free(m);
}

/* INIT resets the registers but keeps PAT and the MTRRs (SDM vol. 3 table 10-1). */
static void test_init_keeps_mtrrs(void)
{
    Machine *m = machine_new();
    X86TCGCPU *ap = x86_tcg_cpu_new(1, 1, false, NULL, &m->as, NULL, &error_abort);

    ap->env.pat = 0x0007040600070406ULL;
    ap->env.mtrr_deftype = 0x806;
    ap->env.mtrr_fixed[0] = 0x0606060606060606ULL;
    ap->env.mtrr_var[1].base = 0x80000000;
    ap->env.mtrr_var[1].mask = 0xff80000800ULL;
    ap->env.regs[R_EAX] = 0x1234;
    ap->env.eip = 0x5678;
    __atomic_fetch_or(&ap->parent.interrupt_request, CPU_INTERRUPT_INIT, __ATOMIC_SEQ_CST);
    g_assert_true(x86_tcg_ops.cpu_exec_interrupt(&ap->parent, CPU_INTERRUPT_INIT));

    g_assert_cmphex(ap->env.regs[R_EAX], ==, 0);
    g_assert_cmphex(ap->env.eip, ==, 0xfff0);
    g_assert_true(ap->parent.halted);
    g_assert_cmphex(ap->env.pat, ==, 0x0007040600070406ULL);
    g_assert_cmphex(ap->env.mtrr_deftype, ==, 0x806);
    g_assert_cmphex(ap->env.mtrr_fixed[0], ==, 0x0606060606060606ULL);
    g_assert_cmphex(ap->env.mtrr_var[1].base, ==, 0x80000000);
    g_assert_cmphex(ap->env.mtrr_var[1].mask, ==, 0xff80000800ULL);

    x86_tcg_cpu_free(ap);
    machine_free(m);
}

static void test_tb_key_modes(void)
{
    Machine *m = machine_new();
    X86TCGCPU *cpu = x86_tcg_cpu_new(0, 0, true, NULL, &m->as, NULL, &error_abort);
    uint64_t pc, cs_base, pml4 = 0;
    uint32_t flags;

    x86_tcg_cpu_set_flat_mode(cpu, 16, 0);
    cpu->env.eip = 0x7c00;
    x86_tcg_cpu_get_tb_state(cpu, &pc, &cs_base, &flags);
    g_assert_cmphex(pc, ==, 0x7c00);
    g_assert_cmphex(flags & (HF_PE_MASK | HF_CS32_MASK | HF_LMA_MASK), ==, 0);

    x86_tcg_cpu_set_flat_mode(cpu, 32, 0);
    cpu->env.eip = CODE;
    cpu->env.eflags |= IOPL_MASK | AC_MASK | IF_MASK;
    x86_tcg_cpu_get_tb_state(cpu, &pc, &cs_base, &flags);
    g_assert_cmphex(pc, ==, CODE);
    g_assert_cmphex(cs_base, ==, 0);
    g_assert_cmphex(flags & (HF_PE_MASK | HF_CS32_MASK | HF_SS32_MASK), ==,
                    HF_PE_MASK | HF_CS32_MASK | HF_SS32_MASK);
    g_assert_cmphex(flags & (HF_LMA_MASK | HF_CS64_MASK | HF_CPL_MASK), ==, 0);
    /* IOPL and AC are part of the key; IF is not. */
    g_assert_cmphex(flags & (IOPL_MASK | AC_MASK), ==, IOPL_MASK | AC_MASK);
    g_assert_cmphex(flags & IF_MASK, ==, 0);

    x86_tcg_cpu_set_flat_mode(cpu, 64, PT_BASE);
    x86_tcg_cpu_get_tb_state(cpu, &pc, &cs_base, &flags);
    g_assert_cmphex(flags & (HF_PE_MASK | HF_LMA_MASK | HF_CS64_MASK), ==,
                    HF_PE_MASK | HF_LMA_MASK | HF_CS64_MASK);
    g_assert_cmphex(cpu->env.cr[3], ==, PT_BASE);
    g_assert_cmphex(cpu->env.efer & (MSR_EFER_LME | MSR_EFER_LMA), ==,
                    MSR_EFER_LME | MSR_EFER_LMA);
    address_space_read(&m->as, PT_BASE, MEMTXATTRS_UNSPECIFIED, &pml4, sizeof(pml4));
    g_assert_cmphex(GUINT64_FROM_LE(pml4), ==, (PT_BASE + 0x1000) | 0x7);

    x86_tcg_cpu_free(cpu);
    machine_free(m);
}

static void test_restore_state(void)
{
    Machine *m = machine_new();
    X86TCGCPU *cpu = x86_tcg_cpu_new(0, 0, true, NULL, &m->as, NULL, &error_abort);
    TranslationBlock tb = { 0 };
    uint64_t data[2];

    tb.cs_base = 0x10000;
    tb.pc = 0x10100;
    tb.flags = 0;
    data[0] = 0x10123;
    data[1] = CC_OP_SUBL;
    x86_tcg_ops.restore_state_to_opc(&cpu->parent, &tb, data);
    g_assert_cmphex(cpu->env.eip, ==, 0x123);
    g_assert_cmpint(cpu->env.cc_op, ==, CC_OP_SUBL);

    /* CC_OP_DYNAMIC: env->cc_op already holds the truth. */
    data[0] = 0x10130;
    data[1] = CC_OP_DYNAMIC;
    x86_tcg_ops.restore_state_to_opc(&cpu->parent, &tb, data);
    g_assert_cmphex(cpu->env.eip, ==, 0x130);
    g_assert_cmpint(cpu->env.cc_op, ==, CC_OP_SUBL);

    /* synchronize_from_tb: EIP is the TB's pc less CS.base. */
    x86_tcg_ops.synchronize_from_tb(&cpu->parent, &tb);
    g_assert_cmphex(cpu->env.eip, ==, 0x100);

    x86_tcg_cpu_free(cpu);
    machine_free(m);
}

/* ---- running code ---- */

/* mov $5, %eax; add $3, %eax; hlt (the same bytes in 32 and 64-bit mode) */
static const uint8_t prog[] = { 0xb8, 0x05, 0x00, 0x00, 0x00, 0x83, 0xc0, 0x03, 0xf4 };

static void run_prog(int bits)
{
    Machine *m = machine_new();
    X86TCGCPU *cpu = x86_tcg_cpu_new(0, 0, true, NULL, &m->as, NULL, &error_abort);
    int ret;

    address_space_write(&m->as, CODE, MEMTXATTRS_UNSPECIFIED, prog, sizeof(prog));
    x86_tcg_cpu_set_flat_mode(cpu, bits, PT_BASE);
    cpu->env.eip = CODE;
    for (int i = 0; i < 100 && !cpu->parent.halted; i++) {
        ret = cpu_exec(&cpu->parent);
        g_assert_cmpint(ret, !=, EXCP_DEBUG);
    }
    g_assert_true(cpu->parent.halted);
    g_assert_cmphex(cpu->env.regs[R_EAX], ==, 8);
    g_assert_cmphex(cpu->env.eip, ==, CODE + sizeof(prog));

    x86_tcg_cpu_free(cpu);
    machine_free(m);
}

/* A device (or loader) writing over code: the next run sees the new code. */
static void test_dma_over_code(void)
{
    Machine *m = machine_new();
    X86TCGCPU *cpu = x86_tcg_cpu_new(0, 0, true, NULL, &m->as, NULL, &error_abort);
    uint8_t patched[sizeof(prog)];

    memcpy(patched, prog, sizeof(prog));
    patched[1] = 0x10;                  /* mov $0x10, %eax */
    for (int pass = 0; pass < 2; pass++) {
        address_space_write(&m->as, CODE, MEMTXATTRS_UNSPECIFIED,
                            pass ? patched : prog, sizeof(prog));
        x86_tcg_cpu_set_flat_mode(cpu, 32, 0);
        cpu->env.eip = CODE;
        for (int i = 0; i < 100 && !cpu->parent.halted; i++) {
            cpu_exec(&cpu->parent);
        }
        g_assert_true(cpu->parent.halted);
        g_assert_cmphex(cpu->env.regs[R_EAX], ==, pass ? 0x13 : 8);
    }
    x86_tcg_cpu_free(cpu);
    machine_free(m);
}

static void test_run_32(void)
{
    run_prog(32);
}

static void test_run_64(void)
{
    run_prog(64);
}

/*
 * Two passes copying one qword per page from 256 pages at 4 MiB to 256
 * pages at 5 MiB: the buffers collide page for page in a small direct-
 * mapped TLB. The second pass must hit the TLB (tlb_fills counts misses).
 */
static const uint8_t copy_prog[] = {
    0xba, 0x02, 0x00, 0x00, 0x00,                   /* mov $2, %edx */
    0x48, 0xc7, 0xc6, 0x00, 0x00, 0x40, 0x00,       /* mov $0x400000, %rsi */
    0x48, 0xc7, 0xc7, 0x00, 0x00, 0x50, 0x00,       /* mov $0x500000, %rdi */
    0xb9, 0x00, 0x01, 0x00, 0x00,                   /* mov $256, %ecx */
    0x48, 0x8b, 0x06,                               /* mov (%rsi), %rax */
    0x48, 0x89, 0x07,                               /* mov %rax, (%rdi) */
    0x48, 0x81, 0xc6, 0x00, 0x10, 0x00, 0x00,       /* add $0x1000, %rsi */
    0x48, 0x81, 0xc7, 0x00, 0x10, 0x00, 0x00,       /* add $0x1000, %rdi */
    0xff, 0xc9,                                     /* dec %ecx */
    0x75, 0xe8,                                     /* jnz (mov (%rsi)) */
    0xff, 0xca,                                     /* dec %edx */
    0x75, 0xd1,                                     /* jnz (mov $.., %rsi) */
    0xf4,                                           /* hlt */
};

static void test_tlb_no_conflict_misses(void)
{
    Machine *m = machine_new();
    X86TCGCPU *cpu = x86_tcg_cpu_new(0, 0, true, NULL, &m->as, NULL, &error_abort);
    TCGStats before, after;

    address_space_write(&m->as, CODE, MEMTXATTRS_UNSPECIFIED, copy_prog, sizeof(copy_prog));
    x86_tcg_cpu_set_flat_mode(cpu, 64, PT_BASE);
    cpu->env.eip = CODE;
    tcg_get_stats(&before);
    for (int i = 0; i < 1000 && !cpu->parent.halted; i++) {
        cpu_exec(&cpu->parent);
    }
    tcg_get_stats(&after);
    g_assert_true(cpu->parent.halted);
    g_assert_cmphex(cpu->env.eip, ==, CODE + sizeof(copy_prog));
    /* 512 data pages and the code page; a thrashing TLB would take ~1024. */
    g_assert_cmpuint(after.tlb_fills - before.tlb_fills, <, 600);

    x86_tcg_cpu_free(cpu);
    machine_free(m);
}

static char *capture(void (*fn)(FILE *f, X86TCGCPU *cpu), X86TCGCPU *cpu)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    fn(f, cpu);
    fclose(f);
    return buf;
}

static void disas_prog(FILE *f, X86TCGCPU *cpu)
{
    x86_disas_log(f, &cpu->parent, CODE, sizeof(prog));
}

static void dump_cpu(FILE *f, X86TCGCPU *cpu)
{
    x86_tcg_ops.dump_state(f, &cpu->parent);
}

static void test_disas_and_dump(void)
{
    Machine *m = machine_new();
    X86TCGCPU *cpu = x86_tcg_cpu_new(0, 0, true, NULL, &m->as, NULL, &error_abort);
    g_autofree char *dis = NULL;
    g_autofree char *dump = NULL;

    address_space_write(&m->as, CODE, MEMTXATTRS_UNSPECIFIED, prog, sizeof(prog));
    x86_tcg_cpu_set_flat_mode(cpu, 32, 0);
    dis = capture(disas_prog, cpu);
    /* QEMU 7.2's layout: address, 8 byte columns, AT&T mnemonic. */
    g_assert_nonnull(strstr(dis, "0x00001000:  b8 05 00 00 00           movl     $5, %eax\n"));
    g_assert_null(strstr(dis, "0x00001009:"));
    g_assert_nonnull(strstr(dis, "hlt"));

    cpu->env.regs[R_EAX] = 0x1234;
    cpu->env.cc_op = CC_OP_EFLAGS;
    cpu->env.cc_src = CC_Z | CC_C;
    cpu->env.df = -1;
    dump = capture(dump_cpu, cpu);
    g_assert_nonnull(strstr(dump, "EAX=00001234"));
    /* The lazy flags and DF are folded into the printed EFLAGS. */
    g_assert_nonnull(strstr(dump, "EFL=00000443"));
    /* QEMU's lazy-flags line, just before EFER. */
    g_assert_nonnull(strstr(dump, "CCS=00000041 CCD=00000000 CCO=EFLAGS\nEFER="));
    g_assert_cmphex(cpu->env.eflags & (CC_Z | CC_C | DF_MASK), ==, 0);

    x86_tcg_cpu_free(cpu);
    machine_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-misc/cpuid/qemu64", test_cpuid_qemu64);
    g_test_add_func("/x86-misc/cpuid/host-refused", test_cpuid_host_refused);
    g_test_add_func("/x86-misc/cpuid/unsupported-filtered", test_cpuid_unsupported_filtered);
    g_test_add_func("/x86-misc/cpuid/max", test_cpuid_max);
    g_test_add_func("/x86-misc/reset-state", test_reset_state);
    g_test_add_func("/x86-misc/init-keeps-mtrrs", test_init_keeps_mtrrs);
    g_test_add_func("/x86-misc/tb-key-modes", test_tb_key_modes);
    g_test_add_func("/x86-misc/restore-state", test_restore_state);
    g_test_add_func("/x86-misc/run-32", test_run_32);
    g_test_add_func("/x86-misc/run-64", test_run_64);
    g_test_add_func("/x86-misc/dma-over-code", test_dma_over_code);
    g_test_add_func("/x86-misc/disas-and-dump", test_disas_and_dump);
    g_test_add_func("/x86-misc/tlb-no-conflict-misses", test_tlb_no_conflict_misses);
    return g_test_run();
}
