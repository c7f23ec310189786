/*
 * cpu-state.h: CPUX86State, the canonical x86-64 register file of one
 * vCPU: what every accelerator syncs into and out of (KVM today, TCG
 * later), its architectural power-on/INIT state, and the `info registers`
 * text. Accelerator-neutral: no KVM types here (see kvm/kvm-state.h), and
 * no CPU models or CPUID (cpu.h, which includes this header).
 */
#ifndef TARGET_I386_CPU_STATE_H
#define TARGET_I386_CPU_STATE_H

#include "qemu/osdep.h"

/*
 * General registers, in the order of the instruction encoding (as QEMU).
 * Macros rather than an enum so that cpu.h may repeat them identically.
 */
#define R_EAX 0
#define R_ECX 1
#define R_EDX 2
#define R_EBX 3
#define R_ESP 4
#define R_EBP 5
#define R_ESI 6
#define R_EDI 7
#define CPU_NB_REGS 16

/* Segment registers, in the order of the encoding (segs[] index). */
#define R_ES 0
#define R_CS 1
#define R_SS 2
#define R_DS 3
#define R_FS 4
#define R_GS 5

/*
 * SegmentCache.flags uses QEMU's layout: the high dword of the
 * descriptor (type 8-11, S 12, DPL 13-14, P 15, AVL 20, L 21, D/B 22,
 * G 23); the base and limit bits of that dword are not kept there.
 */
#define DESC_G_SHIFT    23
#define DESC_G_MASK     (1 << DESC_G_SHIFT)
#define DESC_B_SHIFT    22
#define DESC_B_MASK     (1 << DESC_B_SHIFT)
#define DESC_L_SHIFT    21
#define DESC_L_MASK     (1 << DESC_L_SHIFT)
#define DESC_AVL_SHIFT  20
#define DESC_AVL_MASK   (1 << DESC_AVL_SHIFT)
#define DESC_P_SHIFT    15
#define DESC_P_MASK     (1 << DESC_P_SHIFT)
#define DESC_DPL_SHIFT  13
#define DESC_DPL_MASK   (3 << DESC_DPL_SHIFT)
#define DESC_S_SHIFT    12
#define DESC_S_MASK     (1 << DESC_S_SHIFT)
#define DESC_TYPE_SHIFT 8
#define DESC_TYPE_MASK  (15 << DESC_TYPE_SHIFT)
#define DESC_A_MASK     (1 << 8)
#define DESC_CS_MASK    (1 << 11)   /* code segment (with S set) */
#define DESC_C_MASK     (1 << 10)   /* code: conforming */
#define DESC_R_MASK     (1 << 9)    /* code: readable */
#define DESC_E_MASK     (1 << 10)   /* data: expand down */
#define DESC_W_MASK     (1 << 9)    /* data: writable */

/* EFLAGS bits. */
#define CC_C        0x0001
#define CC_P        0x0004
#define CC_A        0x0010
#define CC_Z        0x0040
#define CC_S        0x0080
#define TF_MASK     0x00000100
#define IF_MASK     0x00000200
#define DF_MASK     0x00000400
#define CC_O        0x0800
#define TF_SHIFT    8
#define IOPL_SHIFT  12
#define IOPL_MASK   0x00003000
#define NT_MASK     0x00004000
#define RF_MASK     0x00010000
#define VM_MASK     0x00020000
#define AC_MASK     0x00040000
#define VIF_MASK    0x00080000
#define VIP_MASK    0x00100000
#define ID_MASK     0x00200000

#define CR0_PE_MASK (1ULL << 0)
#define CR0_ET_MASK (1ULL << 4)
#define CR0_NW_MASK (1ULL << 29)
#define CR0_CD_MASK (1ULL << 30)
#define CR0_PG_MASK (1ULL << 31)
#define CR0_MP_MASK (1ULL << 1)
#define CR0_EM_MASK (1ULL << 2)
#define CR0_TS_MASK (1ULL << 3)
#define CR0_NE_MASK (1ULL << 5)
#define CR0_WP_MASK (1ULL << 16)
#define CR0_AM_MASK (1ULL << 18)
#define CR4_VME_MASK (1ULL << 0)
#define CR4_PVI_MASK (1ULL << 1)
#define CR4_TSD_MASK (1ULL << 2)
#define CR4_DE_MASK  (1ULL << 3)
#define CR4_PSE_MASK (1ULL << 4)
#define CR4_PAE_MASK (1ULL << 5)
#define CR4_MCE_MASK (1ULL << 6)
#define CR4_PGE_MASK (1ULL << 7)
#define CR4_PCE_MASK (1ULL << 8)
#define CR4_OSFXSR_MASK (1ULL << 9)
#define CR4_OSXMMEXCPT_MASK (1ULL << 10)
#define CR4_UMIP_MASK (1ULL << 11)
#define CR4_LA57_MASK (1ULL << 12)
#define CR4_FSGSBASE_MASK (1ULL << 16)
#define CR4_PCIDE_MASK (1ULL << 17)
#define CR4_OSXSAVE_MASK (1ULL << 18)
#define CR4_SMEP_MASK (1ULL << 20)
#define CR4_SMAP_MASK (1ULL << 21)
#define CR4_PKE_MASK (1ULL << 22)

#define MSR_EFER_SCE (1ULL << 0)
#define MSR_EFER_LME (1ULL << 8)
#define MSR_EFER_LMA (1ULL << 10)
#define MSR_EFER_NXE (1ULL << 11)

#define MSR_IA32_APICBASE_BSP    (1ULL << 8)
#define MSR_IA32_APICBASE_ENABLE (1ULL << 11)
#define MSR_IA32_APICBASE_BASE   (0xfffffULL << 12)
#define APIC_DEFAULT_ADDRESS     0xfee00000ULL

/* Indexes of the MSRs that CPUX86State keeps. */
#define MSR_IA32_TSC            0x10
#define MSR_IA32_APICBASE       0x1b
#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176
#define MSR_IA32_MISC_ENABLE    0x1a0
#define MSR_MTRRphysBase(n)     (0x200 + 2 * (n))
#define MSR_MTRRphysMask(n)     (0x201 + 2 * (n))
#define MSR_MTRRfix64K_00000    0x250
#define MSR_MTRRfix16K_80000    0x258
#define MSR_MTRRfix16K_A0000    0x259
#define MSR_MTRRfix4K_C0000     0x268   /* ... 0x26f: 8 of them */
#define MSR_PAT                 0x277
#define MSR_MTRRdefType         0x2ff
#define MSR_EFER                0xc0000080
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_FMASK               0xc0000084
#define MSR_KERNELGSBASE        0xc0000102
#define MSR_TSC_AUX             0xc0000103

/* MISC_ENABLE after reset: fast strings on (as QEMU). */
#define MSR_IA32_MISC_ENABLE_DEFAULT 1
#define MSR_PAT_DEFAULT         0x0007040600070406ULL
#define MSR_MTRR_FIXED_COUNT    11
#define MSR_MTRR_VAR_COUNT      8

/* CPUID.1.EAX of QEMU's default qemu64 model: EDX after reset. */
#define X86_CPUID_VERSION_QEMU64 0x00060fb1

/* The size of the standard-format XSAVE area that KVM_GET_XSAVE gives. */
#define X86_XSAVE_AREA_SIZE 4096
/* Offsets in it (the legacy FXSAVE region, then the XSAVE header). */
#define X86_XSAVE_OFF_FPREGS    32
#define X86_XSAVE_OFF_XMM       160
#define X86_XSAVE_OFF_HEADER    512
#define X86_XSAVE_OFF_YMMH      576
#define XSTATE_FP_MASK  (1ULL << 0)
#define XSTATE_SSE_MASK (1ULL << 1)
#define XSTATE_YMM_MASK (1ULL << 2)

/* The in-kernel LAPIC's register page (struct kvm_lapic_state). */
#define X86_LAPIC_REG_SIZE 0x400

/* mp_state values; the same numbers as KVM_MP_STATE_*. */
typedef enum X86MPState {
    X86_MP_STATE_RUNNABLE = 0,
    X86_MP_STATE_UNINITIALIZED = 1,   /* an AP waiting for INIT-SIPI */
    X86_MP_STATE_INIT_RECEIVED = 2,
    X86_MP_STATE_HALTED = 3,
    X86_MP_STATE_SIPI_RECEIVED = 4,
} X86MPState;

typedef struct SegmentCache {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;     /* in bytes (already scaled by G) */
    uint32_t flags;     /* DESC_* layout, see above */
} SegmentCache;

/* A descriptor table register (GDTR, IDTR). */
typedef struct X86DescTable {
    uint64_t base;
    uint32_t limit;
} X86DescTable;

/* An x87 register: the 64-bit significand and the sign+exponent word. */
typedef struct X86FPReg {
    uint64_t low;
    uint16_t high;
} X86FPReg;

typedef union X86XMMReg {
    uint8_t b[16];
    uint32_t l[4];
    uint64_t q[2];      /* q[0] is the low half */
} X86XMMReg;

typedef struct X86MTRRVar {
    uint64_t base;
    uint64_t mask;
} X86MTRRVar;

typedef struct CPUX86State {
    /* ---- integer and system registers ---- */
    uint64_t regs[CPU_NB_REGS];
    uint64_t eip;
    uint64_t eflags;
    SegmentCache segs[6];
    SegmentCache ldt;
    SegmentCache tr;
    X86DescTable gdt;
    X86DescTable idt;
    uint64_t cr[5];         /* CR0, (CR1 unused), CR2, CR3, CR4 */
    uint64_t cr8;           /* the task priority, as MOV CR8 sees it */
    uint64_t efer;
    uint64_t dr[8];         /* DR4/DR5 are not kept (aliases) */
    /* PAE page-directory pointers as loaded by the last CR3 write. */
    uint64_t pdptrs[4];
    bool pdptrs_valid;
    /* All ones, or bit 20 clear when the A20 gate is closed. */
    uint64_t a20_mask;

    /* ---- MSRs ---- */
    uint64_t apic_base;     /* IA32_APIC_BASE */
    uint64_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;
    uint64_t star;
    uint64_t lstar;
    uint64_t cstar;
    uint64_t fmask;
    uint64_t kernelgsbase;
    uint64_t tsc;
    uint64_t tsc_aux;
    uint64_t pat;
    uint64_t msr_ia32_misc_enable;
    uint64_t mtrr_deftype;
    uint64_t mtrr_fixed[MSR_MTRR_FIXED_COUNT];
    X86MTRRVar mtrr_var[MSR_MTRR_VAR_COUNT];

    /* ---- x87, SSE, XSAVE ---- */
    unsigned fpstt;         /* TOP of the x87 stack */
    uint16_t fpus;          /* FSW without TOP (bits 11-13 are in fpstt) */
    uint16_t fpuc;          /* FCW */
    uint8_t fptags[8];      /* 1 = empty, by physical register */
    uint16_t fpop;          /* last x87 opcode */
    uint64_t fpip;          /* last x87 instruction pointer */
    uint64_t fpdp;          /* last x87 data pointer */
    uint16_t fpcs, fpds;    /* their selectors (CS, the data operand's segment) */
    X86FPReg fpregs[8];     /* physical registers: ST(i) is (fpstt+i)&7 */
    uint32_t mxcsr;
    X86XMMReg xmm_regs[CPU_NB_REGS];
    uint64_t xcr0;
    /*
     * The raw standard-format XSAVE image of the last get, so that state
     * components this struct does not decode (AVX upper halves, ...) come
     * back unchanged on put. The legacy region and the FP/SSE bits of
     * XSTATE_BV are rebuilt from the fields above on every put.
     */
    uint8_t xsave_area[X86_XSAVE_AREA_SIZE];

    /* ---- pending events (KVM_GET_VCPU_EVENTS) ---- */
    int exception_nr;       /* -1: none */
    bool exception_injected;
    bool exception_pending;
    bool has_error_code;
    uint32_t error_code;
    int interrupt_injected; /* vector, -1: none */
    bool soft_interrupt;
    bool interrupt_shadow;  /* after STI / MOV SS: the II of the dump */
    bool nmi_injected;
    bool nmi_pending;
    bool nmi_masked;
    bool smm;
    bool smi_pending;
    bool smm_inside_nmi;
    bool init_latched;
    uint32_t sipi_vector;
    uint32_t mp_state;      /* X86MPState */
    bool halted;

    /*
     * ---- TCG only (target/i386/tcg/x86-tcg.h says how they are used) ----
     * Lazy condition codes: EFLAGS' arithmetic bits (O S Z A P C) are
     * cc_op's function of cc_dst/cc_src/cc_src2 and are only stored in
     * eflags when cc_op is CC_OP_EFLAGS... (see CCOp). eflags keeps the
     * other bits; DF lives in df (+1 or -1) while TCG runs.
     */
    uint64_t cc_dst;
    uint64_t cc_src;
    uint64_t cc_src2;
    uint32_t cc_op;
    int64_t df;
    uint32_t hflags;        /* HF_*: mode bits the translator depends on */
    uint32_t hflags2;       /* HF2_*: interrupt/NMI state not in TB flags */
    int old_exception;      /* for double/triple fault detection; -1 none */
    bool exception_is_int;  /* INT n / INT3 / INTO: a software interrupt */
    uint64_t exception_next_eip;
    uint64_t tsc_offset;    /* guest TSC = host ticks + tsc_offset */

    /* ---- the in-kernel LAPIC ---- */
    /* Valid only when lapic_valid: put leaves the LAPIC alone otherwise. */
    uint8_t lapic[X86_LAPIC_REG_SIZE];
    bool lapic_valid;
} CPUX86State;

/**
 * x86_cpu_state_reset: - the power-on/RESET state of Intel SDM vol. 3
 * §9.1.1 (table 9-1), with QEMU's choices where the SDM leaves room: real
 * mode at F000:FFF0 with CS.base FFFF0000, CR0 60000010, EFLAGS 2, DR6
 * FFFF0FF0, DR7 400, GDTR/IDTR limit FFFF, FCW 37F, MXCSR 1F80, XCR0 1,
 * PAT 0007040600070406, IA32_APIC_BASE = apic_base_addr | enable | BSP
 * flag for the BSP. EDX holds the processor signature (qemu64's here). An
 * AP starts halted, waiting for INIT-SIPI. The LAPIC page is left invalid:
 * the APIC model owns its reset (see x86_lapic_regs_reset()).
 */
void x86_cpu_state_reset(CPUX86State *env, bool is_bsp,
                         uint64_t apic_base_addr);

/* As x86_cpu_state_reset(), with EDX = cpuid_version (CPUID.1.EAX). */
void x86_cpu_state_reset_signature(CPUX86State *env, bool is_bsp,
                                   uint64_t apic_base_addr,
                                   uint32_t cpuid_version);

/**
 * x86_lapic_regs_reset: - fill env->lapic with the LAPIC's architectural
 * reset values (SDM vol. 3 §10.4.7.1): the ID, version 0x50014, every LVT
 * masked, DFR all ones, SVR FF (software disabled); mark it valid.
 */
void x86_lapic_regs_reset(CPUX86State *env, uint32_t apic_id);

/* The CPL as QEMU's hflags hold it: SS.DPL. */
int x86_cpu_state_cpl(const CPUX86State *env);

/* Is the vCPU running 64-bit code (EFER.LMA and CS.L)? */
bool x86_cpu_state_cs64(const CPUX86State *env);

/**
 * x86_cpu_dump_state: - append the register part of QEMU 7.2's
 * `info registers` (and of its KVM internal-error dump) to out: general
 * registers (RAX..R15 in 64-bit code, EAX..EDI otherwise), RIP/EIP, the
 * flags with their [DOSZAPC] letters, CPL II A20 SMM HLT, the segment
 * lines, GDT=/IDT=, CR0-CR4, DR0-DR7 and EFER=.
 */
void x86_cpu_dump_state(const CPUX86State *env, GString *out);

/**
 * x86_cpu_dump_fpu: - append the FPU part of `info registers`: FCW/FSW/
 * FTW/MXCSR, FPR0-7, and the XMM (or, with AVX enabled in XCR0, YMM)
 * registers, 16 of them in 64-bit code and 8 otherwise.
 */
void x86_cpu_dump_fpu(const CPUX86State *env, GString *out);

#endif
