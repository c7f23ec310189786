/*
 * disas.c: -d in_asm for x86 guest code: the bytes of a translation
 * block, read without faulting through the instruction TLB, decoded by
 * capstone in the CS mode of the block (16, 32 or 64-bit) and printed in
 * QEMU 7.2's layout (address, up to 8 code bytes, AT&T mnemonic).
 * Without capstone, tcg/tcg-disas.c's hex dump.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "tcg/tcg-disas.h"
#include "target/i386/tcg/x86-tcg.h"

#ifdef CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

/* The longest block worth printing: x86 TBs stay within two pages. */
#define X86_DISAS_MAX 8192
/* Code bytes on an instruction's first line (QEMU's cap_insn_split). */
#define X86_DISAS_SPLIT 8

static int x86_disas_bits(const CPUX86State *env)
{
    if (env->hflags & HF_CS64_MASK) {
        return 64;
    }
    return (env->hflags & HF_CS32_MASK) ? 32 : 16;
}

/* Copy up to len guest code bytes at pc; returns how many were readable. */
static size_t x86_disas_fetch(CPUState *cs, uint64_t pc, uint8_t *buf,
                              size_t len)
{
    size_t done = 0;

    while (done < len) {
        uint64_t addr = pc + done;
        size_t in_page = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);
        size_t n = MIN(len - done, in_page);
        uint8_t *host = tlb_probe_code_host(cs, addr);

        if (!host) {
            break;
        }
        memcpy(buf + done, host, n);
        done += n;
    }
    return done;
}

#ifdef CONFIG_CAPSTONE
static void x86_disas_print(FILE *f, const cs_insn *insn)
{
    unsigned i;

    fprintf(f, "0x%08" PRIx64 ":  ", insn->address);
    for (i = 0; i < MIN(insn->size, X86_DISAS_SPLIT); i++) {
        fprintf(f, "%02x ", insn->bytes[i]);
    }
    for (; i < X86_DISAS_SPLIT; i++) {
        fputs("   ", f);
    }
    fprintf(f, " %-8s %s\n", insn->mnemonic, insn->op_str);
    /* Longer instructions continue on lines of their own, bytes only. */
    for (i = X86_DISAS_SPLIT; i < insn->size; i += X86_DISAS_SPLIT) {
        fprintf(f, "0x%08" PRIx64 ":  ", insn->address + i);
        for (unsigned j = i; j < MIN(insn->size, i + X86_DISAS_SPLIT); j++) {
            fprintf(f, "%02x ", insn->bytes[j]);
        }
        fputc('\n', f);
    }
}

static bool x86_disas_capstone(FILE *f, const uint8_t *code, size_t size,
                               uint64_t pc, int bits)
{
    cs_mode mode = bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32 : CS_MODE_64;
    const uint8_t *p = code;
    uint64_t addr = pc;
    cs_insn *insn;
    csh h;

    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        return false;
    }
    cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    insn = cs_malloc(h);
    while (size > 0) {
        if (!cs_disasm_iter(h, &p, &size, &addr, insn)) {
            /* A byte capstone cannot decode (or a cut insn): skip it. */
            fprintf(f, "0x%08" PRIx64 ":  %02x  (bad)\n", addr, *p);
            p++;
            size--;
            addr++;
            continue;
        }
        x86_disas_print(f, insn);
    }
    cs_free(insn, 1);
    cs_close(&h);
    return true;
}
#endif

void x86_disas_log(FILE *f, CPUState *cs, uint64_t pc, size_t len)
{
    CPUX86State *env = cs->env_ptr;
    g_autofree uint8_t *buf = NULL;
    size_t got;
    int bits = x86_disas_bits(env);

    len = MIN(len, (size_t)X86_DISAS_MAX);
    buf = g_malloc(len ? len : 1);
    got = x86_disas_fetch(cs, pc, buf, len);
    if (got) {
#ifdef CONFIG_CAPSTONE
        if (!x86_disas_capstone(f, buf, got, pc, bits)) {
            disas_x86_guest(f, buf, got, pc, bits);
        }
#else
        disas_x86_guest(f, buf, got, pc, bits);
#endif
    }
    if (got < len) {
        fprintf(f, "0x%08" PRIx64 ":  (code not readable)\n", pc + got);
    }
}
