/*
 * atomic-helper.c: atomic read-modify-writes of guest RAM for front ends
 * under thread=multi (include/exec/helper-atomic.h). The x86 host's
 * LOCK-prefixed instructions act on the host address that the softmmu
 * gives for the guest operand; anything they cannot reach falls back to
 * the exclusive one-instruction step.
 */
#include "qemu/osdep.h"
#include "exec/helper-atomic.h"
#include "qemu/log.h"
#include "internal.h"

/*
 * Host operations on possibly unaligned addresses (x86 allows them within
 * a cache line, which tlb_atomic_host guarantees); asm rather than
 * __atomic builtins, which assume natural alignment.
 */
#if defined(__x86_64__)
#define ATOMIC_CAS_ASM(suffix, type)                                        \
    static bool atomic_cas_##suffix(void *p, type cmpv, type newv)          \
    {                                                                       \
        bool ok;                                                            \
        asm volatile("lock cmpxchg" #suffix " %3, %1\n\tsete %0"            \
                     : "=q"(ok), "+m"(*(volatile type *)p), "+a"(cmpv)      \
                     : "q"(newv) : "memory", "cc");                         \
        return ok;                                                          \
    }                                                                       \
    static type atomic_xchg_##suffix(void *p, type v)                       \
    {                                                                       \
        asm volatile("xchg" #suffix " %0, %1"                               \
                     : "+q"(v), "+m"(*(volatile type *)p) : : "memory");    \
        return v;                                                           \
    }                                                                       \
    static type atomic_xadd_##suffix(void *p, type v)                       \
    {                                                                       \
        asm volatile("lock xadd" #suffix " %0, %1"                          \
                     : "+q"(v), "+m"(*(volatile type *)p) : : "memory", "cc"); \
        return v;                                                           \
    }
#else
#define ATOMIC_CAS_ASM(suffix, type)                                        \
    static bool atomic_cas_##suffix(void *p, type cmpv, type newv)          \
    {                                                                       \
        return __atomic_compare_exchange_n((type *)p, &cmpv, newv, false,   \
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    }                                                                       \
    static type atomic_xchg_##suffix(void *p, type v)                       \
    {                                                                       \
        return __atomic_exchange_n((type *)p, v, __ATOMIC_SEQ_CST);         \
    }                                                                       \
    static type atomic_xadd_##suffix(void *p, type v)                       \
    {                                                                       \
        return __atomic_fetch_add((type *)p, v, __ATOMIC_SEQ_CST);          \
    }
#endif

ATOMIC_CAS_ASM(b, uint8_t)
ATOMIC_CAS_ASM(w, uint16_t)
ATOMIC_CAS_ASM(l, uint32_t)
ATOMIC_CAS_ASM(q, uint64_t)

static void *atomic_host(void *env, uint64_t addr, MemOpIdx oi, uintptr_t ra)
{
    CPUState *cpu = env_cpu(env);
    unsigned align = memop_alignment(get_memop(oi));
    void *h;

    if ((addr & (align - 1)) && cpu->tcg_ops->do_unaligned_access) {
        /* MO_ALIGN (x86: #AC at CPL 3 with CR0.AM and EFLAGS.AC). */
        cpu->tcg_ops->do_unaligned_access(cpu, addr, MMU_DATA_STORE, get_mmuidx(oi), ra);
    }
    h = tlb_atomic_host(cpu, addr, memop_size(get_memop(oi)), get_mmuidx(oi), ra);

    if (!h) {
        if (!tcg_cpu_parallel(cpu)) {
            /* Front ends call these only with CF_PARALLEL; never loop. */
            qemu_log_mask(LOG_GUEST_ERROR, "atomic access at 0x%" PRIx64
                          " outside RAM ignored\n", addr);
            return NULL;
        }
        cpu_loop_exit_atomic(cpu, ra);
    }
    return h;
}

void helper_atomic_cas_retry(void *env, uint64_t addr, uint64_t cmpv, uint64_t newv,
                             uint32_t oi)
{
    uintptr_t ra = GETPC();
    void *h = atomic_host(env, addr, oi, ra);
    bool ok;

    if (!h) {
        return;
    }
    switch (get_memop(oi) & MO_SIZE) {
    case MO_8:
        ok = atomic_cas_b(h, cmpv, newv);
        break;
    case MO_16:
        ok = atomic_cas_w(h, cmpv, newv);
        break;
    case MO_32:
        ok = atomic_cas_l(h, cmpv, newv);
        break;
    default:
        ok = atomic_cas_q(h, cmpv, newv);
        break;
    }
    if (!ok) {
        /* Another vCPU wrote in between: the instruction starts over. */
        tcg_stats_inc(atomic_retries);
        cpu_loop_exit_restore(env_cpu(env), ra);
    }
}

uint64_t helper_atomic_xchg(void *env, uint64_t addr, uint64_t val, uint32_t oi)
{
    void *h = atomic_host(env, addr, oi, GETPC());

    if (!h) {
        return 0;
    }
    switch (get_memop(oi) & MO_SIZE) {
    case MO_8:
        return atomic_xchg_b(h, val);
    case MO_16:
        return atomic_xchg_w(h, val);
    case MO_32:
        return atomic_xchg_l(h, val);
    default:
        return atomic_xchg_q(h, val);
    }
}

uint64_t helper_atomic_fetch_add(void *env, uint64_t addr, uint64_t val, uint32_t oi)
{
    void *h = atomic_host(env, addr, oi, GETPC());

    if (!h) {
        return 0;
    }
    switch (get_memop(oi) & MO_SIZE) {
    case MO_8:
        return atomic_xadd_b(h, val);
    case MO_16:
        return atomic_xadd_w(h, val);
    case MO_32:
        return atomic_xadd_l(h, val);
    default:
        return atomic_xadd_q(h, val);
    }
}
