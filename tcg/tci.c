/*
 * tci.c: the TCG interpreter (TCI), a portable backend. gen_code turns the
 * optimized op list into a compact bytecode in the code buffer and exec
 * interprets it. It runs exactly the ops the x86-64 backend runs, which is
 * what makes it useful as a reference for tests and as a fallback.
 *
 * Bytecode: a sequence of 64-bit words. The first word of an instruction
 * holds the opcode (a TCGOpcode, or one of the TCI_* extras below) in bits
 * 0-7, up to three slot indexes in bits 8-23, 24-39, 40-55 and a small
 * constant (condition, bswap flags, bit position) in bits 56-63. Slots 4-7
 * of an op (movcond, add2...) follow in one more word, then each remaining
 * constant argument in a word of its own. Branch targets are byte offsets
 * from the start of the TB, resolved with the labels' relocation lists.
 *
 * Values: every temp has a slot in a per-execution frame of uint64_t on
 * the C stack of exec(), indexed by its temp index (so slot 0 is env).
 * i32 values are kept zero-extended in their slot: every op producing an
 * i32 truncates, and i32 consumers also ignore the upper half. Constants
 * are loaded into their slots once at TB entry. Globals live in env
 * memory: an op reading a global is preceded by a load into the global's
 * slot, an op writing one followed by a store, so env is always current
 * (helpers and faults see the guest state without any syncing).
 *
 * A TB starts with TCI_ENTER (frame size, env slot, then the TB pointer),
 * which every entry path (exec, goto_tb, goto_ptr) runs.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "tcg/tcg-ldst.h"

/* Opcodes of our own, after the IR's. */
enum {
    TCI_ENTER = NB_OPS,     /* [nb_slots, env slot] tb */
    TCI_MOVI,               /* r0 = imm (next word) */
    TCI_NB_OPS,
};
_Static_assert(TCI_NB_OPS <= 256, "TCI opcodes fit in 8 bits");
_Static_assert(TCG_MAX_TEMPS <= 0x10000, "TCI slot indexes fit in 16 bits");

#define TCI_OPC(w)  ((unsigned)((w) & 0xff))
#define TCI_R0(w)   ((unsigned)(((w) >> 8) & 0xffff))
#define TCI_R1(w)   ((unsigned)(((w) >> 24) & 0xffff))
#define TCI_R2(w)   ((unsigned)(((w) >> 40) & 0xffff))
#define TCI_AUX(w)  ((unsigned)((w) >> 56))

#define TCI_ENTER_SLOTS(w)   ((uint32_t)((w) >> 24))

/*
 * Frames start this big (no re-entry for the usual TB); a TB needing more
 * makes exec() allocate the largest possible frame once.
 */
#define TCI_MIN_FRAME 256

/* goto_ptr to this address (or the current tcg_code_gen_epilogue) returns 0. */
static const uint64_t tci_epilogue_word;

/* ---------------------------------------------------------------------- */
/* Code generation */

typedef struct TCIGen {
    TCGContext *s;
    uint64_t *start;        /* rw address of the TB's first word */
} TCIGen;

static inline unsigned tci_slot(TCGContext *s, TCGTemp *ts)
{
    return (unsigned)(ts - s->temps);
}

static inline void tci_out(TCGContext *s, uint64_t v)
{
    uint64_t *p = s->code_ptr;

    *p++ = v;
    s->code_ptr = p;
}

static inline uint32_t tci_offset(TCIGen *g)
{
    return (uint32_t)((uint64_t *)g->s->code_ptr - g->start) * 8;
}

static inline uint64_t tci_word0(unsigned opc, unsigned r0, unsigned r1, unsigned r2,
                                 unsigned aux)
{
    return (uint64_t)opc | (uint64_t)r0 << 8 | (uint64_t)r1 << 24 |
           (uint64_t)r2 << 40 | (uint64_t)(aux & 0xff) << 56;
}

/* Ops whose first constant argument travels in the aux byte of word 0. */
static bool tci_const_in_aux(unsigned opc)
{
    switch (opc) {
    case INDEX_op_setcond_i32: case INDEX_op_setcond_i64:
    case INDEX_op_negsetcond_i32: case INDEX_op_negsetcond_i64:
    case INDEX_op_movcond_i32: case INDEX_op_movcond_i64:
    case INDEX_op_brcond_i32: case INDEX_op_brcond_i64:
    case INDEX_op_deposit_i32: case INDEX_op_deposit_i64:
    case INDEX_op_extract_i32: case INDEX_op_extract_i64:
    case INDEX_op_sextract_i32: case INDEX_op_sextract_i64:
    case INDEX_op_bswap16_i32: case INDEX_op_bswap16_i64:
    case INDEX_op_bswap32_i32: case INDEX_op_bswap32_i64:
    case INDEX_op_bswap64_i64:
    case INDEX_op_mb:
    case INDEX_op_goto_tb:
        return true;
    default:
        return false;
    }
}

/* Length in words of the instruction starting with word w. */
static unsigned tci_insn_words(uint64_t w)
{
    unsigned opc = TCI_OPC(w);
    const TCGOpDef *def;
    unsigned n;

    switch (opc) {
    case TCI_ENTER:
    case TCI_MOVI:
        return 2;
    case INDEX_op_call:
        return 5;
    default:
        break;
    }
    if (opc >= NB_OPS) {
        return 1;
    }
    def = &tcg_op_defs[opc];
    n = 1 + (def->nb_oargs + def->nb_iargs > 3) + def->nb_cargs;
    if (def->nb_cargs && tci_const_in_aux(opc)) {
        n--;
    }
    return n;
}

/* Load global ts from env memory into its slot (its base pointer first). */
static void tci_gen_global_access(TCGContext *s, TCGTemp *ts, bool store)
{
    TCGTemp *base = ts->mem_base;
    unsigned opc;

    if (base->kind == TEMP_GLOBAL) {
        tci_gen_global_access(s, base, false);
    }
    if (store) {
        opc = ts->type == TCG_TYPE_I32 ? INDEX_op_st_i32 : INDEX_op_st_i64;
    } else {
        opc = ts->type == TCG_TYPE_I32 ? INDEX_op_ld_i32 : INDEX_op_ld_i64;
    }
    tci_out(s, tci_word0(opc, tci_slot(s, ts), tci_slot(s, base), 0, 0));
    tci_out(s, (uint64_t)ts->mem_offset);
}

/* Emit a branch-target word for label l (patched later if not yet placed). */
static void tci_gen_label_ref(TCIGen *g, TCGLabel *l)
{
    TCGContext *s = g->s;

    if (l->has_value) {
        tci_out(s, l->value);
    } else {
        TCGRelocation *r = tcg_malloc(sizeof(*r));

        r->ptr = s->code_ptr;
        r->type = 0;
        r->addend = 0;
        r->next = l->relocs;
        l->relocs = r;
        tci_out(s, 0);
    }
}

static void tci_gen_set_label(TCIGen *g, TCGLabel *l)
{
    uint32_t off = tci_offset(g);

    l->has_value = true;
    l->value = off;
    for (TCGRelocation *r = l->relocs; r; r = r->next) {
        *(uint64_t *)r->ptr = off;
    }
    l->relocs = NULL;
}

/*
 * A mov that involves a global becomes a single load or store (or a load
 * and a store), instead of a load/store around a register move.
 */
static bool tci_gen_mov(TCGContext *s, TCGOp *op)
{
    TCGTemp *d = arg_temp(op->args[0]);
    TCGTemp *a = arg_temp(op->args[1]);
    unsigned opc;

    if (d->kind != TEMP_GLOBAL && a->kind != TEMP_GLOBAL) {
        return false;
    }
    if (d->kind != TEMP_GLOBAL) {
        /* temp <- global: load straight into the temp's slot */
        TCGTemp *base = a->mem_base;

        if (base->kind == TEMP_GLOBAL) {
            tci_gen_global_access(s, base, false);
        }
        opc = a->type == TCG_TYPE_I32 ? INDEX_op_ld_i32 : INDEX_op_ld_i64;
        tci_out(s, tci_word0(opc, tci_slot(s, d), tci_slot(s, base), 0, 0));
        tci_out(s, (uint64_t)a->mem_offset);
        return true;
    }
    if (a->kind == TEMP_GLOBAL) {
        tci_gen_global_access(s, a, false);
    }
    /* global <- slot of a */
    {
        TCGTemp *base = d->mem_base;

        if (base->kind == TEMP_GLOBAL) {
            tci_gen_global_access(s, base, false);
        }
        opc = d->type == TCG_TYPE_I32 ? INDEX_op_st_i32 : INDEX_op_st_i64;
        tci_out(s, tci_word0(opc, tci_slot(s, a), tci_slot(s, base), 0, 0));
        tci_out(s, (uint64_t)d->mem_offset);
    }
    return true;
}

static void tci_gen_call(TCGContext *s, TCGOp *op)
{
    unsigned nout = TCGOP_CALLO(op), nin = TCGOP_CALLI(op);
    const TCGHelperInfo *info = (const TCGHelperInfo *)op->args[nout + nin + 1];
    unsigned slots[MAX_CALL_IARGS] = { 0 };
    unsigned ret_slot = 0;

    g_assert(nout <= 1 && nin <= MAX_CALL_IARGS);
    for (unsigned i = 0; i < nin; i++) {
        slots[i] = tci_slot(s, arg_temp(op->args[nout + i]));
    }
    if (nout) {
        ret_slot = tci_slot(s, arg_temp(op->args[0]));
    }
    tci_out(s, tci_word0(INDEX_op_call, ret_slot, nout ? info->ret : TCG_CALL_VOID, 0, nin));
    tci_out(s, (uint64_t)(uintptr_t)op->args[nout + nin]);
    tci_out(s, (uint64_t)slots[0] | (uint64_t)slots[1] << 16 |
               (uint64_t)slots[2] << 32 | (uint64_t)slots[3] << 48);
    tci_out(s, (uint64_t)slots[4] | (uint64_t)slots[5] << 16);
    tci_out(s, (uint64_t)(uintptr_t)info);
}

/* Any op with the generic layout: temps in order, then constants. */
static void tci_gen_generic(TCIGen *g, TCGOp *op)
{
    TCGContext *s = g->s;
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    unsigned nt = def->nb_oargs + def->nb_iargs;
    unsigned slot[7] = { 0 };
    unsigned ci = 0, aux = 0;

    g_assert(nt <= 7);
    for (unsigned i = 0; i < nt; i++) {
        slot[i] = tci_slot(s, arg_temp(op->args[i]));
    }
    if (def->nb_cargs && tci_const_in_aux(op->opc)) {
        aux = (unsigned)op->args[nt];
        ci = 1;
    }
    tci_out(s, tci_word0(op->opc, slot[0], slot[1], slot[2], aux));
    if (nt > 3) {
        tci_out(s, (uint64_t)slot[3] | (uint64_t)slot[4] << 16 |
                   (uint64_t)slot[5] << 32 | (uint64_t)slot[6] << 48);
    }
    for (; ci < def->nb_cargs; ci++) {
        TCGArg c = op->args[nt + ci];

        if (op->opc == INDEX_op_br ||
            ((op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) &&
             ci == 1)) {
            tci_gen_label_ref(g, arg_label(c));
        } else {
            tci_out(s, (uint64_t)c);
        }
    }
}

/* Mark in used[] every temp some op reads or writes. */
static void tci_mark_used(TCGContext *s, bool *used)
{
    for (TCGOp *op = s->first_op; op; op = op->next) {
        unsigned nt;

        if (op->opc == INDEX_op_call) {
            nt = TCGOP_CALLO(op) + TCGOP_CALLI(op);
        } else {
            nt = tcg_op_defs[op->opc].nb_oargs + tcg_op_defs[op->opc].nb_iargs;
        }
        for (unsigned i = 0; i < nt; i++) {
            used[arg_temp(op->args[i]) - s->temps] = true;
        }
    }
}

static int tci_gen_code(TCGContext *s, TranslationBlock *tb)
{
    TCIGen g = { .s = s, .start = s->code_ptr };
    bool *used = tcg_malloc(s->nb_temps * sizeof(bool));
    int nb_insns = 0;

    /* The interpreter reads whole words: the region hands out aligned code. */
    g_assert(((uintptr_t)s->code_ptr & 7) == 0);

    /* A retranslation of the same ops starts with clean labels. */
    for (int i = 0; i < s->nb_labels; i++) {
        s->labels[i]->has_value = false;
        s->labels[i]->relocs = NULL;
    }
    for (int i = 0; i < 2; i++) {
        tb->jmp_insn_offset[i] = TB_JMP_OFFSET_INVALID;
        tb->jmp_reset_offset[i] = TB_JMP_OFFSET_INVALID;
    }

    tci_out(s, tci_word0(TCI_ENTER, tci_slot(s, s->env), 0, 0, 0) |
               (uint64_t)s->nb_temps << 24);
    tci_out(s, (uint64_t)(uintptr_t)tb);

    /* Constants: loaded once per entry, then read like any slot. */
    memset(used, 0, s->nb_temps * sizeof(bool));
    tci_mark_used(s, used);
    for (int i = s->nb_globals; i < s->nb_temps; i++) {
        TCGTemp *ts = &s->temps[i];

        if (ts->kind == TEMP_CONST && used[i]) {
            uint64_t v = ts->type == TCG_TYPE_I32 ? (uint32_t)ts->val : (uint64_t)ts->val;

            tci_out(s, tci_word0(TCI_MOVI, i, 0, 0, 0));
            tci_out(s, v);
            if (s->code_ptr > s->code_gen_highwater) {
                return -1;
            }
        }
    }

    for (TCGOp *op = s->first_op; op; op = op->next) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        unsigned nout, nin;

        switch (op->opc) {
        case INDEX_op_insn_start:
            if (nb_insns >= TCG_MAX_INSNS) {
                return -2;
            }
            tcg_record_insn_start(s, op, tci_offset(&g));
            nb_insns++;
            continue;
        case INDEX_op_set_label:
            tci_gen_set_label(&g, arg_label(op->args[0]));
            continue;
        case INDEX_op_discard:
            continue;
        case INDEX_op_goto_tb: {
            unsigned n = (unsigned)op->args[0];
            uint32_t off = tci_offset(&g);

            g_assert(n < 2);
            if (off + 8 > UINT16_MAX) {
                return -2;
            }
            tb->jmp_insn_offset[n] = off;
            tb->jmp_reset_offset[n] = off + 8;
            __atomic_store_n(&tb->jmp_target_addr[n],
                             (uintptr_t)tb->tc.ptr + off + 8, __ATOMIC_RELEASE);
            tci_out(s, tci_word0(INDEX_op_goto_tb, 0, 0, 0, n));
            goto check;
        }
        case INDEX_op_mov_i32:
        case INDEX_op_mov_i64:
            if (arg_temp(op->args[0]) == arg_temp(op->args[1])) {
                continue;
            }
            if (tci_gen_mov(s, op)) {
                goto check;
            }
            break;
        default:
            break;
        }

        if (op->opc == INDEX_op_call) {
            nout = TCGOP_CALLO(op);
            nin = TCGOP_CALLI(op);
        } else {
            nout = def->nb_oargs;
            nin = def->nb_iargs;
        }
        /* Inputs that are globals: fetch from env (once per op). */
        for (unsigned i = nout; i < nout + nin; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            bool seen = false;

            if (ts->kind != TEMP_GLOBAL) {
                continue;
            }
            for (unsigned j = nout; j < i; j++) {
                seen |= arg_temp(op->args[j]) == ts;
            }
            if (!seen) {
                tci_gen_global_access(s, ts, false);
            }
        }
        if (op->opc == INDEX_op_call) {
            tci_gen_call(s, op);
        } else {
            tci_gen_generic(&g, op);
        }
        for (unsigned i = 0; i < nout; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);

            if (ts->kind == TEMP_GLOBAL) {
                tci_gen_global_access(s, ts, true);
            }
        }
    check:
        if (s->code_ptr > s->code_gen_highwater) {
            return -1;
        }
    }
    tcg_record_insn_end(s, tci_offset(&g));
    return (int)tci_offset(&g);
}

/* ---------------------------------------------------------------------- */
/* Execution */

static inline bool tci_cond32(uint32_t a, uint32_t b, unsigned cond)
{
    switch (cond) {
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return (int32_t)a < (int32_t)b;
    case TCG_COND_GE: return (int32_t)a >= (int32_t)b;
    case TCG_COND_LE: return (int32_t)a <= (int32_t)b;
    case TCG_COND_GT: return (int32_t)a > (int32_t)b;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    default: return false;
    }
}

static inline bool tci_cond64(uint64_t a, uint64_t b, unsigned cond)
{
    switch (cond) {
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return (int64_t)a < (int64_t)b;
    case TCG_COND_GE: return (int64_t)a >= (int64_t)b;
    case TCG_COND_LE: return (int64_t)a <= (int64_t)b;
    case TCG_COND_GT: return (int64_t)a > (int64_t)b;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    default: return false;
    }
}

static inline uint64_t tci_field_mask(unsigned len)
{
    return len >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
}

static inline uint64_t tci_deposit(uint64_t a, uint64_t b, unsigned pos, unsigned len)
{
    uint64_t mask;

    if (pos >= 64) {
        return a;
    }
    mask = tci_field_mask(len) << pos;
    return (a & ~mask) | ((b << pos) & mask);
}

static inline uint64_t tci_extract(uint64_t a, unsigned pos, unsigned len)
{
    return pos >= 64 ? 0 : (a >> pos) & tci_field_mask(len);
}

static inline int64_t tci_sextract(uint64_t a, unsigned pos, unsigned len)
{
    if (len == 0 || len > 64 || pos + len > 64) {
        return 0;
    }
    return (int64_t)(a << (64 - pos - len)) >> (64 - len);
}

static inline uint64_t tci_rotl64(uint64_t a, unsigned c)
{
    c &= 63;
    return c ? (a << c) | (a >> (64 - c)) : a;
}

static inline uint32_t tci_rotl32(uint32_t a, unsigned c)
{
    c &= 31;
    return c ? (a << c) | (a >> (32 - c)) : a;
}

/* bswap16 of the low half, extended per TCG_BSWAP_OS (else zero-extended). */
static inline uint64_t tci_bswap16(uint64_t a, unsigned flags)
{
    uint16_t v = __builtin_bswap16((uint16_t)a);

    return flags & TCG_BSWAP_OS ? (uint64_t)(int64_t)(int16_t)v : v;
}

static inline uint64_t tci_bswap32(uint64_t a, unsigned flags)
{
    uint32_t v = __builtin_bswap32((uint32_t)a);

    return flags & TCG_BSWAP_OS ? (uint64_t)(int64_t)(int32_t)v : v;
}

static inline uint64_t tci_load_host(const void *p, MemOp mop)
{
    uint64_t v;

    switch (mop & MO_SIZE) {
    case MO_8: {
        uint8_t x;

        memcpy(&x, p, 1);
        v = x;
        if (mop & MO_SIGN) {
            v = (uint64_t)(int64_t)(int8_t)x;
        }
        return v;
    }
    case MO_16: {
        uint16_t x;

        memcpy(&x, p, 2);
        if (mop & MO_BSWAP) {
            x = __builtin_bswap16(x);
        }
        return mop & MO_SIGN ? (uint64_t)(int64_t)(int16_t)x : x;
    }
    case MO_32: {
        uint32_t x;

        memcpy(&x, p, 4);
        if (mop & MO_BSWAP) {
            x = __builtin_bswap32(x);
        }
        return mop & MO_SIGN ? (uint64_t)(int64_t)(int32_t)x : x;
    }
    default:
        memcpy(&v, p, 8);
        return mop & MO_BSWAP ? __builtin_bswap64(v) : v;
    }
}

static inline void tci_store_host(void *p, uint64_t v, MemOp mop)
{
    switch (mop & MO_SIZE) {
    case MO_8: {
        uint8_t x = (uint8_t)v;

        memcpy(p, &x, 1);
        break;
    }
    case MO_16: {
        uint16_t x = (uint16_t)v;

        if (mop & MO_BSWAP) {
            x = __builtin_bswap16(x);
        }
        memcpy(p, &x, 2);
        break;
    }
    case MO_32: {
        uint32_t x = (uint32_t)v;

        if (mop & MO_BSWAP) {
            x = __builtin_bswap32(x);
        }
        memcpy(p, &x, 4);
        break;
    }
    default:
        if (mop & MO_BSWAP) {
            v = __builtin_bswap64(v);
        }
        memcpy(p, &v, 8);
        break;
    }
}

/*
 * The inline TLB check the native code does: the host address of the
 * access on a hit, NULL when the slow path must run (miss, flags set,
 * misaligned MO_ALIGN access, or a page-crossing unaligned one).
 */
static inline void *tci_tlb_lookup(void *env, uint64_t addr, MemOpIdx oi, bool store)
{
    MemOp mop = get_memop(oi);
    const CPUTLBDescFast *fast =
        (const CPUTLBDescFast *)((char *)env + TLB_FAST_OFS(get_mmuidx(oi)));
    uintptr_t ofs = (uintptr_t)(addr >> (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS)) & fast->mask;
    const CPUTLBEntry *e = (const CPUTLBEntry *)((const char *)fast->table + ofs);
    uint64_t size = memop_size(mop), amask = memop_alignment(mop) - 1;
    uint64_t cmp, tlb;

    if (amask) {
        cmp = addr & (TARGET_PAGE_MASK | amask);
    } else {
        cmp = (addr + size - 1) & TARGET_PAGE_MASK;
    }
    tlb = store ? __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED) : e->addr_read;
    if (tlb != cmp) {
        return NULL;
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

typedef uint64_t (*TCIHelper0)(void);
typedef uint64_t (*TCIHelper1)(uint64_t);
typedef uint64_t (*TCIHelper2)(uint64_t, uint64_t);
typedef uint64_t (*TCIHelper3)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*TCIHelper4)(uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*TCIHelper5)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*TCIHelper6)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                               uint64_t);

/*
 * Helpers are plain C functions of up to six integer or pointer
 * arguments; on x86-64 SysV (and the other 64-bit ABIs TCI would run on)
 * passing every argument as a 64-bit integer and reading the return
 * register as one is compatible with the real prototype.
 */
static uint64_t tci_call(void *func, unsigned nargs, const uint64_t *a)
{
    switch (nargs) {
    case 0: return ((TCIHelper0)func)();
    case 1: return ((TCIHelper1)func)(a[0]);
    case 2: return ((TCIHelper2)func)(a[0], a[1]);
    case 3: return ((TCIHelper3)func)(a[0], a[1], a[2]);
    case 4: return ((TCIHelper4)func)(a[0], a[1], a[2], a[3]);
    case 5: return ((TCIHelper5)func)(a[0], a[1], a[2], a[3], a[4]);
    default: return ((TCIHelper6)func)(a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}

typedef struct TCIRun {
    bool done;              /* false: re-enter at pc with a bigger frame */
    uintptr_t ret;
    const uint64_t *pc;
} TCIRun;

#define D       TCI_R0(w)
#define A       regs[TCI_R1(w)]
#define B       regs[TCI_R2(w)]
#define A32     ((uint32_t)A)
#define B32     ((uint32_t)B)
#define AUX     TCI_AUX(w)
#define W32(v)  (regs[D] = (uint32_t)(v))
#define W64(v)  (regs[D] = (uint64_t)(v))

/* Both widths of an op whose i32 form is the i64 one truncated. */
#define CASE_BOTH(name, expr32, expr64) \
    case INDEX_op_##name##_i32: W32(expr32); break; \
    case INDEX_op_##name##_i64: W64(expr64); break;

static TCIRun tci_run(void *env, uint64_t *regs, uint32_t nb_regs, const uint64_t *pc)
{
    const TranslationBlock *tb = NULL;
    const uint64_t *base = pc;

    for (;;) {
        uint64_t w = *pc++;

        switch (TCI_OPC(w)) {
        case TCI_ENTER:
            if (TCI_ENTER_SLOTS(w) > nb_regs) {
                return (TCIRun){ .done = false, .pc = pc - 1 };
            }
            base = pc - 1;
            tb = (const TranslationBlock *)(uintptr_t)*pc++;
            regs[D] = (uintptr_t)env;
            break;
        case TCI_MOVI:
            regs[D] = *pc++;
            break;

        case INDEX_op_mov_i32: W32(A); break;
        case INDEX_op_mov_i64: W64(A); break;
        case INDEX_op_setcond_i32: W32(tci_cond32(A32, B32, AUX)); break;
        case INDEX_op_setcond_i64: W64(tci_cond64(A, B, AUX)); break;
        case INDEX_op_negsetcond_i32: W32(-(uint32_t)tci_cond32(A32, B32, AUX)); break;
        case INDEX_op_negsetcond_i64: W64(-(uint64_t)tci_cond64(A, B, AUX)); break;
        case INDEX_op_movcond_i32: {
            uint64_t w1 = *pc++;

            W32(tci_cond32(A32, B32, AUX) ? regs[w1 & 0xffff] : regs[(w1 >> 16) & 0xffff]);
            break;
        }
        case INDEX_op_movcond_i64: {
            uint64_t w1 = *pc++;

            W64(tci_cond64(A, B, AUX) ? regs[w1 & 0xffff] : regs[(w1 >> 16) & 0xffff]);
            break;
        }

        /* Host memory relative to a pointer temp (env fields). */
        case INDEX_op_ld8u_i32:
        case INDEX_op_ld8u_i64: {
            uint8_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 1);
            regs[D] = x;
            break;
        }
        case INDEX_op_ld8s_i32: {
            int8_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 1);
            W32((int32_t)x);
            break;
        }
        case INDEX_op_ld8s_i64: {
            int8_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 1);
            W64((int64_t)x);
            break;
        }
        case INDEX_op_ld16u_i32:
        case INDEX_op_ld16u_i64: {
            uint16_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 2);
            regs[D] = x;
            break;
        }
        case INDEX_op_ld16s_i32: {
            int16_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 2);
            W32((int32_t)x);
            break;
        }
        case INDEX_op_ld16s_i64: {
            int16_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 2);
            W64((int64_t)x);
            break;
        }
        case INDEX_op_ld_i32:
        case INDEX_op_ld32u_i64: {
            uint32_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 4);
            regs[D] = x;
            break;
        }
        case INDEX_op_ld32s_i64: {
            int32_t x;

            memcpy(&x, (void *)(uintptr_t)(A + *pc++), 4);
            W64((int64_t)x);
            break;
        }
        case INDEX_op_ld_i64:
            memcpy(&regs[D], (void *)(uintptr_t)(A + *pc++), 8);
            break;
        case INDEX_op_st8_i32:
        case INDEX_op_st8_i64: {
            uint8_t x = (uint8_t)regs[D];

            memcpy((void *)(uintptr_t)(A + *pc++), &x, 1);
            break;
        }
        case INDEX_op_st16_i32:
        case INDEX_op_st16_i64: {
            uint16_t x = (uint16_t)regs[D];

            memcpy((void *)(uintptr_t)(A + *pc++), &x, 2);
            break;
        }
        case INDEX_op_st_i32:
        case INDEX_op_st32_i64: {
            uint32_t x = (uint32_t)regs[D];

            memcpy((void *)(uintptr_t)(A + *pc++), &x, 4);
            break;
        }
        case INDEX_op_st_i64:
            memcpy((void *)(uintptr_t)(A + *pc++), &regs[D], 8);
            break;

        CASE_BOTH(add, A32 + B32, A + B)
        CASE_BOTH(sub, A32 - B32, A - B)
        CASE_BOTH(mul, A32 * B32, A * B)
        CASE_BOTH(and, A32 & B32, A & B)
        CASE_BOTH(or, A32 | B32, A | B)
        CASE_BOTH(xor, A32 ^ B32, A ^ B)
        CASE_BOTH(andc, A32 & ~B32, A & ~B)
        CASE_BOTH(orc, A32 | ~B32, A | ~B)
        CASE_BOTH(eqv, ~(A32 ^ B32), ~(A ^ B))
        CASE_BOTH(nand, ~(A32 & B32), ~(A & B))
        CASE_BOTH(nor, ~(A32 | B32), ~(A | B))
        CASE_BOTH(shl, A32 << (B & 31), A << (B & 63))
        CASE_BOTH(shr, A32 >> (B & 31), A >> (B & 63))
        CASE_BOTH(sar, (int32_t)A32 >> (B & 31), (int64_t)A >> (B & 63))
        CASE_BOTH(rotl, tci_rotl32(A32, B & 31), tci_rotl64(A, B & 63))
        CASE_BOTH(rotr, tci_rotl32(A32, (32 - (B & 31)) & 31),
                  tci_rotl64(A, (64 - (B & 63)) & 63))
        CASE_BOTH(not, ~A32, ~A)
        CASE_BOTH(neg, -A32, -A)
        CASE_BOTH(ext8s, (int32_t)(int8_t)A, (int64_t)(int8_t)A)
        CASE_BOTH(ext8u, (uint8_t)A, (uint8_t)A)
        CASE_BOTH(ext16s, (int32_t)(int16_t)A, (int64_t)(int16_t)A)
        CASE_BOTH(ext16u, (uint16_t)A, (uint16_t)A)
        CASE_BOTH(bswap16, tci_bswap16(A, AUX), tci_bswap16(A, AUX))
        CASE_BOTH(bswap32, __builtin_bswap32(A32), tci_bswap32(A, AUX))
        CASE_BOTH(clz, A32 ? (uint32_t)__builtin_clz(A32) : B32,
                  A ? (uint64_t)__builtin_clzll(A) : B)
        CASE_BOTH(ctz, A32 ? (uint32_t)__builtin_ctz(A32) : B32,
                  A ? (uint64_t)__builtin_ctzll(A) : B)
        CASE_BOTH(ctpop, __builtin_popcount(A32), __builtin_popcountll(A))
        CASE_BOTH(muluh, ((uint64_t)A32 * B32) >> 32,
                  ((unsigned __int128)A * B) >> 64)
        CASE_BOTH(mulsh, (uint64_t)((int64_t)(int32_t)A32 * (int32_t)B32) >> 32,
                  (unsigned __int128)((__int128)(int64_t)A * (int64_t)B) >> 64)

        /* Undefined results (x/0, INT_MIN/-1) are whatever does not trap. */
        case INDEX_op_div_i32: {
            int32_t a = (int32_t)A32, b = (int32_t)B32;

            W32(b == 0 ? 0 : (b == -1 ? -(uint32_t)a : (uint32_t)(a / b)));
            break;
        }
        case INDEX_op_div_i64: {
            int64_t a = (int64_t)A, b = (int64_t)B;

            W64(b == 0 ? 0 : (b == -1 ? -(uint64_t)a : (uint64_t)(a / b)));
            break;
        }
        case INDEX_op_rem_i32: {
            int32_t a = (int32_t)A32, b = (int32_t)B32;

            W32(b == 0 ? (uint32_t)a : (b == -1 ? 0 : (uint32_t)(a % b)));
            break;
        }
        case INDEX_op_rem_i64: {
            int64_t a = (int64_t)A, b = (int64_t)B;

            W64(b == 0 ? (uint64_t)a : (b == -1 ? 0 : (uint64_t)(a % b)));
            break;
        }
        CASE_BOTH(divu, B32 ? A32 / B32 : 0, B ? A / B : 0)
        CASE_BOTH(remu, B32 ? A32 % B32 : A32, B ? A % B : A)

        case INDEX_op_deposit_i32: {
            uint64_t r = tci_deposit(A32, B32, AUX, (unsigned)*pc++);

            W32(r);
            break;
        }
        case INDEX_op_deposit_i64: {
            uint64_t r = tci_deposit(A, B, AUX, (unsigned)*pc++);

            W64(r);
            break;
        }
        case INDEX_op_extract_i32: {
            uint64_t r = tci_extract(A32, AUX, (unsigned)*pc++);

            W32(r);
            break;
        }
        case INDEX_op_extract_i64: {
            uint64_t r = tci_extract(A, AUX, (unsigned)*pc++);

            W64(r);
            break;
        }
        case INDEX_op_sextract_i32: {
            /* Sign-extend from bit pos+len-1 of the 32-bit value. */
            unsigned len = (unsigned)*pc++;
            int64_t r = tci_sextract((uint64_t)A32 << 32, AUX + 32, len);

            W32(r);
            break;
        }
        case INDEX_op_sextract_i64: {
            int64_t r = tci_sextract(A, AUX, (unsigned)*pc++);

            W64(r);
            break;
        }

        case INDEX_op_brcond_i32: {
            uint64_t off = *pc++;

            if (tci_cond32((uint32_t)regs[D], A32, AUX)) {
                pc = (const uint64_t *)((const char *)base + off);
            }
            break;
        }
        case INDEX_op_brcond_i64: {
            uint64_t off = *pc++;

            if (tci_cond64(regs[D], A, AUX)) {
                pc = (const uint64_t *)((const char *)base + off);
            }
            break;
        }
        case INDEX_op_br:
            pc = (const uint64_t *)((const char *)base + *pc);
            break;

        /* Double-word ops: read every input before writing an output. */
        case INDEX_op_add2_i32: {
            /* word 0: rl, rh, al; word 1: ah, bl, bh */
            uint64_t w1 = *pc++;
            uint32_t al = B32, ah = (uint32_t)regs[w1 & 0xffff];
            uint32_t bl = (uint32_t)regs[(w1 >> 16) & 0xffff];
            uint32_t bh = (uint32_t)regs[(w1 >> 32) & 0xffff];
            uint64_t lo = (uint64_t)al + bl;

            regs[D] = (uint32_t)lo;
            regs[TCI_R1(w)] = (uint32_t)(ah + bh + (uint32_t)(lo >> 32));
            break;
        }
        case INDEX_op_add2_i64: {
            uint64_t w1 = *pc++;
            uint64_t al = B, ah = regs[w1 & 0xffff];
            uint64_t bl = regs[(w1 >> 16) & 0xffff], bh = regs[(w1 >> 32) & 0xffff];
            uint64_t lo = al + bl;

            regs[D] = lo;
            regs[TCI_R1(w)] = ah + bh + (lo < al);
            break;
        }
        case INDEX_op_sub2_i32: {
            uint64_t w1 = *pc++;
            uint32_t al = B32, ah = (uint32_t)regs[w1 & 0xffff];
            uint32_t bl = (uint32_t)regs[(w1 >> 16) & 0xffff];
            uint32_t bh = (uint32_t)regs[(w1 >> 32) & 0xffff];

            regs[D] = (uint32_t)(al - bl);
            regs[TCI_R1(w)] = (uint32_t)(ah - bh - (al < bl));
            break;
        }
        case INDEX_op_sub2_i64: {
            uint64_t w1 = *pc++;
            uint64_t al = B, ah = regs[w1 & 0xffff];
            uint64_t bl = regs[(w1 >> 16) & 0xffff], bh = regs[(w1 >> 32) & 0xffff];

            regs[D] = al - bl;
            regs[TCI_R1(w)] = ah - bh - (al < bl);
            break;
        }
        case INDEX_op_mulu2_i32: {
            uint64_t p = (uint64_t)B32 * (uint32_t)regs[*pc++ & 0xffff];

            regs[D] = (uint32_t)p;
            regs[TCI_R1(w)] = (uint32_t)(p >> 32);
            break;
        }
        case INDEX_op_muls2_i32: {
            int64_t p = (int64_t)(int32_t)B32 * (int32_t)(uint32_t)regs[*pc++ & 0xffff];

            regs[D] = (uint32_t)p;
            regs[TCI_R1(w)] = (uint32_t)((uint64_t)p >> 32);
            break;
        }
        case INDEX_op_mulu2_i64: {
            unsigned __int128 p = (unsigned __int128)B * regs[*pc++ & 0xffff];

            regs[D] = (uint64_t)p;
            regs[TCI_R1(w)] = (uint64_t)(p >> 64);
            break;
        }
        case INDEX_op_muls2_i64: {
            __int128 p = (__int128)(int64_t)B * (int64_t)regs[*pc++ & 0xffff];

            regs[D] = (uint64_t)p;
            regs[TCI_R1(w)] = (uint64_t)((unsigned __int128)p >> 64);
            break;
        }

        case INDEX_op_ext32s_i64: W64((int64_t)(int32_t)A); break;
        case INDEX_op_ext32u_i64: W64((uint32_t)A); break;
        case INDEX_op_bswap64_i64: W64(__builtin_bswap64(A)); break;
        case INDEX_op_ext_i32_i64: W64((int64_t)(int32_t)A); break;
        case INDEX_op_extu_i32_i64: W64((uint32_t)A); break;
        case INDEX_op_extrl_i64_i32: W32(A); break;
        case INDEX_op_extrh_i64_i32: W32(A >> 32); break;

        case INDEX_op_call: {
            void *func = (void *)(uintptr_t)pc[0];
            uint64_t s0 = pc[1], s1 = pc[2];
            unsigned nargs = AUX;
            uint64_t args[MAX_CALL_IARGS];
            uint64_t r;

            pc += 4;
            for (unsigned i = 0; i < nargs && i < 4; i++) {
                args[i] = regs[(s0 >> (16 * i)) & 0xffff];
            }
            for (unsigned i = 4; i < nargs; i++) {
                args[i] = regs[(s1 >> (16 * (i - 4))) & 0xffff];
            }
            /* GETPC() in the helper: a bytecode address inside this TB. */
            tci_tb_ptr = (uintptr_t)pc;
            r = tci_call(func, nargs, args);
            tci_tb_ptr = 0;
            switch (TCI_R1(w)) {
            case TCG_CALL_VOID:
                break;
            case TCG_CALL_I32:
                regs[D] = (uint32_t)r;
                break;
            default:
                regs[D] = r;
                break;
            }
            break;
        }

        case INDEX_op_qemu_ld_i32:
        case INDEX_op_qemu_ld_i64: {
            MemOpIdx oi = (MemOpIdx)*pc++;
            uint64_t addr = A;
            void *host = tci_tlb_lookup(env, addr, oi, false);
            uint64_t v;

            if (host) {
                v = tci_load_host(host, get_memop(oi));
            } else {
                tci_tb_ptr = (uintptr_t)pc;
                v = helper_ld_mmu(env, addr, oi, (uintptr_t)pc);
                tci_tb_ptr = 0;
            }
            regs[D] = TCI_OPC(w) == INDEX_op_qemu_ld_i32 ? (uint32_t)v : v;
            break;
        }
        case INDEX_op_qemu_st_i32:
        case INDEX_op_qemu_st_i64: {
            MemOpIdx oi = (MemOpIdx)*pc++;
            uint64_t addr = A, v = regs[D];
            void *host = tci_tlb_lookup(env, addr, oi, true);

            if (TCI_OPC(w) == INDEX_op_qemu_st_i32) {
                v = (uint32_t)v;
            }
            if (host) {
                tci_store_host(host, v, get_memop(oi));
            } else {
                tci_tb_ptr = (uintptr_t)pc;
                helper_st_mmu(env, addr, v, oi, (uintptr_t)pc);
                tci_tb_ptr = 0;
            }
            break;
        }

        case INDEX_op_mb:
            if (AUX & TCG_MO_ST_LD) {
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
            } else {
                __atomic_thread_fence(__ATOMIC_ACQ_REL);
            }
            break;

        case INDEX_op_exit_tb:
            return (TCIRun){ .done = true, .ret = (uintptr_t)*pc };
        case INDEX_op_goto_tb:
            pc = (const uint64_t *)__atomic_load_n(&tb->jmp_target_addr[AUX],
                                                   __ATOMIC_ACQUIRE);
            break;
        case INDEX_op_goto_ptr: {
            const void *p = (const void *)(uintptr_t)regs[D];

            if (p == tcg_code_gen_epilogue || p == &tci_epilogue_word || !p) {
                return (TCIRun){ .done = true, .ret = 0 };
            }
            pc = p;
            break;
        }

        case INDEX_op_discard:
        case INDEX_op_insn_start:
        case INDEX_op_set_label:
        default:
            /* Never emitted: gen_code handles these. */
            g_assert_not_reached();
        }
    }
}

#undef D
#undef A
#undef B
#undef A32
#undef B32
#undef AUX
#undef W32
#undef W64
#undef CASE_BOTH

static uintptr_t tci_exec(void *env, const void *tb_ptr)
{
    const uint64_t *pc = tb_ptr;
    uint32_t nb_regs = TCI_MIN_FRAME;

    /* A helper that longjmp'ed out of an earlier run left it set. */
    tci_tb_ptr = 0;
    for (;;) {
        uint64_t *regs;
        TCIRun r;

        if (TCI_OPC(*pc) == TCI_ENTER && TCI_ENTER_SLOTS(*pc) > nb_regs) {
            /* Grow once, to the most any TB can need. */
            nb_regs = MAX(TCI_ENTER_SLOTS(*pc), TCG_MAX_TEMPS);
        }
        regs = g_alloca(nb_regs * sizeof(uint64_t));
        r = tci_run(env, regs, nb_regs, pc);
        if (r.done) {
            return r.ret;
        }
        pc = r.pc;
    }
}

static void tci_set_jmp_target(const TranslationBlock *tb, int n, uintptr_t addr)
{
    TranslationBlock *w = (TranslationBlock *)tb;

    __atomic_store_n(&w->jmp_target_addr[n], addr, __ATOMIC_RELEASE);
}

static void tci_init(TCGContext *s)
{
    tcg_code_gen_epilogue = &tci_epilogue_word;
}

/* ---------------------------------------------------------------------- */
/* Disassembly: one instruction per line, offsets from the first word. */

/* The condition of a setcond/movcond/brcond, by name; NULL for other ops. */
static const char *tci_cond_name(unsigned opc, unsigned cond)
{
    static const char *const names[16] = {
        [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always",
        [TCG_COND_EQ] = "eq", [TCG_COND_NE] = "ne",
        [TCG_COND_LT] = "lt", [TCG_COND_GE] = "ge",
        [TCG_COND_LE] = "le", [TCG_COND_GT] = "gt",
        [TCG_COND_LTU] = "ltu", [TCG_COND_GEU] = "geu",
        [TCG_COND_LEU] = "leu", [TCG_COND_GTU] = "gtu",
    };

    switch (opc) {
    case INDEX_op_setcond_i32: case INDEX_op_setcond_i64:
    case INDEX_op_negsetcond_i32: case INDEX_op_negsetcond_i64:
    case INDEX_op_movcond_i32: case INDEX_op_movcond_i64:
    case INDEX_op_brcond_i32: case INDEX_op_brcond_i64:
        return cond < 16 ? names[cond] : NULL;
    default:
        return NULL;
    }
}

static void tci_disas(FILE *f, const void *ptr, size_t size)
{
    const uint64_t *start = ptr, *p = ptr;
    const uint64_t *end = (const uint64_t *)((const char *)ptr + size);

    while (p < end) {
        uint64_t w = *p;
        unsigned opc = TCI_OPC(w), n = tci_insn_words(w);

        fprintf(f, "  %04x: ", (unsigned)((p - start) * 8));
        if (opc == TCI_ENTER) {
            fprintf(f, "enter slots=%u env=r%u tb=%p\n", TCI_ENTER_SLOTS(w), TCI_R0(w),
                    p + 1 < end ? (void *)(uintptr_t)p[1] : NULL);
        } else if (opc == TCI_MOVI) {
            fprintf(f, "movi r%u, $0x%" PRIx64 "\n", TCI_R0(w),
                    p + 1 < end ? p[1] : 0);
        } else if (opc == INDEX_op_call) {
            const TCGHelperInfo *info =
                p + 4 < end ? (const TCGHelperInfo *)(uintptr_t)p[4] : NULL;
            unsigned nargs = TCI_AUX(w);

            fprintf(f, "call %s", info && info->name ? info->name : "?");
            if (TCI_R1(w) != TCG_CALL_VOID) {
                fprintf(f, " -> r%u", TCI_R0(w));
            }
            for (unsigned i = 0; i < nargs && p + 3 < end; i++) {
                uint64_t sw = i < 4 ? p[2] : p[3];

                fprintf(f, "%s r%u", i ? "," : "", (unsigned)(sw >> (16 * (i & 3))) & 0xffff);
            }
            fputc('\n', f);
        } else if (opc < NB_OPS) {
            const TCGOpDef *def = &tcg_op_defs[opc];
            unsigned nt = def->nb_oargs + def->nb_iargs, k = 1;
            bool aux = def->nb_cargs && tci_const_in_aux(opc);
            const char *sep = " ";

            fprintf(f, "%s", def->name);
            for (unsigned i = 0; i < nt && i < 3; i++) {
                fprintf(f, "%sr%u", sep, (unsigned)(w >> (8 + 16 * i)) & 0xffff);
                sep = ", ";
            }
            if (nt > 3 && p + k < end) {
                for (unsigned i = 3; i < nt; i++) {
                    fprintf(f, "%sr%u", sep, (unsigned)(p[k] >> (16 * (i - 3))) & 0xffff);
                }
                k++;
            }
            if (aux) {
                const char *cn = tci_cond_name(opc, TCI_AUX(w));

                if (cn) {
                    fprintf(f, "%s%s", sep, cn);
                } else {
                    fprintf(f, "%s#%u", sep, TCI_AUX(w));
                }
                sep = ", ";
            }
            for (; k < n && p + k < end; k++) {
                fprintf(f, "%s$0x%" PRIx64, sep, p[k]);
                sep = ", ";
            }
            fputc('\n', f);
        } else {
            fprintf(f, "?? 0x%016" PRIx64 "\n", w);
        }
        p += n;
    }
}

const TCGBackend tcg_backend_tci = {
    .name = "tci",
    .init = tci_init,
    .gen_code = tci_gen_code,
    .exec = tci_exec,
    .set_jmp_target = tci_set_jmp_target,
    .disas = tci_disas,
};
