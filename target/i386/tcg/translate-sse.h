/*
 * translate-sse.h: the MMX/SSE..SSE4.2 decoder (translate-sse.c) as the
 * translator core calls it.
 */
#ifndef TARGET_I386_TCG_TRANSLATE_SSE_H
#define TARGET_I386_TCG_TRANSLATE_SSE_H

#include "target/i386/tcg/translate.h"

/*
 * Translate b (0x100 + byte: 0F map, 0x200 + byte: 0F 38; 0F 3A is read
 * here from 0x13a) if it is an MMX/SSE instruction (or CRC32). Returns
 * false, without consuming bytes, for any other opcode.
 */
bool disas_insn_sse(DisasContext *s, CPUState *cpu, int b);

#endif
