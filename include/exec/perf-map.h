/*
 * perf-map.h: the -perfmap option, a /tmp/perf-PID.map line per
 * translated block so that perf(1) can name guest code
 * (accel/tcg/perf-map.c).
 */
#ifndef EXEC_PERF_MAP_H
#define EXEC_PERF_MAP_H

#include "qemu/error.h"

/* Creates /tmp/perf-PID.map; later translations are listed in it. */
bool perf_map_enable(Error **errp);
/* Called for each translated block (a no-op unless enabled). */
void perf_map_add(const void *code, size_t size, uint64_t guest_pc);

#endif
