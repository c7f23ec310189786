/*
 * test-x86-mmu.c: x86 paging under TCG (target/i386/tcg/mmu_helper.c):
 * page tables built in guest RAM for 32-bit, PAE and 4-level paging,
 * translated by x86_cpu_tlb_fill (probing, and faulting into a
 * sigsetjmp like cpu_exec's), checked for the physical page reached,
 * accessed/dirty write-back, U/S, WP, NX, SMEP, SMAP, reserved bits, the
 * page-fault error code and CR2, non-canonical addresses and the CR
 * write checks.
 */
#include "qemu/osdep.h"
#include "test-x86-fixture.h"

#define RAM_SIZE (64u << 20)

static void fx_init(Fixture *f)
{
    fx_init_ram(f, RAM_SIZE);
}
/* Set paging registers directly (no checks) and start from an empty TLB. */
static void fx_mode(Fixture *f, uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
    CPUX86State *env = f->env;

    env->cr[4] = cr4;
    env->efer = efer;
    env->cr[3] = cr3;
    env->cr[0] = cr0;
    env->pdptrs_valid = false;
    x86_update_hflags(env);
    tlb_flush(f->cs);
}

/* Fill for one access; returns -1 or the exception (error code in *err). */
static int fx_fill(Fixture *f, uint64_t va, MMUAccessType type, int idx, int *err)
{
    CPUX86State *env = f->env;

    env->old_exception = -1;
    if (sigsetjmp(f->cs->jmp_env, 0) == 0) {
        x86_cpu_tlb_fill(f->cs, va, 1, type, idx, false, 0);
        return -1;
    }
    *err = env->error_code;
    env->old_exception = -1;
    return f->cs->exception_index;
}

/* The physical address va reaches: fill, then read the marker placed there. */
static uint64_t fx_read_marker(Fixture *f, uint64_t va, int idx)
{
    g_assert_true(x86_cpu_tlb_fill(f->cs, va, 8, MMU_DATA_LOAD, idx, true, 0));
    return cpu_ldq_mmuidx_ra(f->env, va, idx, 0);
}

#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define A   0x20ULL
#define D   0x40ULL
#define PS  0x80ULL
#define G   0x100ULL
#define NX  (1ULL << 63)

static void test_paging_off(void)
{
    Fixture f;
    int err;

    fx_init(&f);
    fx_mode(&f, CR0_PE_MASK | CR0_ET_MASK, 0, 0, 0);
    wq(&f, 0x123000, 0xfeedULL);
    g_assert_cmphex(fx_read_marker(&f, 0x123000, MMU_KNOSMAP_IDX), ==, 0xfeed);
    g_assert_cmpint(fx_fill(&f, 0x200000, MMU_DATA_STORE, MMU_USER_IDX, &err), ==, -1);
    fx_fini(&f);
}

/* 32-bit paging: PD at 0x10000, PT at 0x11000. */
static void test_paging32(void)
{
    Fixture f;
    int err;

    fx_init(&f);
    wl(&f, 0x10000 + 0 * 4, 0x11000 | P | RW | US);            /* 0..4M: PT */
    wl(&f, 0x11000 + 5 * 4, 0x300000 | P | RW);                 /* 0x5000 -> 3M, kernel RW */
    wl(&f, 0x11000 + 6 * 4, 0x301000 | P | US);                 /* 0x6000: user RO */
    wl(&f, 0x10000 + 2 * 4, 0x0c00000 | P | RW | US | PS);      /* 8M..12M: 4M page -> 12M */
    wq(&f, 0x300000, 0x1111);
    wq(&f, 0x301008, 0x2222);
    wq(&f, 0xc00000 + 0x12340, 0x3333);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x10000, CR4_PSE_MASK, 0);

    g_assert_cmphex(fx_read_marker(&f, 0x5000, MMU_KNOSMAP_IDX), ==, 0x1111);
    g_assert_cmphex(fx_read_marker(&f, 0x6008, MMU_USER_IDX), ==, 0x2222);
    g_assert_cmphex(fx_read_marker(&f, 0x812340, MMU_USER_IDX), ==, 0x3333);
    /* Accessed on PDE and PTE, dirty not yet. */
    g_assert_cmphex(rq(&f, 0x11000 + 5 * 4) & (A | D), ==, A);
    g_assert_cmphex(rq(&f, 0x10000) & A, ==, A);
    g_assert_cmpint(fx_fill(&f, 0x5000, MMU_DATA_STORE, MMU_KNOSMAP_IDX, &err), ==, -1);
    g_assert_cmphex(rq(&f, 0x11000 + 5 * 4) & (A | D), ==, A | D);

    /* User access to a supervisor page: P | U (| W). */
    g_assert_cmpint(fx_fill(&f, 0x5000, MMU_DATA_LOAD, MMU_USER_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_U_MASK);
    g_assert_cmphex(f.env->cr[2], ==, 0x5000);
    g_assert_cmpint(fx_fill(&f, 0x6000, MMU_DATA_STORE, MMU_USER_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_U_MASK | PG_ERROR_W_MASK);
    /* Supervisor write to a read-only page: allowed without CR0.WP only. */
    g_assert_cmpint(fx_fill(&f, 0x6000, MMU_DATA_STORE, MMU_KNOSMAP_IDX, &err), ==, -1);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK | CR0_WP_MASK, 0x10000, CR4_PSE_MASK, 0);
    g_assert_cmpint(fx_fill(&f, 0x6000, MMU_DATA_STORE, MMU_KNOSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_W_MASK);
    /* Not present: error code 0 (+W), CR2 = the address. */
    g_assert_cmpint(fx_fill(&f, 0x7abc, MMU_DATA_STORE, MMU_KNOSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_W_MASK);
    g_assert_cmphex(f.env->cr[2], ==, 0x7abc);
    /* Without CR4.PSE the PS bit is ignored: the PDE points to a page table. */
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x10000, 0, 0);
    wl(&f, 0xc00000 + 0x12 * 4, 0x302000 | P);
    wq(&f, 0x302340, 0x4444);
    g_assert_cmphex(fx_read_marker(&f, 0x812340, MMU_KNOSMAP_IDX), ==, 0x4444);
    fx_fini(&f);
}

/* PAE: PDPT at 0x20000 (32-byte aligned), PD at 0x21000, PT at 0x22000. */
static void test_pae(void)
{
    Fixture f;
    int err;

    fx_init(&f);
    wq(&f, 0x20000, 0x21000 | P);
    wq(&f, 0x21000, 0x22000 | P | RW | US);
    wq(&f, 0x21008, 0x400000 | P | RW | US | PS);           /* 2M..4M -> 4M, 2 MiB page */
    wq(&f, 0x22000 + 3 * 8, 0x303000 | P | RW | US | NX);   /* 0x3000: NX */
    wq(&f, 0x22000 + 4 * 8, 0x304000 | P | RW | US | (1ULL << 50));
    /* MAXPHYADDR is CPUID 0x80000008's 40 (qemu64): bit 39 addresses, bit 40 is reserved. */
    wq(&f, 0x22000 + 5 * 8, 0x305000 | P | RW | US | (1ULL << 39));
    wq(&f, 0x22000 + 6 * 8, 0x306000 | P | RW | US | (1ULL << 40));
    wq(&f, 0x303010, 0x5555);
    wq(&f, 0x400000 + 0x1f000, 0x6666);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x20000, CR4_PAE_MASK, MSR_EFER_NXE);

    g_assert_cmphex(fx_read_marker(&f, 0x3010, MMU_USER_IDX), ==, 0x5555);
    g_assert_cmphex(fx_read_marker(&f, 0x21f000, MMU_USER_IDX), ==, 0x6666);
    /* NX fetch: P | I/D. */
    g_assert_cmpint(fx_fill(&f, 0x3000, MMU_INST_FETCH, MMU_KNOSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_I_D_MASK);
    /* Bit 50 is above MAXPHYADDR: RSVD. */
    g_assert_cmpint(fx_fill(&f, 0x4000, MMU_DATA_LOAD, MMU_KNOSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_RSVD_MASK);
    g_assert_cmpint(fx_fill(&f, 0x5000, MMU_DATA_LOAD, MMU_KNOSMAP_IDX, &err), ==, -1);
    g_assert_cmpint(fx_fill(&f, 0x6000, MMU_DATA_LOAD, MMU_KNOSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_RSVD_MASK);
    /* Without EFER.NXE bit 63 is reserved. */
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x20000, CR4_PAE_MASK, 0);
    g_assert_cmpint(fx_fill(&f, 0x3000, MMU_DATA_LOAD, MMU_KNOSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_RSVD_MASK);
    /* Not-present PDPTE. */
    g_assert_cmpint(fx_fill(&f, 0x40000000, MMU_DATA_LOAD, MMU_USER_IDX, &err), ==,
                    EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_U_MASK);
    fx_fini(&f);
}

/* CR3 with a reserved PDPTE bit under PAE paging: #GP(0) at the write. */
static void test_pae_pdpte_gp(void)
{
    Fixture f;

    fx_init(&f);
    wq(&f, 0x20000, 0x21000 | P);
    wq(&f, 0x30000, 0x21000 | P | 0x4);     /* bit 2 is reserved in a PDPTE */
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x20000, CR4_PAE_MASK, 0);
    f.env->old_exception = -1;
    if (sigsetjmp(f.cs->jmp_env, 0) == 0) {
        x86_write_cr3_checked(f.env, 0x30000, 0);
        g_assert_not_reached();
    }
    g_assert_cmpint(f.cs->exception_index, ==, EXCP0D_GPF);
    g_assert_cmphex(f.env->cr[3], ==, 0x20000);
    if (sigsetjmp(f.cs->jmp_env, 0) == 0) {
        x86_write_cr3_checked(f.env, 0x20000, 0);
    }
    g_assert_cmphex(f.env->cr[3], ==, 0x20000);
    g_assert_true(f.env->pdptrs_valid);
    fx_fini(&f);
}

/* 4-level: PML4 0x40000, PDPT 0x41000, PD 0x42000, PT 0x43000. */
static void fx_build4(Fixture *f)
{
    wq(f, 0x40000, 0x41000 | P | RW | US);
    wq(f, 0x41000, 0x42000 | P | RW | US);
    wq(f, 0x41000 + 1 * 8, 0x0 | P | RW | US | PS);             /* 1G..2G -> 0, 1 GiB page */
    wq(f, 0x42000, 0x43000 | P | RW | US);
    wq(f, 0x42000 + 1 * 8, 0x600000 | P | RW | PS | G);         /* 2M: kernel, global */
    wq(f, 0x43000 + 1 * 8, 0x305000 | P | RW | US);             /* 0x1000: user */
    wq(f, 0x43000 + 2 * 8, 0x306000 | P | RW);                  /* 0x2000: kernel */
    wq(f, 0x43000 + 3 * 8, 0x307000 | P | RW | US | (1ULL << 45));
}

static void test_4level(void)
{
    Fixture f;
    int err;

    fx_init(&f);
    fx_build4(&f);
    wq(&f, 0x305020, 0x7777);
    wq(&f, 0x306000, 0x8888);
    wq(&f, 0x600000 + 0x1234 * 8, 0x9999);
    wq(&f, 0x2345000, 0xaaaa);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x40000, CR4_PAE_MASK,
            MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_NXE);
    g_assert_true(f.env->hflags & HF_LMA_MASK);

    g_assert_cmphex(fx_read_marker(&f, 0x1020, MMU_USER_IDX), ==, 0x7777);
    g_assert_cmphex(fx_read_marker(&f, 0x2000, MMU_KNOSMAP_IDX), ==, 0x8888);
    g_assert_cmphex(fx_read_marker(&f, 0x200000 + 0x1234 * 8, MMU_KNOSMAP_IDX), ==, 0x9999);
    g_assert_cmphex(fx_read_marker(&f, 0x40000000 + 0x2345000, MMU_USER_IDX), ==, 0xaaaa);
    /* A set on every level walked, D only after a write. */
    g_assert_cmphex(rq(&f, 0x40000) & A, ==, A);
    g_assert_cmphex(rq(&f, 0x41000) & A, ==, A);
    g_assert_cmphex(rq(&f, 0x43000 + 8) & (A | D), ==, A);
    g_assert_cmpint(fx_fill(&f, 0x1000, MMU_DATA_STORE, MMU_USER_IDX, &err), ==, -1);
    g_assert_cmphex(rq(&f, 0x43000 + 8) & (A | D), ==, A | D);
    g_assert_cmphex(rq(&f, 0x41000 + 8) & (A | D), ==, A);

    /* User access to the kernel page. */
    g_assert_cmpint(fx_fill(&f, 0x2000, MMU_DATA_LOAD, MMU_USER_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_U_MASK);
    /* Reserved bit 45 (MAXPHYADDR is 40 for qemu64). */
    g_assert_cmpint(fx_fill(&f, 0x3000, MMU_DATA_LOAD, MMU_USER_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_RSVD_MASK | PG_ERROR_U_MASK);
    /* Not present at the PML4 level, and a fetch with NXE: I/D set. */
    g_assert_cmpint(fx_fill(&f, 0x8000000000ULL, MMU_INST_FETCH, MMU_USER_IDX, &err), ==,
                    EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_U_MASK | PG_ERROR_I_D_MASK);
    g_assert_cmphex(f.env->cr[2], ==, 0x8000000000ULL);
    /* Non-canonical: #GP(0), CR2 untouched. */
    f.env->cr[2] = 0;
    g_assert_cmpint(fx_fill(&f, 0x0000800000000000ULL, MMU_DATA_LOAD, MMU_KNOSMAP_IDX, &err),
                    ==, EXCP0D_GPF);
    g_assert_cmphex(err, ==, 0);
    g_assert_cmphex(f.env->cr[2], ==, 0);
    fx_fini(&f);
}

static void test_smep_smap(void)
{
    Fixture f;
    int err;

    fx_init(&f);
    fx_build4(&f);
    wq(&f, 0x305000, 0x1212);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x40000,
            CR4_PAE_MASK | CR4_SMEP_MASK | CR4_SMAP_MASK, MSR_EFER_LME | MSR_EFER_LMA);
    /* SMEP: supervisor fetch from a user page. */
    g_assert_cmpint(fx_fill(&f, 0x1000, MMU_INST_FETCH, MMU_KSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK | PG_ERROR_I_D_MASK);
    g_assert_cmpint(fx_fill(&f, 0x2000, MMU_INST_FETCH, MMU_KSMAP_IDX, &err), ==, -1);
    /* SMAP: data access through the SMAP index faults, with AC (KNOSMAP) it works. */
    g_assert_cmpint(fx_fill(&f, 0x1000, MMU_DATA_LOAD, MMU_KSMAP_IDX, &err), ==, EXCP0E_PAGE);
    g_assert_cmphex(err, ==, PG_ERROR_P_MASK);
    g_assert_cmphex(fx_read_marker(&f, 0x1000, MMU_KNOSMAP_IDX), ==, 0x1212);
    /* The data index follows CR4.SMAP and EFLAGS.AC. */
    g_assert_cmpint(x86_mmu_index(f.env), ==, MMU_KSMAP_IDX);
    f.env->eflags |= AC_MASK;
    g_assert_cmpint(x86_mmu_index(f.env), ==, MMU_KNOSMAP_IDX);
    fx_fini(&f);
}

/* CR3 writes drop every translation, global ones too (documented). */
static void test_cr3_flush(void)
{
    Fixture f;

    fx_init(&f);
    fx_build4(&f);
    wq(&f, 0x600000, 0x1313);
    wq(&f, 0x800000, 0x1414);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x40000, CR4_PAE_MASK | CR4_PGE_MASK,
            MSR_EFER_LME | MSR_EFER_LMA);
    g_assert_cmphex(fx_read_marker(&f, 0x200000, MMU_KNOSMAP_IDX), ==, 0x1313);
    /* Same tables elsewhere with the 2M page moved. */
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 512; j++) {
            wq(&f, 0x50000 + i * 0x1000 + j * 8, rq(&f, 0x40000 + i * 0x1000 + j * 8));
        }
    }
    wq(&f, 0x50000, 0x51000 | P | RW | US);
    wq(&f, 0x51000, 0x52000 | P | RW | US);
    wq(&f, 0x52000 + 8, 0x800000 | P | RW | PS | G);
    cpu_x86_update_cr3(f.env, 0x50000);
    g_assert_cmphex(fx_read_marker(&f, 0x200000, MMU_KNOSMAP_IDX), ==, 0x1414);
    fx_fini(&f);
}

static int fx_catch(Fixture *f, void (*fn)(CPUX86State *, uint64_t, uintptr_t), uint64_t v)
{
    f->env->old_exception = -1;
    f->cs->exception_index = -1;
    if (sigsetjmp(f->cs->jmp_env, 0) == 0) {
        fn(f->env, v, 0);
        return -1;
    }
    f->env->old_exception = -1;
    return f->cs->exception_index;
}

static void test_cr_checks(void)
{
    Fixture f;

    fx_init(&f);
    fx_build4(&f);
    fx_mode(&f, CR0_PE_MASK | CR0_ET_MASK, 0x40000, 0, MSR_EFER_LME);
    /* PG with LME but without PAE; PG without PE; NW without CD; high bits. */
    g_assert_cmpint(fx_catch(&f, x86_write_cr0_checked, CR0_PE_MASK | CR0_PG_MASK), ==,
                    EXCP0D_GPF);
    g_assert_cmpint(fx_catch(&f, x86_write_cr0_checked, CR0_PG_MASK), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_catch(&f, x86_write_cr0_checked, CR0_PE_MASK | CR0_NW_MASK), ==,
                    EXCP0D_GPF);
    g_assert_cmpint(fx_catch(&f, x86_write_cr0_checked, (1ULL << 32) | CR0_PE_MASK), ==,
                    EXCP0D_GPF);
    /* Reserved CR4 bits and LA57. */
    g_assert_cmpint(fx_catch(&f, x86_write_cr4_checked, 1ULL << 30), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_catch(&f, x86_write_cr4_checked, CR4_LA57_MASK), ==, EXCP0D_GPF);
    /* Enter long mode: PAE, then PG with LME sets LMA. */
    g_assert_cmpint(fx_catch(&f, x86_write_cr4_checked, CR4_PAE_MASK), ==, -1);
    g_assert_cmpint(fx_catch(&f, x86_write_cr0_checked, CR0_PE_MASK | CR0_PG_MASK), ==, -1);
    g_assert_true(f.env->efer & MSR_EFER_LMA);
    g_assert_true(f.env->hflags & HF_LMA_MASK);
    /* CR0.AM is mirrored in hflags (alignment checks at CPL 3). */
    g_assert_false(f.env->hflags & HF_AM_MASK);
    g_assert_cmpint(fx_catch(&f, x86_write_cr0_checked,
                             CR0_PE_MASK | CR0_PG_MASK | CR0_AM_MASK), ==, -1);
    g_assert_true(f.env->hflags & HF_AM_MASK);
    /* Clearing PAE in long mode. */
    g_assert_cmpint(fx_catch(&f, x86_write_cr4_checked, 0), ==, EXCP0D_GPF);
    /* Leaving paging from compatibility mode clears LMA. */
    g_assert_cmpint(fx_catch(&f, x86_write_cr0_checked, CR0_PE_MASK), ==, -1);
    g_assert_false(f.env->efer & MSR_EFER_LMA);
    fx_fini(&f);
}


/*
 * Through translated code (64-bit flat mode of tcg-cpu.c, 2 MiB pages at
 * PD 0x42000): a load from a not-present page enters the #PF handler
 * with CR2 and the error code; a store sets A and D in the page's PDE.
 */
static void fx_run(Fixture *f, uint64_t rip)
{
    f->env->eip = rip;
    f->cs->halted = false;
    for (int i = 0; i < 100 && !f->cs->halted; i++) {
        cpu_exec(f->cs);
    }
    g_assert_true(f->cs->halted);
}

static void test_translated(void)
{
    /* mov rax, [0x200010]; hlt */
    static const uint8_t load[] = { 0x48, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x20, 0x00, 0xf4 };
    /* mov dword [0x400000], 1; hlt */
    static const uint8_t store[] = { 0xc7, 0x04, 0x25, 0x00, 0x00, 0x40, 0x00,
                                     0x01, 0x00, 0x00, 0x00, 0xf4 };
    static const uint8_t hlt[] = { 0xf4 };
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    x86_tcg_cpu_set_flat_mode(f.cpu, 64, 0x40000);
    /* GDT: 0x08 64-bit code; IDT vector 14 -> 0x08:0x3000 (interrupt gate). */
    wq(&f, 0x5008, 0x00af9b000000ffffULL);
    env->gdt.base = 0x5000;
    env->gdt.limit = 0x17;
    wq(&f, 0x6000 + 14 * 16, 0x00008e0000083000ULL);
    wq(&f, 0x6000 + 14 * 16 + 8, 0);
    env->idt.base = 0x6000;
    env->idt.limit = 0xfff;
    address_space_write(&f.as, 0x3000, MEMTXATTRS_UNSPECIFIED, hlt, sizeof(hlt));
    address_space_write(&f.as, 0x2000, MEMTXATTRS_UNSPECIFIED, load, sizeof(load));
    address_space_write(&f.as, 0x2100, MEMTXATTRS_UNSPECIFIED, store, sizeof(store));
    env->regs[R_ESP] = 0x8000;
    /* Page 0x200000 (PD index 1) not present; PD index 2: A and D clear. */
    wq(&f, 0x42000 + 8, 0);
    wq(&f, 0x42000 + 16, rq(&f, 0x42000 + 16) & ~(A | D));
    tlb_flush(f.cs);

    fx_run(&f, 0x2000);
    g_assert_cmphex(env->eip, ==, 0x3001);
    g_assert_cmphex(env->cr[2], ==, 0x200010);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8000 - 48);
    g_assert_cmphex(rq(&f, 0x8000 - 48), ==, 0);            /* error code: not present, read */
    g_assert_cmphex(rq(&f, 0x8000 - 40), ==, 0x2000);       /* the faulting RIP */

    fx_run(&f, 0x2100);
    g_assert_cmphex(env->eip, ==, 0x2100 + sizeof(store));
    g_assert_cmphex(rq(&f, 0x400000) & 0xffffffff, ==, 1);
    g_assert_cmphex(rq(&f, 0x42000 + 16) & (A | D), ==, A | D);
    fx_fini(&f);
}


static int fx_msr(Fixture *f, bool write, uint32_t msr, uint64_t val)
{
    CPUX86State *env = f->env;

    env->regs[R_ECX] = msr;
    env->regs[R_EAX] = (uint32_t)val;
    env->regs[R_EDX] = val >> 32;
    env->old_exception = -1;
    f->cs->exception_index = -1;
    if (sigsetjmp(f->cs->jmp_env, 0) == 0) {
        if (write) {
            helper_wrmsr(env);
        } else {
            helper_rdmsr(env);
        }
        return -1;
    }
    env->old_exception = -1;
    return f->cs->exception_index;
}

/* EFER and the MSRs next to paging: reserved bits and canonical checks. */
static void test_msrs(void)
{
    Fixture f;
    CPUX86State *env;

    fx_init(&f);
    env = f.env;
    fx_mode(&f, CR0_PE_MASK, 0, 0, 0);
    g_assert_cmpint(fx_msr(&f, true, MSR_EFER, MSR_EFER_LME | MSR_EFER_NXE | MSR_EFER_SCE),
                    ==, -1);
    g_assert_cmphex(env->efer, ==, MSR_EFER_LME | MSR_EFER_NXE | MSR_EFER_SCE);
    g_assert_cmpint(fx_msr(&f, true, MSR_EFER, 1ULL << 1), ==, EXCP0D_GPF);
    /* LME may not change while paging is enabled. */
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x10000, 0, env->efer);
    g_assert_cmpint(fx_msr(&f, true, MSR_EFER, MSR_EFER_NXE), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_msr(&f, false, MSR_EFER, 0), ==, -1);
    g_assert_cmphex(env->regs[R_EAX], ==, MSR_EFER_LME | MSR_EFER_NXE | MSR_EFER_SCE);
    /* PAT types 2 and 3 are reserved; FS base must be canonical. */
    g_assert_cmpint(fx_msr(&f, true, MSR_PAT, 0x0007040600070402ULL), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_msr(&f, true, MSR_PAT, 0x0007040600070406ULL), ==, -1);
    g_assert_cmpint(fx_msr(&f, true, 0xc0000100, 0x0000800000000000ULL), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_msr(&f, true, 0xc0000100, 0xffff800000001000ULL), ==, -1);
    g_assert_cmphex(env->segs[R_FS].base, ==, 0xffff800000001000ULL);
    /* Unknown MSRs fault; the TSC counts forward and can be set. */
    g_assert_cmpint(fx_msr(&f, false, 0x12345678, 0), ==, EXCP0D_GPF);
    g_assert_cmpint(fx_msr(&f, true, MSR_IA32_TSC, 1ULL << 40), ==, -1);
    g_assert_cmpint(fx_msr(&f, false, MSR_IA32_TSC, 0), ==, -1);
    g_assert_cmphex(env->regs[R_EDX], ==, 0x100);
    fx_fini(&f);
}

/* CPUID past the last basic leaf returns the last basic leaf (QEMU, Intel). */
static void test_cpuid_range(void)
{
    Fixture f;
    uint32_t a, b, c, d;

    fx_init(&f);
    f.env->regs[R_EAX] = 0;
    helper_cpuid(f.env);
    g_assert_cmphex(f.env->regs[R_EAX], >=, 1);
    f.env->regs[R_ECX] = 0;             /* EAX holds the highest basic leaf */
    helper_cpuid(f.env);
    a = f.env->regs[R_EAX];
    b = f.env->regs[R_EBX];
    c = f.env->regs[R_ECX];
    d = f.env->regs[R_EDX];
    f.env->regs[R_EAX] = 0x3fffffff;
    f.env->regs[R_ECX] = 0;
    helper_cpuid(f.env);
    g_assert_cmphex(f.env->regs[R_EAX], ==, a);
    g_assert_cmphex(f.env->regs[R_EBX], ==, b);
    g_assert_cmphex(f.env->regs[R_ECX], ==, c);
    g_assert_cmphex(f.env->regs[R_EDX], ==, d);
    fx_fini(&f);
}


/*
 * Hostile page tables: random entries (pointing anywhere, also outside
 * RAM), random paging modes and addresses. Every walk must end in a
 * mapping or a fault, without crashing.
 */
static void test_hostile(void)
{
    GRand *r = g_rand_new_with_seed(99);
    Fixture f;

    fx_init(&f);
    for (int iter = 0; iter < 20000; iter++) {
        static const uint64_t cr4s[] = {
            0, CR4_PSE_MASK, CR4_PAE_MASK, CR4_PAE_MASK | CR4_SMEP_MASK | CR4_SMAP_MASK,
        };
        uint64_t cr4 = cr4s[g_rand_int_range(r, 0, 4)];
        uint64_t efer = g_rand_boolean(r) ? MSR_EFER_NXE : 0;
        uint64_t va = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
        int err;

        for (int i = 0; i < 16; i++) {
            uint64_t e = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);

            if (g_rand_boolean(r)) {
                /* Mostly plausible: a table in the first 1 MiB. */
                e = (e & 0x8000000000000fffULL) | (g_rand_int_range(r, 0, 256) << 12);
            }
            wq(&f, 0x40000 + 8 * g_rand_int_range(r, 0, 2048), e);
        }
        if ((cr4 & CR4_PAE_MASK) && g_rand_boolean(r)) {
            efer |= MSR_EFER_LME | MSR_EFER_LMA;
        } else {
            va = (uint32_t)va;
        }
        if (g_rand_boolean(r)) {
            va = (va & ~0xffffffULL) | (va & 0x3fffff);
        }
        fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK | (g_rand_boolean(r) ? CR0_WP_MASK : 0),
                0x40000 + 0x1000 * g_rand_int_range(r, 0, 4), cr4, efer);
        x86_cpu_tlb_fill(f.cs, va, 1, g_rand_int_range(r, 0, 3), g_rand_int_range(r, 0, 3),
                         true, 0);
        fx_fill(&f, va, g_rand_int_range(r, 0, 3), g_rand_int_range(r, 0, 3), &err);
    }
    g_rand_free(r);
    fx_fini(&f);
}

/*
 * The walker keeps the RAM range it last read page tables from; a map
 * change must make it look again. PD at 0x10000, PT at 0x11000; then a
 * second RAM page laid over the PT holds another PT.
 */
static void test_map_change(void)
{
    Fixture f;
    MemoryRegion over;

    fx_init(&f);
    wl(&f, 0x10000, 0x11000 | P | RW);
    wl(&f, 0x11000 + 5 * 4, 0x300000 | P | RW);
    wq(&f, 0x300000, 0x1111);
    wq(&f, 0x302000, 0x2222);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x10000, 0, 0);
    g_assert_cmphex(fx_read_marker(&f, 0x5000, MMU_KNOSMAP_IDX), ==, 0x1111);

    memory_region_init_ram(&over, NULL, "over", 0x1000, &error_abort);
    memory_region_add_subregion_overlap(&f.root, 0x11000, &over, 1);
    wl(&f, 0x11000 + 5 * 4, 0x302000 | P | RW);
    tlb_flush(f.cs);
    g_assert_cmphex(fx_read_marker(&f, 0x5000, MMU_KNOSMAP_IDX), ==, 0x2222);
    /* A was set in the page now mapped there, not in the one under it. */
    g_assert_cmphex(((uint32_t *)memory_region_get_ram_ptr(&over))[5], ==,
                    0x302000 | P | RW | A);
    g_assert_cmphex(((uint32_t *)memory_region_get_ram_ptr(&f.ram))[(0x11000 >> 2) + 5], ==,
                    0x300000 | P | RW | A);

    memory_region_del_subregion(&f.root, &over);
    memory_region_destroy(&over);
    tlb_flush(f.cs);
    g_assert_cmphex(fx_read_marker(&f, 0x5000, MMU_KNOSMAP_IDX), ==, 0x1111);
    fx_fini(&f);
}

/* A page table in MMIO: every walk reads it there, A goes to its write callback. */
typedef struct MmioPT {
    unsigned reads;
    unsigned writes;
    uint64_t last_write;
    uint32_t pte5;
} MmioPT;

static uint64_t mmio_pt_read(void *opaque, hwaddr addr, unsigned size)
{
    MmioPT *m = opaque;

    m->reads++;
    return addr == 5 * 4 && size == 4 ? m->pte5 : 0;
}

static void mmio_pt_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    MmioPT *m = opaque;

    m->writes++;
    if (addr == 5 * 4 && size == 4) {
        m->last_write = data;
    }
}

static const MemoryRegionOps mmio_pt_ops = {
    .read = mmio_pt_read,
    .write = mmio_pt_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void test_mmio_page_table(void)
{
    Fixture f;
    MemoryRegion io;
    MmioPT m = { .pte5 = 0x303000 | P | RW };
    unsigned reads;

    fx_init(&f);
    memory_region_init_io(&io, NULL, &mmio_pt_ops, &m, "pt-io", 0x1000);
    memory_region_add_subregion(&f.root, 0x8000000, &io);
    wl(&f, 0x10000 + 1 * 4, 0x8000000 | P | RW);    /* 4M..8M: PT in MMIO */
    wq(&f, 0x303000, 0x3333);
    fx_mode(&f, CR0_PE_MASK | CR0_PG_MASK, 0x10000, 0, 0);

    g_assert_cmphex(fx_read_marker(&f, 0x405000, MMU_KNOSMAP_IDX), ==, 0x3333);
    g_assert_cmpuint(m.reads, >=, 1);
    g_assert_cmpuint(m.writes, ==, 1);
    g_assert_cmphex(m.last_write, ==, 0x303000 | P | RW | A);
    /* The device answers differently now: the next walk must ask it again. */
    m.pte5 = 0x304000 | P | RW | A;
    wq(&f, 0x304000, 0x4444);
    reads = m.reads;
    tlb_flush(f.cs);
    g_assert_cmphex(fx_read_marker(&f, 0x405000, MMU_KNOSMAP_IDX), ==, 0x4444);
    g_assert_cmpuint(m.reads, >, reads);
    g_assert_cmpuint(m.writes, ==, 1);      /* A already set: nothing written */

    memory_region_del_subregion(&f.root, &io);
    memory_region_destroy(&io);
    fx_fini(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-mmu/paging-off", test_paging_off);
    g_test_add_func("/x86-mmu/paging32", test_paging32);
    g_test_add_func("/x86-mmu/pae", test_pae);
    g_test_add_func("/x86-mmu/pae-pdpte-gp", test_pae_pdpte_gp);
    g_test_add_func("/x86-mmu/4level", test_4level);
    g_test_add_func("/x86-mmu/smep-smap", test_smep_smap);
    g_test_add_func("/x86-mmu/cr3-flush", test_cr3_flush);
    g_test_add_func("/x86-mmu/cr-checks", test_cr_checks);
    g_test_add_func("/x86-mmu/translated", test_translated);
    g_test_add_func("/x86-mmu/msrs", test_msrs);
    g_test_add_func("/x86-mmu/cpuid-range", test_cpuid_range);
    g_test_add_func("/x86-mmu/hostile", test_hostile);
    g_test_add_func("/x86-mmu/map-change", test_map_change);
    g_test_add_func("/x86-mmu/mmio-page-table", test_mmio_page_table);
    return g_test_run();
}
