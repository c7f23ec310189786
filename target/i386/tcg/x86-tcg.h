/*
 * x86-tcg.h: the x86 vCPU under TCG, shared by the translator
 * (translate*.c), the helpers (*_helper.c) and the CPU glue (tcg-cpu.c):
 * the CPU object layout TCG needs, the hflags that key translation
 * blocks, the lazy condition-code operations (CCOp), MMU indexes,
 * exception vectors and interrupt request bits, and the C entry points
 * helpers use to raise exceptions and change modes.
 *
 * A translation block's key (get_tb_cpu_state): cs_base = CS.base,
 * pc = CS.base + EIP, flags = hflags | (eflags & (IOPL|TF|RF|VM|AC)).
 * Whatever the translator reads from the CPU mode must be in that key;
 * whoever changes it (segment loads, CR0/CR4/EFER writes, iret...) updates
 * hflags and ends the TB.
 */
#ifndef TARGET_I386_TCG_X86_TCG_H
#define TARGET_I386_TCG_X86_TCG_H

#include "target/i386/cpu-state.h"
#include "target/i386/cpu.h"
#include "hw/core/cpu.h"
#include "exec/exec-all.h"

/* ---- the CPU object ---- */

typedef struct X86TCGCPU {
    CPUState parent;
    CPUNegativeOffsetState neg;     /* must immediately precede env */
    CPUX86State env;
    X86CPUIDTable cpuid;            /* what CPUID returns (tcg-cpu.c fills) */
    uint8_t phys_bits;              /* MAXPHYADDR, from cpuid (x86_tcg_cpu_build_cpuid) */
    struct AddressSpace *io_as;     /* port I/O (IN/OUT); memory is parent.as */
    uint32_t apic_id;
    bool is_bsp;
    void *machine_opaque;           /* the board's per-vCPU data */
} X86TCGCPU;

static inline X86TCGCPU *env_x86cpu(CPUX86State *env)
{
    return (X86TCGCPU *)((char *)env - offsetof(X86TCGCPU, env));
}

static inline CPUState *env_cpustate(CPUX86State *env)
{
    return &env_x86cpu(env)->parent;
}

/* ---- hflags (QEMU's bit layout) ---- */

#define HF_CPL_SHIFT         0
#define HF_INHIBIT_IRQ_SHIFT 3  /* interrupt shadow after STI / MOV SS */
#define HF_CS32_SHIFT        4  /* CS.D: 32-bit default operand size */
#define HF_SS32_SHIFT        5  /* SS.B: 32-bit stack */
#define HF_ADDSEG_SHIFT      6  /* DS/ES/SS base may be non-zero (add it) */
#define HF_PE_SHIFT          7  /* CR0.PE */
#define HF_TF_SHIFT          8  /* EFLAGS.TF (same bit as in eflags) */
#define HF_MP_SHIFT          9  /* CR0.MP */
#define HF_EM_SHIFT         10  /* CR0.EM */
#define HF_TS_SHIFT         11  /* CR0.TS */
#define HF_IOPL_SHIFT       12  /* (eflags) */
#define HF_LMA_SHIFT        14  /* EFER.LMA: long mode active */
#define HF_CS64_SHIFT       15  /* 64-bit code segment */
#define HF_RF_SHIFT         16  /* (eflags) */
#define HF_VM_SHIFT         17  /* (eflags) virtual-8086 mode */
#define HF_AC_SHIFT         18  /* (eflags) */
#define HF_SMM_SHIFT        19
#define HF_OSFXSR_SHIFT     22  /* CR4.OSFXSR */
#define HF_SMAP_SHIFT       23  /* CR4.SMAP */
#define HF_IOBPT_SHIFT      24  /* I/O breakpoints enabled */
#define HF_UMIP_SHIFT       27  /* CR4.UMIP */
#define HF_AM_SHIFT         29  /* CR0.AM (added by DECODE): with CPL 3 and EFLAGS.AC,
                                   the translator makes data accesses MO_ALIGN (#AC) */

#define HF_CPL_MASK          (3 << HF_CPL_SHIFT)
#define HF_INHIBIT_IRQ_MASK  (1 << HF_INHIBIT_IRQ_SHIFT)
#define HF_CS32_MASK         (1 << HF_CS32_SHIFT)
#define HF_SS32_MASK         (1 << HF_SS32_SHIFT)
#define HF_ADDSEG_MASK       (1 << HF_ADDSEG_SHIFT)
#define HF_PE_MASK           (1 << HF_PE_SHIFT)
#define HF_TF_MASK           (1 << HF_TF_SHIFT)
#define HF_MP_MASK           (1 << HF_MP_SHIFT)
#define HF_EM_MASK           (1 << HF_EM_SHIFT)
#define HF_TS_MASK           (1 << HF_TS_SHIFT)
#define HF_IOPL_MASK         (3 << HF_IOPL_SHIFT)
#define HF_LMA_MASK          (1 << HF_LMA_SHIFT)
#define HF_CS64_MASK         (1 << HF_CS64_SHIFT)
#define HF_RF_MASK           (1 << HF_RF_SHIFT)
#define HF_VM_MASK           (1 << HF_VM_SHIFT)
#define HF_AC_MASK           (1 << HF_AC_SHIFT)
#define HF_SMM_MASK          (1 << HF_SMM_SHIFT)
#define HF_OSFXSR_MASK       (1 << HF_OSFXSR_SHIFT)
#define HF_SMAP_MASK         (1 << HF_SMAP_SHIFT)
#define HF_IOBPT_MASK        (1 << HF_IOBPT_SHIFT)
#define HF_UMIP_MASK         (1 << HF_UMIP_SHIFT)
#define HF_AM_MASK           (1 << HF_AM_SHIFT)

/* hflags2: state that does not change translation. */
#define HF2_GIF_MASK         (1 << 0)
#define HF2_NMI_MASK         (1 << 2)  /* NMI blocked until the next IRET */

/* The eflags bits copied into TB flags. */
#define X86_TB_EFLAGS_MASK (IOPL_MASK | TF_MASK | RF_MASK | VM_MASK | AC_MASK)

/* ---- lazy condition codes ---- */

/*
 * How O S Z A P C follow from cc_dst/cc_src/cc_src2 (QEMU's scheme; the
 * B/W/L/Q suffix is the operand size, in that order, so op + size works):
 *   CC_OP_DYNAMIC  translation time only: env->cc_op holds the real one
 *   CC_OP_EFLAGS   cc_src holds the flags (CC_O|CC_S|CC_Z|CC_A|CC_P|CC_C)
 *   MUL*           cc_dst = result (low part), cc_src = non-zero if the
 *                  high part is significant (CF = OF = cc_src != 0)
 *   ADD*           cc_dst = result, cc_src = second operand
 *   ADC*           cc_dst = result, cc_src = second operand, cc_src2 = carry in
 *   SUB*           cc_dst = result, cc_src = second operand (subtrahend)
 *   SBB*           cc_dst = result, cc_src = second operand, cc_src2 = borrow in
 *   LOGIC*         cc_dst = result (CF = OF = 0, AF = 0)
 *   INC, DEC       cc_dst = result, cc_src = CF before (INC/DEC keep CF)
 *   SHL*           cc_dst = result, cc_src = operand shifted by count - 1
 *                  (CF = its top bit, OF = CF xor result top bit)
 *   SAR*           cc_dst = result, cc_src = operand shifted by count - 1
 *                  (CF = its bit 0; also used for SHR; OF per the SDM for count 1)
 *   BMILG*         cc_dst = result, cc_src = source (CF = source == 0)
 *   ADCX/ADOX/ADCOX  cc_dst = CF result, cc_src2 = OF result, cc_src = other flags
 *   CLR            all clear except ZF and PF set (xor r, r)
 *   POPCNT         cc_src = source (ZF = source == 0, others clear)
 * Flags the SDM leaves undefined take the values QEMU 7.2 gives, so test
 * output compares byte for byte.
 */
typedef enum CCOp {
    CC_OP_DYNAMIC,
    CC_OP_EFLAGS,
    CC_OP_MULB, CC_OP_MULW, CC_OP_MULL, CC_OP_MULQ,
    CC_OP_ADDB, CC_OP_ADDW, CC_OP_ADDL, CC_OP_ADDQ,
    CC_OP_ADCB, CC_OP_ADCW, CC_OP_ADCL, CC_OP_ADCQ,
    CC_OP_SUBB, CC_OP_SUBW, CC_OP_SUBL, CC_OP_SUBQ,
    CC_OP_SBBB, CC_OP_SBBW, CC_OP_SBBL, CC_OP_SBBQ,
    CC_OP_LOGICB, CC_OP_LOGICW, CC_OP_LOGICL, CC_OP_LOGICQ,
    CC_OP_INCB, CC_OP_INCW, CC_OP_INCL, CC_OP_INCQ,
    CC_OP_DECB, CC_OP_DECW, CC_OP_DECL, CC_OP_DECQ,
    CC_OP_SHLB, CC_OP_SHLW, CC_OP_SHLL, CC_OP_SHLQ,
    CC_OP_SARB, CC_OP_SARW, CC_OP_SARL, CC_OP_SARQ,
    CC_OP_BMILGB, CC_OP_BMILGW, CC_OP_BMILGL, CC_OP_BMILGQ,
    CC_OP_ADCX, CC_OP_ADOX, CC_OP_ADCOX,
    CC_OP_CLR,
    CC_OP_POPCNT,
    CC_OP_NB,
} CCOp;

#define CC_ALL_MASK (CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C)

/* cc_helper.c: the arithmetic flags for (dst, src1, src2, op). */
uint64_t cc_compute_all(uint64_t dst, uint64_t src1, uint64_t src2, int op);
uint64_t cc_compute_c(uint64_t dst, uint64_t src1, uint64_t src2, int op);
/* The full EFLAGS (arithmetic bits computed, DF from env->df). */
uint64_t cpu_compute_eflags(CPUX86State *env);
/*
 * Load EFLAGS bits in update_mask from eflags: arithmetic bits into
 * cc_src with cc_op = CC_OP_EFLAGS, DF into df, the rest into
 * env->eflags; updates hflags (TF/IOPL/VM/AC/RF bits) as needed.
 */
void cpu_load_eflags(CPUX86State *env, uint64_t eflags, uint64_t update_mask);

/* ---- MMU indexes ---- */

#define MMU_KSMAP_IDX   0   /* CPL < 3 with SMAP enforced */
#define MMU_USER_IDX    1   /* CPL 3 */
#define MMU_KNOSMAP_IDX 2   /* CPL < 3, SMAP off or EFLAGS.AC set */
#define MMU_PHYS_IDX    3   /* physical addresses (descriptor tables in
                               real mode, page walks): identity, no checks */

/* The MMU index for data accesses in the current mode. */
static inline int x86_mmu_index(CPUX86State *env)
{
    if ((env->hflags & HF_CPL_MASK) == 3) {
        return MMU_USER_IDX;
    }
    if (!(env->hflags & HF_SMAP_MASK) || (env->eflags & AC_MASK)) {
        return MMU_KNOSMAP_IDX;
    }
    return MMU_KSMAP_IDX;
}

/* An explicit supervisor access (descriptor tables, TSS, IDT) at CPL 3. */
static inline int x86_mmu_index_kernel(CPUX86State *env)
{
    return (env->hflags & HF_SMAP_MASK) ? MMU_KSMAP_IDX : MMU_KNOSMAP_IDX;
}

/* ---- exceptions ---- */

#define EXCP00_DIVZ  0
#define EXCP01_DB    1
#define EXCP02_NMI   2
#define EXCP03_INT3  3
#define EXCP04_INTO  4
#define EXCP05_BOUND 5
#define EXCP06_ILLOP 6
#define EXCP07_PREX  7
#define EXCP08_DBLE  8
#define EXCP09_XERR  9
#define EXCP0A_TSS   10
#define EXCP0B_NOSEG 11
#define EXCP0C_STACK 12
#define EXCP0D_GPF   13
#define EXCP0E_PAGE  14
#define EXCP10_COPR  16
#define EXCP11_ALGN  17
#define EXCP12_MCHK  18
#define EXCP13_XMM   19

/* Page-fault error code bits. */
#define PG_ERROR_P_MASK    0x01
#define PG_ERROR_W_MASK    0x02
#define PG_ERROR_U_MASK    0x04
#define PG_ERROR_RSVD_MASK 0x08
#define PG_ERROR_I_D_MASK  0x10
#define PG_ERROR_PK_MASK   0x20

/* interrupt_request bits of the x86 vCPU. */
#define CPU_INTERRUPT_POLL  CPU_INTERRUPT_TGT_EXT_1  /* APIC: poll the PIC */
#define CPU_INTERRUPT_SMI   CPU_INTERRUPT_TGT_EXT_2
#define CPU_INTERRUPT_NMI   CPU_INTERRUPT_TGT_EXT_0
#define CPU_INTERRUPT_INIT  CPU_INTERRUPT_TGT_INT_0
#define CPU_INTERRUPT_SIPI  CPU_INTERRUPT_TGT_INT_1
#define CPU_INTERRUPT_TPR   CPU_INTERRUPT_TGT_INT_2

/*
 * excp_helper.c. Raise a guest exception: record it in cs->exception_index
 * / env->error_code and leave to cpu_exec, which delivers it through the
 * IDT (do_interrupt). _ra restores guest state to the instruction at host
 * return address ra first (pass GETPC() from a helper, 0 when state is
 * already exact). Double fault and triple fault (shutdown -> the board's
 * reset, or exit with -no-reboot) are decided here as the SDM says.
 */
void raise_exception(CPUX86State *env, int exception_index)
    __attribute__((noreturn));
void raise_exception_ra(CPUX86State *env, int exception_index, uintptr_t ra)
    __attribute__((noreturn));
void raise_exception_err(CPUX86State *env, int exception_index,
                         int error_code) __attribute__((noreturn));
void raise_exception_err_ra(CPUX86State *env, int exception_index,
                            int error_code, uintptr_t ra)
    __attribute__((noreturn));
/* INT n / INT3 / INTO: a software interrupt returning to next_eip. */
void raise_interrupt(CPUX86State *env, int intno, int is_int, int error_code,
                     int next_eip_addend) __attribute__((noreturn));

/*
 * What the board does on a triple fault (set by the machine; default:
 * request a system reset). -no-reboot makes it a shutdown.
 */
extern void (*x86_triple_fault_handler)(CPUState *cs);

/* seg_helper.c: deliver cs->exception_index (TCGCPUOps.do_interrupt). */
void x86_cpu_do_interrupt(CPUState *cs);
/* Take a pending external interrupt / NMI / INIT / SIPI if allowed. */
bool x86_cpu_exec_interrupt(CPUState *cs, int interrupt_request);

/*
 * The board's interrupt controller: the vector of the pending maskable
 * interrupt (CPU_INTERRUPT_HARD), acknowledged (INTA). Set by the machine
 * (issue 6: 8259/LAPIC); NULL: spurious (the request is dropped).
 */
extern int (*x86_get_pic_interrupt)(CPUX86State *env);

/* Segment register load with descriptor checks (protected mode, vm86, real). */
void x86_load_seg(CPUX86State *env, int seg_reg, int selector, uintptr_t ra);
/* Load the hidden part directly (no checks) and update hflags. */
void cpu_x86_load_seg_cache(CPUX86State *env, int seg_reg,
                            unsigned int selector, uint64_t base,
                            unsigned int limit, unsigned int flags);
/* Recompute every hflags bit from the architectural state. */
void x86_update_hflags(CPUX86State *env);

/* excp_helper.c / mmu: CR writes that change translation. */
void cpu_x86_update_cr0(CPUX86State *env, uint64_t new_cr0);
void cpu_x86_update_cr3(CPUX86State *env, uint64_t new_cr3);
void cpu_x86_update_cr4(CPUX86State *env, uint64_t new_cr4);
void cpu_x86_update_efer(CPUX86State *env, uint64_t new_efer);

/* mmu_helper.c: TCGCPUOps.tlb_fill (paging off, 32-bit, PAE, 4-level). */
bool x86_cpu_tlb_fill(CPUState *cs, uint64_t addr, int size,
                      MMUAccessType access_type, int mmu_idx, bool probe,
                      uintptr_t retaddr);

/* Guest memory from helpers (C): through the softmmu, faults unwind to ra. */
uint8_t  cpu_ldub_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra);
uint16_t cpu_lduw_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra);
uint32_t cpu_ldl_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra);
uint64_t cpu_ldq_mmuidx_ra(CPUX86State *env, uint64_t addr, int mmu_idx, uintptr_t ra);
void cpu_stb_mmuidx_ra(CPUX86State *env, uint64_t addr, uint8_t v, int mmu_idx, uintptr_t ra);
void cpu_stw_mmuidx_ra(CPUX86State *env, uint64_t addr, uint16_t v, int mmu_idx, uintptr_t ra);
void cpu_stl_mmuidx_ra(CPUX86State *env, uint64_t addr, uint32_t v, int mmu_idx, uintptr_t ra);
void cpu_stq_mmuidx_ra(CPUX86State *env, uint64_t addr, uint64_t v, int mmu_idx, uintptr_t ra);

/* ---- the translator (translate.c) ---- */

void x86_tcg_initialize(void);                /* TCGCPUOps.initialize */
void x86_translate_code(CPUState *cs, TranslationBlock *tb, int *max_insns,
                        uint64_t pc, void *host_pc);
/* -d in_asm for the current mode (capstone via tcg/tcg-disas.h). */
void x86_disas_log(FILE *f, CPUState *cs, uint64_t pc, size_t len);

/* insn_start words: [0] = pc (CS.base + EIP), [1] = cc_op (or CC_OP_DYNAMIC). */


/*
 * ---- additions (SYSARCH) ----
 * Interrupt shadow (STI, MOV SS, POP SS): the translator sets
 * HF_INHIBIT_IRQ_MASK in env->hflags and ends the TB; the next TB is
 * translated with the flag in its key, holds one instruction, clears the
 * flag and leaves with exit_tb(NULL, 0) (no goto_tb chaining), so that
 * cpu_exec looks at interrupt_request again. x86_cpu_exec_interrupt
 * refuses maskable interrupts and NMIs while the flag is set; event
 * delivery and HLT clear it.
 * A triple fault calls x86_triple_fault_handler and leaves the vCPU
 * halted (cs->halted) with cpu_exec returning EXCP_HLT: it stays stopped
 * until the board resets it, so a fault loop cannot spin.
 * Software interrupts: env->exception_is_int is set for INT n / INT3 /
 * INTO / INT1; delivery pushes env->exception_next_eip.
 */

/*
 * excp_helper.c: TCGCPUOps.do_unaligned_access. A MO_ALIGN access (the
 * translator asks for them at CPL 3 with CR0.AM and EFLAGS.AC) that is
 * misaligned raises #AC(0) at the instruction.
 */
void x86_cpu_do_unaligned_access(CPUState *cs, uint64_t addr, MMUAccessType access_type,
                                 int mmu_idx, uintptr_t retaddr) __attribute__((noreturn));

/*
 * ---- additions (APIC, issue 6) ----
 * The local APIC behind CR8 (set by the board with the APIC model; NULL:
 * none, CR8 is a plain register). get: the TPR's bits 7:4, or -1 for no
 * APIC on this vCPU; set: false if this vCPU has no APIC.
 */
extern int (*x86_apic_get_cr8)(CPUX86State *env);
extern bool (*x86_apic_set_cr8)(CPUX86State *env, unsigned cr8);
/* After a WRMSR to IA32_APIC_BASE (old: the value before); NULL: none. */
extern void (*x86_apic_base_written)(CPUX86State *env, uint64_t old);

#endif
