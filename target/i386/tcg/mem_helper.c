/*
 * mem_helper.c: guest memory access from the x86 helpers (C code), the
 * cpu_ld*_mmuidx_ra / cpu_st*_mmuidx_ra family of x86-tcg.h. They go
 * through the same softmmu path as generated code (cpu_ld_mmu), so a
 * fault raised by tlb_fill unwinds to the guest instruction at ra.
 * Little-endian, no alignment requirement (x86 descriptor tables and
 * stacks may be misaligned).
 */
#include "qemu/osdep.h"
#include "target/i386/tcg/x86-tcg.h"

uint8_t cpu_ldub_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra)
{
    return cpu_ld_mmu(env, addr, make_memop_idx(MO_UB, mmu_idx), ra);
}

uint16_t cpu_lduw_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra)
{
    return cpu_ld_mmu(env, addr, make_memop_idx(MO_LEUW, mmu_idx), ra);
}

uint32_t cpu_ldl_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra)
{
    return cpu_ld_mmu(env, addr, make_memop_idx(MO_LEUL, mmu_idx), ra);
}

uint64_t cpu_ldq_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra)
{
    return cpu_ld_mmu(env, addr, make_memop_idx(MO_LEUQ, mmu_idx), ra);
}

void cpu_stb_mmuidx_ra(CPUX86State *env, uint64_t addr, uint8_t v, int mmu_idx, uintptr_t ra)
{
    cpu_st_mmu(env, addr, v, make_memop_idx(MO_UB, mmu_idx), ra);
}

void cpu_stw_mmuidx_ra(CPUX86State *env, uint64_t addr, uint16_t v, int mmu_idx, uintptr_t ra)
{
    cpu_st_mmu(env, addr, v, make_memop_idx(MO_LEUW, mmu_idx), ra);
}

void cpu_stl_mmuidx_ra(CPUX86State *env, uint64_t addr, uint32_t v, int mmu_idx, uintptr_t ra)
{
    cpu_st_mmu(env, addr, v, make_memop_idx(MO_LEUL, mmu_idx), ra);
}

void cpu_stq_mmuidx_ra(CPUX86State *env, uint64_t addr, uint64_t v, int mmu_idx, uintptr_t ra)
{
    cpu_st_mmu(env, addr, v, make_memop_idx(MO_LEUQ, mmu_idx), ra);
}
