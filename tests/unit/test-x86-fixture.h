/*
 * test-x86-fixture.h: the scaffolding the x86 system-architecture unit
 * tests share (test-x86-mmu.c, -seg.c, -excp.c): guest RAM at 0 in an
 * address space, one TCG vCPU on it, little-endian accessors of guest
 * physical memory, and for the segment and exception tests a flat GDT,
 * a TSS and an IDT of interrupt gates in 32-bit protected mode.
 * Header-only: each test includes it once.
 */
#ifndef TESTS_UNIT_TEST_X86_FIXTURE_H
#define TESTS_UNIT_TEST_X86_FIXTURE_H

#include "qemu/osdep.h"
#include "qemu/error.h"
#include "exec/memory.h"
#include "target/i386/tcg/tcg-cpu.h"
#include "target/i386/tcg/seg_helper.h"
#include "target/i386/tcg/helper.h"

typedef struct Fixture {
    MemoryRegion root, ram;
    AddressSpace as;
    X86TCGCPU *cpu;
    CPUX86State *env;
    CPUState *cs;
} Fixture;

/* ram_size bytes of RAM at guest physical 0 and a BSP using it. */
static inline void fx_init_ram(Fixture *f, uint64_t ram_size)
{
    memset(f, 0, sizeof(*f));
    memory_region_init(&f->root, NULL, "root", UINT64_MAX);
    memory_region_init_ram(&f->ram, NULL, "ram", ram_size, &error_abort);
    memory_region_add_subregion(&f->root, 0, &f->ram);
    address_space_init(&f->as, &f->root, "mem");
    f->cpu = x86_tcg_cpu_new(0, 0, true, NULL, &f->as, NULL, &error_abort);
    f->env = &f->cpu->env;
    f->cs = &f->cpu->parent;
}

static inline void fx_fini(Fixture *f)
{
    x86_tcg_cpu_free(f->cpu);
    address_space_destroy(&f->as);
    memory_region_del_subregion(&f->root, &f->ram);
    memory_region_destroy(&f->ram);
    memory_region_destroy(&f->root);
}

static inline void wq(Fixture *f, uint64_t pa, uint64_t v)
{
    address_space_stq_le(&f->as, pa, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline void wl(Fixture *f, uint64_t pa, uint32_t v)
{
    address_space_stl_le(&f->as, pa, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline void ww(Fixture *f, uint64_t pa, uint16_t v)
{
    address_space_stw_le(&f->as, pa, v, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline uint64_t rq(Fixture *f, uint64_t pa)
{
    return address_space_ldq_le(&f->as, pa, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline uint32_t rl(Fixture *f, uint64_t pa)
{
    return address_space_ldl_le(&f->as, pa, MEMTXATTRS_UNSPECIFIED, NULL);
}

static inline uint16_t rw(Fixture *f, uint64_t pa)
{
    return address_space_lduw_le(&f->as, pa, MEMTXATTRS_UNSPECIFIED, NULL);
}

/* ---- protected-mode tables (segment and exception tests) ---- */

#define GDT 0x1000
#define IDT 0x2000
#define TSS 0x3000
#define HANDLER(v) (0x10000 + (v) * 0x10)

/* Flat 4 GiB descriptors (high dwords); the low dword is 0x0000ffff. */
#define CODE32_0 0x00cf9b00u
#define DATA32_0 0x00cf9300u
#define CODE32_3 0x00cffb00u
#define DATA32_3 0x00cff300u
#define CODE64_0 0x00af9b00u
#define CODE64_3 0x00affb00u

static inline void fx_gdt(Fixture *f)
{
    static const uint32_t hi[] = {
        0, CODE32_0, DATA32_0, CODE32_3, DATA32_3, 0 /* TSS */, CODE64_0, DATA32_0, CODE64_3,
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(hi); i++) {
        wl(f, GDT + i * 8, hi[i] ? 0x0000ffff : 0);
        wl(f, GDT + i * 8 + 4, hi[i]);
    }
    /* 0x28: TSS at TSS, limit 0x67 (+ upper half for long mode at 0x30: unused slot). */
    wl(f, GDT + 0x28, (TSS << 16) | 0x67);
    wl(f, GDT + 0x2c, 0x00008900 | ((TSS >> 16) & 0xff));
}

/* Load a segment from our GDT (hidden part as a load would set it). */
static inline void fx_seg(Fixture *f, int seg, unsigned sel)
{
    uint32_t e2 = rl(f, GDT + (sel & ~7) + 4);

    cpu_x86_load_seg_cache(f->env, seg, sel, 0, sel ? 0xffffffff : 0, e2);
}

/* 32-bit protected mode at CPL cpl, paging off, TSS ring-0 stack at 0x9000. */
static inline void fx_prot32(Fixture *f, int cpl)
{
    CPUX86State *env = f->env;

    x86_tcg_cpu_set_flat_mode(f->cpu, 32, 0);
    fx_gdt(f);
    env->gdt.base = GDT;
    env->gdt.limit = 0x4f;
    env->idt.base = IDT;
    env->idt.limit = 256 * 8 - 1;
    env->tr.selector = 0x28;
    env->tr.base = TSS;
    env->tr.limit = 0x67;
    env->tr.flags = 0x00008b00;
    wl(f, TSS + 4, 0x9000);     /* ESP0 */
    wl(f, TSS + 8, 0x10);       /* SS0 */
    fx_seg(f, R_CS, cpl ? 0x1b : 0x08);
    fx_seg(f, R_SS, cpl ? 0x23 : 0x10);
    fx_seg(f, R_DS, cpl ? 0x23 : 0x10);
    fx_seg(f, R_ES, cpl ? 0x23 : 0x10);
    env->regs[R_ESP] = 0x8000;
    env->eip = 0x1000;
    x86_update_hflags(env);
    /* Every vector: a 32-bit interrupt gate (DPL 0) to HANDLER(v) in 0x08. */
    for (int v = 0; v < 256; v++) {
        wl(f, IDT + v * 8, (0x08 << 16) | (HANDLER(v) & 0xffff));
        wl(f, IDT + v * 8 + 4, (HANDLER(v) & 0xffff0000) | 0x8e00);
    }
}

#endif
