/*
 * sse-stub.h: the contract between translate-sse.c and sse_helper.c:
 * host stubs that run one guest MMX/SSE instruction in register form,
 * and the operand-description word (info) of helper_sse_exec.
 */
#ifndef TARGET_I386_TCG_SSE_STUB_H
#define TARGET_I386_TCG_SSE_STUB_H

/*
 * The address of a host stub running insn (prefixes, opcode, ModRM 0xCA,
 * immediate: at most 16 bytes) on the frame of helper_sse_exec; built
 * once per distinct byte string, never freed. Only whitelisted register
 * forms may be passed (the bytes run on the host).
 */
uintptr_t sse_stub_get(const uint8_t *insn, size_t len);

/* Operand kinds of the reg and r/m operands. */
enum { SSE_K_XMM, SSE_K_MM, SSE_K_GPR, SSE_K_MEM };
/* What the helper writes back. */
enum {
    SSE_OUT_REG,    /* the reg operand */
    SSE_OUT_FLAGS,  /* returns O S Z A P C (comis, ptest) */
    SSE_OUT_STRI,   /* ECX and the flags (pcmpXstri) */
    SSE_OUT_STRM,   /* XMM0 and the flags (pcmpXstrm) */
    SSE_OUT_RM,     /* the r/m GPR, or returns the value to store */
};

#define SSE_INFO(reg, rm, regk, rmk, out) \
    ((reg) | ((rm) << 4) | ((regk) << 8) | ((rmk) << 10) | ((out) << 12))
#define SSE_INFO_REG(i)   ((i) & 15)
#define SSE_INFO_RM(i)    (((i) >> 4) & 15)
#define SSE_INFO_REGK(i)  (((i) >> 8) & 3)
#define SSE_INFO_RMK(i)   (((i) >> 10) & 3)
#define SSE_INFO_OUT(i)   (((i) >> 12) & 7)
#define SSE_INFO_IMPLICIT_DX (1u << 16)     /* load RDX from the guest (pcmpestr*) */

#endif
