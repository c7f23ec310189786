/*
 * tcg-target-emit.c: the x86-64 instruction encoder of the code
 * generator: prefixes, REX and VEX, ModRM/SIB addressing, immediates,
 * jumps and label relocations. It knows instruction formats, not TCG ops
 * (tcg-target.c) nor register allocation (tcg-regalloc.c).
 */
#include "qemu/osdep.h"
#include "tcg-target.h"

void x86_out8(TCGContext *s, uint8_t v)
{
    uint8_t *p = s->code_ptr;
    *p = v;
    s->code_ptr = p + 1;
}

void x86_out16(TCGContext *s, uint16_t v)
{
    memcpy(s->code_ptr, &v, 2);
    s->code_ptr = (uint8_t *)s->code_ptr + 2;
}

void x86_out32(TCGContext *s, uint32_t v)
{
    memcpy(s->code_ptr, &v, 4);
    s->code_ptr = (uint8_t *)s->code_ptr + 4;
}

void x86_out64(TCGContext *s, uint64_t v)
{
    memcpy(s->code_ptr, &v, 8);
    s->code_ptr = (uint8_t *)s->code_ptr + 8;
}

/* Prefixes, REX and the opcode bytes; x is the SIB index register. */
void x86_out_opc(TCGContext *s, int opc, int r, int rm, int x)
{
    int rex = 0;

    if (opc & P_DATA16) {
        x86_out8(s, 0x66);
    }
    if (opc & P_SIMDF3) {
        x86_out8(s, 0xf3);
    } else if (opc & P_SIMDF2) {
        x86_out8(s, 0xf2);
    }
    rex |= (opc & P_REXW) ? 8 : 0;
    rex |= (r & 8) >> 1;
    rex |= (x & 8) >> 2;
    rex |= (rm & 8) >> 3;
    /* spl, bpl, sil, dil exist only with a REX prefix (else ah..bh). */
    if (rex || ((opc & P_REXB_R) && r >= 4) || ((opc & P_REXB_RM) && rm >= 4)) {
        x86_out8(s, 0x40 | rex);
    }
    if (opc & (P_EXT | P_EXT38 | P_EXT3A)) {
        x86_out8(s, 0x0f);
        if (opc & P_EXT38) {
            x86_out8(s, 0x38);
        } else if (opc & P_EXT3A) {
            x86_out8(s, 0x3a);
        }
    }
    x86_out8(s, opc & 0xff);
}

void x86_out_modrm(TCGContext *s, int opc, int r, int rm)
{
    x86_out_opc(s, opc, r, rm, 0);
    x86_out8(s, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

/* Three-byte VEX form (BMI1/BMI2): r = ModRM.reg, v = VEX.vvvv, rm = ModRM.rm. */
void x86_out_vex_modrm(TCGContext *s, int opc, int r, int v, int rm)
{
    int mmmmm = (opc & P_EXT3A) ? 3 : (opc & P_EXT38) ? 2 : 1;
    int pp = (opc & P_DATA16) ? 1 : (opc & P_SIMDF3) ? 2 : (opc & P_SIMDF2) ? 3 : 0;
    int b1 = ((~r & 8) << 4) | 0x40 | ((~rm & 8) << 2) | mmmmm;
    int b2 = ((opc & P_REXW) ? 0x80 : 0) | ((~v & 15) << 3) | pp;

    x86_out8(s, 0xc4);
    x86_out8(s, b1);
    x86_out8(s, b2);
    x86_out8(s, opc & 0xff);
    x86_out8(s, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

void x86_out_modrm_sib_offset(TCGContext *s, int opc, int r, int base, int index,
                              int shift, intptr_t ofs)
{
    int mod;

    g_assert(ofs == (int32_t)ofs);
    if (ofs == 0 && (base & 7) != TCG_REG_RBP) {
        mod = 0;
    } else if (ofs == (int8_t)ofs) {
        mod = 0x40;
    } else {
        mod = 0x80;
    }
    if (index < 0 && (base & 7) != TCG_REG_RSP) {
        x86_out_opc(s, opc, r, base, 0);
        x86_out8(s, mod | ((r & 7) << 3) | (base & 7));
    } else {
        /* SIB: index 4 (rsp) means none. */
        int idx = index < 0 ? TCG_REG_RSP : index;
        x86_out_opc(s, opc, r, base, index < 0 ? 0 : index);
        x86_out8(s, mod | ((r & 7) << 3) | 4);
        x86_out8(s, (shift << 6) | ((idx & 7) << 3) | (base & 7));
    }
    if (mod == 0x40) {
        x86_out8(s, (uint8_t)ofs);
    } else if (mod == 0x80) {
        x86_out32(s, (uint32_t)ofs);
    }
}

void x86_out_modrm_offset(TCGContext *s, int opc, int r, int base, intptr_t ofs)
{
    x86_out_modrm_sib_offset(s, opc, r, base, -1, 0, ofs);
}

void x86_out_arith(TCGContext *s, int subop, TCGReg dst, TCGReg src, int rexw)
{
    x86_out_modrm(s, OPC_ARITH_GvEv + (subop << 3) + rexw, dst, src);
}

void x86_out_arithi(TCGContext *s, int subop, TCGReg r, int64_t val, int rexw)
{
    if (!rexw) {
        val = (int32_t)val;
    }
    g_assert(val == (int32_t)val);
    if (val == (int8_t)val) {
        x86_out_modrm(s, OPC_ARITH_EvIb + rexw, subop, r);
        x86_out8(s, (uint8_t)val);
    } else {
        x86_out_modrm(s, OPC_ARITH_EvIz + rexw, subop, r);
        x86_out32(s, (uint32_t)val);
    }
}

void x86_out_shifti(TCGContext *s, int subop, TCGReg r, int count, int rexw)
{
    count &= rexw ? 63 : 31;
    if (count == 1) {
        x86_out_modrm(s, OPC_SHIFT_1 + rexw, subop, r);
    } else {
        x86_out_modrm(s, OPC_SHIFT_Ib + rexw, subop, r);
        x86_out8(s, count);
    }
}

void x86_out_movi_keepflags(TCGContext *s, TCGType type, TCGReg reg, int64_t val)
{
    if (type == TCG_TYPE_I32 || val == (int64_t)(uint32_t)val) {
        /* mov r32, imm32 zero-extends. */
        x86_out_opc(s, OPC_MOVL_Iv + (reg & 7), 0, reg, 0);
        x86_out32(s, (uint32_t)val);
    } else if (val == (int32_t)val) {
        x86_out_modrm(s, OPC_MOVL_EvIz | P_REXW, 0, reg);
        x86_out32(s, (uint32_t)val);
    } else {
        x86_out_opc(s, (OPC_MOVL_Iv + (reg & 7)) | P_REXW, 0, reg, 0);
        x86_out64(s, (uint64_t)val);
    }
}

void x86_patch_rel32(void *p, const void *target)
{
    intptr_t disp = (const char *)target - ((const char *)p + 4);
    int32_t d32 = (int32_t)disp;

    g_assert(disp == d32);
    memcpy(p, &d32, 4);
}

/* jmp/call/jcc rel32 to target, both rw addresses of the code buffer. */
void x86_out_jmp_rw(TCGContext *s, int opc, const void *target_rw)
{
    x86_out_opc(s, opc, 0, 0, 0);
    void *p = s->code_ptr;
    x86_out32(s, 0);
    x86_patch_rel32(p, target_rw);
}

static void x86_out_label_rel32(TCGContext *s, TCGLabel *l)
{
    void *p = s->code_ptr;

    x86_out32(s, 0);
    if (l->has_value) {
        x86_patch_rel32(p, (const void *)l->value);
    } else {
        TCGRelocation *r = tcg_malloc(sizeof(*r));
        r->ptr = p;
        r->type = 0;
        r->addend = 0;
        r->next = l->relocs;
        l->relocs = r;
    }
}

void x86_out_jcc_label(TCGContext *s, int cc, TCGLabel *l)
{
    x86_out_opc(s, OPC_JCC_long + cc, 0, 0, 0);
    x86_out_label_rel32(s, l);
}

void x86_out_jmp_label(TCGContext *s, TCGLabel *l)
{
    x86_out8(s, OPC_JMP_long);
    x86_out_label_rel32(s, l);
}

/* Labels hold rw addresses: only distances matter and both views agree. */
void tcg_target_bind_label(TCGContext *s, TCGLabel *l)
{
    l->has_value = true;
    l->value = (uintptr_t)s->code_ptr;
    for (TCGRelocation *r = l->relocs; r; r = r->next) {
        x86_patch_rel32(r->ptr, s->code_ptr);
    }
    l->relocs = NULL;
}

void x86_out_nop(TCGContext *s)
{
    x86_out8(s, 0x90);
}

void x86_out_push(TCGContext *s, TCGReg r)
{
    x86_out_opc(s, 0x50 + (r & 7), 0, r, 0);
}

void x86_out_pop(TCGContext *s, TCGReg r)
{
    x86_out_opc(s, 0x58 + (r & 7), 0, r, 0);
}

/* ---- the allocator's move/load/store hooks ---- */

void tcg_target_mov(TCGContext *s, TCGType type, TCGReg dst, TCGReg src)
{
    if (dst != src) {
        x86_out_modrm(s, OPC_MOVL_GvEv | (type == TCG_TYPE_I64 ? P_REXW : 0), dst, src);
    }
}

void tcg_target_zext_i32(TCGContext *s, TCGReg dst, TCGReg src)
{
    x86_out_modrm(s, OPC_MOVL_GvEv, dst, src);   /* a 32-bit mov zero-extends */
}

void tcg_target_movi(TCGContext *s, TCGType type, TCGReg reg, int64_t val)
{
    if (val == 0) {
        x86_out_arith(s, ARITH_XOR, reg, reg, 0);
    } else {
        x86_out_movi_keepflags(s, type, reg, val);
    }
}

/* Offsets beyond 32 bits go through the scratch register. */
static bool x86_far_base(TCGContext *s, TCGReg *base, intptr_t *ofs)
{
    if (*ofs == (int32_t)*ofs) {
        return false;
    }
    x86_out_movi_keepflags(s, TCG_TYPE_I64, TCG_TMP0, *ofs);
    x86_out_arith(s, ARITH_ADD, TCG_TMP0, *base, P_REXW);
    *base = TCG_TMP0;
    *ofs = 0;
    return true;
}

void tcg_target_ld(TCGContext *s, TCGType type, TCGReg reg, TCGReg base, intptr_t ofs)
{
    x86_far_base(s, &base, &ofs);
    x86_out_modrm_offset(s, OPC_MOVL_GvEv | (type == TCG_TYPE_I64 ? P_REXW : 0),
                         reg, base, ofs);
}

void tcg_target_st(TCGContext *s, TCGType type, TCGReg reg, TCGReg base, intptr_t ofs)
{
    x86_far_base(s, &base, &ofs);
    x86_out_modrm_offset(s, OPC_MOVL_EvGv | (type == TCG_TYPE_I64 ? P_REXW : 0),
                         reg, base, ofs);
}

void tcg_target_sti(TCGContext *s, TCGType type, int64_t val, TCGReg base,
                    intptr_t ofs)
{
    g_assert(ofs == (int32_t)ofs);
    if (type == TCG_TYPE_I32 || val == (int32_t)val) {
        x86_out_modrm_offset(s, OPC_MOVL_EvIz | (type == TCG_TYPE_I64 ? P_REXW : 0),
                             0, base, ofs);
        x86_out32(s, (uint32_t)val);
    } else {
        x86_out_movi_keepflags(s, TCG_TYPE_I64, TCG_TMP0, val);
        tcg_target_st(s, type, TCG_TMP0, base, ofs);
    }
}
