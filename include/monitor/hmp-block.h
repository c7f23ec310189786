/*
 * hmp-block.h: the image part of HMP `info block -v` (monitor/hmp-block.c),
 * printed as QEMU does: one qemu-img info paragraph per image of the chain.
 */
#ifndef MONITOR_HMP_BLOCK_H
#define MONITOR_HMP_BLOCK_H

#include "monitor/monitor.h"
#include "qapi/qapi-types.h"

/* "Images:" and the chain of info (node: where to find the driver's own
 * "Format specific information"). */
void hmp_block_print_images(Monitor *mon, const char *node_name, const ImageInfo *info);

#endif
