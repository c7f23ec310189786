/*
 * tcg-disas.h: disassembly for the -d out_asm and in_asm logs, through
 * capstone when Keel is built with it, else a hex dump. Host code is
 * x86-64; guest code is x86 in 16-, 32- or 64-bit mode.
 */
#ifndef TCG_TCG_DISAS_H
#define TCG_TCG_DISAS_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Print size bytes of host code at code (rx address) to f, one line per
 * instruction: "0x<address>:  <mnemonic>  <operands>".
 */
void tcg_disas_host(FILE *f, const void *code, size_t size);

/*
 * Print size bytes of guest code (a host copy at code) that the guest
 * sees at pc, decoded as x86 with the given operand size (16, 32, 64).
 */
void disas_x86_guest(FILE *f, const void *code, size_t size, uint64_t pc, int bits);

#endif
