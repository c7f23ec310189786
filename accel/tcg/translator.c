/*
 * translator.c: the generic translator loop (see exec/translator.h): the
 * interrupt check at every TB's entry, the per-insn hooks of the front
 * end, the limits that end a TB, and reading guest code through the
 * code TLB with the TB's pages recorded for invalidation.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg-op.h"
#include "exec/translator.h"
#include "internal.h"

/* Stop before the context runs out of temps (a guest insn needs a few dozen). */
#define TRANSLATOR_TEMP_RESERVE 128
/* A TB of this many ops is long enough; backends' offsets stay small. */
#define TRANSLATOR_MAX_OPS 8000

__thread bool tb_in_asm_logged;

bool translator_use_goto_tb(DisasContextBase *db, uint64_t dest)
{
    uint64_t page = dest & TARGET_PAGE_MASK;

    if (db->tb->cflags & CF_NO_GOTO_TB) {
        return false;
    }
    return page == (db->pc_first & TARGET_PAGE_MASK) ||
           page == ((db->pc_next - 1) & TARGET_PAGE_MASK);
}

void translator_loop(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                     uint64_t pc, void *host_pc, const TranslatorOps *ops,
                     DisasContextBase *db)
{
    TCGLabel *irq_exit = NULL;

    db->tb = tb;
    db->pc_first = pc;
    db->pc_next = pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = *max_insns;
    db->host_addr[0] = host_pc;
    db->host_addr[1] = NULL;

    ops->init_disas_context(db, cpu);
    g_assert(db->max_insns >= 1);

    if (!(tb->cflags & CF_NOIRQ)) {
        /* cpu_exit makes icount_decr.u32 negative: leave before the first insn. */
        TCGv_i32 t = tcg_temp_ebb_new_i32();

        irq_exit = gen_new_label();
        tcg_gen_ld_i32(t, tcg_env, ICOUNT_DECR_OFS);
        tcg_gen_brcondi_i32(TCG_COND_LT, t, 0, irq_exit);
        tcg_temp_free_i32(t);
    }
    ops->tb_start(db, cpu);

    for (;;) {
        db->num_insns++;
        ops->insn_start(db, cpu);
        ops->translate_insn(db, cpu);
        if (db->is_jmp != DISAS_NEXT) {
            break;
        }
        if (db->num_insns >= db->max_insns ||
            ((db->pc_next ^ db->pc_first) & TARGET_PAGE_MASK) ||
            tcg_ctx->nb_temps > TCG_MAX_TEMPS - TRANSLATOR_TEMP_RESERVE ||
            tcg_ctx->nb_ops > TRANSLATOR_MAX_OPS) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    ops->tb_stop(db, cpu);

    if (irq_exit) {
        gen_set_label(irq_exit);
        tcg_gen_exit_tb(tb, TB_EXIT_REQUESTED);
    }

    tb->size = db->pc_next - db->pc_first;
    tb->icount = db->num_insns;
    *max_insns = db->num_insns;

    if (ops->disas_log && qemu_loglevel_mask(CPU_LOG_TB_IN_ASM)) {
        FILE *f = qemu_log_lock();

        fprintf(f, "----------------\nIN: \n");
        ops->disas_log(db, cpu, f);
        fprintf(f, "\n");
        qemu_log_unlock(f);
        tb_in_asm_logged = true;
    }
}

/*
 * Host address of guest code at pc if it is in RAM on one of the TB's
 * two pages (looking the second one up on first use), else NULL.
 */
static void *translator_access(CPUState *cpu, DisasContextBase *db, uint64_t pc)
{
    uint64_t base = db->pc_first & TARGET_PAGE_MASK;
    uint64_t page = pc & TARGET_PAGE_MASK;

    if (page == base) {
        return db->host_addr[0] ? (uint8_t *)db->host_addr[0] + (pc - db->pc_first) : NULL;
    }
    if (page != base + TARGET_PAGE_SIZE) {
        return NULL;
    }
    if (!db->host_addr[1]) {
        void *h;
        uint64_t phys;

        if (db->num_insns > 1) {
            phys = tlb_code_lookup(cpu, page, &h, true, 0);
            if (phys == (uint64_t)-1) {
                /*
                 * The fault belongs to this insn, but nothing before it has
                 * run yet: translate the insns before it as their own TB.
                 */
                cpu->cflags_next_tb = (db->tb->cflags & ~CF_COUNT_MASK) |
                                      (db->num_insns - 1);
                cpu_loop_exit_noexc(cpu);
            }
        } else {
            phys = tlb_code_lookup(cpu, page, &h, false, 0);
        }
        if (!h && db->tb->page_addr[0] != (uint64_t)-1 && !tb_gen_has_bql) {
            /*
             * Not RAM, and this TB holds the TB lock without the BQL that
             * reading it needs (lock order: BQL first). The insns before
             * this one become their own TB; this one is translated alone,
             * tb_gen_code taking the BQL first.
             */
            if (db->num_insns > 1) {
                cpu->cflags_next_tb = (db->tb->cflags & ~CF_COUNT_MASK) | (db->num_insns - 1);
            } else {
                cpu->cflags_next_tb = (db->tb->cflags & ~CF_COUNT_MASK) | 1;
                tb_gen_want_bql = true;
            }
            cpu_loop_exit_noexc(cpu);
        }
        if (!h) {
            return NULL;
        }
        db->host_addr[1] = h;
        if (db->tb->page_addr[0] != (uint64_t)-1) {
            db->tb->page_addr[1] = phys & TARGET_PAGE_MASK;
        }
    }
    return (uint8_t *)db->host_addr[1] + (pc & ~TARGET_PAGE_MASK);
}

/* Read len bytes of code at pc, little-endian; splits at a page boundary. */
static uint64_t translator_ld(void *env, DisasContextBase *db, uint64_t pc, unsigned len)
{
    CPUState *cpu = env_cpu(env);
    uint64_t val = 0;

    if ((pc & ~TARGET_PAGE_MASK) + len > TARGET_PAGE_SIZE) {
        for (unsigned k = 0; k < len; k++) {
            val |= translator_ld(env, db, pc + k, 1) << (8 * k);
        }
        return val;
    }
    {
        uint8_t *p = translator_access(cpu, db, pc);
        uint8_t buf[8] = { 0 };

        if (p) {
            memcpy(buf, p, len);
        } else {
            /* Not RAM (the TB is not cached then): read through the memory API. */
            void *h;
            uint64_t phys = tlb_code_lookup(cpu, pc, &h, false, 0);

            if (phys != (uint64_t)-1) {
                tcg_io_read(cpu->as, phys, buf, len);
            }
        }
        for (unsigned k = 0; k < len; k++) {
            val |= (uint64_t)buf[k] << (8 * k);
        }
    }
    return val;
}

uint8_t translator_ldub(void *env, DisasContextBase *db, uint64_t pc)
{
    return translator_ld(env, db, pc, 1);
}

uint16_t translator_lduw(void *env, DisasContextBase *db, uint64_t pc)
{
    return translator_ld(env, db, pc, 2);
}

uint32_t translator_ldl(void *env, DisasContextBase *db, uint64_t pc)
{
    return translator_ld(env, db, pc, 4);
}

uint64_t translator_ldq(void *env, DisasContextBase *db, uint64_t pc)
{
    return translator_ld(env, db, pc, 8);
}
