/*
 * seg_helper.h: what the system-architecture helpers share among
 * themselves (excp_helper.c, seg_helper.c, seg_transfer.c,
 * excp_deliver.c, mmu_helper.c, misc_helper.c): descriptor access, stack
 * pushes with the SS size and mask rules, and internal entry points.
 * Not for the translator: it uses x86-tcg.h and helper.h only.
 */
#ifndef TARGET_I386_TCG_SEG_HELPER_H
#define TARGET_I386_TCG_SEG_HELPER_H

#include "target/i386/tcg/x86-tcg.h"

/* The error code of the software interrupt that is INT1 (ICEBP). */
#define X86_SWINT_ICEBP 1

/* Selector fields. */
#define SEL_RPL(s)  ((s) & 3)
#define SEL_TI      4
#define SEL_INDEX(s) ((s) & ~7)

/* System descriptor types (S = 0). */
#define DT_TSS16_AVAIL  1
#define DT_LDT          2
#define DT_TSS16_BUSY   3
#define DT_CALLGATE16   4
#define DT_TASKGATE     5
#define DT_INTGATE16    6
#define DT_TRAPGATE16   7
#define DT_TSS32_AVAIL  9
#define DT_TSS32_BUSY   11
#define DT_CALLGATE32   12
#define DT_INTGATE32    14
#define DT_TRAPGATE32   15

static inline unsigned desc_type(uint32_t e2)
{
    return (e2 >> DESC_TYPE_SHIFT) & 15;
}

static inline int desc_dpl(uint32_t e2)
{
    return (e2 >> DESC_DPL_SHIFT) & 3;
}

static inline uint32_t desc_limit(uint32_t e1, uint32_t e2)
{
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);

    return (e2 & DESC_G_MASK) ? (limit << 12) | 0xfff : limit;
}

static inline uint32_t desc_base(uint32_t e1, uint32_t e2)
{
    return (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000);
}

static inline int x86_cpl(CPUX86State *env)
{
    return env->hflags & HF_CPL_MASK;
}

static inline bool x86_is_canonical(uint64_t addr)
{
    /* Bits 63:47 all equal (48-bit linear addresses). */
    uint64_t top = addr >> 47;

    return top == 0 || top == 0x1ffff;
}

/*
 * Read the 8-byte descriptor of selector from the GDT or LDT into e1
 * (low dword) and e2 (high dword). False if it is beyond the table limit.
 */
bool seg_load_desc(CPUX86State *env, uint32_t *e1, uint32_t *e2, int selector,
                   uintptr_t ra);
/* Set the accessed bit of a code/data descriptor in memory if clear. */
void seg_set_accessed(CPUX86State *env, int selector, uint32_t e2, uintptr_t ra);
/* Load the hidden part from descriptor words. */
void seg_load_cache_desc(CPUX86State *env, int seg_reg, int selector, uint32_t e1,
                         uint32_t e2);
/* Base:limit of the descriptor table selector refers to. */
bool seg_table_for(CPUX86State *env, int selector, uint64_t *base, uint32_t *limit);

/* The stack of a privilege level from the current TSS (32-bit/16-bit TSS). */
void seg_tss_stack(CPUX86State *env, int dpl, uint32_t *ss, uint64_t *esp, uintptr_t ra);
/* RSP for dpl (0..2) or IST n + 3 (ist 1..7 given as 4..10) from the 64-bit TSS. */
uint64_t seg_tss_stack64(CPUX86State *env, int level, uintptr_t ra);

/* SS.B -> mask of the stack pointer. */
static inline uint64_t seg_sp_mask(uint32_t ss_flags)
{
    return (ss_flags & DESC_B_MASK) ? 0xffffffffull : 0xffff;
}

/* Write ESP/SP/RSP keeping the bits outside mask (16-bit stacks keep the top). */
static inline void seg_set_esp(CPUX86State *env, uint64_t val, uint64_t mask)
{
    if (mask == 0xffff) {
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffull) | (val & 0xffff);
    } else if (mask == 0xffffffffull) {
        env->regs[R_ESP] = (uint32_t)val;
    } else {
        env->regs[R_ESP] = val;
    }
}

/*
 * A stack being built or popped: base + (sp & mask), accessed with
 * mmu_idx; faults unwind to ra.
 */
typedef struct X86Stack {
    CPUX86State *env;
    uint64_t base;
    uint64_t sp;
    uint64_t mask;
    int mmu_idx;
    uintptr_t ra;
} X86Stack;

void stack_push16(X86Stack *s, uint16_t v);
void stack_push32(X86Stack *s, uint32_t v);
void stack_push64(X86Stack *s, uint64_t v);
uint16_t stack_pop16(X86Stack *s);
uint32_t stack_pop32(X86Stack *s);
uint64_t stack_pop64(X86Stack *s);
/* By operand size: shift 0 = 16-bit, 1 = 32-bit, 2 = 64-bit (gates, far transfers). */
void stack_push_sized(X86Stack *s, int shift, uint64_t v);
uint64_t stack_pop_sized(X86Stack *s, int shift);

/* The MMU index of an implicit supervisor access (QEMU's kernel index). */
static inline int x86_kernel_idx(CPUX86State *env)
{
    if (!(env->hflags & HF_SMAP_MASK)) {
        return MMU_KNOSMAP_IDX;
    }
    return (x86_cpl(env) < 3 && (env->eflags & AC_MASK)) ? MMU_KNOSMAP_IDX : MMU_KSMAP_IDX;
}

/* mmu_helper.c: CR writes with the #GP checks of MOV CRn (ra for unwinding). */
void x86_write_cr0_checked(CPUX86State *env, uint64_t val, uintptr_t ra);
void x86_write_cr3_checked(CPUX86State *env, uint64_t val, uintptr_t ra);
void x86_write_cr4_checked(CPUX86State *env, uint64_t val, uintptr_t ra);
/* CR4 bits this vCPU's CPUID allows. */
uint64_t x86_cr4_valid_mask(CPUX86State *env);
/* Reload env->pdptrs from CR3 (PAE without long mode); false if reserved bits set. */
bool x86_load_pdptrs(CPUX86State *env);
/* MAXPHYADDR from CPUID 0x80000008 (36 without it). */
unsigned x86_phys_bits(CPUX86State *env);

/* excp_deliver.c: deliver intno (is_int: software), CPL/mode aware. */
void x86_do_interrupt_all(CPUX86State *env, int intno, int is_int, int error_code,
                          uint64_t next_eip, int is_hw);

/* The CPUID entry of this vCPU, or NULL. */
static inline const X86CPUIDEntry *x86_cpuid(CPUX86State *env, uint32_t fn, uint32_t idx)
{
    return x86_cpuid_find(&env_x86cpu(env)->cpuid, fn, idx);
}

#endif
