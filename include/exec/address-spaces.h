/*
 * address-spaces.h: the system's global address spaces ("memory" and
 * "I/O") and their root regions. Everything lives in exec/memory.h; this
 * header exists so that code written against QEMU's layout includes it.
 */
#ifndef EXEC_ADDRESS_SPACES_H
#define EXEC_ADDRESS_SPACES_H

#include "exec/memory.h"

#endif
