/*
 * test-x86-sysinsn-common.h: a small x86 machine for the unit tests of
 * the translator's system half (test-x86-string.c, test-x86-system.c):
 * 8 MiB of RAM, a port-I/O space whose ports answer a pattern and log
 * writes, one TCG vCPU in a flat mode, and for long mode a GDT (ring 0
 * and ring 3 segments, a TSS) plus an IDT whose stubs halt so a test can
 * see which vector was raised. Header only, static functions.
 */
#ifndef TEST_X86_SYSINSN_COMMON_H
#define TEST_X86_SYSINSN_COMMON_H

#include "qemu/osdep.h"
#include "qemu/error.h"
#include "exec/memory.h"
#include "exec/exec-all.h"
#include "target/i386/tcg/tcg-cpu.h"

#define XT_RAM_SIZE   (8 * 1024 * 1024)
#define XT_CODE       0x1000ull     /* test code */
#define XT_GDT        0x8000ull
#define XT_IDT        0x9000ull
#define XT_TSS        0xa000ull
#define XT_STUBS      0xb000ull     /* 16 bytes per vector: hlt; [add rsp,8]; iretq */
#define XT_DATA       0x10000ull    /* scratch data */
#define XT_STACK      0x80000ull    /* ring-0 stack top */
#define XT_STACK3     0x70000ull    /* ring-3 stack top */
#define XT_PT         0x100000ull   /* page tables of set_flat_mode(64) */
#define XT_PT4K       0x104000ull   /* a 4 KiB page table for 2-4 MiB */

/* GDT selectors of the long-mode setup (STAR-compatible layout). */
#define XT_SEL_CS0    0x08
#define XT_SEL_SS0    0x10
#define XT_SEL_CS3_32 0x18
#define XT_SEL_SS3    0x20
#define XT_SEL_CS3    0x28
#define XT_SEL_TSS    0x30

typedef struct XTMachine {
    MemoryRegion root, ram, io_root, io;
    AddressSpace mem, io_as;
    uint8_t *ram_ptr;
    X86TCGCPU *cpu;
    CPUX86State *env;
    GString *io_log;        /* "w PORT=VAL/SIZE;" for each port write */
} XTMachine;

static uint64_t xt_io_read(void *opaque, hwaddr addr, unsigned size)
{
    /* Each byte reads as the low byte of its port number + 1. */
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)((addr + i + 1) & 0xff) << (8 * i);
    }
    return v;
}

static void xt_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    XTMachine *m = opaque;

    g_string_append_printf(m->io_log, "w %x=%" PRIx64 "/%u;", (unsigned)addr, data, size);
}

static const MemoryRegionOps xt_io_ops = {
    .read = xt_io_read,
    .write = xt_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
};

static inline void xt_init(XTMachine *m, int bits)
{
    memset(m, 0, sizeof(*m));
    memory_region_init(&m->root, NULL, "xt", UINT64_MAX);
    memory_region_init_ram(&m->ram, NULL, "xt.ram", XT_RAM_SIZE, &error_abort);
    memory_region_add_subregion(&m->root, 0, &m->ram);
    address_space_init(&m->mem, &m->root, "xt-memory");
    memory_region_init(&m->io_root, NULL, "xt.io-root", 0x10000);
    memory_region_init_io(&m->io, NULL, &xt_io_ops, m, "xt.ports", 0x10000);
    memory_region_add_subregion(&m->io_root, 0, &m->io);
    address_space_init(&m->io_as, &m->io_root, "xt-io");
    m->ram_ptr = memory_region_get_ram_ptr(&m->ram);
    m->io_log = g_string_new("");
    m->cpu = x86_tcg_cpu_new(0, 0, true, NULL, &m->mem, &m->io_as, &error_abort);
    m->env = &m->cpu->env;
    x86_tcg_cpu_set_flat_mode(m->cpu, bits, XT_PT);
    m->env->eip = XT_CODE;
    m->env->regs[R_ESP] = XT_STACK;
}

static inline void xt_destroy(XTMachine *m)
{
    x86_tcg_cpu_free(m->cpu);
    address_space_destroy(&m->io_as);
    address_space_destroy(&m->mem);
    memory_region_del_subregion(&m->io_root, &m->io);
    memory_region_del_subregion(&m->root, &m->ram);
    memory_region_destroy(&m->io);
    memory_region_destroy(&m->io_root);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->root);
    g_string_free(m->io_log, TRUE);
}

static inline void xt_write(XTMachine *m, uint64_t addr, const void *p, size_t len)
{
    g_assert(addr + len <= XT_RAM_SIZE);
    memcpy(m->ram_ptr + addr, p, len);
    /* Code may have been translated from there by an earlier run. */
    tb_invalidate_phys_range(addr, addr + len);
}

static inline void xt_wq(XTMachine *m, uint64_t addr, uint64_t v)
{
    xt_write(m, addr, &v, 8);
}

static inline uint64_t xt_rq(XTMachine *m, uint64_t addr)
{
    uint64_t v;

    memcpy(&v, m->ram_ptr + addr, 8);
    return v;
}

static inline uint32_t xt_rl(XTMachine *m, uint64_t addr)
{
    uint32_t v;

    memcpy(&v, m->ram_ptr + addr, 4);
    return v;
}

static inline uint16_t xt_rw(XTMachine *m, uint64_t addr)
{
    uint16_t v;

    memcpy(&v, m->ram_ptr + addr, 2);
    return v;
}

/* Load code at XT_CODE and run from there. */
static inline void xt_code(XTMachine *m, const uint8_t *code, size_t len)
{
    xt_write(m, XT_CODE, code, len);
    m->env->eip = XT_CODE;
}

/*
 * Run until the vCPU halts (HLT in the test code or in an exception
 * stub). Bounded: a test that loops fails instead of hanging.
 */
static inline void xt_run(XTMachine *m)
{
    CPUState *cs = &m->cpu->parent;

    cs->halted = false;
    m->env->halted = false;
    for (int i = 0; i < 100000 && !cs->halted; i++) {
        cpu_exec(cs);
    }
    g_assert_true(cs->halted);
}

/* The vector whose stub halted, or -1 if the test code's own HLT did. */
static inline int xt_vector(XTMachine *m)
{
    uint64_t eip = m->env->eip - 1;

    if (eip >= XT_STUBS && eip < XT_STUBS + 256 * 16 && (eip - XT_STUBS) % 16 == 0) {
        return (eip - XT_STUBS) / 16;
    }
    return -1;
}

/* The exception frame on the ring-0 stack (64-bit): error code, RIP, CS... */
static inline bool xt_vector_has_error(int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

static inline uint64_t xt_frame_rip(XTMachine *m, int v)
{
    return xt_rq(m, m->env->regs[R_ESP] + (xt_vector_has_error(v) ? 8 : 0));
}

static inline uint64_t xt_frame_error(XTMachine *m)
{
    return xt_rq(m, m->env->regs[R_ESP]);
}

/* A 64-bit code/data descriptor (base 0, limit 4 GiB) of type/DPL. */
static inline uint64_t xt_desc(uint32_t flags)
{
    return 0x000000000000ffffull | ((uint64_t)(flags | 0x000f0000u | DESC_G_MASK) << 32);
}

/*
 * Long mode with real descriptor tables: CS 08 / SS 10 at ring 0,
 * 18/20/28 for ring 3 (32-bit code, data, 64-bit code: the STAR layout),
 * a TSS at 30 whose RSP0 is XT_STACK, and an IDT of interrupt gates to
 * XT_STUBS + 16 * vector, each "hlt; [add rsp, 8;] iretq".
 */
static inline void xt_setup_long(XTMachine *m)
{
    CPUX86State *env = m->env;
    const uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK;
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;
    const uint32_t dpl3 = 3 << DESC_DPL_SHIFT;
    uint64_t gdt[8] = {
        0,
        xt_desc(code | DESC_L_MASK),
        xt_desc(data | DESC_B_MASK),
        xt_desc(code | DESC_B_MASK | dpl3),
        xt_desc(data | DESC_B_MASK | dpl3),
        xt_desc(code | DESC_L_MASK | dpl3),
        /* 64-bit TSS, available (type 9), limit 0x67 */
        0x0000890000000067ull | ((XT_TSS & 0xffffff) << 16),
        0,
    };

    xt_write(m, XT_GDT, gdt, sizeof(gdt));
    env->gdt.base = XT_GDT;
    env->gdt.limit = sizeof(gdt) - 1;
    xt_wq(m, XT_TSS + 4, XT_STACK);
    env->tr.selector = XT_SEL_TSS;
    env->tr.base = XT_TSS;
    env->tr.limit = 0x67;
    env->tr.flags = DESC_P_MASK | (11 << DESC_TYPE_SHIFT);
    for (int v = 0; v < 256; v++) {
        uint64_t stub = XT_STUBS + 16 * v;
        uint8_t code_bytes[16] = { 0xf4 };
        int n = 1;
        uint64_t lo = (stub & 0xffff) | ((uint64_t)XT_SEL_CS0 << 16) |
                      (0x8e00ull << 32) | ((stub & 0xffff0000ull) << 32);

        if (xt_vector_has_error(v)) {
            static const uint8_t add_rsp8[] = { 0x48, 0x83, 0xc4, 0x08 };

            memcpy(code_bytes + n, add_rsp8, sizeof(add_rsp8));
            n += sizeof(add_rsp8);
        }
        code_bytes[n++] = 0x48;
        code_bytes[n++] = 0xcf;     /* iretq */
        xt_write(m, stub, code_bytes, sizeof(code_bytes));
        xt_wq(m, XT_IDT + 16 * v, lo | (3ull << 45));  /* DPL 3: INT n from ring 3 */
        xt_wq(m, XT_IDT + 16 * v + 8, stub >> 32);
    }
    env->idt.base = XT_IDT;
    env->idt.limit = 256 * 16 - 1;
    cpu_x86_load_seg_cache(env, R_CS, XT_SEL_CS0, 0, 0xffffffff,
                           code | DESC_L_MASK | DESC_G_MASK);
    cpu_x86_load_seg_cache(env, R_SS, XT_SEL_SS0, 0, 0xffffffff,
                           data | DESC_B_MASK | DESC_G_MASK);
    for (int s = R_ES; s <= R_GS; s++) {
        if (s != R_CS && s != R_SS) {
            cpu_x86_load_seg_cache(env, s, XT_SEL_SS0, 0, 0xffffffff,
                                   data | DESC_B_MASK | DESC_G_MASK);
        }
    }
    env->regs[R_ESP] = XT_STACK;
}

/* Switch the vCPU straight to ring 3 (64-bit code) at eip with stack XT_STACK3. */
static inline void xt_enter_ring3(XTMachine *m, uint64_t eip)
{
    CPUX86State *env = m->env;
    const uint32_t dpl3 = 3 << DESC_DPL_SHIFT;

    cpu_x86_load_seg_cache(env, R_CS, XT_SEL_CS3 | 3, 0, 0xffffffff,
                           DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                           DESC_A_MASK | DESC_L_MASK | DESC_G_MASK | dpl3);
    cpu_x86_load_seg_cache(env, R_SS, XT_SEL_SS3 | 3, 0, 0xffffffff,
                           DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                           DESC_B_MASK | DESC_G_MASK | dpl3);
    env->regs[R_ESP] = XT_STACK3;
    env->eip = eip;
    x86_update_hflags(env);
}

#endif
