/*
 * Keel test-kernel ring-3 support: a GDT with user segments and a TSS,
 * user-accessible identity paging, and user_call() to run a C function at
 * CPL 3 and come back.  Kernels that want their heavy loops to run natively
 * under a ring-0-emulating KVM (HOST-KVM.md) do their work through it.
 */
#ifndef KEEL_GUEST_USER_H
#define KEEL_GUEST_USER_H

#include "lib.h"

/*
 * Selectors after user_init().  The user ones follow the SYSRET layout
 * (STAR[63:48] = SEL_UCODE32): 32-bit code, data, 64-bit code.
 */
#define SEL_UCODE32  0x33
#define SEL_UDATA    0x3b
#define SEL_UCODE64  0x43
#define SEL_TSS      0x48

/*
 * Ring 3 asks ring 0 for a service with a "UD2 service call": the bytes
 * 0f 0b 'K' 'E' code.  The #UD handler recognises the signature, serves
 * the code and resumes after it.  Not "int n": this host's KVM raises #UD
 * for INT n at CPL 3 (only exceptions reach ring 0 there).
 *   SVC_PRINT (RSI = text, RCX = length), SVC_RETURN (end the user_call),
 *   SVC_KERNEL+n: the kernel's user_svc_kernel hook.
 */
#define SVC_PRINT  1
#define SVC_RETURN 2
#define SVC_KERNEL 3
#define USER_SVC_STR(x) #x
#define USER_SVC_ASM(code) ".byte 0x0f, 0x0b, 0x4b, 0x45, " USER_SVC_STR(code)
extern void (*user_svc_kernel)(unsigned code, struct trap_frame *f);
/* For kernels that install their own #UD handler: 1 if f was a service call. */
int user_svc(struct trap_frame *f);

#define RFLAGS_IOPL3 0x3000ul
#define RFLAGS_AC    0x40000ul

/*
 * Load the new GDT and TSS, set U on every level of boot.S's identity
 * map and install the #UD handler that serves UD2 service calls.  printf()
 * at CPL 3 then buffers a line and prints it with SVC_PRINT, so no port
 * I/O happens at CPL 3 (this host's KVM ignores IOPL there).
 */
void user_init(void);

/*
 * Run fn(arg) at CPL 3 in 64-bit mode on its own stack with the given
 * RFLAGS (bit 1 is forced; IF must stay clear); returns when the function
 * returns (or user code makes SVC_RETURN).  Exceptions in between go
 * to the IDT handlers as usual; a handler may end the call early with
 * user_abort(f).
 */
void user_call(void (*fn)(void *), void *arg, uint64_t rflags);

/*
 * Run 32-bit code at eip at CPL 3 in compat mode on the stack esp, IOPL 3;
 * it loads DS/ES with SEL_UDATA itself and ends with SVC_RETURN.
 */
void user_call32(uint32_t eip, uint32_t esp);

/* From a trap handler: make the interrupted user_call() return now. */
void user_abort(struct trap_frame *f);

/*
 * The 4 KiB PTE mapping va (identity map below 4 GiB): the first call for
 * a 2 MiB region splits its large page into a page table with the same
 * attributes (up to 16 regions).  Callers flush with invlpg after changes.
 */
uint64_t *user_pte(uint64_t va);

static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* The GDT, TSS and stacks, for kernels that add descriptors. */
extern uint64_t user_gdt[];
struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap;
} __attribute__((packed));
extern struct tss64 user_tss;

#endif
