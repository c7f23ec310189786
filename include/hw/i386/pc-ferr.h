/*
 * pc-ferr.h: the PC/AT's x87 error glue (hw/i386/pc-ferr.c): FERR# from
 * the FPU latched onto IRQ13 of the 8259s, and port 0xF0, whose write
 * clears that latch and asserts IGNNE#. Used only with CR0.NE=0 (the
 * MS-DOS compatible way of reporting x87 errors); CR0.NE=1 means #MF.
 */
#ifndef HW_I386_PC_FERR_H
#define HW_I386_PC_FERR_H

#include "exec/memory.h"
#include "hw/irq.h"

#define PC_FERR_PORT 0xf0

typedef struct PCFerr PCFerr;

/**
 * pc_ferr_new: - the port 0xF0 device at PC_FERR_PORT of io, raising irq
 * (ISA IRQ 13) for FERR#. It becomes the board's FERR# target that
 * pc_ferr_raise()/pc_ferr_lower() act on. Returned for tests.
 */
PCFerr *pc_ferr_new(qemu_irq irq, MemoryRegion *io);

/* pc_ferr_free: - remove the device (tests); FERR# then goes nowhere. */
void pc_ferr_free(PCFerr *s);

/**
 * pc_ferr_raise: - FERR# from the x87 (fpu_helper.c): a waiting x87
 * instruction found an unmasked exception pending with CR0.NE=0. Returns
 * true if IRQ13 was raised just now and the vCPU should wait for it
 * (restart the instruction so that the interrupt comes first), false if
 * the instruction goes on: IGNNE# is asserted, IRQ13 is latched already,
 * or there is no board (unit tests).
 */
bool pc_ferr_raise(void);

/**
 * pc_ferr_lower: - the x87's ES went clear (FNCLEX, FNINIT, FLDENV, ...):
 * FERR# is deasserted, so the chipset deasserts IGNNE#. Cheap when
 * nothing is asserted.
 */
void pc_ferr_lower(void);

#endif
