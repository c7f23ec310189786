/*
 * debugexit.h: "isa-debug-exit", the test-kernel exit port: a guest write
 * of V ends the process with status (V << 1) | 1, so that no guest value
 * can look like a clean exit (0).
 */
#ifndef HW_MISC_DEBUGEXIT_H
#define HW_MISC_DEBUGEXIT_H

#include "hw/isa/isa.h"

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"

typedef struct ISADebugExitState {
    ISADevice parent_obj;
    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
} ISADebugExitState;

#define ISA_DEBUG_EXIT(obj) \
    OBJECT_CHECK(ISADebugExitState, (obj), TYPE_ISA_DEBUG_EXIT)

/* Called with the exit status; exit() unless a test replaces it. */
extern void (*debug_exit_hook)(int status);

#endif
