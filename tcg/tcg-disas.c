/*
 * tcg-disas.c: disassembly of host code (out_asm) and x86 guest code
 * (in_asm) with capstone; without capstone, a hex dump in the same line
 * layout so that logs stay readable. Nothing here runs in a hot path.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "tcg/tcg-disas.h"

#ifdef CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

static void disas_hexdump(FILE *f, const uint8_t *p, size_t size, uint64_t pc)
{
    for (size_t i = 0; i < size; i += 16) {
        size_t n = MIN(size - i, (size_t)16);
        fprintf(f, "0x%08" PRIx64 ":  .byte ", pc + i);
        for (size_t j = 0; j < n; j++) {
            fprintf(f, "%s0x%02x", j ? ", " : "", p[i + j]);
        }
        fputc('\n', f);
    }
}

static void disas_x86(FILE *f, const void *code, size_t size, uint64_t pc, int bits)
{
#ifdef CONFIG_CAPSTONE
    cs_mode mode = bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32 : CS_MODE_64;
    csh h;
    cs_insn *insn;
    const uint8_t *p = code;
    size_t left = size;
    uint64_t addr = pc;

    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        disas_hexdump(f, code, size, pc);
        return;
    }
    cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    cs_option(h, CS_OPT_SKIPDATA, CS_OPT_ON);
    insn = cs_malloc(h);
    while (left > 0 && cs_disasm_iter(h, &p, &left, &addr, insn)) {
        fprintf(f, "0x%08" PRIx64 ":  %-8s %s\n", insn->address, insn->mnemonic,
                insn->op_str);
    }
    if (left > 0) {
        disas_hexdump(f, p, left, addr);
    }
    cs_free(insn, 1);
    cs_close(&h);
#else
    (void)bits;
    disas_hexdump(f, code, size, pc);
#endif
}

void tcg_disas_host(FILE *f, const void *code, size_t size)
{
    disas_x86(f, code, size, (uintptr_t)code, 64);
}

void disas_x86_guest(FILE *f, const void *code, size_t size, uint64_t pc, int bits)
{
    disas_x86(f, code, size, pc, bits);
}
