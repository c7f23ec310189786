/*
 * toy-isa.h: a made-up twelve-instruction guest for the end-to-end tests of
 * the TCG execution engine (tests/unit only). Eight 64-bit registers and
 * a pc; every insn is 8 bytes, a little-endian word
 *   opcode | rd << 8 | rs << 16 | rt << 24 | (uint32_t)imm32 << 32
 * XADD and CASADD are atomic against other vCPUs when the TB has
 * CF_PARALLEL (helper-atomic.h), plain load/add/store otherwise.
 * Two MMU indexes: 1 maps virtual = physical, 0 goes through a page
 * table the test fills (toy_map). A toy machine is RAM at 0 and an MMIO
 * "port" device at TOY_IO_BASE that records what it is written.
 *
 * The implementation is toy-isa.c, linked into the tests that use it
 * (unit_test_sources in tests/unit/meson.build).
 */
#ifndef TESTS_UNIT_TOY_ISA_H
#define TESTS_UNIT_TOY_ISA_H

#include "exec/exec-all.h"
#include "exec/memory.h"

enum {
    TOY_HLT = 0,    /* halt (cpu_exec returns EXCP_HLT; resumes after it) */
    TOY_LI,         /* rd = imm */
    TOY_ADD,        /* rd = rs + rt */
    TOY_SUB,        /* rd = rs - rt */
    TOY_LD,         /* rd = 64-bit load [rs + imm] */
    TOY_ST,         /* 64-bit store [rs + imm] = rt */
    TOY_BNE,        /* if rs != rt: pc += imm (relative to this insn) */
    TOY_JR,         /* pc = rs */
    TOY_DIV,        /* rd = rs / rt (signed); rt == 0: TOY_EXCP_DIV */
    TOY_OUT,        /* port imm (MMIO) = rs, 1 << rt bytes */
    TOY_XADD,       /* rd = old 64-bit [rs + imm]; [rs + imm] += rt, atomically */
    TOY_CASADD,     /* [rs + imm] += rt atomically, as load + compare-and-swap */
};

#define TOY_INSN(op, rd, rs, rt, imm) \
    ((uint64_t)(op) | (uint64_t)(rd) << 8 | (uint64_t)(rs) << 16 | \
     (uint64_t)(rt) << 24 | (uint64_t)(uint32_t)(int32_t)(imm) << 32)
#define T_HLT()           TOY_INSN(TOY_HLT, 0, 0, 0, 0)
#define T_LI(rd, imm)     TOY_INSN(TOY_LI, rd, 0, 0, imm)
#define T_ADD(rd, rs, rt) TOY_INSN(TOY_ADD, rd, rs, rt, 0)
#define T_SUB(rd, rs, rt) TOY_INSN(TOY_SUB, rd, rs, rt, 0)
#define T_LD(rd, rs, imm) TOY_INSN(TOY_LD, rd, rs, 0, imm)
#define T_ST(rt, rs, imm) TOY_INSN(TOY_ST, 0, rs, rt, imm)
#define T_BNE(rs, rt, rel) TOY_INSN(TOY_BNE, 0, rs, rt, rel)
#define T_JR(rs)          TOY_INSN(TOY_JR, 0, rs, 0, 0)
#define T_DIV(rd, rs, rt) TOY_INSN(TOY_DIV, rd, rs, rt, 0)
#define T_OUT(rs, lg, port) TOY_INSN(TOY_OUT, 0, rs, lg, port)
#define T_XADD(rd, rs, rt, imm) TOY_INSN(TOY_XADD, rd, rs, rt, imm)
#define T_CASADD(rs, rt, imm) TOY_INSN(TOY_CASADD, 0, rs, rt, imm)

/* Guest exceptions (exception_index values below EXCP_INTERRUPT). */
#define TOY_EXCP_DIV     0
#define TOY_EXCP_PGFAULT 1
#define TOY_EXCP_ILL     2

#define TOY_RAM_SIZE  (4 * MiB)
#define TOY_IO_BASE   0x10000000ull
#define TOY_IO_SIZE   0x1000ull

typedef struct ToyEnv {
    uint64_t regs[8];
    uint64_t pc;
    uint32_t mmu_idx;
    uint32_t pad;
} ToyEnv;

/* What do_interrupt / cpu_exec_interrupt record for the test to check. */
typedef struct ToyExcpRecord {
    int count;
    int excp;                   /* last exception delivered */
    uint64_t pc;                /* its pc */
    uint64_t fault_addr;        /* page faults: the address */
    int fault_type;             /* MMUAccessType */
    int irqs;                   /* CPU_INTERRUPT_HARD taken */
    uint64_t irq_pc;            /* pc when it was taken */
} ToyExcpRecord;

typedef struct ToyCPU {
    CPUState parent;
    CPUNegativeOffsetState neg;
    ToyEnv env;                 /* must follow neg */
    ToyExcpRecord rec;
    uint64_t excp_handler;      /* pc after an exception is delivered */
    uint64_t irq_handler;       /* pc after an interrupt is taken */
    GHashTable *page_table;     /* MMU index 0: vpage -> ppage | PAGE_* */
    int fills;                  /* tlb_fill calls */
} ToyCPU;

/* One MMIO write or read the port device saw. */
typedef struct ToyIOAccess {
    bool write;
    uint64_t addr;              /* offset in the device */
    unsigned size;
    uint64_t value;
} ToyIOAccess;

typedef struct ToyMachine {
    MemoryRegion root, ram, io;
    AddressSpace as;
    uint8_t *ram_ptr;
    GArray *io_log;             /* of ToyIOAccess */
    /* Called on each port write after it is logged (tests' side effects). */
    void (*io_hook)(struct ToyMachine *m, uint64_t addr, uint64_t value);
} ToyMachine;

extern const TCGCPUOps toy_tcg_ops;

void toy_machine_init(ToyMachine *m);
void toy_machine_destroy(ToyMachine *m);
/* A vCPU of machine m at pc, in MMU index 1 (identity). */
ToyCPU *toy_cpu_new(ToyMachine *m, int index, uint64_t pc);
void toy_cpu_free(ToyCPU *c);
/* Write n insns at guest physical paddr (through the memory API). */
void toy_load(ToyMachine *m, uint64_t paddr, const uint64_t *insns, size_t n);
/* MMU index 0: map vaddr's page to paddr's page with PAGE_* prot (0: unmap). */
void toy_map(ToyCPU *c, uint64_t vaddr, uint64_t paddr, int prot);
uint64_t toy_ram_ldq(ToyMachine *m, uint64_t paddr);
void toy_ram_stq(ToyMachine *m, uint64_t paddr, uint64_t val);

#endif
