/*
 * tcg-target-ldst.c: guest memory access for the x86-64 code generator.
 * qemu_ld/qemu_st get an inline softmmu TLB lookup (exec/cpu-tlb.h) in
 * the main line and, on a miss, a jump to an out-of-line stub at the end
 * of the TB that calls helper_ld_mmu/helper_st_mmu and jumps back.
 *
 * Register discipline: the allocator frees every call-clobbered register
 * before these ops (their constraint lists them as clobbers) and keeps the
 * address and store value in callee-saved registers, so the stubs need
 * not save anything and the fast path may use RDI/RSI as scratch.
 */
#include "qemu/osdep.h"
#include "tcg-target.h"
#include "tcg/tcg-ldst.h"

typedef struct X86LdstStub {
    bool is_ld;
    TCGType type;
    TCGReg data, addr;
    MemOpIdx oi;
    uint8_t *jne_disp;          /* rw: rel32 of the jne to the stub */
    uint8_t *raddr;             /* rw: where the stub returns to */
} X86LdstStub;

static __thread GArray *x86_stubs;

void x86_ldst_reset(TCGContext *s)
{
    (void)s;
    if (!x86_stubs) {
        x86_stubs = g_array_new(false, false, sizeof(X86LdstStub));
    }
    g_array_set_size(x86_stubs, 0);
}

/*
 * The TLB lookup: leaves the host addend in RDI (hit) or jumps to a
 * stub (miss), whose record is returned for the caller to complete.
 */
static X86LdstStub *x86_tlb_lookup(TCGContext *s, TCGReg addr, MemOpIdx oi,
                                   bool is_ld)
{
    MemOp mop = get_memop(oi);
    unsigned mmu_idx = get_mmuidx(oi);
    intptr_t fast = TLB_FAST_OFS(mmu_idx);
    unsigned s_mask = memop_size(mop) - 1;
    unsigned a_mask = memop_alignment(mop) - 1;
    int cmp_ofs = is_ld ? offsetof(CPUTLBEntry, addr_read)
                        : offsetof(CPUTLBEntry, addr_write);
    X86LdstStub st = { 0 };

    /* rdi = table + ((addr >> (PAGE_BITS - ENTRY_BITS)) & mask) */
    tcg_target_mov(s, TCG_TYPE_I64, TCG_REG_RDI, addr);
    x86_out_shifti(s, SHIFT_SHR, TCG_REG_RDI, TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS,
                   P_REXW);
    x86_out_modrm_offset(s, (OPC_ARITH_GvEv + (ARITH_AND << 3)) | P_REXW, TCG_REG_RDI,
                         TCG_AREG0, fast + offsetof(CPUTLBDescFast, mask));
    x86_out_modrm_offset(s, (OPC_ARITH_GvEv + (ARITH_ADD << 3)) | P_REXW, TCG_REG_RDI,
                         TCG_AREG0, fast + offsetof(CPUTLBDescFast, table));

    /*
     * rsi = the address compared with the entry: the last byte's page for
     * unaligned accesses (a page crossing misses), with the low bits kept
     * when alignment is required (a misaligned address misses).
     */
    if (a_mask >= s_mask) {
        tcg_target_mov(s, TCG_TYPE_I64, TCG_REG_RSI, addr);
    } else {
        x86_out_modrm_offset(s, OPC_LEA | P_REXW, TCG_REG_RSI, addr, s_mask - a_mask);
    }
    x86_out_arithi(s, ARITH_AND, TCG_REG_RSI,
                   (int64_t)(int32_t)(TARGET_PAGE_MASK | a_mask), P_REXW);
    x86_out_modrm_offset(s, OPC_CMP_GvEv | P_REXW, TCG_REG_RSI, TCG_REG_RDI, cmp_ofs);

    x86_out_opc(s, OPC_JCC_long + JCC_JNE, 0, 0, 0);
    st.jne_disp = s->code_ptr;
    x86_out32(s, 0);

    x86_out_modrm_offset(s, OPC_MOVL_GvEv | P_REXW, TCG_REG_RDI, TCG_REG_RDI,
                         offsetof(CPUTLBEntry, addend));
    st.is_ld = is_ld;
    st.addr = addr;
    st.oi = oi;
    g_array_append_val(x86_stubs, st);
    return &g_array_index(x86_stubs, X86LdstStub, x86_stubs->len - 1);
}

void x86_out_qemu_ld(TCGContext *s, TCGType type, TCGReg data, TCGReg addr,
                     MemOpIdx oi)
{
    MemOp mop = get_memop(oi);
    int rexw = type == TCG_TYPE_I64 ? P_REXW : 0;
    bool bswap = (mop & MO_BSWAP) != 0;
    bool sign = (mop & MO_SIGN) != 0;
    X86LdstStub *st = x86_tlb_lookup(s, addr, oi, true);
    int opc;

#define HOST_MEM(o) x86_out_modrm_sib_offset(s, (o), data, addr, TCG_REG_RDI, 0, 0)
    switch (mop & MO_SIZE) {
    case MO_8:
        HOST_MEM(sign ? OPC_MOVSBL + rexw : OPC_MOVZBL);
        break;
    case MO_16:
        if (bswap) {
            HOST_MEM(OPC_MOVZWL);
            x86_out_modrm(s, OPC_SHIFT_Ib | P_DATA16, SHIFT_ROL, data);
            x86_out8(s, 8);
            x86_out_modrm(s, sign ? OPC_MOVSWL + rexw : OPC_MOVZWL, data, data);
        } else {
            HOST_MEM(sign ? OPC_MOVSWL + rexw : OPC_MOVZWL);
        }
        break;
    case MO_32:
        opc = (sign && rexw) ? OPC_MOVSLQ : OPC_MOVL_GvEv;
        if (bswap && x86_have_movbe) {
            HOST_MEM(OPC_MOVBE_GyMy);
            if (sign && rexw) {
                x86_out_modrm(s, OPC_MOVSLQ, data, data);
            }
        } else if (bswap) {
            HOST_MEM(OPC_MOVL_GvEv);
            x86_out_opc(s, OPC_BSWAP + (data & 7), 0, data, 0);
            if (sign && rexw) {
                x86_out_modrm(s, OPC_MOVSLQ, data, data);
            }
        } else {
            HOST_MEM(opc);
        }
        break;
    default:
        if (bswap && x86_have_movbe) {
            HOST_MEM(OPC_MOVBE_GyMy | rexw);
        } else {
            HOST_MEM(OPC_MOVL_GvEv | rexw);
            if (bswap) {
                x86_out_opc(s, (OPC_BSWAP + (data & 7)) | rexw, 0, data, 0);
            }
        }
        break;
    }
#undef HOST_MEM
    st->type = type;
    st->data = data;
    st->raddr = s->code_ptr;
}

void x86_out_qemu_st(TCGContext *s, TCGType type, TCGReg data, TCGReg addr,
                     MemOpIdx oi)
{
    MemOp mop = get_memop(oi);
    bool bswap = (mop & MO_BSWAP) != 0;
    X86LdstStub *st = x86_tlb_lookup(s, addr, oi, false);
    TCGReg val = data;
    int size = mop & MO_SIZE;

    if (bswap && size != MO_8 && !(x86_have_movbe && size != MO_16)) {
        /* Swap a copy: the stub still needs the original value. */
        val = TCG_REG_RSI;
        tcg_target_mov(s, TCG_TYPE_I64, val, data);
        if (size == MO_16) {
            x86_out_modrm(s, OPC_SHIFT_Ib | P_DATA16, SHIFT_ROL, val);
            x86_out8(s, 8);
        } else {
            x86_out_opc(s, (OPC_BSWAP + (val & 7)) | (size == MO_64 ? P_REXW : 0),
                        0, val, 0);
        }
        bswap = false;
    }
    switch (size) {
    case MO_8:
        x86_out_modrm_sib_offset(s, OPC_MOVB_EvGv, val, addr, TCG_REG_RDI, 0, 0);
        break;
    case MO_16:
        x86_out_modrm_sib_offset(s, OPC_MOVL_EvGv | P_DATA16, val, addr, TCG_REG_RDI,
                                 0, 0);
        break;
    case MO_32:
        x86_out_modrm_sib_offset(s, bswap ? OPC_MOVBE_MyGy : OPC_MOVL_EvGv, val, addr,
                                 TCG_REG_RDI, 0, 0);
        break;
    default:
        x86_out_modrm_sib_offset(s, (bswap ? OPC_MOVBE_MyGy : OPC_MOVL_EvGv) | P_REXW,
                                 val, addr, TCG_REG_RDI, 0, 0);
        break;
    }
    st->type = type;
    st->data = data;
    st->raddr = s->code_ptr;
}

bool x86_ldst_finish(TCGContext *s)
{
    for (guint i = 0; i < x86_stubs->len; i++) {
        X86LdstStub *st = &g_array_index(x86_stubs, X86LdstStub, i);
        uintptr_t raddr_rx = (uintptr_t)tcg_splitwx_to_rx(st->raddr);

        x86_patch_rel32(st->jne_disp, s->code_ptr);
        tcg_target_mov(s, TCG_TYPE_I64, TCG_REG_RDI, TCG_AREG0);
        tcg_target_mov(s, TCG_TYPE_I64, TCG_REG_RSI, st->addr);
        if (st->is_ld) {
            x86_out_movi_keepflags(s, TCG_TYPE_I32, TCG_REG_RDX, st->oi);
            x86_out_movi_keepflags(s, TCG_TYPE_I64, TCG_REG_RCX, (int64_t)raddr_rx);
            tcg_target_call(s, (const void *)helper_ld_mmu);
            if (st->type == TCG_TYPE_I32) {
                /* Zero-extended even when data is RAX (tcg-regalloc.c). */
                tcg_target_zext_i32(s, st->data, TCG_REG_RAX);
            } else {
                tcg_target_mov(s, st->type, st->data, TCG_REG_RAX);
            }
        } else {
            tcg_target_mov(s, st->type, TCG_REG_RDX, st->data);
            x86_out_movi_keepflags(s, TCG_TYPE_I32, TCG_REG_RCX, st->oi);
            x86_out_movi_keepflags(s, TCG_TYPE_I64, TCG_REG_R8, (int64_t)raddr_rx);
            tcg_target_call(s, (const void *)helper_st_mmu);
        }
        x86_out_jmp_rw(s, OPC_JMP_long, st->raddr);
        if ((char *)s->code_ptr > (char *)s->code_gen_highwater) {
            return false;
        }
    }
    return true;
}
