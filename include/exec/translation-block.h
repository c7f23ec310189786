/*
 * translation-block.h: a translation block (TB), the unit of translated
 * guest code: up to one guest page run (or two when an instruction
 * crosses), keyed by (pc, cs_base, flags, cflags), with its host code in
 * the code buffer, the guest-instruction boundaries needed to restore
 * guest state at a fault, and the two goto_tb exits that chaining patches.
 * accel/tcg owns the lifecycle; tcg/ backends fill the code fields.
 */
#ifndef EXEC_TRANSLATION_BLOCK_H
#define EXEC_TRANSLATION_BLOCK_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Words of guest state recorded per guest instruction (insn_start). */
#define TCG_INSN_START_WORDS 2

/* cflags: how a block was (or must be) translated. */
#define CF_COUNT_MASK   0x000001ffu /* max insns in the TB, 0 = default */
#define CF_NO_GOTO_TB   0x00000200u /* no direct chaining (-d nochain) */
#define CF_NO_GOTO_PTR  0x00000400u /* no goto_ptr lookups */
#define CF_NOIRQ        0x00001000u /* no interrupt check at entry */
#define CF_INVALID      0x00040000u /* removed from the lookup tables */
#define CF_PARALLEL     0x00080000u /* other vCPUs run concurrently */

/* Values returned by exit_tb, in the low bits of (tb | index). */
#define TB_EXIT_MASK      3
#define TB_EXIT_IDX0      0
#define TB_EXIT_IDX1      1
#define TB_EXIT_IDXMAX    1
#define TB_EXIT_REQUESTED 3

typedef struct TranslationBlock TranslationBlock;

struct TranslationBlock {
    /* The key. */
    uint64_t pc;                /* guest virtual address of the first insn */
    uint64_t cs_base;
    uint32_t flags;             /* target's execution mode bits */
    uint32_t cflags;            /* CF_* */

    uint16_t size;              /* guest bytes covered */
    uint16_t icount;            /* guest instructions */

    /* Host code: ptr is the executable (rx) address. */
    struct {
        const void *ptr;
        size_t size;
    } tc;

    /*
     * Guest physical pages holding the code: page_addr[1] is -1 unless
     * the block crosses into a second page.
     */
    uint64_t page_addr[2];

    /*
     * goto_tb n: jmp_insn_offset[n] is the offset from tc.ptr of the
     * patchable jump (its displacement for x86_64), jmp_reset_offset[n]
     * the offset of the code after it (where an unchained jump goes).
     * jmp_target_addr[n] is where the jump goes now (TCI reads it).
     * TB_JMP_OFFSET_INVALID: no goto_tb n in this block.
     */
#define TB_JMP_OFFSET_INVALID 0xffff
    uint16_t jmp_reset_offset[2];
    uint16_t jmp_insn_offset[2];
    uintptr_t jmp_target_addr[2];

    /*
     * Chaining, owned by accel/tcg: jmp_dest[n] is the TB exit n jumps to
     * (NULL: unchained); jmp_incoming lists the (tb, n) pairs that jump
     * here, so invalidation can unchain them. Protected by the TB lock.
     */
    TranslationBlock *jmp_dest[2];
    struct TBJump {
        TranslationBlock *tb;
        int n;
    } *jmp_incoming;
    unsigned nb_jmp_incoming, jmp_incoming_alloc;

    /*
     * Restoring guest state at a fault: for guest insn i (0..icount-1),
     * insn_end_off[i] is the offset from tc.ptr where its host code ends
     * and insn_data[i] the words of its insn_start. A host pc in (end of
     * i-1, end of i] belongs to insn i.
     */
    uint32_t *insn_end_off;
    uint64_t (*insn_data)[TCG_INSN_START_WORDS];

    uint32_t hash;              /* of the key, for the hash table */
    struct TranslationBlock *page_next[2];  /* per-page TB lists */
};

static inline uint32_t tb_cflags(const TranslationBlock *tb)
{
    return __atomic_load_n(&tb->cflags, __ATOMIC_RELAXED);
}

#endif
