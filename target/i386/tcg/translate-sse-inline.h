/*
 * translate-sse-inline.h: the SSE instructions that translate-sse.c turns
 * into plain 64-bit TCG ops on the XMM registers (translate-sse-inline.c)
 * instead of a helper call.
 */
#ifndef TARGET_I386_TCG_TRANSLATE_SSE_INLINE_H
#define TARGET_I386_TCG_TRANSLATE_SSE_INLINE_H

#include "target/i386/tcg/translate.h"

/* One decoded 0F-map instruction with XMM (or general register) operands. */
typedef struct SseInlineInsn {
    int op;             /* the opcode byte after 0F */
    int pfx;            /* mandatory prefix: 0 none, 1 66, 2 F3, 3 F2 */
    int mod, reg, rm;   /* ModRM; reg is the shifted register for 0F 71-73 */
    int group;          /* ModRM.reg of the 0F 71-73 shift groups, else -1 */
    int imm;            /* imm8 if the instruction has one */
    bool rex_w;
    TCGv lo, hi;        /* a memory source, already loaded (mod != 3) */
} SseInlineInsn;

/*
 * Emit insn as TCG ops if it is one of the inlined operations: moves,
 * bitwise logic, integer add/sub, pcmpeq/pcmpgt, pminub/pmaxub/pminsw/
 * pmaxsw, shifts by an immediate, unpacks, dword/qword shuffles, movmsk. None of them touches
 * MXCSR or can fault once the memory source is loaded. Returns false,
 * emitting nothing, for any other instruction.
 */
bool sse_gen_inline(DisasContext *s, const SseInlineInsn *insn);

#endif
