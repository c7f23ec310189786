/*
 * toy-isa.c: the toy guest of toy-isa.h: its front end (TranslatorOps
 * driven by translator_loop), helpers (DIV, HLT, raising exceptions),
 * MMU (identity index 1, page-table index 0), exception and interrupt
 * delivery into a record the tests read, and a small machine (RAM + an
 * MMIO port device). Linked into the tests that use it.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "exec/helper-gen.h"
#include "exec/helper-atomic.h"
#include "exec/translator.h"
#include "exec/exec-all.h"
#include "toy-isa.h"

DEF_HELPER_FLAGS_3(toy_div, 0, s64, env, s64, s64)
DEF_HELPER_FLAGS_1(toy_hlt, 0, void, env)
DEF_HELPER_FLAGS_2(toy_raise, 0, void, env, i32)

static TCGv_i64 toy_regs[8];
static TCGv_i64 toy_pc;

/* ---- helpers ---- */

int64_t helper_toy_div(void *env, int64_t a, int64_t b)
{
    if (b == 0) {
        CPUState *cpu = env_cpu(env);

        cpu->exception_index = TOY_EXCP_DIV;
        cpu_loop_exit_restore(cpu, GETPC());
    }
    if (a == INT64_MIN && b == -1) {
        return a;
    }
    return a / b;
}

void helper_toy_hlt(void *env)
{
    CPUState *cpu = env_cpu(env);

    cpu->halted = true;
    cpu->exception_index = EXCP_HLT;
    cpu_loop_exit(cpu);
}

void helper_toy_raise(void *env, uint32_t excp)
{
    CPUState *cpu = env_cpu(env);

    cpu->exception_index = excp;
    cpu_loop_exit_restore(cpu, GETPC());
}

/* ---- front end ---- */

typedef struct ToyDisas {
    DisasContextBase base;
    int mmu_idx;
} ToyDisas;

static void toy_initialize(void)
{
    static const char *const names[8] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7" };

    for (int i = 0; i < 8; i++) {
        toy_regs[i] = tcg_global_mem_new_i64(tcg_env, offsetof(ToyEnv, regs[i]), names[i]);
    }
    toy_pc = tcg_global_mem_new_i64(tcg_env, offsetof(ToyEnv, pc), "pc");
}

static void toy_init_disas_context(DisasContextBase *db, CPUState *cpu)
{
    ToyDisas *dc = container_of(db, ToyDisas, base);

    dc->mmu_idx = db->tb->flags;
}

static void toy_tb_start(DisasContextBase *db, CPUState *cpu)
{
}

static void toy_insn_start(DisasContextBase *db, CPUState *cpu)
{
    tcg_gen_insn_start(db->pc_next, 0);
}

static void toy_goto_tb(ToyDisas *dc, int n, uint64_t dest)
{
    if (translator_use_goto_tb(&dc->base, dest)) {
        tcg_gen_goto_tb(n);
        tcg_gen_movi_i64(toy_pc, dest);
        tcg_gen_exit_tb(dc->base.tb, n);
    } else {
        tcg_gen_movi_i64(toy_pc, dest);
        tcg_gen_lookup_and_goto_ptr();
    }
}

static void toy_translate_insn(DisasContextBase *db, CPUState *cpu)
{
    ToyDisas *dc = container_of(db, ToyDisas, base);
    uint64_t pc = db->pc_next;
    uint64_t insn = translator_ldq(cpu->env_ptr, db, pc);
    unsigned op = insn & 0xff;
    unsigned rd = (insn >> 8) & 7, rs = (insn >> 16) & 7, rt = (insn >> 24) & 7;
    int32_t imm = (int32_t)(insn >> 32);
    TCGv_i64 t;

    db->pc_next = pc + 8;
    switch (op) {
    case TOY_HLT:
        /* Resume after the HLT when woken. */
        tcg_gen_movi_i64(toy_pc, pc + 8);
        gen_helper_toy_hlt(tcg_env);
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_LI:
        tcg_gen_movi_i64(toy_regs[rd], imm);
        break;
    case TOY_ADD:
        tcg_gen_add_i64(toy_regs[rd], toy_regs[rs], toy_regs[rt]);
        break;
    case TOY_SUB:
        tcg_gen_sub_i64(toy_regs[rd], toy_regs[rs], toy_regs[rt]);
        break;
    case TOY_LD:
        t = tcg_temp_new_i64();
        tcg_gen_addi_i64(t, toy_regs[rs], imm);
        tcg_gen_qemu_ld_i64(toy_regs[rd], t, dc->mmu_idx, MO_LEUQ);
        tcg_temp_free_i64(t);
        break;
    case TOY_ST:
        t = tcg_temp_new_i64();
        tcg_gen_addi_i64(t, toy_regs[rs], imm);
        tcg_gen_qemu_st_i64(toy_regs[rt], t, dc->mmu_idx, MO_LEUQ);
        tcg_temp_free_i64(t);
        break;
    case TOY_BNE: {
        TCGLabel *eq = gen_new_label();

        tcg_gen_brcond_i64(TCG_COND_EQ, toy_regs[rs], toy_regs[rt], eq);
        toy_goto_tb(dc, 0, pc + imm);
        gen_set_label(eq);
        toy_goto_tb(dc, 1, pc + 8);
        db->is_jmp = DISAS_NORETURN;
        break;
    }
    case TOY_JR:
        tcg_gen_mov_i64(toy_pc, toy_regs[rs]);
        tcg_gen_lookup_and_goto_ptr();
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_DIV:
        gen_helper_toy_div(toy_regs[rd], tcg_env, toy_regs[rs], toy_regs[rt]);
        break;
    case TOY_OUT:
        t = tcg_temp_new_i64();
        tcg_gen_movi_i64(t, TOY_IO_BASE + (uint32_t)imm);
        tcg_gen_qemu_st_i64(toy_regs[rs], t, dc->mmu_idx, (MemOp)(rt & MO_SIZE));
        tcg_temp_free_i64(t);
        break;
    case TOY_XADD:
    case TOY_CASADD: {
        TCGv_i32 oi = tcg_constant_i32(make_memop_idx(MO_LEUQ, dc->mmu_idx));
        TCGv_i64 old = tcg_temp_new_i64(), sum = tcg_temp_new_i64();

        t = tcg_temp_new_i64();
        tcg_gen_addi_i64(t, toy_regs[rs], imm);
        if (op == TOY_XADD && (db->tb->cflags & CF_PARALLEL)) {
            gen_helper_atomic_fetch_add(old, tcg_env, t, toy_regs[rt], oi);
        } else {
            tcg_gen_qemu_ld_i64(old, t, dc->mmu_idx, MO_LEUQ);
            tcg_gen_add_i64(sum, old, toy_regs[rt]);
            if (db->tb->cflags & CF_PARALLEL) {
                gen_helper_atomic_cas_retry(tcg_env, t, old, sum, oi);
            } else {
                tcg_gen_qemu_st_i64(sum, t, dc->mmu_idx, MO_LEUQ);
            }
        }
        if (op == TOY_XADD) {
            tcg_gen_mov_i64(toy_regs[rd], old);
        }
        tcg_temp_free_i64(t);
        tcg_temp_free_i64(old);
        tcg_temp_free_i64(sum);
        break;
    }
    default:
        gen_helper_toy_raise(tcg_env, tcg_constant_i32(TOY_EXCP_ILL));
        db->is_jmp = DISAS_NORETURN;
        break;
    }
}

static void toy_tb_stop(DisasContextBase *db, CPUState *cpu)
{
    ToyDisas *dc = container_of(db, ToyDisas, base);

    if (db->is_jmp == DISAS_TOO_MANY) {
        toy_goto_tb(dc, 0, db->pc_next);
    }
}

static const TranslatorOps toy_translator_ops = {
    .init_disas_context = toy_init_disas_context,
    .tb_start = toy_tb_start,
    .insn_start = toy_insn_start,
    .translate_insn = toy_translate_insn,
    .tb_stop = toy_tb_stop,
};

static void toy_translate_code(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                               uint64_t pc, void *host_pc)
{
    ToyDisas dc = { 0 };

    translator_loop(cpu, tb, max_insns, pc, host_pc, &toy_translator_ops, &dc.base);
}

/* ---- CPU hooks ---- */

static void toy_get_tb_cpu_state(CPUState *cpu, uint64_t *pc, uint64_t *cs_base,
                                 uint32_t *flags)
{
    ToyEnv *env = cpu->env_ptr;

    *pc = env->pc;
    *cs_base = 0;
    *flags = env->mmu_idx;
}

static void toy_synchronize_from_tb(CPUState *cpu, const TranslationBlock *tb)
{
    ((ToyEnv *)cpu->env_ptr)->pc = tb->pc;
}

static void toy_restore_state_to_opc(CPUState *cpu, const TranslationBlock *tb,
                                     const uint64_t *data)
{
    ((ToyEnv *)cpu->env_ptr)->pc = data[0];
}

static bool toy_cpu_exec_interrupt(CPUState *cpu, int request)
{
    ToyCPU *c = container_of(cpu, ToyCPU, parent);

    if (!(request & CPU_INTERRUPT_HARD)) {
        return false;
    }
    cpu_reset_interrupt(cpu, CPU_INTERRUPT_HARD);
    c->rec.irqs++;
    c->rec.irq_pc = c->env.pc;
    c->env.pc = c->irq_handler;
    return true;
}

static void toy_do_interrupt(CPUState *cpu)
{
    ToyCPU *c = container_of(cpu, ToyCPU, parent);

    c->rec.count++;
    c->rec.excp = cpu->exception_index;
    c->rec.pc = c->env.pc;
    c->env.pc = c->excp_handler;
}

static bool toy_cpu_has_work(CPUState *cpu)
{
    return __atomic_load_n(&cpu->interrupt_request, __ATOMIC_SEQ_CST) & CPU_INTERRUPT_HARD;
}

static bool toy_tlb_fill(CPUState *cpu, uint64_t addr, int size, MMUAccessType type,
                         int mmu_idx, bool probe, uintptr_t retaddr)
{
    ToyCPU *c = container_of(cpu, ToyCPU, parent);
    static const int need[] = { PAGE_READ, PAGE_WRITE, PAGE_EXEC };
    uint64_t vpage = addr & TARGET_PAGE_MASK;

    c->fills++;
    if (mmu_idx == 1) {
        tlb_set_page(cpu, vpage, vpage, PAGE_READ | PAGE_WRITE | PAGE_EXEC, 1,
                     TARGET_PAGE_SIZE);
        return true;
    } else {
        gpointer v;

        if (g_hash_table_lookup_extended(c->page_table, (gpointer)(uintptr_t)vpage,
                                         NULL, &v)) {
            uint64_t e = (uintptr_t)v;

            if (e & need[type]) {
                tlb_set_page(cpu, vpage, e & TARGET_PAGE_MASK, e & 7, mmu_idx,
                             TARGET_PAGE_SIZE);
                return true;
            }
        }
    }
    if (probe) {
        return false;
    }
    c->rec.fault_addr = addr;
    c->rec.fault_type = type;
    cpu->exception_index = TOY_EXCP_PGFAULT;
    cpu_loop_exit_restore(cpu, retaddr);
}

static int toy_mmu_index(CPUState *cpu, bool ifetch)
{
    return ((ToyEnv *)cpu->env_ptr)->mmu_idx;
}

const TCGCPUOps toy_tcg_ops = {
    .initialize = toy_initialize,
    .translate_code = toy_translate_code,
    .get_tb_cpu_state = toy_get_tb_cpu_state,
    .synchronize_from_tb = toy_synchronize_from_tb,
    .restore_state_to_opc = toy_restore_state_to_opc,
    .cpu_exec_interrupt = toy_cpu_exec_interrupt,
    .do_interrupt = toy_do_interrupt,
    .cpu_has_work = toy_cpu_has_work,
    .tlb_fill = toy_tlb_fill,
    .mmu_index = toy_mmu_index,
};

/* ---- the machine ---- */

static uint64_t toy_io_read(void *opaque, hwaddr addr, unsigned size)
{
    ToyMachine *m = opaque;
    ToyIOAccess a = { .write = false, .addr = addr, .size = size, .value = 0 };

    g_array_append_val(m->io_log, a);
    return 0x1122334455667788ull & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
}

static void toy_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    ToyMachine *m = opaque;
    ToyIOAccess a = { .write = true, .addr = addr, .size = size, .value = data };

    g_array_append_val(m->io_log, a);
    if (m->io_hook) {
        m->io_hook(m, addr, data);
    }
}

static const MemoryRegionOps toy_io_ops = {
    .read = toy_io_read,
    .write = toy_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

void toy_machine_init(ToyMachine *m)
{
    memset(m, 0, sizeof(*m));
    memory_region_init(&m->root, NULL, "toy", UINT64_MAX);
    memory_region_init_ram(&m->ram, NULL, "toy.ram", TOY_RAM_SIZE, &error_abort);
    memory_region_init_io(&m->io, NULL, &toy_io_ops, m, "toy.port", TOY_IO_SIZE);
    memory_region_add_subregion(&m->root, 0, &m->ram);
    memory_region_add_subregion(&m->root, TOY_IO_BASE, &m->io);
    address_space_init(&m->as, &m->root, "toy-memory");
    m->ram_ptr = memory_region_get_ram_ptr(&m->ram);
    m->io_log = g_array_new(FALSE, TRUE, sizeof(ToyIOAccess));
}

void toy_machine_destroy(ToyMachine *m)
{
    address_space_destroy(&m->as);
    memory_region_del_subregion(&m->root, &m->io);
    memory_region_del_subregion(&m->root, &m->ram);
    memory_region_destroy(&m->io);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->root);
    g_array_free(m->io_log, TRUE);
}

ToyCPU *toy_cpu_new(ToyMachine *m, int index, uint64_t pc)
{
    ToyCPU *c = g_new0(ToyCPU, 1);

    c->parent.cpu_index = index;
    c->page_table = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (!tcg_cpu_init(&c->parent, &c->env, &c->neg, &toy_tcg_ops, &m->as, &error_abort)) {
        g_assert_not_reached();
    }
    c->env.pc = pc;
    c->env.mmu_idx = 1;
    return c;
}

void toy_cpu_free(ToyCPU *c)
{
    tcg_cpu_destroy(&c->parent);
    g_hash_table_destroy(c->page_table);
    g_free(c);
}

void toy_load(ToyMachine *m, uint64_t paddr, const uint64_t *insns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        address_space_stq_le(&m->as, paddr + 8 * i, insns[i], MEMTXATTRS_UNSPECIFIED, NULL);
    }
}

void toy_map(ToyCPU *c, uint64_t vaddr, uint64_t paddr, int prot)
{
    gpointer key = (gpointer)(uintptr_t)(vaddr & TARGET_PAGE_MASK);

    if (prot) {
        g_hash_table_insert(c->page_table, key,
                            (gpointer)(uintptr_t)((paddr & TARGET_PAGE_MASK) | prot));
    } else {
        g_hash_table_remove(c->page_table, key);
    }
}

uint64_t toy_ram_ldq(ToyMachine *m, uint64_t paddr)
{
    return address_space_ldq_le(&m->as, paddr, MEMTXATTRS_UNSPECIFIED, NULL);
}

void toy_ram_stq(ToyMachine *m, uint64_t paddr, uint64_t val)
{
    address_space_stq_le(&m->as, paddr, val, MEMTXATTRS_UNSPECIFIED, NULL);
}
